#!/usr/bin/env python3
"""An independent recomputation of the payments in a camt.053/camt.054 file.

Written separately from the mapping (ElementTree, exact decimals): every booked,
non-reversed credit entry; one payment per TxDtls of an entry that has several (with
its amount), else the entry (with the entry's amount). Prints each payment and the totals per currency, for the golden cases'
`checked_by_hand` notes.

  check_payments.py input.xml
"""
import collections
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal


def local(tag):
    return tag.rsplit("}", 1)[-1]


def child(e, *names):
    for name in names:
        if e is None:
            return None
        e = next((c for c in e if local(c.tag) == name), None)
    return e


def text(e, *names):
    e = child(e, *names)
    return "".join(e.itertext()).strip() if e is not None else ""


def main(path):
    root = ET.parse(path).getroot()
    ns = root.tag.split("}")[0][1:]
    print("namespace", ns)
    skipped = 0
    payments = []
    for ntry in root.iter("{%s}Ntry" % ns):
        credit = text(ntry, "CdtDbtInd") == "CRDT"
        booked = text(ntry, "Sts") == "BOOK"
        reversal = text(ntry, "RvslInd").lower() == "true"
        txs = [t for d in ntry if local(d.tag) == "NtryDtls" for t in d if local(t.tag) == "TxDtls"]
        records = txs or [None]
        if not (credit and booked and not reversal):
            skipped += len(records)
            continue
        for tx in records:
            # the booked entry amount unless the entry is a batch of several transactions
            if tx is None or len(txs) == 1:
                amt = child(ntry, "Amt")
            else:
                amt = child(tx, "Amt")
                if amt is None:  # an Element with no children is falsy: test None
                    amt = child(tx, "AmtDtls", "TxAmt", "Amt")
            payments.append((amt.text.strip() if amt is not None else None,
                             amt.get("Ccy") if amt is not None else None,
                             text(ntry, "BookgDt", "Dt") or text(ntry, "BookgDt", "DtTm")[:10],
                             text(tx, "RmtInf", "Ustrd") if tx is not None else ""))
    totals = collections.defaultdict(Decimal)
    for amount, ccy, booked, rmt in payments:
        print(f"{amount} {ccy} booked {booked} {rmt[:40]}")
        if amount is not None:
            totals[ccy] += Decimal(amount)
    print(f"payments {len(payments)}, skipped records {skipped}")
    print("amount per currency:", {k: str(v) for k, v in totals.items()})


if __name__ == "__main__":
    main(sys.argv[1])

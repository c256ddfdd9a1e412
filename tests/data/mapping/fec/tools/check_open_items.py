#!/usr/bin/env python3
"""An independent recomputation of a FEC's open items, to check the mapping's output.

Written separately from the mapping (plain Python, exact decimals): reads the FEC, keeps
the unlettered lines of the customer accounts, nets them per (customer, PieceRef) and
prints every open item and the totals per kind and currency. Used to write the
`checked_by_hand` notes of the golden cases.

  check_open_items.py input.txt [--sales-journals VE,VEN] [--currency EUR] [--terms 30]
"""
import argparse
import collections
import datetime
from decimal import Decimal


def decode(data):
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def amount(text):
    return Decimal(text.strip().replace(",", "."))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--sales-journals", default="VE,VEN")
    ap.add_argument("--currency", default="EUR")
    ap.add_argument("--terms", type=int, default=30)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    sales = set(args.sales_journals.split(","))
    lines = decode(open(args.path, "rb").read()).splitlines()
    sep = "\t" if "\t" in lines[0] else "|"
    head = [h.strip().lower() for h in lines[0].split(sep)]
    col = {}
    for i, h in enumerate(head):
        col.setdefault(h, i)
    get = lambda f, name: f[col[name]].strip() if name in col else ""
    groups = collections.OrderedDict()
    customers = collections.OrderedDict()
    n411 = 0
    for f in (l.split(sep) for l in lines[1:] if l.strip()):
        if not get(f, "comptenum")[:3] == "411":
            continue
        n411 += 1
        code = get(f, "compauxnum") or get(f, "compteauxnum") or get(f, "comptenum")
        customers.setdefault(code, get(f, "compauxlib") or get(f, "comptelib"))
        if get(f, "ecriturelet"):
            continue
        if "sens" in col:
            dc = amount(get(f, "montant")) * (-1 if get(f, "sens").upper() in ("C", "-1") else 1)
        else:
            dc = amount(get(f, "debit")) - amount(get(f, "credit"))
        cur, amt = args.currency, dc
        if get(f, "idevise") and get(f, "montantdevise"):
            cur = get(f, "idevise").upper()
            md = abs(amount(get(f, "montantdevise")))
            amt = -md if dc < 0 else md
        g = groups.setdefault((code, get(f, "pieceref")), {
            "bal": Decimal(0), "deb": Decimal(0), "cred": Decimal(0), "cur": set(),
            "journal": get(f, "journalcode").upper(), "date": get(f, "piecedate")})
        g["bal"] += amt
        g["deb" if amt > 0 else "cred"] += abs(amt)
        g["cur"].add(cur)
    totals = collections.Counter()
    amounts = collections.defaultdict(Decimal)
    for (code, ref), g in groups.items():
        if g["bal"] == 0:
            continue
        kind = ("invoice" if g["bal"] > 0 else
                "credit_note" if g["journal"] in sales else "payment_on_account")
        cur = "; ".join(sorted(g["cur"]))
        totals[kind] += 1
        signed = g["bal"] if kind != "credit_note" else g["bal"]
        amounts[cur] += signed
        d = g["date"]
        due = ""
        if len(d) == 8 and d.isdigit():
            due = (datetime.date(int(d[:4]), int(d[4:6]), int(d[6:])) +
                   datetime.timedelta(days=args.terms)).isoformat()
        total = g["deb"] if g["bal"] > 0 else g["cred"]
        if not args.quiet:
            print(f"{code}-{ref}\t{kind}\t{cur}\topen {abs(g['bal'])}\ttotal {total}\t"
                  f"issue {d}\tdue {due}")
    print(f"customer lines {n411}, customers {len(customers)}, unlettered groups {len(groups)}")
    print("open items:", dict(totals))
    print("balance per currency (invoices +, credit notes and payments on account -):",
          {k: str(v) for k, v in amounts.items()})


if __name__ == "__main__":
    main()

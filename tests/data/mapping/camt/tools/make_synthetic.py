#!/usr/bin/env python3
"""Writes the synthetic camt.053 inputs of the golden cases (rewrites them).

A camt.053.001.08 statement written by hand after the ISO 20022 message definition, with
what the public samples lack: a batch of three credit transfers with structured (RF) and
multi-line unstructured remittance, NOTPROVIDED end-to-end ids, date-times, a pending
entry, a returned direct debit (reversal), a debit, a cheque, a zero-decimal currency, and
an amount with more decimals than its currency (a reject). bad_truncated is the same
document cut in the middle of an entry, as a transfer interrupted would leave it;
bad_encoding is it written in Latin-1 although it declares UTF-8.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)  # tests/data/mapping/camt


def entry(amount, ccy, cd, status, booked, value, ref, family, txs="", reversal=None,
          extra=""):
    rvsl = f"\n        <RvslInd>{reversal}</RvslInd>" if reversal else ""
    dtls = f"\n        <NtryDtls>{txs}\n        </NtryDtls>" if txs else ""
    return f"""
      <Ntry>
        <Amt Ccy="{ccy}">{amount}</Amt>
        <CdtDbtInd>{cd}</CdtDbtInd>{rvsl}
        <Sts><Cd>{status}</Cd></Sts>
        <BookgDt>{booked}</BookgDt>
        <ValDt>{value}</ValDt>
        <AcctSvcrRef>{ref}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{family[0]}</Cd><SubFmlyCd>{family[1]}</SubFmlyCd></Fmly></Domn></BkTxCd>{dtls}{extra}
      </Ntry>"""


def tx(amount, ccy, e2e, name, iban, ustrd=(), rf=None, ref=None):
    lines = "".join(f"\n              <Ustrd>{u}</Ustrd>" for u in ustrd)
    strd = (f"\n              <Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>"
            f"<Issr>ISO</Issr></Tp><Ref>{rf}</Ref></CdtrRefInf></Strd>") if rf else ""
    acct = f"\n              <AcctSvcrRef>{ref}</AcctSvcrRef>" if ref else ""
    return f"""
          <TxDtls>
            <Refs>{acct}
              <EndToEndId>{e2e}</EndToEndId>
            </Refs>
            <Amt Ccy="{ccy}">{amount}</Amt>
            <CdtDbtInd>CRDT</CdtDbtInd>
            <RltdPties>
              <Dbtr><Pty><Nm>{name}</Nm></Pty></Dbtr>
              <DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct>
            </RltdPties>
            <RmtInf>{lines}{strd}
            </RmtInf>
          </TxDtls>"""


def d(day):
    return f"<Dt>{day}</Dt>"


def statement():
    batch = (tx("1200.00", "EUR", "E2E-DUPONT-0001", "DUPONT SA", "FR7630006000011234567890189",
                ustrd=("FACTURE F2026-001",), ref="TX-0001")
             + tx("49.95", "EUR", "NOTPROVIDED", "DUPONT SA", "FR7630006000011234567890189",
                  ustrd=("SOLDE F2026-002 CLIENT C001", "MERCI"), ref="TX-0002")
             + tx("250.05", "EUR", "E2E-MARTIN-77", "MARTIN &amp; FILS", "DE89370400440532013000",
                  rf="RF18539007547034", ref="TX-0003"))
    entries = [
        entry("1500.00", "EUR", "CRDT", "BOOK", "<DtTm>2026-03-02T09:15:00+01:00</DtTm>", d("2026-03-02"),
              "BANKREF-1001", ("RCDT", "ESCT"), txs=batch),
        entry("300.00", "EUR", "CRDT", "BOOK", d("2026-03-02"), d("2026-03-03"), "BANKREF-1002",
              ("RCHQ", "URCQ"), extra="\n        <AddtlNtryInf>REMISE CHEQUE 0001234 PERE NOEL SARL</AddtlNtryInf>"),
        entry("99.00", "EUR", "CRDT", "PDNG", d("2026-03-02"), d("2026-03-04"), "BANKREF-1003",
              ("RCDT", "ESCT")),
        entry("80.00", "EUR", "CRDT", "BOOK", d("2026-03-02"), d("2026-03-02"), "BANKREF-1004",
              ("RDDT", "UPDD"), reversal="true",
              extra="\n        <AddtlNtryInf>RETURN OF DIRECT DEBIT</AddtlNtryInf>"),
        entry("45.10", "EUR", "DBIT", "BOOK", d("2026-03-02"), d("2026-03-02"), "BANKREF-1005",
              ("ICDT", "ESCT")),
        entry("120000", "JPY", "CRDT", "BOOK", d("2026-03-02"), d("2026-03-02"), "BANKREF-1006",
              ("RCDT", "XBCT"), txs=tx("120000", "JPY", "E2E-TANAKA-1", "TANAKA KK",
                                       "JP0000000000000000", ustrd=("INV F2026-203",))),
        entry("18.155", "EUR", "CRDT", "BOOK", d("2026-03-02"), d("2026-03-02"), "BANKREF-1007",
              ("RCDT", "ESCT")),
    ]
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr>
      <MsgId>STMT-20260302-0001</MsgId>
      <CreDtTm>2026-03-02T22:00:00+01:00</CreDtTm>
    </GrpHdr>
    <Stmt>
      <Id>STMT-2026-061</Id>
      <ElctrncSeqNb>61</ElctrncSeqNb>
      <CreDtTm>2026-03-02T22:00:00+01:00</CreDtTm>
      <Acct>
        <Id><IBAN>FR7614508000402345678901234</IBAN></Id>
        <Ccy>EUR</Ccy>
      </Acct>{"".join(entries)}
    </Stmt>
  </BkToCstmrStmt>
</Document>
"""


def write(case, text):
    path = os.path.join(ROOT, case, "input.xml")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


if __name__ == "__main__":
    doc = statement()
    write("synthetic_v08_batch", doc)
    cut = doc.index("<Ntry>", doc.index("BANKREF-1002")) + 60
    write("bad_truncated", doc[:cut])
    # Declared UTF-8, written in Latin-1 by the exporting system: a byte that is not UTF-8.
    latin1 = doc.replace("PERE NOEL SARL", "P\u00c8RE NO\u00cbL SARL").encode("latin-1")
    path = os.path.join(ROOT, "bad_encoding", "input.xml")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(latin1)

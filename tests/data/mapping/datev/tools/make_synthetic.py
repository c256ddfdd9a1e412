#!/usr/bin/env python3
"""Writes the synthetic DATEV EXTF inputs of the golden cases (rewrites them).

The column-name lines are taken byte for byte from the MIT-licensed samples next to them
(../ledermann_buchungsstapel/input.csv, ../ledermann_stammdaten/input.csv), so names and
field counts are DATEV's. Files are Windows-1252, CRLF, `;`, text in double quotes, as
DATEV writes them. Amounts are text; nothing is computed with floats.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)  # tests/data/mapping/datev


def names_line(case):
    with open(os.path.join(ROOT, case, "input.csv"), "rb") as f:
        return f.read().split(b"\r\n")[1].decode("cp1252")


def quote(v):
    return '"' + v.replace('"', '""') + '"'


def write(case, lines, encoding="cp1252"):
    path = os.path.join(ROOT, case, "input.csv")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(("\r\n".join(lines) + "\r\n").encode(encoding))


def booking(ncols, umsatz, sh, wkz, konto, gegenkonto, bu, belegdatum, beleg1, beleg2, text):
    fields = [""] * ncols
    fields[0] = umsatz
    fields[1] = quote(sh)
    fields[2] = quote(wkz)
    fields[6] = konto
    fields[7] = gegenkonto
    fields[8] = quote(bu)
    fields[9] = belegdatum
    fields[10] = quote(beleg1)
    fields[11] = quote(beleg2)
    fields[13] = quote(text)
    return ";".join(fields)


def buchungsstapel_fiscal_year_july():
    """Fiscal year from 1 July 2025; the batch covers December 2025 and January 2026, so
    Belegdatum 1512 is 2025-12-15 and 0801 is 2026-01-08. Sachkontenlänge 4: debtors are
    10000-69999. Debtors appear on both sides (Konto and Gegenkonto)."""
    names = names_line("ledermann_buchungsstapel")
    n = len(names.split(";"))
    header = ('"EXTF";700;21;"Buchungsstapel";9;20260205093000123;;"RE";"Buchhaltung";"";'
              '29098;55003;20250701;4;20251201;20260131;"Dez/Jan";"WD";1;0;0;"EUR";;"";;;"";;;"";""')
    b = lambda *a: booking(n, *a)
    rows = [
        # invoice RE-2025-120, debtor on the Konto side, debit (S)
        b("1190,00", "S", "EUR", "10010", "8400", "", "1512", "RE-2025-120", "", "Rechnung Dezember"),
        # invoice RE-2025-121, debtor on the Gegenkonto side: revenue credited (H)
        b("595,00", "H", "EUR", "8400", "10020", "", "1812", "RE-2025-121", "", "Rechnung Beratung"),
        # partial payment of RE-2025-120 by bank (1200 debit, debtor credit)
        b("500,00", "S", "EUR", "1200", "10010", "", "0801", "RE-2025-120", "", "Zahlung Teil"),
        # full payment of RE-2025-121: nets to zero, no open item
        b("595,00", "H", "EUR", "10020", "1200", "", "1001", "RE-2025-121", "", "Zahlung"),
        # credit note GS-2026-001 against revenue: debtor credited, not a payment account
        b("119,00", "H", "EUR", "10030", "8400", "", "1201", "GS-2026-001", "", "Gutschrift Rabatt"),
        # payment with an unknown reference: a payment on account
        b("250,00", "S", "EUR", "1200", "10030", "", "2001", "Überweisung 4711", "", "Zahlung ohne Rechnung"),
        # foreign currency invoice, with a due date in Belegfeld 2 (TTMMJJ)
        b("2000,00", "S", "USD", "10040", "8400", "", "2201", "RE-2026-007", "210226", "Invoice USD"),
        # a G/L booking without debtor: skipped
        b("24,95", "H", "EUR", "1200", "4940", "8", "2201", "", "", "Fachbuch"),
        # Belegdatum written without its leading zero (3 digits): 5 January
        b("80,00", "S", "EUR", "10050", "8400", "", "501", "RE-2026-009", "", "Rechnung Kleinbetrag"),
    ]
    write("fiscal_year_july", [header, names] + rows)


def stammdaten_customers():
    """Debtors and a creditor; a company, a person, a French customer with VAT id and IBAN."""
    names = names_line("ledermann_stammdaten")
    n = len(names.split(";"))
    col = {name: i for i, name in reversed(list(enumerate(names.split(";"))))}
    header = ('"EXTF";700;16;"Debitoren/Kreditoren";5;20260205093000123;;"RE";"Buchhaltung";"";'
              '29098;55003;20250701;4;;;"Stammdaten";"";;;;"";"";"";"";"";"";;;"";""')

    def person(values):
        fields = [""] * n
        for name, value in values.items():
            i = col[name]
            numeric = name in ("Konto", "Sprache", "Fälligkeit in Tagen (Debitor)",
                               "Kreditlimit (Debitor)", "Zahlungsbedingung")
            fields[i] = value if numeric else quote(value)
        return ";".join(fields)

    rows = [
        person({"Konto": "10010", "Name (Adressatentyp Unternehmen)": "Bäckerei Schäfer GmbH",
                "Adressatentyp": "2", "EU-Land": "DE", "EU-USt-IdNr.": "811907980",
                "Straße": "Hauptstraße 5", "Postleitzahl": "50667", "Ort": "Köln", "Land": "DE",
                "E-Mail": "buchhaltung@schaefer.example", "Sprache": "1",
                "Kreditlimit (Debitor)": "15000,00", "Zahlungsbedingung": "10",
                "Fälligkeit in Tagen (Debitor)": "14", "Kundennummer": "K-4711"}),
        person({"Konto": "10020", "Name (Adressatentyp natürl. Person)": "Weiß",
                "Vorname (Adressatentyp natürl. Person)": "Jürgen", "Adressatentyp": "1",
                "Straße": "Am Markt 1", "Postleitzahl": "80331", "Ort": "München", "Land": "DE"}),
        person({"Konto": "10030", "Name (Adressatentyp Unternehmen)": "Société Lyonnaise SARL",
                "Adressatentyp": "2", "EU-Land": "FR", "EU-USt-IdNr.": "40303265045",
                "Straße": "12 rue de la République", "Postleitzahl": "69002", "Ort": "Lyon",
                "Land": "FR", "Sprache": "4", "IBAN 1": "FR7630006000011234567890189"}),
        person({"Konto": "70001", "Name (Adressatentyp Unternehmen)": "Lieferant AG",
                "Adressatentyp": "2"}),
        person({"Konto": "10040", "Name (Adressatentyp keine Angabe)": "Acme Inc.",
                "Adressatentyp": "0", "Land": "US", "Sprache": "5"}),
    ]
    write("stammdaten_customers", [header, names] + rows)


if __name__ == "__main__":
    buchungsstapel_fiscal_year_july()
    stammdaten_customers()

#!/usr/bin/env python3
"""Writes the synthetic SAP FBL5N list exports of the golden cases (rewrites them).

No permissively licensed real FBL5N export exists, so these follow the documented shape of
an ALV list saved with "System > List > Save > Local File > unconverted": a page banner
(date, title, page number), dashed rules, the column headings, `|`-delimited padded
columns with a leading and a trailing `|`, subtotal rows (`*`) per customer and a total
row (`**`), and banner + headings repeated on every page. The layout is the one
docs/formats.md asks SAP users to save (customer, company code, document number, year,
item, type, dates, reference, assignment, amount and currency in document currency,
clearing document, text).

Numbers are written as SAP writes them for the user's decimal notation (SU01 > Defaults):
  ' ' 1.234.567,89   'X' 1,234,567.89   'Y' 1 234 567,89
with the sign after the number (`1.234,56-`), and exactly the currency's decimals.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)  # tests/data/mapping/sap

HEADINGS = {
    "en": ["Customer", "Name 1", "CoCd", "DocumentNo", "Year", "Itm", "Type", "Doc. Date",
           "Pstng Date", "Net due dt", "Reference", "Assignment", "Amount in DC", "Curr.",
           "Clrng doc.", "Text"],
    "de": ["Kunde", "Name 1", "BuKr", "Belegnr", "Jahr", "Pos", "Art", "Belegdatum",
           "Buchungsdatum", "Nettofällig", "Referenz", "Zuordnung", "Betrag in BW", "Währg",
           "Ausgl.beleg", "Text"],
}
TITLE = {"en": "Customer Line Item Display", "de": "Debitoren Einzelpostenliste"}
WIDTHS = [10, 24, 4, 10, 4, 3, 4, 10, 10, 10, 16, 18, 18, 5, 10, 24]
RIGHT = {0, 12}  # right-aligned columns (customer number, amount)
DECIMALS = {"EUR": 2, "USD": 2, "JPY": 0, "CHF": 2}

# customer, name, company code, document, year, item, type, doc date, posting date, net due,
# reference, assignment, amount (text, '.' decimal, leading '-' for credits), currency,
# clearing document, text. Dates are ISO here and formatted per case.
ITEMS = [
    ("100123", "Dupont SA", "FR01", "1800000123", "2026", "001", "DR", "2026-03-01", "2026-03-01",
     "2026-03-31", "FA-2026-001", "0000012345", "1234.56", "EUR", "", "Rechnung März"),
    ("100123", "Dupont SA", "FR01", "1800000124", "2026", "001", "RV", "2026-03-05", "2026-03-06",
     "2026-04-05", "FA-2026-002", "0000012346", "98765.43", "EUR", "", ""),
    ("100123", "Dupont SA", "FR01", "1700000007", "2026", "001", "DG", "2026-03-08", "2026-03-08",
     "2026-03-08", "AV-2026-001", "0000012345", "-120.00", "EUR", "", "Gutschrift Preis"),
    ("100123", "Dupont SA", "FR01", "1400000045", "2026", "002", "DZ", "2026-03-10", "2026-03-10",
     "2026-03-10", "", "VIR 0310", "-500.00", "EUR", "", "Zahlung ohne Zuordnung"),
    ("100123", "Dupont SA", "FR01", "1800000101", "2026", "001", "DR", "2026-02-01", "2026-02-01",
     "2026-03-03", "FA-2026-000", "0000012300", "300.00", "EUR", "1400000040", "ausgeglichen"),
    ("200456", "Müller & Söhne GmbH", "FR01", "1800000130", "2026", "001", "DR", "2026-03-12",
     "2026-03-12", "2026-04-11", "FA-2026-003", "", "2500.00", "USD", "", "Großauftrag"),
    ("200456", "Müller & Söhne GmbH", "FR01", "1800000131", "2026", "001", "DR", "2026-03-13",
     "2026-03-13", "2026-04-12", "FA-2026-004", "", "1250000", "JPY", "", ""),
    ("200456", "Müller & Söhne GmbH", "FR01", "1800000132", "2026", "001", "DR", "2026-03-14",
     "2026-03-14", "2026-04-13", "FA-2026-005", "", "45000", "JPY", "", "Musterteile"),
    ("300789", "Société Générale d'Exemple", "FR02", "1800000123", "2026", "001", "DR",
     "2026-03-15", "2026-03-16", "2026-05-14", "FB-2026-017", "PO 4711", "15.00", "EUR", "",
     ""),
]


def amount_text(amount, currency, notation):
    negative = amount.startswith("-")
    digits = amount.lstrip("-")
    whole, _, frac = digits.partition(".")
    frac = (frac + "0" * 4)[:DECIMALS[currency]]
    thousands, decimal = {"de": (".", ","), "en": (",", "."), "fr": (" ", ",")}[notation]
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = thousands.join(groups) + (decimal + frac if frac else "")
    return text + ("-" if negative else " ")


def date_text(iso, notation):
    y, m, d = iso.split("-")
    return f"{m}/{d}/{y}" if notation == "en" else f"{d}.{m}.{y}"


def row(values, marker="", widths=WIDTHS):
    # SAP cuts a value to its column's width, as the list shows it.
    cells = []
    for i, (v, w) in enumerate(zip(values, widths)):
        v = v[:w]
        cells.append(v.rjust(w) if i in RIGHT else v.ljust(w))
    return "|" + marker.ljust(3) + "|" + "|".join(cells) + "|"


def export(headings, notation, lines_per_page, report_date):
    heads = HEADINGS[headings]
    widths = [max(w, len(h)) for w, h in zip(WIDTHS, heads)]
    width = len(row(heads, widths=widths))
    rule = "-" * width
    body = []
    by_customer = {}
    grand = {}
    for item in ITEMS:
        by_customer.setdefault(item[0], []).append(item)
    for customer, items in by_customer.items():
        sums = {}
        for it in items:
            values = list(it)
            values[7] = date_text(it[7], notation)
            values[8] = date_text(it[8], notation)
            values[9] = date_text(it[9], notation)
            values[12] = amount_text(it[12], it[13], notation)
            body.append(row(values, widths=widths))
            if not it[14]:
                sums.setdefault(it[13], []).append(it[12])
                grand.setdefault(it[13], []).append(it[12])
        for currency, amounts in sums.items():
            total = sum_text(amounts)
            empty = [""] * len(heads)
            empty[0], empty[12], empty[13] = customer, amount_text(total, currency, notation), currency
            body.append(row(empty, "*", widths))
    out = []
    page = 0
    for start in range(0, len(body), lines_per_page):
        page += 1
        out.append(f"{report_date}{TITLE[headings].center(width - 20)}{page:>10}")
        out.append("")
        out.append(rule)
        out.append(row(heads, "", widths))
        out.append(rule)
        out.extend(body[start:start + lines_per_page])
        out.append(rule)
    for currency, amounts in grand.items():
        empty = [""] * len(heads)
        empty[12], empty[13] = amount_text(sum_text(amounts), currency, notation), currency
        out.append(row(empty, "**", widths))
    return out


def sum_text(amounts):
    # exact: scaled integers, never floats
    total = 0
    for a in amounts:
        neg = a.startswith("-")
        whole, _, frac = a.lstrip("-").partition(".")
        cents = int(whole) * 100 + int((frac + "00")[:2])
        total += -cents if neg else cents
    sign = "-" if total < 0 else ""
    total = abs(total)
    return f"{sign}{total // 100}.{total % 100:02d}"


def write(case, lines, encoding, newline="\r\n", bom=b""):
    path = os.path.join(ROOT, case, "input.txt")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(bom + (newline.join(lines) + newline).encode(encoding))


if __name__ == "__main__":
    # German logon, notation ' ' (1.234,56-), DD.MM.YYYY, Windows-1252, CRLF.
    write("fbl5n_german", export("de", "de", 5, "17.03.2026"), "cp1252")
    # English logon, French user notation 'Y' (1 234,56-), DD.MM.YYYY, UTF-8.
    write("fbl5n_french_notation", export("en", "fr", 6, "17.03.2026"), "utf-8", newline="\n")
    # English logon, notation 'X' (1,234.56-), MM/DD/YYYY, UTF-16LE "Unicode" export.
    write("fbl5n_english_unicode", export("en", "en", 50, "03/17/2026"), "utf-16-le",
          bom=b"\xff\xfe")
    # The German file read with the wrong notation parameter: rejects, never wrong amounts.
    write("bad_wrong_notation", export("de", "de", 50, "17.03.2026"), "cp1252")

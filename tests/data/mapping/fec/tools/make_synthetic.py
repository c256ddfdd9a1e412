#!/usr/bin/env python3
"""Writes the synthetic FEC inputs of the golden cases (run from anywhere; rewrites them).

Each case is a small, fictional ledger written the way a real generator writes it: the
18 columns of article A47 A-1 (or the Montant/Sens variant), tab or pipe separated, and
the byte-level details the case is about (encoding, BOM, padding). Amounts are written
as text; nothing here computes money with floats.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)  # tests/data/mapping/fec

DC_HEADER = ["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum",
             "CompteLib", "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib",
             "Debit", "Credit", "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise"]
MS_HEADER = DC_HEADER[:11] + ["Montant", "Sens"] + DC_HEADER[13:]


def write(case, name, text, encoding="utf-8", bom=b"", newline="\n"):
    path = os.path.join(ROOT, case, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = bom + text.replace("\n", newline).encode(encoding)
    with open(path, "wb") as f:
        f.write(data)


def join(rows, sep, trailing=False):
    end = sep if trailing else ""
    return "".join(sep.join(r) + end + "\n" for r in rows)


# One ledger, written with Debit/Credit columns. Each line:
# journal, journal label, entry no, entry date, account, account label, aux account,
# aux label, piece ref, piece date, label, debit, credit, lettering, lettering date.
def ledger_lines():
    L = []

    def add(j, jl, n, d, acc, accl, aux, auxl, ref, pd, lib, debit, credit, let="", dlet=""):
        L.append([j, jl, n, d, acc, accl, aux, auxl, ref, pd, lib, debit, credit, let, dlet,
                  "20260331", "", ""])

    # F2026-001: an invoice, open in full.
    add("VE", "Ventes", "1", "20260105", "41100000", "Clients", "C001", "Dupont SA",
        "F2026-001", "20260105", "Facture F2026-001", "1200,00", "0,00")
    add("VE", "Ventes", "1", "20260105", "70600000", "Prestations", "", "",
        "F2026-001", "20260105", "Facture F2026-001", "0,00", "1000,00")
    add("VE", "Ventes", "1", "20260105", "44571000", "TVA collectée", "", "",
        "F2026-001", "20260105", "Facture F2026-001", "0,00", "200,00")
    # F2026-002: an invoice, half paid (the payment carries the same PieceRef, unlettered).
    add("VE", "Ventes", "2", "20260110", "41100000", "Clients", "C001", "Dupont SA",
        "F2026-002", "20260110", "Facture F2026-002", "99,90", "0,00")
    add("VE", "Ventes", "2", "20260110", "70600000", "Prestations", "", "",
        "F2026-002", "20260110", "Facture F2026-002", "0,00", "83,25")
    add("VE", "Ventes", "2", "20260110", "44571000", "TVA collectée", "", "",
        "F2026-002", "20260110", "Facture F2026-002", "0,00", "16,65")
    # AV2026-001: a credit note in the sales journal.
    add("VE", "Ventes", "3", "20260112", "41100000", "Clients", "C002", "Müller Sàrl",
        "AV2026-001", "20260112", "Avoir AV2026-001", "0,00", "10,00")
    add("VE", "Ventes", "3", "20260112", "70600000", "Prestations", "", "",
        "AV2026-001", "20260112", "Avoir AV2026-001", "8,33", "0,00")
    add("VE", "Ventes", "3", "20260112", "44571000", "TVA collectée", "", "",
        "AV2026-001", "20260112", "Avoir AV2026-001", "1,67", "0,00")
    # F2026-003: invoiced and paid, lettered AA: closed, not an open item.
    add("VE", "Ventes", "4", "20260115", "41100000", "Clients", "C003", "Martin & Fils",
        "F2026-003", "20260115", "Facture F2026-003", "300,00", "0,00", "AA", "20260201")
    add("VE", "Ventes", "4", "20260115", "70600000", "Prestations", "", "",
        "F2026-003", "20260115", "Facture F2026-003", "0,00", "300,00")
    # F2026-004: invoiced and paid with the same PieceRef but not lettered: nets to zero.
    add("VE", "Ventes", "5", "20260120", "41100000", "Clients", "C002", "Müller Sàrl",
        "F2026-004", "20260120", "Facture F2026-004", "250,00", "0,00")
    add("VE", "Ventes", "5", "20260120", "70600000", "Prestations", "", "",
        "F2026-004", "20260120", "Facture F2026-004", "0,00", "250,00")
    # Bank journal.
    add("BQ", "Banque", "6", "20260125", "51200000", "Banque", "", "",
        "F2026-002", "20260125", "Virement Dupont", "49,95", "0,00")
    add("BQ", "Banque", "6", "20260125", "41100000", "Clients", "C001", "Dupont SA",
        "F2026-002", "20260125", "Virement Dupont", "0,00", "49,95")
    add("BQ", "Banque", "7", "20260201", "51200000", "Banque", "", "",
        "F2026-003", "20260201", "Virement Martin", "300,00", "0,00")
    add("BQ", "Banque", "7", "20260201", "41100000", "Clients", "C003", "Martin & Fils",
        "F2026-003", "20260201", "Virement Martin", "0,00", "300,00", "AA", "20260201")
    add("BQ", "Banque", "8", "20260203", "51200000", "Banque", "", "",
        "F2026-004", "20260203", "Virement Müller", "250,00", "0,00")
    add("BQ", "Banque", "8", "20260203", "41100000", "Clients", "C002", "Müller Sàrl",
        "F2026-004", "20260203", "Virement Müller", "0,00", "250,00")
    # VIR-0042: cash received with no invoice to match yet: a payment on account.
    add("BQ", "Banque", "9", "20260205", "51200000", "Banque", "", "",
        "VIR-0042", "20260205", "Virement Martin acompte", "500,00", "0,00")
    add("BQ", "Banque", "9", "20260205", "41100000", "Clients", "C003", "Martin & Fils",
        "VIR-0042", "20260205", "Virement Martin acompte", "0,00", "500,00")
    return L


def to_montant_sens(line):
    debit, credit = line[11], line[12]
    if debit != "0,00":
        return line[:11] + [debit, "D"] + line[13:]
    return line[:11] + [credit, "C"] + line[13:]


def montant_sens():
    rows = [MS_HEADER] + [to_montant_sens(l) for l in ledger_lines()]
    write("montant_sens", "input.txt", join(rows, "\t"))


def debit_credit_tab():
    rows = [DC_HEADER] + ledger_lines()
    write("debit_credit_tab", "input.txt", join(rows, "\t"))


def utf16le_excel():
    # Excel's "Unicode text": UTF-16LE with a BOM, tab separated, CRLF.
    rows = [DC_HEADER] + ledger_lines()
    write("utf16le_excel", "input.txt", join(rows, "\t"), encoding="utf-16-le",
          bom=b"\xff\xfe", newline="\r\n")


def pad(value, width, right=False):
    return value.rjust(width) if right else value.ljust(width)


def pipe_latin9():
    """Pipe separated, fixed-width padded fields, zero-padded amounts, space-filled dates,
    a trailing `|`, an extra CodeEtablissement column, the MontantDevise spelling, and
    ISO-8859-15 text (é, è, œ, €) as the legal character set allows."""
    header = DC_HEADER[:16] + ["MontantDevise", "Idevise", "CodeEtablissement"]
    widths = [4, 12, 8, 8, 8, 22, 8, 24, 10, 8, 28, 13, 13, 2, 8, 8, 13, 3, 4]
    lines = [
        ["VE", "Ventes", "00000001", "20260302", "41100000", "Clients", "C010", "Boulangerie Hervé",
         "F2026-101", "20260302", "Facture F2026-101", "0000001234,50", "0000000000,00", "", "",
         "20260331", "", "", "PAR"],
        ["VE", "Ventes", "00000001", "20260302", "70600000", "Prestations", "", "",
         "F2026-101", "20260302", "Facture F2026-101", "0000000000,00", "0000001028,75", "", "",
         "20260331", "", "", "PAR"],
        ["VE", "Ventes", "00000001", "20260302", "44571000", "TVA collectée", "", "",
         "F2026-101", "20260302", "Facture F2026-101", "0000000000,00", "0000000205,75", "", "",
         "20260331", "", "", "PAR"],
        ["VE", "Ventes", "00000002", "20260305", "41100000", "Clients", "C011", "Cœur de Lyon",
         "AV2026-007", "20260305", "Avoir remise 5 € / unité", "0000000000,00", "0000000060,00",
         "", "", "20260331", "", "", "LYO"],
        ["VE", "Ventes", "00000002", "20260305", "70900000", "RRR accordés", "", "",
         "AV2026-007", "20260305", "Avoir remise 5 € / unité", "0000000050,00", "0000000000,00",
         "", "", "20260331", "", "", "LYO"],
        ["VE", "Ventes", "00000002", "20260305", "44571000", "TVA collectée", "", "",
         "AV2026-007", "20260305", "Avoir remise 5 € / unité", "0000000010,00", "0000000000,00",
         "", "", "20260331", "", "", "LYO"],
        ["BQ", "Banque", "00000003", "20260310", "51200000", "Banque", "", "",
         "REM-0310", "20260310", "Remise chèques", "0000000800,00", "0000000000,00", "", "",
         "20260331", "", "", "PAR"],
        ["BQ", "Banque", "00000003", "20260310", "41100000", "Clients", "C012", "Père Noël SARL",
         "REM-0310", "20260310", "Remise chèques", "0000000000,00", "0000000800,00", "AB",
         "20260313", "20260331", "", "", "PAR"],
        ["VE", "Ventes", "00000004", "20260312", "41100000", "Clients", "C012", "Père Noël SARL",
         "F2026-102", "20260312", "Facture F2026-102", "0000000800,00", "0000000000,00", "AB",
         "20260313", "20260331", "", "", "PAR"],
        ["VE", "Ventes", "00000004", "20260312", "70600000", "Prestations", "", "",
         "F2026-102", "20260312", "Facture F2026-102", "0000000000,00", "0000000800,00", "", "",
         "20260331", "", "", "PAR"],
    ]
    rows = ["|".join(pad(v, w) for v, w in zip(header, [len(h) for h in header])) + "|"]
    for l in lines:
        rows.append("|".join(pad(v, w) for v, w in zip(l, widths)) + "|")
    write("pipe_latin9", "input.txt", "\n".join(rows) + "\n", encoding="iso-8859-15")


def foreign_currency():
    """Lines in USD: Debit/Credit in EUR (the books), Montantdevise/Idevise in USD."""
    L = [
        ["VE", "Ventes", "1", "20260402", "41100000", "Clients", "C020", "Acme Corp",
         "F2026-201", "20260402", "Invoice F2026-201", "920,00", "0,00", "", "", "20260430",
         "1000,00", "USD"],
        ["VE", "Ventes", "1", "20260402", "70600000", "Prestations", "", "",
         "F2026-201", "20260402", "Invoice F2026-201", "0,00", "920,00", "", "", "20260430",
         "1000,00", "USD"],
        ["BQ", "Banque", "2", "20260420", "51200000", "Banque", "", "",
         "F2026-201", "20260420", "Wire Acme", "368,00", "0,00", "", "", "20260430",
         "400,00", "USD"],
        ["BQ", "Banque", "2", "20260420", "41100000", "Clients", "C020", "Acme Corp",
         "F2026-201", "20260420", "Wire Acme", "0,00", "368,00", "", "", "20260430",
         "400,00", "USD"],
        ["VE", "Ventes", "3", "20260405", "41100000", "Clients", "C021", "Durand SA",
         "F2026-202", "20260405", "Facture F2026-202", "480,00", "0,00", "", "", "20260430",
         "", ""],
        ["VE", "Ventes", "3", "20260405", "70600000", "Prestations", "", "",
         "F2026-202", "20260405", "Facture F2026-202", "0,00", "480,00", "", "", "20260430",
         "", ""],
        ["VE", "Ventes", "4", "20260407", "41100000", "Clients", "C022", "Tanaka KK",
         "F2026-203", "20260407", "Invoice F2026-203", "1250,00", "0,00", "", "", "20260430",
         "200000", "JPY"],
        ["VE", "Ventes", "4", "20260407", "70600000", "Prestations", "", "",
         "F2026-203", "20260407", "Invoice F2026-203", "0,00", "1250,00", "", "", "20260430",
         "200000", "JPY"],
    ]
    write("foreign_currency", "input.txt", join([DC_HEADER] + L, "\t"))


def sales_journals_param():
    """Journal codes VT/AVO are the sales journals of this ledger (parameter override)."""
    L = [
        ["VT", "Ventes", "1", "20260501", "41100000", "Clients", "C030", "Lefèvre SAS",
         "F2026-301", "20260501", "Facture", "600,00", "0,00", "", "", "20260531", "", ""],
        ["VT", "Ventes", "1", "20260501", "70600000", "Prestations", "", "",
         "F2026-301", "20260501", "Facture", "0,00", "600,00", "", "", "20260531", "", ""],
        ["AVO", "Avoirs", "2", "20260506", "41100000", "Clients", "C030", "Lefèvre SAS",
         "AV2026-301", "20260506", "Avoir", "0,00", "120,00", "", "", "20260531", "", ""],
        ["AVO", "Avoirs", "2", "20260506", "70900000", "RRR", "", "",
         "AV2026-301", "20260506", "Avoir", "120,00", "0,00", "", "", "20260531", "", ""],
        ["VE", "Ventes comptoir", "3", "20260508", "41100000", "Clients", "C031", "Roux EURL",
         "AV2026-302", "20260508", "Avoir comptoir", "0,00", "45,00", "", "", "20260531", "", ""],
        ["VE", "Ventes comptoir", "3", "20260508", "70900000", "RRR", "", "",
         "AV2026-302", "20260508", "Avoir comptoir", "45,00", "0,00", "", "", "20260531", "", ""],
    ]
    write("sales_journals_param", "input.txt", join([DC_HEADER] + L, "\t"))


def bad_ebcdic():
    """EBCDIC (code page 500): a character set article A47 A-1 allows, which the mapping
    does not read. The file must be refused, not read as garbage."""
    rows = [DC_HEADER] + ledger_lines()
    write("bad_ebcdic", "input.txt", join(rows, "\t"), encoding="cp500")


def bad_missing_column():
    header = [h for h in DC_HEADER if h != "PieceRef"]
    L = [l[:8] + l[9:] for l in ledger_lines()[:3]]
    write("bad_missing_column", "input.txt", join([header] + L, "\t"))


def bad_values():
    """One good invoice, then one bad thing per line, each on a customer line."""
    L = [
        # good
        ["VE", "Ventes", "1", "20260601", "41100000", "Clients", "C040", "Bon Client",
         "F2026-401", "20260601", "Facture", "100,00", "0,00", "", "", "20260630", "", ""],
        # a date that does not exist
        ["VE", "Ventes", "2", "20260602", "41100000", "Clients", "C041", "Date Fausse",
         "F2026-402", "20260230", "Facture", "100,00", "0,00", "", "", "20260630", "", ""],
        # thousands separator: FEC forbids it; `1.234,56` is not read as 1234.56
        ["VE", "Ventes", "3", "20260603", "41100000", "Clients", "C042", "Milliers",
         "F2026-403", "20260603", "Facture", "1.234,56", "0,00", "", "", "20260630", "", ""],
        # three decimals for EUR: never rounded
        ["VE", "Ventes", "4", "20260604", "41100000", "Clients", "C043", "Trois Decimales",
         "F2026-404", "20260604", "Facture", "12,345", "0,00", "", "", "20260630", "", ""],
        # no PieceRef on a customer line: no document to attach it to
        ["VE", "Ventes", "5", "20260605", "41100000", "Clients", "C044", "Sans Piece",
         "", "20260605", "Facture", "55,00", "0,00", "", "", "20260630", "", ""],
        # a sub-ledger encoded in the account number, no CompAuxNum: the account is the customer
        ["VE", "Ventes", "6", "20260606", "411DUPONT", "Dupont", "", "",
         "F2026-406", "20260606", "Facture", "75,00", "0,00", "", "", "20260630", "", ""],
        # a date in the wrong format
        ["VE", "Ventes", "7", "20260607", "41100000", "Clients", "C045", "Date US",
         "F2026-407", "07-06-26", "Facture", "10,00", "0,00", "", "", "20260630", "", ""],
    ]
    write("bad_values", "input.txt", join([DC_HEADER] + L, "\t"))


def bad_semicolon_mixed():
    """Semicolon separated (third-party generators do this), with a document whose lines
    are in two currencies, an empty Credit, and an unknown Sens-like value in Debit."""
    L = [
        ["VE", "Ventes", "1", "20260402", "41100000", "Clients", "C020", "Acme Corp",
         "F2026-501", "20260402", "Invoice", "920,00", "0,00", "", "", "20260430",
         "1000,00", "USD"],
        ["BQ", "Banque", "2", "20260420", "41100000", "Clients", "C020", "Acme Corp",
         "F2026-501", "20260420", "Wire in euros", "0,00", "368,00", "", "", "20260430", "", ""],
        ["VE", "Ventes", "3", "20260403", "41100000", "Clients", "C021", "Beta SARL",
         "F2026-502", "20260403", "Facture", "100,00", "", "", "", "20260430", "", ""],
        ["VE", "Ventes", "4", "20260404", "41100000", "Clients", "C022", "Gamma SA",
         "F2026-503", "20260404", "Facture", "250,00", "0,00", "", "", "20260430", "", ""],
    ]
    write("bad_semicolon_mixed", "input.txt", join([DC_HEADER] + L, ";"))


if __name__ == "__main__":
    montant_sens()
    debit_credit_tab()
    utf16le_excel()
    pipe_latin9()
    foreign_currency()
    sales_journals_param()
    bad_semicolon_mixed()
    bad_ebcdic()
    bad_missing_column()
    bad_values()

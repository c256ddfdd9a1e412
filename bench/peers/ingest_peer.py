#!/usr/bin/python3
"""The plain-Python peer of store_path_bench: one generic open-items CSV into SQLite.

What it does per file, in one transaction (WAL mode, synchronous=FULL like the daemon):
for each row read by csv.DictReader, a customer and a receivable dictionary (amounts
turned into integer minor units and back into decimal text, each entity with a `raw`
object of the row), the SHA-256 of each entity's JSON without `raw` (json.dumps with
sorted keys), the stored hash looked up by key; an unchanged entity is not written, a new
or changed one is upserted into `entities` (key, hash, version, data) with one `outbox`
row. A customer repeated on later rows of the same file is looked at once.

What it does not do, and the daemon does: the mapping language, value checks (dates,
currencies, the amount's exponent), rejects, closing what a snapshot lacks, the file
ledger, the open-balance columns.

Usage: ingest_peer.py DB CSV
Prints one line: rows=… seconds=… created=… updated=… unchanged=… changes=… peak_rss_kib=…
(seconds: from opening the CSV to the commit; not the interpreter's start).
"""
import csv
import hashlib
import json
import resource
import sqlite3
import sys
import time

TENANT = "bench"
SOURCE = "bench"
LEGAL_ENTITY = "FR01"

SCHEMA = """
CREATE TABLE IF NOT EXISTS entities (
  key     TEXT PRIMARY KEY,
  entity  TEXT NOT NULL,
  version INTEGER NOT NULL,
  hash    TEXT NOT NULL,
  data    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
  seq     INTEGER PRIMARY KEY AUTOINCREMENT,
  op      TEXT NOT NULL,
  entity  TEXT NOT NULL,
  key     TEXT NOT NULL,
  version INTEGER NOT NULL,
  hash    TEXT NOT NULL,
  data    TEXT NOT NULL
);
"""


def minor_units(text):
    """'1234.5' -> 123450 (two decimals, EUR); a ValueError for anything else."""
    whole, _, fraction = text.partition(".")
    if len(fraction) > 2:
        raise ValueError(f"too many decimals: {text}")
    return int(whole) * 100 + int(fraction.ljust(2, "0") or "0")


def decimal_text(minor):
    return f"{minor // 100}.{minor % 100:02d}"


def entities_of(row):
    """The customer and the receivable of one row, without `raw`: the fields of the
    daemon's canonical objects (docs/core-sync.md), nulls included."""
    account = row["account_number"]
    customer_key = f"{SOURCE}:customer:{LEGAL_ENTITY}-{account}"
    customer = {
        "key": customer_key, "tenant": TENANT, "legal_entity": LEGAL_ENTITY, "source": SOURCE,
        "source_key": f"{LEGAL_ENTITY}-{account}", "lifecycle": "active",
        "account_number": account, "name": row["customer_name"], "identifiers": None,
        "parent": None, "groups": None, "addresses": None, "payment_terms": None,
        "language": None, "currency": None, "credit_hold": None, "custom": {},
    }
    total = minor_units(row["total"])
    open_amount = minor_units(row["open_amount"])
    number = row["document_number"]
    receivable = {
        "key": f"{SOURCE}:receivable:{LEGAL_ENTITY}-{number}", "tenant": TENANT,
        "legal_entity": LEGAL_ENTITY, "source": SOURCE, "source_key": f"{LEGAL_ENTITY}-{number}",
        "lifecycle": "active",
        "kind": {"invoice": "invoice", "credit_note": "credit_note"}[row["document_type"]],
        "number": number, "customer": customer_key, "issue_date": row["issue_date"] or None,
        "posting_date": None, "due_date": row["due_date"] or None, "due_date_source": "explicit",
        "currency": row["currency"], "total": decimal_text(total), "subtotal": None,
        "tax_total": None, "open_amount": decimal_text(open_amount), "po_number": None,
        "customer_reference": None, "payment_reference": None, "payment_terms": None,
        "applies_to": None, "pdf": None, "custom": {},
        "status": "open" if open_amount == total else ("paid" if open_amount == 0 else "partially_paid"),
    }
    return customer, receivable


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: ingest_peer.py DB CSV")
    db_path, csv_path = sys.argv[1], sys.argv[2]
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.executescript(SCHEMA)

    start = time.monotonic()
    created = updated = unchanged = rows = 0
    seen_customers = set()
    db.execute("BEGIN")
    with open(csv_path, newline="", encoding="utf-8") as source:
        for row in csv.DictReader(source, delimiter=";"):
            rows += 1
            for entity_name, entity in zip(("customer", "receivable"), entities_of(row)):
                key = entity["key"]
                if entity_name == "customer":
                    if key in seen_customers:
                        continue
                    seen_customers.add(key)
                digest = "sha256:" + hashlib.sha256(
                    json.dumps(entity, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
                stored = db.execute("SELECT hash, version FROM entities WHERE key = ?", (key,)).fetchone()
                if stored is not None and stored[0] == digest:
                    unchanged += 1
                    continue
                version = 1 if stored is None else stored[1] + 1
                entity["raw"] = row
                data = json.dumps(entity, separators=(",", ":"))
                db.execute(
                    "INSERT INTO entities (key, entity, version, hash, data) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET version = excluded.version, hash = excluded.hash, "
                    "data = excluded.data",
                    (key, entity_name, version, digest, data))
                db.execute(
                    "INSERT INTO outbox (op, entity, key, version, hash, data) VALUES ('upsert', ?, ?, ?, ?, ?)",
                    (entity_name, key, version, digest, data))
                if stored is None:
                    created += 1
                else:
                    updated += 1
    db.execute("COMMIT")
    seconds = time.monotonic() - start
    db.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"rows={rows} seconds={seconds:.3f} created={created} updated={updated} "
          f"unchanged={unchanged} changes={created + updated} peak_rss_kib={peak}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Cuts a real FEC down to the entries that touch a customer account (411*).

Keeps the first line (header, with its byte-order mark if any) and, in the original order
and with the original bytes, every line of every entry (JournalCode + EcritureNum) that has
at least one line on a 411 account. Entries stay whole, so each one still balances.

Used for fec/neolegal_bom_customer_entries/input.txt:
  cut_customer_entries.py 0000000001FEC20220831.txt > input.txt
(the upstream file is neolegal-fr/fec-reader src/test/resources/0000000001FEC20220831.txt,
MIT; see tests/data/mapping/README.md).
"""
import sys


def main(path):
    data = open(path, "rb").read()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    header, body = lines[0], lines[1:]
    sep = b"\t" if b"\t" in header else b"|"
    entry_of = lambda fields: (fields[0], fields[2])
    touching = set()
    for line in body:
        fields = line.split(sep)
        if len(fields) > 4 and fields[4].strip().startswith(b"411"):
            touching.add(entry_of(fields))
    out = [header]
    for line in body:
        fields = line.split(sep)
        if len(fields) > 4 and entry_of(fields) in touching:
            out.append(line)
    sys.stdout.buffer.write(b"\n".join(out) + b"\n")


if __name__ == "__main__":
    main(sys.argv[1])

"""Reads the CSV export back with Python's csv module and checks it against what the test
knows.

usage: check_csv.py PRACTICES.csv EXPECT.json

EXPECT: {"columns": [header, in order], "rows": number of rows, "cells": [{"id": url,
"column": name, "value": exact text}], "absent": [ids]}. Prints what it found; exits 1
naming every difference.
"""

import csv
import io
import json
import sys


def main():
    with open(sys.argv[2], encoding="utf-8") as f:
        expect = json.load(f)
    raw = open(sys.argv[1], "rb").read()
    problems = []
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append("the file starts with a byte-order mark")
    text = raw.decode("utf-8")  # fails loudly if not UTF-8
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    header, body = rows[0], rows[1:]
    print(f"header: {header}")
    print(f"{len(body)} rows")
    if header != expect["columns"]:
        problems.append(f"header {header} differs from {expect['columns']}")
    if len(body) != expect["rows"]:
        problems.append(f"{len(body)} rows, expected {expect['rows']}")
    for i, r in enumerate(body):
        if len(r) != len(header):
            problems.append(f"row {i + 1} has {len(r)} cells for {len(header)} columns")
    by_id = {dict(zip(header, r)).get("id"): dict(zip(header, r)) for r in body}
    for c in expect.get("cells", []):
        row = by_id.get(c["id"])
        if row is None:
            problems.append(f"no row for {c['id']}")
            continue
        got = row.get(c["column"])
        print(f"{c['id']} {c['column']}: {got!r}")
        if got != c["value"]:
            problems.append(f"{c['id']} {c['column']} is {got!r}, expected {c['value']!r}")
    for i in expect.get("absent", []):
        if i in by_id:
            problems.append(f"{i} has a row but should not")
    if problems:
        print("FAIL:")
        for p in problems:
            print(f"  {p}")
        sys.exit(1)
    print(f"OK: {len(body)} rows, header as documented, every expected cell exact")


if __name__ == "__main__":
    main()

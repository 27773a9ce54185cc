#!/usr/bin/env python3
"""Makes a batch bigger for the sync tests: every book of BATCH (with its scan files, pages,
records, fields, cells and flags) is copied K times as books of volume "<volume>.<k>", so the
copies have business keys of their own. Usage: replicate_books.py BATCH K"""
import sqlite3
import sys

batch, copies = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(batch + "/batch.db")
# the id columns of each table and the table each refers to
refs = {
    "books": {"id": "books"},
    "scan_files": {"id": "scan_files", "book_id": "books", "duplicate_of": None},
    "pages": {"id": "pages", "scan_file_id": "scan_files", "duplicate_of": None},
    "records": {"id": "records", "book_id": "books", "page_id": "pages"},
    "fields": {"record_id": "records"},
    "cells": {"record_id": "records"},
    "flags": {"id": "flags", "record_id": "records"},
}
step = {t: db.execute("SELECT coalesce(max(id), 0) FROM %s" % t).fetchone()[0] + 1
        for t in ("books", "scan_files", "pages", "records", "flags")}
with db:
    for k in range(1, copies + 1):
        for table, cols in refs.items():
            names = [r[1] for r in db.execute("PRAGMA table_info(%s)" % table)]
            exprs = []
            for n in names:
                if n in cols:
                    target = cols[n]
                    exprs.append("NULL" if target is None else "%s + %d" % (n, step[target] * k))
                elif table == "books" and n == "volume":
                    exprs.append("volume || '.%d'" % k)
                else:
                    exprs.append(n)
            db.execute("INSERT INTO %s (%s) SELECT %s FROM %s WHERE %s" % (
                table, ", ".join(names), ", ".join(exprs), table,
                # only the originals, not earlier copies
                "rowid < %d" % step["books"] if table == "books" else
                "scan_file_id < %d" % step["scan_files"] if table == "pages" else
                "book_id < %d" % step["books"] if table in ("scan_files", "records") else
                "record_id < %d" % step["records"]))
print(db.execute("SELECT count(*) FROM records").fetchone()[0])

#!/usr/bin/env python3
"""Compares what sohoa read into a batch store with the sample generator's ground truth.

    evaluate.py SOURCE_DIR BATCH_DIR TRUTH_DIR... [--json OUT] [--list N]

Cells: the text read from each non-empty cell (the store's `cells` table) against the text
written in it (the truth's `cells`), whitespace-normalized, per field kind (what the layout says
the cell holds). Rows: entry rows found against rows present. Prints a table; --json writes the
numbers for tests; --list N prints N differing cells.
"""
import json
import os
import re
import sqlite3
import sys
import unicodedata


def norm(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s or "")).strip()


def edit_distance(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def main():
    args = sys.argv[1:]
    out_json, listing = None, 0
    if "--json" in args:
        i = args.index("--json")
        out_json = args[i + 1]
        del args[i:i + 2]
    if "--list" in args:
        i = args.index("--list")
        listing = int(args[i + 1])
        del args[i:i + 2]
    source, batch, truth_dirs = args[0], args[1], args[2:]
    layouts = {}
    for name in os.listdir(os.path.join(source, "schemas", "layouts")):
        lay = json.load(open(os.path.join(source, "schemas", "layouts", name)))
        layouts[lay["name"]] = lay
    db = sqlite3.connect(os.path.join(batch, "batch.db"))
    read = {}
    for file, page, row, col, text in db.execute(
            "SELECT f.name, p.page_index, r.row, c.col, c.text FROM cells c "
            "JOIN records r ON r.id = c.record_id JOIN pages p ON p.id = r.page_id "
            "JOIN scan_files f ON f.id = p.scan_file_id"):
        read[(file, page, row, col)] = text
    rows_found = {}
    for file, page, row in db.execute(
            "SELECT f.name, p.page_index, r.row FROM records r JOIN pages p ON p.id = r.page_id "
            "JOIN scan_files f ON f.id = p.scan_file_id"):
        rows_found.setdefault((file, page), set()).add(row)

    kinds = {}
    rows_present = rows_matched = 0
    diffs = []
    for d in truth_dirs:
        for line in open(os.path.join(d, "truth.jsonl")):
            t = json.loads(line)
            lay = layouts[t["type"] + "-v1"]
            file, page, row = t["source"]["file"], t["source"]["page_index"], t["row"]
            rows_present += 1
            found = row in rows_found.get((file, page), set())
            rows_matched += found
            for c, want in enumerate(t["cells"]):
                w = norm(want)
                if not w:
                    continue
                col = lay["columns"][c]
                kind = col.get("parser") or col["holds"]
                got = norm(read.get((file, page, row, c + 1))) if found else ""
                k = kinds.setdefault(kind, [0, 0, 0, 0])
                k[0] += 1
                k[1] += got == w
                k[2] += edit_distance(got, w)
                k[3] += len(w)
                if got != w:
                    diffs.append((kind, file, page, row, c + 1, got, w))
    extra = sum(len(v) for v in rows_found.values()) - rows_matched

    total = [sum(k[i] for k in kinds.values()) for i in range(4)]
    print("%-14s %7s %9s %8s" % ("field kind", "cells", "exact", "CER"))
    for kind in sorted(kinds):
        k = kinds[kind]
        print("%-14s %7d %8.1f%% %7.2f%%" % (kind, k[0], 100.0 * k[1] / k[0], 100.0 * k[2] / max(k[3], 1)))
    print("%-14s %7d %8.1f%% %7.2f%%" % ("all", total[0], 100.0 * total[1] / max(total[0], 1),
                                         100.0 * total[2] / max(total[3], 1)))
    print("rows: %d present, %d found, %d found that are not in the truth" % (rows_present, rows_matched, extra))
    for dff in diffs[:listing]:
        print("  %s %s p%d r%d c%d: read %r, written %r" % dff)
    if out_json:
        json.dump({"cells": total[0], "exact": total[1], "cer": total[2] / max(total[3], 1),
                   "rows_present": rows_present, "rows_found": rows_matched, "rows_extra": extra,
                   "kinds": {k: {"cells": v[0], "exact": v[1], "cer": v[2] / max(v[3], 1)}
                             for k, v in kinds.items()}}, open(out_json, "w"))


if __name__ == "__main__":
    main()

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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from calibrate import kinds_of  # noqa: E402  the field kinds of the layouts


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
    fields = evaluate_fields(db, truth_dirs, kinds_of(source))
    if fields["fields"]:
        print()
        print("canonical values: %d fields, %.2f%% right; %d records, %d valid (automation %.1f%%); "
              "%d wrong of %d fields in valid records (silent errors %.3f%%)" % (
                  fields["fields"], 100.0 * fields["right"] / fields["fields"], fields["records"],
                  fields["valid_records"], 100.0 * fields["valid_records"] / max(fields["records"], 1),
                  fields["silent_wrong"], fields["silent_fields"],
                  100.0 * fields["silent_wrong"] / max(fields["silent_fields"], 1)))
        for line in fields["silent_list"][:listing]:
            print("  silent: " + line)
    if out_json:
        json.dump({"cells": total[0], "exact": total[1], "cer": total[2] / max(total[3], 1),
                   "rows_present": rows_present, "rows_found": rows_matched, "rows_extra": extra,
                   "kinds": {k: {"cells": v[0], "exact": v[1], "cer": v[2] / max(v[3], 1)}
                             for k, v in kinds.items()}, "fields": fields}, open(out_json, "w"))


def evaluate_fields(db, truth_dirs, kinds=None):
    """Canonical values against the truth: every field of every record found; a record whose
    status is valid passed without review, and a wrong value in it is a silent error. With
    KINDS (book type -> field -> kind), the same counts by field kind in "by_kind"."""
    got = {}
    for file, page, row, status, name, value, code in db.execute(
            "SELECT f.name, p.page_index, r.row, r.status, fl.name, fl.value, fl.code "
            "FROM records r JOIN pages p ON p.id = r.page_id JOIN scan_files f "
            "ON f.id = p.scan_file_id JOIN fields fl ON fl.record_id = r.id"):
        rec = got.setdefault((file, page, row), {"status": status, "fields": {}})
        rec["fields"][name] = (value, code)
    res = {"fields": 0, "right": 0, "records": 0, "valid_records": 0, "silent_fields": 0,
           "silent_wrong": 0, "silent_list": [], "by_kind": {}}
    for d in truth_dirs:
        for line in open(os.path.join(d, "truth.jsonl")):
            t = json.loads(line)
            key = (t["source"]["file"], t["source"]["page_index"], t["row"])
            rec = got.get(key)
            res["records"] += 1
            valid = rec is not None and rec["status"] in ("valid", "approved", "synced")
            res["valid_records"] += valid
            for name, tv in t["fields"].items():
                want = (tv.get("value"), tv.get("code")) if tv else (None, None)
                have = rec["fields"].get(name, (None, None)) if rec else (None, None)
                right = have[0] == want[0] and (want[1] is None or have[1] == want[1])
                res["fields"] += 1
                res["right"] += right
                kind = kinds[t["type"]].get(name, "text") if kinds else "all"
                k = res["by_kind"].setdefault(kind, {"fields": 0, "right": 0,
                                                     "silent_fields": 0, "silent_wrong": 0})
                k["fields"] += 1
                k["right"] += right
                k["silent_fields"] += valid
                k["silent_wrong"] += valid and not right
                if valid:
                    res["silent_fields"] += 1
                    if not right:
                        res["silent_wrong"] += 1
                        res["silent_list"].append("%s p%d r%d %s: %r, truth %r" % (
                            key[0], key[1], key[2], name, have[0], want[0]))
    return res


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Puts the accuracy of several style families side by side: the tuned families, their sum,
the held-out families and theirs.

    report.py TITLE STYLE:GROUP:EVALUATION.json...      (GROUP: tuned or held-out)

Each JSON is what evaluate.py --json wrote for one family's batch. Rows: entry rows found,
canonical values right, automation (records passing without review), silent errors (wrong
values among the fields of records that pass), cells read exactly; then by field kind the
share of values right and the silent errors (wrong / fields in passing records).
"""
import json
import sys


def pct(a, b, digits=1):
    return ("%.*f%%" % (digits, 100.0 * a / b)) if b else "-"


def add(total, r):
    f = r["fields"]
    for key in ("rows_present", "rows_found", "rows_extra", "cells", "exact"):
        total[key] = total.get(key, 0) + r[key]
    tf = total.setdefault("fields", {"by_kind": {}})
    for key in ("fields", "right", "records", "valid_records", "silent_fields", "silent_wrong"):
        tf[key] = tf.get(key, 0) + f[key]
    for kind, k in f.get("by_kind", {}).items():
        tk = tf["by_kind"].setdefault(kind, {})
        for key, v in k.items():
            tk[key] = tk.get(key, 0) + v


def main():
    title, args = sys.argv[1], sys.argv[2:]
    cols = []   # (label, result)
    groups = {"tuned": {}, "held-out": {}}
    order = {"tuned": [], "held-out": []}
    for a in args:
        style, group, path = a.split(":", 2)
        try:
            r = json.load(open(path))
        except (OSError, ValueError):
            r = None
        order[group].append((style, r))
        if r:
            add(groups[group], r)
    for group in ("tuned", "held-out"):
        for style, r in order[group]:
            cols.append((style, r))
        if order[group]:
            cols.append(("[%s]" % group, groups[group] if groups[group] else None))
    width = max(11, max(len(c[0]) for c in cols) + 1)
    print("== %s" % title)
    print("%-22s" % "" + "".join("%*s" % (width, c[0]) for c in cols))

    def row(label, fn):
        cells = []
        for _, r in cols:
            cells.append(fn(r) if r else "failed")
        print("%-22s" % label + "".join("%*s" % (width, c) for c in cells))

    row("rows found", lambda r: "%d/%d" % (r["rows_found"], r["rows_present"]))
    row("values right", lambda r: pct(r["fields"]["right"], r["fields"]["fields"], 2))
    row("automation", lambda r: pct(r["fields"]["valid_records"], r["fields"]["records"]))
    row("silent errors", lambda r: pct(r["fields"]["silent_wrong"], r["fields"]["silent_fields"], 3))
    row("  (wrong/passed)", lambda r: "%d/%d" % (r["fields"]["silent_wrong"], r["fields"]["silent_fields"]))
    row("cells read exactly", lambda r: pct(r["exact"], r["cells"]))
    kinds = sorted({k for _, r in cols if r for k in r["fields"].get("by_kind", {})})
    print("by field kind: values right, silent errors (wrong/passed)")
    for kind in kinds:
        def right(r, kind=kind):
            k = r["fields"].get("by_kind", {}).get(kind)
            return pct(k["right"], k["fields"]) if k else "-"

        def silent(r, kind=kind):
            k = r["fields"].get("by_kind", {}).get(kind)
            return "%d/%d" % (k["silent_wrong"], k["silent_fields"]) if k else "-"
        row("  " + kind, right)
        row("", silent)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Calibrates the LOW_CONFIDENCE thresholds from batches read by sohoa and their ground truth.

    calibrate.py SOURCE_DIR OUT.json BATCH_DIR:TRUTH_DIR... [--target 0.001]

For every field kind, the fields that got a canonical value are ordered by the recognizer's
confidence; the threshold is the lowest confidence from which on the share of wrong values
stays under the target — with few samples, above the most confident wrong value — and never
under FLOOR, the confidence of a reading contradicted by a second one. A field under its kind's
threshold goes to review. A wrong value another error of the catalogue already sends to review
(ID_MISMATCH on a misread CCCD, DATE_INVALID, ...: an open error flag on the field other than
LOW_CONFIDENCE, when the batch was validated) is not silent, and is left out: the thresholds
keep silent errors under the target. TRUTH_DIR holds truth.jsonl in the generator's
format: for real pages, hand-checked records written in the same shape serve as well.
"""
import json
import os
import sqlite3
import sys

SUB_KINDS = {"full_name": "name", "birth_date": "date", "ethnicity": "ethnicity",
             "nationality": "nationality", "residence": "place", "id_document": "id_document",
             "relationship": "kinship", "number": "code", "date": "date", "issuer": "text"}


FLOOR = 0.51


def kinds_of(source):
    kinds = {}
    for name in os.listdir(os.path.join(source, "schemas", "layouts")):
        lay = json.load(open(os.path.join(source, "schemas", "layouts", name)))
        k = kinds.setdefault(lay["book_type"], {})
        for col in lay["columns"]:
            if col["kind"] == "field":
                k[col["field"]] = col["holds"]
            else:
                for sub in col["fields"]:
                    k[col["prefix"] + "." + sub] = SUB_KINDS.get(sub, "text")
    return kinds


def collect(source, pairs):
    """The (confidence, right) samples of every field kind from BATCH_DIR:TRUTH_DIR pairs."""
    kinds = kinds_of(source)
    samples = {}
    for pair in pairs:
        batch, truth_dir = pair.split(":", 1)
        db = sqlite3.connect(os.path.join(batch, "batch.db"))
        got = {}
        for file, page, row, btype, name, value, code, conf in db.execute(
                "SELECT f.name, p.page_index, r.row, b.type, fl.name, fl.value, fl.code, "
                "fl.confidence FROM records r JOIN pages p ON p.id = r.page_id "
                "JOIN scan_files f ON f.id = p.scan_file_id JOIN books b ON b.id = r.book_id "
                "JOIN fields fl ON fl.record_id = r.id WHERE fl.value IS NOT NULL "
                "AND fl.confidence IS NOT NULL"):
            got[(file, page, row, name)] = (btype, value, code, conf)
        caught = set()
        for file, page, row, fields in db.execute(
                "SELECT f.name, p.page_index, r.row, fl.fields FROM flags fl "
                "JOIN records r ON r.id = fl.record_id JOIN pages p ON p.id = r.page_id "
                "JOIN scan_files f ON f.id = p.scan_file_id WHERE fl.state = 'open' "
                "AND fl.severity = 'error' AND fl.code != 'LOW_CONFIDENCE'"):
            for name in json.loads(fields):
                caught.add((file, page, row, name))
        for line in open(os.path.join(truth_dir, "truth.jsonl")):
            t = json.loads(line)
            for name, tv in t["fields"].items():
                key = (t["source"]["file"], t["source"]["page_index"], t["row"], name)
                if key not in got or key in caught:
                    continue
                btype, value, code, conf = got[key]
                want_v = tv.get("value") if tv else None
                want_c = tv.get("code") if tv else None
                right = value == want_v and (want_c is None or code == want_c)
                kind = kinds[btype].get(name, "text")
                samples.setdefault(kind, []).append((conf, right, "%s p%d r%d %s: %r, truth %r" % (
                    key[0], key[1], key[2], name, value, want_v)))
    return samples


def fit(samples, target, quiet=False):
    """The threshold of each field kind, and what it lets through."""
    thresholds, stats = {}, {}
    for kind, pts in sorted(samples.items()):
        pts.sort(key=lambda p: -p[0])
        best, wrong, i = 1.01, 0, 0
        # walk down from the most confident, a confidence value at a time (ties together):
        # the lowest confidence from which on the wrong values are few enough
        while i < len(pts):
            conf = pts[i][0]
            while i < len(pts) and pts[i][0] == conf:
                wrong += not pts[i][1]
                i += 1
            if wrong <= target * i:
                best = conf
        # a reading another model contradicted (confidence 0.4 to 0.5: the tiers contradicted and
        # disagreed of lib/read/evidence.c) is never taken without review, however few were wrong
        thresholds[kind] = round(min(max(best, FLOOR), 1.0), 4)
        accepted = sum(1 for p in pts if p[0] >= thresholds[kind])
        stats[kind] = {"fields": len(pts), "wrong": sum(1 for p in pts if not p[1]),
                       "accepted": accepted}
        if not quiet:
            print("%-12s %5d fields, %4d wrong; threshold %.3f passes %d" % (
                kind, len(pts), stats[kind]["wrong"], thresholds[kind], accepted))
            # what holds the threshold up: the most confident wrong values
            for p in [p for p in pts if not p[1]][:3]:
                print("    %.4f %s" % (p[0], p[2][:220]))
    return thresholds, stats


def target_of(args, default=0.001):
    """The --target share of ARGS (taken out of them), or DEFAULT."""
    if "--target" not in args:
        return default
    i = args.index("--target")
    target = float(args[i + 1])
    del args[i:i + 2]
    return target


def main():
    args = sys.argv[1:]
    target = target_of(args)
    source, out, pairs = args[0], args[1], args[2:]
    thresholds, stats = fit(collect(source, pairs), target)
    json.dump({"about": "LOW_CONFIDENCE thresholds per field kind: a reading under its "
               "threshold goes to review. Written by tests/bench/calibrate from generated "
               "registers with ground truth, tuned style families only (re-run it on "
               "hand-checked real pages: see README).",
               "target_wrong_share": target, "default": 0.9,
               "thresholds": thresholds, "samples": stats},
              open(out, "w"), ensure_ascii=False, indent=2)
    open(out, "a").write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Leave-one-family-out check of the LOW_CONFIDENCE calibration.

    lofo.py SOURCE_DIR STYLE:BATCH_DIR:TRUTH_DIR... [--target 0.001]

For each style family given, the thresholds are calibrated (calibrate.py's rule) on all the
other families, then applied to the family left out: which of its records would pass without
review, and how many wrong values those records carry (silent errors). The same is shown with
the thresholds in force (schemas/confidence-thresholds.json, as the batches were read).

The pipeline is not run again: a record passes when it has no open error flag other than
LOW_CONFIDENCE and none of its fields is under its kind's threshold. A field flagged
LOW_CONFIDENCE with a confidence above the threshold in force was flagged for another reason
(a registration number its neighbours leave no room for) and stays flagged; a field under the
threshold in force that was not flagged stood on a closed list or another cell and stays
unflagged; every other field is flagged exactly when under the new threshold.
"""
import json
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from calibrate import collect, fit, kinds_of, target_of  # noqa: E402


def records(source, batch, truth_dir, kinds):
    """Per record of the truth: [(kind, confidence or None, flagged low, right)], other errors."""
    db = sqlite3.connect(os.path.join(batch, "batch.db"))
    fields, low, other = {}, set(), set()
    for file, page, row, btype, name, value, code, conf in db.execute(
            "SELECT f.name, p.page_index, r.row, b.type, fl.name, fl.value, fl.code, "
            "fl.confidence FROM records r JOIN pages p ON p.id = r.page_id "
            "JOIN scan_files f ON f.id = p.scan_file_id JOIN books b ON b.id = r.book_id "
            "JOIN fields fl ON fl.record_id = r.id"):
        fields[(file, page, row, name)] = (value, code, conf)
    for file, page, row, code, names in db.execute(
            "SELECT f.name, p.page_index, r.row, fl.code, fl.fields FROM flags fl "
            "JOIN records r ON r.id = fl.record_id JOIN pages p ON p.id = r.page_id "
            "JOIN scan_files f ON f.id = p.scan_file_id WHERE fl.state = 'open' "
            "AND fl.severity = 'error'"):
        if code == "LOW_CONFIDENCE":
            for name in json.loads(names):
                low.add((file, page, row, name))
        else:
            other.add((file, page, row))
    found = {(f, p, r) for (f, p, r, _) in fields}
    out = []
    for line in open(os.path.join(truth_dir, "truth.jsonl")):
        t = json.loads(line)
        key = (t["source"]["file"], t["source"]["page_index"], t["row"])
        rec = {"found": key in found, "other": key in other, "fields": []}
        for name, tv in t["fields"].items():
            want = (tv.get("value"), tv.get("code")) if tv else (None, None)
            have = fields.get(key + (name,), (None, None, None))
            right = have[0] == want[0] and (want[1] is None or have[1] == want[1])
            conf = have[2] if have[0] is not None else None
            rec["fields"].append((kinds[t["type"]].get(name, "text"), conf,
                                  key + (name,) in low, right))
        out.append(rec)
    return out


def simulate(recs, now, new, default):
    passed = wrong = total = nrec = 0
    for rec in recs:
        nrec += 1
        if not rec["found"] or rec["other"]:
            continue
        ok = True
        for kind, conf, flagged, _ in rec["fields"]:
            if conf is None:
                ok = ok and not flagged
                continue
            th_now, th_new = now.get(kind, default), new.get(kind, default)
            if flagged:
                still = conf >= th_now or conf < th_new
            else:
                still = conf >= th_now and conf < th_new
            ok = ok and not still
        if ok:
            passed += 1
            for _, _, _, right in rec["fields"]:
                total += 1
                wrong += not right
    return nrec, passed, total, wrong


def main():
    args = sys.argv[1:]
    target = target_of(args)
    source, specs = args[0], args[1:]
    kinds = kinds_of(source)
    force = json.load(open(os.path.join(source, "schemas", "confidence-thresholds.json")))
    now, default = force["thresholds"], force.get("default", 0.9)
    by_style = {}
    for spec in specs:
        style, pair = spec.split(":", 1)
        by_style.setdefault(style, []).append(pair)
    print("%-11s %-34s %-34s %s" % ("left out", "thresholds in force", "calibrated on the others",
                                    "thresholds that moved"))
    worst = 0.0
    for style in sorted(by_style):
        others = [p for s, ps in by_style.items() if s != style for p in ps]
        new, _ = fit(collect(source, others), target, quiet=True)
        recs = [r for pair in by_style[style] for r in records(source, *pair.split(":", 1), kinds)]
        cols = []
        for th in (now, new):
            nrec, passed, total, wrong = simulate(recs, now, th, default)
            share = 100.0 * wrong / total if total else 0.0
            cols.append("%3d/%-3d pass, %2d/%-5d wrong %.3f%%" % (passed, nrec, wrong, total, share))
        worst = max(worst, share)
        moved = ", ".join("%s %.2f→%.2f" % (k, now.get(k, default), v) for k, v in sorted(new.items())
                          if abs(v - now.get(k, default)) >= 0.02)
        print("%-11s %-34s %-34s %s" % (style, cols[0], cols[1], moved or "-"))
    print("worst silent-error share on a family left out: %.3f%% (target %.3f%%)" % (
        worst, 100 * target))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The cells of read batches against the generator's truth, for the handwriting benchmark, its
calibration and its end-to-end test (a module; run alone it prints the summary of one batch):

    handwriting_cells.py BATCH TRUTHDIR...

cells(batch, truth_dirs) gives one dict per cell the truth writes in (with empty=True also one
per cell a handwritten entry leaves blank, truth "empty"): its place, the entries its page has
and the records read from it, its style family, whether it is handwritten (the truth's hand
marks, or the planted `handwriting` anomaly: a whole row in a script hand), whether it lies
under a planted `smudge` (an ink blot: the truth accepts HANDWRITTEN there as well as
UNREADABLE or LOW_CONFIDENCE, a person must key it), the decision, score and features the ocr
stage stored, and whether each of its fields carries an open HANDWRITTEN flag after
validate.
"""
import json
import os
import sqlite3
import sys
import unicodedata


def truth_hand(t, c):
    """'handwritten' or 'printed' for cell C (0-based) of truth entry T, and the writer.

    The generator's hand marks (samples/README.md, "Handwritten entries"): `handwritten`,
    `writer` and `hand_cols` (the columns written by hand, numbered from 1; a column of a
    handwritten entry with text but not listed is stamped: printed). Without them, the
    planted `handwriting` anomaly: the whole row in a script hand."""
    if "hand_cols" in t or "handwritten" in t:
        if t.get("handwritten") and (c + 1) in (t.get("hand_cols") or []):
            return "handwritten", t.get("writer") or "hand"
        return "printed", None
    for a in t.get("anomalies") or []:
        if a.get("kind") == "handwriting":
            return "handwritten", "dancing"
    return "printed", None


def same_text(a, b):
    """The recognizer's text A is the truth's B, letter for letter (Unicode NFC, spacing and
    line breaks aside)."""
    def norm(x):
        return " ".join(unicodedata.normalize("NFC", x).split())
    return norm(a) == norm(b)


def cells(batch, truth_dirs, tag="", empty=False):
    db = sqlite3.connect(os.path.join(batch, "batch.db"))
    recs = {}
    for rid, file, page, row in db.execute(
            "SELECT r.id, f.name, p.page_index, r.row FROM records r "
            "JOIN pages p ON p.id = r.page_id JOIN scan_files f ON f.id = p.scan_file_id"):
        recs[(file, page, row)] = rid
    # what the recognizer read in each cell (kept whatever the decision)
    read = {(rid, col): text or "" for rid, col, text in db.execute(
        "SELECT record_id, col, text FROM cells")}
    hand = {}
    for rid, col, h, score, feats in db.execute(
            "SELECT record_id, col, hand, score, features FROM cell_hand"):
        hand[(rid, col)] = (h, score, json.loads(feats))
    # open HANDWRITTEN flags by record and field
    flagged = {}
    for rid, fields in db.execute(
            "SELECT record_id, fields FROM flags WHERE code = 'HANDWRITTEN' AND state = 'open'"):
        for f in json.loads(fields or "[]"):
            flagged.setdefault(rid, set()).add(f)
    # open flags of any code by record and field: a field with one goes to a person
    seen = {}
    for rid, fields in db.execute("SELECT record_id, fields FROM flags WHERE state = 'open'"):
        for f in json.loads(fields or "[]"):
            seen.setdefault(rid, set()).add(f)
    keyed = {}
    for rid, name in db.execute("SELECT record_id, name FROM fields WHERE source = 'archivist'"):
        keyed.setdefault(rid, set()).add(name)
    layouts = {}
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas",
                       "layouts")
    for name in os.listdir(src):
        lay = json.load(open(os.path.join(src, name)))
        layouts[lay["name"]] = lay
    # the entries of each page, written and read: a page read with another number of records
    # than it has entries (two rows read as one) has its later rows compared with the wrong
    # entries
    truths = [(d, json.loads(line)) for d in truth_dirs
              for line in open(os.path.join(d, "truth.jsonl"))]
    written, records = {}, {}
    for _, t in truths:
        page = (t["source"]["file"], t["source"]["page_index"])
        written[page] = written.get(page, 0) + 1
    for file, page, _ in recs:
        records[(file, page)] = records.get((file, page), 0) + 1
    out = []
    for d, t in truths:
        lay = layouts[t["type"] + "-v1"]
        key = (t["source"]["file"], t["source"]["page_index"], t["row"])
        rid = recs.get(key)
        smudged = {f for a in t.get("anomalies") or [] if a.get("kind") == "smudge"
                   for f in a.get("fields") or []}
        for c, text in enumerate(t["cells"]):
            truth, writer = truth_hand(t, c)
            if not text.strip():
                # EMPTY: the cells the truth leaves blank in handwritten entries too (what
                # keying them costs), as truth "empty"
                if not empty or not t.get("handwritten"):
                    continue
                truth, writer = "empty", t.get("writer") or "hand"
            col = lay["columns"][c]
            names = [col["field"]] if col.get("field") else [
                col["prefix"] + "." + s for s in col.get("subfields", [])]
            h = hand.get((rid, c + 1)) if rid else None
            got = read.get((rid, c + 1), "") if rid else ""
            out.append({
                "set": tag, "dir": d, "file": key[0], "page": key[1], "row": key[2],
                "col": c + 1, "text": text, "style": t.get("style") or "classic",
                "page_entries": written[key[:2]], "page_records": records.get(key[:2], 0),
                "read": got, "read_right": bool(rid) and same_text(got, text),
                "truth": truth, "writer": writer, "found": rid is not None,
                "hand": h[0] if h else "blank", "score": h[1] if h else None,
                "features": h[2] if h else None,
                "fields": names,
                "smudged": truth == "printed" and bool(smudged & set(names)),
                "flagged": bool(rid) and all(n in flagged.get(rid, ()) or
                                             n in keyed.get(rid, ()) for n in names),
                "any_flag": bool(rid) and any(n in flagged.get(rid, ()) for n in names),
                # a person sees it: every field flagged (any code) or keyed; a bare dash
                # (nothing to note) read as nothing is right as it is
                "to_person": text.strip() == "-" or (bool(rid) and all(
                    n in seen.get(rid, ()) or n in keyed.get(rid, ()) for n in names)),
            })
    return out


def pages_misread(rows):
    """The pages of ROWS (cells()) read with another number of records than they have entries:
    {(dir, file, page): (entries, records)}. Their later rows are compared with the wrong
    entries (two rows read as one, a seal read as an entry)."""
    pages = {(r["dir"], r["file"], r["page"]): (r["page_entries"], r["page_records"])
             for r in rows}
    return {k: v for k, v in pages.items() if v[0] != v[1]}


def main():
    rows = cells(sys.argv[1], sys.argv[2:])
    hw = [r for r in rows if r["truth"] == "handwritten"]
    pr = [r for r in rows if r["truth"] == "printed"]
    caught = sum(r["hand"] == "handwritten" for r in hw)
    sent = sum(r["hand"] == "handwritten" for r in pr)
    print("handwritten %d/%d caught, printed %d/%d sent to keying" % (
        caught, len(hw), sent, len(pr)))


if __name__ == "__main__":
    main()

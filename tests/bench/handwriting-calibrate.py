#!/usr/bin/env python3
"""Calibrates the handwriting model (schemas/handwriting-model.json) from the cells of read
batches (tests/bench/handwriting --calibrate writes them: one JSON list of
handwriting_cells.cells() rows per file):

    handwriting-calibrate.py OUT.json CELLS.json... [--held-out-writers a,b] [--held-out-styles a,b]

Only the tuned families are used: cells of a held-out style family (tests/bench/sets.sh) or of
a held-out writer are never seen here. The features are standardized (mean, scale; clipped)
and squared, a logistic regression with a little L2 is fitted by gradient descent (no
dependencies) on the cells with letters enough to be judged alone, then a second one weighs a
cell's evidence with the median of its row's other cells (the model's "row"), and the threshold
is set so that at least TARGET of the calibration's handwritten cells are caught with a margin:
the threshold sits under the lowest score of the handwritten cells kept, so that a hand a little
less marked is still caught. The row's "stamp_twin" is STAMP_SHARE of the smallest distance from
a handwritten cell's letters to the page's printed entries' (print_twin) among the cells the
stamp rule would look at. Blank cells (and the cells the truth leaves empty) are
neither and not used.
"""
import json
import math
import os
import statistics
import sys

FEATURES = ["stroke_mean", "stroke_cv", "slant", "slant_gain", "baseline", "comps_per_h",
            "aspect", "fill", "holes", "height_cv", "conf_mean", "conf_min", "odd_chars",
            "odd_words", "stroke_spread", "twin_dist"]
TARGET = 0.998      # handwritten cells caught on the calibration set
MARGIN = 0.0        # the threshold this far (in the logit) under the TARGET quantile
# a cell with letters enough whose own z is this far under every calibration handwritten
# cell's keeps its printed reading in a written entry (the row's "keep": a stamp)
KEEP_MARGIN = 1.0
# a cell judged handwritten whose letters are this share of the way to the nearest tuned
# handwritten cell's (two letters or more, own evidence printed) from the page's printed
# entries' letters is a stamp (the row's "stamp_twin"; lib/read/handwriting.h, so_hand_stamps)
STAMP_SHARE = 0.5
STANDARD_MAX = 5.0  # a standardized feature is clipped to +-this (lib/read/handwriting.c)
L2 = 0.01
# a printed cell costs this much less than a missed handwritten one (zero must pass unkeyed)
PRINTED_WEIGHT = 0.3
# letters a cell needs to be judged alone (lib/read/handwriting.h, SO_HAND_MIN_COMPS)
MIN_COMPS = int(os.environ.get("HAND_MIN_COMPS", "5"))
# the features' squares too (HAND_SQUARES=1; linear by default: it holds better on the
# held-out writer)
SQUARES = os.environ.get("HAND_SQUARES", "0") == "1"


def sigmoid(z):
    return 1 / (1 + math.exp(-z)) if z > -700 else 0.0


def fit(xs, ys, ws, epochs=600, rate=0.5):
    n, d = len(xs), len(xs[0])
    w, b = [0.0] * d, 0.0
    total = sum(ws)
    for _ in range(epochs):
        gw, gb = [0.0] * d, 0.0
        for x, y, wt in zip(xs, ys, ws):
            p = sigmoid(b + sum(wi * xi for wi, xi in zip(w, x)))
            e = (p - y) * wt
            gb += e
            for j in range(d):
                gw[j] += e * x[j]
        b -= rate * gb / total
        for j in range(d):
            w[j] -= rate * (gw[j] / total + L2 * w[j])
    return w, b


def main():
    args = sys.argv[1:]
    held_writers, held_styles = set(), set()
    for opt, dest in (("--held-out-writers", held_writers), ("--held-out-styles", held_styles)):
        if opt in args:
            i = args.index(opt)
            dest.update(s for s in args[i + 1].split(",") if s)
            del args[i:i + 2]
    out, files = args[0], args[1:]
    rows = []
    for f in files:
        rows += json.load(open(f))
    rows = [r for r in rows if r["features"] and r["truth"] != "empty" and
            r["style"] not in held_styles and
            (r["writer"] or "") not in held_writers]
    if not rows:
        sys.exit("no cells to calibrate on")
    stats = {}
    for name in FEATURES:
        v = [float(r["features"][name]) for r in rows]
        mu = sum(v) / len(v)
        sd = math.sqrt(sum((x - mu) ** 2 for x in v) / max(1, len(v) - 1)) or 1.0
        stats[name] = (mu, sd)
    def standard(r, n):
        u = (float(r["features"][n]) - stats[n][0]) / stats[n][1]
        return max(-STANDARD_MAX, min(STANDARD_MAX, u))
    # each feature and its square (a feature may speak at both ends)
    xs = [[standard(r, n) for n in FEATURES] +
          [standard(r, n) ** 2 if SQUARES else 0.0 for n in FEATURES] for r in rows]
    ys = [1 if r["truth"] == "handwritten" else 0 for r in rows]
    ws = [1.0 if y else PRINTED_WEIGHT for y in ys]
    # the cell's own evidence: cells with letters enough to judge alone
    alone = [r["features"].get("comps", 3) >= MIN_COMPS for r in rows]
    w, b = fit([x for x, a in zip(xs, alone) if a], [y for y, a in zip(ys, alone) if a],
               [v for v, a in zip(ws, alone) if a], epochs=800, rate=0.3)
    zs = [b + sum(wi * xi for wi, xi in zip(w, x)) for x in xs]
    # the row's: the median evidence of the row's other measured cells (one blot or stain
    # does not carry a printed row), as so_hand_row weighs it
    rowz = {}
    for r, z, a in zip(rows, zs, alone):
        if a:
            rowz.setdefault((r["dir"], r["file"], r["page"], r["row"]), []).append(z)
    pairs = []
    for r, z, a in zip(rows, zs, alone):
        measured = rowz.get((r["dir"], r["file"], r["page"], r["row"]), [])
        if not a and measured:
            pairs.append([statistics.median(measured)] * 2)
        elif a and len(measured) > 1:
            rest = list(measured)
            rest.remove(z)
            pairs.append([z, statistics.median(rest)])
        else:
            pairs.append([z, z])
    rw, rb = fit(pairs, ys, ws, epochs=400, rate=0.05)
    final = [rb + rw[0] * p[0] + rw[1] * p[1] for p in pairs]
    z_hand = sorted(z for z, y in zip(final, ys) if y)
    if not z_hand:
        sys.exit("no handwritten cell to calibrate on")
    k = int(math.floor((1 - TARGET) * len(z_hand)))
    z_th = z_hand[k] - MARGIN
    threshold = sigmoid(z_th)
    # how near the page's print a handwritten cell's letters come (print_twin: -1 unmeasured)
    stamp_near = min((float(r["features"].get("print_twin", -1)) for r, z, y in zip(rows, zs, ys)
                      if y and r["features"].get("comps", 0) >= 2 and z < z_th and
                      float(r["features"].get("print_twin", -1)) >= 0), default=None)
    printed = [z for z, y in zip(final, ys) if not y]
    sent = sum(z >= z_th for z in printed)
    caught = sum(z >= z_th for z in z_hand)
    model = {
        "about": "Handwritten or printed, per cell: a logistic model over the features of "
                 "lib/read/handwriting.h (score = 1/(1+exp(-(bias + sum weight*(x-mean)/scale)))"
                 "), handwritten at or above the threshold. Written by "
                 "tests/bench/handwriting-calibrate.py from generated registers, tuned style "
                 "families and writers only; held out: styles %s, writers %s." % (
                     ",".join(sorted(held_styles)) or "none",
                     ",".join(sorted(held_writers)) or "none"),
        "threshold": round(threshold, 6),
        "row": {"self": round(rw[0], 6), "others": round(rw[1], 6), "bias": round(rb, 6),
                # no handwritten cell measured: no stamp rule (-1: never)
                "stamp_twin": round(STAMP_SHARE * stamp_near, 4) if stamp_near is not None
                else -1,
                "keep": round(min(z for z, y, a in zip(zs, ys, alone) if y and a) -
                              KEEP_MARGIN, 4)},
        "bias": round(b, 6),
        "features": {n: {"mean": round(stats[n][0], 6), "scale": round(stats[n][1], 6),
                         "weight": round(w[j], 6), "weight2": round(w[len(FEATURES) + j], 6)}
                     for j, n in enumerate(FEATURES)},
        "samples": {"handwritten": len(z_hand), "printed": len(printed),
                    "caught": caught, "printed_sent": sent},
    }
    with open(out, "w") as f:
        json.dump(model, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print("calibrated on %d handwritten and %d printed cells: caught %.2f%%, printed sent "
          "%.2f%%, threshold %.4f" % (len(z_hand), len(printed), 100.0 * caught / len(z_hand),
                                      100.0 * sent / max(1, len(printed)), threshold))


if __name__ == "__main__":
    main()

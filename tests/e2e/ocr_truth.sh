#!/usr/bin/env bash
# End to end on generated registers of all four books: scan, ocr, validate, normalize and
# export, compared with the generator's ground truth — the cells read, the rows found, the
# canonical values, the statuses, the planted anomalies, and the export's shape.
. "$(dirname "$0")/../stage/lib.sh"

check_set() { # NAME GENDIR MIN_EXACT_PERCENT
	local name=$1 g=$2 min=$3 b="$WORK/batch-$1"
	mapfile -t specs < <(bookspecs "$g")
	run_status sohoa scan --batch "$b" --jobs 2 "${specs[@]}"
	expect_eq "$name: scan exit" "$status" 0
	run_status sohoa ocr --batch "$b" --jobs 2
	expect_eq "$name: ocr exit" "$status" 0
	run_status sohoa validate --batch "$b"
	expect_eq "$name: validate exit" "$status" 0
	run_status sohoa normalize --batch "$b"
	expect_eq "$name: normalize exit" "$status" 0
	python3 "$SOHOA_SOURCE/tests/bench/evaluate.py" "$SOHOA_SOURCE" "$b" "$g" \
		--json "$WORK/$name.json" --list 10 >&2
	python3 - "$WORK/$name.json" "$min" <<'PY' || fail "$name: accuracy below the bar"
import json, sys
r = json.load(open(sys.argv[1]))
exact = 100.0 * r["exact"] / r["cells"]
print("%d cells, %.1f%% exact, CER %.2f%%; rows %d/%d, %d extra" % (
    r["cells"], exact, 100 * r["cer"], r["rows_found"], r["rows_present"], r["rows_extra"]))
ok = exact >= float(sys.argv[2]) and r["rows_found"] == r["rows_present"] and r["rows_extra"] == 0
sys.exit(0 if ok else 1)
PY
	checks=$((checks + 1))

	# the export: one line per entry, every field of its layout, its place in the scans
	sohoa export --batch "$b" --format jsonl --out "$WORK/$name.jsonl" 2>/dev/null
	python3 - "$WORK/$name.jsonl" "$g/truth.jsonl" "$SOHOA_SOURCE" <<'PY' || fail "$name: export differs"
import json, os, sys
got = [json.loads(l) for l in open(sys.argv[1])]
truth = {(t["source"]["file"], t["source"]["page_index"], t["row"]): t
         for t in map(json.loads, open(sys.argv[2]))}
assert len(got) == len(truth), (len(got), len(truth))
for r in got:
    key = (r["source"]["file"], r["source"]["page_index"], r["row"])
    t = truth[key]
    assert r["type"] == t["type"] and r["book"] == t["book"], key
    assert r["status"] in ("valid", "needs_review"), r["status"]
    # a record needs review exactly when it has an open error flag
    errors = [f for f in r["flags"] if f["severity"] == "error" and f["state"] == "open"]
    assert (r["status"] == "needs_review") == bool(errors), (key, r["status"], errors)
    for f in r["flags"]:
        assert f["code"] and f["message"] and f["severity"] in ("error", "warning"), f
    # planted anomalies send their record to review
    if t.get("anomalies"):
        assert r["status"] == "needs_review", (key, t["anomalies"])
    assert set(r["fields"]) == set(t["fields"]), set(r["fields"]) ^ set(t["fields"])
    assert len(r["source"]["sha256"]) == 64
    for name, f in r["fields"].items():
        if f is None:
            continue
        assert set(f) >= {"value", "raw", "confidence", "bbox", "flags"}, (name, f)
        assert 0 <= f["confidence"] <= 1 and len(f["bbox"]) == 4, (name, f)
        for code in f["flags"]:
            assert any(code == g["code"] and name in g["fields"] for g in r["flags"]), (name, code)
print("export: %d records, shapes, places and statuses as they should be" % len(got))
PY
	checks=$((checks + 1))
	sohoa export --batch "$b" --format csv --out "$WORK/$name.csv" 2>/dev/null
	expect_eq "$name: csv rows" "$(python3 -c "import csv,sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1]))))" "$WORK/$name.csv")" \
		"$(wc -l <"$WORK/$name.jsonl")"
	# reading again changes nothing
	local before after
	before=$(sql "$b" "SELECT count(*), sum(length(text)) FROM cells; SELECT count(*) FROM records")
	run_status sohoa ocr --batch "$b"
	after=$(sql "$b" "SELECT count(*), sum(length(text)) FROM cells; SELECT count(*) FROM records")
	expect_eq "$name: ocr again is a no-op" "$after" "$before"
}

# clean printed pages, all four books
gen "$WORK/clean" --seed 77 \
	--book birth --year 2020 --volume 01 --pages 2 \
	--book marriage --year 2016 --volume 01 --pages 2 \
	--book death --year 2022 --volume 01 --pages 2 \
	--book parentage --year 2019 --volume 01 --pages 2
check_set clean "$WORK/clean" 95
# canonical values on clean pages: mostly right, most records pass without review, and what
# passes is right
python3 - "$WORK/clean.json" <<'PY' || fail "clean: canonical values below the bar"
import json, sys
f = json.load(open(sys.argv[1]))["fields"]
right = 100.0 * f["right"] / f["fields"]
silent = 100.0 * f["silent_wrong"] / max(f["silent_fields"], 1)
print("canonical: %.2f%% right; automation %d/%d records; silent errors %.3f%% (%d of %d)" % (
    right, f["valid_records"], f["records"], silent, f["silent_wrong"], f["silent_fields"]))
# the corroborated readings (names, documents, listed texts, places read again by other
# models) let most records through; measured 92% (35 of 38) on these pages, the floor is under
automation = 100.0 * f["valid_records"] / f["records"]
sys.exit(0 if right >= 97 and automation >= 70 and silent <= 1.0 else 1)
PY
checks=$((checks + 1))

# scans with defects as scanners make them: grey and colour with blur, stains and low
# contrast, bilevel with skew, specks and dark borders, turned pages, 200 to 400 dpi
gen "$WORK/defects" --seed 78 \
	--book birth --year 2020 --volume 01 --pages 2 --compression jpeg --color rgb \
		--defects skew,yellow,blur --rotate 180@2 \
	--book marriage --year 2016 --volume 01 --pages 1 --dpi 200 --compression lzw --color gray \
		--defects skew,lowcontrast \
	--book death --year 2022 --volume 01 --pages 2 --compression g4 --defects skew,speckle,border \
	--book parentage --year 2019 --volume 01 --pages 1 --dpi 400 --compression jpeg --color gray \
		--defects skew,blur,speckle --rotate 90
check_set defects "$WORK/defects" 85

# the anomalies of the catalogue planted (impossible date, CCCD against sex, duplicate
# number, handwriting, smudge): every record that carries one goes to review
gen "$WORK/anomalies" --seed 79 --anomalies \
	--book birth --year 2019 --volume 01 --pages 2 \
	--book death --year 2021 --volume 01 --pages 1
check_set anomalies "$WORK/anomalies" 0

# the committed sample batch: old books, a blank page, a handwritten row, a smudged cell; every
# record with a planted anomaly goes to review here too
check_set sample "$SOHOA_SOURCE/samples/batch" 0
done_ok

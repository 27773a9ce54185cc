#!/usr/bin/env bash
# Handwriting detection end to end on a small generated set (printed entries and handwritten
# ones, clean and with scan defects): scan, ocr and validate, then every cell the truth writes
# in compared with the ocr stage's decision and the flags (tests/bench/handwriting_cells.py).
# No handwritten cell passes without HANDWRITTEN on each of its fields; printed cells sent to
# keying stay at 4% or under (the aim is 2%: not reached yet, see tests/bench/handwriting; the
# bar is what this set shows today, so that a change for the worse fails); a handwritten cell
# has no LOW_CONFIDENCE, UNREADABLE or spelling flag of its own; the blank cells of a handwritten
# entry are sent to keying too; a stamped number in a handwritten entry keeps its automatic
# reading, by its own letters or, when it is too short to judge alone (two or three digits),
# by the page's printed entries whose letters it shares (a parentage book of another seed holds
# such stamps). Then the keying contract: a
# person's value (review set) clears HANDWRITTEN from that field only, and a look (review
# verify) does not stand when the rules run again.
. "$(dirname "$0")/../stage/lib.sh"

hand_opts=()
if "$SOHOA_SAMPLES_BIN/sohoa-sample-gen" --help 2>&1 | grep -q -- '--handwritten'; then
	hand_opts=(--handwritten 0.4)
fi
gen "$WORK/g" --seed 4242 --anomalies --pages 1 "${hand_opts[@]}" \
	--book birth --year 2020 --volume 01 \
	--book marriage --year 2016 --volume 01 --compression lzw --color gray \
	--book death --year 2022 --volume 01 --style sans --defects skew,yellow \
	--book parentage --year 2019 --volume 01 --style serif \
	--book birth --year 1998 --volume 02 --style condensed --defects speckle \
	--book death --year 2009 --volume 02 --style typewriter \
	--book marriage --year 2005 --volume 02 --style sans
# short stamps: numbers of two digits set by a numbering machine in handwritten entries, on a
# page whose printed entries are set in the same type
if [ ${#hand_opts[@]} -gt 0 ]; then
	gen "$WORK/g2" --seed 2301 --style classic --anomalies --pages 1 --handwritten 0.5 \
		--writer mixed --book parentage --year 2012 --volume s2301b
else
	mkdir -p "$WORK/g2"
fi
B="$WORK/b"
mapfile -t specs < <(bookspecs "$WORK/g")
[ ! -f "$WORK/g2/manifest.ini" ] || mapfile -t -O "${#specs[@]}" specs < <(bookspecs "$WORK/g2")
run_status sohoa scan --batch "$B" --jobs 2 "${specs[@]}"
expect_eq "scan exit" "$status" 0
run_status sohoa ocr --batch "$B" --jobs 2
expect_eq "ocr exit" "$status" 0
run_status sohoa validate --batch "$B"
expect_eq "validate exit" "$status" 0

python3 - "$B" "$WORK/g" "$SOHOA_SOURCE" "$WORK/g2" <<'PY' || fail "detection below the bar"
import json, os, sqlite3, sys
sys.path.insert(0, sys.argv[3] + "/tests/bench")
import handwriting_cells
truth = [d for d in (sys.argv[2], sys.argv[4]) if os.path.exists(d + "/manifest.ini")]
rows = handwriting_cells.cells(sys.argv[1], truth)
# every entry its own record: the cells are compared row by row
odd = handwriting_cells.pages_misread(rows)
assert not odd, odd
rows = [r for r in rows if r["found"]]
hw = [r for r in rows if r["truth"] == "handwritten"]
pr = [r for r in rows if r["truth"] == "printed"]
passed = [r for r in hw if not r["flagged"]]
sent = [r for r in pr if r["hand"] == "handwritten"]
print("%d handwritten cells, %d pass without HANDWRITTEN; %d printed, %d sent to keying (%.2f%%)"
      % (len(hw), len(passed), len(pr), len(sent), 100.0 * len(sent) / max(1, len(pr))))
for r in passed[:10]:
    print("  passed: %s p%d r%d c%d %r score %s" % (r["file"], r["page"], r["row"], r["col"],
          r["text"][:30], r["score"]))
# a stamp in a handwritten entry (a number set by a numbering machine) is print: it keeps its
# automatic reading
hand_rows = {(r["file"], r["page"], r["row"]) for r in hw}
stamps = [r for r in pr if (r["file"], r["page"], r["row"]) in hand_rows]
kept = [r for r in stamps if r["hand"] == "printed"]
print("%d stamped cells in handwritten entries, %d kept printed" % (len(stamps), len(kept)))
assert stamps and kept == stamps, (len(stamps), len(kept))
# the short ones (too few letters to be judged alone, SO_HAND_MIN_COMPS) are kept by the page's
# printed entries: their letters are the printed entries' (print_twin within the model's
# stamp_twin)
model = json.load(open(sys.argv[3] + "/schemas/handwriting-model.json"))
short = [r for r in kept if r["features"] and r["features"].get("by_row")]
print("%d short stamps kept by the printed entries' letters: %s" % (
    len(short), ", ".join("%r print_twin %s" % (r["text"], r["features"].get("print_twin"))
                          for r in short)))
if len(truth) > 1:
    assert len(short) >= 2, short
    assert all(0 <= r["features"]["print_twin"] <= model["row"]["stamp_twin"] for r in short)
assert len(hw) >= 40 and len(pr) >= 100, (len(hw), len(pr))
assert not passed
assert len(sent) <= 0.04 * len(pr), len(sent)
# a blank cell of a handwritten entry goes to the keyer with the others: only a person can
# say it holds nothing (a thin hand may leave too little ink to measure)
blank = [r for r in handwriting_cells.cells(sys.argv[1], truth, empty=True)
         if r["found"] and r["truth"] == "empty"]
caught_rows = {(r["file"], r["page"], r["row"]) for r in hw if r["hand"] == "handwritten"}
blank = [r for r in blank if (r["file"], r["page"], r["row"]) in caught_rows]
unkeyed = [r for r in blank if not r["flagged"]]
print("%d blank cells in handwritten entries, %d not sent to keying" % (len(blank), len(unkeyed)))
for r in unkeyed[:5]:
    print("  blank not sent: %s p%d r%d c%d %s" % (r["file"], r["page"], r["row"], r["col"], r["fields"]))
assert blank and not unkeyed
# the handwritten cells' own flags are HANDWRITTEN only
db = sqlite3.connect(sys.argv[1] + "/batch.db")
recs = {(f, p, r): i for i, f, p, r in db.execute(
    "SELECT r.id, s.name, p.page_index, r.row FROM records r JOIN pages p ON p.id = r.page_id "
    "JOIN scan_files s ON s.id = p.scan_file_id")}
noise = 0
for r in hw:
    if r["hand"] != "handwritten":
        continue
    rid = recs[(r["file"], r["page"], r["row"])]
    for code, fields in db.execute("SELECT code, fields FROM flags WHERE record_id = ? AND "
                                   "state = 'open'", (rid,)):
        if code in ("LOW_CONFIDENCE", "UNREADABLE", "NAME_CHARS") and \
                set(json.loads(fields)) & set(r["fields"]):
            noise += 1
assert noise == 0, noise
# a record with a handwritten cell needs review
for rid, in db.execute("SELECT DISTINCT record_id FROM flags WHERE code = 'HANDWRITTEN'"):
    st, = db.execute("SELECT status FROM records WHERE id = ?", (rid,)).fetchone()
    assert st == "needs_review", (rid, st)
PY
checks=$((checks + 1))

# the features are kept with the decision, for every written cell
expect_eq "decisions with features" \
	"$(sql "$B" "SELECT count(*) FROM cell_hand WHERE json_valid(features) AND json_extract(features, '\$.stroke_mean') IS NOT NULL AND score BETWEEN 0 AND 1")" \
	"$(sql "$B" "SELECT count(*) FROM cell_hand")"

# keying: a person's value clears HANDWRITTEN from that field, the others of the cell keep it
id=$(sql "$B" "SELECT record_id FROM flags WHERE code = 'HANDWRITTEN' AND state = 'open' AND fields = '[\"registration_date\"]' LIMIT 1")
[ -n "$id" ] || fail "no handwritten registration date to key"
sohoa review user add --batch "$B" keyer >/dev/null 2>&1 <<<"a-long-enough-password" || true
before=$(sql "$B" "SELECT count(*) FROM flags WHERE record_id = $id AND code = 'HANDWRITTEN' AND state = 'open'")
# the record page does not set it: it is keyed (tests/e2e/keying_truth.sh keys over HTTP);
# here the keying's outcome is written as keying writes it, and the rules run again
run_status sohoa review set --batch "$B" --as keyer "$id" registration_date 05/03/2019
expect_eq "review set refuses a field waiting for keying" "$status" 2
sql "$B" "UPDATE fields SET value = '2019-03-05', source = 'archivist' WHERE record_id = $id AND
	name = 'registration_date'"
run_status sohoa validate --batch "$B" --again
expect_eq "validate after keying exit" "$status" 0
expect_eq "keyed field: no HANDWRITTEN" \
	"$(sql "$B" "SELECT count(*) FROM flags WHERE record_id = $id AND code = 'HANDWRITTEN' AND state = 'open' AND fields = '[\"registration_date\"]'")" 0
expect_eq "the other handwritten fields keep theirs" \
	"$(sql "$B" "SELECT count(*) FROM flags WHERE record_id = $id AND code = 'HANDWRITTEN' AND state = 'open'")" \
	"$((before - 1))"
# a look is not a keying: a HANDWRITTEN flag verified without keying is raised again when the
# rules next run (the review application itself should refuse the look: the keying work's)
flag=$(sql "$B" "SELECT id FROM flags WHERE record_id = $id AND code = 'HANDWRITTEN' AND state = 'open' LIMIT 1")
fields=$(sql "$B" "SELECT fields FROM flags WHERE id = $flag")
sohoa review verify --batch "$B" --as keyer "$id" "$flag" >/dev/null 2>&1 || true
run_status sohoa validate --batch "$B" --again
expect_eq "validate again exit" "$status" 0
expect_eq "verified without keying: HANDWRITTEN again" \
	"$(sql "$B" "SELECT count(*) FROM flags WHERE record_id = $id AND code = 'HANDWRITTEN' AND state = 'open' AND fields = '$fields'")" 1
expect_eq "and the record still needs review" "$(sql "$B" "SELECT status FROM records WHERE id = $id")" needs_review
done_ok

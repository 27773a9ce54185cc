#!/usr/bin/env bash
# The scan stage on generated register pages: every compression and bit depth is read; the
# measured skew is within 0.2 degrees of the generated angle; turned pages are found and
# turned back; blank pages are flagged and low-resolution pages rejected; scanning again is
# a no-op; the same scan under another name is a duplicate; a killed scan resumes to the
# same result.
. "$(dirname "$0")/lib.sh"

G="$WORK/gen"
gen "$G" --seed 21 \
	--book birth --year 2019 --volume 01 --pages 2 --dpi 300 --compression g4 --defects skew \
	--book death --year 2021 --volume 01 --pages 2 --dpi 200 --compression jpeg --color gray \
		--defects skew,speckle,border --rotate 180 \
	--book marriage --year 2010 --volume 02 --pages 2 --dpi 300 --compression lzw --color rgb \
		--defects skew,yellow,lowcontrast --rotate 90 \
	--book parentage --year 2025 --volume 01 --pages 1 --blank-pages 1 --dpi 400 \
		--compression none --color gray --defects skew,blur --rotate 270 \
	--book birth --year 1998 --volume 03 --pages 1 --dpi 250 --compression deflate --color gray \
		--defects skew --tiled --no-resolution \
	--book death --year 2015 --volume 04 --pages 1 --dpi 300 --compression jpeg --color rgb \
		--defects skew,speckle \
	--book marriage --year 2024 --volume 05 --pages 1 --dpi 300 --compression lzw --color bilevel \
		--skew -2.5 \
	--book parentage --year 2005 --volume 06 --pages 1 --dpi 100 --compression g4
mapfile -t specs < <(bookspecs "$G")

B="$WORK/batch"
run_status sohoa scan --batch "$B" --jobs 2 "${specs[@]}"
expect_eq "exit code (a 100 dpi page is rejected)" "$status" 2
expect_match "summary" "$(cat "$WORK/stdout")" "8 files \(0 failed, 0 duplicate\), 12 of 12 pages read"

# compare every page with the generator's truth
python3 - "$G/pages.jsonl" "$B/batch.db" <<'PY' || fail "pages differ from the truth"
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[2])
bad = 0
def no(msg):
    global bad
    bad += 1
    print("  " + msg)
n = 0
for line in open(sys.argv[1]):
    t = json.loads(line)
    r = db.execute("SELECT p.state, p.orientation, p.skew, p.dpi, p.dpi_source, p.color, p.bits, "
                   "p.compression, p.width, p.height, p.image FROM pages p JOIN scan_files f "
                   "ON f.id = p.scan_file_id WHERE f.name = ? AND p.page_index = ?",
                   (t["file"], t["page_index"])).fetchone()
    where = "%s page %d" % (t["file"], t["page_index"] + 1)
    if r is None:
        no(where + ": not stored"); continue
    state, orient, skew, dpi, dpi_source, color, bits, comp, w, h, image = r
    n += 1
    if (comp, color, bits, w, h) != (t["compression"], t["color"], t["bits"], t["width"], t["height"]):
        no(where + ": read as %s/%s/%d bits %dx%d, written as %s/%s/%d bits %dx%d" % (
            comp, color, bits, w, h, t["compression"], t["color"], t["bits"], t["width"], t["height"]))
    if t["dpi"] < 150:
        if state != "rejected": no(where + ": %d dpi page is %s, not rejected" % (t["dpi"], state))
        continue
    want_dpi_source = "tag" if t["resolution"] else "estimated"
    if dpi_source != want_dpi_source or abs(dpi - t["dpi"]) > t["dpi"] * 0.02:
        no(where + ": dpi %d (%s), truth %d" % (dpi, dpi_source, t["dpi"]))
    if t["blank"]:
        if state != "blank": no(where + ": blank page is %s" % state)
        continue
    if state != "prepared":
        no(where + ": state %s" % state); continue
    if orient != t["rotation"]:
        no(where + ": orientation %d, truth %d" % (orient, t["rotation"]))
    if abs(skew - t["skew_deg"]) > 0.2:
        no(where + ": skew %.3f, truth %.3f" % (skew, t["skew_deg"]))
    print("  %s: %s, orientation %d, skew %.3f (truth %.3f)" % (where, state, orient, skew, t["skew_deg"]))
print("%d pages compared, %d differences" % (n, bad))
sys.exit(1 if bad or n != 12 else 0)
PY
checks=$((checks + 1))
# the prepared pages exist, are 1-bit and upright (landscape)
for img in $(sql "$B" "SELECT image FROM pages WHERE state = 'prepared'"); do
	[ -s "$B/$img" ] || fail "missing prepared page $img"
done
expect_eq "prepared pages are landscape" \
	"$(sql "$B" "SELECT count(*) FROM pages WHERE state='prepared' AND ((orientation IN (90,270) AND height < width) OR (orientation IN (0,180) AND width < height))")" 0

# scanning again changes nothing
dump() { sql "$B" "SELECT id, scan_file_id, page_index, sha256, state, image, created_at FROM pages ORDER BY id; SELECT stage, unit_id, state, attempts FROM stage_units ORDER BY unit_id"; ls -l --time-style=+%s.%N "$B"/pages/*/; }
before=$(dump)
run_status sohoa scan --batch "$B" "${specs[@]}"
expect_eq "rescan exit" "$status" 2
expect_eq "rescan is a no-op" "$(dump)" "$before"

# the same scan under another name is a duplicate, not new work
cp "$G/birth-2019-01.tif" "$WORK/copy.tif"
run_status sohoa scan --batch "$B" --book-type birth --year 2019 --volume 09 --authority 26740 "$WORK/copy.tif"
expect_match "duplicate reported" "$(cat "$WORK/stderr")" "same content as an earlier scan file"
expect_eq "duplicate file" "$(sql "$B" "SELECT duplicate_of IS NOT NULL FROM scan_files WHERE name='copy.tif'")" 1
expect_eq "no page read from the duplicate" "$(sql "$B" "SELECT count(*) FROM pages p JOIN scan_files f ON f.id=p.scan_file_id WHERE f.name='copy.tif'")" 0

# killed at random moments, then resumed: the same pages as the uninterrupted run
K="$WORK/killed"
for attempt in 1 2 3 4 5 6 7 8; do
	# the whole run at once, as a power cut or 'kill -9' of the process group would
	setsid sohoa scan --batch "$K" --jobs 2 "${specs[@]}" >/dev/null 2>&1 &
	pid=$!
	sleep "0.$((RANDOM % 9 + 1))$((attempt % 2))"
	kill -KILL -- "-$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
done
run_status sohoa scan --batch "$K" --jobs 2 "${specs[@]}"
expect_eq "resumed exit" "$status" 2
pages_of() { sqlite3 -batch "$1/batch.db" "SELECT f.name, p.page_index, p.sha256, p.state, p.orientation, round(p.skew, 3) FROM pages p JOIN scan_files f ON f.id = p.scan_file_id WHERE f.name <> 'copy.tif' ORDER BY 1, 2"; }
expect_eq "killed and resumed = uninterrupted" "$(pages_of "$K")" "$(pages_of "$B")"
expect_eq "no unit left running" "$(sql "$K" "SELECT count(*) FROM stage_units WHERE state IN ('running','pending')")" 0
expect_eq "no stray temporary files" "$(find "$K/pages" -name '*.tmp.*' | wc -l)" 0

# a page that crashes the worker is retried, then recorded as failed; the rest is read
P="$WORK/poison"
set +e
SOHOA_FAULT="scan-page@birth-2019-01.tif#2=crash" sohoa scan --batch "$P" --jobs 1 \
	"${specs[@]}" >"$WORK/stdout" 2>"$WORK/stderr"
status=$?
set -e
expect_eq "poison page exit" "$status" 2
expect_match "crash reported" "$(cat "$WORK/stderr")" "worker process was killed by SIGABRT"
expect_match "poison page failed" \
	"$(sql "$P" "SELECT p.state || ': ' || p.reason FROM pages p JOIN scan_files f ON f.id = p.scan_file_id WHERE f.name = 'birth-2019-01.tif' AND p.page_index = 1")" \
	"^failed: reading this page stopped the worker 2 times \(last: killed by SIGABRT\)"
expect_eq "other pages as without the fault" \
	"$(pages_of "$P" | grep -v '^birth-2019-01.tif|1|')" "$(pages_of "$B" | grep -v '^birth-2019-01.tif|1|')"
done_ok

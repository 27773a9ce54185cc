#!/usr/bin/env bash
# The ocr stage under faults: a page that crashes the recognizer and one that hangs it are
# retried once, then failed with the reason while the other pages are read; a page whose table
# does not match its book's layout is failed, never guessed; a run killed at random moments
# and run again ends with exactly what an uninterrupted run gives.
. "$(dirname "$0")/../stage/lib.sh"

G="$WORK/gen"
gen "$G" --seed 31 --book birth --year 2019 --volume 01 --pages 3 \
	--book death --year 2021 --volume 02 --pages 1
mapfile -t specs < <(bookspecs "$G")
scanned() { # DIR: a fresh batch with the pages scanned
	sohoa scan --batch "$1" --jobs 2 "${specs[@]}" >/dev/null 2>&1 || fail "scan of $1"
}
ocr_state() { # BATCH FILE PAGE: "state|error" of that page's ocr unit
	sql "$1" "SELECT u.state || '|' || coalesce(u.error, '') FROM stage_units u JOIN pages p ON p.id = u.unit_id JOIN scan_files f ON f.id = p.scan_file_id WHERE u.stage = 'ocr' AND f.name = '$2' AND p.page_index = $3"
}

# the uninterrupted reference
R="$WORK/ref"
scanned "$R"
run_status sohoa ocr --batch "$R" --jobs 2
expect_eq "reference exit" "$status" 0
cells_of() { sqlite3 -batch "$1/batch.db" "SELECT f.name, p.page_index, r.row, c.col, replace(c.text, char(10), '\\n'), round(c.confidence, 4) FROM cells c JOIN records r ON r.id = c.record_id JOIN pages p ON p.id = r.page_id JOIN scan_files f ON f.id = p.scan_file_id ORDER BY 1, 2, 3, 4"; }
ref_cells=$(cells_of "$R")
[ -n "$ref_cells" ] || fail "the reference read nothing"

# a crashing page
C="$WORK/crash"
scanned "$C"
SOHOA_FAULT="ocr-page@birth-2019-01.tif#2=crash" run_status sohoa ocr --batch "$C" --jobs 2
expect_eq "crash exit" "$status" 2
expect_match "crash reported" "$(cat "$WORK/stderr")" "killed by SIGABRT"
expect_match "crashing page failed" "$(ocr_state "$C" birth-2019-01.tif 1)" \
	"^failed\|reading this page stopped the recognizer 2 times \(last: killed by SIGABRT\)"
expect_eq "crash: other pages read as without the fault" \
	"$(cells_of "$C")" "$(echo "$ref_cells" | grep -v '^birth-2019-01.tif|1|')"

# a hanging page, stopped at its deadline
H="$WORK/hang"
scanned "$H"
SOHOA_FAULT="ocr-page@death-2021-02.tif#1=hang" run_status sohoa ocr --batch "$H" --jobs 2 --page-timeout 20
expect_eq "hang exit" "$status" 2
expect_match "hanging page failed" "$(ocr_state "$H" death-2021-02.tif 0)" \
	"^failed\|reading this page stopped the recognizer 2 times \(last: took longer than 20 s\)"
expect_eq "hang: other pages read as without the fault" \
	"$(cells_of "$H")" "$(echo "$ref_cells" | grep -v '^death-2021-02.tif|0|')"

# a page filed under the wrong book: a birth page read as a death book (15 columns)
W="$WORK/wrong"
run_status sohoa scan --batch "$W" --book-type death --year 2019 --volume 09 --authority 26740 \
	"$G/birth-2019-01.tif"
expect_eq "wrong-book scan exit" "$status" 0
run_status sohoa ocr --batch "$W" --jobs 2
expect_eq "wrong-book ocr exit" "$status" 2
expect_match "wrong book reason" "$(ocr_state "$W" birth-2019-01.tif 0)" \
	"^failed\|found 14 columns, layout death-v1 has 15"
expect_eq "no record guessed" "$(sql "$W" "SELECT count(*) FROM records")" 0

# killed at random moments (the whole run at once), then run to the end
K="$WORK/killed"
scanned "$K"
for attempt in $(seq 1 8); do
	setsid sohoa ocr --batch "$K" --jobs 2 >/dev/null 2>&1 &
	pid=$!
	sleep "$((RANDOM % 3)).$((RANDOM % 10))"
	kill -KILL -- "-$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
done
run_status sohoa ocr --batch "$K" --jobs 2
expect_eq "resumed exit" "$status" 0
expect_eq "killed and resumed = uninterrupted" "$(cells_of "$K")" "$ref_cells"
expect_eq "records once each" "$(sql "$K" "SELECT count(*) FROM records")" "$(sql "$R" "SELECT count(*) FROM records")"
done_ok

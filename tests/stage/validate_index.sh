#!/usr/bin/env bash
# Duplicate entries across batches: the same register scanned into two batches and validated
# against one shared index: the later batch's entries are flagged DUPLICATE_ENTRY naming the
# earlier batch; the earlier one's are not, even when validated again after the later one.
. "$(dirname "$0")/lib.sh"

G="$WORK/gen"
gen "$G" --seed 41 --book birth --year 2019 --volume 01 --pages 1
mapfile -t specs < <(bookspecs "$G")
for b in first second; do
	sohoa scan --batch "$WORK/$b" "${specs[@]}" >/dev/null 2>&1 || fail "scan $b"
	sohoa ocr --batch "$WORK/$b" >/dev/null 2>&1 || fail "ocr $b"
done
I="$WORK/entries.db"
run_status sohoa validate --batch "$WORK/first" --index "$I"
expect_eq "first validate exit" "$status" 0
expect_eq "first: no duplicates" "$(sql "$WORK/first" "SELECT count(*) FROM flags WHERE code = 'DUPLICATE_ENTRY'")" 0
run_status sohoa validate --batch "$WORK/second" --index "$I"
expect_eq "second validate exit" "$status" 0
keyed=$(sql "$WORK/second" "SELECT count(*) FROM records WHERE entry_key IS NOT NULL")
[ "$keyed" -gt 0 ] || fail "no entry got a key"
expect_eq "second: every keyed entry is a duplicate" \
	"$(sql "$WORK/second" "SELECT count(DISTINCT record_id) FROM flags WHERE code = 'DUPLICATE_ENTRY'")" "$keyed"
first_id=$(sql "$WORK/first" "SELECT value FROM batch_meta WHERE key = 'batch_id'")
expect_match "the earlier batch is named" \
	"$(sql "$WORK/second" "SELECT message FROM flags WHERE code = 'DUPLICATE_ENTRY' LIMIT 1")" "$first_id"
expect_eq "duplicates need review" \
	"$(sql "$WORK/second" "SELECT count(*) FROM records WHERE entry_key IS NOT NULL AND status <> 'needs_review'")" 0
# the batch remembers its index: an archivist's change judges the book again against it, and
# the duplicates stay flagged
expect_eq "the index is remembered" \
	"$(sql "$WORK/second" "SELECT value FROM batch_meta WHERE key = 'entry_index'")" "$(realpath "$I")"
rid=$(sql "$WORK/second" "SELECT min(record_id) FROM flags WHERE code = 'DUPLICATE_ENTRY'")
run_status sohoa review set --batch "$WORK/second" --as lan "$rid" child.ethnicity Kinh
expect_eq "review set exit" "$status" 0
expect_eq "after a change: still a duplicate" \
	"$(sql "$WORK/second" "SELECT count(*) FROM flags WHERE code = 'DUPLICATE_ENTRY' AND record_id = $rid AND state = 'open'")" 1
run_status sohoa validate --batch "$WORK/first" --index "$I" --again
expect_eq "first again: still no duplicates" \
	"$(sql "$WORK/first" "SELECT count(*) FROM flags WHERE code = 'DUPLICATE_ENTRY'")" 0
done_ok

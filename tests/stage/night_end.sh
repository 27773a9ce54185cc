#!/usr/bin/env bash
# Duplicates across the batches of a night, and across nights (sohoa cluster finish): two
# batches of one night, run as different tasks, hold the same entries — one register and its
# copy filed under another volume, so the national database's business keys differ and only
# the entry key (person and event) says they are one. The tasks deliver nothing; the night's
# end merges every batch's entries into the index in the night file's order (the copy's task
# ran first: the order of the night, not of the tasks, decides which is the earlier), flags
# the later copy DUPLICATE_ENTRY, and delivers: one copy reaches the registry, the copy waits
# for review. Run again it changes nothing; a later night's batch holding the same entries is
# flagged against the index the first night left.
. "$(dirname "$0")/lib.sh"

gen "$WORK/g1" --seed 41 --pages 1 --book birth --year 2019 --volume 01 --authority 26740 2>/dev/null
gen "$WORK/g2" --seed 42 --pages 1 --book death --year 2021 --volume 01 --authority 26740 2>/dev/null
# copy_manifest DIR VOLUME: the register of g1 filed as volume VOLUME
copy_manifest() {
	mkdir -p "$1"
	cat >"$1/manifest.ini" <<INI
[book birth-2019-$2]
type = birth
year = 2019
volume = $2
authority = 26740
layout = birth-v1
files = ../g1/birth-2019-01.tif
INI
}
copy_manifest "$WORK/copy" 02
copy_manifest "$WORK/later" 03

registry_start "$WORK/registry.db" --listen 127.0.0.1:0
trap 'registry_stop; rm -rf "$WORK"' EXIT
night_ini end-test index=index/entries.db endpoint="$url" first:g1/manifest.ini \
	copy:copy/manifest.ini deaths:g2/manifest.ini
mkdir -p "$WORK/index"
reg() {
	sqlite3 -batch "$WORK/registry.db" "$1"
}

# the tasks, the copy's first: nothing delivered, no index yet
for i in 1 0 2; do
	run_status sohoa cluster task "$WORK/night.ini" --index $i --jobs 1
	[ "$status" -eq 0 ] || [ "$status" -eq 2 ] || fail "task $i: exit $status: $(tail -3 "$WORK/stderr")"
done
expect_eq "the tasks deliver nothing" "$(reg "SELECT count(*) FROM records")" 0
expect_eq "no record synced before the night's end" "$(for b in first copy deaths; do
	sql "$WORK/shared/$b" "SELECT count(*) FROM records WHERE status = 'synced'"; done | sort -u)" 0
keyed=$(sql "$WORK/shared/copy" "SELECT count(*) FROM records WHERE entry_key IS NOT NULL")
[ "$keyed" -gt 0 ] || fail "no entry of the copy got a key"
expect_eq "the register and its copy hold the same entries" \
	"$(sql "$WORK/shared/copy" "SELECT entry_key FROM records WHERE entry_key IS NOT NULL ORDER BY 1")" \
	"$(sql "$WORK/shared/first" "SELECT entry_key FROM records WHERE entry_key IS NOT NULL ORDER BY 1")"
expect_eq "and nothing flagged them yet" "$(sql "$WORK/shared/copy" \
	"SELECT count(*) FROM flags WHERE code = 'DUPLICATE_ENTRY'")" 0
[ ! -e "$WORK/index/entries.db" ] || fail "a task wrote the index"
expect_eq "the night's view: no batch merged yet" "$(sohoa cluster status "$WORK/night.ini" --json |
	jq -c '[.batches[].merged]')" "[null,null,null]"

# the night's end
run_status sohoa cluster finish "$WORK/night.ini"
expect_eq "the night's end: exit" "$status" 0
expect_match "it says what it did" "$(cat "$WORK/stderr")" \
	"the night's end: 3 batches, 0 not merged, 0 not fully delivered; [0-9]+ entries, $keyed newly flagged"
first_id=$(sql "$WORK/shared/first" "SELECT value FROM batch_meta WHERE key = 'batch_id'")
expect_eq "every entry of the copy is flagged once" "$(sql "$WORK/shared/copy" \
	"SELECT count(*), count(DISTINCT record_id) FROM flags WHERE code = 'DUPLICATE_ENTRY'")" "$keyed|$keyed"
expect_match "naming the earlier batch" "$(sql "$WORK/shared/copy" \
	"SELECT message FROM flags WHERE code = 'DUPLICATE_ENTRY' LIMIT 1")" "của lô $first_id"
expect_eq "the earlier batch and the other are not flagged" "$(for b in first deaths; do
	sql "$WORK/shared/$b" "SELECT count(*) FROM flags WHERE code = 'DUPLICATE_ENTRY'"; done)" "0
0"
expect_eq "the copy waits for review" "$(sql "$WORK/shared/copy" "SELECT count(*) FROM records
	WHERE entry_key IS NOT NULL AND status <> 'needs_review'")" 0
synced=$(for b in first copy deaths; do sql "$WORK/shared/$b" \
	"SELECT count(*) FROM records WHERE status = 'synced'"; done | awk "{ s += \$1 } END { print s }")
first_synced=$(sql "$WORK/shared/first" "SELECT count(*) FROM records WHERE status = 'synced'")
[ "$first_synced" -gt 0 ] || fail "nothing of the first batch delivered"
echo "entries of the copy: $keyed; delivered in all: $synced, of the first batch: $first_synced" >&2
expect_eq "the copy delivered nothing" \
	"$(sql "$WORK/shared/copy" "SELECT count(*) FROM records WHERE status = 'synced'")" 0
expect_eq "the registry holds what was delivered, once" "$(reg "SELECT count(*) FROM records")" "$synced"
expect_eq "the index is back whole, with no write-ahead log beside it" \
	"$(sqlite3 "$WORK/index/entries.db" "PRAGMA journal_mode"; ls "$WORK/index")" "delete
entries.db"
expect_eq "every batch's entries are in it" "$(sqlite3 "$WORK/index/entries.db" \
	"SELECT count(DISTINCT batch) FROM entries")" 3
expect_eq "the batch remembers the night's index" "$(sql "$WORK/shared/copy" \
	"SELECT value FROM batch_meta WHERE key = 'entry_index'")" "$WORK/index/entries.db"
expect_eq "no lock or scratch copy left" "$(ls "$WORK/shared"; ls "$WORK/scratch")" "copy
deaths
first"
expect_match "each batch's report written again, with its deliveries" \
	"$(cat "$WORK/shared/first/report.html")" "synced"

# the night's view says which batches the night's end merged, and opens the shared copies
# only to read: nothing made or changed beside them
before=$(cd "$WORK/shared" && find . -type f -printf '%p %s %T@\n' | sort)
sohoa cluster status "$WORK/night.ini" --json >"$WORK/status.json"
expect_eq "the night's view: every batch merged, the copy's entries waiting as duplicates" \
	"$(jq -c '[.batches[] | [.name, .merged.entries > 0, .merged.duplicates]]' "$WORK/status.json")" \
	"[[\"first\",true,0],[\"copy\",true,$keyed],[\"deaths\",true,0]]"
expect_match "its text says so" "$(sohoa cluster status "$WORK/night.ini")" \
	"copy .* merged 20[0-9-]+T[0-9:]+Z?, $keyed duplicates"
sohoa cluster report "$WORK/night.ini" --out "$WORK/night.html" 2>/dev/null
expect_eq "the night's report too" "$(grep -o 'data-k="duplicates">[0-9]*' "$WORK/night.html" |
	tr '\n' ' ')" "data-k=\"duplicates\">0 data-k=\"duplicates\">$keyed data-k=\"duplicates\">0 "
expect_eq "the status and report changed nothing in the shared copies" \
	"$(cd "$WORK/shared" && find . -type f -printf '%p %s %T@\n' | sort)" "$before"

# run again: nothing changes; the scratch copy of a night's end that was killed (its
# process gone) is removed, one of a live process is not
true & dead=$!
wait $dead
sleep 300 & alive=$!
touch "$WORK/scratch/entries.night-end.$dead.db" "$WORK/scratch/entries.night-end.$dead.db-journal" \
	"$WORK/scratch/entries.other.$alive.db"
run_status sohoa cluster finish "$WORK/night.ini"
kill $alive
expect_eq "the killed end's copy removed, the live one's kept" "$(ls "$WORK/scratch")" \
	"entries.other.$alive.db"
rm "$WORK/scratch/entries.other.$alive.db"
expect_eq "again: exit" "$status" 0
expect_match "again: nothing newly flagged" "$(cat "$WORK/stderr")" "entries, 0 newly flagged"
expect_eq "again: the same flags" "$(sql "$WORK/shared/copy" \
	"SELECT count(*) FROM flags WHERE code = 'DUPLICATE_ENTRY'")" "$keyed"
expect_eq "again: the registry unchanged" "$(reg "SELECT count(*) FROM records")" "$synced"

# a batch held by a task is passed over, the rest ended (exit 2)
echo "task 99_1 host elsewhere pid 1 since now" >"$WORK/shared/deaths.lock"
run_status sohoa cluster finish "$WORK/night.ini"
expect_eq "a held batch: exit" "$status" 2
expect_match "it is named" "$(cat "$WORK/stderr")" "batch deaths: held by a task"
rm "$WORK/shared/deaths.lock"

# a later night: the same entries filed again are flagged against the first night's index
sed -e 's/^name = end-test/name = end-test-2/' -e '/^\[batch first\]/,$d' "$WORK/night.ini" \
	>"$WORK/night2.ini"
printf '[batch later]\ndir = shared/later\nmanifest = later/manifest.ini\n' >>"$WORK/night2.ini"
run_status sohoa cluster task "$WORK/night2.ini" --index 0 --jobs 1
[ "$status" -eq 0 ] || [ "$status" -eq 2 ] || fail "later task: exit $status"
run_status sohoa cluster finish "$WORK/night2.ini"
expect_eq "the later night's end: exit" "$status" 0
expect_eq "the later night's copy is flagged against the first night's batch" \
	"$(sql "$WORK/shared/later" "SELECT count(DISTINCT record_id) FROM flags WHERE code =
		'DUPLICATE_ENTRY' AND message LIKE '%$first_id%'")" "$keyed"
expect_eq "and nothing of it delivered" "$(reg "SELECT count(*) FROM records")" "$synced"
done_ok

#!/usr/bin/env bash
# The operator's night end to end: a generated batch of the four books, given as a manifest
# with a [sync] section, through `sohoa run` to a sohoa-registryd on loopback. The registry
# then holds exactly the records the batch could deliver (valid ones), with their exact
# content; the records match the generator's truth where they passed without review; the
# report exists and its numbers are the store's; `sohoa status` agrees; a second run changes
# nothing; a run on a batch another run holds is refused.
. "$(dirname "$0")/../stage/lib.sh"

g=$WORK/gen B=$WORK/batch
gen "$g" --seed 61 --pages 2 \
	--book birth --year 2019 --volume 01 --authority 26740 \
	--book marriage --year 2020 --volume 01 --authority 26740 \
	--book death --year 2021 --volume 02 --authority 26740 \
	--book parentage --year 2022 --volume 01 --authority 26740 2>/dev/null
registry_start "$WORK/registry.db" --listen 127.0.0.1:0
cp "$g/manifest.ini" "$g/night.ini"
printf '\n[sync]\nendpoint = %s\n' "$url" >>"$g/night.ini"

run_status sohoa run --batch "$B" --manifest "$g/night.ini" --jobs 2
# 0, or 2 when some records went back to review after the server's answer
[ "$status" -eq 0 ] || [ "$status" -eq 2 ] || fail "run: exit $status: $(tail -5 "$WORK/stderr")"
checks=$((checks + 1))
expect_match "summary" "$(cat "$WORK/stderr")" "night done"
expect_match "summary names the report" "$(cat "$WORK/stderr")" "report: $B/report.html"
expect_eq "every stage done" "$(sql "$B" "SELECT count(*) FROM stage_units WHERE state <> 'done'")" 0
expect_eq "pages read" "$(sql "$B" "SELECT count(*) FROM pages WHERE state = 'prepared'")" 8
expect_eq "nothing left unjudged" "$(sql "$B" "SELECT count(*) FROM records WHERE
	status = 'extracted'")" 0
expect_eq "nothing deliverable left" "$(sql "$B" "SELECT count(*) FROM records WHERE
	status IN ('valid', 'approved')")" 0
synced=$(sql "$B" "SELECT count(*) FROM records WHERE status = 'synced'")
[ "$synced" -ge 1 ] || fail "nothing was delivered"

# the registry holds exactly the delivered records, with their content
sohoa export --batch "$B" --format jsonl --out "$WORK/export.jsonl"
python3 "$SOHOA_SOURCE/tests/stage/sync_check.py" "$B" "$WORK/export.jsonl" \
	"$WORK/registry.db" || fail "registry contents"
checks=$((checks + 1))
expect_eq "registry count" "$(sqlite3 "$WORK/registry.db" "SELECT count(*) FROM records")" "$synced"

# the report and the status command say what the store says
[ -s "$B/report.html" ] || fail "no report.html"
sohoa status --batch "$B" --json >"$WORK/status.json"
python3 - "$B" "$WORK/status.json" "$B/report.html" <<'EOF' || fail "report numbers"
import json, re, sqlite3, sys
db = sqlite3.connect(sys.argv[1] + "/batch.db")
s = json.load(open(sys.argv[2]))
by_status = dict(db.execute("SELECT status, count(*) FROM records GROUP BY status"))
for k, v in by_status.items():
    assert s["records"]["by_status"][k] == v, (k, s["records"]["by_status"], by_status)
assert s["records"]["total"] == sum(by_status.values())
assert s["sync"]["records_synced"] == by_status.get("synced", 0)
assert s["pages"]["in"] == 8 and s["pages"]["done"] == 8, s["pages"]
html = open(sys.argv[3], encoding="utf-8").read()
assert "<svg" in html and "<script" not in html.lower()
# every count of records by status is printed in the report
for k, v in by_status.items():
    assert re.search(r"\b%d\b" % v, html), (k, v)
EOF
checks=$((checks + 1))

# values that passed without review are the generator's truth
python3 - "$WORK/export.jsonl" "$g/truth.jsonl" <<'EOF' || fail "delivered values"
import json, sys
truth = {}
for line in open(sys.argv[2]):
    t = json.loads(line)
    truth[(t["source"]["file"], t["source"]["page_index"], t["row"])] = t
wrong = total = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["status"] != "synced":
        continue
    t = truth[(r["source"]["file"], r["source"]["page_index"], r["row"])]
    for name, f in r["fields"].items():
        tf = t["fields"].get(name)
        want = tf["value"] if tf else None
        got = f["value"] if f else None
        total += 1
        wrong += got != want
print(f"delivered fields: {total}, differing from the truth: {wrong}")
assert wrong <= max(1, total // 100), (wrong, total)
EOF
checks=$((checks + 1))

# the same command again: nothing to do, nothing changes
before=$(sql "$B" "SELECT group_concat(id || status || version) FROM records")
run_status sohoa run --batch "$B" --manifest "$g/night.ini" --jobs 2
[ "$status" -eq 0 ] || [ "$status" -eq 2 ] || fail "second run: exit $status"
expect_eq "second run changes nothing" "$(sql "$B" "SELECT group_concat(id || status || version)
	FROM records")" "$before"
expect_eq "registry unchanged" "$(sqlite3 "$WORK/registry.db" "SELECT count(*) FROM records")" \
	"$synced"

# one run at a time: a held lock refuses a second run, naming the holder
exec 9>"$B/run.lock"
flock -n 9 || fail "cannot take the lock for the test"
printf 'pid 4242, started now\n' >&9
run_status sohoa run --batch "$B" --no-sync
expect_eq "second run refused" "$status" 3
expect_match "refusal says why" "$(cat "$WORK/stderr")" "another sohoa run .*pid 4242"
exec 9>&-

# many books on one command line: the scan stage gets every one of them
for v in 1 2 3 4 5 6 7 8 9 10 11 12; do
	printf '[book b%d]\ntype = birth\nyear = 2019\nvolume = %02d\nauthority = 26740\nfiles = %s\n\n' \
		"$v" "$v" birth-2019-01.tif
done >"$g/many.ini"
run_status sohoa run --batch "$WORK/many" --manifest "$g/many.ini" --no-sync --jobs 2
expect_eq "twelve books: exit" "$status" 0
expect_eq "twelve books registered" "$(sql "$WORK/many" "SELECT count(*) FROM books")" 12

# usage: nothing to do on a batch that does not exist
run_status sohoa run --batch "$WORK/none" --no-sync
expect_eq "no books" "$status" 1
registry_stop
done_ok

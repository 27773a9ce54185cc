#!/usr/bin/env bash
# The night's view across its batches (sohoa cluster status / report): a night file of three
# batches — one run through the night, one not started, one whose store is damaged. The view
# says each batch's state, its numbers are each batch's own summary summed, the report lists
# the three and links the batch's report; a night file that is wrong is refused with its line.
. "$(dirname "$0")/lib.sh"

g=$WORK/gen
gen "$g" --seed 81 --pages 1 --book death --year 2021 --volume 01 --authority 26740 2>/dev/null
sohoa run --batch "$WORK/b1" --manifest "$g/manifest.ini" --no-sync --jobs 2 >/dev/null 2>&1 ||
	[ $? -eq 2 ] || fail "fixture: run"
mkdir -p "$WORK/b3" && printf 'not a database' >"$WORK/b3/batch.db"
cat >"$WORK/night.ini" <<INI
; a test night
[night]
name = 2026-12-04
scratch = /tmp/sohoa-scratch
index = index/entries.db

[sync]
endpoint = https://registry.example.invalid/api

[batch death-2021]
dir = b1
manifest = gen/manifest.ini

[batch later]
dir = b2
manifest = gen/manifest.ini

[batch broken]
dir = b3
manifest = gen/manifest.ini
INI
run_status sohoa cluster status "$WORK/night.ini" --json
expect_eq "a damaged batch: shown, exit 2" "$status" 2
cp "$WORK/stdout" "$WORK/night.json"
sohoa status --batch "$WORK/b1" --json >"$WORK/b1.json" 2>/dev/null || fail "status b1"
expect_eq "each batch's state, the night's sums its batches' numbers" "$(python3 - "$WORK" <<'PY'
import json, sys
w = sys.argv[1]
n = json.load(open(w + '/night.json'))
b1 = json.load(open(w + '/b1.json'))
states = {b['name']: b['state'] for b in n['batches']}
one = n['batches'][0]
print(n['night']['name'], n['night']['batches'], sorted(n['tasks'].items()),
      states['death-2021'], states['later'], states['broken'],
      n['pages']['in'] == b1['pages']['in'] == one['pages']['in'] > 0,
      n['records']['total'] == b1['records']['total'] > 0,
      n['records']['by_status'] == b1['records']['by_status'],
      n['review']['records'] == b1['review']['records'],
      one['report'] == w + '/b1/report.html', one['dir'] == w + '/b1')
PY
)" "2026-12-04 3 [('done', 1), ('unreadable', 1), ('waiting', 1)] done waiting unreadable True True True True True True"
expect_match "the damaged one says why" "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['batches'][2]['message'])" "$WORK/night.json")" "."

run_status sohoa cluster status "$WORK/night.ini"
expect_match "in text" "$(cat "$WORK/stdout")" "death-2021 +done"
expect_match "the waiting batch" "$(cat "$WORK/stdout")" "later +waiting"

run_status sohoa cluster report "$WORK/night.ini" --out "$WORK/night.html"
expect_eq "the report: written (exit 2: a batch unreadable)" "$status|$(grep -c '<tr data-batch=' "$WORK/night.html")" "2|3"
expect_match "it links the batch's report" "$(cat "$WORK/night.html")" \
	"<tr data-batch=\"death-2021\" data-state=\"done\">.*href=\"file://$WORK/b1/report.html\""

# a wrong night file is refused, naming the file and line
printf '[night]\nname = x\n[batch a]\ndir = b1\ncolour = blue\n' >"$WORK/bad1.ini"
run_status sohoa cluster status "$WORK/bad1.ini"
expect_eq "an unknown key: exit 3" "$status" 3
expect_match "naming the line" "$(cat "$WORK/stderr")" "bad1.ini:5: unknown key 'colour' in \[batch a\]"
printf '[batch a]\ndir = b1\nmanifest = m\n[batch a]\ndir = b2\nmanifest = m\n' >"$WORK/bad2.ini"
run_status sohoa cluster status "$WORK/bad2.ini"
expect_match "a batch named twice" "$status $(cat "$WORK/stderr")" "^3 .*bad2.ini:4: the batch 'a' is named twice"
printf '[batch a]\ndir = b1\n' >"$WORK/bad3.ini"
run_status sohoa cluster status "$WORK/bad3.ini"
expect_match "a batch without its manifest" "$status $(cat "$WORK/stderr")" "^3 .*'a' needs a dir and a manifest"
printf '[night]\nname = x\n' >"$WORK/bad4.ini"
run_status sohoa cluster status "$WORK/bad4.ini"
expect_match "a night without batches" "$status $(cat "$WORK/stderr")" "^3 .*no \[batch NAME\] section"
run_status sohoa cluster status "$WORK/none.ini"
expect_eq "no night file: exit 3" "$status" 3
run_status sohoa cluster report "$WORK/night.ini"
expect_eq "report without --out: usage" "$status" 1
run_status sohoa cluster launch "$WORK/night.ini"
expect_eq "an unknown command: usage" "$status" 1
done_ok

#!/usr/bin/env bash
# Handwritten entries from the scan to the training set: a generated book written by hand
# goes through the night; every field of a handwritten cell waits for people (HANDWRITTEN),
# none passes on the machine's reading. Two keyers key every entry blind over HTTP from the
# truth's text as the book writes it (tests/e2e/keyers.py) — one misreads a name — and an
# arbitrator settles the disagreement. Then no HANDWRITTEN or KEYING_CONFLICT is left open,
# every keyed value is the truth's canonical value, and no record that passed holds a value
# other than the truth's. The training set (`export --format training`) holds each keyed
# field's image and text as written, with the keyers' agreement; an archivist's correction
# joins it with the text typed.
. "$(dirname "$0")/../stage/lib.sh"

command -v curl >/dev/null || { echo "SKIP: curl is not installed"; exit 77; }
g=$WORK/gen B=$WORK/batch
gen "$g" --seed 73 --pages 1 --handwritten 1 --writer kristi,dancing \
	--book birth --year 2012 --volume 01 --authority 26740 2>/dev/null
run_status sohoa run --batch "$B" --manifest "$g/manifest.ini" --jobs 2 --no-sync
[ "$status" -eq 0 ] || [ "$status" -eq 2 ] || fail "run: exit $status: $(tail -5 "$WORK/stderr")"
checks=$((checks + 1))
records=$(sql "$B" "SELECT count(*) FROM records")
[ "$records" -ge 3 ] || fail "only $records records read"
hand=$(python3 -c "import json,sys; print(sum(1 for l in open(sys.argv[1]) if l.strip() and json.loads(l).get('handwritten')))" "$g/truth.jsonl")
expect_eq "every handwritten entry waits for people" "$(sql "$B" "SELECT count(DISTINCT record_id)
	FROM flags WHERE code = 'HANDWRITTEN' AND state = 'open'")" "$hand"

# a handwritten field is keyed as the policy says, not set once from the record page
hw=$(sql "$B" "SELECT record_id || ' ' || json_extract(fields, '\$[0]') FROM flags WHERE
	code = 'HANDWRITTEN' AND state = 'open' LIMIT 1")
run_status sohoa review set --batch "$B" --as dave ${hw% *} "${hw#* }" "Nguyễn Văn A"
expect_eq "review set refuses a field waiting for keying" "$status" 2
expect_match "and says where it is keyed" "$(cat "$WORK/stderr")" "keying mode"

for u in alice:mật-khẩu-alice-1 bob:mật-khẩu-bob-22; do
	printf '%s\n' "${u#*:}" | sohoa review user add --batch "$B" "${u%%:*}" >/dev/null 2>&1 ||
		fail "cannot add ${u%%:*}"
done
printf 'mật-khẩu-carol-3\n' | sohoa review user add --batch "$B" --role arbitrator carol \
	>/dev/null 2>&1 || fail "cannot add carol"
server=
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true; rm -rf "$WORK"' EXIT
review_serve "$B" --listen 127.0.0.1:0

python3 "$SOHOA_SOURCE/tests/e2e/keyers.py" "$url" "$g/truth.jsonl" "$B/batch.db" \
	'alice:mật-khẩu-alice-1:child.full_name' 'bob:mật-khẩu-bob-22' \
	--arbitrator 'carol:mật-khẩu-carol-3' >"$WORK/keyers.out" 2>"$WORK/keyers.err" ||
	fail "the keyers stopped: $(tail -3 "$WORK/keyers.err")"
expect_match "one conflict, settled; no keying refused" "$(tail -1 "$WORK/keyers.out")" \
	"conflicts 1, settled 1, refused 0$"
expect_eq "no HANDWRITTEN nor KEYING_CONFLICT left open" "$(sql "$B" "SELECT count(*) FROM flags
	WHERE state = 'open' AND code IN ('HANDWRITTEN', 'KEYING_CONFLICT')")" 0

# the operator sees the keying: nothing waits, each keyer's work and agreement
sohoa status --batch "$B" --json --report "$WORK/report.html" >"$WORK/status.json" ||
	fail "status --json --report"
expect_eq "status: no field waits for keying or an arbitrator" "$(python3 -c "import json,sys
k = json.load(open(sys.argv[1]))['keying']
print(k['waiting_fields'], k['open_conflicts'], sorted({e['keyer'] for e in k['keyers']}),
      sum(e['keyed'] for e in k['keyers']) == k['keyings'] - 1,
      all(0 < e['agreed'] <= e['decided'] <= e['keyed'] for e in k['keyers']))" "$WORK/status.json")" \
	"0 0 ['alice', 'bob'] True True"
expect_match "the report's keyers' table" "$(grep -c '<tr data-keyer="alice"' "$WORK/report.html")" \
	"^[1-9]"

# every keyed value is the truth's; no record that passed holds another value
python3 - "$B/batch.db" "$g/truth.jsonl" >"$WORK/compare.out" <<'PY' || fail "$(cat "$WORK/compare.out")"
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
truth = {}
for line in open(sys.argv[2], encoding='utf-8'):
    if line.strip():
        t = json.loads(line)
        truth[(t['source']['file'], t['row'])] = t
keyed = wrong_keyed = passed = wrong_passed = 0
for rid, path, row, status in db.execute(
        'SELECT r.id, sf.path, r.row, r.status FROM records r JOIN pages p ON p.id = r.page_id '
        'JOIN scan_files sf ON sf.id = p.scan_file_id'):
    t = truth[(path.split('/')[-1], row)]
    for name, value, source in db.execute(
            'SELECT name, value, source FROM fields WHERE record_id = ?', (rid,)):
        want = (t['fields'].get(name) or {}).get('value')
        if source == 'archivist':
            keyed += 1
            if value != want:
                wrong_keyed += 1
                print('keyed wrong: record %d %s: %r, truth %r' % (rid, name, value, want))
        if status == 'valid' and want is not None and value != want:
            wrong_passed += 1
            print('passed wrong: record %d %s: %r, truth %r' % (rid, name, value, want))
    passed += status == 'valid'
print('keyed %d wrong %d passed %d wrong %d' % (keyed, wrong_keyed, passed, wrong_passed))
sys.exit(1 if wrong_keyed or wrong_passed or not keyed else 0)
PY
checks=$((checks + 1))
# (a cell keyed empty — a blank cell of a handwritten entry — makes no training line)
keyed=$(sql "$B" "SELECT count(*) FROM fields WHERE source = 'archivist' AND raw <> ''")

# the training set: each keyed field with a box of its own, its text as written
sohoa export --batch "$B" --format training --out "$WORK/train" 2>"$WORK/train.err" ||
	fail "export --format training: $(cat "$WORK/train.err")"
python3 - "$WORK/train" "$g/truth.jsonl" "$B/batch.db" >"$WORK/train.out" <<'PY' || fail "$(cat "$WORK/train.out")"
import json, os, sqlite3, sys
out, truth_path, db_path = sys.argv[1:]
db = sqlite3.connect(db_path)
truth = {}
for line in open(truth_path, encoding='utf-8'):
    if line.strip():
        t = json.loads(line)
        truth[(t['source']['file'], t['row'])] = t
where = {rid: (path.split('/')[-1], row) for rid, path, row in db.execute(
    'SELECT r.id, sf.path, r.row FROM records r JOIN pages p ON p.id = r.page_id '
    'JOIN scan_files sf ON sf.id = p.scan_file_id')}
lines = [json.loads(l) for l in open(os.path.join(out, 'manifest.jsonl'), encoding='utf-8')]
m = json.load(open(os.path.join(out, 'manifest.json')))
assert m['format'] == 'sohoa-training' and m['lines'] == len(lines), m
assert lines, 'no line'
agree = {}
for l in lines:
    tif = open(os.path.join(out, l['name'] + '.tif'), 'rb').read(4)
    assert tif in (b'II*\x00', b'MM\x00*'), (l['name'], tif)
    text = open(os.path.join(out, l['name'] + '.gt.txt'), encoding='utf-8').read()
    want = truth[where[l['record']]]['fields'][l['field']]['raw']
    assert text == want + '\n' and l['text'] == want, (l['name'], text, want)
    agree[(l['record'], l['field'])] = (l['keyings'], l['agreeing'], l['how'])
print(len(lines), 'lines')
print(' '.join('%d/%d' % a[:2] for a in agree.values()))
PY
checks=$((checks + 1))
n=$(head -1 "$WORK/train.out" | cut -d' ' -f1)
[ "$n" -ge $((keyed / 2)) ] || fail "only $n training lines for $keyed keyed fields"
checks=$((checks + 1))
expect_match "the settled field: two keyings, one agreeing" "$(tail -1 "$WORK/train.out")" "(^| )2/1( |$)"
expect_match "skipped fields are said" "$(cat "$WORK/train.err")" "lines written to $WORK/train \([0-9]+ typed fields left out\)"

# an archivist's correction joins the set with the text typed; the set is replaced whole
rid=$(sql "$B" "SELECT record_id FROM fields WHERE source = 'archivist' AND name =
	'child.birth_date' AND x0 IS NOT NULL LIMIT 1")
if [ -n "$rid" ]; then
	was=$(sql "$B" "SELECT value FROM fields WHERE record_id = $rid AND name = 'child.birth_date'")
	written=$(python3 -c "import sys; y, m, d = sys.argv[1].split('-'); print('ngày %d tháng %d năm %s' % (int(d), int(m), y))" "$was")
	sohoa review set --batch "$B" --as dave "$rid" child.birth_date "$written" >/dev/null 2>&1 ||
		fail "review set"
	expect_eq "the same value, the text typed kept" "$(sql "$B" "SELECT value || '|' || typed FROM
		fields WHERE record_id = $rid AND name = 'child.birth_date'")" "$was|$written"
	sohoa export --batch "$B" --format training --out "$WORK/train" 2>/dev/null ||
		fail "a training set of this batch is replaced"
	expect_eq "the correction's line" "$(grep "\"record\":$rid," "$WORK/train/manifest.jsonl" |
		grep '"field":"child.birth_date"' | python3 -c "import json,sys; l=json.loads(sys.stdin.read()); print(l['how'], l['text'])")" \
		"correction $written"
fi
mkdir -p "$WORK/foreign" && echo x >"$WORK/foreign/x"
run_status sohoa export --batch "$B" --format training --out "$WORK/foreign"
expect_eq "a foreign directory is not overwritten" "$status|$(cat "$WORK/foreign/x")" "3|x"
done_ok

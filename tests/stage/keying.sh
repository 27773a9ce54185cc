#!/usr/bin/env bash
# Keying handwritten fields (issue 17): the keying policy (a malformed batch policy keeps the
# server from starting, naming the file), reviewers' roles, blind double keying over HTTP
# (a keyer never sees the reading nor the other keying, and is never given a field twice),
# agreement on the canonical value accepting a field as the archivist's, a disagreement
# raising KEYING_CONFLICT for an arbitrator, single keying checked by the rules, `verify`
# refusing to clear HANDWRITTEN, the audit and the keyers' statistics. Then, when node and
# Chromium are there, tests/browser/keying.test.js: two keyers and an arbitrator in Chromium.
# A batch of its own (one birth book, one page) whose HANDWRITTEN flags are set with SQL as
# the ocr stage raises them.
. "$(dirname "$0")/lib.sh"

command -v curl >/dev/null || { echo "SKIP: curl is not installed"; exit 77; }

B="$WORK/batch"
g="$WORK/gen"
gen "$g" --seed 52 --pages 1 --book birth --year 2019 --volume 01 --authority 26740 2>/dev/null
mapfile -t specs < <(bookspecs "$g")
sohoa scan --batch "$B" "${specs[@]}" >/dev/null 2>&1 || fail "fixture: scan"
sohoa ocr --batch "$B" >/dev/null 2>&1 || fail "fixture: ocr"
sohoa validate --batch "$B" >/dev/null 2>&1 || fail "fixture: validate"
sohoa normalize --batch "$B" >/dev/null 2>&1 || fail "fixture: normalize"
mapfile -t R < <(sql "$B" "SELECT r.id FROM records r JOIN pages p ON p.id = r.page_id
	WHERE r.status = 'valid' ORDER BY p.page_index, r.row")
[ "${#R[@]}" -ge 4 ] || fail "the fixture has fewer than 4 valid records"
expect_eq "the store is at the latest version" "$(sql "$B" "PRAGMA user_version")" "$(store_latest)"

# --- accounts and roles ----------------------------------------------------------------------
adduser() { # NAME PASSWORD [ARGS...]
	local name=$1 pw=$2
	shift 2
	printf '%s\n' "$pw" | sohoa review user add --batch "$B" "$@" "$name" >/dev/null 2>&1 ||
		fail "cannot add the reviewer $name"
}
adduser alice 'mật-khẩu-alice-1'
adduser bob 'mật-khẩu-bob-22'
adduser carol 'mật-khẩu-carol-3' --role arbitrator
adduser dave 'mật-khẩu-dave-44' --role keyer --role arbitrator
expect_eq "roles: the default, one, two" "$(sql "$B" "SELECT name || ':' || roles FROM reviewers
	ORDER BY name")" $'alice:keyer,checker\nbob:keyer,checker\ncarol:arbitrator\ndave:keyer,arbitrator'
run_status sohoa review user add --batch "$B" --role typist erin </dev/null
expect_eq "an unknown role is a usage error" "$status" 1
expect_match "naming it" "$(cat "$WORK/stderr")" "'typist' is not a role"
run_status sohoa review user role --batch "$B" --role checker dave
expect_eq "user role changes the roles" "$status|$(sql "$B" "SELECT roles FROM reviewers
	WHERE name = 'dave'")" "0|checker"
expect_match "user list shows them" "$(sohoa review user list --batch "$B" 2>/dev/null |
	grep '^carol')" "roles arbitrator"

# --- the policy --------------------------------------------------------------------------------
printf '{"modes": {"any": {"sex": "twice"}}, "trusted": {"min_fields": 10, "min_agreement": 0.9,
	"spot_check": 0.1}}\n' >"$B/keying-policy.json"
run_status timeout 10 sohoa review serve --batch "$B" --listen 127.0.0.1:0
expect_eq "a malformed batch policy: serve does not start" "$status" 3
expect_match "and names the file and the fault" "$(cat "$WORK/stderr")" \
	"$B/keying-policy.json: the mode of 'sex' in 'any' is not \"single\" nor \"double\""
rm "$B/keying-policy.json"

# --- handwritten fields, as the ocr stage flags them --------------------------------------------
hw() { # RECORD FIELD: an open HANDWRITTEN flag on FIELD
	sql "$B" "INSERT INTO flags (record_id, code, severity, fields, message, source, created_at,
		updated_at) VALUES ($1, 'HANDWRITTEN', 'error', '[\"$2\"]', 'chữ viết tay', 'ocr',
		'2026-12-04T00:00:00Z', '2026-12-04T00:00:00Z');
		UPDATE records SET status = 'needs_review' WHERE id = $1"
}
hw "${R[0]}" child.full_name
hw "${R[0]}" child.birth_date
hw "${R[0]}" child.sex
hw "${R[1]}" father.full_name
raw0=$(sql "$B" "SELECT raw FROM fields WHERE record_id = ${R[0]} AND name = 'child.full_name'")
[ -n "$raw0" ] || fail "the fixture's first record has no child's name read"
canon0=$(sql "$B" "SELECT value FROM fields WHERE record_id = ${R[0]} AND name = 'child.full_name'")
father1=$(sql "$B" "SELECT value FROM fields WHERE record_id = ${R[1]} AND name = 'father.full_name'")
flag=$(sql "$B" "SELECT id FROM flags WHERE record_id = ${R[0]} AND code = 'HANDWRITTEN' LIMIT 1")
run_status sohoa review verify --batch "$B" "${R[0]}" "$flag"
expect_eq "verify (as written) does not clear HANDWRITTEN" "$status|$(sql "$B" "SELECT state
	FROM flags WHERE id = $flag")" "2|open"
expect_match "and says the field must be keyed" "$(cat "$WORK/stderr")" "must be keyed"

# --- the server ---------------------------------------------------------------------------------
server=
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true; rm -rf "$WORK"' EXIT
review_start() {
	review_serve "$B" --listen 127.0.0.1:0 --connections-per-address 48
}
review_stop() {
	kill "$server" 2>/dev/null || true
	wait "$server" 2>/dev/null || true
	server=
}
review_start

code() { # URL [CURL ARGS...]: the HTTP status (body in $WORK/body)
	local u=$1
	shift
	curl -s --path-as-is -o "$WORK/body" -w '%{http_code}' "$@" "$url$u"
}
json() { # EXPR: of the last body
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$WORK/body"
}
declare -A CSRF
login() { # NAME PASSWORD: a session in $WORK/NAME.jar, its CSRF token in CSRF[NAME]
	local lt
	lt=$(curl -s -c "$WORK/$1.jar" -b "$WORK/$1.jar" "$url/login" |
		sed -n 's/.*<input type="hidden" name="csrf" value="\([^"]*\)".*/\1/p')
	expect_eq "$1 signs in" "$(code /login -c "$WORK/$1.jar" -b "$WORK/$1.jar" \
		--data-urlencode "user=$1" --data-urlencode "password=$2" -d "csrf=$lt")" 303
	CSRF[$1]=$(curl -s -b "$WORK/$1.jar" "$url/" |
		sed -n 's/.*<meta name="csrf" content="\([^"]*\)".*/\1/p')
}
key() { # NAME RECORD FIELD VALUE: the status of a keying, its answer in $WORK/body
	code /key/save -b "$WORK/$1.jar" -H 'Accept: application/json' \
		--data-urlencode "csrf=${CSRF[$1]}" -d "record=$2" --data-urlencode "field=$3" \
		--data-urlencode "value=$4" -d seconds=2.5
}
login alice 'mật-khẩu-alice-1'
login bob 'mật-khẩu-bob-22'
login carol 'mật-khẩu-carol-3'

# alice is given the first entry: its handwritten fields in column order, blind
expect_eq "alice's next entry" "$(code /key/next -b "$WORK/alice.jar")" 200
expect_eq "is the first record, its three fields in column order, each with its role (a cell's sub-fields as flagged)" \
	"$(json '"%s %s" % (d["record"], " ".join(f["name"] + ":" + f["kind"] + ":" + f["role"] for f in d["fields"]))')" \
	"${R[0]} child.full_name:name:first child.birth_date:date:first child.sex:sex:single"
expect_match "the queue's header leads to the keying page" "$(curl -s -b "$WORK/alice.jar" "$url/")" \
	'<a id="keying-link" href="/key">Nhập liệu</a>'
expect_eq "the keying page" "$(code /key -b "$WORK/alice.jar")" 200
page=$(cat "$WORK/body")
expect_match "shows the entry" "$page" "<section id=\"entry\" data-record=\"${R[0]}\""
expect_match "with the cell enlarged" "$page" "src=\"/img/${R[0]}/cell/child.full_name.png\""
expect_match "and an input marked for completion" "$page" \
	"class=\"key-input\" name=\"value\" data-field=\"child.full_name\" data-kind=\"name\" data-complete=\"name\""
expect_match "with Vietnamese typing and the registration date for completion" "$page" \
	"data-field=\"child.full_name\" data-kind=\"name\" data-complete=\"name\" data-record=\"${R[0]}\" data-vnkey=\"telex\" data-date=\"2019-[0-9]{2}-[0-9]{2}\""
expect_match "the page brings the typing, the completion and the keying scripts" "$page" \
	"vnkey.js.*complete.js.*keying.js"
case "$page" in *"$raw0"*|*"$canon0"*) fail "the keying page shows the machine's reading" ;; esac
checks=$((checks + 1))
expect_eq "the record page" "$(code "/records/${R[0]}?peek=1" -b "$WORK/alice.jar")" 200
case "$(cat "$WORK/body")" in *"$raw0"*|*"$canon0"*) fail "the record page shows a handwritten cell's reading" ;; esac
checks=$((checks + 1))
expect_match "says the cell is to be keyed" "$(cat "$WORK/body")" \
	'<div class="value handwritten">Chữ viết tay: cần nhập — <a href="/key">nhập liệu</a></div>'
expect_eq "without a CSRF token a keying is refused" "$(code /key/save -b "$WORK/alice.jar" \
	-d "record=${R[0]}" -d field=child.sex -d value=Nam)" 403

expect_eq "alice keys the name" "$(key alice "${R[0]}" child.full_name "$canon0")" 200
expect_eq "it waits for a second keying" "$(json 'd["outcome"] + "|" + d["role"]')" "waiting|first"
expect_eq "a date the calendar does not have is refused" \
	"$(key alice "${R[0]}" child.birth_date 31/02/2019)" 422
expect_match "saying why" "$(json 'd["message"]')" "lịch"
expect_eq "alice keys the date as written" "$(key alice "${R[0]}" child.birth_date 25/4/2019)" 200
expect_eq "it waits too, its canonical value kept" "$(json 'd["outcome"] + "|" + d["value"]')" \
	"waiting|2019-04-25"
expect_eq "the sex, a single keying" "$(key alice "${R[0]}" child.sex 'nữ')" 200
expect_eq "is accepted by the rules" "$(json 'd["outcome"] + "|" + d["value"]')" "accepted|female"
expect_eq "keying the name again is refused: move on" "$(key alice "${R[0]}" child.full_name "$canon0")" 409
expect_eq "saying so" "$(json 'd["gone"]')" True
expect_eq "set as the archivist's, its HANDWRITTEN resolved" "$(sql "$B" "SELECT f.source || '|' ||
	f.value || '|' || g.state FROM fields f JOIN flags g ON g.record_id = f.record_id AND
	g.fields = '[\"child.sex\"]' AND g.code = 'HANDWRITTEN' WHERE f.record_id = ${R[0]} AND
	f.name = 'child.sex'")" "archivist|female|resolved"
expect_eq "the name still waits: its flag open, the value not the keyer's" \
	"$(sql "$B" "SELECT f.source || '|' || g.state FROM fields f JOIN flags g ON g.record_id =
	f.record_id AND g.fields = '[\"child.full_name\"]' WHERE f.record_id = ${R[0]} AND
	f.name = 'child.full_name'")" "ocr|open"

# alice is never given a field she keyed: her next entry is the second record
code /key/next -b "$WORK/alice.jar" >/dev/null
expect_eq "alice moves on" "$(json '"%s %s" % (d["record"], [f["name"] for f in d["fields"]])')" \
	"${R[1]} ['father.full_name']"
# bob is given the first record's two fields waiting for a second keying, blind
code /key/next -b "$WORK/bob.jar" >/dev/null
expect_eq "bob's next" "$(json '"%s %s" % (d["record"], " ".join(f["name"] + ":" + f["role"] for f in d["fields"]))')" \
	"${R[0]} child.full_name:second child.birth_date:second"
code "/key?fragment=1" -b "$WORK/bob.jar" >/dev/null
case "$(cat "$WORK/body")" in *2019-04-25*|*25/4/2019*|*"$raw0"*) fail "bob sees another keying" ;; esac
checks=$((checks + 1))
expect_eq "bob keys the same name" "$(key bob "${R[0]}" child.full_name "$canon0")" 200
expect_eq "two agreeing keyings accept it" "$(json 'd["outcome"] + "|" + d["role"]')" "accepted|second"
expect_eq "bob writes the date another way" "$(key bob "${R[0]}" child.birth_date 25-04-2019)" 200
expect_eq "the same canonical value: accepted" "$(json 'd["outcome"]')" "accepted"
expect_eq "the record is valid again, its fields the keyers'" "$(sql "$B" "SELECT status FROM
	records WHERE id = ${R[0]}")|$(sql "$B" "SELECT group_concat(name || '=' || source || '=' ||
	value, ' ') FROM (SELECT * FROM fields WHERE record_id = ${R[0]} AND name IN
	('child.full_name', 'child.birth_date', 'child.sex') ORDER BY name)")" \
	"valid|child.birth_date=archivist=2019-04-25 child.full_name=archivist=$canon0 child.sex=archivist=female"

# the second record: two keyings that disagree go to an arbitrator
expect_eq "alice keys the father" "$(key alice "${R[1]}" father.full_name "$father1")" 200
plain=$(python3 -c "import sys, unicodedata; print(''.join(c for c in unicodedata.normalize('NFD', sys.argv[1]) if unicodedata.category(c) != 'Mn').replace('Đ', 'D').replace('đ', 'd'))" "$father1")
expect_eq "bob keys him without the marks" "$(key bob "${R[1]}" father.full_name "$plain")" 200
expect_eq "they disagree" "$(json 'd["outcome"]')" "conflict"
expect_eq "KEYING_CONFLICT is raised, the record needs review" "$(sql "$B" "SELECT g.severity ||
	'|' || g.fields || '|' || r.status FROM flags g JOIN records r ON r.id = g.record_id WHERE
	g.record_id = ${R[1]} AND g.code = 'KEYING_CONFLICT' AND g.state = 'open'")" \
	'error|["father.full_name"]|needs_review'
code /key/next -b "$WORK/bob.jar" >/dev/null
expect_eq "nothing is left for bob" "$(json 'd["record"]')" None
expect_eq "alice is no arbitrator" "$(code /key/conflicts -b "$WORK/alice.jar")" 403
expect_eq "carol is" "$(code /key/conflicts -b "$WORK/carol.jar" -H 'Accept: application/json')" 200
expect_eq "she sees both keyings" "$(json '"%d %s %s" % (d["total"], d["items"][0]["field"], " / ".join(k["keyer"] + ":" + k["typed"] for k in d["items"][0]["keyings"]))')" \
	"1 father.full_name alice:$father1 / bob:$plain"
pick=$(json 'd["items"][0]["keyings"][0]["id"]')
expect_eq "carol is no keyer" "$(code /key -b "$WORK/carol.jar")" 403
code /key/conflicts -b "$WORK/carol.jar" >/dev/null
expect_match "the arbitration page" "$(cat "$WORK/body")" \
	"<section id=\"conflict\" data-record=\"${R[1]}\" data-field=\"father.full_name\" data-count=\"1\">"
expect_eq "carol picks alice's" "$(code /key/arbitrate -b "$WORK/carol.jar" \
	-H 'Accept: application/json' --data-urlencode "csrf=${CSRF[carol]}" -d "record=${R[1]}" \
	-d field=father.full_name -d "keying=$pick")" 200
expect_eq "the field is hers, its flags resolved, the record valid" "$(sql "$B" "SELECT value ||
	'|' || source FROM fields WHERE record_id = ${R[1]} AND name = 'father.full_name'")|$(sql "$B" "SELECT count(*) FROM flags WHERE record_id = ${R[1]} AND state = 'open' AND code IN
	('HANDWRITTEN', 'KEYING_CONFLICT')")|$(sql "$B" "SELECT status FROM records WHERE id = ${R[1]}")" \
	"$father1|archivist|0|valid"
expect_eq "no conflict left" "$(code /key/conflicts -b "$WORK/carol.jar" -H 'Accept: application/json'; json 'd["total"]')" "2000"
expect_eq "the audit tells the story" "$(sql "$B" "SELECT group_concat(actor || ':' || action,
	' ') FROM (SELECT * FROM audit WHERE record_id = ${R[1]} AND field = 'father.full_name'
	ORDER BY id)")" "alice:key-first bob:key-second bob:conflict carol:arbitrate carol:accept"
expect_eq "every keying is kept" "$(sql "$B" "SELECT group_concat(keyer || ':' || role || ':' ||
	coalesce(seconds, '-'), ' ') FROM (SELECT * FROM keyings WHERE record_id = ${R[1]} ORDER BY id)")" \
	"alice:first:2.5 bob:second:2.5 carol:arbitration:-"

# a third reading typed by the arbitrator, made canonical like any keying
hw "${R[1]}" child.birth_date
expect_eq "alice keys a date" "$(key alice "${R[1]}" child.birth_date 3/8/2019)" 200
expect_eq "bob another" "$(key bob "${R[1]}" child.birth_date 8/3/2019)" 200
expect_eq "a conflict" "$(json 'd["outcome"]')" conflict
arbitrate() { # VALUE: carol types a third reading
	code /key/arbitrate -b "$WORK/carol.jar" -H 'Accept: application/json' \
		--data-urlencode "csrf=${CSRF[carol]}" -d "record=${R[1]}" -d field=child.birth_date \
		--data-urlencode "value=$1"
}
expect_eq "a third reading that is no date is refused" "$(arbitrate '3 tháng 13')" 422
expect_eq "one that is" "$(arbitrate 'ngày 3 tháng 6 năm 2019')" 200
expect_eq "is taken as its canonical value" "$(sql "$B" "SELECT value || '|' || source FROM fields
	WHERE record_id = ${R[1]} AND name = 'child.birth_date'")|$(sql "$B" "SELECT typed || '|' ||
	value FROM keyings WHERE record_id = ${R[1]} AND role = 'arbitration' AND field =
	'child.birth_date'")" "2019-06-03|archivist|ngày 3 tháng 6 năm 2019|2019-06-03"
expect_eq "the statistics page in English" "$(code '/key/stats?lang=en' -b "$WORK/carol.jar"; \
	grep -o '<h1>[^<]*</h1>' "$WORK/body")" "200<h1>Keyers&#39; statistics</h1>"

# the keyers' statistics: per keyer and kind, agreement with the value accepted
expect_eq "statistics" "$(code /key/stats -b "$WORK/bob.jar" -H 'Accept: application/json')" 200
expect_eq "per keyer and kind" "$(json '" ".join("%s/%s:%d/%d/%d/%.1f" % (r["keyer"], r["kind"], r["keyed"], r["decided"], r["agreed"], r["seconds"]) for r in d)')" \
	"alice/date:2/2/1/2.5 alice/name:2/2/2/2.5 alice/sex:1/1/1/2.5 bob/date:2/2/1/2.5 bob/name:2/2/1/2.5"
expect_eq "the same from the shell" "$(sohoa review keyers --batch "$B" | awk '$1 == "bob" && $2 == "name" { print $3, $4, $5, $6, $7 }')" \
	"2 2 50.0% 2.5 no"
code /key/stats -b "$WORK/bob.jar" >/dev/null
expect_match "the page" "$(cat "$WORK/body")" \
	"<tr data-keyer=\"bob\" data-kind=\"name\" data-keyed=\"2\" data-decided=\"2\" data-agreed=\"1\" data-agreement=\"0.5000\""

# --- two keyers and an arbitrator in Chromium -------------------------------------------------------
browser_deps
if [ -f "$BROWSER_SRC/keying.test.js" ] && command -v node >/dev/null && [ -x "$CHROMIUM" ] &&
	[ -n "$NODE_DEPS" ]; then
	hw "${R[2]}" child.full_name
	hw "${R[2]}" child.birth_date
	hw "${R[3]}" father.full_name
	hw "${R[3]}" mother.birth_date
	# what the book says: the canonical names, the dates as a clerk writes them (d/m/yyyy)
	entries=$(sqlite3 -json "$B/batch.db" "SELECT record_id, name, value, raw FROM fields WHERE
		(record_id = ${R[2]} AND name IN ('child.full_name', 'child.birth_date')) OR
		(record_id = ${R[3]} AND name IN ('father.full_name', 'mother.birth_date'))
		ORDER BY record_id, name" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
entries, hidden = {}, []
for r in rows:
    v = r["value"]
    if r["name"].endswith("birth_date"):
        y, m, d = v.split("-")
        v = "%d/%d/%s" % (int(d), int(m), y)
    entries.setdefault(r["record_id"], {})[r["name"]] = v
    hidden += [r["value"], (r["raw"] or "").splitlines()[0]]
print(json.dumps([{"record": k, "fields": f} for k, f in sorted(entries.items())]))
print(json.dumps(hidden))')
	KEY_ENTRIES=$(sed -n 1p <<<"$entries")
	KEY_HIDDEN=$(sed -n 2p <<<"$entries")
	wrong=$(python3 -c "import sys, unicodedata; print(''.join(c for c in unicodedata.normalize('NFD', sys.argv[1]) if unicodedata.category(c) != 'Mn').replace('Đ', 'D').replace('đ', 'd'))" \
		"$(sql "$B" "SELECT value FROM fields WHERE record_id = ${R[3]} AND name = 'father.full_name'")")
	KEY_URL="$url/" KEY_BATCH="$B" CHROMIUM="$CHROMIUM" KEY_ENTRIES="$KEY_ENTRIES" \
		KEY_HIDDEN="$KEY_HIDDEN" KEY_WRONG="{\"record\": ${R[3]}, \"field\": \"father.full_name\", \"value\": \"$wrong\"}" \
		KEY_USERS="alice:mật-khẩu-alice-1 bob:mật-khẩu-bob-22 carol:mật-khẩu-carol-3" \
		NODE_PATH="$NODE_DEPS" node "$BROWSER_SRC/keying.test.js" | tee "$WORK/browser.out" ||
		fail "the browser tests failed (server log: $(tail -5 "$WORK/review.err"))"
	checks=$((checks + $(grep -c '^ok: ' "$WORK/browser.out")))
else
	echo "note: the browser part skipped (node, Chromium or playwright-core missing)"
fi

review_stop
done_ok

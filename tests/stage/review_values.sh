#!/usr/bin/env bash
# The values of the review application (issue 16): the edit preview answers, for a typed
# value, what a save would store — the canonical value and its code, or why it would be
# refused, in the page's language only — without saving anything; the record page shows each
# value as the book writes it with the canonical value beside it, a confidence red only while
# a flag of the field is open, and its times as <time> in UTC with the server's local time.
# A batch of its own (one birth book, one page), its own server, curl.
. "$(dirname "$0")/lib.sh"

command -v curl >/dev/null || { echo "SKIP: curl is not installed"; exit 77; }

B="$WORK/batch"
g="$WORK/gen"
gen "$g" --seed 52 --pages 1 --book birth --year 2019 --volume 01 --authority 26740 \
	--anomalies 2>/dev/null
mapfile -t specs < <(bookspecs "$g")
sohoa scan --batch "$B" "${specs[@]}" >/dev/null 2>&1 || fail "fixture: scan"
sohoa ocr --batch "$B" >/dev/null 2>&1 || fail "fixture: ocr"
sohoa validate --batch "$B" >/dev/null 2>&1 || fail "fixture: validate"
sohoa normalize --batch "$B" >/dev/null 2>&1 || fail "fixture: normalize"
id=$(sql "$B" "SELECT r.id FROM records r JOIN pages p ON p.id = r.page_id
	ORDER BY p.page_index, r.row LIMIT 1")
[ -n "$id" ] || fail "the fixture has no record"
printf 'mật-khẩu-alice-1\n' | sohoa review user add --batch "$B" alice >/dev/null 2>&1 ||
	fail "cannot add the reviewer alice"

server=
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true; rm -rf "$WORK"' EXIT
TZ=Asia/Ho_Chi_Minh review_serve "$B" --listen 127.0.0.1:0

code() { # URL [CURL ARGS...]: the HTTP status (body in $WORK/body)
	local u=$1
	shift
	curl -s --path-as-is -o "$WORK/body" -w '%{http_code}' "$@" "$url$u"
}
json() { # EXPR: of the last body
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$WORK/body"
}

# the preview needs a session, like every page
expect_eq "a preview without a session" "$(code "/records/$id/preview?field=child.sex&value=Nam" \
	-H 'Accept: application/json')" 303

lt=$(curl -s -c "$WORK/jar" -b "$WORK/jar" "$url/login" |
	sed -n 's/.*<input type="hidden" name="csrf" value="\([^"]*\)".*/\1/p')
expect_eq "login" "$(code /login -c "$WORK/jar" -b "$WORK/jar" --data-urlencode user=alice \
	--data-urlencode 'password=mật-khẩu-alice-1' -d "csrf=$lt")" 303

before=$(sql "$B" "SELECT version || '|' || (SELECT count(*) FROM audit) FROM records WHERE id = $id")
preview() { # FIELD VALUE [LANG]: the preview's status, its JSON in $WORK/body
	code "/records/$id/preview" -G -b "$WORK/jar" --data-urlencode "field=$1" \
		--data-urlencode "value=$2" --data-urlencode "lang=${3:-vi}"
}

# a place typed with the clerks' abbreviations: the ward of the full spelling, and its code
expect_eq "a typed place" "$(preview child.birth_place 'P9, Q.3, TP.HCM')" 200
expect_eq "is taken" "$(json 'd["ok"]')" True
expect_eq "its canonical value" "$(json 'd["value"]')" "Phường 9, Quận 3, Thành phố Hồ Chí Minh"
expect_eq "its code" "$(json 'd["code"]')" 27142
expect_eq "the line shown" "$(json 'd["display"]')" \
	"sẽ lưu: Phường 9, Quận 3, Thành phố Hồ Chí Minh · mã 27142"
expect_eq "no problem" "$(json 'len(d["problems"])')" 0
preview child.birth_place 'F.09 Q03 tp hcm' >/dev/null
expect_eq "another hand, the same ward" "$(json 'd["value"] + "|" + d["code"]')" \
	"Phường 9, Quận 3, Thành phố Hồ Chí Minh|27142"
# a date as the book writes it
expect_eq "a typed date" "$(preview child.birth_date '26/1/2019')" 200
expect_eq "its canonical value" "$(json 'd["value"]')" 2019-01-26
expect_eq "without a code" "$(json 'd["code"]')" None
expect_eq "the line shown in English" "$(preview child.birth_date '26/1/2019' en; json 'd["display"]')" \
	"200will save: 2019-01-26"
# refused: why, in one language
preview child.birth_date '31/2/2019' >/dev/null
expect_eq "a date not in the calendar" "$(json 'd["ok"]')" False
expect_eq "nothing to save" "$(json 'd["value"]')" None
expect_eq "said in Vietnamese only" "$(json 'd["problems"][0]["message"]')" "ngày không có trong lịch"
preview child.birth_date '31/2/2019' en >/dev/null
expect_eq "or in English only" "$(json 'd["problems"][0]["message"]')" "not a calendar date"
preview child.birth_place 'P9, TP.HCM' >/dev/null
expect_eq "a ward without its district is no unit for certain" \
	"$(json 'd["ok"], d["problems"][0]["code"]')" "False PLACE_UNSURE"
expect_eq "a field the book has not" "$(preview no.such_field x; json 'd["problems"][0]["code"]')" \
	"200NO_FIELD"
expect_eq "a field name that is no name" "$(preview ../x x)" 400
expect_eq "nothing was saved" \
	"$(sql "$B" "SELECT version || '|' || (SELECT count(*) FROM audit) FROM records WHERE id = $id")" \
	"$before"

# the script is served, and the record page loads it
expect_eq "values.js is served" "$(code /static/values.js)" 200
grep -q "sohoa:swap" "$WORK/body" || fail "values.js does not listen for swaps"

# a value set: the page shows it as the archivist wrote it, the canonical value beside it
csrf=$(code "/records/$id" -b "$WORK/jar" >/dev/null; sed -n 's/.*<meta name="csrf" content="\([^"]*\)".*/\1/p' "$WORK/body")
grep -q '<script src="/static/values.js" defer></script>' "$WORK/body" ||
	fail "the record page does not load values.js"
v=$(sql "$B" "SELECT version FROM records WHERE id = $id")
expect_eq "a place saved as typed" "$(code "/records/$id/set" -b "$WORK/jar" \
	--data-urlencode 'value=P9, Q.3, TP.HCM' -d "field=child.birth_place&version=$v&csrf=$csrf")" 303
expect_eq "stored canonical, with its code" "$(sql "$B" "SELECT value || '|' || coalesce(code, '')
	FROM fields WHERE record_id = $id AND name = 'child.birth_place'")" \
	"Phường 9, Quận 3, Thành phố Hồ Chí Minh|27142"
code "/records/$id" -b "$WORK/jar" >/dev/null
tr -d '\n' <"$WORK/body" | grep -o '<li class="field[^"]*" data-field="child.birth_place".*' |
	sed 's,</li>.*,,' >"$WORK/place.html"
expect_match "the reading's value shows the place as written" "$(cat "$WORK/place.html")" \
	'<div class="value">[^<]*Phường 9, Quận 3, Thành phố Hồ Chí Minh</div>|<div class="value">P9, Q.3, TP.HCM</div>'
expect_match "and its code beside it" "$(cat "$WORK/place.html")" '<span class="code">· mã 27142</span>'
# a date read from the book: written as the book has it, canonical beside it
# (the reading on one line, as the page joins a cell's lines)
raw=$(sql "$B" "SELECT raw FROM fields WHERE record_id = $id AND name = 'child.birth_date'" |
	tr -s ' \n' '  ' | sed 's/^ //; s/ $//')
val=$(sql "$B" "SELECT value FROM fields WHERE record_id = $id AND name = 'child.birth_date'")
tr -d '\n' <"$WORK/body" | grep -o '<li class="field[^"]*" data-field="child.birth_date".*' |
	sed 's,</li>.*,,' >"$WORK/date.html"
if [ -n "$raw" ] && [ -n "$val" ] && [ "$raw" != "$val" ]; then
	expect_match "a date shows as the book writes it" "$(cat "$WORK/date.html")" \
		"<div class=\"value\">$raw</div>"
	expect_match "the canonical date beside it" "$(cat "$WORK/date.html")" \
		"<div class=\"canonical\">→ <span class=\"canon\">$val</span></div>"
fi
# the history's times: UTC in datetime, the server's local time (UTC+7) as text
at=$(sql "$B" "SELECT at FROM audit WHERE record_id = $id ORDER BY id DESC LIMIT 1")
local_at=$(TZ=Asia/Ho_Chi_Minh date -d "$at" '+%Y-%m-%d %H:%M:%S')
expect_match "a time of the history" "$(cat "$WORK/body")" "<time datetime=\"$at\">$local_at</time>"
# a confidence under its threshold is red only with an open flag
tr -d '\n' <"$WORK/body" | sed 's,<li class="field,\n&,g' | grep '^<li class="field' |
	grep -v 'class="field doubtful' | grep -c 'confidence low' >"$WORK/red" || true
expect_eq "no red confidence on a field without an open flag" "$(cat "$WORK/red")" 0

# the messages of a change in the page's language only
v=$(sql "$B" "SELECT version FROM records WHERE id = $id")
set_json() { # VALUE VERSION LANG: the status of a JSON save, its answer in $WORK/body
	code "/records/$id/set?lang=$3" -b "$WORK/jar" -H 'Accept: application/json' \
		--data-urlencode "value=$1" -d "field=child.birth_date&version=$2&csrf=$csrf"
}
expect_eq "a refused value" "$(set_json 31/2/2019 "$v" vi)" 422
expect_eq "says why in Vietnamese only" "$(json 'd["message"]')" "“31/2/2019”: ngày không có trong lịch"
expect_eq "a refused value (English page)" "$(set_json 31/2/2019 "$v" en)" 422
expect_eq "says why in English only" "$(json 'd["message"]')" "“31/2/2019”: not a calendar date"
expect_eq "a stale version" "$(set_json 26/1/2019 $((v - 1)) vi)" 409
msg=$(json 'd["message"]')
expect_match "a conflict in Vietnamese" "$msg" '^Bản ghi đã thay đổi từ khi bạn mở nó'
if [[ "$msg" == *"changed"* ]]; then fail "English in a Vietnamese message: $msg"; fi
expect_eq "a stale version (English page)" "$(set_json 26/1/2019 $((v - 1)) en)" 409
msg=$(json 'd["message"]')
expect_match "a conflict in English" "$msg" '^The record changed since you opened it'
if [[ "$msg" == *"Bản ghi"* ]]; then fail "Vietnamese in an English message: $msg"; fi
expect_eq "no such record" "$(code /records/99999?lang=vi -b "$WORK/jar")" 404
expect_match "said in Vietnamese" "$(cat "$WORK/body")" 'Không có hồ sơ này\. \(Không có bản ghi 99999\)'
if grep -q "no record" "$WORK/body"; then fail "English in the Vietnamese page of no record"; fi
expect_eq "no such record (English)" "$(code /records/99999?lang=en -b "$WORK/jar")" 404
expect_match "said in English" "$(cat "$WORK/body")" 'No such record\. \(No record 99999\)'
expect_eq "nothing saved by them" "$(sql "$B" "SELECT version FROM records WHERE id = $id")" "$v"

# --- the browser: typing shows the preview, times in the browser's zone --------------------
browser_deps
if [ -n "$NODE_DEPS" ]; then
	REVIEW_URL="$url/" REVIEW_RECORD="$id" REVIEW_USER="alice:mật-khẩu-alice-1" \
		CHROMIUM="$CHROMIUM" NODE_PATH="$NODE_DEPS" \
		node "$BROWSER_SRC/values.test.js" | tee "$WORK/browser.out" ||
		fail "the browser tests failed (server log: $(tail -5 "$WORK/review.err"))"
else
	echo "note: no Chromium or playwright-core: the browser part is not run"
fi

kill "$server"
wait "$server" 2>/dev/null || true
server=
done_ok

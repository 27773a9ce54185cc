#!/usr/bin/env bash
# Keying helps of the review application (issue 17): GET /complete offers, from the reference
# lists, what completes a typed value — a session needed, JSON, the administrative units in
# force at the date given — and the record page's edit inputs carry data-complete (by the
# field's kind), data-date (the registration date) and data-vnkey. In Chromium: a place
# completed unit by unit from the keyboard with the units of the record's registration date
# (a ward abolished on 2025-07-01 offered in a 2019 book, not in a 2026 one, and the other way
# round), and Vietnamese typed with the built-in Telex and VNI.
# A batch of its own (two birth books of one page: 2019 and 2026), its own server, curl.
. "$(dirname "$0")/lib.sh"

command -v curl >/dev/null || { echo "SKIP: curl is not installed"; exit 77; }

B="$WORK/batch"
g="$WORK/gen"
# 26740: Phường Bến Nghé (Quận 1) before 2025-07-01, Phường Sài Gòn from then
gen "$g" --seed 57 --pages 1 --rows 4 --authority 26740 --book birth --year 2019 --volume 01 \
	--book birth --year 2026 --volume 01 2>/dev/null || fail "fixture: gen"
mapfile -t specs < <(bookspecs "$g")
sohoa scan --batch "$B" "${specs[@]}" >/dev/null 2>&1 || fail "fixture: scan"
sohoa ocr --batch "$B" >/dev/null 2>&1 || fail "fixture: ocr"
sohoa validate --batch "$B" >/dev/null 2>&1 || fail "fixture: validate"
sohoa normalize --batch "$B" >/dev/null 2>&1 || fail "fixture: normalize"
record_of() { # YEAR: the first record of the book of that year with a registration date
	sql "$B" "SELECT r.id FROM records r JOIN pages p ON p.id = r.page_id
		JOIN fields f ON f.record_id = r.id AND f.name = 'registration_date'
		WHERE f.value LIKE '$1-%' ORDER BY p.page_index, r.row LIMIT 1"
}
old=$(record_of 2019)
new=$(record_of 2026)
[ -n "$old" ] && [ -n "$new" ] || fail "the fixture lacks a record of 2019 ($old) or 2026 ($new)"
old_date=$(sql "$B" "SELECT value FROM fields WHERE record_id = $old AND name = 'registration_date'")
new_date=$(sql "$B" "SELECT value FROM fields WHERE record_id = $new AND name = 'registration_date'")
printf 'mật-khẩu-alice-1\n' | sohoa review user add --batch "$B" alice >/dev/null 2>&1 ||
	fail "cannot add the reviewer alice"

server=
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true; rm -rf "$WORK"' EXIT
review_serve "$B" --listen 127.0.0.1:0

code() { # URL [CURL ARGS...]: the HTTP status (body in $WORK/body)
	local u=$1
	shift
	curl -s --path-as-is -o "$WORK/body" -w '%{http_code}' "$@" "$url$u"
}
json() { # EXPR: of the last body
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$WORK/body"
}
complete() { # KIND TEXT [DATE]: the status, the answer in $WORK/body
	code /complete -G -b "$WORK/jar" --data-urlencode "kind=$1" --data-urlencode "q=$2" \
		${3:+--data-urlencode "date=$3"}
}

expect_eq "completion without a session" "$(code '/complete?kind=name&q=nguy')" 303
lt=$(curl -s -c "$WORK/jar" -b "$WORK/jar" "$url/login" |
	sed -n 's/.*<input type="hidden" name="csrf" value="\([^"]*\)".*/\1/p')
expect_eq "login" "$(code /login -c "$WORK/jar" -b "$WORK/jar" --data-urlencode user=alice \
	--data-urlencode 'password=mật-khẩu-alice-1' -d "csrf=$lt")" 303

expect_eq "a name" "$(complete name nguy)" 200
expect_eq "its first offer, marks set aside" "$(json 'd["items"][0]["value"]')" "Nguyễn"
expect_eq "at most 8" "$(complete name 'Trần Thị t'; json 'len(d["items"])')" "2008"
expect_eq "the words before kept" "$(json 'all(i["value"].startswith("Trần Thị T") for i in d["items"])')" True
expect_eq "a ward of 2019" "$(complete place 'ben ng' 2019-03-15; json 'd["items"][0]["value"] + "|" + d["items"][0]["detail"]')" \
	"200Phường Bến Nghé|Quận 1, Thành phố Hồ Chí Minh"
expect_eq "not in 2026" "$(complete place 'ben ng' 2026-01-10; json '[i["label"] for i in d["items"] if "Bến Nghé" in i["label"]]')" "200[]"
expect_eq "its successor in 2026" "$(complete place 'sai g' 2026-01-10; json 'd["items"][0]["value"]')" "200Phường Sài Gòn"
expect_eq "not in 2019" "$(complete place 'sai g' 2019-03-15; json '[i["label"] for i in d["items"] if "Sài Gòn" in i["label"]]')" "200[]"
expect_eq "the district of the ward typed" "$(complete place 'Phường Bến Nghé, ' 2019-03-15; json 'd["items"][0]["value"]')" \
	"200Phường Bến Nghé, Quận 1"
expect_eq "an ethnic group's variant" "$(complete ethnicity khm; json 'd["items"][0]["value"] + "|" + d["items"][0]["detail"]')" \
	"200Khmer|Khơ-me"
expect_eq "a kind that is none" "$(complete sex Nam)" 400
expect_eq "a date that is none" "$(complete place 'ben' 2019-13-01)" 400
expect_eq "a date in another shape" "$(complete place 'ben' 15/03/2019)" 400
expect_eq "a text that is no UTF-8" "$(code '/complete?kind=name&q=%ff%fe' -b "$WORK/jar")" 422
expect_eq "the scripts are served" "$(code /static/vnkey.js)|$(code /static/complete.js)" "200|200"

# the record page's inputs say what completes them
code "/records/$old" -b "$WORK/jar" >/dev/null
tr -d '\n' <"$WORK/body" | grep -o '<li class="field[^"]*" data-field="child.birth_place".*' |
	sed 's,</li>.*,,' >"$WORK/place.html"
expect_match "a place input" "$(cat "$WORK/place.html")" \
	"<input class=\"edit\" name=\"value\"[^>]* data-vnkey data-complete=\"place\" data-date=\"$old_date\""
tr -d '\n' <"$WORK/body" | grep -o '<li class="field[^"]*" data-field="child.full_name".*' |
	sed 's,</li>.*,,' >"$WORK/name.html"
expect_match "a name input" "$(cat "$WORK/name.html")" 'data-vnkey data-complete="name"'
tr -d '\n' <"$WORK/body" | grep -o '<li class="field[^"]*" data-field="child.birth_date".*' |
	sed 's,</li>.*,,' >"$WORK/date.html"
if grep -q 'data-complete' "$WORK/date.html"; then fail "a date input is completed from a list"; fi
grep -q '<script src="/static/vnkey.js" defer></script>' "$WORK/body" ||
	fail "the record page does not load vnkey.js"
grep -q '<script src="/static/complete.js" defer></script>' "$WORK/body" ||
	fail "the record page does not load complete.js"

# --- the browser ----------------------------------------------------------------------------
browser_deps
if [ -n "$NODE_DEPS" ]; then
	for t in complete vnkey; do
		REVIEW_URL="$url/" REVIEW_OLD="$old" REVIEW_NEW="$new" REVIEW_BATCH="$B" \
			REVIEW_USER="alice:mật-khẩu-alice-1" CHROMIUM="$CHROMIUM" NODE_PATH="$NODE_DEPS" \
			node "$BROWSER_SRC/$t.test.js" | tee "$WORK/browser.out" ||
			fail "the browser tests ($t) failed (server log: $(tail -5 "$WORK/review.err"))"
	done
else
	echo "note: no Chromium or playwright-core: the browser part is not run"
fi

kill "$server"
wait "$server" 2>/dev/null || true
server=
done_ok

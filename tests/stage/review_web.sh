#!/usr/bin/env bash
# The archivists' review application in a real headless Chromium: a batch of the four books
# read by the pipeline (every record needs review), two reviewers, `sohoa review serve` on a
# free loopback port, then tests/browser/review.test.js (playwright-core driving the system
# Chromium: queue and filters, a field corrected, flags confirmed, records approved and
# rejected with the mouse and from the keyboard alone, hostile text shown as text, values
# with SQL metacharacters stored verbatim, two reviewers on one record, the language switch,
# logout). Around it, with curl: nothing without a session, no change without the CSRF
# token, no file outside the images through their URLs, oversize bodies refused, cookie
# attributes; and afterwards the batch store checked with sqlite3. SIGTERM stops the server
# with 143. Screenshots go to BUILD/meson-logs/review-web/ and /tmp/review-shots/.
. "$(dirname "$0")/lib.sh"

skip() {
	echo "SKIP: $*"
	exit 77
}

CHROMIUM=${SOHOA_CHROMIUM:-/usr/bin/chromium}
command -v node >/dev/null || skip "node is not installed (tests/deps installs it)"
[ -x "$CHROMIUM" ] || skip "no Chromium at $CHROMIUM (tests/deps installs it)"
command -v curl >/dev/null || skip "curl is not installed"

# playwright-core, pinned by tests/browser/package-lock.json: the checkout's node_modules
# when it holds that version, else installed once with `npm ci` into the build directory
BUILD_ROOT=$(cd "$SOHOA_BIN/.." && pwd)
BROWSER_SRC="$SOHOA_SOURCE/tests/browser"
pinned=$(node -p "require('$BROWSER_SRC/package-lock.json').packages['node_modules/playwright-core'].version")
installed() { # DIR: the playwright-core version installed there, or nothing
	node -p "require('$1/node_modules/playwright-core/package.json').version" 2>/dev/null || true
}
if [ "$(installed "$BROWSER_SRC")" == "$pinned" ]; then
	NODE_DEPS="$BROWSER_SRC/node_modules"
else
	deps="$BUILD_ROOT/tests/browser-deps"
	if [ "$(installed "$deps")" != "$pinned" ]; then
		command -v npm >/dev/null || skip "npm is not installed (tests/deps installs it)"
		rm -rf "$deps"
		mkdir -p "$deps"
		cp "$BROWSER_SRC/package.json" "$BROWSER_SRC/package-lock.json" "$BROWSER_SRC/.npmrc" \
			"$deps/"
		(cd "$deps" && npm ci --no-audit --no-fund >"$WORK/npm.log" 2>&1) ||
			skip "cannot install playwright-core with npm ci: $(tail -3 "$WORK/npm.log")"
	fi
	NODE_DEPS="$deps/node_modules"
fi

SHOTS="$BUILD_ROOT/meson-logs/review-web"
mkdir -p "$SHOTS"
rm -f "$SHOTS"/*.png

# --- the fixture: the four books, one generated page each, read by the pipeline -----------
B="$WORK/batch"
g="$WORK/gen"
gen "$g" --seed 51 --pages 1 \
	--book birth --year 2019 --volume 01 --authority 26740 --anomalies --pages 2 \
	--book marriage --year 2020 --volume 01 --authority 26740 --anomalies \
	--book death --year 2021 --volume 02 --authority 26740 --anomalies --dpi 200 \
	--book parentage --year 2022 --volume 01 --authority 26740 --anomalies 2>/dev/null
mapfile -t specs < <(bookspecs "$g")
sohoa scan --batch "$B" "${specs[@]}" >/dev/null 2>&1 || fail "fixture: scan"
sohoa ocr --batch "$B" >/dev/null 2>&1 || fail "fixture: ocr"
sohoa validate --batch "$B" >/dev/null 2>&1 || fail "fixture: validate"
sohoa normalize --batch "$B" >/dev/null 2>&1 || fail "fixture: normalize"
needs=$(sql "$B" "SELECT count(*) FROM records WHERE status = 'needs_review'")
[ "$needs" -ge 10 ] || fail "the fixture has only $needs records needing review"
# (records waiting for keying are not confirmed field by field: they are left out)
birth=($(sql "$B" "SELECT r.id FROM records r JOIN books b ON b.id = r.book_id JOIN pages p
	ON p.id = r.page_id WHERE b.type = 'birth' AND r.status = 'needs_review' AND r.id NOT IN
	(SELECT record_id FROM flags WHERE code = 'HANDWRITTEN' AND state = 'open')
	ORDER BY p.page_index, r.row"))
[ "${#birth[@]}" -ge 6 ] || fail "the fixture has only ${#birth[@]} birth records"
death=$(sql "$B" "SELECT r.id FROM records r JOIN books b ON b.id = r.book_id
	WHERE b.type = 'death' ORDER BY r.id LIMIT 1")
records_before=$(sql "$B" "SELECT count(*) FROM records")

# hostile text in one record, as if a cell had read so: it must be shown as text
xss=${birth[3]}
sql "$B" "UPDATE fields SET raw = '<script>alert(1)</script>', value = '<script>alert(1)</script>'
	WHERE record_id = $xss AND name = 'child.full_name'"
sql "$B" "UPDATE fields SET raw = '\"><img src=x onerror=alert(2)>', value = NULL
	WHERE record_id = $xss AND name = 'notes'"
# (as a server's reason for refusing it could be: a flag validate does not raise again)
sql "$B" "INSERT INTO flags (record_id, code, severity, fields, state, message, source,
	created_at, updated_at) VALUES ($xss, 'REGISTRY_REFUSED', 'warning', '[\"notes\"]', 'open',
	'<img src=x onerror=alert(3)> the registry said so', 'sync', '2026-01-01T00:00:00Z',
	'2026-01-01T00:00:00Z')"
expect_eq "the hostile text is planted" \
	"$(sql "$B" "SELECT value FROM fields WHERE record_id = $xss AND name = 'child.full_name'")" \
	"<script>alert(1)</script>"

# two reviewers; a password shorter than 8 bytes is refused
run_status sohoa review user add --batch "$B" mallory <<<'short'
[ "$status" -ne 0 ] || fail "a password of 5 bytes was taken"
expect_eq "and no account made" "$(sql "$B" "SELECT count(*) FROM reviewers")" 0
printf 'mật-khẩu-alice-1\n' | sohoa review user add --batch "$B" alice >/dev/null 2>"$WORK/stderr" ||
	fail "cannot add the reviewer alice: $(cat "$WORK/stderr")"
printf 'mật-khẩu-bob-22\n' | sohoa review user add --batch "$B" bob >/dev/null 2>&1 ||
	fail "cannot add the reviewer bob"

# --- refusals to start --------------------------------------------------------------------
run_status sohoa review serve --batch "$WORK/no-such-batch" --listen 127.0.0.1:0
expect_eq "a missing batch: exit 3" "$status" 3
expect_match "and says so" "$(cat "$WORK/stderr")" "no-such-batch|batch"
run_status sohoa review serve --batch "$B" --listen 127.0.0.1:99999
expect_eq "a bad port: exit 3" "$status" 3
run_status sohoa review serve --batch "$B" --listen not-an-address:8080
expect_eq "a bad address: exit 3" "$status" 3

# --- the server ---------------------------------------------------------------------------
server=
# a failed check ends the script: the server goes with it
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true; rm -rf "$WORK"' EXIT
review_start() {
	review_serve "$B" --listen 127.0.0.1:0
}
review_start
expect_match "it announces its address" "$url" '^http://127\.0\.0\.1:[0-9]+$'
port=${url##*:}
run_status sohoa review serve --batch "$B" --listen "127.0.0.1:$port"
expect_eq "a port in use: exit 3" "$status" 3
expect_match "and says so" "$(cat "$WORK/stderr")" "in use"

# code URL [CURL ARGS...]: the HTTP status of a request (body in $WORK/body, headers in
# $WORK/headers)
code() {
	local u=$1
	shift
	curl -s --path-as-is -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' "$@" "$url$u"
}
header() { # NAME: its value in the last answer
	tr -d '\r' <"$WORK/headers" | sed -n "s/^$1: //Ip" | head -1
}

# nothing but the login form, the stylesheet and the script without a session
expect_eq "the queue without a session" "$(code /)" 303
expect_eq "goes to the login form" "$(header Location)" "/login"
expect_eq "a record without a session" "$(code "/records/${birth[0]}")" 303
expect_eq "goes to the login form" "$(header Location)" "/login"
expect_eq "a row image without a session" "$(code "/img/${birth[0]}/row.png")" 401
expect_eq "a cell image without a session" "$(code "/img/${birth[0]}/cell/child.full_name.png")" 401
if grep -q 'PNG' "$WORK/body"; then fail "an image was sent without a session"; fi
expect_eq "a change without a session" \
	"$(code "/records/${birth[0]}/approve" -d version=1)" 303
expect_eq "a change without a session (JSON)" \
	"$(code "/records/${birth[0]}/approve" -d version=1 -H 'Accept: application/json')" 401
expect_eq "an unknown page without a session" "$(code /anything)" 303
expect_eq "a forged session cookie" "$(code / -b 'sohoa_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')" 303
expect_eq "the login form is public" "$(code /login)" 200
expect_eq "the stylesheet is public" "$(code /static/app.css)" 200
expect_eq "as CSS" "$(header Content-Type)" "text/css; charset=utf-8"
expect_eq "the script is public" "$(code /static/app.js)" 200

# every answer carries the security headers
code /login >/dev/null
expect_eq "Content-Security-Policy" "$(header Content-Security-Policy)" \
	"default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
expect_eq "X-Content-Type-Options" "$(header X-Content-Type-Options)" "nosniff"
expect_eq "X-Frame-Options" "$(header X-Frame-Options)" "DENY"
expect_eq "Referrer-Policy" "$(header Referrer-Policy)" "no-referrer"
expect_eq "pages are not stored" "$(header Cache-Control)" "no-store"
expect_eq "pages are UTF-8 HTML" "$(header Content-Type)" "text/html; charset=utf-8"
expect_match "the login page declares UTF-8" "$(cat "$WORK/body")" '<meta charset="utf-8">'
if grep -qiE '<script>|<style|style="' "$WORK/body"; then fail "inline script or style"; fi

# the login form carries its token: a hidden field that must agree with its cookie
login_token() { # JAR: fetches the form into JAR's cookies, prints the form's token
	curl -s -c "$1" -b "$1" "$url/login" |
		sed -n 's/.*<input type="hidden" name="csrf" value="\([^"]*\)".*/\1/p'
}
lt=$(login_token "$WORK/login-jar")
expect_match "the login form's token" "$lt" '^[0-9a-f]{64}$'
expect_eq "a sign-in without the form's token" "$(code /login -b "$WORK/login-jar" \
	--data-urlencode user=bob --data-urlencode 'password=mật-khẩu-bob-22')" 403
expect_eq "no session for it" "$(header Set-Cookie | grep -c sohoa_session= || true)" 0

# logging in: the same answer for a wrong name and a wrong password
expect_eq "a wrong password" "$(code /login -b "$WORK/login-jar" \
	-d "user=alice&password=wrong-password&csrf=$lt")" 401
grep -q 'id="error"' "$WORK/body" || fail "no #error for a wrong password"
wrong_password=$(sed -n 's/.*id="error"[^>]*>\([^<]*\)<.*/\1/p' "$WORK/body")
expect_eq "no cookie for a wrong password" "$(header Set-Cookie)" ""
expect_eq "an unknown reviewer" "$(code /login -b "$WORK/login-jar" \
	-d "user=nobody&password=wrong-password&csrf=$lt")" 401
expect_eq "the same message for both" \
	"$(sed -n 's/.*id="error"[^>]*>\([^<]*\)<.*/\1/p' "$WORK/body")" "$wrong_password"
lt=$(login_token "$WORK/jar")
expect_eq "login" "$(code /login -c "$WORK/jar" -b "$WORK/jar" --data-urlencode user=bob \
	--data-urlencode 'password=mật-khẩu-bob-22' -d "csrf=$lt")" 303
expect_eq "goes to the queue" "$(header Location)" "/"
expect_match "the session cookie" "$(header Set-Cookie)" \
	'^sohoa_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=/; Max-Age=[0-9]+$'
expect_eq "not Secure on plain HTTP" "$(header Set-Cookie | grep -c Secure || true)" 0
expect_eq "the queue with the session" "$(code / -b "$WORK/jar")" 200
csrf=$(sed -n 's/.*<meta name="csrf" content="\([^"]*\)".*/\1/p' "$WORK/body")
expect_match "the page carries the CSRF token" "$csrf" '^[A-Za-z0-9_-]{43}$'

# changes without the CSRF token, or with another one, change nothing
e=$death
state() { sql "$B" "SELECT version, status, (SELECT coalesce(value, '') FROM fields WHERE
	record_id = $e AND name = 'notes') FROM records WHERE id = $e"; }
before=$(state)
v=$(sql "$B" "SELECT version FROM records WHERE id = $e")
expect_eq "a change without the CSRF token" "$(code "/records/$e/set" -b "$WORK/jar" \
	-d "field=notes&value=csrf&version=$v")" 403
expect_eq "a change with another CSRF token" "$(code "/records/$e/set" -b "$WORK/jar" \
	-d "field=notes&value=csrf&version=$v&csrf=${csrf%?}x")" 403
expect_eq "an approval with an empty CSRF token (JSON)" "$(code "/records/$e/approve" \
	-b "$WORK/jar" -H 'Accept: application/json' -d "version=$v&csrf=")" 403
expect_match "answered in JSON" "$(cat "$WORK/body")" '"ok": ?false'
expect_eq "a rejection with the token in the query" "$(code "/records/$e/reject?csrf=$csrf" \
	-b "$WORK/jar" -d "version=$v&reason=x")" 403
expect_eq "a verify without the token" "$(code "/records/$e/verify" -b "$WORK/jar" \
	-d "version=$v&flag=1")" 403
expect_eq "a logout without the token" "$(code /logout -b "$WORK/jar" -d x=1)" 403
expect_eq "nothing changed" "$(state)" "$before"
expect_eq "no audit row" "$(sql "$B" "SELECT count(*) FROM audit WHERE record_id = $e")" 0

# oversize and malformed bodies
head -c 70000 /dev/zero | tr '\0' a >"$WORK/big"
expect_eq "a body over 64 KiB" "$(code "/records/$e/set" -b "$WORK/jar" \
	--data-binary @"$WORK/big")" 413
expect_eq "a chunked body over 64 KiB" "$(code "/records/$e/set" -b "$WORK/jar" \
	-H 'Transfer-Encoding: chunked' --data-binary @"$WORK/big")" 413
expect_eq "a value twice" "$(code "/records/$e/set" -b "$WORK/jar" \
	-d "field=notes&value=a&value=b&version=$v&csrf=$csrf")" 400
expect_eq "a field that is no field" "$(code "/records/$e/set" -b "$WORK/jar" \
	-d "field=../../batch.db&value=a&version=$v&csrf=$csrf")" 400
expect_eq "a version that is no number" "$(code "/records/$e/set" -b "$WORK/jar" \
	-d "field=notes&value=a&version=1x&csrf=$csrf")" 400
expect_eq "still nothing changed" "$(state)" "$before"
expect_eq "a very long URL" "$(code "/records/$(head -c 3000 /dev/zero | tr '\0' 1)" \
	-b "$WORK/jar")" 414

# the outlines lie on the row image on every page, the death book's scanned at 200 dpi too
# (its boxes count the prepared 300-dpi page's pixels)
low=$(sql "$B" "SELECT count(*) FROM records r JOIN pages p ON p.id = r.page_id
	WHERE p.dpi < 300 AND r.status = 'needs_review'")
[ "$low" -ge 1 ] || fail "the fixture has no record to review on a page under 300 dpi"
for r in $(sql "$B" "SELECT id FROM records WHERE status = 'needs_review'"); do
	expect_eq "record $r" "$(code "/records/$r" -b "$WORK/jar")" 200
	python3 - "$WORK/body" "$r" <<'PY' || fail "record $r: an outline off its row image"
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
bad = []
for m in re.finditer(r'<div class="outline[^"]*" data-field="([^"]+)"[^>]*data-x="([-0-9.]+)" '
                     r'data-y="([-0-9.]+)" data-w="([-0-9.]+)" data-h="([-0-9.]+)"', html):
    f, x, y, w, h = m.group(1), *map(float, m.groups()[1:])
    if x < -0.5 or y < -0.5 or x + w > 100.5 or y + h > 100.5 or w <= 0 or h <= 0:
        bad.append("%s at x %.1f%% w %.1f%%, y %.1f%% h %.1f%%" % (f, x, w, y, h))
for b in bad:
    print("record %s: %s" % (sys.argv[2], b), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
	checks=$((checks + 1))
done

# a field whose reading has no box of its own (unreadable, blotted) shows its cell: the image
# is what the archivist must read it from
nb=${birth[5]}
sql "$B" "UPDATE fields SET x0 = NULL, y0 = NULL, x1 = NULL, y1 = NULL
	WHERE record_id = $nb AND name = 'child.birth_date'"
expect_eq "record without the date's box" "$(code "/records/$nb" -b "$WORK/jar")" 200
expect_match "the date still has its cell image" "$(cat "$WORK/body")" \
	"<img class=\"cell\" src=\"/img/$nb/cell/child.birth_date.png\""
expect_match "and its outline" "$(cat "$WORK/body")" 'class="outline[^"]*" data-field="child.birth_date"'
expect_eq "the cell image" "$(code "/img/$nb/cell/child.birth_date.png" -b "$WORK/jar")" 200
expect_eq "is a PNG" "$(head -c 4 "$WORK/body" | tail -c 3)" "PNG"

# the images: only a record's row and its fields' cells, never a file by its path
id=${birth[0]}
expect_eq "the row image" "$(code "/img/$id/row.png" -b "$WORK/jar")" 200
expect_eq "is a PNG" "$(header Content-Type)" "image/png"
expect_eq "with the PNG signature" "$(head -c 4 "$WORK/body" | tail -c 3)" "PNG"
expect_eq "a cell image" "$(code "/img/$id/cell/child.birth_date.png" -b "$WORK/jar")" 200
for bad in "/img/$id/cell/../../batch.db" "/img/$id/cell/..%2F..%2Fbatch.db" \
	"/img/$id/cell/%2e%2e%2f%2e%2e%2fbatch.db.png" "/img/$id/cell/..%2f..%2fbatch.db.png" \
	"/img/$id/cell/....png" "/img/$id/cell/.child.png" "/img/$id/cell/child.full_name%00.png" \
	"/img/$id/cell/%2Fetc%2Fpasswd.png" "/img/$id/cell/child%2Ffull_name.png" \
	"/img/../batch.db" "/img/..%2Fbatch.db" "/img/$id/../../batch.db" "/img/0$id/row.png" \
	"/img/-$id/row.png" "/img/$id/row.png/../../batch.db" "/static/../batch.db" \
	"/static/..%2Fbatch.db" "/static/%2e%2e/batch.db" "/static/app.css/../../batch.db" \
	"/static/../../../etc/passwd" "/records/$id/../../batch.db" "/records/0x1" \
	"/img/$id/cell/no_such_field.png"; do
	got=$(code "$bad" -b "$WORK/jar")
	[[ "$got" == 400 || "$got" == 404 ]] || fail "$bad: got $got, want 400 or 404"
	checks=$((checks + 1))
	if grep -qaE 'SQLite format|root:x:|PNG' "$WORK/body"; then fail "$bad: answered with a file"; fi
done

# --- the browser ------------------------------------------------------------------------
# the records bob opened above with curl are his for ten minutes (a claim): let them go, so
# that alice's browser finds the queue free (claims have their own test, review_claims)
sql "$B" "DELETE FROM review_claims"
REVIEW_URL="$url/" REVIEW_BATCH="$B" REVIEW_SHOTS="$SHOTS" CHROMIUM="$CHROMIUM" \
	REVIEW_RECORDS="${birth[*]}" REVIEW_XSS="$xss" \
	REVIEW_USERS="alice:mật-khẩu-alice-1 bob:mật-khẩu-bob-22" NODE_PATH="$NODE_DEPS" \
	node "$SOHOA_SOURCE/tests/browser/review.test.js" | tee "$WORK/browser.out" ||
	fail "the browser tests failed (server log: $(tail -5 "$WORK/review.err"))"
checks=$((checks + $(grep -c '^ok: ' "$WORK/browser.out")))

# --- the store afterwards -------------------------------------------------------------------
expect_eq "no record lost" "$(sql "$B" "SELECT count(*) FROM records")" "$records_before"
expect_eq "the first record approved by alice" "$(sql "$B" "SELECT status FROM records
	WHERE id = ${birth[0]}")" approved
expect_eq "its corrected date" "$(sql "$B" "SELECT value || '|' || source FROM fields
	WHERE record_id = ${birth[0]} AND name = 'child.birth_date'")" "2019-01-15|archivist"
expect_eq "the second approved from the keyboard" "$(sql "$B" "SELECT status FROM records
	WHERE id = ${birth[1]}")" approved
expect_eq "the third rejected with its reason" "$(sql "$B" "SELECT status || '|' ||
	reject_reason FROM records WHERE id = ${birth[2]}")" "rejected|Dòng bị mờ, không đọc được"
expect_eq "the hostile text untouched" "$(sql "$B" "SELECT value FROM fields
	WHERE record_id = $xss AND name = 'child.full_name'")" "<script>alert(1)</script>"
expect_eq "the first of two reviewers kept her value" "$(sql "$B" "SELECT value FROM fields
	WHERE record_id = ${birth[4]} AND name = 'notes'")" "Alice đã sửa"
expect_eq "every change of a record is attributed to a reviewer" "$(sql "$B" "SELECT actor, action, field
	FROM audit WHERE record_id IS NOT NULL AND actor NOT IN ('alice', 'bob')")" ""
expect_eq "the CSRF target is as it was" "$(state)" "$before"
expect_eq "sessions closed by logout" "$(sql "$B" "SELECT count(*) FROM sessions
	WHERE reviewer = 'alice' AND expires_at > strftime('%s', 'now')")" 0

# SIGTERM: a clean stop with 143
kill -TERM "$server"
set +e
wait "$server"
status=$?
set -e
server=
expect_eq "SIGTERM stops the server with 143" "$status" 143
if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$WORK/review.err"; then
	fail "the sanitizers complained: $(cat "$WORK/review.err")"
fi

mkdir -p /tmp/review-shots
cp "$SHOTS"/*.png /tmp/review-shots/ 2>/dev/null || true
echo "screenshots: $SHOTS (and /tmp/review-shots)"
done_ok

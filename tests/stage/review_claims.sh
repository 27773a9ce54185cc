#!/usr/bin/env bash
# Who works on what in the review application, with curl and two sessions (alice, bob) on a
# batch of the four books read by the pipeline: opening a record claims it (a page fetched
# ahead with peek=1 does not), the other reviewer sees the claim on the queue and on the
# record, the record's prev/next pass over it, and every change of his is refused 409 until
# the claimant approves (the claim released) or the claim expires (--claim-minutes 0.05); the
# timing of each decision (seconds and keys from the form, else from the claim); the pace
# line of the queue; a flag several records share confirmed in all of them at once (versions
# and audit checked in the store); the ready-made reasons for rejecting per book type and
# the batch's own file replacing them. Then, when node and Chromium are there,
# tests/browser/claims.test.js with two browser contexts.
. "$(dirname "$0")/lib.sh"

command -v curl >/dev/null || { echo "SKIP: curl is not installed"; exit 77; }

# --- the fixture --------------------------------------------------------------------------
B="$WORK/batch"
g="$WORK/gen"
gen "$g" --seed 51 --pages 1 \
	--book birth --year 2019 --volume 01 --authority 26740 --anomalies --pages 3 \
	--book marriage --year 2020 --volume 01 --authority 26740 --anomalies \
	--book death --year 2021 --volume 02 --authority 26740 --anomalies \
	--book parentage --year 2022 --volume 01 --authority 26740 --anomalies 2>/dev/null
mapfile -t specs < <(bookspecs "$g")
sohoa scan --batch "$B" "${specs[@]}" >/dev/null 2>&1 || fail "fixture: scan"
sohoa ocr --batch "$B" >/dev/null 2>&1 || fail "fixture: ocr"
sohoa validate --batch "$B" >/dev/null 2>&1 || fail "fixture: validate"
sohoa normalize --batch "$B" >/dev/null 2>&1 || fail "fixture: normalize"
expect_eq "the store is at the latest version" "$(sql "$B" "PRAGMA user_version")" "$(store_latest)"
birth=($(sql "$B" "SELECT r.id FROM records r JOIN books b ON b.id = r.book_id
	WHERE b.type = 'birth' AND r.status = 'needs_review' ORDER BY r.id"))
[ "${#birth[@]}" -ge 4 ] || fail "the fixture has only ${#birth[@]} birth records to review"
death=$(sql "$B" "SELECT r.id FROM records r JOIN books b ON b.id = r.book_id
	WHERE b.type = 'death' ORDER BY r.id LIMIT 1")

# a group: six birth records whose child.ethnicity reads the same with the same warning open
# (G0..G2 alike; G3 will be claimed by bob; G4 reads otherwise; G5 is approved already)
mapfile -t G < <(sql "$B" "SELECT r.id FROM records r JOIN books b ON b.id = r.book_id
	WHERE b.type = 'birth' ORDER BY r.id DESC LIMIT 6")
for i in 0 1 2 3 4 5; do
	v="Khơ Me Krôm"
	[ "$i" != 4 ] || v="Chơ Ro"
	sql "$B" "INSERT INTO fields (record_id, name, raw, value, confidence, source)
		VALUES (${G[$i]}, 'child.ethnicity', '$v', '$v', 0.9, 'normalize')
		ON CONFLICT (record_id, name) DO UPDATE SET raw = excluded.raw, value = excluded.value;
		UPDATE flags SET state = 'resolved' WHERE record_id = ${G[$i]} AND
		fields = '[\"child.ethnicity\"]';
		INSERT INTO flags (record_id, code, severity, fields, state, message, source, created_at,
		updated_at) VALUES (${G[$i]}, 'ETHNICITY_UNKNOWN', 'warning', '[\"child.ethnicity\"]',
		'open', 'không thuộc 54 dân tộc', 'validate', '2026-01-01T00:00:00Z',
		'2026-01-01T00:00:00Z')"
done
sql "$B" "UPDATE records SET status = 'approved' WHERE id = ${G[5]}"
# the queue in register order (as the application orders it), and the records the claims
# below use: three neighbours of it, then others, none of the group and none waiting for
# keying (a handwritten cell cannot be confirmed as read: it is keyed)
mapfile -t queue < <(python3 - "$B/batch.db" "${G[@]}" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
group = {int(x) for x in sys.argv[2:]}
group |= {r[0] for r in db.execute(
    "SELECT record_id FROM flags WHERE state = 'open' AND code = 'HANDWRITTEN'")}
q = [r[0] for r in db.execute(
    "SELECT r.id FROM records r JOIN books b ON b.id = r.book_id JOIN pages p ON "
    "p.id = r.page_id JOIN scan_files f ON f.id = p.scan_file_id WHERE r.status = "
    "'needs_review' ORDER BY b.id, f.id, p.page_index, r.row")]
start = next(i for i in range(len(q) - 2) if not group & set(q[i:i + 3]))
rest = [x for x in q if x not in group and x not in q[start:start + 3]]
print("\n".join(str(x) for x in q[start:start + 3] + rest))
PY
)
[ "${#queue[@]}" -ge 8 ] || fail "the fixture has only ${#queue[@]} records to claim"
gflag() { sql "$B" "SELECT id FROM flags WHERE record_id = $1 AND code = 'ETHNICITY_UNKNOWN'
	AND state = 'open'"; }

printf 'mật-khẩu-alice-1\n' | sohoa review user add --batch "$B" alice >/dev/null 2>&1 ||
	fail "cannot add alice"
printf 'mật-khẩu-bob-22\n' | sohoa review user add --batch "$B" bob >/dev/null 2>&1 ||
	fail "cannot add bob"

# --- options ------------------------------------------------------------------------------
for bad in 0 abc 1e3 -1 2000 0.0001; do
	run_status sohoa review serve --batch "$B" --listen 127.0.0.1:0 --claim-minutes "$bad"
	expect_eq "--claim-minutes $bad is a usage error" "$status" 1
done
expect_match "and says which option" "$(cat "$WORK/stderr")" "claim-minutes"

# --- the server ---------------------------------------------------------------------------
server=
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true; rm -rf "$WORK"' EXIT
review_start() { # [OPTIONS...]
	review_serve "$B" --listen 127.0.0.1:0 "$@"
}
review_stop() {
	kill -TERM "$server"
	wait "$server" || true
	server=
}

# code JAR URL [CURL ARGS...]: the HTTP status (body in $WORK/body)
code() {
	local jar=$1 u=$2
	shift 2
	curl -s -o "$WORK/body" -w '%{http_code}' -b "$jar" -c "$jar" "$@" "$url$u"
}
login() { # NAME PASSWORD JAR: signs in, prints the session's CSRF token
	local lt
	lt=$(curl -s -c "$3" -b "$3" "$url/login" |
		sed -n 's/.*<input type="hidden" name="csrf" value="\([^"]*\)".*/\1/p')
	[ "$(code "$3" /login --data-urlencode "user=$1" --data-urlencode "password=$2" \
		-d "csrf=$lt")" == 303 ] || fail "$1 cannot sign in"
	code "$3" / >/dev/null
	sed -n 's/.*<meta name="csrf" content="\([^"]*\)".*/\1/p' "$WORK/body"
}
version() { sql "$B" "SELECT version FROM records WHERE id = $1"; }
claim_of() { sql "$B" "SELECT reviewer || '|' || (until_at - claimed_at) FROM review_claims
	WHERE record_id = $1 AND until_at > strftime('%s', 'now')"; }
J=(-H 'Accept: application/json')

review_start
A="$WORK/alice.jar"
Bj="$WORK/bob.jar"
ca=$(login alice 'mật-khẩu-alice-1' "$A")
cb=$(login bob 'mật-khẩu-bob-22' "$Bj")
expect_match "alice's CSRF token" "$ca" '^[A-Za-z0-9_-]{43}$'

# --- claims -------------------------------------------------------------------------------
R=${queue[1]}
expect_eq "a page fetched ahead (peek=1)" "$(code "$A" "/records/$R?peek=1")" 200
expect_eq "claims nothing" "$(sql "$B" "SELECT count(*) FROM review_claims")" 0
grep -q 'id="taken"' "$WORK/body" && fail "a banner on a free record"
expect_eq "alice opens the record" "$(code "$A" "/records/$R")" 200
expect_eq "it is hers for 10 minutes" "$(claim_of "$R")" "alice|600"
grep -q 'id="taken"' "$WORK/body" && fail "alice is shown a banner on her own record"
expect_eq "opened again, the claim keeps its start" "$(code "$A" "/records/$R")" 200
expect_eq "one claim" "$(sql "$B" "SELECT count(*) FROM review_claims WHERE record_id = $R")" 1

expect_eq "bob's queue" "$(code "$Bj" /)" 200
row=$(grep -o "<tr data-record=\"$R\">.*</tr>" "$WORK/body")
expect_match "shows the record taken by alice" "$row" \
	'<span class="badge taken" data-taken-by="alice" title="xem lại đến [0-9:]+">đang do alice</span>'
expect_eq "one badge only" "$(grep -c 'class="badge taken"' "$WORK/body")" 1
code "$A" / >/dev/null
expect_eq "alice's queue shows no badge" "$(grep -c 'class="badge taken"' "$WORK/body" || true)" 0
held=$(sql "$B" "SELECT reviewer || '|' || claimed_at || '|' || until_at FROM review_claims WHERE record_id = $R")
expect_eq "bob opens alice's record" "$(code "$Bj" "/records/$R")" 200
expect_match "the banner says who and until when" "$(grep -o '<div id="taken".*</div>' "$WORK/body")" \
	'^<div id="taken" class="taken" role="alert" data-taken-by="alice" data-until="[0-9T:Z-]+">Bản ghi này đang do <strong>alice</strong> xem lại đến <time datetime="[0-9T:Z-]+">[0-9:]+</time>\. Bạn xem được nhưng chưa sửa được cho đến lúc đó\.</div>$'
# (alice's own second look renewed her claim: its end is now + 600 s, a second may have passed
# since it began, so the claim is compared with itself before bob looked)
expect_eq "bob's look did not take it, nor move it" "$(sql "$B" "SELECT reviewer || '|' ||
	claimed_at || '|' || until_at FROM review_claims WHERE record_id = $R")" "$held"
code "$Bj" "/records/$R?lang=en" >/dev/null
expect_match "in English" "$(grep -o '<div id="taken".*</div>' "$WORK/body")" \
	'This record is open with <strong>alice</strong> until <time'
code "$Bj" "/?lang=vi" >/dev/null
# prev/next pass over it for bob, not for alice
P=${queue[0]}
code "$Bj" "/records/$P?peek=1" >/dev/null
expect_eq "bob's next passes over alice's record" \
	"$(grep -o 'id="next" class="button quiet" href="/records/[0-9]*' "$WORK/body" | grep -o '[0-9]*$')" \
	"${queue[2]}"
code "$A" "/records/$P?peek=1" >/dev/null
expect_eq "alice's next is her record" \
	"$(grep -o 'id="next" class="button quiet" href="/records/[0-9]*' "$WORK/body" | grep -o '[0-9]*$')" \
	"$R"
code "$Bj" "/records/${queue[2]}?peek=1" >/dev/null
expect_eq "bob's prev passes over it too" \
	"$(grep -o 'id="prev" class="button quiet" href="/records/[0-9]*' "$WORK/body" | grep -o '[0-9]*$')" \
	"$P"

# bob's changes are refused while alice has it
v=$(version "$R")
expect_eq "bob's approval (JSON)" "$(code "$Bj" "/records/$R/approve" "${J[@]}" \
	-d "csrf=$cb&version=$v&seconds=3")" 409
expect_eq "is a conflict naming alice, in Vietnamese only" "$(python3 -c "import json,sys; d = json.load(open(sys.argv[1]))
print(d['ok'], d['conflict'], 'alice' in d['message'], 'bạn chưa thay đổi được nó' in d['message'] and 'cannot' not in d['message'])" "$WORK/body")" \
	"False True True True"
expect_eq "bob's approval (form)" "$(code "$Bj" "/records/$R/approve" -d "csrf=$cb&version=$v")" 409
grep -q 'Bản ghi đang do alice xem lại' "$WORK/body" || fail "the 409 page does not say who has it"
for change in "set|field=notes&value=bob" "verify|flag=$(sql "$B" "SELECT id FROM flags WHERE
	record_id = $R AND state = 'open' LIMIT 1")" "reject|reason=no" \
	"verify-all|flag=$(sql "$B" "SELECT id FROM flags WHERE record_id = $R AND state = 'open' LIMIT 1")"; do
	expect_eq "bob's ${change%%|*}" "$(code "$Bj" "/records/$R/${change%%|*}" "${J[@]}" \
		-d "csrf=$cb&version=$v&${change#*|}")" 409
done
expect_eq "bob's explicit claim" "$(code "$Bj" "/records/$R/claim" "${J[@]}" -d "csrf=$cb")" 200
expect_eq "is refused, naming alice" "$(python3 -c "import json,sys; d = json.load(open(sys.argv[1]))
print(d['ok'], d['taken_by'], d['until'][-1])" "$WORK/body")" "False alice Z"
expect_eq "a claim without the CSRF token" "$(code "$Bj" "/records/$R/claim" -d "x=1")" 403
expect_eq "nothing changed" "$(version "$R")|$(sql "$B" "SELECT count(*) FROM audit WHERE record_id = $R")" "$v|0"

# alice's changes renew her claim; her approval releases it and records its timing
sql "$B" "UPDATE review_claims SET until_at = until_at - 500 WHERE record_id = $R"
for f in $(sql "$B" "SELECT id FROM flags WHERE record_id = $R AND state = 'open' AND
	severity = 'error'"); do
	expect_eq "alice confirms flag $f" "$(code "$A" "/records/$R/verify" "${J[@]}" \
		-d "csrf=$ca&version=$(version "$R")&flag=$f")" 200
done
expect_eq "alice's claim renewed by her change" "$(sql "$B" "SELECT until_at -
	strftime('%s', 'now') > 500 FROM review_claims WHERE record_id = $R")" 1
expect_eq "alice's explicit claim" "$(code "$A" "/records/$R/claim" "${J[@]}" -d "csrf=$ca")" 200
expect_eq "answers ok" "$(python3 -c "import json,sys; d = json.load(open(sys.argv[1]))
print(d['ok'], d['taken_by'])" "$WORK/body")" "True None"
for bad in -1 1e3 86401 abc 0x10 " 5"; do
	expect_eq "seconds '$bad' refused" "$(code "$A" "/records/$R/approve" "${J[@]}" \
		-d "csrf=$ca&version=$(version "$R")" --data-urlencode "seconds=$bad")" 400
done
expect_eq "keys -3 refused" "$(code "$A" "/records/$R/approve" "${J[@]}" \
	-d "csrf=$ca&version=$(version "$R")&keys=-3")" 400
expect_eq "keys 100001 refused" "$(code "$A" "/records/$R/approve" "${J[@]}" \
	-d "csrf=$ca&version=$(version "$R")&keys=100001")" 400
expect_eq "alice approves" "$(code "$A" "/records/$R/approve" "${J[@]}" \
	-d "csrf=$ca&version=$(version "$R")&seconds=42.5&keys=17")" 200
expect_eq "approved" "$(sql "$B" "SELECT status FROM records WHERE id = $R")" approved
expect_eq "the claim is released" "$(sql "$B" "SELECT count(*) FROM review_claims WHERE record_id = $R")" 0
expect_eq "looking at it again claims nothing" "$(code "$A" "/records/$R")|$(sql "$B" "SELECT
	count(*) FROM review_claims WHERE record_id = $R")" "200|0"
expect_eq "nor does claiming it" "$(code "$A" "/records/$R/claim" "${J[@]}" -d "csrf=$ca")|$(python3 -c "
import json,sys; d = json.load(open(sys.argv[1])); print(d['ok'], d['taken_by'], d['until'])" "$WORK/body")" \
	"200|False None None"
expect_eq "the timing as the script measured it" "$(sql "$B" "SELECT reviewer, outcome, seconds,
	keys FROM review_timings WHERE record_id = $R")" "alice|approved|42.5|17"

# a decision without the script's timing: the time since the claim, keys unknown
R1=${queue[3]}
code "$A" "/records/$R1" >/dev/null
sql "$B" "UPDATE review_claims SET claimed_at = claimed_at - 100 WHERE record_id = $R1"
expect_eq "alice rejects a record (a plain form)" "$(code "$A" "/records/$R1/reject" \
	-d "csrf=$ca&version=$(version "$R1")" --data-urlencode "reason=Dòng bị mờ")" 303
expect_eq "its timing from the claim" "$(sql "$B" "SELECT reviewer, outcome, seconds >= 100 AND
	seconds < 160, keys IS NULL FROM review_timings WHERE record_id = $R1")" "alice|rejected|1|1"
R2=${queue[4]}
code "$Bj" "/records/$R2" >/dev/null
expect_eq "bob rejects with the script's timing" "$(code "$Bj" "/records/$R2/reject" "${J[@]}" \
	-d "csrf=$cb&version=$(version "$R2")&seconds=7.25&keys=3" --data-urlencode "reason=Trùng")" 200
expect_eq "his timing" "$(sql "$B" "SELECT reviewer, outcome, seconds, keys FROM review_timings
	WHERE record_id = $R2")" "bob|rejected|7.25|3"
expect_eq "no claims left" "$(sql "$B" "SELECT count(*) FROM review_claims WHERE record_id IN ($R1, $R2)")" 0

# the pace line of the queue: records an hour over the reviewer's timed decisions
code "$A" / >/dev/null
pace=$(grep -o '<p id="pace"[^>]*>' "$WORK/body")
total=$(sql "$B" "SELECT count(*) FROM records WHERE status = 'needs_review'")
want=$(sql "$B" "SELECT printf('%.1f|%.1f|%d', count(*) * 3600.0 / sum(seconds),
	$total / (count(*) * 3600.0 / sum(seconds)), count(*)) FROM review_timings
	WHERE reviewer = 'alice' AND seconds IS NOT NULL")
expect_eq "alice's pace and backlog" \
	"$(sed -n 's/.*data-per-hour="\([^"]*\)" data-backlog-hours="\([^"]*\)" data-timed="\([^"]*\)".*/\1|\2|\3/p' <<<"$pace")" \
	"$want"
grep -q 'Nhịp của bạn: <span class="rate">' "$WORK/body" || fail "no pace text"

# --- group verification ---------------------------------------------------------------------
code "$Bj" "/records/${G[3]}" >/dev/null      # bob has G3 open
expect_eq "alice opens G0" "$(code "$A" "/records/${G[0]}")" 200
f0=$(gflag "${G[0]}")
form=$(grep -o "<form class=\"verify-all-form\"[^>]*>" "$WORK/body")
expect_eq "one verify-all form" "$(grep -c 'class="verify-all-form"' "$WORK/body")" 1
expect_eq "for three records (G0..G2)" "$form" \
	"<form class=\"verify-all-form\" method=\"post\" action=\"/records/${G[0]}/verify-all\" data-count=\"3\">"
grep -q "name=\"flag\" value=\"$f0\"><button type=\"submit\" class=\"verify-all quiet\">Xác nhận ở cả 3 bản ghi</button>" \
	"$WORK/body" || fail "the verify-all button"
code "$A" "/records/${G[0]}?lang=en" >/dev/null
grep -q '>Confirm in all 3 records</button>' "$WORK/body" || fail "the verify-all button in English"
code "$A" "/?lang=vi" >/dev/null
code "$Bj" "/records/${G[3]}?peek=1" >/dev/null
expect_eq "for bob G0 is alice's: G3 with G1 and G2" \
	"$(sed -n 's/.*class="verify-all-form"[^>]*data-count="\([0-9]*\)".*/\1/p' "$WORK/body")" 3
before=()
for i in 0 1 2 3 4 5; do before[$i]=$(version "${G[$i]}"); done
expect_eq "alice confirms in all" "$(code "$A" "/records/${G[0]}/verify-all" "${J[@]}" \
	-d "csrf=$ca&version=${before[0]}&flag=$f0")" 200
expect_eq "answers how many" "$(python3 -c "import json,sys; d = json.load(open(sys.argv[1]))
print(d['ok'], d['verified'], d['message'])" "$WORK/body")" \
	"True 3 Đã xác nhận đúng như sổ ở 3 bản ghi."
for i in 0 1 2; do
	expect_eq "G$i verified" "$(sql "$B" "SELECT state FROM flags WHERE record_id = ${G[$i]}
		AND code = 'ETHNICITY_UNKNOWN'")" verified
	expect_eq "G$i moved on one version" "$(version "${G[$i]}")" "$((before[$i] + 1))"
	expect_eq "G$i audited as a verify" "$(sql "$B" "SELECT actor, action, field, before, after
		FROM audit WHERE record_id = ${G[$i]}")" "alice|verify|[\"child.ethnicity\"]|ETHNICITY_UNKNOWN|verified"
done
for i in 3 4 5; do
	expect_eq "G$i left as it was" "$(sql "$B" "SELECT state FROM flags WHERE record_id = ${G[$i]}
		AND code = 'ETHNICITY_UNKNOWN'")|$(version "${G[$i]}")" "open|${before[$i]}"
done
expect_eq "G3 alone now: no group form" "$(code "$Bj" "/records/${G[3]}?peek=1" >/dev/null;
	grep -c 'class="verify-all-form"' "$WORK/body" || true)" 0
# a flag about several fields cannot be confirmed in a group
sql "$B" "INSERT INTO flags (record_id, code, severity, fields, state, message, source, created_at,
	updated_at) VALUES (${G[0]}, 'DATE_ORDER', 'warning', '[\"a\", \"b\"]', 'open', 'x',
	'validate', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"
expect_eq "a flag of two fields refused" "$(code "$A" "/records/${G[0]}/verify-all" "${J[@]}" \
	-d "csrf=$ca&version=$(version "${G[0]}")&flag=$(sql "$B" "SELECT max(id) FROM flags")")" 422

# --- reasons for rejecting ------------------------------------------------------------------
reasons() { grep -o '<ol class="reasons"[^>]*>.*</ol>' "$WORK/body" |
	grep -o 'data-text="[^"]*"' | sed 's/data-text="//; s/"$//'; }
code "$Bj" "/records/${birth[0]}?peek=1" >/dev/null
mapfile -t got < <(reasons)
expect_eq "a birth record: its five reasons and five for any book" "${#got[@]}" 10
expect_eq "the first, for a birth" "${got[0]}" "Ngày sinh ghi sau ngày đăng ký"
expect_eq "the last, for any book: not an entry" "${got[9]}" \
	"Không phải một mục đăng ký: dấu, vết bẩn hoặc chữ trên dòng trống"
grep -q '<li><button type="button" class="reason-pick" data-text="Dòng bị mờ, không đọc được">Dòng bị mờ, không đọc được</button></li>' \
	"$WORK/body" || fail "a reason's button"
expect_match "inside the reject form, before the textarea" \
	"$(grep -o '<form id="reject-form".*</form>' "$WORK/body")" '<ol class="reasons".*</ol><div class="reason">.*<textarea'
code "$Bj" "/records/$death?peek=1&lang=en" >/dev/null
mapfile -t got < <(reasons)
expect_eq "a death record in English" "${got[0]}|${#got[@]}" "The date of death is after the registration date|10"
code "$Bj" "/?lang=vi" >/dev/null

# --- the backlog of the batch at the timed pace ---------------------------------------------
pace_of() { python3 -c "import json,sys; r = json.load(open(sys.argv[1]))['review']
print(r['pace'], r['pace_timed'], r['seconds_per_record'])" "$WORK/stdout"; }
run_status sohoa status --batch "$B" --json
expect_eq "three decisions timed: not yet the timed pace" "$(pace_of | cut -d' ' -f1-2)" "assumed 3"
sql "$B" "INSERT INTO review_timings (record_id, reviewer, outcome, seconds, keys, at) VALUES
	($R, 'carol', 'approved', 10, 5, '2026-01-01T00:00:00Z'),
	($R, 'carol', 'approved', 20, 5, '2026-01-01T00:00:01Z'),
	($R, 'carol', 'rejected', 30, NULL, '2026-01-01T00:00:02Z'),
	($R, 'carol', 'rejected', NULL, NULL, '2026-01-01T00:00:03Z')"
run_status sohoa status --batch "$B" --json
# 7.25, 10, 20, 30, 42.5 and alice's 100-odd: the median is 25
expect_eq "six timed: the median of their seconds" "$(pace_of)" "timed 6 25.0"
expect_eq "the hours at it" "$(python3 -c "import json,sys; r = json.load(open(sys.argv[1]))['review']
print(r['hours'])" "$WORK/stdout")" "$(python3 -c "print(round($(sql "$B" "SELECT count(*) FROM
	records WHERE status = 'needs_review'") * 25 / 360) / 10)")"
run_status sohoa status --batch "$B"
expect_match "the text says which pace" "$(cat "$WORK/stdout")" "at 25 s a record \(timed\)"
run_status sohoa status --batch "$B" --report "$WORK/report.html"
expect_match "and so does the report" "$(grep -o '<p class="note" id="review-pace">.*</p>' "$WORK/report.html")" \
	'theo thời gian đo được khi duyệt: 25 giây một bản ghi \(trung vị của 6 lần .*At the timed pace: 25 s a record \(median of 6 approvals'

# --- the batch's own reasons, and claims that expire ---------------------------------------
review_stop
printf '{"birth": [{"vi": "Lý do riêng của lô", "en": "Our own reason"}], "dead": []}' \
	>"$B/reject-reasons.json"
run_status sohoa review serve --batch "$B" --listen 127.0.0.1:0
expect_eq "a reasons file with an unknown book type: exit 3" "$status" 3
expect_match "names the file and the key" "$(cat "$WORK/stderr")" "reject-reasons.json: 'dead' is not a book type"
printf '{"birth": [{"vi": "Lý do riêng của lô", "en": "Our own reason"}]}' >"$B/reject-reasons.json"
# (0.05 minutes: a claim of 3 seconds)
review_start --claim-minutes 0.05
ca=$(login alice 'mật-khẩu-alice-1' "$A")
cb=$(login bob 'mật-khẩu-bob-22' "$Bj")
code "$Bj" "/records/${birth[0]}?peek=1" >/dev/null
mapfile -t got < <(reasons)
expect_eq "the batch's reasons replace the built-in ones" "${got[*]}" "Lý do riêng của lô"
code "$Bj" "/records/$death?peek=1" >/dev/null
expect_eq "and a death record has none" "$(grep -c '<ol class="reasons"' "$WORK/body" || true)" 0
E=${queue[5]}
code "$A" "/records/$E" >/dev/null
expect_eq "alice's claim of 3 seconds" "$(sql "$B" "SELECT reviewer, until_at - claimed_at
	FROM review_claims WHERE record_id = $E")" "alice|3"
sql "$B" "UPDATE review_claims SET until_at = strftime('%s', 'now') - 1 WHERE record_id = $E"
expect_eq "expired, bob sees no banner" "$(code "$Bj" "/records/$E?peek=1" >/dev/null;
	grep -c 'id="taken"' "$WORK/body" || true)" 0
code "$A" "/records/${queue[6]}" >/dev/null
sleep 4   # the claim's 3 seconds pass by the clock (a slower machine only makes it older)
expect_eq "after its time, bob claims alice's record" "$(code "$Bj" "/records/${queue[6]}/claim" \
	"${J[@]}" -d "csrf=$cb")" 200
expect_eq "it is his" "$(python3 -c "import json,sys; d = json.load(open(sys.argv[1]))
print(d['ok'], d['taken_by'])" "$WORK/body")|$(sql "$B" "SELECT reviewer FROM review_claims
	WHERE record_id = ${queue[6]}")" "True None|bob"

# --- two browsers ---------------------------------------------------------------------------
browser_deps
if [ -f "$BROWSER_SRC/claims.test.js" ] && command -v node >/dev/null && [ -x "$CHROMIUM" ] &&
	[ -n "$NODE_DEPS" ]; then
	review_stop
	rm "$B/reject-reasons.json"
	# the group again, for V in the browser: G0..G3 open and free
	sql "$B" "UPDATE flags SET state = 'open' WHERE code = 'ETHNICITY_UNKNOWN' AND record_id IN
		(${G[0]}, ${G[1]}, ${G[2]}, ${G[3]}); UPDATE records SET status = 'needs_review' WHERE id IN
		(${G[0]}, ${G[1]}, ${G[2]}, ${G[3]}); DELETE FROM review_claims"
	review_start
	REVIEW_GROUP="${G[0]} ${G[1]} ${G[2]} ${G[3]}" \
	REVIEW_URL="$url/" REVIEW_BATCH="$B" CHROMIUM="$CHROMIUM" REVIEW_RECORD="${queue[7]}" \
		REVIEW_USERS="alice:mật-khẩu-alice-1 bob:mật-khẩu-bob-22" NODE_PATH="$NODE_DEPS" \
		node "$BROWSER_SRC/claims.test.js" | tee "$WORK/browser.out" ||
		fail "the browser tests failed (server log: $(tail -5 "$WORK/review.err"))"
	checks=$((checks + $(grep -c '^ok: ' "$WORK/browser.out")))
else
	echo "note: the browser part skipped (node, Chromium or playwright-core missing)"
fi

review_stop
done_ok

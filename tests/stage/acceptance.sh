#!/usr/bin/env bash
# Batch acceptance by ISO 2859-1 single sampling from the shell (sohoa review sample) on a
# batch read by the pipeline: a lot of 79 decided records at AQL 0.65 %, level II, normal
# inspection gives code letter E and the plan n = 20, Ac 0, Re 1 (the standard's arrow
# followed); the same seed draws the same sample, another seed another; a second lot of a
# series waits for the first; all conforming accepts the lot and moves the switching score;
# one defect rejects the next lot and sends every record of it back to review, audited; a
# small book is inspected whole; and with required_before_sync, sync delivers only the
# records of an accepted lot and says why it holds the others.
source "$(dirname "$0")/lib.sh"

B=$WORK/batch
sync_fixture "$B" 5
# 79 decided records: five set aside (still in review)
sql "$B" "UPDATE records SET status = 'needs_review' WHERE id IN (SELECT id FROM records
	ORDER BY id DESC LIMIT (SELECT count(*) - 79 FROM records))"
expect_eq "decided records" "$(sql "$B" "SELECT count(*) FROM records WHERE status IN
	('valid', 'approved')")" 79
cp -r "$B" "$WORK/twin"
cp -r "$B" "$WORK/held"

# --- the plan ------------------------------------------------------------------------------
run_status sohoa review sample --batch "$B" --lot ALL --aql 0.65 --level II --seed 20261204 \
	--as kiem --json
expect_eq "sample drawn" "$status" 0
cp "$WORK/stdout" "$WORK/plan.json"
python3 - "$WORK/plan.json" <<'PY' || fail "the plan JSON"
import json, sys
p = json.load(open(sys.argv[1]))
want = {"lot_size": 79, "code_letter": "E", "plan_letter": "F", "sample_size": 20, "ac": 0,
        "re": 1, "aql": 0.65, "level": "II", "severity": "normal", "seed": 20261204,
        "state": "open", "series": "ALL", "full": False, "checked": 0}
got = {k: p.get(k) for k in want}
assert got == want, got
ids = [r["id"] for r in p["records"]]
assert len(ids) == 20 and len(set(ids)) == 20, ids
assert [r["pos"] for r in p["records"]] == list(range(1, 21))
assert all(r["status"] in ("valid", "approved") for r in p["records"])
PY
checks=$((checks + 1))
lot=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["lot"])' <"$WORK/plan.json")
expect_eq "the plan stored" "$(sql "$B" "SELECT lot_size || ' ' || code_letter || ' ' ||
	sample_size || ' ' || ac || ' ' || re || ' ' || aql || ' ' || level || ' ' || severity ||
	' ' || seed || ' ' || state FROM acceptance_lots WHERE id = $lot")" \
	"79 E 20 0 1 0.65 II normal 20261204 open"
expect_eq "the lot's records" "$(sql "$B" "SELECT count(*), count(sample_pos) FROM
	acceptance_members WHERE lot_id = $lot")" "79|20"
sampled=$(sql "$B" "SELECT group_concat(record_id) FROM (SELECT record_id FROM acceptance_members
	WHERE lot_id = $lot AND sample_pos IS NOT NULL ORDER BY record_id)")
expect_eq "sampled records are decided ones" "$(sql "$B" "SELECT count(*) FROM acceptance_members m
	JOIN records r ON r.id = m.record_id WHERE m.lot_id = $lot AND m.sample_pos IS NOT NULL
	AND r.status IN ('valid', 'approved')")" 20
expect_eq "audited" "$(sql "$B" "SELECT actor || '|' || action || '|' || after FROM audit WHERE
	action = 'acceptance_sample'")" "kiem|acceptance_sample|lot $lot: ALL n=20 Ac=0 Re=1 seed=20261204"

# --- the seed: the same one draws the same sample, another another ----------------------------
sohoa review sample --batch "$WORK/twin" --lot ALL --seed 20261204 --json >"$WORK/twin.json" \
	2>/dev/null || fail "sample on the twin"
expect_eq "same seed, same sample" "$(python3 -c 'import json,sys; print(",".join(str(r["id"]) for r in
	sorted(json.load(sys.stdin)["records"], key=lambda r: r["id"])))' <"$WORK/twin.json")" "$sampled"
rm -rf "$WORK/twin"
cp -r "$WORK/held" "$WORK/twin"
sohoa review sample --batch "$WORK/twin" --lot ALL --seed 7 --json >"$WORK/other.json" \
	2>/dev/null || fail "sample with another seed"
other=$(python3 -c 'import json,sys; print(",".join(str(r["id"]) for r in
	sorted(json.load(sys.stdin)["records"], key=lambda r: r["id"])))' <"$WORK/other.json")
[ "$other" != "$sampled" ] || fail "another seed drew the same sample"
checks=$((checks + 1))

# --- one open lot per series ------------------------------------------------------------------
run_status sohoa review sample --batch "$B" --lot ALL --seed 1
expect_eq "a second lot waits" "$status" 2
expect_match "and says why" "$(cat "$WORK/stderr")" "lot $lot of ALL is still open \(0 of 20"

# --- checks: a record not sampled is refused; all conforming accepts the lot -------------------
outside=$(sql "$B" "SELECT record_id FROM acceptance_members WHERE lot_id = $lot AND sample_pos
	IS NULL LIMIT 1")
run_status sohoa review sample --batch "$B" --check "$lot" --as kiem "$outside" conforms
expect_eq "a record outside the sample" "$status" 2
expect_match "is refused" "$(cat "$WORK/stderr")" "not in lot $lot's sample"
for id in ${sampled//,/ }; do
	sohoa review sample --batch "$B" --check "$lot" --as kiem "$id" conforms >"$WORK/out" ||
		fail "check $id"
done
expect_eq "accepted" "$(cat "$WORK/out")" "lot $lot: accepted, 20 of 20 checked, 0 defects (Ac 0 Re 1)"
expect_eq "the verdict stored" "$(sql "$B" "SELECT state || ' ' || defects || ' ' || (decided_at
	IS NOT NULL) FROM acceptance_lots WHERE id = $lot")" "accepted 0 1"
expect_eq "the series moved on (Ac 0: score + 2)" "$(sql "$B" "SELECT severity || ' ' || score ||
	' ' || lots FROM acceptance_series WHERE series = 'ALL'")" "normal 2 1"
expect_eq "checks audited" "$(sql "$B" "SELECT count(*) FROM audit WHERE action =
	'acceptance_check' AND actor = 'kiem' AND after = 'conforms'")" 20
expect_eq "no record reopened" "$(sql "$B" "SELECT count(*) FROM records WHERE status IN
	('valid', 'approved')")" 79
run_status sohoa review sample --batch "$B" --check "$lot" --as kiem "${sampled%%,*}" defect
expect_eq "a decided lot is closed" "$status" 2
sohoa review sample --batch "$B" --show "$lot" >"$WORK/show"
expect_match "show: the plan" "$(head -1 "$WORK/show")" \
	"^lot $lot  ALL  accepted  lot size 79, code letter E \(plan F\), n 20, Ac 0 Re 1, AQL 0.65"
expect_eq "show: the sample" "$(grep -c ' conforms (kiem)' "$WORK/show")" 20

# --- one defect rejects the next lot: all its records back to review -------------------------
sohoa review sample --batch "$B" --lot ALL --seed 99 --as kiem --json >"$WORK/plan2.json" ||
	fail "second lot"
lot2=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["lot"])' <"$WORK/plan2.json")
mapfile -t ids2 < <(python3 -c 'import json,sys; [print(r["id"]) for r in json.load(sys.stdin)["records"]]' <"$WORK/plan2.json")
expect_eq "second plan" "${#ids2[@]}" 20
bad=${ids2[3]}
for id in "${ids2[@]}"; do
	if [ "$id" = "$bad" ]; then
		sohoa review sample --batch "$B" --check "$lot2" --as kiem --note "sai ngày sinh" \
			"$id" defect >"$WORK/out" || fail "defect"
	else
		sohoa review sample --batch "$B" --check "$lot2" --as kiem "$id" conforms \
			>"$WORK/out" || fail "check $id"
	fi
done
expect_eq "rejected" "$(cat "$WORK/out")" "lot $lot2: rejected, 20 of 20 checked, 1 defects (Ac 0 Re 1)"
expect_eq "the defect and its note" "$(sql "$B" "SELECT record_id || '|' || defect || '|' || note
	|| '|' || checker FROM acceptance_members WHERE lot_id = $lot2 AND defect = 1")" \
	"$bad|1|sai ngày sinh|kiem"
expect_eq "every record of the lot back to review" "$(sql "$B" "SELECT count(*) FROM records
	WHERE status = 'needs_review'")" 84
expect_eq "each audited" "$(sql "$B" "SELECT count(*) FROM audit WHERE action = 'acceptance_reopen'
	AND field = 'lot $lot2 rejected' AND after = 'needs_review'")" 79
expect_eq "the score reset" "$(sql "$B" "SELECT severity || ' ' || score || ' ' || lots FROM
	acceptance_series WHERE series = 'ALL'")" "normal 0 2"
sohoa review sample --batch "$B" --lots --json >"$WORK/lots.json"
expect_eq "lots listed" "$(python3 -c 'import json,sys; print(" ".join(l["state"] + ":" + str(l["defects"]) for l in json.load(sys.stdin)))' <"$WORK/lots.json")" "rejected:1 accepted:0"

# --- the batch summary and the report show each lot's plan and verdict ----------------------
sohoa status --batch "$B" --json >"$WORK/status.json" 2>/dev/null || true
python3 - "$WORK/status.json" "$lot" "$lot2" <<'PY' || fail "status --json acceptance"
import json, sys
a = json.load(open(sys.argv[1]))["acceptance"]
lots = {l["lot"]: l for l in a["lots"]}
first, second = lots[int(sys.argv[2])], lots[int(sys.argv[3])]
assert (first["state"], first["defects"], first["checked"], first["code_letter"],
        first["sample_size"], first["ac"], first["re"]) == ("accepted", 0, 20, "E", 20, 0, 1), first
assert (second["state"], second["defects"], second["seed"]) == ("rejected", 1, 99), second
assert a["series"] == [{"series": "ALL", "severity": "normal", "score": 0, "lots": 2}], a["series"]
PY
checks=$((checks + 1))
sohoa status --batch "$B" --report "$WORK/report.html" >/dev/null 2>&1 || true
[ -s "$WORK/report.html" ] || fail "no report"
python3 - "$WORK/report.html" "$lot" "$lot2" <<'PY' || fail "report acceptance section"
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
sec = re.search(r'<section id="acceptance">(.*?)</section>', h, re.S).group(1)
rows = re.findall(r'<tr data-lot="(\d+)" data-state="(\w+)">(.*?)</tr>', sec, re.S)
got = {int(n): (st, re.sub(r"<[^>]+>", "|", body)) for n, st, body in rows}
assert got[int(sys.argv[2])][0] == "accepted" and got[int(sys.argv[3])][0] == "rejected", got
cells = [c for c in got[int(sys.argv[3])][1].split("|") if c.strip()]
assert cells[:9] == [sys.argv[3], "ALL", "79", "E → F", "20", "0", "1", "0.65 %", "II"], cells
assert "không chấp nhận" in got[int(sys.argv[3])][1]
PY
checks=$((checks + 1))

# --- two lots rejected within five: tightened inspection (Table 2-B) -------------------------
sql "$B" "UPDATE records SET status = 'approved' WHERE id IN (SELECT record_id FROM
	acceptance_members WHERE lot_id = $lot2)"
check_all() { # LOT DEFECTIVE_POSITION (0: none): every sampled record of LOT checked
	local pos
	for pos in $(sql "$B" "SELECT sample_pos || ':' || record_id FROM acceptance_members WHERE
		lot_id = $1 AND sample_pos IS NOT NULL ORDER BY sample_pos"); do
		if [ "${pos%%:*}" = "$2" ]; then
			sohoa review sample --batch "$B" --check "$1" --as kiem "${pos#*:}" defect
		else
			sohoa review sample --batch "$B" --check "$1" --as kiem "${pos#*:}" conforms
		fi >"$WORK/out" || fail "check $pos of lot $1"
	done
}
sohoa review sample --batch "$B" --lot ALL --seed 3 --json >"$WORK/plan3.json" || fail "third lot"
lot3=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["lot"])' <"$WORK/plan3.json")
check_all "$lot3" 20
expect_eq "third lot rejected" "$(cat "$WORK/out")" "lot $lot3: rejected, 20 of 20 checked, 1 defects (Ac 0 Re 1)"
expect_eq "tightened after two of three" "$(sql "$B" "SELECT severity || ' ' || lots FROM
	acceptance_series WHERE series = 'ALL'")" "tightened 3"
sql "$B" "UPDATE records SET status = 'approved' WHERE id IN (SELECT record_id FROM
	acceptance_members WHERE lot_id = $lot3)"
sohoa review sample --batch "$B" --lot ALL --seed 4 --json >"$WORK/plan4.json" || fail "fourth lot"
expect_eq "the tightened plan: E, arrow down to G, 32 at 0/1" "$(python3 -c 'import json,sys; p=json.load(sys.stdin); print(p["severity"], p["code_letter"], p["plan_letter"], p["sample_size"], p["ac"], p["re"])' <"$WORK/plan4.json")" \
	"tightened E G 32 0 1"

# --- a small book is inspected whole; the AQL and level from the command ----------------------
run_status sohoa review sample --batch "$WORK/twin" --lot birth-2019-01-26740 --aql 1.0 \
	--level I --seed 5 --json
expect_eq "book lot" "$status" 0
expect_eq "whole book" "$(python3 -c 'import json,sys; p=json.load(sys.stdin); print(p["lot_size"],
	p["code_letter"], p["sample_size"], p["full"], p["ac"], p["re"], p["aql"], p["level"])' <"$WORK/stdout")" \
	"6 A 6 True 0 1 1.0 I"
booklot=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["lot"])' <"$WORK/stdout")

# --- the checker's pages: the lot, each record against its image, the verdict ---------------
T=$WORK/twin
printf 'mật-khẩu-kiem-1\n' | sohoa review user add --batch "$T" kiem >/dev/null 2>&1 ||
	fail "cannot add the checker"
server=
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true; rm -rf "$WORK"' EXIT
review_serve "$T" --listen 127.0.0.1:0
rurl=$url
web() { # PATH [CURL ARGS...]: the HTTP status (body in $WORK/body)
	local path=$1
	shift
	curl -s -o "$WORK/body" -w '%{http_code}' "$@" "$rurl$path"
}
expect_eq "lots need a session" "$(web /lots)" 303
web /login -c "$WORK/jar" >/dev/null
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$WORK/body" | head -1)
web /login -b "$WORK/jar" -c "$WORK/jar" --data-urlencode user=kiem \
	--data-urlencode "password=mật-khẩu-kiem-1" --data-urlencode "csrf=$csrf" >/dev/null
expect_eq "the lots page" "$(web /lots -b "$WORK/jar")" 200
expect_match "lists the book's lot" "$(tr -d '\n' <"$WORK/body")" \
	"<tr data-lot=\"$booklot\" data-state=\"open\">.*birth-2019-01-26740</td><td class=\"n\">6</td>"
expect_eq "no such lot" "$(web /lots/99999 -b "$WORK/jar")" 404
web /lots -b "$WORK/jar" >/dev/null
if grep -q 'id="no-lots"' "$WORK/body"; then fail "the lots page says there is none"; fi
checks=$((checks + 1))
first=$(sql "$T" "SELECT record_id FROM acceptance_members WHERE lot_id = $booklot AND
	sample_pos = 1")
outside=$(sql "$T" "SELECT id FROM records WHERE id NOT IN (SELECT record_id FROM
	acceptance_members WHERE lot_id = $booklot) LIMIT 1")
expect_eq "a record outside the sample" "$(web "/lots/$booklot/records/$outside" -b "$WORK/jar")" 404
expect_eq "a check without the session's token" "$(web "/lots/$booklot/records/$first/check" \
	-b "$WORK/jar" --data-urlencode value=conforms --data-urlencode csrf=forged)" 403
expect_eq "nothing recorded by it" "$(sql "$T" "SELECT count(checker) FROM acceptance_members
	WHERE lot_id = $booklot")" 0

browser_deps
if [ -n "$NODE_DEPS" ]; then
	REVIEW_URL="$rurl/" REVIEW_LOT="$booklot" REVIEW_DEFECT=3 \
		REVIEW_USER="kiem:mật-khẩu-kiem-1" CHROMIUM="$CHROMIUM" NODE_PATH="$NODE_DEPS" \
		node "$BROWSER_SRC/acceptance.test.js" | tee "$WORK/browser.out" ||
		fail "the browser tests failed (server log: $(tail -5 "$WORK/review.err"))"
	checks=$((checks + $(grep -c '^ok:' "$WORK/browser.out")))
	expect_eq "the browser's verdict stored" "$(sql "$T" "SELECT state || ' ' || defects FROM
		acceptance_lots WHERE id = $booklot")" "rejected 1"
	expect_eq "its defect and note" "$(sql "$T" "SELECT sample_pos || '|' || note || '|' ||
		checker FROM acceptance_members WHERE lot_id = $booklot AND defect = 1")" \
		"3|sai tên người mẹ|kiem"
	expect_eq "the book's records back to review" "$(sql "$T" "SELECT count(*) FROM records r
		JOIN acceptance_members m ON m.record_id = r.id WHERE m.lot_id = $booklot AND
		r.status = 'needs_review'")" 6
	# the twin is synced below: its six records are decided again first
	sql "$T" "UPDATE records SET status = 'approved' WHERE id IN (SELECT record_id FROM
		acceptance_members WHERE lot_id = $booklot)"
else
	echo "note: no Chromium or playwright-core: the browser part is not run"
fi
kill "$server"
wait "$server" 2>/dev/null || true
server=
trap 'rm -rf "$WORK"' EXIT

run_status sohoa review sample --batch "$WORK/twin" --lot birth-1999-09-00000
expect_eq "unknown book" "$status" 2
run_status sohoa review sample --batch "$WORK/twin" --lot ALL --aql 0.7
expect_eq "an AQL off the tables" "$status" 1

# --- sync waits for an accepted lot when the policy says so ----------------------------------
H=$WORK/held
registry_start "$WORK/registry.db" --listen 127.0.0.1:0
trap 'registry_stop; rm -rf "$WORK"' EXIT
printf '{"required_before_sync": "yes"' >"$H/acceptance.json"
run_status sohoa sync --batch "$H" --endpoint "$url"
expect_eq "a broken policy stops sync" "$status" 3
expect_match "naming the file" "$(cat "$WORK/stderr")" "acceptance.json: not JSON"
printf '{"aql": "0.65", "level": "II", "lot": "all", "required_before_sync": true}\n' \
	>"$H/acceptance.json"
run_status sohoa sync --batch "$H" --endpoint "$url"
expect_eq "sync held" "$status" 2
expect_match "nothing delivered" "$(cat "$WORK/stdout")" "^sync: 0 delivered"
expect_match "says why" "$(cat "$WORK/stdout")" "79 records not delivered: their lot has no accepted verdict"
expect_eq "nothing synced" "$(sql "$H" "SELECT count(*) FROM records WHERE status = 'synced'")" 0
sohoa review sample --batch "$H" --seed 3 --json >"$WORK/plan3.json" || fail "policy lot"
expect_eq "the policy's lot" "$(python3 -c 'import json,sys; p=json.load(sys.stdin); print(p["series"], p["lot_size"])' <"$WORK/plan3.json")" "ALL 79"
lot3=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["lot"])' <"$WORK/plan3.json")
for id in $(python3 -c 'import json,sys; [print(r["id"]) for r in json.load(sys.stdin)["records"]]' <"$WORK/plan3.json"); do
	sohoa review sample --batch "$H" --check "$lot3" --as kiem "$id" conforms >/dev/null ||
		fail "check $id"
done
run_status sohoa sync --batch "$H" --endpoint "$url"
expect_eq "sync after acceptance" "$status" 0
expect_match "all delivered" "$(cat "$WORK/stdout")" "^sync: 79 delivered"
expect_eq "synced" "$(sql "$H" "SELECT count(*) FROM records WHERE status = 'synced'")" 79
# the built-in policy does not hold sync (today's pipeline): the twin's open lot is no bar
run_status sohoa sync --batch "$WORK/twin" --endpoint "$url"
expect_eq "sync by default" "$status" 0
expect_match "delivers every decided record" "$(cat "$WORK/stdout")" "^sync: 79 delivered"
registry_stop
done_ok

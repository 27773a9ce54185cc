#!/usr/bin/env bash
# sohoa review from the shell on a batch read by the pipeline: the queue and its filters, a
# record shown, a value corrected (made canonical, the reading kept, audited), a stale version
# refused, flags confirmed, approval refused then given, rejection with a reason, and reviewer
# accounts — every outcome checked in the batch store.
source "$(dirname "$0")/lib.sh"

B=$WORK/batch g=$WORK/gen
gen "$g" --seed 71 --pages 1 \
	--book birth --year 2019 --volume 01 --authority 26740 --anomalies \
	--book death --year 2021 --volume 02 --authority 26740 --anomalies 2>/dev/null
mapfile -t specs < <(bookspecs "$g")
sohoa scan --batch "$B" "${specs[@]}" >/dev/null 2>&1 || fail "scan"
sohoa ocr --batch "$B" >/dev/null 2>&1 || fail "ocr"
sohoa validate --batch "$B" >/dev/null 2>&1 || fail "validate"
sohoa normalize --batch "$B" >/dev/null 2>&1 || fail "normalize"

# the queue: every record needing review, in register order; filters
want=$(sql "$B" "SELECT count(*) FROM records WHERE status = 'needs_review'")
[ "$want" -ge 3 ] || fail "fixture: only $want records need review"
sohoa review list --batch "$B" >"$WORK/list" 2>"$WORK/list.err"
expect_eq "queue lines" "$(wc -l <"$WORK/list")" "$want"
expect_eq "queue count" "$(cat "$WORK/list.err")" "$want records"
sohoa review list --batch "$B" --json >"$WORK/q.json"
expect_eq "queue total" "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])' <"$WORK/q.json")" "$want"
code=$(sql "$B" "SELECT code FROM flags f JOIN records r ON r.id = f.record_id WHERE
	r.status = 'needs_review' AND f.state = 'open' GROUP BY code ORDER BY count(*) LIMIT 1")
n=$(sql "$B" "SELECT count(DISTINCT r.id) FROM flags f JOIN records r ON r.id = f.record_id
	WHERE r.status = 'needs_review' AND f.state = 'open' AND f.code = '$code'")
sohoa review list --batch "$B" --flag "$code" --json >"$WORK/qf.json"
python3 - "$WORK/qf.json" "$code" "$n" <<'EOF' || fail "flag filter"
import json, sys
q = json.load(open(sys.argv[1]))
assert q["total"] == int(sys.argv[3]), (q["total"], sys.argv[3])
assert all(sys.argv[2] in it["flags"] for it in q["items"]), q["items"]
EOF
checks=$((checks + 1))
sohoa review list --batch "$B" --book death-2021-02-26740 --json >"$WORK/qb.json"
nd=$(sql "$B" "SELECT count(*) FROM records r JOIN books b ON b.id = r.book_id WHERE
	r.status = 'needs_review' AND b.type = 'death'")
expect_eq "book filter" "$(python3 -c 'import json,sys; q=json.load(sys.stdin); print(q["total"], {i["book"] for i in q["items"]} <= {"death-2021-02-26740"})' <"$WORK/qb.json")" "$nd True"

# a birth record needing review: show, then correct its birth date
id=$(sql "$B" "SELECT r.id FROM records r JOIN books b ON b.id = r.book_id WHERE
	b.type = 'birth' AND r.status = 'needs_review' ORDER BY r.id LIMIT 1")
sohoa review show --batch "$B" --json "$id" >"$WORK/r.json"
v=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])' <"$WORK/r.json")
expect_eq "shown version" "$v" "$(sql "$B" "SELECT version FROM records WHERE id = $id")"
sohoa review show --batch "$B" "$id" >"$WORK/r.txt"
expect_match "shown labels" "$(cat "$WORK/r.txt")" "Ngày, tháng, năm sinh"
raw=$(sql "$B" "SELECT raw FROM fields WHERE record_id = $id AND name = 'child.birth_date'")
run_status sohoa review set --batch "$B" --as lan "$id" child.birth_date "31/02/2019"
expect_eq "impossible date refused" "$status" 2
expect_match "refusal says why" "$(cat "$WORK/stderr")" "lịch"
run_status sohoa review set --batch "$B" --as lan --version "$v" "$id" child.birth_date "9/1/2019"
expect_eq "set" "$status" 0
expect_eq "canonical value, reading kept" \
	"$(sql "$B" "SELECT value || '|' || raw || '|' || source FROM fields WHERE
		record_id = $id AND name = 'child.birth_date'")" "2019-01-09|$raw|archivist"
expect_eq "audited" "$(sql "$B" "SELECT actor || '|' || action || '|' || field || '|' || after
	FROM audit WHERE record_id = $id ORDER BY id DESC LIMIT 1")" "lan|set|child.birth_date|2019-01-09"
run_status sohoa review set --batch "$B" --as minh --version "$v" "$id" child.birth_date "10/1/2019"
expect_eq "stale version refused" "$status" 2
expect_match "conflict names who" "$(cat "$WORK/stderr")" "lan"
expect_eq "value kept" "$(sql "$B" "SELECT value FROM fields WHERE record_id = $id AND
	name = 'child.birth_date'")" "2019-01-09"

# approval waits for the open errors; confirming them as written lets it through
if [ "$(sql "$B" "SELECT count(*) FROM flags WHERE record_id = $id AND state = 'open' AND
	severity = 'error'")" -gt 0 ]; then
	run_status sohoa review approve --batch "$B" --as lan "$id"
	expect_eq "approve with open errors" "$status" 2
	for f in $(sql "$B" "SELECT id FROM flags WHERE record_id = $id AND state = 'open'"); do
		sohoa review verify --batch "$B" --as lan "$id" "$f" >/dev/null || fail "verify $f"
	done
fi
run_status sohoa review approve --batch "$B" --as lan "$id"
expect_eq "approve" "$status" 0
expect_eq "approved" "$(sql "$B" "SELECT status FROM records WHERE id = $id")" approved
sohoa export --batch "$B" --format jsonl --out "$WORK/x.jsonl"
expect_eq "export shows approval" "$(python3 -c "
import json,sys
for l in open('$WORK/x.jsonl'):
    r = json.loads(l)
    if r['status'] == 'approved': print(r['fields']['child.birth_date']['value'])")" "2019-01-09"

# rejection needs a reason
id2=$(sql "$B" "SELECT id FROM records WHERE status = 'needs_review' ORDER BY id LIMIT 1")
run_status sohoa review reject --batch "$B" "$id2"
expect_eq "reject without reason" "$status" 1
run_status sohoa review reject --batch "$B" --as lan --reason "Dòng bị gạch bỏ trong sổ" "$id2"
expect_eq "reject" "$status" 0
expect_eq "rejected" "$(sql "$B" "SELECT status || '|' || reject_reason FROM records WHERE
	id = $id2")" "rejected|Dòng bị gạch bỏ trong sổ"

# after a correction the book's rules see every entry, settled or not: four entries in register
# order — 56 approved, one under review, 57 synced, 58 under review; correcting the second to
# 56 makes it a duplicate of the approved one, and 58 follows the synced 57 (no gap)
mapfile -t four < <(sql "$B" "SELECT r.id FROM records r JOIN books b ON b.id = r.book_id
	JOIN pages p ON p.id = r.page_id WHERE b.type = 'birth'
	ORDER BY p.scan_file_id DESC, p.page_index DESC, r.row DESC LIMIT 4" | tac)
[ "${#four[@]}" -eq 4 ] || fail "fixture: fewer than 4 birth entries"
i=0
for n in 56 60 57 58; do
	# as a person set it: a number in a handwritten cell counts only once keyed
	sql "$B" "UPDATE fields SET value = '$n', raw = '$n', source = 'archivist' WHERE
		record_id = ${four[$i]} AND name = 'registration_number'"
	i=$((i + 1))
done
sql "$B" "UPDATE records SET status = 'approved' WHERE id = ${four[0]};
	UPDATE records SET status = 'synced' WHERE id = ${four[2]};
	UPDATE records SET status = 'needs_review' WHERE id IN (${four[1]}, ${four[3]})"
run_status sohoa review set --batch "$B" --as lan "${four[1]}" registration_number 56
expect_eq "correct the number" "$status" 0
open_flags() {
	sql "$B" "SELECT group_concat(code, ' ') FROM (SELECT code FROM flags WHERE
		record_id = $1 AND state = 'open' AND code LIKE 'SEQUENCE%' ORDER BY code)"
}
expect_eq "a duplicate of the approved entry" "$(open_flags "${four[1]}")" "SEQUENCE_DUPLICATE"
expect_eq "58 after the synced 57: no gap" "$(open_flags "${four[3]}")" ""
expect_eq "the settled entries keep their status" "$(sql "$B" "SELECT group_concat(status, ' ')
	FROM (SELECT status FROM records WHERE id IN (${four[0]}, ${four[2]}) ORDER BY id)")" \
	"approved synced"

# accounts: password from standard input, hashed; bad ones refused
printf 'mat-khau-dai\n' | sohoa review user add --batch "$B" lan >/dev/null || fail "user add"
run_status sohoa review user add --batch "$B" lan </dev/null
expect_eq "no password" "$status" 1
printf 'ngan\n' >"$WORK/pw"
run_status sohoa review user add --batch "$B" minh <"$WORK/pw"
expect_eq "weak password" "$status" 2
printf 'mat-khau-dai\n' >"$WORK/pw"
run_status sohoa review user add --batch "$B" lan <"$WORK/pw"
expect_eq "name taken" "$status" 2
expect_eq "hash" "$(sql "$B" "SELECT substr(hash, 1, 3) FROM reviewers WHERE name = 'lan'")" '$y$'
expect_match "list" "$(sohoa review user list --batch "$B")" "^lan +created .* last login never"
run_status sohoa review user remove --batch "$B" lan
expect_eq "remove" "$status" 0
run_status sohoa review user remove --batch "$B" lan
expect_eq "remove again" "$status" 2

# usage
run_status sohoa review frobnicate --batch "$B"
expect_eq "unknown command" "$status" 1
run_status sohoa review show --batch "$B" 999999
expect_eq "no such record" "$status" 2
run_status sohoa review list --batch "$WORK/none"
expect_eq "no batch" "$status" 3
done_ok

#!/usr/bin/env bash
# A cluster task (sohoa cluster task), as Slurm or GNU parallel runs it: the batch is taken
# (a lock beside it), copied to scratch, run there and put back whole. A task stopped by
# SIGTERM in the middle (preemption, scancel) ends 143 with the batch put back as far as it
# got and the lock gone; run again it resumes and the batch ends with exactly the records a
# single `sohoa run` of the same scans gives. A batch another task holds is refused, untouched.
. "$(dirname "$0")/lib.sh"

g=$WORK/gen
gen "$g" --seed 83 --pages 6 --book birth --year 2019 --volume 01 --authority 26740 2>/dev/null
night_ini kill-test birth:gen/manifest.ini

# stopped in the middle
sohoa cluster task "$WORK/night.ini" --index 0 --jobs 1 --task-id 77_0 >"$WORK/task1.out" 2>&1 &
task=$!
db=
for _ in $(seq 600); do
	db=$(ls "$WORK"/scratch/birth.77_0.*/batch.db 2>/dev/null | head -1 || true)
	[ -n "$db" ] && [ "$(sqlite3 "$db" "SELECT count(*) FROM stage_units WHERE stage = 'ocr'
		AND state = 'done'" 2>/dev/null || echo 0)" -ge 2 ] && break
	sleep 0.1
done
[ -n "$db" ] || fail "the task did not start: $(cat "$WORK/task1.out")"
expect_match "while it runs, the lock names the task" "$(cat "$WORK/shared/birth.lock")" "^task 77_0 host "
kill -TERM "$task"
set +e
wait "$task"
status=$?
set -e
expect_eq "stopped: exit 143, to be requeued" "$status" 143
expect_match "it says so" "$(cat "$WORK/task1.out")" "task stopped \(to be requeued\)"
[ ! -e "$WORK/shared/birth.lock" ] || fail "the lock is left behind"
[ -z "$(ls "$WORK/scratch")" ] || fail "the scratch copy is left behind: $(ls "$WORK/scratch")"
done1=$(sql "$WORK/shared/birth" "SELECT count(*) FROM stage_units WHERE stage = 'ocr' AND state = 'done'")
[ "$done1" -ge 2 ] && [ "$done1" -lt 6 ] || fail "the shared copy holds $done1 pages read, not part of the 6"
checks=$((checks + 1))
expect_eq "the shared copy is whole" "$(sql "$WORK/shared/birth" "PRAGMA integrity_check")" ok

# another task holds it: refused, nothing changed
printf 'task 99_0 host elsewhere pid 1 since 2026-12-04T00:00:00Z\n' >"$WORK/shared/birth.lock"
before=$(sql "$WORK/shared/birth" "SELECT count(*) FROM records")
run_status sohoa cluster task "$WORK/night.ini" --index 0 --task-id 77_0
expect_eq "held by another task: exit 3" "$status" 3
expect_match "naming it" "$(cat "$WORK/stderr")" "held by another task .*task 99_0 host elsewhere"
expect_eq "its lock and the batch untouched" "$(cut -c1-9 "$WORK/shared/birth.lock")|$(sql "$WORK/shared/birth" "SELECT count(*) FROM records")" "task 99_0|$before"
rm "$WORK/shared/birth.lock"

# requeued: the same task resumes where it stopped (the lock its earlier attempt left on this
# node, its process gone, is taken over)
printf 'task 77_0 host %s pid 2147483 since 2026-12-04T00:00:00Z\n' "$(hostname)" >"$WORK/shared/birth.lock"
SLURM_ARRAY_JOB_ID=77 SLURM_ARRAY_TASK_ID=0 SLURM_CPUS_PER_TASK=2 \
	run_status sohoa cluster task "$WORK/night.ini"
expect_eq "requeued: complete" "$status" 0
expect_match "from Slurm's variables: the same task" "$(cat "$WORK/stderr")" "scratch/birth.77_0\.[0-9]+"
expect_eq "nothing read twice" "$(sql "$WORK/shared/birth" "SELECT count(*) FROM stage_units WHERE
	stage = 'ocr' AND state = 'done'")|$(sql "$WORK/shared/birth" "SELECT count(*) FROM (SELECT page_id, row
	FROM records GROUP BY page_id, row HAVING count(*) > 1)")" "6|0"

# the same records as one sohoa run of the same scans
sohoa run --batch "$WORK/single" --manifest "$g/manifest.ini" --jobs 2 --no-sync >/dev/null 2>&1 ||
	[ $? -eq 2 ] || fail "the single run"
records() {
	sql "$1" "SELECT p.page_index || '/' || r.row || ' ' || r.status || ' ' ||
		group_concat(f.name || '=' || coalesce(f.value, f.raw, ''), '|')
		FROM records r JOIN pages p ON p.id = r.page_id
		JOIN (SELECT * FROM fields ORDER BY name) f ON f.record_id = r.id
		GROUP BY r.id ORDER BY p.page_index, r.row"
}
expect_eq "the task's records are a single run's" "$(records "$WORK/shared/birth")" \
	"$(records "$WORK/single")"
expect_eq "the night's view: done" "$(sohoa cluster status "$WORK/night.ini" --json |
	python3 -c "import json,sys; d=json.load(sys.stdin); print(d['tasks'], d['pages']['done'])")" \
	"{'done': 1} 6"
done_ok

#!/usr/bin/env bash
# A night on a real Slurm, started here by hand (munged, slurmctld and slurmd with a
# configuration of the test's own: one node, one partition, no accounting, no systemd) and
# stopped at the end: three generated batches submitted as a job array throttled with %2
# (sohoa cluster submit --engine slurm); one task is requeued in the middle of its run
# (scontrol requeue: SIGTERM, then back in the queue) and resumes. At the end every batch
# holds exactly the records a single `sohoa run` of the same scans gives, nothing read twice;
# the night's end (a job after the array) delivers them to a registry on loopback, each once;
# and the night's report lists the three.
. "$(dirname "$0")/../stage/lib.sh"

. "$(dirname "$0")/slurm.sh"
missing=$(slurm_missing)
[ -z "$missing" ] || { echo "SKIP: $missing not installed (tests/deps installs slurm-wlm and munge)"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: the test's Slurm runs as root"; exit 77; }
trap 'slurm_stop; rm -rf "$WORK"' EXIT
slurm_start

# --- the night ---------------------------------------------------------------------------------
gen "$WORK/g1" --seed 87 --pages 1 --book birth --year 2019 --volume 01 --authority 26740 2>/dev/null
gen "$WORK/g2" --seed 88 --pages 1 --book death --year 2021 --volume 01 --authority 26740 2>/dev/null
gen "$WORK/g3" --seed 89 --pages 5 --book birth --year 2020 --volume 02 --authority 26740 2>/dev/null
registry_start "$WORK/registry.db" --listen 127.0.0.1:0
trap 'registry_stop; slurm_stop; rm -rf "$WORK"' EXIT
night_ini slurm-test endpoint="$url" births:g1/manifest.ini deaths:g2/manifest.ini \
	long:g3/manifest.ini
run_status sohoa cluster submit --engine slurm "$WORK/night.ini" --max-parallel 2 --cpus-per-task 1
expect_eq "submitted" "$status" 0
job=$(sed -n 1p "$WORK/stdout")
end=$(sed -n 2p "$WORK/stdout")
expect_match "the job ids: the array's, the night's end's" "$job $end" "^[0-9]+ [0-9]+$"
expect_match "how to follow them" "$(cat "$WORK/stderr")" "squeue -j $job,$end"
expect_match "the night's end runs after every task" "$(scontrol show job "$end" 2>/dev/null)" \
	"Dependency=afterany:${job}_\*"
expect_match "its script: sohoa cluster finish" "$(cat "$WORK/night.end.slurm.sh")" \
	"cluster finish '$WORK/night.ini'"
expect_match "the job script: an array of 3 throttled to 2, requeued" "$(cat "$WORK/night.slurm.sh")" \
	"#SBATCH --array=0-2%2.*#SBATCH --requeue"
# never more than two tasks at once
most=0
db=
for _ in $(seq 600); do
	running=$(squeue -h -j "$job" -t R 2>/dev/null | wc -l || true)
	[ "$running" -le "$most" ] || most=$running
	db=$(ls "$WORK"/scratch/long.*/batch.db 2>/dev/null | head -1 || true)
	[ -n "$db" ] && [ "$(sqlite3 "$db" "SELECT count(*) FROM stage_units WHERE stage = 'ocr'
		AND state = 'done'" 2>/dev/null || echo 0)" -ge 1 ] && break
	sleep 0.2
done
[ -n "$db" ] || fail "the long batch's task never ran: $(squeue 2>&1)"
# requeued in the middle: SIGTERM, the batch put back, the task back in the queue
scontrol requeue "${job}_2" || fail "scontrol requeue"
for _ in $(seq 100); do
	squeue -h -j "${job}_2" -t PD 2>/dev/null | grep -q . && break
	sleep 0.2
done
scontrol update JobId="${job}_2" StartTime=now >/dev/null 2>&1 || true
for _ in $(seq 1500); do
	n=$(squeue -h -j "$job" 2>/dev/null | wc -l || true)
	running=$(squeue -h -j "$job" -t R 2>/dev/null | wc -l || true)
	[ "$running" -le "$most" ] || most=$running
	[ "$n" -eq 0 ] && break
	sleep 0.2
done
[ "$(squeue -h -j "$job" 2>/dev/null | wc -l)" -eq 0 ] || fail "the night did not end: $(squeue 2>&1)"
expect_eq "at most two tasks ran at once" "$((most <= 2))" 1
expect_match "the requeued task restarted" "$(scontrol show job "${job}_2" 2>/dev/null)" "Restarts=1"
states=$(scontrol show job "$job" 2>/dev/null | grep -o "JobId=[0-9]* ArrayTaskId=[0-9]*\|JobState=[A-Z_]*\|Reason=[^ ]*\|ExitCode=[0-9:]*" | paste -sd" ")
[ "$(grep -o JobState=COMPLETED <<<"$states" | wc -l)" -eq 3 ] || tail -n 30 "$WORK"/night-*.log >&2
expect_eq "and every task completed ($states)" "$(grep -o JobState=COMPLETED <<<"$states" | wc -l)" 3
for _ in $(seq 600); do
	[ "$(squeue -h -j "$end" 2>/dev/null | wc -l)" -eq 0 ] && break
	sleep 0.2
done
expect_match "then the night's end ran and completed" \
	"$(scontrol show job "$end" 2>/dev/null)" "JobState=COMPLETED"

# the same records as single runs, nothing read twice
for b in births:g1 deaths:g2 long:g3; do
	sohoa run --batch "$WORK/single-${b%%:*}" --manifest "$WORK/${b#*:}/manifest.ini" \
		--no-sync --jobs 1 >/dev/null 2>&1 || [ $? -eq 2 ] || fail "single run ${b%%:*}"
	# delivered at the night's end: synced where the single run (no sync) left them valid
	q="SELECT group_concat(p.page_index || '/' || r.row || replace(r.status, 'synced', 'valid') || f.name ||
		coalesce(f.value, f.raw, ''), '|') FROM records r JOIN pages p ON p.id = r.page_id
		JOIN fields f ON f.record_id = r.id ORDER BY p.page_index, r.row, f.name"
	expect_eq "${b%%:*}: the records of a single run" "$(sql "$WORK/shared/${b%%:*}" "$q")" \
		"$(sql "$WORK/single-${b%%:*}" "$q")"
	expect_eq "${b%%:*}: no entry twice" "$(sql "$WORK/shared/${b%%:*}" "SELECT count(*) FROM
		(SELECT 1 FROM records GROUP BY page_id, row HAVING count(*) > 1)")" 0
	expect_eq "${b%%:*}: every valid record delivered" \
		"$(sql "$WORK/shared/${b%%:*}" "SELECT count(*) FROM records WHERE status = 'synced'")" \
		"$(sql "$WORK/single-${b%%:*}" "SELECT count(*) FROM records WHERE status = 'valid'")"
	synced=$((${synced:-0} + $(sql "$WORK/shared/${b%%:*}" "SELECT count(*) FROM records
		WHERE status = 'synced'")))
done
[ "$synced" -gt 0 ] || fail "nothing delivered"
expect_eq "the registry holds each delivered record once" \
	"$(sqlite3 -batch "$WORK/registry.db" "SELECT count(*), count(DISTINCT idempotency_key) FROM records")" \
	"$synced|$synced"
[ ! -e "$WORK/shared/long.lock" ] || fail "a lock is left behind"
run_status sohoa cluster report "$WORK/night.ini" --out "$WORK/night.html"
expect_eq "the night's report lists the three, done" "$status|$(grep -o '<tr data-batch="[a-z]*" data-state="done">' "$WORK/night.html" | wc -l)" "0|3"
done_ok

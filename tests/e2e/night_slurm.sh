#!/usr/bin/env bash
# A night on a real Slurm, started here by hand (munged, slurmctld and slurmd with a
# configuration of the test's own: one node, one partition, no accounting, no systemd) and
# stopped at the end: three generated batches submitted as a job array throttled with %2
# (sohoa cluster submit --engine slurm); one task is requeued in the middle of its run
# (scontrol requeue: SIGTERM, then back in the queue) and resumes. At the end every batch
# holds exactly the records a single `sohoa run` of the same scans gives, nothing read twice,
# and the night's report lists the three.
. "$(dirname "$0")/../stage/lib.sh"

for p in munged slurmctld slurmd sbatch squeue scontrol; do
	command -v "$p" >/dev/null || { echo "SKIP: $p is not installed (tests/deps installs slurm-wlm and munge)"; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "SKIP: the test's Slurm runs as root"; exit 77; }

# --- a Slurm of the test's own -------------------------------------------------------------
S=$WORK/slurm
mkdir -p "$S/state" "$S/spool" "$S/log"
head -c 1024 /dev/urandom >"$S/munge.key"
chmod 600 "$S/munge.key"
munged -f --key-file="$S/munge.key" -S "$S/munge.sock" --log-file="$S/log/munged.log" \
	--pid-file="$S/munged.pid" --seed-file="$S/munged.seed" || fail "munged did not start"
stop_slurm() {
	[ -z "${SLURM_CONF:-}" ] || scancel --quiet --user=root 2>/dev/null || true
	for pid in "$S/slurmd.pid" "$S/slurmctld.pid" "$S/munged.pid"; do
		[ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
	done
	sleep 0.5
}
trap 'stop_slurm; rm -rf "$WORK"' EXIT
read -r port1 port2 < <(python3 -c "import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(('127.0.0.1', 0))
print(*(x.getsockname()[1] for x in s))")
host=$(hostname -s)
mem=$(awk '/MemTotal/ { print int($2 / 1024 / 2) }' /proc/meminfo)
cat >"$S/slurm.conf" <<CONF
ClusterName=sohoatest
SlurmctldHost=$host
SlurmctldPort=$port1
SlurmdPort=$port2
AuthType=auth/munge
AuthInfo=socket=$S/munge.sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
NodeName=$host CPUs=2 RealMemory=$mem State=UNKNOWN
PartitionName=night Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$S/slurm.conf
slurmctld -f "$SLURM_CONF" -i || fail "slurmctld did not start: $(tail -3 "$S/log/slurmctld.log")"
slurmd -f "$SLURM_CONF" || fail "slurmd did not start: $(tail -3 "$S/log/slurmd.log")"
for _ in $(seq 120); do
	sinfo -h -o '%t' 2>/dev/null | grep -q idle && break
	sleep 0.5
done
[ "$(sinfo -h -o '%t' 2>/dev/null)" == idle ] || fail "the node is not idle: $(sinfo 2>&1; tail -3 "$S/log/slurmd.log")"

# --- the night ---------------------------------------------------------------------------------
gen "$WORK/g1" --seed 87 --pages 1 --book birth --year 2019 --volume 01 --authority 26740 2>/dev/null
gen "$WORK/g2" --seed 88 --pages 1 --book death --year 2021 --volume 01 --authority 26740 2>/dev/null
gen "$WORK/g3" --seed 89 --pages 5 --book birth --year 2020 --volume 02 --authority 26740 2>/dev/null
cat >"$WORK/night.ini" <<INI
[night]
name = slurm-test
scratch = $WORK/scratch
[batch births]
dir = shared/births
manifest = g1/manifest.ini
[batch deaths]
dir = shared/deaths
manifest = g2/manifest.ini
[batch long]
dir = shared/long
manifest = g3/manifest.ini
INI
mkdir -p "$WORK/shared"
run_status sohoa cluster submit --engine slurm "$WORK/night.ini" --max-parallel 2 --cpus-per-task 1
expect_eq "submitted" "$status" 0
job=$(cat "$WORK/stdout")
expect_match "the job id" "$job" "^[0-9]+$"
expect_match "how to follow it" "$(cat "$WORK/stderr")" "squeue -j $job"
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
expect_eq "and every task completed" "$(scontrol show job "$job" 2>/dev/null | grep -c 'JobState=COMPLETED')" 3

# the same records as single runs, nothing read twice
for b in births:g1 deaths:g2 long:g3; do
	sohoa run --batch "$WORK/single-${b%%:*}" --manifest "$WORK/${b#*:}/manifest.ini" \
		--no-sync --jobs 1 >/dev/null 2>&1 || [ $? -eq 2 ] || fail "single run ${b%%:*}"
	q="SELECT group_concat(p.page_index || '/' || r.row || r.status || f.name ||
		coalesce(f.value, f.raw, ''), '|') FROM records r JOIN pages p ON p.id = r.page_id
		JOIN fields f ON f.record_id = r.id ORDER BY p.page_index, r.row, f.name"
	expect_eq "${b%%:*}: the records of a single run" "$(sql "$WORK/shared/${b%%:*}" "$q")" \
		"$(sql "$WORK/single-${b%%:*}" "$q")"
	expect_eq "${b%%:*}: no entry twice" "$(sql "$WORK/shared/${b%%:*}" "SELECT count(*) FROM
		(SELECT 1 FROM records GROUP BY page_id, row HAVING count(*) > 1)")" 0
done
[ ! -e "$WORK/shared/long.lock" ] || fail "a lock is left behind"
run_status sohoa cluster report "$WORK/night.ini" --out "$WORK/night.html"
expect_eq "the night's report lists the three, done" "$status|$(grep -o '<tr data-batch="[a-z]*" data-state="done">' "$WORK/night.html" | wc -l)" "0|3"
done_ok

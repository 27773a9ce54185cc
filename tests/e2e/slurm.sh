# A Slurm of one's own on this machine (sourced by the night_slurm test and the cluster
# benchmark): munged, slurmctld and slurmd started by hand with a configuration in a scratch
# directory — one node with this machine's CPUs, one partition "night", no accounting
# database, no systemd — and stopped by slurm_stop. Needs root, WORK (a scratch directory)
# and a function fail. Sets SLURM_CONF (exported) and S (the Slurm's directory).

# slurm_missing: the programs a Slurm of one's own needs that are not installed, or nothing
slurm_missing() {
	local p
	for p in munged slurmctld slurmd sbatch squeue scontrol sinfo scancel; do
		command -v "$p" >/dev/null || printf '%s ' "$p"
	done
}

slurm_stop() {
	[ -z "${SLURM_CONF:-}" ] || scancel --quiet --user=root 2>/dev/null || true
	local pid
	for pid in "$S/slurmd.pid" "$S/slurmctld.pid" "$S/munged.pid"; do
		[ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
	done
	sleep 0.5
}

slurm_start() {
	S=$WORK/slurm
	mkdir -p "$S/state" "$S/spool" "$S/log"
	head -c 1024 /dev/urandom >"$S/munge.key"
	chmod 600 "$S/munge.key"
	munged -f --key-file="$S/munge.key" -S "$S/munge.sock" --log-file="$S/log/munged.log" \
		--pid-file="$S/munged.pid" --seed-file="$S/munged.seed" || fail "munged did not start"
	local port1 port2 host mem cpus
	read -r port1 port2 < <(python3 -c "import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(('127.0.0.1', 0))
print(*(x.getsockname()[1] for x in s))")
	host=$(hostname -s)
	mem=$(awk '/MemTotal/ { print int($2 / 1024 / 2) }' /proc/meminfo)
	cpus=$(nproc)
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
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=night Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
	export SLURM_CONF=$S/slurm.conf
	slurmctld -f "$SLURM_CONF" -i || fail "slurmctld did not start: $(tail -3 "$S/log/slurmctld.log")"
	slurmd -f "$SLURM_CONF" || fail "slurmd did not start: $(tail -3 "$S/log/slurmd.log")"
	for _ in $(seq 120); do
		sinfo -h -o '%t' 2>/dev/null | grep -q idle && break
		sleep 0.5
	done
	[ "$(sinfo -h -o '%t' 2>/dev/null)" == idle ] ||
		fail "the node is not idle: $(sinfo 2>&1; tail -3 "$S/log/slurmd.log")"
}

# slurm_wait JOB...: until none of the jobs is in the queue (at most an hour)
slurm_wait() {
	local ids
	ids=$(IFS=,; echo "$*")
	for _ in $(seq 18000); do
		[ "$(squeue -h -j "$ids" 2>/dev/null | wc -l)" -eq 0 ] && return 0
		sleep 0.2
	done
	return 1
}

#!/usr/bin/env bash
# Sync under faults, over HTTPS on loopback: the sync process killed with SIGKILL at random
# moments (at least 20 times) and restarted until done; the server killed and restarted
# mid-run; 20% of answers 500; answers slower than the client's timeout; dropped connections;
# two sync processes on one batch at once. After each: the server holds exactly the records
# the batch says are synced, once each, with the batch's content and remote ids, and every
# record ends as it did in a run without faults.
. "$(dirname "$0")/../stage/lib.sh"

F="$WORK/fixture"
sync_fixture "$F" 11
test_ca
cd "$WORK"
printf 'writer-token write\n' >tokens
printf 'writer-token\n' >token
chmod 600 token
total=$(sql "$F" "SELECT count(*) FROM records WHERE status IN ('valid', 'approved')")
[ "$total" -ge 160 ] || fail "the fixture has only $total deliverable records"

serve() { # DB ARGS...
	local db=$1
	shift
	registry_start "$db" --tokens tokens --cert server.pem --key server.key "$@"
}
sync_run() { # BATCH ARGS...: one sync run, its exit code in $status
	local b=$1
	shift
	run_status sohoa sync --batch "$b" --endpoint "$url" --token-file token --cacert ca.pem \
		--quiet "$@"
}
check() { # NAME BATCH REGISTRY: the batch and the server agree, and end as the reference
	sohoa export --batch "$2" --format jsonl --out "$WORK/$1.jsonl" 2>/dev/null
	python3 "$SOHOA_SOURCE/tests/stage/sync_check.py" "$2" "$WORK/$1.jsonl" "$3" \
		--like "$WORK/reference" >"$WORK/$1.check" 2>&1 || fail "$1: $(cat "$WORK/$1.check")"
	checks=$((checks + 1))
	echo "$1: $(cat "$WORK/$1.check")"
}
fresh() { rm -rf "$WORK/$1"; cp -r "$F" "$WORK/$1"; }

# the reference: the same batch synced without faults
fresh reference
serve "$WORK/ref.db" --listen 127.0.0.1:0
sync_run "$WORK/reference"
[ "$status" -le 2 ] || fail "reference run: exit $status: $(cat "$WORK/stderr")"
registry_stop
synced=$(sql "$WORK/reference" "SELECT count(*) FROM records WHERE status = 'synced'")
[ "$synced" -ge 100 ] || fail "the reference delivered only $synced records"
python3 "$SOHOA_SOURCE/tests/stage/sync_check.py" "$WORK/reference" \
	<(sohoa export --batch "$WORK/reference" --format jsonl 2>/dev/null) "$WORK/ref.db" \
	>/dev/null || fail "the reference run itself is inconsistent"

# --- kill -9 the sync process at random moments ------------------------------------------
fresh kill
serve "$WORK/kill.db" --listen 127.0.0.1:0 --fault-delay 400
RANDOM=7
kills=0 midrun=0 runs=0
while :; do
	runs=$((runs + 1))
	[ "$runs" -le 200 ] || fail "kill: still not done after 200 runs"
	size=$(( runs % 3 == 0 ? 5 : 1 ))
	sohoa sync --batch "$WORK/kill" --endpoint "$url" --token-file token --cacert ca.pem \
		--quiet --batch-size "$size" --in-flight 4 >/dev/null 2>"$WORK/kill-run.err" &
	pid=$!
	if [ "$kills" -lt 25 ]; then
		sleep "0.$(printf '%02d' $((RANDOM % 45 + 5)))"
		if kill -9 "$pid" 2>/dev/null; then
			kills=$((kills + 1))
			left=$(sql "$WORK/kill" "SELECT count(*) FROM outbox WHERE state = 'queued'")
			[ "$left" -gt 0 ] && midrun=$((midrun + 1))
		fi
		set +e
		wait "$pid" 2>/dev/null
		status=$?
		set -e
		[ "$status" -eq 137 ] || [ "$status" -le 2 ] ||
			fail "kill: a run exited $status: $(cat "$WORK/kill-run.err")"
	else
		set +e
		wait "$pid"
		status=$?
		set -e
		[ "$status" -le 2 ] || fail "kill: the last run exited $status"
		break
	fi
done
registry_stop
echo "kill: $kills kills, $midrun with records still queued, $runs runs"
[ "$midrun" -ge 20 ] || fail "kill: only $midrun kills landed mid-run"
check kill "$WORK/kill" "$WORK/kill.db"

# --- the server killed and restarted mid-run, twice ---------------------------------------
fresh restart
serve "$WORK/restart.db" --listen 127.0.0.1:0 --fault-delay 200
port=${url##*:}
sohoa sync --batch "$WORK/restart" --endpoint "$url" --token-file token --cacert ca.pem \
	--quiet --retry-for 120 --backoff 100 >"$WORK/restart.out" 2>&1 &
pid=$!
for round in 1 2; do
	sleep 0.8
	kill -9 "$server"
	wait "$server" 2>/dev/null || true
	sleep 0.5
	serve "$WORK/restart.db" --listen "127.0.0.1:$port" --fault-delay 200
done
set +e
wait "$pid"
status=$?
set -e
registry_stop
[ "$status" -le 2 ] || fail "restart: sync exited $status: $(cat "$WORK/restart.out")"
expect_match "restart: sync retried" "$(cat "$WORK/restart.out")" "[1-9][0-9]* retries"
check restart "$WORK/restart" "$WORK/restart.db"

# --- 20% of answers are 500 ----------------------------------------------------------------
fresh e500
serve "$WORK/e500.db" --listen 127.0.0.1:0 --fault-500 0.2 --seed 5
sync_run "$WORK/e500" --backoff 20
registry_stop
[ "$status" -le 2 ] || fail "500s: exit $status"
expect_match "500s: retried" "$(cat "$WORK/stdout")" "[1-9][0-9]* retries"
check e500 "$WORK/e500" "$WORK/e500.db"

# --- answers slower than the timeout: left queued (the circuit opens, the retry budget runs
# out), then delivered --------------------------------------------------------------------
fresh slow
serve "$WORK/slow.db" --listen 127.0.0.1:0 --fault-delay 2500
port=${url##*:}
sync_run "$WORK/slow" --timeout 1 --retry-for 3 --backoff 200
expect_eq "slow: exit 2 (left queued)" "$status" 2
expect_match "slow: the timeout recorded" \
	"$(sql "$WORK/slow" "SELECT last_error FROM outbox WHERE state = 'queued' AND last_error IS NOT NULL LIMIT 1")" "[Tt]imeout|timed out"
expect_eq "slow: nothing synced" "$(sql "$WORK/slow" "SELECT count(*) FROM records WHERE status = 'synced'")" 0
sleep 3   # the server finishes storing what it was answering too late
registry_stop
stored=$(sqlite3 "$WORK/slow.db" "SELECT count(*) FROM records")
[ "$stored" -gt 0 ] || fail "slow: the server stored nothing (the case is not exercised)"
serve "$WORK/slow.db" --listen "127.0.0.1:$port"
sync_run "$WORK/slow"
registry_stop
[ "$status" -le 2 ] || fail "slow, then fast: exit $status"
expect_match "slow: what the server had stored is acknowledged, not duplicated" \
	"$(cat "$WORK/stdout")" "\(.* $stored already there\)"
check slow "$WORK/slow" "$WORK/slow.db"

# --- dropped connections --------------------------------------------------------------------
fresh drop
serve "$WORK/drop.db" --listen 127.0.0.1:0 --fault-drop 0.3 --seed 9
sync_run "$WORK/drop" --backoff 20 --batch-size 3
registry_stop
[ "$status" -le 2 ] || fail "drops: exit $status"
check drop "$WORK/drop" "$WORK/drop.db"

# --- SIGTERM: a clean stop (143), what was acknowledged kept, nothing held ----------------
fresh term
serve "$WORK/term.db" --listen 127.0.0.1:0 --fault-delay 300
sohoa sync --batch "$WORK/term" --endpoint "$url" --token-file token --cacert ca.pem \
	--quiet --in-flight 4 >"$WORK/term.out" 2>&1 &
pid=$!
sleep 1.5
kill -TERM "$pid"
set +e
wait "$pid"
status=$?
set -e
expect_eq "term: exit 143" "$status" 143
expect_eq "term: no lease left behind" \
	"$(sql "$WORK/term" "SELECT count(*) FROM outbox WHERE owner IS NOT NULL")" 0
expect_eq "term: stopped part way" \
	"$(sql "$WORK/term" "SELECT count(*) > 0 FROM outbox WHERE state = 'queued'")" 1
sync_run "$WORK/term"
registry_stop
[ "$status" -le 2 ] || fail "term: the next run exited $status"
check term "$WORK/term" "$WORK/term.db"

# --- two sync processes on one batch at once --------------------------------------------------
fresh two
serve "$WORK/two.db" --listen 127.0.0.1:0 --fault-delay 50
sohoa sync --batch "$WORK/two" --endpoint "$url" --token-file token --cacert ca.pem \
	--quiet >"$WORK/two-a.out" 2>&1 &
a=$!
sohoa sync --batch "$WORK/two" --endpoint "$url" --token-file token --cacert ca.pem \
	--quiet >"$WORK/two-b.out" 2>&1 &
b=$!
wait "$a" || [ $? -le 2 ] || fail "two: the first exited badly: $(cat "$WORK/two-a.out")"
wait "$b" || [ $? -le 2 ] || fail "two: the second exited badly: $(cat "$WORK/two-b.out")"
registry_stop
sent=$(cat "$WORK/two-a.out" "$WORK/two-b.out" | sed -n 's/.*; \([0-9]*\) requests.*/\1/p' |
	awk '{ s += $1 } END { print s }')
expect_eq "two: each record sent once between them" "$sent" \
	"$(sql "$WORK/reference" "SELECT count(*) FROM outbox WHERE state IN ('acked', 'refused')")"
check two "$WORK/two" "$WORK/two.db"
done_ok

#!/usr/bin/env bash
# `sohoa run` killed with SIGKILL at random moments across all its stages (at least 20 times;
# the stages and their workers die with it), then run again until it completes: the final
# store and the registry equal those of an uninterrupted run — every page read once, every
# record with the same fields, flags and status, every deliverable record delivered once.
. "$(dirname "$0")/../stage/lib.sh"

g=$WORK/gen
gen "$g" --seed 61 --pages 2 \
	--book birth --year 2019 --volume 01 --authority 26740 \
	--book marriage --year 2020 --volume 01 --authority 26740 \
	--book death --year 2021 --volume 02 --authority 26740 \
	--book parentage --year 2022 --volume 01 --authority 26740 2>/dev/null

# what a store holds, in a form two batches can be compared by
snapshot() {
	sql "$1" "SELECT p.page_index, f.name, p.state, p.sha256 FROM pages p JOIN scan_files f
		ON f.id = p.scan_file_id ORDER BY 2, 1"
	sql "$1" "SELECT f.name, p.page_index, r.row, r.status, d.name, d.raw, d.value, d.code,
		round(d.confidence, 3) FROM records r JOIN pages p ON p.id = r.page_id
		JOIN scan_files f ON f.id = p.scan_file_id JOIN fields d ON d.record_id = r.id
		ORDER BY 1, 2, 3, 5"
	sql "$1" "SELECT f.name, p.page_index, r.row, g.code, g.state, g.fields FROM flags g
		JOIN records r ON r.id = g.record_id JOIN pages p ON p.id = r.page_id
		JOIN scan_files f ON f.id = p.scan_file_id ORDER BY 1, 2, 3, 4, 6"
	sql "$1" "SELECT stage, state, count(*) FROM stage_units GROUP BY 1, 2"
}
registry_snapshot() {
	sqlite3 -batch "$1" "SELECT idempotency_key, body FROM records ORDER BY 1"
}

# the reference: one uninterrupted night
registry_start "$WORK/ref-registry.db" --listen 127.0.0.1:0
t0=$(date +%s.%N)
run_status sohoa run --batch "$WORK/ref" --manifest "$g/manifest.ini" --jobs 2 --endpoint "$url"
[ "$status" -le 2 ] || fail "reference run: exit $status: $(tail -3 "$WORK/stderr")"
ref_status=$status
took=$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$t0" "$(date +%s.%N)")
registry_stop
snapshot "$WORK/ref" >"$WORK/ref.snap"
registry_snapshot "$WORK/ref-registry.db" >"$WORK/ref.reg"
[ "$(wc -l <"$WORK/ref.reg")" -gt 0 ] || fail "the reference delivered nothing"

# the killed nights: rounds on a fresh batch; in each, the run is killed with SIGKILL once in
# every stage (at a random moment after the stage starts), then run again to its end; four
# rounds: 20 kills
targets=(scan ocr validate normalize sync)
kills=0 rounds=0 stages_hit="" RANDOM=91
while [ "$kills" -lt 20 ]; do
	rounds=$((rounds + 1))
	B=$WORK/batch-$rounds
	# each round delivers to an empty registry
	rm -f "$WORK/registry.db"*
	registry_start "$WORK/registry.db" --listen 127.0.0.1:0
	for target in "${targets[@]}" end; do
		setsid sohoa run --batch "$B" --manifest "$g/manifest.ini" --jobs 2 --endpoint "$url" \
			>"$WORK/run.out" 2>"$WORK/run.err" &
		pid=$!
		if [ "$target" != end ]; then
			# wait for the stage to start, then a random moment into it
			while kill -0 "$pid" 2>/dev/null && ! grep -q "^sohoa-run: $target…" "$WORK/run.err"; do
				sleep 0.02
			done
			span=0.4
			[ "$target" = ocr ] && span=$(python3 -c "print($took / 2)")
			sleep "$(python3 -c "import random; random.seed($RANDOM); print(round(random.uniform(0, $span), 2))")"
			stage=$(sed -n 's/^sohoa-run: \([a-z]*\)….*/\1/p' "$WORK/run.err" | tail -1)
			# the run may end by itself in the moment between a look and the kill: then it
			# is waited for below like a run that was not killed
			if kill -KILL "$pid" 2>/dev/null; then
				wait "$pid" 2>/dev/null || true
				kills=$((kills + 1))
				stages_hit="$stages_hit ${stage:-start}"
				# nothing of the killed run goes on working
				for _ in $(seq 50); do
					pgrep -f "sohoa-[a-z]* --batch $B( |$)" >/dev/null || break
					sleep 0.1
				done
				pgrep -f "sohoa-[a-z]* --batch $B( |$)" >/dev/null &&
					fail "a stage outlived the killed run"
				continue
			fi
		fi
		set +e
		wait "$pid"
		rc=$?
		set -e
		[ "$rc" -le 2 ] || fail "run ended with $rc: $(tail -3 "$WORK/run.err")"
		break
	done
	registry_stop
	expect_eq "round $rounds: exit as the reference" "$rc" "$ref_status"
	snapshot "$B" >"$WORK/batch.snap"
	registry_snapshot "$WORK/registry.db" >"$WORK/batch.reg"
	diff "$WORK/ref.snap" "$WORK/batch.snap" >"$WORK/snap.diff" ||
		fail "round $rounds: the store differs from the reference: $(head -20 "$WORK/snap.diff")"
	checks=$((checks + 1))
	diff "$WORK/ref.reg" "$WORK/batch.reg" >"$WORK/reg.diff" ||
		fail "round $rounds: the registry differs from the reference: $(head -20 "$WORK/reg.diff")"
	checks=$((checks + 1))
	expect_eq "round $rounds: no lease left" \
		"$(sql "$B" "SELECT count(*) FROM outbox WHERE owner IS NOT NULL")" 0
done
echo "killed $kills times in $rounds rounds, in:$stages_hit"
done_ok

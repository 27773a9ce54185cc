#!/usr/bin/env bash
# A night on GNU parallel (sohoa cluster submit --engine parallel): the script is written
# beside the night file and run; every batch's task completes, the joblog says so, and the
# batches hold what a single sohoa run of their scans gives. Run again, it runs nothing
# (every task complete); --dry-run only writes the script.
. "$(dirname "$0")/lib.sh"

command -v parallel >/dev/null || { echo "SKIP: GNU parallel is not installed"; exit 77; }
gen "$WORK/g1" --seed 85 --pages 1 --book birth --year 2019 --volume 01 --authority 26740 2>/dev/null
gen "$WORK/g2" --seed 86 --pages 1 --book death --year 2021 --volume 01 --authority 26740 2>/dev/null
night_ini parallel-test births:g1/manifest.ini deaths:g2/manifest.ini
run_status sohoa cluster submit --engine parallel "$WORK/night.ini" --dry-run
expect_eq "dry run: the script only" "$status|$(test -x "$WORK/night.parallel.sh" && echo x)|$(ls "$WORK/shared")" "0|x|"
expect_match "it is GNU parallel's, resumable, one task per batch" "$(cat "$WORK/night.parallel.sh")" \
	"parallel .*--joblog '$WORK/night.joblog' --resume-failed .*cluster task .*'$WORK/night.ini' --index '\{\}'.*::: 0 1"

run_status sohoa cluster submit --engine parallel "$WORK/night.ini" --max-parallel 2 --jobs 1
expect_eq "every task complete" "$status" 0
expect_eq "the joblog: two tasks, both 0" "$(awk -F'\t' 'NR > 1 { print $7 }' "$WORK/night.joblog" | sort | tr '\n' ' ')" "0 0 "
expect_eq "the night's view: both done" "$(sohoa cluster status "$WORK/night.ini" --json |
	python3 -c "import json,sys; d=json.load(sys.stdin); print(d['tasks'], d['pages']['done'])")" \
	"{'done': 2} 2"
for b in births:g1 deaths:g2; do
	sohoa run --batch "$WORK/single-${b%%:*}" --manifest "$WORK/${b#*:}/manifest.ini" --no-sync \
		--jobs 1 >/dev/null 2>&1 || [ $? -eq 2 ] || fail "single run ${b%%:*}"
	q="SELECT group_concat(r.row || r.status || f.name || coalesce(f.value, f.raw, ''), '|') FROM
		records r JOIN fields f ON f.record_id = r.id ORDER BY r.id, f.name"
	expect_eq "${b%%:*}: the records of a single run" "$(sql "$WORK/shared/${b%%:*}" "$q")" \
		"$(sql "$WORK/single-${b%%:*}" "$q")"
done
sh "$WORK/night.parallel.sh" >/dev/null 2>&1 || fail "the script run again"
expect_eq "run again: nothing run twice" "$(awk 'NR > 1' "$WORK/night.joblog" | wc -l)" 2
run_status sohoa cluster submit --engine slurm "$WORK/night.ini" --max-parallel 3 --dry-run
expect_match "the slurm engine's script instead: written, not submitted" \
	"$status $(cat "$WORK/night.slurm.sh")" "^0 .*#SBATCH --array=0-1%3"
run_status sohoa cluster submit "$WORK/night.ini"
expect_eq "submit without an engine: usage" "$status" 1
done_ok

#!/usr/bin/env bash
# A column rule too faint to survive binarization (a thin rule of a low-resolution scan, a
# faded printing): the page is read all the same — the missing rule placed by the layout's
# widths in the empty gap where it runs, a warning event saying so — and its cells read as the
# untouched page's. Two missing rules too; three are too many and the page fails with its
# reason. Rules whited out with tests/common/whiteout.c on a generated birth page.
source "$(dirname "$0")/lib.sh"

g=$WORK/gen
gen "$g" --seed 91 --pages 1 --book birth --year 2019 --volume 01 --authority 26740 2>/dev/null
page=birth-2019-01.tif

# rule_boxes I...: boxes covering inner column rules I (1-based) over the table's height
rule_boxes() {
	python3 - "$g/pages.jsonl" "$page" "$@" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    p = json.loads(line)
    if p["file"] != sys.argv[2]:
        continue
    xs, ys = p["table"]["columns"], p["table"]["rows"]
    out = []
    for i in map(int, sys.argv[3:]):
        out += [round(xs[i]) - 6, round(ys[0]) - 6, round(xs[i]) + 7, round(ys[-1]) + 7]
    print(" ".join(map(str, out)))
PY
}
cells_of() { # BATCH: row|col|text of every cell read
	sql "$1" "SELECT r.row, c.col, replace(coalesce(c.text, ''), char(10), '\\n') FROM cells c
		JOIN records r ON r.id = c.record_id ORDER BY 1, 2"
}

R=$WORK/ref
sohoa scan --batch "$R" --book-type birth --year 2019 --volume 01 --authority 26740 \
	"$g/$page" >/dev/null 2>&1 || fail "reference scan"
sohoa ocr --batch "$R" >/dev/null 2>&1 || fail "reference ocr"
ref=$(cells_of "$R")
[ -n "$ref" ] || fail "the reference read nothing"

for rules in "6" "4 9" "3 6 9"; do
	name=${rules// /-}
	# shellcheck disable=SC2046
	"$SOHOA_TESTS_BIN/whiteout" "$g/$page" "$WORK/faint-$name.tif" $(rule_boxes $rules) ||
		fail "whiteout of rules $rules"
	B=$WORK/batch-$name
	sohoa scan --batch "$B" --book-type birth --year 2019 --volume 01 --authority 26740 \
		"$WORK/faint-$name.tif" >/dev/null 2>&1 || fail "scan without rules $rules"
	run_status sohoa ocr --batch "$B"
	n=$(wc -w <<<"$rules")
	if [ "$n" -le 2 ]; then
		expect_eq "without rule(s) $rules: ocr exit" "$status" 0
		expect_eq "without rule(s) $rules: the cells read as the untouched page's" \
			"$(cells_of "$B")" "$ref"
		expect_match "without rule(s) $rules: a warning says so" \
			"$(sql "$B" "SELECT message FROM events WHERE stage = 'ocr' AND
				level = 'warning'")" "^$n column rules? too faint to see"
	else
		expect_eq "without rules $rules: ocr exit" "$status" 2
		expect_match "without rules $rules: failed with its reason" \
			"$(sql "$B" "SELECT error FROM stage_units WHERE stage = 'ocr'")" \
			"^found 11 columns, layout birth-v1 has 14$"
	fi
done
done_ok

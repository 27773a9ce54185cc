#!/usr/bin/env bash
# Layout checks are evidence, not gates: a marriage page whose index row (1) ... (15) and header
# titles cannot be read (whited out inside their rules) is read all the same — its entries
# extracted as from the untouched page, with the values of the truth — and every record of it
# carries LAYOUT_UNCERTAIN; one archivist's confirmation clears the flag for the whole page
# (each record audited) and validate does not raise it again. A page with no grid of its
# layout is still failed with its reason, a page that reads well raises nothing, a printing
# without an index row loses no entry and, its header naming the book, raises nothing either,
# and a page of another book with as many columns (a marriage page filed under a death book)
# is flagged by its header.
source "$(dirname "$0")/lib.sh"

g=$WORK/gen
gen "$g" --seed 83 --pages 1 \
	--book marriage --year 2020 --volume 01 --authority 26740 \
	--book death --year 2021 --volume 02 --authority 26740 \
	--book birth --year 2019 --volume 01 --authority 26740 \
	--book parentage --year 2022 --volume 01 --authority 26740 2>/dev/null
mapfile -t specs < <(bookspecs "$g")

# boxes WHAT FILE: the boxes to white out on FILE's page, from the generator's table geometry
# ("index": inside the rules of each cell of the header and the index row; "noindex": the index row and the
# rule above it, as a printing without an index row; "table": the whole table)
boxes() {
	python3 - "$g/pages.jsonl" "$1" "$2" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    p = json.loads(line)
    if p["file"] != sys.argv[3]:
        continue
    xs, ys, m = p["table"]["columns"], p["table"]["rows"], 8
    if sys.argv[2] == "index":
        out = []
        for a, b in zip(xs, xs[1:]):
            out += [round(a) + m, round(ys[0]) + m, round(b) - m, round(ys[1]) - m]
            out += [round(a) + m, round(ys[1]) + m, round(b) - m, round(ys[2]) - m]
    elif sys.argv[2] == "noindex":
        out = [round(xs[0]) + 6, round(ys[1]) - 6, round(xs[-1]) - 6, round(ys[2]) - m]
    else:
        out = [round(xs[0]) - 20, round(ys[0]) - 20, round(xs[-1]) + 20, round(ys[-1]) + 20]
    print(" ".join(map(str, out)))
EOF
}

# the untouched marriage page, read on its own: what its entries must read as
R=$WORK/ref
sohoa scan --batch "$R" --book-type marriage --year 2020 --volume 01 --authority 26740 \
	"$g/marriage-2020-01.tif" >/dev/null 2>&1 || fail "reference scan"
sohoa ocr --batch "$R" >/dev/null 2>&1 || fail "reference ocr"
cells_of() { sql "$1" "SELECT r.row, c.col, replace(c.text, char(10), '\\n'), round(c.confidence, 4)
	FROM cells c JOIN records r ON r.id = c.record_id JOIN pages p ON p.id = r.page_id
	JOIN scan_files f ON f.id = p.scan_file_id WHERE f.name = '$2' ORDER BY 1, 2"; }
ref_cells=$(cells_of "$R" marriage-2020-01.tif)
[ -n "$ref_cells" ] || fail "the reference read nothing"

# the marriage page, untouched, filed under a death book too (15 columns as well)
cp "$g/marriage-2020-01.tif" "$WORK/filed-as-death.tif"
specs+=(--book-type death --year 2020 --volume 09 --authority 26740 "$WORK/filed-as-death.tif")

# the marriage page loses the words of its header and the numbers of its index row, the
# parentage page its index row, the death page its whole table
for f in marriage-2020-01.tif:index parentage-2022-01.tif:noindex death-2021-02.tif:table; do
	file=${f%%:*}
	# shellcheck disable=SC2046
	"$SOHOA_TESTS_BIN/whiteout" "$g/$file" "$WORK/$file" $(boxes "${f#*:}" "$file") ||
		fail "whiteout of $file"
	mv "$WORK/$file" "$g/$file"
done

B=$WORK/batch
sohoa scan --batch "$B" "${specs[@]}" >/dev/null 2>&1 || fail "scan"
run_status sohoa ocr --batch "$B" --jobs 2
expect_eq "ocr exit: a page failed" "$status" 2
ocr_state() { # FILE: "state|error" of that page's ocr unit
	sql "$B" "SELECT u.state || '|' || coalesce(u.error, '') FROM stage_units u JOIN pages p
		ON p.id = u.unit_id JOIN scan_files f ON f.id = p.scan_file_id WHERE u.stage = 'ocr'
		AND f.name = '$1'"
}
page_of() { sql "$B" "SELECT p.id FROM pages p JOIN scan_files f ON f.id = p.scan_file_id
	WHERE f.name = '$1'"; }
M=$(page_of marriage-2020-01.tif)

# no grid: failed with its reason, nothing guessed
expect_match "a page with no grid fails" "$(ocr_state death-2021-02.tif)" "^failed\|no table found"
expect_eq "nothing read from it" "$(sql "$B" "SELECT count(*) FROM records r JOIN pages p ON
	p.id = r.page_id JOIN scan_files f ON f.id = p.scan_file_id
	WHERE f.name = 'death-2021-02.tif'")" 0

# an unreadable index row: read, its entries as the untouched page's, the doubt kept with it
expect_eq "the page is read" "$(ocr_state marriage-2020-01.tif)" "done|"
expect_eq "its entries read as on the untouched page" "$(cells_of "$B" marriage-2020-01.tif)" \
	"$ref_cells"
expect_eq "the index row is no entry" "$(sql "$B" "SELECT min(row) || '|' || count(*) FROM
	records WHERE page_id = $M")" "1|$(sql "$R" "SELECT count(*) FROM records")"
expect_match "the page's mark" "$(sql "$B" "SELECT index_poor || '|' || header_poor || '|' ||
	index_cells || '|' || doubt FROM page_layout WHERE page_id = $M")" \
	"^1\|1\|15\|the index row reads 0 of 15 cells as \(1\) \.\.\. \(15\); the header row reads unlike layout marriage-v1 \([0-9]+% of its title words found\)$"
expect_match "the operator is told" "$(sql "$B" "SELECT message FROM events WHERE
	level = 'warning' AND unit = 'marriage-2020-01.tif#1'")" \
	"^read with its layout marriage-v1 in doubt.*index row reads 0 of 15"
expect_eq "a page that reads well: no doubt" "$(sql "$B" "SELECT count(*) FROM page_layout l
	JOIN pages p ON p.id = l.page_id JOIN scan_files f ON f.id = p.scan_file_id WHERE
	f.name = 'birth-2019-01.tif' AND l.doubt IS NULL AND l.index_poor = 0")" 1
# a printing without an index row: its entries right under the header, none lost
P=$(page_of parentage-2022-01.tif)
expect_eq "no index row: read" "$(ocr_state parentage-2022-01.tif)" "done|"
expect_eq "no index row, its header naming the book: no doubt" "$(sql "$B" "SELECT
	index_poor || '|' || index_cells || '|' || header_poor || '|' || coalesce(doubt, '') FROM
	page_layout WHERE page_id = $P")" "0|0|0|"
expect_eq "no index row: every entry, the first too" "$(sql "$B" "SELECT group_concat(row ||
	':' || raw, ' ') FROM (SELECT r.row, f.raw FROM records r JOIN fields f ON
	f.record_id = r.id AND f.name = 'registration_number' WHERE r.page_id = $P ORDER BY
	r.row)")" "$(python3 -c 'import json, sys
print(" ".join("%d:%s" % (t["row"], t["fields"]["registration_number"]["raw"])
	for t in map(json.loads, open(sys.argv[1])) if t["type"] == "parentage"))' "$g/truth.jsonl")"
# a page of another book with the same columns: its header gives it away
expect_match "a header unlike the layout's" "$(sql "$B" "SELECT l.index_poor || '|' ||
	l.header_poor || '|' || l.doubt FROM page_layout l JOIN pages p ON p.id = l.page_id JOIN
	scan_files f ON f.id = p.scan_file_id WHERE f.name = 'filed-as-death.tif'")" \
	"^0\|1\|the header row reads unlike layout death-v1 \([0-9]+% of its title words found\)$"

run_status sohoa validate --batch "$B"
expect_eq "validate exit" "$status" 0
run_status sohoa normalize --batch "$B"
expect_eq "normalize exit" "$status" 0
n=$(sql "$B" "SELECT count(*) FROM records WHERE page_id = $M")
expect_eq "every record of the page flagged, and needs review" "$(sql "$B" "SELECT count(*)
	FROM records r JOIN flags f ON f.record_id = r.id WHERE r.page_id = $M AND
	f.code = 'LAYOUT_UNCERTAIN' AND f.state = 'open' AND f.severity = 'error' AND
	f.fields = '[]' AND r.status = 'needs_review'")" "$n"
expect_match "the archivist is told why" "$(sql "$B" "SELECT f.message FROM flags f JOIN
	records r ON r.id = f.record_id WHERE f.code = 'LAYOUT_UNCERTAIN' AND r.page_id = $M
	LIMIT 1")" "0 trong 15 ô là \(1\) … \(15\), tiêu đề cột chỉ khớp [0-9]+% .*một lần cho cả trang"
D=$(page_of filed-as-death.tif)
expect_eq "the page filed under another book flagged" "$(sql "$B" "SELECT count(DISTINCT
	r.id) FROM flags f JOIN records r ON r.id = f.record_id WHERE f.code = 'LAYOUT_UNCERTAIN'
	AND f.state = 'open' AND r.page_id = $D")" "$n"
expect_match "its message" "$(sql "$B" "SELECT f.message FROM flags f JOIN records r ON
	r.id = f.record_id WHERE f.code = 'LAYOUT_UNCERTAIN' AND r.page_id = $D LIMIT 1")" \
	"tiêu đề cột chỉ khớp [0-9]+% chữ của mẫu sổ"
expect_eq "no other page flagged, the one without an index row neither" "$(sql "$B" "SELECT
	count(*) FROM flags f JOIN records r ON r.id = f.record_id WHERE f.code = 'LAYOUT_UNCERTAIN'
	AND r.page_id NOT IN ($M, $D)")" 0

# the values, against the truth
sohoa export --batch "$B" --format jsonl --out "$WORK/x.jsonl" 2>/dev/null
python3 - "$WORK/x.jsonl" "$g/truth.jsonl" <<'EOF' || fail "values of the page"
import json, sys
got = {r["row"]: r for r in map(json.loads, open(sys.argv[1]))
       if r["source"]["file"] == "marriage-2020-01.tif"}
truth = {t["row"]: t for t in map(json.loads, open(sys.argv[2]))
         if t["source"]["file"] == "marriage-2020-01.tif"}
assert sorted(got) == sorted(truth), (sorted(got), sorted(truth))
right = total = 0
for row, t in truth.items():
    r = got[row]
    for key in ("registration_number", "registration_date", "husband.full_name",
                "wife.full_name"):
        assert (r["fields"][key] or {}).get("value") == t["fields"][key]["value"], (row, key)
    for name, f in t["fields"].items():
        if f is None or f.get("value") is None:
            continue
        total += 1
        right += (r["fields"].get(name) or {}).get("value") == f["value"]
    assert any(g["code"] == "LAYOUT_UNCERTAIN" for g in r["flags"]), row
print("%d of %d canonical values right" % (right, total))
assert right >= 0.95 * total, (right, total)
EOF
checks=$((checks + 1))

# one confirmation clears the page, and that page only
id=$(sql "$B" "SELECT id FROM records WHERE page_id = $M ORDER BY row DESC LIMIT 1")
flag=$(sql "$B" "SELECT id FROM flags WHERE record_id = $id AND code = 'LAYOUT_UNCERTAIN'")
before=$(sql "$B" "SELECT group_concat(id || ':' || version, ' ') FROM records WHERE
	page_id = $M ORDER BY id")
run_status sohoa review verify --batch "$B" --as lan "$id" "$flag"
expect_eq "verify" "$status" 0
expect_eq "verified on every record of the page" "$(sql "$B" "SELECT count(*) FROM flags f
	JOIN records r ON r.id = f.record_id WHERE r.page_id = $M AND f.code = 'LAYOUT_UNCERTAIN'
	AND f.state = 'verified'")" "$n"
expect_eq "each audited" "$(sql "$B" "SELECT count(DISTINCT a.record_id) FROM audit a JOIN
	records r ON r.id = a.record_id WHERE r.page_id = $M AND a.actor = 'lan' AND
	a.action = 'verify' AND a.before = 'LAYOUT_UNCERTAIN' AND a.after = 'verified'")" "$n"
expect_eq "each record's version moved on" "$(sql "$B" "SELECT group_concat(id || ':' ||
	(version - 1), ' ') FROM records WHERE page_id = $M ORDER BY id")" "$before"
expect_eq "the page confirmed" "$(sql "$B" "SELECT confirmed_by FROM page_layout WHERE
	page_id = $M")" lan
expect_eq "another page's flags stay open" "$(sql "$B" "SELECT count(*) FROM flags f JOIN
	records r ON r.id = f.record_id WHERE r.page_id = $D AND f.code = 'LAYOUT_UNCERTAIN' AND
	f.state = 'open'")" "$n"
expect_eq "records with no other error are valid" "$(sql "$B" "SELECT count(*) FROM records r
	WHERE r.page_id = $M AND r.status = (CASE WHEN EXISTS (SELECT 1 FROM flags f WHERE
	f.record_id = r.id AND f.state = 'open' AND f.severity = 'error') THEN 'needs_review'
	ELSE 'valid' END)")" "$n"
other=$(sql "$B" "SELECT f.id || ' ' || f.record_id FROM flags f JOIN records r ON
	r.id = f.record_id WHERE r.page_id = $M AND r.id <> $id AND f.code = 'LAYOUT_UNCERTAIN'
	LIMIT 1")
run_status sohoa review verify --batch "$B" --as minh "${other#* }" "${other%% *}"
expect_eq "a second confirmation is refused: settled" "$status" 2
statuses=$(sql "$B" "SELECT group_concat(id || ':' || status, ' ') FROM records ORDER BY id")

# judged again, the page stays confirmed
run_status sohoa validate --batch "$B" --again
expect_eq "validate again" "$status" 0
expect_eq "not raised again" "$(sql "$B" "SELECT count(*) FROM flags f JOIN records r ON
	r.id = f.record_id WHERE r.page_id = $M AND f.code = 'LAYOUT_UNCERTAIN' AND
	f.state = 'open'")" 0
expect_eq "statuses kept" "$(sql "$B" "SELECT group_concat(id || ':' || status, ' ') FROM
	records ORDER BY id")" "$statuses"
done_ok

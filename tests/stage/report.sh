#!/usr/bin/env bash
# sohoa status and the operator's report on a small batch of the four books with a blank
# page, a page under 150 dpi, an unreadable file and a page whose table is not its book's:
# the text lines, every number of --json against the store, report.html well-formed,
# self-contained (no script, no URL), escaping a hostile reason, its numbers equal to the
# summary's, and rendered by headless Chromium (the screenshot is kept in /tmp/report-shots).
. "$(dirname "$0")/lib.sh"

B="$WORK/batch"
g="$WORK/gen"
# planted anomalies: clean pages now mostly pass, and the report must show flags
gen "$g" --seed 51 --pages 1 --anomalies \
	--book birth --year 2019 --volume 01 --authority 26740 --blank-pages 1 \
	--book marriage --year 2020 --volume 01 --authority 26740 \
	--book death --year 2021 --volume 02 --authority 26740 \
	--book parentage --year 2022 --volume 01 --authority 26740 2>/dev/null
gen "$WORK/low" --seed 7 --pages 1 --dpi 100 --book birth --year 2019 --volume 01 \
	--authority 26740 2>/dev/null
gen "$WORK/other" --seed 9 --pages 1 --book marriage --year 2020 --volume 01 \
	--authority 26740 2>/dev/null
cp "$WORK/low/birth-2019-01.tif" "$g/lowdpi.tif"
head -c 3000 "$g/death-2021-02.tif" >"$g/broken.tif"
mapfile -t specs < <(bookspecs "$g")
# the low-dpi page joins the birth book, the broken file the death book; a marriage page is
# given as a birth book of its own (its table has a column too many)
specs2=()
for a in "${specs[@]}"; do
	specs2+=("$a")
	[ "$a" == "$g/birth-2019-01.tif" ] && specs2+=("$g/lowdpi.tif")
	[ "$a" == "$g/death-2021-02.tif" ] && specs2+=("$g/broken.tif")
done
specs2+=(--book-type birth --year 2019 --volume 09 --authority 26740
	"$WORK/other/marriage-2020-01.tif")

# --- no batch ------------------------------------------------------------------------------
run_status sohoa status --batch "$B"
expect_eq "no batch yet" "$status" 3
expect_match "and says so" "$(cat "$WORK/stderr")" "no batch at"

run_status sohoa scan --batch "$B" "${specs2[@]}"
expect_eq "scan exit (one file unreadable, one page rejected)" "$status" 2
run_status sohoa ocr --batch "$B"
expect_eq "ocr exit (one page's table is not its book's)" "$status" 2
sohoa validate --batch "$B" >/dev/null 2>&1 || fail "validate"
sohoa normalize --batch "$B" >/dev/null 2>&1 || fail "normalize"
[ "$(sql "$B" "SELECT count(*) FROM flags")" -gt 0 ] || fail "the fixture raises no flags"

# what an archivist and a sync run would have done: one record approved, one rejected, one
# delivered, one refused; a flag verified, one resolved
ids=($(sql "$B" "SELECT id FROM records ORDER BY id LIMIT 4"))
[ ${#ids[@]} -eq 4 ] || fail "the fixture has fewer than 4 records"
now=2026-01-02T03:04:05Z
sql "$B" "UPDATE records SET status = 'approved' WHERE id = ${ids[0]};
	UPDATE records SET status = 'rejected', reject_reason = 'trùng' WHERE id = ${ids[1]};
	UPDATE records SET status = 'synced' WHERE id = ${ids[2]};
	UPDATE records SET status = 'needs_review' WHERE id = ${ids[3]};
	INSERT INTO outbox (record_id, idempotency_key, state, attempts, last_status, remote_id,
		acked_at, last_attempt_at, created_at)
		VALUES (${ids[2]}, 'k2', 'acked', 1, 201, 'r-1', '$now', '$now', '$now');
	INSERT INTO outbox (record_id, idempotency_key, state, attempts, last_status, last_error,
		last_attempt_at, created_at)
		VALUES (${ids[3]}, 'k3', 'refused', 2, 422, 'child.birth_date: not a date', '$now', '$now');
	UPDATE flags SET state = 'verified' WHERE id = (SELECT min(id) FROM flags);
	UPDATE flags SET state = 'resolved' WHERE id = (SELECT max(id) FROM flags);"
# an archivist's pace: 13 decisions 20 s apart, then one after an hour's break (not counted)
for i in $(seq 0 12); do
	sql "$B" "INSERT INTO audit (at, actor, record_id, action) VALUES
		(strftime('%Y-%m-%dT%H:%M:%SZ', '2026-01-02 08:00:00', '+$((i * 20)) seconds'), 'lan',
		 ${ids[0]}, '$([ $((i % 4)) -eq 3 ] && echo reject || echo approve)')"
done
sql "$B" "INSERT INTO audit (at, actor, record_id, action) VALUES
	('2026-01-02T09:30:00Z', 'lan', ${ids[0]}, 'approve'),
	('2026-01-02T08:00:05Z', 'minh', ${ids[0]}, 'set')"
# a hostile reason, as a file name or a recognizer might put in it
sql "$B" "UPDATE pages SET reason = reason || ' <script>alert(1)</script> \"q\" & <b>x</b>'
	WHERE state = 'rejected'"

# --- --json: every number is the store's --------------------------------------------------
run_status sohoa status --batch "$B" --json
expect_eq "status --json exit" "$status" 0
cp "$WORK/stdout" "$WORK/summary.json"
declare -A J
while IFS=$'\t' read -r k v; do J[$k]=$v; done < <(python3 - "$WORK/summary.json" <<'PY'
import json, sys
def walk(p, v):
    if isinstance(v, dict):
        for k, x in v.items(): walk(p + [k], x)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            # books and flag codes by their name, the rest by position
            key = x.get("id") if isinstance(x, dict) and "id" in x else \
                  "%s.%s" % (x["code"], x["severity"]) if isinstance(x, dict) and "code" in x else \
                  x["kind"] if isinstance(x, dict) and "kind" in x else i
            walk(p + [str(key)], x)
    else:
        print(".".join(p) + "\t" + ("" if v is None else str(v)))
walk([], json.load(open(sys.argv[1])))
PY
)
expect_eq "batch id" "${J[batch.id]}" "$(sql "$B" "SELECT value FROM batch_meta WHERE key = 'batch_id'")"
expect_eq "books" "${J[batch.books]}" 5
expect_eq "scan files" "${J[batch.scan_files]}" 7
for stage in scan ocr validate normalize; do
	for state in pending running done failed; do
		expect_eq "stage $stage $state" "${J[stages.$stage.$state]}" \
			"$(sql "$B" "SELECT count(*) FROM stage_units WHERE stage = '$stage' AND state = '$state'")"
	done
done
expect_eq "scan: one file failed" "${J[stages.scan.failed]}" 1
expect_eq "ocr: one page failed" "${J[stages.ocr.failed]}" 1
expect_eq "sync done = acked" "${J[stages.sync.done]}" 1
expect_eq "sync failed = refused" "${J[stages.sync.failed]}" 1
for state in prepared blank rejected failed duplicate; do
	expect_eq "pages $state" "${J[pages.by_state.$state]}" \
		"$(sql "$B" "SELECT count(*) FROM pages WHERE state = '$state'")"
done
expect_eq "pages blank" "${J[pages.by_state.blank]}" 1
expect_eq "pages rejected" "${J[pages.by_state.rejected]}" 1
expect_eq "pages of the unreadable file" "${J[pages.by_state.unread]}" 1
expect_eq "pages in" "${J[pages.in]}" "$(( $(sql "$B" "SELECT count(*) FROM pages") + 1 ))"
expect_eq "pages failed: rejected, ocr failed, unreadable file" "${J[pages.failed]}" 3
expect_eq "pages done: read, and the blank one" "${J[pages.done]}" \
	"$(( $(sql "$B" "SELECT count(*) FROM stage_units WHERE stage = 'ocr' AND state = 'done'") + 1 ))"
expect_eq "pages pending" "${J[pages.pending]}" 0
expect_eq "failures listed" "${J[pages.failures_total]}" 2
expect_eq "first failure: the low-dpi page" "${J[pages.failures.0.file]}|${J[pages.failures.0.page]}|${J[pages.failures.0.state]}" "lowdpi.tif|1|rejected"
expect_match "its reason" "${J[pages.failures.0.reason]}" "under the minimum of 150 dpi.*<script>"
expect_eq "second failure: the page of another book" "${J[pages.failures.1.stage]}|${J[pages.failures.1.book]}" "ocr|birth 2019/09 (26740)"
expect_eq "its reason" "${J[pages.failures.1.reason]}" \
	"$(sql "$B" "SELECT error FROM stage_units WHERE stage = 'ocr' AND state = 'failed'")"
expect_eq "the unreadable file" "${J[scan_files.failed.0.file]}" broken.tif
expect_match "with its reason" "${J[scan_files.failed.0.reason]}" "not a readable TIFF"
expect_eq "records total" "${J[records.total]}" "$(sql "$B" "SELECT count(*) FROM records")"
for st in extracted needs_review valid approved rejected synced; do
	expect_eq "records $st" "${J[records.by_status.$st]}" \
		"$(sql "$B" "SELECT count(*) FROM records WHERE status = '$st'")"
done
for book in $(sql "$B" "SELECT id FROM books"); do
	expect_eq "book $book total" "${J[records.books.$book.total]}" \
		"$(sql "$B" "SELECT count(*) FROM records WHERE book_id = $book")"
	expect_eq "book $book label" "${J[records.books.$book.label]}" \
		"$(sql "$B" "SELECT type || ' ' || year || '/' || volume || ' (' || authority_code || ')' FROM books WHERE id = $book")"
	for st in needs_review valid approved; do
		expect_eq "book $book $st" "${J[records.books.$book.by_status.$st]}" \
			"$(sql "$B" "SELECT count(*) FROM records WHERE book_id = $book AND status = '$st'")"
	done
done
for book in $(sql "$B" "SELECT id FROM books"); do
	expect_eq "book $book ready to deliver" "${J[records.books.$book.ready]}" \
		"$(sql "$B" "SELECT count(*) FROM records WHERE book_id = $book AND
			status IN ('valid', 'approved')")"
	expect_eq "book $book review done" "${J[records.books.$book.review_done]}" \
		"$(sql "$B" "SELECT CASE WHEN count(*) > 0 AND sum(status IN ('needs_review',
			'extracted')) = 0 THEN 'True' ELSE 'False' END FROM records WHERE book_id = $book")"
done
# the review backlog as work
expect_eq "review records" "${J[review.records]}" "${J[records.by_status.needs_review]}"
expect_eq "review open flags" "${J[review.flags_open]}" "$(sql "$B" "SELECT count(*) FROM flags f
	JOIN records r ON r.id = f.record_id WHERE f.state = 'open' AND r.status = 'needs_review'")"
expect_eq "review fields" "${J[review.fields]}" "$(python3 - "$B/batch.db" <<'PY'
import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
seen = set()
for rid, fields in c.execute("SELECT f.record_id, f.fields FROM flags f JOIN records r ON "
                             "r.id = f.record_id WHERE f.state = 'open' AND "
                             "r.status = 'needs_review'"):
    for name in json.loads(fields or "[]"):
        seen.add((rid, name))
print(len(seen))
PY
)"
expect_eq "decisions" "${J[review.decided]}" 14
expect_eq "the measured pace" "${J[review.pace]}|${J[review.seconds_per_record]}|${J[review.pace_gaps]}" \
	"measured|20.0|12"
expect_eq "backlog hours" "${J[review.hours]}" \
	"$(python3 -c "print(round(${J[review.records]} * 20 / 360) / 10)")"
expect_eq "the review command" "${J[review.command]}" "sohoa review serve --batch $B"
# fields by kind against the kind's threshold: every field counted once
expect_eq "kinds: every field" "$(python3 -c "
import json; d = json.load(open('$WORK/summary.json'))['confidence']
print(sum(k['fields'] for k in d['by_kind']), sum(k['without'] for k in d['by_kind']))")" \
	"${J[confidence.total]} ${J[confidence.without]}"
th=${J[confidence.by_kind.date.threshold]}
expect_eq "dates under their threshold" "${J[confidence.by_kind.date.under]}" \
	"$(sql "$B" "SELECT count(*) FROM fields WHERE (name LIKE '%date' OR name LIKE '%.date')
		AND confidence < $th")"
expect_eq "flags total" "${J[flags.total]}" "$(sql "$B" "SELECT count(*) FROM flags")"
for st in open verified resolved; do
	expect_eq "flags $st" "${J[flags.by_state.$st]}" \
		"$(sql "$B" "SELECT count(*) FROM flags WHERE state = '$st'")"
done
while IFS='|' read -r code sev open verified resolved; do
	expect_eq "flag $code $sev" \
		"${J[flags.by_code.$code.$sev.open]}|${J[flags.by_code.$code.$sev.verified]}|${J[flags.by_code.$code.$sev.resolved]}" \
		"$open|$verified|$resolved"
done < <(sql "$B" "SELECT code, severity, sum(state = 'open'), sum(state = 'verified'),
	sum(state = 'resolved') FROM flags GROUP BY code, severity")
for i in $(seq 0 19); do
	expect_eq "confidence bin $i" "${J[confidence.bins.$i]}" \
		"$(sql "$B" "SELECT count(*) FROM fields WHERE confidence IS NOT NULL AND
			min(max(CAST(confidence * 20 AS INTEGER), 0), 19) = $i")"
done
expect_eq "fields without confidence" "${J[confidence.without]}" \
	"$(sql "$B" "SELECT count(*) FROM fields WHERE confidence IS NULL")"
expect_eq "pages scanned per minute, all counted" "${J[throughput.scan.pages]}" \
	"$(sql "$B" "SELECT count(*) FROM pages")"
expect_eq "pages read per minute, all counted" "${J[throughput.ocr.pages]}" \
	"$(sql "$B" "SELECT count(*) FROM stage_units WHERE stage = 'ocr' AND state IN ('done', 'failed')")"
expect_eq "throughput starts at the first minute" "${J[throughput.start]}" \
	"$(sql "$B" "SELECT substr(min(created_at), 1, 16) || ':00Z' FROM pages")"
expect_eq "outbox" "${J[sync.outbox.queued]}|${J[sync.outbox.acked]}|${J[sync.outbox.refused]}|${J[sync.outbox.held]}" "0|1|1|0"
expect_eq "sync attempts" "${J[sync.attempts]}" 3
expect_eq "records synced" "${J[sync.records_synced]}" 1
expect_eq "sync error grouped" "${J[sync.errors.0.status]}|${J[sync.errors.0.error]}|${J[sync.errors.0.count]}" \
	"422|child.birth_date: not a date|1"
expect_eq "scan events" "${J[events.by_stage.0.stage]}|${J[events.by_stage.0.error]}" \
	"scan|$(sql "$B" "SELECT count(*) FROM events WHERE stage = 'scan' AND level = 'error'")"

# --- the text ---------------------------------------------------------------------------
run_status sohoa status --batch "$B"
expect_eq "status exit" "$status" 0
text=$(cat "$WORK/stdout")
line() { grep -E "$1" <<<"$text" || true; }
expect_match "the batch" "$(line '^batch ')" "^batch +$B \(id [0-9a-f]{16}\)$"
expect_match "the stage header" "$(line '^stage ')" "^stage +unit +pending +running +done +failed$"
expect_eq "scan line" "$(line '^scan +files +[0-9]+ ' | tr -s ' ')" \
	"scan files 0 0 ${J[stages.scan.done]} 1"
expect_eq "ocr line" "$(line '^ocr ' | tr -s ' ')" "ocr pages 0 0 ${J[stages.ocr.done]} 1"
expect_eq "validate line" "$(line '^validate ' | tr -s ' ')" \
	"validate books 0 0 ${J[stages.validate.done]} 0"
expect_eq "sync line" "$(line '^sync ' | tr -s ' ')" "sync records 0 0 1 1"
expect_eq "pages line" "$(line '^pages ' | tr -s ' ')" \
	"pages in ${J[pages.in]}: done ${J[pages.done]}, failed 3, pending 0"
expect_eq "records line" "$(line '^records ' | tr -s ' ')" "records ${J[records.total]}"
for st in needs_review approved rejected synced; do
	expect_eq "records $st line" "$(line "^  $st " | tr -s ' ')" " $st ${J[records.by_status.$st]}"
done
expect_eq "review line" "$(line '^review ' | tr -s ' ')" \
	"review ${J[review.records]} records, ${J[review.flags_open]} open flags on ${J[review.fields]} fields: about ${J[review.hours]} hours at 20 s a record (measured)"
expect_eq "review command line" "$(line '^ +sohoa review serve' | tr -s ' ')" \
	" sohoa review serve --batch $B"
expect_match "flags header" "$(line '^flags ')" "^flags +severity +open +verified +resolved$"
code=$(sql "$B" "SELECT code FROM flags GROUP BY code, severity ORDER BY count(*) DESC, code, severity LIMIT 1")
sev=$(sql "$B" "SELECT severity FROM flags GROUP BY code, severity ORDER BY count(*) DESC, code, severity LIMIT 1")
expect_eq "the most frequent flag's line" "$(line "^  $code +$sev " | tr -s ' ')" \
	" $code $sev ${J[flags.by_code.$code.$sev.open]} ${J[flags.by_code.$code.$sev.verified]} ${J[flags.by_code.$code.$sev.resolved]}"
expect_eq "flags total line" "$(line '^  total ' | tr -s ' ')" \
	" total ${J[flags.by_state.open]} ${J[flags.by_state.verified]} ${J[flags.by_state.resolved]}"
expect_eq "outbox line" "$(line '^outbox ' | tr -s ' ')" \
	"outbox queued 0, acked 1, refused 1, held 0; 1 records synced"

# --- the report ---------------------------------------------------------------------------
R="$WORK/out/report.html"
mkdir -p "$WORK/out"
run_status sohoa status --batch "$B" --report "$R"
expect_eq "status --report exit" "$status" 0
expect_match "says where" "$(cat "$WORK/stderr")" "report written to $R"
[ -s "$R" ] || fail "no report.html"
expect_eq "no temporary file left" "$(ls "$WORK/out")" report.html
python3 - "$R" >"$WORK/report.k" <<'PY' || fail "report.html: $(cat "$WORK/report.k")"
import html.parser, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.k, self.tags, self.failures, self.key = [], {}, {}, 0, None
        self.buf, self.attrs_all, self.texts = "", [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.attrs_all += [(tag, k, v or "") for k, v in attrs]
        if tag not in ("br", "meta", "rect", "line", "circle", "polyline", "path"):
            self.stack.append(tag)
        if "data-k" in a:
            self.key, self.buf = a["data-k"], ""
        if tag == "tr" and "failure" in (a.get("class") or ""):
            self.failures += 1
    def handle_endtag(self, tag):
        if tag in ("br", "meta", "rect", "line", "circle", "polyline", "path"):
            return
        if not self.stack or self.stack[-1] != tag:
            raise SystemExit("unbalanced </%s> after %s" % (tag, self.stack[-3:]))
        self.stack.pop()
        if self.key is not None and tag in ("td", "div", "b"):
            self.k[self.key] = self.buf.strip()
            self.key = None
    def handle_data(self, d):
        self.texts.append(d)
        if self.key is not None:
            self.buf += d
p = P()
p.feed(text)
p.close()
if p.stack:
    raise SystemExit("unclosed elements: %s" % p.stack)
for tag in ("html", "head", "body", "style", "svg", "table"):
    if not p.tags.get(tag):
        raise SystemExit("no <%s>" % tag)
if p.tags.get("svg", 0) < 6:
    raise SystemExit("only %d charts" % p.tags["svg"])
for bad in ("script", "img", "link", "iframe", "object", "embed"):
    if p.tags.get(bad):
        raise SystemExit("a <%s> element" % bad)
if re.search(r"https?:", text, re.I):
    raise SystemExit("a URL: %s" % re.search(r".{40}https?:.{40}", text, re.I | re.S).group(0))
for tag, k, v in p.attrs_all:
    if k.startswith("on") or k in ("src", "href"):
        raise SystemExit("attribute %s on <%s>" % (k, tag))
if "<script>alert(1)</script>" not in "".join(p.texts):
    raise SystemExit("the hostile reason is not shown as text")
if '&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; &amp; &lt;b&gt;x&lt;/b&gt;' not in text:
    raise SystemExit("the hostile reason is not escaped")
for s in ("Báo cáo lô số hóa", "Bản ghi theo sổ và trạng thái", "Độ tin cậy", "Cần xem lại"):
    if s not in text:
        raise SystemExit("no '%s'" % s)
print("failures\t%d" % p.failures)
print("svg\t%d" % p.tags["svg"])
for k, v in sorted(p.k.items()):
    print("%s\t%s" % (k, v))
PY
declare -A H
while IFS=$'\t' read -r k v; do H[$k]=$v; done <"$WORK/report.k"
expect_eq "failure rows: pages and files" "${H[failures]}" 3
for k in pages.in pages.done pages.failed pages.pending records.total batch.books \
	records.by_status.needs_review records.by_status.approved records.by_status.rejected \
	records.by_status.synced records.by_status.valid records.by_status.extracted \
	pages.by_state.prepared pages.by_state.blank pages.by_state.rejected pages.by_state.unread \
	flags.total flags.by_state.open flags.by_state.verified flags.by_state.resolved \
	confidence.without confidence.total sync.outbox.acked sync.outbox.refused sync.attempts \
	sync.records_synced throughput.ocr.pages throughput.scan.pages review.records \
	review.flags_open review.fields review.hours review.decided; do
	expect_eq "report $k" "${H[$k]-missing}" "${J[$k]}"
done
for stage in scan ocr validate normalize sync; do
	for state in pending running done failed; do
		expect_eq "report stages.$stage.$state" "${H[stages.$stage.$state]-missing}" \
			"${J[stages.$stage.$state]}"
	done
done
for book in $(sql "$B" "SELECT id FROM books"); do
	for st in total needs_review valid approved rejected synced ready; do
		want=${J[records.books.$book.$st]-${J[records.books.$book.by_status.$st]}}
		expect_eq "report book $book $st" "${H[records.books.$book.$st]-missing}" "$want"
	done
done
for kind in $(python3 -c "
import json; print(' '.join(k['kind'] for k in json.load(open('$WORK/summary.json'))['confidence']['by_kind']))"); do
	for n in fields under without; do
		expect_eq "report kind $kind $n" "${H[confidence.by_kind.$kind.$n]-missing}" \
			"${J[confidence.by_kind.$kind.$n]}"
	done
done
for i in $(seq 0 19); do
	expect_eq "report confidence bin $i" "${H[confidence.bins.$i]-missing}" "${J[confidence.bins.$i]}"
done
while IFS='|' read -r code sev; do
	for st in open verified resolved total; do
		expect_eq "report flag $code $sev $st" "${H[flags.$code.$sev.$st]-missing}" \
			"${J[flags.by_code.$code.$sev.$st]}"
	done
done < <(sql "$B" "SELECT DISTINCT code, severity FROM flags")

# rendered by a real browser, on a laptop screen and to paper
command -v chromium >/dev/null || fail "chromium is not installed (tests/deps installs it)"
chrome() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$WORK/chromium" "$@" >/dev/null 2>&1
}
chrome --screenshot="$WORK/report.png" --window-size=1366,3000 "file://$R" ||
	fail "chromium could not render the report"
chrome --print-to-pdf="$WORK/report.pdf" --no-pdf-header-footer "file://$R" ||
	fail "chromium could not print the report"
expect_eq "a screenshot of 1366 x 3000" "$(python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read(24)
print("%dx%d" % struct.unpack(">II", d[16:24]) if d[:8] == b"\x89PNG\r\n\x1a\n" else "not a PNG")
' "$WORK/report.png")" "1366x3000"
# a blank page compresses to a few kilobytes; the report's charts and tables do not
size=$(stat -c %s "$WORK/report.png")
[ "$size" -gt 60000 ] || fail "the screenshot looks empty ($size bytes)"
expect_eq "a PDF" "$(head -c 5 "$WORK/report.pdf")" "%PDF-"
mkdir -p /tmp/report-shots
cp "$WORK/report.png" /tmp/report-shots/report.png
cp "$WORK/report.pdf" /tmp/report-shots/report.pdf
cp "$R" /tmp/report-shots/report.html

# --- usage ---------------------------------------------------------------------------------
run_status sohoa status --batch "$B" --bogus
expect_eq "unknown option" "$status" 1
run_status sohoa status
expect_eq "no --batch" "$status" 1
run_status sohoa status --batch "$B" extra
expect_eq "an argument too many" "$status" 1
run_status sohoa status --help
expect_eq "--help" "$status" 0
expect_match "--help text" "$(cat "$WORK/stdout")" "usage: sohoa status --batch DIR"
run_status sohoa status --version
expect_match "--version" "$(cat "$WORK/stdout")" "^sohoa-status [0-9]"
run_status sohoa status --batch "$B" --report "$WORK/no/such/dir/report.html"
expect_eq "a report that cannot be written" "$status" 3
done_ok

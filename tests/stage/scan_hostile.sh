#!/usr/bin/env bash
# The scan stage on hostile input: empty, non-TIFF, truncated, absurd-dimension and missing
# files each get a clear error recorded against that file; the good files are read; the
# exit code is 2; running again changes nothing.
. "$(dirname "$0")/lib.sh"

seeds="$WORK/seeds"
mkdir -p "$seeds" "$WORK/in"
"$SOHOA_TESTS_BIN/fuzz_make_seeds" "$seeds" >/dev/null
cp "$seeds/seed-g4.tif" "$WORK/in/good-g4.tif"
cp "$seeds/seed-multipage.tif" "$WORK/in/good-multi.tif"
: >"$WORK/in/empty.tif"
echo "scanner log, not an image" >"$WORK/in/note.tif"
head -c 300 "$seeds/seed-rgb-none.tif" >"$WORK/in/truncated.tif"
# a classic TIFF whose header claims 1000000 x 1000000 pixels
printf 'II*\0\x08\0\0\0\x06\0'\
'\x00\x01\x04\0\x01\0\0\0\x40\x42\x0f\0'\
'\x01\x01\x04\0\x01\0\0\0\x40\x42\x0f\0'\
'\x02\x01\x03\0\x01\0\0\0\x08\0\0\0'\
'\x06\x01\x03\0\x01\0\0\0\x01\0\0\0'\
'\x11\x01\x04\0\x01\0\0\0\x60\0\0\0'\
'\x17\x01\x04\0\x01\0\0\0\x10\0\0\0'\
'\0\0\0\0' >"$WORK/in/huge.tif"
head -c 16 /dev/zero >>"$WORK/in/huge.tif"

B="$WORK/batch"
spec=(--book-type birth --year 2019 --volume 01 --authority 26740)
files=("$WORK/in/good-g4.tif" "$WORK/in/empty.tif" "$WORK/in/note.tif" "$WORK/in/truncated.tif"
       "$WORK/in/huge.tif" "$WORK/in/good-multi.tif" "$WORK/in/missing.tif")
run_status sohoa scan --batch "$B" --jobs 2 "${spec[@]}" "${files[@]}"
expect_eq "exit code" "$status" 2
expect_match "missing file reported" "$(cat "$WORK/stderr")" "missing.tif.*No such file"

# every file but the missing one is registered; the good ones are done, the bad ones failed
expect_eq "files registered" "$(sql "$B" "SELECT count(*) FROM scan_files")" 6
state_of() { sql "$B" "SELECT u.state FROM scan_files f JOIN stage_units u ON u.stage='scan' AND u.unit_id=f.id WHERE f.name='$1'"; }
error_of() { sql "$B" "SELECT u.error FROM scan_files f JOIN stage_units u ON u.stage='scan' AND u.unit_id=f.id WHERE f.name='$1'"; }
expect_eq "good-g4 state" "$(state_of good-g4.tif)" done
expect_eq "good-multi state" "$(state_of good-multi.tif)" done
for f in empty note truncated; do
	expect_eq "$f state" "$(state_of $f.tif)" failed
done
expect_match "empty reason" "$(error_of empty.tif)" "is empty \(0 bytes\)"
expect_match "note reason" "$(error_of note.tif)" \
	"^not a readable TIFF file: it does not start as a TIFF file does"
expect_match "truncated reason" "$(error_of truncated.tif)" \
	"^not a readable TIFF file: its first page header is damaged or cut short$"
# the absurd header is a page-level failure inside a file that was read to its end
expect_eq "huge state" "$(state_of huge.tif)" done
expect_match "huge page reason" \
	"$(sql "$B" "SELECT p.state || ': ' || p.reason FROM pages p JOIN scan_files f ON f.id=p.scan_file_id WHERE f.name='huge.tif'")" \
	"^failed: .*claims 1000000x1000000 pixels, beyond the limit"
expect_eq "good pages prepared" \
	"$(sql "$B" "SELECT count(*) FROM pages p JOIN scan_files f ON f.id=p.scan_file_id WHERE f.name LIKE 'good-%' AND p.state IN ('prepared','blank')")" 4
expect_eq "prepared images exist" \
	"$(for i in $(sql "$B" "SELECT image FROM pages WHERE state='prepared'"); do [ -s "$B/$i" ] && echo y; done | wc -l)" \
	"$(sql "$B" "SELECT count(*) FROM pages WHERE state='prepared'")"
expect_match "events recorded" "$(sql "$B" "SELECT count(*) FROM events WHERE stage='scan' AND level='error'")" "^[4-9]$"

# again: nothing changes, the exit code still says some units failed
before=$(sql "$B" "SELECT id, scan_file_id, page_index, sha256, state, reason, created_at FROM pages ORDER BY id; SELECT * FROM stage_units ORDER BY unit_id")
run_status sohoa scan --batch "$B" "${spec[@]}" "${files[@]:0:6}"
expect_eq "rerun exit code" "$status" 2
after=$(sql "$B" "SELECT id, scan_file_id, page_index, sha256, state, reason, created_at FROM pages ORDER BY id; SELECT * FROM stage_units ORDER BY unit_id")
expect_eq "rerun changes nothing" "$after" "$before"

# real-world trouble (issue 15), in a batch of its own: a name with a newline and a terminal
# escape, a 20 GB file that is no TIFF (sparse), a page chain that loops back, a page with 64
# bytes of its G4 data flipped
odd="$WORK/in/odd"$'\n'"name"$'\e'"[31m.tif"
cp "$seeds/seed-g4.tif" "$odd"
truncate -s 20G "$WORK/in/big-note.tif"
cp "$seeds/seed-page-loop.tif" "$WORK/in/loop.tif"
python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
seed = 1
for _ in range(64):
    seed = (seed * 6364136223846793005 + 1442695040888963407) % 2**64
    d[8 + (seed >> 33) % (len(d) // 2 - 8)] ^= 0xFF
open(sys.argv[2], "wb").write(d)
' "$seeds/seed-g4.tif" "$WORK/in/flipped.tif"
B2="$WORK/batch2"
run_status sohoa scan --batch "$B2" "${spec[@]}" "$odd" "$WORK/in/big-note.tif" \
	"$WORK/in/loop.tif" "$WORK/in/flipped.tif"
expect_eq "trouble exit code" "$status" 2
expect_eq "no raw escape or split name in the log" \
	"$(grep -c -e $'\e' -e '^name' "$WORK/stderr" || true)" 0
# (the odd file's page is the loop's first page too: which of the two is read first, and so
# which is the duplicate, depends on the workers)
expect_match "the odd name escaped in the log" "$(cat "$WORK/stderr")" \
	"'odd\\\\x0aname\\\\x1b\[31m\.tif' page 1/1: (prepared|duplicate)"
# the big file is refused on its first bytes, never hashed
expect_eq "big non-TIFF not hashed" \
	"$(sql "$B2" "SELECT (sha256 IS NULL) || ' ' || size FROM scan_files WHERE name='big-note.tif'")" \
	"1 21474836480"
state2() { sql "$B2" "SELECT u.state FROM scan_files f JOIN stage_units u ON u.stage='scan' AND u.unit_id=f.id WHERE f.name='$1'"; }
expect_eq "big non-TIFF state" "$(state2 big-note.tif)" failed
# the loop: both pages read, the file done, the loop told as a warning
expect_eq "loop state" "$(state2 loop.tif)" done
expect_eq "loop pages" "$(sql "$B2" "SELECT f.page_count || ' ' || count(p.id) FROM scan_files f
	JOIN pages p ON p.scan_file_id=f.id WHERE f.name='loop.tif'")" "2 2"
expect_eq "loop warning" "$(sql "$B2" "SELECT level || ': ' || message FROM events
	WHERE unit='loop.tif'")" \
	"warning: the page chain loops back to an earlier page after page 2: that is taken as the end of the file"
# the damaged page is kept, not silently: a warning names the damage
expect_eq "flipped page state" "$(sql "$B2" "SELECT p.state FROM pages p JOIN scan_files f
	ON f.id=p.scan_file_id WHERE f.name='flipped.tif'")" prepared
expect_match "flipped page warning" "$(sql "$B2" "SELECT level || ': ' || message FROM events
	WHERE unit='flipped.tif#1'")" \
	"^warning: the decoder reported damage in the g4-compressed data from row [0-9]+; the page may be incomplete$"

# usage errors exit 1, environment errors 3
run_status sohoa scan --batch "$B" --book-type birth --year 20x9 --volume 01 --authority 1 x.tif
expect_eq "bad year exit" "$status" 1
expect_match "bad year message" "$(cat "$WORK/stderr")" "invalid value for --year"
run_status sohoa scan --batch "$B" --book-type census --year 2019 --volume 01 --authority 1 x.tif
expect_eq "bad type exit" "$status" 1
run_status sohoa scan --batch "$WORK/nobatch"
expect_eq "missing batch exit" "$status" 3
expect_match "missing batch message" "$(cat "$WORK/stderr")" "no batch at"
run_status sohoa scan --batch "$B" --book-type birth --year 2019 --volume 01 --authority 26740 --layout death-v1 x.tif
expect_eq "wrong layout exit" "$status" 1
done_ok

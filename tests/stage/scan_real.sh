#!/usr/bin/env bash
# The scan stage on TIFF files nobody here made (../shared/testdata/tiff-real, issue 15): every
# page ends prepared as it looks, or rejected or failed with a reason in plain words; page
# counts are right; no libtiff text and no full path reaches the operator. Skipped (77) when
# the files are not there.
. "$(dirname "$0")/lib.sh"

real="$SOHOA_SOURCE/../shared/testdata/tiff-real"
if [ ! -r "$real/twelvemonkeys-a33.tif" ]; then
	echo "skipped: $real is not there"
	exit 77
fi
mkdir -p "$WORK/in"
cp "$real"/*.tif "$real"/*.tiff "$WORK/in/"
B="$WORK/batch"
run_status sohoa scan --batch "$B" --jobs 2 --book-type birth --year 2019 --volume 01 \
	--authority 26740 "$WORK/in"/*.tif "$WORK/in"/*.tiff
# the damaged chain of the fuzzed file fails that file: exit 2
expect_eq "exit code" "$status" 2

# NAME#PAGE: state, size and reason of a page
page() {
	sql "$B" "SELECT p.state || ' ' || p.width || 'x' || p.height || coalesce(': ' || p.reason, '')
		FROM pages p JOIN scan_files f ON f.id=p.scan_file_id
		WHERE f.name='${1%#*}' AND p.page_index=${1#*#} - 1"
}
unit() {
	sql "$B" "SELECT u.state || coalesce(': ' || u.error, '') FROM scan_files f JOIN stage_units u
		ON u.stage='scan' AND u.unit_id=f.id WHERE f.name='$1'"
}
count() {
	sql "$B" "SELECT page_count FROM scan_files WHERE name='$1'"
}

# pages as they look: the palette text page, IrfanView's Orientation 8 turned (3444 wide),
# Orientation 6 (590 wide), the alpha handwriting (not blank), seven old-JPEG pages
expect_eq "8-bit colormap" "$(page twelvemonkeys-scan-lzw-8bit-colormap.tiff#1)" "prepared 2550x3300"
expect_eq "orientation 8" "$(page twelvemonkeys-a33.tif#1)" "prepared 3444x2464"
expect_eq "orientation 6" "$(page pillow-g4_orientation_6.300dpi.tif#1)" "prepared 590x88"
expect_eq "orientation 6 at 96 dpi" "$(page pillow-g4_orientation_6.tif#1)" \
	"rejected 590x88: resolution 96 dpi (from the file) is under the minimum of 150 dpi: rescan the page"
expect_eq "alpha" "$(page twelvemonkeys-extra-channels.tif#1)" "prepared 100x100"
expect_eq "old-JPEG pages" "$(count twelvemonkeys-old-style-jpeg-invalid-tables.tif) $(sql "$B" \
	"SELECT group_concat(p.state) FROM pages p JOIN scan_files f ON f.id=p.scan_file_id
	WHERE f.name='twelvemonkeys-old-style-jpeg-invalid-tables.tif'")" \
	"7 prepared,prepared,prepared,prepared,prepared,prepared,prepared"
expect_eq "form2" "$(page leptonica-form2.tif#1)" "prepared 394x510"

# the looping chain: two pages, the file done, the loop a warning
expect_eq "loop count" "$(count pillow-multipage_multiple_frame_loop.tiff)" 2
expect_eq "loop file" "$(unit pillow-multipage_multiple_frame_loop.tiff)" done
expect_eq "loop warning" "$(sql "$B" "SELECT level || ': ' || message FROM events
	WHERE unit='pillow-multipage_multiple_frame_loop.tiff'")" \
	"warning: the page chain loops back to an earlier page after page 2: that is taken as the end of the file"

# reasons in plain words
g3="failed 1700x32: cannot decode row 1: the g3-compressed data are damaged, or the compression is not the one the file names: rescan or export the page again"
expect_eq "RLE labelled G3" "$(page twelvemonkeys-incorrect-compression-rle-as-g3.tif#1)" "$g3"
expect_eq "G3 without EOL" "$(page libtiff-testfax3_bug54_1dnoEOL.tif#1)" \
	"${g3/1700x32/1728x2320}"
expect_eq "fuzzed file: one page" "$(count pillow-crash-2020-10-test.tif)" 1
expect_eq "fuzzed file" "$(unit pillow-crash-2020-10-test.tif)" \
	"failed: the header of page 2 is damaged: pages from 2 on cannot be read"
expect_match "summary counts" "$(cat "$WORK/stdout" "$WORK/stderr")" "19 of 19 pages read"

# nothing of libtiff's own text, no path, in what the operator reads
said="$(cat "$WORK/stderr"; sql "$B" "SELECT message FROM events; SELECT reason FROM pages
	WHERE reason IS NOT NULL; SELECT error FROM stage_units WHERE error IS NOT NULL")"
for raw in "Sorry" "scanline" "4294967295" "Fax3" "libjpeg" "TIFFFillStrip" "$WORK"; do
	case "$said" in
	*"$raw"*) fail "'$raw' reaches the operator: $(grep -F -- "$raw" <<<"$said" | head -3)" ;;
	esac
	checks=$((checks + 1))
done
done_ok

# The generated sets of the benchmarks (sourced).
#
# Style families (sohoa-sample-gen --style; samples/README.md): the tuned ones are what the
# reading may be tuned and calibrated on; the held-out ones never are — no threshold, rule or
# word list may be fitted to them (tests/bench/calibrate uses only the tuned families). The
# held-out families are the measure of the reading on hands it has not seen: one of them is
# drawn by another engine (headless Chromium) than the generator's cairo and pango.
TUNED_STYLES="classic serif sans condensed"
HELD_OUT_STYLES="typewriter web"
gen=${gen:-build/samples/sohoa-sample-gen}

# style_group STYLE: "tuned" or "held-out"
style_group() {
	case " $HELD_OUT_STYLES " in
	*" $1 "*) echo held-out ;;
	*) echo tuned ;;
	esac
}

# make_set clean|defects DIR SEED VOLUME [STYLE]: the four books of one seed in one style.
# Clean pages of a style come in the formats archives scan in (bilevel G4, grey and colour LZW,
# grey JPEG), so that paper tone, blue ink and red seals reach the reading; without STYLE (the
# snapshot benchmark) they are the classic hand's, all bilevel G4, as they always were. Pages
# with defects add skew, blur, stains, low contrast, specks, dark borders and turned pages.
make_set() {
	local set=$1 d=$2 seed=$3 v=$4 style=${5:-classic}
	if [ "$set" = clean ] && [ $# -lt 5 ]; then
		$gen --out "$d" --seed "$seed" \
			--book birth --year 2020 --volume "$v" --pages 2 \
			--book marriage --year 2016 --volume "$v" --pages 2 \
			--book death --year 2022 --volume "$v" --pages 2 \
			--book parentage --year 2019 --volume "$v" --pages 2 >/dev/null 2>"$d.log"
	elif [ "$set" = clean ]; then
		$gen --out "$d" --seed "$seed" --style "$style" \
			--book birth --year 2020 --volume "$v" --pages 2 \
			--book marriage --year 2016 --volume "$v" --pages 2 --compression lzw --color gray \
			--book death --year 2022 --volume "$v" --pages 2 --compression lzw --color rgb \
			--book parentage --year 2019 --volume "$v" --pages 2 --compression jpeg \
				--color gray >/dev/null 2>"$d.log"
	else
		$gen --out "$d" --seed "$seed" --style "$style" \
			--book birth --year 2020 --volume "$v" --pages 2 --compression jpeg --color rgb \
				--defects skew,yellow,blur --rotate 180@2 \
			--book marriage --year 2016 --volume "$v" --pages 2 --dpi 200 --compression lzw \
				--color gray --defects skew,lowcontrast \
			--book death --year 2022 --volume "$v" --pages 2 --compression g4 \
				--defects skew,speckle,border \
			--book parentage --year 2019 --volume "$v" --pages 2 --dpi 400 --compression jpeg \
				--color gray --defects skew,blur,speckle --rotate 90 >/dev/null 2>"$d.log"
	fi
}

# read_set BATCH DIR...: scan + ocr + validate + normalize of the generated sets into BATCH
read_set() {
	local b=$1 d specs=()
	shift
	for d in "$@"; do mapfile -t -O "${#specs[@]}" specs < <(specs_of "$d"); done
	sohoa scan --batch "$b" "${specs[@]}" >/dev/null 2>&1 || true
	sohoa ocr --batch "$b" >/dev/null 2>&1 || true
	sohoa validate --batch "$b" >/dev/null 2>&1 || true
	sohoa normalize --batch "$b" >/dev/null 2>&1 || true
}

specs_of() {
	local line
	while IFS= read -r line; do
		case "$line" in
		type*) printf '%s\n' --book-type "${line#*= }" ;;
		year*) printf '%s\n' --year "${line#*= }" ;;
		volume*) printf '%s\n' --volume "${line#*= }" ;;
		authority*) printf '%s\n' --authority "${line#*= }" ;;
		files*) for f in ${line#*= }; do printf '%s\n' "$1/$f"; done ;;
		esac
	done <"$1/manifest.ini"
}

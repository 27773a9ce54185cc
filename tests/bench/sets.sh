# The generated sets of the benchmarks (sourced): make_set clean|defects DIR SEED VOLUME, and
# specs_of DIR giving the book specs of a generated set.
gen=${gen:-build/samples/sohoa-sample-gen}

make_set() {
	local set=$1 d=$2 seed=$3 v=$4
	if [ "$set" = clean ]; then
		$gen --out "$d" --seed "$seed" \
			--book birth --year 2020 --volume "$v" --pages 2 \
			--book marriage --year 2016 --volume "$v" --pages 2 \
			--book death --year 2022 --volume "$v" --pages 2 \
			--book parentage --year 2019 --volume "$v" --pages 2 >/dev/null 2>&1
	else
		$gen --out "$d" --seed "$seed" \
			--book birth --year 2020 --volume "$v" --pages 2 --compression jpeg --color rgb \
				--defects skew,yellow,blur --rotate 180@2 \
			--book marriage --year 2016 --volume "$v" --pages 2 --dpi 200 --compression lzw \
				--color gray --defects skew,lowcontrast \
			--book death --year 2022 --volume "$v" --pages 2 --compression g4 \
				--defects skew,speckle,border \
			--book parentage --year 2019 --volume "$v" --pages 2 --dpi 400 --compression jpeg \
				--color gray --defects skew,blur,speckle --rotate 90 >/dev/null 2>&1
	fi
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

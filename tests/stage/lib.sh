# Helpers for the stage tests (sourced). The test's meson definition sets SOHOA_BIN (the
# stage executables), SOHOA_TESTS_BIN (test tools), SOHOA_SAMPLES_BIN (the sample
# generator) and SOHOA_SOURCE (the checkout).
set -euo pipefail

: "${SOHOA_BIN:?}" "${SOHOA_TESTS_BIN:?}" "${SOHOA_SOURCE:?}"
export PATH="$SOHOA_BIN:$PATH"
WORK=$(mktemp -d /tmp/sohoa-stage-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
checks=0

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_eq WHAT GOT WANT
expect_eq() {
	checks=$((checks + 1))
	[ "$2" == "$3" ] || fail "$1: got '$2', want '$3'"
}

# expect_match WHAT GOT REGEX
expect_match() {
	checks=$((checks + 1))
	[[ "$2" =~ $3 ]] || fail "$1: '$2' does not match '$3'"
}

# sql BATCH QUERY: one value or rows separated by newlines, fields by '|'
sql() {
	sqlite3 -batch "$1/batch.db" "$2"
}

# run_status CMD...: runs CMD, stores its exit code in $status and stderr in $WORK/stderr
run_status() {
	set +e
	"$@" >"$WORK/stdout" 2>"$WORK/stderr"
	status=$?
	set -e
}

done_ok() {
	echo "ok: $checks checks"
}

# gen OUTDIR ARGS...: the sample generator
gen() {
	"${SOHOA_SAMPLES_BIN:?}/sohoa-sample-gen" --out "$@" >/dev/null
}

# bookspecs GENDIR: the book specs of a generated set (from its manifest.ini), one per line
bookspecs() {
	local dir=$1 line
	while IFS= read -r line; do
		case "$line" in
		type*) printf '%s\n' --book-type "${line#*= }" ;;
		year*) printf '%s\n' --year "${line#*= }" ;;
		volume*) printf '%s\n' --volume "${line#*= }" ;;
		authority*) printf '%s\n' --authority "${line#*= }" ;;
		layout*) printf '%s\n' --layout "${line#*= }" ;;
		files*) for f in ${line#*= }; do printf '%s\n' "$dir/$f"; done ;;
		esac
	done <"$dir/manifest.ini"
}

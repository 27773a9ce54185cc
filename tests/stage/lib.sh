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
	[ "$2" == "$3" ] && return 0
	case "$2$3" in
	*$'\n'*) fail "$1: got (+) against want (-):
$(diff -u <(printf '%s\n' "$3") <(printf '%s\n' "$2") | tail -n +3 | head -40)" ;;
	*) fail "$1: got '$2', want '$3'" ;;
	esac
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

# browser_deps: what the browser tests need — CHROMIUM (Debian's, or $SOHOA_CHROMIUM) and
# playwright-core, pinned by tests/browser/package-lock.json: the checkout's own, else installed
# once with npm ci into the build's tests/browser-deps. Sets NODE_DEPS (its node_modules), empty
# when node, npm or Chromium is missing: the browser part of a test is then left out.
browser_deps() {
	CHROMIUM=${SOHOA_CHROMIUM:-/usr/bin/chromium}
	BUILD_ROOT=$(cd "$SOHOA_BIN/.." && pwd)
	BROWSER_SRC="$SOHOA_SOURCE/tests/browser"
	installed() { # DIR: the playwright-core version installed there, or nothing
		node -p "require('$1/node_modules/playwright-core/package.json').version" 2>/dev/null || true
	}
	NODE_DEPS=
	if command -v node >/dev/null && [ -x "$CHROMIUM" ]; then
		pinned=$(node -p "require('$BROWSER_SRC/package-lock.json').packages['node_modules/playwright-core'].version")
		deps="$BUILD_ROOT/tests/browser-deps"
		if [ "$(installed "$BROWSER_SRC")" == "$pinned" ]; then
			NODE_DEPS="$BROWSER_SRC/node_modules"
		elif [ "$(installed "$deps")" != "$pinned" ] && command -v npm >/dev/null; then
			rm -rf "$deps"
			mkdir -p "$deps"
			cp "$BROWSER_SRC/package.json" "$BROWSER_SRC/package-lock.json" "$BROWSER_SRC/.npmrc" \
				"$deps/"
			(cd "$deps" && npm ci --no-audit --no-fund >"$WORK/npm.log" 2>&1) || true
		fi
		[ -n "$NODE_DEPS" ] || [ "$(installed "$deps")" != "$pinned" ] || NODE_DEPS="$deps/node_modules"
	fi
}

# night_ini NAME [index=PATH] [endpoint=URL] BATCH:MANIFEST...: writes the night file
# $WORK/night.ini — the night NAME with its scratch in $WORK/scratch, the index and the [sync]
# endpoint when given, and each BATCH in shared/BATCH with its MANIFEST (paths relative to
# $WORK) — and makes $WORK/shared
night_ini() {
	local name=$1 arg
	shift
	{
		printf '[night]\nname = %s\nscratch = %s/scratch\n' "$name" "$WORK"
		for arg; do case "$arg" in index=*) printf 'index = %s\n' "${arg#index=}" ;; esac; done
		for arg; do case "$arg" in endpoint=*) printf '[sync]\nendpoint = %s\n' "${arg#*=}" ;; esac; done
		for arg; do
			case "$arg" in
			*=*) ;;
			*) printf '[batch %s]\ndir = shared/%s\nmanifest = %s\n' "${arg%%:*}" "${arg%%:*}" \
				"${arg#*:}" ;;
			esac
		done
	} >"$WORK/night.ini"
	mkdir -p "$WORK/shared"
}

# store_latest: the batch store's latest version (the highest migration's number)
store_latest() {
	local last
	last=$(ls "$SOHOA_SOURCE/schemas/migrations" | sort | tail -1)
	echo $((10#${last%%-*}))
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

# sync_fixture DIR COPIES: a batch of the four books (one generated page each) read by scan,
# ocr, validate and normalize, every record approved as an archivist would (UPDATE as `review
# approve` does), then copied COPIES times as books of other volumes (more records, each
# with its own business key)
sync_fixture() {
	local dir=$1 copies=$2 g="$WORK/sync-gen"
	gen "$g" --seed 51 --pages 1 \
		--book birth --year 2019 --volume 01 --authority 26740 \
		--book marriage --year 2020 --volume 01 --authority 26740 \
		--book death --year 2021 --volume 02 --authority 26740 \
		--book parentage --year 2022 --volume 01 --authority 26740 2>/dev/null
	local specs
	mapfile -t specs < <(bookspecs "$g")
	sohoa scan --batch "$dir" "${specs[@]}" >/dev/null 2>&1 || fail "fixture: scan"
	sohoa ocr --batch "$dir" >/dev/null 2>&1 || fail "fixture: ocr"
	sohoa validate --batch "$dir" >/dev/null 2>&1 || fail "fixture: validate"
	sohoa normalize --batch "$dir" >/dev/null 2>&1 || fail "fixture: normalize"
	sql "$dir" "UPDATE records SET status = 'approved', version = version + 1
		WHERE status = 'needs_review'"
	[ "$copies" -eq 0 ] || python3 "$SOHOA_SOURCE/tests/common/replicate_books.py" "$dir" \
		"$copies" >/dev/null || fail "fixture: copies"
}

# test_ca: a private CA (ca.pem), a server certificate for 127.0.0.1 (server.pem,
# server.key), a client certificate it signed (client.pem, client.key) and a self-signed one
# (rogue.pem, rogue.key) in $WORK
test_ca() {
	(
		cd "$WORK"
		openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
			-subj "/CN=sohoa test CA" >/dev/null 2>&1 || fail "cannot make a CA"
		openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
			-subj "/CN=127.0.0.1" >/dev/null 2>&1 || fail "cannot make a key"
		printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
			-out server.pem -days 2 -extfile san.ext >/dev/null 2>&1 ||
			fail "cannot sign the certificate"
		# a client certificate for mutual TLS, and one from no known CA
		openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr \
			-subj "/CN=sohoa-sync 26740" >/dev/null 2>&1 || fail "cannot make a client key"
		printf 'extendedKeyUsage=clientAuth\n' >client.ext
		openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
			-out client.pem -days 2 -extfile client.ext >/dev/null 2>&1 ||
			fail "cannot sign the client certificate"
		openssl req -x509 -newkey rsa:2048 -nodes -keyout rogue.key -out rogue.pem -days 2 \
			-subj "/CN=rogue" >/dev/null 2>&1 || fail "cannot make a rogue certificate"
	)
}

# review_serve BATCH ARGS...: starts `sohoa review serve --batch BATCH ARGS...` in the
# background; sets $server (its pid), $url (without the final /) and $port; its stdout in
# $WORK/review.out, stderr in $WORK/review.err. The caller's EXIT trap stops $server.
review_serve() {
	local batch=$1 out="$WORK/review.out"
	shift
	: >"$out"
	sohoa review serve --batch "$batch" "$@" >"$out" 2>"$WORK/review.err" &
	server=$!
	for _ in $(seq 600); do
		grep -q listening "$out" && break
		sleep 0.05
	done
	url=$(sed -n 's/^listening on //p' "$out")
	[ -n "$url" ] || fail "the review server did not start: $(cat "$out" "$WORK/review.err")"
	url=${url%/}
	port=${url##*:}
}

# registry_start DB ARGS...: starts sohoa-registryd on DB; sets $server (its pid) and $url
registry_start() {
	local db=$1 out
	shift
	out=$(mktemp "$WORK/registry-XXXXXX.out")
	sohoa-registryd --db "$db" "$@" >"$out" 2>&1 &
	server=$!
	for _ in $(seq 600); do
		grep -q listening "$out" && break
		sleep 0.05
	done
	url=$(sed -n 's/^listening on //p' "$out")
	[ -n "$url" ] || fail "the registry did not start: $(cat "$out")"
}
registry_stop() {
	kill "$server" 2>/dev/null || true
	wait "$server" 2>/dev/null || true
}

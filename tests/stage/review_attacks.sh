#!/usr/bin/env bash
# The review application against the attacks of issue 15, with curl and real sockets on
# loopback (no browser): slow clients holding connections while a real request is answered,
# and their connections ended by the request deadline; sign-in guessing slowed per account
# and per address with 429 and Retry-After, every failure recorded in the store and logged;
# passwords of 1,024 bytes and longer; the login form's token; the Host header; a 404 page
# that never links to the request's path; the Secure cookie behind TLS; a network address
# refused without --allow-remote and warned about with it.
. "$(dirname "$0")/lib.sh"

skip() {
	echo "SKIP: $*"
	exit 77
}
command -v curl >/dev/null || skip "curl is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"

# --- the fixture: one scanned page is a batch; three reviewers ------------------------------
B="$WORK/batch"
g="$WORK/gen"
gen "$g" --seed 7 --pages 1 --book birth --year 2019 --volume 01 --authority 26740 2>/dev/null
mapfile -t specs < <(bookspecs "$g")
sohoa scan --batch "$B" "${specs[@]}" >/dev/null 2>&1 || fail "fixture: scan"
printf 'mật-khẩu-alice-1\n' | sohoa review user add --batch "$B" alice >/dev/null ||
	fail "cannot add alice"
printf 'mật-khẩu-bob-22\n' | sohoa review user add --batch "$B" bob >/dev/null ||
	fail "cannot add bob"
pw1024=$(head -c 1024 /dev/zero | tr '\0' 'p')
printf '%s\n' "$pw1024" | sohoa review user add --batch "$B" long >/dev/null 2>"$WORK/stderr" ||
	fail "a password of 1,024 bytes was refused: $(cat "$WORK/stderr")"
run_status sohoa review user add --batch "$B" longer <<<"${pw1024}q"
expect_eq "a password of 1,025 bytes is refused" "$status" 2
expect_match "with the limit" "$(cat "$WORK/stderr")" "at most 1024"

# --- starting: plain HTTP on a network address only when asked -----------------------------
run_status sohoa review serve --batch "$B" --listen 0.0.0.0:0
expect_eq "0.0.0.0 without --allow-remote: exit 3" "$status" 3
expect_match "and says what to do" "$(cat "$WORK/stderr")" "plain HTTP.*TLS proxy.*--allow-remote"

server=
slow_pid=
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true
	[ -z "$slow_pid" ] || kill "$slow_pid" 2>/dev/null || true
	wait 2>/dev/null; rm -rf "$WORK"' EXIT
serve() { # ARGS...: starts the server; sets $server, $url, $port (stderr in $WORK/review.err)
	review_serve "$B" "$@"
}
stop() {
	kill -TERM "$server"
	set +e
	wait "$server"
	local st=$?
	set -e
	server=
	expect_eq "SIGTERM stops the server with 143" "$st" 143
}

serve --listen 0.0.0.0:0 --allow-remote
expect_match "0.0.0.0 with --allow-remote: a warning on start" "$(cat "$WORK/review.err")" \
	"warning: serving plain HTTP on 0.0.0.0:0: .*TLS proxy"
stop
serve --listen 0.0.0.0:0 --allow-remote --behind-tls
expect_eq "behind TLS: no warning" "$(cat "$WORK/review.err")" ""
stop

# code URL [CURL ARGS...]: the HTTP status of a request (body in $WORK/body, headers in
# $WORK/headers)
code() {
	local u=$1
	shift
	curl -s --path-as-is -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' "$@" "$url$u"
}
header() { # NAME: its value in the last answer (the first of them)
	tr -d '\r' <"$WORK/headers" | sed -n "s/^$1: //Ip" | head -1
}
login_token() { # JAR [CURL ARGS...]: the login form into JAR's cookies; prints its token
	local jar=$1
	shift
	curl -s -c "$jar" -b "$jar" "$@" "$url/login" |
		sed -n 's/.*<input type="hidden" name="csrf" value="\([^"]*\)".*/\1/p'
}
# sign_in JAR USER PASSWORD [CURL ARGS...]: the status of a sign-in with the form's token
sign_in() {
	local jar=$1 user=$2 password=$3
	shift 3
	local t
	t=$(login_token "$jar" "$@")
	code /login -c "$jar" -b "$jar" --data-urlencode "user=$user" \
		--data-urlencode "password=$password" -d "csrf=$t" "$@"
}
failures() { # [WHERE]: failed sign-ins recorded
	sql "$B" "SELECT count(*) FROM login_failures ${1:+WHERE $1}"
}

# the first sign-in lock lasts 3 s (the default 1 s): a loaded machine's next request must
# still fall inside it
serve --listen 127.0.0.1:0 --request-timeout 3 --connections-per-address 8 --sign-in-lock 3

# --- the Host header ---------------------------------------------------------------------------
expect_eq "the listen address as Host" "$(code /login)" 200
expect_eq "localhost as Host" "$(code /login -H "Host: localhost:$port")" 200
expect_eq "another name as Host (DNS rebinding)" "$(code /login -H 'Host: evil.example')" 421
expect_match "says so" "$(cat "$WORK/body")" "host name|máy chủ"
expect_eq "another port" "$(code /login -H "Host: 127.0.0.1:1$port")" 421
expect_eq "no Host (HTTP/1.0)" "$(code /login -0 -H 'Host:')" 421
expect_eq "a sign-in for another name" "$(code /login -H 'Host: evil.example' \
	-d 'user=alice&password=wrong-password')" 421
expect_eq "is not even counted" "$(failures)" 0
expect_match "and logged" "$(cat "$WORK/review.err")" "refused a request for host 'evil.example'"

# --- the login form's token ----------------------------------------------------------------------
lt=$(login_token "$WORK/jar-a")
expect_match "the form carries a token" "$lt" '^[0-9a-f]{64}$'
expect_match "and sets its cookie" "$(tr -d '\r' <"$WORK/jar-a" | grep sohoa_login)" \
	'sohoa_login	[A-Za-z0-9_-]{43}$'
expect_eq "a sign-in posted from another site (no cookie, no token)" "$(code /login \
	--data-urlencode user=alice --data-urlencode 'password=mật-khẩu-alice-1')" 403
expect_eq "no session" "$(grep -c 'sohoa_session=[A-Za-z0-9]' "$WORK/headers" || true)" 0
expect_eq "the token without its cookie" "$(code /login --data-urlencode user=alice \
	--data-urlencode 'password=mật-khẩu-alice-1' -d "csrf=$lt")" 403
expect_eq "the cookie with another cookie's token" "$(code /login -b "$WORK/jar-a" \
	--data-urlencode user=alice --data-urlencode 'password=mật-khẩu-alice-1' \
	-d "csrf=$(login_token "$WORK/jar-b")")" 403
expect_eq "a forged pair (token = cookie)" "$(code /login \
	-b "sohoa_login=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" --data-urlencode user=alice \
	--data-urlencode 'password=mật-khẩu-alice-1' -d "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")" 403
expect_match "the refusal asks to sign in again" "$(cat "$WORK/body")" "sign-in form expired|hết hạn"
expect_eq "none of them counted as a failed password" "$(failures)" 0
expect_eq "the cookie and its token" "$(sign_in "$WORK/jar-a" alice 'mật-khẩu-alice-1')" 303
expect_match "a session" "$(grep -i '^set-cookie: sohoa_session=' "$WORK/headers")" \
	'sohoa_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=/;'
expect_match "the form's cookie ended" "$(grep -i '^set-cookie: sohoa_login=' "$WORK/headers")" \
	'sohoa_login=; .*Max-Age=0'
expect_eq "not Secure on plain HTTP" "$(grep -ci '^set-cookie:.*secure' "$WORK/headers" || true)" 0

# --- a 404 page never links to the request's path --------------------------------------------
for path in //evil.example //evil.example/x "/\\evil.example" "//evil.example?lang=en"; do
	expect_eq "$path with a session" "$(code "$path" -b "$WORK/jar-a")" 404
	links=$(grep -o 'href="[^"]*"' "$WORK/body" | sort -u)
	if grep -qiE 'evil|href="//|href="/\\' <<<"$links"; then
		fail "$path: the page links to $(grep -iE 'evil|href="//' <<<"$links")"
	fi
	checks=$((checks + 1))
	expect_match "$path: the language link goes to the queue" "$links" 'href="/\?lang=(en|vi)"'
done
expect_eq "the queue's language link stays on the queue" \
	"$(code '/?book=birth-2019-01-26740' -b "$WORK/jar-a"; grep -o 'id="lang" href="[^"]*"' "$WORK/body")" \
	'200id="lang" href="/?book=birth-2019-01-26740&amp;lang=en"'

# --- passwords of 1,024 bytes and more ---------------------------------------------------------
expect_eq "a password of 1,024 bytes signs in" "$(sign_in "$WORK/jar-l" long "$pw1024")" 303
expect_eq "one of 1,025 bytes is a failed sign-in, not a server error" \
	"$(sign_in "$WORK/jar-l" long "${pw1024}p")" 401
expect_eq "one of 600 bytes, wrong" "$(sign_in "$WORK/jar-l" long "${pw1024:0:600}")" 401
expect_eq "one of 4,000 bytes" "$(sign_in "$WORK/jar-l" long "$pw1024$pw1024$pw1024$pw1024")" 401
expect_eq "one of 512 bytes for a short account" "$(sign_in "$WORK/jar-l" alice "${pw1024:0:512}")" 401
expect_eq "4 failures recorded" "$(failures)" 4

# --- guessing passwords: per account --------------------------------------------------------
sql "$B" "DELETE FROM login_failures"
# the server logs at most 10 such lines a second: the lines above are a second behind
sleep 1.1
for i in $(seq 1 5); do
	expect_eq "guess $i" "$(sign_in "$WORK/jar-g" bob "guess-number-$i")" 401
done
expect_eq "a sixth guess right after is refused without a check" \
	"$(sign_in "$WORK/jar-g" bob guess-number-6)" 429
expect_eq "with Retry-After" "$(header Retry-After)" 3
expect_match "and says why" "$(cat "$WORK/body")" "Too many failed sign-ins|quá nhiều lần"
expect_eq "the five failures are recorded" "$(failures "reviewer = 'bob' AND address = '127.0.0.1'")" 5
expect_match "and logged for the operator" "$(cat "$WORK/review.err")" \
	"failed sign-in as 'bob' from 127.0.0.1 \([1-5] in a row\)"
expect_match "the refusals too" "$(cat "$WORK/review.err")" \
	"sign-in as 'bob' from 127.0.0.1 refused for [0-9]+ s more"
# each lock waited out and failed again lasts twice as long: 6 s, then 12 s
sleep 3.1
expect_eq "after the wait a wrong one is checked again" "$(sign_in "$WORK/jar-g" bob guess-7)" 401
sleep 6.1
expect_eq "and again after twice the wait" "$(sign_in "$WORK/jar-g" bob guess-8)" 401
expect_eq "the right password is refused too while locked" \
	"$(sign_in "$WORK/jar-g" bob 'mật-khẩu-bob-22')" 429
wait_s=$(header Retry-After)
expect_match "for up to 12 s" "$wait_s" '^(9|1[0-2])$'
expect_eq "another account is not locked" "$(sign_in "$WORK/jar-h" alice 'mật-khẩu-alice-1')" 303
sleep "$wait_s.1"
expect_eq "after the wait the right password signs in" \
	"$(sign_in "$WORK/jar-g" bob 'mật-khẩu-bob-22')" 303
expect_eq "and the count starts again" "$(sign_in "$WORK/jar-g" bob guess-after)" 401
expect_eq "every checked failure of bob recorded" "$(failures "reviewer = 'bob'")" 8
users=$(sohoa review user list --batch "$B")
expect_match "the operator sees them: bob" "$users" $'(^|\n)bob +created [^\n]* last login [0-9T:Z-]+  1 failed sign-in since\n'
expect_match "not alice, whose failure was before her sign-in" "$users" $'(^|\n)alice +created [^\n]* last login [0-9T:Z-]+\n'

# --- guessing passwords: per address, across accounts ---------------------------------------------
sql "$B" "DELETE FROM login_failures"
from=(--interface 127.0.0.3)
for i in $(seq 1 20); do
	got=$(sign_in "$WORK/jar-x" "nobody$i" "guess-number-$i" "${from[@]}")
	[ "$got" == 401 ] || fail "guess $i from 127.0.0.3: got $got, want 401"
done
checks=$((checks + 1))
expect_eq "the 21st guess from that address is refused" \
	"$(sign_in "$WORK/jar-x" alice 'mật-khẩu-alice-1' "${from[@]}")" 429
expect_match "with Retry-After" "$(header Retry-After)" '^[123]$'
expect_eq "its 20 failures recorded" "$(failures "address = '127.0.0.3'")" 20
expect_eq "as the names typed" "$(sql "$B" "SELECT reviewer FROM login_failures
	WHERE address = '127.0.0.3' ORDER BY id LIMIT 1")" nobody1
expect_eq "another address signs in" "$(sign_in "$WORK/jar-y" alice 'mật-khẩu-alice-1')" 303

# --- slow clients ------------------------------------------------------------------------------------
# 200 connections from one address, each sending one more header line every second (never
# idle long enough for an idle timeout): the address holds 8 of them (the cap of this
# server), and a request from another address is answered at once
slow() { # STATUS ADDRESSES COUNT DURATION: the slow clients in the background ($slow_pid)
	python3 "$SOHOA_SOURCE/tests/stage/slow_clients.py" --port "$port" --status "$1" \
		--addresses "$2" --count "$3" --duration "$4" --interval 1 >"$1.out" &
	slow_pid=$!
	for _ in $(seq 100); do
		[ -s "$1" ] && break
		sleep 0.05
	done
	[ -s "$1" ] || fail "the slow clients did not start"
}
slow "$WORK/slow1" 127.0.0.2 200 2.5
held=$(python3 -c "import json; print(json.load(open('$WORK/slow1'))['open'])")
expect_eq "one address holds its cap of connections" "$held" 8
start=$(date +%s%N)
expect_eq "a request from another address while they hold them" \
	"$(code /login --max-time 5)" 200
ms=$((($(date +%s%N) - start) / 1000000))
echo "a request during 200 slow connections: $ms ms"
held=$(python3 -c "import json; print(json.load(open('$WORK/slow1'))['open'])")
expect_eq "the slow clients still hold theirs" "$held" 8
wait "$slow_pid"
slow_pid=
expect_match "the other 192 were refused at once" "$(cat "$WORK/slow1.out")" '"opened": 200, "held_max": 8'
sleep 1.1
lines=$(grep -c 'connection limit' "$WORK/review.err" || true)
echo "192 refused connections: $lines log lines about them"
[ "$lines" -le 40 ] || fail "the refused connections wrote $lines lines to the log"
checks=$((checks + 1))
expect_match "the rest are counted" "$(cat "$WORK/review.err")" "[0-9]+ more server messages left out"

# 240 slow connections from 30 addresses (8 each): they would hold nearly every slot for
# as long as they trickle; the request deadline ends every one of them. It is 6 s here so
# that a loaded machine opens all 240 well inside it (a connection ended before the last
# one opened would make the count held at once wrong, not the server)
stop
serve --listen 127.0.0.1:0 --request-timeout 6 --connections-per-address 8
addrs=$(for i in $(seq 10 39); do printf '127.0.0.%d,' "$i"; done)
slow "$WORK/slow2" "${addrs%,}" 8 12
held=$(python3 -c "import json; print(json.load(open('$WORK/slow2'))['open'])")
expect_eq "30 addresses hold 240 connections" "$held" 240
wait "$slow_pid"
slow_pid=
summary=$(cat "$WORK/slow2.out")
expect_match "all 240 ended by the server" "$summary" '"opened": 240, "held_max": 240, "still_open": 0'
latest=$(python3 -c "import json; print(max(json.loads('''$summary''')['closed_after']))")
earliest=$(python3 -c "import json; print(min(json.loads('''$summary''')['closed_after']))")
echo "slow connections ended between $earliest s and $latest s after they opened (deadline 6 s)"
# none before its deadline (the server accepts a connection after its client sees it open,
# so the client's measure can only be longer); all before the clients gave up (still_open 0)
python3 -c "import sys; sys.exit(not 6.0 <= $earliest)" ||
	fail "a slow connection was ended $earliest s after it opened, before its deadline of 6 s"
checks=$((checks + 1))
expect_match "and logged" "$(cat "$WORK/review.err")" "closed [0-9]+ connections that sent no whole request in 6 s"
expect_eq "a request afterwards" "$(code /login --max-time 5)" 200
stop

# --- behind a TLS proxy: Secure cookies, the client named by the proxy -------------------------
run_status sohoa review serve --batch "$B" --listen 127.0.0.1:0 --trusted-proxy proxy.example
expect_eq "a proxy that is no address: exit 3" "$status" 3
serve --listen 127.0.0.1:0 --behind-tls --allowed-host review.example.org --trusted-proxy 127.0.0.1
expect_eq "an allowed name" "$(code /login -H 'Host: review.example.org')" 200
expect_match "the form's cookie is Secure" "$(header Set-Cookie)" '^sohoa_login=[^;]+; .*; Secure$'
t=$(header Set-Cookie | sed 's/^sohoa_login=\([^;]*\);.*/\1/')
lt=$(sed -n 's/.*<input type="hidden" name="csrf" value="\([^"]*\)".*/\1/p' "$WORK/body")
expect_eq "an allowed name with a port, any case" "$(code /login -H 'Host: Review.Example.ORG:443' \
	-b "sohoa_login=$t" --data-urlencode user=alice --data-urlencode 'password=mật-khẩu-alice-1' \
	-d "csrf=$lt")" 303
expect_match "the session cookie is Secure" "$(grep -i '^set-cookie: sohoa_session=' "$WORK/headers" | tr -d '\r')" \
	'^[Ss]et-[Cc]ookie: sohoa_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=/; Max-Age=[0-9]+; Secure$'
expect_eq "a name not allowed" "$(code /login -H 'Host: review.example.org.evil.example')" 421
sql "$B" "DELETE FROM login_failures"
tp() { # ARGS...: a failed sign-in as carol with CURL ARGS
	code /login -H 'Host: review.example.org' -b "sohoa_login=$t" -d "user=carol&password=x&csrf=$lt" "$@"
}
expect_eq "a failed sign-in through the proxy" "$(tp -H 'X-Forwarded-For: 10.9.8.7, 203.0.113.7')" 401
expect_eq "another with a junk header" "$(tp -H 'X-Forwarded-For: 203.0.113.7, <script>')" 401
expect_eq "one from elsewhere claiming an address" "$(tp --interface 127.0.0.4 \
	-H 'X-Forwarded-For: 203.0.113.9')" 401
expect_eq "from the proxy: the address it added; from elsewhere: the peer" \
	"$(sql "$B" "SELECT address FROM login_failures ORDER BY id")" $'203.0.113.7\n127.0.0.1\n127.0.0.4'
stop

if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$WORK/review.err"; then
	fail "the sanitizers complained: $(cat "$WORK/review.err")"
fi
done_ok

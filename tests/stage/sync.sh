#!/usr/bin/env bash
# The sync stage against sohoa-registryd over HTTPS with a CA made here: every answer of the
# contract handled as SPEC.md says — 201 delivered, 200 already there (the remote id kept),
# 409 and 422 back to review with the server's reasons as flags, 401/403 stop the run with a
# clear message and nothing changed, TLS verification on (no --cacert: refused), 429/503
# retried after Retry-After and left queued when time runs out, a dead server left queued; a
# record fixed and approved again after a refusal is delivered; batches of 10 end the same.
. "$(dirname "$0")/lib.sh"

B="$WORK/fixture"
sync_fixture "$B" 0
test_ca
cd "$WORK"
printf 'writer-token write\nreader-token read\n' >tokens
printf 'writer-token\n' >good.token
printf 'wrong-token\n' >bad.token
printf 'reader-token\n' >read.token
chmod 600 ./*.token
eligible=$(sql "$B" "SELECT count(*) FROM records WHERE status IN ('valid', 'approved')")
[ "$eligible" -ge 10 ] || fail "the fixture has only $eligible deliverable records"

# the record that will be refused (422): a date an archivist left unconverted
bad=$(sql "$B" "SELECT r.id FROM records r JOIN books b ON b.id = r.book_id
	WHERE b.type = 'birth' ORDER BY r.id LIMIT 1")
sql "$B" "UPDATE fields SET value = '15/01/2019' WHERE record_id = $bad AND name = 'child.birth_date'"
# two records the server holds already: one with the same content, one with other content
sohoa export --batch "$B" --format jsonl --out "$WORK/before.jsonl" 2>/dev/null
same=$(sql "$B" "SELECT r.id FROM records r JOIN books b ON b.id = r.book_id
	WHERE b.type = 'death' ORDER BY r.id LIMIT 1")
other=$(sql "$B" "SELECT r.id FROM records r JOIN books b ON b.id = r.book_id
	WHERE b.type = 'marriage' ORDER BY r.id LIMIT 1")
key_of() { # RECORD: its business key
	sql "$B" "SELECT b.authority_code || '/' || b.type || '/' || b.year || '/' || b.volume || '/'
		|| f.value FROM records r JOIN books b ON b.id = r.book_id JOIN fields f ON
		f.record_id = r.id AND f.name = 'registration_number' WHERE r.id = $1"
}
expect_match "a key of the agreed form" "$(key_of "$same")" '^26740/death/2021/02/[0-9]+$'

registry_start "$WORK/registry.db" --listen 127.0.0.1:0 --tokens tokens \
	--cert server.pem --key server.key
python3 - "$url" "$WORK/ca.pem" "$WORK/before.jsonl" "$same=$(key_of "$same")" \
	"$other=$(key_of "$other")" >"$WORK/seeded" <<'PY' || fail "cannot seed the server"
import json, ssl, sys, urllib.request
url, ca, export = sys.argv[1:4]
ctx = ssl.create_default_context(cafile=ca)
recs = [json.loads(l) for l in open(export)]
def post(rec, key):
    req = urllib.request.Request(url + "/v1/records", data=json.dumps(rec).encode(), method="POST",
        headers={"Authorization": "Bearer writer-token", "Idempotency-Key": key,
                 "Content-Type": "application/json"})
    with urllib.request.urlopen(req, context=ctx) as r:
        return json.loads(r.read())["id"]
for n, arg in enumerate(sys.argv[4:6]):
    rid, key = arg.split("=", 1)
    # the record of that id is the n-th of its book type in the export (ordered by id)
    kind = "death" if n == 0 else "marriage"
    rec = next(r for r in recs if r["type"] == kind)
    if n == 1:
        first = next(k for k, f in rec["fields"].items() if k.endswith("full_name") and f and f["value"])
        rec["fields"][first]["value"] += " Khác"
    print(post(rec, key))
PY
same_remote=$(sed -n 1p "$WORK/seeded")

sync() { # BATCH ARGS...
	local b=$1
	shift
	run_status sohoa sync --batch "$b" --endpoint "$url" "$@"
}
queued() { sql "$1" "SELECT count(*) FROM outbox WHERE state = 'queued'"; }

# --- refusals before any delivery: nothing changes --------------------------------------
run_status sohoa sync --batch "$B" --endpoint "http://192.0.2.1:8443" --token-file good.token
expect_eq "plain http off the loopback is refused" "$status" 1
expect_match "and says why" "$(cat "$WORK/stderr")" "must be https://"
sync "$B" --token-file missing.token --cacert ca.pem
expect_eq "a missing token file" "$status" 3
sync "$B" --token-file good.token
expect_eq "no --cacert: the server's certificate is not trusted" "$status" 3
expect_match "a certificate message" "$(cat "$WORK/stderr")" "[Cc]ertificate|SSL"
sync "$B" --token-file bad.token --cacert ca.pem
expect_eq "a wrong token stops the run" "$status" 3
expect_match "401 explained" "$(cat "$WORK/stderr")" "refused the credentials \(HTTP 401.*token file"
sync "$B" --token-file read.token --cacert ca.pem
expect_eq "a read-only token stops the run" "$status" 3
expect_match "403 explained" "$(cat "$WORK/stderr")" "HTTP 403.*may not deliver"
sync "$B" --cacert ca.pem
expect_eq "no token at all: 401" "$status" 3
# the token is never taken from the command line nor repeated in a message
sync "$B" --cacert ca.pem --token writer-token
expect_eq "--token: refused as usage" "$status" 1
expect_match "--token: told where a token goes" "$(cat "$WORK/stderr")" "--token-file F.*SOHOA_SYNC_TOKEN"
sync "$B" --cacert ca.pem --token=writer-token
expect_eq "--token=VALUE: refused as usage" "$status" 1
run_status sohoa run --batch "$B" --endpoint "$url" --cacert ca.pem --token writer-token
expect_eq "sohoa run --token: refused as usage, before any stage" "$status 0" \
	"1 $(grep -c writer-token "$WORK/stderr" || true)"
sync "$B" --cacert ca.pem --token-file writer-token
expect_eq "a token given as the token file's name: not found" "$status" 3
expect_match "and said so" "$(cat "$WORK/stderr")" "cannot read the token file"
expect_eq "no message repeats the token" "$(grep -c writer-token "$WORK/stderr" "$WORK/stdout" | cut -d: -f2 | paste -sd+ | bc)" 0
SOHOA_SYNC_TOKEN=$'writer-token\r\nX-Injected: 1' run_status sohoa sync --batch "$B" \
	--endpoint "$url" --cacert ca.pem
expect_eq "a token with a line break: refused" "$status" 1
expect_eq "without repeating it" "$(grep -c -e writer-token -e Injected "$WORK/stderr" || true)" 0
SOHOA_SYNC_TOKEN=writer-token run_status sohoa sync --batch "$B" --endpoint "$url" \
	--cacert ca.pem --token-file good.token
expect_eq "a token in the environment and a token file: usage" "$status" 1
expect_eq "nothing synced after refusals" "$(sql "$B" "SELECT count(*) FROM records WHERE status = 'synced'")" 0
expect_eq "nothing acknowledged" "$(sql "$B" "SELECT count(*) FROM outbox WHERE state <> 'queued' AND state <> 'held'")" 0
expect_eq "the server has only the two seeded records" \
	"$(sqlite3 "$WORK/registry.db" "SELECT count(*) FROM records")" 2

# --- the delivery ------------------------------------------------------------------------
cp -r "$B" "$WORK/batch10"   # the same batch, for a run in batches of 10
for copy in dead proxied tunnel; do cp -r "$B" "$WORK/$copy"; done   # for the runs at the end
sync "$B" --token-file good.token --cacert ca.pem
expect_eq "exit: some records back to review" "$status" 2
sohoa export --batch "$B" --format jsonl --out "$WORK/after.jsonl" 2>/dev/null
python3 "$SOHOA_SOURCE/tests/stage/sync_check.py" "$B" "$WORK/after.jsonl" "$WORK/registry.db" \
	>/dev/null || fail "the server and the batch disagree"
expect_eq "the record already there is synced" "$(sql "$B" "SELECT status FROM records WHERE id = $same")" synced
expect_eq "under the server's id" "$(sql "$B" "SELECT remote_id FROM outbox WHERE record_id = $same")" "$same_remote"
expect_match "counted as already there" "$(cat "$WORK/stdout")" "[1-9][0-9]* already there"
expect_eq "409: back to review" "$(sql "$B" "SELECT status FROM records WHERE id = $other")" needs_review
expect_eq "409: flagged" "$(sql "$B" "SELECT code || ' ' || severity || ' ' || source FROM flags WHERE record_id = $other AND source = 'sync'")" \
	"REGISTRY_CONFLICT error sync"
expect_eq "409: refused in the outbox" "$(sql "$B" "SELECT state || ' ' || last_status FROM outbox WHERE record_id = $other")" "refused 409"
expect_match "409: the server keeps its content" \
	"$(sqlite3 "$WORK/registry.db" "SELECT body FROM records WHERE idempotency_key = '$(key_of "$other")'")" " Khác"
expect_eq "422: back to review" "$(sql "$B" "SELECT status FROM records WHERE id = $bad")" needs_review
expect_eq "422: flagged on the field the server named" \
	"$(sql "$B" "SELECT code || ' ' || fields FROM flags WHERE record_id = $bad AND source = 'sync'")" \
	'REGISTRY_REFUSED ["child.birth_date"]'
expect_match "422: the server's reason in the message" \
	"$(sql "$B" "SELECT message FROM flags WHERE record_id = $bad AND source = 'sync'")" "ISO date"
expect_eq "422: not on the server" \
	"$(sqlite3 "$WORK/registry.db" "SELECT count(*) FROM records WHERE idempotency_key = '$(key_of "$bad")'")" 0
expect_eq "every deliverable record settled" "$(queued "$B")" 0
expect_eq "the refusals are events for the report" \
	"$(sql "$B" "SELECT count(*) >= 2 FROM events WHERE stage = 'sync' AND level = 'warning'")" 1

# again: nothing to do
sync "$B" --token-file good.token --cacert ca.pem
expect_eq "again: exit 0" "$status" 0
expect_match "again: no request" "$(cat "$WORK/stdout")" " 0 requests"

# the archivist fixes the date and approves: queued again, delivered
sql "$B" "UPDATE fields SET value = '2019-01-15' WHERE record_id = $bad AND name = 'child.birth_date';
	UPDATE flags SET state = 'resolved' WHERE record_id = $bad AND source = 'sync';
	UPDATE records SET status = 'approved', version = version + 1 WHERE id = $bad"
sync "$B" --token-file good.token --cacert ca.pem
expect_eq "fixed: exit 0" "$status" 0
expect_eq "fixed: synced" "$(sql "$B" "SELECT status FROM records WHERE id = $bad")" synced
expect_eq "fixed: on the server once" \
	"$(sqlite3 "$WORK/registry.db" "SELECT count(*) FROM records WHERE idempotency_key = '$(key_of "$bad")'")" 1

# --- the same batch in batches of 10 ends the same ------------------------------------------
registry_stop
cp "$WORK/registry.db" "$WORK/registry-first.db"
rm -f "$WORK/registry.db"*
registry_start "$WORK/registry10.db" --listen 127.0.0.1:0 --tokens tokens \
	--cert server.pem --key server.key
python3 - "$url" "$WORK/ca.pem" "$WORK/before.jsonl" "$(key_of "$same")" "$(key_of "$other")" <<'PY' || fail "cannot seed"
import json, ssl, sys, urllib.request
url, ca, export, k1, k2 = sys.argv[1:6]
ctx = ssl.create_default_context(cafile=ca)
recs = [json.loads(l) for l in open(export)]
d = next(r for r in recs if r["type"] == "death")
m = next(r for r in recs if r["type"] == "marriage")
first = next(k for k, f in m["fields"].items() if k.endswith("full_name") and f and f["value"])
m["fields"][first]["value"] += " Khác"
body = {"records": [{"idempotency_key": k1, "record": d}, {"idempotency_key": k2, "record": m}]}
req = urllib.request.Request(url + "/v1/records:batch", data=json.dumps(body).encode(), method="POST",
    headers={"Authorization": "Bearer writer-token", "Content-Type": "application/json"})
with urllib.request.urlopen(req, context=ctx) as r:
    assert [x["status"] for x in json.loads(r.read())["results"]] == [201, 201]
PY
sync "$WORK/batch10" --token-file good.token --cacert ca.pem --batch-size 10
expect_eq "batches: exit 2" "$status" 2
expect_match "batches: fewer requests than records" "$(cat "$WORK/stdout")" "; [1-9] requests"
cp -r "$B" "$WORK/reference"
sql "$WORK/reference" "UPDATE records SET status = 'needs_review' WHERE id = $bad"
sohoa export --batch "$WORK/batch10" --format jsonl --out "$WORK/after10.jsonl" 2>/dev/null
python3 "$SOHOA_SOURCE/tests/stage/sync_check.py" "$WORK/batch10" "$WORK/after10.jsonl" \
	"$WORK/registry10.db" --like "$WORK/reference" >/dev/null ||
	fail "batches of 10 end differently"
registry_stop

# --- a busy server: Retry-After honoured, then the record is left queued ------------------
# (the archivist approves the conflicting record as it is)
sql "$B" "UPDATE records SET status = 'approved', version = version + 1 WHERE id = $other"
registry_start "$WORK/registry-first.db" --listen 127.0.0.1:0 --tokens tokens \
	--cert server.pem --key server.key --fault-busy 1
start=$(date +%s.%N)
sync "$B" --token-file good.token --cacert ca.pem --retry-for 3 --backoff 50
took=$(python3 -c "print(round($(date +%s.%N) - $start, 1))")
expect_eq "busy: exit 2" "$status" 2
expect_eq "busy: left queued" "$(queued "$B")" 1
expect_match "busy: the last answer kept" "$(sql "$B" "SELECT last_status FROM outbox WHERE record_id = $other")" "^(429|503)$"
requests=$(sed -n 's/.*; \([0-9]*\) requests.*/\1/p' "$WORK/stdout")
# with a 50 ms backoff alone there would be dozens; Retry-After: 1 allows about three
[ "$requests" -ge 2 ] && [ "$requests" -le 5 ] || fail "busy: $requests requests in $took s"
expect_eq "busy: an event for the report" \
	"$(sql "$B" "SELECT count(*) FROM events WHERE stage = 'sync' AND level = 'error' AND
	unit = '$(key_of "$other")' AND message LIKE 'left queued: no delivery after%'")" 1
registry_stop

# --- a dead server: left queued, then delivered when it is back -----------------------------
port=${url##*:}
url="https://127.0.0.1:$port"
sync "$B" --token-file good.token --cacert ca.pem --retry-for 2 --backoff 100
expect_eq "dead server: exit 2" "$status" 2
expect_eq "dead server: left queued" "$(queued "$B")" 1
expect_match "dead server: the reason recorded" \
	"$(sql "$B" "SELECT last_error FROM outbox WHERE record_id = $other")" "[Cc]onnect"
registry_start "$WORK/registry-first.db" --listen "127.0.0.1:$port" --tokens tokens \
	--cert server.pem --key server.key
sync "$B" --token-file good.token --cacert ca.pem
expect_eq "back: 409 again (the server holds other content)" "$status" 2
expect_eq "back: nothing queued" "$(queued "$B")" 0
expect_eq "back: refused again" "$(sql "$B" "SELECT state || ' ' || last_status FROM outbox WHERE record_id = $other")" "refused 409"
registry_stop

# --- mutual TLS: a client certificate instead of a token ------------------------------------
cp -r "$WORK/reference" "$WORK/mtls"
sql "$WORK/mtls" "DELETE FROM outbox; DELETE FROM flags WHERE source = 'sync';
	UPDATE records SET status = 'approved', version = version + 1 WHERE status = 'synced'"
registry_start "$WORK/registry-mtls.db" --listen 127.0.0.1:0 --tokens tokens \
	--cert server.pem --key server.key --client-ca ca.pem
sync "$WORK/mtls" --cacert ca.pem --cert rogue.pem --key rogue.key
expect_eq "a certificate from no known CA: stopped" "$status" 3
expect_match "and told" "$(cat "$WORK/stderr")" "HTTP 401.*client certificate"
sync "$WORK/mtls" --cacert ca.pem --cert client.pem --key client.key
expect_eq "the office's certificate delivers" "$(sql "$WORK/mtls" "SELECT count(*) > 0 FROM records WHERE status = 'synced'")" 1
expect_eq "as the token did" "$(sqlite3 "$WORK/registry-mtls.db" "SELECT count(*) FROM records")" \
	"$(sql "$WORK/mtls" "SELECT count(*) FROM outbox WHERE state = 'acked'")"
sync "$WORK/mtls" --cacert ca.pem --cert client.pem
expect_eq "a certificate without its key: usage" "$status" 1
registry_stop

# --- a registry that is down: one retry budget for the run, not one per record ---------------
# A closed port, then a server answering 503 to everything: the circuit opens after 5 failures
# in a row, only single probes follow, and once --retry-for is spent the run ends with every
# record left queued. The requests are counted: at most two rounds in flight before the
# circuit opens, then one probe per wait (doubling from --backoff, or Retry-After: 1).
D="$WORK/dead"
python3 "$SOHOA_SOURCE/tests/common/replicate_books.py" "$D" 20 >/dev/null || fail "cannot copy books"
free_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
t0=$(date +%s.%N)
run_status sohoa sync --batch "$D" --endpoint "https://127.0.0.1:$free_port" --token-file good.token \
	--cacert ca.pem --retry-for 2 --backoff 100 --in-flight 4 --quiet
t1=$(date +%s.%N)
expect_eq "closed port: exit 2 (left queued)" "$status" 2
queued_now=$(queued "$D")
expect_eq "closed port: nothing delivered, nothing sent back to review" \
	"$(sql "$D" "SELECT count(*) FROM outbox WHERE state NOT IN ('queued', 'held')")" 0
expect_eq "closed port: every record queued is left queued" \
	"$(sql "$D" "SELECT count(*) FROM outbox WHERE state = 'queued'") $(sql "$D" "SELECT count(*) FROM records WHERE status = 'synced'")" \
	"$queued_now 0"
[ "$queued_now" -ge 200 ] || fail "closed port: only $queued_now records queued"
requests=$(sed -n 's/.*; \([0-9]*\) requests.*/\1/p' "$WORK/stdout")
tried=$(sql "$D" "SELECT count(*) FROM outbox WHERE last_error IS NOT NULL")
# 2 rounds of 4 before the circuit opens; probes after waits of at least 0.05, 0.1, 0.2, 0.4,
# 0.8 s...: at most 6 within 2 s
[ "$requests" -le 15 ] || fail "closed port: $requests requests for $queued_now records"
[ "$tried" -le "$requests" ] || fail "closed port: $tried records tried in $requests requests"
expect_match "closed port: the reason is the connection" \
	"$(sql "$D" "SELECT last_error FROM outbox WHERE last_error IS NOT NULL LIMIT 1")" "[Cc]onnect"
expect_match "closed port: the circuit told on stderr" "$(cat "$WORK/stderr")" \
	"sending paused [0-9]+ times?, until the retry budget was spent"
expect_eq "closed port: one event for the run" \
	"$(sql "$D" "SELECT count(*) FROM events WHERE stage = 'sync' AND unit IS NULL AND message LIKE
	'the national database failed for the whole retry budget (2 s): $queued_now records left queued%'")" 1
echo "closed port: $queued_now records left queued after $requests requests ($tried records tried) in $(python3 -c "print(round($t1 - $t0, 2))") s"

registry_start "$WORK/registry-busy.db" --listen 127.0.0.1:0 --tokens tokens \
	--cert server.pem --key server.key --fault-busy 1
t0=$(date +%s.%N)
run_status sohoa sync --batch "$D" --endpoint "$url" --token-file good.token --cacert ca.pem \
	--retry-for 3 --backoff 100 --in-flight 4 --quiet
t1=$(date +%s.%N)
registry_stop
expect_eq "503: exit 2 (left queued)" "$status" 2
expect_eq "503: every record still queued" "$(queued "$D")" "$queued_now"
requests=$(sed -n 's/.*; \([0-9]*\) requests.*/\1/p' "$WORK/stdout")
# 2 rounds of 4, then a probe a second (Retry-After: 1) for 3 s
[ "$requests" -le 12 ] || fail "503: $requests requests for $queued_now records"
expect_eq "503: the server stored nothing" "$(sqlite3 "$WORK/registry-busy.db" "SELECT count(*) FROM records")" 0
expect_match "503: the last answer recorded" \
	"$(sql "$D" "SELECT group_concat(DISTINCT last_status) FROM outbox WHERE last_error LIKE '%retry budget%'")" "^(429|503)(,(429|503))?$"
echo "503: $queued_now records left queued after $requests requests in $(python3 -c "print(round($t1 - $t0, 2))") s"

# the registry back: the next run delivers them all, each once
registry_start "$WORK/registry-back.db" --listen 127.0.0.1:0 --tokens tokens \
	--cert server.pem --key server.key
sync "$D" --token-file good.token --cacert ca.pem --in-flight 4
registry_stop
expect_eq "back: exit 2 (the record with a bad date refused)" "$status" 2
expect_eq "back: nothing left queued" "$(queued "$D")" 0
sohoa export --batch "$D" --format jsonl --out "$WORK/dead.jsonl" 2>/dev/null
python3 "$SOHOA_SOURCE/tests/stage/sync_check.py" "$D" "$WORK/dead.jsonl" "$WORK/registry-back.db" \
	>"$WORK/dead.check" || fail "back: $(cat "$WORK/dead.check")"
expect_eq "back: each record on the server once" \
	"$(sqlite3 "$WORK/registry-back.db" "SELECT count(*), count(DISTINCT canonical_key) FROM records")" \
	"$(sql "$D" "SELECT count(*) FROM outbox WHERE state = 'acked'")|$(sql "$D" "SELECT count(*) FROM outbox WHERE state = 'acked'")"
expect_eq "back: every record queued delivered, or refused (the bad date and its 20 copies)" \
	"$(sql "$D" "SELECT count(*) FROM outbox WHERE state = 'acked'") $(sql "$D" "SELECT count(*) FROM outbox WHERE state = 'refused' AND last_status = 422")" \
	"$((queued_now - 21)) 21"

# --- proxies: the environment's are ignored; one named with --proxy is only a tunnel -------
python3 "$SOHOA_SOURCE/tests/stage/proxy_spy.py" "$WORK/spy-env.log" "$WORK/spy-env.bytes" \
	>"$WORK/spy-env.port" &
spy_env=$!
python3 "$SOHOA_SOURCE/tests/stage/proxy_spy.py" "$WORK/spy-chosen.log" "$WORK/spy-chosen.bytes" \
	>"$WORK/spy-chosen.port" &
spy_chosen=$!
for _ in $(seq 100); do
	[ -s "$WORK/spy-env.port" ] && [ -s "$WORK/spy-chosen.port" ] && break
	sleep 0.05
done
env_proxy="http://127.0.0.1:$(cat "$WORK/spy-env.port")"
chosen_proxy="http://127.0.0.1:$(cat "$WORK/spy-chosen.port")"
proxied() { # CMD...: CMD with every proxy variable pointing at the spy
	http_proxy=$env_proxy HTTP_PROXY=$env_proxy https_proxy=$env_proxy \
		HTTPS_PROXY=$env_proxy ALL_PROXY=$env_proxy all_proxy=$env_proxy NO_PROXY= no_proxy= \
		"$@"
}
deliverable=$(( $(sql "$WORK/tunnel" "SELECT count(*) FROM records WHERE status IN ('valid', 'approved')") - 1 ))
# plain http on loopback (where a proxy would read the token and the records in clear),
# the token from the environment
registry_start "$WORK/registry-plain.db" --listen 127.0.0.1:0 --tokens tokens
SOHOA_SYNC_TOKEN=writer-token proxied run_status sohoa sync --batch "$WORK/proxied" \
	--endpoint "$url" --quiet
registry_stop
expect_eq "http with proxy variables: delivered directly" \
	"$status $(sqlite3 "$WORK/registry-plain.db" "SELECT count(*) FROM records")" \
	"2 $deliverable"
expect_eq "http with proxy variables: the proxy got no connection" "$(wc -l <"$WORK/spy-env.log")" 0
run_status sohoa sync --batch "$WORK/tunnel" --endpoint "$url" --token-file good.token \
	--proxy "$chosen_proxy"
expect_eq "--proxy for an http endpoint: usage" "$status" 1
expect_match "and why" "$(cat "$WORK/stderr")" "only used for an https:// endpoint"
# https with the variables set and a proxy chosen: only the chosen one is used, as a tunnel
registry_start "$WORK/registry-tunnel.db" --listen 127.0.0.1:0 --tokens tokens \
	--cert server.pem --key server.key
proxied run_status sohoa sync --batch "$WORK/tunnel" --endpoint "$url" --token-file good.token \
	--cacert ca.pem --proxy "$chosen_proxy" --quiet
registry_stop
expect_eq "https through the chosen proxy: delivered" \
	"$status $(sqlite3 "$WORK/registry-tunnel.db" "SELECT count(*) FROM records")" \
	"2 $deliverable"
expect_eq "the proxy of the environment: still no connection" "$(wc -l <"$WORK/spy-env.log")" 0
expect_match "the chosen proxy: CONNECT only" "$(sort -u "$WORK/spy-chosen.log")" \
	"^CONNECT 127\.0\.0\.1:${url##*:} HTTP/1\.1$"
name=$(sql "$WORK/tunnel" "SELECT value FROM fields WHERE name = 'child.full_name' AND value <> '' LIMIT 1")
expect_eq "the chosen proxy: neither the token nor a name in what it carried" \
	"$(grep -c -a -e writer-token -e "$name" "$WORK/spy-chosen.bytes" || true)" 0
kill "$spy_env" "$spy_chosen"
wait "$spy_env" "$spy_chosen" 2>/dev/null || true
done_ok

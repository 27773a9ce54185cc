#!/usr/bin/env bash
# The reference national-database server, over HTTPS with a CA made here: every answer of the
# contract — 201 created, 200 already there, 409 other content, 422 refused with reasons, 400
# without an idempotency key, 401 without or with a bad token, 403 with a read-only token,
# 413 for a body too large, batches — and its fault options (500, 429/503 with Retry-After).
. "$(dirname "$0")/lib.sh"

test_ca
cd "$WORK"
printf 'writer-token write\nreader-token read\n' >tokens

start() { # ARGS...: starts the server, sets $server and $url
	# the last server's output goes first: the new one truncates the file only once it runs,
	# and its "listening" line must not be the old one's
	rm -f "$WORK/server.out"
	sohoa-registryd --db "$WORK/registry.db" --listen 127.0.0.1:0 --tokens tokens \
		--cert server.pem --key server.key "$@" >"$WORK/server.out" 2>&1 &
	server=$!
	for _ in $(seq 300); do
		grep -q listening "$WORK/server.out" && break
		sleep 0.1
	done
	url=$(sed -n 's/^listening on //p' "$WORK/server.out")
	[ -n "$url" ] || fail "the server did not start: $(cat "$WORK/server.out")"
}
stop() { kill "$server"; wait "$server" 2>/dev/null || true; }

start
python3 - "$url" "$WORK/ca.pem" <<'PY' || fail "answers differ from the contract"
import json, ssl, sys, urllib.request
url, ca = sys.argv[1], sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
def call(path, body=None, token="writer-token", key=None, raw=None):
    headers = {"Content-Type": "application/json"}
    if token: headers["Authorization"] = "Bearer " + token
    if key: headers["Idempotency-Key"] = key
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url + path, data=data, headers=headers,
                                 method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(req, context=ctx) as r:
            return r.status, json.loads(r.read()), r.headers
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}"), e.headers
rec = {"record_id": "birth-2019-01-26740/x.tif/p0/r1", "type": "birth", "status": "valid",
       "book": {"type": "birth", "year": 2019, "volume": "01", "authority_code": "26740"},
       "fields": {"registration_number": {"value": "125"}, "registration_date": {"value": "2019-03-05"},
                  "child.full_name": {"value": "Nguyễn Văn An"}, "child.birth_date": {"value": "2019-02-20"},
                  "child.sex": {"value": "male"}, "notes": None}}
checks = []
def expect(what, got, want):
    checks.append(what)
    if got != want:
        sys.exit("%s: got %r, want %r" % (what, got, want))
expect("health", call("/v1/health", token=None)[0], 200)
expect("no token", call("/v1/records", rec, token=None, key="k1")[0], 401)
expect("bad token", call("/v1/records", rec, token="nope", key="k1")[0], 401)
expect("read-only token", call("/v1/records", rec, token="reader-token", key="k1")[0], 403)
expect("no key", call("/v1/records", rec)[0], 400)
s, b, _ = call("/v1/records", rec, key="26740/birth/2019/01/125")
expect("created", s, 201)
rid = b["id"]
s, b, _ = call("/v1/records", rec, key="26740/birth/2019/01/125")
expect("again: already there", (s, b["id"]), (200, rid))
approved = dict(rec, status="approved")
expect("delivery status is not content", call("/v1/records", approved, key="26740/birth/2019/01/125")[0], 200)
other = json.loads(json.dumps(rec)); other["fields"]["child.full_name"]["value"] = "Nguyễn Văn Ân"
s, b, _ = call("/v1/records", other, key="26740/birth/2019/01/125")
expect("other content", (s, b["id"]), (409, rid))
bad = json.loads(json.dumps(rec)); bad["fields"]["child.birth_date"]["value"] = "20/02/2019"
del bad["fields"]["child.sex"]; bad["status"] = "needs_review"
s, b, _ = call("/v1/records", bad, key="26740/birth/2019/01/126")
expect("refused", s, 422)
fields = sorted(e["field"] for e in b["errors"])
expect("per-field reasons", fields, ["child.birth_date", "child.sex", "status"])
# checked against schemas/records/birth.schema.json: a date not in ISO form and a sex not
# canonical are refused on exactly those two fields, with the schema's reasons
wrong = json.loads(json.dumps(rec)); wrong["fields"]["child.birth_date"]["value"] = "30/02/2019"
wrong["fields"]["child.sex"]["value"] = "Nam"
s, b, _ = call("/v1/records", wrong, key="26740/birth/2019/01/129")
expect("bad date and sex", (s, b.get("error"), sorted((e["field"], e["reason"]) for e in b["errors"])),
       (422, "the record is refused",
        [("child.birth_date", "value must be an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"),
         ("child.sex", "value must be male or female")]))
s, b, _ = call("/v1/records", dict(rec, type="census"), key="26740/census/2019/01/125")
expect("unknown type", (s, b["errors"]),
       (422, [{"field": "type", "reason": "must be birth, marriage, death or parentage"}]))
s, b, _ = call("/v1/records", [rec], key="26740/birth/2019/01/130")
expect("not an object", (s, b["errors"]), (422, [{"field": "", "reason": "the record must be a JSON object"}]))
expect("not JSON", call("/v1/records", raw=b"{nope", key="k9")[0], 400)
# a body over the limit is refused from its Content-Length, while the client is still sending
# it: the client reads the 413, or sees the connection closed under its upload
try:
    too_large = call("/v1/records", raw=b"[" + b"1," * 700000 + b"1]", key="k9")[0]
except (urllib.error.URLError, ConnectionError, ssl.SSLError):
    too_large = "closed"
expect("too large", too_large in (413, "closed"), True)
# one entry under variant keys is stored once: case, blanks, leading zeros of the number or
# the volume name entry 125 of that book, answered as already there with its id
variants = ["26740/BIRTH/2019/01/125", "26740/birth/2019/01/0125", "26740/birth/2019/1/125",
            " 26740/birth/2019/01/125", "26740/Birth/2019/001/00125"]
expect("variant keys: the same entry", [call("/v1/records", rec, key=k)[:2] for k in variants],
       [(200, {"id": rid, "result": "exists"})] * len(variants))
s, b, _ = call("/v1/records:batch", {"records": [
    {"idempotency_key": "26740/birth/2019/01/125 ", "record": rec},
    {"idempotency_key": "26740/birth/2019/01/12 5", "record": rec}]})
expect("variant keys in a batch", (s, [(r["status"], r["id"]) for r in b["results"]]),
       (200, [(200, rid), (200, rid)]))
# a key naming another entry than the record's own is refused, naming the part that differs
s, b, _ = call("/v1/records", rec, key="26740/birth/2019/01/57")
expect("another number", (s, b["errors"]), (422, [{"field": "registration_number",
       "reason": "the Idempotency-Key names '57', the record '125'"}]))
s, b, _ = call("/v1/records", rec, key="26740/death/2019/02/125")
expect("another book", (s, sorted(e["field"] for e in b["errors"])), (422, ["book.type", "book.volume"]))
expect("a key of another form", call("/v1/records", rec, key="26740/birth/2019/125")[0], 400)
expect("a key with an empty part", call("/v1/records", rec, key="26740/birth//01/125")[0], 400)
nonum = json.loads(json.dumps(rec)); nonum["fields"]["registration_number"]["value"] = " / "
s, b, _ = call("/v1/records", nonum, key="26740/birth/2019/01/125")
expect("a record without its own number", (s, [e["field"] for e in b["errors"]]),
       (422, ["registration_number"]))
r127 = json.loads(json.dumps(rec)); r127["record_id"] = "r127"
r127["fields"]["registration_number"]["value"] = "127"
s, b, _ = call("/v1/records:batch", {"records": [
    {"idempotency_key": "26740/birth/2019/01/125", "record": rec},
    {"idempotency_key": "26740/birth/2019/01/127", "record": r127},
    {"idempotency_key": "26740/birth/2019/01/128", "record": bad}]})
expect("batch", (s, [r["status"] for r in b["results"]]), (200, [200, 201, 422]))
s, b, _ = call("/v1/records/" + rid)
expect("read back", (s, b["fields"]["child.full_name"]["value"]), (200, "Nguyễn Văn An"))
print("registryd: %d checks" % len(checks))
PY
checks=$((checks + 1))
expect_eq "records stored" "$(sqlite3 registry.db "SELECT count(*) FROM records")" 2
expect_eq "entry 125 once, under the key it was first given and its canonical form" \
	"$(sqlite3 registry.db "SELECT idempotency_key || ' ' || canonical_key FROM records WHERE
		canonical_key LIKE '%/125'")" "26740/birth/2019/01/125 26740/birth/2019/1/125"
stop

# a database of the version before canonical keys: its entries get their canonical key; one
# that holds an entry twice is refused with the entry named
for dup in 0 1; do
	rm -f old.db*
	sqlite3 old.db "CREATE TABLE records (id INTEGER PRIMARY KEY, idempotency_key TEXT NOT NULL
		UNIQUE, type TEXT NOT NULL, body TEXT NOT NULL, sha256 TEXT NOT NULL, created_at TEXT
		NOT NULL)"
	sqlite3 registry.db "SELECT idempotency_key, type, body, sha256, created_at FROM records" \
		-json >old.json
	python3 - old.db old.json "$dup" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = json.load(open(sys.argv[2]))
if sys.argv[3] == "1":
    rows.append(dict(rows[0], idempotency_key=rows[0]["idempotency_key"] + " "))
for r in rows:
    db.execute("INSERT INTO records (idempotency_key, type, body, sha256, created_at) VALUES "
               "(?, ?, ?, ?, ?)", (r["idempotency_key"], r["type"], r["body"], r["sha256"], r["created_at"]))
db.commit()
PY
	run_status timeout 20 sohoa-registryd --db old.db --listen 127.0.0.1:0 &
	sleep 1
	if [ "$dup" = 0 ]; then
		kill %1 2>/dev/null || true
		wait %1 2>/dev/null || true
		expect_eq "an old database: canonical keys filled" \
			"$(sqlite3 old.db "SELECT group_concat(canonical_key, ' ') FROM (SELECT canonical_key FROM records ORDER BY id)")" \
			"26740/birth/2019/1/125 26740/birth/2019/1/127"
	else
		wait %1 2>/dev/null || true
		expect_match "an old database with an entry twice: refused, naming it" \
			"$(cat "$WORK/stderr")" "holds the entry 26740/birth/2019/1/125 more than once"
		expect_eq "and left as it was" "$(sqlite3 old.db "SELECT count(*) FROM pragma_table_info('records') WHERE name = 'canonical_key'")" 0
	fi
done

# refused before the body: without a token, with a read-only one, or announcing a body over
# the limit, a request is answered from its headers — with "Expect: 100-continue" the client
# is never asked for the body, without it the answer comes before the body is sent; 200
# unauthenticated 1 MiB uploads are all answered 401
start
python3 - "$url" "$WORK/ca.pem" "$server" <<'PY' || fail "uploads were not refused before the body"
import socket, ssl, sys, threading
url, ca, pid = sys.argv[1], sys.argv[2], sys.argv[3]
host, port = url.split("//")[1].split(":")
ctx = ssl.create_default_context(cafile=ca)
def rss():
    for line in open("/proc/%s/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
def head(token=None, length=100 << 20, expect=True):
    s = ctx.wrap_socket(socket.create_connection((host, int(port)), timeout=10), server_hostname=host)
    lines = ["POST /v1/records HTTP/1.1", "Host: %s:%s" % (host, port),
             "Content-Type: application/json", "Content-Length: %d" % length,
             "Idempotency-Key: 26740/birth/2019/01/125"]
    if token:
        lines.append("Authorization: Bearer " + token)
    if expect:
        lines.append("Expect: 100-continue")
    s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    s.close()
    return " ".join(data.split(b"\r\n", 1)[0].decode().split(" ")[:2])
checks = [
    ("no token, Expect", head(), "HTTP/1.1 401"),
    ("no token, headers only", head(expect=False), "HTTP/1.1 401"),
    ("a wrong token", head("writer-tokem"), "HTTP/1.1 401"),
    ("a longer wrong token", head("writer-token-and-more"), "HTTP/1.1 401"),
    ("a read-only token", head("reader-token"), "HTTP/1.1 403"),
    ("a body over the limit", head("writer-token"), "HTTP/1.1 413"),
    ("a writer with a body to send", head("writer-token", length=1000), "HTTP/1.1 100"),
]
for what, got, want in checks:
    if got != want:
        sys.exit("%s: got %r, want %r" % (what, got, want))
before = rss()
refused = []
def upload():
    s = ctx.wrap_socket(socket.create_connection((host, int(port)), timeout=20), server_hostname=host)
    s.sendall(("POST /v1/records HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n"
               "Idempotency-Key: k\r\n\r\n" % (1 << 20)).encode())
    try:
        s.sendall(b"[" + b" " * ((1 << 20) - 2) + b"]")
    except OSError:
        pass
    try:
        data = s.recv(4096)
    except OSError:
        data = b""
    refused.append(data.startswith(b"HTTP/1.1 401"))
    s.close()
for round in range(10):
    ts = [threading.Thread(target=upload) for _ in range(20)]
    for t in ts: t.start()
    for t in ts: t.join()
grown = rss() - before
print("200 unauthenticated uploads of 1 MiB: %d answered 401, the server grew %.1f MiB" %
      (sum(refused), grown / 1048576.0))
# (the growth is reported, not asserted: under the sanitizers every thread costs far more)
if sum(refused) < 190:
    sys.exit("only %d of 200 uploads were answered 401" % sum(refused))
PY
checks=$((checks + 1))
stop

# slow clients: one address holds at most --per-address connections, one that is never idle
# but never delivers its headers is cut at --header-timeout, an idle one is dropped, and a
# legitimate request from another address is served while they hang on
start --per-address 8 --idle-timeout 5 --header-timeout 3
python3 - "$url" "$WORK/ca.pem" <<'PY' || fail "slow clients stopped a legitimate request"
import json, select, socket, ssl, sys, time, urllib.request
url, ca = sys.argv[1], sys.argv[2]
host, port = url.split("//")[1].split(":")
held = [socket.create_connection((host, int(port)), source_address=("127.0.0.2", 0), timeout=5)
        for _ in range(40)]
for s in held:
    s.sendall(b"\x16\x03")   # the first bytes of a TLS handshake, and nothing more
time.sleep(1)
def closed(s):   # the server closed it (whatever it sent before, a TLS alert say)
    while True:
        r, _, _ = select.select([s], [], [], 0)
        if not r:
            return False
        try:
            if not s.recv(4096):
                return True
        except OSError:
            return True
open_now = sum(not closed(s) for s in held)
if open_now != 8:
    sys.exit("%d of 40 slow connections from one address are held, want 8" % open_now)
ctx = ssl.create_default_context(cafile=ca)
req = urllib.request.Request(url + "/v1/records/R00000001",
                             headers={"Authorization": "Bearer writer-token"})
t0 = time.monotonic()
with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
    got = (r.status, json.loads(r.read())["fields"]["registration_number"]["value"])
if got != (200, "125"):
    sys.exit("the legitimate request got %r" % (got,))
print("a legitimate request among 8 held slow connections: %.3f s" % (time.monotonic() - t0))
# a handshake sent a byte every 0.5 s is never idle for --idle-timeout (5 s); the header
# deadline (3 s) cuts it
trickle = socket.create_connection((host, int(port)), source_address=("127.0.0.3", 0), timeout=5)
hello = b"\x16\x03\x01\x02\x00" + b"\x01" * 512   # a TLS record of 512 bytes, announced
t0 = time.monotonic()
sent = 0
while time.monotonic() - t0 < 12 and not closed(trickle):
    try:
        trickle.send(hello[sent:sent + 1])
    except OSError:
        break
    sent += 1
    time.sleep(0.5)
cut_after = time.monotonic() - t0
if cut_after >= 12:
    sys.exit("a connection trickling its handshake was still open after %d bytes, %.1f s" % (sent, cut_after))
print("a connection trickling its handshake (a byte every 0.5 s) cut after %.1f s" % cut_after)
# the idle ones are gone too: every one is closed by 8 s
deadline = time.monotonic() + 8
while time.monotonic() < deadline and not all(closed(s) for s in held):
    time.sleep(0.2)
left = sum(not closed(s) for s in held)
if left:
    sys.exit("%d idle connections still open" % left)
PY
checks=$((checks + 1))
stop

# faults: every answer a 500, then every one busy with Retry-After
start --fault-500 1
python3 - "$url" "$WORK/ca.pem" <<'PY' || fail "fault 500"
import ssl, sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1] + "/v1/health", context=ssl.create_default_context(cafile=sys.argv[2]))
    sys.exit("no 500")
except urllib.error.HTTPError as e:
    sys.exit(0 if e.code == 500 else "got %d" % e.code)
PY
stop
start --fault-busy 1
python3 - "$url" "$WORK/ca.pem" <<'PY' || fail "fault busy"
import ssl, sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1] + "/v1/health", context=ssl.create_default_context(cafile=sys.argv[2]))
    sys.exit("not busy")
except urllib.error.HTTPError as e:
    ok = e.code in (429, 503) and e.headers.get("Retry-After") == "1"
    sys.exit(0 if ok else "got %d, Retry-After %s" % (e.code, e.headers.get("Retry-After")))
PY
stop
checks=$((checks + 2))
# a certificate the client does not trust is refused by it
start
python3 - "$url" <<'PY' || fail "a certificate the client does not trust was not refused as such"
import ssl, sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1] + "/v1/health", context=ssl.create_default_context())
    sys.exit("accepted")
except urllib.error.URLError as e:
    sys.exit(0 if isinstance(e.reason, ssl.SSLError) else "refused for another reason: %r" % e.reason)
except ssl.SSLError:
    sys.exit(0)
PY
stop
checks=$((checks + 1))
run_status sohoa-registryd --db "$WORK/x.db" --listen nowhere
expect_eq "bad listen" "$status" 3
done_ok

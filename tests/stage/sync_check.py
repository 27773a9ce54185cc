#!/usr/bin/env python3
"""Checks a batch against the registry it was synced to: every record the batch says is synced
is on the server exactly once, under its key, with its remote id and its exact content (the
record as `sohoa export` gives it, but for its delivery status); nothing else is on the server
but records the server holds with other content (409); nothing deliverable is left queued.
With --like REFERENCE_BATCH: every record ended in the same status as in the reference batch
(the same batch synced without faults).
Usage: sync_check.py BATCH EXPORT.jsonl REGISTRY.db [--like REF_BATCH] [--allow-queued]"""
import json
import sqlite3
import sys

args = sys.argv[1:]
allow_queued = "--allow-queued" in args
if allow_queued:
    args.remove("--allow-queued")
like = None
if "--like" in args:
    i = args.index("--like")
    like = args[i + 1]
    del args[i:i + 2]
batch, export, registry = args

def fail(msg):
    sys.exit("sync_check: " + msg)

b = sqlite3.connect(batch + "/batch.db")
r = sqlite3.connect(registry)
server = {}
for key, body, rid in r.execute("SELECT idempotency_key, body, id FROM records"):
    if key in server:
        fail("key %s twice on the server" % key)
    server[key] = (json.loads(body), "R%08d" % rid)
ids = [v[0]["record_id"] for v in server.values()]
if len(ids) != len(set(ids)):
    fail("a record is on the server under two keys")

exported = {}
for line in open(export):
    rec = json.loads(line)
    exported[rec["record_id"]] = rec

synced = 0
for rid, key, state, remote, status in b.execute(
        "SELECT o.record_id, o.idempotency_key, o.state, o.remote_id, r.status FROM outbox o "
        "JOIN records r ON r.id = o.record_id"):
    if state == "acked":
        synced += 1
        if status != "synced":
            fail("record %d acked but %s" % (rid, status))
        if key not in server:
            fail("record %d acked but %s is not on the server" % (rid, key))
        body, server_id = server[key]
        if server_id != remote:
            fail("record %d: remote id %s, the server says %s" % (rid, remote, server_id))
        mine = dict(exported[body["record_id"]])
        theirs = dict(body)
        if theirs.pop("status") not in ("valid", "approved") or mine.pop("status") != "synced":
            fail("record %d: unexpected statuses" % rid)
        if mine != theirs:
            fail("record %d: the server's content differs from the batch" % rid)
    elif state == "queued":
        if status in ("valid", "approved") and not allow_queued:
            fail("record %d is still queued" % rid)
        if status == "synced":
            fail("record %d synced but still queued" % rid)
    elif state in ("refused", "held"):
        if status != "needs_review":
            fail("record %d %s but %s" % (rid, state, status))
        flags = b.execute("SELECT count(*) FROM flags WHERE record_id = ? AND source = 'sync' "
                          "AND state = 'open'", (rid,)).fetchone()[0]
        if flags == 0:
            fail("record %d %s without a flag" % (rid, state))
statuses = dict(b.execute("SELECT status, count(*) FROM records GROUP BY status").fetchall())
if statuses.get("synced", 0) != synced:
    fail("%d records synced, %d acked" % (statuses.get("synced", 0), synced))
# the server holds nothing the batch does not know as delivered, except 409 conflicts
acked_keys = {k for (k,) in b.execute("SELECT idempotency_key FROM outbox WHERE state = 'acked'")}
conflict_keys = {k for (k,) in b.execute("SELECT idempotency_key FROM outbox WHERE state = "
                                         "'refused' AND last_status = 409")}
extra = set(server) - acked_keys - conflict_keys
if extra:
    fail("on the server but not acked in the batch: %s" % sorted(extra)[:5])
if like:
    ref = sqlite3.connect(like + "/batch.db")
    want = dict(ref.execute("SELECT id, status FROM records"))
    got = dict(b.execute("SELECT id, status FROM records"))
    if want != got:
        diff = [(i, want.get(i), got.get(i)) for i in sorted(set(want) | set(got))
                if want.get(i) != got.get(i)]
        fail("%d records end differently from the reference run, e.g. %s" % (len(diff), diff[:5]))
print("sync_check: %d synced, %d on the server, statuses %s" % (synced, len(server),
      json.dumps(statuses, sort_keys=True)))

#!/usr/bin/env python3
"""Slow clients for review_attacks.sh: from each source address given (any of 127.0.0.0/8
works on Linux loopback), open COUNT connections to the server, send a request line and a
Host header, then one more header line on each open connection every INTERVAL seconds, never
ending the headers, for DURATION seconds. Every INTERVAL the number of connections the server
still holds open is written to STATUS (JSON: elapsed, open); at the end a summary on stdout
(JSON): opened, the most held at once, and for each connection the server closed, how long
after it was opened."""
import argparse
import json
import os
import selectors
import socket
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--addresses", required=True, help="source addresses, comma-separated")
    ap.add_argument("--count", type=int, required=True, help="connections per address")
    ap.add_argument("--interval", type=float, default=1.0)
    ap.add_argument("--duration", type=float, required=True)
    ap.add_argument("--status", required=True)
    a = ap.parse_args()

    sel = selectors.DefaultSelector()
    conns = {}  # socket -> time opened
    closed = []  # seconds from open to the server's close
    start = time.monotonic()
    for addr in a.addresses.split(","):
        for _ in range(a.count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((addr, 0))
            try:
                s.connect(("127.0.0.1", a.port))
                s.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % a.port)
            except OSError:
                closed.append(0.0)
                s.close()
                continue
            s.setblocking(False)
            conns[s] = time.monotonic()
            sel.register(s, selectors.EVENT_READ)

    def drop(s):
        closed.append(time.monotonic() - conns.pop(s))
        sel.unregister(s)
        s.close()

    held_max = 0
    next_line = time.monotonic() + a.interval
    line = 0
    while time.monotonic() - start < a.duration:
        for key, _ in sel.select(timeout=0.05):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:
                drop(s)
        now = time.monotonic()
        if now >= next_line:
            line += 1
            for s in list(conns):
                try:
                    s.send(b"X-Slow-%d: %d\r\n" % (line, line))
                except OSError:
                    drop(s)
            next_line = now + a.interval
            held_max = max(held_max, len(conns))
            tmp = a.status + ".tmp"
            with open(tmp, "w") as f:
                json.dump({"elapsed": round(now - start, 2), "open": len(conns)}, f)
            os.replace(tmp, a.status)
    still = len(conns)
    for s in list(conns):
        sel.unregister(s)
        s.close()
    print(json.dumps({"opened": len(closed) + still, "held_max": held_max, "still_open": still,
                      "closed_after": sorted(round(c, 2) for c in closed)}))


if __name__ == "__main__":
    main()

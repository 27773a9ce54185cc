#!/usr/bin/env python3
"""A proxy that tells what it was sent: it listens on loopback, prints its port, and appends
to LOG one line per connection (the request line) and every byte the client sent it (to
BYTES). CONNECT requests are tunnelled to their target, so a client that uses it works; any
other request is answered 502. Runs until killed.
Usage: proxy_spy.py LOG BYTES"""
import socket
import sys
import threading

log_path, bytes_path = sys.argv[1:3]
lock = threading.Lock()

def record(line=None, data=None):
    with lock:
        if line is not None:
            with open(log_path, "a") as f:
                f.write(line + "\n")
        if data:
            with open(bytes_path, "ab") as f:
                f.write(data)

def pump(src, dst, spy):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if spy:
                record(data=data)
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

def serve(client):
    head = b""
    while b"\r\n\r\n" not in head:
        data = client.recv(65536)
        if not data:
            break
        head += data
    record(line=head.split(b"\r\n", 1)[0].decode("latin-1") or "(nothing)", data=head)
    parts = head.split(b" ")
    if len(parts) > 1 and parts[0] == b"CONNECT":
        host, port = parts[1].decode().rsplit(":", 1)
        try:
            upstream = socket.create_connection((host, int(port)))
        except OSError:
            client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            client.close()
            return
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        rest = head.split(b"\r\n\r\n", 1)[1]
        if rest:
            upstream.sendall(rest)
        threading.Thread(target=pump, args=(upstream, client, False), daemon=True).start()
        pump(client, upstream, True)
    else:
        client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        client.close()

listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(64)
print(listener.getsockname()[1], flush=True)
open(log_path, "a").close()
while True:
    conn, _ = listener.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Traffic ends for knat's selftests: servers that say who they saw, and
clients that check every byte that comes back.

Servers (run in the background, one per namespace):
  serve-tcp PORT [NAME]    per connection: "peer IP:PORT name NAME\\n", then
            [--close]      echo everything until EOF; with --close, close
                           right after the greeting (the server closes first)
  serve-sink PORT          read to EOF, answer "sha256 HEX bytes N\\n"
  serve-udp PORT [NAME]    answer each datagram with "peer IP:PORT name
                           NAME " followed by the datagram
Clients (print key=value lines, exit 0 only if everything checked out):
  tcp HOST PORT SIZE [--sport P]     echo SIZE random bytes, compare
  upload HOST PORT SIZE              send SIZE bytes, compare the sha256
  udp HOST PORT [--sport P] [--count N]
                                     per answer also src=IP:PORT, where
                                     the answer came from
  ping HOST --id ID [--count N]      raw ICMP echo with a fixed id
  hold HOST PORT SECONDS [--until F] a TCP connection kept open, echoing
                                     a line a second (long-lived flows);
                                     it ends early once file F exists
  hello HOST PORT [--sport P] [--rst]
                                     connect, time the connect and the
                                     greeting (us=), then wait for the
                                     server to close first and close, or
                                     reset (SO_LINGER 0): the client's own
                                     socket never ends in TIME_WAIT
"""

import argparse
import hashlib
import os
import select
import socket
import struct
import sys
import threading
import time


def log(**kv):
    print(" ".join(f"{k}={v}" for k, v in kv.items()), flush=True)


def serve_tcp(port, name, close=False):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", port))
    srv.listen(128)

    def handle(conn, peer):
        with conn:
            conn.sendall(f"peer {peer[0]}:{peer[1]} name {name}\n".encode())
            while not close:
                data = conn.recv(65536)
                if not data:
                    break
                conn.sendall(data)

    while True:
        conn, peer = srv.accept()
        threading.Thread(target=handle, args=(conn, peer), daemon=True).start()


def serve_sink(port):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", port))
    srv.listen(16)

    def handle(conn):
        with conn:
            h, n = hashlib.sha256(), 0
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                h.update(data)
                n += len(data)
            conn.sendall(f"sha256 {h.hexdigest()} bytes {n}\n".encode())

    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


def serve_udp(port, name):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    while True:
        data, peer = s.recvfrom(65536)
        s.sendto(f"peer {peer[0]}:{peer[1]} name {name} ".encode() + data, peer)


def readline(sock, timeout):
    sock.settimeout(timeout)
    buf = b""
    while not buf.endswith(b"\n"):
        c = sock.recv(1)
        if not c:
            break
        buf += c
    return buf.decode().strip()


def connect(host, port, sport, timeout):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if sport:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", sport))
    s.settimeout(timeout)
    s.connect((host, port))
    return s


def client_tcp(a):
    t0 = time.monotonic()
    s = connect(a.host, a.port, a.sport, a.timeout)
    hello = readline(s, a.timeout).split()
    payload = os.urandom(a.size)
    got = bytearray()
    s.settimeout(a.timeout)

    def sender():
        s.sendall(payload)

    th = threading.Thread(target=sender, daemon=True)
    th.start()
    while len(got) < len(payload):
        data = s.recv(65536)
        if not data:
            break
        got += data
    th.join(a.timeout)
    s.close()
    ok = bytes(got) == payload
    log(peer=hello[1] if len(hello) > 1 else "?",
        name=hello[3] if len(hello) > 3 else "?",
        sent=len(payload), received=len(got), match=ok,
        ms=int((time.monotonic() - t0) * 1000))
    return 0 if ok else 1


def client_upload(a):
    s = connect(a.host, a.port, a.sport, a.timeout)
    payload = os.urandom(a.size)
    s.sendall(payload)
    s.shutdown(socket.SHUT_WR)
    answer = readline(s, a.timeout).split()
    s.close()
    ok = len(answer) == 4 and answer[1] == hashlib.sha256(payload).hexdigest()
    log(sent=len(payload), received=answer[3] if len(answer) == 4 else "?",
        match=ok)
    return 0 if ok else 1


def client_udp(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if a.ipopts:
        # NOP, NOP, NOP, end of list: a header of 24 bytes, not 20.
        s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, b"\x01\x01\x01\x00")
    if a.sport:
        s.bind(("0.0.0.0", a.sport))
    s.settimeout(a.timeout)
    bad = 0
    for i in range(a.count):
        msg = f"knat-udp-{i}-{os.getpid()}-".encode()
        msg += os.urandom(max(0, a.size - len(msg)))
        s.sendto(msg, (a.host, a.port))
        try:
            data, peer = s.recvfrom(65536)
        except socket.timeout:
            log(seq=i, reply="none")
            bad += 1
            continue
        words = data.split(b" ", 4)
        ok = peer == (a.host, a.port) and len(words) == 5 and words[4] == msg
        bad += not ok
        log(seq=i, peer=words[1].decode() if len(words) > 1 else "?",
            name=words[3].decode() if len(words) > 3 else "?",
            src=f"{peer[0]}:{peer[1]}", match=ok)
    return 1 if bad else 0


def icmp_csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def client_ping(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.settimeout(a.timeout)
    dst = socket.gethostbyname(a.host)
    got = 0
    for seq in range(1, a.count + 1):
        payload = f"knat-ping-{a.id}-{seq}".encode()
        hdr = struct.pack("!BBHHH", 8, 0, 0, a.id, seq)
        csum = icmp_csum(hdr + payload)
        s.sendto(struct.pack("!BBHHH", 8, 0, csum, a.id, seq) + payload,
                 (dst, 0))
        deadline = time.monotonic() + a.timeout
        while time.monotonic() < deadline:
            r, _, _ = select.select([s], [], [], deadline - time.monotonic())
            if not r:
                break
            pkt, peer = s.recvfrom(65536)
            ihl = (pkt[0] & 0x0F) * 4
            typ, _, _, rid, rseq = struct.unpack("!BBHHH", pkt[ihl:ihl + 8])
            if (typ == 0 and rid == a.id and rseq == seq and
                    pkt[ihl + 8:] == payload and peer[0] == dst and
                    icmp_csum(pkt[ihl:]) == 0):
                got += 1
                break
    log(sent=a.count, received=got, id=a.id)
    return 0 if got == a.count else 1


def client_hold(a):
    s = connect(a.host, a.port, a.sport, a.timeout)
    hello = readline(s, a.timeout).split()
    log(peer=hello[1] if len(hello) > 1 else "?", state="open")
    end = time.monotonic() + a.seconds
    n = 0
    while time.monotonic() < end:
        if a.until and os.path.exists(a.until):
            break
        msg = f"tick {n}\n".encode()
        s.sendall(msg)
        if readline(s, a.timeout).encode() + b"\n" != msg:
            log(state="broken", ticks=n)
            return 1
        n += 1
        time.sleep(1)
    s.close()
    log(state="closed", ticks=n)
    return 0


def client_hello(a):
    t0 = time.monotonic()
    s = connect(a.host, a.port, a.sport, a.timeout)
    hello = readline(s, a.timeout).split()
    us = int((time.monotonic() - t0) * 1e6)
    if a.rst:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack("ii", 1, 0))
        end = "rst"
    else:
        s.settimeout(a.timeout)
        end = "eof" if not s.recv(1) else "data"
    s.close()
    log(peer=hello[1] if len(hello) > 1 else "?",
        name=hello[3] if len(hello) > 3 else "?", us=us, end=end)
    return 0 if len(hello) == 4 and end != "data" else 1


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("serve-tcp", "serve-udp"):
        q = sub.add_parser(name)
        q.add_argument("port", type=int)
        q.add_argument("name", nargs="?", default="-")
        if name == "serve-tcp":
            q.add_argument("--close", action="store_true",
                           help="close right after the greeting")
    sub.add_parser("serve-sink").add_argument("port", type=int)
    for name in ("tcp", "upload"):
        q = sub.add_parser(name)
        q.add_argument("host")
        q.add_argument("port", type=int)
        q.add_argument("size", type=int)
        q.add_argument("--sport", type=int, default=0)
        q.add_argument("--timeout", type=float, default=20)
    q = sub.add_parser("udp")
    q.add_argument("host")
    q.add_argument("port", type=int)
    q.add_argument("--sport", type=int, default=0)
    q.add_argument("--count", type=int, default=1)
    q.add_argument("--size", type=int, default=0,
                   help="pad the datagram to SIZE bytes (fragments)")
    q.add_argument("--ipopts", action="store_true",
                   help="send with IP options (a 24-byte header)")
    q.add_argument("--timeout", type=float, default=5)
    q = sub.add_parser("ping")
    q.add_argument("host")
    q.add_argument("--id", type=int, required=True)
    q.add_argument("--count", type=int, default=1)
    q.add_argument("--timeout", type=float, default=3)
    q = sub.add_parser("hold")
    q.add_argument("host")
    q.add_argument("port", type=int)
    q.add_argument("seconds", type=float)
    q.add_argument("--sport", type=int, default=0)
    q.add_argument("--timeout", type=float, default=10)
    q.add_argument("--until", help="end early once this file exists")
    q = sub.add_parser("hello")
    q.add_argument("host")
    q.add_argument("port", type=int)
    q.add_argument("--sport", type=int, default=0)
    q.add_argument("--rst", action="store_true",
                   help="end with a reset (SO_LINGER 0), not a FIN")
    q.add_argument("--timeout", type=float, default=5)
    a = p.parse_args()

    if a.cmd == "serve-tcp":
        serve_tcp(a.port, a.name, a.close)
    elif a.cmd == "serve-sink":
        serve_sink(a.port)
    elif a.cmd == "serve-udp":
        serve_udp(a.port, a.name)
    return {"tcp": client_tcp, "upload": client_upload, "udp": client_udp,
            "ping": client_ping, "hold": client_hold,
            "hello": client_hello}[a.cmd](a)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, socket.timeout) as e:
        log(error=str(e).replace(" ", "_"))
        sys.exit(1)

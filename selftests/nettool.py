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
      [--count N]                    with --count, N connections one after
                                     the other (each closed before the
                                     next, each a fresh socket), one line
                                     each; a connection that fails prints
                                     error=... and the next one still runs
  upload HOST PORT SIZE              send SIZE bytes, compare the sha256
  udp HOST PORT [--sport P] [--count N]
                                     per answer also src=IP:PORT, where
                                     the answer came from
      [--sports P1,P2,...]           instead of --sport: one client per
                                     port, one after the other (a fresh
                                     socket each, closed before the next),
                                     each sending its N datagrams
  ping HOST --id ID [--count N]      raw ICMP echo with a fixed id
       [--dgram]                     from a ping socket (SOCK_DGRAM, as
                                     ping(8) uses) bound to ID instead: the
                                     kernel sets the id; needs the caller's
                                     group in net.ipv4.ping_group_range
  hold HOST PORT SECONDS [--until F] a TCP connection kept open, echoing
                                     a line a second (long-lived flows);
                                     it ends early once file F exists
  hello HOST PORT [--sport P] [--rst]
                                     connect, time the connect and the
                                     greeting (us=), then wait for the
                                     server to close first and close, or
                                     reset (SO_LINGER 0): the client's own
                                     socket never ends in TIME_WAIT
        [--count N]                  N of them one after the other
  hold ... --count N                 N connections held at once (threads),
                                     each line with conn=I (0..N-1)

--count N on tcp and hello, and --sports, save starting a Python per
connection (slow in the emulated test VM): the output is what N separate
runs would print, one after the other, and the exit status is 0 only if
all of them checked out.

IPv6: a HOST with a colon (brackets allowed: [2001:db8::1]) is IPv6, and
the client uses AF_INET6 (ping: ICMPv6 echo, checked over the pseudo-
header).  Servers listen on IPv4 unless given --bind ADDR (--bind ::
for IPv6, IPV6_V6ONLY, so an IPv4 server may share the port).  An IPv6
address:port is written [ADDR]:PORT everywhere (peer=, src=, the
greetings); IPv4 output is unchanged.
  udp ... --recverr                  IP(V6)_RECVERR: an ICMP error that
                                     reaches the socket is printed as
                                     reply=icmp icmp=TYPE/CODE from=ADDR
                                     (its sender; mtu=N for a too-big),
                                     after which the datagram counts as
                                     not answered
  udp ... --ipopts                   IPv6: a destination options header
                                     (PadN, 8 bytes) instead of IP options
"""

import argparse
import os
import select
import socket
import struct
import sys
import threading
import time


_log_lock = threading.Lock()

IPV6_RECVERR = 25       # <linux/in6.h>; Python names only IP_RECVERR's twin
IP_RECVERR = 11
ICMP_ECHO, ICMP_ECHOREPLY = 8, 0
ICMP6_ECHO, ICMP6_ECHOREPLY = 128, 129


def bare(host):
    """An address without the brackets of [ADDR]."""
    if host.startswith("[") and host.endswith("]"):
        return host[1:-1]
    return host


def family(host):
    """AF_INET6 for an IPv6 address, else AF_INET (names are IPv4)."""
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def any_addr(fam):
    return "::" if fam == socket.AF_INET6 else "0.0.0.0"


def sockaddr(host, port):
    """What connect() and sendto() take: (ADDR, PORT) for IPv4; for IPv6
    the 4-tuple, with the scope of a link-local ADDR%DEV resolved."""
    host = bare(host)
    if family(host) == socket.AF_INET:
        return (host, port)
    return socket.getaddrinfo(host, port, socket.AF_INET6, 0, 0,
                              socket.AI_NUMERICHOST)[0][4]


def hostport(ip, port):
    """IP:PORT, or [IP]:PORT for IPv6 (as ss and ipvsadm write it)."""
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def same_addr(a, b):
    """Two spellings of one IPv6 address (scopes aside)."""
    try:
        return (socket.inet_pton(socket.AF_INET6, bare(a).split("%")[0]) ==
                socket.inet_pton(socket.AF_INET6, bare(b).split("%")[0]))
    except OSError:
        return False


def same_endpoint(peer, host, port):
    """recvfrom()'s address is HOST:PORT."""
    if len(peer) == 2:          # IPv4: compared as it always was
        return peer == (host, port)
    return peer[1] == port and same_addr(peer[0], host)


def listener(bind, kind):
    """A socket of KIND bound by the servers to BIND (0.0.0.0, or :: with
    IPV6_V6ONLY so that IPv4 and IPv6 servers can share a port)."""
    fam = family(bind)
    s = socket.socket(fam, kind)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    return s, bare(bind)

# Generic netlink, for the selftests that speak knat's family raw (their
# own request, timed or counted by the datagram): import nettool, then
# genl_open().
NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLMSG_ERROR = 2
NLM_F_REQUEST = 1


def genl_open(family="knat"):
    """A bound NETLINK_GENERIC socket and the id of FAMILY, as nlctrl
    answers CTRL_CMD_GETFAMILY; OSError if there is no such family."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    s.bind((0, 0))
    name = family.encode() + b"\0"
    a = struct.pack("=HH", 4 + len(name), CTRL_ATTR_FAMILY_NAME) + name
    a += b"\0" * (-len(a) % 4)
    s.send(struct.pack("=IHHII", 20 + len(a), GENL_ID_CTRL, NLM_F_REQUEST, 1, 0)
           + struct.pack("=BBH", CTRL_CMD_GETFAMILY, 1, 0) + a)
    d = s.recv(65536)
    ln, t = struct.unpack_from("=IH", d, 0)
    if t == NLMSG_ERROR:
        err = -struct.unpack_from("=i", d, 16)[0]
        s.close()
        raise OSError(err, "genl family %s: %s" % (family, os.strerror(err)))
    off = 20
    while off + 4 <= min(ln, len(d)):
        alen, atype = struct.unpack_from("=HH", d, off)
        if atype == CTRL_ATTR_FAMILY_ID:
            return s, struct.unpack_from("=H", d, off + 4)[0]
        off += max((alen + 3) & ~3, 4)
    s.close()
    raise OSError(2, "genl family %s: no id in the answer" % family)


def log(**kv):
    with _log_lock:
        print(" ".join(f"{k}={v}" for k, v in kv.items()), flush=True)


def error(e):
    log(error=str(e).replace(" ", "_"))


def repeat(client, a, n):
    """Run client(a) n times, one after the other; what n runs of the tool
    would print, and 0 only if all of them checked out."""
    bad = 0
    for _ in range(n):
        try:
            bad += client(a) != 0
        except (OSError, socket.timeout) as e:
            error(e)
            bad += 1
    return 1 if bad else 0


def serve_tcp(port, name, close=False, bind="0.0.0.0"):
    srv, addr = listener(bind, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(128)

    def handle(conn, peer):
        with conn:
            conn.sendall(f"peer {hostport(peer[0], peer[1])} name {name}\n"
                         .encode())
            while not close:
                data = conn.recv(65536)
                if not data:
                    break
                conn.sendall(data)

    while True:
        conn, peer = srv.accept()
        threading.Thread(target=handle, args=(conn, peer), daemon=True).start()


def serve_sink(port, bind="0.0.0.0"):
    import hashlib  # here, not for all: it is slow to load (OpenSSL)

    srv, addr = listener(bind, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
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


def serve_udp(port, name, bind="0.0.0.0"):
    s, addr = listener(bind, socket.SOCK_DGRAM)
    s.bind((addr, port))
    while True:
        data, peer = s.recvfrom(65536)
        s.sendto(f"peer {hostport(peer[0], peer[1])} name {name} ".encode()
                 + data, peer)


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
    fam = family(host)
    s = socket.socket(fam, socket.SOCK_STREAM)
    if sport:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((any_addr(fam), sport))
    s.settimeout(timeout)
    s.connect(sockaddr(host, port))
    return s


def client_tcp(a):
    t0 = time.monotonic()
    s = connect(a.host, a.port, a.sport, a.timeout)
    with s:
        hello = readline(s, a.timeout).split()
        payload = os.urandom(a.size)
        got = bytearray()
        s.settimeout(a.timeout)

        def sender():
            try:
                s.sendall(payload)
            except OSError:
                pass    # the receiving side reports it

        th = threading.Thread(target=sender, daemon=True)
        th.start()
        while len(got) < len(payload):
            data = s.recv(65536)
            if not data:
                break
            got += data
        th.join(a.timeout)
    ok = bytes(got) == payload
    log(peer=hello[1] if len(hello) > 1 else "?",
        name=hello[3] if len(hello) > 3 else "?",
        sent=len(payload), received=len(got), match=ok,
        ms=int((time.monotonic() - t0) * 1000))
    return 0 if ok else 1


def client_upload(a):
    import hashlib

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
    if a.sports is None:
        return udp_one(a, a.sport)
    bad = 0
    for sport in a.sports:
        try:
            bad += udp_one(a, sport) != 0
        except OSError as e:
            error(e)
            bad += 1
    return 1 if bad else 0


def udp_one(a, sport):
    fam = family(a.host)
    host = bare(a.host)
    with socket.socket(fam, socket.SOCK_DGRAM) as s:
        if a.ipopts and fam == socket.AF_INET6:
            # A destination options header of 8 bytes: one PadN option.
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_DSTOPTS,
                         b"\x00\x00\x01\x04\x00\x00\x00\x00")
        elif a.ipopts:
            # NOP, NOP, NOP, end of list: a header of 24 bytes, not 20.
            s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS,
                         b"\x01\x01\x01\x00")
        if a.recverr and fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVERR, 1)
        elif a.recverr:
            s.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
        if sport:
            s.bind((any_addr(fam), sport))
        s.settimeout(a.timeout)
        dst = sockaddr(host, a.port)
        bad = 0
        for i in range(a.count):
            msg = f"knat-udp-{i}-{os.getpid()}-".encode()
            msg += os.urandom(max(0, a.size - len(msg)))
            s.sendto(msg, dst)
            try:
                data, peer = s.recvfrom(65536)
            except socket.timeout:
                log(seq=i, reply="none")
                bad += 1
                continue
            except OSError as e:
                if not a.recverr:
                    raise
                log(seq=i, reply="icmp", **icmp_error(s, fam, e))
                bad += 1
                continue
            words = data.split(b" ", 4)
            ok = (same_endpoint(peer, host, a.port) and len(words) == 5 and
                  words[4] == msg)
            bad += not ok
            log(seq=i, peer=words[1].decode() if len(words) > 1 else "?",
                name=words[3].decode() if len(words) > 3 else "?",
                src=hostport(peer[0], peer[1]), match=ok)
        return 1 if bad else 0


def icmp_error(s, fam, e):
    """The ICMP error behind E, from the socket's error queue: what
    IP(V6)_RECVERR put there (struct sock_extended_err, then the address
    of the host that sent the error)."""
    try:
        _, anc, _, _ = s.recvmsg(65536, 512, socket.MSG_ERRQUEUE)
    except OSError:
        return {"errno": e.__class__.__name__, "icmp": "none"}
    for level, typ, data in anc:
        if (level, typ) not in ((socket.IPPROTO_IPV6, IPV6_RECVERR),
                                (socket.IPPROTO_IP, IP_RECVERR)):
            continue
        eno, origin, itype, icode, _, info, _ = struct.unpack_from(
            "=IBBBBII", data)
        off = data[16:]
        if fam == socket.AF_INET6 and len(off) >= 24:
            frm = socket.inet_ntop(socket.AF_INET6, off[8:24])
        elif len(off) >= 8:
            frm = socket.inet_ntop(socket.AF_INET, off[4:8])
        else:
            frm = "?"
        r = {"errno": os.strerror(eno).replace(" ", "_"),
             "icmp": f"{itype}/{icode}", "from": frm}
        if (fam, itype) in ((socket.AF_INET6, 2), (socket.AF_INET, 3)) \
                and info:
            r["mtu"] = info
        return r
    return {"errno": e.__class__.__name__, "icmp": "none"}


def icmp_csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def client_ping(a):
    if a.dgram or family(a.host) == socket.AF_INET6:
        return ping_any(a)
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


def icmp6_csum(src, dst, msg):
    """The ICMPv6 checksum over the pseudo-header; 0 for a right one."""
    return icmp_csum(socket.inet_pton(socket.AF_INET6, src) +
                     socket.inet_pton(socket.AF_INET6, dst) +
                     struct.pack("!I3xB", len(msg), socket.IPPROTO_ICMPV6) +
                     msg)


def pktinfo6(anc):
    """The local address of a datagram from its IPV6_PKTINFO."""
    for level, typ, data in anc:
        if level == socket.IPPROTO_IPV6 and typ == socket.IPV6_PKTINFO:
            return socket.inet_ntop(socket.AF_INET6, data[:16])
    return None


def ping_any(a):
    """ICMPv6 echo (raw, or a ping socket), or IPv4 echo from a ping
    socket: the same checks and output as the raw IPv4 client.  A raw
    ICMPv6 socket gets no IP header and the kernel sums what it sends;
    every answer is checked over the pseudo-header (IPV6_RECVPKTINFO
    names the local address).  A ping socket's id is its port."""
    fam = family(a.host)
    v6 = fam == socket.AF_INET6
    proto = socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP
    req, rep = (ICMP6_ECHO, ICMP6_ECHOREPLY) if v6 else \
        (ICMP_ECHO, ICMP_ECHOREPLY)
    s = socket.socket(fam, socket.SOCK_DGRAM if a.dgram else socket.SOCK_RAW,
                      proto)
    s.settimeout(a.timeout)
    if a.dgram:
        s.bind((any_addr(fam), a.id))
    if v6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
    dst = sockaddr(a.host, 0)
    got = 0
    for seq in range(1, a.count + 1):
        payload = f"knat-ping-{a.id}-{seq}".encode()
        hdr = struct.pack("!BBHHH", req, 0, 0, a.id, seq)
        if not v6:
            hdr = struct.pack("!BBHHH", req, 0, icmp_csum(hdr + payload),
                              a.id, seq)
        s.sendto(hdr + payload, dst)
        deadline = time.monotonic() + a.timeout
        while time.monotonic() < deadline:
            r, _, _ = select.select([s], [], [], deadline - time.monotonic())
            if not r:
                break
            pkt, anc, _, peer = s.recvmsg(65536, 512)
            if len(pkt) < 8:
                continue
            typ, code, _, rid, rseq = struct.unpack("!BBHHH", pkt[:8])
            if v6:
                local = pktinfo6(anc)
                # A ping socket's answers were checked by the kernel, and
                # it may not say the local address.
                sum_ok = (icmp6_csum(peer[0].split("%")[0], local, pkt) == 0
                          if local else a.dgram)
                from_dst = same_addr(peer[0], dst[0])
            else:
                sum_ok = icmp_csum(pkt) == 0
                from_dst = peer[0] == dst[0]
            if (typ == rep and code == 0 and rid == a.id and rseq == seq and
                    pkt[8:] == payload and from_dst and sum_ok):
                got += 1
                break
    log(sent=a.count, received=got, id=a.id)
    return 0 if got == a.count else 1


def client_hold(a):
    if a.count == 1:
        return hold_one(a)
    # N connections at once, each in its own thread, as N tools in the
    # background would hold them; every line says which one (conn=I).
    rcs = [1] * a.count

    def run(i):
        try:
            rcs[i] = hold_one(a, conn=i)
        except (OSError, socket.timeout) as e:
            log(conn=i, error=str(e).replace(" ", "_"))

    ths = [threading.Thread(target=run, args=(i,)) for i in range(a.count)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    return 1 if any(rcs) else 0


def hold_one(a, **conn):
    s = connect(a.host, a.port, a.sport, a.timeout)
    with s:
        hello = readline(s, a.timeout).split()
        log(**conn, peer=hello[1] if len(hello) > 1 else "?", state="open")
        end = time.monotonic() + a.seconds
        n = 0
        while time.monotonic() < end:
            if a.until and os.path.exists(a.until):
                break
            msg = f"tick {n}\n".encode()
            s.sendall(msg)
            if readline(s, a.timeout).encode() + b"\n" != msg:
                log(**conn, state="broken", ticks=n)
                return 1
            n += 1
            time.sleep(1)
    log(**conn, state="closed", ticks=n)
    return 0


def client_hello(a):
    t0 = time.monotonic()
    s = connect(a.host, a.port, a.sport, a.timeout)
    with s:
        hello = readline(s, a.timeout).split()
        us = int((time.monotonic() - t0) * 1e6)
        if a.rst:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         struct.pack("ii", 1, 0))
            end = "rst"
        else:
            s.settimeout(a.timeout)
            end = "eof" if not s.recv(1) else "data"
    log(peer=hello[1] if len(hello) > 1 else "?",
        name=hello[3] if len(hello) > 3 else "?", us=us, end=end)
    return 0 if len(hello) == 4 and end != "data" else 1


def ports(text):
    return [int(p) for p in text.split(",")]


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("serve-tcp", "serve-udp"):
        q = sub.add_parser(name)
        q.add_argument("port", type=int)
        q.add_argument("name", nargs="?", default="-")
        q.add_argument("--bind", default="0.0.0.0",
                       help="listen on ADDR (:: for IPv6)")
        if name == "serve-tcp":
            q.add_argument("--close", action="store_true",
                           help="close right after the greeting")
    q = sub.add_parser("serve-sink")
    q.add_argument("port", type=int)
    q.add_argument("--bind", default="0.0.0.0",
                   help="listen on ADDR (:: for IPv6)")
    for name in ("tcp", "upload"):
        q = sub.add_parser(name)
        q.add_argument("host")
        q.add_argument("port", type=int)
        q.add_argument("size", type=int)
        q.add_argument("--sport", type=int, default=0)
        q.add_argument("--timeout", type=float, default=20)
        if name == "tcp":
            q.add_argument("--count", type=int, default=1,
                           help="N connections, one after the other")
    q = sub.add_parser("udp")
    q.add_argument("host")
    q.add_argument("port", type=int)
    g = q.add_mutually_exclusive_group()
    g.add_argument("--sport", type=int, default=0)
    g.add_argument("--sports", type=ports,
                   help="P1,P2,...: one client per source port, in turn")
    q.add_argument("--count", type=int, default=1)
    q.add_argument("--size", type=int, default=0,
                   help="pad the datagram to SIZE bytes (fragments)")
    q.add_argument("--ipopts", action="store_true",
                   help="send with IP options (a 24-byte header); IPv6: "
                   "a destination options header")
    q.add_argument("--recverr", action="store_true",
                   help="print an ICMP error that reaches the socket")
    q.add_argument("--timeout", type=float, default=5)
    q = sub.add_parser("ping")
    q.add_argument("host")
    q.add_argument("--id", type=int, required=True)
    q.add_argument("--count", type=int, default=1)
    q.add_argument("--timeout", type=float, default=3)
    q.add_argument("--dgram", action="store_true",
                   help="a ping socket bound to ID, not a raw socket")
    q = sub.add_parser("hold")
    q.add_argument("host")
    q.add_argument("port", type=int)
    q.add_argument("seconds", type=float)
    q.add_argument("--sport", type=int, default=0)
    q.add_argument("--timeout", type=float, default=10)
    q.add_argument("--until", help="end early once this file exists")
    q.add_argument("--count", type=int, default=1,
                   help="N connections held at once")
    q = sub.add_parser("hello")
    q.add_argument("host")
    q.add_argument("port", type=int)
    q.add_argument("--sport", type=int, default=0)
    q.add_argument("--rst", action="store_true",
                   help="end with a reset (SO_LINGER 0), not a FIN")
    q.add_argument("--timeout", type=float, default=5)
    q.add_argument("--count", type=int, default=1,
                   help="N connections, one after the other")
    a = p.parse_args()

    if a.cmd == "serve-tcp":
        serve_tcp(a.port, a.name, a.close, a.bind)
    elif a.cmd == "serve-sink":
        serve_sink(a.port, a.bind)
    elif a.cmd == "serve-udp":
        serve_udp(a.port, a.name, a.bind)
    if a.cmd in ("tcp", "hello") and a.count != 1:
        return repeat({"tcp": client_tcp, "hello": client_hello}[a.cmd],
                      a, a.count)
    return {"tcp": client_tcp, "upload": client_upload, "udp": client_udp,
            "ping": client_ping, "hold": client_hold,
            "hello": client_hello}[a.cmd](a)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, socket.timeout) as e:
        error(e)
        sys.exit(1)

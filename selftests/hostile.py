#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hostile frames for selftests/hostile.sh, made once with scapy, sent fast.

  hostile.py gen FILE [--seed N]
        build every frame with scapy (on the host, before the VM starts:
        scapy is slow to import and to build with under TCG) and write
        them to FILE, one "KIND SIDE HEX" line each, kinds in order
  hostile.py send FILE --router NS --knat PATH --side NAME=NS:IF:MAC ...
        [--only KIND,...] [--skip KIND,...]
        standard library only: for each kind, read r's knat counters and
        drop reasons and its IP MIB, write the kind's frames as fast as
        AF_PACKET takes them on the side's interface (to the router's MAC,
        the kernel adds the Ethernet header), wait for the counters to
        settle, read them again; print one JSON object per kind (sent,
        time window, deltas)
  hostile.py escapes PCAP
        read a capture of what the router sent onto the outside link and
        print every packet that carries an inside address (10.0.0.0/8) in
        its outer header or in any header an ICMP error quotes, however
        deeply nested; then "escapes=N packets=M"

The topology and addresses are hostile.sh's (see its top comment).
"""

import ctypes
import json
import os
import random
import socket
import struct
import subprocess
import sys
import time

IN1, IN2 = "10.0.1.2", "10.0.1.3"
RWAN, WAN, SRV = "198.51.100.1", "198.51.100.2", "203.0.113.2"
VIP = "192.0.2.10"
# The live connections hostile.sh holds open through the storm (client
# source ports fixed here so that the blind packets can aim at them).
LIVE_MASQ = (IN1, 43000, SRV, 8000)        # in1 -> srv through masquerade
LIVE_FWD = (SRV, 42000, RWAN, 2222)        # srv -> forward -> in2:2222
LIVE_SVC = (SRV, 41000, VIP, 80)           # srv -> service -> a backend

# ---- generation (scapy) --------------------------------------------------


def ipsum(b, hlen=None):
    """b (bytearray) with its IPv4 header checksum set, over hlen bytes
    (default: what the IHL says)."""
    hlen = hlen or (b[0] & 15) * 4
    struct.pack_into("!H", b, 10, 0)
    hdr = bytes(b[:hlen])
    s = sum(struct.unpack(f"!{hlen // 2}H", hdr))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    struct.pack_into("!H", b, 10, ~s & 0xFFFF)
    return bytes(b)


def gen(path, seed):
    from scapy.all import IP, TCP, UDP, ICMP, Raw, fragment
    from scapy.layers.inet import (IPOption_NOP, IPOption_RR,
                                   IPOption_Timestamp, IPOption_LSRR,
                                   IPOption_SSRR, IPOption_Router_Alert,
                                   IPOption_EOL)
    rnd = random.Random(seed)
    out = []

    def add(kind, side, pkt):
        out.append((kind, side, bytes(pkt)))

    def l4(pkt, proto):
        return bytes(pkt[proto]) if proto in pkt else b""

    def badsum(pkt, layer):
        p = IP(bytes(pkt))
        p[layer].chksum = p[layer].chksum ^ 0x5555 or 1
        return p

    def trunc(src, dst, proto, payload, n, **kw):
        return IP(src=src, dst=dst, proto=proto, **kw) / Raw(payload[:n])

    def quote(pkt, n):
        return bytes(pkt)[:n]

    def perr(src, dst, typ, code, q, **kw):
        return IP(src=src, dst=dst) / ICMP(type=typ, code=code, **kw) / Raw(q)

    # ---- from the inside (in1): everything matches the masquerade -------
    # Raw IPv4 header damage: the kernel's ip_rcv() judges these first.
    for i in range(200):
        good = bytes(IP(src=IN1, dst=SRV, id=i) / UDP(sport=10000 + i,
                                                     dport=9000) / (b"x" * 8))
        b = bytearray(good)
        how = i % 8
        if how == 0:
            b[0] = (rnd.choice([0, 1, 5, 6, 15]) << 4) | 5   # version
        elif how == 1:
            b[0] = 0x40 | rnd.randrange(0, 5)                 # ihl < 5
        elif how == 2:
            b[0] = 0x40 | 15                                  # ihl > len
        elif how == 3:
            struct.pack_into("!H", b, 2, len(b) + rnd.randrange(1, 400))
        elif how == 4:
            struct.pack_into("!H", b, 2, rnd.randrange(0, 20))
        elif how == 5:
            struct.pack_into("!H", b, 10, rnd.randrange(1, 65535))
        elif how == 6:
            b = b[:rnd.randrange(1, 20)]                      # cut header
        else:
            b[9] = rnd.choice([6, 17, 1])                     # wrong proto
        if how not in (5, 6):
            b = ipsum(b, 20)
        out.append(("ip-malformed", "in", bytes(b)))

    # TCP headers cut short or with an impossible data offset.
    for i in range(200):
        t = TCP(sport=11000 + i, dport=8000, flags="S", seq=rnd.getrandbits(32))
        full = bytes(IP(src=IN1, dst=SRV) / t)[20:]
        how = i % 3
        if how == 0:
            add("tcp-truncated", "in", trunc(IN1, SRV, 6, full, i % 20))
        elif how == 1:
            add("tcp-truncated", "in", IP(src=IN1, dst=SRV) /
                TCP(sport=11000 + i, dport=8000, flags="S", dataofs=i % 5))
        else:
            add("tcp-truncated", "in", IP(src=IN1, dst=SRV) /
                TCP(sport=11000 + i, dport=8000, flags="S",
                    dataofs=rnd.randrange(6, 16)))
    # UDP cut, or a length field that disagrees with the IP length.
    for i in range(100):
        full = bytes(UDP(sport=12000 + i, dport=9000) / b"hello")
        how = i % 3
        if how == 0:
            add("udp-truncated", "in", trunc(IN1, SRV, 17, full, i % 8))
        elif how == 1:
            add("udp-truncated", "in", IP(src=IN1, dst=SRV) /
                UDP(sport=12000 + i, dport=9000, len=rnd.randrange(0, 8)))
        else:
            add("udp-truncated", "in", IP(src=IN1, dst=SRV) /
                UDP(sport=12000 + i, dport=9000,
                    len=rnd.randrange(14, 2000)) / b"hello")
    # ICMP cut inside its own 8-byte header.
    for i in range(100):
        full = bytes(ICMP(type=rnd.choice([8, 3, 11, 0, 13]), id=i) / b"ab")
        add("icmp-truncated", "in", trunc(IN1, SRV, 1, full, i % 8))

    # Every TCP flag byte, each from its own port (no flow yet).
    for f in range(256):
        add("tcp-flags", "in", IP(src=IN1, dst=SRV) /
            TCP(sport=13000 + f, dport=8000, flags=f,
                seq=rnd.getrandbits(32), ack=rnd.getrandbits(32)))

    # Bad L4 checksums on packets that would open a flow.
    for i in range(100):
        add("bad-checksum", "in", badsum(IP(src=IN1, dst=SRV) /
            TCP(sport=14000 + i, dport=8000, flags="S"), TCP))
        add("bad-checksum", "in", badsum(IP(src=IN1, dst=SRV) /
            UDP(sport=14000 + i, dport=9000) / b"hi", UDP))
        add("bad-checksum", "in", badsum(IP(src=IN1, dst=SRV) /
            ICMP(type=8, id=14000 + i) / b"hi", ICMP))

    # IP options, well-formed and not.
    opts = [
        [IPOption_NOP()] * 4,
        [IPOption_RR(routers=["0.0.0.0"] * 3)],
        [IPOption_Timestamp(flg=0, timestamp=0)],
        [IPOption_LSRR(routers=[RWAN, SRV])],
        [IPOption_SSRR(routers=[RWAN, SRV])],
        [IPOption_Router_Alert()],
        [IPOption_EOL(), IPOption_NOP(), IPOption_NOP(), IPOption_NOP()],
    ]
    for i in range(200):
        sport = 15000 + i
        if i % 9 < len(opts):
            # Source routes get a kind of their own: with
            # accept_source_route off, ip_rcv_finish() drops them without
            # counting them in any MIB.
            kind = "ip-source-route" if i % 9 in (3, 4) else "ip-options"
            add(kind, "in", IP(src=IN1, dst=SRV, options=opts[i % 9])
                / UDP(sport=sport, dport=9000) / b"opt")
        else:
            # An option whose length is 0, 1 or runs past the header.
            ln = rnd.choice([0, 1, 9, 40])
            raw = bytes([rnd.choice([7, 68, 131, 137, 0x99]), ln, 4, 0])
            good = bytes(IP(src=IN1, dst=SRV) /
                         UDP(sport=sport, dport=9000) / b"opt")
            b = bytearray(good[:20] + raw + good[20:])
            b[0] = 0x46
            struct.pack_into("!H", b, 2, len(b))
            out.append(("ip-options", "in", ipsum(b)))

    # Fragments: tiny (the TCP header split), overlapping, last missing.
    for i in range(60):
        p = IP(src=IN1, dst=SRV, id=0x4000 + i) / \
            TCP(sport=16000 + i, dport=8000, flags="S") / (b"t" * 32)
        for fr in fragment(p, fragsize=8):
            add("fragments", "in", fr)
    for i in range(60):
        p = IP(src=IN1, dst=SRV, id=0x5000 + i) / \
            UDP(sport=16100 + i, dport=9000) / (b"o" * 64)
        body = bytes(p)[20:]
        add("fragments", "in", IP(src=IN1, dst=SRV, id=0x5000 + i, proto=17,
                                  flags="MF", frag=0) / Raw(body[:48]))
        add("fragments", "in", IP(src=IN1, dst=SRV, id=0x5000 + i, proto=17,
                                  frag=3) / Raw(body[24:]))
    for i in range(60):
        p = IP(src=IN1, dst=SRV, id=0x6000 + i) / \
            UDP(sport=16200 + i, dport=9000) / (b"m" * 64)
        add("fragments", "in", IP(src=IN1, dst=SRV, id=0x6000 + i, proto=17,
                                  flags="MF", frag=0) / Raw(bytes(p)[20:44]))

    # ICMP errors from the inside: quoting truncated packets, quoting
    # errors, about no flow, with addresses that do not match.
    live = IP(src=SRV, dst=IN1) / TCP(sport=8000, dport=43000, flags="A")
    for i in range(200):
        add("icmp-err-truncated", "in",
            perr(IN1, SRV, 3, 3, quote(live, i % 28)))
    for i in range(100):
        inner = IP(src=SRV, dst=IN1) / ICMP(type=3, code=3) / \
            quote(IP(src=IN1, dst=SRV) / UDP(sport=20 + i, dport=9000), 28)
        add("icmp-err-of-err", "in",
            perr(IN1, SRV, rnd.choice([3, 11, 12]), 0, quote(inner, 56)))
    for i in range(200):
        if i % 2:
            q = IP(src=SRV, dst=IN1) / UDP(sport=9000, dport=17000 + i)
            add("icmp-err-noflow", "in", perr(IN1, SRV, 3, 3, quote(q, 28)))
        else:
            q = IP(src=rnd.choice([WAN, "203.0.113.99", IN2]),
                   dst=rnd.choice([IN2, "10.0.1.77", IN1])) / \
                TCP(sport=8000, dport=43000)
            add("icmp-err-noflow", "in", perr(IN1, SRV, 3, 1, quote(q, 28)))
    # Echo requests with the edge identifiers.
    for i in range(200):
        add("echo-ids", "in", IP(src=IN1, dst=SRV) /
            ICMP(type=8, id=(0, 65535)[i % 2], seq=i) / b"ping")
    for i in range(100):
        p = IP(src=IN1, dst=SRV) / UDP(sport=18000 + i, dport=9000) / b"c0"
        p = IP(bytes(p))
        p[UDP].chksum = 0
        add("udp-checksum-0", "in", p)
    for i in range(200):
        ttl = i % 2
        if i % 4 < 2:
            add("ttl-0-1", "in", IP(src=IN1, dst=SRV, ttl=ttl) /
                UDP(sport=19000 + i, dport=9000) / b"ttl")
        else:
            add("ttl-0-1", "in", IP(src=IN1, dst=SRV, ttl=ttl) /
                TCP(sport=19000 + i, dport=8000, flags="S"))

    # ---- from the outside (wan, spoofing at will) -----------------------
    for f in range(256):
        add("wan-tcp-flags-forward", "wan", IP(src=SRV, dst=RWAN) /
            TCP(sport=30000 + f, dport=2222, flags=f,
                seq=rnd.getrandbits(32), ack=rnd.getrandbits(32)))
    for f in range(256):
        add("wan-tcp-flags-service", "wan", IP(src=SRV, dst=VIP) /
            TCP(sport=31000 + f, dport=80, flags=f,
                seq=rnd.getrandbits(32), ack=rnd.getrandbits(32)))
    for i in range(100):
        add("wan-bad-checksum", "wan", badsum(IP(src=SRV, dst=RWAN) /
            TCP(sport=32000 + i, dport=2222, flags="S"), TCP))
        add("wan-bad-checksum", "wan", badsum(IP(src=SRV, dst=VIP) /
            TCP(sport=32000 + i, dport=80, flags="S"), TCP))
        add("wan-bad-checksum", "wan", badsum(IP(src=SRV, dst=RWAN) /
            UDP(sport=32000 + i, dport=5353) / b"x", UDP))
    # Errors toward the masquerade address about the live masquerade flow:
    # truncated quotes, frag-needed with odd MTUs, errors quoting errors,
    # mismatched addresses.
    masq_out = IP(src=RWAN, dst=SRV) / TCP(sport=43000, dport=8000,
                                           flags="A", seq=1)
    for i in range(300):
        how = i % 5
        if how == 0:
            q = quote(masq_out, i % 28)
            add("wan-icmp-errors", "wan", perr(SRV, RWAN, 3, 3, q))
        elif how == 1:
            add("wan-icmp-errors", "wan",
                perr(WAN, RWAN, 3, 4, quote(masq_out, 28),
                     nexthopmtu=rnd.choice([0, 1, 67, 68, 65535])))
        elif how == 2:
            inner = IP(src=RWAN, dst=SRV) / ICMP(type=3, code=3) / \
                quote(IP(src=SRV, dst=RWAN) / TCP(sport=8000, dport=43000), 28)
            add("wan-icmp-errors", "wan",
                perr(WAN, RWAN, 11, 0, quote(inner, 56)))
        elif how == 3:
            q = IP(src=RWAN, dst=rnd.choice(["203.0.113.99", WAN])) / \
                TCP(sport=43000, dport=8000)
            add("wan-icmp-errors", "wan", perr(SRV, RWAN, 3, 3, quote(q, 28)))
        else:
            q = IP(src=RWAN, dst=SRV) / UDP(sport=rnd.randrange(1024, 65535),
                                            dport=9000)
            add("wan-icmp-errors", "wan", perr(SRV, RWAN, 3, 3, quote(q, 28)))
    # Redirects about flows that exist: from the outside about the
    # masquerade and forward flows, from the inside about the service's.
    fwd_in = IP(src=RWAN, dst=SRV) / TCP(sport=2222, dport=42000, flags="A")
    for i in range(50):
        q = (masq_out, fwd_in)[i % 2]
        add("icmp-redirect", "wan", perr(WAN, RWAN, 5, i % 4, quote(q, 28),
                                         gw="198.51.100.9"))
    for i in range(50):
        be = (IN1, IN2)[i % 2]
        q = IP(src=be, dst=SRV) / TCP(sport=8080, dport=41000, flags="A")
        add("icmp-redirect", "in", perr(be, SRV, 5, 1, quote(q, 28),
                                        gw="10.0.1.9"))
    # Echo requests to the VIP: edge ids, martian sources, IP options.
    for i in range(200):
        how = i % 4
        if how == 0:
            add("vip-echo", "wan", IP(src=SRV, dst=VIP) /
                ICMP(type=8, id=(0, 65535)[i % 8 // 4], seq=i) / b"v")
        elif how == 1:
            add("vip-echo", "wan", IP(src=SRV, dst=VIP,
                                      options=[IPOption_RR(routers=["0.0.0.0"] * 2)]) /
                ICMP(type=8, id=i, seq=i) / b"v")
        else:
            src = ["0.0.0.0", "127.0.0.1", "255.255.255.255", "198.51.100.255",
                   "224.0.0.1"][i % 5]
            add("vip-echo-martian", "wan", IP(src=src, dst=VIP) /
                ICMP(type=8, id=i, seq=i) / b"v")
    for i in range(200):
        ttl = i % 2
        dst, dport = [(RWAN, 2222), (VIP, 80)][i % 4 // 2]
        if i % 8 < 4:
            add("wan-ttl-0-1", "wan", IP(src=SRV, dst=dst, ttl=ttl) /
                TCP(sport=33000 + i, dport=dport, flags="S"))
        else:
            add("wan-ttl-0-1", "wan", IP(src=SRV, dst=RWAN, ttl=ttl) /
                UDP(sport=33000 + i, dport=5353) / b"t")
    for i in range(50):
        p = IP(src=SRV, dst=RWAN, id=0x7000 + i) / \
            UDP(sport=34000 + i, dport=5353) / (b"f" * 40)
        for fr in fragment(p, fragsize=8):
            add("wan-fragments", "wan", fr)
        body = bytes(p)[20:]
        add("wan-fragments", "wan", IP(src=SRV, dst=RWAN, id=0x7100 + i,
                                       proto=17, flags="MF") / Raw(body[:32]))
        add("wan-fragments", "wan", IP(src=SRV, dst=RWAN, id=0x7100 + i,
                                       proto=17, frag=2) / Raw(body[16:]))
        add("wan-fragments", "wan", IP(src=SRV, dst=RWAN, id=0x7200 + i,
                                       proto=17, flags="MF") / Raw(body[:24]))

    # Blind RST / FIN / SYN / RST-then-SYN into the live connections, at
    # random sequence numbers, from their real outside peer's address.
    def blind(kind, flags_list, n):
        for i in range(n):
            for (src, sport, dst, dport), swap in (
                    (LIVE_MASQ, True), (LIVE_FWD, False), (LIVE_SVC, False)):
                if swap:
                    s, sp, d, dp = dst, dport, RWAN, sport
                else:
                    s, sp, d, dp = src, sport, dst, dport
                for fl in flags_list:
                    add(kind, "wan", IP(src=s, dst=d) /
                        TCP(sport=sp, dport=dp, flags=fl,
                            seq=rnd.getrandbits(32),
                            ack=rnd.getrandbits(32) if "A" in fl else 0))
    blind("blind-rst", ["R"], 100)
    blind("blind-fin", ["FA"], 100)
    blind("blind-rst-syn", ["R", "S"], 50)

    with open(path, "w") as f:
        for kind, side, b in out:
            f.write(f"{kind} {side} {b.hex()}\n")
    print(f"frames={len(out)} seed={seed}")


# ---- sending (standard library only) -------------------------------------

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def setns(name):
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {name}")
    finally:
        os.close(fd)


def snmp():
    """r's IP and TCP/UDP MIB as {"Ip.InHdrErrors": n, ...}."""
    vals = {}
    for fn in ("/proc/net/snmp", "/proc/net/netstat"):
        with open(fn) as f:
            lines = f.read().splitlines()
        for k, v in zip(lines[::2], lines[1::2]):
            ks, vs = k.split(), v.split()
            for a, b in zip(ks[1:], vs[1:]):
                try:
                    vals[ks[0][:-1] + "." + a] = int(b)
                except ValueError:
                    pass
    return vals


def delta(a, b):
    return {k: b[k] - a.get(k, 0) for k in b if b[k] != a.get(k, 0)}


def send(a):
    frames = {}
    order = []
    with open(a.file) as f:
        for line in f:
            kind, side, hx = line.split()
            if kind not in frames:
                frames[kind] = []
                order.append(kind)
            frames[kind].append((side, bytes.fromhex(hx)))
    only = set(a.only.split(",")) if a.only else None
    skip = set(a.skip.split(",")) if a.skip else set()
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    socks = {}
    for spec in a.side:
        name, rest = spec.split("=", 1)
        nsname, ifname, mac = rest.split(":", 2)
        setns(nsname)
        s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                          socket.htons(0x0800))
        s.bind((ifname, 0x0800))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
        socks[name] = (s, (ifname, 0x0800, 0, 0, bytes.fromhex(mac.replace(":", ""))))
    _libc.setns(home, CLONE_NEWNET)

    def stats():
        r = subprocess.run([a.knat, "-n", a.router, "-j", "stats"],
                           capture_output=True, text=True, check=True)
        j = json.loads(r.stdout)
        setns(a.router)
        m = snmp()
        _libc.setns(home, CLONE_NEWNET)
        flat = {"drop." + k: v for k, v in j["drops"].items()}
        flat.update({"cnt." + k: v for k, v in j["counters"].items()
                     if isinstance(v, int)})
        flat.update({"mib." + k: v for k, v in m.items()})
        return flat

    for kind in order:
        if (only and kind not in only) or kind in skip:
            continue
        before = stats()
        t0 = time.time()
        sent = 0
        for side, b in frames[kind]:
            s, addr = socks[side]
            for _ in range(100):
                try:
                    s.sendto(b, addr)
                    sent += 1
                    break
                except BlockingIOError:
                    time.sleep(0.001)
                except OSError as e:
                    if e.errno not in (105, 11):  # ENOBUFS, EAGAIN
                        raise
                    time.sleep(0.001)
        # Settled: two reads 0.2 s apart agree (at most 3 s).
        prev, end = stats(), time.time() + 3
        while time.time() < end:
            time.sleep(0.2)
            cur = stats()
            if cur == prev:
                break
            prev = cur
        t1 = time.time()
        print(json.dumps({"kind": kind, "sent": sent,
                          "sides": sorted({sd for sd, _ in frames[kind]}),
                          "frames": len(frames[kind]), "t0": t0, "t1": t1,
                          "delta": delta(before, prev)}), flush=True)


# ---- reading the outside capture -----------------------------------------

def inside(addr):
    return addr[0] == 10


def ip_escapes(b, depth=0):
    """Inside addresses in an IPv4 packet and the headers it quotes."""
    if len(b) < 20 or b[0] >> 4 != 4:
        return []
    ihl = (b[0] & 15) * 4
    found = []
    for off, what in ((12, "src"), (16, "dst")):
        if len(b) >= off + 4 and inside(b[off:off + 4]):
            found.append(f"{'quoted ' * depth}{what}={socket.inet_ntoa(b[off:off + 4])}")
    frag = struct.unpack("!H", b[6:8])[0] & 0x1FFF
    if b[9] == 1 and frag == 0 and len(b) >= ihl + 8 and \
            b[ihl] in (3, 4, 5, 11, 12):
        found += ip_escapes(b[ihl + 8:], depth + 1)
    return found


def escapes(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    link = struct.unpack(end + "I", data[20:24])[0]
    off, n, bad = 24, 0, 0
    while off + 16 <= len(data):
        ts, tus, incl, _ = struct.unpack(end + "IIII", data[off:off + 16])
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if link == 1:               # Ethernet
            if len(pkt) < 14 or pkt[12:14] != b"\x08\x00":
                continue
            pkt = pkt[14:]
        elif link == 113:           # Linux cooked
            if len(pkt) < 16 or pkt[14:16] != b"\x08\x00":
                continue
            pkt = pkt[16:]
        n += 1
        found = ip_escapes(pkt)
        if found:
            bad += 1
            if bad <= 20:
                print(f"escape t={ts}.{tus:06d} {' '.join(found)} "
                      f"pkt={pkt[:64].hex()}")
    print(f"escapes={bad} packets={n}")


def main():
    import argparse
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("file")
    g.add_argument("--seed", type=int, default=10)
    s = sub.add_parser("send")
    s.add_argument("file")
    s.add_argument("--router", required=True)
    s.add_argument("--knat", required=True)
    s.add_argument("--side", action="append", required=True)
    s.add_argument("--only")
    s.add_argument("--skip")
    e = sub.add_parser("escapes")
    e.add_argument("pcap")
    a = p.parse_args()
    if a.cmd == "gen":
        gen(a.file, a.seed)
    elif a.cmd == "send":
        send(a)
    else:
        escapes(a.pcap)


if __name__ == "__main__":
    sys.exit(main())

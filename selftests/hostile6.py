#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hostile IPv6 frames for selftests/hostile6.sh (hostile.py's twin), made
once with scapy, sent fast, judged by what each frame should meet.

  hostile6.py gen FILE [--seed N]
        build every frame with scapy (on the host, before the VM starts:
        scapy is slow to import and to build with under TCG) and write
        them to FILE, one "KIND SIDE HEX" line each, kinds in order; then
        per kind, one "= KIND FATE N" line per fate its frames meet (the
        expectations, derived from the module's code and the kernel's:
        see FATES)
  hostile6.py send FILE --router NS --knat PATH --side NAME=NS:IF:MAC ...
        [--only KIND,...] [--skip KIND,...]
        standard library only: for each kind, read r's knat counters and
        drop reasons and its IPv6 MIB (/proc/net/snmp6), write the kind's
        frames as fast as AF_PACKET takes them on the side's interface (to
        the router's MAC, ethertype IPv6), wait for the counters to
        settle, read them again; print one JSON object per kind (sent,
        time window, deltas)
  hostile6.py check FILE RESULTS
        the expectations of FILE against the deltas of RESULTS: one line
        "PASS|FAIL<TAB>WHAT<TAB>EXPECTED<TAB>ACTUAL" each; the table (per
        kind: frames, knat drops by reason, the kernel's IPv6 drops,
        frames nf_defrag_ipv6 keeps, frames for r itself, translated,
        unaccounted) on stderr
  hostile6.py escapes PCAP
        read a capture of what the router sent onto the outside link and
        print every packet with an inside address (fd00::/8) in its outer
        header, its extension headers, a header an ICMPv6 error quotes
        (however deeply nested, however short the quote: fd00::/8 is one
        byte) or a neighbour discovery target, destination or redirected
        header; then "escapes=N packets=M"

The topology and addresses are hostile6.sh's (see its top comment).

FATES, what one frame meets (several for one frame: a flow and a
translation):
  drop:REASON     knat drops it under REASON (JSON name: bad_checksum)
  kernel:KEY      the IPv6 stack in r drops it and counts KEY (snmp6)
  held            nf_defrag_ipv6 keeps it (a fragment queued, joined into
                  a later one, or dropped as overlapping or a duplicate):
                  defragmentation counts nothing in the MIB, so this is
                  the one fate predicted, not measured
  local           addressed to r itself; knat leaves it alone
  xlate           translated (counted in pkts-orig)
  icmperr         an ICMPv6 error translated (icmp-errors-translated)
  flow:PROTO      makes a flow (flows-created-PROTO)
  untracked       non-SYN to a forward, no flow: passed (tcp-untracked)
  unknown         an ICMPv6 error about no flow (icmp-errors-unknown)
  nd, icmp6other  counted by ICMPv6 type (icmp6-nd, icmp6-other)
  approx          (kind) drops not counted exactly: the blind segments,
                  of which a few may land in the window
  only:REASON     (kind) no drop under another reason
  min:KEY:N       (kind) the delta of KEY is at least N
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

IN1, IN2, RIN = "fd00:1::2", "fd00:1::3", "fd00:1::1"
RWAN, WAN, SRV = "2001:db8:1::1", "2001:db8:1::2", "2001:db8:2::2"
# A link-local address of no one: the sender of the spoofed neighbour
# discovery, and a MAC of no one for its link-layer option.
LL_BAD, MAC_BAD = "fe80::bad:1", "02:00:00:00:0b:ad"
# The live connections hostile6.sh holds open (client source ports fixed
# here so that the blind segments and the errors can aim at them).
LIVE_MASQ = (IN1, 43000, SRV, 8000)        # in1 -> srv through masquerade
LIVE_FWD = (SRV, 42000, RWAN, 2222)        # srv -> forward -> in2:2222

# The IPv6 MIB counters of the packets the stack drops before or while
# routing (in r's namespace).
KERNEL_KEYS = ("Ip6InHdrErrors", "Ip6InTruncatedPkts", "Ip6InAddrErrors",
               "Ip6InDiscards", "Ip6InNoRoutes", "Ip6InUnknownProtos",
               "Ip6InTooBigErrors")

# TCP flags, as knat_tcp_flags_valid() (module/tcp_state.c) and
# conntrack's tcp_valid_flags[] judge them (PSH, ECE and CWR aside).
FIN, SYN, RST, PSH, ACK, URG, ECE, CWR = 1, 2, 4, 8, 16, 32, 64, 128
VALID_FLAGS = {SYN, SYN | URG, SYN | ACK, RST, RST | ACK, FIN | ACK,
               FIN | ACK | URG, ACK, ACK | URG}


def flags_valid(f):
    return f & ~(PSH | ECE | CWR) in VALID_FLAGS


def pure_syn(f):
    return f & (SYN | ACK | RST | FIN) == SYN


# ---- checksums, as nf_ip6_checksum() sums them ---------------------------

def a6(addr):
    return socket.inet_pton(socket.AF_INET6, addr)


def fold(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def sums_right(pkt, thoff, nh):
    """PKT's upper layer at THOFF (protocol NH), checksum field in place,
    sums right over the pseudo-header, as the kernel would judge it over
    what the payload length leaves of the packet."""
    plen = struct.unpack("!H", pkt[4:6])[0]
    seg = pkt[thoff:40 + plen]
    pseudo = pkt[8:40] + struct.pack("!I3xB", len(seg), nh)
    return fold(pseudo + seg) == 0xFFFF


# ---- generation (scapy) --------------------------------------------------


def gen(path, seed):
    from scapy.layers.inet import TCP, UDP
    from scapy.layers.inet6 import (
        IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
        ICMPv6DestUnreach,
        ICMPv6PacketTooBig, ICMPv6TimeExceeded, ICMPv6ParamProblem,
        ICMPv6EchoRequest, ICMPv6EchoReply, ICMPv6ND_NS, ICMPv6ND_NA,
        ICMPv6ND_RS, ICMPv6ND_RA, ICMPv6ND_Redirect, ICMPv6NDOptSrcLLAddr,
        ICMPv6NDOptPrefixInfo, ICMPv6NDOptRedirectedHdr, ICMPv6MLQuery,
        ICMPv6MLReport, ICMPv6MLDone, ICMPv6Unknown, RouterAlert)
    from scapy.packet import Raw
    rnd = random.Random(seed)
    out = []
    fates = {}
    order = []

    def add(kind, side, pkt, *fate):
        b = bytes(pkt)
        assert len(b) <= 1500, (kind, len(b))
        if kind not in fates:
            fates[kind] = {}
            order.append(kind)
        out.append((kind, side, b))
        for f in fate:
            fates[kind][f] = fates[kind].get(f, 0) + 1

    def note(kind, fate, n=1):
        fates[kind][fate] = fates[kind].get(fate, 0) + n

    def patch(b, off, fmt, val):
        b = bytearray(bytes(b))
        struct.pack_into(fmt, b, off, val)
        return bytes(b)

    def plen(b, n):
        return patch(b, 4, "!H", n)

    def badsum(pkt, off):
        """PKT with the checksum at OFF (from the IPv6 header) wrong."""
        b = bytearray(bytes(pkt))
        s = struct.unpack_from("!H", b, off)[0]
        struct.pack_into("!H", b, off, s ^ 0x5555)
        return bytes(b)

    def quote(pkt, n=None):
        b = bytes(pkt)
        return b if n is None else b[:n]

    def opthdr(nh, opts):
        """A hop-by-hop (HOP) or destination options header of raw
        option bytes OPTS, whose length must make a multiple of 8."""
        body = bytes([nh, (len(opts) + 2) // 8 - 1]) + opts
        assert len(body) % 8 == 0
        return body

    def raw6(src, dst, nh, payload, hlim=64):
        """An IPv6 packet built by hand, payload length right."""
        return struct.pack("!IHBB", 6 << 28, len(payload), nh, hlim) + \
            a6(src) + a6(dst) + payload

    def udp_sum(src, dst, ext, udp, nh_first):
        """UDP behind hand-made extension headers EXT, summed by scapy
        (its checksum over the pseudo-header is independent of the
        chain), as raw bytes."""
        u = bytes(IPv6(src=src, dst=dst) / udp)[40:]
        return raw6(src, dst, nh_first, ext + u)

    # The live connections' packets as each side sends or receives them.
    q_masq_in = IPv6(src=SRV, dst=IN1) / TCP(sport=8000, dport=43000,
                                               flags="A", seq=1, ack=1)
    q_fwd_in = IPv6(src=SRV, dst=IN2) / TCP(sport=42000, dport=2222,
                                              flags="A", seq=1, ack=1)
    q_masq_out = IPv6(src=RWAN, dst=SRV) / TCP(sport=43000, dport=8000,
                                                 flags="A", seq=1, ack=1)
    q_fwd_out = IPv6(src=RWAN, dst=SRV) / TCP(sport=2222, dport=42000,
                                                flags="A", seq=1, ack=1)

    ERRS = [
        lambda: ICMPv6DestUnreach(code=rnd.randrange(0, 7)),
        lambda: ICMPv6PacketTooBig(mtu=rnd.choice(
            [0, 1, 68, 1279, 1280, 1500, 65535, 0xFFFFFFFF])),
        lambda: ICMPv6TimeExceeded(code=rnd.randrange(0, 2)),
        lambda: ICMPv6ParamProblem(code=rnd.randrange(0, 4), ptr=rnd.choice(
            [0, 6, 40, 0xFFFFFFFF])),
    ]

    # ---- blind segments into the live connections (sent first) ---------
    # From their real outside peer, at random sequence numbers: the masq
    # connection's answers (srv:8000 -> r:43000, reply direction) and the
    # forward's client side (srv:42000 -> r:2222, original direction).
    # knat_flow_account(): out of the window, dropped; an RST at the exact
    # sequence number would close (2^-32 odds); in the window but not
    # exact, to the host (its challenge ACK): 99 % asserted, as
    # hostile.sh does; a blind SYN makes no flow over a live one.
    def blind(kind, flags_list, n):
        for i in range(n):
            for s, sp, d, dp in ((SRV, 8000, RWAN, 43000),
                                 (SRV, 42000, RWAN, 2222)):
                for fl in flags_list:
                    add(kind, "wan", IPv6(src=s, dst=d) /
                        TCP(sport=sp, dport=dp, flags=fl,
                            seq=rnd.getrandbits(32),
                            ack=rnd.getrandbits(32) if "A" in fl else 0))
        note(kind, "approx")
        note(kind, "only:tcp_out_of_window")
        sent = len(flags_list) * n * 2
        note(kind, f"min:drop.tcp_out_of_window:{sent * 99 // 100}")
    blind("blind-rst", ["R"], 100)
    blind("blind-fin", ["FA"], 100)
    blind("blind-rst-syn", ["R", "S"], 50)

    # ---- from the inside (in1, in2): the masquerade's source ------------
    # IPv6 header damage: ip6_rcv_core() judges these before any hook,
    # and ip6_forward() the sources it will not forward.
    for i in range(200):
        good = IPv6(src=IN1, dst=SRV) / UDP(sport=10000 + i, dport=9000) / \
            (b"x" * 8)
        b = bytes(good)
        how = i % 10
        fate = "kernel:Ip6InHdrErrors"
        if how == 0:
            b = bytes([rnd.choice([0, 4, 5, 7, 15]) << 4 | (b[0] & 15)]) + \
                b[1:]
        elif how == 1:
            b = b[:rnd.randrange(1, 40)]
        elif how == 2:
            b = plen(b, len(b) - 40 + rnd.randrange(1, 400))
            fate = "kernel:Ip6InTruncatedPkts"
        elif how == 3:
            b = bytes(IPv6(src="ff02::1", dst=SRV) / good[UDP])
        elif how == 4:
            b = bytes(IPv6(src=IN1, dst="::1") / good[UDP])
        elif how == 5:
            b = bytes(IPv6(src="::1", dst=SRV) / good[UDP])
        elif how == 6:
            b = bytes(IPv6(src=IN1, dst="ff01::1") / good[UDP])
        elif how == 7:
            b = bytes(IPv6(src=IN1, dst="ff00::1") / good[UDP])
        elif how == 8:      # ip6_forward(): no unspecified source
            b = bytes(IPv6(src="::", dst=SRV) / good[UDP])
            fate = "kernel:Ip6InAddrErrors"
        else:               # ... nor a link-local one
            b = bytes(IPv6(src=LL_BAD, dst=SRV) / good[UDP])
            fate = "kernel:Ip6InAddrErrors"
        add("ip6-header", "in", b, fate)

    # The payload length cutting the datagram: the header short (knat's
    # parse fails) or its payload (the UDP length now past the end, and
    # the sum over what is left wrong too): malformed either way.
    for i in range(100):
        b = bytes(IPv6(src=IN1, dst=SRV) / UDP(sport=11000 + i, dport=9000)
                  / bytes(rnd.getrandbits(8) for _ in range(16)))
        if i % 2 == 0:
            add("ip6-payload-len", "in", plen(b, rnd.randrange(0, 8)),
                "drop:malformed")
        else:
            while True:
                c = plen(b, 8 + rnd.randrange(1, 16))
                if not sums_right(c, 40, 17):
                    break
            add("ip6-payload-len", "in", c, "drop:malformed")

    # TCP headers cut short or with an impossible data offset.
    for i in range(150):
        t = TCP(sport=12000 + i, dport=8000, flags="S",
                seq=rnd.getrandbits(32))
        how = i % 3
        if how == 0:
            full = bytes(IPv6(src=IN1, dst=SRV) / t)
            b = raw6(IN1, SRV, 6, full[40:40 + i % 20])
        elif how == 1:
            t.dataofs = i % 5
            b = IPv6(src=IN1, dst=SRV) / t
        else:
            t.dataofs = rnd.randrange(6, 16)
            b = IPv6(src=IN1, dst=SRV) / t
        add("tcp6-truncated", "in", b, "drop:malformed")

    # UDP cut inside its header, or a length field past the end or inside
    # the header (the sum right over the bytes present, as scapy makes
    # it): malformed, as conntrack's udp_error() calls them, before SNAT
    # makes a flow for a datagram srv's stack would drop.
    for i in range(100):
        u = UDP(sport=13000 + i, dport=9000) / b"hello"
        how = i % 3
        if how == 0:
            full = bytes(IPv6(src=IN1, dst=SRV) / u)
            add("udp6-truncated", "in",
                raw6(IN1, SRV, 17, full[40:40 + i % 8]), "drop:malformed")
            continue
        u.len = rnd.randrange(0, 8) if how == 1 else rnd.randrange(14, 2000)
        add("udp6-truncated", "in", IPv6(src=IN1, dst=SRV) / u,
            "drop:malformed")

    # ICMPv6 cut inside its own 8-byte header.
    for i in range(80):
        full = bytes(IPv6(src=IN1, dst=SRV) /
                     ICMPv6EchoRequest(id=i, seq=i, data=b"ab"))
        add("icmp6-truncated", "in", raw6(IN1, SRV, 58, full[40:40 + i % 8]),
            "drop:malformed")

    # Extension header chains that cannot be walked to a transport
    # header: knat_skip6() gives OTHER, which passes the entry hook, and
    # the masquerade then refuses to forward it untranslated
    # (unsupported); one whose transport header lies past the end is
    # malformed; AH is walked (ipv6_skip_exthdr()): translated.
    for i in range(140):
        u = UDP(sport=14000 + i, dport=9000) / b"ext"
        how = i % 7
        if how == 0:        # the chain ends inside a header
            b = raw6(IN1, SRV, 60, bytes([17])[:i % 2])
            fate = ("drop:unsupported",)
        elif how == 1:      # its length runs past the end, then UDP
            b = raw6(IN1, SRV, 60, bytes([17, rnd.randrange(2, 200)]) +
                     b"\x01\x04\0\0\0\0" + bytes(u))
            fate = ("drop:malformed",)
        elif how == 2:      # ... then another header
            b = raw6(IN1, SRV, 60, bytes([60, rnd.randrange(2, 200)]) +
                     b"\x01\x04\0\0\0\0" + bytes(u))
            fate = ("drop:unsupported",)
        elif how == 3:      # no next header
            b = raw6(IN1, SRV, 59, bytes(u))
            fate = ("drop:unsupported",)
        elif how == 4:      # options, then no next header
            b = raw6(IN1, SRV, 60, opthdr(59, b"\x01\x04\0\0\0\0") + bytes(u))
            fate = ("drop:unsupported",)
        elif how == 5:      # a protocol knat does not translate
            b = raw6(IN1, SRV, rnd.choice([50, 132, 253]), bytes(u))
            fate = ("drop:unsupported",)
        else:               # AH (24 bytes), then UDP
            ah = bytes([17, 4, 0, 0]) + struct.pack("!II", 0x100 + i, 1) + \
                bytes(12)
            b = udp_sum(IN1, SRV, ah, u, 51)
            fate = ("xlate", "flow:udp")
        add("ext-truncated", "in", b, *fate)

    # Long chains, walked to the end: many small destination options
    # headers, or a few long ones of an option to skip; a hop-by-hop
    # router alert first.  A router forwards them; translated.
    def long_chain(i):
        how = i % 3
        if how == 0:
            return [opthdr(60, b"\x01\x04\0\0\0\0")] * (2 + i * 5 % 150)
        if how == 1:
            hs = []
            for _ in range(1 + i % 4):
                total = 8 * rnd.randrange(2, 33)
                hs.append(opthdr(60, bytes([0x1E, total - 4]) +
                                 bytes(rnd.getrandbits(8)
                                       for _ in range(total - 4))))
            return hs
        return [opthdr(60, b"\x05\x02\0\0\x01\x00")] + \
            [opthdr(60, b"\x01\x04\0\0\0\0")] * (1 + i % 20)

    def chain(hs, last):
        """The headers HS, each's next header the following one's type
        (hop-by-hop 0 for the router alert, which must come first)."""
        body = b""
        types = [0 if h[2:4] == b"\x05\x02" else 60 for h in hs]
        for k, h in enumerate(hs):
            nh = types[k + 1] if k + 1 < len(hs) else last
            body += bytes([nh]) + h[1:]
        return types[0], body

    for i in range(60):
        first, ext = chain(long_chain(i), 17)
        add("ext-long", "in",
            udp_sum(IN1, SRV, ext, UDP(sport=15000 + i, dport=9000) / b"long",
                    first), "xlate", "flow:udp")
    for i in range(60):
        first, ext = chain(long_chain(i), 17)
        add("wan-ext-long", "wan",
            udp_sum(SRV, RWAN, ext, UDP(sport=20000 + i, dport=5353) / b"long",
                    first), "xlate", "flow:udp")

    # Hop-by-hop options: ip6_parse_tlv() drops what is wrong before any
    # hook (InHdrErrors); what is right is forwarded and translated.
    def hbh(i, src, dst, sport, dport):
        u = UDP(sport=sport, dport=dport) / b"hbh"
        how = i % 15
        bad = "kernel:Ip6InHdrErrors"
        if how < 3:         # unknown option: discard (+ param problem)
            o = bytes([(0x40, 0x80, 0xC0)[how] | rnd.randrange(0, 0x1F) | 1,
                       4]) + bytes(4)
            return udp_sum(src, dst, opthdr(17, o), u, 0), (bad,)
        if how == 3:        # PadN that pads with something
            return udp_sum(src, dst, opthdr(17, b"\x01\x04\0\x07\0\0"), u,
                           0), (bad,)
        if how == 4:        # more than 7 bytes of padding
            return udp_sum(src, dst, opthdr(17, b"\x01\x0c" + bytes(12)), u,
                           0), (bad,)
        if how == 5:        # an option running past the header
            return udp_sum(src, dst, opthdr(17, b"\x1e\x09" + bytes(4)), u,
                           0), (bad,)
        if how == 6:        # 9 options: max_hbh_opts_cnt is 8
            return udp_sum(src, dst, opthdr(17, b"\x1e\x00" * 9 +
                                            b"\x01\x02\0\0"), u, 0), (bad,)
        if how == 7:        # router alert of the wrong length
            return udp_sum(src, dst, opthdr(17, b"\x05\x03\0\0\0\x01"), u,
                           0), (bad,)
        if how == 8:        # jumbo payload with a payload length
            return udp_sum(src, dst, opthdr(17, b"\xc2\x04\0\x01\0\0"), u,
                           0), (bad,)
        if how == 9:        # the header cut short
            return raw6(src, dst, 0, bytes([17, rnd.randrange(0, 3)]) +
                        b"\x01\x02"), (bad,)
        ok = ("xlate", "flow:udp")
        if how == 10:       # router alert: ip6_call_ra_chain() has no one
            return udp_sum(src, dst, opthdr(17, b"\x05\x02\0\0\x01\0"), u,
                           0), ok
        if how == 11:       # unknown, to skip
            return udp_sum(src, dst, opthdr(17, b"\x1e\x04" + bytes(4)), u,
                           0), ok
        if how == 12:       # Pad1 six times
            return udp_sum(src, dst, opthdr(17, b"\0" * 6), u, 0), ok
        if how == 13:       # hop-by-hop, then destination options
            return udp_sum(src, dst, opthdr(60, b"\x01\x04\0\0\0\0") +
                           opthdr(17, b"\x01\x04\0\0\0\0"), u, 0), ok
        # hop-by-hop not first: only its destination may mind
        return udp_sum(src, dst, opthdr(0, b"\x01\x04\0\0\0\0") +
                       opthdr(17, b"\x1e\x04" + bytes(4)), u, 60), ok

    for i in range(150):
        b, fate = hbh(i, IN1, SRV, 16000 + i, 9000)
        add("hbh-bad", "in", b, *fate)
    for i in range(150):
        b, fate = hbh(i, SRV, RWAN, 21000 + i, 5353)
        add("wan-hbh-bad", "wan", b, *fate)

    # Every TCP flag byte, each from its own port (no flow yet).  Inside:
    # no forward at entry, so SNAT judges them at exit: impossible flags
    # tcp-bad-flags, any other non-SYN tcp-no-flow, a pure SYN (PSH, URG,
    # ECE, CWR allowed: 16 bytes) a flow.  To the forward: impossible
    # flags tcp-bad-flags, a pure SYN a flow, the rest passed untracked
    # to r's own stack (knat_forward_decide()).
    for f in range(256):
        t = TCP(sport=13000 + f, dport=8000, flags=f,
                seq=rnd.getrandbits(32), ack=rnd.getrandbits(32))
        if not flags_valid(f):
            fate = ("drop:tcp_bad_flags",)
        elif pure_syn(f):
            fate = ("xlate", "flow:tcp")
        else:
            fate = ("drop:tcp_no_flow",)
        add("tcp-flags", "in", IPv6(src=IN1, dst=SRV) / t, *fate)
    for f in range(256):
        t = TCP(sport=30000 + f, dport=2222, flags=f,
                seq=rnd.getrandbits(32), ack=rnd.getrandbits(32))
        if not flags_valid(f):
            fate = ("drop:tcp_bad_flags",)
        elif pure_syn(f):
            fate = ("xlate", "flow:tcp")
        else:
            fate = ("untracked", "local")
        add("wan-tcp-flags-forward", "wan", IPv6(src=SRV, dst=RWAN) / t,
            *fate)

    # Bad checksums on packets that would open a flow: knat_pkt_invalid()
    # (nf_ip6_checksum()) before the flow is made.
    for i in range(100):
        add("bad-checksum", "in", badsum(IPv6(src=IN1, dst=SRV) /
            TCP(sport=17000 + i, dport=8000, flags="S"), 40 + 16),
            "drop:bad_checksum")
        add("bad-checksum", "in", badsum(IPv6(src=IN1, dst=SRV) /
            UDP(sport=17000 + i, dport=9000) / b"hi", 40 + 6),
            "drop:bad_checksum")
        add("bad-checksum", "in", badsum(IPv6(src=IN1, dst=SRV) /
            ICMPv6EchoRequest(id=17000 + i, data=b"hi"), 40 + 2),
            "drop:bad_checksum")
    # ... to the forward, in an error about its live flow, and in ACKs of
    # the live flows (checked before their window).
    for i in range(100):
        add("wan-bad-checksum", "wan", badsum(IPv6(src=SRV, dst=RWAN) /
            TCP(sport=22000 + i, dport=2222, flags="S"), 40 + 16),
            "drop:bad_checksum")
        add("wan-bad-checksum", "wan", badsum(IPv6(src=SRV, dst=RWAN) /
            UDP(sport=22000 + i, dport=5353) / b"x", 40 + 6),
            "drop:bad_checksum")
        add("wan-bad-checksum", "wan", badsum(IPv6(src=SRV, dst=RWAN) /
            ICMPv6DestUnreach(code=4) / quote(q_fwd_out), 40 + 2),
            "drop:bad_checksum")
        if i % 2:           # into the forward's, then the masquerade's
            sp, dp = ((42000, 2222), (8000, 43000))[i % 4 // 2]
            add("wan-bad-checksum", "wan", badsum(IPv6(src=SRV, dst=RWAN) /
                TCP(sport=sp, dport=dp, flags="A",
                    seq=rnd.getrandbits(32), ack=rnd.getrandbits(32)),
                40 + 16), "drop:bad_checksum")

    # UDP checksum 0: no checksum is not allowed in IPv6 (RFC 8200 8.1),
    # so where knat acts (SNAT, the forward, a flow) it is a bad one.  A
    # pair: a datagram that makes the flow, then one with checksum 0 on
    # it; and lone ones; to r's own port (no forward) knat does nothing.
    def csum0(pkt):
        b = patch(pkt, 40 + 6, "!H", 0)
        assert not sums_right(b, 40, 17)
        return b

    for i in range(50):
        p = IPv6(src=IN1, dst=SRV) / UDP(sport=18000 + i, dport=9000) / b"c0"
        add("udp-checksum-0", "in", p, "xlate", "flow:udp")
        add("udp-checksum-0", "in", csum0(p), "drop:bad_checksum")
        p = IPv6(src=IN1, dst=SRV) / UDP(sport=18100 + i, dport=9000) / b"c0"
        add("udp-checksum-0", "in", csum0(p), "drop:bad_checksum")
    for i in range(50):
        p = IPv6(src=SRV, dst=RWAN) / UDP(sport=23000 + i, dport=5353) / b"c0"
        add("wan-udp-checksum-0", "wan", p, "xlate", "flow:udp")
        add("wan-udp-checksum-0", "wan", csum0(p), "drop:bad_checksum")
        p = IPv6(src=SRV, dst=RWAN) / UDP(sport=23100 + i, dport=5353) / b"c0"
        add("wan-udp-checksum-0", "wan", csum0(p), "drop:bad_checksum")
        if i % 2:
            p = IPv6(src=SRV, dst=RWAN) / UDP(sport=23200 + i, dport=5354) / \
                b"c0"
            add("wan-udp-checksum-0", "wan", csum0(p), "local")

    # ICMPv6 errors from the inside about the live flows, every type, odd
    # MTUs and pointers, quotes long, short or with an extension header:
    # translated (icmp6.c), out with r's address in both headers.  The
    # quoted sequence number 1 is outside the connections' windows: the
    # hosts' TCP ignores them.
    for i in range(200):
        side, q, src = (("in", q_masq_in, IN1), ("in2", q_fwd_in, IN2))[i % 2]
        if i % 5 == 4:
            q = IPv6(src=q.src, dst=q.dst) / IPv6ExtHdrDestOpt() / q[TCP]
        body = quote(q) + bytes(rnd.choice([0, 0, 100, 1000]))
        outer = IPv6(src=src, dst=SRV)
        if i % 7 == 6:      # an extension header before the ICMPv6 one
            outer = outer / IPv6ExtHdrDestOpt()
        add("icmp6-errors", side, outer / ERRS[i % 4]() / Raw(body),
            "icmperr")

    # Quotes cut short: under 48 bytes (an IPv6 header and 8 of TCP) no
    # ports, so not an error about a flow: SNAT refuses it (unsupported);
    # from 48 on, translated.
    for i in range(200):
        n = i % 61
        err = (ICMPv6DestUnreach(code=3), ICMPv6TimeExceeded(),
               ICMPv6ParamProblem())[i % 3]
        fate = ("drop:unsupported",) if n < 48 else ("icmperr",)
        add("icmp6-err-truncated", "in", IPv6(src=IN1, dst=SRV) / err /
            Raw(quote(q_masq_in, n)), *fate)

    # Errors about no flow: passed by the entry hook (icmp-errors-unknown),
    # refused untranslated by the masquerade (unsupported): an answer
    # of no flow, a made-up connection, in2 quoting its own packet to the
    # client (the flow knows it the other way round), a wrong port.
    for i in range(160):
        how = i % 4
        side, src = "in", IN1
        if how == 0:
            q = IPv6(src=SRV, dst=IN1) / UDP(sport=9000, dport=19000 + i)
        elif how == 1:
            q = IPv6(src="2001:db8:2::99", dst="fd00:1::77") / \
                TCP(sport=8000, dport=43000)
        elif how == 2:
            side, src = "in2", IN2
            q = IPv6(src=IN2, dst=SRV) / TCP(sport=2222, dport=42000)
        else:
            q = IPv6(src=SRV, dst=IN1) / TCP(sport=8000, dport=43001)
        add("icmp6-err-noflow", side, IPv6(src=src, dst=SRV) /
            ERRS[i % 4]() / Raw(quote(q)), "unknown", "drop:unsupported")

    # Errors about errors, neighbour discovery, an echo of no flow, or a
    # quote of version 4: parse6 gives OTHER (nothing to translate), or
    # finds no flow: the masquerade refuses them all.
    for i in range(100):
        how = i % 4
        if how == 3:        # "IPv6" of version 4 (knat_skip6() refuses it)
            inner = bytearray(bytes(q_masq_in))
            inner[0] = 0x40 | (inner[0] & 15)
            add("icmp6-err-of-err", "in", IPv6(src=IN1, dst=SRV) /
                ERRS[i % 4]() / Raw(bytes(inner)), "drop:unsupported")
            continue
        if how == 0:
            inner = IPv6(src=SRV, dst=IN1) / ICMPv6DestUnreach(code=4) / \
                Raw(quote(IPv6(src=IN1, dst=SRV) /
                          UDP(sport=20 + i, dport=9000)))
            fate = ("drop:unsupported",)
        elif how == 1:
            inner = IPv6(src=SRV, dst=IN1, hlim=255) / ICMPv6ND_NS(tgt=IN1)
            fate = ("drop:unsupported",)
        else:
            inner = IPv6(src=SRV, dst=IN1) / ICMPv6EchoReply(id=40000 + i)
            fate = ("unknown", "drop:unsupported")
        add("icmp6-err-of-err", "in", IPv6(src=IN1, dst=SRV) /
            ERRS[i % 4]() / Raw(quote(inner)), *fate)

    # About a live flow, but to another host than the quoted packet's
    # sender: icmp-unrelated (knat_icmp6_error_entry()).
    for i in range(100):
        side, q, src = (("in", q_masq_in, IN1), ("in2", q_fwd_in, IN2))[i % 2]
        dst = rnd.choice(["2001:db8:2::99", WAN, "2001:db8:2::1"])
        add("icmp6-err-unrelated", side, IPv6(src=src, dst=dst) /
            ERRS[i % 4]() / Raw(quote(q)), "drop:icmp_unrelated")

    # Neighbour discovery, router solicitation and advertisement,
    # redirects, MLD and other ICMPv6 to r from a link-local address of no
    # one: knat never translates them (icmp6-nd, icmp6-other), makes no
    # flow.  No advertisement for an address in use (r's neighbours or
    # its own): that would poison r's cache, not test knat.
    def nd(raddr, unused, q):
        """To r's address RADDR (both end in ::1: one solicited-node
        group); UNUSED an address of no one on that link."""
        sol = "ff02::1:ff00:1"
        return [
            (IPv6(src=LL_BAD, dst=raddr, hlim=255) /
             ICMPv6ND_NS(tgt=raddr) / ICMPv6NDOptSrcLLAddr(lladdr=MAC_BAD),
             "nd"),
            (IPv6(src=LL_BAD, dst=sol, hlim=255) / ICMPv6ND_NS(tgt=raddr) /
             ICMPv6NDOptSrcLLAddr(lladdr=MAC_BAD), "nd"),
            (IPv6(src=LL_BAD, dst="ff02::1", hlim=255) /
             ICMPv6ND_NA(tgt=unused, R=0, S=0, O=1), "nd"),
            (IPv6(src=LL_BAD, dst="ff02::2", hlim=255) / ICMPv6ND_RS(),
             "nd"),
            (IPv6(src=LL_BAD, dst="ff02::1", hlim=255) /
             ICMPv6ND_RA(routerlifetime=1800) /
             ICMPv6NDOptPrefixInfo(prefix="2001:db8:99::", prefixlen=64),
             "nd"),
            (IPv6(src=LL_BAD, dst=raddr, hlim=255) /
             ICMPv6ND_Redirect(tgt="fe80::bad:2", dst=SRV) /
             ICMPv6NDOptRedirectedHdr(pkt=bytes(q)[:200]), "nd"),
            (IPv6(src=LL_BAD, dst="ff02::1", hlim=1) /
             IPv6ExtHdrHopByHop(options=[RouterAlert()]) /
             ICMPv6MLQuery(mrd=1), "icmp6other"),
            (IPv6(src=LL_BAD, dst="ff02::1", hlim=1) /
             IPv6ExtHdrHopByHop(options=[RouterAlert()]) /
             ICMPv6MLReport(mladdr="ff02::1"), "icmp6other"),
            (IPv6(src=LL_BAD, dst="ff02::2", hlim=1) /
             IPv6ExtHdrHopByHop(options=[RouterAlert()]) /
             ICMPv6MLDone(mladdr="ff02::1"), "icmp6other"),
            (IPv6(src=LL_BAD, dst=raddr) / ICMPv6Unknown(type=200, code=0,
                                                          msgbody=b"x" * 8),
             "icmp6other"),
        ]

    for i in range(120):
        p, f = nd(RIN, "fd00:1::77", q_masq_in)[i % 10]
        add("icmp6-nd", "in", p, f, "local")
    for i in range(120):
        p, f = nd(RWAN, "2001:db8:1::77", q_masq_out)[i % 10]
        add("wan-icmp6-nd", "wan", p, f, "local")
    # The same from an inside global address to an outside one: a router
    # forwards them like any packet (never link-local, so not refused),
    # and the masquerade refuses them untranslated (unsupported).
    for i in range(120):
        p, f = nd(RIN, "fd00:1::77", q_masq_in)[i % 10]
        p = p[IPv6]
        p.src, p.dst, p.hlim = IN1, SRV, 255
        if f == "nd" and ICMPv6ND_NA in p:
            p[ICMPv6ND_NA].tgt = IN1
        add("nd-forwarded", "in", IPv6(bytes(p)), f, "drop:unsupported")

    # Echo with the edge identifiers through the masquerade: two flows;
    # srv's replies translated back.
    for i in range(200):
        outer = IPv6(src=IN1, dst=SRV)
        if i % 10 >= 8:     # a destination options header first
            outer = outer / IPv6ExtHdrDestOpt()
        add("echo-ids", "in", outer /
            ICMPv6EchoRequest(id=(0, 65535)[i % 2], seq=i, data=b"ping"),
            "xlate", *(("flow:icmp",) if i < 2 else ()))
    note("echo-ids", "min:cnt.icmp6_echo_reply:198")
    # Errors from in1 about those echo flows (their 30 s ICMP timeout
    # renewed just now): quoting a reply it got, the flow's other half:
    # translated, the quoted identifier mapped back; quoting its own
    # request, no half of the flow is seen that way: refused (as
    # icmp6-err-noflow's own quotes).
    for i in range(60):
        ident = (0, 65535)[i % 2]
        if i % 3 < 2:
            q = IPv6(src=SRV, dst=IN1) / ICMPv6EchoReply(id=ident, seq=i)
            fate = ("icmperr",)
        else:
            q = IPv6(src=IN1, dst=SRV) / ICMPv6EchoRequest(id=ident, seq=i)
            fate = ("unknown", "drop:unsupported")
        add("icmp6-err-echo", "in", IPv6(src=IN1, dst=SRV) / ERRS[i % 4]() /
            Raw(quote(q)), *fate)

    # Hop limit 0 and 1: ip6_forward() drops them (InHdrErrors) and sends
    # time exceeded.  To the forward the flow is made first (the entry
    # hook runs before routing; as for IPv4, forwards do not look at the
    # TTL, only services do).
    for i in range(100):
        h = i % 2
        if i % 4 < 2:
            p = IPv6(src=IN1, dst=SRV, hlim=h) / \
                UDP(sport=19000 + i, dport=9000) / b"hl"
        else:
            p = IPv6(src=IN1, dst=SRV, hlim=h) / \
                TCP(sport=19000 + i, dport=8000, flags="S")
        add("hlim-0-1", "in", p, "kernel:Ip6InHdrErrors")
    for i in range(100):
        h = i % 2
        if i % 4 < 2:
            add("wan-hlim-0-1", "wan", IPv6(src=SRV, dst=RWAN, hlim=h) /
                TCP(sport=24000 + i, dport=2222, flags="S"),
                "kernel:Ip6InHdrErrors", "flow:tcp")
        else:
            add("wan-hlim-0-1", "wan", IPv6(src=SRV, dst=RWAN, hlim=h) /
                UDP(sport=24000 + i, dport=5353) / b"hl",
                "kernel:Ip6InHdrErrors", "flow:udp")

    # Errors from outside to r's address about the live flows:
    # translated to in1 or in2 (every type, PTB with tiny and huge MTUs);
    # quotes too short to name a flow, errors about errors, errors about
    # no flow: r's own stack gets them untouched.
    for i in range(300):
        how = i % 6
        src = rnd.choice([SRV, WAN])
        if how == 0:
            b = IPv6(src=src, dst=RWAN) / ERRS[i % 4]() / \
                Raw(quote(q_masq_out, rnd.randrange(0, 48)))
            fate = ("local",)
        elif how == 1:
            b = IPv6(src=src, dst=RWAN) / ERRS[1]() / Raw(quote(q_masq_out))
            fate = ("icmperr",)
        elif how == 2:
            inner = IPv6(src=RWAN, dst=SRV) / ICMPv6DestUnreach(code=4) / \
                Raw(quote(IPv6(src=SRV, dst=RWAN) /
                          TCP(sport=8000, dport=43000)))
            b = IPv6(src=src, dst=RWAN) / ICMPv6TimeExceeded() / \
                Raw(quote(inner))
            fate = ("local",)
        elif how == 3:
            q = IPv6(src=RWAN, dst=SRV) / \
                UDP(sport=rnd.randrange(50000, 60000), dport=9000)
            b = IPv6(src=src, dst=RWAN) / ERRS[i % 4]() / Raw(quote(q))
            fate = ("unknown", "local")
        elif how == 4:
            b = IPv6(src=src, dst=RWAN) / ERRS[i % 4]() / Raw(quote(q_fwd_out))
            fate = ("icmperr",)
        else:
            b = IPv6(src=src, dst=RWAN) / ERRS[i % 4]() / \
                Raw(quote(q_masq_out) + bytes(rnd.choice([0, 500])))
            fate = ("icmperr",)
        add("wan-icmp6-errors", "wan", b, *fate)
    # ... and to another address than r's.
    for i in range(100):
        q = (q_masq_out, q_fwd_out)[i % 2]
        dst = rnd.choice(["2001:db8:1::99", WAN, SRV])
        add("wan-icmp6-err-unrelated", "wan", IPv6(src=SRV, dst=dst) /
            ERRS[i % 4]() / Raw(quote(q)), "drop:icmp_unrelated")

    # Errors quoting a fragment of a live flow's packet (time exceeded in
    # reassembly, packet too big: what fragments meet).  A first fragment
    # holds the ports: translated, as IPv4's knat_parse_icmp_error() and
    # conntrack's nf_ct_get_tuplepr() take a first fragment's quote (only
    # a later one is refused: "Only a first fragment quotes ports", says
    # pkt6.c too).  A later fragment names no flow: refused untranslated
    # from the inside, r's own from outside.
    def fragq(q, first, ident):
        ip, l4 = q[IPv6], bytes(q[TCP])
        fh = IPv6ExtHdrFragment(nh=6, offset=0 if first else 1, m=1, id=ident)
        return bytes(IPv6(src=ip.src, dst=ip.dst, nh=44) / fh /
                     Raw(l4 if first else l4[8:]))

    def fragerr():
        return rnd.choice([ICMPv6TimeExceeded(code=1), ERRS[1]()])

    for i in range(90):
        how = i % 3
        if how == 0:
            add("icmp6-err-frag-quote", "in", IPv6(src=IN1, dst=SRV) /
                fragerr() / Raw(fragq(q_masq_in, True, 0x7000 + i)), "icmperr")
        elif how == 1:
            add("icmp6-err-frag-quote", "in2", IPv6(src=IN2, dst=SRV) /
                fragerr() / Raw(fragq(q_fwd_in, True, 0x7000 + i)), "icmperr")
        else:
            add("icmp6-err-frag-quote", "in", IPv6(src=IN1, dst=SRV) /
                fragerr() / Raw(fragq(q_masq_in, False, 0x7000 + i)),
                "drop:unsupported")
    for i in range(90):
        q = (q_masq_out, q_fwd_out, q_masq_out)[i % 3]
        add("wan-icmp6-err-frag-quote", "wan",
            IPv6(src=rnd.choice([SRV, WAN]), dst=RWAN) / fragerr() /
            Raw(fragq(q, i % 3 < 2, 0x7100 + i)),
            "icmperr" if i % 3 < 2 else "local")

    # ---- fragments (last: some are held until they expire) --------------
    # nf_defrag_ipv6 (nf_conntrack_reasm.c) joins them before knat looks:
    # a first fragment that does not hold its transport header, or one
    # with MF whose length is no multiple of 8, it passes on unjoined, and
    # knat drops it (fragment); the rest of such a datagram it keeps; an
    # overlap kills the queue silently; a last never sent keeps the rest
    # until it expires (60 s).  Joined ones are translated.
    def frags(src, dst, ident, payload, nh, pieces):
        """Fragments (offset, bytes, more) of an upper-layer PAYLOAD."""
        res = []
        for off, data, more in pieces:
            fh = struct.pack("!BBHI", nh, 0, off | more, ident)
            res.append(raw6(src, dst, 44, fh + data))
        return res

    def split(payload, size):
        return [(o, payload[o:o + size], 1 if o + size < len(payload) else 0)
                for o in range(0, len(payload), size)]

    def frag_kinds(kind, side, src, dst, base, tport, uport, id0, n):
        for i in range(n):
            # tiny: the TCP header across 8-byte fragments
            seg = bytes(IPv6(src=src, dst=dst) /
                        TCP(sport=base + i, dport=tport, flags="S") /
                        (b"t" * 32))[40:]
            for k, fr in enumerate(frags(src, dst, id0 + i, seg, 6,
                                         split(seg, 8))):
                add(kind, side, fr, "drop:fragment" if k == 0 else "held")
            u = bytes(IPv6(src=src, dst=dst) /
                      UDP(sport=base + 100 + i, dport=uport) / (b"o" * 64))[40:]
            # overlapping
            for fr in frags(src, dst, id0 + 0x100 + i, u, 17,
                            [(0, u[:48], 1), (24, u[24:], 0)]):
                add(kind, side, fr, "held")
            # the last missing
            for fr in frags(src, dst, id0 + 0x200 + i, u, 17,
                            [(0, u[:24], 1)]):
                add(kind, side, fr, "held")
            # MF and a length no multiple of 8
            for fr in frags(src, dst, id0 + 0x300 + i, u, 17,
                            [(0, u[:20], 1)]):
                add(kind, side, fr, "drop:fragment")
            # joined
            j = bytes(IPv6(src=src, dst=dst) /
                      UDP(sport=base + 200 + i, dport=uport) / (b"j" * 40))[40:]
            fl = frags(src, dst, id0 + 0x400 + i, j, 17, split(j, 16))
            for k, fr in enumerate(fl):
                add(kind, side, fr, *(("held",) if k + 1 < len(fl) else
                                      ("xlate", "flow:udp")))
            if i < 10:      # joined too: a SYN, an echo request
                t = bytes(IPv6(src=src, dst=dst) /
                          TCP(sport=base + 500 + i, dport=tport, flags="S") /
                          (b"s" * 28))[40:]
                fl = frags(src, dst, id0 + 0x700 + i, t, 6, split(t, 24))
                for k, fr in enumerate(fl):
                    add(kind, side, fr, *(("held",) if k + 1 < len(fl) else
                                          ("xlate", "flow:tcp")))
            if i < 10 and side == "in":
                e = bytes(IPv6(src=src, dst=dst) /
                          ICMPv6EchoRequest(id=0x6000 + i, data=b"e" * 40))[40:]
                fl = frags(src, dst, id0 + 0x800 + i, e, 58, split(e, 16))
                for k, fr in enumerate(fl):
                    add(kind, side, fr, *(("held",) if k + 1 < len(fl) else
                                          ("xlate", "flow:icmp")))
            if side != "in":
                continue
            # an atomic fragment (offset 0, no MF): joined at once
            a = bytes(IPv6(src=src, dst=dst) /
                      UDP(sport=base + 300 + i, dport=uport) / b"atomic")[40:]
            for fr in frags(src, dst, id0 + 0x500 + i, a, 17, [(0, a, 0)]):
                add(kind, side, fr, "xlate", "flow:udp")
            # the first fragment twice (a duplicate is dropped), then joined
            d = bytes(IPv6(src=src, dst=dst) /
                      UDP(sport=base + 400 + i, dport=uport) / (b"d" * 24))[40:]
            fl = frags(src, dst, id0 + 0x600 + i, d, 17,
                       [(0, d[:16], 1), (0, d[:16], 1), (16, d[16:], 0)])
            for k, fr in enumerate(fl):
                add(kind, side, fr, *(("held",) if k < 2 else
                                      ("xlate", "flow:udp")))
            # a fragment header cut to 4 bytes: MF, or not (the transport
            # header past the end), or a later fragment's (pulled in vain)
            for off_more, fate in ((1, "drop:fragment"), (0, "drop:malformed"),
                                   (8 | 1, "held")):
                add(kind, side, raw6(src, dst, 44, struct.pack(
                    "!BBH", 17, 0, off_more)), fate)

    frag_kinds("fragments", "in", IN1, SRV, 25000, 8000, 9000, 0x10000, 30)
    frag_kinds("wan-fragments", "wan", SRV, RWAN, 26000, 2222, 5353,
               0x20000, 20)

    with open(path, "w") as f:
        for kind, side, b in out:
            f.write(f"{kind} {side} {b.hex()}\n")
        for kind in order:
            for fate, n in sorted(fates[kind].items()):
                f.write(f"= {kind} {fate} {n}\n")
    print(f"frames={len(out)} kinds={len(order)} seed={seed}")


# ---- sending (standard library only) -------------------------------------

CLONE_NEWNET = 0x40000000
ETH_P_IPV6 = 0x86DD
_libc = ctypes.CDLL(None, use_errno=True)


def setns(name):
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {name}")
    finally:
        os.close(fd)


def snmp6():
    """r's IPv6 MIB as {"Ip6InHdrErrors": n, ...}."""
    vals = {}
    with open("/proc/net/snmp6") as f:
        for line in f:
            k, _, v = line.partition(" ")
            try:
                vals[k] = int(v)
            except ValueError:
                pass
    return vals


def delta(a, b):
    return {k: b[k] - a.get(k, 0) for k in b if b[k] != a.get(k, 0)}


def read_frames(path):
    """(kinds in order, {kind: [(side, bytes)]}, {kind: {fate: n}})"""
    frames, fates, order = {}, {}, []
    with open(path) as f:
        for line in f:
            w = line.split()
            if w[0] == "=":
                fates.setdefault(w[1], {})[w[2]] = int(w[3])
                continue
            if w[0] not in frames:
                frames[w[0]] = []
                order.append(w[0])
            frames[w[0]].append((w[1], bytes.fromhex(w[2])))
    return order, frames, fates


SETTLE = ("cnt.flows_created_tcp", "cnt.flows_created_udp",
          "cnt.flows_created_icmp", "cnt.tcp_untracked",
          "cnt.icmp_errors_translated", "cnt.icmp_errors_unknown")


def settled(flat):
    """What must stand still for the counters to count as settled: drop
    reasons, flows made, errors seen, the MIB's drop counters (not the
    packets the live connections keep adding, nor the flows the GC ends,
    nor r's own neighbour discovery)."""
    return {k: v for k, v in flat.items()
            if k.startswith("drop.") or k in SETTLE or k[5:] in KERNEL_KEYS}


def send(a):
    order, frames, _ = read_frames(a.file)
    only = set(a.only.split(",")) if a.only else None
    skip = set(a.skip.split(",")) if a.skip else set()
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    socks = {}
    for spec in a.side:
        name, rest = spec.split("=", 1)
        nsname, ifname, mac = rest.split(":", 2)
        setns(nsname)
        s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                          socket.htons(ETH_P_IPV6))
        s.bind((ifname, ETH_P_IPV6))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
        socks[name] = (s, (ifname, ETH_P_IPV6, 0, 0,
                           bytes.fromhex(mac.replace(":", ""))))
    _libc.setns(home, CLONE_NEWNET)

    def stats():
        r = subprocess.run([a.knat, "-n", a.router, "-j", "stats"],
                           capture_output=True, text=True, check=True)
        j = json.loads(r.stdout)
        setns(a.router)
        m = snmp6()
        _libc.setns(home, CLONE_NEWNET)
        flat = {"drop." + k: v for k, v in j["drops"].items()}
        flat.update({"cnt." + k: v for k, v in j["counters"].items()
                     if isinstance(v, int)})
        flat.update({"mib6." + k: v for k, v in m.items()})
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
        # Settled: two reads 0.3 s apart agree (at most 4 s).
        prev, end = stats(), time.time() + 4
        while time.time() < end:
            time.sleep(0.3)
            cur = stats()
            if settled(cur) == settled(prev):
                prev = cur
                break
            prev = cur
        t1 = time.time()
        print(json.dumps({"kind": kind, "sent": sent,
                          "sides": sorted({sd for sd, _ in frames[kind]}),
                          "frames": len(frames[kind]), "t0": t0, "t1": t1,
                          "delta": delta(before, prev)}), flush=True)


# ---- judging the results -------------------------------------------------

INSIDE = {"in", "in2"}


def check(a):
    _, _, fates = read_frames(a.file)
    rows = [json.loads(line) for line in open(a.results)]
    res = []

    def judge(what, ok, exp, act):
        res.append(("PASS" if ok else "FAIL", what, str(exp), str(act)))

    judge(f"all {len(fates)} kinds sent", {r["kind"] for r in rows} ==
          set(fates), len(fates), len(rows))

    def dictstr(d):
        return " ".join(f"{k}={v}" for k, v in sorted(d.items()) if v) or "-"

    print("# %-24s %5s %-44s %6s %5s %5s %6s %5s" % (
        "kind", "sent", "knat drops", "kernel", "held", "local", "xlated",
        "unacc"), file=sys.stderr)
    tot = {}
    for r in rows:
        kind, d, fa = r["kind"], r["delta"], fates.get(r["kind"], {})
        get = lambda k: d.get(k, 0)  # noqa: E731
        drops = {k[5:]: v for k, v in d.items()
                 if k.startswith("drop.") and v}
        for k, v in drops.items():
            tot[k] = tot.get(k, 0) + v
        kern = {k: get("mib6." + k) for k in KERNEL_KEYS if get("mib6." + k)}
        judge(f"{kind}: all {r['frames']} frames written", r["sent"] ==
              r["frames"], r["frames"], r["sent"])
        if "approx" not in fa:
            exp = {f[5:]: n for f, n in fa.items() if f.startswith("drop:")}
            judge(f"{kind}: knat drops by reason", drops == exp,
                  dictstr(exp), dictstr(drops))
        else:
            only = {f[5:] for f in fa if f.startswith("only:")}
            judge(f"{kind}: knat drops only as {','.join(sorted(only))}",
                  set(drops) <= only, ",".join(sorted(only)), dictstr(drops))
        exp = {f[7:]: n for f, n in fa.items() if f.startswith("kernel:")}
        judge(f"{kind}: the kernel's own IPv6 drops", kern == exp,
              dictstr(exp), dictstr(kern))
        exp = {p: fa.get("flow:" + p, 0) for p in ("tcp", "udp", "icmp")}
        act = {p: get("cnt.flows_created_" + p) for p in exp}
        # A miss says what else moved meanwhile (expiries, deletions...).
        why = "" if act == exp else " | " + dictstr(
            {k[4:]: v for k, v in d.items() if k.startswith("cnt.") and
             not k.startswith(("cnt.pkts_", "cnt.bytes_"))})
        judge(f"{kind}: flows made", act == exp, dictstr(exp),
              dictstr(act) + why)
        judge(f"{kind}: untracked non-SYNs to the forward",
              get("cnt.tcp_untracked") == fa.get("untracked", 0),
              fa.get("untracked", 0), get("cnt.tcp_untracked"))
        for fate, key in (("xlate", "cnt.pkts_orig"),
                          ("icmperr", "cnt.icmp_errors_translated"),
                          ("unknown", "cnt.icmp_errors_unknown"),
                          ("nd", "cnt.icmp6_nd"),
                          ("icmp6other", "cnt.icmp6_other")):
            if fa.get(fate):
                judge(f"{kind}: {key.split('.', 1)[1]} at least {fa[fate]}",
                      get(key) >= fa[fate], f">= {fa[fate]}", get(key))
        for f in fa:
            if f.startswith("min:"):
                _, key, n = f.rsplit(":", 2)
                judge(f"{kind}: {key.split('.', 1)[1]} at least {n}",
                      get(key) >= int(n),
                      f">= {n}", get(key))
        # Accounting: every inside frame dropped with a reason (knat's or
        # the kernel's), kept by defragmentation, for r itself, or
        # translated; anything else passed untouched, which from the
        # inside means out with an inside address.  pkts-orig is a little
        # generous: the live connections add a few.
        held, local = fa.get("held", 0), fa.get("local", 0)
        x = get("cnt.pkts_orig") + get("cnt.icmp_errors_translated")
        inside = set(r["sides"]) <= INSIDE
        un = r["sent"] - sum(drops.values()) - sum(kern.values()) - held - \
            local - x
        if inside:
            judge(f"{kind}: every inside frame accounted for (unaccounted)",
                  un <= 0, "<= 0", un)
        print("# %-24s %5d %-44s %6d %5d %5d %6d %5s" % (
            kind, r["sent"], dictstr(drops), sum(kern.values()), held, local,
            x, un if inside else "."), file=sys.stderr)
    print("# total sent %d; knat drops: %s" % (
        sum(r["sent"] for r in rows), dictstr(tot)), file=sys.stderr)
    for line in res:
        print("\t".join(line))


# ---- reading the outside capture -----------------------------------------

EXT = (0, 43, 60)


def inside(b, off):
    """The address at OFF of B is in fd00::/8 (one byte says so, so a
    quote cut inside an address is judged by what is left of it)."""
    return len(b) > off and b[off] == 0xFD


def a6s(b, off):
    if len(b) >= off + 16:
        return socket.inet_ntop(socket.AF_INET6, bytes(b[off:off + 16]))
    return "cut:" + b[off:off + 16].hex()


def ip6_escapes(b, depth=0):
    """Inside addresses in an IPv6 packet B (maybe a cut quote): its
    header, routing headers, an ICMPv6 error's quote, neighbour discovery
    targets and redirected headers."""
    if len(b) < 1 or b[0] >> 4 != 6 or depth > 8:
        return []
    q = "quoted " * depth
    found = [f"{q}{w}={a6s(b, o)}" for o, w in ((8, "src"), (24, "dst"))
             if inside(b, o)]
    nh, off = (b[6] if len(b) > 6 else None), 40
    while nh is not None and len(b) >= off + 2:
        if nh in EXT:
            if nh == 43:        # routing: the addresses of type 0, 2, 4
                for o in range(off + 8, min(len(b), off +
                                             (b[off + 1] + 1) * 8), 16):
                    if inside(b, o):
                        found.append(f"{q}rthdr={a6s(b, o)}")
            nh, off = b[off], off + (b[off + 1] + 1) * 8
        elif nh == 51:
            nh, off = b[off], off + (b[off + 1] + 2) * 4
        elif nh == 44:
            if len(b) < off + 8 or struct.unpack("!H", b[off + 2:off + 4])[0] \
                    & 0xFFF8:
                return found
            nh, off = b[off], off + 8
        else:
            break
    if nh != 58 or len(b) < off + 1:
        return found
    t = b[off]
    if t in (1, 2, 3, 4):
        found += ip6_escapes(b[off + 8:], depth + 1)
    elif t in (135, 136, 137):
        for o, w in ((8, "target"), (24, "nd-dst")):
            if (t == 137 or o == 8) and inside(b, off + o):
                found.append(f"{q}{w}={a6s(b, off + o)}")
        o = off + (40 if t == 137 else 24)
        while len(b) >= o + 8 and b[o + 1]:
            if b[o] == 4:       # redirected header
                found += ip6_escapes(b[o + 8:o + b[o + 1] * 8], depth + 1)
            o += b[o + 1] * 8
    return found


def escapes(path):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from pcap6 import frames
    n = bad = 0
    for pkt, _ in frames(path):
        n += 1
        found = ip6_escapes(pkt)
        if found:
            bad += 1
            if bad <= 20:
                print(f"escape {' '.join(found)} pkt={pkt[:96].hex()}")
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
    c = sub.add_parser("check")
    c.add_argument("file")
    c.add_argument("results")
    e = sub.add_parser("escapes")
    e.add_argument("pcap")
    a = p.parse_args()
    if a.cmd == "gen":
        gen(a.file, a.seed)
    elif a.cmd == "send":
        send(a)
    elif a.cmd == "check":
        check(a)
    else:
        escapes(a.pcap)


if __name__ == "__main__":
    sys.exit(main())

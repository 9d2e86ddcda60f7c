#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What an IPv6 capture holds, one line per IPv6 packet, for the NAT66
selftests' assertions on the wire.  tcpdump cannot be asked about the
headers an ICMPv6 error quotes (even with -vv it prints at most the quoted
destination), and it checks no checksum of a truncated packet: this
reads every header, the quoted ones too, and sums every complete packet.

  pcap6.py FILE [--where KEY=VALUE]... [--not KEY=VALUE]... [--inside PREFIX]
           [--count]

Each line (fields absent where they do not apply):
  n=INDEX src=ADDR dst=ADDR hlim=N proto=tcp|udp|icmp6|NUMBER
      sport=P dport=P                      TCP, UDP
      flags=SAFRPU                         TCP
      type=T code=C                        ICMPv6
      id=N seq=N                           ICMPv6 echo request / reply
      mtu=N                                ICMPv6 packet too big
      csum=ok|bad|trunc|frag|none          the TCP/UDP/ICMPv6 checksum over
                                           the pseudo-header: trunc when the
                                           capture cut the packet short, frag
                                           for a fragment (the sum is the
                                           whole datagram's), none for other
                                           protocols
      qsrc=ADDR qdst=ADDR qproto=P qsport=P qdport=P qid=N qtype=T
                                           an ICMPv6 error (type 1-4): the
                                           packet it quotes
      ext=H,H                              extension headers (0 hop-by-hop,
                                           43 routing, 44 fragment, 60
                                           destination options)
--where KEY=VALUE  only lines whose KEY has VALUE; an address key (src, dst,
                   qsrc, qdst) takes ADDR or PREFIX/LEN, compared as
                   addresses, not strings.  Several: all must hold.
--not KEY=VALUE    only lines where KEY does not have VALUE
--inside PREFIX    only packets with an address in PREFIX in any of src,
                   dst, qsrc, qdst: the leak check
--count            print the number of such lines instead of them
Exit 0; 2 if FILE is not a capture.
"""

import argparse
import socket
import struct
import sys

EXT = (0, 43, 60)               # hop-by-hop, routing, destination options
FRAG, AH, NONE = 44, 51, 59
TCP, UDP, ICMP6 = 6, 17, 58
PROTO_NAMES = {TCP: "tcp", UDP: "udp", ICMP6: "icmp6"}
ADDR_KEYS = ("src", "dst", "qsrc", "qdst")


def sums_right(b):
    """B (pseudo-header and segment, its checksum in place) sums to 0xFFFF
    in ones' complement.  Since 0x10000 = 1 modulo 0xFFFF, that sum of
    16-bit words is the big number B modulo 0xFFFF: a right sum is 0xFFFF,
    0 modulo 0xFFFF, and a big-number remainder is quick in Python."""
    if len(b) % 2:
        b += b"\0"
    x = int.from_bytes(b, "big")
    return x != 0 and x % 0xFFFF == 0


def a6(b):
    return socket.inet_ntop(socket.AF_INET6, bytes(b))


def walk(pkt):
    """(next header, offset of the upper layer, extension headers, fragment
    state) of the IPv6 packet PKT; fragment state: None, "first", "later"."""
    nh, off, exts, frag = pkt[6], 40, [], None
    while True:
        if nh in EXT:
            if len(pkt) < off + 2:
                return nh, None, exts, frag
            exts.append(nh)
            nh, off = pkt[off], off + (pkt[off + 1] + 1) * 8
        elif nh == AH:
            if len(pkt) < off + 2:
                return nh, None, exts, frag
            exts.append(nh)
            nh, off = pkt[off], off + (pkt[off + 1] + 2) * 4
        elif nh == FRAG:
            if len(pkt) < off + 8:
                return nh, None, exts, frag
            exts.append(nh)
            fo = struct.unpack("!H", pkt[off + 2:off + 4])[0]
            frag = "later" if fo & 0xFFF8 else "first"
            nh, off = pkt[off], off + 8
            if frag == "later":
                return nh, None, exts, frag
        else:
            return nh, off, exts, frag


def upper(r, prefix, nh, l4, quoted=False):
    """Fields of the upper-layer header L4 (as far as it was captured)."""
    r[prefix + "proto"] = PROTO_NAMES.get(nh, str(nh))
    if nh in (TCP, UDP) and len(l4) >= 4:
        r[prefix + "sport"], r[prefix + "dport"] = struct.unpack("!HH", l4[:4])
        if nh == TCP and len(l4) >= 14 and not quoted:
            fl = l4[13]
            r["flags"] = "".join(c for c, bit in
                                 (("S", 2), ("A", 16), ("F", 1), ("R", 4),
                                  ("P", 8), ("U", 32)) if fl & bit) or "-"
    elif nh == ICMP6 and len(l4) >= 2:
        if quoted:
            r["qtype"] = l4[0]
        else:
            r["type"], r["code"] = l4[0], l4[1]
        if l4[0] in (128, 129) and len(l4) >= 8:
            ident, seq = struct.unpack("!HH", l4[4:8])
            if quoted:
                r["qid"] = ident
            else:
                r["id"], r["seq"] = ident, seq
        if not quoted and l4[0] == 2 and len(l4) >= 8:
            r["mtu"] = struct.unpack("!I", l4[4:8])[0]


def packet(pkt, orig_len):
    """The fields of one IPv6 packet (bytes from its IPv6 header on), or
    None for anything else."""
    if len(pkt) < 40 or pkt[0] >> 4 != 6:
        return None
    plen = struct.unpack("!H", pkt[4:6])[0]
    r = {"src": a6(pkt[8:24]), "dst": a6(pkt[24:40]), "hlim": pkt[7]}
    nh, off, exts, frag = walk(pkt)
    if exts:
        r["ext"] = ",".join(str(e) for e in exts)
    if off is None:
        r["proto"] = PROTO_NAMES.get(nh, str(nh))
        r["csum"] = "frag" if frag else "trunc"
        return r
    l4 = pkt[off:40 + plen]
    upper(r, "", nh, l4)
    if nh not in (TCP, UDP, ICMP6):
        r["csum"] = "none"
    elif frag:
        r["csum"] = "frag"
    elif orig_len < 40 + plen or len(pkt) < 40 + plen:
        r["csum"] = "trunc"
    else:
        pseudo = pkt[8:40] + struct.pack("!I3xB", len(l4), nh)
        ok = sums_right(pseudo + l4)
        # A UDP checksum of 0 means "none": IPv6 forbids it (RFC 8200).
        if nh == UDP and l4[6:8] == b"\0\0":
            ok = False
        r["csum"] = "ok" if ok else "bad"
    # An ICMPv6 error quotes as much of the offending packet as fits.
    if nh == ICMP6 and len(l4) >= 48 and l4[0] in (1, 2, 3, 4):
        q = l4[8:]
        if q[0] >> 4 == 6:
            r["qsrc"], r["qdst"] = a6(q[8:24]), a6(q[24:40])
            qnh, qoff, _, _ = walk(q)
            if qoff is not None:
                upper(r, "q", qnh, q[qoff:], quoted=True)
            else:
                r["qproto"] = PROTO_NAMES.get(qnh, str(qnh))
    return r


def frames(path):
    """(link-layer payload from the IPv6 header on, original length) of
    each IPv6 frame of a pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError("short file")
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise ValueError("not a pcap file (pcapng is not read)")
    link = struct.unpack(end + "I", data[20:24])[0] & 0xFFFF
    off = 24
    while off + 16 <= len(data):
        _, _, incl, orig = struct.unpack(end + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if link == 1:                       # Ethernet, maybe one VLAN tag
            et, hl = frame[12:14], 14
            if et == b"\x81\x00":
                et, hl = frame[16:18], 18
            if et != b"\x86\xdd":
                continue
        elif link == 113:                   # Linux cooked (any)
            if frame[14:16] != b"\x86\xdd":
                continue
            hl = 16
        elif link == 276:                   # Linux cooked v2
            if frame[0:2] != b"\x86\xdd":
                continue
            hl = 20
        elif link in (12, 101, 229):        # raw IP / raw IPv6
            hl = 0
        else:
            raise ValueError(f"link type {link} is not read")
        yield frame[hl:], orig - (incl - len(frame)) - hl


def in_prefix(addr, prefix):
    """ADDR equal to an address, or inside PREFIX/LEN."""
    p, _, plen = prefix.partition("/")
    try:
        a = int.from_bytes(socket.inet_pton(socket.AF_INET6, addr), "big")
        b = int.from_bytes(socket.inet_pton(socket.AF_INET6, p), "big")
    except OSError:
        return False
    n = int(plen) if plen else 128
    return (a >> (128 - n)) == (b >> (128 - n)) if n else True


def holds(r, cond):
    key, _, val = cond.partition("=")
    if key not in r:
        return False
    if key in ADDR_KEYS:
        return in_prefix(r[key], val)
    return str(r[key]) == val


def main():
    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("--where", action="append", default=[])
    p.add_argument("--not", dest="unless", action="append", default=[])
    p.add_argument("--inside")
    p.add_argument("--count", action="store_true")
    a = p.parse_args()
    n = shown = 0
    try:
        for pkt, orig in frames(a.file):
            r = packet(pkt, orig)
            if r is None:
                continue
            n += 1
            if not all(holds(r, c) for c in a.where):
                continue
            if any(holds(r, c) for c in a.unless):
                continue
            if a.inside and not any(in_prefix(r[k], a.inside)
                                    for k in ADDR_KEYS if k in r):
                continue
            shown += 1
            if not a.count:
                print(f"n={n} " + " ".join(f"{k}={v}" for k, v in r.items()))
    except (OSError, ValueError, struct.error) as e:
        print(f"pcap6: {a.file}: {e}", file=sys.stderr)
        return 2
    if a.count:
        print(shown)
    return 0


if __name__ == "__main__":
    sys.exit(main())

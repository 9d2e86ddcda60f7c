#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hand-built IPv4 packets for knat's selftests, for the packets no socket
API sends: bad headers, fragments, forged ICMP errors, stray TCP segments,
protocols knat cannot translate.

  rawpkt.py CODE     run CODE (Python) with the helpers below in scope;
                     one process can build and send several packets
  rawpkt.py --agent  the same for each line of stdin (a CODE with its
                     newlines written as \\x1e), without a Python start
                     per CODE: prints CODE's output, then "\\x04 RC"

Builders return bytes; addresses are dotted quads:
  ip(src, dst, proto, payload, ident=0, frag=0, tos=0, ttl=64)
                     frag is the 16-bit flags+offset field (MF = 0x2000)
  tcp(src, dst, sport, dport, flags="S", seq=1, ack=0, doff=5)
                     flags from "FSRPAU"; the checksum is right even for
                     a bad doff
  udp(src, dst, sport, dport, data=b"")
  icmp(type, code, rest=b"\\0" * 4, data=b"")
                     rest: the 4 bytes after the checksum (id, seq, mtu)
Senders:
  send(pkt, nodefrag=False)
                     through an IP_HDRINCL raw socket, routed by its
                     destination; nodefrag: IP_NODEFRAG, so netfilter's
                     defragmentation lets an outgoing fragment pass alone
  l2send(ifname, mac, pkt)
                     as a frame to mac (a "aa:bb:..." string) out of
                     ifname by AF_PACKET: no header checksum filled in,
                     bytes after the IP packet (link padding) kept
  udp_ask(dst, dport, sport, data=b"hi", timeout=5, tos=0)
                     one datagram from a plain UDP socket bound to sport;
                     the answer, or None
  udp_send(dst, dport, sport, data=b"hi", tos=0)
                     the same without waiting for an answer
  udp_server(port, name)
                     from a thread: answer each datagram to port with
                     NAME, a space and the datagram
  echo_flood(dst, count, ident, wait=1.5)
                     count echo requests back to back, then the answers
                     until wait seconds pass without one; returns how many
                     came back
  nfq_hold(queue, state, release)
                     bind to NFQUEUE queue, then from a thread: take one
                     packet (append "state=queued id=N" to file state),
                     wait for file release to exist, let the packet go on
                     (NF_ACCEPT: it re-enters the stack after that hook),
                     append "state=released id=N"
Print results with log(key=value, ...), as nettool.py does.
"""

import os
import select
import socket
import struct
import sys
import threading
import time

IP_NODEFRAG = 22
MF = 0x2000


def log(**kv):
    print(" ".join(f"{k}={v}" for k, v in kv.items()), flush=True)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def _a(addr):
    return socket.inet_aton(addr)


def ip(src, dst, proto, payload, ident=0, frag=0, tos=0, ttl=64):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + len(payload), ident,
                      frag, ttl, proto, 0, _a(src), _a(dst))
    c = csum(hdr)
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def _pseudo(src, dst, proto, seg):
    return _a(src) + _a(dst) + struct.pack("!BBH", 0, proto, len(seg))


def tcp(src, dst, sport, dport, flags="S", seq=1, ack=0, doff=5):
    bits = sum(1 << "FSRPAU".index(f) for f in flags)
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, bits,
                      65535, 0, 0)
    seg += b"\0" * max(0, doff * 4 - 20)
    c = csum(_pseudo(src, dst, 6, seg) + seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def udp(src, dst, sport, dport, data=b""):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = csum(_pseudo(src, dst, 17, seg) + seg) or 0xFFFF
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def icmp(type, code, rest=b"\0" * 4, data=b""):
    msg = struct.pack("!BBH", type, code, 0) + rest + data
    return msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]


def send(pkt, nodefrag=False):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    if nodefrag:
        s.setsockopt(socket.IPPROTO_IP, IP_NODEFRAG, 1)
    dst = socket.inet_ntoa(pkt[16:20])
    s.sendto(pkt, (dst, 0))
    s.close()


def l2send(ifname, mac, pkt):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
    s.sendto(pkt, (ifname, 0x0800, 0, 0, bytes.fromhex(mac.replace(":", ""))))
    s.close()


def _udp_sock(sport, tos):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if tos:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, tos)
    s.bind(("0.0.0.0", sport))
    return s


def udp_send(dst, dport, sport, data=b"hi", tos=0):
    with _udp_sock(sport, tos) as s:
        s.sendto(data, (dst, dport))


def udp_ask(dst, dport, sport, data=b"hi", timeout=5, tos=0):
    s = _udp_sock(sport, tos)
    s.settimeout(timeout)
    s.sendto(data, (dst, dport))
    try:
        return s.recv(65536)
    except socket.timeout:
        return None
    finally:
        s.close()


def udp_server(port, name):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))

    def answer():
        while True:
            data, peer = s.recvfrom(65536)
            s.sendto(name.encode() + b" " + data, peer)

    threading.Thread(target=answer, daemon=True).start()


# Seconds from echo_flood()'s first request to its last answer: a rate
# limiter can only have held answers back if they came faster than it.
flood_secs = [0.0]


def echo_flood(dst, count, ident, wait=1.5):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    # Room for every answer: none may be lost between knat and the count.
    s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)	# SO_RCVBUFFORCE
    seqs = set()
    t0 = last = time.monotonic()
    for seq in range(1, count + 1):
        s.sendto(icmp(8, 0, struct.pack("!HH", ident, seq), b"knat-flood"),
                 (dst, 0))
    while True:
        r, _, _ = select.select([s], [], [], wait)
        if not r:
            break
        pkt, peer = s.recvfrom(65536)
        ihl = (pkt[0] & 0x0F) * 4
        typ, _, _, rid, rseq = struct.unpack("!BBHHH", pkt[ihl:ihl + 8])
        if typ == 0 and rid == ident and peer[0] == dst:
            seqs.add(rseq)
            last = time.monotonic()
    s.close()
    flood_secs[0] = last - t0
    return len(seqs)


# ---- NFQUEUE, spoken over netlink directly -------------------------------

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET, NFQNL_MSG_VERDICT, NFQNL_MSG_CONFIG = 0, 1, 2
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2


def _nla(t, data):
    pad = (4 - len(data) % 4) % 4
    return struct.pack("=HH", 4 + len(data), t) + data + b"\0" * pad


def _nfq_msg(sock, msg_type, queue, attrs, seq):
    body = struct.pack("!BBH", socket.AF_UNSPEC, 0, queue) + attrs
    hdr = struct.pack("=IHHII", 16 + len(body),
                      NFNL_SUBSYS_QUEUE << 8 | msg_type,
                      NLM_F_REQUEST | NLM_F_ACK, seq, 0)
    sock.send(hdr + body)
    # The ack (NLMSG_ERROR, error 0) says the kernel took it.
    data = sock.recv(65536)
    _, typ, _, _, _ = struct.unpack("=IHHII", data[:16])
    err = struct.unpack("=i", data[16:20])[0] if typ == NLMSG_ERROR else 0
    if err:
        raise OSError(-err, f"nfqueue message {msg_type}: {os.strerror(-err)}")


def _attrs(data):
    out, off = {}, 0
    while off + 4 <= len(data):
        ln, t = struct.unpack("=HH", data[off:off + 4])
        if ln < 4:
            break
        out[t & 0x7FFF] = data[off + 4:off + ln]
        off += (ln + 3) & ~3
    return out


def nfq_hold(queue, state, release, timeout=20):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    s.bind((0, 0))
    # NFQA_CFG_CMD: bind; NFQA_CFG_PARAMS: copy metadata only.
    _nfq_msg(s, NFQNL_MSG_CONFIG, queue,
             _nla(1, struct.pack("!BxH", 1, socket.AF_INET)), 1)
    _nfq_msg(s, NFQNL_MSG_CONFIG, queue,
             _nla(2, struct.pack("!IB", 0, 1)), 2)
    log(nfqueue=queue, state="bound")

    def note(**kv):
        with open(state, "a") as f:
            f.write(" ".join(f"{k}={v}" for k, v in kv.items()) + "\n")

    def hold():
        try:
            s.settimeout(timeout)
            while True:
                data = s.recv(65536)
                _, typ, _, _, _ = struct.unpack("=IHHII", data[:16])
                if typ == NFNL_SUBSYS_QUEUE << 8 | NFQNL_MSG_PACKET:
                    break
            pkt_id = struct.unpack("!I", _attrs(data[20:])[1][:4])[0]
            note(state="queued", id=pkt_id)
            end = time.monotonic() + timeout
            while not os.path.exists(release) and time.monotonic() < end:
                time.sleep(0.05)
            # NFQA_VERDICT_HDR: NF_ACCEPT for this packet.
            _nfq_msg(s, NFQNL_MSG_VERDICT, queue,
                     _nla(2, struct.pack("!II", 1, pkt_id)), 3)
            note(state="released", id=pkt_id)
        except OSError as e:
            note(error=str(e).replace(" ", "_"))
        s.close()

    threading.Thread(target=hold, daemon=True).start()


def run(code):
    try:
        exec(code, dict(globals()))
    except Exception as e:	# the agent lives on; the caller sees why
        log(error=f"{type(e).__name__}:{e}".replace(" ", "_"))
        return 1
    return 0


def agent():
    for line in sys.stdin:
        rc = run(line.rstrip("\n").replace("\x1e", "\n"))
        print(f"\x04 {rc}", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "--agent":
        agent()
    else:
        sys.exit(run(sys.argv[1]))

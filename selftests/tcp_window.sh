#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Blind TCP segments from someone who knows the addresses and ports of a
# connection but not its sequence numbers (issue 10, item 1): RSTs, FINs,
# SYNs and data at sequence numbers a quarter of the space or more away
# from the real ones, into a masqueraded connection and a service
# connection.  Each is dropped as tcp-out-of-window and changes nothing:
# the flows stay ESTABLISHED with their long timeout and go on carrying
# data byte for byte; the real RST of an endpoint still closes them.  Then
# SYNs a host would refuse (bad checksum, SYN+FIN) make no flow.
#
#  in1 10.0.1.2 --+                                  (attacker: wan)
#                 +-- br0 10.0.1.1 [ r: knat ] r-wan 198.51.100.1
#  in2 10.0.1.3 --+   VIP 192.0.2.10:8080 -> in2:8080    |
#                          198.51.100.2 wan-r [ wan ] wan-srv 203.0.113.1
#                                                       |
#                                    203.0.113.2 srv-wan [ srv ]
#
# in1 -> srv:9000 through masquerade; srv -> VIP:8080, backend in2.
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 tcpdump

VIP=192.0.2.10
TMP=$(mktemp -d)
on_exit rm -rf "$TMP"

nat_topology || { fail "topology"; tap_end; }
route_add wan $VIP via 198.51.100.1
knat_in r snat add from 10.0.1.0/24 out r-wan masquerade || fail "snat add"
knat_in r service add tcp $VIP:8080 sched rr || fail "service add"
knat_in r backend add tcp $VIP:8080 10.0.1.3 || fail "backend add"
# Closed flows stay for the checks, however slow the VM.
knat_in r config set timeout tcp-close 600 || fail "tcp-close timeout"

# An echo server that resets its connection (SO_LINGER 0: an RST with
# exactly the sequence number the peer expects) once FILE exists.
cat >"$TMP/server.py" <<'PY'
import os, socket, struct, sys
port, reset = int(sys.argv[1]), sys.argv[2]
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("0.0.0.0", port))
ls.listen(1)
open(reset + ".listening", "w").close()
c, _ = ls.accept()
c.settimeout(0.1)
while not os.path.exists(reset):
    try:
        d = c.recv(65536)
    except socket.timeout:
        continue
    if not d:
        break
    c.sendall(d)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()
PY
# A client: 10 echoed blocks of 10000 random bytes, "ready", wait for
# "go", 10 more, then wait for the server's reset.
cat >"$TMP/client.py" <<'PY'
import os, socket, sys, time
host, port, sport, base = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
s = socket.create_connection((host, port), 10, ("0.0.0.0", sport))
def rounds(n):
    ok = 0
    for _ in range(n):
        blk = os.urandom(10000)
        s.sendall(blk)
        got = b""
        while len(got) < len(blk):
            d = s.recv(65536)
            if not d:
                break
            got += d
        ok += got == blk
    return ok
a = rounds(10)
open(base + ".ready", "w").close()
end = time.time() + 300
while not os.path.exists(base + ".go") and time.time() < end:
    time.sleep(0.05)
b = rounds(10)
open(base + ".done", "w").close()
try:
    s.settimeout(30)
    reset = s.recv(1) == b"" and "eof"
except ConnectionResetError:
    reset = "rst"
except socket.timeout:
    reset = "none"
print(f"before={a} after={b} end={reset}", flush=True)
PY
# The next sequence number each host sends, from a capture: NAME=SRC:SPORT.
cat >"$TMP/nextseq.py" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
linktype = struct.unpack("<I", data[20:24])[0]
want = {a.split("=")[1]: a.split("=")[0] for a in sys.argv[2:]}
nxt, off = {}, 24
while off + 16 <= len(data):
    _, _, incl, _ = struct.unpack("<IIII", data[off:off + 16])
    pkt = data[off + 16:off + 16 + incl]
    off += 16 + incl
    ip = pkt[14:] if linktype == 1 else pkt[16:]
    if len(ip) < 40 or ip[9] != 6:
        continue
    ihl = (ip[0] & 15) * 4
    tot = struct.unpack("!H", ip[2:4])[0]
    sport, seq, doff, flags = struct.unpack("!H2xIxxxxBB", ip[ihl:ihl + 14])
    key = "%s:%d" % (".".join(map(str, ip[12:16])), sport)
    if key in want:
        n = seq + tot - ihl - (doff >> 4) * 4 + (flags & 1) + (flags >> 1 & 1)
        nxt[want[key]] = n & 0xffffffff
print(" ".join("%s=%d" % kv for kv in sorted(nxt.items())))
PY

flow_of() { # PROTO DPORT: state and expires of the flow whose orig goes to DPORT
	knat_in r -j flow list | json_get "' '.join('%s %d' % (f['state'], f['expires'] > 7000) for f in j if f['orig']['dport'] == $1)"
}

in_ns srv python3 "$TMP/server.py" 9000 "$TMP/rst-srv" &
in_ns in2 python3 "$TMP/server.py" 8080 "$TMP/rst-in2" &
busywait 60000 test -e "$TMP/rst-srv.listening" -a -e "$TMP/rst-in2.listening" ||
	fail "servers listen"
capture wan wan-r "$TMP/wan.pcap"
in_ns in1 python3 "$TMP/client.py" 203.0.113.2 9000 40001 "$TMP/masq" >"$TMP/masq.out" &
in_ns srv python3 "$TMP/client.py" $VIP 8080 40002 "$TMP/svc" >"$TMP/svc.out" &
busywait 60000 test -e "$TMP/masq.ready" -a -e "$TMP/svc.ready" ||
	fail "both connections carried their first 100000 bytes"
capture_stop
expect_eq "masquerade flow ESTABLISHED, long timeout" "established 1" "$(flow_of 9000)"
expect_eq "service flow ESTABLISHED, long timeout" "established 1" "$(flow_of 8080)"

# srv's next sequence number towards in1 (seen as 203.0.113.2:9000) and
# towards the VIP (203.0.113.2:40002).
seqs=$(python3 "$TMP/nextseq.py" "$TMP/wan.pcap" srv=203.0.113.2:9000 cli=203.0.113.2:40002)
srv_next=$(echo "$seqs" | sed -n 's/.*srv=\([0-9]*\).*/\1/p')
cli_next=$(echo "$seqs" | sed -n 's/.*cli=\([0-9]*\).*/\1/p')
[ -n "$srv_next" ] && [ -n "$cli_next" ] && pass "sequence numbers seen ($seqs)" ||
	fail "sequence numbers seen ($seqs)"

# From wan, spoofing srv: 50 each of RST, RST+ACK, FIN+ACK, SYN and 100
# bytes of data, at sequence numbers between 2^30 and 3 * 2^30 away from
# the real one, into each connection: 500 segments.
before=$(stat_of r tcp-out-of-window)
in_ns wan python3 "$(dirname "$0")/rawpkt.py" "
import random
def seg(src, dst, sport, dport, flags, seq, ack, data=b''):
    bits = sum(1 << 'FSRPAU'.index(f) for f in flags)
    s = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 5 << 4, bits, 502, 0, 0) + data
    c = csum(_pseudo(src, dst, 6, s) + s)
    return ip(src, dst, 6, s[:16] + struct.pack('!H', c) + s[18:])
for src, dst, sport, dport, base in (
        ('203.0.113.2', '198.51.100.1', 9000, 40001, $srv_next),
        ('203.0.113.2', '$VIP', 40002, 8080, $cli_next)):
    for flags in ('R', 'RA', 'FA', 'S', 'A'):
        for i in range(50):
            seq = (base + (1 << 30) + random.randrange(1 << 31)) & 0xffffffff
            send(seg(src, dst, sport, dport, flags, seq, random.randrange(1 << 32),
                     b'x' * 100 if flags == 'A' else b''))
" || fail "blind segments sent"
expect_eq "500 blind segments dropped as tcp-out-of-window" 500 \
	"$(( $(stat_of r tcp-out-of-window) - before ))"
expect_eq "masquerade flow still ESTABLISHED, long timeout" "established 1" "$(flow_of 9000)"
expect_eq "service flow still ESTABLISHED, long timeout" "established 1" "$(flow_of 8080)"

touch "$TMP/masq.go" "$TMP/svc.go"
# The real resets, once the clients have their last bytes back.
busywait 60000 test -e "$TMP/masq.done" -a -e "$TMP/svc.done" ||
	fail "both connections carried their last 100000 bytes"
touch "$TMP/rst-srv" "$TMP/rst-in2"
wait
expect_eq "masquerade connection: 10 + 10 blocks byte for byte, then the server's RST" \
	"before=10 after=10 end=rst" "$(cat "$TMP/masq.out")"
expect_eq "service connection: 10 + 10 blocks byte for byte, then the backend's RST" \
	"before=10 after=10 end=rst" "$(cat "$TMP/svc.out")"
expect_eq "the real RST closed the masquerade flow" "close 0" "$(flow_of 9000)"
expect_eq "the real RST closed the service flow" "close 0" "$(flow_of 8080)"

# Segments a host refuses make no flow: SYNs with a wrong checksum and
# SYN+FIN, from outside to the service and from inside to masquerade.
before_sum=$(stat_of r bad-checksum)
before_flags=$(stat_of r tcp-bad-flags)
before_flows=$(stat_of r flows-created-tcp)
spoof() { # NS SRC DST DPORT SPORT0
	in_ns "$1" python3 "$(dirname "$0")/rawpkt.py" "
for i in range(20):
    t = bytearray(tcp('$2', '$3', $5 + i, $4, 'S', seq=1000 + i))
    t[16] ^= 0x5a
    send(ip('$2', '$3', 6, bytes(t)))
    send(ip('$2', '$3', 6, tcp('$2', '$3', $5 + 100 + i, $4, 'SF', seq=2000 + i)))
"
}
spoof srv 203.0.113.2 $VIP 8080 41000 || fail "spoofed SYNs to the service"
spoof in1 10.0.1.2 203.0.113.2 9000 42000 || fail "spoofed SYNs through masquerade"
expect_eq "40 SYNs with a bad checksum dropped as bad-checksum" 40 \
	"$(( $(stat_of r bad-checksum) - before_sum ))"
expect_eq "40 SYN+FIN dropped as tcp-bad-flags" 40 \
	"$(( $(stat_of r tcp-bad-flags) - before_flags ))"
expect_eq "none of them made a flow" 0 "$(( $(stat_of r flows-created-tcp) - before_flows ))"

tap_end

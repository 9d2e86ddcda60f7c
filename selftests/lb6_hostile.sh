#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An attacker at an IPv6 VIP: hand-made frames (scapy, built once at the
# start) from c1 at r's MAC on br0, against a maglev TCP service [VIP]:80
# and an rr UDP service [VIP]:53 of the four backends, with passive health
# checking.  What arrives and what knat counts:
#  1. ping6 to the VIP from ::, ff02::1, ::ffff:1.2.3.4: never answered
#     (knat's bad-source; the kernel drops the multicast source itself)
#  2. ping6 with Destination Options / Hop-by-Hop headers: answered from
#     the VIP, no extension header, sum, id, seq and payload intact
#  3. a ping6 flood: rate-limited, and answered again once it is over
#  4. a SYN with a bad TCP checksum: no flow, bad-checksum, no backend sees it;
#     UDP whose length field does not fit what it carries: the same, malformed
#  5. a SYN with hop limit 1: no flow, time exceeded
#  6. blind RSTs and FINs into a live connection: tcp-out-of-window, the
#     flow stays ESTABLISHED and the connection echoes to the end
#  7. spoofed ICMPv6 unreachables about SYN_SENT flows, from the client
#     side and from sources that are not the backend: no check fails
#  8. a spoofed SYN flood from 3000 sources with max-flows 500: the table
#     stays within its limit, early-drop makes room, a real client gets
#     in, maglev spreads the flood
#  9. the same flood answered by the backends (SYN-RECV flows): still
#     evicted, c2 still connects
#
#  c1 2001:db8:1::2 --+                                 +-- b1 fd00:2::11
#   (attacker)        +-- br0 2001:db8:1::1 [ r ] br1 fd00:2::1 -- b2 fd00:2::12
#  c2 2001:db8:1::3 --+   VIP 2001:db8:100::10 (on no   +-- b3 fd00:2::13
#                         interface: routed to r)       +-- b4 fd00:2::14
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 ss tcpdump nft
require_ipv6
SCAPY_PY=/usr/bin/python3
"$SCAPY_PY" -c 'import scapy' 2>/dev/null || skip_all "no python3-scapy"

VIP=$LB6_VIP
V="[$VIP]"
C1=2001:db8:1::2
C2=2001:db8:1::3
TMP=$(mktemp -d)
on_exit rm -rf "$TMP"
FRAMES=$TMP/frames

# Source ports of the hand-made segments, one per case.
SP_BADSUM=41004 SP_HLIM=41005 SP_HOLD=41006 SP_SYNSENT="41007 41008 41009"

# ---- the frames: IPv6 packets, "TAG HEX" a line, built by scapy in the
# background while the topology comes up (scapy is slow under TCG).
cat >"$TMP/gen.py" <<'PY'
import random, sys
from scapy.layers.inet6 import (IPv6, ICMPv6EchoRequest, ICMPv6DestUnreach,
                                IPv6ExtHdrDestOpt, IPv6ExtHdrHopByHop, PadN)
from scapy.layers.inet import TCP, UDP
random.seed(int(sys.argv[2]))
VIP, C1, C2 = "2001:db8:100::10", "2001:db8:1::2", "2001:db8:1::3"
BES = ["fd00:2::1%d" % i for i in (1, 2, 3, 4)]
out = open(sys.argv[1], "w")
def put(tag, pkt):
    out.write("%s %s\n" % (tag, bytes(pkt).hex()))
# 1. echo from sources that are no one host
for seq, (tag, src) in enumerate((("any", "::"), ("mcast", "ff02::1"),
                                  ("mapped", "::ffff:1.2.3.4")), 1):
    put("badsrc-" + tag, IPv6(src=src, dst=VIP) /
        ICMPv6EchoRequest(id=0x1001, seq=seq, data=b"knat-badsrc-%d" % seq))
# 2. echo behind extension headers
put("exthdr", IPv6(src=C1, dst=VIP) /
    IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0" * 4)]) /
    ICMPv6EchoRequest(id=0x2002, seq=1, data=b"knat-destopt-payload-1"))
put("exthdr", IPv6(src=C1, dst=VIP) /
    IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\0" * 4)]) /
    ICMPv6EchoRequest(id=0x2002, seq=2, data=b"knat-hbh-payload-2"))
put("exthdr", IPv6(src=C1, dst=VIP) /
    IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\0" * 4)]) /
    IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0" * 4)]) /
    ICMPv6EchoRequest(id=0x2002, seq=3, data=b"knat-hbh-destopt-3"))
# 3. a flood of echo requests
for seq in range(1, 401):
    put("flood", IPv6(src=C1, dst=VIP) /
        ICMPv6EchoRequest(id=0x3003, seq=seq, data=b"knat-flood"))
# 4. a SYN with a bad checksum (the right one, bits flipped)
p = bytearray(bytes(IPv6(src=C1, dst=VIP) /
                    TCP(sport=41004, dport=80, flags="S", seq=1000)))
p[40 + 16] ^= 0x5a
put("badsum", p)
# 4b. UDP to [VIP]:53 whose length field lies (20 bytes past the end, or
#     inside its own header), summed over what it carries: scapy sums it
#     as a receiver does, so only the length is wrong
for sport, ulen in ((41010, 30), (41011, 4)):
    put("udplen", IPv6(src=C1, dst=VIP) / UDP(sport=sport, dport=53, len=ulen) / b"hi")
# 5. a SYN whose hop limit ends at r
put("hlim1", IPv6(src=C1, dst=VIP, hlim=1) /
    TCP(sport=41005, dport=80, flags="S", seq=2000))
# 6. blind RSTs and FINs as c2 into its connection from port 41006
for i in range(100):
    put("blind", IPv6(src=C2, dst=VIP) /
        TCP(sport=41006, dport=80, flags="R", seq=random.getrandbits(32)))
    put("blind", IPv6(src=C2, dst=VIP) /
        TCP(sport=41006, dport=80, flags="FA", seq=random.getrandbits(32),
            ack=random.getrandbits(32)) / (b"x" * 8))
# 7. SYNs that start flows, and spoofed unreachables about them, per
#    backend the flow may have: one from the client's side (the quoted
#    packet goes VIP -> client: the original direction), three in the
#    reply direction from no backend, another backend, the other client.
for sport in (41007, 41008, 41009):
    put("synsent-%d" % sport, IPv6(src=C1, dst=VIP) /
        TCP(sport=sport, dport=80, flags="S", seq=3000 + sport))
    for n, be in enumerate(BES):
        tag = "spoof-%d-%s" % (sport, be)
        put(tag, IPv6(src=C1, dst=VIP) / ICMPv6DestUnreach(code=4) /
            IPv6(src=VIP, dst=C1) /
            TCP(sport=80, dport=sport, flags="SA", seq=7, ack=3001 + sport))
        for src, code in (("fd00:2::99", 4), (BES[(n + 1) % 4], 3), (C2, 0)):
            put(tag, IPv6(src=src, dst=C1) / ICMPv6DestUnreach(code=code) /
                IPv6(src=C1, dst=be, hlim=63) /
                TCP(sport=sport, dport=8080, flags="S", seq=3000 + sport))
# 8. a SYN flood from 3000 sources of c1's /64 (never ::1, ::2, ::3)
seen = set()
while len(seen) < 3000:
    iid = random.getrandbits(64)
    if iid > 3:
        seen.add(iid)
for n, iid in enumerate(sorted(seen, key=lambda _: random.random())):
    src = "2001:db8:1::%x:%x:%x:%x" % (iid >> 48, iid >> 32 & 0xffff,
                                        iid >> 16 & 0xffff, iid & 0xffff)
    put("synflood-%d" % (n // 300), IPv6(src=src, dst=VIP) /
        TCP(sport=random.randrange(1024, 65536), dport=80, flags="S",
            seq=random.getrandbits(32)))
out.close()
print("frames built")
PY

# inj.py FILE TAG IFACE DSTMAC [LISTEN]: send the packets of TAG as frames
# to DSTMAC out of IFACE (AF_PACKET, back to back), listening on IFACE from
# before the first until LISTEN seconds after the last; print "sent=N"
# then one line per IPv6 packet received (not sent) on IFACE.
cat >"$TMP/inj.py" <<'PY'
import select, socket, struct, sys, time
path, tag, ifname, dmac = sys.argv[1:5]
listen = float(sys.argv[5]) if len(sys.argv) > 5 else 0
pkts = [bytes.fromhex(l.split()[1]) for l in open(path)
        if l.split()[0] == tag]
smac = bytes.fromhex(open("/sys/class/net/%s/address" % ifname).read()
                     .strip().replace(":", ""))
eth = bytes.fromhex(dmac.replace(":", "")) + smac + b"\x86\xdd"
rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x86dd))
rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
rx.bind((ifname, 0x86dd))
tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
tx.bind((ifname, 0))
got = []
def drain(t):
    while True:
        r, _, _ = select.select([rx], [], [], t)
        if not r:
            return
        d, a = rx.recvfrom(65536)
        if a[2] != socket.PACKET_OUTGOING:
            got.append(d)
for p in pkts:
    tx.send(eth + p)
    drain(0)
drain(listen)
print("sent=%d" % len(pkts))
def a6(b):
    return socket.inet_ntop(socket.AF_INET6, b)
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s
def parse(ip):
    nh, hlim, src, dst = ip[6], ip[7], a6(ip[8:24]), a6(ip[24:40])
    first, off = nh, 40
    while nh in (0, 43, 60) and off + 8 <= len(ip):
        nh, off = ip[off], off + (ip[off + 1] + 1) * 8
    return nh, hlim, src, dst, first, off
for d in got:
    ip = d[14:]
    nh, hlim, src, dst, first, off = parse(ip)
    up = ip[off:]
    f = ["rx", "src=" + src, "dst=" + dst, "nh=%d" % first, "proto=%d" % nh,
         "hlim=%d" % hlim]
    if nh == 58 and len(up) >= 8:
        ph = ip[8:40] + struct.pack("!I3xB", len(up), 58)
        f += ["type=%d" % up[0], "code=%d" % up[1],
              "csum=" + ("ok" if csum(ph + up) == 0xffff else "bad")]
        if up[0] in (128, 129):
            i, s = struct.unpack("!HH", up[4:8])
            f += ["id=%d" % i, "seq=%d" % s, "data=" + up[8:].hex()]
        elif up[0] < 128 and len(up) >= 48:
            q = up[8:]
            qn, _, qs, qd, _, qo = parse(q)
            f += ["qsrc=" + qs, "qdst=" + qd, "qproto=%d" % qn]
            if qn in (6, 17) and len(q) >= qo + 4:
                f += ["qsport=%d qdport=%d" % struct.unpack("!HH", q[qo:qo + 4])]
    elif nh == 6 and len(up) >= 14:
        f += ["sport=%d dport=%d" % struct.unpack("!HH", up[:4]),
              "flags=%d" % up[13]]
    print(" ".join(f))
PY

SEED=${LB6_HOSTILE_SEED:-$$}
echo "# seed $SEED"
"$SCAPY_PY" "$TMP/gen.py" "$FRAMES" "$SEED" >"$TMP/gen.out" 2>&1 &
GEN=$!

lb6_topology || { fail "topology"; tap_end; }
R_MAC=$(in_ns r cat /sys/class/net/br0/address)

# inject TAG [LISTEN]: c1 sends TAG's frames; output as inj.py's.
inject() {
	in_ns c1 "${PYTHON[@]}" "$TMP/inj.py" "$FRAMES" "$1" eth0 "$R_MAC" "${2:-0}"
}

# rx_count REGEX... < inject's output: the rx lines matching every REGEX.
rx_count() {
	local l n=0 re ok
	while IFS= read -r l; do
		[[ $l == rx* ]] || continue
		ok=1
		for re in "$@"; do
			[[ $l =~ $re ]] || { ok=0; break; }
		done
		n=$((n + ok))
	done
	echo $n
}

# delta NAME BEFORE: the growth of a counter or drop reason.
delta() {
	echo $(($(stat_of r "$1") - $2))
}

# expect_range DESC LO HI ACTUAL
expect_range() {
	if [ "${4:-x}" -ge "$2" ] 2>/dev/null && [ "$4" -le "$3" ]; then
		pass "$1"
	else
		fail "$1"
		echo "#   expected: $2..$3"
		echo "#   actual:   $4"
	fi
}

# Frames r routes on to the backends are dropped after knat (nft forward
# filter, priority 0) when they are the hand-made SYNs of cases 7 and 8:
# their flows stay unanswered (SYN_SENT), as a flood's or a blackholed
# handshake's would.
in_ns r nft -f - <<'NFT' || fail "r's forward filter"
table ip6 hostile {
	chain forward_filter {
		type filter hook forward priority 0;
		ip6 daddr fd00:2::/64 tcp sport 41007-41009 drop
		ip6 daddr fd00:2::/64 ip6 saddr 2001:db8:1::/64 ip6 saddr != { 2001:db8:1::2, 2001:db8:1::3 } drop
	}
}
NFT

knat_in r service add tcp "$V:80" sched maglev check-fails 3 check-clients 1 check-holddown 600 &&
	knat_in r service add udp "$V:53" sched rr check-fails 3 || fail "services add"
for i in 1 2 3 4; do
	knat_in r backend add tcp "$V:80" "[fd00:2::1$i]:8080" &&
		knat_in r backend add udp "$V:53" "[fd00:2::1$i]:5353" || fail "backend add b$i"
done
expect_eq "TCP [VIP]:80 answers c1 through a backend" True \
	"$(field match "$(nettool c1 tcp $VIP 80 100)")"
expect_eq "UDP [VIP]:53 answers c2 from the VIP" "[$VIP]:53 True" \
	"$(out=$(nettool c2 udp $VIP 53); echo "$(field src "$out") $(field match "$out")")"

wait $GEN
rc=$?
[ $rc -eq 0 ] && [ -s "$FRAMES" ] || {
	fail "scapy built the frames (rc $rc)"
	sed 's/^/#   /' "$TMP/gen.out" | tail -n 5
	tap_end
}
pass "scapy built $(wc -l <"$FRAMES") packets"
knat_in r flow flush

# ---- 1. ping6 to the VIP from no one host -------------------------------
#
# :: and ::ffff:1.2.3.4 reach knat, which must refuse them (bad-source);
# a multicast source never gets that far: the IPv6 input drops it first
# (RFC 4291 2.7, counted in Ip6InHdrErrors).  r gets a default route (to
# b4) for this case, as a router has one: an answer to :: would have a
# way out, and the capture on all of r's interfaces would see it.
snmp6() { in_ns r awk -v k="$1" '$1 == k { print $2 }' /proc/net/snmp6; }
# snmp6_moved BEFORE: r's IPv6 MIB counters that moved since BEFORE (a copy
# of /proc/net/snmp6), "Name+N" each.
snmp6_moved() {
	in_ns r cat /proc/net/snmp6 | awk 'NR == FNR { b[$1] = $2; next }
		$2 != b[$1] { printf "%s+%d ", $1, $2 - b[$1] }' "$1" -
}
# knat_moved BEFORE: knat's counters and drop reasons that moved since
# BEFORE (a copy of knat -j stats), "name+N" each.
knat_moved() {
	knat_in r -j stats | "${PYTHON[@]}" -c '
import json, sys
b, a = json.load(open(sys.argv[1])), json.load(sys.stdin)
print(" ".join("%s+%d" % (k, v - b[s].get(k, 0)) for s in ("counters", "drops")
               for k, v in sorted(a[s].items()) if v != b[s].get(k, 0)))' "$1"
}
route6_add r default via fd00:2::14 || fail "bad sources: r's default route"
capture r any "$TMP/r.pcap"
for s in "any 1 0" "mcast 0 1" "mapped 1 0"; do
	set -- $s
	bs0=$(stat_of r bad-source)
	ve0=$(stat_of r vip-echo)
	hdr0=$(snmp6 Ip6InHdrErrors)
	in_ns r cat /proc/net/snmp6 >"$TMP/snmp6"
	knat_in r -j stats >"$TMP/stats"
	out=$(inject "badsrc-$1" 1)
	echo "# badsrc-$1: knat moved: $(knat_moved "$TMP/stats"); snmp6 moved: $(snmp6_moved "$TMP/snmp6" | grep -o 'Ip6In[A-Za-z]*Errors+[0-9]*\|Ip6OutRequests+[0-9]*\|Ip6InDiscards+[0-9]*' | paste -sd ' ')"
	expect_eq "bad source $1: sent, no echo reply reaches c1" "sent=1 0" \
		"$(head -n 1 <<<"$out") $(rx_count 'type=129' <<<"$out")"
	expect_eq "bad source $1: bad-source +$2, Ip6InHdrErrors +$3, vip-echo +0" "$2 $3 0" \
		"$(delta bad-source "$bs0") $(($(snmp6 Ip6InHdrErrors) - hdr0)) $(delta vip-echo "$ve0")"
done
capture_stop
ip -n "$(ns r)" -6 route del default
tcpdump -nn -r "$TMP/r.pcap" 'icmp6 and ip6[40] == 129' 2>/dev/null | sed 's/^/# leaked: /'
expect_eq "bad sources: no echo reply leaves r on any interface" 0 \
	"$(tcpdump -nn -r "$TMP/r.pcap" 'icmp6 and ip6[40] == 129' 2>/dev/null | wc -l)"
expect_eq "bad sources: the 3 requests did arrive at r (each seen on r-c1 and br0)" 6 \
	"$(tcpdump -nn -r "$TMP/r.pcap" 'icmp6 and ip6[40] == 128' 2>/dev/null | wc -l)"

# ---- 2. echo behind extension headers -----------------------------------
ve0=$(stat_of r vip-echo)
out=$(inject exthdr 1)
printf '%s\n' "$out" | grep 'type=129' | sed 's/^/# /'
for s in "1 destopt-payload-1" "2 hbh-payload-2" "3 hbh-destopt-3"; do
	set -- $s
	data=$(printf 'knat-%s' "$2" | od -An -tx1 | tr -d ' \n')
	expect_eq "ext headers, seq $1 ($2): one reply, next header 58 directly, from the VIP, sum ok, id/seq/payload echoed" 1 \
		"$(rx_count "src=$VIP " "dst=$C1 " ' nh=58 ' ' proto=58 ' ' type=129 code=0 csum=ok ' \
			" id=8194 seq=$1 data=$data\$" <<<"$out")"
done
expect_eq "ext headers: no reply carries an extension header" 0 \
	"$(rx_count "src=$VIP " ' nh=(0|43|60) ' <<<"$out")"
expect_eq "ext headers: vip-echo +3" 3 "$(delta vip-echo "$ve0")"

# ---- 3. a ping6 flood: rate-limited, then answered again ----------------
sleep 1.5
ve0=$(stat_of r vip-echo)
rl0=$(stat_of r rate-limited)
out=$(inject flood 2)
replies=$(rx_count "src=$VIP " ' type=129 ' ' id=12291 ' <<<"$out")
rl=$(delta rate-limited "$rl0")
ve=$(delta vip-echo "$ve0")
echo "# flood: sent 400, replies $replies, vip-echo +$ve, rate-limited +$rl"
expect_range "flood: fewer replies than requests (at least the burst of 100 answered)" 100 399 "$replies"
expect_range "flood: rate-limited grows" 1 400 "$rl"
expect_eq "flood: every request answered or rate-limited" 400 "$((ve + rl))"
expect_eq "flood: c1 got each reply knat sent" "$ve" "$replies"
sleep 3
rl0=$(stat_of r rate-limited)
out=$(nettool c1 ping $VIP --id 4343 --count 3)
expect_eq "3 s after the flood a ping6 is answered (3 of 3)" 3 "$(field received "$out")"
expect_eq "and not rate-limited" 0 "$(delta rate-limited "$rl0")"

# ---- 4. a SYN with a bad TCP checksum -----------------------------------
bc0=$(stat_of r bad-checksum)
capture r br1 "$TMP/br1.pcap"
out=$(inject badsum 1)
capture_stop
echo "# bad checksum: bad-checksum +$(delta bad-checksum "$bc0")"
expect_eq "bad checksum: no flow" 0 "$(knat_in r flow count src "[$C1]:$SP_BADSUM")"
expect_eq "bad checksum: bad-checksum +1" 1 "$(delta bad-checksum "$bc0")"
expect_eq "bad checksum: no TCP segment on r's br1 (to 8080 or the VIP)" 0 \
	"$(tcpdump -nn -r "$TMP/br1.pcap" 'tcp' 2>/dev/null | wc -l)"
expect_eq "bad checksum: no answer to c1" 0 "$(rx_count 'proto=6 ' <<<"$out")"

# ---- 4b. UDP lengths that do not fit ------------------------------------
mal0=$(stat_of r malformed)
capture r br1 "$TMP/br1u.pcap"
out=$(inject udplen 1)
capture_stop
echo "# UDP length: malformed +$(delta malformed "$mal0")"
expect_eq "UDP length past the end or inside the header: malformed +2" 2 "$(delta malformed "$mal0")"
expect_eq "UDP length: no flow" "0 0" \
	"$(knat_in r flow count src "[$C1]:41010") $(knat_in r flow count src "[$C1]:41011")"
expect_eq "UDP length: nothing on r's br1" 0 \
	"$(tcpdump -nn -r "$TMP/br1u.pcap" 'udp' 2>/dev/null | wc -l)"

# ---- 5. a SYN with hop limit 1 ------------------------------------------
# r has no route to the VIP of its own (lb6_topology): one for this
# case, so that routing would forward the SYN (to b4, untranslated) and
# it is the hop limit that stops it, as at any router on the way.
route6_add r 2001:db8:100::/64 via fd00:2::14 || fail "hop limit 1: r's route to the VIP prefix"
out=$(inject hlim1 1)
ip -n "$(ns r)" -6 route del 2001:db8:100::/64
printf '%s\n' "$out" | grep '^rx' | grep -v 'type=13[56]' | sed 's/^/# /'
expect_eq "hop limit 1: no flow" 0 "$(knat_in r flow count src "[$C1]:$SP_HLIM")"
expect_eq "hop limit 1: c1 gets time exceeded from r about its SYN to [VIP]:80" 1 \
	"$(rx_count ' type=3 code=0 csum=ok ' "qsrc=$C1 qdst=$VIP qproto=6 qsport=$SP_HLIM qdport=80" <<<"$out")"

# ---- 6. blind RSTs and FINs into a live connection ----------------------
state_of() {
	knat_in r -j flow list proto tcp src "[$C2]:$SP_HOLD" |
		json_get "' '.join(f['state'] for f in j) or 'none'"
}
nettool c2 hold $VIP 80 300 --sport $SP_HOLD --until "$TMP/stop" >"$TMP/hold" 2>&1 &
HOLD=$!
busywait 20000 grep -q state=open "$TMP/hold" || fail "blind: c2's connection opens"
busywait 5000 sh -c "[ \"\$(ip netns exec $(ns r) $KNAT flow count src '[$C2]:$SP_HOLD' state established)\" = 1 ]"
expect_eq "blind: c2's flow ESTABLISHED before" established "$(state_of)"
ow0=$(stat_of r tcp-out-of-window)
out=$(inject blind 1)
ow=$(delta tcp-out-of-window "$ow0")
echo "# blind: 200 sent, tcp-out-of-window +$ow"
expect_range "blind: 100 RSTs and 100 FINs dropped as tcp-out-of-window (about all)" 190 200 "$ow"
expect_eq "blind: the flow stays ESTABLISHED" established "$(state_of)"
sleep 2
touch "$TMP/stop"
wait $HOLD
rc=$?
expect_match "blind: the connection echoed byte for byte to its end (rc $rc)" \
	'state=open.*state=closed ticks=[0-9]+' "$(tr '\n' ' ' <"$TMP/hold")"

# ---- 7. spoofed ICMPv6 unreachables about SYN_SENT flows ------------------
# be_of SPORT: the backend of c1's flow from SPORT.
be_of() {
	knat_in r -j flow list src "[$C1]:$1" | json_get '" ".join(f["reply"]["src"] for f in j)'
}
health() {
	knat_in r -s -j service list |
		json_get "' '.join('%s:%s:%s' % (b['addr'], b['health'], b['check_failed']) for s in j if s['proto'] == 'tcp' for b in s['backends'])"
}
cf0=$(stat_of r check-failed)
cd0=$(stat_of r check-down)
h0=$(health)
nspoof=0
for sp in $SP_SYNSENT; do
	inject "synsent-$sp" >/dev/null
	busywait 5000 sh -c "ip netns exec $(ns r) $KNAT flow list src '[$C1]:$sp' | grep -q SYN-SENT" ||
		fail "spoof: c1's SYN from $sp made a SYN_SENT flow"
	be=$(be_of "$sp")
	n=$(inject "spoof-$sp-$be" | head -n 1)
	echo "# flow from $sp on $be: $n spoofed unreachables"
	nspoof=$((nspoof + ${n#sent=}))
done
expect_eq "spoof: 12 unreachables sent about 3 SYN_SENT flows" 12 "$nspoof"
echo "# health before: $h0"
echo "# health after:  $(health)"
expect_eq "spoof: check-failed +0, check-down +0" "0 0" \
	"$(delta check-failed "$cf0") $(delta check-down "$cd0")"
expect_eq "spoof: every backend still ok, check_failed 0" \
	"fd00:2::11:ok:0 fd00:2::12:ok:0 fd00:2::13:ok:0 fd00:2::14:ok:0" "$(health)"
expect_eq "spoof: the flows still SYN-SENT" "SYN-SENT SYN-SENT SYN-SENT" \
	"$(for sp in $SP_SYNSENT; do knat_in r flow list src "[$C1]:$sp" | awk '{print $2}'; done | paste -sd ' ')"
expect_eq "spoof: the service still answers c1" True \
	"$(field match "$(nettool c1 tcp $VIP 80 100)")"

# ---- 8. a spoofed SYN flood with max-flows 500 ----------------------------
mf0=$(knat_in r -j config | json_get 'j["max_flows"]')
knat_in r flow flush
knat_in r config set max-flows 500 || fail "config set max-flows 500"
on_exit "ip netns exec $(ns r) $KNAT config set max-flows $mf0"
ed0=$(stat_of r early-drop)
# The flood in 10 rounds of 300, the table sampled after each; c2
# connects from the middle of it on.
nsent=0
for i in 0 1 2 3 4 5 6 7 8 9; do
	[ $i = 5 ] && { nettool c2 tcp $VIP 80 100 --timeout 20 >"$TMP/during" & DURING=$!; }
	n=$(inject "synflood-$i" | head -n 1)
	nsent=$((nsent + ${n#sent=}))
	knat_in r -j status | json_get 'j["flows"]' >>"$TMP/samples"
done
wait $DURING
out_during=$(cat "$TMP/during")
out_after=$(nettool c2 tcp $VIP 80 100 --timeout 20)
n=$(knat_in r -j status | json_get 'j["flows"]')
max=$(sort -n "$TMP/samples" | tail -n 1)
ed=$(delta early-drop "$ed0")
spread=$(knat_in r -j flow list proto tcp | json_get "' '.join('%s:%d' % (b, n) for b, n in sorted(__import__('collections').Counter(f['reply']['src'] for f in j if f['orig']['src'] not in ('$C1', '$C2')).items()))")
echo "# flood: sent $nsent, flows after each round: $(paste -sd ' ' "$TMP/samples"), max $max, now $n, early-drop +$ed"
echo "# flood flows by backend: $spread"
expect_eq "flood: 3000 SYNs sent" 3000 "$nsent"
expect_range "flood: the table never held more than the services' 3/4 of max-flows 500" 1 375 "$max"
expect_range "flood: and it filled up (flows now)" 300 375 "$n"
expect_eq "flood: the first 300 SYNs made 300 flows" 300 "$(head -n 1 "$TMP/samples")"
# Past 375 each new flow evicts one: the flood's and c2's two.
expect_range "flood: early-drop made room for the rest (3000 - 375 + c2's 2)" \
	$((nsent - 375)) $((nsent - 375 + 4)) "$ed"
expect_eq "flood: c2 connects through the VIP during the flood" True "$(field match "$out_during")"
expect_eq "flood: and after it, with the table full" True "$(field match "$out_after")"
"${PYTHON[@]}" -c '
import sys
c = {}
for w in sys.argv[1].split():
    b, n = w.rsplit(":", 1)
    c[b] = int(n)
t = sum(c.values())
sys.exit(0 if len(c) == 4 and t and min(c.values()) * 8 >= t else 1)' "$spread" &&
	pass "flood: maglev spread the SYNs over all 4 backends, none under 1/8 ($spread)" ||
	fail "flood: maglev spread the SYNs over all 4 backends, none under 1/8 ($spread)"
expect_eq "flood: no backend taken down by it" \
	"fd00:2::11:ok fd00:2::12:ok fd00:2::13:ok fd00:2::14:ok" \
	"$(health | sed 's/:[0-9]*\( \|$\)/\1/g')"

# ---- 9. the same flood, answered ------------------------------------------
# Without the forward filter the backends answer the spoofed SYNs: their
# SYN-ACKs go to nobody, and the flows wait in SYN-RECV.  Answered, but no
# connection: a full table must still evict them (as conntrack evicts
# what is not ASSURED), or c2 is locked out for the SYN-RECV timeout.
knat_in r flow flush
in_ns r nft flush chain ip6 hostile forward_filter
ed0=$(stat_of r early-drop)
for i in 0 1 2; do
	inject "synflood-$i" >/dev/null
done
# shellcheck disable=SC2317 # called through busywait
syn_recv() {
	[ "$(knat_in r flow count proto tcp state syn-recv)" -ge 300 ]
}
busywait 10000 syn_recv
nrecv=$(knat_in r flow count proto tcp state syn-recv)
ed=$(delta early-drop "$ed0")
echo "# answered flood: syn-recv $nrecv, early-drop +$ed"
expect_range "answered flood: the table is full of SYN-RECV flows" 300 375 "$nrecv"
out_after=$(nettool c2 tcp $VIP 80 100 --timeout 20)
expect_eq "answered flood: c2 still connects (a SYN-RECV flow evicted)" True \
	"$(field match "$out_after")"
# At least the flood's own 525; the backends' retransmitted SYN-ACKs of
# evicted flows are taken up again (maglev pickup) and evicted in turn.
expect_range "answered flood: early-drop evicted the half-open flows" \
	$((900 - 375)) 100000 "$(delta early-drop "$ed0")"

knat_in r config set max-flows "$mf0"
expect_eq "max-flows restored" "$mf0" "$(knat_in r -j config | json_get 'j["max_flows"]')"
knat_in r flow flush
tap_end

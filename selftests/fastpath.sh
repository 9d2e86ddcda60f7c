#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fast path (knat config set fastpath on): established flows leave
# from the ingress hook of the device they come in on (PRE_ROUTING when it
# declines) by the route they learned.  Bulk TCP through masquerade
# and a forward, byte for byte, offloads on and off; answered UDP; and
# everything the slow path must still do for such a flow: TTL expiry
# (traceroute), frag-needed when the MTU drops (PMTU), a route change, a
# device deleted under a flow holding its route, FIN/RST.
#
#  in1 10.0.1.2 --+
#                 +-- br0 10.0.1.1 [ r: knat ] r-wan 198.51.100.1
#  in2 10.0.1.3 --+                 r-wan2 198.51.101.1   |
#                                          |   198.51.100.2 wan-r
#                                          +-- 198.51.101.2 wan-r2 [ wan ]
#                                                   wan-srv 203.0.113.1
#                                    203.0.113.2 srv-wan [ srv ]
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 tcpdump traceroute ethtool ss

nat_topology || { fail "topology"; tap_end; }
link_add r r-wan2 198.51.101.1/24 wan wan-r2 198.51.101.2/24 ||
	{ fail "second link"; tap_end; }
in_ns r ethtool -K r-wan2 tx off >/dev/null
serve srv serve-tcp 8000 srv
serve srv serve-udp 9000 srv
serve in1 serve-tcp 8000 in1

knat_all r "rules" \
	"snat add from 10.0.1.0/24 out r-wan masquerade" \
	"forward add tcp 198.51.100.1:8080 to 10.0.1.2:8000"

fpdef=$(fastpath_default)
expect_match "fast path $fpdef by default (module parameter)" "fastpath $fpdef" "$(knat_in r status)"
expect_ok "config set fastpath on" knat_in r config set fastpath on
expect_match "status says it is on" "fastpath on" "$(knat_in r status)"
expect_eq "config shows it" True "$(knat_in r -j config show | json_get 'j["fastpath"]')"

# delta NAME...: "name:+N" for each counter since the last snap.
declare -A SNAP
snap() {
	local c
	for c in fastpath fastpath-learned fastpath-slow-tcpflags \
		fastpath-slow-ipopts fastpath-slow-ttl fastpath-slow-mtu \
		fastpath-slow-route fastpath-slow-iif fastpath-ingress; do
		SNAP[$c]=$(stat_of r "$c")
	done
}
delta() {
	local c
	for c in "$@"; do
		echo "$c:+$(($(stat_of r "$c") - SNAP[$c]))"
	done
}

# udp_probe NS DST PORT SPORT TTL SIZE: one datagram from a fixed port;
# prints "answer" or what came back in the error queue:
# "error type=T code=C from=ADDR info=N" (info: the MTU of a frag-needed).
udp_probe() {
	in_ns "$1" "${PYTHON[@]}" - "$2" "$3" "$4" "$5" "$6" <<'PY'
import select, socket, struct, sys
dst, port, sport, ttl, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", sport))
s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
s.setsockopt(socket.IPPROTO_IP, 11, 1)               # IP_RECVERR
s.setsockopt(socket.IPPROTO_IP, 10, 2)               # IP_MTU_DISCOVER: DO
s.connect((dst, port))
try:
    s.send(b"x" * size)
except OSError as e:
    print(f"sendfail errno={e.errno}")
    sys.exit(0)
p = select.poll()
p.register(s, select.POLLIN | select.POLLERR)
for _ in p.poll(3000):
    try:
        s.recv(65535)
        print("answer")
        sys.exit(0)
    except OSError:
        pass
    msg, anc, _, _ = s.recvmsg(65535, 512, socket.MSG_ERRQUEUE)
    for lvl, typ, data in anc:
        if lvl == socket.IPPROTO_IP and typ == 11:
            errno_, origin, etype, ecode, pad, info, data_ = struct.unpack("IBBBBII", data[:16])
            off = data[16:32]
            frm = socket.inet_ntoa(off[4:8]) if len(off) >= 8 else "?"
            print(f"error type={etype} code={ecode} from={frm} info={info}")
            sys.exit(0)
print("nothing")
PY
}

# ---- bulk TCP, offloads on, then off -------------------------------------
capture wan wan-r "/tmp/fp-$$.pcap"
snap
out=$(nettool in1 tcp 203.0.113.2 8000 2000000)
expect_eq "masquerade: TCP echo of 2 MB intact" True "$(field match "$out")"
out=$(nettool wan tcp 198.51.100.1 8080 2000000)
expect_eq "forward: TCP echo of 2 MB intact" True "$(field match "$out")"
fp=$(stat_of r fastpath)
n=$((fp - SNAP[fastpath]))
[ "$n" -ge 200 ] && pass "fast path carried $n packets of them" ||
	fail "fast path carried $n packets of them"
n=$(($(stat_of r fastpath-learned) - SNAP[fastpath-learned]))
[ "$n" -ge 4 ] && pass "4 routes learned or more ($n)" || fail "4 routes learned or more ($n)"
n=$(($(stat_of r fastpath-ingress) - SNAP[fastpath-ingress]))
[ "$((n * 10))" -ge "$(((fp - SNAP[fastpath]) * 9))" ] &&
	pass "9 in 10 of them or more sent from ingress ($n)" ||
	fail "9 in 10 of them or more sent from ingress ($n of $((fp - SNAP[fastpath])))"
capture_stop
leaks=$(in_ns wan tcpdump -nn -r "/tmp/fp-$$.pcap" 'net 10.0.1.0/24' 2>/dev/null | wc -l)
total=$(in_ns wan tcpdump -nn -r "/tmp/fp-$$.pcap" 2>/dev/null | wc -l)
expect_eq "no inside address on the outside link ($total packets)" 0 "$leaks"
bad=$(in_ns wan tcpdump -nn -vv -r "/tmp/fp-$$.pcap" 'src host 198.51.100.1' 2>/dev/null |
	grep -ciE 'incorrect|bad (udp |tcp |icmp )?cksum')
expect_eq "checksums valid on every translated packet out" 0 "$bad"
ttl=$(in_ns wan tcpdump -nn -v -r "/tmp/fp-$$.pcap" 'src host 198.51.100.1 and tcp' 2>/dev/null |
	grep -o 'ttl [0-9]*' | sort | uniq -c | awk '{printf "%s%s", sep, $3; sep=","}')
expect_eq "TTL decremented once by r (64 -> 63)" 63 "$ttl"
rm -f "/tmp/fp-$$.pcap"

for dev in br0 r-wan r-in1; do
	in_ns r ethtool -K $dev tso off gso off gro off tx off rx off >/dev/null 2>&1
done
in_ns in1 ethtool -K eth0 tso off gso off >/dev/null 2>&1
snap
out=$(nettool in1 tcp 203.0.113.2 8000 2000000)
expect_eq "offloads off: masquerade TCP echo of 2 MB intact" True "$(field match "$out")"
n=$(($(stat_of r fastpath) - SNAP[fastpath]))
[ "$n" -ge 200 ] && pass "offloads off: fast path carried $n packets" ||
	fail "offloads off: fast path carried $n packets"
expect_eq "FIN and RST went the slow way (counted)" 1 \
	"$(($(stat_of r fastpath-slow-tcpflags) > SNAP[fastpath-slow-tcpflags]))"

# ---- answered UDP, flows marked ------------------------------------------
snap
out=$(nettool in1 udp 203.0.113.2 9000 --sport 6000 --count 6)
expect_eq "UDP: 6 of 6 answered" 0 "$?"
n=$(($(stat_of r fastpath) - SNAP[fastpath]))
[ "$n" -ge 8 ] && pass "UDP: answered flow fast-pathed ($n of 12 packets)" ||
	fail "UDP: answered flow fast-pathed ($n of 12 packets)"
expect_match "flow list marks it [FAST]" 'src=10\.0\.1\.2:6000 .*\[FAST\]' \
	"$(knat_in r flow list proto udp)"
expect_match "explain says so" "fastpath" \
	"$(knat_in r explain udp 10.0.1.2:6000 203.0.113.2:9000 iif br0)"

# ---- the ingress hook: where it sits, what it leaves to IPv4 input -------
ndev=$(in_ns r ip -o link show | grep -vc ': lo:')
fpdevs() { knat_in r -j status | json_get 'j["fastpath_devices"]'; }
expect_eq "ingress hook on every device but lo" "$ndev" "$(fpdevs)"
expect_match "status says how many" "fastpath on, ingress hooks on $ndev devices" \
	"$(knat_in r status)"
in_ns r ip link add fp-dummy type dummy
expect_eq "a new device gets it" "$((ndev + 1))" "$(fpdevs)"
in_ns r ip link del fp-dummy
expect_eq "a deleted one loses it" "$ndev" "$(fpdevs)"
knat_in r config set fastpath off
devs_zero() { [ "$(fpdevs)" = 0 ]; }
busywait 10000 devs_zero
expect_eq "fastpath off: no device hooked" 0 "$(fpdevs)"
knat_in r config set fastpath on
devs_all() { [ "$(fpdevs)" = "$ndev" ]; }
busywait 10000 devs_all
expect_eq "fastpath on again: every device" "$ndev" "$(fpdevs)"

# Frames on the fast UDP flow that IPv4 input must judge: a bad header
# checksum (ip_rcv() drops it; the fast path must not send it: with no
# UDP checksum, nothing else in the packet gives it away), and one with
# 20 bytes of link padding after the packet (sent fast, without it).
brmac=$(in_ns r cat /sys/class/net/br0/address)
# The device added and deleted above changed the routing generation: the
# flow's routes are learned again first.
nettool in1 udp 203.0.113.2 9000 --sport 6000 --count 2 >/dev/null
inhdr() { in_ns r awk '/^Ip:/ { if (n++) print $5 }' /proc/net/snmp; }
hdr0=$(inhdr)
capture wan wan-r "/tmp/fp3-$$.pcap"
snap
in_ns in1 python3 "$(dirname "$0")/rawpkt.py" "
p = bytearray(ip('10.0.1.2', '203.0.113.2', 17,
                 udp('10.0.1.2', '203.0.113.2', 6000, 9000, b'badsum')))
p[10] ^= 0xff
p[26:28] = b'\\0\\0'
l2send('eth0', '$brmac', bytes(p))
l2send('eth0', '$brmac', ip('10.0.1.2', '203.0.113.2', 17,
       udp('10.0.1.2', '203.0.113.2', 6000, 9000, b'padded')) + b'P' * 20)
" || fail "frames sent"
sleep 1
capture_stop
expect_eq "bad header checksum: dropped by IPv4 input (InHdrErrors +1)" 1 "$(($(inhdr) - hdr0))"
expect_eq "sent fast: the padded one and its answer only" \
	"fastpath:+2 fastpath-ingress:+2" "$(echo $(delta fastpath fastpath-ingress))"
out=$(in_ns wan tcpdump -nn -e -v -r "/tmp/fp3-$$.pcap" 'udp and dst port 9000' 2>/dev/null)
expect_eq "only the padded one left r" 1 "$(echo "$out" | grep -c 'ethertype IPv4')"
expect_match "... translated, trimmed to its IP length (48 = 14 + 34)" \
	'length 48: .*198\.51\.100\.1\.6000 > 203\.0\.113\.2\.9000: .*UDP, length 6' "$(echo $out)"
expect_eq "... checksums valid" 0 "$(echo "$out" | grep -ciE 'incorrect|bad (udp )?cksum')"
rm -f "/tmp/fp3-$$.pcap"

# ---- TTL: the slow path answers traceroute -------------------------------
snap
expect_eq "TTL 1 on a fast flow: time exceeded from r" \
	"error type=11 code=0 from=10.0.1.1 info=0" "$(udp_probe in1 203.0.113.2 9000 6000 1 20)"
expect_eq "TTL 2: time exceeded from wan, translated back" \
	"error type=11 code=0 from=198.51.100.2 info=0" "$(udp_probe in1 203.0.113.2 9000 6000 2 20)"
expect_eq "counted as fastpath-slow-ttl" "fastpath-slow-ttl:+1" "$(delta fastpath-slow-ttl)"
hops=$(in_ns in1 traceroute -n -q 1 -w 2 -m 5 203.0.113.2 2>/dev/null | awk 'NR>1 {print $2}' | tr '\n' ' ')
expect_eq "UDP traceroute shows every hop" "10.0.1.1 198.51.100.2 203.0.113.2 " "$hops"

# ---- MTU drop on r's own link: frag-needed, then the flow goes on --------
expect_eq "1400 bytes with DF answered (MTU 1500)" answer "$(udp_probe in1 203.0.113.2 9000 6000 64 1400)"
expect_eq "... again, by the fast path" answer "$(udp_probe in1 203.0.113.2 9000 6000 64 1400)"
snap
in_ns r ip link set r-wan mtu 1280
in_ns wan ip link set wan-r mtu 1280
expect_eq "MTU 1280: frag-needed from r with the MTU" \
	"error type=3 code=4 from=10.0.1.1 info=1280" "$(udp_probe in1 203.0.113.2 9000 6000 64 1400)"
mtu=$(in_ns in1 ip route get 203.0.113.2 | grep -o 'mtu [0-9]*')
expect_eq "inside host learned the path MTU" "mtu 1280" "$mtu"
expect_eq "1200 bytes answered" answer "$(udp_probe in1 203.0.113.2 9000 6000 64 1200)"
expect_eq "... and again, fast" answer "$(udp_probe in1 203.0.113.2 9000 6000 64 1200)"
d=$(delta fastpath-slow-mtu fastpath-slow-route)
expect_match "the MTU change dropped the route, the big packet went slow" \
	'fastpath-slow-mtu:\+[0-9]+ fastpath-slow-route:\+[1-9]' "$(echo $d)"
n=$(($(stat_of r fastpath) - SNAP[fastpath]))
[ "$n" -ge 1 ] && pass "fast again after relearning ($n packets)" ||
	fail "fast again after relearning ($n packets)"
in_ns r ip link set r-wan mtu 1500
in_ns wan ip link set wan-r mtu 1500
in_ns in1 ip route flush cache

# ---- a route change mid-connection moves the flow ------------------------
done_file=/tmp/fp-hold-$$
rm -f "$done_file"
# It ticks once a second until told to stop: a debug kernel takes longer
# than 30 s to get to the route change.
nettool in1 hold 203.0.113.2 8000 600 --until "$done_file" >"/tmp/fp-hold-$$.out" 2>&1 &
hold_pid=$!
fast_tcp() {
	knat_in r flow list proto tcp | grep -q 'dst=203.0.113.2:8000 .*FAST'
}
busywait 10000 fast_tcp
expect_eq "held connection fast-pathed" 0 "$?"

# Blind RSTs from the outside, spoofing the server, at random sequence
# numbers: the slow path drops them (out of the window) and the flow
# stays on the fast path.
mport=$(knat_in r -j flow list proto tcp | json_get "[f['reply']['dport'] for f in j if f['orig']['dport'] == 8000][0]")
before=$(stat_of r tcp-out-of-window)
in_ns wan python3 "$(dirname "$0")/rawpkt.py" "
import random
for i in range(20):
    s = struct.pack('!HHIIBBHHH', 8000, $mport, random.randrange(1 << 32), 0,
                    5 << 4, 0x04, 502, 0, 0)
    c = csum(_pseudo('203.0.113.2', '198.51.100.1', 6, s) + s)
    send(ip('203.0.113.2', '198.51.100.1', 6, s[:16] + struct.pack('!H', c) + s[18:]))
" || fail "blind RSTs sent"
n=$(($(stat_of r tcp-out-of-window) - before))
[ "$n" -ge 19 ] && pass "20 blind RSTs dropped out of the window ($n)" ||
	fail "20 blind RSTs dropped out of the window ($n)"
expect_match "... the flow stays established and fast" 'ESTABLISHED .*\[FAST\]' \
	"$(knat_in r flow list proto tcp | grep 'dst=203.0.113.2:8000')"
capture wan wan-r2 "/tmp/fp2-$$.pcap"
snap
in_ns r ip route replace default via 198.51.101.2
# Two ticks by the new link (a second apart; longer on a debug kernel).
via_wan2() {
	n=$(in_ns wan tcpdump -nn -r "/tmp/fp2-$$.pcap" 'tcp and src host 198.51.100.1' 2>/dev/null | wc -l)
	[ "$n" -ge 2 ]
}
busywait 15000 via_wan2
capture_stop
via_wan2
[ "$n" -ge 2 ] && pass "after the route change it leaves by r-wan2 ($n packets)" ||
	fail "after the route change it leaves by r-wan2 ($n packets)"
expect_match "route change counted" 'fastpath-slow-route:\+[1-9]' "$(delta fastpath-slow-route)"
rm -f "/tmp/fp2-$$.pcap"

# A device deleted under a flow whose route it holds: deletion must not
# wait for the flow (the dst gives the device back), the flow goes on.
busywait 10000 fast_tcp
start=$(date +%s)
in_ns r timeout 60 ip link del r-wan2
rc=$?
took=$(($(date +%s) - start))
expect_eq "ip link del of the device a fast flow holds (took ${took}s)" 0 "$rc"
[ "$took" -le 10 ] && pass "no wait for the flow's reference" ||
	fail "no wait for the flow's reference (${took}s)"
in_ns r ip route replace default via 198.51.100.2
sleep 2
touch "$done_file"
wait "$hold_pid"
expect_eq "held connection lived through both changes" 0 "$?"
expect_match "... and closed cleanly" "state=closed" "$(cat "/tmp/fp-hold-$$.out")"
rm -f "$done_file" "/tmp/fp-hold-$$.out"

# ---- off: the slow path again ---------------------------------------------
expect_ok "config set fastpath off" knat_in r config set fastpath off
snap
out=$(nettool in1 udp 203.0.113.2 9000 --sport 6000 --count 3)
expect_eq "UDP answered with it off" 0 "$?"
expect_eq "no packet fast-pathed" "fastpath:+0" "$(delta fastpath)"
expect_fail "fastpath maybe: refused" knat_in r config set fastpath maybe

# Under fast-pathed traffic the rules go: every flow and route with them.
knat_in r config set fastpath on
nettool in1 udp 203.0.113.2 9000 --sport 6001 --count 3 >/dev/null
expect_ok "snat del" knat_in r snat del from 10.0.1.0/24 out r-wan
expect_ok "forward del" knat_in r forward del tcp 198.51.100.1:8080
expect_eq "no flow left" 0 "$(knat_in r -j status | json_get 'j["flows"]')"

# rmmod while fast-pathed packets flow: every held route goes back with
# the flows (run.sh then scans dmesg, and the devices must still go).
expect_ok "masquerade again" knat_in r snat add from 10.0.1.0/24 out r-wan masquerade
rm -f "$done_file"
nettool in1 hold 203.0.113.2 8000 600 --until "$done_file" >/dev/null 2>&1 &
hold_pid=$!
busywait 10000 fast_tcp
expect_eq "a fast-pathed connection before rmmod" 0 "$?"
expect_ok "rmmod under fast-pathed traffic" rmmod knat
expect_fail "module gone" module_loaded
touch "$done_file"
wait "$hold_pid"
rm -f "$done_file"
start=$(date +%s)
in_ns r timeout 60 ip link del r-wan
expect_eq "the device its routes used deletes at once" 0 "$?"
took=$(($(date +%s) - start))
[ "$took" -le 10 ] && pass "in ${took}s" || fail "in ${took}s"

tap_end

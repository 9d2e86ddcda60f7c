#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The TCP and ICMP figures, as exact deltas after known traffic through a
# masquerading knat: pings, a traceroute, a refused connection, clean
# connections, and handshakes slowed by netem on the client's link.
#
#  in1 10.0.1.2 --+
#                 +-- br0 10.0.1.1 [ r: knat ] r-wan 198.51.100.1
#  in2 10.0.1.3 --+                                 |
#                          198.51.100.2 wan-r [ wan ] wan-srv 203.0.113.1
#                                                       |
#                                    203.0.113.2 srv-wan [ srv ]
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 traceroute tc

nat_topology || { fail "topology"; tap_end; }
serve srv serve-tcp 8000 srv
knat_in r snat add from 10.0.1.0/24 out r-wan masquerade || fail "snat add"

SNAP=/tmp/stats-$$
on_exit rm -f "$SNAP".*

# snap NAME: keep the counters now.  delta NAME KEY...: what changed since,
# as "key:+n" for each key (0 included), in the order given.
snap() {
	knat_in r -j stats >"$SNAP.$1"
}
delta() {
	local name=$1
	shift
	knat_in r -j stats | python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))["counters"]
b = json.load(sys.stdin)["counters"]
print(" ".join("%s:+%d" % (k, b.get(k.replace("-", "_"), 0) - a.get(k.replace("-", "_"), 0))
               for k in sys.argv[2:]))' "$SNAP.$name" "$@"
}

# Pings: every request and every reply crosses knat's entry once.
snap ping
out=$(nettool in1 ping 203.0.113.2 --id 777 --count 5)
expect_eq "5 pings answered" 5 "$(field received "$out")"
expect_eq "5 echo requests, 5 replies, nothing else ICMP" \
	"icmp-echo-request:+5 icmp-echo-reply:+5 icmp-time-exceeded:+0 icmp-unreach-port:+0 icmp-other:+0" \
	"$(delta ping icmp-echo-request icmp-echo-reply icmp-time-exceeded icmp-unreach-port icmp-other)"

# traceroute (UDP), one probe per hop: hop 1 is r itself (its error is
# about a probe that never got a flow: counted, not translated), hop 2 is
# wan (time exceeded, translated back to in1), hop 3 srv (port unreachable,
# translated).
snap trace
hops=$(in_ns in1 traceroute -n -q 1 -N 1 -w 3 -m 3 203.0.113.2 2>/dev/null |
	awk 'NR > 1 { printf "%s%s", sep, $2; sep = " " }')
expect_eq "traceroute shows the three hops" "10.0.1.1 198.51.100.2 203.0.113.2" "$hops"
expect_eq "ICMP: 2 time exceeded, 1 port unreachable; 2 errors translated" \
	"icmp-time-exceeded:+2 icmp-unreach-port:+1 icmp-errors-translated:+2 icmp-errors-unknown:+1" \
	"$(delta trace icmp-time-exceeded icmp-unreach-port icmp-errors-translated icmp-errors-unknown)"

# A refused connection: one SYN, one RST from the server side.
snap refused
expect_fail "connection to a closed port refused" nettool in1 tcp 203.0.113.2 8009 10 --timeout 3
expect_eq "refused: 1 SYN, 1 RST by the server, no handshake" \
	"tcp-syn:+1 tcp-rst-server:+1 tcp-rst-client:+0 tcp-handshakes:+0" \
	"$(delta refused tcp-syn tcp-rst-server tcp-rst-client tcp-handshakes)"

# Clean connections: a SYN, a handshake and two FINs each.
snap clean
for i in 1 2 3; do nettool in1 tcp 203.0.113.2 8000 1000 >/dev/null; done
expect_eq "3 connections: 3 SYNs, 3 handshakes, 6 FINs, no RST" \
	"tcp-syn:+3 tcp-handshakes:+3 tcp-fin:+6 tcp-rst-client:+0 tcp-rst-server:+0" \
	"$(delta clean tcp-syn tcp-handshakes tcp-fin tcp-rst-client tcp-rst-server)"
states=$(knat_in r -j stats | json_get 'j["tcp_states"]["time_wait"]')
expect_eq "the 3 are in TIME_WAIT now" 3 "$states"

# Handshake latency: 40 ms of netem on in1's link delays the ACK that
# completes each handshake by 40 ms, SYN to ACK as seen at r.
knat_in r stats reset
in_ns in1 tc qdisc add dev eth0 root netem delay 40ms || fail "netem"
for i in $(seq 1 10); do nettool in1 tcp 203.0.113.2 8000 100 >/dev/null; done
in_ns in1 tc qdisc del dev eth0 root
hs=$(knat_in r -j stats | json_get '" ".join(str(x) for x in j["handshake"]["buckets"])')
n32=$(echo "$hs" | awk '{ print $7 }')
below=$(echo "$hs" | awk '{ s = 0; for (i = 1; i <= 6; i++) s += $i; print s }')
# The debug kernel (KNAT_WAIT_SCALE above 3) adds milliseconds of its
# own to a handshake: there some may land in 64-128 ms.
min32=8
[ "${KNAT_WAIT_SCALE:-3}" -gt 3 ] && min32=5
[ "$n32" -ge "$min32" ] && [ "$below" -eq 0 ] &&
	pass "10 handshakes behind 40 ms netem: $n32 in the 32-64 ms bucket, none faster ($hs)" ||
	fail "10 handshakes behind 40 ms netem: $n32 in the 32-64 ms bucket, none faster ($hs)"
min=$(knat_in r -j stats | json_get 'j["handshake"]["min_us"]')
[ "$min" -ge 32000 ] && pass "minimum handshake ${min} us >= 32 ms" ||
	fail "minimum handshake ${min} us >= 32 ms"

tap_end

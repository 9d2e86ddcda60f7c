#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scale-out: two knat routers with the same maglev service behind an ECMP
# route, no state shared between them.  Both directions are multipath, so
# a flow's packets and its answers may cross different routers from the
# first SYN on, and a router taken out of the client-side group hands its
# established flows to the other one mid-way.
#
#                      10.1.1.0/30       r1 10.0.2.1 --+
#  c1 198.51.100.2 -- e <                              +-- sw -- b1 10.0.2.11
#        198.51.100.1  \  10.1.2.0/30    r2 10.0.2.2 --+         b2 10.0.2.12
#                       VIP 203.0.113.10 via r1 and r2           b3 10.0.2.13
#
# Backends route back through r1 and r2 (multipath too).
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3
VIP=203.0.113.10

topology() {
	local i r
	netns_add c1 e r1 r2 sw b1 b2 b3 || return 1
	link_add c1 eth0 198.51.100.2/24 e e-c1 198.51.100.1/24 || return 1
	route_add c1 default via 198.51.100.1
	ip -n "$(ns sw)" link add br0 type bridge
	ip -n "$(ns sw)" link set br0 up
	for i in 1 2; do
		r=r$i
		link_add e e-$r 10.1.$i.1/30 $r eth0 10.1.$i.2/30 || return 1
		link_add $r eth1 10.0.2.$i/24 sw sw-$r - || return 1
		ip -n "$(ns sw)" link set sw-$r master br0
		route_add $r 198.51.100.0/24 via 10.1.$i.1
		forwarding_on $r
	done
	for i in 1 2 3; do
		link_add b$i eth0 10.0.2.1$i/24 sw sw-b$i - || return 1
		ip -n "$(ns sw)" link set sw-b$i master br0
		in_ns b$i sysctl -qw net.ipv4.fib_multipath_hash_policy=1
		route_add b$i default nexthop via 10.0.2.1 nexthop via 10.0.2.2
		serve b$i serve-tcp 8080 b$i || return 1
	done
	forwarding_on e
	in_ns e sysctl -qw net.ipv4.fib_multipath_hash_policy=1
	route_add e $VIP/32 nexthop via 10.1.1.2 nexthop via 10.1.2.2
	for r in r1 r2; do
		knat_in $r service add tcp $VIP:80 sched maglev || return 1
		for i in 1 2 3; do
			knat_in $r backend add tcp $VIP:80 10.0.2.1$i:8080 ||
				return 1
		done
	done
}
topology || { fail "topology"; tap_end; }

# With both routers in the group, new connections spread over them by
# their ports, yet maglev sends all of one client's to one backend.
seen=$(spread c1 16 $VIP 80 1000)
expect_match "16 connections through ECMP: one backend for the client ($seen)" \
	'^b[123]:16$' "$seen"
n1=$(knat_in r1 flow count proto tcp)
n2=$(knat_in r2 flow count proto tcp)
[ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] &&
	pass "both routers carried flows (r1 $n1, r2 $n2)" ||
	fail "both routers carried flows (r1 $n1, r2 $n2)"
asym=$(($(stat_of r1 pickup-backend) + $(stat_of r2 pickup-backend)))
[ "$asym" -gt 0 ] &&
	pass "answers crossing the other router were taken up ($asym flows)" ||
	fail "answers crossing the other router were taken up ($asym flows)"

# Long connections opened through r1 alone; then r1 leaves the group.
knat_in r1 flow flush
knat_in r2 flow flush
ip -n "$(ns e)" route replace $VIP/32 via 10.1.1.2
p2=$(($(stat_of r2 pickup-client) + $(stat_of r2 pickup-backend)))
# Six at once from one Python (--count 6), a line per connection and
# event, each marked conn=0..5, a tick a second until the test ends them
# (--until): once r2 has taken up all six.
nettool c1 hold $VIP 80 120 --count 6 --until /tmp/ecmp.$$.end >/tmp/ecmp.$$ &
pid=$!
# Established from the client's view; r1 may have seen only one side.
busywait 10000 sh -c "[ \$(grep -c state=open /tmp/ecmp.$$) -eq 6 ]" ||
	fail "six long connections open through r1"
ip -n "$(ns e)" route replace $VIP/32 via 10.1.2.2
pass "r1 removed from the ECMP route with 6 flows open"
# Each connection's next tick crosses r2, which takes it up; their echoes
# through r2 are checked by the tool (a wrong byte ends one "broken").
busywait 10000 sh -c "[ \$((\$(ip netns exec $(ns r2) $KNAT -j stats | python3 -c 'import json,sys; c=json.load(sys.stdin)[\"counters\"]; print(c[\"pickup_client\"] + c[\"pickup_backend\"])') - $p2)) -ge 6 ]"
touch /tmp/ecmp.$$.end
wait $pid
ok=0
for i in 0 1 2 3 4 5; do
	out=$(grep "^conn=$i " /tmp/ecmp.$$ | tail -n 1)
	[ "$(field state "$out")" = closed ] && [ "$(field ticks "$out")" -ge 1 ] &&
		ok=$((ok + 1))
done
rm -f /tmp/ecmp.$$ /tmp/ecmp.$$.end
expect_eq "all 6 moved connections completed, every echo intact" 6 $ok
took=$(($(stat_of r2 pickup-client) + $(stat_of r2 pickup-backend) - p2))
expect_eq "r2 took up exactly the 6 flows it had never seen" 6 "$took"
bes=$(knat_in r2 -j flow list proto tcp | json_get '" ".join(sorted(set(f["reply"]["src"] for f in j)))')
expect_match "r2 kept them on the client's one backend ($bes)" '^10\.0\.2\.1[123]$' "$bes"

# A new connection through r2 is scheduled as usual, not taken up.
before=$(($(stat_of r2 pickup-client) + $(stat_of r2 pickup-backend)))
knat_in r2 flow flush
out=$(nettool c1 tcp $VIP 80 1000)
expect_eq "a fresh connection through r2 alone" True "$(field match "$out")"
expect_eq "a handshake seen from its SYN is no pickup" "$before" \
	"$(($(stat_of r2 pickup-client) + $(stat_of r2 pickup-backend)))"

# Without maglev there is no agreement to rely on: no pickup, the orphan
# segment is dropped and counted.  r1 is gone for good now.
for i in 1 2 3; do
	ip -n "$(ns b$i)" route replace default via 10.0.2.2
done
knat_in r2 service set tcp $VIP:80 sched rr
before=$(stat_of r2 tcp-no-flow)
# Held until told (a fixed few seconds could end before the flush under
# load, and a closed connection would then prove nothing): the flush
# comes once the connection is open and r2's flow established, and the
# test then waits for the connection's fate, an echo that never comes.
rm -f /tmp/ecmp.$$.stop
nettool c1 hold $VIP 80 120 --timeout 2 --until /tmp/ecmp.$$.stop \
	>/tmp/ecmp.$$ 2>&1 &
pid=$!
busywait 30000 sh -c "grep -q state=open /tmp/ecmp.$$ &&
	[ \$(ip netns exec $(ns r2) $KNAT flow count proto tcp state established) -ge 1 ]" ||
	fail "rr: the connection open, its flow established"
knat_in r2 flow flush
busywait 20000 sh -c "grep -q -e state=broken -e error= /tmp/ecmp.$$"
touch /tmp/ecmp.$$.stop
wait $pid
out=$(cat /tmp/ecmp.$$)
rm -f /tmp/ecmp.$$ /tmp/ecmp.$$.stop
[ "$(field state "$out")" != closed ] &&
	pass "rr: a flow forgotten mid-way is not taken up" ||
	fail "rr: a flow forgotten mid-way is not taken up"
[ "$(stat_of r2 tcp-no-flow)" -gt "$before" ] &&
	pass "rr: the orphan segment counted as tcp-no-flow" ||
	fail "rr: the orphan segment counted as tcp-no-flow"

tap_end

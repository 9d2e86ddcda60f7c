#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv6 scale-out, lb_ecmp.sh's twin: two knat routers with the same maglev
# service behind an ECMP route, no state shared between them.  Both
# directions are multipath (hashed on the ports), so a flow's packets and
# its answers may cross different routers from the first SYN on, and a
# router taken out of the client-side group hands its established flows to
# the other one mid-way.
#
#                        fd01:1::/64      r1 fd00:2::1 --+
#  c1 2001:db8:1::2 -- e <                               +-- sw -- b1 fd00:2::11
#        2001:db8:1::1   \ fd01:2::/64    r2 fd00:2::2 --+         b2 fd00:2::12
#                         VIP 2001:db8:100::10 via r1 and r2       b3 fd00:2::13
#
# Backends route back through r1 and r2 (multipath too).
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 ss
require_ipv6
VIP=$LB6_VIP
V="[$VIP]"
TMP=$(mktemp -d)
on_exit rm -rf "$TMP"

topology() {
	local i r
	netns_add c1 e r1 r2 sw b1 b2 b3 || return 1
	nodad_ns c1 e r1 r2 sw b1 b2 b3 || return 1
	link_add c1 eth0 - e e-c1 - || return 1
	addr6_add c1 eth0 2001:db8:1::2/64 || return 1
	addr6_add e e-c1 2001:db8:1::1/64 || return 1
	route6_add c1 default via 2001:db8:1::1 || return 1
	ip -n "$(ns sw)" link add br0 type bridge mcast_snooping 0 || return 1
	for i in 1 2; do
		r=r$i
		link_add e e-$r - $r eth0 - || return 1
		addr6_add e e-$r fd01:$i::1/64 || return 1
		addr6_add $r eth0 fd01:$i::2/64 || return 1
		link_add $r eth1 - sw sw-$r - || return 1
		addr6_add $r eth1 fd00:2::$i/64 || return 1
		ip -n "$(ns sw)" link set sw-$r master br0
		route6_add $r 2001:db8:1::/64 via fd01:$i::1 || return 1
		forwarding6_on $r
	done
	for i in 1 2 3; do
		link_add b$i eth0 - sw sw-b$i - || return 1
		addr6_add b$i eth0 fd00:2::1$i/64 || return 1
		ip -n "$(ns sw)" link set sw-b$i master br0
		in_ns b$i sysctl -qw net.ipv6.fib_multipath_hash_policy=1
		route6_add b$i default nexthop via fd00:2::1 dev eth0 \
			nexthop via fd00:2::2 dev eth0 || return 1
	done
	ip -n "$(ns sw)" link set br0 up
	forwarding6_on e
	in_ns e sysctl -qw net.ipv6.fib_multipath_hash_policy=1
	route6_add e $VIP/128 nexthop via fd01:1::2 dev e-r1 \
		nexthop via fd01:2::2 dev e-r2 || return 1
	busywait 2000 addrs_ready c1 e r1 r2 b1 b2 b3 || return 1
	for i in 1 2 3; do
		serve6 b$i serve-tcp 8080 b$i || return 1
	done
}
topology || { fail "topology"; tap_end; }

# Both routers, configured alike.
for r in r1 r2; do
	bad=0
	knat_in $r service add tcp $V:80 sched maglev || bad=1
	for i in 1 2 3; do
		knat_in $r backend add tcp $V:80 "[fd00:2::1$i]:8080" || bad=1
	done
	[ $bad = 0 ] && pass "$r: maglev service of b1..b3" || fail "$r: maglev service of b1..b3"
done

# pickups R: pickup-client + pickup-backend of router R.
pickups() {
	knat_in "$1" -j stats |
		json_get 'j["counters"]["pickup_client"] + j["counters"]["pickup_backend"]'
}

# vip_paths: how many next hops e's route to the VIP has.
vip_paths() {
	ip -n "$(ns e)" -6 route show $VIP/128 | grep -c 'via fd01:'
}

# With both routers in the group, new connections spread over them by
# their ports, yet maglev sends all of one client's to one backend.
expect_eq "e's route to the VIP has two next hops" 2 "$(vip_paths)"
seen=$(spread c1 16 $VIP 80 1000)
expect_match "16 connections through ECMP: one backend for the client ($seen)" \
	'^b[123]:16$' "$seen"
n1=$(knat_in r1 flow count proto tcp family inet6)
n2=$(knat_in r2 flow count proto tcp family inet6)
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
ip -n "$(ns e)" -6 route replace $VIP/128 via fd01:1::2 dev e-r1
expect_eq "e's route to the VIP: r1 alone" 1 "$(vip_paths)"
p2=$(pickups r2)
# Six at once from one Python (--count 6), each line marked conn=0..5, a
# tick a second until the test ends them (--until): once r2 has taken up
# all six.
nettool c1 hold $VIP 80 120 --count 6 --until "$TMP/end" >"$TMP/hold" &
pid=$!
busywait 10000 sh -c "[ \$(grep -c state=open $TMP/hold) -eq 6 ]" ||
	fail "six long connections open through r1"
ip -n "$(ns e)" -6 route replace $VIP/128 via fd01:2::2 dev e-r2
expect_eq "r1 removed from the ECMP route with 6 flows open" \
	"1 fd01:2::2" "$(vip_paths) $(ip -n "$(ns e)" -6 route show $VIP/128 | grep -o 'via fd01:[^ ]*' | cut -d' ' -f2)"
# Each connection's next tick crosses r2, which takes it up; their echoes
# through r2 are checked by the tool (a wrong byte ends one "broken").
busywait 10000 sh -c "[ \$((\$(ip netns exec $(ns r2) $KNAT -j stats | python3 -c 'import json,sys; c=json.load(sys.stdin)[\"counters\"]; print(c[\"pickup_client\"] + c[\"pickup_backend\"])') - $p2)) -ge 6 ]"
touch "$TMP/end"
wait $pid
ok=0
for i in 0 1 2 3 4 5; do
	out=$(grep "^conn=$i " "$TMP/hold" | tail -n 1)
	[ "$(field state "$out")" = closed ] && [ "$(field ticks "$out")" -ge 1 ] &&
		ok=$((ok + 1))
done
expect_eq "all 6 moved connections completed, every echo intact" 6 $ok
expect_eq "r2 took up exactly the 6 flows it had never seen" 6 "$(($(pickups r2) - p2))"
bes=$(knat_in r2 -j flow list proto tcp | json_get '" ".join(sorted(set(f["reply"]["src"] for f in j)))')
expect_match "r2 kept them on the client's one backend ($bes)" '^fd00:2::1[123]$' "$bes"
expect_eq "r2's taken-up flows are IPv6 flows of the service" \
	"$(knat_in r2 flow count proto tcp)" "$(knat_in r2 flow count service $V:80 family inet6)"

# A new connection through r2 is scheduled as usual, not taken up.
before=$(pickups r2)
knat_in r2 flow flush
out=$(nettool c1 tcp $VIP 80 1000)
expect_eq "a fresh connection through r2 alone" True "$(field match "$out")"
expect_eq "a handshake seen from its SYN is no pickup" "$before" "$(pickups r2)"

# Without maglev there is no agreement to rely on: no pickup, the orphan
# segment is dropped and counted.  r1 is gone for good now.
for i in 1 2 3; do
	ip -n "$(ns b$i)" -6 route replace default via fd00:2::2 dev eth0
done
knat_in r2 service set tcp $V:80 sched rr
before=$(stat_of r2 tcp-no-flow)
# Held until told: the flush comes once the connection is open and r2's
# flow established, and the test then waits for the connection's fate, an
# echo that never comes.
rm -f "$TMP/stop"
nettool c1 hold $VIP 80 120 --timeout 2 --until "$TMP/stop" >"$TMP/hold" 2>&1 &
pid=$!
busywait 30000 sh -c "grep -q state=open $TMP/hold &&
	[ \$(ip netns exec $(ns r2) $KNAT flow count proto tcp state established) -ge 1 ]" ||
	fail "rr: the connection open, its flow established"
knat_in r2 flow flush
busywait 20000 sh -c "grep -q -e state=broken -e error= $TMP/hold"
touch "$TMP/stop"
wait $pid
out=$(cat "$TMP/hold")
[ "$(field state "$out")" != closed ] &&
	pass "rr: a flow forgotten mid-way is not taken up" ||
	fail "rr: a flow forgotten mid-way is not taken up"
[ "$(stat_of r2 tcp-no-flow)" -gt "$before" ] &&
	pass "rr: the orphan segment counted as tcp-no-flow" ||
	fail "rr: the orphan segment counted as tcp-no-flow"

tap_end

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Layer-4 load balancing in NAT mode: a VIP on no interface, backends that
# answer with their own name, and what each scheduler does with real
# connections.
#
#  c1 198.51.100.2 --+                              +-- b1 10.0.2.11
#                    +-- br0 198.51.100.1 [ r ] br1 10.0.2.1 -- b2 10.0.2.12
#  c2 198.51.100.3 --+   VIP 203.0.113.10 (on no    +-- b3 10.0.2.13
#                        interface: routed to r)    +-- b4 10.0.2.14
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 ss

lb_topology || { fail "topology"; tap_end; }
VIP=203.0.113.10

expect_ok "service add tcp rr" knat_in r service add tcp $VIP:80 sched rr
for i in 1 2 3; do
	knat_in r backend add tcp $VIP:80 10.0.2.1$i:8080 || fail "backend add b$i"
done
expect_eq "rr: 30 connections, exactly 10 each" "b1:10 b2:10 b3:10" \
	"$(spread c1 30 $VIP 80 2000)"
out=$(nettool c1 tcp $VIP 80 100000)
expect_eq "100000 bytes through the VIP intact" True "$(field match "$out")"
expect_match "the backend sees the real client" '^198\.51\.100\.2:' "$(field peer "$out")"

conns=$(knat_in r -s -j service list | json_get '" ".join("%s:%s" % (b["addr"], b["conns"]) for b in j[0]["backends"])')
expect_eq "per-backend conns match what clients saw" \
	"10.0.2.11:11 10.0.2.12:10 10.0.2.13:10" "$conns"

expect_ok "service set sched wrr" knat_in r service set tcp $VIP:80 sched wrr
knat_in r backend set tcp $VIP:80 10.0.2.12:8080 weight 2
knat_in r backend set tcp $VIP:80 10.0.2.13:8080 weight 3
expect_eq "smooth wrr 1:2:3 over 60: exact" "b1:10 b2:20 b3:30" \
	"$(spread c1 60 $VIP 80 100)"

expect_ok "backend b2 down" knat_in r backend set tcp $VIP:80 10.0.2.12:8080 down
expect_eq "a down backend gets nothing" "b1:4 b3:12" "$(spread c1 16 $VIP 80 100)"
knat_in r backend set tcp $VIP:80 10.0.2.12:8080 up

# Draining by weight 0: a long flow continues, new ones go elsewhere.
knat_in r service set tcp $VIP:80 sched rr
# The test ends the long flows (--until), not the clock: a loaded VM may
# take longer than any fixed hold to look at them.
nettool c2 hold $VIP 80 120 --until /tmp/hold.$$.stop >/tmp/hold.$$ &
holder=$!
busywait 10000 sh -c "ip netns exec $(ns r) $KNAT flow list proto tcp state established | grep -q ." ||
	fail "long flow established"
long_be=$(knat_in r -j flow list proto tcp state established | json_get 'j[0]["reply"]["src"]')
expect_ok "weight 0 on the long flow's backend" knat_in r backend set tcp $VIP:80 "$long_be:8080" weight 0
seen=$(spread c1 9 $VIP 80 100)
[ -n "$long_be" ] && [[ $seen != *"b${long_be: -1}:"* ]] && pass "draining backend ($long_be) gets no new flows: $seen" ||
	fail "draining backend ($long_be) gets no new flows: $seen"
touch /tmp/hold.$$.stop
wait $holder
expect_eq "the long flow survived draining, byte for byte" "closed" "$(field state "$(tail -n 1 /tmp/hold.$$)")"
rm -f /tmp/hold.$$ /tmp/hold.$$.stop
knat_in r backend set tcp $VIP:80 "$long_be:8080" weight 1

# Least connections: two long flows occupy two backends; lc then picks
# the idle one.
knat_in r flow flush
knat_in r service set tcp $VIP:80 sched lc
nettool c2 hold $VIP 80 120 --until /tmp/hold.$$.stop >/dev/null &
h1=$!
busywait 10000 sh -c "[ \$(ip netns exec $(ns r) $KNAT flow count proto tcp state established) = 1 ]"
nettool c2 hold $VIP 80 120 --until /tmp/hold.$$.stop >/dev/null &
h2=$!
busywait 10000 sh -c "[ \$(ip netns exec $(ns r) $KNAT flow count proto tcp state established) = 2 ]"
busy=$(knat_in r -j flow list proto tcp state established | json_get '" ".join(sorted(f["reply"]["src"] for f in j))')
idle=$(printf '%s\n' 10.0.2.11 10.0.2.12 10.0.2.13 | grep -vxF -e "${busy% *}" -e "${busy#* }")
out=$(nettool c1 tcp $VIP 80 100)
expect_eq "lc picks the idle backend ($idle; busy: $busy)" "b${idle: -1}" "$(field name "$out")"
touch /tmp/hold.$$.stop
wait $h1 $h2
rm -f /tmp/hold.$$.stop

# Source hash and maglev: every connection of a client lands on one
# backend.
for s in sh maglev; do
	knat_in r service set tcp $VIP:80 sched $s
	n1=$(spread c1 8 $VIP 80 100)
	n2=$(spread c2 8 $VIP 80 100)
	expect_match "$s: c1 sticks to one backend ($n1)" '^b[123]:8$' "$n1"
	expect_match "$s: c2 sticks to one backend ($n2)" '^b[123]:8$' "$n2"
done
expect_ok "maglev: a fourth backend" knat_in r backend add tcp $VIP:80 10.0.2.14:8080
moved=$(knat_in r -s -j service list | json_get 'j[0]["moved"]')
# Weights are 1, 2, 3 now: a new backend of weight 1 takes a seventh of
# the 65537 slots (9362), and hardly any other slot moves.
[ "$moved" -gt 9300 ] && [ "$moved" -lt 9700 ] &&
	pass "maglev reports the slots a new backend moved ($moved of 65537)" ||
	fail "maglev reports the slots a new backend moved ($moved of 65537)"

# Hairpin: b4 is not a backend of this VIP; it reaches it, and whichever
# backend answers sees the router, so the answer comes back through knat.
knat_in r backend del tcp $VIP:80 10.0.2.14:8080
out=$(nettool b4 tcp $VIP 80 1000)
expect_eq "hairpin: a host on the backends' LAN reaches the VIP" True "$(field match "$out")"
expect_match "hairpin: the backend sees the router" '^10\.0\.2\.1:' "$(field peer "$out")"

# The router's own connections to the VIP are balanced too (LOCAL_OUT):
# it needs only a route toward the VIP, as any host would.
ip -n "$(ns r)" route add $VIP/32 dev br1
out=$(nettool r tcp $VIP 80 10000)
expect_eq "the router itself reaches the VIP, 10000 bytes intact" True "$(field match "$out")"
expect_match "its connection was sent to a backend" '^b[1-3]$' "$(field name "$out")"
ip -n "$(ns r)" route del $VIP/32 dev br1

# The VIP is on no interface, yet it answers pings: knat replies itself.
before=$(stat_of r vip-echo)
out=$(nettool c1 ping $VIP --id 4242 --count 3)
expect_eq "ping VIP: 3 of 3 answered, payload and checksum intact" 3 "$(field received "$out")"
expect_eq "vip-echo counted 3" $((before + 3)) "$(stat_of r vip-echo)"
expect_fail "ping to a non-VIP address in the VIP's net is not answered" \
	nettool c1 ping 203.0.113.11 --id 4243 --timeout 1

# UDP: rr over datagrams; a client with a fixed port is answered within
# one packet after its backend goes down.
expect_ok "service add udp" knat_in r service add udp $VIP:53 sched rr
for i in 1 2 3; do knat_in r backend add udp $VIP:53 10.0.2.1$i:5353; done
names=$(nettool c1 udp $VIP 53 --sports 6001,6002,6003,6004,6005,6006 |
	fields name | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}')
expect_eq "UDP rr: 6 clients, 2 each" "b1:2 b2:2 b3:2 " "$names"
first=$(field name "$(nettool c1 udp $VIP 53 --sport 7777)")
knat_in r backend set udp $VIP:53 "10.0.2.1${first: -1}:5353" down
out=$(nettool c1 udp $VIP 53 --sport 7777 --timeout 2)
next=$(field name "$out")
[ "$(field match "$out")" = True ] && [ "$next" != "$first" ] &&
	pass "UDP flow moved at once off its down backend ($first -> $next)" ||
	fail "UDP flow moved at once off its down backend ($first -> $next)"

before=$(stat_of r no-backend)
for i in 1 2 3; do knat_in r backend set udp $VIP:53 10.0.2.1$i:5353 down; done
expect_fail "no backend up: no answer" nettool c1 udp $VIP 53 --sport 7778 --timeout 1
expect_eq "drop no-backend counted once" $((before + 1)) "$(stat_of r no-backend)"

err=$(knat_in r service add tcp $VIP:80 2>&1)
expect_eq "duplicate service refused" "Error: Service already exists." "$err"
err=$(knat_in r backend add tcp $VIP:81 10.0.2.11 2>&1)
expect_eq "backend of a missing service refused" "Error: No such service." "$err"
expect_ok "service del" knat_in r service del tcp $VIP:80
expect_ok "service del udp" knat_in r service del udp $VIP:53
expect_eq "no flows left" 0 "$(knat_in r flow count)"
expect_match "no hooks left" "hooks inactive" "$(knat_in r status)"

tap_end

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv6 layer-4 load balancing in NAT mode, lb_sched.sh's twin: a VIP on no
# interface, backends that answer with their own name, and what each of
# the six schedulers (rr wrr lc wlc sh maglev) does with real TCP and UDP.
#
#  c1 2001:db8:1::2 --+                                 +-- b1 fd00:2::11
#                     +-- br0 2001:db8:1::1 [ r ] br1 fd00:2::1 -- b2 fd00:2::12
#  c2 2001:db8:1::3 --+   VIP 2001:db8:100::10 (on no   +-- b3 fd00:2::13
#                         interface: routed to r)       +-- b4 fd00:2::14
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 ss ethtool tcpdump
require_ipv6

lb6_topology || { fail "topology"; tap_end; }
VIP=$LB6_VIP
V="[$VIP]"
TMP=$(mktemp -d)
on_exit rm -rf "$TMP"
HOLD=$TMP/hold

# be ADDR: the backend's name (fd00:2::12 -> b2).
be() {
	echo "b${1: -1}"
}

# set_weights W1 W2 W3: the weights of b1..b3 of the TCP service.
set_weights() {
	local i w
	for i in 1 2 3; do
		w=${!i}
		knat_in r backend set tcp $V:80 "[fd00:2::1$i]:8080" weight "$w" ||
			fail "backend set b$i weight $w"
	done
}

# flows_are N FILTER...: for busywait.
flows_are() {
	local n=$1
	shift
	[ "$(knat_in r flow count "$@")" = "$n" ]
}

expect_ok "service add tcp [VIP]:80 rr" knat_in r service add tcp $V:80 sched rr
for i in 1 2 3; do
	knat_in r backend add tcp $V:80 "[fd00:2::1$i]:8080" || fail "backend add b$i"
done
expect_eq "service list -j: an inet6 service, its VIP and port" "inet6 $VIP 80" \
	"$(knat_in r -j service list | json_get '"%s %s %s" % (j[0].get("family"), j[0]["addr"], j[0]["port"])')"
expect_eq "service list -j: its backends' IPv6 addresses" \
	"fd00:2::11:8080 fd00:2::12:8080 fd00:2::13:8080" \
	"$(knat_in r -j service list | json_get '" ".join("%s:%s" % (b["addr"], b["port"]) for b in j[0]["backends"])')"
expect_match "service list writes the VIP bracketed" "^tcp \[$VIP\]:80 sched rr" \
	"$(knat_in r service list | head -n 1)"
expect_match "service list writes the backends bracketed" "-> \[fd00:2::12\]:8080 weight 1" \
	"$(knat_in r service list)"
expect_eq "backend list: the three, bracketed" 3 \
	"$(knat_in r backend list tcp $V:80 | grep -c '\[fd00:2::1[123]\]:8080 weight 1')"
expect_eq "IPv6 hooks registered with the first IPv6 service" True \
	"$(status_of r 'j["hooks6_active"]')"

expect_eq "rr: 30 connections, exactly 10 each" "b1:10 b2:10 b3:10" \
	"$(spread c1 30 $VIP 80 2000)"
# The bulk transfer, seen on both sides of r: on c1's link only the VIP,
# on the backends' only the client's real address, every checksum knat
# changed right (r sums in software on br0 and br1: whole segments).
capture_full c1 eth0 "$TMP/c1.pcap"
CAPTURE_C1=$CAPTURE_PID
capture_full r br1 "$TMP/br1.pcap"
out=$(nettool c1 tcp $VIP 80 100000)
capture_stop
CAPTURE_PID=$CAPTURE_C1 capture_stop
expect_eq "100000 bytes through the VIP intact" True "$(field match "$out")"
expect_match "the backend sees the real client" '^\[2001:db8:1::2\]:[0-9]+$' "$(field peer "$out")"
n=$(pcap6 "$TMP/c1.pcap" --where src=$VIP --where dst=2001:db8:1::2 --where proto=tcp --where sport=80 --count)
[ "$n" -gt 20 ] && pass "c1's link: $n segments from [VIP]:80" ||
	fail "c1's link: $n segments from [VIP]:80"
expect_eq "c1's link: every one's checksum right" 0 \
	"$(pcap6 "$TMP/c1.pcap" --where src=$VIP --not csum=ok --count)"
expect_eq "c1's link: no backend address in any header" 0 \
	"$(pcap6 "$TMP/c1.pcap" --inside fd00::/8 --count)"
n=$(pcap6 "$TMP/br1.pcap" --where src=2001:db8:1::2 --where dst=fd00:2::/64 --where proto=tcp --where dport=8080 --count)
[ "$n" -gt 20 ] && pass "backends' link: $n segments from the client to a backend's 8080" ||
	fail "backends' link: $n segments from the client to a backend's 8080"
expect_eq "backends' link: every one's checksum right" 0 \
	"$(pcap6 "$TMP/br1.pcap" --where src=2001:db8:1::2 --not csum=ok --count)"
expect_eq "backends' link: the VIP in no header" 0 \
	"$(pcap6 "$TMP/br1.pcap" --inside $VIP/128 --count)"
expect_eq "per-backend conns match what clients saw" \
	"fd00:2::11:11 fd00:2::12:10 fd00:2::13:10" "$(lb6_conns tcp $VIP 80)"
expect_eq "the 31 flows: IPv6, of the service (TIME_WAIT keeps them)" "31 31 0" \
	"$(knat_in r flow count service $V:80) $(knat_in r flow count family inet6) $(knat_in r flow count family inet)"
expect_eq "flow list -j: each flow's reply source a backend, its family inet6" \
	"inet6 fd00:2::11 fd00:2::12 fd00:2::13" \
	"$(knat_in r -j flow list service $V:80 | json_get '" ".join(sorted({f["family"] for f in j}) + sorted({f["reply"]["src"] for f in j}))')"

# Ask first, then connect: explain names the backend rr gives the next
# connection (as service list writes it), and asking moves nothing.
ex=$(knat_in r explain tcp '[2001:db8:1::2]:45000' $V:80)
printf '%s\n' "$ex" | sed 's/^/# /'
want=$(printf '%s\n' "$ex" | sed -n 's/^ *service tcp \[2001:db8:100::10\]:80 sched rr backend \[\(fd00:2::1[123]\)\]:8080$/\1/p')
expect_match "explain: the service and the backend it would pick ($want)" '^fd00:2::1[123]$' "$want"
expect_match "explain: out to that backend through br1" \
	"out \[2001:db8:1::2\]:45000 -> \[$want\]:8080 oif br1" "$ex"
expect_eq "explain again: the same answer (asking moved nothing)" "$ex" \
	"$(knat_in r explain tcp '[2001:db8:1::2]:45000' $V:80)"
out=$(nettool c1 tcp $VIP 80 100 --sport 45000)
expect_eq "the connection went where explain said" "$(be "$want")" "$(field name "$out")"

# Weighted round robin, smooth: exact over a whole cycle.
expect_ok "service set sched wrr" knat_in r service set tcp $V:80 sched wrr
set_weights 1 2 3
expect_eq "smooth wrr 1:2:3 over 60: exact" "b1:10 b2:20 b3:30" \
	"$(spread c1 60 $VIP 80 100)"

expect_ok "backend b2 down" knat_in r backend set tcp $V:80 '[fd00:2::12]:8080' down
expect_eq "a down backend gets nothing" "b1:4 b3:12" "$(spread c1 16 $VIP 80 100)"
expect_eq "service list -j: b2's state down" down \
	"$(knat_in r -j service list | json_get '[b["state"] for b in j[0]["backends"] if b["addr"] == "fd00:2::12"][0]')"
knat_in r backend set tcp $V:80 '[fd00:2::12]:8080' up

# Draining by weight 0: a long flow continues, new ones go elsewhere.  The
# test ends the long flow (--until), not the clock.
knat_in r service set tcp $V:80 sched rr
set_weights 1 1 1
rm -f "$HOLD.stop"
nettool c2 hold $VIP 80 120 --until "$HOLD.stop" >"$HOLD" &
holder=$!
busywait 10000 flows_are 1 proto tcp state established ||
	fail "long flow established"
long_be=$(knat_in r -j flow list proto tcp state established | json_get 'j[0]["reply"]["src"]')
expect_match "the long flow's backend is one of b1..b3 ($long_be)" '^fd00:2::1[123]$' "$long_be"
expect_ok "weight 0 on the long flow's backend" \
	knat_in r backend set tcp $V:80 "[$long_be]:8080" weight 0
others=$(printf '%s\n' b1 b2 b3 | grep -vx "$(be "$long_be")" | sed 's/$/:4/' | paste -sd ' ')
expect_eq "draining backend ($long_be): rr's 8 new flows alternate over the others" \
	"$others" "$(spread c1 8 $VIP 80 100)"
touch "$HOLD.stop"
wait $holder
expect_eq "the long flow survived draining, byte for byte" closed \
	"$(field state "$(tail -n 1 "$HOLD")")"
expect_eq "it stayed on its backend" "$long_be" \
	"$(knat_in r -j flow list proto tcp src 2001:db8:1::3 | json_get '" ".join(sorted({f["reply"]["src"] for f in j}))')"
knat_in r backend set tcp $V:80 "[$long_be]:8080" weight 1

# Least connections: the flows in the table count, TIME_WAIT ones too, so
# one client's short connections one after the other fill b1..b3 evenly.
knat_in r flow flush
expect_ok "service set sched lc" knat_in r service set tcp $V:80 sched lc
expect_eq "lc: 9 connections after a flush, 3 each" "b1:3 b2:3 b3:3" \
	"$(spread c1 9 $VIP 80 100)"
# Two long flows occupy two backends; lc then picks the idle one.
knat_in r flow flush
rm -f "$HOLD.stop"
nettool c2 hold $VIP 80 120 --until "$HOLD.stop" >/dev/null &
h1=$!
busywait 10000 flows_are 1 proto tcp state established
nettool c2 hold $VIP 80 120 --until "$HOLD.stop" >/dev/null &
h2=$!
busywait 10000 flows_are 2 proto tcp state established
busy=$(knat_in r -j flow list proto tcp state established | json_get '" ".join(sorted(f["reply"]["src"] for f in j))')
idle=$(printf '%s\n' fd00:2::11 fd00:2::12 fd00:2::13 | grep -vxF -e "${busy% *}" -e "${busy#* }")
out=$(nettool c1 tcp $VIP 80 100)
expect_eq "lc picks the idle backend ($idle; busy: $busy)" "$(be "$idle")" "$(field name "$out")"
touch "$HOLD.stop"
wait $h1 $h2
rm -f "$HOLD.stop"

# Weighted least connections: flows per unit of weight, ties to the first.
knat_in r flow flush
expect_ok "service set sched wlc" knat_in r service set tcp $V:80 sched wlc
set_weights 1 2 3
expect_eq "wlc 1:2:3: 12 connections after a flush, exactly 2:4:6" "b1:2 b2:4 b3:6" \
	"$(spread c1 12 $VIP 80 100)"
expect_eq "wlc: the flows per backend, as knat counts them" \
	"fd00:2::11:2 fd00:2::12:4 fd00:2::13:6" \
	"$(knat_in r -s -j service list | json_get '" ".join("%s:%s" % (b["addr"], b["flows"]) for b in j[0]["backends"])')"

# Source hash and maglev: every connection of a client lands on one
# backend, whatever its port.
for s in sh maglev; do
	knat_in r service set tcp $V:80 sched $s
	n1=$(spread c1 8 $VIP 80 100)
	n2=$(spread c2 8 $VIP 80 100)
	expect_match "$s: c1 sticks to one backend ($n1)" '^b[123]:8$' "$n1"
	expect_match "$s: c2 sticks to one backend ($n2)" '^b[123]:8$' "$n2"
done
expect_ok "maglev: a fourth backend" knat_in r backend add tcp $V:80 '[fd00:2::14]:8080'
moved=$(knat_in r -s -j service list | json_get 'j[0]["moved"]')
# Weights 1, 2, 3: a new backend of weight 1 takes a seventh of the 65537
# slots (9362), and hardly any other slot moves.
[ "$moved" -gt 9300 ] && [ "$moved" -lt 9700 ] &&
	pass "maglev reports the slots a new backend moved ($moved of 65537)" ||
	fail "maglev reports the slots a new backend moved ($moved of 65537)"

# Hairpin: b4 is not a backend of this VIP; it reaches it, and whichever
# backend answers sees the router, so the answer comes back through knat.
knat_in r backend del tcp $V:80 '[fd00:2::14]:8080'
out=$(nettool b4 tcp $VIP 80 1000)
expect_eq "hairpin: a host on the backends' LAN reaches the VIP" True "$(field match "$out")"
expect_match "hairpin: the backend sees the router" '^\[fd00:2::1\]:[0-9]+$' "$(field peer "$out")"

# The router's own connections to the VIP are balanced too (LOCAL_OUT):
# it needs only a route toward the VIP, as any host would.
ip -n "$(ns r)" -6 route add $VIP/128 dev br1
out=$(nettool r tcp $VIP 80 10000)
expect_eq "the router itself reaches the VIP, 10000 bytes intact" True "$(field match "$out")"
expect_match "its connection was sent to a backend" '^b[1-3]$' "$(field name "$out")"
ip -n "$(ns r)" -6 route del $VIP/128 dev br1

# UDP: rr over datagrams; a client with a fixed port is answered within
# one packet after its backend goes down.
expect_ok "service add udp [VIP]:53" knat_in r service add udp $V:53 sched rr
for i in 1 2 3; do knat_in r backend add udp $V:53 "[fd00:2::1$i]:5353"; done
outs=$(nettool c1 udp $VIP 53 --sports 6001,6002,6003,6004,6005,6006)
expect_eq "UDP rr: 6 clients, 2 each" "b1:2 b2:2 b3:2" \
	"$(printf '%s\n' "$outs" | fields name | sort | uniq -c | awk '{printf "%s%s:%s", sep, $2, $1; sep=" "}')"
expect_eq "UDP: every datagram echoed intact" "True:6" \
	"$(printf '%s\n' "$outs" | fields match | sort | uniq -c | awk '{printf "%s:%s", $2, $1}')"
expect_eq "UDP answers come from [VIP]:53" "[$VIP]:53" \
	"$(printf '%s\n' "$outs" | fields src | sort -u | xargs)"
expect_eq "UDP: the backends see the real client address and port" \
	"[2001:db8:1::2]:6001 [2001:db8:1::2]:6006" \
	"$(printf '%s\n' "$outs" | fields peer | sed -n '1p;$p' | xargs)"
first=$(field name "$(nettool c1 udp $VIP 53 --sport 7777)")
knat_in r backend set udp $V:53 "[fd00:2::1${first: -1}]:5353" down
out=$(nettool c1 udp $VIP 53 --sport 7777 --timeout 2)
next=$(field name "$out")
[ "$(field match "$out")" = True ] && [ "$next" != "$first" ] &&
	pass "UDP flow moved at once off its down backend ($first -> $next)" ||
	fail "UDP flow moved at once off its down backend ($first -> $next)"

before=$(stat_of r no-backend)
for i in 1 2 3; do knat_in r backend set udp $V:53 "[fd00:2::1$i]:5353" down; done
expect_fail "no backend up: no answer" nettool c1 udp $VIP 53 --sport 7778 --timeout 1
expect_eq "drop no-backend counted once" $((before + 1)) "$(stat_of r no-backend)"

err=$(knat_in r service add tcp $V:80 2>&1)
expect_eq "duplicate service refused" "Error: Service already exists." "$err"
err=$(knat_in r backend add tcp $V:81 fd00:2::11 2>&1)
expect_eq "backend of a missing service refused" "Error: No such service." "$err"
expect_eq "status: two services" 2 "$(status_of r 'j["services"]')"
expect_ok "service del" knat_in r service del tcp $V:80
expect_ok "service del udp" knat_in r service del udp $V:53
expect_eq "no flows left" 0 "$(knat_in r flow count)"
expect_match "no hooks left" "hooks inactive" "$(knat_in r status)"
expect_eq "no IPv6 hooks left" False "$(status_of r 'j["hooks6_active"]')"

tap_end

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Layer-4 load balancing in NAT mode: a VIP on no interface, backends that
# answer with their own name, and what each of the six schedulers (rr wrr
# lc wlc sh maglev) does with real TCP and UDP connections; then hairpin,
# the router's own connections (LOCAL_OUT), pings to the VIP, and what is
# refused.
#
#  c1 198.51.100.2 --+                              +-- b1 10.0.2.11
#                    +-- br0 198.51.100.1 [ r ] br1 10.0.2.1 -- b2 10.0.2.12
#  c2 198.51.100.3 --+   VIP 203.0.113.10 (on no    +-- b3 10.0.2.13
#                        interface: routed to r)    +-- b4 10.0.2.14
#
# KNAT_LB_FAMILY=6 (lb6_sched.sh) runs the same test in IPv6, in
# lb6_topology:
#
#  c1 2001:db8:1::2 --+                                 +-- b1 fd00:2::11
#                     +-- br0 2001:db8:1::1 [ r ] br1 fd00:2::1 -- b2 fd00:2::12
#  c2 2001:db8:1::3 --+   VIP 2001:db8:100::10 (on no   +-- b3 fd00:2::13
#                         interface: routed to r)       +-- b4 fd00:2::14
#
# There services and backends are written bracketed, and the bulk
# transfer is also captured on both sides of r and checked with pcap6 (the
# addresses in every header, every checksum knat changed): IPv6 only.
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 ss

# VIP: the bare VIP; V: the VIP as a service names it; BE: a backend's
# address is BE then its number; C1, C2: the clients; RBR1: r's address on
# the backends' LAN; VIPNET: the VIP as a host route; NONVIP: an address
# next to the VIP that is none; FAM, OTHER: this family's name and the
# other's (as flow filters and JSON have them); HOOKS: its hooks in status.
if [ "${KNAT_LB_FAMILY:-4}" = 6 ]; then
	require_cmd ethtool tcpdump
	require_ipv6
	lb6_topology || { fail "topology"; tap_end; }
	VIP=$LB6_VIP V="[$VIP]" BE=fd00:2::1 C1=2001:db8:1::2 C2=2001:db8:1::3
	RBR1=fd00:2::1 VIPNET=$VIP/128 NONVIP=2001:db8:100::11
	FAM=inet6 OTHER=inet HOOKS=hooks6_active
	# ep ADDR: ADDR as an endpoint is written before its ":PORT"; ep_re
	# REGEX: the same for a regular expression.
	ep() { echo "[$1]"; }
	ep_re() { echo "\\[$1\\]"; }
else
	lb_topology || { fail "topology"; tap_end; }
	VIP=203.0.113.10 V=$VIP BE=10.0.2.1 C1=198.51.100.2 C2=198.51.100.3
	RBR1=10.0.2.1 VIPNET=$VIP/32 NONVIP=203.0.113.11
	FAM=inet OTHER=inet6 HOOKS=hooks_active
	ep() { echo "$1"; }
	ep_re() { echo "$1"; }
fi
TMP=$(mktemp -d)
on_exit rm -rf "$TMP"
HOLD=$TMP/hold

# be N: backend bN as a service's backend is written (port to follow).
be() {
	ep "$BE$1"
}

# name_of ADDR: the backend's name (10.0.2.12, fd00:2::12 -> b2).
name_of() {
	echo "b${1: -1}"
}

# re STRING: STRING as a regular expression (basic or extended) matching
# just itself: its dots and brackets escaped.
re() {
	printf '%s' "$1" | sed 's/[].[]/\\&/g'
}

# set_weights W1 W2 W3: the weights of b1..b3 of the TCP service.
set_weights() {
	local i w
	for i in 1 2 3; do
		w=${!i}
		knat_in r backend set tcp "$V:80" "$(be "$i"):8080" weight "$w" ||
			fail "backend set b$i weight $w"
	done
}

# flows_are N FILTER...: for busywait.
flows_are() {
	local n=$1
	shift
	[ "$(knat_in r flow count "$@")" = "$n" ]
}

# more_than_20 N DESC: N (packets counted) is more than 20.
more_than_20() {
	[ "$1" -gt 20 ] && pass "$2" || fail "$2"
}

expect_ok "service add tcp VIP:80 rr" knat_in r service add tcp "$V:80" sched rr
for i in 1 2 3; do
	knat_in r backend add tcp "$V:80" "$(be "$i"):8080" || fail "backend add b$i"
done
expect_eq "service list -j: an $FAM service, its VIP and port" "$FAM $VIP 80" \
	"$(knat_in r -j service list | json_get '"%s %s %s" % (j[0].get("family"), j[0]["addr"], j[0]["port"])')"
expect_eq "service list -j: its backends' addresses" \
	"${BE}1:8080 ${BE}2:8080 ${BE}3:8080" \
	"$(knat_in r -j service list | json_get '" ".join("%s:%s" % (b["addr"], b["port"]) for b in j[0]["backends"])')"
expect_match "service list writes the VIP as $V:80" "^tcp $(re "$V"):80 sched rr" \
	"$(knat_in r service list | head -n 1)"
expect_match "service list writes the backends as $(be 2):8080" \
	"-> $(ep_re "$(re ${BE}2)"):8080 weight 1" "$(knat_in r service list)"
expect_eq "backend list: the three, as the service names them" 3 \
	"$(knat_in r backend list tcp "$V:80" | grep -c "$(ep_re "$(re $BE)[123]"):8080 weight 1")"
expect_eq "$FAM hooks registered with the first $FAM service" True \
	"$(status_of r "j[\"$HOOKS\"]")"

expect_eq "rr: 30 connections, exactly 10 each" "b1:10 b2:10 b3:10" \
	"$(spread c1 30 $VIP 80 2000)"
# The bulk transfer.  In IPv6 it is seen on both sides of r: on c1's link
# only the VIP, on the backends' only the client's real address, every
# checksum knat changed right (r sums in software on br0 and br1: whole
# segments).
if [ $FAM = inet6 ]; then
	capture_full c1 eth0 "$TMP/c1.pcap"
	CAPTURE_C1=$CAPTURE_PID
	capture_full r br1 "$TMP/br1.pcap"
fi
out=$(nettool c1 tcp $VIP 80 100000)
if [ $FAM = inet6 ]; then
	capture_stop
	CAPTURE_PID=$CAPTURE_C1 capture_stop
fi
expect_eq "100000 bytes through the VIP intact" True "$(field match "$out")"
expect_match "the backend sees the real client" "^$(ep_re "$(re $C1)"):[0-9]+\$" "$(field peer "$out")"
if [ $FAM = inet6 ]; then
	n=$(pcap6 "$TMP/c1.pcap" --where src=$VIP --where dst=$C1 --where proto=tcp --where sport=80 --count)
	more_than_20 "$n" "c1's link: $n segments from [VIP]:80"
	expect_eq "c1's link: every one's checksum right" 0 \
		"$(pcap6 "$TMP/c1.pcap" --where src=$VIP --not csum=ok --count)"
	expect_eq "c1's link: no backend address in any header" 0 \
		"$(pcap6 "$TMP/c1.pcap" --inside fd00::/8 --count)"
	n=$(pcap6 "$TMP/br1.pcap" --where src=$C1 --where dst=fd00:2::/64 --where proto=tcp --where dport=8080 --count)
	more_than_20 "$n" "backends' link: $n segments from the client to a backend's 8080"
	expect_eq "backends' link: every one's checksum right" 0 \
		"$(pcap6 "$TMP/br1.pcap" --where src=$C1 --not csum=ok --count)"
	expect_eq "backends' link: the VIP in no header" 0 \
		"$(pcap6 "$TMP/br1.pcap" --inside $VIPNET --count)"
fi
expect_eq "per-backend conns match what clients saw" \
	"${BE}1:11 ${BE}2:10 ${BE}3:10" \
	"$(knat_in r -s -j service list | json_get '" ".join("%s:%s" % (b["addr"], b["conns"]) for b in j[0]["backends"])')"
expect_eq "the 31 flows: $FAM, of the service (TIME_WAIT keeps them)" "31 31 0" \
	"$(knat_in r flow count service "$V:80") $(knat_in r flow count family $FAM) $(knat_in r flow count family $OTHER)"
expect_eq "flow list -j: each flow's reply source a backend, its family $FAM" \
	"$FAM ${BE}1 ${BE}2 ${BE}3" \
	"$(knat_in r -j flow list service "$V:80" | json_get '" ".join(sorted({f["family"] for f in j}) + sorted({f["reply"]["src"] for f in j}))')"

# Ask first, then connect: explain names the backend rr gives the next
# connection (as service list writes it), and asking moves nothing.
ex=$(knat_in r explain tcp "$(ep $C1):45000" "$V:80")
printf '%s\n' "$ex" | sed 's/^/# /'
want=$(printf '%s\n' "$ex" | sed -n "s/^ *service tcp $(re "$V"):80 sched rr backend $(ep_re "\\($(re $BE)[123]\\)"):8080\$/\\1/p")
expect_match "explain: the service and the backend it would pick ($want)" "^$(re $BE)[123]\$" "$want"
expect_match "explain: out to that backend through br1" \
	"out $(ep_re "$(re $C1)"):45000 -> $(ep_re "$(re "$want")"):8080 oif br1" "$ex"
expect_eq "explain again: the same answer (asking moved nothing)" "$ex" \
	"$(knat_in r explain tcp "$(ep $C1):45000" "$V:80")"
out=$(nettool c1 tcp $VIP 80 100 --sport 45000)
expect_eq "the connection went where explain said" "$(name_of "$want")" "$(field name "$out")"

# Weighted round robin, smooth: exact over a whole cycle.
expect_ok "service set sched wrr" knat_in r service set tcp "$V:80" sched wrr
set_weights 1 2 3
expect_eq "smooth wrr 1:2:3 over 60: exact" "b1:10 b2:20 b3:30" \
	"$(spread c1 60 $VIP 80 100)"

expect_ok "backend b2 down" knat_in r backend set tcp "$V:80" "$(be 2):8080" down
expect_eq "a down backend gets nothing" "b1:4 b3:12" "$(spread c1 16 $VIP 80 100)"
expect_eq "service list -j: b2's state down" down \
	"$(knat_in r -j service list | json_get "[b[\"state\"] for b in j[0][\"backends\"] if b[\"addr\"] == \"${BE}2\"][0]")"
knat_in r backend set tcp "$V:80" "$(be 2):8080" up

# Draining by weight 0: a long flow continues, new ones go elsewhere.  The
# test ends the long flow (--until), not the clock: a loaded VM may take
# longer than any fixed hold to look at it.
knat_in r service set tcp "$V:80" sched rr
set_weights 1 1 1
rm -f "$HOLD.stop"
nettool c2 hold $VIP 80 120 --until "$HOLD.stop" >"$HOLD" &
holder=$!
busywait 10000 flows_are 1 proto tcp state established ||
	fail "long flow established"
long_be=$(knat_in r -j flow list proto tcp state established | json_get 'j[0]["reply"]["src"]')
expect_match "the long flow's backend is one of b1..b3 ($long_be)" "^$(re $BE)[123]\$" "$long_be"
expect_ok "weight 0 on the long flow's backend" \
	knat_in r backend set tcp "$V:80" "$(ep "$long_be"):8080" weight 0
others=$(printf '%s\n' b1 b2 b3 | grep -vx "$(name_of "$long_be")" | sed 's/$/:4/' | paste -sd ' ')
expect_eq "draining backend ($long_be): rr's 8 new flows alternate over the others" \
	"$others" "$(spread c1 8 $VIP 80 100)"
touch "$HOLD.stop"
wait $holder
expect_eq "the long flow survived draining, byte for byte" closed \
	"$(field state "$(tail -n 1 "$HOLD")")"
expect_eq "it stayed on its backend" "$long_be" \
	"$(knat_in r -j flow list proto tcp src $C2 | json_get '" ".join(sorted({f["reply"]["src"] for f in j}))')"
knat_in r backend set tcp "$V:80" "$(ep "$long_be"):8080" weight 1

# Least connections: the flows in the table count, TIME_WAIT ones too, so
# one client's short connections one after the other fill b1..b3 evenly.
knat_in r flow flush
expect_ok "service set sched lc" knat_in r service set tcp "$V:80" sched lc
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
idle=$(printf '%s\n' "${BE}1" "${BE}2" "${BE}3" | grep -vxF -e "${busy% *}" -e "${busy#* }")
out=$(nettool c1 tcp $VIP 80 100)
expect_eq "lc picks the idle backend ($idle; busy: $busy)" "$(name_of "$idle")" "$(field name "$out")"
touch "$HOLD.stop"
wait $h1 $h2
rm -f "$HOLD.stop"

# Weighted least connections: flows per unit of weight, ties to the first.
knat_in r flow flush
expect_ok "service set sched wlc" knat_in r service set tcp "$V:80" sched wlc
set_weights 1 2 3
expect_eq "wlc 1:2:3: 12 connections after a flush, exactly 2:4:6" "b1:2 b2:4 b3:6" \
	"$(spread c1 12 $VIP 80 100)"
expect_eq "wlc: the flows per backend, as knat counts them" \
	"${BE}1:2 ${BE}2:4 ${BE}3:6" \
	"$(knat_in r -s -j service list | json_get '" ".join("%s:%s" % (b["addr"], b["flows"]) for b in j[0]["backends"])')"

# Source hash and maglev: every connection of a client lands on one
# backend, whatever its port.
for s in sh maglev; do
	knat_in r service set tcp "$V:80" sched $s
	n1=$(spread c1 8 $VIP 80 100)
	n2=$(spread c2 8 $VIP 80 100)
	expect_match "$s: c1 sticks to one backend ($n1)" '^b[123]:8$' "$n1"
	expect_match "$s: c2 sticks to one backend ($n2)" '^b[123]:8$' "$n2"
done
expect_ok "maglev: a fourth backend" knat_in r backend add tcp "$V:80" "$(be 4):8080"
moved=$(knat_in r -s -j service list | json_get 'j[0]["moved"]')
# Weights 1, 2, 3: a new backend of weight 1 takes a seventh of the 65537
# slots (9362), and hardly any other slot moves.
[ "$moved" -gt 9300 ] && [ "$moved" -lt 9700 ] &&
	pass "maglev reports the slots a new backend moved ($moved of 65537)" ||
	fail "maglev reports the slots a new backend moved ($moved of 65537)"

# Hairpin: b4 is not a backend of this VIP; it reaches it, and whichever
# backend answers sees the router, so the answer comes back through knat.
knat_in r backend del tcp "$V:80" "$(be 4):8080"
out=$(nettool b4 tcp $VIP 80 1000)
expect_eq "hairpin: a host on the backends' LAN reaches the VIP" True "$(field match "$out")"
expect_match "hairpin: the backend sees the router" "^$(ep_re "$(re $RBR1)"):[0-9]+\$" "$(field peer "$out")"

# The router's own connections to the VIP are balanced too (LOCAL_OUT):
# it needs only a route toward the VIP, as any host would.
ip -n "$(ns r)" route add $VIPNET dev br1
out=$(nettool r tcp $VIP 80 10000)
expect_eq "the router itself reaches the VIP, 10000 bytes intact" True "$(field match "$out")"
expect_match "its connection was sent to a backend" '^b[1-3]$' "$(field name "$out")"
ip -n "$(ns r)" route del $VIPNET dev br1

# The VIP is on no interface, yet it answers pings: knat replies itself.
before=$(stat_of r vip-echo)
out=$(nettool c1 ping $VIP --id 4242 --count 3)
expect_eq "ping VIP: 3 of 3 answered, payload and checksum intact" 3 "$(field received "$out")"
expect_eq "vip-echo counted 3" $((before + 3)) "$(stat_of r vip-echo)"
expect_fail "ping to a non-VIP address in the VIP's net is not answered" \
	nettool c1 ping $NONVIP --id 4243 --timeout 1

# UDP: rr over datagrams; a client with a fixed port is answered within
# one packet after its backend goes down.
expect_ok "service add udp VIP:53" knat_in r service add udp "$V:53" sched rr
for i in 1 2 3; do knat_in r backend add udp "$V:53" "$(be "$i"):5353"; done
outs=$(nettool c1 udp $VIP 53 --sports 6001,6002,6003,6004,6005,6006)
expect_eq "UDP rr: 6 clients, 2 each" "b1:2 b2:2 b3:2" \
	"$(printf '%s\n' "$outs" | fields name | sort | uniq -c | awk '{printf "%s%s:%s", sep, $2, $1; sep=" "}')"
expect_eq "UDP: every datagram echoed intact" "True:6" \
	"$(printf '%s\n' "$outs" | fields match | sort | uniq -c | awk '{printf "%s:%s", $2, $1}')"
expect_eq "UDP answers come from VIP:53" "$V:53" \
	"$(printf '%s\n' "$outs" | fields src | sort -u | xargs)"
expect_eq "UDP: the backends see the real client address and port" \
	"$(ep $C1):6001 $(ep $C1):6006" \
	"$(printf '%s\n' "$outs" | fields peer | sed -n '1p;$p' | xargs)"
first=$(field name "$(nettool c1 udp $VIP 53 --sport 7777)")
knat_in r backend set udp "$V:53" "$(be "${first: -1}"):5353" down
out=$(nettool c1 udp $VIP 53 --sport 7777 --timeout 2)
next=$(field name "$out")
[ "$(field match "$out")" = True ] && [ "$next" != "$first" ] &&
	pass "UDP flow moved at once off its down backend ($first -> $next)" ||
	fail "UDP flow moved at once off its down backend ($first -> $next)"

before=$(stat_of r no-backend)
for i in 1 2 3; do knat_in r backend set udp "$V:53" "$(be "$i"):5353" down; done
expect_fail "no backend up: no answer" nettool c1 udp $VIP 53 --sport 7778 --timeout 1
expect_eq "drop no-backend counted once" $((before + 1)) "$(stat_of r no-backend)"

err=$(knat_in r service add tcp "$V:80" 2>&1)
expect_eq "duplicate service refused" "Error: Service already exists." "$err"
err=$(knat_in r backend add tcp "$V:81" "${BE}1" 2>&1)
expect_eq "backend of a missing service refused" "Error: No such service." "$err"
expect_eq "status: two services" 2 "$(status_of r 'j["services"]')"
expect_ok "service del" knat_in r service del tcp "$V:80"
expect_ok "service del udp" knat_in r service del udp "$V:53"
expect_eq "no flows left" 0 "$(knat_in r flow count)"
expect_match "no hooks left" "hooks inactive" "$(knat_in r status)"
expect_eq "no IPv6 hooks left" False "$(status_of r 'j["hooks6_active"]')"

tap_end

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv6 load balancing beyond the schedulers, the IPv6 twin of parts of
# lb_sched.sh, lb_persist.sh, lb_lifecycle.sh and lb_health.sh: a service
# is of one family (a backend of the other is refused); ICMPv6 echo to the
# VIP is answered by knat, counted; persistence by client address; a
# backend deleted with a drain (its flow finishes, then it goes) and
# outright; flow list and count by service and backend; hairpin from a
# host on the backends' LAN; a backend's ICMPv6 error translated back to
# the client; passive health checking by RST, ICMPv6 port unreachable and
# silence, every step on `knat monitor`, and by two client addresses.
#
#  c1 2001:db8:1::2 --+                                 +-- b1 fd00:2::11
#                     +-- br0 2001:db8:1::1 [ r ] br1 fd00:2::1 -- b2 fd00:2::12
#  c2 2001:db8:1::3 --+   VIP 2001:db8:100::10 (on no   +-- b3 fd00:2::13
#                         interface: routed to r)       +-- b4 fd00:2::14
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 ss ethtool nft tcpdump
require_ipv6

lb6_topology || { fail "topology"; tap_end; }
VIP=$LB6_VIP
V="[$VIP]"
C2=2001:db8:1::3
TMP=$(mktemp -d)
on_exit rm -rf "$TMP"

# be ADDR: the backend's name (fd00:2::12 -> b2).
be() {
	echo "b${1: -1}"
}

# svc_add PROTO PORT BEPORT ARGS...: a service of b1..b3 (BEPORT theirs).
svc_add() {
	local proto=$1 port=$2 beport=$3 i
	shift 3
	knat_in r service add "$proto" "$V:$port" "$@" || return 1
	for i in 1 2 3; do
		knat_in r backend add "$proto" "$V:$port" "[fd00:2::1$i]:$beport" || return 1
	done
}

# flows_are N FILTER...: for busywait.
flows_are() {
	local n=$1
	shift
	[ "$(knat_in r flow count "$@")" = "$n" ]
}

# backend_of ADDR:SPORT: the backend (reply source) of that client's flows.
backend_of() {
	knat_in r -j flow list src "$1" |
		json_get '" ".join(sorted({f["reply"]["src"] for f in j}))'
}

# be_json PORT ADDR KEY [-s]: KEY of backend ADDR of the TCP service
# [VIP]:PORT, "gone" when it is not listed.
be_json() {
	knat_in r ${4:+-s} -j service list |
		json_get "([b['$3'] for s in j if s['proto'] == 'tcp' and s['port'] == $1 for b in s['backends'] if b['addr'] == '$2'] or ['gone'])[0]"
}

# be_gone ADDR: backend [ADDR]:8080 is not listed (text: no Python).
be_gone() {
	! knat_in r service list | grep -qF -- "-> [$1]:8080 "
}

# hold_start NAME SPORT [ARGS]: a long flow from c2 in the background (pid
# in HOLD, output in $TMP/hold-SPORT), a tick a second until hold_stop;
# wait until knat has it established.
hold_start() {
	local sport=$1
	shift
	nettool c2 hold $VIP 80 300 --sport "$sport" --until "$TMP/stop-$sport" \
		"$@" >"$TMP/hold-$sport" &
	HOLD=$!
	busywait 10000 flows_are 1 src "[$C2]:$sport" state established
}

# hold_ended SPORT: it has printed its last line.
hold_ended() {
	grep -Eq '^(error=|state=(closed|broken))' "$TMP/hold-$1"
}

# hold_stop SPORT: end it and wait; its status in HOLD_RC, last line in
# HOLD_OUT.
hold_stop() {
	touch "$TMP/stop-$1"
	wait $HOLD
	HOLD_RC=$?
	HOLD_OUT=$(tail -n 1 "$TMP/hold-$1")
}

# ---- 1. one family per service ------------------------------------------
expect_ok "an IPv4 service beside the IPv6 topology" \
	knat_in r service add tcp 203.0.113.10:80 sched rr
expect_ok "an IPv6 service" knat_in r service add tcp $V:80 sched rr
err=$(knat_in r backend add tcp $V:80 10.0.2.11 2>&1)
rc=$?
[ $rc -ne 0 ] && pass "IPv4 backend of an IPv6 service refused (exit $rc)" ||
	fail "IPv4 backend of an IPv6 service refused (exit $rc)"
expect_match "the refusal names the families ($err)" 'IPv4.*IPv6|IPv6.*IPv4' "$err"
expect_fail "IPv4 backend with a port of an IPv6 service refused" \
	knat_in r backend add tcp $V:80 10.0.2.11:8080
err=$(knat_in r backend add tcp 203.0.113.10:80 fd00:2::11 2>&1)
rc=$?
[ $rc -ne 0 ] && pass "IPv6 backend of an IPv4 service refused (exit $rc)" ||
	fail "IPv6 backend of an IPv4 service refused (exit $rc)"
expect_match "the refusal names the families ($err)" 'IPv4.*IPv6|IPv6.*IPv4' "$err"
expect_fail "bracketed IPv6 backend with a port of an IPv4 service refused" \
	knat_in r backend add tcp 203.0.113.10:80 '[fd00:2::11]:8080'
expect_fail "IPv6 backend set on an IPv4 service refused" \
	knat_in r backend set tcp 203.0.113.10:80 fd00:2::11 weight 2
expect_eq "neither service got a backend" "0 0" \
	"$(knat_in r -j service list | json_get '" ".join(str(len(s["backends"])) for s in j)')"
expect_eq "service list -j: one service of each family" "inet:203.0.113.10 inet6:$VIP" \
	"$(knat_in r -j service list | json_get '" ".join("%s:%s" % f for f in sorted((s.get("family", "inet"), s["addr"]) for s in j))')"
expect_eq "both count in status" 2 "$(status_of r 'j["services"]')"
expect_ok "the IPv4 service deleted" knat_in r service del tcp 203.0.113.10:80
expect_ok "the IPv6 one too" knat_in r service del tcp $V:80

# ---- 2. ICMPv6 echo to the VIP: knat answers, from the VIP ---------------
expect_ok "service add tcp [VIP]:80 rr, b1..b3" svc_add tcp 80 8080 sched rr
before=$(stat_of r vip-echo)
out=$(nettool c1 ping $VIP --id 4242 --count 3)
expect_eq "ping6 VIP: 3 of 3 answered by the VIP, payload and checksum intact" 3 \
	"$(field received "$out")"
expect_eq "vip-echo counted 3" $((before + 3)) "$(stat_of r vip-echo)"
expect_eq "the service counts them: icmp vip_echo 3" 3 \
	"$(knat_in r -s -j service list | json_get 'j[0]["icmp"]["vip_echo"]')"
expect_match "explain: a ping6 to the VIP is knat's to answer" 'vip-echo' \
	"$(knat_in r explain icmpv6 2001:db8:1::2 $VIP)"
expect_fail "ping6 to a non-VIP address in the VIP's prefix is not answered" \
	nettool c1 ping 2001:db8:100::11 --id 4243 --timeout 1
expect_eq "and not counted" $((before + 3)) "$(stat_of r vip-echo)"

# ---- 3. persistence: a client address keeps its backend -------------------
expect_ok "service set persist 30" knat_in r service set tcp $V:80 persist 30
expect_eq "service list shows persist" 30 \
	"$(knat_in r -j service list | json_get 'j[0]["persist"]')"
s1=$(spread c1 9 $VIP 80 100)
s2=$(spread c2 9 $VIP 80 100)
expect_match "persist: c1, 9 connections, one backend ($s1)" '^b[123]:9$' "$s1"
expect_match "persist: c2, 9 connections, one backend ($s2)" '^b[123]:9$' "$s2"
[ "${s1%%:*}" != "${s2%%:*}" ] && pass "rr still spreads clients ($s1, $s2)" ||
	fail "rr still spreads clients ($s1, $s2)"
b=${s1%%:*}
knat_in r backend set tcp $V:80 "[fd00:2::1${b: -1}]:8080" weight 0
s1b=$(spread c1 6 $VIP 80 100)
expect_match "c1's backend ($b) drained: c1 moved, still to one backend ($s1b)" \
	'^b[123]:6$' "$s1b"
[ "${s1b%%:*}" != "$b" ] && pass "the drained backend got none of c1's" ||
	fail "the drained backend got none of c1's"
knat_in r backend set tcp $V:80 "[fd00:2::1${b: -1}]:8080" weight 1
expect_eq "c1 stays on its new backend after the old one is back" \
	"${s1b%%:*}:3" "$(spread c1 3 $VIP 80 100)"
nb=${s1b%%:*}
expect_ok "delete c1's backend ($nb)" knat_in r backend del tcp $V:80 "[fd00:2::1${nb: -1}]:8080"
s1c=$(spread c1 4 $VIP 80 100)
expect_match "after the delete c1 sticks to a live backend ($s1c)" '^b[123]:4$' "$s1c"
[ "${s1c%%:*}" != "$nb" ] && pass "not the deleted one" || fail "not the deleted one"
knat_in r backend add tcp $V:80 "[fd00:2::1${nb: -1}]:8080"

# The entry outlives the connection by `persist` seconds, then goes: sh
# always sends c1 to S; c1 is pinned elsewhere (F) first, by a connection
# held open while the service changes, and returns to S once persist is up
# (lb_persist.sh tells why 15 s and why held).
P=15
tw0=$(knat_in r -j config | json_get 'j["timeouts"]["tcp_time_wait"]')
tc0=$(knat_in r -j config | json_get 'j["timeouts"]["tcp_close"]')
knat_in r config set timeout tcp-time-wait 1 timeout tcp-close 1
knat_in r service set tcp $V:80 sched sh persist 0
S=$(field name "$(nettool c1 tcp $VIP 80 100)")
knat_in r backend set tcp $V:80 "[fd00:2::1${S: -1}]:8080" weight 0
knat_in r service set tcp $V:80 sched rr persist $P
knat_in r flow flush
rm -f "$TMP/pstop"
nettool c1 hold $VIP 80 120 --until "$TMP/pstop" >"$TMP/phold" 2>&1 &
pid=$!
busywait 30000 grep -q state=open "$TMP/phold" || fail "c1's held connection opens"
a=$(knat_in r -j flow list proto tcp | json_get 'j[0]["reply"]["src"]')
F=$(be "$a")
knat_in r backend set tcp $V:80 "[fd00:2::1${S: -1}]:8080" weight 1
knat_in r service set tcp $V:80 sched sh
touch "$TMP/pstop"
wait $pid
expect_eq "within persist $P: c1 stays on $F though sh says $S" "$F:2" \
	"$(spread c1 2 $VIP 80 100)"
busywait 15000 flows_are 0 proto tcp || fail "flows expired"
sleep $P.5
expect_eq "persist $P after the last flow: the entry is gone, sh decides" "$S:2" \
	"$(spread c1 2 $VIP 80 100)"
expect_ok "persist 0 turns it off" knat_in r service set tcp $V:80 sched rr persist 0
expect_eq "without persist, rr spreads c1 again" 3 "$(spread c1 6 $VIP 80 100 | wc -w)"
knat_in r config set timeout tcp-time-wait "$tw0" timeout tcp-close "$tc0"

# ---- 4. backend del: with a drain, then outright --------------------------
#
# A short TIME_WAIT lets the drained flow leave the table by itself, well
# within the drain time.
TW=10
knat_in r config set timeout tcp-time-wait $TW
knat_in r flow flush
hold_start 41001 || fail "drain: long flow established"
be=$(backend_of "[$C2]:41001")
name=$(be "$be")
t_del=$(date +%s%3N)
expect_ok "drain: backend del [$be]:8080 drain 300" \
	knat_in r backend del tcp $V:80 "[$be]:8080" drain 300
expect_match "drain: service list shows it draining" \
	"-> \[$be\]:8080 weight 1 draining" "$(knat_in r service list)"
expect_eq "drain: JSON state draining" draining "$(be_json 80 "$be" state)"
expect_eq "drain: it still has its flow" 1 "$(be_json 80 "$be" flows -s)"
expect_eq "drain: 4 new connections, none on $name" \
	"$(printf '%s\n' b1 b2 b3 | grep -vx "$name" | sed 's/$/:2/' | paste -sd ' ')" \
	"$(spread c1 4 $VIP 80 1000)"
hold_stop 41001
t_end=$(date +%s%3N)
expect_match "drain: the long flow ran to its end, byte for byte ($HOLD_OUT)" \
	'^state=closed ticks=[0-9]+$' "$HOLD_OUT"
busywait 3000 flows_are 1 src "[$C2]:41001" state time-wait
expect_eq "drain: a TIME_WAIT flow still holds the backend" draining \
	"$(be_json 80 "$be" state)"
busywait 20000 be_gone "$be"
t_gone=$(date +%s%3N)
expect_eq "drain: $be gone once its last flow left the table" gone "$(be_json 80 "$be" state)"
[ $((t_gone - t_del)) -lt 150000 ] &&
	pass "drain: gone $((t_gone - t_end)) ms after the close (drain 300 s)" ||
	fail "drain: gone $((t_gone - t_end)) ms after the close (drain 300 s)"
knat_in r backend add tcp $V:80 "[$be]:8080"

before=$(stat_of r tcp-no-flow)
hold_start 41003 --timeout 3 || fail "del: long flow established"
be=$(backend_of "[$C2]:41003")
expect_ok "del: backend del [$be]:8080, no drain" knat_in r backend del tcp $V:80 "[$be]:8080"
expect_eq "del: its flow is gone at once" 0 "$(knat_in r flow count src "[$C2]:41003")"
expect_eq "del: no flow left towards $be" 0 \
	"$(knat_in r -j flow list | json_get "sum(f['reply']['src'] == '$be' for f in j)")"
busywait 8000 hold_ended 41003
hold_stop 41003
[ $HOLD_RC -ne 0 ] && [ "$HOLD_OUT" = error=timed_out ] &&
	pass "del: the held connection gets no more answers ($HOLD_OUT)" ||
	fail "del: the held connection gets no more answers (rc $HOLD_RC: $HOLD_OUT)"
after=$(stat_of r tcp-no-flow)
[ "$after" -gt "$before" ] &&
	pass "del: its later segments dropped as tcp-no-flow ($((after - before)))" ||
	fail "del: its later segments dropped as tcp-no-flow ($before -> $after)"
knat_in r backend add tcp $V:80 "[$be]:8080"
knat_in r config set timeout tcp-time-wait "$tw0"

# ---- 5. flows by service and backend, and hairpin ------------------------
expect_ok "service add udp [VIP]:53 rr, b1..b3" svc_add udp 53 5353 sched rr
knat_in r flow flush
spread c1 6 $VIP 80 100 >/dev/null
nettool c1 udp $VIP 53 --sports 6001,6002,6003 >/dev/null
# Hairpin: b4 is no backend; whichever backend answers sees the router.
out=$(nettool b4 tcp $VIP 80 1000)
expect_eq "hairpin: a host on the backends' LAN reaches the VIP" True "$(field match "$out")"
expect_match "hairpin: the backend sees the router" '^\[fd00:2::1\]:[0-9]+$' "$(field peer "$out")"
out=$(nettool b4 udp $VIP 53 --sport 6100)
expect_eq "hairpin UDP: answered from [VIP]:53, intact" "[$VIP]:53 True" \
	"$(field src "$out") $(field match "$out")"
expect_match "hairpin UDP: the backend sees the router" '^\[fd00:2::1\]:[0-9]+$' "$(field peer "$out")"
expect_eq "hairpin: 2 flows of kind service-hairpin, from b4" "2 2" \
	"$(knat_in r flow count kind service-hairpin) $(knat_in r flow count kind service-hairpin src fd00:2::14)"

expect_match "flow list writes a service flow's IPv6 tuples bracketed" \
	'^tcp [A-Z_-]+ src=\[2001:db8:1::2\]:[0-9]+ dst=\[2001:db8:100::10\]:80 reply src=\[fd00:2::1[123]\]:8080 dst=\[2001:db8:1::2\]:[0-9]+ service ' \
	"$(knat_in r flow list service $V:80 src 2001:db8:1::2 | head -n 1)"
expect_match "and a hairpin flow's: the reply to the router's address" \
	'^tcp [A-Z_-]+ src=\[fd00:2::14\]:[0-9]+ dst=\[2001:db8:100::10\]:80 reply src=\[fd00:2::1[123]\]:8080 dst=\[fd00:2::1\]:[0-9]+ service-hairpin ' \
	"$(knat_in r flow list kind service-hairpin proto tcp)"
expect_eq "flow count service [VIP]:80: c1's 6 and b4's hairpin" 7 \
	"$(knat_in r flow count service $V:80)"
expect_eq "flow count service [VIP]:53: c1's 3 and b4's hairpin" 4 \
	"$(knat_in r flow count service $V:53)"
expect_eq "flow list service [VIP]:53: all UDP, all to the VIP" "udp:$VIP" \
	"$(knat_in r -j flow list service $V:53 | json_get '" ".join(sorted({"%s:%s" % (f["proto"], f["orig"]["dst"]) for f in j}))')"
on_b1=$(knat_in r -s -j service list | json_get 'sum(b["flows"] for s in j for b in s["backends"] if b["addr"] == "fd00:2::11")')
expect_eq "flow count backend [fd00:2::11]: what service list counts for b1" \
	"$on_b1" "$(knat_in r flow count backend '[fd00:2::11]')"
expect_eq "backend without brackets: the same" "$on_b1" "$(knat_in r flow count backend fd00:2::11)"
expect_eq "flow list backend [fd00:2::11]: every reply from b1, both protocols" \
	"fd00:2::11 tcp udp" \
	"$(knat_in r -j flow list backend '[fd00:2::11]' | json_get '" ".join(sorted({f["reply"]["src"] for f in j}) + sorted({f["proto"] for f in j}))')"
expect_eq "backend [fd00:2::11]:5353: its UDP flows only" udp \
	"$(knat_in r -j flow list backend '[fd00:2::11]:5353' | json_get '" ".join(sorted({f["proto"] for f in j}))')"
expect_eq "a backend that has no flows" 0 "$(knat_in r flow count backend '[fd00:2::14]')"
n=$(knat_in r flow count)
k=$(knat_in r flow count backend '[fd00:2::12]')
expect_ok "flow del backend [fd00:2::12]" knat_in r flow del backend '[fd00:2::12]'
expect_eq "only b2's flows went" "0 $((n - k))" \
	"$(knat_in r flow count backend '[fd00:2::12]') $(knat_in r flow count)"
expect_ok "flow del service [VIP]:53" knat_in r flow del service $V:53
expect_eq "no UDP flow left, TCP ones stay" "0 $(knat_in r flow count proto tcp)" \
	"$(knat_in r flow count proto udp) $(knat_in r flow count service $V:80)"
expect_ok "service del udp" knat_in r service del udp $V:53
expect_ok "service del tcp" knat_in r service del tcp $V:80

# ---- 6. an ICMPv6 error from a backend reaches the client, translated ----
#
# Nobody listens on the backends' UDP 5400: the backend's port unreachable
# must leave r as the VIP's, the datagram it quotes as the client sent it,
# for the client's socket to take it.
expect_ok "service add udp [VIP]:54 rr, to the backends' closed 5400" \
	svc_add udp 54 5400 sched rr
unreach0=$(stat_of r icmp6-unreach-port)
translated0=$(stat_of r icmp-errors-translated)
capture_full c1 eth0 "$TMP/c1.pcap"
out=$(nettool c1 udp $VIP 54 --sport 4445 --recverr --timeout 3)
capture_stop
expect_eq "the port unreachable reaches the client, from the VIP" \
	"icmp 1/4 $VIP" "$(field reply "$out") $(field icmp "$out") $(field from "$out")"
expect_eq "on the wire: outer and quoted headers translated, sum right" 1 \
	"$(pcap6 "$TMP/c1.pcap" --where src=$VIP --where dst=2001:db8:1::2 --where type=1 \
		--where code=4 --where qsrc=2001:db8:1::2 --where qdst=$VIP --where qproto=udp \
		--where qsport=4445 --where qdport=54 --where csum=ok --count)"
expect_eq "no backend address in any header on c1's link, quoted ones included" 0 \
	"$(pcap6 "$TMP/c1.pcap" --inside fd00::/8 --count)"
# The per-type ICMPv6 counters are the namespace's only; the service
# counts the error it translated.
expect_eq "counted: icmp6-unreach-port +1, icmp-errors-translated +1" "1 1" \
	"$(($(stat_of r icmp6-unreach-port) - unreach0)) $(($(stat_of r icmp-errors-translated) - translated0))"
expect_eq "the service counts it: icmp_errors_translated 1" 1 \
	"$(knat_in r -s -j service list | json_get '[s["icmp"]["icmp_errors_translated"] for s in j if s["port"] == 54][0]')"
expect_ok "service del udp [VIP]:54" knat_in r service del udp $V:54
knat_in r flow flush

# ---- 7. passive health checking -------------------------------------------
#
# The clients' own handshakes are the probes: a backend that refuses (RST),
# rejects (ICMPv6 port unreachable) or ignores (no SYN-ACK in time)
# check-fails handshakes in a row is taken out; after check-holddown one
# new connection probes it and brings it back.
EV=$TMP/events

# stop_server NS: kill the TCP server of a backend (the UDP one stays).
stop_server() {
	local pid
	for pid in $(ip netns pids "$(ns "$1")"); do
		grep -q serve-tcp "/proc/$pid/cmdline" 2>/dev/null && kill "$pid"
	done
	busywait 5000 sh -c "! ip netns exec $(ns "$1") ss -Hltn 'sport = :8080' | grep -q ."
}

# health_is ADDR HEALTH: for busywait.
health_is() {
	[ "$(be_json 80 "$1" health)" = "$2" ]
}

# attempts N [TIMEOUT]: N connections from c1, one at a time; prints
# "ok:X fail:Y".
attempts() {
	local i ok=0 bad=0
	for i in $(seq 1 "$1"); do
		if [ "$(field match "$(nettool c1 tcp $VIP 80 100 --timeout "${2:-3}")")" = True ]; then
			ok=$((ok + 1))
		else
			bad=$((bad + 1))
		fi
	done
	echo "ok:$ok fail:$bad"
}

# nft_in NS RULE: an input filter rule of the namespace's own table.
nft_in() {
	in_ns "$1" nft list table ip6 t >/dev/null 2>&1 || {
		in_ns "$1" nft add table ip6 t &&
			in_ns "$1" nft add chain ip6 t in '{ type filter hook input priority 0; }'
	} || return 1
	in_ns "$1" nft add rule ip6 t in "$2"
}

expect_ok "service with check-fails 3 check-holddown 900 check-clients 1" \
	svc_add tcp 80 8080 sched rr check-fails 3 check-holddown 900 check-clients 1
expect_eq "service list -j: the check's settings" "3 900" \
	"$(knat_in r -j service list | json_get '"%s %s" % (j[0]["check_fails"], j[0]["check_holddown"])')"
ip netns exec "$(ns r)" "$KNAT" -j monitor >"$EV" 2>&1 &
mon=$!
on_exit kill $mon

# 1. Refused: b3's server is gone, its kernel answers SYNs with RST.
stop_server b3
f0=$(stat_of r check-failed)
d0=$(stat_of r check-down)
expect_eq "health: rr over 9, b3's three turns refused" "ok:6 fail:3" "$(attempts 9)"
expect_eq "health: three failed handshakes counted" $((f0 + 3)) "$(stat_of r check-failed)"
expect_eq "health: b3 taken down once" $((d0 + 1)) "$(stat_of r check-down)"
expect_eq "health: b3's health failed, its counters 3 and 1" "failed 3 1" \
	"$(be_json 80 fd00:2::13 health) $(be_json 80 fd00:2::13 check_failed -s) $(be_json 80 fd00:2::13 check_downs -s)"
expect_eq "health: b3 is out, b1 and b2 take everything" "b1:3 b2:3" \
	"$(spread c1 6 $VIP 80 100)"

# 2. The server is back; after the hold-down, one connection probes b3
#    and its SYN-ACK brings b3 back.
serve6 b3 serve-tcp 8080 b3 || fail "b3 server restarted"
expect_eq "health: hold-down 900, still failed" failed "$(be_json 80 fd00:2::13 health)"
knat_in r service set tcp $V:80 check-holddown 1
busywait 10000 grep -q '"probing"' "$EV" &&
	pass "health: hold-down over, probing event" || fail "health: hold-down over, probing event"
u0=$(stat_of r check-up)
expect_eq "health: the next connection is the probe, to b3" b3 \
	"$(field name "$(nettool c1 tcp $VIP 80 100)")"
expect_eq "health: the probe brought b3 back (check-up +1)" $((u0 + 1)) "$(stat_of r check-up)"
busywait 5000 health_is fd00:2::13 ok || fail "health: b3's health ok again"
expect_eq "health: rr spreads over all three again" "b1:2 b2:2 b3:2" \
	"$(spread c1 6 $VIP 80 100)"

# 3. Ignored: b2 drops SYNs; the client sends its SYN again after 1 s,
#    past check-timeout 1: one failure is enough here.
knat_in r service set tcp $V:80 check-fails 1 check-timeout 1 check-holddown 900
nft_in b2 'tcp dport 8080 drop' || fail "b2 drops SYNs"
d0=$(stat_of r check-down)
res=$(attempts 3 5)
expect_match "health: rr over 3, b2's SYNs unanswered ($res)" '^ok:2 fail:1$' "$res"
expect_eq "health: no SYN-ACK in time, b2 taken down" $((d0 + 1)) "$(stat_of r check-down)"
expect_eq "health: b2's health failed" failed "$(be_json 80 fd00:2::12 health)"

# 4. Rejected: b1 answers SYNs with ICMPv6 port unreachable (no rate
#    limit on b1's errors: each SYN gets its answer).
in_ns b1 sysctl -qw net.ipv6.icmp.ratelimit=0
nft_in b1 'tcp dport 8080 reject with icmpv6 type port-unreachable' ||
	fail "b1 rejects SYNs"
d0=$(stat_of r check-down)
res=$(attempts 3)
expect_match "health: ICMPv6 port unreachable answers b1's turn ($res)" '^ok:[0-9] fail:[1-9]$' "$res"
expect_eq "health: ICMPv6 unreachable to a SYN, b1 taken down" $((d0 + 1)) "$(stat_of r check-down)"
expect_eq "health: b1's health failed" failed "$(be_json 80 fd00:2::11 health)"
expect_eq "health: only b3 is left, it serves everything" "b3:4" "$(spread c1 4 $VIP 80 100)"

# 5. The admin overrides: `backend set up` forgets what the check thought.
in_ns b1 nft delete table ip6 t
expect_ok "health: backend set b1 up" knat_in r backend set tcp $V:80 '[fd00:2::11]:8080' up
expect_eq "health: b1's health ok" ok "$(be_json 80 fd00:2::11 health)"

# 6. check-fails 0 turns the check off: refusals no longer take b3 out.
knat_in r service set tcp $V:80 check-fails 0
in_ns b2 nft delete table ip6 t
knat_in r backend set tcp $V:80 '[fd00:2::12]:8080' up
stop_server b3
d0=$(stat_of r check-down)
attempts 6 >/dev/null
expect_eq "health: check off, nobody taken down" "$d0" "$(stat_of r check-down)"
expect_eq "health: check off, b3 still ok" ok "$(be_json 80 fd00:2::13 health)"

# The events, in order, with growing sequence numbers, naming the IPv6
# backends.
kill $mon 2>/dev/null
wait $mon 2>/dev/null
evs=$("${PYTHON[@]}" - "$EV" <<'PY'
import json, sys
seq, out = None, []
for line in open(sys.argv[1]):
    e = json.loads(line)
    if "seq" not in e:
        continue
    if seq is not None and e["seq"] <= seq:
        print("seq not increasing"); sys.exit(0)
    seq = e["seq"]
    if not e["event"].startswith("backend-"):
        continue
    ev = e["event"].replace("-", " ").split()[-1]
    out.append("%s:%s" % (ev, e["backend"]["addr"]))
print(" ".join(out))
PY
)
expect_eq "monitor saw each step, in order" \
	"down:fd00:2::13 probing:fd00:2::13 up:fd00:2::13 down:fd00:2::12 down:fd00:2::11 up:fd00:2::11 up:fd00:2::12" "$evs"

# ---- 8. check-clients: one client's failures are not enough ---------------
#
# A backend goes down only by failures from two client addresses (the
# default check-clients 2), c1 and c2, which differ in their last bits
# only: the addresses compare whole.  b3's server is still gone: its
# kernel refuses every handshake at once (RST).
# check_state: "FAILED IGNORED DOWN HEALTH", the counters check-failed,
# check-ignored, check-down and b3's health on [VIP]:83.
check_state() {
	echo "$(stat_of r check-failed) $(stat_of r check-ignored) $(stat_of r check-down)" \
		"$(knat_in r -j service list | json_get '[b["health"] for s in j if s["port"] == 83 for b in s["backends"]][0]')"
}
expect_ok "service [VIP]:83 of b3 alone, check-fails 3, check-clients by default" \
	knat_in r service add tcp $V:83 sched rr check-fails 3 check-timeout 2 check-holddown 60
knat_in r backend add tcp $V:83 '[fd00:2::13]:8080'
read -r f0 i0 d0 h <<<"$(check_state)"
expect_eq "b3 starts ok on [VIP]:83" ok "$h"
nettool c1 tcp $VIP 83 100 --count 6 --timeout 3 >/dev/null
expect_eq "one client, 6 refused: 6 failed, 4 ignored, none down (failed ignored down health)" \
	"$((f0 + 6)) $((i0 + 4)) $d0 ok" "$(check_state)"
nettool c2 tcp $VIP 83 100 --timeout 3 >/dev/null
expect_eq "a second client's failure: b3 taken down (failed ignored down health)" \
	"$((f0 + 7)) $((i0 + 4)) $((d0 + 1)) failed" "$(check_state)"
expect_ok "service del [VIP]:83" knat_in r service del tcp $V:83

expect_ok "service del" knat_in r service del tcp $V:80
expect_eq "no flows left" 0 "$(knat_in r flow count)"
expect_match "no hooks left" "hooks inactive" "$(knat_in r status)"
expect_eq "no IPv6 hooks left" False "$(status_of r 'j["hooks6_active"]')"

tap_end

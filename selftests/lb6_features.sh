#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv6 load balancing beyond what the family-neutral scripts test: a
# service is of one family (a backend of the other is refused); ICMPv6
# echo to the VIP is answered by knat, counted; flow list and count by
# service and backend; hairpin from a host on the backends' LAN; a
# backend's ICMPv6 error translated back to the client.  The schedulers,
# persistence, passive health checking and a backend's life (deleted with
# a drain or outright, flows through changes) in IPv6 are lb6_sched.sh's,
# lb6_persist.sh's, lb6_health.sh's and lb6_lifecycle.sh's.
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

# svc_add PROTO PORT BEPORT ARGS...: a service of b1..b3 (BEPORT theirs).
svc_add() {
	local proto=$1 port=$2 beport=$3 i
	shift 3
	knat_in r service add "$proto" "$V:$port" "$@" || return 1
	for i in 1 2 3; do
		knat_in r backend add "$proto" "$V:$port" "[fd00:2::1$i]:$beport" || return 1
	done
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

# ---- 3. flows by service and backend, and hairpin ------------------------
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

# ---- 4. an ICMPv6 error from a backend reaches the client, translated ----
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

expect_eq "no flows left" 0 "$(knat_in r flow count)"
expect_match "no hooks left" "hooks inactive" "$(knat_in r status)"
expect_eq "no IPv6 hooks left" False "$(status_of r 'j["hooks6_active"]')"

tap_end

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Differential test against Linux IPVS: one scenario, run first through
# IPVS (ipvsadm, NAT mode -m, scheduler rr) on r, then through knat (the
# same services, sched rr, the same backends) on the same topology.  What
# the client sees must be the same: the rr spread, a bulk transfer byte for
# byte, the client address the backend sees, where UDP answers come from,
# and that a quiesced backend (weight 0) gets no new connections.  Every
# item is asserted on its own for each half (both wrong the same way still
# fails) and then compared, "knat == ipvs".
#
#  c1 198.51.100.2 --+                              +-- b1 10.0.2.11
#                    +-- br0 198.51.100.1 [ r ] br1 10.0.2.1 -- b2 10.0.2.12
#  c2 198.51.100.3 --+   VIP 203.0.113.10           +-- b3 10.0.2.13
#                                                   +-- b4 10.0.2.14
#
# Services: tcp VIP:80 -> b1..b3:8080, udp VIP:53 -> b1..b3:5353.
# The backends' default route is r, as NAT mode needs: answers pass r.
#
# Where the VIP lives: r has no route to 203.0.113.10 at all (no default
# route; c1 reaches it only because its own default route is r).  knat
# translates in PRE_ROUTING, before r's routing decision, so it needs
# nothing more.  IPVS takes new connections in LOCAL_IN: r must deliver the
# VIP locally, so the IPVS half puts it on r's lo (and checks first that
# without it nothing gets through), and removes it again before the knat
# half.
#
# KNAT_LB_FAMILY=6 (lb6_ipvs_diff.sh) runs the same scenario in IPv6:
# lb6_topology (c1 2001:db8:1::2, backends fd00:2::11..14), VIP
# 2001:db8:100::10, services and real servers in brackets for both
# ipvsadm and knat.
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 ss
command -v ipvsadm >/dev/null 2>&1 || skip_all "ipvsadm not installed"
if ! modprobe ip_vs 2>/dev/null || ! modprobe ip_vs_rr 2>/dev/null; then
	skip_all "cannot load ip_vs and ip_vs_rr"
fi

# V: the VIP as a service names it; BE PREFIX: a backend's address is
# PREFIX then its number; C1: c1's address as a peer is written; VIPNET:
# the VIP as a host route on lo; BEPFX: how ipvsadm -Ln's backends begin.
if [ "${KNAT_LB_FAMILY:-4}" = 6 ]; then
	require_ipv6
	lb6_topology || { fail "topology"; tap_end; }
	VIP=$LB6_VIP V="[$VIP]" BE=fd00:2::1 C1="[2001:db8:1::2]" VIPNET=$VIP/128
	be() { echo "[$BE$1]"; }
	BEPFX="[$BE" NODAD=nodad
	# A kernel built without CONFIG_IP_VS_IPV6 (the debug kernel) says
	# "Operation not supported with specified address family".
	in_ns r ipvsadm -A -t "$V:9" -s rr 2>/dev/null ||
		skip_all "IPVS without IPv6 in this kernel"
	in_ns r ipvsadm -D -t "$V:9"
else
	lb_topology || { fail "topology"; tap_end; }
	VIP=203.0.113.10 V=$VIP BE=10.0.2.1 C1=198.51.100.2 VIPNET=$VIP/32
	be() { echo "$BE$1"; }
	BEPFX=$BE NODAD=
fi
on_exit "ip netns exec $(ns r) ipvsadm -C"

# Results, by "HALF.ITEM" (HALF: ipvs or knat).
declare -A R

# ---- the two load balancers, configured the same way --------------------

ipvs_setup() {
	local i
	in_ns r ipvsadm -A -t "$V:80" -s rr || return 1
	in_ns r ipvsadm -A -u "$V:53" -s rr || return 1
	for i in 1 2 3; do
		in_ns r ipvsadm -a -t "$V:80" -r "$(be "$i"):8080" -m -w 1 || return 1
		in_ns r ipvsadm -a -u "$V:53" -r "$(be "$i"):5353" -m -w 1 || return 1
	done
}

knat_setup() {
	local i
	knat_in r service add tcp "$V:80" sched rr || return 1
	knat_in r service add udp "$V:53" sched rr || return 1
	for i in 1 2 3; do
		knat_in r backend add tcp "$V:80" "$(be "$i"):8080" weight 1 || return 1
		knat_in r backend add udp "$V:53" "$(be "$i"):5353" weight 1 || return 1
	done
}

# HALF_quiesce N: weight 0 on backend N of both services; existing flows
# stay.
ipvs_quiesce() {
	in_ns r ipvsadm -e -t "$V:80" -r "$(be "$1"):8080" -m -w 0 &&
		in_ns r ipvsadm -e -u "$V:53" -r "$(be "$1"):5353" -m -w 0
}

knat_quiesce() {
	knat_in r backend set tcp "$V:80" "$(be "$1"):8080" weight 0 &&
		knat_in r backend set udp "$V:53" "$(be "$1"):5353" weight 0
}

# HALF_conns: connections per TCP backend as the balancer counted them,
# sorted (which backend got the 31st depends on where rr starts).
ipvs_conns() {
	in_ns r ipvsadm -Ln --stats -t "$V:80" |
		awk -v be="$BEPFX" '$1 == "->" && index($2, be) == 1 { print $3 }' |
		sort -n | xargs
}

knat_conns() {
	knat_in r -s -j service list |
		json_get '" ".join(str(c) for c in sorted(b["conns"] for s in j if s["proto"] == "tcp" for b in s["backends"]))'
}

# ---- the scenario --------------------------------------------------------

# count_names NAME...: "b1:2 b3:2", the way spread prints it.
count_names() {
	printf '%s\n' "$@" | sort | uniq -c | awk '{printf "%s%s:%s", sep, $2, $1; sep=" "}'
}

# scenario HALF SPORT: push the traffic, store what the client saw in R and
# assert each result on its own.  SPORT: the bulk transfer's client port
# (one per half: the other half's connection may linger in TIME_WAIT).
scenario() {
	local t=$1 sport=$2 out outs i sp n p names=() srcs=() peers=() order rot=yes b2port=

	# 30 TCP connections, one after the other: who answered, in order.
	mapfile -t names < <(nettool c1 tcp $VIP 80 2000 --count 30 | fields name)
	order=${names[*]}
	echo "# $t: rr order: $order"
	for i in $(seq 1 29); do
		[ "${names[i]}" != "${names[i - 1]}" ] || rot=no
		[ "$i" -lt 3 ] || [ "${names[i]}" = "${names[i - 3]}" ] || rot=no
	done
	R[$t.spread]=$(count_names "${names[@]}")
	R[$t.rotation]=$rot
	expect_eq "$t: rr: 30 connections, exactly 10 each" "b1:10 b2:10 b3:10" "${R[$t.spread]}"
	expect_eq "$t: rr: strict rotation with period 3" yes "$rot"

	# 100000 bytes, echoed; the backend reports the peer it saw.
	out=$(nettool c1 tcp $VIP 80 100000 --sport "$sport")
	R[$t.bulk]="sent=$(field sent "$out") received=$(field received "$out") match=$(field match "$out")"
	p=$(field peer "$out")
	[ "$p" = "$C1:$sport" ] && p="$C1:<client port>"
	R[$t.peer]=$p
	expect_eq "$t: 100000 bytes echoed byte for byte" \
		"sent=100000 received=100000 match=True" "${R[$t.bulk]}"
	expect_eq "$t: the backend sees the real client address and port" \
		"$C1:<client port>" "${R[$t.peer]}"

	# IPVS may count the last connection a moment late: wait for it.
	for _ in $(seq 1 50); do
		[ "$("$t"_conns)" = "10 10 11" ] && break
		sleep 0.1
	done
	R[$t.conns]=$("$t"_conns)
	expect_eq "$t: the balancer counted 31 connections, 10/10/11" "10 10 11" "${R[$t.conns]}"

	# UDP: 6 clients, 6 source ports, in turn (a line each).
	mapfile -t outs < <(nettool c1 udp $VIP 53 --sports 6001,6002,6003,6004,6005,6006)
	names=()
	i=0
	for sp in 6001 6002 6003 6004 6005 6006; do
		out=${outs[i]}
		i=$((i + 1))
		n=$(field name "$out")
		names+=("$n")
		[ "$n" = b2 ] && b2port=$sp
		srcs+=("$(field src "$out")")
		p=$(field peer "$out")
		[ "$p" = "$C1:$sp" ] && p="$C1:<client port>"
		peers+=("$p")
	done
	R[$t.udp]=$(count_names "${names[@]}")
	R[$t.udp_src]=$(printf '%s\n' "${srcs[@]}" | sort -u | xargs)
	R[$t.udp_peer]=$(printf '%s\n' "${peers[@]}" | sort -u | xargs)
	expect_eq "$t: UDP rr: 6 source ports, 2 per backend" "b1:2 b2:2 b3:2" "${R[$t.udp]}"
	expect_eq "$t: UDP answers come from VIP:53" "$V:53" "${R[$t.udp_src]}"
	expect_eq "$t: UDP: the backend sees the real client address and port" \
		"$C1:<client port>" "${R[$t.udp_peer]}"

	# Quiesce b2: new connections avoid it, its UDP flow stays.
	expect_ok "$t: weight 0 on b2" "$t"_quiesce 2
	R[$t.q_spread]=$(spread c1 10 $VIP 80 2000)
	expect_eq "$t: weight 0: 10 new connections avoid b2" "b1:5 b3:5" "${R[$t.q_spread]}"
	mapfile -t names < <(nettool c1 udp $VIP 53 --sports 6011,6012,6013,6014 | fields name)
	R[$t.q_udp]=$(count_names "${names[@]}")
	expect_eq "$t: weight 0: 4 new UDP source ports avoid b2" "b1:2 b3:2" "${R[$t.q_udp]}"
	R[$t.q_udp_old]=$(field name "$(nettool c1 udp $VIP 53 --sport "${b2port:-6001}")")
	expect_eq "$t: weight 0: b2's existing UDP flow (port ${b2port:-none}) stays on b2" \
		b2 "${R[$t.q_udp_old]}"
}

# ---- IPVS ---------------------------------------------------------------

expect_ok "ipvs: services and backends (NAT mode, rr)" ipvs_setup
expect_fail "ipvs: without the VIP local on r, nothing reaches IPVS" \
	nettool c1 tcp $VIP 80 100 --timeout 2
ip -n "$(ns r)" addr add $VIPNET dev lo $NODAD
expect_match "ipvs: knat's hooks stay inactive (IPVS alone)" "hooks inactive" \
	"$(knat_in r status)"
scenario ipvs 40001
in_ns r ipvsadm -Ln | sed 's/^/# /'
expect_ok "ipvs: ipvsadm -C" in_ns r ipvsadm -C
ip -n "$(ns r)" addr del $VIPNET dev lo

# ---- knat ---------------------------------------------------------------

expect_eq "knat: IPVS has no services left" "" "$(in_ns r ipvsadm -Sn)"
expect_eq "knat: the VIP is on no interface of r" "" "$(ip -n "$(ns r)" -br addr show to $VIPNET)"
expect_ok "knat: services and backends (rr)" knat_setup
scenario knat 40002
knat_in r -s service list | sed 's/^/# /'

# ---- the comparison -----------------------------------------------------

while IFS='|' read -r k desc; do
	expect_eq "knat == ipvs: $desc" "${R[ipvs.$k]}" "${R[knat.$k]}"
done <<'ITEMS'
spread|TCP rr spread over 30 connections
rotation|TCP rr rotates strictly
bulk|100000-byte transfer
peer|client address and port the backend sees (TCP)
conns|per-backend connection counters
udp|UDP rr spread over 6 source ports
udp_src|source of UDP answers
udp_peer|client address and port the backend sees (UDP)
q_spread|weight 0: TCP spread of new connections
q_udp|weight 0: UDP spread of new source ports
q_udp_old|weight 0: existing UDP flow
ITEMS

expect_eq "knat: the services are of the scenario's family" \
	"$([ "$V" = "$VIP" ] && echo inet inet || echo inet6 inet6)" \
	"$(knat_in r -j service list | json_get '" ".join(s["family"] for s in j)')"
knat_in r service del tcp "$V:80"
knat_in r service del udp "$V:53"
tap_end

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The flow table through netlink at scale: pktgen opens 100 000 UDP flows
# to a service, "knat flow list" returns every one of them once, and each
# filter (applied in the kernel) returns exactly the subset the whole list
# holds: by source, by backend, by service, combined; "flow del" with a
# filter removes that subset and nothing else.
#
#  c1 198.51.100.2 --+   (+ .100 and .101, pktgen's sources)
#                    +-- br0 198.51.100.1 [ r ] br1 10.0.2.1 -- b1..b4 10.0.2.1N
#  c2 198.51.100.3 --+   udp VIP 203.0.113.10:9 rr -> b1..b4:9
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 sort diff
modprobe pktgen 2>/dev/null || { fail "pktgen loads"; tap_end; }

lb_topology || { fail "topology"; tap_end; }
VIP=203.0.113.10
N=100000
TMP=$(mktemp -d)
on_exit rm -rf "$TMP"
knat_in r config set max-flows 200000 timeout udp-unreplied 900
expect_ok "service add udp $VIP:9 rr" knat_in r service add udp $VIP:9 sched rr
for i in 1 2 3 4; do
	knat_in r backend add udp $VIP:9 10.0.2.1$i
done
ip -n "$(ns c1)" addr add 198.51.100.100/24 dev eth0
ip -n "$(ns c1)" addr add 198.51.100.101/24 dev eth0

# pktgen: source address alternating .100/.101, source port walking
# [10000, 60001): 50001 ports, odd, so the pair repeats only after 100002
# packets and N packets are N distinct tuples.
mac=$(ip -n "$(ns r)" -j link show br0 | json_get 'j[0]["address"]')
pg() { in_ns c1 sh -c "echo '$1' >/proc/net/pktgen/$2"; }
pktgen_run() {
	local l
	pg "rem_device_all" kpktgend_0
	pg "add_device eth0" kpktgend_0
	for l in "count $N" "clone_skb 0" "pkt_size 60" "delay 5000" \
		"dst $VIP" "dst_mac $mac" "src_min 198.51.100.100" \
		"src_max 198.51.100.101" "udp_src_min 10000" \
		"udp_src_max 60001" "udp_dst_min 9" "udp_dst_max 9"; do
		pg "$l" eth0
	done
	pg start pgctrl
}
created() { stat_of r flows-created-udp; }
nflows() { knat_in r -j status | json_get 'j["flows"]'; }
# pktgen outruns the receive backlog when the host is busy: a deeper
# backlog for the test, and a packet lost anyway leaves its tuple out,
# which sending the same N again fills in (the others are only refreshed).
old_backlog=$(sysctl -n net.core.netdev_max_backlog)
on_exit sysctl -qw net.core.netdev_max_backlog="$old_backlog"
sysctl -qw net.core.netdev_max_backlog=200000
before=$(created)
for run in 1 2 3 4 5; do
	pktgen_run
	[ "$(nflows)" = $N ] && break
	echo "# pktgen run $run: $(nflows) flows, again"
done
expect_eq "pktgen: $N flows in the table" $N "$(nflows)"
expect_eq "flows-created-udp +$N" $N $(($(created) - before))

# The tuples of a listing, without what moves between two dumps (age,
# time left).
tuples() { sed 's/ age .*//' | sort; }
ALL=$TMP/all
knat_in r flow list | tuples >"$ALL"
expect_eq "flow list: $N lines" $N "$(wc -l <"$ALL")"
expect_eq "flow list: $N distinct flows, none twice" $N "$(uniq "$ALL" | wc -l)"
expect_eq "every flow is to the service" $N "$(grep -c " dst=$VIP:9 .*reply src=10\.0\.2\.1[1-4]:9 " "$ALL")"
expect_eq "flow count: $N" $N "$(knat_in r flow count)"

# subset DESC PATTERN FILTER...: the kernel's answer to FILTER equals the
# lines of the whole listing that match PATTERN, and is not empty.
subset() {
	local desc=$1 pat=$2 got want
	shift 2
	knat_in r flow list "$@" | tuples >"$TMP/sub"
	grep -E -- "$pat" "$ALL" >"$TMP/want"
	got=$(wc -l <"$TMP/sub")
	want=$(wc -l <"$TMP/want")
	if [ "$want" -gt 0 ] && cmp -s "$TMP/sub" "$TMP/want"; then
		pass "$desc: exactly the $want flows"
	else
		fail "$desc: exactly the $want flows"
		echo "#   kernel returned $got"
		diff "$TMP/want" "$TMP/sub" | head -n 5 | sed 's/^/#   /'
	fi
}

# rr: every backend owns a quarter, and the backends' own counters agree.
# (Counting dumps in the kernel and prints one number: cheap.)
seen=""
for i in 1 2 3 4; do
	seen="$seen $(knat_in r flow count backend 10.0.2.1$i:9)"
done
expect_eq "rr: a quarter each" " 25000 25000 25000 25000" "$seen"
expect_eq "flow counts = the backends' own flow counters" "$seen" \
	"$(knat_in r -s -j service list | json_get '"".join(" %d" % b["flows"] for b in j[0]["backends"])')"
subset "backend 10.0.2.12" " reply src=10\.0\.2\.12:9 " backend 10.0.2.12
expect_eq "src 198.51.100.100: as many as the listing holds" \
	"$(grep -c "^udp src=198\.51\.100\.100:" "$ALL")" "$(knat_in r flow count src 198.51.100.100)"
subset "src address:port" "^udp src=198\.51\.100\.101:10007 " src 198.51.100.101:10007
subset "src :port" "^udp src=198\.51\.100\.10[01]:33330 " src :33330
expect_eq "service $VIP:9: all $N" $N "$(knat_in r flow count service $VIP:9)"
# rr and pktgen's order tie sources to backends: take a source b3 has.
src=$(grep -m1 " reply src=10\.0\.2\.13:9 " "$ALL" | sed -E 's/^udp src=([0-9.]+):.*/\1/')
subset "service, backend and source" \
	"^udp src=${src//./\\.}:.* reply src=10\.0\.2\.13:9 " \
	service $VIP:9 backend 10.0.2.13 src "$src"
expect_eq "-j flow list backend 10.0.2.14: 25000 objects, all from b4" "25000 True" \
	"$(knat_in r -j flow list backend 10.0.2.14 | json_get '"%d %s" % (len(j), all(f["reply"]["src"] == "10.0.2.14" for f in j))')"
expect_eq "nothing for another service, tcp or a state" "0 0 0 0" \
	"$(knat_in r flow count service $VIP:10) $(knat_in r flow count proto tcp) $(knat_in r flow count state established) $(knat_in r flow count backend 10.0.2.15)"

err=$(knat_in r flow list service $VIP 2>&1 >/dev/null)
expect_match "service without a port: one line naming it" "$VIP" "$err"
expect_fail "backend with a port range refused" knat_in r flow list backend 10.0.2.11:1-5

# del with a filter: that subset, nothing else.  A slow kernel may still
# be working through pktgen's backlog: a late packet of a deleted flow
# would make it again.  Wait until the counters stand still.
pkts() { stat_of r pkts-orig; }
settled() {
	local a
	a=$(pkts)
	sleep 1
	[ "$a" = "$(pkts)" ]
}
busywait 20000 settled || echo "# packets still arriving"
expect_ok "flow del backend 10.0.2.11" knat_in r flow del backend 10.0.2.11
expect_eq "b1's flows gone, the others' kept" "0 75000" \
	"$(knat_in r flow count backend 10.0.2.11) $(knat_in r flow count)"
expect_eq "b2 b3 b4 untouched" "25000 25000 25000" \
	"$(knat_in r flow count backend 10.0.2.12) $(knat_in r flow count backend 10.0.2.13) $(knat_in r flow count backend 10.0.2.14)"
expect_ok "flow del service $VIP:9" knat_in r flow del service $VIP:9
expect_eq "table empty" "0 0" \
	"$(knat_in r flow count) $(knat_in r -j status | json_get 'j["flows"]')"

tap_end

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Source NAT (masquerade) for TCP, UDP and ping, traceroute and PMTU
# discovery through it, and the wire: no inside address ever leaves, every
# checksum is right.
#
#  in1 10.0.1.2 --+
#                 +-- br0 10.0.1.1 [ r: knat ] r-wan 198.51.100.1
#  in2 10.0.1.3 --+                                 |
#                          198.51.100.2 wan-r [ wan ] wan-srv 203.0.113.1
#                                                       |  (MTU 1280 late)
#                                    203.0.113.2 srv-wan [ srv ]
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 tcpdump traceroute ethtool ss

nat_topology || { fail "topology"; tap_end; }
serve srv serve-tcp 8000 srv
serve srv serve-udp 9000 srv
serve srv serve-sink 8001

# Before knat: the outside cannot answer an inside address.
expect_fail "no route back before SNAT" nettool in1 udp 203.0.113.2 9000 --timeout 1

expect_ok "snat add masquerade" knat_in r snat add from 10.0.1.0/24 out r-wan masquerade
list=$(knat_in r snat list)
expect_eq "snat list" "from 10.0.1.0/24 out r-wan masquerade ports 1024-65535 mapping endpoint-independent" "$list"
expect_match "hooks active once a rule exists" "hooks active" "$(knat_in r status)"

capture wan wan-r "/tmp/snat-$$.pcap"
CAPTURE_OUT=$CAPTURE_PID
capture in1 eth0 "/tmp/snat-in-$$.pcap"

out=$(nettool in1 tcp 203.0.113.2 8000 200000)
expect_eq "TCP echo of 200000 bytes intact" True "$(field match "$out")"
expect_match "server saw the outside address" '^198\.51\.100\.1:[0-9]+$' "$(field peer "$out")"

out=$(nettool in1 udp 203.0.113.2 9000 --sport 5555 --count 3)
expect_eq "UDP: all 3 answers back" 0 "$?"
expect_eq "UDP source port preserved" "198.51.100.1:5555" "$(field peer "$out")"

# Same source port from a second inside host: a different outside port.
out2=$(nettool in2 udp 203.0.113.2 9000 --sport 5555)
p2=$(field peer "$out2")
expect_match "second host, same port: answered" '^198\.51\.100\.1:[0-9]+$' "$p2"
[ "$p2" != "198.51.100.1:5555" ] && pass "second host got another outside port ($p2)" ||
	fail "second host got another outside port ($p2)"

# Two inside hosts pinging with the same ICMP id at the same time.
nettool in1 ping 203.0.113.2 --id 4242 --count 3 >/tmp/ping1.$$ &
p1=$!
nettool in2 ping 203.0.113.2 --id 4242 --count 3 >/tmp/ping2.$$
r2=$?
wait $p1
r1=$?
expect_eq "ping id 4242 from in1: 3 of 3" "0 3" "$r1 $(field received "$(cat /tmp/ping1.$$)")"
expect_eq "ping id 4242 from in2: 3 of 3" "0 3" "$r2 $(field received "$(cat /tmp/ping2.$$)")"
rm -f /tmp/ping1.$$ /tmp/ping2.$$
flows=$(knat_in r flow list proto icmp | wc -l)
expect_eq "two ICMP flows" 2 "$flows"

hops=$(in_ns in1 traceroute -n -q 1 -w 2 -m 5 203.0.113.2 2>/dev/null | awk 'NR>1 {print $2}' | tr '\n' ' ')
expect_eq "UDP traceroute shows every hop" "10.0.1.1 198.51.100.2 203.0.113.2 " "$hops"
hops=$(in_ns in1 traceroute -I -n -q 1 -w 2 -m 5 203.0.113.2 2>/dev/null | awk 'NR>1 {print $2}' | tr '\n' ' ')
expect_eq "ICMP traceroute shows every hop" "10.0.1.1 198.51.100.2 203.0.113.2 " "$hops"

capture_stop
CAPTURE_PID=$CAPTURE_OUT capture_stop
leaks=$(in_ns wan tcpdump -nn -r "/tmp/snat-$$.pcap" 'net 10.0.1.0/24' 2>/dev/null | wc -l)
total=$(in_ns wan tcpdump -nn -r "/tmp/snat-$$.pcap" 2>/dev/null | wc -l)
expect_eq "no inside address on the outside link ($total packets)" 0 "$leaks"
[ "$total" -gt 100 ] && pass "capture saw the traffic ($total packets)" || fail "capture saw the traffic ($total packets)"
# knat's own output: what r sent out, and what r sent to in1 from outside.
# (r sums in software; the other hosts leave CHECKSUM_PARTIAL on veth.)
csum_bad() {
	in_ns "$1" tcpdump -nn -vv -r "$2" "$3" 2>/dev/null |
		grep -ciE 'incorrect|bad (udp |tcp |icmp )?cksum'
}
n=$(in_ns wan tcpdump -nn -r "/tmp/snat-$$.pcap" src host 198.51.100.1 2>/dev/null | wc -l)
expect_eq "checksums valid on all $n translated packets out" 0 \
	"$(csum_bad wan "/tmp/snat-$$.pcap" 'src host 198.51.100.1')"
n=$(in_ns in1 tcpdump -nn -r "/tmp/snat-in-$$.pcap" src net 203.0.113.0/24 2>/dev/null | wc -l)
expect_eq "checksums valid on all $n translated answers in" 0 \
	"$(csum_bad in1 "/tmp/snat-in-$$.pcap" 'not src net 10.0.1.0/24')"
rm -f "/tmp/snat-$$.pcap" "/tmp/snat-in-$$.pcap"

# PMTU: wan's link to srv shrinks to 1280 while srv still says MSS 1460,
# so only wan's "fragmentation needed", translated by r, can save the
# 1 MB upload.
in_ns wan ip link set wan-srv mtu 1280
before=$(stat_of r icmp-errors-translated)
out=$(nettool in1 upload 203.0.113.2 8001 1000000)
expect_eq "1 MB upload across an MTU 1280 link" True "$(field match "$out")"
after=$(stat_of r icmp-errors-translated)
[ "$after" -gt "$before" ] && pass "fragmentation-needed translated ($before -> $after)" ||
	fail "fragmentation-needed translated ($before -> $after)"
mtu=$(in_ns in1 ip route get 203.0.113.2 | grep -o 'mtu [0-9]*')
expect_eq "inside host learned the path MTU" "mtu 1280" "$mtu"

expect_ok "snat del" knat_in r snat del from 10.0.1.0/24 out r-wan
expect_eq "flows of the rule are gone" 0 "$(knat_in r -j status | json_get 'j["flows"]')"
expect_match "hooks gone with the last rule" "hooks inactive" "$(knat_in r status)"

tap_end

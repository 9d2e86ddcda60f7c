#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv6 source NAT (NAT66 masquerade), nat_snat.sh's twin: TCP, UDP and
# ICMPv6 echo; port preservation and endpoint-independent mapping; two
# inside hosts pinging with one echo id at once; ICMPv6 errors translated
# in both their headers (an unreachable at the socket, traceroute6 hop by
# hop, Packet Too Big through a 1280-byte link); neighbour discovery left
# alone; masquerade following the device's preferred address; a pool of
# addresses; and the wire: no inside address ever leaves, not even quoted,
# every checksum is right.
#
#  in1 fd00:1::2 --+
#                  +-- br0 fd00:1::1 [ r: knat ] r-wan 2001:db8:1::1
#  in2 fd00:1::3 --+                                  |
#                          2001:db8:1::2 wan-r [ wan ] wan-srv 2001:db8:2::1
#                                                        |  (MTU 1280 late)
#                                     2001:db8:2::2 srv-wan [ srv ]
#                                     tcp 8000, sink 8001, udp 9000, 9001
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 tcpdump traceroute6 ethtool ss
require_ipv6

nat6_topology || { fail "topology"; tap_end; }
serve6 srv serve-tcp 8000 srv
serve6 srv serve-udp 9000 srv
serve6 srv serve-udp 9001 srv2
serve6 srv serve-sink 8001

# Before knat: the outside cannot answer an inside address.
expect_fail "no route back before SNAT" nettool in1 udp 2001:db8:2::2 9000 --timeout 1
expect_eq "no IPv6 hooks before the first rule" False "$(status_of r 'j["hooks6_active"]')"

expect_ok "snat add masquerade" knat_in r snat add from fd00:1::/64 out r-wan masquerade
list=$(knat_in r snat list)
expect_eq "snat list" "from fd00:1::/64 out r-wan masquerade ports 1024-65535 mapping endpoint-independent" "$list"
expect_eq "IPv6 hooks active once an IPv6 rule exists" "True 1" \
	"$(status_of r '"%s %d" % (j["hooks6_active"], j["snats6"])')"
expect_eq "status text: an IPv6 line" 1 \
	"$(knat_in r status | grep -cE '^ipv6 hooks active, forwards 0 snats 1 flows [0-9]+$')"

W=/tmp/snat6-$$.pcap I=/tmp/snat6-in-$$.pcap
capture_full wan wan-r "$W"
CAPTURE_OUT=$CAPTURE_PID
capture_full in1 eth0 "$I"

out=$(nettool in1 tcp 2001:db8:2::2 8000 200000)
expect_eq "TCP echo of 200000 bytes intact" True "$(field match "$out")"
expect_match "server saw the outside address" '^\[2001:db8:1::1\]:[0-9]+$' "$(field peer "$out")"

out=$(nettool in1 udp 2001:db8:2::2 9000 --sport 5555 --count 3)
expect_eq "UDP: all 3 answers back" 0 "$?"
expect_eq "UDP source port preserved" "[2001:db8:1::1]:5555" "$(field peer "$out")"

# Same source port from a second inside host: a different outside port.
out2=$(nettool in2 udp 2001:db8:2::2 9000 --sport 5555)
p2=$(field peer "$out2")
expect_match "second host, same port: answered" '^\[2001:db8:1::1\]:[0-9]+$' "$p2"
[ "$p2" != "[2001:db8:1::1]:5555" ] && pass "second host got another outside port ($p2)" ||
	fail "second host got another outside port ($p2)"

# Endpoint-independent mapping (RFC 4787 REQ-1): same inside endpoint,
# another destination, same outside endpoint.
a=$(field peer "$(nettool in2 udp 2001:db8:2::2 9000 --sport 5556)")
b=$(field peer "$(nettool in2 udp 2001:db8:2::2 9001 --sport 5556)")
expect_match "endpoint-independent: first mapping" '^\[2001:db8:1::1\]:[0-9]+$' "$a"
expect_eq "same mapping towards two destinations" "$a" "$b"

# srv's port unreachable reaches in1's socket only if its quoted header
# names in1's own address and port again.
out=$(nettool in1 udp 2001:db8:2::2 9009 --sport 5557 --recverr --timeout 3)
expect_eq "srv's port unreachable reaches the inside socket" \
	"icmp 1/4 2001:db8:2::2" "$(field reply "$out") $(field icmp "$out") $(field from "$out")"

# Two inside hosts pinging with the same ICMPv6 echo id at the same time.
nettool in1 ping 2001:db8:2::2 --id 4242 --count 3 >/tmp/ping1.$$ &
p1=$!
nettool in2 ping 2001:db8:2::2 --id 4242 --count 3 >/tmp/ping2.$$
r2=$?
wait $p1
r1=$?
expect_eq "ping id 4242 from in1: 3 of 3" "0 3" "$r1 $(field received "$(cat /tmp/ping1.$$)")"
expect_eq "ping id 4242 from in2: 3 of 3" "0 3" "$r2 $(field received "$(cat /tmp/ping2.$$)")"
rm -f /tmp/ping1.$$ /tmp/ping2.$$
fl=$(knat_in r flow list proto icmpv6)
expect_eq "two ICMPv6 flows" 2 "$(printf '%s\n' "$fl" | grep -c .)"
expect_match "ICMPv6 echo flows listed with their id" \
	'(^|
)icmpv6 src=fd00:1::2 dst=2001:db8:2::2 id=4242 (\[[A-Z]+\] )*reply src=2001:db8:2::2 dst=2001:db8:1::1 id=[0-9]+ ' "$fl"
expect_eq "distinct outside ids" 2 \
	"$(printf '%s\n' "$fl" | grep -o 'reply src=[^ ]* dst=[^ ]* id=[0-9]*' | sort -u | wc -l)"

# Hop by hop: r's own time exceeded, then wan's and srv's answers to the
# translated probes, translated back (outer destination and quoted source).
hops=$(in_ns in1 traceroute6 -n -q 1 -w 2 -m 5 2001:db8:2::2 2>/dev/null | awk 'NR>1 {print $2}' | tr '\n' ' ')
expect_eq "UDP traceroute6 shows every hop" "fd00:1::1 2001:db8:1::2 2001:db8:2::2 " "$hops"
hops=$(in_ns in1 traceroute6 -I -n -q 1 -w 2 -m 5 2001:db8:2::2 2>/dev/null | awk 'NR>1 {print $2}' | tr '\n' ' ')
expect_eq "ICMPv6 traceroute6 shows every hop" "fd00:1::1 2001:db8:1::2 2001:db8:2::2 " "$hops"

# Neighbour discovery with the rule in place, none of it a flow.  First
# the hosts forget r: in1 and wan must solicit it (wan for the masquerade
# address) and r answer; then r forgets them and must solicit both.
for n in in1 wan srv; do in_ns $n ip -6 neigh flush all; done
out=$(nettool in1 udp 2001:db8:2::2 9000 --sport 5558)
expect_eq "traffic after in1, wan and srv forgot their neighbours" True "$(field match "$out")"
in_ns r ip -6 neigh flush all
out=$(nettool in1 udp 2001:db8:2::2 9000 --sport 5559)
expect_eq "traffic after r forgot its neighbours" True "$(field match "$out")"
nb=$(in_ns wan ip -6 neigh show 2001:db8:1::1 dev wan-r)
expect_match "wan resolved r's masquerade address" 'lladdr [0-9a-f:]+ (router )?(REACHABLE|STALE|DELAY|PROBE)' "$nb"
nb=$(in_ns in1 ip -6 neigh show fd00:1::1 dev eth0)
expect_match "in1 resolved its router" 'lladdr [0-9a-f:]+ (router )?(REACHABLE|STALE|DELAY|PROBE)' "$nb"
expect_eq "no flow of link-local, multicast or wan's own address (ND, RS, MLD)" 0 \
	"$(knat_in r flow list | grep -cE '(fe80|ff0[0-9a-f]):|2001:db8:1::2([] ]|$)')"

# PMTU: wan's link to srv shrinks to 1280 (IPv6's minimum) while srv still
# says MSS 1440, so only wan's Packet Too Big, translated by r, can save the
# 1 MB upload.
in_ns wan ip link set wan-srv mtu 1280
before=$(stat_of r icmp-errors-translated)
out=$(nettool in1 upload 2001:db8:2::2 8001 1000000)
expect_eq "1 MB upload across an MTU 1280 link" True "$(field match "$out")"
after=$(stat_of r icmp-errors-translated)
[ "$after" -gt "$before" ] && pass "packet too big translated ($before -> $after)" ||
	fail "packet too big translated ($before -> $after)"
mtu=$(in_ns in1 ip -6 route get 2001:db8:2::2 | grep -o 'mtu [0-9]*')
expect_eq "inside host learned the path MTU" "mtu 1280" "$mtu"

capture_stop
CAPTURE_PID=$CAPTURE_OUT capture_stop

total=$(pcap6 "$W" --count)
[ "$total" -gt 100 ] && pass "capture saw the traffic ($total packets)" || fail "capture saw the traffic ($total packets)"
expect_eq "no inside address on the outside link (tcpdump: net fd00::/8)" 0 \
	"$(in_ns wan tcpdump -nn -r "$W" 'net fd00::/8' 2>/dev/null | wc -l)"
expect_eq "no inside address anywhere in tcpdump -vv's decoding" 0 \
	"$(in_ns wan tcpdump -nn -vv -r "$W" 2>/dev/null | grep -ciE '(^|[^0-9a-f:])fd[0-9a-f]{2}:')"
expect_eq "no inside address in any header, quoted ones included" 0 \
	"$(pcap6 "$W" --inside fd00::/8 --count)"
q=$(pcap6 "$W" --where qsrc=2001:db8:1::1 --count)
[ "$q" -ge 5 ] && pass "ICMPv6 errors quoting the outside address seen on the wire ($q)" ||
	fail "ICMPv6 errors quoting the outside address seen on the wire ($q)"
# The pings' requests (hop limit 63 after r; traceroute6 -I's are 1-5).
ids=$(pcap6 "$W" --where src=2001:db8:1::1 --where type=128 --where hlim=63 |
	fields id | sort -u | tr '\n' ' ')
expect_match "the two pings' requests left with two distinct ids ($ids)" '^[0-9]+ [0-9]+ $' "$ids"

# knat's own output: what r sent out, and what r sent to in1 from outside.
# (r sums in software; the other hosts leave CHECKSUM_PARTIAL on veth.)
n=$(pcap6 "$W" --where src=2001:db8:1::1 --count)
expect_eq "checksums valid on all $n translated packets out" 0 \
	"$(pcap6 "$W" --where src=2001:db8:1::1 --not csum=ok --count)"
expect_eq "tcpdump -vv agrees on the packets out" 0 \
	"$(in_ns wan tcpdump -nn -vv -r "$W" 'src host 2001:db8:1::1' 2>/dev/null |
		grep -ciE 'incorrect|bad (udp |tcp |icmp6 )?cksum')"
n=$(pcap6 "$I" --where dst=fd00:1::2 --not src=fd00:1::/64 --count)
expect_eq "checksums valid on all $n translated answers in" 0 \
	"$(pcap6 "$I" --where dst=fd00:1::2 --not src=fd00:1::/64 --not csum=ok --count)"
[ "$n" -gt 50 ] && pass "translated answers seen by in1 ($n)" || fail "translated answers seen by in1 ($n)"

# The errors as in1 got them: outer destination and quoted source are in1's
# again, the ICMPv6 checksum right over both.
te=$(pcap6 "$I" --where src=2001:db8:1::2 --where dst=fd00:1::2 --where type=3 \
	--where qsrc=fd00:1::2 --where qdst=2001:db8:2::2 --where csum=ok --count)
[ "$te" -ge 2 ] && pass "wan's time exceeded (UDP and ICMPv6 probes) reached in1 translated ($te)" ||
	fail "wan's time exceeded (UDP and ICMPv6 probes) reached in1 translated ($te)"
expect_eq "srv's port unreachable reached in1 translated" 1 \
	"$(pcap6 "$I" --where src=2001:db8:2::2 --where dst=fd00:1::2 --where type=1 \
		--where code=4 --where qsrc=fd00:1::2 --where qsport=5557 --where qdport=9009 \
		--where csum=ok --count)"
ptb=$(pcap6 "$I" --where src=2001:db8:1::2 --where dst=fd00:1::2 --where type=2 \
	--where mtu=1280 --where qsrc=fd00:1::2 --where qdst=2001:db8:2::2 \
	--where qproto=tcp --where qdport=8001 --where csum=ok --count)
[ "$ptb" -ge 1 ] && pass "packet too big reached in1 translated, mtu 1280 ($ptb)" ||
	fail "packet too big reached in1 translated, mtu 1280 ($ptb)"
rm -f "$W" "$I"

# Masquerade follows the device's address: a new flow takes a global
# address that is not deprecated; a flow keeps the address it has while
# the address lives (deprecated or not) and dies with it.
out=$(nettool in1 udp 2001:db8:2::2 9000 --sport 6200)
expect_eq "a flow on 2001:db8:1::1" "[2001:db8:1::1]:6200" "$(field peer "$out")"
in_ns r ip -6 addr change 2001:db8:1::1/64 dev r-wan nodad preferred_lft 0
addr6_add r r-wan 2001:db8:1::11/64
out=$(nettool in1 udp 2001:db8:2::2 9000 --sport 6201)
expect_eq "2001:db8:1::1 deprecated: a new flow takes 2001:db8:1::11" \
	"[2001:db8:1::11]:6201" "$(field peer "$out")"
out=$(nettool in1 udp 2001:db8:2::2 9000 --sport 6200)
expect_eq "the older flow keeps its deprecated address" "[2001:db8:1::1]:6200" "$(field peer "$out")"
in_ns r ip -6 addr del 2001:db8:1::11/64 dev r-wan
# (at once, or soon: the address notifier may hand the work on)
# shellcheck disable=SC2317 # called through busywait
flows_from() { [ "$(knat_in r flow count src "$1")" = "$2" ]; }
busywait 2000 flows_from '[fd00:1::2]:6201' 0
expect_eq "2001:db8:1::11 gone: its flow gone, the other kept" "0 1" \
	"$(knat_in r flow count src '[fd00:1::2]:6201') $(knat_in r flow count src '[fd00:1::2]:6200')"
in_ns r ip -6 addr change 2001:db8:1::1/64 dev r-wan nodad preferred_lft forever
out=$(nettool in1 udp 2001:db8:2::2 9000 --sport 6202)
expect_eq "2001:db8:1::1 preferred again: new flows take it" "[2001:db8:1::1]:6202" "$(field peer "$out")"

expect_ok "snat del" knat_in r snat del from fd00:1::/64 out r-wan
expect_eq "flows of the rule are gone" 0 "$(knat_in r flow count family inet6)"
expect_eq "IPv6 hooks gone with the last IPv6 rule" "False 0" \
	"$(status_of r '"%s %d" % (j["hooks6_active"], j["flows6"])')"
expect_eq "status text: no IPv6 hooks" 0 "$(knat_in r status | grep -c '^ipv6 hooks active')"

# A pool of outside addresses that live on no interface: wan routes them
# to r.
route6_add wan 2001:db8:1::5/128 via 2001:db8:1::1
route6_add wan 2001:db8:1::6/128 via 2001:db8:1::1
expect_ok "snat add to an address and a port range" \
	knat_in r snat add from fd00:1::/64 to '[2001:db8:1::5]:20000-20099'
expect_eq "snat list" "from fd00:1::/64 to 2001:db8:1::5 ports 20000-20099 mapping endpoint-independent" \
	"$(knat_in r snat list)"
out=$(nettool in1 udp 2001:db8:2::2 9000 --sport 5555)
expect_match "UDP from the pool address, a port of the range (5555's masquerade flow died with its rule)" \
	'^\[2001:db8:1::5\]:200[0-9][0-9]$' "$(field peer "$out")"
out=$(nettool in1 tcp 2001:db8:2::2 8000 50000)
expect_eq "TCP through the pool intact" True "$(field match "$out")"
expect_match "TCP from the pool address, a port of the range" '^\[2001:db8:1::5\]:200[0-9][0-9]$' "$(field peer "$out")"
expect_ok "snat del" knat_in r snat del from fd00:1::/64

# Two addresses: an inside host keeps one of them for all its flows
# ("paired" pooling, RFC 4787 REQ-2), each flow on a port of its own.
expect_ok "snat add to two addresses, four ports" \
	knat_in r snat add from fd00:1::/64 to '[2001:db8:1::5]-[2001:db8:1::6]:20000-20003'
expect_eq "snat list" "from fd00:1::/64 to 2001:db8:1::5-2001:db8:1::6 ports 20000-20003 mapping endpoint-independent" \
	"$(knat_in r snat list)"
peers=$(nettool in1 udp 2001:db8:2::2 9000 --sports 7001,7002,7003 | fields peer)
expect_eq "in1's 3 flows: one pool address" 1 \
	"$(printf '%s\n' "$peers" | grep -E '^\[2001:db8:1::[56]\]:2000[0-3]$' | sed 's/\]:.*//' | sort -u | wc -l)"
expect_eq "in1's 3 flows: 3 ports of the range" 3 \
	"$(printf '%s\n' "$peers" | grep -E '^\[2001:db8:1::[56]\]:2000[0-3]$' | sort -u | wc -l)"
expect_match "in2 gets a pool address too" '^\[2001:db8:1::[56]\]:2000[0-3]$' \
	"$(field peer "$(nettool in2 udp 2001:db8:2::2 9000 --sport 7001)")"
expect_ok "snat del" knat_in r snat del from fd00:1::/64
expect_eq "IPv6 hooks gone again" False "$(status_of r 'j["hooks6_active"]')"

tap_end

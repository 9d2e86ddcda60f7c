#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv6 port forwarding (NAT66 DNAT), nat_forward.sh's twin: TCP and UDP
# from outside to inside hosts, a port range mapped one to one, hairpin
# from the inside, the router's own connections, an inside host's ICMPv6
# error translated on its way out (outer and quoted headers), and what the
# wire shows.  IPv6 hooks exist only while IPv6 rules do.
#
#  in1 fd00:1::2 --+     (servers: in1 tcp 80, 7000-7002; in2 udp 5353)
#                  +-- br0 fd00:1::1 [ r: knat ] r-wan 2001:db8:1::1
#  in2 fd00:1::3 --+                                  |
#                          2001:db8:1::2 wan-r [ wan ] wan-srv 2001:db8:2::1
#                                                        |
#                                     2001:db8:2::2 srv-wan [ srv ]  (client)
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 tcpdump ss ethtool
require_ipv6

nat6_topology || { fail "topology"; tap_end; }
serve6 in1 serve-tcp 80 in1
serve6 in1 serve-tcp 7000 p7000
serve6 in1 serve-tcp 7001 p7001
serve6 in1 serve-tcp 7002 p7002
serve6 in2 serve-udp 5353 in2

expect_eq "no IPv6 hooks before the first rule" False "$(status_of r 'j["hooks6_active"]')"

expect_ok "forward add tcp" \
	knat_in r forward add tcp '[2001:db8:1::1]:8080' to '[fd00:1::2]:80'
expect_ok "forward add udp, any local IPv6 address, same port" \
	knat_in r forward add udp '[::]:5353' to '[fd00:1::3]'
expect_ok "forward add tcp port range" \
	knat_in r forward add tcp '[2001:db8:1::1]:9000-9002' to '[fd00:1::2]:7000-7002'
err=$(knat_in r forward add tcp '[2001:db8:1::1]:8080-8081' to '[fd00:1::3]' 2>&1)
expect_eq "overlapping forward refused with the kernel's reason" \
	"Error: Forward overlaps an existing forward." "$err"
expect_fail "an IPv6 match with an IPv4 target refused" \
	knat_in r forward add tcp '[2001:db8:1::1]:8443' to 10.0.1.2:443

# The words "add" takes: bracketed where a port follows.
list=$(knat_in r forward list)
expect_eq "forward list" "tcp [2001:db8:1::1]:8080 to [fd00:1::2]:80
udp [::]:5353 to fd00:1::3
tcp [2001:db8:1::1]:9000-9002 to [fd00:1::2]:7000-7002" "$list"
expect_eq "IPv6 hooks registered with the first IPv6 rule" True \
	"$(status_of r 'j["hooks6_active"]')"
expect_eq "status counts the IPv6 forwards" "3 3" \
	"$(status_of r '"%d %d" % (j["forwards"], j["forwards6"])')"
expect_eq "status text: an IPv6 line" 1 \
	"$(knat_in r status | grep -cE '^ipv6 hooks active, forwards 3 snats 0 flows 0$')"

# A forward to a port nobody listens on: in2's port unreachable must leave
# translated, outer source and quoted destination, for the client's socket
# to get it.
expect_ok "forward add udp to a closed port" \
	knat_in r forward add udp '[2001:db8:1::1]:5400' to '[fd00:1::3]'

W=/tmp/fwd6-$$.pcap I=/tmp/fwd6-in2-$$.pcap
capture_full wan wan-r "$W"
CAPTURE_OUT=$CAPTURE_PID
capture_full in2 eth0 "$I"

out=$(nettool srv tcp 2001:db8:1::1 8080 100000)
expect_eq "TCP from outside reaches in1, 100000 bytes intact" "in1 True" \
	"$(field name "$out") $(field match "$out")"
expect_match "in1 sees the real client address" '^\[2001:db8:2::2\]:[0-9]+$' "$(field peer "$out")"

out=$(nettool srv udp 2001:db8:1::1 5353 --sport 4444 --count 2)
expect_eq "UDP forward: in2 answers both" "in2 2" \
	"$(field name "$out") $(printf '%s\n' "$out" | fields match | grep -c True)"
expect_eq "in2 sees the client's address and port" "[2001:db8:2::2]:4444" "$(field peer "$out")"
expect_eq "answers come from the forward's address and port" "[2001:db8:1::1]:5353" \
	"$(field src "$out")"

# An extension header before UDP: the ports are behind it.
out=$(nettool srv udp 2001:db8:1::1 5353 --sport 4446 --ipopts --count 2)
expect_eq "datagrams with a destination options header forwarded and answered" "in2 2" \
	"$(field name "$out") $(printf '%s\n' "$out" | fields match | grep -c True)"

for p in 0 1 2; do
	out=$(nettool srv tcp 2001:db8:1::1 900$p 1000)
	expect_eq "range: 900$p -> 700$p" "p700$p True" "$(field name "$out") $(field match "$out")"
done

# (r would say the same of its own closed port: in2's capture shows it
# was in2 that answered.)
out=$(nettool srv udp 2001:db8:1::1 5400 --sport 4445 --recverr --timeout 3)
expect_eq "in2's port unreachable reaches the client, from the forward's address" \
	"icmp 1/4 2001:db8:1::1" "$(field reply "$out") $(field icmp "$out") $(field from "$out")"

capture_stop
CAPTURE_PID=$CAPTURE_OUT capture_stop

total=$(pcap6 "$W" --count)
[ "$total" -gt 50 ] && pass "outside capture saw the traffic ($total packets)" ||
	fail "outside capture saw the traffic ($total packets)"
expect_eq "no inside address on the outside link (tcpdump: net fd00::/8)" 0 \
	"$(in_ns wan tcpdump -nn -r "$W" 'net fd00::/8' 2>/dev/null | wc -l)"
expect_eq "no inside address anywhere in tcpdump -vv's decoding" 0 \
	"$(in_ns wan tcpdump -nn -vv -r "$W" 2>/dev/null | grep -ciE '(^|[^0-9a-f:])fd[0-9a-f]{2}:')"
expect_eq "no inside address in any header, quoted ones included" 0 \
	"$(pcap6 "$W" --inside fd00::/8 --count)"
err=$(pcap6 "$W" --where src=2001:db8:1::1 --where dst=2001:db8:2::2 --where type=1 \
	--where code=4 --where qsrc=2001:db8:2::2 --where qdst=2001:db8:1::1 \
	--where qproto=udp --where qsport=4445 --where qdport=5400 --where csum=ok --count)
expect_eq "the port unreachable on the wire: outer and quoted headers translated, sum right" 1 "$err"
expect_eq "it was in2's: in2 got the datagram and sent the error" "1 1" \
	"$(pcap6 "$I" --where src=2001:db8:2::2 --where dst=fd00:1::3 --where sport=4445 --where dport=5400 --count) $(pcap6 "$I" --where src=fd00:1::3 --where dst=2001:db8:2::2 --where type=1 --where code=4 --where qsrc=2001:db8:2::2 --where qdst=fd00:1::3 --where qsport=4445 --where qdport=5400 --count)"
n=$(pcap6 "$W" --where src=2001:db8:1::1 --count)
expect_eq "checksums valid on all $n packets from the forward's address" 0 \
	"$(pcap6 "$W" --where src=2001:db8:1::1 --not csum=ok --count)"
[ "$n" -gt 50 ] && pass "translated answers on the wire ($n)" || fail "translated answers on the wire ($n)"
expect_eq "tcpdump -vv agrees: no bad checksum from the forward's address" 0 \
	"$(in_ns wan tcpdump -nn -vv -r "$W" 'src host 2001:db8:1::1' 2>/dev/null |
		grep -ciE 'incorrect|bad (udp |tcp |icmp6 )?cksum')"
n=$(pcap6 "$I" --where dst=fd00:1::3 --where src=2001:db8:2::2 --count)
expect_eq "checksums valid on all $n translated datagrams into in2" 0 \
	"$(pcap6 "$I" --where dst=fd00:1::3 --where src=2001:db8:2::2 --not csum=ok --count)"
expect_eq "both datagrams with the options header reached in2 translated, header kept" 2 \
	"$(pcap6 "$I" --where dst=fd00:1::3 --where dport=5353 --where sport=4446 --where ext=60 --count)"
rm -f "$W" "$I"

# Hairpin: in2 uses the public address of a forward leading to in1, on
# the same LAN.  Without knat's source NAT in1 would answer in2 directly.
out=$(nettool in2 tcp 2001:db8:1::1 8080 50000)
expect_eq "hairpin: in2 -> public 8080 -> in1" "in1 True" "$(field name "$out") $(field match "$out")"
expect_match "hairpin: in1 sees the router, not in2" '^\[fd00:1::1\]:[0-9]+$' "$(field peer "$out")"
expect_match "hairpin flow listed as such" "hairpin" "$(knat_in r flow list src fd00:1::3)"

# The router's own connection to its forward.
out=$(nettool r tcp 2001:db8:1::1 8080 20000)
expect_eq "router itself -> forward -> in1" "in1 True" "$(field name "$out") $(field match "$out")"

# Flow state and counters.
json=$(knat_in r -j flow list proto tcp)
printf '%s' "$json" | json_valid && pass "flow list -j is valid JSON" || fail "flow list -j is valid JSON"
expect_eq "flow list -j: the TCP flows are IPv6 ones" "['inet6']" \
	"$(printf '%s' "$json" | json_get 'sorted({f["family"] for f in j})')"
fl=$(knat_in r flow list proto tcp src 2001:db8:2::2 dst '[2001:db8:1::1]:8080')
expect_match "closed TCP flow from outside is in TIME-WAIT" "TIME[-_]WAIT" "$fl"
expect_match "flow list writes IPv6 endpoints bracketed" \
	'src=\[2001:db8:2::2\]:[0-9]+ dst=\[2001:db8:1::1\]:8080 .*reply src=\[fd00:1::2\]:80 dst=\[2001:db8:2::2\]:[0-9]+' "$fl"
all=$(knat_in r flow count)
expect_eq "every flow is IPv6 ($all)" "$all 0" \
	"$(knat_in r flow count family inet6) $(knat_in r flow count family inet)"
expect_eq "status counts them as IPv6 flows" "$all" "$(status_of r 'j["flows6"]')"
expect_eq "neighbour discovery and MLD made no flow" 0 "$(knat_in r flow count proto icmpv6)"
# Counted per skb, as IPVS and nft counters do: a TSO/GSO burst is one
# packet, so the packet count of 340 000 payload bytes (srv, the hairpin
# and the router, echoed) depends on segmentation; the byte count does not.
stats=$(knat_in r -s -j forward list)
echo "# forward 8080: $(printf "%s" "$stats" | json_get '" ".join(f"{k}={j[0][k]}" for k in ("flows", "packets", "bytes"))')"
expect_eq "forward counters: flows, packets and bytes" "ok" \
	"$(printf '%s' "$stats" | json_get '"ok" if j[0]["bytes"] >= 2 * 170000 and j[0]["packets"] >= 9 and j[0]["flows"] >= 1 else j[0]')"

expect_ok "forward del" knat_in r forward del tcp '[2001:db8:1::1]:8080'
expect_eq "its flows are gone" "0 " \
	"$(knat_in r flow count proto tcp dst '[2001:db8:1::1]:8080') $(knat_in r flow list proto tcp src fd00:1::3)"
expect_fail "deleted forward no longer forwards" nettool srv tcp 2001:db8:1::1 8080 10 --timeout 2
err=$(knat_in r forward del tcp '[2001:db8:1::1]:8080' 2>&1)
expect_eq "deleting it twice: kernel says why" "Error: No such forward." "$err"

expect_ok "forward del udp [::]:5353" knat_in r forward del udp '[::]:5353'
expect_ok "forward del the range" knat_in r forward del tcp '[2001:db8:1::1]:9000'
expect_ok "forward del udp 5400" knat_in r forward del udp '[2001:db8:1::1]:5400'
expect_eq "no IPv6 rule, no IPv6 flow, no IPv6 hooks" "0 0 False" \
	"$(status_of r '"%d %d %s" % (j["forwards6"], j["flows6"], j["hooks6_active"])')"
expect_eq "status text: no IPv6 hooks" 0 "$(knat_in r status | grep -c '^ipv6 hooks active')"

tap_end

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Both families on one router at once: IPv4 and IPv6 forwards on the same
# ports, IPv4 and IPv6 masquerade out of the same device; each family's
# traffic translated as its own, flows counted per family; IPv6 hooks
# only while IPv6 rules exist; deleting the IPv6 rules leaves IPv4 alone.
#
#  in1 10.0.1.2 fd00:1::2 --+   (in1 tcp 80, in2 udp 5353: one server of
#                           |    each family, named after it)
#                           +-- br0 10.0.1.1 fd00:1::1 [ r: knat ]
#  in2 10.0.1.3 fd00:1::3 --+        r-wan 198.51.100.1 2001:db8:1::1
#                                                 |
#            wan-r 198.51.100.2 2001:db8:1::2 [ wan ] wan-srv 203.0.113.1
#                                                 |        2001:db8:2::1
#                          srv-wan 203.0.113.2 2001:db8:2::2 [ srv ]
#                          (tcp 8000, udp 9000: one of each family)
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 ss ethtool
require_ipv6

dual_topology || { fail "topology"; tap_end; }
serve4 in1 serve-tcp 80 in1-4
serve6 in1 serve-tcp 80 in1-6
serve4 in2 serve-udp 5353 in2-4
serve6 in2 serve-udp 5353 in2-6
serve4 srv serve-tcp 8000 srv-4
serve6 srv serve-tcp 8000 srv-6
serve4 srv serve-udp 9000 srv-4
serve6 srv serve-udp 9000 srv-6

# Flows must outlive the test, however slow the VM: the counts are exact.
expect_ok "long timeouts" knat_in r config set timeout icmp 900 \
	timeout udp-replied 900 timeout udp-unreplied 900 timeout tcp-time-wait 900

# IPv4 rules alone: no IPv6 hooks.
expect_ok "forward add tcp (IPv4)" knat_in r forward add tcp 198.51.100.1:8080 to 10.0.1.2:80
expect_ok "forward add udp, any local IPv4 address" knat_in r forward add udp :5353 to 10.0.1.3
expect_ok "snat add masquerade (IPv4)" knat_in r snat add from 10.0.1.0/24 out r-wan masquerade
expect_eq "IPv4 rules only: IPv4 hooks, no IPv6 hooks" "True False" \
	"$(status_of r '"%s %s" % (j["hooks_active"], j["hooks6_active"])')"
expect_eq "status text: no IPv6 line" 0 "$(knat_in r status | grep -c '^ipv6 ')"

expect_ok "forward add tcp (IPv6), the same port" \
	knat_in r forward add tcp '[2001:db8:1::1]:8080' to '[fd00:1::2]:80'
expect_ok "forward add udp, any local IPv6 address, the same port" \
	knat_in r forward add udp '[::]:5353' to '[fd00:1::3]'
expect_ok "snat add masquerade (IPv6), the same device" \
	knat_in r snat add from fd00:1::/64 out r-wan masquerade
err=$(knat_in r forward add udp '[2001:db8:1::1]:5353' to '[fd00:1::2]' 2>&1)
expect_eq "an IPv6 forward overlapping [::]:5353 refused" \
	"Error: Forward overlaps an existing forward." "$err"

expect_eq "forward list: both families" "tcp 198.51.100.1:8080 to 10.0.1.2:80
udp 0.0.0.0:5353 to 10.0.1.3
tcp [2001:db8:1::1]:8080 to [fd00:1::2]:80
udp [::]:5353 to fd00:1::3" "$(knat_in r forward list)"
expect_eq "snat list: both families" \
	"from 10.0.1.0/24 out r-wan masquerade ports 1024-65535 mapping endpoint-independent
from fd00:1::/64 out r-wan masquerade ports 1024-65535 mapping endpoint-independent" \
	"$(knat_in r snat list)"
expect_eq "both families' hooks" "True True" \
	"$(status_of r '"%s %s" % (j["hooks_active"], j["hooks6_active"])')"
expect_eq "status: rules of both families, of them IPv6" "4 2 2 1" \
	"$(status_of r '"%d %d %d %d" % (j["forwards"], j["snats"], j["forwards6"], j["snats6"])')"

# The same traffic in each family; each must meet its own family's rules.
# Per family: 2 forwarded flows (TCP, UDP), 3 masqueraded (TCP, UDP, echo).
for fam in 4 6; do
	if [ $fam = 4 ]; then
		pub=198.51.100.1 pubep=198.51.100.1 cli=203.0.113.2 srv=203.0.113.2
		re_pub='198\.51\.100\.1' re_cli='203\.0\.113\.2'
	else
		pub=2001:db8:1::1 pubep='[2001:db8:1::1]' cli='[2001:db8:2::2]' srv=2001:db8:2::2
		re_pub='\[2001:db8:1::1\]' re_cli='\[2001:db8:2::2\]'
	fi
	out=$(nettool srv tcp $pub 8080 50000)
	expect_eq "IPv$fam forward: TCP reaches in1's IPv$fam server intact" "in1-$fam True" \
		"$(field name "$out") $(field match "$out")"
	expect_match "IPv$fam forward: in1 sees the client" "^$re_cli:[0-9]+\$" "$(field peer "$out")"
	out=$(nettool srv udp $pub 5353 --sport 4444)
	expect_eq "IPv$fam forward: UDP answered by in2's IPv$fam server" "in2-$fam True $cli:4444" \
		"$(field name "$out") $(field match "$out") $(field peer "$out")"
	out=$(nettool in1 tcp $srv 8000 50000)
	expect_eq "IPv$fam masquerade: TCP echo intact, srv's IPv$fam server" "srv-$fam True" \
		"$(field name "$out") $(field match "$out")"
	expect_match "IPv$fam masquerade: srv sees r's address" "^$re_pub:[0-9]+\$" "$(field peer "$out")"
	out=$(nettool in1 udp $srv 9000 --sport 5555)
	expect_eq "IPv$fam masquerade: UDP port preserved (same port in both families)" \
		"srv-$fam True $pubep:5555" "$(field name "$out") $(field match "$out") $(field peer "$out")"
	out=$(nettool in1 ping $srv --id 4242 --count 2)
	expect_eq "IPv$fam masquerade: ping id 4242, 2 of 2" 2 "$(field received "$out")"
done

expect_eq "flows: 5 IPv4, 5 IPv6, 10 in all" "5 5 10" \
	"$(knat_in r flow count family inet) $(knat_in r flow count family inet6) $(knat_in r flow count)"
counts=
for f in "family inet proto tcp" "family inet proto udp" "proto icmp" \
	"family inet6 proto tcp" "family inet6 proto udp" "proto icmpv6"; do
	# shellcheck disable=SC2086 # the words of the filter
	counts="$counts $(knat_in r flow count $f)"
done
expect_eq "flows by family and protocol: IPv4 tcp udp icmp, IPv6 tcp udp icmpv6" \
	" 2 2 1 2 2 1" "$counts"
expect_eq "status: 10 flows, 5 of them IPv6" "10 5" \
	"$(status_of r '"%d %d" % (j["flows"], j["flows6"])')"
expect_eq "status text: the IPv4 line and the IPv6 line" \
	"hooks active|forwards 4 snats 2 services 0 flows 10|ipv6 hooks active, forwards 2 snats 1 flows 5" \
	"$(knat_in r status | grep -E '^(hooks|forwards|ipv6) ' | paste -sd '|')"
json=$(knat_in r -j flow list)
expect_eq "flow list -j: each flow's family" "inet:5 inet6:5" \
	"$(printf '%s' "$json" | json_get '" ".join("%s:%d" % (f, [x["family"] for x in j].count(f)) for f in ("inet", "inet6"))')"
expect_eq "source 5555: one flow per address family, both for the port alone" "1 1 2" \
	"$(knat_in r flow count src 10.0.1.2:5555) $(knat_in r flow count src '[fd00:1::2]:5555') $(knat_in r flow count proto udp src :5555)"

# Delete the IPv6 rules: IPv4 must not notice.
expect_ok "forward del tcp (IPv6)" knat_in r forward del tcp '[2001:db8:1::1]:8080'
expect_ok "forward del udp (IPv6)" knat_in r forward del udp '[::]:5353'
expect_ok "snat del (IPv6)" knat_in r snat del from fd00:1::/64 out r-wan
expect_eq "forward list: IPv4 only" "tcp 198.51.100.1:8080 to 10.0.1.2:80
udp 0.0.0.0:5353 to 10.0.1.3" "$(knat_in r forward list)"
expect_eq "snat list: IPv4 only" \
	"from 10.0.1.0/24 out r-wan masquerade ports 1024-65535 mapping endpoint-independent" \
	"$(knat_in r snat list)"
expect_eq "IPv6 flows gone, IPv4 flows all kept" "0 5" \
	"$(knat_in r flow count family inet6) $(knat_in r flow count family inet)"
expect_eq "IPv4 hooks stay, IPv6 hooks gone" "True False" \
	"$(status_of r '"%s %s" % (j["hooks_active"], j["hooks6_active"])')"
expect_eq "status: no IPv6 rule or flow left" "2 1 5 0 0 0" \
	"$(status_of r '"%d %d %d %d %d %d" % (j["forwards"], j["snats"], j["flows"], j["forwards6"], j["snats6"], j["flows6"])')"
expect_eq "status text: the IPv4 line as before, no IPv6 hooks" \
	"hooks active|forwards 2 snats 1 services 0 flows 5" \
	"$(knat_in r status | grep -E '^(hooks|forwards|ipv6 hooks active)' | paste -sd '|')"

out=$(nettool srv tcp 198.51.100.1 8080 50000)
expect_eq "IPv4 forward still works" "in1-4 True" "$(field name "$out") $(field match "$out")"
out=$(nettool in1 udp 203.0.113.2 9000 --sport 5555)
expect_eq "IPv4 masquerade flow still works, same mapping" "True 198.51.100.1:5555" \
	"$(field match "$out") $(field peer "$out")"
out=$(nettool in1 udp 203.0.113.2 9000 --sport 5560)
expect_eq "IPv4 masquerade: a new flow" "True 198.51.100.1:5560" "$(field match "$out") $(field peer "$out")"
expect_fail "IPv6 forward gone: nothing at [2001:db8:1::1]:8080" \
	nettool srv tcp 2001:db8:1::1 8080 10 --timeout 2
expect_fail "IPv6 masquerade gone: no answer reaches fd00:1::2" \
	nettool in1 udp 2001:db8:2::2 9000 --sport 5561 --timeout 1
expect_eq "and no IPv6 flow was made" 0 "$(knat_in r flow count family inet6)"

tap_end

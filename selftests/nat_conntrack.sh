#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# knat beside conntrack: a stateful nftables firewall on the router
# (forward policy drop, ct state rules) sees knat's flows as the inside
# hosts see them, and lets them through.
#
#  in1 10.0.1.2 --+     (tcp 80)
#                 +-- br0 10.0.1.1 [ r: knat + nft ct ] r-wan 198.51.100.1
#  in2 10.0.1.3 --+                                 |
#                          198.51.100.2 wan-r [ wan ] wan-srv 203.0.113.1
#                                                       |
#                                    203.0.113.2 srv-wan [ srv ] (tcp 8000)
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 nft ss

nat_topology || { fail "topology"; tap_end; }
serve in1 serve-tcp 80 in1
serve srv serve-tcp 8000 srv

in_ns r nft -f - <<'NFT' || fail "nft ruleset"
table inet fw {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		ct state new iifname "br0" accept
		ct state new ip daddr 10.0.1.2 tcp dport 80 accept
	}
}
NFT
expect_ok "knat forward" knat_in r forward add tcp 198.51.100.1:8080 to 10.0.1.2:80
expect_ok "knat masquerade" knat_in r snat add from 10.0.1.0/24 out r-wan masquerade

out=$(nettool srv tcp 198.51.100.1 8080 100000)
expect_eq "forward through a ct-state firewall" "in1 True" "$(field name "$out") $(field match "$out")"
out=$(nettool in1 tcp 203.0.113.2 8000 100000)
expect_eq "masquerade through a ct-state firewall" "srv True" "$(field name "$out") $(field match "$out")"

# conntrack holds the inside view: client -> backend, inside -> outside.
ct=$(in_ns r cat /proc/net/nf_conntrack 2>/dev/null)
expect_match "conntrack saw the forward as client -> backend" \
	'src=203\.0\.113\.2 dst=10\.0\.1\.2 .*dport=80 ' "$ct"
expect_match "conntrack saw the masquerade from the inside address" \
	'src=10\.0\.1\.2 dst=203\.0\.113\.2 .*dport=8000 ' "$ct"

# The firewall still bites: a port nothing allows stays closed.
expect_ok "second forward to a port the firewall drops" \
	knat_in r forward add tcp 198.51.100.1:8081 to 10.0.1.2:81
expect_fail "firewall drops it" nettool srv tcp 198.51.100.1 8081 10 --timeout 2

tap_end

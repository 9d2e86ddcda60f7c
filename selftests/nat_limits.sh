#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Limits and lifetimes: SNAT port exhaustion drops and counts (never
# reuses a live mapping), max-flows protects existing flows, timeouts
# expire flows, endpoint-independent mapping, rmmod with live flows.
#
#  in1 10.0.1.2 --+
#                 +-- br0 10.0.1.1 [ r: knat ] r-wan 198.51.100.1
#  in2 10.0.1.3 --+                                 |
#                          198.51.100.2 wan-r [ wan ] wan-srv 203.0.113.1
#                                                       |
#                                    203.0.113.2 srv-wan [ srv ] udp 9000, 9001
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 ss

nat_topology || { fail "topology"; tap_end; }
serve srv serve-udp 9000 srv
serve srv serve-udp 9001 srv2
serve srv serve-tcp 8000 srv

# Four outside ports for the whole LAN.
expect_ok "snat with a 4-port range" \
	knat_in r snat add from 10.0.1.0/24 out r-wan to 198.51.100.1:20000-20003
ports=""
for sp in 6001 6002 6003 6004; do
	out=$(nettool in1 udp 203.0.113.2 9000 --sport $sp)
	ports="$ports $(field peer "$out")"
done
expect_eq "4 flows, 4 distinct outside ports" 4 "$(printf '%s\n' $ports | sort -u | grep -c 198.51.100.1:2000)"
before=$(stat_of r no-port)
expect_fail "the 5th inside endpoint gets no port" nettool in1 udp 203.0.113.2 9000 --sport 6005 --timeout 1
expect_eq "drop no-port counted once" $((before + 1)) "$(stat_of r no-port)"
expect_eq "rule's exhaustion counter" 1 "$(knat_in r -s -j snat list | json_get 'j[0]["exhausted"]')"
out=$(nettool in1 udp 203.0.113.2 9000 --sport 6002)
expect_eq "existing mappings unharmed" True "$(field match "$out")"

# Endpoint-independent: same inside endpoint, another destination, same
# outside port (RFC 4787 REQ-1).
a=$(field peer "$(nettool in1 udp 203.0.113.2 9000 --sport 6003)")
b=$(field peer "$(nettool in1 udp 203.0.113.2 9001 --sport 6003)")
expect_eq "same mapping towards two destinations" "$a" "$b"

expect_ok "flush flows" knat_in r flow flush
expect_eq "no flows after flush" 0 "$(knat_in r -j status | json_get 'j["flows"]')"
out=$(nettool in1 udp 203.0.113.2 9000 --sport 6005)
expect_eq "ports came back: the 5th endpoint now maps" True "$(field match "$out")"
expect_ok "snat del" knat_in r snat del from 10.0.1.0/24 out r-wan

# max-flows: the table is full for new flows only.
expect_ok "masquerade" knat_in r snat add from 10.0.1.0/24 out r-wan masquerade
expect_ok "config set max-flows 3" knat_in r config set max-flows 3
for sp in 7001 7002 7003; do
	nettool in1 udp 203.0.113.2 9000 --sport $sp >/dev/null
done
before=$(stat_of r table-full)
expect_fail "4th flow refused at max-flows 3" nettool in1 udp 203.0.113.2 9000 --sport 7004 --timeout 1
expect_eq "drop table-full counted once" $((before + 1)) "$(stat_of r table-full)"
out=$(nettool in1 udp 203.0.113.2 9000 --sport 7002)
expect_eq "existing flow unharmed at max-flows" True "$(field match "$out")"
buckets() { knat_in r -j status | json_get 'j["flow_buckets"]'; }
expect_eq "the flow table sized for max-flows 3: 64 buckets" 64 "$(buckets)"
# Back to the default: the table grows with the three flows in it, and
# each is still found by both directions.
expect_ok "config set max-flows back" knat_in r config set max-flows 262144
expect_eq "the flow table resized: 262144 buckets" 262144 "$(buckets)"
ok=""
for sp in 7001 7002 7003; do
	ok+="$(field match "$(nettool in1 udp 203.0.113.2 9000 --sport $sp)") "
done
expect_eq "the three flows answered after the resize, no new flow" \
	"True True True 3" "$ok$(knat_in r flow count)"

# Timeouts: short, then watch the flows go.
# The live gauges first, with the flow's default timeout (a debug
# kernel takes seconds a command); then replied flows get 10 s, unreplied
# ones keep 30 s: the flow's next packet sets a timer of at most 10 s,
# which proves the replied timeout applies.
knat_in r flow flush
expired=$(stat_of r flows-expired)
exp_by=$(knat_in r -j stats | json_get '" ".join(str(j["counters"]["flows_expired_" + p]) for p in ("tcp", "udp", "icmp"))')
nettool in1 udp 203.0.113.2 9000 --sport 7100 >/dev/null
expect_eq "one UDP flow" 1 "$(knat_in r flow count)"
expect_eq "stats: live flows tcp 0 udp 1 icmp 0" "0 1 0" \
	"$(knat_in r -j stats | json_get '"%d %d %d" % tuple(j["live_flows"][p] for p in ("tcp", "udp", "icmp"))')"
expect_match "stats text: the live line" "^  live: tcp 0 udp 1 icmp 0$" \
	"$(knat_in r stats | grep '^  live:')"
expect_ok "config set timeouts" knat_in r config set timeout udp-replied 10
expect_match "config show has them" "timeout udp-replied 10" "$(knat_in r config show)"
nettool in1 udp 203.0.113.2 9000 --sport 7100 >/dev/null
exp=$(knat_in r -j flow list | json_get 'j[0]["expires"] if j else "gone"')
expect_match "its timer is the replied timeout" '^([0-9]|10)$' "$exp"
busywait 15000 sh -c "[ \"\$(ip netns exec $(ns r) $KNAT flow count)\" = 0 ]" &&
	pass "flow expired (10 s timeout, 1 s GC)" || fail "flow expired (10 s timeout, 1 s GC)"
# An expired flow leaves "flow count" at once; the GC collects (and
# counts) it on its next run, up to a second later.
flows_expired_is() { [ "$(stat_of r flows-expired)" = "$1" ]; }
busywait 5000 flows_expired_is $((expired + 1))
expect_eq "flows-expired counted" $((expired + 1)) "$(stat_of r flows-expired)"
read -r t u i <<<"$exp_by"
expect_eq "flows-expired-udp +1, tcp and icmp +0" "$t $((u + 1)) $i" \
	"$(knat_in r -j stats | json_get '" ".join(str(j["counters"]["flows_expired_" + p]) for p in ("tcp", "udp", "icmp"))')"
expect_eq "stats: no live flow left" "0 0 0" \
	"$(knat_in r -j stats | json_get '"%d %d %d" % tuple(j["live_flows"][p] for p in ("tcp", "udp", "icmp"))')"
expect_ok "config set timeout back" knat_in r config set timeout udp-replied 300

# Bad input: one line naming the problem, nothing changed.
err=$(knat_in r config set max-flows 0 2>&1)
expect_match "max-flows 0 refused" '^Error: ' "$err"
expect_eq "max-flows unchanged" 262144 "$(knat_in r -j config show | json_get 'j["max_flows"]')"

# rmmod with live flows and a connection in the middle of its life.
nettool in1 hold 203.0.113.2 8000 30 >/dev/null 2>&1 &
busywait 15000 sh -c "[ \"\$(ip netns exec $(ns r) $KNAT flow count proto tcp)\" = 1 ]" &&
	pass "long TCP flow established" || fail "long TCP flow established"
nettool in2 udp 203.0.113.2 9000 >/dev/null
expect_ok "rmmod with live flows" rmmod knat
expect_fail "module gone" module_loaded

tap_end

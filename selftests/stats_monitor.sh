#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# knat monitor: flow new and destroy events for real flows, as JSON lines
# a parser reads, with sequence numbers that never skip when nothing is
# lost; and nothing at all is sent (or lost) while nobody listens.
#
#  in1 10.0.1.2 --+
#                 +-- br0 10.0.1.1 [ r: knat ] r-wan 198.51.100.1
#  in2 10.0.1.3 --+                                 |
#                          198.51.100.2 wan-r [ wan ] wan-srv 203.0.113.1
#                                                       |
#                                    203.0.113.2 srv-wan [ srv ]
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3

nat_topology || { fail "topology"; tap_end; }
serve srv serve-udp 9000 srv
serve srv serve-tcp 8000 srv
knat_in r snat add from 10.0.1.0/24 out r-wan masquerade || fail "snat add"
EV=/tmp/monitor-$$
on_exit rm -f "$EV"

# Nobody listens: flows come and go, no event is built, none lost.
nettool in1 udp 203.0.113.2 9000 --sport 4444 >/dev/null
knat_in r flow flush
expect_eq "no listener: nothing lost" 0 "$(stat_of r events-lost)"

ip netns exec "$(ns r)" "$KNAT" -j monitor >"$EV" 2>&1 &
mon=$!
on_exit kill $mon
# The monitor prints nothing until an event: give it time to join.
sleep 1

out=$(nettool in1 udp 203.0.113.2 9000 --sport 5555)
expect_eq "a UDP exchange through SNAT" True "$(field match "$out")"
out=$(nettool in1 tcp 203.0.113.2 8000 1000)
expect_eq "a TCP connection through SNAT" True "$(field match "$out")"
knat_in r flow flush
busywait 5000 sh -c "[ \$(grep -c flow-destroy $EV) -ge 2 ]" || fail "destroy events arrived"
kill $mon
wait $mon 2>/dev/null

res=$(python3 - "$EV" <<'EOF'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
seqs = [e["seq"] for e in evs]
gaps = any(b != a + 1 for a, b in zip(seqs, seqs[1:]))
def pick(kind, proto, sport):
    return [e for e in evs if e["event"] == kind and e["flow"]["proto"] == proto
            and e["flow"]["orig"]["sport"] == sport]
udp_new = pick("flow-new", "udp", 5555)
udp_end = pick("flow-destroy", "udp", 5555)
tcp_new = [e for e in evs if e["event"] == "flow-new" and e["flow"]["proto"] == "tcp"]
tcp_end = [e for e in evs if e["event"] == "flow-destroy" and e["flow"]["proto"] == "tcp"]
u = udp_new[0]["flow"] if udp_new else {}
print("udp-new:%d udp-destroy:%d tcp-new:%d tcp-destroy:%d gaps:%s" %
      (len(udp_new), len(udp_end), len(tcp_new), len(tcp_end), gaps))
print("%s:%s>%s:%s reply-dst:%s" % (u.get("orig", {}).get("src"), u.get("orig", {}).get("sport"),
      u.get("orig", {}).get("dst"), u.get("orig", {}).get("dport"), u.get("reply", {}).get("dst")))
print(udp_end[0]["flow"]["packets_orig"] if udp_end else -1)
EOF
)
expect_eq "one new and one destroy per flow, seq without gaps" \
	"udp-new:1 udp-destroy:1 tcp-new:1 tcp-destroy:1 gaps:False" "$(echo "$res" | sed -n 1p)"
expect_eq "the new UDP flow's tuples" \
	"10.0.1.2:5555>203.0.113.2:9000 reply-dst:198.51.100.1" "$(echo "$res" | sed -n 2p)"
expect_eq "its destroy event carries its counters (1 packet out)" 1 "$(echo "$res" | sed -n 3p)"
expect_eq "nothing lost while listening" 0 "$(stat_of r events-lost)"

tap_end

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SNAT port allocation statistics and the events around them: a rule with
# four outside ports fills up one allocation at a time (ports in use 1..4,
# the attempts histogram telling a kept port from a searched one, a
# shared endpoint-independent mapping costing no port), the fifth inside
# endpoint fails (exhausted, drop no-port, and exactly one port-exhausted
# event naming the rule and the tuple), and the ports come back.  Then one
# TCP connection's state changes, in order, between its new and destroy
# events.
#
#  in1 10.0.1.2 --+
#                 +-- br0 10.0.1.1 [ r: knat ] r-wan 198.51.100.1
#  in2 10.0.1.3 --+                                 |
#                          198.51.100.2 wan-r [ wan ] wan-srv 203.0.113.1
#                                                       |
#                                    203.0.113.2 srv-wan [ srv ] udp 9000 9001, tcp 8000
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3

nat_topology || { fail "topology"; tap_end; }
serve srv serve-udp 9000 srv
serve srv serve-udp 9001 srv2
serve srv serve-tcp 8000 srv
EV=/tmp/ports-monitor-$$
on_exit rm -f "$EV"

ip netns exec "$(ns r)" "$KNAT" -j monitor >"$EV" 2>&1 &
mon=$!
on_exit kill $mon
# The monitor prints nothing until an event: give it time to join.
sleep 1

expect_ok "snat with 4 outside ports" \
	knat_in r snat add from 10.0.1.0/24 out r-wan to 198.51.100.1:40000-40003

# rule: "flows ports_in_use exhausted attempts... sum" of the only rule.
rule() {
	knat_in r -s -j snat list |
		json_get '" ".join(str(x) for x in [j[0]["flows"], j[0]["ports_in_use"], j[0]["exhausted"]] + j[0]["attempts"] + [j[0]["attempts_sum"]])'
}
expect_eq "no flows yet: nothing in use, nothing tried" "0 0 0 0 0 0 0 0 0 0 0 0" "$(rule)"

preserved=$(stat_of r port-preserved)
# udp NS SPORT DPORT: one datagram and its answer; the outside port seen.
udp() {
	local out
	out=$(nettool "$1" udp 203.0.113.2 "$3" --sport "$2")
	[ "$(field match "$out")" = True ] || echo "no answer"
	field peer "$out"
}

# A free port in range is kept: 1 attempt.
expect_eq "in1:40000 keeps its port" 198.51.100.1:40000 "$(udp in1 40000 9000)"
expect_eq "1 flow, 1 port in use, 1 allocation of 1 attempt" "1 1 0 1 0 0 0 0 0 0 0 1" "$(rule)"
expect_eq "in1:40001 keeps its port" 198.51.100.1:40001 "$(udp in1 40001 9000)"
expect_eq "2 ports in use, 2 allocations of 1 attempt" "2 2 0 2 0 0 0 0 0 0 0 2" "$(rule)"
# in2 wants 40000 too: taken, so the search finds one of the two free ones
# at its first candidate: 2 attempts.
peer=$(udp in2 40000 9000)
expect_match "in2:40000 searched: 40002 or 40003 ($peer)" '^198\.51\.100\.1:4000[23]$' "$peer"
expect_eq "3 ports in use, one allocation of 2-3 attempts" "3 3 0 2 1 0 0 0 0 0 0 4" "$(rule)"
# Out of range: straight to the search, whose first candidate is free.
peer=$(udp in1 5004 9000)
expect_match "in1:5004 gets the last port ($peer)" '^198\.51\.100\.1:4000[23]$' "$peer"
expect_eq "4 ports in use, the histogram counts 4 allocations" "4 4 0 3 1 0 0 0 0 0 0 5" "$(rule)"
expect_eq "port-preserved counted the two kept ports" $((preserved + 2)) "$(stat_of r port-preserved)"
# Endpoint-independent: in1:40000 to another server shares its mapping.
expect_eq "in1:40000 to port 9001: the same outside port" 198.51.100.1:40000 "$(udp in1 40000 9001)"
expect_eq "5 flows, still 4 ports in use, no allocation" "5 4 0 3 1 0 0 0 0 0 0 5" "$(rule)"

# The fifth inside endpoint: no port.
no_port=$(stat_of r no-port)
expect_fail "in1:5005 gets no port" nettool in1 udp 203.0.113.2 9000 --sport 5005 --timeout 1
expect_eq "drop no-port +1" $((no_port + 1)) "$(stat_of r no-port)"
expect_eq "exhausted +1, histogram and ports unchanged" "5 4 1 3 1 0 0 0 0 0 0 5" "$(rule)"
out=$(knat_in r -s snat list)
expect_eq "text: the counters on the rule's line" \
	"from 10.0.1.0/24 out r-wan to 198.51.100.1 ports 40000-40003 mapping endpoint-independent flows 5 ports-in-use 4 exhausted 1" \
	"$(echo "$out" | sed -n 1p)"
expect_eq "text: the attempts histogram under it" "  attempts 1:3 2-3:1" "$(echo "$out" | sed -n 2p)"

expect_ok "flush the flows" knat_in r flow flush
expect_eq "ports back: none in use, the histogram stays" "0 0 1 3 1 0 0 0 0 0 0 5" "$(rule)"

# ---- a TCP connection's states ----
out=$(nettool in1 tcp 203.0.113.2 8000 1000 --sport 40001)
expect_eq "a TCP connection through SNAT" True "$(field match "$out")"
# Its last state change (the client's final ACK) may still be on its way.
busywait 5000 sh -c "[ \"\$(ip netns exec $(ns r) $KNAT flow count proto tcp state time-wait)\" = 1 ]" ||
	fail "the connection reached time-wait"
expect_ok "flow del" knat_in r flow del proto tcp
busywait 5000 sh -c "grep -q '\"flow-destroy\".*\"tcp\"' $EV" || fail "the destroy event arrived"
expect_eq "nothing lost while listening" 0 "$(stat_of r events-lost)"
kill $mon
wait $mon 2>/dev/null

res=$(python3 - "$EV" <<'EOF'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
seqs = [e.get("seq") for e in evs]
print("seq increasing:", all(isinstance(s, int) for s in seqs) and
      all(b == a + 1 for a, b in zip(seqs, seqs[1:])))
ex = [e for e in evs if e["event"] == "port-exhausted"]
print("port-exhausted:", len(ex))
if ex:
    r, f = ex[0]["snat"], ex[0]["flow"]
    o = f["orig"]
    print("rule: %s out %s to %s-%s ports %s-%s" % (r["from"], r["out"], r["to_min"],
          r["to_max"], r["port_min"], r["port_max"]))
    print("tuple: %s %s:%s > %s:%s" % (f["proto"], o["src"], o["sport"], o["dst"], o["dport"]))
else:
    print("rule: -")
    print("tuple: -")
tcp = [e for e in evs if e.get("flow", {}).get("proto") == "tcp"]
kinds = [e["event"] for e in tcp]
states = [(e["old_state"], e["new_state"]) for e in tcp if e["event"] == "flow-state"]
chain = all(b[0] == a[1] for a, b in zip(states, states[1:]))
print("tcp events:", kinds[0] if kinds else None, kinds[-1] if kinds else None,
      "new/destroy once:", kinds.count("flow-new") == 1 and kinds.count("flow-destroy") == 1)
print("states:", " ".join("%s>%s" % s for s in states))
print("chain:", chain, "first:", states[0] if states else None,
      "last:", states[-1][1] if states else None)
EOF
)
echo "$res" | sed 's/^/# /'
expect_eq "every event numbered, one after the other" "seq increasing: True" "$(echo "$res" | sed -n 1p)"
expect_eq "exactly one port-exhausted event" "port-exhausted: 1" "$(echo "$res" | sed -n 2p)"
expect_eq "it names the rule" "rule: 10.0.1.0/24 out r-wan to 198.51.100.1-198.51.100.1 ports 40000-40003" \
	"$(echo "$res" | sed -n 3p)"
expect_eq "and the inside tuple that found no port" "tuple: udp 10.0.1.2:5005 > 203.0.113.2:9000" \
	"$(echo "$res" | sed -n 4p)"
expect_eq "the TCP flow: new first, destroy last, once each" \
	"tcp events: flow-new flow-destroy new/destroy once: True" "$(echo "$res" | sed -n 5p)"
expect_match "the handshake's state changes in order" \
	'^states: none>syn-sent syn-sent>syn-recv syn-recv>established established>fin-wait ' \
	"$(echo "$res" | sed -n 6p)"
expect_match "each change starts where the last ended, up to time-wait" \
	"^chain: True first: \('none', 'syn-sent'\) last: time-wait$" "$(echo "$res" | sed -n 7p)"

tap_end

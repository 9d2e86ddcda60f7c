#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Passive health checking: the clients' own handshakes are the probes.  A
# backend that refuses (RST), rejects (ICMP unreachable) or ignores (no
# SYN-ACK in time) check-fails handshakes in a row is taken out; after
# check-holddown one new connection probes it and brings it back.  Every
# step is an event on `knat monitor`.
#
#  c1 198.51.100.2 --+                              +-- b1 10.0.2.11
#                    +-- br0 198.51.100.1 [ r ] br1 10.0.2.1 -- b2 10.0.2.12
#  c2 198.51.100.3 --+   VIP 203.0.113.10 (on no    +-- b3 10.0.2.13
#                        interface: routed to r)    +-- b4 10.0.2.14
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 nft

lb_topology || { fail "topology"; tap_end; }
VIP=203.0.113.10
EV=/tmp/health-events.$$
on_exit rm -f "$EV"

# stop_server NS: kill the TCP server of a backend (the UDP one stays).
stop_server() {
	local pid
	for pid in $(ip netns pids "$(ns "$1")"); do
		grep -q serve-tcp "/proc/$pid/cmdline" 2>/dev/null && kill "$pid"
	done
	busywait 5000 sh -c "! ip netns exec $(ns "$1") ss -Hltn 'sport = :8080' | grep -q ."
}

# health_of ADDR: what `service list` says of one backend's health.
health_of() {
	knat_in r -j service list |
		json_get "[b['health'] for b in j[0]['backends'] if b['addr'] == '$1'][0]"
}

# attempts N [TIMEOUT]: N connections from c1, one at a time; prints
# "ok:X fail:Y".
attempts() {
	local i ok=0 bad=0
	for i in $(seq 1 "$1"); do
		if [ "$(field match "$(nettool c1 tcp $VIP 80 100 --timeout "${2:-3}")")" = True ]; then
			ok=$((ok + 1))
		else
			bad=$((bad + 1))
		fi
	done
	echo "ok:$ok fail:$bad"
}

# A hold-down (15 min) longer than a loaded VM takes to look at a backend
# that is out; set short when it wants the probe (a changed hold-down
# applies at once).
# One client plays all: check-clients 1 lets its failures count alone.
expect_ok "service with check-fails 3 check-holddown 900 check-clients 1" \
	knat_in r service add tcp $VIP:80 sched rr check-fails 3 check-holddown 900 check-clients 1
for i in 1 2 3; do
	knat_in r backend add tcp $VIP:80 10.0.2.1$i:8080 || fail "backend add b$i"
done
expect_match "the check's settings are listed" 'check' "$(knat_in r service list | head -n 1)"
ip netns exec "$(ns r)" "$KNAT" -j monitor >"$EV" 2>&1 &
mon=$!
on_exit kill $mon

# 1. Refused: b3's server is gone, the kernel answers its SYNs with RST.
stop_server b3
f0=$(stat_of r check-failed)
d0=$(stat_of r check-down)
expect_eq "rr over 9: b3's three turns are refused" "ok:6 fail:3" "$(attempts 9)"
expect_eq "three failed handshakes counted" $((f0 + 3)) "$(stat_of r check-failed)"
expect_eq "b3 taken down once" $((d0 + 1)) "$(stat_of r check-down)"
expect_eq "b3's health: failed" failed "$(health_of 10.0.2.13)"
expect_eq "b3 is out: 6 connections, all served" "ok:6 fail:0" "$(attempts 6)"
expect_eq "b1 and b2 took them" "b1:3 b2:3" "$(spread c1 6 $VIP 80 100)"

# 2. The server is back; after the hold-down, one connection probes b3
#    and its SYN-ACK brings b3 back.
serve b3 serve-tcp 8080 b3 || fail "b3 server restarted"
expect_eq "hold-down 900: still failed" failed "$(health_of 10.0.2.13)"
knat_in r service set tcp $VIP:80 check-holddown 1
busywait 10000 sh -c "grep -q '\"probing\"' $EV" &&
	pass "hold-down over: probing event" || fail "hold-down over: probing event"
u0=$(stat_of r check-up)
expect_eq "the next connection is the probe, to b3" b3 \
	"$(field name "$(nettool c1 tcp $VIP 80 100)")"
expect_eq "the probe brought b3 back (check-up +1)" $((u0 + 1)) "$(stat_of r check-up)"
busywait 5000 sh -c "[ \"\$(ip netns exec $(ns r) $KNAT -j service list | python3 -c 'import json,sys; print([b[\"health\"] for b in json.load(sys.stdin)[0][\"backends\"] if b[\"addr\"] == \"10.0.2.13\"][0])')\" = ok ]" ||
	fail "b3's health: ok again"
expect_eq "rr spreads over all three again" "b1:2 b2:2 b3:2" "$(spread c1 6 $VIP 80 100)"

# 3. Ignored: b2 drops SYNs; the client sends its SYN again after 1 s and
#    3 s, past check-timeout 1: one failure is enough here.
knat_in r service set tcp $VIP:80 check-fails 1 check-timeout 1 check-holddown 900
in_ns b2 nft add table inet t
in_ns b2 nft add chain inet t in '{ type filter hook input priority 0; }'
in_ns b2 nft add rule inet t in tcp dport 8080 drop
d0=$(stat_of r check-down)
res=$(attempts 3 5)
expect_match "rr over 3: b2's SYNs unanswered ($res)" '^ok:2 fail:1$' "$res"
expect_eq "no SYN-ACK in time: b2 taken down" $((d0 + 1)) "$(stat_of r check-down)"
expect_eq "b2's health: failed" failed "$(health_of 10.0.2.12)"

# 4. Rejected: b1 answers SYNs with ICMP port unreachable.
in_ns b1 nft add table inet t
in_ns b1 nft add chain inet t in '{ type filter hook input priority 0; }'
in_ns b1 nft add rule inet t in tcp dport 8080 reject with icmp type port-unreachable
d0=$(stat_of r check-down)
res=$(attempts 3)
expect_match "ICMP unreachable answers b1's turn ($res)" '^ok:[0-9] fail:[1-9]$' "$res"
expect_eq "ICMP unreachable to a SYN: b1 taken down" $((d0 + 1)) "$(stat_of r check-down)"
expect_eq "b1's health: failed" failed "$(health_of 10.0.2.11)"
expect_eq "only b3 is left: it serves everything" "b3:4" "$(spread c1 4 $VIP 80 100)"

# 5. The admin overrides: `backend set up` forgets what the check thought.
in_ns b1 nft delete table inet t
expect_ok "backend set b1 up" knat_in r backend set tcp $VIP:80 10.0.2.11:8080 up
expect_eq "b1's health: ok" ok "$(health_of 10.0.2.11)"

# 6. check-fails 0 turns the check off: refusals no longer take b3 out.
knat_in r service set tcp $VIP:80 check-fails 0
in_ns b2 nft delete table inet t
knat_in r backend set tcp $VIP:80 10.0.2.12:8080 up
stop_server b3
d0=$(stat_of r check-down)
attempts 6 >/dev/null
expect_eq "check off: nobody taken down" "$d0" "$(stat_of r check-down)"
expect_eq "check off: b3 still ok" ok "$(health_of 10.0.2.13)"

# The events, in order, with growing sequence numbers.
kill $mon 2>/dev/null
wait $mon 2>/dev/null
evs=$(python3 - "$EV" <<'EOF'
import json, sys
seq, out = None, []
for line in open(sys.argv[1]):
    e = json.loads(line)
    if "seq" not in e:
        continue
    if seq is not None and e["seq"] <= seq:
        print("seq not increasing"); sys.exit(0)
    seq = e["seq"]
    if not e["event"].startswith("backend-"):
        continue
    ev = e["event"].replace("-", " ").split()[-1]
    out.append("%s:%s" % (ev, e["backend"]["addr"].split(".")[-1]))
print(" ".join(out))
EOF
)
expect_eq "monitor saw each step, in order" \
	"down:13 probing:13 up:13 down:12 down:11 up:11 up:12" "$evs"

expect_ok "service del" knat_in r service del tcp $VIP:80
expect_match "no hooks left" "hooks inactive" "$(knat_in r status)"
tap_end

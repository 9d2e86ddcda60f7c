#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Passive health checking: the clients' own handshakes are the probes.  A
# backend that refuses (RST), rejects (ICMP port unreachable) or ignores
# (no SYN-ACK in time) check-fails handshakes in a row is taken out; after
# check-holddown one new connection probes it and brings it back.  Every
# step is an event on `knat monitor`.  Then check-clients: one client
# address's failures are not enough, a second one's are.
#
#  c1 198.51.100.2 --+                              +-- b1 10.0.2.11
#                    +-- br0 198.51.100.1 [ r ] br1 10.0.2.1 -- b2 10.0.2.12
#  c2 198.51.100.3 --+   VIP 203.0.113.10 (on no    +-- b3 10.0.2.13
#                        interface: routed to r)    +-- b4 10.0.2.14
#
# KNAT_LB_FAMILY=6 (lb6_health.sh) runs the same test in IPv6, in
# lb6_topology, services and backends bracketed, the rejecting backend
# answering with ICMPv6 port unreachable:
#
#  c1 2001:db8:1::2 --+                                 +-- b1 fd00:2::11
#                     +-- br0 2001:db8:1::1 [ r ] br1 fd00:2::1 -- b2 fd00:2::12
#  c2 2001:db8:1::3 --+   VIP 2001:db8:100::10 (on no   +-- b3 fd00:2::13
#                         interface: routed to r)       +-- b4 fd00:2::14
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 ss nft

# VIP: the bare VIP; V: the VIP as a service names it; BE: a backend's
# address is BE then its number; be N: backend bN as a service's backend
# is written (port to follow); SERVE: lib's serve for this family; ICMP,
# REJECT, ICMP_RL: the family's ICMP, an nft rule's port-unreachable
# reject, the sysctl of its error rate limit; IP, HOOKS: the family's
# name and its hooks in status.
if [ "${KNAT_LB_FAMILY:-4}" = 6 ]; then
	require_cmd ethtool
	require_ipv6
	lb6_topology || { fail "topology"; tap_end; }
	VIP=$LB6_VIP V="[$VIP]" BE=fd00:2::1 SERVE=serve6
	be() { echo "[$BE$1]"; }
	ICMP=ICMPv6 REJECT='reject with icmpv6 type port-unreachable'
	ICMP_RL=net.ipv6.icmp.ratelimit IP=IPv6 HOOKS=hooks6_active
else
	lb_topology || { fail "topology"; tap_end; }
	VIP=203.0.113.10 V=$VIP BE=10.0.2.1 SERVE=serve
	be() { echo "$BE$1"; }
	ICMP=ICMP REJECT='reject with icmp type port-unreachable'
	ICMP_RL=net.ipv4.icmp_ratelimit IP=IPv4 HOOKS=hooks_active
fi
TMP=$(mktemp -d)
on_exit rm -rf "$TMP"
EV=$TMP/events

# stop_server NS: kill the TCP server of a backend (the UDP one stays).
stop_server() {
	local pid
	for pid in $(ip netns pids "$(ns "$1")"); do
		grep -q serve-tcp "/proc/$pid/cmdline" 2>/dev/null && kill "$pid"
	done
	busywait 5000 sh -c "! ip netns exec $(ns "$1") ss -Hltn 'sport = :8080' | grep -q ."
}

# be_of PORT N KEY [-s]: KEY of backend bN of the service $V:PORT in
# `service list -j` (-s: with its counters).
be_of() {
	knat_in r ${4:+-s} -j service list |
		json_get "[b['$3'] for s in j if s['port'] == $1 for b in s['backends'] if b['addr'] == '$BE$2'][0]"
}

# health_of N: what `service list` says of bN's health on $V:80.
health_of() {
	be_of 80 "$1" health
}

# health_is N HEALTH: for busywait.
health_is() {
	[ "$(health_of "$1")" = "$2" ]
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

# nft_in NS RULE: an input filter rule of the namespace's own table.
nft_in() {
	in_ns "$1" nft list table inet t >/dev/null 2>&1 || {
		in_ns "$1" nft add table inet t &&
			in_ns "$1" nft add chain inet t in '{ type filter hook input priority 0; }'
	} || return 1
	in_ns "$1" nft add rule inet t in "$2"
}

# A hold-down (15 min) longer than a loaded VM takes to look at a backend
# that is out; set short when it wants the probe (a changed hold-down
# applies at once).
# One client plays all: check-clients 1 lets its failures count alone.
expect_ok "service with check-fails 3 check-holddown 900 check-clients 1" \
	knat_in r service add tcp "$V:80" sched rr check-fails 3 check-holddown 900 check-clients 1
for i in 1 2 3; do
	knat_in r backend add tcp "$V:80" "$(be "$i"):8080" || fail "backend add b$i"
done
expect_match "the check's settings are listed" 'check' "$(knat_in r service list | head -n 1)"
expect_eq "service list -j: the check's settings" "3 900" \
	"$(knat_in r -j service list | json_get '"%s %s" % (j[0]["check_fails"], j[0]["check_holddown"])')"
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
expect_eq "b3's health failed, its counters 3 and 1" "failed 3 1" \
	"$(health_of 3) $(be_of 80 3 check_failed -s) $(be_of 80 3 check_downs -s)"
expect_eq "b3 is out: 6 connections, all served" "ok:6 fail:0" "$(attempts 6)"
expect_eq "b1 and b2 took them" "b1:3 b2:3" "$(spread c1 6 $VIP 80 100)"

# 2. The server is back; after the hold-down, one connection probes b3
#    and its SYN-ACK brings b3 back.
$SERVE b3 serve-tcp 8080 b3 || fail "b3 server restarted"
expect_eq "hold-down 900: still failed" failed "$(health_of 3)"
knat_in r service set tcp "$V:80" check-holddown 1
busywait 10000 grep -q '"probing"' "$EV" &&
	pass "hold-down over: probing event" || fail "hold-down over: probing event"
u0=$(stat_of r check-up)
expect_eq "the next connection is the probe, to b3" b3 \
	"$(field name "$(nettool c1 tcp $VIP 80 100)")"
expect_eq "the probe brought b3 back (check-up +1)" $((u0 + 1)) "$(stat_of r check-up)"
busywait 5000 health_is 3 ok || fail "b3's health: ok again"
expect_eq "rr spreads over all three again" "b1:2 b2:2 b3:2" "$(spread c1 6 $VIP 80 100)"

# 3. Ignored: b2 drops SYNs; the client sends its SYN again after 1 s and
#    3 s, past check-timeout 1: one failure is enough here.
knat_in r service set tcp "$V:80" check-fails 1 check-timeout 1 check-holddown 900
nft_in b2 'tcp dport 8080 drop' || fail "b2 drops SYNs"
d0=$(stat_of r check-down)
res=$(attempts 3 5)
expect_match "rr over 3: b2's SYNs unanswered ($res)" '^ok:2 fail:1$' "$res"
expect_eq "no SYN-ACK in time: b2 taken down" $((d0 + 1)) "$(stat_of r check-down)"
expect_eq "b2's health: failed" failed "$(health_of 2)"

# 4. Rejected: b1 answers SYNs with port unreachable (no rate limit on
#    b1's errors: each SYN gets its answer).
in_ns b1 sysctl -qw "$ICMP_RL=0"
nft_in b1 "tcp dport 8080 $REJECT" || fail "b1 rejects SYNs"
d0=$(stat_of r check-down)
res=$(attempts 3)
expect_match "$ICMP port unreachable answers b1's turn ($res)" '^ok:[0-9] fail:[1-9]$' "$res"
expect_eq "$ICMP unreachable to a SYN: b1 taken down" $((d0 + 1)) "$(stat_of r check-down)"
expect_eq "b1's health: failed" failed "$(health_of 1)"
expect_eq "only b3 is left: it serves everything" "b3:4" "$(spread c1 4 $VIP 80 100)"

# 5. The admin overrides: `backend set up` forgets what the check thought.
in_ns b1 nft delete table inet t
expect_ok "backend set b1 up" knat_in r backend set tcp "$V:80" "$(be 1):8080" up
expect_eq "b1's health: ok" ok "$(health_of 1)"

# 6. check-fails 0 turns the check off: refusals no longer take b3 out.
knat_in r service set tcp "$V:80" check-fails 0
in_ns b2 nft delete table inet t
knat_in r backend set tcp "$V:80" "$(be 2):8080" up
stop_server b3
d0=$(stat_of r check-down)
attempts 6 >/dev/null
expect_eq "check off: nobody taken down" "$d0" "$(stat_of r check-down)"
expect_eq "check off: b3 still ok" ok "$(health_of 3)"

# The events, in order, with growing sequence numbers, naming the
# backends by their addresses.
kill $mon 2>/dev/null
wait $mon 2>/dev/null
evs=$("${PYTHON[@]}" - "$EV" <<'EOF'
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
    out.append("%s:%s" % (ev, e["backend"]["addr"]))
print(" ".join(out))
EOF
)
expect_eq "monitor saw each step, in order" \
	"down:${BE}3 probing:${BE}3 up:${BE}3 down:${BE}2 down:${BE}1 up:${BE}1 up:${BE}2" "$evs"

# 7. check-clients: a backend goes down only by failures from two client
#    addresses (the default check-clients 2), c1 and c2, which differ in
#    their last bits only: the addresses compare whole.  b3's server is
#    still gone: its kernel refuses every handshake at once (RST).  A run
#    counts its clients within 10 x check-timeout: 10 s makes that 100 s,
#    which the seven connections take well within even on the debug
#    kernel (with 2 s, c2 came 20 s after c1 there: a run of its own).
# check_state: "FAILED IGNORED DOWN HEALTH", the counters check-failed,
# check-ignored, check-down and b3's health on $V:83.
check_state() {
	echo "$(stat_of r check-failed) $(stat_of r check-ignored) $(stat_of r check-down)" \
		"$(be_of 83 3 health)"
}
expect_ok "service VIP:83 of b3 alone, check-fails 3, check-clients by default" \
	knat_in r service add tcp "$V:83" sched rr check-fails 3 check-timeout 10 check-holddown 60
knat_in r backend add tcp "$V:83" "$(be 3):8080"
read -r f0 i0 d0 h <<<"$(check_state)"
expect_eq "b3 starts ok on VIP:83" ok "$h"
nettool c1 tcp $VIP 83 100 --count 6 --timeout 3 >/dev/null
expect_eq "one client, 6 refused: 6 failed, 4 ignored, none down (failed ignored down health)" \
	"$((f0 + 6)) $((i0 + 4)) $d0 ok" "$(check_state)"
nettool c2 tcp $VIP 83 100 --timeout 3 >/dev/null
expect_eq "a second client's failure: b3 taken down (failed ignored down health)" \
	"$((f0 + 7)) $((i0 + 4)) $((d0 + 1)) failed" "$(check_state)"
expect_ok "service del VIP:83" knat_in r service del tcp "$V:83"

expect_ok "service del" knat_in r service del tcp "$V:80"
expect_eq "no flows left" 0 "$(knat_in r flow count)"
expect_match "no hooks left" "hooks inactive" "$(knat_in r status)"
expect_eq "no $IP hooks left" False "$(status_of r "j[\"$HOOKS\"]")"
tap_end

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Persistence: a client address keeps its backend across connections for
# `persist` seconds after its last flow, whatever the scheduler would say.
#
#  c1 198.51.100.2 --+                              +-- b1 10.0.2.11
#                    +-- br0 198.51.100.1 [ r ] br1 10.0.2.1 -- b2 10.0.2.12
#  c2 198.51.100.3 --+   VIP 203.0.113.10 (on no    +-- b3 10.0.2.13
#                        interface: routed to r)    +-- b4 10.0.2.14
#
# KNAT_LB_FAMILY=6 (lb6_persist.sh) runs the same test in IPv6, in
# lb6_topology, services and backends bracketed:
#
#  c1 2001:db8:1::2 --+                                 +-- b1 fd00:2::11
#                     +-- br0 2001:db8:1::1 [ r ] br1 fd00:2::1 -- b2 fd00:2::12
#  c2 2001:db8:1::3 --+   VIP 2001:db8:100::10 (on no   +-- b3 fd00:2::13
#                         interface: routed to r)       +-- b4 fd00:2::14
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3

# VIP: the bare VIP; V: the VIP as a service names it; BE: a backend's
# address is BE then its number; be N: backend bN as a service's backend
# is written (port to follow).
if [ "${KNAT_LB_FAMILY:-4}" = 6 ]; then
	require_cmd ethtool
	require_ipv6
	lb6_topology || { fail "topology"; tap_end; }
	VIP=$LB6_VIP V="[$VIP]" BE=fd00:2::1
	be() { echo "[$BE$1]"; }
else
	lb_topology || { fail "topology"; tap_end; }
	VIP=203.0.113.10 V=$VIP BE=10.0.2.1
	be() { echo "$BE$1"; }
fi
TMP=$(mktemp -d)
on_exit rm -rf "$TMP"

# flows_are N FILTER...: for busywait.
flows_are() {
	local n=$1
	shift
	[ "$(knat_in r flow count "$@")" = "$n" ]
}

# persist_is: the TCP service's persist in `service list -j`.
persist_is() {
	knat_in r -j service list | json_get '[s["persist"] for s in j if s["proto"] == "tcp"][0]'
}

# Persistence given when the service is added, and changed on it.
expect_ok "service add rr persist 20" knat_in r service add tcp "$V:80" sched rr persist 20
for i in 1 2 3; do
	knat_in r backend add tcp "$V:80" "$(be "$i"):8080" || fail "backend add b$i"
done
expect_eq "service list shows persist 20" 20 "$(persist_is)"
expect_ok "service set persist 30" knat_in r service set tcp "$V:80" persist 30
expect_eq "service list shows persist 30" 30 "$(persist_is)"

# rr would rotate; persistence pins each client.
s1=$(spread c1 9 $VIP 80 100)
s2=$(spread c2 9 $VIP 80 100)
expect_match "c1: 9 connections, one backend ($s1)" '^b[123]:9$' "$s1"
expect_match "c2: 9 connections, one backend ($s2)" '^b[123]:9$' "$s2"
[ "${s1%%:*}" != "${s2%%:*}" ] && pass "rr still spreads clients ($s1, $s2)" ||
	fail "rr still spreads clients ($s1, $s2)"

# UDP to the same VIP is another service: no persistence there.
knat_in r service add udp "$V:53" sched rr
for i in 1 2 3; do knat_in r backend add udp "$V:53" "$(be "$i"):5353"; done
u=$(nettool c1 udp $VIP 53 --sports 6001,6002,6003 | fields name | sort -u | wc -l)
expect_eq "a service without persist still rotates (3 backends for 3 flows)" 3 "$u"

# A draining backend gets no new connection, persistent or not: the
# client is rescheduled and sticks to its new backend.
b=${s1%%:*}
knat_in r backend set tcp "$V:80" "$(be "${b: -1}"):8080" weight 0
s1b=$(spread c1 6 $VIP 80 100)
expect_match "c1's backend ($b) drained: c1 moved, still to one backend ($s1b)" \
	'^b[123]:6$' "$s1b"
[ "${s1b%%:*}" != "$b" ] && pass "the drained backend got none of c1's" ||
	fail "the drained backend got none of c1's"
knat_in r backend set tcp "$V:80" "$(be "${b: -1}"):8080" weight 1
expect_eq "c1 stays on its new backend after the old one is back" \
	"${s1b%%:*}:3" "$(spread c1 3 $VIP 80 100)"

# Deleting the backend forgets it; c1 lands elsewhere, and stays.
nb=${s1b%%:*}
expect_ok "delete c1's backend ($nb)" knat_in r backend del tcp "$V:80" "$(be "${nb: -1}"):8080"
s1c=$(spread c1 4 $VIP 80 100)
expect_match "after the delete c1 sticks to a live backend ($s1c)" '^b[123]:4$' "$s1c"
[ "${s1c%%:*}" != "$nb" ] && pass "not the deleted one" || fail "not the deleted one"
knat_in r backend add tcp "$V:80" "$(be "${nb: -1}"):8080"

# The entry outlives the connection by `persist` seconds, then goes.  To
# see it go, the scheduler must have another opinion: sh always sends c1
# to S; c1 is pinned elsewhere (F) first, and returns to S once persist is
# up.  (persist 15, not less: python starts slowly in the emulated VM, a
# VM beside a CPU hog slower still, and the connections of one check must
# come within persist of each other's end.  So c1's connection to F is
# held open while the service changes, and only the next Python's start
# lies between its end and the check.)
P=15
knat_in r config set timeout tcp-time-wait 1 timeout tcp-close 1
knat_in r service set tcp "$V:80" sched sh persist 0
S=$(field name "$(nettool c1 tcp $VIP 80 100)")
knat_in r backend set tcp "$V:80" "$(be "${S: -1}"):8080" weight 0
knat_in r service set tcp "$V:80" sched rr persist $P
knat_in r flow flush
HOLD=$TMP/hold
nettool c1 hold $VIP 80 120 --until "$HOLD.stop" >"$HOLD" 2>&1 &
pid=$!
busywait 30000 grep -q state=open "$HOLD" || fail "c1's held connection opens"
a=$(knat_in r -j flow list proto tcp | json_get 'j[0]["reply"]["src"]')
F=b${a: -1}
knat_in r backend set tcp "$V:80" "$(be "${S: -1}"):8080" weight 1
knat_in r service set tcp "$V:80" sched sh
touch "$HOLD.stop"
wait $pid
expect_eq "within persist $P: c1 stays on $F though sh says $S" "$F:2" \
	"$(spread c1 2 $VIP 80 100)"
busywait 15000 flows_are 0 proto tcp || fail "flows expired"
sleep $P.5
expect_eq "persist $P after the last flow: the entry is gone, sh decides" "$S:2" \
	"$(spread c1 2 $VIP 80 100)"

expect_fail "persist over a day refused" knat_in r service set tcp "$V:80" persist 86401
expect_ok "persist 0 turns it off" knat_in r service set tcp "$V:80" sched rr persist 0
n=$(spread c1 6 $VIP 80 100 | wc -w)
expect_eq "without persist, rr spreads c1 again" 3 "$n"
expect_ok "service del" knat_in r service del tcp "$V:80"
knat_in r service del udp "$V:53"
expect_match "no hooks left" "hooks inactive" "$(knat_in r status)"

tap_end

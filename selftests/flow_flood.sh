#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Filling the flow table from outside (issue 10, item 4): flows nobody
# answers get the short SYN_SENT timeout, set once (a spoofed ACK picked
# up by maglev, a SYN and its retransmissions); when the table is full an
# unanswered flow is evicted for a new one (early-drop), so a SYN flood
# does not lock out a legitimate client; and flows the outside starts
# stop at three quarters of max-flows, so the inside's outbound NAT keeps
# room.  A flood the backends answer (SYN-ACKs to a spoofed source) is
# evicted as well: a handshake not completed is no connection.  Flood packets go to VIP:8081, whose backends r routes to a
# blackhole: r takes them up and makes their flows, then routing drops
# them silently, so no backend ever answers.  (Not TTL 1: a packet whose
# TTL ends at r never reaches a backend, and knat makes no flow for it.)
#
#  c1 198.51.100.2 --+                              +-- b1 10.0.2.11
#                    +-- br0 198.51.100.1 [ r ] br1 10.0.2.1 -- b2 10.0.2.12
#  c2 198.51.100.3 --+   VIP 203.0.113.10           +-- b3 10.0.2.13
#                        :8081 -> 10.9.0.11, 10.9.0.12 (blackhole)
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3

VIP=203.0.113.10
lb_topology || { fail "topology"; tap_end; }
knat_in r service add tcp $VIP:8080 sched maglev || fail "service add tcp"
knat_in r service add udp $VIP:5353 sched rr || fail "service add udp"
for b in 11 12; do
	knat_in r backend add tcp $VIP:8080 10.0.2.$b || fail "backend add tcp"
	knat_in r backend add udp $VIP:5353 10.0.2.$b || fail "backend add udp"
done
knat_in r service add tcp $VIP:8081 sched maglev || fail "service add tcp 8081"
for b in 11 12; do
	knat_in r backend add tcp $VIP:8081 10.9.0.$b || fail "backend add 8081"
done
ip -n "$(ns r)" route add blackhole 10.9.0.0/24 || fail "blackhole route"

# flood FLAGS SPORT0 N: N TCP segments to VIP:8081 (or UDP datagrams to
# VIP:5353: FLAGS udp) from c1, one per source port from SPORT0.
flood() {
	in_ns c1 python3 "$(dirname "$0")/rawpkt.py" "
s, d = '198.51.100.2', '$VIP'
for sp in range($2, $2 + $3):
    if '$1' == 'udp':
        send(ip(s, d, 17, udp(s, d, sp, 5353, b'hi'), ttl=64))
    else:
        send(ip(s, d, 6, tcp(s, d, sp, 8081, '$1', seq=sp * 7919, ack=sp), ttl=64))
"
}
# expires PROTO PORT0 N: the expiry of every flow from c1's ports
# [PORT0, PORT0 + N), as "min max count".
expires() {
	knat_in r -j flow list proto "$1" | json_get "(lambda e:
	'%d %d %d' % (min(e), max(e), len(e)) if e else 'none')(
	[f['expires'] for f in j if $2 <= f['orig']['sport'] < $2 + $3])"
}
nflows() { knat_in r -j status | json_get 'j["flows"]'; }

# ---- spoofed ACKs: maglev picks them up, for the SYN_SENT timeout -----
before=$(stat_of r pickup-client)
flood A 20000 300 || fail "300 spoofed ACKs sent"
expect_eq "300 ACKs picked up" 300 "$(( $(stat_of r pickup-client) - before ))"
read -r lo hi n <<<"$(expires tcp 20000 300)"
[ "$n" = 300 ] && [ "$hi" -le 120 ] &&
	pass "300 picked-up flows expire within the 120 s SYN_SENT timeout (expires $lo..$hi)" ||
	fail "300 picked-up flows expire within the 120 s SYN_SENT timeout (expires $lo..$hi, $n flows)"

# ---- retransmitted SYNs and repeated ACKs do not renew it -------------
flood S 21000 1 || fail "a SYN"
first=$(expires tcp 21000 1)
# Time must pass for the expiry to show it was not renewed: 3 s, so a
# flow not renewed lost at least 3 s of it between the two reads.
sleep 3
flood S 21000 1 || fail "the SYN again"
flood A 20000 1 || fail "an ACK again"
read -r lo _ _ <<<"$first"
read -r now _ _ <<<"$(expires tcp 21000 1)"
[ "$now" -le $((lo - 3)) ] &&
	pass "retransmitted SYN did not renew its flow (expires $lo, then $now)" ||
	fail "retransmitted SYN did not renew its flow (expires $lo, then $now)"
read -r now _ _ <<<"$(expires tcp 20000 1)"
[ "$now" -le 119 ] && pass "repeated ACK did not renew its pickup (expires $now)" ||
	fail "repeated ACK did not renew its pickup (expires $now)"

# ---- a SYN flood against max-flows 200: early drop --------------------
knat_in r flow flush
knat_in r config set max-flows 200 || fail "max-flows 200"
before_ed=$(stat_of r early-drop)
before_full=$(stat_of r table-full)
flood S 30000 400 || fail "400 SYNs sent"
expect_eq "150 fit (3/4 of 200), each of the other 250 evicted an unanswered one" \
	"early-drop:+250 table-full:+0 flows:150" \
	"early-drop:+$(( $(stat_of r early-drop) - before_ed )) table-full:+$(( $(stat_of r table-full) - before_full )) flows:$(nflows)"
out=$(nettool c2 tcp $VIP 8080 1000)
expect_eq "a legitimate connection during the flood" True "$(field match "$out")"

# ---- the same flood answered: half-open flows are evicted too ---------
# From a source nobody owns, to the real backends of VIP:8080: they answer
# each SYN, and the SYN-ACKs go nowhere.  Answered, but no connection: a
# full table evicts them still (conntrack: not ASSURED); else the flood
# would hold it for the SYN-RECV timeout.
# The backends send each SYN-ACK once: retransmitted ones, taken up again
# (maglev pickup), would still be arriving in the next part's count.
for b in b1 b2; do
	in_ns $b sysctl -qw net.ipv4.tcp_synack_retries=0
done
knat_in r flow flush
before_ed=$(stat_of r early-drop)
before_full=$(stat_of r table-full)
in_ns c1 python3 "$(dirname "$0")/rawpkt.py" "
s, d = '198.51.100.50', '$VIP'
for sp in range(32000, 32400):
    send(ip(s, d, 6, tcp(s, d, sp, 8080, 'S', seq=sp * 7919), ttl=64))
" || fail "400 spoofed SYNs to answering backends sent"
# shellcheck disable=SC2317 # called through busywait
half_open() {
	[ "$(knat_in r flow count proto tcp state syn-recv)" -ge 100 ]
}
busywait 10000 half_open
nrecv=$(knat_in r flow count proto tcp state syn-recv)
ed=$(( $(stat_of r early-drop) - before_ed ))
full=$(( $(stat_of r table-full) - before_full ))
echo "# answered flood: syn-recv $nrecv, early-drop +$ed, table-full +$full"
[ "$nrecv" -ge 100 ] && [ "$ed" -ge 200 ] && [ "$full" = 0 ] &&
	pass "answered SYN flood: half-open (SYN-RECV) flows evicted, none refused" ||
	fail "answered SYN flood: half-open (SYN-RECV) flows evicted, none refused"
out=$(nettool c2 tcp $VIP 8080 1000)
expect_eq "a legitimate connection after the answered flood" True "$(field match "$out")"

# ---- outbound NAT keeps its quarter -----------------------------------
knat_in r flow flush
knat_in r snat add from 10.0.2.0/24 out br0 masquerade || fail "snat add"
serve c2 serve-udp 9000 c2
# 210 UDP exchanges from outside, each answered: answered flows are not
# evictable, and the outside's share stops at 150.
before_full=$(stat_of r table-full)
out=$(in_ns c1 python3 "$(dirname "$0")/rawpkt.py" "
log(answered=sum(udp_ask('$VIP', 5353, sp, timeout=0.3) is not None
                 for sp in range(31000, 31210)))")
expect_eq "150 of 210 exchanges from outside answered, 60 refused, 150 flows" \
	"answered=150 table-full:+60 flows:150" \
	"$out table-full:+$(( $(stat_of r table-full) - before_full )) flows:$(nflows)"
for sp in 7001 7002 7003; do
	out=$(nettool b3 udp 198.51.100.3 9000 --sport $sp)
	expect_eq "outbound masquerade flow $sp despite the flood" True "$(field match "$out")"
done
knat_in r config set max-flows 262144

tap_end

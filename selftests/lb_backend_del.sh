#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Deleting a backend of a persistent service while its clients keep
# opening flows: no flow may be left owned by the deleted backend (it used
# to be freed under them: the persistence lookup handed it out until the
# forget walk reached the client's entry), and `backend del` waits for no
# grace period.  Thousands of clients (spoofed from 100.64.0.0/16 by c1)
# each get a persistence entry; then one Python opens UDP flows from them,
# a new source port per round, while b1 is deleted.
#
#  c1 198.51.100.2 ---- br0 198.51.100.1 [ r ] br1 10.0.2.1 -- b1..b4
#  (100.64.0.0/16 routed to c1)          VIP 203.0.113.10     10.0.2.1x
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 nft

lb_topology noserve || { fail "topology"; tap_end; }
VIP=203.0.113.10
RAWPKT="$SELFTESTS_DIR/rawpkt.py"
N=${LB_DEL_CLIENTS:-6000}
ip -n "$(ns r)" route add 100.64.0.0/16 via 198.51.100.2
# The backends take the datagrams silently: no answers, no unreachables.
for i in 1 2 3 4; do
	in_ns b$i nft add table inet t
	in_ns b$i nft add chain inet t in '{ type filter hook input priority 0; }'
	in_ns b$i nft add rule inet t in udp dport 5353 drop
done

# flood SECONDS ROUNDS [FILE]: UDP to VIP:53 from each of the N clients
# (or those listed in FILE) in turn, a new source port each round, for
# ROUNDS rounds or SECONDS, whichever ends first; prints the datagrams
# sent.  One raw socket for all.
flood() {
	in_ns c1 "${PYTHON[@]}" "$RAWPKT" "
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
end, sent = time.time() + $1, 0
cs = ['100.64.%d.%d' % (c >> 8, c & 255) for c in range($N)]
if '${3:-}':
    cs = open('${3:-}').read().split()
for r in range($2):
    for src in cs:
        s.sendto(ip(src, '$VIP', 17, udp(src, '$VIP', 10000 + r, 53, b'x')),
                 ('$VIP', 0))
        sent += 1
    if time.time() > end:
        break
print(sent)
"
}

# Unanswered flows must outlive the slow fill (30 s by default).
knat_in r config set timeout udp-unreplied 3600
expect_ok "udp service, persist 300" \
	knat_in r service add udp $VIP:53 sched rr persist 300
for i in 1 2 3 4; do
	knat_in r backend add udp $VIP:53 10.0.2.1$i:5353 || fail "backend add b$i"
done

# One datagram per client: N flows, N persistence entries, a quarter on b1.
sent=$(flood 120 1)
expect_eq "$N clients sent one datagram each" "$N" "$sent"
on_b1=$(knat_in r flow count backend 10.0.2.11:5353)
[ "$on_b1" -gt $((N / 8)) ] && pass "b1 holds $on_b1 of the $N flows" ||
	fail "b1 holds $on_b1 of the $N flows"

# b1's clients keep opening flows while b1 goes: each new one finds its
# persistence entry still naming b1 until the removal forgets it.
knat_in r -j flow list backend 10.0.2.11:5353 |
	json_get '" ".join(f["orig"]["src"] for f in j)' >/tmp/lbdel-b1.$$
on_exit rm -f /tmp/lbdel-b1.$$
n0=$(knat_in r flow count)
flood 20 100 /tmp/lbdel-b1.$$ >/tmp/lbdel.$$ &
pid=$!
on_exit kill $pid
busywait 20000 sh -c "[ \$(ip netns exec $(ns r) $KNAT flow count) -gt $((n0 + 100)) ]" ||
	fail "the clients' second round started"
t0=$(date +%s%N)
expect_ok "backend del b1 while flows keep coming" \
	knat_in r backend del udp $VIP:53 10.0.2.11:5353
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
pass "backend del took $ms ms with $N persistence entries"
wait $pid
pass "flood: $(cat /tmp/lbdel.$$) datagrams in all"
rm -f /tmp/lbdel.$$

expect_eq "no flow left owned by the deleted backend" 0 \
	"$(knat_in r flow count backend 10.0.2.11:5353)"
expect_eq "the service lists three backends" 3 \
	"$(knat_in r -j service list | json_get 'len(j[0]["backends"])')"
# Its clients moved on and stick to their new backends.
out=$(flood 60 1)
expect_eq "one more round, all sent" "$N" "$out"
expect_eq "still no flow on the deleted backend" 0 \
	"$(knat_in r flow count backend 10.0.2.11:5353)"
expect_ok "service del with its flows and entries" \
	knat_in r service del udp $VIP:53
expect_eq "no flow left" 0 "$(knat_in r flow count)"

tap_end

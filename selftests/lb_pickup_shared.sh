#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A backend's late answer, picked up mid-flow, must leave from the VIP of
# the service it belongs to.  When two services share the backend's
# address and port, its answer could be either one's: it is dropped and
# counted (pickup-ambiguous), never sent from the wrong VIP.  With one
# owner left, the answer is taken up from that owner's VIP as before.
#
#  c1 198.51.100.2 --- br0 198.51.100.1 [ r ] br1 10.0.2.1 --- b1 10.0.2.11
#                      udp VIP:54 and VIP:53, maglev, both -> b1:5353
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3

lb_topology || { fail "topology"; tap_end; }
VIP=203.0.113.10
RAWPKT="$SELFTESTS_DIR/rawpkt.py"
OUT=/tmp/pickup-shared.$$
on_exit rm -f "$OUT"

# VIP:54 first: a search in list order finds it before VIP:53.
for port in 54 53; do
	knat_in r service add udp $VIP:$port sched maglev ||
		fail "service udp $VIP:$port"
	knat_in r backend add udp $VIP:$port 10.0.2.11:5353 ||
		fail "backend b1 for $VIP:$port"
done

# late CASE: c1 asks VIP:53 from port 40000 and gets b1's answer; the flow
# is flushed; b1 then sends one more datagram to c1:40000 (as its late
# answer), and the test waits until it arrives or r drops it.  Prints
# where the first answer and the late one came from ("late=none" if it
# never arrived).
late() {
	local pid a
	rm -f "$OUT"
	a=$(stat_of r pickup-ambiguous)
	# Not through in_ns (a function, so a subshell of its own): $! must
	# be the listener itself, which the kill below ends; a listener left
	# behind would hold port 40000 and make the next case's bind fail.
	ip netns exec "$(ns c1)" "${PYTHON[@]}" "$RAWPKT" "
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', 40000))
s.settimeout(20)
s.sendto(b'hi', ('$VIP', 53))
d, a = s.recvfrom(2000)
print('first=%s:%d' % a, flush=True)
d, a = s.recvfrom(2000)
print('late=%s:%d' % a, flush=True)
" >"$OUT" 2>&1 &
	pid=$!
	busywait 20000 grep -q first= "$OUT" || fail "$1: first answer"
	knat_in r flow flush
	in_ns b1 "${PYTHON[@]}" "$RAWPKT" \
		"send(ip('10.0.2.11', '198.51.100.2', 17, udp('10.0.2.11', '198.51.100.2', 5353, 40000, b'late')))"
	busywait 20000 late_done "$a" || fail "$1: the late answer arrived or was dropped"
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	grep -q late= "$OUT" || echo late=none >>"$OUT"
	tr '\n' ' ' <"$OUT"
}

# late_done A: the late answer reached c1, or r dropped it as ambiguous
# (pickup-ambiguous moved on from A).
late_done() {
	grep -q late= "$OUT" || [ "$(stat_of r pickup-ambiguous)" != "$1" ]
}

a0=$(stat_of r pickup-ambiguous)
p0=$(stat_of r pickup-backend)
out=$(late shared)
expect_eq "the flow's answer came from VIP:53" "$VIP:53" "$(field first "$out")"
expect_eq "two services share b1: the late answer is not sent" none \
	"$(field late "$out")"
expect_eq "counted as pickup-ambiguous" $((a0 + 1)) "$(stat_of r pickup-ambiguous)"
expect_eq "no flow taken up" "$p0" "$(stat_of r pickup-backend)"

# One owner left: the answer is taken up, from that owner's VIP.
knat_in r backend del udp $VIP:54 10.0.2.11:5353
out=$(late single)
expect_eq "one owner: the flow's answer came from VIP:53" "$VIP:53" \
	"$(field first "$out")"
expect_eq "one owner: the late answer leaves from VIP:53" "$VIP:53" \
	"$(field late "$out")"
expect_eq "one owner: taken up (pickup-backend +1)" $((p0 + 1)) \
	"$(stat_of r pickup-backend)"

tap_end

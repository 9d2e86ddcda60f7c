#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The life of a backend and of its flows: deleted with a drain (its flows
# finish, then it goes, or its time runs out first), deleted outright (its
# flows end at once), a closed flow's tuple reused by a new connection
# (scheduled afresh, no stall), and a long flow that keeps its backend
# through weight and scheduler changes; then a service deleted while one
# of its backends drains.
#
#  c1 198.51.100.2 --+                              +-- b1 10.0.2.11
#                    +-- br0 198.51.100.1 [ r ] br1 10.0.2.1 -- b2 10.0.2.12
#  c2 198.51.100.3 --+   VIP 203.0.113.10 (on no    +-- b3 10.0.2.13
#                        interface: routed to r)    +-- b4 10.0.2.14
#
#  VIP:80 -> b1..b3:8080  echo servers (the client closes first)
#  VIP:81 -> b1..b3:8081  servers that close first, right after the greeting
#
# KNAT_LB_FAMILY=6 (lb6_lifecycle.sh) runs the same test, every part of
# it, in IPv6, in lb6_topology, services, backends and flow filters
# bracketed:
#
#  c1 2001:db8:1::2 --+                                 +-- b1 fd00:2::11
#                     +-- br0 2001:db8:1::1 [ r ] br1 fd00:2::1 -- b2 fd00:2::12
#  c2 2001:db8:1::3 --+   VIP 2001:db8:100::10 (on no   +-- b3 fd00:2::13
#                         interface: routed to r)       +-- b4 fd00:2::14
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 ss

# VIP: the bare VIP; V: the VIP as a service names it; BE: a backend's
# address is BE then its number; ap ADDR: ADDR as written before a port
# (bracketed in IPv6); C1, C2: the clients so written, for flow filters
# (port to follow); SERVE: lib's serve for this family.
if [ "${KNAT_LB_FAMILY:-4}" = 6 ]; then
	require_cmd ethtool
	require_ipv6
	lb6_topology || { fail "topology"; tap_end; }
	VIP=$LB6_VIP V="[$VIP]" BE=fd00:2::1 SERVE=serve6
	C1="[2001:db8:1::2]" C2="[2001:db8:1::3]"
	ap() { echo "[$1]"; }
else
	lb_topology || { fail "topology"; tap_end; }
	VIP=203.0.113.10 V=$VIP BE=10.0.2.1 SERVE=serve
	C1=198.51.100.2 C2=198.51.100.3
	ap() { echo "$1"; }
fi
TMP=$(mktemp -d)
on_exit rm -rf "$TMP"

knat_in r service add tcp "$V:80" sched rr || fail "service add"
for i in 1 2 3; do
	knat_in r backend add tcp "$V:80" "$(ap $BE$i):8080" || fail "backend add b$i"
done

now_ms() {
	date +%s%3N
}

# re STRING: a regex that matches STRING (an address) to the letter.
re() {
	printf '%s' "$1" | sed 's/[].[]/\\&/g'
}

# flows_of ADDR:SPORT [FILTER...]: how many flows that client tuple has.
flows_of() {
	local src=$1
	shift
	knat_in r flow count src "$src" "$@"
}

# backend_of ADDR:SPORT: the backend (reply source) of that client's flow.
backend_of() {
	knat_in r -j flow list src "$1" |
		json_get '" ".join(f["reply"]["src"] for f in j)'
}

# be_state PORT ADDR: the state of backend ADDR:8080 of VIP:PORT, "gone"
# when it is not listed.
be_state() {
	knat_in r -j service list |
		json_get "([b['state'] for s in j if s['port'] == $1 for b in s['backends'] if b['addr'] == '$2'] or ['gone'])[0]"
}

# flows_are N ADDR:SPORT [FILTER...]: for busywait.
flows_are() {
	local n=$1
	shift
	[ "$(flows_of "$@")" = "$n" ]
}

# be_gone ADDR: backend ADDR:8080 is not listed; for busywait, so in
# text, without a Python to start each time.
be_gone() {
	! knat_in r service list | grep -qF -- "-> $(ap "$1"):8080 "
}

be_flows() {
	knat_in r -s -j service list |
		json_get "([b['flows'] for s in j if s['port'] == 80 for b in s['backends'] if b['addr'] == '$1'] or ['gone'])[0]"
}

# hold_start SPORT [ARGS]: a long flow from c2 in the background (pid in
# HOLD, output in $TMP/hold-SPORT), a tick a second until hold_stop or
# 300 s; wait until knat has it established.  The VM is emulated and
# shared: the test decides when the flow ends, not the clock.
hold_start() {
	local sport=$1
	shift
	nettool c2 hold $VIP 80 300 --sport "$sport" --until "$TMP/stop-$sport" \
		"$@" >"$TMP/hold-$sport" &
	HOLD=$!
	busywait 10000 flows_are 1 "$C2:$sport" state established
}

# hold_ended SPORT: it has printed its last line.
hold_ended() {
	grep -Eq '^(error=|state=(closed|broken))' "$TMP/hold-$1"
}

# hold_stop SPORT: end it (at its next tick) and wait for it; its exit
# status in HOLD_RC, its last line in HOLD_OUT.
hold_stop() {
	touch "$TMP/stop-$1"
	wait $HOLD
	HOLD_RC=$?
	HOLD_OUT=$(tail -n 1 "$TMP/hold-$1")
}

# ---- 1. drain: the flow finishes, then the backend goes --------------
#
# An ended TCP flow lives on in TIME_WAIT (120 s by default) and still
# counts as a flow of its backend; a short TIME_WAIT lets it leave the
# table by itself here, well within the drain time.
TW=10
knat_in r config set timeout tcp-time-wait $TW
hold_start 41001 || fail "drain: long flow established"
be=$(backend_of "$C2:41001")
name=b${be: -1}
t_del=$(now_ms)
expect_ok "drain: backend del $be drain 300" \
	knat_in r backend del tcp "$V:80" "$(ap "$be"):8080" drain 300
expect_match "drain: service list shows $be draining" \
	"-> $(re "$(ap "$be")"):8080 weight 1 draining" "$(knat_in r service list)"
expect_eq "drain: $be still has its flow" 1 "$(be_flows "$be")"
seen=$(spread c1 4 $VIP 80 1000)
expect_eq "drain: 4 new connections, none on $be" \
	"$(printf '%s\n' b1 b2 b3 | grep -vx "$name" | sed 's/$/:2/' | paste -sd ' ')" "$seen"
expect_eq "drain: still draining while its flow lives" draining "$(be_state 80 "$be")"
hold_stop 41001
out=$HOLD_OUT
t_end=$(now_ms)
expect_match "drain: the long flow ran to its end, byte for byte ($out)" \
	'^state=closed ticks=[0-9]+$' "$out"
busywait 3000 flows_are 1 "$C2:41001" state time-wait
expect_eq "drain: its flow is in TIME_WAIT after the close" 1 \
	"$(flows_of "$C2:41001" state time-wait)"
expect_eq "drain: a TIME_WAIT flow still holds the backend" draining \
	"$(be_state 80 "$be")"
busywait 20000 be_gone "$be"
t_gone=$(now_ms)
expect_eq "drain: $be gone once its last flow left the table" gone "$(be_state 80 "$be")"
# The flow expires TW s after the close; the GC looks every second (a
# loaded VM runs up to KNAT_WAIT_SCALE times slower).  Gone long before
# the drain time: its last flow, not the clock, ended it.
[ $((t_gone - t_end)) -lt $(((TW * 1000 + 2500) * ${KNAT_WAIT_SCALE:-3})) ] &&
	[ $((t_gone - t_del)) -lt 150000 ] &&
	pass "drain: gone $((t_gone - t_end)) ms after the close, $((t_gone - t_del)) ms after del (drain 300 s)" ||
	fail "drain: gone $((t_gone - t_end)) ms after the close, $((t_gone - t_del)) ms after del (drain 300 s)"
expect_eq "drain: its flow is gone" 0 "$(flows_of "$C2:41001")"
knat_in r config set timeout tcp-time-wait 120
knat_in r backend add tcp "$V:80" "$(ap "$be"):8080"

# ---- 1b. drain whose time runs out first -----------------------------
#
# The backend goes after its 2 s, flows and all, while the flow is alive:
# the client is told nothing (no RST); its next segments meet no flow, are
# dropped as tcp-no-flow, and it waits until its own timeout.
before=$(stat_of r tcp-no-flow)
hold_start 41002 --timeout 3 || fail "drain 2: long flow established"
be=$(backend_of "$C2:41002")
t_del=$(now_ms)
expect_ok "drain 2: backend del $be drain 2" \
	knat_in r backend del tcp "$V:80" "$(ap "$be"):8080" drain 2
busywait 8000 be_gone "$be"
t_gone=$(now_ms)
ms=$((t_gone - t_del))
[ "$ms" -ge 1900 ] && [ "$ms" -lt $((5000 * ${KNAT_WAIT_SCALE:-3})) ] &&
	pass "drain 2: $be removed when its time ran out, after $ms ms" ||
	fail "drain 2: $be removed when its time ran out, after $ms ms (state $(be_state 80 "$be"))"
expect_eq "drain 2: its live flow ended with it" 0 "$(flows_of "$C2:41002")"
# Its next tick is not answered: the client gives up after 3 s.
busywait 8000 hold_ended 41002
hold_stop 41002
out=$HOLD_OUT
[ $HOLD_RC -ne 0 ] && [ "$out" = error=timed_out ] &&
	pass "drain 2: the client's connection went silent ($out)" ||
	fail "drain 2: the client's connection went silent (rc $HOLD_RC: $out)"
after=$(stat_of r tcp-no-flow)
[ "$after" -gt "$before" ] &&
	pass "drain 2: its later segments dropped as tcp-no-flow ($((after - before)))" ||
	fail "drain 2: its later segments dropped as tcp-no-flow ($before -> $after)"
knat_in r backend add tcp "$V:80" "$(ap "$be"):8080"

# ---- 2. delete outright: the flows end at once -----------------------
before=$(stat_of r tcp-no-flow)
hold_start 41003 --timeout 3 || fail "del: long flow established"
be=$(backend_of "$C2:41003")
expect_eq "del: $be has 1 flow before" 1 "$(be_flows "$be")"
expect_ok "del: backend del $be" knat_in r backend del tcp "$V:80" "$(ap "$be"):8080"
# No wait: the flows are gone when the command returns.
expect_eq "del: its flow is gone at once" 0 "$(flows_of "$C2:41003")"
expect_eq "del: no flow left towards $be" 0 \
	"$(knat_in r -j flow list | json_get "sum(f['reply']['src'] == '$be' for f in j)")"
expect_eq "del: $be is not listed" gone "$(be_state 80 "$be")"
busywait 8000 hold_ended 41003
hold_stop 41003
out=$HOLD_OUT
[ $HOLD_RC -ne 0 ] && [ "$out" = error=timed_out ] &&
	pass "del: the held connection gets no more answers ($out)" ||
	fail "del: the held connection gets no more answers (rc $HOLD_RC: $out)"
after=$(stat_of r tcp-no-flow)
[ "$after" -gt "$before" ] &&
	pass "del: its later segments dropped as tcp-no-flow ($((after - before)))" ||
	fail "del: its later segments dropped as tcp-no-flow ($before -> $after)"
expect_eq "del: the other backends still serve" "b1:1 b2:1 b3:1" \
	"$(knat_in r backend add tcp "$V:80" "$(ap "$be"):8080" && spread c1 3 $VIP 80 100)"

# ---- 3. a closed flow's tuple reused: scheduled afresh, at once -----
#
# IPVS (conn_reuse_mode) drops such a SYN until the old connection is
# gone: the client retransmits after 1 s.  knat drops the TIME_WAIT or
# CLOSE flow and schedules the SYN at once; under rr the next backend
# takes it.  The client's own socket must not be in TIME_WAIT, or its
# kernel would refuse the tuple: the server closes first (TIME_WAIT on the
# backend), or the client resets (CLOSE).
for i in 1 2 3; do
	$SERVE b$i serve-tcp 8081 b$i --close || fail "close-first server on b$i"
done
knat_in r service add tcp "$V:81" sched rr || fail "service add :81"
for i in 1 2 3; do
	knat_in r backend add tcp "$V:81" "$(ap $BE$i):8081" || fail "backend add b$i:8081"
done

# A fresh connection's time, connect to greeting, for scale: the VM is
# emulated (TCG) and everything is slower than on hardware.  Five, one
# after the other in one Python; the first is a Python's first connection,
# as each of reuse's is.
base=0
for us in $(nettool c1 hello $VIP 81 --count 5 | fields us); do
	[ "${us:-0}" -gt "$base" ] && base=$us
done
echo "# fresh connections: up to $base us from connect to greeting"
# The stall this guards against is 1 s.  Under 100 ms when a fresh
# connection takes at most 50 ms; on a slower VM, twice a fresh one's.
limit=100000
[ "$base" -gt 50000 ] && limit=$((2 * base))

client_closed() {
	[ -z "$(in_ns c1 ss -Htan "sport = :$1")" ]
}

# reuse NAME SPORT PORT STATE [--rst]: connect twice from one source port;
# between the two, knat's flow must be in STATE and the client's socket
# gone.
reuse() {
	local what=$1 sport=$2 port=$3 st=$4 out1 out2 n1 n2 us created
	shift 4
	out1=$(nettool c1 hello $VIP "$port" --sport "$sport" "$@")
	n1=$(field name "$out1")
	busywait 3000 flows_are 1 "$C1:$sport" state "$st"
	busywait 2000 client_closed "$sport"
	expect_eq "$what: knat's flow is in $st" 1 "$(flows_of "$C1:$sport" state "$st")"
	expect_eq "$what: the client's socket is closed, not in TIME_WAIT" "" \
		"$(in_ns c1 ss -Htan "sport = :$sport")"
	# A server that closed first holds the TIME_WAIT instead.
	[ "$st" = time-wait ] &&
		expect_match "$what: the first backend ($n1) is in TIME_WAIT" . \
			"$(in_ns "$n1" ss -Htan state time-wait "dport = :$sport")"
	created=$(stat_of r flows-created-tcp)
	out2=$(nettool c1 hello $VIP "$port" --sport "$sport" "$@")
	n2=$(field name "$out2")
	us=$(field us "$out2")
	[ -n "$us" ] && [ "$us" -lt "$limit" ] &&
		pass "$what: same tuple connects in $us us (< $limit)" ||
		fail "$what: same tuple connects in $us us (< $limit): $out2"
	[ -n "$n2" ] && [ "$n2" != "?" ] && [ "$n2" != "$n1" ] &&
		pass "$what: scheduled afresh ($n1 then $n2)" ||
		fail "$what: scheduled afresh ($n1 then $n2)"
	expect_eq "$what: one new flow" $((created + 1)) "$(stat_of r flows-created-tcp)"
}

# CLOSE lasts 10 s by default: on a debug kernel the checks between the
# two connections take longer, and an expired flow would prove nothing.
knat_in r config set timeout tcp-close 300
reuse "TIME_WAIT reuse" 42001 81 time-wait
reuse "CLOSE reuse" 42002 80 close --rst
knat_in r config set timeout tcp-close 10

# ---- 4. weights and schedulers change under a long flow --------------
#
# The choice is made once per flow: whatever changes, the flow stays on
# its backend, and every tick goes through under each configuration.
knat_in r flow flush
knat_in r service set tcp "$V:80" sched rr
hold_start 41004 || fail "changes: long flow established"
be=$(backend_of "$C2:41004")

replies() {
	knat_in r -j flow list src "$C2:41004" | json_get 'j[0]["packets_reply"]'
}

replies_above() {
	[ "$(replies)" -gt "$1" ]
}

# tick: wait until the long flow has carried another answer.
tick() {
	busywait 5000 replies_above "$(replies)"
}

seen=$be
step() {
	local what=$1
	shift
	knat_in r "$@" || fail "changes: $what"
	tick || fail "changes: a tick under $what"
	seen="$seen $(backend_of "$C2:41004")"
}
knat_in r backend set tcp "$V:80" "$(ap ${BE}2):8080" weight 2
knat_in r backend set tcp "$V:80" "$(ap ${BE}3):8080" weight 5
step "weights 3 2 5" backend set tcp "$V:80" "$(ap ${BE}1):8080" weight 3
step "sched wrr" service set tcp "$V:80" sched wrr
step "sched maglev" service set tcp "$V:80" sched maglev
step "weight of its own backend 7" backend set tcp "$V:80" "$(ap "$be"):8080" weight 7
step "sched lc" service set tcp "$V:80" sched lc
out=$(spread c1 3 $VIP 80 100)
expect_match "changes: new connections still served under lc ($out)" '^b[123]:' "$out"
hold_stop 41004
out=$HOLD_OUT
expect_match "changes: the long flow ran to its end, byte for byte ($out)" \
	'^state=closed ticks=([6-9]|[1-9][0-9]+)$' "$out"
expect_eq "changes: its reply source never changed" "$be $be $be $be $be $be" "$seen"

# ---- a service deleted while one of its backends drains --------------
#
# Draining backends are on a list of the namespace, which the flow GC
# walks: the backend leaves it with its service, and the GC, running on
# for the flows made next, finds nothing of it.
hold_start 41005 || fail "drain, then service del: long flow established"
be=$(backend_of "$C2:41005")
expect_ok "drain, then service del: backend del $be drain 300" \
	knat_in r backend del tcp "$V:80" "$(ap "$be"):8080" drain 300
expect_eq "drain, then service del: $be draining" draining "$(be_state 80 "$be")"
expect_ok "drain, then service del: service del" knat_in r service del tcp "$V:80"
hold_stop 41005
expect_ok "drain, then service del: the service again" \
	knat_in r service add tcp "$V:80" sched rr
for i in 1 2 3; do
	knat_in r backend add tcp "$V:80" "$(ap $BE$i):8080"
done
expect_eq "drain, then service del: it serves, every backend up" "b1:2 b2:2 b3:2" \
	"$(spread c1 6 $VIP 80 100)"

knat_in r service del tcp "$V:80"
knat_in r service del tcp "$V:81"
expect_eq "no flows left" 0 "$(knat_in r flow count)"

tap_end

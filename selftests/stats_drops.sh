#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# No drop is silent: one case per drop reason (enum knat_drop), provoked
# with real packets, asserting that r's drop counters moved by exactly the
# expected amount on that reason and by 0 on every other one.  A capture
# on wan shows that nothing knat dropped leaked out untranslated.
#
#  in1 10.0.1.2 --+
#                 +-- br0 10.0.1.1 [ r: knat ] r-wan 198.51.100.1
#  in2 10.0.1.3 --+  (udp 5353)    |  dum0 (no address)
#                                  |  198.18.0.0/24 -> dum0
#                                  |  192.0.2.0/24 unreachable
#                                  |  VIP 203.0.113.10 (services)
#                                  |
#                          198.51.100.2 wan-r [ wan ] wan-srv 203.0.113.1
#                                                       |
#                                    203.0.113.2 srv-wan [ srv ] (udp 9000)
#
# r always masquerades 10.0.1.0/24 out r-wan; each case adds what else it
# needs, removes it afterwards, and starts with no flows.
#
# Not provoked here, because nothing a packet can do causes them:
#  - nomem: an allocation failed (flow, mapping, hash table insert).  The
#    test kernel has no fault injection (CONFIG_FAULT_INJECTION is off).
#  - unwritable: skb_ensure_writable() failed.  Every length knat asks
#    for lies within what knat_parse() already checked, so only a failed
#    pskb_expand_head() (an allocation) can fail it.
#  - malformed at an exit hook (knat_src_flow): the entry hook parsed the
#    same bytes; only a race with hooks registered mid-packet gets there.
#  - no-port from a hairpin (knat_hairpin): 16 random ports must all be
#    taken.
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 ss tcpdump nft

RAWPKT="$SELFTESTS_DIR/rawpkt.py"
VIP=203.0.113.10

# knat_r ARGS...: the CLI in r, by its own -n (cheaper than ip netns exec:
# the drop counters are read several times a case).
knat_r() {
	"$KNAT" -n "$(ns r)" "$@"
}

# agent NS: a rawpkt.py agent in NS, fed through two FIFOs, so that a
# case costs no Python start.  raw NS CODE then runs CODE there and prints
# its output; its status is CODE's.
declare -A AGENT_IN AGENT_OUT
agent() {
	local fifo="/tmp/drops-$$-$1" fdin fdout
	mkfifo "$fifo.in" "$fifo.out" || return 1
	in_ns "$1" python3 "$RAWPKT" --agent <"$fifo.in" >"$fifo.out" 2>&1 &
	exec {fdin}>"$fifo.in" {fdout}<"$fifo.out"
	rm -f "$fifo.in" "$fifo.out"
	AGENT_IN[$1]=$fdin
	AGENT_OUT[$1]=$fdout
}

raw() {
	local line
	printf '%s\n' "${2//$'\n'/$'\x1e'}" >&"${AGENT_IN[$1]}"
	while IFS= read -r -t 60 -u "${AGENT_OUT[$1]}" line; do
		if [[ $line == $'\x04 '* ]]; then
			return "${line#$'\x04 '}"
		fi
		printf '%s\n' "$line"
	done
	echo "error=agent_in_$1_silent"
	return 1
}

# stats_of NS SECTION: one section of knat -j stats ("counters", "drops")
# as name=value, one a line, in the kernel's order.
stats_of() {
	local json re="\"$2\":\\{([^}]*)\\}"
	json=$("$KNAT" -n "$(ns "$1")" -j stats) || return 1
	[[ $json =~ $re ]] || return 1
	json=${BASH_REMATCH[1]//[\" ]/}
	json=${json//_/-}
	json=${json//:/=}
	printf '%s\n' "${json//,/$'\n'}"
}

# drops_mark: remember r's drop counters.  drops_delta: what moved since,
# as "name=N ..." (non-zero only, kernel order).
drops_mark() {
	DROPS_BEFORE=$(stats_of r drops)
}

drops_delta() {
	local -A before
	local kv d out=""
	for kv in $DROPS_BEFORE; do
		before[${kv%=*}]=${kv#*=}
	done
	for kv in $(stats_of r drops); do
		d=$((${kv#*=} - ${before[${kv%=*}]:-0}))
		[ "$d" -ne 0 ] && out="$out ${kv%=*}=$d"
	done
	echo "${out# }"
}

# expect_drops DESC WANT: since drops_mark, exactly WANT moved ("name=N",
# "" for nothing).  Drops are counted as r handles the packets, which may
# trail the sender by a little: wait up to 3 s for WANT.  On failure the
# whole non-zero delta is printed.
expect_drops() {
	local got start
	start=$(date +%s%3N)
	while got=$(drops_delta); [ "$got" != "$2" ]; do
		[ $(($(date +%s%3N) - start)) -ge 3000 ] && break
		sleep 0.1
	done
	expect_eq "$1" "$2" "$got"
}

# counter NS NAME: one counter of knat -j stats.
counter() {
	stats_of "$1" counters | sed -n "s/^$2=//p"
}

# case_begin: no flows, drop counters remembered.
case_begin() {
	knat_r flow flush >/dev/null
	drops_mark
}

nat_topology || { fail "topology"; tap_end; }
for n in in1 in2 r srv; do
	agent $n || fail "rawpkt agent in $n"
done
expect_ok "udp server on srv:9000" raw srv 'udp_server(9000, "srv")'
expect_ok "udp server on in2:5353" raw in2 'udp_server(5353, "in2")'
expect_ok "masquerade 10.0.1.0/24 out r-wan" \
	knat_r snat add from 10.0.1.0/24 out r-wan masquerade
# As many as the uapi's enum knat_drop has, each with its name.
ndrops=$(sed -n '/^enum knat_drop {/,/__KNAT_DROP_MAX/p' \
	"$TOP_DIR/include/uapi/linux/knat.h" | grep -c '^	KNAT_DROP_')
expect_eq "the CLI names all $ndrops drop reasons" "$ndrops" \
	"$(stats_of r drops | grep -vc '^drop-')"

pcap="/tmp/drops-$$.pcap"
capture wan wan-r "$pcap"

# ---- malformed: truncated or inconsistent headers, at the entry hook ----

case_begin
raw in1 'send(ip("10.0.1.2", "203.0.113.2", 6,
	tcp("10.0.1.2", "203.0.113.2", 6001, 8000, "S", doff=4)))'
expect_drops "malformed: TCP data offset 4 (less than a header)" malformed=1

case_begin
raw in1 'send(ip("10.0.1.2", "203.0.113.2", 6,
	tcp("10.0.1.2", "203.0.113.2", 6002, 8000, "S")[:12]))'
expect_drops "malformed: TCP header cut at 12 of 20 bytes" malformed=1

case_begin
raw in1 'send(ip("10.0.1.2", "203.0.113.2", 17,
	udp("10.0.1.2", "203.0.113.2", 6003, 9000)[:4]))'
expect_drops "malformed: UDP header cut at 4 of 8 bytes" malformed=1

# ---- table-full: max-flows reached -------------------------------------

case_begin
expect_ok "config set max-flows 1" knat_r config set max-flows 1
out=$(raw in1 'a = udp_ask("203.0.113.2", 9000, 6101)
b = udp_ask("203.0.113.2", 9000, 6102, timeout=1)
log(first=a is not None, second=b is not None)')
expect_eq "max-flows 1: the first flow answered, the second not" \
	"first=True second=False" "$out"
expect_drops "table-full: a second flow at max-flows 1" table-full=1
knat_r config set max-flows 262144

# ---- no-port: SNAT port range exhausted --------------------------------

case_begin
knat_r snat del from 10.0.1.0/24 out r-wan
expect_ok "snat to a single port" \
	knat_r snat add from 10.0.1.0/24 out r-wan to 198.51.100.1:20000-20000
out=$(raw in1 'a = udp_ask("203.0.113.2", 9000, 6201)
b = udp_ask("203.0.113.2", 9000, 6202, timeout=1)
log(first=a is not None, second=b is not None)')
expect_eq "one port: the first endpoint answered, the second not" \
	"first=True second=False" "$out"
expect_drops "no-port: a second inside endpoint, one port" no-port=1
knat_r snat del from 10.0.1.0/24 out r-wan
knat_r snat add from 10.0.1.0/24 out r-wan masquerade

# ---- no-addr: masquerade out a device without an address ----------------

case_begin
ip -n "$(ns r)" link add dum0 type dummy
ip -n "$(ns r)" link set dum0 up
route_add r 198.18.0.0/24 dev dum0
expect_ok "masquerade out dum0" \
	knat_r snat add from 10.0.1.0/24 out dum0 masquerade
raw in1 'udp_send("198.18.0.1", 9000, 6301)'
expect_drops "no-addr: masquerade out dum0, which has no address" no-addr=1
knat_r snat del from 10.0.1.0/24 out dum0
ip -n "$(ns r)" link del dum0

# ---- icmp-unrelated: an error about a flow, to someone else -------------

# in1 has a flow to srv; in2 forges a port unreachable quoting srv's
# answer to in1, but sends it to wan instead of srv.
case_begin
out=$(raw in1 'log(answered=udp_ask("203.0.113.2", 9000, 6401) is not None)')
expect_eq "in1's flow answered" "answered=True" "$out"
raw in2 'q = ip("203.0.113.2", "10.0.1.2", 17,
	udp("203.0.113.2", "10.0.1.2", 9000, 6401, b"hi"))
send(ip("10.0.1.3", "198.51.100.2", 1, icmp(3, 3, data=q[:28])))'
expect_drops "icmp-unrelated: port unreachable about in1's flow, sent to wan" \
	icmp-unrelated=1

# ---- fragment: a fragment that defragmentation did not join ------------
#
# knat enables nf_defrag_ipv4, which joins fragments at priority -400,
# before knat's entry hook (-250), and holds an incomplete datagram until
# it times out (the kernel's reassembly drop, not knat's).  It lets a
# fragment through alone in two cases only: a local raw socket with
# IP_NODEFRAG, and a packet made untracked before it (notrack below -400).

case_begin
out=$(raw r 'send(ip("198.51.100.1", "203.0.113.2", 17,
	udp("198.51.100.1", "203.0.113.2", 6501, 9000, b"x" * 32),
	ident=0x4b01, frag=MF), nodefrag=True)')
expect_match "r's sender is refused (EPERM)" "Operation_not_permitted" "$out"
expect_drops "fragment: r's own first fragment, IP_NODEFRAG" fragment=1

case_begin
in_ns r nft -f - <<-'EOF'
	table ip kt_notrack {
		chain pre {
			type filter hook prerouting priority -450; policy accept;
			ip saddr 10.0.1.2 ip daddr 203.0.113.2 notrack
		}
	}
EOF
raw in1 'send(ip("10.0.1.2", "203.0.113.2", 17,
	udp("10.0.1.2", "203.0.113.2", 6502, 9000, b"x" * 32),
	ident=0x4b02, frag=MF))'
expect_drops "fragment: a forwarded fragment, notrack before defrag" fragment=1
in_ns r nft delete table ip kt_notrack

# ---- tcp-no-flow: SNAT would have to translate a non-SYN ----------------

case_begin
raw in1 'send(ip("10.0.1.2", "203.0.113.2", 6,
	tcp("10.0.1.2", "203.0.113.2", 6601, 8000, "A", seq=1000, ack=2000)))'
expect_drops "tcp-no-flow: a lone ACK from inside, SNAT, no flow" tcp-no-flow=1

# ---- unsupported: matches SNAT, not translatable ------------------------

case_begin
raw in1 'send(ip("10.0.1.2", "203.0.113.2", 47,
	struct.pack("!HH", 0, 0x0800) + ip("10.9.9.1", "10.9.9.2", 17, b"")))'
expect_drops "unsupported: GRE from inside" unsupported=1

case_begin
raw in1 'init = struct.pack("!BBHIIHHI", 1, 0, 20, 0x4b4e4154, 65535, 1, 1, 1)
send(ip("10.0.1.2", "203.0.113.2", 132,
	struct.pack("!HHII", 6701, 9000, 0, 0) + init))'
expect_drops "unsupported: SCTP INIT from inside" unsupported=1

case_begin
raw in1 'send(ip("10.0.1.2", "203.0.113.2", 1,
	icmp(13, 0, struct.pack("!HH", 6702, 1), b"\0" * 12)))'
expect_drops "unsupported: ICMP timestamp request from inside" unsupported=1

case_begin
raw in1 'send(ip("10.0.1.2", "203.0.113.2", 1,
	icmp(0, 0, struct.pack("!HH", 6703, 1), b"knat")))'
expect_drops "unsupported: ICMP echo reply from inside, no flow" unsupported=1

# An inside host's error about a packet of no flow: the SNAT rule matches
# its sender, in1, so it must not leave with in1's address.
case_begin
raw in1 'q = ip("203.0.113.2", "10.0.1.2", 17,
	udp("203.0.113.2", "10.0.1.2", 9000, 6704, b"hi"))
send(ip("10.0.1.2", "203.0.113.2", 1, icmp(3, 3, data=q[:28])))'
expect_drops "unsupported: ICMP error from inside about no flow" unsupported=1

# ---- no-route: routing after translation failed ------------------------

# r's own datagram to a forward whose target r cannot reach.
case_begin
in_ns r ip route add unreachable 192.0.2.0/24
expect_ok "forward udp 198.51.100.1:7000 to 192.0.2.99" \
	knat_r forward add udp 198.51.100.1:7000 to 192.0.2.99
out=$(raw r 'udp_send("198.51.100.1", 7000, 6801)')
expect_match "r's sender is refused (EPERM)" "Operation_not_permitted" "$out"
expect_drops "no-route: r's datagram forwarded to an unreachable address" \
	no-route=1
knat_r forward del udp 198.51.100.1:7000

# A ping to a VIP from a source r cannot route back to.
case_begin
expect_ok "service udp $VIP:53" knat_r service add udp $VIP:53
raw in1 'send(ip("192.0.2.5", "'$VIP'", 1,
	icmp(8, 0, struct.pack("!HH", 6802, 1), b"knat")))'
expect_drops "no-route: VIP echo answer to an unreachable source" no-route=1
knat_r service del udp $VIP:53
in_ns r ip route del unreachable 192.0.2.0/24

# ---- clash: a new flow's tuple was taken --------------------------------

# Two forwards to the same inside endpoint: srv:6901 to either port gives
# the same reply tuple in2:5353 -> srv:6901.  The second flow clashes.
case_begin
expect_ok "forward udp :5353 to in2" \
	knat_r forward add udp 198.51.100.1:5353 to 10.0.1.3:5353
expect_ok "forward udp :5354 to in2 too" \
	knat_r forward add udp 198.51.100.1:5354 to 10.0.1.3:5353
out=$(raw srv 'a = udp_ask("198.51.100.1", 5353, 6901)
b = udp_ask("198.51.100.1", 5354, 6901, timeout=1)
log(first=a is not None, second=b is not None)')
expect_eq "same client endpoint: the first forward answered, the second not" \
	"first=True second=False" "$out"
expect_drops "clash: the second forward's reply tuple was taken" clash=1
knat_r forward del udp 198.51.100.1:5353
knat_r forward del udp 198.51.100.1:5354

# ---- flow-gone: the flow went between a packet's entry and exit ---------

# nftables queues in1's datagram at r's forward hook, between knat's entry
# (flow found, source rewrite due) and exit hooks; the flow is flushed
# meanwhile, then the datagram let go.
case_begin
qstate="/tmp/drops-q-$$" rel="/tmp/drops-rel-$$"
rm -f "$qstate" "$rel"
in_ns r nft -f - <<-'EOF'
	table ip kt_queue {
		chain hold {
			type filter hook forward priority 0; policy accept;
			ip dscp cs1 udp dport 9000 queue num 3
		}
	}
EOF
expect_match "nfqueue 3 bound in r" "state=bound" \
	"$(raw r "nfq_hold(3, '$qstate', '$rel')")"
out=$(raw in1 'a = udp_ask("203.0.113.2", 9000, 7001)
udp_send("203.0.113.2", 9000, 7001, b"held", tos=0x20)
log(answered=a is not None)')
expect_eq "in1's flow answered" "answered=True" "$out"
busywait 5000 grep -q state=queued "$qstate" || fail "datagram queued at r"
knat_r flow flush
touch "$rel"
busywait 5000 grep -q state=released "$qstate"
expect_match "the datagram let go" "state=released" "$(cat "$qstate")"
expect_drops "flow-gone: flow flushed while its datagram was queued" flow-gone=1
in_ns r nft delete table ip kt_queue
rm -f "$qstate" "$rel"

# ---- no-backend: a service with no eligible backend ---------------------

case_begin
expect_ok "service udp $VIP:53, no backends" knat_r service add udp $VIP:53
raw in1 'udp_send("'$VIP'", 53, 7101)'
expect_drops "no-backend: datagram to a service without backends" no-backend=1
knat_r service del udp $VIP:53

# ---- tcp-no-flow: a service takes no non-SYN without a flow -------------

case_begin
knat_r service add tcp $VIP:80 sched rr
knat_r backend add tcp $VIP:80 203.0.113.2:8000
raw in1 'send(ip("10.0.1.2", "'$VIP'", 6,
	tcp("10.0.1.2", "'$VIP'", 7201, 80, "A", seq=1000, ack=2000)))'
expect_drops "tcp-no-flow: a lone ACK to an rr service" tcp-no-flow=1

# maglev takes mid-flow segments up, but never a reset.
case_begin
knat_r service set tcp $VIP:80 sched maglev
raw in1 'send(ip("10.0.1.2", "'$VIP'", 6,
	tcp("10.0.1.2", "'$VIP'", 7202, 80, "R", seq=1000)))'
expect_drops "tcp-no-flow: a lone RST to a maglev service" tcp-no-flow=1
knat_r service del tcp $VIP:80

# ---- rate-limited: VIP echo answers over their rate ---------------------

# A burst of 100 answers a second (as ICMP's own limit); every request
# beyond is dropped and counted.  The earlier VIP ping took at most one.
case_begin
knat_r service add udp $VIP:53
echo0=$(counter r vip-echo)
n=300
out=$(raw in1 "log(answered=echo_flood('$VIP', $n, 7301), ms=int(flood_secs[0] * 1000))")
answered=$(field answered "$out")
answered=${answered:-0}
ms=$(field ms "$out")
ms=${ms:-0}
# 100 a second and a burst of 100: at most 100 + ms / 10 (+1 for the
# window's edge).  A kernel that took its time (the debug kernel: over
# 3 s for 300) may answer them all.
most=$((100 + ms / 10 + 1))
expect_eq "$n pings back to back in $ms ms: at least the burst answered, at most $most ($answered)" \
	1 "$((answered >= 99 && answered <= most && (answered < n || ms >= (n - 100) * 10)))"
expect_drops "rate-limited: the $((n - answered)) requests not answered" \
	rate-limited=$((n - answered))
expect_eq "vip-echo counted each answer" $((echo0 + answered)) \
	"$(counter r vip-echo)"
knat_r service del udp $VIP:53

# ---- nothing dropped left through wan ----------------------------------

capture_stop
leaks=$(in_ns wan tcpdump -nn -r "$pcap" \
	'src net 10.0.1.0/24 or src net 192.0.2.0/24 or ip proto 47 or
	 ip proto 132 or ip[6:2] & 0x3fff != 0' 2>/dev/null)
expect_eq "nothing knat dropped reached wan" "" "$leaks"
seen=$(in_ns wan tcpdump -nn -r "$pcap" 'udp and src host 198.51.100.1' 2>/dev/null | wc -l)
expect_match "the capture saw the translated flows ($seen packets)" '^[1-9]' "$seen"
rm -f "$pcap"

tap_end

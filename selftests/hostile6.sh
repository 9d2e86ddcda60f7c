#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# hostile.sh's IPv6 twin: hostile packets through a NAT66 router with two
# forwards and a masquerade, while two TCP connections (one through the
# forward, one through the masquerade) stay open: 6 417 frames of 37 kinds made
# by hostile6.py with scapy (IPv6 headers cut short or lying about their
# payload length or addresses; TCP, UDP and ICMPv6 headers cut short;
# extension header chains cut short or long, hop-by-hop options wrong;
# every TCP flag byte from both sides; bad checksums and UDP checksum 0;
# ICMPv6 errors of every type, packet too big with tiny and huge MTUs,
# quoting truncated packets, errors, echo, no flow, a fragment, or a live
# flow but sent to the wrong host; neighbour discovery, redirects and
# MLD, to r and forwarded; fragments
# tiny, overlapping, duplicated, missing their last, with their header
# cut; hop limit 0 and 1; echo ids 0 and 65535; blind RST/FIN/SYN at
# random sequence numbers into the live connections), written straight
# to the attackers' veths over AF_PACKET.
#
#  in1 fd00:1::2 --+  (live client [fd00:1::2]:43000 -> srv:8000)
#                  +-- br0 fd00:1::1 [ r: knat ] r-wan 2001:db8:1::1
#  in2 fd00:1::3 --+     masquerade fd00:1::/64 out r-wan       |
#   (tcp 2222,           forward tcp [::]:2222 -> [fd00:1::3]:2222
#    udp 5353)           forward udp [::]:5353 -> [fd00:1::3]:5353
#                                                               |
#                 attacker: 2001:db8:1::2 wan-r [ wan ] wan-srv 2001:db8:2::1
#                                                        |
#                           2001:db8:2::2 srv-wan [ srv ] (tcp 8000, udp 9000)
#      live: [2001:db8:2::2]:42000 -> [2001:db8:1::1]:2222
#
# Asserts, per kind, what hostile6.py says each frame meets (derived
# from the module's code and the kernel's: see its FATES): knat's drops
# by reason and the kernel's own IPv6 drops exactly, the flows made
# exactly, untracked segments, translated packets and errors and ICMPv6
# counters at least; every inside frame accounted for; the blind segments
# dropped as tcp-out-of-window (99 %); no inside address (fd00::/8) leaves
# on wan-r, in an outer header, an extension header, a quoted header of
# an ICMPv6 error however deep or short, or a neighbour discovery target;
# the live connections ESTABLISHED in knat after the blind segments and
# echoing byte for byte until the end; run.sh then checks dmesg.  Prints
# a table: per kind, frames sent, knat drops by reason, the kernel's IPv6
# drops, frames defragmentation kept, frames for r itself, translated.
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 ss tcpdump ethtool
require_ipv6

HOSTILE="$SELFTESTS_DIR/hostile6.py"
FRAMES=${HOSTILE6_FRAMES:-$SELFTESTS_DIR/hostile6.frames}
IN1=fd00:1::2 RWAN=2001:db8:1::1 SRV=2001:db8:2::2
tmp=$(mktemp -d /tmp/hostile6.XXXXXX)
on_exit rm -rf "$tmp"

# The frames are made on the host (make selftests/hostile6.frames) because
# scapy is slow under TCG; make them here if that was not done.
if [ ! -s "$FRAMES" ]; then
	/usr/bin/python3 -c 'import scapy' 2>/dev/null ||
		skip_all "no $FRAMES and no python3-scapy to make it"
	FRAMES=$tmp/hostile6.frames
	/usr/bin/python3 "$HOSTILE" gen "$FRAMES" >/dev/null || skip_all "hostile6.py gen failed"
fi

nat6_topology || { fail "topology"; tap_end; }
serve_start srv serve-tcp 8000 srv --bind ::
serve_start srv serve-udp 9000 srv --bind ::
serve_start in2 serve-tcp 2222 in2 --bind ::
serve_start in2 serve-udp 5353 in2 --bind ::
# Python starts slowly under TCG on a busy host: a minute for all four.
# shellcheck disable=SC2317 # called through busywait
servers_up() {
	local n
	for n in "srv -ltn 8000" "srv -lun 9000" "in2 -ltn 2222" "in2 -lun 5353"; do
		# shellcheck disable=SC2086 # the words of the check
		set -- $n
		ip netns exec "$(ns "$1")" ss -H -6 "$2" "sport = :$3" | grep -q . || return 1
	done
}
busywait 60000 servers_up || fail "servers listening"

if ! knat_in r snat add from fd00:1::/64 out r-wan masquerade ||
	! knat_in r forward add tcp '[::]:2222' to '[fd00:1::3]:2222' ||
	! knat_in r forward add udp '[::]:5353' to '[fd00:1::3]:5353'; then
	fail "configure masquerade and forwards"
	tap_end
fi

# Two live connections, a line a second echoed and compared, until
# $tmp/stop exists.  Their source ports are the ones hostile6.py aims at.
stop=$tmp/stop
nettool in1 hold $SRV 8000 600 --sport 43000 --until "$stop" >"$tmp/live-masq" 2>&1 &
pid_masq=$!
nettool srv hold $RWAN 2222 600 --sport 42000 --until "$stop" >"$tmp/live-fwd" 2>&1 &
pid_fwd=$!
for l in masq fwd; do
	busywait 30000 grep -q state=open "$tmp/live-$l"
	expect_match "live $l connection open" "state=open" "$(cat "$tmp/live-$l")"
done
expect_eq "masquerade kept the live client's port 43000 (the blind segments aim at it)" \
	"[$RWAN]:43000" \
	"$(knat_in r -j flow list proto tcp src "[$IN1]:43000" kind snat |
		json_get "' '.join('[%s]:%d' % (f['reply']['dst'], f['reply']['dport']) for f in j)")"

# Established in knat, and not cut short: "established:long" when the
# flow is ESTABLISHED and expires more than the FIN-WAIT timeout (240 s)
# away; otherwise each flow of that source as state:expires.
live_state() {
	knat_in r -j flow list proto tcp src "$1" |
		json_get "' '.join('%s:%s' % (f['state'], 'long' if f['expires'] > 240 else f['expires']) for f in j) or 'none'"
}
LIVE=("masq [$IN1]:43000" "fwd [$SRV]:42000")
for l in "${LIVE[@]}"; do
	# shellcheck disable=SC2086 # name and source
	set -- $l
	expect_eq "live $1 flow ESTABLISHED before the storm" established:long "$(live_state "$2")"
done

r_mac=$(in_ns r cat /sys/class/net/br0/address)
rwan_mac=$(in_ns r cat /sys/class/net/r-wan/address)
# Everything r sends onto the outside link, whole (quotes can be deep).
in_ns wan ethtool -K wan-r gro off >/dev/null 2>&1
in_ns wan tcpdump --immediate-mode -nn -U -Q in -s 0 -i wan-r -w "$tmp/wan.pcap" >/dev/null 2>&1 &
tcpdump_pid=$!
on_exit kill $tcpdump_pid
busywait 5000 sh -c "[ -e '$tmp/wan.pcap' ] && ip netns exec $(ns wan) sed 1d /proc/net/packet | grep -q ." ||
	fail "capture on wan-r"

send() {
	"${PYTHON[@]}" "$HOSTILE" send "$FRAMES" --router "$(ns r)" --knat "$KNAT" \
		--side "in=$(ns in1):eth0:$r_mac" --side "in2=$(ns in2):eth0:$r_mac" \
		--side "wan=$(ns wan):wan-r:$rwan_mac" "$@"
}

# ---- blind segments first: the live connections must outlive them by
# more than knat's CLOSE timeout (10 s) and then some.
BLIND=blind-rst,blind-fin,blind-rst-syn
send --only $BLIND >"$tmp/results" || fail "hostile6.py send (blind)"
blind_done=$(date +%s)
for l in "${LIVE[@]}"; do
	# shellcheck disable=SC2086 # name and source
	set -- $l
	expect_eq "blind RST/FIN/SYN: live $1 flow still ESTABLISHED, timeout not cut" \
		established:long "$(live_state "$2")"
done

# ---- then everything else.
send --skip $BLIND >>"$tmp/results" || fail "hostile6.py send"

# expect_at_least DESC MIN ACTUAL
expect_at_least() {
	if [ "${3:-0}" -ge "$2" ]; then
		pass "$1"
	else
		fail "$1"
		echo "#   expected: at least $2"
		echo "#   actual:   $3"
	fi
}

# What hostile6.py predicted, per kind (the blind segments: 99 % out of
# the window, as hostile.sh asserts; no flow).
"${PYTHON[@]}" "$HOSTILE" check "$FRAMES" "$tmp/results" >"$tmp/verdicts" 2>"$tmp/table" ||
	{ fail "hostile6.py check"; sed 's/^/#   /' "$tmp/table"; }
while IFS=$'\t' read -r verdict what exp act; do
	if [ "$verdict" = PASS ]; then
		pass "$what"
	else
		fail "$what"
		echo "#   expected: $exp"
		echo "#   actual:   $act"
	fi
done <"$tmp/verdicts"

# ---- the live connections, after the storm, beyond the CLOSE timeout.
for l in "${LIVE[@]}"; do
	# shellcheck disable=SC2086 # name and source
	set -- $l
	expect_eq "after the storm: live $1 flow still ESTABLISHED, timeout not cut" \
		established:long "$(live_state "$2")"
done
wait_s=$((blind_done + 16 - $(date +%s)))
[ $wait_s -gt 0 ] && sleep $wait_s
touch "$stop"
for l in masq:$pid_masq fwd:$pid_fwd; do
	wait "${l#*:}"
	rc=$?
	out=$(tr '\n' ' ' <"$tmp/live-${l%%:*}")
	expect_match "live ${l%%:*} connection echoed byte for byte to the end (rc $rc)" \
		"state=open.*state=closed ticks=[0-9]+" "$out"
done

kill $tcpdump_pid 2>/dev/null
wait $tcpdump_pid 2>/dev/null
esc=$("${PYTHON[@]}" "$HOSTILE" escapes "$tmp/wan.pcap")
printf '%s\n' "$esc" | grep '^escape' | sed 's/^/#   /'
expect_eq "no inside address on the outside link: outer, extension, quoted (however deep or short) or ND header" \
	"escapes=0" "$(printf '%s\n' "$esc" | tail -n 1 | cut -d' ' -f1)"
npkts=$(printf '%s\n' "$esc" | tail -n 1 | sed -n 's/.*packets=//p')
expect_at_least "the capture on wan-r saw r's traffic" 500 "${npkts:-0}"

# ---- the table, for README's reliability section.
echo "# $(printf '%s\n' "$esc" | tail -n 1)"
cat "$tmp/table"
tap_end

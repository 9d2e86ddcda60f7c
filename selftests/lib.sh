# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared helpers for knat's selftests: TAP output, assertions that print
# expected and actual, topology building from network namespaces and veth
# pairs, and teardown on exit.  Sourced by every selftests/*.sh.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

SELFTESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_DIR=$(dirname "$SELFTESTS_DIR")
KNAT=${KNAT:-$TOP_DIR/userspace/knat}
KNAT_KO=${KNAT_KO:-$TOP_DIR/module/knat.ko}

# Namespace names are unique per run so that a test never meets the
# leftovers of another.
NS_PREFIX="kt$$"
NAMESPACES=()
CLEANUP_HOOKS=()

_tap_n=0
_tap_failed=0
# A fail from a subshell ($(...), a pipeline, ( ... )) cannot reach the
# counters above: it is written here and reported by tap_end.
_tap_lost=$(mktemp /tmp/knat-tap.XXXXXX)

tap_begin() {
	echo "TAP version 13"
}

# Print the plan and exit with the kselftest code for what happened.
tap_end() {
	local l
	while IFS= read -r l; do
		fail "$l (reported from a subshell)"
	done <"$_tap_lost"
	rm -f "$_tap_lost"
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
}

pass() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $*"
}

fail() {
	if [ "$BASHPID" != "$$" ]; then
		echo "$*" >>"$_tap_lost"
		echo "# not ok (in a subshell, counted at the end): $*" >&2
		return 0
	fi
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $*"
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

# expect_eq DESC EXPECTED ACTUAL
expect_eq() {
	if [ "$2" == "$3" ]; then
		pass "$1"
	else
		fail "$1"
		echo "#   expected: $2"
		echo "#   actual:   $3"
	fi
}

# expect_match DESC REGEX ACTUAL
expect_match() {
	if [[ $3 =~ $2 ]]; then
		pass "$1"
	else
		fail "$1"
		echo "#   expected to match: $2"
		echo "#   actual: $3"
	fi
}

# expect_ok DESC CMD...: the command succeeds; its output is shown if not.
expect_ok() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$desc"
	else
		fail "$desc"
		echo "#   command failed ($?): $*"
		printf '%s\n' "$out" | sed 's/^/#   /' | head -n 20
	fi
}

# expect_fail DESC CMD...: the command fails.
expect_fail() {
	local desc=$1
	shift
	if "$@" >/dev/null 2>&1; then
		fail "$desc"
		echo "#   command succeeded but should not: $*"
	else
		pass "$desc"
	fi
}

require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip_all "$c not installed"
	done
}

# busywait TIMEOUT_MS CMD...: poll until CMD succeeds; no blind sleeps.
# TIMEOUT_MS is what a quiet VM needs; the limit is KNAT_WAIT_SCALE (3)
# times that, since a VM sharing its host with a CPU hog runs about three
# times slower and a limit only costs time when a test fails.  The poll
# backs off from 50 to 400 ms so that a slow wait does not starve the
# process it waits for of the VM's one CPU.
busywait() {
	local timeout_ms=$(($1 * ${KNAT_WAIT_SCALE:-3})) start now pause=0.05
	shift
	start=$(date +%s%3N)
	while true; do
		"$@" && return 0
		now=$(date +%s%3N)
		[ $((now - start)) -ge "$timeout_ms" ] && return 1
		sleep $pause
		case $pause in
		0.05) pause=0.1 ;;
		0.1) pause=0.2 ;;
		*) pause=0.4 ;;
		esac
	done
}

# Python for the helpers: -S, no site module, only the standard library
# is needed, and starting Python is slow in the emulated test VM.
PYTHON=(python3 -S)

# Valid JSON on stdin?
json_valid() {
	"${PYTHON[@]}" -m json.tool >/dev/null 2>&1
}

# json_get EXPR < json: evaluate a Python expression on the parsed value `j`.
json_get() {
	"${PYTHON[@]}" -c 'import json,sys; j=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# ---- topology ----------------------------------------------------------

# ns NAME: the full namespace name for a short one.
ns() {
	echo "${NS_PREFIX}-$1"
}

# netns_add SHORT...: create namespaces with lo up.
netns_add() {
	local n
	for n in "$@"; do
		ip netns add "$(ns "$n")" || return 1
		NAMESPACES+=("$(ns "$n")")
		ip -n "$(ns "$n")" link set lo up
	done
}

# in_ns SHORT CMD...: run a command inside a namespace.
in_ns() {
	local n=$1
	shift
	ip netns exec "$(ns "$n")" "$@"
}

# link_add NS1 IF1 ADDR1/PLEN NS2 IF2 ADDR2/PLEN: a veth pair between two
# namespaces, addressed and up.  An address of "-" leaves that end bare.
link_add() {
	local n1=$1 if1=$2 a1=$3 n2=$4 if2=$5 a2=$6
	ip link add "$if1" netns "$(ns "$n1")" type veth \
		peer name "$if2" netns "$(ns "$n2")" || return 1
	[ "$a1" != - ] && ip -n "$(ns "$n1")" addr add "$a1" dev "$if1"
	[ "$a2" != - ] && ip -n "$(ns "$n2")" addr add "$a2" dev "$if2"
	ip -n "$(ns "$n1")" link set "$if1" up
	ip -n "$(ns "$n2")" link set "$if2" up
}

# route_add NS ROUTE...: ip route add inside a namespace.
route_add() {
	local n=$1
	shift
	ip -n "$(ns "$n")" route add "$@"
}

# forwarding_on NS: make a namespace a router.
forwarding_on() {
	in_ns "$1" sysctl -qw net.ipv4.ip_forward=1
}

# knat_in NS ARGS...: the CLI inside a namespace.
knat_in() {
	local n=$1
	shift
	ip netns exec "$(ns "$n")" "$KNAT" "$@"
}

# knat_all NS LABEL CMD...: each CMD (knat words in one string) in NS;
# one check "LABEL: N commands", each failing command named.
knat_all() {
	local n=$1 label=$2 c bad=0
	shift 2
	for c in "$@"; do
		# shellcheck disable=SC2086 # the words of the command
		knat_in "$n" $c || { bad=1; echo "# failed: $c"; }
	done
	if [ $bad -eq 0 ]; then
		pass "$label: $# commands"
	else
		fail "$label: $# commands"
	fi
}

on_exit() {
	CLEANUP_HOOKS+=("$*")
}

_cleanup() {
	local h n
	rm -f "$_tap_lost"
	for h in "${CLEANUP_HOOKS[@]}"; do
		eval "$h" >/dev/null 2>&1
	done
	# Background helpers (servers) die with their namespace's processes.
	for n in "${NAMESPACES[@]}"; do
		ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
}
trap _cleanup EXIT

module_loaded() {
	grep -q '^knat ' /proc/modules
}

# fastpath_default: "on" or "off", the fast path a new namespace starts
# with: knat's fastpath parameter (Y/N; modprobe knat fastpath=1, or
# KNAT_MODARGS=fastpath=1 for a selftest run with it on everywhere).
fastpath_default() {
	case $(cat /sys/module/knat/parameters/fastpath 2>/dev/null) in
	Y | 1) echo on ;;
	*) echo off ;;
	esac
}

# ---- traffic -----------------------------------------------------------

NETTOOL="$SELFTESTS_DIR/nettool.py"

# nettool NS ARGS...: a traffic client inside a namespace.
nettool() {
	local n=$1
	shift
	in_ns "$n" "${PYTHON[@]}" "$NETTOOL" "$@"
}

# serve NS KIND PORT [NAME]: start a nettool server (serve-tcp, serve-udp,
# serve-sink) in the background and wait until it listens.
serve() {
	serve_start "$@"
	serve_wait "$1" "$2" "$3"
}

# serve_start NS KIND PORT [NAME], then serve_wait NS KIND PORT: serve in
# two halves, to start several servers at once and then wait for them
# (the first wait may cover them all starting: it allows 20 s).
serve_start() {
	local n=$1 kind=$2 port=$3
	shift 3
	in_ns "$n" "${PYTHON[@]}" "$NETTOOL" "$kind" "$port" "$@" >/dev/null 2>&1 &
}

serve_wait() {
	local n=$1 kind=$2 port=$3 flag=-ltn
	[ "$kind" = serve-udp ] && flag=-lun
	busywait 20000 sh -c "ip netns exec $(ns "$n") ss -H $flag 'sport = :$port' | grep -q ."
}

# field KEY "k=v k=v": the value of one key in nettool's output.
field() {
	printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | tail -n 1
}

# fields KEY < lines: the value of KEY on each line of nettool's output,
# one line out per line in (empty where the line has no KEY, as for an
# error=... line), for the many lines of one --count or --sports run.
fields() {
	awk -v k="$1=" '{ v = ""; for (i = 1; i <= NF; i++) if (index($i, k) == 1) v = substr($i, length(k) + 1); print v }'
}

# ---- the standard NAT topology -----------------------------------------
#
#  in1 10.0.1.2 --+
#                 +-- br0 10.0.1.1 [ r: knat ] r-wan 198.51.100.1
#  in2 10.0.1.3 --+                                 |
#                          198.51.100.2 wan-r [ wan ] wan-srv 203.0.113.1
#                                                       |
#                                    203.0.113.2 srv-wan [ srv ]
#
# wan has no route back to 10.0.1.0/24: an untranslated inside address
# cannot get an answer, and captures on wan must never show one.
# r computes checksums in software on both its interfaces (tx off), so
# every checksum knat updated incrementally is checked by a receiver.
nat_topology() {
	netns_add in1 in2 r wan srv || return 1
	ip -n "$(ns r)" link add br0 type bridge
	ip -n "$(ns r)" link set br0 up
	ip -n "$(ns r)" addr add 10.0.1.1/24 dev br0
	link_add in1 eth0 10.0.1.2/24 r r-in1 - || return 1
	link_add in2 eth0 10.0.1.3/24 r r-in2 - || return 1
	ip -n "$(ns r)" link set r-in1 master br0
	ip -n "$(ns r)" link set r-in2 master br0
	link_add r r-wan 198.51.100.1/24 wan wan-r 198.51.100.2/24 || return 1
	link_add wan wan-srv 203.0.113.1/24 srv srv-wan 203.0.113.2/24 || return 1
	route_add in1 default via 10.0.1.1
	route_add in2 default via 10.0.1.1
	route_add r default via 198.51.100.2
	route_add srv default via 203.0.113.1
	forwarding_on r
	forwarding_on wan
	in_ns r ethtool -K br0 tx off >/dev/null
	in_ns r ethtool -K r-wan tx off >/dev/null
}

# capture NS DEV FILE: tcpdump in the background until capture_stop.
# tcpdump opens its output file only after its packet socket is bound, and
# /proc/net/packet always has a header line: wait for the file and a socket.
capture() {
	rm -f "$3"
	# --immediate-mode: without it TPACKET_V3 hands packets over when a
	# block retires (after up to 1 s), and capture_stop would lose them.
	in_ns "$1" tcpdump --immediate-mode -nn -U -s 256 -i "$2" -w "$3" >/dev/null 2>&1 &
	CAPTURE_PID=$!
	busywait 5000 sh -c "[ -e '$3' ] && ip netns exec $(ns "$1") sed 1d /proc/net/packet | grep -q ." ||
		echo "# capture on $1 $2 did not start" >&2
	sleep 0.2
}

capture_stop() {
	sleep 0.3
	kill "$CAPTURE_PID" 2>/dev/null
	wait "$CAPTURE_PID" 2>/dev/null
}

# stat_of NS NAME: one counter or drop reason, from knat -j stats.
stat_of() {
	local key=${2//-/_}
	knat_in "$1" -j stats | json_get "j['counters'].get('$key', j['drops'].get('$key'))"
}

# ---- the load-balancer topology ----------------------------------------
#
#  c1 198.51.100.2 --+                              +-- b1 10.0.2.11
#                    +-- br0 198.51.100.1 [ r ] br1 10.0.2.1 -- b2 10.0.2.12
#  c2 198.51.100.3 --+   VIP 203.0.113.10 (on no    +-- b3 10.0.2.13
#                        interface: routed to r)    +-- b4 10.0.2.14
#
# Every backend serves TCP 8080 and UDP 5353 answering with its own name,
# unless asked "lb_topology noserve" (the test serves them itself).
lb_topology() {
	local i noserve=${1:-}
	netns_add c1 c2 r b1 b2 b3 b4 || return 1
	ip -n "$(ns r)" link add br0 type bridge
	ip -n "$(ns r)" link add br1 type bridge
	ip -n "$(ns r)" link set br0 up
	ip -n "$(ns r)" link set br1 up
	ip -n "$(ns r)" addr add 198.51.100.1/24 dev br0
	ip -n "$(ns r)" addr add 10.0.2.1/24 dev br1
	for i in 1 2; do
		link_add c$i eth0 198.51.100.$((i + 1))/24 r r-c$i - || return 1
		ip -n "$(ns r)" link set r-c$i master br0
		route_add c$i default via 198.51.100.1
	done
	for i in 1 2 3 4; do
		link_add b$i eth0 10.0.2.1$i/24 r r-b$i - || return 1
		ip -n "$(ns r)" link set r-b$i master br1
		route_add b$i default via 10.0.2.1
		[ "$noserve" = noserve ] && continue
		serve_start b$i serve-tcp 8080 b$i
		serve_start b$i serve-udp 5353 b$i
	done
	for i in 1 2 3 4; do
		[ "$noserve" = noserve ] && break
		serve_wait b$i serve-tcp 8080 || return 1
		serve_wait b$i serve-udp 5353 || return 1
	done
	forwarding_on r
}

# spread NS N ARGS...: N connections `nettool NS tcp ARGS`, one after the
# other (one Python for all: --count); print the backend names seen,
# counted, as "b1:10 b2:10 b3:10".
spread() {
	local n=$1 cnt=$2
	shift 2
	nettool "$n" tcp "$@" --count "$cnt" | fields name |
		sort | uniq -c | awk '{printf "%s%s:%s", sep, $2, $1; sep=" "}'
}

# ---- IPv6 (NAT66) ------------------------------------------------------

# require_ipv6: skip the test on a kernel without IPv6.
require_ipv6() {
	[ -d /proc/sys/net/ipv6 ] || skip_all "no IPv6 in this kernel"
}

# forwarding6_on NS: make a namespace an IPv6 router ("all" sets every
# interface's and the default for new ones).
forwarding6_on() {
	in_ns "$1" sysctl -qw net.ipv6.conf.all.forwarding=1
}

# nodad_ns NS...: no duplicate address detection in these namespaces, for
# interfaces made after this (link-local addresses included): DAD holds an
# address tentative for a second or more, and nothing here can collide.
nodad_ns() {
	local n
	for n in "$@"; do
		in_ns "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 || return 1
	done
}

# addr6_add NS DEV ADDR/PLEN: an IPv6 address, usable at once (nodad).
addr6_add() {
	ip -n "$(ns "$1")" -6 addr add "$3" dev "$2" nodad
}

# route6_add NS ROUTE...: ip -6 route add inside a namespace.
route6_add() {
	local n=$1
	shift
	ip -n "$(ns "$n")" -6 route add "$@"
}

# addrs_ready NS...: no address in these namespaces is still tentative.
addrs_ready() {
	local n
	for n in "$@"; do
		[ -z "$(ip -n "$(ns "$n")" -6 addr show tentative)" ] || return 1
	done
}

# ---- the IPv6 NAT topology ---------------------------------------------
#
#  in1 fd00:1::2 --+
#                  +-- br0 fd00:1::1 [ r: knat ] r-wan 2001:db8:1::1
#  in2 fd00:1::3 --+                                  |
#                          2001:db8:1::2 wan-r [ wan ] wan-srv 2001:db8:2::1
#                                                        |
#                                     2001:db8:2::2 srv-wan [ srv ]
#
# nat_topology's shape and names in IPv6: the inside is a ULA /64
# (fd00:1::/64), the outside documentation prefixes.  wan has no route to
# fd00::/8: an untranslated inside address gets no answer, and captures on
# wan must never show one.  r sums in software on br0 and r-wan (tx off),
# as in nat_topology.  Addresses are nodad (no DAD in these namespaces at
# all), so the topology is usable when this returns.  Bridge multicast
# snooping is off: without an MLD querier it would make neighbour
# discovery through br0 depend on MLD reports timing.
#
# dual_topology (below) adds nat_topology's IPv4 addresses to it.
nat6_topology() {
	netns_add in1 in2 r wan srv || return 1
	nodad_ns in1 in2 r wan srv || return 1
	ip -n "$(ns r)" link add br0 type bridge mcast_snooping 0 || return 1
	link_add in1 eth0 - r r-in1 - || return 1
	link_add in2 eth0 - r r-in2 - || return 1
	ip -n "$(ns r)" link set r-in1 master br0
	ip -n "$(ns r)" link set r-in2 master br0
	ip -n "$(ns r)" link set br0 up
	link_add r r-wan - wan wan-r - || return 1
	link_add wan wan-srv - srv srv-wan - || return 1
	addr6_add r br0 fd00:1::1/64 || return 1
	addr6_add in1 eth0 fd00:1::2/64 || return 1
	addr6_add in2 eth0 fd00:1::3/64 || return 1
	addr6_add r r-wan 2001:db8:1::1/64 || return 1
	addr6_add wan wan-r 2001:db8:1::2/64 || return 1
	addr6_add wan wan-srv 2001:db8:2::1/64 || return 1
	addr6_add srv srv-wan 2001:db8:2::2/64 || return 1
	route6_add in1 default via fd00:1::1 || return 1
	route6_add in2 default via fd00:1::1 || return 1
	route6_add r default via 2001:db8:1::2 || return 1
	route6_add srv default via 2001:db8:2::1 || return 1
	forwarding6_on r
	forwarding6_on wan
	in_ns r ethtool -K br0 tx off >/dev/null
	in_ns r ethtool -K r-wan tx off >/dev/null
	# Where br_netfilter is loaded, frames bridged between in1 and in2
	# would meet r's IPv6 hooks too (a hairpin answer sent straight to
	# in2 could be translated there): only routed packets here.
	[ -e /proc/sys/net/bridge/bridge-nf-call-ip6tables ] &&
		in_ns r sysctl -qw net.bridge.bridge-nf-call-ip6tables=0
	busywait 2000 addrs_ready in1 in2 r wan srv
}

# dual_topology: nat6_topology with nat_topology's IPv4 addresses and
# routes on the same interfaces too (10.0.1.0/24 inside, 198.51.100.0/24
# and 203.0.113.0/24 outside; wan has no route to 10.0.1.0/24 either):
# one router, both families.
#
#  in1 10.0.1.2 fd00:1::2 --+
#                           +-- br0 10.0.1.1 fd00:1::1 [ r: knat ]
#  in2 10.0.1.3 fd00:1::3 --+        r-wan 198.51.100.1 2001:db8:1::1
#                                                 |
#            wan-r 198.51.100.2 2001:db8:1::2 [ wan ] wan-srv 203.0.113.1
#                                                 |        2001:db8:2::1
#                          srv-wan 203.0.113.2 2001:db8:2::2 [ srv ]
dual_topology() {
	nat6_topology || return 1
	ip -n "$(ns r)" addr add 10.0.1.1/24 dev br0
	ip -n "$(ns in1)" addr add 10.0.1.2/24 dev eth0
	ip -n "$(ns in2)" addr add 10.0.1.3/24 dev eth0
	ip -n "$(ns r)" addr add 198.51.100.1/24 dev r-wan
	ip -n "$(ns wan)" addr add 198.51.100.2/24 dev wan-r
	ip -n "$(ns wan)" addr add 203.0.113.1/24 dev wan-srv
	ip -n "$(ns srv)" addr add 203.0.113.2/24 dev srv-wan
	route_add in1 default via 10.0.1.1 || return 1
	route_add in2 default via 10.0.1.1 || return 1
	route_add r default via 198.51.100.2 || return 1
	route_add srv default via 203.0.113.1 || return 1
	forwarding_on r
	forwarding_on wan
}

# serve6 NS KIND PORT [NAME]: serve's IPv6 twin: a nettool server on [::]
# (IPV6_V6ONLY, so an IPv4 server of the same port may run beside it),
# waited for as an IPv6 listener.
serve6() {
	local n=$1 kind=$2 port=$3
	shift 3
	serve_start "$n" "$kind" "$port" "$@" --bind ::
	serve_wait_af 6 "$n" "$kind" "$port"
}

# serve4 NS KIND PORT [NAME]: serve, waited for as an IPv4 listener only
# (serve_wait would take an IPv6 server of the same port for it).
serve4() {
	serve_start "$@"
	serve_wait_af 4 "$1" "$2" "$3"
}

# serve_wait_af 4|6 NS KIND PORT: serve_wait for one family's listener.
serve_wait_af() {
	local af=$1 n=$2 kind=$3 port=$4 flag=-ltn
	[ "$kind" = serve-udp ] && flag=-lun
	busywait 20000 sh -c "ip netns exec $(ns "$n") ss -H -$af $flag 'sport = :$port' | grep -q ."
}

# capture_full NS DEV FILE: capture, whole packets (no snap length), with
# GRO off on DEV so that every packet is seen as it was sent: pcap6.py
# sums each complete packet, and tcpdump -vv checks only whole ones.
# Stopped with capture_stop.
capture_full() {
	rm -f "$3"
	in_ns "$1" ethtool -K "$2" gro off >/dev/null 2>&1
	in_ns "$1" tcpdump --immediate-mode -nn -U -s 0 -i "$2" -w "$3" >/dev/null 2>&1 &
	CAPTURE_PID=$!
	busywait 5000 sh -c "[ -e '$3' ] && ip netns exec $(ns "$1") sed 1d /proc/net/packet | grep -q ." ||
		echo "# capture on $1 $2 did not start" >&2
	sleep 0.2
}

# pcap6 FILE ARGS...: the IPv6 packets of a capture, one line each, or
# --count of them (selftests/pcap6.py: --where KEY=VALUE, --not KEY=VALUE,
# --inside PREFIX; quoted headers of ICMPv6 errors included).
pcap6() {
	"${PYTHON[@]}" "$SELFTESTS_DIR/pcap6.py" "$@"
}

# status_of NS EXPR: EXPR of knat -j status (j), as hooks6_active,
# forwards6, snats6, flows6 for the IPv6 part.
status_of() {
	knat_in "$1" -j status | json_get "$2"
}

# ---- the IPv6 load-balancer topology -----------------------------------
#
#  c1 2001:db8:1::2 --+                                 +-- b1 fd00:2::11
#                     +-- br0 2001:db8:1::1 [ r ] br1 fd00:2::1 -- b2 fd00:2::12
#  c2 2001:db8:1::3 --+   VIP 2001:db8:100::10 (on no   +-- b3 fd00:2::13
#                         interface: routed to r)       +-- b4 fd00:2::14
#
# lb_topology's shape and names in IPv6: the clients on a documentation
# /64, the backends on a ULA /64, the VIP in a third prefix that only the
# clients' default route leads to r (r itself has no route to it, nor a
# default route).  Every backend serves TCP 8080 and UDP 5353 on [::]
# answering with its own name, unless asked "lb6_topology noserve".
# Addresses are nodad (no DAD in these namespaces at all), bridge
# multicast snooping is off and r sums in software on br0 and br1 (tx
# off), as in nat6_topology: usable when this returns, and every checksum
# knat updated is checked by its receiver.
# shellcheck disable=SC2034 # for the tests that source this
LB6_VIP=2001:db8:100::10
lb6_topology() {
	local i n noserve=${1:-}
	netns_add c1 c2 r b1 b2 b3 b4 || return 1
	nodad_ns c1 c2 r b1 b2 b3 b4 || return 1
	for n in br0 br1; do
		ip -n "$(ns r)" link add $n type bridge mcast_snooping 0 || return 1
	done
	for i in 1 2; do
		link_add c$i eth0 - r r-c$i - || return 1
		ip -n "$(ns r)" link set r-c$i master br0
		addr6_add c$i eth0 2001:db8:1::$((i + 1))/64 || return 1
	done
	for i in 1 2 3 4; do
		link_add b$i eth0 - r r-b$i - || return 1
		ip -n "$(ns r)" link set r-b$i master br1
		addr6_add b$i eth0 fd00:2::1$i/64 || return 1
	done
	ip -n "$(ns r)" link set br0 up
	ip -n "$(ns r)" link set br1 up
	addr6_add r br0 2001:db8:1::1/64 || return 1
	addr6_add r br1 fd00:2::1/64 || return 1
	for i in 1 2; do
		route6_add c$i default via 2001:db8:1::1 || return 1
	done
	for i in 1 2 3 4; do
		route6_add b$i default via fd00:2::1 || return 1
	done
	forwarding6_on r
	in_ns r ethtool -K br0 tx off >/dev/null
	in_ns r ethtool -K br1 tx off >/dev/null
	# Only routed packets meet r's IPv6 hooks (see nat6_topology).
	[ -e /proc/sys/net/bridge/bridge-nf-call-ip6tables ] &&
		in_ns r sysctl -qw net.bridge.bridge-nf-call-ip6tables=0
	busywait 2000 addrs_ready c1 c2 r b1 b2 b3 b4 || return 1
	[ "$noserve" = noserve ] && return 0
	for i in 1 2 3 4; do
		serve_start b$i serve-tcp 8080 b$i --bind ::
		serve_start b$i serve-udp 5353 b$i --bind ::
	done
	for i in 1 2 3 4; do
		serve_wait_af 6 b$i serve-tcp 8080 || return 1
		serve_wait_af 6 b$i serve-udp 5353 || return 1
	done
}

# lb6_conns PROTO VIP PORT: "ADDR:CONNS ..." of one service's backends,
# in their order, from `knat -s -j service list` (ADDR bare, as the JSON
# has it).
lb6_conns() {
	knat_in r -s -j service list |
		json_get "' '.join('%s:%s' % (b['addr'], b['conns']) for s in j if s['proto'] == '$1' and s['addr'] == '$2' and s['port'] == $3 for b in s['backends'])"
}

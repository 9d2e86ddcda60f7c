#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Faults under traffic: knat must come and go cleanly whatever flows
# through it.
#
#  1. rmmod with live flows, FAULTS_CYCLES times (default 50): load,
#     configure a masquerade, a forward and a service, wait for flows, rmmod
#     while the traffic below keeps coming.  Each time: rmmod succeeds
#     (/proc/modules showed refcount 0), knat's flow cache is gone from
#     /proc/slabinfo.
#  2. ip netns del of a configured router namespace under traffic,
#     FAULTS_CYCLES times; then rmmod, which must find nothing held.
#  3. a backend of a persistent service deleted and added again,
#     FAULTS_CYCLES times, while clients keep opening flows to the
#     service; afterwards no flow is owned by the deleted backend, and the
#     service answers.
#  4. failslab (CONFIG_FAILSLAB) on knat's flow cache during configuration
#     and flow creation, when the kernel has it; a SKIP line otherwise.
# run.sh then checks dmesg (no splat, no "still has objects").
#
#  in1 10.0.1.2 --+                               (backend udp 5353)
#                 +-- br0 10.0.1.1 [ r: knat ] r-wan 198.51.100.1
#  in2 10.0.1.3 --+   masquerade, forward,           |
#   (backend udp 5353)  service 192.0.2.10 -> in1, in2
#                          198.51.100.2 wan-r [ wan ] wan-srv 203.0.113.1
#                                                       |
#                                    203.0.113.2 srv-wan [ srv ] (udp 9000)
#
#  part 2:  [ a 10.8.0.2 ] a-r --- r-a 10.8.0.1 [ rN: knat ] dum0 -> 10.9.0.0/24
#           forward udp 10.8.0.1:5353-5354 to 10.9.0.2 (flows made at the
#           entry hook, whatever routing does with the packet after)
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 modinfo

# 50 cycles of each: a cycle takes about 2 s under TCG on a quiet 2-core
# host (10-30 s on one shared with five other VMs); KNAT_FAULTS_CYCLES=N
# for fewer or more (scripts/vm passes KNAT_* into the VM; make
# check-debug runs 20: a cycle there costs six times as much, and a leak
# or a held reference shows in the first cycle it happens in).
CYCLES=${KNAT_FAULTS_CYCLES:-${FAULTS_CYCLES:-50}}
VIP=192.0.2.10

# The dependencies stay loaded: modprobe them once, then insmod only.
DEPS=$(modinfo -F depends "$KNAT_KO" | tr ',' ' ')
for dep in $DEPS; do
	modprobe "$dep" || skip_all "modprobe $dep failed"
done
load() {
	# shellcheck disable=SC2086
	insmod "$KNAT_KO" ${KNAT_MODARGS:-}
}

# knat_r ARGS...: the CLI in r by its own -n (cheaper than ip netns exec).
knat_r() {
	"$KNAT" -n "$(ns r)" "$@"
}

# progress PART I T0: a line every 10 cycles (and after the first three),
# to see the pace under TCG.
progress() {
	[ $(($2 % 10)) -eq 0 ] || [ "$2" -le 3 ] &&
		echo "# $1: $2 cycles, $(($(date +%s) - $3)) s"
	return 0
}

# knat's slab caches: none may outlive the module.  Bash builtins only:
# under TCG every exec costs.
knat_slabs() {
	local name active rest out=""
	while read -r name active rest; do
		[[ $name == knat* ]] && out+="$name=$active "
	done </proc/slabinfo
	echo "$out"
}

# knat_ref: knat's use count in /proc/modules, empty when not loaded.
knat_ref() {
	local name ref rest
	while read -r name _ ref rest; do
		[ "$name" = knat ] && { echo "$ref"; return; }
	done </proc/modules
}

# udp_flood NS DST PORT...: datagrams from rotating source ports, ~150/s,
# to each DST:PORT, errors ignored (the path comes and goes), until killed.
udp_flood() {
	local n=$1
	shift
	in_ns "$n" "${PYTHON[@]}" -c '
import socket, sys, time
dsts = [(a.split(":")[0], int(a.split(":")[1])) for a in sys.argv[1:]]
socks = []
for i in range(64):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    try:
        s.bind(("0.0.0.0", 20000 + i))
    except OSError:
        pass
    socks.append(s)
i = 0
while True:
    for d in dsts:
        try:
            socks[i % 64].sendto(b"fault", d)
        except OSError:
            pass
    i += 1
    if i % 16 == 0:
        for s in socks:
            try:
                while s.recv(2048):
                    pass
            except OSError:
                pass
        time.sleep(0.1)
' "$@" >/dev/null 2>&1 &
	FLOODS+=($!)
}
FLOODS=()
on_exit 'kill ${FLOODS[@]}'

configure_r() {
	knat_r snat add from 10.0.1.0/24 out r-wan masquerade &&
		knat_r forward add udp 198.51.100.1:5353 to 10.0.1.3:5353 &&
		knat_r service add udp $VIP:53 sched rr persist 60 &&
		knat_r backend add udp $VIP:53 10.0.1.2:5353 &&
		knat_r backend add udp $VIP:53 10.0.1.3:5353
}

flows_in() {
	"$KNAT" -n "$(ns "$1")" flow count 2>/dev/null || echo 0
}

# flows_at_least NS N: NS (short name, or a full one) has N flows or more.
flows_at_least() {
	local n=$1
	[[ $n == "$NS_PREFIX"-* ]] || n=$(ns "$n")
	[ "$("$KNAT" -n "$n" flow count 2>/dev/null || echo 0)" -ge "$2" ]
}

nat_topology || { fail "topology"; tap_end; }
route_add wan $VIP/32 via 198.51.100.1
serve_start in1 serve-udp 5353 in1
serve_start in2 serve-udp 5353 in2
serve_start srv serve-udp 9000 srv
# Python starts slowly under TCG on a busy host: a minute for all three.
servers_up() {
	local n
	for n in "in1 5353" "in2 5353" "srv 9000"; do
		set -- $n
		ip netns exec "$(ns "$1")" ss -H -lun "sport = :$2" | grep -q . || return 1
	done
}
busywait 60000 servers_up || fail "udp servers listening"

# ---- 1. rmmod under traffic --------------------------------------------
udp_flood in1 203.0.113.2:9000
udp_flood srv 198.51.100.1:5353 $VIP:53
in_ns in2 ping -q -i 0.01 203.0.113.2 >/dev/null 2>&1 &
FLOODS+=($!)

module_loaded && rmmod knat
bad=0 t0=$(date +%s)
for i in $(seq 1 "$CYCLES"); do
	ms0=$(date +%s%3N)
	load || { fail "rmmod under traffic: insmod #$i"; bad=1; break; }
	ms1=$(date +%s%3N)
	configure_r || { fail "rmmod under traffic: configure #$i"; bad=1; break; }
	ms2=$(date +%s%3N)
	busywait 10000 flows_at_least r 2 ||
		{ fail "rmmod under traffic: flows through r #$i (have $(flows_in r))"; bad=1; break; }
	ms3=$(date +%s%3N)
	ref=$(knat_ref)
	[ "$ref" = 0 ] || { fail "rmmod under traffic: refcount 0 before rmmod #$i (got $ref)"; bad=1; break; }
	rmmod knat || { fail "rmmod under traffic: rmmod #$i"; bad=1; break; }
	[ "$i" = 1 ] && echo "# rmmod under traffic: cycle 1: insmod $((ms1 - ms0)) ms," \
		"configure $((ms2 - ms1)) ms, flows $((ms3 - ms2)) ms, rmmod $(($(date +%s%3N) - ms3)) ms"
	[ -z "$(knat_ref)" ] || { fail "rmmod under traffic: knat listed after rmmod #$i"; bad=1; break; }
	s=$(knat_slabs)
	[ -z "$s" ] || { fail "rmmod under traffic: knat slab caches gone after #$i (got $s)"; bad=1; break; }
	progress "rmmod under traffic" "$i" "$t0"
done
[ $bad -eq 0 ] && pass "rmmod under traffic with live flows: $CYCLES cycles in $(($(date +%s) - t0)) s"
module_loaded || load

# ---- 2. ip netns del under traffic -------------------------------------
netns_add a
udp_flood a 10.8.0.1:5353 10.8.0.1:5354
a_r_gone() { ! ip -n "$(ns a)" link show a-r >/dev/null 2>&1; }
bad=0 t0=$(date +%s)
for i in $(seq 1 "$CYCLES"); do
	rn=$(ns "r$i")
	# The last cycle's a-r goes with its peer when the namespace's
	# cleanup runs, later than "ip netns del" returns (seconds later
	# on a debug kernel).
	busywait 60000 a_r_gone || { fail "netns del under traffic: a-r of r$((i - 1)) gone"; bad=1; break; }
	ms0=$(date +%s%3N)
	# Four execs for the topology: ip -b runs many commands in one.
	ip netns add "$rn" &&
		ip link add a-r netns "$(ns a)" type veth peer name r-a netns "$rn" &&
		ip -n "$(ns a)" -b - <<-EOF &&
			addr add 10.8.0.2/24 dev a-r
			link set a-r up
		EOF
		ip -n "$rn" -b - <<-EOF &&
			link set lo up
			addr add 10.8.0.1/24 dev r-a
			link set r-a up
			link add dum0 type dummy
			link set dum0 up
			route add 10.9.0.0/24 dev dum0
		EOF
		"$KNAT" -n "$rn" forward add udp 10.8.0.1:5353-5354 to 10.9.0.2 ||
		{ fail "netns del under traffic: set up r$i"; bad=1; break; }
	ms1=$(date +%s%3N)
	busywait 10000 flows_at_least "$rn" 2 ||
		{ fail "netns del under traffic: flows in r$i (have $(flows_in "$rn"))"; bad=1; break; }
	ms2=$(date +%s%3N)
	ip netns del "$rn" || { fail "netns del under traffic: del r$i"; bad=1; break; }
	[ "$i" = 1 ] && echo "# netns del under traffic: cycle 1: set up $((ms1 - ms0)) ms," \
		"flows $((ms2 - ms1)) ms, del $(($(date +%s%3N) - ms2)) ms"
	progress "netns del under traffic" "$i" "$t0"
done
[ $bad -eq 0 ] && pass "ip netns del of a configured namespace under traffic: $CYCLES cycles in $(($(date +%s) - t0)) s"
# The namespaces are cleaned up by a workqueue; rmmod waits for it
# (unregister_pernet_subsys), then nothing of knat may remain.
kill "${FLOODS[@]}" 2>/dev/null
FLOODS=()
expect_eq "netns del: knat's refcount after the namespaces went" 0 "$(knat_ref)"
expect_ok "netns del: rmmod after $CYCLES namespaces deleted" rmmod knat
expect_eq "netns del: no knat slab cache left" "" "$(knat_slabs)"
load || { fail "reload"; tap_end; }

# ---- 3. backends come and go under traffic ------------------------------
configure_r || fail "backend churn: configure"
udp_flood srv $VIP:53
bad=0 t0=$(date +%s)
for i in $(seq 1 "$CYCLES"); do
	knat_r backend del udp $VIP:53 10.0.1.3:5353 ||
		{ fail "backend churn: del #$i"; bad=1; break; }
	knat_r backend add udp $VIP:53 10.0.1.3:5353 ||
		{ fail "backend churn: add #$i"; bad=1; break; }
	progress "backend churn" "$i" "$t0"
done
[ $bad -eq 0 ] && pass "backend churn: $CYCLES del/add of a persistent service's backend under traffic in $(($(date +%s) - t0)) s"
knat_in r backend del udp $VIP:53 10.0.1.3:5353
expect_eq "backend churn: no flow owned by the deleted backend" 0 \
	"$(knat_in r flow count backend 10.0.1.3:5353)"
kill "${FLOODS[@]}" 2>/dev/null
FLOODS=()
out=$(nettool srv udp $VIP 53 --sport 6000)
expect_eq "backend churn: the service still answers, from the backend left" "in1 True" \
	"$(field name "$out") $(field match "$out")"

# ---- 4. failslab ---------------------------------------------------------
fs=/sys/kernel/debug/failslab
[ -d /sys/kernel/debug/failslab ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
if [ ! -d $fs ]; then
	pass "failslab during configuration and flow creation # SKIP kernel has no CONFIG_FAILSLAB (stock Debian config)"
else
	# Configuration: nlfuzz -F's own allocations fail at random
	# (task-filter), in every cache, around each send() only: service
	# and backend adds must fail cleanly or succeed, the namespace must
	# still work after.  Not a shell's "echo 1 >/proc/self/make-it-fail;
	# exec knat": that exec, and its page faults, reach the 9p root,
	# whose client broke every later exec in the VM.
	#
	# The probability goes up last and down first: with it set while
	# task-filter is still N, every allocation in the VM fails (the shell
	# could not even put task-filter back, and the VM died).
	knat_in r flow flush >/dev/null
	echo 0 >$fs/probability
	echo Y >$fs/task-filter
	echo N >$fs/cache-filter
	echo N >$fs/ignore-gfp-wait
	echo 1 >$fs/interval
	echo -1 >$fs/times
	echo 0 >$fs/space
	echo 0 >$fs/verbose
	echo 20 >$fs/probability
	out=$(in_ns r "$SELFTESTS_DIR/nlfuzz" -F 30 2>&1)
	rc=$?
	echo 0 >$fs/probability
	echo N >$fs/task-filter
	printf '%s\n' "$out" | sed 's/^/# /'
	expect_eq "failslab: every configuration request answered (ACK, errno or ENOBUFS)" 0 "$rc"
	expect_match "failslab: some requests failed, some went through" \
		"ok=[1-9].*failed=[1-9]|failed=[1-9].*" "$out"
	# What was added must be whole: every service listed (a backend
	# only on 10.0.1.2:5353) deletes cleanly, and the one configured
	# before is untouched.
	expect_ok "failslab: knat answers after failed configuration" knat_in r service list
	svcs=$(knat_in r -j service list | python3 -c '
import json, sys
for s in json.load(sys.stdin):
    bad = [b for b in s["backends"] if (b["addr"], b["port"]) != ("10.0.1.2", 5353)]
    if s["addr"] != "'$VIP'":
        print(s["addr"], len(s["backends"]), len(bad))')
	echo "# failslab: $(echo "$svcs" | grep -c .) services added, $(echo "$svcs" | awk '$2 > 0' | grep -c .) with their backend"
	expect_eq "failslab: no service has a backend it was not given" "" \
		"$(echo "$svcs" | awk '$3 > 0')"
	ndel=0
	while read -r a _; do
		[ -n "$a" ] || continue
		knat_in r service del udp "$a:53" || ndel=$((ndel + 1))
	done <<<"$svcs"
	expect_eq "failslab: every service added deletes cleanly" 0 "$ndel"
	# (Part 3 ended with 10.0.1.3 deleted: 10.0.1.2 is its one backend.)
	expect_eq "failslab: the service configured before, alone, with its backend" \
		"$VIP:53 10.0.1.2:5353" \
		"$(knat_in r -j service list | python3 -c 'import json,sys; print(" ".join("%s:%d %s" % (s["addr"], s["port"], " ".join("%s:%d" % (b["addr"], b["port"]) for b in s["backends"])) for s in json.load(sys.stdin)))')"
	# Flow creation: only knat's flow cache fails (cache-filter), 10 %.
	# SLUB refuses the flag on a cache merged with others (the debug
	# kernel refused it, EACCES); failing every atomic allocation
	# instead would fail virtio's and 9p's too.
	if ! { echo 1 >/sys/kernel/slab/knat_flow/failslab; } 2>/dev/null; then
		# Then flows made in a task fail instead: nlfuzz -U's datagrams
		# to the forward from r itself (LOCAL_OUT), each a new flow made
		# in its own context, every allocation of it failing at 10 %.
		echo "# failslab: knat_flow refused alone; flows made at LOCAL_OUT by a failing task"
		before=$(stat_of r nomem)
		echo 0 >$fs/probability
		echo Y >$fs/task-filter
		echo N >$fs/cache-filter
		echo 10 >$fs/probability
		out=$(in_ns r "$SELFTESTS_DIR/nlfuzz" -U 300 -D 198.51.100.1:5353 2>&1)
		echo 0 >$fs/probability
		echo N >$fs/task-filter
		echo "# failslab: $out"
		after=$(stat_of r nomem)
		expect_match "failslab: failed flow allocations counted as nomem ($before -> $after)" \
			"^[1-9]" "$((after - before))"
		expect_eq "failslab: nothing left half-made (every flow in the table is whole)" \
			"$(knat_in r -j flow list | json_get 'len(j)')" "$(knat_in r flow count)"
	else
		# Packets allocate in softirq, where task-filter fails nothing:
		# it is off, and cache-filter keeps it to knat_flow.
		echo Y >$fs/cache-filter
		echo 10 >$fs/probability
		before=$(stat_of r nomem)
		udp_flood in1 203.0.113.2:9000
		udp_flood srv $VIP:53
		busywait 20000 sh -c "[ \$(ip netns exec $(ns r) $KNAT -j stats | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"drops\"][\"nomem\"])') -gt $before ]"
		kill "${FLOODS[@]}" 2>/dev/null
		FLOODS=()
		echo 0 >$fs/probability
		echo 0 >/sys/kernel/slab/knat_flow/failslab
		echo N >$fs/cache-filter
		after=$(stat_of r nomem)
		expect_match "failslab: failed flow allocations counted as nomem ($before -> $after)" \
			"^[1-9]" "$((after - before))"
	fi
	out=$(nettool in1 udp 203.0.113.2 9000 --sport 6001)
	expect_eq "failslab: flows work again after" True "$(field match "$out")"
	for n in "${NAMESPACES[@]}"; do ip netns del "$n"; done
	NAMESPACES=()
	expect_ok "failslab: rmmod after" rmmod knat
	expect_eq "failslab: no knat slab cache left" "" "$(knat_slabs)"
	load
fi

tap_end

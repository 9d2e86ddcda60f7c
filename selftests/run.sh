#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test VM (scripts/vm): loads knat.ko, runs every selftest,
# and after each one scans the kernel log for anything that must never
# happen.  A test passes only if it passed *and* left dmesg clean.  Ends by
# unloading knat and checking that the unload was clean too.
#
#   selftests/run.sh [TEST...]      default: TEST_PROGS from the Makefile;
#                                   a TEST with a '/' is a path to run as is
#                                   (scripts/demo-guest: make check's demo),
#                                   one without may leave out its .sh
#   selftests/run.sh --budget [TEST...]
#                                   (on the host) print the seconds a VM
#                                   needs for them: their limits, summed
#   selftests/run.sh --limit TEST...  (on the host) print their limits
#
# TAP output; inner test output is indented as "# " comments.
#
# Time limits come from ./settings, kselftest's format (KEY=VALUE lines,
# no comments: kselftest's runner evals each line):
#   timeout=SECONDS            every test's limit (kselftest reads this too)
#   timeout_NAME=SECONDS       the limit of NAME.sh, or of the program NAME
#                              ('-' and '.' in NAME as '_': timeout_demo_guest)
# They are for TCG on a busy 2-core machine: about 3x what each took with
# six VMs sharing 2 cores (lb_lifecycle.sh: 238 s; on a quiet machine a
# fifth of that), 600 s for the rest.  KNAT_TIMEOUT_SCALE=N multiplies
# them all.  A test over
# its limit is killed with its whole process group, its namespaces are
# deleted, it fails alone and the run goes on.

set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
ko=${KNAT_KO:-$top/module/knat.ko}

# What a healthy kernel never prints.
BAD_DMESG='BUG:|WARNING:|KASAN|general protection|refcount_t|RCU|lockdep|Oops|leak|still has objects|Call Trace|kernel BUG|UBSAN|double free|use-after-free'

mode=run
case ${1:-} in
--budget | --limit)
	mode=${1#--}
	shift
	;;
esac
if [ $# -gt 0 ]; then
	tests=("$@")
else
	read -r -a tests <<<"$(make -s -C "$here" print-tests)"
fi

# limit NAME: the test's time limit in seconds.
limit() {
	local key=timeout_${1%.sh} k v def=300 t=
	key=${key//[-.]/_}
	while IFS='=' read -r k v; do
		case $k in
		timeout) def=$v ;;
		"$key") t=$v ;;
		esac
	done <"$here/settings"
	echo $((${t:-$def} * ${KNAT_TIMEOUT_SCALE:-1}))
}

if [ "$mode" = limit ]; then
	for t in "${tests[@]}"; do limit "$(basename "$t")"; done
	exit 0
fi
if [ "$mode" = budget ]; then
	# Each test's limit, plus its kill grace and cleanup; loading and
	# unloading knat.
	sum=30
	for t in "${tests[@]}"; do
		sum=$((sum + $(limit "$(basename "$t")") + 15))
	done
	echo "$sum"
	exit 0
fi

n=0 failed=0
echo "TAP version 13"

# result OK|FAIL|SKIP NAME
result() {
	n=$((n + 1))
	case $1 in
	OK) echo "ok $n - selftest: $2" ;;
	SKIP) echo "ok $n - selftest: $2 # SKIP" ;;
	*) echo "not ok $n - selftest: $2"; failed=$((failed + 1)) ;;
	esac
}

# Scan and clear the kernel log; print offending lines.  0 if clean.
dmesg_clean() {
	local log bad
	log=$(dmesg 2>&1)
	dmesg -C
	bad=$(printf '%s\n' "$log" | grep -E "$BAD_DMESG")
	[ -z "$bad" ] && return 0
	echo "# dmesg after $1:"
	printf '%s\n' "$log" | tail -n 60 | sed 's/^/#   /'
	return 1
}

load_knat() {
	local dep
	# insmod does not resolve dependencies: load them by name first.
	for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do
		modprobe "$dep" || return 1
	done
	# KNAT_MODARGS: module parameters, as "fastpath=1" (README).
	# shellcheck disable=SC2086
	insmod "$ko" ${KNAT_MODARGS:-}
}

# KNAT_RUN_NO_MODULE=1: the runner alone, without knat.ko (run_limits.sh
# tests the runner itself with it).
with_module=1
[ -z "${KNAT_RUN_NO_MODULE:-}" ] || with_module=0

dmesg -C
if [ "$with_module" = 1 ]; then
	if load_knat && module_out=$(grep '^knat ' /proc/modules); then
		result OK "load knat.ko (${module_out%% *})"
	else
		result FAIL "load knat.ko"
		exit 1
	fi
	dmesg_clean "load" || result FAIL "kernel log after load"
fi

# Delete every namespace and kill what runs in it: after a test was
# killed, its servers and namespaces are still there (its exit trap did not
# run), and tests run one at a time, so whatever is left is its.
reap_netns() {
	local ns
	for ns in $(ip netns list | awk '{print $1}'); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns"
	done
}

fifo=$(mktemp -u /tmp/knat-run.XXXXXX)
mkfifo "$fifo"
trap 'rm -f "$fifo"' EXIT
for t in "${tests[@]}"; do
	name=$(basename "$t")
	# A test may be named without its .sh (run.sh lb_sched).
	if [[ $t != */* ]] && [ ! -e "$here/$name" ] && [ -e "$here/$name.sh" ]; then
		name=$name.sh
	fi
	prog=$here/$name
	case $t in */*) prog=$t ;; esac
	secs=$(limit "$name")
	start=$(date +%s%3N)
	# timeout(1) runs the test in a process group of its own and signals
	# the whole group.  Output through a fifo, not a pipe, so that a killed
	# test's servers (holding it open) are reaped before we wait for it.
	sed 's/^/# /' <"$fifo" &
	spid=$!
	timeout -k 5 "$secs" "$prog" >"$fifo" 2>&1
	rc=$?
	ms=$(($(date +%s%3N) - start))
	timed_out=0
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		timed_out=1
		reap_netns
	fi
	wait "$spid" 2>/dev/null
	echo "# $name: exit $rc in ${ms} ms (limit ${secs} s)"
	if [ "$timed_out" = 1 ]; then
		result FAIL "$name (timed out after $secs s)"
		dmesg_clean "$name" || :
	elif ! dmesg_clean "$name"; then
		result FAIL "$name (kernel log)"
	elif [ "$rc" -eq 0 ]; then
		result OK "$name"
	elif [ "$rc" -eq 4 ]; then
		result SKIP "$name"
	else
		result FAIL "$name"
	fi
	# A test may unload knat; the next one expects it loaded.
	[ "$with_module" = 0 ] || grep -q '^knat ' /proc/modules || load_knat
done

# Namespaces die asynchronously; let their teardown run before unloading.
for ns in $(ip netns list | awk '{print $1}'); do ip netns del "$ns"; done
if [ "$with_module" = 0 ]; then
	:
elif rmmod knat && ! grep -q '^knat ' /proc/modules && dmesg_clean "rmmod"; then
	result OK "rmmod knat clean"
else
	result FAIL "rmmod knat clean"
fi

echo "1..$n"
echo "# selftests: $((n - failed)) ok, $failed not ok"
[ "$failed" -eq 0 ]

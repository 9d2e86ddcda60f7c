#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test VM (scripts/vm): loads knat.ko, runs every selftest,
# and after each one scans the kernel log for anything that must never
# happen.  A test passes only if it passed *and* left dmesg clean.  Ends by
# unloading knat and checking that the unload was clean too.
#
#   selftests/run.sh [TEST...]      default: TEST_PROGS from the Makefile
#
# TAP output; inner test output is indented as "# " comments.

set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
ko=${KNAT_KO:-$top/module/knat.ko}

# What a healthy kernel never prints.
BAD_DMESG='BUG:|WARNING:|KASAN|general protection|refcount_t|RCU|lockdep|Oops|leak|still has objects|Call Trace|kernel BUG|UBSAN|double free|use-after-free'

if [ $# -gt 0 ]; then
	tests=("$@")
else
	read -r -a tests <<<"$(make -s -C "$here" print-tests)"
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
	insmod "$ko"
}

dmesg -C
if load_knat && module_out=$(grep '^knat ' /proc/modules); then
	result OK "load knat.ko (${module_out%% *})"
else
	result FAIL "load knat.ko"
	exit 1
fi
dmesg_clean "load" || result FAIL "kernel log after load"

for t in "${tests[@]}"; do
	name=$(basename "$t")
	start=$(date +%s%3N)
	"$here/$name" 2>&1 | sed 's/^/# /'
	rc=${PIPESTATUS[0]}
	ms=$(($(date +%s%3N) - start))
	echo "# $name: exit $rc in ${ms} ms"
	if ! dmesg_clean "$name"; then
		result FAIL "$name (kernel log)"
	elif [ "$rc" -eq 0 ]; then
		result OK "$name"
	elif [ "$rc" -eq 4 ]; then
		result SKIP "$name"
	else
		result FAIL "$name"
	fi
	# A test may unload knat; the next one expects it loaded.
	grep -q '^knat ' /proc/modules || load_knat
done

# Namespaces die asynchronously; let their teardown run before unloading.
for ns in $(ip netns list | awk '{print $1}'); do ip netns del "$ns"; done
if rmmod knat && ! grep -q '^knat ' /proc/modules && dmesg_clean "rmmod"; then
	result OK "rmmod knat clean"
else
	result FAIL "rmmod knat clean"
fi

echo "1..$n"
echo "# selftests: $((n - failed)) ok, $failed not ok"
[ "$failed" -eq 0 ]

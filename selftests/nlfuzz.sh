#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Random, truncated, mis-nested and out-of-range generic netlink requests
# to the knat family (selftests/nlfuzz, built on the host by
# `make selftests-prep`), for NLFUZZ_SECONDS (default 20) per phase:
#
#   root     root in a scratch namespace of its own (anything may change)
#   userns   root of a fresh user+net namespace (unshare -Urn), started
#            from namespace cfg
#   nobody   uid 65534, no capabilities, in namespace cfg
#
# cfg holds a forward, an SNAT rule, a service with a backend and a
# non-default config.  Asserts: nlfuzz saw only errno answers, acks and
# well-formed replies, never a hang (it exits 1 otherwise); cfg's
# configuration (forward, snat, service lists, config) is the same after
# the two unprivileged phases; knat still answers; run.sh checks dmesg.
# The seed of each phase is printed: NLFUZZ_SEED=N repeats a run.
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip unshare setpriv

NLFUZZ=$SELFTESTS_DIR/nlfuzz
SECS=${NLFUZZ_SECONDS:-20}
[ -x "$NLFUZZ" ] || skip_all "$NLFUZZ not built (make selftests-prep)"

netns_add cfg scratch || { fail "namespaces"; tap_end; }
ip -n "$(ns cfg)" link add dum0 type dummy
ip -n "$(ns cfg)" addr add 198.51.100.1/24 dev dum0
ip -n "$(ns cfg)" link set dum0 up
expect_ok "cfg configured" sh -c "
	$KNAT -n $(ns cfg) forward add tcp 198.51.100.1:8080 to 10.0.1.2:80 &&
	$KNAT -n $(ns cfg) snat add from 10.0.1.0/24 out dum0 masquerade &&
	$KNAT -n $(ns cfg) service add tcp 192.0.2.10:80 sched maglev &&
	$KNAT -n $(ns cfg) backend add tcp 192.0.2.10:80 10.0.2.11:8080 &&
	$KNAT -n $(ns cfg) config set max-flows 5000"

state() {
	local o
	for o in forward snat service config; do
		"$KNAT" -n "$(ns cfg)" -j "$o" "$([ $o = config ] && echo show || echo list)" || echo "$o failed"
	done
}
before=$(state)

# phase NAME CMD...: run nlfuzz under CMD, print its tally, one TAP line.
phase() {
	local name=$1 out rc
	shift
	out=$("$@" "$NLFUZZ" -s "$SECS" ${NLFUZZ_SEED:+-S $NLFUZZ_SEED} 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed "s/^/# $name: /"
	expect_eq "$name: every request answered in protocol, no hang (exit)" 0 "$rc"
	PHASE_SENT=$(printf '%s\n' "$out" | sed -n 's/^sent=\([0-9]*\).*/\1/p')
	echo "# $name: messages fuzzed: ${PHASE_SENT:-0} in $SECS s"
}

phase root ip netns exec "$(ns scratch)"
expect_ok "knat answers after the root phase" "$KNAT" -n "$(ns scratch)" status

phase userns ip netns exec "$(ns cfg)" unshare -Urn
expect_eq "userns: cfg's configuration unchanged" "$before" "$(state)"

phase nobody ip netns exec "$(ns cfg)" setpriv --reuid=65534 --regid=65534 \
	--clear-groups --inh-caps=-all --bounding-set=-all
expect_eq "nobody: cfg's configuration unchanged" "$before" "$(state)"

expect_ok "scratch namespace deleted after the fuzzing" ip netns del "$(ns scratch)"
tap_end

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# knat.ko loads and unloads 20 times in a row while namespaces come and go
# around it; each namespace sees its own, empty knat.
#
#   [ init ns ]   insmod -> netns add A -> knat status in A -> netns del A
#                 -> rmmod   (x 20)
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip modinfo

load() {
	local dep
	for dep in $(modinfo -F depends "$KNAT_KO" | tr ',' ' '); do
		modprobe "$dep" || return 1
	done
	# shellcheck disable=SC2086
	insmod "$KNAT_KO" ${KNAT_MODARGS:-}
}

module_loaded && rmmod knat
bad=0
for i in $(seq 1 20); do
	load || { fail "insmod #$i"; bad=1; break; }
	netns_add "r$i"
	out=$(knat_in "r$i" -j status) || { fail "status in fresh netns #$i"; bad=1; }
	flows=$(printf '%s' "$out" | json_get 'j["flows"]' 2>/dev/null)
	[ "$flows" = 0 ] || { fail "fresh netns #$i has 0 flows (got '$flows')"; bad=1; }
	ip netns del "$(ns "r$i")"
	rmmod knat || { fail "rmmod #$i"; bad=1; break; }
	module_loaded && { fail "knat still listed after rmmod #$i"; bad=1; break; }
done
[ $bad -eq 0 ] && pass "20 load/unload cycles with namespaces in between"
NAMESPACES=()

# Unload while namespaces that used knat still exist: pernet exit runs
# for every one of them.
load
netns_add a b
knat_in a status >/dev/null
knat_in b status >/dev/null
expect_ok "rmmod with two namespaces alive" rmmod knat
expect_ok "reload after that" load
expect_ok "status in a namespace made before the reload" knat_in a status

tap_end

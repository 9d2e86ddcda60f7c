#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Without CAP_NET_ADMIN knat shows configuration and aggregate counters but
# no flow and changes nothing: every rule list, status and stats answers as
# it does for root; per-flow data (flow list/count, explain, the event
# group: they name connections) and every change are refused cleanly (one
# line, "Operation not permitted", exit 2) and change nothing.
#
#   [ ns "u" ]  setpriv --reuid=65534 --regid=65534 --clear-groups knat ...
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip setpriv

netns_add u

nobody() {
	in_ns u setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$KNAT" "$@"
}

# refused WHAT ARGS...: exit 2 and one clean line.
refused() {
	local what=$1 err rc
	shift
	err=$(nobody "$@" 2>&1 >/dev/null)
	rc=$?
	expect_eq "nobody: $what refused, one line, exit 2" \
		"2 Error: Operation not permitted." "$rc $err"
}

refused "forward add" forward add tcp 192.0.2.1:80 to 10.0.0.2
refused "service add" service add tcp 192.0.2.10:80
refused "config set" config set max-flows 10
refused "stats reset" stats reset
refused "flow flush" flow flush
expect_eq "nothing was added" "0 0 0" \
	"$(knat_in u -j status | json_get '"%d %d %d" % (j["forwards"], j["services"], j["snats"])')"

# Root configures; nobody reads the same thing root reads.
expect_ok "root: forward add" knat_in u forward add tcp 192.0.2.1:80 to 10.0.0.2
expect_ok "root: service add" knat_in u service add tcp 192.0.2.10:80
expect_ok "root: backend add" knat_in u backend add tcp 192.0.2.10:80 10.0.0.3:8080
for cmd in "status" "-j config show" "forward list" "-s service list" \
	"snat list" "-j stats"; do
	# shellcheck disable=SC2086
	expect_eq "nobody: knat $cmd = root's" "$(knat_in u $cmd 2>&1)" \
		"$(nobody $cmd 2>&1)"
done
# Per-flow data: there is one flow (a local datagram the forward takes to
# 10.0.0.2 through a dummy device); root sees it, nobody may not.
in_ns u ip link set lo up
in_ns u ip link add d0 type dummy
in_ns u ip link set d0 up
in_ns u ip addr add 10.0.0.1/24 dev d0
in_ns u ip route add 192.0.2.0/24 dev d0
expect_ok "root: forward add udp" knat_in u forward add udp 192.0.2.1:53 to 10.0.0.2
in_ns u "${PYTHON[@]}" "$SELFTESTS_DIR/rawpkt.py" 'udp_send("192.0.2.1", 53, 4000)'
expect_eq "root: flow count" 1 "$(knat_in u flow count 2>&1)"
refused "flow list" flow list
refused "flow count" flow count
refused "explain" explain udp 192.0.2.7:4000 192.0.2.10:80
# Bounded: were the group open, monitor would wait for events forever.
err=$(in_ns u timeout 5 setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all "$KNAT" monitor 2>&1 >/dev/null)
expect_eq "nobody: monitor refused, one line, exit 2" \
	"2 Error: cannot listen to knat events: Operation not permitted." \
	"$? $err"

refused "backend del" backend del tcp 192.0.2.10:80 10.0.0.3:8080
expect_eq "the backend is still there" 1 \
	"$(knat_in u -j service list | json_get 'len(j[0]["backends"])')"

tap_end

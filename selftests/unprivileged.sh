#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Without CAP_NET_ADMIN knat reads but changes nothing: every list, status
# and stats answers as it does for root; every change is refused cleanly
# (one line, "Operation not permitted", exit 2) and leaves nothing behind.
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
	"snat list" "flow list" "-j stats"; do
	# shellcheck disable=SC2086
	expect_eq "nobody: knat $cmd = root's" "$(knat_in u $cmd 2>&1)" \
		"$(nobody $cmd 2>&1)"
done
refused "backend del" backend del tcp 192.0.2.10:80 10.0.0.3:8080
expect_eq "the backend is still there" 1 \
	"$(knat_in u -j service list | json_get 'len(j[0]["backends"])')"

tap_end

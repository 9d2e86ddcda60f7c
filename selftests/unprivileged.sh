#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Without CAP_NET_ADMIN knat refuses cleanly: one line, "Operation not
# permitted", exit 2, and the kernel stays quiet.
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

err=$(nobody status 2>&1 >/dev/null)
rc=$?
expect_eq "unprivileged status exits 2" 2 "$rc"
expect_eq "unprivileged status: one clean line" \
	"Error: Operation not permitted." "$err"

# The refusal left the namespace usable for root.
expect_ok "root still gets status" knat_in u status

tap_end

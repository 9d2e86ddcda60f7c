#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The passive health check against clients that lie: a backend is taken
# down only by failed handshakes that say something about it, from more
# than one client address (check-clients, default 2).
#  - SYNs with TTL 1 never reach a backend: no flow, no failure.
#  - one client's repeated unanswered SYNs (bad checksums, SYN|FIN are
#    dropped at parse by then) cannot take a backend down however many;
#  - two clients failing within the window still do.
# b1 drops every SYN (nft), so each handshake to it fails by timeout: the
# same SYN again after check-timeout.  SYNs are hand-made (rawpkt.py), a
# set of ports at once, resent once past check-timeout (2 s).
#
#  c1 198.51.100.2 --+                              +-- b1 10.0.2.11
#                    +-- br0 198.51.100.1 [ r ] br1 10.0.2.1
#  c2 198.51.100.3 --+   VIP 203.0.113.10
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 nft

lb_topology noserve || { fail "topology"; tap_end; }
VIP=203.0.113.10
RAWPKT="$SELFTESTS_DIR/rawpkt.py"

# syns NS SRC TTL PORT...: a SYN from SRC:PORT to VIP:80 for each port,
# all resent 2.3 s later (check-timeout 2): one failed handshake each
# when they reach the backend.
syns() {
	local n=$1 src=$2 ttl=$3 ports
	shift 3
	ports=$(echo "$@" | tr ' ' ',')
	in_ns "$n" "${PYTHON[@]}" "$RAWPKT" "
ps = [ip('$src', '$VIP', 6, tcp('$src', '$VIP', p, 80, flags='S', seq=7 * p),
	 ttl=$ttl) for p in ($ports,)]
for x in ps: send(x)
time.sleep(2.3)
for x in ps: send(x)
"
}

# state: "FAILED IGNORED DOWN HEALTH", the counters check-failed,
# check-ignored, check-down and b1's health, with one Python.
state() {
	local st sl
	st=$(knat_in r -j stats)
	sl=$(knat_in r -j service list)
	"${PYTHON[@]}" -c '
import json, sys
c = json.loads(sys.argv[1])["counters"]
b = json.loads(sys.argv[2])[0]["backends"][0]
print(c["check_failed"], c["check_ignored"], c["check_down"], b["health"])
' "$st" "$sl"
}

expect_ok "service: check-fails 3 check-timeout 2 (check-clients: default)" \
	knat_in r service add tcp $VIP:80 sched rr check-fails 3 check-timeout 2 \
	check-holddown 60
expect_ok "backend b1" knat_in r backend add tcp $VIP:80 10.0.2.11:8080
in_ns b1 nft add table inet t
in_ns b1 nft add chain inet t in '{ type filter hook input priority 0; }'
in_ns b1 nft add rule inet t in tcp dport 8080 drop

# 1. TTL 1, from both clients: they end at r, nothing reaches b1.
read -r f0 i0 d0 h <<<"$(state)"
expect_eq "b1 starts ok" ok "$h"
syns c1 198.51.100.2 1 2001 2002 2003 &
syns c2 198.51.100.3 1 2101 2102 2103
wait
expect_eq "TTL-1 SYNs made no flow" 0 "$(knat_in r flow count proto tcp)"
expect_eq "TTL-1 SYNs from two clients: no failure, b1 ok (failed ignored down health)" \
	"$f0 $i0 $d0 ok" "$(state)"

# 2. One client, six handshakes unanswered: counted, never enough;
#    failures 3..6 are ignored (too few clients).
syns c1 198.51.100.2 64 3001 3002 3003 3004 3005 3006
expect_eq "one client: 6 failed, 4 ignored, none down, b1 ok (failed ignored down health)" \
	"$((f0 + 6)) $((i0 + 4)) $d0 ok" "$(state)"

# 3. A second client fails too, within the window (10 x check-timeout):
#    two clients, seven failures: b1 goes down.
syns c2 198.51.100.3 64 4001
expect_eq "second client: b1 taken down (failed ignored down health)" \
	"$((f0 + 7)) $((i0 + 4)) $((d0 + 1)) failed" "$(state)"

# 4. check-clients 1 restores the old rule: one client is enough.
knat_in r backend set tcp $VIP:80 10.0.2.11:8080 up
expect_ok "service set check-clients 1" \
	knat_in r service set tcp $VIP:80 check-clients 1
expect_match "service list shows check-clients 1" 'check-clients 1' \
	"$(knat_in r service list | head -n 1)"
syns c1 198.51.100.2 64 5001 5002 5003
expect_eq "check-clients 1: one client takes b1 down (failed ignored down health)" \
	"$((f0 + 10)) $((i0 + 4)) $((d0 + 2)) failed" "$(state)"
expect_fail "check-clients 9 refused" \
	knat_in r service set tcp $VIP:80 check-clients 9

tap_end

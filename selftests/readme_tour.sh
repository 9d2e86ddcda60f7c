#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# README's CLI tour, run as written: every "$ knat ..." line of README.md
# (in order, "\" continuations joined, "| ..." and "# ..." tails dropped,
# shell expansion as a shell would do it) runs in r, and must succeed; a
# line the README follows with "Error: ..." must fail with that message.
# Each code block of the tour is a scenario of its own: the services of
# the block before are deleted first (forwards, SNAT rules and settings
# stay, as a reader's would).  `knat monitor` runs for 2 s.
# KNAT_TOUR_SHOW=1 prints what each command printed.
#
#   c1, c2 --- br0 198.51.100.1 [ r ] br1 10.0.2.1 --- b1..b4 10.0.2.11-14
#              br0 fd00:1::1        r-wan 192.0.2.1 --- wan 192.0.2.2
#                                   r-wan 2001:db8:1::1     2001:db8:1::2
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 timeout
readme=$TOP_DIR/README.md
[ -r "$readme" ] || skip_all "no $readme"

lb_topology noserve || exit 1
netns_add wan
link_add r r-wan 192.0.2.1/24 wan wan-r 192.0.2.2/24 || exit 1
# The IPv6 block's addresses: inside fd00:1::/64 on br0, outside r-wan.
ip -n "$(ns r)" addr add fd00:1::1/64 dev br0 nodad
ip -n "$(ns r)" addr add 2001:db8:1::1/64 dev r-wan nodad
ip -n "$(ns wan)" addr add 2001:db8:1::2/64 dev wan-r nodad
in_ns r sysctl -qw net.ipv6.conf.all.forwarding=1

# One line per command: BLOCK, EXPECTED-ERROR and COMMAND, separated by
# \x1f (a tab is IFS white space: an empty field would vanish).
tour=$(python3 - "$readme" <<'PY'
import re, sys
block, in_code, pending = 0, False, None
lines = open(sys.argv[1]).read().splitlines()
i = 0
out = []
while i < len(lines):
    s = lines[i].strip()
    i += 1
    if s.startswith("```"):
        in_code = not in_code
        block += in_code
        continue
    if not in_code or not s.startswith("$ knat "):
        continue
    cmd = s[2:]
    while cmd.endswith("\\") and i < len(lines):
        cmd = cmd[:-1].rstrip() + " " + lines[i].strip()
        i += 1
    cmd = re.sub(r"\s+#.*$", "", cmd)
    cmd = cmd.split(" | ")[0].strip()
    nxt = lines[i].strip() if i < len(lines) else ""
    err = nxt if nxt.startswith("Error:") else ""
    out.append(f"{block}\x1f{err}\x1f{cmd}")
print("\n".join(out))
PY
)
count=$(grep -c . <<<"$tour")
if [ "$count" -ge 30 ]; then
	pass "README.md has $count \"\$ knat\" lines (at least 30)"
else
	fail "README.md has $count \"\$ knat\" lines (at least 30)"
fi

# new_scenario: delete the services the previous block made.
new_scenario() {
	local p a
	knat_in r service list | awk '/^[a-z]/ { print $1, $2 }' |
		while read -r p a; do
			knat_in r service del "$p" "$a" || echo "# cannot delete $p $a"
		done
}

prev=
while IFS=$'\x1f' read -r -u 3 block want cmd; do
	[ "$block" = "$prev" ] || new_scenario
	prev=$block
	args=${cmd#knat }
	# eval: the README's words as a shell reads them (10.0.2.1{1,2,3}:8080).
	case $args in
	monitor*) out=$(eval "in_ns r timeout 2 \"\$KNAT\" $args" 2>&1 </dev/null) ;;
	*) out=$(eval "knat_in r $args" 2>&1 </dev/null) ;;
	esac
	rc=$?
	[ "$rc" = 124 ] && [[ $args == monitor* ]] && rc=0
	# KNAT_TOUR_SHOW=1: each command's output, to paste into README.
	[ -z "${KNAT_TOUR_SHOW:-}" ] || printf '%s\n' "$cmd" "$out" | sed 's/^/#   | /'
	if [ -n "$want" ]; then
		if [ "$rc" != 0 ] && [ "$out" = "$want" ]; then
			pass "$cmd: fails as README shows"
		else
			fail "$cmd: fails as README shows"
			echo "#   expected: $want (non-zero exit)"
			echo "#   actual:   $out (exit $rc)"
		fi
	elif [ "$rc" = 0 ]; then
		pass "$cmd"
	else
		fail "$cmd"
		echo "#   expected: exit 0"
		echo "#   actual:   exit $rc: $(head -n 3 <<<"$out")"
	fi
done 3<<<"$tour"
tap_end

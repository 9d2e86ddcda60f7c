#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the built knat binary: usage errors (exit 1, one exact line on stderr,
# nothing on stdout), help and version (exit 0), and, when the knat module is
# not loaded here, the "not loaded" path (exit 2) of every command that gets
# past argument parsing.  Prints TAP.
#   KNAT=path/to/knat tests/cli.sh
knat=${KNAT:-./knat}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); fail=$((fail + 1))
	echo "not ok $n - $1"
	echo "  ---"
	shift
	for line in "$@"; do echo "  $line"; done
	echo "  ..."
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

run() { "$knat" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }

# expect RC STDERR-LINE ARGS...: exit code, the whole of stderr, empty stdout
expect() {
	want_rc=$1 want_err=$2
	shift 2
	run "$@"
	err=$(cat "$tmp/err") out=$(cat "$tmp/out")
	if [ "$rc" = "$want_rc" ] && [ "$err" = "$want_err" ] && [ -z "$out" ]; then
		ok "knat $* -> $want_rc"
	else
		not_ok "knat $* -> $want_rc" \
			"expected: rc=$want_rc stderr=\"$want_err\" stdout=\"\"" \
			"actual:   rc=$rc stderr=\"$err\" stdout=\"$out\""
	fi
}

# expect_help ARGS...: exit 0, usage on stdout, nothing on stderr
expect_help() {
	run "$@"
	if [ "$rc" = 0 ] && [ ! -s "$tmp/err" ] && head -n1 "$tmp/out" | grep -q '^Usage: knat'; then
		ok "knat $* prints usage, exit 0"
	else
		not_ok "knat $* prints usage, exit 0" "actual: rc=$rc" \
			"stdout: \"$(head -n1 "$tmp/out")\"" "stderr: \"$(cat "$tmp/err")\""
	fi
}

echo "TAP version 13"
if [ ! -x "$knat" ]; then
	echo "1..0 # SKIP $knat not built"
	exit 0
fi

# ---- version and help ----
version=$(sed -n 's/^#define KNAT_VERSION "\(.*\)"/\1/p' "$here/../version.h")
for opt in -V --version; do
	run $opt
	if [ "$rc" = 0 ] && [ "$(cat "$tmp/out")" = "knat utility, $version" ]; then
		ok "knat $opt prints \"knat utility, $version\""
	else
		not_ok "knat $opt" "actual: rc=$rc stdout=\"$(cat "$tmp/out")\""
	fi
done
expect_help help
expect_help -h
expect_help --help
expect_help -j help
for obj in status config forward snat service backend flow stats monitor explain restore; do
	expect_help $obj help
done
run help
if grep -q 'knat forward add' "$tmp/out" && grep -q 'knat flow count' "$tmp/out" &&
   grep -q 'knat service add' "$tmp/out" && grep -q 'knat backend add' "$tmp/out"; then
	ok "knat help covers every object"
else
	not_ok "knat help covers every object"
fi
run
if [ "$rc" = 1 ] && [ ! -s "$tmp/out" ] && head -n1 "$tmp/err" | grep -q '^Usage: knat'; then
	ok "knat without arguments: usage on stderr, exit 1"
else
	not_ok "knat without arguments: usage on stderr, exit 1" "actual: rc=$rc"
fi

# ---- usage errors: exit 1 ----
expect 1 'Error: unknown object "foo", try "knat help".' foo
expect 1 'Error: unknown object "forw", try "knat help".' forw list
expect 1 'Error: unknown object "foo", try "knat help".' -j foo
expect 1 'Error: unknown command "bogus", try "knat forward help".' forward bogus
expect 1 'Error: unknown command "li", try "knat forward help".' forward li
expect 1 'Error: unknown command "add", try "knat flow help".' flow add
expect 1 'Error: unknown option "-x", try "knat help".' -x status
expect 1 'Error: unknown option "--bogus", try "knat help".' --bogus status
expect 1 'Error: "-n" requires an argument.' -n
expect 1 'Error: "--netns" requires an argument.' --netns
expect 1 "Error: cannot open network namespace \"knat-none-$$\": No such file or directory." \
	-n "knat-none-$$" status
expect 1 'Error: argument "a/b" is wrong: invalid network namespace name' -n a/b status
expect 1 'Error: unexpected argument "xyz".' status xyz
expect 1 'Error: unexpected argument "xyz".' forward list xyz
expect 1 'Error: unexpected argument "now".' stats reset now
expect 1 'Error: unexpected argument "now".' stats --prometheus now
expect 1 'Error: unexpected argument "--prometheus".' stats reset --prometheus
expect 1 'Error: --prometheus prints text: it does not go with -j.' -j stats --prometheus
expect 1 'Error: unexpected argument "now".' flow flush now
expect 1 'Error: argument "1.2.3.4:99999" is wrong: port out of range' \
	forward add tcp 1.2.3.4:99999 to 10.0.2.2
expect 1 'Error: "to" is required.' forward add tcp :8080
expect 1 'Error: "to" requires an argument.' forward add tcp :8080 to
expect 1 'Error: "tcp|udp" is required.' forward add
expect 1 'Error: argument "icmp" is wrong: protocol must be tcp or udp' forward add icmp :1 to 1.1.1.1
expect 1 'Error: argument "10.0.2.2:6000-6005" is wrong: port range size differs from the match range (6 vs 11 ports)' \
	forward add udp :5000-5010 to 10.0.2.2:6000-6005
expect 1 'Error: argument ":8090-8080" is wrong: port range is reversed' forward add tcp :8090-8080 to 1.1.1.1
expect 1 'Error: unexpected argument "to".' forward del tcp :8080 to 10.0.2.2
expect 1 'Error: argument "10.0.1.0/33" is wrong: prefix length out of range' \
	snat add from 10.0.1.0/33 to 198.51.100.1
expect 1 'Error: "masquerade" requires "out".' snat add from 10.0.1.0/24 masquerade
expect 1 'Error: "to" or "masquerade" is required.' snat add from 10.0.1.0/24 out eth1
expect 1 'Error: "from" is required.' snat del out eth1
expect 1 'Error: argument "198.51.100.2-198.51.100.1" is wrong: address range is reversed' \
	snat add from 10.0.1.0/24 to 198.51.100.2-198.51.100.1
expect 1 'Error: argument "bogus" is wrong: unknown TCP state' flow list state bogus
expect 1 'Error: "state" applies only to tcp flows.' flow count proto udp state established
expect 1 'Error: argument "0" is wrong: max-flows must be 1..16777216' config set max-flows 0
expect 1 'Error: argument "nope" is wrong: unknown timeout name' config set timeout nope 5
expect 1 'Error: "max-flows", "timeout", "rate-interval", "rate-window", "limit" or "fastpath" is required.' config set
expect 1 'Error: argument "maybe" is wrong: fastpath must be on or off' config set fastpath maybe
expect 1 'Error: "fastpath" requires an argument.' config set max-flows 1000 fastpath
expect 1 'Error: argument "0" is wrong: rate-interval must be 1..60' config set rate-interval 0
expect 1 'Error: argument "nat" is wrong: kind must be forward, snat, hairpin, service or service-hairpin' \
	flow list kind nat

# IPv6: brackets before a port, one family per rule
expect 1 'Error: argument "10.0.2.2:80" is wrong: IPv4, but "[2001:db8:1::1]:8080" is IPv6' \
	forward add tcp '[2001:db8:1::1]:8080' to 10.0.2.2:80
expect 1 'Error: argument "[fd00:1::4]:80" is wrong: IPv6, but "198.51.100.1:8080" is IPv4' \
	forward add tcp 198.51.100.1:8080 to '[fd00:1::4]:80'
expect 1 'Error: argument "2001:db8::1:8080" is wrong: missing port (an IPv6 address with a port is written [ADDR]:PORT)' \
	forward add tcp 2001:db8::1:8080 to fd00:1::4
expect 1 'Error: argument "[::1]8080" is wrong: expected ":PORT" after "]"' forward add tcp '[::1]8080' to fd00::4
expect 1 'Error: argument "[10.0.0.1]:80" is wrong: an IPv4 address takes no brackets' \
	forward del tcp '[10.0.0.1]:80'
expect 1 'Error: argument "198.51.100.1" is wrong: IPv4, but "fd00:2::/64" is IPv6' \
	snat add from fd00:2::/64 to 198.51.100.1
expect 1 'Error: argument "fd00:1::1/64" is wrong: host bits set beyond the prefix length' \
	snat add from fd00:1::1/64 out eth1 masquerade
expect 1 'Error: argument "fd00::/129" is wrong: prefix length out of range' snat del from fd00::/129
expect 1 'Error: argument "[2001:db8::9]-[2001:db8::5]" is wrong: address range is reversed' \
	snat add from fd00::/64 to '[2001:db8::9]-[2001:db8::5]'
expect 1 'Error: argument "10.0.0.1" is wrong: IPv4, but "fd00:1::2" is IPv6' flow list src fd00:1::2 dst 10.0.0.1
expect 1 'Error: argument "fd00::1" is wrong: IPv6, but "icmp" is IPv4' flow count proto icmp dst fd00::1
expect 1 'Error: argument "inet" is wrong: IPv4, but "icmp6" is IPv6' flow del proto icmp6 family inet
expect 1 'Error: argument "ipv6" is wrong: family must be inet or inet6' flow list family ipv6
expect 1 'Error: argument "sctp" is wrong: protocol must be tcp, udp, icmp or icmpv6' flow list proto sctp
# IPv6 services: a service and its backends are of one family
expect 1 'Error: argument "10.0.2.11" is wrong: IPv4, but "[2001:db8::10]:80" is IPv6' \
	backend add tcp '[2001:db8::10]:80' 10.0.2.11
expect 1 'Error: argument "fd00::11" is wrong: IPv6, but "198.51.100.10:80" is IPv4' \
	backend add tcp 198.51.100.10:80 fd00::11
expect 1 'Error: argument "10.0.2.12:8080" is wrong: IPv4, but "[2001:db8::10]:80" is IPv6' \
	backend add tcp '[2001:db8::10]:80' '[fd00:2::11]:8080' 10.0.2.12:8080
expect 1 'Error: argument "2001:db8::10:80" is wrong: missing port (an IPv6 address with a port is written [ADDR]:PORT)' \
	service add tcp 2001:db8::10:80
expect 1 'Error: argument "[fd00:2::11]:8080" is wrong: the same backend twice' \
	backend add tcp '[2001:db8::10]:80' '[fd00:2::11]:8080' '[fd00:2::11]:8080'
expect 1 'Error: argument "10.0.2.11" is wrong: IPv4, but "[2001:db8::10]:80" is IPv6' \
	flow list service '[2001:db8::10]:80' backend 10.0.2.11
expect 1 'Error: argument "[2001:db8::10]:80" is wrong: IPv6, but "inet" is IPv4' \
	flow count family inet service '[2001:db8::10]:80'
expect 1 'Error: argument "203.0.113.10:80" is wrong: IPv4, but "[fd00::2]:4000" is IPv6' \
	explain tcp '[fd00::2]:4000' 203.0.113.10:80
expect 1 'Error: argument "fd00::2" is wrong: IPv6, but "icmp" is IPv4' \
	explain icmp fd00::2 2001:db8::1
expect 1 'Error: argument "198.51.100.2" is wrong: IPv4, but "icmpv6" is IPv6' \
	explain icmpv6 198.51.100.2 192.0.2.2

# service
expect 1 'Error: unknown command "bogus", try "knat service help".' service bogus
expect 1 'Error: unexpected argument "xyz".' service list xyz
expect 1 'Error: "tcp|udp" is required.' service add
expect 1 'Error: argument "icmp" is wrong: protocol must be tcp or udp' service add icmp 198.51.100.10:80
expect 1 'Error: "VIP:PORT" is required.' service add tcp
expect 1 'Error: argument ":80" is wrong: missing address' service add tcp :80
expect 1 'Error: argument "198.51.100.10" is wrong: missing port' service add tcp 198.51.100.10
expect 1 'Error: argument "198.51.100.10:0" is wrong: port out of range' service add tcp 198.51.100.10:0
expect 1 'Error: argument "fifo" is wrong: sched must be rr, wrr, lc, wlc, sh or maglev' \
	service add tcp 198.51.100.10:80 sched fifo
expect 1 'Error: argument "86401" is wrong: persist must be 0..86400' \
	service add tcp 198.51.100.10:80 persist 86401
expect 1 'Error: argument "65536" is wrong: maglev-size must be a prime number' \
	service add udp 198.51.100.10:53 sched maglev maglev-size 65536
expect 1 'Error: argument "250" is wrong: maglev-size must be 251..1000003' \
	service add udp 198.51.100.10:53 maglev-size 250
expect 1 'Error: "maglev-size" requires an argument.' service add udp 198.51.100.10:53 maglev-size
expect 1 'Error: duplicate "sched": "rr" is the second value.' \
	service add tcp 198.51.100.10:80 sched wrr sched rr
expect 1 'Error: nothing to set.' service set tcp 198.51.100.10:80
expect 1 'Error: unexpected argument "weight".' service set tcp 198.51.100.10:80 weight 2
expect 1 'Error: unexpected argument "sched".' service del tcp 198.51.100.10:80 sched rr
expect 1 'Error: argument "101" is wrong: check-fails must be 0..100' \
	service add tcp 198.51.100.10:80 check-fails 101
expect 1 'Error: argument "0" is wrong: check-timeout must be 1..3600' \
	service set tcp 198.51.100.10:80 check-timeout 0
expect 1 'Error: argument "1d" is wrong: check-holddown is not a number' \
	service set tcp 198.51.100.10:80 check-holddown 1d
expect 1 'Error: "check-holddown" requires an argument.' service set tcp 198.51.100.10:80 check-holddown
expect 1 'Error: unexpected argument "check-fails".' service del tcp 198.51.100.10:80 check-fails 3

# explain
expect 1 'Error: "tcp|udp|icmp|icmpv6" is required.' explain
expect 1 'Error: argument "sctp" is wrong: protocol must be tcp, udp, icmp or icmpv6' explain sctp 1.2.3.4:5 6.7.8.9:10
expect 1 'Error: argument "fd00::2" is wrong: missing port (an IPv6 address with a port is written [ADDR]:PORT)' \
	explain tcp fd00::2 '[2001:db8::1]:80'
expect 1 'Error: argument "[2001:db8::1]:7" is wrong: ICMP echo has no destination port' \
	explain icmpv6 fd00::2 '[2001:db8::1]:7'
expect 1 'Error: argument "1.2.3.4" is wrong: missing port' explain tcp 1.2.3.4 6.7.8.9:10
expect 1 'Error: "DST" is required.' explain udp 1.2.3.4:5
expect 1 'Error: argument "6.7.8.9:1" is wrong: ICMP echo has no destination port' explain icmp 1.2.3.4 6.7.8.9:1
expect 1 'Error: argument "local" is wrong: a local packet has no input device' explain tcp 1.2.3.4:5 6.7.8.9:10 iif eth0 local
expect 1 'Error: "iif" requires an argument.' explain tcp 1.2.3.4:5 6.7.8.9:10 iif
expect 1 'Error: unexpected argument "via".' explain tcp 1.2.3.4:5 6.7.8.9:10 via 1.1.1.1

# monitor
expect 1 'Error: unexpected argument "xyz".' monitor xyz
expect 1 'Error: unexpected argument "-s".' monitor -s

# backend
expect 1 'Error: unknown command "xyz", try "knat backend help".' backend xyz
expect 1 'Error: argument "sctp" is wrong: protocol must be tcp or udp' backend list sctp 198.51.100.10:80
expect 1 'Error: "VIP:PORT" is required.' backend list tcp
expect 1 'Error: unexpected argument "x".' backend list tcp 198.51.100.10:80 x
# batch
expect 1 'Error: -batch takes no command line command: "status".' -batch /dev/null status
expect 1 'Error: cannot open "/nonexistent": No such file or directory.' -b /nonexistent
expect 1 'Error: -force goes with -batch only.' -force status
expect 1 'Error: -force goes with -batch only.' -n nonexistent -force status
expect 1 'Error: -batch takes no command line command: "status".' -n nonexistent -batch /dev/null status
expect 1 'Error: -batch takes no command line command: "status".' -force -batch /dev/null status
# save
expect 1 'Error: unexpected argument "x".' save x
expect 1 'Error: save prints knat commands, not JSON: drop -j.' -j save
expect 1 'Error: unexpected argument "all".' flush all
expect 1 'Error: flush prints nothing to put in JSON: drop -j.' -j flush

# restore: the arguments
expect 1 'Error: "FILE" is required.' restore
expect 1 'Error: "FILE" is required.' restore --flush
expect 1 'Error: unexpected argument "b".' restore a b
expect 1 'Error: unexpected argument "-x".' restore -x a
expect 1 'Error: unexpected argument "a".' restore flush a
expect 1 'Error: duplicate "-flush".' restore --flush -flush a
expect 1 'Error: restore prints nothing to put in JSON: drop -j.' -j restore /dev/null
expect 1 'Error: cannot open "/nonexistent": No such file or directory.' restore /nonexistent
expect 1 'Error: cannot open "-x": No such file or directory.' restore --flush -- -x
expect 1 'Error: -force goes with -batch only.' -force restore /dev/null
# Without --flush an empty file asks nothing of the module (loaded or not).
expect 0 '' restore /dev/null
printf '# nothing\n\n   \t\n' >"$tmp/empty.conf"
expect 0 '' restore "$tmp/empty.conf"

# restore: every line is checked before anything is sent, so these are
# the same with or without the module: exit 1, the line named.
conf=$tmp/r.conf
printf '%s\n' '# a saved configuration' '' \
	'forward add tcp :8080 to 10.0.2.2:80   # web' \
	'service add tcp 198.51.100.10:80 sched rr' \
	'backend add tcp 198.51.100.10:80 10.0.2.2:8080 10.0.2.3:8080 weight 2' \
	'forward add tcp 1.2.3.4:99999 to 10.0.2.2' \
	'snat add from 10.0.1.0/24 out eth1 masquerade' >"$conf"
expect 1 "Error: argument \"1.2.3.4:99999\" is wrong: port out of range
Error: command failed $conf:6." restore "$conf"
expect 1 "Error: argument \"1.2.3.4:99999\" is wrong: port out of range
Error: command failed $conf:6." restore --flush "$conf"
refusal='restore takes the lines knat save prints (config set, forward add, snat add, service add, backend add, backend set).'
for line in 'forward del tcp :8080' 'snat del from 10.0.1.0/24' \
	'service set tcp 198.51.100.10:80 sched wlc' 'service del tcp 198.51.100.10:80' \
	'backend del tcp 198.51.100.10:80 10.0.2.2:8080' 'flow flush' 'flow del kind snat' \
	'stats reset' 'forward list' 'snat' 'config show' 'status' 'service list' \
	'backend list' 'flow count' 'stats --prometheus' 'explain tcp 1.2.3.4:1 5.6.7.8:9' \
	'monitor' 'save' 'flush' 'restore /dev/null' 'help' 'forward help'; do
	printf '%s\n' 'config set max-flows 1000' "  $line  # line 2" \
		'forward add tcp :8080 to 10.0.2.2:80' >"$conf"
	expect 1 "Error: $conf:2: $refusal" restore "$conf"
done
printf '%s\n' 'forward add tcp [2001:db8::1]:8080 to [fd00::4]:80' \
	'snat add from fd00:2::/64 to [2001:db8::5]-[2001:db8::9]:20000-20099' \
	'forward add tcp [2001:db8::1]:8081 to 10.0.2.2' >"$conf"
expect 1 "Error: argument \"10.0.2.2\" is wrong: IPv4, but \"[2001:db8::1]:8081\" is IPv6
Error: command failed $conf:3." restore "$conf"
# A saved IPv6 service with a backend of the other family: named by line.
printf '%s\n' 'service add tcp [2001:db8::10]:80 sched rr' \
	'backend add tcp [2001:db8::10]:80 [fd00:2::11]:8080 weight 2' \
	'backend add tcp [2001:db8::10]:80 10.0.2.11:8080' >"$conf"
expect 1 "Error: argument \"10.0.2.11:8080\" is wrong: IPv4, but \"[2001:db8::10]:80\" is IPv6
Error: command failed $conf:3." restore "$conf"
printf '%s\n' 'forward add tcp :8080 to 10.0.2.2:80' 'bogus add x' >"$conf"
expect 1 "Error: unknown object \"bogus\", try \"knat help\".
Error: command failed $conf:2." restore "$conf"
# Standard input: "-".
run restore - <"$conf"
if [ "$rc" = 1 ] && [ "$(cat "$tmp/err")" = "Error: unknown object \"bogus\", try \"knat help\".
Error: command failed -:2." ] && [ ! -s "$tmp/out" ]; then
	ok "knat restore - reads standard input, names -:2"
else
	not_ok "knat restore - reads standard input, names -:2" "actual: rc=$rc stderr=\"$(cat "$tmp/err")\""
fi
awk 'BEGIN { printf "forward add"; for (i = 0; i < 260; i++) printf " x"; print "" }' >"$conf"
expect 1 "Error: $conf:1: more than 256 words." restore "$conf"
# More than one attribute's 64 KiB of ops: collected whole, then sent
# (and here, without the module, refused as "not loaded").
awk 'BEGIN { for (i = 0; i < 1000; i++) printf "forward add tcp :%d to 10.0.2.2:80\n", 10000 + i }' >"$conf"
expect 2 'Error: knat is not loaded (no generic netlink family "knat").' \
	restore --flush "$conf"
# config set as restore reads it: the same parser, fastpath included.
printf '%s\n' 'config set fastpath on' 'config set max-flows 1000 fastpath maybe' >"$conf"
expect 1 "Error: argument \"maybe\" is wrong: fastpath must be on or off
Error: command failed $conf:2." restore "$conf"
printf '%s\n' '# knat save' 'config set fastpath on max-flows 50000 timeout udp-replied 77' \
	'forward add tcp 198.51.100.1:8080 to 10.0.2.11:8080' \
	'forward add tcp [2001:db8:1::1]:8080 to [fd00:1::4]:80' 'forward add udp [::]:5353 to fd00:1::4' \
	'snat add from 10.0.1.0/24 to 198.51.100.11' 'snat add from 10.0.0.0/16 to 198.51.100.12' \
	'snat add from fd00:1::/64 out eth1 masquerade ports 1024-65535 mapping endpoint-independent' \
	'snat add from fd00:2::/64 to 2001:db8:1::5-2001:db8:1::9 ports 20000-20099 mapping address-port-dependent' \
	'service add tcp 203.0.113.10:80 sched maglev maglev-size 251 persist 30' \
	'backend add tcp 203.0.113.10:80 10.0.2.11:8080 weight 1' \
	'backend add tcp 203.0.113.10:80 10.0.2.13:80 weight 0' \
	'backend set tcp 203.0.113.10:80 10.0.2.13:80 down' \
	'service add tcp [2001:db8::10]:80 sched maglev check-fails 3' \
	'backend add tcp [2001:db8::10]:80 [fd00:2::11]:8080 weight 2' \
	'backend add tcp [2001:db8::10]:80 fd00:2::12 weight 1' \
	'backend set tcp [2001:db8::10]:80 fd00:2::12 down' >"$tmp/saved.conf"
expect 1 'Error: "tcp|udp" is required.' backend add
expect 1 'Error: "ADDR[:PORT]" is required.' backend add tcp 198.51.100.10:80
expect 1 'Error: argument ":8080" is wrong: missing address' backend add tcp 198.51.100.10:80 :8080
expect 1 'Error: argument "65536" is wrong: weight must be 0..65535' \
	backend add tcp 198.51.100.10:80 10.0.2.2:8080 weight 65536
expect 1 'Error: unexpected argument "down".' backend add tcp 198.51.100.10:80 10.0.2.2 down
# Several backends: all checked before the first is sent (1, not 2 "not loaded").
expect 1 'Error: argument "10.0.2.300:8080" is wrong: invalid IPv4 address' \
	backend add tcp 198.51.100.10:80 10.0.2.11:8080 10.0.2.300:8080
expect 1 'Error: argument "10.0.2.11:8080" is wrong: the same backend twice' \
	backend add tcp 198.51.100.10:80 10.0.2.11:8080 10.0.2.11:8080
expect 1 'Error: unexpected argument "10.0.2.3".' backend del tcp 198.51.100.10:80 10.0.2.2 10.0.2.3
expect 1 'Error: nothing to set.' backend set tcp 198.51.100.10:80 10.0.2.2:8080
expect 1 'Error: "down" and "up" cannot be used together.' \
	backend set tcp 198.51.100.10:80 10.0.2.2:8080 down up
expect 1 'Error: duplicate "up".' backend set tcp 198.51.100.10:80 10.0.2.2:8080 up up
expect 1 'Error: argument "soon" is wrong: drain is not a number' \
	backend del tcp 198.51.100.10:80 10.0.2.2:8080 drain soon
expect 1 'Error: argument "86401" is wrong: drain must be 0..86400' \
	backend del tcp 198.51.100.10:80 10.0.2.2:8080 drain 86401
expect 1 'Error: unexpected argument "weight".' backend del tcp 198.51.100.10:80 10.0.2.2 weight 1

# ---- kernel side: exit 2 when the module is absent ----
run status
if [ "$rc" = 0 ]; then
	skip "not-loaded path" "the knat module is loaded here"
else
	notloaded='Error: knat is not loaded (no generic netlink family "knat").'
	expect 2 "$notloaded" status
	expect 2 "$notloaded" -j status
	expect 2 "$notloaded" -j -p status
	expect 2 "$notloaded" config
	expect 2 "$notloaded" config set max-flows 1000 timeout icmp 10
	expect 2 "$notloaded" config set fastpath on
	expect 2 "$notloaded" forward
	expect 2 "$notloaded" -s forward ls
	expect 2 "$notloaded" -j forward list
	expect 2 "$notloaded" forward add tcp :8080 to 10.0.2.2:80
	expect 2 "$notloaded" forward delete tcp :8080
	expect 2 "$notloaded" snat show
	expect 2 "$notloaded" snat add from 10.0.1.0/24 out eth1 masquerade
	expect 2 "$notloaded" snat del from 10.0.1.0/24
	expect 2 "$notloaded" flow list proto tcp src 10.0.1.2:40000 state ESTABLISHED
	expect 2 "$notloaded" -j flow count
	expect 2 "$notloaded" flow del kind snat
	expect 2 "$notloaded" flow flush
	expect 2 "$notloaded" stats
	expect 2 "$notloaded" stats show
	expect 2 "$notloaded" stats reset
	expect 2 "$notloaded" stats --prometheus
	expect 2 "$notloaded" stats show --prometheus
	expect 2 "$notloaded" service
	expect 2 "$notloaded" service ls
	expect 2 "$notloaded" -s service show
	expect 2 "$notloaded" -j -s service list
	expect 2 "$notloaded" backend
	expect 2 "$notloaded" -s backend list
	expect 2 "$notloaded" -j backend list tcp 198.51.100.10:80
	expect 2 "$notloaded" -batch /dev/null
	expect 2 "$notloaded" -force -batch /dev/null
	expect 2 "$notloaded" save
	expect 2 "$notloaded" flush
	# Collected whole, then sent: only then is the module missed.
	expect 2 "$notloaded" restore "$tmp/saved.conf"
	expect 2 "$notloaded" restore --flush "$tmp/saved.conf"
	expect 2 "$notloaded" restore --flush /dev/null
	expect 2 "$notloaded" restore -flush "$tmp/empty.conf"
	expect 2 "$notloaded" service add tcp 198.51.100.10:80
	expect 2 "$notloaded" service add udp 198.51.100.10:53 sched maglev maglev-size 65537 persist 300
	expect 2 "$notloaded" service set tcp 198.51.100.10:80 sched wlc
	expect 2 "$notloaded" service delete tcp 198.51.100.10:80
	expect 2 "$notloaded" backend add tcp 198.51.100.10:80 10.0.2.2:8080 weight 2
	expect 2 "$notloaded" backend add tcp 198.51.100.10:80 10.0.2.3
	expect 2 "$notloaded
Error: backend 10.0.2.11:8080 (1 of 2) not added; 0 added before it." \
		backend add tcp 198.51.100.10:8080 10.0.2.11 10.0.2.12
	expect 2 "$notloaded" backend set tcp 198.51.100.10:80 10.0.2.2:8080 weight 0 down
	expect 2 "$notloaded" backend set tcp 198.51.100.10:80 10.0.2.2:8080 up
	expect 2 "$notloaded" backend del tcp 198.51.100.10:80 10.0.2.2:8080 drain 30
	expect 2 "$notloaded" -j backend delete tcp 198.51.100.10:80 10.0.2.3
	expect 2 "$notloaded" flow list kind service
	expect 2 "$notloaded" service add tcp '[2001:db8::10]:80' sched maglev
	expect 2 "$notloaded" service set udp '[2001:db8::10]:53' persist 60
	expect 2 "$notloaded" service del udp '[::1]:53'
	expect 2 "$notloaded" backend add tcp '[2001:db8::10]:80' '[fd00:2::11]:8080' weight 2
	expect 2 "$notloaded" backend add tcp '[2001:db8::10]:80' '[fd00:2::12]'
	expect 2 "$notloaded" backend add udp '[2001:db8::10]:53' fd00:2::13
	expect 2 "$notloaded
Error: backend [fd00:2::11]:80 (1 of 2) not added; 0 added before it." \
		backend add tcp '[2001:db8::10]:80' '[fd00:2::11]' '[fd00:2::12]:8080'
	expect 2 "$notloaded" backend set tcp '[2001:db8::10]:80' fd00:2::11 down
	expect 2 "$notloaded" backend del tcp '[2001:db8::10]:80' '[fd00:2::11]:8080' drain 30
	expect 2 "$notloaded" -j backend list tcp '[2001:db8::10]:80'
	expect 2 "$notloaded" flow list service '[2001:db8::10]:80' backend '[fd00:2::11]'
	expect 2 "$notloaded" flow del backend fd00:2::11
	expect 2 "$notloaded" forward add tcp '[2001:db8:1::1]:8080' to '[fd00:1::4]:80'
	expect 2 "$notloaded" forward add udp '[::]:5353' to fd00:1::4
	expect 2 "$notloaded" forward del udp '[::]:5353'
	expect 2 "$notloaded" snat add from fd00:1::/64 out eth1 masquerade
	expect 2 "$notloaded" snat add from fd00:2::/64 to '[2001:db8:1::5]-[2001:db8:1::9]:20000-20099'
	expect 2 "$notloaded" snat add from fd00:2::/64 to 2001:db8:1::5
	expect 2 "$notloaded" snat del from fd00:1::/64 out eth1
	expect 2 "$notloaded" flow list src '[fd00:1::2]:5555' family inet6 proto udp
	expect 2 "$notloaded" -j flow count proto icmpv6
	expect 2 "$notloaded" flow del family inet6
	expect 2 "$notloaded" flow count kind service-hairpin
	expect 2 "$notloaded" service add tcp 198.51.100.10:80 check-fails 5 check-timeout 3 check-holddown 30
	expect 2 "$notloaded" service set tcp 198.51.100.10:80 check-fails 0
	expect 2 "$notloaded" monitor
	expect 2 "$notloaded" -j monitor
	expect 2 "$notloaded" monitor -j
	expect 2 "$notloaded" explain tcp 198.51.100.2:40000 203.0.113.10:80
	expect 2 "$notloaded" -j explain icmp 198.51.100.2:7 192.0.2.2 local
	expect 2 "$notloaded" explain udp 198.51.100.2:40000 192.0.2.2:53 iif eth0
	expect 2 "$notloaded" explain tcp '[fd00:1::2]:5555' '[2001:db8:1::1]:8080' iif eth0
	expect 2 "$notloaded" -j explain icmpv6 '[fd00:1::2]:4242' 2001:db8:1::2
	expect 2 "$notloaded" explain udp '[::1]:5000' '[::1]:53' local
fi

echo "1..$n"
[ "$fail" -eq 0 ]

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# knat restore: the lines knat save prints, applied as one transaction.
#  (a) all or nothing: a 1000-line file (forwards, services, backends)
#      whose last line the module refuses changes nothing and names line
#      1000; a --flush over an existing configuration with a bad line in
#      its middle, after lines that change services, changes nothing and
#      names that line; without --flush an object that exists is an error.
#  (b) save -> restore --flush into a fresh namespace -> save: the same
#      bytes; again into the same namespace: nothing changes.
#  (c) restore --flush under traffic: long TCP connections through a
#      forward and a service the file keeps unchanged go on byte for byte,
#      with their flows, backend and counters; the flows of the forward and
#      service the file drops are gone when restore returns; what it adds
#      serves.
#  (d) nobody may not restore: "Operation not permitted", nothing changed.
#  (e) SNAT rules keep their order, which is their matching order: after
#      a round trip a packet from the inner of two overlapping prefixes
#      still leaves with its rule's address, not the outer one's.
#
#  c1 198.51.100.2 --+                              +-- b1 10.0.2.11
#                    +-- br0 198.51.100.1 [ r ] br1 10.0.2.1 -- b2 10.0.2.12
#  c2 198.51.100.3 --+   VIP 203.0.113.10 (on no    +-- b3 10.0.2.13
#                        interface: routed to r)    +-- b4 10.0.2.14
#  [ a ] [ rt1 ] [ rt2 ] [ u ] [ s ]: namespaces of their own, no links
#
# The 1000 lines of (a), 450 forwards, 50 services and 500 backends, are
# about 65 200 bytes of ops: the CLI spreads them over two netlink
# attributes (one holds 64 KiB), which the module takes as one restore.
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 diff setpriv ss

TMP=$(mktemp -d)
on_exit rm -rf "$TMP"
VIP=203.0.113.10
C2=198.51.100.3

# restore_in NS ARGS...: knat restore in a namespace; exit code returned,
# stdout and stderr in $TMP/out and $TMP/err.
restore_in() {
	local n=$1
	shift
	"$KNAT" -n "$(ns "$n")" restore "$@" >"$TMP/out" 2>"$TMP/err"
}

# counts NS: "forwards F snats S services V" of knat status.
counts() {
	knat_in "$1" status | grep -o 'forwards [0-9]* snats [0-9]* services [0-9]*'
}

# A module without KNAT_CMD_RESTORE: nothing here can run.
netns_add a rt1 rt2 u s || { fail "namespaces"; tap_end; }
if ! restore_in a --flush /dev/null; then
	grep -q 'cannot restore' "$TMP/err" &&
		skip_all "the knat module cannot restore (no KNAT_CMD_RESTORE)"
	fail "restore --flush of an empty file: $(cat "$TMP/err")"
fi

# ---- (a) all or nothing ----------------------------------------------

# big_file FILE LAST: 450 forwards, then 50 services with 10 backends
# each; LAST replaces line 1000 (the last backend of the last service).
big_file() {
	awk -v vip=$VIP -v last="$2" 'BEGIN {
		for (i = 0; i < 450; i++)
			printf "forward add tcp 198.51.100.1:%d to 10.0.2.11:8080\n", 20000 + i
		for (s = 0; s < 50; s++) {
			printf "service add tcp %s:%d sched rr\n", vip, 1000 + s
			for (k = 1; k <= 10; k++)
				if (s == 49 && k == 10 && last != "")
					print last
				else
					printf "backend add tcp %s:%d 10.0.3.%d:8080\n", vip, 1000 + s, k
		}
	}' >"$1"
}

knat_in a forward add tcp :7000 to 10.0.2.99 &&
	knat_in a service add tcp $VIP:7 sched wlc &&
	knat_in a backend add tcp $VIP:7 10.0.2.98:8080 ||
	fail "a: the configuration before"
knat_in a save >"$TMP/a0"

bad="backend add tcp $VIP:1049 127.0.0.1:8080"
big_file "$TMP/big" "$bad"
expect_eq "the big file has 1000 lines, the bad one last" "1000 $bad" \
	"$(wc -l <"$TMP/big") $(tail -n 1 "$TMP/big")"
restore_in a "$TMP/big"
expect_eq "restore of 1000 lines, the last refused: exit 2" 2 "$?"
expect_eq "... one line on stderr" 1 "$(wc -l <"$TMP/err")"
expect_match "... naming line 1000 and its text" \
	"^Error: $TMP/big:1000: [^\"]*[Ll]oopback[^\"]*: \"$bad\"\\.\$" "$(cat "$TMP/err")"
knat_in a save >"$TMP/a1"
expect_eq "... and nothing changed (save before = save after)" "" "$(diff "$TMP/a0" "$TMP/a1")"
expect_eq "... no forward, service or backend of it" "forwards 1 snats 0 services 1" \
	"$(counts a)"

restore_in a --flush "$TMP/big"
expect_eq "restore --flush of the same: exit 2, line 1000 named" \
	"2 $TMP/big:1000:" "$? $(grep -o "$TMP/big:[0-9]*:" "$TMP/err")"
knat_in a save >"$TMP/a1"
expect_eq "... and nothing changed, nothing flushed" "" "$(diff "$TMP/a0" "$TMP/a1")"

# The 999 good lines apply, over what is there: one transaction, at once.
head -n 999 "$TMP/big" >"$TMP/good"
restore_in a "$TMP/good"
expect_eq "restore of the 999 good lines: exit 0, nothing printed" "0::" \
	"$?:$(cat "$TMP/out"):$(cat "$TMP/err")"
expect_eq "... added to what was there" "forwards 451 snats 0 services 51" "$(counts a)"
expect_eq "... every backend" 500 \
	"$(knat_in a -j service list | json_get 'sum(len(s["backends"]) for s in j)')"
# Without --flush, what exists is an error: nothing of the file applies.
printf '%s\n' "forward add tcp :7001 to 10.0.2.97" "forward add tcp :7000 to 10.0.2.99" \
	>"$TMP/dup"
knat_in a save >"$TMP/a2"
restore_in a "$TMP/dup"
expect_eq "restore of a forward that exists, without --flush: exit 2" 2 "$?"
expect_match "... line 2 named" "^Error: $TMP/dup:2: .*: \"forward add tcp :7000 to 10.0.2.99\"\\.\$" \
	"$(cat "$TMP/err")"
expect_eq "... line 1 not applied either" "" "$(diff "$TMP/a2" <(knat_in a save))"

# --flush over it, with a bad line in the middle: before it the file
# adds a service, changes a scheduler and weights (all put back after),
# and it drops 50 forwards, the forward of :7000 and the service of :7
# (which all stay).
{
	echo "service add tcp $VIP:999 sched rr"
	echo "backend add tcp $VIP:999 10.0.2.96:8080"
	awk -v vip=$VIP '
		/^forward add tcp [0-9.]+:204[0-4][0-9] / { next }
		/^service add tcp [0-9.]+:1000 / { sub(/sched rr/, "sched wlc") }
		/^backend add tcp [0-9.]+:1001 / { $0 = $0 " weight 5" }
		{ print; n++ }
		n == 497 { print "forward add tcp 198.51.100.1:20000 to 10.0.2.12:8080"; n++ }
	' "$TMP/good"
} >"$TMP/mid"
expect_eq "the --flush file: line 500 overlaps line 3's forward" \
	"forward add tcp 198.51.100.1:20000 to 10.0.2.12:8080" "$(sed -n 500p "$TMP/mid")"
restore_in a --flush "$TMP/mid"
rc=$?
expect_eq "restore --flush, bad line 500 of $(wc -l <"$TMP/mid"): exit 2" 2 "$rc"
expect_match "... line 500 named with its text" \
	"^Error: $TMP/mid:500: .*: \"forward add tcp 198\\.51\\.100\\.1:20000 to 10\\.0\\.2\\.12:8080\"\\.\$" \
	"$(cat "$TMP/err")"
knat_in a save >"$TMP/a3"
expect_eq "... and nothing changed: sched, weights, the new service put back" "" \
	"$(diff "$TMP/a2" "$TMP/a3")"
expect_eq "... nothing flushed" "forwards 451 snats 0 services 51" "$(counts a)"

# ---- (b) round trip --------------------------------------------------

conf=(
	"config set max-flows 50000 timeout udp-replied 77 timeout tcp-established 3600"
	"forward add tcp 198.51.100.1:9000-9002 to 10.0.2.13:7000-7002"
	"forward add udp :5353 to 10.0.2.12"
	"snat add from 10.0.3.0/24 to 198.51.100.10-198.51.100.11:30000-30999 mapping address-port-dependent"
	"snat add from 10.0.2.0/24 out br0 masquerade ports 20000-29999"
	"service add tcp $VIP:80 sched maglev maglev-size 251 persist 30 check-fails 3 check-timeout 2 check-holddown 10 check-clients 2"
	"backend add tcp $VIP:80 10.0.2.11:8080"
	"backend add tcp $VIP:80 10.0.2.12:8080 weight 2"
	"backend add tcp $VIP:80 10.0.2.13 weight 0"
	"backend set tcp $VIP:80 10.0.2.13 down"
	"service add udp $VIP:53 sched rr"
	"backend add udp $VIP:53 10.0.2.14:5353"
)
knat_all rt1 "rt1 configured" "${conf[@]}"
knat_in rt1 save >"$TMP/b1"
restore_in rt2 --flush "$TMP/b1"
expect_eq "restore --flush of rt1's save into a fresh namespace: exit 0, silent" "0::" \
	"$?:$(cat "$TMP/out"):$(cat "$TMP/err")"
knat_in rt2 save >"$TMP/b2"
if diff -u "$TMP/b1" "$TMP/b2" >"$TMP/diff"; then
	pass "save -> restore --flush -> save is byte-identical ($(wc -l <"$TMP/b1") lines)"
else
	fail "save -> restore --flush -> save is byte-identical"
	sed 's/^/#   /' "$TMP/diff"
fi
restore_in rt2 --flush - <"$TMP/b1"
expect_eq "the same again, from standard input: exit 0, silent" "0::" \
	"$?:$(cat "$TMP/out"):$(cat "$TMP/err")"
expect_eq "... nothing changed" "" "$(diff "$TMP/b1" <(knat_in rt2 save))"
restore_in rt2 "$TMP/b1"
expect_eq "without --flush into rt2 that has it all: exit 2" 2 "$?"
expect_match "... the first object that exists named" \
	"^Error: $TMP/b1:[0-9]+: .*: \"(forward|snat|service|backend) add " "$(cat "$TMP/err")"
expect_eq "... nothing changed" "" "$(diff "$TMP/b1" <(knat_in rt2 save))"
printf '# nothing\n' >"$TMP/empty"
restore_in rt2 --flush "$TMP/empty"
expect_eq "restore --flush of an empty file: exit 0" 0 "$?"
expect_eq "... no rule left" "forwards 0 snats 0 services 0" "$(counts rt2)"
expect_eq "... config values stay" "$(grep '^config set' "$TMP/b1")" "$(knat_in rt2 save)"

# ---- (d) unprivileged --------------------------------------------------

# The file on standard input: nobody could not open one under $TMP.
nobody() {
	in_ns u setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$KNAT" "$@"
}
printf '%s\n' "forward add tcp :80 to 10.0.0.2" "service add tcp $VIP:80" \
	"backend add tcp $VIP:80 10.0.0.3:8080" >"$TMP/u0"
restore_in u "$TMP/u0" || fail "u: root's restore: $(cat "$TMP/err")"
knat_in u save >"$TMP/u1"
printf '%s\n' "forward add tcp :81 to 10.0.0.2" >"$TMP/u2"
for flush in "" --flush; do
	err=$(nobody restore $flush - <"$TMP/u2" 2>&1 >/dev/null)
	rc=$?
	expect_eq "nobody: restore ${flush:-without --flush} refused, one line, exit 2" \
		"2 Error: Operation not permitted." "$rc $err"
done
expect_eq "nobody: nothing changed" "" "$(diff "$TMP/u1" <(knat_in u save))"

# ---- (c) restore --flush under traffic ---------------------------------

lb_topology || { fail "topology"; tap_end; }

printf '%s\n' \
	"forward add tcp 198.51.100.1:8080 to 10.0.2.11:8080" \
	"forward add tcp 198.51.100.1:8081 to 10.0.2.12:8080" \
	"service add tcp $VIP:80 sched rr" \
	"backend add tcp $VIP:80 10.0.2.11:8080" \
	"backend add tcp $VIP:80 10.0.2.12:8080" \
	"backend add tcp $VIP:80 10.0.2.13:8080" \
	"service add tcp $VIP:81 sched rr" \
	"backend add tcp $VIP:81 10.0.2.14:8080" >"$TMP/c0"
restore_in r "$TMP/c0"
expect_eq "r: restore of two forwards and two services: exit 0" "0:" "$?:$(cat "$TMP/err")"

flows_of() { # ADDR:SPORT [FILTER...]
	local src=$1
	shift
	knat_in r flow count src "$src" "$@"
}
flows_are() { # N ADDR:SPORT [FILTER...]
	local n=$1
	shift
	[ "$(flows_of "$@")" = "$n" ]
}
backend_of() { # ADDR:SPORT: the reply source of that client's flow
	knat_in r -j flow list src "$1" | json_get '" ".join(f["reply"]["src"] for f in j)'
}
replies() { # ADDR:SPORT: answers its flow carried
	knat_in r -j flow list src "$1" | json_get 'j[0]["packets_reply"] if j else -1'
}
replies_above() {
	[ "$(replies "$1")" -gt "$2" ]
}
# tick ADDR:SPORT: wait until the long flow has carried another answer.
tick() {
	busywait 5000 replies_above "$1" "$(replies "$1")"
}
# hold_start SPORT HOST PORT: a long connection from c2 (a line a second,
# each echoed and compared), until $TMP/stop-SPORT exists; wait until knat
# has its flow established.  Its pid in HOLD_SPORT.
hold_start() {
	local sport=$1
	nettool c2 hold "$2" "$3" 300 --sport "$sport" --timeout 3 \
		--until "$TMP/stop-$sport" >"$TMP/hold-$sport" &
	eval "HOLD_$sport=$!"
	busywait 10000 flows_are 1 "$C2:$sport" state established
}
hold_ended() { # SPORT: it has printed its last line
	grep -Eq '^(error=|state=(closed|broken))' "$TMP/hold-$1"
}
hold_stop() { # SPORT: end it and wait; exit status in HOLD_RC, last line in HOLD_OUT
	local pid
	touch "$TMP/stop-$1"
	eval "pid=\$HOLD_$1"
	wait "$pid"
	HOLD_RC=$?
	HOLD_OUT=$(tail -n 1 "$TMP/hold-$1")
}
svc_conns() { # PORT
	knat_in r -s -j service list | json_get "[s['conns'] for s in j if s['port'] == $1][0]"
}
fwd_packets() { # PORT
	knat_in r -s -j forward list | json_get "[f['packets'] for f in j if f['port'] == $1][0]"
}

hold_start 41001 $VIP 80 || fail "long flow through service :80"
hold_start 41002 198.51.100.1 8080 || fail "long flow through forward :8080"
hold_start 41003 198.51.100.1 8081 || fail "long flow through forward :8081"
hold_start 41004 $VIP 81 || fail "long flow through service :81"
be=$(backend_of $C2:41001)
conns=$(svc_conns 80)
packets=$(fwd_packets 8080)

# The operator's way: save, edit, restore --flush.  The edit drops
# forward :8081 and service :81, adds forward :8082 and service :82.
knat_in r save >"$TMP/c1"
{
	grep -v -e ':8081 ' -e "$VIP:81 " "$TMP/c1"
	echo "forward add tcp 198.51.100.1:8082 to 10.0.2.13:8080"
	echo "service add tcp $VIP:82 sched rr"
	echo "backend add tcp $VIP:82 10.0.2.14:8080"
} >"$TMP/c2"
expect_eq "the edited file: :8081 and :81 gone, :8082 and :82 (and its backend) there" "0 0 1 2" \
	"$(grep -c ':8081 ' "$TMP/c2") $(grep -c "$VIP:81 " "$TMP/c2") $(grep -c ':8082 ' "$TMP/c2") $(grep -c "$VIP:82 " "$TMP/c2")"
restore_in r --flush "$TMP/c2"
expect_eq "restore --flush under traffic: exit 0, silent" "0::" \
	"$?:$(cat "$TMP/out"):$(cat "$TMP/err")"
# What it dropped went with its flows before restore answered.
expect_eq "forward :8081's flow is gone" 0 "$(flows_of $C2:41003)"
expect_eq "service :81's flow is gone" 0 "$(flows_of $C2:41004)"
expect_eq "forward :8080's flow is still there, established" 1 \
	"$(flows_of $C2:41002 state established)"
expect_eq "service :80's flow is still there, established" 1 \
	"$(flows_of $C2:41001 state established)"
expect_eq "service :80's flow is on its backend still" "$be" "$(backend_of $C2:41001)"
expect_ok "the flow through forward :8080 carries on" tick $C2:41002
expect_ok "the flow through service :80 carries on" tick $C2:41001
expect_eq "service :80 kept its counters (conns $conns)" "$conns" "$(svc_conns 80)"
p=$(fwd_packets 8080)
[ "$p" -ge "$packets" ] && pass "forward :8080 kept its counters (packets $packets -> $p)" ||
	fail "forward :8080 kept its counters (packets $packets -> $p)"
# save words the added lines its own way (every option, weight 1): those
# are counted, the rest must be the file's, line for line.
knat_in r save >"$TMP/c3"
expect_eq "saved: the file's lines, but for the added ones" "" \
	"$(diff <(grep -v -e ':8082 ' -e "$VIP:82 " "$TMP/c2") <(grep -v -e ':8082 ' -e "$VIP:82 " "$TMP/c3"))"
expect_eq "saved: forward :8082, service :82 and its backend" 3 \
	"$(grep -c -e ':8082 ' -e "$VIP:82 " "$TMP/c3")"
out=$(nettool c1 tcp 198.51.100.1 8082 1000)
expect_eq "the added forward :8082 serves (b3)" "b3:True" "$(field name "$out"):$(field match "$out")"
out=$(nettool c1 tcp $VIP 82 1000)
expect_eq "the added service :82 serves (b4)" "b4:True" "$(field name "$out"):$(field match "$out")"
expect_fail "the dropped service :81 does not" nettool c1 tcp $VIP 81 100 --timeout 2

busywait 10000 hold_ended 41003
hold_stop 41003
[ "$HOLD_RC" != 0 ] && pass "the connection through the dropped forward broke ($HOLD_OUT)" ||
	fail "the connection through the dropped forward broke ($HOLD_OUT)"
busywait 10000 hold_ended 41004
hold_stop 41004
[ "$HOLD_RC" != 0 ] && pass "the connection through the dropped service broke ($HOLD_OUT)" ||
	fail "the connection through the dropped service broke ($HOLD_OUT)"
for sport in 41001 41002; do
	hold_stop $sport
	expect_match "the long connection $sport ran to its end, byte for byte ($HOLD_OUT)" \
		'^state=closed ticks=[0-9]+$' "$HOLD_OUT"
	expect_eq "... exit 0" 0 "$HOLD_RC"
done

# ---- (e) SNAT order ----------------------------------------------------
#
# 198.51.100.0/25 (c1 is in it) first, then the /24 around it: a packet
# from c1 takes the first, sorted by text the /24 would come first.
knat_in s snat add from 198.51.100.0/25 to 192.0.2.1 &&
	knat_in s snat add from 198.51.100.0/24 to 192.0.2.2 || fail "s: snat add"
knat_in s save >"$TMP/e1"
# snat_order FILE: "PREFIX>ADDR PREFIX>ADDR" of its snat add lines, in order.
snat_order() {
	awk '$1 == "snat" && $3 == "from" && $5 == "to" { printf "%s%s>%s", sep, $4, $6; sep = " " }' "$1"
}
expect_eq "save keeps the SNAT rules in their order" \
	"198.51.100.0/25>192.0.2.1 198.51.100.0/24>192.0.2.2" "$(snat_order "$TMP/e1")"
# Into r, replacing what (c) left there; b1 answers the outside
# addresses through r, which has them.
ip -n "$(ns r)" addr add 192.0.2.1/32 dev lo
ip -n "$(ns r)" addr add 192.0.2.2/32 dev lo
restore_in r --flush "$TMP/e1"
expect_eq "restore --flush of the SNAT rules into r: exit 0" "0:" "$?:$(cat "$TMP/err")"
knat_in r save >"$TMP/e2"
expect_eq "restored: the same order" \
	"198.51.100.0/25>192.0.2.1 198.51.100.0/24>192.0.2.2" "$(snat_order "$TMP/e2")"
expect_eq "restored: snat list the same as in s" "$(knat_in s snat list)" "$(knat_in r snat list)"
out=$(nettool c1 tcp 10.0.2.11 8080 1000)
expect_match "c1 -> b1 leaves as 192.0.2.1, the /25's ($(field peer "$out"))" \
	'^192\.0\.2\.1:[0-9]+:True$' "$(field peer "$out"):$(field match "$out")"
expect_ok "snat del the /25" knat_in r snat del from 198.51.100.0/25
out=$(nettool c1 tcp 10.0.2.11 8080 1000)
expect_match "without it, the /24's 192.0.2.2 ($(field peer "$out")): the rules overlap" \
	'^192\.0\.2\.2:[0-9]+:True$' "$(field peer "$out"):$(field match "$out")"

tap_end

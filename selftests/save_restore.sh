#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# knat save prints the configuration as commands that knat -b reads back:
# every kind of object and option round-trips, byte for byte, into a
# fresh namespace whatever order it was made in; a draining backend is
# not saved; the limits only in the initial namespace.  knat flush
# empties a namespace for it.  And -force.
#
#  c1 198.51.100.2 --+                              +-- b1 10.0.2.11
#                    +-- br0 198.51.100.1 [ r ] br1 10.0.2.1 -- b2 10.0.2.12
#  c2 198.51.100.3 --+   VIP 203.0.113.10 (on no    +-- b3 10.0.2.13
#                        interface: routed to r)    +-- b4 10.0.2.14
#                                                [ r2 ]: restored into
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 diff

lb_topology || { fail "topology"; tap_end; }
netns_add r2
VIP=203.0.113.10
TMP=$(mktemp -d)
on_exit rm -rf "$TMP"

# Made in an order save will not print them in: the round trip into r2
# then also proves the order is the configuration's, not its history's
# (but for SNAT rules: their order is their matching order, which save
# keeps; restore.sh checks it).
conf=(
	"service add udp $VIP:53 sched rr"
	"backend add udp $VIP:53 10.0.2.14:5353"
	"backend add udp $VIP:53 10.0.2.11:5353"
	"service add tcp $VIP:80 sched maglev maglev-size 251 persist 30 check-fails 3 check-timeout 2 check-holddown 10 check-clients 2"
	"backend add tcp $VIP:80 10.0.2.13 weight 0"
	"backend add tcp $VIP:80 10.0.2.12:8080 weight 2"
	"backend add tcp $VIP:80 10.0.2.11:8080"
	"backend set tcp $VIP:80 10.0.2.13 down"
	"service add tcp $VIP:81 sched wlc check-fails 0"
	"forward add tcp 198.51.100.1:9000-9002 to 10.0.2.13:7000-7002"
	"forward add udp :5353 to 10.0.2.12"
	"forward add tcp 198.51.100.1:8080 to 10.0.2.11:8080"
	"snat add from 10.0.3.0/24 to 198.51.100.10-198.51.100.11:30000-30999 mapping address-port-dependent"
	"snat add from 10.0.2.0/24 out br0 masquerade ports 20000-29999"
	"config set max-flows 50000 timeout udp-replied 77 timeout tcp-established 3600 rate-interval 2 rate-window 8"
)
knat_all r "configured" "${conf[@]}"

# A draining backend: one UDP flow each on b1 and b4, then b4 goes with a
# drain, which its flow keeps it in.
nettool c1 udp $VIP 53 --sports 6001,6002 >/dev/null
expect_ok "backend del 10.0.2.14 drain 300" \
	knat_in r backend del udp $VIP:53 10.0.2.14:5353 drain 300
expect_match "10.0.2.14 is draining" "10.0.2.14:5353 weight 1 draining" \
	"$(knat_in r service list)"

knat_in r save >"$TMP/s1" 2>"$TMP/err"
expect_eq "save: exit 0, nothing on stderr" "0:" "$?:$(cat "$TMP/err")"
sed 's/^/#   /' "$TMP/s1"

# What it must say, line for line (the config line is checked in parts).
want=(
	"forward add tcp 198.51.100.1:8080 to 10.0.2.11:8080"
	"forward add tcp 198.51.100.1:9000-9002 to 10.0.2.13:7000-7002"
	"forward add udp 0.0.0.0:5353 to 10.0.2.12"
	"snat add from 10.0.2.0/24 out br0 masquerade ports 20000-29999 mapping endpoint-independent"
	"snat add from 10.0.3.0/24 to 198.51.100.10-198.51.100.11 ports 30000-30999 mapping address-port-dependent"
	"service add tcp $VIP:80 sched maglev maglev-size 251 persist 30 check-fails 3 check-timeout 2 check-holddown 10 check-clients 2"
	"backend add tcp $VIP:80 10.0.2.11:8080 weight 1"
	"backend add tcp $VIP:80 10.0.2.12:8080 weight 2"
	"backend add tcp $VIP:80 10.0.2.13:80 weight 0"
	"backend set tcp $VIP:80 10.0.2.13:80 down"
	"backend add udp $VIP:53 10.0.2.11:5353 weight 1"
)
for w in "${want[@]}"; do
	grep -qxF -- "$w" "$TMP/s1" && pass "saved: $w" || fail "saved: $w"
done
expect_eq "saved: service tcp :81 with its check off" 1 \
	"$(grep -cE "^service add tcp $VIP:81 sched wlc .*check-fails 0( |\$)" "$TMP/s1")"
cfg=$(grep '^config set ' "$TMP/s1")
for w in "max-flows 50000" "timeout udp-replied 77" "timeout tcp-established 3600" \
	"rate-interval 2" "rate-window 8" "timeout icmp [0-9]+"; do
	expect_match "saved config: $w" " $w( |\$)" "$cfg"
done
expect_eq "draining backend 10.0.2.14 not saved" 0 "$(grep -c 10.0.2.14 "$TMP/s1")"
expect_eq "no limits saved outside the initial namespace" 0 "$(grep -c ' limit ' "$TMP/s1")"
expect_eq "services before their backends" \
	"service backend backend backend service service backend" \
	"$(grep -E '^(service|backend) add' "$TMP/s1" | awk '{printf "%s%s", sep, $1; sep=" "}')"

# Into a fresh namespace, then saved again: the same bytes.
"$KNAT" -n "$(ns r2)" -b "$TMP/s1" >"$TMP/out" 2>&1
expect_eq "knat -b of the save into a fresh namespace" "0:" "$?:$(cat "$TMP/out")"
knat_in r2 save >"$TMP/s2"
if diff -u "$TMP/s1" "$TMP/s2" >"$TMP/diff"; then
	pass "save -> restore -> save is byte-identical ($(wc -l <"$TMP/s1") lines)"
else
	fail "save -> restore -> save is byte-identical"
	sed 's/^/#   /' "$TMP/diff"
fi
expect_eq "restored: service list the same" "$(knat_in r -j service list |
	json_get '[(s["proto"], s["addr"], s["port"], s["sched"], s["persist"], s["maglev_size"],
	  sorted((b["addr"], b["port"], b["weight"], b["state"]) for b in s["backends"] if b["state"] != "draining"))
	 for s in sorted(j, key=lambda s: (s["proto"], s["port"]))]')" \
	"$(knat_in r2 -j service list |
	json_get '[(s["proto"], s["addr"], s["port"], s["sched"], s["persist"], s["maglev_size"],
	  sorted((b["addr"], b["port"], b["weight"], b["state"]) for b in s["backends"]))
	 for s in sorted(j, key=lambda s: (s["proto"], s["port"]))]')"
expect_eq "restored: config show the same" "$(knat_in r config show | grep -v '^limit')" \
	"$(knat_in r2 config show | grep -v '^limit')"

# A restored service serves: r2 is not routed to, so check r's own
# service after a second restore of the same file into r (every add
# there fails as a duplicate: -force runs them all, changes nothing).
"$KNAT" -n "$(ns r)" -force -b "$TMP/s1" >"$TMP/out" 2>&1
rc=$?
expect_eq "-force -b of the same file into r: fails (duplicates)" 2 "$rc"
expect_eq "-force named every add that failed" "$(grep -cE '^[a-z]+ add ' "$TMP/s1")" \
	"$(grep -c '^Error: command failed' "$TMP/out")"
knat_in r save >"$TMP/s3"
expect_eq "... and changed nothing" "" "$(diff "$TMP/s1" "$TMP/s3")"
expect_match "the service still serves" '^b[12]$' \
	"$(field name "$(nettool c2 tcp $VIP 80 100)")"

# flush empties r of rules (config stays), -b brings back the save, and
# the restored service serves.
expect_ok "flush" knat_in r flush
expect_match "flushed: no forward, SNAT rule or service" "forwards 0 snats 0 services 0" \
	"$(knat_in r status)"
expect_eq "flushed: config values stay" "$(grep '^config set' "$TMP/s1")" \
	"$(knat_in r save)"
"$KNAT" -n "$(ns r)" -b "$TMP/s1" >"$TMP/out" 2>&1
expect_eq "knat -b of the save into the flushed namespace" "0:" "$?:$(cat "$TMP/out")"
knat_in r save >"$TMP/s4"
expect_eq "save -> flush -> restore -> save: the same" "" "$(diff "$TMP/s1" "$TMP/s4")"
expect_match "the restored service serves" '^b[12]$' \
	"$(field name "$(nettool c2 tcp $VIP 80 101)")"

# -b stops at the first failure; -force goes on.
printf '%s\n' "forward add tcp :7001 to 10.0.2.11" "forward add tcp :7001 to 10.0.2.12" \
	"forward add tcp :7002 to 10.0.2.11" >"$TMP/three"
"$KNAT" -n "$(ns r2)" -b "$TMP/three" >"$TMP/out" 2>&1
expect_eq "-b: line 2 fails, exit 2" 2 "$?"
expect_match "-b names line 2" "command failed $TMP/three:2\\." "$(cat "$TMP/out")"
expect_eq "-b: line 3 not run" 0 "$(knat_in r2 forward list | grep -c ':7002 ')"
knat_in r2 forward del tcp :7001
"$KNAT" -n "$(ns r2)" -force -b "$TMP/three" >"$TMP/out" 2>&1
expect_eq "-force -b: exit 2" 2 "$?"
expect_eq "-force -b: line 3 run" 1 "$(knat_in r2 forward list | grep -c ':7002 ')"

# The initial namespace saves its limits too, first, and takes them back
# (its config lines only: whatever else is there would be duplicates).
"$KNAT" save >"$TMP/init" 2>&1
expect_eq "save in the initial namespace" 0 "$?"
expect_match "first line: the limits" '^config set limit backends [0-9]+ .*limit forwards [0-9]+ .*limit max-flows [0-9]+' \
	"$(head -1 "$TMP/init")"
grep '^config set ' "$TMP/init" >"$TMP/init.cfg"
expect_ok "-b of its config lines in the initial namespace" "$KNAT" -b "$TMP/init.cfg"
"$KNAT" save >"$TMP/init2"
expect_eq "initial namespace: save again the same" "" "$(diff "$TMP/init" "$TMP/init2")"

tap_end

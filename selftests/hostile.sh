#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile packets through a router with a forward, a masquerade and a
# service, while three TCP connections (one through each) stay open:
# 5 918 frames of 27 kinds made by hostile.py with scapy (truncated and
# malformed IPv4/TCP/UDP/ICMP headers, every TCP flag byte from both
# sides, bad checksums, IP options, fragments tiny, overlapping or missing
# their last, ICMP errors quoting truncated packets, errors, no flow or
# the wrong addresses, redirects, echo ids 0 and 65535, UDP checksum 0,
# TTL 0 and 1, martian sources to the VIP, blind RST/FIN/SYN at random
# sequence numbers into the live connections), written straight to the
# attackers' veths over AF_PACKET.
#
#  in1 10.0.1.2 --+  (backend 8080; live client 43000 -> srv:8000)
#                 +-- br0 10.0.1.1 [ r: knat ] r-wan 198.51.100.1
#  in2 10.0.1.3 --+     masquerade 10.0.1.0/24 out r-wan       |
#   (backend 8080,      forward tcp :2222 -> in2, udp :5353 -> in2
#    2222, udp 5353)    service tcp 192.0.2.10:80 rr -> in1, in2 :8080
#                                                              |
#                 attacker: 198.51.100.2 wan-r [ wan ] wan-srv 203.0.113.1
#                                                       |
#                                    203.0.113.2 srv-wan [ srv ] (tcp 8000)
#      live: srv:42000 -> 198.51.100.1:2222, srv:41000 -> 192.0.2.10:80
#
# Asserts: the drop reasons the hardened knat gives each kind (one TAP
# line per item, named); no inside address (10/8) leaves on wan-r, in an
# outer header or in any header an ICMP error quotes; the three live
# connections are still ESTABLISHED in knat after the blind segments and
# echo byte for byte until the end; run.sh then checks dmesg.  Prints a
# table: per kind, frames sent, knat drops by reason, the kernel's own IP
# drops, translated packets.
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 ss tcpdump

HOSTILE="$SELFTESTS_DIR/hostile.py"
FRAMES=${HOSTILE_FRAMES:-$SELFTESTS_DIR/hostile.frames}
VIP=192.0.2.10
tmp=$(mktemp -d /tmp/hostile.XXXXXX)
on_exit rm -rf "$tmp"

# The frames are made on the host (make selftests/hostile.frames) because
# scapy is slow under TCG; make them here if that was not done.
if [ ! -s "$FRAMES" ]; then
	/usr/bin/python3 -c 'import scapy' 2>/dev/null ||
		skip_all "no $FRAMES and no python3-scapy to make it"
	FRAMES=$tmp/hostile.frames
	/usr/bin/python3 "$HOSTILE" gen "$FRAMES" >/dev/null || skip_all "hostile.py gen failed"
fi

nat_topology || { fail "topology"; tap_end; }
route_add wan $VIP/32 via 198.51.100.1
serve_start srv serve-tcp 8000 srv
serve_start in2 serve-tcp 2222 in2
serve_start in1 serve-tcp 8080 in1
serve_start in2 serve-tcp 8080 in2
serve_start in2 serve-udp 5353 in2
serve_start srv serve-udp 9000 srv
# Python starts slowly under TCG on a busy host: a minute for all six.
servers_up() {
	local n
	for n in "srv -ltn 8000" "in2 -ltn 2222" "in1 -ltn 8080" "in2 -ltn 8080" \
		"in2 -lun 5353" "srv -lun 9000"; do
		set -- $n
		ip netns exec "$(ns "$1")" ss -H "$2" "sport = :$3" | grep -q . || return 1
	done
}
busywait 60000 servers_up || fail "servers listening"

knat_in r snat add from 10.0.1.0/24 out r-wan masquerade &&
	knat_in r forward add tcp 198.51.100.1:2222 to 10.0.1.3:2222 &&
	knat_in r forward add udp 198.51.100.1:5353 to 10.0.1.3:5353 &&
	knat_in r service add tcp $VIP:80 sched rr &&
	knat_in r backend add tcp $VIP:80 10.0.1.2:8080 &&
	knat_in r backend add tcp $VIP:80 10.0.1.3:8080 ||
	{ fail "configure masquerade, forwards, service"; tap_end; }

# Three live connections, a line a second echoed and compared, until
# $tmp/stop exists.  Their source ports are the ones hostile.py aims at.
stop=$tmp/stop
nettool in1 hold 203.0.113.2 8000 600 --sport 43000 --until "$stop" >"$tmp/live-masq" 2>&1 &
pid_masq=$!
nettool srv hold 198.51.100.1 2222 600 --sport 42000 --until "$stop" >"$tmp/live-fwd" 2>&1 &
pid_fwd=$!
nettool srv hold $VIP 80 600 --sport 41000 --until "$stop" >"$tmp/live-svc" 2>&1 &
pid_svc=$!
busywait 30000 grep -q state=open "$tmp/live-masq" "$tmp/live-fwd" "$tmp/live-svc" 2>/dev/null
for l in masq fwd svc; do
	busywait 20000 grep -q state=open "$tmp/live-$l"
	expect_match "live $l connection open" "state=open" "$(cat "$tmp/live-$l")"
done
expect_eq "masquerade kept the live client's port 43000" 1 \
	"$(knat_in r flow count proto tcp src 10.0.1.2:43000 kind snat)"

# Established in knat, and not cut short: "established:long" when the
# flow is ESTABLISHED and expires more than the FIN-WAIT timeout (240 s)
# away; otherwise each flow of that source as state:expires.
live_state() {
	knat_in r -j flow list proto tcp src "$1" |
		json_get "' '.join('%s:%s' % (f['state'], 'long' if f['expires'] > 240 else f['expires']) for f in j) or 'none'"
}
LIVE=("masq 10.0.1.2:43000" "fwd 203.0.113.2:42000" "svc 203.0.113.2:41000")
for l in "${LIVE[@]}"; do
	set -- $l
	expect_eq "live $1 flow ESTABLISHED before the storm" established:long "$(live_state "$2")"
done

r_mac=$(in_ns r cat /sys/class/net/br0/address)
rwan_mac=$(in_ns r cat /sys/class/net/r-wan/address)
# Everything r sends onto the outside link.
in_ns wan tcpdump --immediate-mode -nn -U -Q in -s 600 -i wan-r -w "$tmp/wan.pcap" >/dev/null 2>&1 &
tcpdump_pid=$!
on_exit kill $tcpdump_pid
busywait 5000 sh -c "[ -e '$tmp/wan.pcap' ]" || fail "capture on wan-r"

send() {
	"${PYTHON[@]}" "$HOSTILE" send "$FRAMES" --router "$(ns r)" --knat "$KNAT" \
		--side "in=$(ns in1):eth0:$r_mac" \
		--side "wan=$(ns wan):wan-r:$rwan_mac" "$@"
}

# ---- blind segments first: the live connections must outlive them by
# more than knat's CLOSE timeout (10 s) and then some.
BLIND=blind-rst,blind-fin,blind-rst-syn
send --only $BLIND >"$tmp/results" || fail "hostile.py send (blind)"
blind_done=$(date +%s)
for l in "${LIVE[@]}"; do
	set -- $l
	expect_eq "blind RST/FIN/SYN: live $1 flow still ESTABLISHED, timeout not cut" \
		established:long "$(live_state "$2")"
done

# ---- then everything else.
send --skip $BLIND >>"$tmp/results" || fail "hostile.py send"

# delta KIND KEY: one delta of one kind ("drop.tcp_bad_flags" ...), from
# one read of the results (a Python start per value is slow under TCG).
declare -A DELTA
while read -r k v; do
	DELTA[$k]=$v
done < <("${PYTHON[@]}" -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    for k, v in r["delta"].items():
        print(r["kind"] + "/" + k, v)
' "$tmp/results")
delta() {
	echo "${DELTA[$1/$2]:-0}"
}

# expect_at_least DESC MIN ACTUAL
expect_at_least() {
	if [ "${3:-0}" -ge "$2" ]; then
		pass "$1"
	else
		fail "$1"
		echo "#   expected: at least $2"
		echo "#   actual:   $3"
	fi
}

# Every flag byte: 184 of 256 are combinations conntrack's tcp_error()
# rejects (tcp_valid_flags[] with PSH, ECE and CWR masked).
for k in tcp-flags wan-tcp-flags-forward wan-tcp-flags-service; do
	expect_eq "$k: the 184 impossible flag bytes dropped as tcp-bad-flags" \
		184 "$(delta $k drop.tcp_bad_flags)"
done
expect_eq "bad-checksum: 300 flow-opening TCP/UDP/ICMP from inside dropped as bad-checksum" \
	300 "$(delta bad-checksum drop.bad_checksum)"
expect_eq "wan-bad-checksum: 300 flow-opening TCP/UDP from outside dropped as bad-checksum" \
	300 "$(delta wan-bad-checksum drop.bad_checksum)"
# 50 from wan about the masquerade and forward flows: dropped at entry as
# redirects about a flow.  50 from the two backends, quoting their own
# packet to the client: an error about no direction of the flow as its
# sender would receive it, so it meets the masquerade on its way out,
# which translates no ICMP error of no flow (unsupported).
redir=$(delta icmp-redirect drop.icmp_redirect)
expect_at_least "icmp-redirect: the 50 from outside about live flows dropped as icmp-redirect" \
	50 "$redir"
expect_eq "icmp-redirect: all 100 dropped (icmp-redirect + unsupported)" 100 \
	"$((redir + $(delta icmp-redirect drop.unsupported)))"
expect_at_least "vip-echo-martian: pings to the VIP from 0/8, 127/8, 255.255.255.255 dropped as bad-source" \
	60 "$(delta vip-echo-martian drop.bad_source)"
expect_at_least "blind-rst: 300 RSTs at random sequence numbers dropped as tcp-out-of-window (99%)" \
	297 "$(delta blind-rst drop.tcp_out_of_window)"
expect_at_least "blind-fin: 300 FINs at random sequence numbers dropped as tcp-out-of-window (99%)" \
	297 "$(delta blind-fin drop.tcp_out_of_window)"
expect_at_least "blind-rst-syn: 150 RSTs (then SYNs) dropped as tcp-out-of-window (99%)" \
	148 "$(delta blind-rst-syn drop.tcp_out_of_window)"
expect_eq "blind-rst-syn: the blind SYNs opened no flow over the live ones (none moved to another backend)" \
	0 "$(delta blind-rst-syn cnt.flows_created_tcp)"

# ---- the live connections, after the storm, beyond the CLOSE timeout.
wait_s=$((blind_done + 16 - $(date +%s)))
[ $wait_s -gt 0 ] && sleep $wait_s
touch "$stop"
for l in masq:$pid_masq fwd:$pid_fwd svc:$pid_svc; do
	wait "${l#*:}"
	rc=$?
	out=$(tr '\n' ' ' <"$tmp/live-${l%%:*}")
	expect_match "live ${l%%:*} connection echoed byte for byte to the end (rc $rc)" \
		"state=open.*state=closed ticks=[0-9]+" "$out"
done

kill $tcpdump_pid 2>/dev/null
wait $tcpdump_pid 2>/dev/null
esc=$("${PYTHON[@]}" "$HOSTILE" escapes "$tmp/wan.pcap")
printf '%s\n' "$esc" | grep '^escape' | sed 's/^/#   /'
expect_eq "no inside address on the outside link, outer or quoted header" \
	"escapes=0" "$(printf '%s\n' "$esc" | tail -n 1 | cut -d' ' -f1)"

# ---- accounting, and the table for README's reliability section.
#
# A frame from the inside is accounted for when knat dropped it with a
# reason, the kernel's IP layer in r dropped it (r's MIB: header errors,
# address errors, truncated, discards, checksum errors), defragmentation
# holds or consumed it (ReasmReqds - ReasmOKs), or knat translated it
# (pkts_orig; a little generous: the live connections add a few).
# Anything else passed untouched, which from the inside means out with an
# inside address: the escapes check above must then have seen it too.
# Source-routed frames are left out: the kernel drops them uncounted.
echo "# $(printf '%s\n' "$esc" | tail -n 1)"
unacc=$("${PYTHON[@]}" - "$tmp/results" <<-'PY'
	import json, sys
	rows = [json.loads(l) for l in open(sys.argv[1])]
	kern = ("mib.Ip.InHdrErrors", "mib.Ip.InAddrErrors", "mib.Ip.InTruncatedPkts",
	        "mib.Ip.InDiscards", "mib.Ip.InUnknownProtos", "mib.IpExt.InCsumErrors")
	print("# %-22s %5s %-40s %6s %6s %6s %5s" % ("kind", "sent", "knat drops",
	      "kernel", "defrag", "xlated", "unacc"), file=sys.stderr)
	tot, bad = {}, []
	for r in rows:
	    d = r["delta"]
	    drops = {k[5:].replace("_", "-"): v for k, v in d.items() if k.startswith("drop.")}
	    for k, v in drops.items():
	        tot[k] = tot.get(k, 0) + v
	    kd = sum(d.get(k, 0) for k in kern)
	    frag = d.get("mib.Ip.ReasmReqds", 0) - d.get("mib.Ip.ReasmOKs", 0)
	    x = d.get("cnt.pkts_orig", 0)
	    # The kernel drops source-routed frames uncounted (see hostile.py).
	    inside = r["sides"] == ["in"] and r["kind"] != "ip-source-route"
	    un = r["sent"] - sum(drops.values()) - kd - frag - x
	    if inside and un > 0:
	        bad.append(f"{r['kind']}:{un}")
	    txt = " ".join(f"{k}={v}" for k, v in sorted(drops.items())) or "-"
	    print("# %-22s %5d %-40s %6d %6d %6d %5s" % (r["kind"], r["sent"], txt, kd,
	          frag, x, un if inside else "."), file=sys.stderr)
	print("# total sent %d; knat drops: %s" % (sum(r["sent"] for r in rows),
	      " ".join(f"{k}={v}" for k, v in sorted(tot.items()))), file=sys.stderr)
	print(" ".join(bad))
	PY
)
expect_eq "every inside frame dropped with a reason (knat or kernel) or translated (unaccounted kind:count)" \
	"" "$unacc"
tap_end

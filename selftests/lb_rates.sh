#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Per service and backend: smoothed rates (rate-interval 1, rate-window 2)
# non-zero and near what a paced client sent while it sends, split as the
# scheduler split its flows, and decaying once it stops; active and
# inactive flows exactly as many as are open (TCP established, the rest);
# the service's own ICMP counters (a port unreachable translated, pings of
# its VIP).
#
#  c1 198.51.100.2 --+                              +-- b1 10.0.2.11
#                    +-- br0 198.51.100.1 [ r ] br1 10.0.2.1 -- b2 10.0.2.12
#  c2 198.51.100.3 --+   VIP 203.0.113.10 (on no    +-- b3 10.0.2.13
#                        interface: routed to r)    +-- b4 10.0.2.14
#
#  udp VIP:5353 rr -> b1 b2 :5353   2 flows, 100 datagrams/s in all (rates)
#  tcp VIP:80 rr   -> b1 b2 b3 :8080  4 connections held (active)
#  udp VIP:53 rr   -> b3 b4 :5353   3 flows (inactive)
#  udp VIP:54      -> b4 :5454      nobody listens: port unreachable
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 ss

lb_topology || { fail "topology"; tap_end; }
VIP=203.0.113.10
TMP=$(mktemp -d)
on_exit rm -rf "$TMP"

# svc PORT EXPR: EXPR on the -s -j service list entry `s` of VIP:PORT, its
# backends as `b` (by address).
svc() {
	knat_in r -s -j service list |
		json_get "(lambda s: (lambda b: $2)({x['addr']: x for x in s['backends']}))([s for s in j if s['port'] == $1][0])"
}

# 1. Config: the estimator's interval and window, and their limits.
expect_ok "config set rate-interval 1 rate-window 2" \
	knat_in r config set rate-interval 1 rate-window 2
expect_eq "config show: rate-interval 1, rate-window 2" "1 2" \
	"$(knat_in r -j config show | json_get '"%d %d" % (j["rate_interval"], j["rate_window"])')"
expect_match "config show text: rate-interval" '^rate-interval 1$' \
	"$(knat_in r config show | grep '^rate-interval')"
for bad in "rate-interval 0" "rate-interval 61" "rate-window 0" "rate-window 3601"; do
	# shellcheck disable=SC2086
	err=$(knat_in r config set $bad 2>&1 >/dev/null)
	rc=$?
	expect_eq "config set $bad: exit 1, one line naming it" \
		"1 1 ${bad%% *} ${bad##* }" \
		"$rc $(printf '%s\n' "$err" | wc -l) $(printf '%s' "$err" | grep -o "${bad%% *}" | head -n 1) $(printf '%s' "$err" | grep -o "\"${bad##* }\"" | tr -d '"')"
done

R="ip netns exec $(ns r) $KNAT"
expect_ok "services" sh -c "
	$R service add udp $VIP:5353 sched rr &&
	$R backend add udp $VIP:5353 10.0.2.11 &&
	$R backend add udp $VIP:5353 10.0.2.12 &&
	$R service add tcp $VIP:80 sched rr &&
	$R backend add tcp $VIP:80 10.0.2.11:8080 &&
	$R backend add tcp $VIP:80 10.0.2.12:8080 &&
	$R backend add tcp $VIP:80 10.0.2.13:8080 &&
	$R service add udp $VIP:53 sched rr &&
	$R backend add udp $VIP:53 10.0.2.13:5353 &&
	$R backend add udp $VIP:53 10.0.2.14:5353 &&
	$R service add udp $VIP:54 &&
	$R backend add udp $VIP:54 10.0.2.14:5454"
expect_eq "four services" 4 "$(knat_in r -j service list | json_get 'len(j)')"
expect_eq "no traffic yet: every rate 0" 0 \
	"$(knat_in r -s -j service list | json_get 'sum(v for s in j for x in [s] + s["backends"] for v in x["rate"].values())')"

# 2. Rates: 100 datagrams of 100 bytes a second from two sockets (two
#    flows: rr puts one on b1, one on b2) for 6 s, answers read back.
cat >"$TMP/send.py" <<EOF
import socket, time
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
for s in socks:
    s.setblocking(False)
rate, secs, n, got = 100, 6.0, 0, 0
start = time.monotonic()
while True:
    t = time.monotonic() - start
    if t >= secs:
        break
    while n < int(t * rate):
        socks[n % 2].sendto(b"r" * 100, ("$VIP", 5353))
        n += 1
    for s in socks:
        try:
            while s.recv(2048):
                got += 1
        except BlockingIOError:
            pass
    time.sleep(0.005)
print("sent=%d secs=%.3f got=%d" % (n, time.monotonic() - start, got))
EOF
in_ns c1 "${PYTHON[@]}" "$TMP/send.py" >"$TMP/send.out" &
sender=$!
sleep 4.5
# The service's rates and its backends' come in two dumps (services,
# then backends): an estimator tick between the two spoils that read
# (seen under a CPU hog).  Ticks are a second apart: up to three reads,
# the first whose service rates are its backends' sum kept.
for _ in 1 2 3; do
	svc 5353 'json.dumps(s)' >"$TMP/busy.json"
	[ "$(python3 -S -c "import json; s = json.load(open('$TMP/busy.json')); b = s['backends']; print(all(abs(s['rate'][k] - sum(x['rate'][k] for x in b)) <= 0.01 * s['rate'][k] + 0.01 for k in s['rate']))")" = True ] && break
done
wait $sender
# Stopped: every estimate smaller than the one before (read at once,
# before the checks below take their time).
r1=$(svc 5353 "s['rate']['packets_in']")
sleep 1.1
r2=$(svc 5353 "s['rate']['packets_in']")
b2=$(svc 5353 "max(x['rate']['packets_in'] for x in b.values())")
sleep 1.1
r3=$(svc 5353 "s['rate']['packets_in']")
out=$(cat "$TMP/send.out")
sent=$(field sent "$out")
secs=$(field secs "$out")
# About 600; fewer when a loaded VM starves the sender near its end (the
# rates below are compared with what it really sent per second).
[ "$sent" -ge 300 ] && [ "$sent" -le 600 ] &&
	pass "the client sent 300 .. 600 datagrams ($sent)" ||
	fail "the client sent 300 .. 600 datagrams ($sent)"
# What the client really sent per second, and what the kernel said then.
sent_rate=$(python3 -S -c "print(round($sent / $secs, 3))")
busy() {
	python3 -S -c "import json; s = json.load(open('$TMP/busy.json')); b = {x['addr']: x for x in s['backends']}; print($1)"
}
expect_eq "under traffic: packets in/s within 0.6 .. 1.3 of the $sent_rate/s sent" True \
	"$(busy "0.6 * $sent_rate <= s['rate']['packets_in'] <= 1.3 * $sent_rate")"
echo "# rate under traffic: $(busy "s['rate']")"
expect_eq "under traffic: packets out/s (the answers) within 0.6 .. 1.3 of it" True \
	"$(busy "0.6 * $sent_rate <= s['rate']['packets_out'] <= 1.3 * $sent_rate")"
expect_eq "under traffic: bytes in per packet in = 128 (IP 20 + UDP 8 + 100)" True \
	"$(busy "abs(s['rate']['bytes_in'] / s['rate']['packets_in'] - 128) < 1")"
expect_eq "under traffic: connections/s not 0 (2 flows in the last seconds' window)" True \
	"$(busy "s['rate']['conns'] > 0")"
expect_eq "per backend: b1 and b2 each 0.35 .. 0.65 of the service's packets in" True \
	"$(busy "all(0.35 <= b[a]['rate']['packets_in'] / s['rate']['packets_in'] <= 0.65 for a in ('10.0.2.11', '10.0.2.12'))")"
expect_eq "per backend: the service's rates are its backends' sum" True \
	"$(busy "all(abs(s['rate'][k] - sum(x['rate'][k] for x in b.values())) <= 0.01 * s['rate'][k] + 0.01 for k in s['rate'])")"
expect_eq "the other services: no rate" 0 \
	"$(knat_in r -s -j service list | json_get 'sum(v for s in j if s["port"] != 5353 for v in s["rate"].values())')"

# Each read smaller, down to 0 at the latest: a loaded VM may read late.
expect_eq "stopped: packets in/s decays, each read smaller ($r1 > $r2 > $r3, or 0)" True \
	"$(python3 -S -c "print($r1 > 0 and $r1 > $r2 and ($r2 > $r3 or $r2 == $r3 == 0))")"
expect_eq "stopped: backends decay too ($b2 then under it, or 0)" True \
	"$(svc 5353 "all(x['rate']['packets_in'] < $b2 or x['rate']['packets_in'] == 0 for x in b.values())")"
sleep 3
expect_eq "4 windows later: every rate of the service and its backends under 1/s, bytes under 128/s" True \
	"$(svc 5353 "all(x['rate'][k] < (128 if k.startswith('bytes') else 1) for x in [s] + list(b.values()) for k in x['rate'])")"
expect_match "-s service list: a rate line" '^  rate conns [0-9.]+/s in [0-9.]+ pkt/s [0-9.]+ [kMG]?B/s out [0-9.]+ pkt/s [0-9.]+ [kMG]?B/s$' \
	"$(knat_in r -s service list | grep -m 1 '^  rate ')"

# 3. Active and inactive: 4 TCP connections held open, 3 UDP flows.
in_ns c1 "${PYTHON[@]}" "$NETTOOL" hold $VIP 80 60 --count 4 --until "$TMP/close" >"$TMP/hold.out" &
holder=$!
busywait 20000 sh -c "[ \$(grep -c state=open '$TMP/hold.out') -eq 4 ]" ||
	fail "4 connections open"
expect_ok "3 UDP flows to udp $VIP:53" \
	nettool c2 udp $VIP 53 --sports 41001,41002,41003
estab() {
	ip netns exec "$(ns "$1")" ss -Htn state established 'sport = :8080' | wc -l
}
expect_eq "tcp service: active 4 inactive 0" "4 0" \
	"$(svc 80 "'%d %d' % (s['active'], s['inactive'])")"
expect_eq "tcp backends: active = their established connections (ss), inactive 0" \
	"$(estab b1):0 $(estab b2):0 $(estab b3):0" \
	"$(svc 80 "' '.join('%d:%d' % (b[a]['active'], b[a]['inactive']) for a in ('10.0.2.11', '10.0.2.12', '10.0.2.13'))")"
expect_eq "rr: the 4 over three backends as 2 1 1" "1 1 2" \
	"$(svc 80 "' '.join(sorted(str(x['active']) for x in b.values()))")"
expect_eq "udp service: active 0 inactive 3; b3 b4 0:2 0:1 or 0:1 0:2" True \
	"$(svc 53 "(s['active'], s['inactive']) == (0, 3) and sorted((x['active'], x['inactive']) for x in b.values()) == [(0, 1), (0, 2)]")"
expect_eq "udp rate service: its 2 flows inactive" "0 2" \
	"$(svc 5353 "'%d %d' % (s['active'], s['inactive'])")"
expect_match "-s service list: active and inactive on the service line" \
	"^tcp $VIP:80 sched rr .* active 4 inactive 0" "$(knat_in r -s service list | grep "^tcp ")"

touch "$TMP/close"
wait $holder
active80() {
	[ "$(svc 80 "s['active']")" = 0 ]
}
busywait 5000 active80
expect_eq "closed: tcp service active 0, its 4 flows inactive (closing)" "0 4" \
	"$(svc 80 "'%d %d' % (s['active'], s['inactive'])")"
expect_eq "closed: every tcp backend active 0" "0 0 0" \
	"$(svc 80 "' '.join(str(x['active']) for x in b.values())")"
expect_eq "knat flow list agrees: no tcp flow established" 0 \
	"$(knat_in r -j flow list proto tcp | json_get 'len([f for f in j if f.get("state") == "established"])')"

# 4. ICMP per service.  A datagram to b4's port 5454, where nobody
#    listens: b4's port unreachable is translated, on udp VIP:54 only.
t0=$(stat_of r icmp-errors-translated)
u0=$(stat_of r icmp-unreach-port)
nettool c1 udp $VIP 54 --timeout 1 >/dev/null
translated() {
	[ "$(stat_of r icmp-errors-translated)" -gt "$t0" ]
}
busywait 3000 translated
expect_eq "global: icmp-errors-translated +1, icmp-unreach-port +1" "$((t0 + 1)) $((u0 + 1))" \
	"$(stat_of r icmp-errors-translated) $(stat_of r icmp-unreach-port)"
expect_eq "udp $VIP:54: icmp_unreach_port 1, icmp_errors_translated 1, icmp_unrelated 0" "1 1 0" \
	"$(svc 54 "'%d %d %d' % (s['icmp']['icmp_unreach_port'], s['icmp']['icmp_errors_translated'], s['icmp']['icmp_unrelated'])")"
expect_eq "the other services: no ICMP error" 0 \
	"$(knat_in r -s -j service list | json_get 'sum(s["icmp"]["icmp_errors_translated"] + s["icmp"]["icmp_unreach_port"] for s in j if s["port"] != 54)')"
expect_match "-s service list: an icmp line under udp VIP:54" \
	'^  icmp icmp-errors-translated 1 icmp-unreach-port 1$' \
	"$(knat_in r -s service list | sed -n "/^udp $VIP:54 /,/^[a-z]/p" | grep '^  icmp')"

# Pings of the VIP: answered by knat, counted once globally and on each
# of the four services of that VIP.
v0=$(stat_of r vip-echo)
expect_ok "ping the VIP twice" nettool c1 ping $VIP --id 77 --count 2
expect_eq "global vip-echo +2" $((v0 + 2)) "$(stat_of r vip-echo)"
expect_eq "each service of the VIP: icmp_echo_request 2, vip_echo 2" "2:2 2:2 2:2 2:2" \
	"$(knat_in r -s -j service list | json_get '" ".join("%d:%d" % (s["icmp"]["icmp_echo_request"], s["icmp"]["vip_echo"]) for s in j)')"

# 5. Rates and flows in the Prometheus exposition.
prom=$(knat_in r stats --prometheus)
expect_match "prometheus: knat_service_active_flows" \
	"^knat_service_inactive_flows\{service=\"tcp/$VIP:80\"\} 4$" "$(printf '%s\n' "$prom" | grep '^knat_service_inactive_flows{service="tcp')"
expect_match "prometheus: per-service ICMP by type" \
	"^knat_service_icmp_total\{service=\"udp/$VIP:54\",type=\"icmp-unreach-port\"\} 1$" \
	"$(printf '%s\n' "$prom" | grep "^knat_service_icmp_total{service=\"udp/$VIP:54\",type=\"icmp-unreach-port\"}")"
expect_match "prometheus: rate gauges, decimal" \
	'^knat_backend_packets_per_second\{service="udp/[0-9.:]+",backend="10.0.2.11:5353",direction="in"\} [0-9]+(\.[0-9]+)?$' \
	"$(printf '%s\n' "$prom" | grep -m 1 '^knat_backend_packets_per_second{service="udp/.*:5353",backend="10.0.2.11:5353",direction="in"}')"

# 6. Deleting services with the estimator running; the last one stops it.
expect_ok "delete every service" sh -c "
	$R service del udp $VIP:5353 && $R service del tcp $VIP:80 &&
	$R service del udp $VIP:53 && $R service del udp $VIP:54"
sleep 1.5
expect_ok "a service again: its rates start at 0" sh -c "
	$R service add udp $VIP:5353 && $R backend add udp $VIP:5353 10.0.2.11"
expect_eq "new service: rate 0" 0 \
	"$(knat_in r -s -j service list | json_get 'sum(j[0]["rate"].values())')"

tap_end

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# knat stats --prometheus: known traffic through two services, then the
# exposition checked line by line by a strict validator (the text format's
# grammar, HELP and TYPE before every family's samples, families whole, no
# series twice, counters *_total and gauges not, histograms cumulative with
# le increasing to +Inf and +Inf = _count) and its values against what the
# clients saw and what "knat -j stats", "-s -j service list", "-j status"
# and "-j config" say; the TCP states and handshake latency also in the
# text of "knat stats" and "knat -s service list".  Then the same as
# nobody, who may read everything: the same exposition, line for line.
#
#  c1 198.51.100.2 --+                              +-- b1 10.0.2.11
#                    +-- br0 198.51.100.1 [ r ] br1 10.0.2.1 -- b2 10.0.2.12
#  c2 198.51.100.3 --+   VIP 203.0.113.10 (on no    +-- b3 10.0.2.13
#                        interface: routed to r)    +-- b4 10.0.2.14
#
#  tcp VIP:80 rr     -> b1 b2 b3 :8080   30 connections of 2000 bytes; b3
#                                        answers 25 ms late (netem)
#  udp VIP:53 maglev -> b1 b2 b3 :5353   3 ports each of c1 and c2, a datagram each
#  udp VIP:54        (no backends)       1 datagram: drop no-backend
#  ping VIP                              5 echoes answered by knat
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 ss setpriv tc

# validate FILE SAMPLES-JSON: the exposition in FILE, strictly; on success
# its samples as [{"name", "labels", "value"}] in SAMPLES-JSON and one line
# "families=N samples=M", else one line per problem and exit 1.
read -r -d '' VALIDATOR <<'EOF'
import json
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LNAME = r"[a-zA-Z_][a-zA-Z0-9_]*"
LVALUE = r'(?:[^"\\\n]|\\[\\"n])*'
HELP = re.compile(rf"# HELP ({NAME}) ((?:[^\\\n]|\\[\\n])+)")
TYPE = re.compile(rf"# TYPE ({NAME}) (counter|gauge|histogram)")
HEAD = re.compile(rf"({NAME})(\{{|) ?")
LABEL = re.compile(rf'({LNAME})="({LVALUE})"')
VALUE = re.compile(r" (0|[1-9][0-9]*)")
# Histograms: _sum is a decimal (seconds), le a decimal or +Inf.
DECIMAL = r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?"
SUM = re.compile(rf" ({DECIMAL})")
LE = re.compile(rf"{DECIMAL}|\+Inf")
HIST_SUFFIXES = ("_bucket", "_sum", "_count")


def unescape(v):
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), v)


def parse_sample(line):
    """(name, labels, the rest: the value) or a string saying what is wrong."""
    m = HEAD.match(line)
    if not m:
        return "no metric name"
    name, pos, labels = m.group(1), m.end(1), {}
    if m.group(2):
        pos += 1
        while True:
            lm = LABEL.match(line, pos)
            if not lm:
                return f"bad label at column {pos + 1}"
            key = lm.group(1)
            if key.startswith("__"):
                return f"reserved label name {key}"
            if key in labels:
                return f"label {key} twice"
            labels[key] = unescape(lm.group(2))
            pos = lm.end()
            if line.startswith(",", pos):
                pos += 1
                continue
            if line.startswith("}", pos):
                pos += 1
                break
            return f"expected , or }} at column {pos + 1}"
    return name, labels, line[pos:]


def main():
    raw = open(sys.argv[1], "rb").read()
    errors = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        print(f"not UTF-8: {e}")
        return 1
    if not text.endswith("\n"):
        errors.append("does not end with a newline")
    families, samples, series = {}, [], set()
    # (histogram, its labels but le) -> its buckets [(le, value)], sums, counts
    hists = {}
    current = None
    for n, line in enumerate(text.split("\n")[:-1], 1):
        def bad(why):
            errors.append(f"line {n}: {why}: {line!r}")
        if line.startswith("# HELP "):
            m = HELP.fullmatch(line)
            if not m:
                bad("malformed HELP")
                continue
            name = m.group(1)
            if name in families:
                bad("second HELP: the family was seen before")
                continue
            families[name] = {"type": None, "samples": 0}
            current = name
        elif line.startswith("# TYPE "):
            m = TYPE.fullmatch(line)
            if not m:
                bad("malformed TYPE, or not counter, gauge or histogram")
                continue
            name = m.group(1)
            if name != current or families[name]["type"]:
                bad("TYPE not right after its family's HELP")
                continue
            if families[name]["samples"]:
                bad("TYPE after samples")
            families[name]["type"] = m.group(2)
        elif line.startswith("#"):
            if not line.startswith("# ") or line.split()[1] in ("HELP", "TYPE"):
                bad("malformed comment")
        else:
            s = parse_sample(line)
            if isinstance(s, str):
                bad(s)
                continue
            name, labels, rest = s
            fam = families.get(current)
            kind = fam["type"] if fam else None
            suffix = None
            if kind == "histogram":
                suffix = name[len(current):] if name.startswith(current) else None
                if suffix not in HIST_SUFFIXES:
                    bad("sample outside its family (not NAME_bucket, _sum or _count)")
                    continue
            elif name != current:
                bad("sample outside its family (no HELP, or the family is split)")
                continue
            if not kind:
                bad("sample before TYPE")
                continue
            # Rates (gauges NAME_per_second) are the other decimals.
            decimal = suffix == "_sum" or (kind == "gauge" and
                                           current.endswith("_per_second"))
            vm = (SUM if decimal else VALUE).fullmatch(rest)
            if not vm:
                bad("value is not ' ' and an unsigned integer (a decimal for a "
                    "histogram's _sum or a _per_second gauge), or trailing text")
                continue
            value = float(vm.group(1)) if decimal else int(vm.group(1))
            if not name.startswith("knat_"):
                bad("name without the knat_ prefix")
            if kind == "counter" and not name.endswith("_total"):
                bad("counter name without _total")
            if kind in ("gauge", "histogram") and current.endswith("_total"):
                bad(f"{kind} name ending in _total")
            if kind == "histogram":
                if ("le" in labels) != (suffix == "_bucket"):
                    bad("le on other than a _bucket, or a _bucket without le")
                    continue
                if suffix == "_bucket" and not LE.fullmatch(labels["le"]):
                    bad("le is not a decimal or +Inf")
                    continue
                key = (current, tuple(sorted((k, x) for k, x in labels.items()
                                             if k != "le")))
                h = hists.setdefault(key, {"bucket": [], "sum": [], "count": []})
                h[suffix[1:]].append((float(labels["le"]), value)
                                     if suffix == "_bucket" else value)
            key = (name, tuple(sorted(labels.items())))
            if key in series:
                bad("series twice")
            series.add(key)
            fam["samples"] += 1
            samples.append({"name": name, "labels": labels, "value": value})
    for name, fam in families.items():
        if not fam["type"]:
            errors.append(f"family {name} without TYPE")
        if not fam["samples"]:
            errors.append(f"family {name} without samples")
    # Each histogram: le increasing up to +Inf, the buckets cumulative
    # (never decreasing), one _sum, one _count equal to the +Inf bucket.
    for (name, labels), h in hists.items():
        def hbad(why):
            errors.append(f"histogram {name}{dict(labels)}: {why}")
        b = h["bucket"]
        les = [le for le, _ in b]
        if not b or les[-1] != float("inf"):
            hbad('no le="+Inf" bucket, or not last')
        if any(x >= y for x, y in zip(les, les[1:])):
            hbad(f"le not increasing: {les}")
        if any(x > y for (_, x), (_, y) in zip(b, b[1:])):
            hbad(f"buckets not cumulative: {[v for _, v in b]}")
        if len(h["sum"]) != 1 or len(h["count"]) != 1:
            hbad(f"{len(h['sum'])} _sum and {len(h['count'])} _count, not one each")
        elif b and h["count"][0] != b[-1][1]:
            hbad(f"_count {h['count'][0]} is not the +Inf bucket {b[-1][1]}")
    for e in errors:
        print(e)
    if errors:
        return 1
    json.dump(samples, open(sys.argv[2], "w"))
    print(f"families={len(families)} samples={len(samples)}")
    return 0


sys.exit(main())
EOF

validate() {
	python3 -c "$VALIDATOR" "$@"
}

# pq SAMPLES-JSON EXPR: a Python expression on the samples; v(NAME,
# label=value...) is the one matching sample's value (None if none).
pq() {
	python3 -c '
import json, sys
S = json.load(open(sys.argv[1]))
def v(name, **labels):
    r = [s["value"] for s in S
         if s["name"] == name and all(s["labels"].get(k) == x for k, x in labels.items())]
    assert len(r) <= 1, (name, labels, r)
    return r[0] if r else None
print(eval(sys.argv[2]))' "$@"
}

TMP=$(mktemp -d)
on_exit rm -rf "$TMP"

lb_topology || { fail "topology"; tap_end; }
VIP=203.0.113.10
TCP_SVC=tcp/$VIP:80
UDP_SVC=udp/$VIP:53

# Closed connections stay in the table for the whole test: the TCP states
# then hold still between the views compared.
expect_ok "max-flows 50000, time-wait and close 3600 s" \
	knat_in r config set max-flows 50000 timeout tcp-time-wait 3600 timeout tcp-close 3600
expect_ok "service tcp rr" knat_in r service add tcp $VIP:80 sched rr
expect_ok "service udp maglev" knat_in r service add udp $VIP:53 sched maglev maglev-size 251
expect_ok "service udp, no backends" knat_in r service add udp $VIP:54
for i in 1 2 3; do
	knat_in r backend add tcp $VIP:80 10.0.2.1$i:8080 || fail "tcp backend b$i"
	knat_in r backend add udp $VIP:53 10.0.2.1$i:5353 || fail "udp backend b$i"
done

# ---- known traffic ----
expect_ok "b3 answers 25 ms late" in_ns b3 tc qdisc add dev eth0 root netem delay 25ms
tcp_seen=$(spread c1 30 $VIP 80 2000)
expect_eq "tcp rr: 30 connections, 10 each" "b1:10 b2:10 b3:10" "$tcp_seen"
udp_seen=$(for c in c1 c2; do for sp in 6001 6002 6003; do
	field name "$(nettool $c udp $VIP 53 --sport $sp)"; done; done |
	sort | uniq -c | awk '{printf "%s%s:%s", sep, $2, $1; sep=" "}')
expect_match "udp maglev: 6 clients answered ($udp_seen)" '^(b[123]:[1-6] ?)+$' "$udp_seen"
out=$(nettool c1 ping $VIP --id 4242 --count 5)
expect_eq "5 pings to the VIP answered" 5 "$(field received "$out")"
expect_fail "udp service without backends: no answer" \
	nettool c1 udp $VIP 54 --sport 7000 --timeout 1
# SNAT from the backends' side, two outside ports: b4 keeps its port (1
# attempt), b1 wants the same one and searches (2), b2 finds none.
serve c1 serve-udp 9000 c1
expect_ok "snat of the backends' network, 2 ports" \
	knat_in r snat add from 10.0.2.0/24 out br0 to 198.51.100.1:40000-40001
expect_eq "b4:40000 keeps its port" 198.51.100.1:40000 \
	"$(field peer "$(nettool b4 udp 198.51.100.2 9000 --sport 40000)")"
expect_eq "b1:40000 gets the other one" 198.51.100.1:40001 \
	"$(field peer "$(nettool b1 udp 198.51.100.2 9000 --sport 40000)")"
expect_fail "b2:40000 gets none" nettool b2 udp 198.51.100.2 9000 --sport 40000 --timeout 1
# A state and a weight to see: b3 down on the udp service, b2 weight 5.
expect_ok "udp b3 down" knat_in r backend set udp $VIP:53 10.0.2.13:5353 down
expect_ok "tcp b2 weight 5" knat_in r backend set tcp $VIP:80 10.0.2.12:8080 weight 5

# ---- as root ----
# A snapshot the JSON views agree with: -j stats and -j status before and
# after are the same (a flow expiring in between would change them).
snapshot() { # PREFIX RUNNER...
	local p=$1 i
	shift
	for i in $(seq 20); do
		"$@" -j stats >"$p.stats1" && "$@" -j status >"$p.status1" 2>/dev/null
		"$@" stats --prometheus >"$p.prom" 2>"$p.err"
		echo $? >"$p.rc"
		"$@" -j stats >"$p.stats2" && "$@" -j status >"$p.status2" 2>/dev/null
		cmp -s "$p.stats1" "$p.stats2" && cmp -s "$p.status1" "$p.status2" && return 0
	done
	return 1
}
root() { knat_in r "$@"; }
snapshot "$TMP/root" root || fail "root: a quiet snapshot in 20 tries"
expect_eq "root: exit 0, nothing on stderr" "0:" "$(cat "$TMP/root.rc"):$(cat "$TMP/root.err")"
if res=$(validate "$TMP/root.prom" "$TMP/root.json"); then
	pass "root: the exposition is valid ($res)"
else
	fail "root: the exposition is valid"
	printf '%s\n' "$res" | head -n 20 | sed 's/^/#   /'
	sed 's/^/#   | /' "$TMP/root.prom"
fi
S=$TMP/root.json

# Per backend, the connections the clients saw.
got=$(pq "$S" "' '.join('b%d:%s' % (i, v('knat_backend_connections_total', service='$TCP_SVC', backend='10.0.2.1%d:8080' % i)) for i in (1, 2, 3))")
expect_eq "tcp: knat_backend_connections_total = the clients' spread" "$tcp_seen" "$got"
got=$(pq "$S" "' '.join('b%d:%s' % (i, v('knat_backend_connections_total', service='$UDP_SVC', backend='10.0.2.1%d:5353' % i)) for i in (1, 2, 3) if v('knat_backend_connections_total', service='$UDP_SVC', backend='10.0.2.1%d:5353' % i))")
expect_eq "udp: knat_backend_connections_total = the clients' spread" "$udp_seen" "$got"
expect_eq "tcp: knat_service_connections_total 30" 30 \
	"$(pq "$S" "v('knat_service_connections_total', service='$TCP_SVC')")"
expect_eq "tcp: at least 30 x 2000 bytes in, and out" True \
	"$(pq "$S" "v('knat_service_bytes_total', service='$TCP_SVC', direction='in') >= 60000 and v('knat_service_bytes_total', service='$TCP_SVC', direction='out') >= 60000")"
expect_eq "per service: packets, bytes, flows, conns = the sum of its backends'" True \
	"$(pq "$S" "all(v('knat_service_' + m, service=svc, **d) == sum(s['value'] for s in S if s['name'] == 'knat_backend_' + m and s['labels']['service'] == svc and all(s['labels'][k] == x for k, x in d.items())) for svc in ('$TCP_SVC', '$UDP_SVC') for m, dirs in (('packets_total', ('in', 'out')), ('bytes_total', ('in', 'out')), ('flows', (None,)), ('connections_total', (None,))) for d in [{'direction': x} if x else {} for x in dirs])")"
expect_eq "the service without backends has info and counters, no backends" "1 0 0" \
	"$(pq "$S" "'%s %s %d' % (v('knat_service_info', service='udp/$VIP:54'), v('knat_service_connections_total', service='udp/$VIP:54'), len([s for s in S if s['labels'].get('service') == 'udp/$VIP:54' and 'backend' in s['labels']]))")"
expect_eq "knat_service_info: proto, vip, port and sched apart" "1 1" \
	"$(pq "$S" "'%s %s' % (v('knat_service_info', service='$TCP_SVC', proto='tcp', vip='$VIP', port='80', sched='rr'), v('knat_service_info', service='$UDP_SVC', proto='udp', vip='$VIP', port='53', sched='maglev'))")"
expect_eq "knat_backend_state up/down/draining: udp b3 0 1 0, b1 1 0 0" "0 1 0 1 0 0" \
	"$(pq "$S" "' '.join(str(v('knat_backend_state', service='$UDP_SVC', backend=b, state=st)) for b in ('10.0.2.13:5353', '10.0.2.11:5353') for st in ('up', 'down', 'draining'))")"
expect_eq "knat_backend_weight: 1 5 1" "1 5 1" \
	"$(pq "$S" "' '.join(str(v('knat_backend_weight', service='$TCP_SVC', backend='10.0.2.1%d:8080' % i)) for i in (1, 2, 3))")"
svc_json=$(knat_in r -s -j service list)
expect_eq "active/inactive flows per service and backend = -s -j service list" \
	"$(printf '%s' "$svc_json" | json_get "sorted(['%s/%s:%d' % (s['proto'], s['addr'], s['port']), '', x['active'], x['inactive']] if x is s else ['%s/%s:%d' % (s['proto'], s['addr'], s['port']), '%s:%d' % (x['addr'], x['port']), x['active'], x['inactive']] for s in j for x in [s] + s['backends'])")" \
	"$(pq "$S" "sorted([s['labels']['service'], s['labels'].get('backend', ''), s['value'], v(s['name'].replace('_active_', '_inactive_'), **s['labels'])] for s in S if s['name'] in ('knat_service_active_flows', 'knat_backend_active_flows'))")"
expect_eq "tcp: 30 connections closed, none active; udp: its flows inactive" "0 30 0 6" \
	"$(pq "$S" "'%s %s %s %s' % (v('knat_service_active_flows', service='$TCP_SVC'), v('knat_service_inactive_flows', service='$TCP_SVC'), v('knat_service_active_flows', service='$UDP_SVC'), v('knat_service_inactive_flows', service='$UDP_SVC'))")"
expect_eq "rate gauges: every service and backend, both directions" "3 3 6 6 6 12 12" \
	"$(pq "$S" "' '.join(str(len([s for s in S if s['name'] == n])) for n in ('knat_service_connections_per_second', 'knat_service_active_flows', 'knat_service_packets_per_second', 'knat_service_bytes_per_second', 'knat_backend_connections_per_second', 'knat_backend_packets_per_second', 'knat_backend_bytes_per_second'))")"
expect_eq "per-service ICMP: the 5 pings of the VIP on each of its 3 services" "5:5 5:5 5:5" \
	"$(pq "$S" "' '.join('%s:%s' % (v('knat_service_icmp_total', service=x, type='icmp-echo-request'), v('knat_service_icmp_total', service=x, type='vip-echo')) for x in ('$TCP_SVC', '$UDP_SVC', 'udp/$VIP:54'))")"
expect_eq "tcp service: no maglev moved slots; udp: what service list says" \
	"None $(knat_in r -s -j service list | json_get "[s['moved'] for s in j if s['proto'] == 'udp' and s['port'] == 53][0]")" \
	"$(pq "$S" "'%s %s' % (v('knat_service_maglev_moved_slots', service='$TCP_SVC'), v('knat_service_maglev_moved_slots', service='$UDP_SVC'))")"
expect_eq "vip-echo 5, no-backend 1, tcp flows created 30" "5 1 30" \
	"$(pq "$S" "'%s %s %s' % (v('knat_vip_echo_total'), v('knat_drops_total', reason='no-backend'), v('knat_flows_created_tcp_total'))")"

# Every counter and drop reason of knat -j stats, the same value; nothing more.
cmpstats='
import json, sys
S = json.load(open(sys.argv[1]))
j = json.load(open(sys.argv[2]))
want = {("knat_%s_total" % k, ()): x for k, x in j["counters"].items()}
want.update({("knat_drops_total", (("reason", k.replace("_", "-")),)): x
             for k, x in j["drops"].items()})
got = {(s["name"], tuple(sorted(s["labels"].items()))): s["value"] for s in S
       if s["name"] == "knat_drops_total" or
       (s["name"].endswith("_total") and not s["name"].startswith(("knat_service_", "knat_backend_", "knat_snat_")))}
diff = sorted(set(want.items()) ^ set(got.items()))
print("%d same" % len(want) if not diff else "differ: %s" % diff)'
expect_eq "every counter and drop = knat -j stats" \
	"$(($(json_get 'len(j["counters"]) + len(j["drops"])' <"$TMP/root.stats1"))) same" \
	"$(python3 -c "$cmpstats" "$S" "$TMP/root.stats1")"
expect_eq "every drop reason there, 0 or not" \
	"$(json_get 'len(j["drops"])' <"$TMP/root.stats1")" \
	"$(pq "$S" "len([s for s in S if s['name'] == 'knat_drops_total'])")"
expect_eq "knat_flows (both families), _services, _hooks_active, build_info = knat -j status" \
	"$(json_get '"%s %s %s %d %s 1" % (j["flows"], j["flows6"], j["services"], j["hooks_active"], j["version"])' <"$TMP/root.status1")" \
	"$(pq "$S" "'%d %d %s %s %s %s' % (int(v('knat_flows', family='inet')) + int(v('knat_flows', family='inet6')), int(v('knat_flows', family='inet6')), v('knat_services'), v('knat_hooks_active'), [s['labels']['version'] for s in S if s['name'] == 'knat_build_info'][0], v('knat_build_info'))")"
expect_eq "knat_max_flows 50000" 50000 "$(pq "$S" "v('knat_max_flows')")"
expect_eq "root: no CAP_NET_ADMIN comment" 0 "$(grep -c '^# knat:' "$TMP/root.prom")"

# ---- SNAT: ports in use, exhaustion, allocation attempts ----
SN="{'from': '10.0.2.0/24', 'out': 'br0'}"
expect_eq "knat_snat_ports_in_use 2, knat_snat_exhausted_total 1" "2 1" \
	"$(pq "$S" "'%s %s' % (v('knat_snat_ports_in_use', **$SN), v('knat_snat_exhausted_total', **$SN))")"
expect_eq "knat_snat_alloc_attempts: 1 at 1, 1 at 2-3, _sum 3, _count 2" \
	"1:1 3:2 7:2 15:2 31:2 63:2 127:2 +Inf:2 sum:3 count:2" \
	"$(pq "$S" "' '.join(['%s:%d' % (s['labels']['le'], s['value']) for s in S if s['name'] == 'knat_snat_alloc_attempts_bucket'] + ['sum:%d' % v('knat_snat_alloc_attempts_sum', **$SN), 'count:%d' % v('knat_snat_alloc_attempts_count', **$SN)])")"
expect_eq "the same as knat -s -j snat list" \
	"$(knat_in r -s -j snat list | json_get '"%d %d %s %d" % (j[0]["ports_in_use"], j[0]["exhausted"], j[0]["attempts"], j[0]["attempts_sum"])')" \
	"$(pq "$S" "'%d %d %s %d' % (v('knat_snat_ports_in_use', **$SN), v('knat_snat_exhausted_total', **$SN), [b - a for a, b in zip([0] + [s['value'] for s in S if s['name'] == 'knat_snat_alloc_attempts_bucket'], [s['value'] for s in S if s['name'] == 'knat_snat_alloc_attempts_bucket'])], v('knat_snat_alloc_attempts_sum', **$SN))")"

# ---- TCP: flows by state and handshake latency ----
# The histograms against -j stats and -s -j service list, the text views
# against the JSON; b3's answers came 25 ms late, so its handshakes did too.
J=$TMP/root.stats1
expect_eq "handshakes: tcp-handshakes, -j stats handshake count, _count" "30 30 30" \
	"$(json_get '"%d %d" % (j["counters"]["tcp_handshakes"], j["handshake"]["count"])' <"$J") $(pq "$S" "v('knat_tcp_handshake_seconds_count')")"
cmphs='
import json, sys
S = json.load(open(sys.argv[1]))
h = json.load(open(sys.argv[2]))["handshake"]
got = [s["value"] for s in S if s["name"] == "knat_tcp_handshake_seconds_bucket"]
les = [s["labels"]["le"] for s in S if s["name"] == "knat_tcp_handshake_seconds_bucket"]
want = [sum(h["buckets"][:i + 1]) for i in range(len(h["buckets"]))]
want_les = ["%g" % (2 ** i / 1000) for i in range(len(h["buckets"]) - 1)] + ["+Inf"]
ssum = [s["value"] for s in S if s["name"] == "knat_tcp_handshake_seconds_sum"]
print(got == want and ["%g" % float(x) if x != "+Inf" else x for x in les] == want_les and ssum == [h["sum_us"] / 1e6] or (got, les, ssum, h))'
expect_eq "knat_tcp_handshake_seconds: -j stats buckets made cumulative, le 2^i ms, _sum in seconds" \
	True "$(python3 -c "$cmphs" "$S" "$J")"
expect_eq "the global histogram is the tcp service's (all its handshakes were)" True \
	"$(pq "$S" "[(s['labels'].get('le'), s['value']) for s in S if s['name'].startswith('knat_tcp_handshake_seconds_')] == [(s['labels'].get('le'), s['value']) for s in S if s['name'].startswith('knat_service_tcp_handshake_seconds_')]")"
got=$(pq "$S" "' '.join('b%d:%s' % (i, v('knat_backend_tcp_handshake_seconds_count', service='$TCP_SVC', backend='10.0.2.1%d:8080' % i)) for i in (1, 2, 3))")
expect_eq "per backend: handshakes = the clients' spread" "$tcp_seen" "$got"
expect_eq "per service: every bucket, _sum and _count = the sum of its backends'" True \
	"$(pq "$S" "all(abs(s['value'] - sum(b['value'] for b in S if b['name'] == s['name'].replace('service', 'backend', 1) and b['labels']['service'] == s['labels']['service'] and b['labels'].get('le') == s['labels'].get('le'))) < 1e-9 for s in S if s['name'].startswith('knat_service_tcp_handshake_seconds_'))")"
expect_eq "b3, 25 ms late: none under 16 ms, all 10 under +Inf" "0 10" \
	"$(pq "$S" "'%s %s' % (v('knat_backend_tcp_handshake_seconds_bucket', service='$TCP_SVC', backend='10.0.2.13:8080', le='0.016'), v('knat_backend_tcp_handshake_seconds_bucket', service='$TCP_SVC', backend='10.0.2.13:8080', le='+Inf'))")"
expect_eq "no handshake histograms for udp services" 0 \
	"$(pq "$S" "len([s for s in S if 'handshake' in s['name'] and s['labels'].get('service', 'tcp').startswith('udp/')])")"
cmpstates='
import json, sys
S = json.load(open(sys.argv[1]))
j = json.load(open(sys.argv[2]))["tcp_states"]
want = {k.replace("_", "-"): x for k, x in j.items()}
got = {s["labels"]["state"]: s["value"] for s in S if s["name"] == "knat_tcp_flows"}
print("%d same" % len(want) if want == got else "differ: %s %s" % (want, got))'
expect_eq "knat_tcp_flows{state} = -j stats tcp_states, every state" "9 same" \
	"$(python3 -c "$cmpstates" "$S" "$J")"
expect_eq "knat_tcp_flows: the 30 connections' flows, none half-open" "30 0" \
	"$(pq "$S" "'%d %d' % (sum(s['value'] for s in S if s['name'] == 'knat_tcp_flows'), v('knat_tcp_flows', state='syn-sent') + v('knat_tcp_flows', state='syn-recv'))")"
svc_json=$(knat_in r -s -j service list)
expect_eq "-s -j service list: the tcp service's histogram = the exposition's" True \
	"$(printf '%s' "$svc_json" | json_get "[s['handshake'] for s in j if s['proto'] == 'tcp'][0]['buckets'] == $(pq "$S" "[b - a for a, b in zip([0] + [s['value'] for s in S if s['name'] == 'knat_service_tcp_handshake_seconds_bucket'], [s['value'] for s in S if s['name'] == 'knat_service_tcp_handshake_seconds_bucket'])]")")"
expect_eq "-s -j service list: b3's min_us at least 16 ms, b1 b2 b3 counts" "True 10 10 10" \
	"$(printf '%s' "$svc_json" | json_get "' '.join(str(x) for x in [[b for s in j if s['proto'] == 'tcp' for b in s['backends'] if b['addr'] == '10.0.2.13'][0]['handshake']['min_us'] >= 16000] + [b['handshake']['count'] for s in j if s['proto'] == 'tcp' for b in s['backends']])")"

# The text views: the same figures as the JSON taken around them.
text_snapshot() { # PREFIX
	local i
	for i in $(seq 20); do
		knat_in r -j stats >"$1.j1"
		knat_in r stats >"$1.txt"
		knat_in r -s service list >"$1.svc"
		knat_in r -j stats >"$1.j2"
		cmp -s "$1.j1" "$1.j2" && return 0
	done
	return 1
}
text_snapshot "$TMP/text" || fail "text: a quiet snapshot in 20 tries"
expect_eq "knat stats: the sections, in order" \
	"translated: flows: tcp: icmp: load balancer: fast path: drops:" \
	"$(grep -E '^[a-z ]+:$' "$TMP/text.txt" | tr '\n' ' ' | sed 's/ $//')"
cmptext='
import json, re, sys
t = open(sys.argv[1]).read()
j = json.load(open(sys.argv[2]))
lines = t.split("\n")
bad = []
# Every counter and drop on a line of its own, "  NAME VALUE", the JSON value.
pairs = {}
for l in lines:
    m = re.fullmatch(r"  ([a-z0-9-]+) +([0-9]+)", l)
    if m:
        pairs[m.group(1)] = int(m.group(2))
want = {k.replace("_", "-"): x for k, x in list(j["counters"].items()) + list(j["drops"].items())}
want["half-open"] = j["tcp_states"]["syn_sent"] + j["tcp_states"]["syn_recv"]
if pairs != want:
    bad.append("counters %s" % sorted(set(pairs.items()) ^ set(want.items())))
# states: NAME N pairs, on the line and its continuations.
i = next(n for n, l in enumerate(lines) if l.startswith("  states: "))
st = lines[i][10:]
while lines[i + 1].startswith(" " * 10):
    i += 1
    st += " " + lines[i][10:]
got = {k: int(v) for k, v in re.findall(r"([a-z-]+) ([0-9]+)", st)}
ws = {k.replace("_", "-"): x for k, x in j["tcp_states"].items() if k != "none" or x}
if got != ws:
    bad.append("states %s %s" % (got, ws))
# handshake latency: the summary, and the buckets from <1ms to the last not empty.
h = j["handshake"]
i = next(n for n, l in enumerate(lines) if l.startswith("  handshake latency: "))
m = re.fullmatch(r"  handshake latency: count ([0-9]+) min ([0-9.]+)ms avg ([0-9.]+)ms max ([0-9.]+)ms", lines[i])
if not m or int(m.group(1)) != h["count"] or abs(float(m.group(4)) * 1000 - h["max_us"]) > 0.01 * h["max_us"] or abs(float(m.group(3)) * 1000 - h["sum_us"] / h["count"]) > 0.01 * h["sum_us"] / h["count"]:
    bad.append("summary %r" % lines[i])
hist = []
while lines[i + 1].startswith("    "):
    i += 1
    hist += [int(x) for x in re.findall(r"ms: ([0-9]+)", lines[i])]
last = max(n for n, x in enumerate(h["buckets"]) if x)
if hist != h["buckets"][:last + 1]:
    bad.append("buckets %s %s" % (hist, h["buckets"]))
print(" ".join(bad) or "same")'
expect_eq "knat stats text: every counter, drop, state and bucket = -j stats" same \
	"$(python3 -c "$cmptext" "$TMP/text.txt" "$TMP/text.j1")"
expect_eq "knat stats text: the handshake latency line" \
	"  handshake latency: count 30" "$(grep -o '^  handshake latency: count [0-9]*' "$TMP/text.txt")"
expect_eq "-s service list: a handshake line under the tcp service (30) and each backend (10)" \
	"  handshake count 30|     handshake count 10|     handshake count 10|     handshake count 10" \
	"$(grep -o '^ *handshake count [0-9]*' "$TMP/text.svc" | paste -sd '|')"
expect_match "-s service list: b3's handshakes at least 16 ms" \
	'^     handshake count 10 min (1[6-9]|[2-9][0-9]|[0-9]{3,})(\.[0-9]+)?ms avg [0-9.]+ms max [0-9.]+ms$' \
	"$(grep -A1 -- '-> 10.0.2.13:8080' "$TMP/text.svc" | tail -n 1)"

# The validator itself refuses broken histograms.
hist_case() { # NAME SAMPLE-LINES...
	local name=$1
	shift
	printf '# HELP knat_h h\n# TYPE knat_h histogram\n' >"$TMP/bad.prom"
	printf '%s\n' "$@" >>"$TMP/bad.prom"
	expect_fail "validator refuses: $name" validate "$TMP/bad.prom" "$TMP/bad.json"
}
hist_case "buckets not cumulative" 'knat_h_bucket{le="0.001"} 3' 'knat_h_bucket{le="+Inf"} 2' 'knat_h_sum 0.5' 'knat_h_count 2'
hist_case "+Inf bucket other than _count" 'knat_h_bucket{le="0.001"} 1' 'knat_h_bucket{le="+Inf"} 2' 'knat_h_sum 0.5' 'knat_h_count 3'
hist_case "no +Inf bucket" 'knat_h_bucket{le="0.001"} 1' 'knat_h_sum 0.5' 'knat_h_count 1'
hist_case "le not increasing" 'knat_h_bucket{le="0.002"} 1' 'knat_h_bucket{le="0.001"} 1' 'knat_h_bucket{le="+Inf"} 1' 'knat_h_sum 0.5' 'knat_h_count 1'
hist_case "no _sum" 'knat_h_bucket{le="+Inf"} 1' 'knat_h_count 1'
hist_case "a bare sample" 'knat_h 1'
printf '%s\n' '# HELP knat_h h' '# TYPE knat_h histogram' 'knat_h_bucket{le="0.001"} 1' \
	'knat_h_bucket{le="+Inf"} 2' 'knat_h_sum 0.0215' 'knat_h_count 2' >"$TMP/good.prom"
expect_ok "validator accepts a good one" validate "$TMP/good.prom" "$TMP/good.json"

# ---- as nobody ----
# Reading needs no privilege: nobody's exposition is root's, whole.
nobody() {
	in_ns r setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$KNAT" "$@"
}
err=$(nobody backend set tcp $VIP:80 10.0.2.12:8080 weight 1 2>&1 >/dev/null)
expect_eq "nobody really lacks CAP_NET_ADMIN" "Error: Operation not permitted." "$err"
nobody_snapshot() {
	local i
	for i in $(seq 20); do
		root stats --prometheus >"$TMP/root2.prom"
		nobody stats --prometheus >"$TMP/nobody.prom" 2>"$TMP/nobody.err"
		echo $? >"$TMP/nobody.rc"
		root stats --prometheus >"$TMP/root3.prom"
		cmp -s "$TMP/root2.prom" "$TMP/root3.prom" && return 0
	done
	return 1
}
nobody_snapshot || fail "nobody: a quiet snapshot in 20 tries"
expect_eq "nobody: exit 0, nothing on stderr" "0:" "$(cat "$TMP/nobody.rc"):$(cat "$TMP/nobody.err")"
if res=$(validate "$TMP/nobody.prom" "$TMP/nobody.json"); then
	pass "nobody: the exposition is valid ($res)"
else
	fail "nobody: the exposition is valid"
	printf '%s\n' "$res" | head -n 20 | sed 's/^/#   /'
fi
expect_ok "nobody: the same exposition as root's, line for line" \
	cmp "$TMP/root2.prom" "$TMP/nobody.prom"
expect_eq "nobody: service, backend and SNAT series, no refusal comment" "yes yes 0" \
	"$(grep -q '^knat_backend_connections_total{' "$TMP/nobody.prom" && echo yes) $(grep -q '^knat_snat_ports_in_use{' "$TMP/nobody.prom" && echo yes) $(grep -c '^# knat:' "$TMP/nobody.prom")"
# The textfile collector's way: written beside, then renamed; never half.
expect_ok "nobody: knat stats --prometheus > file, as a textfile collector cron job would" \
	sh -c "ip netns exec $(ns r) setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all $KNAT stats --prometheus >$TMP/knat.prom.tmp && test -s $TMP/knat.prom.tmp"

tap_end

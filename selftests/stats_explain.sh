#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# knat explain against the wire: for random tuples, ask first, then send
# the real packet and compare what the far side saw (the server's peer and
# which server it was) with the answer: verdict, backend, translated
# addresses and ports, the SNAT port (or its range when it is drawn at
# random), the drop reason.  Asking must change nothing: two answers in a
# row agree (rr must not move on), and a burst of them leaves every
# counter and the flow count alone.
#
#  c1 198.51.100.2 --+                              +-- b1 10.0.2.11
#                    +-- br0 198.51.100.1 [ r ] br1 10.0.2.1 -- b2 10.0.2.12
#  c2 198.51.100.3 --+   VIP 203.0.113.10     |     +-- b3 10.0.2.13
#                                    r-wan 192.0.2.1 +-- b4 10.0.2.14
#                                             |
#                               192.0.2.2 wan-r [ wan ] (no route back)
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 ss

# The servers are threads of the checker below: ten Pythons would take
# longer to start than the whole check.
lb_topology noserve || { fail "topology"; tap_end; }
VIP=203.0.113.10
netns_add wan && link_add r r-wan 192.0.2.1/24 wan wan-r 192.0.2.2/24 || { fail "wan link"; tap_end; }

setup() {
	knat_in r service add tcp $VIP:80 sched rr || return 1
	knat_in r service add udp $VIP:53 sched rr || return 1
	knat_in r service add tcp $VIP:81 sched maglev || return 1
	knat_in r service add tcp $VIP:82 sched rr || return 1
	knat_in r service add udp $VIP:54 sched sh || return 1
	for i in 1 2 3 4; do
		knat_in r backend add tcp $VIP:80 10.0.2.1$i:8080 || return 1
		knat_in r backend add udp $VIP:53 10.0.2.1$i:5353 || return 1
	done
	# b4 stays out of maglev: maglev would take b4's answers to a
	# client that reached it directly for its own (reply pickup).
	for i in 1 2 3; do
		knat_in r backend add tcp $VIP:81 10.0.2.1$i:8080 || return 1
	done
	# Services whose only backend is down: no-backend drops.
	knat_in r backend add tcp $VIP:82 10.0.2.11:8080 || return 1
	knat_in r backend set tcp $VIP:82 10.0.2.11:8080 down || return 1
	knat_in r backend add udp $VIP:54 10.0.2.11:5353 || return 1
	knat_in r backend set udp $VIP:54 10.0.2.11:5353 down || return 1
	knat_in r forward add tcp 198.51.100.1:2222 to 10.0.2.12:8080 || return 1
	knat_in r forward add udp 198.51.100.1:2223 to 10.0.2.13:5353 || return 1
	# c1 gets four ports per protocol, drawn at random (its source ports
	# are never in the range) until they run out; c2 keeps its own.
	knat_in r snat add from 198.51.100.2/32 out r-wan to 192.0.2.1:30000-30003 || return 1
	knat_in r snat add from 198.51.100.0/24 out r-wan masquerade || return 1
	# Nothing may expire while the burst of explains is measured.
	knat_in r config set timeout udp-unreplied 600 timeout udp-replied 600 \
		timeout icmp 600 timeout tcp-time-wait 600 timeout tcp-close 600
}
expect_ok "services, forwards, snat rules" setup

echo "# set up in $SECONDS s"
SEED=${KNAT_EXPLAIN_SEED:-$((RANDOM * 32768 + RANDOM))}
echo "# seed $SEED (KNAT_EXPLAIN_SEED=$SEED reproduces)"

# One Python for all cases: it enters the client and server namespaces
# itself (setns), and prints PASS/FAIL lines for the checks.
check() {
	"${PYTHON[@]}" - "$SEED" "$KNAT" "$(ns r)" "$(ns c1)" "$(ns c2)" "$(ns wan)" \
		"$(ns b1)" "$(ns b2)" "$(ns b3)" "$(ns b4)" <<'EOF'
import ctypes, json, os, random, select, socket, struct, subprocess, sys
import threading, time

seed, KNAT_BIN, R, C1, C2, WAN, *BNS = int(sys.argv[1]), *sys.argv[2:]
rng = random.Random(seed)
libc = ctypes.CDLL(None, use_errno=True)
home = os.open("/proc/self/ns/net", os.O_RDONLY)
VIP, RADDR = "203.0.113.10", "198.51.100.1"
CLIENTS = {"c1": (C1, "198.51.100.2"), "c2": (C2, "198.51.100.3")}
SERVERS = {"b%d" % i: "10.0.2.1%d" % i for i in range(1, 5)}
SERVERS["wan"] = "192.0.2.2"
SERVER_PORT = {("tcp", "wan"): 7000, ("udp", "wan"): 7000}
for b in ("b1", "b2", "b3", "b4"):
    SERVER_PORT[("tcp", b)] = 8080
    SERVER_PORT[("udp", b)] = 5353
failures = []


def setns(path_or_fd):
    fd = os.open("/run/netns/" + path_or_fd, os.O_RDONLY) \
        if isinstance(path_or_fd, str) else path_or_fd
    if libc.setns(fd, 0x40000000) != 0:
        raise OSError(ctypes.get_errno(), "setns")
    if isinstance(path_or_fd, str):
        os.close(fd)


def sock_in(ns, *args):
    setns(ns)
    try:
        return socket.socket(*args)
    finally:
        setns(home)


def knat(*args):
    p = subprocess.run([KNAT_BIN, "-n", R, "-j"] + list(args),
                       capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError("knat %s: %s" % (" ".join(args), p.stderr))
    return json.loads(p.stdout) if p.stdout.strip() else None


def explain(c):
    src = "%s:%d" % (CLIENTS[c["client"]][1], c["sport"])
    dst = c["dst"] if c["proto"] == "icmp" else "%s:%d" % (c["dst"], c["dport"])
    return knat("explain", c["proto"], src, dst)


wan_icmp = sock_in(WAN, socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
wan_icmp.setblocking(False)


# Servers that say whom they saw: "peer IP:PORT name NAME".
def listener(ns, kind, addr, port):
    s = sock_in(ns, socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    if kind == socket.SOCK_STREAM:
        s.listen(64)
    return s


servers = {}
for (proto, name), port in SERVER_PORT.items():
    ns = WAN if name == "wan" else BNS[int(name[1]) - 1]
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    servers[listener(ns, kind, SERVERS[name], port)] = (kind, name)


def serve():
    while True:
        for s in select.select(list(servers), [], [])[0]:
            kind, name = servers[s]
            if kind == socket.SOCK_STREAM:
                conn, peer = s.accept()
                conn.sendall(b"peer %s:%d name %s\n" % (peer[0].encode(), peer[1], name.encode()))
                conn.close()
            else:
                data, peer = s.recvfrom(2048)
                s.sendto(b"peer %s:%d name %s " % (peer[0].encode(), peer[1], name.encode()) + data, peer)


threading.Thread(target=serve, daemon=True).start()


def send(c, expect_drop):
    """What the far side saw: (server, server port, peer addr, peer port), or None."""
    ns, caddr = CLIENTS[c["client"]]
    # Less than TCP's first SYN retransmission: one packet per case.
    wait = 0.5 if expect_drop else 5
    if c["proto"] == "icmp":
        while True:		# forget earlier requests
            try:
                wan_icmp.recv(2048)
            except BlockingIOError:
                break
        s = sock_in(ns, socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        s.bind((caddr, 0))
        hdr = struct.pack("!BBHHH", 8, 0, 0, c["sport"], 1) + b"explain!"
        csum = sum(struct.unpack("!%dH" % (len(hdr) // 2), hdr))
        csum = (csum >> 16) + (csum & 0xffff)
        csum = ~(csum + (csum >> 16)) & 0xffff
        s.sendto(hdr[:2] + struct.pack("!H", csum) + hdr[4:], (c["dst"], 0))
        s.close()
        end = time.time() + wait
        while time.time() < end:
            r, _, _ = select.select([wan_icmp], [], [], end - time.time())
            if not r:
                break
            pkt = wan_icmp.recv(2048)
            ihl = (pkt[0] & 15) * 4
            if pkt[ihl] == 8:
                return ("wan", 0, socket.inet_ntoa(pkt[12:16]),
                        struct.unpack("!H", pkt[ihl + 4:ihl + 6])[0])
        return None
    kind = socket.SOCK_STREAM if c["proto"] == "tcp" else socket.SOCK_DGRAM
    s = sock_in(ns, socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((caddr, c["sport"]))
    s.settimeout(wait)
    try:
        if kind == socket.SOCK_STREAM:
            s.connect((c["dst"], c["dport"]))
            line = b""
            while not line.endswith(b"\n"):
                d = s.recv(256)
                if not d:
                    break
                line += d
        else:
            s.sendto(b"explain", (c["dst"], c["dport"]))
            line = s.recv(2048)
    except OSError:
        return None
    finally:
        s.close()
    w = line.decode().split()
    peer, name = w[1], w[3]
    return (name, SERVER_PORT[(c["proto"], name)], peer.rsplit(":", 1)[0],
            int(peer.rsplit(":", 1)[1]))


def expected(c, e):
    """What explain says the far side will see, as send() reports it."""
    v = e["verdict"]
    if v == "drop":
        return None
    if v == "pass":
        src, sport, dst, dport = CLIENTS[c["client"]][1], c["sport"], c["dst"], c.get("dport", 0)
    else:
        o = e["out"]
        src, sport, dst, dport = o["src"], o["sport"], o["dst"], o["dport"]
    name = [n for n, a in SERVERS.items() if a == dst]
    if not name:
        return ("?" + dst, dport, src, sport)
    if c["proto"] == "icmp":
        dport = 0
    return (name[0], dport, src, sport)


def agrees(want, got, e):
    if want is None or got is None:
        return want == got
    if want[:3] != got[:3]:
        return False
    if want[3] is None:		# drawn at random: within the range
        r = e["port_range"]
        return r["min"] <= got[3] <= r["max"]
    return want[3] == got[3]


KINDS = [  # name, proto, destination, port, weight
    ("svc-rr-tcp", "tcp", VIP, 80, 18),
    ("svc-maglev-tcp", "tcp", VIP, 81, 10),
    ("svc-rr-udp", "udp", VIP, 53, 12),
    ("fwd-tcp", "tcp", RADDR, 2222, 7),
    ("fwd-udp", "udp", RADDR, 2223, 7),
    ("snat-tcp", "tcp", "192.0.2.2", 7000, 12),
    ("snat-udp", "udp", "192.0.2.2", 7000, 10),
    ("snat-icmp", "icmp", "192.0.2.2", None, 6),
    ("pass-tcp", "tcp", "10.0.2.14", 8080, 5),
    ("pass-udp", "udp", "10.0.2.14", 5353, 3),
    ("drop-tcp", "tcp", VIP, 82, 2),
    ("drop-udp", "udp", VIP, 54, 3),
    ("repeat", None, None, None, 5),
]
used = set()


def new_case(kind, client=None):
    _, proto, dst, dport, _ = kind
    client = client or rng.choice(["c1", "c2"])
    while True:
        sport = rng.randint(20000, 60999)
        if (client, sport) not in used:
            used.add((client, sport))
            break
    c = {"kind": kind[0], "client": client, "proto": proto, "dst": dst,
         "sport": sport}
    if dport:
        c["dport"] = dport
    return c


# Every kind once, c1's UDP range run dry, then random ones; all shuffled.
cases = [new_case(k) for k in KINDS if k[1]]
cases += [new_case(KINDS[6], "c1") for _ in range(5)]
while len(cases) < 100:
    cases.append(rng.choices(KINDS, [k[4] for k in KINDS])[0])
    if cases[-1][0] == "repeat":
        cases[-1] = "repeat"
    elif not isinstance(cases[-1], dict):
        cases[-1] = new_case(cases[-1])
rng.shuffle(cases)
# And one repeat last, by when UDP flows exist: a draw of 100 may hold no
# repeat, or only ones before any UDP flow (2 % of seeds), and then no
# "flow" verdict would be seen.
cases.append("repeat")

t0 = time.time()
drops_before = knat("stats")["drops"]
explained_drops = {}
twice = 0
udp_done = []
seen_verdicts, seen_drops, seen_flags = set(), set(), set()
twice_bad = 0
for i, c in enumerate(cases):
    if c == "repeat":
        if not udp_done:
            continue
        c = dict(rng.choice(udp_done), kind="repeat")
    e = explain(c)
    # A scheduler's cursor is what a second answer would show moved.
    if c["kind"].startswith("svc-"):
        twice += 1
        e2 = explain(c)
        if e != e2:
            twice_bad += 1
            print("# case %d: two explains differ: %s / %s" % (i, e, e2))
    seen_verdicts.add(e["verdict"])
    seen_flags.update(e["flags"])
    drop = e["verdict"] == "drop"
    if drop:
        key = e["drop"].replace("-", "_")
        seen_drops.add(e["drop"])
        explained_drops[key] = explained_drops.get(key, 0) + 1
    want = expected(c, e)
    if want and "port-random" in e["flags"]:
        want = want[:3] + (None,)
    got = send(c, drop)
    ok = agrees(want, got, e)
    print("# %3d %-14s %s %s:%d -> %s:%s  %s%s  %s" % (
        i, c["kind"], c["proto"], c["client"], c["sport"], c["dst"],
        c.get("dport", "-"), e["verdict"],
        " " + e["drop"] if drop else "", "" if ok else
        "MISMATCH explain %s wire %s" % (want, got)))
    if not ok:
        failures.append((i, c, e, got))
    if c["proto"] == "udp" and not drop and c["kind"] != "repeat":
        udp_done.append(c)

print("# %d cases in %.1f s" % (len(cases), time.time() - t0))
print(("PASS" if not failures else "FAIL") +
      " explain agrees with the wire for %d tuples" % len(cases))
for i, c, e, got in failures:
    print("#   case %d %s: explain %s" % (i, c, json.dumps(e)))
    print("#   wire %s" % (got,))
print(("PASS" if not twice_bad else "FAIL") +
      " two explains in a row agree for %d service tuples (%d differed)" %
      (twice, twice_bad))
# Each dropped case sent one packet (a TCP SYN waits less than its RTO).
drops_after = knat("stats")["drops"]
counted = {k: drops_after[k] - drops_before.get(k, 0) for k in drops_after
           if drops_after[k] != drops_before.get(k, 0)}
print(("PASS" if counted == explained_drops else "FAIL") +
      " drops counted by reason are those explained: %s" %
      (" ".join("%s:%d" % kv for kv in sorted(counted.items())) or "none"))
if counted != explained_drops:
    print("#   explained %s" % explained_drops)
want_v = {"service", "forward", "snat", "pass", "drop", "flow"}
print(("PASS" if want_v <= seen_verdicts else "FAIL") +
      " verdicts seen: %s" % " ".join(sorted(seen_verdicts)))
want_d = {"no-backend", "no-port"}
print(("PASS" if want_d <= seen_drops else "FAIL") +
      " drop reasons seen: %s" % " ".join(sorted(seen_drops)))
want_f = {"port-preserved", "port-random"}
print(("PASS" if want_f <= seen_flags else "FAIL") +
      " flags seen: %s" % " ".join(sorted(seen_flags)))


# A burst of explains changes nothing: counters, flows, rule state.  The
# rate estimates are left out: they decay on their own between two reads.
def no_rates(v):
    if isinstance(v, dict):
        return {k: no_rates(x) for k, x in v.items() if k != "rate"}
    if isinstance(v, list):
        return [no_rates(x) for x in v]
    return v


def state():
    return (knat("stats"), knat("status")["flows"],
            no_rates(knat("-s", "service", "list")),
            knat("-s", "snat", "list"), knat("-s", "forward", "list"))


before = state()
burst = [new_case(k) for k in KINDS if k[1]] * 2
burst += [dict(c, kind="repeat") for c in udp_done[:6]]
for c in burst:
    explain(c)
after = state()
print(("PASS" if before == after else "FAIL") +
      " %d explains change no counter, flow or rule" % len(burst))
if before != after:
    for b, a in zip(before, after):
        if b != a:
            print("#   before %s" % json.dumps(b))
            print("#   after  %s" % json.dumps(a))
print("DONE")
EOF
}

done=
while IFS= read -r line; do
	case "$line" in
	PASS\ *) pass "${line#PASS }" ;;
	FAIL\ *) fail "${line#FAIL }" ;;
	DONE) done=1 ;;
	*) echo "$line" ;;
	esac
done < <(check 2>&1)
[ -n "$done" ] || fail "the explain checker ran to its end"

tap_end

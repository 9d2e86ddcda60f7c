#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# knat explain against the wire, in IPv4 or, with KNAT_EXPLAIN_FAMILY=6
# (stats_explain6.sh), in IPv6 (NAT66 and IPv6 services): ask first, then
# send the real packet and compare what the far side saw with the answer.
#
# First for random tuples: the server's peer and which server it was
# against the verdict, backend, translated addresses and ports, the SNAT
# port (or its range when it is drawn at random), the drop reason; two
# answers in a row agree (rr must not move on), and the drops counted are
# those explained.  Then case by case, with the flow each sent packet made
# (knat flow list): a forward from wan (the new destination, the output
# device) and its hairpin, a forward of any local address keeping the
# port, a masquerade (the device's address, the port kept) for TCP, UDP
# and echo, a packet no rule takes (pass, no flow), one to r itself, one
# of r's own (local), the flow a sent packet left behind (verdict flow),
# and the text form.  Asking must change nothing: a burst of answers
# leaves every counter, flow and rule alone.  The kernel refuses a request
# that mixes the families, naming the attribute; deleting the rules ends
# their flows.
#
#  c1 198.51.100.2 --+                              +-- b1 10.0.2.11
#                    +-- br0 198.51.100.1 [ r ] br1 10.0.2.1 -- b2 10.0.2.12
#  c2 198.51.100.3 --+   VIP 203.0.113.10     |     +-- b3 10.0.2.13
#                                    r-wan 192.0.2.1 +-- b4 10.0.2.14
#                                             |
#                               192.0.2.2 wan-r [ wan ] (no route back)
#
# In IPv6 the same shape (lb6_topology): c1 2001:db8:1::2, c2
# 2001:db8:1::3, r br0 2001:db8:1::1, br1 fd00:2::1, b1..b4
# fd00:2::11..14, VIP 2001:db8:100::10, r-wan 2001:db8:2::1, wan
# 2001:db8:2::2.
#
# Rules on r: services tcp VIP:80 (rr, b1..b4:8080), udp VIP:53 (rr,
# b1..b4:5353), tcp VIP:81 (maglev, b1..b3:8080), tcp VIP:82 and udp
# VIP:54 (their one backend down); forwards tcp br0's :2222 to b2:8080,
# udp br0's :2223 to b3:5353, tcp r-wan's :8080 to b1:80, udp :5353 of
# any local address to b1 (the port kept); snat from c1 out r-wan to
# r-wan's address, ports 30000-30003, and from the clients' prefix out
# r-wan masquerade.
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 ss

# The addresses of the family.  ep ADDR PORT: an endpoint as knat writes
# it (an IPv6 address in brackets); BE: a backend's address is BE then
# its number; HOST: the prefix length of one address; ANY: any local
# address, in a forward.  The topology's servers are threads of the
# checker below (noserve): ten Pythons would take longer to start than the
# whole check.
F=${KNAT_EXPLAIN_FAMILY:-4}
if [ "$F" = 6 ]; then
	require_ipv6
	INET=inet6 VIP=$LB6_VIP RADDR=2001:db8:1::1 RBR1=fd00:2::1 BE=fd00:2::1
	C1=2001:db8:1::2 C2=2001:db8:1::3 CNET=2001:db8:1::/64 HOST=128
	RWAN=2001:db8:2::1 WAN=2001:db8:2::2 ANY=::
	ep() { echo "[$1]:$2"; }
	topology() {
		lb6_topology noserve && netns_add wan && nodad_ns wan &&
			link_add r r-wan - wan wan-r - &&
			addr6_add r r-wan $RWAN/64 && addr6_add wan wan-r $WAN/64 &&
			busywait 2000 addrs_ready r wan
	}
else
	INET=inet VIP=203.0.113.10 RADDR=198.51.100.1 RBR1=10.0.2.1 BE=10.0.2.1
	C1=198.51.100.2 C2=198.51.100.3 CNET=198.51.100.0/24 HOST=32
	RWAN=192.0.2.1 WAN=192.0.2.2 ANY=0.0.0.0
	ep() { echo "$1:$2"; }
	topology() {
		lb_topology noserve && netns_add wan &&
			link_add r r-wan $RWAN/24 wan wan-r $WAN/24
	}
fi
vip() { ep "$VIP" "$1"; }
be() { ep "$BE$1" "$2"; }

# Not in expect_ok's subshell: the namespaces must be known to the cleanup.
if topology; then
	pass "IPv$F topology"
else
	fail "IPv$F topology"
	tap_end
fi

setup() {
	local i
	knat_in r service add tcp "$(vip 80)" sched rr || return 1
	knat_in r service add udp "$(vip 53)" sched rr || return 1
	knat_in r service add tcp "$(vip 81)" sched maglev || return 1
	knat_in r service add tcp "$(vip 82)" sched rr || return 1
	knat_in r service add udp "$(vip 54)" sched sh || return 1
	for i in 1 2 3 4; do
		knat_in r backend add tcp "$(vip 80)" "$(be $i 8080)" || return 1
		knat_in r backend add udp "$(vip 53)" "$(be $i 5353)" || return 1
	done
	# b4 stays out of maglev: maglev would take b4's answers to a
	# client that reached it directly for its own (reply pickup).
	for i in 1 2 3; do
		knat_in r backend add tcp "$(vip 81)" "$(be $i 8080)" || return 1
	done
	# Services whose only backend is down: no-backend drops.
	knat_in r backend add tcp "$(vip 82)" "$(be 1 8080)" || return 1
	knat_in r backend set tcp "$(vip 82)" "$(be 1 8080)" down || return 1
	knat_in r backend add udp "$(vip 54)" "$(be 1 5353)" || return 1
	knat_in r backend set udp "$(vip 54)" "$(be 1 5353)" down || return 1
	knat_in r forward add tcp "$(ep $RADDR 2222)" to "$(be 2 8080)" || return 1
	knat_in r forward add udp "$(ep $RADDR 2223)" to "$(be 3 5353)" || return 1
	knat_in r forward add tcp "$(ep $RWAN 8080)" to "$(be 1 80)" || return 1
	knat_in r forward add udp "$(ep $ANY 5353)" to "${BE}1" || return 1
	# c1 gets four ports per protocol, drawn at random (its source ports
	# are never in the range) until they run out; c2 keeps its own.
	knat_in r snat add from $C1/$HOST out r-wan to "$(ep $RWAN 30000-30003)" || return 1
	knat_in r snat add from $CNET out r-wan masquerade || return 1
	# Nothing may expire while the checks run.
	knat_in r config set timeout udp-unreplied 600 timeout udp-replied 600 \
		timeout icmp 600 timeout tcp-time-wait 600 timeout tcp-close 600
}
expect_ok "services, forwards, snat rules" setup

echo "# set up in $SECONDS s"
SEED=${KNAT_EXPLAIN_SEED:-$((RANDOM * 32768 + RANDOM))}
echo "# seed $SEED (KNAT_EXPLAIN_SEED=$SEED reproduces)"

# One Python for all cases: it enters the client and server namespaces
# itself (setns), serves and sends, and prints PASS/FAIL lines for the
# checks.
check() {
	"${PYTHON[@]}" - "$SEED" "$KNAT" "$TOP_DIR/include/uapi/linux/knat.h" \
		"$(ns r)" "$(ns c1)" "$(ns c2)" "$(ns wan)" \
		"$(ns b1)" "$(ns b2)" "$(ns b3)" "$(ns b4)" \
		family="$F" vip="$VIP" raddr="$RADDR" rbr1="$RBR1" be="$BE" \
		c1="$C1" c2="$C2" cnet="$CNET" rwan="$RWAN" wan="$WAN" <<'EOF'
import ctypes, json, os, random, re, select, socket, struct, subprocess, sys
import threading, time

seed, KNAT_BIN, HEADER, R, C1, C2, WAN, *BNS = sys.argv[1:12]
ARG = dict(a.split("=", 1) for a in sys.argv[12:])
rng = random.Random(int(seed))
libc = ctypes.CDLL(None, use_errno=True)
home = os.open("/proc/self/ns/net", os.O_RDONLY)
V6 = ARG["family"] == "6"
AF = socket.AF_INET6 if V6 else socket.AF_INET
INET = "inet6" if V6 else "inet"
ICMP = "icmpv6" if V6 else "icmp"
IPPROTO_ICMP = socket.IPPROTO_ICMPV6 if V6 else socket.IPPROTO_ICMP
ECHO = 128 if V6 else 8		# echo request
VIP, RADDR, RBR1, RWAN = ARG["vip"], ARG["raddr"], ARG["rbr1"], ARG["rwan"]
CNET, CPLEN = ARG["cnet"].split("/")[0], int(ARG["cnet"].split("/")[1])
NS = {"c1": C1, "c2": C2, "wan": WAN}
ADDR = {"c1": ARG["c1"], "c2": ARG["c2"], "wan": ARG["wan"]}
for i, b in enumerate(BNS):
    NS["b%d" % (i + 1)] = b
    ADDR["b%d" % (i + 1)] = ARG["be"] + str(i + 1)
SERVERS = {n: a for n, a in ADDR.items() if n not in ("c1", "c2")}
SERVER_PORT = {("tcp", "wan"): 7000, ("udp", "wan"): 7000}
for b in ("b1", "b2", "b3", "b4"):
    SERVER_PORT[("tcp", b)] = 8080
    SERVER_PORT[("udp", b)] = 5353


def check(ok, what, detail=""):
    print(("PASS " if ok else "FAIL ") + what)
    if not ok and detail:
        for line in str(detail).splitlines():
            print("#   " + line)


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


def knat_text(*args):
    return subprocess.run([KNAT_BIN, "-n", R] + list(args),
                          capture_output=True, text=True).stdout


def ep(addr, port):
    """An endpoint as knat writes it: an IPv6 address in brackets."""
    return ("[%s]:%d" if V6 else "%s:%d") % (addr, port)


def explain(proto, src, dst, *more):
    return knat("explain", proto, src, dst, *more)


# ---- servers: "peer ADDR:PORT name NAME", TCP kept open until EOF ----

servers = {}


def listener(name, kind, port):
    s = sock_in(NS[name], AF, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((ADDR[name], port))
    if kind == socket.SOCK_STREAM:
        s.listen(64)
    servers[s] = (kind, name)


def hold(conn):
    with conn:
        while conn.recv(256):
            pass


def serve():
    while True:
        for s in select.select(list(servers), [], [])[0]:
            kind, name = servers[s]
            if kind == socket.SOCK_STREAM:
                conn, peer = s.accept()
                conn.sendall(b"peer %s name %s\n" %
                             (ep(peer[0], peer[1]).encode(), name.encode()))
                threading.Thread(target=hold, args=(conn,), daemon=True).start()
            else:
                data, peer = s.recvfrom(2048)
                s.sendto(b"peer %s name %s\n" %
                         (ep(peer[0], peer[1]).encode(), name.encode()), peer)


for (proto, name), port in SERVER_PORT.items():
    listener(name, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM,
             port)
listener("b1", socket.SOCK_STREAM, 80)		# the forward from wan's
threading.Thread(target=serve, daemon=True).start()
wan_icmp = sock_in(WAN, AF, socket.SOCK_RAW, IPPROTO_ICMP)
wan_icmp.setblocking(False)


def connect(client, src, sport, dst, dport, wait=5):
    """TCP: the open socket and the server's line, split in words."""
    s = sock_in(NS[client], AF, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, sport))
    s.settimeout(wait)
    line = b""
    try:
        s.connect((dst, dport))
        while not line.endswith(b"\n"):
            d = s.recv(256)
            if not d:
                break
            line += d
    except OSError:
        s.close()
        raise
    return s, line.decode().split()


def datagram(client, src, sport, dst, dport, wait=5):
    """UDP: the server's answer, split in words."""
    s = sock_in(NS[client], AF, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, sport))
    s.settimeout(wait)
    try:
        s.sendto(b"explain", (dst, dport))
        return s.recv(2048).decode().split()
    finally:
        s.close()


def icmp_sum(msg):
    csum = sum(struct.unpack("!%dH" % (len(msg) // 2), msg))
    csum = (csum >> 16) + (csum & 0xffff)
    return ~(csum + (csum >> 16)) & 0xffff


def echo(client, src, ident, dst, wait=5):
    """An echo request; (source, id) of the request as wan saw it."""
    while True:		# forget earlier ones
        try:
            wan_icmp.recv(2048)
        except BlockingIOError:
            break
    s = sock_in(NS[client], AF, socket.SOCK_RAW, IPPROTO_ICMP)
    s.bind((src, 0))
    msg = struct.pack("!BBHHH", ECHO, 0, 0, ident, 1) + b"explain!"
    if not V6:		# the kernel sums ICMPv6 on raw sockets itself
        msg = msg[:2] + struct.pack("!H", icmp_sum(msg)) + msg[4:]
    s.sendto(msg, (dst, 0))
    s.close()
    end = time.time() + wait
    while time.time() < end:
        if not select.select([wan_icmp], [], [], max(0, end - time.time()))[0]:
            break
        data, peer = wan_icmp.recvfrom(2048)
        if not V6:	# an IPv4 raw socket reads the IP header too
            data = data[(data[0] & 15) * 4:]
        if data[0] == ECHO:
            return peer[0], struct.unpack("!H", data[4:6])[0]
    return None


# ---- random tuples: explain, then the wire ----

def explain_case(c):
    src = ep(ADDR[c["client"]], c["sport"])
    dst = c["dst"] if c["proto"] == ICMP else ep(c["dst"], c["dport"])
    return explain(c["proto"], src, dst)


def send(c, expect_drop):
    """What the far side saw: (server, server port, peer addr, peer port), or None."""
    client = c["client"]
    # Less than TCP's first SYN retransmission: one packet per case.
    wait = 0.5 if expect_drop else 5
    if c["proto"] == ICMP:
        got = echo(client, ADDR[client], c["sport"], c["dst"], wait)
        return got and ("wan", 0) + got
    try:
        if c["proto"] == "tcp":
            s, w = connect(client, ADDR[client], c["sport"], c["dst"],
                           c["dport"], wait)
            s.close()
        else:
            w = datagram(client, ADDR[client], c["sport"], c["dst"],
                         c["dport"], wait)
    except OSError:
        return None
    peer, name = w[1], w[3]
    addr, port = peer.rsplit(":", 1)
    return (name, SERVER_PORT[(c["proto"], name)], addr.strip("[]"), int(port))


def expected(c, e):
    """What explain says the far side will see, as send() reports it."""
    v = e["verdict"]
    if v == "drop":
        return None
    if v == "pass":
        src, sport, dst, dport = ADDR[c["client"]], c["sport"], c["dst"], c.get("dport", 0)
    else:
        o = e["out"]
        src, sport, dst, dport = o["src"], o["sport"], o["dst"], o["dport"]
    name = [n for n, a in SERVERS.items() if a == dst]
    if not name:
        return ("?" + dst, dport, src, sport)
    if c["proto"] == ICMP:
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
    ("snat-tcp", "tcp", ADDR["wan"], 7000, 12),
    ("snat-udp", "udp", ADDR["wan"], 7000, 10),
    ("snat-icmp", ICMP, ADDR["wan"], None, 6),
    ("pass-tcp", "tcp", ADDR["b4"], 8080, 5),
    ("pass-udp", "udp", ADDR["b4"], 5353, 3),
    ("drop-tcp", "tcp", VIP, 82, 2),
    ("drop-udp", "udp", VIP, 54, 3),
    ("repeat", None, None, None, 5),
]
# c2's ports 40000-41999 are the cases' below, one by one: its masquerade
# keeps them only while no random tuple took them first.
used = {("c2", p) for p in range(40000, 42000)}


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
failures = []
for i, c in enumerate(cases):
    if c == "repeat":
        if not udp_done:
            continue
        c = dict(rng.choice(udp_done), kind="repeat")
    e = explain_case(c)
    # A scheduler's cursor is what a second answer would show moved.
    if c["kind"].startswith("svc-"):
        twice += 1
        e2 = explain_case(c)
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
check(not failures, "explain agrees with the wire for %d tuples" % len(cases),
      "\n".join("case %d %s: explain %s\nwire %s" % (i, c, json.dumps(e), got)
                for i, c, e, got in failures))
check(not twice_bad,
      "two explains in a row agree for %d service tuples (%d differed)" %
      (twice, twice_bad))
# Each dropped case sent one packet (a TCP SYN waits less than its RTO).
drops_after = knat("stats")["drops"]
counted = {k: drops_after[k] - drops_before.get(k, 0) for k in drops_after
           if drops_after[k] != drops_before.get(k, 0)}
check(counted == explained_drops,
      "drops counted by reason are those explained: %s" %
      (" ".join("%s:%d" % kv for kv in sorted(counted.items())) or "none"),
      "explained %s" % explained_drops)
want_v = {"service", "forward", "snat", "pass", "drop", "flow"}
check(want_v <= seen_verdicts, "verdicts seen: %s" % " ".join(sorted(seen_verdicts)))
want_d = {"no-backend", "no-port"}
check(want_d <= seen_drops, "drop reasons seen: %s" % " ".join(sorted(seen_drops)))
want_f = {"port-preserved", "port-random"}
check(want_f <= seen_flags, "flags seen: %s" % " ".join(sorted(seen_flags)))


# ---- case by case: explain, the wire, the flow left ----

SRV, WANA, C2A = ADDR["b1"], ADDR["wan"], ADDR["c2"]


def tup(src, sport, dst, dport):
    return {"src": src, "sport": sport, "dst": dst, "dport": dport}


def flow_of(proto, src, sport):
    """The flow whose original tuple starts at SRC:SPORT, or None."""
    for f in knat("flow", "list", "family", INET) or []:
        o = f["orig"]
        if f["proto"] == proto and o["src"] == src and o["sport"] == sport:
            return f
    return None


def expect_answer(name, e, **want):
    bad = {k: (e.get(k), v) for k, v in want.items() if e.get(k) != v}
    check(not bad, "%s: explain says %s" % (name, ", ".join(
        "%s %s" % (k, v if not isinstance(v, dict) else json.dumps(v))
        for k, v in want.items())), bad and json.dumps(e))


def expect_flow(name, proto, e, src, sport, orig):
    """The flow the packet left: explain's reply tuple and kind."""
    f = flow_of(proto, src, sport)
    ok = f is not None and f["kind"] == e["kind"] and \
        f["reply"] == e["reply"] and f["orig"] == orig
    check(ok, "%s: the flow made is the one explain predicted (%s)" %
          (name, f and "reply %s %s" % (f["reply"]["src"], f["reply"]["dport"])),
          "flow %s\nexplain %s" % (json.dumps(f), json.dumps(e)))


# A forward from outside: new destination, output device.
e = explain("tcp", ep(WANA, 40001), ep(RWAN, 8080))
expect_answer("forward", e, family=INET, verdict="forward", kind="forward",
              iif="r-wan", oif="br1",
              out=tup(WANA, 40001, SRV, 80),
              reply=tup(SRV, 80, WANA, 40001))
fw = e.get("forward") or {}
check(fw.get("addr") == RWAN and fw.get("to_addr") == SRV and
      fw.get("port_min") == 8080 and fw.get("to_port") == 80,
      "forward: the forward matched is named", json.dumps(fw))
s, w = connect("wan", WANA, 40001, RWAN, 8080)
check(w[1:] == [ep(WANA, 40001), "name", "b1"],
      "forward: b1 saw the client as explain said (%s)" % " ".join(w))
expect_flow("forward", "tcp", e, WANA, 40001, tup(WANA, 40001, RWAN, 8080))
e2 = explain("tcp", ep(WANA, 40001), ep(RWAN, 8080))
expect_answer("forward, connected", e2, verdict="flow", kind="forward",
              state="established", out=e["out"], reply=e["reply"])
s.close()

# Its hairpin: b1 to the forward comes back from r's address.
e = explain("tcp", ep(SRV, 40006), ep(RWAN, 8080))
expect_answer("hairpin", e, verdict="forward", kind="hairpin", iif="br1",
              oif="br1", out=tup(RBR1, 40006, SRV, 80))
check("hairpin" in e["flags"] and "port-preserved" in e["flags"],
      "hairpin: flags hairpin port-preserved", e["flags"])
s, w = connect("b1", SRV, 40006, RWAN, 8080)
check(w[1:] == [ep(RBR1, 40006), "name", "b1"],
      "hairpin: b1 saw r's address as explain said (%s)" % " ".join(w))
s.close()

# A forward of any local address keeping the port (UDP).
e = explain("udp", ep(WANA, 40008), ep(RWAN, 5353))
expect_answer("forward any", e, verdict="forward",
              out=tup(WANA, 40008, SRV, 5353))
check((e.get("forward") or {}).get("addr", "-") is None,
      "forward any: its address is null (any local)", json.dumps(e.get("forward")))
w = datagram("wan", WANA, 40008, RWAN, 5353)
check(w[1:] == [ep(WANA, 40008), "name", "b1"],
      "forward any: b1 saw the client (%s)" % " ".join(w))

# Masquerade: r-wan's address, the port kept.
for proto, sport, how in (("udp", 40002, datagram), ("tcp", 40003, connect)):
    name = "masquerade " + proto
    e = explain(proto, ep(C2A, sport), ep(WANA, 7000))
    expect_answer(name, e, verdict="snat", kind="snat", iif="br0", oif="r-wan",
                  out=tup(RWAN, sport, WANA, 7000),
                  reply=tup(WANA, 7000, RWAN, sport))
    sn = e.get("snat") or {}
    check(sn.get("masquerade") is True and sn.get("src") == CNET and
          sn.get("plen") == CPLEN and sn.get("out_ifname") == "r-wan" and
          e["flags"] == ["port-preserved"],
          "%s: the rule is named, port-preserved" % name, json.dumps(e))
    w = how("c2", C2A, sport, WANA, 7000)
    if proto == "tcp":
        w[0].close()
        w = w[1]
    check(w[1:] == [ep(RWAN, sport), "name", "wan"],
          "%s: wan saw the masquerade address and port (%s)" % (name, " ".join(w)))
    expect_flow(name, proto, e, C2A, sport, tup(C2A, sport, WANA, 7000))
# Asked again, the UDP flow answers: the same translation, replied.
e2 = explain("udp", ep(C2A, 40002), ep(WANA, 7000))
expect_answer("masquerade udp, sent", e2, verdict="flow", kind="snat",
              out=tup(RWAN, 40002, WANA, 7000))
check("replied" in e2["flags"] and (e2.get("snat") or {}).get("masquerade"),
      "masquerade udp, sent: replied, the rule named", json.dumps(e2))

# Echo: the id kept.
e = explain(ICMP, ep(C2A, 4242), WANA)
expect_answer("echo", e, proto=ICMP, verdict="snat", kind="snat", dport=None,
              out=tup(RWAN, 4242, WANA, 4242))
got = echo("c2", C2A, 4242, WANA)
check(got == (RWAN, 4242),
      "echo: wan saw the request from the masquerade address, id 4242 (%s)" % (got,))
f = flow_of(ICMP, C2A, 4242)
check(f is not None and f["reply"] == e["reply"],
      "echo: the flow made is the one explain predicted",
      "flow %s\nexplain %s" % (json.dumps(f), json.dumps(e)))

# No rule: pass, and no flow.
e = explain("tcp", ep(C2A, 40004), ep(SRV, 80))
expect_answer("no rule", e, verdict="pass", iif="br0", oif="br1", out=None,
              reply=None, snat=None, forward=None)
s, w = connect("c2", C2A, 40004, SRV, 80)
check(w[1:] == [ep(C2A, 40004), "name", "b1"],
      "no rule: b1 saw the client untranslated (%s)" % " ".join(w))
s.close()
check(flow_of("tcp", C2A, 40004) is None, "no rule: no flow")
e = explain("udp", ep(WANA, 40005), ep(RWAN, 9999))
expect_answer("to r itself", e, verdict="pass", iif="r-wan", oif=None, out=None)

# r's own packet: local, no input device, no SNAT.
e = explain("udp", ep(RWAN, 40007), ep(WANA, 7000))
expect_answer("local", e, local=True, iif=None, verdict="pass", snat=None)

# Text, in the man page's form.
t = knat_text("explain", "udp", ep(C2A, 40009), ep(WANA, 7000))
want = ("udp %s -> %s iif br0\n"
        "  snat\n"
        "  snat from %s/%d out r-wan masquerade ports 1024-65535\n"
        "  out %s -> %s oif r-wan\n"
        "  reply %s -> %s\n"
        "  flags port-preserved\n") % (
            ep(C2A, 40009), ep(WANA, 7000), CNET, CPLEN, ep(RWAN, 40009),
            ep(WANA, 7000), ep(WANA, 7000), ep(RWAN, 40009))
check(t == want, "text: as the man page writes it (IPv6 in brackets before the ports)",
      "got:\n" + t)
for line in t.splitlines():
    print("# " + line)
t = knat_text("explain", "tcp", ep(WANA, 40010), ep(RWAN, 8080))
for line in t.splitlines():
    print("# " + line)


# ---- asking changes nothing: counters, flows, rule state ----
# The rate estimates are left out: they decay on their own between two
# reads.  So are neighbour discovery's counters: it goes on by itself
# (probes of stale entries).  The rest must first be still (the TCP
# connections' ends).
def no_rates(v):
    if isinstance(v, dict):
        return {k: no_rates(x) for k, x in v.items() if k != "rate"}
    if isinstance(v, list):
        return [no_rates(x) for x in v]
    return v


def state():
    st = knat("stats")
    for k in ("icmp6_nd", "icmp6_other"):
        st["counters"].pop(k, None)
    return no_rates([st, knat("status")["flows"], knat("-s", "service", "list"),
                     knat("-s", "snat", "list"), knat("-s", "forward", "list")])


before = state()
for i in range(20):
    time.sleep(0.5)
    now = state()
    if now == before:
        break
    before = now
burst = [new_case(k) for k in KINDS if k[1]] * 2
burst += [dict(c, kind="repeat") for c in udp_done[:6]]
for c in burst:
    explain_case(c)
for i in range(10):
    explain("udp", ep(C2A, 41000 + i), ep(WANA, 7000))
    explain("tcp", ep(WANA, 41000 + i), ep(RWAN, 8080))
    explain(ICMP, ep(C2A, 41000 + i), WANA)
    explain("udp", ep(C2A, 40002), ep(WANA, 7000))
after = state()
check(before == after, "%d explains change no counter, flow or rule" %
      (len(burst) + 40), "\n".join(
          "before %s\nafter  %s" % (json.dumps(b), json.dumps(a))
          for b, a in zip(before, after) if b != a))

# ---- the kernel: a request of both families is refused, naming one ----
enums = {}
text = open(HEADER).read()
for name in ("knat_cmd", "knat_attr", "knat_explain_attr"):
    body = re.search(r"enum %s \{(.*?)\};" % name, text, re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    for i, m in enumerate(re.findall(r"^\s*(\w+)\s*,", body, re.M)):
        enums[m] = i
NETLINK_EXT_ACK, NETLINK_CAP_ACK, SOL_NETLINK = 11, 10, 270


def nla(t, payload):
    a = struct.pack("=HH", 4 + len(payload), t) + payload
    return a + b"\0" * (-len(a) % 4)


def genl_family(s):
    name = b"knat\0"
    s.send(struct.pack("=IHHII", 20 + len(nla(2, name)), 0x10, 1, 1, 0) +
           struct.pack("=BBH", 3, 1, 0) + nla(2, name))
    d = s.recv(65536)
    off = 20
    while off + 4 <= len(d):
        ln, t = struct.unpack_from("=HH", d, off)
        if t == 1:
            return struct.unpack_from("=H", d, off + 4)[0]
        off += (ln + 3) & ~3
    raise RuntimeError("no knat family")


def request(attrs):
    """(errno, extack message, offset of the attribute it names)."""
    setns(R)
    try:
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
    finally:
        setns(home)
    s.bind((0, 0))
    s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
    fam = genl_family(s)
    body = struct.pack("=BBH", enums["KNAT_CMD_EXPLAIN"], 1, 0)
    nest = b"".join(nla(t, v) for t, v in attrs)
    body += nla(enums["KNAT_A_EXPLAIN"] | 0x8000, nest)
    s.send(struct.pack("=IHHII", 16 + len(body), fam, 1 | 4, 2, 0) + body)
    # The answer (on success), then the ACK: an NLMSG_ERROR, its TLVs
    # after the request's header (NETLINK_CAP_ACK).
    s.settimeout(5)
    while True:
        d, pos = s.recv(65536), 0
        while pos + 16 <= len(d):
            ln, t = struct.unpack_from("=IH", d, pos)
            if t == 2:
                break
            pos += (ln + 3) & ~3
        else:
            continue
        break
    s.close()
    end = pos + ln
    err = -struct.unpack_from("=i", d, pos + 16)[0]
    msg, offs, off = None, None, pos + 36
    while off + 4 <= end:
        alen, t = struct.unpack_from("=HH", d, off)
        if t == 1:
            msg = d[off + 4:off + alen].rstrip(b"\0").decode()
        elif t == 2:
            offs = struct.unpack_from("=I", d, off + 4)[0]
        off += (alen + 3) & ~3
    return err, msg, offs


def A(name, value):
    return (enums["KNAT_EXP_A_" + name], value)


# The family's own attributes and addresses, and the other family's.
v6a = socket.inet_pton(socket.AF_INET6, ADDR["c1"] if V6 else "2001:db8:1::2")
v6b = socket.inet_pton(socket.AF_INET6, WANA if V6 else "2001:db8:2::2")
v4a = socket.inet_pton(socket.AF_INET, "198.51.100.2" if V6 else ADDR["c1"])
v4b = socket.inet_pton(socket.AF_INET, "192.0.2.2" if V6 else WANA)
SRC, DST, src, dst = ("SRC6", "DST6", v6a, v6b) if V6 else ("SRC", "DST", v4a, v4b)
base = [A("PROTO", bytes([6])), A("SPORT", struct.pack("!H", 5555)),
        A("DPORT", struct.pack("!H", 53))]
# The offset of the Nth attribute of the nest: 16 nlmsghdr + 4 genl + 4 nest.
def offset_of(attrs, n):
    return 24 + sum(len(nla(t, v)) for t, v in attrs[:n])


# The source's family decides, else the destination's; the other family's
# attribute is named.
for label, attrs, bad in (
        ("SRC6 with DST", base + [A("SRC6", v6a), A("DST", v4b)], 4),
        ("SRC with DST6", base + [A("SRC", v4a), A("DST6", v6b)], 4),
        ("SRC and SRC6", base + [A("SRC6", v6a), A("DST6", v6b), A("SRC", v4a)], 5)
        if V6 else
        ("DST and DST6", base + [A("SRC", v4a), A("DST", v4b), A("DST6", v6b)], 5)):
    err, msg, offs = request(attrs)
    check(err == 22 and msg == "A packet is IPv4 or IPv6, not both" and
          offs == offset_of(attrs, bad),
          "kernel: %s refused, the attribute named" % label,
          "errno %d msg %r offset %s (want %d)" % (err, msg, offs, offset_of(attrs, bad)))
attrs = [A("PROTO", bytes([1 if V6 else 58])), A("SPORT", struct.pack("!H", 7)),
         A(SRC, src), A(DST, dst)]
err, msg, offs = request(attrs)
check(err == 22 and offs == offset_of(attrs, 0) and
      msg == ("IPv6 echo is ICMPv6, not ICMP" if V6 else "ICMPv6 is for IPv6 addresses"),
      "kernel: %s with IPv%s addresses refused, PROTO named" %
      (("ICMP", 6) if V6 else ("ICMPv6", 4)), (err, msg, offs))
attrs = base + [A(SRC, v4a if V6 else v6a), A(DST, dst)]
err, msg, offs = request(attrs)
# (NLA_POLICY_EXACT_LEN says ERANGE)
check(err in (22, 34) and offs == offset_of(attrs, 3),
      "kernel: a %s of %d bytes refused by the policy, %s named" %
      (SRC, 4 if V6 else 16, SRC), (err, msg, offs))
if V6:
    attrs = base + [A("SRC6", v6a),
                    A("DST6", socket.inet_pton(socket.AF_INET6, "::ffff:192.0.2.2"))]
    err, msg, offs = request(attrs)
    check(err == 22 and msg == "IPv6 address is IPv4-mapped: use IPv4" and
          offs == offset_of(attrs, 4),
          "kernel: an IPv4-mapped destination refused, DST6 named", (err, msg, offs))
attrs = base + [A(SRC, src), A(DST, dst)]
err, msg, offs = request(attrs)
check(err == 0, "kernel: the same request with %s and %s answered" % (SRC, DST),
      (err, msg))
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

# The flows are knat's: the rules' deletion ends them.
for p in "tcp 80" "udp 53" "tcp 81" "tcp 82" "udp 54"; do
	knat_in r service del "${p% *}" "$(vip "${p#* }")"
done
knat_in r forward del tcp "$(ep $RADDR 2222)"
knat_in r forward del udp "$(ep $RADDR 2223)"
knat_in r forward del tcp "$(ep $RWAN 8080)"
knat_in r forward del udp "$(ep $ANY 5353)"
knat_in r snat del from $C1/$HOST out r-wan
knat_in r snat del from $CNET out r-wan
expect_eq "flows of the rules are gone" 0 "$(knat_in r flow count family $INET)"

tap_end

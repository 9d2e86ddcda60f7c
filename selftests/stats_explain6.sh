#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# knat explain for IPv6 against the wire, stats_explain.sh's twin for
# NAT66: ask first, then send the real packet and compare what the far
# side saw, and the flow it made (knat flow list), with the answer.  A
# forward (the new destination, the output device), its hairpin, an
# IPv6 masquerade (the device's address, the port kept) for TCP, UDP and
# ICMPv6 echo, a packet no rule takes (pass, no flow), one of r's own
# (local), and the flow a sent packet left behind (verdict flow).  Asking
# changes nothing.  The kernel refuses a request that mixes the families,
# naming the attribute.
#
#   c fd00:1::2 c-r --- r-lan fd00:1::1 [ r ] r-wan 2001:db8:1::1 --- wan-r 2001:db8:1::2 [ wan ]
#                                         r-srv fd00:2::1                   (no route to fd00::/8)
#                                           |
#                            srv-r fd00:2::2 [ srv ]
#
# Rules on r: forward tcp [2001:db8:1::1]:8080 to [fd00:2::2]:80,
# forward udp [::]:5353 to fd00:2::2 (any local address, the port kept),
# snat from fd00:1::/64 out r-wan masquerade.
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3
[ -d /proc/sys/net/ipv6 ] || skip_all "no IPv6 in this kernel"

# addr6 NS DEV ADDR/PLEN: an IPv6 address, usable at once.
addr6() {
	ip -n "$(ns "$1")" -6 addr add "$3" dev "$2" nodad
}

# The topology, inline: addresses usable at once (no DAD anywhere, link-
# local ones included), r an IPv6 router.
topology() {
	local n
	netns_add c r wan srv || return 1
	for n in c r wan srv; do
		in_ns $n sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 || return 1
	done
	link_add c c-r - r r-lan - || return 1
	link_add r r-wan - wan wan-r - || return 1
	link_add r r-srv - srv srv-r - || return 1
	addr6 c c-r fd00:1::2/64 && addr6 r r-lan fd00:1::1/64 &&
		addr6 r r-wan 2001:db8:1::1/64 && addr6 wan wan-r 2001:db8:1::2/64 &&
		addr6 r r-srv fd00:2::1/64 && addr6 srv srv-r fd00:2::2/64 || return 1
	ip -n "$(ns c)" -6 route add default via fd00:1::1 || return 1
	ip -n "$(ns srv)" -6 route add default via fd00:2::1 || return 1
	in_ns r sysctl -qw net.ipv6.conf.all.forwarding=1
}
expect_ok "IPv6 topology" topology

setup() {
	knat_in r forward add tcp '[2001:db8:1::1]:8080' to '[fd00:2::2]:80' || return 1
	knat_in r forward add udp '[::]:5353' to fd00:2::2 || return 1
	knat_in r snat add from fd00:1::/64 out r-wan masquerade || return 1
	# Nothing may expire while the checks run.
	knat_in r config set timeout udp-unreplied 600 timeout udp-replied 600 \
		timeout icmp 600 timeout tcp-time-wait 600 timeout tcp-close 600
}
expect_ok "IPv6 forwards and a masquerade rule" setup

# One Python for all cases: it enters the namespaces itself (setns), serves
# and sends, and prints PASS/FAIL lines for the checks.
check() {
	"${PYTHON[@]}" - "$KNAT" "$TOP_DIR/include/uapi/linux/knat.h" \
		"$(ns r)" "$(ns c)" "$(ns wan)" "$(ns srv)" <<'EOF'
import ctypes, json, os, re, select, socket, struct, subprocess, sys
import threading, time

KNAT_BIN, HEADER, R, C, WAN, SRV = sys.argv[1:]
libc = ctypes.CDLL(None, use_errno=True)
home = os.open("/proc/self/ns/net", os.O_RDONLY)
checks = []


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


def knat(*args, ns=R):
    p = subprocess.run([KNAT_BIN, "-n", ns, "-j"] + list(args),
                       capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError("knat %s: %s" % (" ".join(args), p.stderr))
    return json.loads(p.stdout) if p.stdout.strip() else None


def knat_text(*args):
    return subprocess.run([KNAT_BIN, "-n", R] + list(args),
                          capture_output=True, text=True).stdout


def ep(addr, port):
    return "[%s]:%d" % (addr, port)


# ---- servers: "peer [ADDR]:PORT name NAME", TCP kept open until EOF ----

servers = {}


def listener(ns, kind, addr, port, name):
    s = sock_in(ns, socket.AF_INET6, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    if kind == socket.SOCK_STREAM:
        s.listen(16)
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


listener(SRV, socket.SOCK_STREAM, "::", 80, "srv")
listener(SRV, socket.SOCK_DGRAM, "::", 5353, "srv")
listener(WAN, socket.SOCK_STREAM, "2001:db8:1::2", 7000, "wan")
listener(WAN, socket.SOCK_DGRAM, "2001:db8:1::2", 7000, "wan")
threading.Thread(target=serve, daemon=True).start()
wan_icmp = sock_in(WAN, socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
wan_icmp.setblocking(False)

CLIENTS = {"c": C, "wan": WAN, "srv": SRV}


def connect(client, src, sport, dst, dport):
    """TCP: the open socket and the server's line, split in words."""
    s = sock_in(CLIENTS[client], socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, sport))
    s.settimeout(5)
    s.connect((dst, dport))
    line = b""
    while not line.endswith(b"\n"):
        d = s.recv(256)
        if not d:
            break
        line += d
    return s, line.decode().split()


def datagram(client, src, sport, dst, dport):
    s = sock_in(CLIENTS[client], socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind((src, sport))
    s.settimeout(5)
    try:
        s.sendto(b"explain6", (dst, dport))
        return s.recv(2048).decode().split()
    finally:
        s.close()


def echo(client, src, ident, dst):
    """ICMPv6 echo request; (source, id) of the request as wan saw it."""
    while True:		# forget earlier ones
        try:
            wan_icmp.recv(2048)
        except BlockingIOError:
            break
    s = sock_in(CLIENTS[client], socket.AF_INET6, socket.SOCK_RAW,
                socket.IPPROTO_ICMPV6)
    s.bind((src, 0))
    # The kernel sums ICMPv6 on raw sockets itself.
    s.sendto(struct.pack("!BBHHH", 128, 0, 0, ident, 1) + b"explain6",
             (dst, 0))
    s.close()
    end = time.time() + 5
    while time.time() < end:
        if not select.select([wan_icmp], [], [], end - time.time())[0]:
            break
        data, peer = wan_icmp.recvfrom(2048)
        if data[0] == 128:
            return peer[0], struct.unpack("!H", data[4:6])[0]
    return None


def explain(proto, src, dst, *more):
    return knat("explain", proto, src, dst, *more)


def tup(src, sport, dst, dport):
    return {"src": src, "sport": sport, "dst": dst, "dport": dport}


def flow_of(proto, src, sport):
    """The flow whose original tuple starts at [SRC]:SPORT, or None."""
    for f in knat("flow", "list", "family", "inet6") or []:
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


# ---- a forward from outside: new destination, output device ----
e = explain("tcp", ep("2001:db8:1::2", 40001), ep("2001:db8:1::1", 8080))
expect_answer("forward", e, family="inet6", verdict="forward", kind="forward",
              iif="r-wan", oif="r-srv",
              out=tup("2001:db8:1::2", 40001, "fd00:2::2", 80),
              reply=tup("fd00:2::2", 80, "2001:db8:1::2", 40001))
fw = e.get("forward") or {}
check(fw.get("addr") == "2001:db8:1::1" and fw.get("to_addr") == "fd00:2::2" and
      fw.get("port_min") == 8080 and fw.get("to_port") == 80,
      "forward: the forward matched is named", json.dumps(fw))
s, w = connect("wan", "2001:db8:1::2", 40001, "2001:db8:1::1", 8080)
check(w[1:] == [ep("2001:db8:1::2", 40001), "name", "srv"],
      "forward: srv saw the client as explain said (%s)" % " ".join(w))
expect_flow("forward", "tcp", e, "2001:db8:1::2", 40001,
            tup("2001:db8:1::2", 40001, "2001:db8:1::1", 8080))
e2 = explain("tcp", ep("2001:db8:1::2", 40001), ep("2001:db8:1::1", 8080))
expect_answer("forward, connected", e2, verdict="flow", kind="forward",
              state="established", out=e["out"], reply=e["reply"])
s.close()

# ---- its hairpin: srv to the forward comes back from r's address ----
e = explain("tcp", ep("fd00:2::2", 40006), ep("2001:db8:1::1", 8080))
expect_answer("hairpin", e, verdict="forward", kind="hairpin", iif="r-srv",
              oif="r-srv", out=tup("fd00:2::1", 40006, "fd00:2::2", 80))
check("hairpin" in e["flags"] and "port-preserved" in e["flags"],
      "hairpin: flags hairpin port-preserved", e["flags"])
s, w = connect("srv", "fd00:2::2", 40006, "2001:db8:1::1", 8080)
check(w[1:] == [ep("fd00:2::1", 40006), "name", "srv"],
      "hairpin: srv saw r's address as explain said (%s)" % " ".join(w))
s.close()

# ---- a forward of any local address keeping the port (UDP) ----
e = explain("udp", ep("2001:db8:1::2", 40008), ep("2001:db8:1::1", 5353))
expect_answer("forward any", e, verdict="forward",
              out=tup("2001:db8:1::2", 40008, "fd00:2::2", 5353))
check((e.get("forward") or {}).get("addr", "-") is None,
      "forward any: its address is null (any local)", json.dumps(e.get("forward")))
w = datagram("wan", "2001:db8:1::2", 40008, "2001:db8:1::1", 5353)
check(w[1:] == [ep("2001:db8:1::2", 40008), "name", "srv"],
      "forward any: srv saw the client (%s)" % " ".join(w))

# ---- masquerade: r-wan's address, the port kept ----
for proto, sport, send in (("udp", 40002, datagram), ("tcp", 40003, connect)):
    name = "masquerade " + proto
    e = explain(proto, ep("fd00:1::2", sport), ep("2001:db8:1::2", 7000))
    expect_answer(name, e, verdict="snat", kind="snat", iif="r-lan", oif="r-wan",
                  out=tup("2001:db8:1::1", sport, "2001:db8:1::2", 7000),
                  reply=tup("2001:db8:1::2", 7000, "2001:db8:1::1", sport))
    sn = e.get("snat") or {}
    check(sn.get("masquerade") is True and sn.get("src") == "fd00:1::" and
          sn.get("plen") == 64 and sn.get("out_ifname") == "r-wan" and
          e["flags"] == ["port-preserved"],
          "%s: the rule is named, port-preserved" % name, json.dumps(e))
    w = send("c", "fd00:1::2", sport, "2001:db8:1::2", 7000)
    if proto == "tcp":
        w[0].close()
        w = w[1]
    check(w[1:] == [ep("2001:db8:1::1", sport), "name", "wan"],
          "%s: wan saw the masquerade address and port (%s)" % (name, " ".join(w)))
    expect_flow(name, proto, e, "fd00:1::2", sport,
                tup("fd00:1::2", sport, "2001:db8:1::2", 7000))
# Asked again, the UDP flow answers: the same translation, replied.
e2 = explain("udp", ep("fd00:1::2", 40002), ep("2001:db8:1::2", 7000))
expect_answer("masquerade udp, sent", e2, verdict="flow", kind="snat",
              out=tup("2001:db8:1::1", 40002, "2001:db8:1::2", 7000))
check("replied" in e2["flags"] and (e2.get("snat") or {}).get("masquerade"),
      "masquerade udp, sent: replied, the rule named", json.dumps(e2))

# ---- ICMPv6 echo: the id kept ----
e = explain("icmpv6", ep("fd00:1::2", 4242), "2001:db8:1::2")
expect_answer("echo", e, proto="icmpv6", verdict="snat", kind="snat", dport=None,
              out=tup("2001:db8:1::1", 4242, "2001:db8:1::2", 4242))
got = echo("c", "fd00:1::2", 4242, "2001:db8:1::2")
check(got == ("2001:db8:1::1", 4242),
      "echo: wan saw the request from the masquerade address, id 4242 (%s)" % (got,))
f = flow_of("icmpv6", "fd00:1::2", 4242)
check(f is not None and f["reply"] == e["reply"],
      "echo: the flow made is the one explain predicted",
      "flow %s\nexplain %s" % (json.dumps(f), json.dumps(e)))

# ---- no rule: pass, and no flow ----
e = explain("tcp", ep("fd00:1::2", 40004), ep("fd00:2::2", 80))
expect_answer("no rule", e, verdict="pass", iif="r-lan", oif="r-srv", out=None,
              reply=None, snat=None, forward=None)
s, w = connect("c", "fd00:1::2", 40004, "fd00:2::2", 80)
check(w[1:] == [ep("fd00:1::2", 40004), "name", "srv"],
      "no rule: srv saw the client untranslated (%s)" % " ".join(w))
s.close()
check(flow_of("tcp", "fd00:1::2", 40004) is None, "no rule: no flow")
e = explain("udp", ep("2001:db8:1::2", 40005), ep("2001:db8:1::1", 9999))
expect_answer("to r itself", e, verdict="pass", iif="r-wan", oif=None, out=None)

# ---- r's own packet: local, no input device, no SNAT ----
e = explain("udp", ep("2001:db8:1::1", 40007), ep("2001:db8:1::2", 7000))
expect_answer("local", e, local=True, iif=None, verdict="pass", snat=None)

# ---- text, as the man page shows it ----
t = knat_text("explain", "udp", ep("fd00:1::2", 40009), ep("2001:db8:1::2", 7000))
want = ("udp [fd00:1::2]:40009 -> [2001:db8:1::2]:7000 iif r-lan\n"
        "  snat\n"
        "  snat from fd00:1::/64 out r-wan masquerade ports 1024-65535\n"
        "  out [2001:db8:1::1]:40009 -> [2001:db8:1::2]:7000 oif r-wan\n"
        "  reply [2001:db8:1::2]:7000 -> [2001:db8:1::1]:40009\n"
        "  flags port-preserved\n")
check(t == want, "text: brackets before the ports", "got:\n" + t)
for line in t.splitlines():
    print("# " + line)
t = knat_text("explain", "tcp", ep("2001:db8:1::2", 40010), ep("2001:db8:1::1", 8080))
for line in t.splitlines():
    print("# " + line)


# ---- asking changes nothing ----
# Neighbour discovery goes on by itself (probes of stale entries): its
# counters are left out, and the rest must first be still (the TCP
# connections' ends).
def state():
    st = knat("stats")
    for k in ("icmp6_nd", "icmp6_other"):
        st["counters"].pop(k, None)
    return (st, knat("status")["flows"], knat("-s", "snat", "list"),
            knat("-s", "forward", "list"))


before = state()
for i in range(20):
    time.sleep(0.5)
    now = state()
    if now == before:
        break
    before = now
for i in range(10):
    explain("udp", ep("fd00:1::2", 41000 + i), ep("2001:db8:1::2", 7000))
    explain("tcp", ep("2001:db8:1::2", 41000 + i), ep("2001:db8:1::1", 8080))
    explain("icmpv6", ep("fd00:1::2", 41000 + i), "2001:db8:1::2")
    explain("udp", ep("fd00:1::2", 40002), ep("2001:db8:1::2", 7000))
after = state()
check(before == after, "40 explains change no counter, flow or rule",
      "before %s\nafter  %s" % (json.dumps(before), json.dumps(after)))

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


v6a = socket.inet_pton(socket.AF_INET6, "fd00:1::2")
v6b = socket.inet_pton(socket.AF_INET6, "2001:db8:1::2")
v4 = socket.inet_pton(socket.AF_INET, "198.51.100.2")
base = [A("PROTO", bytes([6])), A("SPORT", struct.pack("!H", 5555)),
        A("DPORT", struct.pack("!H", 53))]
# The offset of the Nth attribute of the nest: 16 nlmsghdr + 4 genl + 4 nest.
def offset_of(attrs, n):
    return 24 + sum(len(nla(t, v)) for t, v in attrs[:n])


for label, attrs, bad in (
        ("SRC6 with DST", base + [A("SRC6", v6a), A("DST", v4)], 4),
        ("SRC with DST6", base + [A("SRC", v4), A("DST6", v6b)], 4),
        ("SRC and SRC6", base + [A("SRC6", v6a), A("DST6", v6b), A("SRC", v4)], 5)):
    err, msg, offs = request(attrs)
    check(err == 22 and msg == "A packet is IPv4 or IPv6, not both" and
          offs == offset_of(attrs, bad),
          "kernel: %s refused, the attribute named" % label,
          "errno %d msg %r offset %s (want %d)" % (err, msg, offs, offset_of(attrs, bad)))
attrs = [A("PROTO", bytes([1])), A("SPORT", struct.pack("!H", 7)),
         A("SRC6", v6a), A("DST6", v6b)]
err, msg, offs = request(attrs)
check(err == 22 and msg == "IPv6 echo is ICMPv6, not ICMP" and offs == offset_of(attrs, 0),
      "kernel: ICMP with IPv6 addresses refused, PROTO named", (err, msg, offs))
attrs = base + [A("SRC6", v4), A("DST6", v6b)]
err, msg, offs = request(attrs)
# (NLA_POLICY_EXACT_LEN says ERANGE)
check(err in (22, 34) and offs == offset_of(attrs, 3),
      "kernel: a SRC6 of 4 bytes refused by the policy, SRC6 named", (err, msg, offs))
attrs = base + [A("SRC6", v6a), A("DST6", socket.inet_pton(socket.AF_INET6, "::ffff:192.0.2.2"))]
err, msg, offs = request(attrs)
check(err == 22 and msg == "IPv6 address is IPv4-mapped: use IPv4" and
      offs == offset_of(attrs, 4),
      "kernel: an IPv4-mapped destination refused, DST6 named", (err, msg, offs))
attrs = base + [A("SRC6", v6a), A("DST6", v6b)]
err, msg, offs = request(attrs)
check(err == 0, "kernel: the same request with SRC6 and DST6 answered", (err, msg))
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
knat_in r snat del from fd00:1::/64 out r-wan
knat_in r forward del tcp '[2001:db8:1::1]:8080'
knat_in r forward del udp '[::]:5353'
expect_eq "flows of the rules are gone" 0 "$(knat_in r flow count family inet6)"

tap_end

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Addresses that are no one host, and messages that must not pass:
# configuration refuses rules naming 0/8, 127/8, multicast or the
# broadcast address; genl headers are checked strictly; a VIP answers no
# ping from a martian source and echoes no IP options; an ICMP redirect
# about a flow is dropped; a UDP length that does not fit makes no flow;
# masquerade never takes a link-scope address.
#
#  c1 198.51.100.2 --+                              +-- b1 10.0.2.11
#                    +-- br0 198.51.100.1 [ r ] br1 10.0.2.1 -- b2 10.0.2.12
#  c2 198.51.100.3 --+   VIP 203.0.113.10 (on no    +-- b3 10.0.2.13
#                        interface: routed to r)    +-- b4 10.0.2.14
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 tcpdump

RAWPKT="$SELFTESTS_DIR/rawpkt.py"
rawpkt() {
	local n=$1
	shift
	in_ns "$n" "${PYTHON[@]}" "$RAWPKT" "$@"
}

# stat_reaches NS NAME N: the counter or drop reason NAME is at least N.
stat_reaches() {
	[ "$(stat_of "$1" "$2")" -ge "$3" ]
}

lb_topology || { fail "topology"; tap_end; }
VIP=203.0.113.10

# ---- configuration -------------------------------------------------------
# refused WHAT MESSAGE ARGS...: exit 2 and the kernel's message.
refused() {
	local what=$1 msg=$2 err rc
	shift 2
	err=$(knat_in r "$@" 2>&1 >/dev/null)
	rc=$?
	expect_eq "refused: $what" "2 Error: $msg." "$rc $err"
}
refused "snat to 255.255.255.255" "SNAT address is the broadcast address" \
	snat add from 10.0.2.0/24 to 255.255.255.255
refused "snat to 0.0.0.0" "SNAT address in 0.0.0.0/8" \
	snat add from 10.0.2.0/24 to 0.0.0.0
refused "snat to 127.0.0.1" "SNAT address is a loopback address" \
	snat add from 10.0.2.0/24 to 127.0.0.1
refused "snat to 224.0.0.1" "SNAT address is a multicast address" \
	snat add from 10.0.2.0/24 to 224.0.0.1
refused "snat range ending at 255.255.255.255" \
	"SNAT address is the broadcast address" \
	snat add from 10.0.2.0/24 to 255.255.255.250-255.255.255.255
refused "forward to 127.0.0.1" "Forward destination is a loopback address" \
	forward add tcp 198.51.100.1:80 to 127.0.0.1
refused "forward matching 224.0.0.1" "Forward address is a multicast address" \
	forward add udp 224.0.0.1:5000 to 10.0.2.11
refused "forward matching 255.255.255.255" \
	"Forward address is the broadcast address" \
	forward add udp 255.255.255.255:67 to 10.0.2.11
expect_ok "service add udp $VIP:53" knat_in r service add udp $VIP:53
refused "backend 127.0.0.1" "Backend address is a loopback address" \
	backend add udp $VIP:53 127.0.0.1:5353
refused "backend 0.0.0.0" "Backend address in 0.0.0.0/8" \
	backend add udp $VIP:53 0.0.0.0:5353
refused "backend 239.1.1.1" "Backend address is a multicast address" \
	backend add udp $VIP:53 239.1.1.1:5353
expect_eq "nothing was added" "0 0 0" \
	"$(knat_in r -j status | json_get '"%d %d" % (j["forwards"], j["snats"])') $(knat_in r -j service list | json_get 'len(j[0]["backends"])')"
expect_ok "backend add 10.0.2.11 (a host)" \
	knat_in r backend add udp $VIP:53 10.0.2.11:5353

# ---- strict genl headers ---------------------------------------------------
# status get with a non-zero reserved byte, then with NLM_F_CREATE: the
# family's errno for each (0 = answered).
genl_errs=$(in_ns r "${PYTHON[@]}" - <<'EOF'
import socket, struct
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
s.bind((0, 0))
def req(typ, flags, cmd, ver, rsv, attrs=b""):
    s.send(struct.pack("=IHHII", 20 + len(attrs), typ, flags, 1, 0) +
           struct.pack("=BBH", cmd, ver, rsv) + attrs)
    err = None
    while True:
        d = s.recv(65536)
        off = 0
        while off < len(d):
            ln, t = struct.unpack_from("=IH", d, off)
            if t == 2:
                return struct.unpack_from("=i", d, off + 16)[0], d
            if t >= 16 and err is None:
                err = d[off:off + ln]
            off += (ln + 3) & ~3
        if err is not None and not flags & 4:
            return 0, err
name = b"knat\0"
attr = struct.pack("=HH", 4 + len(name), 2) + name + b"\0" * 3
_, d = req(0x10, 1, 3, 1, 0, attr)
off = 20
fid = None
while off < len(d):
    ln, t = struct.unpack_from("=HH", d, off)
    if t == 1:
        fid = struct.unpack_from("=H", d, off + 4)[0]
    off += (ln + 3) & ~3
ok, _ = req(fid, 1 | 4, 1, 1, 0)
rsv, _ = req(fid, 1 | 4, 1, 1, 1)
create, _ = req(fid, 1 | 4 | 0x400, 1, 1, 0)
print(ok, rsv, create)
EOF
)
expect_eq "genl: plain / reserved set / NLM_F_CREATE" "0 -22 -22" "$genl_errs"

# ---- VIP echo -------------------------------------------------------------
expect_ok "service add tcp $VIP:80" knat_in r service add tcp $VIP:80
knat_in r backend add tcp $VIP:80 10.0.2.11:8080
bad0=$(stat_of r bad-source)
echo0=$(stat_of r vip-echo)
# 127.0.0.1, a directed broadcast of br0's subnet, a multicast address.
rawpkt c1 '
for src in ("127.0.0.1", "198.51.100.255", "224.0.0.9"):
    send(ip(src, "'$VIP'", 1, icmp(8, 0, struct.pack("!HH", 9, 1), b"x")))
'
busywait 3000 stat_reaches r bad-source $((bad0 + 3))
expect_eq "echo from martian sources: dropped bad-source" 3 \
	$(($(stat_of r bad-source) - bad0))
expect_eq "echo from martian sources: no answer" 0 \
	$(($(stat_of r vip-echo) - echo0))

# An echo request with 4 bytes of options (NOP NOP NOP EOL).
reply=$(rawpkt c1 '
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
r.settimeout(3)
body = icmp(8, 0, struct.pack("!HH", 77, 1), b"options")
h = struct.pack("!BBHHHBBH4s4s", 0x46, 0, 24 + len(body), 1, 0, 64, 1, 0,
                _a("198.51.100.2"), _a("'$VIP'")) + b"\1\1\1\0"
h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
send(h + body)
try:
    while True:
        d = r.recv(2048)
        hl = (d[0] & 15) * 4
        if d[hl] == 0 and d[hl + 4:hl + 6] == struct.pack("!H", 77):
            log(ihl=d[0] & 15, csum=csum(d[hl:]), data=d[hl + 8:].decode())
            break
except socket.timeout:
    log(ihl="none")
')
expect_eq "echo with IP options: answered without them" \
	"ihl=5 csum=0 data=options" "$reply"

# ---- ICMP redirect about a flow ---------------------------------------------
# c1 asks the UDP service; b1 then sends c1 a redirect quoting the packet
# it got (c1 -> 10.0.2.11): passed, it would show c1 the backend's address.
expect_eq "udp through the VIP: b1 answers" True \
	"$(rawpkt c1 'print(b" b1" in (udp_ask("'$VIP'", 53, 40000) or b""))')"
red0=$(stat_of r icmp-redirect)
capture c1 eth0 "/tmp/martians-c1-$$.pcap"
rawpkt b1 '
q = ip("198.51.100.2", "10.0.2.11", 17, udp("198.51.100.2", "10.0.2.11", 40000, 5353, b"hi"))
send(ip("10.0.2.11", "198.51.100.2", 1, icmp(5, 1, _a("10.0.2.99"), q)))
'
busywait 3000 stat_reaches r icmp-redirect $((red0 + 1))
capture_stop
expect_eq "redirect about a flow: dropped icmp-redirect" 1 \
	$(($(stat_of r icmp-redirect) - red0))
expect_eq "c1 saw no redirect" 0 \
	"$(tcpdump -nn -r "/tmp/martians-c1-$$.pcap" 'icmp[0] = 5' 2>/dev/null | wc -l)"

# ---- UDP lengths that do not fit --------------------------------------------
# Summed over what they carry (as a receiver sums them) but claiming 20
# bytes more, or less than their own header: udp_rcv() would drop them,
# so knat makes no flow and translates nothing (udp_error()'s rule).  A
# third, right in every way, shows the path works.
flows_of() {
	[ "$(knat_in r flow count src "$1")" = "$2" ]
}
mal0=$(stat_of r malformed)
capture r br1 "/tmp/martians-br1-$$.pcap"
rawpkt c1 '
def lying(sport, ulen):
    u = udp("198.51.100.2", "'$VIP'", sport, 53, b"hi")
    u = u[:4] + struct.pack("!HH", ulen, 0) + u[8:]
    u = u[:6] + struct.pack("!H", csum(_pseudo("198.51.100.2", "'$VIP'", 17, u) + u) or 0xFFFF) + u[8:]
    send(ip("198.51.100.2", "'$VIP'", 17, u))
lying(40100, 30)
lying(40101, 4)
send(ip("198.51.100.2", "'$VIP'", 17, udp("198.51.100.2", "'$VIP'", 40102, 53, b"hi")))
'
busywait 3000 stat_reaches r malformed $((mal0 + 2))
busywait 3000 flows_of 198.51.100.2:40102 1
capture_stop
expect_eq "UDP length past the end or inside the header: dropped malformed" 2 \
	$(($(stat_of r malformed) - mal0))
expect_eq "no flow for either" 0 \
	"$(($(knat_in r flow count src 198.51.100.2:40100) + $(knat_in r flow count src 198.51.100.2:40101)))"
expect_eq "neither reached a backend; the right one did" "0 1" \
	"$(tcpdump -nn -r "/tmp/martians-br1-$$.pcap" 'udp and (src port 40100 or src port 40101)' 2>/dev/null | wc -l) $(tcpdump -nn -r "/tmp/martians-br1-$$.pcap" 'udp and src port 40102' 2>/dev/null | wc -l)"

# ---- masquerade and address scope ---------------------------------------------
# br0's only address becomes link scope: masquerade of b1's traffic to c1
# must find no address (it would otherwise leave from a link-scope one).
in_ns r ip addr del 198.51.100.1/24 dev br0
in_ns r ip addr add 198.51.100.1/24 scope link dev br0
expect_ok "snat add masquerade out br0" \
	knat_in r snat add from 10.0.2.0/24 out br0 masquerade
noaddr0=$(stat_of r no-addr)
capture c1 eth0 "/tmp/martians-c1m-$$.pcap"
rawpkt b1 'udp_send("198.51.100.2", 7000, 41000)'
busywait 3000 stat_reaches r no-addr $((noaddr0 + 1))
capture_stop
expect_eq "masquerade with a link-scope address only: dropped no-addr" 1 \
	$(($(stat_of r no-addr) - noaddr0))
expect_eq "nothing reached c1" 0 \
	"$(tcpdump -nn -r "/tmp/martians-c1m-$$.pcap" 'udp port 7000' 2>/dev/null | wc -l)"

rm -f "/tmp/martians-c1-$$.pcap" "/tmp/martians-c1m-$$.pcap" "/tmp/martians-br1-$$.pcap"
tap_end

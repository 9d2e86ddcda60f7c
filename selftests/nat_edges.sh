#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Edges of the NAT path: fragmented datagrams through a forward (joined
# before translation, split again after), IP options, masquerade flows dropped when
# the device loses its address, and a stray TCP segment to a forward:
# passed untouched and counted, never given a flow.
#
#  in1 10.0.1.2 --+
#                 +-- br0 10.0.1.1 [ r: knat ] r-wan 198.51.100.1
#  in2 10.0.1.3 --+     (udp 5353)                  |
#                          198.51.100.2 wan-r [ wan ] wan-srv 203.0.113.1
#                                                       |
#                                    203.0.113.2 srv-wan [ srv ] (udp 9000)
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 ss

nat_topology || { fail "topology"; tap_end; }
serve in2 serve-udp 5353 in2
serve srv serve-udp 9000 srv
serve srv serve-tcp 8000 srv

expect_ok "forward udp 5353 to in2" knat_in r forward add udp 198.51.100.1:5353 to 10.0.1.3
out=$(nettool srv udp 198.51.100.1 5353 --size 4000 --count 2)
expect_eq "4000-byte datagrams (fragmented both ways) intact" "in2 True" \
	"$(field name "$out") $(field match "$out")"
expect_eq "no fragment dropped" 0 "$(stat_of r fragment)"
capture in2 eth0 "/tmp/opts-$$.pcap"
out=$(nettool srv udp 198.51.100.1 5353 --ipopts --count 2)
capture_stop
expect_eq "datagrams with IP options forwarded and answered" "in2 True" \
	"$(field name "$out") $(field match "$out")"
opts=$(in_ns in2 tcpdump -nn -v -r "/tmp/opts-$$.pcap" 'dst host 10.0.1.3 and udp' 2>/dev/null | grep -c 'options (NOP')
expect_eq "both reached in2 translated, options intact" 2 "$opts"
rm -f "/tmp/opts-$$.pcap"

# A lone ACK to a forwarded port: no flow, passed, counted once.
before=$(stat_of r tcp-untracked)
expect_ok "forward tcp 8080" knat_in r forward add tcp 198.51.100.1:8080 to 10.0.1.2:80
in_ns srv python3 - <<'PY'
import socket, struct
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
src, dst = socket.inet_aton("203.0.113.2"), socket.inet_aton("198.51.100.1")
tcp = struct.pack("!HHIIBBHHH", 40000, 8080, 1, 1, 5 << 4, 0x10, 1024, 0, 0)
c = csum(src + dst + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)
tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
s.sendto(tcp, ("198.51.100.1", 0))
PY
busywait 2000 sh -c "[ \"\$(ip netns exec $(ns r) $KNAT -j stats | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"counters\"][\"tcp_untracked\"])')\" = $((before + 1)) ]" &&
	pass "stray ACK counted as tcp-untracked" || fail "stray ACK counted as tcp-untracked"
expect_eq "and it made no flow" 0 "$(knat_in r flow count proto tcp)"

# Masquerade: flows die with the address they use.
expect_ok "masquerade" knat_in r snat add from 10.0.1.0/24 out r-wan masquerade
out=$(nettool in1 udp 203.0.113.2 9000 --sport 6100)
expect_eq "masquerade works" True "$(field match "$out")"
expect_eq "one masquerade flow" 1 "$(knat_in r flow count kind snat)"
in_ns r ip addr del 198.51.100.1/24 dev r-wan
expect_eq "address gone: its flows gone" 0 "$(knat_in r flow count kind snat)"
before=$(stat_of r no-addr)
in_ns r ip route add default dev r-wan 2>/dev/null
expect_fail "no address to masquerade with" nettool in1 udp 203.0.113.2 9000 --sport 6101 --timeout 1
expect_eq "drop no-addr counted once" $((before + 1)) "$(stat_of r no-addr)"
in_ns r ip route del default dev r-wan 2>/dev/null
in_ns r ip addr add 198.51.100.1/24 dev r-wan
route_add r default via 198.51.100.2
out=$(nettool in1 udp 203.0.113.2 9000 --sport 6102)
expect_eq "address back: masquerade works again" True "$(field match "$out")"

tap_end

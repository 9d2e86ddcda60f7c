#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What an unprivileged user can make knat hold: nobody, in a memory cgroup,
# becomes root of a new user and network namespace (unshare -Urn) and
# creates objects until each limit.  The host (initial namespace) lowers
# the limits so that each is reached in a few requests; the namespace
# cannot raise them; nothing exists beyond a limit; the flows it makes are
# charged to its memory cgroup.  Its flows come in through a forward, so
# they stop at three quarters of its max-flows (the rest is outbound NAT's
# share); beyond that, each new one evicts an unanswered one (early-drop).
#
#   [ initial ns: knat config set limit ... ]
#   [ cgroup knat-limits-PID: nobody -> unshare -Urn ]
#       d0 10.0.0.1/24 (dummy); forward udp 192.0.2.1:53 -> 10.0.0.2
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd unshare setpriv

CG=/sys/fs/cgroup/knat-limits-$$
INNER=/tmp/knat-limits-inner-$$.sh
FLOWS=4000
HELD=$((FLOWS - FLOWS / 4))	# inbound flows' share of the limit

# The limits as they were, put back at the end.
saved=$("$KNAT" -j config show | json_get '" ".join("limit %s %d" % (k.replace("_", "-"), v) for k, v in j["limits"].items())')
restore() {
	# shellcheck disable=SC2086
	[ -n "$saved" ] && "$KNAT" config set $saved
	rmdir "$CG" 2>/dev/null
	rm -f "$INNER"
}
on_exit restore

expect_ok "host: lower every limit" "$KNAT" config set limit forwards 4 \
	limit snats 2 limit services 3 limit backends 4 \
	limit service-backends 2 limit maglev-size 251 limit max-flows $FLOWS

memcg=0
if grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
	echo +memory > /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
	mkdir -p "$CG" && [ -e "$CG/memory.current" ] && memcg=1
fi

# The namespace's side: one "name|value" line per result.
cat > "$INNER" <<'EOF'
r() { printf '%s|' "$1"; shift; out=$("$KNAT" "$@" 2>&1); echo "$? $out"; }
r "config set limit" config set limit snats 100
r "config set max-flows 4001" config set max-flows 4001
for i in 1 2 3 4 5; do
	r "forward add $i" forward add tcp 192.0.2.1:$((100 + i)) to 10.0.0.2
done
for i in 1 2 3; do
	r "snat add $i" snat add from 10.9.$i.0/24 to 192.0.2.$i
done
r "service add maglev-size 1000003" service add tcp 192.0.2.9:80 sched maglev maglev-size 1000003
for i in 1 2 3 4; do
	r "service add $i" service add tcp 192.0.2.9:$i
done
r "service set maglev-size 65537" service set tcp 192.0.2.9:1 maglev-size 65537
for i in 1 2 3; do
	r "backend add 1.$i" backend add tcp 192.0.2.9:1 10.0.0.1$i:80
done
r "backend add 2.1" backend add tcp 192.0.2.9:2 10.0.0.21:80
r "backend add 2.2" backend add tcp 192.0.2.9:2 10.0.0.22:80
r "backend add 3.1" backend add tcp 192.0.2.9:3 10.0.0.31:80
printf 'status|'; "$KNAT" -j status | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["forwards"], j["snats"], j["services"])'

# Flows: one datagram from each of FLOWS + 100 source ports through the
# forward (LOCAL_OUT); nobody answers.  The table holds 3/4 of FLOWS of
# them, each of the others took the place of an earlier one.
ip link set lo up
ip link add d0 type dummy
ip link set d0 up
ip addr add 10.0.0.1/24 dev d0
ip route add 192.0.2.0/24 dev d0
"$KNAT" forward del tcp 192.0.2.1:104 >/dev/null
"$KNAT" forward add udp 192.0.2.1:53 to 10.0.0.2 >/dev/null
slab() { awk '$1 == "slab_unreclaimable" { print $2 }' "$CG/memory.stat" 2>/dev/null || echo 0; }
python3 -S -c 'import socket' # warm: its pages are charged before the baseline
cur0=$(cat "$CG/memory.current" 2>/dev/null || echo 0)
slab0=$(slab)
python3 -S - "$FLOWS" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
n = int(sys.argv[1]) + 100
for i in range(n):
    sport = 10000 + i
    u = struct.pack("!HHHH", sport, 53, 8, 0)
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 0, 0, 64, 17, 0,
                    socket.inet_aton("10.0.0.1"), socket.inet_aton("192.0.2.1"))
    try:
        s.sendto(h + u, ("192.0.2.1", 0))
    except PermissionError:
        pass    # dropped at LOCAL_OUT (table-full): sendto says EPERM
PY
echo "flows|$("$KNAT" flow count)"
# A dump whose filter (tcp) matches none of the UDP flows: how many
# answers (datagrams) it takes, and how many flows they carry.
python3 -S -B - "$NETTOOL" <<'PY'
import os, struct, sys
sys.path.insert(0, os.path.dirname(sys.argv[1]))
from nettool import genl_open
s, fid = genl_open("knat")
proto = struct.pack("=HHB", 5, 2, 6) + b"\0" * 3          # KNAT_FLOW_A_PROTO tcp
nest = struct.pack("=HH", 4 + len(proto), 12 | 0x8000) + proto  # KNAT_A_FLOW
s.send(struct.pack("=IHHII", 20 + len(nest), fid, 1 | 0x300, 2, 0) + struct.pack("=BBH", 10, 1, 0) + nest)
calls = flows = 0
done = False
while not done:
    d = s.recv(65536)
    calls += 1
    off = 0
    while off < len(d):
        ln, t = struct.unpack_from("=IH", d, off)
        if t in (2, 3):
            done = True
        elif t == fid:
            flows += 1
        off += (ln + 3) & ~3
print("empty dump|%d %d" % (calls, flows))
PY
echo "table-full early-drop|$("$KNAT" -j stats | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["drops"].get("table_full", 0), j["counters"].get("early_drop", 0))')"
echo "memory.current grew|$(( $(cat "$CG/memory.current" 2>/dev/null || echo 0) - cur0 ))"
echo "slab grew|$(( $(slab) - slab0 ))"
EOF

run_inner() {
	[ "$memcg" = 1 ] && echo $BASHPID > "$CG/cgroup.procs"
	exec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		unshare -Urn env KNAT="$KNAT" CG="$CG" FLOWS="$FLOWS" \
		NETTOOL="$NETTOOL" bash "$INNER"
}
out=$(run_inner 2>&1)
res() { printf '%s\n' "$out" | awk -F'|' -v k="$1" '$1 == k { print $2 }'; }
[ -n "$(res status)" ] || echo "$out" | sed 's/^/# /'

expect_eq "ns: cannot set a limit" \
	"2 Error: Limits are set from the initial namespace only." \
	"$(res "config set limit")"
expect_eq "ns: cannot raise max-flows over the limit" \
	"2 Error: max-flows above this namespace's limit (limit max-flows, set by the host)." \
	"$(res "config set max-flows 4001")"
expect_eq "ns: 4 forwards" "0 0 0 0" \
	"$(res "forward add 1" | cut -c1) $(res "forward add 2" | cut -c1) $(res "forward add 3" | cut -c1) $(res "forward add 4" | cut -c1)"
expect_eq "ns: the 5th forward refused" \
	"2 Error: Namespace holds as many forwards as its limit allows." \
	"$(res "forward add 5")"
expect_eq "ns: the 3rd SNAT rule refused" \
	"2 Error: Namespace holds as many SNAT rules as its limit allows." \
	"$(res "snat add 3")"
expect_eq "ns: maglev-size over the limit refused" \
	"2 Error: maglev-size above this namespace's limit (limit maglev-size, set by the host)." \
	"$(res "service add maglev-size 1000003")"
expect_eq "ns: the 4th service refused" \
	"2 Error: Namespace holds as many services as its limit allows." \
	"$(res "service add 4")"
expect_eq "ns: service set maglev-size over the limit refused" \
	"2 Error: maglev-size above this namespace's limit (limit maglev-size, set by the host)." \
	"$(res "service set maglev-size 65537")"
expect_eq "ns: the 3rd backend of a service refused" \
	"2 Error: Service holds as many backends as its limit allows." \
	"$(res "backend add 1.3")"
expect_eq "ns: the 5th backend in all refused" \
	"2 Error: Namespace holds as many backends as its limit allows." \
	"$(res "backend add 3.1")"
expect_eq "ns: status: forwards snats services" "4 2 3" "$(res status)"
# Without the namespace's limit its max-flows would be the default, and
# all FLOWS + 100 would be held.
expect_eq "ns: inbound flows stop at 3/4 of the limit" "$HELD" "$(res flows)"
expect_eq "ns: the other $((FLOWS + 100 - HELD)) evicted unanswered ones, none dropped table-full" \
	"0 $((FLOWS + 100 - HELD))" "$(res "table-full early-drop")"
# 6000 flow halves, at most 1024 examined a call: 6 answers (one whole
# walk, before: 1); 4 leaves room for halves the walk repeats or skips.
read -r calls nflows <<< "$(res "empty dump")"
echo "# a dump matching none of $HELD flows took $calls answers"
expect_eq "ns: a dump matching nothing yields (>= 4 answers, no flow)" "1 0" \
	"$(( ${calls:-0} >= 4 )) ${nflows:-x}"
if [ "$memcg" = 1 ]; then
	slab=$(res "slab grew")
	echo "# memory.current +$(res "memory.current grew") B, slab_unreclaimable +$slab B for $HELD flows"
	# A flow is 128 bytes or more: its cgroup pays at least that much
	# for those it holds.
	expect_eq "memcg: slab charged >= 128 B a flow" 1 \
		$(( slab >= HELD * 128 ))
	# memory.current is the whole cgroup's, and the test's own programs
	# come and go in it meanwhile (with 128-byte flows it grew by 60 B
	# a flow while slab grew by 136): a quarter of a flow each.
	# Uncharged, it grew by 2 B a flow.
	expect_eq "memcg: memory.current grew with it (>= 32 B a flow)" 1 \
		$(( $(res "memory.current grew") >= HELD * 32 ))
else
	pass "# SKIP no memory cgroup"
fi

tap_end

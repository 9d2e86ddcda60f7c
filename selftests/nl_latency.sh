#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One namespace's slow request must not stall another's: while namespace a
# adds backends to a maglev service of 1000003 slots (each add rebuilds
# the table), namespace b asks for its status over and over.  b's answers
# must not wait for a's rebuilds (they did while knat ran under the
# kernel-wide genl mutex).
#
#   [ ns a: service, maglev-size 1000003, backend add x3 ]
#   [ ns b: status, status, status, ... (latency of each) ]
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3

netns_add a b || { fail "namespaces"; tap_end; }
saved=$("$KNAT" -j config show | json_get 'j["limits"]["maglev_size"]')
on_exit "$KNAT" config set limit maglev-size "$saved"
expect_ok "host: limit maglev-size 1000003" \
	"$KNAT" config set limit maglev-size 1000003
expect_ok "a: service add maglev-size 1000003" knat_in a service add \
	tcp 192.0.2.10:80 sched maglev maglev-size 1000003

# a: three backend adds, each timed (ms), in the background.
(
	for i in 1 2 3; do
		t0=$(date +%s%3N)
		knat_in a backend add tcp 192.0.2.10:80 10.0.0.1$i:80 >/dev/null
		echo $(($(date +%s%3N) - t0))
	done > "/tmp/nl-latency-adds-$$"
) &
adds=$!

# b: STATUS_GET over one socket until a is done; latencies in ms.
probe=$(in_ns b "${PYTHON[@]}" -B - "$NETTOOL" "$adds" <<'EOF'
import os, struct, sys, time
sys.path.insert(0, os.path.dirname(sys.argv[1]))
from nettool import genl_open
pid = int(sys.argv[2])
s, fid = genl_open("knat")
lat = []
seq = 2
def alive():
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False
while alive() and len(lat) < 50000:
    t0 = time.monotonic()
    s.send(struct.pack("=IHHII", 20, fid, 1, seq, 0) + struct.pack("=BBH", 1, 1, 0))
    s.recv(65536)
    lat.append((time.monotonic() - t0) * 1000)
    seq += 1
lat.sort()
p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else 0
print("%d %.0f %.0f %.0f" % (len(lat), p(0.5), p(0.99), lat[-1] if lat else 0))
EOF
)
wait $adds
read -r n p50 p99 max <<< "$probe"
add_min=$(sort -n "/tmp/nl-latency-adds-$$" | head -1)
echo "# b: $n status requests, p50 ${p50} ms, p99 ${p99} ms, max ${max} ms;" \
	"a: backend adds took $(tr '\n' ' ' < "/tmp/nl-latency-adds-$$")ms"
rm -f "/tmp/nl-latency-adds-$$"
expect_eq "a: 3 backends" 3 \
	"$(knat_in a -j service list | json_get 'len(j[0]["backends"])')"
# Waiting for a rebuild costs b the rebuild (under TCG ~300 ms of an add
# that takes ~1 s with the CLI's start): b's slowest answer must stay
# below a fifth of a's quickest add (measured: 340 ms of 912 ms under the
# genl mutex, 29 ms of 709 ms without).
expect_eq "b: slowest answer < a fifth of the quickest add of a" 1 \
	$(( ${max%.*} * 5 < ${add_min:-0} ))

tap_end

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The control plane at operator scale: SVCS services of BES backends each
# and one service of BIG backends are created (one "knat -b" batch), listed
# (text, -s, -j, and "backend list", whole and of one service), changed
# (scheduler of every service, weight of every backend of the big one) and
# deleted.  Every list must hold every object exactly once, every change
# must show.  The same configuration goes through ipvsadm-restore in the
# same boot, and the objects per second of both, and the time of a full
# "service list", are printed as TAP comments: the test asserts
# completeness, not speed.
#
# In the initial namespace, which has no limits (a namespace's limit walk
# per backend added is not what is measured here), as ipvsadm's is.
#
# The sizes: SCALE_SVCS, SCALE_BES, SCALE_BIG in the environment
# (SCALE_NO_IPVS=1 leaves ipvsadm out).  The default, 3 201 objects, runs
# in about a minute under TCG (ipvsadm-restore takes most of it: some 90
# objects/s there) and still spreads each list over many dump answers (a
# few hundred objects fill one); the issue's size (10000, 10, 5000) was
# measured once by hand, with scripts/vm.
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd python3 awk sort

SVCS=${SCALE_SVCS:-200}
BES=${SCALE_BES:-10}
BIG=${SCALE_BIG:-1000}
[ "$BES" -le 64 ] || skip_all "at most 64 backends a service (one backend add)"

if [ "$("$KNAT" -j status | json_get 'j["services"]')" != 0 ]; then
	skip_all "the initial namespace already has services"
fi

TMP=$(mktemp -d)
on_exit "rm -rf $TMP"
# Whatever a failure leaves behind goes, service by service.
on_exit "$KNAT -j service list | python3 -c 'import json,sys
for s in json.load(sys.stdin): print(\"service del %s %s:%d\" % (s[\"proto\"], s[\"addr\"], s[\"port\"]))' > $TMP/left; $KNAT -b $TMP/left"

BIGVIP=198.19.0.1
NOBJ=$((SVCS * (BES + 1) + BIG + 1))
NBE=$((SVCS * BES + BIG))

# The configuration, once as knat commands, once as ipvsadm's.
python3 - "$SVCS" "$BES" "$BIG" "$TMP" <<'EOF'
import sys
svcs, bes, big, tmp = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
vip = lambda i: "198.18.%d.%d" % (i // 250, i % 250 + 1)
rip = lambda k: "10.3.%d.%d" % (k // 250, k % 250 + 1)
with open(tmp + "/add", "w") as k, open(tmp + "/ipvs-add", "w") as v, \
     open(tmp + "/set", "w") as s, open(tmp + "/del", "w") as d, \
     open(tmp + "/ipvs-del", "w") as vd, open(tmp + "/want", "w") as w:
    for i in range(svcs):
        k.write("service add tcp %s:80 sched wrr\n" % vip(i))
        k.write("backend add tcp %s:80 %s\n" % (vip(i), " ".join(
            "10.2.0.%d:8080" % (j + 1) for j in range(bes))))
        v.write("-A -t %s:80 -s wrr\n" % vip(i))
        for j in range(bes):
            v.write("-a -t %s:80 -r 10.2.0.%d:8080 -m -w 1\n" % (vip(i), j + 1))
        s.write("service set tcp %s:80 sched rr\n" % vip(i))
        d.write("service del tcp %s:80\n" % vip(i))
        vd.write("-D -t %s:80\n" % vip(i))
        w.write("tcp %s:80\n" % vip(i))
    k.write("service add tcp 198.19.0.1:80 sched wrr\n")
    v.write("-A -t 198.19.0.1:80 -s wrr\n")
    for k0 in range(0, big, 64):
        k.write("backend add tcp 198.19.0.1:80 %s\n" % " ".join(
            rip(n) + ":8080" for n in range(k0, min(k0 + 64, big))))
    for n in range(big):
        v.write("-a -t 198.19.0.1:80 -r %s:8080 -m -w 1\n" % rip(n))
        s.write("backend set tcp 198.19.0.1:80 %s:8080 weight 2\n" % rip(n))
    d.write("service del tcp 198.19.0.1:80\n")
    vd.write("-D -t 198.19.0.1:80\n")
    w.write("tcp 198.19.0.1:80\n")
EOF
sort -o "$TMP/want" "$TMP/want"

now() {
	date +%s%N
}

# rate N NS: objects per second, N objects in NS nanoseconds.
rate() {
	awk -v n="$1" -v ns="$2" 'BEGIN { printf "%.0f", n / (ns / 1e9) }'
}

secs() {
	awk -v ns="$1" 'BEGIN { printf "%.2f", ns / 1e9 }'
}

echo "# $SVCS services x $BES backends + 1 service x $BIG backends: $NOBJ objects"

# ---- knat: add -----------------------------------------------------------

t0=$(now)
"$KNAT" -b "$TMP/add" > "$TMP/out" 2>&1
rc=$?
t_add=$(($(now) - t0))
expect_eq "knat -b adds all $NOBJ objects" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/#   /' "$TMP/out" | tail -5

# ---- lists ---------------------------------------------------------------

# check_text DESC FILE: every service once, every backend under it.
check_text() {
	awk '!/^  / { print $1, $2 }' "$2" | sort > "$TMP/got"
	if cmp -s "$TMP/want" "$TMP/got"; then
		pass "$1: every service once"
	else
		fail "$1: every service once"
		diff "$TMP/want" "$TMP/got" | head -5 | sed 's/^/#   /'
	fi
	expect_eq "$1: backend lines" "$NBE" "$(grep -c '^  -> ' "$2")"
	expect_eq "$1: $BIG backends under $BIGVIP" "$BIG" \
		"$(awk -v v="tcp $BIGVIP:80" '!/^  / { in_big = ($1 " " $2 == v) }
			in_big && /^  -> / { n++ } END { print n + 0 }' "$2")"
}

t0=$(now)
"$KNAT" service list > "$TMP/list"
rc=$?
t_list=$(($(now) - t0))
expect_eq "service list succeeds" 0 "$rc"
check_text "service list" "$TMP/list"
echo "# knat service list of $NOBJ objects: $(secs "$t_list") s"

t0=$(now)
"$KNAT" -s service list > "$TMP/list-s"
rc=$?
t_lists=$(($(now) - t0))
expect_eq "-s service list succeeds" 0 "$rc"
check_text "-s service list" "$TMP/list-s"
expect_eq "-s: every object has its counters" "$NOBJ" \
	"$(grep -c ' flows 0 conns 0 packets 0/0 bytes 0/0' "$TMP/list-s")"
echo "# knat -s service list: $(secs "$t_lists") s"

"$KNAT" -j -s service list > "$TMP/json"
expect_eq "-j -s service list: services, backends, distinct, counted" \
	"$((SVCS + 1)) $NBE $((SVCS + 1)) $BIG ok" \
	"$(python3 - "$TMP/json" "$SVCS" "$BES" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
svcs, bes = int(sys.argv[2]), int(sys.argv[3])
keys = {(s["proto"], s["addr"], s["port"]) for s in j}
nbe = sum(len(s["backends"]) for s in j)
big = [s for s in j if s["addr"] == "198.19.0.1"]
ok = all(len({(b["addr"], b["port"]) for b in s["backends"]}) == len(s["backends"])
         and "conns" in s and all("conns" in b for b in s["backends"])
         and (s["addr"] == "198.19.0.1" or len(s["backends"]) == bes) for s in j)
print(len(j), nbe, len(keys), len(big[0]["backends"]) if big else 0,
      "ok" if ok else "bad")
EOF
)"

"$KNAT" backend list > "$TMP/bl"
expect_eq "backend list: every backend once" "$NBE" "$(sort -u "$TMP/bl" | wc -l)"
"$KNAT" backend list tcp $BIGVIP:80 > "$TMP/bl-big"
expect_eq "backend list of $BIGVIP:80: its $BIG backends, no other" "$BIG $BIG" \
	"$(sort -u "$TMP/bl-big" | wc -l) $(grep -c "^tcp $BIGVIP:80 -> 10\.3\." "$TMP/bl-big")"
expect_fail "backend list of no service: ENOENT" \
	"$KNAT" backend list tcp 198.51.100.99:80

# ---- change --------------------------------------------------------------

t0=$(now)
"$KNAT" -b "$TMP/set" > "$TMP/out" 2>&1
rc=$?
t_set=$(($(now) - t0))
expect_eq "knat -b changes every scheduler and $BIG weights" 0 "$rc"
"$KNAT" service list > "$TMP/list"
expect_eq "every service now rr" "$SVCS" "$(grep -c '^tcp 198\.18\.[^ ]* sched rr ' "$TMP/list")"
expect_eq "every backend of $BIGVIP:80 weight 2" "$BIG" \
	"$("$KNAT" backend list tcp $BIGVIP:80 | grep -c ' weight 2 up$')"
echo "# knat set: $((SVCS + BIG)) objects in $(secs "$t_set") s, $(rate $((SVCS + BIG)) "$t_set")/s"

# ---- delete --------------------------------------------------------------

t0=$(now)
"$KNAT" -b "$TMP/del" > "$TMP/out" 2>&1
rc=$?
t_del=$(($(now) - t0))
expect_eq "knat -b deletes every service" 0 "$rc"
expect_eq "nothing listed after" "0 0" \
	"$("$KNAT" service list | wc -l) $("$KNAT" backend list | wc -l)"

echo "# knat add: $NOBJ objects in $(secs "$t_add") s, $(rate "$NOBJ" "$t_add")/s"
echo "# knat del: $((SVCS + 1)) services ($NOBJ objects) in $(secs "$t_del") s, $(rate "$NOBJ" "$t_del") objects/s"

# ---- ipvsadm, the same configuration ------------------------------------

if [ -n "${SCALE_NO_IPVS:-}" ]; then
	echo "# SCALE_NO_IPVS: no comparison"
	tap_end
fi
if ! command -v ipvsadm-restore >/dev/null 2>&1 || ! modprobe ip_vs 2>/dev/null ||
   ! modprobe ip_vs_wrr 2>/dev/null; then
	echo "# ipvsadm-restore or ip_vs missing: no comparison"
	tap_end
fi
on_exit "ipvsadm -C"
t0=$(now)
ipvsadm-restore < "$TMP/ipvs-add"
rc=$?
t_vadd=$(($(now) - t0))
expect_eq "ipvsadm-restore adds the same" 0 "$rc"
t0=$(now)
n=$(ipvsadm -Ln | grep -c -- '->.*Masq')
t_vlist=$(($(now) - t0))
expect_eq "ipvsadm lists every backend" "$NBE" "$n"
# ipvsadm-restore begins with "ipvsadm -C": the deletes go to ipvsadm -R.
t0=$(now)
ipvsadm -R < "$TMP/ipvs-del"
rc=$?
t_vdel=$(($(now) - t0))
expect_eq "ipvsadm -R deletes every service" "0 0" "$rc $(ipvsadm -Ln | grep -c '^TCP')"
echo "# ipvsadm add: $NOBJ objects in $(secs "$t_vadd") s, $(rate "$NOBJ" "$t_vadd")/s"
echo "# ipvsadm del: $((SVCS + 1)) services ($NOBJ objects) in $(secs "$t_vdel") s, $(rate "$NOBJ" "$t_vdel") objects/s"
echo "# ipvsadm -Ln: $(secs "$t_vlist") s"
tap_end

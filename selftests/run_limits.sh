#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The runner's per-test time limits (selftests/settings): a copy of run.sh
# with its own settings runs a test that hangs past its limit, with a
# server in a namespace of its own, then a test that passes.  The hung test
# must fail alone, named as timed out, long before the hang would end;
# its process, its server and its namespace must be gone; the next test
# must still run and pass.
#
#   run.sh (KNAT_RUN_NO_MODULE=1, settings: timeout=30, timeout_hang=2)
#     hang.sh: netns "kt<pid>-h" + sleep in it, then sleeps forever
#     pass.sh: exit 0
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip timeout

dir=$(mktemp -d)
on_exit rm -rf "$dir"
cp "$SELFTESTS_DIR/run.sh" "$dir/run.sh"
printf 'timeout=30\ntimeout_hang=2\n' >"$dir/settings"
tag="runlimits$$"
cat >"$dir/hang.sh" <<EOF2
#!/bin/bash
ip netns add $tag
ip netns exec $tag sleep 1000 &
echo hanging
exec sleep 1000
EOF2
printf '#!/bin/sh\necho passing\n' >"$dir/pass.sh"
chmod +x "$dir"/*.sh

start=$(date +%s)
# Unscaled limits: the debug kernel scales them (KNAT_TIMEOUT_SCALE).
out=$(KNAT_TIMEOUT_SCALE=1 KNAT_RUN_NO_MODULE=1 "$dir/run.sh" hang.sh pass.sh 2>&1)
rc=$?
secs=$(($(date +%s) - start))
echo "#   | ${out//$'\n'/$'\n'#   | }"

expect_eq "runner exit status (one test failed)" 1 "$rc"
expect_eq "hang.sh fails as timed out" \
	"not ok 1 - selftest: hang.sh (timed out after 2 s)" \
	"$(echo "$out" | grep 'hang.sh (' | grep '^not ok')"
expect_eq "pass.sh still runs and passes" "ok 2 - selftest: pass.sh" \
	"$(echo "$out" | grep '^ok .*pass.sh')"
# Loose: TCG on a busy host is slow, but the hang would take 1000 s.
if [ "$secs" -le 120 ]; then
	pass "the run ended in ${secs} s (at most 120, the hang is 1000 s)"
else
	fail "the run ended in ${secs} s (at most 120, the hang is 1000 s)"
fi
expect_eq "hang.sh's namespace deleted" "" "$(ip netns list | grep -w "$tag")"
expect_eq "no process left from hang.sh" "" \
	"$(pgrep -f "sleep 1000" | xargs -r ps -o pid=,args= -p)"
tap_end

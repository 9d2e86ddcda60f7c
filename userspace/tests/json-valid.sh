#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every JSON sample the unit tests wrote must parse: python3 -m json.tool.
# Usage: json-valid.sh DIR      Prints TAP.
dir=${1:?usage: json-valid.sh DIR}
py=${PYTHON:-python3}
n=0 fail=0
echo "TAP version 13"
if ! command -v "$py" >/dev/null 2>&1; then
	echo "1..0 # SKIP $py not found"
	exit 0
fi
for f in "$dir"/*.json; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	if err=$("$py" -m json.tool "$f" 2>&1 >/dev/null); then
		echo "ok $n - $(basename "$f") is valid JSON"
	else
		fail=$((fail + 1))
		echo "not ok $n - $(basename "$f") is valid JSON"
		echo "  ---"
		echo "  error: \"$(echo "$err" | tail -n1)\""
		echo "  ..."
	fi
done
if [ "$n" -eq 0 ]; then
	n=1 fail=1
	echo "not ok 1 - no JSON samples in $dir"
fi
echo "1..$n"
[ "$fail" -eq 0 ]

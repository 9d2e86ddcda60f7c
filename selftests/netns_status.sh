#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The family is visible from any namespace and answers `knat status` for
# that namespace only; -j output is valid JSON.
#
#   [ init ns ]      [ fresh ns "s" ]
#   knat status      knat status, knat -j status, genl ctrl get name knat
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip python3 genl

netns_add s

expect_ok "genl family knat visible in a fresh namespace" \
	in_ns s genl ctrl get name knat

out=$(knat_in s status 2>&1)
expect_match "status names the module version" '^knat [0-9]+\.[0-9]+\.[0-9]+ build ' "$out"
expect_match "no hooks in an unconfigured namespace" 'hooks inactive' "$out"
expect_match "all counts zero" 'forwards 0 snats 0 services 0 flows 0' "$out"

json=$(knat_in s -j status)
if printf '%s' "$json" | json_valid; then
	pass "-j status is valid JSON"
else
	fail "-j status is valid JSON"
	echo "#   got: $json"
fi
expect_eq "JSON hooks_active" "False" "$(printf '%s' "$json" | json_get 'j["hooks_active"]')"
expect_eq "JSON version matches modinfo" \
	"$(modinfo -F version "$KNAT_KO")" \
	"$(printf '%s' "$json" | json_get 'j["version"]')"

pretty=$(knat_in s -j -p status)
expect_eq "-p JSON parses to the same object" \
	"$(printf '%s' "$json" | json_get 'sorted(j.items())')" \
	"$(printf '%s' "$pretty" | json_get 'sorted(j.items())')"

expect_ok "status in the initial namespace" "$KNAT" status
expect_ok "-n NAME selects the namespace" "$KNAT" -n "$(ns s)" status

tap_end

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stats_explain.sh in IPv6: knat explain against the wire in lb6_topology
# with an IPv6 wan (IPv6 services, NAT66 forwards and masquerade, ICMPv6
# echo), and the kernel refusing a request that mixes the families.
KNAT_EXPLAIN_FAMILY=6 exec "$(dirname "$0")/stats_explain.sh"

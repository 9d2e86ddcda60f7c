#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lb_health.sh in IPv6: passive health checking by RST, ICMPv6 port
# unreachable and silence, every step on `knat monitor`, and check-clients,
# in lb6_topology, services and backends bracketed.
KNAT_LB_FAMILY=6 exec "$(dirname "$0")/lb_health.sh"

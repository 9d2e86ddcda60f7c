#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lb_sched.sh in IPv6: the six schedulers, hairpin, LOCAL_OUT, ping6 to the
# VIP and UDP in lb6_topology, services and backends bracketed, the bulk
# transfer captured on both sides of r and checked with pcap6.
KNAT_LB_FAMILY=6 exec "$(dirname "$0")/lb_sched.sh"

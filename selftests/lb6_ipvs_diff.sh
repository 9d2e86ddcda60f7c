#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lb_ipvs_diff.sh in IPv6: the same scenario through IPVS (ipvsadm with
# bracketed IPv6 services and real servers, NAT mode, rr) and through knat,
# in lb6_topology; what the client sees must be the same.
KNAT_LB_FAMILY=6 exec "$(dirname "$0")/lb_ipvs_diff.sh"

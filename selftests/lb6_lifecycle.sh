#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lb_lifecycle.sh in IPv6: a backend deleted with a drain or outright, a
# closed flow's tuple reused, a long flow through weight and scheduler
# changes, in lb6_topology, services, backends and flow filters bracketed.
KNAT_LB_FAMILY=6 exec "$(dirname "$0")/lb_lifecycle.sh"

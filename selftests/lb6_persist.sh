#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lb_persist.sh in IPv6: a client address keeps its backend for persist
# seconds after its last flow, through drains and deletes, in lb6_topology,
# services and backends bracketed.
KNAT_LB_FAMILY=6 exec "$(dirname "$0")/lb_persist.sh"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lb_ecmp.sh in IPv6: two knat routers, the same maglev service behind a
# multipath route to VIP 2001:db8:100::10, backends fd00:2::11..13; a
# router leaves the client-side group and the other takes its flows up.
KNAT_LB_FAMILY=6 exec "$(dirname "$0")/lb_ecmp.sh"

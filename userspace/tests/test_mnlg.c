// SPDX-License-Identifier: GPL-2.0
/*
 * mnlg.c for real, against the kernel's own generic netlink controller
 * ("nlctrl"), which every kernel has: family lookup, multicast groups, a
 * plain request, a dump, a kernel error and its extended ACK message.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>

#include "../mnlg.h"
#include "tap.h"
#include "unit.h"

static int count_families(const struct nlmsghdr *nlh, void *data)
{
	unsigned int *count = data;

	(void)nlh;
	(*count)++;
	return MNL_CB_OK;
}

void test_mnlg(void)
{
	unsigned int count = 0;
	struct nlmsghdr *nlh;
	struct mnlg *g;
	int ret;

	printf("# mnlg against nlctrl\n");
	g = mnlg_open("nlctrl", 2);
	if (!g) {
		tap_ok(true, "mnlg: # SKIP no generic netlink here (%s)", strerror(errno));
		return;
	}
	tap_ok(true, "mnlg_open nlctrl");
	tap_ok(mnlg_mcgrp_id(g, "notify") != 0, "mnlg: nlctrl's \"notify\" group resolved");
	tap_num(mnlg_mcgrp_id(g, "no-such-group"), 0, "mnlg: unknown group is 0");

	nlh = mnlg_msg(g, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	ret = mnlg_run(g, nlh, count_families, &count);
	tap_ok(ret == 0 && count == 1, "mnlg: request answered by one reply and an ACK");

	count = 0;
	nlh = mnlg_msg(g, CTRL_CMD_GETFAMILY, NLM_F_DUMP);
	ret = mnlg_run(g, nlh, count_families, &count);
	tap_ok(ret == 0 && count >= 1, "mnlg: dump runs to DONE (%u families)", count);

	nlh = mnlg_msg(g, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "knat-nofamily");
	ret = mnlg_run(g, nlh, NULL, NULL);
	tap_ok(ret < 0 && errno == ENOENT, "mnlg: kernel error comes back as errno ENOENT");

	/* Longer than the policy's GENL_NAMSIZ - 1: refused with a message. */
	nlh = mnlg_msg(g, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME,
			  "a-family-name-much-longer-than-genl-namsiz");
	ret = mnlg_run(g, nlh, NULL, NULL);
	tap_ok(ret < 0 && errno != 0, "mnlg: policy violation refused (%s)", strerror(errno));
	tap_ok(mnlg_ext_ack_msg(g) != NULL, "mnlg: extended ACK message kept: \"%s\"",
	       mnlg_ext_ack_msg(g) ? mnlg_ext_ack_msg(g) : "(none)");

	nlh = mnlg_msg(g, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	ret = mnlg_run(g, nlh, NULL, NULL);
	tap_ok(ret == 0 && !mnlg_ext_ack_msg(g), "mnlg: message cleared by the next request");

	/* Notifications: join a group by name, read whatever comes. */
	tap_num(mnlg_join(g, "notify"), 0, "mnlg_join: nlctrl's \"notify\" group");
	errno = 0;
	ret = mnlg_join(g, "no-such-group");
	tap_ok(ret < 0 && errno == ENOENT, "mnlg_join: unknown group is ENOENT");
	tap_ok(mnlg_fd(g) >= 0, "mnlg_fd: the socket");
	count = 0;
	nlh = mnlg_msg(g, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	ret = (int)send(mnlg_fd(g), nlh, nlh->nlmsg_len, 0);
	tap_ok(ret > 0 && mnlg_recv(g, count_families, &count) == 0 && count == 1,
	       "mnlg_recv: one datagram read, its message handed to the callback");
	mnlg_close(g);

	errno = 0;
	g = mnlg_open("knat-nofamily", 1);
	tap_ok(!g && errno == ENOENT, "mnlg_open of a missing family: NULL, ENOENT");
	mnlg_close(g);
}

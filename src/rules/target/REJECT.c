/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j REJECT [--reject-with TYPE]: drop the packet and send an ICMP error
 * or a TCP reset back (the kernel's ipt_REJECT.c).  INPUT, FORWARD and
 * OUTPUT only; tcp-reset only for `-p tcp` rules.  The default is
 * icmp-port-unreachable.  filter table only (the kernel's reject_tg_reg.table).
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "rules/ext.h"

enum { O_REJECT_WITH };

struct reject_data {
	uint8_t with; /* enum upt_reject_with */
};

static const struct upt_xt_option reject_opts[] = {
    {"reject-with", O_REJECT_WITH, UPT_XTOPT_ARG},
    {NULL, 0, 0},
};

/* Indexed by enum upt_reject_with; echo-reply is gone from iptables (no names). */
static const struct {
	const char *name, *alias;
} reject_names[] = {
    [UPT_REJECT_ICMP_NET_UNREACHABLE] = {"icmp-net-unreachable", "net-unreach"},
    [UPT_REJECT_ICMP_HOST_UNREACHABLE] = {"icmp-host-unreachable", "host-unreach"},
    [UPT_REJECT_ICMP_PROT_UNREACHABLE] = {"icmp-proto-unreachable", "proto-unreach"},
    [UPT_REJECT_ICMP_PORT_UNREACHABLE] = {"icmp-port-unreachable", "port-unreach"},
    [UPT_REJECT_ICMP_ECHOREPLY] = {NULL, NULL},
    [UPT_REJECT_ICMP_NET_PROHIBITED] = {"icmp-net-prohibited", "net-prohib"},
    [UPT_REJECT_ICMP_HOST_PROHIBITED] = {"icmp-host-prohibited", "host-prohib"},
    [UPT_REJECT_TCP_RESET] = {"tcp-reset", "tcp-rst"},
    [UPT_REJECT_ICMP_ADMIN_PROHIBITED] = {"icmp-admin-prohibited", "admin-prohib"},
};
#define N_REJECT (sizeof(reject_names) / sizeof(reject_names[0]))

static void reject_init(void *data)
{
	struct reject_data *r = data;

	r->with = UPT_REJECT_ICMP_PORT_UNREACHABLE;
}

static int reject_parse(void *data, unsigned id, bool invert, const char *arg,
			struct upt_xt_parse *p)
{
	struct reject_data *r = data;
	size_t i, n = strlen(arg);

	(void)invert;
	if (id != O_REJECT_WITH)
		return -EINVAL;
	/* iptables takes the first name or alias that the argument is a prefix of. */
	for (i = 0; i < N_REJECT; i++) {
		if (!reject_names[i].name)
			continue;
		if (strncasecmp(reject_names[i].name, arg, n) == 0 ||
		    strncasecmp(reject_names[i].alias, arg, n) == 0) {
			r->with = (uint8_t)i;
			return 0;
		}
	}
	return upt_xt_error(p, "unknown reject type \"%s\"", arg);
}

static int reject_check(void *data, struct upt_xt_parse *p)
{
	const struct reject_data *r = data;

	/* reject_tg_check(): a reset needs a TCP segment to answer. */
	if (r->with == UPT_REJECT_TCP_RESET && (p->proto != 6 || p->proto_invert))
		return upt_xt_error(p, "REJECT: TCP_RESET invalid for non-tcp");
	return 0;
}

static void reject_save(const void *data, struct upt_sb *sb)
{
	const struct reject_data *r = data;

	upt_sb_printf(sb, " --reject-with %s", reject_names[r->with].name);
}

static void reject_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct reject_data *r = data;

	(void)flags;
	upt_sb_printf(sb, " reject-with %s", reject_names[r->with].name);
}

static unsigned reject_target(const void *data, struct upt_xt_pkt *p)
{
	const struct reject_data *r = data;

	upt_xt_reject(p, (enum upt_reject_with)r->with);
	p->drop_reason = UPT_DROP_REJECT;
	return UPT_V_DROP;
}

const struct upt_target_ops upt_target_REJECT = {
    .name = "REJECT",
    .size = sizeof(struct reject_data),
    .options = reject_opts,
    .hooks = (1u << UPT_HOOK_LOCAL_IN) | (1u << UPT_HOOK_FORWARD) | (1u << UPT_HOOK_LOCAL_OUT),
    .tables = 1u << UPT_TABLE_FILTER,
    .init = reject_init,
    .parse = reject_parse,
    .check = reject_check,
    .save = reject_save,
    .print = reject_print,
    .target = reject_target,
};

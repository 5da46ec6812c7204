/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j CLASSIFY --set-class MAJOR:MINOR (OUTPUT, FORWARD and POSTROUTING, in
 * any table: the kernel's target names no table, and iptables 1.8.9 takes
 * it in filter too): the kernel's xt_CLASSIFY.c, which sets skb->priority
 * for the egress qdisc to pick a tc class.
 *
 * The class is read as libxt_CLASSIFY reads it, with sscanf("%x:%x"): two
 * hexadecimal numbers, the major shifted into the high 16 bits and the
 * minor cut to its low 16 (TC_H_MAKE), so "0000:ffffffff" and "1:-1" are
 * accepted and cut, as the .t file's comments note iptables does, and
 * characters after the second number are ignored.  Saved as "%04x:%04x",
 * listed as "CLASSIFY set %x:%x".
 *
 * On a packet the target writes upt_xt_pkt.priority and the walk goes on.
 * The engine has no queueing discipline, so nothing reads the priority:
 * this is what the kernel does on a gateway whose interfaces have no tc
 * classes (the default pfifo_fast qdisc maps priorities 0..15 to bands,
 * and a major:minor class handle is far beyond that, i.e. band 1; the
 * engine sends every frame at once and has no bands either).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rules/ext.h"

struct classify_data {
	uint32_t priority;
};

static const struct upt_xt_option classify_opts[] = {
    {"set-class", 0, UPT_XTOPT_ARG},
    {NULL, 0, 0},
};

static void classify_init(void *data)
{
	memset(data, 0, sizeof(struct classify_data));
}

static int classify_parse(void *data, unsigned id, bool invert, const char *arg,
			  struct upt_xt_parse *p)
{
	struct classify_data *c = data;
	unsigned int major, minor;

	(void)invert;
	if (id != 0)
		return -EINVAL;
	if (sscanf(arg, "%x:%x", &major, &minor) != 2)
		return upt_xt_error(p, "Bad class value \"%s\"", arg);
	c->priority = ((uint32_t)major << 16) | (minor & 0xffffu);
	return 0;
}

static int classify_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	if (!(p->seen & 1u))
		return upt_xt_error(p, "CLASSIFY: option \"--set-class\" must be specified");
	return 0;
}

static void classify_save(const void *data, struct upt_sb *sb)
{
	const struct classify_data *c = data;

	upt_sb_printf(sb, " --set-class %.4x:%.4x", c->priority >> 16, c->priority & 0xffffu);
}

static void classify_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct classify_data *c = data;

	(void)flags;
	upt_sb_printf(sb, " CLASSIFY set %x:%x", c->priority >> 16, c->priority & 0xffffu);
}

static unsigned classify_target(const void *data, struct upt_xt_pkt *p)
{
	const struct classify_data *c = data;

	p->priority = c->priority;
	return UPT_V_CONTINUE;
}

const struct upt_target_ops upt_target_CLASSIFY = {
    .name = "CLASSIFY",
    .size = sizeof(struct classify_data),
    .options = classify_opts,
    .hooks = (1u << UPT_HOOK_LOCAL_OUT) | (1u << UPT_HOOK_FORWARD) | (1u << UPT_HOOK_POST_ROUTING),
    .init = classify_init,
    .parse = classify_parse,
    .check = classify_check,
    .save = classify_save,
    .print = classify_print,
    .target = classify_target,
};

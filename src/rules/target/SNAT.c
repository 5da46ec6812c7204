/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j SNAT --to-source [A[-B]][:P[-Q]] [--random] [--random-fully]
 * [--persistent].  nat table, POSTROUTING and INPUT.  Binds the
 * connection's source on its first packet.
 */
#include <errno.h>
#include <string.h>

#include "rules/target/nat_range.h"

enum { O_TO_SRC, O_RANDOM, O_RANDOM_FULLY, O_PERSISTENT };

static const struct upt_xt_option snat_opts[] = {
    {"to-source", O_TO_SRC, UPT_XTOPT_ARG},
    {"random", O_RANDOM, 0},
    {"random-fully", O_RANDOM_FULLY, 0},
    {"persistent", O_PERSISTENT, 0},
    {NULL, 0, 0},
};

static void snat_init(void *data)
{
	memset(data, 0, sizeof(struct upt_nat_tg));
}

static int snat_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct upt_nat_tg *t = data;

	(void)invert;
	switch (id) {
	case O_TO_SRC:
		if (t->given)
			return upt_xt_error(p,
					    "SNAT: option \"--to-source\" can only be used once");
		t->given = 1;
		/* SNAT's info block (revision 1) has no room for a port shift. */
		return upt_nat_parse_to(arg, &t->range, false, p);
	case O_RANDOM:
		t->range.flags |= UPT_NAT_RANGE_PROTO_RANDOM;
		return 0;
	case O_RANDOM_FULLY:
		t->range.flags |= UPT_NAT_RANGE_PROTO_RANDOM_FULLY;
		return 0;
	case O_PERSISTENT:
		t->range.flags |= UPT_NAT_RANGE_PERSISTENT;
		return 0;
	}
	return -EINVAL;
}

static int snat_check(void *data, struct upt_xt_parse *p)
{
	const struct upt_nat_tg *t = data;

	if (!t->given)
		return upt_xt_error(p, "SNAT: option \"--to-source\" must be specified");
	return 0;
}

static void snat_save(const void *data, struct upt_sb *sb)
{
	upt_nat_put(sb, &((const struct upt_nat_tg *)data)->range, "--to-source ", "--", false);
}

static void snat_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	(void)flags;
	upt_nat_put(sb, &((const struct upt_nat_tg *)data)->range, "to:", "", false);
}

static unsigned snat_target(const void *data, struct upt_xt_pkt *p)
{
	return upt_nat_bind(p, UPT_NAT_MANIP_SRC, &((const struct upt_nat_tg *)data)->range);
}

const struct upt_target_ops upt_target_SNAT = {
    .name = "SNAT",
    .needs_conntrack = true,
    .size = sizeof(struct upt_nat_tg),
    .options = snat_opts,
    .hooks = (1u << UPT_HOOK_POST_ROUTING) | (1u << UPT_HOOK_LOCAL_IN),
    .tables = 1u << UPT_TABLE_NAT,
    .init = snat_init,
    .parse = snat_parse,
    .check = snat_check,
    .save = snat_save,
    .print = snat_print,
    .target = snat_target,
};

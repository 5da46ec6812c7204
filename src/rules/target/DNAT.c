/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j DNAT --to-destination [A[-B]][:P[-Q[/BASE]]] [--random] [--persistent]
 * (revision 2: the /BASE port shift).  nat table, PREROUTING and OUTPUT.
 * Binds the connection's destination on its first packet; later packets
 * never see the nat table.
 */
#include <errno.h>
#include <string.h>

#include "rules/target/nat_range.h"

enum { O_TO_DEST, O_RANDOM, O_PERSISTENT };

static const struct upt_xt_option dnat_opts[] = {
    {"to-destination", O_TO_DEST, UPT_XTOPT_ARG},
    {"random", O_RANDOM, 0},
    {"persistent", O_PERSISTENT, 0},
    {NULL, 0, 0},
};

static void dnat_init(void *data)
{
	memset(data, 0, sizeof(struct upt_nat_tg));
}

static int dnat_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct upt_nat_tg *t = data;

	(void)invert;
	switch (id) {
	case O_TO_DEST:
		/* Several ranges were an old kernel feature; iptables refuses them now. */
		if (t->given)
			return upt_xt_error(
			    p, "DNAT: option \"--to-destination\" can only be used once");
		t->given = 1;
		return upt_nat_parse_to(arg, &t->range, true, p);
	case O_RANDOM:
		t->range.flags |= UPT_NAT_RANGE_PROTO_RANDOM;
		return 0;
	case O_PERSISTENT:
		t->range.flags |= UPT_NAT_RANGE_PERSISTENT;
		return 0;
	}
	return -EINVAL;
}

static int dnat_check(void *data, struct upt_xt_parse *p)
{
	const struct upt_nat_tg *t = data;

	if (!t->given)
		return upt_xt_error(p, "DNAT: option \"--to-destination\" must be specified");
	return 0;
}

static void dnat_save(const void *data, struct upt_sb *sb)
{
	upt_nat_put(sb, &((const struct upt_nat_tg *)data)->range, "--to-destination ", "--",
		    false);
}

static void dnat_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	(void)flags;
	upt_nat_put(sb, &((const struct upt_nat_tg *)data)->range, "to:", "", false);
}

static unsigned dnat_target(const void *data, struct upt_xt_pkt *p)
{
	return upt_nat_bind(p, UPT_NAT_MANIP_DST, &((const struct upt_nat_tg *)data)->range);
}

const struct upt_target_ops upt_target_DNAT = {
    .name = "DNAT",
    .needs_conntrack = true,
    .size = sizeof(struct upt_nat_tg),
    .options = dnat_opts,
    .hooks = (1u << UPT_HOOK_PRE_ROUTING) | (1u << UPT_HOOK_LOCAL_OUT),
    .tables = 1u << UPT_TABLE_NAT,
    .init = dnat_init,
    .parse = dnat_parse,
    .check = dnat_check,
    .save = dnat_save,
    .print = dnat_print,
    .target = dnat_target,
};

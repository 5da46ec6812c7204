/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j MASQUERADE [--to-ports P[-Q]] [--random] [--random-fully]: SNAT to
 * the address the egress interface uses towards the next hop
 * (nf_nat_masquerade_ipv4).  nat table, POSTROUTING only.
 */
#include <errno.h>
#include <string.h>

#include "rules/target/nat_range.h"

enum { O_TO_PORTS, O_RANDOM, O_RANDOM_FULLY };

static const struct upt_xt_option masq_opts[] = {
    {"to-ports", O_TO_PORTS, UPT_XTOPT_ARG},
    {"random", O_RANDOM, 0},
    {"random-fully", O_RANDOM_FULLY, 0},
    {NULL, 0, 0},
};

static void masq_init(void *data)
{
	memset(data, 0, sizeof(struct upt_nat_tg));
}

static int masq_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct upt_nat_tg *t = data;

	(void)invert;
	switch (id) {
	case O_TO_PORTS:
		if (t->range.flags & UPT_NAT_RANGE_PROTO_SPECIFIED)
			return upt_xt_error(
			    p, "MASQUERADE: option \"--to-ports\" can only be used once");
		return upt_nat_parse_ports(arg, &t->range, false, p);
	case O_RANDOM:
		t->range.flags |= UPT_NAT_RANGE_PROTO_RANDOM;
		return 0;
	case O_RANDOM_FULLY:
		t->range.flags |= UPT_NAT_RANGE_PROTO_RANDOM_FULLY;
		return 0;
	}
	return -EINVAL;
}

static int masq_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	(void)p;
	return 0; /* every option is optional */
}

static void masq_save(const void *data, struct upt_sb *sb)
{
	upt_nat_put(sb, &((const struct upt_nat_tg *)data)->range, "--to-ports ", "--", true);
}

static void masq_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	(void)flags;
	upt_nat_put(sb, &((const struct upt_nat_tg *)data)->range, "masq ports: ", "", true);
}

static unsigned masq_target(const void *data, struct upt_xt_pkt *p)
{
	const struct upt_nat_tg *t = data;
	struct upt_nat_range r = t->range;
	uint32_t addr;

	if (!p->ct || upt_nat_done(p->ct, UPT_NAT_MANIP_SRC))
		return upt_nat_bind(p, UPT_NAT_MANIP_SRC, &r);
	/* A locally generated packet from 0.0.0.0 is not meant to be masqueraded. */
	if (p->ct->tuple[UPT_CT_DIR_ORIGINAL].src == 0)
		return UPT_V_ACCEPT;
	addr = upt_xt_masquerade_addr(p);
	if (!addr) {
		p->drop_reason = UPT_DROP_NAT_NO_ADDRESS;
		return UPT_V_DROP;
	}
	r.flags |= UPT_NAT_RANGE_MAP_IPS;
	r.min_addr = r.max_addr = addr;
	return upt_xt_nat(p, UPT_NAT_MANIP_SRC, &r);
}

const struct upt_target_ops upt_target_MASQUERADE = {
    .name = "MASQUERADE",
    .needs_conntrack = true,
    .size = sizeof(struct upt_nat_tg),
    .options = masq_opts,
    .hooks = 1u << UPT_HOOK_POST_ROUTING,
    .tables = 1u << UPT_TABLE_NAT,
    .init = masq_init,
    .parse = masq_parse,
    .check = masq_check,
    .save = masq_save,
    .print = masq_print,
    .target = masq_target,
};

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j REDIRECT [--to-ports P[-Q]] [--random]: DNAT to the primary address
 * of the incoming interface, 127.0.0.1 for locally generated packets
 * (nf_nat_redirect_ipv4).  nat table, PREROUTING and OUTPUT.
 */
#include <errno.h>
#include <string.h>

#include "rules/target/nat_range.h"

enum { O_TO_PORTS, O_RANDOM };

static const struct upt_xt_option redir_opts[] = {
    {"to-ports", O_TO_PORTS, UPT_XTOPT_ARG},
    {"random", O_RANDOM, 0},
    {NULL, 0, 0},
};

static void redir_init(void *data)
{
	memset(data, 0, sizeof(struct upt_nat_tg));
}

static int redir_parse(void *data, unsigned id, bool invert, const char *arg,
		       struct upt_xt_parse *p)
{
	struct upt_nat_tg *t = data;

	(void)invert;
	switch (id) {
	case O_TO_PORTS:
		if (t->range.flags & UPT_NAT_RANGE_PROTO_SPECIFIED)
			return upt_xt_error(
			    p, "REDIRECT: option \"--to-ports\" can only be used once");
		return upt_nat_parse_ports(arg, &t->range, false, p);
	case O_RANDOM:
		t->range.flags |= UPT_NAT_RANGE_PROTO_RANDOM;
		return 0;
	}
	return -EINVAL;
}

static int redir_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	(void)p;
	return 0; /* every option is optional */
}

static void redir_save(const void *data, struct upt_sb *sb)
{
	upt_nat_put(sb, &((const struct upt_nat_tg *)data)->range, "--to-ports ", "--", true);
}

static void redir_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	(void)flags;
	upt_nat_put(sb, &((const struct upt_nat_tg *)data)->range, "redir ports ", "", true);
}

static unsigned redir_target(const void *data, struct upt_xt_pkt *p)
{
	const struct upt_nat_tg *t = data;
	struct upt_nat_range r = t->range;
	uint32_t addr;

	if (!p->ct || upt_nat_done(p->ct, UPT_NAT_MANIP_DST))
		return upt_nat_bind(p, UPT_NAT_MANIP_DST, &r);
	addr = upt_xt_redirect_addr(p);
	if (!addr) {
		p->drop_reason = UPT_DROP_NAT_NO_ADDRESS;
		return UPT_V_DROP;
	}
	r.flags |= UPT_NAT_RANGE_MAP_IPS;
	r.min_addr = r.max_addr = addr;
	return upt_xt_nat(p, UPT_NAT_MANIP_DST, &r);
}

const struct upt_target_ops upt_target_REDIRECT = {
    .name = "REDIRECT",
    .needs_conntrack = true,
    .size = sizeof(struct upt_nat_tg),
    .options = redir_opts,
    .hooks = (1u << UPT_HOOK_PRE_ROUTING) | (1u << UPT_HOOK_LOCAL_OUT),
    .tables = 1u << UPT_TABLE_NAT,
    .init = redir_init,
    .parse = redir_parse,
    .check = redir_check,
    .save = redir_save,
    .print = redir_print,
    .target = redir_target,
};

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j NETMAP --to ADDR[/MASK] (nat table; the kernel's xt_NETMAP.c
 * netmap_tg4): one-to-one mapping of a whole network.  The network bits of
 * the address being translated are replaced by those of ADDR, the host bits
 * are kept: in PREROUTING and OUTPUT the destination (a DNAT), in
 * POSTROUTING and INPUT the source (an SNAT).  Like any NAT target it binds
 * only a connection's first packet.
 *
 * Parsing is iptables' XTTYPE_HOSTMASK as observed on iptables 1.8.9:
 * ADDR is masked to the network ("10.1.2.3/8" saves as "10.0.0.0/8"), a
 * prefix length 0..32 or a dotted mask; a dotted mask with holes is taken as
 * /32.  Saved and listed as network/prefix length.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rules/target/nat_range.h"
#include "rules/xt_util.h"

enum { O_TO };

static const struct upt_xt_option netmap_opts[] = {
    {"to", O_TO, UPT_XTOPT_ARG},
    {NULL, 0, 0},
};

static void netmap_init(void *data)
{
	memset(data, 0, sizeof(struct upt_nat_tg));
}

/* Prefix length of a contiguous mask, -1 when it has holes. */
static int mask_len(uint32_t mask)
{
	int n = 0;

	while (n < 32 && (mask & (0x80000000u >> n)))
		n++;
	if (n < 32 && (mask << n) != 0)
		return -1;
	return n;
}

static int netmap_parse(void *data, unsigned id, bool invert, const char *arg,
			struct upt_xt_parse *p)
{
	struct upt_nat_tg *t = data;
	char buf[64];
	char *slash;
	uint32_t addr, mask = 0xffffffffu;
	uint64_t plen;

	(void)invert;
	if (id != O_TO)
		return -EINVAL;
	if (t->given)
		return upt_xt_error(p, "NETMAP: option \"--to\" can only be used once.");
	if (strlen(arg) >= sizeof(buf))
		return upt_xt_error(p, "NETMAP: bad value for option \"--to\": \"%s\"", arg);
	strcpy(buf, arg);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (!upt_xtu_parse_ipv4(buf, &addr))
		return upt_xt_error(p, "host/network `%s' not found", buf);
	if (slash) {
		if (strchr(slash, '.')) {
			int n;

			if (!upt_xtu_parse_ipv4(slash, &mask))
				goto bad_mask;
			n = mask_len(mask);
			if (n < 0)
				mask = 0xffffffffu;
		} else {
			if (!upt_xtu_strtoul(slash, NULL, 0, 32, &plen))
				goto bad_mask;
			mask = plen ? 0xffffffffu << (32 - plen) : 0;
		}
	}
	t->range.flags = UPT_NAT_RANGE_MAP_IPS;
	t->range.min_addr = addr & mask;
	t->range.max_addr = t->range.min_addr | ~mask;
	t->given = 1;
	return 0;
bad_mask:
	return upt_xt_error(p,
			    "NETMAP: bad value for option \"--to\", neither a valid network mask "
			    "nor valid CIDR (0-32).");
}

static int netmap_check(void *data, struct upt_xt_parse *p)
{
	if (!((const struct upt_nat_tg *)data)->given)
		return upt_xt_error(p, "NETMAP: option \"--to\" must be specified");
	return 0;
}

static void put_net(struct upt_sb *sb, const struct upt_nat_range *r)
{
	uint32_t mask = ~(r->min_addr ^ r->max_addr);
	int n = mask_len(mask);

	upt_xtu_put_ipv4(sb, r->min_addr);
	if (n < 0) {
		upt_sb_putc(sb, '/');
		upt_xtu_put_ipv4(sb, mask);
	} else {
		upt_sb_printf(sb, "/%d", n);
	}
}

static void netmap_save(const void *data, struct upt_sb *sb)
{
	upt_sb_puts(sb, " --to ");
	put_net(sb, &((const struct upt_nat_tg *)data)->range);
}

static void netmap_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	(void)flags;
	upt_sb_puts(sb, " to:");
	put_net(sb, &((const struct upt_nat_tg *)data)->range);
}

static unsigned netmap_target(const void *data, struct upt_xt_pkt *p)
{
	const struct upt_nat_range *r = &((const struct upt_nat_tg *)data)->range;
	uint32_t netmask = ~(r->min_addr ^ r->max_addr);
	bool dst = p->hook == UPT_HOOK_PRE_ROUTING || p->hook == UPT_HOOK_LOCAL_OUT;
	struct upt_nat_range one = *r;
	uint32_t a = dst ? p->d->daddr : p->d->saddr;

	one.flags |= UPT_NAT_RANGE_MAP_IPS;
	one.min_addr = one.max_addr = (a & ~netmask) | (r->min_addr & netmask);
	return upt_nat_bind(p, dst ? UPT_NAT_MANIP_DST : UPT_NAT_MANIP_SRC, &one);
}

const struct upt_target_ops upt_target_NETMAP = {
    .name = "NETMAP",
    .needs_conntrack = true,
    .size = sizeof(struct upt_nat_tg),
    .options = netmap_opts,
    .hooks = (1u << UPT_HOOK_PRE_ROUTING) | (1u << UPT_HOOK_POST_ROUTING) |
	     (1u << UPT_HOOK_LOCAL_OUT) | (1u << UPT_HOOK_LOCAL_IN),
    .tables = 1u << UPT_TABLE_NAT,
    .init = netmap_init,
    .parse = netmap_parse,
    .check = netmap_check,
    .save = netmap_save,
    .print = netmap_print,
    .target = netmap_target,
};

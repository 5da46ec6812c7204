/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m iprange (revision 1) --src-range A[-B] / --dst-range A[-B]: inclusive
 * address ranges, each negatable (the kernel's xt_iprange.c).  A reversed
 * range is accepted, as the kernel does (it never matches).
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

#define F_SRC	  0x01
#define F_DST	  0x02
#define F_SRC_INV 0x10
#define F_DST_INV 0x20

enum { O_SRC, O_DST };

struct iprange_data {
	uint32_t src_min, src_max, dst_min, dst_max;
	uint8_t flags;
};

static const struct upt_xt_option iprange_opts[] = {
    {"src-range", O_SRC, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"dst-range", O_DST, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

static void iprange_init(void *data)
{
	memset(data, 0, sizeof(struct iprange_data));
}

static bool parse_range(const char *arg, uint32_t *lo, uint32_t *hi)
{
	char buf[64];
	char *dash;

	if (strlen(arg) >= sizeof(buf))
		return false;
	strcpy(buf, arg);
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	if (!upt_xtu_parse_ipv4(buf, lo))
		return false;
	if (!dash) {
		*hi = *lo;
		return true;
	}
	return upt_xtu_parse_ipv4(dash, hi);
}

static int iprange_parse(void *data, unsigned id, bool invert, const char *arg,
			 struct upt_xt_parse *p)
{
	struct iprange_data *r = data;

	switch (id) {
	case O_SRC:
		if (!parse_range(arg, &r->src_min, &r->src_max))
			return upt_xt_error(p, "iprange match: Bad IP address \"%s\"", arg);
		r->flags |= F_SRC | (invert ? F_SRC_INV : 0);
		return 0;
	case O_DST:
		if (!parse_range(arg, &r->dst_min, &r->dst_max))
			return upt_xt_error(p, "iprange match: Bad IP address \"%s\"", arg);
		r->flags |= F_DST | (invert ? F_DST_INV : 0);
		return 0;
	}
	return -EINVAL;
}

static int iprange_check(void *data, struct upt_xt_parse *p)
{
	const struct iprange_data *r = data;

	if (!(r->flags & (F_SRC | F_DST)))
		return upt_xt_error(p, "iprange match: You must specify `--src-range' or "
				       "`--dst-range'");
	return 0;
}

static void put_range(struct upt_sb *sb, uint32_t lo, uint32_t hi)
{
	upt_xtu_put_ipv4(sb, lo);
	upt_sb_putc(sb, '-');
	upt_xtu_put_ipv4(sb, hi);
}

static void iprange_save(const void *data, struct upt_sb *sb)
{
	const struct iprange_data *r = data;

	if (r->flags & F_SRC) {
		if (r->flags & F_SRC_INV)
			upt_sb_puts(sb, " !");
		upt_sb_puts(sb, " --src-range ");
		put_range(sb, r->src_min, r->src_max);
	}
	if (r->flags & F_DST) {
		if (r->flags & F_DST_INV)
			upt_sb_puts(sb, " !");
		upt_sb_puts(sb, " --dst-range ");
		put_range(sb, r->dst_min, r->dst_max);
	}
}

static void iprange_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct iprange_data *r = data;

	(void)flags;
	if (r->flags & F_SRC) {
		upt_sb_puts(sb, " source IP range");
		if (r->flags & F_SRC_INV)
			upt_sb_puts(sb, " !");
		upt_sb_putc(sb, ' ');
		put_range(sb, r->src_min, r->src_max);
	}
	if (r->flags & F_DST) {
		upt_sb_puts(sb, " destination IP range");
		if (r->flags & F_DST_INV)
			upt_sb_puts(sb, " !");
		upt_sb_putc(sb, ' ');
		put_range(sb, r->dst_min, r->dst_max);
	}
}

static bool iprange_match(const void *data, struct upt_xt_pkt *p)
{
	const struct iprange_data *r = data;
	const struct upt_pdesc *d = p->d;
	bool out;

	if (r->flags & F_SRC) {
		out = d->saddr < r->src_min || d->saddr > r->src_max;
		if (out != !!(r->flags & F_SRC_INV))
			return false;
	}
	if (r->flags & F_DST) {
		out = d->daddr < r->dst_min || d->daddr > r->dst_max;
		if (out != !!(r->flags & F_DST_INV))
			return false;
	}
	return true;
}

const struct upt_match_ops upt_match_iprange = {
    .name = "iprange",
    .size = sizeof(struct iprange_data),
    .options = iprange_opts,
    .init = iprange_init,
    .parse = iprange_parse,
    .check = iprange_check,
    .save = iprange_save,
    .print = iprange_print,
    .match = iprange_match,
};

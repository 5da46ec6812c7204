/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m ipcomp [!] --ipcompspi SPI[:SPI] [--compres]: the Compression
 * Parameter Index of an IPComp header (RFC 3173) within a range (the
 * kernel's xt_ipcomp.c; options and listing of iptables' libxt_ipcomp.c).
 * Ranges as libxtables' UINT32RC: "a", "a:b", ":b", "a:", ":"; a reversed
 * range is refused and an inverted full range listed as
 * "! --ipcompspi 0:4294967295", as iptables >= 1.8.11.
 *
 * Unlike esp, libxt_ipcomp gives the range no default: without
 * --ipcompspi it is 0:0 and listed as "--ipcompspi 0" (iptables 1.8.9 on
 * this machine does exactly that), so the rule matches CPI 0 only.
 * --compres ("reserved field") is accepted and listed but, as in the
 * kernel, takes no part in matching.
 *
 * On the packet: later fragments never match; a packet too short for the
 * 4-byte header is dropped (hotdrop).  The CPI is the 16-bit field at
 * offset 2, compared with the 32-bit range.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

#define IPCOMP_HLEN 4

enum { O_SPI, O_RES };

struct ipcomp_data {
	uint32_t spis[2];
	bool invert;
	bool hdrres;
	bool wrong_proto; /* the rule is not -p ipcomp: the kernel refuses it (kcheck) */
};

static const struct upt_xt_option ipcomp_opts[] = {
    {"ipcompspi", O_SPI, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"compres", O_RES, 0},
    {NULL, 0, 0},
};

static void ipcomp_init(void *data)
{
	memset(data, 0, sizeof(struct ipcomp_data));
}

static int ipcomp_parse(void *data, unsigned id, bool invert, const char *arg,
			struct upt_xt_parse *p)
{
	struct ipcomp_data *c = data;

	switch (id) {
	case O_SPI:
		if (!upt_xtu_parse_u32_range(arg, c->spis))
			return upt_xt_error(p,
					    "ipcomp: bad value for option \"--ipcompspi\" near "
					    "\"%s\", or out of range (0-4294967295).",
					    arg);
		if (c->spis[0] > c->spis[1])
			return upt_xt_error(p, "ipcomp: invalid range given");
		c->invert = invert;
		return 0;
	case O_RES:
		c->hdrres = true;
		return 0;
	}
	return -EINVAL;
}

static int ipcomp_check(void *data, struct upt_xt_parse *p)
{
	struct ipcomp_data *c = data;

	/* The kernel binds the match to protocol 108 (xt_check_match): iptables passes the
	 * rule on and the kernel refuses it, so the refusal is kcheck's. */
	c->wrong_proto = p->proto != 108 || p->proto_invert;
	return 0;
}

static int ipcomp_kcheck(const void *data, char *why, size_t whylen)
{
	const struct ipcomp_data *c = data;

	if (c->wrong_proto) {
		snprintf(why, whylen, "ipcomp match: only valid for protocol 108");
		return -EINVAL;
	}
	return 0;
}

static bool full_range(const struct ipcomp_data *c)
{
	return c->spis[0] == 0 && c->spis[1] == 0xffffffffu && !c->invert;
}

static void ipcomp_save(const void *data, struct upt_sb *sb)
{
	const struct ipcomp_data *c = data;

	if (!full_range(c)) {
		upt_sb_printf(sb, "%s --ipcompspi ", c->invert ? " !" : "");
		if (c->spis[0] != c->spis[1])
			upt_sb_printf(sb, "%u:%u", c->spis[0], c->spis[1]);
		else
			upt_sb_printf(sb, "%u", c->spis[0]);
	}
	if (c->hdrres)
		upt_sb_puts(sb, " --compres");
}

static void ipcomp_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct ipcomp_data *c = data;
	const char *inv = c->invert ? "!" : "";

	(void)flags;
	/* libxt_ipcomp prints " comp " and the range without a leading space. */
	upt_sb_puts(sb, " comp ");
	if (!full_range(c)) {
		if (c->spis[0] == c->spis[1])
			upt_sb_printf(sb, "spi:%s%u", inv, c->spis[0]);
		else
			upt_sb_printf(sb, "spis:%s%u:%u", inv, c->spis[0], c->spis[1]);
	}
	if (c->hdrres)
		upt_sb_puts(sb, " reserved");
}

static bool ipcomp_match(const void *data, struct upt_xt_pkt *p)
{
	const struct ipcomp_data *c = data;
	const struct upt_pdesc *d = p->d;
	uint16_t cpi;

	if (d->proto != 108)
		return false;
	if (d->frag_off & UPT_IP_OFFMASK)
		return false;
	/* l4_len stays inside the validated IP total length, so it bounds the read. */
	if (d->l4_len < IPCOMP_HLEN || !upt_pkt_load16(d, d->l4_off + 2, &cpi)) {
		p->hotdrop = true;
		return false;
	}
	return (cpi >= c->spis[0] && cpi <= c->spis[1]) != c->invert;
}

const struct upt_match_ops upt_match_ipcomp = {
    .name = "ipcomp",
    .size = sizeof(struct ipcomp_data),
    .options = ipcomp_opts,
    .init = ipcomp_init,
    .parse = ipcomp_parse,
    .check = ipcomp_check,
    .kcheck = ipcomp_kcheck,
    .save = ipcomp_save,
    .print = ipcomp_print,
    .match = ipcomp_match,
};

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m dscp --dscp N | --dscp-class NAME: the six DSCP bits of the IPv4 TOS
 * byte (tos >> 2) equal N (the kernel's xt_dscp.c dscp_mt).  The class
 * names are libxt_dscp's table (RFC 2474/2597/3246); a class is stored as
 * its number, so it is saved as --dscp 0x.. as iptables lists it.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "rules/ext.h"
#include "rules/match/dscp_class.h"
#include "rules/xt_util.h"

enum { O_DSCP, O_DSCP_CLASS };

struct dscp_data {
	uint8_t dscp;
	uint8_t invert;
};

static const struct upt_xt_option dscp_opts[] = {
    {"dscp", O_DSCP, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"dscp-class", O_DSCP_CLASS, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

static void dscp_init(void *data)
{
	memset(data, 0, sizeof(struct dscp_data));
}

static int dscp_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct dscp_data *m = data;
	uint64_t v;
	int cls;

	if (p->seen & (1u << (id == O_DSCP ? O_DSCP_CLASS : O_DSCP)))
		return upt_xt_error(
		    p, "dscp: option \"--%s\" cannot be used together with \"--%s\".",
		    id == O_DSCP ? "dscp" : "dscp-class", id == O_DSCP ? "dscp-class" : "dscp");
	if (id == O_DSCP) {
		if (!upt_xtu_strtoul(arg, NULL, 0, 63, &v))
			return upt_xt_error(p, "dscp: bad value for option \"--dscp\", or out of "
					       "range (0-63).");
		m->dscp = (uint8_t)v;
	} else if (id == O_DSCP_CLASS) {
		cls = upt_dscp_class(arg);
		if (cls < 0)
			return upt_xt_error(p, "Invalid DSCP value `%s'", arg);
		m->dscp = (uint8_t)cls;
	} else {
		return -EINVAL;
	}
	m->invert = invert;
	return 0;
}

static int dscp_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	if (!(p->seen & ((1u << O_DSCP) | (1u << O_DSCP_CLASS))))
		return upt_xt_error(p, "DSCP match: Parameter --dscp is required");
	return 0;
}

static void dscp_save(const void *data, struct upt_sb *sb)
{
	const struct dscp_data *m = data;

	upt_sb_printf(sb, "%s --dscp 0x%02x", m->invert ? " !" : "", m->dscp);
}

static void dscp_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct dscp_data *m = data;

	(void)flags;
	upt_sb_printf(sb, " DSCP match %s0x%02x", m->invert ? "!" : "", m->dscp);
}

static bool dscp_match(const void *data, struct upt_xt_pkt *p)
{
	const struct dscp_data *m = data;

	return ((p->d->tos >> 2) == m->dscp) != (bool)m->invert;
}

const struct upt_match_ops upt_match_dscp = {
    .name = "dscp",
    .size = sizeof(struct dscp_data),
    .options = dscp_opts,
    .init = dscp_init,
    .parse = dscp_parse,
    .check = dscp_check,
    .save = dscp_save,
    .print = dscp_print,
    .match = dscp_match,
};

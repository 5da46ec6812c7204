/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j DSCP --set-dscp N | --set-dscp-class NAME (mangle table): rewrite the
 * six DSCP bits of the TOS byte, keeping the two ECN bits, when they
 * differ (the kernel's xt_DSCP.c dscp_tg); the IPv4 header checksum is
 * kept right by the rewriter.
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/match/dscp_class.h"
#include "rules/xt_util.h"

enum { O_SET_DSCP, O_SET_DSCP_CLASS };

struct dscp_tg_data {
	uint8_t dscp;
};

static const struct upt_xt_option dscp_tg_opts[] = {
    {"set-dscp", O_SET_DSCP, UPT_XTOPT_ARG},
    {"set-dscp-class", O_SET_DSCP_CLASS, UPT_XTOPT_ARG},
    {NULL, 0, 0},
};

static void dscp_tg_init(void *data)
{
	memset(data, 0, sizeof(struct dscp_tg_data));
}

static int dscp_tg_parse(void *data, unsigned id, bool invert, const char *arg,
			 struct upt_xt_parse *p)
{
	struct dscp_tg_data *t = data;
	uint64_t v;
	int cls;

	(void)invert;
	if (p->seen & (1u << (id == O_SET_DSCP ? O_SET_DSCP_CLASS : O_SET_DSCP)))
		return upt_xt_error(p,
				    "DSCP: option \"--%s\" cannot be used together with \"--%s\".",
				    id == O_SET_DSCP ? "set-dscp" : "set-dscp-class",
				    id == O_SET_DSCP ? "set-dscp-class" : "set-dscp");
	if (id == O_SET_DSCP) {
		if (!upt_xtu_strtoul(arg, NULL, 0, 63, &v))
			return upt_xt_error(p, "DSCP: bad value for option \"--set-dscp\", or out "
					       "of range (0-63).");
		t->dscp = (uint8_t)v;
		return 0;
	}
	if (id != O_SET_DSCP_CLASS)
		return -EINVAL;
	cls = upt_dscp_class(arg);
	if (cls < 0)
		return upt_xt_error(p, "Invalid DSCP value `%s'", arg);
	t->dscp = (uint8_t)cls;
	return 0;
}

static int dscp_tg_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	if (!(p->seen & ((1u << O_SET_DSCP) | (1u << O_SET_DSCP_CLASS))))
		return upt_xt_error(p, "DSCP target: Parameter --set-dscp is required");
	return 0;
}

static void dscp_tg_save(const void *data, struct upt_sb *sb)
{
	upt_sb_printf(sb, " --set-dscp 0x%02x", ((const struct dscp_tg_data *)data)->dscp);
}

static void dscp_tg_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	(void)flags;
	upt_sb_printf(sb, " DSCP set 0x%02x", ((const struct dscp_tg_data *)data)->dscp);
}

static unsigned dscp_tg_target(const void *data, struct upt_xt_pkt *p)
{
	const struct dscp_tg_data *t = data;
	uint8_t tos = p->d->tos;

	if ((tos >> 2) != t->dscp)
		upt_pdesc_set_tos(p->d, (uint8_t)((tos & 0x03) | (t->dscp << 2)));
	return UPT_V_CONTINUE;
}

const struct upt_target_ops upt_target_DSCP = {
    .name = "DSCP",
    .size = sizeof(struct dscp_tg_data),
    .options = dscp_tg_opts,
    .tables = 1u << UPT_TABLE_MANGLE,
    .init = dscp_tg_init,
    .parse = dscp_tg_parse,
    .check = dscp_tg_check,
    .save = dscp_tg_save,
    .print = dscp_tg_print,
    .target = dscp_tg_target,
};

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m conntrack (revision 3: port ranges, host byte order), the kernel's
 * xt_conntrack.c conntrack_mt().  Every given criterion must hold, each
 * one negatable by its own `!`.  A packet without an entry (INVALID,
 * UNTRACKED) can only satisfy --ctstate: with any other criterion and no
 * --ctstate it does not match.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "rules/match/ctstate.h"
#include "rules/xt_util.h"

#define F_STATE	       (1u << 0)
#define F_PROTO	       (1u << 1)
#define F_ORIGSRC      (1u << 2)
#define F_ORIGDST      (1u << 3)
#define F_REPLSRC      (1u << 4)
#define F_REPLDST      (1u << 5)
#define F_STATUS       (1u << 6)
#define F_EXPIRES      (1u << 7)
#define F_ORIGSRC_PORT (1u << 8)
#define F_ORIGDST_PORT (1u << 9)
#define F_REPLSRC_PORT (1u << 10)
#define F_REPLDST_PORT (1u << 11)
#define F_DIRECTION    (1u << 12)

enum {
	O_CTSTATE,
	O_CTPROTO,
	O_CTORIGSRC,
	O_CTORIGDST,
	O_CTREPLSRC,
	O_CTREPLDST,
	O_CTORIGSRCPORT,
	O_CTORIGDSTPORT,
	O_CTREPLSRCPORT,
	O_CTREPLDSTPORT,
	O_CTSTATUS,
	O_CTEXPIRE,
	O_CTDIR,
};

struct conntrack_data {
	uint32_t addr[4], mask[4]; /* origsrc, origdst, replsrc, repldst */
	uint16_t port[4][2];	   /* origsrc, origdst, replsrc, repldst */
	uint32_t state_mask, status_mask;
	uint32_t expires_min, expires_max;
	uint16_t match_flags, invert_flags;
	uint8_t l4proto;
};

static const struct upt_xt_option conntrack_opts[] = {
    {"ctstate", O_CTSTATE, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"ctproto", O_CTPROTO, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"ctorigsrc", O_CTORIGSRC, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"ctorigdst", O_CTORIGDST, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"ctreplsrc", O_CTREPLSRC, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"ctrepldst", O_CTREPLDST, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"ctorigsrcport", O_CTORIGSRCPORT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"ctorigdstport", O_CTORIGDSTPORT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"ctreplsrcport", O_CTREPLSRCPORT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"ctrepldstport", O_CTREPLDSTPORT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"ctstatus", O_CTSTATUS, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"ctexpire", O_CTEXPIRE, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"ctdir", O_CTDIR, UPT_XTOPT_ARG},
    {NULL, 0, 0},
};

static const char *const addr_opt[] = {"ctorigsrc", "ctorigdst", "ctreplsrc", "ctrepldst"};
static const char *const port_opt[] = {"ctorigsrcport", "ctorigdstport", "ctreplsrcport",
				       "ctrepldstport"};

static const struct upt_xtu_flag_name status_names[] = {
    {"NONE", 0},
    {"EXPECTED", UPT_IPS_EXPECTED},
    {"SEEN_REPLY", UPT_IPS_SEEN_REPLY},
    {"ASSURED", UPT_IPS_ASSURED},
    {"CONFIRMED", UPT_IPS_CONFIRMED},
};
#define N_STATUS (sizeof(status_names) / sizeof(status_names[0]))

static void conntrack_init(void *data)
{
	memset(data, 0, sizeof(struct conntrack_data));
}

static int conntrack_parse(void *data, unsigned id, bool invert, const char *arg,
			   struct upt_xt_parse *p)
{
	struct conntrack_data *c = data;
	uint32_t r[2];
	unsigned flag, k;

	switch (id) {
	case O_CTSTATE:
		if (!upt_ctstate_parse(arg, true, &c->state_mask))
			return upt_xt_error(p, "Bad ctstate \"%s\"", arg);
		flag = F_STATE;
		break;
	case O_CTPROTO:
		if (!upt_xtu_parse_proto(arg, &c->l4proto))
			return upt_xt_error(p, "unknown protocol \"%s\" specified", arg);
		/* Protocol 0 never occurs in an entry: refused with or without `!`
		 * (iptables 1.8.10). */
		if (c->l4proto == 0)
			return upt_xt_error(p, "conntrack: rule would never match protocol");
		flag = F_PROTO;
		break;
	case O_CTORIGSRC:
	case O_CTORIGDST:
	case O_CTREPLSRC:
	case O_CTREPLDST:
		k = id - O_CTORIGSRC;
		if (!upt_xtu_parse_ipv4_mask(arg, &c->addr[k], &c->mask[k]))
			return upt_xt_error(p, "host/network `%s' not found", arg);
		flag = F_ORIGSRC << k;
		break;
	case O_CTORIGSRCPORT:
	case O_CTORIGDSTPORT:
	case O_CTREPLSRCPORT:
	case O_CTREPLDSTPORT:
		k = id - O_CTORIGSRCPORT;
		if (upt_xtu_parse_port_range(arg, NULL, &c->port[k][0], &c->port[k][1]))
			return upt_xt_error(p, "conntrack: bad value for option \"--%s\": \"%s\"",
					    port_opt[k], arg);
		flag = F_ORIGSRC_PORT << k;
		break;
	case O_CTSTATUS:
		if (!upt_xtu_parse_flag_list(arg, status_names, N_STATUS, &c->status_mask))
			return upt_xt_error(p, "Bad ctstatus \"%s\"", arg);
		flag = F_STATUS;
		break;
	case O_CTEXPIRE:
		if (!upt_xtu_parse_u32_range(arg, r) || r[0] > r[1])
			return upt_xt_error(
			    p, "conntrack: bad value for option \"--ctexpire\": \"%s\"", arg);
		c->expires_min = r[0];
		c->expires_max = r[1];
		flag = F_EXPIRES;
		break;
	case O_CTDIR:
		/* REPLY is stored as an inverted ORIGINAL, as the kernel's info block does. */
		if (strcasecmp(arg, "ORIGINAL") == 0)
			c->invert_flags &= (uint16_t)~F_DIRECTION;
		else if (strcasecmp(arg, "REPLY") == 0)
			c->invert_flags |= F_DIRECTION;
		else
			return upt_xt_error(p, "Bad value for \"--ctdir\" option: \"%s\"", arg);
		c->match_flags |= F_DIRECTION;
		return 0;
	default:
		return -EINVAL;
	}
	c->match_flags |= (uint16_t)flag;
	if (invert)
		c->invert_flags |= (uint16_t)flag;
	return 0;
}

static int conntrack_check(void *data, struct upt_xt_parse *p)
{
	const struct conntrack_data *c = data;

	if (!c->match_flags)
		return upt_xt_error(p, "conntrack: At least one option is required");
	return 0;
}

static void put_inv(struct upt_sb *sb, const struct conntrack_data *c, unsigned flag)
{
	if (c->invert_flags & flag)
		upt_sb_puts(sb, " !");
}

/* One routine for save ("--" prefix, numeric) and -L (no prefix). */
static void dump(const struct conntrack_data *c, struct upt_sb *sb, const char *pfx, bool numeric)
{
	const char *sep = " ";
	unsigned k;
	size_t i;

	if (c->match_flags & F_STATE) {
		put_inv(sb, c, F_STATE);
		upt_sb_printf(sb, " %sctstate ", pfx);
		upt_ctstate_put(sb, c->state_mask);
	}
	if (c->match_flags & F_PROTO) {
		put_inv(sb, c, F_PROTO);
		upt_sb_printf(sb, " %sctproto %u", pfx, c->l4proto);
	}
	for (k = 0; k < 4; k++) {
		if (!(c->match_flags & (F_ORIGSRC << k)))
			continue;
		put_inv(sb, c, F_ORIGSRC << k);
		upt_sb_printf(sb, " %s%s ", pfx, addr_opt[k]);
		if (!numeric && c->addr[k] == 0) {
			upt_sb_puts(sb, "anywhere");
			continue;
		}
		upt_xtu_put_ipv4(sb, c->addr[k]);
		upt_xtu_put_mask(sb, c->mask[k]);
	}
	for (k = 0; k < 4; k++) {
		if (!(c->match_flags & (F_ORIGSRC_PORT << k)))
			continue;
		put_inv(sb, c, F_ORIGSRC_PORT << k);
		if (c->port[k][1] == 0 || c->port[k][0] == c->port[k][1])
			upt_sb_printf(sb, " %s%s %u", pfx, port_opt[k], c->port[k][0]);
		else
			upt_sb_printf(sb, " %s%s %u:%u", pfx, port_opt[k], c->port[k][0],
				      c->port[k][1]);
	}
	if (c->match_flags & F_STATUS) {
		put_inv(sb, c, F_STATUS);
		upt_sb_printf(sb, " %sctstatus", pfx);
		for (i = 1; i < N_STATUS; i++) {
			if (c->status_mask & status_names[i].bit) {
				upt_sb_printf(sb, "%s%s", sep, status_names[i].name);
				sep = ",";
			}
		}
		if (c->status_mask == 0)
			upt_sb_printf(sb, "%sNONE", sep);
	}
	if (c->match_flags & F_EXPIRES) {
		put_inv(sb, c, F_EXPIRES);
		if (c->expires_min == c->expires_max)
			upt_sb_printf(sb, " %sctexpire %u", pfx, c->expires_min);
		else
			upt_sb_printf(sb, " %sctexpire %u:%u", pfx, c->expires_min, c->expires_max);
	}
	if (c->match_flags & F_DIRECTION)
		upt_sb_printf(sb, " %sctdir %s", pfx,
			      (c->invert_flags & F_DIRECTION) ? "REPLY" : "ORIGINAL");
}

static void conntrack_save(const void *data, struct upt_sb *sb)
{
	dump(data, sb, "--", true);
}

static void conntrack_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	dump(data, sb, "", flags & UPT_XT_PRINT_NUMERIC);
}

/* Each test answers "does the criterion hold"; `!` flips it. */
static bool holds(const struct conntrack_data *c, unsigned flag, bool cond)
{
	return cond != !!(c->invert_flags & flag);
}

static bool conntrack_match(const void *data, struct upt_xt_pkt *p)
{
	const struct conntrack_data *c = data;
	const struct upt_ct *ct = p->ct;
	const struct upt_tuple *t;
	uint32_t statebit = upt_ctstate_bit(p);
	uint32_t a;
	uint16_t port;
	unsigned k;

	if (c->match_flags & F_STATE) {
		if (ct) {
			if (ct->status & UPT_IPS_SRC_NAT)
				statebit |= UPT_CTS_SNAT;
			if (ct->status & UPT_IPS_DST_NAT)
				statebit |= UPT_CTS_DNAT;
		}
		if (!holds(c, F_STATE, (c->state_mask & statebit) != 0))
			return false;
	}
	if (!ct)
		return c->match_flags & F_STATE;
	if ((c->match_flags & F_DIRECTION) &&
	    !holds(c, F_DIRECTION, p->ctdir == UPT_CT_DIR_ORIGINAL))
		return false;
	for (k = 0; k < 4; k++) {
		if (!(c->match_flags & (F_ORIGSRC << k)))
			continue;
		t = &ct->tuple[k < 2 ? UPT_CT_DIR_ORIGINAL : UPT_CT_DIR_REPLY];
		a = (k & 1) ? t->dst : t->src;
		if (!holds(c, F_ORIGSRC << k, ((a ^ c->addr[k]) & c->mask[k]) == 0))
			return false;
	}
	if ((c->match_flags & F_PROTO) &&
	    !holds(c, F_PROTO, ct->tuple[UPT_CT_DIR_ORIGINAL].proto == c->l4proto))
		return false;
	for (k = 0; k < 4; k++) {
		if (!(c->match_flags & (F_ORIGSRC_PORT << k)))
			continue;
		/* The tuple's port words (ICMP: id, and type << 8 | code), as ->src.u.all. */
		t = &ct->tuple[k < 2 ? UPT_CT_DIR_ORIGINAL : UPT_CT_DIR_REPLY];
		port = (k & 1) ? t->dport : t->sport;
		if (!holds(c, F_ORIGSRC_PORT << k, port >= c->port[k][0] && port <= c->port[k][1]))
			return false;
	}
	if ((c->match_flags & F_STATUS) && !holds(c, F_STATUS, (c->status_mask & ct->status) != 0))
		return false;
	if (c->match_flags & F_EXPIRES) {
		uint32_t left = upt_ct_timeout_left(ct, p->now);

		if (!holds(c, F_EXPIRES, left >= c->expires_min && left <= c->expires_max))
			return false;
	}
	return true;
}

const struct upt_match_ops upt_match_conntrack = {
    .name = "conntrack",
    .needs_conntrack = true,
    .size = sizeof(struct conntrack_data),
    .options = conntrack_opts,
    .init = conntrack_init,
    .parse = conntrack_parse,
    .check = conntrack_check,
    .save = conntrack_save,
    .print = conntrack_print,
    .match = conntrack_match,
};

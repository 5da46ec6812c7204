/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m connbytes [!] --connbytes FROM[:TO] --connbytes-dir original|reply|both
 * --connbytes-mode packets|bytes|avgpkt (the kernel's xt_connbytes.c).
 * Compares the connection's packet count, byte count or average packet
 * size (bytes / packets) in one or both directions with [FROM, TO]; TO
 * defaults to 2^64-1.  `!` is stored as iptables stores it, FROM and TO
 * swapped, and then means "below FROM or above TO".
 *
 * The counts are conntrack's accounting (ct.h upt_ct_acct): installing a
 * ruleset with a connbytes rule turns it on, as the kernel's checkentry
 * does, and it counts every packet conntrack accepted for the connection,
 * this one included (conntrack runs before the rules).  A packet without a
 * connection, or whose connection was created before accounting was on,
 * does not match (with or without `!`).
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_CONNBYTES, O_DIR, O_MODE };
enum { MODE_PKTS = 0, MODE_BYTES = 1, MODE_AVGPKT = 2 }; /* XT_CONNBYTES_* */
enum { DIR_ORIGINAL = 0, DIR_REPLY = 1, DIR_BOTH = 2 };	 /* XT_CONNBYTES_DIR_* */

struct connbytes_data {
	uint64_t from, to;
	uint8_t what, direction;
};

static const struct upt_xt_option connbytes_opts[] = {
    {"connbytes", O_CONNBYTES, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"connbytes-dir", O_DIR, UPT_XTOPT_ARG},
    {"connbytes-mode", O_MODE, UPT_XTOPT_ARG},
    {NULL, 0, 0},
};

static const char *const mode_names[] = {"packets", "bytes", "avgpkt"};
static const char *const dir_names[] = {"original", "reply", "both"};

static void connbytes_init(void *data)
{
	memset(data, 0, sizeof(struct connbytes_data));
}

/* XTTYPE_UINT64RC: "a", "a:b", ":b", "a:", ":"; an empty end is 0 or 2^64-1. */
static bool parse_range(const char *arg, uint64_t *lo, uint64_t *hi)
{
	const char *end = arg;
	uint64_t a = 0, b = UINT64_MAX;

	if (*arg != ':' && !upt_xtu_strtoul(arg, &end, 0, UINT64_MAX, &a))
		return false;
	if (*end == ':') {
		if (end[1] != '\0' && !upt_xtu_strtoul(end + 1, NULL, 0, UINT64_MAX, &b))
			return false;
	} else if (*end != '\0') {
		return false;
	}
	if (a > b)
		return false;
	*lo = a;
	*hi = b;
	return true;
}

static int connbytes_parse(void *data, unsigned id, bool invert, const char *arg,
			   struct upt_xt_parse *p)
{
	struct connbytes_data *c = data;
	uint64_t t;
	unsigned i;

	switch (id) {
	case O_CONNBYTES:
		if (!parse_range(arg, &c->from, &c->to))
			return upt_xt_error(
			    p, "connbytes: bad value for option \"--connbytes\": \"%s\"", arg);
		if (invert) {
			t = c->from;
			c->from = c->to;
			c->to = t;
		}
		return 0;
	case O_DIR:
		for (i = 0; i < 3; i++)
			if (strcmp(arg, dir_names[i]) == 0)
				break;
		if (i == 3)
			return upt_xt_error(p, "Unknown --connbytes-dir `%s'", arg);
		c->direction = (uint8_t)i;
		return 0;
	case O_MODE:
		for (i = 0; i < 3; i++)
			if (strcmp(arg, mode_names[i]) == 0)
				break;
		if (i == 3)
			return upt_xt_error(p, "Unknown --connbytes-mode `%s'", arg);
		c->what = (uint8_t)i;
		return 0;
	}
	return -EINVAL;
}

static int connbytes_check(void *data, struct upt_xt_parse *p)
{
	static const char *const opt[] = {"connbytes", "connbytes-dir", "connbytes-mode"};

	(void)data;
	for (unsigned i = 0; i < 3; i++)
		if (!(p->seen & (1u << i)))
			return upt_xt_error(p, "connbytes: option \"--%s\" must be specified",
					    opt[i]);
	return 0;
}

static void put_range(struct upt_sb *sb, const struct connbytes_data *c, const char *pfx)
{
	uint64_t from = c->from, to = c->to;

	if (c->from > c->to) {
		upt_sb_puts(sb, " !");
		from = c->to;
		to = c->from;
	}
	upt_sb_printf(sb, " %sconnbytes %llu", pfx, (unsigned long long)from);
	if (to && to < UINT64_MAX)
		upt_sb_printf(sb, ":%llu", (unsigned long long)to);
}

static void connbytes_save(const void *data, struct upt_sb *sb)
{
	const struct connbytes_data *c = data;

	put_range(sb, c, "--");
	upt_sb_printf(sb, " --connbytes-mode %s --connbytes-dir %s", mode_names[c->what % 3],
		      dir_names[c->direction % 3]);
}

static void connbytes_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct connbytes_data *c = data;

	(void)flags;
	put_range(sb, c, "");
	upt_sb_printf(sb, " connbytes mode %s connbytes direction %s", mode_names[c->what % 3],
		      dir_names[c->direction % 3]);
}

static bool connbytes_match(const void *data, struct upt_xt_pkt *p)
{
	const struct connbytes_data *c = data;
	const struct upt_ct_acct *a;
	uint64_t what = 0, pkts, bytes;

	if (!p->ct)
		return false;
	a = upt_ct_acct_get(upt_xt_ct_table(p), p->ct);
	if (!a)
		return false;
	switch (c->direction) {
	case DIR_ORIGINAL:
		pkts = a->packets[UPT_CT_DIR_ORIGINAL];
		bytes = a->bytes[UPT_CT_DIR_ORIGINAL];
		break;
	case DIR_REPLY:
		pkts = a->packets[UPT_CT_DIR_REPLY];
		bytes = a->bytes[UPT_CT_DIR_REPLY];
		break;
	default:
		pkts = a->packets[0] + a->packets[1];
		bytes = a->bytes[0] + a->bytes[1];
		break;
	}
	if (c->what == MODE_PKTS)
		what = pkts;
	else if (c->what == MODE_BYTES)
		what = bytes;
	else if (pkts != 0)
		what = bytes / pkts;
	if (c->to >= c->from)
		return what >= c->from && what <= c->to;
	return what < c->to || what > c->from;
}

const struct upt_match_ops upt_match_connbytes = {
    .name = "connbytes",
    .needs_conntrack = true,
    .size = sizeof(struct connbytes_data),
    .options = connbytes_opts,
    .init = connbytes_init,
    .parse = connbytes_parse,
    .check = connbytes_check,
    .save = connbytes_save,
    .print = connbytes_print,
    .match = connbytes_match,
};

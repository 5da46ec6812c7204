/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m connmark [!] --mark VALUE[/MASK] (revision 1, the kernel's
 * xt_connmark.c connmark_mt): (ctmark & MASK) == VALUE.  A packet without
 * a connection (INVALID, UNTRACKED) never matches, with or without `!`.
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_MARK };

struct connmark_data {
	uint32_t mark, mask;
	uint8_t invert;
	uint8_t given;
};

static const struct upt_xt_option connmark_opts[] = {
    {"mark", O_MARK, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

static void connmark_init(void *data)
{
	memset(data, 0, sizeof(struct connmark_data));
}

/* XTTYPE_MARKMASK32: "value[/mask]", mask defaulting to all ones. */
static int connmark_parse(void *data, unsigned id, bool invert, const char *arg,
			  struct upt_xt_parse *p)
{
	struct connmark_data *m = data;
	const char *end;
	uint64_t v, mask = 0xffffffffu;

	if (id != O_MARK)
		return -EINVAL;
	if (!upt_xtu_strtoul(arg, &end, 0, 0xffffffffu, &v))
		return upt_xt_error(
		    p, "connmark: bad mark value for option \"--mark\", or out of range");
	if (*end == '/') {
		if (!upt_xtu_strtoul(end + 1, NULL, 0, 0xffffffffu, &mask))
			return upt_xt_error(p, "connmark: bad mask value for option \"--mark\"");
	} else if (*end != '\0') {
		return upt_xt_error(p,
				    "connmark: trailing garbage after value for option \"--mark\"");
	}
	m->mark = (uint32_t)v;
	m->mask = (uint32_t)mask;
	m->invert = invert;
	m->given = 1;
	return 0;
}

static int connmark_check(void *data, struct upt_xt_parse *p)
{
	if (!((const struct connmark_data *)data)->given)
		return upt_xt_error(p, "connmark: option \"--mark\" must be specified");
	return 0;
}

static void put_mark(struct upt_sb *sb, const struct connmark_data *m)
{
	if (m->mask != 0xffffffffu)
		upt_sb_printf(sb, " 0x%x/0x%x", m->mark, m->mask);
	else
		upt_sb_printf(sb, " 0x%x", m->mark);
}

static void connmark_save(const void *data, struct upt_sb *sb)
{
	const struct connmark_data *m = data;

	upt_sb_puts(sb, m->invert ? " ! --mark" : " --mark");
	put_mark(sb, m);
}

/* iptables prints "connmark match " and then the mark with its own space:
 * "connmark match  0x1", "connmark match ! 0x1/0xff" (iptables 1.8.9). */
static void connmark_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct connmark_data *m = data;

	(void)flags;
	upt_sb_puts(sb, " connmark match ");
	if (m->invert)
		upt_sb_puts(sb, "!");
	put_mark(sb, m);
}

static bool connmark_match(const void *data, struct upt_xt_pkt *p)
{
	const struct connmark_data *m = data;

	if (!p->ct)
		return false;
	return ((p->ct->mark & m->mask) == m->mark) != (bool)m->invert;
}

const struct upt_match_ops upt_match_connmark = {
    .name = "connmark",
    .needs_conntrack = true,
    .size = sizeof(struct connmark_data),
    .options = connmark_opts,
    .init = connmark_init,
    .parse = connmark_parse,
    .check = connmark_check,
    .save = connmark_save,
    .print = connmark_print,
    .match = connmark_match,
};

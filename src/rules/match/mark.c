/* SPDX-License-Identifier: GPL-2.0 */
/* -m mark --mark VALUE[/MASK]: (skb->mark & MASK) == VALUE (the kernel's xt_mark.c). */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_MARK };

struct mark_data {
	uint32_t mark, mask;
	uint8_t invert;
	uint8_t given;
};

static const struct upt_xt_option mark_opts[] = {
    {"mark", O_MARK, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

static void mark_init(void *data)
{
	memset(data, 0, sizeof(struct mark_data));
}

/* XTTYPE_MARKMASK32: "value[/mask]", both 0..2^32-1, mask defaulting to all ones. */
static int mark_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct mark_data *m = data;
	const char *end;
	uint64_t v, mask = 0xffffffffu;

	if (id != O_MARK)
		return -EINVAL;
	if (!upt_xtu_strtoul(arg, &end, 0, 0xffffffffu, &v))
		return upt_xt_error(p,
				    "mark: bad mark value for option \"--mark\", or out of range");
	if (*end == '/') {
		if (!upt_xtu_strtoul(end + 1, NULL, 0, 0xffffffffu, &mask))
			return upt_xt_error(p, "mark: bad mask value for option \"--mark\"");
	} else if (*end != '\0') {
		return upt_xt_error(p, "mark: trailing garbage after value for option \"--mark\"");
	}
	m->mark = (uint32_t)v;
	m->mask = (uint32_t)mask;
	m->invert = invert;
	m->given = 1;
	return 0;
}

static int mark_check(void *data, struct upt_xt_parse *p)
{
	const struct mark_data *m = data;

	if (!m->given)
		return upt_xt_error(p, "mark: option \"--mark\" must be specified");
	return 0;
}

static void put_mark(struct upt_sb *sb, const struct mark_data *m)
{
	if (m->mask != 0xffffffffu)
		upt_sb_printf(sb, " 0x%x/0x%x", m->mark, m->mask);
	else
		upt_sb_printf(sb, " 0x%x", m->mark);
}

static void mark_save(const void *data, struct upt_sb *sb)
{
	const struct mark_data *m = data;

	if (m->invert)
		upt_sb_puts(sb, " !");
	upt_sb_puts(sb, " --mark");
	put_mark(sb, m);
}

static void mark_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct mark_data *m = data;

	(void)flags;
	upt_sb_puts(sb, " mark match");
	if (m->invert)
		upt_sb_puts(sb, " !");
	put_mark(sb, m);
}

static bool mark_match(const void *data, struct upt_xt_pkt *p)
{
	const struct mark_data *m = data;

	return ((p->mark & m->mask) == m->mark) != (bool)m->invert;
}

const struct upt_match_ops upt_match_mark = {
    .name = "mark",
    .size = sizeof(struct mark_data),
    .options = mark_opts,
    .init = mark_init,
    .parse = mark_parse,
    .check = mark_check,
    .save = mark_save,
    .print = mark_print,
    .match = mark_match,
};

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m tos --tos VALUE[/MASK] | NAME (revision 1): (tos & mask) == value
 * (the kernel's xt_dscp.c tos_mt).  A number alone has mask 0xff; an
 * RFC 1349 name has mask 0x3f.
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/match/tos_names.h"

enum { O_TOS };

struct tos_data {
	uint8_t value, mask;
	uint8_t invert;
};

static const struct upt_xt_option tos_opts[] = {
    {"tos", O_TOS, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

static void tos_init(void *data)
{
	memset(data, 0, sizeof(struct tos_data));
}

static int tos_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct tos_data *m = data;
	int rc;

	if (id != O_TOS)
		return -EINVAL;
	rc = upt_tos_parse(arg, 0xff, &m->value, &m->mask);
	if (rc == -2)
		return upt_xt_error(p, "Illegal value: \"%s\"", arg);
	if (rc < 0)
		return upt_xt_error(p, "Symbolic name \"%s\" is unknown", arg);
	m->invert = invert;
	return 0;
}

static int tos_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	if (!(p->seen & (1u << O_TOS)))
		return upt_xt_error(p, "tos: option \"--tos\" must be specified");
	return 0;
}

static void tos_save(const void *data, struct upt_sb *sb)
{
	const struct tos_data *m = data;

	upt_sb_printf(sb, "%s --tos 0x%02x/0x%02x", m->invert ? " !" : "", m->value, m->mask);
}

/* libxt_tos prints "tos match", then "!" and the value with no blank between. */
static void tos_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct tos_data *m = data;
	const char *name = upt_tos_name_of(m->value, m->mask);

	upt_sb_printf(sb, " tos match%s", m->invert ? "!" : "");
	if (name && !(flags & UPT_XT_PRINT_NUMERIC))
		upt_sb_printf(sb, " %s", name);
	else
		upt_sb_printf(sb, "0x%02x/0x%02x", m->value, m->mask);
}

static bool tos_match(const void *data, struct upt_xt_pkt *p)
{
	const struct tos_data *m = data;

	return ((p->d->tos & m->mask) == m->value) != (bool)m->invert;
}

const struct upt_match_ops upt_match_tos = {
    .name = "tos",
    .size = sizeof(struct tos_data),
    .options = tos_opts,
    .init = tos_init,
    .parse = tos_parse,
    .check = tos_check,
    .save = tos_save,
    .print = tos_print,
    .match = tos_match,
};

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m length --length MIN[:MAX]: the IPv4 total length within [MIN, MAX]
 * (the kernel's xt_length.c).  Ranges as libxtables' UINT16RC: "a", "a:b",
 * ":b", "a:", ":"; a reversed range is refused (iptables >= 1.8.10).
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_LENGTH };

struct length_data {
	uint16_t min, max;
	uint8_t invert;
};

static const struct upt_xt_option length_opts[] = {
    {"length", O_LENGTH, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

static void length_init(void *data)
{
	memset(data, 0, sizeof(struct length_data));
}

static int length_parse(void *data, unsigned id, bool invert, const char *arg,
			struct upt_xt_parse *p)
{
	struct length_data *m = data;

	if (id != O_LENGTH)
		return -EINVAL;
	if (!upt_xtu_parse_u16_range(arg, &m->min, &m->max))
		return upt_xt_error(p,
				    "length: bad value for option \"--length\" near \"%s\", or "
				    "out of range (0-65535).",
				    arg);
	if (m->min > m->max)
		return upt_xt_error(p, "length: invalid range given");
	m->invert = invert;
	return 0;
}

static int length_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	if (!(p->seen & (1u << O_LENGTH)))
		return upt_xt_error(p, "length: option \"--length\" must be specified");
	return 0;
}

static void put_range(struct upt_sb *sb, const struct length_data *m)
{
	if (m->min == m->max)
		upt_sb_printf(sb, "%u", m->min);
	else
		upt_sb_printf(sb, "%u:%u", m->min, m->max);
}

static void length_save(const void *data, struct upt_sb *sb)
{
	const struct length_data *m = data;

	upt_sb_printf(sb, "%s --length ", m->invert ? " !" : "");
	put_range(sb, m);
}

static void length_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct length_data *m = data;

	(void)flags;
	upt_sb_printf(sb, " length %s", m->invert ? "!" : "");
	put_range(sb, m);
}

static bool length_match(const void *data, struct upt_xt_pkt *p)
{
	const struct length_data *m = data;
	uint16_t len = p->d->ip_len;

	return (len >= m->min && len <= m->max) != (bool)m->invert;
}

const struct upt_match_ops upt_match_length = {
    .name = "length",
    .size = sizeof(struct length_data),
    .options = length_opts,
    .init = length_init,
    .parse = length_parse,
    .check = length_check,
    .save = length_save,
    .print = length_print,
    .match = length_match,
};

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m ttl [!] --ttl-eq N | --ttl-lt N | --ttl-gt N: compare the IPv4 TTL
 * (the kernel's xt_hl.c ttl_mt; `! --ttl-eq` is its "ne" mode).  Only
 * --ttl-eq can be inverted, and only one of the three may be given.
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_TTL_EQ, O_TTL_LT, O_TTL_GT };
enum { MODE_EQ, MODE_NE, MODE_LT, MODE_GT };

static const char *const opt_name[] = {"ttl-eq", "ttl-lt", "ttl-gt"};

struct ttl_data {
	uint8_t mode;
	uint8_t ttl;
};

static const struct upt_xt_option ttl_opts[] = {
    {"ttl-eq", O_TTL_EQ, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"ttl-lt", O_TTL_LT, UPT_XTOPT_ARG},
    {"ttl-gt", O_TTL_GT, UPT_XTOPT_ARG},
    {NULL, 0, 0},
};

static void ttl_init(void *data)
{
	memset(data, 0, sizeof(struct ttl_data));
}

static int ttl_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct ttl_data *m = data;
	uint64_t v;

	if (id > O_TTL_GT)
		return -EINVAL;
	for (unsigned other = 0; other <= O_TTL_GT; other++)
		if (other != id && (p->seen & (1u << other)))
			return upt_xt_error(p,
					    "ttl: option \"--%s\" cannot be used together with "
					    "\"--%s\".",
					    opt_name[id], opt_name[other]);
	if (!upt_xtu_strtoul(arg, NULL, 0, 255, &v))
		return upt_xt_error(p,
				    "ttl: bad value for option \"--%s\", or out of range (0-255).",
				    opt_name[id]);
	m->ttl = (uint8_t)v;
	m->mode = id == O_TTL_EQ   ? (invert ? MODE_NE : MODE_EQ)
		  : id == O_TTL_LT ? MODE_LT
				   : MODE_GT;
	return 0;
}

static int ttl_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	if (!(p->seen & 0x7u))
		return upt_xt_error(p, "TTL match: You must specify one of `--ttl-eq', `--ttl-lt', "
				       "`--ttl-gt'");
	return 0;
}

static void ttl_save(const void *data, struct upt_sb *sb)
{
	static const char *const form[] = {" --ttl-eq", " ! --ttl-eq", " --ttl-lt", " --ttl-gt"};
	const struct ttl_data *m = data;

	upt_sb_printf(sb, "%s %u", form[m->mode & 3], m->ttl);
}

static void ttl_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	static const char *const op[] = {"==", "!=", "<", ">"};
	const struct ttl_data *m = data;

	(void)flags;
	upt_sb_printf(sb, " TTL match TTL %s %u", op[m->mode & 3], m->ttl);
}

static bool ttl_match(const void *data, struct upt_xt_pkt *p)
{
	const struct ttl_data *m = data;
	uint8_t ttl = p->d->ttl;

	switch (m->mode) {
	case MODE_EQ:
		return ttl == m->ttl;
	case MODE_NE:
		return ttl != m->ttl;
	case MODE_LT:
		return ttl < m->ttl;
	default:
		return ttl > m->ttl;
	}
}

const struct upt_match_ops upt_match_ttl = {
    .name = "ttl",
    .size = sizeof(struct ttl_data),
    .options = ttl_opts,
    .init = ttl_init,
    .parse = ttl_parse,
    .check = ttl_check,
    .save = ttl_save,
    .print = ttl_print,
    .match = ttl_match,
};

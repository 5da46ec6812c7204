/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j TTL --ttl-set N | --ttl-inc N | --ttl-dec N (mangle table): the
 * kernel's xt_HL.c ttl_tg.  Increments stop at 255 and decrements at 0;
 * the IPv4 header checksum is updated only when the TTL changes.  inc/dec
 * by 0 is refused (the kernel's checkentry), as iptables does at parse.
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_TTL_SET, O_TTL_INC, O_TTL_DEC };

static const char *const opt_name[] = {"ttl-set", "ttl-inc", "ttl-dec"};

struct ttl_tg_data {
	uint8_t mode; /* O_TTL_* */
	uint8_t ttl;
};

static const struct upt_xt_option ttl_tg_opts[] = {
    {"ttl-set", O_TTL_SET, UPT_XTOPT_ARG},
    {"ttl-inc", O_TTL_INC, UPT_XTOPT_ARG},
    {"ttl-dec", O_TTL_DEC, UPT_XTOPT_ARG},
    {NULL, 0, 0},
};

static void ttl_tg_init(void *data)
{
	memset(data, 0, sizeof(struct ttl_tg_data));
}

static int ttl_tg_parse(void *data, unsigned id, bool invert, const char *arg,
			struct upt_xt_parse *p)
{
	struct ttl_tg_data *t = data;
	uint64_t v;
	uint64_t min = id == O_TTL_SET ? 0 : 1;

	(void)invert;
	if (id > O_TTL_DEC)
		return -EINVAL;
	for (unsigned other = 0; other <= O_TTL_DEC; other++)
		if (other != id && (p->seen & (1u << other)))
			return upt_xt_error(p,
					    "TTL: option \"--%s\" cannot be used together with "
					    "\"--%s\".",
					    opt_name[id], opt_name[other]);
	if (!upt_xtu_strtoul(arg, NULL, min, 255, &v))
		return upt_xt_error(p,
				    "TTL: bad value for option \"--%s\", or out of range (%u-255).",
				    opt_name[id], (unsigned)min);
	t->mode = (uint8_t)id;
	t->ttl = (uint8_t)v;
	return 0;
}

static int ttl_tg_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	if (!(p->seen & 0x7u))
		return upt_xt_error(p, "TTL: You must specify an action");
	return 0;
}

static void ttl_tg_save(const void *data, struct upt_sb *sb)
{
	const struct ttl_tg_data *t = data;

	upt_sb_printf(sb, " --%s %u", opt_name[t->mode % 3], t->ttl);
}

static void ttl_tg_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	static const char *const what[] = {"set to", "increment by", "decrement by"};
	const struct ttl_tg_data *t = data;

	(void)flags;
	upt_sb_printf(sb, " TTL %s %u", what[t->mode % 3], t->ttl);
}

static unsigned ttl_tg_target(const void *data, struct upt_xt_pkt *p)
{
	const struct ttl_tg_data *t = data;
	int ttl = p->d->ttl;

	switch (t->mode) {
	case O_TTL_SET:
		ttl = t->ttl;
		break;
	case O_TTL_INC:
		ttl += t->ttl;
		if (ttl > 255)
			ttl = 255;
		break;
	default:
		ttl -= t->ttl;
		if (ttl < 0)
			ttl = 0;
		break;
	}
	if (ttl != p->d->ttl)
		upt_pdesc_set_ttl(p->d, (uint8_t)ttl);
	return UPT_V_CONTINUE;
}

const struct upt_target_ops upt_target_TTL = {
    .name = "TTL",
    .size = sizeof(struct ttl_tg_data),
    .options = ttl_tg_opts,
    .tables = 1u << UPT_TABLE_MANGLE,
    .init = ttl_tg_init,
    .parse = ttl_tg_parse,
    .check = ttl_tg_check,
    .save = ttl_tg_save,
    .print = ttl_tg_print,
    .target = ttl_tg_target,
};

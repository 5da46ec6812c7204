/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j TOS (revision 1, mangle table): every form is stored as the kernel's
 * (value, mask) pair and applied as  tos = (tos & ~mask) ^ value  (the
 * kernel's xt_DSCP.c tos_tg), the IPv4 header checksum kept right:
 *   --set-tos V[/M] | NAME  value V, mask M (default 0xff; a name: 0x3f)
 *   --and-tos B             value 0, mask ~B
 *   --or-tos B              value B, mask B
 *   --xor-tos B             value B, mask 0
 * Saved as --set-tos 0xVV/0xMM, as iptables lists it.
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/match/tos_names.h"
#include "rules/xt_util.h"

enum { O_SET_TOS, O_AND_TOS, O_OR_TOS, O_XOR_TOS };

static const char *const opt_name[] = {"set-tos", "and-tos", "or-tos", "xor-tos"};

struct tos_tg_data {
	uint8_t value, mask;
};

static const struct upt_xt_option tos_tg_opts[] = {
    {"set-tos", O_SET_TOS, UPT_XTOPT_ARG},
    {"and-tos", O_AND_TOS, UPT_XTOPT_ARG},
    {"or-tos", O_OR_TOS, UPT_XTOPT_ARG},
    {"xor-tos", O_XOR_TOS, UPT_XTOPT_ARG},
    {NULL, 0, 0},
};

static void tos_tg_init(void *data)
{
	memset(data, 0, sizeof(struct tos_tg_data));
}

static int tos_tg_parse(void *data, unsigned id, bool invert, const char *arg,
			struct upt_xt_parse *p)
{
	struct tos_tg_data *t = data;
	uint64_t v;
	int rc;

	(void)invert;
	if (id > O_XOR_TOS)
		return -EINVAL;
	for (unsigned other = 0; other <= O_XOR_TOS; other++)
		if (other != id && (p->seen & (1u << other)))
			return upt_xt_error(p,
					    "TOS: option \"--%s\" cannot be used together with "
					    "\"--%s\".",
					    opt_name[other], opt_name[id]);
	if (id == O_SET_TOS) {
		rc = upt_tos_parse(arg, 0xff, &t->value, &t->mask);
		if (rc == -2)
			return upt_xt_error(p, "Illegal value: \"%s\"", arg);
		if (rc < 0)
			return upt_xt_error(p, "Symbolic name \"%s\" is unknown", arg);
		return 0;
	}
	if (!upt_xtu_strtoul(arg, NULL, 0, 0xff, &v))
		return upt_xt_error(p,
				    "TOS: bad value for option \"--%s\", or out of range (0-255).",
				    opt_name[id]);
	switch (id) {
	case O_AND_TOS:
		t->value = 0;
		t->mask = (uint8_t)~v;
		break;
	case O_OR_TOS:
		t->value = t->mask = (uint8_t)v;
		break;
	default:
		t->value = (uint8_t)v;
		t->mask = 0;
		break;
	}
	return 0;
}

static int tos_tg_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	if (!(p->seen & 0xfu))
		return upt_xt_error(p, "TOS: An action is required");
	return 0;
}

static void tos_tg_save(const void *data, struct upt_sb *sb)
{
	const struct tos_tg_data *t = data;

	upt_sb_printf(sb, " --set-tos 0x%02x/0x%02x", t->value, t->mask);
}

/* libxt_TOS: a name gets a blank before " TOS set" and none after it. */
static void tos_tg_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct tos_tg_data *t = data;
	const char *name = upt_tos_name_of(t->value, t->mask);

	if (flags & UPT_XT_PRINT_NUMERIC)
		upt_sb_printf(sb, " TOS set 0x%02x/0x%02x", t->value, t->mask);
	else if (name)
		upt_sb_printf(sb, "  TOS set%s", name);
	else if (t->value == 0)
		upt_sb_printf(sb, " TOS and 0x%02x", (uint8_t)~t->mask);
	else if (t->value == t->mask)
		upt_sb_printf(sb, " TOS or 0x%02x", t->value);
	else if (t->mask == 0)
		upt_sb_printf(sb, " TOS xor 0x%02x", t->value);
	else
		upt_sb_printf(sb, " TOS set 0x%02x/0x%02x", t->value, t->mask);
}

static unsigned tos_tg_target(const void *data, struct upt_xt_pkt *p)
{
	const struct tos_tg_data *t = data;
	uint8_t nv = (uint8_t)((p->d->tos & ~t->mask) ^ t->value);

	if (nv != p->d->tos)
		upt_pdesc_set_tos(p->d, nv);
	return UPT_V_CONTINUE;
}

const struct upt_target_ops upt_target_TOS = {
    .name = "TOS",
    .size = sizeof(struct tos_tg_data),
    .options = tos_tg_opts,
    .tables = 1u << UPT_TABLE_MANGLE,
    .init = tos_tg_init,
    .parse = tos_tg_parse,
    .check = tos_tg_check,
    .save = tos_tg_save,
    .print = tos_tg_print,
    .target = tos_tg_target,
};

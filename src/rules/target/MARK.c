/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j MARK (revision 2): every form is stored as the kernel's (mark, mask)
 * pair and applied as  skb->mark = (skb->mark & ~mask) ^ mark:
 *   --set-xmark V[/M]  mark V, mask M (default all ones)
 *   --set-mark V[/M]   mark V, mask V|M (zero the mask bits, then set V)
 *   --and-mark V       mark 0, mask ~V
 *   --or-mark V        mark V, mask V
 *   --xor-mark V       mark V, mask 0
 * Saved as --set-xmark V/M, as iptables prints it.
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_SET_XMARK, O_SET_MARK, O_AND_MARK, O_OR_MARK, O_XOR_MARK };

static const char *const opt_name[] = {"set-xmark", "set-mark", "and-mark", "or-mark", "xor-mark"};

struct mark_tg_data {
	uint32_t mark, mask;
	uint8_t given;
};

static const struct upt_xt_option mark_tg_opts[] = {
    {"set-xmark", O_SET_XMARK, UPT_XTOPT_ARG}, {"set-mark", O_SET_MARK, UPT_XTOPT_ARG},
    {"and-mark", O_AND_MARK, UPT_XTOPT_ARG},   {"or-mark", O_OR_MARK, UPT_XTOPT_ARG},
    {"xor-mark", O_XOR_MARK, UPT_XTOPT_ARG},   {NULL, 0, 0},
};

static void mark_tg_init(void *data)
{
	memset(data, 0, sizeof(struct mark_tg_data));
}

static int mark_tg_parse(void *data, unsigned id, bool invert, const char *arg,
			 struct upt_xt_parse *p)
{
	struct mark_tg_data *m = data;
	const char *end;
	uint64_t v, mask = 0xffffffffu;

	(void)invert;
	if (id > O_XOR_MARK)
		return -EINVAL;
	if (m->given)
		return upt_xt_error(p,
				    "MARK: only one of --set-xmark, --set-mark, --and-mark, "
				    "--or-mark, --xor-mark may be given (\"--%s\")",
				    opt_name[id]);
	if (!upt_xtu_strtoul(arg, &end, 0, 0xffffffffu, &v))
		return upt_xt_error(p, "MARK: bad value for option \"--%s\": \"%s\"", opt_name[id],
				    arg);
	if (*end == '/' && (id == O_SET_XMARK || id == O_SET_MARK)) {
		if (!upt_xtu_strtoul(end + 1, NULL, 0, 0xffffffffu, &mask))
			return upt_xt_error(p, "MARK: bad mask for option \"--%s\": \"%s\"",
					    opt_name[id], arg);
	} else if (*end != '\0') {
		return upt_xt_error(p, "MARK: bad value for option \"--%s\": \"%s\"", opt_name[id],
				    arg);
	}
	switch (id) {
	case O_SET_XMARK:
		m->mark = (uint32_t)v;
		m->mask = (uint32_t)mask;
		break;
	case O_SET_MARK:
		m->mark = (uint32_t)v;
		m->mask = (uint32_t)(v | mask);
		break;
	case O_AND_MARK:
		m->mark = 0;
		m->mask = ~(uint32_t)v;
		break;
	case O_OR_MARK:
		m->mark = m->mask = (uint32_t)v;
		break;
	case O_XOR_MARK:
		m->mark = (uint32_t)v;
		m->mask = 0;
		break;
	}
	m->given = 1;
	return 0;
}

static int mark_tg_check(void *data, struct upt_xt_parse *p)
{
	const struct mark_tg_data *m = data;

	if (!m->given)
		return upt_xt_error(p, "MARK target: Parameter --set/and/or/xor-mark is required");
	return 0;
}

static void mark_tg_save(const void *data, struct upt_sb *sb)
{
	const struct mark_tg_data *m = data;

	upt_sb_printf(sb, " --set-xmark 0x%x/0x%x", m->mark, m->mask);
}

static void mark_tg_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct mark_tg_data *m = data;

	(void)flags;
	if (m->mark == 0)
		upt_sb_printf(sb, " MARK and 0x%x", ~m->mask);
	else if (m->mark == m->mask)
		upt_sb_printf(sb, " MARK or 0x%x", m->mark);
	else if (m->mask == 0)
		upt_sb_printf(sb, " MARK xor 0x%x", m->mark);
	else if (m->mask == 0xffffffffu)
		upt_sb_printf(sb, " MARK set 0x%x", m->mark);
	else
		upt_sb_printf(sb, " MARK xset 0x%x/0x%x", m->mark, m->mask);
}

static unsigned mark_tg_target(const void *data, struct upt_xt_pkt *p)
{
	const struct mark_tg_data *m = data;

	p->mark = (p->mark & ~m->mask) ^ m->mark;
	return UPT_V_CONTINUE;
}

const struct upt_target_ops upt_target_MARK = {
    .name = "MARK",
    .size = sizeof(struct mark_tg_data),
    .options = mark_tg_opts,
    .init = mark_tg_init,
    .parse = mark_tg_parse,
    .check = mark_tg_check,
    .save = mark_tg_save,
    .print = mark_tg_print,
    .target = mark_tg_target,
};

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j CONNMARK (revision 2, the kernel's xt_connmark.c connmark_tg_shift).
 * Three modes, each with an optional shift of the moved bits:
 *   set      ctmark = ((ctmark & ~ctmask) ^ ctmark_value) << or >> shift
 *            (--set-xmark V/M; --set-mark V[/M] is V, V|M; --and-mark V is
 *            0, ~V; --or-mark V is V, V; --xor-mark V is V, 0)
 *   save     ctmark = (ctmark & ~ctmask) ^ ((nfmark & nfmask) shifted)
 *   restore  nfmark = (nfmark & ~nfmask) ^ ((ctmark & ctmask) shifted)
 * --mask M sets both masks.  A packet without a connection is left alone.
 * Saved in iptables' canonical form (--set-xmark, or the mode with both
 * masks), the shift only when it is not zero.
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum {
	O_SET_XMARK,
	O_SET_MARK,
	O_AND_MARK,
	O_OR_MARK,
	O_XOR_MARK,
	O_SAVE_MARK,
	O_RESTORE_MARK,
	O_LEFT_SHIFT,
	O_RIGHT_SHIFT,
	O_CTMASK,
	O_NFMASK,
	O_MASK,
};

#define F_OPS                                                                                      \
	((1u << O_SET_XMARK) | (1u << O_SET_MARK) | (1u << O_AND_MARK) | (1u << O_OR_MARK) |       \
	 (1u << O_XOR_MARK) | (1u << O_SAVE_MARK) | (1u << O_RESTORE_MARK))

enum { MODE_SET = 0, MODE_SAVE = 1, MODE_RESTORE = 2 }; /* XT_CONNMARK_* */
enum { SHIFT_LEFT = 0, SHIFT_RIGHT = 1 };

static const char *const opt_name[] = {
    "set-xmark",    "set-mark",	       "and-mark",	   "or-mark", "xor-mark", "save-mark",
    "restore-mark", "left-shift-mark", "right-shift-mark", "ctmask",  "nfmask",	  "mask",
};

struct connmark_tg_data {
	uint32_t ctmark, ctmask, nfmask;
	uint8_t mode;
	uint8_t shift_dir;
	uint8_t shift_bits;
	uint8_t given;
};

static const struct upt_xt_option connmark_tg_opts[] = {
    {"set-xmark", O_SET_XMARK, UPT_XTOPT_ARG},
    {"set-mark", O_SET_MARK, UPT_XTOPT_ARG},
    {"and-mark", O_AND_MARK, UPT_XTOPT_ARG},
    {"or-mark", O_OR_MARK, UPT_XTOPT_ARG},
    {"xor-mark", O_XOR_MARK, UPT_XTOPT_ARG},
    {"save-mark", O_SAVE_MARK, 0},
    {"restore-mark", O_RESTORE_MARK, 0},
    {"left-shift-mark", O_LEFT_SHIFT, UPT_XTOPT_ARG},
    {"right-shift-mark", O_RIGHT_SHIFT, UPT_XTOPT_ARG},
    {"ctmask", O_CTMASK, UPT_XTOPT_ARG},
    {"nfmask", O_NFMASK, UPT_XTOPT_ARG},
    {"mask", O_MASK, UPT_XTOPT_ARG},
    {NULL, 0, 0},
};

static void connmark_tg_init(void *data)
{
	struct connmark_tg_data *c = data;

	memset(c, 0, sizeof(*c));
	/* The defaults --save-mark / --restore-mark use without masks. */
	c->ctmask = c->nfmask = 0xffffffffu;
}

static int bad_value(struct upt_xt_parse *p, unsigned id)
{
	return upt_xt_error(p, "CONNMARK: bad value for option \"--%s\", or out of range",
			    opt_name[id]);
}

static int connmark_tg_parse(void *data, unsigned id, bool invert, const char *arg,
			     struct upt_xt_parse *p)
{
	struct connmark_tg_data *c = data;
	const char *end = NULL;
	uint64_t v = 0, mask = 0xffffffffu;

	(void)invert;
	if (id > O_MASK)
		return -EINVAL;
	if ((1u << id) & F_OPS) {
		if (c->given)
			return upt_xt_error(p,
					    "CONNMARK: option \"--%s\" cannot be used together "
					    "with another operation",
					    opt_name[id]);
		c->given = 1;
	}
	if ((id == O_CTMASK || id == O_NFMASK) && (p->seen & (1u << O_MASK)))
		return upt_xt_error(p, "CONNMARK: \"--%s\" and \"--mask\" are exclusive",
				    opt_name[id]);
	if (id == O_MASK && (p->seen & ((1u << O_CTMASK) | (1u << O_NFMASK))))
		return upt_xt_error(p, "CONNMARK: \"--mask\" and \"--ctmask\"/\"--nfmask\" are "
				       "exclusive");
	switch (id) {
	case O_SET_XMARK:
	case O_SET_MARK:
		/* XTTYPE_MARKMASK32 */
		if (!upt_xtu_strtoul(arg, &end, 0, 0xffffffffu, &v))
			return bad_value(p, id);
		if (*end == '/') {
			if (!upt_xtu_strtoul(end + 1, NULL, 0, 0xffffffffu, &mask))
				return bad_value(p, id);
		} else if (*end != '\0') {
			return bad_value(p, id);
		}
		break;
	case O_AND_MARK:
	case O_OR_MARK:
	case O_XOR_MARK:
	case O_CTMASK:
	case O_NFMASK:
	case O_MASK:
		if (!upt_xtu_strtoul(arg, NULL, 0, 0xffffffffu, &v))
			return bad_value(p, id);
		break;
	case O_LEFT_SHIFT:
	case O_RIGHT_SHIFT:
		if (!upt_xtu_strtoul(arg, NULL, 0, 32, &v))
			return upt_xt_error(p,
					    "CONNMARK: bad value for option \"--%s\", or out of "
					    "range (0-32).",
					    opt_name[id]);
		break;
	default:
		break;
	}
	switch (id) {
	case O_SET_XMARK:
		c->mode = MODE_SET;
		c->ctmark = (uint32_t)v;
		c->ctmask = (uint32_t)mask;
		break;
	case O_SET_MARK:
		c->mode = MODE_SET;
		c->ctmark = (uint32_t)v;
		c->ctmask = (uint32_t)(v | mask);
		break;
	case O_AND_MARK:
		c->mode = MODE_SET;
		c->ctmark = 0;
		c->ctmask = ~(uint32_t)v;
		break;
	case O_OR_MARK:
		c->mode = MODE_SET;
		c->ctmark = c->ctmask = (uint32_t)v;
		break;
	case O_XOR_MARK:
		c->mode = MODE_SET;
		c->ctmark = (uint32_t)v;
		c->ctmask = 0;
		break;
	case O_SAVE_MARK:
		c->mode = MODE_SAVE;
		break;
	case O_RESTORE_MARK:
		c->mode = MODE_RESTORE;
		break;
	case O_LEFT_SHIFT:
	case O_RIGHT_SHIFT:
		c->shift_dir = id == O_LEFT_SHIFT ? SHIFT_LEFT : SHIFT_RIGHT;
		c->shift_bits = (uint8_t)v;
		break;
	case O_CTMASK:
		c->ctmask = (uint32_t)v;
		break;
	case O_NFMASK:
		c->nfmask = (uint32_t)v;
		break;
	case O_MASK:
		c->ctmask = c->nfmask = (uint32_t)v;
		break;
	}
	return 0;
}

static int connmark_tg_check(void *data, struct upt_xt_parse *p)
{
	if (!((const struct connmark_tg_data *)data)->given)
		return upt_xt_error(p, "CONNMARK target: No operation specified");
	return 0;
}

static void connmark_tg_save(const void *data, struct upt_sb *sb)
{
	const struct connmark_tg_data *c = data;

	if (c->mode == MODE_SET)
		upt_sb_printf(sb, " --set-xmark 0x%x/0x%x", c->ctmark, c->ctmask);
	else
		upt_sb_printf(sb, " --%s --nfmask 0x%x --ctmask 0x%x",
			      c->mode == MODE_SAVE ? "save-mark" : "restore-mark", c->nfmask,
			      c->ctmask);
	if (c->shift_bits)
		upt_sb_printf(sb, " --%s %u", opt_name[O_LEFT_SHIFT + c->shift_dir], c->shift_bits);
}

static void connmark_tg_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct connmark_tg_data *c = data;

	(void)flags;
	if (c->mode == MODE_SET) {
		if (c->ctmark == 0)
			upt_sb_printf(sb, " CONNMARK and 0x%x", ~c->ctmask);
		else if (c->ctmark == c->ctmask)
			upt_sb_printf(sb, " CONNMARK or 0x%x", c->ctmark);
		else if (c->ctmask == 0)
			upt_sb_printf(sb, " CONNMARK xor 0x%x", c->ctmark);
		else if (c->ctmask == 0xffffffffu)
			upt_sb_printf(sb, " CONNMARK set 0x%x", c->ctmark);
		else
			upt_sb_printf(sb, " CONNMARK xset 0x%x/0x%x", c->ctmark, c->ctmask);
	} else if (c->mode == MODE_SAVE) {
		if (c->nfmask == 0xffffffffu && c->ctmask == 0xffffffffu)
			upt_sb_puts(sb, " CONNMARK save");
		else if (c->nfmask == c->ctmask)
			upt_sb_printf(sb, " CONNMARK save mask 0x%x", c->nfmask);
		else
			upt_sb_printf(sb, " CONNMARK save nfmask 0x%x ctmask ~0x%x", c->nfmask,
				      c->ctmask);
	} else {
		if (c->nfmask == 0xffffffffu && c->ctmask == 0xffffffffu)
			upt_sb_puts(sb, " CONNMARK restore");
		else if (c->nfmask == c->ctmask)
			upt_sb_printf(sb, " CONNMARK restore mask 0x%x", c->ctmask);
		else
			upt_sb_printf(sb, " CONNMARK restore ctmask 0x%x nfmask ~0x%x", c->ctmask,
				      c->nfmask);
	}
	if (c->shift_bits)
		upt_sb_printf(sb, " %s %u", opt_name[O_LEFT_SHIFT + c->shift_dir], c->shift_bits);
}

/* iptables allows a shift of 32; a 32-bit shift by 32 is undefined in C (the
 * kernel's code leaves it to the CPU), so it is defined here as 0. */
static uint32_t shift(const struct connmark_tg_data *c, uint32_t v)
{
	if (c->shift_bits >= 32)
		return 0;
	return c->shift_dir == SHIFT_RIGHT ? v >> c->shift_bits : v << c->shift_bits;
}

static unsigned connmark_tg_target(const void *data, struct upt_xt_pkt *p)
{
	const struct connmark_tg_data *c = data;
	struct upt_ct *ct = p->ct;

	if (!ct)
		return UPT_V_CONTINUE;
	switch (c->mode) {
	case MODE_SET:
		ct->mark = shift(c, (ct->mark & ~c->ctmask) ^ c->ctmark);
		break;
	case MODE_SAVE:
		ct->mark = (ct->mark & ~c->ctmask) ^ shift(c, p->mark & c->nfmask);
		break;
	case MODE_RESTORE:
		p->mark = (p->mark & ~c->nfmask) ^ shift(c, ct->mark & c->ctmask);
		break;
	}
	return UPT_V_CONTINUE;
}

const struct upt_target_ops upt_target_CONNMARK = {
    .name = "CONNMARK",
    .needs_conntrack = true,
    .size = sizeof(struct connmark_tg_data),
    .options = connmark_tg_opts,
    .init = connmark_tg_init,
    .parse = connmark_tg_parse,
    .check = connmark_tg_check,
    .save = connmark_tg_save,
    .print = connmark_tg_print,
    .target = connmark_tg_target,
};

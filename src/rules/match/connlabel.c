/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m connlabel [!] --label L [--set]: the kernel's xt_connlabel.c.
 *
 * Labels are bits 0..127 of the connection's label set (ct.h
 * upt_ct_labels).  iptables turns a label name into its bit with
 * /etc/xtables/connlabel.conf, and takes a number as the bit whether the
 * file exists or not.  This library reads no configuration files, so it
 * has no label names: a number is taken as iptables takes it (strtoul base
 * 0, the value cut to int and then to the 16-bit field: "4294967336" is
 * 40, a negative one is refused), and any name is refused with iptables'
 * "label 'X' not found or invalid value" — what iptables 1.8.9 does on
 * this machine, which has no connlabel.conf (checked: "--label foo" exit
 * 2, "--label 0x10" saved as "16").  A bit above 127 passes iptables and
 * is refused by the kernel's checkentry with ERANGE (checked: exit 4,
 * "RULE_APPEND failed (Numerical result out of range)"): kcheck here.
 * Saved as [!] --label "N" [--set]; listed as connlabel [!] N [set].
 *
 * On a packet (connlabel_mt): no conntrack entry, or an entry without
 * labels (created before a ruleset used labels): no match (true when
 * inverted).  The bit set: match.  Not set: with --set, the bit is set and
 * the rule matches; without, no match.  The inversion applies to every
 * outcome; --set sets the bit even under `!` (and the match then fails).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/ext.h"

enum { O_LABEL, O_SET };

#define OP_INVERT 0x1
#define OP_SET	  0x2

struct connlabel_data {
	uint16_t options;
	uint16_t bit;
};

static const struct upt_xt_option connlabel_opts[] = {
    {"label", O_LABEL, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"set", O_SET, 0},
    {NULL, 0, 0},
};

static void connlabel_init(void *data)
{
	memset(data, 0, sizeof(struct connlabel_data));
}

static int connlabel_parse(void *data, unsigned id, bool invert, const char *arg,
			   struct upt_xt_parse *p)
{
	struct connlabel_data *c = data;
	unsigned long v;
	char *end;
	int32_t bit;

	switch (id) {
	case O_LABEL:
		v = strtoul(arg, &end, 0);
		/* libxt_connlabel returns the value as int */
		bit = (int32_t)(uint32_t)v;
		if (arg[0] == '\0' || *end != '\0' || bit < 0)
			return upt_xt_error(p, "label '%s' not found or invalid value", arg);
		c->bit = (uint16_t)bit;
		if (invert)
			c->options |= OP_INVERT;
		return 0;
	case O_SET:
		c->options |= OP_SET;
		return 0;
	default:
		return -EINVAL;
	}
}

static int connlabel_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	if (!(p->seen & (1u << O_LABEL)))
		return upt_xt_error(p, "connlabel: option \"--label\" must be specified");
	return 0;
}

static int connlabel_kcheck(const void *data, char *why, size_t whylen)
{
	const struct connlabel_data *c = data;

	if (c->bit >= UPT_CT_LABEL_BITS) {
		snprintf(why, whylen, "connlabel: bit %u above %u", c->bit, UPT_CT_LABEL_BITS - 1);
		return -ERANGE;
	}
	return 0;
}

static void connlabel_save(const void *data, struct upt_sb *sb)
{
	const struct connlabel_data *c = data;

	upt_sb_printf(sb, "%s --label \"%u\"%s", c->options & OP_INVERT ? " !" : "", c->bit,
		      c->options & OP_SET ? " --set" : "");
}

static void connlabel_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct connlabel_data *c = data;

	(void)flags;
	upt_sb_printf(sb, " connlabel%s %u%s", c->options & OP_INVERT ? " !" : "", c->bit,
		      c->options & OP_SET ? " set" : "");
}

static bool connlabel_match(const void *data, struct upt_xt_pkt *p)
{
	const struct connlabel_data *c = data;
	bool invert = c->options & OP_INVERT;
	struct upt_ct_labels *l;
	uint32_t bit;

	if (!p->ct || c->bit >= UPT_CT_LABEL_BITS)
		return invert;
	l = upt_ct_labels_get(upt_xt_ct_table(p), p->ct);
	if (!l)
		return invert;
	bit = 1u << (c->bit % 32);
	if (l->bits[c->bit / 32] & bit)
		return !invert;
	if (c->options & OP_SET) {
		l->bits[c->bit / 32] |= bit;
		return !invert;
	}
	return invert;
}

const struct upt_match_ops upt_match_connlabel = {
    .name = "connlabel",
    .needs_conntrack = true,
    .size = sizeof(struct connlabel_data),
    .options = connlabel_opts,
    .init = connlabel_init,
    .parse = connlabel_parse,
    .check = connlabel_check,
    .save = connlabel_save,
    .print = connlabel_print,
    .match = connlabel_match,
    .kcheck = connlabel_kcheck,
};

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m quota [!] --quota BYTES: matches while the rule's byte budget lasts
 * (the kernel's xt_quota.c).  Each matching packet's length (the IPv4 total
 * length, skb->len at these hooks) is taken from the budget; the first
 * packet that does not fit empties it, and from then on nothing fits,
 * however small.  `!` inverts the answer, not the accounting.
 *
 * State: the remaining budget lives in the data block of the compiled rule
 * (`left`).  A ruleset commit starts it again from the configured quota, as
 * iptables-restore does, except for a rule that an adding edit (restore
 * --noflush) left alone: it keeps what is left (ext.h keep), as rules that
 * iptables-nft does not touch keep theirs.  The model's copy is never
 * touched on the packet path, so save and delete-by-specification see the
 * configured value.
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_QUOTA };

struct quota_data {
	uint64_t quota; /* as configured */
	uint64_t left;	/* packet path: remaining bytes (compiled copy only) */
	uint8_t invert;
	uint8_t given;
};

static const struct upt_xt_option quota_opts[] = {
    {"quota", O_QUOTA, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

static void quota_init(void *data)
{
	memset(data, 0, sizeof(struct quota_data));
}

static int quota_parse(void *data, unsigned id, bool invert, const char *arg,
		       struct upt_xt_parse *p)
{
	struct quota_data *q = data;
	uint64_t v;

	if (id != O_QUOTA)
		return -EINVAL;
	if (!upt_xtu_strtoul(arg, NULL, 0, UINT64_MAX, &v))
		return upt_xt_error(p, "quota: bad value for option \"--quota\", or out of range");
	q->quota = q->left = v;
	q->invert = invert;
	q->given = 1;
	return 0;
}

static int quota_check(void *data, struct upt_xt_parse *p)
{
	const struct quota_data *q = data;

	if (!q->given)
		return upt_xt_error(p, "quota: option \"--quota\" must be specified");
	return 0;
}

static void quota_save(const void *data, struct upt_sb *sb)
{
	const struct quota_data *q = data;

	upt_sb_printf(sb, "%s --quota %llu", q->invert ? " !" : "", (unsigned long long)q->quota);
}

static void quota_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct quota_data *q = data;

	(void)flags;
	/* libxt_quota's -L column does not show the inversion (only save does). */
	upt_sb_printf(sb, " quota: %llu bytes", (unsigned long long)q->quota);
}

static bool quota_match(const void *data, struct upt_xt_pkt *p)
{
	/* The compiled copy is this rule's own; its budget is the state. */
	struct quota_data *q = (struct quota_data *)data;
	uint32_t len = p->d->ip_len;
	bool ret = q->invert;

	if (q->left >= len) {
		q->left -= len;
		ret = !ret;
	} else {
		q->left = 0;
	}
	return ret;
}

/* The same rule after an edit elsewhere keeps what is left of its quota. */
static void quota_keep(void *data, const void *prev)
{
	((struct quota_data *)data)->left = ((const struct quota_data *)prev)->left;
}

const struct upt_match_ops upt_match_quota = {
    .name = "quota",
    .size = sizeof(struct quota_data),
    .options = quota_opts,
    .init = quota_init,
    .parse = quota_parse,
    .check = quota_check,
    .save = quota_save,
    .print = quota_print,
    .match = quota_match,
    .keep = quota_keep,
};

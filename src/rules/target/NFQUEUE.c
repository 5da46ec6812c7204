/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j NFQUEUE [--queue-num N | --queue-balance A:B] [--queue-bypass]
 *            [--queue-cpu-fanout]
 *
 * Options and listing are iptables' libxt_NFQUEUE revision 3: --queue-num
 * is 0..65535; --queue-balance is a range of two 16-bit numbers whose
 * missing ends default to 0 and 65534 (the option's maximum, so that the
 * queue count B - A + 1 fits 16 bits) and whose first must be below the
 * second; --queue-num and --queue-balance exclude each other;
 * --queue-cpu-fanout needs --queue-balance, wherever it stands.  Saved as
 * "--queue-balance A:B" when more than one queue, else "--queue-num N",
 * then the flags (so a bare -j NFQUEUE saves as --queue-num 0).
 *
 * In the kernel the packet goes to the nfnetlink_queue instance the target
 * picks (flow hash, or the CPU with --queue-cpu-fanout) and waits there for
 * a program's verdict.  This engine has no netlink and therefore never a
 * program bound to a queue: every queue is one without a listener, for
 * which the kernel's nf_queue() fails with -ESRCH and nf_hook_slow() then
 * drops the packet, or, when the verdict carries the bypass flag, lets it
 * go on as if this hook had accepted it.  So the target drops with
 * UPT_DROP_RULE_UNSUPPORTED ("QUEUE/NFQUEUE without a queue", the reason
 * the plain QUEUE verdict counts too), or accepts with --queue-bypass;
 * which queue would have been picked makes no difference and is not
 * computed.
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_QUEUE_NUM, O_QUEUE_BALANCE, O_QUEUE_BYPASS, O_QUEUE_CPU_FANOUT };

#define NFQ_FLAG_BYPASS	    0x01
#define NFQ_FLAG_CPU_FANOUT 0x02
#define NFQ_BALANCE_MAX	    65534u /* UINT16_MAX - 1: the option's maximum */

struct nfqueue_data {
	uint16_t queuenum;
	uint16_t queues_total; /* 1: a single queue */
	uint16_t flags;	       /* NFQ_FLAG_* */
};

static const struct upt_xt_option nfqueue_opts[] = {
    {"queue-num", O_QUEUE_NUM, UPT_XTOPT_ARG},
    {"queue-balance", O_QUEUE_BALANCE, UPT_XTOPT_ARG},
    {"queue-bypass", O_QUEUE_BYPASS, 0},
    {"queue-cpu-fanout", O_QUEUE_CPU_FANOUT, 0},
    {NULL, 0, 0},
};

static void nfqueue_init(void *data)
{
	struct nfqueue_data *q = data;

	memset(q, 0, sizeof(*q));
	q->queues_total = 1;
}

/* libxtables' range parser for a 16-bit range: "A:B", ":B", "A:", ":" or "A". */
static int parse_balance(const char *arg, uint16_t r[2], struct upt_xt_parse *p)
{
	const char *s = arg, *end;
	unsigned n = 0;

	for (;;) {
		uint64_t v;

		if (n == 2)
			return upt_xt_error(
			    p, "NFQUEUE: Too many values for option \"--queue-balance\"");
		if (*s == '\0' || *s == ':') {
			end = s;
			v = n == 0 ? 0 : NFQ_BALANCE_MAX;
		} else if (!upt_xtu_strtoul(s, &end, 0, NFQ_BALANCE_MAX, &v)) {
			return upt_xt_error(
			    p,
			    "NFQUEUE: bad value for option \"--queue-balance\" near "
			    "\"%s\", or out of range (0-%u).",
			    s, NFQ_BALANCE_MAX);
		} else if (*end != '\0' && *end != ':') {
			return upt_xt_error(
			    p,
			    "NFQUEUE: Argument to \"--queue-balance\" has unexpected "
			    "characters near \"%s\".",
			    end);
		}
		r[n++] = (uint16_t)v;
		if (*end == '\0')
			break;
		s = end + 1;
	}
	if (n != 2)
		return upt_xt_error(p, "Bad range \"%s\"", arg);
	if (r[0] >= r[1])
		return upt_xt_error(p, "%u should be less than %u", r[0], r[1]);
	return 0;
}

static int nfqueue_parse(void *data, unsigned id, bool invert, const char *arg,
			 struct upt_xt_parse *p)
{
	struct nfqueue_data *q = data;
	uint16_t r[2];
	uint64_t v;

	(void)invert;
	switch (id) {
	case O_QUEUE_NUM:
		if (p->seen & (1u << O_QUEUE_BALANCE))
			return upt_xt_error(p, "NFQUEUE: option \"--queue-num\" cannot be used "
					       "together with \"--queue-balance\".");
		if (!upt_xtu_strtoul(arg, NULL, 0, 65535, &v))
			return upt_xt_error(p, "NFQUEUE: bad value for option \"--queue-num\", or "
					       "out of range (0-65535).");
		q->queuenum = (uint16_t)v;
		return 0;
	case O_QUEUE_BALANCE:
		if (p->seen & (1u << O_QUEUE_NUM))
			return upt_xt_error(p, "NFQUEUE: option \"--queue-balance\" cannot be used "
					       "together with \"--queue-num\".");
		if (parse_balance(arg, r, p) < 0)
			return -EINVAL;
		q->queuenum = r[0];
		q->queues_total = (uint16_t)(r[1] - r[0] + 1);
		return 0;
	case O_QUEUE_BYPASS:
		q->flags |= NFQ_FLAG_BYPASS;
		return 0;
	case O_QUEUE_CPU_FANOUT:
		q->flags |= NFQ_FLAG_CPU_FANOUT;
		return 0;
	default:
		return -EINVAL;
	}
}

static int nfqueue_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	if ((p->seen & (1u << O_QUEUE_CPU_FANOUT)) && !(p->seen & (1u << O_QUEUE_BALANCE)))
		return upt_xt_error(p, "NFQUEUE: option \"--queue-cpu-fanout\" also requires "
				       "\"--queue-balance\".");
	return 0;
}

static void nfqueue_save(const void *data, struct upt_sb *sb)
{
	const struct nfqueue_data *q = data;

	if (q->queues_total > 1)
		upt_sb_printf(sb, " --queue-balance %u:%u", q->queuenum,
			      (unsigned)q->queuenum + q->queues_total - 1);
	else
		upt_sb_printf(sb, " --queue-num %u", q->queuenum);
	if (q->flags & NFQ_FLAG_BYPASS)
		upt_sb_puts(sb, " --queue-bypass");
	if (q->flags & NFQ_FLAG_CPU_FANOUT)
		upt_sb_puts(sb, " --queue-cpu-fanout");
}

static void nfqueue_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct nfqueue_data *q = data;

	(void)flags;
	if (q->queues_total > 1)
		upt_sb_printf(sb, " NFQUEUE balance %u:%u", q->queuenum,
			      (unsigned)q->queuenum + q->queues_total - 1);
	else
		upt_sb_printf(sb, " NFQUEUE num %u", q->queuenum);
	if (q->flags & NFQ_FLAG_BYPASS)
		upt_sb_puts(sb, " bypass");
	if (q->flags & NFQ_FLAG_CPU_FANOUT)
		upt_sb_puts(sb, " cpu-fanout");
}

static unsigned nfqueue_target(const void *data, struct upt_xt_pkt *p)
{
	const struct nfqueue_data *q = data;

	if (q->flags & NFQ_FLAG_BYPASS)
		return UPT_V_ACCEPT;
	p->drop_reason = UPT_DROP_RULE_UNSUPPORTED;
	return UPT_V_DROP;
}

const struct upt_target_ops upt_target_NFQUEUE = {
    .name = "NFQUEUE",
    .size = sizeof(struct nfqueue_data),
    .options = nfqueue_opts,
    .init = nfqueue_init,
    .parse = nfqueue_parse,
    .check = nfqueue_check,
    .save = nfqueue_save,
    .print = nfqueue_print,
    .target = nfqueue_target,
};

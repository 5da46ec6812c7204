/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j ECN [--ecn-tcp-remove] [--ecn-tcp-cwr 0|1] [--ecn-tcp-ece 0|1]
 *        [--ecn-ip-ect 0..3] (mangle table): the kernel's ipt_ECN.c.
 *
 * Options as libipt_ECN: at least one is required; --ecn-tcp-remove
 * excludes --ecn-tcp-cwr/--ecn-tcp-ece and sets "ECE and CWR to 0",
 * replacing whatever operation was given before it (a preceding
 * --ecn-ip-ect is then lost, as in iptables).  Saved as --ecn-tcp-remove
 * when the operation is exactly "ECE=0, CWR=0", else each part in the
 * order ece, cwr, ip-ect.  The kernel refuses the TCP operations on a rule
 * without -p tcp (or with ! -p tcp): refused when the table is validated
 * (kcheck), as iptables 1.8.9 reports it (exit 4).
 *
 * On a packet (ecn_tg):
 *   - --ecn-ip-ect: the two ECN bits of the TOS byte are set to the
 *     codepoint when they differ; IP header checksum updated;
 *   - the TCP operations, for TCP packets only: when ECE/CWR already have
 *     the wanted values nothing is written; a packet without 20 bytes of
 *     TCP header is dropped (the kernel's skb_header_pointer failure);
 *     otherwise the flag bits are written and the TCP checksum updated
 *     incrementally.  The kernel does not look at the fragment offset; a
 *     non-first fragment has no TCP header, and the engine leaves its
 *     payload alone (fragments normally arrive here reassembled).
 * The rule walk goes on (XT_CONTINUE).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_ECN_TCP_REMOVE, O_ECN_TCP_CWR, O_ECN_TCP_ECE, O_ECN_IP_ECT };

#define ECN_OP_SET_IP  0x01
#define ECN_OP_SET_ECE 0x10
#define ECN_OP_SET_CWR 0x20
#define ECN_IP_MASK    0x03

struct ecn_tg_data {
	uint8_t operation;
	uint8_t ip_ect;
	uint8_t ece, cwr;
};

static const struct upt_xt_option ecn_tg_opts[] = {
    {"ecn-tcp-remove", O_ECN_TCP_REMOVE, 0},
    {"ecn-tcp-cwr", O_ECN_TCP_CWR, UPT_XTOPT_ARG},
    {"ecn-tcp-ece", O_ECN_TCP_ECE, UPT_XTOPT_ARG},
    {"ecn-ip-ect", O_ECN_IP_ECT, UPT_XTOPT_ARG},
    {NULL, 0, 0},
};

static void ecn_tg_init(void *data)
{
	memset(data, 0, sizeof(struct ecn_tg_data));
}

static int ecn_tg_parse(void *data, unsigned id, bool invert, const char *arg,
			struct upt_xt_parse *p)
{
	static const char *const names[] = {"ecn-tcp-remove", "ecn-tcp-cwr", "ecn-tcp-ece",
					    "ecn-ip-ect"};
	struct ecn_tg_data *e = data;
	uint64_t v = 0;

	(void)invert;
	if (id > O_ECN_IP_ECT)
		return -EINVAL;
	if (id == O_ECN_TCP_REMOVE || id == O_ECN_TCP_CWR || id == O_ECN_TCP_ECE) {
		uint32_t excl = id == O_ECN_TCP_REMOVE
				    ? (1u << O_ECN_TCP_CWR) | (1u << O_ECN_TCP_ECE)
				    : 1u << O_ECN_TCP_REMOVE;

		for (unsigned o = 0; o < 3; o++)
			if (excl & p->seen & (1u << o))
				return upt_xt_error(p,
						    "ECN: option \"--%s\" cannot be used together "
						    "with \"--%s\".",
						    names[id], names[o]);
	}
	if (id != O_ECN_TCP_REMOVE &&
	    !upt_xtu_strtoul(arg, NULL, 0, id == O_ECN_IP_ECT ? 3 : 1, &v))
		return upt_xt_error(p,
				    "ECN: bad value for option \"--%s\", or out of range (0-%u).",
				    names[id], id == O_ECN_IP_ECT ? 3u : 1u);
	switch (id) {
	case O_ECN_TCP_REMOVE:
		e->operation = ECN_OP_SET_ECE | ECN_OP_SET_CWR;
		e->ece = 0;
		e->cwr = 0;
		break;
	case O_ECN_TCP_CWR:
		e->operation |= ECN_OP_SET_CWR;
		e->cwr = (uint8_t)v;
		break;
	case O_ECN_TCP_ECE:
		e->operation |= ECN_OP_SET_ECE;
		e->ece = (uint8_t)v;
		break;
	default:
		e->operation |= ECN_OP_SET_IP;
		e->ip_ect = (uint8_t)v;
		break;
	}
	return 0;
}

static int ecn_tg_check(void *data, struct upt_xt_parse *p)
{
	const struct ecn_tg_data *e = data;

	(void)e;
	if (!p->seen)
		return upt_xt_error(p, "ECN target: An operation is required");
	return 0;
}

/* ecn_tg_check: the TCP operations need -p tcp. */
static int ecn_tg_kcheck(const void *data, uint8_t proto, bool proto_invert, char *why,
			 size_t whylen)
{
	const struct ecn_tg_data *e = data;

	if ((e->operation & (ECN_OP_SET_ECE | ECN_OP_SET_CWR)) &&
	    (proto != UPT_IPPROTO_TCP || proto_invert)) {
		snprintf(why, whylen, "ECN: cannot use operation on non-tcp rule");
		return -EINVAL;
	}
	return 0;
}

static bool is_remove(const struct ecn_tg_data *e)
{
	return e->operation == (ECN_OP_SET_ECE | ECN_OP_SET_CWR) && e->ece == 0 && e->cwr == 0;
}

static void ecn_tg_save(const void *data, struct upt_sb *sb)
{
	const struct ecn_tg_data *e = data;

	if (is_remove(e)) {
		upt_sb_puts(sb, " --ecn-tcp-remove");
		return;
	}
	if (e->operation & ECN_OP_SET_ECE)
		upt_sb_printf(sb, " --ecn-tcp-ece %u", e->ece);
	if (e->operation & ECN_OP_SET_CWR)
		upt_sb_printf(sb, " --ecn-tcp-cwr %u", e->cwr);
	if (e->operation & ECN_OP_SET_IP)
		upt_sb_printf(sb, " --ecn-ip-ect %u", e->ip_ect);
}

static void ecn_tg_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct ecn_tg_data *e = data;

	(void)flags;
	upt_sb_puts(sb, " ECN");
	if (is_remove(e)) {
		upt_sb_puts(sb, " TCP remove");
		return;
	}
	if (e->operation & ECN_OP_SET_ECE)
		upt_sb_printf(sb, " ECE=%u", e->ece);
	if (e->operation & ECN_OP_SET_CWR)
		upt_sb_printf(sb, " CWR=%u", e->cwr);
	if (e->operation & ECN_OP_SET_IP)
		upt_sb_printf(sb, " ECT codepoint=%u", e->ip_ect);
}

static unsigned ecn_tg_target(const void *data, struct upt_xt_pkt *p)
{
	const struct ecn_tg_data *e = data;
	struct upt_pdesc *d = p->d;
	uint8_t flags, want;

	if (d->l2_kind != UPT_L2_IPV4)
		return UPT_V_CONTINUE;
	if ((e->operation & ECN_OP_SET_IP) && (d->tos & ECN_IP_MASK) != e->ip_ect)
		upt_pdesc_set_tos(d, (uint8_t)((d->tos & ~ECN_IP_MASK) | e->ip_ect));
	if (!(e->operation & (ECN_OP_SET_ECE | ECN_OP_SET_CWR)) || d->proto != UPT_IPPROTO_TCP ||
	    (d->frag_off & UPT_IP_OFFMASK))
		return UPT_V_CONTINUE;
	if (d->l4_len < 20 || !upt_pkt_load8(d, (uint32_t)d->l4_off + 13, &flags))
		return UPT_V_DROP;
	want = flags;
	if (e->operation & ECN_OP_SET_ECE)
		want = (uint8_t)((want & ~UPT_TCP_ECE) | (e->ece ? UPT_TCP_ECE : 0));
	if (e->operation & ECN_OP_SET_CWR)
		want = (uint8_t)((want & ~UPT_TCP_CWR) | (e->cwr ? UPT_TCP_CWR : 0));
	if (want == flags)
		return UPT_V_CONTINUE;
	if (!upt_pdesc_write_l4(d, (uint32_t)d->l4_off + 13, &want, 1))
		return UPT_V_DROP;
	d->tcp_flags = want;
	return UPT_V_CONTINUE;
}

const struct upt_target_ops upt_target_ECN = {
    .name = "ECN",
    .size = sizeof(struct ecn_tg_data),
    .options = ecn_tg_opts,
    .tables = 1u << UPT_TABLE_MANGLE,
    .init = ecn_tg_init,
    .parse = ecn_tg_parse,
    .check = ecn_tg_check,
    .save = ecn_tg_save,
    .print = ecn_tg_print,
    .target = ecn_tg_target,
    .kcheck = ecn_tg_kcheck,
};

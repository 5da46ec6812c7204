/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m ecn [!] --ecn-tcp-ece [!] --ecn-tcp-cwr [!] --ecn-ip-ect 0..3: the
 * ECN field of the TOS byte and the TCP ECE/CWR flags (the kernel's
 * xt_ecn.c).  The TCP tests need `-p tcp` (ecn_mt_check4); they read the
 * flags byte at the transport offset whatever the fragment offset, as the
 * kernel does, and fail when it is not in the packet.
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_ECN_TCP_CWR, O_ECN_TCP_ECE, O_ECN_IP_ECT };

#define OP_IP  0x01
#define OP_ECE 0x10
#define OP_CWR 0x20

struct ecn_data {
	uint8_t operation, invert;
	uint8_t ip_ect;
};

static const struct upt_xt_option ecn_opts[] = {
    {"ecn-tcp-cwr", O_ECN_TCP_CWR, UPT_XTOPT_INVERT},
    {"ecn-tcp-ece", O_ECN_TCP_ECE, UPT_XTOPT_INVERT},
    {"ecn-ip-ect", O_ECN_IP_ECT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

static void ecn_init(void *data)
{
	memset(data, 0, sizeof(struct ecn_data));
}

static int ecn_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct ecn_data *m = data;
	uint8_t op;
	uint64_t v;

	switch (id) {
	case O_ECN_TCP_CWR:
		op = OP_CWR;
		break;
	case O_ECN_TCP_ECE:
		op = OP_ECE;
		break;
	case O_ECN_IP_ECT:
		if (!upt_xtu_strtoul(arg, NULL, 0, 3, &v))
			return upt_xt_error(p, "ecn: bad value for option \"--ecn-ip-ect\", or out "
					       "of range (0-3).");
		m->ip_ect = (uint8_t)v;
		op = OP_IP;
		break;
	default:
		return -EINVAL;
	}
	m->operation |= op;
	if (invert)
		m->invert |= op;
	return 0;
}

static int ecn_check(void *data, struct upt_xt_parse *p)
{
	const struct ecn_data *m = data;

	if (!m->operation)
		return upt_xt_error(p, "ECN match: some option required");
	if ((m->operation & (OP_ECE | OP_CWR)) && (p->proto != UPT_IPPROTO_TCP || p->proto_invert))
		return upt_xt_error(p, "ecn: cannot match TCP bits for non-tcp packets");
	return 0;
}

static void ecn_save(const void *data, struct upt_sb *sb)
{
	const struct ecn_data *m = data;

	if (m->operation & OP_ECE)
		upt_sb_printf(sb, "%s --ecn-tcp-ece", (m->invert & OP_ECE) ? " !" : "");
	if (m->operation & OP_CWR)
		upt_sb_printf(sb, "%s --ecn-tcp-cwr", (m->invert & OP_CWR) ? " !" : "");
	if (m->operation & OP_IP)
		upt_sb_printf(sb, "%s --ecn-ip-ect %u", (m->invert & OP_IP) ? " !" : "", m->ip_ect);
}

static void ecn_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct ecn_data *m = data;

	(void)flags;
	upt_sb_puts(sb, " ECN match");
	if (m->operation & OP_ECE)
		upt_sb_printf(sb, " %sECE", (m->invert & OP_ECE) ? "!" : "");
	if (m->operation & OP_CWR)
		upt_sb_printf(sb, " %sCWR", (m->invert & OP_CWR) ? "!" : "");
	if (m->operation & OP_IP)
		upt_sb_printf(sb, " %sECT=%u", (m->invert & OP_IP) ? "!" : "", m->ip_ect);
}

/* One TCP flag test: the bit must be set, or clear when inverted. */
static bool flag_ok(const struct ecn_data *m, uint8_t op, uint8_t flags, uint8_t bit)
{
	if (!(m->operation & op))
		return true;
	return ((flags & bit) != 0) != ((m->invert & op) != 0);
}

static bool ecn_match(const void *data, struct upt_xt_pkt *p)
{
	const struct ecn_data *m = data;
	const struct upt_pdesc *d = p->d;
	uint8_t flags;

	if ((m->operation & OP_IP) && ((d->tos & 0x03) == m->ip_ect) == ((m->invert & OP_IP) != 0))
		return false;
	if (m->operation & (OP_ECE | OP_CWR)) {
		/* The 20-byte header must be inside the packet (skb_header_pointer). */
		if ((uint32_t)d->l3_len + 20 > d->ip_len ||
		    !upt_pkt_load8(d, (uint32_t)d->l4_off + 13, &flags))
			return false;
		if (!flag_ok(m, OP_ECE, flags, UPT_TCP_ECE) ||
		    !flag_ok(m, OP_CWR, flags, UPT_TCP_CWR))
			return false;
	}
	return true;
}

const struct upt_match_ops upt_match_ecn = {
    .name = "ecn",
    .size = sizeof(struct ecn_data),
    .options = ecn_opts,
    .init = ecn_init,
    .parse = ecn_parse,
    .check = ecn_check,
    .save = ecn_save,
    .print = ecn_print,
    .match = ecn_match,
};

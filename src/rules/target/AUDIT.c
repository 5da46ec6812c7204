/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j AUDIT --type accept|drop|reject: the kernel's xt_AUDIT.c.
 *
 * The type is required and is one of the three words, in any case
 * (libxt_AUDIT compares with strcasecmp: iptables 1.8.9 takes "DROP" and
 * saves "drop").  Saved as "--type t", listed as "AUDIT t".
 *
 * The kernel writes one NETFILTER_PKT audit record per packet, with the
 * packet's mark and addresses, and goes on with the next rule (the type has
 * not been part of the record since kernel 4.x: it is kept for listing).
 * This engine has no audit subsystem: the record goes to the engine's log
 * sink (upt_xt_log, level 5, notice) as one line in the record's field
 * order (audit_tg, audit_ip4 of current kernels):
 *   "type=NETFILTER_PKT mark=<%#x> saddr=a.b.c.d daddr=a.b.c.d proto=N
 *    [sport=N dport=N]"
 * ("mark=0" for 0, as the kernel's %#x prints it); the ports for TCP and
 * UDP, read where the transport header starts as the kernel reads them
 * (left out when those bytes are not in the frame).  The walk goes on
 * (XT_CONTINUE), as in the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rules/ext.h"

#define AUDIT_LOG_LEVEL 5

enum { AUDIT_ACCEPT, AUDIT_DROP, AUDIT_REJECT };

static const char *const type_names[] = {"accept", "drop", "reject"};

struct audit_data {
	uint8_t type;
};

static const struct upt_xt_option audit_opts[] = {
    {"type", 0, UPT_XTOPT_ARG},
    {NULL, 0, 0},
};

static void audit_init(void *data)
{
	memset(data, 0, sizeof(struct audit_data));
}

static int audit_parse(void *data, unsigned id, bool invert, const char *arg,
		       struct upt_xt_parse *p)
{
	struct audit_data *a = data;

	(void)invert;
	if (id != 0)
		return -EINVAL;
	for (unsigned i = 0; i < 3; i++)
		if (strcasecmp(arg, type_names[i]) == 0) {
			a->type = (uint8_t)i;
			return 0;
		}
	return upt_xt_error(p, "Bad action type value \"%s\"", arg);
}

static int audit_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	if (!(p->seen & 1u))
		return upt_xt_error(p, "AUDIT: option \"--type\" must be specified");
	return 0;
}

static void audit_save(const void *data, struct upt_sb *sb)
{
	const struct audit_data *a = data;

	upt_sb_printf(sb, " --type %s", type_names[a->type % 3]);
}

static void audit_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct audit_data *a = data;

	(void)flags;
	upt_sb_printf(sb, " AUDIT %s", type_names[a->type % 3]);
}

static unsigned audit_target(const void *data, struct upt_xt_pkt *p)
{
	const struct upt_pdesc *d = p->d;
	uint16_t sport, dport;
	char line[160];
	int n;

	(void)data;
	if (d->l2_kind == UPT_L2_IPV4) {
		n = snprintf(line, sizeof(line),
			     "type=NETFILTER_PKT mark=%#x saddr=%u.%u.%u.%u daddr=%u.%u.%u.%u "
			     "proto=%u",
			     p->mark, d->saddr >> 24, (d->saddr >> 16) & 0xff,
			     (d->saddr >> 8) & 0xff, d->saddr & 0xff, d->daddr >> 24,
			     (d->daddr >> 16) & 0xff, (d->daddr >> 8) & 0xff, d->daddr & 0xff,
			     d->proto);
		if ((d->proto == UPT_IPPROTO_TCP || d->proto == UPT_IPPROTO_UDP) && n > 0 &&
		    (size_t)n < sizeof(line) && upt_pkt_load16(d, d->l4_off, &sport) &&
		    upt_pkt_load16(d, (uint32_t)d->l4_off + 2, &dport))
			snprintf(line + n, sizeof(line) - (size_t)n, " sport=%u dport=%u", sport,
				 dport);
	} else
		snprintf(line, sizeof(line), "type=NETFILTER_PKT mark=%#x saddr=? daddr=? proto=-1",
			 p->mark);
	upt_xt_log(p, AUDIT_LOG_LEVEL, line);
	return UPT_V_CONTINUE;
}

const struct upt_target_ops upt_target_AUDIT = {
    .name = "AUDIT",
    .size = sizeof(struct audit_data),
    .options = audit_opts,
    .init = audit_init,
    .parse = audit_parse,
    .check = audit_check,
    .save = audit_save,
    .print = audit_print,
    .target = audit_target,
};

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j NOTRACK (raw table): the packet skips connection tracking and is
 * UNTRACKED for the rules that follow (-m state/conntrack --ctstate
 * UNTRACKED); no entry is looked up or created, so no NAT applies to it.
 * As the kernel's notrack_tg (xt_CT.c), it does nothing when an earlier
 * CT/NOTRACK target already decided for this packet.  iptables-nft saves
 * it as "-j NOTRACK" (the CT revision 2 alias).
 */
#include <stddef.h>

#include "rules/ext.h"

static void notrack_save(const void *data, struct upt_sb *sb)
{
	(void)data;
	(void)sb;
}

static void notrack_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	(void)data;
	(void)flags;
	upt_sb_puts(sb, " NOTRACK");
}

static unsigned notrack_target(const void *data, struct upt_xt_pkt *p)
{
	(void)data;
	/* Nothing to do once a CT target ran or a connection is attached (loopback). */
	if (!p->ct_tmpl && !p->ct)
		p->untrack = true;
	return UPT_V_CONTINUE;
}

static const struct upt_xt_option notrack_opts[] = {
    {NULL, 0, 0},
};

const struct upt_target_ops upt_target_NOTRACK = {
    .name = "NOTRACK",
    .size = 0,
    .options = notrack_opts,
    .tables = 1u << UPT_TABLE_RAW,
    .save = notrack_save,
    .print = notrack_print,
    .target = notrack_target,
    .list_name = "CT", /* iptables-nft lists it as CT revision 2 with the NOTRACK alias */
};

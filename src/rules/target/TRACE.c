/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j TRACE (raw table): marks the packet for tracing and goes on with the
 * next rule (the kernel's xt_TRACE.c sets skb->nf_trace and returns
 * XT_CONTINUE).  The kernel then logs every rule the packet traverses in
 * every table; this engine already reports that to its trace callback for
 * every packet when tracing is on, so the mark is only recorded, in
 * upt_xt_pkt.nftrace, for the core to use later (tracing just the marked
 * packets).  No options; nothing to save or print beyond the name.
 */
#include <stddef.h>

#include "rules/ext.h"

static unsigned trace_target(const void *data, struct upt_xt_pkt *p)
{
	(void)data;
	p->nftrace = true;
	return UPT_V_CONTINUE;
}

static const struct upt_xt_option trace_opts[] = {
    {NULL, 0, 0},
};

const struct upt_target_ops upt_target_TRACE = {
    .name = "TRACE",
    .size = 0,
    .options = trace_opts,
    .tables = 1u << UPT_TABLE_RAW,
    .target = trace_target,
};

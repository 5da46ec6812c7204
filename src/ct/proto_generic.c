// SPDX-License-Identifier: GPL-2.0
/*
 * Every protocol without its own tracker (nf_conntrack_proto_generic.c):
 * one entry per address pair and protocol, 600 s, never ASSURED.
 *
 * Known difference: the kernel (6.18) has a dedicated tracker for SCTP
 * (ports in the tuple, its own states and timeouts); here SCTP is tracked as
 * generic, like a kernel built without CONFIG_NF_CT_PROTO_SCTP: one entry
 * per address pair, printed as "unknown".  (DCCP has no tracker in 6.18 any
 * more: generic on both sides.)
 */
#include "ct/ct.h"
#include "ct/ct_int.h"

enum upt_ct_verdict upt_ct_generic_packet(struct upt_ct *ct, const struct upt_ct_pkt *p)
{
	upt_ct_refresh(ct, p->now, p->sys->generic_timeout);
	return UPT_CT_ACCEPT;
}

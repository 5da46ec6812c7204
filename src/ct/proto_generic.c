// SPDX-License-Identifier: GPL-2.0
/*
 * Every protocol without its own tracker (nf_conntrack_proto_generic.c):
 * one entry per address pair and protocol, 600 s, never ASSURED.
 *
 * Known difference: the kernel (6.18) has dedicated trackers for SCTP and
 * UDP-Lite (ports in the tuple, SCTP's own states and timeouts); here those
 * protocols are tracked as generic, so such a connection is one entry per
 * address pair and its /proc line differs from the kernel's.
 */
#include "ct/ct.h"
#include "ct/ct_int.h"

enum upt_ct_verdict upt_ct_generic_packet(struct upt_ct *ct, const struct upt_ct_pkt *p)
{
	upt_ct_refresh(ct, p->now, p->sys->generic_timeout);
	return UPT_CT_ACCEPT;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * GRE tracking (the kernel's nf_conntrack_proto_gre.c, without the PPTP
 * helper).  Plain GRE has no ports: the tuple's keys are 0, one entry per
 * address pair.  PPTP's enhanced GRE (version 1, protocol PPP) carries a
 * call ID, which becomes the destination key; the source key would come
 * from the PPTP helper's key map, which we do not have, so it is 0 (as in
 * a kernel without nf_conntrack_pptp).  Timeouts: 30 s until a reply was
 * seen, then 180 s and ASSURED at once (no two-second rule as for UDP);
 * both values are fixed in the entry when it is created and printed in
 * /proc ("timeout=30, stream_timeout=180").
 */
#include "ct/ct.h"
#include "ct/ct_int.h"
#include "pkt/pkt.h"

#define GRE_VERSION_MASK 0x0007
#define GRE_VERSION_PPTP 1
#define GRE_PROTO_PPP	 0x880b

bool upt_ct_gre_keys(const struct upt_pdesc *d, uint32_t off, uint32_t avail, uint16_t *srckey,
		     uint16_t *dstkey)
{
	uint16_t flags, proto, call_id;

	*srckey = *dstkey = 0;
	/* Without a complete base header, or not PPTP: behave like generic. */
	if (avail < 4 || !upt_pkt_load16(d, off, &flags) ||
	    (flags & GRE_VERSION_MASK) != GRE_VERSION_PPTP)
		return true;
	if (avail < 8 || !upt_pkt_load16(d, off + 2, &proto) ||
	    !upt_pkt_load16(d, off + 6, &call_id))
		return true;
	if (proto != GRE_PROTO_PPP)
		return false; /* version 1 carrying anything but PPP: not tracked */
	*dstkey = call_id;
	return true;
}

enum upt_ct_verdict upt_ct_gre_packet(struct upt_ct *ct, const struct upt_ct_pkt *p)
{
	if (!p->confirmed) {
		ct->proto.gre.timeout = p->sys->gre_timeout;
		ct->proto.gre.stream_timeout = p->sys->gre_timeout_stream;
	}
	if (ct->status & UPT_IPS_SEEN_REPLY) {
		upt_ct_refresh(ct, p->now, ct->proto.gre.stream_timeout);
		ct->status |= UPT_IPS_ASSURED;
	} else {
		upt_ct_refresh(ct, p->now, ct->proto.gre.timeout);
	}
	return UPT_CT_ACCEPT;
}

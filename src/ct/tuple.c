// SPDX-License-Identifier: GPL-2.0
/*
 * Conntrack tuples: inversion, comparison, and the tuple of a parsed packet.
 * ICMP follows the kernel: the identifier is the "source port", the type
 * and code the "destination"; inverting a request gives its reply type.
 */
#include <string.h>

#include "ct/ct.h"
#include "ct/ct_int.h"
#include "pkt/pkt.h"

bool upt_ct_icmp_invert_type(uint8_t type, uint8_t *inv)
{
	switch (type) {
	case UPT_ICMP_ECHO:
		*inv = UPT_ICMP_ECHOREPLY;
		return true;
	case UPT_ICMP_ECHOREPLY:
		*inv = UPT_ICMP_ECHO;
		return true;
	case UPT_ICMP_TIMESTAMP:
		*inv = UPT_ICMP_TIMESTAMPREPLY;
		return true;
	case UPT_ICMP_TIMESTAMPREPLY:
		*inv = UPT_ICMP_TIMESTAMP;
		return true;
	case UPT_ICMP_INFO_REQUEST:
		*inv = UPT_ICMP_INFO_REPLY;
		return true;
	case UPT_ICMP_INFO_REPLY:
		*inv = UPT_ICMP_INFO_REQUEST;
		return true;
	case UPT_ICMP_ADDRESS:
		*inv = UPT_ICMP_ADDRESSREPLY;
		return true;
	case UPT_ICMP_ADDRESSREPLY:
		*inv = UPT_ICMP_ADDRESS;
		return true;
	default:
		return false;
	}
}

void upt_tuple_invert(const struct upt_tuple *in, struct upt_tuple *out)
{
	struct upt_tuple r = {
	    .src = in->dst,
	    .dst = in->src,
	    .proto = in->proto,
	    .zone = in->zone,
	};

	if (in->proto == UPT_IPPROTO_ICMP) {
		uint8_t type = (uint8_t)(in->dport >> 8), inv = type;

		/* A type without an inverse keeps its value; callers that create
		 * entries check upt_ct_icmp_invert_type() first, as the kernel
		 * refuses to track such packets. */
		(void)upt_ct_icmp_invert_type(type, &inv);
		r.sport = in->sport;
		r.dport = (uint16_t)(inv << 8 | (in->dport & 0xff));
	} else {
		r.sport = in->dport;
		r.dport = in->sport;
	}
	*out = r;
}

bool upt_tuple_eq(const struct upt_tuple *a, const struct upt_tuple *b)
{
	return a->src == b->src && a->dst == b->dst && a->sport == b->sport &&
	       a->dport == b->dport && a->proto == b->proto && a->zone == b->zone;
}

bool upt_tuple_from_pkt(const struct upt_pdesc *d, uint16_t zone, struct upt_tuple *tu)
{
	memset(tu, 0, sizeof(*tu));
	if (d->l2_kind != UPT_L2_IPV4)
		return false;
	/* Later fragments carry no transport header (the kernel's
	 * ipv4_get_l4proto refuses them too); reassembly is the caller's. */
	if (d->frag_off & UPT_IP_OFFMASK)
		return false;
	tu->src = d->saddr;
	tu->dst = d->daddr;
	tu->proto = d->proto;
	tu->zone = zone;
	switch (d->proto) {
	case UPT_IPPROTO_TCP:
	case UPT_IPPROTO_UDP:
		if (!d->l4_ok)
			return false;
		tu->sport = d->sport;
		tu->dport = d->dport;
		break;
	case UPT_IPPROTO_ICMP: {
		uint16_t id;

		if (!d->l4_ok)
			return false;
		/* The kernel reads the echo id field for every type. */
		if (!upt_pkt_load16(d, (uint32_t)d->l4_off + 4, &id))
			return false;
		tu->sport = id;
		tu->dport = (uint16_t)(d->icmp_type << 8 | d->icmp_code);
		break;
	}
	case UPT_CT_IPPROTO_UDPLITE:
		/* No parsed ports here: the kernel needs just these 4 bytes. */
		if (d->l4_len < 4 || !upt_pkt_load16(d, d->l4_off, &tu->sport) ||
		    !upt_pkt_load16(d, (uint32_t)d->l4_off + 2, &tu->dport))
			return false;
		break;
	case UPT_CT_IPPROTO_GRE:
		if (!upt_ct_gre_keys(d, d->l4_off, d->l4_len, &tu->sport, &tu->dport))
			return false;
		break;
	default:
		break;
	}
	return true;
}

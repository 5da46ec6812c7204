// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP tracking (the kernel's nf_conntrack_proto_icmp.c and the error path
 * of nf_conntrack_core.c).
 *
 * Queries (echo, timestamp, information, address mask requests) create an
 * entry keyed by identifier, type and code; the matching reply type is its
 * REPLY tuple.  Any other type without an entry is INVALID (an unsolicited
 * echo reply, router advertisements, ...), as are types above 18.
 *
 * Errors (destination unreachable, source quench, redirect, time exceeded,
 * parameter problem) never create entries: they quote the head of the
 * packet that caused them, and belong (RELATED) to that packet's
 * connection.  The quoted tuple is inverted (the error travels against the
 * quoted packet) and looked up; the error's direction is the direction that
 * inverted tuple has in the entry.  The kernel also insists that the error
 * is addressed to the quoted packet's source, so an error cannot be sent
 * to a third host under cover of someone's connection.  An error that
 * matches nothing is INVALID.
 */
#include "ct/ct.h"
#include "ct/ct_int.h"
#include "pkt/pkt.h"
#include "uptables/uptables.h"

#define NR_ICMP_TYPES 18

bool upt_ct_icmp_header_ok(const struct upt_pdesc *d, unsigned hook,
			   const struct upt_ct_sysctl *sys)
{
	if (!d->l4_ok)
		return false; /* short packet */
	if (sys->checksum && hook == UPT_HOOK_PRE_ROUTING && !upt_pkt_l4_csum_ok(d))
		return false;
	/* RFC 1122 3.2.2: unknown types are discarded. */
	return d->icmp_type <= NR_ICMP_TYPES;
}

/* Only these types may start a connection. */
static bool icmp_valid_new(uint8_t type)
{
	return type == UPT_ICMP_ECHO || type == UPT_ICMP_TIMESTAMP ||
	       type == UPT_ICMP_INFO_REQUEST || type == UPT_ICMP_ADDRESS;
}

enum upt_ct_verdict upt_ct_icmp_packet(struct upt_ct *ct, const struct upt_ct_pkt *p)
{
	if (!icmp_valid_new((uint8_t)(ct->tuple[UPT_CT_DIR_ORIGINAL].dport >> 8)))
		return UPT_CT_INVALID;
	/* Replies refresh too: the entry lingers for duplicates and late replies. */
	upt_ct_refresh(ct, p->now, p->sys->icmp_timeout);
	return UPT_CT_ACCEPT;
}

/* Tuple of the packet quoted in an ICMP error; false if it cannot be had. */
static bool quoted_tuple(const struct upt_pdesc *d, uint16_t zone, struct upt_tuple *tu)
{
	const struct upt_inner_desc *in = &d->inner;

	/* A trackable quoted header (not a later fragment). */
	if (!d->icmp_is_error || !in->ok)
		return false;
	*tu = (struct upt_tuple){
	    .src = in->saddr,
	    .dst = in->daddr,
	    .proto = in->proto,
	    .zone = zone,
	};
	switch (in->proto) {
	case UPT_IPPROTO_TCP:
	case UPT_IPPROTO_UDP:
	case UPT_CT_IPPROTO_UDPLITE:
		/* The kernel reads only the two ports here (4 bytes), fewer
		 * than the 8 that make the parser's ports_ok. */
		if (in->l4_avail < 4 || !upt_pkt_load16(d, in->l4_off, &tu->sport) ||
		    !upt_pkt_load16(d, (uint32_t)in->l4_off + 2, &tu->dport))
			return false;
		break;
	case UPT_IPPROTO_ICMP:
		/* A whole ICMP header (8 bytes): id, type and code. */
		if (!in->ports_ok)
			return false;
		tu->sport = in->sport;
		tu->dport = in->dport;
		break;
	case UPT_CT_IPPROTO_GRE:
		if (!upt_ct_gre_keys(d, in->l4_off, in->l4_avail, &tu->sport, &tu->dport))
			return false;
		break;
	default:
		break;
	}
	return true;
}

void upt_ct_icmp_error(struct upt_ct_table *t, const struct upt_pdesc *d, uint16_t zone,
		       uint64_t now, struct upt_ct_result *res)
{
	struct upt_tuple orig, inner;
	enum upt_ct_dir dir;
	struct upt_ct *ct;
	uint8_t inv;

	res->ct = NULL;
	res->ctinfo = UPT_CTINFO_INVALID;
	if (!quoted_tuple(d, zone, &orig))
		return;
	/* The quoted packet's tuple is kept as sent; the error flows against it. */
	if (orig.proto == UPT_IPPROTO_ICMP &&
	    !upt_ct_icmp_invert_type((uint8_t)(orig.dport >> 8), &inv))
		return;
	upt_tuple_invert(&orig, &inner);
	ct = upt_ct_lookup(t, &inner, now, &dir);
	if (!ct)
		return;
	/* The error must go to where the quoted packet came from. */
	if (ct->tuple[dir].dst != d->daddr)
		return;
	res->ct = ct;
	res->dir = (uint8_t)dir;
	res->ctinfo = dir == UPT_CT_DIR_REPLY ? UPT_CTINFO_RELATED_REPLY : UPT_CTINFO_RELATED;
}

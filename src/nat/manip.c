// SPDX-License-Identifier: GPL-2.0
/*
 * Rewriting packets from their entry's bindings (the kernel's
 * nf_nat_packet, nf_nat_manip_pkt, nf_nat_ipv4_manip_pkt and
 * nf_nat_icmp_reply_translation in nf_nat_core.c / nf_nat_proto.c).
 *
 * Theory of operation:
 *   - A hook of kind SRC rewrites the source of ORIGINAL packets when the
 *     entry has SRC_NAT, and the source of REPLY packets when it has
 *     DST_NAT (a DNAT's replies must come from the address the client
 *     talked to); DST hooks likewise with the bits swapped.
 *   - The target is always "the inverse of the other direction's tuple":
 *     the packet, once rewritten, is exactly what the other direction's
 *     tuple expects to answer.
 *   - Transport first, then the address; the src/pkt rewriters keep every
 *     checksum right (pseudo-header included) and refuse, before changing
 *     anything, a TCP/UDP/ICMP header shorter than the 8 bytes the kernel
 *     requires.  A non-first fragment has no transport header: only its
 *     address changes (the kernel reassembles first; its IPv6 manip does
 *     the same for fragments it sees).
 *   - An ICMP error about a NATed connection quotes a packet of the other
 *     direction: the quote is rewritten with the other direction's tuple
 *     and the opposite manip, then the outer header as for any packet of
 *     this direction, whose transport (an ICMP error) has nothing to change.
 */
#include "nat/nat.h"
#include "pkt/csum.h"
#include "pkt/pkt.h"

static uint32_t status_bit(enum upt_ct_dir dir, enum upt_nat_manip manip)
{
	uint32_t bit = manip == UPT_NAT_MANIP_SRC ? UPT_IPS_SRC_NAT : UPT_IPS_DST_NAT;

	/* Replies undo the other manip. */
	if (dir == UPT_CT_DIR_REPLY)
		bit ^= UPT_IPS_NAT_MASK;
	return bit;
}

/* l4proto_manip_pkt for the packet's own transport header. */
static bool manip_l4(struct upt_pdesc *d, const struct upt_tuple *target, enum upt_nat_manip manip)
{
	/* Later fragments carry no transport header. */
	if (d->frag_off & UPT_IP_OFFMASK)
		return true;

	switch (target->proto) {
	case UPT_IPPROTO_TCP:
	case UPT_IPPROTO_UDP:
		if (manip == UPT_NAT_MANIP_SRC)
			return d->sport == target->sport || upt_pdesc_set_sport(d, target->sport);
		return d->dport == target->dport || upt_pdesc_set_dport(d, target->dport);
	case UPT_IPPROTO_ICMP:
		if (d->l4_len < 8)
			return false;
		/* The id, whichever the manip; errors and other types stay as they are. */
		if (!upt_icmp_has_id(d->icmp_type) || d->icmp_id == target->sport)
			return true;
		return upt_pdesc_set_icmp_id(d, target->sport);
	default:
		/* Protocols without ports: only the address changes. */
		return true;
	}
}

static bool manip_addr(struct upt_pdesc *d, const struct upt_tuple *target,
		       enum upt_nat_manip manip)
{
	if (manip == UPT_NAT_MANIP_SRC)
		return d->saddr == target->src || upt_pdesc_set_saddr(d, target->src);
	return d->daddr == target->dst || upt_pdesc_set_daddr(d, target->dst);
}

/* nf_nat_manip_pkt: make the packet the inverse of the other direction's tuple. */
static bool manip_pkt(const struct upt_ct *ct, enum upt_ct_dir dir, enum upt_nat_manip manip,
		      struct upt_pdesc *d)
{
	struct upt_tuple target;

	if (d->l2_kind != UPT_L2_IPV4)
		return false;
	upt_tuple_invert(&ct->tuple[!dir], &target);
	/* Refuse a short header before anything is changed. */
	if (!(d->frag_off & UPT_IP_OFFMASK) &&
	    (target.proto == UPT_IPPROTO_TCP || target.proto == UPT_IPPROTO_UDP ||
	     target.proto == UPT_IPPROTO_ICMP) &&
	    d->l4_len < 8)
		return false;
	if (!manip_l4(d, &target, manip))
		return false;
	return manip_addr(d, &target, manip);
}

bool upt_nat_packet(struct upt_ct *ct, enum upt_ct_dir dir, enum upt_nat_manip manip,
		    struct upt_pdesc *d)
{
	if (!ct || !d)
		return false;
	if (!(ct->status & status_bit(dir, manip)))
		return true;
	return manip_pkt(ct, dir, manip, d);
}

/* nf_nat_ipv4_manip_pkt on the quoted packet, with the given (not inverted) tuple. */
static bool manip_inner(struct upt_pdesc *d, const struct upt_tuple *t, enum upt_nat_manip manip)
{
	struct upt_inner_desc *in = &d->inner;
	int which = manip == UPT_NAT_MANIP_SRC ? 0 : 1;
	uint32_t addr = which ? t->dst : t->src;

	switch (t->proto) {
	case UPT_IPPROTO_TCP:
	case UPT_IPPROTO_UDP: {
		uint16_t port = which ? t->dport : t->sport;
		uint16_t cur = which ? in->dport : in->sport;

		if (in->l4_avail < 8)
			return false;
		if (cur != port && !upt_pdesc_set_inner_port(d, which, port))
			return false;
		break;
	}
	case UPT_IPPROTO_ICMP: {
		uint8_t type;

		if (in->l4_avail < 8 || !upt_pkt_load8(d, in->l4_off, &type))
			return false;
		/* A quoted query carries the id in sport, whichever the manip. */
		if (upt_icmp_has_id(type) && in->sport != t->sport &&
		    !upt_pdesc_set_inner_port(d, 0, t->sport))
			return false;
		break;
	}
	default:
		break;
	}
	if ((which ? in->daddr : in->saddr) == addr)
		return true;
	return upt_pdesc_set_inner_addr(d, which, addr);
}

/* The whole ICMP message sums to 0xffff (nf_ip_checksum on CHECKSUM_NONE). */
static bool icmp_csum_ok(const struct upt_pdesc *d)
{
	if ((uint32_t)d->l4_off + d->l4_len > d->frame_len)
		return false;
	return upt_csum_fold(upt_csum_partial(d->frame + d->l4_off, d->l4_len, 0)) == 0;
}

bool upt_nat_icmp_reply_translation(struct upt_ct *ct, enum upt_ct_dir dir,
				    enum upt_nat_manip manip, struct upt_pdesc *d)
{
	enum upt_nat_manip inner_manip =
	    manip == UPT_NAT_MANIP_SRC ? UPT_NAT_MANIP_DST : UPT_NAT_MANIP_SRC;
	struct upt_tuple target;

	if (!ct || !d || d->l2_kind != UPT_L2_IPV4 || d->proto != UPT_IPPROTO_ICMP)
		return false;
	/* The ICMP header and the quoted IP header must be there, and the checksum right. */
	if (!d->icmp_is_error || !d->inner.ok || d->l4_len < 8 + 20 || !icmp_csum_ok(d))
		return false;
	/* Redirects are passed only for connections without any NAT. */
	if (d->icmp_type == UPT_ICMP_REDIRECT) {
		if ((ct->status & UPT_IPS_NAT_DONE_MASK) != UPT_IPS_NAT_DONE_MASK)
			return false;
		if (ct->status & UPT_IPS_NAT_MASK)
			return false;
	}
	if (!(ct->status & status_bit(dir, manip)))
		return true;

	/* The quote is a packet of the other direction: give it that tuple. */
	if (!manip_inner(d, &ct->tuple[!dir], inner_manip))
		return false;

	/* The outer header, as a reply to the packet it quotes. */
	upt_tuple_invert(&ct->tuple[!dir], &target);
	return manip_addr(d, &target, manip);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checksum verification and rewriting of a parsed frame.
 *
 * Theory of operation.  Every rewrite changes bytes and descriptor
 * together and repairs each checksum that covers the changed bytes with an
 * RFC 1624 incremental update; nothing is recomputed from scratch, so a
 * rewrite costs the same for a 60-byte and a 64-kB packet.  Which checksums
 * are touched, and when a rewrite refuses, follows the kernel's NAT
 * (nf_nat_proto.c):
 *   - an address change fixes the IPv4 header checksum and, through the
 *     pseudo-header, the TCP checksum when the 20-byte TCP header is present
 *     and the UDP checksum unless it is 0 (no checksum sent); ICMP has no
 *     pseudo-header;
 *   - TCP, UDP and ICMP need their first 8 bytes present, otherwise the
 *     kernel's manip fails and so do we, before changing anything;
 *   - a UDP checksum that comes out as 0 is written 0xffff (RFC 768);
 *   - the ICMP identifier is rewritten only for query/reply types;
 *   - for an ICMP error, the quoted header is rewritten as the kernel's
 *     nf_nat_icmp_reply_translation() does: quoted IP header checksum,
 *     quoted TCP checksum only when its 20 header bytes are quoted, quoted
 *     UDP checksum unless 0.  Every quoted 16-bit word that changes is also
 *     folded into the outer ICMP checksum (the kernel recomputes that one in
 *     full; for a packet whose ICMP checksum was right the result is equal).
 */
#include <string.h>

#include "pkt/csum.h"
#include "pkt/pkt.h"
#include "pkt/pkt_int.h"

static bool is_ipv4(const struct upt_pdesc *d)
{
	return d->l2_kind == UPT_L2_IPV4;
}

static uint8_t *l3(const struct upt_pdesc *d)
{
	return d->frame + d->l2_len;
}

static uint8_t *l4(const struct upt_pdesc *d)
{
	return d->frame + d->l4_off;
}

static bool first_fragment(const struct upt_pdesc *d)
{
	return (d->frag_off & UPT_IP_OFFMASK) == 0;
}

bool upt_pkt_ip_csum_ok(const struct upt_pdesc *d)
{
	if (!is_ipv4(d))
		return false;
	return upt_csum_fold(upt_csum_partial(l3(d), d->l3_len, 0)) == 0;
}

bool upt_pkt_l4_csum_ok(const struct upt_pdesc *d)
{
	uint32_t sum;

	if (!is_ipv4(d) || !d->l4_ok || d->is_fragment)
		return false;
	switch (d->proto) {
	case UPT_IPPROTO_UDP:
		if (pkt_rd16(l4(d) + 6) == 0)
			return true;
		/* fall through */
	case UPT_IPPROTO_TCP:
		sum = upt_csum_pseudo(d->saddr, d->daddr, d->proto, d->l4_len);
		return upt_csum_fold(upt_csum_partial(l4(d), d->l4_len, sum)) == 0;
	case UPT_IPPROTO_ICMP:
		return upt_csum_fold(upt_csum_partial(l4(d), d->l4_len, 0)) == 0;
	default:
		return true; /* no checksum we know how to verify */
	}
}

void upt_pkt_fill_ip_csum(struct upt_pdesc *d)
{
	uint8_t *p;

	if (!is_ipv4(d))
		return;
	p = l3(d);
	pkt_wr16(p + 10, 0);
	pkt_wr16(p + 10, upt_csum_fold(upt_csum_partial(p, d->l3_len, 0)));
}

void upt_pkt_fill_l4_csum(struct upt_pdesc *d)
{
	uint8_t *q;
	uint32_t sum;
	uint16_t c;

	/* A fragment holds only part of what the checksum covers. */
	if (!is_ipv4(d) || !d->l4_ok || d->is_fragment)
		return;
	q = l4(d);
	switch (d->proto) {
	case UPT_IPPROTO_TCP:
		pkt_wr16(q + 16, 0);
		sum = upt_csum_pseudo(d->saddr, d->daddr, d->proto, d->l4_len);
		pkt_wr16(q + 16, upt_csum_fold(upt_csum_partial(q, d->l4_len, sum)));
		break;
	case UPT_IPPROTO_UDP:
		pkt_wr16(q + 6, 0);
		sum = upt_csum_pseudo(d->saddr, d->daddr, d->proto, d->l4_len);
		c = upt_csum_fold(upt_csum_partial(q, d->l4_len, sum));
		pkt_wr16(q + 6, c ? c : 0xffff);
		break;
	case UPT_IPPROTO_ICMP:
		pkt_wr16(q + 2, 0);
		pkt_wr16(q + 2, upt_csum_fold(upt_csum_partial(q, d->l4_len, 0)));
		break;
	default:
		break;
	}
}

/*
 * Where the transport checksum that covers the pseudo-header sits, for a
 * header that starts at `hdr` with `avail` bytes present; NULL when there is
 * none to update (ICMP, other protocols, truncated TCP, UDP without one).
 */
static uint8_t *pseudo_csum_field(uint8_t proto, uint8_t *hdr, uint32_t avail)
{
	switch (proto) {
	case UPT_IPPROTO_TCP:
		return avail >= PKT_TCP_HLEN ? hdr + 16 : NULL;
	case UPT_IPPROTO_UDP:
		if (avail < PKT_UDP_HLEN || pkt_rd16(hdr + 6) == 0)
			return NULL;
		return hdr + 6;
	default:
		return NULL;
	}
}

/* Store an updated transport checksum; UDP never stores 0 for a real checksum. */
static void store_l4_csum(uint8_t proto, uint8_t *field, uint16_t c)
{
	if (proto == UPT_IPPROTO_UDP && c == 0)
		c = 0xffff;
	pkt_wr16(field, c);
}

/* The kernel's manip needs the first 8 transport bytes of TCP, UDP and ICMP. */
static bool l4_manip_possible(uint8_t proto, uint32_t avail)
{
	switch (proto) {
	case UPT_IPPROTO_TCP:
	case UPT_IPPROTO_UDP:
	case UPT_IPPROTO_ICMP:
		return avail >= 8;
	default:
		return true;
	}
}

static bool set_addr(struct upt_pdesc *d, int which, uint32_t addr)
{
	uint8_t *ip, *field;
	uint32_t old;

	if (!is_ipv4(d))
		return false;
	if (first_fragment(d) && !l4_manip_possible(d->proto, d->l4_len))
		return false;
	ip = l3(d);
	old = which ? d->daddr : d->saddr;
	if (first_fragment(d)) {
		field = pseudo_csum_field(d->proto, l4(d), d->l4_len);
		if (field)
			store_l4_csum(d->proto, field,
				      upt_csum_update32(pkt_rd16(field), old, addr));
	}
	pkt_wr16(ip + 10, upt_csum_update32(pkt_rd16(ip + 10), old, addr));
	pkt_wr32(ip + (which ? 16 : 12), addr);
	if (which)
		d->daddr = addr;
	else
		d->saddr = addr;
	return true;
}

bool upt_pdesc_set_saddr(struct upt_pdesc *d, uint32_t addr)
{
	return set_addr(d, 0, addr);
}

bool upt_pdesc_set_daddr(struct upt_pdesc *d, uint32_t addr)
{
	return set_addr(d, 1, addr);
}

static bool set_port(struct upt_pdesc *d, int which, uint16_t port)
{
	uint8_t *q, *field;
	uint16_t old;

	if (!is_ipv4(d) || !first_fragment(d))
		return false;
	if (d->proto != UPT_IPPROTO_TCP && d->proto != UPT_IPPROTO_UDP)
		return false;
	if (d->l4_len < 8)
		return false;
	q = l4(d);
	old = pkt_rd16(q + (which ? 2 : 0));
	field = pseudo_csum_field(d->proto, q, d->l4_len);
	if (field)
		store_l4_csum(d->proto, field, upt_csum_update16(pkt_rd16(field), old, port));
	pkt_wr16(q + (which ? 2 : 0), port);
	if (which)
		d->dport = port;
	else
		d->sport = port;
	return true;
}

bool upt_pdesc_set_sport(struct upt_pdesc *d, uint16_t port)
{
	return set_port(d, 0, port);
}

bool upt_pdesc_set_dport(struct upt_pdesc *d, uint16_t port)
{
	return set_port(d, 1, port);
}

bool upt_pdesc_set_icmp_id(struct upt_pdesc *d, uint16_t id)
{
	uint8_t *q;

	if (!is_ipv4(d) || d->proto != UPT_IPPROTO_ICMP || !first_fragment(d) ||
	    d->l4_len < PKT_ICMP_HLEN)
		return false;
	q = l4(d);
	if (!upt_icmp_has_id(q[0]))
		return false;
	pkt_wr16(q + 2, upt_csum_update16(pkt_rd16(q + 2), pkt_rd16(q + 4), id));
	pkt_wr16(q + 4, id);
	d->icmp_id = id;
	return true;
}

/* Change one aligned 16-bit word of the IPv4 header, keeping its checksum. */
static void ip_set_word(struct upt_pdesc *d, uint32_t off, uint16_t word)
{
	uint8_t *ip = l3(d);

	pkt_wr16(ip + 10, upt_csum_update16(pkt_rd16(ip + 10), pkt_rd16(ip + off), word));
	pkt_wr16(ip + off, word);
}

void upt_pdesc_set_ttl(struct upt_pdesc *d, uint8_t ttl)
{
	uint8_t *ip;

	if (!is_ipv4(d))
		return;
	ip = l3(d);
	ip_set_word(d, 8, (uint16_t)(ttl << 8 | ip[9]));
	d->ttl = ttl;
}

void upt_pdesc_set_tos(struct upt_pdesc *d, uint8_t tos)
{
	uint8_t *ip;

	if (!is_ipv4(d))
		return;
	ip = l3(d);
	ip_set_word(d, 0, (uint16_t)(ip[0] << 8 | tos));
	d->tos = tos;
}

/*
 * Inside an ICMP error every quoted word sits at an even offset from the
 * ICMP header (8 + even header lengths), so each change can be folded into
 * the outer ICMP checksum as a plain 16-bit update.
 */
static void inner_write16(struct upt_pdesc *d, uint8_t *p, uint16_t v)
{
	uint8_t *icmp = l4(d);

	pkt_wr16(icmp + 2, upt_csum_update16(pkt_rd16(icmp + 2), pkt_rd16(p), v));
	pkt_wr16(p, v);
}

static bool inner_usable(const struct upt_pdesc *d)
{
	return is_ipv4(d) && d->proto == UPT_IPPROTO_ICMP && d->icmp_is_error && d->inner.ok;
}

bool upt_pdesc_set_inner_addr(struct upt_pdesc *d, int which, uint32_t addr)
{
	struct upt_inner_desc *in = &d->inner;
	uint8_t *ip, *field;
	uint32_t old;

	if (!inner_usable(d) || (which != 0 && which != 1))
		return false;
	if (!l4_manip_possible(in->proto, in->l4_avail))
		return false;
	ip = d->frame + in->l3_off;
	old = which ? in->daddr : in->saddr;
	field = pseudo_csum_field(in->proto, d->frame + in->l4_off, in->l4_avail);
	if (field) {
		uint16_t c = upt_csum_update32(pkt_rd16(field), old, addr);

		if (in->proto == UPT_IPPROTO_UDP && c == 0)
			c = 0xffff;
		inner_write16(d, field, c);
	}
	inner_write16(d, ip + 10, upt_csum_update32(pkt_rd16(ip + 10), old, addr));
	inner_write16(d, ip + (which ? 16 : 12), (uint16_t)(addr >> 16));
	inner_write16(d, ip + (which ? 18 : 14), (uint16_t)addr);
	if (which)
		in->daddr = addr;
	else
		in->saddr = addr;
	return true;
}

bool upt_pdesc_set_inner_port(struct upt_pdesc *d, int which, uint16_t port)
{
	struct upt_inner_desc *in = &d->inner;
	uint8_t *q, *field;
	uint16_t old;

	if (!inner_usable(d) || (which != 0 && which != 1))
		return false;
	if (in->l4_avail < 8)
		return false;
	q = d->frame + in->l4_off;
	switch (in->proto) {
	case UPT_IPPROTO_TCP:
	case UPT_IPPROTO_UDP:
		old = pkt_rd16(q + (which ? 2 : 0));
		field = pseudo_csum_field(in->proto, q, in->l4_avail);
		if (field) {
			uint16_t c = upt_csum_update16(pkt_rd16(field), old, port);

			if (in->proto == UPT_IPPROTO_UDP && c == 0)
				c = 0xffff;
			inner_write16(d, field, c);
		}
		inner_write16(d, q + (which ? 2 : 0), port);
		break;
	case UPT_IPPROTO_ICMP:
		/* Only the identifier (the tuple's sport) of a quoted query can change. */
		if (which != 0 || !upt_icmp_has_id(q[0]))
			return false;
		inner_write16(d, q + 2, upt_csum_update16(pkt_rd16(q + 2), pkt_rd16(q + 4), port));
		inner_write16(d, q + 4, port);
		break;
	default:
		return false;
	}
	if (which)
		in->dport = port;
	else
		in->sport = port;
	return true;
}

void upt_pkt_set_eth(struct upt_pdesc *d, const uint8_t dst[UPT_ETH_ALEN],
		     const uint8_t src[UPT_ETH_ALEN])
{
	if (d->l2_len < UPT_ETH_HLEN || d->frame_len < UPT_ETH_HLEN)
		return;
	memcpy(d->frame, dst, UPT_ETH_ALEN);
	memcpy(d->frame + UPT_ETH_ALEN, src, UPT_ETH_ALEN);
}

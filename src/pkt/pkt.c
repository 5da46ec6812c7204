/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frame parser: Ethernet (one optional 802.1Q tag), ARP, IPv4 and the
 * TCP/UDP/ICMP headers, into a struct upt_pdesc.
 *
 * Theory of operation.  Every byte is read only after checking that it lies
 * inside the frame, so any input is safe.  The IPv4 checks and their order
 * are those of the kernel's ip_rcv_core(): header present, version and IHL,
 * IHL within the frame, header checksum, then total length (larger than
 * what arrived, or smaller than the header).  Bytes after the total length
 * are link-layer padding: the kernel trims them, we keep frame_len as the
 * frame's length and let everything above the IP header use ip_len.
 *
 * A transport header that is missing or inconsistent is not a drop here: it
 * leaves l4_ok false and conntrack calls the packet INVALID, which is what
 * the kernel's tcp_error()/udp_error()/icmp_error() do.  Fragments are
 * marked, never dropped: the caller decides.
 */
#include <string.h>

#include "pkt/csum.h"
#include "pkt/pkt.h"
#include "pkt/pkt_int.h"
#include "uptables/uptables.h"

bool upt_pkt_load8(const struct upt_pdesc *d, uint32_t off, uint8_t *v)
{
	if (off >= d->frame_len)
		return false;
	*v = d->frame[off];
	return true;
}

bool upt_pkt_load16(const struct upt_pdesc *d, uint32_t off, uint16_t *v)
{
	if (d->frame_len < 2 || off > d->frame_len - 2)
		return false;
	*v = pkt_rd16(d->frame + off);
	return true;
}

bool upt_pkt_load32(const struct upt_pdesc *d, uint32_t off, uint32_t *v)
{
	if (d->frame_len < 4 || off > d->frame_len - 4)
		return false;
	*v = pkt_rd32(d->frame + off);
	return true;
}

/*
 * The packet an ICMP error quotes.  Which checks make it trackable follows
 * the kernel's get_l4proto() for IPv4 (20 header bytes present, the
 * transport offset inside the packet, not a non-first fragment); the version
 * nibble is not looked at there either.  Ports need 8 quoted bytes, as the
 * kernel's tuple readers ask for.
 */
static void parse_inner(struct upt_pdesc *d)
{
	struct upt_inner_desc *in = &d->inner;
	uint32_t end = (uint32_t)d->l2_len + d->ip_len;
	uint32_t off = (uint32_t)d->l4_off + PKT_ICMP_HLEN;
	const uint8_t *p = d->frame + off;
	const uint8_t *q;
	uint32_t avail = end - off;
	uint32_t ihl;

	if (avail < PKT_IP_HLEN)
		return;
	ihl = (uint32_t)(p[0] & 0x0f) * 4;
	if (ihl < PKT_IP_HLEN || ihl > avail)
		return;
	in->l3_off = (uint16_t)off;
	in->l3_len = (uint16_t)ihl;
	in->l4_off = (uint16_t)(off + ihl);
	in->l4_avail = (uint16_t)(avail - ihl);
	in->proto = p[9];
	in->saddr = pkt_rd32(p + 12);
	in->daddr = pkt_rd32(p + 16);
	if (pkt_rd16(p + 6) & UPT_IP_OFFMASK)
		return;
	in->ok = true;

	q = d->frame + in->l4_off;
	switch (in->proto) {
	case UPT_IPPROTO_TCP:
	case UPT_IPPROTO_UDP:
		if (in->l4_avail < 8)
			return;
		in->sport = pkt_rd16(q);
		in->dport = pkt_rd16(q + 2);
		break;
	case UPT_IPPROTO_ICMP:
		if (in->l4_avail < PKT_ICMP_HLEN)
			return;
		in->sport = pkt_rd16(q + 4);
		in->dport = (uint16_t)(q[0] << 8 | q[1]);
		break;
	default:
		break;
	}
	in->ports_ok = true;
}

static void parse_l4(struct upt_pdesc *d)
{
	const uint8_t *q = d->frame + d->l4_off;
	uint32_t n = d->l4_len;

	/* Only the first fragment carries the transport header. */
	if (d->frag_off & UPT_IP_OFFMASK)
		return;

	switch (d->proto) {
	case UPT_IPPROTO_TCP:
		if (n < PKT_TCP_HLEN)
			return;
		d->sport = pkt_rd16(q);
		d->dport = pkt_rd16(q + 2);
		d->tcp_seq = pkt_rd32(q + 4);
		d->tcp_ack = pkt_rd32(q + 8);
		d->tcp_doff = (uint8_t)((q[12] >> 4) * 4);
		d->tcp_flags = q[13];
		d->tcp_win = pkt_rd16(q + 14);
		/* tcp_error(): data offset below 20 or beyond the segment is malformed. */
		d->l4_ok = d->tcp_doff >= PKT_TCP_HLEN && d->tcp_doff <= n;
		return;
	case UPT_IPPROTO_UDP:
		if (n < PKT_UDP_HLEN)
			return;
		d->sport = pkt_rd16(q);
		d->dport = pkt_rd16(q + 2);
		d->l4_ok = true;
		return;
	case UPT_IPPROTO_ICMP:
		/* The kernel reads a whole struct icmphdr (8 bytes) for every type. */
		if (n < PKT_ICMP_HLEN)
			return;
		d->icmp_type = q[0];
		d->icmp_code = q[1];
		if (upt_icmp_has_id(q[0]))
			d->icmp_id = pkt_rd16(q + 4);
		d->l4_ok = true;
		if (upt_icmp_is_error(q[0])) {
			d->icmp_is_error = true;
			parse_inner(d);
		}
		return;
	default:
		/* No header we know of: nothing can be missing. */
		d->l4_ok = true;
		return;
	}
}

/* The IPv4 header at d->frame + d->l2_len; d->frame/frame_len/l2_len are set. */
static int parse_ipv4(struct upt_pdesc *d)
{
	const uint8_t *p;
	uint32_t avail, ihl, totlen;

	if (d->frame_len < d->l2_len || d->frame_len - d->l2_len < PKT_IP_HLEN)
		return UPT_DROP_IP_TRUNCATED;
	avail = d->frame_len - d->l2_len;
	p = d->frame + d->l2_len;

	/* ip_rcv_core() tests both in one condition; the version is the more telling. */
	if ((p[0] >> 4) != 4)
		return UPT_DROP_IP_BAD_VERSION;
	ihl = (uint32_t)(p[0] & 0x0f) * 4;
	if (ihl < PKT_IP_HLEN)
		return UPT_DROP_IP_BAD_IHL;
	if (ihl > avail)
		return UPT_DROP_IP_TRUNCATED;
	/* The kernel checks the header checksum before the total length. */
	if (upt_csum_fold(upt_csum_partial(p, ihl, 0)) != 0)
		return UPT_DROP_IP_BAD_CSUM;
	totlen = pkt_rd16(p + 2);
	if (totlen > avail || totlen < ihl)
		return UPT_DROP_IP_BAD_TOTLEN;

	d->l2_kind = UPT_L2_IPV4;
	d->tos = p[1];
	d->ip_len = (uint16_t)totlen;
	d->ip_id = pkt_rd16(p + 4);
	d->frag_off = pkt_rd16(p + 6);
	d->ttl = p[8];
	d->proto = p[9];
	d->saddr = pkt_rd32(p + 12);
	d->daddr = pkt_rd32(p + 16);
	d->l3_len = (uint16_t)ihl;
	d->is_fragment = (d->frag_off & (UPT_IP_MF | UPT_IP_OFFMASK)) != 0;
	d->l4_off = (uint16_t)(d->l2_len + ihl);
	d->l4_len = (uint16_t)(totlen - ihl);
	parse_l4(d);
	return 0;
}

/*
 * Ethernet/IPv4 ARP only, as arp_rcv()/arp_process() accept it: hardware
 * type Ethernet, protocol IPv4, address lengths 6 and 4, and an opcode the
 * kernel acts on (request or reply).
 */
static int parse_arp(struct upt_pdesc *d)
{
	const uint8_t *p = d->frame + d->l2_len;
	struct upt_arp_desc *a = &d->arp;

	if (d->frame_len - d->l2_len < 28)
		return UPT_DROP_ARP_MALFORMED;
	if (pkt_rd16(p) != 1 || pkt_rd16(p + 2) != UPT_ETH_P_IP || p[4] != UPT_ETH_ALEN ||
	    p[5] != 4)
		return UPT_DROP_ARP_MALFORMED;
	a->op = pkt_rd16(p + 6);
	if (a->op != 1 && a->op != 2)
		return UPT_DROP_ARP_MALFORMED;
	memcpy(a->sha, p + 8, UPT_ETH_ALEN);
	a->spa = pkt_rd32(p + 14);
	memcpy(a->tha, p + 18, UPT_ETH_ALEN);
	a->tpa = pkt_rd32(p + 24);
	d->l2_kind = UPT_L2_ARP;
	return 0;
}

int upt_pkt_parse_eth(struct upt_pdesc *d, uint8_t *frame, uint32_t len)
{
	uint16_t type;

	memset(d, 0, sizeof(*d));
	d->frame = frame;
	d->frame_len = len;
	if (len < UPT_ETH_HLEN)
		return UPT_DROP_ETH_TRUNCATED;
	d->l2_len = UPT_ETH_HLEN;
	type = pkt_rd16(frame + 12);
	if (type == UPT_ETH_P_8021Q) {
		if (len < UPT_ETH_HLEN + UPT_VLAN_HLEN)
			return UPT_DROP_ETH_TRUNCATED;
		d->has_vlan = true;
		d->vlan_tci = pkt_rd16(frame + 14);
		type = pkt_rd16(frame + 16);
		d->l2_len = UPT_ETH_HLEN + UPT_VLAN_HLEN;
	}
	switch (type) {
	case UPT_ETH_P_IP:
		return parse_ipv4(d);
	case UPT_ETH_P_ARP:
		return parse_arp(d);
	default:
		/* Includes a second 802.1Q tag and 802.1ad: no QinQ support. */
		return UPT_DROP_ETH_UNKNOWN_TYPE;
	}
}

int upt_pkt_parse_ip(struct upt_pdesc *d, uint8_t *frame, uint32_t len, uint16_t l2_len)
{
	memset(d, 0, sizeof(*d));
	d->frame = frame;
	d->frame_len = len;
	d->l2_len = l2_len;
	return parse_ipv4(d);
}

int upt_pkt_reparse(struct upt_pdesc *d)
{
	uint8_t *frame = d->frame;
	uint32_t len = d->frame_len;

	if (d->l2_len == 0)
		return upt_pkt_parse_ip(d, frame, len, 0);
	return upt_pkt_parse_eth(d, frame, len);
}

/* SPDX-License-Identifier: GPL-2.0 */
#include "frames.h"

#include <arpa/inet.h>
#include <string.h>

#include "pkt/pkt.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * RFC 1071 by its definition: add 16-bit words one at a time with the carry
 * wrapped around after every addition.  Slow on purpose and unlike the
 * library's deferred-carry loop.  `initial` may be any pre-sum.
 */
uint16_t frame_ref_csum(const uint8_t *p, size_t n, uint64_t initial)
{
	uint32_t s;
	size_t i;

	while (initial >> 16)
		initial = (initial & 0xffff) + (initial >> 16);
	s = (uint32_t)initial;
	for (i = 0; i < n; i += 2) {
		uint32_t w = (uint32_t)p[i] << 8;

		if (i + 1 < n)
			w |= p[i + 1];
		s += w;
		if (s > 0xffff)
			s = (s & 0xffff) + 1;
	}
	return (uint16_t)(~s & 0xffff);
}

static uint64_t ref_pseudo(const uint8_t *ip, uint16_t l4len)
{
	return (uint64_t)get16(ip + 12) + get16(ip + 14) + get16(ip + 16) + get16(ip + 18) +
	       ip[9] + l4len;
}

uint32_t frame_addr(const char *dotted)
{
	struct in_addr a;

	if (inet_pton(AF_INET, dotted, &a) != 1)
		return 0;
	return ntohl(a.s_addr);
}

void frame_init(struct frame *f, uint8_t proto, const char *src, uint16_t sport, const char *dst,
		uint16_t dport)
{
	static const uint8_t smac[6] = {2, 0, 0, 0, 0, 2}, dmac[6] = {2, 0, 0, 0, 0, 1};

	memset(f, 0, sizeof(*f));
	memcpy(f->src_mac, smac, 6);
	memcpy(f->dst_mac, dmac, 6);
	f->proto = proto;
	f->saddr = frame_addr(src);
	f->daddr = frame_addr(dst);
	f->ttl = 64;
	f->ip_id = 1;
	f->sport = sport;
	f->dport = dport;
	f->win = 64240;
	if (proto == UPT_IPPROTO_ICMP) {
		f->icmp_type = UPT_ICMP_ECHO;
		f->icmp_id = sport;
		f->icmp_seq = dport;
	}
}

size_t frame_l3_off(const struct frame *f)
{
	if (f->no_eth)
		return 0;
	return f->vlan ? 18 : 14;
}

static bool icmp_error_type(uint8_t t)
{
	return t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
}

/* TCP options laid out as Linux sends them on a SYN without timestamps. */
static size_t tcp_options(const struct frame *f, uint8_t *o)
{
	size_t n = 0;

	if (f->mss) {
		o[n++] = 2;
		o[n++] = 4;
		put16(o + n, f->mss);
		n += 2;
	}
	if (f->sack_perm) {
		o[n++] = 1; /* NOP NOP to align, as Linux without timestamps */
		o[n++] = 1;
		o[n++] = 4;
		o[n++] = 2;
	}
	if (f->has_wscale) {
		o[n++] = 1; /* NOP to align */
		o[n++] = 3;
		o[n++] = 3;
		o[n++] = f->wscale;
	}
	while (n % 4)
		o[n++] = 1;
	return n;
}

size_t frame_build(const struct frame *f, uint8_t *buf, size_t cap)
{
	uint8_t l4[60 + 16];
	size_t l3off = frame_l3_off(f), l4hdr = 0, extra = 0, total, iplen;
	const uint8_t *extra_p = NULL;
	uint8_t *ip, *t;

	memset(l4, 0, sizeof(l4));
	switch (f->proto) {
	case UPT_IPPROTO_TCP:
		l4hdr = 20 + tcp_options(f, l4 + 20);
		break;
	case UPT_IPPROTO_UDP:
	case UPT_IPPROTO_ICMP:
		l4hdr = 8;
		break;
	default:
		l4hdr = 0;
		break;
	}
	if (f->proto == UPT_IPPROTO_ICMP && icmp_error_type(f->icmp_type) && f->quote) {
		extra_p = f->quote;
		extra = f->quote_len;
	} else {
		extra_p = f->payload;
		extra = f->payload_len;
	}
	iplen = 20 + l4hdr + extra;
	total = l3off + iplen + f->pad;
	if (iplen > 65535 || total > cap)
		return 0;
	memset(buf, 0, total);

	if (!f->no_eth) {
		memcpy(buf, f->dst_mac, 6);
		memcpy(buf + 6, f->src_mac, 6);
		if (f->vlan) {
			put16(buf + 12, 0x8100);
			put16(buf + 14, f->vlan_tci);
			put16(buf + 16, 0x0800);
		} else {
			put16(buf + 12, 0x0800);
		}
	}

	ip = buf + l3off;
	ip[0] = 0x45;
	ip[1] = f->tos;
	put16(ip + 2, (uint16_t)iplen);
	put16(ip + 4, f->ip_id);
	put16(ip + 6, (uint16_t)((f->df ? 0x4000 : 0) | (f->mf ? 0x2000 : 0) |
				 (f->frag_offset & 0x1fff)));
	ip[8] = f->ttl;
	ip[9] = f->proto;
	put32(ip + 12, f->saddr);
	put32(ip + 16, f->daddr);
	put16(ip + 10, frame_ref_csum(ip, 20, 0));

	t = ip + 20;
	switch (f->proto) {
	case UPT_IPPROTO_TCP:
		put16(l4, f->sport);
		put16(l4 + 2, f->dport);
		put32(l4 + 4, f->seq);
		put32(l4 + 8, f->ack);
		l4[12] = (uint8_t)((l4hdr / 4) << 4);
		l4[13] = f->tcp_flags;
		put16(l4 + 14, f->win);
		break;
	case UPT_IPPROTO_UDP:
		put16(l4, f->sport);
		put16(l4 + 2, f->dport);
		put16(l4 + 4, (uint16_t)(l4hdr + extra));
		break;
	case UPT_IPPROTO_ICMP:
		l4[0] = f->icmp_type;
		l4[1] = f->icmp_code;
		if (icmp_error_type(f->icmp_type)) {
			put32(l4 + 4, f->icmp_rest);
		} else {
			put16(l4 + 4, f->icmp_id);
			put16(l4 + 6, f->icmp_seq);
		}
		break;
	default:
		break;
	}
	memcpy(t, l4, l4hdr);
	if (extra)
		memcpy(t + l4hdr, extra_p, extra);

	/* Checksums over the finished transport header and payload. */
	switch (f->proto) {
	case UPT_IPPROTO_TCP:
		put16(t + 16, frame_ref_csum(t, l4hdr + extra, ref_pseudo(ip, (uint16_t)(iplen - 20))));
		break;
	case UPT_IPPROTO_UDP: {
		uint16_t c = frame_ref_csum(t, l4hdr + extra, ref_pseudo(ip, (uint16_t)(iplen - 20)));

		put16(t + 6, c ? c : 0xffff);
		break;
	}
	case UPT_IPPROTO_ICMP:
		put16(t + 2, frame_ref_csum(t, l4hdr + extra, 0));
		break;
	default:
		break;
	}
	return total;
}

void frame_icmp_error(struct frame *f, const char *from, const char *to, uint8_t type, uint8_t code,
		      const struct frame *of, const uint8_t *orig, size_t quote_l4)
{
	const uint8_t *oip = orig + frame_l3_off(of);
	size_t olen = get16(oip + 2), ohl = (size_t)(oip[0] & 0x0f) * 4;
	size_t q = olen - ohl < quote_l4 ? olen - ohl : quote_l4;

	frame_init(f, UPT_IPPROTO_ICMP, from, 0, to, 0);
	f->icmp_type = type;
	f->icmp_code = code;
	f->quote = oip;
	f->quote_len = ohl + q;
}

size_t frame_build_arp(uint8_t *buf, size_t cap, uint16_t op, const uint8_t sha[6], uint32_t spa,
		       const uint8_t tha[6], uint32_t tpa, const uint8_t *dst_mac)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	if (cap < 42)
		return 0;
	memset(buf, 0, 42);
	memcpy(buf, dst_mac ? dst_mac : bcast, 6);
	memcpy(buf + 6, sha, 6);
	put16(buf + 12, 0x0806);
	put16(buf + 14, 1);
	put16(buf + 16, 0x0800);
	buf[18] = 6;
	buf[19] = 4;
	put16(buf + 20, op);
	memcpy(buf + 22, sha, 6);
	put32(buf + 28, spa);
	memcpy(buf + 32, tha, 6);
	put32(buf + 38, tpa);
	return 42;
}

bool frame_ip_csum_ok(const uint8_t *ip)
{
	return frame_ref_csum(ip, (size_t)(ip[0] & 0x0f) * 4, 0) == 0;
}

bool frame_l4_csum_ok(const uint8_t *ip)
{
	size_t hl = (size_t)(ip[0] & 0x0f) * 4;
	uint16_t l4len = (uint16_t)(get16(ip + 2) - hl);
	const uint8_t *t = ip + hl;

	switch (ip[9]) {
	case UPT_IPPROTO_TCP:
		return frame_ref_csum(t, l4len, ref_pseudo(ip, l4len)) == 0;
	case UPT_IPPROTO_UDP:
		if (l4len >= 8 && get16(t + 6) == 0)
			return true;
		return frame_ref_csum(t, l4len, ref_pseudo(ip, l4len)) == 0;
	case UPT_IPPROTO_ICMP:
		return frame_ref_csum(t, l4len, 0) == 0;
	default:
		return true;
	}
}

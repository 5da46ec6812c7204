/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The frames explain builds and reads: the request (TCP SYN, UDP datagram,
 * ICMP echo request) and the answer to it, Ethernet with an optional
 * 802.1Q tag, checksums computed in full (RFC 1071); and the addresses and
 * ports of a frame the gateway sent.
 */
#include <string.h>

#include "sim/explain.h"

enum { P_ICMP = 1, P_TCP = 6, P_UDP = 17 };

void xp_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void xp_put32(uint8_t *p, uint32_t v)
{
	xp_put16(p, (uint16_t)(v >> 16));
	xp_put16(p + 2, (uint16_t)v);
}

uint16_t xp_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t xp_get32(const uint8_t *p)
{
	return (uint32_t)xp_get16(p) << 16 | xp_get16(p + 2);
}

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += xp_get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The made-up MAC of a simulated host: 02:00 and its IPv4 address. */
void xp_host_mac(uint32_t ip, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	xp_put32(mac + 2, ip);
}

/*
 * An IPv4 packet at ip[] for flow f: a TCP SYN (or SYN/ACK acknowledging
 * ack_of + 1), a UDP datagram, an ICMP echo request (or reply).  Returns its length.
 */
uint32_t xp_build_ip(uint8_t *ip, const struct xp_flow *f, bool answer, uint32_t ack_of,
		     uint16_t ip_id)
{
	static const char payload[] = "uptables-sim explain";
	uint8_t *l4 = ip + 20;
	uint32_t l4len, plen = sizeof(payload) - 1;

	memset(ip, 0, 20);
	switch (f->proto) {
	case P_TCP:
		l4len = 20;
		memset(l4, 0, l4len);
		xp_put16(l4, f->sport);
		xp_put16(l4 + 2, f->dport);
		xp_put32(l4 + 4, answer ? 0x20000000u : 0x10000000u);
		xp_put32(l4 + 8, answer ? ack_of + 1 : 0);
		l4[12] = 5 << 4;
		l4[13] = answer ? 0x12 : 0x02; /* SYN|ACK : SYN */
		xp_put16(l4 + 14, 64240);
		break;
	case P_UDP:
		l4len = 8 + plen;
		xp_put16(l4, f->sport);
		xp_put16(l4 + 2, f->dport);
		xp_put16(l4 + 4, (uint16_t)l4len);
		xp_put16(l4 + 6, 0);
		memcpy(l4 + 8, payload, plen);
		break;
	default:
		l4len = 8 + plen;
		l4[0] = answer ? 0 : 8; /* echo reply : echo request */
		l4[1] = 0;
		xp_put16(l4 + 2, 0);
		xp_put16(l4 + 4, f->sport);
		xp_put16(l4 + 6, 1);
		memcpy(l4 + 8, payload, plen);
		xp_put16(l4 + 2, fold(sum16(l4, l4len, 0)));
		break;
	}
	ip[0] = 0x45;
	xp_put16(ip + 2, (uint16_t)(20 + l4len));
	xp_put16(ip + 4, ip_id);
	xp_put16(ip + 6, 0x4000); /* DF, as Linux sends TCP, UDP and ping */
	ip[8] = 64;
	ip[9] = f->proto;
	xp_put32(ip + 12, f->saddr);
	xp_put32(ip + 16, f->daddr);
	xp_put16(ip + 10, fold(sum16(ip, 20, 0)));
	if (f->proto == P_TCP || f->proto == P_UDP) {
		uint32_t s = sum16(ip + 12, 8, 0) + f->proto + l4len;
		uint16_t c = fold(sum16(l4, l4len, s));

		if (f->proto == P_UDP && c == 0)
			c = 0xffff;
		xp_put16(l4 + (f->proto == P_TCP ? 16 : 6), c);
	}
	return 20 + l4len;
}

/* Ethernet (+ 802.1Q) header; returns its length. */
uint32_t xp_build_eth(uint8_t *fr, const uint8_t dst[6], const uint8_t src[6], uint16_t vlan,
		      uint16_t type)
{
	memcpy(fr, dst, 6);
	memcpy(fr + 6, src, 6);
	if (vlan) {
		xp_put16(fr + 12, 0x8100);
		xp_put16(fr + 14, vlan);
		xp_put16(fr + 16, type);
		return 18;
	}
	xp_put16(fr + 12, type);
	return 14;
}

/* The flow of an Ethernet frame carrying IPv4 (tagged or not); false otherwise. */
bool xp_frame_flow(const uint8_t *fr, uint32_t len, struct xp_flow *f, uint32_t *l3off)
{
	uint32_t off = 14, ihl;
	uint16_t type;
	const uint8_t *ip, *l4;

	memset(f, 0, sizeof(*f));
	if (len < 14)
		return false;
	type = xp_get16(fr + 12);
	if (type == 0x8100) {
		if (len < 18)
			return false;
		type = xp_get16(fr + 16);
		off = 18;
	}
	if (type != 0x0800 || len < off + 20)
		return false;
	ip = fr + off;
	ihl = (uint32_t)(ip[0] & 15) * 4;
	if ((ip[0] >> 4) != 4 || ihl < 20 || len < off + ihl)
		return false;
	f->proto = ip[9];
	f->saddr = xp_get32(ip + 12);
	f->daddr = xp_get32(ip + 16);
	l4 = ip + ihl;
	if ((f->proto == P_TCP && len >= off + ihl + 20) ||
	    (f->proto == P_UDP && len >= off + ihl + 8)) {
		f->sport = xp_get16(l4);
		f->dport = xp_get16(l4 + 2);
		if (f->proto == P_TCP)
			f->tcp_seq = xp_get32(l4 + 4);
	} else if (f->proto == P_ICMP && len >= off + ihl + 8) {
		f->sport = f->dport = xp_get16(l4 + 4);
	}
	if (l3off)
		*l3off = off;
	return true;
}

void xp_flow_str(const struct xp_flow *f, char *buf, size_t len)
{
	char a[16], b[16];

	if (f->proto == P_ICMP)
		snprintf(buf, len, "icmp %s > %s", xp_ip(f->saddr, a), xp_ip(f->daddr, b));
	else
		snprintf(buf, len, "%s %s:%u > %s:%u", xp_proto_name(f->proto), xp_ip(f->saddr, a),
			 f->sport, xp_ip(f->daddr, b), f->dport);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One-line packet summaries for traces, in the spirit of tcpdump's:
 *   tcp 198.51.100.2:40000 > 198.51.100.1:80 [S] seq 1 len 60
 *   udp 10.0.0.1:5353 > 10.0.0.2:53 len 40
 *   icmp 10.0.0.1 > 10.0.0.2 echo-request id 7 seq 1 len 84
 *   icmp 10.0.0.9 > 10.0.0.1 port-unreachable [udp 10.0.0.1:5353 > 10.0.0.2:53] len 56
 *   arp who-has 198.51.100.1 tell 198.51.100.2
 * `len` is the IP total length (what counters count).  TCP flags use
 * tcpdump's letters in its order (F S R P . U E W, '.' being ACK).  ICMP
 * types and codes use the names iptables accepts for --icmp-type.
 */
#include <stdarg.h>
#include <stdio.h>

#include "pkt/pkt.h"
#include "pkt/pkt_int.h"

struct out {
	char *buf;
	size_t cap;
	size_t len; /* what the whole line needs, as snprintf counts */
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	size_t room = o->len < o->cap ? o->cap - o->len : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

char *upt_ip_str(uint32_t addr, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff, (addr >> 8) & 0xff,
		 addr & 0xff);
	return buf;
}

struct icmp_name {
	uint8_t type;
	int16_t code; /* -1: any code (the type's name) */
	const char *name;
};

/* iptables' --icmp-type names (libxt_icmp / libiptc's icmp table). */
static const struct icmp_name icmp_names[] = {
    {0, -1, "echo-reply"},
    {3, 0, "network-unreachable"},
    {3, 1, "host-unreachable"},
    {3, 2, "protocol-unreachable"},
    {3, 3, "port-unreachable"},
    {3, 4, "fragmentation-needed"},
    {3, 5, "source-route-failed"},
    {3, 6, "network-unknown"},
    {3, 7, "host-unknown"},
    {3, 9, "network-prohibited"},
    {3, 10, "host-prohibited"},
    {3, 11, "TOS-network-unreachable"},
    {3, 12, "TOS-host-unreachable"},
    {3, 13, "communication-prohibited"},
    {3, 14, "host-precedence-violation"},
    {3, 15, "precedence-cutoff"},
    {3, -1, "destination-unreachable"},
    {4, -1, "source-quench"},
    {5, 0, "network-redirect"},
    {5, 1, "host-redirect"},
    {5, 2, "TOS-network-redirect"},
    {5, 3, "TOS-host-redirect"},
    {5, -1, "redirect"},
    {8, -1, "echo-request"},
    {9, -1, "router-advertisement"},
    {10, -1, "router-solicitation"},
    {11, 0, "ttl-zero-during-transit"},
    {11, 1, "ttl-zero-during-reassembly"},
    {11, -1, "time-exceeded"},
    {12, 0, "ip-header-bad"},
    {12, 1, "required-option-missing"},
    {12, -1, "parameter-problem"},
    {13, -1, "timestamp-request"},
    {14, -1, "timestamp-reply"},
    {17, -1, "address-mask-request"},
    {18, -1, "address-mask-reply"},
};

static void put_icmp_type(struct out *o, uint8_t type, uint8_t code)
{
	size_t i;

	for (i = 0; i < sizeof(icmp_names) / sizeof(icmp_names[0]); i++) {
		const struct icmp_name *n = &icmp_names[i];

		if (n->type != type || (n->code >= 0 && n->code != code))
			continue;
		put(o, "%s", n->name);
		if (n->code < 0 && code != 0)
			put(o, " code %u", code);
		return;
	}
	put(o, "type %u code %u", type, code);
}

static const char *proto_name(uint8_t proto)
{
	switch (proto) {
	case UPT_IPPROTO_TCP:
		return "tcp";
	case UPT_IPPROTO_UDP:
		return "udp";
	case UPT_IPPROTO_ICMP:
		return "icmp";
	default:
		return NULL;
	}
}

static void put_proto(struct out *o, uint8_t proto)
{
	const char *name = proto_name(proto);

	if (name)
		put(o, "%s", name);
	else
		put(o, "proto %u", proto);
}

static void put_tcp_flags(struct out *o, uint8_t flags)
{
	static const struct {
		uint8_t bit;
		char c;
	} order[] = {
	    {UPT_TCP_FIN, 'F'}, {UPT_TCP_SYN, 'S'}, {UPT_TCP_RST, 'R'}, {UPT_TCP_PSH, 'P'},
	    {UPT_TCP_ACK, '.'}, {UPT_TCP_URG, 'U'}, {UPT_TCP_ECE, 'E'}, {UPT_TCP_CWR, 'W'},
	};
	size_t i;

	put(o, " [");
	if (!flags)
		put(o, "none");
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (flags & order[i].bit)
			put(o, "%c", order[i].c);
	put(o, "]");
}

static void put_inner(struct out *o, const struct upt_pdesc *d)
{
	const struct upt_inner_desc *in = &d->inner;
	char a[16], b[16];

	if (!in->ok) {
		put(o, " [quote unusable]");
		return;
	}
	put(o, " [");
	put_proto(o, in->proto);
	upt_ip_str(in->saddr, a);
	upt_ip_str(in->daddr, b);
	if (in->ports_ok && (in->proto == UPT_IPPROTO_TCP || in->proto == UPT_IPPROTO_UDP))
		put(o, " %s:%u > %s:%u]", a, in->sport, b, in->dport);
	else if (in->ports_ok && in->proto == UPT_IPPROTO_ICMP)
		put(o, " %s > %s type %u code %u id %u]", a, b, in->dport >> 8, in->dport & 0xff,
		    in->sport);
	else
		put(o, " %s > %s]", a, b);
}

static void put_ipv4(struct out *o, const struct upt_pdesc *d)
{
	char a[16], b[16];
	uint16_t seq;

	upt_ip_str(d->saddr, a);
	upt_ip_str(d->daddr, b);
	put_proto(o, d->proto);

	if (d->frag_off & UPT_IP_OFFMASK) {
		put(o, " %s > %s frag id %u off %u%s len %u", a, b, d->ip_id,
		    (d->frag_off & UPT_IP_OFFMASK) * 8u, (d->frag_off & UPT_IP_MF) ? "+" : "",
		    d->ip_len);
		return;
	}
	if (!d->l4_ok) {
		put(o, " %s > %s truncated len %u", a, b, d->ip_len);
		return;
	}
	switch (d->proto) {
	case UPT_IPPROTO_TCP:
		put(o, " %s:%u > %s:%u", a, d->sport, b, d->dport);
		put_tcp_flags(o, d->tcp_flags);
		put(o, " seq %u", d->tcp_seq);
		if (d->tcp_flags & UPT_TCP_ACK)
			put(o, " ack %u", d->tcp_ack);
		break;
	case UPT_IPPROTO_UDP:
		put(o, " %s:%u > %s:%u", a, d->sport, b, d->dport);
		break;
	case UPT_IPPROTO_ICMP:
		put(o, " %s > %s ", a, b);
		put_icmp_type(o, d->icmp_type, d->icmp_code);
		if (upt_icmp_has_id(d->icmp_type) && upt_pkt_load16(d, d->l4_off + 6u, &seq))
			put(o, " id %u seq %u", d->icmp_id, seq);
		if (d->icmp_is_error)
			put_inner(o, d);
		break;
	default:
		put(o, " %s > %s", a, b);
		break;
	}
	if (d->is_fragment)
		put(o, " frag id %u off 0+", d->ip_id);
	put(o, " len %u", d->ip_len);
}

static void put_mac(struct out *o, const uint8_t *m)
{
	put(o, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

int upt_pkt_summary(const struct upt_pdesc *d, char *buf, size_t len)
{
	struct out o = {buf, len, 0};
	char a[16], b[16];

	if (len)
		buf[0] = '\0';
	if (d->has_vlan)
		put(&o, "vlan %u ", d->vlan_tci & 0x0fff);
	switch (d->l2_kind) {
	case UPT_L2_IPV4:
		put_ipv4(&o, d);
		break;
	case UPT_L2_ARP:
		upt_ip_str(d->arp.tpa, a);
		upt_ip_str(d->arp.spa, b);
		if (d->arp.op == 1) {
			put(&o, "arp who-has %s tell %s", a, b);
		} else {
			put(&o, "arp reply %s is-at ", b);
			put_mac(&o, d->arp.sha);
		}
		break;
	default:
		put(&o, "unparsed frame len %u", d->frame_len);
		break;
	}
	return o.len > 0x7fffffff ? 0x7fffffff : (int)o.len;
}

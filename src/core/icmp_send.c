/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packets the gateway itself sends about a packet it received: ICMP errors
 * (the kernel's __icmp_send, used for TTL expiry, no route, fragmentation
 * needed, REJECT) and TCP resets (nf_send_reset for REJECT --reject-with
 * tcp-reset).  Both are built in the engine's tx buffer and then walk the
 * local output path (OUTPUT, POSTROUTING) like any locally generated
 * packet.  Both carry the conntrack entry of the packet that caused them
 * (the kernel's nf_ct_attach, done for ICMP errors in icmp_glue_bits and for
 * resets in nf_send_reset) as RELATED in the opposite direction, so NAT
 * translates them on the way out even when that entry is not confirmed yet:
 * a TTL-expired first packet of a DNATed connection is quoted as the client
 * sent it (checked on the kernel: tests/kernel/probe_icmp.sh).
 *
 * The per-destination rate limit (icmp_ratelimit) is icmp_peer.c's; an
 * error it refuses is not built and never reaches OUTPUT, as in __icmp_send.
 * Not modelled yet: the global limit (icmp_msgs_per_sec) and IP options
 * echoing.
 */
#include <string.h>

#include "core/engine.h"
#include "pkt/csum.h"

#define ICMP_ERR_ROOM		   576 /* an ICMP error is at most 576 bytes (RFC 1812 4.3.2.3) */
#define IP_DEFAULT_TTL		   64  /* net.ipv4.ip_default_ttl */
#define IPTOS_PREC_INTERNETCONTROL 0xc0

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

static void build_iphdr(uint8_t *ip, uint8_t tos, uint16_t tot_len, uint16_t id, uint16_t frag,
			uint8_t proto, uint32_t saddr, uint32_t daddr)
{
	ip[0] = 0x45;
	ip[1] = tos;
	put16(ip + 2, tot_len);
	put16(ip + 4, id);
	put16(ip + 6, frag);
	ip[8] = IP_DEFAULT_TTL;
	ip[9] = proto;
	put16(ip + 10, 0);
	put32(ip + 12, saddr);
	put32(ip + 16, daddr);
	put16(ip + 10, upt_csum_fold(upt_csum_partial(ip, 20, 0)));
}

/* Take a tx buffer for a nested send; NULL when nesting too deep. */
static uint8_t *tx_get(struct upt_engine *eng)
{
	if (eng->tx_depth >= 2)
		return NULL;
	return eng->tx[eng->tx_depth++];
}

static void tx_put(struct upt_engine *eng)
{
	eng->tx_depth--;
}

void upt_icmp_send(struct upt_engine *eng, struct upt_walk *w, uint8_t type, uint8_t code,
		   uint32_t info, uint64_t now)
{
	const struct upt_pdesc *d = &w->d;
	const uint8_t *orig = d->frame + d->l2_len;
	uint32_t saddr, quote;
	uint8_t *buf, *ip, *icmp;
	const uint32_t off = 64;

	/* Never about non-first fragments, broadcast/multicast, or an unusable source. */
	if (d->frag_off & UPT_IP_OFFMASK)
		return;
	if (upt_addr_is_broadcast(eng, d->daddr) || (d->daddr >> 28) == 0xe)
		return;
	if (d->saddr == 0 || (d->saddr >> 28) == 0xe || upt_addr_is_broadcast(eng, d->saddr))
		return;
	/* Never an error about an ICMP error, or about an ICMP type the kernel does not know. */
	if (d->proto == UPT_IPPROTO_ICMP) {
		if (!d->l4_ok || d->icmp_is_error || d->icmp_type > UPT_ICMP_ADDRESSREPLY)
			return;
	}
	/* From the address the packet was sent to if it was ours, else chosen by routing. */
	if (upt_addr_is_local(eng, d->daddr)) {
		saddr = d->daddr;
	} else {
		const struct upt_route *rt = upt_route_lookup(eng, d->saddr);

		saddr = rt && rt->prefsrc ? rt->prefsrc
					  : upt_addr_select(eng, rt ? rt->ifindex : 0, d->saddr);
	}
	if (!upt_icmp_peer_allow(eng, type, code, d->saddr, now))
		return;
	buf = tx_get(eng);
	if (!buf)
		return;
	quote = d->ip_len;
	if (quote > ICMP_ERR_ROOM - 20 - 8)
		quote = ICMP_ERR_ROOM - 20 - 8;
	ip = buf + off;
	icmp = ip + 20;
	build_iphdr(ip, (uint8_t)((d->tos & 0x1e) | IPTOS_PREC_INTERNETCONTROL),
		    (uint16_t)(20 + 8 + quote), eng->ip_id++, 0, UPT_IPPROTO_ICMP, saddr, d->saddr);
	icmp[0] = type;
	icmp[1] = code;
	put16(icmp + 2, 0);
	put32(icmp + 4, type == UPT_ICMP_DEST_UNREACH && code == 4 ? (info & 0xffff) : info);
	memcpy(icmp + 8, orig, quote);
	put16(icmp + 2, upt_csum_fold(upt_csum_partial(icmp, 8 + quote, 0)));
	upt_path_send_local(eng, buf, UPT_TX_FRAME, off, 20 + 8 + quote, w, true, now);
	tx_put(eng);
}

void upt_tcp_send_reset(struct upt_engine *eng, struct upt_walk *w, uint64_t now)
{
	const struct upt_pdesc *d = &w->d;
	uint8_t *buf, *ip, *th;
	uint32_t seq, ack, payload;
	uint8_t flags;
	const uint32_t off = 64;

	if (d->proto != UPT_IPPROTO_TCP || !d->l4_ok || (d->frag_off & UPT_IP_OFFMASK))
		return;
	if (d->tcp_flags & UPT_TCP_RST)
		return;
	/* A packet with a bad checksum gets no reset (nf_reject_ip_tcphdr_get). */
	if (!w->locally_generated && !upt_pkt_l4_csum_ok(d))
		return;
	payload = (uint32_t)d->l4_len - d->tcp_doff;
	if (d->tcp_flags & UPT_TCP_ACK) {
		seq = d->tcp_ack;
		ack = 0;
		flags = UPT_TCP_RST;
	} else {
		seq = 0;
		ack = d->tcp_seq + payload + !!(d->tcp_flags & UPT_TCP_SYN) +
		      !!(d->tcp_flags & UPT_TCP_FIN);
		flags = UPT_TCP_RST | UPT_TCP_ACK;
	}
	buf = tx_get(eng);
	if (!buf)
		return;
	ip = buf + off;
	th = ip + 20;
	build_iphdr(ip, 0, 40, 0, UPT_IP_DF, UPT_IPPROTO_TCP, d->daddr, d->saddr);
	memset(th, 0, 20);
	put16(th, d->dport);
	put16(th + 2, d->sport);
	put32(th + 4, seq);
	put32(th + 8, ack);
	th[12] = 5 << 4;
	th[13] = flags;
	put16(th + 16, upt_csum_fold(upt_csum_partial(
			   th, 20, upt_csum_pseudo(d->daddr, d->saddr, UPT_IPPROTO_TCP, 20))));
	upt_path_send_local(eng, buf, UPT_TX_FRAME, off, 40, w, true, now);
	tx_put(eng);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Neighbours: ARP answers for our addresses, the next hop's MAC for output,
 * and the queue of packets waiting for a MAC (the kernel's arp_queue).
 *
 * Theory of operation:
 *   - The table is open addressing keyed by (address, interface), never
 *     shrinking: an entry once made stays (FAILED entries are retried).
 *   - Entries are learned as the kernel does with arp_accept=0: an ARP
 *     request addressed to one of our addresses creates or updates the
 *     sender's entry; a reply or other ARP only updates an existing entry.
 *   - Output to an unresolved next hop creates an INCOMPLETE entry, sends a
 *     broadcast request and holds a copy of the IP packet.  Requests are
 *     resent every second; after three unanswered ones the entry FAILS and
 *     its held packets are dropped with ICMP host unreachable sent to their
 *     sources (neigh_invalidate -> ipv4_link_failure).
 *   - A full per-neighbour queue drops its oldest packet, as the kernel's
 *     __neigh_event_send does.
 *
 * Differences from the kernel, on purpose for now: learned entries do not
 * age (no STALE/DELAY/PROBE), and there is no gratuitous ARP handling.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"

#define NEIGH_RETRANS_NS 1000000000ull /* retrans_time_ms 1000 */
#define NEIGH_MAX_PROBES 3	       /* mcast_solicit */
#define NEIGH_QUEUE_MAX	 64	       /* per neighbour */
#define ARP_FRAME_LEN	 42

static const uint8_t eth_bcast[UPT_ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static unsigned neigh_hash(uint32_t ip, uint32_t ifindex)
{
	uint32_t h = ip * 0x9e3779b1u ^ ifindex * 0x85ebca6bu;

	return (h ^ (h >> 16)) & (UPT_NEIGH_SLOTS - 1);
}

int upt_neigh_init(struct upt_engine *eng)
{
	unsigned i;

	eng->neigh_next_due = UINT64_MAX;
	eng->hold = calloc(UPT_HOLD_SLOTS, sizeof(*eng->hold));
	if (!eng->hold)
		return -ENOMEM;
	for (i = 0; i < UPT_HOLD_SLOTS; i++)
		eng->hold[i].next = i + 1 < UPT_HOLD_SLOTS ? (int32_t)(i + 1) : -1;
	eng->hold_free = 0;
	for (i = 0; i < UPT_NEIGH_SLOTS; i++)
		eng->neigh[i].hold_head = eng->neigh[i].hold_tail = -1;
	return 0;
}

void upt_neigh_fini(struct upt_engine *eng)
{
	free(eng->hold);
	eng->hold = NULL;
}

struct upt_neigh *upt_neigh_lookup(struct upt_engine *eng, uint32_t ip, uint32_t ifindex)
{
	unsigned i, h = neigh_hash(ip, ifindex);

	for (i = 0; i < UPT_NEIGH_SLOTS; i++) {
		struct upt_neigh *n = &eng->neigh[(h + i) & (UPT_NEIGH_SLOTS - 1)];

		if (n->state == UPT_NEIGH_FREE)
			return NULL;
		if (n->ip == ip && n->ifindex == ifindex)
			return n;
	}
	return NULL;
}

static struct upt_neigh *neigh_create(struct upt_engine *eng, uint32_t ip, uint32_t ifindex)
{
	unsigned i, h = neigh_hash(ip, ifindex);

	/* Keep a quarter free so probing stays short. */
	if (eng->nneigh >= UPT_NEIGH_SLOTS / 4 * 3)
		return NULL;
	for (i = 0; i < UPT_NEIGH_SLOTS; i++) {
		struct upt_neigh *n = &eng->neigh[(h + i) & (UPT_NEIGH_SLOTS - 1)];

		if (n->state == UPT_NEIGH_FREE) {
			memset(n, 0, sizeof(*n));
			n->ip = ip;
			n->ifindex = ifindex;
			n->state = UPT_NEIGH_INCOMPLETE;
			n->hold_head = n->hold_tail = -1;
			eng->nneigh++;
			return n;
		}
	}
	return NULL;
}

int upt_neigh_add_static(struct upt_engine *eng, uint32_t ip, const uint8_t mac[UPT_ETH_ALEN],
			 uint32_t ifindex)
{
	struct upt_neigh *n = upt_neigh_lookup(eng, ip, ifindex);

	if (!n)
		n = neigh_create(eng, ip, ifindex);
	if (!n)
		return -ENOSPC;
	memcpy(n->mac, mac, UPT_ETH_ALEN);
	n->state = UPT_NEIGH_PERMANENT;
	return 0;
}

/* Write an Ethernet (+VLAN) header in front of the IPv4 header at buf+ip_off. */
static bool put_l2(struct upt_iface *ifc, uint8_t *buf, uint32_t ip_off, const uint8_t dst[6],
		   uint16_t ethertype, uint32_t *l2_off)
{
	uint32_t l2 = ifc->vlan_id ? UPT_ETH_HLEN + UPT_VLAN_HLEN : UPT_ETH_HLEN;
	uint8_t *p;

	if (ip_off < l2)
		return false;
	p = buf + ip_off - l2;
	memcpy(p, dst, UPT_ETH_ALEN);
	memcpy(p + 6, ifc->mac, UPT_ETH_ALEN);
	if (ifc->vlan_id) {
		p[12] = 0x81;
		p[13] = 0x00;
		p[14] = (uint8_t)(ifc->vlan_id >> 8);
		p[15] = (uint8_t)ifc->vlan_id;
		p += 4;
	}
	p[12] = (uint8_t)(ethertype >> 8);
	p[13] = (uint8_t)ethertype;
	*l2_off = ip_off - l2;
	return true;
}

/* The physical interface a frame of `ifindex` leaves through (VLANs ride on their parent). */
static uint32_t wire_ifindex(struct upt_engine *eng, uint32_t ifindex)
{
	struct upt_iface *ifc = upt_iface_get(eng, ifindex);

	return ifc && ifc->vlan_id ? ifc->parent : ifindex;
}

static void send_arp(struct upt_engine *eng, uint32_t ifindex, uint16_t op,
		     const uint8_t eth_dst[6], const uint8_t tha[6], uint32_t spa, uint32_t tpa,
		     uint64_t now)
{
	struct upt_iface *ifc = upt_iface_get(eng, ifindex);
	uint8_t frame[64];
	uint8_t *a;
	uint32_t off;

	if (!ifc)
		return;
	memset(frame, 0, sizeof(frame));
	if (!put_l2(ifc, frame, 18, eth_dst, UPT_ETH_P_ARP, &off))
		return;
	a = frame + 18;
	a[0] = 0, a[1] = 1;	  /* htype Ethernet */
	a[2] = 0x08, a[3] = 0x00; /* ptype IPv4 */
	a[4] = 6, a[5] = 4;
	a[6] = (uint8_t)(op >> 8), a[7] = (uint8_t)op;
	memcpy(a + 8, ifc->mac, 6);
	a[14] = (uint8_t)(spa >> 24), a[15] = (uint8_t)(spa >> 16);
	a[16] = (uint8_t)(spa >> 8), a[17] = (uint8_t)spa;
	memcpy(a + 18, tha, 6);
	a[24] = (uint8_t)(tpa >> 24), a[25] = (uint8_t)(tpa >> 16);
	a[26] = (uint8_t)(tpa >> 8), a[27] = (uint8_t)tpa;
	upt_path_emit(eng, wire_ifindex(eng, ifindex), frame + off, 18 - off + 28, now,
		      op == 1 ? "arp request" : "arp reply");
}

static void hold_release(struct upt_engine *eng, int32_t slot)
{
	eng->hold[slot].next = eng->hold_free;
	eng->hold_free = slot;
}

/* Send every held frame of n (now resolved). */
static void neigh_flush_queue(struct upt_engine *eng, struct upt_neigh *n, uint64_t now)
{
	struct upt_iface *ifc = upt_iface_get(eng, n->ifindex);

	while (n->hold_head >= 0) {
		int32_t s = n->hold_head;
		struct upt_hold *h = &eng->hold[s];
		uint32_t off;

		n->hold_head = h->next;
		/* Held frames are stored from offset 32 (room for the L2 header). */
		if (ifc && put_l2(ifc, h->data, 32, n->mac, UPT_ETH_P_IP, &off))
			upt_path_emit(eng, wire_ifindex(eng, n->ifindex), h->data + off,
				      32 - off + h->len, now, "held frame released");
		hold_release(eng, s);
	}
	n->hold_tail = -1;
	n->nheld = 0;
}

static void neigh_resolved(struct upt_engine *eng, struct upt_neigh *n, const uint8_t mac[6],
			   uint64_t now)
{
	if (n->state == UPT_NEIGH_PERMANENT)
		return; /* static entries are not overridden by ARP */
	memcpy(n->mac, mac, UPT_ETH_ALEN);
	n->state = UPT_NEIGH_REACHABLE;
	n->probes = 0;
	neigh_flush_queue(eng, n, now);
}

void upt_neigh_arp_rx(struct upt_engine *eng, struct upt_pdesc *d, uint32_t ifindex, uint64_t now)
{
	const struct upt_arp_desc *a = &d->arp;
	struct upt_iface *ifc = upt_iface_get(eng, ifindex);
	struct upt_neigh *n;
	bool for_us;

	if (!ifc)
		return;
	/* arp_ignore=0: answer for any local address, whichever interface asked. */
	for_us = a->tpa && upt_addr_is_local(eng, a->tpa) && (a->tpa >> 24) != 127;
	n = a->spa ? upt_neigh_lookup(eng, a->spa, ifindex) : NULL;
	if (!n && for_us && a->op == 1 && a->spa)
		n = neigh_create(eng, a->spa, ifindex);
	if (n && a->spa)
		neigh_resolved(eng, n, a->sha, now);
	if (for_us && a->op == 1)
		send_arp(eng, ifindex, 2, a->sha, a->sha, a->tpa, a->spa, now);
}

static void neigh_solicit(struct upt_engine *eng, struct upt_neigh *n, uint32_t saddr, uint64_t now)
{
	static const uint8_t zero[6];
	uint32_t spa = saddr && upt_addr_is_local(eng, saddr)
			   ? saddr
			   : upt_addr_select(eng, n->ifindex, n->ip);

	send_arp(eng, n->ifindex, 1, eth_bcast, zero, spa, n->ip, now);
	n->probes++;
	n->next_probe = now + NEIGH_RETRANS_NS;
	if (n->next_probe < eng->neigh_next_due)
		eng->neigh_next_due = n->next_probe;
}

/* Queue a copy of the IP packet of w on n; drops the oldest when full (as the kernel). */
static bool neigh_hold(struct upt_engine *eng, struct upt_neigh *n, struct upt_walk *w)
{
	const uint8_t *ip = w->d.frame + w->d.l2_len;
	uint32_t len = w->d.ip_len;
	int32_t s;

	if (len + 32 > UPT_HOLD_FRAME)
		return false;
	if (n->nheld >= NEIGH_QUEUE_MAX && n->hold_head >= 0) {
		s = n->hold_head;
		n->hold_head = eng->hold[s].next;
		if (n->hold_head < 0)
			n->hold_tail = -1;
		n->nheld--;
		hold_release(eng, s);
		upt_path_count_drop(eng, UPT_DROP_NEIGH_QUEUE_FULL);
	}
	s = eng->hold_free;
	if (s < 0)
		return false;
	eng->hold_free = eng->hold[s].next;
	memcpy(eng->hold[s].data + 32, ip, len);
	eng->hold[s].len = len;
	eng->hold[s].next = -1;
	if (n->hold_tail >= 0)
		eng->hold[n->hold_tail].next = s;
	else
		n->hold_head = s;
	n->hold_tail = s;
	n->nheld++;
	return true;
}

enum upt_neigh_out upt_neigh_output(struct upt_engine *eng, struct upt_walk *w, uint64_t now,
				    uint16_t *reason)
{
	struct upt_pkt *pkt = w->pkt;
	uint32_t ifindex = pkt->out_ifindex;
	struct upt_iface *ifc = upt_iface_get(eng, ifindex);
	uint32_t ip_off = pkt->off + w->d.l2_len, l2_off;
	const uint8_t *dst;
	struct upt_neigh *n;

	if (!ifc) {
		*reason = UPT_DROP_NO_ROUTE;
		return UPT_NEIGH_OUT_DROP;
	}
	if (w->d.daddr == 0xffffffffu || upt_addr_is_broadcast(eng, w->d.daddr)) {
		dst = eth_bcast;
	} else {
		n = upt_neigh_lookup(eng, w->nexthop, ifindex);
		if (!n) {
			n = neigh_create(eng, w->nexthop, ifindex);
			if (!n) {
				*reason = UPT_DROP_NEIGH_FAILED;
				return UPT_NEIGH_OUT_DROP;
			}
		}
		if (n->state != UPT_NEIGH_REACHABLE && n->state != UPT_NEIGH_PERMANENT) {
			if (!neigh_hold(eng, n, w)) {
				*reason = UPT_DROP_NEIGH_QUEUE_FULL;
				return UPT_NEIGH_OUT_DROP;
			}
			if (n->state == UPT_NEIGH_FAILED) {
				n->state = UPT_NEIGH_INCOMPLETE;
				n->probes = 0;
			}
			if (n->probes == 0)
				neigh_solicit(eng, n, w->d.saddr, now);
			*reason = UPT_DROP_NEIGH_HELD;
			return UPT_NEIGH_OUT_HELD;
		}
		dst = n->mac;
	}
	if (!put_l2(ifc, pkt->buf, ip_off, dst, UPT_ETH_P_IP, &l2_off)) {
		*reason = UPT_DROP_INTERNAL;
		return UPT_NEIGH_OUT_DROP;
	}
	pkt->off = l2_off;
	pkt->len = ip_off - l2_off + w->d.ip_len;
	pkt->out_ifindex = wire_ifindex(eng, ifindex);
	return UPT_NEIGH_OUT_READY;
}

/* Give up on n: drop its queue, telling each packet's source (host unreachable). */
static void neigh_fail(struct upt_engine *eng, struct upt_neigh *n, uint64_t now)
{
	n->state = UPT_NEIGH_FAILED;
	while (n->hold_head >= 0) {
		int32_t s = n->hold_head;
		struct upt_hold *h = &eng->hold[s];
		struct upt_walk w;
		struct upt_pkt pkt;

		n->hold_head = h->next;
		upt_path_count_drop(eng, UPT_DROP_NEIGH_FAILED);
		memset(&w, 0, sizeof(w));
		memset(&pkt, 0, sizeof(pkt));
		pkt.buf = h->data;
		pkt.cap = UPT_HOLD_FRAME;
		pkt.off = 32;
		pkt.len = h->len;
		w.eng = eng;
		w.pkt = &pkt;
		if (upt_pkt_parse_ip(&w.d, h->data + 32, h->len, 0) == 0)
			upt_icmp_send(eng, &w, UPT_ICMP_DEST_UNREACH, 1, 0, now);
		hold_release(eng, s);
	}
	n->hold_tail = -1;
	n->nheld = 0;
}

/*
 * Run every retry and failure that fell due up to now, earliest first, each
 * at its own due time.  A replay ticks only when the next frame comes, which
 * may be seconds later; the kernel's timers would have fired meanwhile, so a
 * late tick must catch up on all of them (three requests a second apart, then
 * host unreachable), not do one step.  Bounded: a solicit moves next_probe a
 * second on and at most NEIGH_MAX_PROBES of them precede the failure, which
 * leaves INCOMPLETE.
 */
void upt_neigh_tick(struct upt_engine *eng, uint64_t now)
{
	if (now < eng->neigh_next_due)
		return;
	for (;;) {
		struct upt_neigh *due = NULL;
		uint64_t t, next = UINT64_MAX;
		unsigned i;

		for (i = 0; i < UPT_NEIGH_SLOTS; i++) {
			struct upt_neigh *n = &eng->neigh[i];

			if (n->state != UPT_NEIGH_INCOMPLETE || n->probes == 0)
				continue;
			if (now < n->next_probe) {
				if (n->next_probe < next)
					next = n->next_probe;
				continue;
			}
			if (!due || n->next_probe < due->next_probe)
				due = n;
		}
		if (!due) {
			eng->neigh_next_due = next;
			return;
		}
		t = due->next_probe;
		if (due->probes >= NEIGH_MAX_PROBES)
			neigh_fail(eng, due, t);
		else
			neigh_solicit(eng, due, 0, t);
	}
}

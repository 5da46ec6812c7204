/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fragmentation on output (the kernel's ip_fragment + ip_do_fragment),
 * after POSTROUTING and before the neighbour layer.
 *
 * A packet is fragmented when it is longer than the egress MTU or when it
 * was reassembled here (frag_max_size set).  The MTU is lowered to the
 * largest fragment received.  Two ways, as the kernel:
 *   - fast path: a reassembled datagram still holds its received fragments
 *     (frag_list); when every one fits the MTU and all but the last carry a
 *     multiple of 8 bytes, the datagram leaves cut exactly where it came in,
 *     never with DF (observed: tests/kernel/scenarios/frag_edge);
 *   - slow path: pieces of (MTU - header) bytes rounded down to a multiple
 *     of 8, DF when the datagram's largest fragment had DF (IPSKB_FRAG_PMTU),
 *     MF on the last piece too when the packet was itself a non-last
 *     fragment.
 * Each piece gets the original header (for all but the first, options
 * without the "copied" bit overwritten with NOPs, as ip_options_fragment
 * does), its offset and flags, its length, a fresh header checksum, and
 * goes through the neighbour layer on its own: sent through emit, or held
 * until the next hop answers.
 */
#include <string.h>

#include "core/defrag.h"
#include "core/engine.h"
#include "pkt/csum.h"

#define IPOPT_END  0
#define IPOPT_NOOP 1

/* ip_options_fragment: options not to be copied into later fragments become NOPs. */
static void options_fragment(uint8_t *ip, uint32_t hlen)
{
	uint8_t *p = ip + 20;
	uint32_t l = hlen - 20;

	while (l > 0) {
		uint32_t optlen;

		if (*p == IPOPT_END)
			return;
		if (*p == IPOPT_NOOP) {
			l--;
			p++;
			continue;
		}
		if (l < 2)
			return;
		optlen = p[1];
		if (optlen < 2 || optlen > l)
			return;
		if (!(*p & 0x80))
			memset(p, IPOPT_NOOP, optlen);
		l -= optlen;
		p += optlen;
	}
}

/* Hand one built fragment to the neighbour layer; the neighbour's verdict. */
static enum upt_neigh_out send_piece(struct upt_engine *eng, const struct upt_walk *w, uint8_t *buf,
				     uint32_t ip_off, uint32_t len, uint64_t now, uint16_t *reason)
{
	struct upt_pkt fp;
	struct upt_walk fw;
	enum upt_neigh_out v;

	memset(&fp, 0, sizeof(fp));
	memset(&fw, 0, sizeof(fw));
	fp.buf = buf;
	fp.cap = UPT_DEFRAG_FRAME;
	fp.off = ip_off;
	fp.len = len;
	fp.out_ifindex = w->pkt->out_ifindex;
	fw.eng = eng;
	fw.pkt = &fp;
	fw.nexthop = w->nexthop;
	fw.rt = w->rt;
	fw.x.now = now;
	if (upt_pkt_parse_ip(&fw.d, buf + ip_off, len, 0) != 0) {
		*reason = UPT_DROP_INTERNAL;
		return UPT_NEIGH_OUT_DROP;
	}
	v = upt_neigh_output(eng, &fw, now, reason);
	if (v == UPT_NEIGH_OUT_READY)
		upt_path_emit(eng, fp.out_ifindex, fp.buf + fp.off, fp.len, now, "fragment");
	return v;
}

/* ip_do_fragment's frag_list checks: may the received fragments' sizes be reused? */
static bool fast_path_ok(const struct upt_walk *w, uint32_t room, uint32_t data, uint16_t *first)
{
	uint32_t sum = 0, i;

	if (!w->frag_sizes || !w->nfrag_sizes)
		return false;
	for (i = 0; i < w->nfrag_sizes; i++)
		sum += w->frag_sizes[i];
	/* A target that resized the datagram did it in the head (first fragment). */
	if (sum - w->frag_sizes[0] >= data)
		return false;
	*first = (uint16_t)(data - (sum - w->frag_sizes[0]));
	if (*first > room || (*first & 7))
		return false;
	for (i = 1; i < w->nfrag_sizes; i++)
		if (w->frag_sizes[i] > room || ((w->frag_sizes[i] & 7) && i + 1 < w->nfrag_sizes))
			return false;
	return true;
}

unsigned upt_frag_output(struct upt_engine *eng, struct upt_walk *w, uint32_t mtu, uint64_t now,
			 uint16_t *reason)
{
	const uint8_t *src = w->d.frame + w->d.l2_len;
	uint8_t *buf = upt_defrag_frag_buf(eng->defrag);
	const uint32_t ip_off = UPT_DEFRAG_HEADROOM;
	uint32_t hlen = w->d.l3_len, left, ptr, offset, room;
	uint8_t hdr[60];
	bool not_last, held = false, first = true, fast;
	uint16_t first_size = 0, df_bit;
	unsigned piece = 0;

	/* ip_fragment: DF is honoured unless this is a reassembled datagram that fits. */
	if ((w->d.frag_off & UPT_IP_DF) &&
	    (!w->ignore_df || (w->frag_max_size && w->frag_max_size > mtu))) {
		if (!w->locally_generated)
			upt_icmp_send(eng, w, UPT_ICMP_DEST_UNREACH, 4, mtu, now);
		*reason = UPT_DROP_FRAG_NEEDED;
		return UPT_PKT_DROPPED;
	}
	/* ip_do_fragment: the largest received fragment bounds the pieces. */
	if (w->frag_max_size && w->frag_max_size < mtu)
		mtu = w->frag_max_size;
	if (mtu < hlen + 8 || hlen > sizeof(hdr)) {
		/* No room for 8 bytes of data per piece: the kernel cannot either. */
		*reason = UPT_DROP_FRAG_NEEDED;
		return UPT_PKT_DROPPED;
	}
	room = mtu - hlen;
	memcpy(hdr, src, hlen);
	left = w->d.ip_len - hlen;
	ptr = hlen;
	offset = (uint32_t)(w->d.frag_off & UPT_IP_OFFMASK) << 3;
	not_last = (w->d.frag_off & UPT_IP_MF) != 0;
	fast = fast_path_ok(w, room, left, &first_size);
	df_bit = !fast && w->frag_pmtu ? UPT_IP_DF : 0;
	while (left > 0) {
		uint32_t len = left > room ? room : left;
		uint16_t fo, sum;
		uint8_t *ip = buf + ip_off;
		uint16_t r = UPT_DROP_NONE;

		if (fast)
			len = piece == 0 ? first_size : w->frag_sizes[piece];
		else if (len < left)
			len &= ~7u;
		piece++;
		memcpy(ip, hdr, hlen);
		memcpy(ip + hlen, src + ptr, len);
		left -= len;
		fo = (uint16_t)(offset >> 3);
		fo |= df_bit;
		if (left > 0 || not_last)
			fo |= UPT_IP_MF;
		ip[2] = (uint8_t)((len + hlen) >> 8);
		ip[3] = (uint8_t)(len + hlen);
		ip[6] = (uint8_t)(fo >> 8);
		ip[7] = (uint8_t)fo;
		ip[10] = ip[11] = 0;
		sum = upt_csum_fold(upt_csum_partial(ip, hlen, 0));
		ip[10] = (uint8_t)(sum >> 8);
		ip[11] = (uint8_t)sum;
		ptr += len;
		offset += len;
		if (first)
			options_fragment(hdr, hlen);
		switch (send_piece(eng, w, buf, ip_off, len + hlen, now, &r)) {
		case UPT_NEIGH_OUT_READY:
			break;
		case UPT_NEIGH_OUT_HELD:
			held = true;
			break;
		default:
			/* The kernel stops at the first piece that fails. */
			if (first) {
				*reason = r;
				return UPT_PKT_DROPPED;
			}
			upt_path_count_drop(eng, r);
			left = 0;
			break;
		}
		first = false;
	}
	*reason = held ? UPT_DROP_NEIGH_HELD : UPT_DROP_FRAG_SENT;
	return UPT_PKT_HELD;
}

/*
 * ip_expire for the conntrack defrag user: the source hears of the timeout
 * (ICMP time exceeded, code 1, quoting the first fragment) only when the
 * datagram was addressed to the gateway itself (its route is local); a
 * gateway forwarding fragments stays silent.
 */
void upt_frag_expired(void *ctx, const uint8_t *ip, uint32_t len, uint32_t iif, uint64_t when)
{
	struct upt_engine *eng = ctx;
	struct upt_pkt pkt;
	struct upt_walk w;

	memset(&pkt, 0, sizeof(pkt));
	memset(&w, 0, sizeof(w));
	pkt.buf = (uint8_t *)ip;
	pkt.len = len;
	pkt.cap = len;
	pkt.ifindex = iif;
	w.eng = eng;
	w.pkt = &pkt;
	w.x.now = when;
	w.x.in_ifindex = iif;
	if (upt_pkt_parse_ip(&w.d, pkt.buf, len, 0) != 0 || !upt_addr_is_local(eng, w.d.daddr))
		return;
	upt_icmp_send(eng, &w, UPT_ICMP_TIME_EXCEEDED, 1, 0, when);
}

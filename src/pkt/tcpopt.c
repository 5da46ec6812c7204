/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rewriters for bytes inside the transport segment (TCP options such as
 * the MSS), declared in pkt.h.  The checksum is updated incrementally
 * (RFC 1624), word by word: checksum words are counted from the start of
 * the transport header, which is always at an even offset from the IP
 * header, so a change at an odd offset is folded in as the two aligned
 * words it touches, never as a misaligned one.
 */
#include <string.h>

#include "pkt/csum.h"
#include "pkt/pkt.h"
#include "pkt/pkt_int.h"

/* Where the checksum covering the segment sits; NULL for UDP without one. */
static uint8_t *csum_field(struct upt_pdesc *d)
{
	uint8_t *th = d->frame + d->l4_off;

	if (d->proto == UPT_IPPROTO_TCP)
		return th + 16;
	return pkt_rd16(th + 6) ? th + 6 : NULL;
}

bool upt_pdesc_write_l4(struct upt_pdesc *d, uint32_t off, const void *bytes, uint32_t n)
{
	const uint8_t *src = bytes;
	uint32_t seg_end = (uint32_t)d->l2_len + d->ip_len, first, last, w;
	uint8_t *csum;
	uint16_t c = 0;

	if (d->l2_kind != UPT_L2_IPV4 || (d->frag_off & UPT_IP_OFFMASK) ||
	    (d->proto != UPT_IPPROTO_TCP && d->proto != UPT_IPPROTO_UDP))
		return false;
	if (n == 0 || off < d->l4_off || off + n > seg_end || seg_end > d->frame_len)
		return false;
	/* The checksum field itself must be inside the packet. */
	if ((uint32_t)d->l4_off + (d->proto == UPT_IPPROTO_TCP ? 18u : 8u) > seg_end)
		return false;
	if ((d->proto == UPT_IPPROTO_TCP && off < (uint32_t)d->l4_off + 18 &&
	     off + n > (uint32_t)d->l4_off + 16) ||
	    (d->proto == UPT_IPPROTO_UDP && off < (uint32_t)d->l4_off + 8 &&
	     off + n > (uint32_t)d->l4_off + 6))
		return false; /* not the checksum field itself */
	csum = csum_field(d);
	/* Aligned words (relative to the transport header) that the change touches. */
	first = off - ((off - d->l4_off) & 1u);
	last = off + n;
	if ((last - d->l4_off) & 1u)
		last++;
	if (csum)
		c = pkt_rd16(csum);
	for (w = first; w < last; w += 2) {
		uint8_t old[2], nw[2];

		for (unsigned k = 0; k < 2; k++) {
			uint32_t at = w + k;

			old[k] = at < seg_end ? d->frame[at] : 0;
			nw[k] = at >= off && at < off + n ? src[at - off] : old[k];
		}
		if (csum)
			c = upt_csum_update16(c, pkt_rd16(old), pkt_rd16(nw));
	}
	memcpy(d->frame + off, src, n);
	if (csum) {
		if (d->proto == UPT_IPPROTO_UDP && c == 0)
			c = 0xffff;
		pkt_wr16(csum, c);
	}
	return true;
}

bool upt_pdesc_tcp_insert_option(struct upt_pdesc *d, uint32_t cap, const void *opt, uint32_t n)
{
	uint32_t th = d->l4_off, doff = d->tcp_doff, seg_end, room;
	uint8_t *ip, *tcp, *csum;
	uint16_t c, old_word, new_word, old_len;

	if (d->l2_kind != UPT_L2_IPV4 || d->proto != UPT_IPPROTO_TCP || !d->l4_ok ||
	    (d->frag_off & UPT_IP_OFFMASK))
		return false;
	if (n == 0 || (n & 3u) || doff + n > 60 || d->l4_len != doff)
		return false;
	seg_end = (uint32_t)d->l2_len + d->ip_len;
	room = cap > d->frame_len ? cap : d->frame_len;
	if (seg_end + n > room || (uint32_t)d->ip_len + n > 0xffff)
		return false;
	ip = d->frame + d->l2_len;
	tcp = d->frame + th;
	csum = tcp + 16;
	/* Options move up by n bytes (a multiple of 4: their words keep their sums). */
	memmove(tcp + 20 + n, tcp + 20, doff - 20);
	memcpy(tcp + 20, opt, n);
	c = pkt_rd16(csum);
	/* The pseudo-header's segment length, the new option words, the data offset. */
	old_len = d->l4_len;
	c = upt_csum_update16(c, old_len, (uint16_t)(old_len + n));
	for (uint32_t k = 0; k < n; k += 2)
		c = upt_csum_update16(c, 0, pkt_rd16(tcp + 20 + k));
	old_word = pkt_rd16(tcp + 12);
	new_word = (uint16_t)((old_word & 0x0fff) | (((doff + n) / 4) << 12));
	pkt_wr16(tcp + 12, new_word);
	c = upt_csum_update16(c, old_word, new_word);
	pkt_wr16(csum, c);
	/* IP total length and header checksum. */
	pkt_wr16(ip + 10,
		 upt_csum_update16(pkt_rd16(ip + 10), d->ip_len, (uint16_t)(d->ip_len + n)));
	pkt_wr16(ip + 2, (uint16_t)(d->ip_len + n));
	d->ip_len = (uint16_t)(d->ip_len + n);
	d->l4_len = (uint16_t)(d->l4_len + n);
	d->tcp_doff = (uint8_t)(doff + n);
	if (seg_end + n > d->frame_len)
		d->frame_len = seg_end + n;
	return true;
}

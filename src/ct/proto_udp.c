// SPDX-License-Identifier: GPL-2.0
/*
 * UDP tracking (the kernel's nf_conntrack_proto_udp.c).  There is no state
 * machine, only timeouts (defaults given; see struct upt_ct_sysctl): 30 s until traffic has been
 * seen both ways and for the first two seconds of a conversation; a packet after a reply and more
 * than two seconds after the entry was created makes it a "stream": 120 s, and ASSURED (the current
 * kernel's rule: a mere request/response pair such as DNS stays evictable).
 */
#include "ct/ct.h"
#include "ct/ct_int.h"
#include "pkt/csum.h"
#include "pkt/pkt.h"
#include "uptables/uptables.h"

#define UDP_HDR_LEN	    8
#define UDP_STREAM_AFTER_NS (2 * UPT_NSEC_PER_SEC)

/* The kernel's udp_error: true when the packet is broken on its own. */
static bool udp_error(const struct upt_ct_pkt *p)
{
	const struct upt_pdesc *d = p->d;
	uint16_t ulen, csum;

	if (!d->l4_ok || d->l4_len < UDP_HDR_LEN)
		return true;
	if (!upt_pkt_load16(d, (uint32_t)d->l4_off + 4, &ulen) ||
	    !upt_pkt_load16(d, (uint32_t)d->l4_off + 6, &csum))
		return true;
	/* Length field beyond the packet, or shorter than the header. */
	if (ulen > d->l4_len || ulen < UDP_HDR_LEN)
		return true;
	if (csum == 0)
		return false; /* sender computed no checksum */
	return p->sys->checksum && p->hook == UPT_HOOK_PRE_ROUTING && !upt_pkt_l4_csum_ok(d);
}

enum upt_ct_verdict upt_ct_udp_packet(struct upt_ct *ct, const struct upt_ct_pkt *p)
{
	if (udp_error(p))
		return UPT_CT_INVALID;

	if (!p->confirmed)
		ct->proto.udp.first_seen = p->now;

	if (ct->status & UPT_IPS_SEEN_REPLY) {
		uint32_t timeout = p->sys->udp_timeout;
		bool stream = false;

		/* Still talking both ways after two seconds: a stream. */
		if (p->now > ct->proto.udp.first_seen + UDP_STREAM_AFTER_NS) {
			timeout = p->sys->udp_timeout_stream;
			stream = !(ct->status & UPT_IPS_ASSURED);
		}
		upt_ct_refresh(ct, p->now, timeout);
		if (stream)
			ct->status |= UPT_IPS_ASSURED;
	} else {
		upt_ct_refresh(ct, p->now, p->sys->udp_timeout);
	}
	return UPT_CT_ACCEPT;
}

/*
 * UDP-Lite (RFC 3828; the kernel's udplite_error and udplite_packet): the
 * length field is the checksum coverage (0: the whole datagram), the
 * checksum is mandatory, and a connection that has seen a reply gets
 * 120 s and ASSURED at once (the two-second rule is UDP's only).
 *
 * The kernel verifies the checksum with IPPROTO_UDP (17) in the
 * pseudo-header, not 136 as RFC 3828 has it, so at PREROUTING (with
 * nf_conntrack_checksum=1) it calls RFC-conforming UDP-Lite INVALID and
 * accepts datagrams summed with 17 -- observed on 6.18
 * (tests/kernel/ct_proto_rows.sh).  We do the same.
 */
static bool udplite_error(const struct upt_ct_pkt *p)
{
	const struct upt_pdesc *d = p->d;
	uint16_t cscov, csum;
	uint32_t sum;

	if (!d->l4_ok || d->l4_len < UDP_HDR_LEN)
		return true;
	if (!upt_pkt_load16(d, (uint32_t)d->l4_off + 4, &cscov) ||
	    !upt_pkt_load16(d, (uint32_t)d->l4_off + 6, &csum))
		return true;
	if (cscov == 0)
		cscov = d->l4_len;
	else if (cscov < UDP_HDR_LEN || cscov > d->l4_len)
		return true;
	if (csum == 0)
		return true;
	if (!p->sys->checksum || p->hook != UPT_HOOK_PRE_ROUTING)
		return false;
	/* Pseudo-header with the full length (and the kernel's protocol 17),
	 * data up to the coverage. */
	sum = upt_csum_pseudo(d->saddr, d->daddr, UPT_IPPROTO_UDP, d->l4_len);
	sum = upt_csum_partial(d->frame + d->l4_off, cscov, sum);
	return upt_csum_fold(sum) != 0;
}

enum upt_ct_verdict upt_ct_udplite_packet(struct upt_ct *ct, const struct upt_ct_pkt *p)
{
	if (udplite_error(p))
		return UPT_CT_INVALID;
	if (ct->status & UPT_IPS_SEEN_REPLY) {
		upt_ct_refresh(ct, p->now, p->sys->udp_timeout_stream);
		ct->status |= UPT_IPS_ASSURED;
	} else {
		upt_ct_refresh(ct, p->now, p->sys->udp_timeout);
	}
	return UPT_CT_ACCEPT;
}

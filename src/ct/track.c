// SPDX-License-Identifier: GPL-2.0
/*
 * upt_ct_in: the conntrack hook (the kernel's nf_conntrack_in).
 *
 * Order of business, as in the kernel: ICMP errors are handled first (they
 * belong to the connection they quote and never create entries); then the
 * packet's tuple is looked up; a miss takes a fresh, unconfirmed entry
 * from the pool (early-dropping an unassured one when the pool is empty);
 * then the protocol tracker judges the packet.  A refused packet leaves no
 * entry and gets ctinfo INVALID.  A tracker may ask for the lookup to be
 * repeated (TCP SYN reopening a closed connection: the old entry is gone).
 * A reply that the tracker accepted marks the entry SEEN_REPLY, after the
 * tracker ran (trackers test "has a reply been seen before this packet").
 */
#include <string.h>

#include "ct/ct.h"
#include "ct/ct_int.h"
#include "pkt/pkt.h"
#include "uptables/uptables.h"

static enum upt_ct_verdict track_packet(struct upt_ct *ct, const struct upt_ct_pkt *p)
{
	switch (ct->tuple[UPT_CT_DIR_ORIGINAL].proto) {
	case UPT_IPPROTO_TCP:
		return upt_ct_tcp_packet(ct, p);
	case UPT_IPPROTO_UDP:
		return upt_ct_udp_packet(ct, p);
	case UPT_IPPROTO_ICMP:
		return upt_ct_icmp_packet(ct, p);
	case UPT_CT_IPPROTO_GRE:
		return upt_ct_gre_packet(ct, p);
	case UPT_CT_IPPROTO_UDPLITE:
		return upt_ct_udplite_packet(ct, p);
	default:
		return upt_ct_generic_packet(ct, p);
	}
}

/* ctinfo of a packet of a confirmed entry (resolve_normal_ct). */
static uint8_t found_ctinfo(const struct upt_ct *ct, enum upt_ct_dir dir)
{
	if (dir == UPT_CT_DIR_REPLY)
		return UPT_CTINFO_ESTABLISHED_REPLY;
	if (ct->status & UPT_IPS_SEEN_REPLY)
		return UPT_CTINFO_ESTABLISHED;
	if (ct->status & UPT_IPS_EXPECTED)
		return UPT_CTINFO_RELATED;
	return UPT_CTINFO_NEW; /* no answer yet: still NEW for the rules */
}

void upt_ct_in(struct upt_ct_table *t, struct upt_pdesc *d, unsigned hook, uint16_t zone,
	       uint64_t now, struct upt_ct_result *res)
{
	struct upt_tuple tu;

	memset(res, 0, sizeof(*res));
	res->ctinfo = UPT_CTINFO_INVALID;
	upt_ct_saw_time(t, now);

	if (d->l2_kind != UPT_L2_IPV4)
		goto invalid;
	if (d->proto == UPT_IPPROTO_ICMP) {
		if (!upt_ct_icmp_header_ok(d, hook, &t->sys))
			goto invalid;
		if (upt_icmp_is_error(d->icmp_type)) {
			upt_ct_icmp_error(t, d, zone, now, res);
			if (!res->ct)
				goto invalid;
			t->stats.found++;
			return;
		}
	}
	if (!upt_tuple_from_pkt(d, zone, &tu))
		goto invalid;

	for (unsigned attempt = 0; attempt < 2; attempt++) {
		struct upt_ct_pkt p = {.d = d, .sys = &t->sys, .now = now, .hook = hook};
		enum upt_ct_dir dir = UPT_CT_DIR_ORIGINAL;
		enum upt_ct_verdict v;
		struct upt_ct *ct;
		uint8_t ctinfo;

		ct = upt_ct_lookup(t, &tu, now, &dir);
		if (ct) {
			t->stats.found++;
			ctinfo = found_ctinfo(ct, dir);
			p.confirmed = true;
		} else {
			uint8_t inv;

			/* An ICMP type without a reply type cannot form a
			 * connection (the kernel cannot invert its tuple). */
			if (tu.proto == UPT_IPPROTO_ICMP &&
			    !upt_ct_icmp_invert_type((uint8_t)(tu.dport >> 8), &inv))
				goto invalid;
			ct = upt_ct_alloc(t, now);
			if (!ct) {
				t->stats.drop++;
				res->drop_reason = UPT_DROP_CT_TABLE_FULL;
				return;
			}
			t->stats.new_++;
			ct->tuple[UPT_CT_DIR_ORIGINAL] = tu;
			upt_tuple_invert(&tu, &ct->tuple[UPT_CT_DIR_REPLY]);
			ctinfo = UPT_CTINFO_NEW;
			upt_ct_acct_new(t, ct);
			upt_ct_labels_new(t, ct);
		}
		p.dir = (uint8_t)dir;

		v = track_packet(ct, &p);
		if (v == UPT_CT_ACCEPT) {
			upt_ct_acct_add(t, ct, dir, d->ip_len);
			if (dir == UPT_CT_DIR_REPLY)
				ct->status |= UPT_IPS_SEEN_REPLY;
			res->ct = ct;
			res->dir = (uint8_t)dir;
			res->ctinfo = ctinfo;
			res->is_new = !p.confirmed;
			return;
		}
		if (!p.confirmed)
			upt_ct_free(t, ct);
		if (v != UPT_CT_REPEAT)
			break;
		/* The tracker killed the old entry: look up again, creating anew. */
	}
invalid:
	t->stats.invalid++;
	res->ct = NULL;
	res->ctinfo = UPT_CTINFO_INVALID;
}

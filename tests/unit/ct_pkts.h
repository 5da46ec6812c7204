/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the conntrack tests: a packet = a frame built by frames.h
 * and parsed by src/pkt into a descriptor, and a driver that runs a packet
 * through upt_ct_in() and confirms new entries as the engine would.
 */
#ifndef UPT_TEST_CT_PKTS_H
#define UPT_TEST_CT_PKTS_H

#include <stdint.h>
#include <string.h>

#include "ct/ct.h"
#include "ct/ct_int.h"
#include "frames.h"
#include "pkt/pkt.h"
#include "uptables/uptables.h"

#define SEC 1000000000ull

struct tpkt {
	uint8_t buf[FRAME_MAX];
	size_t len;
	struct upt_pdesc d;
	int parse_rc;
};

static inline void tpkt_build(struct tpkt *p, const struct frame *f)
{
	p->len = frame_build(f, p->buf, sizeof(p->buf));
	p->parse_rc = upt_pkt_parse_eth(&p->d, p->buf, (uint32_t)p->len);
}

static inline void tpkt_udp(struct tpkt *p, const char *src, uint16_t sport, const char *dst,
			    uint16_t dport)
{
	struct frame f;
	static const uint8_t data[4] = {1, 2, 3, 4};

	frame_init(&f, UPT_IPPROTO_UDP, src, sport, dst, dport);
	f.payload = data;
	f.payload_len = sizeof(data);
	tpkt_build(p, &f);
}

static inline void tpkt_icmp(struct tpkt *p, const char *src, const char *dst, uint8_t type,
			     uint16_t id)
{
	struct frame f;

	frame_init(&f, UPT_IPPROTO_ICMP, src, id, dst, 1);
	f.icmp_type = type;
	tpkt_build(p, &f);
}

/* Run one packet through conntrack at PREROUTING and confirm what it created. */
static inline struct upt_ct_result ct_run(struct upt_ct_table *t, struct tpkt *p, uint64_t now)
{
	struct upt_ct_result r;

	upt_ct_in(t, &p->d, UPT_HOOK_PRE_ROUTING, 0, now, &r);
	if (r.ct && r.is_new)
		upt_ct_confirm(t, r.ct, now);
	return r;
}

static inline struct upt_ct_table *ct_new_table(uint32_t max)
{
	static const uint64_t key[2] = {0x0123456789abcdefull, 0xfedcba9876543210ull};
	struct upt_ct_table *t = NULL;

	if (upt_ct_table_create(max, key, &t) != 0)
		return NULL;
	return t;
}

#endif

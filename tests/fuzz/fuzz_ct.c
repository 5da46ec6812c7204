/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Random traffic through conntrack alone: TCP/UDP/ICMP/other packets and
 * ICMP errors among a few hosts and ports, with sequence numbers near and
 * far from the tracked ones, random flags, both hooks, dropped first
 * packets (abort), deletes, a clock that jumps, and a pool small enough
 * that early drop and "table full" happen all the time.  Deterministic
 * (fixed seed), bounded, meant to run under ASan/UBSan in `make test`.
 *
 * Invariants checked after every step:
 *   - a result has an entry exactly when its ctinfo is not INVALID, and a
 *     drop reason only without an entry;
 *   - the pool never holds more than max entries, and nothing leaks: after
 *     a full expiry sweep far in the future the table is empty;
 *   - every live confirmed entry is found under both of its tuples, in the
 *     right direction (REPLY for a tuple equal to its inverse); the hash
 *     holds exactly two slots per confirmed entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rand.h"
#include "ct/ct.h"
#include "ct/ct_int.h"
#include "frames.h"
#include "pkt/pkt.h"
#include "uptables/uptables.h"

#define ITERATIONS  150000
#define MAX_ENTRIES 32
#define SEC	    1000000000ull

static uint64_t rng = 0x5eed;
static unsigned failures;

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		if (failures++ < 20)                                                               \
			fprintf(stderr, "fuzz_ct: " __VA_ARGS__);                                  \
	} while (0)

static uint32_t rnd(uint32_t n)
{
	return n ? upt_rand_u32(&rng) % n : 0;
}

static const char *const hosts[] = {"10.0.0.1", "10.0.0.2", "10.0.0.3", "192.0.2.9"};
static const uint16_t ports[] = {80, 53, 40000, 40001};
static uint32_t seqs[8]; /* sequence numbers seen, reused so windows sometimes fit */

static uint32_t pick_seq(void)
{
	uint32_t s = seqs[rnd(8)];

	switch (rnd(4)) {
	case 0:
		return upt_rand_u32(&rng);
	case 1:
		return s;
	case 2:
		return s + rnd(3000);
	default:
		return s - rnd(100);
	}
}

static void random_frame(struct frame *f, uint8_t *quote_buf, size_t quote_cap)
{
	static const uint8_t payload[64];
	uint8_t proto;
	const char *src = hosts[rnd(4)], *dst = hosts[rnd(4)];

	switch (rnd(10)) {
	case 0:
	case 1:
	case 2:
	case 3:
		proto = UPT_IPPROTO_TCP;
		break;
	case 4:
	case 5:
		proto = UPT_IPPROTO_UDP;
		break;
	case 6:
	case 7:
		proto = UPT_IPPROTO_ICMP;
		break;
	case 8:
		proto = rnd(2) ? 47 : 136; /* GRE, UDP-Lite */
		break;
	default:
		proto = 0;
		break; /* an ICMP error, below */
	}
	if (proto == 0) {
		struct frame of;

		random_frame(&of, NULL, 0);
		if (!quote_buf || !frame_build(&of, quote_buf, quote_cap)) {
			frame_init(f, UPT_IPPROTO_UDP, src, ports[rnd(4)], dst, ports[rnd(4)]);
			return;
		}
		frame_icmp_error(f, src, dst, (uint8_t)(rnd(2) ? 3 : 11), (uint8_t)rnd(4), &of,
				 quote_buf, rnd(3) ? SIZE_MAX : rnd(12));
		return;
	}
	frame_init(f, proto, src, ports[rnd(4)], dst, ports[rnd(4)]);
	if (proto == UPT_IPPROTO_TCP) {
		static const uint8_t flagsets[] = {
		    UPT_TCP_SYN,
		    UPT_TCP_SYN | UPT_TCP_ACK,
		    UPT_TCP_ACK,
		    UPT_TCP_ACK | UPT_TCP_PSH,
		    UPT_TCP_FIN | UPT_TCP_ACK,
		    UPT_TCP_RST,
		    UPT_TCP_RST | UPT_TCP_ACK,
		    0,
		};

		f->tcp_flags = rnd(8) ? flagsets[rnd(8)] : (uint8_t)rnd(256);
		f->seq = pick_seq();
		f->ack = pick_seq();
		f->win = (uint16_t)(rnd(4) ? 64240 : rnd(3));
		f->has_wscale = rnd(4) == 0;
		f->wscale = (uint8_t)rnd(16);
		f->sack_perm = rnd(2);
		seqs[rnd(8)] = f->seq + 1;
	} else if (proto == UPT_IPPROTO_ICMP) {
		static const uint8_t types[] = {0, 8, 13, 14, 15, 17, 9, 30};

		f->icmp_type = types[rnd(8)];
		f->icmp_id = (uint16_t)rnd(3);
	}
	f->payload = payload;
	f->payload_len = rnd(3) ? 0 : rnd(sizeof(payload));
}

struct check_ctx {
	struct upt_ct_table *t;
	uint64_t now;
	unsigned live;
};

static int check_entry(struct upt_ct *ct, void *arg)
{
	struct check_ctx *c = arg;

	if (upt_ct_is_expired(ct, c->now))
		return 0;
	c->live++;
	for (unsigned d = 0; d < 2; d++) {
		enum upt_ct_dir dir;
		struct upt_ct *got = upt_ct_find(c->t, &ct->tuple[d], &dir);
		/* A tuple equal to its inverse is found as REPLY (the kernel's order). */
		unsigned want = upt_tuple_eq(&ct->tuple[0], &ct->tuple[1]) ? 1 : d;

		if (got != ct || dir != want)
			FAIL("entry %u not found under its %s tuple\n", ct->id,
			     d ? "reply" : "orig");
	}
	return 0;
}

static void check_table(struct upt_ct_table *t, uint64_t now)
{
	struct check_ctx c = {.t = t, .now = now};
	unsigned used = 0;

	if (upt_ct_count(t) > upt_ct_max(t))
		FAIL("count %u > max %u\n", upt_ct_count(t), upt_ct_max(t));
	upt_ct_foreach(t, check_entry, &c);
	for (uint32_t i = 0; i <= t->mask; i++)
		used += t->slots[i].ref != UPT_CT_SLOT_EMPTY;
	if (used != 2 * t->confirmed)
		FAIL("%u slots used for %u confirmed entries\n", used, t->confirmed);
}

int main(void)
{
	static const uint64_t key[2] = {11, 22};
	struct upt_ct_table *t;
	uint64_t now = SEC;
	unsigned news = 0, invalids = 0, full = 0;

	if (upt_ct_table_create(MAX_ENTRIES, key, &t) != 0)
		return 1;
	for (unsigned it = 0; it < ITERATIONS; it++) {
		uint8_t buf[FRAME_MAX], quote[FRAME_MAX];
		struct upt_ct_result r;
		struct upt_pdesc d;
		struct frame f;
		size_t n;

		random_frame(&f, quote, sizeof(quote));
		n = frame_build(&f, buf, sizeof(buf));
		if (!n || upt_pkt_parse_eth(&d, buf, (uint32_t)n) != 0)
			continue;
		if (rnd(16) == 0) /* corrupt a byte of the transport part */
			buf[34 + rnd((uint32_t)(n > 34 ? n - 34 : 1))] ^= (uint8_t)(1 + rnd(255));

		upt_ct_in(t, &d, rnd(4) ? UPT_HOOK_PRE_ROUTING : UPT_HOOK_LOCAL_OUT, 0, now, &r);
		if ((r.ct != NULL) == (r.ctinfo == UPT_CTINFO_INVALID))
			FAIL("ct %p with ctinfo %s\n", (void *)r.ct, upt_ctinfo_str(r.ctinfo));
		if (r.drop_reason && r.ct)
			FAIL("drop reason with an entry\n");
		full += r.drop_reason == UPT_DROP_CT_TABLE_FULL;
		invalids += r.ctinfo == UPT_CTINFO_INVALID;
		if (r.ct && r.is_new) {
			news++;
			if (rnd(5) == 0)
				upt_ct_abort(t, r.ct); /* the first packet was dropped */
			else if (upt_ct_confirm(t, r.ct, now) != 0)
				upt_ct_abort(t, r.ct);
		} else if (r.ct && rnd(200) == 0) {
			upt_ct_delete(t, r.ct);
		}

		switch (rnd(50)) {
		case 0:
			now += rnd(700) * SEC;
			break; /* jump past some timeouts */
		case 1:
			upt_ct_expire(t, now, rnd(16));
			break;
		default:
			now += rnd(50) * 1000000ull;
			break;
		}
		if (it % 64 == 0)
			check_table(t, now);
	}
	check_table(t, now);
	/* Everything expires eventually: nothing leaked. */
	now += 1000000 * SEC;
	upt_ct_expire(t, now, MAX_ENTRIES);
	if (upt_ct_count(t) != 0)
		FAIL("%u entries left after a full sweep\n", upt_ct_count(t));
	upt_ct_flush(t);
	upt_ct_table_destroy(t);
	if (failures) {
		printf("fuzz_ct: %u failures\n", failures);
		return 1;
	}
	printf("%u packets, %u new, %u invalid, %u table full: ok\n", ITERATIONS, news, invalids,
	       full);
	return 0;
}

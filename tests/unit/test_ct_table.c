// SPDX-License-Identifier: GPL-2.0
/*
 * Conntrack table: tuples, the hash under churn (against a deliberately
 * naive reference list), confirm clashes, pool exhaustion and early drop,
 * bounded expiry, listing, and the /proc line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/rand.h"
#include "check.h"
#include "ct_pkts.h"

static struct upt_tuple tup(const char *s, uint16_t sp, const char *d, uint16_t dp, uint8_t proto)
{
	return (struct upt_tuple){
	    .src = frame_addr(s),
	    .dst = frame_addr(d),
	    .sport = sp,
	    .dport = dp,
	    .proto = proto,
	};
}

TEST(tuple_invert_swaps_ends_and_icmp_types)
{
	static const struct {
		uint8_t proto;
		uint16_t sport, dport;
		uint16_t want_sport, want_dport;
	} rows[] = {
	    {UPT_IPPROTO_TCP, 40000, 80, 80, 40000},
	    {UPT_IPPROTO_UDP, 53, 5353, 5353, 53},
	    /* ICMP: id stays, type becomes the reply type, code kept. */
	    {UPT_IPPROTO_ICMP, 77, UPT_ICMP_ECHO << 8, 77, UPT_ICMP_ECHOREPLY << 8},
	    {UPT_IPPROTO_ICMP, 77, UPT_ICMP_ECHOREPLY << 8, 77, UPT_ICMP_ECHO << 8},
	    {UPT_IPPROTO_ICMP, 9, UPT_ICMP_TIMESTAMP << 8, 9, UPT_ICMP_TIMESTAMPREPLY << 8},
	    {UPT_IPPROTO_ICMP, 9, UPT_ICMP_INFO_REQUEST << 8, 9, UPT_ICMP_INFO_REPLY << 8},
	    {UPT_IPPROTO_ICMP, 9, UPT_ICMP_ADDRESS << 8 | 3, 9, UPT_ICMP_ADDRESSREPLY << 8 | 3},
	    {47, 0, 0, 0, 0},
	};

	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct upt_tuple a = tup("192.0.2.1", rows[i].sport, "198.51.100.7", rows[i].dport,
					 rows[i].proto),
				 b, c;

		a.zone = 3;
		upt_tuple_invert(&a, &b);
		CHECK_EQ(b.src, frame_addr("198.51.100.7"));
		CHECK_EQ(b.dst, frame_addr("192.0.2.1"));
		CHECK_EQ(b.sport, rows[i].want_sport);
		CHECK_EQ(b.dport, rows[i].want_dport);
		CHECK_EQ(b.proto, rows[i].proto);
		CHECK_EQ(b.zone, 3);
		upt_tuple_invert(&b, &c);
		CHECK(upt_tuple_eq(&a, &c));
	}
}

TEST(tuple_eq_compares_every_field)
{
	struct upt_tuple a = tup("10.0.0.1", 1, "10.0.0.2", 2, UPT_IPPROTO_UDP), b;

	b = a;
	CHECK(upt_tuple_eq(&a, &b));
	b = a, b.src++;
	CHECK(!upt_tuple_eq(&a, &b));
	b = a, b.dst++;
	CHECK(!upt_tuple_eq(&a, &b));
	b = a, b.sport++;
	CHECK(!upt_tuple_eq(&a, &b));
	b = a, b.dport++;
	CHECK(!upt_tuple_eq(&a, &b));
	b = a, b.proto = UPT_IPPROTO_TCP;
	CHECK(!upt_tuple_eq(&a, &b));
	b = a, b.zone = 1;
	CHECK(!upt_tuple_eq(&a, &b));
}

TEST(tuple_from_pkt_reads_ports_and_icmp_fields)
{
	struct tpkt p;
	struct upt_tuple tu;
	struct frame f;

	tpkt_udp(&p, "192.0.2.1", 1234, "192.0.2.2", 53);
	CHECK(upt_tuple_from_pkt(&p.d, 7, &tu));
	CHECK(upt_tuple_eq(&tu, &(struct upt_tuple){.src = frame_addr("192.0.2.1"),
						    .dst = frame_addr("192.0.2.2"),
						    .sport = 1234,
						    .dport = 53,
						    .proto = UPT_IPPROTO_UDP,
						    .zone = 7}));

	tpkt_icmp(&p, "192.0.2.1", "192.0.2.2", UPT_ICMP_ECHO, 0x1234);
	CHECK(upt_tuple_from_pkt(&p.d, 0, &tu));
	CHECK_EQ(tu.sport, 0x1234);
	CHECK_EQ(tu.dport, UPT_ICMP_ECHO << 8);

	/* Other protocols: addresses only. */
	frame_init(&f, 47, "192.0.2.1", 0, "192.0.2.2", 0);
	tpkt_build(&p, &f);
	CHECK(upt_tuple_from_pkt(&p.d, 0, &tu));
	CHECK_EQ(tu.sport, 0);
	CHECK_EQ(tu.dport, 0);
	CHECK_EQ(tu.proto, 47);

	/* A later fragment has no transport header: untrackable. */
	frame_init(&f, UPT_IPPROTO_UDP, "192.0.2.1", 1, "192.0.2.2", 2);
	f.frag_offset = 100;
	tpkt_build(&p, &f);
	CHECK(!upt_tuple_from_pkt(&p.d, 0, &tu));
}

/* ---- hash churn against a naive reference ---------------------------------------- */

struct ref_entry {
	struct upt_tuple t[2];
	struct upt_ct *ct;
};

/* The reference: a plain array scanned linearly. */
static int ref_find(const struct ref_entry *ref, unsigned n, const struct upt_tuple *tu,
		    unsigned *dir)
{
	for (unsigned i = 0; i < n; i++)
		for (unsigned d = 0; d < 2; d++)
			if (upt_tuple_eq(&ref[i].t[d], tu)) {
				*dir = d;
				return (int)i;
			}
	return -1;
}

static struct upt_tuple random_tuple(uint64_t *rng)
{
	/* A narrow space, so inserts often collide with existing tuples. */
	return (struct upt_tuple){
	    .src = 0x0a000000u | (upt_rand_u32(rng) & 0x3f),
	    .dst = 0x0a000100u | (upt_rand_u32(rng) & 0x3),
	    .sport = (uint16_t)(1000 + (upt_rand_u32(rng) & 0x7f)),
	    .dport = (uint16_t)(80 + (upt_rand_u32(rng) & 1)),
	    .proto = UPT_IPPROTO_UDP,
	};
}

TEST(hash_keeps_every_entry_under_churn)
{
	enum { MAX = 512, OPS = 60000 };
	static struct ref_entry ref[MAX];
	struct upt_ct_table *t = ct_new_table(MAX);
	uint64_t rng = 42, now = SEC;
	unsigned n = 0, clashes = 0, mismatches = 0;

	for (unsigned op = 0; op < OPS; op++) {
		unsigned r = upt_rand_u32(&rng) % 100;

		if (r < 55 && n < MAX) {
			struct upt_tuple a = random_tuple(&rng), b;
			unsigned dir;
			struct upt_ct *ct = upt_ct_alloc(t, now);
			bool want_clash;
			int rc;

			upt_tuple_invert(&a, &b);
			/* Sometimes a NATed reply tuple, unrelated to the original. */
			if (upt_rand_u32(&rng) & 1)
				b.dport = (uint16_t)(20000 + (upt_rand_u32(&rng) & 0xff));
			want_clash =
			    ref_find(ref, n, &a, &dir) >= 0 || ref_find(ref, n, &b, &dir) >= 0;
			if (!ct) {
				CHECK_MSG(0, "pool empty with %u of %u in use", n, MAX);
				break;
			}
			ct->tuple[0] = a;
			ct->tuple[1] = b;
			ct->expires = UINT64_MAX;
			rc = upt_ct_confirm(t, ct, now);
			if (want_clash) {
				clashes++;
				if (rc != -EEXIST)
					mismatches++;
				upt_ct_abort(t, ct);
			} else {
				if (rc != 0)
					mismatches++;
				ref[n].t[0] = a;
				ref[n].t[1] = b;
				ref[n].ct = ct;
				n++;
			}
		} else if (n > 0) {
			unsigned i = upt_rand_u32(&rng) % n;

			upt_ct_delete(t, ref[i].ct);
			ref[i] = ref[--n];
		}

		/* Probe a few random tuples against the reference. */
		for (unsigned k = 0; k < 4; k++) {
			struct upt_tuple q = random_tuple(&rng);
			enum upt_ct_dir got_dir = UPT_CT_DIR_ORIGINAL;
			unsigned want_dir = 0;
			int i = ref_find(ref, n, &q, &want_dir);
			struct upt_ct *got = upt_ct_find(t, &q, &got_dir);

			if (i < 0 ? got != NULL : (got != ref[i].ct || got_dir != want_dir))
				mismatches++;
		}
	}
	/* Every tuple of every live entry is found, in its own direction. */
	for (unsigned i = 0; i < n; i++)
		for (unsigned d = 0; d < 2; d++) {
			enum upt_ct_dir got_dir;
			struct upt_ct *got = upt_ct_find(t, &ref[i].t[d], &got_dir);

			if (got != ref[i].ct || got_dir != d)
				mismatches++;
		}
	CHECK_EQ(mismatches, 0);
	CHECK(clashes > 100); /* the test did exercise clashes */
	CHECK_EQ(upt_ct_count(t), n);
	CHECK_EQ(upt_ct_get_stats(t)->insert_failed, clashes);
	upt_ct_table_destroy(t);
}

TEST(confirm_clash_is_eexist_and_tuple_taken_sees_both_directions)
{
	struct upt_ct_table *t = ct_new_table(8);
	struct upt_ct *a = upt_ct_alloc(t, SEC), *b = upt_ct_alloc(t, SEC);
	struct upt_tuple o = tup("10.0.0.1", 1000, "10.0.0.2", 53, UPT_IPPROTO_UDP), r;

	upt_tuple_invert(&o, &r);
	a->tuple[0] = o;
	a->tuple[1] = r;
	a->expires = 100 * SEC;
	CHECK_EQ(upt_ct_confirm(t, a, SEC), 0);
	CHECK(a->status & UPT_IPS_CONFIRMED);
	CHECK(upt_ct_tuple_taken(t, &o, NULL));
	CHECK(upt_ct_tuple_taken(t, &r, NULL));
	CHECK(!upt_ct_tuple_taken(t, &o, a));
	/* Same reply tuple, different original (a NAT clash). */
	b->tuple[0] = tup("10.0.0.9", 1000, "10.0.0.2", 53, UPT_IPPROTO_UDP);
	b->tuple[1] = r;
	b->expires = 100 * SEC;
	CHECK_EQ(upt_ct_confirm(t, b, SEC), -EEXIST);
	upt_ct_abort(t, b);
	CHECK_EQ(upt_ct_count(t), 1);
	/* Once a has expired, its tuples are free again. */
	CHECK_EQ(upt_ct_expire(t, 100 * SEC, 8), 1);
	CHECK(!upt_ct_tuple_taken(t, &o, NULL));
	upt_ct_table_destroy(t);
}

/* ---- pool exhaustion, early drop, expiry ------------------------------------------ */

static struct upt_ct_result udp_from(struct upt_ct_table *t, unsigned i, uint64_t now)
{
	struct tpkt p;
	char src[32];

	snprintf(src, sizeof(src), "10.1.%u.%u", i >> 8 & 0xff, i & 0xff);
	tpkt_udp(&p, src, 5000, "10.9.9.9", 53);
	return ct_run(t, &p, now);
}

TEST(full_pool_evicts_unassured_entry)
{
	struct upt_ct_table *t = ct_new_table(8);
	struct upt_ct_result r;

	for (unsigned i = 0; i < 8; i++)
		CHECK(udp_from(t, i, SEC).ct != NULL);
	CHECK_EQ(upt_ct_count(t), 8);
	r = udp_from(t, 100, 2 * SEC);
	CHECK(r.ct != NULL && r.is_new);
	CHECK_EQ(r.drop_reason, 0);
	CHECK_EQ(upt_ct_count(t), 8);
	CHECK_EQ(upt_ct_get_stats(t)->early_drop, 1);
	upt_ct_table_destroy(t);
}

/* A TCP handshake through conntrack; leaves an ASSURED entry. */
static void tcp_assured(struct upt_ct_table *t, unsigned i, uint64_t now)
{
	struct frame f;
	struct tpkt p;
	char cli[32];

	snprintf(cli, sizeof(cli), "10.2.0.%u", i);
	frame_init(&f, UPT_IPPROTO_TCP, cli, 40000, "10.9.9.9", 80);
	f.tcp_flags = UPT_TCP_SYN;
	f.seq = 100;
	tpkt_build(&p, &f);
	ct_run(t, &p, now);
	frame_init(&f, UPT_IPPROTO_TCP, "10.9.9.9", 80, cli, 40000);
	f.tcp_flags = UPT_TCP_SYN | UPT_TCP_ACK;
	f.seq = 5000;
	f.ack = 101;
	tpkt_build(&p, &f);
	ct_run(t, &p, now);
	frame_init(&f, UPT_IPPROTO_TCP, cli, 40000, "10.9.9.9", 80);
	f.tcp_flags = UPT_TCP_ACK;
	f.seq = 101;
	f.ack = 5001;
	tpkt_build(&p, &f);
	ct_run(t, &p, now);
}

TEST(full_pool_of_assured_entries_drops_new_packet)
{
	struct upt_ct_table *t = ct_new_table(4);
	struct upt_ct_result r;
	unsigned assured = 0;

	for (unsigned i = 1; i <= 4; i++)
		tcp_assured(t, i, SEC);
	for (unsigned i = 0; i < 4; i++)
		assured += !!(t->pool[i].status & UPT_IPS_ASSURED);
	CHECK_EQ(assured, 4);
	r = udp_from(t, 1, 2 * SEC);
	CHECK(r.ct == NULL);
	CHECK_EQ(r.drop_reason, UPT_DROP_CT_TABLE_FULL);
	CHECK_EQ(upt_ct_get_stats(t)->drop, 1);
	CHECK_EQ(upt_ct_get_stats(t)->early_drop, 0);
	CHECK_EQ(upt_ct_count(t), 4);
	/* Once an entry has timed out, its slot is reused. */
	r = udp_from(t, 1, SEC + 432001 * SEC);
	CHECK(r.ct != NULL);
	CHECK_EQ(r.drop_reason, 0);
	CHECK(upt_ct_get_stats(t)->expired >= 1);
	upt_ct_table_destroy(t);
}

TEST(expire_visits_at_most_budget_entries)
{
	enum { N = 100 };
	struct upt_ct_table *t = ct_new_table(N);
	unsigned freed = 0, calls = 0;

	for (unsigned i = 0; i < N; i++)
		udp_from(t, i, SEC);
	/* The half created later lives longer. */
	for (unsigned i = 50; i < N; i++)
		udp_from(t, i, 20 * SEC);
	CHECK_EQ(upt_ct_count(t), N);
	CHECK_EQ(upt_ct_expire(t, 30 * SEC, N), 0); /* not yet: 1 s + 30 s */
	while (calls < 20) {
		unsigned n = upt_ct_expire(t, 31 * SEC, 10);

		CHECK(n <= 10);
		freed += n;
		calls++;
	}
	CHECK_EQ(freed, 50);
	CHECK_EQ(upt_ct_count(t), 50);
	CHECK_EQ(upt_ct_get_stats(t)->expired, 50);
	/* Ten calls of 10 cover the pool once: the rest expire at 50 s. */
	freed = 0;
	for (unsigned i = 0; i < 10; i++)
		freed += upt_ct_expire(t, 50 * SEC, 10);
	CHECK_EQ(freed, 50);
	CHECK_EQ(upt_ct_count(t), 0);
	upt_ct_table_destroy(t);
}

TEST(lookup_ignores_expired_entry)
{
	struct upt_ct_table *t = ct_new_table(8);
	struct upt_ct_result r1, r2;

	r1 = udp_from(t, 1, SEC);
	CHECK(r1.is_new);
	r2 = udp_from(t, 1, 31 * SEC - 1);
	CHECK(!r2.is_new); /* 1 ns before expiry: still the same entry */
	r2 = udp_from(t, 1, 61 * SEC);
	CHECK(r2.is_new); /* the refresh at 31 s - 1 ns made it expire at 61 s - 1 ns */
	CHECK_EQ(upt_ct_count(t), 1);
	upt_ct_table_destroy(t);
}

/* ---- listing ---------------------------------------------------------------------- */

static int count_cb(struct upt_ct *ct, void *arg)
{
	(void)ct;
	(*(unsigned *)arg)++;
	return 0;
}

static int delete_cb(struct upt_ct *ct, void *arg)
{
	upt_ct_delete(arg, ct);
	return 0;
}

TEST(foreach_lists_confirmed_only_and_allows_delete)
{
	struct upt_ct_table *t = ct_new_table(16);
	struct upt_ct *unconfirmed;
	unsigned n = 0;
	struct upt_ct_result r;
	struct tpkt p;

	for (unsigned i = 0; i < 5; i++)
		udp_from(t, i, SEC);
	tpkt_udp(&p, "10.3.3.3", 1, "10.9.9.9", 53);
	upt_ct_in(t, &p.d, UPT_HOOK_PRE_ROUTING, 0, SEC, &r);
	unconfirmed = r.ct;
	CHECK(unconfirmed && r.is_new);
	upt_ct_foreach(t, count_cb, &n);
	CHECK_EQ(n, 5);
	CHECK_EQ(upt_ct_count(t), 6); /* the count includes unconfirmed entries */
	upt_ct_foreach(t, delete_cb, t);
	n = 0;
	upt_ct_foreach(t, count_cb, &n);
	CHECK_EQ(n, 0);
	upt_ct_abort(t, unconfirmed);
	CHECK_EQ(upt_ct_count(t), 0);
	for (unsigned i = 0; i < 5; i++)
		udp_from(t, i, SEC);
	upt_ct_flush(t);
	CHECK_EQ(upt_ct_count(t), 0);
	upt_ct_table_destroy(t);
}

/* ---- /proc/net/nf_conntrack lines ------------------------------------------------- */

/*
 * Golden lines: copied from /proc/net/nf_conntrack of the 6.18 kernel on
 * the build machine, for loopback traffic inside a network namespace
 * (python sockets / raw sockets, 2026-11-24).  The entries here are built
 * by running the same packets through upt_ct_in() and printed 1 ms later,
 * like the kernel's few jiffies between the packet and the read.
 */
static const char gold_tcp_est[] =
    "ipv4     2 tcp      6 431999 ESTABLISHED src=127.0.0.1 dst=127.0.0.1 sport=41234 "
    "dport=5000 src=127.0.0.1 dst=127.0.0.1 sport=5000 dport=41234 [ASSURED] mark=0 zone=0 "
    "use=2";
static const char gold_tcp_close_wait[] =
    "ipv4     2 tcp      6 59 CLOSE_WAIT src=127.0.0.1 dst=127.0.0.1 sport=41234 dport=5000 "
    "src=127.0.0.1 dst=127.0.0.1 sport=5000 dport=41234 [ASSURED] mark=0 zone=0 use=2";
static const char gold_udp_replied[] =
    "ipv4     2 udp      17 29 src=127.0.0.1 dst=127.0.0.1 sport=5002 dport=5003 "
    "src=127.0.0.1 dst=127.0.0.1 sport=5003 dport=5002 mark=0 zone=0 use=2";
static const char gold_udp_unreplied[] =
    "ipv4     2 udp      17 29 src=127.0.0.1 dst=127.0.0.1 sport=51670 dport=5001 [UNREPLIED] "
    "src=127.0.0.1 dst=127.0.0.1 sport=5001 dport=51670 mark=0 zone=0 use=2";
static const char gold_icmp_echo[] =
    "ipv4     2 icmp     1 29 src=127.0.0.1 dst=127.0.0.1 type=8 code=0 id=4668 "
    "src=127.0.0.1 dst=127.0.0.1 type=0 code=0 id=4668 mark=0 zone=0 use=2";
static const char gold_icmp_unreplied[] =
    "ipv4     2 icmp     1 29 src=127.0.0.1 dst=127.0.0.1 type=17 code=0 id=4677 [UNREPLIED] "
    "src=127.0.0.1 dst=127.0.0.1 type=18 code=0 id=4677 mark=0 zone=0 use=2";
static const char gold_gre[] =
    "ipv4     2 gre      47 29 timeout=30, stream_timeout=180 src=127.0.0.1 dst=127.0.0.1 "
    "srckey=0x0 dstkey=0x0 [UNREPLIED] src=127.0.0.1 dst=127.0.0.1 srckey=0x0 dstkey=0x0 "
    "mark=0 zone=0 use=2";
static const char gold_generic[] =
    "ipv4     2 unknown  99 599 src=127.0.0.1 dst=127.0.0.1 [UNREPLIED] src=127.0.0.1 "
    "dst=127.0.0.1 mark=0 zone=0 use=2";

static struct upt_ct_result tcp_lo(struct upt_ct_table *t, bool from_client, uint8_t flags,
				   uint32_t seq, uint32_t ack, uint64_t now)
{
	struct frame f;
	struct tpkt p;

	if (from_client)
		frame_init(&f, UPT_IPPROTO_TCP, "127.0.0.1", 41234, "127.0.0.1", 5000);
	else
		frame_init(&f, UPT_IPPROTO_TCP, "127.0.0.1", 5000, "127.0.0.1", 41234);
	f.tcp_flags = flags;
	f.seq = seq;
	f.ack = ack;
	tpkt_build(&p, &f);
	return ct_run(t, &p, now);
}

static void check_line(const struct upt_ct *ct, uint64_t now, const char *want)
{
	char buf[512];
	int n;

	if (!ct) {
		CHECK_MSG(0, "no entry for \"%s\"", want);
		return;
	}
	n = upt_ct_format_proc(ct, now, buf, sizeof(buf));
	CHECK_STR(buf, want);
	CHECK_EQ(n, (int)strlen(want));
}

TEST(proc_lines_match_the_kernel)
{
	struct upt_ct_table *t = ct_new_table(16);
	uint64_t now = 5 * SEC, ms = 1000000;
	struct upt_ct_result r;
	struct upt_ct *ct;
	struct tpkt p;
	struct frame f;

	tcp_lo(t, true, UPT_TCP_SYN, 1000, 0, now);
	tcp_lo(t, false, UPT_TCP_SYN | UPT_TCP_ACK, 9000, 1001, now);
	r = tcp_lo(t, true, UPT_TCP_ACK, 1001, 9001, now);
	check_line(r.ct, now + ms, gold_tcp_est);
	r = tcp_lo(t, true, UPT_TCP_FIN | UPT_TCP_ACK, 1001, 9001, now);
	r = tcp_lo(t, false, UPT_TCP_ACK, 9001, 1002, now);
	check_line(r.ct, now + ms, gold_tcp_close_wait);

	tpkt_udp(&p, "127.0.0.1", 5002, "127.0.0.1", 5003);
	ct_run(t, &p, now);
	tpkt_udp(&p, "127.0.0.1", 5003, "127.0.0.1", 5002);
	r = ct_run(t, &p, now);
	check_line(r.ct, now + ms, gold_udp_replied);

	tpkt_udp(&p, "127.0.0.1", 51670, "127.0.0.1", 5001);
	r = ct_run(t, &p, now);
	check_line(r.ct, now + ms, gold_udp_unreplied);

	tpkt_icmp(&p, "127.0.0.1", "127.0.0.1", UPT_ICMP_ECHO, 4668);
	ct_run(t, &p, now);
	tpkt_icmp(&p, "127.0.0.1", "127.0.0.1", UPT_ICMP_ECHOREPLY, 4668);
	r = ct_run(t, &p, now);
	check_line(r.ct, now + ms, gold_icmp_echo);

	tpkt_icmp(&p, "127.0.0.1", "127.0.0.1", UPT_ICMP_ADDRESS, 4677);
	r = ct_run(t, &p, now);
	check_line(r.ct, now + ms, gold_icmp_unreplied);

	frame_init(&f, 47, "127.0.0.1", 0, "127.0.0.1", 0);
	f.payload = (const uint8_t[]){0, 0, 8, 0};
	f.payload_len = 4;
	tpkt_build(&p, &f);
	r = ct_run(t, &p, now);
	check_line(r.ct, now + ms, gold_gre);

	frame_init(&f, 99, "127.0.0.1", 0, "127.0.0.1", 0);
	tpkt_build(&p, &f);
	r = ct_run(t, &p, now);
	check_line(r.ct, now + ms, gold_generic);

	/* mark and zone are printed from the entry; overdue entries show 0. */
	ct = r.ct;
	if (ct) {
		char buf[256];

		ct->mark = 7;
		upt_ct_format_proc(ct, now + 1000 * SEC, buf, sizeof(buf));
		CHECK_STR(buf, "ipv4     2 unknown  99 0 src=127.0.0.1 dst=127.0.0.1 [UNREPLIED] "
			       "src=127.0.0.1 dst=127.0.0.1 mark=7 zone=0 use=2");
	}
	upt_ct_table_destroy(t);
}

TEST(proc_line_truncates_like_snprintf)
{
	struct upt_ct_table *t = ct_new_table(4);
	struct upt_ct_result r = udp_from(t, 1, SEC);
	char small[16], full[256];
	int n1, n2;

	CHECK(r.ct != NULL);
	if (!r.ct)
		return;
	n1 = upt_ct_format_proc(r.ct, SEC, full, sizeof(full));
	n2 = upt_ct_format_proc(r.ct, SEC, small, sizeof(small));
	CHECK_EQ(n1, n2);
	CHECK_EQ(strlen(small), sizeof(small) - 1);
	CHECK(strncmp(small, full, sizeof(small) - 1) == 0);
	CHECK(upt_ct_format_short(r.ct, full, sizeof(full)) > 0);
	CHECK_STR(full,
		  "udp [UNREPLIED] 10.1.0.1:5000>10.9.9.9:53 reply 10.9.9.9:53>10.1.0.1:5000");
	upt_ct_table_destroy(t);
}

TEST(table_create_rejects_bad_sizes)
{
	static const uint64_t key[2] = {1, 2};
	struct upt_ct_table *t = (struct upt_ct_table *)&t;

	CHECK_EQ(upt_ct_table_create(0, key, &t), -EINVAL);
	CHECK(t == NULL);
	CHECK_EQ(upt_ct_table_create(UINT32_MAX, key, &t), -EINVAL);
	CHECK_EQ(upt_ct_table_create(1, key, &t), 0);
	CHECK_EQ(upt_ct_max(t), 1);
	upt_ct_table_destroy(t);
	CHECK_EQ(sizeof(struct upt_ct) <= 128, 1);
}

int main(void)
{
	RUN(tuple_invert_swaps_ends_and_icmp_types);
	RUN(tuple_eq_compares_every_field);
	RUN(tuple_from_pkt_reads_ports_and_icmp_fields);
	RUN(hash_keeps_every_entry_under_churn);
	RUN(confirm_clash_is_eexist_and_tuple_taken_sees_both_directions);
	RUN(full_pool_evicts_unassured_entry);
	RUN(full_pool_of_assured_entries_drops_new_packet);
	RUN(expire_visits_at_most_budget_entries);
	RUN(lookup_ignores_expired_entry);
	RUN(foreach_lists_confirmed_only_and_allows_delete);
	RUN(proc_lines_match_the_kernel);
	RUN(proc_line_truncates_like_snprintf);
	RUN(table_create_rejects_bad_sizes);
	return check_report("test_ct_table");
}

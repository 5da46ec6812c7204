// SPDX-License-Identifier: GPL-2.0
/*
 * NAT bindings against a real conntrack table: port classes and explicit
 * ranges, clashes that force another port, null bindings that move a
 * clashing source port, the kernel's multi-address choice, reuse of an
 * existing source mapping, DNAT's offset 0, PROTO_OFFSET, TIME_WAIT
 * eviction and the status bits.  Expected values come from nf_nat_core.c
 * (Linux 6.18) or, for addresses, from the kernel itself (nat_vectors.h).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "frames.h"
#include "nat/nat.h"
#include "nat_vectors.h"
#include "pkt/pkt.h"
#include "uptables/uptables.h"

#define NOW 1000000000ull

static struct upt_ct_table *tbl;
static struct upt_nat_srcmap *srcmap;
static uint64_t rng = 0x1234;
static struct upt_nat_env env;
/* Every test runs three times: walking the table, with the by-source index,
 * and with an index so small that its buckets overflow (walk fallback). */
static uint32_t srcmap_size;

static void fresh_table(void)
{
	static const uint64_t key[2] = { 1, 2 };

	if (tbl)
		upt_ct_table_destroy(tbl);
	upt_nat_srcmap_destroy(srcmap);
	tbl = NULL;
	srcmap = NULL;
	CHECK(upt_ct_table_create(1024, key, &tbl) == 0);
	if (srcmap_size)
		CHECK(upt_nat_srcmap_create(srcmap_size, key, &srcmap) == 0);
	env.ct = tbl;
	env.rng = &rng;
	env.srcmap = srcmap;
}

/* First packet of a connection through conntrack: an unconfirmed entry. */
static struct upt_ct *conn(uint8_t proto, const char *src, uint16_t sport, const char *dst,
			   uint16_t dport)
{
	uint8_t buf[FRAME_MAX];
	struct upt_ct_result res;
	struct upt_pdesc d;
	struct frame f;
	size_t n;

	frame_init(&f, proto, src, sport, dst, dport);
	f.tcp_flags = UPT_TCP_SYN;
	f.seq = 1000;
	n = frame_build(&f, buf, sizeof(buf));
	memset(&d, 0, sizeof(d));
	if (upt_pkt_parse_eth(&d, buf, (uint32_t)n) != 0)
		return NULL;
	upt_ct_in(tbl, &d, UPT_HOOK_PRE_ROUTING, 0, NOW, &res);
	return res.is_new ? res.ct : NULL;
}

static struct upt_nat_range snat_to(const char *lo, const char *hi, uint16_t pmin, uint16_t pmax)
{
	struct upt_nat_range r = { .flags = UPT_NAT_RANGE_MAP_IPS };

	r.min_addr = frame_addr(lo);
	r.max_addr = frame_addr(hi);
	if (pmin || pmax) {
		r.flags |= UPT_NAT_RANGE_PROTO_SPECIFIED;
		r.min_port = pmin;
		r.max_port = pmax;
	}
	return r;
}

/* A confirmed connection SNATed to 198.51.100.1, keeping its port when free. */
static struct upt_ct *confirmed_snat(uint8_t proto, const char *src, uint16_t sport,
				     const char *dst, uint16_t dport, uint16_t to_port)
{
	struct upt_nat_range r = snat_to("198.51.100.1", "198.51.100.1", to_port, to_port);
	struct upt_ct *ct = conn(proto, src, sport, dst, dport);

	if (!ct || upt_nat_null_binding(&env, ct, UPT_NAT_MANIP_DST) ||
	    upt_nat_setup(&env, ct, &r, UPT_NAT_MANIP_SRC) || upt_ct_confirm(tbl, ct, NOW))
		return NULL;
	return ct;
}

static const struct upt_tuple *reply(const struct upt_ct *ct)
{
	return &ct->tuple[UPT_CT_DIR_REPLY];
}

/* The REPLY tuple a binding made must be held by nobody else. */
static bool reply_unique(const struct upt_ct *ct)
{
	return !upt_ct_tuple_taken(tbl, reply(ct), ct);
}

static const struct {
	uint16_t sport;
	uint16_t min, max;
} port_classes[] = {
	{ 1, 1, 511 },      { 80, 1, 511 },       { 511, 1, 511 },      { 512, 600, 1023 },
	{ 550, 600, 1023 }, { 700, 600, 1023 },   { 1023, 600, 1023 },  { 1024, 1024, 65535 },
	{ 40000, 1024, 65535 }, { 65535, 1024, 65535 },
};

TEST(snat_clash_picks_port_of_same_class)
{
	fresh_table();
	for (size_t i = 0; i < sizeof(port_classes) / sizeof(port_classes[0]); i++) {
		uint16_t sp = port_classes[i].sport;
		struct upt_nat_range r = snat_to("198.51.100.1", "198.51.100.1", 0, 0);
		struct upt_ct *a, *b;

		/* Another client already holds 198.51.100.1:sp towards the same server. */
		a = confirmed_snat(UPT_IPPROTO_TCP, "192.168.1.3", sp, "203.0.113.5", 80, 0);
		CHECK_MSG(a && reply(a)->dport == sp, "sport %u: first keeps its port", sp);
		b = conn(UPT_IPPROTO_TCP, "192.168.1.2", sp, "203.0.113.5", 80);
		CHECK(b && upt_nat_setup(&env, b, &r, UPT_NAT_MANIP_SRC) == 0);
		if (!b)
			continue;
		CHECK_MSG(reply(b)->dport != sp && reply(b)->dport >= port_classes[i].min &&
				  reply(b)->dport <= port_classes[i].max,
			  "sport %u: got %u, want %u..%u", sp, reply(b)->dport, port_classes[i].min,
			  port_classes[i].max);
		CHECK(reply(b)->dst == frame_addr("198.51.100.1"));
		CHECK(reply_unique(b));
		CHECK(upt_ct_confirm(tbl, b, NOW) == 0);
	}
}

TEST(snat_keeps_free_port_and_sets_status)
{
	struct upt_nat_range r = snat_to("198.51.100.1", "198.51.100.1", 0, 0);
	struct upt_ct *ct;

	fresh_table();
	ct = conn(UPT_IPPROTO_UDP, "192.168.1.2", 40000, "203.0.113.5", 53);
	CHECK(ct && upt_nat_setup(&env, ct, &r, UPT_NAT_MANIP_SRC) == 0);
	CHECK_EQ(reply(ct)->dport, 40000);
	CHECK(reply(ct)->dst == frame_addr("198.51.100.1"));
	CHECK(reply(ct)->src == frame_addr("203.0.113.5"));
	CHECK_EQ(ct->status & (UPT_IPS_NAT_MASK | UPT_IPS_NAT_DONE_MASK),
		 UPT_IPS_SRC_NAT | UPT_IPS_SRC_NAT_DONE);
	CHECK(upt_nat_done(ct, UPT_NAT_MANIP_SRC) && !upt_nat_done(ct, UPT_NAT_MANIP_DST));
	/* A manip is bound once. */
	CHECK_EQ(upt_nat_setup(&env, ct, &r, UPT_NAT_MANIP_SRC), -EEXIST);
	CHECK(upt_ct_confirm(tbl, ct, NOW) == 0);
	/* A confirmed entry is frozen: accepted, nothing changes. */
	CHECK_EQ(upt_nat_null_binding(&env, ct, UPT_NAT_MANIP_DST), 0);
	CHECK(!upt_nat_done(ct, UPT_NAT_MANIP_DST));
}

TEST(explicit_range_moves_out_of_range_port_and_finds_last_free)
{
	struct upt_nat_range r = snat_to("198.51.100.1", "198.51.100.1", 2000, 2010);
	struct upt_ct *ct;
	char src[32];

	fresh_table();
	/* Take 2000..2009 with ten other clients. */
	for (unsigned p = 2000; p <= 2009; p++) {
		snprintf(src, sizeof(src), "192.168.2.%u", p - 1990);
		ct = confirmed_snat(UPT_IPPROTO_UDP, src, 5000, "203.0.113.5", 53, (uint16_t)p);
		CHECK_MSG(ct && reply(ct)->dport == p, "filler %u", p);
	}
	/* 11 candidates <= 128 attempts: the whole range is searched, 2010 is found. */
	ct = conn(UPT_IPPROTO_UDP, "192.168.1.2", 40000, "203.0.113.5", 53);
	CHECK(ct && upt_nat_setup(&env, ct, &r, UPT_NAT_MANIP_SRC) == 0);
	CHECK_EQ(reply(ct)->dport, 2010);
	CHECK(upt_ct_confirm(tbl, ct, NOW) == 0);

	/* Range exhausted: the kernel binds anyway and confirm reports the clash. */
	ct = conn(UPT_IPPROTO_UDP, "192.168.1.9", 40000, "203.0.113.5", 53);
	CHECK(ct && upt_nat_setup(&env, ct, &r, UPT_NAT_MANIP_SRC) == 0);
	CHECK(reply(ct)->dport >= 2000 && reply(ct)->dport <= 2010);
	CHECK_EQ(upt_ct_confirm(tbl, ct, NOW), -EEXIST);
	upt_ct_abort(tbl, ct);
}

TEST(dnat_without_random_searches_from_offset_zero)
{
	struct upt_nat_range r = { .flags = UPT_NAT_RANGE_MAP_IPS | UPT_NAT_RANGE_PROTO_SPECIFIED };
	struct upt_ct *ct;

	fresh_table();
	r.min_addr = r.max_addr = frame_addr("192.168.1.2");
	r.min_port = 8080;
	r.max_port = 8090;
	/* Port 80 is outside 8080-8090: the search starts at min + 0. */
	ct = conn(UPT_IPPROTO_TCP, "203.0.113.9", 5555, "198.51.100.1", 80);
	CHECK(ct && upt_nat_setup(&env, ct, &r, UPT_NAT_MANIP_DST) == 0);
	CHECK_EQ(reply(ct)->sport, 8080);
	CHECK(reply(ct)->src == frame_addr("192.168.1.2"));
	CHECK_EQ(ct->status & UPT_IPS_NAT_MASK, UPT_IPS_DST_NAT);
	CHECK(upt_ct_confirm(tbl, ct, NOW) == 0);

	/* The same client port again (to another public address): 8080 is
	 * taken for it, so the next one. */
	ct = conn(UPT_IPPROTO_TCP, "203.0.113.9", 5555, "198.51.100.7", 80);
	CHECK(ct && upt_nat_setup(&env, ct, &r, UPT_NAT_MANIP_DST) == 0);
	CHECK_EQ(reply(ct)->sport, 8081);
	CHECK(upt_ct_confirm(tbl, ct, NOW) == 0);

	/* A single-port range keeps the port even when it clashes. */
	r.max_port = 8080;
	ct = conn(UPT_IPPROTO_TCP, "203.0.113.9", 5555, "198.51.100.8", 80);
	CHECK(ct && upt_nat_setup(&env, ct, &r, UPT_NAT_MANIP_DST) == 0);
	CHECK_EQ(reply(ct)->sport, 8080);
	CHECK_EQ(upt_ct_confirm(tbl, ct, NOW), -EEXIST);
	upt_ct_abort(tbl, ct);

	/* Without a port range a DNAT never moves the destination port. */
	r.flags = UPT_NAT_RANGE_MAP_IPS;
	ct = conn(UPT_IPPROTO_TCP, "203.0.113.9", 5555, "198.51.100.9", 8080);
	CHECK(ct && upt_nat_setup(&env, ct, &r, UPT_NAT_MANIP_DST) == 0);
	CHECK_EQ(reply(ct)->sport, 8080);
}

TEST(proto_offset_maps_port_by_distance_from_base)
{
	struct upt_nat_range r = { .flags = UPT_NAT_RANGE_MAP_IPS | UPT_NAT_RANGE_PROTO_SPECIFIED |
					    UPT_NAT_RANGE_PROTO_OFFSET };
	struct upt_ct *ct;

	fresh_table();
	r.min_addr = r.max_addr = frame_addr("192.168.1.2");
	r.min_port = 5000;
	r.max_port = 5999;
	r.base_port = 1000;
	/* off = 1234 - 1000; port = 5000 + 234 % 1000, even though 1234 is "in range" of nothing. */
	ct = conn(UPT_IPPROTO_UDP, "203.0.113.9", 5555, "198.51.100.1", 1234);
	CHECK(ct && upt_nat_setup(&env, ct, &r, UPT_NAT_MANIP_DST) == 0);
	CHECK_EQ(reply(ct)->sport, 5234);
	/* off wraps as a 16-bit value: 3100 - 1000 = 2100 -> 5000 + 2100 % 1000. */
	ct = conn(UPT_IPPROTO_UDP, "203.0.113.9", 5556, "198.51.100.1", 3100);
	CHECK(ct && upt_nat_setup(&env, ct, &r, UPT_NAT_MANIP_DST) == 0);
	CHECK_EQ(reply(ct)->sport, 5100);
}

TEST(null_binding_moves_clashing_source_port)
{
	static const uint8_t protos[] = { UPT_IPPROTO_TCP, UPT_IPPROTO_UDP };

	for (size_t i = 0; i < sizeof(protos); i++) {
		struct upt_ct *a, *b;

		fresh_table();
		/* A client's connection SNATed to the gateway's 198.51.100.1:40000 ... */
		a = confirmed_snat(protos[i], "192.168.1.2", 40000, "203.0.113.5", 80, 0);
		CHECK(a && reply(a)->dport == 40000);
		/* ... then the gateway itself uses 40000 towards the same server. */
		b = conn(protos[i], "198.51.100.1", 40000, "203.0.113.5", 80);
		CHECK(b && upt_nat_null_binding(&env, b, UPT_NAT_MANIP_DST) == 0);
		CHECK(b && upt_nat_null_binding(&env, b, UPT_NAT_MANIP_SRC) == 0);
		if (!b)
			continue;
		CHECK_MSG(reply(b)->dport != 40000 && reply(b)->dport >= 1024,
			  "proto %u: port %u", protos[i], reply(b)->dport);
		CHECK(reply(b)->dst == frame_addr("198.51.100.1"));
		CHECK_EQ(b->status & (UPT_IPS_NAT_MASK | UPT_IPS_NAT_DONE_MASK),
			 UPT_IPS_SRC_NAT | UPT_IPS_NAT_DONE_MASK);
		CHECK(reply_unique(b));
		CHECK(upt_ct_confirm(tbl, b, NOW) == 0);
	}
}

TEST(null_binding_without_clash_changes_nothing)
{
	struct upt_ct *ct;
	struct upt_tuple before;

	fresh_table();
	ct = conn(UPT_IPPROTO_TCP, "192.168.1.2", 40000, "203.0.113.5", 80);
	CHECK(ct != NULL);
	if (!ct)
		return;
	before = *reply(ct);
	CHECK(upt_nat_null_binding(&env, ct, UPT_NAT_MANIP_DST) == 0);
	CHECK(upt_nat_null_binding(&env, ct, UPT_NAT_MANIP_SRC) == 0);
	CHECK(upt_tuple_eq(&before, reply(ct)));
	CHECK_EQ(ct->status & (UPT_IPS_NAT_MASK | UPT_IPS_NAT_DONE_MASK), UPT_IPS_NAT_DONE_MASK);
}

/*
 * nf_nat_used_tuple_new: two unconfirmed entries for one UDP flow seen from
 * both ends (the kernel's parallel-CPU case): the second keeps its port and
 * leaves the clash to confirm; TCP does not allow clashes and moves.
 */
TEST(reverse_direction_clash_keeps_udp_port_only)
{
	static const struct {
		uint8_t proto;
		bool keeps;
	} rows[] = { { UPT_IPPROTO_UDP, true }, { UPT_IPPROTO_TCP, false } };

	for (size_t i = 0; i < 2; i++) {
		struct upt_ct *x, *y;

		fresh_table();
		x = conn(rows[i].proto, "10.0.0.1", 1234, "10.0.0.2", 5678);
		y = conn(rows[i].proto, "10.0.0.2", 5678, "10.0.0.1", 1234);
		CHECK(x && y);
		if (!x || !y)
			continue;
		CHECK(upt_nat_null_binding(&env, x, UPT_NAT_MANIP_DST) == 0);
		CHECK(upt_nat_null_binding(&env, x, UPT_NAT_MANIP_SRC) == 0);
		CHECK(upt_ct_confirm(tbl, x, NOW) == 0);
		CHECK(upt_nat_null_binding(&env, y, UPT_NAT_MANIP_DST) == 0);
		CHECK(upt_nat_null_binding(&env, y, UPT_NAT_MANIP_SRC) == 0);
		CHECK_MSG((reply(y)->dport == 5678) == rows[i].keeps, "proto %u: port %u",
			  rows[i].proto, reply(y)->dport);
		CHECK_EQ(!(y->status & UPT_IPS_SRC_NAT), rows[i].keeps);
	}
}

TEST(multi_address_choice_matches_kernel)
{
	fresh_table();
	for (size_t i = 0; i < sizeof(nat_kernel_vectors) / sizeof(nat_kernel_vectors[0]); i++) {
		const struct nat_kernel_vector *v = &nat_kernel_vectors[i];
		bool dnat = strcmp(v->rule, "dnat") == 0;
		const char *lo, *hi;
		struct upt_nat_range r;
		struct upt_ct *ct;
		uint32_t got;

		nat_vector_range(v->rule, &lo, &hi);
		r = snat_to(lo, hi, 0, 0);
		if (strcmp(v->rule, "snat_persistent") == 0)
			r.flags |= UPT_NAT_RANGE_PERSISTENT;
		ct = conn(UPT_IPPROTO_UDP, v->src, 40000, v->dst, 53);
		CHECK(ct && upt_nat_setup(&env, ct, &r,
					  dnat ? UPT_NAT_MANIP_DST : UPT_NAT_MANIP_SRC) == 0);
		if (!ct)
			continue;
		got = dnat ? reply(ct)->src : reply(ct)->dst;
		CHECK_MSG(got == frame_addr(v->chosen), "%s %s -> %s: kernel chose %s", v->rule,
			  v->src, v->dst, v->chosen);
		/* Ports stay: they are free. */
		CHECK(dnat ? reply(ct)->sport == 53 : reply(ct)->dport == 40000);
		upt_ct_abort(tbl, ct);
	}
}

/*
 * Kernel run (nat_kernel_vectors.sh, case snat_reuse): 10.99.1.2:40000 ->
 * 10.99.2.1 got 10.99.3.15; the same source to 10.99.2.77, whose hash
 * alone gives 10.99.3.13, got 10.99.3.15 again (find_appropriate_src).
 */
TEST(same_source_reuses_existing_mapping)
{
	struct upt_nat_range r = snat_to("10.99.3.10", "10.99.3.20", 0, 0);
	struct upt_ct *a, *b;

	fresh_table();
	a = conn(UPT_IPPROTO_UDP, "10.99.1.2", 40000, "10.99.2.1", 53);
	CHECK(a && upt_nat_setup(&env, a, &r, UPT_NAT_MANIP_SRC) == 0);
	CHECK(a && reply(a)->dst == frame_addr("10.99.3.15"));
	CHECK(a && upt_ct_confirm(tbl, a, NOW) == 0);
	b = conn(UPT_IPPROTO_UDP, "10.99.1.2", 40000, "10.99.2.77", 53);
	CHECK(b && upt_nat_setup(&env, b, &r, UPT_NAT_MANIP_SRC) == 0);
	CHECK(b && reply(b)->dst == frame_addr("10.99.3.15"));
	CHECK(b && reply(b)->dport == 40000);

	/* With --random the mapping is not reused: the hash decides (10.99.3.13). */
	upt_ct_abort(tbl, b);
	r.flags |= UPT_NAT_RANGE_PROTO_RANDOM;
	b = conn(UPT_IPPROTO_UDP, "10.99.1.2", 40000, "10.99.2.77", 53);
	CHECK(b && upt_nat_setup(&env, b, &r, UPT_NAT_MANIP_SRC) == 0);
	CHECK(b && reply(b)->dst == frame_addr("10.99.3.13"));
	CHECK(b && reply(b)->dport >= 1024);
}

TEST(random_flags_always_search_within_class)
{
	static const uint32_t flags[] = { UPT_NAT_RANGE_PROTO_RANDOM,
					  UPT_NAT_RANGE_PROTO_RANDOM_FULLY };

	for (size_t i = 0; i < 2; i++) {
		unsigned moved = 0;

		fresh_table();
		for (unsigned k = 0; k < 20; k++) {
			struct upt_nat_range r = snat_to("198.51.100.1", "198.51.100.1", 0, 0);
			struct upt_ct *ct = conn(UPT_IPPROTO_TCP, "192.168.1.2", (uint16_t)(700 + k),
						 "203.0.113.5", 80);

			r.flags |= flags[i];
			CHECK(ct && upt_nat_setup(&env, ct, &r, UPT_NAT_MANIP_SRC) == 0);
			if (!ct)
				continue;
			CHECK(reply(ct)->dport >= 600 && reply(ct)->dport <= 1023);
			moved += reply(ct)->dport != 700 + k;
			CHECK(upt_ct_confirm(tbl, ct, NOW) == 0);
		}
		/* A free original port is not kept on purpose: most move. */
		CHECK_MSG(moved >= 15, "flags %u: only %u of 20 moved", flags[i], moved);
	}
}

TEST(icmp_id_is_the_port)
{
	struct upt_nat_range r = snat_to("198.51.100.1", "198.51.100.1", 100, 100);
	struct upt_ct *ct, *a;

	fresh_table();
	/* Explicit id range 100-100: the id becomes 100. */
	ct = conn(UPT_IPPROTO_ICMP, "192.168.1.2", 7, "203.0.113.5", 1);
	CHECK(ct && upt_nat_setup(&env, ct, &r, UPT_NAT_MANIP_SRC) == 0);
	CHECK(ct && reply(ct)->sport == 100 && reply(ct)->dst == frame_addr("198.51.100.1"));

	/* Default range 0..65535: a taken id moves anywhere else. */
	fresh_table();
	r = snat_to("198.51.100.1", "198.51.100.1", 0, 0);
	a = conn(UPT_IPPROTO_ICMP, "192.168.1.3", 7, "203.0.113.5", 1);
	CHECK(a && upt_nat_setup(&env, a, &r, UPT_NAT_MANIP_SRC) == 0 &&
	      upt_ct_confirm(tbl, a, NOW) == 0);
	CHECK(a && reply(a)->sport == 7);
	ct = conn(UPT_IPPROTO_ICMP, "192.168.1.2", 7, "203.0.113.5", 1);
	CHECK(ct && upt_nat_setup(&env, ct, &r, UPT_NAT_MANIP_SRC) == 0);
	CHECK(ct && reply(ct)->sport != 7 && reply_unique(ct));
}

/*
 * nf_nat_used_tuple_harder: in a round's last 32 candidates a new TCP
 * connection may take the port of a SNATed entry in TIME_WAIT whose
 * sequence numbers it has passed.  2 candidates: all of them are "last".
 */
TEST(time_wait_entry_is_evicted_for_new_syn)
{
	struct upt_nat_range r = snat_to("198.51.100.1", "198.51.100.1", 2000, 2001);
	static const struct {
		uint8_t old_state;
		uint32_t old_end;
		bool evicted;
	} rows[] = {
		{ UPT_TCP_TIME_WAIT, 500, true },     { UPT_TCP_CLOSE, 500, true },
		{ UPT_TCP_ESTABLISHED, 500, false },  { UPT_TCP_TIME_WAIT, 5000, false },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct upt_ct *a, *b, *ct;
		enum upt_ct_dir dir;

		fresh_table();
		a = confirmed_snat(UPT_IPPROTO_TCP, "192.168.1.3", 3000, "203.0.113.5", 80, 2000);
		b = confirmed_snat(UPT_IPPROTO_TCP, "192.168.1.4", 3000, "203.0.113.5", 80, 2001);
		CHECK(a && b);
		if (!a || !b)
			continue;
		a->proto.tcp.state = rows[i].old_state;
		a->proto.tcp.seen[0].td_end = rows[i].old_end;
		b->proto.tcp.state = UPT_TCP_ESTABLISHED;
		ct = conn(UPT_IPPROTO_TCP, "192.168.1.2", 3000, "203.0.113.5", 80);
		CHECK(ct != NULL);
		if (!ct)
			continue;
		/* The SYN's state and end, as the tracker leaves them. */
		ct->proto.tcp.state = UPT_TCP_SYN_SENT;
		ct->proto.tcp.seen[0].td_end = 1001;
		CHECK(upt_nat_setup(&env, ct, &r, UPT_NAT_MANIP_SRC) == 0);
		CHECK_MSG((upt_ct_find(tbl, &a->tuple[UPT_CT_DIR_REPLY], &dir) == NULL) ==
				  rows[i].evicted,
			  "row %zu: eviction", i);
		if (rows[i].evicted)
			CHECK_MSG(reply(ct)->dport == 2000 && upt_ct_confirm(tbl, ct, NOW) == 0,
				  "row %zu: port %u", i, reply(ct)->dport);
		else
			CHECK_EQ(upt_ct_confirm(tbl, ct, NOW), -EEXIST);
	}
}

/*
 * A port already inside a single-port range is taken as it is, without a
 * search (get_unique_tuple step 3), so nothing is evicted either.
 */
TEST(single_port_range_never_evicts)
{
	struct upt_nat_range r = snat_to("198.51.100.1", "198.51.100.1", 2000, 2000);
	struct upt_ct *a, *ct;
	enum upt_ct_dir dir;

	fresh_table();
	a = confirmed_snat(UPT_IPPROTO_TCP, "192.168.1.3", 3000, "203.0.113.5", 80, 2000);
	ct = conn(UPT_IPPROTO_TCP, "192.168.1.2", 2000, "203.0.113.5", 80);
	CHECK(a && ct);
	if (!a || !ct)
		return;
	a->proto.tcp.state = UPT_TCP_TIME_WAIT;
	a->proto.tcp.seen[0].td_end = 500;
	ct->proto.tcp.state = UPT_TCP_SYN_SENT;
	ct->proto.tcp.seen[0].td_end = 1001;
	CHECK(upt_nat_setup(&env, ct, &r, UPT_NAT_MANIP_SRC) == 0);
	CHECK_EQ(reply(ct)->dport, 2000);
	CHECK(upt_ct_find(tbl, &a->tuple[UPT_CT_DIR_REPLY], &dir) == a);
	CHECK_EQ(upt_ct_confirm(tbl, ct, NOW), -EEXIST);
}

TEST(dnat_then_snat_compose)
{
	struct upt_nat_range d = snat_to("192.168.1.2", "192.168.1.2", 8080, 8080);
	struct upt_nat_range s = snat_to("192.168.1.1", "192.168.1.1", 0, 0);
	struct upt_ct *ct;
	char buf[128];

	fresh_table();
	ct = conn(UPT_IPPROTO_TCP, "203.0.113.9", 5555, "198.51.100.1", 80);
	CHECK(ct && upt_nat_setup(&env, ct, &d, UPT_NAT_MANIP_DST) == 0);
	CHECK(ct && upt_nat_setup(&env, ct, &s, UPT_NAT_MANIP_SRC) == 0);
	if (!ct)
		return;
	CHECK(reply(ct)->src == frame_addr("192.168.1.2") && reply(ct)->sport == 8080);
	CHECK(reply(ct)->dst == frame_addr("192.168.1.1") && reply(ct)->dport == 5555);
	CHECK_EQ(ct->status & UPT_IPS_NAT_MASK, UPT_IPS_NAT_MASK);
	upt_nat_format(ct, buf, sizeof(buf));
	CHECK_STR(buf, "DNAT 198.51.100.1:80 -> 192.168.1.2:8080, SNAT 203.0.113.9:5555 -> "
		       "192.168.1.1:5555");
}

TEST(format_texts)
{
	static const struct {
		uint8_t proto;
		const char *src, *dst;
		uint16_t sport, dport;
		bool dnat;
		const char *to;
		uint16_t to_port;
		const char *want;
	} rows[] = {
		{ UPT_IPPROTO_TCP, "198.51.100.2", "198.51.100.1", 40000, 80, true, "192.168.1.2",
		  8080, "DNAT 198.51.100.1:80 -> 192.168.1.2:8080" },
		{ UPT_IPPROTO_UDP, "192.168.1.2", "203.0.113.5", 40000, 53, false, "198.51.100.1",
		  40000, "SNAT 192.168.1.2:40000 -> 198.51.100.1:40000" },
		{ UPT_IPPROTO_ICMP, "192.168.1.2", "203.0.113.5", 7, 1, false, "198.51.100.1", 9,
		  "SNAT 192.168.1.2 id 7 -> 198.51.100.1 id 9" },
	};
	char buf[128];

	fresh_table();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct upt_nat_range r = snat_to(rows[i].to, rows[i].to, rows[i].to_port,
						 rows[i].to_port);
		struct upt_ct *ct = conn(rows[i].proto, rows[i].src, rows[i].sport, rows[i].dst,
					 rows[i].dport);

		CHECK(ct && upt_nat_setup(&env, ct, &r,
					  rows[i].dnat ? UPT_NAT_MANIP_DST : UPT_NAT_MANIP_SRC) == 0);
		if (!ct)
			continue;
		CHECK_EQ(upt_nat_format(ct, buf, sizeof(buf)), (int)strlen(rows[i].want));
		CHECK_STR(buf, rows[i].want);
		upt_ct_abort(tbl, ct);
	}
	/* No NAT, and truncation reports the full length like snprintf. */
	{
		struct upt_ct *ct = conn(UPT_IPPROTO_TCP, "192.168.1.2", 1, "203.0.113.5", 2);

		CHECK(ct && upt_nat_format(ct, buf, sizeof(buf)) == 4);
		CHECK_STR(buf, "none");
	}
	CHECK_EQ(upt_nat_format(NULL, buf, 3), 4);
	CHECK_STR(buf, "no");
}

TEST(bad_arguments_are_rejected)
{
	struct upt_nat_range r = snat_to("198.51.100.9", "198.51.100.1", 0, 0);
	struct upt_nat_env no_rng = { .ct = NULL, .rng = NULL };
	struct upt_ct *ct;

	fresh_table();
	no_rng.ct = tbl;
	ct = conn(UPT_IPPROTO_TCP, "192.168.1.2", 40000, "203.0.113.5", 80);
	CHECK(ct != NULL);
	CHECK_EQ(upt_nat_setup(&env, ct, &r, UPT_NAT_MANIP_SRC), -EINVAL); /* min > max */
	r = snat_to("198.51.100.1", "198.51.100.1", 0, 0);
	r.flags |= 1u << 7;
	CHECK_EQ(upt_nat_setup(&env, ct, &r, UPT_NAT_MANIP_SRC), -EINVAL); /* unknown flag */
	r.flags &= ~(1u << 7);
	CHECK_EQ(upt_nat_setup(&no_rng, ct, &r, UPT_NAT_MANIP_SRC), -EINVAL);
	CHECK_EQ(upt_nat_setup(&env, ct, &r, (enum upt_nat_manip)2), -EINVAL);
	CHECK(ct && !upt_nat_done(ct, UPT_NAT_MANIP_SRC));
}

/* Many sources, one of them seen again: its mapping must be found in every mode. */
TEST(reuse_found_among_many_sources)
{
	struct upt_nat_range r = snat_to("10.99.3.10", "10.99.3.20", 0, 0);
	struct upt_ct *a = NULL, *b;
	char src[32];

	fresh_table();
	for (unsigned i = 1; i <= 200; i++) {
		struct upt_ct *ct;

		snprintf(src, sizeof(src), "10.98.%u.%u", i / 250, i % 250 + 1);
		ct = conn(UPT_IPPROTO_UDP, i == 100 ? "10.99.1.2" : src, 40000, "10.99.2.1", 53);
		CHECK(ct && upt_nat_setup(&env, ct, &r, UPT_NAT_MANIP_SRC) == 0 &&
		      upt_ct_confirm(tbl, ct, NOW) == 0);
		if (i == 100)
			a = ct;
	}
	CHECK(a && reply(a)->dst == frame_addr("10.99.3.15"));
	b = conn(UPT_IPPROTO_UDP, "10.99.1.2", 40000, "10.99.2.77", 53);
	CHECK(b && upt_nat_setup(&env, b, &r, UPT_NAT_MANIP_SRC) == 0);
	CHECK(b && reply(b)->dst == frame_addr("10.99.3.15"));
}

int main(void)
{
	static const uint32_t sizes[] = { 0, 1024, 1 };

	for (size_t mode = 0; mode < 3; mode++) {
		srcmap_size = sizes[mode];

		RUN(snat_clash_picks_port_of_same_class);
		RUN(snat_keeps_free_port_and_sets_status);
		RUN(explicit_range_moves_out_of_range_port_and_finds_last_free);
		RUN(dnat_without_random_searches_from_offset_zero);
		RUN(proto_offset_maps_port_by_distance_from_base);
		RUN(null_binding_moves_clashing_source_port);
		RUN(null_binding_without_clash_changes_nothing);
		RUN(reverse_direction_clash_keeps_udp_port_only);
		RUN(multi_address_choice_matches_kernel);
		RUN(same_source_reuses_existing_mapping);
		RUN(random_flags_always_search_within_class);
		RUN(icmp_id_is_the_port);
		RUN(time_wait_entry_is_evicted_for_new_syn);
		RUN(single_port_range_never_evicts);
		RUN(dnat_then_snat_compose);
		RUN(format_texts);
		RUN(bad_arguments_are_rejected);
		RUN(reuse_found_among_many_sources);
	}
	if (tbl)
		upt_ct_table_destroy(tbl);
	upt_nat_srcmap_destroy(srcmap);
	return check_report("test_nat_binding");
}

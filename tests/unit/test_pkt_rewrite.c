/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rewriters.  The oracle is a frame built from scratch with the new values
 * by the test frame builder, whose naive checksum code shares nothing with
 * the library: after a rewrite the bytes must be identical to it, and the
 * checksums must verify from scratch.  Which checksums a rewrite touches and
 * when it refuses follow the kernel's nf_nat_proto.c.
 */
#include "check.h"
#include "frames.h"

#include <stdlib.h>

#include "pkt/pkt.h"

static uint8_t got[FRAME_MAX], want[FRAME_MAX], orig[FRAME_MAX];

static uint32_t rnd_state = 0x12345678u;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static uint16_t rnd16(void)
{
	switch (rnd() % 5) {
	case 0:
		return 0;
	case 1:
		return 0xffff;
	default:
		return (uint16_t)rnd();
	}
}

static uint32_t rnd32(void)
{
	return (uint32_t)rnd16() << 16 | rnd16();
}

static const uint8_t payload[] = "GET / HTTP/1.0\r\n\r\n";

/* A random packet of the given protocol, fields chosen to hit the corners. */
static void random_frame(struct frame *f, uint8_t proto)
{
	frame_init(f, proto, "10.0.0.1", 0, "10.0.0.2", 0);
	f->saddr = rnd32();
	f->daddr = rnd32();
	f->sport = rnd16();
	f->dport = rnd16();
	f->ttl = (uint8_t)rnd();
	f->tos = (uint8_t)rnd();
	f->ip_id = rnd16();
	f->df = rnd() & 1;
	f->vlan = (rnd() % 4) == 0;
	f->seq = rnd32();
	f->ack = rnd32();
	f->tcp_flags = (uint8_t)rnd();
	f->win = rnd16();
	f->mss = (rnd() & 1) ? 1460 : 0;
	f->icmp_type = (rnd() & 1) ? UPT_ICMP_ECHO : UPT_ICMP_ECHOREPLY;
	f->icmp_id = rnd16();
	/* Never an all-zero ICMP message: there equation 3 gives 0x0000 where a
	 * recomputation gives 0xffff (the kernel's csum_replace does the same). */
	f->icmp_seq = rnd16() | 1;
	f->payload = payload;
	f->payload_len = rnd() % sizeof(payload);
}

static size_t build(const struct frame *f, uint8_t *b)
{
	size_t n = frame_build(f, b, FRAME_MAX);

	if (!n)
		CHECK_MSG(0, "frame_build failed");
	return n;
}

/* Parse `got`, which holds a frame of length n. */
static bool parse(struct upt_pdesc *d, size_t n)
{
	return upt_pkt_parse_eth(d, got, (uint32_t)n) == 0;
}

static bool same(size_t n, size_t m)
{
	return n == m && memcmp(got, want, n) == 0;
}

static void dump_diff(const char *what, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (got[i] != want[i]) {
			fprintf(stderr, "  %s: first difference at byte %zu: got %02x want %02x\n",
				what, i, got[i], want[i]);
			return;
		}
}

enum field { F_SADDR, F_DADDR, F_SPORT, F_DPORT, F_ICMP_ID, F_TTL, F_TOS };

struct rw_case {
	const char *name;
	uint8_t proto;
	enum field field;
	bool udp_no_csum; /* UDP sent without checksum */
};

static const struct rw_case rw_cases[] = {
	{"tcp source address", UPT_IPPROTO_TCP, F_SADDR, false},
	{"tcp destination address", UPT_IPPROTO_TCP, F_DADDR, false},
	{"tcp source port", UPT_IPPROTO_TCP, F_SPORT, false},
	{"tcp destination port", UPT_IPPROTO_TCP, F_DPORT, false},
	{"tcp ttl", UPT_IPPROTO_TCP, F_TTL, false},
	{"tcp tos", UPT_IPPROTO_TCP, F_TOS, false},
	{"udp source address", UPT_IPPROTO_UDP, F_SADDR, false},
	{"udp destination address", UPT_IPPROTO_UDP, F_DADDR, false},
	{"udp source port", UPT_IPPROTO_UDP, F_SPORT, false},
	{"udp destination port", UPT_IPPROTO_UDP, F_DPORT, false},
	{"udp without checksum: source address", UPT_IPPROTO_UDP, F_SADDR, true},
	{"udp without checksum: destination port", UPT_IPPROTO_UDP, F_DPORT, true},
	{"icmp echo source address", UPT_IPPROTO_ICMP, F_SADDR, false},
	{"icmp echo destination address", UPT_IPPROTO_ICMP, F_DADDR, false},
	{"icmp echo identifier", UPT_IPPROTO_ICMP, F_ICMP_ID, false},
	{"icmp ttl", UPT_IPPROTO_ICMP, F_TTL, false},
	{"other protocol address", 47, F_DADDR, false},
};

static void zero_udp_csum(uint8_t *b, const struct frame *f)
{
	size_t l4 = frame_l3_off(f) + 20;

	b[l4 + 6] = b[l4 + 7] = 0;
}

/* Apply one rewrite to the descriptor and the same change to the spec. */
static bool apply(struct upt_pdesc *d, struct frame *f, enum field field)
{
	uint32_t v = rnd32();

	switch (field) {
	case F_SADDR:
		f->saddr = v;
		return upt_pdesc_set_saddr(d, v) && d->saddr == v;
	case F_DADDR:
		f->daddr = v;
		return upt_pdesc_set_daddr(d, v) && d->daddr == v;
	case F_SPORT:
		f->sport = (uint16_t)v;
		return upt_pdesc_set_sport(d, (uint16_t)v) && d->sport == (uint16_t)v;
	case F_DPORT:
		f->dport = (uint16_t)v;
		return upt_pdesc_set_dport(d, (uint16_t)v) && d->dport == (uint16_t)v;
	case F_ICMP_ID:
		f->icmp_id = (uint16_t)v;
		return upt_pdesc_set_icmp_id(d, (uint16_t)v) && d->icmp_id == (uint16_t)v;
	case F_TTL:
		f->ttl = (uint8_t)v;
		upt_pdesc_set_ttl(d, (uint8_t)v);
		return d->ttl == (uint8_t)v;
	case F_TOS:
		f->tos = (uint8_t)v;
		upt_pdesc_set_tos(d, (uint8_t)v);
		return d->tos == (uint8_t)v;
	}
	return false;
}

TEST(each_rewriter_equals_a_frame_built_with_the_new_value)
{
	size_t i;
	int iter;

	for (i = 0; i < sizeof(rw_cases) / sizeof(rw_cases[0]); i++) {
		const struct rw_case *c = &rw_cases[i];
		int bad = 0;

		for (iter = 0; iter < 3000; iter++) {
			struct frame f;
			struct upt_pdesc d;
			size_t n, m;

			random_frame(&f, c->proto);
			n = build(&f, got);
			if (c->udp_no_csum)
				zero_udp_csum(got, &f);
			if (!parse(&d, n)) {
				bad++;
				continue;
			}
			if (!apply(&d, &f, c->field)) {
				bad++;
				continue;
			}
			m = build(&f, want);
			if (c->udp_no_csum)
				zero_udp_csum(want, &f);
			if (!same(n, m) || !frame_ip_csum_ok(got + d.l2_len) ||
			    !frame_l4_csum_ok(got + d.l2_len)) {
				if (bad++ < 3)
					dump_diff(c->name, n);
			}
		}
		CHECK_MSG(bad == 0, "%s: %d of 3000 rewrites differ from a fresh build", c->name,
			  bad);
	}
}

TEST(several_rewrites_in_a_row_stay_exact)
{
	static const enum field tcp_fields[] = {F_SADDR, F_DADDR, F_SPORT, F_DPORT, F_TTL, F_TOS};
	int iter, k, bad = 0;

	for (iter = 0; iter < 5000; iter++) {
		struct frame f;
		struct upt_pdesc d;
		uint8_t proto = (rnd() & 1) ? UPT_IPPROTO_TCP : UPT_IPPROTO_UDP;
		size_t n;

		random_frame(&f, proto);
		n = build(&f, got);
		if (!parse(&d, n))
			continue;
		for (k = 0; k < 6; k++)
			apply(&d, &f, tcp_fields[rnd() % 6]);
		if (!same(n, build(&f, want)))
			bad++;
	}
	CHECK_EQ(bad, 0);
}

/*
 * RFC 768: a computed UDP checksum of 0 is sent as 0xffff.  Find the source
 * port that makes this packet's checksum compute to 0 (the builder then
 * stores 0xffff) and reach it by rewriting: the rewrite must store 0xffff.
 */
TEST(udp_checksum_that_becomes_zero_is_written_ffff)
{
	struct frame f;
	struct upt_pdesc d;
	uint32_t p;
	size_t n;
	int found = 0;

	frame_init(&f, UPT_IPPROTO_UDP, "192.0.2.1", 1, "192.0.2.2", 53);
	for (p = 0; p <= 0xffff && !found; p++) {
		f.sport = (uint16_t)p;
		n = build(&f, want);
		if (want[14 + 20 + 6] == 0xff && want[14 + 20 + 7] == 0xff)
			found = 1;
	}
	CHECK(found);
	f.sport = (uint16_t)(f.sport + 1);
	n = build(&f, got);
	CHECK(parse(&d, n));
	CHECK(upt_pdesc_set_sport(&d, (uint16_t)(f.sport - 1)));
	CHECK_EQ(got[14 + 20 + 6] << 8 | got[14 + 20 + 7], 0xffff);
	CHECK(memcmp(got, want, n) == 0);
}

TEST(udp_without_checksum_keeps_zero)
{
	struct frame f;
	struct upt_pdesc d;
	size_t n;

	frame_init(&f, UPT_IPPROTO_UDP, "192.0.2.1", 1000, "192.0.2.2", 53);
	n = build(&f, got);
	zero_udp_csum(got, &f);
	CHECK(parse(&d, n));
	CHECK(upt_pkt_l4_csum_ok(&d));
	CHECK(upt_pdesc_set_saddr(&d, 0x0a000001));
	CHECK(upt_pdesc_set_sport(&d, 4000));
	CHECK_EQ(got[34 + 6] | got[34 + 7], 0);
	CHECK(upt_pkt_ip_csum_ok(&d));
}

TEST(later_fragment_gets_addresses_but_no_ports)
{
	struct frame f;
	struct upt_pdesc d;
	size_t n;

	frame_init(&f, 200, "10.0.0.1", 0, "10.0.0.2", 0);
	f.frag_offset = 100;
	f.payload = payload;
	f.payload_len = 16;
	n = build(&f, got);
	got[14 + 9] = UPT_IPPROTO_UDP;
	got[14 + 10] = got[14 + 11] = 0;
	{
		uint16_t c = frame_ref_csum(got + 14, 20, 0);

		got[14 + 10] = (uint8_t)(c >> 8);
		got[14 + 11] = (uint8_t)c;
	}
	memcpy(orig, got, n);
	CHECK(parse(&d, n));
	CHECK(!upt_pdesc_set_sport(&d, 1));
	CHECK(!upt_pdesc_set_dport(&d, 1));
	CHECK(memcmp(got, orig, n) == 0);
	CHECK(upt_pdesc_set_saddr(&d, 0xc0000201));
	CHECK(frame_ip_csum_ok(got + 14));
	/* The payload (which is not a UDP header) is untouched. */
	CHECK(memcmp(got + 34, orig + 34, n - 34) == 0);
}

TEST(truncated_transport_refuses_and_changes_nothing)
{
	struct frame f;
	struct upt_pdesc d;
	size_t n;

	/* 7 bytes of TCP: the kernel's tcp_manip_pkt cannot even reach the ports. */
	frame_init(&f, UPT_IPPROTO_TCP, "10.0.0.1", 1000, "10.0.0.2", 80);
	n = build(&f, got);
	got[16] = 0;
	got[17] = 27;
	got[24] = got[25] = 0;
	{
		uint16_t c = frame_ref_csum(got + 14, 20, 0);

		got[24] = (uint8_t)(c >> 8);
		got[25] = (uint8_t)c;
	}
	memcpy(orig, got, n);
	CHECK(parse(&d, n));
	CHECK(!d.l4_ok);
	CHECK(!upt_pdesc_set_saddr(&d, 1));
	CHECK(!upt_pdesc_set_daddr(&d, 1));
	CHECK(!upt_pdesc_set_sport(&d, 1));
	CHECK(memcmp(got, orig, n) == 0);
	CHECK_EQ(d.saddr, frame_addr("10.0.0.1"));
}

TEST(icmp_identifier_only_for_query_types)
{
	struct frame of, f;
	struct upt_pdesc d;
	size_t n;

	frame_init(&of, UPT_IPPROTO_UDP, "10.0.0.1", 1000, "10.0.0.2", 53);
	build(&of, orig);
	frame_icmp_error(&f, "10.0.0.2", "10.0.0.1", UPT_ICMP_DEST_UNREACH, 3, &of, orig, SIZE_MAX);
	n = build(&f, got);
	memcpy(want, got, n);
	CHECK(parse(&d, n));
	CHECK(!upt_pdesc_set_icmp_id(&d, 77));
	CHECK(!upt_pdesc_set_sport(&d, 77));
	CHECK(memcmp(got, want, n) == 0);
}

TEST(not_ipv4_is_refused)
{
	static const uint8_t mac[6] = {2, 0, 0, 0, 0, 9}, zero[6];
	struct upt_pdesc d;
	size_t n = frame_build_arp(got, sizeof(got), 1, mac, 1, zero, 2, NULL);

	memcpy(orig, got, n);
	CHECK(parse(&d, n));
	CHECK(!upt_pdesc_set_saddr(&d, 5));
	CHECK(!upt_pdesc_set_dport(&d, 5));
	upt_pdesc_set_ttl(&d, 1);
	CHECK(memcmp(got, orig, n) == 0);
}

TEST(fill_checksums_from_scratch)
{
	static const uint8_t protos[] = {UPT_IPPROTO_TCP, UPT_IPPROTO_UDP, UPT_IPPROTO_ICMP};
	size_t i;

	for (i = 0; i < 3; i++) {
		struct frame f;
		struct upt_pdesc d;
		size_t n, l3, l4;

		random_frame(&f, protos[i]);
		n = build(&f, want);
		memcpy(got, want, n);
		CHECK(parse(&d, n));
		l3 = d.l2_len;
		l4 = d.l4_off;
		got[l3 + 10] ^= 0x5a;
		got[l4 + (protos[i] == UPT_IPPROTO_TCP ? 16 : protos[i] == UPT_IPPROTO_UDP ? 6 : 2)] ^=
			0xa5;
		CHECK(!upt_pkt_ip_csum_ok(&d));
		CHECK(!upt_pkt_l4_csum_ok(&d));
		upt_pkt_fill_ip_csum(&d);
		upt_pkt_fill_l4_csum(&d);
		CHECK(upt_pkt_ip_csum_ok(&d));
		CHECK(upt_pkt_l4_csum_ok(&d));
		CHECK_MSG(memcmp(got, want, n) == 0, "proto %u", protos[i]);
	}
}

TEST(corrupt_payload_fails_l4_checksum)
{
	static const uint8_t protos[] = {UPT_IPPROTO_TCP, UPT_IPPROTO_UDP, UPT_IPPROTO_ICMP};
	size_t i;

	for (i = 0; i < 3; i++) {
		struct frame f;
		struct upt_pdesc d;
		size_t n;

		frame_init(&f, protos[i], "10.0.0.1", 1, "10.0.0.2", 2);
		f.payload = payload;
		f.payload_len = 10;
		n = build(&f, got);
		CHECK(parse(&d, n));
		CHECK(upt_pkt_l4_csum_ok(&d));
		got[n - 1] ^= 0x01;
		CHECK_MSG(!upt_pkt_l4_csum_ok(&d), "proto %u", protos[i]);
		CHECK(upt_pkt_ip_csum_ok(&d));
	}
}

TEST(set_eth_writes_both_macs)
{
	static const uint8_t dst[6] = {1, 2, 3, 4, 5, 6}, src[6] = {7, 8, 9, 10, 11, 12};
	struct frame f;
	struct upt_pdesc d;
	size_t n;

	frame_init(&f, UPT_IPPROTO_UDP, "10.0.0.1", 1, "10.0.0.2", 2);
	f.vlan = true;
	n = build(&f, got);
	CHECK(parse(&d, n));
	upt_pkt_set_eth(&d, dst, src);
	memcpy(f.dst_mac, dst, 6);
	memcpy(f.src_mac, src, 6);
	CHECK(same(n, build(&f, want)));
}

/* ------------------------------------------------------------------ */
/* ICMP errors: inner rewrites against an error quoting a fresh packet. */

struct inner_case {
	const char *name;
	uint8_t proto;
	size_t quote_l4; /* transport bytes quoted */
	bool udp_no_csum;
};

static const struct inner_case inner_cases[] = {
	{"udp quoted whole", UPT_IPPROTO_UDP, SIZE_MAX, false},
	{"udp quoted 8 bytes", UPT_IPPROTO_UDP, 8, false},
	{"udp without checksum", UPT_IPPROTO_UDP, SIZE_MAX, true},
	{"tcp quoted whole", UPT_IPPROTO_TCP, SIZE_MAX, false},
	{"tcp quoted 8 bytes: checksum not quoted", UPT_IPPROTO_TCP, 8, false},
	{"tcp quoted 12 bytes: checksum not quoted", UPT_IPPROTO_TCP, 12, false},
	{"tcp quoted 20 bytes: checksum quoted, payload not", UPT_IPPROTO_TCP, 20, false},
	{"icmp echo quoted", UPT_IPPROTO_ICMP, SIZE_MAX, false},
};

/* The error (in `b`) a router 192.0.2.254 sends about the packet `of`. */
static size_t error_about(const struct frame *of, const struct inner_case *c, uint8_t *b,
			  uint32_t outer_dst)
{
	struct frame f;
	static uint8_t qbuf[2][FRAME_MAX];
	uint8_t *q = qbuf[b == got ? 0 : 1];

	build(of, q);
	if (c->udp_no_csum)
		zero_udp_csum(q, of);
	frame_icmp_error(&f, "192.0.2.254", "10.0.0.1", UPT_ICMP_DEST_UNREACH, 3, of, q,
			 c->quote_l4);
	f.daddr = outer_dst;
	return build(&f, b);
}

TEST(inner_rewrite_equals_an_error_about_the_rewritten_packet)
{
	size_t i;
	int iter;

	for (i = 0; i < sizeof(inner_cases) / sizeof(inner_cases[0]); i++) {
		const struct inner_case *c = &inner_cases[i];
		int bad = 0;

		for (iter = 0; iter < 2000; iter++) {
			struct frame of;
			struct upt_pdesc d;
			uint32_t a = rnd32(), outer = rnd32();
			uint16_t p = rnd16();
			int which = (int)(rnd() & 1);
			size_t n, m;
			bool ok;

			random_frame(&of, c->proto);
			of.vlan = false;
			of.icmp_type = UPT_ICMP_ECHO;
			n = error_about(&of, c, got, frame_addr("10.0.0.1"));
			if (!parse(&d, n) || !d.inner.ok) {
				bad++;
				continue;
			}
			/* What NAT does to an error about a DNATed reply: inner
			 * address and port, then the outer destination. */
			ok = upt_pdesc_set_inner_addr(&d, which, a);
			if (which)
				of.daddr = a;
			else
				of.saddr = a;
			if (c->proto == UPT_IPPROTO_ICMP) {
				ok = ok && upt_pdesc_set_inner_port(&d, 0, p);
				of.icmp_id = p;
				ok = ok && d.inner.sport == p;
			} else {
				ok = ok && upt_pdesc_set_inner_port(&d, which, p);
				if (which)
					of.dport = p;
				else
					of.sport = p;
			}
			ok = ok && upt_pdesc_set_daddr(&d, outer);
			m = error_about(&of, c, want, outer);
			if (!ok || !same(n, m) || !frame_ip_csum_ok(got + 14) ||
			    !frame_l4_csum_ok(got + 14) || !frame_ip_csum_ok(got + d.inner.l3_off)) {
				if (bad++ < 3)
					dump_diff(c->name, n);
			}
		}
		CHECK_MSG(bad == 0, "%s: %d of 2000 differ", c->name, bad);
	}
}

/*
 * The quoted UDP checksum follows RFC 768 as well: find the quoted source
 * address (then port) that makes the quoted checksum compute to 0, stored
 * as 0xffff, and reach it by rewriting the inner header.
 */
TEST(inner_udp_checksum_that_becomes_zero_is_written_ffff)
{
	static const struct inner_case whole = {"udp", UPT_IPPROTO_UDP, SIZE_MAX, false};
	size_t qoff = 14 + 20 + 8 + 20 + 6; /* quoted UDP checksum in the error frame */
	int which;

	for (which = 0; which < 2; which++) {
		struct frame of;
		struct upt_pdesc d;
		uint32_t v;
		size_t n = 0;
		bool found = false;

		frame_init(&of, UPT_IPPROTO_UDP, "10.0.0.1", 5353, "10.0.0.2", 53);
		for (v = 0; v <= 0xffff && !found; v++) {
			if (which)
				of.sport = (uint16_t)v;
			else
				of.saddr = 0x0a000000 | v;
			n = error_about(&of, &whole, want, frame_addr("10.0.0.1"));
			found = want[qoff] == 0xff && want[qoff + 1] == 0xff;
		}
		CHECK(found);
		if (which)
			of.sport = (uint16_t)(of.sport + 1);
		else
			of.saddr += 1;
		n = error_about(&of, &whole, got, frame_addr("10.0.0.1"));
		CHECK(parse(&d, n));
		if (which)
			CHECK(upt_pdesc_set_inner_port(&d, 0, (uint16_t)(of.sport - 1)));
		else
			CHECK(upt_pdesc_set_inner_addr(&d, 0, of.saddr - 1));
		CHECK_MSG(got[qoff] == 0xff && got[qoff + 1] == 0xff, "which %d: %02x%02x", which,
			  got[qoff], got[qoff + 1]);
		CHECK(memcmp(got, want, n) == 0);
	}
}

TEST(inner_rewrite_refusals)
{
	struct frame of, f;
	struct upt_pdesc d;
	size_t n;

	/* Not an error. */
	frame_init(&f, UPT_IPPROTO_ICMP, "10.0.0.1", 1, "10.0.0.2", 1);
	n = build(&f, got);
	CHECK(parse(&d, n));
	CHECK(!upt_pdesc_set_inner_addr(&d, 0, 1));
	CHECK(!upt_pdesc_set_inner_port(&d, 0, 1));

	/* Quoted echo: the type/code half of the tuple cannot be rewritten. */
	frame_init(&of, UPT_IPPROTO_ICMP, "10.0.0.1", 5, "10.0.0.2", 1);
	build(&of, orig);
	frame_icmp_error(&f, "10.0.0.2", "10.0.0.1", UPT_ICMP_TIME_EXCEEDED, 0, &of, orig,
			 SIZE_MAX);
	n = build(&f, got);
	CHECK(parse(&d, n));
	CHECK(!upt_pdesc_set_inner_port(&d, 1, 1));
	CHECK(!upt_pdesc_set_inner_addr(&d, 2, 1));

	/* Only 4 transport bytes quoted: the kernel's manip needs 8. */
	frame_init(&of, UPT_IPPROTO_UDP, "10.0.0.1", 5, "10.0.0.2", 1);
	build(&of, orig);
	frame_icmp_error(&f, "10.0.0.2", "10.0.0.1", UPT_ICMP_DEST_UNREACH, 3, &of, orig, 4);
	n = build(&f, got);
	memcpy(want, got, n);
	CHECK(parse(&d, n));
	CHECK(d.inner.ok && !d.inner.ports_ok);
	CHECK(!upt_pdesc_set_inner_addr(&d, 0, 1));
	CHECK(!upt_pdesc_set_inner_port(&d, 0, 1));
	CHECK(memcmp(got, want, n) == 0);
}

/* ------------------------------------------------------------------ */

struct sum_case {
	const char *want;
	size_t (*build)(void);
};

static size_t s_syn(void)
{
	struct frame f;

	frame_init(&f, UPT_IPPROTO_TCP, "198.51.100.2", 40000, "198.51.100.1", 80);
	f.tcp_flags = UPT_TCP_SYN;
	f.seq = 1;
	f.mss = 1460;
	f.sack_perm = true;
	f.has_wscale = true;
	f.wscale = 7;
	f.payload_len = 0;
	/* 20 + 20 + 12 bytes of options + 8 more bytes of (zero) payload = 60 */
	f.payload = (const uint8_t *)"\0\0\0\0\0\0\0\0";
	f.payload_len = 8;
	return build(&f, got);
}

static size_t s_synack(void)
{
	struct frame f;

	frame_init(&f, UPT_IPPROTO_TCP, "198.51.100.1", 80, "198.51.100.2", 40000);
	f.tcp_flags = UPT_TCP_SYN | UPT_TCP_ACK;
	f.seq = 1000;
	f.ack = 2;
	return build(&f, got);
}

static size_t s_finpshack(void)
{
	struct frame f;

	frame_init(&f, UPT_IPPROTO_TCP, "10.0.0.1", 1, "10.0.0.2", 2);
	f.tcp_flags = UPT_TCP_FIN | UPT_TCP_PSH | UPT_TCP_ACK;
	f.seq = 5;
	f.ack = 6;
	f.vlan = true;
	f.vlan_tci = 0x2064;
	return build(&f, got);
}

static size_t s_udp(void)
{
	struct frame f;

	frame_init(&f, UPT_IPPROTO_UDP, "10.0.0.1", 5353, "10.0.0.2", 53);
	f.payload = payload;
	f.payload_len = 12;
	return build(&f, got);
}

static size_t s_echo(void)
{
	struct frame f;

	frame_init(&f, UPT_IPPROTO_ICMP, "10.0.0.1", 7, "10.0.0.2", 1);
	f.payload = orig;
	f.payload_len = 56;
	return build(&f, got);
}

static size_t s_unreach(void)
{
	struct frame of, f;

	frame_init(&of, UPT_IPPROTO_UDP, "10.0.0.1", 5353, "10.0.0.2", 53);
	build(&of, orig);
	frame_icmp_error(&f, "10.0.0.2", "10.0.0.1", UPT_ICMP_DEST_UNREACH, 3, &of, orig, SIZE_MAX);
	return build(&f, got);
}

static size_t s_arp(void)
{
	static const uint8_t mac[6] = {2, 0, 0, 0, 0, 2}, zero[6];

	return frame_build_arp(got, sizeof(got), 1, mac, frame_addr("198.51.100.2"), zero,
			       frame_addr("198.51.100.1"), NULL);
}

static size_t s_arp_reply(void)
{
	static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1}, mac2[6] = {2, 0, 0, 0, 0, 2};

	return frame_build_arp(got, sizeof(got), 2, mac, frame_addr("198.51.100.1"), mac2,
			       frame_addr("198.51.100.2"), mac2);
}

static size_t s_frag(void)
{
	struct frame f;

	frame_init(&f, 200, "10.0.0.1", 0, "10.0.0.2", 0);
	f.frag_offset = 185;
	f.ip_id = 42;
	f.payload = payload;
	f.payload_len = 8;
	return build(&f, got);
}

static const struct sum_case sum_cases[] = {
	{"tcp 198.51.100.2:40000 > 198.51.100.1:80 [S] seq 1 len 60", s_syn},
	{"tcp 198.51.100.1:80 > 198.51.100.2:40000 [S.] seq 1000 ack 2 len 40", s_synack},
	{"vlan 100 tcp 10.0.0.1:1 > 10.0.0.2:2 [FP.] seq 5 ack 6 len 40", s_finpshack},
	{"udp 10.0.0.1:5353 > 10.0.0.2:53 len 40", s_udp},
	{"icmp 10.0.0.1 > 10.0.0.2 echo-request id 7 seq 1 len 84", s_echo},
	{"icmp 10.0.0.2 > 10.0.0.1 port-unreachable [udp 10.0.0.1:5353 > 10.0.0.2:53] len 56",
	 s_unreach},
	{"arp who-has 198.51.100.1 tell 198.51.100.2", s_arp},
	{"arp reply 198.51.100.1 is-at 02:00:00:00:00:01", s_arp_reply},
	{"proto 200 10.0.0.1 > 10.0.0.2 frag id 42 off 1480 len 28", s_frag},
};

TEST(summary_lines)
{
	size_t i;

	for (i = 0; i < sizeof(sum_cases) / sizeof(sum_cases[0]); i++) {
		struct upt_pdesc d;
		char line[160];
		size_t n = sum_cases[i].build();
		int r;

		CHECK(parse(&d, n));
		r = upt_pkt_summary(&d, line, sizeof(line));
		CHECK_STR(line, sum_cases[i].want);
		CHECK_EQ(r, (int)strlen(sum_cases[i].want));
	}
}

TEST(summary_truncates_and_reports_full_length)
{
	struct upt_pdesc d;
	char line[10];
	int r;

	CHECK(parse(&d, s_udp()));
	r = upt_pkt_summary(&d, line, sizeof(line));
	CHECK_STR(line, "udp 10.0.");
	CHECK_EQ(r, (int)strlen("udp 10.0.0.1:5353 > 10.0.0.2:53 len 40"));
}

TEST(ip_str_formats_host_order)
{
	char b[16];

	CHECK_STR(upt_ip_str(0xc6336401, b), "198.51.100.1");
	CHECK_STR(upt_ip_str(0xffffffff, b), "255.255.255.255");
	CHECK_STR(upt_ip_str(0, b), "0.0.0.0");
}

int main(void)
{
	RUN(each_rewriter_equals_a_frame_built_with_the_new_value);
	RUN(several_rewrites_in_a_row_stay_exact);
	RUN(udp_checksum_that_becomes_zero_is_written_ffff);
	RUN(udp_without_checksum_keeps_zero);
	RUN(later_fragment_gets_addresses_but_no_ports);
	RUN(truncated_transport_refuses_and_changes_nothing);
	RUN(icmp_identifier_only_for_query_types);
	RUN(not_ipv4_is_refused);
	RUN(fill_checksums_from_scratch);
	RUN(corrupt_payload_fails_l4_checksum);
	RUN(set_eth_writes_both_macs);
	RUN(inner_rewrite_equals_an_error_about_the_rewritten_packet);
	RUN(inner_udp_checksum_that_becomes_zero_is_written_ffff);
	RUN(inner_rewrite_refusals);
	RUN(summary_lines);
	RUN(summary_truncates_and_reports_full_length);
	RUN(ip_str_formats_host_order);
	return check_report("test_pkt_rewrite");
}

// SPDX-License-Identifier: GPL-2.0
/*
 * UDP, ICMP and generic conntrack, and the packet checks in front of them.
 * Expected values follow the kernel's nf_conntrack_proto_udp.c,
 * nf_conntrack_proto_icmp.c, nf_conntrack_proto_generic.c and
 * nf_conntrack_inet_error() in nf_conntrack_core.c; the UDP 30 s
 * unreplied/replied values and the ICMP 30 s were also seen on the 6.18
 * kernel's /proc/net/nf_conntrack (29 s left right after the packets), and
 * the ICMP, GRE and UDP-Lite cases were replayed on it by
 * tests/kernel/ct_proto_rows.sh.
 */
#include <stdio.h>

#include "check.h"
#include "ct_pkts.h"

#define A "192.0.2.1"
#define B "198.51.100.2"
#define R "203.0.113.9" /* a router on the path */

static struct upt_ct_result udp(struct upt_ct_table *t, bool reply, uint64_t now)
{
	struct tpkt p;

	if (reply)
		tpkt_udp(&p, B, 53, A, 40000);
	else
		tpkt_udp(&p, A, 40000, B, 53);
	return ct_run(t, &p, now);
}

TEST(udp_unreplied_replied_stream)
{
	static const struct {
		bool reply;
		uint64_t at; /* seconds */
		uint8_t ctinfo;
		uint32_t timeout;
		bool assured, seen_reply;
	} steps[] = {
	    {false, 10, UPT_CTINFO_NEW, 30, false, false},
	    {false, 11, UPT_CTINFO_NEW, 30, false, false},
	    {true, 11, UPT_CTINFO_ESTABLISHED_REPLY, 30, false, true},
	    /* Both ways but within 2 s of creation: still 30 s, not assured. */
	    {false, 12, UPT_CTINFO_ESTABLISHED, 30, false, true},
	    /* More than 2 s after creation: a stream. */
	    {true, 13, UPT_CTINFO_ESTABLISHED_REPLY, 120, true, true},
	    {false, 50, UPT_CTINFO_ESTABLISHED, 120, true, true},
	};
	struct upt_ct_table *t = ct_new_table(8);

	for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		uint64_t now = steps[i].at * SEC;
		struct upt_ct_result r = udp(t, steps[i].reply, now);

		CHECK_MSG(r.ct != NULL, "step %u: no entry", i);
		if (!r.ct)
			continue;
		CHECK_MSG(r.ctinfo == steps[i].ctinfo, "step %u: ctinfo %s", i,
			  upt_ctinfo_str(r.ctinfo));
		CHECK_MSG(upt_ct_timeout_left(r.ct, now) == steps[i].timeout, "step %u: timeout %u",
			  i, upt_ct_timeout_left(r.ct, now));
		CHECK_MSG(!!(r.ct->status & UPT_IPS_ASSURED) == steps[i].assured,
			  "step %u: assured", i);
		CHECK_MSG(!!(r.ct->status & UPT_IPS_SEEN_REPLY) == steps[i].seen_reply,
			  "step %u: seen_reply", i);
		CHECK_EQ(r.is_new, i == 0);
		CHECK_EQ(r.dir, steps[i].reply ? UPT_CT_DIR_REPLY : UPT_CT_DIR_ORIGINAL);
	}
	CHECK_EQ(upt_ct_count(t), 1);
	upt_ct_table_destroy(t);
}

TEST(udp_header_checks)
{
	struct upt_ct_table *t = ct_new_table(8);
	struct upt_ct_result r;
	struct tpkt p;

	/* Bad checksum: INVALID at PREROUTING, fine from local output. */
	tpkt_udp(&p, A, 1, B, 2);
	p.buf[14 + 20 + 6] ^= 0x11;
	r = ct_run(t, &p, SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_INVALID);
	CHECK(r.ct == NULL);
	upt_ct_in(t, &p.d, UPT_HOOK_LOCAL_OUT, 0, SEC, &r);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_NEW);
	if (r.ct)
		upt_ct_abort(t, r.ct);

	/* Checksum 0: the sender computed none; valid. */
	tpkt_udp(&p, A, 3, B, 4);
	p.buf[14 + 20 + 6] = 0;
	p.buf[14 + 20 + 7] = 0;
	r = ct_run(t, &p, SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_NEW);

	/* Length field larger than the datagram, or below 8: malformed. */
	tpkt_udp(&p, A, 5, B, 6);
	p.buf[14 + 20 + 6] = p.buf[14 + 20 + 7] = 0; /* no checksum to fix up */
	p.buf[14 + 20 + 5] = 200;
	r = ct_run(t, &p, SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_INVALID);
	p.buf[14 + 20 + 5] = 7;
	r = ct_run(t, &p, SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_INVALID);
	CHECK_EQ(upt_ct_count(t), 1);
	CHECK_EQ(upt_ct_get_stats(t)->invalid, 3);
	upt_ct_table_destroy(t);
}

static struct upt_ct_result icmp(struct upt_ct_table *t, const char *src, const char *dst,
				 uint8_t type, uint16_t id, uint64_t now)
{
	struct tpkt p;

	tpkt_icmp(&p, src, dst, type, id);
	return ct_run(t, &p, now);
}

TEST(icmp_queries_and_replies)
{
	static const struct {
		const char *src, *dst;
		uint8_t type;
		uint16_t id;
		uint8_t ctinfo;
	} rows[] = {
	    {A, B, UPT_ICMP_ECHO, 7, UPT_CTINFO_NEW},
	    {A, B, UPT_ICMP_ECHO, 7, UPT_CTINFO_NEW}, /* second request, no reply yet */
	    {B, A, UPT_ICMP_ECHOREPLY, 7, UPT_CTINFO_ESTABLISHED_REPLY},
	    {A, B, UPT_ICMP_ECHO, 7, UPT_CTINFO_ESTABLISHED},
	    {B, A, UPT_ICMP_ECHOREPLY, 8, UPT_CTINFO_INVALID}, /* other id: unsolicited */
	    {A, B, UPT_ICMP_TIMESTAMP, 9, UPT_CTINFO_NEW},
	    {B, A, UPT_ICMP_TIMESTAMPREPLY, 9, UPT_CTINFO_ESTABLISHED_REPLY},
	    {A, B, UPT_ICMP_INFO_REQUEST, 10, UPT_CTINFO_NEW},
	    {A, B, UPT_ICMP_ADDRESS, 11, UPT_CTINFO_NEW},
	    {A, B, 9, 0, UPT_CTINFO_INVALID},  /* router advertisement: no connection */
	    {A, B, 10, 0, UPT_CTINFO_INVALID}, /* router solicitation */
	    {A, B, 19, 0, UPT_CTINFO_INVALID}, /* above NR_ICMP_TYPES */
	};
	struct upt_ct_table *t = ct_new_table(16);

	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct upt_ct_result r =
		    icmp(t, rows[i].src, rows[i].dst, rows[i].type, rows[i].id, SEC);

		CHECK_MSG(r.ctinfo == rows[i].ctinfo, "row %u: ctinfo %s", i,
			  upt_ctinfo_str(r.ctinfo));
		if (r.ct)
			CHECK_MSG(upt_ct_timeout_left(r.ct, SEC) == 30, "row %u: timeout", i);
	}
	CHECK_EQ(upt_ct_count(t), 4);
	upt_ct_table_destroy(t);
}

/* An ICMP error from `from` to `to` quoting the UDP packet A:40000 -> B:53. */
static struct upt_ct_result udp_error(struct upt_ct_table *t, const char *from, const char *to,
				      bool quote_reply, size_t quote_l4, uint64_t now)
{
	struct frame of, f;
	uint8_t orig[FRAME_MAX];
	struct tpkt p;

	if (quote_reply)
		frame_init(&of, UPT_IPPROTO_UDP, B, 53, A, 40000);
	else
		frame_init(&of, UPT_IPPROTO_UDP, A, 40000, B, 53);
	frame_build(&of, orig, sizeof(orig));
	frame_icmp_error(&f, from, to, UPT_ICMP_DEST_UNREACH, 3, &of, orig, quote_l4);
	tpkt_build(&p, &f);
	return ct_run(t, &p, now);
}

TEST(icmp_errors_are_related_to_the_quoted_connection)
{
	struct upt_ct_table *t = ct_new_table(8);
	struct upt_ct_result conn, r;
	uint32_t before;

	/* No connection yet: an error about it is INVALID and creates nothing. */
	r = udp_error(t, B, A, false, SIZE_MAX, SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_INVALID);
	CHECK_EQ(upt_ct_count(t), 0);

	conn = udp(t, false, SEC);
	CHECK(conn.ct != NULL);
	before = conn.ct ? upt_ct_timeout_left(conn.ct, 5 * SEC) : 0;

	/* Port unreachable from the server, back to the client: reply direction. */
	r = udp_error(t, B, A, false, SIZE_MAX, 5 * SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_RELATED_REPLY);
	CHECK(r.ct == conn.ct);
	CHECK_EQ(r.dir, UPT_CT_DIR_REPLY);
	CHECK(!r.is_new);
	/* From a router on the path (TTL exceeded and the like): same. */
	r = udp_error(t, R, A, false, SIZE_MAX, 5 * SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_RELATED_REPLY);
	/* Quoting a reply packet, sent towards the server: original direction. */
	r = udp_error(t, A, B, true, SIZE_MAX, 5 * SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_RELATED);
	CHECK_EQ(r.dir, UPT_CT_DIR_ORIGINAL);
	/* Addressed to someone other than the quoted packet's source: INVALID. */
	r = udp_error(t, B, R, false, SIZE_MAX, 5 * SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_INVALID);
	CHECK(r.ct == NULL);
	/* The quoted ports are all the kernel needs (4 bytes; kernel-verified),
	 * fewer than that is INVALID. */
	r = udp_error(t, B, A, false, 4, 5 * SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_RELATED_REPLY);
	r = udp_error(t, B, A, false, 3, 5 * SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_INVALID);
	/* Errors neither create entries nor refresh the connection. */
	CHECK_EQ(upt_ct_count(t), 1);
	if (conn.ct)
		CHECK_EQ(upt_ct_timeout_left(conn.ct, 5 * SEC), before);
	upt_ct_table_destroy(t);
}

TEST(icmp_error_about_a_ping_is_related)
{
	struct upt_ct_table *t = ct_new_table(8);
	struct frame of, f;
	uint8_t orig[FRAME_MAX];
	struct upt_ct_result conn, r;
	struct tpkt p;

	conn = icmp(t, A, B, UPT_ICMP_ECHO, 99, SEC);
	CHECK(conn.ct != NULL);
	frame_init(&of, UPT_IPPROTO_ICMP, A, 99, B, 1);
	frame_build(&of, orig, sizeof(orig));
	frame_icmp_error(&f, R, A, UPT_ICMP_TIME_EXCEEDED, 0, &of, orig, SIZE_MAX);
	tpkt_build(&p, &f);
	r = ct_run(t, &p, 2 * SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_RELATED_REPLY);
	CHECK(r.ct == conn.ct);

	/* Bad ICMP checksum at PREROUTING: INVALID before anything else. */
	tpkt_build(&p, &f);
	p.buf[14 + 20 + 2] ^= 0x40;
	r = ct_run(t, &p, 2 * SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_INVALID);
	upt_ct_table_destroy(t);
}

TEST(icmp_error_about_tcp_connection)
{
	struct upt_ct_table *t = ct_new_table(8);
	struct frame of, f;
	uint8_t orig[FRAME_MAX];
	struct upt_ct_result conn, r;
	struct tpkt p;

	frame_init(&of, UPT_IPPROTO_TCP, A, 40000, B, 443);
	of.tcp_flags = UPT_TCP_SYN;
	of.seq = 1;
	frame_build(&of, orig, sizeof(orig));
	tpkt_build(&p, &of);
	conn = ct_run(t, &p, SEC);
	CHECK(conn.ct != NULL);
	/* RFC 792's minimum quote (IP header + 8 bytes) is enough. */
	frame_icmp_error(&f, B, A, UPT_ICMP_DEST_UNREACH, 13, &of, orig, 8);
	tpkt_build(&p, &f);
	r = ct_run(t, &p, SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_RELATED_REPLY);
	CHECK(r.ct == conn.ct);
	/* The error does not touch the TCP state. */
	if (conn.ct)
		CHECK_EQ(conn.ct->proto.tcp.state, UPT_TCP_SYN_SENT);
	upt_ct_table_destroy(t);
}

TEST(generic_protocols_get_600s_and_never_assured)
{
	struct upt_ct_table *t = ct_new_table(8);
	struct frame f;
	struct tpkt p;
	struct upt_ct_result r;

	frame_init(&f, 99, A, 0, B, 0);
	tpkt_build(&p, &f);
	r = ct_run(t, &p, SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_NEW);
	CHECK(r.ct && upt_ct_timeout_left(r.ct, SEC) == 600);
	frame_init(&f, 99, B, 0, A, 0);
	tpkt_build(&p, &f);
	r = ct_run(t, &p, 100 * SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_ESTABLISHED_REPLY);
	frame_init(&f, 99, A, 0, B, 0);
	tpkt_build(&p, &f);
	r = ct_run(t, &p, 200 * SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_ESTABLISHED);
	CHECK(r.ct && !(r.ct->status & UPT_IPS_ASSURED));
	CHECK(r.ct && upt_ct_timeout_left(r.ct, 200 * SEC) == 600);
	CHECK_EQ(upt_ct_count(t), 1);
	upt_ct_table_destroy(t);
}

static struct upt_ct_result gre(struct upt_ct_table *t, const char *src, const char *dst,
				const uint8_t *hdr, size_t len, uint64_t now)
{
	struct frame f;
	struct tpkt p;

	frame_init(&f, 47, src, 0, dst, 0);
	f.payload = hdr;
	f.payload_len = len;
	tpkt_build(&p, &f);
	return ct_run(t, &p, now);
}

/* Plain GRE: keys 0, 30 s until replied, then 180 s and ASSURED. */
TEST(gre_unreplied_then_stream)
{
	static const uint8_t v0[4] = {0x00, 0x00, 0x08, 0x00}; /* no flags, IPv4 inside */
	static const struct {
		bool reply;
		uint64_t at;
		uint8_t ctinfo;
		uint32_t timeout;
		bool assured;
	} steps[] = {
	    {false, 1, UPT_CTINFO_NEW, 30, false},
	    {true, 2, UPT_CTINFO_ESTABLISHED_REPLY, 30, false},
	    {false, 2, UPT_CTINFO_ESTABLISHED, 180, true}, /* no 2 s rule, unlike UDP */
	};
	struct upt_ct_table *t = ct_new_table(8);

	for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct upt_ct_result r = gre(t, steps[i].reply ? B : A, steps[i].reply ? A : B, v0,
					     sizeof(v0), steps[i].at * SEC);

		CHECK_MSG(r.ctinfo == steps[i].ctinfo, "step %u: %s", i, upt_ctinfo_str(r.ctinfo));
		if (!r.ct)
			continue;
		CHECK_EQ(upt_ct_timeout_left(r.ct, steps[i].at * SEC), steps[i].timeout);
		CHECK_EQ(!!(r.ct->status & UPT_IPS_ASSURED), steps[i].assured);
		CHECK_EQ(r.ct->tuple[0].sport, 0);
		CHECK_EQ(r.ct->tuple[0].dport, 0);
	}
	CHECK_EQ(upt_ct_count(t), 1);
	upt_ct_table_destroy(t);
}

/* PPTP's GRE v1: the call ID is the destination key; without the PPTP
 * helper nothing maps the peer's call ID, so its packets are another entry. */
TEST(gre_pptp_call_id_is_the_destination_key)
{
	/* K bit + version 1, protocol PPP, payload length 0, call id */
	static const uint8_t a_to_b[8] = {0x20, 0x01, 0x88, 0x0b, 0x00, 0x00, 0x12, 0x34};
	static const uint8_t b_to_a[8] = {0x20, 0x01, 0x88, 0x0b, 0x00, 0x00, 0x56, 0x78};
	static const uint8_t not_ppp[8] = {0x20, 0x01, 0x08, 0x00, 0x00, 0x00, 0x12, 0x34};
	struct upt_ct_table *t = ct_new_table(8);
	struct upt_ct_result r;
	char line[256];

	r = gre(t, A, B, a_to_b, sizeof(a_to_b), SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_NEW);
	CHECK(r.ct && r.ct->tuple[0].dport == 0x1234 && r.ct->tuple[0].sport == 0);
	if (r.ct) {
		upt_ct_format_proc(r.ct, SEC, line, sizeof(line));
		CHECK_STR(line,
			  "ipv4     2 gre      47 30 timeout=30, stream_timeout=180 "
			  "src=192.0.2.1 dst=198.51.100.2 srckey=0x0 dstkey=0x1234 [UNREPLIED] "
			  "src=198.51.100.2 dst=192.0.2.1 srckey=0x1234 dstkey=0x0 mark=0 "
			  "zone=0 use=2");
	}
	r = gre(t, B, A, b_to_a, sizeof(b_to_a), SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_NEW);
	CHECK_EQ(upt_ct_count(t), 2);
	/* Version 1 must carry PPP; anything else is not tracked. */
	r = gre(t, A, B, not_ppp, sizeof(not_ppp), SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_INVALID);
	/* Too short for the call ID: keys 0, like generic. */
	r = gre(t, A, B, a_to_b, 4, SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_NEW);
	CHECK(r.ct && r.ct->tuple[0].dport == 0);
	upt_ct_table_destroy(t);
}

/*
 * A UDP-Lite datagram: 8-byte header and 8 bytes of data, checksum over
 * `cscov` bytes (0: all), computed by frames.h's naive reference sum with
 * protocol `pproto` in the pseudo-header: 17 is what the kernel checks
 * against, 136 is RFC 3828's.
 */
static void udplite_p(struct tpkt *p, const char *src, uint16_t sport, const char *dst,
		      uint16_t dport, uint16_t cscov, bool good_csum, uint8_t pproto)
{
	uint8_t seg[16] = {(uint8_t)(sport >> 8),
			   (uint8_t)sport,
			   (uint8_t)(dport >> 8),
			   (uint8_t)dport,
			   (uint8_t)(cscov >> 8),
			   (uint8_t)cscov,
			   0,
			   0,
			   1,
			   2,
			   3,
			   4,
			   5,
			   6,
			   7,
			   8};
	uint32_t s = frame_addr(src), d = frame_addr(dst);
	uint64_t pseudo =
	    (s >> 16) + (s & 0xffff) + (d >> 16) + (d & 0xffff) + pproto + sizeof(seg);
	size_t cov = cscov && cscov < sizeof(seg) ? cscov : sizeof(seg);
	uint16_t c = frame_ref_csum(seg, cov, pseudo);
	struct frame f;

	if (!good_csum)
		c ^= 0x0101;
	seg[6] = (uint8_t)(c >> 8);
	seg[7] = (uint8_t)c;
	frame_init(&f, 136, src, 0, dst, 0);
	f.payload = seg;
	f.payload_len = sizeof(seg);
	tpkt_build(p, &f);
}

static void udplite(struct tpkt *p, const char *src, uint16_t sport, const char *dst,
		    uint16_t dport, uint16_t cscov, bool good_csum)
{
	udplite_p(p, src, sport, dst, dport, cscov, good_csum, UPT_IPPROTO_UDP);
}

/* UDP-Lite (RFC 3828) as the kernel's udplite tracker: ports in the tuple,
 * mandatory checksum over the coverage, 120 s and ASSURED once replied. */
TEST(udplite_tracked_with_ports)
{
	struct upt_ct_table *t = ct_new_table(8);
	struct upt_ct_result r;
	struct tpkt p;
	char line[256];

	udplite(&p, A, 1111, B, 2222, 0, true);
	r = ct_run(t, &p, SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_NEW);
	if (r.ct) {
		upt_ct_format_proc(r.ct, SEC, line, sizeof(line));
		CHECK_STR(line,
			  "ipv4     2 udplite  136 30 src=192.0.2.1 dst=198.51.100.2 sport=1111 "
			  "dport=2222 [UNREPLIED] src=198.51.100.2 dst=192.0.2.1 sport=2222 "
			  "dport=1111 mark=0 zone=0 use=2");
	}
	udplite(&p, B, 2222, A, 1111, 8, true); /* coverage: the header only */
	r = ct_run(t, &p, SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_ESTABLISHED_REPLY);
	CHECK(r.ct && upt_ct_timeout_left(r.ct, SEC) == 30);
	udplite(&p, A, 1111, B, 2222, 0, true);
	r = ct_run(t, &p, SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_ESTABLISHED);
	CHECK(r.ct && upt_ct_timeout_left(r.ct, SEC) == 120);
	CHECK(r.ct && (r.ct->status & UPT_IPS_ASSURED));

	/* Broken ones: bad checksum, no checksum, coverage 1..7 or too large. */
	udplite(&p, A, 3, B, 4, 0, false);
	CHECK_EQ(ct_run(t, &p, SEC).ctinfo, UPT_CTINFO_INVALID);
	udplite(&p, A, 3, B, 4, 0, true);
	p.buf[34 + 6] = p.buf[34 + 7] = 0;
	CHECK_EQ(ct_run(t, &p, SEC).ctinfo, UPT_CTINFO_INVALID);
	udplite(&p, A, 3, B, 4, 7, true);
	CHECK_EQ(ct_run(t, &p, SEC).ctinfo, UPT_CTINFO_INVALID);
	udplite(&p, A, 3, B, 4, 17, true);
	CHECK_EQ(ct_run(t, &p, SEC).ctinfo, UPT_CTINFO_INVALID);
	/* Summed as RFC 3828 says (protocol 136): INVALID on the kernel. */
	udplite_p(&p, A, 3, B, 4, 0, true, 136);
	CHECK_EQ(ct_run(t, &p, SEC).ctinfo, UPT_CTINFO_INVALID);
	/* Bad checksum from local output: not checked. */
	udplite(&p, A, 3, B, 4, 0, false);
	upt_ct_in(t, &p.d, UPT_HOOK_LOCAL_OUT, 0, SEC, &r);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_NEW);
	if (r.ct)
		upt_ct_abort(t, r.ct);
	CHECK_EQ(upt_ct_count(t), 1);
	upt_ct_table_destroy(t);
}

TEST(zones_separate_connections)
{
	struct upt_ct_table *t = ct_new_table(8);
	struct tpkt p;
	struct upt_ct_result r0, r1;

	tpkt_udp(&p, A, 1, B, 2);
	upt_ct_in(t, &p.d, UPT_HOOK_PRE_ROUTING, 0, SEC, &r0);
	upt_ct_confirm(t, r0.ct, SEC);
	upt_ct_in(t, &p.d, UPT_HOOK_PRE_ROUTING, 1, SEC, &r1);
	CHECK(r1.is_new);
	CHECK(r1.ct != r0.ct);
	CHECK_EQ(upt_ct_confirm(t, r1.ct, SEC), 0);
	CHECK_EQ(upt_ct_count(t), 2);
	upt_ct_table_destroy(t);
}

/*
 * A connection whose two tuples are equal (a host talking to its own port,
 * or a generic protocol to itself): after the first packet the kernel
 * classifies every packet as a reply (seen on 6.18: the second packet of
 * proto 99 127.0.0.1 -> 127.0.0.1 and of udp 127.0.0.1:5005 -> 5005 matched
 * "--ctstate ESTABLISHED --ctdir REPLY" and cleared [UNREPLIED]).
 */
TEST(self_inverse_tuple_later_packets_are_replies)
{
	struct upt_ct_table *t = ct_new_table(8);
	struct upt_ct_result r;
	struct frame f;
	struct tpkt p;

	frame_init(&f, 99, "127.0.0.1", 0, "127.0.0.1", 0);
	tpkt_build(&p, &f);
	r = ct_run(t, &p, SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_NEW);
	r = ct_run(t, &p, 2 * SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_ESTABLISHED_REPLY);
	CHECK(r.ct && (r.ct->status & UPT_IPS_SEEN_REPLY));

	tpkt_udp(&p, "127.0.0.1", 5005, "127.0.0.1", 5005);
	r = ct_run(t, &p, SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_NEW);
	r = ct_run(t, &p, 2 * SEC);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_ESTABLISHED_REPLY);
	CHECK_EQ(upt_ct_count(t), 2);
	upt_ct_table_destroy(t);
}

int main(void)
{
	RUN(udp_unreplied_replied_stream);
	RUN(udp_header_checks);
	RUN(icmp_queries_and_replies);
	RUN(icmp_errors_are_related_to_the_quoted_connection);
	RUN(icmp_error_about_a_ping_is_related);
	RUN(icmp_error_about_tcp_connection);
	RUN(generic_protocols_get_600s_and_never_assured);
	RUN(gre_unreplied_then_stream);
	RUN(gre_pptp_call_id_is_the_destination_key);
	RUN(udplite_tracked_with_ports);
	RUN(zones_separate_connections);
	RUN(self_inverse_tuple_later_packets_are_replies);
	return check_report("test_ct_proto");
}

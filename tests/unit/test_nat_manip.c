// SPDX-License-Identifier: GPL-2.0
/*
 * Packet rewrite from an entry's bindings (upt_nat_packet) and ICMP error
 * translation (upt_nat_icmp_reply_translation).
 *
 * Every expectation is a whole frame built independently with frames.h
 * (whose checksums come from a naive reference implementation): the NAT
 * output must equal, byte for byte, the frame a sender would have built
 * with the translated addresses and ports.  Which packets change, and into
 * what, follows nf_nat_packet / nf_nat_icmp_reply_translation: the
 * target is the inverse of the other direction's tuple, SRC hooks change
 * sources, DST hooks destinations, and replies undo the other manip.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "frames.h"
#include "nat/nat.h"
#include "pkt/pkt.h"

static struct upt_tuple tup(uint8_t proto, const char *src, uint16_t sport, const char *dst,
			    uint16_t dport)
{
	struct upt_tuple t;

	memset(&t, 0, sizeof(t));
	t.proto = proto;
	t.src = frame_addr(src);
	t.dst = frame_addr(dst);
	t.sport = sport;
	t.dport = dport;
	return t;
}

/* An entry as a binding leaves it: ORIGINAL as the client sent, REPLY as the server answers. */
static void entry(struct upt_ct *ct, struct upt_tuple orig, struct upt_tuple reply,
		  uint32_t nat_bits)
{
	memset(ct, 0, sizeof(*ct));
	ct->tuple[UPT_CT_DIR_ORIGINAL] = orig;
	ct->tuple[UPT_CT_DIR_REPLY] = reply;
	ct->status = UPT_IPS_CONFIRMED | UPT_IPS_NAT_DONE_MASK | nat_bits;
}

/* SNAT: 192.168.1.2:40000 -> 203.0.113.5:80 leaves as 198.51.100.1:61000. */
static void snat_entry(struct upt_ct *ct, uint8_t proto)
{
	entry(ct, tup(proto, "192.168.1.2", 40000, "203.0.113.5", 80),
	      tup(proto, "203.0.113.5", 80, "198.51.100.1", 61000), UPT_IPS_SRC_NAT);
}

/* DNAT: 203.0.113.9:5555 -> 198.51.100.1:80 goes to 192.168.1.2:8080. */
static void dnat_entry(struct upt_ct *ct, uint8_t proto)
{
	entry(ct, tup(proto, "203.0.113.9", 5555, "198.51.100.1", 80),
	      tup(proto, "192.168.1.2", 8080, "203.0.113.9", 5555), UPT_IPS_DST_NAT);
}

/* ICMP echo with SNAT and id 7 -> 9 (ICMP tuples: sport = id, dport = type << 8). */
static void ping_entry(struct upt_ct *ct)
{
	entry(ct, tup(UPT_IPPROTO_ICMP, "192.168.1.2", 7, "203.0.113.5", UPT_ICMP_ECHO << 8),
	      tup(UPT_IPPROTO_ICMP, "203.0.113.5", 9, "198.51.100.1", UPT_ICMP_ECHOREPLY << 8),
	      UPT_IPS_SRC_NAT);
}

static const uint8_t payload[] = "uptables nat payload, odd length";

struct pkt_case {
	const char *name;
	void (*mk)(struct upt_ct *ct, uint8_t proto);
	uint8_t proto;
	enum upt_ct_dir dir;
	enum upt_nat_manip manip;
	const char *in_src, *in_dst;
	uint16_t in_sport, in_dport;
	const char *out_src, *out_dst;
	uint16_t out_sport, out_dport;
};

static const struct pkt_case pkt_cases[] = {
	{ "snat_original_at_postrouting_rewrites_source", snat_entry, UPT_IPPROTO_TCP,
	  UPT_CT_DIR_ORIGINAL, UPT_NAT_MANIP_SRC, "192.168.1.2", "203.0.113.5", 40000, 80,
	  "198.51.100.1", "203.0.113.5", 61000, 80 },
	{ "snat_original_at_prerouting_unchanged", snat_entry, UPT_IPPROTO_TCP, UPT_CT_DIR_ORIGINAL,
	  UPT_NAT_MANIP_DST, "192.168.1.2", "203.0.113.5", 40000, 80, "192.168.1.2", "203.0.113.5",
	  40000, 80 },
	{ "snat_reply_at_prerouting_rewrites_destination", snat_entry, UPT_IPPROTO_TCP,
	  UPT_CT_DIR_REPLY, UPT_NAT_MANIP_DST, "203.0.113.5", "198.51.100.1", 80, 61000,
	  "203.0.113.5", "192.168.1.2", 80, 40000 },
	{ "snat_reply_at_postrouting_unchanged", snat_entry, UPT_IPPROTO_TCP, UPT_CT_DIR_REPLY,
	  UPT_NAT_MANIP_SRC, "203.0.113.5", "192.168.1.2", 80, 40000, "203.0.113.5", "192.168.1.2",
	  80, 40000 },
	{ "snat_udp_original", snat_entry, UPT_IPPROTO_UDP, UPT_CT_DIR_ORIGINAL, UPT_NAT_MANIP_SRC,
	  "192.168.1.2", "203.0.113.5", 40000, 80, "198.51.100.1", "203.0.113.5", 61000, 80 },
	{ "dnat_original_at_prerouting_rewrites_destination", dnat_entry, UPT_IPPROTO_UDP,
	  UPT_CT_DIR_ORIGINAL, UPT_NAT_MANIP_DST, "203.0.113.9", "198.51.100.1", 5555, 80,
	  "203.0.113.9", "192.168.1.2", 5555, 8080 },
	{ "dnat_reply_at_postrouting_rewrites_source", dnat_entry, UPT_IPPROTO_UDP,
	  UPT_CT_DIR_REPLY, UPT_NAT_MANIP_SRC, "192.168.1.2", "203.0.113.9", 8080, 5555,
	  "198.51.100.1", "203.0.113.9", 80, 5555 },
	{ "dnat_reply_at_prerouting_unchanged", dnat_entry, UPT_IPPROTO_TCP, UPT_CT_DIR_REPLY,
	  UPT_NAT_MANIP_DST, "192.168.1.2", "203.0.113.9", 8080, 5555, "192.168.1.2", "203.0.113.9",
	  8080, 5555 },
	{ "dnat_tcp_original", dnat_entry, UPT_IPPROTO_TCP, UPT_CT_DIR_ORIGINAL, UPT_NAT_MANIP_DST,
	  "203.0.113.9", "198.51.100.1", 5555, 80, "203.0.113.9", "192.168.1.2", 5555, 8080 },
	{ "portless_protocol_gets_address_only", snat_entry, 47, UPT_CT_DIR_ORIGINAL,
	  UPT_NAT_MANIP_SRC, "192.168.1.2", "203.0.113.5", 0, 0, "198.51.100.1", "203.0.113.5", 0,
	  0 },
};

static size_t build(uint8_t proto, const char *src, uint16_t sport, const char *dst,
		    uint16_t dport, uint8_t *buf, struct frame *f)
{
	frame_init(f, proto, src, sport, dst, dport);
	f->tcp_flags = UPT_TCP_ACK;
	f->seq = 1000;
	f->ack = 2000;
	f->payload = payload;
	f->payload_len = sizeof(payload);
	return frame_build(f, buf, FRAME_MAX);
}

static bool parse(struct upt_pdesc *d, uint8_t *buf, size_t n)
{
	memset(d, 0, sizeof(*d));
	return upt_pkt_parse_eth(d, buf, (uint32_t)n) == 0;
}

TEST(packet_rewrite_both_directions)
{
	for (size_t i = 0; i < sizeof(pkt_cases) / sizeof(pkt_cases[0]); i++) {
		const struct pkt_case *c = &pkt_cases[i];
		struct upt_ct ct;
		struct upt_pdesc d;
		struct frame f;
		uint8_t in[FRAME_MAX], want[FRAME_MAX];
		size_t n, m;

		c->mk(&ct, c->proto);
		/* The entry's tuples carry no ports for a protocol without them. */
		if (c->proto != UPT_IPPROTO_TCP && c->proto != UPT_IPPROTO_UDP)
			for (int k = 0; k < 2; k++)
				ct.tuple[k].sport = ct.tuple[k].dport = 0;
		n = build(c->proto, c->in_src, c->in_sport, c->in_dst, c->in_dport, in, &f);
		m = build(c->proto, c->out_src, c->out_sport, c->out_dst, c->out_dport, want, &f);
		CHECK_MSG(n && n == m && parse(&d, in, n), "%s: frames", c->name);
		CHECK_MSG(upt_nat_packet(&ct, c->dir, c->manip, &d), "%s: refused", c->name);
		CHECK_MSG(memcmp(in, want, n) == 0, "%s: frame differs from the expected one",
			  c->name);
		CHECK_MSG(frame_ip_csum_ok(in + 14) && frame_l4_csum_ok(in + 14), "%s: checksums",
			  c->name);
		/* The descriptor follows the bytes. */
		CHECK_MSG(d.saddr == frame_addr(c->out_src) && d.daddr == frame_addr(c->out_dst),
			  "%s: descriptor addresses", c->name);
	}
}

TEST(udp_without_checksum_keeps_zero)
{
	struct upt_ct ct;
	struct upt_pdesc d;
	struct frame f;
	uint8_t in[FRAME_MAX];
	size_t n;

	snat_entry(&ct, UPT_IPPROTO_UDP);
	n = build(UPT_IPPROTO_UDP, "192.168.1.2", 40000, "203.0.113.5", 80, in, &f);
	in[14 + 20 + 6] = in[14 + 20 + 7] = 0; /* sender sent no checksum */
	CHECK(parse(&d, in, n));
	CHECK(upt_nat_packet(&ct, UPT_CT_DIR_ORIGINAL, UPT_NAT_MANIP_SRC, &d));
	CHECK_EQ(in[14 + 20 + 6] << 8 | in[14 + 20 + 7], 0);
	CHECK_EQ(d.sport, 61000);
	CHECK(frame_ip_csum_ok(in + 14));
}

TEST(icmp_echo_id_follows_the_binding)
{
	struct upt_ct ct;
	struct upt_pdesc d;
	struct frame f;
	uint8_t in[FRAME_MAX], want[FRAME_MAX];
	size_t n;

	ping_entry(&ct);
	/* Request leaving through POSTROUTING: new source and id. */
	n = build(UPT_IPPROTO_ICMP, "192.168.1.2", 7, "203.0.113.5", 1, in, &f);
	build(UPT_IPPROTO_ICMP, "198.51.100.1", 9, "203.0.113.5", 1, want, &f);
	CHECK(parse(&d, in, n));
	CHECK(upt_nat_packet(&ct, UPT_CT_DIR_ORIGINAL, UPT_NAT_MANIP_SRC, &d));
	CHECK(memcmp(in, want, n) == 0);

	/* Reply arriving at PREROUTING: back to the client's address and id. */
	n = build(UPT_IPPROTO_ICMP, "203.0.113.5", 9, "198.51.100.1", 1, in, &f);
	in[14 + 20] = UPT_ICMP_ECHOREPLY;
	in[14 + 20 + 2] = in[14 + 20 + 3] = 0;
	frame_init(&f, UPT_IPPROTO_ICMP, "203.0.113.5", 7, "192.168.1.2", 1);
	f.icmp_type = UPT_ICMP_ECHOREPLY;
	f.payload = payload;
	f.payload_len = sizeof(payload);
	frame_build(&f, want, FRAME_MAX);
	/* fix the hand-edited reply's checksum with the reference before rewriting */
	{
		uint16_t c = frame_ref_csum(in + 34, n - 34, 0);

		in[36] = (uint8_t)(c >> 8);
		in[37] = (uint8_t)c;
	}
	CHECK(parse(&d, in, n));
	CHECK(upt_nat_packet(&ct, UPT_CT_DIR_REPLY, UPT_NAT_MANIP_DST, &d));
	CHECK(memcmp(in, want, n) == 0);
	CHECK(frame_l4_csum_ok(in + 14));
}

TEST(truncated_transport_header_is_refused_untouched)
{
	struct upt_ct ct;
	struct upt_pdesc d;
	struct frame f;
	uint8_t in[FRAME_MAX], copy[FRAME_MAX];
	uint8_t *ip = in + 14;
	uint16_t c;

	snat_entry(&ct, UPT_IPPROTO_TCP);
	build(UPT_IPPROTO_TCP, "192.168.1.2", 40000, "203.0.113.5", 80, in, &f);
	/* Only 4 bytes of TCP: total length 24, header checksum redone. */
	ip[2] = 0;
	ip[3] = 24;
	ip[10] = ip[11] = 0;
	c = frame_ref_csum(ip, 20, 0);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	CHECK(parse(&d, in, 14 + 24));
	memcpy(copy, in, 14 + 24);
	CHECK(!upt_nat_packet(&ct, UPT_CT_DIR_ORIGINAL, UPT_NAT_MANIP_SRC, &d));
	CHECK(memcmp(in, copy, 14 + 24) == 0);
	/* Nothing to do is not a failure, truncated or not. */
	CHECK(upt_nat_packet(&ct, UPT_CT_DIR_ORIGINAL, UPT_NAT_MANIP_DST, &d));
}

TEST(later_fragment_gets_address_only)
{
	struct upt_ct ct;
	struct upt_pdesc d;
	struct frame f;
	uint8_t in[FRAME_MAX], copy[FRAME_MAX], want[FRAME_MAX];
	size_t n;

	snat_entry(&ct, UPT_IPPROTO_UDP);
	frame_init(&f, UPT_IPPROTO_UDP, "192.168.1.2", 40000, "203.0.113.5", 80);
	f.frag_offset = 185;
	f.payload = payload;
	f.payload_len = sizeof(payload);
	n = frame_build(&f, in, FRAME_MAX);
	memcpy(copy, in, n);
	f.saddr = frame_addr("198.51.100.1");
	frame_build(&f, want, FRAME_MAX);
	CHECK(parse(&d, in, n));
	CHECK(upt_nat_packet(&ct, UPT_CT_DIR_ORIGINAL, UPT_NAT_MANIP_SRC, &d));
	/* IP header as the sender of the translated packet would write it ... */
	CHECK(memcmp(in, want, 14 + 20) == 0);
	/* ... and the bytes after it (payload of a later fragment) untouched. */
	CHECK(memcmp(in + 34, copy + 34, n - 34) == 0);
}

/*
 * ICMP errors.  `quoted` is the packet as it travelled on the side where
 * the error was generated; the translated error must equal an error built
 * about the packet as it looked on the other side.
 */
struct icmp_case {
	const char *name;
	void (*mk)(struct upt_ct *ct, uint8_t proto);
	uint8_t proto;
	enum upt_ct_dir dir;
	enum upt_nat_manip manip;
	size_t quote_l4;
	/* error as received */
	const char *from, *to;
	const char *q_src, *q_dst;
	uint16_t q_sport, q_dport;
	/* error as it must leave */
	const char *want_from, *want_to;
	const char *w_src, *w_dst;
	uint16_t w_sport, w_dport;
};

static const struct icmp_case icmp_cases[] = {
	/* A router beyond the SNAT box: time exceeded for an outgoing segment. */
	{ "snat_time_exceeded_full_tcp_quote", snat_entry, UPT_IPPROTO_TCP, UPT_CT_DIR_REPLY,
	  UPT_NAT_MANIP_DST, SIZE_MAX, "203.0.113.254", "198.51.100.1", "198.51.100.1",
	  "203.0.113.5", 61000, 80, "203.0.113.254", "192.168.1.2", "192.168.1.2", "203.0.113.5",
	  40000, 80 },
	{ "snat_time_exceeded_8_byte_tcp_quote", snat_entry, UPT_IPPROTO_TCP, UPT_CT_DIR_REPLY,
	  UPT_NAT_MANIP_DST, 8, "203.0.113.254", "198.51.100.1", "198.51.100.1", "203.0.113.5",
	  61000, 80, "203.0.113.254", "192.168.1.2", "192.168.1.2", "203.0.113.5", 40000, 80 },
	{ "snat_udp_port_unreachable", snat_entry, UPT_IPPROTO_UDP, UPT_CT_DIR_REPLY,
	  UPT_NAT_MANIP_DST, SIZE_MAX, "203.0.113.5", "198.51.100.1", "198.51.100.1",
	  "203.0.113.5", 61000, 80, "203.0.113.5", "192.168.1.2", "192.168.1.2", "203.0.113.5",
	  40000, 80 },
	/* The DNAT backend answers unreachable: outer source becomes the public address. */
	{ "dnat_backend_port_unreachable", dnat_entry, UPT_IPPROTO_UDP, UPT_CT_DIR_REPLY,
	  UPT_NAT_MANIP_SRC, SIZE_MAX, "192.168.1.2", "203.0.113.9", "203.0.113.9", "192.168.1.2",
	  5555, 8080, "198.51.100.1", "203.0.113.9", "203.0.113.9", "198.51.100.1", 5555, 80 },
	/* Error about a reply (client side unreachable), seen at POSTROUTING of the SNAT box. */
	{ "snat_error_about_reply_direction", snat_entry, UPT_IPPROTO_UDP, UPT_CT_DIR_ORIGINAL,
	  UPT_NAT_MANIP_SRC, SIZE_MAX, "192.168.1.2", "203.0.113.5", "203.0.113.5", "192.168.1.2",
	  80, 40000, "198.51.100.1", "203.0.113.5", "203.0.113.5", "198.51.100.1", 80, 61000 },
};

static size_t build_error(uint8_t proto, const char *from, const char *to, const char *q_src,
			  uint16_t q_sport, const char *q_dst, uint16_t q_dport, size_t quote_l4,
			  uint8_t type, uint8_t code, uint8_t *buf)
{
	struct frame of, ef;
	static uint8_t orig[FRAME_MAX]; /* must outlive frame_build of the error */

	build(proto, q_src, q_sport, q_dst, q_dport, orig, &of);
	frame_icmp_error(&ef, from, to, type, code, &of, orig, quote_l4);
	return frame_build(&ef, buf, FRAME_MAX);
}

TEST(icmp_error_translation_outer_and_inner)
{
	for (size_t i = 0; i < sizeof(icmp_cases) / sizeof(icmp_cases[0]); i++) {
		const struct icmp_case *c = &icmp_cases[i];
		uint8_t type = c->proto == UPT_IPPROTO_TCP ? UPT_ICMP_TIME_EXCEEDED
							   : UPT_ICMP_DEST_UNREACH;
		uint8_t code = c->proto == UPT_IPPROTO_TCP ? 0 : 3;
		uint8_t in[FRAME_MAX], want[FRAME_MAX];
		struct upt_ct ct;
		struct upt_pdesc d;
		size_t n, m;

		c->mk(&ct, c->proto);
		n = build_error(c->proto, c->from, c->to, c->q_src, c->q_sport, c->q_dst, c->q_dport,
				c->quote_l4, type, code, in);
		m = build_error(c->proto, c->want_from, c->want_to, c->w_src, c->w_sport, c->w_dst,
				c->w_dport, c->quote_l4, type, code, want);
		CHECK_MSG(n && n == m && parse(&d, in, n) && d.icmp_is_error, "%s: frames",
			  c->name);
		CHECK_MSG(upt_nat_icmp_reply_translation(&ct, c->dir, c->manip, &d), "%s: refused",
			  c->name);
		CHECK_MSG(memcmp(in, want, n) == 0, "%s: frame differs from the expected one",
			  c->name);
		CHECK_MSG(frame_ip_csum_ok(in + 14) && frame_l4_csum_ok(in + 14) &&
				  frame_ip_csum_ok(in + 14 + 28),
			  "%s: checksums", c->name);
	}
}

TEST(icmp_error_quoting_echo_gets_id_back)
{
	struct upt_ct ct;
	struct upt_pdesc d;
	struct frame of, ef;
	uint8_t orig[FRAME_MAX], in[FRAME_MAX], orig2[FRAME_MAX], want[FRAME_MAX];
	size_t n;

	ping_entry(&ct);
	build(UPT_IPPROTO_ICMP, "198.51.100.1", 9, "203.0.113.5", 1, orig, &of);
	frame_icmp_error(&ef, "203.0.113.254", "198.51.100.1", UPT_ICMP_TIME_EXCEEDED, 0, &of, orig,
			 SIZE_MAX);
	n = frame_build(&ef, in, FRAME_MAX);
	build(UPT_IPPROTO_ICMP, "192.168.1.2", 7, "203.0.113.5", 1, orig2, &of);
	frame_icmp_error(&ef, "203.0.113.254", "192.168.1.2", UPT_ICMP_TIME_EXCEEDED, 0, &of,
			 orig2, SIZE_MAX);
	frame_build(&ef, want, FRAME_MAX);
	CHECK(parse(&d, in, n));
	CHECK(upt_nat_icmp_reply_translation(&ct, UPT_CT_DIR_REPLY, UPT_NAT_MANIP_DST, &d));
	CHECK(memcmp(in, want, n) == 0);
}

TEST(icmp_error_refusals_and_no_ops)
{
	struct upt_ct ct;
	struct upt_pdesc d;
	uint8_t in[FRAME_MAX], copy[FRAME_MAX];
	size_t n;

	snat_entry(&ct, UPT_IPPROTO_UDP);
	n = build_error(UPT_IPPROTO_UDP, "203.0.113.5", "198.51.100.1", "198.51.100.1", 61000,
			"203.0.113.5", 80, SIZE_MAX, UPT_ICMP_DEST_UNREACH, 3, in);
	memcpy(copy, in, n);

	/* No binding for this hook's manip in this direction: accepted as is. */
	CHECK(parse(&d, in, n));
	CHECK(upt_nat_icmp_reply_translation(&ct, UPT_CT_DIR_REPLY, UPT_NAT_MANIP_SRC, &d));
	CHECK(memcmp(in, copy, n) == 0);

	/* A wrong ICMP checksum is dropped before anything changes. */
	in[14 + 20 + 2] ^= 0x01;
	memcpy(copy, in, n);
	CHECK(parse(&d, in, n));
	CHECK(!upt_nat_icmp_reply_translation(&ct, UPT_CT_DIR_REPLY, UPT_NAT_MANIP_DST, &d));
	CHECK(memcmp(in, copy, n) == 0);

	/* Redirects about NATed connections are dropped. */
	n = build_error(UPT_IPPROTO_UDP, "203.0.113.5", "198.51.100.1", "198.51.100.1", 61000,
			"203.0.113.5", 80, SIZE_MAX, UPT_ICMP_REDIRECT, 1, in);
	CHECK(parse(&d, in, n));
	CHECK(!upt_nat_icmp_reply_translation(&ct, UPT_CT_DIR_REPLY, UPT_NAT_MANIP_DST, &d));

	/* ... and passed for connections without NAT. */
	ct.status &= ~UPT_IPS_NAT_MASK;
	CHECK(parse(&d, in, n));
	CHECK(upt_nat_icmp_reply_translation(&ct, UPT_CT_DIR_REPLY, UPT_NAT_MANIP_DST, &d));

	/* Not an ICMP error at all: cannot be translated. */
	n = build(UPT_IPPROTO_UDP, "203.0.113.5", 80, "198.51.100.1", 61000, in, &(struct frame){0});
	CHECK(parse(&d, in, n));
	CHECK(!upt_nat_icmp_reply_translation(&ct, UPT_CT_DIR_REPLY, UPT_NAT_MANIP_DST, &d));
}

int main(void)
{
	RUN(packet_rewrite_both_directions);
	RUN(udp_without_checksum_keeps_zero);
	RUN(icmp_echo_id_follows_the_binding);
	RUN(truncated_transport_header_is_refused_untouched);
	RUN(later_fragment_gets_address_only);
	RUN(icmp_error_translation_outer_and_inner);
	RUN(icmp_error_quoting_echo_gets_id_back);
	RUN(icmp_error_refusals_and_no_ops);
	return check_report("test_nat_manip");
}

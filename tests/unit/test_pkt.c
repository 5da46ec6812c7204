/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frame parser: good, truncated and malformed frames of every kind, with the
 * drop reason the kernel's receive path (ip_rcv_core, arp_rcv/arp_process)
 * and conntrack's header checks (tcp_error, udp_error, icmp_error,
 * icmp_error_message) imply.
 */
#include "check.h"
#include "frames.h"

#include <stdlib.h>

#include "pkt/pkt.h"
#include "uptables/uptables.h"

static uint8_t buf[FRAME_MAX];

/* Names straight from the reason list, so failures read well without the engine. */
static const char *reason_name(int r)
{
	static const char *const names[] = {
#define NAME(name, str) #name,
		UPT_DROP_REASONS(NAME)
#undef NAME
	};

	if (r < 0 || (size_t)r >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[r];
}
static uint8_t quote_buf[FRAME_MAX];

/* Recompute the IPv4 header checksum at `ip` with the reference code. */
static void fix_ip(uint8_t *ip)
{
	uint16_t c;

	ip[10] = ip[11] = 0;
	c = frame_ref_csum(ip, (size_t)(ip[0] & 0x0f) * 4, 0);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* ------------------------------------------------------------------ */
/* Builders for the table: each writes a frame into buf, returns its length. */

static size_t tcp_syn(void)
{
	struct frame f;

	frame_init(&f, UPT_IPPROTO_TCP, "198.51.100.2", 40000, "198.51.100.1", 80);
	f.tcp_flags = UPT_TCP_SYN;
	f.seq = 1;
	f.mss = 1460;
	return frame_build(&f, buf, sizeof(buf));
}

static size_t udp_small(void)
{
	struct frame f;

	frame_init(&f, UPT_IPPROTO_UDP, "10.0.0.1", 5353, "10.0.0.2", 53);
	f.payload = (const uint8_t *)"x";
	f.payload_len = 1;
	return frame_build(&f, buf, sizeof(buf));
}

static size_t eth_13(void)
{
	return tcp_syn() ? 13 : 0;
}

static size_t eth_only(void)
{
	return tcp_syn() ? 14 : 0;
}

static size_t vlan_17(void)
{
	struct frame f;

	frame_init(&f, UPT_IPPROTO_TCP, "198.51.100.2", 40000, "198.51.100.1", 80);
	f.vlan = true;
	return frame_build(&f, buf, sizeof(buf)) ? 17 : 0;
}

static size_t vlan_tcp(void)
{
	struct frame f;

	frame_init(&f, UPT_IPPROTO_TCP, "198.51.100.2", 40000, "198.51.100.1", 80);
	f.vlan = true;
	f.vlan_tci = 0x2064; /* PCP 1, VID 100 */
	f.tcp_flags = UPT_TCP_ACK;
	return frame_build(&f, buf, sizeof(buf));
}

static size_t qinq(void)
{
	size_t n = vlan_tcp();

	put16(buf + 16, UPT_ETH_P_8021Q); /* a second tag where the ethertype was */
	return n;
}

static size_t ipv6_type(void)
{
	size_t n = tcp_syn();

	put16(buf + 12, 0x86dd);
	return n;
}

static const uint8_t mac_a[6] = {2, 0, 0, 0, 0, 2}, mac_b[6] = {2, 0, 0, 0, 0, 1};

static size_t arp_req(void)
{
	static const uint8_t zero[6];

	return frame_build_arp(buf, sizeof(buf), 1, mac_a, frame_addr("198.51.100.2"), zero,
			       frame_addr("198.51.100.1"), NULL);
}

static size_t arp_27(void)
{
	return arp_req() - 1;
}

static size_t arp_htype_6(void)
{
	size_t n = arp_req();

	put16(buf + 14, 6);
	return n;
}

static size_t arp_ptype_v6(void)
{
	size_t n = arp_req();

	put16(buf + 16, 0x86dd);
	return n;
}

static size_t arp_hlen_8(void)
{
	size_t n = arp_req();

	buf[18] = 8;
	return n;
}

static size_t arp_op_3(void)
{
	size_t n = arp_req();

	put16(buf + 20, 3);
	return n;
}

static size_t ip_19(void)
{
	return tcp_syn() ? 14 + 19 : 0;
}

static size_t ip_version_6(void)
{
	size_t n = tcp_syn();

	buf[14] = 0x65;
	fix_ip(buf + 14);
	return n;
}

static size_t ip_ihl_4(void)
{
	size_t n = tcp_syn();

	buf[14] = 0x44;
	/* checksum over 16 bytes would be meaningless; the IHL test comes first */
	return n;
}

static size_t ip_ihl_beyond_frame(void)
{
	/* IHL 15 = 60 bytes, but the frame holds 20 + 24 bytes of IP. */
	size_t n = tcp_syn();

	buf[14] = 0x4f;
	return 14 + 44 < n ? 14 + 44 : n;
}

static size_t ip_bad_csum(void)
{
	size_t n = tcp_syn();

	buf[14 + 10] ^= 0x01;
	return n;
}

static size_t ip_totlen_beyond_frame(void)
{
	size_t n = tcp_syn();

	put16(buf + 16, (uint16_t)(n - 14 + 1));
	fix_ip(buf + 14);
	return n;
}

static size_t ip_totlen_below_header(void)
{
	size_t n = tcp_syn();

	put16(buf + 16, 19);
	fix_ip(buf + 14);
	return n;
}

static size_t ip_totlen_bad_and_csum_bad(void)
{
	size_t n = ip_totlen_below_header();

	buf[14 + 10] ^= 0x80; /* the kernel tests the checksum first */
	return n;
}

static size_t udp_padded_to_60(void)
{
	size_t n = udp_small(); /* 14 + 20 + 8 + 1 = 43 */

	memset(buf + n, 0, 60 - n);
	return 60;
}

static size_t first_fragment(void)
{
	struct frame f;

	frame_init(&f, UPT_IPPROTO_UDP, "10.0.0.1", 5353, "10.0.0.2", 53);
	f.mf = true;
	return frame_build(&f, buf, sizeof(buf));
}

static size_t later_fragment(void)
{
	struct frame f;
	static const uint8_t pay[16];
	size_t n;

	/* A later fragment carries payload only: build it as a protocol without
	 * a header, then label it TCP. */
	frame_init(&f, 200, "10.0.0.1", 0, "10.0.0.2", 0);
	f.frag_offset = 185;
	f.payload = pay;
	f.payload_len = sizeof(pay);
	n = frame_build(&f, buf, sizeof(buf));
	buf[14 + 9] = UPT_IPPROTO_TCP;
	fix_ip(buf + 14);
	return n;
}

static size_t tcp_19(void)
{
	size_t n = tcp_syn();

	/* total length 20 + 19; the frame keeps its bytes (padding). */
	put16(buf + 16, 39);
	fix_ip(buf + 14);
	return n;
}

static size_t tcp_doff_4(void)
{
	size_t n = tcp_syn();

	buf[34 + 12] = 0x40;
	return n;
}

static size_t tcp_doff_beyond(void)
{
	size_t n = tcp_syn(); /* 24-byte TCP header */

	buf[34 + 12] = 0xf0;
	return n;
}

static size_t udp_7(void)
{
	size_t n = udp_small();

	put16(buf + 16, 27);
	fix_ip(buf + 14);
	return n;
}

static size_t icmp_echo(void)
{
	struct frame f;

	frame_init(&f, UPT_IPPROTO_ICMP, "10.0.0.1", 7, "10.0.0.2", 1);
	return frame_build(&f, buf, sizeof(buf));
}

static size_t icmp_7(void)
{
	size_t n = icmp_echo();

	put16(buf + 16, 27);
	fix_ip(buf + 14);
	return n;
}

static size_t gre_empty(void)
{
	struct frame f;

	frame_init(&f, 47, "10.0.0.1", 0, "10.0.0.2", 0);
	return frame_build(&f, buf, sizeof(buf));
}

/* ICMP error from 10.0.0.9 about a UDP packet 10.0.0.1:5353 -> 10.0.0.2:53. */
static size_t icmp_err_about(uint8_t proto, size_t quote_l4, void (*tweak)(uint8_t *ip))
{
	struct frame of, f;
	size_t on;

	frame_init(&of, proto, "10.0.0.1", 5353, "10.0.0.2", 53);
	of.payload = (const uint8_t *)"0123456789abcdef";
	of.payload_len = 16;
	on = frame_build(&of, quote_buf, sizeof(quote_buf));
	if (!on)
		return 0;
	if (tweak)
		tweak(quote_buf + 14);
	frame_icmp_error(&f, "10.0.0.9", "10.0.0.1", UPT_ICMP_DEST_UNREACH, 3, &of, quote_buf,
			 quote_l4);
	return frame_build(&f, buf, sizeof(buf));
}

static size_t icmp_err_udp(void)
{
	return icmp_err_about(UPT_IPPROTO_UDP, SIZE_MAX, NULL);
}

static size_t icmp_err_tcp_8(void)
{
	return icmp_err_about(UPT_IPPROTO_TCP, 8, NULL);
}

static size_t icmp_err_udp_7(void)
{
	return icmp_err_about(UPT_IPPROTO_UDP, 7, NULL);
}

static size_t icmp_err_ip_only(void)
{
	return icmp_err_about(UPT_IPPROTO_UDP, 0, NULL);
}

static size_t icmp_err_quote_19(void)
{
	size_t n = icmp_err_about(UPT_IPPROTO_UDP, 0, NULL);

	/* Drop the last quoted header byte: shorten the outer packet by one. */
	put16(buf + 16, (uint16_t)(n - 14 - 1));
	fix_ip(buf + 14);
	return n - 1;
}

static void ihl4(uint8_t *ip)
{
	ip[0] = 0x44;
}

static size_t icmp_err_quote_ihl_4(void)
{
	return icmp_err_about(UPT_IPPROTO_UDP, SIZE_MAX, ihl4);
}

static void later_frag(uint8_t *ip)
{
	put16(ip + 6, 3);
}

static size_t icmp_err_quote_fragment(void)
{
	return icmp_err_about(UPT_IPPROTO_UDP, SIZE_MAX, later_frag);
}

static size_t icmp_err_icmp(void)
{
	struct frame of, f;
	size_t on;

	frame_init(&of, UPT_IPPROTO_ICMP, "10.0.0.1", 0x1234, "10.0.0.2", 1);
	on = frame_build(&of, quote_buf, sizeof(quote_buf));
	if (!on)
		return 0;
	frame_icmp_error(&f, "10.0.0.9", "10.0.0.1", UPT_ICMP_TIME_EXCEEDED, 0, &of, quote_buf,
			 SIZE_MAX);
	return frame_build(&f, buf, sizeof(buf));
}

/* ------------------------------------------------------------------ */

enum { L4_NA = -1 };

struct parse_case {
	const char *name;
	size_t (*build)(void);
	int reason;
	int l2_kind;
	int l4_ok;       /* L4_NA when no IPv4 descriptor */
	int is_fragment; /* L4_NA: not checked */
};

#define R(x) UPT_DROP_##x
static const struct parse_case cases[] = {
	{"tcp syn parses", tcp_syn, 0, UPT_L2_IPV4, 1, 0},
	{"frame shorter than an ethernet header", eth_13, R(ETH_TRUNCATED), 0, L4_NA, L4_NA},
	{"ethernet header and no ip header", eth_only, R(IP_TRUNCATED), 0, L4_NA, L4_NA},
	{"vlan tag cut short", vlan_17, R(ETH_TRUNCATED), 0, L4_NA, L4_NA},
	{"one vlan tag parses", vlan_tcp, 0, UPT_L2_IPV4, 1, 0},
	{"second vlan tag is not handled", qinq, R(ETH_UNKNOWN_TYPE), 0, L4_NA, L4_NA},
	{"ipv6 ethertype is not handled", ipv6_type, R(ETH_UNKNOWN_TYPE), 0, L4_NA, L4_NA},
	{"arp request parses", arp_req, 0, UPT_L2_ARP, L4_NA, L4_NA},
	{"arp body of 27 bytes", arp_27, R(ARP_MALFORMED), 0, L4_NA, L4_NA},
	{"arp hardware type not ethernet", arp_htype_6, R(ARP_MALFORMED), 0, L4_NA, L4_NA},
	{"arp protocol type not ipv4", arp_ptype_v6, R(ARP_MALFORMED), 0, L4_NA, L4_NA},
	{"arp hardware length not 6", arp_hlen_8, R(ARP_MALFORMED), 0, L4_NA, L4_NA},
	{"arp opcode neither request nor reply", arp_op_3, R(ARP_MALFORMED), 0, L4_NA, L4_NA},
	{"ip header of 19 bytes", ip_19, R(IP_TRUNCATED), 0, L4_NA, L4_NA},
	{"ip version 6 in an ipv4 frame", ip_version_6, R(IP_BAD_VERSION), 0, L4_NA, L4_NA},
	{"ihl 4", ip_ihl_4, R(IP_BAD_IHL), 0, L4_NA, L4_NA},
	{"ihl beyond the frame", ip_ihl_beyond_frame, R(IP_TRUNCATED), 0, L4_NA, L4_NA},
	{"ip header checksum wrong", ip_bad_csum, R(IP_BAD_CSUM), 0, L4_NA, L4_NA},
	{"total length beyond the frame", ip_totlen_beyond_frame, R(IP_BAD_TOTLEN), 0, L4_NA,
	 L4_NA},
	{"total length below the header", ip_totlen_below_header, R(IP_BAD_TOTLEN), 0, L4_NA,
	 L4_NA},
	{"checksum is tested before total length", ip_totlen_bad_and_csum_bad, R(IP_BAD_CSUM), 0,
	 L4_NA, L4_NA},
	{"ethernet padding after total length", udp_padded_to_60, 0, UPT_L2_IPV4, 1, 0},
	{"first fragment keeps its transport header", first_fragment, 0, UPT_L2_IPV4, 1, 1},
	{"later fragment has no transport header", later_fragment, 0, UPT_L2_IPV4, 0, 1},
	{"tcp header of 19 bytes", tcp_19, 0, UPT_L2_IPV4, 0, 0},
	{"tcp data offset below 20", tcp_doff_4, 0, UPT_L2_IPV4, 0, 0},
	{"tcp data offset beyond the segment", tcp_doff_beyond, 0, UPT_L2_IPV4, 0, 0},
	{"udp header of 7 bytes", udp_7, 0, UPT_L2_IPV4, 0, 0},
	{"icmp echo parses", icmp_echo, 0, UPT_L2_IPV4, 1, 0},
	{"icmp header of 7 bytes", icmp_7, 0, UPT_L2_IPV4, 0, 0},
	{"other protocol needs no header", gre_empty, 0, UPT_L2_IPV4, 1, 0},
	{"icmp error quoting udp", icmp_err_udp, 0, UPT_L2_IPV4, 1, 0},
	{"icmp error quoting 8 bytes of tcp", icmp_err_tcp_8, 0, UPT_L2_IPV4, 1, 0},
	{"icmp error quoting 7 bytes of udp", icmp_err_udp_7, 0, UPT_L2_IPV4, 1, 0},
	{"icmp error quoting the ip header only", icmp_err_ip_only, 0, UPT_L2_IPV4, 1, 0},
	{"icmp error quoting 19 header bytes", icmp_err_quote_19, 0, UPT_L2_IPV4, 1, 0},
	{"icmp error quoting ihl 4", icmp_err_quote_ihl_4, 0, UPT_L2_IPV4, 1, 0},
	{"icmp error quoting a later fragment", icmp_err_quote_fragment, 0, UPT_L2_IPV4, 1, 0},
	{"icmp error quoting icmp echo", icmp_err_icmp, 0, UPT_L2_IPV4, 1, 0},
};

TEST(parse_table)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct parse_case *c = &cases[i];
		struct upt_pdesc d;
		size_t n;
		int r;

		memset(buf, 0, sizeof(buf));
		n = c->build();
		CHECK_MSG(n > 0, "%s: builder failed", c->name);
		r = upt_pkt_parse_eth(&d, buf, (uint32_t)n);
		CHECK_MSG(r == c->reason, "%s: reason %d (%s), want %d (%s)", c->name, r,
			  reason_name(r), c->reason,
			  reason_name(c->reason));
		if (r != 0)
			continue;
		CHECK_MSG(d.l2_kind == c->l2_kind, "%s: l2_kind %u", c->name, d.l2_kind);
		CHECK_MSG(d.frame == buf && d.frame_len == n, "%s: frame/len", c->name);
		if (c->l4_ok != L4_NA)
			CHECK_MSG(d.l4_ok == c->l4_ok, "%s: l4_ok %d", c->name, d.l4_ok);
		if (c->is_fragment != L4_NA)
			CHECK_MSG(d.is_fragment == c->is_fragment, "%s: is_fragment %d", c->name,
				  d.is_fragment);
	}
}

static void parse_ok(struct upt_pdesc *d, size_t n)
{
	int r = upt_pkt_parse_eth(d, buf, (uint32_t)n);

	CHECK_EQ(r, 0);
}

TEST(tcp_fields_are_host_order)
{
	struct frame f;
	struct upt_pdesc d;
	size_t n;

	frame_init(&f, UPT_IPPROTO_TCP, "198.51.100.2", 40000, "198.51.100.1", 80);
	f.tcp_flags = UPT_TCP_SYN | UPT_TCP_ACK | UPT_TCP_ECE;
	f.seq = 0x01020304;
	f.ack = 0xfffffffe;
	f.win = 29200;
	f.mss = 1460;
	f.has_wscale = true;
	f.wscale = 7;
	f.tos = 0x10;
	f.ttl = 63;
	f.ip_id = 0xbeef;
	f.df = true;
	n = frame_build(&f, buf, sizeof(buf));
	parse_ok(&d, n);
	CHECK_EQ(d.saddr, 0xc6336402);
	CHECK_EQ(d.daddr, 0xc6336401);
	CHECK_EQ(d.sport, 40000);
	CHECK_EQ(d.dport, 80);
	CHECK_EQ(d.tcp_seq, 0x01020304);
	CHECK_EQ(d.tcp_ack, 0xfffffffe);
	CHECK_EQ(d.tcp_win, 29200);
	CHECK_EQ(d.tcp_flags, UPT_TCP_SYN | UPT_TCP_ACK | UPT_TCP_ECE);
	CHECK_EQ(d.tcp_doff, 28); /* 20 + MSS 4 + NOP + wscale 3 */
	CHECK_EQ(d.tos, 0x10);
	CHECK_EQ(d.ttl, 63);
	CHECK_EQ(d.ip_id, 0xbeef);
	CHECK_EQ(d.frag_off, UPT_IP_DF);
	CHECK(!d.is_fragment);
	CHECK_EQ(d.proto, UPT_IPPROTO_TCP);
	CHECK_EQ(d.l2_len, 14);
	CHECK_EQ(d.l3_len, 20);
	CHECK_EQ(d.l4_off, 34);
	CHECK_EQ(d.ip_len, 48);
	CHECK_EQ(d.l4_len, 28);
	CHECK(!d.has_vlan);
	CHECK(upt_pkt_ip_csum_ok(&d));
	CHECK(upt_pkt_l4_csum_ok(&d));
}

TEST(vlan_tag_moves_the_ip_header)
{
	struct upt_pdesc d;

	parse_ok(&d, vlan_tcp());
	CHECK(d.has_vlan);
	CHECK_EQ(d.vlan_tci, 0x2064);
	CHECK_EQ(d.l2_len, 18);
	CHECK_EQ(upt_pdesc_l3_off(&d), 18);
	CHECK_EQ(d.l4_off, 38);
	CHECK_EQ(d.sport, 40000);
	CHECK(upt_pkt_l4_csum_ok(&d));
}

TEST(arp_fields)
{
	struct upt_pdesc d;

	parse_ok(&d, arp_req());
	CHECK_EQ(d.arp.op, 1);
	CHECK_EQ(d.arp.spa, frame_addr("198.51.100.2"));
	CHECK_EQ(d.arp.tpa, frame_addr("198.51.100.1"));
	CHECK(memcmp(d.arp.sha, mac_a, 6) == 0);
	CHECK_EQ(d.arp.tha[0] | d.arp.tha[5], 0);

	CHECK_EQ(upt_pkt_parse_eth(&d, buf,
				   (uint32_t)frame_build_arp(buf, sizeof(buf), 2, mac_b,
							     frame_addr("198.51.100.1"), mac_a,
							     frame_addr("198.51.100.2"), mac_a)),
		 0);
	CHECK_EQ(d.arp.op, 2);
	CHECK(memcmp(d.arp.tha, mac_a, 6) == 0);
}

TEST(padding_is_trimmed_from_ip_len_not_from_frame_len)
{
	struct upt_pdesc d;

	parse_ok(&d, udp_padded_to_60());
	CHECK_EQ(d.frame_len, 60);
	CHECK_EQ(d.ip_len, 29);
	CHECK_EQ(d.l4_len, 9);
	/* The checksum covers the 9 UDP bytes only; the padding would break it. */
	CHECK(upt_pkt_l4_csum_ok(&d));
}

TEST(fragment_offsets_and_flags)
{
	struct upt_pdesc d;

	parse_ok(&d, first_fragment());
	CHECK_EQ(d.frag_off, UPT_IP_MF);
	CHECK_EQ(d.sport, 5353);
	parse_ok(&d, later_fragment());
	CHECK_EQ(d.frag_off & UPT_IP_OFFMASK, 185);
	CHECK_EQ(d.sport, 0); /* payload bytes are not ports */
}

TEST(truncated_tcp_still_shows_what_it_has)
{
	struct upt_pdesc d;

	/* doff 4 but 20 bytes there: ports are readable, the header is not valid. */
	parse_ok(&d, tcp_doff_4());
	CHECK(!d.l4_ok);
	CHECK_EQ(d.sport, 40000);
	CHECK_EQ(d.tcp_doff, 16);
}

TEST(icmp_echo_fields)
{
	struct upt_pdesc d;

	parse_ok(&d, icmp_echo());
	CHECK_EQ(d.icmp_type, UPT_ICMP_ECHO);
	CHECK_EQ(d.icmp_code, 0);
	CHECK_EQ(d.icmp_id, 7);
	CHECK(!d.icmp_is_error);
	CHECK(upt_pkt_l4_csum_ok(&d));
}

struct inner_case {
	const char *name;
	size_t (*build)(void);
	bool ok, ports_ok;
	uint8_t proto;
	uint16_t sport, dport, l4_avail;
};

static const struct inner_case inner_cases[] = {
	{"udp quoted in full", icmp_err_udp, true, true, UPT_IPPROTO_UDP, 5353, 53, 8 + 16},
	{"8 bytes of tcp give ports", icmp_err_tcp_8, true, true, UPT_IPPROTO_TCP, 5353, 53, 8},
	{"7 bytes of udp give no ports", icmp_err_udp_7, true, false, UPT_IPPROTO_UDP, 0, 0, 7},
	{"ip header only", icmp_err_ip_only, true, false, UPT_IPPROTO_UDP, 0, 0, 0},
	{"19 header bytes are unusable", icmp_err_quote_19, false, false, 0, 0, 0, 0},
	{"quoted ihl 4 is unusable", icmp_err_quote_ihl_4, false, false, 0, 0, 0, 0},
	{"quoted later fragment is unusable", icmp_err_quote_fragment, false, false,
	 UPT_IPPROTO_UDP, 0, 0, 8 + 16},
	/* struct upt_tuple convention: sport = id, dport = type << 8 | code. */
	{"quoted echo gives id and type", icmp_err_icmp, true, true, UPT_IPPROTO_ICMP, 0x1234,
	 0x0800, 8},
};

TEST(icmp_error_inner_table)
{
	size_t i;

	for (i = 0; i < sizeof(inner_cases) / sizeof(inner_cases[0]); i++) {
		const struct inner_case *c = &inner_cases[i];
		struct upt_pdesc d;
		size_t n;

		memset(buf, 0, sizeof(buf));
		n = c->build();
		CHECK_MSG(upt_pkt_parse_eth(&d, buf, (uint32_t)n) == 0, "%s: parse", c->name);
		CHECK_MSG(d.icmp_is_error, "%s: icmp_is_error", c->name);
		CHECK_MSG(d.inner.ok == c->ok, "%s: ok %d", c->name, d.inner.ok);
		CHECK_MSG(d.inner.ports_ok == c->ports_ok, "%s: ports_ok %d", c->name,
			  d.inner.ports_ok);
		if (c->proto)
			CHECK_MSG(d.inner.proto == c->proto && d.inner.l4_avail == c->l4_avail,
				  "%s: proto %u l4_avail %u", c->name, d.inner.proto,
				  d.inner.l4_avail);
		if (c->ok) {
			CHECK_MSG(d.inner.saddr == frame_addr("10.0.0.1") &&
					  d.inner.daddr == frame_addr("10.0.0.2"),
				  "%s: addresses", c->name);
			CHECK_MSG(d.inner.l3_off == 14 + 20 + 8 && d.inner.l3_len == 20 &&
					  d.inner.l4_off == 14 + 20 + 8 + 20,
				  "%s: offsets", c->name);
		}
		if (c->ports_ok)
			CHECK_MSG(d.inner.sport == c->sport && d.inner.dport == c->dport,
				  "%s: ports %u %u", c->name, d.inner.sport, d.inner.dport);
	}
}

TEST(local_output_packet_has_no_link_header)
{
	struct frame f;
	struct upt_pdesc d;
	size_t n;

	frame_init(&f, UPT_IPPROTO_UDP, "127.0.0.1", 1000, "127.0.0.1", 53);
	f.no_eth = true;
	n = frame_build(&f, buf, sizeof(buf));
	CHECK_EQ(upt_pkt_parse_ip(&d, buf, (uint32_t)n, 0), 0);
	CHECK_EQ(d.l2_len, 0);
	CHECK_EQ(d.l4_off, 20);
	CHECK_EQ(d.dport, 53);
	CHECK_EQ(upt_pkt_reparse(&d), 0);
	CHECK_EQ(d.l2_len, 0);
	CHECK_EQ(d.dport, 53);
	CHECK_EQ(upt_pkt_parse_ip(&d, buf, 19, 0), UPT_DROP_IP_TRUNCATED);
}

TEST(reparse_sees_rewritten_bytes)
{
	struct upt_pdesc d;
	size_t n = vlan_tcp();

	parse_ok(&d, n);
	put16(buf + 38, 1234); /* source port, behind the descriptor's back */
	CHECK_EQ(upt_pkt_reparse(&d), 0);
	CHECK_EQ(d.sport, 1234);
	CHECK(d.has_vlan);
}

TEST(loads_are_bounds_checked)
{
	struct upt_pdesc d;
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	size_t n = tcp_syn();

	parse_ok(&d, n);
	CHECK(upt_pkt_load8(&d, (uint32_t)n - 1, &v8));
	CHECK(!upt_pkt_load8(&d, (uint32_t)n, &v8));
	CHECK(upt_pkt_load16(&d, (uint32_t)n - 2, &v16));
	CHECK(!upt_pkt_load16(&d, (uint32_t)n - 1, &v16));
	CHECK(upt_pkt_load32(&d, (uint32_t)n - 4, &v32));
	CHECK(!upt_pkt_load32(&d, (uint32_t)n - 3, &v32));
	CHECK(!upt_pkt_load32(&d, 0xfffffffe, &v32));
	CHECK(upt_pkt_load16(&d, 12, &v16) && v16 == UPT_ETH_P_IP);
	CHECK(upt_pkt_load32(&d, 14 + 12, &v32) && v32 == 0xc6336402);
}

/*
 * Every prefix of a valid frame, parsed from an exactly-sized heap copy (so
 * ASan sees any over-read), fails once the IP packet is cut, with the reason
 * for where the cut falls.
 */
TEST(every_prefix_of_a_frame_is_rejected_safely)
{
	size_t (*builders[])(void) = {tcp_syn, vlan_tcp, icmp_err_udp, arp_req, icmp_echo};
	size_t b, len;

	for (b = 0; b < sizeof(builders) / sizeof(builders[0]); b++) {
		size_t n = builders[b]();
		uint8_t *full = malloc(n);
		struct upt_pdesc d;
		size_t l2;

		memcpy(full, buf, n);
		l2 = (full[12] == 0x81) ? 18 : 14;
		for (len = 0; len < n; len++) {
			uint8_t *p = malloc(len ? len : 1);
			int r, want;

			memcpy(p, full, len);
			r = upt_pkt_parse_eth(&d, p, (uint32_t)len);
			if (len < l2)
				want = UPT_DROP_ETH_TRUNCATED;
			else if (full[l2 - 2] == 0x08 && full[l2 - 1] == 0x06)
				want = len < l2 + 28 ? UPT_DROP_ARP_MALFORMED : 0;
			else if (len < l2 + 20)
				want = UPT_DROP_IP_TRUNCATED;
			else
				want = UPT_DROP_IP_BAD_TOTLEN;
			CHECK_MSG(r == want, "builder %zu len %zu: reason %d want %d", b, len, r,
				  want);
			free(p);
		}
		CHECK_EQ(upt_pkt_parse_eth(&d, full, (uint32_t)n), 0);
		free(full);
	}
}

int main(void)
{
	RUN(parse_table);
	RUN(tcp_fields_are_host_order);
	RUN(vlan_tag_moves_the_ip_header);
	RUN(arp_fields);
	RUN(padding_is_trimmed_from_ip_len_not_from_frame_len);
	RUN(fragment_offsets_and_flags);
	RUN(truncated_tcp_still_shows_what_it_has);
	RUN(icmp_echo_fields);
	RUN(icmp_error_inner_table);
	RUN(local_output_packet_has_no_link_header);
	RUN(reparse_sees_rewritten_bytes);
	RUN(loads_are_bounds_checked);
	RUN(every_prefix_of_a_frame_is_rejected_safely);
	return check_report("test_pkt");
}

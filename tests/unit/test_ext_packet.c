/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet-field extensions on the packet path: each match on built
 * frames with the verdicts of the kernel's xt_dscp.c (dscp, tos), xt_ecn.c,
 * xt_length.c, xt_hl.c, xt_mac.c, xt_pkttype.c, xt_tcpmss.c, xt_u32.c and
 * xt_string.c (lib/ts_bm.c, lib/ts_kmp.c); the targets DSCP, TOS, TTL,
 * TCPMSS and CHECKSUM rewrite as xt_DSCP.c, xt_HL.c, xt_TCPMSS.c and
 * xt_CHECKSUM.c do, with checksums verified by the naive reference in
 * frames.c.  TCPMSS --clamp-mss-to-pmtu runs through a whole engine.
 *
 * TCPMSS was checked against the kernel with tests/kernel/ext_tcpmss_probe.sh
 * (kernel 6.18, 2026-11-24; SYNs through a gateway whose eth1 has MTU 1400):
 * 1460 clamped to 1360 both ways (egress MTU, and the return route's MTU for
 * SYNs leaving by the 1500 interface), an MSS of 536 added in front of the
 * other options of a SYN without one (header 20 -> 24, 24 -> 28 bytes, IP
 * length + 4), a SYN with data left alone, --set-mss 1200 applied, 1600 not
 * raised, --set-mss 300 added as 300.  One deliberate difference: for an MSS
 * option at an odd offset (after one NOP) the kernel wrote 1200 but left a
 * wrong TCP checksum (the misaligned-update bug discussed upstream for
 * xt_TCPMSS); the engine writes a correct one.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "frames.h"
#include "rules/ext.h"
#include "xt_build.h"

/* ---- matches on IP header fields ---- */

TEST(dscp_tos_ecn_length_ttl_read_the_ip_header)
{
	static const struct {
		const char *name, *opts;
		uint8_t proto, tos, ttl;
		uint16_t payload;
		bool want;
	} rows[] = {
	    /* dscp: tos >> 2, ECN bits ignored */
	    {"dscp", "--dscp 0x2e", 0, 0xb8, 64, 0, true},
	    {"dscp", "--dscp 0x2e", 0, 0xbb, 64, 0, true},
	    {"dscp", "--dscp 0x2e", 0, 0xb4, 64, 0, false},
	    {"dscp", "! --dscp-class EF", 0, 0xb8, 64, 0, false},
	    {"dscp", "--dscp-class AF41", 0, 0x88, 64, 0, true},
	    /* tos: (tos & mask) == value */
	    {"tos", "--tos Minimize-Delay", 0, 0x10, 64, 0, true},
	    {"tos", "--tos Minimize-Delay", 0, 0xd0, 64, 0, true}, /* precedence bits masked */
	    {"tos", "--tos Minimize-Delay", 0, 0x14, 64, 0, false},
	    {"tos", "--tos 0x10", 0, 0xd0, 64, 0, false}, /* mask 0xff */
	    {"tos", "! --tos 0x0f/0x0f", 0, 0x0f, 64, 0, false},
	    {"tos", "! --tos 0x0f/0x0f", 0, 0x0e, 64, 0, true},
	    /* ecn: the two low bits of the TOS byte */
	    {"ecn", "--ecn-ip-ect 2", 0, 0x02, 64, 0, true},
	    {"ecn", "--ecn-ip-ect 2", 0, 0x03, 64, 0, false},
	    {"ecn", "! --ecn-ip-ect 0", 0, 0x01, 64, 0, true},
	    /* length: IP total length (UDP: 20 + 8 + payload) */
	    {"length", "--length 28", 17, 0, 64, 0, true},
	    {"length", "--length 29:1500", 17, 0, 64, 0, false},
	    {"length", "--length 29:1500", 17, 0, 64, 1, true},
	    {"length", "! --length 29:1500", 17, 0, 64, 1472, false},
	    {"length", "! --length 29:1500", 17, 0, 64, 1473, true},
	    /* ttl */
	    {"ttl", "--ttl-eq 64", 0, 0, 64, 0, true},
	    {"ttl", "! --ttl-eq 64", 0, 0, 64, 0, false},
	    {"ttl", "! --ttl-eq 64", 0, 0, 63, 0, true},
	    {"ttl", "--ttl-lt 64", 0, 0, 63, 0, true},
	    {"ttl", "--ttl-lt 64", 0, 0, 64, 0, false},
	    {"ttl", "--ttl-gt 64", 0, 0, 65, 0, true},
	    {"ttl", "--ttl-gt 64", 0, 0, 64, 0, false},
	};
	static uint8_t payload[1500];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct xt_ext e = xt_mm(rows[i].name, rows[i].proto, rows[i].opts);
		struct frame f;
		struct xt_pk k;

		frame_init(&f, UPT_IPPROTO_UDP, "198.51.100.2", 1000, "192.168.1.2", 53);
		f.tos = rows[i].tos;
		f.ttl = rows[i].ttl;
		f.payload = payload;
		f.payload_len = rows[i].payload;
		xt_pk_build(&k, &f);
		if (e.m)
			CHECK_MSG(xt_run(&e, &k) == rows[i].want,
				  "row %zu: -m %s %s on tos 0x%02x ttl %u", i, rows[i].name,
				  rows[i].opts, rows[i].tos, rows[i].ttl);
		free(e.data);
	}
}

TEST(ecn_tcp_bits_are_the_ece_and_cwr_flags)
{
	static const struct {
		const char *opts;
		uint8_t flags;
		bool want;
	} rows[] = {
	    {"--ecn-tcp-ece", UPT_TCP_SYN | UPT_TCP_ECE, true},
	    {"--ecn-tcp-ece", UPT_TCP_SYN, false},
	    {"! --ecn-tcp-ece", UPT_TCP_SYN, true},
	    {"--ecn-tcp-ece --ecn-tcp-cwr", UPT_TCP_SYN | UPT_TCP_ECE | UPT_TCP_CWR, true},
	    {"--ecn-tcp-ece --ecn-tcp-cwr", UPT_TCP_SYN | UPT_TCP_ECE, false},
	    {"--ecn-tcp-ece ! --ecn-tcp-cwr", UPT_TCP_SYN | UPT_TCP_ECE, true},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct xt_ext e = xt_mm("ecn", UPT_IPPROTO_TCP, rows[i].opts);
		struct frame f;
		struct xt_pk k;

		xt_tcp_frame(&f, rows[i].flags, 0);
		xt_pk_build(&k, &f);
		CHECK_MSG(xt_run(&e, &k) == rows[i].want, "row %zu: %s", i, rows[i].opts);
		free(e.data);
	}
	/* The TCP bits need -p tcp (ecn_mt_check4). */
	struct xt_ext e;
	CHECK(xt_build(&e, false, "ecn", 0, "--ecn-tcp-cwr", 0) != 0);
	free(e.data);
}

TEST(mac_source_needs_an_ethernet_header)
{
	struct xt_ext yes = xt_mm("mac", 0, "--mac-source 02:00:00:00:00:02");
	struct xt_ext no = xt_mm("mac", 0, "! --mac-source 02:00:00:00:00:02");
	struct xt_ext other = xt_mm("mac", 0, "! --mac-source 02:00:00:00:00:03");
	struct frame f;
	struct xt_pk k;

	frame_init(&f, UPT_IPPROTO_UDP, "198.51.100.2", 1000, "192.168.1.2", 53);
	xt_pk_build(&k, &f);
	CHECK(xt_run(&yes, &k));
	CHECK(!xt_run(&no, &k));
	CHECK(xt_run(&other, &k));
	/* A bare IP packet (local output): false before the invert flag is looked at. */
	f.no_eth = true;
	xt_pk_build(&k, &f);
	CHECK(!xt_run(&yes, &k));
	CHECK(!xt_run(&other, &k));
	free(yes.data), free(no.data), free(other.data);
}

TEST(pkttype_follows_the_ethernet_destination)
{
	static const struct {
		uint8_t dst[6];
		bool no_eth;
		const char *type;
	} rows[] = {
	    {{2, 0, 0, 0, 0, 1}, false, "unicast"},
	    {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, false, "broadcast"},
	    {{0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}, false, "multicast"},
	    {{0x33, 0x33, 0x00, 0x00, 0x00, 0x01}, false, "multicast"},
	    {{0}, true, "unicast"},
	};
	static const char *const types[] = {"unicast", "broadcast", "multicast", "otherhost"};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct frame f;
		struct xt_pk k;

		frame_init(&f, UPT_IPPROTO_UDP, "198.51.100.2", 1000, "192.168.1.2", 53);
		memcpy(f.dst_mac, rows[i].dst, 6);
		f.no_eth = rows[i].no_eth;
		xt_pk_build(&k, &f);
		for (size_t t = 0; t < 4; t++) {
			char opts[64];
			struct xt_ext e, inv;

			snprintf(opts, sizeof(opts), "--pkt-type %s", types[t]);
			e = xt_mm("pkttype", 0, opts);
			snprintf(opts, sizeof(opts), "! --pkt-type %s", types[t]);
			inv = xt_mm("pkttype", 0, opts);
			bool want = strcmp(types[t], rows[i].type) == 0;
			CHECK_MSG(xt_run(&e, &k) == want, "row %zu --pkt-type %s", i, types[t]);
			CHECK_MSG(xt_run(&inv, &k) == !want, "row %zu ! --pkt-type %s", i,
				  types[t]);
			free(e.data), free(inv.data);
		}
	}
}

/* ---- tcpmss match ---- */

TEST(tcpmss_match_reads_the_mss_option)
{
	struct xt_ext in = xt_mm("tcpmss", UPT_IPPROTO_TCP, "--mss 1000:1460");
	struct xt_ext out = xt_mm("tcpmss", UPT_IPPROTO_TCP, "! --mss 1000:1460");
	struct frame f;
	struct xt_pk k;

	xt_tcp_frame(&f, UPT_TCP_SYN, 1460);
	f.sack_perm = f.has_wscale = true;
	xt_pk_build(&k, &f);
	CHECK(xt_run(&in, &k) && !k.p.hotdrop);
	CHECK(!xt_run(&out, &k));
	xt_tcp_frame(&f, UPT_TCP_SYN, 1461);
	xt_pk_build(&k, &f);
	CHECK(!xt_run(&in, &k));
	CHECK(xt_run(&out, &k));
	/* No MSS option: only the inverted match is true. */
	xt_tcp_frame(&f, UPT_TCP_SYN, 0);
	f.has_wscale = true;
	xt_pk_build(&k, &f);
	CHECK(!xt_run(&in, &k));
	CHECK(xt_run(&out, &k));
	/* The option after a NOP, at an odd offset. */
	xt_tcp_frame(&f, UPT_TCP_SYN, 0);
	f.sack_perm = f.has_wscale = true; /* 01 01 04 02 01 03 03 ws */
	xt_pk_build(&k, &f);
	{
		uint8_t *o = k.buf + k.d.l4_off + 20;
		static const uint8_t opts[8] = {1, 2, 4, 0x04, 0x00, 1, 1, 0};

		memcpy(o, opts, sizeof(opts));
		CHECK(xt_run(&in, &k)); /* 1024 */
	}
	/* A data offset below 5 drops the packet (hotdrop). */
	xt_tcp_frame(&f, UPT_TCP_SYN, 1460);
	xt_pk_build(&k, &f);
	k.buf[k.d.l4_off + 12] = 0x40;
	CHECK(!xt_run(&in, &k) && k.p.hotdrop);
	free(in.data), free(out.data);
}

/* ---- u32 ---- */

TEST(u32_walks_locations_and_ranges_as_the_kernel)
{
	static const uint8_t data[8] = {'G', 'E', 'T', ' ', '/', 'x', 'y', 'z'};
	static const struct {
		const char *expr;
		bool want;
	} rows[] = {
	    {"0>>28=4", true},	/* IP version */
	    {"6&0xFF=6", true}, /* protocol TCP */
	    {"6&0xFF=17", false},
	    {"6&0xFF=1:5,6", true},			   /* second range */
	    {"0>>22&0x3C@0>>16=40000", true},		   /* source port through @ */
	    {"0>>22&0x3C@0&0xFFFF=80", true},		   /* destination port */
	    {"0>>22&0x3C@12>>26&0x3C@0=0x47455420", true}, /* first payload word "GET " */
	    {"0>>22&0x3C@12>>26&0x3C@4=0x2f78797a", true}, /* "/xyz" */
	    {"0>>22&0x3C@12>>26&0x3C@8=0", false},	   /* past the end: false */
	    {"44=0", false},				   /* 48-byte packet: 44 is the last word */
	    {"40=0x2f78797a", false},
	    {"44=0x2f78797a", true},
	    {"6&0xFF=6&&0>>28=5", false}, /* every test must hold */
	    {"0=5:1", false},		  /* empty range */
	    {"0&0xFFFF=48", true},	  /* total length */
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char opts[160];
		struct xt_ext e, inv;
		struct frame f;
		struct xt_pk k;

		xt_tcp_frame(&f, UPT_TCP_ACK | UPT_TCP_PSH, 0);
		f.payload = data;
		f.payload_len = sizeof(data);
		xt_pk_build(&k, &f);
		snprintf(opts, sizeof(opts), "--u32 %s", rows[i].expr);
		e = xt_mm("u32", 0, opts);
		snprintf(opts, sizeof(opts), "! --u32 %s", rows[i].expr);
		inv = xt_mm("u32", 0, opts);
		CHECK_MSG(xt_run(&e, &k) == rows[i].want, "row %zu: %s", i, rows[i].expr);
		CHECK_MSG(xt_run(&inv, &k) == !rows[i].want, "row %zu: ! %s", i, rows[i].expr);
		free(e.data), free(inv.data);
	}
}

/* ---- string ---- */

static bool string_on(const char *opts, const uint8_t *payload, size_t n)
{
	struct xt_ext e = xt_mm("string", 0, opts);
	struct frame f;
	struct xt_pk k;
	bool r;

	frame_init(&f, UPT_IPPROTO_UDP, "198.51.100.2", 1000, "192.168.1.2", 53);
	f.payload = payload;
	f.payload_len = n;
	xt_pk_build(&k, &f);
	r = e.m ? xt_run(&e, &k) : false;
	free(e.data);
	return r;
}

TEST(string_searches_the_ip_packet_within_from_and_to)
{
	/* The payload starts at offset 28 of the IP packet (20 + 8). */
	static const uint8_t pl[] = "xxGET /index.html HTTP/1.1";
	size_t n = sizeof(pl) - 1;
	static const struct {
		const char *opts;
		bool want;
	} rows[] = {
	    {"--string GET --algo bm", true},
	    {"--string GET --algo kmp", true},
	    {"--string get --algo bm", false},
	    {"--string get --algo bm --icase", true},
	    {"--string gEt --algo kmp --icase", true},
	    {"! --string GET --algo kmp", false},
	    {"--string POST --algo bm", false},
	    {"! --string POST --algo bm", true},
	    {"--hex-string |474554| --algo bm", true},
	    /* "GET" occupies offsets 30..32: it must end at or before --to */
	    {"--string GET --algo bm --to 33", true},
	    {"--string GET --algo bm --to 32", false},
	    {"--string GET --algo kmp --from 30", true},
	    {"--string GET --algo kmp --from 31", false},
	    {"--string GET --algo bm --from 30 --to 33", true},
	    /* offset 0 is the IP header: version/IHL 0x45 then TOS 0 */
	    {"--hex-string |4500| --algo bm --to 2", true},
	    {"--string 1.1 --algo bm --from 1000", false},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECK_MSG(string_on(rows[i].opts, pl, n) == rows[i].want, "row %zu: %s", i,
			  rows[i].opts);
}

TEST(string_icase_folds_latin1_letters_as_the_kernel_ctype)
{
	static const uint8_t upper[] = {0xc9, 'T', 0xc9}; /* ÉTÉ in ISO 8859-1 */
	static const uint8_t lower[] = {0xe9, 't', 0xe9}; /* été */
	static const uint8_t sharp[] = {0xdf};		  /* ß: lower, folds to 0xbf */

	CHECK(string_on("--hex-string |e974e9| --algo kmp --icase", upper, 3));
	CHECK(string_on("--hex-string |c954c9| --algo bm --icase", lower, 3));
	CHECK(!string_on("--hex-string |c954c9| --algo bm", lower, 3));
	CHECK(string_on("--hex-string |bf| --algo kmp --icase", sharp, 1));
}

/* Naive reference: the first position of pat in text, or -1. */
static long naive_find(const uint8_t *text, size_t n, const uint8_t *pat, size_t m)
{
	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(text + i, pat, m) == 0)
			return (long)i;
	return -1;
}

/*
 * The kernel's BM and KMP find what a naive search finds on random
 * packets over a small alphabet (many partial matches, all pattern
 * shapes); the from/to window is applied to the first occurrence only,
 * as skb_find_text does.
 */
TEST(string_bm_and_kmp_agree_with_a_naive_search)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	unsigned disagreements = 0;

	for (int round = 0; round < 3000; round++) {
		uint8_t pl[64], pat[8];
		char hex[64], opts[160];
		size_t n = 8 + round % 50, m = 1 + round % 6;
		int from = (round / 7) % 40, to = from + (round / 3) % 60;

		for (size_t i = 0; i < n; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			pl[i] = (uint8_t)('a' + (seed >> 33) % 3);
		}
		for (size_t i = 0; i < m; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			pat[i] = (uint8_t)('a' + (seed >> 33) % 3);
		}
		for (size_t i = 0; i < m; i++)
			snprintf(hex + 2 * i, 3, "%02x", pat[i]);
		/* Naive over the whole IP packet: 28 header bytes (no 'a'..'c' there) + payload. */
		long first = -1;
		if ((size_t)from < 28 + n) {
			long at = naive_find(pl + (from > 28 ? from - 28 : 0),
					     n - (size_t)(from > 28 ? from - 28 : 0), pat, m);
			if (at >= 0)
				first = at + (from > 28 ? from - 28 : 0) + 28 - from;
		}
		bool want = first >= 0 && first + (long)m <= to - from;
		for (int algo = 0; algo < 2; algo++) {
			snprintf(opts, sizeof(opts),
				 "--hex-string |%s| --algo %s --from %d --to %d", hex,
				 algo ? "kmp" : "bm", from, to);
			if (string_on(opts, pl, n) != want)
				disagreements++;
		}
	}
	CHECK_EQ(disagreements, 0);
}

/* ---- targets ---- */

TEST(dscp_tos_ttl_targets_rewrite_with_a_valid_header_checksum)
{
	static const struct {
		const char *name, *opts;
		uint8_t tos, ttl;
		uint8_t want_tos, want_ttl;
	} rows[] = {
	    {"DSCP", "--set-dscp 0x2e", 0x00, 64, 0xb8, 64},
	    {"DSCP", "--set-dscp 0x2e", 0x03, 64, 0xbb, 64}, /* ECN bits kept */
	    {"DSCP", "--set-dscp-class CS1", 0xb9, 64, 0x21, 64},
	    {"TOS", "--set-tos 0x10/0x3f", 0xc4, 64, 0xd0, 64},
	    {"TOS", "--set-tos 0x1f", 0xc4, 64, 0x1f, 64},
	    {"TOS", "--and-tos 0x0f", 0xc4, 64, 0x04, 64},
	    {"TOS", "--or-tos 0x01", 0xc4, 64, 0xc5, 64},
	    {"TOS", "--xor-tos 0x05", 0xc4, 64, 0xc1, 64},
	    {"TTL", "--ttl-set 7", 0, 64, 0, 7},
	    {"TTL", "--ttl-inc 10", 0, 250, 0, 255}, /* stops at 255 */
	    {"TTL", "--ttl-dec 10", 0, 5, 0, 0},     /* stops at 0 */
	    {"TTL", "--ttl-dec 1", 0, 64, 0, 63},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct xt_ext e = xt_tg(rows[i].name, 0, rows[i].opts);
		struct frame f;
		struct xt_pk k;

		frame_init(&f, UPT_IPPROTO_UDP, "198.51.100.2", 1000, "192.168.1.2", 53);
		f.tos = rows[i].tos;
		f.ttl = rows[i].ttl;
		xt_pk_build(&k, &f);
		CHECK_EQ(e.t->target(e.data, &k.p), UPT_V_CONTINUE);
		CHECK_MSG(xt_ip_of(&k)[1] == rows[i].want_tos &&
			      xt_ip_of(&k)[8] == rows[i].want_ttl,
			  "row %zu: %s %s: tos 0x%02x ttl %u", i, rows[i].name, rows[i].opts,
			  xt_ip_of(&k)[1], xt_ip_of(&k)[8]);
		CHECK_EQ(k.d.tos, rows[i].want_tos);
		CHECK_EQ(k.d.ttl, rows[i].want_ttl);
		CHECK(frame_ip_csum_ok(xt_ip_of(&k)));
		CHECK(frame_l4_csum_ok(xt_ip_of(&k)));
		free(e.data);
	}
}

static uint16_t mss_of(const struct xt_pk *k, int *at)
{
	const uint8_t *t = k->buf + k->d.l4_off;
	int hdr = (t[12] >> 4) * 4;

	for (int i = 20; i + 4 <= hdr;) {
		if (t[i] == 2 && t[i + 1] == 4) {
			if (at)
				*at = i;
			return (uint16_t)(t[i + 2] << 8 | t[i + 3]);
		}
		i += t[i] < 2 || !t[i + 1] ? 1 : t[i + 1];
	}
	return 0;
}

TEST(tcpmss_set_lowers_never_raises_and_keeps_checksums)
{
	static const struct {
		uint16_t mss, set, want;
	} rows[] = {
	    {1460, 1400, 1400},
	    {1460, 1460, 1460},
	    {1000, 1400, 1000}, /* never increased */
	    {65535, 0, 0},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char opts[32];
		struct xt_ext e;
		struct frame f;
		struct xt_pk k;

		snprintf(opts, sizeof(opts), "--set-mss %u", rows[i].set);
		e = xt_tg("TCPMSS", UPT_IPPROTO_TCP, opts);
		xt_tcp_frame(&f, UPT_TCP_SYN, rows[i].mss);
		f.sack_perm = f.has_wscale = true;
		xt_pk_build(&k, &f);
		CHECK_EQ(e.t->target(e.data, &k.p), UPT_V_CONTINUE);
		CHECK_EQ(mss_of(&k, NULL), rows[i].want);
		CHECK(frame_l4_csum_ok(xt_ip_of(&k)));
		free(e.data);
	}
}

TEST(tcpmss_rewrites_an_option_at_an_odd_offset)
{
	struct xt_ext e = xt_tg("TCPMSS", UPT_IPPROTO_TCP, "--set-mss 1200");
	static const uint8_t opts[8] = {1, 2, 4, 0x05, 0xb4, 1, 1, 0};
	struct frame f;
	struct xt_pk k;
	int at = 0;

	xt_tcp_frame(&f, UPT_TCP_SYN, 0);
	f.sack_perm = f.has_wscale = true;
	xt_pk_build(&k, &f);
	memcpy(k.buf + k.d.l4_off + 20, opts, sizeof(opts));
	upt_pkt_fill_l4_csum(&k.d);
	CHECK(frame_l4_csum_ok(xt_ip_of(&k)));
	CHECK_EQ(e.t->target(e.data, &k.p), UPT_V_CONTINUE);
	CHECK_EQ(mss_of(&k, &at), 1200);
	CHECK_EQ(at, 21);
	CHECK(frame_l4_csum_ok(xt_ip_of(&k)));
	free(e.data);
}

TEST(tcpmss_adds_a_536_option_to_a_syn_without_one)
{
	struct xt_ext e = xt_tg("TCPMSS", UPT_IPPROTO_TCP, "--set-mss 1400");
	struct xt_ext small = xt_tg("TCPMSS", UPT_IPPROTO_TCP, "--set-mss 500");
	static const uint8_t data[4] = {1, 2, 3, 4};
	struct frame f;
	struct xt_pk k;
	uint32_t before;

	xt_tcp_frame(&f, UPT_TCP_SYN, 0);
	f.has_wscale = true; /* 01 03 03 ws: header 24 bytes */
	xt_pk_build(&k, &f);
	before = k.d.frame_len;
	CHECK_EQ(e.t->target(e.data, &k.p), UPT_V_CONTINUE);
	CHECK_EQ(mss_of(&k, NULL), 536); /* RFC 1122 default, min(1400, 536) */
	CHECK_EQ(k.d.ip_len, 48);
	CHECK_EQ(k.d.tcp_doff, 28);
	CHECK_EQ(k.d.frame_len, before + 4);
	CHECK_EQ((k.buf[k.d.l4_off + 12] >> 4) * 4, 28);
	CHECK_EQ(k.buf[k.d.l4_off + 24], 1); /* the window-scale option moved up */
	CHECK_EQ(k.buf[k.d.l4_off + 25], 3);
	CHECK(frame_ip_csum_ok(xt_ip_of(&k)));
	CHECK(frame_l4_csum_ok(xt_ip_of(&k)));
	/* A smaller value is used as is. */
	xt_tcp_frame(&f, UPT_TCP_SYN, 0);
	xt_pk_build(&k, &f);
	CHECK_EQ(small.t->target(small.data, &k.p), UPT_V_CONTINUE);
	CHECK_EQ(mss_of(&k, NULL), 500);
	CHECK(frame_l4_csum_ok(xt_ip_of(&k)));
	/* Data after the header: left alone. */
	xt_tcp_frame(&f, UPT_TCP_SYN, 0);
	f.payload = data;
	f.payload_len = sizeof(data);
	xt_pk_build(&k, &f);
	CHECK_EQ(e.t->target(e.data, &k.p), UPT_V_CONTINUE);
	CHECK_EQ(k.d.ip_len, 44);
	CHECK_EQ(mss_of(&k, NULL), 0);
	/* No room to grow the frame: dropped, as when the kernel cannot expand the skb. */
	xt_tcp_frame(&f, UPT_TCP_SYN, 0);
	xt_pk_build(&k, &f);
	k.p.frame_cap = k.d.frame_len;
	CHECK_EQ(e.t->target(e.data, &k.p), UPT_V_DROP);
	CHECK_EQ(k.p.drop_reason, UPT_DROP_TCPMSS_DROP);
	CHECK_EQ(k.d.ip_len, 40);
	/* A non-first fragment passes untouched. */
	xt_tcp_frame(&f, UPT_TCP_SYN, 1460);
	f.frag_offset = 3;
	xt_pk_build(&k, &f);
	CHECK_EQ(e.t->target(e.data, &k.p), UPT_V_CONTINUE);
	free(e.data), free(small.data);
}

TEST(tcpmss_clamp_is_refused_outside_forward_output_postrouting)
{
	struct xt_ext e;

	CHECK(xt_build(&e, true, "TCPMSS", UPT_IPPROTO_TCP, "--clamp-mss-to-pmtu",
		       1u << UPT_HOOK_PRE_ROUTING) != 0);
	free(e.data);
	CHECK(xt_build(&e, true, "TCPMSS", UPT_IPPROTO_TCP, "--clamp-mss-to-pmtu",
		       1u << UPT_HOOK_POST_ROUTING) == 0);
	free(e.data);
	CHECK(xt_build(&e, true, "TCPMSS", UPT_IPPROTO_TCP, "--set-mss 1000",
		       1u << UPT_HOOK_PRE_ROUTING) == 0);
	free(e.data);
	CHECK(xt_build(&e, true, "TCPMSS", 0, "--set-mss 1000", 0) != 0); /* needs -p tcp */
	free(e.data);
}

TEST(checksum_fill_completes_locally_generated_tcp_and_udp_only)
{
	struct xt_ext e = xt_tg("CHECKSUM", 0, "--checksum-fill");
	static const uint8_t data[5] = {'h', 'e', 'l', 'l', 'o'};
	struct frame f;
	struct xt_pk k;

	/* Local output with the checksum left unfinished (as for offload): filled. */
	frame_init(&f, UPT_IPPROTO_UDP, "192.168.1.1", 67, "192.168.1.2", 68);
	f.no_eth = true;
	f.payload = data;
	f.payload_len = sizeof(data);
	xt_pk_build(&k, &f);
	k.buf[k.d.l4_off + 6] = 0x12;
	k.buf[k.d.l4_off + 7] = 0x34;
	CHECK(!frame_l4_csum_ok(xt_ip_of(&k)));
	k.p.hook = UPT_HOOK_POST_ROUTING;
	k.p.in_ifindex = 0;
	CHECK_EQ(e.t->target(e.data, &k.p), UPT_V_CONTINUE);
	CHECK(frame_l4_csum_ok(xt_ip_of(&k)));
	/* The same in OUTPUT, for TCP. */
	xt_tcp_frame(&f, UPT_TCP_SYN, 1460);
	f.no_eth = true;
	xt_pk_build(&k, &f);
	k.buf[k.d.l4_off + 16] ^= 0xff;
	k.p.hook = UPT_HOOK_LOCAL_OUT;
	CHECK_EQ(e.t->target(e.data, &k.p), UPT_V_CONTINUE);
	CHECK(frame_l4_csum_ok(xt_ip_of(&k)));
	/* A forwarded packet keeps the checksum its sender computed, right or wrong. */
	frame_init(&f, UPT_IPPROTO_UDP, "198.51.100.2", 1000, "192.168.1.2", 53);
	xt_pk_build(&k, &f);
	k.buf[k.d.l4_off + 7] ^= 0xff;
	k.p.hook = UPT_HOOK_POST_ROUTING;
	k.p.in_ifindex = 1;
	CHECK_EQ(e.t->target(e.data, &k.p), UPT_V_CONTINUE);
	CHECK(!frame_l4_csum_ok(xt_ip_of(&k)));
	free(e.data);
}

/* ---- TCPMSS --clamp-mss-to-pmtu through a whole engine ---- */

static struct upt_engine *clamp_gateway(void)
{
	static const char *const lines[] = {
	    "link eth0 address 02:00:00:00:00:01",
	    "link eth1 address 02:00:00:00:01:01 mtu 1400",
	    "addr add 198.51.100.1/24 dev eth0",
	    "addr add 192.168.1.1/24 dev eth1",
	    "sysctl net.ipv4.ip_forward=1",
	    "neigh add 198.51.100.2 lladdr 02:00:00:00:00:02 dev eth0",
	    "neigh add 192.168.1.2 lladdr 02:00:00:00:01:02 dev eth1",
	};
	static const char rules[] = "*mangle\n"
				    "-A FORWARD -p tcp -m tcp --tcp-flags SYN,RST SYN "
				    "-j TCPMSS --clamp-mss-to-pmtu\n"
				    "-A OUTPUT -p tcp -m tcp --tcp-flags SYN,RST SYN "
				    "-j TCPMSS --clamp-mss-to-pmtu\n"
				    "COMMIT\n";
	struct upt_engine_config cfg = {.seed = {1, 1}};
	struct upt_engine *eng = NULL;
	char err[256];

	CHECK_EQ(upt_engine_create(&cfg, &eng), 0);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		CHECK_MSG(upt_engine_config_line(eng, lines[i], err, sizeof(err)) == 0, "%s: %s",
			  lines[i], err);
	CHECK_MSG(upt_engine_restore(eng, rules, strlen(rules), 0, err, sizeof(err)) == 0, "%s",
		  err);
	return eng;
}

/* Forward one frame; the parsed result in k (k->d over the output frame). */
static struct upt_pkt forward_one(struct upt_engine *eng, const char *in, const struct frame *f,
				  uint8_t *buf, size_t cap, struct xt_pk *k)
{
	struct upt_pkt p = {.buf = buf, .cap = (uint32_t)cap, .off = UPT_PKT_HEADROOM};

	p.len = (uint32_t)frame_build(f, buf + p.off, cap - p.off);
	p.ifindex = upt_engine_ifindex(eng, in);
	upt_engine_process(eng, &p, 1, 1000000000ull);
	memset(k, 0, sizeof(*k));
	if (p.result == UPT_PKT_FORWARDED && p.len <= sizeof(k->buf)) {
		memcpy(k->buf, buf + p.off, p.len);
		CHECK_EQ(upt_pkt_parse_eth(&k->d, k->buf, p.len), 0);
	}
	return p;
}

TEST(tcpmss_clamps_to_the_smaller_of_egress_and_return_path_mtu)
{
	struct upt_engine *eng = clamp_gateway();
	static uint8_t buf[UPT_PKT_HEADROOM + FRAME_MAX];
	struct upt_pkt p;
	struct frame f;
	struct xt_pk k;

	/* Out of eth1 (MTU 1400): 1460 becomes 1400 - 40. */
	xt_tcp_frame(&f, UPT_TCP_SYN, 1460);
	f.sack_perm = f.has_wscale = true;
	p = forward_one(eng, "eth0", &f, buf, sizeof(buf), &k);
	CHECK_EQ(p.result, UPT_PKT_FORWARDED);
	CHECK_EQ(mss_of(&k, NULL), 1360);
	CHECK(frame_ip_csum_ok(k.buf + 14));
	CHECK(frame_l4_csum_ok(k.buf + 14));
	/* The reply direction leaves by eth0 (1500) but the way back to its source is eth1. */
	frame_init(&f, UPT_IPPROTO_TCP, "192.168.1.2", 80, "198.51.100.2", 40000);
	memcpy(f.src_mac, (uint8_t[]){2, 0, 0, 0, 1, 2}, 6);
	memcpy(f.dst_mac, (uint8_t[]){2, 0, 0, 0, 1, 1}, 6);
	f.tcp_flags = UPT_TCP_SYN | UPT_TCP_ACK;
	f.mss = 1460;
	p = forward_one(eng, "eth1", &f, buf, sizeof(buf), &k);
	CHECK_EQ(p.result, UPT_PKT_FORWARDED);
	CHECK_EQ(mss_of(&k, NULL), 1360);
	CHECK(frame_l4_csum_ok(k.buf + 14));
	/* A SYN without the option gets one of 536 and leaves 4 bytes longer. */
	xt_tcp_frame(&f, UPT_TCP_SYN, 0);
	f.sport = 40001;
	p = forward_one(eng, "eth0", &f, buf, sizeof(buf), &k);
	CHECK_EQ(p.result, UPT_PKT_FORWARDED);
	CHECK_EQ(p.len, 14u + 44u);
	CHECK_EQ(mss_of(&k, NULL), 536);
	CHECK(frame_ip_csum_ok(k.buf + 14));
	CHECK(frame_l4_csum_ok(k.buf + 14));
	upt_engine_destroy(eng);
}

/* Local output: the route's interface (eth1, 1400); the way back to a local source is lo. */
TEST(tcpmss_clamps_locally_generated_syns_to_the_route_mtu)
{
	struct upt_engine *eng = clamp_gateway();
	static uint8_t buf[UPT_PKT_HEADROOM + FRAME_MAX];
	struct upt_pkt p = {.buf = buf, .cap = sizeof(buf), .off = UPT_PKT_HEADROOM};
	struct xt_pk k;
	struct frame f;

	frame_init(&f, UPT_IPPROTO_TCP, "192.168.1.1", 40000, "192.168.1.2", 80);
	f.no_eth = true;
	f.tcp_flags = UPT_TCP_SYN;
	f.mss = 65495;
	p.len = (uint32_t)frame_build(&f, buf + p.off, sizeof(buf) - p.off);
	upt_engine_output(eng, &p, 1, 1000000000ull);
	CHECK_EQ(p.result, UPT_PKT_SENT);
	memset(&k, 0, sizeof(k));
	memcpy(k.buf, buf + p.off, p.len);
	CHECK_EQ(upt_pkt_parse_eth(&k.d, k.buf, p.len), 0);
	CHECK_EQ(mss_of(&k, NULL), 1360);
	CHECK(frame_l4_csum_ok(k.buf + 14));
	upt_engine_destroy(eng);
}

/*
 * DSCP/TOS/TTL in mangle FORWARD, replaying tests/kernel/ext_mangle_probe.sh:
 * the TOS and TTL each datagram left the kernel's gateway with (kernel 6.18,
 * 2026-11-24).  The TTL rules run after the forwarding decrement, and a
 * datagram decremented to 0 by the rule is still sent, as by the kernel.
 */
TEST(mangle_forward_rewrites_are_the_kernels)
{
	static const char *const lines[] = {
	    "link eth0 address 02:00:00:00:00:01",
	    "link eth1 address 02:00:00:00:01:01",
	    "addr add 198.51.100.1/24 dev eth0",
	    "addr add 192.168.1.1/24 dev eth1",
	    "sysctl net.ipv4.ip_forward=1",
	    "neigh add 192.168.1.2 lladdr 02:00:00:00:01:02 dev eth1",
	};
	static const char rules[] =
	    "*mangle\n"
	    "-A FORWARD -p udp -m udp --dport 3001 -j DSCP --set-dscp 0x2e\n"
	    "-A FORWARD -p udp -m udp --dport 3002 -j TOS --set-tos 0x10/0x3f\n"
	    "-A FORWARD -p udp -m udp --dport 3003 -j TOS --and-tos 0x0f\n"
	    "-A FORWARD -p udp -m udp --dport 3004 -j TOS --or-tos 0x01\n"
	    "-A FORWARD -p udp -m udp --dport 3005 -j TOS --xor-tos 0x05\n"
	    "-A FORWARD -p udp -m udp --dport 3006 -j TTL --ttl-set 7\n"
	    "-A FORWARD -p udp -m udp --dport 3007 -j TTL --ttl-inc 10\n"
	    "-A FORWARD -p udp -m udp --dport 3008 -j TTL --ttl-dec 10\n"
	    "-A FORWARD -p udp -m udp --dport 3009 -j DSCP --set-dscp-class AF41\n"
	    "COMMIT\n";
	static const struct {
		uint16_t dport;
		uint8_t tos, ttl;	  /* sent */
		uint8_t out_tos, out_ttl; /* seen leaving the kernel's gateway */
	} rows[] = {
	    {3001, 0x03, 64, 0xbb, 63}, {3001, 0xb8, 64, 0xb8, 63},   {3002, 0xc4, 64, 0xd0, 63},
	    {3003, 0xc4, 64, 0x04, 63}, {3004, 0xc4, 64, 0xc5, 63},   {3005, 0xc4, 64, 0xc1, 63},
	    {3006, 0x00, 64, 0x00, 7},	{3007, 0x00, 250, 0x00, 255}, {3008, 0x00, 5, 0x00, 0},
	    {3009, 0x00, 64, 0x88, 63},
	};
	static const uint8_t data[5] = {'p', 'r', 'o', 'b', 'e'};
	static uint8_t buf[UPT_PKT_HEADROOM + FRAME_MAX];
	struct upt_engine_config cfg = {.seed = {1, 1}};
	struct upt_engine *eng = NULL;
	char err[256];

	CHECK_EQ(upt_engine_create(&cfg, &eng), 0);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		CHECK_MSG(upt_engine_config_line(eng, lines[i], err, sizeof(err)) == 0, "%s: %s",
			  lines[i], err);
	CHECK_MSG(upt_engine_restore(eng, rules, strlen(rules), 0, err, sizeof(err)) == 0, "%s",
		  err);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct upt_pkt p;
		struct frame f;
		struct xt_pk k;

		frame_init(&f, UPT_IPPROTO_UDP, "198.51.100.2", (uint16_t)(5000 + rows[i].tos),
			   "192.168.1.2", rows[i].dport);
		f.tos = rows[i].tos;
		f.ttl = rows[i].ttl;
		f.payload = data;
		f.payload_len = sizeof(data);
		p = forward_one(eng, "eth0", &f, buf, sizeof(buf), &k);
		CHECK_MSG(p.result == UPT_PKT_FORWARDED, "row %zu: result %u", i, p.result);
		if (p.result != UPT_PKT_FORWARDED)
			continue;
		CHECK_MSG(k.buf[15] == rows[i].out_tos && k.buf[22] == rows[i].out_ttl,
			  "row %zu: tos 0x%02x ttl %u", i, k.buf[15], k.buf[22]);
		CHECK(frame_ip_csum_ok(k.buf + 14));
		CHECK(frame_l4_csum_ok(k.buf + 14));
	}
	upt_engine_destroy(eng);
}

int main(void)
{
	RUN(dscp_tos_ecn_length_ttl_read_the_ip_header);
	RUN(ecn_tcp_bits_are_the_ece_and_cwr_flags);
	RUN(mac_source_needs_an_ethernet_header);
	RUN(pkttype_follows_the_ethernet_destination);
	RUN(tcpmss_match_reads_the_mss_option);
	RUN(u32_walks_locations_and_ranges_as_the_kernel);
	RUN(string_searches_the_ip_packet_within_from_and_to);
	RUN(string_icase_folds_latin1_letters_as_the_kernel_ctype);
	RUN(string_bm_and_kmp_agree_with_a_naive_search);
	RUN(dscp_tos_ttl_targets_rewrite_with_a_valid_header_checksum);
	RUN(tcpmss_set_lowers_never_raises_and_keeps_checksums);
	RUN(tcpmss_rewrites_an_option_at_an_odd_offset);
	RUN(tcpmss_adds_a_536_option_to_a_syn_without_one);
	RUN(tcpmss_clamp_is_refused_outside_forward_output_postrouting);
	RUN(checksum_fill_completes_locally_generated_tcp_and_udp_only);
	RUN(tcpmss_clamps_to_the_smaller_of_egress_and_return_path_mtu);
	RUN(tcpmss_clamps_locally_generated_syns_to_the_route_mtu);
	RUN(mangle_forward_rewrites_are_the_kernels);
	return check_report("test_ext_packet");
}

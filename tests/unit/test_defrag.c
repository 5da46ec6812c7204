/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv4 reassembly at PREROUTING and fragmentation on output, through a
 * whole engine set up as tests/kernel/scenarios/fragments (a UDP port
 * forward 198.51.100.1:5000 -> 192.168.1.2).
 *
 * Expected bytes: what the kernel sent in that scenario (kernel 6.18,
 * 2026-11-24): a 3000-byte UDP datagram that arrived as fragments of
 * 1480 + 1480 + 48 payload bytes leaves as the same three pieces (frames
 * of 1514, 1514 and 82 bytes), same IP ID, TTL - 1, offsets 0/185/370,
 * MF on the first two, no DF; tests/kernel/scenarios/frag_edge showed that
 * the pieces follow the received fragments when they all fit (also for
 * irregular sizes, and without DF even when DF came in).  The pieces
 * expected here are cut from the expected whole datagram by a naive slicer
 * in this file (header copied, total length, flags and offset set, checksum
 * by frames.c's reference code), following ip_do_fragment: the received
 * fragments' lines when they fit, else pieces of (MTU - header) bytes
 * rounded down to a multiple of 8.
 * Queue rules follow ip_frag_queue / inet_frag_queue_insert (duplicates
 * inside a run dropped alone, other overlaps kill the queue, 30 s
 * ipfrag_time from the queue's creation).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/defrag.h"
#include "core/engine.h"
#include "frames.h"

#define NS   1000000000ull
#define BIG  (UPT_PKT_HEADROOM + 70000)
#define MAXS 80

struct sent {
	uint32_t ifindex;
	uint32_t len;
	uint8_t frame[2048];
};

static struct sent sent[MAXS];
static unsigned nsent;

static void on_emit(void *ctx, uint32_t ifindex, const uint8_t *frame, uint32_t len, uint64_t now)
{
	(void)ctx, (void)now;
	if (nsent < MAXS && len <= sizeof(sent[0].frame)) {
		sent[nsent].ifindex = ifindex;
		sent[nsent].len = len;
		memcpy(sent[nsent].frame, frame, len);
	}
	nsent++;
}

static const uint8_t mac_gw0[6] = {2, 0, 0, 0, 0, 1}, mac_gw1[6] = {2, 0, 0, 0, 1, 1};
static const uint8_t mac_client[6] = {2, 0, 0, 0, 0, 2}, mac_server[6] = {2, 0, 0, 0, 1, 2};

static const char port_forward[] =
	"*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
	":POSTROUTING ACCEPT [0:0]\n"
	"-A PREROUTING -i eth0 -p udp -m udp --dport 5000 -j DNAT --to-destination 192.168.1.2\n"
	"COMMIT\n"
	"*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
	"-A FORWARD -d 192.168.1.2/32 -p udp -m udp --dport 5000 -j ACCEPT\n"
	"-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
	"-A INPUT -m conntrack --ctstate INVALID -j DROP\n"
	"COMMIT\n";

static struct upt_engine *gateway(const char *rules, const char *eth1_mtu)
{
	char eth1[96];
	const char *lines[] = {
		"link eth0 address 02:00:00:00:00:01",
		eth1,
		"addr add 198.51.100.1/24 dev eth0",
		"addr add 192.168.1.1/24 dev eth1",
		"neigh add 198.51.100.2 lladdr 02:00:00:00:00:02 dev eth0",
		"neigh add 192.168.1.2 lladdr 02:00:00:00:01:02 dev eth1",
		"sysctl net.ipv4.ip_forward=1",
	};
	struct upt_engine_config cfg = {.seed = {1, 1}, .emit = on_emit};
	struct upt_engine *eng = NULL;
	char err[256];
	size_t i;

	snprintf(eth1, sizeof(eth1), "link eth1 address 02:00:00:00:01:01%s%s",
		 eth1_mtu ? " mtu " : "", eth1_mtu ? eth1_mtu : "");
	nsent = 0;
	CHECK_EQ(upt_engine_create(&cfg, &eng), 0);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		CHECK_MSG(upt_engine_config_line(eng, lines[i], err, sizeof(err)) == 0, "%s: %s",
			  lines[i], err);
	if (rules)
		CHECK_MSG(upt_engine_restore(eng, rules, strlen(rules), 0, err, sizeof(err)) == 0,
			  "restore: %s", err);
	return eng;
}

static uint8_t payload[4000];

/* The whole datagram as a frame: 3000 bytes of UDP payload by default. */
static size_t whole(uint8_t *buf, size_t cap, const char *dst, const uint8_t dmac[6],
		    const uint8_t smac[6], uint8_t ttl, size_t plen, uint8_t tos, bool df)
{
	struct frame f;

	frame_init(&f, UPT_IPPROTO_UDP, "198.51.100.2", 6000, dst, 5000);
	memcpy(f.dst_mac, dmac, 6);
	memcpy(f.src_mac, smac, 6);
	f.ttl = ttl;
	f.ip_id = 37783;
	f.tos = tos;
	f.df = df;
	f.payload = payload;
	f.payload_len = plen;
	return frame_build(&f, buf, cap);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * Reference slicer: the piece of the frame `w` (Ethernet + 20-byte IP
 * header) carrying payload bytes [off, off+len), with MF and DF as given.
 */
static size_t slice(const uint8_t *w, size_t off, size_t len, bool mf, bool df, uint8_t *out)
{
	uint8_t *ip = out + 14;

	memcpy(out, w, 14 + 20);
	memcpy(ip + 20, w + 14 + 20 + off, len);
	put16(ip + 2, (uint16_t)(20 + len));
	put16(ip + 6, (uint16_t)((df ? 0x4000 : 0) | (mf ? 0x2000 : 0) | (off / 8)));
	put16(ip + 10, 0);
	put16(ip + 10, frame_ref_csum(ip, 20, 0));
	return 14 + 20 + len;
}

static uint8_t pbuf[BIG];

static struct upt_pkt push_raw(struct upt_engine *eng, const char *ifname, const uint8_t *frame,
			       size_t len, uint32_t cap, uint64_t now)
{
	struct upt_pkt p = {.buf = pbuf, .cap = cap, .off = UPT_PKT_HEADROOM};

	memcpy(pbuf + p.off, frame, len);
	p.len = (uint32_t)len;
	p.ifindex = upt_engine_ifindex(eng, ifname);
	upt_engine_process(eng, &p, 1, now);
	return p;
}

/* The client's three fragments of the 3000-byte datagram (as Linux cuts it for MTU 1500). */
static uint8_t in_w[BIG], frag[4][2048];
static size_t frag_len[4];

static void client_fragments(uint8_t tos, bool df)
{
	size_t n = whole(in_w, sizeof(in_w), "198.51.100.1", mac_gw0, mac_client, 64, 3000, tos,
			 df);

	CHECK_EQ(n, 14 + 3028);
	frag_len[0] = slice(in_w, 0, 1480, true, df, frag[0]);
	frag_len[1] = slice(in_w, 1480, 1480, true, df, frag[1]);
	frag_len[2] = slice(in_w, 2960, 48, false, df, frag[2]);
}

static struct upt_pkt push_frag(struct upt_engine *eng, unsigned i, uint64_t now)
{
	return push_raw(eng, "eth0", frag[i], frag_len[i], sizeof(pbuf), now);
}

/* What must leave eth1: the DNATed datagram, TTL 63, cut back into the same three pieces. */
static void check_three_pieces_out(struct upt_engine *eng, uint8_t tos, bool df)
{
	static uint8_t out_w[BIG], want[2048];
	static const size_t off[3] = {0, 1480, 2960}, len[3] = {1480, 1480, 48};
	static const uint32_t flen[3] = {1514, 1514, 82};
	unsigned i;

	whole(out_w, sizeof(out_w), "192.168.1.2", mac_server, mac_gw1, 63, 3000, tos, df);
	CHECK_EQ(nsent, 3);
	for (i = 0; i < 3 && i < nsent; i++) {
		size_t n = slice(out_w, off[i], len[i], i < 2, df, want);

		CHECK_EQ(sent[i].ifindex, upt_engine_ifindex(eng, "eth1"));
		CHECK_EQ(sent[i].len, flen[i]);
		CHECK_EQ(n, flen[i]);
		CHECK_MSG(sent[i].len == n && memcmp(sent[i].frame, want, n) == 0,
			  "piece %u differs from ip_do_fragment's", i);
		CHECK(frame_ip_csum_ok(sent[i].frame + 14));
		CHECK_EQ(rd16(sent[i].frame + 14 + 4), 37783);
	}
}

TEST(in_order_fragments_are_reassembled_natted_and_cut_again_as_the_kernel_does)
{
	struct upt_engine *eng = gateway(port_forward, NULL);
	struct upt_pkt p;
	char *save = NULL;

	client_fragments(0, false);
	p = push_frag(eng, 0, 1 * NS);
	CHECK_EQ(p.result, UPT_PKT_HELD);
	CHECK_EQ(p.reason, UPT_DROP_DEFRAG_HELD);
	p = push_frag(eng, 1, 1 * NS);
	CHECK_EQ(p.result, UPT_PKT_HELD);
	CHECK_EQ(nsent, 0);
	p = push_frag(eng, 2, 1 * NS);
	CHECK_EQ(p.result, UPT_PKT_HELD);
	CHECK_EQ(p.reason, UPT_DROP_FRAG_SENT);
	CHECK_EQ(p.out_ifindex, upt_engine_ifindex(eng, "eth1"));
	check_three_pieces_out(eng, 0, false);
	/* Rules and conntrack saw one 3028-byte packet. */
	CHECK_EQ(upt_engine_ct_count(eng), 1);
	CHECK_EQ(upt_engine_save(eng, "filter", UPT_SAVE_COUNTERS, &save), 0);
	CHECK(save && strstr(save, "[1:3028] -A FORWARD -d 192.168.1.2/32"));
	free(save);
	CHECK_EQ(upt_defrag_queue_count(eng->defrag), 0);
	upt_engine_destroy(eng);
}

TEST(out_of_order_fragments_give_the_same_pieces)
{
	static const unsigned order[][3] = {{2, 0, 1}, {1, 2, 0}, {2, 1, 0}};
	unsigned k, i;

	for (k = 0; k < 3; k++) {
		struct upt_engine *eng = gateway(port_forward, NULL);
		struct upt_pkt p = {0};

		client_fragments(0, false);
		for (i = 0; i < 3; i++)
			p = push_frag(eng, order[k][i], 1 * NS);
		CHECK_EQ(p.reason, UPT_DROP_FRAG_SENT);
		check_three_pieces_out(eng, 0, false);
		upt_engine_destroy(eng);
	}
}

TEST(a_duplicate_fragment_is_dropped_alone)
{
	struct upt_engine *eng = gateway(port_forward, NULL);
	struct upt_pkt p;

	client_fragments(0, false);
	push_frag(eng, 0, NS);
	p = push_frag(eng, 0, NS);
	CHECK_EQ(p.result, UPT_PKT_DROPPED);
	CHECK_EQ(p.reason, UPT_DROP_DEFRAG_DUP);
	push_frag(eng, 2, NS);
	/* Inside the run [0, 1480): a duplicate too, though not an identical one. */
	{
		uint8_t part[2048];
		size_t n = slice(in_w, 8, 64, true, false, part);

		p = push_raw(eng, "eth0", part, n, sizeof(pbuf), NS);
		CHECK_EQ(p.reason, UPT_DROP_DEFRAG_DUP);
	}
	p = push_frag(eng, 1, NS);
	CHECK_EQ(p.reason, UPT_DROP_FRAG_SENT);
	check_three_pieces_out(eng, 0, false);
	CHECK_EQ(upt_engine_drop_count(eng, UPT_DROP_DEFRAG_DUP), 2);
	upt_engine_destroy(eng);
}

TEST(an_overlapping_fragment_drops_the_whole_datagram)
{
	struct upt_engine *eng = gateway(port_forward, NULL);
	struct upt_pkt p;
	uint8_t part[2048];
	size_t n;

	client_fragments(0, false);
	push_frag(eng, 0, NS);
	push_frag(eng, 2, NS);
	/* [1472, 1488) reaches into the first run: an overlap, not a duplicate. */
	n = slice(in_w, 1472, 16, true, false, part);
	p = push_raw(eng, "eth0", part, n, sizeof(pbuf), NS);
	CHECK_EQ(p.result, UPT_PKT_DROPPED);
	CHECK_EQ(p.reason, UPT_DROP_DEFRAG_OVERLAP);
	CHECK_EQ(upt_engine_drop_count(eng, UPT_DROP_DEFRAG_OVERLAP), 3); /* 2 held + this one */
	CHECK_EQ(upt_defrag_queue_count(eng->defrag), 0);
	/* The middle piece now starts a new queue that never completes. */
	p = push_frag(eng, 1, NS);
	CHECK_EQ(p.reason, UPT_DROP_DEFRAG_HELD);
	CHECK_EQ(nsent, 0);
	CHECK_EQ(upt_engine_ct_count(eng), 0);
	upt_engine_destroy(eng);
}

TEST(a_fragment_spanning_two_runs_is_an_overlap)
{
	struct upt_engine *eng = gateway(port_forward, NULL);
	uint8_t a[2048], b[2048], c[2048];
	struct upt_pkt p;

	client_fragments(0, false);
	/* [0,8) and [16,24), then [8,16) forms a third run between them. */
	push_raw(eng, "eth0", a, slice(in_w, 0, 8, true, false, a), sizeof(pbuf), NS);
	push_raw(eng, "eth0", b, slice(in_w, 16, 8, true, false, b), sizeof(pbuf), NS);
	p = push_raw(eng, "eth0", c, slice(in_w, 8, 8, true, false, c), sizeof(pbuf), NS);
	CHECK_EQ(p.reason, UPT_DROP_DEFRAG_HELD);
	/* [0,16) covers two runs exactly: the kernel calls that an overlap. */
	p = push_raw(eng, "eth0", a, slice(in_w, 0, 16, true, false, a), sizeof(pbuf), NS);
	CHECK_EQ(p.reason, UPT_DROP_DEFRAG_OVERLAP);
	CHECK_EQ(upt_defrag_queue_count(eng->defrag), 0);
	upt_engine_destroy(eng);
}

TEST(the_last_fragment_fixes_the_end)
{
	struct upt_engine *eng = gateway(port_forward, NULL);
	uint8_t a[2048];
	struct upt_pkt p;

	client_fragments(0, false);
	push_frag(eng, 2, NS); /* ends at 3008 */
	/* Another last fragment ending elsewhere: the datagram is corrupt. */
	p = push_raw(eng, "eth0", a, slice(in_w, 1480, 8, false, false, a), sizeof(pbuf), NS);
	CHECK_EQ(p.reason, UPT_DROP_DEFRAG_INVALID);
	CHECK_EQ(upt_engine_drop_count(eng, UPT_DROP_DEFRAG_INVALID), 2);
	/* Data beyond a known end. */
	push_frag(eng, 2, NS);
	p = push_raw(eng, "eth0", a, slice(in_w, 2960, 56, true, false, a), sizeof(pbuf), NS);
	CHECK_EQ(p.reason, UPT_DROP_DEFRAG_INVALID);
	/* A non-last fragment shorter than 8 bytes is cut to nothing. */
	p = push_raw(eng, "eth0", a, slice(in_w, 0, 7, true, false, a), sizeof(pbuf), NS);
	CHECK_EQ(p.reason, UPT_DROP_DEFRAG_INVALID);
	CHECK_EQ(upt_defrag_queue_count(eng->defrag), 0);
	upt_engine_destroy(eng);
}

TEST(a_queue_expires_30_s_after_its_first_fragment)
{
	struct upt_engine *eng = gateway(port_forward, NULL);
	struct upt_pkt p;

	client_fragments(0, false);
	push_frag(eng, 0, 10 * NS);
	push_frag(eng, 1, 39 * NS); /* a later fragment does not push the deadline back */
	upt_engine_tick(eng, 40 * NS - 1);
	CHECK_EQ(upt_defrag_queue_count(eng->defrag), 1);
	upt_engine_tick(eng, 40 * NS);
	CHECK_EQ(upt_defrag_queue_count(eng->defrag), 0);
	CHECK_EQ(upt_engine_drop_count(eng, UPT_DROP_DEFRAG_TIMEOUT), 2);
	/*
	 * For the gateway's own address (before DNAT), the kernel told the source
	 * (observed in frag_timeout): time exceeded, code 1, quoting 548 bytes of
	 * the first fragment as it came in.
	 */
	CHECK_EQ(nsent, 1);
	if (nsent == 1) {
		const uint8_t *ip = sent[0].frame + 14;

		CHECK_EQ(sent[0].ifindex, upt_engine_ifindex(eng, "eth0"));
		CHECK_EQ(sent[0].len, 14 + 20 + 8 + 548);
		CHECK_EQ(ip[20], 11);
		CHECK_EQ(ip[21], 1);
		CHECK(memcmp(ip + 28, frag[0] + 14, 548) == 0);
		CHECK(frame_ip_csum_ok(ip));
	}
	nsent = 0;
	p = push_frag(eng, 2, 40 * NS);
	CHECK_EQ(p.reason, UPT_DROP_DEFRAG_HELD);
	CHECK_EQ(nsent, 0);
	/* Without a tick, the expiry still applies when the next fragment looks the queue up;
	 * that queue never had the first fragment: nothing to quote, no error. */
	p = push_frag(eng, 0, 70 * NS);
	CHECK_EQ(p.reason, UPT_DROP_DEFRAG_HELD);
	CHECK_EQ(upt_engine_drop_count(eng, UPT_DROP_DEFRAG_TIMEOUT), 3);
	CHECK_EQ(nsent, 0);
	upt_engine_destroy(eng);
}

TEST(a_forwarded_datagram_times_out_silently)
{
	struct upt_engine *eng = gateway(port_forward, NULL);
	uint8_t f[2048];
	size_t n;

	client_fragments(0, false);
	whole(in_w, sizeof(in_w), "192.168.1.2", mac_gw0, mac_client, 64, 3000, 0, false);
	n = slice(in_w, 0, 1480, true, false, f);
	push_raw(eng, "eth0", f, n, sizeof(pbuf), NS);
	upt_engine_tick(eng, 31 * NS);
	CHECK_EQ(upt_engine_drop_count(eng, UPT_DROP_DEFRAG_TIMEOUT), 1);
	CHECK_EQ(nsent, 0);
	upt_engine_destroy(eng);
}

static void set_id(uint8_t *f, uint16_t id)
{
	put16(f + 14 + 4, id);
	put16(f + 14 + 10, 0);
	put16(f + 14 + 10, frame_ref_csum(f + 14, 20, 0));
}

/*
 * ipfrag_max_dist 64 (ip_frag_too_far): a queue whose source sent more than
 * 64 other fragments since its last one starts again, its held fragments
 * dropped.  Observed in frag_edge (70 in between: the datagram was lost).
 */
TEST(more_than_64_fragments_of_the_source_in_between_restart_a_queue)
{
	static const struct {
		unsigned pairs, lone; /* fragments in between: 2 * pairs + lone */
		bool lost;
	} rows[] = {{31, 1, false}, {32, 0, true}};
	static uint8_t small[256];
	size_t r;

	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		struct upt_engine *eng = gateway(port_forward, NULL);
		struct upt_pkt p;
		uint8_t a[2048], b[2048];
		unsigned k;

		client_fragments(0, false);
		push_frag(eng, 0, NS);
		whole(small, sizeof(small), "198.51.100.1", mac_gw0, mac_client, 64, 8, 0, false);
		for (k = 0; k < rows[r].pairs + rows[r].lone; k++) {
			size_t na = slice(small, 0, 8, true, false, a);
			size_t nb = slice(small, 8, 8, false, false, b);

			set_id(a, (uint16_t)(100 + k));
			set_id(b, (uint16_t)(100 + k));
			push_raw(eng, "eth0", a, na, sizeof(pbuf), NS);
			if (k < rows[r].pairs)
				push_raw(eng, "eth0", b, nb, sizeof(pbuf), NS);
		}
		nsent = 0;
		push_frag(eng, 1, NS);
		p = push_frag(eng, 2, NS);
		if (rows[r].lost) {
			CHECK_EQ(p.reason, UPT_DROP_DEFRAG_HELD);
			CHECK_EQ(upt_engine_drop_count(eng, UPT_DROP_DEFRAG_TOO_FAR), 1);
			CHECK_EQ(nsent, 0);
		} else {
			CHECK_EQ(p.reason, UPT_DROP_FRAG_SENT);
			CHECK_EQ(upt_engine_drop_count(eng, UPT_DROP_DEFRAG_TOO_FAR), 0);
			check_three_pieces_out(eng, 0, false);
		}
		upt_engine_destroy(eng);
	}
}

TEST(a_full_pool_drops_new_datagrams_and_evicts_nothing)
{
	struct upt_engine *eng = gateway(port_forward, NULL);
	struct upt_pkt p;
	unsigned i;

	client_fragments(0, false);
	for (i = 0; i < UPT_DEFRAG_QUEUES; i++) {
		uint8_t f[2048];
		size_t n = slice(in_w, 0, 1480, true, false, f);

		put16(f + 14 + 4, (uint16_t)(1000 + i));
		put16(f + 14 + 10, 0);
		put16(f + 14 + 10, frame_ref_csum(f + 14, 20, 0));
		p = push_raw(eng, "eth0", f, n, sizeof(pbuf), NS);
		CHECK_EQ(p.reason, UPT_DROP_DEFRAG_HELD);
	}
	p = push_frag(eng, 0, NS);
	CHECK_EQ(p.result, UPT_PKT_DROPPED);
	CHECK_EQ(p.reason, UPT_DROP_DEFRAG_NO_QUEUE);
	CHECK_EQ(upt_defrag_queue_count(eng->defrag), UPT_DEFRAG_QUEUES);
	/* Once the old queues time out there is room again. */
	upt_engine_tick(eng, 31 * NS);
	CHECK_EQ(upt_engine_drop_count(eng, UPT_DROP_DEFRAG_TIMEOUT), UPT_DEFRAG_QUEUES);
	CHECK_EQ(nsent, 6); /* time exceeded to the source: a burst of 6, then rate limited */
	nsent = 0;
	for (i = 0; i < 3; i++)
		p = push_frag(eng, i, 31 * NS);
	CHECK_EQ(p.reason, UPT_DROP_FRAG_SENT);
	check_three_pieces_out(eng, 0, false);
	upt_engine_destroy(eng);
}

/* Observed (frag_edge): reused fragment lines never carry DF, whatever came in. */
TEST(df_fragments_leave_along_their_own_lines_without_df)
{
	struct upt_engine *eng = gateway(port_forward, NULL);
	struct upt_pkt p = {0};
	unsigned i;

	client_fragments(0, true);
	for (i = 0; i < 3; i++)
		p = push_frag(eng, i, NS);
	CHECK_EQ(p.reason, UPT_DROP_FRAG_SENT);
	check_three_pieces_out(eng, 0, false);
	upt_engine_destroy(eng);
}

/*
 * Observed (frag_edge): the kernel sends a reassembled datagram out cut where
 * it came in when every fragment fits: 1000 + 1008 + 1000 stays so, and a
 * 1003-byte non-last fragment (cut to 1000 on arrival) + 1480 + 528 too.
 */
TEST(irregular_fragments_leave_cut_where_they_came_in)
{
	static const struct {
		size_t off[3], len[3];  /* what the sender sent */
		size_t keep[3];         /* payload of each piece leaving */
	} rows[] = {
		{{0, 1000, 2008}, {1000, 1008, 1000}, {1000, 1008, 1000}},
		{{0, 1000, 2480}, {1003, 1480, 528}, {1000, 1480, 528}},
	};
	static uint8_t out_w[BIG], want[2048];
	size_t r, i;

	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		struct upt_engine *eng = gateway(port_forward, NULL);
		struct upt_pkt p = {0};
		size_t off = 0;

		client_fragments(0, false);
		for (i = 0; i < 3; i++) {
			uint8_t f[2048];
			size_t n = slice(in_w, rows[r].off[i], rows[r].len[i], i < 2, false, f);

			p = push_raw(eng, "eth0", f, n, sizeof(pbuf), NS);
		}
		CHECK_EQ(p.reason, UPT_DROP_FRAG_SENT);
		CHECK_EQ(nsent, 3);
		whole(out_w, sizeof(out_w), "192.168.1.2", mac_server, mac_gw1, 63, 3000, 0, false);
		for (i = 0; i < 3 && i < nsent; i++) {
			size_t n = slice(out_w, off, rows[r].keep[i], i < 2, false, want);

			CHECK_MSG(sent[i].len == n && memcmp(sent[i].frame, want, n) == 0,
				  "row %zu piece %zu", r, i);
			off += rows[r].keep[i];
		}
		upt_engine_destroy(eng);
	}
}

TEST(df_fragments_larger_than_the_egress_mtu_get_frag_needed)
{
	struct upt_engine *eng = gateway(port_forward, "1400");
	struct upt_pkt p = {0};
	unsigned i;

	client_fragments(0, true);
	for (i = 0; i < 3; i++)
		p = push_frag(eng, i, NS);
	CHECK_EQ(p.result, UPT_PKT_DROPPED);
	CHECK_EQ(p.reason, UPT_DROP_FRAG_NEEDED);
	CHECK_EQ(nsent, 1);
	if (nsent == 1) {
		const uint8_t *ip = sent[0].frame + 14;

		CHECK_EQ(sent[0].ifindex, upt_engine_ifindex(eng, "eth0"));
		CHECK_EQ(ip[20], 3);
		CHECK_EQ(ip[21], 4);
		CHECK_EQ(rd16(ip + 26), 1400); /* next-hop MTU */
	}
	upt_engine_destroy(eng);
}

TEST(without_df_the_egress_mtu_cuts_smaller_pieces)
{
	static uint8_t out_w[BIG], want[2048];
	struct upt_engine *eng = gateway(port_forward, "1000");
	struct upt_pkt p = {0};
	unsigned i;
	/* Room of 1000 - 20 = 980 bytes, rounded down to 976. */
	static const size_t off[4] = {0, 976, 1952, 2928}, len[4] = {976, 976, 976, 80};

	client_fragments(0, false);
	for (i = 0; i < 3; i++)
		p = push_frag(eng, i, NS);
	CHECK_EQ(p.reason, UPT_DROP_FRAG_SENT);
	CHECK_EQ(nsent, 4);
	whole(out_w, sizeof(out_w), "192.168.1.2", mac_server, mac_gw1, 63, 3000, 0, false);
	for (i = 0; i < 4 && i < nsent; i++) {
		size_t n = slice(out_w, off[i], len[i], i < 3, false, want);

		CHECK_MSG(sent[i].len == n && memcmp(sent[i].frame, want, n) == 0, "piece %u", i);
	}
	upt_engine_destroy(eng);
}

TEST(an_unfragmented_packet_without_df_is_fragmented_on_output)
{
	static uint8_t w[BIG], out_w[BIG], want[2048];
	struct upt_engine *eng = gateway(port_forward, "1000");
	struct upt_pkt p;
	size_t n;
	unsigned i;
	static const size_t off[2] = {0, 976}, len[2] = {976, 1480 - 976};

	n = whole(w, sizeof(w), "198.51.100.1", mac_gw0, mac_client, 64, 1472, 0, false);
	p = push_raw(eng, "eth0", w, n, sizeof(pbuf), NS);
	CHECK_EQ(p.result, UPT_PKT_HELD);
	CHECK_EQ(p.reason, UPT_DROP_FRAG_SENT);
	CHECK_EQ(nsent, 2);
	whole(out_w, sizeof(out_w), "192.168.1.2", mac_server, mac_gw1, 63, 1472, 0, false);
	for (i = 0; i < 2 && i < nsent; i++) {
		size_t m = slice(out_w, off[i], len[i], i == 0, false, want);

		CHECK_MSG(sent[i].len == m && memcmp(sent[i].frame, want, m) == 0, "piece %u", i);
	}
	/* With DF: ICMP fragmentation needed, no pieces. */
	nsent = 0;
	n = whole(w, sizeof(w), "198.51.100.1", mac_gw0, mac_client, 64, 1472, 0, true);
	p = push_raw(eng, "eth0", w, n, sizeof(pbuf), 2 * NS);
	CHECK_EQ(p.result, UPT_PKT_DROPPED);
	CHECK_EQ(p.reason, UPT_DROP_FRAG_NEEDED);
	CHECK_EQ(nsent, 1);
	upt_engine_destroy(eng);
}

/* Put 8 bytes of IP options after the 20-byte header of frame w (n bytes); the new length. */
static size_t add_options(uint8_t *w, size_t n, const uint8_t opt[8])
{
	uint8_t *ip = w + 14;

	memmove(ip + 28, ip + 20, n - 14 - 20);
	memcpy(ip + 20, opt, 8);
	ip[0] = 0x47;
	put16(ip + 2, (uint16_t)(rd16(ip + 2) + 8));
	put16(ip + 10, 0);
	put16(ip + 10, frame_ref_csum(ip, 28, 0));
	return n + 8;
}

TEST(later_pieces_carry_only_the_options_marked_copied)
{
	static uint8_t w[BIG], out_w[BIG];
	/* An experimental option with the copied bit (0x9e) and one without (0x1e). */
	static const uint8_t opt[8] = {0x9e, 4, 0xaa, 0xbb, 0x1e, 4, 0xcc, 0xdd};
	static const uint8_t later[8] = {0x9e, 4, 0xaa, 0xbb, 1, 1, 1, 1};
	struct upt_engine *eng = gateway(port_forward, "1000");
	struct upt_pkt p;
	size_t n, m;
	unsigned i;
	/* Room 1000 - 28 = 972, rounded down to 968; 8 + 1464 bytes in all. */
	static const size_t off[2] = {0, 968}, len[2] = {968, 1472 - 968};

	n = whole(w, sizeof(w), "192.168.1.2", mac_gw0, mac_client, 64, 1464, 0, false);
	n = add_options(w, n, opt);
	m = whole(out_w, sizeof(out_w), "192.168.1.2", mac_server, mac_gw1, 63, 1464, 0, false);
	m = add_options(out_w, m, opt);
	p = push_raw(eng, "eth0", w, n, sizeof(pbuf), NS);
	CHECK_EQ(p.reason, UPT_DROP_FRAG_SENT);
	CHECK_EQ(nsent, 2);
	for (i = 0; i < 2 && i < nsent; i++) {
		uint8_t want[2048], *ip = want + 14;

		memcpy(want, out_w, 14 + 28);
		if (i > 0)
			memcpy(ip + 20, later, 8);
		memcpy(ip + 28, out_w + 14 + 28 + off[i], len[i]);
		put16(ip + 2, (uint16_t)(28 + len[i]));
		put16(ip + 6, (uint16_t)((i == 0 ? 0x2000 : 0) | (off[i] / 8)));
		put16(ip + 10, 0);
		put16(ip + 10, frame_ref_csum(ip, 28, 0));
		CHECK_MSG(sent[i].len == 14 + 28 + len[i] &&
				  memcmp(sent[i].frame, want, 14 + 28 + len[i]) == 0,
			  "piece %u", i);
	}
	CHECK(m == n);
	upt_engine_destroy(eng);
}

TEST(ecn_codepoints_merge_as_rfc_3168_says)
{
	struct upt_engine *eng = gateway(port_forward, NULL);
	struct upt_pkt p;

	/* CE on one fragment, ECT(0) on the others: the datagram carries CE. */
	client_fragments(2, false);
	push_frag(eng, 0, NS);
	push_frag(eng, 1, NS);
	client_fragments(3, false);
	p = push_frag(eng, 2, NS);
	CHECK_EQ(p.reason, UPT_DROP_FRAG_SENT);
	check_three_pieces_out(eng, 3, false);
	/* Not-ECT mixed with ECT(0): the datagram is dropped, held fragments with it. */
	nsent = 0;
	client_fragments(0, false);
	push_frag(eng, 0, NS);
	push_frag(eng, 1, NS);
	client_fragments(2, false);
	p = push_frag(eng, 2, NS);
	CHECK_EQ(p.result, UPT_PKT_DROPPED);
	CHECK_EQ(p.reason, UPT_DROP_DEFRAG_ECN);
	CHECK_EQ(upt_engine_drop_count(eng, UPT_DROP_DEFRAG_ECN), 3);
	CHECK_EQ(nsent, 0);
	upt_engine_destroy(eng);
}

TEST(local_delivery_gets_the_whole_datagram)
{
	static const char rules[] = "*filter\n:INPUT ACCEPT [0:0]\n"
				    "-A INPUT -m conntrack --ctstate NEW -j ACCEPT\nCOMMIT\n";
	struct upt_engine *eng = gateway(rules, NULL);
	struct upt_pkt p = {0};
	unsigned i;

	client_fragments(0, false);
	for (i = 0; i < 3; i++)
		p = push_frag(eng, i, NS);
	CHECK_EQ(p.result, UPT_PKT_LOCAL);
	CHECK_EQ(p.len, 14 + 3028);
	CHECK(p.len == 14 + 3028 && memcmp(p.buf + p.off, in_w, p.len) == 0);
	/* A caller buffer too small for the datagram: dropped, saying why. */
	for (i = 0; i < 3; i++)
		p = push_raw(eng, "eth0", frag[i], frag_len[i], UPT_PKT_HEADROOM + 2048, 2 * NS);
	CHECK_EQ(p.result, UPT_PKT_DROPPED);
	CHECK_EQ(p.reason, UPT_DROP_DEFRAG_NO_ROOM);
	upt_engine_destroy(eng);
}

TEST(without_conntrack_fragments_are_forwarded_one_by_one)
{
	static const char rules[] = "*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n";
	struct upt_engine *eng = gateway(rules, NULL);
	uint8_t f[2048];
	struct upt_pkt p;
	size_t n;

	client_fragments(0, false);
	/* To the LAN host directly (no DNAT without conntrack). */
	whole(in_w, sizeof(in_w), "192.168.1.2", mac_gw0, mac_client, 64, 3000, 0, false);
	n = slice(in_w, 1480, 1480, true, false, f);
	p = push_raw(eng, "eth0", f, n, sizeof(pbuf), NS);
	CHECK_EQ(p.result, UPT_PKT_FORWARDED);
	CHECK_EQ(p.len, n);
	CHECK_EQ(pbuf[p.off + 14 + 8], 63);
	CHECK_EQ(rd16(pbuf + p.off + 14 + 6), 0x2000 | 185);
	CHECK_EQ(upt_defrag_queue_count(eng->defrag), 0);
	upt_engine_destroy(eng);
}

TEST(locally_generated_packets_are_fragmented_too_but_not_reassembled)
{
	static uint8_t w[BIG];
	struct upt_engine *eng = gateway(port_forward, "1000");
	struct upt_pkt p = {.buf = pbuf, .cap = sizeof(pbuf), .off = UPT_PKT_HEADROOM};
	struct frame f;
	size_t n;

	frame_init(&f, UPT_IPPROTO_UDP, "192.168.1.1", 7000, "192.168.1.2", 7000);
	f.no_eth = true;
	f.payload = payload;
	f.payload_len = 1472;
	n = frame_build(&f, w, sizeof(w));
	memcpy(pbuf + p.off, w, n);
	p.len = (uint32_t)n;
	upt_engine_output(eng, &p, 1, NS);
	CHECK_EQ(p.result, UPT_PKT_HELD);
	CHECK_EQ(p.reason, UPT_DROP_FRAG_SENT);
	CHECK_EQ(nsent, 2);
	CHECK_EQ(sent[0].len, 14 + 20 + 976);
	CHECK_EQ(rd16(sent[0].frame + 14 + 6), 0x2000);
	CHECK_EQ(sent[1].len, 14 + 20 + 504);
	CHECK_EQ(rd16(sent[1].frame + 14 + 6), 976 / 8);
	/* A fragment handed to OUTPUT while conntrack runs: the kernel would
	 * reassemble it there; the engine refuses it, saying so. */
	f.mf = true;
	f.payload_len = 64;
	n = frame_build(&f, w, sizeof(w));
	p.off = UPT_PKT_HEADROOM;
	memcpy(pbuf + p.off, w, n);
	p.len = (uint32_t)n;
	upt_engine_output(eng, &p, 1, NS);
	CHECK_EQ(p.result, UPT_PKT_DROPPED);
	CHECK_EQ(p.reason, UPT_DROP_IP_FRAGMENT);
	upt_engine_destroy(eng);
}

int main(void)
{
	size_t i;

	/* A payload pattern, so a piece cut in the wrong place cannot match. */
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	RUN(in_order_fragments_are_reassembled_natted_and_cut_again_as_the_kernel_does);
	RUN(out_of_order_fragments_give_the_same_pieces);
	RUN(a_duplicate_fragment_is_dropped_alone);
	RUN(an_overlapping_fragment_drops_the_whole_datagram);
	RUN(a_fragment_spanning_two_runs_is_an_overlap);
	RUN(the_last_fragment_fixes_the_end);
	RUN(a_queue_expires_30_s_after_its_first_fragment);
	RUN(more_than_64_fragments_of_the_source_in_between_restart_a_queue);
	RUN(a_forwarded_datagram_times_out_silently);
	RUN(a_full_pool_drops_new_datagrams_and_evicts_nothing);
	RUN(df_fragments_leave_along_their_own_lines_without_df);
	RUN(irregular_fragments_leave_cut_where_they_came_in);
	RUN(df_fragments_larger_than_the_egress_mtu_get_frag_needed);
	RUN(without_df_the_egress_mtu_cuts_smaller_pieces);
	RUN(an_unfragmented_packet_without_df_is_fragmented_on_output);
	RUN(later_pieces_carry_only_the_options_marked_copied);
	RUN(ecn_codepoints_merge_as_rfc_3168_says);
	RUN(local_delivery_gets_the_whole_datagram);
	RUN(without_conntrack_fragments_are_forwarded_one_by_one);
	RUN(locally_generated_packets_are_fragmented_too_but_not_reassembled);
	return check_report("test_defrag");
}

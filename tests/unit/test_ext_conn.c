/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection-state extensions on the packet path: addrtype, connbytes,
 * connlimit, connmark/CONNMARK, helper, NOTRACK, CT and NETMAP.  Most run
 * through a whole engine (a gateway between eth0 198.51.100.1/24 and eth1
 * 192.168.1.1/24), because what they do lives in conntrack and NAT; the
 * mark arithmetic and the address types are also checked on single calls.
 *
 * Expected values come from the kernel: the connbytes table was measured on
 * the 6.18 kernel of this machine (2026-11-24, iptables 1.8.9, a UDP echo
 * of three 10-byte datagrams over lo in a private namespace: the per-rule
 * packet counts of INPUT and OUTPUT, which see every packet as FORWARD does
 * here); the address types follow `ip route show table local` on the same
 * kernel; CT's zone and "first CT wins" rows were run on it too (noted there);
 * connlimit's "third connection refused, a closed one frees its place" was
 * seen on it over lo (REJECT tcp-reset, then TIME_WAIT); the rest follows the
 * kernel sources named in each extension's file.  tests/kernel/scenarios/conn
 * runs most of them against the kernel frame by frame.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ext_conn_golden.h"
#include "frames.h"
#include "rules/ext.h"
#include "rules/rules.h"

#define NS 1000000000ull

static const uint8_t mac_gw1[6] = {2, 0, 0, 0, 1, 1};

static void on_emit(void *ctx, uint32_t ifindex, const uint8_t *frame, uint32_t len, uint64_t now)
{
	(void)ctx, (void)ifindex, (void)frame, (void)len, (void)now;
}

static struct upt_engine *gateway(const char *rules)
{
	static const char *const conf[] = {
	    "link eth0 address 02:00:00:00:00:01",
	    "link eth1 address 02:00:00:00:01:01",
	    "addr add 198.51.100.1/24 dev eth0",
	    "addr add 192.168.1.1/24 dev eth1",
	    "route add default via 198.51.100.254",
	    "sysctl net.ipv4.ip_forward=1",
	    "neigh add 198.51.100.2 lladdr 02:00:00:00:00:02 dev eth0",
	    "neigh add 198.51.100.3 lladdr 02:00:00:00:00:03 dev eth0",
	    "neigh add 198.51.100.254 lladdr 02:00:00:00:00:fe dev eth0",
	    "neigh add 192.168.1.2 lladdr 02:00:00:00:01:02 dev eth1",
	    "neigh add 192.168.1.3 lladdr 02:00:00:00:01:03 dev eth1",
	    "link eth2 address 02:00:00:00:02:01 down",
	    "addr add 10.7.0.1/24 dev eth2",
	};
	struct upt_engine_config cfg = {.seed = {1, 1}, .emit = on_emit};
	struct upt_engine *eng = NULL;
	char err[256];

	CHECK_EQ(upt_engine_create(&cfg, &eng), 0);
	for (size_t i = 0; i < sizeof(conf) / sizeof(conf[0]); i++)
		CHECK_MSG(upt_engine_config_line(eng, conf[i], err, sizeof(err)) == 0, "%s: %s",
			  conf[i], err);
	if (rules)
		CHECK_MSG(upt_engine_restore(eng, rules, strlen(rules), 0, err, sizeof(err)) == 0,
			  "restore: %s", err);
	return eng;
}

static void restore(struct upt_engine *eng, const char *rules)
{
	char err[256];

	CHECK_MSG(upt_engine_restore(eng, rules, strlen(rules), 0, err, sizeof(err)) == 0,
		  "restore: %s", err);
}

static uint8_t pbuf[UPT_PKT_HEADROOM + FRAME_MAX];

static struct upt_pkt push_mark(struct upt_engine *eng, const char *ifname, const struct frame *f,
				uint32_t mark, uint64_t now)
{
	struct upt_pkt p = {.buf = pbuf, .cap = sizeof(pbuf), .off = UPT_PKT_HEADROOM};

	p.len = (uint32_t)frame_build(f, pbuf + p.off, sizeof(pbuf) - p.off);
	p.ifindex = upt_engine_ifindex(eng, ifname);
	p.mark = mark;
	upt_engine_process(eng, &p, 1, now);
	return p;
}

static struct upt_pkt push(struct upt_engine *eng, const char *ifname, const struct frame *f,
			   uint64_t now)
{
	return push_mark(eng, ifname, f, 0, now);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Client (eth0 side) to server (eth1 side) and back. */
static void udp_orig(struct frame *f, const char *client, uint16_t sport, size_t payload_len)
{
	static const uint8_t payload[64] = "0123456789";

	frame_init(f, UPT_IPPROTO_UDP, client, sport, "192.168.1.2", 9999);
	f->payload = payload;
	f->payload_len = payload_len;
}

static void udp_reply(struct frame *f, const char *client, uint16_t sport, size_t payload_len)
{
	static const uint8_t payload[64] = "0123456789";

	frame_init(f, UPT_IPPROTO_UDP, "192.168.1.2", 9999, client, sport);
	memcpy(f->dst_mac, mac_gw1, 6);
	f->payload = payload;
	f->payload_len = payload_len;
}

/* Packet count of rule `n` (1-based) of `chain` in `table`, from the save listing with -c. */
static uint64_t rule_pkts(struct upt_engine *eng, const char *table, const char *chain, unsigned n)
{
	char *out = NULL, *line, *save = NULL, pfx[64];
	unsigned seen = 0;
	uint64_t pkts = UINT64_MAX;

	CHECK_EQ(upt_engine_save(eng, table, UPT_SAVE_COUNTERS, &out), 0);
	if (!out)
		return pkts;
	snprintf(pfx, sizeof(pfx), "] -A %s ", chain);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long p, b;

		if (line[0] != '[' || !strstr(line, pfx))
			continue;
		if (++seen == n && sscanf(line, "[%llu:%llu]", &p, &b) == 2)
			pkts = p;
	}
	free(out);
	return pkts;
}

/* ---- connbytes ---- */

TEST(connbytes_counts_each_direction_as_the_kernel_does)
{
	static const struct {
		const char *range, *dir, *mode;
		uint64_t pkts; /* rule hits over the 6 packets, kernel 6.18 */
	} rows[] = {
	    {"1:1", "original", "packets", 2}, {"2:2", "original", "packets", 2},
	    {"3:3", "original", "packets", 2}, {"38:38", "original", "bytes", 2},
	    {"76:76", "original", "bytes", 2}, {"1:1", "reply", "packets", 2},
	    {"3:3", "reply", "packets", 1},    {"4:4", "both", "packets", 1},
	    {"38:38", "both", "avgpkt", 6},
	};
	char rules[4096];
	size_t n = 0, i;
	struct upt_engine *eng;
	struct frame f;

	n += (size_t)snprintf(rules + n, sizeof(rules) - n, "*filter\n");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		n += (size_t)snprintf(rules + n, sizeof(rules) - n,
				      "-A FORWARD -p udp -m connbytes --connbytes %s "
				      "--connbytes-mode %s --connbytes-dir %s\n",
				      rows[i].range, rows[i].mode, rows[i].dir);
	snprintf(rules + n, sizeof(rules) - n, "COMMIT\n");
	eng = gateway(rules);
	for (i = 0; i < 3; i++) {
		/* 10 ms apart, as the kernel run: the flow is not yet a stream (not ASSURED). */
		udp_orig(&f, "198.51.100.2", 40000, 10);
		CHECK_EQ(push(eng, "eth0", &f, (i * 2 + 1) * NS / 100).result, UPT_PKT_FORWARDED);
		udp_reply(&f, "198.51.100.2", 40000, 10);
		CHECK_EQ(push(eng, "eth1", &f, (i * 2 + 2) * NS / 100).result, UPT_PKT_FORWARDED);
	}
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECK_MSG(rule_pkts(eng, "filter", "FORWARD", (unsigned)i + 1) == rows[i].pkts,
			  "connbytes %s %s %s: %llu hits, kernel %llu", rows[i].range, rows[i].dir,
			  rows[i].mode,
			  (unsigned long long)rule_pkts(eng, "filter", "FORWARD", (unsigned)i + 1),
			  (unsigned long long)rows[i].pkts);
	/* With accounting on, /proc shows the counters after each tuple; the kernel's line was
	 * "... sport=40000 dport=9999 packets=3 bytes=114 src=... sport=9999 dport=40000
	 * packets=3 bytes=114 mark=0 zone=0 use=2". */
	{
		char *out = NULL;

		CHECK_EQ(upt_engine_ct_proc(eng, NS, &out), 0);
		CHECK_MSG(
		    out && strstr(out, "sport=40000 dport=9999 packets=3 bytes=114 src=192.168.1.2 "
				       "dst=198.51.100.2 sport=9999 dport=40000 packets=3 "
				       "bytes=114 mark=0 zone=0 use=2\n"),
		    "%s", out ? out : "(null)");
		free(out);
	}
	upt_engine_destroy(eng);
}

TEST(connbytes_inverted_range_matches_outside_it)
{
	const char rules[] =
	    "*filter\n"
	    "-A FORWARD -p udp -m connbytes ! --connbytes 2:3 --connbytes-mode packets "
	    "--connbytes-dir original\nCOMMIT\n";
	struct upt_engine *eng = gateway(rules);
	struct frame f;

	/* Original packets 1..5: outside [2, 3] are 1, 4 and 5. */
	for (unsigned i = 0; i < 5; i++) {
		udp_orig(&f, "198.51.100.2", 40000, 10);
		push(eng, "eth0", &f, (i + 1) * NS);
	}
	CHECK_EQ(rule_pkts(eng, "filter", "FORWARD", 1), 3);
	upt_engine_destroy(eng);
}

/*
 * A ruleset that keeps conntrack running (the kernel tracks only while some
 * rule needs it) without accounting.
 */
static const char ct_loaded[] =
	"*filter\n-A FORWARD -p udp -m conntrack --ctstate NEW,ESTABLISHED\nCOMMIT\n";

TEST(connbytes_ignores_connections_from_before_accounting)
{
	const char with[] = "*filter\n-A FORWARD -p udp -m connbytes --connbytes 0 "
			    "--connbytes-mode packets --connbytes-dir both\nCOMMIT\n";
	struct upt_engine *eng = gateway(ct_loaded);
	struct frame f;

	/* Created while no connbytes rule existed: no counters, never matches. */
	udp_orig(&f, "198.51.100.2", 40000, 10);
	push(eng, "eth0", &f, NS);
	restore(eng, with);
	push(eng, "eth0", &f, 2 * NS);
	CHECK_EQ(rule_pkts(eng, "filter", "FORWARD", 1), 0);
	/* A connection created after the rule arrived has them. */
	udp_orig(&f, "198.51.100.2", 40001, 10);
	push(eng, "eth0", &f, 3 * NS);
	CHECK_EQ(rule_pkts(eng, "filter", "FORWARD", 1), 1);
	upt_engine_destroy(eng);
}

/* The sysctl alone, no connbytes rule (6.18, UDP over lo: acct=1, flow A; acct=0, flow B and
 * A again: "sport=40000 dport=9999 packets=2 bytes=76 [UNREPLIED] ... packets=0 bytes=0"
 * and B without counters). */
TEST(acct_sysctl_gives_counters_to_connections_created_while_on)
{
	struct upt_engine *eng = gateway(ct_loaded);
	struct upt_xt_pkt x;
	struct upt_ct_table *t;
	struct frame f;
	char buf[16], *out = NULL;

	memset(&x, 0, sizeof(x));
	x.eng = eng;
	t = upt_xt_ct_table(&x);
	CHECK_EQ(upt_ct_sysctl_get_str(t, "net.netfilter.nf_conntrack_acct", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "0");
	CHECK_EQ(upt_ct_sysctl_set_str(t, "net.netfilter.nf_conntrack_acct", "1"), 0);
	udp_orig(&f, "198.51.100.2", 40000, 10);
	push(eng, "eth0", &f, NS);
	CHECK_EQ(upt_ct_sysctl_set_str(t, "nf_conntrack_acct", "0"), 0);
	CHECK_EQ(upt_ct_sysctl_get_str(t, "nf_conntrack_acct", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "0");
	udp_orig(&f, "198.51.100.2", 40001, 10);
	push(eng, "eth0", &f, NS);
	udp_orig(&f, "198.51.100.2", 40000, 10);
	push(eng, "eth0", &f, NS);
	CHECK_EQ(upt_engine_ct_proc(eng, NS, &out), 0);
	CHECK_MSG(
	    out &&
		strstr(out, "sport=40000 dport=9999 packets=2 bytes=76 [UNREPLIED] src=192.168.1.2 "
			    "dst=198.51.100.2 sport=9999 dport=40000 packets=0 bytes=0 mark=0"),
	    "%s", out ? out : "");
	CHECK_MSG(out && strstr(out, "sport=40001 dport=9999 [UNREPLIED]"), "%s", out ? out : "");
	free(out);
	upt_engine_destroy(eng);
}

/* ---- connlimit ---- */

static void syn(struct frame *f, const char *client, uint16_t sport)
{
	frame_init(f, UPT_IPPROTO_TCP, client, sport, "192.168.1.2", 22);
	f->tcp_flags = UPT_TCP_SYN;
	f->seq = 1000;
}

TEST(connlimit_above_two_drops_the_third_connection_per_source)
{
	const char rules[] = "*filter\n-A FORWARD -p tcp --syn -m connlimit --connlimit-above 2 "
			     "-j DROP\nCOMMIT\n";
	struct upt_engine *eng = gateway(rules);
	struct frame f;

	syn(&f, "198.51.100.2", 40001);
	CHECK_EQ(push(eng, "eth0", &f, NS).result, UPT_PKT_FORWARDED);
	syn(&f, "198.51.100.2", 40002);
	CHECK_EQ(push(eng, "eth0", &f, NS).result, UPT_PKT_FORWARDED);
	syn(&f, "198.51.100.2", 40003);
	CHECK_EQ(push(eng, "eth0", &f, NS).result, UPT_PKT_DROPPED);
	/* A retransmitted SYN of a counted connection is the same connection. */
	syn(&f, "198.51.100.2", 40001);
	CHECK_EQ(push(eng, "eth0", &f, 2 * NS).result, UPT_PKT_FORWARDED);
	/* Another source has its own count. */
	syn(&f, "198.51.100.3", 40003);
	CHECK_EQ(push(eng, "eth0", &f, 2 * NS).result, UPT_PKT_FORWARDED);
	upt_engine_destroy(eng);
}

TEST(connlimit_mask_groups_sources_and_closed_connections_stop_counting)
{
	const char rules[] = "*filter\n-A FORWARD -p tcp --syn -m connlimit --connlimit-above 1 "
			     "--connlimit-mask 24 -j DROP\nCOMMIT\n";
	struct upt_engine *eng = gateway(rules);
	struct frame f;

	/* A full handshake: the connection is ESTABLISHED and counted. */
	syn(&f, "198.51.100.2", 40001);
	CHECK_EQ(push(eng, "eth0", &f, NS).result, UPT_PKT_FORWARDED);
	frame_init(&f, UPT_IPPROTO_TCP, "192.168.1.2", 22, "198.51.100.2", 40001);
	memcpy(f.dst_mac, mac_gw1, 6);
	f.tcp_flags = UPT_TCP_SYN | UPT_TCP_ACK;
	f.seq = 5000;
	f.ack = 1001;
	CHECK_EQ(push(eng, "eth1", &f, NS).result, UPT_PKT_FORWARDED);
	frame_init(&f, UPT_IPPROTO_TCP, "198.51.100.2", 40001, "192.168.1.2", 22);
	f.tcp_flags = UPT_TCP_ACK;
	f.seq = 1001;
	f.ack = 5001;
	CHECK_EQ(push(eng, "eth0", &f, NS).result, UPT_PKT_FORWARDED);
	/* Same /24: a second connection is above 1. */
	syn(&f, "198.51.100.3", 40001);
	CHECK_EQ(push(eng, "eth0", &f, NS).result, UPT_PKT_DROPPED);
	/* The client resets: the entry stays (CLOSE, 10 s) but no longer counts
	 * (nf_conncount's already_closed). */
	frame_init(&f, UPT_IPPROTO_TCP, "198.51.100.2", 40001, "192.168.1.2", 22);
	f.tcp_flags = UPT_TCP_RST;
	f.seq = 1001;
	CHECK_EQ(push(eng, "eth0", &f, 2 * NS).result, UPT_PKT_FORWARDED);
	CHECK_EQ(upt_engine_ct_count(eng), 1);
	syn(&f, "198.51.100.3", 40001);
	CHECK_EQ(push(eng, "eth0", &f, 3 * NS).result, UPT_PKT_FORWARDED);
	upt_engine_destroy(eng);
}

TEST(connlimit_upto_is_the_inverse_of_above)
{
	const char rules[] = "*filter\n-A FORWARD -p tcp --syn -m connlimit --connlimit-upto 1 "
			     "--connlimit-daddr -j ACCEPT\n-A FORWARD -p tcp -j DROP\nCOMMIT\n";
	struct upt_engine *eng = gateway(rules);
	struct frame f;

	/* Keyed by destination: two clients to one server share the count. */
	syn(&f, "198.51.100.2", 40001);
	CHECK_EQ(push(eng, "eth0", &f, NS).result, UPT_PKT_FORWARDED);
	syn(&f, "198.51.100.3", 40001);
	CHECK_EQ(push(eng, "eth0", &f, NS).result, UPT_PKT_DROPPED);
	upt_engine_destroy(eng);
}

/* ---- NOTRACK, CT ---- */

TEST(notrack_and_ct_notrack_leave_no_entry_and_are_untracked)
{
	static const char *const targets[] = {"-j NOTRACK", "-j CT --notrack"};

	for (size_t i = 0; i < 2; i++) {
		char rules[512];
		struct upt_engine *eng;
		struct frame f;

		snprintf(rules, sizeof(rules),
			 "*raw\n-A PREROUTING -p udp %s\nCOMMIT\n"
			 "*filter\n-A FORWARD -m state --state UNTRACKED\nCOMMIT\n",
			 targets[i]);
		eng = gateway(rules);
		udp_orig(&f, "198.51.100.2", 40000, 10);
		CHECK_EQ(push(eng, "eth0", &f, NS).result, UPT_PKT_FORWARDED);
		CHECK_MSG(upt_engine_ct_count(eng) == 0, "%s", targets[i]);
		CHECK_MSG(rule_pkts(eng, "filter", "FORWARD", 1) == 1, "%s", targets[i]);
		upt_engine_destroy(eng);
	}
}

TEST(ct_zone_keeps_equal_tuples_apart)
{
	static const struct {
		const char *target;
		uint32_t mark1, mark2;
		unsigned entries;
	} rows[] = {
	    {"-j CT --zone 3", 0, 0, 1},	  /* one zone: one connection */
	    {"-j CT --zone mark", 1, 2, 2},	  /* zones 1 and 2 */
	    {"-j CT --zone mark", 0x10005, 5, 1}, /* the zone is the mark's low 16 bits */
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char rules[256];
		struct upt_engine *eng;
		struct frame f;

		snprintf(rules, sizeof(rules), "*raw\n-A PREROUTING %s\nCOMMIT\n", rows[i].target);
		eng = gateway(rules);
		udp_orig(&f, "198.51.100.2", 40000, 10);
		push_mark(eng, "eth0", &f, rows[i].mark1, NS);
		push_mark(eng, "eth0", &f, rows[i].mark2, NS);
		CHECK_MSG(upt_engine_ct_count(eng) == rows[i].entries, "%s marks %u %u: %u entries",
			  rows[i].target, rows[i].mark1, rows[i].mark2, upt_engine_ct_count(eng));
		upt_engine_destroy(eng);
	}
}

TEST(ct_zone_shows_in_the_conntrack_listing)
{
	struct upt_engine *eng = gateway("*raw\n-A PREROUTING -j CT --zone 7\nCOMMIT\n");
	struct frame f;
	char *out = NULL;

	udp_orig(&f, "198.51.100.2", 40000, 10);
	push(eng, "eth0", &f, NS);
	CHECK_EQ(upt_engine_ct_proc(eng, NS, &out), 0);
	CHECK_MSG(out && strstr(out, " zone=7 "), "%s", out ? out : "(null)");
	free(out);
	upt_engine_destroy(eng);
}

/* The zone of "--zone mark" is the mark when conntrack runs, after the whole raw table: a
 * MARK after the CT rule still counts (6.18: "-j CT --zone mark" then "-j MARK --set-mark 7"
 * gave zone=7; "--set-mark 0x10005" before it gave zone=5). */
TEST(ct_zone_mark_is_read_when_conntrack_runs)
{
	static const struct {
		const char *rules;
		const char *zone;
	} rows[] = {
	    {"-A PREROUTING -j CT --zone mark\n-A PREROUTING -j MARK --set-mark 7\n", " zone=7 "},
	    {"-A PREROUTING -j MARK --set-mark 0x10005\n-A PREROUTING -j CT --zone mark\n",
	     " zone=5 "},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char rules[256], *out = NULL;
		struct upt_engine *eng;
		struct frame f;

		snprintf(rules, sizeof(rules), "*raw\n%sCOMMIT\n", rows[i].rules);
		eng = gateway(rules);
		udp_orig(&f, "198.51.100.2", 40000, 10);
		push(eng, "eth0", &f, NS);
		CHECK_EQ(upt_engine_ct_proc(eng, NS, &out), 0);
		CHECK_MSG(out && strstr(out, rows[i].zone), "%s: %s", rows[i].rules,
			  out ? out : "");
		free(out);
		upt_engine_destroy(eng);
	}
}

/* Checked on the 6.18 kernel (raw OUTPUT, one UDP packet on lo): the same three rule pairs
 * left 1, 0 and 1 entries. */
TEST(first_ct_or_notrack_target_wins)
{
	static const struct {
		const char *rules;
		unsigned entries;
	} rows[] = {
	    {"-A PREROUTING -j CT --zone 1\n-A PREROUTING -j CT --notrack\n", 1},
	    {"-A PREROUTING -j NOTRACK\n-A PREROUTING -j CT --zone 1\n", 0},
	    {"-A PREROUTING -j CT\n-A PREROUTING -j NOTRACK\n", 1},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char rules[256];
		struct upt_engine *eng;
		struct frame f;

		snprintf(rules, sizeof(rules), "*raw\n%sCOMMIT\n", rows[i].rules);
		eng = gateway(rules);
		udp_orig(&f, "198.51.100.2", 40000, 10);
		push(eng, "eth0", &f, NS);
		CHECK_MSG(upt_engine_ct_count(eng) == rows[i].entries, "%s", rows[i].rules);
		upt_engine_destroy(eng);
	}
}

/* ---- CONNMARK / connmark through the engine ---- */

TEST(connmark_set_on_the_first_packet_is_seen_by_later_ones)
{
	const char rules[] = "*mangle\n"
			     "-A PREROUTING -m connmark --mark 0x5\n"
			     "-A PREROUTING -m connmark --mark 0x0 -j CONNMARK --set-mark 0x5\n"
			     "-A PREROUTING -m connmark --mark 0x5 -j CONNMARK --restore-mark\n"
			     "COMMIT\n";
	struct upt_engine *eng = gateway(rules);
	struct frame f;
	struct upt_pkt p;

	udp_orig(&f, "198.51.100.2", 40000, 10);
	p = push(eng, "eth0", &f, NS);
	CHECK_EQ(p.mark, 5); /* set, then restored by the third rule in the same pass */
	udp_reply(&f, "198.51.100.2", 40000, 10);
	p = push(eng, "eth1", &f, 2 * NS);
	CHECK_EQ(p.mark, 5); /* the reply belongs to the same connection */
	CHECK_EQ(rule_pkts(eng, "mangle", "PREROUTING", 1), 1);
	CHECK_EQ(rule_pkts(eng, "mangle", "PREROUTING", 2), 1);
	upt_engine_destroy(eng);
}

/* ---- NETMAP ---- */

TEST(netmap_maps_the_network_and_keeps_the_host_part)
{
	const char rules[] = "*nat\n"
			     "-A PREROUTING -d 203.0.113.0/24 -j NETMAP --to 192.168.1.0/24\n"
			     "-A POSTROUTING -s 192.168.1.0/24 -o eth0 -j NETMAP --to 10.9.0.0/16\n"
			     "COMMIT\n";
	struct upt_engine *eng = gateway(rules);
	struct frame f;
	struct upt_pkt p;
	const uint8_t *ip;

	frame_init(&f, UPT_IPPROTO_UDP, "198.51.100.2", 40000, "203.0.113.3", 53);
	p = push(eng, "eth0", &f, NS);
	CHECK_EQ(p.result, UPT_PKT_FORWARDED);
	ip = p.buf + p.off + 14;
	CHECK_EQ(rd32(ip + 16), frame_addr("192.168.1.3"));
	CHECK_EQ(rd32(ip + 12), frame_addr("198.51.100.2"));

	frame_init(&f, UPT_IPPROTO_UDP, "192.168.1.2", 5000, "198.51.100.2", 53);
	memcpy(f.dst_mac, mac_gw1, 6);
	p = push(eng, "eth1", &f, NS);
	CHECK_EQ(p.result, UPT_PKT_FORWARDED);
	ip = p.buf + p.off + 14;
	CHECK_EQ(rd32(ip + 12), frame_addr("10.9.1.2"));
	upt_engine_destroy(eng);
}

/* ---- single calls: marks, helper, address types ---- */

static void *parse_ext(bool target, const char *name, uint8_t proto, const char *opts)
{
	const struct upt_match_ops *m = target ? NULL : upt_match_find(name);
	const struct upt_target_ops *t = target ? upt_target_find(name) : NULL;
	const struct upt_xt_option *o, *optv;
	char words[256], *argv[16], *save = NULL, *w, err[256] = "";
	int argc = 0, i = 0, rc = 0;
	struct upt_xt_parse p;
	void *data;

	CHECK_MSG(m || t, "%s not registered", name);
	if (!m && !t)
		return NULL;
	data = calloc(1, (target ? t->size : m->size) + 1);
	if (target ? (bool)t->init : (bool)m->init)
		(target ? t->init : m->init)(data);
	optv = target ? t->options : m->options;
	snprintf(words, sizeof(words), "%s", opts);
	for (w = strtok_r(words, " ", &save); w && argc < 16; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	memset(&p, 0, sizeof(p));
	p.proto = proto;
	p.argc = argc;
	p.argv = argv;
	p.optind = &i;
	p.err = err;
	p.errlen = sizeof(err);
	while (i < argc && rc == 0) {
		bool inv = !strcmp(argv[i], "!");
		const char *arg = NULL;

		if (inv)
			i++;
		for (o = optv; o->name && strcmp(argv[i] + 2, o->name); o++)
			;
		CHECK_MSG(o->name != NULL, "%s: unknown option %s", name, argv[i]);
		if (!o->name)
			break;
		i++;
		if (o->flags & UPT_XTOPT_ARG)
			arg = argv[i++];
		rc = (target ? t->parse : m->parse)(data, o->id, inv, arg, &p);
		p.seen |= 1u << o->id;
	}
	if (rc == 0 && (target ? (bool)t->check : (bool)m->check))
		rc = (target ? t->check : m->check)(data, &p);
	CHECK_MSG(rc == 0, "%s %s: %s", name, opts, err);
	return data;
}

TEST(connmark_target_arithmetic_follows_xt_connmark)
{
	static const struct {
		const char *opts;
		uint32_t ctmark, nfmark; /* before */
		uint32_t ctmark_after, nfmark_after;
	} rows[] = {
	    {"--set-xmark 0x5/0xf0", 0x1234, 0, (0x1234 & ~0xf0u) ^ 0x5, 0},
	    {"--set-mark 0x5/0xf0", 0x1234, 0, (0x1234 & ~0xf5u) ^ 0x5, 0},
	    {"--and-mark 0xff", 0x1234, 7, 0x34, 7},
	    {"--or-mark 0x1", 0x1234, 7, 0x1235, 7},
	    {"--xor-mark 0x4", 0x1234, 7, 0x1230, 7},
	    {"--save-mark", 0x1234, 0xab, 0xab, 0xab},
	    {"--save-mark --nfmask 0xf --ctmask 0xff", 0x1234, 0xab, 0x120b, 0xab},
	    {"--save-mark --mask 0xf0", 0x1234, 0xab, 0x12a4, 0xab},
	    {"--restore-mark", 0x1234, 0xab, 0x1234, 0x1234},
	    {"--restore-mark --nfmask 0xf --ctmask 0xff", 0x1234, 0xab, 0x1234, 0x94},
	    {"--set-mark 0x1 --left-shift-mark 4", 0x1234, 0, 0x10, 0},
	    {"--restore-mark --right-shift-mark 8", 0x1234, 0, 0x1234, 0x12},
	    {"--save-mark --left-shift-mark 8", 0x0, 0xab, 0xab00, 0xab},
	};
	const struct upt_target_ops *ops = upt_target_find("CONNMARK");

	for (size_t i = 0; ops && i < sizeof(rows) / sizeof(rows[0]); i++) {
		void *data = parse_ext(true, "CONNMARK", 0, rows[i].opts);
		struct upt_ct ct;
		struct upt_xt_pkt x;

		memset(&ct, 0, sizeof(ct));
		memset(&x, 0, sizeof(x));
		ct.mark = rows[i].ctmark;
		x.ct = &ct;
		x.mark = rows[i].nfmark;
		CHECK_EQ(ops->target(data, &x), UPT_V_CONTINUE);
		CHECK_MSG(ct.mark == rows[i].ctmark_after && x.mark == rows[i].nfmark_after,
			  "%s: ctmark 0x%x nfmark 0x%x", rows[i].opts, ct.mark, x.mark);
		/* No connection: nothing changes. */
		x.ct = NULL;
		x.mark = rows[i].nfmark;
		CHECK_EQ(ops->target(data, &x), UPT_V_CONTINUE);
		CHECK_EQ(x.mark, rows[i].nfmark);
		free(data);
	}
}

TEST(connmark_match_masks_and_needs_a_connection)
{
	static const struct {
		const char *opts;
		uint32_t ctmark;
		bool with_ct, match;
	} rows[] = {
	    {"--mark 0x5", 5, true, true},	   {"--mark 0x5", 6, true, false},
	    {"--mark 0x5/0xf", 0x125, true, true}, {"! --mark 0x5/0xf", 0x125, true, false},
	    {"! --mark 0x5", 6, true, true},	   {"--mark 0x0/0x0", 0x99, true, true},
	    {"--mark 0x0", 0, false, false},	   {"! --mark 0x5", 0, false, false},
	};
	const struct upt_match_ops *ops = upt_match_find("connmark");

	for (size_t i = 0; ops && i < sizeof(rows) / sizeof(rows[0]); i++) {
		void *data = parse_ext(false, "connmark", 0, rows[i].opts);
		struct upt_ct ct;
		struct upt_xt_pkt x;

		memset(&ct, 0, sizeof(ct));
		memset(&x, 0, sizeof(x));
		ct.mark = rows[i].ctmark;
		x.ct = rows[i].with_ct ? &ct : NULL;
		CHECK_MSG(ops->match(data, &x) == rows[i].match, "%s ctmark 0x%x ct %d",
			  rows[i].opts, rows[i].ctmark, rows[i].with_ct);
		free(data);
	}
}

TEST(helper_match_without_helpers_is_the_inversion_flag)
{
	const struct upt_match_ops *ops = upt_match_find("helper");
	void *plain = parse_ext(false, "helper", 0, "--helper ftp");
	void *inv = parse_ext(false, "helper", 0, "! --helper ftp");
	struct upt_ct ct;
	struct upt_xt_pkt x;

	memset(&ct, 0, sizeof(ct));
	memset(&x, 0, sizeof(x));
	CHECK(ops && !ops->match(plain, &x));
	CHECK(ops && ops->match(inv, &x));
	x.ct = &ct; /* a connection with no master connection */
	CHECK(ops && !ops->match(plain, &x));
	CHECK(ops && ops->match(inv, &x));
	free(plain);
	free(inv);
}

TEST(ct_helper_needs_a_known_helper_for_the_rule_protocol)
{
	static const struct {
		const char *opts;
		uint8_t proto;
		bool ok;
	} rows[] = {
	    {"--helper ftp", 6, true},
	    {"--helper ftp", 0, false},
	    {"--helper ftp", 17, false},
	    {"--helper nosuch", 6, false},
	    {"--helper netbios-ns", 17, true},
	    {"--helper pptp", 6, true},
	    {"--notrack --helper nosuch", 0, true},
	};
	const struct upt_target_ops *t = upt_target_find("CT");

	for (size_t i = 0; t && i < sizeof(rows) / sizeof(rows[0]); i++) {
		char words[64], *argv[4], *save = NULL, err[256] = "";
		int argc = 0, k = 0, rc = 0;
		struct upt_xt_parse p;
		void *data = calloc(1, t->size);

		t->init(data);
		snprintf(words, sizeof(words), "%s", rows[i].opts);
		for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save))
			argv[argc++] = w;
		memset(&p, 0, sizeof(p));
		p.proto = rows[i].proto;
		p.err = err;
		p.errlen = sizeof(err);
		while (k < argc && rc == 0) {
			const struct upt_xt_option *o;

			for (o = t->options; strcmp(o->name, argv[k] + 2); o++)
				;
			k++;
			rc = t->parse(data, o->id, false,
				      (o->flags & UPT_XTOPT_ARG) ? argv[k++] : NULL, &p);
		}
		if (rc == 0)
			rc = t->check(data, &p);
		CHECK_MSG((rc == 0) == rows[i].ok, "%s -p %u: rc %d %s", rows[i].opts,
			  rows[i].proto, rc, err);
		free(data);
	}
}

TEST(address_types_follow_the_kernels_local_table)
{
	static const struct {
		const char *addr;
		const char *dev; /* NULL: any */
		unsigned type;
	} rows[] = {
	    {"198.51.100.1", NULL, UPT_RTN_LOCAL},
	    {"192.168.1.1", NULL, UPT_RTN_LOCAL},
	    {"198.51.100.255", NULL, UPT_RTN_BROADCAST},
	    {"192.168.1.255", NULL, UPT_RTN_BROADCAST},
	    {"198.51.100.0", NULL, UPT_RTN_UNICAST},
	    {"198.51.100.2", NULL, UPT_RTN_UNICAST},
	    {"8.8.8.8", NULL, UPT_RTN_UNICAST},
	    {"0.1.2.3", NULL, UPT_RTN_BROADCAST},
	    {"255.255.255.255", NULL, UPT_RTN_BROADCAST},
	    {"224.0.0.1", NULL, UPT_RTN_MULTICAST},
	    {"239.255.255.250", "eth0", UPT_RTN_MULTICAST},
	    {"198.51.100.1", "eth0", UPT_RTN_LOCAL},
	    {"198.51.100.1", "eth1", UPT_RTN_UNICAST},
	    {"192.168.1.255", "eth0", UPT_RTN_UNICAST},
	    {"192.168.1.255", "eth1", UPT_RTN_BROADCAST},
	    /* eth2 is down: its address stays local, its broadcast route is gone. */
	    {"10.7.0.1", NULL, UPT_RTN_LOCAL},
	    {"10.7.0.255", NULL, UPT_RTN_UNICAST},
	    {"127.0.0.1", NULL, UPT_RTN_LOCAL},
	};
	struct upt_engine *eng = gateway(NULL);
	struct upt_xt_pkt x;

	memset(&x, 0, sizeof(x));
	x.eng = eng;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint32_t dev = rows[i].dev ? upt_engine_ifindex(eng, rows[i].dev) : 0;
		unsigned got = upt_xt_addr_type(&x, frame_addr(rows[i].addr), dev);

		CHECK_MSG(got == rows[i].type, "%s dev %s: type %u, want %u", rows[i].addr,
			  rows[i].dev ? rows[i].dev : "-", got, rows[i].type);
	}
	upt_engine_destroy(eng);
}

TEST(addrtype_rules_on_forwarded_and_local_packets)
{
	const char rules[] =
	    "*filter\n"
	    "-A INPUT -m addrtype --dst-type LOCAL\n"
	    "-A INPUT -m addrtype --dst-type LOCAL --limit-iface-in\n"
	    "-A FORWARD -m addrtype --src-type UNICAST ! --dst-type LOCAL,BROADCAST\n"
	    "-A FORWARD -m addrtype --dst-type LOCAL\n"
	    "COMMIT\n";
	struct upt_engine *eng = gateway(rules);
	struct frame f;

	/* To the gateway's eth1 address, arriving on eth0: LOCAL, but not eth0's own. */
	frame_init(&f, UPT_IPPROTO_UDP, "198.51.100.2", 40000, "192.168.1.1", 53);
	CHECK_EQ(push(eng, "eth0", &f, NS).result, UPT_PKT_LOCAL);
	CHECK_EQ(rule_pkts(eng, "filter", "INPUT", 1), 1);
	CHECK_EQ(rule_pkts(eng, "filter", "INPUT", 2), 0);
	frame_init(&f, UPT_IPPROTO_UDP, "198.51.100.2", 40000, "198.51.100.1", 53);
	CHECK_EQ(push(eng, "eth0", &f, NS).result, UPT_PKT_LOCAL);
	CHECK_EQ(rule_pkts(eng, "filter", "INPUT", 2), 1);
	/* Forwarded: unicast to unicast. */
	udp_orig(&f, "198.51.100.2", 40000, 10);
	CHECK_EQ(push(eng, "eth0", &f, NS).result, UPT_PKT_FORWARDED);
	CHECK_EQ(rule_pkts(eng, "filter", "FORWARD", 1), 1);
	CHECK_EQ(rule_pkts(eng, "filter", "FORWARD", 2), 0);
	upt_engine_destroy(eng);
}

/* ---- listings ---- */

TEST(listings_match_iptables_1_8_9)
{
	static const struct {
		enum upt_table table;
		const char *S, *Ln, *L;
	} rows[] = {
	    {UPT_TABLE_MANGLE, golden_mangle_S, golden_mangle_Ln, golden_mangle_L},
	    {UPT_TABLE_RAW, golden_raw_S, golden_raw_Ln, golden_raw_L},
	    {UPT_TABLE_NAT, golden_nat_S, golden_nat_Ln, golden_nat_L},
	};
	struct upt_rules *rs = upt_rules_create();
	char err[256];

	CHECK_MSG(upt_rules_restore(rs, golden_rules, strlen(golden_rules), 0, NULL, err,
				    sizeof(err)) == 0,
		  "restore: %s", err);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct upt_list_opts numeric = {.flags = UPT_LIST_NUMERIC}, names = {.flags = 0};
		struct upt_sb sb;

		upt_sb_init(&sb);
		CHECK_EQ(upt_rules_list_rules(rs, rows[i].table, NULL, 0, &numeric, &sb), 0);
		CHECK_STR(upt_sb_str(&sb), rows[i].S);
		upt_sb_reset(&sb);
		CHECK_EQ(upt_rules_list(rs, rows[i].table, NULL, 0, &numeric, &sb), 0);
		CHECK_STR(upt_sb_str(&sb), rows[i].Ln);
		upt_sb_reset(&sb);
		CHECK_EQ(upt_rules_list(rs, rows[i].table, NULL, 0, &names, &sb), 0);
		CHECK_STR(upt_sb_str(&sb), rows[i].L);
		upt_sb_free(&sb);
	}
	upt_rules_destroy(rs);
}

int main(void)
{
	RUN(connbytes_counts_each_direction_as_the_kernel_does);
	RUN(connbytes_inverted_range_matches_outside_it);
	RUN(connbytes_ignores_connections_from_before_accounting);
	RUN(acct_sysctl_gives_counters_to_connections_created_while_on);
	RUN(connlimit_above_two_drops_the_third_connection_per_source);
	RUN(connlimit_mask_groups_sources_and_closed_connections_stop_counting);
	RUN(connlimit_upto_is_the_inverse_of_above);
	RUN(notrack_and_ct_notrack_leave_no_entry_and_are_untracked);
	RUN(ct_zone_keeps_equal_tuples_apart);
	RUN(ct_zone_shows_in_the_conntrack_listing);
	RUN(ct_zone_mark_is_read_when_conntrack_runs);
	RUN(first_ct_or_notrack_target_wins);
	RUN(connmark_set_on_the_first_packet_is_seen_by_later_ones);
	RUN(netmap_maps_the_network_and_keeps_the_host_part);
	RUN(connmark_target_arithmetic_follows_xt_connmark);
	RUN(connmark_match_masks_and_needs_a_connection);
	RUN(helper_match_without_helpers_is_the_inversion_flag);
	RUN(ct_helper_needs_a_known_helper_for_the_rule_protocol);
	RUN(address_types_follow_the_kernels_local_table);
	RUN(addrtype_rules_on_forwarded_and_local_packets);
	RUN(listings_match_iptables_1_8_9);
	return check_report("test_ext_conn");
}

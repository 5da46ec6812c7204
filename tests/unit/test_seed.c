/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seed scenario through the whole engine (issue 2's acceptance test).
 *
 * Gateway: eth0 198.51.100.1/24, eth1 192.168.1.1/24, ip_forward=1, rules
 *   -t nat -A PREROUTING -i eth0 -p tcp --dport 80 -j DNAT --to 192.168.1.2:8080
 *   -P FORWARD DROP
 *   -A FORWARD -p tcp -d 192.168.1.2 --dport 8080 -j ACCEPT
 *   -A FORWARD -m state --state ESTABLISHED,RELATED -j ACCEPT
 * Client 198.51.100.2:40000 talks to 198.51.100.1:80; the server is
 * 192.168.1.2:8080.
 *
 * Expected frames are built independently with tests/unit/frames.c (its own
 * naive checksums) as the kernel sends them: addresses and port rewritten,
 * TTL one less, Ethernet header of the egress interface, every checksum
 * right.  The conntrack lines and the FORWARD counters are the ones the real
 * kernel printed for the same connection (tests/kernel/seed_forward.sh, on
 * 6.x, 2026-11-24):
 *   ipv4     2 tcp      6 119 TIME_WAIT src=198.51.100.2 dst=198.51.100.1
 *     sport=40000 dport=80 src=192.168.1.2 dst=198.51.100.2 sport=8080
 *     dport=40000 [ASSURED] mark=0 zone=0 use=2
 * and, without the ESTABLISHED,RELATED rule, the server's SYN/ACK dies in
 * FORWARD (policy) and the entry stays in SYN_RECV without [ASSURED]:
 *   ipv4     2 tcp      6 59 SYN_RECV src=... mark=0 zone=0 use=2
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "frames.h"
#include "pkt/pkt.h"
#include "uptables/uptables.h"

static const uint8_t mac_gw0[6] = {2, 0, 0, 0, 0, 1}, mac_gw1[6] = {2, 0, 0, 0, 1, 1};
static const uint8_t mac_client[6] = {2, 0, 0, 0, 0, 2}, mac_server[6] = {2, 0, 0, 0, 1, 2};

static const char *const gw_config[] = {
	"link eth0 address 02:00:00:00:00:01",
	"link eth1 address 02:00:00:00:01:01",
	"addr add 198.51.100.1/24 dev eth0",
	"addr add 192.168.1.1/24 dev eth1",
	"neigh add 198.51.100.2 lladdr 02:00:00:00:00:02 dev eth0",
	"neigh add 192.168.1.2 lladdr 02:00:00:00:01:02 dev eth1",
	"sysctl net.ipv4.ip_forward=1",
};

static const char rules_full[] =
	"*nat\n"
	"-A PREROUTING -i eth0 -p tcp --dport 80 -j DNAT --to 192.168.1.2:8080\n"
	"COMMIT\n"
	"*filter\n"
	":FORWARD DROP [0:0]\n"
	"-A FORWARD -p tcp -d 192.168.1.2 --dport 8080 -j ACCEPT\n"
	"-A FORWARD -m state --state ESTABLISHED,RELATED -j ACCEPT\n"
	"COMMIT\n";

static const char rules_no_established[] =
	"*nat\n"
	"-A PREROUTING -i eth0 -p tcp --dport 80 -j DNAT --to 192.168.1.2:8080\n"
	"COMMIT\n"
	"*filter\n"
	":FORWARD DROP [0:0]\n"
	"-A FORWARD -p tcp -d 192.168.1.2 --dport 8080 -j ACCEPT\n"
	"COMMIT\n";

#define NS 1000000000ull

static struct upt_engine *gateway(const char *rules)
{
	struct upt_engine_config cfg = {.seed = {7, 11}};
	struct upt_engine *eng = NULL;
	char err[256];
	size_t i;

	CHECK_EQ(upt_engine_create(&cfg, &eng), 0);
	for (i = 0; i < sizeof(gw_config) / sizeof(gw_config[0]); i++)
		CHECK_MSG(upt_engine_config_line(eng, gw_config[i], err, sizeof(err)) == 0, "%s: %s",
			  gw_config[i], err);
	err[0] = '\0';
	CHECK_MSG(upt_engine_restore(eng, rules, strlen(rules), 0, err, sizeof(err)) == 0,
		  "restore: %s", err);
	return eng;
}

/* One segment of the conversation, as its sender puts it on the wire. */
struct seg {
	bool from_client;
	uint32_t seq, ack;
	uint8_t flags;
	const char *payload;
};

static void seg_frame(struct frame *f, const struct seg *s)
{
	if (s->from_client) {
		frame_init(f, UPT_IPPROTO_TCP, "198.51.100.2", 40000, "198.51.100.1", 80);
		memcpy(f->src_mac, mac_client, 6);
		memcpy(f->dst_mac, mac_gw0, 6);
	} else {
		frame_init(f, UPT_IPPROTO_TCP, "192.168.1.2", 8080, "198.51.100.2", 40000);
		memcpy(f->src_mac, mac_server, 6);
		memcpy(f->dst_mac, mac_gw1, 6);
	}
	f->df = true;
	f->ip_id = (uint16_t)(s->seq & 0xffff);
	f->seq = s->seq;
	f->ack = s->ack;
	f->tcp_flags = s->flags;
	if (s->flags & UPT_TCP_SYN) {
		f->mss = 1460;
		f->sack_perm = true;
		f->has_wscale = true;
		f->wscale = 7;
	}
	if (s->payload) {
		f->payload = (const uint8_t *)s->payload;
		f->payload_len = strlen(s->payload);
	}
}

/* What the kernel sends out for that segment: DNAT / un-DNAT, TTL-1, egress MACs. */
static void expected_frame(struct frame *f, const struct seg *s)
{
	seg_frame(f, s);
	f->ttl = 63;
	if (s->from_client) {
		f->daddr = frame_addr("192.168.1.2");
		f->dport = 8080;
		memcpy(f->src_mac, mac_gw1, 6);
		memcpy(f->dst_mac, mac_server, 6);
	} else {
		f->saddr = frame_addr("198.51.100.1");
		f->sport = 80;
		memcpy(f->src_mac, mac_gw0, 6);
		memcpy(f->dst_mac, mac_client, 6);
	}
}

static const char req[] = "GET / HTTP/1.0\r\n\r\n";
static const char resp[] = "HTTP/1.0 200 OK\r\n\r\nhello\n";
#define RL ((uint32_t)sizeof(req) - 1)
#define SL ((uint32_t)sizeof(resp) - 1)

static const struct seg conversation[] = {
	{true, 1000, 0, UPT_TCP_SYN, NULL},
	{false, 5000, 1001, UPT_TCP_SYN | UPT_TCP_ACK, NULL},
	{true, 1001, 5001, UPT_TCP_ACK, NULL},
	{true, 1001, 5001, UPT_TCP_PSH | UPT_TCP_ACK, req},
	{false, 5001, 1001 + RL, UPT_TCP_PSH | UPT_TCP_ACK, resp},
	{true, 1001 + RL, 5001 + SL, UPT_TCP_FIN | UPT_TCP_ACK, NULL},
	{false, 5001 + SL, 1002 + RL, UPT_TCP_FIN | UPT_TCP_ACK, NULL},
	{true, 1002 + RL, 5002 + SL, UPT_TCP_ACK, NULL},
};
#define NSEG (sizeof(conversation) / sizeof(conversation[0]))

/* Send one segment through the engine; returns the result, leaves the output in pkt. */
static unsigned send_seg(struct upt_engine *eng, const struct seg *s, uint8_t *buf, size_t cap,
			 struct upt_pkt *pkt, uint64_t now)
{
	struct frame f;

	seg_frame(&f, s);
	memset(pkt, 0, sizeof(*pkt));
	pkt->buf = buf;
	pkt->cap = (uint32_t)cap;
	pkt->off = UPT_PKT_HEADROOM;
	pkt->len = (uint32_t)frame_build(&f, buf + pkt->off, cap - pkt->off);
	pkt->ifindex = upt_engine_ifindex(eng, s->from_client ? "eth0" : "eth1");
	upt_engine_process(eng, pkt, 1, now);
	return pkt->result;
}

TEST(seed_connection_is_forwarded_both_ways_byte_for_byte)
{
	struct upt_engine *eng = gateway(rules_full);
	uint8_t buf[UPT_PKT_HEADROOM + FRAME_MAX], want[FRAME_MAX];
	uint64_t now = 100 * NS;
	uint64_t bytes[2] = {0, 0}; /* IP bytes sent by the server [0] and the client [1] */
	unsigned pkts[2] = {0, 0};
	uint64_t syn_bytes = 0;
	size_t i;

	for (i = 0; i < NSEG; i++) {
		const struct seg *s = &conversation[i];
		struct upt_pkt pkt;
		struct frame ef;
		size_t wlen;

		CHECK_MSG(send_seg(eng, s, buf, sizeof(buf), &pkt, now) == UPT_PKT_FORWARDED,
			  "segment %zu: result %s (%s)", i, upt_pkt_result_str(pkt.result),
			  upt_drop_reason_str(pkt.reason));
		CHECK_EQ(pkt.out_ifindex, upt_engine_ifindex(eng, s->from_client ? "eth1" : "eth0"));
		expected_frame(&ef, s);
		wlen = frame_build(&ef, want, sizeof(want));
		CHECK_EQ(pkt.len, wlen);
		bytes[s->from_client] += wlen - 14;
		if (i == 0)
			syn_bytes = wlen - 14;
		pkts[s->from_client]++;
		CHECK_MSG(pkt.len == wlen && memcmp(buf + pkt.off, want, wlen) == 0,
			  "segment %zu: forwarded frame differs from the kernel's", i);
		CHECK(frame_ip_csum_ok(buf + pkt.off + 14));
		CHECK(frame_l4_csum_ok(buf + pkt.off + 14));
		now += NS / 100;
	}
	{
		char *table = NULL;

		/* Half a second after the last ACK: 119 s of TIME_WAIT's 120 left. */
		CHECK_EQ(upt_engine_ct_proc(eng, now - NS / 100 + NS / 2, &table), 0);
		CHECK_STR(table, "ipv4     2 tcp      6 119 TIME_WAIT src=198.51.100.2 "
				 "dst=198.51.100.1 sport=40000 dport=80 src=192.168.1.2 "
				 "dst=198.51.100.2 sport=8080 dport=40000 [ASSURED] mark=0 "
				 "zone=0 use=2\n");
		free(table);
	}
	{
		char *save = NULL, line1[160], line2[160];

		/*
		 * Client segments hit rule 1, server segments rule 2, the policy
		 * nothing: the kernel showed the same split ([6:325] / [5:273] for
		 * its 6 + 5 segments).
		 */
		snprintf(line1, sizeof(line1),
			 "[%u:%llu] -A FORWARD -d 192.168.1.2/32 -p tcp -m tcp --dport 8080 -j ACCEPT\n",
			 pkts[1], (unsigned long long)bytes[1]);
		snprintf(line2, sizeof(line2),
			 "[%u:%llu] -A FORWARD -m state --state RELATED,ESTABLISHED -j ACCEPT\n",
			 pkts[0], (unsigned long long)bytes[0]);
		CHECK_EQ(upt_engine_save(eng, "filter", UPT_SAVE_COUNTERS, &save), 0);
		CHECK_MSG(save && strstr(save, ":FORWARD DROP [0:0]\n"), "policy counters: %s", save);
		CHECK_MSG(save && strstr(save, line1), "want %s in:\n%s", line1, save);
		CHECK_MSG(save && strstr(save, line2), "want %s in:\n%s", line2, save);
		free(save);
		/*
		 * nat: only the first packet meets the nat rules; POSTROUTING was
		 * never created (iptables-nft makes built-in chains lazily), so its
		 * policy counts nothing.  The kernel printed the same.
		 */
		CHECK_EQ(upt_engine_save(eng, "nat", UPT_SAVE_COUNTERS, &save), 0);
		CHECK_MSG(save && strstr(save, ":POSTROUTING ACCEPT [0:0]\n"), "nat: %s", save);
		CHECK_MSG(save && strstr(save, ":PREROUTING ACCEPT [0:0]\n"), "nat: %s", save);
		snprintf(line1, sizeof(line1),
			 "[1:%llu] -A PREROUTING -i eth0 -p tcp -m tcp --dport 80 -j DNAT "
			 "--to-destination 192.168.1.2:8080\n",
			 (unsigned long long)syn_bytes);
		CHECK_MSG(save && strstr(save, line1), "want %s in:\n%s", line1, save);
		free(save);
	}
	upt_engine_destroy(eng);
}

TEST(seed_without_established_rule_drops_replies_in_forward)
{
	struct upt_engine *eng = gateway(rules_no_established);
	uint8_t buf[UPT_PKT_HEADROOM + FRAME_MAX];
	struct upt_pkt pkt;
	uint64_t now = 100 * NS;
	char *table = NULL;

	CHECK_EQ(send_seg(eng, &conversation[0], buf, sizeof(buf), &pkt, now), UPT_PKT_FORWARDED);
	CHECK_EQ(send_seg(eng, &conversation[1], buf, sizeof(buf), &pkt, now + NS / 100),
		 UPT_PKT_DROPPED);
	CHECK_EQ(pkt.reason, UPT_DROP_POLICY_DROP);
	CHECK_EQ(upt_engine_drop_count(eng, UPT_DROP_POLICY_DROP), 1);
	CHECK_EQ(upt_engine_ct_proc(eng, now + NS / 100 + NS / 2, &table), 0);
	CHECK_STR(table, "ipv4     2 tcp      6 59 SYN_RECV src=198.51.100.2 dst=198.51.100.1 "
			 "sport=40000 dport=80 src=192.168.1.2 dst=198.51.100.2 sport=8080 "
			 "dport=40000 mark=0 zone=0 use=2\n");
	free(table);
	upt_engine_destroy(eng);
}

TEST(forwarding_off_drops_with_reason)
{
	struct upt_engine *eng = gateway(rules_full);
	uint8_t buf[UPT_PKT_HEADROOM + FRAME_MAX];
	struct upt_pkt pkt;
	char err[128];

	CHECK_EQ(upt_engine_config_line(eng, "sysctl net.ipv4.ip_forward=0", err, sizeof(err)), 0);
	CHECK_EQ(send_seg(eng, &conversation[0], buf, sizeof(buf), &pkt, NS), UPT_PKT_DROPPED);
	CHECK_EQ(pkt.reason, UPT_DROP_FORWARDING_DISABLED);
	/* The dropped first packet leaves no entry (it never got confirmed). */
	CHECK_EQ(upt_engine_ct_count(eng), 0);
	upt_engine_destroy(eng);
}

TEST(nat_decision_is_frozen_for_existing_connection)
{
	struct upt_engine *eng = gateway(rules_full);
	uint8_t buf[UPT_PKT_HEADROOM + FRAME_MAX];
	struct upt_pkt pkt;
	char err[256];
	const char changed[] = "*nat\n"
			       "-A PREROUTING -i eth0 -p tcp --dport 80 -j DNAT --to 192.168.1.3:9090\n"
			       "COMMIT\n";
	struct frame ef;
	uint8_t want[FRAME_MAX];
	size_t wlen;

	CHECK_EQ(send_seg(eng, &conversation[0], buf, sizeof(buf), &pkt, NS), UPT_PKT_FORWARDED);
	CHECK_EQ(send_seg(eng, &conversation[1], buf, sizeof(buf), &pkt, NS + 1), UPT_PKT_FORWARDED);
	CHECK_MSG(upt_engine_restore(eng, changed, strlen(changed), UPT_RESTORE_NOFLUSH, err,
				     sizeof(err)) == 0,
		  "restore: %s", err);
	CHECK_EQ(send_seg(eng, &conversation[2], buf, sizeof(buf), &pkt, NS + 2), UPT_PKT_FORWARDED);
	expected_frame(&ef, &conversation[2]);
	wlen = frame_build(&ef, want, sizeof(want));
	CHECK_MSG(pkt.len == wlen && memcmp(buf + pkt.off, want, wlen) == 0,
		  "the established connection must keep its DNAT to 192.168.1.2:8080");
	upt_engine_destroy(eng);
}

int main(void)
{
	RUN(seed_connection_is_forwarded_both_ways_byte_for_byte);
	RUN(seed_without_established_rule_drops_replies_in_forward);
	RUN(forwarding_off_drops_with_reason);
	RUN(nat_decision_is_frozen_for_existing_connection);
	return check_report("test_seed");
}

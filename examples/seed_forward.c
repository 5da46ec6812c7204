/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seed scenario through the uptables library, with the trace of every
 * packet: a port forward of 198.51.100.1:80 (eth0) to 192.168.1.2:8080
 * (eth1), a FORWARD policy of DROP with an accept for the forwarded port
 * and for ESTABLISHED,RELATED.  The program plays both ends of one TCP
 * connection (client 198.51.100.2:40000, server 192.168.1.2:8080): each
 * frame the gateway forwards is checked, and the other end's answer is fed
 * back in.  At the end it prints the conntrack table.
 *
 * This shows how to embed the engine: create it, configure interfaces in
 * `ip` words, restore rules in iptables-save format, and push frames.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uptables/uptables.h"

static const char *const gateway_config[] = {
	"link eth0 address 02:00:00:00:00:01",
	"link eth1 address 02:00:00:00:01:01",
	"addr add 198.51.100.1/24 dev eth0",
	"addr add 192.168.1.1/24 dev eth1",
	"neigh add 198.51.100.2 lladdr 02:00:00:00:00:02 dev eth0",
	"neigh add 192.168.1.2 lladdr 02:00:00:00:01:02 dev eth1",
	"sysctl net.ipv4.ip_forward=1",
};

static const char rules[] =
	"*nat\n"
	"-A PREROUTING -i eth0 -p tcp --dport 80 -j DNAT --to 192.168.1.2:8080\n"
	"COMMIT\n"
	"*filter\n"
	":FORWARD DROP [0:0]\n"
	"-A FORWARD -p tcp -d 192.168.1.2 --dport 8080 -j ACCEPT\n"
	"-A FORWARD -m state --state ESTABLISHED,RELATED -j ACCEPT\n"
	"COMMIT\n";

static const uint8_t mac_gw0[6] = {2, 0, 0, 0, 0, 1}, mac_gw1[6] = {2, 0, 0, 0, 1, 1};
static const uint8_t mac_client[6] = {2, 0, 0, 0, 0, 2}, mac_server[6] = {2, 0, 0, 0, 1, 2};

struct tcp_seg {
	const uint8_t *src_mac, *dst_mac;
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	const char *payload;
};

static uint32_t ip4(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return a << 24 | b << 16 | c << 8 | d;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (; n > 1; p += 2, n -= 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (n)
		s += (uint32_t)(p[0] << 8);
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
	be16(p, v >> 16);
	be16(p + 2, v);
}

/* An Ethernet + IPv4 + TCP frame with correct checksums; returns its length. */
static uint32_t build(uint8_t *f, const struct tcp_seg *s)
{
	size_t plen = s->payload ? strlen(s->payload) : 0;
	uint8_t *ip = f + 14, *th = ip + 20;
	uint32_t ps;

	memset(f, 0, 14 + 40);
	memcpy(f, s->dst_mac, 6);
	memcpy(f + 6, s->src_mac, 6);
	be16(f + 12, 0x0800);
	ip[0] = 0x45;
	be16(ip + 2, (uint32_t)(40 + plen));
	be16(ip + 4, 1);
	be16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = 6;
	be32(ip + 12, s->saddr);
	be32(ip + 16, s->daddr);
	be16(ip + 10, fold(sum16(ip, 20, 0)));
	be16(th, s->sport);
	be16(th + 2, s->dport);
	be32(th + 4, s->seq);
	be32(th + 8, s->ack);
	th[12] = 5 << 4;
	th[13] = s->flags;
	be16(th + 14, 64240);
	memcpy(th + 20, s->payload ? s->payload : "", plen);
	ps = sum16(ip + 12, 8, 6 + 20 + (uint32_t)plen);
	be16(th + 16, fold(sum16(th, 20 + plen, ps)));
	return (uint32_t)(14 + 40 + plen);
}

static void on_trace(void *ctx, const struct upt_trace_event *ev)
{
	(void)ctx;
	switch (ev->kind) {
	case UPT_TRACE_RECEIVE:
		printf("\n%s\n", ev->text);
		break;
	case UPT_TRACE_CHAIN:
		printf("  %-8s %s %s\n", "chain", upt_table_name(ev->table), ev->chain);
		break;
	case UPT_TRACE_RULE:
		printf("  %-8s #%u %s  [%llu pkts, %llu bytes]\n", "rule", ev->rulenum, ev->text,
		       (unsigned long long)ev->pkts, (unsigned long long)ev->bytes);
		break;
	case UPT_TRACE_POLICY:
		printf("  %-8s %s %s\n", "policy", ev->chain, ev->text ? ev->text : "");
		break;
	default:
		printf("  %-8s %s\n", upt_trace_kind_str(ev->kind), ev->text ? ev->text : "");
		break;
	}
}

int main(void)
{
	const uint32_t client = ip4(198, 51, 100, 2), gw = ip4(198, 51, 100, 1);
	const uint32_t server = ip4(192, 168, 1, 2);
	const char *req = "GET / HTTP/1.0\r\n\r\n", *resp = "HTTP/1.0 200 OK\r\n\r\nhello\n";
	const uint32_t rl = (uint32_t)strlen(req), sl = (uint32_t)strlen(resp);
	/* The conversation, as each end sends it (client side talks to the gateway's :80). */
	const struct tcp_seg conv[] = {
		{mac_client, mac_gw0, client, gw, 40000, 80, 1000, 0, 0x02, NULL},
		{mac_server, mac_gw1, server, client, 8080, 40000, 5000, 1001, 0x12, NULL},
		{mac_client, mac_gw0, client, gw, 40000, 80, 1001, 5001, 0x10, NULL},
		{mac_client, mac_gw0, client, gw, 40000, 80, 1001, 5001, 0x18, req},
		{mac_server, mac_gw1, server, client, 8080, 40000, 5001, 1001 + rl, 0x18, resp},
		{mac_client, mac_gw0, client, gw, 40000, 80, 1001 + rl, 5001 + sl, 0x11, NULL},
		{mac_server, mac_gw1, server, client, 8080, 40000, 5001 + sl, 1002 + rl, 0x11, NULL},
		{mac_client, mac_gw0, client, gw, 40000, 80, 1002 + rl, 5002 + sl, 0x10, NULL},
	};
	struct upt_engine_config cfg = {.seed = {1, 2}, .trace = on_trace};
	struct upt_engine *eng;
	char err[256], *table;
	uint8_t buf[UPT_PKT_HEADROOM + 2048];
	uint64_t now = 1000000000ull;
	unsigned i, failures = 0;

	if (upt_engine_create(&cfg, &eng) < 0)
		return 1;
	for (i = 0; i < sizeof(gateway_config) / sizeof(gateway_config[0]); i++) {
		if (upt_engine_config_line(eng, gateway_config[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "config: %s: %s\n", gateway_config[i], err);
			return 1;
		}
	}
	if (upt_engine_restore(eng, rules, sizeof(rules) - 1, 0, err, sizeof(err)) < 0) {
		fprintf(stderr, "rules: %s\n", err);
		return 1;
	}
	printf("uptables: the seed port forward, packet by packet\n%s", rules);
	for (i = 0; i < sizeof(conv) / sizeof(conv[0]); i++) {
		const struct tcp_seg *s = &conv[i];
		struct upt_pkt pkt = {.buf = buf, .cap = sizeof(buf), .off = UPT_PKT_HEADROOM};

		pkt.len = build(buf + pkt.off, s);
		pkt.ifindex = upt_engine_ifindex(eng, s->src_mac == mac_client ? "eth0" : "eth1");
		upt_engine_process(eng, &pkt, 1, now);
		now += 10000000ull; /* 10 ms between packets */
		if (pkt.result != UPT_PKT_FORWARDED) {
			printf("  !! expected the packet to be forwarded\n");
			failures++;
		}
	}
	if (upt_engine_ct_proc(eng, now, &table) == 0) {
		printf("\nconntrack table (/proc/net/nf_conntrack):\n%s", table);
		free(table);
	}
	upt_engine_destroy(eng);
	return failures ? 1 : 0;
}

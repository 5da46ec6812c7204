/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gateway's ICMP errors are limited per destination as the kernel limits
 * them (icmp_ratelimit 1000 ms, burst of six).  The probe times below are the
 * arrival times of TTL-1 probes at the kernel's gateway in
 * tests/kernel/scen_icmp_ratelimit.py (2026-11-24, ms after the first), and
 * `answered` marks the probes the kernel sent time exceeded for.
 */
#include <string.h>

#include "check.h"
#include "core/engine.h"
#include "frames.h"

#define MS 1000000ull

static unsigned nerr;
static uint32_t last_dst;

static void on_emit(void *ctx, uint32_t ifindex, const uint8_t *frame, uint32_t len, uint64_t now)
{
	(void)ctx, (void)ifindex, (void)now;
	if (len >= 14 + 20 + 8 && frame[12] == 8 && frame[13] == 0 && frame[14 + 9] == 1 &&
	    frame[14 + 20] == 11) {
		nerr++;
		last_dst = (uint32_t)frame[30] << 24 | (uint32_t)frame[31] << 16 |
			   (uint32_t)frame[32] << 8 | frame[33];
	}
}

static struct upt_engine *gateway(void)
{
	static const char *const conf[] = {
	    "link eth0 address 02:00:00:00:00:01",
	    "link eth1 address 02:00:00:00:01:01",
	    "addr add 198.51.100.1/24 dev eth0",
	    "addr add 192.168.1.1/24 dev eth1",
	    "neigh add 198.51.100.2 lladdr 02:00:00:00:00:02 dev eth0",
	    "neigh add 198.51.100.3 lladdr 02:00:00:00:00:03 dev eth0",
	    "neigh add 192.168.1.2 lladdr 02:00:00:00:01:02 dev eth1",
	    "sysctl net.ipv4.ip_forward=1",
	};
	struct upt_engine_config cfg;
	struct upt_engine *eng = NULL;
	char err[256];
	unsigned i;

	memset(&cfg, 0, sizeof(cfg));
	cfg.seed[0] = 3;
	cfg.seed[1] = 4;
	cfg.emit = on_emit;
	CHECK_EQ(upt_engine_create(&cfg, &eng), 0);
	for (i = 0; eng && i < sizeof(conf) / sizeof(conf[0]); i++)
		CHECK_MSG(upt_engine_config_line(eng, conf[i], err, sizeof(err)) == 0, "%s: %s",
			  conf[i], err);
	nerr = 0;
	return eng;
}

static uint8_t pbuf[UPT_PKT_HEADROOM + FRAME_MAX];

/* A TTL-1 UDP probe from src to 192.168.1.2 arriving on eth0 at t; true if it was answered. */
static bool probe(struct upt_engine *eng, const char *src, uint16_t dport, uint64_t t)
{
	static const uint8_t mac_gw0[6] = {2, 0, 0, 0, 0, 1};
	struct upt_pkt p = {.buf = pbuf, .cap = sizeof(pbuf), .off = UPT_PKT_HEADROOM};
	unsigned before = nerr;
	struct frame f;

	frame_init(&f, UPT_IPPROTO_UDP, src, 40000, "192.168.1.2", dport);
	f.ttl = 1;
	memcpy(f.dst_mac, mac_gw0, 6);
	f.src_mac[5] = src[strlen(src) - 1] == '2' ? 2 : 3;
	f.src_mac[0] = 2;
	p.len = (uint32_t)frame_build(&f, pbuf + p.off, sizeof(pbuf) - p.off);
	p.ifindex = upt_engine_ifindex(eng, "eth0");
	upt_engine_tick(eng, t);
	upt_engine_process(eng, &p, 1, t);
	return nerr == before + 1;
}

TEST(time_exceeded_burst_of_six_then_one_per_second_as_the_kernel)
{
	static const struct {
		uint64_t ms;
		bool answered;
	} rows[] = {
	    {0, true},	   {22, true},	  {48, true},	 {69, true},	{92, true},
	    {116, true},   {139, false},  {162, false},	 {184, false},	{208, false},
	    {1729, true},  {1750, false}, {1772, false}, {1795, false}, {2316, true},
	    {2339, false}, {5360, true},  {5382, true},	 {5403, true},	{5424, false},
	    {5445, false}, {5467, false}, {5492, false}, {5513, false},
	};
	struct upt_engine *eng = gateway();
	const uint64_t t0 = 1795548747486468000ull;
	unsigned i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECK_MSG(probe(eng, "198.51.100.2", (uint16_t)(33434 + i), t0 + rows[i].ms * MS) ==
			      rows[i].answered,
			  "probe %u at %llu ms", i, (unsigned long long)rows[i].ms);
	CHECK_EQ(nerr, 11);
	upt_engine_destroy(eng);
}

TEST(each_destination_has_its_own_tokens)
{
	struct upt_engine *eng = gateway();
	const uint64_t t0 = 5000 * MS;
	unsigned i;

	for (i = 0; i < 8; i++)
		probe(eng, "198.51.100.2", (uint16_t)(33434 + i), t0 + i * MS);
	CHECK_EQ(nerr, 6);
	CHECK(probe(eng, "198.51.100.3", 33500, t0 + 9 * MS));
	CHECK_EQ(last_dst, frame_addr("198.51.100.3"));
	CHECK(!probe(eng, "198.51.100.2", 33501, t0 + 10 * MS));
	/* Six seconds of silence fill the bucket again, and no more than that. */
	for (i = 0; i < 8; i++)
		probe(eng, "198.51.100.2", (uint16_t)(33600 + i), t0 + 60000 * MS + i * MS);
	CHECK_EQ(nerr, 13);
	upt_engine_destroy(eng);
}

int main(void)
{
	RUN(time_exceeded_burst_of_six_then_one_per_second_as_the_kernel);
	RUN(each_destination_has_its_own_tokens);
	return check_report("test_icmp_ratelimit");
}

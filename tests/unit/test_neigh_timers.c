/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Neighbour timers on a replay's clock.  The kernel, asked to forward to a
 * next hop that never answers ARP, sent three broadcast requests about a
 * second apart and then ICMP host unreachable to the sender, about three
 * seconds after the first request (tests/kernel/scen_arp_fail.py, 2026-11-24:
 * requests at +0, +1.02, +2.04 s, the error at +3.07 s).  A simulator ticks
 * the engine only when the next captured frame comes, so one late tick must
 * produce all of that, each frame stamped when it fell due.
 */
#include <string.h>

#include "check.h"
#include "core/engine.h"
#include "frames.h"

#define NS 1000000000ull

static struct {
	uint32_t ifindex;
	uint64_t now;
	uint8_t head[64];
} sent[16];
static unsigned nsent;

static void on_emit(void *ctx, uint32_t ifindex, const uint8_t *frame, uint32_t len, uint64_t now)
{
	(void)ctx;
	if (nsent < 16) {
		sent[nsent].ifindex = ifindex;
		sent[nsent].now = now;
		memcpy(sent[nsent].head, frame, len < 64 ? len : 64);
	}
	nsent++;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static struct upt_engine *gateway(void)
{
	static const char *const conf[] = {
	    "link eth0 address 02:00:00:00:00:01",
	    "link eth1 address 02:00:00:00:01:01",
	    "addr add 198.51.100.1/24 dev eth0",
	    "addr add 192.168.1.1/24 dev eth1",
	    "neigh add 198.51.100.2 lladdr 02:00:00:00:00:02 dev eth0",
	    "sysctl net.ipv4.ip_forward=1",
	};
	struct upt_engine_config cfg;
	struct upt_engine *eng = NULL;
	char err[256];
	unsigned i;

	memset(&cfg, 0, sizeof(cfg));
	cfg.seed[0] = 1;
	cfg.seed[1] = 2;
	cfg.emit = on_emit;
	CHECK_EQ(upt_engine_create(&cfg, &eng), 0);
	for (i = 0; eng && i < sizeof(conf) / sizeof(conf[0]); i++)
		CHECK_MSG(upt_engine_config_line(eng, conf[i], err, sizeof(err)) == 0, "%s: %s",
			  conf[i], err);
	return eng;
}

static uint8_t pbuf[UPT_PKT_HEADROOM + FRAME_MAX];

static void send_udp(struct upt_engine *eng, const char *dst, uint64_t now)
{
	static const uint8_t mac_gw0[6] = {2, 0, 0, 0, 0, 1}, mac_cl[6] = {2, 0, 0, 0, 0, 2};
	struct upt_pkt p = {.buf = pbuf, .cap = sizeof(pbuf), .off = UPT_PKT_HEADROOM};
	struct frame f;

	frame_init(&f, UPT_IPPROTO_UDP, "198.51.100.2", 47000, dst, 9);
	memcpy(f.src_mac, mac_cl, 6);
	memcpy(f.dst_mac, mac_gw0, 6);
	p.len = (uint32_t)frame_build(&f, pbuf + p.off, sizeof(pbuf) - p.off);
	p.ifindex = upt_engine_ifindex(eng, "eth0");
	upt_engine_process(eng, &p, 1, now);
	CHECK_EQ(p.result, UPT_PKT_HELD);
}

static bool is_arp_request_for(unsigned i, const char *ip)
{
	const uint8_t *a = sent[i].head + 14;
	uint32_t tpa = (uint32_t)a[24] << 24 | (uint32_t)a[25] << 16 | (uint32_t)a[26] << 8 | a[27];

	return rd16(sent[i].head + 12) == 0x0806 && rd16(a + 6) == 1 && tpa == frame_addr(ip);
}

TEST(one_late_tick_catches_up_on_every_arp_retry_and_the_failure)
{
	struct upt_engine *eng = gateway();
	uint32_t eth0 = upt_engine_ifindex(eng, "eth0"), eth1 = upt_engine_ifindex(eng, "eth1");

	nsent = 0;
	send_udp(eng, "192.168.1.99", 10 * NS);
	CHECK_EQ(nsent, 1);
	upt_engine_tick(eng, 10 * NS + 45 * NS / 10); /* the next frame, 4.5 s later */
	CHECK_EQ(nsent, 4);
	CHECK(is_arp_request_for(0, "192.168.1.99") && sent[0].ifindex == eth1);
	CHECK(is_arp_request_for(1, "192.168.1.99") && sent[1].ifindex == eth1);
	CHECK(is_arp_request_for(2, "192.168.1.99") && sent[2].ifindex == eth1);
	CHECK_EQ(sent[1].now, 11 * NS);
	CHECK_EQ(sent[2].now, 12 * NS);
	/* Host unreachable (type 3 code 1) to the sender, out eth0, at +3 s. */
	CHECK_EQ(sent[3].ifindex, eth0);
	CHECK_EQ(rd16(sent[3].head + 12), 0x0800);
	CHECK_EQ(sent[3].head[14 + 20], 3);
	CHECK_EQ(sent[3].head[14 + 21], 1);
	CHECK_EQ(sent[3].now, 13 * NS);
	CHECK_EQ(upt_engine_drop_count(eng, UPT_DROP_NEIGH_FAILED), 1);
	upt_engine_destroy(eng);
}

TEST(late_tick_runs_two_neighbours_timers_in_time_order)
{
	struct upt_engine *eng = gateway();
	unsigned i;

	nsent = 0;
	send_udp(eng, "192.168.1.98", 10 * NS);
	send_udp(eng, "192.168.1.99", 10 * NS + NS / 2);
	CHECK_EQ(nsent, 2);
	upt_engine_tick(eng, 20 * NS);
	/* .98 at 11, .99 at 11.5, .98 at 12, .99 at 12.5, .98 fails at 13, .99 at 13.5 */
	CHECK_EQ(nsent, 8);
	for (i = 1; i < 8 && i < nsent; i++)
		CHECK(sent[i].now >= sent[i - 1].now);
	CHECK(is_arp_request_for(2, "192.168.1.98"));
	CHECK(is_arp_request_for(3, "192.168.1.99"));
	CHECK(is_arp_request_for(4, "192.168.1.98"));
	CHECK(is_arp_request_for(5, "192.168.1.99"));
	CHECK_EQ(sent[6].now, 13 * NS);
	CHECK_EQ(sent[7].now, 13 * NS + NS / 2);
	CHECK_EQ(upt_engine_drop_count(eng, UPT_DROP_NEIGH_FAILED), 2);
	upt_engine_destroy(eng);
}

int main(void)
{
	RUN(one_late_tick_catches_up_on_every_arp_retry_and_the_failure);
	RUN(late_tick_runs_two_neighbours_timers_in_time_order);
	return check_report("test_neigh_timers");
}

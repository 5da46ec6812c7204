/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Random and mutated frames through a whole engine (port-forward gateway
 * with NAT, REJECT, LOG and MASQUERADE rules).  Deterministic (fixed seed),
 * bounded (ITERATIONS frames), meant to run under ASan/UBSan in `make test`.
 *
 * Properties checked for every frame:
 *   - the engine returns (no crash, no sanitizer report, no leak at exit);
 *   - every DROPPED result carries a reason other than NONE;
 *   - a FORWARDED frame has a valid IPv4 header checksum and lies within
 *     the buffer;
 *   - the per-reason drop counters add up to the number of drops seen.
 * Also usable as a libFuzzer target (LLVMFuzzerTestOneInput) when built so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "pkt/pkt.h"
#include "uptables/uptables.h"

#define ITERATIONS 200000

static const char *const config[] = {
	"link eth0 address 02:00:00:00:00:01",
	"link eth1 address 02:00:00:00:01:01",
	"link add link eth1 name eth1.10 type vlan id 10",
	"addr add 198.51.100.1/24 dev eth0",
	"addr add 192.168.1.1/24 dev eth1",
	"addr add 10.10.0.1/24 dev eth1.10",
	"route add default via 198.51.100.254",
	"neigh add 192.168.1.2 lladdr 02:00:00:00:01:02 dev eth1",
	"sysctl net.ipv4.ip_forward=1",
};

static const char rules[] =
	"*nat\n"
	"-A PREROUTING -i eth0 -p tcp --dport 80 -j DNAT --to-destination 192.168.1.2:8080\n"
	"-A PREROUTING -i eth0 -p udp --dport 53 -j DNAT --to-destination 192.168.1.2\n"
	"-A PREROUTING -i eth1 -p tcp --dport 2222 -j REDIRECT --to-ports 22\n"
	"-A POSTROUTING -o eth0 -j MASQUERADE\n"
	"-A POSTROUTING -s 10.10.0.0/24 -o eth1 -p udp -j SNAT --to-source 192.168.1.1:1024-2047\n"
	"COMMIT\n"
	"*filter\n"
	":FORWARD DROP [0:0]\n"
	":checks - [0:0]\n"
	"-A INPUT -p tcp --dport 23 -j REJECT --reject-with tcp-reset\n"
	"-A INPUT -p udp -j REJECT\n"
	"-A INPUT -m conntrack --ctstate INVALID -j LOG --log-prefix \"bad \"\n"
	"-A FORWARD -j checks\n"
	"-A FORWARD -m state --state ESTABLISHED,RELATED -j ACCEPT\n"
	"-A FORWARD -p tcp -d 192.168.1.2 --dport 8080 -j ACCEPT\n"
	"-A FORWARD -i eth1 -j ACCEPT\n"
	"-A checks -p icmp --icmp-type echo-request -j ACCEPT\n"
	"-A checks -p tcp --tcp-flags SYN,RST SYN,RST -j DROP\n"
	"-A checks -m multiport -p udp --dports 1:100,200 -j RETURN\n"
	"COMMIT\n";

static uint64_t rng = 0x243f6a8885a308d3ull;
static unsigned emitted, logged, drops;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static void on_emit(void *ctx, uint32_t ifindex, const uint8_t *frame, uint32_t len, uint64_t now)
{
	(void)ctx, (void)ifindex, (void)now;
	if (len >= 34 && frame[12] == 0x08 && frame[13] == 0x00 && !frame_ip_csum_ok(frame + 14)) {
		fprintf(stderr, "emitted frame with a bad IP checksum\n");
		exit(1);
	}
	emitted++;
}

static void on_log(void *ctx, unsigned level, const char *line)
{
	(void)ctx, (void)level, (void)line;
	logged++;
}

/* A valid seed frame of a random kind. */
static size_t seed_frame(uint8_t *buf, size_t cap)
{
	static const char *const srcs[] = {"198.51.100.2", "192.168.1.2", "10.10.0.5", "203.0.113.9"};
	static const char *const dsts[] = {"198.51.100.1", "192.168.1.2", "192.168.1.1", "8.8.8.8"};
	static const uint8_t gw0[6] = {2, 0, 0, 0, 0, 1};
	uint8_t inner[256];
	struct frame f, of;
	size_t ilen;
	uint8_t protos[] = {UPT_IPPROTO_TCP, UPT_IPPROTO_UDP, UPT_IPPROTO_ICMP, 47};
	uint8_t proto = protos[rnd() % 4];

	if (rnd() % 16 == 0) {
		uint8_t sha[6] = {2, 0, 0, 0, 0, (uint8_t)rnd()};

		return frame_build_arp(buf, cap, (uint16_t)(1 + rnd() % 2), sha,
				       frame_addr(srcs[rnd() % 4]), gw0, frame_addr(dsts[rnd() % 4]),
				       NULL);
	}
	frame_init(&f, proto, srcs[rnd() % 4], (uint16_t)(rnd() % 4 ? 40000 + rnd() % 8 : rnd()),
		   dsts[rnd() % 4], (uint16_t)(rnd() % 2 ? 80 : rnd() % 3 ? 53 : rnd()));
	f.ttl = (uint8_t)(rnd() % 8 ? 64 : rnd() % 3);
	f.tcp_flags = (uint8_t)(rnd() % 2 ? UPT_TCP_SYN : rnd());
	f.seq = rnd();
	f.ack = rnd();
	f.df = rnd() % 2;
	f.vlan = rnd() % 16 == 0;
	f.vlan_tci = 10;
	if (proto == UPT_IPPROTO_ICMP && rnd() % 2) {
		frame_init(&of, UPT_IPPROTO_TCP, dsts[rnd() % 4], 8080, srcs[rnd() % 4],
			   (uint16_t)(40000 + rnd() % 8));
		ilen = frame_build(&of, inner, sizeof(inner));
		frame_icmp_error(&f, srcs[rnd() % 4], "198.51.100.1", (uint8_t)(rnd() % 2 ? 3 : 11),
				 (uint8_t)(rnd() % 4), &of, inner, rnd() % 2 ? 8 : SIZE_MAX);
		(void)ilen;
	}
	return frame_build(&f, buf, cap);
}

static void mutate(uint8_t *buf, size_t *len, size_t cap)
{
	unsigned n = rnd() % 4, i;

	for (i = 0; i < n; i++) {
		switch (rnd() % 5) {
		case 0: /* flip a byte */
			if (*len)
				buf[rnd() % *len] ^= (uint8_t)(1u << (rnd() % 8));
			break;
		case 1: /* truncate */
			if (*len)
				*len = rnd() % *len;
			break;
		case 2: /* random byte in the IP/L4 header area */
			if (*len > 14)
				buf[14 + rnd() % (*len - 14 < 40 ? *len - 14 : 40)] = (uint8_t)rnd();
			break;
		case 3: /* grow with garbage */
			if (*len + 64 <= cap) {
				unsigned k;

				for (k = 0; k < 64; k++)
					buf[*len + k] = (uint8_t)rnd();
				*len += 64;
			}
			break;
		default:
			break; /* leave it valid */
		}
	}
}

static struct upt_engine *make_engine(void)
{
	struct upt_engine_config cfg = {.ct_max = 512, .seed = {3, 5}, .emit = on_emit,
					.log = on_log};
	struct upt_engine *eng;
	char err[256];
	size_t i;

	if (upt_engine_create(&cfg, &eng) < 0)
		exit(2);
	for (i = 0; i < sizeof(config) / sizeof(config[0]); i++)
		if (upt_engine_config_line(eng, config[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "config %s: %s\n", config[i], err);
			exit(2);
		}
	if (upt_engine_restore(eng, rules, sizeof(rules) - 1, 0, err, sizeof(err)) < 0) {
		fprintf(stderr, "rules: %s\n", err);
		exit(2);
	}
	return eng;
}

static int check_result(struct upt_engine *eng, const struct upt_pkt *p)
{
	(void)eng;
	if (p->result == UPT_PKT_DROPPED) {
		drops++;
		if (p->reason == UPT_DROP_NONE) {
			fprintf(stderr, "drop without a reason\n");
			return 1;
		}
	}
	if (p->result == UPT_PKT_FORWARDED) {
		if (p->off > p->cap || p->len > p->cap - p->off || p->len < 34) {
			fprintf(stderr, "forwarded frame outside its buffer\n");
			return 1;
		}
		if (!frame_ip_csum_ok(p->buf + p->off + (p->buf[p->off + 12] == 0x81 ? 18 : 14))) {
			fprintf(stderr, "forwarded frame with a bad IP checksum\n");
			return 1;
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct upt_engine *eng;
	static uint8_t buf[UPT_PKT_HEADROOM + FRAME_MAX];
	static uint64_t now = 1;
	struct upt_pkt p = {.buf = buf, .cap = sizeof(buf), .off = UPT_PKT_HEADROOM};

	if (!eng)
		eng = make_engine();
	if (size > FRAME_MAX)
		size = FRAME_MAX;
	memcpy(buf + p.off, data, size);
	p.len = (uint32_t)size;
	p.ifindex = 2 + (size ? data[0] % 3 : 0);
	upt_engine_process(eng, &p, 1, now += 1000000);
	if (check_result(eng, &p))
		abort();
	return 0;
}

#ifndef UPT_LIBFUZZER
int main(void)
{
	struct upt_engine *eng = make_engine();
	uint8_t buf[8][UPT_PKT_HEADROOM + FRAME_MAX];
	struct upt_pkt batch[8];
	uint64_t now = 1000000000ull, dropped_total = 0;
	unsigned it, i, r;

	for (it = 0; it < ITERATIONS / 8; it++) {
		for (i = 0; i < 8; i++) {
			size_t len = seed_frame(buf[i] + UPT_PKT_HEADROOM, FRAME_MAX - 64);

			if (rnd() % 4)
				mutate(buf[i] + UPT_PKT_HEADROOM, &len, FRAME_MAX - 64);
			memset(&batch[i], 0, sizeof(batch[i]));
			batch[i].buf = buf[i];
			batch[i].cap = sizeof(buf[i]);
			batch[i].off = UPT_PKT_HEADROOM;
			batch[i].len = (uint32_t)len;
			batch[i].ifindex = 2 + rnd() % 4; /* eth0, eth1, eth1.10 (never on the wire), unknown */
		}
		upt_engine_process(eng, batch, 8, now);
		for (i = 0; i < 8; i++)
			if (check_result(eng, &batch[i]))
				return 1;
		now += 1000000ull * (rnd() % 2000); /* up to 2 s between batches: timers run */
		upt_engine_tick(eng, now);
	}
	for (r = 0; r < UPT_DROP__COUNT; r++)
		if (r != UPT_DROP_NEIGH_QUEUE_FULL && r != UPT_DROP_NEIGH_FAILED)
			dropped_total += upt_engine_drop_count(eng, r);
	if (dropped_total < drops) {
		fprintf(stderr, "drop counters (%llu) below drops seen (%u)\n",
			(unsigned long long)dropped_total, drops);
		return 1;
	}
	printf("%u frames, %u dropped, %u emitted, %u logged, %u conntrack entries\n", ITERATIONS,
	       drops, emitted, logged, upt_engine_ct_count(eng));
	upt_engine_destroy(eng);
	return 0;
}
#endif

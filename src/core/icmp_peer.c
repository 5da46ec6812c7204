/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-destination limit on the ICMP errors the gateway sends (the
 * kernel's icmpv4_xrlim_allow over inet_peer_xrlim_allow).
 *
 * Theory of operation: each destination has a token count measured in time.
 * Asking for an error adds the time since the last ask to it, caps it at six
 * intervals (XRLIM_BURST_FACTOR) and spends one interval (icmp_ratelimit,
 * 1000 ms) if it has one.  A destination never seen before starts full (the
 * kernel dates a new peer 60 s back), so a burst of six errors goes out, then
 * one per second.  Checked on the kernel (tests/kernel/scen_icmp_ratelimit.py):
 * TTL-1 probes in bursts of 10, 4, 2, 8 at t = 0, 1.7, 2.3, 5.4 s got 6, 1,
 * 1, 3 time exceeded errors.  Time is the caller's clock in ns.
 *
 * The destinations live in a small table keyed by a keyed hash (the sources
 * of packets are chosen by whoever sends them).  When it is full the entry
 * asked least recently gives way; one idle for six intervals or more is
 * exactly a fresh one anyway.  Not modelled: the kernel's global limit
 * (icmp_msgs_per_sec 1000, burst 50), whose per-message cost is random.
 */
#include "base/siphash.h"
#include "core/engine.h"

#define RATELIMIT_NS 1000000000ull /* net.ipv4.icmp_ratelimit = 1000 ms */
#define BURST_FACTOR 6		   /* XRLIM_BURST_FACTOR */
#define PROBE_MAX    8

/* net.ipv4.icmp_ratemask 6168: dest unreachable, source quench, time exceeded, parameter problem.
 */
#define RATEMASK ((1u << 3) | (1u << 4) | (1u << 11) | (1u << 12))

bool upt_icmp_peer_allow(struct upt_engine *eng, uint8_t type, uint8_t code, uint32_t daddr,
			 uint64_t now)
{
	const uint64_t cap = BURST_FACTOR * RATELIMIT_NS;
	struct upt_icmp_peer *p = NULL, *victim = NULL;
	uint64_t tokens;
	uint32_t h;
	unsigned i;

	if (type > 31 || !(RATEMASK & (1u << type)))
		return true;
	if (type == UPT_ICMP_DEST_UNREACH && code == 4) /* fragmentation needed: never limited */
		return true;
	if (upt_addr_is_local(eng, daddr)) /* routed over loopback: not limited */
		return true;
	h = (uint32_t)upt_siphash(eng->hash_key, &daddr, sizeof(daddr));
	for (i = 0; i < PROBE_MAX; i++) {
		struct upt_icmp_peer *e = &eng->icmp_peer[(h + i) & (UPT_ICMP_PEERS - 1)];

		if (e->used && e->addr == daddr) {
			p = e;
			break;
		}
		if (!e->used) {
			if (!victim || victim->used)
				victim = e;
		} else if (!victim || (victim->used && e->last < victim->last)) {
			victim = e;
		}
	}
	if (!p) {
		p = victim;
		p->used = true;
		p->addr = daddr;
		p->tokens = cap;
		p->last = now;
	}
	tokens = p->tokens + (now > p->last ? now - p->last : 0);
	p->last = now > p->last ? now : p->last;
	if (tokens > cap)
		tokens = cap;
	if (tokens >= RATELIMIT_NS) {
		p->tokens = tokens - RATELIMIT_NS;
		return true;
	}
	p->tokens = tokens;
	return false;
}

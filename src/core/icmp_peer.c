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

/* The peer entry of addr, made fresh (full tokens, no redirects) when new. */
static struct upt_icmp_peer *peer_get(struct upt_engine *eng, uint32_t addr, uint64_t now)
{
	const uint64_t cap = BURST_FACTOR * RATELIMIT_NS;
	struct upt_icmp_peer *p = NULL, *victim = NULL;
	uint32_t h;
	unsigned i;

	h = (uint32_t)upt_siphash(eng->hash_key, &addr, sizeof(addr));
	for (i = 0; i < PROBE_MAX; i++) {
		struct upt_icmp_peer *e = &eng->icmp_peer[(h + i) & (UPT_ICMP_PEERS - 1)];

		if (e->used && e->addr == addr) {
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
		p->addr = addr;
		p->tokens = cap;
		p->last = now;
		p->n_redirects = 0;
		/* inet_getpeer dates a new peer 60 s back: no silence to wait out. */
		p->redirect_last = now > 60 * RATELIMIT_NS ? now - 60 * RATELIMIT_NS : 0;
	}
	return p;
}

bool upt_icmp_peer_allow(struct upt_engine *eng, uint8_t type, uint8_t code, uint32_t daddr,
			 uint64_t now)
{
	const uint64_t cap = BURST_FACTOR * RATELIMIT_NS;
	struct upt_icmp_peer *p;
	uint64_t tokens;

	if (type > 31 || !(RATEMASK & (1u << type)))
		return true;
	if (type == UPT_ICMP_DEST_UNREACH && code == 4) /* fragmentation needed: never limited */
		return true;
	if (upt_addr_is_local(eng, daddr)) /* routed over loopback: not limited */
		return true;
	p = peer_get(eng, daddr, now);
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

/*
 * ip_rt_send_redirect's backoff: after 20.48 s without redirects a host
 * starts over; the n-th redirect waits 20 ms << n after the previous one,
 * and after 9 unheeded ones the host gets no more until it has been quiet
 * for the silence period (ip_rt_redirect_load HZ/50, _number 9, _silence
 * load << 10).  The kernel keeps rate_last in the same inet_peer as the
 * error limit; here the two are kept apart.
 */
#define REDIRECT_LOAD_NS    20000000ull
#define REDIRECT_NUMBER	    9
#define REDIRECT_SILENCE_NS (REDIRECT_LOAD_NS << 10)

bool upt_icmp_peer_redirect_allow(struct upt_engine *eng, uint32_t saddr, uint64_t now)
{
	struct upt_icmp_peer *p = peer_get(eng, saddr, now);

	if (now > p->redirect_last + REDIRECT_SILENCE_NS)
		p->n_redirects = 0;
	if (p->n_redirects >= REDIRECT_NUMBER) {
		p->redirect_last = now;
		return false;
	}
	if (p->n_redirects == 0 || now > p->redirect_last + (REDIRECT_LOAD_NS << p->n_redirects)) {
		p->redirect_last = now;
		p->n_redirects++;
		return true;
	}
	return false;
}

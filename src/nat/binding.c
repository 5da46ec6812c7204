// SPDX-License-Identifier: GPL-2.0
/*
 * NAT bindings: choosing the tuple a connection is rewritten to.
 *
 * Theory of operation (the kernel's nf_nat_core.c, followed as of Linux
 * 6.18, the kernel this project is checked against, including the 6.18
 * stable fix "nf_nat: remove bogus direction check"):
 *
 *   A binding is made once per manip (SRC, DST) while the entry is still
 *   unconfirmed.  The tuple we start from is the inverse of the current
 *   REPLY tuple ("what the packet looks like now", which already includes
 *   an earlier DST manip).  get_unique_tuple() turns it into the tuple the
 *   packet will have after this manip, in four steps:
 *     1. SRC manip only, no random flags: keep the original source if it is
 *        in the range and free (nf_nat_used_tuple_new); otherwise reuse the
 *        mapping an existing connection from the same source ip:port got
 *        (find_appropriate_src), if that is in range and free.
 *     2. Pick the address: min of the range, or for a multi-address range
 *        jhash2(source address, initval = destination address ^ zone),
 *        scaled into the range (find_best_ips_proto).  PERSISTENT hashes
 *        the source alone.  See addr_raw() on byte order.
 *     3. Keep the port if it is in range and free (or the range is a
 *        single port: then a clash is left to confirm).
 *     4. Otherwise search the port range (nf_nat_l4proto_unique_tuple): up
 *        to 128 candidates from an offset (random, except 0 for DNAT without
 *        random flags, or the PROTO_OFFSET distance), then halving rounds
 *        from new random offsets while at least 16 are left.  During the
 *        last 32 candidates of a round a new TCP connection may evict a
 *        SNATed entry in TIME_WAIT or later whose sequence numbers it has
 *        passed (nf_nat_used_tuple_harder).
 *   "Free" always means: the inverse of the candidate (the REPLY tuple it
 *   would produce) is not held by another confirmed entry.  If no free
 *   tuple exists the kernel binds anyway and lets confirm clash; so do we.
 *
 *   SRC_NAT / DST_NAT are set only when the tuple changed; the *_DONE bit
 *   always.  A null binding is a binding to the range "this address", which
 *   still moves a clashing source port (the implicit clash avoidance).
 *
 * Only TCP and UDP have ports in our tuples and ICMP its echo id (in
 * sport); other protocols keep their (zero) ports as the kernel keeps
 * those of protocols it has no port notion for.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "base/rand.h"
#include "nat/jhash.h"
#include "nat/nat.h"
#include "nat/srcmap.h"
#include "pkt/pkt.h"

#define NAT_MAX_ATTEMPTS  128
#define NAT_HARDER_THRESH (NAT_MAX_ATTEMPTS / 4)
#define NAT_KNOWN_FLAGS	  0x7fu /* UPT_NAT_RANGE_MAP_IPS .. UPT_NAT_RANGE_NETMAP */
#define IPPROTO_DCCP_	  33
#define IPPROTO_GRE_	  47
#define IPPROTO_ICMPV6_	  58
#define IPPROTO_SCTP_	  132

static bool has_ports(uint8_t proto)
{
	return proto == UPT_IPPROTO_TCP || proto == UPT_IPPROTO_UDP;
}

/*
 * The kernel hashes addresses as they sit in memory: network byte order
 * read as a native u32.  We reproduce little-endian kernels (x86, arm64),
 * where that value is the byte-swapped host-order address.
 */
static uint32_t addr_raw(uint32_t host_order)
{
	return __builtin_bswap32(host_order);
}

/* Protocols whose tracker sets allow_clash in the kernel (UDP, UDP-Lite, generic). */
static bool allow_clash(uint8_t proto)
{
	switch (proto) {
	case UPT_IPPROTO_TCP:
	case UPT_IPPROTO_ICMP:
	case IPPROTO_DCCP_:
	case IPPROTO_GRE_:
	case IPPROTO_ICMPV6_:
	case IPPROTO_SCTP_:
		return false;
	default:
		return true;
	}
}

/* nf_nat_used_tuple: would this candidate's REPLY tuple be someone else's? */
static bool used_tuple(const struct upt_nat_env *env, const struct upt_tuple *t,
		       const struct upt_ct *ignored)
{
	struct upt_tuple reply;

	upt_tuple_invert(t, &reply);
	return upt_ct_tuple_taken(env->ct, &reply, ignored);
}

/*
 * nf_nat_used_tuple_new: the untouched original tuple clashes.  For
 * protocols that allow clashes, a clash with the same flow seen from the
 * other side (both entries without NAT) is left to confirm instead of
 * moving our source port.
 */
static bool used_tuple_new(const struct upt_nat_env *env, const struct upt_tuple *t,
			   const struct upt_ct *ignored)
{
	const uint32_t uses_nat = UPT_IPS_NAT_MASK | UPT_IPS_SEQ_ADJUST;
	enum upt_ct_dir dir;
	struct upt_ct *other;

	if (!used_tuple(env, t, ignored))
		return false;
	if (!allow_clash(ignored->tuple[UPT_CT_DIR_ORIGINAL].proto))
		return true;
	if (ignored->status & uses_nat)
		return true;

	other = upt_ct_find(env->ct, t, &dir);
	if (!other) {
		struct upt_tuple reply;

		upt_tuple_invert(t, &reply);
		other = upt_ct_find(env->ct, &reply, &dir);
		if (!other)
			return false;
	}
	if (other->status & uses_nat)
		return true;
	return !upt_tuple_eq(&other->tuple[UPT_CT_DIR_ORIGINAL], &ignored->tuple[UPT_CT_DIR_REPLY]);
}

/* nf_nat_may_kill: a closing SNATed entry nobody pinned. */
static bool may_kill(const struct upt_ct *ct)
{
	if (ct->proto.tcp.state < UPT_TCP_TIME_WAIT)
		return false;
	if (ct->status & (UPT_IPS_FIXED_TIMEOUT | UPT_IPS_DYING))
		return false;
	return (ct->status & UPT_IPS_SRC_NAT) != 0;
}

/* Replies to the old connection must look stale to the new one. */
static bool seq_has_advanced(const struct upt_ct *old, const struct upt_ct *new_)
{
	return (int32_t)(new_->proto.tcp.seen[0].td_end - old->proto.tcp.seen[0].td_end) > 0;
}

/* nf_nat_used_tuple_harder: used_tuple, plus eviction in the last attempts. */
static bool used_tuple_harder(const struct upt_nat_env *env, const struct upt_tuple *t,
			      const struct upt_ct *ignored, unsigned attempts_left)
{
	struct upt_tuple reply;
	enum upt_ct_dir dir;
	struct upt_ct *other;

	upt_tuple_invert(t, &reply);
	if (attempts_left > NAT_HARDER_THRESH || t->proto != UPT_IPPROTO_TCP ||
	    ignored->proto.tcp.state != UPT_TCP_SYN_SENT)
		return upt_ct_tuple_taken(env->ct, &reply, ignored);

	other = upt_ct_find(env->ct, &reply, &dir);
	if (!other)
		return false;
	if (dir == UPT_CT_DIR_ORIGINAL || other == ignored)
		return true;
	if (!may_kill(other) || !seq_has_advanced(other, ignored))
		return true;
	upt_ct_delete(env->ct, other);
	return false;
}

static bool addr_in_range(uint32_t addr, const struct upt_nat_range *r)
{
	return addr >= r->min_addr && addr <= r->max_addr;
}

/* l4proto_in_range: is the manip's port (ICMP: the id) within [min, max]? */
static bool l4_in_range(const struct upt_tuple *t, enum upt_nat_manip manip, uint16_t min,
			uint16_t max)
{
	uint16_t port;

	if (t->proto == UPT_IPPROTO_ICMP)
		port = t->sport;
	else if (has_ports(t->proto))
		port = manip == UPT_NAT_MANIP_SRC ? t->sport : t->dport;
	else
		return true;
	return port >= min && port <= max;
}

/* nf_in_range: would this source meet the range's constraints? */
static bool src_in_range(const struct upt_tuple *t, const struct upt_nat_range *r)
{
	if ((r->flags & UPT_NAT_RANGE_MAP_IPS) && !addr_in_range(t->src, r))
		return false;
	if (!(r->flags & UPT_NAT_RANGE_PROTO_SPECIFIED))
		return true;
	return l4_in_range(t, UPT_NAT_MANIP_SRC, r->min_port, r->max_port);
}

struct appropriate_src {
	const struct upt_tuple *orig;
	const struct upt_nat_range *range;
	struct upt_tuple *result;
	bool found;
};

static int appropriate_src_visit(struct upt_ct *ct, void *arg)
{
	struct appropriate_src *a = arg;
	const struct upt_tuple *t = &ct->tuple[UPT_CT_DIR_ORIGINAL];

	/* The kernel's bysource hash holds exactly the entries with a SRC binding. */
	if (!(ct->status & UPT_IPS_SRC_NAT_DONE))
		return 0;
	if (t->proto != a->orig->proto || t->src != a->orig->src || t->sport != a->orig->sport ||
	    t->zone != a->orig->zone)
		return 0;
	/* Its source as mapped, with our destination. */
	upt_tuple_invert(&ct->tuple[UPT_CT_DIR_REPLY], a->result);
	a->result->dst = a->orig->dst;
	a->result->dport = a->orig->dport;
	a->result->zone = a->orig->zone;
	if (!src_in_range(a->result, a->range))
		return 0;
	a->found = true;
	return 1;
}

/*
 * find_appropriate_src: the kernel walks its hash chain of SRC-bound entries
 * by original source, newest first; so does the srcmap index.  Without the
 * index, or when its bucket may have lost entries, we walk all confirmed
 * entries (where several entries of one source carry different mappings,
 * that walk takes the first in listing order, not the newest).
 */
static bool find_appropriate_src(const struct upt_nat_env *env, const struct upt_tuple *orig,
				 struct upt_tuple *result, const struct upt_nat_range *range)
{
	struct appropriate_src a = {.orig = orig, .range = range, .result = result};

	if (env->srcmap && upt_nat_srcmap_lookup(env->srcmap, orig, appropriate_src_visit, &a) >= 0)
		return a.found;
	upt_ct_foreach(env->ct, appropriate_src_visit, &a);
	return a.found;
}

/* find_best_ips_proto: the address, by hash for a multi-address range. */
static void find_best_ips(struct upt_tuple *t, const struct upt_nat_range *r,
			  enum upt_nat_manip manip)
{
	uint32_t *var = manip == UPT_NAT_MANIP_SRC ? &t->src : &t->dst;
	uint32_t key[4] = {addr_raw(t->src), 0, 0, 0}; /* union nf_inet_addr: 4 words */
	uint32_t j, dist;

	if (!(r->flags & UPT_NAT_RANGE_MAP_IPS))
		return;
	if (r->min_addr == r->max_addr) {
		*var = r->min_addr;
		return;
	}
	j = upt_nat_jhash2(key, 4,
			   (r->flags & UPT_NAT_RANGE_PERSISTENT) ? 0 : addr_raw(t->dst) ^ t->zone);
	dist = r->max_addr - r->min_addr + 1;
	/* reciprocal_scale(j, dist) */
	*var = r->min_addr + (uint32_t)(((uint64_t)j * dist) >> 32);
}

/* nf_nat_l4proto_unique_tuple: search the port (ICMP: id) range. */
static void unique_port(const struct upt_nat_env *env, struct upt_tuple *t,
			const struct upt_nat_range *r, enum upt_nat_manip manip,
			const struct upt_ct *ct)
{
	uint32_t min, max, range_size, attempts, i;
	uint16_t *key, off;

	if (t->proto == UPT_IPPROTO_ICMP) {
		/* The id is the same in both directions; it lives in sport. */
		key = &t->sport;
		if (!(r->flags & UPT_NAT_RANGE_PROTO_SPECIFIED)) {
			min = 0;
			range_size = 65536;
		} else {
			min = r->min_port;
			range_size = (uint32_t)r->max_port - r->min_port + 1;
		}
	} else if (has_ports(t->proto)) {
		key = manip == UPT_NAT_MANIP_SRC ? &t->sport : &t->dport;
		if (!(r->flags & UPT_NAT_RANGE_PROTO_SPECIFIED)) {
			/* A destination port is never moved without a range. */
			if (manip == UPT_NAT_MANIP_DST)
				return;
			/* Keep the class: < 512 (credential passing), < 1024, the rest. */
			if (*key < 512) {
				min = 1;
				range_size = 511;
			} else if (*key < 1024) {
				min = 600;
				range_size = 1023 - 600 + 1;
			} else {
				min = 1024;
				range_size = 65535 - 1024 + 1;
			}
		} else {
			min = r->min_port;
			max = r->max_port;
			if (max < min) {
				uint32_t tmp = max;

				max = min;
				min = tmp;
			}
			range_size = max - min + 1;
		}
	} else {
		return;
	}

	if (r->flags & UPT_NAT_RANGE_PROTO_OFFSET)
		off = (uint16_t)(*key - r->base_port);
	else if ((r->flags & UPT_NAT_RANGE_PROTO_RANDOM_ALL) || manip != UPT_NAT_MANIP_DST)
		off = (uint16_t)upt_rand_u32(env->rng);
	else
		off = 0;

	attempts = range_size < NAT_MAX_ATTEMPTS ? range_size : NAT_MAX_ATTEMPTS;
	for (;;) {
		for (i = 0; i < attempts; i++, off++) {
			*key = (uint16_t)(min + off % range_size);
			if (!used_tuple_harder(env, t, ct, attempts - i))
				return;
		}
		/* Bounded work: fewer candidates per round, from a new offset. */
		if (attempts >= range_size || attempts < 16)
			return;
		attempts /= 2;
		off = (uint16_t)upt_rand_u32(env->rng);
	}
}

static void get_unique_tuple(const struct upt_nat_env *env, struct upt_tuple *t,
			     const struct upt_tuple *orig, const struct upt_nat_range *r,
			     const struct upt_ct *ct, enum upt_nat_manip manip)
{
	/* 1) Source manips without random: the original, or the source's existing mapping. */
	if (manip == UPT_NAT_MANIP_SRC && !(r->flags & UPT_NAT_RANGE_PROTO_RANDOM_ALL)) {
		if (src_in_range(orig, r)) {
			if (!used_tuple_new(env, orig, ct)) {
				*t = *orig;
				return;
			}
		} else if (find_appropriate_src(env, orig, t, r)) {
			if (!used_tuple(env, t, ct))
				return;
		}
	}

	/* 2) The address. */
	*t = *orig;
	find_best_ips(t, r, manip);

	/* 3) Keep the port when it is in range and unique. */
	if (!(r->flags & UPT_NAT_RANGE_PROTO_RANDOM_ALL)) {
		if (r->flags & UPT_NAT_RANGE_PROTO_SPECIFIED) {
			if (!(r->flags & UPT_NAT_RANGE_PROTO_OFFSET) &&
			    l4_in_range(t, manip, r->min_port, r->max_port) &&
			    (r->min_port == r->max_port || !used_tuple(env, t, ct)))
				return;
		} else if (!used_tuple(env, t, ct)) {
			return;
		}
	}

	/* 4) Search the port range. */
	unique_port(env, t, r, manip, ct);
}

bool upt_nat_done(const struct upt_ct *ct, enum upt_nat_manip manip)
{
	uint32_t bit = manip == UPT_NAT_MANIP_SRC ? UPT_IPS_SRC_NAT_DONE : UPT_IPS_DST_NAT_DONE;

	return (ct->status & bit) != 0;
}

int upt_nat_setup(const struct upt_nat_env *env, struct upt_ct *ct,
		  const struct upt_nat_range *range, enum upt_nat_manip manip)
{
	struct upt_tuple curr, new_;

	if (!env || !env->ct || !env->rng || !ct || !range)
		return -EINVAL;
	if (manip != UPT_NAT_MANIP_SRC && manip != UPT_NAT_MANIP_DST)
		return -EINVAL;
	if (range->flags & ~NAT_KNOWN_FLAGS)
		return -EINVAL;
	if ((range->flags & UPT_NAT_RANGE_MAP_IPS) && range->min_addr > range->max_addr)
		return -EINVAL;
	/* A confirmed entry's tuples are frozen (the kernel accepts and does nothing). */
	if (ct->status & UPT_IPS_CONFIRMED)
		return 0;
	/* Binding a manip twice is a caller bug (the kernel WARNs and drops). */
	if (upt_nat_done(ct, manip))
		return -EEXIST;

	/* What the packet looks like now, after any earlier manip. */
	upt_tuple_invert(&ct->tuple[UPT_CT_DIR_REPLY], &curr);
	get_unique_tuple(env, &new_, &curr, range, ct, manip);

	if (!upt_tuple_eq(&new_, &curr)) {
		upt_tuple_invert(&new_, &ct->tuple[UPT_CT_DIR_REPLY]);
		ct->status |= manip == UPT_NAT_MANIP_SRC ? UPT_IPS_SRC_NAT : UPT_IPS_DST_NAT;
	}
	ct->status |= manip == UPT_NAT_MANIP_SRC ? UPT_IPS_SRC_NAT_DONE : UPT_IPS_DST_NAT_DONE;
	/* Every SRC-bound entry, null bindings included, joins the by-source index. */
	if (manip == UPT_NAT_MANIP_SRC && env->srcmap)
		upt_nat_srcmap_add(env->srcmap, ct);
	return 0;
}

int upt_nat_null_binding(const struct upt_nat_env *env, struct upt_ct *ct, enum upt_nat_manip manip)
{
	struct upt_nat_range range = {.flags = UPT_NAT_RANGE_MAP_IPS};

	if (!ct)
		return -EINVAL;
	/* The address as it is now: read from REPLY in case a manip already happened. */
	range.min_addr = range.max_addr = manip == UPT_NAT_MANIP_SRC
					      ? ct->tuple[UPT_CT_DIR_REPLY].dst
					      : ct->tuple[UPT_CT_DIR_REPLY].src;
	return upt_nat_setup(env, ct, &range, manip);
}

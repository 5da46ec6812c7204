// SPDX-License-Identifier: GPL-2.0
/*
 * The conntrack table: entry pool, keyed hash, confirm/abort/delete,
 * bounded expiry and early drop.
 *
 * Theory of operation:
 *   - The pool is an array of max entries allocated at create, with a free
 *     list threaded through upt_ct.pool_next.  An entry is either free,
 *     unconfirmed (allocated, not hashed: only the packet that created it
 *     knows it) or confirmed (both tuples hashed, in_hash = 1).
 *   - The hash is open addressing with linear probing over a power-of-two
 *     slot array of at least 4 slots per entry (2 per tuple), so the load
 *     factor stays <= 1/2 and probe sequences stay short.  A slot holds 32
 *     bits of the tuple's SipHash (the tag, whose low bits are the home
 *     slot) and a reference = entry index * 2 + direction.  Deletion shifts
 *     later members of the probe run back (no tombstones), so a lookup may
 *     stop at the first empty slot.
 *   - Time is the caller's: an entry with now >= expires is dead.  Lookups
 *     that meet a dead entry reclaim it on the spot (as the kernel's
 *     lookups do); upt_ct_expire() sweeps the pool from a rotating cursor,
 *     visiting at most `budget` entries per call.
 *   - When the pool is empty, a new connection looks at up to
 *     UPT_CT_EVICT_SCAN entries from another rotating cursor and takes the
 *     first dead or not-ASSURED confirmed one (the kernel's early_drop); if
 *     there is none the packet is dropped.  ASSURED entries are never
 *     evicted.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/siphash.h"
#include "ct/ct.h"
#include "ct/ct_int.h"

static_assert(sizeof(struct upt_ct) <= 128, "conntrack entry must stay within 128 bytes");

#define UPT_CT_MAX_ENTRIES (1u << 26)

static uint32_t tuple_tag(const struct upt_ct_table *t, const struct upt_tuple *tu)
{
	/* Hash a canonical byte image, never the struct (padding, byte order). */
	uint8_t b[16] = {
	    (uint8_t)(tu->src >> 24),
	    (uint8_t)(tu->src >> 16),
	    (uint8_t)(tu->src >> 8),
	    (uint8_t)tu->src,
	    (uint8_t)(tu->dst >> 24),
	    (uint8_t)(tu->dst >> 16),
	    (uint8_t)(tu->dst >> 8),
	    (uint8_t)tu->dst,
	    (uint8_t)(tu->sport >> 8),
	    (uint8_t)tu->sport,
	    (uint8_t)(tu->dport >> 8),
	    (uint8_t)tu->dport,
	    tu->proto,
	    0,
	    (uint8_t)(tu->zone >> 8),
	    (uint8_t)tu->zone,
	};
	uint64_t h = upt_siphash(t->key, b, sizeof(b));

	return (uint32_t)(h ^ (h >> 32));
}

static inline uint32_t ct_index(const struct upt_ct_table *t, const struct upt_ct *ct)
{
	return (uint32_t)(ct - t->pool);
}

static inline const struct upt_tuple *slot_tuple(const struct upt_ct_table *t, uint32_t ref)
{
	return &t->pool[ref >> 1].tuple[ref & 1];
}

/* Slot holding `tu`, or UPT_CT_SLOT_EMPTY. */
static uint32_t find_slot(const struct upt_ct_table *t, const struct upt_tuple *tu)
{
	uint32_t tag = tuple_tag(t, tu), i = tag & t->mask;

	/* Bounded by the slot count: the load factor (<= 1/2) guarantees an
	 * empty slot, the bound only keeps a broken invariant from hanging. */
	for (uint32_t n = 0; n <= t->mask; n++, i = (i + 1) & t->mask) {
		const struct upt_ct_slot *s = &t->slots[i];

		if (s->ref == UPT_CT_SLOT_EMPTY)
			return UPT_CT_SLOT_EMPTY;
		if (s->tag == tag && upt_tuple_eq(slot_tuple(t, s->ref), tu))
			return i;
	}
	return UPT_CT_SLOT_EMPTY;
}

/* Slot index used, or UPT_CT_SLOT_EMPTY if none is free (only if an invariant broke). */
static uint32_t slot_insert(struct upt_ct_table *t, uint32_t ref)
{
	uint32_t tag = tuple_tag(t, slot_tuple(t, ref));
	uint32_t i = tag & t->mask;

	for (uint32_t n = 0; n <= t->mask; n++, i = (i + 1) & t->mask) {
		if (t->slots[i].ref == UPT_CT_SLOT_EMPTY) {
			t->slots[i].tag = tag;
			t->slots[i].ref = ref;
			return i;
		}
	}
	return UPT_CT_SLOT_EMPTY;
}

/* Backward-shift deletion: keep every probe run free of holes. */
static void slot_delete(struct upt_ct_table *t, uint32_t hole)
{
	uint32_t j = hole;

	for (uint32_t n = 0; n < t->mask; n++) {
		uint32_t home;

		j = (j + 1) & t->mask;
		if (t->slots[j].ref == UPT_CT_SLOT_EMPTY)
			break;
		home = t->slots[j].tag & t->mask;
		/* Move j into the hole unless its home lies cyclically in (hole, j]. */
		if (((j - home) & t->mask) >= ((j - hole) & t->mask)) {
			t->slots[hole] = t->slots[j];
			hole = j;
		}
	}
	t->slots[hole].ref = UPT_CT_SLOT_EMPTY;
	t->slots[hole].tag = 0;
}

static void unhash(struct upt_ct_table *t, struct upt_ct *ct)
{
	uint32_t idx = ct_index(t, ct);

	for (unsigned dir = 0; dir < 2; dir++) {
		uint32_t ref = idx * 2 + dir;
		uint32_t i = tuple_tag(t, &ct->tuple[dir]) & t->mask;

		for (uint32_t n = 0; n <= t->mask && t->slots[i].ref != UPT_CT_SLOT_EMPTY;
		     n++, i = (i + 1) & t->mask) {
			if (t->slots[i].ref == ref) {
				slot_delete(t, i);
				break;
			}
		}
	}
	ct->in_hash = 0;
	t->confirmed--;
}

void upt_ct_free(struct upt_ct_table *t, struct upt_ct *ct)
{
	uint32_t idx = ct_index(t, ct);

	ct->in_hash = 0;
	ct->status = 0;
	ct->pool_next = t->free_head;
	t->free_head = idx;
	t->used--;
}

/* Remove a confirmed entry from the hash and give it back to the pool. */
static void destroy(struct upt_ct_table *t, struct upt_ct *ct)
{
	unhash(t, ct);
	upt_ct_free(t, ct);
}

void upt_ct_saw_time(struct upt_ct_table *t, uint64_t now)
{
	if (now > t->now_seen)
		t->now_seen = now;
}

bool upt_ct_is_expired(const struct upt_ct *ct, uint64_t now)
{
	return now >= ct->expires;
}

void upt_ct_refresh(struct upt_ct *ct, uint64_t now, uint32_t secs)
{
	if (ct->status & UPT_IPS_FIXED_TIMEOUT)
		return;
	ct->expires = now + (uint64_t)secs * UPT_NSEC_PER_SEC;
}

void upt_ct_kill(struct upt_ct *ct, uint64_t now)
{
	ct->status |= UPT_IPS_DYING;
	ct->expires = now;
}

int upt_ct_table_create(uint32_t max_entries, const uint64_t key[2], struct upt_ct_table **out)
{
	struct upt_ct_table *t;
	uint64_t nslots = 4;

	*out = NULL;
	if (max_entries == 0 || max_entries > UPT_CT_MAX_ENTRIES)
		return -EINVAL;
	while (nslots < (uint64_t)max_entries * 4)
		nslots <<= 1;

	t = calloc(1, sizeof(*t));
	if (!t)
		goto err_table;
	t->pool = calloc(max_entries, sizeof(*t->pool));
	if (!t->pool)
		goto err_pool;
	t->slots = malloc(nslots * sizeof(*t->slots));
	if (!t->slots)
		goto err_slots;

	for (uint64_t i = 0; i < nslots; i++) {
		t->slots[i].tag = 0;
		t->slots[i].ref = UPT_CT_SLOT_EMPTY;
	}
	/* Free list in index order, so entries are handed out 0, 1, 2, ... */
	for (uint32_t i = 0; i < max_entries; i++)
		t->pool[i].pool_next = i + 1 < max_entries ? i + 1 : UPT_CT_NONE;
	t->free_head = 0;
	t->max = max_entries;
	t->mask = (uint32_t)(nslots - 1);
	t->next_id = 1;
	t->key[0] = key[0];
	t->key[1] = key[1];
	upt_ct_sysctl_defaults(&t->sys);
	*out = t;
	return 0;

err_slots:
	free(t->pool);
err_pool:
	free(t);
err_table:
	return -ENOMEM;
}

void upt_ct_table_destroy(struct upt_ct_table *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t->pool);
	free(t->acct);
	free(t->labels);
	free(t);
}

struct upt_ct *upt_ct_lookup(struct upt_ct_table *t, const struct upt_tuple *tu, uint64_t now,
			     enum upt_ct_dir *dir)
{
	uint32_t i = find_slot(t, tu);
	struct upt_ct *ct;

	if (i == UPT_CT_SLOT_EMPTY)
		return NULL;
	ct = &t->pool[t->slots[i].ref >> 1];
	if (upt_ct_is_expired(ct, now)) {
		/* Dead entries are invisible; reclaim while we are here. */
		destroy(t, ct);
		t->stats.expired++;
		return NULL;
	}
	if (dir)
		*dir = (enum upt_ct_dir)(t->slots[i].ref & 1);
	return ct;
}

/* The kernel's early_drop: a bounded look for a dead or unassured entry. */
static struct upt_ct *evict(struct upt_ct_table *t, uint64_t now)
{
	uint32_t scan = t->max < UPT_CT_EVICT_SCAN ? t->max : UPT_CT_EVICT_SCAN;

	for (uint32_t n = 0; n < scan; n++) {
		struct upt_ct *ct = &t->pool[t->evict_cursor];

		t->evict_cursor = t->evict_cursor + 1 < t->max ? t->evict_cursor + 1 : 0;
		if (!ct->in_hash)
			continue; /* unconfirmed: belongs to a packet in flight */
		if (upt_ct_is_expired(ct, now)) {
			destroy(t, ct);
			t->stats.expired++;
			return ct;
		}
		if (!(ct->status & UPT_IPS_ASSURED)) {
			destroy(t, ct);
			t->stats.early_drop++;
			return ct;
		}
	}
	return NULL;
}

struct upt_ct *upt_ct_alloc(struct upt_ct_table *t, uint64_t now)
{
	struct upt_ct *ct;
	uint32_t idx;

	if (t->free_head == UPT_CT_NONE && !evict(t, now))
		return NULL;
	idx = t->free_head;
	ct = &t->pool[idx];
	t->free_head = ct->pool_next;
	t->used++;
	memset(ct, 0, sizeof(*ct));
	ct->pool_next = UPT_CT_NONE;
	ct->id = t->next_id++;
	if (t->next_id == 0)
		t->next_id = 1;
	return ct;
}

int upt_ct_confirm(struct upt_ct_table *t, struct upt_ct *ct, uint64_t now)
{
	uint32_t first;

	upt_ct_saw_time(t, now);
	if (ct->in_hash)
		return 0;
	/* Either tuple already in use by a live entry: the kernel's insert clash. */
	if (upt_ct_lookup(t, &ct->tuple[UPT_CT_DIR_ORIGINAL], now, NULL) ||
	    upt_ct_lookup(t, &ct->tuple[UPT_CT_DIR_REPLY], now, NULL)) {
		t->stats.insert_failed++;
		return -EEXIST;
	}
	/*
	 * REPLY first: when both tuples are the same (10.0.0.1:53 -> 10.0.0.1:53,
	 * or a generic protocol to oneself) lookups meet the REPLY slot first and
	 * later packets count as replies, as in the kernel, whose hash chains
	 * get REPLY inserted at the head after ORIGINAL.  Linear probing with
	 * backward-shift deletion keeps the order of equal tuples.
	 */
	first = slot_insert(t, ct_index(t, ct) * 2 + UPT_CT_DIR_REPLY);
	if (first == UPT_CT_SLOT_EMPTY)
		goto err_full;
	if (slot_insert(t, ct_index(t, ct) * 2 + UPT_CT_DIR_ORIGINAL) == UPT_CT_SLOT_EMPTY)
		goto err_second;
	ct->in_hash = 1;
	ct->status |= UPT_IPS_CONFIRMED;
	t->confirmed++;
	t->stats.insert++;
	return 0;

err_second:
	slot_delete(t, first);
err_full:
	t->stats.insert_failed++;
	return -ENOSPC;
}

void upt_ct_abort(struct upt_ct_table *t, struct upt_ct *ct)
{
	/* Only unconfirmed entries can be aborted; a confirmed one is deleted. */
	if (ct->in_hash)
		return;
	upt_ct_free(t, ct);
}

void upt_ct_delete(struct upt_ct_table *t, struct upt_ct *ct)
{
	if (!ct->in_hash)
		return;
	destroy(t, ct);
}

void upt_ct_flush(struct upt_ct_table *t)
{
	for (uint32_t i = 0; i < t->max; i++)
		if (t->pool[i].in_hash)
			destroy(t, &t->pool[i]);
}

struct upt_ct *upt_ct_find(struct upt_ct_table *t, const struct upt_tuple *tu, enum upt_ct_dir *dir)
{
	/* No clock argument: judge liveness by the latest time the table was
	 * given (the packet being processed, or the last expiry sweep). */
	return upt_ct_lookup(t, tu, t->now_seen, dir);
}

bool upt_ct_tuple_taken(struct upt_ct_table *t, const struct upt_tuple *tu,
			const struct upt_ct *ignore)
{
	const struct upt_ct *ct = upt_ct_lookup(t, tu, t->now_seen, NULL);

	return ct && ct != ignore;
}

unsigned upt_ct_expire(struct upt_ct_table *t, uint64_t now, unsigned budget)
{
	unsigned freed = 0;

	upt_ct_saw_time(t, now);
	if (budget > t->max)
		budget = t->max;
	for (unsigned n = 0; n < budget; n++) {
		struct upt_ct *ct = &t->pool[t->expire_cursor];

		t->expire_cursor = t->expire_cursor + 1 < t->max ? t->expire_cursor + 1 : 0;
		if (ct->in_hash && upt_ct_is_expired(ct, now)) {
			destroy(t, ct);
			t->stats.expired++;
			freed++;
		}
	}
	return freed;
}

unsigned upt_ct_count(const struct upt_ct_table *t)
{
	return t->used;
}

uint32_t upt_ct_max(const struct upt_ct_table *t)
{
	return t->max;
}

const struct upt_ct_stats *upt_ct_get_stats(const struct upt_ct_table *t)
{
	return &t->stats;
}

int upt_ct_foreach(struct upt_ct_table *t, int (*fn)(struct upt_ct *ct, void *arg), void *arg)
{
	for (uint32_t i = 0; i < t->max; i++) {
		struct upt_ct *ct = &t->pool[i];
		int rc;

		if (!ct->in_hash || (ct->status & UPT_IPS_DYING))
			continue;
		rc = fn(ct, arg);
		if (rc)
			return rc;
	}
	return 0;
}

uint32_t upt_ct_timeout_left(const struct upt_ct *ct, uint64_t now)
{
	if (ct->expires <= now)
		return 0;
	return (uint32_t)((ct->expires - now) / UPT_NSEC_PER_SEC);
}

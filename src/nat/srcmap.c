// SPDX-License-Identifier: GPL-2.0
/*
 * Index of SRC-bound entries by original source (the kernel's nf_nat_bysource
 * hash), so that find_appropriate_src does not walk the whole table.
 *
 * Theory of operation: conntrack owns and recycles its entries without
 * telling NAT, so the index holds plain pointers into the conntrack pool
 * and trusts none of them: a hit counts only if the entry is still
 * confirmed, SRC-bound and has the looked-up source.  Each bucket is a small
 * ring, newest first, like the kernel's chain.  When an insert pushes out an
 * entry that was still live, the bucket is marked lossy, and a miss on a
 * lossy bucket falls back to walking the table: answers are always the
 * kernel's, the index only makes the common case cheap.  Buckets are chosen
 * with SipHash under the engine's secret, so nobody can aim at one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/siphash.h"
#include "nat/nat.h"
#include "nat/srcmap.h"

#define SRCMAP_WAYS 4

struct srcmap_bucket {
	struct upt_ct *way[SRCMAP_WAYS];
	uint8_t next;  /* ring position of the next insert */
	uint8_t lossy; /* a live entry was pushed out */
};

struct upt_nat_srcmap {
	struct srcmap_bucket *b;
	uint32_t mask;
	uint64_t key[2];
};

int upt_nat_srcmap_create(uint32_t max_entries, const uint64_t key[2], struct upt_nat_srcmap **out)
{
	struct upt_nat_srcmap *m;
	uint32_t n = 16;

	*out = NULL;
	/* About one bucket per entry: four ways then rarely overflow. */
	while (n < max_entries && n < (1u << 28))
		n <<= 1;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->b = calloc(n, sizeof(*m->b));
	if (!m->b) {
		free(m);
		return -ENOMEM;
	}
	m->mask = n - 1;
	m->key[0] = key[0] ^ 0x6e61742d73726321ull; /* not the conntrack hash's own key */
	m->key[1] = key[1];
	*out = m;
	return 0;
}

void upt_nat_srcmap_destroy(struct upt_nat_srcmap *m)
{
	if (!m)
		return;
	free(m->b);
	free(m);
}

static struct srcmap_bucket *bucket(const struct upt_nat_srcmap *m, const struct upt_tuple *orig)
{
	uint8_t k[12];

	memcpy(k, &orig->src, 4);
	memcpy(k + 4, &orig->sport, 2);
	memcpy(k + 6, &orig->zone, 2);
	k[8] = orig->proto;
	k[9] = k[10] = k[11] = 0;
	return &m->b[upt_siphash(m->key, k, sizeof(k)) & m->mask];
}

/* Still an SRC-bound confirmed entry of this source? */
bool upt_nat_srcmap_valid(const struct upt_ct *ct, const struct upt_tuple *orig)
{
	const struct upt_tuple *t = &ct->tuple[UPT_CT_DIR_ORIGINAL];

	return ct->in_hash && !(ct->status & UPT_IPS_DYING) &&
	       (ct->status & UPT_IPS_SRC_NAT_DONE) && t->proto == orig->proto &&
	       t->src == orig->src && t->sport == orig->sport && t->zone == orig->zone;
}

void upt_nat_srcmap_add(struct upt_nat_srcmap *m, struct upt_ct *ct)
{
	const struct upt_tuple *orig = &ct->tuple[UPT_CT_DIR_ORIGINAL];
	struct srcmap_bucket *b = bucket(m, orig);
	unsigned i, slot = b->next;

	/* Prefer a dead way (or this entry itself) over pushing out a live one. */
	for (i = 0; i < SRCMAP_WAYS; i++) {
		struct upt_ct *old = b->way[i];

		if (!old || old == ct ||
		    !upt_nat_srcmap_valid(old, &old->tuple[UPT_CT_DIR_ORIGINAL])) {
			slot = i;
			break;
		}
	}
	if (i == SRCMAP_WAYS)
		b->lossy = 1;
	b->way[slot] = ct;
	b->next = (uint8_t)((slot + 1) % SRCMAP_WAYS);
}

int upt_nat_srcmap_lookup(const struct upt_nat_srcmap *m, const struct upt_tuple *orig,
			  int (*fn)(struct upt_ct *ct, void *arg), void *arg)
{
	const struct srcmap_bucket *b = bucket(m, orig);

	/* Newest first, like the kernel's hlist_add_head chain. */
	for (unsigned n = 1; n <= SRCMAP_WAYS; n++) {
		struct upt_ct *ct = b->way[(b->next + SRCMAP_WAYS - n) % SRCMAP_WAYS];
		int rc;

		if (!ct || !upt_nat_srcmap_valid(ct, orig))
			continue;
		rc = fn(ct, arg);
		if (rc)
			return rc;
	}
	return b->lossy ? -1 : 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv4 reassembly (the kernel's ip_defrag / inet_fragment, conntrack user).
 *
 * Theory of operation:
 *   - A queue is keyed by (saddr, daddr, IP ID, protocol) and lives from its
 *     first fragment until the datagram completes, the queue is killed
 *     (a bad or overlapping fragment) or ipfrag_time runs out: the deadline
 *     is set once when the queue is created and never pushed back.
 *   - Each fragment's end is offset + payload; a fragment with MF set has
 *     its payload cut down to a multiple of 8.  The last fragment (MF clear)
 *     fixes the datagram's length: a last fragment that ends before data we
 *     already hold, a second last fragment with another end, data beyond a
 *     known end, or an empty fragment kill the whole queue.
 *   - Placement follows inet_frag_queue_insert: fragments are kept as runs
 *     (a fragment that starts where the highest one ends extends its run;
 *     any other forms a new run).  A fragment wholly inside one run is a
 *     duplicate: it alone is dropped.  Any other overlap kills the queue
 *     (RFC 5722 behaviour of current kernels).
 *   - Complete when the first (offset 0) and last fragments are in and the
 *     payload bytes held equal the length.  The datagram gets the first
 *     fragment's L2 and IP headers, total length, frag_off DF when the
 *     largest fragment carried DF (else 0), the TOS ORed with CE when
 *     fragments mixed CE and ECT, and a fresh header checksum.  Mixing
 *     Not-ECT with any ECN codepoint, or a datagram above 65535 bytes, fails
 *     the reassembly (the queue is gone either way).
 *   - frag_max_size (the largest fragment, header included) and whether it
 *     had DF go with the datagram: refragmentation uses them.
 *
 *   - ipfrag_max_dist: every fragment bumps a counter of its source (the
 *     kernel's inet_peer rid); a queue remembers the count at its last
 *     fragment, and when more than 64 fragments of that source arrived in
 *     between, its held fragments are dropped and it starts afresh (same
 *     key, a new 30 s deadline; the largest-fragment sizes are kept, as
 *     ip_frag_reinit keeps them).  The source table is fixed; when it is
 *     full, a source whose queues are all gone is reused, else the new
 *     source goes uncounted (as the kernel when it cannot get a peer).
 *
 * The deadline is exact here; the kernel's timer wheel fires a 30 s timer
 * late by up to its granularity (2.048 s with HZ=250), so a fragment 30 to
 * 32 s late may still complete a datagram there.  Not modelled: vif
 * (l3mdev) in the key.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/defrag.h"
#include "pkt/csum.h"
#include "uptables/uptables.h"

#define FRAG_FIRST_IN 0x1u
#define FRAG_LAST_IN  0x2u
#define PAYLOAD_MAX   65535u /* bytes of payload a queue stores */

/* ipq->ecn bits: one per ECN codepoint seen (ip4_frag_ecn). */
#define ECN_NOT_ECT 0x1u
#define ECN_ECT_1   0x2u
#define ECN_ECT_0   0x4u
#define ECN_CE	    0x8u

/* One held fragment's payload; runs are what inet_frag_queue_insert compares against. */
struct frag {
	uint32_t start, end;
	bool run_start; /* false: it extended the run of the fragment before it */
};

struct peer {
	uint32_t saddr;
	uint32_t rid;	/* fragments seen from saddr */
	uint32_t users; /* queues pointing here */
	bool used;
};

struct queue {
	bool used;
	int32_t peer; /* index in peers[], -1 none */
	uint32_t rid; /* peer's rid at this queue's last fragment */
	uint32_t saddr, daddr;
	uint16_t id;
	uint8_t proto;
	uint8_t flags; /* FRAG_FIRST_IN | FRAG_LAST_IN */
	uint8_t ecn;   /* ECN_* seen */
	uint32_t iif;  /* interface of the last fragment queued */
	uint64_t deadline;
	uint32_t len;	 /* datagram payload length (known once LAST_IN; else max end) */
	uint32_t meat;	 /* payload bytes held */
	uint32_t nfrags; /* fragments held (for drop counts) */
	uint16_t max_size, max_df_size;
	uint16_t hlen;					/* first fragment's IHL * 4 */
	uint16_t l2_len;				/* first fragment's L2 header length */
	uint8_t hdr[UPT_ETH_HLEN + UPT_VLAN_HLEN + 60]; /* first fragment's L2 + IP header */
	struct frag frags[UPT_DEFRAG_FRAGS]; /* sorted by start; runs contiguous; nfrags of them */
	uint8_t *data;			     /* PAYLOAD_MAX bytes */
};

struct upt_defrag {
	uint64_t *drops;
	upt_defrag_expired_fn expired;
	void *expired_ctx;
	unsigned used;
	struct queue q[UPT_DEFRAG_QUEUES];
	struct peer peers[UPT_DEFRAG_PEERS];
	uint8_t *payload; /* UPT_DEFRAG_QUEUES * PAYLOAD_MAX */
	uint8_t out[UPT_DEFRAG_FRAME];
	uint16_t out_sizes[UPT_DEFRAG_FRAGS];
	uint8_t frag[UPT_DEFRAG_FRAME];
};

int upt_defrag_create(uint64_t *drops, upt_defrag_expired_fn expired, void *ctx,
		      struct upt_defrag **out)
{
	struct upt_defrag *df;
	unsigned i;

	*out = NULL;
	df = calloc(1, sizeof(*df));
	if (!df)
		return -ENOMEM;
	df->payload = malloc((size_t)UPT_DEFRAG_QUEUES * PAYLOAD_MAX);
	if (!df->payload) {
		free(df);
		return -ENOMEM;
	}
	for (i = 0; i < UPT_DEFRAG_QUEUES; i++)
		df->q[i].data = df->payload + (size_t)i * PAYLOAD_MAX;
	df->drops = drops;
	df->expired = expired;
	df->expired_ctx = ctx;
	*out = df;
	return 0;
}

void upt_defrag_destroy(struct upt_defrag *df)
{
	if (!df)
		return;
	free(df->payload);
	free(df);
}

unsigned upt_defrag_queue_count(const struct upt_defrag *df)
{
	return df->used;
}

uint8_t *upt_defrag_frag_buf(struct upt_defrag *df)
{
	return df->frag;
}

static void count(struct upt_defrag *df, unsigned reason, uint64_t n)
{
	if (df->drops && reason < UPT_DROP__COUNT)
		df->drops[reason] += n;
}

/* inet_frag_kill + destroy: the held fragments go, each counted under reason. */
static void queue_kill(struct upt_defrag *df, struct queue *q, unsigned reason)
{
	count(df, reason, q->nfrags);
	if (q->peer >= 0)
		df->peers[q->peer].users--;
	q->used = false;
	df->used--;
}

static unsigned peer_hash(uint32_t saddr)
{
	uint32_t h = saddr * 0x9e3779b1u;

	return (h ^ (h >> 15)) & (UPT_DEFRAG_PEERS - 1);
}

/* inet_getpeer_v4: the source's counter, made if need be; -1 when there is no room. */
static int32_t peer_get(struct upt_defrag *df, uint32_t saddr)
{
	unsigned i, h = peer_hash(saddr);
	int32_t spare = -1;

	for (i = 0; i < UPT_DEFRAG_PEERS; i++) {
		unsigned k = (h + i) & (UPT_DEFRAG_PEERS - 1);
		struct peer *p = &df->peers[k];

		if (p->used && p->saddr == saddr)
			return (int32_t)k;
		if (!p->used) {
			if (spare < 0)
				spare = (int32_t)k;
			break;
		}
		if (spare < 0 && p->users == 0)
			spare = (int32_t)k;
	}
	if (spare < 0)
		return -1;
	/* Slots are never emptied, so probe chains stay intact; a reused slot
	 * forgets its old source, whose count starts again if it comes back. */
	df->peers[spare].saddr = saddr;
	df->peers[spare].rid = 0;
	df->peers[spare].users = 0;
	df->peers[spare].used = true;
	return spare;
}

/* ip_expire: the queue goes; its first fragment, if held, is handed out for the ICMP error. */
static void queue_expire(struct upt_defrag *df, struct queue *q)
{
	bool first = (q->flags & FRAG_FIRST_IN) && q->nfrags && q->frags[0].start == 0;
	uint32_t plen = first ? q->frags[0].end : 0, len = q->hlen + plen;

	queue_kill(df, q, UPT_DROP_DEFRAG_TIMEOUT);
	if (!first || !df->expired || plen > PAYLOAD_MAX || len > sizeof(df->out))
		return;
	/* df->out is free: a reassembled datagram is only used until the next add. */
	memcpy(df->out, q->hdr + q->l2_len, q->hlen);
	memcpy(df->out + q->hlen, q->data, plen);
	df->expired(df->expired_ctx, df->out, len, q->iif, q->deadline);
}

void upt_defrag_expire(struct upt_defrag *df, uint64_t now)
{
	unsigned i;

	for (i = 0; i < UPT_DEFRAG_QUEUES; i++)
		if (df->q[i].used && now >= df->q[i].deadline)
			queue_expire(df, &df->q[i]);
}

static struct queue *queue_find(struct upt_defrag *df, const struct upt_pdesc *d, uint64_t now)
{
	struct queue *free_q = NULL;
	unsigned i;

	for (i = 0; i < UPT_DEFRAG_QUEUES; i++) {
		struct queue *q = &df->q[i];

		if (q->used && now >= q->deadline)
			queue_expire(df, q); /* its timer fired before now */
		if (!q->used) {
			if (!free_q)
				free_q = q;
			continue;
		}
		if (q->saddr == d->saddr && q->daddr == d->daddr && q->id == d->ip_id &&
		    q->proto == d->proto)
			return q;
	}
	if (!free_q)
		return NULL;
	free_q->used = true;
	free_q->saddr = d->saddr;
	free_q->daddr = d->daddr;
	free_q->id = d->ip_id;
	free_q->proto = d->proto;
	free_q->flags = 0;
	free_q->ecn = 0;
	free_q->deadline = now + UPT_DEFRAG_TIME_NS;
	free_q->len = free_q->meat = free_q->nfrags = 0;
	free_q->max_size = free_q->max_df_size = 0;
	free_q->hlen = free_q->l2_len = 0;
	free_q->rid = 0;
	free_q->peer = peer_get(df, d->saddr);
	if (free_q->peer >= 0)
		df->peers[free_q->peer].users++;
	df->used++;
	return free_q;
}

enum insert_res { INSERT_OK, INSERT_DUP, INSERT_OVERLAP, INSERT_FULL };

/*
 * inet_frag_queue_insert, on runs: a fragment starting where the highest
 * one ends joins its run; one wholly inside a run is a duplicate; any other
 * overlap is fatal.  Accepted fragments are kept sorted for reassembly and
 * for refragmenting along the same lines.
 */
static enum insert_res frag_insert(struct queue *q, uint32_t offset, uint32_t end)
{
	struct frag *tail = q->nfrags ? &q->frags[q->nfrags - 1] : NULL;
	unsigned i, j, at;

	if (q->nfrags == UPT_DEFRAG_FRAGS)
		return INSERT_FULL;
	if (!tail || tail->end < end) {
		/* Goes after everything held (the common, in-order case). */
		if (tail && offset < tail->end)
			return INSERT_OVERLAP;
		q->frags[q->nfrags].start = offset;
		q->frags[q->nfrags].end = end;
		q->frags[q->nfrags].run_start = !tail || offset != tail->end;
		q->nfrags++;
		return INSERT_OK;
	}
	at = q->nfrags;
	for (i = 0; i < q->nfrags; i = j) {
		uint32_t rs = q->frags[i].start, re = q->frags[i].end;

		for (j = i + 1; j < q->nfrags && !q->frags[j].run_start; j++)
			re = q->frags[j].end;
		if (end <= rs) {
			at = i;
			break;
		}
		if (offset >= re)
			continue;
		if (offset >= rs && end <= re)
			return INSERT_DUP;
		return INSERT_OVERLAP;
	}
	/* A run of its own before runs[at], never merged with its neighbours. */
	memmove(&q->frags[at + 1], &q->frags[at], (q->nfrags - at) * sizeof(q->frags[0]));
	q->frags[at].start = offset;
	q->frags[at].end = end;
	q->frags[at].run_start = true;
	q->nfrags++;
	return INSERT_OK;
}

/* ip_frag_ecn_table: 0xff fails the datagram, else bits ORed into the TOS. */
static unsigned ecn_merge(uint8_t seen)
{
	if ((seen & ECN_NOT_ECT) && (seen & ~ECN_NOT_ECT))
		return 0xff;
	if ((seen & ECN_CE) && (seen & (ECN_ECT_0 | ECN_ECT_1)))
		return 3; /* INET_ECN_CE */
	return 0;
}

/* ip_frag_reasm: the queue is gone whatever happens. */
static enum upt_defrag_res reassemble(struct upt_defrag *df, struct queue *q,
				      struct upt_defrag_out *out, uint16_t *reason)
{
	unsigned ecn = ecn_merge(q->ecn);
	uint32_t len = q->hlen + q->len, off = UPT_DEFRAG_HEADROOM;
	uint8_t *ip;
	uint16_t sum;
	unsigned i;

	/* The current fragment is in the queue: it is counted by the caller. */
	q->nfrags--;
	if (ecn == 0xff) {
		*reason = UPT_DROP_DEFRAG_ECN;
		queue_kill(df, q, *reason);
		return UPT_DEFRAG_DROP;
	}
	if (len > 65535) {
		*reason = UPT_DROP_DEFRAG_OVERSIZE;
		queue_kill(df, q, *reason);
		return UPT_DEFRAG_DROP;
	}
	memcpy(df->out + off, q->hdr, q->l2_len + q->hlen);
	memcpy(df->out + off + q->l2_len + q->hlen, q->data, q->len);
	ip = df->out + off + q->l2_len;
	ip[2] = (uint8_t)(len >> 8);
	ip[3] = (uint8_t)len;
	ip[1] |= (uint8_t)ecn;
	/* DF only when the largest fragment had it (and then refragmenting is forced). */
	ip[6] = q->max_df_size == q->max_size ? (uint8_t)(UPT_IP_DF >> 8) : 0;
	ip[7] = 0;
	ip[10] = ip[11] = 0;
	sum = upt_csum_fold(upt_csum_partial(ip, q->hlen, 0));
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
	out->buf = df->out;
	out->cap = sizeof(df->out);
	out->off = off;
	out->len = q->l2_len + len;
	out->frag_max_size = q->max_df_size > q->max_size ? q->max_df_size : q->max_size;
	out->frag_pmtu = q->max_df_size == q->max_size;
	/* The fragments stay chained to the datagram (frag_list): their sizes. */
	for (i = 0; i <= q->nfrags; i++)
		df->out_sizes[i] = (uint16_t)(q->frags[i].end - q->frags[i].start);
	out->sizes = df->out_sizes;
	out->nsizes = q->nfrags + 1;
	q->nfrags = 0;
	queue_kill(df, q, UPT_DROP_NONE);
	return UPT_DEFRAG_DONE;
}

/* ip_frag_too_far: more than ipfrag_max_dist fragments of this source since our last one? */
static bool too_far(struct upt_defrag *df, struct queue *q)
{
	uint32_t start = q->rid, end;

	if (q->peer < 0)
		return false;
	end = ++df->peers[q->peer].rid;
	q->rid = end;
	return q->nfrags > 0 && end - start > UPT_DEFRAG_MAX_DIST;
}

enum upt_defrag_res upt_defrag_add(struct upt_defrag *df, const struct upt_pdesc *d,
				   uint32_t ifindex, uint64_t now, struct upt_defrag_out *out,
				   uint16_t *reason)
{
	const uint8_t *ip = d->frame + d->l2_len;
	uint32_t offset = (uint32_t)(d->frag_off & UPT_IP_OFFMASK) << 3;
	uint32_t end = offset + d->ip_len - d->l3_len;
	uint32_t fragsize;
	struct queue *q;

	*reason = UPT_DROP_NONE;
	q = queue_find(df, d, now);
	if (!q) {
		*reason = UPT_DROP_DEFRAG_NO_QUEUE;
		return UPT_DEFRAG_DROP;
	}
	if (too_far(df, q)) {
		/* ip_frag_reinit: the held fragments go, the queue starts again. */
		count(df, UPT_DROP_DEFRAG_TOO_FAR, q->nfrags);
		q->nfrags = 0;
		q->flags = 0;
		q->len = q->meat = 0;
		q->ecn = 0;
		q->deadline = now + UPT_DEFRAG_TIME_NS;
	}
	if (!(d->frag_off & UPT_IP_MF)) {
		/* The last fragment: nothing may lie beyond it, and only one end. */
		if (end < q->len || ((q->flags & FRAG_LAST_IN) && end != q->len))
			goto kill_invalid;
		q->flags |= FRAG_LAST_IN;
		q->len = end;
	} else {
		end &= ~7u;
		if (end > q->len) {
			if (q->flags & FRAG_LAST_IN)
				goto kill_invalid;
			q->len = end;
		}
	}
	if (end == offset)
		goto kill_invalid;
	switch (frag_insert(q, offset, end)) {
	case INSERT_OK:
		break;
	case INSERT_DUP:
		*reason = UPT_DROP_DEFRAG_DUP;
		return UPT_DEFRAG_DROP;
	case INSERT_OVERLAP:
		*reason = UPT_DROP_DEFRAG_OVERLAP;
		queue_kill(df, q, *reason);
		return UPT_DEFRAG_DROP;
	default:
		*reason = UPT_DROP_DEFRAG_NO_QUEUE;
		return UPT_DEFRAG_DROP;
	}
	/* Bytes past 64 KiB can never be part of a valid datagram: not stored. */
	if (offset < PAYLOAD_MAX)
		memcpy(q->data + offset, ip + d->l3_len,
		       (end < PAYLOAD_MAX ? end : PAYLOAD_MAX) - offset);
	q->meat += end - offset;
	q->iif = ifindex;
	q->ecn |= (uint8_t)(1u << (d->tos & 3));
	if (offset == 0) {
		q->flags |= FRAG_FIRST_IN;
		q->l2_len = d->l2_len;
		q->hlen = d->l3_len;
		memcpy(q->hdr, d->frame, (size_t)d->l2_len + d->l3_len);
	}
	fragsize = end - offset + d->l3_len;
	if (fragsize > q->max_size)
		q->max_size = (uint16_t)fragsize;
	if ((d->frag_off & UPT_IP_DF) && fragsize > q->max_df_size)
		q->max_df_size = (uint16_t)fragsize;
	if (q->flags == (FRAG_FIRST_IN | FRAG_LAST_IN) && q->meat == q->len)
		return reassemble(df, q, out, reason);
	*reason = UPT_DROP_DEFRAG_HELD;
	return UPT_DEFRAG_HELD;

kill_invalid:
	*reason = UPT_DROP_DEFRAG_INVALID;
	queue_kill(df, q, *reason);
	return UPT_DEFRAG_DROP;
}

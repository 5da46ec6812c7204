/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv4 fragment reassembly at PREROUTING, as nf_defrag_ipv4 does for a
 * gateway with conntrack loaded (ip_defrag with the conntrack user), and
 * the scratch space the refragmentation step (frag_out.c) builds its
 * fragments in.
 *
 * Memory is fixed at create time: UPT_DEFRAG_QUEUES queues of at most one
 * maximum-size datagram each (64 KiB of payload + the first fragment's
 * headers + up to UPT_DEFRAG_FRAGS fragment records of 12 bytes), about
 * 5 MiB in all, close to the kernel's default ipfrag_high_thresh (4 MiB).  As in current kernels, a
 * full pool evicts nothing: new datagrams' fragments are dropped until a queue completes, fails or
 * expires (ipfrag_time, 30 s after the queue was created).
 */
#ifndef UPT_CORE_DEFRAG_H
#define UPT_CORE_DEFRAG_H

#include <stdbool.h>
#include <stdint.h>

#include "pkt/pkt.h"

#define UPT_DEFRAG_QUEUES   64
#define UPT_DEFRAG_FRAGS    1024	   /* fragments held per queue */
#define UPT_DEFRAG_TIME_NS  30000000000ull /* net.ipv4.ipfrag_time */
#define UPT_DEFRAG_MAX_DIST 64		   /* net.ipv4.ipfrag_max_dist */
#define UPT_DEFRAG_PEERS    1024	   /* sources whose fragments are counted (power of two) */
#define UPT_DEFRAG_HEADROOM 32		   /* before the reassembled frame's L2 header */
#define UPT_DEFRAG_FRAME    (UPT_DEFRAG_HEADROOM + UPT_ETH_HLEN + UPT_VLAN_HLEN + 65535 + 64)

struct upt_defrag;

enum upt_defrag_res {
	UPT_DEFRAG_HELD = 0, /* fragment kept in its queue */
	UPT_DEFRAG_DROP,     /* fragment dropped; see reason */
	UPT_DEFRAG_DONE,     /* this fragment completed a datagram: see out */
};

/* The reassembled datagram (valid until the next upt_defrag_add). */
struct upt_defrag_out {
	uint8_t *buf;		/* start of the buffer */
	uint32_t cap;		/* its size */
	uint32_t off;		/* where the frame (L2 header of the first fragment) starts */
	uint32_t len;		/* L2 header + IP datagram */
	uint16_t frag_max_size; /* IPCB(skb)->frag_max_size: largest fragment seen */
	bool frag_pmtu;		/* IPSKB_FRAG_PMTU: the largest fragment had DF */
	const uint16_t *sizes;	/* payload bytes of each fragment, in offset order */
	unsigned nsizes;
};

/*
 * A queue timed out holding its first fragment: that fragment (IP header
 * on, as received), the interface its last fragment came in on, and when
 * the timer fired.  The kernel (ip_expire) then sends ICMP time exceeded,
 * fragment reassembly, when the datagram was for a local address.
 */
typedef void (*upt_defrag_expired_fn)(void *ctx, const uint8_t *ip, uint32_t len, uint32_t iif,
				      uint64_t when);

/*
 * drops: the engine's per-reason counters; fragments held in a queue that
 * is later dropped (timeout, overlap, ...) are counted there, one each.
 */
int upt_defrag_create(uint64_t *drops, upt_defrag_expired_fn expired, void *ctx,
		      struct upt_defrag **out);
void upt_defrag_destroy(struct upt_defrag *df);

/*
 * One received fragment (d parsed by upt_pkt_parse_eth, is_fragment set).
 * The current fragment's own drop is not counted here: the caller's walk
 * counts it under *reason.
 */
enum upt_defrag_res upt_defrag_add(struct upt_defrag *df, const struct upt_pdesc *d,
				   uint32_t ifindex, uint64_t now, struct upt_defrag_out *out,
				   uint16_t *reason);

/* Drop every queue whose ipfrag_time ran out by now (bounded: one pass over the pool). */
void upt_defrag_expire(struct upt_defrag *df, uint64_t now);

/* Queues in use (for tests and listings). */
unsigned upt_defrag_queue_count(const struct upt_defrag *df);

/* Scratch buffer of UPT_DEFRAG_FRAME bytes for building outgoing fragments. */
uint8_t *upt_defrag_frag_buf(struct upt_defrag *df);

#endif

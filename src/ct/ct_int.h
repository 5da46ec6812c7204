/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Conntrack internals shared by the files of src/ct (table, trackers,
 * listing).  Not for use outside src/ct and its unit tests.
 */
#ifndef UPT_CT_CT_INT_H
#define UPT_CT_CT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "ct/ct.h"

struct upt_pdesc;

#define UPT_NSEC_PER_SEC       1000000000ull
#define UPT_CT_IPPROTO_GRE     47
#define UPT_CT_IPPROTO_UDPLITE 136

/* Per-direction TCP flags: the kernel's IP_CT_TCP_FLAG_* values. */
#define UPT_CT_TCP_FLAG_WINDOW_SCALE	    0x01
#define UPT_CT_TCP_FLAG_SACK_PERM	    0x02
#define UPT_CT_TCP_FLAG_CLOSE_INIT	    0x04
#define UPT_CT_TCP_FLAG_BE_LIBERAL	    0x08
#define UPT_CT_TCP_FLAG_DATA_UNACKNOWLEDGED 0x10
#define UPT_CT_TCP_FLAG_MAXACK_SET	    0x20
/* In upt_ct_tcp.last_flags only (IP_CT_EXP_CHALLENGE_ACK, IP_CT_TCP_SIMULTANEOUS_OPEN). */
#define UPT_CT_TCP_EXP_CHALLENGE_ACK 0x40
#define UPT_CT_TCP_SIMULTANEOUS_OPEN 0x80

/* Defaults of the kernel's two extra TCP timeouts (seconds) and of max_retrans. */
#define UPT_CT_TCP_TIMEOUT_RETRANS 300
#define UPT_CT_TCP_TIMEOUT_UNACK   300
#define UPT_CT_TCP_MAX_RETRANS	   3

/* What a protocol tracker says about one packet. */
enum upt_ct_verdict {
	UPT_CT_ACCEPT = 0, /* the packet belongs to the entry (possibly "ignored" by TCP) */
	UPT_CT_INVALID,	   /* ctinfo INVALID; a new entry is thrown away */
	UPT_CT_REPEAT,	   /* TCP reopen: the old entry was killed, look up again */
};

/* One packet as the trackers see it. */
struct upt_ct_pkt {
	const struct upt_pdesc *d;
	const struct upt_ct_sysctl *sys;
	uint64_t now;
	unsigned hook;	/* enum upt_hook */
	uint8_t dir;	/* enum upt_ct_dir */
	bool confirmed; /* the entry was found in the hash (not created by this packet) */
};

/* Open-addressing slot: empty when ref == UPT_CT_SLOT_EMPTY. */
#define UPT_CT_SLOT_EMPTY UINT32_MAX
struct upt_ct_slot {
	uint32_t tag; /* 32 bits of the tuple's hash; its low bits are the home slot */
	uint32_t ref; /* entry index * 2 + direction */
};

#define UPT_CT_NONE UINT32_MAX /* end of the pool's free list */

struct upt_ct_table {
	struct upt_ct *pool;
	struct upt_ct_slot *slots;
	uint32_t max;		/* pool size */
	uint32_t mask;		/* slot count - 1 (power of two, >= 4 * max) */
	uint32_t free_head;	/* first free pool index, or UPT_CT_NONE */
	uint32_t used;		/* allocated entries (confirmed + unconfirmed) */
	uint32_t confirmed;	/* entries in the hash */
	uint32_t next_id;	/* for upt_ct.id */
	uint32_t expire_cursor; /* next pool index upt_ct_expire() looks at */
	uint32_t evict_cursor;	/* next pool index early drop looks at */
	uint64_t now_seen;	/* latest `now` passed in (for the clock-less lookups) */
	uint64_t key[2];	/* SipHash key */
	struct upt_ct_stats stats;
	struct upt_ct_acct *acct;     /* NULL until upt_ct_acct_enable(); indexed like pool */
	struct upt_ct_labels *labels; /* NULL until upt_ct_labels_enable(); indexed like pool */
	struct upt_ct_sysctl sys;
};

/* acct.c: the counters array (0 or -ENOMEM); give a new entry zeroed counters
 * (when the sysctl is on) / count one accepted packet. */
int upt_ct_acct_alloc(struct upt_ct_table *t);
void upt_ct_acct_new(struct upt_ct_table *t, const struct upt_ct *ct);
void upt_ct_acct_add(struct upt_ct_table *t, const struct upt_ct *ct, unsigned dir, uint32_t len);

/* labels.c: a new entry gets an empty label set when labels are in use. */
void upt_ct_labels_new(struct upt_ct_table *t, const struct upt_ct *ct);

/* How many pool entries one early-drop attempt may look at. */
#define UPT_CT_EVICT_SCAN 64

/* table.c */
struct upt_ct *upt_ct_lookup(struct upt_ct_table *t, const struct upt_tuple *tu, uint64_t now,
			     enum upt_ct_dir *dir);
struct upt_ct *upt_ct_alloc(struct upt_ct_table *t, uint64_t now);
void upt_ct_free(struct upt_ct_table *t, struct upt_ct *ct);
/* Set the timeout (seconds from now), unless the entry has a fixed timeout. */
void upt_ct_refresh(struct upt_ct *ct, uint64_t now, uint32_t secs);
/* The kernel's nf_ct_kill: the entry disappears for lookups now; its memory stays valid
 * until the next upt_ct_expire()/lookup reclaims it, so the packet that killed it can
 * still be rewritten from it. */
void upt_ct_kill(struct upt_ct *ct, uint64_t now);
bool upt_ct_is_expired(const struct upt_ct *ct, uint64_t now);
/* Remember the caller's clock for upt_ct_find()/upt_ct_tuple_taken(), which take none. */
void upt_ct_saw_time(struct upt_ct_table *t, uint64_t now);

/* Trackers: judge one packet of `ct` (proto_*.c). */
enum upt_ct_verdict upt_ct_tcp_packet(struct upt_ct *ct, const struct upt_ct_pkt *p);
enum upt_ct_verdict upt_ct_udp_packet(struct upt_ct *ct, const struct upt_ct_pkt *p);
enum upt_ct_verdict upt_ct_icmp_packet(struct upt_ct *ct, const struct upt_ct_pkt *p);
enum upt_ct_verdict upt_ct_generic_packet(struct upt_ct *ct, const struct upt_ct_pkt *p);
enum upt_ct_verdict upt_ct_gre_packet(struct upt_ct *ct, const struct upt_ct_pkt *p);
enum upt_ct_verdict upt_ct_udplite_packet(struct upt_ct *ct, const struct upt_ct_pkt *p);
/* GRE keys of the GRE header at `off` (`avail` bytes); false when untrackable. */
bool upt_ct_gre_keys(const struct upt_pdesc *d, uint32_t off, uint32_t avail, uint16_t *srckey,
		     uint16_t *dstkey);

/* ICMP type inversion (request <-> reply); false when the type has no inverse. */
bool upt_ct_icmp_invert_type(uint8_t type, uint8_t *inv);
/* ICMP error handling in proto_icmp.c: fills res with RELATED / INVALID. */
void upt_ct_icmp_error(struct upt_ct_table *t, const struct upt_pdesc *d, uint16_t zone,
		       uint64_t now, struct upt_ct_result *res);
/* ICMP checks before lookup: false when the packet is INVALID. */
bool upt_ct_icmp_header_ok(const struct upt_pdesc *d, unsigned hook,
			   const struct upt_ct_sysctl *sys);

/* sysctl.c: the kernel's defaults. */
void upt_ct_sysctl_defaults(struct upt_ct_sysctl *sys);

#endif

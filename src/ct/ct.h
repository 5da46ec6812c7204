/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection tracking.
 *
 * Theory of operation (the kernel's, which we keep):
 *   - A connection has two tuples, ORIGINAL (as the first packet looked) and
 *     REPLY (what a reply must look like).  Without NAT, REPLY is ORIGINAL
 *     inverted; NAT is exactly the difference between them.
 *   - upt_ct_in() runs at PREROUTING / OUTPUT before mangle: it looks the
 *     packet's tuple up in the table; on a miss it takes a fresh entry from
 *     the pool, *unconfirmed* (not in the hash, invisible to other packets),
 *     then lets the protocol tracker judge the packet (TCP state machine and
 *     window, UDP, ICMP, generic).  It answers the ctinfo the rules see.
 *   - NAT may then change the unconfirmed entry's REPLY tuple.
 *   - upt_ct_confirm() at the end of POSTROUTING / INPUT inserts both tuples
 *     into the hash.  A first packet that is dropped must be followed by
 *     upt_ct_abort(), which returns the entry to the pool: no trace is left.
 *   - Entries age by `expires` on the caller's clock; upt_ct_expire() does a
 *     bounded amount of work per call.  A full pool evicts an entry that is
 *     not ASSURED (the kernel's early_drop), counting it.
 *
 * Memory: all entries come from a pool allocated at init; the hash is open
 * addressing over a power-of-two slot array keyed with a secret (SipHash), so
 * nothing is allocated on the packet path.
 */
#ifndef UPT_CT_CT_H
#define UPT_CT_CT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct upt_pdesc;

enum upt_ct_dir { UPT_CT_DIR_ORIGINAL = 0, UPT_CT_DIR_REPLY = 1 };

/*
 * A tuple, host byte order.  For TCP/UDP sport/dport are the ports.  For
 * ICMP (as the kernel): sport = echo identifier, dport = type << 8 | code of
 * the packet in that direction (request type in ORIGINAL, reply type in
 * REPLY).  For GRE the source and destination keys (the kernel's: 0 but for
 * PPTP's GRE version 1, whose call ID is the destination key).  For other
 * protocols both are 0.
 */
struct upt_tuple {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint8_t proto;
	uint8_t pad;
	uint16_t zone;
};

/* Kernel's IPS_* status bits, same values (conntrack -L prints from them). */
#define UPT_IPS_EXPECTED      (1u << 0)
#define UPT_IPS_SEEN_REPLY    (1u << 1)
#define UPT_IPS_ASSURED	      (1u << 2)
#define UPT_IPS_CONFIRMED     (1u << 3)
#define UPT_IPS_SRC_NAT	      (1u << 4)
#define UPT_IPS_DST_NAT	      (1u << 5)
#define UPT_IPS_SEQ_ADJUST    (1u << 6)
#define UPT_IPS_SRC_NAT_DONE  (1u << 7)
#define UPT_IPS_DST_NAT_DONE  (1u << 8)
#define UPT_IPS_DYING	      (1u << 9)
#define UPT_IPS_FIXED_TIMEOUT (1u << 10)
#define UPT_IPS_TEMPLATE      (1u << 11)
#define UPT_IPS_UNTRACKED     (1u << 12)
#define UPT_IPS_NAT_MASK      (UPT_IPS_SRC_NAT | UPT_IPS_DST_NAT)
#define UPT_IPS_NAT_DONE_MASK (UPT_IPS_SRC_NAT_DONE | UPT_IPS_DST_NAT_DONE)

/* What the rules see (enum ip_conntrack_info, plus the no-entry cases). */
enum upt_ctinfo {
	UPT_CTINFO_ESTABLISHED = 0,
	UPT_CTINFO_RELATED = 1,
	UPT_CTINFO_NEW = 2,
	UPT_CTINFO_ESTABLISHED_REPLY = 3,
	UPT_CTINFO_RELATED_REPLY = 4,
	UPT_CTINFO_INVALID = 5,	  /* no entry: the tracker refused the packet */
	UPT_CTINFO_UNTRACKED = 6, /* NOTRACK / CT --notrack in raw */
};

/* TCP conntrack states, kernel's order and names (TCP_CONNTRACK_*). */
enum upt_tcp_state {
	UPT_TCP_NONE = 0,
	UPT_TCP_SYN_SENT,
	UPT_TCP_SYN_RECV,
	UPT_TCP_ESTABLISHED,
	UPT_TCP_FIN_WAIT,
	UPT_TCP_CLOSE_WAIT,
	UPT_TCP_LAST_ACK,
	UPT_TCP_TIME_WAIT,
	UPT_TCP_CLOSE,
	UPT_TCP_SYN_SENT2,
	UPT_TCP_STATE__COUNT
};

/* Per-direction TCP window state (struct ip_ct_tcp_state). */
struct upt_ct_tcp_dir {
	uint32_t td_end;    /* max of seq + len */
	uint32_t td_maxend; /* max of ack + max(win, 1) */
	uint32_t td_maxwin; /* max(win) */
	uint8_t td_scale;   /* window scale factor */
	uint8_t flags;	    /* IP_CT_TCP_FLAG_* */
	uint16_t pad;
	uint32_t td_maxack; /* max of ack seen (RST sequence check; MAXACK_SET flag) */
};

struct upt_ct_tcp {
	struct upt_ct_tcp_dir seen[2];
	uint32_t last_seq, last_ack, last_end;
	uint16_t last_win;
	uint8_t state; /* enum upt_tcp_state */
	uint8_t last_dir;
	uint8_t retrans;
	uint8_t last_index;
	uint8_t last_wscale;
	uint8_t last_flags;
};

/*
 * One connection.  Aim: <= 128 bytes.  Fields other than the tuples and
 * status are owned by the protocol trackers.
 */
struct upt_ct {
	struct upt_tuple tuple[2]; /* [UPT_CT_DIR_ORIGINAL], [UPT_CT_DIR_REPLY] */
	uint64_t expires;	   /* absolute, caller's clock, ns */
	uint32_t status;	   /* UPT_IPS_* */
	uint32_t mark;		   /* ctmark (CONNMARK) */
	uint32_t id;		   /* stable id for listings */
	union {
		struct upt_ct_tcp tcp;
		struct {
			uint64_t first_seen; /* UDP: when the entry was created (stream rule) */
		} udp;
		struct {
			uint32_t timeout, stream_timeout; /* GRE: seconds, fixed at creation */
		} gre;
	} proto;
	uint32_t pool_next; /* pool free list; table-private */
	uint8_t in_hash;    /* table-private */
	uint8_t pad[3];
};

/* Default timeouts, seconds (kernel defaults). */
#define UPT_CT_TIMEOUT_UDP	  30
#define UPT_CT_TIMEOUT_UDP_STREAM 120
#define UPT_CT_TIMEOUT_ICMP	  30
#define UPT_CT_TIMEOUT_GENERIC	  600
extern const uint32_t upt_tcp_timeouts[UPT_TCP_STATE__COUNT]; /* seconds */
const char *upt_tcp_state_name(unsigned state);		      /* "ESTABLISHED", ... */

struct upt_ct_stats {
	uint64_t found, new_, invalid, insert, insert_failed, drop, early_drop, expired;
};

struct upt_ct_table; /* opaque outside src/ct */

/*
 * The conntrack sysctls (net.netfilter.nf_conntrack_*), per table.  A new
 * table starts with the kernel's defaults (loose 1, be_liberal 0,
 * ignore_invalid_rst 0, checksum 1, max_retrans 3 and the timeouts above;
 * tcp_timeout_max_retrans and tcp_timeout_unacknowledged 300).  Timeouts
 * are seconds; tcp_timeout[] is indexed by enum upt_tcp_state ([NONE] is
 * unused, SYN_SENT2 has no sysctl of its own in the kernel).
 */
struct upt_ct_sysctl {
	bool tcp_loose, tcp_be_liberal, tcp_ignore_invalid_rst, checksum;
	uint8_t tcp_max_retrans;
	uint32_t tcp_timeout[UPT_TCP_STATE__COUNT];
	uint32_t tcp_timeout_max_retrans, tcp_timeout_unacknowledged;
	uint32_t udp_timeout, udp_timeout_stream, icmp_timeout, generic_timeout;
	uint32_t gre_timeout, gre_timeout_stream; /* 30, 180 */
	bool acct; /* nf_conntrack_acct (0): new connections get counters (upt_ct_acct) */
};
void upt_ct_sysctl_get(const struct upt_ct_table *t, struct upt_ct_sysctl *out);
void upt_ct_sysctl_set(struct upt_ct_table *t, const struct upt_ct_sysctl *in);
/*
 * One sysctl by its kernel name, with or without the "net.netfilter."
 * prefix ("nf_conntrack_tcp_loose", "1").  0, -ENOENT for a name that is
 * not a conntrack sysctl we implement, -EINVAL for a bad value (booleans
 * take 0/1, timeouts 1..2^31-1 seconds; nf_conntrack_max cannot change
 * after create: -EINVAL unless it is the current size).
 */
int upt_ct_sysctl_set_str(struct upt_ct_table *t, const char *name, const char *value);
/* Current value as text ("1", "432000"); -ENOENT for an unknown name. */
int upt_ct_sysctl_get_str(const struct upt_ct_table *t, const char *name, char *buf, size_t len);

/* Allocation happens only here; max_entries is nf_conntrack_max. */
int upt_ct_table_create(uint32_t max_entries, const uint64_t key[2], struct upt_ct_table **out);
void upt_ct_table_destroy(struct upt_ct_table *t);

/* The packet's conntrack verdict. */
struct upt_ct_result {
	struct upt_ct *ct; /* NULL when INVALID/UNTRACKED */
	uint8_t dir;	   /* enum upt_ct_dir of this packet */
	uint8_t ctinfo;	   /* enum upt_ctinfo */
	bool is_new;	   /* ct is unconfirmed and was created by this packet */
	uint8_t pad;
	uint16_t drop_reason; /* nonzero: the tracker wants the packet dropped */
};

/*
 * Look up / create the entry for a parsed IPv4 packet and run the protocol
 * tracker.  `hook` is PREROUTING or LOCAL_OUT (enum upt_hook), `zone` the
 * conntrack zone (0 by default).  ICMP errors find the entry of the packet
 * they quote and get RELATED (ctinfo RELATED or RELATED_REPLY).
 */
void upt_ct_in(struct upt_ct_table *t, struct upt_pdesc *d, unsigned hook, uint16_t zone,
	       uint64_t now, struct upt_ct_result *res);

/* Insert an unconfirmed entry into the hash. 0, or -EEXIST on a clash (drop the packet). */
int upt_ct_confirm(struct upt_ct_table *t, struct upt_ct *ct, uint64_t now);
/* Give an unconfirmed entry back (its first packet was dropped). */
void upt_ct_abort(struct upt_ct_table *t, struct upt_ct *ct);
/* Remove a confirmed entry now (conntrack -D, flush). */
void upt_ct_delete(struct upt_ct_table *t, struct upt_ct *ct);
void upt_ct_flush(struct upt_ct_table *t);

/*
 * Find the entry holding this tuple in either direction (confirmed only).
 * These two take no clock: an entry already expired at the latest `now`
 * given to upt_ct_in/confirm/expire counts as absent (and is reclaimed).
 */
struct upt_ct *upt_ct_find(struct upt_ct_table *t, const struct upt_tuple *tu,
			   enum upt_ct_dir *dir);
/*
 * NAT's uniqueness test (nf_conntrack_tuple_taken): is `tu` already used by
 * a confirmed entry other than `ignore`, in either direction?
 */
bool upt_ct_tuple_taken(struct upt_ct_table *t, const struct upt_tuple *tu,
			const struct upt_ct *ignore);

/* Reap expired entries, visiting at most `budget` pool slots. Returns entries freed. */
unsigned upt_ct_expire(struct upt_ct_table *t, uint64_t now, unsigned budget);

/* Entries in use, unconfirmed ones included (the kernel's nf_conntrack_count). */
unsigned upt_ct_count(const struct upt_ct_table *t);
uint32_t upt_ct_max(const struct upt_ct_table *t);
const struct upt_ct_stats *upt_ct_get_stats(const struct upt_ct_table *t);
/*
 * Visit every confirmed entry (listing order: pool order) except those
 * killed (RST answering a SYN, TCP reopen) and not yet reaped.  fn may
 * delete the entry it is given.  Stop when fn returns nonzero.
 */
int upt_ct_foreach(struct upt_ct_table *t, int (*fn)(struct upt_ct *ct, void *arg), void *arg);

/* Tuple helpers. */
void upt_tuple_invert(const struct upt_tuple *in, struct upt_tuple *out);
bool upt_tuple_eq(const struct upt_tuple *a, const struct upt_tuple *b);
/* Tuple of the packet as seen (ICMP: id/type/code as described above). false if untrackable. */
bool upt_tuple_from_pkt(const struct upt_pdesc *d, uint16_t zone, struct upt_tuple *tu);

/* Seconds left before expiry, as /proc shows it (0 when overdue). */
uint32_t upt_ct_timeout_left(const struct upt_ct *ct, uint64_t now);

/*
 * Per-connection packet and byte counters (the kernel's nf_conntrack_acct
 * extension), per direction.  Off in a new table, as the kernel's sysctl;
 * upt_ct_acct_enable() turns it on (what a connbytes rule does in the kernel)
 * and allocates the counters, one per pool entry; the sysctl
 * nf_conntrack_acct turns it on and off.  Only connections created while it
 * is on have counters.  A packet counts its IP
 * total length when its tracker accepted it; ICMP errors (RELATED) and
 * refused packets do not count.
 */
struct upt_ct_acct {
	uint64_t packets[2], bytes[2]; /* [enum upt_ct_dir] */
	uint32_t id;		       /* upt_ct.id of the owner; 0: no counters */
	uint32_t pad;
};
/* 0, or -ENOMEM. Not on the packet path. */
int upt_ct_acct_enable(struct upt_ct_table *t);
bool upt_ct_acct_enabled(const struct upt_ct_table *t);
/* The entry's counters; NULL when it has none (created while accounting was off). */
const struct upt_ct_acct *upt_ct_acct_get(const struct upt_ct_table *t, const struct upt_ct *ct);
/* upt_ct_format_proc with the kernel's "packets=N bytes=N " after each direction's
 * tuple when acct is not NULL (as /proc shows an entry with the acct extension). */
int upt_ct_format_proc_acct(const struct upt_ct *ct, const struct upt_ct_acct *acct, uint64_t now,
			    char *buf, size_t len);

/*
 * Connection labels (the kernel's nf_conntrack_labels, used by -m connlabel):
 * 128 bits per connection, in a side array (labels.c) that
 * upt_ct_labels_enable() allocates when a ruleset uses labels; connections
 * created before that have none, as kernel entries created without the
 * labels extension.
 */
#define UPT_CT_LABEL_BITS 128
struct upt_ct_labels {
	uint32_t bits[UPT_CT_LABEL_BITS / 32]; /* bit n: word n / 32, bit n % 32 */
	uint32_t id;			       /* upt_ct.id of the owner; 0: none */
};
/* 0, or -ENOMEM. Not on the packet path. */
int upt_ct_labels_enable(struct upt_ct_table *t);
/* The entry's labels; NULL when it has none. */
struct upt_ct_labels *upt_ct_labels_get(struct upt_ct_table *t, const struct upt_ct *ct);

/*
 * One line of /proc/net/nf_conntrack, without the trailing newline, exactly
 * as the kernel prints it.  Returns the length (like snprintf).
 */
int upt_ct_format_proc(const struct upt_ct *ct, uint64_t now, char *buf, size_t len);
/* A short text for traces: "tcp ESTABLISHED [ASSURED] 198.51.100.2:40000>..." */
int upt_ct_format_short(const struct upt_ct *ct, char *buf, size_t len);
const char *upt_ctinfo_str(unsigned ctinfo); /* "NEW", "ESTABLISHED", ... */

#endif

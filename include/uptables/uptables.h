/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uptables: netfilter's packet path (conntrack, NAT, iptables rules) as a
 * userspace library.
 *
 * Everything hangs off one struct upt_engine; there is no global state, so a
 * program may run several engines side by side.  The caller owns the clock:
 * every call that can age state takes `now` in nanoseconds on the caller's
 * own timeline (the simulator uses the capture's timestamps).
 *
 * Packet path: upt_engine_process() takes a batch of Ethernet frames, each
 * tagged with its ingress interface, runs them through the kernel's hook
 * sequence (PREROUTING, routing, INPUT/FORWARD, POSTROUTING) and writes the
 * outcome into each struct upt_pkt: forwarded (rewritten in place, with the
 * egress interface), delivered locally, held for neighbour resolution, or
 * dropped with a reason.  Frames the engine originates (ICMP errors, TCP
 * resets, ARP replies and requests, frames released from the neighbour
 * queue) are handed to the config's emit callback as they are produced.
 *
 * Fragments (while conntrack runs, as the kernel's nf_defrag_ipv4): each
 * fragment that does not complete its datagram is HELD (DEFRAG_HELD) or
 * DROPPED.  The one that completes it reports the whole datagram's fate;
 * the datagram itself lives in the engine's buffer: delivered locally it
 * is copied into the caller's frame (DROPPED, DEFRAG_NO_ROOM, when it does
 * not fit), forwarded it leaves as fragments again through emit (HELD,
 * FRAG_SENT), as does any packet longer than the egress MTU without DF.
 */
#ifndef UPTABLES_UPTABLES_H
#define UPTABLES_UPTABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uptables/drop_reasons.h"

#ifdef __cplusplus
extern "C" {
#endif

#define UPT_IFNAMSIZ 16 /* as IFNAMSIZ: 15 characters and the NUL */

enum upt_drop_reason {
#define UPT_DROP_ENUM(name, str) UPT_DROP_##name,
	UPT_DROP_REASONS(UPT_DROP_ENUM)
#undef UPT_DROP_ENUM
	    UPT_DROP__COUNT
};

const char *upt_drop_reason_str(unsigned reason);

/* Netfilter hooks, in the kernel's numbering (NF_INET_*). */
enum upt_hook {
	UPT_HOOK_PRE_ROUTING = 0,
	UPT_HOOK_LOCAL_IN = 1,
	UPT_HOOK_FORWARD = 2,
	UPT_HOOK_LOCAL_OUT = 3,
	UPT_HOOK_POST_ROUTING = 4,
	UPT_HOOK__COUNT
};

/* Tables, in the order their hooks run at equal hook (raw first). */
enum upt_table {
	UPT_TABLE_RAW = 0,
	UPT_TABLE_MANGLE,
	UPT_TABLE_NAT,
	UPT_TABLE_FILTER,
	UPT_TABLE__COUNT
};

const char *upt_hook_name(enum upt_hook hook);	  /* "PREROUTING", ... */
const char *upt_table_name(enum upt_table table); /* "raw", ... */

/* What happened to one frame of a batch. */
enum upt_pkt_result {
	UPT_PKT_DROPPED = 0, /* see .reason */
	UPT_PKT_FORWARDED,   /* leaves .out_ifindex; frame rewritten in place */
	UPT_PKT_LOCAL,	     /* delivered to the host (frame as it reached INPUT's end) */
	UPT_PKT_SENT,	     /* locally generated packet (upt_engine_output) leaves .out_ifindex */
	UPT_PKT_HELD,	     /* the caller's frame is done with; what leaves comes out via emit:
			      * NEIGH_HELD: copied into the neighbour queue;
			      * DEFRAG_HELD: a fragment kept for reassembly;
			      * FRAG_SENT: the packet left as fragments through emit */
	UPT_PKT_CONSUMED,    /* handled by the engine itself (ARP) */
};

const char *upt_pkt_result_str(unsigned result);

/*
 * One frame of a batch.  The frame is buf[off .. off+len).  The engine may
 * rewrite it in place and may move `off`/`len` (a VLAN tag added or removed,
 * an Ethernet header put in front of a locally generated packet), never
 * beyond [0, cap).  Give at least UPT_PKT_HEADROOM bytes before the frame.
 */
#define UPT_PKT_HEADROOM 32
struct upt_pkt {
	uint8_t *buf;
	uint32_t cap;
	uint32_t off;
	uint32_t len;
	uint32_t ifindex;     /* in: ingress interface (process) */
	uint32_t out_ifindex; /* out: egress interface (FORWARDED / SENT) */
	uint32_t mark;	      /* in/out: skb->mark */
	uint16_t reason;      /* out: enum upt_drop_reason when DROPPED */
	uint8_t result;	      /* out: enum upt_pkt_result */
	uint8_t pad;
	void *user; /* the caller's; never touched */
};

/* Trace: one event per step of a packet's walk, when a trace callback is set. */
enum upt_trace_kind {
	UPT_TRACE_RECEIVE,    /* frame entered (text: short summary) */
	UPT_TRACE_PARSE_DROP, /* frame rejected before the hooks (reason) */
	UPT_TRACE_CT,	      /* conntrack state before the rules (text: state, entry) */
	UPT_TRACE_CHAIN,      /* entered table/chain */
	UPT_TRACE_RULE,	      /* rule matched (rulenum, text = -S form) */
	UPT_TRACE_POLICY,     /* built-in chain policy applied */
	UPT_TRACE_RETURN,     /* fell off / RETURN from a user chain */
	UPT_TRACE_NAT,	      /* NAT binding made or applied (text) */
	UPT_TRACE_ROUTE,      /* routing decision (text) */
	UPT_TRACE_CT_AFTER,   /* conntrack state at the end (confirmed, new state) */
	UPT_TRACE_VERDICT,    /* final outcome (result, reason, out_ifindex) */
	UPT_TRACE_EMIT,	      /* engine originated a frame (text: what) */
	UPT_TRACE__COUNT
};

struct upt_trace_event {
	uint8_t kind;	      /* enum upt_trace_kind */
	uint8_t hook;	      /* enum upt_hook, when meaningful */
	uint8_t table;	      /* enum upt_table, when meaningful */
	uint8_t result;	      /* VERDICT: enum upt_pkt_result */
	uint16_t reason;      /* VERDICT/PARSE_DROP: enum upt_drop_reason */
	uint32_t rulenum;     /* RULE: 1-based position in .chain */
	uint32_t ifindex;     /* RECEIVE: ingress; VERDICT/EMIT: egress */
	const char *chain;    /* CHAIN/RULE/POLICY/RETURN */
	const char *text;     /* human text; valid only during the callback */
	uint64_t pkts, bytes; /* RULE/POLICY: counters after this packet */
};

const char *upt_trace_kind_str(unsigned kind);

struct upt_engine_config {
	uint32_t ct_max;  /* conntrack entries (nf_conntrack_max); 0: 65536 */
	uint64_t seed[2]; /* hash key and PRNG seed; all zero: read from getrandom() */
	/* Frames the engine originates, with their egress interface. */
	void (*emit)(void *ctx, uint32_t ifindex, const uint8_t *frame, uint32_t len, uint64_t now);
	/* LOG target lines, in the kernel's format without the syslog prefix. */
	void (*log)(void *ctx, unsigned level, const char *line);
	/* Per-packet trace; NULL disables tracing (and its cost). */
	void (*trace)(void *ctx, const struct upt_trace_event *ev);
	void *ctx;
};

struct upt_engine;

int upt_engine_create(const struct upt_engine_config *cfg, struct upt_engine **out);
void upt_engine_destroy(struct upt_engine *eng);

/*
 * Gateway configuration, one line at a time, in `ip` syntax (see
 * docs/uptables-sim.8): link, addr add, route add, neigh add, sysctl.
 * Returns 0 or -errno with a message in err.
 */
int upt_engine_config_line(struct upt_engine *eng, const char *line, char *err, size_t errlen);

/* Interfaces: ifindex (1-based) by name, 0 when unknown; name by index or NULL. */
uint32_t upt_engine_ifindex(const struct upt_engine *eng, const char *name);
const char *upt_engine_ifname(const struct upt_engine *eng, uint32_t ifindex);
unsigned upt_engine_iface_count(const struct upt_engine *eng);

/* What `ip addr show` would say about one interface (for front ends such as explain). */
#define UPT_IFACE_INFO_ADDRS 8
struct upt_iface_info {
	char name[UPT_IFNAMSIZ];
	uint8_t mac[6];
	bool up;
	bool loopback;
	uint16_t mtu;
	uint16_t vlan_id;		     /* nonzero: a VLAN interface on `parent` */
	uint32_t parent;		     /* ifindex of the lower device of a VLAN interface */
	unsigned naddr;			     /* addr[0] is the primary */
	uint32_t addr[UPT_IFACE_INFO_ADDRS]; /* host byte order */
	uint8_t plen[UPT_IFACE_INFO_ADDRS];
};
/* 0, or -ENODEV when ifindex is unknown. */
int upt_engine_iface_info(const struct upt_engine *eng, uint32_t ifindex,
			  struct upt_iface_info *out);

/*
 * Rules, in iptables-restore format.  Each table's COMMIT is applied
 * atomically; on any error nothing changes and err names the line.
 */
#define UPT_RESTORE_NOFLUSH  0x1u /* -n: keep chains/rules not mentioned */
#define UPT_RESTORE_COUNTERS 0x2u /* -c: take [pkts:bytes] from the input */
#define UPT_RESTORE_TEST     0x4u /* -t: parse and check only */
int upt_engine_restore(struct upt_engine *eng, const char *text, size_t len, unsigned flags,
		       char *err, size_t errlen);

/* iptables-save text of all tables (table NULL) or one; malloc'ed, caller frees. */
#define UPT_SAVE_COUNTERS 0x1u
int upt_engine_save(const struct upt_engine *eng, const char *table, unsigned flags, char **out);

/* The packet path. */
void upt_engine_process(struct upt_engine *eng, struct upt_pkt *pkts, unsigned n, uint64_t now);
/* Locally generated IPv4 packets (frame starts at the IP header): OUTPUT, POSTROUTING. */
void upt_engine_output(struct upt_engine *eng, struct upt_pkt *pkts, unsigned n, uint64_t now);
/* Timers: conntrack expiry (bounded work), reassembly timeouts, neighbour queue timeouts. */
void upt_engine_tick(struct upt_engine *eng, uint64_t now);

/* Conntrack table as /proc/net/nf_conntrack text; malloc'ed, caller frees. */
int upt_engine_ct_proc(struct upt_engine *eng, uint64_t now, char **out);
unsigned upt_engine_ct_count(const struct upt_engine *eng);

/* Drop counters, indexed by enum upt_drop_reason. */
uint64_t upt_engine_drop_count(const struct upt_engine *eng, unsigned reason);

#ifdef __cplusplus
}
#endif
#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine's private state and the pieces of src/core that talk to each
 * other: interfaces and addresses, routes, neighbours (ARP and the queue of
 * packets waiting for a MAC), and the packet walk through the hooks.
 *
 * Sizes are fixed at create time: nothing here allocates on the packet path.
 */
#ifndef UPT_CORE_ENGINE_H
#define UPT_CORE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "uptables/uptables.h"
#include "ct/ct.h"
#include "nat/nat.h"
#include "pkt/pkt.h"
#include "rules/ext.h"
#include "rules/rules.h"

#define UPT_MAX_IFACES	64
#define UPT_MAX_ADDRS	8
#define UPT_MAX_ROUTES	1024
#define UPT_NEIGH_SLOTS 1024 /* power of two */
#define UPT_HOLD_SLOTS	256
#define UPT_HOLD_FRAME	2048
#define UPT_TX_FRAME	2048
#define UPT_LO_IFINDEX	1

struct upt_iface {
	char name[UPT_IFNAMSIZ];
	uint8_t mac[UPT_ETH_ALEN];
	bool up;
	bool loopback;
	uint16_t mtu;
	uint16_t vlan_id;    /* nonzero: a VLAN interface on `parent` */
	bool send_redirects; /* net.ipv4.conf.IF.send_redirects */
	uint32_t parent;     /* ifindex of the lower device for VLANs */
	unsigned naddr;
	uint32_t addr[UPT_MAX_ADDRS]; /* [0] is the primary */
	uint8_t plen[UPT_MAX_ADDRS];
};

enum upt_route_type {
	UPT_RT_UNICAST = 0,
	UPT_RT_LOCAL,
	UPT_RT_BROADCAST,
	UPT_RT_BLACKHOLE,
	UPT_RT_UNREACHABLE,
	UPT_RT_PROHIBIT,
};

struct upt_route {
	uint32_t dst;
	uint8_t plen;
	uint8_t type;	/* enum upt_route_type */
	bool connected; /* made by `addr add` (proto kernel scope link) */
	uint32_t gw;	/* 0: on-link */
	uint32_t ifindex;
	uint32_t prefsrc; /* 0: choose from the interface */
};

enum upt_neigh_state {
	UPT_NEIGH_FREE = 0,
	UPT_NEIGH_INCOMPLETE,
	UPT_NEIGH_REACHABLE,
	UPT_NEIGH_PERMANENT,
	UPT_NEIGH_FAILED
};

struct upt_neigh {
	uint32_t ip;
	uint32_t ifindex;
	uint8_t mac[UPT_ETH_ALEN];
	uint8_t state;	     /* enum upt_neigh_state */
	uint8_t probes;	     /* ARP requests sent while INCOMPLETE */
	uint64_t next_probe; /* when to resend / give up */
	int32_t hold_head;   /* first held frame, -1 none */
	int32_t hold_tail;
	uint32_t nheld;
};

struct upt_defrag;

struct upt_hold {
	int32_t next; /* free list / per-neighbour queue */
	uint32_t len;
	uint8_t data[UPT_HOLD_FRAME];
};

/* One destination of the gateway's ICMP errors and its tokens (icmp_peer.c). */
#define UPT_ICMP_PEERS 1024 /* power of two */
struct upt_icmp_peer {
	uint32_t addr;
	bool used;
	uint64_t tokens;	/* ns of credit */
	uint64_t last;		/* when it was last asked */
	uint64_t redirect_last; /* rate_last of ip_rt_send_redirect */
	uint8_t n_redirects;	/* redirects sent since the last silence */
};

struct upt_engine {
	struct upt_engine_config cfg;
	uint64_t rng;
	uint64_t hash_key[2];

	struct upt_iface ifaces[UPT_MAX_IFACES]; /* ifindex i is ifaces[i - 1] */
	unsigned niface;
	struct upt_route routes[UPT_MAX_ROUTES]; /* longest prefix first */
	unsigned nroute;
	struct upt_neigh neigh[UPT_NEIGH_SLOTS];
	unsigned nneigh;
	/*
	 * No neighbour timer falls due before this (an early bound: resolving an
	 * entry leaves it as it is, so a tick may scan once for nothing).  Lets
	 * upt_engine_tick skip the table scan on every call but the due ones.
	 */
	uint64_t neigh_next_due;
	struct upt_hold *hold; /* UPT_HOLD_SLOTS */
	int32_t hold_free;
	bool ip_forward;
	bool send_redirects_all;     /* net.ipv4.conf.all.send_redirects (1) */
	bool send_redirects_default; /* net.ipv4.conf.default.send_redirects (1): new interfaces */

	struct upt_ct_table *ct;
	uint64_t ct_expire_cursor_work;
	struct upt_defrag *defrag; /* reassembly queues (defrag.c) */
	struct upt_nat_env nat;

	struct upt_rules *rules;
	struct upt_ruleset *rs;
	uint64_t generation;

	uint64_t drops[UPT_DROP__COUNT];
	uint16_t ip_id; /* IP ID of packets the engine builds */

	/* Per-destination ICMP error rate limit (icmp_peer.c). */
	struct upt_icmp_peer icmp_peer[UPT_ICMP_PEERS];

	/* Frames the engine builds (errors, ARP): one per nesting level. */
	uint8_t tx[2][UPT_TX_FRAME];
	unsigned tx_depth;
};

/* Per-packet state of one walk through the hooks. */
struct upt_walk {
	struct upt_xt_pkt x; /* first: services get it back from &x */
	struct upt_engine *eng;
	struct upt_pkt *pkt;
	struct upt_pdesc d;
	struct upt_ct_result ctr;
	uint32_t nexthop; /* gateway or destination */
	const struct upt_route *rt;
	bool locally_generated; /* came from upt_engine_output or the engine itself */
	bool ct_attached;	/* conntrack decided before OUTPUT (engine-built RST) */
	/* Reassembled here (defrag.c): the walk runs on the engine's copy in pkt, and
	 * its outcome is handed back to the caller's frame `orig` at the end. */
	struct upt_pkt *orig;
	uint16_t frag_max_size;	    /* IPCB frag_max_size: largest fragment received */
	bool frag_pmtu;		    /* IPSKB_FRAG_PMTU: that fragment had DF */
	bool ignore_df;		    /* skb->ignore_df: set on reassembled datagrams */
	const uint16_t *frag_sizes; /* the received fragments' payload sizes (frag_list) */
	unsigned nfrag_sizes;
};

static inline struct upt_iface *upt_iface_get(struct upt_engine *eng, uint32_t ifindex)
{
	if (ifindex == 0 || ifindex > eng->niface)
		return NULL;
	return &eng->ifaces[ifindex - 1];
}

/* names.c: none beyond the public ones. */

/* xt_conn.c: turn on what the new ruleset's extensions need (accounting for connbytes). */
int upt_xt_conn_prepare(struct upt_engine *eng, const struct upt_ruleset *rs);

/* route.c */
int upt_route_add(struct upt_engine *eng, const struct upt_route *r);
const struct upt_route *upt_route_lookup(const struct upt_engine *eng, uint32_t daddr);
bool upt_addr_is_local(const struct upt_engine *eng, uint32_t addr);
/* Source address the host would pick towards `dst` out of `ifindex` (inet_select_addr). */
uint32_t upt_addr_select(const struct upt_engine *eng, uint32_t ifindex, uint32_t dst);
bool upt_addr_is_broadcast(const struct upt_engine *eng, uint32_t addr);

/* neigh.c */
struct upt_neigh *upt_neigh_lookup(struct upt_engine *eng, uint32_t ip, uint32_t ifindex);
int upt_neigh_add_static(struct upt_engine *eng, uint32_t ip, const uint8_t mac[UPT_ETH_ALEN],
			 uint32_t ifindex);
/* Handle an ARP frame received on ifindex. */
void upt_neigh_arp_rx(struct upt_engine *eng, struct upt_pdesc *d, uint32_t ifindex, uint64_t now);
/*
 * Put the Ethernet header on an IPv4 frame for `nexthop` out of `ifindex`.
 * Returns UPT_PKT_FORWARDED/SENT-able true when resolved; otherwise the frame
 * is copied into the hold queue (result HELD) or dropped (reason set).
 */
enum upt_neigh_out { UPT_NEIGH_OUT_READY, UPT_NEIGH_OUT_HELD, UPT_NEIGH_OUT_DROP };
enum upt_neigh_out upt_neigh_output(struct upt_engine *eng, struct upt_walk *w, uint64_t now,
				    uint16_t *reason);
void upt_neigh_tick(struct upt_engine *eng, uint64_t now);
int upt_neigh_init(struct upt_engine *eng);
void upt_neigh_fini(struct upt_engine *eng);

/* path.c */
void upt_path_emit(struct upt_engine *eng, uint32_t ifindex, const uint8_t *frame, uint32_t len,
		   uint64_t now, const char *what);
/* Run a packet the engine built (IP only, in eng->tx[depth]) through OUTPUT/POSTROUTING and emit
 * it. */
void upt_path_send_local(struct upt_engine *eng, uint8_t *buf, uint32_t cap, uint32_t off,
			 uint32_t len, const struct upt_walk *cause, bool attach_ct, uint64_t now);
void upt_path_trace(struct upt_engine *eng, unsigned kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void upt_path_count_drop(struct upt_engine *eng, unsigned reason);

/*
 * frag_out.c: ip_fragment/ip_do_fragment for the packet of w leaving through
 * an MTU of `mtu` (called when it is longer, or frag_max_size is set): the
 * pieces go to the neighbour layer.  Returns the walk's result: HELD (reason
 * FRAG_SENT, or NEIGH_HELD when a piece waits for the next hop) or DROPPED.
 */
unsigned upt_frag_output(struct upt_engine *eng, struct upt_walk *w, uint32_t mtu, uint64_t now,
			 uint16_t *reason);

/* frag_out.c: a reassembly queue timed out (upt_defrag_expired_fn; ctx is the engine). */
void upt_frag_expired(void *ctx, const uint8_t *ip, uint32_t len, uint32_t iif, uint64_t when);

/* icmp_peer.c: may an ICMP redirect go to saddr now (ip_rt_send_redirect's backoff)? */
bool upt_icmp_peer_redirect_allow(struct upt_engine *eng, uint32_t saddr, uint64_t now);
/* icmp_peer.c: may an ICMP error of this type go to daddr now?  Spends its tokens if so. */
bool upt_icmp_peer_allow(struct upt_engine *eng, uint8_t type, uint8_t code, uint32_t daddr,
			 uint64_t now);
/* icmp_send.c: errors about the packet of `w` (nf_send_unreach, icmp_send, nf_send_reset). */
void upt_icmp_send(struct upt_engine *eng, struct upt_walk *w, uint8_t type, uint8_t code,
		   uint32_t info, uint64_t now);
void upt_tcp_send_reset(struct upt_engine *eng, struct upt_walk *w, uint64_t now);

#endif

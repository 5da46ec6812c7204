/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NAT bindings (the kernel's nf_nat_core), decided once per connection.
 *
 * Theory of operation:
 *   - On a connection's first packet, at the NAT hooks (DNAT: PREROUTING and
 *     OUTPUT; SNAT: POSTROUTING and INPUT), either a rule's range binds it
 *     (upt_nat_setup) or, if no rule did, a null binding is made
 *     (upt_nat_null_binding).  Both choose a new tuple so that the entry's
 *     REPLY tuple is unique in the table (get_unique_tuple): that is where
 *     the implicit source-port clash avoidance comes from.  The binding sets
 *     ct->tuple[REPLY] and the SRC_NAT/DST_NAT status bits; with the
 *     *_NAT_DONE bit set for that manip, the hook never binds it again.
 *   - Every packet of either direction is rewritten from the entry
 *     (upt_nat_packet): nothing looks at nat rules again.
 *   - ICMP errors RELATED to a NATed connection get the quoted packet and the
 *     outer header rewritten (upt_nat_icmp_reply_translation).
 */
#ifndef UPT_NAT_NAT_H
#define UPT_NAT_NAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ct/ct.h"

struct upt_pdesc;

enum upt_nat_manip { UPT_NAT_MANIP_SRC = 0, UPT_NAT_MANIP_DST = 1 };

/* Range flags: the kernel's NF_NAT_RANGE_* values. */
#define UPT_NAT_RANGE_MAP_IPS		 (1u << 0)
#define UPT_NAT_RANGE_PROTO_SPECIFIED	 (1u << 1)
#define UPT_NAT_RANGE_PROTO_RANDOM	 (1u << 2)
#define UPT_NAT_RANGE_PERSISTENT	 (1u << 3)
#define UPT_NAT_RANGE_PROTO_RANDOM_FULLY (1u << 4)
#define UPT_NAT_RANGE_PROTO_OFFSET	 (1u << 5)
#define UPT_NAT_RANGE_NETMAP		 (1u << 6)
#define UPT_NAT_RANGE_PROTO_RANDOM_ALL                                                             \
	(UPT_NAT_RANGE_PROTO_RANDOM | UPT_NAT_RANGE_PROTO_RANDOM_FULLY)

/* struct nf_nat_range2, host byte order. */
struct upt_nat_range {
	uint32_t flags;
	uint32_t min_addr, max_addr;
	uint16_t min_port, max_port; /* ICMP: echo id range */
	uint16_t base_port;	     /* PROTO_OFFSET only */
};

struct upt_nat_srcmap;

/* What NAT needs from its surroundings. */
struct upt_nat_env {
	struct upt_ct_table *ct;
	uint64_t *rng; /* PRNG state (the engine's), for port choice */
	/*
	 * Optional index of SRC-bound entries by original source (the
	 * kernel's bysource hash).  NULL: SNAT/MASQUERADE bindings walk the
	 * whole table to find an existing mapping of the same source (same
	 * answers, O(table) per new connection).
	 */
	struct upt_nat_srcmap *srcmap;
};

/* The by-source index, sized like the conntrack table; key: the engine's secret. */
int upt_nat_srcmap_create(uint32_t max_entries, const uint64_t key[2], struct upt_nat_srcmap **out);
void upt_nat_srcmap_destroy(struct upt_nat_srcmap *m);

/*
 * Bind an unconfirmed connection with a rule's range.  Returns 0 (also for
 * an already confirmed entry, which is left alone, as the kernel does);
 * -EINVAL for bad arguments (unknown flag bits, min_addr > max_addr, no
 * env->rng); -EEXIST when this manip was already bound.  As in the kernel,
 * a range without any free tuple still binds, to a clashing tuple, and
 * upt_ct_confirm() then reports the clash (the packet is dropped there).
 */
int upt_nat_setup(const struct upt_nat_env *env, struct upt_ct *ct,
		  const struct upt_nat_range *range, enum upt_nat_manip manip);
/* No rule bound this manip: keep the addresses, stay unique (nf_nat_alloc_null_binding). */
int upt_nat_null_binding(const struct upt_nat_env *env, struct upt_ct *ct,
			 enum upt_nat_manip manip);
/* Has this manip been decided for the entry yet? */
bool upt_nat_done(const struct upt_ct *ct, enum upt_nat_manip manip);

/*
 * Rewrite one packet from its entry at a NAT hook: `manip` is the hook's
 * kind (DST at PREROUTING/OUTPUT, SRC at POSTROUTING/INPUT), `dir` the
 * packet's direction.  Returns false when the packet could not be
 * rewritten (truncated transport header of a packet that needs ports).
 */
bool upt_nat_packet(struct upt_ct *ct, enum upt_ct_dir dir, enum upt_nat_manip manip,
		    struct upt_pdesc *d);

/* RELATED ICMP error of a NATed connection: rewrite quoted packet and outer header. */
bool upt_nat_icmp_reply_translation(struct upt_ct *ct, enum upt_ct_dir dir,
				    enum upt_nat_manip manip, struct upt_pdesc *d);

/* "DNAT to 192.168.1.2:8080" style text of the entry's bindings, for traces. */
int upt_nat_format(const struct upt_ct *ct, char *buf, size_t len);

#endif

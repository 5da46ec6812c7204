/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Match and target extensions.
 *
 * Each extension is a table of callbacks with a declarative option list,
 * as in iptables' libxt_*.c: the rule parser offers every `--option` of a
 * rule to the extensions loaded so far; the owning extension converts the
 * argument into its fixed-size data block.  `save` prints the options back
 * in iptables-save's canonical form and must be the exact inverse of
 * `parse` (that is what makes the .t round trips work); `print` gives the
 * `iptables -L` summary column.  `match` / `target` run on the packet path:
 * no allocation, no clock reads, no output except through the services
 * below.
 *
 * One file per extension in src/rules/match/ and src/rules/target/; each
 * exports one `const struct upt_match_ops upt_match_NAME` (or
 * upt_target_NAME) and is listed in src/rules/registry.c.
 */
#ifndef UPT_RULES_EXT_H
#define UPT_RULES_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uptables/uptables.h"
#include "base/strbuf.h"
#include "ct/ct.h"
#include "nat/nat.h"
#include "pkt/pkt.h"

struct upt_engine;

/* Verdicts (the kernel's NF_* / XT_* values where they exist). */
#define UPT_V_DROP     0u
#define UPT_V_ACCEPT   1u
#define UPT_V_STOLEN   2u
#define UPT_V_QUEUE    3u
#define UPT_V_CONTINUE 0xFFFFFFFFu /* XT_CONTINUE: go on with the next rule */
#define UPT_V_RETURN   0xFFFFFFFEu /* XT_RETURN */

/* Per-packet context for matches and targets (the kernel's xt_action_param + skb). */
struct upt_xt_pkt {
	struct upt_pdesc *d;
	struct upt_ct *ct;    /* NULL: INVALID or UNTRACKED (see ctinfo) */
	uint8_t ctinfo;	      /* enum upt_ctinfo */
	uint8_t ctdir;	      /* enum upt_ct_dir */
	uint8_t hook;	      /* enum upt_hook */
	uint8_t table;	      /* enum upt_table */
	uint32_t in_ifindex;  /* 0: none (OUTPUT) */
	uint32_t out_ifindex; /* 0: not yet known (PREROUTING, INPUT) */
	const char *in_name;  /* "" when none */
	const char *out_name; /* "" when none */
	uint32_t mark;	      /* skb->mark; MARK writes it */
	uint32_t priority;    /* skb->priority; CLASSIFY writes it.  Nothing reads it yet: the
			       * engine has no qdisc (a gateway without tc classes) */
	uint32_t cpu;	      /* -m cpu: the processing CPU; 0, the engine runs on the caller's
			       * thread and has no CPU of its own unless the caller sets one */
	uint64_t now;
	bool hotdrop; /* a match asks for the packet to be dropped */
	bool untrack; /* raw table NOTRACK / CT --notrack asked for this */
	bool nftrace; /* raw table TRACE marked the packet (skb->nf_trace); not yet used by the core
		       */
	uint16_t zone;	      /* conntrack zone for the lookup (raw table CT --zone); 0 default */
	bool zone_mark;	      /* CT --zone mark: the zone is the low 16 bits of mark at lookup */
	bool ct_tmpl;	      /* a CT target ran: later CT/NOTRACK targets do nothing (kernel) */
	uint16_t drop_reason; /* set by a target that drops (REJECT) */
	struct upt_engine *eng;
	uint32_t frame_cap; /* bytes writable from d->frame (TCPMSS grows a SYN); 0: frame_len */
	/* Trace sink (NULL: tracing off). */
	void (*trace)(void *ctx, const struct upt_trace_event *ev);
	void *trace_ctx;
};

/* Option flags. */
#define UPT_XTOPT_ARG	 0x1 /* takes an argument */
#define UPT_XTOPT_INVERT 0x2 /* may be preceded by `!` */
#define UPT_XTOPT_MULTI	 0x4 /* may be given more than once */

struct upt_xt_option {
	const char *name; /* long name without "--"; NULL ends the list */
	uint8_t id;	  /* the extension's own number, < 32 */
	uint8_t flags;	  /* UPT_XTOPT_* */
};

/* Parser state offered to an extension's parse/check. */
struct upt_xt_parse {
	uint8_t table;	   /* enum upt_table */
	uint8_t proto;	   /* the rule's -p (0: any) */
	bool proto_invert; /* -p was negated */
	uint32_t seen;	   /* bitmask of option ids already parsed for this extension */
	uint32_t hooks;	   /* hooks the chain is reachable from (bitmask), when known */
	/* Access to further words of the rule (e.g. --tcp-flags MASK COMP). */
	int argc;
	char *const *argv;
	int *optind;
	char *err;
	size_t errlen;
};

/* Consume the next word of the rule; NULL (and an error) when there is none. */
const char *upt_xt_next_arg(struct upt_xt_parse *p);
/* Format an error message into p->err; returns -EINVAL for `return upt_xt_error(...)`. */
int upt_xt_error(struct upt_xt_parse *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Flags for print (-L). */
#define UPT_XT_PRINT_NUMERIC 0x1 /* -n */
#define UPT_XT_PRINT_VERBOSE 0x2 /* -v */

struct upt_match_ops {
	const char *name; /* -m NAME */
	uint16_t size;	  /* bytes of parsed data */
	const struct upt_xt_option *options;
	uint32_t hooks; /* bitmask of allowed hooks; 0: all */
	/*
	 * The kernel's checkentry takes a conntrack reference (nf_ct_netns_get):
	 * while a rule uses this extension, every packet is tracked.
	 */
	bool needs_conntrack;
	void (*init)(void *data);
	int (*parse)(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p);
	/* After the rule's last option: required options, combinations. */
	int (*check)(void *data, struct upt_xt_parse *p);
	/* Options in iptables-save form, each preceded by one space (" --dport 80"). */
	void (*save)(const void *data, struct upt_sb *sb);
	/* The -L column text, each piece preceded by one space as iptables prints it. */
	void (*print)(const void *data, struct upt_sb *sb, unsigned flags);
	bool (*match)(const void *data, struct upt_xt_pkt *p);
	/*
	 * Optional, for state that rules share by name (recent --name,
	 * hashlimit --hashlimit-name), as the kernel shares its per-netns
	 * tables.  share_key gives the name ("" or NULL: nothing shared).
	 * After building a ruleset the compiler calls share(data, owner) once
	 * per such match, in table/chain/rule order, with owner the compiled
	 * data block of the first match of the same ops and key (the match
	 * itself for the first one).  Both blocks live as long as the
	 * ruleset; the model's blocks are never linked.
	 */
	const char *(*share_key)(const void *data);
	void (*share)(void *data, void *owner);
	/*
	 * Optional, with share: the kernel keeps a named table while rules name
	 * it, across rule changes.  When a ruleset replaces another, the owner
	 * block of each name gets adopt(data, prev) with the previous ruleset's
	 * owner block of the same ops and key, to take its table over.
	 */
	void (*adopt)(void *data, const void *prev);
	/*
	 * Optional: what the kernel's checkentry refuses when the rule is
	 * loaded (iptables then reports "RULE_APPEND failed (<error>): rule in
	 * chain X" and exits 4, not 2 as for its own option checks).  Called
	 * when a table is validated; returns 0 or -errno, with a detail in why.
	 */
	int (*kcheck)(const void *data, char *why, size_t whylen);
	/*
	 * Optional: a rule's own state (limit bucket, quota, nth counter).
	 * When a ruleset replaces another by adding to it (restore --noflush,
	 * as iptables-nft changes only the rules a command names), a rule of
	 * the same table, chain and text, at the same place among its equals,
	 * gets keep(data, prev) with its previous block to carry the state on.
	 */
	void (*keep)(void *data, const void *prev);
};

struct upt_target_ops {
	const char *name; /* -j NAME */
	uint16_t size;
	const struct upt_xt_option *options;
	uint32_t hooks;	      /* 0: all */
	uint32_t tables;      /* bitmask of (1 << enum upt_table); 0: all */
	bool needs_conntrack; /* as for matches */
	/* When set, decides needs_conntrack per rule (CT --notrack takes no reference). */
	bool (*uses_conntrack)(const void *data);
	void (*init)(void *data);
	int (*parse)(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p);
	int (*check)(void *data, struct upt_xt_parse *p);
	void (*save)(const void *data, struct upt_sb *sb);
	void (*print)(const void *data, struct upt_sb *sb, unsigned flags);
	/* Returns UPT_V_*; a dropping target sets p->drop_reason. */
	unsigned (*target)(const void *data, struct upt_xt_pkt *p);
	/* Optional: allowed hooks that depend on the options (TCPMSS --clamp-mss-to-pmtu);
	 * used instead of `hooks` when set.  0: all. */
	uint32_t (*hooks_of)(const void *data);
	/* -L target column when it is not `name` (NOTRACK lists as "CT", an iptables alias). */
	const char *list_name;
	/*
	 * Optional, as kcheck of matches: what the kernel refuses when the rule
	 * is loaded (x_tables' protocol check, the target's checkentry), given
	 * the rule's -p (0: any) and whether it is negated.  Called when a table
	 * is validated, after the table and hook checks; 0 or -errno, with a
	 * detail in why.
	 */
	int (*kcheck)(const void *data, uint8_t proto, bool proto_invert, char *why, size_t whylen);
};

/*
 * Registry (src/rules/registry.c). NULL when not supported.  Extensions are
 * listed in groups, one file each (registry.c for the port-forwarding core,
 * registry_<group>.c for the others), so that groups can grow independently.
 */
struct upt_ext_group {
	const struct upt_match_ops *const *matches;
	size_t nmatches;
	const struct upt_target_ops *const *targets;
	size_t ntargets;
};
extern const struct upt_ext_group upt_ext_conn, upt_ext_packet, upt_ext_rate, upt_ext_proto,
    upt_ext_misc;

const struct upt_match_ops *upt_match_find(const char *name);
/* Is this the name of an extension iptables has (implemented here or not)? */
bool upt_ext_is_iptables_name(const char *name);
const struct upt_target_ops *upt_target_find(const char *name);

/*
 * Services the packet path (src/core) provides to targets.
 */

/* Bind the packet's new connection with `range` (DNAT, SNAT, MASQUERADE, REDIRECT, NETMAP).
 * Returns UPT_V_ACCEPT, or UPT_V_DROP with p->drop_reason set. */
unsigned upt_xt_nat(struct upt_xt_pkt *p, enum upt_nat_manip manip,
		    const struct upt_nat_range *range);
/* MASQUERADE: the address the egress interface would use towards the next hop; 0 when none. */
uint32_t upt_xt_masquerade_addr(struct upt_xt_pkt *p);
/* REDIRECT: primary address of the ingress interface (127.0.0.1 for OUTPUT); 0 when none. */
uint32_t upt_xt_redirect_addr(struct upt_xt_pkt *p);

enum upt_reject_with {
	UPT_REJECT_ICMP_NET_UNREACHABLE,
	UPT_REJECT_ICMP_HOST_UNREACHABLE,
	UPT_REJECT_ICMP_PROT_UNREACHABLE,
	UPT_REJECT_ICMP_PORT_UNREACHABLE,
	UPT_REJECT_ICMP_ECHOREPLY, /* obsolete, rejected by iptables; kept for numbering */
	UPT_REJECT_ICMP_NET_PROHIBITED,
	UPT_REJECT_ICMP_HOST_PROHIBITED,
	UPT_REJECT_TCP_RESET,
	UPT_REJECT_ICMP_ADMIN_PROHIBITED,
};
/* Send the error for the current packet (nf_send_unreach / nf_send_reset). */
void upt_xt_reject(struct upt_xt_pkt *p, enum upt_reject_with with);
/* LOG: hand one line (kernel format, no syslog prefix) to the engine's log sink. */
void upt_xt_log(struct upt_xt_pkt *p, unsigned level, const char *line);
/* A random 64-bit value from the engine's generator (hash keys, random choices). */
uint64_t upt_xt_random(struct upt_xt_pkt *p);
/* Name of an interface, "" when unknown. */
const char *upt_xt_ifname(struct upt_xt_pkt *p, uint32_t ifindex);
/* TCPMSS: MTU of an interface; 0 when there is no such interface. */
uint32_t upt_xt_if_mtu(struct upt_xt_pkt *p, uint32_t ifindex);
/* TCPMSS: MTU of the route towards `daddr` (lo's for a local address); 0 when no route. */
uint32_t upt_xt_route_mtu(struct upt_xt_pkt *p, uint32_t daddr);
/* Route types (the kernel's RTN_* numbers) that upt_xt_addr_type answers. */
#define UPT_RTN_UNICAST	  1
#define UPT_RTN_LOCAL	  2
#define UPT_RTN_BROADCAST 3
#define UPT_RTN_MULTICAST 5
/*
 * addrtype: the type of `addr` in the host's local routing table, as the
 * kernel's inet_dev_addr_type(); ifindex nonzero restricts the answer to
 * routes of that interface (other interfaces' local/broadcast: UNICAST).
 */
unsigned upt_xt_addr_type(struct upt_xt_pkt *p, uint32_t addr, uint32_t ifindex);
/* The engine's conntrack table (connbytes' counters, connlimit's lookups). */
struct upt_ct_table *upt_xt_ct_table(struct upt_xt_pkt *p);

#endif

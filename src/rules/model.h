/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The editable ruleset model, shared by the files of src/rules/ (parser,
 * restore, save, compile).  Not part of the public API: other modules use
 * rules.h.
 *
 * A model holds up to four tables; a table holds its built-in chains first
 * (in hook order, fixed) and then its user chains sorted by name (strcmp),
 * which is the order iptables-save lists them in.  A rule is an owned
 * object: its ip part by value, its matches' and target's data blocks
 * allocated to the extension's size.  Copying a model deep-copies all of
 * it; restore works on such a copy and swaps it in only on success.
 */
#ifndef UPT_RULES_MODEL_H
#define UPT_RULES_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uptables/uptables.h"
#include "rules/ext.h"

/* XT_EXTENSION_MAXNAMELEN: names (chains, targets) have at most 28 characters. */
#define UPT_NAME_MAX 29

/* Inversion flags of the ip part (the kernel's IPT_INV_* values). */
#define UPT_INV_VIA_IN	0x01
#define UPT_INV_VIA_OUT 0x02
#define UPT_INV_SRCIP	0x08
#define UPT_INV_DSTIP	0x10
#define UPT_INV_FRAG	0x20
#define UPT_INV_PROTO	0x40

/* ip.flags */
#define UPT_IPF_FRAG 0x01

struct upt_ipspec {
	uint32_t src, smsk, dst, dmsk; /* host order; src/dst already masked */
	char iniface[UPT_IFNAMSIZ];    /* as given, '+' kept for wildcards */
	char outiface[UPT_IFNAMSIZ];
	uint8_t proto; /* 0: any */
	uint8_t invflags;
	uint8_t flags;
};

/* What a rule does once its matches matched. */
enum upt_rule_tkind {
	UPT_RT_NONE = 0, /* no -j: count and continue */
	UPT_RT_ACCEPT,
	UPT_RT_DROP,
	UPT_RT_RETURN,
	UPT_RT_QUEUE,
	UPT_RT_JUMP, /* -j user chain */
	UPT_RT_GOTO, /* -g user chain */
	UPT_RT_EXT,  /* target extension */
};

struct upt_rule_match {
	const struct upt_match_ops *ops;
	void *data; /* ops->size bytes */
};

struct upt_rule {
	struct upt_ipspec ip;
	unsigned nmatches;
	struct upt_rule_match *matches;
	uint8_t tkind;		  /* enum upt_rule_tkind */
	char chain[UPT_NAME_MAX]; /* JUMP/GOTO destination */
	const struct upt_target_ops *tops;
	void *tdata; /* tops->size bytes */
	uint64_t pkts, bytes;
	uint32_t line; /* restore input line, for errors (0: none) */
};

struct upt_chain {
	char name[UPT_NAME_MAX];
	int8_t hook;	/* enum upt_hook for built-ins, -1 for user chains */
	uint8_t policy; /* UPT_V_ACCEPT / UPT_V_DROP (built-ins) */
	/*
	 * Built-ins only: the chain exists in the kernel.  iptables-nft creates
	 * a built-in chain lazily, when a rule is added to it, its policy is set
	 * or a `:CHAIN` line names it; until then no hook runs it, so packets
	 * are not counted on its policy (checked on iptables 1.8.9 nft).
	 */
	bool exists;
	/*
	 * Built-ins only: the policy has a counter.  iptables-nft gives a base
	 * chain a policy counter only when a `:CHAIN` line or -P made it; a
	 * chain that came into being through -A/-I never counts its policy
	 * (checked on 1.8.9 with iptables and iptables-restore).
	 */
	bool policy_counts;
	uint64_t pkts, bytes; /* policy counters (built-ins) */
	struct upt_rule **rules;
	unsigned nrules, cap;
};

struct upt_table_model {
	bool present;
	struct upt_chain **chains; /* built-ins first, then user chains by name */
	unsigned nchains, cap;
	unsigned nbuiltin;
};

struct upt_rules {
	struct upt_table_model t[UPT_TABLE__COUNT];
};

/* Static facts about tables. */
const char *upt_rules_table_name(enum upt_table t);
int upt_rules_table_by_name(const char *name); /* -1 when unknown */
/* Hooks a table is registered at, as a bitmask of (1 << enum upt_hook). */
uint32_t upt_rules_table_hooks(enum upt_table t);
const char *upt_rules_hook_chain_name(enum upt_hook h);

/* Rule objects. */
struct upt_rule *upt_rule_new(void);
void upt_rule_free(struct upt_rule *r);
struct upt_rule *upt_rule_clone(const struct upt_rule *r);
/* Same specification (ip part, matches, target), ignoring counters: -D by spec. */
bool upt_rule_equal(const struct upt_rule *a, const struct upt_rule *b);
int upt_rule_add_match(struct upt_rule *r, const struct upt_match_ops *ops);

/* Tables and chains. */
void upt_table_reset(struct upt_table_model *tm, enum upt_table t); /* fresh built-ins */
void upt_table_clear(struct upt_table_model *tm);		    /* frees, not present */
int upt_table_copy(struct upt_table_model *dst, const struct upt_table_model *src);
struct upt_chain *upt_table_chain(const struct upt_table_model *tm, const char *name);
int upt_table_chain_index(const struct upt_table_model *tm, const char *name);
/* Create a user chain (kept sorted); NULL on allocation failure. */
struct upt_chain *upt_table_new_chain(struct upt_table_model *tm, const char *name);
void upt_table_del_chain(struct upt_table_model *tm, unsigned idx);
/* Re-sort user chains after a rename. */
void upt_table_sort(struct upt_table_model *tm);
/* Number of rules in the table that jump or go to `name`. */
unsigned upt_table_refs(const struct upt_table_model *tm, const char *name);

/* Insert r at position pos (0-based, pos <= nrules); takes ownership on success. */
int upt_chain_insert(struct upt_chain *c, unsigned pos, struct upt_rule *r);
void upt_chain_delete(struct upt_chain *c, unsigned pos);
void upt_chain_flush(struct upt_chain *c);

/*
 * Validation of a table as the kernel does it on load (compile.c): every
 * jump lands on an existing user chain, no loops, nesting at most
 * UPT_JUMP_DEPTH levels below a built-in chain (nf_tables' limit), and
 * every match/target is allowed in the hooks its chain is reachable from.
 * `hooks_out` (nchains entries, may be NULL) gets each chain's reachable
 * hooks.
 */
#define UPT_JUMP_DEPTH 16
int upt_table_validate(const struct upt_table_model *tm, enum upt_table t, uint32_t *hooks_out,
		       char *err, size_t errlen);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compiled ruleset's layout, shared by compile.c (builds it) and
 * eval.c (runs it).  Like the kernel's ipt_entry blob: per table one flat
 * array; each chain is its rules followed by one end entry.  A built-in
 * chain's end entry is its policy (it carries the policy counters, like the
 * kernel's underflow rule); a user chain's end entry is an implicit RETURN.
 */
#ifndef UPT_RULES_COMPILED_H
#define UPT_RULES_COMPILED_H

#include <stdint.h>

#include "rules/model.h"

#define UPT_CE_RULE 0
#define UPT_CE_END  1

#define UPT_NO_ENTRY 0xffffffffu

struct upt_cmatch {
	const struct upt_match_ops *ops;
	void *data;
};

struct upt_centry {
	struct upt_ipspec ip;
	uint8_t kind;  /* UPT_CE_* */
	uint8_t tkind; /* enum upt_rule_tkind; END: UPT_RT_ACCEPT/DROP (policy) or RETURN */
	uint8_t in_cmp, out_cmp; /* bytes of the interface name to compare */
	bool in_wild, out_wild;	 /* trailing '+': prefix compare */
	uint16_t nmatches;
	struct upt_cmatch *matches;
	const struct upt_target_ops *tops;
	void *tdata;
	uint32_t jump;	  /* JUMP/GOTO: first entry of the destination chain */
	uint32_t chain;	  /* index into the table's chain names */
	uint32_t rulenum; /* 1-based position in the chain; 0 for END */
	uint32_t mrule;	  /* index of the rule in the model chain (sync) */
	bool uncounted;	  /* END of a built-in whose policy has no counter (nft) */
	char *text;	  /* "-A CHAIN ..." (rules only) */
};

struct upt_counter {
	uint64_t pkts, bytes;
};

struct upt_ctable {
	bool present;
	uint32_t nentries;
	struct upt_centry *e;
	struct upt_counter *ctr;
	uint32_t nchains;
	char (*names)[UPT_NAME_MAX];
	bool *builtin;
	uint32_t hook_entry[UPT_HOOK__COUNT];	  /* UPT_NO_ENTRY when not registered */
	uint32_t hook_underflow[UPT_HOOK__COUNT]; /* the built-in chain's END entry */
};

struct upt_ruleset {
	uint64_t generation;
	bool nat_active; /* a nat chain exists: the NAT hooks are registered */
	bool needs_ct;	 /* some rule or the nat table needs connection tracking */
	struct upt_ctable t[UPT_TABLE__COUNT];
};

#endif

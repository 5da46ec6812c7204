/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rulesets: the editable model and its compiled, flat form.
 *
 * Two representations, as in the kernel:
 *   - struct upt_rules, the editable model: tables, chains (built-in with a
 *     policy, user-defined), rules in parsed form, counters.  Edited by
 *     restore (and, later, by the CLI commands); every edit is atomic: it
 *     either applies whole or leaves the model as it was.
 *   - struct upt_ruleset, compiled from a model: per table a flat array of
 *     rules with jumps resolved to indexes, per built-in hook an entry
 *     index, each rule's -S text for traces, and a counter array.  Immutable
 *     but for its counters; the engine swaps whole rulesets by pointer
 *     (generation number), so a packet sees the old or the new one, never a
 *     mix.
 *
 * Counters live in the compiled ruleset while it runs; before editing the
 * model the engine calls upt_rules_sync_counters() to copy them back, and a
 * compile starts from the model's counters.  So unchanged rules keep their
 * counters across edits, as iptables users expect.
 */
#ifndef UPT_RULES_RULES_H
#define UPT_RULES_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uptables/uptables.h"
#include "base/strbuf.h"

struct upt_xt_pkt;
struct upt_rules;
struct upt_ruleset;

struct upt_rules *upt_rules_create(void);
void upt_rules_destroy(struct upt_rules *rs);

/*
 * iptables-restore: `flags` are UPT_RESTORE_* (uptables.h); `only_table`
 * non-NULL restores just that table out of the input (-T).  Returns 0, or
 * -errno with "line N: message" in err and the model untouched.
 */
int upt_rules_restore(struct upt_rules *rs, const char *text, size_t len, unsigned flags,
		      const char *only_table, char *err, size_t errlen);

/* iptables-save text; table NULL: every table that exists, in iptables-save's order. */
int upt_rules_save(const struct upt_rules *rs, const char *table, unsigned flags,
		   struct upt_sb *out);

/* Does the table exist in the model (was it ever mentioned)? */
bool upt_rules_has_table(const struct upt_rules *rs, enum upt_table table);

/* Compile; allocation happens here, never on the packet path. */
int upt_ruleset_compile(const struct upt_rules *rs, uint64_t generation, struct upt_ruleset **out,
			char *err, size_t errlen);
void upt_ruleset_free(struct upt_ruleset *set);
uint64_t upt_ruleset_generation(const struct upt_ruleset *set);
bool upt_ruleset_has_table(const struct upt_ruleset *set, enum upt_table table);
/* A nat chain exists, so the NAT hooks run (null bindings included). */
bool upt_ruleset_nat_active(const struct upt_ruleset *set);
/* Connection tracking runs at all (the kernel tracks only when a rule or nat needs it). */
bool upt_ruleset_needs_conntrack(const struct upt_ruleset *set);

/*
 * Before `next` replaces `prev`: named tables that the kernel keeps while
 * rules name them (recent lists, hashlimit tables) pass from prev's rules to
 * next's (ext.h: adopt).
 */
void upt_ruleset_adopt(struct upt_ruleset *next, const struct upt_ruleset *prev);
/*
 * Before `next` replaces `prev` after a restore --noflush of `text`: every
 * rule of next that prev had too (same table, chain and -A text, the same
 * among equal rules) keeps its matches' own state (ext.h: keep), as rules
 * that iptables-nft does not touch keep theirs; except in the chains the
 * text flushes (-F, or a `:CHAIN` line of a user chain), whose rules are
 * new ones.
 */
void upt_ruleset_keep_rules(struct upt_ruleset *next, const struct upt_ruleset *prev,
			    const char *text, size_t len);

/* Copy the compiled ruleset's counters back into the model it came from. */
void upt_rules_sync_counters(struct upt_rules *rs, const struct upt_ruleset *set);

/*
 * Run a table's built-in chain for `hook`: rules in order, jumps, gotos,
 * RETURN, the policy; counters (packets, IPv4 total length bytes) of every
 * matching rule and of the policy when applied.  Returns UPT_V_ACCEPT,
 * UPT_V_DROP (p->drop_reason set: RULE_DROP, POLICY_DROP, REJECT, ...), or
 * UPT_V_STOLEN.  Emits CHAIN / RULE / POLICY / RETURN trace events when
 * p->trace is set.  A table without that hook (or absent) returns ACCEPT.
 */
unsigned upt_ruleset_run(struct upt_ruleset *set, enum upt_table table, enum upt_hook hook,
			 struct upt_xt_pkt *p);

/*
 * One rule through the whole parser and printer: restore "-A CHAIN rule"
 * into an empty `table` (CHAIN is created when it is not built in) and
 * print the resulting rule line(s) in save form ("-A CHAIN ...", several
 * lines joined by '\n' when -s/-d list several addresses).  For the .t
 * conformance runner and the CLI.  Returns 0 or -errno with the message in
 * err ("line 3: ..." refers to the rule).
 */
int upt_rules_rule_roundtrip(enum upt_table table, const char *chain, const char *rule,
			     struct upt_sb *out, char *err, size_t errlen);

/*
 * Listings (src/rules/list.c), byte for byte as iptables 1.8.9 prints them:
 * -L (upt_rules_list) and -S (upt_rules_list_rules) of one table, all
 * chains or `chain`, one rule when rulenum > 0.  A table never mentioned
 * lists as a fresh one.  Returns 0, -ENOENT when the chain does not exist.
 * Addresses are named (-L without -n) only through `resolve`, which
 * returns NULL for "no name": the library itself does no lookups.
 */
#define UPT_LIST_NUMERIC 0x1u /* -n */
#define UPT_LIST_VERBOSE 0x2u /* -v: counters, interfaces; -S: "-c P B" */
#define UPT_LIST_EXACT	 0x4u /* -x */
#define UPT_LIST_LINENUM 0x8u /* --line-numbers */
struct upt_list_opts {
	unsigned flags;					  /* UPT_LIST_* */
	const char *(*resolve)(uint32_t addr, void *ctx); /* host-order address */
	void *resolve_ctx;
};
int upt_rules_list(const struct upt_rules *rs, enum upt_table table, const char *chain,
		   unsigned rulenum, const struct upt_list_opts *o, struct upt_sb *out);
int upt_rules_list_rules(const struct upt_rules *rs, enum upt_table table, const char *chain,
			 unsigned rulenum, const struct upt_list_opts *o, struct upt_sb *out);
/* The one-line echo `iptables -v -A ...` prints for each rule it adds or deletes. */
struct upt_rule;
void upt_rules_print_rule_brief(const struct upt_rule *r, struct upt_sb *sb);

#endif

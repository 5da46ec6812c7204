/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iptables-save's text for one rule (also the -S form and the trace text).
 */
#ifndef UPT_RULES_SAVE_H
#define UPT_RULES_SAVE_H

#include "base/strbuf.h"
#include "rules/model.h"

/*
 * upt_rules_save() flag for rules files that must reload to the same
 * state (the CLI's --ruleset store): a built-in chain iptables-nft has not
 * created gets no `:CHAIN` line, one made by -A/-I (no policy counter)
 * none either — its rules, or a `-F CHAIN` line when it has none, make it
 * again — so that lazily created chains survive a save/restore cycle.
 */
#define UPT_SAVE_STORE 0x100u

/* "-A CHAIN <ip part> -m ... -j ..." without a newline. */
void upt_rule_save(const struct upt_rule *r, const char *chain, struct upt_sb *sb);

#endif

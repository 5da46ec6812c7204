/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iptables-save's text for one rule (also the -S form and the trace text).
 */
#ifndef UPT_RULES_SAVE_H
#define UPT_RULES_SAVE_H

#include "base/strbuf.h"
#include "rules/model.h"

/* "-A CHAIN <ip part> -m ... -j ..." without a newline. */
void upt_rule_save(const struct upt_rule *r, const char *chain, struct upt_sb *sb);

#endif

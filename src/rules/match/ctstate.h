/* SPDX-License-Identifier: GPL-2.0 */
/*
 * State bits shared by -m state and -m conntrack (the kernel's
 * XT_CONNTRACK_STATE_* / XT_STATE_* values, which are the same).
 */
#ifndef UPT_RULES_MATCH_CTSTATE_H
#define UPT_RULES_MATCH_CTSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/strbuf.h"
#include "rules/ext.h"

#define UPT_CTS_INVALID	    (1u << 0)
#define UPT_CTS_ESTABLISHED (1u << 1)
#define UPT_CTS_RELATED	    (1u << 2)
#define UPT_CTS_NEW	    (1u << 3)
#define UPT_CTS_UNTRACKED   (1u << 6)
#define UPT_CTS_SNAT	    (1u << 7)
#define UPT_CTS_DNAT	    (1u << 8)

/* The packet's state bit (no SNAT/DNAT pseudo-states). */
uint32_t upt_ctstate_bit(const struct upt_xt_pkt *p);

/*
 * A comma list of state names, each a case-insensitive prefix of a name
 * (as iptables' strncasecmp loop); with_nat admits SNAT and DNAT.
 * Returns false on an empty or unknown element.
 */
bool upt_ctstate_parse(const char *arg, bool with_nat, uint32_t *mask);
/* "INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED,SNAT,DNAT" order, comma separated. */
void upt_ctstate_put(struct upt_sb *sb, uint32_t mask);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NAT-private: the by-source index behind find_appropriate_src (srcmap.c).
 * The public create/destroy are declared in nat.h.
 */
#ifndef UPT_NAT_SRCMAP_H
#define UPT_NAT_SRCMAP_H

#include <stdbool.h>

#include "nat/nat.h"

/* Record an entry that just got its SRC binding. */
void upt_nat_srcmap_add(struct upt_nat_srcmap *m, struct upt_ct *ct);
/*
 * Visit live SRC-bound entries with orig's source, newest first, until fn
 * returns nonzero (returned).  -1 when nothing stopped the walk and the
 * bucket may have lost entries: the caller must walk the table instead.
 */
int upt_nat_srcmap_lookup(const struct upt_nat_srcmap *m, const struct upt_tuple *orig,
			  int (*fn)(struct upt_ct *ct, void *arg), void *arg);
bool upt_nat_srcmap_valid(const struct upt_ct *ct, const struct upt_tuple *orig);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * Connection labels (the kernel's nf_conntrack_labels extension): 128 bits
 * per connection that -m connlabel tests and sets.  struct upt_ct has no
 * room left within its 128 bytes, so, as the accounting counters (acct.c),
 * the labels live in a side array indexed like the entry pool, allocated
 * when a ruleset that uses labels is installed (the kernel's
 * nf_connlabels_get from connlabel's checkentry) and kept from then on.
 * Only connections created after that have labels (the kernel adds the
 * extension at creation while labels are in use); a slot belongs to an entry
 * while the slot's id is the entry's id, so a reused pool entry starts with
 * no label set.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ct/ct.h"
#include "ct/ct_int.h"

int upt_ct_labels_enable(struct upt_ct_table *t)
{
	if (!t->labels)
		t->labels = calloc(t->max, sizeof(*t->labels));
	return t->labels ? 0 : -ENOMEM;
}

void upt_ct_labels_new(struct upt_ct_table *t, const struct upt_ct *ct)
{
	struct upt_ct_labels *l;

	if (!t->labels)
		return;
	l = &t->labels[ct - t->pool];
	memset(l, 0, sizeof(*l));
	l->id = ct->id;
}

struct upt_ct_labels *upt_ct_labels_get(struct upt_ct_table *t, const struct upt_ct *ct)
{
	struct upt_ct_labels *l;

	if (!t || !t->labels || ct < t->pool || ct >= t->pool + t->max)
		return NULL;
	l = &t->labels[ct - t->pool];
	return l->id == ct->id && l->id != 0 ? l : NULL;
}

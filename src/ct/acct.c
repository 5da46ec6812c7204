// SPDX-License-Identifier: GPL-2.0
/*
 * Connection accounting (the kernel's nf_conntrack_acct): a side array of
 * counters indexed like the entry pool, allocated when accounting is first
 * turned on (and kept: the sysctl may turn it off and on again).  An entry's slot belongs to it
 * only while the slot's id is the entry's id, so a pool entry reused after accounting was enabled
 * starts from zero, and one created before has no counters at all (as a kernel entry created
 * without the acct extension).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ct/ct.h"
#include "ct/ct_int.h"

int upt_ct_acct_alloc(struct upt_ct_table *t)
{
	if (!t->acct)
		t->acct = calloc(t->max, sizeof(*t->acct));
	return t->acct ? 0 : -ENOMEM;
}

int upt_ct_acct_enable(struct upt_ct_table *t)
{
	int rc = upt_ct_acct_alloc(t);

	if (rc == 0)
		t->sys.acct = true;
	return rc;
}

bool upt_ct_acct_enabled(const struct upt_ct_table *t)
{
	return t->acct && t->sys.acct;
}

void upt_ct_acct_new(struct upt_ct_table *t, const struct upt_ct *ct)
{
	struct upt_ct_acct *a;

	if (!t->acct)
		return;
	a = &t->acct[ct - t->pool];
	memset(a, 0, sizeof(*a));
	if (!t->sys.acct)
		return; /* id 0: no counters for this one */
	a->id = ct->id;
}

void upt_ct_acct_add(struct upt_ct_table *t, const struct upt_ct *ct, unsigned dir, uint32_t len)
{
	struct upt_ct_acct *a;

	if (!t->acct || dir > UPT_CT_DIR_REPLY)
		return;
	a = &t->acct[ct - t->pool];
	if (a->id != ct->id)
		return;
	a->packets[dir]++;
	a->bytes[dir] += len;
}

const struct upt_ct_acct *upt_ct_acct_get(const struct upt_ct_table *t, const struct upt_ct *ct)
{
	const struct upt_ct_acct *a;

	if (!t->acct || ct < t->pool || ct >= t->pool + t->max)
		return NULL;
	a = &t->acct[ct - t->pool];
	return a->id == ct->id && a->id != 0 ? a : NULL;
}

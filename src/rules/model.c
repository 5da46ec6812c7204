// SPDX-License-Identifier: GPL-2.0
/*
 * The editable model: tables, chains, rules, counters.
 *
 * Edits are made on a deep copy (upt_table_copy) and swapped in whole, so a
 * failed restore leaves the original untouched; nothing here is on the
 * packet path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/model.h"
#include "rules/rules.h"

static const char *const table_names[UPT_TABLE__COUNT] = {
    [UPT_TABLE_RAW] = "raw",
    [UPT_TABLE_MANGLE] = "mangle",
    [UPT_TABLE_NAT] = "nat",
    [UPT_TABLE_FILTER] = "filter",
};

#define HB(h) (1u << (h))
static const uint32_t table_hooks[UPT_TABLE__COUNT] = {
    [UPT_TABLE_RAW] = HB(UPT_HOOK_PRE_ROUTING) | HB(UPT_HOOK_LOCAL_OUT),
    [UPT_TABLE_MANGLE] = HB(UPT_HOOK_PRE_ROUTING) | HB(UPT_HOOK_LOCAL_IN) | HB(UPT_HOOK_FORWARD) |
			 HB(UPT_HOOK_LOCAL_OUT) | HB(UPT_HOOK_POST_ROUTING),
    [UPT_TABLE_NAT] = HB(UPT_HOOK_PRE_ROUTING) | HB(UPT_HOOK_LOCAL_IN) | HB(UPT_HOOK_LOCAL_OUT) |
		      HB(UPT_HOOK_POST_ROUTING),
    [UPT_TABLE_FILTER] = HB(UPT_HOOK_LOCAL_IN) | HB(UPT_HOOK_FORWARD) | HB(UPT_HOOK_LOCAL_OUT),
};

static const char *const hook_chain_names[UPT_HOOK__COUNT] = {
    [UPT_HOOK_PRE_ROUTING] = "PREROUTING",   [UPT_HOOK_LOCAL_IN] = "INPUT",
    [UPT_HOOK_FORWARD] = "FORWARD",	     [UPT_HOOK_LOCAL_OUT] = "OUTPUT",
    [UPT_HOOK_POST_ROUTING] = "POSTROUTING",
};

const char *upt_rules_table_name(enum upt_table t)
{
	return (unsigned)t < UPT_TABLE__COUNT ? table_names[t] : "?";
}

int upt_rules_table_by_name(const char *name)
{
	for (int i = 0; i < UPT_TABLE__COUNT; i++)
		if (strcmp(name, table_names[i]) == 0)
			return i;
	return -1;
}

uint32_t upt_rules_table_hooks(enum upt_table t)
{
	return (unsigned)t < UPT_TABLE__COUNT ? table_hooks[t] : 0;
}

const char *upt_rules_hook_chain_name(enum upt_hook h)
{
	return (unsigned)h < UPT_HOOK__COUNT ? hook_chain_names[h] : "?";
}

/* ---- rules ---- */

struct upt_rule *upt_rule_new(void)
{
	return calloc(1, sizeof(struct upt_rule));
}

void upt_rule_free(struct upt_rule *r)
{
	if (!r)
		return;
	for (unsigned i = 0; i < r->nmatches; i++)
		free(r->matches[i].data);
	free(r->matches);
	free(r->tdata);
	free(r);
}

static void *dup_block(const void *src, size_t n)
{
	/* Zero-size extensions still get a distinct, freeable block. */
	void *p = malloc(n ? n : 1);
	if (p && n)
		memcpy(p, src, n);
	return p;
}

struct upt_rule *upt_rule_clone(const struct upt_rule *r)
{
	struct upt_rule *c = malloc(sizeof(*c));
	if (!c)
		return NULL;
	*c = *r;
	c->matches = NULL;
	c->tdata = NULL;
	c->nmatches = 0;
	if (r->nmatches) {
		c->matches = calloc(r->nmatches, sizeof(*c->matches));
		if (!c->matches)
			goto err;
		for (unsigned i = 0; i < r->nmatches; i++) {
			c->matches[i].ops = r->matches[i].ops;
			c->matches[i].data = dup_block(r->matches[i].data, r->matches[i].ops->size);
			if (!c->matches[i].data)
				goto err;
			c->nmatches = i + 1;
		}
	}
	if (r->tdata) {
		c->tdata = dup_block(r->tdata, r->tops->size);
		if (!c->tdata)
			goto err;
	}
	return c;
err:
	upt_rule_free(c);
	return NULL;
}

bool upt_rule_equal(const struct upt_rule *a, const struct upt_rule *b)
{
	const struct upt_ipspec *x = &a->ip, *y = &b->ip;

	if (x->src != y->src || x->smsk != y->smsk || x->dst != y->dst || x->dmsk != y->dmsk ||
	    x->proto != y->proto || x->invflags != y->invflags || x->flags != y->flags ||
	    strcmp(x->iniface, y->iniface) != 0 || strcmp(x->outiface, y->outiface) != 0)
		return false;
	if (a->nmatches != b->nmatches || a->tkind != b->tkind)
		return false;
	for (unsigned i = 0; i < a->nmatches; i++) {
		const struct upt_match_ops *m = a->matches[i].ops;
		if (m != b->matches[i].ops ||
		    memcmp(a->matches[i].data, b->matches[i].data, m->size) != 0)
			return false;
	}
	if ((a->tkind == UPT_RT_JUMP || a->tkind == UPT_RT_GOTO) && strcmp(a->chain, b->chain) != 0)
		return false;
	if (a->tkind == UPT_RT_EXT &&
	    (a->tops != b->tops || memcmp(a->tdata, b->tdata, a->tops->size) != 0))
		return false;
	return true;
}

int upt_rule_add_match(struct upt_rule *r, const struct upt_match_ops *ops)
{
	struct upt_rule_match *m = realloc(r->matches, (r->nmatches + 1) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	r->matches = m;
	m[r->nmatches].ops = ops;
	m[r->nmatches].data = calloc(1, ops->size ? ops->size : 1);
	if (!m[r->nmatches].data)
		return -ENOMEM;
	if (ops->init)
		ops->init(m[r->nmatches].data);
	r->nmatches++;
	return 0;
}

/* ---- chains ---- */

static struct upt_chain *chain_new(const char *name, int hook)
{
	struct upt_chain *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	snprintf(c->name, sizeof(c->name), "%.*s", UPT_NAME_MAX - 1, name);
	c->hook = (int8_t)hook;
	c->policy = UPT_V_ACCEPT;
	return c;
}

void upt_chain_flush(struct upt_chain *c)
{
	for (unsigned i = 0; i < c->nrules; i++)
		upt_rule_free(c->rules[i]);
	c->nrules = 0;
}

static void chain_free(struct upt_chain *c)
{
	if (!c)
		return;
	upt_chain_flush(c);
	free(c->rules);
	free(c);
}

int upt_chain_insert(struct upt_chain *c, unsigned pos, struct upt_rule *r)
{
	if (pos > c->nrules)
		return -E2BIG;
	if (c->nrules == c->cap) {
		unsigned ncap = c->cap ? c->cap * 2 : 8;
		struct upt_rule **n = realloc(c->rules, ncap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		c->rules = n;
		c->cap = ncap;
	}
	memmove(&c->rules[pos + 1], &c->rules[pos], (c->nrules - pos) * sizeof(*c->rules));
	c->rules[pos] = r;
	c->nrules++;
	return 0;
}

void upt_chain_delete(struct upt_chain *c, unsigned pos)
{
	if (pos >= c->nrules)
		return;
	upt_rule_free(c->rules[pos]);
	memmove(&c->rules[pos], &c->rules[pos + 1], (c->nrules - pos - 1) * sizeof(*c->rules));
	c->nrules--;
}

static struct upt_chain *chain_clone(const struct upt_chain *src)
{
	struct upt_chain *c = chain_new(src->name, src->hook);
	if (!c)
		return NULL;
	c->policy = src->policy;
	c->exists = src->exists;
	c->policy_counts = src->policy_counts;
	c->pkts = src->pkts;
	c->bytes = src->bytes;
	if (src->nrules) {
		c->rules = calloc(src->nrules, sizeof(*c->rules));
		if (!c->rules)
			goto err;
		c->cap = src->nrules;
		for (unsigned i = 0; i < src->nrules; i++) {
			c->rules[i] = upt_rule_clone(src->rules[i]);
			if (!c->rules[i])
				goto err;
			c->nrules = i + 1;
		}
	}
	return c;
err:
	chain_free(c);
	return NULL;
}

/* ---- tables ---- */

void upt_table_clear(struct upt_table_model *tm)
{
	for (unsigned i = 0; i < tm->nchains; i++)
		chain_free(tm->chains[i]);
	free(tm->chains);
	memset(tm, 0, sizeof(*tm));
}

static int table_push(struct upt_table_model *tm, struct upt_chain *c, unsigned pos)
{
	if (tm->nchains == tm->cap) {
		unsigned ncap = tm->cap ? tm->cap * 2 : 8;
		struct upt_chain **n = realloc(tm->chains, ncap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		tm->chains = n;
		tm->cap = ncap;
	}
	memmove(&tm->chains[pos + 1], &tm->chains[pos], (tm->nchains - pos) * sizeof(*tm->chains));
	tm->chains[pos] = c;
	tm->nchains++;
	return 0;
}

void upt_table_reset(struct upt_table_model *tm, enum upt_table t)
{
	upt_table_clear(tm);
	tm->present = true;
	for (int h = 0; h < UPT_HOOK__COUNT; h++) {
		if (!(table_hooks[t] & HB(h)))
			continue;
		struct upt_chain *c = chain_new(hook_chain_names[h], h);
		/* Built-ins are tiny; on allocation failure the table stays short. */
		if (!c || table_push(tm, c, tm->nchains) < 0) {
			free(c);
			continue;
		}
		tm->nbuiltin++;
	}
}

int upt_table_copy(struct upt_table_model *dst, const struct upt_table_model *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->present = src->present;
	dst->nbuiltin = src->nbuiltin;
	if (!src->nchains)
		return 0;
	dst->chains = calloc(src->nchains, sizeof(*dst->chains));
	if (!dst->chains)
		return -ENOMEM;
	dst->cap = src->nchains;
	for (unsigned i = 0; i < src->nchains; i++) {
		dst->chains[i] = chain_clone(src->chains[i]);
		if (!dst->chains[i]) {
			upt_table_clear(dst);
			return -ENOMEM;
		}
		dst->nchains = i + 1;
	}
	return 0;
}

int upt_table_chain_index(const struct upt_table_model *tm, const char *name)
{
	for (unsigned i = 0; i < tm->nchains; i++)
		if (strcmp(tm->chains[i]->name, name) == 0)
			return (int)i;
	return -1;
}

struct upt_chain *upt_table_chain(const struct upt_table_model *tm, const char *name)
{
	int i = upt_table_chain_index(tm, name);
	return i < 0 ? NULL : tm->chains[i];
}

struct upt_chain *upt_table_new_chain(struct upt_table_model *tm, const char *name)
{
	unsigned pos = tm->nbuiltin;
	while (pos < tm->nchains && strcmp(tm->chains[pos]->name, name) < 0)
		pos++;
	struct upt_chain *c = chain_new(name, -1);
	if (!c)
		return NULL;
	if (table_push(tm, c, pos) < 0) {
		free(c);
		return NULL;
	}
	return c;
}

void upt_table_del_chain(struct upt_table_model *tm, unsigned idx)
{
	if (idx >= tm->nchains)
		return;
	chain_free(tm->chains[idx]);
	memmove(&tm->chains[idx], &tm->chains[idx + 1],
		(tm->nchains - idx - 1) * sizeof(*tm->chains));
	tm->nchains--;
}

static int chain_cmp(const void *a, const void *b)
{
	const struct upt_chain *x = *(struct upt_chain *const *)a;
	const struct upt_chain *y = *(struct upt_chain *const *)b;
	return strcmp(x->name, y->name);
}

void upt_table_sort(struct upt_table_model *tm)
{
	if (tm->nchains > tm->nbuiltin)
		qsort(tm->chains + tm->nbuiltin, tm->nchains - tm->nbuiltin, sizeof(*tm->chains),
		      chain_cmp);
}

unsigned upt_table_refs(const struct upt_table_model *tm, const char *name)
{
	unsigned n = 0;
	for (unsigned i = 0; i < tm->nchains; i++) {
		const struct upt_chain *c = tm->chains[i];
		for (unsigned j = 0; j < c->nrules; j++) {
			const struct upt_rule *r = c->rules[j];
			if ((r->tkind == UPT_RT_JUMP || r->tkind == UPT_RT_GOTO) &&
			    strcmp(r->chain, name) == 0)
				n++;
		}
	}
	return n;
}

/* ---- whole model ---- */

struct upt_rules *upt_rules_create(void)
{
	return calloc(1, sizeof(struct upt_rules));
}

void upt_rules_destroy(struct upt_rules *rs)
{
	if (!rs)
		return;
	for (int t = 0; t < UPT_TABLE__COUNT; t++)
		upt_table_clear(&rs->t[t]);
	free(rs);
}

bool upt_rules_has_table(const struct upt_rules *rs, enum upt_table table)
{
	return (unsigned)table < UPT_TABLE__COUNT && rs->t[table].present;
}

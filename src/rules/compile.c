// SPDX-License-Identifier: GPL-2.0
/*
 * Table validation (the kernel's checks on load) and compilation into the
 * flat form eval.c runs.
 *
 * Validation walks the jump graph from each built-in chain, as the kernel's
 * mark_source_chains / nf_tables' chain validation do:
 *   - a jump or goto must land on an existing user chain;
 *   - no loops among the chains reachable from a built-in chain (an
 *     unreachable loop is accepted, as nf_tables accepts it);
 *   - at most UPT_JUMP_DEPTH - 1 levels of user chains below a built-in
 *     chain: nf_tables refuses the 16th level with EMLINK ("Too many
 *     links"), checked on iptables-nft 1.8.9 here;
 *   - each chain is marked with the hooks it is reachable from, and every
 *     match and target in it must allow all of those hooks (DNAT only in
 *     nat PREROUTING/OUTPUT, also through user chains), and targets must
 *     allow the table.
 * Longest-path heights are memoised per chain, so diamonds of jumps cost
 * linear time, not exponential.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/compiled.h"
#include "rules/rules.h"
#include "rules/save.h"

enum { WHITE = 0, GRAY, BLACK };

struct vstate {
	const struct upt_table_model *tm;
	uint8_t *color;
	int *height; /* longest chain of jumps below this chain */
	char *err;
	size_t errlen;
};

static int verr(struct vstate *vs, const struct upt_rule *r, const char *chain, const char *what)
{
	if (r && r->line)
		snprintf(vs->err, vs->errlen, "line %u: RULE_APPEND failed (%s): rule in chain %s",
			 r->line, what, chain);
	else
		snprintf(vs->err, vs->errlen, "%s: rule in chain %s", what, chain);
	return -EINVAL;
}

/* Depth-first: loop detection and heights.  Recursion is bounded because a
 * path longer than UPT_JUMP_DEPTH is refused before going deeper. */
static int walk(struct vstate *vs, unsigned ci, int level)
{
	const struct upt_chain *c = vs->tm->chains[ci];
	int h = 0;

	if (vs->color[ci] == BLACK) {
		if (level + vs->height[ci] >= UPT_JUMP_DEPTH)
			return -EMLINK; /* reported by the caller with the rule */
		return 0;
	}
	vs->color[ci] = GRAY;
	for (unsigned j = 0; j < c->nrules; j++) {
		const struct upt_rule *r = c->rules[j];
		if (r->tkind != UPT_RT_JUMP && r->tkind != UPT_RT_GOTO)
			continue;
		int di = upt_table_chain_index(vs->tm, r->chain);
		if (di < 0 || vs->tm->chains[di]->hook >= 0) {
			char msg[80];
			if (upt_ext_is_iptables_name(r->chain))
				snprintf(msg, sizeof(msg), "extension \"%s\" is not supported",
					 r->chain);
			else
				snprintf(msg, sizeof(msg), "Chain '%s' does not exist", r->chain);
			return verr(vs, r, c->name, msg);
		}
		if (vs->color[di] == GRAY)
			return verr(vs, r, c->name, "Too many links");
		if (level + 1 >= UPT_JUMP_DEPTH)
			return verr(vs, r, c->name, "Too many links");
		int rc = walk(vs, (unsigned)di, level + 1);
		if (rc == -EMLINK)
			return verr(vs, r, c->name, "Too many links");
		if (rc < 0)
			return rc;
		if (1 + vs->height[di] > h)
			h = 1 + vs->height[di];
	}
	vs->color[ci] = BLACK;
	vs->height[ci] = h;
	return 0;
}

static void mark_hooks(const struct upt_table_model *tm, unsigned ci, uint32_t hookbit,
		       uint32_t *hooks)
{
	if (hooks[ci] & hookbit)
		return;
	hooks[ci] |= hookbit;
	const struct upt_chain *c = tm->chains[ci];
	for (unsigned j = 0; j < c->nrules; j++) {
		const struct upt_rule *r = c->rules[j];
		if (r->tkind != UPT_RT_JUMP && r->tkind != UPT_RT_GOTO)
			continue;
		int di = upt_table_chain_index(tm, r->chain);
		if (di >= 0)
			mark_hooks(tm, (unsigned)di, hookbit, hooks);
	}
}

static const char *hooks_text(uint32_t bad, char *buf, size_t n)
{
	buf[0] = '\0';
	for (int h = 0; h < UPT_HOOK__COUNT; h++)
		if (bad & (1u << h)) {
			size_t l = strlen(buf);
			snprintf(buf + l, n - l, "%s%s", l ? "," : "",
				 upt_rules_hook_chain_name((enum upt_hook)h));
		}
	return buf;
}

int upt_table_validate(const struct upt_table_model *tm, enum upt_table t, uint32_t *hooks_out,
		       char *err, size_t errlen)
{
	struct vstate vs = {.tm = tm, .err = err, .errlen = errlen};
	uint32_t *hooks = NULL;
	int rc = 0;
	size_t n = tm->nchains ? tm->nchains : 1;

	vs.color = calloc(n, 1);
	vs.height = calloc(n, sizeof(int));
	hooks = calloc(n, sizeof(uint32_t));
	if (!vs.color || !vs.height || !hooks) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	for (unsigned i = 0; i < tm->nchains; i++) {
		if (tm->chains[i]->hook < 0)
			continue;
		if ((rc = walk(&vs, i, 0)) < 0)
			goto out;
		mark_hooks(tm, i, 1u << tm->chains[i]->hook, hooks);
	}
	for (unsigned i = 0; i < tm->nchains; i++) {
		const struct upt_chain *c = tm->chains[i];
		char buf[64], msg[160];
		for (unsigned j = 0; j < c->nrules; j++) {
			const struct upt_rule *r = c->rules[j];
			for (unsigned k = 0; k < r->nmatches; k++) {
				const struct upt_match_ops *m = r->matches[k].ops;
				uint32_t bad = m->hooks ? hooks[i] & ~m->hooks : 0;
				if (bad) {
					snprintf(msg, sizeof(msg),
						 "Invalid argument; match %s not valid in %s",
						 m->name, hooks_text(bad, buf, sizeof(buf)));
					rc = verr(&vs, r, c->name, msg);
					goto out;
				}
				if (m->kcheck) {
					char why[96] = "";
					int krc = m->kcheck(r->matches[k].data, why, sizeof(why));
					if (krc < 0) {
						snprintf(msg, sizeof(msg), "%s; %s", strerror(-krc),
							 why);
						rc = verr(&vs, r, c->name, msg);
						goto out;
					}
				}
			}
			if (r->tkind != UPT_RT_EXT)
				continue;
			const struct upt_target_ops *tg = r->tops;
			uint32_t allowed = tg->hooks_of ? tg->hooks_of(r->tdata) : tg->hooks;
			uint32_t bad = allowed ? hooks[i] & ~allowed : 0;
			if (tg->tables && !(tg->tables & (1u << t))) {
				snprintf(msg, sizeof(msg),
					 "Invalid argument; target %s not valid in table %s",
					 tg->name, upt_rules_table_name(t));
				rc = verr(&vs, r, c->name, msg);
				goto out;
			}
			if (bad) {
				snprintf(msg, sizeof(msg),
					 "Invalid argument; target %s not valid in %s", tg->name,
					 hooks_text(bad, buf, sizeof(buf)));
				rc = verr(&vs, r, c->name, msg);
				goto out;
			}
			if (tg->kcheck) {
				char why[96] = "";
				int krc = tg->kcheck(r->tdata, r->ip.proto,
						     (r->ip.invflags & UPT_INV_PROTO) != 0, why,
						     sizeof(why));
				if (krc < 0) {
					snprintf(msg, sizeof(msg), "%s; %s", strerror(-krc), why);
					rc = verr(&vs, r, c->name, msg);
					goto out;
				}
			}
		}
	}
	if (hooks_out)
		memcpy(hooks_out, hooks, tm->nchains * sizeof(uint32_t));
out:
	free(vs.color);
	free(vs.height);
	free(hooks);
	return rc;
}

/* ---- compilation ---- */

static void ctable_free(struct upt_ctable *ct)
{
	for (uint32_t i = 0; i < ct->nentries; i++) {
		struct upt_centry *e = &ct->e[i];
		for (unsigned k = 0; k < e->nmatches; k++)
			free(e->matches[k].data);
		free(e->matches);
		free(e->tdata);
		free(e->text);
	}
	free(ct->e);
	free(ct->ctr);
	free(ct->names);
	free(ct->builtin);
	memset(ct, 0, sizeof(*ct));
}

void upt_ruleset_free(struct upt_ruleset *set)
{
	if (!set)
		return;
	for (int t = 0; t < UPT_TABLE__COUNT; t++)
		ctable_free(&set->t[t]);
	free(set);
}

static void *dup_data(const void *src, size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p && n)
		memcpy(p, src, n);
	return p;
}

static void iface_cmp(const char *name, uint8_t *cmp, bool *wild)
{
	size_t n = strlen(name);
	*wild = n && name[n - 1] == '+';
	*cmp = (uint8_t)(*wild ? n - 1 : n);
}

static int compile_table(const struct upt_table_model *tm, struct upt_ctable *ct, char *err,
			 size_t errlen)
{
	uint32_t n = 0, *start = NULL;
	struct upt_sb sb;
	int rc = -ENOMEM;

	upt_sb_init(&sb);
	for (unsigned i = 0; i < tm->nchains; i++)
		n += tm->chains[i]->nrules + 1;
	ct->present = true;
	ct->e = calloc(n ? n : 1, sizeof(*ct->e));
	ct->ctr = calloc(n ? n : 1, sizeof(*ct->ctr));
	ct->names = calloc(tm->nchains ? tm->nchains : 1, sizeof(*ct->names));
	ct->builtin = calloc(tm->nchains ? tm->nchains : 1, sizeof(bool));
	start = calloc(tm->nchains ? tm->nchains : 1, sizeof(uint32_t));
	if (!ct->e || !ct->ctr || !ct->names || !ct->builtin || !start)
		goto out;
	ct->nchains = tm->nchains;
	for (int h = 0; h < UPT_HOOK__COUNT; h++)
		ct->hook_entry[h] = ct->hook_underflow[h] = UPT_NO_ENTRY;

	uint32_t pos = 0;
	for (unsigned i = 0; i < tm->nchains; i++) {
		start[i] = pos;
		pos += tm->chains[i]->nrules + 1;
	}
	for (unsigned i = 0; i < tm->nchains; i++) {
		const struct upt_chain *c = tm->chains[i];
		memcpy(ct->names[i], c->name, UPT_NAME_MAX);
		ct->builtin[i] = c->hook >= 0;
		for (unsigned j = 0; j <= c->nrules; j++) {
			struct upt_centry *e = &ct->e[ct->nentries++];
			e->chain = i;
			if (j == c->nrules) {
				e->kind = UPT_CE_END;
				e->tkind = c->hook >= 0 ? (c->policy == UPT_V_DROP ? UPT_RT_DROP
										   : UPT_RT_ACCEPT)
							: UPT_RT_RETURN;
				e->uncounted = c->hook >= 0 && !c->policy_counts;
				ct->ctr[ct->nentries - 1].pkts = c->pkts;
				ct->ctr[ct->nentries - 1].bytes = c->bytes;
				if (c->hook >= 0 && c->exists) {
					ct->hook_entry[c->hook] = start[i];
					ct->hook_underflow[c->hook] = ct->nentries - 1;
				}
				continue;
			}
			const struct upt_rule *r = c->rules[j];
			e->kind = UPT_CE_RULE;
			e->ip = r->ip;
			iface_cmp(r->ip.iniface, &e->in_cmp, &e->in_wild);
			iface_cmp(r->ip.outiface, &e->out_cmp, &e->out_wild);
			e->tkind = r->tkind;
			e->rulenum = j + 1;
			e->mrule = j;
			ct->ctr[ct->nentries - 1].pkts = r->pkts;
			ct->ctr[ct->nentries - 1].bytes = r->bytes;
			if (r->nmatches) {
				e->matches = calloc(r->nmatches, sizeof(*e->matches));
				if (!e->matches)
					goto out;
				for (unsigned k = 0; k < r->nmatches; k++) {
					e->matches[k].ops = r->matches[k].ops;
					e->matches[k].data =
					    dup_data(r->matches[k].data, r->matches[k].ops->size);
					if (!e->matches[k].data)
						goto out;
					e->nmatches = (uint16_t)(k + 1);
				}
			}
			if (r->tkind == UPT_RT_EXT) {
				e->tops = r->tops;
				e->tdata = dup_data(r->tdata, r->tops->size);
				if (!e->tdata)
					goto out;
			}
			if (r->tkind == UPT_RT_JUMP || r->tkind == UPT_RT_GOTO) {
				int di = upt_table_chain_index(tm, r->chain);
				if (di < 0) {
					snprintf(err, errlen, "Chain '%s' does not exist",
						 r->chain);
					rc = -ENOENT;
					goto out;
				}
				e->jump = start[di];
			}
			upt_sb_reset(&sb);
			upt_rule_save(r, c->name, &sb);
			e->text = upt_sb_steal(&sb);
			if (!e->text)
				goto out;
		}
	}
	rc = 0;
out:
	if (rc == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	upt_sb_free(&sb);
	free(start);
	return rc;
}

/*
 * Matches that share state by name (ext.h: share_key/share) are pointed at
 * the first match of the same extension and name in the ruleset, in table,
 * chain and rule order.  Quadratic in the number of such matches, at load
 * time only.
 */
static void link_shared(struct upt_ruleset *set)
{
	for (int t = 0; t < UPT_TABLE__COUNT; t++)
		for (uint32_t i = 0; i < set->t[t].nentries; i++) {
			struct upt_centry *e = &set->t[t].e[i];
			for (unsigned k = 0; k < e->nmatches; k++) {
				const struct upt_match_ops *ops = e->matches[k].ops;
				const char *key = ops->share && ops->share_key
						      ? ops->share_key(e->matches[k].data)
						      : NULL;
				void *owner = NULL;
				if (!key || !key[0])
					continue;
				for (int t2 = 0; t2 <= t && !owner; t2++)
					for (uint32_t i2 = 0; i2 < set->t[t2].nentries && !owner;
					     i2++) {
						struct upt_centry *o = &set->t[t2].e[i2];
						for (unsigned k2 = 0; k2 < o->nmatches && !owner;
						     k2++)
							if (o->matches[k2].ops == ops &&
							    strcmp(
								ops->share_key(o->matches[k2].data),
								key) == 0)
								owner = o->matches[k2].data;
					}
				ops->share(e->matches[k].data, owner);
			}
		}
}

/* The owner block of (ops, key) in a compiled ruleset: the first match of that ops and key. */
static void *shared_owner(const struct upt_ruleset *set, const struct upt_match_ops *ops,
			  const char *key)
{
	for (int t = 0; t < UPT_TABLE__COUNT; t++)
		for (uint32_t i = 0; i < set->t[t].nentries; i++) {
			const struct upt_centry *e = &set->t[t].e[i];
			for (unsigned k = 0; k < e->nmatches; k++)
				if (e->matches[k].ops == ops &&
				    strcmp(ops->share_key(e->matches[k].data), key) == 0)
					return e->matches[k].data;
		}
	return NULL;
}

void upt_ruleset_adopt(struct upt_ruleset *next, const struct upt_ruleset *prev)
{
	if (!next || !prev)
		return;
	for (int t = 0; t < UPT_TABLE__COUNT; t++)
		for (uint32_t i = 0; i < next->t[t].nentries; i++) {
			struct upt_centry *e = &next->t[t].e[i];
			for (unsigned k = 0; k < e->nmatches; k++) {
				const struct upt_match_ops *ops = e->matches[k].ops;
				const char *key;
				void *old;
				if (!ops->adopt || !ops->share_key)
					continue;
				key = ops->share_key(e->matches[k].data);
				if (!key || !key[0] ||
				    shared_owner(next, ops, key) != e->matches[k].data)
					continue;
				old = shared_owner(prev, ops, key);
				if (old)
					ops->adopt(e->matches[k].data, old);
			}
		}
}

static void set_conntrack_needs(struct upt_ruleset *set, const struct upt_rules *rs);

/* The entry index of chain `name` in a compiled table's first rule; UPT_NO_ENTRY if none. */
static uint32_t chain_first(const struct upt_ctable *ct, const char *name)
{
	for (uint32_t i = 0; i < ct->nentries; i++)
		if (strcmp(ct->names[ct->e[i].chain], name) == 0)
			return i;
	return UPT_NO_ENTRY;
}

/* Chains a --noflush restore input empties: "-F [CHAIN]" and ":CHAIN" of user chains. */
#define KEEP_MAX_FLUSHED 64
struct flushed {
	bool all[UPT_TABLE__COUNT];
	unsigned n;
	struct {
		int table;
		char chain[UPT_NAME_MAX];
	} c[KEEP_MAX_FLUSHED];
};

static void flushed_add(struct flushed *f, int table, const char *chain, size_t n)
{
	if (table < 0)
		return;
	if (!n || f->n == KEEP_MAX_FLUSHED || n >= UPT_NAME_MAX) {
		f->all[table] = true; /* everything, or too much to list: nothing is kept */
		return;
	}
	f->c[f->n].table = table;
	memcpy(f->c[f->n].chain, chain, n);
	f->c[f->n].chain[n] = '\0';
	f->n++;
}

static void flushed_scan(struct flushed *f, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	int table = -1;

	memset(f, 0, sizeof(*f));
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *q, *w;
		if (!eol)
			eol = end;
		for (q = p; q < eol && (*q == ' ' || *q == '\t'); q++)
			;
		if (*q == '*') {
			char name[16] = "";
			size_t n = (size_t)(eol - q - 1);
			memcpy(name, q + 1, n < sizeof(name) - 1 ? n : sizeof(name) - 1);
			name[strcspn(name, " \t\r")] = '\0';
			table = upt_rules_table_by_name(name);
		} else if (*q == ':') {
			for (w = q + 1; w < eol && *w != ' ' && *w != '\t'; w++)
				;
			bool builtin = false;
			for (int h = 0; h < UPT_HOOK__COUNT; h++) {
				const char *b = upt_rules_hook_chain_name((enum upt_hook)h);
				if (strlen(b) == (size_t)(w - q - 1) &&
				    !strncmp(b, q + 1, strlen(b)))
					builtin = true;
			}
			if (!builtin)
				flushed_add(f, table, q + 1, (size_t)(w - q - 1));
		} else if ((q + 2 <= eol && !strncmp(q, "-F", 2) &&
			    (q + 2 == eol || q[2] == ' ' || q[2] == '\t' || q[2] == '\r')) ||
			   (q + 7 <= eol && !strncmp(q, "--flush", 7))) {
			q += q[1] == '-' ? 7 : 2;
			while (q < eol && (*q == ' ' || *q == '\t'))
				q++;
			for (w = q; w < eol && *w != ' ' && *w != '\t' && *w != '\r'; w++)
				;
			flushed_add(f, table, q, (size_t)(w - q));
		}
		p = eol + 1;
	}
}

static bool is_flushed(const struct flushed *f, int table, const char *chain)
{
	if (f->all[table])
		return true;
	for (unsigned i = 0; i < f->n; i++)
		if (f->c[i].table == table && strcmp(f->c[i].chain, chain) == 0)
			return true;
	return false;
}

void upt_ruleset_keep_rules(struct upt_ruleset *next, const struct upt_ruleset *prev,
			    const char *text, size_t len)
{
	struct flushed f;

	if (!next || !prev)
		return;
	flushed_scan(&f, text ? text : "", text ? len : 0);
	for (int t = 0; t < UPT_TABLE__COUNT; t++) {
		struct upt_ctable *nt = &next->t[t];
		const struct upt_ctable *pt = &prev->t[t];
		if (!nt->present || !pt->present)
			continue;
		for (uint32_t i = 0; i < nt->nentries; i++) {
			struct upt_centry *e = &nt->e[i];
			uint32_t first, p, nth = 0, seen = 0;
			bool any = false;
			if (e->kind != UPT_CE_RULE || !e->text)
				continue;
			for (unsigned k = 0; k < e->nmatches; k++)
				any |= e->matches[k].ops->keep != NULL;
			if (!any || is_flushed(&f, t, nt->names[e->chain]))
				continue;
			/* Which of the equal rules of its chain this one is. */
			for (uint32_t j = i; j-- > 0 && nt->e[j].chain == e->chain;)
				if (nt->e[j].kind == UPT_CE_RULE && nt->e[j].text &&
				    strcmp(nt->e[j].text, e->text) == 0)
					nth++;
			first = chain_first(pt, nt->names[e->chain]);
			if (first == UPT_NO_ENTRY)
				continue;
			for (p = first; p < pt->nentries && pt->e[p].kind == UPT_CE_RULE; p++) {
				const struct upt_centry *o = &pt->e[p];
				if (!o->text || strcmp(o->text, e->text) != 0 || seen++ != nth)
					continue;
				for (unsigned k = 0; k < e->nmatches && k < o->nmatches; k++)
					if (e->matches[k].ops == o->matches[k].ops &&
					    e->matches[k].ops->keep)
						e->matches[k].ops->keep(e->matches[k].data,
									o->matches[k].data);
				break;
			}
		}
	}
}

int upt_ruleset_compile(const struct upt_rules *rs, uint64_t generation, struct upt_ruleset **out,
			char *err, size_t errlen)
{
	char errbuf[8];
	struct upt_ruleset *set = calloc(1, sizeof(*set));
	int rc = 0;

	if (!err || !errlen) {
		err = errbuf;
		errlen = sizeof(errbuf);
	}
	*out = NULL;
	if (!set) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	set->generation = generation;
	for (int t = 0; t < UPT_TABLE__COUNT; t++) {
		const struct upt_table_model *tm = &rs->t[t];
		if (!tm->present)
			continue;
		if ((rc = upt_table_validate(tm, (enum upt_table)t, NULL, err, errlen)) < 0)
			goto fail;
		if ((rc = compile_table(tm, &set->t[t], err, errlen)) < 0)
			goto fail;
	}
	link_shared(set);
	set_conntrack_needs(set, rs);
	*out = set;
	return 0;
fail:
	upt_ruleset_free(set);
	return rc;
}

/*
 * The kernel tracks connections only while something holds a conntrack
 * reference for the netns: a rule whose extension's checkentry takes one
 * (needs_conntrack in the ops), or a nat chain (nf_nat registers its hooks,
 * which need conntrack).  Users see the difference when a NAT rule is added
 * to a running connection: conntrack then picks the connection up mid-stream.
 */
static bool rule_uses_conntrack(const struct upt_rule *rule)
{
	const struct upt_target_ops *t = rule->tops;

	if (t && (t->uses_conntrack ? t->uses_conntrack(rule->tdata) : t->needs_conntrack))
		return true;
	for (unsigned m = 0; m < rule->nmatches; m++)
		if (rule->matches[m].ops->needs_conntrack)
			return true;
	return false;
}

static void set_conntrack_needs(struct upt_ruleset *set, const struct upt_rules *rs)
{
	const struct upt_table_model *nat = &rs->t[UPT_TABLE_NAT];

	for (unsigned i = 0; nat->present && i < nat->nchains; i++)
		if (nat->chains[i]->hook >= 0 && nat->chains[i]->exists)
			set->nat_active = true;
	set->needs_ct = set->nat_active;
	for (int t = 0; t < UPT_TABLE__COUNT && !set->needs_ct; t++) {
		const struct upt_table_model *tm = &rs->t[t];

		for (unsigned c = 0; tm->present && c < tm->nchains; c++) {
			const struct upt_chain *ch = tm->chains[c];

			for (unsigned r = 0; r < ch->nrules; r++)
				if (rule_uses_conntrack(ch->rules[r]))
					set->needs_ct = true;
		}
	}
}

bool upt_ruleset_nat_active(const struct upt_ruleset *set)
{
	return set->nat_active;
}

bool upt_ruleset_needs_conntrack(const struct upt_ruleset *set)
{
	return set->needs_ct;
}

uint64_t upt_ruleset_generation(const struct upt_ruleset *set)
{
	return set->generation;
}

bool upt_ruleset_has_table(const struct upt_ruleset *set, enum upt_table table)
{
	return (unsigned)table < UPT_TABLE__COUNT && set->t[table].present;
}

void upt_rules_sync_counters(struct upt_rules *rs, const struct upt_ruleset *set)
{
	for (int t = 0; t < UPT_TABLE__COUNT; t++) {
		const struct upt_ctable *ct = &set->t[t];
		struct upt_table_model *tm = &rs->t[t];
		if (!ct->present || !tm->present || ct->nchains != tm->nchains)
			continue;
		for (uint32_t i = 0; i < ct->nentries; i++) {
			const struct upt_centry *e = &ct->e[i];
			struct upt_chain *c = tm->chains[e->chain];
			/* The model must be the one compiled: skip anything that moved. */
			if (strcmp(c->name, ct->names[e->chain]) != 0)
				continue;
			if (e->kind == UPT_CE_END) {
				if (c->hook >= 0) {
					c->pkts = ct->ctr[i].pkts;
					c->bytes = ct->ctr[i].bytes;
				}
			} else if (e->mrule < c->nrules) {
				c->rules[e->mrule]->pkts = ct->ctr[i].pkts;
				c->rules[e->mrule]->bytes = ct->ctr[i].bytes;
			}
		}
	}
}

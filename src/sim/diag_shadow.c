/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shadowed rules: a rule that an earlier rule of the same chain keeps from
 * ever matching, because the earlier one matches every packet the later
 * one does and ends the chain (ACCEPT, DROP, REJECT, RETURN, a NAT target,
 * a goto).
 *
 * The check reads the ruleset in iptables-save form (the engine's own
 * canonical text) and understands the parts port forwarding is made of:
 * -s/-d with any mask, -i/-o with the `+` wildcard, -p, -f, tcp/udp
 * --sport/--dport, multiport --sports/--dports, all with `!`.  Any other
 * match (conntrack, mark, icmp type, ...) is compared as text: an earlier
 * rule with such a match covers a later one only when the later one has
 * the very same match.  So the check may miss a shadowed rule, but never
 * calls a rule shadowed that is not.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/explain.h"

#define MAX_RANGES	40
#define MAX_TOKENS	128
#define MAX_CHAIN_RULES 4000 /* beyond this the quadratic check is skipped */

struct ports {
	bool set; /* false: any port */
	unsigned n;
	uint16_t lo[MAX_RANGES], hi[MAX_RANGES]; /* sorted, disjoint, not adjacent */
};

struct lrule {
	unsigned num;
	char table[16];
	char chain[32];
	char *text; /* the whole -A line */
	bool bad;   /* not understood: never used to shadow, never reported */
	bool s_set, s_inv, d_set, d_inv;
	uint32_t s, smsk, d, dmsk;
	char in[UPT_IFNAMSIZ + 1], out[UPT_IFNAMSIZ + 1];
	bool in_inv, out_inv;
	char proto[16];
	bool proto_inv;
	int frag; /* 0 none, 1 -f, 2 ! -f */
	struct ports sp, dp;
	char other[1024]; /* matches not understood, one per line, as saved */
	char target[128];
	bool ends;
};

/* ---- port sets ------------------------------------------------------------ */

static void ports_norm(struct ports *p)
{
	unsigned i, j, k = 0;

	for (i = 1; i < p->n; i++) /* insertion sort by lo: lists are short */
		for (j = i; j > 0 && p->lo[j - 1] > p->lo[j]; j--) {
			uint16_t l = p->lo[j], h = p->hi[j];

			p->lo[j] = p->lo[j - 1], p->hi[j] = p->hi[j - 1];
			p->lo[j - 1] = l, p->hi[j - 1] = h;
		}
	for (i = 0; i < p->n; i++) {
		if (k && (uint32_t)p->lo[i] <= (uint32_t)p->hi[k - 1] + 1) {
			if (p->hi[i] > p->hi[k - 1])
				p->hi[k - 1] = p->hi[i];
			continue;
		}
		p->lo[k] = p->lo[i];
		p->hi[k] = p->hi[i];
		k++;
	}
	p->n = k;
}

static void ports_invert(struct ports *p)
{
	struct ports c = {.set = true};
	uint32_t next = 0;
	unsigned i;

	for (i = 0; i < p->n; i++) {
		if (p->lo[i] > next) {
			c.lo[c.n] = (uint16_t)next;
			c.hi[c.n++] = (uint16_t)(p->lo[i] - 1);
		}
		next = (uint32_t)p->hi[i] + 1;
	}
	if (next <= 65535) {
		c.lo[c.n] = (uint16_t)next;
		c.hi[c.n++] = 65535;
	}
	*p = c;
}

/* p &= q (q set). */
static void ports_and(struct ports *p, const struct ports *q)
{
	struct ports r = {.set = true};
	unsigned i, j;

	if (!p->set) {
		*p = *q;
		return;
	}
	for (i = 0; i < p->n; i++)
		for (j = 0; j < q->n && r.n < MAX_RANGES; j++) {
			uint16_t lo = p->lo[i] > q->lo[j] ? p->lo[i] : q->lo[j];
			uint16_t hi = p->hi[i] < q->hi[j] ? p->hi[i] : q->hi[j];

			if (lo <= hi) {
				r.lo[r.n] = lo;
				r.hi[r.n++] = hi;
			}
		}
	ports_norm(&r);
	*p = r;
}

/* Is every port of b also in a? */
static bool ports_within(const struct ports *b, const struct ports *a)
{
	unsigned i, j;

	if (!a->set)
		return true;
	if (!b->set)
		return a->n == 1 && a->lo[0] == 0 && a->hi[0] == 65535;
	for (i = 0; i < b->n; i++) {
		for (j = 0; j < a->n; j++)
			if (a->lo[j] <= b->lo[i] && b->hi[i] <= a->hi[j])
				break;
		if (j == a->n)
			return false;
	}
	return true;
}

/* "80", "1000:2000", "80,443,8000:8080" into p (and-ed with what p has). */
static bool ports_parse(struct ports *p, const char *s, bool inv)
{
	struct ports q = {.set = true};
	char buf[256], *tok, *save = NULL;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':'), *end;
		unsigned long lo, hi;

		lo = strtoul(tok, &end, 10);
		if (end == tok || (colon ? end != colon : *end) || lo > 65535)
			return false;
		hi = lo;
		if (colon) {
			hi = strtoul(colon + 1, &end, 10);
			if (*end || hi > 65535 || hi < lo)
				return false;
		}
		if (q.n == MAX_RANGES)
			return false;
		q.lo[q.n] = (uint16_t)lo;
		q.hi[q.n++] = (uint16_t)hi;
	}
	ports_norm(&q);
	if (inv)
		ports_invert(&q);
	ports_and(p, &q);
	return true;
}

/* ---- the rest of the ip part ---------------------------------------------- */

static bool parse_addr(const char *s, uint32_t *addr, uint32_t *mask)
{
	unsigned a, b, c, d, m1, m2, m3, m4, bits;
	int n = 0;

	if (sscanf(s, "%u.%u.%u.%u/%n", &a, &b, &c, &d, &n) != 4 || !n || a > 255 || b > 255 ||
	    c > 255 || d > 255)
		return false;
	*addr = a << 24 | b << 16 | c << 8 | d;
	if (sscanf(s + n, "%u.%u.%u.%u", &m1, &m2, &m3, &m4) == 4 && strchr(s + n, '.'))
		*mask = m1 << 24 | m2 << 16 | m3 << 8 | m4;
	else if (sscanf(s + n, "%u", &bits) == 1 && bits <= 32)
		*mask = bits ? 0xffffffffu << (32 - bits) : 0;
	else
		return false;
	return true;
}

static bool addr_covers(bool aset, bool ainv, uint32_t a, uint32_t am, bool bset, bool binv,
			uint32_t b, uint32_t bm)
{
	if (!aset)
		return true;
	if (!bset)
		return false;
	if (!ainv)
		return !binv && (bm & am) == am && (b & am) == (a & am);
	if (!binv) /* B's addresses all outside A's */
		return ((a ^ b) & am & bm) != 0;
	return (am & bm) == bm && (a & bm) == (b & bm); /* !B within !A: A within B */
}

static bool wild(const char *n)
{
	size_t l = strlen(n);

	return l && n[l - 1] == '+';
}

/* Every interface the pattern b stands for is one the pattern a stands for. */
static bool name_within(const char *b, const char *a)
{
	size_t la = strlen(a);

	if (wild(a))
		return strncmp(b, a, la - 1) == 0;
	return strcmp(a, b) == 0;
}

static bool names_disjoint(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (!wild(a) && !wild(b))
		return strcmp(a, b) != 0;
	if (wild(a) && wild(b))
		return strncmp(a, b, (la < lb ? la : lb) - 1) != 0;
	if (wild(a))
		return strncmp(b, a, la - 1) != 0;
	return strncmp(a, b, lb - 1) != 0;
}

static bool iface_covers(const char *a, bool ainv, const char *b, bool binv)
{
	if (!a[0])
		return true;
	if (!b[0])
		return false;
	if (!ainv)
		return !binv && name_within(b, a);
	if (!binv)
		return names_disjoint(a, b);
	return name_within(a, b);
}

static bool proto_covers(const struct lrule *a, const struct lrule *b)
{
	if (!a->proto[0])
		return true;
	if (!b->proto[0])
		return false;
	if (!a->proto_inv)
		return !b->proto_inv && strcmp(a->proto, b->proto) == 0;
	if (!b->proto_inv)
		return strcmp(a->proto, b->proto) != 0;
	return strcmp(a->proto, b->proto) == 0;
}

/* Each of a's not-understood matches appears, word for word, in b. */
static bool other_covers(const char *a, const char *b)
{
	const char *s = a;

	while (*s) {
		size_t n = strcspn(s, "\n");
		const char *t = b;
		bool found = false;

		while (*t && !found) {
			size_t m = strcspn(t, "\n");

			found = m == n && strncmp(s, t, n) == 0;
			t += m + (t[m] == '\n');
		}
		if (!found)
			return false;
		s += n + (s[n] == '\n');
	}
	return true;
}

static bool covers(const struct lrule *a, const struct lrule *b)
{
	return !a->bad && !b->bad && (a->frag == 0 || a->frag == b->frag) &&
	       addr_covers(a->s_set, a->s_inv, a->s, a->smsk, b->s_set, b->s_inv, b->s, b->smsk) &&
	       addr_covers(a->d_set, a->d_inv, a->d, a->dmsk, b->d_set, b->d_inv, b->d, b->dmsk) &&
	       iface_covers(a->in, a->in_inv, b->in, b->in_inv) &&
	       iface_covers(a->out, a->out_inv, b->out, b->out_inv) && proto_covers(a, b) &&
	       ports_within(&b->sp, &a->sp) && ports_within(&b->dp, &a->dp) &&
	       other_covers(a->other, b->other);
}

/* ---- reading the saved rules ---------------------------------------------- */

/* Split a saved line into words; "quoted words" keep their spaces (quotes kept). */
static int split(char *s, char **w, int max)
{
	int n = 0;

	while (*s && n < max) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		w[n++] = s;
		if (*s == '"') {
			for (s++; *s && *s != '"'; s++)
				if (*s == '\\' && s[1])
					s++;
			if (*s)
				s++;
		} else {
			s += strcspn(s, " ");
		}
		if (*s)
			*s++ = '\0';
	}
	return *s ? -1 : n;
}

static void add_other(struct lrule *r, char **w, int from, int to)
{
	size_t o = strlen(r->other);
	int i;

	for (i = from; i < to; i++) {
		int k = snprintf(r->other + o, sizeof(r->other) - o, "%s%s", i == from ? "" : " ",
				 w[i]);

		if (k < 0 || (size_t)k >= sizeof(r->other) - o) {
			r->bad = true;
			return;
		}
		o += (size_t)k;
	}
	if (o + 1 < sizeof(r->other)) {
		r->other[o++] = '\n';
		r->other[o] = '\0';
	} else {
		r->bad = true;
	}
}

static bool is_ending(const char *target)
{
	static const char *const ends[] = {"ACCEPT",	 "DROP",     "REJECT", "RETURN",
					   "QUEUE",	 "NFQUEUE",  "DNAT",   "SNAT",
					   "MASQUERADE", "REDIRECT", "NETMAP", NULL};
	unsigned i;

	for (i = 0; ends[i]; i++)
		if (strcmp(target, ends[i]) == 0)
			return true;
	return false;
}

/* One "-m NAME ..." group, words [from, to). */
static void parse_match(struct lrule *r, char **w, int from, int to)
{
	const char *name = w[from + 1];
	bool ports = strcmp(name, "tcp") == 0 || strcmp(name, "udp") == 0;
	bool mport = strcmp(name, "multiport") == 0;
	int i, rest_from = -1;
	char rest[512] = "";

	if (strcmp(name, "comment") == 0)
		return; /* no constraint */
	if (!ports && !mport) {
		add_other(r, w, from, to);
		return;
	}
	for (i = from + 2; i < to; i++) {
		bool inv = strcmp(w[i], "!") == 0 && i + 1 < to;
		const char *opt = w[i + inv];
		struct ports *p = NULL;

		if (ports && strcmp(opt, "--sport") == 0)
			p = &r->sp;
		else if (ports && strcmp(opt, "--dport") == 0)
			p = &r->dp;
		else if (mport && strcmp(opt, "--sports") == 0)
			p = &r->sp;
		else if (mport && strcmp(opt, "--dports") == 0)
			p = &r->dp;
		if (p) {
			if (i + inv + 1 >= to || !ports_parse(p, w[i + inv + 1], inv))
				r->bad = true;
			i += inv + 1;
			continue;
		}
		/* The match's other options (tcp flags, --ports, ...) are compared as text. */
		rest_from = i;
		for (; i < to; i++)
			snprintf(rest + strlen(rest), sizeof(rest) - strlen(rest), " %s", w[i]);
	}
	if (rest_from >= 0) {
		size_t o = strlen(r->other);

		snprintf(r->other + o, sizeof(r->other) - o, "-m %s%s\n", name, rest);
	}
}

static void parse_rule(struct lrule *r, char *line)
{
	char *w[MAX_TOKENS];
	int n, i;

	r->text = strdup(line);
	n = split(line, w, MAX_TOKENS);
	if (!r->text || n < 2) {
		r->bad = true;
		return;
	}
	for (i = 2; i < n && !r->bad; i++) {
		bool inv = strcmp(w[i], "!") == 0;
		const char *o = w[i + inv];
		const char *arg = i + inv + 1 < n ? w[i + inv + 1] : NULL;

		if (inv && i + 1 >= n)
			break;
		if (strcmp(o, "-f") == 0) {
			r->frag = inv ? 2 : 1;
			i += inv;
			continue;
		}
		if (strcmp(o, "-m") == 0 && !inv && arg) {
			int j = i + 2;

			while (j < n && strcmp(w[j], "-m") && strcmp(w[j], "-j") &&
			       strcmp(w[j], "-g"))
				j++;
			parse_match(r, w, i, j);
			i = j - 1;
			continue;
		}
		if ((strcmp(o, "-j") == 0 || strcmp(o, "-g") == 0) && !inv && arg) {
			int k;

			snprintf(r->target, sizeof(r->target), "%s", o);
			for (k = i + 1; k < n; k++)
				snprintf(r->target + strlen(r->target),
					 sizeof(r->target) - strlen(r->target), " %s", w[k]);
			r->ends = o[1] == 'g' || is_ending(arg);
			break;
		}
		if (!arg) {
			r->bad = true;
			break;
		}
		if (strcmp(o, "-s") == 0) {
			r->s_set = true;
			r->s_inv = inv;
			r->bad = !parse_addr(arg, &r->s, &r->smsk);
		} else if (strcmp(o, "-d") == 0) {
			r->d_set = true;
			r->d_inv = inv;
			r->bad = !parse_addr(arg, &r->d, &r->dmsk);
		} else if (strcmp(o, "-i") == 0 || strcmp(o, "-o") == 0) {
			char *dst = o[1] == 'i' ? r->in : r->out;

			if (strlen(arg) > UPT_IFNAMSIZ)
				r->bad = true;
			else
				strcpy(dst, arg);
			if (o[1] == 'i')
				r->in_inv = inv;
			else
				r->out_inv = inv;
		} else if (strcmp(o, "-p") == 0) {
			snprintf(r->proto, sizeof(r->proto), "%s", arg);
			r->proto_inv = inv;
		} else {
			r->bad = true;
		}
		i += inv + 1;
	}
}

static const char *body_of(const char *text)
{
	const char *s = text + 3;

	s += strcspn(s, " ");
	return s + strspn(s, " ");
}

static void report(struct xp_ctx *x, const struct lrule *a, const struct lrule *b)
{
	const char *tb = strcmp(b->table, "filter") == 0 ? "" : " -t ";
	const char *tn = strcmp(b->table, "filter") == 0 ? "" : b->table;
	bool same = strcmp(a->target, b->target) == 0;
	struct xp_diag *d;

	d = xp_diag_add(x, "shadowed-rule",
			"rule #%u of %s %s (%s) can never match: rule #%u (%s) comes before it, "
			"matches every packet it would and ends the chain%s.",
			b->num, b->table, b->chain, b->text, a->num, a->text,
			same ? " with the same verdict, so the later rule is redundant"
			     : ", so the later rule's verdict never applies");
	xp_diag_fix(d, "uptables%s%s -D %s %u", tb, tn, b->chain, b->num);
	if (!same)
		xp_diag_fix(d, "then, to give it effect: uptables%s%s -I %s %u %s", tb, tn,
			    b->chain, a->num, body_of(b->text));
}

static void check_chain(struct xp_ctx *x, struct lrule *rules, unsigned n)
{
	unsigned i, j;

	if (n > MAX_CHAIN_RULES)
		return;
	for (j = 1; j < n; j++)
		for (i = 0; i < j; i++)
			if (rules[i].ends && covers(&rules[i], &rules[j])) {
				report(x, &rules[i], &rules[j]);
				break;
			}
}

void xp_diagnose_shadowed(struct xp_ctx *x)
{
	char *text = NULL, *line, *save = NULL, table[16] = "", chain[32] = "";
	struct lrule *rules = NULL;
	unsigned n = 0, cap = 0, i;

	if (upt_engine_save(x->eng, NULL, 0, &text) < 0 || !text)
		return;
	for (line = strtok_r(text, "\n", &save);; line = strtok_r(NULL, "\n", &save)) {
		char c[32] = "";
		bool flush_now = !line || line[0] == '*' || strcmp(line, "COMMIT") == 0;

		if (!flush_now && strncmp(line, "-A ", 3) == 0) {
			size_t l = strcspn(line + 3, " ");

			if (l < sizeof(c)) {
				memcpy(c, line + 3, l);
				c[l] = '\0';
			}
			flush_now = strcmp(c, chain) != 0;
		}
		if (flush_now && n) {
			check_chain(x, rules, n);
			for (i = 0; i < n; i++)
				free(rules[i].text);
			n = 0;
		}
		if (!line)
			break;
		if (line[0] == '*') {
			snprintf(table, sizeof(table), "%s", line + 1);
			chain[0] = '\0';
			continue;
		}
		if (strncmp(line, "-A ", 3) != 0)
			continue;
		snprintf(chain, sizeof(chain), "%s", c);
		if (n == cap) {
			struct lrule *nr = realloc(rules, (cap ? cap * 2 : 64) * sizeof(*nr));

			if (!nr)
				break;
			rules = nr;
			cap = cap ? cap * 2 : 64;
		}
		memset(&rules[n], 0, sizeof(rules[n]));
		rules[n].num = n + 1;
		snprintf(rules[n].table, sizeof(rules[n].table), "%s", table);
		snprintf(rules[n].chain, sizeof(rules[n].chain), "%s", chain);
		parse_rule(&rules[n], line);
		n++;
	}
	for (i = 0; i < n; i++)
		free(rules[i].text);
	free(rules);
	free(text);
}

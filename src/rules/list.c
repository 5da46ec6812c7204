// SPDX-License-Identifier: GPL-2.0
/*
 * The `iptables -L` and `iptables -S` listings of the model, as iptables
 * 1.8.9 (nf_tables) prints them on this machine, byte for byte (trailing
 * blanks included: scripts that diff listings see them).
 *
 * Theory of operation.  -L is iptables' table format: every column has a
 * fixed printf width and is followed by one blank, so a wide value (a
 * 10-character target, a counter over the width) shifts the rest of the
 * line instead of being cut; the source and destination columns always
 * pad to 19, which leaves trailing blanks on rules without extension
 * text.  The header's byte column with -x is 10 wide while the counters
 * under it are 8 wide: iptables does that, so we do too.  Counters without
 * -x are rounded to K/M/G/T by adding 500 and dividing by 1000 while the
 * value does not fit (5 digits, then 4 plus the suffix).  Protocols print
 * as numbers with -n and as names otherwise (0 is "all"); addresses with
 * a zero mask print as "anywhere" without -n; other addresses go through
 * the caller's resolver (the library does no name lookups itself) and get
 * their mask appended ("" for /32, "/N" for a prefix, dotted otherwise).
 * -S is the iptables-save text per chain: "-P" lines for built-ins, "-N"
 * for user chains, then the rules; -v adds "-c PKTS BYTES" before the
 * rule's target.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "rules/parse.h"
#include "rules/rules.h"
#include "rules/save.h"

static void put_num(struct upt_sb *sb, uint64_t n, bool exact, bool notable)
{
	static const char sfx[] = "KMGT";

	if (exact) {
		upt_sb_printf(sb, notable ? "%" PRIu64 " " : "%8" PRIu64 " ", n);
		return;
	}
	if (n <= 99999) {
		upt_sb_printf(sb, notable ? "%" PRIu64 " " : "%5" PRIu64 " ", n);
		return;
	}
	for (int i = 0; i < 4; i++) {
		n = (n + 500) / 1000;
		if (n <= 9999 || i == 3) {
			upt_sb_printf(sb, notable ? "%" PRIu64 "%c " : "%4" PRIu64 "%c ", n,
				      sfx[i]);
			return;
		}
	}
}

static void put_dotted(char *buf, size_t n, uint32_t a)
{
	snprintf(buf, n, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

/* xtables_ipmask_to_numeric: "" for /32, "/N" for a prefix, "/a.b.c.d" otherwise. */
static void mask_text(char *buf, size_t n, uint32_t mask)
{
	for (int bits = 0; bits <= 32; bits++) {
		uint32_t m = bits ? 0xffffffffu << (32 - bits) : 0;
		if (m != mask)
			continue;
		if (bits == 32)
			buf[0] = '\0';
		else
			snprintf(buf, n, "/%d", bits);
		return;
	}
	buf[0] = '/';
	put_dotted(buf + 1, n - 1, mask);
}

static void addr_text(char *buf, size_t n, uint32_t addr, uint32_t mask,
		      const struct upt_list_opts *o)
{
	char a[64], m[24];
	const char *name = NULL;

	if (!(o->flags & UPT_LIST_NUMERIC) && o->resolve)
		name = o->resolve(addr, o->resolve_ctx);
	if (name)
		snprintf(a, sizeof(a), "%s", name);
	else
		put_dotted(a, sizeof(a), addr);
	mask_text(m, sizeof(m), mask);
	snprintf(buf, n, "%s%s", a, m);
}

static const char *target_name(const struct upt_rule *r)
{
	switch (r->tkind) {
	case UPT_RT_ACCEPT:
		return "ACCEPT";
	case UPT_RT_DROP:
		return "DROP";
	case UPT_RT_RETURN:
		return "RETURN";
	case UPT_RT_QUEUE:
		return "QUEUE";
	case UPT_RT_JUMP:
	case UPT_RT_GOTO:
		return r->chain;
	case UPT_RT_EXT:
		return r->tops->list_name ? r->tops->list_name : r->tops->name;
	default:
		return "";
	}
}

/*
 * The protocols iptables names without looking them up (xtables_chain_protos):
 * the -v echo of a command prints these by name and every other one as a number.
 */
static const char *builtin_proto_name(uint8_t proto)
{
	switch (proto) {
	case 0:
		return "all";
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 50:
		return "esp";
	case 51:
		return "ah";
	case 58:
		return "ipv6-icmp";
	case 132:
		return "sctp";
	case 135:
		return "mh";
	case 136:
		return "udplite";
	default:
		return NULL;
	}
}

static void put_proto(struct upt_sb *sb, const struct upt_rule *r, bool numeric, bool notable)
{
	const char *name = NULL;

	upt_sb_putc(sb, r->ip.invflags & UPT_INV_PROTO ? '!' : ' ');
	if (notable)
		name = builtin_proto_name(r->ip.proto);
	else if (!numeric)
		name = r->ip.proto ? upt_proto_name(r->ip.proto) : "all";
	if (name)
		upt_sb_printf(sb, notable ? "%s " : "%-4s ", name);
	else
		upt_sb_printf(sb, notable ? "%u " : "%-4u ", r->ip.proto);
}

static void put_iface_col(struct upt_sb *sb, const char *name, bool inv, const char *any,
			  const char *fmt)
{
	char buf[UPT_IFNAMSIZ + 2];

	snprintf(buf, sizeof(buf), "%s%s", inv ? "!" : "", name[0] ? name : any);
	upt_sb_printf(sb, fmt, buf);
}

static void put_ext_text(struct upt_sb *sb, const struct upt_rule *r, bool numeric)
{
	unsigned pf = numeric ? UPT_XT_PRINT_NUMERIC : 0;

	for (unsigned i = 0; i < r->nmatches; i++)
		if (r->matches[i].ops->print)
			r->matches[i].ops->print(r->matches[i].data, sb, pf);
	if (r->tkind == UPT_RT_EXT && r->tops->print)
		r->tops->print(r->tdata, sb, pf);
}

/* One -L row (print_rule_details and what follows it in iptables). */
static void list_row(struct upt_sb *sb, const struct upt_rule *r, unsigned num,
		     const struct upt_list_opts *o)
{
	bool numeric = o->flags & UPT_LIST_NUMERIC, verbose = o->flags & UPT_LIST_VERBOSE;
	const char *any = numeric ? "*" : "any";
	char buf[96];

	if (o->flags & UPT_LIST_LINENUM)
		upt_sb_printf(sb, "%-4u ", num);
	if (verbose) {
		put_num(sb, r->pkts, o->flags & UPT_LIST_EXACT, false);
		put_num(sb, r->bytes, o->flags & UPT_LIST_EXACT, false);
	}
	upt_sb_printf(sb, "%-9s ", target_name(r));
	put_proto(sb, r, numeric, false);
	upt_sb_putc(sb, r->ip.invflags & UPT_INV_FRAG ? '!' : '-');
	upt_sb_putc(sb, r->ip.flags & UPT_IPF_FRAG ? 'f' : '-');
	upt_sb_putc(sb, ' ');
	if (verbose) {
		put_iface_col(sb, r->ip.iniface, r->ip.invflags & UPT_INV_VIA_IN, any, " %-6s ");
		put_iface_col(sb, r->ip.outiface, r->ip.invflags & UPT_INV_VIA_OUT, any, "%-6s ");
	}
	upt_sb_putc(sb, r->ip.invflags & UPT_INV_SRCIP ? '!' : ' ');
	if (r->ip.smsk == 0 && !numeric)
		snprintf(buf, sizeof(buf), "anywhere");
	else
		addr_text(buf, sizeof(buf), r->ip.src, r->ip.smsk, o);
	upt_sb_printf(sb, "%-19s ", buf);
	upt_sb_putc(sb, r->ip.invflags & UPT_INV_DSTIP ? '!' : ' ');
	if (r->ip.dmsk == 0 && !numeric)
		snprintf(buf, sizeof(buf), "anywhere");
	else
		addr_text(buf, sizeof(buf), r->ip.dst, r->ip.dmsk, o);
	upt_sb_printf(sb, "%-19s ", buf);
	if (r->tkind == UPT_RT_GOTO)
		upt_sb_puts(sb, "[goto] ");
	put_ext_text(sb, r, numeric);
	upt_sb_putc(sb, '\n');
}

void upt_rules_print_rule_brief(const struct upt_rule *r, struct upt_sb *sb)
{
	struct upt_list_opts o = {.flags = UPT_LIST_NUMERIC};
	char buf[96];

	/* The -v echo of a rule command: iptables' table format with FMT_NOTABLE. */
	upt_sb_printf(sb, "%s ", target_name(r));
	put_proto(sb, r, false, true);
	upt_sb_printf(sb, "opt %c%c ", r->ip.invflags & UPT_INV_FRAG ? '!' : '-',
		      r->ip.flags & UPT_IPF_FRAG ? 'f' : '-');
	put_iface_col(sb, r->ip.iniface, r->ip.invflags & UPT_INV_VIA_IN, "*", "in %s ");
	put_iface_col(sb, r->ip.outiface, r->ip.invflags & UPT_INV_VIA_OUT, "*", "out %s ");
	upt_sb_putc(sb, r->ip.invflags & UPT_INV_SRCIP ? '!' : ' ');
	addr_text(buf, sizeof(buf), r->ip.src, r->ip.smsk, &o);
	upt_sb_printf(sb, "%s ", buf);
	upt_sb_putc(sb, r->ip.invflags & UPT_INV_DSTIP ? '!' : ' ');
	addr_text(buf, sizeof(buf), r->ip.dst, r->ip.dmsk, &o);
	upt_sb_printf(sb, "-> %s", buf);
	upt_sb_puts(sb, "  ");
	if (r->tkind == UPT_RT_GOTO)
		upt_sb_puts(sb, "[goto] ");
	put_ext_text(sb, r, true);
	upt_sb_putc(sb, '\n');
}

static void list_header(struct upt_sb *sb, const struct upt_table_model *tm,
			const struct upt_chain *c, const struct upt_list_opts *o)
{
	bool verbose = o->flags & UPT_LIST_VERBOSE, exact = o->flags & UPT_LIST_EXACT;

	upt_sb_printf(sb, "Chain %s", c->name);
	if (c->hook >= 0) {
		upt_sb_printf(sb, " (policy %s", c->policy == UPT_V_DROP ? "DROP" : "ACCEPT");
		if (verbose) {
			upt_sb_putc(sb, ' ');
			put_num(sb, c->pkts, exact, true);
			upt_sb_puts(sb, "packets, ");
			put_num(sb, c->bytes, exact, true);
			upt_sb_puts(sb, "bytes");
		}
		upt_sb_puts(sb, ")\n");
	} else {
		upt_sb_printf(sb, " (%u references)\n", upt_table_refs(tm, c->name));
	}
	if (o->flags & UPT_LIST_LINENUM)
		upt_sb_printf(sb, "%-4s ", "num");
	if (verbose) {
		if (exact)
			upt_sb_printf(sb, "%8s %10s ", "pkts", "bytes");
		else
			upt_sb_printf(sb, "%5s %5s ", "pkts", "bytes");
	}
	upt_sb_printf(sb, "%-9s  prot opt", "target");
	if (verbose)
		upt_sb_printf(sb, " %-6s %-6s ", "in", "out");
	upt_sb_printf(sb, " %-19s  %-19s \n", "source", "destination");
}

/*
 * The table as listings see it: a table never mentioned lists as a fresh
 * one (built-in chains, ACCEPT, no rules), as iptables-nft shows a table
 * that does not exist in the kernel yet.
 */
static const struct upt_table_model *view(const struct upt_rules *rs, enum upt_table t,
					  struct upt_table_model *fresh)
{
	if (rs->t[t].present)
		return &rs->t[t];
	memset(fresh, 0, sizeof(*fresh));
	upt_table_reset(fresh, t);
	return fresh;
}

int upt_rules_list(const struct upt_rules *rs, enum upt_table table, const char *chain,
		   unsigned rulenum, const struct upt_list_opts *o, struct upt_sb *out)
{
	struct upt_table_model fresh = {0};
	const struct upt_table_model *tm;
	bool first = true;
	int rc = 0;

	if ((unsigned)table >= UPT_TABLE__COUNT)
		return -EINVAL;
	tm = view(rs, table, &fresh);
	if (chain && !upt_table_chain(tm, chain)) {
		rc = -ENOENT;
		goto out;
	}
	for (unsigned i = 0; i < tm->nchains; i++) {
		const struct upt_chain *c = tm->chains[i];
		if (chain && strcmp(c->name, chain) != 0)
			continue;
		if (rulenum) {
			/* "-L CHAIN N": that one row, no header; nothing past the end. */
			if (rulenum <= c->nrules)
				list_row(out, c->rules[rulenum - 1], rulenum, o);
			continue;
		}
		if (!first)
			upt_sb_putc(out, '\n');
		first = false;
		list_header(out, tm, c, o);
		for (unsigned j = 0; j < c->nrules; j++)
			list_row(out, c->rules[j], j + 1, o);
	}
out:
	upt_table_clear(&fresh);
	if (!rc && out->overflow)
		rc = -ENOMEM;
	return rc;
}

/* A rule in -S form; with counters "-c P B" goes right before the target. */
static void rule_line(struct upt_sb *out, const struct upt_rule *r, const char *chain,
		      bool counters)
{
	struct upt_sb full, tgt;
	struct upt_rule bare;
	size_t cut;

	if (!counters) {
		upt_rule_save(r, chain, out);
		upt_sb_putc(out, '\n');
		return;
	}
	/* upt_rule_save prints the target last: print the rule without it to find the cut. */
	upt_sb_init(&full);
	upt_sb_init(&tgt);
	upt_rule_save(r, chain, &full);
	bare = *r;
	bare.tkind = UPT_RT_NONE;
	upt_rule_save(&bare, chain, &tgt);
	cut = tgt.len <= full.len && memcmp(upt_sb_str(&full), upt_sb_str(&tgt), tgt.len) == 0
		  ? tgt.len
		  : full.len;
	upt_sb_printf(out, "%.*s -c %" PRIu64 " %" PRIu64 "%s\n", (int)cut, upt_sb_str(&full),
		      r->pkts, r->bytes, upt_sb_str(&full) + cut);
	upt_sb_free(&full);
	upt_sb_free(&tgt);
}

static void chain_decl(struct upt_sb *out, const struct upt_chain *c, bool counters)
{
	if (c->hook < 0) {
		upt_sb_printf(out, "-N %s\n", c->name);
		return;
	}
	upt_sb_printf(out, "-P %s %s", c->name, c->policy == UPT_V_DROP ? "DROP" : "ACCEPT");
	if (counters)
		upt_sb_printf(out, " -c %" PRIu64 " %" PRIu64, c->pkts, c->bytes);
	upt_sb_putc(out, '\n');
}

int upt_rules_list_rules(const struct upt_rules *rs, enum upt_table table, const char *chain,
			 unsigned rulenum, const struct upt_list_opts *o, struct upt_sb *out)
{
	struct upt_table_model fresh = {0};
	const struct upt_table_model *tm;
	bool counters = o->flags & UPT_LIST_VERBOSE;
	int rc = 0;

	if ((unsigned)table >= UPT_TABLE__COUNT)
		return -EINVAL;
	tm = view(rs, table, &fresh);
	if (chain && !upt_table_chain(tm, chain)) {
		rc = -ENOENT;
		goto out;
	}
	if (!rulenum)
		for (unsigned i = 0; i < tm->nchains; i++)
			if (!chain || strcmp(tm->chains[i]->name, chain) == 0)
				chain_decl(out, tm->chains[i], counters);
	for (unsigned i = 0; i < tm->nchains; i++) {
		const struct upt_chain *c = tm->chains[i];
		if (chain && strcmp(c->name, chain) != 0)
			continue;
		for (unsigned j = 0; j < c->nrules; j++)
			if (!rulenum || rulenum == j + 1)
				rule_line(out, c->rules[j], c->name, counters);
	}
out:
	upt_table_clear(&fresh);
	if (!rc && out->overflow)
		rc = -ENOMEM;
	return rc;
}

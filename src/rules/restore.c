// SPDX-License-Identifier: GPL-2.0
/*
 * iptables-restore input applied to the model.
 *
 * Theory of operation.  Every table the input names is deep-copied once,
 * when its `*table` line is first seen; all edits go to the copies; each
 * COMMIT validates its table as the kernel would (jumps, loops, depth,
 * hooks).  Only when the whole input has been read without error are the
 * copies swapped in, so an error anywhere leaves the model exactly as it
 * was, and --test never swaps.  (iptables-nft commits table by table; the
 * API promises all-or-nothing, which is stricter.)
 *
 * Line handling follows iptables-restore 1.8.9 (checked on this machine):
 * blank lines and lines starting with '#' are skipped; `*table` opens a
 * table (without --noflush it starts empty: built-in chains ACCEPT [0:0],
 * no user chains); `:CHAIN POLICY [p:b]` sets a built-in chain's policy
 * (counters only with -c) or creates a user chain, flushing it if it
 * exists; any other line is an iptables command (-A -I -D -R -C -N -X -F
 * -Z -P -E), optionally preceded by "[pkts:bytes]" which -c turns into
 * the rule's counters; COMMIT closes the table; end of input inside a table
 * is "COMMIT expected".
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/parse.h"
#include "rules/rules.h"
#include "rules/save.h"
#include "rules/tokenize.h"

struct rstate {
	struct upt_rules *rs;
	struct upt_table_model work[UPT_TABLE__COUNT];
	bool copied[UPT_TABLE__COUNT];
	unsigned flags;
	unsigned line;
	char *err;
	size_t errlen;
};

static int lerr(struct rstate *st, const char *fmt, const char *a, const char *b)
{
	char msg[1024];
	snprintf(msg, sizeof(msg), fmt, a ? a : "", b ? b : "");
	snprintf(st->err, st->errlen, "line %u: %s", st->line, msg);
	return -EINVAL;
}

static bool is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	return true;
}

static bool parse_counters(const char *s, uint64_t *p, uint64_t *b)
{
	unsigned long long x, y;
	char tail;
	if (sscanf(s, "[%llu:%llu]%c", &x, &y, &tail) != 3 || tail != ']') {
		if (sscanf(s, "[%llu:%llu]", &x, &y) != 2 || s[strlen(s) - 1] != ']')
			return false;
	}
	*p = x;
	*b = y;
	return true;
}

static int do_chain_line(struct rstate *st, struct upt_table_model *tm, char *line)
{
	char *save = NULL;
	char *name = strtok_r(line + 1, " \t\r\n", &save);
	char *policy = name ? strtok_r(NULL, " \t\r\n", &save) : NULL;
	char *ctrs = policy ? strtok_r(NULL, " \t\r\n", &save) : NULL;

	if (!name)
		return lerr(st, "chain name invalid", NULL, NULL);
	if (strlen(name) >= UPT_NAME_MAX) {
		char msg[96];
		snprintf(msg, sizeof(msg), "Invalid chain name `%%s' (%u chars max)",
			 UPT_NAME_MAX - 1);
		return lerr(st, msg, name, NULL);
	}
	if (!policy)
		return lerr(st, "policy invalid", NULL, NULL);

	struct upt_chain *c = upt_table_chain(tm, name);
	if (c && c->hook >= 0) {
		uint64_t p = 0, b = 0;

		c->exists = true;
		c->policy_counts = true;
		if (st->flags & UPT_RESTORE_COUNTERS) {
			if (!ctrs || !parse_counters(ctrs, &p, &b))
				return lerr(st, "invalid policy counters for chain '%s'", name,
					    NULL);
		}
		if (strcmp(policy, "-") != 0) {
			if (strcmp(policy, "ACCEPT") == 0)
				c->policy = UPT_V_ACCEPT;
			else if (strcmp(policy, "DROP") == 0)
				c->policy = UPT_V_DROP;
			else
				return lerr(st, "Can't set policy `%s' on `%s': Bad policy name.",
					    policy, name);
		}
		if (st->flags & UPT_RESTORE_COUNTERS) {
			c->pkts = p;
			c->bytes = b;
		}
		return 0;
	}
	if (c) {
		/* An existing user chain is flushed (only possible with --noflush). */
		upt_chain_flush(c);
		return 0;
	}
	if (!upt_table_new_chain(tm, name))
		return lerr(st, "cannot create chain '%s' (out of memory)", name, NULL);
	return 0;
}

static struct upt_chain *need_chain(struct rstate *st, struct upt_table_model *tm, const char *name,
				    int *rc)
{
	struct upt_chain *c = upt_table_chain(tm, name);
	if (!c)
		*rc = lerr(st, "No chain/target/match by that name.", NULL, NULL);
	return c;
}

static int find_rule(const struct upt_chain *c, const struct upt_rule *r)
{
	for (unsigned i = 0; i < c->nrules; i++)
		if (upt_rule_equal(c->rules[i], r))
			return (int)i;
	return -1;
}

static int exec_cmd(struct rstate *st, struct upt_table_model *tm, struct upt_cmd *cmd)
{
	struct upt_chain *c = NULL;
	int rc = 0;

	for (unsigned i = 0; i < cmd->nrules; i++)
		cmd->rules[i]->line = st->line;

	switch (cmd->kind) {
	case UPT_CMD_APPEND:
	case UPT_CMD_INSERT: {
		if (!(c = need_chain(st, tm, cmd->chain, &rc)))
			return rc;
		unsigned pos = cmd->kind == UPT_CMD_APPEND ? c->nrules : cmd->rulenum - 1;
		if (pos > c->nrules)
			return lerr(st, "Index of insertion too big.", NULL, NULL);
		c->exists = true;
		for (unsigned i = 0; i < cmd->nrules; i++) {
			if (upt_chain_insert(c, pos + i, cmd->rules[i]) < 0)
				return lerr(st, "out of memory", NULL, NULL);
			cmd->rules[i] = NULL;
		}
		return 0;
	}
	case UPT_CMD_DELETE:
	case UPT_CMD_CHECK:
		if (!(c = need_chain(st, tm, cmd->chain, &rc)))
			return rc;
		for (unsigned i = 0; i < cmd->nrules; i++) {
			int at = find_rule(c, cmd->rules[i]);
			if (at < 0)
				return lerr(st,
					    "Bad rule (does a matching rule exist in that chain?).",
					    NULL, NULL);
			if (cmd->kind == UPT_CMD_DELETE)
				upt_chain_delete(c, (unsigned)at);
		}
		return 0;
	case UPT_CMD_DELETE_NUM:
		if (!(c = need_chain(st, tm, cmd->chain, &rc)))
			return rc;
		if (cmd->rulenum > c->nrules)
			return lerr(st, "Index of deletion too big.", NULL, NULL);
		upt_chain_delete(c, cmd->rulenum - 1);
		return 0;
	case UPT_CMD_REPLACE:
		if (!(c = need_chain(st, tm, cmd->chain, &rc)))
			return rc;
		if (cmd->nrules != 1)
			return lerr(st, "-R requires a single source and destination", NULL, NULL);
		if (cmd->rulenum > c->nrules)
			return lerr(st, "Index of replacement too big.", NULL, NULL);
		c->exists = true;
		upt_rule_free(c->rules[cmd->rulenum - 1]);
		c->rules[cmd->rulenum - 1] = cmd->rules[0];
		cmd->rules[0] = NULL;
		return 0;
	case UPT_CMD_FLUSH:
	case UPT_CMD_ZERO:
	case UPT_CMD_ZERO_NUM:
		if (cmd->chain && !(c = need_chain(st, tm, cmd->chain, &rc)))
			return rc;
		/* iptables-nft: -F CHAIN creates a built-in chain, -Z CHAIN needs it to exist. */
		if (c && c->hook >= 0 && cmd->kind == UPT_CMD_FLUSH)
			c->exists = true;
		else if (c && c->hook >= 0 && !c->exists)
			return lerr(st, "No chain/target/match by that name.", NULL, NULL);
		for (unsigned i = 0; i < tm->nchains; i++) {
			struct upt_chain *x = tm->chains[i];
			if (c && x != c)
				continue;
			if (cmd->kind == UPT_CMD_FLUSH) {
				upt_chain_flush(x);
				continue;
			}
			if (cmd->kind == UPT_CMD_ZERO_NUM) {
				if (cmd->rulenum > x->nrules)
					return lerr(st, "Index of counter too big.", NULL, NULL);
				x->rules[cmd->rulenum - 1]->pkts = 0;
				x->rules[cmd->rulenum - 1]->bytes = 0;
				continue;
			}
			x->pkts = x->bytes = 0;
			for (unsigned j = 0; j < x->nrules; j++)
				x->rules[j]->pkts = x->rules[j]->bytes = 0;
		}
		return 0;
	case UPT_CMD_NEW_CHAIN:
		if (upt_table_chain(tm, cmd->chain))
			return lerr(st, "Chain already exists.", NULL, NULL);
		if (!upt_table_new_chain(tm, cmd->chain))
			return lerr(st, "out of memory", NULL, NULL);
		return 0;
	case UPT_CMD_DELETE_CHAIN:
		if (cmd->chain) {
			int idx = upt_table_chain_index(tm, cmd->chain);
			if (idx < 0 || tm->chains[idx]->hook >= 0)
				return lerr(st, "No chain/target/match by that name.", NULL, NULL);
			if (upt_table_refs(tm, cmd->chain))
				return lerr(st,
					    "CHAIN_DEL failed (Device or resource busy): chain %s",
					    cmd->chain, NULL);
			if (tm->chains[idx]->nrules)
				return lerr(st, "CHAIN_DEL failed (Directory not empty): chain %s",
					    cmd->chain, NULL);
			upt_table_del_chain(tm, (unsigned)idx);
			return 0;
		}
		/* All user chains: refused while a built-in chain still jumps to one. */
		for (unsigned i = 0; i < tm->nbuiltin; i++) {
			const struct upt_chain *b = tm->chains[i];
			for (unsigned j = 0; j < b->nrules; j++)
				if (b->rules[j]->tkind == UPT_RT_JUMP ||
				    b->rules[j]->tkind == UPT_RT_GOTO)
					return lerr(st,
						    "CHAIN_DEL failed (Device or resource busy): "
						    "chain %s",
						    b->rules[j]->chain, NULL);
		}
		while (tm->nchains > tm->nbuiltin)
			upt_table_del_chain(tm, tm->nchains - 1);
		return 0;
	case UPT_CMD_RENAME_CHAIN: {
		int idx = upt_table_chain_index(tm, cmd->chain);
		if (idx < 0 || tm->chains[idx]->hook >= 0)
			return lerr(st, "No chain/target/match by that name.", NULL, NULL);
		if (upt_table_chain(tm, cmd->newname))
			return lerr(st, "File exists.", NULL, NULL);
		for (unsigned i = 0; i < tm->nchains; i++) {
			struct upt_chain *x = tm->chains[i];
			for (unsigned j = 0; j < x->nrules; j++) {
				struct upt_rule *r = x->rules[j];
				if ((r->tkind == UPT_RT_JUMP || r->tkind == UPT_RT_GOTO) &&
				    strcmp(r->chain, cmd->chain) == 0)
					snprintf(r->chain, sizeof(r->chain), "%s", cmd->newname);
			}
		}
		snprintf(tm->chains[idx]->name, UPT_NAME_MAX, "%s", cmd->newname);
		upt_table_sort(tm);
		return 0;
	}
	case UPT_CMD_POLICY:
		c = upt_table_chain(tm, cmd->chain);
		if (!c || c->hook < 0)
			return lerr(st, "Bad built-in chain name.", NULL, NULL);
		c->exists = true;
		c->policy_counts = true;
		if (strcmp(cmd->policy, "ACCEPT") == 0)
			c->policy = UPT_V_ACCEPT;
		else if (strcmp(cmd->policy, "DROP") == 0)
			c->policy = UPT_V_DROP;
		else
			return lerr(st, "Bad policy name.", NULL, NULL);
		if (cmd->counters) {
			c->pkts = cmd->pcnt;
			c->bytes = cmd->bcnt;
		}
		return 0;
	case UPT_CMD_LIST:
	case UPT_CMD_LIST_RULES:
		return lerr(st, "listing is not supported inside iptables-restore input", NULL,
			    NULL);
	default:
		return lerr(st, "no command specified", NULL, NULL);
	}
}

static int do_command_line(struct rstate *st, enum upt_table t, char *line, size_t len)
{
	char *argv[UPT_TOK_MAXARGS + 4];
	char msg[512];
	char pc[32] = "", bc[32] = "";
	bool have_ctr = false;
	int argc, rc;

	/* "[pkts:bytes] -A ..." */
	if (line[0] == '[') {
		char *close = memchr(line, ']', len);
		char *colon = memchr(line, ':', len);
		if (!close)
			return lerr(st, "Bad line: need ]", NULL, NULL);
		if (!colon || colon > close)
			return lerr(st, "Bad line: need :", NULL, NULL);
		snprintf(pc, sizeof(pc), "%.*s", (int)(colon - line - 1), line + 1);
		snprintf(bc, sizeof(bc), "%.*s", (int)(close - colon - 1), colon + 1);
		have_ctr = true;
		len -= (size_t)(close + 1 - line);
		line = close + 1;
	}

	char *buf = malloc(2 * len + 2);
	if (!buf)
		return lerr(st, "out of memory", NULL, NULL);
	argc = upt_tokenize(line, len, buf, 2 * len + 2, argv, UPT_TOK_MAXARGS, msg, sizeof(msg));
	if (argc < 0) {
		free(buf);
		return lerr(st, "%s", msg, NULL);
	}
	if (have_ctr && (st->flags & UPT_RESTORE_COUNTERS)) {
		argv[argc++] = (char *)"--set-counters";
		argv[argc++] = pc;
		argv[argc++] = bc;
	}

	struct upt_cmd cmd;
	rc = upt_cmd_parse(t, &st->work[t], argc, argv, UPT_PARSE_RESTORE, &cmd, msg, sizeof(msg));
	if (rc < 0) {
		free(buf);
		return lerr(st, "%s", msg, NULL);
	}
	if (!cmd.skip)
		rc = exec_cmd(st, &st->work[t], &cmd);
	upt_cmd_free(&cmd);
	free(buf);
	return rc;
}

static int commit_table(struct rstate *st, enum upt_table t)
{
	char msg[256];
	int rc = upt_table_validate(&st->work[t], t, NULL, msg, sizeof(msg));
	if (rc < 0) {
		/* Rule errors carry their own line; others get the COMMIT line. */
		if (strncmp(msg, "line ", 5) == 0)
			snprintf(st->err, st->errlen, "%s", msg);
		else
			lerr(st, "%s", msg, NULL);
	}
	return rc;
}

int upt_rules_restore(struct upt_rules *rs, const char *text, size_t len, unsigned flags,
		      const char *only_table, char *err, size_t errlen)
{
	char errbuf[8];
	struct rstate *st = calloc(1, sizeof(*st));
	int cur = -1;	       /* table being restored */
	bool in_table = false; /* also true while skipping a table (-T) */
	size_t pos = 0;
	char *line = NULL;
	int rc = 0;

	if (!err || !errlen) {
		err = errbuf;
		errlen = sizeof(errbuf);
	}
	err[0] = '\0';
	if (!st) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	st->rs = rs;
	st->flags = flags;
	st->err = err;
	st->errlen = errlen;
	if (only_table && upt_rules_table_by_name(only_table) < 0) {
		snprintf(err, errlen, "table '%s' does not exist", only_table);
		rc = -ENOENT;
		goto out;
	}

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		st->line++;
		free(line);
		line = malloc(n + 1);
		if (!line) {
			rc = lerr(st, "out of memory", NULL, NULL);
			goto out;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + (nl ? 1 : 0);
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';

		if (n == 0 || is_blank(line, n) || line[0] == '#')
			continue;

		if (in_table && strcmp(line, "COMMIT") == 0) {
			in_table = false;
			if (cur >= 0 && (rc = commit_table(st, (enum upt_table)cur)) < 0)
				goto out;
			cur = -1;
			continue;
		}
		if (in_table && cur < 0)
			continue; /* a table -T leaves out */

		if (!in_table) {
			if (line[0] != '*') {
				rc = lerr(st, "%s",
					  strcmp(line, "COMMIT") == 0
					      ? "COMMIT without a table"
					      : "no table specified (expected *table)",
					  NULL);
				goto out;
			}
			char *save = NULL;
			char *name = strtok_r(line + 1, " \t", &save);
			int t = name ? upt_rules_table_by_name(name) : -1;
			if (t < 0) {
				rc = lerr(st, "table name '%s' invalid", name ? name : "", NULL);
				goto out;
			}
			in_table = true;
			if (only_table && strcmp(only_table, name) != 0)
				continue;
			cur = t;
			if (!st->copied[t]) {
				if (upt_table_copy(&st->work[t], &rs->t[t]) < 0) {
					rc = lerr(st, "out of memory", NULL, NULL);
					goto out;
				}
				st->copied[t] = true;
				/* Line numbers of earlier inputs mean nothing in this one. */
				for (unsigned ci = 0; ci < st->work[t].nchains; ci++) {
					struct upt_chain *c = st->work[t].chains[ci];
					for (unsigned ri = 0; ri < c->nrules; ri++)
						c->rules[ri]->line = 0;
				}
			}
			if (!(flags & UPT_RESTORE_NOFLUSH) || !st->work[t].present)
				upt_table_reset(&st->work[t], (enum upt_table)t);
			continue;
		}

		if (line[0] == ':')
			rc = do_chain_line(st, &st->work[cur], line);
		else
			rc = do_command_line(st, (enum upt_table)cur, line, n);
		if (rc < 0)
			goto out;
	}
	if (in_table) {
		st->line++;
		snprintf(err, errlen, "COMMIT expected at line %u", st->line);
		rc = -EINVAL;
		goto out;
	}

	if (!(flags & UPT_RESTORE_TEST)) {
		for (int t = 0; t < UPT_TABLE__COUNT; t++) {
			if (!st->copied[t])
				continue;
			upt_table_clear(&rs->t[t]);
			rs->t[t] = st->work[t];
			memset(&st->work[t], 0, sizeof(st->work[t]));
		}
	}
out:
	for (int t = 0; t < UPT_TABLE__COUNT; t++)
		upt_table_clear(&st->work[t]);
	free(line);
	free(st);
	return rc;
}

int upt_rules_rule_roundtrip(enum upt_table table, const char *chain, const char *rule,
			     struct upt_sb *out, char *err, size_t errlen)
{
	struct upt_rules *rs = upt_rules_create();
	struct upt_sb in;
	int rc;

	if (!rs)
		return -ENOMEM;
	if ((unsigned)table >= UPT_TABLE__COUNT || strchr(rule, '\n')) {
		snprintf(err, errlen, "invalid arguments");
		upt_rules_destroy(rs);
		return -EINVAL;
	}
	upt_sb_init(&in);
	/* ":CHAIN -" leaves a built-in chain alone and creates a user chain. */
	upt_sb_printf(&in, "*%s\n:%s - [0:0]\n-A %s %s\nCOMMIT\n", upt_rules_table_name(table),
		      chain, chain, rule);
	rc = in.overflow ? -ENOMEM
			 : upt_rules_restore(rs, upt_sb_str(&in), in.len, 0, NULL, err, errlen);
	upt_sb_free(&in);
	if (rc == 0) {
		const struct upt_chain *c = upt_table_chain(&rs->t[table], chain);
		for (unsigned i = 0; c && i < c->nrules; i++) {
			if (i)
				upt_sb_putc(out, '\n');
			upt_rule_save(c->rules[i], c->name, out);
		}
	}
	upt_rules_destroy(rs);
	return rc;
}

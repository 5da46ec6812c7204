// SPDX-License-Identifier: GPL-2.0
/*
 * `uptables`: iptables' command line against a rules file.
 *
 * Theory of operation.  The words are first normalised the way getopt
 * would see them: combined short options are split (-nvL is -n -v -L,
 * -tnat is -t nat), and the options that are not part of a rule are taken
 * out here: -t/--table, -w/--wait and -W/--wait-interval with their
 * optional numbers, --ruleset/--socket, -h, -V, -6, and a -Z that comes
 * with -L/-S (list, then zero, as iptables allows).  What is left is one
 * iptables command, parsed by the rules parser against the table as it
 * stands, so every syntax error is a parameter problem (exit 2) in
 * iptables' words.  A listing is printed from the model.  A change is
 * applied as a one-command `iptables-restore --noflush` of the same words,
 * so it goes through the same execution and validation (jumps, loops,
 * hooks) as a restore, all or nothing; its failure is a command failure
 * (exit 1, 4 for a chain in use) and leaves the file untouched.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "rules/ext.h"
#include "rules/parse.h"

#define PROG "uptables"

struct opts {
	const char *table;
	int wait_secs; /* -1: wait as long as it takes */
	bool zero;     /* -Z together with -L/-S */
	bool reader;   /* -L, -S or -C: reads the file, takes no lock */
	struct cli_target target;
	int ac;
	char **av;
	/* Every word after splitting; table and target names point into them. */
	char **words;
	int nw;
};

/* Short options in iptables' getopt string: no argument, required, optional (attached). */
static const char short_none[] = "nvxfb46V";
static const char short_req[] = "ACDRIMNEPopsdjitmcg";
static const char short_opt[] = "LSFZXhwW";

/*
 * Split "-nvL" into "-n" "-v" "-L" as getopt would.  A word is split only
 * when every letter up to the first one that takes an argument is a known
 * option; anything else is passed on whole, for the parser to judge.
 */
static int split_short(const char *w, char **out, int max)
{
	int n = 0;
	size_t len = strlen(w);

	if (w[0] != '-' || w[1] == '-' || len <= 2)
		return 0;
	for (size_t k = 1; k < len; k++) {
		char c = w[k];
		if (!isalnum((unsigned char)c))
			return 0;
		if (strchr(short_none, c))
			continue;
		if (strchr(short_req, c) || strchr(short_opt, c))
			break;
		return 0;
	}
	for (size_t k = 1; k < len && n < max; k++) {
		char c = w[k];
		char buf[3] = {'-', c, '\0'};
		if (strchr(short_none, c)) {
			out[n++] = strdup(buf);
			continue;
		}
		/* The rest of the word is this option's argument. */
		size_t rest = len - k - 1;
		char *s = malloc(rest + 3);
		if (s)
			snprintf(s, rest + 3, "-%c%s", c, w + k + 1);
		out[n++] = s;
		break;
	}
	for (int i = 0; i < n; i++)
		if (!out[i])
			return -1;
	return n;
}

/*
 * Which words are option arguments, so that "--comment -t" or
 * "--log-prefix -nv" are left alone as getopt leaves them: the options of
 * the extensions named so far (-m, -p, -j) that take an argument, and the
 * base options that take one.
 */
struct argscan {
	const struct upt_match_ops *m[32];
	int nm;
	const struct upt_target_ops *t;
	bool protect; /* the next word is an argument */
};

static bool ext_takes_arg(const struct upt_xt_option *opt, const char *name)
{
	for (; opt && opt->name; opt++)
		if (strcmp(opt->name, name) == 0)
			return opt->flags & UPT_XTOPT_ARG;
	return false;
}

/* Feed one word (and the one after it); true when this word is an argument. */
static bool scan_word(struct argscan *s, const char *w, const char *next)
{
	if (s->protect) {
		s->protect = false;
		return true;
	}
	if (!next)
		return false;
	if (!strcmp(w, "-m") || !strcmp(w, "--match") || !strcmp(w, "-p") ||
	    !strcmp(w, "--protocol")) {
		char lower[32];
		size_t i;
		for (i = 0; next[i] && i + 1 < sizeof(lower); i++)
			lower[i] = (char)tolower((unsigned char)next[i]);
		lower[i] = '\0';
		const struct upt_match_ops *m =
		    upt_match_find(w[1] == 'p' || w[2] == 'p' ? lower : next);
		if (m && s->nm < 32)
			s->m[s->nm++] = m;
		s->protect = true;
		return false;
	}
	if (!strcmp(w, "-j") || !strcmp(w, "--jump")) {
		s->t = upt_target_find(next);
		s->protect = true;
		return false;
	}
	if (w[0] == '-' && w[1] && !w[2] && w[1] != 't' && strchr(short_req, w[1])) {
		s->protect = true;
		return false;
	}
	if (w[0] == '-' && w[1] == '-' && !strchr(w, '=')) {
		for (int i = 0; i < s->nm; i++)
			s->protect |= ext_takes_arg(s->m[i]->options, w + 2);
		if (s->t)
			s->protect |= ext_takes_arg(s->t->options, w + 2);
	}
	return false;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* "--NAME", "--NAME=ARG" or an unambiguous prefix of at least `min` letters. */
static bool long_is(const char *w, const char *name, size_t min, const char **attached)
{
	size_t n;
	const char *eq;

	*attached = NULL;
	if (strncmp(w, "--", 2) != 0)
		return false;
	w += 2;
	eq = strchr(w, '=');
	n = eq ? (size_t)(eq - w) : strlen(w);
	if (n < min || n > strlen(name) || strncmp(w, name, n) != 0)
		return false;
	if (eq)
		*attached = eq + 1;
	return true;
}

static void usage(void)
{
	printf("uptables v" CLI_VERSION " (iptables 1.8 command line for uptables)\n\n"
	       "Usage: uptables [--ruleset FILE | --socket PATH] [-t table] command "
	       "[chain] [rule-specification] [options]\n\n"
	       "Commands:\n"
	       "  -A chain rule              append\n"
	       "  -I chain [rulenum] rule    insert (default: at the top)\n"
	       "  -D chain rule|rulenum      delete\n"
	       "  -R chain rulenum rule      replace\n"
	       "  -C chain rule              check whether the rule exists\n"
	       "  -L [chain [rulenum]]       list (-n -v -x --line-numbers)\n"
	       "  -S [chain [rulenum]]       list as commands (-v adds counters)\n"
	       "  -F [chain]  -Z [chain [rulenum]]  flush / zero counters\n"
	       "  -N chain  -X [chain]  -E old new   new / delete / rename user chain\n"
	       "  -P chain target            set a built-in chain's policy\n\n"
	       "Targets of a command: --ruleset FILE (or UPTABLES_RULESET) edits an "
	       "iptables-save file;\n"
	       "--socket PATH (or UPTABLES_SOCKET, default " CLI_DEFAULT_SOCKET
	       ") is the daemon, not available yet.\n"
	       "See uptables(8).\n");
}

static int parse_words(int argc, char **argv, struct opts *o)
{
	char **words = calloc((size_t)argc * 64 + 1, sizeof(char *));
	int nw = 0, rc = 0;

	o->words = words;
	bool has_list = false, has_check = false;
	int zero_at = -1;

	o->table = "filter";
	o->wait_secs = -1;
	o->av = calloc((size_t)argc * 64 + 1, sizeof(char *));
	if (!words || !o->av) {
		fprintf(stderr, PROG ": out of memory\n");
		return CLI_EXIT_RESOURCE;
	}
	struct argscan scan = {0};
	for (int i = 1; i < argc; i++) {
		bool arg = scan_word(&scan, argv[i], i + 1 < argc ? argv[i + 1] : NULL);
		int n = arg ? 0 : split_short(argv[i], words + nw, 63);
		if (n < 0) {
			fprintf(stderr, PROG ": out of memory\n");
			rc = CLI_EXIT_RESOURCE;
			goto out;
		}
		if (n == 0)
			words[nw++] = strdup(argv[i]);
		else
			nw += n;
		if (!words[nw - 1]) {
			fprintf(stderr, PROG ": out of memory\n");
			rc = CLI_EXIT_RESOURCE;
			goto out;
		}
	}

	memset(&scan, 0, sizeof(scan));
	for (int i = 0; i < nw; i++) {
		const char *w = words[i], *att;

		if (scan_word(&scan, w, i + 1 < nw ? words[i + 1] : NULL)) {
			o->av[o->ac++] = words[i];
			continue;
		}
		int t = cli_target_arg(nw, words, &i, &o->target);

		if (t < 0) {
			rc = cli_param_error(PROG, "option \"%s\" requires an argument", w);
			goto out;
		}
		if (t > 0)
			goto placeholder;
		if (strcmp(w, "-t") == 0 || long_is(w, "table", 3, &att)) {
			if (w[1] == '-' && att) {
				o->table = att;
			} else if (i + 1 < nw) {
				o->table = words[++i];
			} else {
				rc = cli_param_error(PROG, "option \"%s\" requires an argument", w);
				goto out;
			}
			goto placeholder;
		}
		if (strncmp(w, "-t", 2) == 0 && w[1] == 't') {
			o->table = w + 2;
			goto placeholder;
		}
		if (strcmp(w, "-w") == 0 || long_is(w, "wait", 4, &att) ||
		    (w[0] == '-' && w[1] == 'w' && all_digits(w + 2))) {
			const char *num = w[1] == '-' ? att : (w[2] ? w + 2 : NULL);
			if (!num && i + 1 < nw && all_digits(words[i + 1]))
				num = words[++i];
			if (num && !all_digits(num)) {
				rc = cli_param_error(PROG, "wait seconds not numeric");
				goto out;
			}
			o->wait_secs = num ? atoi(num) : -1;
			goto placeholder;
		}
		if (strcmp(w, "-W") == 0 || long_is(w, "wait-interval", 6, &att) ||
		    (w[0] == '-' && w[1] == 'W' && all_digits(w + 2))) {
			if (w[1] != '-' && !w[2] && i + 1 < nw && all_digits(words[i + 1]))
				i++;
			goto placeholder;
		}
		if (strcmp(w, "-6") == 0 || long_is(w, "ipv6", 3, &att)) {
			rc = cli_param_error(PROG, "IPv6 (-6/--ipv6) is not supported: uptables "
						   "filters IPv4 only");
			goto out;
		}
		if (strcmp(w, "-h") == 0 || long_is(w, "help", 3, &att)) {
			usage();
			rc = -1;
			goto out;
		}
		if (strcmp(w, "-V") == 0 || long_is(w, "version", 4, &att)) {
			printf("uptables v" CLI_VERSION " (iptables 1.8 command line)\n");
			rc = -1;
			goto out;
		}
		if (strcmp(w, "-L") == 0 || strcmp(w, "-S") == 0 || long_is(w, "list", 6, &att) ||
		    long_is(w, "list-rules", 6, &att))
			has_list = true;
		if (strcmp(w, "-C") == 0 || long_is(w, "check", 3, &att))
			has_check = true;
		if ((strcmp(w, "-Z") == 0 || long_is(w, "zero", 3, &att)) && zero_at < 0) {
			zero_at = o->ac;
		}
		o->av[o->ac++] = words[i];
		continue;
	placeholder:
		/*
		 * An option taken out here still separates its neighbours: in
		 * "-I OUTPUT -t nat 1" the 1 is no rule number for iptables.  -4
		 * is an option the parser accepts anywhere and ignores.
		 */
		o->av[o->ac++] = (char *)"-4";
	}
	/* -L/-S with -Z: list, then zero what was listed. */
	if (has_list && zero_at >= 0) {
		memmove(&o->av[zero_at], &o->av[zero_at + 1],
			(size_t)(o->ac - zero_at - 1) * sizeof(char *));
		o->ac--;
		o->zero = true;
	}
	o->reader = (has_list && !o->zero) || has_check;
out:
	o->nw = nw;
	return rc;
}

/* Apply one command (its words, re-quoted) as a noflush restore of one table. */
static int apply(struct cli_store *st, enum upt_table t, int ac, char **av, unsigned flags,
		 char *err, size_t errlen)
{
	struct upt_sb sb;
	int rc;

	upt_sb_init(&sb);
	upt_sb_printf(&sb, "*%s\n", upt_rules_table_name(t));
	for (int i = 0; i < ac; i++) {
		if (i)
			upt_sb_putc(&sb, ' ');
		upt_sb_putc(&sb, '"');
		for (const char *p = av[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				upt_sb_putc(&sb, '\\');
			upt_sb_putc(&sb, *p);
		}
		upt_sb_putc(&sb, '"');
	}
	upt_sb_puts(&sb, "\nCOMMIT\n");
	if (sb.overflow) {
		upt_sb_free(&sb);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = upt_rules_restore(st->rs, sb.buf, sb.len, UPT_RESTORE_NOFLUSH | flags, NULL, err,
			       errlen);
	upt_sb_free(&sb);
	return rc;
}

static int exec_failed(const char *err)
{
	unsigned line;
	const char *msg = cli_strip_line(err, &line);
	int st = cli_exec_status(msg);

	if (!st)
		return cli_param_error(PROG, "%s", msg);
	/* iptables-nft adds this hint to a policy the kernel refused. */
	fprintf(stderr, PROG ": %s%s\n", msg,
		strncmp(msg, "Bad policy name", 15) == 0 ? " Run `dmesg' for more information."
							 : "");
	return st;
}

/* What `iptables -v` prints before it carries out a command. */
static void echo_verbose(const struct upt_cmd *cmd, const struct upt_table_model *tm)
{
	struct upt_sb sb;

	upt_sb_init(&sb);
	switch (cmd->kind) {
	case UPT_CMD_APPEND:
	case UPT_CMD_INSERT:
	case UPT_CMD_DELETE:
	case UPT_CMD_REPLACE:
	case UPT_CMD_CHECK:
		for (unsigned i = 0; i < cmd->nrules; i++)
			upt_rules_print_rule_brief(cmd->rules[i], &sb);
		break;
	case UPT_CMD_FLUSH:
	case UPT_CMD_ZERO:
	case UPT_CMD_DELETE_CHAIN:
		for (unsigned i = 0; i < tm->nchains; i++) {
			const struct upt_chain *c = tm->chains[i];
			if (cmd->chain && strcmp(cmd->chain, c->name) != 0)
				continue;
			if (!cmd->chain && cmd->kind == UPT_CMD_DELETE_CHAIN && c->hook >= 0)
				continue;
			/* iptables-nft zeroes only chains that exist in the kernel. */
			if (!cmd->chain && cmd->kind == UPT_CMD_ZERO && c->hook >= 0 && !c->exists)
				continue;
			upt_sb_printf(&sb, "%s chain `%s'\n",
				      cmd->kind == UPT_CMD_FLUSH  ? "Flushing"
				      : cmd->kind == UPT_CMD_ZERO ? "Zeroing"
								  : "Deleting",
				      c->name);
		}
		break;
	default:
		break;
	}
	fflush(stdout);
	cli_write_stdout(upt_sb_str(&sb), sb.len);
	upt_sb_free(&sb);
}

static int do_list(struct cli_store *st, enum upt_table t, const struct upt_cmd *cmd,
		   struct opts *o)
{
	struct upt_list_opts lo = {.resolve = cli_addr_name};
	struct upt_sb sb;
	int rc;

	if (cmd->numeric)
		lo.flags |= UPT_LIST_NUMERIC;
	if (cmd->verbose)
		lo.flags |= UPT_LIST_VERBOSE;
	if (cmd->exact)
		lo.flags |= UPT_LIST_EXACT;
	if (cmd->linenumbers)
		lo.flags |= UPT_LIST_LINENUM;
	upt_sb_init(&sb);
	if (cmd->kind == UPT_CMD_LIST)
		rc = upt_rules_list(st->rs, t, cmd->chain, cmd->rulenum, &lo, &sb);
	else
		rc = upt_rules_list_rules(st->rs, t, cmd->chain, cmd->rulenum, &lo, &sb);
	if (rc == -ENOENT) {
		upt_sb_free(&sb);
		fprintf(stderr, PROG ": No chain/target/match by that name.\n");
		return CLI_EXIT_OTHER;
	}
	if (rc < 0) {
		upt_sb_free(&sb);
		fprintf(stderr, PROG ": out of memory\n");
		return CLI_EXIT_RESOURCE;
	}
	rc = cli_write_stdout(upt_sb_str(&sb), sb.len);
	upt_sb_free(&sb);
	if (rc || !o->zero)
		return rc;

	char err[1024];
	char *zav[2] = {(char *)"-Z", (char *)cmd->chain};
	if (apply(st, t, cmd->chain ? 2 : 1, zav, 0, err, sizeof(err)) < 0)
		return exec_failed(err);
	return cli_store_commit(st);
}

/*
 * What iptables-nft 1.8.9 lets through its parser but the kernel then
 * refuses (checked on this machine): an inverted address with a zero mask
 * ("! -s 10.1.2.3/0"), and deleting a built-in chain.  Returns an exit
 * status, 0 to go on, -1 for "succeeds without changing anything".
 */
static int kernel_refuses(const struct upt_cmd *cmd, const struct upt_table_model *tm)
{
	const char *verb = cmd->kind == UPT_CMD_APPEND	  ? "RULE_APPEND"
			   : cmd->kind == UPT_CMD_INSERT  ? "RULE_INSERT"
			   : cmd->kind == UPT_CMD_REPLACE ? "RULE_REPLACE"
							  : NULL;

	for (unsigned i = 0; verb && i < cmd->nrules; i++) {
		const struct upt_ipspec *ip = &cmd->rules[i]->ip;
		if (((ip->invflags & UPT_INV_SRCIP) && !ip->smsk) ||
		    ((ip->invflags & UPT_INV_DSTIP) && !ip->dmsk)) {
			fprintf(stderr, PROG ": %s failed (Invalid argument): rule in chain %s\n",
				verb, cmd->chain);
			return CLI_EXIT_RESOURCE;
		}
	}
	if (cmd->kind == UPT_CMD_DELETE_CHAIN && cmd->chain) {
		const struct upt_chain *c = upt_table_chain(tm, cmd->chain);
		if (!c || c->hook < 0)
			return 0;
		if (!c->exists) {
			fprintf(stderr, PROG ": No chain/target/match by that name.\n");
			return CLI_EXIT_OTHER;
		}
		if (c->policy == UPT_V_DROP) {
			fprintf(stderr, PROG ": Directory not empty.\n");
			return CLI_EXIT_OTHER;
		}
		if (c->nrules) {
			fprintf(stderr,
				PROG ": CHAIN_DEL failed (Device or resource busy): chain %s\n",
				c->name);
			return CLI_EXIT_RESOURCE;
		}
		/*
		 * An empty ACCEPT built-in chain is removed from the kernel and
		 * listed as before (iptables-nft shows missing built-ins as
		 * fresh ones): nothing to change in the file.
		 */
		return -1;
	}
	return 0;
}

/*
 * Checks our extensions make while parsing that iptables leaves to the
 * kernel's checkentry: iptables reports them as a refused rule (exit 4),
 * not as a parameter problem.
 */
static const struct {
	const char *prefix; /* of the message */
	const char *errstr; /* the kernel's errno, as iptables prints it */
} checkentry_msgs[] = {
    {"REJECT: TCP_RESET invalid for non-tcp", "Invalid argument"},
    {"addrtype: output interface limitation not valid", "Invalid argument"},
    {"addrtype: input interface limitation not valid", "Invalid argument"},
    {"CT: helper \"", "No such file or directory"}, /* needs -p (xt_ct_set_helper) */
    {"CT: No such helper", "No such file or directory"},
    /* packet group: the kernel's tcpmss/TCPMSS/ecn/string checkentry */
    {"tcpmss match: only valid for", "Invalid argument"},
    {"TCPMSS target: only valid for", "Invalid argument"},
    {"TCPMSS: path-MTU clamping only", "Invalid argument"},
    {"ecn: cannot match TCP bits", "Invalid argument"},
    {"string: the pattern must not be empty", "Invalid argument"},
    {"string: --from ", "Invalid argument"},
    {"string: search algorithm \"fsm\"", "Invalid argument"},
    {"string: unknown search algorithm", "No such file or directory"},
};

static int checkentry_error(const struct opts *o, const char *err)
{
	static const struct {
		const char *opt, *lopt, *verb;
	} verbs[] = {{"-A", "--append", "RULE_APPEND"},
		     {"-I", "--insert", "RULE_INSERT"},
		     {"-R", "--replace", "RULE_REPLACE"}};
	const char *errstr = NULL;

	for (size_t i = 0; i < sizeof(checkentry_msgs) / sizeof(checkentry_msgs[0]); i++)
		if (strncmp(err, checkentry_msgs[i].prefix, strlen(checkentry_msgs[i].prefix)) == 0)
			errstr = checkentry_msgs[i].errstr;
	for (int i = 0; errstr && i + 1 < o->ac; i++)
		for (size_t v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++)
			if (!strcmp(o->av[i], verbs[v].opt) || !strcmp(o->av[i], verbs[v].lopt)) {
				fprintf(stderr, PROG ": %s failed (%s): rule in chain %s\n",
					verbs[v].verb, errstr, o->av[i + 1]);
				return CLI_EXIT_RESOURCE;
			}
	return cli_param_error(PROG, "%s", err);
}

static int run(struct opts *o)
{
	struct cli_store st;
	struct upt_cmd cmd;
	char err[1024];
	const char *path;
	int t, rc;

	t = upt_rules_table_by_name(o->table);
	if (t < 0) {
		fprintf(stderr,
			PROG ": table '%s' does not exist\n"
			     "Perhaps iptables or your kernel needs to be upgraded.\n",
			o->table);
		return CLI_EXIT_VERSION;
	}
	path = cli_target_file(&o->target, PROG);
	if (!path)
		return CLI_EXIT_OTHER;
	if ((rc = cli_store_open(&st, path, PROG, !o->reader, o->wait_secs)) != 0)
		return rc;
	/* A table the file never mentioned starts fresh; it is written only if changed. */
	if (!upt_rules_has_table(st.rs, (enum upt_table)t))
		upt_table_reset(&st.rs->t[t], (enum upt_table)t);

	rc =
	    upt_cmd_parse((enum upt_table)t, &st.rs->t[t], o->ac, o->av, 0, &cmd, err, sizeof(err));
	if (rc < 0) {
		rc = checkentry_error(o, err);
		goto out;
	}
	if (cmd.verbose)
		echo_verbose(&cmd, &st.rs->t[t]);

	if ((rc = kernel_refuses(&cmd, &st.rs->t[t])) != 0) {
		rc = rc < 0 ? 0 : rc;
		goto out_cmd;
	}

	switch (cmd.kind) {
	case UPT_CMD_LIST:
	case UPT_CMD_LIST_RULES:
		rc = do_list(&st, (enum upt_table)t, &cmd, o);
		break;
	case UPT_CMD_CHECK:
		rc =
		    apply(&st, (enum upt_table)t, o->ac, o->av, UPT_RESTORE_TEST, err, sizeof(err));
		rc = rc < 0 ? exec_failed(err) : 0;
		break;
	case UPT_CMD_ZERO_NUM: {
		/* iptables-nft accepts a rule number past the end and changes nothing. */
		const struct upt_chain *c = upt_table_chain(&st.rs->t[t], cmd.chain);
		if (c && cmd.rulenum > c->nrules) {
			rc = 0;
			break;
		}
	}
		/* fall through */
	default: {
		char *pav[3];
		int pac = o->ac;
		char **av = o->av;
		if (cmd.kind == UPT_CMD_POLICY) {
			/* iptables-nft 1.8.9 ignores -c on -P (the counters restart at 0). */
			pav[0] = (char *)"-P";
			pav[1] = (char *)cmd.chain;
			pav[2] = (char *)cmd.policy;
			av = pav;
			pac = 3;
		}
		rc = apply(&st, (enum upt_table)t, pac, av, 0, err, sizeof(err));
		if (rc < 0) {
			rc = exec_failed(err);
			break;
		}
		if (cmd.kind == UPT_CMD_POLICY) {
			/* Setting a policy starts its counters from zero (iptables-nft 1.8.9). */
			struct upt_chain *c = upt_table_chain(&st.rs->t[t], cmd.chain);
			if (c)
				c->pkts = c->bytes = 0;
		}
		rc = cli_store_commit(&st);
		break;
	}
	}
out_cmd:
	upt_cmd_free(&cmd);
out:
	cli_store_close(&st);
	return rc;
}

int cli_iptables_main(int argc, char **argv)
{
	struct opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	rc = parse_words(argc, argv, &o);
	if (rc == 0)
		rc = run(&o);
	else if (rc < 0)
		rc = 0; /* -h, -V */
	for (int i = 0; i < o.nw; i++)
		free(o.words[i]);
	free(o.words);
	free(o.av);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The -L and -S listings (src/rules/list.c) against golden text captured
 * from the real iptables 1.8.9 (nf_tables) on this machine by
 * tests/cli/capture_list_golden.sh: the same two rulesets restored with
 * counters into a throwaway namespace, every listing printed there.  The
 * expected text in cli_list_golden.h is that output, untouched; none of it
 * comes from our own code.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli_list_golden.h"
#include "rules/model.h"
#include "rules/rules.h"

/* The names /etc/hosts and /etc/networks gave iptables on the capture machine. */
static const char *fake_names(uint32_t addr, void *ctx)
{
	int *calls = ctx;

	if (calls)
		(*calls)++;
	if (addr == 0x7f000001)
		return "localhost";
	if (addr == 0xa9fe0000)
		return "link-local";
	if (addr == 0)
		return "default";
	return NULL;
}

static struct upt_rules *load(int set)
{
	struct upt_rules *rs = upt_rules_create();
	const char *text = set == 1 ? rules1 : rules2;
	char err[256];

	if (!rs || upt_rules_restore(rs, text, strlen(text), UPT_RESTORE_COUNTERS, NULL, err,
				     sizeof(err)) < 0) {
		check_fail_at(__FILE__, __LINE__, "ruleset %d: %s", set, rs ? err : "no memory");
		upt_rules_destroy(rs);
		return NULL;
	}
	return rs;
}

/* Run "ARGS" (-t T, -L/-S [CHAIN [N]], -n -v -x --line-numbers) through the listing functions. */
static int list_args(const struct upt_rules *rs, const char *args, struct upt_sb *out, int *calls)
{
	char buf[256], *save = NULL;
	struct upt_list_opts o = {.resolve = fake_names, .resolve_ctx = calls};
	enum upt_table t = UPT_TABLE_FILTER;
	const char *chain = NULL;
	unsigned rulenum = 0;
	bool rules = false;

	snprintf(buf, sizeof(buf), "%s", args);
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (!strcmp(w, "-t"))
			t = (enum upt_table)upt_rules_table_by_name(strtok_r(NULL, " ", &save));
		else if (!strcmp(w, "-S"))
			rules = true;
		else if (!strcmp(w, "-n"))
			o.flags |= UPT_LIST_NUMERIC;
		else if (!strcmp(w, "-v"))
			o.flags |= UPT_LIST_VERBOSE;
		else if (!strcmp(w, "-x"))
			o.flags |= UPT_LIST_EXACT;
		else if (!strcmp(w, "--line-numbers"))
			o.flags |= UPT_LIST_LINENUM;
		else if (w[0] >= '0' && w[0] <= '9')
			rulenum = (unsigned)atoi(w);
		else if (w[0] != '-')
			chain = args + (w - buf);
	}
	/* chain points into args: cut it at the next blank. */
	char cname[64] = "";
	if (chain) {
		size_t n = strcspn(chain, " ");
		snprintf(cname, sizeof(cname), "%.*s", (int)n, chain);
	}
	return rules ? upt_rules_list_rules(rs, t, chain ? cname : NULL, rulenum, &o, out)
		     : upt_rules_list(rs, t, chain ? cname : NULL, rulenum, &o, out);
}

TEST(listings_match_iptables_1_8_9_byte_for_byte)
{
	struct upt_rules *sets[3] = {NULL, load(1), load(2)};

	for (size_t i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++) {
		struct upt_sb sb;
		const struct upt_rules *rs = sets[goldens[i].set];
		if (!rs)
			continue;
		upt_sb_init(&sb);
		int rc = list_args(rs, goldens[i].args, &sb, NULL);
		CHECK_MSG(rc == 0, "iptables %s: rc %d", goldens[i].args, rc);
		CHECK_MSG(strcmp(upt_sb_str(&sb), goldens[i].text) == 0,
			  "iptables %s (set %d)\n--- got:\n%s--- want:\n%s", goldens[i].args,
			  goldens[i].set, upt_sb_str(&sb), goldens[i].text);
		upt_sb_free(&sb);
	}
	upt_rules_destroy(sets[1]);
	upt_rules_destroy(sets[2]);
}

TEST(numeric_listing_never_asks_for_names)
{
	struct upt_rules *rs = load(1);
	struct upt_sb sb;
	int calls = 0;

	if (!rs)
		return;
	upt_sb_init(&sb);
	CHECK_EQ(list_args(rs, "-L -n -v", &sb, &calls), 0);
	CHECK_EQ(calls, 0);
	upt_sb_reset(&sb);
	CHECK_EQ(list_args(rs, "-L", &sb, &calls), 0);
	CHECK(calls > 0);
	upt_sb_free(&sb);
	upt_rules_destroy(rs);
}

TEST(missing_chain_is_enoent_and_prints_nothing)
{
	struct upt_rules *rs = load(1);
	struct upt_sb sb;

	if (!rs)
		return;
	upt_sb_init(&sb);
	CHECK_EQ(list_args(rs, "-L NOPE", &sb, NULL), -ENOENT);
	CHECK_EQ(list_args(rs, "-S NOPE -v", &sb, NULL), -ENOENT);
	CHECK_EQ(sb.len, 0);
	upt_sb_free(&sb);
	upt_rules_destroy(rs);
}

TEST(table_never_mentioned_lists_as_fresh_builtins)
{
	struct upt_rules *rs = upt_rules_create();
	struct upt_sb sb;

	upt_sb_init(&sb);
	CHECK_EQ(list_args(rs, "-t raw -S", &sb, NULL), 0);
	CHECK_STR(upt_sb_str(&sb), "-P PREROUTING ACCEPT\n-P OUTPUT ACCEPT\n");
	/* Listing must not create the table. */
	CHECK(!upt_rules_has_table(rs, UPT_TABLE_RAW));
	upt_sb_free(&sb);
	upt_rules_destroy(rs);
}

TEST(rule_echo_of_verbose_commands)
{
	/* `iptables -v -A INPUT -s 1.2.3.4 -p tcp --dport 80 -j ACCEPT` on 1.8.9. */
	const char *text = "*filter\n-A INPUT -s 1.2.3.4/32 -p tcp -m tcp --dport 80 -j ACCEPT\n"
			   "-A INPUT -s 127.0.0.1/32 -p 200 -j LOG\n"
			   "-A INPUT -m comment --comment x\nCOMMIT\n";
	static const char *const want[] = {
	    "ACCEPT  tcp opt -- in * out *  1.2.3.4  -> 0.0.0.0/0   tcp dpt:80\n",
	    "LOG  200 opt -- in * out *  127.0.0.1  -> 0.0.0.0/0   LOG flags 0 level 4\n",
	    "  all opt -- in * out *  0.0.0.0/0  -> 0.0.0.0/0   /* x */\n",
	};
	struct upt_rules *rs = upt_rules_create();
	char err[256];

	CHECK_EQ(upt_rules_restore(rs, text, strlen(text), 0, NULL, err, sizeof(err)), 0);
	const struct upt_chain *c = upt_table_chain(&rs->t[UPT_TABLE_FILTER], "INPUT");
	CHECK(c && c->nrules == 3);
	for (unsigned i = 0; c && i < c->nrules && i < 3; i++) {
		struct upt_sb sb;
		upt_sb_init(&sb);
		upt_rules_print_rule_brief(c->rules[i], &sb);
		CHECK_STR(upt_sb_str(&sb), want[i]);
		upt_sb_free(&sb);
	}
	upt_rules_destroy(rs);
}

int main(void)
{
	RUN(listings_match_iptables_1_8_9_byte_for_byte);
	RUN(numeric_listing_never_asks_for_names);
	RUN(missing_chain_is_enoent_and_prints_nothing);
	RUN(table_never_mentioned_lists_as_fresh_builtins);
	RUN(rule_echo_of_verbose_commands);
	return check_report("test_cli_list");
}

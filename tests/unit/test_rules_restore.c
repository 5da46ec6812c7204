// SPDX-License-Identifier: GPL-2.0
/*
 * Restore / save / rule parsing.  Expected texts come from iptables 1.8.9
 * (nf_tables) on this machine (restore the same input in a fresh netns,
 * iptables-save it), from libipt_standard.t / iptables.t of the upstream
 * corpus, and from the upstream save dumps in
 * ../shared/conformance/iptables-save-dumps (restore then save must give
 * the file back minus its '#' lines).  Dumps that need extensions we do
 * not have fail here with the restore error: they are not skipped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rules/rules.h"

static int restore(struct upt_rules *rs, const char *text, unsigned flags, char *err)
{
	return upt_rules_restore(rs, text, strlen(text), flags, NULL, err, 256);
}

/* The builder's text as a heap string (also when empty). */
static char *take(struct upt_sb *sb)
{
	char *s = strdup(upt_sb_str(sb));
	upt_sb_free(sb);
	return s;
}

/* Save without the '#' lines. */
static char *save_nc(const struct upt_rules *rs, const char *table, unsigned flags)
{
	struct upt_sb sb, out;
	upt_sb_init(&sb);
	upt_sb_init(&out);
	upt_rules_save(rs, table, flags, &sb);
	const char *s = upt_sb_str(&sb);
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s + 1) : strlen(s);
		if (*s != '#')
			upt_sb_printf(&out, "%.*s", (int)n, s);
		s += n;
	}
	upt_sb_free(&sb);
	return take(&out);
}

/* ---- one rule: parse and print back ---- */

static const struct {
	int table;
	const char *chain, *rule, *want; /* want NULL: must fail */
} rt_rows[] = {
	/* libipt_standard.t */
	{UPT_TABLE_FILTER, "INPUT", "-s 127.0.0.1/32 -d 0.0.0.0/8 -j DROP",
	 "-A INPUT -s 127.0.0.1/32 -d 0.0.0.0/8 -j DROP"},
	{UPT_TABLE_FILTER, "INPUT", "! -s 0.0.0.0 -j ACCEPT", "-A INPUT ! -s 0.0.0.0/32 -j ACCEPT"},
	{UPT_TABLE_FILTER, "INPUT", "-s 0.0.0.0/24 -j RETURN", "-A INPUT -s 0.0.0.0/24 -j RETURN"},
	{UPT_TABLE_FILTER, "INPUT", "-s 10.11.12.13/9", "-A INPUT -s 10.0.0.0/9"},
	{UPT_TABLE_FILTER, "INPUT", "-s 10.11.12.13/31", "-A INPUT -s 10.11.12.12/31"},
	{UPT_TABLE_FILTER, "INPUT", "-s 10.11.12.13/255.128.0.0", "-A INPUT -s 10.0.0.0/9"},
	{UPT_TABLE_FILTER, "INPUT", "-s 10.11.12.13/255.0.255.0",
	 "-A INPUT -s 10.0.12.0/255.0.255.0"},
	{UPT_TABLE_FILTER, "FORWARD",
	 "--protocol=tcp --source=1.2.3.4 --destination=5.6.7.8/32 --in-interface=eth0 "
	 "--out-interface=eth1 --jump=ACCEPT",
	 "-A FORWARD -s 1.2.3.4/32 -d 5.6.7.8/32 -i eth0 -o eth1 -p tcp -j ACCEPT"},
	{UPT_TABLE_FILTER, "FORWARD", "-ptcp -s1.2.3.4 -d5.6.7.8/32 -ieth0 -oeth1 -jACCEPT",
	 "-A FORWARD -s 1.2.3.4/32 -d 5.6.7.8/32 -i eth0 -o eth1 -p tcp -j ACCEPT"},
	{UPT_TABLE_FILTER, "FORWARD", "-i + -d 1.2.3.4", "-A FORWARD -d 1.2.3.4/32"},
	/* iptables.t */
	{UPT_TABLE_FILTER, "FORWARD", "-i alongifacename0", "-A FORWARD -i alongifacename0"},
	{UPT_TABLE_FILTER, "FORWARD", "-i thisinterfaceistoolong0", NULL},
	{UPT_TABLE_FILTER, "FORWARD", "-i eth+ -o alongifacename+",
	 "-A FORWARD -i eth+ -o alongifacename+"},
	{UPT_TABLE_FILTER, "FORWARD", "! -i +", "-A FORWARD ! -i +"},
	{UPT_TABLE_FILTER, "FORWARD", "-i + -j ACCEPT", "-A FORWARD -j ACCEPT"},
	{UPT_TABLE_FILTER, "FORWARD", "-c \"\"", NULL},
	{UPT_TABLE_FILTER, "FORWARD", "-c ,3", NULL},
	{UPT_TABLE_FILTER, "FORWARD", "-c 3,", NULL},
	{UPT_TABLE_FILTER, "FORWARD", "-c ,", NULL},
	{UPT_TABLE_FILTER, "FORWARD", "-c 2,3 -j ACCEPT", "-A FORWARD -j ACCEPT"},
	/* iptables-save 1.8.9 on this machine */
	{UPT_TABLE_FILTER, "INPUT", "-p 47", "-A INPUT -p gre"},
	{UPT_TABLE_FILTER, "INPUT", "-p 132", "-A INPUT -p sctp"},
	{UPT_TABLE_FILTER, "INPUT", "-p 2", "-A INPUT -p igmp"},
	{UPT_TABLE_FILTER, "INPUT", "-p 58", "-A INPUT -p ipv6-icmp"},
	{UPT_TABLE_FILTER, "INPUT", "-p TCP", "-A INPUT -p tcp"},
	{UPT_TABLE_FILTER, "INPUT", "-p 0", "-A INPUT"},
	{UPT_TABLE_FILTER, "INPUT", "-p 200", "-A INPUT -p 200"},
	{UPT_TABLE_FILTER, "INPUT", "! -p tcp -f", "-A INPUT ! -p tcp -f"},
	{UPT_TABLE_FILTER, "INPUT", "-f -p tcp -i lo -d 1.2.3.4 ! -s 5.6.7.8/255.255.0.0 -j RETURN",
	 "-A INPUT ! -s 5.6.0.0/16 -d 1.2.3.4/32 -i lo -p tcp -f -j RETURN"},
	{UPT_TABLE_FILTER, "INPUT", "-s 10 -d 10.1", "-A INPUT -s 10.0.0.0/32 -d 10.1.0.0/32"},
	{UPT_TABLE_FILTER, "INPUT", "-s 010.0x10.1.1/255.255.0.255",
	 "-A INPUT -s 8.16.0.1/255.255.0.255"},
	{UPT_TABLE_FILTER, "INPUT", "-s 0.0.0.0/0", "-A INPUT"},
	{UPT_TABLE_FILTER, "INPUT", "--sou 1.2.3.4", "-A INPUT -s 1.2.3.4/32"},
	{UPT_TABLE_FILTER, "INPUT", "-p tcp --dport 80", "-A INPUT -p tcp -m tcp --dport 80"},
	{UPT_TABLE_FILTER, "INPUT", "-p tcp --dpo 80", "-A INPUT -p tcp -m tcp --dport 80"},
	{UPT_TABLE_FILTER, "INPUT", "-p 6 --dport 80", "-A INPUT -p tcp -m tcp --dport 80"},
	{UPT_TABLE_FILTER, "INPUT",
	 "-m comment --comment x -p tcp -m tcp --dport 1 -m comment --comment y -j ACCEPT",
	 "-A INPUT -p tcp -m comment --comment x -m tcp --dport 1 -m comment --comment y -j "
	 "ACCEPT"},
	{UPT_TABLE_NAT, "OUTPUT", "-s 1.2.3.4,5.6.7.8/24 -d 9.9.9.9,8.8.8.8 -p udp --dport 53",
	 "-A OUTPUT -s 1.2.3.4/32 -d 9.9.9.9/32 -p udp -m udp --dport 53\n"
	 "-A OUTPUT -s 1.2.3.4/32 -d 8.8.8.8/32 -p udp -m udp --dport 53\n"
	 "-A OUTPUT -s 5.6.7.0/24 -d 9.9.9.9/32 -p udp -m udp --dport 53\n"
	 "-A OUTPUT -s 5.6.7.0/24 -d 8.8.8.8/32 -p udp -m udp --dport 53"},
	{UPT_TABLE_FILTER, "INPUT", "-j CONTINUE", "-A INPUT"},
	{UPT_TABLE_FILTER, "INPUT", "-j QUEUE", "-A INPUT -j QUEUE"},
	{UPT_TABLE_FILTER, "mychain", "-g mychain", "-A mychain -g mychain"},
	/* must fail, with iptables' reasons (messages pinned below) */
	{UPT_TABLE_FILTER, "INPUT", "-o eth0", NULL},
	{UPT_TABLE_FILTER, "OUTPUT", "-i eth0", NULL},
	{UPT_TABLE_FILTER, "INPUT", "-p tcp --d 80", NULL},
	{UPT_TABLE_FILTER, "INPUT", "! -s 1.2.3.4,5.6.7.8", NULL},
	{UPT_TABLE_FILTER, "INPUT", "-j ACCEPT extra", NULL},
	{UPT_TABLE_FILTER, "INPUT", "-g ACCEPT", NULL},
	{UPT_TABLE_FILTER, "INPUT", "-j INPUT", NULL},
	{UPT_TABLE_FILTER, "INPUT", "-m comment --comment 'a b'", NULL},
	{UPT_TABLE_NAT, "PREROUTING", "-j DROP", NULL},
	{UPT_TABLE_FILTER, "INPUT", "-p tcp --dport 80 -m udp", NULL},
};

TEST(rule_roundtrip_gives_iptables_save_form)
{
	for (size_t i = 0; i < sizeof(rt_rows) / sizeof(rt_rows[0]); i++) {
		struct upt_sb sb;
		char err[256] = "";
		upt_sb_init(&sb);
		int rc = upt_rules_rule_roundtrip(rt_rows[i].table, rt_rows[i].chain, rt_rows[i].rule,
						  &sb, err, sizeof(err));
		if (rt_rows[i].want) {
			CHECK_MSG(rc == 0, "row %zu `%s': %s", i, rt_rows[i].rule, err);
			if (rc == 0)
				CHECK_STR(upt_sb_str(&sb), rt_rows[i].want);
		} else {
			CHECK_MSG(rc < 0, "row %zu `%s' accepted as `%s'", i, rt_rows[i].rule,
				  upt_sb_str(&sb));
		}
		upt_sb_free(&sb);
	}
}

/* ---- error messages, with line numbers ---- */

static const struct {
	const char *input;
	const char *err;
} err_rows[] = {
	{"*filter\n-A INPUT -j nochain\nCOMMIT\n", "line 2: Chain 'nochain' does not exist"},
	{"*filter\n:a - [0:0]\n:b - [0:0]\n-A a -j b\n-A b -j a\n-A INPUT -j a\nCOMMIT\n",
	 "line 5: RULE_APPEND failed (Too many links): rule in chain b"},
	{"*nat\n-A PREROUTING -j DROP\nCOMMIT\n",
	 "line 2: The \"nat\" table is not intended for filtering, the use of DROP is therefore "
	 "inhibited."},
	{"*filter\n-A INPUT\n", "COMMIT expected at line 3"},
	{"*filter\n*nat\nCOMMIT\n", "line 2: Bad argument `*nat'"},
	{"*bogus\nCOMMIT\n", "line 1: table name 'bogus' invalid"},
	{"*filter\n:INPUT REJECT [0:0]\nCOMMIT\n",
	 "line 2: Can't set policy `REJECT' on `INPUT': Bad policy name."},
	{"*filter\n-A INPUT -t nat\nCOMMIT\n",
	 "line 2: The -t option cannot be used in iptables-restore."},
	{"*filter\nfoo\nCOMMIT\n", "line 2: Bad argument `foo'"},
	{"*filter\n-I OUTPUT 2 -j ACCEPT\nCOMMIT\n", "line 2: Index of insertion too big."},
	{"*filter\n-D OUTPUT -j ACCEPT\nCOMMIT\n",
	 "line 2: Bad rule (does a matching rule exist in that chain?)."},
	{"*filter\n-P x ACCEPT\nCOMMIT\n", "line 2: Bad built-in chain name."},
	{"*filter\n-N INPUT\nCOMMIT\n", "line 2: Chain already exists."},
	{"*filter\n-N y\n-N z\n-E y z\nCOMMIT\n", "line 4: File exists."},
	{"*filter\n-A INPUT -o eth0\nCOMMIT\n", "line 2: Can't use -o with INPUT"},
	{"*filter\n-A INPUT -p tcp --bogus\nCOMMIT\n", "line 2: unknown option \"--bogus\""},
	{"*filter\n-A INPUT -m nosuch\nCOMMIT\n",
	 "line 2: Couldn't load match `nosuch':No such file or directory"},
	{"*filter\n-A INPUT ! ! -s 1.2.3.4\nCOMMIT\n",
	 "line 2: multiple consecutive ! not allowed"},
	{"*filter\n-A INPUT -s 1.2.3.4/33\nCOMMIT\n", "line 2: invalid mask `33' specified"},
	{"*filter\n-A INPUT -s foo.invalid\nCOMMIT\n",
	 "line 2: host/network `foo.invalid' not found"},
	{"*filter\n-A INPUT -p foo\nCOMMIT\n", "line 2: unknown protocol \"foo\" specified"},
	{"*filter\n-A INPUT ! -p all\nCOMMIT\n", "line 2: rule would never match protocol"},
	{"*filter\n-A INPUT -i\nCOMMIT\n", "line 2: option \"-i\" requires an argument"},
	{"*filter\n-A INPUT -s 1.2.3.4 -s 1.2.3.5\nCOMMIT\n",
	 "line 2: multiple -s flags not allowed"},
	{"*filter\n-A INPUT ! -m tcp\nCOMMIT\n", "line 2: unexpected ! flag before --match"},
	{"*filter\n-A INPUT -j ACCEPT !\nCOMMIT\n", "line 2: nothing appropriate following !"},
	{"*filter\n-A INPUT -j ACCEPT -j DROP\nCOMMIT\n", "line 2: multiple -j flags not allowed"},
	{"*filter\n-A INPUT -g ACCEPT\nCOMMIT\n", "line 2: Chain 'ACCEPT' does not exist"},
	{"*filter\n[1:2] -A INPUT -c 3 4 -j ACCEPT\nCOMMIT\n", NULL /* see below, needs -c */},
	{"*filter\n-A INPUT -i eth0 -i eth1\nCOMMIT\n", "line 2: multiple -i flags not allowed"},
	{"COMMIT\n", "line 1: COMMIT without a table"},
};

TEST(restore_errors_name_the_line_and_iptables_reason)
{
	for (size_t i = 0; i < sizeof(err_rows) / sizeof(err_rows[0]); i++) {
		if (!err_rows[i].err)
			continue;
		struct upt_rules *rs = upt_rules_create();
		char err[256] = "";
		int rc = restore(rs, err_rows[i].input, 0, err);
		CHECK_MSG(rc < 0, "row %zu accepted", i);
		CHECK_STR(err, err_rows[i].err);
		upt_rules_destroy(rs);
	}
}

TEST(restore_counter_prefix_and_dash_c_conflict_with_counters_flag)
{
	struct upt_rules *rs = upt_rules_create();
	char err[256] = "";
	CHECK(restore(rs, "*filter\n[1:2] -A INPUT -c 3 4 -j ACCEPT\nCOMMIT\n",
		      UPT_RESTORE_COUNTERS, err) < 0);
	CHECK_STR(err, "line 2: multiple -c flags not allowed");
	/* Without -c the prefix is dropped and the rule's own -c is kept. */
	CHECK_EQ(restore(rs, "*filter\n[1:2] -A INPUT -c 3 4 -j ACCEPT\nCOMMIT\n", 0, err), 0);
	char *s = save_nc(rs, "filter", UPT_SAVE_COUNTERS);
	CHECK(strstr(s, "[3:4] -A INPUT -j ACCEPT\n") != NULL);
	free(s);
	upt_rules_destroy(rs);
}

TEST(restore_with_counters_keeps_policy_and_rule_counters)
{
	struct upt_rules *rs = upt_rules_create();
	char err[256] = "";
	const char *in = "*filter\n:INPUT DROP [7:8]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [1:2]\n"
			 "[9:10] -A FORWARD -j ACCEPT\nCOMMIT\n";
	CHECK_EQ(restore(rs, in, UPT_RESTORE_COUNTERS, err), 0);
	char *s = save_nc(rs, NULL, UPT_SAVE_COUNTERS);
	CHECK_STR(s, in);
	free(s);
	/* Without -c, input counters are ignored and save prints zeros. */
	CHECK_EQ(restore(rs, in, 0, err), 0);
	s = save_nc(rs, NULL, UPT_SAVE_COUNTERS);
	CHECK_STR(s, "*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		     "[0:0] -A FORWARD -j ACCEPT\nCOMMIT\n");
	free(s);
	upt_rules_destroy(rs);
}

TEST(user_chains_are_saved_sorted_by_name_with_rules_in_chain_order)
{
	struct upt_rules *rs = upt_rules_create();
	char err[256] = "";
	CHECK_EQ(restore(rs,
			 "*filter\n:zeta - [0:0]\n:Alpha - [0:0]\n:beta - [0:0]\n:_x - [0:0]\n"
			 "-A INPUT -j zeta\n-A zeta -j beta\n-A FORWARD -j ACCEPT\n-A beta -j Alpha\n"
			 "COMMIT\n",
			 0, err),
		 0);
	char *s = save_nc(rs, NULL, 0);
	CHECK_STR(s, "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		     ":Alpha - [0:0]\n:_x - [0:0]\n:beta - [0:0]\n:zeta - [0:0]\n"
		     "-A INPUT -j zeta\n-A FORWARD -j ACCEPT\n-A beta -j Alpha\n-A zeta -j beta\n"
		     "COMMIT\n");
	free(s);
	upt_rules_destroy(rs);
}

TEST(tables_are_saved_in_iptables_save_order)
{
	struct upt_rules *rs = upt_rules_create();
	char err[256] = "";
	CHECK_EQ(restore(rs, "*filter\nCOMMIT\n*nat\nCOMMIT\n*raw\nCOMMIT\n*mangle\nCOMMIT\n", 0,
			 err),
		 0);
	char *s = save_nc(rs, NULL, 0);
	const char *m = strstr(s, "*mangle"), *r = strstr(s, "*raw"), *f = strstr(s, "*filter"),
		   *n = strstr(s, "*nat");
	CHECK(m && r && f && n && m < r && r < f && f < n);
	free(s);
	upt_rules_destroy(rs);
}

TEST(a_broken_input_leaves_the_old_ruleset)
{
	struct upt_rules *rs = upt_rules_create();
	char err[256] = "";
	const char *good = "*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT "
			   "[0:0]\n-A INPUT -s 1.2.3.4/32 -j ACCEPT\nCOMMIT\n";
	CHECK_EQ(restore(rs, good, 0, err), 0);
	char *before = save_nc(rs, NULL, 0);
	/* The first table is fine, the second one broken: nothing changes. */
	CHECK(restore(rs, "*filter\n-A INPUT -j DROP\nCOMMIT\n*nat\n-A INPUT -j nosuch\nCOMMIT\n",
		      0, err) < 0);
	CHECK_STR(err, "line 5: Chain 'nosuch' does not exist");
	char *after = save_nc(rs, NULL, 0);
	CHECK_STR(after, before);
	CHECK(!upt_rules_has_table(rs, UPT_TABLE_NAT));
	free(after);
	/* --test checks without applying. */
	CHECK_EQ(restore(rs, "*filter\n-F\nCOMMIT\n", UPT_RESTORE_TEST, err), 0);
	after = save_nc(rs, NULL, 0);
	CHECK_STR(after, before);
	free(after);
	free(before);
	upt_rules_destroy(rs);
}

TEST(noflush_commands_edit_the_existing_table)
{
	struct upt_rules *rs = upt_rules_create();
	char err[256] = "";
	CHECK_EQ(restore(rs, "*filter\n:x - [0:0]\n-A x -j ACCEPT\n-A INPUT -j x\nCOMMIT\n", 0, err),
		 0);
	/* ":x -" on an existing chain flushes it (iptables-nft 1.8.9). */
	CHECK_EQ(restore(rs, "*filter\n:x - [0:0]\nCOMMIT\n", UPT_RESTORE_NOFLUSH, err), 0);
	char *s = save_nc(rs, "filter", 0);
	CHECK_STR(s, "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		     ":x - [0:0]\n-A INPUT -j x\nCOMMIT\n");
	free(s);
	/* A referenced chain cannot be deleted. */
	CHECK(restore(rs, "*filter\n-X x\nCOMMIT\n", UPT_RESTORE_NOFLUSH, err) < 0);
	CHECK_STR(err, "line 2: CHAIN_DEL failed (Device or resource busy): chain x");
	CHECK_EQ(restore(rs,
			 "*filter\n-I INPUT 1 -s 1.1.1.1 -j DROP\n-I INPUT 2 -s 2.2.2.2 -j DROP\n"
			 "-A INPUT -s 3.3.3.3 -j DROP\n-D INPUT -j x\n-X x\n-N y\n-E y z\n"
			 "-A OUTPUT -j z\n-R INPUT 3 -s 4.4.4.4 -j ACCEPT\n-D INPUT 1\n"
			 "-P FORWARD DROP\nCOMMIT\n",
			 UPT_RESTORE_NOFLUSH, err),
		 0);
	s = save_nc(rs, "filter", 0);
	CHECK_STR(s, "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		     ":z - [0:0]\n-A INPUT -s 2.2.2.2/32 -j DROP\n-A INPUT -s 4.4.4.4/32 -j ACCEPT\n"
		     "-A OUTPUT -j z\nCOMMIT\n");
	free(s);
	/* Without --noflush the table starts over: policies back to ACCEPT. */
	CHECK_EQ(restore(rs, "*filter\nCOMMIT\n", 0, err), 0);
	s = save_nc(rs, "filter", 0);
	CHECK_STR(s, "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		     "COMMIT\n");
	free(s);
	upt_rules_destroy(rs);
}

TEST(validation_refuses_deep_jumps_and_misplaced_targets)
{
	struct upt_sb in;
	char err[256] = "";
	struct upt_rules *rs = upt_rules_create();

	/* INPUT -> c1 -> ... -> c16: the 16th level is refused (nf_tables' EMLINK). */
	upt_sb_init(&in);
	upt_sb_puts(&in, "*filter\n");
	for (int i = 1; i <= 16; i++)
		upt_sb_printf(&in, ":c%d - [0:0]\n", i);
	upt_sb_puts(&in, "-A INPUT -j c1\n");
	for (int i = 1; i < 16; i++)
		upt_sb_printf(&in, "-A c%d -j c%d\n", i, i + 1);
	upt_sb_puts(&in, "COMMIT\n");
	CHECK(restore(rs, upt_sb_str(&in), 0, err) < 0);
	CHECK_STR(err, "line 33: RULE_APPEND failed (Too many links): rule in chain c15");
	upt_sb_free(&in);
	/* 15 levels are fine. */
	CHECK_EQ(restore(rs,
			 "*filter\n:c1 - [0:0]\n:c2 - [0:0]\n:c3 - [0:0]\n:c4 - [0:0]\n:c5 - "
			 "[0:0]\n:c6 - [0:0]\n:c7 - [0:0]\n:c8 - [0:0]\n:c9 - [0:0]\n:c10 - "
			 "[0:0]\n:c11 - [0:0]\n:c12 - [0:0]\n:c13 - [0:0]\n:c14 - [0:0]\n:c15 - "
			 "[0:0]\n-A INPUT -j c1\n-A c1 -j c2\n-A c2 -j c3\n-A c3 -j c4\n-A c4 -j "
			 "c5\n-A c5 -j c6\n-A c6 -j c7\n-A c7 -j c8\n-A c8 -j c9\n-A c9 -j c10\n-A "
			 "c10 -j c11\n-A c11 -j c12\n-A c12 -j c13\n-A c13 -j c14\n-A c14 -j "
			 "c15\nCOMMIT\n",
			 0, err),
		 0);
	/* An unreachable self-loop is accepted, as nf_tables accepts it. */
	CHECK_EQ(restore(rs, "*filter\n:a - [0:0]\n-A a -j a\nCOMMIT\n", 0, err), 0);
	CHECK(restore(rs, "*filter\n:a - [0:0]\n-A a -j a\n-A INPUT -j a\nCOMMIT\n", 0, err) < 0);
	/* DNAT: not in filter, and in nat not reachable from POSTROUTING. */
	CHECK(restore(rs, "*filter\n-A INPUT -j DNAT --to-destination 1.2.3.4\nCOMMIT\n", 0,
		      err) < 0);
	CHECK(strncmp(err, "line 2: RULE_APPEND failed (Invalid argument", 44) == 0);
	CHECK(restore(rs,
		      "*nat\n:x - [0:0]\n-A x -j DNAT --to-destination 1.2.3.4\n"
		      "-A POSTROUTING -j x\nCOMMIT\n",
		      0, err) < 0);
	CHECK_STR(err, "line 3: RULE_APPEND failed (Invalid argument; target DNAT not valid in "
		       "POSTROUTING): rule in chain x");
	CHECK_EQ(restore(rs,
			 "*nat\n:x - [0:0]\n-A x -j DNAT --to-destination 1.2.3.4\n"
			 "-A PREROUTING -j x\nCOMMIT\n",
			 0, err),
		 0);
	upt_rules_destroy(rs);
}

/* ---- the upstream save dumps ---- */

static char *read_dump(const char *name)
{
	static const char *const dirs[] = {"../shared/conformance/iptables-save-dumps",
					   "/work/shared/conformance/iptables-save-dumps"};
	char path[512];
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		struct upt_sb sb;
		char buf[4096];
		size_t n;
		upt_sb_init(&sb);
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			upt_sb_printf(&sb, "%.*s", (int)n, buf);
		fclose(f);
		return take(&sb);
	}
	return NULL;
}

static char *strip_comments(const char *s)
{
	struct upt_sb out;
	upt_sb_init(&out);
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s + 1) : strlen(s);
		if (*s != '#')
			upt_sb_printf(&out, "%.*s", (int)n, s);
		s += n;
	}
	return take(&out);
}

static void check_dump(const char *name, unsigned flags, const char *const *tables)
{
	char *text = read_dump(name);
	char err[256] = "";
	CHECK_MSG(text != NULL, "%s: cannot read the dump", name);
	if (!text)
		return;
	struct upt_rules *rs = upt_rules_create();
	int rc = restore(rs, text, flags, err);
	CHECK_MSG(rc == 0, "%s: restore failed: %s", name, err);
	if (rc == 0) {
		char *want = strip_comments(text);
		struct upt_sb got;
		upt_sb_init(&got);
		for (const char *const *t = tables; *t; t++) {
			char *s = save_nc(rs, *t, (flags & UPT_RESTORE_COUNTERS) ? UPT_SAVE_COUNTERS : 0);
			upt_sb_puts(&got, s);
			free(s);
		}
		CHECK_MSG(strcmp(upt_sb_str(&got), want) == 0,
			  "%s: save differs from the input\n--- got:\n%s--- want:\n%s", name,
			  upt_sb_str(&got), want);
		upt_sb_free(&got);
		free(want);
	}
	upt_rules_destroy(rs);
	free(text);
}

static const char *const all_tables[] = {"mangle", "raw", "filter", "nat", NULL};

TEST(dump_ipt_save_filter_round_trips) /* needs match limit, mac, target TCPMSS */
{
	check_dump("ipt-save-filter.txt", 0, all_tables);
}

TEST(dump_policy_drop_round_trips)
{
	check_dump("policy-drop.txt", 0, all_tables);
}

TEST(dump_wireless_round_trips) /* needs target CT */
{
	check_dump("wireless.txt", 0, all_tables);
}

TEST(dump_fedora27_round_trips_with_counters) /* needs targets CHECKSUM, CT */
{
	static const char *const order[] = {"mangle", "raw", "filter", NULL};
	check_dump("fedora27-iptables", UPT_RESTORE_COUNTERS, order);
}

TEST(dump_firewalld_completed_round_trips)
{
	static const char *const order[] = {"nat", "mangle", "raw", "filter", NULL};
	check_dump("ipt-save-completed.txt", 0, order);
}

TEST(dump_iptables_dump_loads_one_table_at_a_time)
{
	char *text = read_dump("iptables.dump");
	CHECK(text != NULL);
	if (!text)
		return;
	for (int i = 0; all_tables[i]; i++) {
		struct upt_rules *rs = upt_rules_create();
		char err[256] = "";
		int rc = upt_rules_restore(rs, text, strlen(text), 0, all_tables[i], err, sizeof(err));
		CHECK_MSG(rc == 0, "-T %s: %s", all_tables[i], err);
		for (int t = 0; t < UPT_TABLE__COUNT; t++) {
			bool want = strcmp(all_tables[i], (const char *[]){"raw", "mangle", "nat",
									   "filter"}[t]) == 0;
			CHECK_EQ(upt_rules_has_table(rs, (enum upt_table)t), want);
		}
		upt_rules_destroy(rs);
	}
	free(text);
}

int main(void)
{
	RUN(rule_roundtrip_gives_iptables_save_form);
	RUN(restore_errors_name_the_line_and_iptables_reason);
	RUN(restore_counter_prefix_and_dash_c_conflict_with_counters_flag);
	RUN(restore_with_counters_keeps_policy_and_rule_counters);
	RUN(user_chains_are_saved_sorted_by_name_with_rules_in_chain_order);
	RUN(tables_are_saved_in_iptables_save_order);
	RUN(a_broken_input_leaves_the_old_ruleset);
	RUN(noflush_commands_edit_the_existing_table);
	RUN(validation_refuses_deep_jumps_and_misplaced_targets);
	RUN(dump_ipt_save_filter_round_trips);
	RUN(dump_policy_drop_round_trips);
	RUN(dump_wireless_round_trips);
	RUN(dump_fedora27_round_trips_with_counters);
	RUN(dump_firewalld_completed_round_trips);
	RUN(dump_iptables_dump_loads_one_table_at_a_time);
	return check_report("test_rules_restore");
}

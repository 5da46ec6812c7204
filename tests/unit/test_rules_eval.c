// SPDX-License-Identifier: GPL-2.0
/*
 * The evaluator against hand-made descriptors.  Expected verdicts and
 * counters follow the kernel's ipt_do_table: counters of a rule take a
 * packet only when all its matches matched; RETURN / falling off a user
 * chain pops the jump stack and, with it empty, the built-in chain's policy
 * applies and counts; -f matches non-first fragments only; interface names
 * compare exactly, or as a prefix with a trailing '+'.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pkt/pkt.h"
#include "rules/ext.h"
#include "rules/rules.h"

static struct upt_rules *load(const char *text)
{
	char err[256] = "";
	struct upt_rules *rs = upt_rules_create();
	int rc = upt_rules_restore(rs, text, strlen(text), UPT_RESTORE_COUNTERS, NULL, err,
				   sizeof(err));
	CHECK_MSG(rc == 0, "restore: %s", err);
	return rs;
}

static struct upt_ruleset *build(const struct upt_rules *rs)
{
	char err[256] = "";
	struct upt_ruleset *set = NULL;
	int rc = upt_ruleset_compile(rs, 7, &set, err, sizeof(err));
	CHECK_MSG(rc == 0, "compile: %s", err);
	return set;
}

struct pk {
	struct upt_pdesc d;
	struct upt_xt_pkt p;
};

static void mk(struct pk *k, uint32_t saddr, uint32_t daddr, uint8_t proto, const char *in,
	       const char *out)
{
	memset(k, 0, sizeof(*k));
	k->d.l2_kind = UPT_L2_IPV4;
	k->d.saddr = saddr;
	k->d.daddr = daddr;
	k->d.proto = proto;
	k->d.ip_len = 100;
	k->d.l4_ok = true;
	k->p.d = &k->d;
	k->p.in_name = in;
	k->p.out_name = out;
}

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* Trace collector. */
struct tlog {
	char buf[2048];
	size_t len;
};

static void tsink(void *ctx, const struct upt_trace_event *ev)
{
	struct tlog *t = ctx;
	static const char *const k[] = {[UPT_TRACE_CHAIN] = "CHAIN", [UPT_TRACE_RULE] = "RULE",
					[UPT_TRACE_POLICY] = "POLICY", [UPT_TRACE_RETURN] = "RETURN"};
	int n = snprintf(t->buf + t->len, sizeof(t->buf) - t->len, "%s %s %u %s|",
			 ev->kind < 10 && k[ev->kind] ? k[ev->kind] : "?", ev->chain, ev->rulenum,
			 ev->text ? ev->text : "");
	if (n > 0 && (size_t)n < sizeof(t->buf) - t->len)
		t->len += (size_t)n;
}

TEST(first_matching_rule_decides_and_counts)
{
	struct upt_rules *rs = load("*filter\n:INPUT DROP [0:0]\n"
				    "-A INPUT -s 10.0.0.0/8 -j ACCEPT\n"
				    "-A INPUT -s 10.1.0.0/16 -j DROP\n"
				    "-A INPUT -d 192.168.1.1/32\n"
				    "COMMIT\n");
	struct upt_ruleset *set = build(rs);
	struct pk k;

	mk(&k, IP(10, 1, 2, 3), IP(192, 168, 1, 1), 6, "eth0", "");
	CHECK_EQ(upt_ruleset_run(set, UPT_TABLE_FILTER, UPT_HOOK_LOCAL_IN, &k.p), UPT_V_ACCEPT);
	mk(&k, IP(11, 1, 2, 3), IP(192, 168, 1, 1), 6, "eth0", "");
	CHECK_EQ(upt_ruleset_run(set, UPT_TABLE_FILTER, UPT_HOOK_LOCAL_IN, &k.p), UPT_V_DROP);
	CHECK_EQ(k.p.drop_reason, UPT_DROP_POLICY_DROP);
	/* A table without the hook, and a table not loaded, accept. */
	CHECK_EQ(upt_ruleset_run(set, UPT_TABLE_FILTER, UPT_HOOK_PRE_ROUTING, &k.p), UPT_V_ACCEPT);
	CHECK_EQ(upt_ruleset_run(set, UPT_TABLE_NAT, UPT_HOOK_PRE_ROUTING, &k.p), UPT_V_ACCEPT);

	upt_rules_sync_counters(rs, set);
	struct upt_sb sb;
	upt_sb_init(&sb);
	upt_rules_save(rs, "filter", UPT_SAVE_COUNTERS, &sb);
	CHECK(strstr(upt_sb_str(&sb), ":INPUT DROP [1:100]\n") != NULL);
	CHECK(strstr(upt_sb_str(&sb), "[1:100] -A INPUT -s 10.0.0.0/8 -j ACCEPT\n") != NULL);
	CHECK(strstr(upt_sb_str(&sb), "[0:0] -A INPUT -s 10.1.0.0/16 -j DROP\n") != NULL);
	/* The rule without target counted the second packet only. */
	CHECK(strstr(upt_sb_str(&sb), "[1:100] -A INPUT -d 192.168.1.1/32\n") != NULL);
	upt_sb_free(&sb);
	upt_ruleset_free(set);

	/* A recompile starts from the synced counters. */
	set = build(rs);
	mk(&k, IP(11, 1, 2, 3), IP(1, 1, 1, 1), 6, "eth0", "");
	upt_ruleset_run(set, UPT_TABLE_FILTER, UPT_HOOK_LOCAL_IN, &k.p);
	upt_rules_sync_counters(rs, set);
	upt_sb_init(&sb);
	upt_rules_save(rs, "filter", UPT_SAVE_COUNTERS, &sb);
	CHECK(strstr(upt_sb_str(&sb), ":INPUT DROP [2:200]\n") != NULL);
	upt_sb_free(&sb);
	CHECK_EQ(upt_ruleset_generation(set), 7);
	upt_ruleset_free(set);
	upt_rules_destroy(rs);
}

static const struct {
	const char *rule;
	uint32_t saddr, daddr;
	uint8_t proto;
	uint16_t frag_off;
	const char *in, *out;
	bool match;
} ip_rows[] = {
	{"-s 10.0.0.0/8", IP(10, 9, 9, 9), 0, 6, 0, "eth0", "eth1", true},
	{"! -s 10.0.0.0/8", IP(10, 9, 9, 9), 0, 6, 0, "eth0", "eth1", false},
	{"! -s 10.0.0.0/8", IP(11, 9, 9, 9), 0, 6, 0, "eth0", "eth1", true},
	{"-d 10.0.12.0/255.0.255.0", 0, IP(10, 99, 12, 7), 6, 0, "eth0", "eth1", true},
	{"-d 10.0.12.0/255.0.255.0", 0, IP(10, 99, 13, 7), 6, 0, "eth0", "eth1", false},
	{"-i eth+", 0, 0, 6, 0, "eth12", "eth1", true},
	{"-i eth+", 0, 0, 6, 0, "veth0", "eth1", false},
	{"-i eth", 0, 0, 6, 0, "eth0", "eth1", false}, /* no wildcard: exact */
	{"-i eth0", 0, 0, 6, 0, "eth0", "eth1", true},
	{"! -i eth0", 0, 0, 6, 0, "eth0", "eth1", false},
	{"! -i +", 0, 0, 6, 0, "eth0", "eth1", false},
	{"-o eth1", 0, 0, 6, 0, "eth0", "eth1", true},
	{"! -o eth+", 0, 0, 6, 0, "eth0", "ppp0", true},
	{"-p tcp", 0, 0, 6, 0, "eth0", "eth1", true},
	{"-p udp", 0, 0, 6, 0, "eth0", "eth1", false},
	{"! -p udp", 0, 0, 6, 0, "eth0", "eth1", true},
	{"-f", 0, 0, 6, 0x0001, "eth0", "eth1", true},            /* offset 8 bytes */
	{"-f", 0, 0, 6, UPT_IP_MF, "eth0", "eth1", false},        /* first fragment */
	{"! -f", 0, 0, 6, UPT_IP_MF, "eth0", "eth1", true},
	{"! -f", 0, 0, 6, 0x2001, "eth0", "eth1", false},
};

TEST(ip_part_masks_wildcards_and_inversions)
{
	for (size_t i = 0; i < sizeof(ip_rows) / sizeof(ip_rows[0]); i++) {
		char text[256];
		snprintf(text, sizeof(text), "*filter\n:FORWARD DROP [0:0]\n-A FORWARD %s -j ACCEPT\nCOMMIT\n",
			 ip_rows[i].rule);
		struct upt_rules *rs = load(text);
		struct upt_ruleset *set = build(rs);
		struct pk k;
		if (!set) {
			upt_rules_destroy(rs);
			continue;
		}
		mk(&k, ip_rows[i].saddr, ip_rows[i].daddr, ip_rows[i].proto, ip_rows[i].in,
		   ip_rows[i].out);
		k.d.frag_off = ip_rows[i].frag_off;
		unsigned v = upt_ruleset_run(set, UPT_TABLE_FILTER, UPT_HOOK_FORWARD, &k.p);
		CHECK_MSG(v == (ip_rows[i].match ? UPT_V_ACCEPT : UPT_V_DROP), "row %zu `%s'", i,
			  ip_rows[i].rule);
		upt_ruleset_free(set);
		upt_rules_destroy(rs);
	}
}

TEST(jump_goto_return_and_policy_with_trace)
{
	struct upt_rules *rs = load("*filter\n:INPUT ACCEPT [0:0]\n:a - [0:0]\n:b - [0:0]\n"
				    "-A INPUT -j a\n"
				    "-A INPUT -s 1.1.1.1/32 -j DROP\n"
				    "-A a -s 2.2.2.2/32 -j RETURN\n"
				    "-A a -g b\n"
				    "-A b -s 3.3.3.3/32 -j DROP\n"
				    "COMMIT\n");
	struct upt_ruleset *set = build(rs);
	struct tlog tl;
	struct pk k;

	/* 1.1.1.1: a -> goto b -> falls off b: back to INPUT after the jump. */
	mk(&k, IP(1, 1, 1, 1), 0, 6, "eth0", "");
	memset(&tl, 0, sizeof(tl));
	k.p.trace = tsink;
	k.p.trace_ctx = &tl;
	CHECK_EQ(upt_ruleset_run(set, UPT_TABLE_FILTER, UPT_HOOK_LOCAL_IN, &k.p), UPT_V_DROP);
	CHECK_EQ(k.p.drop_reason, UPT_DROP_RULE_DROP);
	CHECK_STR(tl.buf, "CHAIN INPUT 0 |RULE INPUT 1 -A INPUT -j a|CHAIN a 0 |"
			  "RULE a 2 -A a -g b|CHAIN b 0 |RETURN b 0 |"
			  "RULE INPUT 2 -A INPUT -s 1.1.1.1/32 -j DROP|");
	/* 2.2.2.2: RETURN from a, then INPUT's policy. */
	mk(&k, IP(2, 2, 2, 2), 0, 6, "eth0", "");
	memset(&tl, 0, sizeof(tl));
	k.p.trace = tsink;
	k.p.trace_ctx = &tl;
	CHECK_EQ(upt_ruleset_run(set, UPT_TABLE_FILTER, UPT_HOOK_LOCAL_IN, &k.p), UPT_V_ACCEPT);
	CHECK_STR(tl.buf, "CHAIN INPUT 0 |RULE INPUT 1 -A INPUT -j a|CHAIN a 0 |"
			  "RULE a 1 -A a -s 2.2.2.2/32 -j RETURN|RETURN a 1 |POLICY INPUT 0 ACCEPT|");
	/* 3.3.3.3: dropped in b. */
	mk(&k, IP(3, 3, 3, 3), 0, 6, "eth0", "");
	CHECK_EQ(upt_ruleset_run(set, UPT_TABLE_FILTER, UPT_HOOK_LOCAL_IN, &k.p), UPT_V_DROP);
	upt_ruleset_free(set);
	upt_rules_destroy(rs);
}

TEST(return_in_builtin_and_goto_fall_off_apply_the_policy)
{
	struct upt_rules *rs = load("*filter\n:OUTPUT DROP [0:0]\n:g - [0:0]\n"
				    "-A OUTPUT -d 9.9.9.9/32 -j RETURN\n"
				    "-A OUTPUT -g g\n"
				    "-A OUTPUT -j ACCEPT\n"
				    "COMMIT\n");
	struct upt_ruleset *set = build(rs);
	struct pk k;

	mk(&k, 0, IP(9, 9, 9, 9), 17, "", "eth0");
	CHECK_EQ(upt_ruleset_run(set, UPT_TABLE_FILTER, UPT_HOOK_LOCAL_OUT, &k.p), UPT_V_DROP);
	CHECK_EQ(k.p.drop_reason, UPT_DROP_POLICY_DROP);
	/* Goto g from the built-in chain, g falls off: the policy, not rule 3. */
	mk(&k, 0, IP(8, 8, 8, 8), 17, "", "eth0");
	CHECK_EQ(upt_ruleset_run(set, UPT_TABLE_FILTER, UPT_HOOK_LOCAL_OUT, &k.p), UPT_V_DROP);
	CHECK_EQ(k.p.drop_reason, UPT_DROP_POLICY_DROP);
	upt_rules_sync_counters(rs, set);
	struct upt_sb sb;
	upt_sb_init(&sb);
	upt_rules_save(rs, "filter", UPT_SAVE_COUNTERS, &sb);
	CHECK(strstr(upt_sb_str(&sb), ":OUTPUT DROP [2:200]\n") != NULL);
	CHECK(strstr(upt_sb_str(&sb), "[0:0] -A OUTPUT -j ACCEPT\n") != NULL);
	upt_sb_free(&sb);
	upt_ruleset_free(set);
	upt_rules_destroy(rs);
}

TEST(extension_matches_and_targets_run_in_order)
{
	/* tcp/mark matches and the MARK target come from the extension member. */
	struct upt_rules *rs = load("*mangle\n:PREROUTING ACCEPT [0:0]\n"
				    "-A PREROUTING -p tcp --dport 80 -j MARK --set-mark 0x5\n"
				    "-A PREROUTING -m mark --mark 0x5 -j DROP\n"
				    "COMMIT\n");
	struct upt_ruleset *set = build(rs);
	struct pk k;

	if (!set) {
		upt_rules_destroy(rs);
		return;
	}
	mk(&k, IP(1, 2, 3, 4), IP(5, 6, 7, 8), 6, "eth0", "");
	k.d.dport = 80;
	k.d.sport = 1234;
	CHECK_EQ(upt_ruleset_run(set, UPT_TABLE_MANGLE, UPT_HOOK_PRE_ROUTING, &k.p), UPT_V_DROP);
	CHECK_EQ(k.p.mark, 5);
	mk(&k, IP(1, 2, 3, 4), IP(5, 6, 7, 8), 6, "eth0", "");
	k.d.dport = 81;
	CHECK_EQ(upt_ruleset_run(set, UPT_TABLE_MANGLE, UPT_HOOK_PRE_ROUTING, &k.p), UPT_V_ACCEPT);
	CHECK_EQ(k.p.mark, 0);
	upt_ruleset_free(set);
	upt_rules_destroy(rs);
}

TEST(a_loop_that_becomes_reachable_is_refused)
{
	/* An unreachable loop loads and compiles (nf_tables accepts it) ... */
	struct upt_rules *rs = load("*filter\n:a - [0:0]\n-A a -j a\nCOMMIT\n");
	struct upt_ruleset *set = build(rs);
	upt_ruleset_free(set);
	char err[256] = "";
	const char *more = "*filter\n-A INPUT -j a\nCOMMIT\n";
	/* ... and is refused once a built-in chain reaches it. */
	CHECK_EQ(upt_rules_restore(rs, more, strlen(more), UPT_RESTORE_NOFLUSH, NULL, err,
				   sizeof(err)),
		 -EINVAL);
	/* The looping rule is from an earlier input: the COMMIT line is named. */
	CHECK_STR(err, "line 3: Too many links: rule in chain a");
	upt_rules_destroy(rs);
}

int main(void)
{
	RUN(first_matching_rule_decides_and_counts);
	RUN(ip_part_masks_wildcards_and_inversions);
	RUN(jump_goto_return_and_policy_with_trace);
	RUN(return_in_builtin_and_goto_fall_off_apply_the_policy);
	RUN(extension_matches_and_targets_run_in_order);
	RUN(a_loop_that_becomes_reachable_is_refused);
	return check_report("test_rules_eval");
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The misc extensions: NFQUEUE, TCPOPTSTRIP, CLASSIFY, ECN, HMARK, AUDIT,
 * cpu and connlabel.
 *
 * Rule text: every row was taken from the real iptables 1.8.9 (nf_tables,
 * kernel 6.18) on this machine, in a fresh network namespace:
 * `iptables -t T -A C RULE`, then `-S C`, `-L C` and `-L C -n` (the rule's
 * line); NULL in the save column means iptables or the kernel refused it.
 * Left out: `--queue-balance 8:`, which 1.8.9 saves as 8:65535 and newer
 * iptables (libxt_NFQUEUE.t) as 8:65534, the form implemented.
 *
 * Packets: tests/kernel/ext_misc_probe.sh sent the same frames through a
 * kernel gateway (6.18, 2026-11-24) with TCPOPTSTRIP/ECN/HMARK rules in
 * mangle FORWARD; the options, flags, TOS and (as the TTL) marks they
 * arrived with are the expected values below.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rules/model.h"
#include "frames.h"
#include "rules/ext.h"
#include "rules/rules.h"
#include "xt_build.h"

static const struct {
	const char *table, *chain, *rule;
	const char *save;	/* NULL: refused */
	const char *list, *num; /* -L and -L -n rule lines */
} rows[] = {
    {"filter", "FORWARD", "-j NFQUEUE", "-A FORWARD -j NFQUEUE --queue-num 0",
     "NFQUEUE    all  --  anywhere             anywhere             NFQUEUE num 0",
     "NFQUEUE    0    --  0.0.0.0/0            0.0.0.0/0            NFQUEUE num 0"},
    {"filter", "FORWARD", "-j NFQUEUE --queue-num 7", "-A FORWARD -j NFQUEUE --queue-num 7",
     "NFQUEUE    all  --  anywhere             anywhere             NFQUEUE num 7",
     "NFQUEUE    0    --  0.0.0.0/0            0.0.0.0/0            NFQUEUE num 7"},
    {"filter", "FORWARD", "-j NFQUEUE --queue-balance 2:5 --queue-bypass", "-A FORWARD -j NFQUEUE --queue-balance 2:5 --queue-bypass",
     "NFQUEUE    all  --  anywhere             anywhere             NFQUEUE balance 2:5 bypass",
     "NFQUEUE    0    --  0.0.0.0/0            0.0.0.0/0            NFQUEUE balance 2:5 bypass"},
    {"filter", "FORWARD", "-j NFQUEUE --queue-bypass --queue-cpu-fanout --queue-balance 0:1", "-A FORWARD -j NFQUEUE --queue-balance 0:1 --queue-bypass --queue-cpu-fanout",
     "NFQUEUE    all  --  anywhere             anywhere             NFQUEUE balance 0:1 bypass cpu-fanout",
     "NFQUEUE    0    --  0.0.0.0/0            0.0.0.0/0            NFQUEUE balance 0:1 bypass cpu-fanout"},
    {"filter", "FORWARD", "-j NFQUEUE --queue-cpu-fanout", NULL, NULL, NULL},
    {"filter", "FORWARD", "-j NFQUEUE --queue-num 1 --queue-balance 1:2", NULL, NULL, NULL},
    {"filter", "FORWARD", "-j NFQUEUE --queue-balance 1:2 --queue-num 1", NULL, NULL, NULL},
    {"filter", "FORWARD", "-j NFQUEUE --queue-balance 0x10:0x20", "-A FORWARD -j NFQUEUE --queue-balance 16:32",
     "NFQUEUE    all  --  anywhere             anywhere             NFQUEUE balance 16:32",
     "NFQUEUE    0    --  0.0.0.0/0            0.0.0.0/0            NFQUEUE balance 16:32"},
    {"filter", "FORWARD", "-j NFQUEUE --queue-balance 5", NULL, NULL, NULL},
    {"filter", "FORWARD", "-j NFQUEUE --queue-num 1x", NULL, NULL, NULL},
    {"mangle", "FORWARD", "-p tcp -j TCPOPTSTRIP --strip-options timestamp,sack-permitted,md5,mss,wscale,sack,30", "-A FORWARD -p tcp -j TCPOPTSTRIP --strip-options 2,3,4,5,8,19,30",
     "TCPOPTSTRIP  tcp  --  anywhere             anywhere             TCPOPTSTRIP options mss,wscale,sack-permitted,sack,timestamp,md5,30",
     "TCPOPTSTRIP  6    --  0.0.0.0/0            0.0.0.0/0            TCPOPTSTRIP options 2,3,4,5,8,19,30"},
    {"mangle", "FORWARD", "-p tcp -j TCPOPTSTRIP --strip-options 0x2,255", "-A FORWARD -p tcp -j TCPOPTSTRIP --strip-options 2,255",
     "TCPOPTSTRIP  tcp  --  anywhere             anywhere             TCPOPTSTRIP options mss,255",
     "TCPOPTSTRIP  6    --  0.0.0.0/0            0.0.0.0/0            TCPOPTSTRIP options 2,255"},
    {"mangle", "FORWARD", "-p tcp -j TCPOPTSTRIP", "-A FORWARD -p tcp -j TCPOPTSTRIP",
     "TCPOPTSTRIP  tcp  --  anywhere             anywhere            ",
     "TCPOPTSTRIP  6    --  0.0.0.0/0            0.0.0.0/0           "},
    {"mangle", "FORWARD", "-p tcp -j TCPOPTSTRIP --strip-options mss,2", NULL, NULL, NULL},
    {"mangle", "FORWARD", "-p tcp -j TCPOPTSTRIP --strip-options 256", NULL, NULL, NULL},
    {"mangle", "FORWARD", "-p tcp -j TCPOPTSTRIP --strip-options mss,", NULL, NULL, NULL},
    {"mangle", "FORWARD", "-p tcp -j TCPOPTSTRIP --strip-options MSS", NULL, NULL, NULL},
    {"mangle", "FORWARD", "-p udp -j TCPOPTSTRIP --strip-options mss", NULL, NULL, NULL},
    {"filter", "FORWARD", "-p tcp -j TCPOPTSTRIP --strip-options mss", NULL, NULL, NULL},
    {"mangle", "FORWARD", "-j CLASSIFY --set-class 1:-1", "-A FORWARD -j CLASSIFY --set-class 0001:ffff",
     "CLASSIFY   all  --  anywhere             anywhere             CLASSIFY set 1:ffff",
     "CLASSIFY   0    --  0.0.0.0/0            0.0.0.0/0            CLASSIFY set 1:ffff"},
    {"mangle", "FORWARD", "-j CLASSIFY --set-class 0000:ffffffff", "-A FORWARD -j CLASSIFY --set-class 0000:ffff",
     "CLASSIFY   all  --  anywhere             anywhere             CLASSIFY set 0:ffff",
     "CLASSIFY   0    --  0.0.0.0/0            0.0.0.0/0            CLASSIFY set 0:ffff"},
    {"mangle", "FORWARD", "-j CLASSIFY --set-class 10:2abc", "-A FORWARD -j CLASSIFY --set-class 0010:2abc",
     "CLASSIFY   all  --  anywhere             anywhere             CLASSIFY set 10:2abc",
     "CLASSIFY   0    --  0.0.0.0/0            0.0.0.0/0            CLASSIFY set 10:2abc"},
    {"mangle", "POSTROUTING", "-j CLASSIFY --set-class 0x1:0X2", "-A POSTROUTING -j CLASSIFY --set-class 0001:0002",
     "CLASSIFY   all  --  anywhere             anywhere             CLASSIFY set 1:2",
     "CLASSIFY   0    --  0.0.0.0/0            0.0.0.0/0            CLASSIFY set 1:2"},
    {"mangle", "OUTPUT", "-j CLASSIFY --set-class 1:2junk", "-A OUTPUT -j CLASSIFY --set-class 0001:0002",
     "CLASSIFY   all  --  anywhere             anywhere             CLASSIFY set 1:2",
     "CLASSIFY   0    --  0.0.0.0/0            0.0.0.0/0            CLASSIFY set 1:2"},
    {"mangle", "INPUT", "-j CLASSIFY --set-class 1:2", NULL, NULL, NULL},
    {"mangle", "FORWARD", "-j CLASSIFY --set-class 12", NULL, NULL, NULL},
    {"mangle", "FORWARD", "-j CLASSIFY --set-class g:1", NULL, NULL, NULL},
    {"filter", "FORWARD", "-j CLASSIFY --set-class 1:1", "-A FORWARD -j CLASSIFY --set-class 0001:0001",
     "CLASSIFY   all  --  anywhere             anywhere             CLASSIFY set 1:1",
     "CLASSIFY   0    --  0.0.0.0/0            0.0.0.0/0            CLASSIFY set 1:1"},
    {"mangle", "FORWARD", "-p tcp -j ECN --ecn-tcp-ece 1 --ecn-tcp-cwr 0", "-A FORWARD -p tcp -j ECN --ecn-tcp-ece 1 --ecn-tcp-cwr 0",
     "ECN        tcp  --  anywhere             anywhere             ECN ECE=1 CWR=0",
     "ECN        6    --  0.0.0.0/0            0.0.0.0/0            ECN ECE=1 CWR=0"},
    {"mangle", "FORWARD", "-j ECN --ecn-ip-ect 3", "-A FORWARD -j ECN --ecn-ip-ect 3",
     "ECN        all  --  anywhere             anywhere             ECN ECT codepoint=3",
     "ECN        0    --  0.0.0.0/0            0.0.0.0/0            ECN ECT codepoint=3"},
    {"mangle", "FORWARD", "-p tcp -j ECN --ecn-ip-ect 1 --ecn-tcp-remove", "-A FORWARD -p tcp -j ECN --ecn-tcp-remove",
     "ECN        tcp  --  anywhere             anywhere             ECN TCP remove",
     "ECN        6    --  0.0.0.0/0            0.0.0.0/0            ECN TCP remove"},
    {"mangle", "FORWARD", "-p tcp -j ECN --ecn-tcp-ece 0 --ecn-tcp-cwr 0", "-A FORWARD -p tcp -j ECN --ecn-tcp-remove",
     "ECN        tcp  --  anywhere             anywhere             ECN TCP remove",
     "ECN        6    --  0.0.0.0/0            0.0.0.0/0            ECN TCP remove"},
    {"mangle", "FORWARD", "-p tcp -j ECN --ecn-tcp-remove --ecn-ip-ect 2", "-A FORWARD -p tcp -j ECN --ecn-tcp-ece 0 --ecn-tcp-cwr 0 --ecn-ip-ect 2",
     "ECN        tcp  --  anywhere             anywhere             ECN ECE=0 CWR=0 ECT codepoint=2",
     "ECN        6    --  0.0.0.0/0            0.0.0.0/0            ECN ECE=0 CWR=0 ECT codepoint=2"},
    {"mangle", "FORWARD", "-p tcp -j ECN --ecn-tcp-cwr 1", "-A FORWARD -p tcp -j ECN --ecn-tcp-cwr 1",
     "ECN        tcp  --  anywhere             anywhere             ECN CWR=1",
     "ECN        6    --  0.0.0.0/0            0.0.0.0/0            ECN CWR=1"},
    {"mangle", "FORWARD", "-p tcp -j ECN --ecn-tcp-remove --ecn-tcp-cwr 1", NULL, NULL, NULL},
    {"mangle", "FORWARD", "-p tcp -j ECN --ecn-tcp-ece 2", NULL, NULL, NULL},
    {"mangle", "FORWARD", "-j ECN --ecn-ip-ect 4", NULL, NULL, NULL},
    {"filter", "FORWARD", "-j HMARK --hmark-tuple src,dst,sport,dport,proto --hmark-rnd 1 --hmark-mod 10 --hmark-offset 100", "-A FORWARD -j HMARK --hmark-src-prefix 32 --hmark-dst-prefix 32 --hmark-sport-mask 0xffff --hmark-dport-mask 0xffff --hmark-proto-mask 0xffff --hmark-rnd 0x00000001 --hmark-mod 10 --hmark-offset 100",
     "HMARK      all  --  anywhere             anywhere             HMARK mod 10 + 0x64 src-prefix 32 dst-prefix 32 sport-mask 0xffff dport-mask 0xffff proto-mask 0xffff rnd 0x1 ",
     "HMARK      0    --  0.0.0.0/0            0.0.0.0/0            HMARK mod 10 + 0x64 src-prefix 32 dst-prefix 32 sport-mask 0xffff dport-mask 0xffff proto-mask 0xffff rnd 0x1 "},
    {"filter", "FORWARD", "-j HMARK --hmark-tuple spi,sport --hmark-rnd 1 --hmark-mod 10", NULL, NULL, NULL},
    {"filter", "FORWARD", "-j HMARK --hmark-tuple ct --hmark-mod 2", NULL, NULL, NULL},
    {"filter", "FORWARD", "-j HMARK --hmark-src-prefix 24 --hmark-spi 7 --hmark-rnd 1 --hmark-mod 3", "-A FORWARD -j HMARK --hmark-src-prefix 24 --hmark-spi 0x00000007 --hmark-rnd 0x00000001 --hmark-mod 3",
     "HMARK      all  --  anywhere             anywhere             HMARK mod 3 src-prefix 24 spi 0x7 rnd 0x1 ",
     "HMARK      0    --  0.0.0.0/0            0.0.0.0/0            HMARK mod 3 src-prefix 24 spi 0x7 rnd 0x1 "},
    {"filter", "FORWARD", "-j HMARK --hmark-tuple S,d,SPI --hmark-rnd 0xabc --hmark-mod 3", "-A FORWARD -j HMARK --hmark-src-prefix 32 --hmark-dst-prefix 32 --hmark-spi-mask 0xffffffff --hmark-rnd 0x00000abc --hmark-mod 3",
     "HMARK      all  --  anywhere             anywhere             HMARK mod 3 src-prefix 32 dst-prefix 32 spi-mask 0xffffffff rnd 0xabc ",
     "HMARK      0    --  0.0.0.0/0            0.0.0.0/0            HMARK mod 3 src-prefix 32 dst-prefix 32 spi-mask 0xffffffff rnd 0xabc "},
    {"filter", "FORWARD", "-j HMARK --hmark-tuple ct --hmark-rnd 1 --hmark-mod 0", NULL, NULL, NULL},
    {"filter", "FORWARD", "-j HMARK --hmark-tuple ct,foo --hmark-rnd 1 --hmark-mod 1", NULL, NULL, NULL},
    {"filter", "FORWARD", "-j HMARK --hmark-tuple src, --hmark-rnd 1 --hmark-mod 1", NULL, NULL, NULL},
    {"filter", "FORWARD", "-j HMARK --hmark-rnd 1 --hmark-mod 1", NULL, NULL, NULL},
    {"filter", "FORWARD", "-j HMARK --hmark-src-prefix 33 --hmark-rnd 1 --hmark-mod 1", "-A FORWARD -j HMARK --hmark-src-prefix 32 --hmark-rnd 0x00000001 --hmark-mod 1",
     "HMARK      all  --  anywhere             anywhere             HMARK mod 1 src-prefix 32 rnd 0x1 ",
     "HMARK      0    --  0.0.0.0/0            0.0.0.0/0            HMARK mod 1 src-prefix 32 rnd 0x1 "},
    {"filter", "FORWARD", "-j HMARK --hmark-dst-prefix 0 --hmark-dport 0x50 --hmark-proto-mask 6 --hmark-rnd 4294967295 --hmark-mod 4294967295 --hmark-offset 4294967295", "-A FORWARD -j HMARK --hmark-dst-prefix 0 --hmark-dport 0x0050 --hmark-proto-mask 0x06 --hmark-rnd 0xffffffff --hmark-mod 4294967295 --hmark-offset 4294967295",
     "HMARK      all  --  anywhere             anywhere             HMARK mod 4294967295 + 0xffffffff dst-prefix 0 dport 0x50 proto-mask 0x6 rnd 0xffffffff ",
     "HMARK      0    --  0.0.0.0/0            0.0.0.0/0            HMARK mod 4294967295 + 0xffffffff dst-prefix 0 dport 0x50 proto-mask 0x6 rnd 0xffffffff "},
    {"filter", "FORWARD", "-j AUDIT --type drop", "-A FORWARD -j AUDIT --type drop",
     "AUDIT      all  --  anywhere             anywhere             AUDIT drop",
     "AUDIT      0    --  0.0.0.0/0            0.0.0.0/0            AUDIT drop"},
    {"filter", "FORWARD", "-j AUDIT --type Accept", "-A FORWARD -j AUDIT --type accept",
     "AUDIT      all  --  anywhere             anywhere             AUDIT accept",
     "AUDIT      0    --  0.0.0.0/0            0.0.0.0/0            AUDIT accept"},
    {"filter", "FORWARD", "-j AUDIT --type rejected", NULL, NULL, NULL},
    {"filter", "FORWARD", "-m cpu ! --cpu 3", "-A FORWARD -m cpu ! --cpu 3",
     "           all  --  anywhere             anywhere             cpu ! 3",
     "           0    --  0.0.0.0/0            0.0.0.0/0            cpu ! 3"},
    {"filter", "FORWARD", "-m cpu --cpu 0x10", "-A FORWARD -m cpu --cpu 16",
     "           all  --  anywhere             anywhere             cpu 16",
     "           0    --  0.0.0.0/0            0.0.0.0/0            cpu 16"},
    {"filter", "FORWARD", "-m cpu --cpu -1", NULL, NULL, NULL},
    {"filter", "FORWARD", "-m connlabel --label 0x10", "-A FORWARD -m connlabel --label \"16\"",
     "           all  --  anywhere             anywhere             connlabel 16",
     "           0    --  0.0.0.0/0            0.0.0.0/0            connlabel 16"},
    {"filter", "FORWARD", "-m connlabel ! --label 127 --set", "-A FORWARD -m connlabel ! --label \"127\" --set",
     "           all  --  anywhere             anywhere             connlabel ! 127 set",
     "           0    --  0.0.0.0/0            0.0.0.0/0            connlabel ! 127 set"},
    {"filter", "FORWARD", "-m connlabel --label 4294967336", "-A FORWARD -m connlabel --label \"40\"",
     "           all  --  anywhere             anywhere             connlabel 40",
     "           0    --  0.0.0.0/0            0.0.0.0/0            connlabel 40"},
    {"filter", "FORWARD", "-m connlabel --label -1", NULL, NULL, NULL},
    {"filter", "FORWARD", "-m connlabel --label 128", NULL, NULL, NULL},
    {"filter", "FORWARD", "-m connlabel --label bit40", NULL, NULL, NULL},
    {"filter", "FORWARD", "-m connlabel --set", NULL, NULL, NULL},
    {"mangle", "FORWARD", "-j ECN --ecn-tcp-remove", NULL, NULL, NULL},
    {"mangle", "FORWARD", "! -p tcp -j ECN --ecn-tcp-ece 1", NULL, NULL, NULL},
    {"mangle", "FORWARD", "-p udp -j ECN --ecn-ip-ect 1", "-A FORWARD -p udp -j ECN --ecn-ip-ect 1",
     "ECN        udp  --  anywhere             anywhere             ECN ECT codepoint=1",
     "ECN        17   --  0.0.0.0/0            0.0.0.0/0            ECN ECT codepoint=1"},
    {"filter", "FORWARD", "-j HMARK --hmark-tuple src --hmark-rnd 0xabc --hmark-mod 3 --hmark-spi 7 --hmark-sport 1", NULL, NULL, NULL},
    {"mangle", "FORWARD", "-j TCPOPTSTRIP", NULL, NULL, NULL},
    {"mangle", "FORWARD", "! -p tcp -j TCPOPTSTRIP", NULL, NULL, NULL},
    {"filter", "INPUT", "-j NFQUEUE --queue-num 2", "-A INPUT -j NFQUEUE --queue-num 2",
     "NFQUEUE    all  --  anywhere             anywhere             NFQUEUE num 2",
     "NFQUEUE    0    --  0.0.0.0/0            0.0.0.0/0            NFQUEUE num 2"},
    {"filter", "FORWARD", "-m connlabel --label 0", "-A FORWARD -m connlabel --label \"0\"",
     "           all  --  anywhere             anywhere             connlabel 0",
     "           0    --  0.0.0.0/0            0.0.0.0/0            connlabel 0"},
};

/* The saved rule line of `chain` in rs, "" when none. */
static const char *saved_line(struct upt_rules *rs, const char *table, const char *chain,
			      char *line, size_t len)
{
	struct upt_sb sb;
	char head[64];
	const char *s;

	upt_sb_init(&sb);
	upt_rules_save(rs, table, 0, &sb);
	snprintf(head, sizeof(head), "\n-A %s ", chain);
	s = strstr(upt_sb_str(&sb), head);
	if (s)
		xt_nth_line(s + 1, 0, line, len);
	else
		line[0] = '\0';
	upt_sb_free(&sb);
	return line;
}

TEST(rule_text_is_what_iptables_1_8_9_lists)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct upt_rules *rs = upt_rules_create();
		char text[1024], err[512] = "", line[1024];
		int t = upt_rules_table_by_name(rows[i].table), rc;

		snprintf(text, sizeof(text), "*%s\n-A %s %s\nCOMMIT\n", rows[i].table,
			 rows[i].chain, rows[i].rule);
		rc = upt_rules_restore(rs, text, strlen(text), 0, NULL, err, sizeof(err));
		if (!rows[i].save) {
			CHECK_MSG(rc != 0, "[%s %s] %s: accepted, iptables refuses it",
				  rows[i].table, rows[i].chain, rows[i].rule);
			upt_rules_destroy(rs);
			continue;
		}
		CHECK_MSG(rc == 0, "[%s %s] %s: refused (%s)", rows[i].table, rows[i].chain,
			  rows[i].rule, err);
		if (rc == 0) {
			CHECK_STR(saved_line(rs, rows[i].table, rows[i].chain, line, sizeof(line)),
				  rows[i].save);
			for (int numeric = 0; numeric < 2; numeric++) {
				struct upt_list_opts o = {0};
				struct upt_sb sb;

				upt_sb_init(&sb);
				o.flags = numeric ? UPT_LIST_NUMERIC : 0;
				upt_rules_list(rs, (enum upt_table)t, rows[i].chain, 0, &o, &sb);
				CHECK_STR(xt_nth_line(upt_sb_str(&sb), 2, line, sizeof(line)),
					  numeric ? rows[i].num : rows[i].list);
				upt_sb_free(&sb);
			}
		}
		upt_rules_destroy(rs);
	}
}

/* The saved form restores to itself (save is the exact inverse of parse). */
TEST(saved_rule_restores_to_the_same_text)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct upt_rules *rs;
		char text[1024], err[512] = "", line[1024];

		if (!rows[i].save)
			continue;
		rs = upt_rules_create();
		snprintf(text, sizeof(text), "*%s\n%s\nCOMMIT\n", rows[i].table, rows[i].save);
		CHECK_MSG(upt_rules_restore(rs, text, strlen(text), 0, NULL, err, sizeof(err)) == 0,
			  "%s: refused (%s)", rows[i].save, err);
		CHECK_STR(saved_line(rs, rows[i].table, rows[i].chain, line, sizeof(line)),
			  rows[i].save);
		upt_rules_destroy(rs);
	}
}

/* Rules built from random option values: whatever is accepted saves to a text that
 * restores and saves to itself. */
TEST(random_options_save_and_restore_to_themselves)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	unsigned accepted = 0;

	for (unsigned i = 0; i < 3000; i++) {
		char rule[512], text[1024], err[512], first[768], again[768];
		struct upt_rules *rs;
		const char *table = "mangle";
		uint32_t r[6];

		for (unsigned j = 0; j < 6; j++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			r[j] = (uint32_t)x;
		}
		switch (i % 5) {
		case 0:
			if (r[0] & 1)
				snprintf(rule, sizeof(rule), "-j NFQUEUE --queue-num %u%s",
					 r[1] % 70000, r[2] & 1 ? " --queue-bypass" : "");
			else
				snprintf(rule, sizeof(rule), "-j NFQUEUE --queue-balance %u:%u%s%s",
					 r[1] % 66000, r[2] % 66000, r[3] & 1 ? " --queue-bypass" : "",
					 r[3] & 2 ? " --queue-cpu-fanout" : "");
			break;
		case 1:
			snprintf(rule, sizeof(rule), "-p tcp -j TCPOPTSTRIP --strip-options %u,%u,%u",
				 r[1] % 260, r[2] % 260, r[3] % 260);
			break;
		case 2:
			snprintf(rule, sizeof(rule), "-j CLASSIFY --set-class %x:%x", r[1] % 0x20000,
				 r[2]);
			break;
		case 3:
			snprintf(rule, sizeof(rule), "-p tcp -j ECN%s%s%s",
				 r[1] & 1 ? " --ecn-tcp-remove" : "",
				 r[1] & 2 ? (r[2] & 1 ? " --ecn-tcp-cwr 1" : " --ecn-tcp-ece 0") : "",
				 r[1] & 4 ? (r[2] & 2 ? " --ecn-ip-ect 3" : " --ecn-ip-ect 1") : "");
			break;
		default:
			table = "filter";
			snprintf(rule, sizeof(rule),
				 "-j HMARK --hmark-src-prefix %u --hmark-dst-prefix %u "
				 "--hmark-%s-mask %u --hmark-proto-mask %u --hmark-rnd %u "
				 "--hmark-mod %u --hmark-offset %u%s",
				 r[0] % 40, r[1] % 40, r[2] & 1 ? "sport" : "spi", r[3] % 70000,
				 r[4] % 70000, r[5], r[1] % 5, r[2], r[3] & 4 ? " --hmark-tuple ct" : "");
			break;
		}
		rs = upt_rules_create();
		snprintf(text, sizeof(text), "*%s\n-A FORWARD %s\nCOMMIT\n", table, rule);
		if (upt_rules_restore(rs, text, strlen(text), 0, NULL, err, sizeof(err)) != 0) {
			upt_rules_destroy(rs);
			continue;
		}
		accepted++;
		saved_line(rs, table, "FORWARD", first, sizeof(first));
		upt_rules_destroy(rs);
		rs = upt_rules_create();
		snprintf(text, sizeof(text), "*%s\n%s\nCOMMIT\n", table, first);
		CHECK_MSG(upt_rules_restore(rs, text, strlen(text), 0, NULL, err, sizeof(err)) == 0,
			  "%s: its save %s is refused (%s)", rule, first, err);
		CHECK_STR(saved_line(rs, table, "FORWARD", again, sizeof(again)), first);
		upt_rules_destroy(rs);
	}
	CHECK(accepted > 1000);
}

/* ---- through a whole engine ---- */

static void on_emit(void *ctx, uint32_t ifindex, const uint8_t *frame, uint32_t len, uint64_t now)
{
	(void)ctx, (void)ifindex, (void)frame, (void)len, (void)now;
}

static char log_lines[8][256];
static unsigned log_n, log_level;

static void on_log(void *ctx, unsigned level, const char *line)
{
	(void)ctx;
	if (log_n < 8)
		snprintf(log_lines[log_n++], sizeof(log_lines[0]), "%s", line);
	log_level = level;
}

static struct upt_engine *gateway(const char *rules)
{
	static const char *const conf[] = {
	    "link eth0 address 02:00:00:00:00:01",
	    "link eth1 address 02:00:00:00:01:01",
	    "addr add 198.51.100.1/24 dev eth0",
	    "addr add 192.168.1.1/24 dev eth1",
	    "sysctl net.ipv4.ip_forward=1",
	    "neigh add 198.51.100.2 lladdr 02:00:00:00:00:02 dev eth0",
	    "neigh add 192.168.1.2 lladdr 02:00:00:00:01:02 dev eth1",
	};
	struct upt_engine_config cfg = {.seed = {1, 1}, .emit = on_emit, .log = on_log};
	struct upt_engine *eng = NULL;
	char err[256];

	CHECK_EQ(upt_engine_create(&cfg, &eng), 0);
	for (size_t i = 0; i < sizeof(conf) / sizeof(conf[0]); i++)
		CHECK_MSG(upt_engine_config_line(eng, conf[i], err, sizeof(err)) == 0, "%s: %s",
			  conf[i], err);
	CHECK_MSG(upt_engine_restore(eng, rules, strlen(rules), 0, err, sizeof(err)) == 0,
		  "restore: %s", err);
	return eng;
}

static void restore_rules(struct upt_engine *eng, const char *rules)
{
	char err[256];

	CHECK_MSG(upt_engine_restore(eng, rules, strlen(rules), 0, err, sizeof(err)) == 0,
		  "restore: %s", err);
}

static uint8_t pbuf[UPT_PKT_HEADROOM + FRAME_MAX];

static struct upt_pkt push(struct upt_engine *eng, const struct frame *f, uint32_t mark)
{
	struct upt_pkt p = {.buf = pbuf, .cap = sizeof(pbuf), .off = UPT_PKT_HEADROOM};

	p.len = (uint32_t)frame_build(f, pbuf + p.off, sizeof(pbuf) - p.off);
	p.ifindex = upt_engine_ifindex(eng, "eth0");
	p.mark = mark;
	upt_engine_process(eng, &p, 1, 1000000000ull);
	return p;
}

/* Packet count of rule `n` (1-based) of FORWARD in filter, from the save listing with -c. */
static uint64_t rule_pkts(struct upt_engine *eng, unsigned n)
{
	char *out = NULL, *line, *save = NULL;
	unsigned seen = 0;
	uint64_t pkts = UINT64_MAX;

	CHECK_EQ(upt_engine_save(eng, "filter", UPT_SAVE_COUNTERS, &out), 0);
	if (!out)
		return pkts;
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long p, b;

		if (!strstr(line, "] -A FORWARD "))
			continue;
		if (++seen == n && sscanf(line, "[%llu:%llu]", &p, &b) == 2)
			pkts = p;
	}
	free(out);
	return pkts;
}

/* With nobody bound to a queue the kernel drops, or with the bypass flag goes on as if
 * the hook had accepted (the later DROP is not reached).  ext_misc_probe.sh saw it: of
 * three datagrams through mangle FORWARD NFQUEUE rules only the --queue-bypass one
 * arrived (--queue-num 9 and --queue-balance 3:4 --queue-cpu-fanout were dropped). */
TEST(nfqueue_without_listener_drops_unless_bypass)
{
	static const struct {
		const char *rules;
		uint8_t result;
		uint16_t reason;
	} cases[] = {
	    {"*filter\n-A FORWARD -j NFQUEUE --queue-num 3\nCOMMIT\n", UPT_PKT_DROPPED,
	     UPT_DROP_RULE_UNSUPPORTED},
	    {"*filter\n-A FORWARD -j NFQUEUE --queue-balance 0:7 --queue-cpu-fanout\nCOMMIT\n",
	     UPT_PKT_DROPPED, UPT_DROP_RULE_UNSUPPORTED},
	    {"*filter\n-A FORWARD -j NFQUEUE --queue-bypass\n-A FORWARD -j DROP\nCOMMIT\n",
	     UPT_PKT_FORWARDED, UPT_DROP_NONE},
	    {"*mangle\n-A FORWARD -j NFQUEUE --queue-bypass\nCOMMIT\n*filter\n-A FORWARD -j DROP\n"
	     "COMMIT\n",
	     UPT_PKT_DROPPED, UPT_DROP_RULE_DROP}, /* bypass ends mangle only */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct upt_engine *eng = gateway(cases[i].rules);
		struct frame f;
		struct upt_pkt p;

		frame_init(&f, UPT_IPPROTO_UDP, "198.51.100.2", 1000, "192.168.1.2", 53);
		p = push(eng, &f, 0);
		CHECK_MSG(p.result == cases[i].result, "case %zu: result %u", i, p.result);
		CHECK_MSG(p.reason == cases[i].reason, "case %zu: reason %u", i, p.reason);
		upt_engine_destroy(eng);
	}
}

/* One NETFILTER_PKT record per packet (the fields of xt_AUDIT.c's audit_tg/audit_ip4 in
 * current kernels), and the walk goes on. */
TEST(audit_logs_one_record_and_continues)
{
	struct upt_engine *eng =
	    gateway("*filter\n-A FORWARD -p udp -j AUDIT --type drop\n-A FORWARD -j DROP\nCOMMIT\n");
	struct frame f;
	struct upt_pkt p;

	log_n = 0;
	frame_init(&f, UPT_IPPROTO_UDP, "198.51.100.2", 1000, "192.168.1.2", 53);
	p = push(eng, &f, 0x2a);
	CHECK_EQ(p.result, UPT_PKT_DROPPED);
	CHECK_EQ(p.reason, UPT_DROP_RULE_DROP);
	CHECK_EQ(log_n, 1u);
	CHECK_EQ(log_level, 5u);
	CHECK_STR(log_lines[0],
		  "type=NETFILTER_PKT mark=0x2a saddr=198.51.100.2 daddr=192.168.1.2 proto=17 "
		  "sport=1000 dport=53");
	p = push(eng, &f, 0);
	CHECK_EQ(log_n, 2u);
	CHECK_STR(log_lines[1],
		  "type=NETFILTER_PKT mark=0 saddr=198.51.100.2 daddr=192.168.1.2 proto=17 sport=1000 "
		  "dport=53");
	/* no ports for other protocols */
	restore_rules(eng, "*filter\n-A FORWARD -j AUDIT --type accept\nCOMMIT\n");
	frame_init(&f, UPT_IPPROTO_ICMP, "198.51.100.2", 7, "192.168.1.2", 1);
	p = push(eng, &f, 0);
	CHECK_EQ(log_n, 3u);
	CHECK_STR(log_lines[2], "type=NETFILTER_PKT mark=0 saddr=198.51.100.2 daddr=192.168.1.2 proto=1");
	upt_engine_destroy(eng);
}

/*
 * Labels: --set sets the bit and matches; a later packet of the connection
 * finds it; `!` inverts every outcome; a connection made before any rule
 * used labels has none (the kernel adds the extension at creation).
 */
TEST(connlabel_sets_and_finds_bits_on_the_connection)
{
	static const char rules[] = "*filter\n"
				    "-A FORWARD -m connlabel --label 5\n"
				    "-A FORWARD -m connlabel --label 5 --set\n"
				    "-A FORWARD -m connlabel --label 5\n"
				    "-A FORWARD -m connlabel ! --label 7\n"
				    "-A FORWARD -m connlabel --label 7\n"
				    "-A FORWARD -m connlabel ! --label 5 --set\n"
				    "COMMIT\n";
	struct upt_engine *eng = gateway("*filter\n-A FORWARD -m conntrack --ctstate NEW\nCOMMIT\n");
	struct frame f, g;

	/* made before labels were in use */
	frame_init(&g, UPT_IPPROTO_UDP, "198.51.100.2", 2000, "192.168.1.2", 53);
	push(eng, &g, 0);
	restore_rules(eng, rules);
	frame_init(&f, UPT_IPPROTO_UDP, "198.51.100.2", 1000, "192.168.1.2", 53);
	push(eng, &f, 0);
	CHECK_EQ(rule_pkts(eng, 1), 0u);
	CHECK_EQ(rule_pkts(eng, 2), 1u);
	CHECK_EQ(rule_pkts(eng, 3), 1u);
	CHECK_EQ(rule_pkts(eng, 4), 1u);
	CHECK_EQ(rule_pkts(eng, 5), 0u);
	CHECK_EQ(rule_pkts(eng, 6), 0u);
	push(eng, &f, 0);
	CHECK_EQ(rule_pkts(eng, 1), 1u);
	CHECK_EQ(rule_pkts(eng, 2), 2u);
	/* the old connection: no labels, so no rule matches but the inverted ones */
	push(eng, &g, 0);
	CHECK_EQ(rule_pkts(eng, 1), 1u);
	CHECK_EQ(rule_pkts(eng, 2), 2u);
	CHECK_EQ(rule_pkts(eng, 4), 3u);
	CHECK_EQ(rule_pkts(eng, 6), 1u);
	upt_engine_destroy(eng);
}

/* ---- targets on frames, as the kernel rewrote the same frames ---- */

static void syn_frame(struct frame *f, uint16_t dport, uint8_t flags, uint8_t tos)
{
	xt_tcp_frame(f, flags, 1460);
	f->dport = dport;
	f->seq = 1000;
	f->sack_perm = true;
	f->has_wscale = true;
	f->wscale = 7;
	f->tos = tos;
}

TEST(tcpoptstrip_and_ecn_rewrite_as_the_kernel)
{
	static const struct {
		const char *target, *opts;
		uint8_t flags, tos;
		uint8_t want_flags, want_tos;
		const char *want_opts; /* TCP options as hex */
	} cases[] = {
	    {"TCPOPTSTRIP", "--strip-options mss,wscale", 0x02, 0x00, 0x02, 0x00,
	     "010101010101040201010101"},
	    {"TCPOPTSTRIP", "--strip-options sack-permitted", 0x02, 0x00, 0x02, 0x00,
	     "020405b40101010101030307"},
	    {"TCPOPTSTRIP", "--strip-options 30,timestamp", 0x02, 0x00, 0x02, 0x00,
	     "020405b40101040201030307"},
	    {"ECN", "--ecn-tcp-remove", 0xc2, 0x02, 0x02, 0x02, "020405b40101040201030307"},
	    {"ECN", "--ecn-tcp-cwr 1 --ecn-ip-ect 2", 0x02, 0x01, 0x82, 0x02,
	     "020405b40101040201030307"},
	    {"ECN", "--ecn-ip-ect 0", 0x02, 0xb9, 0x02, 0xb8, "020405b40101040201030307"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xt_ext e = xt_tg(cases[i].target, UPT_IPPROTO_TCP, cases[i].opts);
		struct frame f;
		struct xt_pk k;
		const uint8_t *ip, *tcp;
		char hex[200] = "";

		syn_frame(&f, 4000, cases[i].flags, cases[i].tos);
		xt_pk_build(&k, &f);
		CHECK_EQ(e.t->target(e.data, &k.p), UPT_V_CONTINUE);
		ip = xt_ip_of(&k);
		tcp = ip + 20;
		for (unsigned j = 20; j < (unsigned)(tcp[12] >> 4) * 4; j++)
			snprintf(hex + strlen(hex), sizeof(hex) - strlen(hex), "%02x", tcp[j]);
		CHECK_MSG(!strcmp(hex, cases[i].want_opts), "%s %s: options %s", cases[i].target,
			  cases[i].opts, hex);
		CHECK_MSG(tcp[13] == cases[i].want_flags, "%s %s: flags 0x%02x", cases[i].target,
			  cases[i].opts, tcp[13]);
		CHECK_MSG(ip[1] == cases[i].want_tos, "%s %s: tos 0x%02x", cases[i].target,
			  cases[i].opts, ip[1]);
		CHECK_EQ(k.d.tcp_flags, cases[i].want_flags);
		CHECK_EQ(k.d.tos, cases[i].want_tos);
		CHECK(frame_ip_csum_ok(ip));
		CHECK(frame_l4_csum_ok(ip));
		free(e.data);
	}
}

/* A data offset reaching past the packet: the kernel drops (tcpoptstrip_mangle_packet). */
TEST(tcpoptstrip_drops_a_header_longer_than_the_packet)
{
	struct xt_ext e = xt_tg("TCPOPTSTRIP", UPT_IPPROTO_TCP, "--strip-options mss");
	struct frame f;
	struct xt_pk k;

	syn_frame(&f, 4000, 0x02, 0);
	xt_pk_build(&k, &f);
	k.buf[k.d.l4_off + 12] = 0xf0; /* 60 bytes of header in a 52-byte segment */
	CHECK_EQ(e.t->target(e.data, &k.p), UPT_V_DROP);
	/* a later fragment is left alone */
	f.frag_offset = 100;
	xt_pk_build(&k, &f);
	CHECK_EQ(e.t->target(e.data, &k.p), UPT_V_CONTINUE);
	free(e.data);
}

/* Marks the kernel gave (seen as the TTL, 1..200). */
TEST(hmark_marks_as_the_kernel)
{
	static const char *const rule[] = {
	    [1] = "--hmark-tuple src,dst,sport,dport,proto --hmark-rnd 0x12345678 --hmark-mod 200 "
		  "--hmark-offset 1",
	    [2] = "--hmark-src-prefix 24 --hmark-dst-prefix 16 --hmark-sport-mask 0xff00 "
		  "--hmark-dport-mask 0x00ff --hmark-proto-mask 0x0f --hmark-rnd 0xdeadbeef "
		  "--hmark-mod 200 --hmark-offset 1",
	    [3] = "--hmark-tuple ct --hmark-src-prefix 32 --hmark-dst-prefix 32 --hmark-sport-mask "
		  "0xffff --hmark-dport-mask 0xffff --hmark-rnd 5 --hmark-mod 200 --hmark-offset 1",
	    [4] = "--hmark-tuple src,dst --hmark-rnd 0 --hmark-mod 200 --hmark-offset 1",
	    [5] = "--hmark-tuple sport,dport --hmark-sport 0x0001 --hmark-rnd 0xabcdef01 "
		  "--hmark-mod 200 --hmark-offset 1",
	    [6] = "--hmark-tuple src,dst,proto,sport,dport --hmark-rnd 77 --hmark-mod 200 "
		  "--hmark-offset 1",
	};
	static const struct {
		unsigned rule;
		uint8_t proto;
		uint16_t sport, dport; /* ICMP: id */
		uint32_t mark;
	} cases[] = {
	    {1, UPT_IPPROTO_UDP, 1000, 5001, 11},   {1, UPT_IPPROTO_UDP, 2000, 5001, 142},
	    {1, UPT_IPPROTO_UDP, 65535, 5001, 90},  {2, UPT_IPPROTO_UDP, 1000, 5002, 152},
	    {2, UPT_IPPROTO_UDP, 0x1234, 5002, 132}, {3, UPT_IPPROTO_UDP, 1000, 5003, 40},
	    {3, UPT_IPPROTO_UDP, 40000, 5003, 137}, {4, UPT_IPPROTO_UDP, 1000, 5004, 3},
	    {4, UPT_IPPROTO_UDP, 2000, 5004, 3},    {5, UPT_IPPROTO_TCP, 40000, 5005, 142},
	    {6, UPT_IPPROTO_ICMP, 1, 1, 81},        {6, UPT_IPPROTO_ICMP, 77, 1, 81},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xt_ext e = xt_tg("HMARK", 0, rule[cases[i].rule]);
		struct frame f;
		struct xt_pk k;
		struct upt_ct ct;

		frame_init(&f, cases[i].proto, "198.51.100.2", cases[i].sport, "192.168.1.2",
			   cases[i].dport);
		xt_pk_build(&k, &f);
		if (cases[i].rule == 3) {
			/* the kernel's entry for this flow, no NAT */
			memset(&ct, 0, sizeof(ct));
			CHECK(upt_tuple_from_pkt(&k.d, 0, &ct.tuple[UPT_CT_DIR_ORIGINAL]));
			upt_tuple_invert(&ct.tuple[UPT_CT_DIR_ORIGINAL], &ct.tuple[UPT_CT_DIR_REPLY]);
			k.p.ct = &ct;
		}
		CHECK_EQ(e.t->target(e.data, &k.p), UPT_V_CONTINUE);
		CHECK_MSG(k.p.mark == cases[i].mark, "case %zu: mark %u, kernel %u", i, k.p.mark,
			  cases[i].mark);
		free(e.data);
	}
}

/*
 * From xt_HMARK.c: an ICMP error hashes the header it quotes (so it lands
 * on the mark of its flow: the kernel's 11 for that flow above); with
 * --hmark-tuple ct and no conntrack entry the mark is left alone; a
 * fragment hashes without ports.
 */
TEST(hmark_uses_the_quoted_header_skips_ports_of_fragments)
{
	static const char opts[] = "--hmark-tuple src,dst,sport,dport,proto --hmark-rnd 0x12345678 "
				   "--hmark-mod 200 --hmark-offset 1";
	struct xt_ext e = xt_tg("HMARK", 0, opts);
	struct xt_ext c = xt_tg("HMARK", 0, "--hmark-tuple ct --hmark-rnd 5 --hmark-mod 200");
	struct frame of, f, g;
	uint8_t orig[FRAME_MAX];
	struct xt_pk k;
	uint32_t nofrag;

	frame_init(&of, UPT_IPPROTO_UDP, "198.51.100.2", 1000, "192.168.1.2", 5001);
	frame_build(&of, orig, sizeof(orig));
	frame_icmp_error(&f, "192.168.1.2", "198.51.100.2", 3, 3, &of, orig, 8);
	xt_pk_build(&k, &f);
	e.t->target(e.data, &k.p);
	CHECK_EQ(k.p.mark, 11u);

	xt_pk_build(&k, &of);
	k.p.mark = 0x77;
	CHECK_EQ(c.t->target(c.data, &k.p), UPT_V_CONTINUE);
	CHECK_EQ(k.p.mark, 0x77u);

	/* a first fragment (MF) of the same flow hashes as if it had no ports */
	frame_init(&g, UPT_IPPROTO_UDP, "198.51.100.2", 1000, "192.168.1.2", 5001);
	g.mf = true;
	xt_pk_build(&k, &g);
	e.t->target(e.data, &k.p);
	nofrag = k.p.mark;
	frame_init(&g, UPT_IPPROTO_UDP, "198.51.100.2", 2000, "192.168.1.2", 6001);
	g.mf = true;
	xt_pk_build(&k, &g);
	e.t->target(e.data, &k.p);
	CHECK_EQ(k.p.mark, nofrag);
	free(e.data);
	free(c.data);
}

TEST(classify_sets_the_priority_and_cpu_is_cpu_0)
{
	struct xt_ext c = xt_tg("CLASSIFY", 0, "--set-class 1:10");
	struct xt_ext m0 = xt_mm("cpu", 0, "--cpu 0"), m1 = xt_mm("cpu", 0, "--cpu 1");
	struct xt_ext n0 = xt_mm("cpu", 0, "! --cpu 0");
	struct frame f;
	struct xt_pk k;

	frame_init(&f, UPT_IPPROTO_UDP, "198.51.100.2", 1000, "192.168.1.2", 53);
	xt_pk_build(&k, &f);
	CHECK_EQ(c.t->target(c.data, &k.p), UPT_V_CONTINUE);
	CHECK_EQ(k.p.priority, 0x00010010u);
	CHECK(xt_run(&m0, &k));
	CHECK(!xt_run(&m1, &k));
	CHECK(!xt_run(&n0, &k));
	k.p.cpu = 1;
	CHECK(xt_run(&m1, &k));
	CHECK(xt_run(&n0, &k));
	free(c.data);
	free(m0.data);
	free(m1.data);
	free(n0.data);
}

int main(void)
{
	RUN(rule_text_is_what_iptables_1_8_9_lists);
	RUN(saved_rule_restores_to_the_same_text);
	RUN(random_options_save_and_restore_to_themselves);
	RUN(nfqueue_without_listener_drops_unless_bypass);
	RUN(audit_logs_one_record_and_continues);
	RUN(connlabel_sets_and_finds_bits_on_the_connection);
	RUN(tcpoptstrip_and_ecn_rewrite_as_the_kernel);
	RUN(tcpoptstrip_drops_a_header_longer_than_the_packet);
	RUN(hmark_marks_as_the_kernel);
	RUN(hmark_uses_the_quoted_header_skips_ports_of_fragments);
	RUN(classify_sets_the_priority_and_cpu_is_cpu_0);
	return check_report("test_ext_misc");
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Extensions, rule text: parse -> save round trips and refusals, through
 * the rules core's restore/save (one rule per ruleset).  The expected
 * column is what the real iptables 1.8.9 (nft backend) on this machine
 * lists for the same command (`iptables -A ...; iptables -S`), or FAIL
 * (NULL) when it refuses it; two rows differ on purpose, see their notes.
 * Plus the -L column (print) of each extension, against `iptables -L` and
 * `iptables -L -n` output of the same rules.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rules/ext.h"
#include "rules/rules.h"

static const struct {
	const char *table, *chain, *rule;
	const char *expected; /* NULL: must be refused */
} cases[] = {
    {"filter", "INPUT", "-p tcp --dport 80", "-p tcp -m tcp --dport 80"},
    {"filter", "INPUT", "-p tcp -m tcp --sport ssh:http", "-p tcp -m tcp --sport 22:80"},
    {"filter", "INPUT", "-p tcp -m tcp --tcp-flags ALL NONE",
     "-p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG NONE"},
    {"filter", "INPUT", "-p tcp -m tcp --tcp-flags syn,ack,fin none",
     "-p tcp -m tcp --tcp-flags FIN,SYN,ACK NONE"},
    {"filter", "INPUT", "-p tcp -m tcp ! --tcp-option 2", "-p tcp -m tcp ! --tcp-option 2"},
    {"filter", "INPUT", "-p tcp -m tcp --tcp-option 0", NULL},
    {"filter", "INPUT", "-p tcp -m tcp --syn --tcp-flags SYN SYN", NULL},
    {"filter", "INPUT", "-p tcp -m tcp --syn --dport 80 --tcp-option 2 --sport 22",
     "-p tcp -m tcp --sport 22 --dport 80 --tcp-option 2 --tcp-flags FIN,SYN,RST,ACK SYN"},
    /* legacy x_tables refuses a tcp match under a negated -p (xt_check_match); iptables-nft accepts
       it */
    {"filter", "INPUT", "! -p tcp -m tcp --dport 80", NULL},
    {"filter", "INPUT", "-p tcp -m tcp --tcp-flags SYN,BOGUS SYN", NULL},
    {"filter", "INPUT", "-p tcp -m tcp --dport 80 --dport 81", NULL},
    {"filter", "INPUT", "-p udp -m udp --dport domain", "-p udp -m udp --dport 53"},
    {"filter", "INPUT", "-p udp -m udp ! --sport 1000:", "-p udp -m udp ! --sport 1000:65535"},
    {"filter", "INPUT", "-p icmp -m icmp --icmp-type echo-request",
     "-p icmp -m icmp --icmp-type 8"},
    {"filter", "INPUT", "-p icmp -m icmp --icmp-type port-unreachable",
     "-p icmp -m icmp --icmp-type 3/3"},
    {"filter", "INPUT", "-p icmp -m icmp ! --icmp-type 3/1", "-p icmp -m icmp ! --icmp-type 3/1"},
    {"filter", "INPUT", "-p icmp -m icmp --icmp-type host", NULL},
    {"filter", "INPUT", "-p icmp -m icmp --icmp-type 256", NULL},
    {"filter", "INPUT", "-p icmp -m icmp --icmp-type 3/256", NULL},
    {"filter", "INPUT", "-p icmp -m icmp --icmp-type PING", "-p icmp -m icmp --icmp-type 8"},
    {"filter", "INPUT", "-p tcp -m multiport ! --dports 22,80:90",
     "-p tcp -m multiport ! --dports 22,80:90"},
    {"filter", "INPUT", "-p tcp -m multiport --dports ssh,http",
     "-p tcp -m multiport --dports 22,80"},
    {"filter", "INPUT", "-p tcp -m multiport --dports 80:80", NULL},
    {"filter", "INPUT", "-p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14:15",
     "-p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14:15"},
    {"filter", "INPUT", "-p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16",
     NULL},
    {"filter", "INPUT", "-p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15:16",
     NULL},
    {"filter", "INPUT", "-m multiport --dports 22", NULL},
    {"filter", "INPUT", "! -p tcp -m multiport --dports 22", NULL},
    {"filter", "INPUT", "-p icmp -m multiport --dports 22", NULL},
    {"filter", "INPUT", "-p tcp -m multiport --sports 22 --dports 80", NULL},
    {"filter", "INPUT", "-m state --state new,est", "-m state --state NEW,ESTABLISHED"},
    {"filter", "INPUT", "-m state --state SNAT", NULL},
    {"filter", "INPUT", "-m state ! --state related,INVALID", "-m state ! --state INVALID,RELATED"},
    {"filter", "INPUT",
     "-m conntrack ! --ctstate NEW,DNAT --ctproto 6 --ctorigsrc 10.0.0.0/8 ! --ctrepldst 1.2.3.4 "
     "--ctorigdstport 80:90 --ctstatus ASSURED,SEEN_REPLY --ctexpire 10:20 --ctdir REPLY",
     "-m conntrack ! --ctstate NEW,DNAT --ctproto 6 --ctorigsrc 10.0.0.0/8 ! --ctrepldst 1.2.3.4 "
     "--ctorigdstport 80:90 --ctstatus SEEN_REPLY,ASSURED --ctexpire 10:20 --ctdir REPLY"},
    {"filter", "INPUT", "-m conntrack --ctorigsrc 10.1.2.3/255.255.0.0",
     "-m conntrack --ctorigsrc 10.1.2.3/16"},
    /* iptables-nft 1.8.9 drops a non-contiguous mask; the x_tables info block keeps it */
    {"filter", "INPUT", "-m conntrack --ctreplsrc 10.1.2.3/255.0.255.0",
     "-m conntrack --ctreplsrc 10.1.2.3/255.0.255.0"},
    {"filter", "INPUT", "-m conntrack --ctexpire 5:", "-m conntrack --ctexpire 5:4294967295"},
    {"filter", "INPUT", "-m conntrack --ctdir sideways", NULL},
    {"filter", "INPUT", "-m conntrack ! --ctdir REPLY", NULL},
    {"filter", "INPUT", "-m conntrack --ctstatus NONE,ASSURED", "-m conntrack --ctstatus ASSURED"},
    {"filter", "INPUT", "-m conntrack --ctstatus BOGUS", NULL},
    {"filter", "INPUT", "-m conntrack --ctproto udp ! --ctreplsrcport 53",
     "-m conntrack --ctproto 17 ! --ctreplsrcport 53"},
    {"filter", "INPUT", "-m conntrack --ctstate NEW --ctstate RELATED", NULL},
    {"filter", "INPUT", "-m mark --mark 0x10/0xff", "-m mark --mark 0x10/0xff"},
    {"filter", "INPUT", "-m mark --mark 16", "-m mark --mark 0x10"},
    {"filter", "INPUT", "-m mark --mark 1/2/3", NULL},
    {"filter", "INPUT", "-m mark ! --mark 0xffffffff/0xffffffff", "-m mark ! --mark 0xffffffff"},
    {"filter", "INPUT", "-m comment --comment \"hi there\"", "-m comment --comment \"hi there\""},
    {"filter", "INPUT", "-m comment --comment \"\"", "-m comment --comment \"\""},
    {"filter", "INPUT", "-m comment --comment \"it's\"", "-m comment --comment \"it\\'s\""},
    {"filter", "INPUT", "-m iprange --src-range 1.1.1.1", "-m iprange --src-range 1.1.1.1-1.1.1.1"},
    {"filter", "INPUT", "-m iprange --src-range 1.1.1.300", NULL},
    {"filter", "INPUT", "-m iprange --dst-range 10.0.0.1-10.0.0.9 ! --src-range 1.1.1.1-1.1.1.2",
     "-m iprange ! --src-range 1.1.1.1-1.1.1.2 --dst-range 10.0.0.1-10.0.0.9"},
    {"filter", "INPUT", "-p tcp -j REJECT --reject-with tcp-rst",
     "-p tcp -j REJECT --reject-with tcp-reset"},
    {"filter", "INPUT", "-j REJECT --reject-with tcp-reset", NULL},
    {"filter", "INPUT", "! -p tcp -j REJECT --reject-with tcp-reset", NULL},
    {"filter", "INPUT", "-j REJECT --reject-with host-pro",
     "-j REJECT --reject-with icmp-host-prohibited"},
    {"filter", "INPUT", "-j REJECT --reject-with echo-reply", NULL},
    {"filter", "INPUT", "-j REJECT --reject-with bogus", NULL},
    {"filter", "FORWARD", "-j REJECT --reject-with net-unreach",
     "-j REJECT --reject-with icmp-net-unreachable"},
    {"filter", "OUTPUT", "-j REJECT --reject-with admin-prohib",
     "-j REJECT --reject-with icmp-admin-prohibited"},
    {"mangle", "PREROUTING", "-j REJECT", NULL},
    {"mangle", "INPUT", "-j REJECT --reject-with proto-unreach", NULL},
    {"filter", "INPUT", "-j LOG --log-prefix \"x: \" --log-level 3 --log-uid --log-macdecode",
     "-j LOG --log-prefix \"x: \" --log-level 3 --log-uid --log-macdecode"},
    {"filter", "INPUT", "-j LOG --log-level warning", "-j LOG"},
    {"filter", "INPUT",
     "-j LOG --log-level debug --log-ip-options --log-tcp-options --log-tcp-sequence",
     "-j LOG --log-level 7 --log-tcp-sequence --log-tcp-options --log-ip-options"},
    {"filter", "INPUT", "-j LOG --log-level 8", NULL},
    {"filter", "INPUT", "-j LOG --log-level ALERT", NULL},
    {"filter", "INPUT", "-j LOG --log-prefix 012345678901234567890123456789",
     "-j LOG --log-prefix 01234567890123456789012345678"},
    {"filter", "INPUT", "-j LOG --log-prefix abc", "-j LOG --log-prefix abc"},
    {"filter", "INPUT", "-j MARK --set-mark 0x5/0xf", "-j MARK --set-xmark 0x5/0xf"},
    {"filter", "INPUT", "-j MARK --and-mark 0xf0", "-j MARK --set-xmark 0x0/0xffffff0f"},
    {"filter", "INPUT", "-j MARK --or-mark 1", "-j MARK --set-xmark 0x1/0x1"},
    {"filter", "INPUT", "-j MARK --xor-mark 1", "-j MARK --set-xmark 0x1/0x0"},
    {"filter", "INPUT", "-j MARK --set-mark 7", "-j MARK --set-xmark 0x7/0xffffffff"},
    {"filter", "INPUT", "-j MARK --set-mark 1 --or-mark 2", NULL},
    {"filter", "INPUT", "-j MARK --and-mark 1/2", NULL},
    {"mangle", "PREROUTING", "-j MARK --set-xmark 0x1/0x3", "-j MARK --set-xmark 0x1/0x3"},
    {"nat", "PREROUTING", "-p tcp -j DNAT --to-destination 1.1.1.1:80 --random --persistent",
     "-p tcp -j DNAT --to-destination 1.1.1.1:80 --random --persistent"},
    {"nat", "OUTPUT", "-p tcp -j DNAT --to-destination :80", "-p tcp -j DNAT --to-destination :80"},
    {"nat", "PREROUTING", "-p udp -j DNAT --to-destination 10.0.0.1-10.0.0.3",
     "-p udp -j DNAT --to-destination 10.0.0.1-10.0.0.3"},
    {"nat", "POSTROUTING", "-p tcp -j DNAT --to-destination 1.1.1.1", NULL},
    {"filter", "INPUT", "-p tcp -j DNAT --to-destination 1.1.1.1", NULL},
    {"nat", "PREROUTING", "-p tcp -j DNAT --to-destination 1.1.1.1:80:90", NULL},
    {"nat", "PREROUTING", "-p tcp -j DNAT --to-destination 1.1.1", NULL},
    {"nat", "PREROUTING", "-p tcp -j DNAT --to-destination 1.1.1.1:80 --random-fully", NULL},
    {"nat", "PREROUTING", "-p tcp -j REDIRECT --to-ports 8080-8090 --random",
     "-p tcp -j REDIRECT --to-ports 8080-8090 --random"},
    {"nat", "PREROUTING", "-p tcp -j REDIRECT --to-ports 8080:8090", NULL},
    {"nat", "POSTROUTING", "-p tcp -j MASQUERADE --to-ports 1024-2000 --random-fully",
     "-p tcp -j MASQUERADE --to-ports 1024-2000 --random-fully"},
    {"nat", "POSTROUTING", "-o eth0 -j MASQUERADE", "-o eth0 -j MASQUERADE"},
    {"nat", "OUTPUT", "-j MASQUERADE", NULL},
    {"nat", "POSTROUTING", "-j MASQUERADE --to-ports 1024", NULL},
    {"nat", "POSTROUTING", "-p tcp -j SNAT --to-source 1.1.1.1-1.1.1.2:1000-2000 --random",
     "-p tcp -j SNAT --to-source 1.1.1.1-1.1.1.2:1000-2000 --random"},
    {"nat", "INPUT", "-j SNAT --to-source 1.1.1.1", "-j SNAT --to-source 1.1.1.1"},
    {"nat", "PREROUTING", "-j SNAT --to-source 1.1.1.1", NULL},
    {"nat", "POSTROUTING", "-p icmp -j SNAT --to-source 1.1.1.1:10-20",
     "-p icmp -j SNAT --to-source 1.1.1.1:10-20"},
    {"nat", "POSTROUTING", "-p tcp -j SNAT --to-source 1.1.1.1:ssh",
     "-p tcp -j SNAT --to-source 1.1.1.1:22"},
};

/* Restore one rule; NULL when refused, else its save line after "-A CHAIN " (static). */
static const char *roundtrip(const char *table, const char *chain, const char *rule, char *err,
			     size_t errlen)
{
	static char line[2048];
	struct upt_rules *rs = upt_rules_create();
	struct upt_sb sb;
	char text[2048], head[64];
	const char *s, *e;
	int rc;

	snprintf(text, sizeof(text), "*%s\n-A %s %s\nCOMMIT\n", table, chain, rule);
	rc = upt_rules_restore(rs, text, strlen(text), 0, NULL, err, errlen);
	if (rc) {
		upt_rules_destroy(rs);
		return NULL;
	}
	upt_sb_init(&sb);
	upt_rules_save(rs, table, 0, &sb);
	snprintf(head, sizeof(head), "\n-A %s ", chain);
	s = strstr(upt_sb_str(&sb), head);
	line[0] = '\0';
	if (s) {
		s += strlen(head);
		e = strchr(s, '\n');
		snprintf(line, sizeof(line), "%.*s", e ? (int)(e - s) : (int)strlen(s), s);
	}
	upt_sb_free(&sb);
	upt_rules_destroy(rs);
	return line;
}

TEST(save_is_what_iptables_lists_and_refusals_match)
{
	char err[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got;

		err[0] = '\0';
		got = roundtrip(cases[i].table, cases[i].chain, cases[i].rule, err, sizeof(err));
		if (!cases[i].expected) {
			CHECK_MSG(got == NULL,
				  "[%s %s] %s: accepted as \"%s\", iptables refuses it",
				  cases[i].table, cases[i].chain, cases[i].rule, got ? got : "");
			continue;
		}
		CHECK_MSG(got != NULL, "[%s %s] %s: refused (%s)", cases[i].table, cases[i].chain,
			  cases[i].rule, err);
		if (got)
			CHECK_STR(got, cases[i].expected);
	}
}

TEST(saved_text_parses_back_to_itself)
{
	char err[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char first[2048];
		const char *got;

		if (!cases[i].expected)
			continue;
		got =
		    roundtrip(cases[i].table, cases[i].chain, cases[i].expected, err, sizeof(err));
		CHECK_MSG(got != NULL, "%s: refused (%s)", cases[i].expected, err);
		if (!got)
			continue;
		snprintf(first, sizeof(first), "%s", got);
		CHECK_STR(first, cases[i].expected);
	}
}

/*
 * Print (-L): drive the ops directly.  argv holds "--opt arg ..." words of
 * one extension; "!" before an option inverts it.
 */
static int fill(bool is_target, const void *ops, void *data, uint8_t proto, char **argv, int argc,
		char *err, size_t errlen)
{
	const struct upt_xt_option *opts = is_target ? ((const struct upt_target_ops *)ops)->options
						     : ((const struct upt_match_ops *)ops)->options;
	int (*parse)(void *, unsigned, bool, const char *, struct upt_xt_parse *) =
	    is_target ? ((const struct upt_target_ops *)ops)->parse
		      : ((const struct upt_match_ops *)ops)->parse;
	int (*check)(void *, struct upt_xt_parse *) =
	    is_target ? ((const struct upt_target_ops *)ops)->check
		      : ((const struct upt_match_ops *)ops)->check;
	struct upt_xt_parse p;
	int i = 0, rc;

	memset(&p, 0, sizeof(p));
	p.proto = proto;
	p.argc = argc;
	p.argv = argv;
	p.optind = &i;
	p.err = err;
	p.errlen = errlen;
	while (i < argc) {
		bool inv = false;
		const struct upt_xt_option *o;
		const char *arg = NULL;

		if (!strcmp(argv[i], "!")) {
			inv = true;
			i++;
		}
		for (o = opts; o->name; o++)
			if (!strcmp(argv[i] + 2, o->name))
				break;
		if (!o->name)
			return -1;
		i++;
		if (o->flags & UPT_XTOPT_ARG)
			arg = argv[i++];
		rc = parse(data, o->id, inv, arg, &p);
		if (rc)
			return rc;
		p.seen |= 1u << o->id;
	}
	return check ? check(data, &p) : 0;
}

static const struct {
	bool target;
	const char *name;
	uint8_t proto;
	const char *opts;
	const char *numeric, *names; /* -L -n and -L columns, as iptables 1.8.9 prints them */
} prints[] = {
    {false, "icmp", 1, "--icmp-type 8", " icmptype 8", " icmp echo-request"},
    {false, "icmp", 1, "! --icmp-type 8", " icmp !type 8", " icmp !echo-request"},
    {false, "icmp", 1, "--icmp-type 3/1", " icmptype 3 code 1", " icmp host-unreachable"},
    {false, "icmp", 1, "--icmp-type any", " icmptype 255", " icmp any"},
    {false, "icmp", 1, "--icmp-type 255/255", " icmptype 255 code 255", " icmptype 255 code 255"},
    {false, "icmp", 1, "--icmp-type 3/1:4", " icmptype 3 codes 1-4", " icmptype 3 codes 1-4"},
    {false, "tcp", 6, "--sport 22 ! --dport 80:90 --tcp-flags SYN,ACK SYN --tcp-option 2",
     " tcp spt:22 dpts:!80:90 option=2 flags:0x12/0x02",
     " tcp spt:ssh dpts:!http:90 option=2 flags:SYN,ACK/SYN"},
    {false, "tcp", 6, "! --syn", " tcp flags:!0x17/0x02", " tcp flags:!FIN,SYN,RST,ACK/SYN"},
    {false, "udp", 17, "--sport 53 --dport 1000:2000", " udp spt:53 dpts:1000:2000",
     " udp spt:domain dpts:1000:2000"},
    {false, "multiport", 6, "! --dports 22,80:90", " multiport dports  !22,80:90",
     " multiport dports  !ssh,http:90"},
    {false, "multiport", 6, "--ports 22,80:90", " multiport ports 22,80:90",
     " multiport ports ssh,http:90"},
    {false, "state", 0, "! --state NEW,ESTABLISHED", " ! state NEW,ESTABLISHED",
     " ! state NEW,ESTABLISHED"},
    {false, "conntrack", 0,
     "! --ctstate NEW,DNAT --ctproto 6 --ctorigsrc 10.0.0.0/8 ! --ctrepldst 1.2.3.4 "
     "--ctorigdstport 80:90 --ctstatus ASSURED,SEEN_REPLY --ctexpire 10:20 --ctdir REPLY",
     " ! ctstate NEW,DNAT ctproto 6 ctorigsrc 10.0.0.0/8 ! ctrepldst 1.2.3.4 ctorigdstport "
     "80:90 ctstatus SEEN_REPLY,ASSURED ctexpire 10:20 ctdir REPLY",
     " ! ctstate NEW,DNAT ctproto 6 ctorigsrc 10.0.0.0/8 ! ctrepldst 1.2.3.4 ctorigdstport "
     "80:90 ctstatus SEEN_REPLY,ASSURED ctexpire 10:20 ctdir REPLY"},
    {false, "conntrack", 0, "--ctstatus NONE --ctorigsrc 0.0.0.0/0",
     " ctorigsrc 0.0.0.0/0 ctstatus NONE", " ctorigsrc anywhere ctstatus NONE"},
    {false, "mark", 0, "! --mark 0x10/0xff", " mark match ! 0x10/0xff", " mark match ! 0x10/0xff"},
    {false, "comment", 0, "--comment hi", " /* hi */", " /* hi */"},
    {false, "iprange", 0, "! --src-range 1.1.1.1-1.1.1.10 --dst-range 2.2.2.2-2.2.2.3",
     " source IP range ! 1.1.1.1-1.1.1.10 destination IP range 2.2.2.2-2.2.2.3",
     " source IP range ! 1.1.1.1-1.1.1.10 destination IP range 2.2.2.2-2.2.2.3"},
    {true, "REJECT", 6, "--reject-with tcp-rst", " reject-with tcp-reset",
     " reject-with tcp-reset"},
    {true, "LOG", 0, "--log-prefix x: --log-level 3 --log-uid --log-macdecode",
     " LOG flags 40 level 3 prefix \"x: \"", " LOG level err uid macdecode prefix \"x: \""},
    {true, "LOG", 0, "--log-level 0", " LOG flags 0 level 0", " LOG level emerg"},
    {true, "MARK", 0, "--set-mark 0x5/0xf", " MARK xset 0x5/0xf", " MARK xset 0x5/0xf"},
    {true, "MARK", 0, "--and-mark 0xf0", " MARK and 0xf0", " MARK and 0xf0"},
    {true, "MARK", 0, "--or-mark 0x1", " MARK or 0x1", " MARK or 0x1"},
    {true, "MARK", 0, "--xor-mark 0x1", " MARK xor 0x1", " MARK xor 0x1"},
    {true, "MARK", 0, "--set-mark 7", " MARK set 0x7", " MARK set 0x7"},
    {true, "DNAT", 6, "--to-destination 1.1.1.1:80 --random --persistent",
     " to:1.1.1.1:80 random persistent", " to:1.1.1.1:80 random persistent"},
    {true, "DNAT", 6, "--to-destination :80", " to::80", " to::80"},
    {true, "REDIRECT", 6, "--to-ports 8080-8090 --random", " redir ports 8080-8090 random",
     " redir ports 8080-8090 random"},
    {true, "MASQUERADE", 6, "--to-ports 1024-2000 --random-fully",
     " masq ports: 1024-2000 random-fully", " masq ports: 1024-2000 random-fully"},
    {true, "SNAT", 6, "--to-source 1.1.1.1-1.1.1.2:1000-2000 --random",
     " to:1.1.1.1-1.1.1.2:1000-2000 random", " to:1.1.1.1-1.1.1.2:1000-2000 random"},
};

TEST(print_column_is_what_iptables_L_shows)
{
	for (size_t i = 0; i < sizeof(prints) / sizeof(prints[0]); i++) {
		const void *ops = prints[i].target ? (const void *)upt_target_find(prints[i].name)
						   : (const void *)upt_match_find(prints[i].name);
		unsigned size = 0;
		void (*init)(void *) = NULL;
		void (*print)(const void *, struct upt_sb *, unsigned) = NULL;
		char words[512], *argv[32], *save = NULL, *w, err[256] = "";
		int argc = 0;
		void *data;

		CHECK_MSG(ops != NULL, "%s not registered", prints[i].name);
		if (!ops)
			continue;
		if (prints[i].target) {
			const struct upt_target_ops *t = ops;
			size = t->size, init = t->init, print = t->print;
		} else {
			const struct upt_match_ops *m = ops;
			size = m->size, init = m->init, print = m->print;
		}
		snprintf(words, sizeof(words), "%s", prints[i].opts);
		for (w = strtok_r(words, " ", &save); w && argc < 32;
		     w = strtok_r(NULL, " ", &save))
			argv[argc++] = w;
		/* The one LOG prefix with a blank: put it back together. */
		if (!strcmp(prints[i].name, "LOG") && argc > 1 && !strcmp(argv[1], "x:"))
			argv[1] = "x: ";
		data = calloc(1, size);
		if (init)
			init(data);
		CHECK_MSG(fill(prints[i].target, ops, data, prints[i].proto, argv, argc, err,
			       sizeof(err)) == 0,
			  "%s %s: %s", prints[i].name, prints[i].opts, err);
		for (int numeric = 1; numeric >= 0; numeric--) {
			struct upt_sb sb;

			upt_sb_init(&sb);
			print(data, &sb, numeric ? UPT_XT_PRINT_NUMERIC : 0);
			CHECK_STR(upt_sb_str(&sb), numeric ? prints[i].numeric : prints[i].names);
			upt_sb_free(&sb);
		}
		free(data);
	}
}

int main(void)
{
	RUN(save_is_what_iptables_lists_and_refusals_match);
	RUN(saved_text_parses_back_to_itself);
	RUN(print_column_is_what_iptables_L_shows);
	return check_report("test_ext_parse");
}

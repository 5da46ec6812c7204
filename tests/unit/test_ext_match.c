/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Extensions on the packet path: each match on parsed frames and
 * hand-set conntrack state, with the verdicts the kernel's match functions
 * give (xt_tcpudp.c, ip_tables.c icmp_match, xt_multiport.c, xt_state.c,
 * xt_conntrack.c, xt_mark.c, xt_iprange.c), and the MARK/LOG targets.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "frames.h"
#include "rules/ext.h"

/* ---- building extension data from option words ---- */

struct ext {
	const struct upt_match_ops *m;
	const struct upt_target_ops *t;
	void *data;
};

static struct ext mk(bool target, const char *name, uint8_t proto, const char *opts)
{
	struct ext e = {0};
	const struct upt_xt_option *o, *optv;
	char words[512], *argv[32], *save = NULL, *w, err[256] = "";
	int argc = 0, i = 0, rc = 0;
	struct upt_xt_parse p;

	if (target)
		e.t = upt_target_find(name);
	else
		e.m = upt_match_find(name);
	if (!e.m && !e.t) {
		CHECK_MSG(0, "%s not registered", name);
		return e;
	}
	e.data = calloc(1, target ? e.t->size : e.m->size);
	if (target ? (bool)e.t->init : (bool)e.m->init)
		(target ? e.t->init : e.m->init)(e.data);
	optv = target ? e.t->options : e.m->options;
	snprintf(words, sizeof(words), "%s", opts);
	for (w = strtok_r(words, " ", &save); w && argc < 32; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	memset(&p, 0, sizeof(p));
	p.proto = proto;
	p.argc = argc;
	p.argv = argv;
	p.optind = &i;
	p.err = err;
	p.errlen = sizeof(err);
	while (i < argc && rc == 0) {
		bool inv = !strcmp(argv[i], "!");
		const char *arg = NULL;

		if (inv)
			i++;
		for (o = optv; o->name && strcmp(argv[i] + 2, o->name); o++)
			;
		CHECK_MSG(o->name != NULL, "%s: unknown option %s", name, argv[i]);
		if (!o->name)
			break;
		i++;
		if (o->flags & UPT_XTOPT_ARG)
			arg = argv[i++];
		rc = (target ? e.t->parse : e.m->parse)(e.data, o->id, inv, arg, &p);
		p.seen |= 1u << o->id;
	}
	if (rc == 0 && (target ? (bool)e.t->check : (bool)e.m->check))
		rc = (target ? e.t->check : e.m->check)(e.data, &p);
	CHECK_MSG(rc == 0, "%s %s: %s", name, opts, err);
	return e;
}

static struct ext mm(const char *name, uint8_t proto, const char *opts)
{
	return mk(false, name, proto, opts);
}

/* ---- packets ---- */

struct pk {
	uint8_t buf[FRAME_MAX];
	struct upt_pdesc d;
	struct upt_xt_pkt p;
};

static void pk_build(struct pk *k, const struct frame *f)
{
	size_t n = frame_build(f, k->buf, sizeof(k->buf));

	memset(&k->d, 0, sizeof(k->d));
	memset(&k->p, 0, sizeof(k->p));
	CHECK(n > 0);
	CHECK_EQ(upt_pkt_parse_eth(&k->d, k->buf, (uint32_t)n), 0);
	k->p.d = &k->d;
	k->p.ctinfo = UPT_CTINFO_INVALID;
	k->p.in_name = "eth0";
	k->p.out_name = "";
}

static void tcp_pk(struct pk *k, uint16_t sport, uint16_t dport, uint8_t flags, uint16_t mss)
{
	struct frame f;

	frame_init(&f, UPT_IPPROTO_TCP, "198.51.100.2", sport, "198.51.100.1", dport);
	f.tcp_flags = flags;
	f.mss = mss;
	pk_build(k, &f);
}

static bool run(struct ext *e, struct pk *k)
{
	bool r;

	k->p.hotdrop = false;
	r = e->m->match(e->data, &k->p);
	return r;
}

/* ---- tcp ---- */

TEST(tcp_ports_and_ranges_with_inversion)
{
	struct ext d80 = mm("tcp", 6, "--dport 80"), nd80 = mm("tcp", 6, "! --dport 80");
	struct ext sr = mm("tcp", 6, "--sport 1000:2000");
	static const struct {
		uint16_t sport, dport;
		bool d80, nd80, sr;
	} rows[] = {
	    {999, 80, true, false, false},  {1000, 80, true, false, true},
	    {2000, 81, false, true, true},  {2001, 81, false, true, false},
	    {65535, 0, false, true, false},
	};
	struct pk k;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		tcp_pk(&k, rows[i].sport, rows[i].dport, UPT_TCP_ACK, 0);
		CHECK_EQ(run(&d80, &k), rows[i].d80);
		CHECK_EQ(run(&nd80, &k), rows[i].nd80);
		CHECK_EQ(run(&sr, &k), rows[i].sr);
		CHECK(!k.p.hotdrop);
	}
	free(d80.data), free(nd80.data), free(sr.data);
}

TEST(tcp_flags_mask_and_comparison)
{
	struct ext syn = mm("tcp", 6, "--syn"), nsyn = mm("tcp", 6, "! --syn");
	struct ext none = mm("tcp", 6, "--tcp-flags ALL NONE");
	struct ext synack = mm("tcp", 6, "--tcp-flags SYN,ACK SYN,ACK");
	static const struct {
		uint8_t flags;
		bool syn, none, synack;
	} rows[] = {
	    {UPT_TCP_SYN, true, false, false},
	    {UPT_TCP_SYN | UPT_TCP_ACK, false, false, true},
	    {UPT_TCP_SYN | UPT_TCP_FIN, false, false, false},
	    {UPT_TCP_SYN | UPT_TCP_PSH, true, false, false}, /* PSH is outside --syn's mask */
	    {UPT_TCP_SYN | UPT_TCP_ECE | UPT_TCP_CWR, true, false, false},
	    {0, false, true, false},
	    {UPT_TCP_ECE, false, true, false}, /* ALL is the low six bits only */
	    {UPT_TCP_ACK, false, false, false},
	};
	struct pk k;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		tcp_pk(&k, 1234, 80, rows[i].flags, 0);
		CHECK_EQ(run(&syn, &k), rows[i].syn);
		CHECK_EQ(run(&nsyn, &k), !rows[i].syn);
		CHECK_EQ(run(&none, &k), rows[i].none);
		CHECK_EQ(run(&synack, &k), rows[i].synack);
	}
	free(syn.data), free(nsyn.data), free(none.data), free(synack.data);
}

TEST(tcp_option_is_found_in_the_option_list)
{
	struct ext mss = mm("tcp", 6, "--tcp-option 2"), nmss = mm("tcp", 6, "! --tcp-option 2");
	struct ext ws = mm("tcp", 6, "--tcp-option 3");
	struct frame f;
	struct pk k;

	tcp_pk(&k, 1234, 80, UPT_TCP_SYN, 1460);
	CHECK(run(&mss, &k));
	CHECK(!run(&nmss, &k));
	CHECK(!run(&ws, &k));
	tcp_pk(&k, 1234, 80, UPT_TCP_SYN, 0); /* no options at all */
	CHECK(!run(&mss, &k));
	CHECK(run(&nmss, &k));
	frame_init(&f, UPT_IPPROTO_TCP, "198.51.100.2", 1, "198.51.100.1", 2);
	f.tcp_flags = UPT_TCP_SYN;
	f.mss = 1460;
	f.has_wscale = true;
	f.wscale = 7;
	pk_build(&k, &f);
	CHECK(run(&ws, &k)); /* found after the MSS option */
	CHECK(run(&mss, &k));
	free(mss.data), free(nmss.data), free(ws.data);
}

TEST(tcp_fragments_never_match_and_offset_one_is_dropped)
{
	struct ext any = mm("tcp", 6, ""), nd = mm("tcp", 6, "! --dport 80");
	struct frame f;
	struct pk k;

	frame_init(&f, UPT_IPPROTO_TCP, "198.51.100.2", 1, "198.51.100.1", 2);
	f.frag_offset = 1;
	pk_build(&k, &f);
	CHECK(!run(&any, &k));
	CHECK(k.p.hotdrop);
	CHECK(!run(&nd, &k)); /* inversion does not make a fragment match */
	f.frag_offset = 2;
	pk_build(&k, &f);
	CHECK(!run(&any, &k));
	CHECK(!k.p.hotdrop);
	/* First fragment with a whole header: an ordinary packet. */
	frame_init(&f, UPT_IPPROTO_TCP, "198.51.100.2", 1, "198.51.100.1", 2);
	f.mf = true;
	pk_build(&k, &f);
	CHECK(run(&any, &k));
	/* Unreadable header (truncated first fragment): hotdrop. */
	tcp_pk(&k, 1, 2, UPT_TCP_SYN, 0);
	k.d.l4_ok = false;
	CHECK(!run(&any, &k));
	CHECK(k.p.hotdrop);
	free(any.data), free(nd.data);
}

/* ---- udp ---- */

TEST(udp_ports)
{
	struct ext dns = mm("udp", 17, "--dport 53"), nsp = mm("udp", 17, "! --sport 1024:");
	struct frame f;
	struct pk k;

	frame_init(&f, UPT_IPPROTO_UDP, "10.0.0.1", 5353, "10.0.0.2", 53);
	pk_build(&k, &f);
	CHECK(run(&dns, &k));
	CHECK(!run(&nsp, &k));
	frame_init(&f, UPT_IPPROTO_UDP, "10.0.0.1", 123, "10.0.0.2", 54);
	pk_build(&k, &f);
	CHECK(!run(&dns, &k));
	CHECK(run(&nsp, &k));
	k.d.l4_ok = false;
	CHECK(!run(&dns, &k));
	CHECK(k.p.hotdrop);
	free(dns.data), free(nsp.data);
}

/* ---- icmp ---- */

TEST(icmp_type_and_code_ranges)
{
	struct ext echo = mm("icmp", 1, "--icmp-type echo-request");
	struct ext necho = mm("icmp", 1, "! --icmp-type 8");
	struct ext unr = mm("icmp", 1, "--icmp-type destination-unreachable");
	struct ext port = mm("icmp", 1, "--icmp-type 3/3");
	struct ext codes = mm("icmp", 1, "--icmp-type 3/1:3");
	struct ext any = mm("icmp", 1, "--icmp-type any");
	struct ext ff = mm("icmp", 1, "--icmp-type 255/255");
	static const struct {
		uint8_t type, code;
		bool echo, unr, port, codes;
	} rows[] = {
	    {8, 0, true, false, false, false},	 {0, 0, false, false, false, false},
	    {3, 3, false, true, true, true},	 {3, 1, false, true, false, true},
	    {3, 0, false, true, false, false},	 {3, 4, false, true, false, false},
	    {11, 0, false, false, false, false},
	};
	uint8_t orig[64];
	struct frame f, o;
	struct pk k;
	size_t olen;

	/* The quoted packet of the error types. */
	frame_init(&o, UPT_IPPROTO_UDP, "10.0.0.2", 4000, "10.0.0.9", 53);
	o.no_eth = true;
	olen = frame_build(&o, orig, sizeof(orig));
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i].type == 8 || rows[i].type == 0) {
			frame_init(&f, UPT_IPPROTO_ICMP, "10.0.0.1", 7, "10.0.0.2", 1);
			f.icmp_type = rows[i].type;
			f.icmp_code = rows[i].code;
		} else {
			frame_init(&f, UPT_IPPROTO_ICMP, "10.0.0.9", 0, "10.0.0.2", 0);
			f.icmp_type = rows[i].type;
			f.icmp_code = rows[i].code;
			f.quote = orig;
			f.quote_len = olen;
		}
		pk_build(&k, &f);
		CHECK_EQ(run(&echo, &k), rows[i].echo);
		CHECK_EQ(run(&necho, &k), !rows[i].echo);
		CHECK_EQ(run(&unr, &k), rows[i].unr);
		CHECK_EQ(run(&port, &k), rows[i].port);
		CHECK_EQ(run(&codes, &k), rows[i].codes);
		CHECK(run(&any, &k));
		/* The kernel takes type 255 as a wildcard whatever the codes say. */
		CHECK(run(&ff, &k));
	}
	free(echo.data), free(necho.data), free(unr.data), free(port.data), free(codes.data);
	free(any.data), free(ff.data);
}

/* ---- multiport ---- */

TEST(multiport_lists_ranges_and_either_direction)
{
	struct ext d = mm("multiport", 6, "--dports 22,80:90,443");
	struct ext nd = mm("multiport", 6, "! --dports 22,80:90,443");
	struct ext s = mm("multiport", 6, "--sports 22");
	struct ext e = mm("multiport", 6, "--ports 22");
	static const struct {
		uint16_t sport, dport;
		bool d, s, e;
	} rows[] = {
	    {40000, 22, true, false, true},   {40000, 85, true, false, false},
	    {40000, 90, true, false, false},  {40000, 91, false, false, false},
	    {22, 443, true, true, true},      {22, 8080, false, true, true},
	    {40000, 79, false, false, false},
	};
	struct pk k;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		tcp_pk(&k, rows[i].sport, rows[i].dport, UPT_TCP_ACK, 0);
		CHECK_EQ(run(&d, &k), rows[i].d);
		CHECK_EQ(run(&nd, &k), !rows[i].d);
		CHECK_EQ(run(&s, &k), rows[i].s);
		CHECK_EQ(run(&e, &k), rows[i].e);
	}
	free(d.data), free(nd.data), free(s.data), free(e.data);
}

/* ---- state / conntrack ---- */

static void set_ct(struct pk *k, struct upt_ct *ct, uint8_t ctinfo, uint8_t dir)
{
	k->p.ct = ct;
	k->p.ctinfo = ctinfo;
	k->p.ctdir = dir;
}

TEST(state_bits_follow_ctinfo)
{
	struct ext nw = mm("state", 0, "--state NEW"), est = mm("state", 0, "--state ESTABLISHED");
	struct ext rel = mm("state", 0, "--state RELATED"), inv = mm("state", 0, "--state INVALID");
	struct ext unt = mm("state", 0, "--state UNTRACKED");
	struct ext nnew = mm("state", 0, "! --state NEW,ESTABLISHED");
	static const struct {
		bool has_ct;
		uint8_t ctinfo;
		bool nw, est, rel, inv, unt;
	} rows[] = {
	    {true, UPT_CTINFO_NEW, true, false, false, false, false},
	    {true, UPT_CTINFO_ESTABLISHED, false, true, false, false, false},
	    {true, UPT_CTINFO_ESTABLISHED_REPLY, false, true, false, false, false},
	    {true, UPT_CTINFO_RELATED, false, false, true, false, false},
	    {true, UPT_CTINFO_RELATED_REPLY, false, false, true, false, false},
	    {false, UPT_CTINFO_INVALID, false, false, false, true, false},
	    {false, UPT_CTINFO_UNTRACKED, false, false, false, false, true},
	};
	struct upt_ct ct;
	struct pk k;

	memset(&ct, 0, sizeof(ct));
	tcp_pk(&k, 1, 2, UPT_TCP_SYN, 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		set_ct(&k, rows[i].has_ct ? &ct : NULL, rows[i].ctinfo, 0);
		CHECK_EQ(run(&nw, &k), rows[i].nw);
		CHECK_EQ(run(&est, &k), rows[i].est);
		CHECK_EQ(run(&rel, &k), rows[i].rel);
		CHECK_EQ(run(&inv, &k), rows[i].inv);
		CHECK_EQ(run(&unt, &k), rows[i].unt);
		CHECK_EQ(run(&nnew, &k), !(rows[i].nw || rows[i].est));
	}
	free(nw.data), free(est.data), free(rel.data), free(inv.data), free(unt.data);
	free(nnew.data);
}

TEST(conntrack_criteria_on_a_natted_entry)
{
	struct upt_ct ct;
	struct pk k;
	/* Client 192.168.1.2:40000 -> 198.51.100.1:80, DNATed to 10.0.0.5:8080. */
	memset(&ct, 0, sizeof(ct));
	ct.tuple[0] = (struct upt_tuple){
	    frame_addr("192.168.1.2"), frame_addr("198.51.100.1"), 40000, 80, 6, 0, 0};
	ct.tuple[1] = (struct upt_tuple){
	    frame_addr("10.0.0.5"), frame_addr("192.168.1.2"), 8080, 40000, 6, 0, 0};
	ct.status = UPT_IPS_DST_NAT | UPT_IPS_SEEN_REPLY | UPT_IPS_ASSURED | UPT_IPS_CONFIRMED;
	ct.expires = 500ull * 1000000000ull;
	tcp_pk(&k, 8080, 40000, UPT_TCP_ACK, 0);
	set_ct(&k, &ct, UPT_CTINFO_ESTABLISHED_REPLY, UPT_CT_DIR_REPLY);
	k.p.now = 100ull * 1000000000ull; /* 400 s left */

	static const struct {
		const char *opts;
		bool want;
	} rows[] = {
	    {"--ctstate DNAT", true},
	    {"--ctstate SNAT", false},
	    {"--ctstate ESTABLISHED,DNAT", true},
	    {"! --ctstate DNAT", false},
	    {"--ctstate NEW", false},
	    {"--ctdir REPLY", true},
	    {"--ctdir ORIGINAL", false},
	    {"--ctproto tcp", true},
	    {"! --ctproto tcp", false},
	    {"--ctproto udp", false},
	    {"--ctorigsrc 192.168.0.0/16", true},
	    {"--ctorigsrc 192.168.2.0/24", false},
	    {"! --ctorigsrc 192.168.2.0/24", true},
	    {"--ctorigdst 198.51.100.1", true},
	    {"--ctreplsrc 10.0.0.5", true},
	    {"--ctrepldst 192.168.1.2/32", true},
	    {"--ctreplsrc 10.9.9.5/255.0.0.255", true}, /* non-contiguous mask: 10.x.x.5 */
	    {"--ctreplsrc 10.9.9.6/255.0.0.255", false},
	    {"--ctorigdstport 80", true},
	    {"--ctorigdstport 81:90", false},
	    {"--ctreplsrcport 8000:8100", true},
	    {"! --ctreplsrcport 8000:8100", false},
	    {"--ctrepldstport 40000", true},
	    {"--ctorigsrcport 1:1023", false},
	    {"--ctstatus ASSURED", true},
	    {"--ctstatus EXPECTED", false},
	    {"--ctstatus EXPECTED,CONFIRMED", true},
	    {"--ctstatus NONE", false}, /* an empty mask never intersects */
	    {"! --ctstatus NONE", true},
	    {"--ctexpire 400", true},
	    {"--ctexpire 0:399", false},
	    {"--ctexpire 401:", false},
	    {"! --ctexpire 0:399", true},
	    {"--ctstate ESTABLISHED --ctdir REPLY --ctorigdstport 80 --ctstatus ASSURED", true},
	    {"--ctstate ESTABLISHED --ctdir ORIGINAL --ctorigdstport 80", false},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ext e = mm("conntrack", 0, rows[i].opts);

		CHECK_MSG(run(&e, &k) == rows[i].want, "conntrack %s: want %d", rows[i].opts,
			  rows[i].want);
		free(e.data);
	}
}

TEST(conntrack_without_an_entry_only_state_can_match)
{
	struct ext inv = mm("conntrack", 0, "--ctstate INVALID");
	struct ext ninv = mm("conntrack", 0, "! --ctstate INVALID");
	struct ext proto = mm("conntrack", 0, "! --ctproto udp");
	struct ext both = mm("conntrack", 0, "--ctstate INVALID ! --ctproto udp");
	struct ext unt = mm("conntrack", 0, "--ctstate UNTRACKED");
	struct pk k;

	tcp_pk(&k, 1, 2, UPT_TCP_ACK, 0);
	set_ct(&k, NULL, UPT_CTINFO_INVALID, 0);
	CHECK(run(&inv, &k));
	CHECK(!run(&ninv, &k));
	CHECK(!run(&proto, &k)); /* no entry, no --ctstate: no match even when negated */
	CHECK(run(&both, &k));	 /* the state held, the rest is not looked at */
	CHECK(!run(&unt, &k));
	set_ct(&k, NULL, UPT_CTINFO_UNTRACKED, 0);
	CHECK(run(&unt, &k));
	CHECK(!run(&inv, &k));
	free(inv.data), free(ninv.data), free(proto.data), free(both.data), free(unt.data);
}

/* ---- mark, iprange, comment ---- */

TEST(mark_value_under_mask)
{
	struct ext m = mm("mark", 0, "--mark 0x10/0xf0"), nm = mm("mark", 0, "! --mark 0x10/0xf0");
	struct ext exact = mm("mark", 0, "--mark 5");
	static const struct {
		uint32_t mark;
		bool m, exact;
	} rows[] = {{0x10, true, false},  {0x1f, true, false}, {0x110, true, false},
		    {0x20, false, false}, {5, false, true},    {0x105, false, false}};
	struct pk k;

	tcp_pk(&k, 1, 2, UPT_TCP_ACK, 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		k.p.mark = rows[i].mark;
		CHECK_EQ(run(&m, &k), rows[i].m);
		CHECK_EQ(run(&nm, &k), !rows[i].m);
		CHECK_EQ(run(&exact, &k), rows[i].exact);
	}
	free(m.data), free(nm.data), free(exact.data);
}

TEST(iprange_bounds_are_inclusive)
{
	struct ext s = mm("iprange", 0, "--src-range 10.0.0.10-10.0.0.20");
	struct ext nd = mm("iprange", 0, "! --dst-range 192.168.0.0-192.168.255.255");
	struct ext both = mm("iprange", 0, "--src-range 10.0.0.10-10.0.0.20 --dst-range 1.1.1.1");
	static const struct {
		const char *src, *dst;
		bool s, nd, both;
	} rows[] = {
	    {"10.0.0.9", "1.1.1.1", false, true, false},
	    {"10.0.0.10", "1.1.1.1", true, true, true},
	    {"10.0.0.20", "192.168.3.4", true, false, false},
	    {"10.0.0.21", "192.168.255.255", false, false, false},
	    {"10.0.0.15", "1.1.1.2", true, true, false},
	};
	struct frame f;
	struct pk k;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		frame_init(&f, UPT_IPPROTO_UDP, rows[i].src, 1, rows[i].dst, 2);
		pk_build(&k, &f);
		CHECK_EQ(run(&s, &k), rows[i].s);
		CHECK_EQ(run(&nd, &k), rows[i].nd);
		CHECK_EQ(run(&both, &k), rows[i].both);
	}
	free(s.data), free(nd.data), free(both.data);
}

/* ---- targets ---- */

TEST(mark_target_forms_rewrite_the_mark)
{
	static const struct {
		const char *opts;
		uint32_t before, after;
	} rows[] = {
	    {"--set-mark 0x5", 0xabcd, 0x5},
	    {"--set-mark 0x5/0xf", 0xabcd, 0xabc5},
	    {"--set-xmark 0x5/0xf", 0xabcd, 0xabc0 ^ 0x5},
	    {"--set-xmark 0x5/0x0", 0xabcd, 0xabcd ^ 0x5},
	    {"--and-mark 0xff", 0xabcd, 0xcd},
	    {"--or-mark 0x30", 0xabcd, 0xabfd},
	    {"--xor-mark 0xff", 0xabcd, 0xab32},
	};
	struct pk k;

	tcp_pk(&k, 1, 2, UPT_TCP_ACK, 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ext e = mk(true, "MARK", 0, rows[i].opts);

		k.p.mark = rows[i].before;
		CHECK_EQ(e.t->target(e.data, &k.p), UPT_V_CONTINUE);
		CHECK_MSG(k.p.mark == rows[i].after, "%s: 0x%x -> 0x%x, want 0x%x", rows[i].opts,
			  rows[i].before, k.p.mark, rows[i].after);
		free(e.data);
	}
}

TEST(nat_targets_leave_a_bound_connection_alone)
{
	static const struct {
		const char *name, *opts;
		uint32_t done; /* the manip the target binds */
	} rows[] = {
	    {"DNAT", "--to-destination 10.0.0.5:8080", UPT_IPS_DST_NAT_DONE},
	    {"REDIRECT", "--to-ports 3128", UPT_IPS_DST_NAT_DONE},
	    {"SNAT", "--to-source 198.51.100.1", UPT_IPS_SRC_NAT_DONE},
	    {"MASQUERADE", "", UPT_IPS_SRC_NAT_DONE},
	};
	struct upt_ct ct, before;
	struct pk k;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ext e = mk(true, rows[i].name, 6, rows[i].opts);

		tcp_pk(&k, 40000, 80, UPT_TCP_SYN, 0);
		memset(&ct, 0, sizeof(ct));
		ct.tuple[0] = (struct upt_tuple){
		    frame_addr("192.168.1.2"), frame_addr("198.51.100.1"), 40000, 80, 6, 0, 0};
		ct.tuple[1] = (struct upt_tuple){
		    frame_addr("198.51.100.1"), frame_addr("192.168.1.2"), 80, 40000, 6, 0, 0};
		ct.status = rows[i].done;
		before = ct;
		set_ct(&k, &ct, UPT_CTINFO_NEW, 0);
		/* Already decided for this manip: the binding stands, the packet goes on. */
		CHECK_EQ(e.t->target(e.data, &k.p), UPT_V_ACCEPT);
		CHECK(memcmp(&ct, &before, sizeof(ct)) == 0);
		/* No entry (untracked): nat rules do not apply. */
		set_ct(&k, NULL, UPT_CTINFO_UNTRACKED, 0);
		CHECK_EQ(e.t->target(e.data, &k.p), UPT_V_ACCEPT);
		free(e.data);
	}
}

TEST(masquerade_skips_a_connection_from_0_0_0_0)
{
	struct ext e = mk(true, "MASQUERADE", 0, "");
	struct upt_ct ct;
	struct pk k;

	tcp_pk(&k, 68, 67, UPT_TCP_SYN, 0);
	memset(&ct, 0, sizeof(ct));
	ct.tuple[0].dst = frame_addr("255.255.255.255");
	set_ct(&k, &ct, UPT_CTINFO_NEW, 0);
	CHECK_EQ(e.t->target(e.data, &k.p), UPT_V_ACCEPT);
	CHECK_EQ(ct.status, 0);
	free(e.data);
}

int main(void)
{
	RUN(tcp_ports_and_ranges_with_inversion);
	RUN(tcp_flags_mask_and_comparison);
	RUN(tcp_option_is_found_in_the_option_list);
	RUN(tcp_fragments_never_match_and_offset_one_is_dropped);
	RUN(udp_ports);
	RUN(icmp_type_and_code_ranges);
	RUN(multiport_lists_ranges_and_either_direction);
	RUN(state_bits_follow_ctinfo);
	RUN(conntrack_criteria_on_a_natted_entry);
	RUN(conntrack_without_an_entry_only_state_can_match);
	RUN(mark_value_under_mask);
	RUN(iprange_bounds_are_inclusive);
	RUN(mark_target_forms_rewrite_the_mark);
	RUN(nat_targets_leave_a_bound_connection_alone);
	RUN(masquerade_skips_a_connection_from_0_0_0_0);
	return check_report("test_ext_match");
}

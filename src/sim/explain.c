/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uptables-sim explain --config GW.conf --rules RULES.v4 [--trace text|json|none]
 *                      'PROTO SRC[:PORT] > DST[:PORT] in IFACE'
 *
 * Theory of operation.  explain builds the one packet the user describes
 * (a TCP SYN, a UDP datagram or an ICMP echo request, TTL 64, from a
 * made-up MAC to the interface's MAC) and runs it through a gateway loaded
 * from the same files the replay mode uses.  When the gateway asks ARP for
 * a next hop the config has no `neigh` line for, explain plays that host
 * and answers with a made-up MAC (02:00 followed by the four bytes of the
 * IPv4 address), so the held packet comes out as it would on a network.
 * From the frame that left, it builds the answer the destination would
 * send (addresses and ports swapped; SYN/ACK, echo reply, a datagram back)
 * and sends it into the interface the request left by; when the request
 * was delivered to the gateway itself, the gateway's own answer goes out
 * through OUTPUT.  Every walk is printed as the replay mode's trace and
 * summarised (rules hit, the rule that dropped it, the frame that left)
 * for diag.c, which turns the summaries into diagnostics.
 *
 * `listen tcp|udp [ADDR:]PORT` lines in the config are explain's own: they
 * say which services exist (on the gateway, or on host ADDR), so that a
 * DNAT or REDIRECT to a port nothing listens on can be named.  They are
 * taken out before the config reaches the engine.
 *
 * Exit status: 0 no problems found, 1 problems found, 2 bad invocation or
 * input (packet description, interface, config, rules).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/explain.h"

#define T_REQUEST 1000000000ull /* the request's time: 1 s on the simulated clock */
#define T_REPLY	  1001000000ull
#define MAX_EMITS 32

enum { P_ICMP = 1, P_TCP = 6, P_UDP = 17 };

/* ---- running packets ------------------------------------------------------ */

struct emitted {
	uint32_t ifindex;
	char what[32];
	uint32_t len;
	bool used;
	uint8_t data[XP_FRAME];
};

struct run {
	struct xp_ctx *x;
	struct sim_trace tr;
	bool print;	    /* this engine's walks are printed (not the what-if) */
	struct xp_leg *leg; /* walk being summarised, NULL for explain's ARP answers */
	char emit_what[32];
	struct emitted emits[MAX_EMITS];
	unsigned nemits;
	unsigned npkt;
};

static void hit_from(struct xp_hit *h, const struct upt_trace_event *ev)
{
	memset(h, 0, sizeof(*h));
	h->policy = ev->kind == UPT_TRACE_POLICY;
	h->table = ev->table;
	h->hook = ev->hook;
	h->rulenum = ev->rulenum;
	snprintf(h->chain, sizeof(h->chain), "%s", ev->chain ? ev->chain : "");
	snprintf(h->text, sizeof(h->text), "%s", ev->text ? ev->text : "");
}

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && strcmp(s + a - b, tail) == 0;
}

/* A rule or policy that drops (the REJECT target has options after it). */
static bool hit_drops(const struct xp_hit *h)
{
	if (h->policy)
		return strcmp(h->text, "DROP") == 0;
	return ends_with(h->text, " -j DROP") || strstr(h->text, " -j REJECT") != NULL;
}

static void absorb(struct xp_leg *L, const struct upt_trace_event *ev)
{
	struct xp_hit h;

	switch (ev->kind) {
	case UPT_TRACE_CT:
		if (!L->ct[0])
			snprintf(L->ct, sizeof(L->ct), "%s", ev->text ? ev->text : "");
		break;
	case UPT_TRACE_ROUTE:
		snprintf(L->route, sizeof(L->route), "%s", ev->text ? ev->text : "");
		break;
	case UPT_TRACE_NAT:
		if (ev->text && !L->nat[0] && strncmp(ev->text, "binding", 7) == 0 &&
		    strstr(ev->text, "DNAT"))
			snprintf(L->nat, sizeof(L->nat), "%s", ev->text);
		break;
	case UPT_TRACE_RULE:
	case UPT_TRACE_POLICY:
		hit_from(&h, ev);
		if (L->nhits < XP_MAX_RULES)
			L->hits[L->nhits++] = h;
		if (!h.policy && h.table == UPT_TABLE_NAT && !L->dnat_rule_hit &&
		    (strstr(h.text, " -j DNAT") || strstr(h.text, " -j REDIRECT"))) {
			L->dnat = h;
			L->dnat_rule_hit = true;
		}
		if (hit_drops(&h)) {
			L->culprit = h;
			L->have_culprit = true;
		}
		break;
	default:
		break;
	}
}

static void on_trace(void *ctx, const struct upt_trace_event *ev)
{
	struct run *r = ctx;

	if (ev->kind == UPT_TRACE_EMIT)
		snprintf(r->emit_what, sizeof(r->emit_what), "%s", ev->text ? ev->text : "");
	if (r->leg)
		absorb(r->leg, ev);
	if (r->print)
		sim_trace_event(&r->tr, ev);
}

static void on_emit(void *ctx, uint32_t ifindex, const uint8_t *frame, uint32_t len, uint64_t now)
{
	struct run *r = ctx;
	struct emitted *e;

	(void)now;
	if (r->nemits == MAX_EMITS || len > XP_FRAME)
		return;
	e = &r->emits[r->nemits++];
	e->ifindex = ifindex;
	e->len = len;
	e->used = false;
	memcpy(e->data, frame, len);
	snprintf(e->what, sizeof(e->what), "%s", r->emit_what);
	r->emit_what[0] = '\0';
}

static void on_log(void *ctx, unsigned level, const char *line)
{
	(void)ctx;
	fprintf(stderr, "<%u>%s\n", level, line);
}

static void say(struct run *r, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(struct run *r, const char *kind, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	if (!r->print || r->tr.mode == SIM_TRACE_NONE)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (r->tr.mode == SIM_TRACE_JSON) {
		const char *s;

		fprintf(r->tr.out, "{\"%s\":\"", kind);
		for (s = text; *s; s++) {
			if (*s == '"' || *s == '\\')
				fputc('\\', r->tr.out);
			if ((unsigned char)*s >= 0x20)
				fputc(*s, r->tr.out);
		}
		fprintf(r->tr.out, "\"}\n");
	} else {
		fprintf(r->tr.out, "%s%s\n", strcmp(kind, "note") == 0 ? "  note: " : "", text);
	}
}

static void flush(struct run *r, uint64_t now, uint32_t in_ifindex)
{
	const char *name = upt_engine_ifname(r->x->eng, in_ifindex);

	if (r->print)
		sim_trace_flush(&r->tr, ++r->npkt, now, name ? name : "");
}

static void leg_set_frame(struct xp_leg *L, const uint8_t *fr, uint32_t len, uint32_t ifindex)
{
	if (len > XP_FRAME)
		len = XP_FRAME;
	memcpy(L->frame, fr, len);
	L->frame_len = len;
	L->frame_ifindex = ifindex;
	L->have_flow = xp_frame_flow(L->frame, len, &L->flow, NULL);
}

/* The VLAN interface on `wire` with tag `vid` (the wire itself when none). */
static uint32_t vlan_iface(const struct upt_engine *eng, uint32_t wire, uint16_t vid)
{
	unsigned i, n = upt_engine_iface_count(eng);

	for (i = 1; i <= n; i++) {
		struct upt_iface_info info;

		if (upt_engine_iface_info(eng, i, &info) == 0 && info.parent == wire &&
		    info.vlan_id == vid)
			return i;
	}
	return wire;
}

/*
 * Answer every ARP request the gateway sent, as the host it asks for, and
 * pick up the frames that were waiting for the answer.
 */
static void answer_arp(struct run *r, struct upt_engine *eng, uint64_t now)
{
	unsigned i, rounds = 0;

	for (i = 0; i < r->nemits && rounds < 8; i++) {
		struct emitted *e = &r->emits[i];
		uint8_t buf[UPT_PKT_HEADROOM + 64], mac[6], *fr = buf + UPT_PKT_HEADROOM, *a;
		uint32_t off = 14, tpa, spa, arp_if;
		struct upt_pkt p;
		char ip[16];
		unsigned k;

		if (e->used || e->len < 14)
			continue;
		if (xp_get16(e->data + 12) == 0x8100)
			off = 18;
		if (e->len < off + 28 || xp_get16(e->data + off - 2) != 0x0806 ||
		    xp_get16(e->data + off + 6) != 1)
			continue;
		e->used = true;
		rounds++;
		a = e->data + off;
		spa = xp_get32(a + 14);
		tpa = xp_get32(a + 24);
		xp_host_mac(tpa, mac);
		arp_if = off == 18 ? vlan_iface(eng, e->ifindex, xp_get16(e->data + 14) & 0x0fff)
				   : e->ifindex;
		say(r, "note",
		    "the config has no neigh entry for %s on %s: explain answers the gateway's ARP "
		    "request with the made-up MAC %02x:%02x:%02x:%02x:%02x:%02x",
		    xp_ip(tpa, ip), upt_engine_ifname(eng, arp_if), mac[0], mac[1], mac[2], mac[3],
		    mac[4], mac[5]);
		memset(buf, 0, sizeof(buf));
		off = xp_build_eth(fr, a + 8, mac, off == 18 ? xp_get16(e->data + 14) : 0, 0x0806);
		xp_put16(fr + off, 1);
		xp_put16(fr + off + 2, 0x0800);
		fr[off + 4] = 6;
		fr[off + 5] = 4;
		xp_put16(fr + off + 6, 2);
		memcpy(fr + off + 8, mac, 6);
		xp_put32(fr + off + 14, tpa);
		memcpy(fr + off + 18, a + 8, 6);
		xp_put32(fr + off + 24, spa);
		memset(&p, 0, sizeof(p));
		p.buf = buf;
		p.cap = sizeof(buf);
		p.off = UPT_PKT_HEADROOM;
		p.len = off + 28;
		p.ifindex = e->ifindex;
		{
			struct xp_leg *keep = r->leg;

			r->leg = NULL;
			upt_engine_process(eng, &p, 1, now);
			r->leg = keep;
		}
		flush(r, now, e->ifindex);
		/* A frame held for this neighbour is the walk's way out. */
		for (k = 0; r->leg && k < r->nemits; k++) {
			struct emitted *h = &r->emits[k];

			if (h->used || strcmp(h->what, "held frame released"))
				continue;
			h->used = true;
			if (r->leg->result == UPT_PKT_HELD && !r->leg->frame_len) {
				leg_set_frame(r->leg, h->data, h->len, h->ifindex);
				r->leg->result = r->leg->out_ifindex && r->leg->in_ifindex
						     ? UPT_PKT_FORWARDED
						     : UPT_PKT_SENT;
			}
		}
	}
}

/* Run one received frame as leg L. */
static void run_received(struct run *r, struct upt_engine *eng, struct xp_leg *L,
			 const uint8_t *frame, uint32_t len, uint32_t ifindex, uint64_t now)
{
	static uint8_t buf[UPT_PKT_HEADROOM + XP_FRAME];
	struct upt_pkt p;

	memset(&p, 0, sizeof(p));
	memcpy(buf + UPT_PKT_HEADROOM, frame, len);
	p.buf = buf;
	p.cap = sizeof(buf);
	p.off = UPT_PKT_HEADROOM;
	p.len = len;
	p.ifindex = ifindex;
	L->ran = true;
	r->leg = L;
	upt_engine_process(eng, &p, 1, now);
	L->result = p.result;
	L->reason = p.reason;
	L->out_ifindex = p.out_ifindex;
	if (p.result == UPT_PKT_FORWARDED || p.result == UPT_PKT_LOCAL)
		leg_set_frame(L, p.buf + p.off, p.len, p.out_ifindex);
	flush(r, now, ifindex);
	answer_arp(r, eng, now);
	r->leg = NULL;
}

/* The gateway's own answer to a request delivered to it: OUTPUT, POSTROUTING. */
static void run_local_answer(struct run *r, struct xp_leg *L, const struct xp_flow *f, uint64_t now)
{
	static uint8_t buf[UPT_PKT_HEADROOM + XP_FRAME];
	struct upt_pkt p;

	memset(&p, 0, sizeof(p));
	p.buf = buf;
	p.cap = sizeof(buf);
	p.off = UPT_PKT_HEADROOM;
	p.len = xp_build_ip(buf + p.off, f, true, r->x->req.flow.tcp_seq, 2);
	L->ran = true;
	L->sent = *f;
	r->leg = L;
	if (r->print && r->tr.mode == SIM_TRACE_TEXT) {
		char desc[128];

		xp_flow_str(f, desc, sizeof(desc));
		fprintf(r->tr.out, "#%u %llu.%06llu from the gateway: %s%s\n", r->npkt + 1,
			(unsigned long long)(now / 1000000000ull),
			(unsigned long long)(now % 1000000000ull / 1000), desc,
			f->proto == P_TCP ? " [S.]" : "");
	}
	upt_engine_output(r->x->eng, &p, 1, now);
	L->result = p.result;
	L->reason = p.reason;
	L->out_ifindex = p.out_ifindex;
	if (p.result == UPT_PKT_SENT)
		leg_set_frame(L, p.buf + p.off, p.len, p.out_ifindex);
	flush(r, now, 0);
	answer_arp(r, r->x->eng, now);
	r->leg = NULL;
}

static uint32_t wire_ifindex(const struct upt_engine *eng, uint32_t ifindex, uint16_t *vlan)
{
	struct upt_iface_info info;

	*vlan = 0;
	if (upt_engine_iface_info(eng, ifindex, &info) < 0)
		return ifindex;
	if (info.vlan_id) {
		*vlan = info.vlan_id;
		return info.parent;
	}
	return ifindex;
}

/* The request frame arriving on interface `ifindex` (which exists). */
static uint32_t build_request(const struct upt_engine *eng, const struct xp_flow *f,
			      uint32_t ifindex, uint8_t *fr, uint32_t *wire)
{
	struct upt_iface_info info;
	uint8_t smac[6];
	uint16_t vlan;
	uint32_t off;

	upt_engine_iface_info(eng, ifindex, &info);
	*wire = wire_ifindex(eng, ifindex, &vlan);
	xp_host_mac(f->saddr, smac);
	off = xp_build_eth(fr, info.mac, smac, vlan, 0x0800);
	return off + xp_build_ip(fr + off, f, false, 0, 1);
}

static void run_reply(struct run *r)
{
	struct xp_ctx *x = r->x;
	struct xp_leg *Q = &x->req;
	struct xp_flow f;
	char desc[128], ip[16];

	if (Q->result != UPT_PKT_FORWARDED && Q->result != UPT_PKT_LOCAL) {
		x->reply_skipped = true;
		snprintf(x->reply_note, sizeof(x->reply_note),
			 "no reply: the request did not get through");
		return;
	}
	if (!Q->have_flow)
		return;
	f.proto = Q->flow.proto;
	f.saddr = Q->flow.daddr;
	f.daddr = Q->flow.saddr;
	f.sport = Q->flow.dport;
	f.dport = Q->flow.sport;
	f.tcp_seq = 0;
	xp_flow_str(&f, desc, sizeof(desc));
	if (Q->result == UPT_PKT_FORWARDED && xp_answers_around_gateway(x)) {
		x->reply_skipped = true;
		snprintf(x->reply_note, sizeof(x->reply_note),
			 "no reply through the gateway: %s is on the same link as %s and would "
			 "answer it directly",
			 xp_ip(f.saddr, desc), xp_ip(f.daddr, ip));
		return;
	}
	if (f.proto != P_ICMP && xp_listen_known(x, f.saddr) &&
	    !xp_listening(x, f.saddr, f.proto, f.sport)) {
		x->reply_skipped = true;
		snprintf(x->reply_note, sizeof(x->reply_note),
			 "no reply: nothing listens on %s port %u at %s (config `listen` lines)",
			 xp_proto_name(f.proto), f.sport, xp_ip(f.saddr, ip));
		return;
	}
	if (Q->result == UPT_PKT_LOCAL) {
		say(r, "explain", "\nreply (the gateway's own answer): %s", desc);
		run_local_answer(r, &x->rep, &f, T_REPLY);
		return;
	}
	{
		static uint8_t fr[XP_FRAME];
		uint32_t l3off, len;
		uint16_t vlan = 0;
		uint32_t wire = wire_ifindex(x->eng, Q->out_ifindex, &vlan);

		xp_frame_flow(Q->frame, Q->frame_len, &f, &l3off);
		f.proto = Q->flow.proto;
		f.saddr = Q->flow.daddr;
		f.daddr = Q->flow.saddr;
		f.sport = Q->flow.dport;
		f.dport = Q->flow.sport;
		len = xp_build_eth(fr, Q->frame + 6, Q->frame,
				   l3off == 18 ? xp_get16(Q->frame + 14) : 0, 0x0800);
		len += xp_build_ip(fr + len, &f, true, Q->flow.tcp_seq, 2);
		say(r, "explain", "\nreply (what %s would send back): %s in %s", xp_ip(f.saddr, ip),
		    desc, upt_engine_ifname(x->eng, Q->out_ifindex));
		x->rep.sent = f;
		x->rep.in_ifindex = Q->out_ifindex;
		run_received(r, x->eng, &x->rep, fr, len, wire, T_REPLY);
	}
}

/* ---- output --------------------------------------------------------------- */

static void print_diags(const struct xp_ctx *x, enum sim_trace_mode mode, FILE *o)
{
	unsigned i, k;

	if (mode == SIM_TRACE_JSON) {
		for (i = 0; i < x->ndiags; i++) {
			fprintf(o, "{\"diagnostic\":\"%s\",\"message\":", x->diags[i].id);
			sim_json_str(o, x->diags[i].msg);
			fprintf(o, ",\"fix\":[");
			for (k = 0; k < x->diags[i].nfix; k++) {
				fprintf(o, "%s", k ? "," : "");
				sim_json_str(o, x->diags[i].fix[k]);
			}
			fprintf(o, "]}\n");
		}
		fprintf(o, "{\"problems\":%u}\n", x->ndiags);
		return;
	}
	fprintf(o, "\ndiagnostics:\n");
	if (!x->ndiags) {
		fprintf(o, "  no problems found\n");
		return;
	}
	for (i = 0; i < x->ndiags; i++) {
		fprintf(o, "  problem [%s]: %s\n", x->diags[i].id, x->diags[i].msg);
		for (k = 0; k < x->diags[i].nfix; k++)
			fprintf(o, "    fix: %s\n", x->diags[i].fix[k]);
	}
	fprintf(o, "  %u problem%s found\n", x->ndiags, x->ndiags == 1 ? "" : "s");
}

/* ---- main ----------------------------------------------------------------- */

static void usage(FILE *o)
{
	fprintf(o, "usage: uptables-sim explain --config GW.conf --rules RULES.v4 "
		   "[--trace text|json|none] 'PROTO SRC[:PORT] > DST[:PORT] in IFACE'\n"
		   "  PROTO: tcp (a SYN), udp, icmp (an echo request; no ports)\n"
		   "  e.g.   'tcp 203.0.113.7:40000 > 198.51.100.1:80 in eth0'\n");
}

/* The request again with tcp and udp swapped, on a fresh gateway, unprinted. */
static void run_swapped(struct xp_ctx *x, const char *config, const char *rules_text,
			const char *rules_path, uint32_t in_ifindex)
{
	struct run *r = calloc(1, sizeof(*r));
	struct upt_engine_config cfg;
	struct xp_flow f = x->req.sent;
	uint8_t fr[XP_FRAME];
	uint32_t wire, len;
	struct upt_engine *eng;

	if (!r)
		return;
	r->x = x;
	memset(&cfg, 0, sizeof(cfg));
	cfg.seed[0] = 1;
	cfg.seed[1] = 2;
	cfg.emit = on_emit;
	cfg.trace = on_trace;
	cfg.ctx = r;
	eng = xp_load_gateway(NULL, config, rules_text, rules_path, &cfg);
	if (!eng) {
		free(r);
		return;
	}
	f.proto = f.proto == P_TCP ? P_UDP : P_TCP;
	len = build_request(eng, &f, in_ifindex, fr, &wire);
	x->swapped.sent = f;
	x->swapped.in_ifindex = in_ifindex;
	run_received(r, eng, &x->swapped, fr, len, wire, T_REQUEST);
	upt_engine_destroy(eng);
	free(r);
}

int sim_explain_main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"rules", required_argument, NULL, 'r'},
	    {"trace", required_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *config = NULL, *rules = NULL;
	enum sim_trace_mode mode = SIM_TRACE_TEXT;
	char spec[512] = "", err[256], desc[128];
	struct upt_engine_config cfg;
	struct xp_ctx *x = NULL;
	struct run *r = NULL;
	char *rules_text = NULL;
	uint8_t fr[XP_FRAME];
	uint32_t in_ifindex, wire, len;
	struct upt_iface_info info;
	int c, i, rc = 2;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'r':
			rules = optarg;
			break;
		case 't':
			if (strcmp(optarg, "text") == 0)
				mode = SIM_TRACE_TEXT;
			else if (strcmp(optarg, "json") == 0)
				mode = SIM_TRACE_JSON;
			else if (strcmp(optarg, "none") == 0)
				mode = SIM_TRACE_NONE;
			else {
				fprintf(stderr,
					"uptables-sim explain: --trace is text, json or none, "
					"not \"%s\"\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!config || !rules || optind >= argc) {
		usage(stderr);
		return 2;
	}
	/* The description may come as one word or as several. */
	for (i = optind; i < argc; i++) {
		if (strlen(spec) + strlen(argv[i]) + 2 > sizeof(spec)) {
			fprintf(stderr, "uptables-sim explain: packet description too long\n");
			return 2;
		}
		if (spec[0])
			strcat(spec, " ");
		strcat(spec, argv[i]);
	}
	x = calloc(1, sizeof(*x));
	r = calloc(1, sizeof(*r));
	if (!x || !r)
		goto out;
	x->config_path = config;
	if (xp_parse_spec(spec, &x->req.sent, x->in_name, err, sizeof(err)) < 0) {
		fprintf(stderr, "uptables-sim explain: cannot read the packet \"%s\": %s\n", spec,
			err);
		goto out;
	}
	rules_text = xp_slurp(rules);
	if (!rules_text) {
		fprintf(stderr, "uptables-sim explain: %s: %s\n", rules, strerror(errno));
		goto out;
	}
	r->x = x;
	r->print = true;
	sim_trace_init(&r->tr, mode, stdout);
	r->tr.colour = mode == SIM_TRACE_TEXT && isatty(STDOUT_FILENO);
	memset(&cfg, 0, sizeof(cfg));
	cfg.seed[0] = 1;
	cfg.seed[1] = 2;
	cfg.emit = on_emit;
	cfg.log = on_log;
	cfg.trace = on_trace;
	cfg.ctx = r;
	x->eng = xp_load_gateway(x, config, rules_text, rules, &cfg);
	if (!x->eng)
		goto out;
	r->tr.eng = x->eng;
	in_ifindex = upt_engine_ifindex(x->eng, x->in_name);
	if (!in_ifindex || upt_engine_iface_info(x->eng, in_ifindex, &info) < 0 || info.loopback) {
		fprintf(stderr, "uptables-sim explain: no interface \"%s\" in %s\n", x->in_name,
			config);
		goto out;
	}
	x->req.in_ifindex = in_ifindex;
	len = build_request(x->eng, &x->req.sent, in_ifindex, fr, &wire);
	xp_flow_str(&x->req.sent, desc, sizeof(desc));
	say(r, "explain", "request: %s in %s", desc, x->in_name);
	run_received(r, x->eng, &x->req, fr, len, wire, T_REQUEST);
	run_reply(r);
	if (x->reply_skipped)
		say(r, "note", "%s", x->reply_note);
	if (x->req.result == UPT_PKT_LOCAL && !x->req.dnat_rule_hit)
		say(r, "note",
		    "no DNAT or REDIRECT rule matched: the request is for the gateway itself%s",
		    x->nlisten ? ""
			       : " (add `listen` lines to the config to have explain check its "
				 "ports)");
	if (x->req.sent.proto != P_ICMP &&
	    (!x->req.dnat_rule_hit || x->req.result == UPT_PKT_DROPPED))
		run_swapped(x, config, rules_text, rules, in_ifindex);
	xp_diagnose(x);
	xp_diagnose_shadowed(x);
	print_diags(x, mode, stdout);
	rc = x->ndiags ? 1 : 0;
out:
	if (r)
		sim_trace_free(&r->tr);
	if (x)
		upt_engine_destroy(x->eng);
	free(rules_text);
	free(x);
	free(r);
	return rc;
}

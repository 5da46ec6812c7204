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
#define T_REPLY   1001000000ull
#define ETH_HLEN  14
#define MAX_EMITS 32

enum { P_ICMP = 1, P_TCP = 6, P_UDP = 17 };

/* ---- small shared helpers ------------------------------------------------ */

const char *xp_ip(uint32_t a, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
	return buf;
}

const char *xp_proto_name(uint8_t proto)
{
	return proto == P_TCP ? "tcp" : proto == P_UDP ? "udp" : proto == P_ICMP ? "icmp" : "?";
}

static uint32_t mask_of(uint8_t plen)
{
	return plen ? 0xffffffffu << (32 - plen) : 0;
}

bool xp_iface_net(const struct upt_engine *eng, uint32_t ifindex, uint32_t addr, uint32_t *net,
		  uint8_t *plen)
{
	struct upt_iface_info info;
	unsigned i;

	if (upt_engine_iface_info(eng, ifindex, &info) < 0)
		return false;
	for (i = 0; i < info.naddr; i++) {
		uint32_t m = mask_of(info.plen[i]);

		if ((addr & m) == (info.addr[i] & m)) {
			*net = info.addr[i] & m;
			*plen = info.plen[i];
			return true;
		}
	}
	return false;
}

bool xp_is_local(const struct upt_engine *eng, uint32_t addr)
{
	unsigned n = upt_engine_iface_count(eng), i, k;

	for (i = 1; i <= n; i++) {
		struct upt_iface_info info;

		if (upt_engine_iface_info(eng, i, &info) < 0)
			continue;
		for (k = 0; k < info.naddr; k++)
			if (info.addr[k] == addr)
				return true;
	}
	return (addr >> 24) == 127;
}

static bool listen_for(const struct xp_ctx *x, const struct xp_listen *l, uint32_t host)
{
	if (l->any_host)
		return xp_is_local(x->eng, host);
	return l->addr == host;
}

bool xp_listen_known(const struct xp_ctx *x, uint32_t host)
{
	unsigned i;

	for (i = 0; i < x->nlisten; i++)
		if (listen_for(x, &x->listen[i], host))
			return true;
	return false;
}

bool xp_listening(const struct xp_ctx *x, uint32_t host, uint8_t proto, uint16_t port)
{
	unsigned i;

	for (i = 0; i < x->nlisten; i++)
		if (listen_for(x, &x->listen[i], host) && x->listen[i].proto == proto &&
		    x->listen[i].port == port)
			return true;
	return false;
}

struct xp_diag *xp_diag_add(struct xp_ctx *x, const char *id, const char *fmt, ...)
{
	static struct xp_diag spare;
	struct xp_diag *d = x->ndiags < XP_MAX_DIAGS ? &x->diags[x->ndiags++] : &spare;
	va_list ap;

	memset(d, 0, sizeof(*d));
	d->id = id;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	return d;
}

void xp_diag_fix(struct xp_diag *d, const char *fmt, ...)
{
	va_list ap;

	if (d->nfix == XP_MAX_FIXES)
		return;
	va_start(ap, fmt);
	vsnprintf(d->fix[d->nfix++], XP_TEXT, fmt, ap);
	va_end(ap);
}

/* ---- the gateway: config (minus explain's own words) and rules ------------ */

static bool parse_ipv4(const char *s, uint32_t *out)
{
	unsigned a, b, c, d;
	char tail;

	if (sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 || a > 255 || b > 255 ||
	    c > 255 || d > 255)
		return false;
	*out = a << 24 | b << 16 | c << 8 | d;
	return true;
}

static bool parse_port(const char *s, uint16_t *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return false;
	v = strtoul(s, &end, 10);
	if (*end || v == 0 || v > 65535)
		return false;
	*out = (uint16_t)v;
	return true;
}

/* `listen tcp|udp [ADDR:]PORT`; -1 with a message when malformed. */
static int parse_listen(struct xp_ctx *x, char *args, char *err, size_t errlen)
{
	char *save = NULL, *proto = strtok_r(args, " \t\r", &save);
	char *where = proto ? strtok_r(NULL, " \t\r", &save) : NULL;
	char *extra = where ? strtok_r(NULL, " \t\r", &save) : NULL;
	struct xp_listen *l;
	char *colon;

	if (!proto || !where || extra || (strcmp(proto, "tcp") && strcmp(proto, "udp"))) {
		snprintf(err, errlen, "expected: listen tcp|udp [A.B.C.D:]PORT");
		return -1;
	}
	if (x->nlisten == XP_MAX_LISTEN) {
		snprintf(err, errlen, "too many listen lines (max %d)", XP_MAX_LISTEN);
		return -1;
	}
	l = &x->listen[x->nlisten];
	memset(l, 0, sizeof(*l));
	l->proto = proto[0] == 't' ? P_TCP : P_UDP;
	colon = strrchr(where, ':');
	l->any_host = colon == NULL;
	if (colon) {
		*colon = '\0';
		if (!parse_ipv4(where, &l->addr)) {
			snprintf(err, errlen, "bad address \"%s\"", where);
			return -1;
		}
		where = colon + 1;
	}
	if (!parse_port(where, &l->port)) {
		snprintf(err, errlen, "bad port \"%s\"", where);
		return -1;
	}
	x->nlisten++;
	return 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - n < 4097) {
			char *nb = realloc(buf, cap ? cap * 2 : 8192);

			if (!nb) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
			cap = cap ? cap * 2 : 8192;
		}
		got = fread(buf + n, 1, 4096, f);
		n += got;
		if (got < 4096)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* An engine with the config and rules applied; `listen` lines go to x (when non-NULL). */
static struct upt_engine *load_gateway(struct xp_ctx *x, const char *config, const char *rules_text,
				       const char *rules_path, struct upt_engine_config *cfg)
{
	struct upt_engine *eng;
	char err[512], *text, *line, *next;
	unsigned lineno = 0;
	int rc;

	rc = upt_engine_create(cfg, &eng);
	if (rc < 0) {
		fprintf(stderr, "uptables-sim explain: cannot create the engine: %s\n", strerror(-rc));
		return NULL;
	}
	text = slurp(config);
	if (!text) {
		fprintf(stderr, "uptables-sim explain: %s: %s\n", config, strerror(errno));
		goto err;
	}
	for (line = text; line; line = next) {
		char *nl = strchr(line, '\n'), *w = line;

		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		lineno++;
		w += strspn(w, " \t");
		if (strncmp(w, "listen", 6) == 0 && (w[6] == ' ' || w[6] == '\t' || !w[6])) {
			char *hash = strchr(w, '#');

			if (hash)
				*hash = '\0';
			if (x && parse_listen(x, w + 6, err, sizeof(err)) < 0) {
				fprintf(stderr, "uptables-sim explain: %s:%u: %s\n", config, lineno,
					err);
				free(text);
				goto err;
			}
			continue;
		}
		if (upt_engine_config_line(eng, line, err, sizeof(err)) < 0) {
			fprintf(stderr, "uptables-sim explain: %s:%u: %s\n", config, lineno, err);
			free(text);
			goto err;
		}
	}
	free(text);
	rc = upt_engine_restore(eng, rules_text, strlen(rules_text), 0, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "uptables-sim explain: %s: %s\n", rules_path, err);
		goto err;
	}
	return eng;
err:
	upt_engine_destroy(eng);
	return NULL;
}

/* ---- the packet description ----------------------------------------------- */

static int endpoint(const char *s, bool want_port, uint32_t *addr, uint16_t *port, char *err,
		    size_t errlen)
{
	char buf[64];
	char *colon;

	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "\"%s\" is not an address", s);
		return -1;
	}
	strcpy(buf, s);
	colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	if (!parse_ipv4(buf, addr)) {
		snprintf(err, errlen, "\"%s\" is not an IPv4 address", buf);
		return -1;
	}
	if (want_port && !colon) {
		snprintf(err, errlen, "\"%s\" needs a port (ADDR:PORT)", s);
		return -1;
	}
	if (!want_port && colon) {
		snprintf(err, errlen, "icmp has no ports: \"%s\"", s);
		return -1;
	}
	if (colon && !parse_port(colon + 1, port)) {
		snprintf(err, errlen, "\"%s\" is not a port (1-65535)", colon + 1);
		return -1;
	}
	return 0;
}

/* "tcp 203.0.113.7:40000 > 198.51.100.1:80 in eth0" */
static int parse_spec(const char *spec, struct xp_flow *f, char ifname[UPT_IFNAMSIZ], char *err,
		      size_t errlen)
{
	char buf[512], *w[8], *save = NULL, *tok, *o = buf;
	const char *s;
	int n = 0;

	memset(f, 0, sizeof(*f));
	/* Let "a:1>b:2" be written without spaces around '>'. */
	for (s = spec; *s && o < buf + sizeof(buf) - 4; s++) {
		if (*s == '>') {
			*o++ = ' ';
			*o++ = '>';
			*o++ = ' ';
		} else {
			*o++ = *s;
		}
	}
	if (*s) {
		snprintf(err, errlen, "packet description too long");
		return -1;
	}
	*o = '\0';
	for (tok = strtok_r(buf, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
		if (n == 8)
			break;
		w[n++] = tok;
	}
	if (n != 6 || strcmp(w[2], ">") || strcmp(w[4], "in")) {
		snprintf(err, errlen, "expected PROTO SRC[:PORT] > DST[:PORT] in IFACE");
		return -1;
	}
	if (strcmp(w[0], "tcp") == 0)
		f->proto = P_TCP;
	else if (strcmp(w[0], "udp") == 0)
		f->proto = P_UDP;
	else if (strcmp(w[0], "icmp") == 0)
		f->proto = P_ICMP;
	else {
		snprintf(err, errlen, "protocol \"%s\": tcp, udp or icmp", w[0]);
		return -1;
	}
	if (endpoint(w[1], f->proto != P_ICMP, &f->saddr, &f->sport, err, errlen) < 0 ||
	    endpoint(w[3], f->proto != P_ICMP, &f->daddr, &f->dport, err, errlen) < 0)
		return -1;
	if (strlen(w[5]) >= UPT_IFNAMSIZ) {
		snprintf(err, errlen, "interface name \"%s\" too long", w[5]);
		return -1;
	}
	strcpy(ifname, w[5]);
	if (f->proto == P_ICMP)
		f->sport = f->dport = 0x0e1d; /* the echo id */
	return 0;
}

/* ---- frames --------------------------------------------------------------- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The made-up MAC of a simulated host: 02:00 and its IPv4 address. */
static void host_mac(uint32_t ip, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	put32(mac + 2, ip);
}

/*
 * An IPv4 packet at ip[] for flow f: a TCP SYN (or SYN/ACK acknowledging
 * ack_of + 1), a UDP datagram, an ICMP echo request (or reply).  Returns its length.
 */
static uint32_t build_ip(uint8_t *ip, const struct xp_flow *f, bool answer, uint32_t ack_of,
			 uint16_t ip_id)
{
	static const char payload[] = "uptables-sim explain";
	uint8_t *l4 = ip + 20;
	uint32_t l4len, plen = sizeof(payload) - 1;

	memset(ip, 0, 20);
	switch (f->proto) {
	case P_TCP:
		l4len = 20;
		memset(l4, 0, l4len);
		put16(l4, f->sport);
		put16(l4 + 2, f->dport);
		put32(l4 + 4, answer ? 0x20000000u : 0x10000000u);
		put32(l4 + 8, answer ? ack_of + 1 : 0);
		l4[12] = 5 << 4;
		l4[13] = answer ? 0x12 : 0x02; /* SYN|ACK : SYN */
		put16(l4 + 14, 64240);
		break;
	case P_UDP:
		l4len = 8 + plen;
		put16(l4, f->sport);
		put16(l4 + 2, f->dport);
		put16(l4 + 4, (uint16_t)l4len);
		put16(l4 + 6, 0);
		memcpy(l4 + 8, payload, plen);
		break;
	default:
		l4len = 8 + plen;
		l4[0] = answer ? 0 : 8; /* echo reply : echo request */
		l4[1] = 0;
		put16(l4 + 2, 0);
		put16(l4 + 4, f->sport);
		put16(l4 + 6, 1);
		memcpy(l4 + 8, payload, plen);
		put16(l4 + 2, fold(sum16(l4, l4len, 0)));
		break;
	}
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + l4len));
	put16(ip + 4, ip_id);
	put16(ip + 6, 0x4000); /* DF, as Linux sends TCP, UDP and ping */
	ip[8] = 64;
	ip[9] = f->proto;
	put32(ip + 12, f->saddr);
	put32(ip + 16, f->daddr);
	put16(ip + 10, fold(sum16(ip, 20, 0)));
	if (f->proto == P_TCP || f->proto == P_UDP) {
		uint32_t s = sum16(ip + 12, 8, 0) + f->proto + l4len;
		uint16_t c = fold(sum16(l4, l4len, s));

		if (f->proto == P_UDP && c == 0)
			c = 0xffff;
		put16(l4 + (f->proto == P_TCP ? 16 : 6), c);
	}
	return 20 + l4len;
}

/* Ethernet (+ 802.1Q) header; returns its length. */
static uint32_t build_eth(uint8_t *fr, const uint8_t dst[6], const uint8_t src[6], uint16_t vlan,
			  uint16_t type)
{
	memcpy(fr, dst, 6);
	memcpy(fr + 6, src, 6);
	if (vlan) {
		put16(fr + 12, 0x8100);
		put16(fr + 14, vlan);
		put16(fr + 16, type);
		return 18;
	}
	put16(fr + 12, type);
	return 14;
}

/* The flow of an Ethernet frame carrying IPv4 (tagged or not); false otherwise. */
static bool frame_flow(const uint8_t *fr, uint32_t len, struct xp_flow *f, uint32_t *l3off)
{
	uint32_t off = 14, ihl;
	uint16_t type;
	const uint8_t *ip, *l4;

	memset(f, 0, sizeof(*f));
	if (len < 14)
		return false;
	type = get16(fr + 12);
	if (type == 0x8100) {
		if (len < 18)
			return false;
		type = get16(fr + 16);
		off = 18;
	}
	if (type != 0x0800 || len < off + 20)
		return false;
	ip = fr + off;
	ihl = (uint32_t)(ip[0] & 15) * 4;
	if ((ip[0] >> 4) != 4 || ihl < 20 || len < off + ihl)
		return false;
	f->proto = ip[9];
	f->saddr = get32(ip + 12);
	f->daddr = get32(ip + 16);
	l4 = ip + ihl;
	if ((f->proto == P_TCP && len >= off + ihl + 20) ||
	    (f->proto == P_UDP && len >= off + ihl + 8)) {
		f->sport = get16(l4);
		f->dport = get16(l4 + 2);
		if (f->proto == P_TCP)
			f->tcp_seq = get32(l4 + 4);
	} else if (f->proto == P_ICMP && len >= off + ihl + 8) {
		f->sport = f->dport = get16(l4 + 4);
	}
	if (l3off)
		*l3off = off;
	return true;
}

static void flow_str(const struct xp_flow *f, char *buf, size_t len)
{
	char a[16], b[16];

	if (f->proto == P_ICMP)
		snprintf(buf, len, "icmp %s > %s", xp_ip(f->saddr, a), xp_ip(f->daddr, b));
	else
		snprintf(buf, len, "%s %s:%u > %s:%u", xp_proto_name(f->proto), xp_ip(f->saddr, a),
			 f->sport, xp_ip(f->daddr, b), f->dport);
}

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
	bool print;        /* this engine's walks are printed (not the what-if) */
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
	L->have_flow = frame_flow(L->frame, len, &L->flow, NULL);
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
		uint32_t off = 14, tpa, spa;
		struct upt_pkt p;
		char ip[16];
		unsigned k;

		if (e->used || e->len < 14)
			continue;
		if (get16(e->data + 12) == 0x8100)
			off = 18;
		if (e->len < off + 28 || get16(e->data + off - 2) != 0x0806 ||
		    get16(e->data + off + 6) != 1)
			continue;
		e->used = true;
		rounds++;
		a = e->data + off;
		spa = get32(a + 14);
		tpa = get32(a + 24);
		host_mac(tpa, mac);
		say(r, "note",
		    "the config has no neigh entry for %s on %s: explain answers the gateway's ARP "
		    "request with the made-up MAC %02x:%02x:%02x:%02x:%02x:%02x",
		    xp_ip(tpa, ip), upt_engine_ifname(eng, e->ifindex), mac[0], mac[1], mac[2],
		    mac[3], mac[4], mac[5]);
		memset(buf, 0, sizeof(buf));
		off = build_eth(fr, a + 8, mac, off == 18 ? get16(e->data + 14) : 0, 0x0806);
		put16(fr + off, 1);
		put16(fr + off + 2, 0x0800);
		fr[off + 4] = 6;
		fr[off + 5] = 4;
		put16(fr + off + 6, 2);
		memcpy(fr + off + 8, mac, 6);
		put32(fr + off + 14, tpa);
		memcpy(fr + off + 18, a + 8, 6);
		put32(fr + off + 24, spa);
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
	p.len = build_ip(buf + p.off, f, true, r->x->req.flow.tcp_seq, 2);
	L->ran = true;
	L->sent = *f;
	r->leg = L;
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
	host_mac(f->saddr, smac);
	off = build_eth(fr, info.mac, smac, vlan, 0x0800);
	return off + build_ip(fr + off, f, false, 0, 1);
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
	flow_str(&f, desc, sizeof(desc));
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

		frame_flow(Q->frame, Q->frame_len, &f, &l3off);
		f.proto = Q->flow.proto;
		f.saddr = Q->flow.daddr;
		f.daddr = Q->flow.saddr;
		f.sport = Q->flow.dport;
		f.dport = Q->flow.sport;
		len = build_eth(fr, Q->frame + 6, Q->frame, l3off == 18 ? get16(Q->frame + 14) : 0,
				0x0800);
		len += build_ip(fr + len, &f, true, Q->flow.tcp_seq, 2);
		say(r, "explain", "\nreply (what %s would send back): %s in %s", xp_ip(f.saddr, ip),
		    desc, upt_engine_ifname(x->eng, Q->out_ifindex));
		x->rep.sent = f;
		x->rep.in_ifindex = Q->out_ifindex;
		run_received(r, x->eng, &x->rep, fr, len, wire, T_REPLY);
	}
}

/* ---- output --------------------------------------------------------------- */

static void json_str(FILE *o, const char *s)
{
	fputc('"', o);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(o, "\\%c", c);
		else if (c < 0x20)
			fprintf(o, "\\u%04x", c);
		else
			fputc(c, o);
	}
	fputc('"', o);
}

static void print_diags(const struct xp_ctx *x, enum sim_trace_mode mode, FILE *o)
{
	unsigned i, k;

	if (mode == SIM_TRACE_JSON) {
		for (i = 0; i < x->ndiags; i++) {
			fprintf(o, "{\"diagnostic\":\"%s\",\"message\":", x->diags[i].id);
			json_str(o, x->diags[i].msg);
			fprintf(o, ",\"fix\":[");
			for (k = 0; k < x->diags[i].nfix; k++) {
				fprintf(o, "%s", k ? "," : "");
				json_str(o, x->diags[i].fix[k]);
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
	eng = load_gateway(NULL, config, rules_text, rules_path, &cfg);
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
		{"config", required_argument, NULL, 'c'}, {"rules", required_argument, NULL, 'r'},
		{"trace", required_argument, NULL, 't'},  {"help", no_argument, NULL, 'h'},
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
				fprintf(stderr, "uptables-sim explain: --trace is text, json or none, "
						"not \"%s\"\n", optarg);
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
	if (parse_spec(spec, &x->req.sent, x->in_name, err, sizeof(err)) < 0) {
		fprintf(stderr, "uptables-sim explain: cannot read the packet \"%s\": %s\n", spec,
			err);
		goto out;
	}
	rules_text = slurp(rules);
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
	x->eng = load_gateway(x, config, rules_text, rules, &cfg);
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
	flow_str(&x->req.sent, desc, sizeof(desc));
	say(r, "explain", "request: %s in %s", desc, x->in_name);
	run_received(r, x->eng, &x->req, fr, len, wire, T_REQUEST);
	run_reply(r);
	if (x->reply_skipped)
		say(r, "note", "%s", x->reply_note);
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

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * explain's diagnostics: what the walks of the request, its reply and the
 * protocol-swapped what-if say about the classic port-forwarding mistakes.
 * Each diagnostic names the rule or setting at fault and gives the command
 * that fixes it, in `ip`, `sysctl` and `uptables` words.  The input is only
 * what the engine reported (drop reasons, rules hit, the frames that left),
 * so a diagnostic is never a guess about rules the packet did not reach.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/explain.h"

enum { P_ICMP = 1, P_TCP = 6, P_UDP = 17 };

/* ---- lookups the diagnostics share ----------------------------------------- */

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

/* ---- the diagnostics -------------------------------------------------------- */

static bool ends_with_accept(const char *text)
{
	size_t n = strlen(text);

	return n >= 10 && strcmp(text + n - 10, " -j ACCEPT") == 0;
}

/* The rule without its "-A CHAIN " head, as the uptables command line wants it. */
static const char *rule_body(const char *text)
{
	const char *s = text;

	if (strncmp(s, "-A ", 3) == 0) {
		s += 3;
		s += strcspn(s, " ");
		s += strspn(s, " ");
	}
	return s;
}

/* "uptables" or "uptables -t nat": the table option for a command. */
static const char *t_opt(uint8_t table, char *buf, size_t len)
{
	if (table == UPT_TABLE_FILTER)
		snprintf(buf, len, "uptables");
	else
		snprintf(buf, len, "uptables -t %s", upt_table_name((enum upt_table)table));
	return buf;
}

/* "rule #2 of nat PREROUTING (-A PREROUTING ...)" or "the policy DROP of filter FORWARD". */
static const char *hit_name(const struct xp_hit *h, char *buf, size_t len)
{
	if (h->policy)
		snprintf(buf, len, "the policy %s of %s %s", h->text,
			 upt_table_name((enum upt_table)h->table), h->chain);
	else
		snprintf(buf, len, "rule #%u of %s %s (%s)", h->rulenum,
			 upt_table_name((enum upt_table)h->table), h->chain, h->text);
	return buf;
}

static const char *verb(const struct xp_hit *h)
{
	return !h->policy && strstr(h->text, " -j REJECT") ? "rejects" : "drops";
}

/* Where to put a rule that must come before the culprit: "-I CHAIN N", "-A CHAIN". */
static void insert_pos(const struct xp_hit *h, const char *builtin, char *buf, size_t len)
{
	if (h->policy)
		snprintf(buf, len, "-A %s", builtin);
	else if (strcmp(h->chain, builtin) == 0)
		snprintf(buf, len, "-I %s %u", builtin, h->rulenum);
	else
		snprintf(buf, len, "-I %s 1", builtin);
}

/* The match for this flow's destination in uptables words ("-p tcp -d A --dport P"). */
static void dest_match(const struct xp_flow *f, uint32_t daddr, uint16_t dport, char *buf,
		       size_t len)
{
	char a[16];

	if (f->proto == P_ICMP)
		snprintf(buf, len, "-p icmp -d %s --icmp-type echo-request", xp_ip(daddr, a));
	else
		snprintf(buf, len, "-p %s -d %s --dport %u", xp_proto_name(f->proto),
			 xp_ip(daddr, a), dport);
}

/* The DNAT target of a binding text "binding at PREROUTING: DNAT A:P -> B:Q". */
static bool nat_target(const char *text, uint32_t *addr, uint16_t *port)
{
	const char *s = strstr(text, "DNAT ");
	unsigned a, b, c, d, p = 0;
	int n;

	if (!s || !(s = strstr(s, " -> ")))
		return false;
	s += 4;
	if (sscanf(s, "%u.%u.%u.%u%n", &a, &b, &c, &d, &n) != 4)
		return false;
	*addr = a << 24 | b << 16 | c << 8 | d;
	if (s[n] == ':')
		sscanf(s + n + 1, "%u", &p);
	*port = (uint16_t)p;
	return true;
}

static bool chain_has_established_accept(const struct xp_ctx *x, const char *chain)
{
	char *text = NULL, *line, *save = NULL, head[48];
	bool found = false;

	if (upt_engine_save(x->eng, "filter", 0, &text) < 0 || !text)
		return false;
	snprintf(head, sizeof(head), "-A %s ", chain);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, head, strlen(head)) == 0 && strstr(line, "ESTABLISHED") &&
		    strstr(line, " -j ACCEPT") && !strstr(line, "! --ctstate") &&
		    !strstr(line, "! --state"))
			found = true;
	free(text);
	return found;
}

bool xp_answers_around_gateway(const struct xp_ctx *x)
{
	const struct xp_leg *L = &x->req;
	uint32_t net_s, net_d;
	uint8_t pl_s, pl_d;

	return L->result == UPT_PKT_FORWARDED && L->have_flow &&
	       !xp_is_local(x->eng, L->flow.saddr) &&
	       xp_iface_net(x->eng, L->out_ifindex, L->flow.saddr, &net_s, &pl_s) &&
	       xp_iface_net(x->eng, L->out_ifindex, L->flow.daddr, &net_d, &pl_d) &&
	       net_s == net_d && pl_s == pl_d;
}

/* "ROUTER" explained: a router on the interface's first subnet. */
static void router_hint(const struct xp_ctx *x, uint32_t ifindex, char *buf, size_t len)
{
	struct upt_iface_info info;
	char a[16];

	if (upt_engine_iface_info(x->eng, ifindex, &info) < 0 || !info.naddr) {
		snprintf(buf, len, "ROUTER: the next router on %s", info.name);
		return;
	}
	snprintf(buf, len, "ROUTER: the next router on %s, an address in %s/%u", info.name,
		 xp_ip(info.addr[0] & (info.plen[0] ? 0xffffffffu << (32 - info.plen[0]) : 0), a),
		 info.plen[0]);
}

static void diag_forward_drop(struct xp_ctx *x, const struct xp_leg *L, bool request)
{
	const struct xp_hit *h = &L->culprit;
	const char *in = upt_engine_ifname(x->eng, L->in_ifindex);
	const char *out = upt_engine_ifname(x->eng, L->out_ifindex);
	char who[768], pos[48], match[128], a[16], dst[48];
	uint32_t daddr = L->sent.daddr;
	uint16_t dport = L->sent.dport;
	struct xp_diag *d;

	hit_name(h, who, sizeof(who));
	insert_pos(h, "FORWARD", pos, sizeof(pos));
	if (!request) {
		d = xp_diag_add(x, "forward-drops-reply",
				"FORWARD drops the reply: %s %s it, and no earlier rule accepts "
				"packets of connections already set up (ctstate ESTABLISHED). The "
				"request went through, its answer never comes back.",
				who, verb(h));
		xp_diag_fix(d, "uptables %s -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
			    pos);
		return;
	}
	nat_target(L->nat, &daddr, &dport);
	if (dport == 0)
		dport = L->sent.dport;
	dest_match(&L->sent, daddr, dport, match, sizeof(match));
	if (L->sent.proto == P_ICMP)
		snprintf(dst, sizeof(dst), "%s", xp_ip(daddr, a));
	else
		snprintf(dst, sizeof(dst), "%s port %u", xp_ip(daddr, a), dport);
	d = xp_diag_add(x, "forward-drops-request",
			"FORWARD drops the request: %s %s it. FORWARD sees the packet%s going to "
			"%s out %s; no rule before the drop accepts that.",
			who, verb(h), L->nat[0] ? " after DNAT," : "", dst, out ? out : "?");
	xp_diag_fix(d, "uptables %s -i %s -o %s %s -j ACCEPT", pos, in ? in : "?", out ? out : "?",
		    match);
	if (!chain_has_established_accept(x, "FORWARD")) {
		snprintf(d->msg + strlen(d->msg), sizeof(d->msg) - strlen(d->msg),
			 " Nothing in FORWARD accepts the replies (ctstate ESTABLISHED) either.");
		xp_diag_fix(d, "uptables %s -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
			    pos);
	}
}

static void diag_local_drop(struct xp_ctx *x, const struct xp_leg *L, const char *chain)
{
	const struct xp_hit *h = &L->culprit;
	char who[768], pos[48], match[128], cmd[32];
	const char *in = upt_engine_ifname(x->eng, L->in_ifindex);
	struct xp_diag *d;

	hit_name(h, who, sizeof(who));
	insert_pos(h, chain, pos, sizeof(pos));
	if (strcmp(chain, "INPUT") == 0) {
		uint32_t daddr = L->sent.daddr;
		uint16_t dport = 0;
		char a[16];

		/* INPUT sees the packet after DNAT/REDIRECT. */
		if (!nat_target(L->nat, &daddr, &dport) || !dport)
			dport = L->sent.dport;
		dest_match(&L->sent, daddr, dport, match, sizeof(match));
		d = xp_diag_add(
		    x, "input-drops-request",
		    "INPUT drops the request to the gateway itself: %s %s it. INPUT sees "
		    "the packet after DNAT, going to %s%s%.0u.",
		    who, verb(h), xp_ip(daddr, a), L->sent.proto == P_ICMP ? "" : " port ",
		    L->sent.proto == P_ICMP ? 0 : dport);
		xp_diag_fix(d, "uptables %s -i %s %s -j ACCEPT", pos, in ? in : "?", match);
		return;
	}
	if (strcmp(chain, "OUTPUT") == 0) {
		d = xp_diag_add(x, "output-drops-reply",
				"OUTPUT drops the gateway's own answer: %s %s it.", who, verb(h));
		xp_diag_fix(d, "uptables %s -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
			    pos);
		return;
	}
	d = xp_diag_add(x, "rule-drops", "the %s is dropped by %s.",
			L == &x->req ? "request" : "reply", who);
	if (!h->policy)
		xp_diag_fix(d, "%s -D %s %u   (or make the rule more specific)",
			    t_opt(h->table, cmd, sizeof(cmd)), h->chain, h->rulenum);
}

/* DNAT to 127.0.0.0/8: the kernel's routing calls that a martian destination. */
static void diag_dnat_loopback(struct xp_ctx *x, const struct xp_leg *L)
{
	const struct xp_hit *h = &L->dnat;
	const char *in = upt_engine_ifname(x->eng, L->in_ifindex);
	char who[768], body[XP_TEXT], cmd[32], a[16];
	uint32_t addr = 0;
	uint16_t port = 0;
	struct xp_diag *d;
	char *j;

	nat_target(L->nat, &addr, &port);
	hit_name(h, who, sizeof(who));
	d = xp_diag_add(x, "dnat-to-loopback",
			"%s sends the packet to %s, a loopback address. A packet that came in on "
			"%s and is routed to 127.0.0.0/8 is a martian: the kernel drops it (unless "
			"net.ipv4.conf.%s.route_localnet=1, which uptables-sim does not model). To "
			"reach a service on the gateway itself, REDIRECT to its port; the service "
			"must then listen on %s's address or on 0.0.0.0, not only on 127.0.0.1.",
			who, xp_ip(addr, a), in ? in : "?", in ? in : "?", in ? in : "?");
	snprintf(body, sizeof(body), "%s", rule_body(h->text));
	j = strstr(body, " -j DNAT");
	if (j) {
		*j = '\0';
		if (port)
			xp_diag_fix(d, "%s -R %s %u %s -j REDIRECT --to-ports %u",
				    t_opt(h->table, cmd, sizeof(cmd)), h->chain, h->rulenum, body,
				    port);
		else
			xp_diag_fix(d, "%s -R %s %u %s -j REDIRECT",
				    t_opt(h->table, cmd, sizeof(cmd)), h->chain, h->rulenum, body);
	}
	xp_diag_fix(d,
		    "or keep the DNAT and let the kernel route to 127.0.0.0/8 from %s: sysctl -w "
		    "net.ipv4.conf.%s.route_localnet=1",
		    in ? in : "?", in ? in : "?");
}

static void diag_no_route(struct xp_ctx *x, const struct xp_leg *L, bool request)
{
	const struct xp_leg *Q = &x->req;
	char a[16], hint[160];
	struct xp_diag *d;
	const char *in = upt_engine_ifname(x->eng, Q->in_ifindex);
	uint32_t client = Q->sent.saddr;

	if (!request) {
		router_hint(x, Q->in_ifindex, hint, sizeof(hint));
		d = xp_diag_add(
		    x, "no-route-back",
		    "no route back to the client %s: the gateway has no route for the "
		    "reply's destination, so the answer is dropped (the client came in on "
		    "%s, but routing does not look at that).",
		    xp_ip(client, a), in ? in : "?");
		xp_diag_fix(d, "ip route add default via ROUTER dev %s   (%s)", in ? in : "?",
			    hint);
		xp_diag_fix(d, "or only for this client: ip route add %s via ROUTER dev %s", a,
			    in ? in : "?");
		return;
	}
	d = xp_diag_add(x, "no-route",
			"no route to %s: the gateway does not know where to send the request (%s).",
			xp_ip(L->sent.daddr, a), L->route[0] ? L->route : "no route");
	xp_diag_fix(d,
		    "ip route add %s via ROUTER dev IFACE   (ROUTER: a router on IFACE's subnet "
		    "that reaches it)",
		    a);
}

static void diag_leg(struct xp_ctx *x, const struct xp_leg *L, bool request, bool skip_forward)
{
	struct xp_diag *d;

	if (!L->ran || L->result != UPT_PKT_DROPPED)
		return;
	switch (L->reason) {
	case UPT_DROP_FORWARDING_DISABLED:
		d = xp_diag_add(
		    x, "forwarding-off",
		    "forwarding is off (net.ipv4.ip_forward=0): the gateway routes the %s "
		    "elsewhere (%s) but does not forward it.",
		    request ? "request" : "reply", L->route);
		xp_diag_fix(d,
			    "sysctl -w net.ipv4.ip_forward=1   (in %s: sysctl "
			    "net.ipv4.ip_forward=1)",
			    x->config_path);
		return;
	case UPT_DROP_RULE_DROP:
	case UPT_DROP_POLICY_DROP:
	case UPT_DROP_REJECT:
	case UPT_DROP_RULE_HOTDROP:
		if (!L->have_culprit)
			break;
		if (L->culprit.hook == UPT_HOOK_FORWARD) {
			if (!skip_forward)
				diag_forward_drop(x, L, request);
		} else if (L->culprit.hook == UPT_HOOK_LOCAL_IN) {
			diag_local_drop(x, L, "INPUT");
		} else if (L->culprit.hook == UPT_HOOK_LOCAL_OUT) {
			diag_local_drop(x, L, "OUTPUT");
		} else {
			diag_local_drop(x, L, "");
		}
		return;
	case UPT_DROP_NO_ROUTE:
		diag_no_route(x, L, request);
		return;
	case UPT_DROP_IP_MARTIAN_DST:
		if (request && L->dnat_rule_hit && (L->sent.daddr >> 24) != 127) {
			diag_dnat_loopback(x, L);
			return;
		}
		break;
	case UPT_DROP_IFACE_DOWN: {
		const char *in = upt_engine_ifname(x->eng, L->in_ifindex);

		d = xp_diag_add(x, "interface-down", "interface %s is down: it takes no packets.",
				in ? in : "?");
		xp_diag_fix(d, "ip link set %s up", in ? in : "?");
		return;
	}
	default:
		break;
	}
	xp_diag_add(x, request ? "request-dropped" : "reply-dropped", "the %s is dropped: %s.",
		    request ? "request" : "reply", upt_drop_reason_str(L->reason));
}

/* The same text with tcp and udp swapped in "-p" and "-m". */
static void swap_proto_text(const char *in, uint8_t from, char *out, size_t len)
{
	const char *f = from == P_TCP ? "tcp" : "udp", *t = from == P_TCP ? "udp" : "tcp";
	size_t o = 0;

	while (*in && o + 4 < len) {
		if ((strncmp(in, "-p ", 3) == 0 || strncmp(in, "-m ", 3) == 0) &&
		    strncmp(in + 3, f, 3) == 0 && (in[6] == ' ' || in[6] == '\0')) {
			memcpy(out + o, in, 3);
			memcpy(out + o + 3, t, 3);
			o += 6;
			in += 6;
			continue;
		}
		out[o++] = *in++;
	}
	out[o] = '\0';
}

/* A hit of the what-if that accepted it in FORWARD with a rule for the other protocol. */
static const struct xp_hit *swapped_forward_accept(const struct xp_ctx *x)
{
	const struct xp_leg *S = &x->swapped;
	char want[16];
	unsigned i;

	snprintf(want, sizeof(want), "-p %s ", xp_proto_name(S->sent.proto));
	for (i = 0; i < S->nhits; i++) {
		const struct xp_hit *h = &S->hits[i];

		if (!h->policy && h->hook == UPT_HOOK_FORWARD && h->table == UPT_TABLE_FILTER &&
		    ends_with_accept(h->text) && strstr(h->text, want))
			return h;
	}
	return NULL;
}

/* A rule for tcp where the traffic is udp (or the other way round). Returns true when FORWARD was
 * covered. */
static bool diag_wrong_proto(struct xp_ctx *x)
{
	const struct xp_leg *Q = &x->req, *S = &x->swapped;
	const char *real = xp_proto_name(Q->sent.proto), *other = xp_proto_name(S->sent.proto);
	char who[768], body[XP_TEXT], cmd[32];
	const struct xp_hit *h;
	struct xp_diag *d;
	bool forward_done = false;

	if (!S->ran)
		return false;
	if (!Q->dnat_rule_hit && S->dnat_rule_hit) {
		h = &S->dnat;
		swap_proto_text(rule_body(h->text), S->sent.proto, body, sizeof(body));
		d = xp_diag_add(
		    x, "wrong-protocol",
		    "no DNAT rule matches this %s packet, but %s would have matched it as "
		    "%s: a rule with -p %s never sees %s traffic.",
		    real, hit_name(h, who, sizeof(who)), other, other, real);
		xp_diag_fix(d, "%s -I %s %u %s", t_opt(h->table, cmd, sizeof(cmd)), h->chain,
			    h->rulenum, body);
	}
	if (Q->result == UPT_PKT_DROPPED && Q->have_culprit &&
	    Q->culprit.hook == UPT_HOOK_FORWARD && (h = swapped_forward_accept(x)) != NULL) {
		swap_proto_text(rule_body(h->text), S->sent.proto, body, sizeof(body));
		d = xp_diag_add(
		    x, "wrong-protocol",
		    "FORWARD drops this %s packet (%s), but %s would accept it as %s: a "
		    "rule with -p %s never sees %s traffic.",
		    real, Q->culprit.policy ? "policy" : "a rule", hit_name(h, who, sizeof(who)),
		    other, other, real);
		xp_diag_fix(d, "uptables -I FORWARD %u %s", h->rulenum, body);
		forward_done = true;
	}
	return forward_done;
}

static void diag_hairpin(struct xp_ctx *x)
{
	const struct xp_leg *Q = &x->req;
	const char *out = upt_engine_ifname(x->eng, Q->out_ifindex);
	char a[16], b[16], c[16], n[16], match[128];
	uint32_t net;
	uint8_t plen;
	struct xp_diag *d;

	if (!Q->dnat_rule_hit || !xp_answers_around_gateway(x) ||
	    !xp_iface_net(x->eng, Q->out_ifindex, Q->flow.saddr, &net, &plen))
		return;
	dest_match(&Q->flow, Q->flow.daddr, Q->flow.dport, match, sizeof(match));
	d = xp_diag_add(x, "hairpin-without-snat",
			"hairpin NAT without SNAT: the client %s reaches %s, DNAT sends it to %s "
			"on the same link (%s) with the client's own address as source. %s answers "
			"%s directly, from %s instead of %s: the client, waiting for an answer "
			"from %s, does not take it%s.",
			xp_ip(Q->sent.saddr, a), xp_ip(Q->sent.daddr, b), xp_ip(Q->flow.daddr, c),
			out ? out : "?", c, a, c, b, b,
			Q->sent.proto == P_TCP ? " (its TCP answers with a reset)" : "");
	xp_diag_fix(d, "uptables -t nat -A POSTROUTING -s %s/%u -o %s %s -j MASQUERADE",
		    xp_ip(net, n), plen, out ? out : "?", match);
}

/*
 * The FORWARD rule that accepted the request by its port must follow a
 * DNAT rule whose port changes, or the fixed request dies in FORWARD.
 */
static void refit_forward_rule(struct xp_diag *d, const struct xp_leg *Q, uint16_t old,
			       uint16_t port)
{
	char pat[24], body[XP_TEXT], *p;
	unsigned i;

	snprintf(pat, sizeof(pat), " --dport %u", old);
	for (i = 0; i < Q->nhits; i++) {
		const struct xp_hit *h = &Q->hits[i];

		if (h->policy || h->table != UPT_TABLE_FILTER || h->hook != UPT_HOOK_FORWARD ||
		    !ends_with_accept(h->text))
			continue;
		snprintf(body, sizeof(body), "%s", rule_body(h->text));
		p = strstr(body, pat);
		if (!p || (p[strlen(pat)] != ' ' && p[strlen(pat)] != '\0'))
			continue;
		{
			char tail[XP_TEXT];

			snprintf(tail, sizeof(tail), "%s", p + strlen(pat));
			snprintf(p, sizeof(body) - (size_t)(p - body), " --dport %u%s", port, tail);
		}
		xp_diag_fix(d, "and the FORWARD rule that accepts it: uptables -R %s %u %s",
			    h->chain, h->rulenum, body);
		return;
	}
}

static void diag_listener(struct xp_ctx *x)
{
	const struct xp_leg *Q = &x->req;
	const struct xp_hit *h = &Q->dnat;
	char a[16], who[768], list[256] = "", body[XP_TEXT], cmd[32];
	uint16_t only = 0;
	unsigned i, nports = 0;
	struct xp_diag *d;

	if (Q->sent.proto == P_ICMP || !Q->have_flow ||
	    (Q->result != UPT_PKT_FORWARDED && Q->result != UPT_PKT_LOCAL) ||
	    !xp_listen_known(x, Q->flow.daddr) ||
	    xp_listening(x, Q->flow.daddr, Q->flow.proto, Q->flow.dport))
		return;
	for (i = 0; i < x->nlisten; i++) {
		const struct xp_listen *l = &x->listen[i];

		if (l->proto != Q->flow.proto ||
		    (l->any_host ? !xp_is_local(x->eng, Q->flow.daddr) : l->addr != Q->flow.daddr))
			continue;
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%u",
			 nports ? ", " : "", l->port);
		only = l->port;
		nports++;
	}
	d = xp_diag_add(x, "no-listener",
			"the packet ends at %s %s port %u%s%s, but nothing listens there (the "
			"config's listen lines: %s %s). It would be answered with %s.",
			Q->result == UPT_PKT_LOCAL ? "the gateway," : "host",
			xp_ip(Q->flow.daddr, a), Q->flow.dport,
			Q->dnat_rule_hit ? ", sent there by " : "",
			Q->dnat_rule_hit ? hit_name(h, who, sizeof(who)) : "",
			xp_proto_name(Q->flow.proto), nports ? list : "none for this protocol",
			Q->flow.proto == P_TCP ? "a TCP reset" : "an ICMP port unreachable");
	if (Q->dnat_rule_hit && nports == 1) {
		char *p;

		snprintf(body, sizeof(body), "%s", rule_body(h->text));
		if ((p = strstr(body, " --to-ports ")) != NULL) {
			snprintf(p, sizeof(body) - (size_t)(p - body), " --to-ports %u", only);
		} else if ((p = strstr(body, " --to-destination ")) != NULL) {
			char *colon = strchr(p + 18, ':'), *end;

			if (colon) {
				end = colon + 1 + strcspn(colon + 1, " ");
				snprintf(list, sizeof(list), "%s", end);
				snprintf(colon, sizeof(body) - (size_t)(colon - body), ":%u%s",
					 only, list);
			}
		}
		xp_diag_fix(d, "%s -R %s %u %s", t_opt(h->table, cmd, sizeof(cmd)), h->chain,
			    h->rulenum, body);
		if (Q->result == UPT_PKT_FORWARDED)
			refit_forward_rule(d, Q, Q->flow.dport, only);
	} else {
		xp_diag_fix(d,
			    "start the service on %s %s port %u, or point the rule at a port "
			    "that has one (then add `listen %s %s:%u` to the config)",
			    a, xp_proto_name(Q->flow.proto), Q->flow.dport,
			    xp_proto_name(Q->flow.proto), a, Q->flow.dport);
	}
}

static bool private_addr(uint32_t a)
{
	return (a >> 24) == 10 || (a >> 20) == (172u << 4 | 1) || (a >> 16) == (192u << 8 | 168) ||
	       (a >> 22) == (100u << 2 | 1); /* RFC 1918, and RFC 6598 shared space */
}

/*
 * A LAN address leaving by a routed (via) path towards a public address
 * without SNAT: nobody on the internet routes the answer back to it.
 */
static void diag_no_masquerade(struct xp_ctx *x)
{
	const struct xp_leg *Q = &x->req;
	const char *out = upt_engine_ifname(x->eng, Q->out_ifindex);
	char a[16], b[16], n[16];
	uint32_t net;
	uint8_t plen;
	struct xp_diag *d;

	if (Q->result != UPT_PKT_FORWARDED || !Q->have_flow || !private_addr(Q->flow.saddr) ||
	    private_addr(Q->flow.daddr) || !strstr(Q->route, " via ") ||
	    xp_answers_around_gateway(x))
		return;
	d = xp_diag_add(x, "no-masquerade",
			"the packet leaves %s towards %s with the private source address %s "
			"(no SNAT/MASQUERADE): hosts on the internet do not route answers to "
			"private addresses, so none comes back.",
			out ? out : "?", xp_ip(Q->flow.daddr, b), xp_ip(Q->flow.saddr, a));
	if (xp_iface_net(x->eng, Q->in_ifindex, Q->flow.saddr, &net, &plen))
		xp_diag_fix(d, "uptables -t nat -A POSTROUTING -s %s/%u -o %s -j MASQUERADE",
			    xp_ip(net, n), plen, out ? out : "?");
	else
		xp_diag_fix(d, "uptables -t nat -A POSTROUTING -s %s -o %s -j MASQUERADE", a,
			    out ? out : "?");
}

void xp_diagnose(struct xp_ctx *x)
{
	bool forward_done = false;

	if (x->req.sent.proto != P_ICMP)
		forward_done = diag_wrong_proto(x);
	diag_leg(x, &x->req, true, forward_done);
	diag_leg(x, &x->rep, false, false);
	diag_hairpin(x);
	diag_no_masquerade(x);
	diag_listener(x);
}

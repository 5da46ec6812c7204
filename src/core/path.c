/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet path: the kernel's hook sequence (DESIGN §1), in its order.
 *
 *  received:  PREROUTING  raw -> conntrack -> mangle -> nat(DNAT)
 *             routing: local -> INPUT   mangle -> filter -> nat(SNAT) -> confirm
 *                      else  -> FORWARD (TTL check, MTU check, TTL-1) mangle -> filter
 *                               -> POSTROUTING mangle -> nat(SNAT) -> confirm -> neighbour
 *  local out: OUTPUT raw -> conntrack -> mangle -> nat(DNAT) -> reroute -> filter
 *             -> POSTROUTING as above (to a local address: back in through INPUT)
 *
 * A packet runs to completion before the next one starts, so an entry is
 * created and confirmed (or aborted) within one walk.  Each walk ends in
 * finish(): the result, the drop reason and its counter, and the trace.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/defrag.h"
#include "core/engine.h"

static bool tracing(const struct upt_engine *eng)
{
	return eng->cfg.trace != NULL;
}

static void trace_ev(struct upt_engine *eng, const struct upt_trace_event *ev)
{
	eng->cfg.trace(eng->cfg.ctx, ev);
}

void upt_path_trace(struct upt_engine *eng, unsigned kind, const char *fmt, ...)
{
	struct upt_trace_event ev;
	char text[512];
	va_list ap;

	if (!tracing(eng))
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	memset(&ev, 0, sizeof(ev));
	ev.kind = (uint8_t)kind;
	ev.text = text;
	trace_ev(eng, &ev);
}

void upt_path_count_drop(struct upt_engine *eng, unsigned reason)
{
	if (reason < UPT_DROP__COUNT)
		eng->drops[reason]++;
}

void upt_path_emit(struct upt_engine *eng, uint32_t ifindex, const uint8_t *frame, uint32_t len,
		   uint64_t now, const char *what)
{
	if (tracing(eng)) {
		struct upt_trace_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.kind = UPT_TRACE_EMIT;
		ev.ifindex = ifindex;
		ev.text = what;
		trace_ev(eng, &ev);
	}
	if (eng->cfg.emit)
		eng->cfg.emit(eng->cfg.ctx, ifindex, frame, len, now);
}

static void walk_init(struct upt_walk *w, struct upt_engine *eng, struct upt_pkt *pkt, uint64_t now)
{
	memset(w, 0, sizeof(*w));
	w->eng = eng;
	w->pkt = pkt;
	w->x.d = &w->d;
	w->x.eng = eng;
	w->x.now = now;
	w->x.mark = pkt->mark;
	w->x.in_name = "";
	w->x.out_name = "";
	w->x.ctinfo = UPT_CTINFO_INVALID;
	w->x.trace = eng->cfg.trace;
	w->x.trace_ctx = eng->cfg.ctx;
	w->x.frame_cap = pkt->cap > pkt->off ? pkt->cap - pkt->off : 0;
	pkt->result = UPT_PKT_DROPPED;
	pkt->reason = UPT_DROP_NONE;
	pkt->out_ifindex = 0;
}

/*
 * A reassembled datagram walked in the engine's buffer.  What leaves as
 * fragments went out through emit; a frame the caller must see (delivered
 * locally, or forwarded whole) is copied into the caller's buffer at its
 * offset.  False when it does not fit there.
 */
static bool reasm_hand_back(struct upt_walk *w, unsigned result)
{
	struct upt_pkt *o = w->orig, *pkt = w->pkt;

	if (result != UPT_PKT_LOCAL && result != UPT_PKT_FORWARDED && result != UPT_PKT_SENT)
		return true;
	if (o->off > o->cap || pkt->len > o->cap - o->off)
		return false;
	memmove(o->buf + o->off, pkt->buf + pkt->off, pkt->len);
	o->len = pkt->len;
	return true;
}

/* The end of every walk. */
static void finish(struct upt_walk *w, unsigned result, unsigned reason)
{
	struct upt_engine *eng = w->eng;
	struct upt_pkt *pkt = w->pkt;

	/* A target grew the frame in place (TCPMSS adding an MSS option). */
	if (w->d.frame == pkt->buf + pkt->off && w->d.frame_len > pkt->len)
		pkt->len = w->d.frame_len;
	if (w->orig && !reasm_hand_back(w, result)) {
		result = UPT_PKT_DROPPED;
		reason = UPT_DROP_DEFRAG_NO_ROOM;
	}
	pkt->result = (uint8_t)result;
	pkt->reason = (uint16_t)reason;
	pkt->mark = w->x.mark;
	if (result == UPT_PKT_DROPPED || result == UPT_PKT_HELD) {
		if (result == UPT_PKT_DROPPED)
			upt_path_count_drop(eng, reason);
		/* A first packet that does not make it leaves no entry behind. */
		if (w->ctr.is_new && w->ctr.ct && !(w->ctr.ct->status & UPT_IPS_CONFIRMED)) {
			upt_ct_abort(eng->ct, w->ctr.ct);
			w->ctr.ct = NULL;
			w->x.ct = NULL;
		}
	}
	if (tracing(eng)) {
		struct upt_trace_event ev;
		char text[160];

		memset(&ev, 0, sizeof(ev));
		ev.kind = UPT_TRACE_VERDICT;
		ev.result = (uint8_t)result;
		ev.reason = (uint16_t)reason;
		ev.ifindex = pkt->out_ifindex;
		if (result == UPT_PKT_DROPPED)
			snprintf(text, sizeof(text), "DROP: %s", upt_drop_reason_str(reason));
		else if (result == UPT_PKT_FORWARDED || result == UPT_PKT_SENT)
			snprintf(text, sizeof(text), "%s out %s",
				 result == UPT_PKT_SENT ? "SENT" : "FORWARD",
				 upt_engine_ifname(eng, pkt->out_ifindex));
		else
			snprintf(text, sizeof(text), "%s", upt_pkt_result_str(result));
		ev.text = text;
		trace_ev(eng, &ev);
	}
	if (w->orig) {
		w->orig->result = pkt->result;
		w->orig->reason = pkt->reason;
		w->orig->mark = pkt->mark;
		w->orig->out_ifindex = pkt->out_ifindex;
	}
}

/* Run one table at one hook; false when the packet is gone (finish() done). */
static bool run_table(struct upt_walk *w, enum upt_table table, enum upt_hook hook)
{
	unsigned v;

	if (!w->eng->rs)
		return true;
	w->x.table = (uint8_t)table;
	w->x.hook = (uint8_t)hook;
	w->x.drop_reason = UPT_DROP_NONE;
	v = upt_ruleset_run(w->eng->rs, table, hook, &w->x);
	if (v == UPT_V_ACCEPT)
		return true;
	if (v == UPT_V_STOLEN) {
		finish(w, UPT_PKT_CONSUMED, UPT_DROP_NONE);
		return false;
	}
	if (v == UPT_V_DROP)
		finish(w, UPT_PKT_DROPPED,
		       w->x.drop_reason
			   ? w->x.drop_reason
			   : (w->x.hotdrop ? UPT_DROP_RULE_HOTDROP : UPT_DROP_RULE_DROP));
	else
		finish(w, UPT_PKT_DROPPED, UPT_DROP_RULE_UNSUPPORTED);
	return false;
}

static void trace_ct(struct upt_walk *w, unsigned kind)
{
	char text[384];
	int n;

	if (!tracing(w->eng))
		return;
	n = snprintf(text, sizeof(text), "%s", upt_ctinfo_str(w->x.ctinfo));
	if (w->x.ct && n > 0 && (size_t)n < sizeof(text)) {
		text[n++] = ' ';
		upt_ct_format_short(w->x.ct, text + n, sizeof(text) - (size_t)n);
	}
	upt_path_trace(w->eng, kind, "%s", text);
}

/* Conntrack at PREROUTING / OUTPUT (skipped when NOTRACK or already attached). */
static bool conntrack_in(struct upt_walk *w, enum upt_hook hook)
{
	if (w->ct_attached)
		return true;
	if (!w->eng->rs || !upt_ruleset_needs_conntrack(w->eng->rs)) {
		/* No rule needs conntrack, so the kernel would not have loaded it. */
		w->x.ctinfo = UPT_CTINFO_UNTRACKED;
		w->x.ct = NULL;
		upt_path_trace(w->eng, UPT_TRACE_CT, "conntrack off (no rule uses it)");
		return true;
	}
	if (w->x.untrack) {
		w->x.ctinfo = UPT_CTINFO_UNTRACKED;
		w->x.ct = NULL;
		trace_ct(w, UPT_TRACE_CT);
		return true;
	}
	upt_ct_in(w->eng->ct, &w->d, hook, w->x.zone_mark ? (uint16_t)w->x.mark : w->x.zone,
		  w->x.now, &w->ctr);
	if (w->ctr.drop_reason) {
		finish(w, UPT_PKT_DROPPED, w->ctr.drop_reason);
		return false;
	}
	w->x.ct = w->ctr.ct;
	w->x.ctinfo = w->ctr.ctinfo;
	w->x.ctdir = w->ctr.dir;
	trace_ct(w, UPT_TRACE_CT);
	return true;
}

static bool is_related(uint8_t ctinfo)
{
	return ctinfo == UPT_CTINFO_RELATED || ctinfo == UPT_CTINFO_RELATED_REPLY;
}

/* Trace a rewrite that changed the packet: "applied at POSTROUTING: source A:p -> B:q". */
static void trace_nat_applied(struct upt_walk *w, enum upt_hook hook, enum upt_nat_manip manip,
			      uint32_t addr, uint16_t port)
{
	bool src = manip == UPT_NAT_MANIP_SRC;
	uint32_t now_addr = src ? w->d.saddr : w->d.daddr;
	uint16_t now_port = src ? w->d.sport : w->d.dport;
	bool ports = w->d.proto == UPT_IPPROTO_TCP || w->d.proto == UPT_IPPROTO_UDP;
	char a[16], b[16], pa[8] = "", pb[8] = "";

	if (now_addr == addr && (!ports || now_port == port))
		return;
	if (ports) {
		snprintf(pa, sizeof(pa), ":%u", port);
		snprintf(pb, sizeof(pb), ":%u", now_port);
	}
	upt_path_trace(w->eng, UPT_TRACE_NAT, "applied at %s: %s %s%s -> %s%s", upt_hook_name(hook),
		       src ? "source" : "destination", upt_ip_str(addr, a), pa,
		       upt_ip_str(now_addr, b), pb);
}

/*
 * A NAT hook (nf_nat_ipv4_fn / nf_nat_inet_fn): ICMP errors of a tracked
 * connection are translated; a connection not yet bound for this manip
 * consults the nat table, else gets a null binding; then the packet is
 * rewritten from the entry.  Without a nat table there are no NAT hooks.
 */
static bool nat_hook(struct upt_walk *w, enum upt_hook hook, enum upt_nat_manip manip)
{
	struct upt_engine *eng = w->eng;
	struct upt_ct *ct = w->x.ct;
	uint8_t dir = w->x.ctdir;
	uint32_t before_addr;
	uint16_t before_port;
	bool bound = false;

	if (!ct || !eng->rs || !upt_ruleset_nat_active(eng->rs))
		return true;
	if (is_related(w->x.ctinfo) && w->d.proto == UPT_IPPROTO_ICMP && w->d.icmp_is_error) {
		if (!upt_nat_icmp_reply_translation(ct, dir, manip, &w->d)) {
			finish(w, UPT_PKT_DROPPED, UPT_DROP_NAT_MANIP_FAILED);
			return false;
		}
		return true;
	}
	if ((w->x.ctinfo == UPT_CTINFO_NEW || is_related(w->x.ctinfo)) &&
	    !upt_nat_done(ct, manip)) {
		bound = true;
		if (!run_table(w, UPT_TABLE_NAT, hook))
			return false;
		if (!upt_nat_done(ct, manip) && upt_nat_null_binding(&eng->nat, ct, manip) < 0) {
			finish(w, UPT_PKT_DROPPED, UPT_DROP_NAT_NO_TUPLE);
			return false;
		}
		if (tracing(eng)) {
			uint32_t bit =
			    manip == UPT_NAT_MANIP_SRC ? UPT_IPS_SRC_NAT : UPT_IPS_DST_NAT;
			char text[256];

			upt_nat_format(ct, text, sizeof(text));
			if (ct->status & bit)
				upt_path_trace(eng, UPT_TRACE_NAT, "binding at %s: %s",
					       upt_hook_name(hook), text);
			else
				upt_path_trace(eng, UPT_TRACE_NAT, "no %s at %s (null binding)",
					       manip == UPT_NAT_MANIP_SRC ? "SNAT" : "DNAT",
					       upt_hook_name(hook));
		}
	}
	before_addr = manip == UPT_NAT_MANIP_SRC ? w->d.saddr : w->d.daddr;
	before_port = manip == UPT_NAT_MANIP_SRC ? w->d.sport : w->d.dport;
	if (!upt_nat_packet(ct, dir, manip, &w->d)) {
		finish(w, UPT_PKT_DROPPED, UPT_DROP_NAT_MANIP_FAILED);
		return false;
	}
	/* Later packets: the binding applied (the first packet's trace shows the binding). */
	if (tracing(eng) && !bound)
		trace_nat_applied(w, hook, manip, before_addr, before_port);
	return true;
}

/* nf_confirm at the end of POSTROUTING / INPUT. */
static bool confirm(struct upt_walk *w)
{
	struct upt_ct *ct = w->x.ct;

	if (!ct || w->x.ctinfo == UPT_CTINFO_RELATED_REPLY || (ct->status & UPT_IPS_CONFIRMED))
		return true;
	if (upt_ct_confirm(w->eng->ct, ct, w->x.now) < 0) {
		finish(w, UPT_PKT_DROPPED, UPT_DROP_CT_CLASH);
		return false;
	}
	w->ctr.is_new = false; /* the entry is the table's now */
	trace_ct(w, UPT_TRACE_CT_AFTER);
	return true;
}

static void set_out(struct upt_walk *w, uint32_t ifindex)
{
	w->pkt->out_ifindex = ifindex;
	w->x.out_ifindex = ifindex;
	w->x.out_name = upt_engine_ifname(w->eng, ifindex);
	if (!w->x.out_name)
		w->x.out_name = "";
}

static void trace_route(struct upt_walk *w, const char *what)
{
	char a[16], b[16];

	if (!tracing(w->eng))
		return;
	if (w->rt && w->rt->gw)
		upt_path_trace(w->eng, UPT_TRACE_ROUTE, "%s %s via %s dev %s", what,
			       upt_ip_str(w->d.daddr, a), upt_ip_str(w->nexthop, b),
			       upt_engine_ifname(w->eng, w->x.out_ifindex));
	else if (w->rt)
		upt_path_trace(w->eng, UPT_TRACE_ROUTE, "%s %s dev %s", what,
			       upt_ip_str(w->d.daddr, a),
			       upt_engine_ifname(w->eng, w->x.out_ifindex));
	else
		upt_path_trace(w->eng, UPT_TRACE_ROUTE, "%s %s", what, upt_ip_str(w->d.daddr, a));
}

static void local_in(struct upt_walk *w);

/* POSTROUTING and the neighbour step; `result` is FORWARDED or SENT. */
static void post_routing(struct upt_walk *w, unsigned result)
{
	uint16_t reason = UPT_DROP_NONE;
	struct upt_iface *out = upt_iface_get(w->eng, w->x.out_ifindex);

	w->x.in_ifindex = result == UPT_PKT_SENT ? 0 : w->x.in_ifindex;
	if (!run_table(w, UPT_TABLE_MANGLE, UPT_HOOK_POST_ROUTING) ||
	    !nat_hook(w, UPT_HOOK_POST_ROUTING, UPT_NAT_MANIP_SRC) || !confirm(w))
		return;
	if (out && out->loopback) {
		/* Looped back: the kernel sends it through lo's PREROUTING into INPUT. */
		w->x.in_ifindex = w->x.out_ifindex;
		w->x.in_name = out->name;
		w->x.out_ifindex = 0;
		w->x.out_name = "";
		w->ct_attached = true;
		if (!run_table(w, UPT_TABLE_RAW, UPT_HOOK_PRE_ROUTING) ||
		    !run_table(w, UPT_TABLE_MANGLE, UPT_HOOK_PRE_ROUTING) ||
		    !nat_hook(w, UPT_HOOK_PRE_ROUTING, UPT_NAT_MANIP_DST))
			return;
		local_in(w);
		return;
	}
	/* ip_finish_output: too long for the link, or reassembled here. */
	if (out && (w->d.ip_len > out->mtu || w->frag_max_size)) {
		unsigned r = upt_frag_output(w->eng, w, out->mtu, w->x.now, &reason);

		finish(w, r, reason);
		return;
	}
	switch (upt_neigh_output(w->eng, w, w->x.now, &reason)) {
	case UPT_NEIGH_OUT_READY:
		finish(w, result, UPT_DROP_NONE);
		break;
	case UPT_NEIGH_OUT_HELD:
		finish(w, UPT_PKT_HELD, reason);
		break;
	default:
		finish(w, UPT_PKT_DROPPED, reason);
		break;
	}
}

static void local_in(struct upt_walk *w)
{
	if (!run_table(w, UPT_TABLE_MANGLE, UPT_HOOK_LOCAL_IN) ||
	    !run_table(w, UPT_TABLE_FILTER, UPT_HOOK_LOCAL_IN) ||
	    !nat_hook(w, UPT_HOOK_LOCAL_IN, UPT_NAT_MANIP_SRC) || !confirm(w))
		return;
	finish(w, UPT_PKT_LOCAL, UPT_DROP_NONE);
}

/* ip_exceeds_mtu: too big with DF (without DF it is fragmented on output). */
static bool exceeds_mtu(const struct upt_walk *w, uint32_t mtu)
{
	if (w->d.ip_len <= mtu || !(w->d.frag_off & UPT_IP_DF))
		return false;
	if (w->frag_max_size > mtu)
		return true;
	return !w->ignore_df;
}

/*
 * ip_forward's ICMP host redirect (IPSKB_DOREDIRECT from __mkroute_input):
 * the packet leaves by the interface it came in on, that interface sends
 * redirects (conf.all or conf.IF, both 1 by default), and its source is on
 * a subnet directly connected to that interface (fib_validate_source's
 * answer); shared_media is 1 by default, so no other on-link test applies.
 * Hairpin NAT on a LAN meets exactly this.
 */
static bool should_redirect(const struct upt_walk *w)
{
	struct upt_iface *in = upt_iface_get(w->eng, w->x.in_ifindex);
	const struct upt_route *back;

	if (!in || w->rt->ifindex != w->x.in_ifindex)
		return false;
	if (!w->eng->send_redirects_all && !in->send_redirects)
		return false;
	back = upt_route_lookup(w->eng, w->d.saddr);
	return back && back->type == UPT_RT_UNICAST && !back->gw &&
	       back->ifindex == w->x.in_ifindex;
}

static void forward(struct upt_walk *w)
{
	struct upt_engine *eng = w->eng;
	struct upt_iface *out = upt_iface_get(eng, w->rt->ifindex);

	set_out(w, w->rt->ifindex);
	if (w->d.ttl <= 1) {
		upt_icmp_send(eng, w, UPT_ICMP_TIME_EXCEEDED, 0, 0, w->x.now);
		finish(w, UPT_PKT_DROPPED, UPT_DROP_TTL_EXCEEDED);
		return;
	}
	if (out && exceeds_mtu(w, out->mtu)) {
		upt_icmp_send(eng, w, UPT_ICMP_DEST_UNREACH, 4, out->mtu, w->x.now);
		finish(w, UPT_PKT_DROPPED, UPT_DROP_FRAG_NEEDED);
		return;
	}
	upt_pdesc_set_ttl(&w->d, (uint8_t)(w->d.ttl - 1));
	if (should_redirect(w) && upt_icmp_peer_redirect_allow(eng, w->d.saddr, w->x.now))
		upt_icmp_send(eng, w, UPT_ICMP_REDIRECT, 1, w->nexthop, w->x.now);
	if (!run_table(w, UPT_TABLE_MANGLE, UPT_HOOK_FORWARD) ||
	    !run_table(w, UPT_TABLE_FILTER, UPT_HOOK_FORWARD))
		return;
	post_routing(w, UPT_PKT_FORWARDED);
}

static bool martian_source(uint32_t s)
{
	return (s >> 28) == 0xe || s == 0xffffffffu || (s >> 24) == 0 || (s >> 24) == 127;
}

/* ip_route_input: where does a received packet go? */
static void route_input(struct upt_walk *w)
{
	struct upt_engine *eng = w->eng;
	uint32_t daddr = w->d.daddr;

	if (martian_source(w->d.saddr)) {
		finish(w, UPT_PKT_DROPPED, UPT_DROP_IP_MARTIAN_SRC);
		return;
	}
	if ((daddr >> 24) == 0 || (daddr >> 24) == 127) {
		finish(w, UPT_PKT_DROPPED, UPT_DROP_IP_MARTIAN_DST);
		return;
	}
	if (upt_addr_is_local(eng, daddr) || upt_addr_is_broadcast(eng, daddr)) {
		trace_route(w, "local");
		local_in(w);
		return;
	}
	if ((daddr >> 28) == 0xe) { /* multicast: no multicast routing here */
		finish(w, UPT_PKT_DROPPED, UPT_DROP_NO_ROUTE);
		return;
	}
	if (!eng->ip_forward) {
		trace_route(w, "forwarding disabled for");
		finish(w, UPT_PKT_DROPPED, UPT_DROP_FORWARDING_DISABLED);
		return;
	}
	w->rt = upt_route_lookup(eng, daddr);
	if (!w->rt || w->rt->type != UPT_RT_UNICAST) {
		uint8_t code = !w->rt ? 0 : w->rt->type == UPT_RT_PROHIBIT ? 13 : 1;

		trace_route(w, "no route to");
		if (!w->rt || w->rt->type != UPT_RT_BLACKHOLE)
			upt_icmp_send(eng, w, UPT_ICMP_DEST_UNREACH, code, 0, w->x.now);
		w->rt = NULL;
		finish(w, UPT_PKT_DROPPED, UPT_DROP_NO_ROUTE);
		return;
	}
	w->nexthop = w->rt->gw ? w->rt->gw : daddr;
	w->x.out_ifindex = w->rt->ifindex;
	trace_route(w, "forward");
	forward(w);
}

/* The interface a frame belongs to: a VLAN sub-interface for tagged frames. */
static uint32_t ingress_ifindex(struct upt_engine *eng, uint32_t ifindex, const struct upt_pdesc *d)
{
	unsigned i;

	if (!d->has_vlan)
		return ifindex;
	for (i = 0; i < eng->niface; i++)
		if (eng->ifaces[i].parent == ifindex &&
		    eng->ifaces[i].vlan_id == (d->vlan_tci & 0x0fff))
			return i + 1;
	return 0;
}

static bool frame_is_for_us(const struct upt_iface *ifc, const uint8_t *frame)
{
	/* Broadcast and multicast (group bit) are accepted; other hosts' unicast is not. */
	return (frame[0] & 1) || memcmp(frame, ifc->mac, UPT_ETH_ALEN) == 0;
}

/*
 * A received fragment: held (the caller's frame is done with: HELD, reason
 * DEFRAG_HELD), dropped, or it completed a datagram, which then walks in
 * the engine's buffer through rp in place of this fragment (true).
 */
static bool defrag_in(struct upt_walk *w, struct upt_pkt *rp)
{
	struct upt_defrag_out out;
	uint16_t reason;

	switch (upt_defrag_add(w->eng->defrag, &w->d, w->x.in_ifindex, w->x.now, &out, &reason)) {
	case UPT_DEFRAG_HELD:
		finish(w, UPT_PKT_HELD, reason);
		return false;
	case UPT_DEFRAG_DONE:
		break;
	default:
		finish(w, UPT_PKT_DROPPED, reason);
		return false;
	}
	*rp = *w->pkt;
	rp->buf = out.buf;
	rp->cap = out.cap;
	rp->off = out.off;
	rp->len = out.len;
	w->orig = w->pkt;
	w->pkt = rp;
	w->x.frame_cap = rp->cap - rp->off;
	w->frag_max_size = out.frag_max_size;
	w->frag_pmtu = out.frag_pmtu;
	w->ignore_df = true;
	w->frag_sizes = out.sizes;
	w->nfrag_sizes = out.nsizes;
	if (upt_pkt_parse_eth(&w->d, rp->buf + rp->off, rp->len) != 0) {
		finish(w, UPT_PKT_DROPPED, UPT_DROP_INTERNAL);
		return false;
	}
	if (tracing(w->eng)) {
		char text[256];

		upt_pkt_summary(&w->d, text, sizeof(text));
		upt_path_trace(w->eng, UPT_TRACE_RECEIVE, "reassembled: %s", text);
	}
	return true;
}

static void process_one(struct upt_engine *eng, struct upt_pkt *pkt, uint64_t now)
{
	struct upt_pkt rp;
	struct upt_walk w;
	struct upt_iface *ifc;
	uint32_t ifindex;
	int rc;

	walk_init(&w, eng, pkt, now);
	ifc = upt_iface_get(eng, pkt->ifindex);
	if (!ifc || ifc->loopback) {
		finish(&w, UPT_PKT_DROPPED, UPT_DROP_UNKNOWN_IFACE);
		return;
	}
	if (pkt->off > pkt->cap || pkt->len > pkt->cap - pkt->off) {
		finish(&w, UPT_PKT_DROPPED, UPT_DROP_INTERNAL);
		return;
	}
	rc = upt_pkt_parse_eth(&w.d, pkt->buf + pkt->off, pkt->len);
	if (tracing(eng)) {
		char text[256];

		if (rc == 0)
			upt_pkt_summary(&w.d, text, sizeof(text));
		else
			snprintf(text, sizeof(text), "%u bytes", pkt->len);
		upt_path_trace(eng, UPT_TRACE_RECEIVE, "in %s: %s", ifc->name, text);
	}
	if (rc > 0) {
		finish(&w, UPT_PKT_DROPPED, (unsigned)rc);
		return;
	}
	if (!ifc->up) {
		finish(&w, UPT_PKT_DROPPED, UPT_DROP_IFACE_DOWN);
		return;
	}
	ifindex = ingress_ifindex(eng, pkt->ifindex, &w.d);
	ifc = upt_iface_get(eng, ifindex);
	if (!ifc) {
		finish(&w, UPT_PKT_DROPPED, UPT_DROP_VLAN_UNKNOWN);
		return;
	}
	if (w.d.l2_kind == UPT_L2_ARP) {
		upt_neigh_arp_rx(eng, &w.d, ifindex, now);
		finish(&w, UPT_PKT_CONSUMED, UPT_DROP_ARP_CONSUMED);
		return;
	}
	if (w.d.l2_kind != UPT_L2_IPV4) {
		finish(&w, UPT_PKT_DROPPED, UPT_DROP_ETH_UNKNOWN_TYPE);
		return;
	}
	if (!frame_is_for_us(ifc, w.d.frame)) {
		finish(&w, UPT_PKT_DROPPED, UPT_DROP_ETH_NOT_FOR_US);
		return;
	}
	/* nf_defrag_ipv4 runs ahead of raw, and only while conntrack does. */
	w.x.in_ifindex = ifindex;
	if (w.d.is_fragment && eng->rs && upt_ruleset_needs_conntrack(eng->rs) &&
	    !defrag_in(&w, &rp))
		return;
	w.x.in_name = ifc->name;

	if (!run_table(&w, UPT_TABLE_RAW, UPT_HOOK_PRE_ROUTING) ||
	    !conntrack_in(&w, UPT_HOOK_PRE_ROUTING) ||
	    !run_table(&w, UPT_TABLE_MANGLE, UPT_HOOK_PRE_ROUTING) ||
	    !nat_hook(&w, UPT_HOOK_PRE_ROUTING, UPT_NAT_MANIP_DST))
		return;
	/* Forwarding only for frames sent to our MAC (ip_forward: PACKET_HOST). */
	if ((w.d.frame[0] & 1) && !upt_addr_is_local(eng, w.d.daddr) &&
	    !upt_addr_is_broadcast(eng, w.d.daddr)) {
		finish(&w, UPT_PKT_DROPPED, UPT_DROP_ETH_NOT_FOR_US);
		return;
	}
	route_input(&w);
}

void upt_engine_process(struct upt_engine *eng, struct upt_pkt *pkts, unsigned n, uint64_t now)
{
	unsigned i;

	for (i = 0; i < n; i++)
		process_one(eng, &pkts[i], now);
}

/* Route a locally generated packet; false when there is no way out (finish() done). */
static bool route_output(struct upt_walk *w)
{
	struct upt_engine *eng = w->eng;
	uint32_t daddr = w->d.daddr;

	w->rt = NULL;
	if (upt_addr_is_local(eng, daddr)) {
		w->nexthop = daddr;
		set_out(w, UPT_LO_IFINDEX);
		return true;
	}
	w->rt = upt_route_lookup(eng, daddr);
	if (!w->rt || w->rt->type != UPT_RT_UNICAST) {
		w->rt = NULL;
		finish(w, UPT_PKT_DROPPED, UPT_DROP_NO_ROUTE);
		return false;
	}
	w->nexthop = w->rt->gw ? w->rt->gw : daddr;
	set_out(w, w->rt->ifindex);
	return true;
}

static void output_walk(struct upt_walk *w)
{
	uint32_t daddr;

	if (!route_output(w))
		return;
	if (w->d.saddr == 0) {
		uint32_t src = w->rt && w->rt->prefsrc
				   ? w->rt->prefsrc
				   : upt_addr_select(w->eng, w->x.out_ifindex, w->d.daddr);
		upt_pdesc_set_saddr(&w->d, src);
	}
	trace_route(w, "output");
	daddr = w->d.daddr;
	if (!run_table(w, UPT_TABLE_RAW, UPT_HOOK_LOCAL_OUT) ||
	    !conntrack_in(w, UPT_HOOK_LOCAL_OUT) ||
	    !run_table(w, UPT_TABLE_MANGLE, UPT_HOOK_LOCAL_OUT) ||
	    !nat_hook(w, UPT_HOOK_LOCAL_OUT, UPT_NAT_MANIP_DST))
		return;
	/* ip_route_me_harder: a DNAT in OUTPUT changes where the packet goes. */
	if (w->d.daddr != daddr) {
		if (!route_output(w))
			return;
		trace_route(w, "rerouted");
	}
	if (!run_table(w, UPT_TABLE_FILTER, UPT_HOOK_LOCAL_OUT))
		return;
	post_routing(w, UPT_PKT_SENT);
}

static void output_one(struct upt_engine *eng, struct upt_pkt *pkt, uint64_t now)
{
	struct upt_walk w;
	int rc;

	walk_init(&w, eng, pkt, now);
	w.locally_generated = true;
	if (pkt->off > pkt->cap || pkt->len > pkt->cap - pkt->off || pkt->off < UPT_ETH_HLEN + 4) {
		finish(&w, UPT_PKT_DROPPED, UPT_DROP_INTERNAL);
		return;
	}
	rc = upt_pkt_parse_ip(&w.d, pkt->buf + pkt->off, pkt->len, 0);
	if (rc > 0) {
		finish(&w, UPT_PKT_DROPPED, (unsigned)rc);
		return;
	}
	/* The kernel would reassemble at OUTPUT too (defrag user CONNTRACK_OUT): not done here. */
	if (w.d.is_fragment && eng->rs && upt_ruleset_needs_conntrack(eng->rs)) {
		finish(&w, UPT_PKT_DROPPED, UPT_DROP_IP_FRAGMENT);
		return;
	}
	output_walk(&w);
}

void upt_engine_output(struct upt_engine *eng, struct upt_pkt *pkts, unsigned n, uint64_t now)
{
	unsigned i;

	for (i = 0; i < n; i++)
		output_one(eng, &pkts[i], now);
}

void upt_path_send_local(struct upt_engine *eng, uint8_t *buf, uint32_t cap, uint32_t off,
			 uint32_t len, const struct upt_walk *cause, bool attach_ct, uint64_t now)
{
	struct upt_pkt pkt;
	struct upt_walk w;

	memset(&pkt, 0, sizeof(pkt));
	pkt.buf = buf;
	pkt.cap = cap;
	pkt.off = off;
	pkt.len = len;
	walk_init(&w, eng, &pkt, now);
	w.locally_generated = true;
	if (upt_pkt_parse_ip(&w.d, buf + off, len, 0) != 0) {
		finish(&w, UPT_PKT_DROPPED, UPT_DROP_INTERNAL);
		return;
	}
	if (attach_ct && cause && cause->x.ct) {
		/* nf_ct_attach: the reply-direction relative of the packet that caused it. */
		w.ct_attached = true;
		w.x.ct = cause->x.ct;
		w.x.ctdir =
		    cause->x.ctdir == UPT_CT_DIR_ORIGINAL ? UPT_CT_DIR_REPLY : UPT_CT_DIR_ORIGINAL;
		w.x.ctinfo = cause->x.ctdir == UPT_CT_DIR_ORIGINAL ? UPT_CTINFO_RELATED_REPLY
								   : UPT_CTINFO_RELATED;
	}
	output_walk(&w);
	if (pkt.result == UPT_PKT_SENT)
		upt_path_emit(eng, pkt.out_ifindex, pkt.buf + pkt.off, pkt.len, now,
			      "locally generated");
}

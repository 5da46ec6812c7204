/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the packet path offers to targets (declared in rules/ext.h): NAT
 * binding, the addresses MASQUERADE and REDIRECT need, REJECT's error
 * packets, and the LOG sink.  A target only sees its struct upt_xt_pkt;
 * the walk it belongs to is the enclosing struct upt_walk.
 */
#include <stddef.h>
#include <stdio.h>

#include "base/rand.h"
#include "core/engine.h"

static struct upt_walk *walk_of(struct upt_xt_pkt *p)
{
	return (struct upt_walk *)((char *)p - offsetof(struct upt_walk, x));
}

unsigned upt_xt_nat(struct upt_xt_pkt *p, enum upt_nat_manip manip,
		    const struct upt_nat_range *range)
{
	struct upt_engine *eng = p->eng;

	/* Only a connection's first packet is bound (the nat table is not consulted later). */
	if (!p->ct || upt_nat_done(p->ct, manip))
		return UPT_V_ACCEPT;
	if (upt_nat_setup(&eng->nat, p->ct, range, manip) < 0) {
		p->drop_reason = UPT_DROP_NAT_NO_TUPLE;
		return UPT_V_DROP;
	}
	return UPT_V_ACCEPT;
}

uint32_t upt_xt_masquerade_addr(struct upt_xt_pkt *p)
{
	struct upt_walk *w = walk_of(p);
	uint32_t nh = w->nexthop ? w->nexthop : p->d->daddr;

	if (w->rt && w->rt->prefsrc)
		return w->rt->prefsrc;
	return p->out_ifindex ? upt_addr_select(p->eng, p->out_ifindex, nh) : 0;
}

uint32_t upt_xt_redirect_addr(struct upt_xt_pkt *p)
{
	struct upt_iface *ifc;

	if (p->hook == UPT_HOOK_LOCAL_OUT)
		return 0x7f000001u; /* 127.0.0.1 */
	ifc = upt_iface_get(p->eng, p->in_ifindex);
	return ifc && ifc->naddr ? ifc->addr[0] : 0;
}

void upt_xt_reject(struct upt_xt_pkt *p, enum upt_reject_with with)
{
	static const uint8_t unreach_code[] = {
	    [UPT_REJECT_ICMP_NET_UNREACHABLE] = 0,   [UPT_REJECT_ICMP_HOST_UNREACHABLE] = 1,
	    [UPT_REJECT_ICMP_PROT_UNREACHABLE] = 2,  [UPT_REJECT_ICMP_PORT_UNREACHABLE] = 3,
	    [UPT_REJECT_ICMP_NET_PROHIBITED] = 9,    [UPT_REJECT_ICMP_HOST_PROHIBITED] = 10,
	    [UPT_REJECT_ICMP_ADMIN_PROHIBITED] = 13,
	};
	struct upt_walk *w = walk_of(p);

	if (with == UPT_REJECT_TCP_RESET)
		upt_tcp_send_reset(p->eng, w, p->now);
	else if (with != UPT_REJECT_ICMP_ECHOREPLY && (unsigned)with < sizeof(unreach_code))
		upt_icmp_send(p->eng, w, UPT_ICMP_DEST_UNREACH, unreach_code[with], 0, p->now);
	p->drop_reason = UPT_DROP_REJECT;
}

void upt_xt_log(struct upt_xt_pkt *p, unsigned level, const char *line)
{
	struct upt_engine *eng = p->eng;

	if (eng->cfg.log)
		eng->cfg.log(eng->cfg.ctx, level, line);
}

const char *upt_xt_ifname(struct upt_xt_pkt *p, uint32_t ifindex)
{
	const char *n = upt_engine_ifname(p->eng, ifindex);

	return n ? n : "";
}

uint64_t upt_xt_random(struct upt_xt_pkt *p)
{
	return upt_rand_next(&p->eng->rng);
}

uint32_t upt_xt_if_mtu(struct upt_xt_pkt *p, uint32_t ifindex)
{
	struct upt_iface *ifc = upt_iface_get(p->eng, ifindex);

	return ifc ? ifc->mtu : 0;
}

uint32_t upt_xt_route_mtu(struct upt_xt_pkt *p, uint32_t daddr)
{
	const struct upt_route *rt;

	if (upt_addr_is_local(p->eng, daddr))
		return upt_xt_if_mtu(p, UPT_LO_IFINDEX);
	rt = upt_route_lookup(p->eng, daddr);
	if (!rt || rt->type != UPT_RT_UNICAST)
		return 0;
	return upt_xt_if_mtu(p, rt->ifindex);
}

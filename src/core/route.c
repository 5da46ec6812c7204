/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Routing decision: local addresses first (the kernel's local table), then
 * the longest matching prefix of the main table.  Routes are kept sorted by
 * prefix length, longest first, so the first match is the answer; the table
 * of a gateway is small, and a trie can replace the scan without changing
 * callers.
 */
#include <errno.h>
#include <string.h>

#include "core/engine.h"

static uint32_t prefix_mask(uint8_t plen)
{
	return plen ? 0xffffffffu << (32 - plen) : 0;
}

int upt_route_add(struct upt_engine *eng, const struct upt_route *r)
{
	unsigned i, pos;

	if (r->plen > 32)
		return -EINVAL;
	for (i = 0; i < eng->nroute; i++) {
		const struct upt_route *o = &eng->routes[i];

		/* One route per prefix, as `ip route add` (it says "File exists"). */
		if (o->plen == r->plen && o->dst == (r->dst & prefix_mask(r->plen)))
			return -EEXIST;
	}
	if (eng->nroute == UPT_MAX_ROUTES)
		return -ENOSPC;
	for (pos = 0; pos < eng->nroute && eng->routes[pos].plen >= r->plen; pos++)
		;
	memmove(&eng->routes[pos + 1], &eng->routes[pos],
		(eng->nroute - pos) * sizeof(eng->routes[0]));
	eng->routes[pos] = *r;
	eng->routes[pos].dst &= prefix_mask(r->plen);
	eng->nroute++;
	return 0;
}

const struct upt_route *upt_route_lookup(const struct upt_engine *eng, uint32_t daddr)
{
	unsigned i;

	for (i = 0; i < eng->nroute; i++) {
		const struct upt_route *r = &eng->routes[i];

		if ((daddr & prefix_mask(r->plen)) == r->dst)
			return r;
	}
	return NULL;
}

bool upt_addr_is_local(const struct upt_engine *eng, uint32_t addr)
{
	unsigned i, j;

	for (i = 0; i < eng->niface; i++) {
		const struct upt_iface *ifc = &eng->ifaces[i];

		if (ifc->loopback && (addr >> 24) == 127)
			return true;
		for (j = 0; j < ifc->naddr; j++)
			if (ifc->addr[j] == addr)
				return true;
	}
	return false;
}

/* Limited broadcast or the directed broadcast of one of our subnets. */
bool upt_addr_is_broadcast(const struct upt_engine *eng, uint32_t addr)
{
	unsigned i, j;

	if (addr == 0xffffffffu)
		return true;
	for (i = 0; i < eng->niface; i++) {
		const struct upt_iface *ifc = &eng->ifaces[i];

		for (j = 0; j < ifc->naddr; j++) {
			uint32_t m = prefix_mask(ifc->plen[j]);

			if (ifc->plen[j] < 31 && addr == ((ifc->addr[j] & m) | ~m))
				return true;
		}
	}
	return false;
}

/*
 * inet_select_addr(): the first primary address of the interface on the
 * same subnet as dst, else the interface's first address, else any
 * address of the host (scope global).
 */
uint32_t upt_addr_select(const struct upt_engine *eng, uint32_t ifindex, uint32_t dst)
{
	const struct upt_iface *ifc = NULL;
	unsigned i;

	if (ifindex && ifindex <= eng->niface)
		ifc = &eng->ifaces[ifindex - 1];
	if (ifc && ifc->naddr) {
		for (i = 0; i < ifc->naddr; i++) {
			uint32_t m = prefix_mask(ifc->plen[i]);

			if (dst && (dst & m) == (ifc->addr[i] & m))
				return ifc->addr[i];
		}
		return ifc->addr[0];
	}
	for (i = 0; i < eng->niface; i++)
		if (!eng->ifaces[i].loopback && eng->ifaces[i].naddr)
			return eng->ifaces[i].addr[0];
	return 0;
}

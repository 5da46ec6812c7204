/* SPDX-License-Identifier: GPL-2.0 */
/* Read-only view of an interface for front ends (uptables-sim explain). */
#include <errno.h>
#include <string.h>

#include "core/engine.h"

int upt_engine_iface_info(const struct upt_engine *eng, uint32_t ifindex,
			  struct upt_iface_info *out)
{
	const struct upt_iface *ifc;
	unsigned i;

	memset(out, 0, sizeof(*out));
	if (ifindex == 0 || ifindex > eng->niface)
		return -ENODEV;
	ifc = &eng->ifaces[ifindex - 1];
	memcpy(out->name, ifc->name, sizeof(out->name));
	memcpy(out->mac, ifc->mac, sizeof(out->mac));
	out->up = ifc->up;
	out->loopback = ifc->loopback;
	out->mtu = ifc->mtu;
	out->vlan_id = ifc->vlan_id;
	out->parent = ifc->parent;
	for (i = 0; i < ifc->naddr && i < UPT_IFACE_INFO_ADDRS; i++) {
		out->addr[i] = ifc->addr[i];
		out->plen[i] = ifc->plen[i];
	}
	out->naddr = i;
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the packet path offers to the connection-state extensions: the
 * conntrack table (connbytes' counters, connlimit's lookups), accounting
 * switched on when a ruleset with connbytes is installed, and address types.
 *
 * Address types for -m addrtype: the kernel's __inet_dev_addr_type().
 * 0.0.0.0/8 and 255.255.255.255 are BROADCAST and 224/4 MULTICAST without
 * a lookup; otherwise the host's local table decides, which the kernel fills
 * from the interface addresses (checked with `ip route show table local` on
 * the 6.18 kernel here):
 *   local ADDR/32 dev IF          for every address, up or down;
 *   broadcast (subnet | ~mask)    for every address with a prefix < /31 on
 *                                 an interface that is up (no route for the
 *                                 network address itself);
 *   local 127.0.0.0/8, broadcast 127.255.255.255 dev lo.
 * An address without such a route is UNICAST; so is one whose route belongs
 * to another interface than the one asked about.
 */
#include <string.h>

#include "core/engine.h"
#include "rules/compiled.h"

struct upt_ct_table *upt_xt_ct_table(struct upt_xt_pkt *p)
{
	return p->eng->ct;
}

/*
 * The kernel's connbytes checkentry turns conntrack accounting on for the
 * network namespace (and it stays on); connlabel's allocates the label
 * storage (nf_connlabels_get; kept here once allocated).  Called before a
 * compiled ruleset replaces the running one, so a failure leaves the old
 * one in place.
 */
int upt_xt_conn_prepare(struct upt_engine *eng, const struct upt_ruleset *rs)
{
	for (unsigned t = 0; t < UPT_TABLE__COUNT; t++) {
		const struct upt_ctable *ct = &rs->t[t];

		for (uint32_t i = 0; ct->present && i < ct->nentries; i++)
			for (unsigned k = 0; k < ct->e[i].nmatches; k++) {
				const char *name = ct->e[i].matches[k].ops->name;
				int rc = 0;

				if (strcmp(name, "connbytes") == 0)
					rc = upt_ct_acct_enable(eng->ct);
				else if (strcmp(name, "connlabel") == 0)
					rc = upt_ct_labels_enable(eng->ct);
				if (rc)
					return rc;
			}
	}
	return 0;
}

static uint32_t prefix_mask(uint8_t plen)
{
	return plen ? 0xffffffffu << (32 - plen) : 0;
}

/* Type and device of addr's route in the local table; 0 type when none. */
static unsigned local_table(const struct upt_engine *eng, uint32_t addr, uint32_t *dev)
{
	unsigned i, j, type = 0;

	for (i = 0; i < eng->niface; i++) {
		const struct upt_iface *ifc = &eng->ifaces[i];

		for (j = 0; j < ifc->naddr; j++) {
			uint32_t m = prefix_mask(ifc->plen[j]);

			if (ifc->addr[j] == addr) {
				*dev = i + 1;
				return UPT_RTN_LOCAL;
			}
			if (!type && ifc->up && ifc->plen[j] < 31 &&
			    addr == ((ifc->addr[j] & m) | ~m)) {
				type = UPT_RTN_BROADCAST;
				*dev = i + 1;
			}
		}
	}
	if (type)
		return type;
	if ((addr >> 24) == 127) {
		*dev = 0;
		for (i = 0; i < eng->niface; i++)
			if (eng->ifaces[i].loopback)
				*dev = i + 1;
		return addr == 0x7fffffffu ? UPT_RTN_BROADCAST : UPT_RTN_LOCAL;
	}
	return 0;
}

unsigned upt_xt_addr_type(struct upt_xt_pkt *p, uint32_t addr, uint32_t ifindex)
{
	uint32_t dev = 0;
	unsigned type;

	if ((addr >> 24) == 0 || addr == 0xffffffffu)
		return UPT_RTN_BROADCAST;
	if ((addr >> 28) == 0xe)
		return UPT_RTN_MULTICAST;
	type = local_table(p->eng, addr, &dev);
	if (!type || (ifindex && dev != ifindex))
		return UPT_RTN_UNICAST;
	return type;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m pkttype --pkt-type unicast|broadcast|multicast|otherhost: the link
 * layer class of the packet (skb->pkt_type, the kernel's xt_pkttype.c).
 * The class comes from the Ethernet destination, as eth_type_trans()
 * gives it: all-ones is broadcast, the group bit multicast, otherwise
 * unicast (frames for other hosts never reach the rules: the engine drops
 * them on receive, as ip_rcv does with PACKET_OTHERHOST).  A packet
 * without an Ethernet header (locally generated, or looped back through
 * lo, whose frames are addressed to lo itself) is unicast.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "rules/ext.h"

enum { O_PKTTYPE };

/* The kernel's PACKET_* numbers. */
enum { PKT_HOST = 0, PKT_BROADCAST = 1, PKT_MULTICAST = 2, PKT_OTHERHOST = 3 };

struct pkttype_data {
	uint8_t type;
	uint8_t invert;
};

static const struct upt_xt_option pkttype_opts[] = {
    {"pkt-type", O_PKTTYPE, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

/* The first name of a type is the one printed; the rest are aliases (libxt_pkttype). */
static const struct {
	const char *name;
	uint8_t type;
} names[] = {
    {"unicast", PKT_HOST},	  {"broadcast", PKT_BROADCAST}, {"multicast", PKT_MULTICAST},
    {"otherhost", PKT_OTHERHOST}, {"host", PKT_HOST},		{"bcast", PKT_BROADCAST},
    {"mcast", PKT_MULTICAST},
};

static void pkttype_init(void *data)
{
	memset(data, 0, sizeof(struct pkttype_data));
}

static int pkttype_parse(void *data, unsigned id, bool invert, const char *arg,
			 struct upt_xt_parse *p)
{
	struct pkttype_data *m = data;

	if (id != O_PKTTYPE)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(arg, names[i].name) == 0) {
			m->type = names[i].type;
			m->invert = invert;
			return 0;
		}
	return upt_xt_error(p, "Bad packet type '%s'", arg);
}

static int pkttype_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	if (!(p->seen & (1u << O_PKTTYPE)))
		return upt_xt_error(p, "pkttype: option \"--pkt-type\" must be specified");
	return 0;
}

static const char *type_name(uint8_t type)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == type)
			return names[i].name;
	return "";
}

static void pkttype_save(const void *data, struct upt_sb *sb)
{
	const struct pkttype_data *m = data;

	upt_sb_printf(sb, "%s --pkt-type %s", m->invert ? " !" : "", type_name(m->type));
}

static void pkttype_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct pkttype_data *m = data;

	(void)flags;
	upt_sb_printf(sb, " PKTTYPE %s= %s", m->invert ? "!" : "", type_name(m->type));
}

static uint8_t packet_type(const struct upt_pdesc *d)
{
	static const uint8_t bcast[UPT_ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	if (d->l2_len < UPT_ETH_HLEN || d->frame_len < UPT_ETH_HLEN)
		return PKT_HOST;
	if (memcmp(d->frame, bcast, UPT_ETH_ALEN) == 0)
		return PKT_BROADCAST;
	if (d->frame[0] & 1)
		return PKT_MULTICAST;
	return PKT_HOST;
}

static bool pkttype_match(const void *data, struct upt_xt_pkt *p)
{
	const struct pkttype_data *m = data;

	return (packet_type(p->d) == m->type) != (bool)m->invert;
}

const struct upt_match_ops upt_match_pkttype = {
    .name = "pkttype",
    .size = sizeof(struct pkttype_data),
    .options = pkttype_opts,
    .init = pkttype_init,
    .parse = pkttype_parse,
    .check = pkttype_check,
    .save = pkttype_save,
    .print = pkttype_print,
    .match = pkttype_match,
};

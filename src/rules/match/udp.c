/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m udp: source/destination port ranges (the kernel's xt_tcpudp.c
 * udp_mt(): later fragments never match, an unreadable header hotdrops).
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

#define INV_SRCPT 0x01
#define INV_DSTPT 0x02

enum { O_SPORT, O_DPORT };

struct udp_data {
	uint16_t spts[2], dpts[2];
	uint8_t invflags;
};

static const struct upt_xt_option udp_opts[] = {
    {"source-port", O_SPORT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"sport", O_SPORT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"destination-port", O_DPORT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"dport", O_DPORT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

static void udp_init(void *data)
{
	struct udp_data *u = data;

	memset(u, 0, sizeof(*u));
	u->spts[1] = u->dpts[1] = 0xffff;
}

static int udp_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct udp_data *u = data;
	uint16_t *r = id == O_SPORT ? u->spts : u->dpts;

	if (id != O_SPORT && id != O_DPORT)
		return -EINVAL;
	if (upt_xtu_parse_port_range(arg, "udp", &r[0], &r[1]))
		return upt_xt_error(p, "invalid UDP port/port range `%s' specified", arg);
	if (invert)
		u->invflags |= id == O_SPORT ? INV_SRCPT : INV_DSTPT;
	return 0;
}

static int udp_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	if (p->proto != 17 || p->proto_invert)
		return upt_xt_error(p, "udp match: only valid for `-p udp'");
	return 0;
}

static void udp_save(const void *data, struct upt_sb *sb)
{
	const struct udp_data *u = data;

	upt_xtu_save_ports(sb, "--sport", u->spts[0], u->spts[1], u->invflags & INV_SRCPT);
	upt_xtu_save_ports(sb, "--dport", u->dpts[0], u->dpts[1], u->invflags & INV_DSTPT);
}

static void udp_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct udp_data *u = data;
	bool numeric = flags & UPT_XT_PRINT_NUMERIC;

	upt_sb_puts(sb, " udp");
	upt_xtu_print_ports(sb, "spt", u->spts[0], u->spts[1], u->invflags & INV_SRCPT, "udp",
			    numeric);
	upt_xtu_print_ports(sb, "dpt", u->dpts[0], u->dpts[1], u->invflags & INV_DSTPT, "udp",
			    numeric);
}

static bool udp_match(const void *data, struct upt_xt_pkt *p)
{
	const struct udp_data *u = data;
	const struct upt_pdesc *d = p->d;
	bool inv;

	if (d->proto != UPT_IPPROTO_UDP)
		return false;
	if (d->frag_off & UPT_IP_OFFMASK)
		return false;
	if (!d->l4_ok) {
		p->hotdrop = true;
		return false;
	}
	inv = u->invflags & INV_SRCPT;
	if ((d->sport >= u->spts[0] && d->sport <= u->spts[1]) == inv)
		return false;
	inv = u->invflags & INV_DSTPT;
	return (d->dport >= u->dpts[0] && d->dport <= u->dpts[1]) != inv;
}

const struct upt_match_ops upt_match_udp = {
    .name = "udp",
    .size = sizeof(struct udp_data),
    .options = udp_opts,
    .init = udp_init,
    .parse = udp_parse,
    .check = udp_check,
    .save = udp_save,
    .print = udp_print,
    .match = udp_match,
};

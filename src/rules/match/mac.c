/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m mac --mac-source XX:XX:XX:XX:XX:XX: the Ethernet source address of a
 * received frame (the kernel's xt_mac.c).  Only PREROUTING, INPUT and
 * FORWARD; a packet without an Ethernet header (locally generated, looped
 * back) never matches, inverted or not, as the kernel returns false
 * before it looks at the invert flag.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "rules/ext.h"

enum { O_MAC };

struct mac_data {
	uint8_t addr[UPT_ETH_ALEN];
	uint8_t invert;
};

static const struct upt_xt_option mac_opts[] = {
    {"mac-source", O_MAC, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

static void mac_init(void *data)
{
	memset(data, 0, sizeof(struct mac_data));
}

static int hexval(char c)
{
	return isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10;
}

/* Six groups of one or two hex digits separated by ':' (xtables_parse_mac). */
static bool parse_mac(const char *s, uint8_t out[UPT_ETH_ALEN])
{
	for (int i = 0; i < UPT_ETH_ALEN; i++) {
		int v = 0, n = 0;

		while (n < 2 && isxdigit((unsigned char)*s)) {
			v = v * 16 + hexval(*s++);
			n++;
		}
		if (n == 0)
			return false;
		out[i] = (uint8_t)v;
		if (i < UPT_ETH_ALEN - 1 && *s++ != ':')
			return false;
	}
	return *s == '\0';
}

static int mac_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct mac_data *m = data;

	if (id != O_MAC)
		return -EINVAL;
	if (!parse_mac(arg, m->addr))
		return upt_xt_error(p, "Invalid MAC address specified.");
	m->invert = invert;
	return 0;
}

static int mac_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	if (!(p->seen & (1u << O_MAC)))
		return upt_xt_error(p, "mac: option \"--mac-source\" must be specified");
	return 0;
}

static void put_mac(struct upt_sb *sb, const uint8_t *a)
{
	upt_sb_printf(sb, " %02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4], a[5]);
}

static void mac_save(const void *data, struct upt_sb *sb)
{
	const struct mac_data *m = data;

	upt_sb_printf(sb, "%s --mac-source", m->invert ? " !" : "");
	put_mac(sb, m->addr);
}

static void mac_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct mac_data *m = data;

	(void)flags;
	upt_sb_printf(sb, " MAC%s", m->invert ? " !" : "");
	put_mac(sb, m->addr);
}

static bool mac_match(const void *data, struct upt_xt_pkt *p)
{
	const struct mac_data *m = data;
	const struct upt_pdesc *d = p->d;

	if (d->l2_len < UPT_ETH_HLEN || d->frame_len < UPT_ETH_HLEN)
		return false;
	return (memcmp(d->frame + UPT_ETH_ALEN, m->addr, UPT_ETH_ALEN) == 0) != (bool)m->invert;
}

const struct upt_match_ops upt_match_mac = {
    .name = "mac",
    .size = sizeof(struct mac_data),
    .options = mac_opts,
    .hooks = (1u << UPT_HOOK_PRE_ROUTING) | (1u << UPT_HOOK_LOCAL_IN) | (1u << UPT_HOOK_FORWARD),
    .init = mac_init,
    .parse = mac_parse,
    .check = mac_check,
    .save = mac_save,
    .print = mac_print,
    .match = mac_match,
};

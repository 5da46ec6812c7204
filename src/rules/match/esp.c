/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m esp [!] --espspi SPI[:SPI]: the Security Parameters Index of an ESP
 * header (RFC 4303) within a range (the kernel's xt_esp.c; options and
 * listing of iptables' libxt_esp.c).  Ranges as libxtables' UINT32RC:
 * "a", "a:b", ":b", "a:", ":"; a reversed range is refused and an
 * inverted full range is listed as "! --espspi 0:4294967295", both as
 * iptables >= 1.8.11 does.  Without --espspi the range is 0:4294967295.
 *
 * On the packet: later fragments never match; a packet too short for the
 * 8-byte SPI + sequence number header is dropped (hotdrop), as the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

#define ESP_HLEN 8

enum { O_SPI };

struct esp_data {
	uint32_t spis[2];
	bool invert;
	bool wrong_proto; /* the rule is not -p esp: the kernel refuses it (kcheck) */
};

static const struct upt_xt_option esp_opts[] = {
    {"espspi", O_SPI, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

static void esp_init(void *data)
{
	struct esp_data *e = data;

	memset(e, 0, sizeof(*e));
	e->spis[1] = 0xffffffffu;
}

static int esp_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct esp_data *e = data;

	if (id != O_SPI)
		return -EINVAL;
	if (!upt_xtu_parse_u32_range(arg, e->spis))
		return upt_xt_error(p,
				    "esp: bad value for option \"--espspi\" near \"%s\", or out of "
				    "range (0-4294967295).",
				    arg);
	if (e->spis[0] > e->spis[1])
		return upt_xt_error(p, "esp: invalid range given");
	e->invert = invert;
	return 0;
}

static int esp_check(void *data, struct upt_xt_parse *p)
{
	struct esp_data *e = data;

	/* The kernel binds the match to protocol 50 (xt_check_match): iptables passes the
	 * rule on and the kernel refuses it, so the refusal is kcheck's. */
	e->wrong_proto = p->proto != 50 || p->proto_invert;
	return 0;
}

static int esp_kcheck(const void *data, char *why, size_t whylen)
{
	const struct esp_data *e = data;

	if (e->wrong_proto) {
		snprintf(why, whylen, "esp match: only valid for protocol 50");
		return -EINVAL;
	}
	return 0;
}

static void esp_save(const void *data, struct upt_sb *sb)
{
	const struct esp_data *e = data;

	if (e->spis[0] == 0 && e->spis[1] == 0xffffffffu && !e->invert)
		return;
	upt_sb_printf(sb, "%s --espspi ", e->invert ? " !" : "");
	if (e->spis[0] != e->spis[1])
		upt_sb_printf(sb, "%u:%u", e->spis[0], e->spis[1]);
	else
		upt_sb_printf(sb, "%u", e->spis[0]);
}

static void esp_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct esp_data *e = data;
	const char *inv = e->invert ? "!" : "";

	(void)flags;
	upt_sb_puts(sb, " esp");
	if (e->spis[0] == 0 && e->spis[1] == 0xffffffffu && !e->invert)
		return;
	if (e->spis[0] == e->spis[1])
		upt_sb_printf(sb, " spi:%s%u", inv, e->spis[0]);
	else
		upt_sb_printf(sb, " spis:%s%u:%u", inv, e->spis[0], e->spis[1]);
}

static bool esp_match(const void *data, struct upt_xt_pkt *p)
{
	const struct esp_data *e = data;
	const struct upt_pdesc *d = p->d;
	uint32_t spi;

	if (d->proto != 50)
		return false;
	if (d->frag_off & UPT_IP_OFFMASK)
		return false;
	/* l4_len stays inside the validated IP total length, so it bounds the read. */
	if (d->l4_len < ESP_HLEN || !upt_pkt_load32(d, d->l4_off, &spi)) {
		p->hotdrop = true;
		return false;
	}
	return (spi >= e->spis[0] && spi <= e->spis[1]) != e->invert;
}

const struct upt_match_ops upt_match_esp = {
    .name = "esp",
    .size = sizeof(struct esp_data),
    .options = esp_opts,
    .init = esp_init,
    .parse = esp_parse,
    .check = esp_check,
    .kcheck = esp_kcheck,
    .save = esp_save,
    .print = esp_print,
    .match = esp_match,
};

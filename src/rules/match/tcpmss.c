/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m tcpmss --mss MIN[:MAX]: the value of the TCP MSS option within
 * [MIN, MAX] (the kernel's xt_tcpmss.c).  Needs `-p tcp`.  A segment
 * without the option matches only when inverted; a header shorter than 20
 * bytes, a data offset below 5 or options cut short drop the packet
 * (hotdrop).  As in the kernel, the header is read at the transport
 * offset without looking at the fragment offset.
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_MSS };

struct tcpmss_data {
	uint16_t min, max;
	uint8_t invert;
};

static const struct upt_xt_option tcpmss_opts[] = {
    {"mss", O_MSS, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

static void tcpmss_init(void *data)
{
	memset(data, 0, sizeof(struct tcpmss_data));
}

static int tcpmss_parse(void *data, unsigned id, bool invert, const char *arg,
			struct upt_xt_parse *p)
{
	struct tcpmss_data *m = data;

	if (id != O_MSS)
		return -EINVAL;
	if (!upt_xtu_parse_u16_range(arg, &m->min, &m->max))
		return upt_xt_error(p,
				    "tcpmss: bad value for option \"--mss\" near \"%s\", or out "
				    "of range (0-65535).",
				    arg);
	if (m->min > m->max)
		return upt_xt_error(p, "tcpmss: invalid range given");
	m->invert = invert;
	return 0;
}

static int tcpmss_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	if (!(p->seen & (1u << O_MSS)))
		return upt_xt_error(p, "tcpmss: option \"--mss\" must be specified");
	if (p->proto != UPT_IPPROTO_TCP || p->proto_invert)
		return upt_xt_error(p, "tcpmss match: only valid for `-p tcp'");
	return 0;
}

static void put_range(struct upt_sb *sb, const struct tcpmss_data *m)
{
	if (m->min == m->max)
		upt_sb_printf(sb, "%u", m->min);
	else
		upt_sb_printf(sb, "%u:%u", m->min, m->max);
}

static void tcpmss_save(const void *data, struct upt_sb *sb)
{
	const struct tcpmss_data *m = data;

	upt_sb_printf(sb, "%s --mss ", m->invert ? " !" : "");
	put_range(sb, m);
}

static void tcpmss_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct tcpmss_data *m = data;

	(void)flags;
	upt_sb_printf(sb, " tcpmss match %s", m->invert ? "!" : "");
	put_range(sb, m);
}

static bool tcpmss_match(const void *data, struct upt_xt_pkt *p)
{
	const struct tcpmss_data *m = data;
	const struct upt_pdesc *d = p->d;
	uint32_t th = d->l4_off, end = (uint32_t)d->l2_len + d->ip_len;
	uint32_t i, optlen;
	uint8_t doff, kind, len;
	uint16_t mss;

	if (th + 20 > end || !upt_pkt_load8(d, th + 12, &doff))
		goto drop;
	doff = (uint8_t)((doff >> 4) * 4);
	if (doff < 20)
		goto drop;
	optlen = doff - 20u;
	if (th + doff > end || th + doff > d->frame_len)
		goto drop;
	for (i = 0; i < optlen;) {
		(void)upt_pkt_load8(d, th + 20 + i, &kind);
		if (kind == 2 && optlen - i >= 4) {
			(void)upt_pkt_load8(d, th + 21 + i, &len);
			if (len == 4) {
				(void)upt_pkt_load16(d, th + 22 + i, &mss);
				return (mss >= m->min && mss <= m->max) != (bool)m->invert;
			}
		}
		if (kind < 2) {
			i++;
			continue;
		}
		/* A length byte past the options ends the walk (the kernel reads stale bytes). */
		if (i + 1 >= optlen)
			break;
		(void)upt_pkt_load8(d, th + 21 + i, &len);
		i += len ? len : 1;
	}
	return m->invert;
drop:
	p->hotdrop = true;
	return false;
}

const struct upt_match_ops upt_match_tcpmss = {
    .name = "tcpmss",
    .size = sizeof(struct tcpmss_data),
    .options = tcpmss_opts,
    .init = tcpmss_init,
    .parse = tcpmss_parse,
    .check = tcpmss_check,
    .save = tcpmss_save,
    .print = tcpmss_print,
    .match = tcpmss_match,
};

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j TCPOPTSTRIP [--strip-options LIST] (mangle table, -p tcp): the
 * kernel's xt_TCPOPTSTRIP.c.
 *
 * LIST is comma separated; each item is a name (wscale 3, mss 2,
 * sack-permitted 4, sack 5, timestamp 8, md5 19) or a number 0..255, of
 * which 0 (end of list) and 1 (NOP) are refused, and an item given twice
 * is refused, as libxt_TCPOPTSTRIP does.  The kinds are a 256-bit set:
 * saved in ascending numeric order, and not at all when the set is empty
 * (a bare -j TCPOPTSTRIP is a valid rule that strips nothing).  The kernel
 * accepts the target only with -p tcp (not inverted) in mangle: refused
 * when the table is validated, as the kernel refuses it on load (kcheck).
 *
 * On a packet (tcpoptstrip_mangle_packet): a non-first fragment goes on
 * untouched; a TCP header shorter than 20 bytes or reaching past the
 * packet drops it.  The options are walked from byte 20 to the header's
 * end; kinds 0 and 1, and any option whose length byte is 0, count as one
 * byte (the kernel's "make finite progress"); an option reaching past the
 * header ends the walk.  An option whose kind is in the set is overwritten
 * with NOPs, length byte included, and the TCP checksum follows
 * (incremental update through upt_pdesc_write_l4).  The rule walk goes on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

#define TCPOPT_NOP 1

struct tcpoptstrip_data {
	uint32_t bmap[8]; /* bit k: strip option kind k */
};

static const struct upt_xt_option tcpoptstrip_opts[] = {
    {"strip-options", 0, UPT_XTOPT_ARG},
    {NULL, 0, 0},
};

static const struct {
	const char *name;
	uint8_t kind;
} opt_names[] = {
    {"wscale", 3}, {"mss", 2}, {"sack-permitted", 4}, {"sack", 5}, {"timestamp", 8}, {"md5", 19},
};

static bool has_kind(const struct tcpoptstrip_data *t, unsigned kind)
{
	return (t->bmap[kind >> 5] >> (kind & 31)) & 1u;
}

static void tcpoptstrip_init(void *data)
{
	memset(data, 0, sizeof(struct tcpoptstrip_data));
}

static int tcpoptstrip_parse(void *data, unsigned id, bool invert, const char *arg,
			     struct upt_xt_parse *p)
{
	struct tcpoptstrip_data *t = data;
	const char *s = arg;

	(void)invert;
	if (id != 0)
		return -EINVAL;
	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		char item[64];
		uint64_t kind = 0;

		if (len >= sizeof(item))
			return upt_xt_error(p, "Bad TCP option value \"%.*s\"", (int)len, s);
		memcpy(item, s, len);
		item[len] = '\0';
		for (size_t i = 0; i < sizeof(opt_names) / sizeof(opt_names[0]); i++)
			if (strcmp(item, opt_names[i].name) == 0)
				kind = opt_names[i].kind;
		if (kind == 0 && !upt_xtu_strtoul(item, NULL, 0, 255, &kind))
			return upt_xt_error(p, "Bad TCP option value \"%s\"", item);
		if (kind < 2)
			return upt_xt_error(p, "Option value may not be 0 or 1");
		if (has_kind(t, (unsigned)kind))
			return upt_xt_error(p, "Option \"%s\" already specified", item);
		t->bmap[kind >> 5] |= 1u << (kind & 31);
		if (!comma)
			break;
		s = comma + 1;
	}
	return 0;
}

static int tcpoptstrip_check(void *data, struct upt_xt_parse *p)
{
	(void)data, (void)p;
	return 0; /* no option is required; the protocol is the kernel's check */
}

/* x_tables: the target is registered for protocol 6 only. */
static int tcpoptstrip_kcheck(const void *data, uint8_t proto, bool proto_invert, char *why,
			      size_t whylen)
{
	(void)data;
	if (proto != UPT_IPPROTO_TCP || proto_invert) {
		snprintf(why, whylen, "TCPOPTSTRIP target: only valid for protocol 6");
		return -EINVAL;
	}
	return 0;
}

static bool is_empty(const struct tcpoptstrip_data *t)
{
	for (unsigned i = 0; i < 8; i++)
		if (t->bmap[i])
			return false;
	return true;
}

static void put_list(const struct tcpoptstrip_data *t, struct upt_sb *sb, bool numeric)
{
	bool first = true;

	for (unsigned k = 0; k < 256; k++) {
		const char *name = NULL;

		if (!has_kind(t, k))
			continue;
		if (!first)
			upt_sb_puts(sb, ",");
		first = false;
		for (size_t i = 0; !numeric && i < sizeof(opt_names) / sizeof(opt_names[0]); i++)
			if (opt_names[i].kind == k)
				name = opt_names[i].name;
		if (name)
			upt_sb_puts(sb, name);
		else
			upt_sb_printf(sb, "%u", k);
	}
}

static void tcpoptstrip_save(const void *data, struct upt_sb *sb)
{
	const struct tcpoptstrip_data *t = data;

	if (is_empty(t))
		return;
	upt_sb_puts(sb, " --strip-options ");
	put_list(t, sb, true);
}

static void tcpoptstrip_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct tcpoptstrip_data *t = data;

	if (is_empty(t))
		return;
	upt_sb_puts(sb, " TCPOPTSTRIP options ");
	put_list(t, sb, (flags & UPT_XT_PRINT_NUMERIC) != 0);
}

static unsigned tcpoptstrip_target(const void *data, struct upt_xt_pkt *p)
{
	const struct tcpoptstrip_data *t = data;
	struct upt_pdesc *d = p->d;
	uint32_t base, hdrlen, i;
	uint8_t doff;

	if (d->l2_kind != UPT_L2_IPV4 || d->proto != UPT_IPPROTO_TCP)
		return UPT_V_CONTINUE;
	if (d->frag_off & UPT_IP_OFFMASK)
		return UPT_V_CONTINUE;
	base = d->l4_off;
	/* The header: 20 bytes present, data offset >= 5, all of it inside the packet. */
	if (d->l4_len < 20 || !upt_pkt_load8(d, base + 12, &doff))
		goto drop;
	hdrlen = (uint32_t)(doff >> 4) * 4;
	if (hdrlen < 20 || hdrlen > d->l4_len || base + hdrlen > d->frame_len)
		goto drop;
	for (i = 20; i < hdrlen;) {
		uint8_t kind = d->frame[base + i], lenb = 0;
		uint32_t optl;

		/* The length byte may be the one after the header (the kernel reads it too). */
		if (kind > TCPOPT_NOP)
			(void)upt_pkt_load8(d, base + i + 1, &lenb);
		optl = kind <= TCPOPT_NOP || lenb == 0 ? 1 : lenb;
		if (i + optl > hdrlen)
			break;
		if (has_kind(t, kind)) {
			uint8_t nops[255];

			memset(nops, TCPOPT_NOP, optl);
			if (!upt_pdesc_write_l4(d, base + i, nops, optl))
				goto drop;
		}
		i += optl;
	}
	return UPT_V_CONTINUE;
drop:
	return UPT_V_DROP;
}

const struct upt_target_ops upt_target_TCPOPTSTRIP = {
    .name = "TCPOPTSTRIP",
    .size = sizeof(struct tcpoptstrip_data),
    .options = tcpoptstrip_opts,
    .tables = 1u << UPT_TABLE_MANGLE,
    .init = tcpoptstrip_init,
    .parse = tcpoptstrip_parse,
    .check = tcpoptstrip_check,
    .kcheck = tcpoptstrip_kcheck,
    .save = tcpoptstrip_save,
    .print = tcpoptstrip_print,
    .target = tcpoptstrip_target,
};

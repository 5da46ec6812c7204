/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j NFLOG [--nflog-group N] [--nflog-prefix P] [--nflog-size N]
 *          [--nflog-threshold N] [--nflog-range N]
 *
 * Options and listing are iptables 1.8.9 (nf_tables)'s libxt_NFLOG: group
 * and threshold are 16-bit, size 32-bit; the prefix keeps up to 127
 * characters (the nft log prefix; the legacy 63-character field does not
 * apply), no newline, not empty.  --nflog-range "has never worked": iptables
 * warns, and on nf_tables it is not kept at all (the rule lists as plain
 * `-j NFLOG`), so it is accepted, range-checked and dropped here too.
 *
 * In the kernel the packet goes to the nfnetlink_log group for a listener
 * (ulogd, tcpdump -i nflog:N).  This engine has no netlink: the target
 * hands one text line per packet to the engine's log sink (upt_xt_log,
 * level 4 as LOG's default), in the shape ulogd's LOGEMU writes:
 *   "<prefix>IN=<in> OUT=<out> SRC=a.b.c.d DST=a.b.c.d LEN=n TOS=0xNN TTL=n
 *    ID=n PROTO=<name|number>[ SPT=n DPT=n] GROUP=n"
 * Writing the packets themselves to a pcap per group (what --nflog-size
 * would cut) is a daemon feature that does not exist yet; --nflog-size and
 * --nflog-threshold are kept for listing only.  The rule walk goes on
 * (XT_CONTINUE), as in the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_GROUP, O_PREFIX, O_RANGE, O_SIZE, O_THRESHOLD };

#define NFLOG_PREFIX_LEN 128 /* NF_LOG_PREFIXLEN: 127 characters and the NUL */
#define NFLOG_F_COPY_LEN 0x1

struct nflog_data {
	uint32_t len;
	uint16_t group;
	uint16_t threshold;
	uint16_t flags;
	char prefix[NFLOG_PREFIX_LEN];
};

static const struct upt_xt_option nflog_opts[] = {
    {"nflog-group", O_GROUP, UPT_XTOPT_ARG},	     {"nflog-prefix", O_PREFIX, UPT_XTOPT_ARG},
    {"nflog-range", O_RANGE, UPT_XTOPT_ARG},	     {"nflog-size", O_SIZE, UPT_XTOPT_ARG},
    {"nflog-threshold", O_THRESHOLD, UPT_XTOPT_ARG}, {NULL, 0, 0},
};

static void nflog_init(void *data)
{
	memset(data, 0, sizeof(struct nflog_data));
}

static int nflog_parse(void *data, unsigned id, bool invert, const char *arg,
		       struct upt_xt_parse *p)
{
	struct nflog_data *n = data;
	uint64_t v;

	(void)invert;
	switch (id) {
	case O_GROUP:
		if (!upt_xtu_strtoul(arg, NULL, 0, UINT16_MAX, &v))
			return upt_xt_error(
			    p, "NFLOG: bad value for option \"--nflog-group\", or out of "
			       "range (0-65535)");
		n->group = (uint16_t)v;
		return 0;
	case O_PREFIX:
		if (arg[0] == '\0')
			return upt_xt_error(p,
					    "NFLOG: option \"--nflog-prefix\" requires a non-empty "
					    "argument");
		if (strchr(arg, '\n'))
			return upt_xt_error(p, "NFLOG: Newlines not allowed in --log-prefix");
		snprintf(n->prefix, sizeof(n->prefix), "%s", arg);
		return 0;
	case O_RANGE:
	case O_SIZE:
		if (p->seen & (1u << (id == O_RANGE ? O_SIZE : O_RANGE)))
			return upt_xt_error(
			    p, "NFLOG: \"--nflog-size\" and \"--nflog-range\" cannot be "
			       "used together");
		if (!upt_xtu_strtoul(arg, NULL, 0, UINT32_MAX, &v))
			return upt_xt_error(p,
					    "NFLOG: bad value for option \"--%s\", or out of range "
					    "(0-4294967295)",
					    id == O_RANGE ? "nflog-range" : "nflog-size");
		if (id == O_SIZE) {
			n->len = (uint32_t)v;
			n->flags |= NFLOG_F_COPY_LEN;
		}
		return 0;
	case O_THRESHOLD:
		if (!upt_xtu_strtoul(arg, NULL, 0, UINT16_MAX, &v))
			return upt_xt_error(p,
					    "NFLOG: bad value for option \"--nflog-threshold\", or "
					    "out of range (0-65535)");
		n->threshold = (uint16_t)v;
		return 0;
	}
	return -EINVAL;
}

static void put(const struct nflog_data *n, struct upt_sb *sb, const char *pfx)
{
	if (n->prefix[0]) {
		upt_sb_printf(sb, " %snflog-prefix", pfx);
		upt_xtu_save_string(sb, n->prefix);
	}
	if (n->group)
		upt_sb_printf(sb, " %snflog-group %u", pfx, n->group);
	if (n->flags & NFLOG_F_COPY_LEN)
		upt_sb_printf(sb, " %snflog-size %u", pfx, n->len);
	if (n->threshold)
		upt_sb_printf(sb, " %snflog-threshold %u", pfx, n->threshold);
}

static void nflog_save(const void *data, struct upt_sb *sb)
{
	put(data, sb, "--");
}

static void nflog_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	(void)flags;
	put(data, sb, "");
}

static const char *proto_name(uint8_t proto)
{
	switch (proto) {
	case 1:
		return "ICMP";
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 132:
		return "SCTP";
	case 136:
		return "UDPLITE";
	}
	return NULL;
}

static unsigned nflog_target(const void *data, struct upt_xt_pkt *p)
{
	const struct nflog_data *n = data;
	const struct upt_pdesc *d = p->d;
	const char *pn = proto_name(d->proto);
	char line[512];
	struct upt_sb sb;

	upt_sb_init_fixed(&sb, line, sizeof(line));
	upt_sb_printf(
	    &sb, "%sIN=%s OUT=%s SRC=%u.%u.%u.%u DST=%u.%u.%u.%u LEN=%u TOS=0x%02X TTL=%u ID=%u",
	    n->prefix, p->in_name ? p->in_name : "", p->out_name ? p->out_name : "", d->saddr >> 24,
	    (d->saddr >> 16) & 255, (d->saddr >> 8) & 255, d->saddr & 255, d->daddr >> 24,
	    (d->daddr >> 16) & 255, (d->daddr >> 8) & 255, d->daddr & 255, d->ip_len, d->tos,
	    d->ttl, d->ip_id);
	if (pn)
		upt_sb_printf(&sb, " PROTO=%s", pn);
	else
		upt_sb_printf(&sb, " PROTO=%u", d->proto);
	if ((d->proto == 6 || d->proto == 17) && d->l4_ok && !d->is_fragment)
		upt_sb_printf(&sb, " SPT=%u DPT=%u", d->sport, d->dport);
	upt_sb_printf(&sb, " GROUP=%u", n->group);
	if (p->eng)
		upt_xt_log(p, 4, upt_sb_str(&sb));
	return UPT_V_CONTINUE;
}

const struct upt_target_ops upt_target_NFLOG = {
    .name = "NFLOG",
    .size = sizeof(struct nflog_data),
    .options = nflog_opts,
    .init = nflog_init,
    .parse = nflog_parse,
    .save = nflog_save,
    .print = nflog_print,
    .target = nflog_target,
};

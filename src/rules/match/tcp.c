/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m tcp: source/destination port ranges, --tcp-flags MASK COMP, --syn,
 * --tcp-option.  Packet semantics of the kernel's xt_tcpudp.c tcp_mt():
 * later fragments never match (offset 1 is dropped as an attack: it could
 * overwrite the flags), an unreadable header drops the packet (hotdrop).
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

#define INV_SRCPT  0x01
#define INV_DSTPT  0x02
#define INV_FLAGS  0x04
#define INV_OPTION 0x08

enum { O_SPORT, O_DPORT, O_FLAGS, O_SYN, O_OPTION };

struct tcp_data {
	uint16_t spts[2], dpts[2];
	uint8_t option;
	uint8_t flg_mask, flg_cmp;
	uint8_t invflags;
};

static const struct upt_xt_option tcp_opts[] = {
    {"source-port", O_SPORT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"sport", O_SPORT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"destination-port", O_DPORT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"dport", O_DPORT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"tcp-flags", O_FLAGS, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"syn", O_SYN, UPT_XTOPT_INVERT},
    {"tcp-option", O_OPTION, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

/* Name order matters for printing: the first name whose bit is set wins. */
static const struct {
	const char *name;
	uint8_t flag;
} flag_names[] = {
    {"FIN", 0x01}, {"SYN", 0x02}, {"RST", 0x04}, {"PSH", 0x08},
    {"ACK", 0x10}, {"URG", 0x20}, {"ALL", 0x3f}, {"NONE", 0},
};

static void tcp_init(void *data)
{
	struct tcp_data *t = data;

	memset(t, 0, sizeof(*t));
	t->spts[1] = t->dpts[1] = 0xffff;
}

static int parse_flags(const char *s, uint8_t *out, struct upt_xt_parse *p)
{
	char buf[128];
	char *tok, *save = NULL;
	uint8_t v = 0;
	size_t i;

	if (strlen(s) >= sizeof(buf))
		return upt_xt_error(p, "Unknown TCP flag `%s'", s);
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
			if (strcasecmp(tok, flag_names[i].name) == 0)
				break;
		if (i == sizeof(flag_names) / sizeof(flag_names[0]))
			return upt_xt_error(p, "Unknown TCP flag `%s'", tok);
		v |= flag_names[i].flag;
	}
	*out = v;
	return 0;
}

static int tcp_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct tcp_data *t = data;
	const char *comp;
	uint64_t v;
	int err;

	switch (id) {
	case O_SPORT:
		if (upt_xtu_parse_port_range(arg, "tcp", &t->spts[0], &t->spts[1]))
			return upt_xt_error(p, "invalid TCP port/port range `%s' specified", arg);
		if (invert)
			t->invflags |= INV_SRCPT;
		return 0;
	case O_DPORT:
		if (upt_xtu_parse_port_range(arg, "tcp", &t->dpts[0], &t->dpts[1]))
			return upt_xt_error(p, "invalid TCP port/port range `%s' specified", arg);
		if (invert)
			t->invflags |= INV_DSTPT;
		return 0;
	case O_SYN:
	case O_FLAGS:
		/* The other one of the pair; repeats of the same option are the parser's. */
		if (p->seen & (1u << (id == O_SYN ? O_FLAGS : O_SYN)))
			return upt_xt_error(p, "Only one of `--syn' or `--tcp-flags'  allowed");
		if (id == O_SYN) {
			t->flg_mask = 0x01 | 0x02 | 0x04 | 0x10; /* FIN,SYN,RST,ACK */
			t->flg_cmp = 0x02;
		} else {
			comp = upt_xt_next_arg(p);
			if (!comp)
				return upt_xt_error(p, "--tcp-flags requires two args.");
			err = parse_flags(arg, &t->flg_mask, p);
			if (!err)
				err = parse_flags(comp, &t->flg_cmp, p);
			if (err)
				return err;
		}
		if (invert)
			t->invflags |= INV_FLAGS;
		return 0;
	case O_OPTION:
		if (!upt_xtu_strtoul(arg, NULL, 1, 255, &v))
			return upt_xt_error(p, "Bad TCP option \"%s\"", arg);
		t->option = (uint8_t)v;
		if (invert)
			t->invflags |= INV_OPTION;
		return 0;
	}
	return -EINVAL;
}

static int tcp_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	/* xt_check_match: a match bound to a protocol needs exactly that -p. */
	if (p->proto != 6 || p->proto_invert)
		return upt_xt_error(p, "tcp match: only valid for `-p tcp'");
	return 0;
}

static void put_flags(struct upt_sb *sb, uint8_t flags)
{
	bool any = false;
	size_t i;

	while (flags) {
		for (i = 0; !(flags & flag_names[i].flag); i++)
			;
		if (any)
			upt_sb_putc(sb, ',');
		upt_sb_puts(sb, flag_names[i].name);
		any = true;
		flags &= (uint8_t)~flag_names[i].flag;
	}
	if (!any)
		upt_sb_puts(sb, "NONE");
}

static void tcp_save(const void *data, struct upt_sb *sb)
{
	const struct tcp_data *t = data;

	upt_xtu_save_ports(sb, "--sport", t->spts[0], t->spts[1], t->invflags & INV_SRCPT);
	upt_xtu_save_ports(sb, "--dport", t->dpts[0], t->dpts[1], t->invflags & INV_DSTPT);
	if (t->option || (t->invflags & INV_OPTION)) {
		if (t->invflags & INV_OPTION)
			upt_sb_puts(sb, " !");
		upt_sb_printf(sb, " --tcp-option %u", t->option);
	}
	if (t->flg_mask || (t->invflags & INV_FLAGS)) {
		if (t->invflags & INV_FLAGS)
			upt_sb_puts(sb, " !");
		upt_sb_puts(sb, " --tcp-flags ");
		put_flags(sb, t->flg_mask);
		upt_sb_putc(sb, ' ');
		put_flags(sb, t->flg_cmp);
	}
}

static void tcp_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct tcp_data *t = data;
	bool numeric = flags & UPT_XT_PRINT_NUMERIC;
	bool inv;

	upt_sb_puts(sb, " tcp");
	upt_xtu_print_ports(sb, "spt", t->spts[0], t->spts[1], t->invflags & INV_SRCPT, "tcp",
			    numeric);
	upt_xtu_print_ports(sb, "dpt", t->dpts[0], t->dpts[1], t->invflags & INV_DSTPT, "tcp",
			    numeric);
	inv = t->invflags & INV_OPTION;
	if (t->option || inv)
		upt_sb_printf(sb, " option=%s%u", inv ? "!" : "", t->option);
	inv = t->invflags & INV_FLAGS;
	if (t->flg_mask || inv) {
		upt_sb_printf(sb, " flags:%s", inv ? "!" : "");
		if (numeric) {
			upt_sb_printf(sb, "0x%02X/0x%02X", t->flg_mask, t->flg_cmp);
		} else {
			put_flags(sb, t->flg_mask);
			upt_sb_putc(sb, '/');
			put_flags(sb, t->flg_cmp);
		}
	}
}

static bool in_range(const uint16_t r[2], uint16_t port, bool inv)
{
	return (port >= r[0] && port <= r[1]) != inv;
}

/* tcp_find_option(): walk the option list looking for `kind`. */
static bool find_option(const struct tcp_data *t, struct upt_xt_pkt *p)
{
	const struct upt_pdesc *d = p->d;
	bool inv = t->invflags & INV_OPTION;
	uint32_t start = (uint32_t)d->l4_off + 20;
	uint32_t optlen = (uint32_t)d->tcp_doff - 20;
	uint32_t end = (uint32_t)d->l2_len + d->ip_len;
	uint32_t i = 0;
	uint8_t kind, len;

	if (optlen == 0)
		return inv;
	if (start + optlen > end || start + optlen > d->frame_len) {
		p->hotdrop = true;
		return false;
	}
	while (i < optlen) {
		if (!upt_pkt_load8(d, start + i, &kind))
			break;
		if (kind == t->option)
			return !inv;
		if (kind < 2) {
			i++;
			continue;
		}
		if (i + 1 >= optlen || !upt_pkt_load8(d, start + i + 1, &len))
			break;
		i += len ? len : 1;
	}
	return inv;
}

static bool tcp_match(const void *data, struct upt_xt_pkt *p)
{
	const struct tcp_data *t = data;
	const struct upt_pdesc *d = p->d;
	uint16_t fragoff = d->frag_off & UPT_IP_OFFMASK;

	if (d->proto != UPT_IPPROTO_TCP)
		return false;
	if (fragoff) {
		/* A fragment at offset 8 bytes can rewrite the flags: drop it as the kernel does.
		 */
		if (fragoff == 1)
			p->hotdrop = true;
		return false;
	}
	if (!d->l4_ok) {
		p->hotdrop = true;
		return false;
	}
	if (!in_range(t->spts, d->sport, t->invflags & INV_SRCPT))
		return false;
	if (!in_range(t->dpts, d->dport, t->invflags & INV_DSTPT))
		return false;
	if (((d->tcp_flags & t->flg_mask) == t->flg_cmp) == !!(t->invflags & INV_FLAGS))
		return false;
	if (t->option) {
		if (d->tcp_doff < 20) {
			p->hotdrop = true;
			return false;
		}
		if (!find_option(t, p))
			return false;
	}
	return true;
}

const struct upt_match_ops upt_match_tcp = {
    .name = "tcp",
    .size = sizeof(struct tcp_data),
    .options = tcp_opts,
    .init = tcp_init,
    .parse = tcp_parse,
    .check = tcp_check,
    .save = tcp_save,
    .print = tcp_print,
    .match = tcp_match,
};

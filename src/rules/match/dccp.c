/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m dccp: source/destination port ranges, --dccp-types TYPE,... and
 * --dccp-option N (the kernel's xt_dccp.c; options and listing of
 * iptables' libxt_dccp.c, ranges as libxtables' PORTRC: "a", "a:b", ":b",
 * "a:", ":", a reversed range refused as iptables >= 1.8.11 does).
 *
 * On the packet: later fragments never match; a packet too short for the
 * 12-byte generic header is dropped (hotdrop).  The type is the 4-bit
 * field of byte 8 and matches when its bit is in the mask (INVALID is
 * type 10; types 11-15 are in no name's bit, as in xt_dccp).  The option
 * search walks the options after the full header (generic header, the
 * extended sequence number when X is set, and the type's own subheader);
 * a data offset shorter than that header, or options cut off by the end
 * of the packet, drop the packet.  An option byte >= 2 is followed by its
 * length; a zero length counts as 1, and a kind in the last byte ends the
 * walk (the kernel's bound fix of 2025).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

#define DCCP_SRC_PORTS	0x01
#define DCCP_DEST_PORTS 0x02
#define DCCP_TYPE	0x04
#define DCCP_OPTION	0x08

#define DCCP_HLEN 12

enum { O_SPORT, O_DPORT, O_TYPES, O_OPTION };

struct dccp_data {
	uint16_t spts[2], dpts[2];
	uint16_t typemask;
	uint8_t option;
	uint8_t flags, invflags;
	bool wrong_proto; /* the rule is not -p dccp: the kernel refuses it (kcheck) */
};

static const struct upt_xt_option dccp_opts[] = {
    {"source-port", O_SPORT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"sport", O_SPORT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"destination-port", O_DPORT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"dport", O_DPORT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"dccp-types", O_TYPES, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"dccp-option", O_OPTION, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

/* Indexed by the packet type number (RFC 4340 5.1). */
static const char *const type_names[] = {
    "REQUEST", "RESPONSE", "DATA", "ACK",     "DATAACK", "CLOSEREQ",
    "CLOSE",   "RESET",	   "SYNC", "SYNCACK", "INVALID",
};
#define NTYPES (sizeof(type_names) / sizeof(type_names[0]))

enum {
	T_REQUEST,
	T_RESPONSE,
	T_DATA,
	T_ACK,
	T_DATAACK,
	T_CLOSEREQ,
	T_CLOSE,
	T_RESET,
	T_SYNC,
	T_SYNCACK
};

static void dccp_init(void *data)
{
	struct dccp_data *c = data;

	memset(c, 0, sizeof(*c));
	c->spts[1] = c->dpts[1] = 0xffff;
}

static int parse_types(const char *s, uint16_t *mask, struct upt_xt_parse *p)
{
	char buf[256];
	char *tok, *save = NULL;
	size_t i;

	if (strlen(s) >= sizeof(buf))
		return upt_xt_error(p, "Unknown DCCP type `%s'", s);
	strcpy(buf, s);
	*mask = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < NTYPES; i++)
			if (strcasecmp(type_names[i], tok) == 0)
				break;
		if (i == NTYPES)
			return upt_xt_error(p, "Unknown DCCP type `%s'", tok);
		*mask |= (uint16_t)(1u << i);
	}
	/* iptables takes "," as no type at all but saves it as a bare "--dccp-types", which
	 * no restore reads back: refused here, so that every accepted rule saves and loads. */
	if (!*mask)
		return upt_xt_error(p, "dccp: --dccp-types needs at least one type");
	return 0;
}

static int dccp_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct dccp_data *c = data;
	uint64_t v;
	uint8_t bit;
	int err;

	switch (id) {
	case O_SPORT:
	case O_DPORT:
		/* Service names of any protocol, as libxtables' port type. */
		if (upt_xtu_parse_port_range(arg, NULL, id == O_SPORT ? &c->spts[0] : &c->dpts[0],
					     id == O_SPORT ? &c->spts[1] : &c->dpts[1]))
			return upt_xt_error(p,
					    "dccp: bad value for option \"--%s\", or out of range "
					    "(0-65535).",
					    id == O_SPORT ? "sport" : "dport");
		bit = id == O_SPORT ? DCCP_SRC_PORTS : DCCP_DEST_PORTS;
		break;
	case O_TYPES:
		err = parse_types(arg, &c->typemask, p);
		if (err)
			return err;
		bit = DCCP_TYPE;
		break;
	case O_OPTION:
		if (!upt_xtu_strtoul(arg, NULL, 1, 255, &v))
			return upt_xt_error(
			    p, "dccp: bad value for option \"--dccp-option\", or out of "
			       "range (1-255).");
		c->option = (uint8_t)v;
		bit = DCCP_OPTION;
		break;
	default:
		return -EINVAL;
	}
	c->flags |= bit;
	if (invert)
		c->invflags |= bit;
	return 0;
}

static int dccp_check(void *data, struct upt_xt_parse *p)
{
	struct dccp_data *c = data;

	/* The kernel binds the match to protocol 33 (xt_check_match): iptables passes the
	 * rule on and the kernel refuses it, so the refusal is kcheck's. */
	c->wrong_proto = p->proto != 33 || p->proto_invert;
	return 0;
}

static int dccp_kcheck(const void *data, char *why, size_t whylen)
{
	const struct dccp_data *c = data;

	if (c->wrong_proto) {
		snprintf(why, whylen, "dccp match: only valid for protocol 33");
		return -EINVAL;
	}
	return 0;
}

static void put_types(struct upt_sb *sb, uint16_t types, bool numeric)
{
	bool first = true;
	unsigned i;

	upt_sb_putc(sb, ' ');
	for (i = 0; i < 16; i++) {
		if (!(types & (1u << i)))
			continue;
		if (!first)
			upt_sb_putc(sb, ',');
		first = false;
		if (numeric || i >= NTYPES)
			upt_sb_printf(sb, "%u", i);
		else
			upt_sb_puts(sb, type_names[i]);
	}
}

static void dccp_save(const void *data, struct upt_sb *sb)
{
	const struct dccp_data *c = data;

	/* Given ports are listed even when they cover everything (libxt_dccp). */
	if (c->flags & DCCP_SRC_PORTS)
		upt_xtu_save_range(sb, "--sport", c->spts[0], c->spts[1],
				   c->invflags & DCCP_SRC_PORTS);
	if (c->flags & DCCP_DEST_PORTS)
		upt_xtu_save_range(sb, "--dport", c->dpts[0], c->dpts[1],
				   c->invflags & DCCP_DEST_PORTS);
	if (c->flags & DCCP_TYPE) {
		upt_sb_printf(sb, "%s --dccp-types", (c->invflags & DCCP_TYPE) ? " !" : "");
		put_types(sb, c->typemask, false);
	}
	if (c->flags & DCCP_OPTION)
		upt_sb_printf(sb, "%s --dccp-option %u", (c->invflags & DCCP_OPTION) ? " !" : "",
			      c->option);
}

static void dccp_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct dccp_data *c = data;
	bool numeric = flags & UPT_XT_PRINT_NUMERIC;
	bool inv;

	upt_sb_puts(sb, " dccp");
	if (c->flags & DCCP_SRC_PORTS)
		upt_xtu_print_ports(sb, "spt", c->spts[0], c->spts[1], c->invflags & DCCP_SRC_PORTS,
				    "dccp", numeric);
	if (c->flags & DCCP_DEST_PORTS)
		upt_xtu_print_ports(sb, "dpt", c->dpts[0], c->dpts[1],
				    c->invflags & DCCP_DEST_PORTS, "dccp", numeric);
	if (c->flags & DCCP_TYPE) {
		if (c->invflags & DCCP_TYPE)
			upt_sb_puts(sb, " !");
		put_types(sb, c->typemask, numeric);
	}
	inv = c->invflags & DCCP_OPTION;
	if ((c->flags & DCCP_OPTION) && (c->option || inv))
		upt_sb_printf(sb, " option=%s%u", inv ? "!" : "", c->option);
}

/* Length of the type-specific subheader (the kernel's dccp_packet_hdr_len). */
static uint32_t type_hdr_len(unsigned type)
{
	switch (type) {
	case T_DATA:
		return 0;
	case T_DATAACK:
	case T_ACK:
	case T_SYNC:
	case T_SYNCACK:
	case T_CLOSE:
	case T_CLOSEREQ:
		return 8; /* acknowledgement number subheader */
	case T_REQUEST:
		return 4; /* service code */
	default:
		return 12; /* RESPONSE, RESET and the reserved types: ack + 4 bytes */
	}
}

/* dccp_find_option(); sets hotdrop on a malformed or cut header. */
static bool find_option(uint8_t option, struct upt_xt_pkt *p, uint8_t doff, uint8_t b8)
{
	const struct upt_pdesc *d = p->d;
	uint32_t hlen = DCCP_HLEN + ((b8 & 1) ? 4u : 0u) + type_hdr_len((b8 >> 1) & 0x0f);
	uint32_t optlen, i = 0;
	uint8_t kind, len;

	if ((uint32_t)doff * 4 < hlen) {
		p->hotdrop = true;
		return false;
	}
	optlen = (uint32_t)doff * 4 - hlen;
	if (!optlen)
		return false;
	if (hlen + optlen > d->l4_len) {
		p->hotdrop = true;
		return false;
	}
	while (i < optlen) {
		if (!upt_pkt_load8(d, d->l4_off + hlen + i, &kind)) {
			p->hotdrop = true;
			return false;
		}
		if (kind == option)
			return true;
		if (kind < 2 || i == optlen - 1) {
			i++;
			continue;
		}
		if (!upt_pkt_load8(d, d->l4_off + hlen + i + 1, &len)) {
			p->hotdrop = true;
			return false;
		}
		i += len ? len : 1;
	}
	return false;
}

/* DCCHECK: an option not given passes; a given one is its test, negated when inverted. */
static bool opt_ok(const struct dccp_data *c, uint8_t opt, bool cond)
{
	return !(c->flags & opt) || (cond != !!(c->invflags & opt));
}

static bool dccp_match(const void *data, struct upt_xt_pkt *p)
{
	const struct dccp_data *c = data;
	const struct upt_pdesc *d = p->d;
	uint16_t sport, dport;
	uint8_t doff, b8;
	bool found;

	if (d->proto != 33)
		return false;
	if (d->frag_off & UPT_IP_OFFMASK)
		return false;
	/* l4_len stays inside the validated IP total length, so it bounds every read. */
	if (d->l4_len < DCCP_HLEN || !upt_pkt_load16(d, d->l4_off, &sport) ||
	    !upt_pkt_load16(d, d->l4_off + 2, &dport) || !upt_pkt_load8(d, d->l4_off + 4, &doff) ||
	    !upt_pkt_load8(d, d->l4_off + 8, &b8)) {
		p->hotdrop = true;
		return false;
	}
	if (!opt_ok(c, DCCP_SRC_PORTS, sport >= c->spts[0] && sport <= c->spts[1]))
		return false;
	if (!opt_ok(c, DCCP_DEST_PORTS, dport >= c->dpts[0] && dport <= c->dpts[1]))
		return false;
	if (!opt_ok(c, DCCP_TYPE, c->typemask & (1u << ((b8 >> 1) & 0x0f))))
		return false;
	if (c->flags & DCCP_OPTION) {
		found = find_option(c->option, p, doff, b8);
		if (p->hotdrop)
			return false;
		return found != !!(c->invflags & DCCP_OPTION);
	}
	return true;
}

const struct upt_match_ops upt_match_dccp = {
    .name = "dccp",
    .size = sizeof(struct dccp_data),
    .options = dccp_opts,
    .init = dccp_init,
    .parse = dccp_parse,
    .check = dccp_check,
    .kcheck = dccp_kcheck,
    .save = dccp_save,
    .print = dccp_print,
    .match = dccp_match,
};

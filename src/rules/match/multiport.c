/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m multiport (revision 1): up to 15 ports for --sports, --dports or
 * --ports (either direction), where a range A:B takes two of the slots.
 * Only for tcp, udp, udplite, sctp and dccp (-p given, not negated), as
 * the kernel's multiport_mt_check() demands.
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

#define MULTI_PORTS 15

enum { O_SOURCE, O_DEST, O_EITHER };

struct multiport_data {
	uint8_t flags; /* O_SOURCE, O_DEST, O_EITHER */
	uint8_t count;
	uint8_t invert;
	uint8_t given;
	uint8_t
	    proto; /* the rule's -p, for service names in -L (iptables prints them per protocol) */
	uint16_t ports[MULTI_PORTS];
	uint8_t pflags[MULTI_PORTS]; /* 1: ports[i]..ports[i+1] is a range */
};

static const struct upt_xt_option multiport_opts[] = {
    {"source-ports", O_SOURCE, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"sports", O_SOURCE, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"destination-ports", O_DEST, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"dports", O_DEST, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"ports", O_EITHER, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

static void multiport_init(void *data)
{
	memset(data, 0, sizeof(struct multiport_data));
}

static bool proto_ok(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 33 || proto == 132 || proto == 136;
}

static int proto_error(struct upt_xt_parse *p)
{
	if (p->proto == 0 && !p->proto_invert)
		return upt_xt_error(p, "multiport needs `-p tcp', `-p udp', `-p udplite', "
				       "`-p sctp' or `-p dccp'");
	return upt_xt_error(p, "multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP");
}

static int multiport_parse(void *data, unsigned id, bool invert, const char *arg,
			   struct upt_xt_parse *p)
{
	struct multiport_data *m = data;
	const char *proto = upt_xtu_proto_name(p->proto);
	char buf[512];
	char *cp, *next, *range;
	unsigned i = 0;
	int port;

	if (id > O_EITHER)
		return -EINVAL;
	if (m->given)
		return upt_xt_error(p, "multiport can only have one option");
	/* iptables resolves service names for the -p already given, so it checks here. */
	if (!proto_ok(p->proto) || p->proto_invert)
		return proto_error(p);
	m->proto = p->proto;
	if (strlen(arg) >= sizeof(buf))
		return upt_xt_error(p, "too many ports specified");
	strcpy(buf, arg);
	for (cp = buf; cp && i < MULTI_PORTS; cp = next, i++) {
		next = strchr(cp, ',');
		if (next)
			*next++ = '\0';
		range = strchr(cp, ':');
		if (range) {
			if (i == MULTI_PORTS - 1)
				return upt_xt_error(p, "too many ports specified");
			*range++ = '\0';
		}
		port = upt_xtu_parse_port(cp, proto);
		if (port < 0)
			return upt_xt_error(p, "invalid port/service `%s' specified", cp);
		m->ports[i] = (uint16_t)port;
		m->pflags[i] = 0;
		if (range) {
			m->pflags[i] = 1;
			port = upt_xtu_parse_port(range, proto);
			if (port < 0)
				return upt_xt_error(p, "invalid port/service `%s' specified",
						    range);
			m->ports[++i] = (uint16_t)port;
			/* A range needs lo < hi: "80:80" is refused, as in iptables. */
			if (m->ports[i - 1] >= m->ports[i])
				return upt_xt_error(p, "invalid portrange specified");
		}
	}
	if (cp)
		return upt_xt_error(p, "too many ports specified");
	m->count = (uint8_t)i;
	m->flags = (uint8_t)id;
	m->invert = invert;
	m->given = 1;
	return 0;
}

static int multiport_check(void *data, struct upt_xt_parse *p)
{
	const struct multiport_data *m = data;

	if (!m->given)
		return upt_xt_error(p, "multiport expects an option");
	if (!proto_ok(p->proto) || p->proto_invert)
		return proto_error(p);
	return 0;
}

static void put_list(const struct multiport_data *m, struct upt_sb *sb, const char *proto,
		     bool numeric)
{
	unsigned i;

	for (i = 0; i < m->count; i++) {
		if (i)
			upt_sb_putc(sb, ',');
		upt_xtu_put_port(sb, m->ports[i], proto, numeric);
		if (m->pflags[i] && i + 1 < m->count) {
			upt_sb_putc(sb, ':');
			upt_xtu_put_port(sb, m->ports[++i], proto, numeric);
		}
	}
}

static const char *const opt_names[] = {"sports", "dports", "ports"};

static void multiport_save(const void *data, struct upt_sb *sb)
{
	const struct multiport_data *m = data;

	if (m->invert)
		upt_sb_puts(sb, " !");
	upt_sb_printf(sb, " --%s ", opt_names[m->flags]);
	put_list(m, sb, NULL, true);
}

static void multiport_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct multiport_data *m = data;

	upt_sb_printf(sb, " multiport %s ", opt_names[m->flags]);
	if (m->invert)
		upt_sb_puts(sb, " !");
	put_list(m, sb, upt_xtu_proto_name(m->proto), flags & UPT_XT_PRINT_NUMERIC);
}

static bool multiport_match(const void *data, struct upt_xt_pkt *p)
{
	const struct multiport_data *m = data;
	const struct upt_pdesc *d = p->d;
	/* The ports are the transport header's first 4 bytes for all five protocols. */
	uint32_t l4 = (uint32_t)d->l2_len + d->l3_len;
	uint16_t src, dst, s, e;
	bool hit;
	unsigned i;

	if (d->frag_off & UPT_IP_OFFMASK)
		return false;
	if (d->l3_len + 4u > d->ip_len || !upt_pkt_load16(d, l4, &src) ||
	    !upt_pkt_load16(d, l4 + 2, &dst)) {
		p->hotdrop = true;
		return false;
	}
	for (i = 0; i < m->count; i++) {
		s = e = m->ports[i];
		if (m->pflags[i] && i + 1 < m->count)
			e = m->ports[++i];
		switch (m->flags) {
		case O_SOURCE:
			hit = src >= s && src <= e;
			break;
		case O_DEST:
			hit = dst >= s && dst <= e;
			break;
		default:
			hit = (src >= s && src <= e) || (dst >= s && dst <= e);
			break;
		}
		if (hit)
			return !m->invert;
	}
	return m->invert;
}

const struct upt_match_ops upt_match_multiport = {
    .name = "multiport",
    .size = sizeof(struct multiport_data),
    .options = multiport_opts,
    .init = multiport_init,
    .parse = multiport_parse,
    .check = multiport_check,
    .save = multiport_save,
    .print = multiport_print,
    .match = multiport_match,
};

/* SPDX-License-Identifier: GPL-2.0 */
#include "rules/target/nat_range.h"

#include <string.h>

#include "rules/xt_util.h"

static bool ports_allowed(const struct upt_xt_parse *p)
{
	/* libxt_NAT's portok: the rule's -p as given so far (no inversion check, as there). */
	return p->proto == 6 || p->proto == 17 || p->proto == 132 || p->proto == 33 ||
	       p->proto == 1;
}

int upt_nat_parse_ports(const char *arg, struct upt_nat_range *r, bool allow_base,
			struct upt_xt_parse *p)
{
	const char *end;
	uint64_t lo, hi, base;
	int svc;

	if (!ports_allowed(p))
		return upt_xt_error(p, "Need TCP, UDP, SCTP or DCCP with port specification");
	r->flags |= UPT_NAT_RANGE_PROTO_SPECIFIED;
	if (!upt_xtu_strtoul(arg, &end, 0, 65535, &lo)) {
		/* Only a single port may be a service name; a range must be numeric. */
		svc = upt_xtu_service_port(arg, NULL);
		if (svc < 0)
			return upt_xt_error(p, "Port `%s' not valid", arg);
		lo = (uint64_t)svc;
		end = "";
	}
	if (*end == '\0') {
		r->min_port = r->max_port = (uint16_t)lo;
		return 0;
	}
	if (*end == ':')
		return upt_xt_error(p, "Invalid port:port syntax - use dash");
	if (*end != '-')
		return upt_xt_error(p, "Garbage after port value: `%s'", end);
	if (!upt_xtu_strtoul(end + 1, &end, 0, 65535, &hi))
		return upt_xt_error(p, "Port `%s' not valid", arg);
	if (hi < lo)
		return upt_xt_error(p, "Port range `%s' funky", arg);
	r->min_port = (uint16_t)lo;
	r->max_port = (uint16_t)hi;
	if (*end == '\0')
		return 0;
	if (*end != '/')
		return upt_xt_error(p, "Garbage after port range: `%s'", end);
	if (!allow_base)
		return upt_xt_error(p, "Shifted portmap ranges not supported with this target");
	if (!upt_xtu_strtoul(end + 1, NULL, 1, 65535, &base)) {
		svc = upt_xtu_service_port(end + 1, NULL);
		if (svc <= 0)
			return upt_xt_error(p, "Port `%s' not valid", end + 1);
		base = (uint64_t)svc;
	}
	r->flags |= UPT_NAT_RANGE_PROTO_OFFSET;
	r->base_port = (uint16_t)base;
	return 0;
}

int upt_nat_parse_to(const char *arg, struct upt_nat_range *r, bool allow_base,
		     struct upt_xt_parse *p)
{
	char buf[128];
	char *colon, *dash;
	int err;

	if (strlen(arg) >= sizeof(buf))
		return upt_xt_error(p, "Bad IP address \"%s\"", arg);
	strcpy(buf, arg);
	if (strchr(buf, '['))
		return upt_xt_error(p, "Invalid address format");
	colon = strchr(buf, ':');
	if (colon) {
		err = upt_nat_parse_ports(colon + 1, r, allow_base, p);
		if (err)
			return err;
		if (colon == buf)
			return 0; /* ports only */
		*colon = '\0';
	}
	r->flags |= UPT_NAT_RANGE_MAP_IPS;
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	if (!upt_xtu_parse_ipv4(buf, &r->min_addr))
		return upt_xt_error(p, "Bad IP address \"%s\"", buf);
	if (!dash) {
		r->max_addr = r->min_addr;
		return 0;
	}
	if (!upt_xtu_parse_ipv4(dash, &r->max_addr))
		return upt_xt_error(p, "Bad IP address \"%s\"", dash);
	return 0;
}

void upt_nat_put(struct upt_sb *sb, const struct upt_nat_range *r, const char *opt,
		 const char *flag_pfx, bool skip_colon)
{
	bool ips = r->flags & UPT_NAT_RANGE_MAP_IPS;
	bool ports = r->flags & UPT_NAT_RANGE_PROTO_SPECIFIED;

	if (ips || ports) {
		upt_sb_printf(sb, " %s", opt);
		if (ips) {
			upt_xtu_put_ipv4(sb, r->min_addr);
			if (r->max_addr != r->min_addr) {
				upt_sb_putc(sb, '-');
				upt_xtu_put_ipv4(sb, r->max_addr);
			}
		}
		if (ports) {
			if (ips || !skip_colon)
				upt_sb_putc(sb, ':');
			upt_sb_printf(sb, "%u", r->min_port);
			if (r->max_port != r->min_port)
				upt_sb_printf(sb, "-%u", r->max_port);
			if (r->flags & UPT_NAT_RANGE_PROTO_OFFSET)
				upt_sb_printf(sb, "/%u", r->base_port);
		}
	}
	if (r->flags & UPT_NAT_RANGE_PROTO_RANDOM)
		upt_sb_printf(sb, " %srandom", flag_pfx);
	if (r->flags & UPT_NAT_RANGE_PROTO_RANDOM_FULLY)
		upt_sb_printf(sb, " %srandom-fully", flag_pfx);
	if (r->flags & UPT_NAT_RANGE_PERSISTENT)
		upt_sb_printf(sb, " %spersistent", flag_pfx);
}

unsigned upt_nat_bind(struct upt_xt_pkt *p, enum upt_nat_manip manip, const struct upt_nat_range *r)
{
	/*
	 * The kernel runs nat rules only for a tracked connection whose manip
	 * is not yet decided (nf_nat_inet_fn); the engine does the same, so
	 * these cases do not arise there.  Should they, the binding that
	 * exists stands and the packet goes on, as after a NAT rule.
	 */
	if (!p->ct || upt_nat_done(p->ct, manip))
		return UPT_V_ACCEPT;
	return upt_xt_nat(p, manip, r);
}

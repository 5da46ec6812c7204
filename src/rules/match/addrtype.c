/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m addrtype [[!] --src-type T[,T...]] [[!] --dst-type T[,T...]]
 * [--limit-iface-in | --limit-iface-out] (revision 1, the kernel's
 * xt_addrtype.c addrtype_mt_v1).  Each given side holds when the address's
 * type (upt_xt_addr_type: the host's local routing table) is in its set;
 * `!` negates that side.  --limit-iface-in/out asks about the routes of the
 * packet's input/output interface only.
 *
 * The kernel refuses --limit-iface-out in PREROUTING/INPUT and
 * --limit-iface-in in POSTROUTING/OUTPUT; that is checked here for rules in
 * built-in chains (a rule in a user chain is not checked for it).
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "rules/ext.h"

enum { O_SRC_TYPE, O_DST_TYPE, O_LIMIT_IN, O_LIMIT_OUT };

#define F_INV_SRC   0x1 /* XT_ADDRTYPE_INVERT_SOURCE */
#define F_INV_DST   0x2
#define F_LIMIT_IN  0x4
#define F_LIMIT_OUT 0x8

struct addrtype_data {
	uint16_t source, dest; /* bit (1 << RTN_*) per type */
	uint32_t flags;
};

static const struct upt_xt_option addrtype_opts[] = {
    {"src-type", O_SRC_TYPE, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"dst-type", O_DST_TYPE, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"limit-iface-in", O_LIMIT_IN, 0},
    {"limit-iface-out", O_LIMIT_OUT, 0},
    {NULL, 0, 0},
};

/* Indexed by the kernel's RTN_* numbers. */
static const char *const rtn_names[] = {
    "UNSPEC",	 "UNICAST",	"LOCAL",    "BROADCAST", "ANYCAST", "MULTICAST",
    "BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW",	 "NAT",	    "XRESOLVE",
};
#define N_RTN (sizeof(rtn_names) / sizeof(rtn_names[0]))

static void addrtype_init(void *data)
{
	memset(data, 0, sizeof(struct addrtype_data));
}

/* Comma list; each word matches the first type name it is a prefix of, any case
 * (libxt_addrtype's parse_type). */
static bool parse_types(const char *arg, uint16_t *mask)
{
	const char *s = arg;
	uint16_t m = 0;

	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s), i;

		for (i = 0; i < N_RTN; i++)
			if (len <= strlen(rtn_names[i]) && strncasecmp(s, rtn_names[i], len) == 0)
				break;
		if (i == N_RTN)
			return false;
		m |= (uint16_t)(1u << i);
		if (!comma)
			break;
		s = comma + 1;
	}
	*mask = m;
	return true;
}

static int addrtype_parse(void *data, unsigned id, bool invert, const char *arg,
			  struct upt_xt_parse *p)
{
	struct addrtype_data *a = data;

	switch (id) {
	case O_SRC_TYPE:
	case O_DST_TYPE:
		if (p->seen & (1u << id))
			return upt_xt_error(p, "addrtype: can't specify %s twice",
					    id == O_SRC_TYPE ? "src-type" : "dst-type");
		if (!parse_types(arg, id == O_SRC_TYPE ? &a->source : &a->dest))
			return upt_xt_error(p, "addrtype: bad type `%s'", arg);
		if (invert)
			a->flags |= id == O_SRC_TYPE ? F_INV_SRC : F_INV_DST;
		return 0;
	case O_LIMIT_IN:
	case O_LIMIT_OUT:
		if (p->seen & (1u << (id == O_LIMIT_IN ? O_LIMIT_OUT : O_LIMIT_IN)))
			return upt_xt_error(p, "addrtype: you can't specify both "
					       "--limit-iface-in and --limit-iface-out");
		a->flags |= id == O_LIMIT_IN ? F_LIMIT_IN : F_LIMIT_OUT;
		return 0;
	}
	return -EINVAL;
}

static int addrtype_check(void *data, struct upt_xt_parse *p)
{
	const struct addrtype_data *a = data;
	const uint32_t in_hooks = (1u << UPT_HOOK_PRE_ROUTING) | (1u << UPT_HOOK_LOCAL_IN);
	const uint32_t out_hooks = (1u << UPT_HOOK_POST_ROUTING) | (1u << UPT_HOOK_LOCAL_OUT);

	if (!(p->seen & ((1u << O_SRC_TYPE) | (1u << O_DST_TYPE))))
		return upt_xt_error(p, "addrtype: you must specify --src-type or --dst-type");
	if ((a->flags & F_LIMIT_OUT) && (p->hooks & in_hooks))
		return upt_xt_error(p, "addrtype: output interface limitation not valid in "
				       "PREROUTING and INPUT");
	if ((a->flags & F_LIMIT_IN) && (p->hooks & out_hooks))
		return upt_xt_error(p, "addrtype: input interface limitation not valid in "
				       "POSTROUTING and OUTPUT");
	return 0;
}

static void put_types(struct upt_sb *sb, uint16_t mask)
{
	const char *sep = "";

	for (size_t i = 0; i < N_RTN; i++) {
		if (mask & (1u << i)) {
			upt_sb_printf(sb, "%s%s", sep, rtn_names[i]);
			sep = ",";
		}
	}
}

static void addrtype_save(const void *data, struct upt_sb *sb)
{
	const struct addrtype_data *a = data;

	if (a->source) {
		upt_sb_puts(sb, (a->flags & F_INV_SRC) ? " ! --src-type " : " --src-type ");
		put_types(sb, a->source);
	}
	if (a->dest) {
		upt_sb_puts(sb, (a->flags & F_INV_DST) ? " ! --dst-type " : " --dst-type ");
		put_types(sb, a->dest);
	}
	if (a->flags & F_LIMIT_IN)
		upt_sb_puts(sb, " --limit-iface-in");
	if (a->flags & F_LIMIT_OUT)
		upt_sb_puts(sb, " --limit-iface-out");
}

/* "ADDRTYPE match src-type UNICAST,LOCAL dst-type !BROADCAST limit-out" (iptables 1.8.9). */
static void addrtype_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct addrtype_data *a = data;

	(void)flags;
	upt_sb_puts(sb, " ADDRTYPE match");
	if (a->source) {
		upt_sb_puts(sb, (a->flags & F_INV_SRC) ? " src-type !" : " src-type ");
		put_types(sb, a->source);
	}
	if (a->dest) {
		upt_sb_puts(sb, (a->flags & F_INV_DST) ? " dst-type !" : " dst-type ");
		put_types(sb, a->dest);
	}
	if (a->flags & F_LIMIT_IN)
		upt_sb_puts(sb, " limit-in");
	if (a->flags & F_LIMIT_OUT)
		upt_sb_puts(sb, " limit-out");
}

static bool type_in(struct upt_xt_pkt *p, uint32_t addr, uint32_t dev, uint16_t mask)
{
	return (mask & (1u << upt_xt_addr_type(p, addr, dev))) != 0;
}

static bool addrtype_match(const void *data, struct upt_xt_pkt *p)
{
	const struct addrtype_data *a = data;
	uint32_t dev = 0;

	if (a->flags & F_LIMIT_IN)
		dev = p->in_ifindex;
	else if (a->flags & F_LIMIT_OUT)
		dev = p->out_ifindex;
	if (a->source && type_in(p, p->d->saddr, dev, a->source) == !!(a->flags & F_INV_SRC))
		return false;
	if (a->dest && type_in(p, p->d->daddr, dev, a->dest) == !!(a->flags & F_INV_DST))
		return false;
	return true;
}

const struct upt_match_ops upt_match_addrtype = {
    .name = "addrtype",
    .size = sizeof(struct addrtype_data),
    .options = addrtype_opts,
    .init = addrtype_init,
    .parse = addrtype_parse,
    .check = addrtype_check,
    .save = addrtype_save,
    .print = addrtype_print,
    .match = addrtype_match,
};

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j CT (revision 2, raw table): the kernel's xt_CT.c attaches a conntrack
 * "template" to the packet before conntrack runs; the template carries the
 * options below.  What each option does in this engine:
 *   --notrack          the packet is UNTRACKED (no lookup, no entry, no NAT);
 *                      the other options are then ignored, as the kernel
 *                      ignores them (it checks nothing else either).
 *   --zone ID|mark     the conntrack zone the packet is looked up and its
 *                      connection created in (upt_ct_in's zone): connections
 *                      in different zones never meet.  "mark" takes the low
 *                      16 bits of the packet mark at conntrack time.
 *   --helper NAME      accepted for the kernel's helper names, with the
 *                      protocol the kernel requires (-p, not negated), and
 *                      saved; this engine has no conntrack helpers, so the
 *                      connection gets none: no expectations, no RELATED
 *                      data connections (as a kernel without the helper
 *                      module loaded would behave, had it accepted the rule).
 *   --ctevents/--expevents  which ctnetlink events the connection reports;
 *                      this engine has no event listeners, so there is
 *                      nothing to filter: kept and saved only.
 *   --zone-orig/--zone-reply (one-direction zones) and --timeout (needs
 *                      nfct timeout policy objects) are refused.
 * Like the kernel's target, only the first CT/NOTRACK target a packet meets
 * acts (skb->_nfct is set by then); later ones do nothing.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_NOTRACK, O_HELPER, O_TIMEOUT, O_CTEVENTS, O_EXPEVENTS, O_ZONE, O_ZONE_ORIG, O_ZONE_REPLY };

#define CT_NOTRACK   0x1 /* XT_CT_NOTRACK */
#define CT_ZONE_MARK 0x8 /* XT_CT_ZONE_MARK */

#define CT_HELPER_LEN 16

struct ct_tg_data {
	char helper[CT_HELPER_LEN];
	uint32_t ct_events, exp_events;
	uint16_t flags;
	uint16_t zone;
};

static const struct upt_xt_option ct_opts[] = {
    {"notrack", O_NOTRACK, 0},
    {"helper", O_HELPER, UPT_XTOPT_ARG},
    {"timeout", O_TIMEOUT, UPT_XTOPT_ARG},
    {"ctevents", O_CTEVENTS, UPT_XTOPT_ARG},
    {"expevents", O_EXPEVENTS, UPT_XTOPT_ARG},
    {"zone-orig", O_ZONE_ORIG, UPT_XTOPT_ARG},
    {"zone-reply", O_ZONE_REPLY, UPT_XTOPT_ARG},
    {"zone", O_ZONE, UPT_XTOPT_ARG},
    {NULL, 0, 0},
};

struct event_name {
	const char *name;
	uint8_t bit; /* IPCT_* / IPEXP_* */
};

static const struct event_name ct_events[] = {
    {"new", 0},	      {"related", 1}, {"destroy", 2}, {"reply", 3},	 {"assured", 4},
    {"protoinfo", 5}, {"helper", 6},  {"mark", 7},    {"natseqinfo", 8}, {"secmark", 9},
};
static const struct event_name exp_events[] = {
    {"new", 0},
};

/* The kernel's IPv4 conntrack helpers and the protocol each is registered for. */
static const struct {
	const char *name;
	uint8_t proto;
} kernel_helpers[] = {
    {"ftp", 6},	       {"irc", 6},   {"pptp", 6},    {"sane", 6},	 {"sip", 6},
    {"sip", 17},       {"tftp", 17}, {"amanda", 17}, {"netbios-ns", 17}, {"snmp", 17},
    {"snmp_trap", 17}, {"RAS", 17},  {"Q.931", 6},
};

static void ct_init(void *data)
{
	memset(data, 0, sizeof(struct ct_tg_data));
}

static int parse_events(const struct event_name *tbl, size_t n, const char *arg, uint32_t *mask,
			struct upt_xt_parse *p)
{
	const char *s = arg;
	uint32_t m = 0;

	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s), i;

		for (i = 0; i < n; i++)
			if (strlen(tbl[i].name) == len && strncmp(tbl[i].name, s, len) == 0)
				break;
		if (i == n)
			return upt_xt_error(p, "Unknown event type \"%.*s\"", (int)len, s);
		m |= 1u << tbl[i].bit;
		if (!comma)
			break;
		s = comma + 1;
	}
	*mask = m;
	return 0;
}

static int ct_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct ct_tg_data *c = data;
	uint64_t v;

	(void)invert;
	switch (id) {
	case O_NOTRACK:
		c->flags |= CT_NOTRACK;
		return 0;
	case O_HELPER:
		if (strlen(arg) >= CT_HELPER_LEN)
			return upt_xt_error(p, "CT: option \"--helper\" is too long (max %d)",
					    CT_HELPER_LEN - 1);
		strcpy(c->helper, arg);
		return 0;
	case O_TIMEOUT:
		return upt_xt_error(p,
				    "uptables: extension \"CT\" option --timeout is not supported");
	case O_CTEVENTS:
		return parse_events(ct_events, sizeof(ct_events) / sizeof(ct_events[0]), arg,
				    &c->ct_events, p);
	case O_EXPEVENTS:
		return parse_events(exp_events, sizeof(exp_events) / sizeof(exp_events[0]), arg,
				    &c->exp_events, p);
	case O_ZONE_ORIG:
	case O_ZONE_REPLY:
		return upt_xt_error(p, "uptables: extension \"CT\" option --%s is not supported",
				    id == O_ZONE_ORIG ? "zone-orig" : "zone-reply");
	case O_ZONE:
		c->zone = 0;
		if (strcasecmp(arg, "mark") == 0) {
			c->flags |= CT_ZONE_MARK;
			return 0;
		}
		if (!upt_xtu_strtoul(arg, NULL, 0, 0xffff, &v))
			return upt_xt_error(p, "Cannot parse %s as a zone ID", arg);
		c->zone = (uint16_t)v;
		return 0;
	}
	return -EINVAL;
}

/* xt_ct_tg_check: with --notrack nothing else is looked at; a helper needs a
 * (non-negated) protocol and a helper of that name for it. */
static int ct_check(void *data, struct upt_xt_parse *p)
{
	const struct ct_tg_data *c = data;
	size_t i;

	if ((c->flags & CT_NOTRACK) || !c->helper[0])
		return 0;
	if (p->proto == 0 || p->proto_invert)
		return upt_xt_error(p,
				    "CT: helper \"%s\": you must specify a L4 protocol and "
				    "not use inversions on it",
				    c->helper);
	for (i = 0; i < sizeof(kernel_helpers) / sizeof(kernel_helpers[0]); i++)
		if (strcmp(kernel_helpers[i].name, c->helper) == 0 &&
		    kernel_helpers[i].proto == p->proto)
			return 0;
	return upt_xt_error(p, "CT: No such helper \"%s\"", c->helper);
}

static void put_events(struct upt_sb *sb, const char *pfx, const char *opt,
		       const struct event_name *tbl, size_t n, uint32_t mask)
{
	const char *sep = "";

	upt_sb_printf(sb, " %s%s ", pfx, opt);
	for (size_t i = 0; i < n; i++) {
		if (mask & (1u << tbl[i].bit)) {
			upt_sb_printf(sb, "%s%s", sep, tbl[i].name);
			sep = ",";
		}
	}
}

/* One routine for save ("--" prefix) and -L (none), in iptables' order. */
static void dump(const struct ct_tg_data *c, struct upt_sb *sb, const char *pfx)
{
	if (c->flags & CT_NOTRACK)
		upt_sb_printf(sb, " %snotrack", pfx);
	if (c->helper[0])
		upt_sb_printf(sb, " %shelper %s", pfx, c->helper);
	if (c->ct_events)
		put_events(sb, pfx, "ctevents", ct_events, sizeof(ct_events) / sizeof(ct_events[0]),
			   c->ct_events);
	if (c->exp_events)
		put_events(sb, pfx, "expevents", exp_events,
			   sizeof(exp_events) / sizeof(exp_events[0]), c->exp_events);
	if ((c->flags & CT_ZONE_MARK) || c->zone) {
		if (c->flags & CT_ZONE_MARK)
			upt_sb_printf(sb, " %szone mark", pfx);
		else
			upt_sb_printf(sb, " %szone %u", pfx, c->zone);
	}
}

static void ct_save(const void *data, struct upt_sb *sb)
{
	dump(data, sb, "--");
}

static void ct_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	(void)flags;
	upt_sb_puts(sb, " CT");
	dump(data, sb, "");
}

static unsigned ct_target(const void *data, struct upt_xt_pkt *p)
{
	const struct ct_tg_data *c = data;

	/* The kernel's skb->_nfct test: a template, NOTRACK, or a connection already
	 * attached (a looped-back packet) leaves nothing to do. */
	if (p->ct_tmpl || p->untrack || p->ct)
		return UPT_V_CONTINUE;
	if (c->flags & CT_NOTRACK) {
		p->untrack = true;
		return UPT_V_CONTINUE;
	}
	p->ct_tmpl = true;
	p->zone_mark = (c->flags & CT_ZONE_MARK) != 0;
	p->zone = c->zone;
	return UPT_V_CONTINUE;
}

/* xt_ct_tg_check returns before nf_ct_netns_get for --notrack (checked on 6.18). */
static bool ct_uses_conntrack(const void *data)
{
	return !(((const struct ct_tg_data *)data)->flags & CT_NOTRACK);
}

const struct upt_target_ops upt_target_CT = {
    .name = "CT",
    .needs_conntrack = true,
    .size = sizeof(struct ct_tg_data),
    .options = ct_opts,
    .tables = 1u << UPT_TABLE_RAW,
    .init = ct_init,
    .parse = ct_parse,
    .check = ct_check,
    .save = ct_save,
    .print = ct_print,
    .target = ct_target,
    .uses_conntrack = ct_uses_conntrack,
};

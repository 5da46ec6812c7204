/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m icmp --icmp-type {any|NAME|TYPE[/CODE[:CODE]]}.
 *
 * Type 0xff with codes 0..255 is "any".  "255/255" stays distinct from it
 * in the rule text (parse, save) only: on the packet path the kernel's
 * icmp_type_code_match() treats type 0xff as a wildcard whatever the codes,
 * and so do we.  The match looks at the
 * packet's own type and code, so an error (e.g. destination-unreachable)
 * is matched by its outer type whatever it quotes.  Later fragments never
 * match; a truncated header hotdrops.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_ICMP_TYPE };

struct icmp_data {
	uint8_t type;
	uint8_t code[2];
	uint8_t invert;
	uint8_t given; /* --icmp-type was seen (it is mandatory) */
};

static const struct upt_xt_option icmp_opts[] = {
    {"icmp-type", O_ICMP_TYPE, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

static const struct icmp_name {
	const char *name;
	uint8_t type, code_min, code_max;
} icmp_names[] = {
    {"any", 0xff, 0, 0xff},
    {"echo-reply", 0, 0, 0xff},
    {"pong", 0, 0, 0xff},
    {"destination-unreachable", 3, 0, 0xff},
    {"network-unreachable", 3, 0, 0},
    {"host-unreachable", 3, 1, 1},
    {"protocol-unreachable", 3, 2, 2},
    {"port-unreachable", 3, 3, 3},
    {"fragmentation-needed", 3, 4, 4},
    {"source-route-failed", 3, 5, 5},
    {"network-unknown", 3, 6, 6},
    {"host-unknown", 3, 7, 7},
    {"network-prohibited", 3, 9, 9},
    {"host-prohibited", 3, 10, 10},
    {"TOS-network-unreachable", 3, 11, 11},
    {"TOS-host-unreachable", 3, 12, 12},
    {"communication-prohibited", 3, 13, 13},
    {"host-precedence-violation", 3, 14, 14},
    {"precedence-cutoff", 3, 15, 15},
    {"source-quench", 4, 0, 0xff},
    {"redirect", 5, 0, 0xff},
    {"network-redirect", 5, 0, 0},
    {"host-redirect", 5, 1, 1},
    {"TOS-network-redirect", 5, 2, 2},
    {"TOS-host-redirect", 5, 3, 3},
    {"echo-request", 8, 0, 0xff},
    {"ping", 8, 0, 0xff},
    {"router-advertisement", 9, 0, 0xff},
    {"router-solicitation", 10, 0, 0xff},
    {"time-exceeded", 11, 0, 0xff},
    {"ttl-exceeded", 11, 0, 0xff},
    {"ttl-zero-during-transit", 11, 0, 0},
    {"ttl-zero-during-reassembly", 11, 1, 1},
    {"parameter-problem", 12, 0, 0xff},
    {"ip-header-bad", 12, 0, 0},
    {"required-option-missing", 12, 1, 1},
    {"timestamp-request", 13, 0, 0xff},
    {"timestamp-reply", 14, 0, 0xff},
    {"address-mask-request", 17, 0, 0xff},
    {"address-mask-reply", 18, 0, 0xff},
};
#define N_NAMES (sizeof(icmp_names) / sizeof(icmp_names[0]))

static void icmp_init(void *data)
{
	struct icmp_data *ic = data;

	memset(ic, 0, sizeof(*ic));
	ic->type = 0xff;
	ic->code[1] = 0xff;
}

/* "N" or "N:M", each 0..255; returns the rest of the string or NULL. */
static const char *parse_u8_range(const char *s, uint8_t r[2])
{
	const char *end;
	uint64_t a, b;

	if (!upt_xtu_strtoul(s, &end, 0, 255, &a))
		return NULL;
	b = a;
	if (*end == ':' && !upt_xtu_strtoul(end + 1, &end, 0, 255, &b))
		return NULL;
	r[0] = (uint8_t)a;
	r[1] = (uint8_t)b;
	return end;
}

static int icmp_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct icmp_data *ic = data;
	size_t i, n = strlen(arg), found = N_NAMES;
	uint8_t types[2];
	const char *rest;

	if (id != O_ICMP_TYPE)
		return -EINVAL;
	/* Names may be abbreviated, as long as the prefix is unambiguous. */
	for (i = 0; i < N_NAMES && n; i++) {
		if (strncasecmp(icmp_names[i].name, arg, n) != 0)
			continue;
		if (found != N_NAMES)
			return upt_xt_error(p, "Ambiguous ICMP type `%s': `%s' or `%s'?", arg,
					    icmp_names[found].name, icmp_names[i].name);
		found = i;
	}
	if (found != N_NAMES) {
		ic->type = icmp_names[found].type;
		ic->code[0] = icmp_names[found].code_min;
		ic->code[1] = icmp_names[found].code_max;
	} else {
		rest = parse_u8_range(arg, types);
		if (!rest)
			return upt_xt_error(p, "Unknown ICMP type `%s'", arg);
		if (types[0] != types[1])
			return upt_xt_error(p, "ICMP type range not supported");
		ic->type = types[0];
		ic->code[0] = 0;
		ic->code[1] = 0xff;
		if (*rest == '/') {
			rest = parse_u8_range(rest + 1, ic->code);
			if (!rest)
				return upt_xt_error(p, "Unknown ICMP code `%s'", arg);
		}
		if (*rest)
			return upt_xt_error(p, "unknown character %c", *rest);
	}
	ic->invert = invert;
	ic->given = 1;
	return 0;
}

static int icmp_check(void *data, struct upt_xt_parse *p)
{
	const struct icmp_data *ic = data;

	if (!ic->given)
		return upt_xt_error(p, "icmp match: option \"--icmp-type\" must be specified");
	if (p->proto != 1 || p->proto_invert)
		return upt_xt_error(p, "icmp match: only valid for `-p icmp'");
	return 0;
}

static bool is_any(const struct icmp_data *ic)
{
	return ic->type == 0xff && ic->code[0] == 0 && ic->code[1] == 0xff;
}

static void icmp_save(const void *data, struct upt_sb *sb)
{
	const struct icmp_data *ic = data;

	if (ic->invert)
		upt_sb_puts(sb, " !");
	if (is_any(ic)) {
		upt_sb_puts(sb, " --icmp-type any");
		return;
	}
	upt_sb_printf(sb, " --icmp-type %u", ic->type);
	if (ic->code[0] == 0 && ic->code[1] == 0xff)
		return;
	upt_sb_printf(sb, "/%u", ic->code[0]);
	/* iptables drops the upper code of a range here; keep it so save stays parse's inverse. */
	if (ic->code[1] != ic->code[0])
		upt_sb_printf(sb, ":%u", ic->code[1]);
}

static void icmp_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct icmp_data *ic = data;
	size_t i;

	upt_sb_puts(sb, " icmp");
	if (!(flags & UPT_XT_PRINT_NUMERIC)) {
		for (i = 0; i < N_NAMES; i++) {
			if (icmp_names[i].type == ic->type &&
			    icmp_names[i].code_min == ic->code[0] &&
			    icmp_names[i].code_max == ic->code[1]) {
				upt_sb_printf(sb, " %s%s", ic->invert ? "!" : "",
					      icmp_names[i].name);
				return;
			}
		}
	}
	if (ic->invert)
		upt_sb_puts(sb, " !");
	upt_sb_printf(sb, "type %u", ic->type);
	if (ic->code[0] == ic->code[1])
		upt_sb_printf(sb, " code %u", ic->code[0]);
	else if (ic->code[0] != 0 || ic->code[1] != 0xff)
		upt_sb_printf(sb, " codes %u-%u", ic->code[0], ic->code[1]);
}

static bool icmp_match(const void *data, struct upt_xt_pkt *p)
{
	const struct icmp_data *ic = data;
	const struct upt_pdesc *d = p->d;
	bool m;

	if (d->proto != UPT_IPPROTO_ICMP)
		return false;
	if (d->frag_off & UPT_IP_OFFMASK)
		return false;
	if (!d->l4_ok) {
		p->hotdrop = true;
		return false;
	}
	m = ic->type == 0xff || (d->icmp_type == ic->type && d->icmp_code >= ic->code[0] &&
				 d->icmp_code <= ic->code[1]);
	return m != (bool)ic->invert;
}

const struct upt_match_ops upt_match_icmp = {
    .name = "icmp",
    .size = sizeof(struct icmp_data),
    .options = icmp_opts,
    .init = icmp_init,
    .parse = icmp_parse,
    .check = icmp_check,
    .save = icmp_save,
    .print = icmp_print,
    .match = icmp_match,
};

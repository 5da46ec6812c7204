/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m limit [--limit RATE[/second|/minute|/hour|/day]] [--limit-burst N]
 *
 * Parsing and listing are iptables' libxt_limit (default 3/hour, burst 5;
 * a rate is kept as the kernel's `avg`, 1/10000 s per packet).
 *
 * Semantics are those of the reference system, iptables 1.8.9 on
 * nf_tables: iptables-nft does not load xt_limit but turns the rule into
 * the native nft `limit` expression (rate per unit chosen as the listing
 * shows it, burst 0 meaning the default 5), and reads it back from there.
 * So this file keeps the nft token bucket (net/netfilter/nft_limit.c):
 * tokens are nanoseconds; one packet costs unit*1e9/rate of them; the
 * bucket holds burst packets' worth and starts full; time since the last
 * packet refills it, capped.  That is xt_limit's bucket too, at nanosecond
 * instead of jiffy resolution.
 *
 * State (tokens, time of the last packet) lives in the compiled rule's
 * data block; a ruleset commit starts every bucket full again, but for the
 * rules an adding edit (restore --noflush) left alone, which keep theirs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_LIMIT, O_BURST };

#define LIMIT_SCALE 10000u
#define LIMIT_BURST 5u
#define NSEC	    1000000000ull

struct limit_data {
	uint32_t avg; /* period per packet in 1/10000 s (as listed) */
	uint32_t burst;
	uint64_t cost; /* ns per packet */
	uint64_t max;  /* bucket size, ns */
	/* packet path state (compiled copy) */
	uint64_t tokens, last;
	uint8_t started;
};

static const struct upt_xt_option limit_opts[] = {
    {"limit", O_LIMIT, UPT_XTOPT_ARG},
    {"limit-burst", O_BURST, UPT_XTOPT_ARG},
    {NULL, 0, 0},
};

static const struct {
	const char *name;
	uint32_t mult;
} rates[] = {
    {"day", LIMIT_SCALE * 24 * 60 * 60},
    {"hour", LIMIT_SCALE * 60 * 60},
    {"min", LIMIT_SCALE * 60},
    {"sec", LIMIT_SCALE},
};

static void limit_init(void *data)
{
	struct limit_data *l = data;

	memset(l, 0, sizeof(*l));
	l->avg = LIMIT_SCALE * 60 * 60 / 3;
	l->burst = LIMIT_BURST;
}

/* The unit the listing uses for avg (index into rates), as iptables picks it. */
static size_t unit_of(uint32_t avg)
{
	size_t i;

	for (i = 1; i < sizeof(rates) / sizeof(rates[0]); i++)
		if (avg > rates[i].mult || rates[i].mult / avg < rates[i].mult % avg)
			break;
	return i - 1;
}

/* libxt_limit's parse_rate: "N[/unit]", the unit any prefix of second/minute/hour/day. */
static bool parse_rate(const char *s, uint32_t *avg, bool *too_fast)
{
	static const struct {
		const char *word;
		uint32_t mult;
	} units[] = {{"second", 1}, {"minute", 60}, {"hour", 3600}, {"day", 86400}};
	const char *delim = strchr(s, '/');
	uint32_t mult = 1;
	long r;

	*too_fast = false;
	if (delim) {
		size_t n = strlen(delim + 1), i;
		if (n == 0)
			return false;
		for (i = 0; i < 4; i++)
			if (strncasecmp(delim + 1, units[i].word, n) == 0)
				break;
		if (i == 4)
			return false;
		mult = units[i].mult;
	}
	r = atol(s);
	if (r <= 0 || r > INT32_MAX)
		return false;
	*avg = (uint32_t)(LIMIT_SCALE * mult / (uint32_t)r);
	if (*avg == 0) {
		*too_fast = true;
		return false;
	}
	return true;
}

static int limit_parse(void *data, unsigned id, bool invert, const char *arg,
		       struct upt_xt_parse *p)
{
	struct limit_data *l = data;
	bool too_fast;
	uint64_t v;

	(void)invert;
	switch (id) {
	case O_LIMIT:
		if (!parse_rate(arg, &l->avg, &too_fast))
			return too_fast ? upt_xt_error(p, "limit: Rate too fast \"%s\"", arg)
					: upt_xt_error(p, "limit: bad rate \"%s\"'", arg);
		return 0;
	case O_BURST:
		if (!upt_xtu_strtoul(arg, NULL, 0, 10000, &v))
			return upt_xt_error(p,
					    "limit: bad value for option \"--limit-burst\", or out "
					    "of range (0-10000).");
		l->burst = (uint32_t)v;
		return 0;
	}
	return -EINVAL;
}

static int limit_check(void *data, struct upt_xt_parse *p)
{
	struct limit_data *l = data;
	size_t u = unit_of(l->avg);
	uint64_t rate = rates[u].mult / l->avg, unit = rates[u].mult / LIMIT_SCALE;

	(void)p;
	/* What nf_tables keeps: rate per unit, burst 0 read back as the default. */
	if (l->burst == 0)
		l->burst = LIMIT_BURST;
	l->avg = (uint32_t)(LIMIT_SCALE * unit / rate);
	l->cost = unit * NSEC / rate;
	l->max = l->cost * l->burst;
	return 0;
}

static void put_rate(struct upt_sb *sb, uint32_t avg)
{
	size_t u = unit_of(avg);

	upt_sb_printf(sb, " %u/%s", rates[u].mult / avg, rates[u].name);
}

static void limit_save(const void *data, struct upt_sb *sb)
{
	const struct limit_data *l = data;

	upt_sb_puts(sb, " --limit");
	put_rate(sb, l->avg);
	if (l->burst != LIMIT_BURST)
		upt_sb_printf(sb, " --limit-burst %u", l->burst);
}

static void limit_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct limit_data *l = data;

	(void)flags;
	upt_sb_puts(sb, " limit: avg");
	put_rate(sb, l->avg);
	upt_sb_printf(sb, " burst %u", l->burst);
}

static bool limit_match(const void *data, struct upt_xt_pkt *p)
{
	struct limit_data *l = (struct limit_data *)data; /* compiled copy: the bucket */
	uint64_t tokens;

	if (!l->started) {
		l->started = 1;
		l->tokens = l->max;
		l->last = p->now;
	}
	/* A clock that steps back refills nothing (the kernel's clock is monotonic). */
	tokens = p->now > l->last ? l->tokens + (p->now - l->last) : l->tokens;
	if (tokens > l->max || tokens < l->tokens)
		tokens = l->max;
	if (p->now > l->last)
		l->last = p->now;
	if (tokens >= l->cost) {
		l->tokens = tokens - l->cost;
		return true;
	}
	l->tokens = tokens;
	return false;
}

/* The same rule after an edit elsewhere keeps its bucket. */
static void limit_keep(void *data, const void *prev)
{
	struct limit_data *l = data;
	const struct limit_data *o = prev;

	l->tokens = o->tokens;
	l->last = o->last;
	l->started = o->started;
}

const struct upt_match_ops upt_match_limit = {
    .name = "limit",
    .size = sizeof(struct limit_data),
    .options = limit_opts,
    .init = limit_init,
    .parse = limit_parse,
    .check = limit_check,
    .save = limit_save,
    .print = limit_print,
    .match = limit_match,
    .keep = limit_keep,
};

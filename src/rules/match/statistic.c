/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m statistic --mode random [!] --probability P
 * -m statistic --mode nth [!] --every N --packet P
 * (the kernel's xt_statistic.c, iptables' libxt_statistic.c).
 *
 * random: P is kept as the kernel keeps it, round(P * 2^31); a packet
 * matches when 31 random bits are below it.  The bits come from a
 * splitmix64 generator in the compiled rule's data block, seeded from the
 * engine's generator on the rule's first packet (so two identical rules
 * do not draw the same sequence, and a seeded simulator run repeats
 * exactly); without an engine (unit tests) the seed is fixed.
 *
 * nth: a counter in the data block runs every-1 .. 0 .. every-1; the
 * packet that brings it to 0 matches.  It starts at every-1-packet, as the
 * kernel's does, so with --packet 0 the first packet matches.
 *
 * Like every per-rule state here, both restart when a ruleset is committed,
 * but for the rules an adding edit (restore --noflush) left alone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/rand.h"
#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_MODE, O_PROBABILITY, O_EVERY, O_PACKET };

#define MODE_RANDOM 0
#define MODE_NTH    1

struct statistic_data {
	uint8_t mode;
	uint8_t invert;
	uint32_t probability; /* round(P * 2^31) */
	uint32_t every;	      /* N - 1, as the kernel stores it */
	uint32_t packet;
	/* packet path state (compiled copy) */
	uint32_t count;
	uint8_t seeded;
	uint64_t rng;
};

static const struct upt_xt_option statistic_opts[] = {
    {"mode", O_MODE, UPT_XTOPT_ARG},
    {"probability", O_PROBABILITY, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"every", O_EVERY, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"packet", O_PACKET, UPT_XTOPT_ARG},
    {NULL, 0, 0},
};

static void statistic_init(void *data)
{
	memset(data, 0, sizeof(struct statistic_data));
}

static int statistic_parse(void *data, unsigned id, bool invert, const char *arg,
			   struct upt_xt_parse *p)
{
	struct statistic_data *s = data;
	uint64_t v;
	char *end;
	double d;

	if (invert)
		s->invert = 1;
	switch (id) {
	case O_MODE:
		if (strcmp(arg, "random") == 0)
			s->mode = MODE_RANDOM;
		else if (strcmp(arg, "nth") == 0)
			s->mode = MODE_NTH;
		else
			return upt_xt_error(p, "statistic: Bad mode \"%s\"", arg);
		return 0;
	case O_PROBABILITY:
		if (p->seen & ((1u << O_EVERY) | (1u << O_PACKET)))
			return upt_xt_error(p,
					    "statistic: \"--probability\" cannot be used together "
					    "with \"--every\" or \"--packet\"");
		d = strtod(arg, &end);
		if (end == arg || *end != '\0' || !(d >= 0.0 && d <= 1.0))
			return upt_xt_error(p,
					    "statistic: bad value for option \"--probability\", or "
					    "out of range (0-1)");
		/* lround of a non-negative value: halves round up. */
		s->probability = (uint32_t)(d * 2147483648.0 + 0.5);
		return 0;
	case O_EVERY:
		if (p->seen & (1u << O_PROBABILITY))
			return upt_xt_error(p, "statistic: \"--every\" cannot be used together "
					       "with \"--probability\"");
		if (!upt_xtu_strtoul(arg, NULL, 1, UINT32_MAX, &v))
			return upt_xt_error(p,
					    "statistic: bad value for option \"--every\", or out "
					    "of range (1-4294967295)");
		s->every = (uint32_t)(v - 1);
		return 0;
	case O_PACKET:
		if (p->seen & (1u << O_PROBABILITY))
			return upt_xt_error(p, "statistic: \"--packet\" cannot be used together "
					       "with \"--probability\"");
		if (!upt_xtu_strtoul(arg, NULL, 0, UINT32_MAX, &v))
			return upt_xt_error(p,
					    "statistic: bad value for option \"--packet\", or out "
					    "of range (0-4294967295)");
		s->packet = (uint32_t)v;
		return 0;
	}
	return -EINVAL;
}

static int statistic_check(void *data, struct upt_xt_parse *p)
{
	struct statistic_data *s = data;
	bool every = p->seen & (1u << O_EVERY), packet = p->seen & (1u << O_PACKET);

	if (!(p->seen & (1u << O_MODE)))
		return upt_xt_error(p, "statistic: option \"--mode\" must be specified");
	if (every != packet)
		return upt_xt_error(
		    p, "statistic: \"--every\" and \"--packet\" must be used together");
	if (s->mode == MODE_RANDOM && !(p->seen & (1u << O_PROBABILITY)))
		return upt_xt_error(p, "statistic: --probability must be specified when using "
				       "random mode");
	if (s->mode == MODE_NTH && !every)
		return upt_xt_error(p, "statistic: --every and --packet must be specified when "
				       "using nth mode");
	if (s->packet > s->every)
		return upt_xt_error(p, "statistic: the --packet p must be 0 <= p <= n-1");
	s->count = s->every - s->packet;
	s->rng = 0x5eed5eed5eed5eedull ^ s->probability;
	return 0;
}

static void put(const struct statistic_data *s, struct upt_sb *sb, const char *pfx)
{
	if (s->mode == MODE_RANDOM) {
		upt_sb_printf(sb, " %smode random%s %sprobability %.11f", pfx,
			      s->invert ? " !" : "", pfx, 1.0 * s->probability / 2147483648.0);
		return;
	}
	upt_sb_printf(sb, " %smode nth%s %severy %u", pfx, s->invert ? " !" : "", pfx,
		      s->every + 1);
	if (s->packet || *pfx)
		upt_sb_printf(sb, " %spacket %u", pfx, s->packet);
}

static void statistic_save(const void *data, struct upt_sb *sb)
{
	put(data, sb, "--");
}

static void statistic_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	(void)flags;
	upt_sb_puts(sb, " statistic");
	put(data, sb, "");
}

static bool statistic_match(const void *data, struct upt_xt_pkt *p)
{
	struct statistic_data *s = (struct statistic_data *)data; /* compiled copy: state */
	bool ret = s->invert;

	if (s->mode == MODE_RANDOM) {
		if (!s->seeded) {
			if (p->eng)
				s->rng = upt_xt_random(p);
			s->seeded = 1;
		}
		if ((upt_rand_u32(&s->rng) & 0x7fffffffu) < s->probability)
			ret = !ret;
		return ret;
	}
	s->count = s->count == s->every ? 0 : s->count + 1;
	if (s->count == 0)
		ret = !ret;
	return ret;
}

/* The same rule after an edit elsewhere keeps its counter and generator. */
static void statistic_keep(void *data, const void *prev)
{
	struct statistic_data *s = data;
	const struct statistic_data *o = prev;

	s->count = o->count;
	s->rng = o->rng;
	s->seeded = o->seeded;
}

const struct upt_match_ops upt_match_statistic = {
    .name = "statistic",
    .size = sizeof(struct statistic_data),
    .options = statistic_opts,
    .init = statistic_init,
    .parse = statistic_parse,
    .check = statistic_check,
    .save = statistic_save,
    .print = statistic_print,
    .match = statistic_match,
    .keep = statistic_keep,
};

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m u32 --u32 "TESTS": the kernel's xt_u32.c.
 *
 * Theory of operation.  A test is a location followed by value ranges,
 * tests joined by "&&":  LOC=RANGE[,RANGE...].  LOC starts with a byte
 * offset into the IPv4 packet; the 32-bit big-endian word there is the
 * value, then each operator transforms it: "&N" masks, "<<N" / ">>N"
 * shift, "@N" moves: the base offset grows by the current value and the
 * value becomes the word at base + N.  The packet matches when every
 * test's final value lies in one of its ranges (a range may be empty,
 * min > max, as the kernel allows).  A word that does not lie entirely
 * inside the packet (the IP total length) makes the whole match false.
 *
 * Limits are libxt_u32's: at most 10 tests, each with at most 10 location
 * numbers and 10 ranges (arrays of the kernel's XT_U32_MAXSIZE + 1); parsing and errors follow
 * libxt_u32 (numbers in C notation, white space allowed between tokens).
 * Shifts by 32 or more are undefined in C and in the kernel; here they
 * use the low five bits of the count, as x86 does.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules/ext.h"

#define U32_MAX_ITEMS 11 /* XT_U32_MAXSIZE + 1: the size of each array */
#define U32_MAX_USED  10 /* what libxt_u32 lets a rule fill */

enum { O_U32 };
enum { OP_AND, OP_LEFTSH, OP_RIGHTSH, OP_AT };

struct u32_loc {
	uint32_t number;
	uint8_t nextop;
};

struct u32_range {
	uint32_t min, max;
};

struct u32_test {
	struct u32_loc location[U32_MAX_ITEMS];
	struct u32_range value[U32_MAX_ITEMS];
	uint8_t nnums, nvalues;
};

struct u32_data {
	struct u32_test tests[U32_MAX_ITEMS];
	uint8_t ntests;
	uint8_t invert;
};

static const struct upt_xt_option u32_opts[] = {
    {"u32", O_U32, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

static void u32_init(void *data)
{
	memset(data, 0, sizeof(struct u32_data));
}

/* One number in C notation at *s (leading blanks allowed); false when none or too big. */
static bool number(const char **s, uint32_t *out)
{
	const char *p = *s;
	char *end;
	unsigned long long v;

	while (isspace((unsigned char)*p))
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	errno = 0;
	v = strtoull(p, &end, 0);
	if (errno || v > 0xffffffffull)
		return false;
	*out = (uint32_t)v;
	*s = end;
	return true;
}

static int u32_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct u32_data *m = data;
	const char *s = arg;
	unsigned t = 0, loc = 0, val = 0;
	struct u32_test *ct = &m->tests[0];
	bool in_values = false;

	if (id != O_U32)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	m->invert = invert;
	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		unsigned at = (unsigned)(s - arg);

		if (*s == '\0') {
			if (!in_values)
				return upt_xt_error(p, "u32: abrupt end of input after location "
						       "specifier");
			if (val == 0)
				return upt_xt_error(p, "u32: test ended with no value specified");
			ct->nnums = (uint8_t)loc;
			ct->nvalues = (uint8_t)val;
			m->ntests = (uint8_t)(t + 1);
			if (m->ntests > U32_MAX_USED)
				return upt_xt_error(p, "u32: at char %u: too many \"&&\"s", at);
			return 0;
		}
		if (!in_values) {
			if (*s == '=') {
				if (loc == 0)
					return upt_xt_error(
					    p, "u32: at char %u: location spec missing", at);
				s++;
				in_values = true;
				continue;
			}
			if (loc != 0) {
				switch (*s) {
				case '&':
					ct->location[loc].nextop = OP_AND;
					break;
				case '<':
					if (*++s != '<')
						return upt_xt_error(
						    p, "u32: at char %u: a second '<' was expected",
						    (unsigned)(s - arg));
					ct->location[loc].nextop = OP_LEFTSH;
					break;
				case '>':
					if (*++s != '>')
						return upt_xt_error(
						    p, "u32: at char %u: a second '>' was expected",
						    (unsigned)(s - arg));
					ct->location[loc].nextop = OP_RIGHTSH;
					break;
				case '@':
					ct->location[loc].nextop = OP_AT;
					break;
				default:
					return upt_xt_error(p, "u32: at char %u: operator expected",
							    at);
				}
				s++;
			}
			if (!number(&s, &ct->location[loc].number))
				return upt_xt_error(p,
						    "u32: at char %u: not a number or out of range",
						    (unsigned)(s - arg));
			if (++loc > U32_MAX_USED)
				return upt_xt_error(p, "u32: at char %u: too many operators",
						    (unsigned)(s - arg));
			continue;
		}
		/* Values: a range, then "," and another, or "&&" and the next test. */
		if (*s == '&') {
			if (*++s != '&')
				return upt_xt_error(p, "u32: at char %u: a second '&' was expected",
						    (unsigned)(s - arg));
			if (val == 0)
				return upt_xt_error(p, "u32: at char %u: value spec missing",
						    (unsigned)(s - arg));
			ct->nnums = (uint8_t)loc;
			ct->nvalues = (uint8_t)val;
			if (++t > U32_MAX_USED)
				return upt_xt_error(p, "u32: at char %u: too many \"&&\"s",
						    (unsigned)(s - arg));
			ct = &m->tests[t];
			s++;
			in_values = false;
			loc = val = 0;
			continue;
		}
		if (val > 0) {
			if (*s != ',')
				return upt_xt_error(p, "u32: at char %u: expected \",\" or \"&&\"",
						    at);
			s++;
		}
		if (!number(&s, &ct->value[val].min))
			return upt_xt_error(p, "u32: at char %u: not a number or out of range",
					    (unsigned)(s - arg));
		while (isspace((unsigned char)*s))
			s++;
		if (*s == ':') {
			s++;
			if (!number(&s, &ct->value[val].max))
				return upt_xt_error(p,
						    "u32: at char %u: not a number or out of range",
						    (unsigned)(s - arg));
		} else {
			ct->value[val].max = ct->value[val].min;
		}
		if (++val > U32_MAX_USED)
			return upt_xt_error(p, "u32: at char %u: too many \",\"s",
					    (unsigned)(s - arg));
	}
}

static int u32_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	if (!(p->seen & (1u << O_U32)))
		return upt_xt_error(p, "u32: option \"--u32\" must be specified");
	return 0;
}

/* The canonical text, as libxt_u32 prints it: every number in hex. */
static void put_tests(struct upt_sb *sb, const struct u32_data *m)
{
	static const char *const opname[] = {"&", "<<", ">>", "@"};

	upt_sb_puts(sb, " \"");
	for (unsigned t = 0; t < m->ntests; t++) {
		const struct u32_test *ct = &m->tests[t];

		if (t > 0)
			upt_sb_puts(sb, "&&");
		upt_sb_printf(sb, "0x%x", ct->location[0].number);
		for (unsigned i = 1; i < ct->nnums; i++)
			upt_sb_printf(sb, "%s0x%x", opname[ct->location[i].nextop & 3],
				      ct->location[i].number);
		upt_sb_putc(sb, '=');
		for (unsigned i = 0; i < ct->nvalues; i++) {
			if (i > 0)
				upt_sb_putc(sb, ',');
			if (ct->value[i].min == ct->value[i].max)
				upt_sb_printf(sb, "0x%x", ct->value[i].min);
			else
				upt_sb_printf(sb, "0x%x:0x%x", ct->value[i].min, ct->value[i].max);
		}
	}
	upt_sb_putc(sb, '"');
}

static void u32_save(const void *data, struct upt_sb *sb)
{
	const struct u32_data *m = data;

	upt_sb_printf(sb, "%s --u32", m->invert ? " !" : "");
	put_tests(sb, m);
}

static void u32_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct u32_data *m = data;

	(void)flags;
	upt_sb_printf(sb, " u32%s", m->invert ? " !" : "");
	put_tests(sb, m);
}

/* The big-endian word at offset `pos` of the IPv4 packet (pos + 4 <= len checked by the caller). */
static uint32_t word_at(const struct upt_pdesc *d, uint32_t pos)
{
	uint32_t v = 0;

	(void)upt_pkt_load32(d, (uint32_t)d->l2_len + pos, &v);
	return v;
}

static bool tests_hold(const struct u32_data *m, const struct upt_pdesc *d)
{
	uint32_t len = d->ip_len;

	for (unsigned t = 0; t < m->ntests; t++) {
		const struct u32_test *ct = &m->tests[t];
		uint32_t at = 0, pos = ct->location[0].number, val;
		unsigned i;

		if (len < 4 || pos > len - 4)
			return false;
		val = word_at(d, pos);
		for (i = 1; i < ct->nnums; i++) {
			uint32_t n = ct->location[i].number;

			switch (ct->location[i].nextop) {
			case OP_AND:
				val &= n;
				break;
			case OP_LEFTSH:
				val <<= (n & 31);
				break;
			case OP_RIGHTSH:
				val >>= (n & 31);
				break;
			default: /* OP_AT */
				if (at + val < at)
					return false;
				at += val;
				pos = n;
				if (at + 4 < at || len < at + 4 || pos > len - at - 4)
					return false;
				val = word_at(d, at + pos);
				break;
			}
		}
		for (i = 0; i < ct->nvalues; i++)
			if (ct->value[i].min <= val && val <= ct->value[i].max)
				break;
		if (i >= ct->nvalues)
			return false;
	}
	return true;
}

static bool u32_match(const void *data, struct upt_xt_pkt *p)
{
	const struct u32_data *m = data;

	return tests_hold(m, p->d) != (bool)m->invert;
}

const struct upt_match_ops upt_match_u32 = {
    .name = "u32",
    .size = sizeof(struct u32_data),
    .options = u32_opts,
    .init = u32_init,
    .parse = u32_parse,
    .check = u32_check,
    .save = u32_save,
    .print = u32_print,
    .match = u32_match,
};

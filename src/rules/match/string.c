/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m string --algo bm|kmp (--string S | --hex-string H) [--from N]
 *           [--to N] [--icase]: the kernel's xt_string.c over its
 *           textsearch algorithms (lib/ts_bm.c, lib/ts_kmp.c).
 *
 * Theory of operation.  The text searched is the IPv4 packet from byte
 * `from` (offset 0 is the first byte of the IP header) to its end; the
 * packet matches when the first occurrence the algorithm reports ends at
 * or before `to` (skb_find_text: ret + patlen <= to - from).  A linear
 * packet is one block, so the block-boundary misses of the kernel's BM do
 * not arise here.
 *
 * Both algorithms are the kernel's, table for table, so that they report
 * the same first position the kernel does: Boyer-Moore with its bad
 * character shifts (of the upper-case pattern, and of its lower-case
 * letters under --icase) and its own good-suffix table, whose
 * construction is not the textbook one; KMP with the usual prefix
 * function.  --icase folds case with the kernel's toupper(), which knows
 * ISO 8859-1 letters as well as ASCII.
 *
 * The tables are computed once, when the rule is checked, into the
 * rule's data block (fixed size: the pattern is at most 128 bytes as
 * XT_STRING_MAX_PATTERN_SIZE), so the packet path only reads them.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

#define PATTERN_MAX 128 /* XT_STRING_MAX_PATTERN_SIZE */
#define ALGO_MAX    16	/* XT_STRING_MAX_ALGO_NAME_SIZE */

enum { O_FROM, O_TO, O_ALGO, O_ICASE, O_STRING, O_HEX_STRING };
enum { ALGO_BM = 1, ALGO_KMP = 2 };

#define F_INVERT 0x1
#define F_ICASE	 0x2

struct string_data {
	uint8_t pattern[PATTERN_MAX]; /* as given (saved, printed) */
	uint8_t search[PATTERN_MAX];  /* as searched: upper-cased under --icase */
	uint8_t patlen;
	uint8_t algo;  /* ALGO_* */
	uint8_t flags; /* F_* */
	uint16_t from, to;
	/* BM: shift per text byte and per number of matched bytes; KMP: prefix function. */
	uint8_t bad_shift[256];
	uint8_t good_shift[PATTERN_MAX];
	uint8_t prefix[PATTERN_MAX];
};

static const struct upt_xt_option string_opts[] = {
    {"from", O_FROM, UPT_XTOPT_ARG},
    {"to", O_TO, UPT_XTOPT_ARG},
    {"algo", O_ALGO, UPT_XTOPT_ARG},
    {"icase", O_ICASE, 0},
    {"string", O_STRING, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"hex-string", O_HEX_STRING, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

/* The kernel's lib/ctype.c: ASCII plus the ISO 8859-1 letters. */
static bool k_islower(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 223 && c != 247);
}

static bool k_isupper(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 192 && c <= 222 && c != 215);
}

static uint8_t k_toupper(uint8_t c)
{
	return k_islower(c) ? (uint8_t)(c - 32) : c;
}

static uint8_t k_tolower(uint8_t c)
{
	return k_isupper(c) ? (uint8_t)(c + 32) : c;
}

static void string_init(void *data)
{
	struct string_data *m = data;

	memset(m, 0, sizeof(*m));
	m->to = 0xffff;
}

/*
 * --hex-string as libxt_string reads it: plain characters, "\c" for a
 * literal c, and |..| blocks of hex byte pairs, optionally separated by
 * single blanks.
 */
static int parse_hex(struct string_data *m, const char *s, struct upt_xt_parse *p)
{
	size_t slen = strlen(s), i = 0, n = 0;
	bool hex = false, literal = false;

	if (slen == 0)
		return upt_xt_error(p, "STRING must contain at least one char");
	while (i < slen) {
		if (n >= PATTERN_MAX)
			return upt_xt_error(p, "STRING too long \"%s\"", s);
		if (s[i] == '\\' && !hex) {
			literal = true;
		} else if (s[i] == '\\') {
			return upt_xt_error(p, "Cannot include literals in hex data");
		} else if (s[i] == '|') {
			hex = !hex;
			if (hex)
				while (s[i + 1] == ' ')
					i++;
			if (i + 1 >= slen)
				break;
			i++;
		}
		if (literal) {
			if (i + 1 >= slen)
				return upt_xt_error(p, "Bad literal placement at end of string");
			m->pattern[n] = (uint8_t)s[i + 1];
			i += 2;
			literal = false;
		} else if (hex) {
			if (i + 1 >= slen)
				return upt_xt_error(p, "Odd number of hex digits");
			if (i + 2 >= slen)
				return upt_xt_error(p, "Invalid hex block");
			if (!isxdigit((unsigned char)s[i]))
				return upt_xt_error(p, "Invalid hex char '%c'", s[i]);
			if (!isxdigit((unsigned char)s[i + 1]))
				return upt_xt_error(p, "Invalid hex char '%c'", s[i + 1]);
			char pair[3] = {s[i], s[i + 1], '\0'};
			m->pattern[n] = (uint8_t)strtoul(pair, NULL, 16);
			i += s[i + 2] == ' ' ? 3 : 2;
		} else {
			m->pattern[n] = (uint8_t)s[i];
			i++;
		}
		n++;
	}
	m->patlen = (uint8_t)n;
	return 0;
}

static int string_parse(void *data, unsigned id, bool invert, const char *arg,
			struct upt_xt_parse *p)
{
	struct string_data *m = data;
	uint64_t v;
	size_t len;
	int rc;

	switch (id) {
	case O_FROM:
	case O_TO:
		if (!upt_xtu_strtoul(arg, NULL, 0, 0xffff, &v))
			return upt_xt_error(
			    p,
			    "string: bad value for option \"--%s\", or out of range "
			    "(0-65535).",
			    id == O_FROM ? "from" : "to");
		if (id == O_FROM)
			m->from = (uint16_t)v;
		else
			m->to = (uint16_t)v;
		return 0;
	case O_ALGO:
		/* The kernel's answers: no such textsearch module (ENOENT); fsm wants a
		 * pattern of ts_fsm tokens, which iptables cannot give it (EINVAL). */
		if (strcmp(arg, "fsm") == 0)
			return upt_xt_error(p, "string: search algorithm \"fsm\" is not supported");
		if (strcmp(arg, "bm") == 0)
			m->algo = ALGO_BM;
		else if (strcmp(arg, "kmp") == 0)
			m->algo = ALGO_KMP;
		else
			return upt_xt_error(p,
					    "string: unknown search algorithm \"%.*s\" (bm, kmp)",
					    ALGO_MAX - 1, arg);
		return 0;
	case O_ICASE:
		m->flags |= F_ICASE;
		return 0;
	case O_STRING:
	case O_HEX_STRING:
		if (p->seen & (1u << (id == O_STRING ? O_HEX_STRING : O_STRING)))
			return upt_xt_error(p,
					    "string: option \"--%s\" cannot be used together with "
					    "\"--%s\".",
					    id == O_STRING ? "string" : "hex-string",
					    id == O_STRING ? "hex-string" : "string");
		if (id == O_STRING) {
			len = strlen(arg);
			if (len > PATTERN_MAX)
				return upt_xt_error(p, "STRING too long \"%s\"", arg);
			memcpy(m->pattern, arg, len);
			m->patlen = (uint8_t)len;
		} else if ((rc = parse_hex(m, arg, p)) != 0) {
			return rc;
		}
		if (invert)
			m->flags |= F_INVERT;
		return 0;
	}
	return -EINVAL;
}

/* ts_bm's good-suffix test: does the suffix of length g recur ending at j + g - 1? */
static bool suffix_recurs(const uint8_t *pat, int i, int j, int g)
{
	int x = i + g - 1, y = j + g - 1;

	for (;;) {
		if (pat[x] != pat[y])
			return false;
		x--;
		y--;
		if (y < 0)
			return true;
		if (--g == 0)
			return pat[i - 1] != pat[j - 1];
	}
}

static void build_tables(struct string_data *m)
{
	int len = m->patlen, i, j, g;
	bool icase = m->flags & F_ICASE;

	for (i = 0; i < len; i++)
		m->search[i] = icase ? k_toupper(m->pattern[i]) : m->pattern[i];
	/* Boyer-Moore. */
	memset(m->bad_shift, len, sizeof(m->bad_shift));
	for (i = 0; i < len - 1; i++) {
		m->bad_shift[m->search[i]] = (uint8_t)(len - 1 - i);
		if (icase)
			m->bad_shift[k_tolower(m->search[i])] = (uint8_t)(len - 1 - i);
	}
	memset(m->good_shift, 0, sizeof(m->good_shift));
	m->good_shift[0] = 1;
	for (i = 1; i < len; i++)
		m->good_shift[i] = (uint8_t)len;
	for (i = len - 1, g = 1; i > 0; g++, i--)
		for (j = i - 1; j >= 1 - g; j--)
			if (suffix_recurs(m->search, i, j, g)) {
				m->good_shift[g] = (uint8_t)(len - j - g);
				break;
			}
	/* Knuth-Morris-Pratt. */
	memset(m->prefix, 0, sizeof(m->prefix));
	for (int q = 1, k = 0; q < len; q++) {
		while (k > 0 && m->search[k] != m->search[q])
			k = m->prefix[k - 1];
		if (m->search[k] == m->search[q])
			k++;
		m->prefix[q] = (uint8_t)k;
	}
}

static int string_check(void *data, struct upt_xt_parse *p)
{
	struct string_data *m = data;

	if (!(p->seen & ((1u << O_STRING) | (1u << O_HEX_STRING))))
		return upt_xt_error(p, "STRING match: You must specify `--string' or "
				       "`--hex-string'");
	if (!m->algo)
		return upt_xt_error(p, "string: option \"--algo\" must be specified");
	/* The kernel's checkentry refuses these (textsearch_prepare of an empty pattern). */
	if (m->patlen == 0)
		return upt_xt_error(p, "string: the pattern must not be empty");
	if (m->from > m->to)
		return upt_xt_error(p, "string: --from %u is beyond --to %u", m->from, m->to);
	build_tables(m);
	return 0;
}

/* libxt_string: hex form when a byte is not printable or the last one is a backslash. */
static bool needs_hex(const struct string_data *m)
{
	for (unsigned i = 0; i < m->patlen; i++)
		if (!isprint(m->pattern[i]))
			return true;
	return m->patlen && m->pattern[m->patlen - 1] == '\\';
}

static void put_pattern(struct upt_sb *sb, const struct string_data *m)
{
	upt_sb_puts(sb, " \"");
	if (needs_hex(m)) {
		upt_sb_putc(sb, '|');
		for (unsigned i = 0; i < m->patlen; i++)
			upt_sb_printf(sb, "%02x", m->pattern[i]);
		upt_sb_putc(sb, '|');
	} else {
		for (unsigned i = 0; i < m->patlen; i++) {
			if (m->pattern[i] == '"' || m->pattern[i] == '\\')
				upt_sb_putc(sb, '\\');
			upt_sb_putc(sb, (char)m->pattern[i]);
		}
	}
	upt_sb_putc(sb, '"');
}

static const char *algo_name(const struct string_data *m)
{
	return m->algo == ALGO_KMP ? "kmp" : "bm";
}

static void string_save(const void *data, struct upt_sb *sb)
{
	const struct string_data *m = data;

	upt_sb_printf(sb, "%s --%s", (m->flags & F_INVERT) ? " !" : "",
		      needs_hex(m) ? "hex-string" : "string");
	put_pattern(sb, m);
	upt_sb_printf(sb, " --algo %s", algo_name(m));
	if (m->from != 0)
		upt_sb_printf(sb, " --from %u", m->from);
	if (m->to != 0xffff)
		upt_sb_printf(sb, " --to %u", m->to);
	if (m->flags & F_ICASE)
		upt_sb_puts(sb, " --icase");
}

static void string_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct string_data *m = data;

	(void)flags;
	upt_sb_printf(sb, " STRING match %s", (m->flags & F_INVERT) ? "!" : "");
	put_pattern(sb, m);
	upt_sb_printf(sb, " ALGO name %s", algo_name(m));
	if (m->from != 0)
		upt_sb_printf(sb, " FROM %u", m->from);
	if (m->to != 0xffff)
		upt_sb_printf(sb, " TO %u", m->to);
	if (m->flags & F_ICASE)
		upt_sb_puts(sb, " ICASE");
}

/* ts_bm's bm_find on one block: the first position it reports, or -1. */
static long bm_find(const struct string_data *m, const uint8_t *text, uint32_t n)
{
	int len = m->patlen;
	bool icase = m->flags & F_ICASE;
	long shift = len - 1;

	while (shift < (long)n) {
		int i = 0;

		while (i < len) {
			uint8_t c = text[shift - i];

			if ((icase ? k_toupper(c) : c) != m->search[len - 1 - i])
				break;
			i++;
		}
		if (i == len)
			return shift - (len - 1);
		long bad = shift - i + m->bad_shift[text[shift - i]];
		long good = shift + m->good_shift[i];

		shift = bad > good ? bad : good;
	}
	return -1;
}

static long kmp_find(const struct string_data *m, const uint8_t *text, uint32_t n)
{
	unsigned q = 0;
	bool icase = m->flags & F_ICASE;

	for (uint32_t i = 0; i < n; i++) {
		uint8_t c = icase ? k_toupper(text[i]) : text[i];

		while (q > 0 && m->search[q] != c)
			q = m->prefix[q - 1];
		if (m->search[q] == c)
			q++;
		if (q == m->patlen)
			return (long)i + 1 - m->patlen;
	}
	return -1;
}

static bool string_match(const void *data, struct upt_xt_pkt *p)
{
	const struct string_data *m = data;
	const struct upt_pdesc *d = p->d;
	uint32_t len = d->ip_len;
	bool found = false;
	long pos;

	if (m->from < len && (uint32_t)d->l2_len + len <= d->frame_len) {
		const uint8_t *text = d->frame + d->l2_len + m->from;
		uint32_t n = len - m->from;

		pos = m->algo == ALGO_KMP ? kmp_find(m, text, n) : bm_find(m, text, n);
		found = pos >= 0 && (uint32_t)pos + m->patlen <= (uint32_t)(m->to - m->from);
	}
	return found != (bool)(m->flags & F_INVERT);
}

const struct upt_match_ops upt_match_string = {
    .name = "string",
    .size = sizeof(struct string_data),
    .options = string_opts,
    .init = string_init,
    .parse = string_parse,
    .check = string_check,
    .save = string_save,
    .print = string_print,
    .match = string_match,
};

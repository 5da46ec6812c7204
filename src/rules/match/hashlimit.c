/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m hashlimit --hashlimit-upto|--hashlimit-above RATE --hashlimit-name NAME
 *   [--hashlimit-burst N] [--hashlimit-mode srcip,srcport,dstip,dstport]
 *   [--hashlimit-srcmask L] [--hashlimit-dstmask L]
 *   [--hashlimit-htable-size N] [--hashlimit-htable-max N]
 *   [--hashlimit-htable-gcinterval MS] [--hashlimit-htable-expire MS]
 *   [--hashlimit-rate-match [--hashlimit-rate-interval S]]
 *
 * Parsing and listing are iptables' libxt_hashlimit at revision 3 (what
 * iptables 1.8.9 uses with this kernel): packet rates as 1/1000000 s per
 * packet, byte rates ("4kb/s") as a cost per 16-byte chunk, bursts in
 * packets or bytes, the default expiry derived from the rate's unit.
 *
 * Theory of operation.  The kernel's xt_hashlimit.c: a table of buckets
 * keyed by the fields --hashlimit-mode names (addresses masked to
 * --hashlimit-srcmask/dstmask), each a token bucket in the kernel's credit
 * units (CREDITS_PER_JIFFY per jiffy; here jiffies are p->now in units of
 * 4 ms, HZ=250 as in the reference Debian kernel, and every formula is the
 * kernel's, overflow checks
 * included), or with --hashlimit-rate-match a packet (or byte) counter per
 * --hashlimit-rate-interval window.  `upto` matches while the bucket has
 * credit, `above` when it has not.  Rules with the same name share one
 * table, as in the kernel: the compiler links each rule to the first rule
 * of that name (ext.h share/share_key) and the table lives in that owner's
 * compiled data block; the creating rule's mode, masks, rate and expiry
 * (kept in the table) govern the table, each rule's own flags govern its
 * answer.  When a commit keeps a rule naming the table, the next ruleset
 * takes the table over, configuration and flows, as the kernel keeps it.
 *
 * Bounds.  The table is fixed-size, inside the data block:
 * HL_BUCKETS buckets of HL_WAYS entries (1024 flows), with a keyed hash
 * (siphash, key drawn from the engine's generator on first use).  The
 * kernel's --hashlimit-htable-max (default 8 * size) still applies when
 * smaller; a new flow that finds the table at its maximum, or its bucket's
 * four places all taken, is dropped (hotdrop), which is what the kernel
 * does at its maximum.  --hashlimit-htable-size is listed but does not size
 * anything.  Entries expire --hashlimit-htable-expire ms after their last
 * packet but, as in the kernel, stay (and are found, with their state) until
 * the garbage collection removes them; the kernel runs it on a timer every
 * --hashlimit-htable-gcinterval ms from the table's creation, this table runs
 * the sweeps that fell due (at the last due time) when a packet arrives,
 * counting from the table's first packet.  A new flow whose bucket is full
 * may also take the place of an expired entry there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/siphash.h"
#include "rules/ext.h"
#include "rules/xt_util.h"

enum {
	O_UPTO,
	O_ABOVE,
	O_LIMIT,
	O_MODE,
	O_SRCMASK,
	O_DSTMASK,
	O_NAME,
	O_BURST,
	O_HTABLE_SIZE,
	O_HTABLE_MAX,
	O_HTABLE_GCINT,
	O_HTABLE_EXPIRE,
	O_RATEMATCH,
	O_INTERVAL
};

/* XT_HASHLIMIT_* */
#define HASH_DIP  0x01
#define HASH_DPT  0x02
#define HASH_SIP  0x04
#define HASH_SPT  0x08
#define HL_INVERT 0x10
#define HL_BYTES  0x20
#define HL_RATE	  0x40
#define HASH_ANY  (HASH_DIP | HASH_DPT | HASH_SIP | HASH_SPT)

#define SCALE	      1000000ull /* XT_HASHLIMIT_SCALE_v2 */
#define BYTE_SHIFT    4
#define BURST_DEFAULT 5
#define BURST_MAX     1000000
#define BYTE_EXPIRE   15
#define BYTE_EXPIRE_B 60
#define GC_DEFAULT    1000
#define NAME_LEN      255     /* NAME_MAX: up to 254 characters */
#define HZ	      250ull  /* CONFIG_HZ of the reference kernel (6.18, Debian config) */
#define MAX_SIZE      1048576 /* HASHLIMIT_MAX_SIZE */
/* The kernel's CREDITS_PER_JIFFY (2^39 at HZ=250) and CREDITS_PER_JIFFY_BYTES (2^24). */
#define CPJ	  (1ull << 39)
#define CPJ_BYTES (1ull << 24)

#define HL_BUCKETS 256
#define HL_WAYS	   4
#define HL_SLOTS   (HL_BUCKETS * HL_WAYS)

struct hl_cfg {
	uint64_t avg, burst;
	uint32_t mode, size, max, gc_interval, expire, interval;
	uint8_t srcmask, dstmask;
};

struct hl_ent {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint8_t used;
	uint8_t prev_window;
	uint64_t expires, prev; /* jiffies */
	union {
		struct {
			uint64_t credit, credit_cap, cost;
		} tb;
		struct {
			uint64_t current_rate, rate;
			int64_t burst;
		} rm;
	};
};

struct hl_table {
	struct hl_cfg cfg; /* the creating rule's: mode, masks, rate, expiry */
	uint64_t key[2];
	uint64_t next_gc; /* jiffies */
	uint32_t count, max;
	uint8_t keyed, gc_started;
	struct hl_ent slot[HL_SLOTS];
};

struct hl_data {
	char name[NAME_LEN];
	struct hl_cfg cfg;
	uint32_t mult; /* parsing only: the rate's unit in seconds (libxt's udata); 0 after */
	/* compiled copy: the table owner (NULL: this rule), and the table when this rule owns it */
	struct hl_data *owner;
	struct hl_table t;
};

/* ops->size is 16 bits: the whole table must fit the data block. */
_Static_assert(sizeof(struct hl_data) <= UINT16_MAX, "hashlimit table too large for a data block");

static const struct upt_xt_option hl_opts[] = {
    {"hashlimit-upto", O_UPTO, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"hashlimit-above", O_ABOVE, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"hashlimit", O_LIMIT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"hashlimit-srcmask", O_SRCMASK, UPT_XTOPT_ARG},
    {"hashlimit-dstmask", O_DSTMASK, UPT_XTOPT_ARG},
    {"hashlimit-burst", O_BURST, UPT_XTOPT_ARG},
    {"hashlimit-htable-size", O_HTABLE_SIZE, UPT_XTOPT_ARG},
    {"hashlimit-htable-max", O_HTABLE_MAX, UPT_XTOPT_ARG},
    {"hashlimit-htable-gcinterval", O_HTABLE_GCINT, UPT_XTOPT_ARG},
    {"hashlimit-htable-expire", O_HTABLE_EXPIRE, UPT_XTOPT_ARG},
    {"hashlimit-mode", O_MODE, UPT_XTOPT_ARG},
    {"hashlimit-name", O_NAME, UPT_XTOPT_ARG},
    {"hashlimit-rate-match", O_RATEMATCH, 0},
    {"hashlimit-rate-interval", O_INTERVAL, UPT_XTOPT_ARG},
    {NULL, 0, 0},
};

static void hl_init(void *data)
{
	struct hl_data *h = data;

	memset(h, 0, sizeof(*h));
	h->cfg.burst = BURST_DEFAULT;
	h->cfg.gc_interval = GC_DEFAULT;
	h->cfg.srcmask = 32;
	h->cfg.dstmask = 32;
}

/* ---- libxt_hashlimit's rate arithmetic ---- */

static uint64_t cost_to_bytes(uint64_t cost)
{
	uint64_t r = cost ? UINT32_MAX / cost : UINT32_MAX;

	return (r - 1) << BYTE_SHIFT;
}

static uint64_t bytes_to_cost(uint64_t bytes)
{
	uint32_t r = (uint32_t)(bytes >> BYTE_SHIFT);

	return UINT32_MAX / ((uint64_t)r + 1);
}

static uint64_t factor(char c)
{
	return c == 'm' ? 1024 * 1024 : c == 'k' ? 1024 : 1;
}

/* "N[k|m]b/s": 1 parsed, 0 not a byte rate, -1 too high. */
static int parse_bytes(const char *rate, uint64_t *avg)
{
	const char *b = strstr(rate, "b/s");
	uint64_t tmp;

	if (!b || b == rate)
		return 0;
	tmp = (uint64_t)atoll(rate);
	if (tmp == 0)
		return 0;
	tmp = bytes_to_cost(tmp * factor(b[-1]));
	if (tmp == 0)
		return -1;
	/* Under 16 b/s iptables lists "0b/s", which no restore reads back. */
	if (cost_to_bytes(tmp) == 0)
		return -2;
	*avg = tmp;
	return 1;
}

/* "N[/second|/minute|/hour|/day]" (any prefix of the unit): 1, 0 bad, -1 too fast. */
static int parse_rate(const char *rate, uint64_t *avg, uint32_t *mult)
{
	static const struct {
		const char *w;
		uint32_t m;
	} units[] = {{"second", 1}, {"minute", 60}, {"hour", 3600}, {"day", 86400}};
	const char *delim = strchr(rate, '/');
	uint64_t r, tmp;

	*mult = 1;
	if (delim) {
		size_t n = strlen(delim + 1), i;
		if (n == 0)
			return 0;
		for (i = 0; i < 4 && strncasecmp(delim + 1, units[i].w, n) != 0; i++)
			;
		if (i == 4)
			return 0;
		*mult = units[i].m;
	}
	r = (uint64_t)atoll(rate);
	if (!r)
		return 0;
	tmp = SCALE * *mult / r;
	if (tmp == 0)
		return -1;
	*avg = tmp;
	return 1;
}

/* ---- the kernel's credit arithmetic (revision 3) ---- */

static uint64_t user2credits(uint64_t user)
{
	return user * (HZ * CPJ / SCALE);
}

static uint32_t user2credits_byte(uint32_t user)
{
	return (uint32_t)(((uint64_t)user * HZ * CPJ_BYTES) >> 32);
}

static int hl_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct hl_data *h = data;
	struct hl_cfg *c = &h->cfg;
	const char *end;
	uint64_t v;
	int rc;

	switch (id) {
	case O_UPTO:
	case O_ABOVE:
	case O_LIMIT:
		if (p->seen & ((1u << O_UPTO) | (1u << O_ABOVE) | (1u << O_LIMIT)))
			return upt_xt_error(p, "hashlimit: \"--hashlimit-upto\" and "
					       "\"--hashlimit-above\" cannot be used together");
		if ((id == O_ABOVE) != invert)
			c->mode |= HL_INVERT;
		rc = parse_bytes(arg, &c->avg);
		if (rc > 0) {
			c->mode |= HL_BYTES;
			h->mult = BYTE_EXPIRE;
			return 0;
		}
		if (rc == -2)
			return upt_xt_error(p, "uptables: extension \"hashlimit\" byte rates under "
					       "16b/s are not supported");
		if (rc == 0)
			rc = parse_rate(arg, &c->avg, &h->mult);
		if (rc < 0)
			return upt_xt_error(p, "hashlimit: Rate too %s \"%s\"",
					    strstr(arg, "b/s") ? "high" : "fast", arg);
		if (rc == 0)
			return upt_xt_error(p,
					    "hashlimit: Bad value for option \"--hashlimit-%s\": "
					    "\"%s\"",
					    id == O_ABOVE ? "above" : "upto", arg);
		return 0;
	case O_SRCMASK:
	case O_DSTMASK:
		/* iptables takes any prefix length up to 128; the kernel refuses more than 32 */
		if (!upt_xtu_strtoul(arg, NULL, 0, 128, &v))
			return upt_xt_error(p, "hashlimit: bad prefix length \"%s\"", arg);
		if (id == O_SRCMASK)
			c->srcmask = (uint8_t)v;
		else
			c->dstmask = (uint8_t)v;
		return 0;
	case O_BURST:
		if (!upt_xtu_strtoul(arg, &end, 1, UINT64_MAX, &v) ||
		    (*end == '\0' && v > BURST_MAX))
			return upt_xt_error(
			    p,
			    "hashlimit: bad value for option \"--hashlimit-burst\", "
			    "or out of range (1-%u).",
			    BURST_MAX);
		c->burst = v * factor(*end);
		return 0;
	case O_HTABLE_SIZE:
	case O_HTABLE_MAX:
	case O_HTABLE_GCINT:
	case O_HTABLE_EXPIRE:
		if (!upt_xtu_strtoul(arg, NULL, 0, UINT32_MAX, &v))
			return upt_xt_error(p,
					    "hashlimit: bad value \"%s\", or out of range "
					    "(0-4294967295)",
					    arg);
		if (id == O_HTABLE_SIZE)
			c->size = (uint32_t)v;
		else if (id == O_HTABLE_MAX)
			c->max = (uint32_t)v;
		else if (id == O_HTABLE_GCINT)
			c->gc_interval = (uint32_t)v;
		else
			c->expire = (uint32_t)v;
		return 0;
	case O_MODE: {
		char buf[128], *save = NULL, *tok;
		snprintf(buf, sizeof(buf), "%s", arg);
		for (tok = strtok_r(buf, ",|", &save); tok; tok = strtok_r(NULL, ",|", &save)) {
			if (!strcmp(tok, "dstip"))
				c->mode |= HASH_DIP;
			else if (!strcmp(tok, "srcip"))
				c->mode |= HASH_SIP;
			else if (!strcmp(tok, "srcport"))
				c->mode |= HASH_SPT;
			else if (!strcmp(tok, "dstport"))
				c->mode |= HASH_DPT;
			else
				return upt_xt_error(p,
						    "hashlimit: Bad value for option "
						    "\"--hashlimit-mode\": \"%s\"",
						    arg);
		}
		return 0;
	}
	case O_NAME:
		/* NAME_MAX-sized; what the kernel refuses as a /proc name is kcheck's */
		if (arg[0] == '\0' || strlen(arg) >= NAME_LEN)
			return upt_xt_error(p, "hashlimit: invalid name \"%s\"", arg);
		/* iptables lists the name unquoted: with these it would not read back */
		if (strpbrk(arg, " \t\n\"'\\"))
			return upt_xt_error(
			    p, "uptables: extension \"hashlimit\" option "
			       "--hashlimit-name with blanks or quotes is not supported");
		snprintf(h->name, sizeof(h->name), "%s", arg);
		return 0;
	case O_RATEMATCH:
		c->mode |= HL_RATE;
		return 0;
	case O_INTERVAL: {
		int r = atoi(arg);
		if (r <= 0)
			return upt_xt_error(p,
					    "hashlimit: Bad value for option "
					    "\"--hashlimit-rate-interval\": \"%s\"",
					    arg);
		c->interval = (uint32_t)r;
		return 0;
	}
	}
	return -EINVAL;
}

static void table_setup(struct hl_table *t, const struct hl_cfg *c)
{
	/* The kernel's effective maximum: 8 * size, at least size; size defaults to 8192 on a
	 * host with more than 1 GiB; and never more than this table holds. */
	uint32_t size = c->size ? c->size : 8192;
	uint64_t max = c->max ? c->max : 8ull * size;

	if (max < size)
		max = size;
	memset(t, 0, sizeof(*t));
	t->cfg = *c;
	t->max = max < HL_SLOTS ? (uint32_t)max : HL_SLOTS;
}

static int hl_check(void *data, struct upt_xt_parse *p)
{
	struct hl_data *h = data;
	struct hl_cfg *c = &h->cfg;
	bool have_burst = p->seen & (1u << O_BURST);

	if (!(p->seen & (1u << O_NAME)))
		return upt_xt_error(p, "hashlimit: option \"--hashlimit-name\" must be specified");
	if (!(p->seen & ((1u << O_UPTO) | (1u << O_ABOVE) | (1u << O_LIMIT))))
		return upt_xt_error(p, "hashlimit: You have to specify --hashlimit");
	if (!(p->seen & (1u << O_HTABLE_EXPIRE)))
		c->expire = h->mult * 1000;
	if (c->mode & HL_BYTES) {
		uint64_t per = cost_to_bytes(c->avg), burst = 0;
		if (have_burst) {
			if (c->burst < per)
				return upt_xt_error(p,
						    "hashlimit: burst cannot be smaller than %llub",
						    (unsigned long long)per);
			burst = c->burst / per + (c->burst % per ? 1 : 0);
			if (!(p->seen & (1u << O_HTABLE_EXPIRE)))
				c->expire = BYTE_EXPIRE_B * 1000;
		}
		c->burst = burst;
	} else if (c->burst > BURST_MAX) {
		return upt_xt_error(p,
				    "hashlimit: bad value for option \"--hashlimit-burst\", or "
				    "out of range (1-%u).",
				    BURST_MAX);
	}
	if (c->mode & HL_RATE) {
		if (!(c->mode & HL_BYTES))
			c->avg /= h->mult;
		if (c->interval == 0)
			c->interval = (c->mode & HL_BYTES) ? 1 : h->mult;
	}
	/* The kernel's checkentry cuts size and max to 2^20, and the listing shows it. */
	if (c->size > MAX_SIZE)
		c->size = MAX_SIZE;
	if (c->max > MAX_SIZE)
		c->max = MAX_SIZE;
	table_setup(&h->t, c);
	/* The unit only mattered here: 720/hour and 12/min are the same rule (-C, -D). */
	h->mult = 0;
	return 0;
}

/* The kernel's checkentry (hashlimit_mt_check_common, xt_check_proc_name). */
static int hl_kcheck(const void *data, char *why, size_t whylen)
{
	const struct hl_data *h = data;
	const struct hl_cfg *c = &h->cfg;

	if (strchr(h->name, '/') || !strcmp(h->name, ".") || !strcmp(h->name, "..")) {
		snprintf(why, whylen, "hashlimit: name \"%s\" is not a /proc file name", h->name);
		return -EINVAL;
	}
	if (c->gc_interval == 0 || c->expire == 0) {
		snprintf(why, whylen, "hashlimit: gcinterval and expire must not be 0");
		return -EINVAL;
	}
	if (c->srcmask > 32 || c->dstmask > 32) {
		snprintf(why, whylen, "hashlimit: IPv4 prefix lengths go up to 32");
		return -EINVAL;
	}
	if (c->mode & HL_RATE) {
		if (c->avg == 0 || c->avg > UINT32_MAX) {
			snprintf(why, whylen, "hashlimit: invalid rate");
			return -ERANGE;
		}
	} else if (c->mode & HL_BYTES) {
		if (user2credits_byte((uint32_t)c->avg) == 0) {
			snprintf(why, whylen, "hashlimit: overflow, rate too high: %llu",
				 (unsigned long long)c->avg);
			return -EINVAL;
		}
	} else if (c->burst == 0 || user2credits(c->avg * c->burst) < user2credits(c->avg)) {
		snprintf(why, whylen, "hashlimit: overflow, try lower: %llu/%llu",
			 (unsigned long long)c->avg, (unsigned long long)c->burst);
		return -ERANGE;
	}
	return 0;
}

/* ---- listing ---- */

static uint64_t put_rate(struct upt_sb *sb, uint64_t period)
{
	static const struct {
		const char *name;
		uint64_t mult;
	} rates[] = {{"day", SCALE * 24 * 60 * 60},
		     {"hour", SCALE * 60 * 60},
		     {"min", SCALE * 60},
		     {"sec", SCALE}};
	size_t i;

	if (period == 0) {
		upt_sb_puts(sb, " inf");
		return 0;
	}
	for (i = 1; i < 4; i++)
		if (period > rates[i].mult || rates[i].mult / period < rates[i].mult % period)
			break;
	upt_sb_printf(sb, " %llu/%s", (unsigned long long)(rates[i - 1].mult / period),
		      rates[i - 1].name);
	return rates[i - 1].mult / SCALE * 1000;
}

static uint64_t put_bytes(struct upt_sb *sb, uint64_t avg, uint64_t burst, const char *pfx)
{
	/* thresh is 32 bits in libxt_hashlimit: ~(thresh - 1) also clears bits 32..63 of r */
	static const struct {
		const char *name;
		uint32_t thresh;
	} units[] = {{"m", 1024 * 1024}, {"k", 1024}, {"", 1}};
	uint64_t r = cost_to_bytes(avg);
	size_t i;

	for (i = 0; i < 2; i++)
		if (r >= units[i].thresh &&
		    bytes_to_cost(r & (uint32_t) ~(units[i].thresh - 1)) == avg)
			break;
	upt_sb_printf(sb, " %llu%sb/s", (unsigned long long)(r / units[i].thresh), units[i].name);
	if (burst == 0)
		return BYTE_EXPIRE * 1000;
	r *= burst;
	for (i = 0; i < 2; i++)
		if (r >= units[i].thresh)
			break;
	upt_sb_printf(sb, " %sburst %llu%sb", pfx, (unsigned long long)(r / units[i].thresh),
		      units[i].name);
	return BYTE_EXPIRE_B * 1000;
}

static void put_mode(struct upt_sb *sb, uint32_t mode, char sep)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} order[] = {
	    {HASH_SIP, "srcip"}, {HASH_SPT, "srcport"}, {HASH_DIP, "dstip"}, {HASH_DPT, "dstport"}};
	bool first = true;

	upt_sb_putc(sb, ' ');
	for (size_t i = 0; i < 4; i++)
		if (mode & order[i].bit) {
			if (!first)
				upt_sb_putc(sb, sep);
			upt_sb_puts(sb, order[i].name);
			first = false;
		}
}

static void hl_save(const void *data, struct upt_sb *sb)
{
	const struct hl_data *h = data;
	const struct hl_cfg *c = &h->cfg;
	uint64_t quantum;

	upt_sb_puts(sb, c->mode & HL_INVERT ? " --hashlimit-above" : " --hashlimit-upto");
	if (c->mode & HL_BYTES) {
		quantum = put_bytes(sb, c->avg, c->burst, "--hashlimit-");
	} else {
		quantum = put_rate(sb, c->avg);
		upt_sb_printf(sb, " --hashlimit-burst %llu", (unsigned long long)c->burst);
	}
	if (c->mode & HASH_ANY) {
		upt_sb_puts(sb, " --hashlimit-mode");
		put_mode(sb, c->mode, ',');
	}
	upt_sb_printf(sb, " --hashlimit-name %s", h->name);
	if (c->size)
		upt_sb_printf(sb, " --hashlimit-htable-size %u", c->size);
	if (c->max)
		upt_sb_printf(sb, " --hashlimit-htable-max %u", c->max);
	if (c->gc_interval != GC_DEFAULT)
		upt_sb_printf(sb, " --hashlimit-htable-gcinterval %u", c->gc_interval);
	if (c->expire != quantum)
		upt_sb_printf(sb, " --hashlimit-htable-expire %u", c->expire);
	if (c->srcmask != 32)
		upt_sb_printf(sb, " --hashlimit-srcmask %u", c->srcmask);
	if (c->dstmask != 32)
		upt_sb_printf(sb, " --hashlimit-dstmask %u", c->dstmask);
	if (c->mode & HL_RATE) {
		upt_sb_puts(sb, " --hashlimit-rate-match");
		if (c->interval != 1)
			upt_sb_printf(sb, " --hashlimit-rate-interval %u", c->interval);
	}
}

static void hl_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct hl_data *h = data;
	const struct hl_cfg *c = &h->cfg;
	uint64_t quantum;

	(void)flags;
	upt_sb_puts(sb, c->mode & HL_INVERT ? " limit: above" : " limit: up to");
	if (c->mode & HL_BYTES) {
		quantum = put_bytes(sb, c->avg, c->burst, "");
	} else {
		quantum = put_rate(sb, c->interval ? c->avg * c->interval : c->avg);
		upt_sb_printf(sb, " burst %llu", (unsigned long long)c->burst);
	}
	if (c->mode & HASH_ANY) {
		upt_sb_puts(sb, " mode");
		put_mode(sb, c->mode, '-');
	}
	if (c->size)
		upt_sb_printf(sb, " htable-size %u", c->size);
	if (c->max)
		upt_sb_printf(sb, " htable-max %u", c->max);
	if (c->gc_interval != GC_DEFAULT)
		upt_sb_printf(sb, " htable-gcinterval %u", c->gc_interval);
	if (c->expire != quantum)
		upt_sb_printf(sb, " htable-expire %u", c->expire);
	if (c->srcmask != 32)
		upt_sb_printf(sb, " srcmask %u", c->srcmask);
	if (c->dstmask != 32)
		upt_sb_printf(sb, " dstmask %u", c->dstmask);
	if (c->mode & HL_RATE) {
		upt_sb_puts(sb, " rate-match");
		if (c->interval != 1)
			upt_sb_printf(sb, " rate-interval %u", c->interval);
	}
}

/* ---- sharing ---- */

static const char *hl_share_key(const void *data)
{
	return ((const struct hl_data *)data)->name;
}

static void hl_share(void *data, void *owner)
{
	struct hl_data *h = data;

	h->owner = owner == data ? NULL : owner;
}

/* The kernel keeps a table, with its creator's configuration, while rules name it. */
static void hl_adopt(void *data, const void *prev)
{
	((struct hl_data *)data)->t = ((const struct hl_data *)prev)->t;
}

/* ---- the packet path ---- */

static uint32_t maskl(uint32_t a, unsigned l)
{
	return l ? a & (0xffffffffu << (32 - l)) : 0;
}

/* msecs_to_jiffies: rounded up. */
static uint64_t ms_to_jiffies(uint32_t ms)
{
	return ((uint64_t)ms + 1000 / HZ - 1) / (1000 / HZ);
}

/* time_after_eq(a, b) on jiffies. */
static bool after_eq(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) >= 0;
}

static void rateinfo_init(struct hl_ent *e, const struct hl_cfg *c, uint64_t now)
{
	e->prev = now;
	if (c->mode & HL_RATE) {
		e->prev_window = 0;
		e->rm.current_rate = 0;
		if (c->mode & HL_BYTES) {
			uint64_t r = (uint32_t)c->avg ? UINT32_MAX / (uint32_t)c->avg : UINT32_MAX;
			e->rm.rate = (r - 1) << BYTE_SHIFT;
			e->rm.burst = (int64_t)(c->burst ? c->burst * e->rm.rate : e->rm.rate);
		} else {
			e->rm.rate = c->avg ? SCALE / c->avg : 0;
			e->rm.burst = (int64_t)(c->burst + e->rm.rate);
		}
	} else if (c->mode & HL_BYTES) {
		e->tb.credit = CPJ_BYTES * HZ;
		e->tb.cost = user2credits_byte((uint32_t)c->avg);
		e->tb.credit_cap = c->burst;
	} else {
		e->tb.credit = user2credits(c->avg * c->burst);
		e->tb.cost = user2credits(c->avg);
		e->tb.credit_cap = e->tb.credit;
	}
}

static void rateinfo_recalc(struct hl_ent *e, uint64_t now, const struct hl_cfg *c)
{
	uint64_t delta = now - e->prev, cap;

	if (delta == 0)
		return;
	if (c->mode & HL_RATE) {
		uint64_t interval = (uint64_t)c->interval * HZ;
		if (delta < interval)
			return;
		e->prev = now;
		e->prev_window = e->rm.current_rate * interval > delta * e->rm.rate;
		e->rm.current_rate = 0;
		return;
	}
	e->prev = now;
	if (c->mode & HL_BYTES) {
		uint64_t old = e->tb.credit;
		e->tb.credit += CPJ_BYTES * delta;
		cap = CPJ_BYTES * HZ;
		if (old >= e->tb.credit) { /* overflow */
			e->tb.credit = cap;
			return;
		}
	} else {
		e->tb.credit += delta * CPJ;
		cap = e->tb.credit_cap;
	}
	if (e->tb.credit > cap)
		e->tb.credit = cap;
}

static uint64_t byte_cost(uint32_t len, struct hl_ent *e)
{
	uint64_t tmp = ((uint64_t)(len >> BYTE_SHIFT) + 1) * e->tb.cost;

	if (tmp > CPJ_BYTES * HZ)
		tmp = CPJ_BYTES * HZ;
	if (e->tb.credit < tmp && e->tb.credit_cap) {
		e->tb.credit_cap--;
		e->tb.credit = CPJ_BYTES * HZ;
	}
	return (uint32_t)tmp;
}

/*
 * The kernel's garbage collection (htable_gc), a sweep every gcinterval:
 * run here when a packet finds one due, as of the last due time, so an
 * entry that expired after that sweep is still there, as in the kernel.
 */
static void gc_due(struct hl_table *t, const struct hl_cfg *c, uint64_t now)
{
	uint64_t every = ms_to_jiffies(c->gc_interval), last;

	if (!t->gc_started) {
		t->gc_started = 1;
		t->next_gc = now + every;
		return;
	}
	if (!after_eq(now, t->next_gc))
		return;
	last = t->next_gc + (now - t->next_gc) / every * every;
	for (unsigned i = 0; i < HL_SLOTS; i++)
		if (t->slot[i].used && after_eq(last, t->slot[i].expires)) {
			t->slot[i].used = 0;
			t->count--;
		}
	t->next_gc = last + every;
}

static bool hl_match(const void *data, struct upt_xt_pkt *p)
{
	struct hl_data *h = (struct hl_data *)data; /* compiled copy: the table */
	struct hl_data *o = h->owner ? h->owner : h;
	struct hl_table *t = &o->t;
	const struct hl_cfg *tc = &t->cfg, *c = &h->cfg;
	const struct upt_pdesc *d = p->d;
	uint64_t now = p->now / (1000000000ull / HZ), cost;
	struct hl_ent key, *e = NULL, *free_slot = NULL;
	uint32_t b;

	memset(&key, 0, sizeof(key));
	if (tc->mode & HASH_DIP)
		key.dst = maskl(d->daddr, tc->dstmask);
	if (tc->mode & HASH_SIP)
		key.src = maskl(d->saddr, tc->srcmask);
	if (tc->mode & (HASH_DPT | HASH_SPT)) {
		uint16_t sp = 0, dp = 0;
		/* proto_ports_offset: the protocols whose first four bytes are the ports */
		if (d->proto == 6 || d->proto == 17 || d->proto == 33 || d->proto == 132 ||
		    d->proto == 136) {
			const uint8_t *l4 = d->frame + d->l4_off;
			if (d->l4_len < 4)
				goto hotdrop;
			sp = (uint16_t)(l4[0] << 8 | l4[1]);
			dp = (uint16_t)(l4[2] << 8 | l4[3]);
		}
		if (tc->mode & HASH_SPT)
			key.sport = sp;
		if (tc->mode & HASH_DPT)
			key.dport = dp;
	}
	if (!t->keyed) {
		t->key[0] = p->eng ? upt_xt_random(p) : 0x6861736866756e63ull;
		t->key[1] = p->eng ? upt_xt_random(p) : 0x6c696d6974746162ull;
		t->keyed = 1;
	}
	{
		uint8_t kb[12];
		memcpy(kb, &key.src, 4);
		memcpy(kb + 4, &key.dst, 4);
		memcpy(kb + 8, &key.sport, 2);
		memcpy(kb + 10, &key.dport, 2);
		b = (uint32_t)(((uint64_t)(uint32_t)upt_siphash(t->key, kb, sizeof(kb)) *
				HL_BUCKETS) >>
			       32);
	}
	gc_due(t, tc, now);
	for (unsigned w = 0; w < HL_WAYS; w++) {
		struct hl_ent *s = &t->slot[b * HL_WAYS + w];
		if (!s->used) {
			if (!free_slot)
				free_slot = s;
			continue;
		}
		if (s->src == key.src && s->dst == key.dst && s->sport == key.sport &&
		    s->dport == key.dport) {
			e = s;
			break;
		}
	}
	if (e) {
		e->expires = now + ms_to_jiffies(tc->expire);
		rateinfo_recalc(e, now, tc);
	} else {
		if (t->count >= t->max)
			goto hotdrop; /* the kernel's "max count reached" */
		for (unsigned w = 0; w < HL_WAYS && !free_slot; w++) {
			struct hl_ent *s = &t->slot[b * HL_WAYS + w];
			if (after_eq(now,
				     s->expires)) { /* this table's bound: reuse an expired place */
				s->used = 0;
				t->count--;
				free_slot = s;
			}
		}
		if (!free_slot)
			goto hotdrop;
		e = free_slot;
		*e = key;
		e->used = 1;
		t->count++;
		e->expires = now + ms_to_jiffies(tc->expire);
		rateinfo_init(e, tc, now);
	}
	if (c->mode & HL_RATE) {
		e->rm.current_rate += (c->mode & HL_BYTES) ? d->ip_len : 1;
		if (!e->prev_window && e->rm.current_rate <= (uint64_t)e->rm.burst)
			return !(c->mode & HL_INVERT);
		return c->mode & HL_INVERT;
	}
	cost = (c->mode & HL_BYTES) ? byte_cost(d->ip_len, e) : e->tb.cost;
	if (e->tb.credit >= cost) {
		e->tb.credit -= cost;
		return !(c->mode & HL_INVERT);
	}
	return c->mode & HL_INVERT;
hotdrop:
	p->hotdrop = true;
	return false;
}

const struct upt_match_ops upt_match_hashlimit = {
    .name = "hashlimit",
    .size = sizeof(struct hl_data),
    .options = hl_opts,
    .init = hl_init,
    .parse = hl_parse,
    .check = hl_check,
    .save = hl_save,
    .print = hl_print,
    .match = hl_match,
    .share_key = hl_share_key,
    .share = hl_share,
    .adopt = hl_adopt,
    .kcheck = hl_kcheck,
};

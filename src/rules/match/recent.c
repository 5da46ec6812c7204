/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m recent [!] --set|--rcheck|--update|--remove [--seconds S [--reap]]
 *           [--hitcount N] [--rttl] [--name NAME] [--rsource|--rdest]
 *           [--mask MASK]
 *
 * Parsing and listing are iptables' libxt_recent (revision 1: name DEFAULT,
 * --rsource and mask 255.255.255.255 by default, all three always saved).
 * Semantics are the kernel's xt_recent.c.
 *
 * Theory of operation.  A recent list is a table of addresses, each with
 * the times (a ring of timestamps) it was last seen and the TTL of the last
 * packet that set or updated it.  Rules with the same --name share one
 * table, as they share the kernel's per-netns table: the compiler links
 * each rule to the first rule of the ruleset with that name (ext.h
 * share/share_key), and the table lives in that owner rule's compiled data
 * block; like the kernel's, the table keeps its creator's --mask, and it
 * passes to the next ruleset when a commit keeps a rule naming it.  Per
 * packet (ret starts as the inversion):
 *   - the address (source, or destination with --rdest; TTL one higher
 *     for a packet that is being forwarded, "as seen before forwarding")
 *     is masked and looked up; with --rttl the TTL must match too;
 *   - not found: --set adds it (the least recently used entry makes room
 *     when the list is full) and matches; the others do not match;
 *   - found: --set matches; --remove deletes it and matches; --rcheck and
 *     --update match when at least --hitcount of its timestamps (any one,
 *     without --hitcount) lie within the last --seconds (any time, without
 *     --seconds); --reap then drops the least recently used entry if its
 *     newest timestamp is older than that window;
 *   - --set, and --update when it matched, add a timestamp and the TTL.
 * Times are the kernel's jiffies at HZ=250 (p->now in units of 4 ms, the
 * reference Debian kernel's CONFIG_HZ), with its wrap-safe comparisons.
 *
 * Bounds (fixed size, in the data block, allocated with the rule): a table
 * holds RECENT_ENTRIES addresses (the kernel's default ip_list_tot) and a
 * pool of RECENT_STAMPS timestamps shared out evenly: each entry keeps the
 * kernel's ring of 32 timestamps, or the next power of two at or above the
 * largest --hitcount of the rules sharing the table; a table with larger
 * rings holds fewer addresses (4096 / ring size), so --hitcount above 1024
 * is refused as not supported (the kernel takes up to 65535).  Lookups scan
 * the table (at most RECENT_ENTRIES entries).
 *
 * Not here: the /proc/net/xt_recent/NAME file (listing, adding and
 * flushing by hand).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum {
	O_SET,
	O_RCHECK,
	O_UPDATE,
	O_REMOVE,
	O_SECONDS,
	O_REAP,
	O_HITCOUNT,
	O_RTTL,
	O_NAME,
	O_RSOURCE,
	O_RDEST,
	O_MASK
};

/* XT_RECENT_* */
#define R_CHECK	 0x01
#define R_SET	 0x02
#define R_UPDATE 0x04
#define R_REMOVE 0x08
#define R_TTL	 0x10
#define R_REAP	 0x20
#define R_OPS	 (R_CHECK | R_SET | R_UPDATE | R_REMOVE)

#define SIDE_SOURCE 0
#define SIDE_DEST   1

#define RECENT_NAME_LEN	     200 /* XT_RECENT_NAME_LEN, with the NUL */
#define RECENT_ENTRIES	     100 /* ip_list_tot */
#define RECENT_STAMPS	     4096
#define RECENT_DEFAULT_RING  32
#define RECENT_MAX_HITCOUNT  1024
#define RECENT_KERNEL_NSTAMP 65536 /* XT_RECENT_MAX_NSTAMPS */
#define HZ		     250u

struct recent_entry {
	uint32_t addr;
	uint32_t lru; /* larger: used more recently */
	uint16_t index, nstamps;
	uint8_t ttl;
	uint8_t used;
};

struct recent_table {
	uint32_t addr_mask; /* the creating rule's --mask, kept by the table */
	uint32_t ring_mask; /* timestamps per entry - 1 */
	uint32_t cap;	    /* entries usable with that ring */
	uint32_t entries;
	uint32_t seq;
	struct recent_entry e[RECENT_ENTRIES];
	uint64_t stamps[RECENT_STAMPS];
};

struct recent_data {
	char name[RECENT_NAME_LEN];
	uint32_t seconds, hit_count;
	uint32_t mask;
	uint8_t check_set, invert, side;
	/* compiled copy: the table owner (NULL: this rule), and the table when this rule owns it */
	struct recent_data *owner;
	struct recent_table t;
};

/* ops->size is 16 bits: the whole table must fit the data block. */
_Static_assert(sizeof(struct recent_data) <= UINT16_MAX, "recent table too large for a data block");

static const struct upt_xt_option recent_opts[] = {
    {"set", O_SET, UPT_XTOPT_INVERT},
    {"rcheck", O_RCHECK, UPT_XTOPT_INVERT},
    {"update", O_UPDATE, UPT_XTOPT_INVERT},
    {"remove", O_REMOVE, UPT_XTOPT_INVERT},
    {"seconds", O_SECONDS, UPT_XTOPT_ARG},
    {"reap", O_REAP, 0},
    {"hitcount", O_HITCOUNT, UPT_XTOPT_ARG},
    {"rttl", O_RTTL, 0},
    {"name", O_NAME, UPT_XTOPT_ARG},
    {"rsource", O_RSOURCE, 0},
    {"rdest", O_RDEST, 0},
    {"mask", O_MASK, UPT_XTOPT_ARG},
    {NULL, 0, 0},
};

static void recent_init(void *data)
{
	struct recent_data *r = data;

	memset(r, 0, sizeof(*r));
	strcpy(r->name, "DEFAULT");
	r->side = SIDE_SOURCE;
	r->mask = 0xffffffffu;
}

static int recent_parse(void *data, unsigned id, bool invert, const char *arg,
			struct upt_xt_parse *p)
{
	static const uint8_t op_flag[] = {
	    [O_SET] = R_SET, [O_RCHECK] = R_CHECK, [O_UPDATE] = R_UPDATE, [O_REMOVE] = R_REMOVE};
	struct recent_data *r = data;
	uint64_t v;

	switch (id) {
	case O_SET:
	case O_RCHECK:
	case O_UPDATE:
	case O_REMOVE:
		if (r->check_set & R_OPS)
			return upt_xt_error(p,
					    "recent: only one of `--set', `--rcheck', `--update' "
					    "or `--remove' may be given");
		if (id == O_SET || id == O_REMOVE) {
			if (r->check_set & R_TTL)
				return upt_xt_error(p, "recent: \"--rttl\" cannot be used together "
						       "with \"--set\" or \"--remove\"");
		}
		r->check_set |= op_flag[id];
		if (invert)
			r->invert = 1;
		return 0;
	case O_SECONDS:
		if (!upt_xtu_strtoul(arg, NULL, 1, UINT32_MAX, &v))
			return upt_xt_error(p,
					    "recent: bad value for option \"--seconds\", or out of "
					    "range (1-4294967295)");
		/* iptables would list more than 2^31-1 as a negative number that no
		 * restore accepts, and a rules file holds the listing. */
		if (v > INT32_MAX)
			return upt_xt_error(p,
					    "uptables: extension \"recent\" option --seconds above "
					    "2147483647 is not supported");
		r->seconds = (uint32_t)v;
		return 0;
	case O_REAP:
		r->check_set |= R_REAP;
		return 0;
	case O_HITCOUNT:
		if (!upt_xtu_strtoul(arg, NULL, 0, UINT32_MAX, &v))
			return upt_xt_error(p,
					    "recent: bad value for option \"--hitcount\", or out "
					    "of range (0-4294967295)");
		r->hit_count = (uint32_t)v;
		return 0;
	case O_RTTL:
		if (r->check_set & (R_SET | R_REMOVE))
			return upt_xt_error(p, "recent: \"--rttl\" cannot be used together with "
					       "\"--set\" or \"--remove\"");
		r->check_set |= R_TTL;
		return 0;
	case O_NAME:
		/* the 200-byte field; what the kernel refuses as a /proc name is kcheck's */
		if (strlen(arg) >= RECENT_NAME_LEN)
			return upt_xt_error(p, "recent: list name too long \"%s\"", arg);
		/* iptables lists the name unquoted: with these it would not read back */
		if (strpbrk(arg, " \t\n\"'\\"))
			return upt_xt_error(p, "uptables: extension \"recent\" option --name with "
					       "blanks or quotes is not supported");
		snprintf(r->name, sizeof(r->name), "%s", arg);
		return 0;
	case O_RSOURCE:
		r->side = SIDE_SOURCE;
		return 0;
	case O_RDEST:
		r->side = SIDE_DEST;
		return 0;
	case O_MASK:
		if (!upt_xtu_parse_ipv4(arg, &r->mask))
			return upt_xt_error(p, "recent: host/network `%s' not found", arg);
		return 0;
	}
	return -EINVAL;
}

static uint32_t ring_for(uint32_t hit_count)
{
	uint32_t n = RECENT_DEFAULT_RING;

	if (hit_count) {
		n = 1;
		while (n < hit_count)
			n <<= 1;
	}
	return n;
}

static void table_setup(struct recent_table *t, uint32_t ring, uint32_t addr_mask)
{
	uint32_t cap = RECENT_STAMPS / ring;

	memset(t, 0, sizeof(*t));
	t->addr_mask = addr_mask;
	t->ring_mask = ring - 1;
	t->cap = cap < RECENT_ENTRIES ? cap : RECENT_ENTRIES;
}

static int recent_check(void *data, struct upt_xt_parse *p)
{
	struct recent_data *r = data;

	if (!(r->check_set & R_OPS))
		return upt_xt_error(p, "recent: you must specify one of `--set', `--rcheck' "
				       "`--update' or `--remove'");
	if ((r->check_set & R_REAP) && !r->seconds)
		return upt_xt_error(p, "recent: \"--reap\" requires \"--seconds\"");
	/* (the kernel's own refusals are recent_kcheck's) */
	if (r->hit_count > RECENT_MAX_HITCOUNT && r->hit_count < RECENT_KERNEL_NSTAMP)
		return upt_xt_error(p,
				    "uptables: extension \"recent\" option --hitcount above %u "
				    "is not supported",
				    RECENT_MAX_HITCOUNT);
	table_setup(&r->t, ring_for(r->hit_count), r->mask);
	return 0;
}

/* The kernel's checkentry (recent_mt_check, xt_check_proc_name). */
static int recent_kcheck(const void *data, char *why, size_t whylen)
{
	const struct recent_data *r = data;

	if ((r->check_set & (R_SET | R_REMOVE)) &&
	    (r->seconds || r->hit_count || (r->check_set & (R_TTL | R_REAP)))) {
		snprintf(why, whylen,
			 "recent: --seconds, --hitcount, --rttl and --reap go with "
			 "--rcheck or --update only");
		return -EINVAL;
	}
	if (r->hit_count >= RECENT_KERNEL_NSTAMP) {
		snprintf(why, whylen, "recent: hitcount (%u) is larger than allowed maximum (%u)",
			 r->hit_count, RECENT_KERNEL_NSTAMP - 1);
		return -EINVAL;
	}
	if (r->name[0] == '\0' || strchr(r->name, '/') || !strcmp(r->name, ".") ||
	    !strcmp(r->name, "..")) {
		snprintf(why, whylen, "recent: list name \"%s\" is not a /proc file name", r->name);
		return -EINVAL;
	}
	return 0;
}

static void put_mask(struct upt_sb *sb, uint32_t m)
{
	upt_sb_printf(sb, "%u.%u.%u.%u", m >> 24, (m >> 16) & 255, (m >> 8) & 255, m & 255);
}

static void recent_save(const void *data, struct upt_sb *sb)
{
	const struct recent_data *r = data;

	if (r->invert)
		upt_sb_puts(sb, " !");
	if (r->check_set & R_SET)
		upt_sb_puts(sb, " --set");
	if (r->check_set & R_CHECK)
		upt_sb_puts(sb, " --rcheck");
	if (r->check_set & R_UPDATE)
		upt_sb_puts(sb, " --update");
	if (r->check_set & R_REMOVE)
		upt_sb_puts(sb, " --remove");
	/* libxt_recent prints these as signed ("--seconds -1" for 4294967295) */
	if (r->seconds)
		upt_sb_printf(sb, " --seconds %d", (int32_t)r->seconds);
	if (r->check_set & R_REAP)
		upt_sb_puts(sb, " --reap");
	if (r->hit_count)
		upt_sb_printf(sb, " --hitcount %d", (int32_t)r->hit_count);
	if (r->check_set & R_TTL)
		upt_sb_puts(sb, " --rttl");
	upt_sb_printf(sb, " --name %s --mask ", r->name);
	put_mask(sb, r->mask);
	upt_sb_puts(sb, r->side == SIDE_DEST ? " --rdest" : " --rsource");
}

static void recent_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct recent_data *r = data;

	(void)flags;
	if (r->invert)
		upt_sb_puts(sb, " !");
	upt_sb_puts(sb, " recent:");
	if (r->check_set & R_SET)
		upt_sb_puts(sb, " SET");
	if (r->check_set & R_CHECK)
		upt_sb_puts(sb, " CHECK");
	if (r->check_set & R_UPDATE)
		upt_sb_puts(sb, " UPDATE");
	if (r->check_set & R_REMOVE)
		upt_sb_puts(sb, " REMOVE");
	if (r->seconds)
		upt_sb_printf(sb, " seconds: %d", (int32_t)r->seconds);
	if (r->check_set & R_REAP)
		upt_sb_puts(sb, " reap");
	if (r->hit_count)
		upt_sb_printf(sb, " hit_count: %d", (int32_t)r->hit_count);
	if (r->check_set & R_TTL)
		upt_sb_puts(sb, " TTL-Match");
	upt_sb_printf(sb, " name: %s side: %s mask: ", r->name,
		      r->side == SIDE_DEST ? "dest" : "source");
	put_mask(sb, r->mask);
}

static const char *recent_share_key(const void *data)
{
	return ((const struct recent_data *)data)->name;
}

/* Kernel checkentry on an existing table: a rule needing longer rings grows (and empties) it. */
static void recent_share(void *data, void *owner)
{
	struct recent_data *r = data, *o = owner;
	uint32_t ring = ring_for(r->hit_count);

	r->owner = o == r ? NULL : o;
	if (o && o != r && ring > o->t.ring_mask + 1)
		table_setup(&o->t, ring, o->t.addr_mask);
}

/*
 * The kernel keeps a list while rules name it: the new owner takes the old
 * table over (its entries, its mask and ring size), unless a new rule needs
 * longer rings, for which the kernel empties the table (keeping its mask).
 */
static void recent_adopt(void *data, const void *prev)
{
	struct recent_data *r = data;
	const struct recent_data *old = prev;

	if (old->t.ring_mask >= r->t.ring_mask)
		r->t = old->t;
	else
		r->t.addr_mask = old->t.addr_mask;
}

/* time_after(a, b): a is later than b, modulo wrap-around. */
static bool after(uint64_t a, uint64_t b)
{
	return (int64_t)(b - a) < 0;
}

static uint64_t *stamps_of(struct recent_table *t, const struct recent_entry *e)
{
	return &t->stamps[(size_t)(e - t->e) * (t->ring_mask + 1)];
}

static struct recent_entry *lookup(struct recent_table *t, uint32_t addr, uint8_t ttl)
{
	for (uint32_t i = 0; i < t->cap; i++) {
		struct recent_entry *e = &t->e[i];
		if (e->used && e->addr == addr && (ttl == e->ttl || ttl == 0 || e->ttl == 0))
			return e;
	}
	return NULL;
}

static struct recent_entry *lru_head(struct recent_table *t)
{
	struct recent_entry *best = NULL;

	for (uint32_t i = 0; i < t->cap; i++)
		if (t->e[i].used && (!best || (int32_t)(t->e[i].lru - best->lru) < 0))
			best = &t->e[i];
	return best;
}

static void entry_remove(struct recent_table *t, struct recent_entry *e)
{
	e->used = 0;
	t->entries--;
}

static struct recent_entry *entry_init(struct recent_table *t, uint32_t addr, uint8_t ttl,
				       uint64_t jiffies)
{
	struct recent_entry *e = NULL;

	if (t->entries >= t->cap)
		entry_remove(t, lru_head(t));
	for (uint32_t i = 0; i < t->cap && !e; i++)
		if (!t->e[i].used)
			e = &t->e[i];
	if (!e)
		return NULL;
	e->addr = addr;
	e->ttl = ttl;
	e->used = 1;
	e->nstamps = 1;
	e->index = 1;
	e->lru = ++t->seq;
	stamps_of(t, e)[0] = jiffies;
	t->entries++;
	return e;
}

static void entry_update(struct recent_table *t, struct recent_entry *e, uint64_t jiffies)
{
	e->index &= (uint16_t)t->ring_mask;
	stamps_of(t, e)[e->index++] = jiffies;
	if (e->index > e->nstamps)
		e->nstamps = e->index;
	e->lru = ++t->seq;
}

static bool recent_match(const void *data, struct upt_xt_pkt *p)
{
	struct recent_data *r = (struct recent_data *)data; /* compiled copy: the table */
	struct recent_data *o = r->owner ? r->owner : r;
	struct recent_table *t = &o->t;
	const struct upt_pdesc *d = p->d;
	uint64_t jiffies = p->now / (1000000000u / HZ);
	uint32_t addr = (r->side == SIDE_DEST ? d->daddr : d->saddr) & t->addr_mask;
	uint8_t ttl = d->ttl;
	struct recent_entry *e;
	bool ret = r->invert;

	/* The TTL as seen before forwarding: the kernel adds one for socketless packets with an
	 * output device, i.e. forwarded ones here (locally sent ones have no input device). */
	if (p->hook == UPT_HOOK_FORWARD ||
	    (p->hook == UPT_HOOK_POST_ROUTING && p->in_name && p->in_name[0]))
		ttl++;
	e = lookup(t, addr, (r->check_set & R_TTL) ? ttl : 0);
	if (!e) {
		if (!(r->check_set & R_SET))
			return ret;
		e = entry_init(t, addr, ttl, jiffies);
		if (!e)
			p->hotdrop = true;
		return !ret;
	}
	if (r->check_set & R_SET) {
		ret = !ret;
	} else if (r->check_set & R_REMOVE) {
		entry_remove(t, e);
		return !ret;
	} else {
		uint64_t time = jiffies - (uint64_t)r->seconds * HZ;
		const uint64_t *st = stamps_of(t, e);
		uint32_t hits = 0;

		for (uint32_t i = 0; i < e->nstamps; i++) {
			if (r->seconds && after(time, st[i]))
				continue;
			if (!r->hit_count || ++hits >= r->hit_count) {
				ret = !ret;
				break;
			}
		}
		if (r->check_set & R_REAP) {
			struct recent_entry *old = lru_head(t);
			bool updating = (r->check_set & R_UPDATE) && ret;
			if (old && !(old == e && updating) &&
			    after(time, stamps_of(t, old)[old->index - 1])) {
				entry_remove(t, old);
				if (old == e)
					return ret;
			}
		}
	}
	if ((r->check_set & R_SET) || ((r->check_set & R_UPDATE) && ret)) {
		entry_update(t, e, jiffies);
		e->ttl = ttl;
	}
	return ret;
}

const struct upt_match_ops upt_match_recent = {
    .name = "recent",
    .size = sizeof(struct recent_data),
    .options = recent_opts,
    .init = recent_init,
    .parse = recent_parse,
    .check = recent_check,
    .save = recent_save,
    .print = recent_print,
    .match = recent_match,
    .share_key = recent_share_key,
    .share = recent_share,
    .adopt = recent_adopt,
    .kcheck = recent_kcheck,
};

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m connlimit --connlimit-upto N | [!] --connlimit-above N
 * [--connlimit-mask LEN] [--connlimit-saddr | --connlimit-daddr]
 * (revision 1, the kernel's xt_connlimit.c over nf_conncount.c).
 *
 * Theory of operation.  Each rule keeps its own list of the connections
 * whose packets it has seen, keyed by the packet's source (or destination)
 * address under the mask, plus the conntrack zone.  A packet that reaches
 * the match:
 *   - walks the entries of its key: an entry whose connection is no longer
 *     in the conntrack table, or is a TCP connection in TIME_WAIT or CLOSE,
 *     is dropped from the list; the others are counted;
 *   - adds its own connection's tuple (the tuple of its direction) when it
 *     is not listed yet, and counts it;
 *   - matches when the count is above N (--connlimit-above), or at most N
 *     (--connlimit-upto, stored as an inverted "above").
 * So a connection counts from the first packet the rule saw until it
 * closes; a first packet that was then dropped leaves nothing behind (its
 * entry is gone from conntrack at the next look; the kernel may keep it for
 * up to one jiffy).  A packet without a connection (INVALID, UNTRACKED)
 * counts with the tuple read from the packet, as in the kernel.
 *
 * Memory: the list lives in the rule's own data block, CONNLIMIT_SLOTS
 * entries per rule, zero in the model and private to each compiled ruleset
 * (so, as with iptables-legacy, where every table change re-creates the
 * match, installing a new ruleset starts the lists empty).  When all slots
 * hold live connections, the packet is dropped (hotdrop), which is what the
 * kernel does when it cannot allocate a list node.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_UPTO, O_ABOVE, O_MASK, O_SADDR, O_DADDR };

#define F_INVERT 0x1 /* XT_CONNLIMIT_INVERT */
#define F_DADDR	 0x2 /* XT_CONNLIMIT_DADDR */

#define CONNLIMIT_SLOTS 1024

struct connlimit_slot {
	struct upt_tuple tuple; /* of the packet's direction; proto 0: free slot */
	uint32_t key;		/* masked address */
};

struct connlimit_data {
	uint32_t limit, mask, flags;
	uint8_t plen;
	/* Packet-path state (compiled copy only). */
	uint32_t nused; /* slots [0, nused) may be in use */
	struct connlimit_slot slot[CONNLIMIT_SLOTS];
};

static const struct upt_xt_option connlimit_opts[] = {
    {"connlimit-upto", O_UPTO, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"connlimit-above", O_ABOVE, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"connlimit-mask", O_MASK, UPT_XTOPT_ARG},
    {"connlimit-saddr", O_SADDR, 0},
    {"connlimit-daddr", O_DADDR, 0},
    {NULL, 0, 0},
};

static void connlimit_init(void *data)
{
	struct connlimit_data *c = data;

	memset(c, 0, sizeof(*c));
	c->mask = 0xffffffffu;
	c->plen = 32;
}

static int connlimit_parse(void *data, unsigned id, bool invert, const char *arg,
			   struct upt_xt_parse *p)
{
	struct connlimit_data *c = data;
	uint64_t v;

	switch (id) {
	case O_UPTO:
	case O_ABOVE:
		if (p->seen & (1u << (id == O_UPTO ? O_ABOVE : O_UPTO)))
			return upt_xt_error(p, "connlimit: \"--connlimit-upto\" and "
					       "\"--connlimit-above\" are exclusive");
		if (!upt_xtu_strtoul(arg, NULL, 0, 0xffffffffu, &v))
			return upt_xt_error(p,
					    "connlimit: bad value for option \"--%s\", or out of "
					    "range (0-4294967295).",
					    id == O_UPTO ? "connlimit-upto" : "connlimit-above");
		c->limit = (uint32_t)v;
		/* "up to N" is "not above N". */
		if ((id == O_UPTO) != invert)
			c->flags |= F_INVERT;
		else
			c->flags &= ~F_INVERT;
		return 0;
	case O_MASK:
		if (!upt_xtu_strtoul(arg, NULL, 0, 32, &v))
			return upt_xt_error(p,
					    "connlimit: bad value for option \"--connlimit-mask\", "
					    "or out of range (0-32).");
		c->plen = (uint8_t)v;
		c->mask = v ? 0xffffffffu << (32 - v) : 0;
		return 0;
	case O_SADDR:
	case O_DADDR:
		if (p->seen & (1u << (id == O_SADDR ? O_DADDR : O_SADDR)))
			return upt_xt_error(p, "connlimit: \"--connlimit-saddr\" and "
					       "\"--connlimit-daddr\" are exclusive");
		if (id == O_DADDR)
			c->flags |= F_DADDR;
		else
			c->flags &= ~F_DADDR;
		return 0;
	}
	return -EINVAL;
}

static int connlimit_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	if (!(p->seen & ((1u << O_UPTO) | (1u << O_ABOVE))))
		return upt_xt_error(p, "connlimit: You must specify \"--connlimit-above\" or "
				       "\"--connlimit-upto\".");
	return 0;
}

static void connlimit_save(const void *data, struct upt_sb *sb)
{
	const struct connlimit_data *c = data;

	upt_sb_printf(sb, " --connlimit-%s %u --connlimit-mask %u --connlimit-%s",
		      (c->flags & F_INVERT) ? "upto" : "above", c->limit, c->plen,
		      (c->flags & F_DADDR) ? "daddr" : "saddr");
}

static void connlimit_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct connlimit_data *c = data;

	(void)flags;
	upt_sb_printf(sb, " #conn %s/%u %s %u", (c->flags & F_DADDR) ? "dst" : "src", c->plen,
		      (c->flags & F_INVERT) ? "<=" : ">", c->limit);
}

/* nf_conncount's already_closed(). */
static bool closed(const struct upt_ct *ct)
{
	return ct->tuple[UPT_CT_DIR_ORIGINAL].proto == UPT_IPPROTO_TCP &&
	       (ct->proto.tcp.state == UPT_TCP_TIME_WAIT || ct->proto.tcp.state == UPT_TCP_CLOSE);
}

static bool same_list(const struct connlimit_slot *s, uint32_t key, uint16_t zone)
{
	return s->tuple.proto != 0 && s->key == key && s->tuple.zone == zone;
}

/* Drop every listed connection that is gone or closed; the slot count left in use. */
static void collect_all(struct connlimit_data *c, struct upt_ct_table *t)
{
	enum upt_ct_dir dir;
	uint32_t i, top = 0;

	for (i = 0; i < c->nused; i++) {
		struct connlimit_slot *s = &c->slot[i];
		struct upt_ct *ct;

		if (s->tuple.proto == 0)
			continue;
		ct = upt_ct_find(t, &s->tuple, &dir);
		if (!ct || closed(ct))
			s->tuple.proto = 0;
		else
			top = i + 1;
	}
	c->nused = top;
}

static bool connlimit_match(const void *data, struct upt_xt_pkt *p)
{
	/* The compiled ruleset's own copy of the block: its list is ours to change. */
	struct connlimit_data *c = (struct connlimit_data *)(uintptr_t)data;
	struct upt_ct_table *t = upt_xt_ct_table(p);
	struct upt_tuple tu;
	enum upt_ct_dir dir;
	uint32_t key, count = 0, i, free_slot = CONNLIMIT_SLOTS;
	bool listed = false;

	if (p->ct)
		tu = p->ct->tuple[p->ctdir];
	else if (!upt_tuple_from_pkt(p->d, 0, &tu))
		goto hotdrop;
	if (tu.proto == 0)
		goto hotdrop; /* cannot be listed (0 marks a free slot) */
	key = ((c->flags & F_DADDR) ? p->d->daddr : p->d->saddr) & c->mask;

	for (i = 0; i < c->nused; i++) {
		struct connlimit_slot *s = &c->slot[i];
		struct upt_ct *ct;

		if (!same_list(s, key, tu.zone)) {
			if (s->tuple.proto == 0 && free_slot == CONNLIMIT_SLOTS)
				free_slot = i;
			continue;
		}
		if (upt_tuple_eq(&s->tuple, &tu)) {
			listed = true;
			count++;
			continue;
		}
		ct = upt_ct_find(t, &s->tuple, &dir);
		if (!ct || closed(ct)) {
			s->tuple.proto = 0;
			if (free_slot == CONNLIMIT_SLOTS)
				free_slot = i;
			continue;
		}
		count++;
	}
	if (!listed) {
		if (free_slot == CONNLIMIT_SLOTS && c->nused < CONNLIMIT_SLOTS)
			free_slot = c->nused;
		if (free_slot == CONNLIMIT_SLOTS) {
			collect_all(c, t);
			free_slot = c->nused < CONNLIMIT_SLOTS ? c->nused : CONNLIMIT_SLOTS;
			for (i = 0; i < c->nused && free_slot == CONNLIMIT_SLOTS; i++)
				if (c->slot[i].tuple.proto == 0)
					free_slot = i;
		}
		if (free_slot == CONNLIMIT_SLOTS)
			goto hotdrop;
		c->slot[free_slot].tuple = tu;
		c->slot[free_slot].key = key;
		if (free_slot >= c->nused)
			c->nused = free_slot + 1;
		count++;
	}
	return (count > c->limit) != !!(c->flags & F_INVERT);
hotdrop:
	p->hotdrop = true;
	return false;
}

const struct upt_match_ops upt_match_connlimit = {
    .name = "connlimit",
    .needs_conntrack = true,
    .size = sizeof(struct connlimit_data),
    .options = connlimit_opts,
    .init = connlimit_init,
    .parse = connlimit_parse,
    .check = connlimit_check,
    .save = connlimit_save,
    .print = connlimit_print,
    .match = connlimit_match,
};

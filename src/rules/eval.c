// SPDX-License-Identifier: GPL-2.0
/*
 * Running a compiled table for one packet: the kernel's ipt_do_table.
 *
 * Theory of operation.  Start at the hook's built-in chain.  For each
 * entry: the ip part (addresses under mask, interfaces with '+' prefix
 * wildcards, protocol, -f = non-first fragment, each with its `!`), then
 * the matches in order; a match that sets hotdrop ends the walk with DROP
 * at once.  When everything matched, the entry's counter takes the packet
 * (1, IPv4 total length) and its target decides:
 *   - ACCEPT / DROP end the walk; QUEUE drops, as the kernel does with no
 *     queue listener;
 *   - a jump pushes the current position (the stack is UPT_JUMP_DEPTH deep,
 *     which the load-time depth check guarantees is enough; overflowing it
 *     drops, as the kernel does);
 *   - a goto moves without pushing;
 *   - RETURN, and falling off a user chain, pop the stack; with the stack
 *     empty (RETURN in a built-in chain, or the end of a chain reached by
 *     goto from one) the built-in chain's policy applies;
 *   - a target extension's verdict ends the walk unless it is CONTINUE.
 * A built-in chain's end entry is its policy and counts the packets it
 * decides.  No allocation, no clock, no output but the trace callback.
 */
#include <string.h>

#include "rules/compiled.h"
#include "rules/rules.h"

static bool iface_match(const char *have, const char *want, uint8_t cmp, bool wild)
{
	if (!have)
		have = "";
	if (wild)
		return strncmp(have, want, cmp) == 0;
	return strcmp(have, want) == 0;
}

static bool ip_match(const struct upt_centry *e, const struct upt_xt_pkt *p)
{
	const struct upt_ipspec *ip = &e->ip;
	const struct upt_pdesc *d = p->d;
	uint8_t inv = ip->invflags;

	if ((((d->saddr & ip->smsk) != ip->src)) != !!(inv & UPT_INV_SRCIP))
		return false;
	if ((((d->daddr & ip->dmsk) != ip->dst)) != !!(inv & UPT_INV_DSTIP))
		return false;
	if (ip->iniface[0] && !iface_match(p->in_name, ip->iniface, e->in_cmp, e->in_wild) !=
				  !!(inv & UPT_INV_VIA_IN))
		return false;
	if (ip->outiface[0] && !iface_match(p->out_name, ip->outiface, e->out_cmp, e->out_wild) !=
				   !!(inv & UPT_INV_VIA_OUT))
		return false;
	if (ip->proto && (d->proto != ip->proto) != !!(inv & UPT_INV_PROTO))
		return false;
	if ((ip->flags & UPT_IPF_FRAG) && !(d->frag_off & UPT_IP_OFFMASK) != !!(inv & UPT_INV_FRAG))
		return false;
	return true;
}

static void trace(struct upt_xt_pkt *p, const struct upt_ctable *ct, unsigned kind,
		  const struct upt_centry *e, uint32_t idx, const char *text)
{
	struct upt_trace_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = (uint8_t)kind;
	ev.hook = p->hook;
	ev.table = p->table;
	ev.chain = ct->names[e->chain];
	ev.rulenum = kind == UPT_TRACE_CHAIN ? 0 : e->rulenum;
	ev.text = text;
	if (kind == UPT_TRACE_RULE || kind == UPT_TRACE_POLICY) {
		ev.pkts = ct->ctr[idx].pkts;
		ev.bytes = ct->ctr[idx].bytes;
	}
	p->trace(p->trace_ctx, &ev);
}

static void trace_chain(struct upt_xt_pkt *p, const struct upt_ctable *ct, uint32_t idx)
{
	if (p->trace)
		trace(p, ct, UPT_TRACE_CHAIN, &ct->e[idx], idx, NULL);
}

static unsigned drop(struct upt_xt_pkt *p, unsigned reason)
{
	p->drop_reason = (uint16_t)reason;
	return UPT_V_DROP;
}

unsigned upt_ruleset_run(struct upt_ruleset *set, enum upt_table table, enum upt_hook hook,
			 struct upt_xt_pkt *p)
{
	uint32_t stack[UPT_JUMP_DEPTH];
	unsigned sp = 0;

	if (!set || (unsigned)table >= UPT_TABLE__COUNT || (unsigned)hook >= UPT_HOOK__COUNT)
		return UPT_V_ACCEPT;
	struct upt_ctable *ct = &set->t[table];
	if (!ct->present || ct->hook_entry[hook] == UPT_NO_ENTRY)
		return UPT_V_ACCEPT;

	p->hook = (uint8_t)hook;
	p->table = (uint8_t)table;
	p->hotdrop = false;
	uint32_t i = ct->hook_entry[hook];
	const uint32_t underflow = ct->hook_underflow[hook];
	trace_chain(p, ct, i);

	for (;;) {
		const struct upt_centry *e = &ct->e[i];

		if (e->kind == UPT_CE_END) {
			if (e->tkind == UPT_RT_RETURN) {
				/* Fell off a user chain. */
				if (p->trace)
					trace(p, ct, UPT_TRACE_RETURN, e, i, NULL);
				i = sp ? stack[--sp] + 1 : underflow;
				continue;
			}
			if (!e->uncounted) {
				ct->ctr[i].pkts++;
				ct->ctr[i].bytes += p->d->ip_len;
			}
			if (p->trace)
				trace(p, ct, UPT_TRACE_POLICY, e, i,
				      e->tkind == UPT_RT_DROP ? "DROP" : "ACCEPT");
			if (e->tkind == UPT_RT_DROP)
				return drop(p, UPT_DROP_POLICY_DROP);
			return UPT_V_ACCEPT;
		}

		bool ok = ip_match(e, p);
		for (unsigned k = 0; ok && k < e->nmatches; k++) {
			ok = e->matches[k].ops->match(e->matches[k].data, p);
			if (p->hotdrop)
				return drop(p, UPT_DROP_RULE_HOTDROP);
		}
		if (!ok) {
			i++;
			continue;
		}

		ct->ctr[i].pkts++;
		ct->ctr[i].bytes += p->d->ip_len;
		if (p->trace)
			trace(p, ct, UPT_TRACE_RULE, e, i, e->text);

		switch (e->tkind) {
		case UPT_RT_NONE:
			i++;
			break;
		case UPT_RT_ACCEPT:
			return UPT_V_ACCEPT;
		case UPT_RT_DROP:
			return drop(p, UPT_DROP_RULE_DROP);
		case UPT_RT_QUEUE:
			return drop(p, UPT_DROP_RULE_UNSUPPORTED);
		case UPT_RT_RETURN:
			if (p->trace && !ct->builtin[e->chain])
				trace(p, ct, UPT_TRACE_RETURN, e, i, NULL);
			i = sp ? stack[--sp] + 1 : underflow;
			break;
		case UPT_RT_JUMP:
			if (sp >= UPT_JUMP_DEPTH)
				return drop(p, UPT_DROP_INTERNAL);
			stack[sp++] = i;
			i = e->jump;
			trace_chain(p, ct, i);
			break;
		case UPT_RT_GOTO:
			i = e->jump;
			trace_chain(p, ct, i);
			break;
		case UPT_RT_EXT: {
			unsigned v = e->tops->target(e->tdata, p);
			if (v == UPT_V_CONTINUE) {
				i++;
				break;
			}
			if (v == UPT_V_DROP && p->drop_reason == UPT_DROP_NONE)
				p->drop_reason = UPT_DROP_RULE_DROP;
			return v;
		}
		default:
			return drop(p, UPT_DROP_INTERNAL);
		}
	}
}

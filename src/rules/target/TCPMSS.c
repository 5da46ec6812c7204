/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j TCPMSS --set-mss N | --clamp-mss-to-pmtu: the kernel's xt_TCPMSS.c
 * for IPv4.  Needs `-p tcp`.  Of the two options the last one given wins
 * (libxt_TCPMSS); --clamp-mss-to-pmtu only in FORWARD, OUTPUT and
 * POSTROUTING (tcpmss_tg4_check): checked at parse time for a built-in
 * chain, and for user chains when the ruleset is compiled (hooks_of), so a
 * clamp rule reachable from PREROUTING or INPUT is refused as x_tables
 * refuses it (iptables-nft 1.8.9 on kernel 6.18 was seen to accept the
 * user-chain case; before routing there is no path MTU to clamp to).  iptables-nft, the reference
 * here, does not ask for a
 * `--tcp-flags SYN` match as the legacy kernel check does.
 *
 * On a packet (tcpmss_mangle_packet):
 *   - a non-first fragment passes untouched; a header shorter than 20
 *     bytes or longer than the packet drops it;
 *   - clamp: the MSS is min(egress MTU, MTU of the route back to the
 *     source) - 40; an unknown or too small MTU drops the packet;
 *   - an MSS option (kind 2, length 4) found in the option walk is lowered
 *     to the new value, never raised;
 *   - without one, when the segment has no data and the header has room,
 *     an MSS option of min(new, 536) (RFC 1122's default) is inserted
 *     after the fixed header; IP length and both checksums follow.
 * The frame grows by 4 bytes in place, within the caller's buffer
 * (upt_xt_pkt.frame_cap); with no room the packet is dropped, as the
 * kernel drops it when it cannot expand the buffer.
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_SET_MSS, O_CLAMP_MSS };

#define MSS_CLAMP_PMTU 0xffff /* XT_TCPMSS_CLAMP_PMTU */
#define MSS_MAX	       65515  /* 65535 - 20, libxt_TCPMSS for IPv4 */
#define MIN_HEADERS    40     /* IPv4 + TCP headers: the kernel's minlen */
#define MSS_DEFAULT    536    /* RFC 1122 */

struct tcpmss_tg_data {
	uint16_t mss; /* MSS_CLAMP_PMTU: clamp */
	uint8_t given;
};

static const struct upt_xt_option tcpmss_tg_opts[] = {
    {"set-mss", O_SET_MSS, UPT_XTOPT_ARG},
    {"clamp-mss-to-pmtu", O_CLAMP_MSS, 0},
    {NULL, 0, 0},
};

static void tcpmss_tg_init(void *data)
{
	memset(data, 0, sizeof(struct tcpmss_tg_data));
}

static int tcpmss_tg_parse(void *data, unsigned id, bool invert, const char *arg,
			   struct upt_xt_parse *p)
{
	struct tcpmss_tg_data *t = data;
	uint64_t v;

	(void)invert;
	if (id == O_SET_MSS) {
		if (!upt_xtu_strtoul(arg, NULL, 0, MSS_MAX, &v))
			return upt_xt_error(p,
					    "TCPMSS: bad value for option \"--set-mss\", or out of "
					    "range (0-65515).");
		t->mss = (uint16_t)v;
	} else if (id == O_CLAMP_MSS) {
		t->mss = MSS_CLAMP_PMTU;
	} else {
		return -EINVAL;
	}
	t->given = 1;
	return 0;
}

#define CLAMP_HOOKS                                                                                \
	((1u << UPT_HOOK_FORWARD) | (1u << UPT_HOOK_LOCAL_OUT) | (1u << UPT_HOOK_POST_ROUTING))

static uint32_t tcpmss_tg_hooks_of(const void *data)
{
	const struct tcpmss_tg_data *t = data;

	return t->mss == MSS_CLAMP_PMTU ? CLAMP_HOOKS : 0;
}

static int tcpmss_tg_check(void *data, struct upt_xt_parse *p)
{
	const struct tcpmss_tg_data *t = data;
	uint32_t ok_hooks = CLAMP_HOOKS;

	if (!t->given)
		return upt_xt_error(p, "TCPMSS target: At least one parameter is required");
	if (p->proto != UPT_IPPROTO_TCP || p->proto_invert)
		return upt_xt_error(p, "TCPMSS target: only valid for `-p tcp'");
	if (t->mss == MSS_CLAMP_PMTU && (p->hooks & ~ok_hooks))
		return upt_xt_error(p,
				    "TCPMSS: path-MTU clamping only supported in FORWARD, OUTPUT "
				    "and POSTROUTING hooks");
	return 0;
}

static void tcpmss_tg_save(const void *data, struct upt_sb *sb)
{
	const struct tcpmss_tg_data *t = data;

	if (t->mss == MSS_CLAMP_PMTU)
		upt_sb_puts(sb, " --clamp-mss-to-pmtu");
	else
		upt_sb_printf(sb, " --set-mss %u", t->mss);
}

static void tcpmss_tg_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct tcpmss_tg_data *t = data;

	(void)flags;
	if (t->mss == MSS_CLAMP_PMTU)
		upt_sb_puts(sb, " TCPMSS clamp to PMTU");
	else
		upt_sb_printf(sb, " TCPMSS set %u", t->mss);
}

/* The new MSS; 0 with *drop set when the path MTU is unknown or too small. */
static uint16_t target_mss(const struct tcpmss_tg_data *t, struct upt_xt_pkt *p, bool *drop)
{
	uint32_t mtu, back;

	if (t->mss != MSS_CLAMP_PMTU)
		return t->mss;
	mtu = p->out_ifindex ? upt_xt_if_mtu(p, p->out_ifindex) : 0;
	back = upt_xt_route_mtu(p, p->d->saddr);
	if (back && back < mtu)
		mtu = back;
	if (mtu <= MIN_HEADERS) {
		*drop = true;
		return 0;
	}
	return (uint16_t)(mtu - MIN_HEADERS > 0xffff ? 0xffff : mtu - MIN_HEADERS);
}

static unsigned drop_it(struct upt_xt_pkt *p)
{
	p->drop_reason = UPT_DROP_TCPMSS_DROP;
	return UPT_V_DROP;
}

static unsigned tcpmss_tg_target(const void *data, struct upt_xt_pkt *p)
{
	const struct tcpmss_tg_data *t = data;
	struct upt_pdesc *d = p->d;
	uint32_t th = d->l4_off, seg = d->ip_len - d->l3_len, hdr, i;
	uint8_t doff, kind, len, opt[4];
	uint16_t newmss, oldmss;
	bool drop = false;

	if (d->frag_off & UPT_IP_OFFMASK)
		return UPT_V_CONTINUE;
	if (seg < 20 || !upt_pkt_load8(d, th + 12, &doff))
		return drop_it(p);
	hdr = (uint32_t)(doff >> 4) * 4;
	if (seg < hdr || hdr < 20 || th + hdr > d->frame_len)
		return drop_it(p);
	newmss = target_mss(t, p, &drop);
	if (drop)
		return drop_it(p);
	/* The option walk of tcpmss_mangle_packet: 1-byte kinds 0/1, others by length. */
	for (i = 20; i + 4 <= hdr;) {
		(void)upt_pkt_load8(d, th + i, &kind);
		(void)upt_pkt_load8(d, th + i + 1, &len);
		if (kind == 2 && len == 4) {
			(void)upt_pkt_load16(d, th + i + 2, &oldmss);
			if (oldmss <= newmss)
				return UPT_V_CONTINUE;
			opt[0] = (uint8_t)(newmss >> 8);
			opt[1] = (uint8_t)newmss;
			if (!upt_pdesc_write_l4(d, th + i + 2, opt, 2))
				return drop_it(p);
			return UPT_V_CONTINUE;
		}
		i += (kind < 2 || len == 0) ? 1 : len;
	}
	/* No MSS option: add one only to a segment without data whose header has room. */
	if (seg > hdr || hdr >= 60)
		return UPT_V_CONTINUE;
	if (newmss > MSS_DEFAULT)
		newmss = MSS_DEFAULT;
	opt[0] = 2;
	opt[1] = 4;
	opt[2] = (uint8_t)(newmss >> 8);
	opt[3] = (uint8_t)newmss;
	if (!upt_pdesc_tcp_insert_option(d, p->frame_cap, opt, 4))
		return drop_it(p);
	return UPT_V_CONTINUE;
}

const struct upt_target_ops upt_target_TCPMSS = {
    .name = "TCPMSS",
    .size = sizeof(struct tcpmss_tg_data),
    .options = tcpmss_tg_opts,
    .init = tcpmss_tg_init,
    .parse = tcpmss_tg_parse,
    .check = tcpmss_tg_check,
    .save = tcpmss_tg_save,
    .print = tcpmss_tg_print,
    .target = tcpmss_tg_target,
    .hooks_of = tcpmss_tg_hooks_of,
};

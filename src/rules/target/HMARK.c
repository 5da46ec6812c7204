/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j HMARK: the kernel's xt_HMARK.c for IPv4, which sets the packet mark to
 * a hash of the flow, for spreading flows over N marks (policy routing,
 * clusters): mark = reciprocal_scale(hash, --hmark-mod) + --hmark-offset.
 *
 * Options as libxt_HMARK: --hmark-src-prefix/--hmark-dst-prefix (see
 * parse_plenmask),
 * --hmark-sport-mask/--hmark-dport-mask/--hmark-sport/--hmark-dport and
 * --hmark-proto-mask 16-bit, --hmark-spi-mask/--hmark-spi/--hmark-rnd/
 * --hmark-mod (>= 1)/--hmark-offset 32-bit; --hmark-tuple LIST with items
 * ct, src, dst, sport, dport, proto, spi (case-insensitive, and, as
 * iptables compares with strncasecmp over the item's length, any prefix of
 * them: "s" is src) sets the corresponding mask to all ones (ct: hash the
 * conntrack tuple).  --hmark-mod and --hmark-rnd are required, one of the
 * tuple/mask options too; the SPI mask excludes the port masks.  Saved in
 * the fixed order of libxt_HMARK's save (prefixes, port masks, spi mask,
 * port/spi values, proto mask, rnd, mod, offset, "--hmark-tuple ct"), masks
 * as 0x%04x/0x%08x/0x%02x.  The kernel also refuses --hmark-spi with
 * --hmark-sport/--hmark-dport: refused when the table is validated (kcheck).
 *
 * Hash (hmark_tg_v4):
 *   - addresses: the packet's (for an ICMP error, those of the header it
 *     quotes), each under its prefix mask; with ct, the original source
 *     and the reply source (the translated destination);
 *   - ports: the 4 bytes at the transport header (ESP: the SPI; AH: 4 bytes
 *     further) for TCP, UDP, UDP-Lite, DCCP, SCTP, ESP and AH, not for
 *     ICMP, not for any fragment; with ct, the original source port and the
 *     reply source port.  As a 32-bit number R = sport << 16 | dport:
 *     (R & portmask) | portset, whose halves are then ordered high = larger;
 *   - jhash of (min addr, max addr, ports) with --hmark-rnd as the initial
 *     value, XOR (protocol & proto-mask), so both directions hash the same.
 * With ct and no conntrack entry (INVALID, UNTRACKED) the mark is left
 * alone.  The rule walk goes on (XT_CONTINUE).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "nat/jhash.h"
#include "rules/ext.h"
#include "rules/xt_util.h"

/* Option ids are the kernel's XT_HMARK_* flag bits (as libxt_HMARK's), plus the tuple. */
enum {
	O_SADDR_MASK,
	O_DADDR_MASK,
	O_SPI,
	O_SPI_MASK,
	O_SPORT,
	O_DPORT,
	O_SPORT_MASK,
	O_DPORT_MASK,
	O_PROTO_MASK,
	O_RND,
	O_MODULUS,
	O_OFFSET,
	O_CT,
	O_TUPLE,
};

#define F(o) (1u << (o))
#define F_PKT_MASK                                                                                 \
	(F(O_SADDR_MASK) | F(O_DADDR_MASK) | F(O_SPI_MASK) | F(O_SPORT_MASK) | F(O_DPORT_MASK) |   \
	 F(O_PROTO_MASK) | F(O_SPORT) | F(O_DPORT) | F(O_SPI))

#define IPPROTO_DCCP	33
#define IPPROTO_ESP	50
#define IPPROTO_AH	51
#define IPPROTO_SCTP	132
#define IPPROTO_UDPLITE 136

struct hmark_data {
	uint32_t src_mask, dst_mask;  /* host order */
	uint32_t port_mask, port_set; /* sport << 16 | dport, or the SPI */
	uint32_t flags;		      /* F(O_*) of what was given */
	uint16_t proto_mask;
	uint32_t hashrnd, hmodulus, hoffset;
};

static const struct upt_xt_option hmark_opts[] = {
    {"hmark-tuple", O_TUPLE, UPT_XTOPT_ARG},
    {"hmark-src-prefix", O_SADDR_MASK, UPT_XTOPT_ARG},
    {"hmark-dst-prefix", O_DADDR_MASK, UPT_XTOPT_ARG},
    {"hmark-sport-mask", O_SPORT_MASK, UPT_XTOPT_ARG},
    {"hmark-dport-mask", O_DPORT_MASK, UPT_XTOPT_ARG},
    {"hmark-spi-mask", O_SPI_MASK, UPT_XTOPT_ARG},
    {"hmark-sport", O_SPORT, UPT_XTOPT_ARG},
    {"hmark-dport", O_DPORT, UPT_XTOPT_ARG},
    {"hmark-spi", O_SPI, UPT_XTOPT_ARG},
    {"hmark-proto-mask", O_PROTO_MASK, UPT_XTOPT_ARG},
    {"hmark-rnd", O_RND, UPT_XTOPT_ARG},
    {"hmark-mod", O_MODULUS, UPT_XTOPT_ARG},
    {"hmark-offset", O_OFFSET, UPT_XTOPT_ARG},
    {NULL, 0, 0},
};

static const char *opt_name(unsigned id)
{
	for (const struct upt_xt_option *o = hmark_opts; o->name; o++)
		if (o->id == id)
			return o->name;
	return "?";
}

static void hmark_init(void *data)
{
	memset(data, 0, sizeof(struct hmark_data));
}

static uint32_t plen_mask(unsigned plen)
{
	return plen ? 0xffffffffu << (32 - plen) : 0;
}

/*
 * --hmark-src-prefix/--hmark-dst-prefix (XTTYPE_PLENMASK): a prefix length,
 * taken by iptables 1.8.9 up to 128 (the IPv6 width; an IPv4 rule keeps
 * the first 32 bits, so 33..128 save as 32), or a dotted mask.  A mask
 * that is not a prefix is refused here (iptables keeps it and lists a
 * prefix that would not read back as the same mask).
 */
static int parse_plenmask(const char *arg, uint32_t *mask)
{
	uint64_t v;

	if (upt_xtu_strtoul(arg, NULL, 0, 128, &v)) {
		*mask = plen_mask(v > 32 ? 32 : (unsigned)v);
		return 0;
	}
	if (!upt_xtu_parse_ipv4(arg, mask) || (*mask & (~*mask >> 1)))
		return -EINVAL;
	return 0;
}

/* One --hmark-tuple item of `len` characters: its mask all ones. */
static bool tuple_item(struct hmark_data *h, const char *s, size_t len)
{
	if (strncasecmp(s, "ct", len) == 0) {
		h->flags |= F(O_CT);
	} else if (strncasecmp(s, "src", len) == 0) {
		h->src_mask = 0xffffffffu;
		h->flags |= F(O_SADDR_MASK);
	} else if (strncasecmp(s, "dst", len) == 0) {
		h->dst_mask = 0xffffffffu;
		h->flags |= F(O_DADDR_MASK);
	} else if (strncasecmp(s, "sport", len) == 0) {
		h->port_mask |= 0xffff0000u;
		h->flags |= F(O_SPORT_MASK);
	} else if (strncasecmp(s, "dport", len) == 0) {
		h->port_mask |= 0x0000ffffu;
		h->flags |= F(O_DPORT_MASK);
	} else if (strncasecmp(s, "proto", len) == 0) {
		h->proto_mask = 0xffff;
		h->flags |= F(O_PROTO_MASK);
	} else if (strncasecmp(s, "spi", len) == 0) {
		h->port_mask = 0xffffffffu;
		h->flags |= F(O_SPI_MASK);
	} else {
		return false;
	}
	return true;
}

static int parse_tuple(struct hmark_data *h, const char *arg, struct upt_xt_parse *p)
{
	const char *s = arg, *comma;

	while ((comma = strchr(s, ',')) != NULL) {
		if (comma == s || !tuple_item(h, s, (size_t)(comma - s)))
			return upt_xt_error(p, "Bad type \"%s\"", s);
		s = comma + 1;
	}
	if (!*s)
		return upt_xt_error(p, "\"--hmark-tuple\" requires a list of types with no spaces, "
				       "e.g. src,dst,sport,dport,proto");
	if (!tuple_item(h, s, strlen(s)))
		return upt_xt_error(p, "Bad type \"%s\"", s);
	return 0;
}

static int hmark_parse(void *data, unsigned id, bool invert, const char *arg,
		       struct upt_xt_parse *p)
{
	struct hmark_data *h = data;
	uint64_t max, min = 0, v;

	(void)invert;
	if (id == O_TUPLE)
		return parse_tuple(h, arg, p);
	if (id == O_SADDR_MASK || id == O_DADDR_MASK) {
		uint32_t m;

		if (parse_plenmask(arg, &m) < 0)
			return upt_xt_error(p,
					    "HMARK: bad value for option \"--%s\", neither a valid "
					    "network mask nor valid CIDR (0-32).",
					    opt_name(id));
		if (id == O_SADDR_MASK)
			h->src_mask = m;
		else
			h->dst_mask = m;
		h->flags |= F(id);
		return 0;
	}
	switch (id) {
	case O_SPORT_MASK:
	case O_DPORT_MASK:
	case O_SPORT:
	case O_DPORT:
	case O_PROTO_MASK:
		max = 0xffff;
		break;
	case O_MODULUS:
		min = 1;
		max = UINT32_MAX;
		break;
	case O_SPI_MASK:
	case O_SPI:
	case O_RND:
	case O_OFFSET:
		max = UINT32_MAX;
		break;
	default:
		return -EINVAL;
	}
	if (!upt_xtu_strtoul(arg, NULL, min, max, &v))
		return upt_xt_error(
		    p, "HMARK: bad value for option \"--%s\", or out of range (%u-%llu).",
		    opt_name(id), (unsigned)min, (unsigned long long)max);
	switch (id) {
	case O_SPORT_MASK:
		h->port_mask = (h->port_mask & 0xffffu) | (uint32_t)v << 16;
		break;
	case O_DPORT_MASK:
		h->port_mask = (h->port_mask & 0xffff0000u) | (uint32_t)v;
		break;
	case O_SPORT:
		h->port_set = (h->port_set & 0xffffu) | (uint32_t)v << 16;
		break;
	case O_DPORT:
		h->port_set = (h->port_set & 0xffff0000u) | (uint32_t)v;
		break;
	case O_SPI_MASK:
		h->port_mask = (uint32_t)v;
		break;
	case O_SPI:
		h->port_set = (uint32_t)v;
		break;
	case O_PROTO_MASK:
		h->proto_mask = (uint16_t)v;
		break;
	case O_RND:
		h->hashrnd = (uint32_t)v;
		break;
	case O_MODULUS:
		h->hmodulus = (uint32_t)v;
		break;
	default:
		h->hoffset = (uint32_t)v;
		break;
	}
	h->flags |= F(id);
	return 0;
}

static int hmark_check(void *data, struct upt_xt_parse *p)
{
	const struct hmark_data *h = data;

	if (!(h->flags & F(O_MODULUS)))
		return upt_xt_error(p, "--hmark-mod is mandatory");
	if (!(h->flags & F(O_RND)))
		return upt_xt_error(p, "--hmark-rnd is mandatory");
	if ((h->flags & F(O_SPI_MASK)) && (h->flags & (F(O_SPORT_MASK) | F(O_DPORT_MASK))))
		return upt_xt_error(p, "you cannot use --hmark-spi-mask and --hmark-?port-mask,at "
				       "the same time");
	if (!(h->flags & (F_PKT_MASK | F(O_CT))))
		return upt_xt_error(p, "you have to specify --hmark-tuple at least");
	return 0;
}

/* The kernel's hmark_tg_check (what iptables itself lets through). */
static int hmark_kcheck(const void *data, uint8_t proto, bool proto_invert, char *why,
			size_t whylen)
{
	const struct hmark_data *h = data;

	(void)proto, (void)proto_invert;
	if ((h->flags & F(O_SPI)) && (h->flags & (F(O_SPORT) | F(O_DPORT)))) {
		snprintf(why, whylen, "xt_HMARK: spi-set and port-set can't be combined");
		return -EINVAL;
	}
	return 0;
}

static unsigned prefix_len(uint32_t mask)
{
	unsigned n = 0;

	while (n < 32 && (mask & (0x80000000u >> n)))
		n++;
	return n;
}

static void hmark_save(const void *data, struct upt_sb *sb)
{
	const struct hmark_data *h = data;

	if (h->flags & F(O_SADDR_MASK))
		upt_sb_printf(sb, " --hmark-src-prefix %u", prefix_len(h->src_mask));
	if (h->flags & F(O_DADDR_MASK))
		upt_sb_printf(sb, " --hmark-dst-prefix %u", prefix_len(h->dst_mask));
	if (h->flags & F(O_SPORT_MASK))
		upt_sb_printf(sb, " --hmark-sport-mask 0x%04x", h->port_mask >> 16);
	if (h->flags & F(O_DPORT_MASK))
		upt_sb_printf(sb, " --hmark-dport-mask 0x%04x", h->port_mask & 0xffffu);
	if (h->flags & F(O_SPI_MASK))
		upt_sb_printf(sb, " --hmark-spi-mask 0x%08x", h->port_mask);
	if (h->flags & F(O_SPORT))
		upt_sb_printf(sb, " --hmark-sport 0x%04x", h->port_set >> 16);
	if (h->flags & F(O_DPORT))
		upt_sb_printf(sb, " --hmark-dport 0x%04x", h->port_set & 0xffffu);
	if (h->flags & F(O_SPI))
		upt_sb_printf(sb, " --hmark-spi 0x%08x", h->port_set);
	if (h->flags & F(O_PROTO_MASK))
		upt_sb_printf(sb, " --hmark-proto-mask 0x%02x", h->proto_mask);
	if (h->flags & F(O_RND))
		upt_sb_printf(sb, " --hmark-rnd 0x%08x", h->hashrnd);
	if (h->flags & F(O_MODULUS))
		upt_sb_printf(sb, " --hmark-mod %u", h->hmodulus);
	if (h->flags & F(O_OFFSET))
		upt_sb_printf(sb, " --hmark-offset %u", h->hoffset);
	if (h->flags & F(O_CT))
		upt_sb_puts(sb, " --hmark-tuple ct");
}

static void hmark_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct hmark_data *h = data;

	(void)flags;
	upt_sb_puts(sb, " HMARK ");
	if (h->flags & F(O_MODULUS))
		upt_sb_printf(sb, "mod %u ", h->hmodulus);
	if (h->flags & F(O_OFFSET))
		upt_sb_printf(sb, "+ 0x%x ", h->hoffset);
	if (h->flags & F(O_CT))
		upt_sb_puts(sb, "ct, ");
	if (h->flags & F(O_SADDR_MASK))
		upt_sb_printf(sb, "src-prefix %u ", prefix_len(h->src_mask));
	if (h->flags & F(O_DADDR_MASK))
		upt_sb_printf(sb, "dst-prefix %u ", prefix_len(h->dst_mask));
	if (h->flags & F(O_SPORT_MASK))
		upt_sb_printf(sb, "sport-mask 0x%x ", h->port_mask >> 16);
	if (h->flags & F(O_DPORT_MASK))
		upt_sb_printf(sb, "dport-mask 0x%x ", h->port_mask & 0xffffu);
	if (h->flags & F(O_SPI_MASK))
		upt_sb_printf(sb, "spi-mask 0x%x ", h->port_mask);
	if (h->flags & F(O_SPORT))
		upt_sb_printf(sb, "sport 0x%x ", h->port_set >> 16);
	if (h->flags & F(O_DPORT))
		upt_sb_printf(sb, "dport 0x%x ", h->port_set & 0xffffu);
	if (h->flags & F(O_SPI))
		upt_sb_printf(sb, "spi 0x%x ", h->port_set);
	if (h->flags & F(O_PROTO_MASK))
		upt_sb_printf(sb, "proto-mask 0x%x ", h->proto_mask);
	if (h->flags & F(O_RND))
		upt_sb_printf(sb, "rnd 0x%x ", h->hashrnd);
}

/* hmark_swap_ports: mask, set, then the larger half high. */
static uint32_t order_ports(const struct hmark_data *h, uint32_t raw)
{
	uint32_t v = (raw & h->port_mask) | h->port_set;
	uint32_t src = v >> 16, dst = v & 0xffffu;

	return dst > src ? dst << 16 | src : src << 16 | dst;
}

/* proto_ports_offset(): where the 4 port bytes are; -1 for protocols without. */
static int ports_offset(uint8_t proto)
{
	switch (proto) {
	case UPT_IPPROTO_TCP:
	case UPT_IPPROTO_UDP:
	case IPPROTO_DCCP:
	case IPPROTO_ESP:
	case IPPROTO_SCTP:
	case IPPROTO_UDPLITE:
		return 0;
	case IPPROTO_AH:
		return 4;
	default:
		return -1;
	}
}

static bool is_icmp_error(uint8_t type)
{
	return type == UPT_ICMP_DEST_UNREACH || type == UPT_ICMP_SOURCE_QUENCH ||
	       type == UPT_ICMP_TIME_EXCEEDED || type == UPT_ICMP_PARAMETERPROB ||
	       type == UPT_ICMP_REDIRECT;
}

/* Big-endian load of n (1, 2, 4) bytes at off, within the IP packet (the skb ends at its
 * total length; Ethernet padding is not part of it). */
static bool ld(const struct upt_pdesc *d, uint32_t off, unsigned n, uint32_t *v)
{
	uint32_t end = (uint32_t)d->l2_len + d->ip_len;

	if (end > d->frame_len)
		end = d->frame_len;
	if (off > end || n > end - off)
		return false;
	*v = 0;
	for (unsigned i = 0; i < n; i++)
		*v = *v << 8 | d->frame[off + i];
	return true;
}

/* hmark_pkt_set_htuple_ipv4; false when the quoted header is missing (mark untouched). */
static bool pkt_tuple(const struct hmark_data *h, const struct upt_pdesc *d, uint32_t k[3],
		      uint8_t *proto)
{
	uint32_t nh = d->l2_len, ihl = d->l3_len, type, v, frag = 0, ports;
	int off;

	*proto = d->proto;
	if (d->proto == UPT_IPPROTO_ICMP && ld(d, nh + ihl, 4, &v) && ld(d, nh + ihl + 4, 4, &v) &&
	    ld(d, nh + ihl, 1, &type) && is_icmp_error((uint8_t)type)) {
		/* An ICMP error: the header it quotes. */
		nh += ihl + 8;
		if (!ld(d, nh, 4, &v) || !ld(d, nh + 16, 4, &v))
			return false;
		ld(d, nh, 1, &v);
		ihl = (v & 0x0f) * 4;
		ld(d, nh + 9, 1, &v);
		*proto = (uint8_t)v;
	}
	k[0] = k[1] = 0;
	ld(d, nh + 12, 4, &k[0]);
	ld(d, nh + 16, 4, &k[1]);
	ld(d, nh + 6, 2, &frag);
	k[0] &= h->src_mask;
	k[1] &= h->dst_mask;
	k[2] = 0;
	if (*proto == UPT_IPPROTO_ICMP || (frag & (UPT_IP_MF | UPT_IP_OFFMASK)))
		return true;
	off = ports_offset(*proto);
	if (off >= 0 && ld(d, nh + ihl + (uint32_t)off, 4, &ports))
		k[2] = order_ports(h, ports);
	return true;
}

static bool ct_tuple(const struct hmark_data *h, const struct upt_ct *ct, uint32_t k[3],
		     uint8_t *proto)
{
	const struct upt_tuple *o = &ct->tuple[UPT_CT_DIR_ORIGINAL];
	const struct upt_tuple *r = &ct->tuple[UPT_CT_DIR_REPLY];

	k[0] = o->src & h->src_mask;
	k[1] = r->src & h->dst_mask;
	k[2] = 0;
	*proto = o->proto;
	if (o->proto != UPT_IPPROTO_ICMP)
		k[2] = order_ports(h, (uint32_t)o->sport << 16 | r->sport);
	return true;
}

static unsigned hmark_target(const void *data, struct upt_xt_pkt *p)
{
	const struct hmark_data *h = data;
	uint32_t k[3], hash;
	uint8_t proto = 0;
	bool ok;

	if (p->d->l2_kind != UPT_L2_IPV4)
		return UPT_V_CONTINUE;
	if (h->flags & F(O_CT))
		ok = p->ct && ct_tuple(h, p->ct, k, &proto);
	else
		ok = pkt_tuple(h, p->d, k, &proto);
	if (!ok)
		return UPT_V_CONTINUE;
	if (k[1] < k[0]) {
		uint32_t t = k[0];

		k[0] = k[1];
		k[1] = t;
	}
	hash = upt_nat_jhash2(k, 3, h->hashrnd) ^ (proto & h->proto_mask);
	p->mark = (uint32_t)(((uint64_t)hash * h->hmodulus) >> 32) + h->hoffset;
	return UPT_V_CONTINUE;
}

const struct upt_target_ops upt_target_HMARK = {
    .name = "HMARK",
    .size = sizeof(struct hmark_data),
    .options = hmark_opts,
    .init = hmark_init,
    .parse = hmark_parse,
    .check = hmark_check,
    .save = hmark_save,
    .print = hmark_print,
    .target = hmark_target,
    .kcheck = hmark_kcheck,
};

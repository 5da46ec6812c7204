/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j LOG: one line per packet in the kernel's format (nf_log_syslog.c,
 * nf_log_ip_packet / dump_ipv4_packet), handed to the engine's log sink
 * with its syslog level; the rule walk then goes on (XT_CONTINUE).
 *
 * The line is built in a fixed stack buffer (no allocation on the packet
 * path); a packet whose line would not fit is cut, as the kernel's 1 KiB
 * buffer would.  Every header byte is read through the bounds-checked
 * loaders, within the IP total length: what is missing is reported as
 * INCOMPLETE / TRUNCATED exactly where the kernel says so.
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

#define LOG_TCPSEQ	  0x01
#define LOG_TCPOPT	  0x02
#define LOG_IPOPT	  0x04
#define LOG_UID		  0x08
#define LOG_MACDECODE	  0x20
#define LOG_DEFAULT_LEVEL 4  /* LOG_WARNING */
#define PREFIX_LEN	  30 /* 29 characters and the NUL */

enum { O_LEVEL, O_PREFIX, O_TCPSEQ, O_TCPOPTS, O_IPOPTS, O_UID, O_MAC };

struct log_data {
	uint8_t level;
	uint8_t logflags;
	char prefix[PREFIX_LEN];
};

static const struct upt_xt_option log_opts[] = {
    {"log-level", O_LEVEL, UPT_XTOPT_ARG}, {"log-prefix", O_PREFIX, UPT_XTOPT_ARG},
    {"log-tcp-sequence", O_TCPSEQ, 0},	   {"log-tcp-options", O_TCPOPTS, 0},
    {"log-ip-options", O_IPOPTS, 0},	   {"log-uid", O_UID, 0},
    {"log-macdecode", O_MAC, 0},	   {NULL, 0, 0},
};

/* Names accepted for --log-level (libxtables' syslog level table, case-sensitive). */
static const struct {
	const char *name;
	uint8_t level;
} level_in[] = {
    {"alert", 1}, {"crit", 2},	 {"debug", 7}, {"emerg", 0},   {"error", 3},
    {"info", 6},  {"notice", 5}, {"panic", 0}, {"warning", 4},
};

/* Names -L prints (glibc's prioritynames, first match by value). */
static const char *const level_out[8] = {"emerg", "alert",  "crit", "err",
					 "warn",  "notice", "info", "debug"};

static void log_init(void *data)
{
	struct log_data *l = data;

	memset(l, 0, sizeof(*l));
	l->level = LOG_DEFAULT_LEVEL;
}

static int log_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct log_data *l = data;
	uint64_t v;
	size_t i, n;

	(void)invert;
	switch (id) {
	case O_LEVEL:
		if (upt_xtu_strtoul(arg, NULL, 0, 7, &v)) {
			l->level = (uint8_t)v;
			return 0;
		}
		for (i = 0; i < sizeof(level_in) / sizeof(level_in[0]); i++) {
			if (strcmp(arg, level_in[i].name) == 0) {
				l->level = level_in[i].level;
				return 0;
			}
		}
		return upt_xt_error(p, "log level \"%s\" unknown", arg);
	case O_PREFIX:
		n = strlen(arg);
		if (n < 1)
			return upt_xt_error(p,
					    "Argument must have a minimum length of 1 characters");
		if (strchr(arg, '\n'))
			return upt_xt_error(p, "Newlines not allowed in --log-prefix");
		/* Longer prefixes are cut to 29 characters, as libxtables does. */
		if (n >= PREFIX_LEN)
			n = PREFIX_LEN - 1;
		memcpy(l->prefix, arg, n);
		l->prefix[n] = '\0';
		return 0;
	case O_TCPSEQ:
		l->logflags |= LOG_TCPSEQ;
		return 0;
	case O_TCPOPTS:
		l->logflags |= LOG_TCPOPT;
		return 0;
	case O_IPOPTS:
		l->logflags |= LOG_IPOPT;
		return 0;
	case O_UID:
		l->logflags |= LOG_UID;
		return 0;
	case O_MAC:
		l->logflags |= LOG_MACDECODE;
		return 0;
	}
	return -EINVAL;
}

static int log_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	(void)p;
	return 0;
}

static void log_save(const void *data, struct upt_sb *sb)
{
	const struct log_data *l = data;

	if (l->prefix[0]) {
		upt_sb_puts(sb, " --log-prefix");
		upt_xtu_save_string(sb, l->prefix);
	}
	if (l->level != LOG_DEFAULT_LEVEL)
		upt_sb_printf(sb, " --log-level %d", l->level);
	if (l->logflags & LOG_TCPSEQ)
		upt_sb_puts(sb, " --log-tcp-sequence");
	if (l->logflags & LOG_TCPOPT)
		upt_sb_puts(sb, " --log-tcp-options");
	if (l->logflags & LOG_IPOPT)
		upt_sb_puts(sb, " --log-ip-options");
	if (l->logflags & LOG_UID)
		upt_sb_puts(sb, " --log-uid");
	if (l->logflags & LOG_MACDECODE)
		upt_sb_puts(sb, " --log-macdecode");
}

static void log_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct log_data *l = data;

	upt_sb_puts(sb, " LOG");
	if (flags & UPT_XT_PRINT_NUMERIC) {
		upt_sb_printf(sb, " flags %u level %u", l->logflags, l->level);
	} else {
		if (l->level < 8)
			upt_sb_printf(sb, " level %s", level_out[l->level]);
		else
			upt_sb_printf(sb, " UNKNOWN level %u", l->level);
		if (l->logflags & LOG_TCPSEQ)
			upt_sb_puts(sb, " tcp-sequence");
		if (l->logflags & LOG_TCPOPT)
			upt_sb_puts(sb, " tcp-options");
		if (l->logflags & LOG_IPOPT)
			upt_sb_puts(sb, " ip-options");
		if (l->logflags & LOG_UID)
			upt_sb_puts(sb, " uid");
		if (l->logflags & LOG_MACDECODE)
			upt_sb_puts(sb, " macdecode");
	}
	if (l->prefix[0])
		upt_sb_printf(sb, " prefix \"%s\"", l->prefix);
}

/*
 * Packet dump.  `ip` is the frame offset of an IPv4 header, `end` the frame
 * offset where the packet ends (skb->len from the outer header); `inner`
 * for the header an ICMP error quotes (printed once, in brackets).
 */
struct dump {
	const struct upt_pdesc *d;
	struct upt_sb *sb;
	uint8_t flags;
};

static bool have(const struct dump *x, uint32_t off, uint32_t n, uint32_t end)
{
	return off + n <= end && off + n <= x->d->frame_len;
}

static uint8_t u8at(const struct dump *x, uint32_t off)
{
	uint8_t v = 0;

	upt_pkt_load8(x->d, off, &v);
	return v;
}

static uint16_t u16at(const struct dump *x, uint32_t off)
{
	uint16_t v = 0;

	upt_pkt_load16(x->d, off, &v);
	return v;
}

static uint32_t u32at(const struct dump *x, uint32_t off)
{
	uint32_t v = 0;

	upt_pkt_load32(x->d, off, &v);
	return v;
}

static void put_hex(const struct dump *x, uint32_t off, uint32_t n)
{
	uint32_t i;

	upt_sb_puts(x->sb, "OPT (");
	for (i = 0; i < n; i++)
		upt_sb_printf(x->sb, "%02X", u8at(x, off + i));
	upt_sb_puts(x->sb, ") ");
}

/* Returns true when the dump must stop here (the kernel's early `return`). */
static bool dump_tcp(const struct dump *x, uint32_t th, uint32_t end, bool frag)
{
	struct upt_sb *sb = x->sb;
	uint8_t b12, fl;
	uint32_t optlen;

	upt_sb_puts(sb, "PROTO=TCP ");
	if (frag)
		return false;
	if (!have(x, th, 20, end)) {
		upt_sb_printf(sb, "INCOMPLETE [%u bytes] ", end > th ? end - th : 0);
		return true;
	}
	upt_sb_printf(sb, "SPT=%u DPT=%u ", u16at(x, th), u16at(x, th + 2));
	if (x->flags & LOG_TCPSEQ)
		upt_sb_printf(sb, "SEQ=%u ACK=%u ", u32at(x, th + 4), u32at(x, th + 8));
	upt_sb_printf(sb, "WINDOW=%u ", u16at(x, th + 14));
	b12 = u8at(x, th + 12);
	fl = u8at(x, th + 13);
	upt_sb_printf(sb, "RES=0x%02x ", (unsigned)((b12 & 0x0f) << 2));
	if (fl & UPT_TCP_CWR)
		upt_sb_puts(sb, "CWR ");
	if (fl & UPT_TCP_ECE)
		upt_sb_puts(sb, "ECE ");
	if (fl & UPT_TCP_URG)
		upt_sb_puts(sb, "URG ");
	if (fl & UPT_TCP_ACK)
		upt_sb_puts(sb, "ACK ");
	if (fl & UPT_TCP_PSH)
		upt_sb_puts(sb, "PSH ");
	if (fl & UPT_TCP_RST)
		upt_sb_puts(sb, "RST ");
	if (fl & UPT_TCP_SYN)
		upt_sb_puts(sb, "SYN ");
	if (fl & UPT_TCP_FIN)
		upt_sb_puts(sb, "FIN ");
	upt_sb_printf(sb, "URGP=%u ", u16at(x, th + 18));
	optlen = (uint32_t)(b12 >> 4) * 4;
	if ((x->flags & LOG_TCPOPT) && optlen > 20) {
		optlen -= 20;
		if (!have(x, th + 20, optlen, end)) {
			upt_sb_puts(sb, "OPT (TRUNCATED)");
			return true;
		}
		put_hex(x, th + 20, optlen);
	}
	return false;
}

static bool dump_udp(const struct dump *x, uint32_t uh, uint32_t end, bool frag)
{
	upt_sb_puts(x->sb, "PROTO=UDP ");
	if (frag)
		return false;
	if (!have(x, uh, 8, end)) {
		upt_sb_printf(x->sb, "INCOMPLETE [%u bytes] ", end > uh ? end - uh : 0);
		return true;
	}
	upt_sb_printf(x->sb, "SPT=%u DPT=%u LEN=%u ", u16at(x, uh), u16at(x, uh + 2),
		      u16at(x, uh + 4));
	return false;
}

/* Bytes an ICMP message of each type needs before its fields are printed. */
static uint32_t icmp_required(uint8_t type)
{
	switch (type) {
	case UPT_ICMP_ECHOREPLY:
	case UPT_ICMP_ECHO:
		return 4;
	case UPT_ICMP_DEST_UNREACH:
	case UPT_ICMP_SOURCE_QUENCH:
	case UPT_ICMP_REDIRECT:
	case UPT_ICMP_TIME_EXCEEDED:
	case UPT_ICMP_PARAMETERPROB:
		return 8 + 20;
	case UPT_ICMP_TIMESTAMP:
	case UPT_ICMP_TIMESTAMPREPLY:
		return 20;
	case UPT_ICMP_ADDRESS:
	case UPT_ICMP_ADDRESSREPLY:
		return 12;
	default:
		return 0;
	}
}

static void dump_ip(const struct dump *x, uint32_t ip, uint32_t end, bool inner, uint32_t mark);

static void dump_icmp(const struct dump *x, uint32_t ich, uint32_t end, bool inner, bool frag)
{
	struct upt_sb *sb = x->sb;
	uint32_t avail = end > ich ? end - ich : 0, req, gw;
	uint8_t type, code;

	upt_sb_puts(sb, "PROTO=ICMP ");
	if (frag)
		return;
	if (!have(x, ich, 8, end)) {
		upt_sb_printf(sb, "INCOMPLETE [%u bytes] ", avail);
		return;
	}
	type = u8at(x, ich);
	code = u8at(x, ich + 1);
	upt_sb_printf(sb, "TYPE=%u CODE=%u ", type, code);
	req = icmp_required(type);
	if (req && avail < req) {
		upt_sb_printf(sb, "INCOMPLETE [%u bytes] ", avail);
		return;
	}
	switch (type) {
	case UPT_ICMP_ECHOREPLY:
	case UPT_ICMP_ECHO:
		upt_sb_printf(sb, "ID=%u SEQ=%u ", u16at(x, ich + 4), u16at(x, ich + 6));
		break;
	case UPT_ICMP_PARAMETERPROB:
		upt_sb_printf(sb, "PARAMETER=%u ", u8at(x, ich + 4));
		break;
	case UPT_ICMP_REDIRECT:
	case UPT_ICMP_DEST_UNREACH:
	case UPT_ICMP_SOURCE_QUENCH:
	case UPT_ICMP_TIME_EXCEEDED:
		if (type == UPT_ICMP_REDIRECT) {
			gw = u32at(x, ich + 4);
			upt_sb_puts(sb, "GATEWAY=");
			upt_xtu_put_ipv4(sb, gw);
			upt_sb_putc(sb, ' ');
		}
		if (!inner) { /* only one level of quoting */
			upt_sb_putc(sb, '[');
			dump_ip(x, ich + 8, end, true, 0);
			upt_sb_puts(sb, "] ");
		}
		if (type == UPT_ICMP_DEST_UNREACH && code == 4) /* ICMP_FRAG_NEEDED */
			upt_sb_printf(sb, "MTU=%u ", u16at(x, ich + 6));
		break;
	}
}

static void dump_ip(const struct dump *x, uint32_t ip, uint32_t end, bool inner, uint32_t mark)
{
	struct upt_sb *sb = x->sb;
	uint8_t ihl, tos, proto;
	uint16_t frag, hlen;
	uint32_t l4, spi;

	if (!have(x, ip, 20, end)) {
		upt_sb_puts(sb, "TRUNCATED");
		return;
	}
	ihl = u8at(x, ip) & 0x0f;
	hlen = (uint16_t)(ihl * 4);
	tos = u8at(x, ip + 1);
	frag = u16at(x, ip + 6);
	proto = u8at(x, ip + 9);
	upt_sb_puts(sb, "SRC=");
	upt_xtu_put_ipv4(sb, u32at(x, ip + 12));
	upt_sb_puts(sb, " DST=");
	upt_xtu_put_ipv4(sb, u32at(x, ip + 16));
	upt_sb_printf(sb, " LEN=%u TOS=0x%02X PREC=0x%02X TTL=%u ID=%u ", u16at(x, ip + 2),
		      tos & 0x1e, tos & 0xe0, u8at(x, ip + 8), u16at(x, ip + 4));
	if (frag & 0x8000) /* IP_CE */
		upt_sb_puts(sb, "CE ");
	if (frag & UPT_IP_DF)
		upt_sb_puts(sb, "DF ");
	if (frag & UPT_IP_MF)
		upt_sb_puts(sb, "MF ");
	if (frag & UPT_IP_OFFMASK)
		upt_sb_printf(sb, "FRAG:%u ", frag & UPT_IP_OFFMASK);
	if ((x->flags & LOG_IPOPT) && hlen > 20) {
		if (!have(x, ip + 20, hlen - 20u, end)) {
			upt_sb_puts(sb, "TRUNCATED");
			return;
		}
		put_hex(x, ip + 20, hlen - 20u);
	}
	l4 = ip + hlen;
	switch (proto) {
	case UPT_IPPROTO_TCP:
		if (dump_tcp(x, l4, end, frag & UPT_IP_OFFMASK))
			return;
		break;
	case UPT_IPPROTO_UDP:
		if (dump_udp(x, l4, end, frag & UPT_IP_OFFMASK))
			return;
		break;
	case UPT_IPPROTO_ICMP:
		dump_icmp(x, l4, end, inner, frag & UPT_IP_OFFMASK);
		break;
	case 51: /* AH: SPI after next header, length and reserved */
	case 50: /* ESP: SPI first */
		upt_sb_puts(sb, proto == 51 ? "PROTO=AH " : "PROTO=ESP ");
		if (frag & UPT_IP_OFFMASK)
			break;
		if (!have(x, l4, proto == 51 ? 12 : 8, end)) {
			upt_sb_printf(sb, "INCOMPLETE [%u bytes] ", end > l4 ? end - l4 : 0);
			break;
		}
		spi = u32at(x, l4 + (proto == 51 ? 4 : 0));
		upt_sb_printf(sb, "SPI=0x%x ", spi);
		break;
	default:
		upt_sb_printf(sb, "PROTO=%u ", proto);
		break;
	}
	/* UID/GID need a local socket, which a gateway's packets never have. */
	if (!inner && mark)
		upt_sb_printf(sb, "MARK=0x%x ", mark);
}

static void dump_mac(const struct dump *x)
{
	const struct upt_pdesc *d = x->d;
	struct upt_sb *sb = x->sb;
	uint16_t l2 = d->l2_len;
	unsigned i;

	if ((x->flags & LOG_MACDECODE) && l2 >= UPT_ETH_HLEN) {
		upt_sb_puts(sb, "MACSRC=");
		for (i = 0; i < 6; i++)
			upt_sb_printf(sb, i ? ":%02x" : "%02x", u8at(x, 6 + i));
		upt_sb_puts(sb, " MACDST=");
		for (i = 0; i < 6; i++)
			upt_sb_printf(sb, i ? ":%02x" : "%02x", u8at(x, i));
		upt_sb_putc(sb, ' ');
		if (d->has_vlan)
			upt_sb_printf(sb, "VPROTO=%04x VID=%u ", UPT_ETH_P_8021Q,
				      d->vlan_tci & 0x0fff);
		upt_sb_printf(sb, "MACPROTO=%04x ", u16at(x, l2 - 2u));
		return;
	}
	upt_sb_puts(sb, "MAC=");
	if (l2 >= UPT_ETH_HLEN) {
		/* The header as the receiving device sees it: addresses, then the inner type. */
		for (i = 0; i < 12; i++)
			upt_sb_printf(sb, i ? ":%02x" : "%02x", u8at(x, i));
		upt_sb_printf(sb, ":%02x:%02x", u8at(x, l2 - 2u), u8at(x, l2 - 1u));
	}
	upt_sb_putc(sb, ' ');
}

static unsigned log_target(const void *data, struct upt_xt_pkt *p)
{
	const struct log_data *l = data;
	const struct upt_pdesc *d = p->d;
	char line[1024];
	struct upt_sb sb;
	struct dump x = {d, &sb, l->logflags};
	const char *in = p->in_name ? p->in_name : "";
	const char *out = p->out_name ? p->out_name : "";

	upt_sb_init_fixed(&sb, line, sizeof(line));
	upt_sb_printf(&sb, "%sIN=%s OUT=%s ", l->prefix, in, out);
	if (in[0])
		dump_mac(&x);
	dump_ip(&x, d->l2_len, (uint32_t)d->l2_len + d->ip_len, false, p->mark);
	upt_xt_log(p, l->level, upt_sb_str(&sb));
	return UPT_V_CONTINUE;
}

const struct upt_target_ops upt_target_LOG = {
    .name = "LOG",
    .size = sizeof(struct log_data),
    .options = log_opts,
    .init = log_init,
    .parse = log_parse,
    .check = log_check,
    .save = log_save,
    .print = log_print,
    .target = log_target,
};

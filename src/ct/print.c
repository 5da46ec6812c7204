// SPDX-License-Identifier: GPL-2.0
/*
 * Conntrack text: the /proc/net/nf_conntrack line (interface: scripts parse
 * it) and a short form for traces.
 *
 * The /proc line, as ct_seq_show() prints it with accounting, timestamps
 * and secmark off (the defaults), e.g. from kernel 6.18:
 *   ipv4     2 tcp      6 431999 ESTABLISHED src=127.0.0.1 dst=127.0.0.1
 *   sport=41234 dport=5000 src=127.0.0.1 dst=127.0.0.1 sport=5000
 *   dport=41234 [ASSURED] mark=0 zone=0 use=2
 * (one line).  Fields: family name padded to 8, family number, protocol
 * name padded to 8, protocol number, seconds left, the TCP state, the
 * ORIGINAL tuple, [UNREPLIED] until a reply was seen, the REPLY tuple,
 * [ASSURED], mark, zone, and the reference count -- 2 for a listed entry
 * (the hash's reference plus the reader's).
 */
#include <stdarg.h>
#include <stdio.h>

#include "ct/ct.h"
#include "ct/ct_int.h"
#include "pkt/pkt.h"

struct out {
	char *buf;
	size_t len, pos; /* pos counts everything, even what did not fit */
};

__attribute__((format(printf, 2, 3))) static void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->pos < o->len ? o->buf + o->pos : NULL,
		      o->pos < o->len ? o->len - o->pos : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += (size_t)n;
}

static void out_addr(struct out *o, const char *prefix, uint32_t a)
{
	out_printf(o, "%s%u.%u.%u.%u", prefix, a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
		   a & 0xff);
}

/*
 * The kernel prints the name of the tracker (l4proto_name() of the
 * l4proto that handled the entry), so protocols without a tracker of
 * their own -- here SCTP too, as in a kernel built without
 * CONFIG_NF_CT_PROTO_SCTP -- print "unknown".
 */
static const char *l4_name(uint8_t proto)
{
	switch (proto) {
	case UPT_IPPROTO_TCP:
		return "tcp";
	case UPT_IPPROTO_UDP:
		return "udp";
	case UPT_IPPROTO_ICMP:
		return "icmp";
	case UPT_CT_IPPROTO_GRE:
		return "gre";
	case UPT_CT_IPPROTO_UDPLITE:
		return "udplite";
	default:
		return "unknown";
	}
}

static void out_tuple(struct out *o, const struct upt_tuple *tu)
{
	out_addr(o, "src=", tu->src);
	out_addr(o, " dst=", tu->dst);
	out_printf(o, " ");
	switch (tu->proto) {
	case UPT_IPPROTO_TCP:
	case UPT_IPPROTO_UDP:
	case UPT_CT_IPPROTO_UDPLITE:
		out_printf(o, "sport=%u dport=%u ", tu->sport, tu->dport);
		break;
	case UPT_IPPROTO_ICMP:
		out_printf(o, "type=%u code=%u id=%u ", tu->dport >> 8, tu->dport & 0xff,
			   tu->sport);
		break;
	case UPT_CT_IPPROTO_GRE:
		out_printf(o, "srckey=0x%x dstkey=0x%x ", tu->sport, tu->dport);
		break;
	default:
		break;
	}
}

static int out_done(struct out *o)
{
	if (o->len)
		o->buf[o->pos < o->len ? o->pos : o->len - 1] = '\0';
	return o->pos > INT32_MAX ? INT32_MAX : (int)o->pos;
}

int upt_ct_format_proc(const struct upt_ct *ct, uint64_t now, char *buf, size_t len)
{
	return upt_ct_format_proc_acct(ct, NULL, now, buf, len);
}

int upt_ct_format_proc_acct(const struct upt_ct *ct, const struct upt_ct_acct *acct, uint64_t now,
			    char *buf, size_t len)
{
	struct out o = {.buf = buf, .len = len};
	uint8_t proto = ct->tuple[UPT_CT_DIR_ORIGINAL].proto;

	out_printf(&o, "%-8s %u %-8s %u %u ", "ipv4", 2u, l4_name(proto), proto,
		   upt_ct_timeout_left(ct, now));
	if (proto == UPT_IPPROTO_TCP)
		out_printf(&o, "%s ", upt_tcp_state_name(ct->proto.tcp.state));
	else if (proto == UPT_CT_IPPROTO_GRE)
		out_printf(&o, "timeout=%u, stream_timeout=%u ", ct->proto.gre.timeout,
			   ct->proto.gre.stream_timeout);
	out_tuple(&o, &ct->tuple[UPT_CT_DIR_ORIGINAL]);
	if (acct)
		out_printf(&o, "packets=%llu bytes=%llu ",
			   (unsigned long long)acct->packets[UPT_CT_DIR_ORIGINAL],
			   (unsigned long long)acct->bytes[UPT_CT_DIR_ORIGINAL]);
	if (!(ct->status & UPT_IPS_SEEN_REPLY))
		out_printf(&o, "[UNREPLIED] ");
	out_tuple(&o, &ct->tuple[UPT_CT_DIR_REPLY]);
	if (acct)
		out_printf(&o, "packets=%llu bytes=%llu ",
			   (unsigned long long)acct->packets[UPT_CT_DIR_REPLY],
			   (unsigned long long)acct->bytes[UPT_CT_DIR_REPLY]);
	if (ct->status & UPT_IPS_ASSURED)
		out_printf(&o, "[ASSURED] ");
	out_printf(&o, "mark=%u zone=%u use=2", ct->mark, ct->tuple[UPT_CT_DIR_ORIGINAL].zone);
	return out_done(&o);
}

static void out_short_tuple(struct out *o, const struct upt_tuple *tu)
{
	if (tu->proto == UPT_IPPROTO_TCP || tu->proto == UPT_IPPROTO_UDP) {
		out_addr(o, "", tu->src);
		out_printf(o, ":%u", tu->sport);
		out_addr(o, ">", tu->dst);
		out_printf(o, ":%u", tu->dport);
	} else {
		out_addr(o, "", tu->src);
		out_addr(o, ">", tu->dst);
		if (tu->proto == UPT_IPPROTO_ICMP)
			out_printf(o, " type=%u code=%u id=%u", tu->dport >> 8, tu->dport & 0xff,
				   tu->sport);
	}
}

int upt_ct_format_short(const struct upt_ct *ct, char *buf, size_t len)
{
	struct out o = {.buf = buf, .len = len};
	uint8_t proto = ct->tuple[UPT_CT_DIR_ORIGINAL].proto;

	out_printf(&o, "%s ", l4_name(proto));
	if (proto == UPT_IPPROTO_TCP)
		out_printf(&o, "%s ", upt_tcp_state_name(ct->proto.tcp.state));
	if (!(ct->status & UPT_IPS_SEEN_REPLY))
		out_printf(&o, "[UNREPLIED] ");
	if (ct->status & UPT_IPS_ASSURED)
		out_printf(&o, "[ASSURED] ");
	out_short_tuple(&o, &ct->tuple[UPT_CT_DIR_ORIGINAL]);
	out_printf(&o, " reply ");
	out_short_tuple(&o, &ct->tuple[UPT_CT_DIR_REPLY]);
	return out_done(&o);
}

const char *upt_ctinfo_str(unsigned ctinfo)
{
	static const char *const names[] = {
	    [UPT_CTINFO_ESTABLISHED] = "ESTABLISHED",
	    [UPT_CTINFO_RELATED] = "RELATED",
	    [UPT_CTINFO_NEW] = "NEW",
	    [UPT_CTINFO_ESTABLISHED_REPLY] = "ESTABLISHED_REPLY",
	    [UPT_CTINFO_RELATED_REPLY] = "RELATED_REPLY",
	    [UPT_CTINFO_INVALID] = "INVALID",
	    [UPT_CTINFO_UNTRACKED] = "UNTRACKED",
	};

	return ctinfo < sizeof(names) / sizeof(names[0]) ? names[ctinfo] : "?";
}

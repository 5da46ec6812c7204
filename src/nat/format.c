// SPDX-License-Identifier: GPL-2.0
/*
 * Trace text of an entry's NAT bindings, read off its two tuples:
 *   "DNAT 198.51.100.1:80 -> 192.168.1.2:8080"
 *   "SNAT 192.168.1.2:40000 -> 198.51.100.1:40000"
 *   "DNAT ... , SNAT ..." when both, "none" without NAT.
 * ICMP shows the echo id ("192.168.1.2 id 7") on the side that carries it
 * (the source); other protocols without ports show addresses only.
 */
#include <stdio.h>

#include "nat/nat.h"
#include "pkt/pkt.h"

struct out {
	char *buf;
	size_t len;
	size_t need; /* what snprintf would have written */
};

static void put(struct out *o, const char *s)
{
	int n = snprintf(o->need < o->len ? o->buf + o->need : NULL,
			 o->need < o->len ? o->len - o->need : 0, "%s", s);

	if (n > 0)
		o->need += (size_t)n;
}

/* "addr", "addr:port" or "addr id N". */
static void endpoint(struct out *o, uint8_t proto, uint32_t addr, uint16_t port, bool is_src)
{
	char ip[16], tmp[40];

	upt_ip_str(addr, ip);
	if (proto == UPT_IPPROTO_TCP || proto == UPT_IPPROTO_UDP)
		snprintf(tmp, sizeof(tmp), "%s:%u", ip, port);
	else if (proto == UPT_IPPROTO_ICMP && is_src)
		snprintf(tmp, sizeof(tmp), "%s id %u", ip, port);
	else
		snprintf(tmp, sizeof(tmp), "%s", ip);
	put(o, tmp);
}

int upt_nat_format(const struct upt_ct *ct, char *buf, size_t len)
{
	struct out o = {.buf = buf, .len = len, .need = 0};
	const struct upt_tuple *orig, *reply;

	if (buf && len)
		buf[0] = '\0';
	if (!ct || !(ct->status & UPT_IPS_NAT_MASK)) {
		put(&o, "none");
		return (int)o.need;
	}
	orig = &ct->tuple[UPT_CT_DIR_ORIGINAL];
	reply = &ct->tuple[UPT_CT_DIR_REPLY];
	/* The reply's source is where the original really went, its destination who really sent it.
	 */
	if (ct->status & UPT_IPS_DST_NAT) {
		put(&o, "DNAT ");
		endpoint(&o, orig->proto, orig->dst, orig->dport, false);
		put(&o, " -> ");
		endpoint(&o, orig->proto, reply->src, reply->sport, false);
	}
	if (ct->status & UPT_IPS_SRC_NAT) {
		put(&o, (ct->status & UPT_IPS_DST_NAT) ? ", SNAT " : "SNAT ");
		endpoint(&o, orig->proto, orig->src, orig->sport, true);
		put(&o, " -> ");
		/* An ICMP id sits in sport in both directions. */
		endpoint(&o, orig->proto, reply->dst,
			 orig->proto == UPT_IPPROTO_ICMP ? reply->sport : reply->dport, true);
	}
	return (int)o.need;
}

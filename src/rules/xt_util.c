/* SPDX-License-Identifier: GPL-2.0 */
#include "rules/xt_util.h"

#include <ctype.h>
#include <errno.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool upt_xtu_strtoul(const char *s, const char **end, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *e;

	/* strtoull would skip blanks and take a sign; libxtables' callers never mean either. */
	if (!s || !isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoull(s, &e, 0);
	if (errno == ERANGE || e == s)
		return false;
	if (end)
		*end = e;
	else if (*e != '\0')
		return false;
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

const char *upt_xtu_proto_name(uint8_t proto)
{
	switch (proto) {
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 33:
		return "dccp";
	case 132:
		return "sctp";
	case 136:
		return "udplite";
	default:
		return NULL;
	}
}

int upt_xtu_service_port(const char *name, const char *proto)
{
	struct servent se, *res = NULL;
	char buf[1024];

	if (!name[0])
		return -1;
	if (getservbyname_r(name, proto, &se, buf, sizeof(buf), &res) != 0 || !res)
		return -1;
	return ntohs((uint16_t)res->s_port);
}

int upt_xtu_parse_port(const char *s, const char *proto)
{
	uint64_t v;
	int port = upt_xtu_service_port(s, proto);

	if (port >= 0)
		return port;
	if (upt_xtu_strtoul(s, NULL, 0, 65535, &v))
		return (int)v;
	return -1;
}

int upt_xtu_parse_port_range(const char *s, const char *proto, uint16_t *lo, uint16_t *hi)
{
	char buf[128];
	char *colon;
	int a, b;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	colon = strchr(buf, ':');
	if (!colon) {
		a = upt_xtu_parse_port(buf, proto);
		if (a < 0)
			return -EINVAL;
		*lo = *hi = (uint16_t)a;
		return 0;
	}
	*colon = '\0';
	a = buf[0] ? upt_xtu_parse_port(buf, proto) : 0;
	b = colon[1] ? upt_xtu_parse_port(colon + 1, proto) : 65535;
	if (a < 0 || b < 0 || a > b)
		return -EINVAL;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

bool upt_xtu_parse_ipv4(const char *s, uint32_t *addr)
{
	uint32_t v = 0;
	int parts = 0;

	/* Strict dotted quad, as inet_pton: four decimal parts 0..255. */
	while (parts < 4) {
		unsigned n = 0;
		int digits = 0;

		while (isdigit((unsigned char)*s)) {
			n = n * 10 + (unsigned)(*s - '0');
			if (++digits > 3 || n > 255)
				return false;
			s++;
		}
		if (!digits)
			return false;
		v = v << 8 | n;
		parts++;
		if (parts < 4) {
			if (*s != '.')
				return false;
			s++;
		}
	}
	if (*s)
		return false;
	*addr = v;
	return true;
}

bool upt_xtu_parse_ipv4_mask(const char *s, uint32_t *addr, uint32_t *mask)
{
	char buf[64];
	char *slash;
	uint64_t len;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (!upt_xtu_parse_ipv4(buf, addr))
		return false;
	if (!slash) {
		*mask = 0xffffffffu;
		return true;
	}
	if (strchr(slash, '.'))
		return upt_xtu_parse_ipv4(slash, mask);
	if (!upt_xtu_strtoul(slash, NULL, 0, 32, &len))
		return false;
	*mask = len == 0 ? 0 : 0xffffffffu << (32 - len);
	return true;
}

void upt_xtu_put_ipv4(struct upt_sb *sb, uint32_t addr)
{
	upt_sb_printf(sb, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff, (addr >> 8) & 0xff,
		      addr & 0xff);
}

void upt_xtu_put_mask(struct upt_sb *sb, uint32_t mask)
{
	int len = 0;

	while (len < 32 && (mask & (0x80000000u >> len)))
		len++;
	if (len < 32 && (mask << len) != 0) {
		/* Not a prefix: dotted form. */
		upt_sb_putc(sb, '/');
		upt_xtu_put_ipv4(sb, mask);
		return;
	}
	if (len != 32)
		upt_sb_printf(sb, "/%d", len);
}

void upt_xtu_save_string(struct upt_sb *sb, const char *s)
{
	static const char bare[] = "_-0123456789abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t n = strspn(s, bare);

	upt_sb_putc(sb, ' ');
	if (n > 0 && s[n] == '\0') {
		upt_sb_puts(sb, s);
		return;
	}
	upt_sb_putc(sb, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\' || *s == '\'')
			upt_sb_putc(sb, '\\');
		upt_sb_putc(sb, *s);
	}
	upt_sb_putc(sb, '"');
}

void upt_xtu_put_port(struct upt_sb *sb, uint16_t port, const char *proto, bool numeric)
{
	struct servent se, *res = NULL;
	char buf[1024];

	if (!numeric && proto &&
	    getservbyport_r((int)htons(port), proto, &se, buf, sizeof(buf), &res) == 0 && res) {
		upt_sb_puts(sb, res->s_name);
		return;
	}
	upt_sb_printf(sb, "%u", port);
}

static const struct {
	const char *name;
	uint8_t num;
} protos[] = {
    {"all", 0},	    {"icmp", 1},   {"igmp", 2}, {"tcp", 6},	  {"udp", 17},
    {"dccp", 33},   {"gre", 47},   {"esp", 50}, {"ah", 51},	  {"ipv6-icmp", 58},
    {"icmpv6", 58}, {"sctp", 132}, {"mh", 135}, {"udplite", 136},
};

bool upt_xtu_parse_proto(const char *s, uint8_t *proto)
{
	uint64_t v;
	size_t i;

	if (upt_xtu_strtoul(s, NULL, 0, 255, &v)) {
		*proto = (uint8_t)v;
		return true;
	}
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (strcmp(s, protos[i].name) == 0) {
			*proto = protos[i].num;
			return true;
		}
	}
	return false;
}

void upt_xtu_save_ports(struct upt_sb *sb, const char *opt, uint16_t lo, uint16_t hi, bool inv)
{
	if (lo == 0 && hi == 0xffff && !inv)
		return;
	if (inv)
		upt_sb_puts(sb, " !");
	if (lo != hi)
		upt_sb_printf(sb, " %s %u:%u", opt, lo, hi);
	else
		upt_sb_printf(sb, " %s %u", opt, lo);
}

void upt_xtu_print_ports(struct upt_sb *sb, const char *name, uint16_t lo, uint16_t hi, bool inv,
			 const char *proto, bool numeric)
{
	if (lo == 0 && hi == 0xffff && !inv)
		return;
	upt_sb_printf(sb, " %s", name);
	if (lo == hi) {
		upt_sb_printf(sb, ":%s", inv ? "!" : "");
		upt_xtu_put_port(sb, lo, proto, numeric);
	} else {
		upt_sb_printf(sb, "s:%s", inv ? "!" : "");
		upt_xtu_put_port(sb, lo, proto, numeric);
		upt_sb_putc(sb, ':');
		upt_xtu_put_port(sb, hi, proto, numeric);
	}
}

bool upt_xtu_parse_uint_range(const char *s, uint64_t max, uint64_t *lo, uint64_t *hi)
{
	const char *end;
	uint64_t a = 0, b = max;

	if (*s != ':') {
		if (!upt_xtu_strtoul(s, &end, 0, max, &a))
			return false;
		if (*end == '\0') {
			*lo = *hi = a;
			return true;
		}
		if (*end != ':')
			return false;
		s = end;
	}
	s++;
	if (*s != '\0' && !upt_xtu_strtoul(s, NULL, 0, max, &b))
		return false;
	*lo = a;
	*hi = b;
	return true;
}

bool upt_xtu_parse_u16_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	uint64_t a, b;

	if (!upt_xtu_parse_uint_range(s, 0xffff, &a, &b))
		return false;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return true;
}

bool upt_xtu_parse_u32_range(const char *s, uint32_t r[2])
{
	uint64_t a, b;

	if (!upt_xtu_parse_uint_range(s, 0xffffffffu, &a, &b))
		return false;
	r[0] = (uint32_t)a;
	r[1] = (uint32_t)b;
	return true;
}

void upt_xtu_save_range(struct upt_sb *sb, const char *opt, uint32_t lo, uint32_t hi, bool inv)
{
	if (inv)
		upt_sb_puts(sb, " !");
	if (lo != hi)
		upt_sb_printf(sb, " %s %u:%u", opt, lo, hi);
	else
		upt_sb_printf(sb, " %s %u", opt, lo);
}

bool upt_xtu_parse_flag_list(const char *arg, const struct upt_xtu_flag_name *names, size_t n,
			     uint32_t *mask)
{
	const char *s = arg, *comma;
	uint32_t m = 0;
	size_t len, i;

	for (;;) {
		comma = strchr(s, ',');
		len = comma ? (size_t)(comma - s) : strlen(s);
		if (len == 0)
			return false;
		for (i = 0; i < n; i++)
			if (len <= strlen(names[i].name) && strncasecmp(s, names[i].name, len) == 0)
				break;
		if (i == n)
			return false;
		m |= names[i].bit;
		if (!comma)
			break;
		s = comma + 1;
	}
	*mask = m;
	return true;
}

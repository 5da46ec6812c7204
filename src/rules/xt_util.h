/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small parsing and printing helpers shared by the match and target
 * extensions: numbers as libxtables reads them (strtoul base 0, range
 * checked), ports and service names, IPv4 addresses and masks, the
 * iptables-save string quoting.  Rule-load time only, never the packet path.
 */
#ifndef UPT_RULES_XT_UTIL_H
#define UPT_RULES_XT_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/strbuf.h"

/*
 * A number at the start of s, base 0 (0x.. hex, 0.. octal), within
 * [min, max].  end NULL: the whole string must be the number; otherwise
 * *end points after it.  Signs are refused ("-1" is an error, as in
 * libxtables where it wraps beyond any max).
 */
bool upt_xtu_strtoul(const char *s, const char **end, uint64_t min, uint64_t max, uint64_t *out);

/* "tcp"/"udp"/... for service lookups; NULL for a protocol without ports. */
const char *upt_xtu_proto_name(uint8_t proto);

/* Service name (for proto, or any when NULL) to port; -1 when unknown. */
int upt_xtu_service_port(const char *name, const char *proto);

/* xtables_parse_port: service name first, then a number 0..65535; -1 when neither. */
int upt_xtu_parse_port(const char *s, const char *proto);

/*
 * tcp/udp style port range "a", "a:b", ":b", "a:", ":" into lo/hi.
 * Returns 0, or -EINVAL (bad port, or lo > hi).
 */
int upt_xtu_parse_port_range(const char *s, const char *proto, uint16_t *lo, uint16_t *hi);

/* Dotted quad (host order). */
/*
 * libxtables' UINT*RC ranges: "a", "a:b", ":b", "a:", ":" with numbers
 * 0..max in any base strtoul takes; the open ends are 0 and max.
 */
bool upt_xtu_parse_uint_range(const char *s, uint64_t max, uint64_t *lo, uint64_t *hi);
bool upt_xtu_parse_u16_range(const char *s, uint16_t *lo, uint16_t *hi); /* length, tcpmss */
bool upt_xtu_parse_u32_range(const char *s, uint32_t r[2]);		 /* esp, ipcomp */

/* A word of a comma-separated flag list and its bit. */
struct upt_xtu_flag_name {
	const char *name;
	uint32_t bit;
};
/*
 * "A,B,..." against names[0..n): each word may be any non-empty prefix of a
 * name, case-insensitive (iptables' strncasecmp); the first name that fits
 * wins.  False on an empty word or one that fits no name.
 */
bool upt_xtu_parse_flag_list(const char *arg, const struct upt_xtu_flag_name *names, size_t n,
			     uint32_t *mask);

/* " [!] OPT a" or " [!] OPT a:b", listed whatever the range (sctp, dccp ports). */
void upt_xtu_save_range(struct upt_sb *sb, const char *opt, uint32_t lo, uint32_t hi, bool inv);

bool upt_xtu_parse_ipv4(const char *s, uint32_t *addr);
/* "a.b.c.d[/len|/mask]"; no mask: /32. */
bool upt_xtu_parse_ipv4_mask(const char *s, uint32_t *addr, uint32_t *mask);
/* xtables_ipmask_to_numeric: "" for /32, "/N" for a prefix, "/a.b.c.d" otherwise. */
void upt_xtu_put_mask(struct upt_sb *sb, uint32_t mask);
void upt_xtu_put_ipv4(struct upt_sb *sb, uint32_t addr);

/* xtables_save_string: " value" bare when [A-Za-z0-9_-]+, else quoted with \ escapes. */
void upt_xtu_save_string(struct upt_sb *sb, const char *s);

/* Port for -L: the service name unless numeric (or none known). */
void upt_xtu_put_port(struct upt_sb *sb, uint16_t port, const char *proto, bool numeric);

/*
 * tcp/udp port options: save " [!] --sport A[:B]" unless the range is the
 * full 0:65535 without inversion; print " spt:[!]A" / " spts:[!]A:B" (-L).
 */
void upt_xtu_save_ports(struct upt_sb *sb, const char *opt, uint16_t lo, uint16_t hi, bool inv);
void upt_xtu_print_ports(struct upt_sb *sb, const char *name, uint16_t lo, uint16_t hi, bool inv,
			 const char *proto, bool numeric);

/* Protocol for `--ctproto`: name (tcp, udp, icmp, ...) or number 0..255; false when neither. */
bool upt_xtu_parse_proto(const char *s, uint8_t *proto);

#endif

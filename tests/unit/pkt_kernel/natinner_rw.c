/* SPDX-License-Identifier: GPL-2.0 */
/*
 * natinner.sh helper: reads an Ethernet frame (hex) on stdin, applies the
 * un-SNAT of an ICMP error (inner source address and port, outer
 * destination) and the forwarding TTL decrement, prints the IP packet (hex).
 *   usage: natinner_rw INNER_SADDR INNER_SPORT OUTER_DADDR
 */
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include "pkt/pkt.h"
int main(int argc, char **argv)
{
	static uint8_t f[4096]; char hex[9000]; size_t n = 0; struct upt_pdesc d; struct in_addr a;
	if (argc < 4 || !fgets(hex, sizeof hex, stdin)) return 2;
	for (char *p = hex; p[0] && p[1] && p[0] != '\n'; p += 2) { unsigned v; sscanf(p, "%2x", &v); f[n++] = (uint8_t)v; }
	if (upt_pkt_parse_eth(&d, f, (uint32_t)n)) return 3;
	inet_pton(AF_INET, argv[1], &a);
	if (!upt_pdesc_set_inner_addr(&d, 0, ntohl(a.s_addr))) return 4;
	if (!upt_pdesc_set_inner_port(&d, 0, (uint16_t)atoi(argv[2]))) return 5;
	inet_pton(AF_INET, argv[3], &a);
	if (!upt_pdesc_set_daddr(&d, ntohl(a.s_addr))) return 6;
	upt_pdesc_set_ttl(&d, d.ttl - 1);
	for (size_t i = d.l2_len; i < (size_t)d.l2_len + d.ip_len; i++) printf("%02x", f[i]);
	printf("\n");
	return 0;
}

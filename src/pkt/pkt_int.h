/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to src/pkt/: big-endian byte access for offsets the caller has
 * already bounds-checked, and ICMP type classes shared by the parser, the
 * rewriters and the summary.
 */
#ifndef UPT_PKT_PKT_INT_H
#define UPT_PKT_PKT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "pkt/pkt.h"

static inline uint16_t pkt_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t pkt_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void pkt_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void pkt_wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Smallest ICMP header the engine accepts: struct icmphdr, 8 bytes, for every type. */
#define PKT_ICMP_HLEN 8
#define PKT_UDP_HLEN  8
#define PKT_TCP_HLEN  20
#define PKT_IP_HLEN   20

#endif

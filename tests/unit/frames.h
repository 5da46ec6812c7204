/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test frame builder: Ethernet (optional 802.1Q tag) + IPv4 + TCP/UDP/ICMP
 * with correct checksums, from a struct of fields, plus ARP frames.
 *
 * The checksums here are computed by a deliberately naive reference
 * implementation that shares no code with src/pkt/csum.c, so tests that
 * build with it and check with frame_*_csum_ok() catch errors in the
 * library's checksum code instead of reproducing them.
 *
 *	struct frame f;
 *	uint8_t buf[FRAME_MAX];
 *	frame_init(&f, UPT_IPPROTO_TCP, "198.51.100.2", 40000, "198.51.100.1", 80);
 *	f.tcp_flags = UPT_TCP_SYN;
 *	f.mss = 1460;
 *	size_t n = frame_build(&f, buf, sizeof(buf));
 *
 * Addresses are host order in the struct.  Everything not set by
 * frame_init() is 0 / false.
 */
#ifndef UPT_TEST_FRAMES_H
#define UPT_TEST_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX 2048

struct frame {
	/* Link layer. */
	bool no_eth; /* a bare IPv4 packet (locally generated), no Ethernet header */
	uint8_t dst_mac[6], src_mac[6];
	bool vlan;
	uint16_t vlan_tci;

	/* IPv4 (no options). */
	uint32_t saddr, daddr;
	uint8_t proto, tos, ttl;
	uint16_t ip_id;
	bool df;
	bool mf;
	uint16_t frag_offset; /* in 8-byte units */
	uint16_t pad;         /* Ethernet padding bytes after the IP packet */

	/* TCP / UDP. */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t tcp_flags;
	uint16_t win;
	uint16_t mss;      /* 0: no MSS option */
	bool has_wscale;   /* window-scale option with shift `wscale` */
	uint8_t wscale;
	bool sack_perm;    /* SACK-permitted option */

	/* ICMP. */
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq; /* query types */
	uint32_t icmp_rest;         /* error types: bytes 4-7 (unused / MTU / pointer / gateway) */
	const uint8_t *quote;       /* error types: the offending IP packet's bytes ... */
	size_t quote_len;           /* ... of which this many are copied */

	/* Payload after the transport header (for any protocol). */
	const uint8_t *payload;
	size_t payload_len;
};

/* Host-order address from dotted quad; 0 for anything unparsable. */
uint32_t frame_addr(const char *dotted);

/*
 * Defaults: MACs 02:00:00:00:00:02 -> 02:00:00:00:00:01, ttl 64, ip_id 1,
 * TCP window 64240 and ACK number 0; ICMP: echo request with id = sport,
 * seq = dport.
 */
void frame_init(struct frame *f, uint8_t proto, const char *src, uint16_t sport, const char *dst,
		uint16_t dport);

/* Build into buf; returns the frame length, 0 when it does not fit in cap. */
size_t frame_build(const struct frame *f, uint8_t *buf, size_t cap);

/* Offset of the IPv4 header in a frame built from f (0, 14 or 18). */
size_t frame_l3_off(const struct frame *f);

/*
 * frame_init() f as an ICMP error `type`/`code` from `from` to `to` about
 * the packet in `orig` (a frame built from `of`), quoting its IP header and
 * at most `quote_l4` bytes of what follows (the kernel's icmp_send() quotes
 * as much as fits in 576 bytes: pass SIZE_MAX for the whole packet).  f
 * points into orig, which must outlive frame_build().
 */
void frame_icmp_error(struct frame *f, const char *from, const char *to, uint8_t type, uint8_t code,
		      const struct frame *of, const uint8_t *orig, size_t quote_l4);

/* ARP over Ethernet: op 1 request, 2 reply.  dst_mac NULL: broadcast. */
size_t frame_build_arp(uint8_t *buf, size_t cap, uint16_t op, const uint8_t sha[6], uint32_t spa,
		       const uint8_t tha[6], uint32_t tpa, const uint8_t *dst_mac);

/*
 * Naive reference checks of an IPv4 packet starting at `ip` (no trust in
 * the descriptor): header checksum, and the TCP/UDP/ICMP checksum over
 * total length - header length (UDP checksum 0 passes).
 */
bool frame_ip_csum_ok(const uint8_t *ip);
bool frame_l4_csum_ok(const uint8_t *ip);
/* The one's-complement checksum of a byte range, naively (reference). */
uint16_t frame_ref_csum(const uint8_t *p, size_t n, uint64_t initial);

#endif

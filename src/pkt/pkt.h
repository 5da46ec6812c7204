/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet descriptor: a frame is parsed once, through bounds-checked reads,
 * into a struct upt_pdesc that every later stage (conntrack, matches, NAT,
 * routing) reads.  Header fields are kept in host byte order in the
 * descriptor; the frame itself stays in network order and is only changed
 * through the upt_pdesc_set_*() rewriters, which keep the IPv4 header
 * checksum and the TCP/UDP/ICMP checksum right (RFC 1624 incremental
 * update) and the descriptor in step with the bytes.
 *
 * Validity is graded, never assumed:
 *   - upt_pkt_parse_eth() classifies the link layer (Ethernet, one 802.1Q tag,
 *     ARP, IPv4) and fails with a drop reason on anything it cannot trust;
 *   - upt_pkt_parse_ip() checks the IPv4 header as ip_rcv() does (version,
 *     IHL >= 5, total length within the frame, header checksum) and then
 *     parses the transport header when it is complete.  A truncated or
 *     missing transport header is not a drop here: it sets l4_ok = false and
 *     conntrack classifies the packet INVALID, as the kernel does.
 */
#ifndef UPT_PKT_PKT_H
#define UPT_PKT_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UPT_ETH_ALEN	6
#define UPT_ETH_HLEN	14
#define UPT_VLAN_HLEN	4
#define UPT_ETH_P_IP	0x0800
#define UPT_ETH_P_ARP	0x0806
#define UPT_ETH_P_8021Q 0x8100

#define UPT_IPPROTO_ICMP 1
#define UPT_IPPROTO_TCP	 6
#define UPT_IPPROTO_UDP	 17

#define UPT_IP_DF      0x4000
#define UPT_IP_MF      0x2000
#define UPT_IP_OFFMASK 0x1fff

/* TCP flag bits, as in the header's 13th byte. */
#define UPT_TCP_FIN 0x01
#define UPT_TCP_SYN 0x02
#define UPT_TCP_RST 0x04
#define UPT_TCP_PSH 0x08
#define UPT_TCP_ACK 0x10
#define UPT_TCP_URG 0x20
#define UPT_TCP_ECE 0x40
#define UPT_TCP_CWR 0x80

/* ICMP types the engine cares about. */
#define UPT_ICMP_ECHOREPLY	0
#define UPT_ICMP_DEST_UNREACH	3
#define UPT_ICMP_SOURCE_QUENCH	4
#define UPT_ICMP_REDIRECT	5
#define UPT_ICMP_ECHO		8
#define UPT_ICMP_TIME_EXCEEDED	11
#define UPT_ICMP_PARAMETERPROB	12
#define UPT_ICMP_TIMESTAMP	13
#define UPT_ICMP_TIMESTAMPREPLY 14
#define UPT_ICMP_INFO_REQUEST	15
#define UPT_ICMP_INFO_REPLY	16
#define UPT_ICMP_ADDRESS	17
#define UPT_ICMP_ADDRESSREPLY	18

/* Query types whose identifier the tuple tracks (icmp_manip_pkt, icmp_pkt_to_tuple). */
static inline bool upt_icmp_has_id(uint8_t type)
{
	switch (type) {
	case UPT_ICMP_ECHOREPLY:
	case UPT_ICMP_ECHO:
	case UPT_ICMP_TIMESTAMP:
	case UPT_ICMP_TIMESTAMPREPLY:
	case UPT_ICMP_INFO_REQUEST:
	case UPT_ICMP_INFO_REPLY:
	case UPT_ICMP_ADDRESS:
	case UPT_ICMP_ADDRESSREPLY:
		return true;
	default:
		return false;
	}
}

/* Error types that quote the offending packet (the kernel's icmp_error_message set). */
static inline bool upt_icmp_is_error(uint8_t type)
{
	switch (type) {
	case UPT_ICMP_DEST_UNREACH:
	case UPT_ICMP_SOURCE_QUENCH:
	case UPT_ICMP_REDIRECT:
	case UPT_ICMP_TIME_EXCEEDED:
	case UPT_ICMP_PARAMETERPROB:
		return true;
	default:
		return false;
	}
}

enum upt_l2_kind { UPT_L2_NONE = 0, UPT_L2_IPV4, UPT_L2_ARP };

struct upt_arp_desc {
	uint16_t op; /* 1 request, 2 reply */
	uint8_t sha[UPT_ETH_ALEN];
	uint8_t tha[UPT_ETH_ALEN];
	uint32_t spa, tpa; /* host order */
};

/* Header of the packet an ICMP error quotes (only when icmp_is_error). */
struct upt_inner_desc {
	uint16_t l3_off;   /* offset of the quoted IPv4 header in the frame */
	uint16_t l3_len;   /* its IHL * 4 */
	uint16_t l4_off;   /* offset of its transport header in the frame */
	uint16_t l4_avail; /* bytes of transport header present in the frame */
	uint32_t saddr, daddr;
	uint16_t sport, dport; /* ports; for quoted ICMP: id / (type << 8 | code) */
	uint8_t proto;
	bool ports_ok; /* at least 8 bytes of transport header quoted (TCP/UDP/ICMP);
			* always true for other protocols, whose tuple has no ports */
	bool ok;       /* the quoted header can be tracked: IHL >= 5, fits in the
			* packet, not a non-first fragment (the kernel's get_l4proto) */
};

struct upt_pdesc {
	uint8_t *frame;	    /* first byte of the Ethernet header (or IP, for local output) */
	uint32_t frame_len; /* bytes valid at frame */
	uint16_t l2_len;    /* 14, 18 with a VLAN tag, 0 for local output */
	uint16_t vlan_tci;  /* when has_vlan */
	bool has_vlan;
	uint8_t l2_kind; /* enum upt_l2_kind */

	union {
		struct upt_arp_desc arp;
		struct {
			uint32_t saddr, daddr; /* host order */
			uint16_t ip_len;       /* total length, validated <= frame_len - l2_len */
			uint16_t l3_len;       /* IHL * 4 */
			uint16_t frag_off;     /* flags + offset, host order */
			uint16_t ip_id;
			uint8_t proto, tos, ttl;
			bool is_fragment; /* MF set or offset != 0 */

			bool l4_ok;	 /* transport header complete (and not a later fragment):
					  * TCP 20 bytes and 20 <= doff <= l4_len, UDP 8, ICMP 8
					  * for every type; other protocols: always */
			uint16_t l4_off; /* offset of the transport header in the frame */
			uint16_t l4_len; /* ip_len - l3_len: transport header + payload */
			uint16_t sport, dport; /* TCP/UDP ports; ICMP: see icmp below */

			uint32_t tcp_seq, tcp_ack;
			uint16_t tcp_win;
			uint8_t tcp_flags;
			uint8_t tcp_doff; /* header length in bytes */

			uint8_t icmp_type, icmp_code;
			uint16_t icmp_id; /* echo/timestamp/info/address: identifier */
			bool icmp_is_error;
			struct upt_inner_desc inner;
		};
	};
};

/* Byte offset of the IPv4 header in the frame. */
static inline uint16_t upt_pdesc_l3_off(const struct upt_pdesc *d)
{
	return d->l2_len;
}

/* Bounds-checked big-endian loads: false when [off, off+n) is outside the frame. */
bool upt_pkt_load8(const struct upt_pdesc *d, uint32_t off, uint8_t *v);
bool upt_pkt_load16(const struct upt_pdesc *d, uint32_t off, uint16_t *v);
bool upt_pkt_load32(const struct upt_pdesc *d, uint32_t off, uint32_t *v);

/*
 * Parse an Ethernet frame.  Returns 0 and fills d, or a positive
 * enum upt_drop_reason.  For IPv4 frames it goes on with upt_pkt_parse_ip().
 */
int upt_pkt_parse_eth(struct upt_pdesc *d, uint8_t *frame, uint32_t len);
/* Parse an IPv4 packet starting at frame + l2_len (l2_len 0: local output). */
int upt_pkt_parse_ip(struct upt_pdesc *d, uint8_t *frame, uint32_t len, uint16_t l2_len);

/* Re-read the descriptor from the bytes (after a rewrite that moved things). */
int upt_pkt_reparse(struct upt_pdesc *d);

/*
 * Checksum of the transport header + payload with the IPv4 pseudo-header;
 * true when it verifies (UDP checksum 0 counts as valid: none sent).
 * Only meaningful when l4_ok and not a fragment.
 */
bool upt_pkt_l4_csum_ok(const struct upt_pdesc *d);
bool upt_pkt_ip_csum_ok(const struct upt_pdesc *d);

/* Recompute checksums from scratch (for packets the engine builds). */
void upt_pkt_fill_ip_csum(struct upt_pdesc *d);
void upt_pkt_fill_l4_csum(struct upt_pdesc *d);

/*
 * Rewriters: change the frame and the descriptor together, fixing the IPv4
 * header checksum and the transport checksum incrementally.  Ports of a
 * non-first fragment or of a truncated transport header are not touched
 * (the functions return false then); UDP with checksum 0 stays 0; a UDP
 * checksum that becomes 0 is written as 0xffff (RFC 768).
 * As the kernel's NAT, the address setters also refuse (false, nothing
 * changed) a first fragment whose TCP/UDP/ICMP header has fewer than 8
 * bytes; the TCP checksum is only updated when all 20 header bytes are
 * there; set_icmp_id refuses ICMP types that carry no identifier.
 */
bool upt_pdesc_set_saddr(struct upt_pdesc *d, uint32_t addr);
bool upt_pdesc_set_daddr(struct upt_pdesc *d, uint32_t addr);
bool upt_pdesc_set_sport(struct upt_pdesc *d, uint16_t port);
bool upt_pdesc_set_dport(struct upt_pdesc *d, uint16_t port);
bool upt_pdesc_set_icmp_id(struct upt_pdesc *d, uint16_t id);
void upt_pdesc_set_ttl(struct upt_pdesc *d, uint8_t ttl);
void upt_pdesc_set_tos(struct upt_pdesc *d, uint8_t tos);

/*
 * Bytes inside a TCP or UDP segment (options, payload) at frame offset
 * `off`: written with the transport checksum updated incrementally (an odd
 * offset is handled; a UDP checksum of 0 stays 0).  Refuses (false,
 * nothing changed) a non-first fragment, bytes outside the segment, or the
 * checksum field itself.
 */
bool upt_pdesc_write_l4(struct upt_pdesc *d, uint32_t off, const void *bytes, uint32_t n);
/*
 * Insert n bytes (a multiple of 4) of TCP options right after the fixed
 * 20-byte header, moving the existing options up, as the kernel's TCPMSS
 * does: data offset, IP total length and both checksums updated
 * incrementally, the descriptor too (frame_len grows when the segment
 * reaches past it).  `cap` is how many bytes from d->frame may be written.
 * Refused (false, nothing changed) when the segment carries data, the
 * header would exceed 60 bytes, the room is short, or for a non-first
 * fragment.
 */
bool upt_pdesc_tcp_insert_option(struct upt_pdesc *d, uint32_t cap, const void *opt, uint32_t n);

/*
 * ICMP errors: rewrite the quoted packet's address/port and keep both the
 * quoted IP header checksum and the outer ICMP checksum right.  `which` is
 * 0 for the quoted source, 1 for the quoted destination.
 */
bool upt_pdesc_set_inner_addr(struct upt_pdesc *d, int which, uint32_t addr);
bool upt_pdesc_set_inner_port(struct upt_pdesc *d, int which, uint16_t port);

/* Ethernet header. */
void upt_pkt_set_eth(struct upt_pdesc *d, const uint8_t dst[UPT_ETH_ALEN],
		     const uint8_t src[UPT_ETH_ALEN]);

/* A one-line summary ("tcp 1.2.3.4:80 > 5.6.7.8:1000 [S] len 60") for traces. */
int upt_pkt_summary(const struct upt_pdesc *d, char *buf, size_t len);

/* Dotted quad of a host-order address into buf (at least 16 bytes). */
char *upt_ip_str(uint32_t addr, char *buf);

#endif

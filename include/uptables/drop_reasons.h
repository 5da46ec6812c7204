/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The single list of reasons a packet can be dropped (or consumed) by the
 * engine.  Every drop carries one of these and bumps its counter; the
 * simulator's trace prints the string.  Add new reasons here only: the enum,
 * the name table and the counters are all generated from this list.
 */
#ifndef UPTABLES_DROP_REASONS_H
#define UPTABLES_DROP_REASONS_H

#define UPT_DROP_REASONS(X)                                                                        \
	X(NONE, "none")                                                                            \
	/* link layer */                                                                           \
	X(ETH_TRUNCATED, "ethernet header truncated")                                              \
	X(ETH_NOT_FOR_US, "destination MAC is not ours (PACKET_OTHERHOST)")                        \
	X(ETH_UNKNOWN_TYPE, "ethertype not handled")                                               \
	X(VLAN_UNKNOWN, "802.1Q tag with no VLAN interface configured")                            \
	X(ARP_MALFORMED, "malformed ARP packet")                                                   \
	X(ARP_NOT_FOR_US, "ARP not addressed to one of our addresses")                             \
	X(ARP_CONSUMED, "ARP handled by the gateway")                                              \
	X(UNKNOWN_IFACE, "frame on an interface the engine does not know")                         \
	X(IFACE_DOWN, "interface is down")                                                         \
	/* IPv4 header */                                                                          \
	X(IP_TRUNCATED, "IPv4 header truncated")                                                   \
	X(IP_BAD_VERSION, "IP version is not 4")                                                   \
	X(IP_BAD_IHL, "IPv4 header length < 20")                                                   \
	X(IP_BAD_TOTLEN, "IPv4 total length larger than the frame or smaller than the header")     \
	X(IP_BAD_CSUM, "IPv4 header checksum wrong")                                               \
	X(IP_FRAGMENT, "locally generated IPv4 fragment (not reassembled)")                        \
	X(IP_MARTIAN_SRC, "martian source address")                                                \
	X(IP_MARTIAN_DST, "martian destination address")                                           \
	X(IP_BAD_OPTIONS, "malformed IPv4 options")                                                \
	/* routing and forwarding */                                                               \
	X(FORWARDING_DISABLED, "net.ipv4.ip_forward is 0")                                         \
	X(NO_ROUTE, "no route to destination")                                                     \
	X(TTL_EXCEEDED, "TTL expired in transit")                                                  \
	X(FRAG_NEEDED, "packet larger than the MTU with DF set")                                   \
	X(NEIGH_QUEUE_FULL, "neighbour resolution queue full")                                     \
	X(NEIGH_FAILED, "neighbour resolution failed")                                             \
	X(NEIGH_HELD, "held until the next hop's MAC is resolved")                                 \
	X(NO_SOCKET, "local delivery with no listener")                                            \
	/* rule verdicts */                                                                        \
	X(RULE_DROP, "dropped by rule")                                                            \
	X(POLICY_DROP, "dropped by chain policy")                                                  \
	X(REJECT, "rejected by rule (error sent)")                                                 \
	X(RULE_HOTDROP, "match dropped the packet (hotdrop)")                                      \
	X(RULE_UNSUPPORTED, "verdict not supported (QUEUE/NFQUEUE without a queue)")               \
	X(TCPMSS_DROP, "TCPMSS: bad TCP header, unknown path MTU or no room for the option")       \
	/* conntrack and NAT */                                                                    \
	X(CT_TABLE_FULL, "conntrack table full, no unassured entry to evict")                      \
	X(CT_CLASH, "conntrack insert clashed with an existing entry")                             \
	X(CT_INVALID_DROP, "conntrack declared the packet invalid and dropped it")                 \
	X(NAT_NO_TUPLE, "NAT found no free tuple")                                                 \
	X(NAT_MANIP_FAILED, "NAT rewrite failed (truncated or fragment)")                          \
	X(NAT_NO_ADDRESS, "MASQUERADE/REDIRECT: interface has no address")                         \
	X(ICMP_RATELIMIT, "ICMP error rate limited")                                               \
	X(INTERNAL, "internal error")                                                              \
	/* fragments (src/core/defrag.c, frag_out.c); added last to keep the numbers */            \
	X(DEFRAG_HELD, "fragment held for reassembly")                                             \
	X(DEFRAG_DUP, "duplicate fragment")                                                        \
	X(DEFRAG_OVERLAP, "overlapping fragment: the datagram is dropped (RFC 5722)")              \
	X(DEFRAG_INVALID,                                                                          \
	  "fragment beyond or against the datagram's end, or empty: datagram dropped")             \
	X(DEFRAG_TIMEOUT, "reassembly timed out (ipfrag_time)")                                    \
	X(DEFRAG_NO_QUEUE, "no reassembly memory (queues or runs all in use)")                     \
	X(DEFRAG_ECN, "fragments mix Not-ECT with ECN codepoints: datagram dropped")               \
	X(DEFRAG_OVERSIZE, "reassembled datagram larger than 65535 bytes")                         \
	X(DEFRAG_NO_ROOM, "reassembled datagram larger than the caller's buffer")                  \
	X(FRAG_SENT, "left as fragments through the emit callback")                                \
	X(DEFRAG_TOO_FAR,                                                                          \
	  "more than ipfrag_max_dist fragments from the source in between: queue restarted")

#endif

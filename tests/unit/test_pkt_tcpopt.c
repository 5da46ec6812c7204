/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The segment rewriters of src/pkt/tcpopt.c: bytes written inside a TCP
 * or UDP segment keep the transport checksum right at any offset (checked
 * by the naive reference checksum of frames.c), UDP without a checksum
 * stays without one, and every refusal leaves the packet as it was.
 */
#include <string.h>

#include "check.h"
#include "frames.h"
#include "pkt/pkt.h"

static uint8_t buf[FRAME_MAX];
static struct upt_pdesc d;

static void build(const struct frame *f)
{
	size_t n = frame_build(f, buf, sizeof(buf));

	CHECK(n > 0);
	CHECK_EQ(upt_pkt_parse_eth(&d, buf, (uint32_t)n), 0);
}

static const uint8_t payload[11] = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a'};

TEST(write_l4_keeps_the_checksum_at_every_offset_and_length)
{
	static const uint8_t bytes[5] = {0xde, 0xad, 0xbe, 0xef, 0x01};

	for (int proto = 0; proto < 2; proto++)
		for (uint32_t at = 0; at < sizeof(payload); at++)
			for (uint32_t n = 1; n <= 5 && at + n <= sizeof(payload); n++) {
				struct frame f;
				uint32_t hdr = proto ? 8 : 20;

				frame_init(&f, proto ? UPT_IPPROTO_UDP : UPT_IPPROTO_TCP,
					   "198.51.100.2", 1000, "192.168.1.2", 2000);
				f.tcp_flags = UPT_TCP_ACK;
				f.payload = payload;
				f.payload_len = sizeof(payload); /* odd: a padded last word */
				build(&f);
				CHECK(upt_pdesc_write_l4(&d, d.l4_off + hdr + at, bytes, n));
				CHECK(memcmp(buf + d.l4_off + hdr + at, bytes, n) == 0);
				CHECK_MSG(frame_l4_csum_ok(buf + 14), "%s at %u len %u",
					  proto ? "udp" : "tcp", at, n);
			}
}

TEST(write_l4_leaves_a_udp_packet_without_checksum_so)
{
	static const uint8_t bytes[2] = {0x12, 0x34};
	struct frame f;

	frame_init(&f, UPT_IPPROTO_UDP, "198.51.100.2", 1000, "192.168.1.2", 2000);
	f.payload = payload;
	f.payload_len = sizeof(payload);
	build(&f);
	buf[d.l4_off + 6] = buf[d.l4_off + 7] = 0;
	CHECK(upt_pdesc_write_l4(&d, d.l4_off + 8, bytes, 2));
	CHECK_EQ(buf[d.l4_off + 6], 0);
	CHECK_EQ(buf[d.l4_off + 7], 0);
}

TEST(write_l4_refusals_change_nothing)
{
	static const uint8_t bytes[2] = {0x12, 0x34};
	uint8_t before[FRAME_MAX];
	struct frame f;

	frame_init(&f, UPT_IPPROTO_TCP, "198.51.100.2", 1000, "192.168.1.2", 2000);
	f.payload = payload;
	f.payload_len = 4;
	build(&f);
	memcpy(before, buf, sizeof(buf));
	CHECK(!upt_pdesc_write_l4(&d, d.l4_off + 16, bytes, 2)); /* the checksum itself */
	CHECK(!upt_pdesc_write_l4(&d, d.l4_off + 15, bytes, 2));
	CHECK(!upt_pdesc_write_l4(&d, d.l4_off - 1, bytes, 2));	 /* before the segment */
	CHECK(!upt_pdesc_write_l4(&d, d.l4_off + 23, bytes, 2)); /* past its end */
	CHECK(!upt_pdesc_write_l4(&d, d.l4_off + 20, bytes, 0));
	CHECK(memcmp(before, buf, sizeof(buf)) == 0);
	/* A later fragment holds no header to keep consistent. */
	f.frag_offset = 2;
	build(&f);
	memcpy(before, buf, sizeof(buf));
	CHECK(!upt_pdesc_write_l4(&d, d.l4_off + 2, bytes, 2));
	CHECK(memcmp(before, buf, sizeof(buf)) == 0);
	/* ICMP has no pseudo-header checksum to update this way. */
	frame_init(&f, UPT_IPPROTO_ICMP, "198.51.100.2", 1, "192.168.1.2", 1);
	build(&f);
	CHECK(!upt_pdesc_write_l4(&d, d.l4_off + 4, bytes, 2));
}

TEST(insert_option_grows_header_length_and_checksums)
{
	static const uint8_t nops[8] = {1, 1, 1, 1, 1, 1, 1, 0};
	struct frame f;
	uint32_t len;

	frame_init(&f, UPT_IPPROTO_TCP, "198.51.100.2", 1000, "192.168.1.2", 2000);
	f.tcp_flags = UPT_TCP_SYN;
	f.mss = 1460;
	build(&f);
	len = d.frame_len;
	CHECK(upt_pdesc_tcp_insert_option(&d, sizeof(buf), nops, 8));
	CHECK_EQ(d.frame_len, len + 8);
	CHECK_EQ(d.ip_len, 52);
	CHECK_EQ(d.l4_len, 32);
	CHECK_EQ(d.tcp_doff, 32);
	CHECK(memcmp(buf + d.l4_off + 20, nops, 8) == 0);
	CHECK_EQ(buf[d.l4_off + 28], 2); /* the MSS option moved up */
	CHECK(frame_ip_csum_ok(buf + 14));
	CHECK(frame_l4_csum_ok(buf + 14));
	/* Refusals: odd size, too long a header, no room, a segment with data. */
	CHECK(!upt_pdesc_tcp_insert_option(&d, sizeof(buf), nops, 3));
	CHECK(!upt_pdesc_tcp_insert_option(&d, sizeof(buf), nops, 8) ||
	      !upt_pdesc_tcp_insert_option(&d, sizeof(buf), nops, 8) ||
	      !upt_pdesc_tcp_insert_option(&d, sizeof(buf), nops, 8) ||
	      !upt_pdesc_tcp_insert_option(&d, sizeof(buf), nops, 8));
	CHECK(d.tcp_doff <= 60);
	build(&f);
	CHECK(!upt_pdesc_tcp_insert_option(&d, d.frame_len + 3, nops, 4));
	CHECK_EQ(d.ip_len, 44);
	f.payload = payload;
	f.payload_len = 2;
	build(&f);
	CHECK(!upt_pdesc_tcp_insert_option(&d, sizeof(buf), nops, 4));
	CHECK(frame_l4_csum_ok(buf + 14));
}

int main(void)
{
	RUN(write_l4_keeps_the_checksum_at_every_offset_and_length);
	RUN(write_l4_leaves_a_udp_packet_without_checksum_so);
	RUN(write_l4_refusals_change_nothing);
	RUN(insert_option_grows_header_length_and_checksums);
	return check_report("test_pkt_tcpopt");
}

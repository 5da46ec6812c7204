/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internet checksum.
 *
 * Theory of operation: the checksum is the one's-complement of the
 * one's-complement sum of the data taken as big-endian 16-bit words (RFC
 * 1071).  We add the words in a 64-bit accumulator (no carry is ever lost)
 * and fold the carries back in before returning, so a partial sum returned
 * to the caller fits in 32 bits and can be fed back in as `sum`.
 *
 * Incremental update follows RFC 1624 equation 3, HC' = ~(~HC + ~m + m').
 * Equation 2 (HC' = HC - ~m - m') can produce 0x0000 where a full
 * recomputation would give 0xffff or the reverse; equation 3 computed with
 * end-around carry never does, provided the stored checksum was itself
 * computed correctly.
 */
#include "pkt/csum.h"

static uint32_t fold32(uint64_t sum)
{
	while (sum >> 32)
		sum = (sum & 0xffffffffu) + (sum >> 32);
	return (uint32_t)sum;
}

static uint16_t fold16(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * An odd length is padded with a zero byte, so when a checksum is summed in
 * several pieces only the last piece may have an odd length.
 */
uint32_t upt_csum_partial(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	uint64_t acc = sum;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		acc += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		acc += (uint32_t)p[len - 1] << 8;
	return fold32(acc);
}

uint16_t upt_csum_fold(uint32_t sum)
{
	return (uint16_t)~fold16(sum);
}

uint32_t upt_csum_pseudo(uint32_t saddr, uint32_t daddr, uint8_t proto, uint16_t len)
{
	uint64_t acc = 0;

	acc += saddr >> 16;
	acc += saddr & 0xffffu;
	acc += daddr >> 16;
	acc += daddr & 0xffffu;
	acc += proto;
	acc += len;
	return fold32(acc);
}

uint16_t upt_csum_update16(uint16_t csum, uint16_t old, uint16_t new_)
{
	uint32_t sum = (uint16_t)~csum;

	sum += (uint16_t)~old;
	sum += new_;
	return (uint16_t)~fold16(sum);
}

uint16_t upt_csum_update32(uint16_t csum, uint32_t old, uint32_t new_)
{
	uint32_t sum = (uint16_t)~csum;

	sum += (uint16_t) ~(old >> 16);
	sum += (uint16_t) ~(old & 0xffffu);
	sum += new_ >> 16;
	sum += new_ & 0xffffu;
	return (uint16_t)~fold16(sum);
}

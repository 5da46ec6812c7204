/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internet checksum (RFC 1071) and its incremental update (RFC 1624:
 * HC' = ~(~HC + ~m + m')).  Values passed in and out are the 16-bit
 * checksum field as it sits in the packet, read as a big-endian number.
 */
#ifndef UPT_PKT_CSUM_H
#define UPT_PKT_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* One's-complement sum of data (big-endian 16-bit words) added to sum, not folded. */
uint32_t upt_csum_partial(const void *data, size_t len, uint32_t sum);
/* Fold to 16 bits and complement: the value to store in a checksum field. */
uint16_t upt_csum_fold(uint32_t sum);
/* Pseudo-header sum for TCP/UDP over IPv4 (host-order addresses), not folded. */
uint32_t upt_csum_pseudo(uint32_t saddr, uint32_t daddr, uint8_t proto, uint16_t len);

/* RFC 1624 updates of a stored checksum when a 16- or 32-bit field changes. */
uint16_t upt_csum_update16(uint16_t csum, uint16_t old, uint16_t new_);
uint16_t upt_csum_update32(uint16_t csum, uint32_t old, uint32_t new_);

#endif

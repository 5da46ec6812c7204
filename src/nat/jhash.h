/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bob Jenkins' lookup3 word hash as the kernel has it (jhash2() in
 * include/linux/jhash.h, initial value 0xdeadbeef).  NAT uses it, and not
 * our keyed SipHash, for one reason: the kernel picks the address of a
 * multi-address SNAT/DNAT range with it (find_best_ips_proto), so the same
 * hash is what makes our choice the kernel's.
 */
#ifndef UPT_NAT_JHASH_H
#define UPT_NAT_JHASH_H

#include <stdint.h>

/* Hash `n` 32-bit words; same result as the kernel's jhash2(k, n, initval). */
uint32_t upt_nat_jhash2(const uint32_t *k, uint32_t n, uint32_t initval);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deterministic PRNG (splitmix64) for choices the kernel makes at random
 * (NAT port offsets).  The engine seeds it; the simulator seeds it from its
 * command line, so runs repeat exactly.
 */
#ifndef UPT_BASE_RAND_H
#define UPT_BASE_RAND_H

#include <stdint.h>

static inline uint64_t upt_rand_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint32_t upt_rand_u32(uint64_t *state)
{
	return (uint32_t)(upt_rand_next(state) >> 32);
}

#endif

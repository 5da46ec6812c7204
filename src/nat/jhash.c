// SPDX-License-Identifier: GPL-2.0
/*
 * lookup3's hashword() in the kernel's variant (see jhash.h).  Written from
 * Bob Jenkins' public-domain description: a 3-word state mixed per block of
 * three words, and a final avalanche of the last block.
 */
#include "nat/jhash.h"

#define JHASH_INITVAL 0xdeadbeefu

static inline uint32_t rol32(uint32_t v, unsigned s)
{
	return (v << s) | (v >> (32 - s));
}

/* Reversible mix of one full block into the state. */
static inline void mix(uint32_t *a, uint32_t *b, uint32_t *c)
{
	*a -= *c;
	*a ^= rol32(*c, 4);
	*c += *b;
	*b -= *a;
	*b ^= rol32(*a, 6);
	*a += *c;
	*c -= *b;
	*c ^= rol32(*b, 8);
	*b += *a;
	*a -= *c;
	*a ^= rol32(*c, 16);
	*c += *b;
	*b -= *a;
	*b ^= rol32(*a, 19);
	*a += *c;
	*c -= *b;
	*c ^= rol32(*b, 4);
	*b += *a;
}

/* Final avalanche into c. */
static inline void final(uint32_t *a, uint32_t *b, uint32_t *c)
{
	*c ^= *b;
	*c -= rol32(*b, 14);
	*a ^= *c;
	*a -= rol32(*c, 11);
	*b ^= *a;
	*b -= rol32(*a, 25);
	*c ^= *b;
	*c -= rol32(*b, 16);
	*a ^= *c;
	*a -= rol32(*c, 4);
	*b ^= *a;
	*b -= rol32(*a, 14);
	*c ^= *b;
	*c -= rol32(*b, 24);
}

uint32_t upt_nat_jhash2(const uint32_t *k, uint32_t n, uint32_t initval)
{
	uint32_t a, b, c;

	a = b = c = JHASH_INITVAL + (n << 2) + initval;
	while (n > 3) {
		a += k[0];
		b += k[1];
		c += k[2];
		mix(&a, &b, &c);
		n -= 3;
		k += 3;
	}
	/* The last one to three words; an empty tail leaves c as it is. */
	if (n == 0)
		return c;
	if (n == 3)
		c += k[2];
	if (n >= 2)
		b += k[1];
	a += k[0];
	final(&a, &b, &c);
	return c;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * SipHash-2-4 (Aumasson & Bernstein, "SipHash: a fast short-input PRF",
 * 2012): two compression rounds per 8-byte word, four finalisation rounds.
 * The key is two 64-bit words; the paper's byte key k0..k15 is
 * key[0] = le64(k0..k7), key[1] = le64(k8..k15).  Input bytes are read as
 * little-endian words whatever the host's byte order, so a hash value is
 * the same on every machine (the tests compare with the paper's vector).
 */
#include "base/siphash.h"

static inline uint64_t rotl64(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

static inline uint64_t load_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

struct sip_state {
	uint64_t v0, v1, v2, v3;
};

static inline void sip_round(struct sip_state *s)
{
	s->v0 += s->v1;
	s->v1 = rotl64(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = rotl64(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = rotl64(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = rotl64(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = rotl64(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = rotl64(s->v2, 32);
}

static inline void sip_absorb(struct sip_state *s, uint64_t m)
{
	s->v3 ^= m;
	sip_round(s);
	sip_round(s);
	s->v0 ^= m;
}

uint64_t upt_siphash(const uint64_t key[2], const void *data, size_t len)
{
	/* Initialisation constants: "somepseudorandomlygeneratedbytes". */
	struct sip_state s = {
	    .v0 = key[0] ^ 0x736f6d6570736575ull,
	    .v1 = key[1] ^ 0x646f72616e646f6dull,
	    .v2 = key[0] ^ 0x6c7967656e657261ull,
	    .v3 = key[1] ^ 0x7465646279746573ull,
	};
	const uint8_t *p = data;
	size_t left = len;
	uint64_t last;

	for (; left >= 8; left -= 8, p += 8)
		sip_absorb(&s, load_le64(p));

	/* Final word: remaining bytes, zero padding, length mod 256 on top. */
	last = (uint64_t)(len & 0xff) << 56;
	for (size_t i = 0; i < left; i++)
		last |= (uint64_t)p[i] << (8 * i);
	sip_absorb(&s, last);

	s.v2 ^= 0xff;
	for (unsigned i = 0; i < 4; i++)
		sip_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

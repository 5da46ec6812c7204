// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's jhash2, pinned two ways:
 *   - words -> hash values from an independent Python transcription of
 *     include/linux/jhash.h (every tail length 0..3, one and two blocks);
 *   - the addresses Linux 6.18 picked from multi-address ranges
 *     (nat_vectors.h), recomputed here with the kernel's formula from
 *     find_best_ips_proto(): jhash2 over the 4-word source address (network
 *     order read as a little-endian word, then three zero words), initval
 *     destination ^ zone (0 with --persistent), scaled into the range with
 *     reciprocal_scale().
 *
 * Python used for the first table (kernel macros transcribed, M = 2**32-1):
 *   def rol(x,k): return ((x<<k)|(x>>(32-k)))&M
 *   mix: a-=c;a^=rol(c,4);c+=b; b-=a;b^=rol(a,6);a+=c; c-=b;c^=rol(b,8);b+=a;
 *        a-=c;a^=rol(c,16);c+=b; b-=a;b^=rol(a,19);a+=c; c-=b;c^=rol(b,4);b+=a
 *   final: c^=b;c-=rol(b,14); a^=c;a-=rol(c,11); b^=a;b-=rol(a,25);
 *          c^=b;c-=rol(b,16); a^=c;a-=rol(c,4); b^=a;b-=rol(a,14); c^=b;c-=rol(b,24)
 *   a=b=c=0xdeadbeef+(n<<2)+init; blocks of 3 while n>3; tail c+=k2,b+=k1,a+=k0; final
 */
#include <stdint.h>

#include "check.h"
#include "frames.h"
#include "nat/jhash.h"
#include "nat_vectors.h"

static const struct {
	uint32_t k[6];
	uint32_t n, initval, want;
} words[] = {
	{ { 0 }, 0, 0, 0xdeadbeef },
	{ { 0 }, 0, 0x0102630a, 0xdfb021f9 },
	{ { 1 }, 1, 0, 0x72a82a9b },
	{ { 1 }, 1, 0x0102630a, 0x8975bb87 },
	{ { 1, 2 }, 2, 0, 0x8b4c7979 },
	{ { 1, 2 }, 2, 0x0102630a, 0xc98ba08f },
	{ { 1, 2, 3 }, 3, 0, 0xa46158f5 },
	{ { 1, 2, 3 }, 3, 0x0102630a, 0x71d34d82 },
	{ { 0x0101630a, 0, 0, 0 }, 4, 0, 0xae69ad6a },
	{ { 0x0101630a, 0, 0, 0 }, 4, 0x0102630a, 0xe23bca98 },
	{ { 1, 2, 3, 4, 5 }, 5, 0, 0x629129c0 },
	{ { 1, 2, 3, 4, 5 }, 5, 0x0102630a, 0xa2155132 },
	{ { 0xdeadbeef, 0xcafebabe, 0x12345678, 0x9abcdef0, 0, 0xffffffff }, 6, 0, 0xabe4a3e8 },
	{ { 0xdeadbeef, 0xcafebabe, 0x12345678, 0x9abcdef0, 0, 0xffffffff },
	  6,
	  0x0102630a,
	  0x4ba8ba73 },
};

TEST(jhash2_matches_kernel_transcription)
{
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		CHECK_MSG(upt_nat_jhash2(words[i].k, words[i].n, words[i].initval) == words[i].want,
			  "row %zu: got 0x%08x want 0x%08x", i,
			  upt_nat_jhash2(words[i].k, words[i].n, words[i].initval), words[i].want);
}

static uint32_t le_word(uint32_t host_order)
{
	return __builtin_bswap32(host_order);
}

TEST(jhash2_reproduces_kernel_address_choice)
{
	for (size_t i = 0; i < sizeof(nat_kernel_vectors) / sizeof(nat_kernel_vectors[0]); i++) {
		const struct nat_kernel_vector *v = &nat_kernel_vectors[i];
		const char *lo, *hi;
		uint32_t key[4] = { le_word(frame_addr(v->src)), 0, 0, 0 };
		uint32_t init, j, min, dist, got;

		nat_vector_range(v->rule, &lo, &hi);
		min = frame_addr(lo);
		dist = frame_addr(hi) - min + 1;
		init = strcmp(v->rule, "snat_persistent") == 0 ? 0 : le_word(frame_addr(v->dst));
		j = upt_nat_jhash2(key, 4, init);
		got = min + (uint32_t)(((uint64_t)j * dist) >> 32);
		CHECK_MSG(got == frame_addr(v->chosen), "%s %s -> %s: kernel chose %s", v->rule,
			  v->src, v->dst, v->chosen);
	}
}

int main(void)
{
	RUN(jhash2_matches_kernel_transcription);
	RUN(jhash2_reproduces_kernel_address_choice);
	return check_report("test_nat_jhash");
}

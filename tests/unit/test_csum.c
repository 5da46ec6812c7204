/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internet checksum: RFC 1071's numerical example, RFC 1624's corner case,
 * and incremental updates against a deliberately naive full recomputation
 * over many random headers, fields and values.
 */
#include "check.h"

#include "pkt/csum.h"

/* xorshift32: deterministic, so a failure reproduces. */
static uint32_t rnd_state = 0x9e3779b9u;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* Values that stress the +0/-0 corners get picked often. */
static uint16_t rnd_word(void)
{
	switch (rnd() % 6) {
	case 0:
		return 0x0000;
	case 1:
		return 0xffff;
	case 2:
		return (uint16_t)(0xff00 | (rnd() & 0xff));
	default:
		return (uint16_t)rnd();
	}
}

/*
 * Naive reference: the one's-complement sum is the plain sum taken modulo
 * 0xffff, except that a non-zero total that is a multiple of 0xffff is
 * "negative zero", 0xffff.  The checksum is its complement.
 */
static uint16_t ref_checksum(const uint16_t *w, int n)
{
	uint64_t total = 0, s;
	int i;

	for (i = 0; i < n; i++)
		total += w[i];
	if (total == 0)
		s = 0;
	else if (total % 0xffff == 0)
		s = 0xffff;
	else
		s = total % 0xffff;
	return (uint16_t)(0xffff - s);
}

/* The library's full checksum of the same words, laid out big-endian. */
static uint16_t lib_checksum(const uint16_t *w, int n)
{
	uint8_t b[64];
	int i;

	for (i = 0; i < n; i++) {
		b[2 * i] = (uint8_t)(w[i] >> 8);
		b[2 * i + 1] = (uint8_t)w[i];
	}
	return upt_csum_fold(upt_csum_partial(b, (size_t)n * 2, 0));
}

TEST(rfc1071_numerical_example)
{
	/* RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2. */
	static const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	uint32_t sum = upt_csum_partial(data, sizeof(data), 0);

	CHECK_EQ(upt_csum_fold(sum), 0x220d);
	CHECK_EQ((uint16_t)~upt_csum_fold(sum), 0xddf2);
}

TEST(partial_sums_chain_and_pad_odd_tail)
{
	static const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	static const uint8_t odd[] = {0x12, 0x34, 0x56};

	/* Pieces of even length chain to the same result as one pass. */
	CHECK_EQ(upt_csum_fold(upt_csum_partial(data + 4, 4, upt_csum_partial(data, 4, 0))),
		 0x220d);
	/* An odd tail is padded with a zero byte: 0x1234 + 0x5600. */
	CHECK_EQ(upt_csum_fold(upt_csum_partial(odd, 3, 0)), (uint16_t)~(0x1234 + 0x5600));
	/* Nothing summed is +0, whose complement is 0xffff. */
	CHECK_EQ(upt_csum_fold(upt_csum_partial(data, 0, 0)), 0xffff);
}

TEST(partial_sum_does_not_lose_carries_on_long_buffers)
{
	static uint8_t big[65536];
	uint16_t w[1];

	/* 32768 words of 0xffff: the sum is -0, the checksum 0x0000. */
	memset(big, 0xff, sizeof(big));
	CHECK_EQ(upt_csum_fold(upt_csum_partial(big, sizeof(big), 0)), 0x0000);
	/* 32768 words of 0xfffe: total 0xfffe * 0x8000 = 0x7fff0000 = 0x7fff * 0xffff + 0x7fff. */
	memset(big, 0xff, sizeof(big));
	for (size_t i = 1; i < sizeof(big); i += 2)
		big[i] = 0xfe;
	w[0] = 0x7fff;
	CHECK_EQ(upt_csum_fold(upt_csum_partial(big, sizeof(big), 0)), ref_checksum(w, 1));
}

TEST(pseudo_header_sums_addresses_protocol_and_length)
{
	/* 192.0.2.1 -> 198.51.100.2, TCP, 40 bytes, summed by hand. */
	uint32_t expect = 0xc000 + 0x0201 + 0xc633 + 0x6402 + 6 + 40;

	CHECK_EQ((uint16_t)~upt_csum_fold(upt_csum_pseudo(0xc0000201, 0xc6336402, 6, 40)),
		 (uint16_t)((expect & 0xffff) + (expect >> 16)));
}

TEST(rfc1624_equation3_gives_zero_where_equation2_gave_ffff)
{
	/*
	 * RFC 1624 section 3: other header words sum to 0xcd7a, m = 0x5555
	 * becomes 0x3285; HC = 0xdd2f and the recomputed HC' is 0x0000.
	 */
	CHECK_EQ(upt_csum_update16(0xdd2f, 0x5555, 0x3285), 0x0000);
	CHECK_EQ(upt_csum_update32(0xdd2f, 0x00005555, 0x00003285), 0x0000);
}

TEST(update_with_unchanged_value_keeps_checksum)
{
	CHECK_EQ(upt_csum_update16(0x1234, 0xabcd, 0xabcd), 0x1234);
	CHECK_EQ(upt_csum_update32(0x1234, 0xdeadbeef, 0xdeadbeef), 0x1234);
}

/*
 * A 10-word "header" whose word 0 is a constant non-zero (like IPv4's
 * version/IHL) and word 5 the checksum.  All-zero data is the one case where
 * equation 3 and a recomputation disagree (0x0000 vs 0xffff), and no real
 * header or pseudo-header is all zeros.
 */
#define NW 10
#define CW 5

static void fill_header(uint16_t *w)
{
	int i;

	w[0] = 0x4500 | (rnd() & 0xff);
	for (i = 1; i < NW; i++)
		w[i] = rnd_word();
	w[CW] = 0;
	w[CW] = ref_checksum(w, NW);
}

TEST(update16_equals_full_recomputation)
{
	uint16_t w[NW];
	int iter, bad = 0, lib_bad = 0;

	for (iter = 0; iter < 200000; iter++) {
		int k = 1 + (int)(rnd() % (NW - 1));
		uint16_t old, nw, got;

		if (k == CW)
			k = CW + 1;
		fill_header(w);
		if (lib_checksum(w, NW) != 0)
			lib_bad++; /* the stored checksum must verify with the library too */
		old = w[k];
		nw = rnd_word();
		got = upt_csum_update16(w[CW], old, nw);
		w[k] = nw;
		w[CW] = 0;
		if (got != ref_checksum(w, NW)) {
			if (bad++ < 5)
				CHECK_MSG(0, "update16(old %04x new %04x) = %04x, recomputed %04x", old,
					  nw, got, ref_checksum(w, NW));
		}
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(lib_bad, 0);
}

TEST(update32_equals_full_recomputation)
{
	uint16_t w[NW];
	int iter, bad = 0;

	for (iter = 0; iter < 200000; iter++) {
		/* A 32-bit field at words (k, k+1), like an IPv4 address. */
		int k = 6 + (int)(rnd() % 3);
		uint32_t old, nv;
		uint16_t got;

		fill_header(w);
		old = (uint32_t)w[k] << 16 | w[k + 1];
		nv = (uint32_t)rnd_word() << 16 | rnd_word();
		got = upt_csum_update32(w[CW], old, nv);
		w[k] = (uint16_t)(nv >> 16);
		w[k + 1] = (uint16_t)nv;
		w[CW] = 0;
		if (got != ref_checksum(w, NW) && bad++ < 5)
			CHECK_MSG(0, "update32(old %08x new %08x) = %04x, recomputed %04x", old, nv,
				  got, ref_checksum(w, NW));
	}
	CHECK_EQ(bad, 0);
}

TEST(chained_updates_equal_full_recomputation)
{
	uint16_t w[NW];
	int iter, step, bad = 0;

	/* Many changes in a row: errors would accumulate if any step were off. */
	for (iter = 0; iter < 20000; iter++) {
		uint16_t c;

		fill_header(w);
		c = w[CW];
		for (step = 0; step < 8; step++) {
			int k = 1 + (int)(rnd() % (NW - 1));
			uint16_t nw = rnd_word();

			if (k == CW)
				continue;
			c = upt_csum_update16(c, w[k], nw);
			w[k] = nw;
		}
		w[CW] = 0;
		if (c != ref_checksum(w, NW))
			bad++;
	}
	CHECK_EQ(bad, 0);
}

int main(void)
{
	RUN(rfc1071_numerical_example);
	RUN(partial_sums_chain_and_pad_odd_tail);
	RUN(partial_sum_does_not_lose_carries_on_long_buffers);
	RUN(pseudo_header_sums_addresses_protocol_and_length);
	RUN(rfc1624_equation3_gives_zero_where_equation2_gave_ffff);
	RUN(update_with_unchanged_value_keeps_checksum);
	RUN(update16_equals_full_recomputation);
	RUN(update32_equals_full_recomputation);
	RUN(chained_updates_equal_full_recomputation);
	return check_report("test_csum");
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal table-friendly test harness.  Every CHECK counts one assertion;
 * a test binary ends with check_report(), which prints
 *     "<binary>: N passed, M failed"
 * and returns the exit status.  tests/run-unit adds the lines up.
 */
#ifndef UPT_TEST_CHECK_H
#define UPT_TEST_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

extern unsigned check_passed, check_failed;
extern const char *check_current;

void check_fail_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int check_report(const char *name);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (cond)                                                                          \
			check_passed++;                                                            \
		else                                                                               \
			check_fail_at(__FILE__, __LINE__, "%s", #cond);                           \
	} while (0)

#define CHECK_MSG(cond, ...)                                                                       \
	do {                                                                                       \
		if (cond)                                                                          \
			check_passed++;                                                            \
		else                                                                               \
			check_fail_at(__FILE__, __LINE__, __VA_ARGS__);                            \
	} while (0)

#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b);                    \
		if (check_a_ == check_b_)                                                          \
			check_passed++;                                                            \
		else                                                                               \
			check_fail_at(__FILE__, __LINE__, "%s == %s (%lld != %lld)", #a, #b,       \
				      check_a_, check_b_);                                         \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *check_sa_ = (a), *check_sb_ = (b);                                     \
		if (check_sa_ && check_sb_ && strcmp(check_sa_, check_sb_) == 0)                   \
			check_passed++;                                                            \
		else                                                                               \
			check_fail_at(__FILE__, __LINE__, "%s == %s\n    got:  \"%s\"\n    want: \"%s\"", \
				      #a, #b, check_sa_ ? check_sa_ : "(null)",                    \
				      check_sb_ ? check_sb_ : "(null)");                           \
	} while (0)

/* Names the behaviour under test in failure messages. */
#define TEST(name) static void name(void)
#define RUN(name)                                                                                  \
	do {                                                                                       \
		check_current = #name;                                                             \
		name();                                                                            \
	} while (0)

#endif

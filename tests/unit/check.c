/* SPDX-License-Identifier: GPL-2.0 */
#include "check.h"

#include <stdarg.h>

unsigned check_passed, check_failed;
const char *check_current = "?";

void check_fail_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	check_failed++;
	fprintf(stderr, "FAIL %s:%d [%s]: ", file, line, check_current);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int check_report(const char *name)
{
	printf("%s: %u passed, %u failed\n", name, check_passed, check_failed);
	return check_failed ? 1 : 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * iptables' error reporting: a parameter problem prints the message and a
 * "Try ... -h" line and exits 2; a command that could not be applied (no
 * such chain, no such rule, index too big) prints "PROG: MESSAGE" and exits
 * 1; a chain still in use exits 4 (checked on iptables 1.8.9).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int cli_param_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry `%s -h' or '%s --help' for more information.\n", prog, prog);
	return CLI_EXIT_PARAM;
}

/* Messages of src/rules/restore.c that report a command which cannot be applied. */
static const struct {
	const char *prefix;
	int status;
} exec_msgs[] = {
    {"No chain/target/match by that name", CLI_EXIT_OTHER},
    {"Bad rule (does a matching rule exist", CLI_EXIT_OTHER},
    {"Index of ", CLI_EXIT_OTHER},
    {"Chain already exists", CLI_EXIT_OTHER},
    {"File exists", CLI_EXIT_OTHER},
    {"Bad built-in chain name", CLI_EXIT_OTHER},
    {"Bad policy name", CLI_EXIT_OTHER},
    {"Can't set policy", CLI_EXIT_OTHER},
    {"COMMIT without a table", CLI_EXIT_OTHER},
    {"CHAIN_DEL failed", CLI_EXIT_RESOURCE},
    {"RULE_", CLI_EXIT_RESOURCE}, /* RULE_APPEND failed (...): the kernel refused the rule */
    {"out of memory", CLI_EXIT_RESOURCE},
};

int cli_exec_status(const char *msg)
{
	for (size_t i = 0; i < sizeof(exec_msgs) / sizeof(exec_msgs[0]); i++)
		if (strncmp(msg, exec_msgs[i].prefix, strlen(exec_msgs[i].prefix)) == 0)
			return exec_msgs[i].status;
	return 0;
}

const char *cli_strip_line(const char *msg, unsigned *line)
{
	char *end;

	*line = 0;
	if (strncmp(msg, "line ", 5) != 0)
		return msg;
	unsigned long n = strtoul(msg + 5, &end, 10);
	if (end == msg + 5 || strncmp(end, ": ", 2) != 0)
		return msg;
	*line = (unsigned)n;
	return end + 2;
}

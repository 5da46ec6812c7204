// SPDX-License-Identifier: GPL-2.0
/*
 * uptables, uptables-save and uptables-restore are one binary: the name it
 * is started under picks the program, as with iptables' xtables-multi.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

int cli_write_stdout(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "uptables: write error: %s\n", strerror(errno));
			return CLI_EXIT_OTHER;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *name = argc > 0 && argv[0] ? argv[0] : "uptables";
	const char *slash = strrchr(name, '/');

	if (slash)
		name = slash + 1;
	if (strcmp(name, "uptables-save") == 0)
		return cli_save_main(argc, argv);
	if (strcmp(name, "uptables-restore") == 0)
		return cli_restore_main(argc, argv);
	return cli_iptables_main(argc, argv);
}

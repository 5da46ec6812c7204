// SPDX-License-Identifier: GPL-2.0
/*
 * Where a command goes.  Two kinds of target: a rules file edited offline
 * (--ruleset FILE, $UPTABLES_RULESET) and the live daemon's control socket
 * (--socket PATH, $UPTABLES_SOCKET, default /run/uptables.sock).  An option
 * beats the environment, and the rules file beats the socket when both are
 * given the same way.  The daemon does not exist yet, so a socket target is
 * refused with a message that says how to use a rules file instead; we do
 * not invent a protocol for it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static int take(int argc, char **argv, int *i, const char *name, const char **out)
{
	const char *w = argv[*i];
	size_t n = strlen(name);

	if (strncmp(w, "--", 2) != 0 || strncmp(w + 2, name, n) != 0)
		return 0;
	if (w[2 + n] == '=') {
		*out = w + 3 + n;
		return 1;
	}
	if (w[2 + n] != '\0')
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*out = argv[++*i];
	return 1;
}

int cli_target_arg(int argc, char **argv, int *i, struct cli_target *t)
{
	int rc = take(argc, argv, i, "ruleset", &t->ruleset);
	if (rc)
		return rc;
	return take(argc, argv, i, "socket", &t->socket);
}

const char *cli_target_file(const struct cli_target *t, const char *prog)
{
	const char *sock = t->socket;
	const char *env;

	if (t->ruleset && t->ruleset[0])
		return t->ruleset;
	if (!sock) {
		env = getenv("UPTABLES_RULESET");
		if (env && env[0])
			return env;
		env = getenv("UPTABLES_SOCKET");
		sock = env && env[0] ? env : CLI_DEFAULT_SOCKET;
	}
	fprintf(stderr,
		"%s: cannot reach the uptables daemon at %s: the daemon (uptablesd) is not "
		"available in this version.\n"
		"%s: to edit a rules file instead, give --ruleset FILE or set "
		"UPTABLES_RULESET=FILE (iptables-save format, created if missing).\n",
		prog, sock, prog);
	return NULL;
}

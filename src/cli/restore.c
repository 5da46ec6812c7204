// SPDX-License-Identifier: GPL-2.0
/*
 * `uptables-restore`: iptables-restore input (stdin or a file) applied to
 * the rules file.  The whole input is applied or none of it: any error
 * names its line and leaves the file as it was (the model's restore works
 * on copies and the file is replaced only after it succeeded).  Options as
 * iptables-restore 1.8: -n/--noflush, -c/--counters, -t/--test (check
 * only, write nothing), -T/--table TABLE (only that table of the input),
 * -w/--wait [SECS] (how long to wait for the file's lock; without it we
 * wait as long as it takes), -W/--wait-interval, -v/--verbose and
 * -M/--modprobe accepted.
 *
 * Errors are reported as iptables-restore 1.8.9 does: a syntax error as
 * "PROG: MESSAGE", "Error occurred at line: N" and the -h hint (exit 2);
 * a command that cannot be applied as "PROG: line N failed: MESSAGE"
 * (exit 1).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

#define PROG "uptables-restore"

static void usage(void)
{
	printf("uptables-restore v" CLI_VERSION "\n\n"
	       "Usage: uptables-restore [--ruleset FILE | --socket PATH] [-c] [-v] [-t] [-n] "
	       "[-T table] [-w [secs]] [file]\n\n"
	       "  -c, --counters       take [pkts:bytes] counters from the input\n"
	       "  -n, --noflush        keep the rules of the tables not flushed by the input\n"
	       "  -t, --test           only check the input, change nothing\n"
	       "  -T, --table TABLE    restore only this table of the input\n"
	       "  -w, --wait [SECS]    wait at most SECS for the rules file's lock\n"
	       "  -W, --wait-interval, -v, --verbose, -M, --modprobe: accepted\n"
	       "See uptables-restore(8).\n");
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static bool is_opt(const char *w, char s, const char *lname)
{
	return (w[0] == '-' && w[1] == s && w[2] == '\0') ||
	       (strncmp(w, "--", 2) == 0 && strcmp(w + 2, lname) == 0);
}

static int read_input(const char *file, char **text, size_t *len)
{
	int fd = file ? open(file, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	size_t cap = 65536, n = 0;
	char *buf;

	if (fd < 0) {
		fprintf(stderr, "Can't open %s: %s\n", file, strerror(errno));
		return CLI_EXIT_OTHER;
	}
	buf = malloc(cap);
	for (;;) {
		if (!buf)
			break;
		if (n == cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "%s: read error: %s\n", PROG, strerror(errno));
			free(buf);
			if (file)
				close(fd);
			return CLI_EXIT_OTHER;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (file)
		close(fd);
	if (!buf) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		return CLI_EXIT_RESOURCE;
	}
	*text = buf;
	*len = n;
	return 0;
}

static int report(const char *err)
{
	unsigned line;
	const char *msg = cli_strip_line(err, &line);

	if (!line) {
		/* "COMMIT expected at line N", an unknown -T table, ... */
		fprintf(stderr, PROG ": %s\n", msg);
		return CLI_EXIT_OTHER;
	}
	if (cli_exec_status(msg)) {
		fprintf(stderr, PROG ": line %u failed: %s\n", line, msg);
		return CLI_EXIT_OTHER;
	}
	fprintf(stderr,
		PROG ": %s\nError occurred at line: %u\n"
		     "Try `" PROG " -h' or '" PROG " --help' for more information.\n",
		msg, line);
	return CLI_EXIT_PARAM;
}

int cli_restore_main(int argc, char **argv)
{
	struct cli_target tgt = {0};
	struct cli_store st;
	const char *file = NULL, *only = NULL, *path;
	unsigned flags = 0;
	int wait_secs = -1, rc;
	char *text = NULL;
	size_t len = 0;
	char err[1024];

	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		int r = cli_target_arg(argc, argv, &i, &tgt);

		if (r < 0)
			return cli_param_error(PROG, "option \"%s\" requires an argument", w);
		if (r > 0)
			continue;
		if (is_opt(w, 'n', "noflush")) {
			flags |= UPT_RESTORE_NOFLUSH;
		} else if (is_opt(w, 'c', "counters")) {
			flags |= UPT_RESTORE_COUNTERS;
		} else if (is_opt(w, 't', "test")) {
			flags |= UPT_RESTORE_TEST;
		} else if (is_opt(w, 'v', "verbose")) {
			/* accepted */
		} else if (is_opt(w, 'T', "table") || is_opt(w, 'M', "modprobe")) {
			if (i + 1 >= argc)
				return cli_param_error(PROG, "option \"%s\" requires an argument",
						       w);
			if (w[1] == 'T' || w[2] == 't')
				only = argv[i + 1];
			i++;
		} else if (!strncmp(w, "--table=", 8) || (w[0] == '-' && w[1] == 'T' && w[2])) {
			only = w[1] == 'T' ? w + 2 : w + 8;
		} else if (!strncmp(w, "--modprobe=", 11) || (w[0] == '-' && w[1] == 'M' && w[2])) {
			/* ignored */
		} else if (is_opt(w, 'w', "wait") || is_opt(w, 'W', "wait-interval")) {
			const char *num =
			    i + 1 < argc && all_digits(argv[i + 1]) ? argv[++i] : NULL;
			if (w[1] == 'w' || w[2] == 'w')
				wait_secs = num && !strstr(w, "interval") ? atoi(num) : -1;
		} else if ((w[0] == '-' && (w[1] == 'w' || w[1] == 'W') && all_digits(w + 2)) ||
			   !strncmp(w, "--wait=", 7) || !strncmp(w, "--wait-interval=", 16)) {
			if (w[1] == 'w')
				wait_secs = atoi(w + 2);
			else if (!strncmp(w, "--wait=", 7))
				wait_secs = atoi(w + 7);
		} else if (is_opt(w, 'h', "help")) {
			usage();
			return 0;
		} else if (is_opt(w, 'V', "version")) {
			printf("uptables-restore v" CLI_VERSION "\n");
			return 0;
		} else if (w[0] == '-' && w[1] != '\0') {
			return cli_param_error(PROG, "unknown option \"%s\"", w);
		} else if (!file) {
			file = w;
		} else {
			return cli_param_error(PROG, "Unknown arguments found on commandline");
		}
	}
	if (!(path = cli_target_file(&tgt, PROG)))
		return CLI_EXIT_OTHER;
	if ((rc = read_input(file && strcmp(file, "-") ? file : NULL, &text, &len)) != 0)
		return rc;
	if ((rc = cli_store_open(&st, path, PROG, !(flags & UPT_RESTORE_TEST), wait_secs)) != 0) {
		free(text);
		return rc;
	}
	if (upt_rules_restore(st.rs, text, len, flags, only, err, sizeof(err)) < 0)
		rc = report(err);
	else if (!(flags & UPT_RESTORE_TEST))
		rc = cli_store_commit(&st);
	free(text);
	cli_store_close(&st);
	return rc;
}

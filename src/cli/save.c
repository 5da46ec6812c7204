// SPDX-License-Identifier: GPL-2.0
/*
 * `uptables-save`: the rules file in iptables-save format on stdout (or in
 * --file FILE).  -c adds the counters, -t TABLE restricts the output to one
 * table; a table the file never mentioned is printed as a fresh one (its
 * built-in chains, ACCEPT), as iptables-save -t does for a table that does
 * not exist yet.  -M/--modprobe is accepted and ignored.  Reading takes no
 * lock: writers replace the file atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "rules/model.h"

#define PROG "uptables-save"

static void usage(void)
{
	printf("uptables-save v" CLI_VERSION "\n\n"
	       "Usage: uptables-save [--ruleset FILE | --socket PATH] [-c] [-t table] "
	       "[-f file] [-M modprobe]\n\n"
	       "  -c, --counters       include packet and byte counters\n"
	       "  -t, --table TABLE    only this table\n"
	       "  -f, --file FILE      write to FILE instead of stdout\n"
	       "  -M, --modprobe PROG  accepted and ignored\n"
	       "See uptables-save(8).\n");
}

/* "-x VALUE", "-xVALUE", "--name VALUE", "--name=VALUE"; NULL when not this option. */
static const char *opt_value(int argc, char **argv, int *i, char s, const char *lname,
			     bool *missing)
{
	const char *w = argv[*i];
	size_t n = strlen(lname);

	*missing = false;
	if (w[0] == '-' && w[1] == s) {
		if (w[2])
			return w + 2;
	} else if (strncmp(w, "--", 2) == 0 && strncmp(w + 2, lname, n) == 0 &&
		   (w[2 + n] == '\0' || w[2 + n] == '=')) {
		if (w[2 + n] == '=')
			return w + 3 + n;
	} else {
		return NULL;
	}
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

int cli_save_main(int argc, char **argv)
{
	struct cli_target tgt = {0};
	struct cli_store st;
	struct upt_sb sb;
	const char *table = NULL, *outfile = NULL, *path;
	unsigned flags = 0;
	int t = -1, rc;

	for (int i = 1; i < argc; i++) {
		const char *w = argv[i], *v;
		bool missing;
		int r = cli_target_arg(argc, argv, &i, &tgt);

		if (r < 0)
			return cli_param_error(PROG, "option \"%s\" requires an argument", w);
		if (r > 0)
			continue;
		if (!strcmp(w, "-c") || !strcmp(w, "--counters")) {
			flags |= UPT_SAVE_COUNTERS;
		} else if ((v = opt_value(argc, argv, &i, 't', "table", &missing)) || missing) {
			if (missing)
				return cli_param_error(PROG, "option \"%s\" requires an argument",
						       w);
			table = v;
		} else if ((v = opt_value(argc, argv, &i, 'f', "file", &missing)) || missing) {
			if (missing)
				return cli_param_error(PROG, "option \"%s\" requires an argument",
						       w);
			outfile = v;
		} else if ((v = opt_value(argc, argv, &i, 'M', "modprobe", &missing)) || missing) {
			if (missing)
				return cli_param_error(PROG, "option \"%s\" requires an argument",
						       w);
		} else if (!strcmp(w, "-h") || !strcmp(w, "--help")) {
			usage();
			return 0;
		} else if (!strcmp(w, "-V") || !strcmp(w, "--version")) {
			printf("uptables-save v" CLI_VERSION "\n");
			return 0;
		} else {
			return cli_param_error(PROG, "unknown option \"%s\"", w);
		}
	}
	if (table && (t = upt_rules_table_by_name(table)) < 0) {
		fprintf(stderr, "Table `%s' does not exist\n", table);
		return CLI_EXIT_OTHER;
	}
	if (!(path = cli_target_file(&tgt, PROG)))
		return CLI_EXIT_OTHER;
	if ((rc = cli_store_open(&st, path, PROG, false, -1)) != 0)
		return rc;
	if (t >= 0 && !upt_rules_has_table(st.rs, (enum upt_table)t))
		upt_table_reset(&st.rs->t[t], (enum upt_table)t);
	upt_sb_init(&sb);
	if (upt_rules_save(st.rs, table, flags, &sb) < 0) {
		fprintf(stderr, PROG ": out of memory\n");
		rc = CLI_EXIT_RESOURCE;
	} else if (outfile) {
		int fd = open(outfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, upt_sb_str(&sb), sb.len) != (ssize_t)sb.len) {
			fprintf(stderr, "Failed to open file, error: %s\n", strerror(errno));
			rc = CLI_EXIT_OTHER;
		}
		if (fd >= 0)
			close(fd);
	} else {
		rc = cli_write_stdout(upt_sb_str(&sb), sb.len);
	}
	upt_sb_free(&sb);
	cli_store_close(&st);
	return rc;
}

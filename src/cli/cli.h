/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The iptables command line: uptables, uptables-save and uptables-restore,
 * one program chosen by the name it is started under (main.c).  Shared
 * pieces: where a command goes (a rules file or the daemon's socket), the
 * locked rules file, address names for -L, and iptables' error reporting.
 */
#ifndef UPT_CLI_CLI_H
#define UPT_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/rules.h"

#define CLI_VERSION	   "0.1"
#define CLI_DEFAULT_SOCKET "/run/uptables.sock"

/* Exit statuses, iptables' values. */
#define CLI_EXIT_OTHER	  1 /* OTHER_PROBLEM: the command failed */
#define CLI_EXIT_PARAM	  2 /* PARAMETER_PROBLEM: bad command line */
#define CLI_EXIT_VERSION  3 /* VERSION_PROBLEM: e.g. unknown table */
#define CLI_EXIT_RESOURCE 4 /* RESOURCE_PROBLEM: busy chain, lock timeout */

/* ---- target of a command (target.c) ---- */

struct cli_target {
	const char *ruleset; /* --ruleset FILE */
	const char *socket;  /* --socket PATH */
};

/*
 * Take "--ruleset FILE", "--ruleset=FILE", "--socket PATH", "--socket=PATH"
 * at argv[*i] (advancing *i past an argument).  Returns 1 when consumed,
 * 0 when the word is not ours, -1 when the argument is missing.
 */
int cli_target_arg(int argc, char **argv, int *i, struct cli_target *t);

/*
 * Choose the file: --ruleset, else --socket, else $UPTABLES_RULESET, else
 * $UPTABLES_SOCKET or the default socket.  Returns the rules file path, or
 * NULL after printing why a socket target cannot be used (no daemon yet).
 */
const char *cli_target_file(const struct cli_target *t, const char *prog);

/* ---- the rules file (store.c) ---- */

struct cli_store {
	const char *path; /* the file itself: symbolic links resolved */
	char *resolved;	  /* owns path when it differs from the name given */
	const char *prog;
	int lockfd;	      /* -1: not locked (readers) */
	struct upt_rules *rs; /* the file's ruleset */
};

/*
 * Open the rules file (created empty when missing) and load it.  A writer
 * first takes the exclusive lock on PATH.lock, waiting at most wait_secs
 * seconds (< 0: as long as it takes).  Returns 0, or an exit status after
 * printing the error.
 */
int cli_store_open(struct cli_store *st, const char *path, const char *prog, bool writer,
		   int wait_secs);
/* Replace the file atomically (temporary file + rename); 0 or an exit status. */
int cli_store_commit(struct cli_store *st);
void cli_store_close(struct cli_store *st);

/* ---- names for -L without -n (names.c) ---- */

/* /etc/hosts, then /etc/networks; never DNS.  ctx is unused (NULL). */
const char *cli_addr_name(uint32_t addr, void *ctx);

/* ---- errors (report.c) ---- */

/* "PROG: MSG\nTry `PROG -h' or 'PROG --help' for more information.", returns CLI_EXIT_PARAM. */
int cli_param_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Is a message from the rules model about applying a command (a missing
 * chain or rule, an index too big, a busy chain), rather than about its
 * syntax?  Returns the exit status iptables gives it, 0 for a syntax error.
 */
int cli_exec_status(const char *msg);
/* Skip a leading "line N: " of a restore message; *line gets N (0 when absent). */
const char *cli_strip_line(const char *msg, unsigned *line);

/* ---- programs ---- */

int cli_iptables_main(int argc, char **argv);
int cli_save_main(int argc, char **argv);
int cli_restore_main(int argc, char **argv);

/* Write the whole buffer to stdout; 0 or CLI_EXIT_OTHER. */
int cli_write_stdout(const char *buf, size_t len);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One iptables command line (argv, without the program name) parsed into a
 * command and, for -A/-I/-D/-R/-C, the rule(s) it names.  Shared by restore
 * and, later, the CLI.
 */
#ifndef UPT_RULES_PARSE_H
#define UPT_RULES_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/model.h"

enum upt_cmd_kind {
	UPT_CMD_NONE = 0,
	UPT_CMD_APPEND,
	UPT_CMD_INSERT,
	UPT_CMD_DELETE,	    /* by specification */
	UPT_CMD_DELETE_NUM, /* -D CHAIN N */
	UPT_CMD_REPLACE,
	UPT_CMD_CHECK,
	UPT_CMD_FLUSH,
	UPT_CMD_ZERO,
	UPT_CMD_ZERO_NUM,
	UPT_CMD_NEW_CHAIN,
	UPT_CMD_DELETE_CHAIN,
	UPT_CMD_RENAME_CHAIN,
	UPT_CMD_POLICY,
	UPT_CMD_LIST,
	UPT_CMD_LIST_RULES,
};

struct upt_cmd {
	int kind;	     /* enum upt_cmd_kind */
	const char *chain;   /* NULL: all chains (-F, -Z, -X, -L, -S) */
	const char *newname; /* -E */
	const char *policy;  /* -P */
	unsigned rulenum;    /* 1-based; 0 when not given */
	/* -A/-I/-D/-R/-C: the rule(s); several when -s/-d list addresses. */
	struct upt_rule **rules;
	unsigned nrules;
	bool counters; /* -c given */
	uint64_t pcnt, bcnt;
	bool skip; /* an -6 line: iptables-restore ignores it */
	/* Listing flags, for the CLI. */
	bool numeric, verbose, exact, linenumbers;
};

/* Parser options. */
#define UPT_PARSE_RESTORE 0x1 /* inside iptables-restore: -t, -w, -W are errors */

/*
 * Parse argv[0..argc).  `tm` is the table as it stands (to check that jump
 * destinations exist); NULL skips that check.  Returns 0, or -errno with
 * iptables' message in err.  On success the caller owns cmd->rules
 * (upt_cmd_free).
 */
int upt_cmd_parse(enum upt_table table, const struct upt_table_model *tm, int argc, char **argv,
		  unsigned flags, struct upt_cmd *cmd, char *err, size_t errlen);
void upt_cmd_free(struct upt_cmd *cmd);

/* Protocol number to the name iptables-save prints; NULL when it prints the number. */
const char *upt_proto_name(uint8_t proto);

#endif

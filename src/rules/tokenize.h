/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iptables-restore's word splitting of one input line.
 */
#ifndef UPT_RULES_TOKENIZE_H
#define UPT_RULES_TOKENIZE_H

#include <stddef.h>

#define UPT_TOK_MAXARGS	 255  /* iptables' MAX_ARGC */
#define UPT_TOK_MAXPARAM 1024 /* longest word iptables-restore accepts */

/*
 * Split line[0..len) into words.  The words are copied, NUL-terminated, into
 * buf (bufsz >= 2 * len + 2 is always enough) and argv[] points at them.
 * Returns the number of words, or -EINVAL / -E2BIG with a message in err.
 */
int upt_tokenize(const char *line, size_t len, char *buf, size_t bufsz, char **argv, int maxargs,
		 char *err, size_t errlen);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * Word splitting as iptables-restore does it (checked against iptables
 * 1.8.9 on this machine):
 *   - words are separated by runs of space, tab or newline;
 *   - a double quote opens a quoted section: spaces in it are kept, a
 *     backslash inside it takes the next character literally (\" and \\),
 *     and the closing quote ends the word ("ab"cd is two words);
 *   - an empty pair of quotes is an empty word (-c "" passes "");
 *   - outside quotes a backslash is an ordinary character, and single
 *     quotes are ordinary characters too: iptables-restore does not treat
 *     '...' as quoting (`--comment 'a b'` gives the words 'a and b').
 *   - an unterminated quote runs to the end of the line.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include "rules/tokenize.h"

int upt_tokenize(const char *line, size_t len, char *buf, size_t bufsz, char **argv, int maxargs,
		 char *err, size_t errlen)
{
	size_t out = 0, wstart = 0, wlen = 0;
	bool in_quote = false, escaped = false, word_open = false;
	int argc = 0;

	if (bufsz < 2 * len + 2) {
		snprintf(err, errlen, "tokenizer buffer too small");
		return -EINVAL;
	}

	for (size_t i = 0; i <= len; i++) {
		char ch = i < len ? line[i] : '\0';
		bool end_word = false;

		if (i == len) {
			end_word = word_open;
		} else if (in_quote) {
			if (escaped) {
				escaped = false;
			} else if (ch == '\\') {
				escaped = true;
				continue;
			} else if (ch == '"') {
				in_quote = false;
				end_word = true;
			}
		} else if (ch == '"') {
			in_quote = true;
			word_open = true;
			continue;
		} else if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
			if (!word_open)
				continue;
			end_word = true;
		}

		if (end_word) {
			if (argc >= maxargs) {
				snprintf(err, errlen, "Parser cannot handle more arguments");
				return -E2BIG;
			}
			buf[out++] = '\0';
			argv[argc++] = buf + wstart;
			wstart = out;
			wlen = 0;
			word_open = false;
			continue;
		}
		if (++wlen >= UPT_TOK_MAXPARAM) {
			snprintf(err, errlen, "Parameter too long!");
			return -E2BIG;
		}
		buf[out++] = ch;
		word_open = true;
	}
	return argc;
}

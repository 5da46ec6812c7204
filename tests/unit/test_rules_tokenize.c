// SPDX-License-Identifier: GPL-2.0
/*
 * iptables-restore word splitting.  Expected words are what iptables-restore
 * 1.8.9 (nf_tables) on this machine makes of the same line: e.g.
 * `--comment 'a b'` fails there with "Bad argument `b''", which shows the
 * single quotes are kept as ordinary characters.
 */
#include <string.h>

#include "check.h"
#include "rules/tokenize.h"

static const struct {
	const char *line;
	int argc;
	const char *words[6];
} rows[] = {
	{"-A INPUT -j ACCEPT", 4, {"-A", "INPUT", "-j", "ACCEPT"}},
	{"  -A\tINPUT   -j  ACCEPT  ", 4, {"-A", "INPUT", "-j", "ACCEPT"}},
	{"--comment \"a b\"", 2, {"--comment", "a b"}},
	{"--comment \"a \\\"b\\\" c\"", 2, {"--comment", "a \"b\" c"}},
	{"--comment \"back\\\\slash\"", 2, {"--comment", "back\\slash"}},
	{"x\\y", 1, {"x\\y"}},                       /* no escapes outside quotes */
	{"-c \"\" -j", 3, {"-c", "", "-j"}},         /* empty quoted word */
	{"--comment 'a b'", 3, {"--comment", "'a", "b'"}}, /* single quotes are literal */
	{"\"ab\"cd", 2, {"ab", "cd"}},               /* closing quote ends the word */
	{"ab\"c d\"", 1, {"abc d"}},                 /* quote inside a word continues it */
	{"\"unterminated word", 1, {"unterminated word"}},
	{"", 0, {NULL}},
	{"   ", 0, {NULL}},
};

TEST(tokenize_splits_like_iptables_restore)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char buf[256], err[128] = "";
		char *argv[16];
		size_t len = strlen(rows[i].line);
		int argc = upt_tokenize(rows[i].line, len, buf, sizeof(buf), argv, 16, err,
					sizeof(err));
		CHECK_MSG(argc == rows[i].argc, "row %zu (%s): argc %d want %d", i, rows[i].line,
			  argc, rows[i].argc);
		for (int k = 0; k < argc && k < rows[i].argc; k++)
			CHECK_STR(argv[k], rows[i].words[k]);
	}
}

TEST(tokenize_rejects_too_many_words_and_long_words)
{
	char line[1200], buf[2600], err[128] = "";
	char *argv[8];

	CHECK(upt_tokenize("a b c d e f g h i", 17, buf, sizeof(buf), argv, 8, err, sizeof(err)) <
	      0);
	CHECK_STR(err, "Parser cannot handle more arguments");
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	CHECK(upt_tokenize(line, strlen(line), buf, sizeof(buf), argv, 8, err, sizeof(err)) < 0);
	CHECK_STR(err, "Parameter too long!");
}

int main(void)
{
	RUN(tokenize_splits_like_iptables_restore);
	RUN(tokenize_rejects_too_many_words_and_long_words);
	return check_report("test_rules_tokenize");
}

/* SPDX-License-Identifier: GPL-2.0 */
/* -m comment --comment TEXT: always matches; TEXT is kept (up to 255 bytes) for listings. */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

#define COMMENT_LEN 256 /* XT_MAX_COMMENT_LEN, NUL included */

enum { O_COMMENT };

struct comment_data {
	char text[COMMENT_LEN];
	uint8_t given;
};

static const struct upt_xt_option comment_opts[] = {
    {"comment", O_COMMENT, UPT_XTOPT_ARG},
    {NULL, 0, 0},
};

static void comment_init(void *data)
{
	memset(data, 0, sizeof(struct comment_data));
}

static int comment_parse(void *data, unsigned id, bool invert, const char *arg,
			 struct upt_xt_parse *p)
{
	struct comment_data *c = data;
	size_t n = strlen(arg);

	(void)invert;
	(void)p;
	if (id != O_COMMENT)
		return -EINVAL;
	/* Longer text is cut to 255 bytes, as libxtables does for a fixed-size string. */
	if (n >= COMMENT_LEN)
		n = COMMENT_LEN - 1;
	memcpy(c->text, arg, n);
	c->text[n] = '\0';
	c->given = 1;
	return 0;
}

static int comment_check(void *data, struct upt_xt_parse *p)
{
	const struct comment_data *c = data;

	if (!c->given)
		return upt_xt_error(p, "comment: option \"--comment\" must be specified");
	return 0;
}

static void comment_save(const void *data, struct upt_sb *sb)
{
	const struct comment_data *c = data;

	upt_sb_puts(sb, " --comment");
	upt_xtu_save_string(sb, c->text);
}

static void comment_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct comment_data *c = data;

	(void)flags;
	upt_sb_printf(sb, " /* %s */", c->text);
}

static bool comment_match(const void *data, struct upt_xt_pkt *p)
{
	(void)data;
	(void)p;
	return true;
}

const struct upt_match_ops upt_match_comment = {
    .name = "comment",
    .size = sizeof(struct comment_data),
    .options = comment_opts,
    .init = comment_init,
    .parse = comment_parse,
    .check = comment_check,
    .save = comment_save,
    .print = comment_print,
    .match = comment_match,
};

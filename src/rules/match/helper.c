/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m helper [!] --helper NAME (the kernel's xt_helper.c): true for a packet
 * whose connection was created from an expectation of a helper named NAME
 * (an FTP data connection for "ftp"); an empty NAME means any helper.  A
 * packet whose connection has no master connection gets `!`'s value.
 *
 * This engine has no conntrack helpers (see CT.c), so no connection ever has
 * a master: the match is exactly what the kernel answers for such packets,
 * false, or true with `!`.  The name is not checked against known helpers,
 * as the kernel does not check it either.
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_HELPER };

#define HELPER_NAME_LEN 30 /* struct xt_helper_info.name */

struct helper_data {
	char name[HELPER_NAME_LEN];
	uint8_t invert;
	uint8_t given;
};

static const struct upt_xt_option helper_opts[] = {
    {"helper", O_HELPER, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

static void helper_init(void *data)
{
	memset(data, 0, sizeof(struct helper_data));
}

static int helper_parse(void *data, unsigned id, bool invert, const char *arg,
			struct upt_xt_parse *p)
{
	struct helper_data *h = data;

	if (id != O_HELPER)
		return -EINVAL;
	if (strlen(arg) >= HELPER_NAME_LEN)
		return upt_xt_error(p, "helper: option \"--helper\" is too long (max %d)",
				    HELPER_NAME_LEN - 1);
	strcpy(h->name, arg);
	h->invert = invert;
	h->given = 1;
	return 0;
}

static int helper_check(void *data, struct upt_xt_parse *p)
{
	if (!((const struct helper_data *)data)->given)
		return upt_xt_error(p, "helper: option \"--helper\" must be specified");
	return 0;
}

static void helper_save(const void *data, struct upt_sb *sb)
{
	const struct helper_data *h = data;

	upt_sb_puts(sb, h->invert ? " ! --helper" : " --helper");
	upt_xtu_save_string(sb, h->name);
}

static void helper_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct helper_data *h = data;

	(void)flags;
	upt_sb_printf(sb, " helper match%s \"%s\"", h->invert ? " !" : "", h->name);
}

static bool helper_match(const void *data, struct upt_xt_pkt *p)
{
	const struct helper_data *h = data;

	/* No connection here has a master (no helpers create expectations). */
	(void)p;
	return h->invert;
}

const struct upt_match_ops upt_match_helper = {
    .name = "helper",
    .needs_conntrack = true,
    .size = sizeof(struct helper_data),
    .options = helper_opts,
    .init = helper_init,
    .parse = helper_parse,
    .check = helper_check,
    .save = helper_save,
    .print = helper_print,
    .match = helper_match,
};

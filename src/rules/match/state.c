/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m state --state LIST (the kernel's xt_state.c): matches when the
 * packet's conntrack state is in LIST.  Also home of the state-bit helpers
 * that -m conntrack shares.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "rules/match/ctstate.h"
#include "rules/xt_util.h"

static const struct upt_xtu_flag_name state_names[] = {
    {"INVALID", UPT_CTS_INVALID},
    {"NEW", UPT_CTS_NEW},
    {"ESTABLISHED", UPT_CTS_ESTABLISHED},
    {"RELATED", UPT_CTS_RELATED},
    {"UNTRACKED", UPT_CTS_UNTRACKED},
    {"SNAT", UPT_CTS_SNAT},
    {"DNAT", UPT_CTS_DNAT},
};
#define N_STATES (sizeof(state_names) / sizeof(state_names[0]))

/* Print order differs from the lookup order above (iptables prints RELATED before ESTABLISHED). */
static const uint32_t print_order[] = {
    UPT_CTS_INVALID,   UPT_CTS_NEW,  UPT_CTS_RELATED, UPT_CTS_ESTABLISHED,
    UPT_CTS_UNTRACKED, UPT_CTS_SNAT, UPT_CTS_DNAT,
};

uint32_t upt_ctstate_bit(const struct upt_xt_pkt *p)
{
	if (p->ct)
		return 1u << (p->ctinfo % 3 +
			      1); /* XT_STATE_BIT: reply infos fold onto originals */
	if (p->ctinfo == UPT_CTINFO_UNTRACKED)
		return UPT_CTS_UNTRACKED;
	return UPT_CTS_INVALID;
}

bool upt_ctstate_parse(const char *arg, bool with_nat, uint32_t *mask)
{
	/* SNAT and DNAT (the last two) are -m conntrack's only. */
	return upt_xtu_parse_flag_list(arg, state_names, with_nat ? N_STATES : N_STATES - 2, mask);
}

void upt_ctstate_put(struct upt_sb *sb, uint32_t mask)
{
	const char *sep = "";
	size_t i, j;

	for (i = 0; i < sizeof(print_order) / sizeof(print_order[0]); i++) {
		if (!(mask & print_order[i]))
			continue;
		for (j = 0; state_names[j].bit != print_order[i]; j++)
			;
		upt_sb_printf(sb, "%s%s", sep, state_names[j].name);
		sep = ",";
	}
}

enum { O_STATE };

struct state_data {
	uint32_t mask;
	uint8_t invert;
	uint8_t given;
};

static const struct upt_xt_option state_opts[] = {
    {"state", O_STATE, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

static void state_init(void *data)
{
	memset(data, 0, sizeof(struct state_data));
}

static int state_parse(void *data, unsigned id, bool invert, const char *arg,
		       struct upt_xt_parse *p)
{
	struct state_data *s = data;

	if (id != O_STATE)
		return -EINVAL;
	if (!upt_ctstate_parse(arg, false, &s->mask))
		return upt_xt_error(p, "Bad state \"%s\"", arg);
	s->invert = invert;
	s->given = 1;
	return 0;
}

static int state_check(void *data, struct upt_xt_parse *p)
{
	const struct state_data *s = data;

	if (!s->given)
		return upt_xt_error(p, "state: option \"--state\" must be specified");
	return 0;
}

static void state_save(const void *data, struct upt_sb *sb)
{
	const struct state_data *s = data;

	if (s->invert)
		upt_sb_puts(sb, " !");
	upt_sb_puts(sb, " --state ");
	upt_ctstate_put(sb, s->mask);
}

static void state_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct state_data *s = data;

	(void)flags;
	if (s->invert)
		upt_sb_puts(sb, " !");
	upt_sb_puts(sb, " state ");
	upt_ctstate_put(sb, s->mask);
}

static bool state_match(const void *data, struct upt_xt_pkt *p)
{
	const struct state_data *s = data;

	return ((s->mask & upt_ctstate_bit(p)) != 0) != (bool)s->invert;
}

const struct upt_match_ops upt_match_state = {
    .name = "state",
    .needs_conntrack = true,
    .size = sizeof(struct state_data),
    .options = state_opts,
    .init = state_init,
    .parse = state_parse,
    .check = state_check,
    .save = state_save,
    .print = state_print,
    .match = state_match,
};

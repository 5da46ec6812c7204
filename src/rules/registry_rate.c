/* SPDX-License-Identifier: GPL-2.0 */
/* The rate and accounting extensions: limit, hashlimit, quota, recent, statistic, time, owner,
 * NFLOG, TRACE. */
#include <stddef.h>

#include "rules/ext.h"

extern const struct upt_match_ops upt_match_limit, upt_match_quota, upt_match_statistic,
    upt_match_time, upt_match_owner, upt_match_recent, upt_match_hashlimit;
extern const struct upt_target_ops upt_target_NFLOG, upt_target_TRACE;

static const struct upt_match_ops *const matches[] = {
    &upt_match_limit,	  &upt_match_hashlimit, &upt_match_quota, &upt_match_recent,
    &upt_match_statistic, &upt_match_time,	&upt_match_owner,
};

static const struct upt_target_ops *const targets[] = {
    &upt_target_NFLOG,
    &upt_target_TRACE,
};

const struct upt_ext_group upt_ext_rate = {
    matches,
    sizeof(matches) / sizeof(matches[0]),
    targets,
    sizeof(targets) / sizeof(targets[0]),
};

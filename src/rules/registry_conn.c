/* SPDX-License-Identifier: GPL-2.0 */
/* The connection-state extensions: addrtype, connbytes, connlimit, connmark/CONNMARK, helper,
 * NOTRACK, CT, NETMAP. */
#include <stddef.h>

#include "rules/ext.h"

extern const struct upt_match_ops upt_match_addrtype, upt_match_connbytes, upt_match_connlimit,
    upt_match_connmark, upt_match_helper;
extern const struct upt_target_ops upt_target_CONNMARK, upt_target_NOTRACK, upt_target_CT,
    upt_target_NETMAP;

static const struct upt_match_ops *const matches[] = {
    &upt_match_addrtype, &upt_match_connbytes, &upt_match_connlimit,
    &upt_match_connmark, &upt_match_helper,
};

static const struct upt_target_ops *const targets[] = {
    &upt_target_CONNMARK,
    &upt_target_NOTRACK,
    &upt_target_CT,
    &upt_target_NETMAP,
};

const struct upt_ext_group upt_ext_conn = {
    matches,
    sizeof(matches) / sizeof(matches[0]),
    targets,
    sizeof(targets) / sizeof(targets[0]),
};

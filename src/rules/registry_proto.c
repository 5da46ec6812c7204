/* SPDX-License-Identifier: GPL-2.0 */
/* The transport-protocol header matches: sctp, dccp, esp, ipcomp. */
#include <stddef.h>

#include "rules/ext.h"

extern const struct upt_match_ops upt_match_sctp, upt_match_dccp, upt_match_esp, upt_match_ipcomp;

static const struct upt_match_ops *const matches[] = {
    &upt_match_sctp,
    &upt_match_dccp,
    &upt_match_esp,
    &upt_match_ipcomp,
};

const struct upt_ext_group upt_ext_proto = {
    matches,
    sizeof(matches) / sizeof(matches[0]),
    NULL,
    0,
};

/* SPDX-License-Identifier: GPL-2.0 */
/* The remaining extensions: NFQUEUE, TCPOPTSTRIP, CLASSIFY, ECN, HMARK, AUDIT, cpu, connlabel. */
#include <stddef.h>

#include "rules/ext.h"

extern const struct upt_match_ops upt_match_cpu, upt_match_connlabel;
extern const struct upt_target_ops upt_target_NFQUEUE, upt_target_TCPOPTSTRIP, upt_target_CLASSIFY,
    upt_target_ECN, upt_target_HMARK, upt_target_AUDIT;

static const struct upt_match_ops *const matches[] = {
    &upt_match_cpu,
    &upt_match_connlabel,
};

static const struct upt_target_ops *const targets[] = {
    &upt_target_NFQUEUE, &upt_target_TCPOPTSTRIP, &upt_target_CLASSIFY,
    &upt_target_ECN,	 &upt_target_HMARK,	  &upt_target_AUDIT,
};

const struct upt_ext_group upt_ext_misc = {
    matches,
    sizeof(matches) / sizeof(matches[0]),
    targets,
    sizeof(targets) / sizeof(targets[0]),
};

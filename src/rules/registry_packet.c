/* SPDX-License-Identifier: GPL-2.0 */
/* The packet-field extensions: dscp/DSCP, tos/TOS, ecn, length, ttl/TTL, mac, pkttype, u32, string,
 * tcpmss/TCPMSS, CHECKSUM. */
#include <stddef.h>

#include "rules/ext.h"

extern const struct upt_match_ops upt_match_dscp, upt_match_tos, upt_match_ecn, upt_match_length,
    upt_match_ttl, upt_match_mac, upt_match_pkttype, upt_match_tcpmss, upt_match_u32,
    upt_match_string;
extern const struct upt_target_ops upt_target_DSCP, upt_target_TOS, upt_target_TTL,
    upt_target_CHECKSUM, upt_target_TCPMSS;

static const struct upt_match_ops *const matches[] = {
    &upt_match_dscp, &upt_match_tos,	 &upt_match_ecn,    &upt_match_length, &upt_match_ttl,
    &upt_match_mac,  &upt_match_pkttype, &upt_match_tcpmss, &upt_match_u32,    &upt_match_string,
};

static const struct upt_target_ops *const targets[] = {
    &upt_target_DSCP, &upt_target_TOS, &upt_target_TTL, &upt_target_CHECKSUM, &upt_target_TCPMSS,
};

const struct upt_ext_group upt_ext_packet = {
    matches,
    sizeof(matches) / sizeof(matches[0]),
    targets,
    sizeof(targets) / sizeof(targets[0]),
};

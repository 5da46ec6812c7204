/* SPDX-License-Identifier: GPL-2.0 */
/* The packet-field extensions: dscp/DSCP, tos/TOS, ecn, length, ttl/TTL, mac, pkttype, u32, string, tcpmss/TCPMSS, CHECKSUM. */
#include <stddef.h>

#include "rules/ext.h"

const struct upt_ext_group upt_ext_packet = {NULL, 0, NULL, 0};

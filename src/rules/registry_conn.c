/* SPDX-License-Identifier: GPL-2.0 */
/* The connection-state extensions: addrtype, connbytes, connlimit, connmark/CONNMARK, helper, NOTRACK, CT, NETMAP. */
#include <stddef.h>

#include "rules/ext.h"

const struct upt_ext_group upt_ext_conn = {NULL, 0, NULL, 0};

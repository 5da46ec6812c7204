/* SPDX-License-Identifier: GPL-2.0 */
/* The rate and accounting extensions: limit, hashlimit, quota, recent, statistic, time, owner, NFLOG, TRACE. */
#include <stddef.h>

#include "rules/ext.h"

const struct upt_ext_group upt_ext_rate = {NULL, 0, NULL, 0};

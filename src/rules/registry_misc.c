/* SPDX-License-Identifier: GPL-2.0 */
/* The remaining extensions: NFQUEUE, TCPOPTSTRIP, CLASSIFY, ECN, HMARK, AUDIT, cpu, connlabel, rateest/RATEEST. */
#include <stddef.h>

#include "rules/ext.h"

const struct upt_ext_group upt_ext_misc = {NULL, 0, NULL, 0};

/* SPDX-License-Identifier: GPL-2.0 */
/* The transport-protocol header matches: sctp, dccp, esp, ipcomp. */
#include <stddef.h>

#include "rules/ext.h"

const struct upt_ext_group upt_ext_proto = {NULL, 0, NULL, 0};

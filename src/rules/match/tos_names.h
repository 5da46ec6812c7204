/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The RFC 1349 TOS names shared by -m tos and -j TOS (libxt's
 * tos_values.c): "value[/mask]" as numbers 0..255, or a name, which
 * means that value under mask 0x3f.  Rule-load time only.
 */
#ifndef UPT_RULES_MATCH_TOS_NAMES_H
#define UPT_RULES_MATCH_TOS_NAMES_H

#include <stdbool.h>
#include <stdint.h>
#include <strings.h>

#include "rules/xt_util.h"

struct upt_tos_name {
	const char *name;
	uint8_t value;
};

static const struct upt_tos_name upt_tos_names[] = {
    {"Minimize-Cost", 0x02},  {"Maximize-Reliability", 0x04}, {"Maximize-Throughput", 0x08},
    {"Minimize-Delay", 0x10}, {"Normal-Service", 0x00},
};

#define UPT_TOS_NAME_MASK 0x3f

/*
 * Parse "value[/mask]" (numeric mask defaulting to `def_mask`) or a name.
 * Returns 0, -1 for an unknown name or a bad value, -2 for a mask > 0xff.
 */
static inline int upt_tos_parse(const char *s, uint8_t def_mask, uint8_t *value, uint8_t *mask)
{
	const char *end;
	uint64_t v, m = def_mask;

	if (upt_xtu_strtoul(s, &end, 0, 0xff, &v)) {
		if (*end == '\0') {
			*value = (uint8_t)v;
			*mask = (uint8_t)m;
			return 0;
		}
		if (*end == '/') {
			if (!upt_xtu_strtoul(end + 1, NULL, 0, 0xff, &m))
				return -2;
			*value = (uint8_t)v;
			*mask = (uint8_t)m;
			return 0;
		}
	}
	for (unsigned i = 0; i < sizeof(upt_tos_names) / sizeof(upt_tos_names[0]); i++)
		if (strcasecmp(s, upt_tos_names[i].name) == 0) {
			*value = upt_tos_names[i].value;
			*mask = UPT_TOS_NAME_MASK;
			return 0;
		}
	return -1;
}

/* The name of value/mask when the mask is 0x3f and the value has one; NULL otherwise. */
static inline const char *upt_tos_name_of(uint8_t value, uint8_t mask)
{
	if (mask != UPT_TOS_NAME_MASK)
		return NULL;
	for (unsigned i = 0; i < sizeof(upt_tos_names) / sizeof(upt_tos_names[0]); i++)
		if (upt_tos_names[i].value == value)
			return upt_tos_names[i].name;
	return NULL;
}

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The extensions this build knows.  A name not listed here is "not
 * supported": the rule parser refuses the rule rather than accept
 * something it would not enforce.
 */
#include <stddef.h>
#include <string.h>

#include "rules/ext.h"

extern const struct upt_match_ops upt_match_tcp, upt_match_udp, upt_match_icmp, upt_match_multiport,
    upt_match_state, upt_match_conntrack, upt_match_mark, upt_match_comment, upt_match_iprange;
extern const struct upt_target_ops upt_target_REJECT, upt_target_LOG, upt_target_MARK,
    upt_target_DNAT, upt_target_SNAT, upt_target_MASQUERADE, upt_target_REDIRECT;

static const struct upt_match_ops *const matches[] = {
    &upt_match_tcp,	  &upt_match_udp,     &upt_match_icmp,
    &upt_match_multiport, &upt_match_state,   &upt_match_conntrack,
    &upt_match_mark,	  &upt_match_comment, &upt_match_iprange,
};

static const struct upt_target_ops *const targets[] = {
    &upt_target_REJECT, &upt_target_LOG,	&upt_target_MARK,     &upt_target_DNAT,
    &upt_target_SNAT,	&upt_target_MASQUERADE, &upt_target_REDIRECT,
};

static const struct upt_ext_group upt_ext_core = {
    matches,
    sizeof(matches) / sizeof(matches[0]),
    targets,
    sizeof(targets) / sizeof(targets[0]),
};

static const struct upt_ext_group *const groups[] = {
    &upt_ext_core, &upt_ext_conn, &upt_ext_packet, &upt_ext_rate, &upt_ext_proto, &upt_ext_misc,
};

const struct upt_match_ops *upt_match_find(const char *name)
{
	size_t g, i;

	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (i = 0; i < groups[g]->nmatches; i++)
			if (strcmp(groups[g]->matches[i]->name, name) == 0)
				return groups[g]->matches[i];
	return NULL;
}

const struct upt_target_ops *upt_target_find(const char *name)
{
	size_t g, i;

	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (i = 0; i < groups[g]->ntargets; i++)
			if (strcmp(groups[g]->targets[i]->name, name) == 0)
				return groups[g]->targets[i];
	return NULL;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Range syntax shared by DNAT, SNAT, MASQUERADE and REDIRECT:
 * [ADDR[-ADDR]][:PORT[-PORT[/BASE]]] and --to-ports PORT[-PORT], parsed
 * and printed as iptables' libxt_NAT.c does, into struct upt_nat_range.
 */
#ifndef UPT_RULES_TARGET_NAT_RANGE_H
#define UPT_RULES_TARGET_NAT_RANGE_H

#include "rules/ext.h"

/* Target data of all four NAT targets. */
struct upt_nat_tg {
	struct upt_nat_range range;
	uint8_t given; /* the address option was seen (--to-destination / --to-source) */
};

/* Ports "P", "P-Q", "P-Q/B" (B only when allow_base). */
int upt_nat_parse_ports(const char *arg, struct upt_nat_range *r, bool allow_base,
			struct upt_xt_parse *p);
/* Full "[A[-B]][:ports]". */
int upt_nat_parse_to(const char *arg, struct upt_nat_range *r, bool allow_base,
		     struct upt_xt_parse *p);
/* " OPT RANGE" (when anything to print) then " PFXrandom" etc.; skip_colon for --to-ports. */
void upt_nat_put(struct upt_sb *sb, const struct upt_nat_range *r, const char *opt,
		 const char *flag_pfx, bool skip_colon);
/* The NAT targets' common packet-path step: bind a new, not yet bound connection. */
unsigned upt_nat_bind(struct upt_xt_pkt *p, enum upt_nat_manip manip,
		      const struct upt_nat_range *r);

#endif

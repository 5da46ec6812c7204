/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names of the IPv4 extensions iptables ships.  A rule naming one that this
 * build does not implement is refused with
 *     extension "NAME" is not supported
 * so that users can tell a missing feature from a typo (which keeps
 * iptables' own message).
 */
#include <stddef.h>
#include <string.h>

#include "rules/ext.h"

/* A dense name list reads better than one name a line. */
/* clang-format off */
static const char *const iptables_extensions[] = {
	/* matches */
	"addrtype", "ah", "bpf", "cgroup", "cluster", "comment", "connbytes", "connlabel",
	"connlimit", "connmark", "conntrack", "cpu", "dccp", "devgroup", "dscp", "ecn", "esp",
	"hashlimit", "helper", "icmp", "ipcomp", "iprange", "ipvs", "l2tp", "length", "limit", "mac",
	"mark", "multiport", "nfacct", "osf", "owner", "physdev", "pkttype", "policy", "quota",
	"rateest", "realm", "recent", "rpfilter", "sctp", "set", "socket", "state", "statistic",
	"string", "tcp", "tcpmss", "time", "tos", "ttl", "u32", "udp",
	/* targets */
	"AUDIT", "CHECKSUM", "CLASSIFY", "CLUSTERIP", "CONNMARK", "CONNSECMARK", "CT", "DNAT", "DSCP",
	"ECN", "HMARK", "IDLETIMER", "LED", "LOG", "MARK", "MASQUERADE", "NETMAP", "NFLOG", "NFQUEUE",
	"NOTRACK", "RATEEST", "REDIRECT", "REJECT", "SECMARK", "SET", "SNAT", "SYNPROXY", "TCPMSS",
	"TCPOPTSTRIP", "TEE", "TOS", "TPROXY", "TRACE", "TTL",
};
/* clang-format on */

bool upt_ext_is_iptables_name(const char *name)
{
	for (size_t i = 0; i < sizeof(iptables_extensions) / sizeof(iptables_extensions[0]); i++)
		if (strcmp(name, iptables_extensions[i]) == 0)
			return true;
	return false;
}

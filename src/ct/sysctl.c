// SPDX-License-Identifier: GPL-2.0
/*
 * The conntrack sysctls (net.netfilter.nf_conntrack_*): defaults, and
 * access by the kernel's names for the configuration front ends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct/ct.h"
#include "ct/ct_int.h"

void upt_ct_sysctl_defaults(struct upt_ct_sysctl *sys)
{
	memset(sys, 0, sizeof(*sys));
	sys->tcp_loose = true;
	sys->checksum = true;
	sys->tcp_max_retrans = UPT_CT_TCP_MAX_RETRANS;
	memcpy(sys->tcp_timeout, upt_tcp_timeouts, sizeof(sys->tcp_timeout));
	sys->tcp_timeout_max_retrans = UPT_CT_TCP_TIMEOUT_RETRANS;
	sys->tcp_timeout_unacknowledged = UPT_CT_TCP_TIMEOUT_UNACK;
	sys->udp_timeout = UPT_CT_TIMEOUT_UDP;
	sys->udp_timeout_stream = UPT_CT_TIMEOUT_UDP_STREAM;
	sys->icmp_timeout = UPT_CT_TIMEOUT_ICMP;
	sys->generic_timeout = UPT_CT_TIMEOUT_GENERIC;
	sys->gre_timeout = 30;
	sys->gre_timeout_stream = 180;
}

void upt_ct_sysctl_get(const struct upt_ct_table *t, struct upt_ct_sysctl *out)
{
	*out = t->sys;
}

void upt_ct_sysctl_set(struct upt_ct_table *t, const struct upt_ct_sysctl *in)
{
	t->sys = *in;
	/* Accounting needs its counters array; without memory it stays off. */
	if (t->sys.acct && upt_ct_acct_alloc(t) < 0)
		t->sys.acct = false;
	/* The kernel keeps timeouts[NONE] equal to SYN_SENT ("new"). */
	t->sys.tcp_timeout[UPT_TCP_NONE] = t->sys.tcp_timeout[UPT_TCP_SYN_SENT];
}

enum kind { K_BOOL, K_U8, K_SECS, K_MAX };

struct knob {
	const char *name; /* after "nf_conntrack_" */
	enum kind kind;
	size_t off;
};

#define KNOB(n, k, field)                                                                          \
	{                                                                                          \
		n, k, offsetof(struct upt_ct_sysctl, field)                                        \
	}

static const struct knob knobs[] = {
    KNOB("tcp_loose", K_BOOL, tcp_loose),
    KNOB("tcp_be_liberal", K_BOOL, tcp_be_liberal),
    KNOB("tcp_ignore_invalid_rst", K_BOOL, tcp_ignore_invalid_rst),
    KNOB("checksum", K_BOOL, checksum),
    KNOB("tcp_max_retrans", K_U8, tcp_max_retrans),
    KNOB("tcp_timeout_syn_sent", K_SECS, tcp_timeout[UPT_TCP_SYN_SENT]),
    KNOB("tcp_timeout_syn_recv", K_SECS, tcp_timeout[UPT_TCP_SYN_RECV]),
    KNOB("tcp_timeout_established", K_SECS, tcp_timeout[UPT_TCP_ESTABLISHED]),
    KNOB("tcp_timeout_fin_wait", K_SECS, tcp_timeout[UPT_TCP_FIN_WAIT]),
    KNOB("tcp_timeout_close_wait", K_SECS, tcp_timeout[UPT_TCP_CLOSE_WAIT]),
    KNOB("tcp_timeout_last_ack", K_SECS, tcp_timeout[UPT_TCP_LAST_ACK]),
    KNOB("tcp_timeout_time_wait", K_SECS, tcp_timeout[UPT_TCP_TIME_WAIT]),
    KNOB("tcp_timeout_close", K_SECS, tcp_timeout[UPT_TCP_CLOSE]),
    KNOB("tcp_timeout_max_retrans", K_SECS, tcp_timeout_max_retrans),
    KNOB("tcp_timeout_unacknowledged", K_SECS, tcp_timeout_unacknowledged),
    KNOB("udp_timeout", K_SECS, udp_timeout),
    KNOB("udp_timeout_stream", K_SECS, udp_timeout_stream),
    KNOB("icmp_timeout", K_SECS, icmp_timeout),
    KNOB("generic_timeout", K_SECS, generic_timeout),
    KNOB("gre_timeout", K_SECS, gre_timeout),
    KNOB("gre_timeout_stream", K_SECS, gre_timeout_stream),
    KNOB("acct", K_BOOL, acct),
    {"max", K_MAX, 0},
};

static const struct knob *find_knob(const char *name)
{
	static const char prefix[] = "net.netfilter.", nf[] = "nf_conntrack_";

	if (strncmp(name, prefix, sizeof(prefix) - 1) == 0)
		name += sizeof(prefix) - 1;
	if (strncmp(name, nf, sizeof(nf) - 1) != 0)
		return NULL;
	name += sizeof(nf) - 1;
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (strcmp(knobs[i].name, name) == 0)
			return &knobs[i];
	return NULL;
}

/* A decimal number with nothing around it; false otherwise. */
static bool parse_num(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0' && *v <= max;
}

int upt_ct_sysctl_set_str(struct upt_ct_table *t, const char *name, const char *value)
{
	const struct knob *k = find_knob(name);
	struct upt_ct_sysctl sys = t->sys;
	unsigned long long v;
	uint8_t *field;

	if (!k)
		return -ENOENT;
	field = (uint8_t *)&sys + k->off;
	switch (k->kind) {
	case K_BOOL:
		if (!parse_num(value, 1, &v))
			return -EINVAL;
		*(bool *)field = v != 0;
		break;
	case K_U8:
		if (!parse_num(value, UINT8_MAX, &v))
			return -EINVAL;
		*field = (uint8_t)v;
		break;
	case K_SECS:
		/* The kernel stores jiffies in an int: keep well inside it. */
		if (!parse_num(value, INT32_MAX, &v) || v == 0)
			return -EINVAL;
		*(uint32_t *)field = (uint32_t)v;
		break;
	case K_MAX:
		/* The pool is sized at create; only its own size is accepted. */
		if (!parse_num(value, UINT32_MAX, &v) || v != t->max)
			return -EINVAL;
		return 0;
	}
	upt_ct_sysctl_set(t, &sys);
	if (sys.acct && !t->sys.acct)
		return -ENOMEM;
	return 0;
}

int upt_ct_sysctl_get_str(const struct upt_ct_table *t, const char *name, char *buf, size_t len)
{
	const struct knob *k = find_knob(name);
	const uint8_t *field;
	unsigned long long v = 0;

	if (!k)
		return -ENOENT;
	field = (const uint8_t *)&t->sys + k->off;
	switch (k->kind) {
	case K_BOOL:
		v = *(const bool *)field;
		break;
	case K_U8:
		v = *field;
		break;
	case K_SECS:
		v = *(const uint32_t *)field;
		break;
	case K_MAX:
		v = t->max;
		break;
	}
	snprintf(buf, len, "%llu", v);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/* String tables of the public enums; each static_assert keeps a table in step with its enum. */
#include <assert.h>

#include "uptables/uptables.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *const drop_reason_names[] = {
#define UPT_DROP_STR(name, str) [UPT_DROP_##name] = str,
    UPT_DROP_REASONS(UPT_DROP_STR)
#undef UPT_DROP_STR
};
static_assert(ARRAY_LEN(drop_reason_names) == UPT_DROP__COUNT, "drop reason table");

const char *upt_drop_reason_str(unsigned reason)
{
	return reason < UPT_DROP__COUNT ? drop_reason_names[reason] : "?";
}

static const char *const hook_names[] = {
    [UPT_HOOK_PRE_ROUTING] = "PREROUTING",   [UPT_HOOK_LOCAL_IN] = "INPUT",
    [UPT_HOOK_FORWARD] = "FORWARD",	     [UPT_HOOK_LOCAL_OUT] = "OUTPUT",
    [UPT_HOOK_POST_ROUTING] = "POSTROUTING",
};
static_assert(ARRAY_LEN(hook_names) == UPT_HOOK__COUNT, "hook table");

const char *upt_hook_name(enum upt_hook hook)
{
	return (unsigned)hook < UPT_HOOK__COUNT ? hook_names[hook] : "?";
}

static const char *const table_names[] = {
    [UPT_TABLE_RAW] = "raw",
    [UPT_TABLE_MANGLE] = "mangle",
    [UPT_TABLE_NAT] = "nat",
    [UPT_TABLE_FILTER] = "filter",
};
static_assert(ARRAY_LEN(table_names) == UPT_TABLE__COUNT, "table table");

const char *upt_table_name(enum upt_table table)
{
	return (unsigned)table < UPT_TABLE__COUNT ? table_names[table] : "?";
}

static const char *const result_names[] = {
    [UPT_PKT_DROPPED] = "dropped", [UPT_PKT_FORWARDED] = "forwarded",
    [UPT_PKT_LOCAL] = "local",	   [UPT_PKT_SENT] = "sent",
    [UPT_PKT_HELD] = "held",	   [UPT_PKT_CONSUMED] = "consumed",
};

const char *upt_pkt_result_str(unsigned result)
{
	return result < ARRAY_LEN(result_names) ? result_names[result] : "?";
}

static const char *const trace_kind_names[] = {
    [UPT_TRACE_RECEIVE] = "receive", [UPT_TRACE_PARSE_DROP] = "parse-drop",
    [UPT_TRACE_CT] = "ct",	     [UPT_TRACE_CHAIN] = "chain",
    [UPT_TRACE_RULE] = "rule",	     [UPT_TRACE_POLICY] = "policy",
    [UPT_TRACE_RETURN] = "return",   [UPT_TRACE_NAT] = "nat",
    [UPT_TRACE_ROUTE] = "route",     [UPT_TRACE_CT_AFTER] = "ct-after",
    [UPT_TRACE_VERDICT] = "verdict", [UPT_TRACE_EMIT] = "emit",
};
static_assert(ARRAY_LEN(trace_kind_names) == UPT_TRACE__COUNT, "trace kind table");

const char *upt_trace_kind_str(unsigned kind)
{
	return kind < UPT_TRACE__COUNT ? trace_kind_names[kind] : "?";
}

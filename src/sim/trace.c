/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulator's trace: the engine reports each step of a packet's walk
 * through the trace callback; the events are recorded (copied) and printed
 * as one block per packet once the packet is done, as text (compact, in
 * colour on a terminal) or as one JSON object per line.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

#define C_RESET "\033[0m"
#define C_DIM	"\033[2m"
#define C_BOLD	"\033[1m"
#define C_RED	"\033[31m"
#define C_GREEN "\033[32m"
#define C_CYAN	"\033[36m"

void sim_trace_init(struct sim_trace *t, enum sim_trace_mode mode, FILE *out)
{
	memset(t, 0, sizeof(*t));
	t->mode = mode;
	t->out = out;
}

static void forget(struct sim_trace *t)
{
	unsigned i;

	for (i = 0; i < t->nevents; i++) {
		free(t->events[i].chain);
		free(t->events[i].text);
	}
	t->nevents = 0;
}

void sim_trace_free(struct sim_trace *t)
{
	forget(t);
	free(t->events);
	t->events = NULL;
	t->cap = 0;
}

void sim_trace_event(void *ctx, const struct upt_trace_event *ev)
{
	struct sim_trace *t = ctx;
	struct sim_event *e;

	if (t->mode == SIM_TRACE_NONE)
		return;
	if (t->nevents == t->cap) {
		unsigned ncap = t->cap ? t->cap * 2 : 64;
		struct sim_event *ne = realloc(t->events, ncap * sizeof(*ne));

		if (!ne)
			return; /* the trace loses an event; the simulation goes on */
		t->events = ne;
		t->cap = ncap;
	}
	e = &t->events[t->nevents++];
	e->ev = *ev;
	e->chain = ev->chain ? strdup(ev->chain) : NULL;
	e->text = ev->text ? strdup(ev->text) : NULL;
	e->ev.chain = e->chain;
	e->ev.text = e->text;
}

static const char *col(const struct sim_trace *t, const char *c)
{
	return t->colour ? c : "";
}

static void print_text(struct sim_trace *t, unsigned n, uint64_t ts)
{
	FILE *o = t->out;
	unsigned i;

	for (i = 0; i < t->nevents; i++) {
		const struct upt_trace_event *ev = &t->events[i].ev;
		const char *text = ev->text ? ev->text : "";

		switch (ev->kind) {
		case UPT_TRACE_RECEIVE:
			fprintf(o, "%s#%u %llu.%06llu %s%s\n", col(t, C_BOLD), n,
				(unsigned long long)(ts / 1000000000ull),
				(unsigned long long)(ts % 1000000000ull / 1000), text,
				col(t, C_RESET));
			break;
		case UPT_TRACE_CHAIN:
			fprintf(o, "  %s%-9s%s %s %s\n", col(t, C_DIM), "chain", col(t, C_RESET),
				upt_table_name(ev->table), ev->chain ? ev->chain : "");
			break;
		case UPT_TRACE_RULE:
			fprintf(o, "  %s%-9s%s %s%u: %s  [%llu:%llu]\n", col(t, C_CYAN), "rule",
				col(t, C_RESET), "#", ev->rulenum, text,
				(unsigned long long)ev->pkts, (unsigned long long)ev->bytes);
			break;
		case UPT_TRACE_POLICY:
			fprintf(o, "  %s%-9s%s %s %s  [%llu:%llu]\n", col(t, C_CYAN), "policy",
				col(t, C_RESET), ev->chain ? ev->chain : "", text,
				(unsigned long long)ev->pkts, (unsigned long long)ev->bytes);
			break;
		case UPT_TRACE_VERDICT:
			fprintf(o, "  %s=> %s%s\n",
				col(t, ev->result == UPT_PKT_DROPPED ? C_RED : C_GREEN), text,
				col(t, C_RESET));
			break;
		case UPT_TRACE_EMIT:
			fprintf(o, "  %-9s %s out %s\n", "emit", text,
				upt_engine_ifname(t->eng, ev->ifindex)
				    ? upt_engine_ifname(t->eng, ev->ifindex)
				    : "?");
			break;
		default:
			fprintf(o, "  %-9s %s\n", upt_trace_kind_str(ev->kind), text);
			break;
		}
	}
}

void sim_json_str(FILE *o, const char *s)
{
	fputc('"', o);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(o, "\\%c", c);
		else if (c < 0x20)
			fprintf(o, "\\u%04x", c);
		else
			fputc(c, o);
	}
	fputc('"', o);
}

static void print_json(struct sim_trace *t, unsigned n, uint64_t ts, const char *in)
{
	FILE *o = t->out;
	unsigned i;
	const struct upt_trace_event *verdict = NULL;

	fprintf(o, "{\"packet\":%u,\"ts\":%llu.%09llu,\"in\":", n,
		(unsigned long long)(ts / 1000000000ull), (unsigned long long)(ts % 1000000000ull));
	sim_json_str(o, in);
	fprintf(o, ",\"steps\":[");
	for (i = 0; i < t->nevents; i++) {
		const struct upt_trace_event *ev = &t->events[i].ev;

		if (ev->kind == UPT_TRACE_VERDICT)
			verdict = ev;
		fprintf(o, "%s{\"kind\":\"%s\"", i ? "," : "", upt_trace_kind_str(ev->kind));
		if (ev->kind == UPT_TRACE_CHAIN || ev->kind == UPT_TRACE_RULE ||
		    ev->kind == UPT_TRACE_POLICY || ev->kind == UPT_TRACE_RETURN) {
			fprintf(o, ",\"table\":\"%s\",\"chain\":", upt_table_name(ev->table));
			sim_json_str(o, ev->chain);
		}
		if (ev->kind == UPT_TRACE_RULE)
			fprintf(o, ",\"rule\":%u", ev->rulenum);
		if (ev->kind == UPT_TRACE_RULE || ev->kind == UPT_TRACE_POLICY)
			fprintf(o, ",\"pkts\":%llu,\"bytes\":%llu", (unsigned long long)ev->pkts,
				(unsigned long long)ev->bytes);
		if (ev->kind == UPT_TRACE_VERDICT) {
			fprintf(o, ",\"result\":\"%s\"", upt_pkt_result_str(ev->result));
			if (ev->result == UPT_PKT_DROPPED) {
				fprintf(o, ",\"reason\":");
				sim_json_str(o, upt_drop_reason_str(ev->reason));
			}
		}
		if (ev->kind == UPT_TRACE_EMIT || ev->kind == UPT_TRACE_VERDICT) {
			const char *ifn = upt_engine_ifname(t->eng, ev->ifindex);

			if (ifn && ev->ifindex) {
				fprintf(o, ",\"out\":");
				sim_json_str(o, ifn);
			}
		}
		fprintf(o, ",\"text\":");
		sim_json_str(o, ev->text);
		fputc('}', o);
	}
	fprintf(o, "]");
	if (verdict) {
		fprintf(o, ",\"result\":\"%s\"", upt_pkt_result_str(verdict->result));
		if (verdict->result == UPT_PKT_DROPPED) {
			fprintf(o, ",\"reason\":");
			sim_json_str(o, upt_drop_reason_str(verdict->reason));
		}
	}
	fprintf(o, "}\n");
}

void sim_trace_flush(struct sim_trace *t, unsigned n, uint64_t ts, const char *in_ifname)
{
	if (t->mode == SIM_TRACE_TEXT && t->nevents)
		print_text(t, n, ts);
	else if (t->mode == SIM_TRACE_JSON && t->nevents)
		print_json(t, n, ts, in_ifname);
	forget(t);
}

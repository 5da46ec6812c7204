/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uptables-sim: the engine on captured traffic.  Shared pieces of the
 * program: loading a gateway (config + rules) and the per-packet trace
 * recorder that prints text for people or JSON lines for programs.
 */
#ifndef UPT_SIM_SIM_H
#define UPT_SIM_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "uptables/uptables.h"

#define UPT_MAX_IFACES_SIM 64 /* interfaces the simulator writes captures for */

enum sim_trace_mode { SIM_TRACE_NONE = 0, SIM_TRACE_TEXT, SIM_TRACE_JSON };

/* One recorded trace event (a copy: engine texts live only during the callback). */
struct sim_event {
	struct upt_trace_event ev;
	char *chain;
	char *text;
};

struct sim_trace {
	enum sim_trace_mode mode;
	bool colour;
	FILE *out;
	struct upt_engine *eng;
	struct sim_event *events;
	unsigned nevents, cap;
};

/* Engine with the config file and rules file applied; NULL with a message on stderr. */
struct upt_engine *sim_load_gateway(const char *config, const char *rules,
				    struct upt_engine_config *cfg);

void sim_trace_init(struct sim_trace *t, enum sim_trace_mode mode, FILE *out);
void sim_trace_free(struct sim_trace *t);
/* The engine's trace callback; ctx is the struct sim_trace. */
void sim_trace_event(void *ctx, const struct upt_trace_event *ev);
/* Print the events recorded for packet number n (1-based) at time ts, then forget them. */
void sim_trace_flush(struct sim_trace *t, unsigned n, uint64_t ts, const char *in_ifname);

/* s as a JSON string literal (quotes, escapes); NULL prints "". */
void sim_json_str(FILE *o, const char *s);

/* explain.c */
int sim_explain_main(int argc, char **argv);

#endif

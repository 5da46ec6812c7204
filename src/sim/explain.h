/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uptables-sim explain: one packet and its reply through a simulated
 * gateway, then plain-language diagnostics.  The pieces: explain_input.c
 * reads the gateway and the packet description, explain_frame.c builds
 * and reads the frames, explain.c runs the packets (and answers the
 * gateway's ARP requests), diag.c reads what happened and names the
 * classic port-forwarding mistakes, diag_shadow.c checks the ruleset for
 * rules that can never match.
 */
#ifndef UPT_SIM_EXPLAIN_H
#define UPT_SIM_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"

#define XP_TEXT	      512 /* a rule's -S text, a message */
#define XP_MAX_RULES  32  /* rule/policy events kept per walk */
#define XP_MAX_LISTEN 64
#define XP_MAX_DIAGS  32
#define XP_MAX_FIXES  3
#define XP_FRAME      2048

/* A rule (or a chain's policy) that a walk matched. */
struct xp_hit {
	bool policy; /* the built-in chain's policy, not a rule */
	uint8_t table, hook;
	uint32_t rulenum;
	char chain[32];
	char text[XP_TEXT]; /* -S text, or the policy ("DROP") */
};

/* The addresses and ports of an IPv4 frame (host byte order). */
struct xp_flow {
	uint8_t proto;
	uint32_t saddr, daddr;
	uint16_t sport, dport; /* ICMP echo: id in both */
	uint32_t tcp_seq;
};

/* What happened to one packet explain sent (request, reply, or a what-if). */
struct xp_leg {
	bool ran;
	struct xp_flow sent;
	uint32_t in_ifindex;
	uint8_t result;
	uint16_t reason;
	uint32_t out_ifindex;
	char ct[XP_TEXT];
	char route[XP_TEXT];
	char nat[XP_TEXT]; /* the last NAT binding trace text ("binding at PREROUTING: DNAT ...") */
	bool dnat_rule_hit; /* a DNAT/REDIRECT rule matched in nat PREROUTING/OUTPUT */
	struct xp_hit dnat;
	struct xp_hit hits[XP_MAX_RULES];
	unsigned nhits;
	struct xp_hit culprit; /* the rule/policy that dropped it, when one did */
	bool have_culprit;
	/* The frame as it left (forwarded, sent, or released after ARP) or was delivered. */
	uint8_t frame[XP_FRAME];
	uint32_t frame_len;
	uint32_t frame_ifindex;
	bool have_flow;
	struct xp_flow flow; /* of frame */
};

struct xp_listen {
	uint8_t proto;
	bool any_host; /* no address given: the gateway itself */
	uint32_t addr;
	uint16_t port;
};

struct xp_diag {
	const char *id;
	char msg[1024];
	char fix[XP_MAX_FIXES][XP_TEXT];
	unsigned nfix;
};

struct xp_ctx {
	struct upt_engine *eng;
	const char *config_path;
	struct xp_listen listen[XP_MAX_LISTEN];
	unsigned nlisten;
	char in_name[UPT_IFNAMSIZ];
	struct xp_leg req, rep;
	bool reply_skipped;
	char reply_note[XP_TEXT];
	/* The same request with tcp and udp swapped, on a fresh gateway (a what-if). */
	struct xp_leg swapped;
	struct xp_diag diags[XP_MAX_DIAGS];
	unsigned ndiags;
};

/* explain_input.c */
/*
 * A config line that is explain's own (`listen ...`): 1 (the listener in
 * *out when non-NULL), 0 when the line is for the engine, -1 with a message
 * when it is a malformed explain line.  The replay mode skips these lines.
 */
int sim_config_explain_line(const char *line, struct xp_listen *out, char *err, size_t errlen);
char *xp_slurp(const char *path); /* whole file, NUL-terminated; NULL with errno */
/* An engine with the config and rules applied (messages on stderr); listen lines go to x. */
struct upt_engine *xp_load_gateway(struct xp_ctx *x, const char *config, const char *rules_text,
				   const char *rules_path, struct upt_engine_config *cfg);
int xp_parse_spec(const char *spec, struct xp_flow *f, char ifname[UPT_IFNAMSIZ], char *err,
		  size_t errlen);

/* explain_frame.c */
void xp_put16(uint8_t *p, uint16_t v);
void xp_put32(uint8_t *p, uint32_t v);
uint16_t xp_get16(const uint8_t *p);
uint32_t xp_get32(const uint8_t *p);
/* The made-up MAC of a simulated host: 02:00 and its IPv4 address. */
void xp_host_mac(uint32_t ip, uint8_t mac[6]);
/* IPv4 packet of flow f at ip[]: the request (SYN, datagram, echo request) or, with
 * `answer`, its answer (SYN/ACK of ack_of + 1, datagram, echo reply).  Returns its length. */
uint32_t xp_build_ip(uint8_t *ip, const struct xp_flow *f, bool answer, uint32_t ack_of,
		     uint16_t ip_id);
/* Ethernet header, 802.1Q tagged when vlan is nonzero; returns its length. */
uint32_t xp_build_eth(uint8_t *fr, const uint8_t dst[6], const uint8_t src[6], uint16_t vlan,
		      uint16_t type);
/* The flow of an IPv4 Ethernet frame; l3off (may be NULL) gets the IP header's offset. */
bool xp_frame_flow(const uint8_t *fr, uint32_t len, struct xp_flow *f, uint32_t *l3off);
void xp_flow_str(const struct xp_flow *f, char *buf, size_t len);

/* Append a diagnostic; returns it (a spare slot when the list is full). */
struct xp_diag *xp_diag_add(struct xp_ctx *x, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void xp_diag_fix(struct xp_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* diag.c: the diagnostics of a finished run (request, reply, what-if). */
void xp_diagnose(struct xp_ctx *x);
/* diag_shadow.c: rules that an earlier rule of the same chain keeps from ever matching. */
void xp_diagnose_shadowed(struct xp_ctx *x);

/* Helpers shared by the diagnostics. */
const char *xp_ip(uint32_t a, char buf[16]);
const char *xp_proto_name(uint8_t proto);
bool xp_iface_net(const struct upt_engine *eng, uint32_t ifindex, uint32_t addr, uint32_t *net,
		  uint8_t *plen);
bool xp_is_local(const struct upt_engine *eng, uint32_t addr);
/* Is a listener list known for this host, and does it have (proto, port)? */
bool xp_listen_known(const struct xp_ctx *x, uint32_t host);
bool xp_listening(const struct xp_ctx *x, uint32_t host, uint8_t proto, uint16_t port);
/* The forwarded request's source and destination share a link: the answer bypasses us. */
bool xp_answers_around_gateway(const struct xp_ctx *x);

#endif

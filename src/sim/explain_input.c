/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What explain reads: the gateway (the config file, whose `listen` lines
 * are explain's own and are kept from the engine, and the rules) and the
 * packet description "PROTO SRC[:PORT] > DST[:PORT] in IFACE".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/explain.h"

enum { P_ICMP = 1, P_TCP = 6, P_UDP = 17 };

static bool parse_ipv4(const char *s, uint32_t *out)
{
	unsigned a, b, c, d;
	char tail;

	if (sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 || a > 255 || b > 255 ||
	    c > 255 || d > 255)
		return false;
	*out = a << 24 | b << 16 | c << 8 | d;
	return true;
}

static bool parse_port(const char *s, uint16_t *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return false;
	v = strtoul(s, &end, 10);
	if (*end || v == 0 || v > 65535)
		return false;
	*out = (uint16_t)v;
	return true;
}

/* `listen tcp|udp [ADDR:]PORT` (the words after "listen"); -1 with a message when malformed. */
static int parse_listen(char *args, struct xp_listen *l, char *err, size_t errlen)
{
	char *save = NULL, *proto = strtok_r(args, " \t\r", &save);
	char *where = proto ? strtok_r(NULL, " \t\r", &save) : NULL;
	char *extra = where ? strtok_r(NULL, " \t\r", &save) : NULL;
	char *colon;

	if (!proto || !where || extra || (strcmp(proto, "tcp") && strcmp(proto, "udp"))) {
		snprintf(err, errlen, "expected: listen tcp|udp [A.B.C.D:]PORT");
		return -1;
	}
	memset(l, 0, sizeof(*l));
	l->proto = proto[0] == 't' ? P_TCP : P_UDP;
	colon = strrchr(where, ':');
	l->any_host = colon == NULL;
	if (colon) {
		*colon = '\0';
		if (!parse_ipv4(where, &l->addr)) {
			snprintf(err, errlen, "bad address \"%s\"", where);
			return -1;
		}
		where = colon + 1;
	}
	if (!parse_port(where, &l->port)) {
		snprintf(err, errlen, "bad port \"%s\"", where);
		return -1;
	}
	return 0;
}

int sim_config_explain_line(const char *line, struct xp_listen *out, char *err, size_t errlen)
{
	char buf[512], *w, *hash;
	struct xp_listen l;

	w = (char *)line + strspn(line, " \t");
	if (strncmp(w, "listen", 6) != 0 ||
	    (w[6] != ' ' && w[6] != '\t' && w[6] != '\0' && w[6] != '\r' && w[6] != '#'))
		return 0;
	if (strlen(w) >= sizeof(buf)) {
		snprintf(err, errlen, "line too long");
		return -1;
	}
	strcpy(buf, w + 6);
	hash = strchr(buf, '#');
	if (hash)
		*hash = '\0';
	if (parse_listen(buf, &l, err, errlen) < 0)
		return -1;
	if (out)
		*out = l;
	return 1;
}

char *xp_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - n < 4097) {
			char *nb = realloc(buf, cap ? cap * 2 : 8192);

			if (!nb) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
			cap = cap ? cap * 2 : 8192;
		}
		got = fread(buf + n, 1, 4096, f);
		n += got;
		if (got < 4096)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* An engine with the config and rules applied; `listen` lines go to x (when non-NULL). */
struct upt_engine *xp_load_gateway(struct xp_ctx *x, const char *config, const char *rules_text,
				   const char *rules_path, struct upt_engine_config *cfg)
{
	struct upt_engine *eng;
	char err[512], *text, *line, *next;
	unsigned lineno = 0;
	int rc;

	rc = upt_engine_create(cfg, &eng);
	if (rc < 0) {
		fprintf(stderr, "uptables-sim explain: cannot create the engine: %s\n",
			strerror(-rc));
		return NULL;
	}
	text = xp_slurp(config);
	if (!text) {
		fprintf(stderr, "uptables-sim explain: %s: %s\n", config, strerror(errno));
		goto err;
	}
	for (line = text; line; line = next) {
		char *nl = strchr(line, '\n');
		struct xp_listen l;

		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		lineno++;
		rc = sim_config_explain_line(line, &l, err, sizeof(err));
		if (rc > 0 && x && x->nlisten == XP_MAX_LISTEN) {
			snprintf(err, sizeof(err), "too many listen lines (max %d)", XP_MAX_LISTEN);
			rc = -1;
		}
		if (rc < 0) {
			fprintf(stderr, "uptables-sim explain: %s:%u: %s\n", config, lineno, err);
			free(text);
			goto err;
		}
		if (rc > 0) {
			if (x)
				x->listen[x->nlisten++] = l;
			continue;
		}
		if (upt_engine_config_line(eng, line, err, sizeof(err)) < 0) {
			fprintf(stderr, "uptables-sim explain: %s:%u: %s\n", config, lineno, err);
			free(text);
			goto err;
		}
	}
	free(text);
	rc = upt_engine_restore(eng, rules_text, strlen(rules_text), 0, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "uptables-sim explain: %s: %s\n", rules_path, err);
		goto err;
	}
	return eng;
err:
	upt_engine_destroy(eng);
	return NULL;
}

static int endpoint(const char *s, bool want_port, uint32_t *addr, uint16_t *port, char *err,
		    size_t errlen)
{
	char buf[64];
	char *colon;

	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "\"%s\" is not an address", s);
		return -1;
	}
	strcpy(buf, s);
	colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	if (!parse_ipv4(buf, addr)) {
		snprintf(err, errlen, "\"%s\" is not an IPv4 address", buf);
		return -1;
	}
	if (want_port && !colon) {
		snprintf(err, errlen, "\"%s\" needs a port (ADDR:PORT)", s);
		return -1;
	}
	if (!want_port && colon) {
		snprintf(err, errlen, "icmp has no ports: \"%s\"", s);
		return -1;
	}
	if (colon && !parse_port(colon + 1, port)) {
		snprintf(err, errlen, "\"%s\" is not a port (1-65535)", colon + 1);
		return -1;
	}
	return 0;
}

/* "tcp 203.0.113.7:40000 > 198.51.100.1:80 in eth0" */
int xp_parse_spec(const char *spec, struct xp_flow *f, char ifname[UPT_IFNAMSIZ], char *err,
		  size_t errlen)
{
	char buf[512], *w[8], *save = NULL, *tok, *o = buf;
	const char *s;
	int n = 0;

	memset(f, 0, sizeof(*f));
	/* Let "a:1>b:2" be written without spaces around '>'. */
	for (s = spec; *s && o < buf + sizeof(buf) - 4; s++) {
		if (*s == '>') {
			*o++ = ' ';
			*o++ = '>';
			*o++ = ' ';
		} else {
			*o++ = *s;
		}
	}
	if (*s) {
		snprintf(err, errlen, "packet description too long");
		return -1;
	}
	*o = '\0';
	for (tok = strtok_r(buf, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
		if (n == 8)
			break;
		w[n++] = tok;
	}
	if (n != 6 || strcmp(w[2], ">") || strcmp(w[4], "in")) {
		snprintf(err, errlen, "expected PROTO SRC[:PORT] > DST[:PORT] in IFACE");
		return -1;
	}
	if (strcmp(w[0], "tcp") == 0)
		f->proto = P_TCP;
	else if (strcmp(w[0], "udp") == 0)
		f->proto = P_UDP;
	else if (strcmp(w[0], "icmp") == 0)
		f->proto = P_ICMP;
	else {
		snprintf(err, errlen, "protocol \"%s\": tcp, udp or icmp", w[0]);
		return -1;
	}
	if (endpoint(w[1], f->proto != P_ICMP, &f->saddr, &f->sport, err, errlen) < 0 ||
	    endpoint(w[3], f->proto != P_ICMP, &f->daddr, &f->dport, err, errlen) < 0)
		return -1;
	if (strlen(w[5]) >= UPT_IFNAMSIZ) {
		snprintf(err, errlen, "interface name \"%s\" too long", w[5]);
		return -1;
	}
	strcpy(ifname, w[5]);
	if (f->proto == P_ICMP)
		f->sport = f->dport = 0x0e1d; /* the echo id */
	return 0;
}

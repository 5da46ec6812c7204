/* SPDX-License-Identifier: GPL-2.0 */
/* Test helpers for extensions on the packet path (see xt_build.h). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "xt_build.h"

int xt_build(struct xt_ext *e, bool target, const char *name, uint8_t proto, const char *opts,
	     uint32_t hooks)
{
	const struct upt_xt_option *o, *optv;
	char words[512], *argv[32], *save = NULL, *w, err[256] = "";
	int argc = 0, i = 0, rc = 0;
	struct upt_xt_parse p;

	memset(e, 0, sizeof(*e));
	if (target)
		e->t = upt_target_find(name);
	else
		e->m = upt_match_find(name);
	if (!e->m && !e->t)
		return -1;
	e->data = calloc(1, target ? e->t->size : e->m->size);
	(target ? e->t->init : e->m->init)(e->data);
	optv = target ? e->t->options : e->m->options;
	snprintf(words, sizeof(words), "%s", opts);
	for (w = strtok_r(words, " ", &save); w && argc < 32; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	memset(&p, 0, sizeof(p));
	p.proto = proto;
	p.hooks = hooks;
	p.argc = argc;
	p.argv = argv;
	p.optind = &i;
	p.err = err;
	p.errlen = sizeof(err);
	while (i < argc && rc == 0) {
		bool inv = !strcmp(argv[i], "!");
		const char *arg = NULL;

		if (inv)
			i++;
		for (o = optv; o->name && strcmp(argv[i] + 2, o->name); o++)
			;
		if (!o->name)
			return -1;
		i++;
		if (o->flags & UPT_XTOPT_ARG)
			arg = argv[i++];
		rc = (target ? e->t->parse : e->m->parse)(e->data, o->id, inv, arg, &p);
		p.seen |= 1u << o->id;
	}
	if (rc == 0)
		rc = (target ? e->t->check : e->m->check)(e->data, &p);
	return rc;
}

struct xt_ext xt_mm(const char *name, uint8_t proto, const char *opts)
{
	struct xt_ext e;

	CHECK_MSG(xt_build(&e, false, name, proto, opts, 0) == 0, "-m %s %s refused", name, opts);
	return e;
}

struct xt_ext xt_tg(const char *name, uint8_t proto, const char *opts)
{
	struct xt_ext e;

	CHECK_MSG(xt_build(&e, true, name, proto, opts, 0) == 0, "-j %s %s refused", name, opts);
	return e;
}

void xt_pk_build(struct xt_pk *k, const struct frame *f)
{
	size_t n = frame_build(f, k->buf, sizeof(k->buf));

	memset(&k->d, 0, sizeof(k->d));
	memset(&k->p, 0, sizeof(k->p));
	CHECK(n > 0);
	if (f->no_eth)
		CHECK_EQ(upt_pkt_parse_ip(&k->d, k->buf, (uint32_t)n, 0), 0);
	else
		CHECK_EQ(upt_pkt_parse_eth(&k->d, k->buf, (uint32_t)n), 0);
	k->p.d = &k->d;
	k->p.in_name = "eth0";
	k->p.out_name = "";
	k->p.hook = UPT_HOOK_FORWARD;
	k->p.frame_cap = sizeof(k->buf);
}

void xt_tcp_frame(struct frame *f, uint8_t flags, uint16_t mss)
{
	frame_init(f, UPT_IPPROTO_TCP, "198.51.100.2", 40000, "192.168.1.2", 80);
	f->tcp_flags = flags;
	f->mss = mss;
}

bool xt_run(const struct xt_ext *e, struct xt_pk *k)
{
	k->p.hotdrop = false;
	return e->m->match(e->data, &k->p);
}

const uint8_t *xt_ip_of(const struct xt_pk *k)
{
	return k->buf + k->d.l2_len;
}

const char *xt_nth_line(const char *text, int n, char *buf, size_t len)
{
	const char *e;

	while (n-- > 0 && text) {
		text = strchr(text, '\n');
		if (text)
			text++;
	}
	if (!text)
		return "";
	e = strchr(text, '\n');
	snprintf(buf, len, "%.*s", e ? (int)(e - text) : (int)strlen(text), text);
	return buf;
}

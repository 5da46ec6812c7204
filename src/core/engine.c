/* SPDX-License-Identifier: GPL-2.0 */
/* Engine lifecycle, rules, listings and timers.  All allocation happens here. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/defrag.h"
#include "core/engine.h"

#define CT_DEFAULT_MAX	 65536
#define CT_EXPIRE_BUDGET 1024 /* pool slots visited per tick */

static int add_loopback(struct upt_engine *eng)
{
	struct upt_iface *lo = &eng->ifaces[0];

	memset(lo, 0, sizeof(*lo));
	snprintf(lo->name, sizeof(lo->name), "lo");
	lo->up = true;
	lo->loopback = true;
	lo->mtu = 65535;
	lo->addr[0] = 0x7f000001u;
	lo->plen[0] = 8;
	lo->naddr = 1;
	eng->niface = 1;
	return 0;
}

int upt_engine_create(const struct upt_engine_config *cfg, struct upt_engine **out)
{
	struct upt_engine *eng;
	uint64_t seed[2];
	int rc;

	*out = NULL;
	eng = calloc(1, sizeof(*eng));
	if (!eng)
		return -ENOMEM;
	if (cfg)
		eng->cfg = *cfg;
	seed[0] = eng->cfg.seed[0];
	seed[1] = eng->cfg.seed[1];
	if (!seed[0] && !seed[1] && getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed)) {
		rc = -EIO;
		goto err_free;
	}
	eng->hash_key[0] = seed[0];
	eng->hash_key[1] = seed[1] ^ 0x736f6d6570736575ull;
	eng->rng = seed[0] ^ (seed[1] << 1);
	rc = upt_ct_table_create(eng->cfg.ct_max ? eng->cfg.ct_max : CT_DEFAULT_MAX, eng->hash_key,
				 &eng->ct);
	if (rc < 0)
		goto err_free;
	rc = upt_neigh_init(eng);
	if (rc < 0)
		goto err_ct;
	rc = upt_nat_srcmap_create(eng->cfg.ct_max ? eng->cfg.ct_max : CT_DEFAULT_MAX,
				   eng->hash_key, &eng->nat.srcmap);
	if (rc < 0)
		goto err_neigh;
	rc = upt_defrag_create(eng->drops, upt_frag_expired, eng, &eng->defrag);
	if (rc < 0)
		goto err_srcmap;
	eng->rules = upt_rules_create();
	if (!eng->rules) {
		rc = -ENOMEM;
		goto err_defrag;
	}
	eng->send_redirects_all = true;
	eng->send_redirects_default = true;
	eng->nat.ct = eng->ct;
	eng->nat.rng = &eng->rng;
	add_loopback(eng);
	*out = eng;
	return 0;

err_defrag:
	upt_defrag_destroy(eng->defrag);
err_srcmap:
	upt_nat_srcmap_destroy(eng->nat.srcmap);
err_neigh:
	upt_neigh_fini(eng);
err_ct:
	upt_ct_table_destroy(eng->ct);
err_free:
	free(eng);
	return rc;
}

void upt_engine_destroy(struct upt_engine *eng)
{
	if (!eng)
		return;
	upt_ruleset_free(eng->rs);
	upt_rules_destroy(eng->rules);
	upt_defrag_destroy(eng->defrag);
	upt_nat_srcmap_destroy(eng->nat.srcmap);
	upt_neigh_fini(eng);
	upt_ct_table_destroy(eng->ct);
	free(eng);
}

uint32_t upt_engine_ifindex(const struct upt_engine *eng, const char *name)
{
	unsigned i;

	for (i = 0; i < eng->niface; i++)
		if (strcmp(eng->ifaces[i].name, name) == 0)
			return i + 1;
	return 0;
}

const char *upt_engine_ifname(const struct upt_engine *eng, uint32_t ifindex)
{
	if (ifindex == 0 || ifindex > eng->niface)
		return NULL;
	return eng->ifaces[ifindex - 1].name;
}

unsigned upt_engine_iface_count(const struct upt_engine *eng)
{
	return eng->niface;
}

int upt_engine_restore(struct upt_engine *eng, const char *text, size_t len, unsigned flags,
		       char *err, size_t errlen)
{
	struct upt_ruleset *next;
	int rc;

	/* Keep the counters the running ruleset gathered before the model changes. */
	if (eng->rs)
		upt_rules_sync_counters(eng->rules, eng->rs);
	rc = upt_rules_restore(eng->rules, text, len, flags, NULL, err, errlen);
	if (rc < 0 || (flags & UPT_RESTORE_TEST))
		return rc;
	rc = upt_ruleset_compile(eng->rules, eng->generation + 1, &next, err, errlen);
	if (rc < 0)
		return rc;
	rc = upt_xt_conn_prepare(eng, next);
	if (rc < 0) {
		upt_ruleset_free(next);
		snprintf(err, errlen, "out of memory");
		return rc;
	}
	/* Named recent/hashlimit tables outlive rule changes, as the kernel's do. */
	upt_ruleset_adopt(next, eng->rs);
	/* Rules an adding edit left alone keep their own state, as under iptables-nft. */
	if (flags & UPT_RESTORE_NOFLUSH)
		upt_ruleset_keep_rules(next, eng->rs, text, len);
	/* Packets run to completion between calls: swapping the pointer is the commit. */
	upt_ruleset_free(eng->rs);
	eng->rs = next;
	eng->generation++;
	return 0;
}

int upt_engine_save(const struct upt_engine *eng, const char *table, unsigned flags, char **out)
{
	struct upt_sb sb;
	int rc;

	*out = NULL;
	if (eng->rs)
		upt_rules_sync_counters(eng->rules, eng->rs);
	upt_sb_init(&sb);
	rc = upt_rules_save(eng->rules, table, flags, &sb);
	if (rc < 0) {
		upt_sb_free(&sb);
		return rc;
	}
	*out = upt_sb_steal(&sb);
	if (!*out) {
		upt_sb_free(&sb);
		return -ENOMEM;
	}
	return 0;
}

struct proc_ctx {
	struct upt_sb *sb;
	uint64_t now;
	const struct upt_ct_table *ct;
};

static int proc_line(struct upt_ct *ct, void *arg)
{
	struct proc_ctx *pc = arg;
	char line[512];

	upt_ct_format_proc_acct(ct, upt_ct_acct_get(pc->ct, ct), pc->now, line, sizeof(line));
	upt_sb_puts(pc->sb, line);
	upt_sb_putc(pc->sb, '\n');
	return 0;
}

int upt_engine_ct_proc(struct upt_engine *eng, uint64_t now, char **out)
{
	struct upt_sb sb;
	struct proc_ctx pc = {&sb, now, eng->ct};

	upt_sb_init(&sb);
	upt_ct_foreach(eng->ct, proc_line, &pc);
	*out = upt_sb_steal(&sb);
	if (!*out) {
		upt_sb_free(&sb);
		return -ENOMEM;
	}
	return 0;
}

unsigned upt_engine_ct_count(const struct upt_engine *eng)
{
	return upt_ct_count(eng->ct);
}

uint64_t upt_engine_drop_count(const struct upt_engine *eng, unsigned reason)
{
	return reason < UPT_DROP__COUNT ? eng->drops[reason] : 0;
}

void upt_engine_tick(struct upt_engine *eng, uint64_t now)
{
	upt_ct_expire(eng->ct, now, CT_EXPIRE_BUDGET);
	upt_defrag_expire(eng->defrag, now);
	upt_neigh_tick(eng, now);
}

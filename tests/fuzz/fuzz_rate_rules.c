/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Random option values for the rate-group extensions (limit, hashlimit,
 * quota, recent, statistic, time, NFLOG), each in one rule restored into a
 * fresh ruleset.  Whatever is accepted must save to text that restores again
 * and saves the same: a rules file is that text, so a save that does not
 * read back would leave a file no command can open.  Also runs every
 * accepted rule's match on a packet (no crash; run it under ASan).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rand.h"
#include "frames.h"
#include "pkt/pkt.h"
#include "rules/ext.h"
#include "rules/rules.h"
#include "uptables/uptables.h"

#define ITERATIONS 100000

static const char *const prefixes[] = {
    "-m limit --limit",
    "-m limit --limit-burst",
    "-m hashlimit --hashlimit-name a --hashlimit-upto",
    "-m hashlimit --hashlimit-upto 1/s --hashlimit-name",
    "-m hashlimit --hashlimit-upto 1/s --hashlimit-name a --hashlimit-burst",
    "-m hashlimit --hashlimit-upto 1/s --hashlimit-name a --hashlimit-mode",
    "-m hashlimit --hashlimit-upto 1/s --hashlimit-name a --hashlimit-rate-match "
    "--hashlimit-rate-interval",
    "-m hashlimit --hashlimit-above 2kb/s --hashlimit-name a --hashlimit-burst",
    "-m quota --quota",
    "-m recent --rcheck --name",
    "-m recent --rcheck --mask",
    "-m recent --update --seconds",
    "-m recent --rcheck --hitcount",
    "-m statistic --mode random --probability",
    "-m statistic --mode nth --packet 0 --every",
    "-m time --datestart",
    "-m time --datestop",
    "-m time --timestart",
    "-m time --monthdays",
    "-m time --weekdays",
    "-j NFLOG --nflog-prefix",
    "-j NFLOG --nflog-group",
};

static const char alpha[] = "0123456789/:-T,.abcdefkmsMTWFSuhrdy|xb \\'";

int main(void)
{
	uint64_t rng = 20261124;
	unsigned accepted = 0, failures = 0;
	uint8_t buf[FRAME_MAX];
	struct frame f;
	struct upt_pdesc d;
	size_t n;

	frame_init(&f, UPT_IPPROTO_UDP, "10.0.0.1", 1000, "10.0.0.2", 53);
	n = frame_build(&f, buf, sizeof(buf));
	if (!n || upt_pkt_parse_eth(&d, buf, (uint32_t)n) != 0) {
		printf("fuzz_rate_rules: cannot build the packet\n");
		return 1;
	}
	for (unsigned i = 0; i < ITERATIONS; i++) {
		char arg[40], text[512], err[256];
		unsigned len = upt_rand_u32(&rng) % 24, k;
		struct upt_rules *rs = upt_rules_create(), *r2;
		struct upt_ruleset *set = NULL;
		struct upt_sb sb, sb2;

		for (k = 0; k < len; k++)
			arg[k] = alpha[upt_rand_u32(&rng) % (sizeof(alpha) - 1)];
		arg[len] = '\0';
		for (k = 0; k < len; k++)
			if (arg[k] == '"')
				arg[k] = '1';
		snprintf(text, sizeof(text), "*filter\n-A OUTPUT %s \"%s\"\nCOMMIT\n",
			 prefixes[upt_rand_u32(&rng) % (sizeof(prefixes) / sizeof(prefixes[0]))],
			 arg);
		if (!rs ||
		    upt_rules_restore(rs, text, strlen(text), 0, NULL, err, sizeof(err)) != 0) {
			upt_rules_destroy(rs);
			continue;
		}
		accepted++;
		upt_sb_init(&sb);
		upt_sb_init(&sb2);
		upt_rules_save(rs, NULL, 0, &sb);
		r2 = upt_rules_create();
		if (upt_rules_restore(r2, upt_sb_str(&sb), strlen(upt_sb_str(&sb)), 0, NULL, err,
				      sizeof(err)) != 0) {
			printf("accepted %s  but its save does not restore: %s\n", text, err);
			failures++;
		} else {
			upt_rules_save(r2, NULL, 0, &sb2);
			if (strcmp(upt_sb_str(&sb), upt_sb_str(&sb2)) != 0) {
				printf("accepted %s  saved twice differently:\n%s---\n%s", text,
				       upt_sb_str(&sb), upt_sb_str(&sb2));
				failures++;
			}
		}
		if (upt_ruleset_compile(rs, 1, &set, err, sizeof(err)) == 0) {
			struct upt_xt_pkt p;
			memset(&p, 0, sizeof(p));
			p.d = &d;
			p.hook = UPT_HOOK_LOCAL_OUT;
			p.in_name = "";
			p.out_name = "eth0";
			p.now = (uint64_t)i * 1000000u;
			/* NFLOG needs an engine for its sink: only the matches run here. */
			if (!strstr(text, "NFLOG"))
				upt_ruleset_run(set, UPT_TABLE_FILTER, UPT_HOOK_LOCAL_OUT, &p);
			upt_ruleset_free(set);
		}
		upt_sb_free(&sb);
		upt_sb_free(&sb2);
		upt_rules_destroy(r2);
		upt_rules_destroy(rs);
	}
	if (failures) {
		printf("fuzz_rate_rules: %u failures\n", failures);
		return 1;
	}
	printf("%u random option values, %u accepted, every save restores and saves the same: ok\n",
	       ITERATIONS, accepted);
	return 0;
}

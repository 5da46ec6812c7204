/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Conformance runner for the iptables maintainers' .t files, read in place
 * from ../shared/conformance/iptables-t/ (or $UPT_CONFORMANCE_DIR); see
 * that folder's README for the format.  Each test line runs once per chain
 * of its `:` list, each time on a fresh ruleset:
 *   OK       "-A CHAIN RULE" restores, the save listing has the line
 *            "-A CHAIN EXPECTED", and deleting by specification removes it;
 *   FAIL     the restore is refused;
 *   NOMATCH  restores, but EXPECTED is not listed.
 * VARIANT lines are judged as on the nft backend (the alternative result,
 * or the inverse of a LEGACY-only result).
 *
 * A line that names an extension this build does not have (-m X / -j X not
 * in the registry) is "unsupported": it must be refused, never accepted.
 * The CHECK counts cover the files of the implemented extensions only;
 * every file's counts and the total over all lines are printed.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rules/model.h"
#include "rules/ext.h"
#include "rules/rules.h"

static const char *const implemented_files[] = {
    "libxt_tcp.t",	   "libxt_udp.t",	"libipt_icmp.t",      "libxt_multiport.t",
    "libxt_state.t",	   "libxt_conntrack.t", "libipt_conntrack.t", "libxt_mark.t",
    "libxt_comment.t",	   "libipt_iprange.t",	"libxt_iprange.t",    "libipt_REJECT.t",
    "libipt_LOG.t",	   "libxt_MARK.t",	"libipt_DNAT.t",      "libipt_SNAT.t",
    "libipt_MASQUERADE.t", "libxt_REDIRECT.t",	"libxt_standard.t",   "libipt_standard.t",
    "iptables.t",
    /* connection-state group */
    "libxt_connmark.t", "libxt_CONNMARK.t", "libxt_helper.t", "libxt_NOTRACK.t", "libxt_CT.t",
    "libipt_NETMAP.t", "libxt_addrtype.t", "libxt_connbytes.t",
    "libipt_connlimit.t", "libxt_connlimit.t",
    /* packet group */
    "libxt_dscp.t", "libxt_DSCP.t", "libxt_tos.t", "libxt_TOS.t", "libxt_ecn.t",
    "libxt_length.t", "libipt_ttl.t", "libipt_TTL.t", "libxt_mac.t", "libxt_pkttype.t",
    "libxt_u32.t", "libxt_string.t", "libxt_tcpmss.t", "libxt_TCPMSS.t", "libxt_CHECKSUM.t",
    /* rate group */
    "libxt_limit.t", "libxt_hashlimit.t", "libxt_quota.t", "libipt_recent.t", "libxt_recent.t",
    "libxt_statistic.t", "libxt_time.t", "libxt_owner.t", "libxt_NFLOG.t", "libxt_TRACE.t",
    /* misc group */
    "libxt_NFQUEUE.t", "libxt_TCPOPTSTRIP.t", "libxt_CLASSIFY.t", "libipt_ECN.t", "libxt_HMARK.t",
    "libxt_AUDIT.t", "libxt_cpu.t", "libxt_connlabel.t",
    /* transport-protocol group */
    "libxt_sctp.t", "libxt_dccp.t", "libxt_esp.t", "libxt_ipcomp.t",
};

struct totals {
	unsigned lines, pass, fail, unsupported, unsupported_accepted;
};

static struct totals all, implemented;
static bool verbose;

static bool is_implemented(const char *file)
{
	for (size_t i = 0; i < sizeof(implemented_files) / sizeof(implemented_files[0]); i++)
		if (strcmp(file, implemented_files[i]) == 0)
			return true;
	return false;
}

/* Split a rule into words the way the shell would for this corpus (double quotes only). */
static int words(const char *s, char out[][256], int max)
{
	int n = 0;

	while (*s && n < max) {
		size_t len = 0;
		bool any = false;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		while (*s && !isspace((unsigned char)*s)) {
			if (*s == '"') {
				any = true;
				for (s++; *s && *s != '"'; s++)
					if (len < 255)
						out[n][len++] = *s;
				if (*s)
					s++;
				continue;
			}
			if (len < 255)
				out[n][len++] = *s;
			any = true;
			s++;
		}
		out[n][len] = '\0';
		if (any)
			n++;
	}
	return n;
}

static bool is_std_target(const char *t)
{
	return !strcmp(t, "ACCEPT") || !strcmp(t, "DROP") || !strcmp(t, "RETURN") ||
	       !strcmp(t, "QUEUE");
}

/* Does the rule name a match or target that the registry does not know? */
static bool uses_unsupported(const char *rule, char *what, size_t whatlen)
{
	static char w[64][256];
	int n = words(rule, w, 64);

	for (int i = 0; i + 1 < n; i++) {
		const char *o = w[i], *v = w[i + 1];

		if ((!strcmp(o, "-m") || !strcmp(o, "--match")) && !upt_match_find(v)) {
			snprintf(what, whatlen, "-m %s", v);
			return true;
		}
		if (!strncmp(o, "-j", 2) && o[2] && !is_std_target(o + 2) &&
		    !upt_target_find(o + 2)) {
			snprintf(what, whatlen, "-j %s", o + 2);
			return true;
		}
		if ((!strcmp(o, "-j") || !strcmp(o, "--jump")) && !is_std_target(v) &&
		    !upt_target_find(v)) {
			snprintf(what, whatlen, "-j %s", v);
			return true;
		}
		if (!strncmp(o, "--jump=", 7) && !is_std_target(o + 7) && !upt_target_find(o + 7)) {
			snprintf(what, whatlen, "-j %s", o + 7);
			return true;
		}
	}
	return false;
}

enum result { R_OK, R_FAIL, R_NOMATCH };

/* Drop "-c A,B" / "--set-counters A,B" for the delete, as upstream does. */
static void strip_counters(const char *rule, char *out, size_t outlen)
{
	static char w[64][256];
	int n = words(rule, w, 64);
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if ((!strcmp(w[i], "-c") || !strcmp(w[i], "--set-counters")) && i + 1 < n) {
			i++;
			continue;
		}
		/* Re-quote what needs it; the corpus only has plain and quoted words. */
		bool q = strpbrk(w[i], " \t") != NULL || w[i][0] == '\0';
		len += (size_t)snprintf(out + len, len < outlen ? outlen - len : 0, "%s%s%s%s",
					len ? " " : "", q ? "\"" : "", w[i], q ? "\"" : "");
	}
}

/* One (line, chain) run; true when it behaves as the line says. */
static bool run_one(const char *table, const char *chain, const char *rule, const char *expected,
		    enum result want, bool *accepted, char *why, size_t whylen)
{
	struct upt_rules *rs = upt_rules_create();
	struct upt_sb sb;
	char err[512] = "";
	char *text = NULL, *needle = NULL, *del = NULL;
	size_t tlen;
	bool ok = false, listed;
	int rc;

	*accepted = false;
	if (!rs) {
		snprintf(why, whylen, "out of memory");
		return false;
	}
	tlen = strlen(table) + strlen(chain) + strlen(rule) + 64;
	text = malloc(tlen);
	needle = malloc(strlen(chain) + strlen(expected) + 16);
	del = malloc(strlen(rule) * 2 + 32);
	if (!text || !needle || !del)
		goto out;
	snprintf(text, tlen, "*%s\n-A %s %s\nCOMMIT\n", table, chain, rule);
	rc = upt_rules_restore(rs, text, strlen(text), 0, NULL, err, sizeof(err));
	*accepted = rc == 0;
	if (want == R_FAIL) {
		ok = rc != 0;
		if (!ok)
			snprintf(why, whylen, "accepted, should fail");
		goto out;
	}
	if (rc != 0) {
		snprintf(why, whylen, "refused: %s", err);
		goto out;
	}
	upt_sb_init(&sb);
	upt_rules_save(rs, table, 0, &sb);
	sprintf(needle, "\n-A %s %s\n", chain, expected);
	listed = strstr(upt_sb_str(&sb), needle) != NULL;
	if (want == R_NOMATCH) {
		ok = !listed;
		if (!ok)
			snprintf(why, whylen, "listed, should not be");
		upt_sb_free(&sb);
		goto out;
	}
	if (!listed) {
		const char *s = upt_sb_str(&sb), *a = strstr(s, "\n-A ");
		const char *e = a ? strchr(a + 1, '\n') : NULL;

		snprintf(why, whylen, "listed as \"%.*s\"", a && e ? (int)(e - a - 1) : 0,
			 a ? a + 1 : "");
		upt_sb_free(&sb);
		goto out;
	}
	upt_sb_free(&sb);
	/* Delete by specification must find the rule again. */
	char spec[4096];
	strip_counters(rule, spec, sizeof(spec));
	free(text);
	tlen = strlen(table) + strlen(chain) + strlen(spec) + 64;
	text = malloc(tlen);
	if (!text)
		goto out;
	snprintf(text, tlen, "*%s\n-D %s %s\nCOMMIT\n", table, chain, spec);
	rc = upt_rules_restore(rs, text, strlen(text), UPT_RESTORE_NOFLUSH, NULL, err, sizeof(err));
	if (rc != 0) {
		snprintf(why, whylen, "delete by spec refused: %s", err);
		goto out;
	}
	upt_sb_init(&sb);
	upt_rules_save(rs, table, 0, &sb);
	ok = strstr(upt_sb_str(&sb), needle) == NULL;
	if (!ok)
		snprintf(why, whylen, "still listed after delete by spec");
	upt_sb_free(&sb);
out:
	free(text);
	free(needle);
	free(del);
	upt_rules_destroy(rs);
	return ok;
}

static enum result result_of(const char *res, const char *variant, const char *alt)
{
	enum result r = !strcmp(res, "OK") ? R_OK : !strcmp(res, "FAIL") ? R_FAIL : R_NOMATCH;

	if (variant && !strcmp(variant, "LEGACY")) {
		if (alt && *alt)
			return !strcmp(alt, "OK")     ? R_OK
			       : !strcmp(alt, "FAIL") ? R_FAIL
						      : R_NOMATCH;
		return r == R_OK ? R_FAIL : R_OK;
	}
	return r;
}

static void run_file(const char *dir, const char *name)
{
	char path[1024], line[4096], table[32] = "filter", chains[256] = "";
	struct totals t = {0};
	bool impl = is_implemented(name);
	unsigned lineno = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f) {
		CHECK_MSG(0, "cannot open %s", path);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *fields[6] = {0}, *p = line, what[128];
		int nf = 0;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '@' || line[0] == '%' ||
		    strspn(line, " \t") == strlen(line))
			continue;
		if (line[0] == ':') {
			snprintf(chains, sizeof(chains), "%.200s", line + 1);
			continue;
		}
		if (line[0] == '*') {
			snprintf(table, sizeof(table), "%.30s", line + 1);
			continue;
		}
		while (nf < 6) {
			fields[nf++] = p;
			p = strchr(p, ';');
			if (!p)
				break;
			*p++ = '\0';
		}
		if (nf < 3) {
			CHECK_MSG(0, "%s:%u: malformed line", name, lineno);
			continue;
		}
		const char *rule = fields[0];
		const char *expected = !strcmp(fields[1], "=") ? rule : fields[1];
		enum result want =
		    result_of(fields[2], nf > 3 ? fields[3] : NULL, nf > 4 ? fields[4] : NULL);
		bool unsupported =
		    uses_unsupported(rule, what, sizeof(what)) || upt_rules_table_by_name(table) < 0;
		bool pass = true, accepted_any = false;
		char why[600] = "", chain_list[256], *save = NULL, *chain;

		if (upt_rules_table_by_name(table) < 0)
			snprintf(what, sizeof(what), "table %s", table);
		t.lines++;
		snprintf(chain_list, sizeof(chain_list), "%s", chains);
		for (chain = strtok_r(chain_list, ",", &save); chain;
		     chain = strtok_r(NULL, ",", &save)) {
			bool accepted;

			if (!run_one(table, chain, rule, expected, unsupported ? R_FAIL : want,
				     &accepted, why, sizeof(why)))
				pass = false;
			accepted_any |= accepted;
			if (!pass)
				break; /* upstream stops at the first chain that fails */
		}
		if (unsupported) {
			t.unsupported++;
			if (accepted_any) {
				t.unsupported_accepted++;
				printf("  %s:%u: UNSUPPORTED (%s) BUT ACCEPTED: %s\n", name, lineno,
				       what, rule);
			}
			/* A FAIL line is met by refusing it; an OK line is not. */
			pass = want == R_FAIL && !accepted_any;
			if (verbose)
				printf("  %s:%u: unsupported (%s)\n", name, lineno, what);
		} else if (!pass) {
			printf("  %s:%u [%s]: %s  -- %s\n", name, lineno, chain ? chain : "?", rule,
			       why);
		}
		if (pass)
			t.pass++;
		else
			t.fail++;
		if (impl)
			CHECK_MSG(pass && !unsupported, "%s:%u: %s", name, lineno, rule);
	}
	fclose(f);
	printf("%-24s %3u lines: %3u pass, %3u fail (%u unsupported%s)%s\n", name, t.lines, t.pass,
	       t.fail, t.unsupported, t.unsupported_accepted ? ", SOME ACCEPTED" : "",
	       impl ? "  [implemented]" : "");
	all.lines += t.lines;
	all.pass += t.pass;
	all.fail += t.fail;
	all.unsupported += t.unsupported;
	all.unsupported_accepted += t.unsupported_accepted;
	if (impl) {
		implemented.lines += t.lines;
		implemented.pass += t.pass;
		implemented.fail += t.fail;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv)
{
	const char *dir = getenv("UPT_CONFORMANCE_DIR");
	char *names[256];
	unsigned n = 0;
	struct dirent *e;
	DIR *dp;

	verbose = argc > 1 && !strcmp(argv[1], "-v");
	if (!dir)
		dir = "../shared/conformance/iptables-t";
	dp = opendir(dir);
	if (!dp) {
		CHECK_MSG(0, "conformance corpus not found at %s (run from the repo root)", dir);
		return check_report("test_conformance");
	}
	while ((e = readdir(dp)) && n < 256) {
		size_t l = strlen(e->d_name);
		if (l > 2 && !strcmp(e->d_name + l - 2, ".t"))
			names[n++] = strdup(e->d_name);
	}
	closedir(dp);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (unsigned i = 0; i < n; i++) {
		run_file(dir, names[i]);
		free(names[i]);
	}
	printf("implemented extensions: %u of %u lines pass\n", implemented.pass,
	       implemented.lines);
	printf("all files: %u of %u lines pass (%u unsupported, %u of those accepted)\n", all.pass,
	       all.lines, all.unsupported, all.unsupported_accepted);
	CHECK_MSG(implemented.lines > 0, "no implemented-extension lines were run");
	return check_report("test_conformance");
}

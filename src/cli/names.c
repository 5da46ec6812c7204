// SPDX-License-Identifier: GPL-2.0
/*
 * Address names for `uptables -L` without -n.
 *
 * iptables asks gethostbyaddr() (then getnetbyaddr()) for every address it
 * lists without -n, which may send DNS queries.  We read only local files,
 * so a listing never waits on or leaks to the network: /etc/hosts (the
 * first name of the first line with that IPv4 address, as glibc's files
 * backend answers) and then /etc/networks (a network number compared as
 * inet_network() reads it: "169.254.0.0" names 169.254.0.0, which is how
 * iptables prints "link-local/16").  An address with neither prints
 * numerically.  Both files are read once per process.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

struct name_entry {
	uint32_t addr;
	char name[64];
};

struct name_file {
	bool loaded;
	struct name_entry *e;
	size_t n, cap;
};

static struct name_file hosts, networks;

static void add_entry(struct name_file *f, uint32_t addr, const char *name)
{
	if (f->n == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 32;
		struct name_entry *ne = realloc(f->e, ncap * sizeof(*ne));
		if (!ne)
			return;
		f->e = ne;
		f->cap = ncap;
	}
	f->e[f->n].addr = addr;
	snprintf(f->e[f->n].name, sizeof(f->e[f->n].name), "%s", name);
	f->n++;
}

/* One line's first two words; false for comments and blank lines. */
static bool two_words(char *line, char **a, char **b)
{
	char *save = NULL;
	char *hash = strchr(line, '#');

	if (hash)
		*hash = '\0';
	*a = strtok_r(line, " \t\r\n", &save);
	*b = *a ? strtok_r(NULL, " \t\r\n", &save) : NULL;
	return *a && *b;
}

static void load(struct name_file *f, const char *path, bool is_hosts)
{
	char line[512], *a, *b;
	FILE *fp;

	f->loaded = true;
	fp = fopen(path, "re");
	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		struct in_addr in;
		if (!two_words(line, &a, &b))
			continue;
		if (is_hosts) {
			/* "ADDRESS NAME [ALIASES]" */
			if (inet_pton(AF_INET, a, &in) == 1)
				add_entry(f, ntohl(in.s_addr), b);
		} else {
			/* "NAME NUMBER [ALIASES]" */
			in_addr_t net = inet_network(b);
			if (net != (in_addr_t)-1)
				add_entry(f, net, a);
		}
	}
	fclose(fp);
}

static const char *find(struct name_file *f, const char *path, bool is_hosts, uint32_t addr)
{
	if (!f->loaded)
		load(f, path, is_hosts);
	for (size_t i = 0; i < f->n; i++)
		if (f->e[i].addr == addr)
			return f->e[i].name;
	return NULL;
}

const char *cli_addr_name(uint32_t addr, void *ctx)
{
	const char *name = find(&hosts, "/etc/hosts", true, addr);

	(void)ctx;
	return name ? name : find(&networks, "/etc/networks", false, addr);
}

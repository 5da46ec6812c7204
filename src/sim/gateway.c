/* SPDX-License-Identifier: GPL-2.0 */
/* Loading a simulated gateway: the `ip`-style config file and the rules file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/explain.h"

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, 4096, f);
		n += got;
	} while (got == 4096);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

struct upt_engine *sim_load_gateway(const char *config, const char *rules,
				    struct upt_engine_config *cfg)
{
	struct upt_engine *eng;
	char err[512], *text, *line, *save = NULL;
	size_t len;
	unsigned lineno = 0;
	int rc;

	rc = upt_engine_create(cfg, &eng);
	if (rc < 0) {
		fprintf(stderr, "uptables-sim: cannot create the engine: %s\n", strerror(-rc));
		return NULL;
	}
	text = read_file(config, &len);
	if (!text) {
		fprintf(stderr, "uptables-sim: %s: %s\n", config, strerror(errno));
		goto err;
	}
	/* strtok_r would skip empty lines and so miscount: split by hand. */
	for (line = text; line; line = save) {
		char *nl = strchr(line, '\n');

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		lineno++;
		/* explain's own words (`listen`) describe the hosts, not the gateway. */
		rc = sim_config_explain_line(line, NULL, err, sizeof(err));
		if (rc > 0)
			continue;
		if (rc < 0 || upt_engine_config_line(eng, line, err, sizeof(err)) < 0) {
			fprintf(stderr, "uptables-sim: %s:%u: %s\n", config, lineno, err);
			free(text);
			goto err;
		}
	}
	free(text);
	text = read_file(rules, &len);
	if (!text) {
		fprintf(stderr, "uptables-sim: %s: %s\n", rules, strerror(errno));
		goto err;
	}
	rc = upt_engine_restore(eng, text, len, 0, err, sizeof(err));
	free(text);
	if (rc < 0) {
		fprintf(stderr, "uptables-sim: %s: %s\n", rules, err);
		goto err;
	}
	return eng;
err:
	upt_engine_destroy(eng);
	return NULL;
}

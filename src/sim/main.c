/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uptables-sim: replay captured frames through a simulated gateway.
 *
 *   uptables-sim --config GW.conf --rules RULES.v4 --in IFACE=FILE.pcap [--in ...]
 *                --out DIR [--trace text|json] [--seed N]
 *   uptables-sim explain --config GW.conf --rules RULES.v4 'tcp A:P > B:Q in IFACE'
 *
 * Inputs (pcap or pcapng, Ethernet) are merged by timestamp and run through
 * the engine on the packets' own clock; what leaves each interface is
 * written to DIR/IFACE.pcap, what is delivered to the host to
 * DIR/local.pcap, the final conntrack table to DIR/conntrack.txt.
 */
#include <errno.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/sim.h"

#define MAX_INPUTS   16
#define MAX_RULES_AT 16

/*
 * A rules change at a point of the capture's clock (--rules-at TIME=FILE):
 * before the first frame stamped at or after TIME, FILE is applied as
 * `iptables-restore --noflush FILE` would apply it to the kernel, so a file
 * holding "*nat / -A PREROUTING ... / COMMIT" adds one rule and leaves the
 * rest (and its counters) alone.  This is what a kernel test does between
 * two packets of a live connection.
 */
struct rules_at {
	uint64_t ts; /* ns since the epoch, the capture's clock */
	const char *path;
	bool done;
};

struct input {
	char ifname[UPT_IFNAMSIZ];
	uint32_t ifindex;
	const char *path;
};

struct frame_rec {
	uint64_t ts;
	unsigned input;
	unsigned seq; /* stable order for equal timestamps */
	uint32_t len;
	uint8_t *data;
};

struct sim {
	struct upt_engine *eng;
	struct sim_trace *tr;
	pcap_dumper_t *dump[UPT_MAX_IFACES_SIM];
	pcap_dumper_t *local;
	pcap_t *dead;
	uint64_t written[UPT_MAX_IFACES_SIM];
	uint64_t results[8];
};

static void usage(FILE *o)
{
	fprintf(o, "usage: uptables-sim --config GW.conf --rules RULES.v4 --in IFACE=FILE.pcap "
		   "[--in ...] --out DIR [--trace text|json] [--seed N]\n"
		   "                    [--rules-at SECONDS=FILE ...]\n"
		   "       uptables-sim explain --config GW.conf --rules RULES.v4 "
		   "'tcp 203.0.113.7:40000 > 198.51.100.1:80 in eth0'\n");
}

static void write_frame(pcap_dumper_t *d, uint64_t ts, const uint8_t *frame, uint32_t len)
{
	struct pcap_pkthdr h;

	h.ts.tv_sec = (time_t)(ts / 1000000000ull);
	h.ts.tv_usec = (suseconds_t)(ts % 1000000000ull / 1000);
	h.caplen = len;
	h.len = len;
	pcap_dump((u_char *)d, &h, frame);
}

static void on_emit(void *ctx, uint32_t ifindex, const uint8_t *frame, uint32_t len, uint64_t now)
{
	struct sim *s = ctx;

	if (ifindex < UPT_MAX_IFACES_SIM && s->dump[ifindex]) {
		write_frame(s->dump[ifindex], now, frame, len);
		s->written[ifindex]++;
	}
}

static void on_trace(void *ctx, const struct upt_trace_event *ev)
{
	struct sim *s = ctx;

	sim_trace_event(s->tr, ev);
}

static void on_log(void *ctx, unsigned level, const char *line)
{
	(void)ctx;
	fprintf(stderr, "<%u>%s\n", level, line);
}

static int cmp_frames(const void *a, const void *b)
{
	const struct frame_rec *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->input != y->input)
		return x->input < y->input ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Read every frame of every input; returns the count or -1 with a message. */
static long load_inputs(const struct input *in, unsigned nin, struct frame_rec **out)
{
	struct frame_rec *recs = NULL;
	size_t n = 0, cap = 0;
	unsigned i;

	for (i = 0; i < nin; i++) {
		char errbuf[PCAP_ERRBUF_SIZE];
		pcap_t *p = pcap_open_offline_with_tstamp_precision(
		    in[i].path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
		struct pcap_pkthdr *h;
		const u_char *data;
		unsigned seq = 0;
		int rc;

		if (!p) {
			fprintf(stderr, "uptables-sim: %s: %s\n", in[i].path, errbuf);
			goto err;
		}
		if (pcap_datalink(p) != DLT_EN10MB) {
			fprintf(stderr,
				"uptables-sim: %s: link type %s is not supported (Ethernet only)\n",
				in[i].path, pcap_datalink_val_to_name(pcap_datalink(p)));
			pcap_close(p);
			goto err;
		}
		while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 256;
				struct frame_rec *nr = realloc(recs, ncap * sizeof(*nr));

				if (!nr) {
					pcap_close(p);
					goto err;
				}
				recs = nr;
				cap = ncap;
			}
			recs[n].ts =
			    (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
			recs[n].input = i;
			recs[n].seq = seq++;
			recs[n].len = h->caplen;
			recs[n].data = malloc(h->caplen ? h->caplen : 1);
			if (!recs[n].data) {
				pcap_close(p);
				goto err;
			}
			memcpy(recs[n].data, data, h->caplen);
			n++;
		}
		if (rc == -1)
			fprintf(stderr, "uptables-sim: %s: %s (reading stopped there)\n",
				in[i].path, pcap_geterr(p));
		pcap_close(p);
	}
	qsort(recs, n, sizeof(*recs), cmp_frames);
	*out = recs;
	return (long)n;
err:
	while (n--)
		free(recs[n].data);
	free(recs);
	return -1;
}

static int open_outputs(struct sim *s, const char *dir)
{
	char path[4096];
	unsigned i, nif = upt_engine_iface_count(s->eng);

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "uptables-sim: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	s->dead =
	    pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 262144, PCAP_TSTAMP_PRECISION_MICRO);
	if (!s->dead)
		return -1;
	for (i = 1; i <= nif && i < UPT_MAX_IFACES_SIM; i++) {
		const char *name = upt_engine_ifname(s->eng, i);

		if (strcmp(name, "lo") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s.pcap", dir, name);
		s->dump[i] = pcap_dump_open(s->dead, path);
		if (!s->dump[i]) {
			fprintf(stderr, "uptables-sim: %s: %s\n", path, pcap_geterr(s->dead));
			return -1;
		}
	}
	snprintf(path, sizeof(path), "%s/local.pcap", dir);
	s->local = pcap_dump_open(s->dead, path);
	if (!s->local) {
		fprintf(stderr, "uptables-sim: %s: %s\n", path, pcap_geterr(s->dead));
		return -1;
	}
	return 0;
}

static void close_outputs(struct sim *s)
{
	unsigned i;

	for (i = 0; i < UPT_MAX_IFACES_SIM; i++)
		if (s->dump[i])
			pcap_dump_close(s->dump[i]);
	if (s->local)
		pcap_dump_close(s->local);
	if (s->dead)
		pcap_close(s->dead);
}

static int write_conntrack(struct sim *s, const char *dir, uint64_t now)
{
	char path[4096], *table = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/conntrack.txt", dir);
	if (upt_engine_ct_proc(s->eng, now, &table) < 0)
		return -1;
	f = fopen(path, "w");
	if (!f) {
		free(table);
		return -1;
	}
	fputs(table, f);
	fclose(f);
	free(table);
	return 0;
}

/* The rules with their counters, as iptables-save -c prints them. */
static int write_rules(struct sim *s, const char *dir)
{
	char path[4096], *text = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/iptables-save.txt", dir);
	if (upt_engine_save(s->eng, NULL, UPT_SAVE_COUNTERS, &text) < 0)
		return -1;
	f = fopen(path, "w");
	if (!f) {
		free(text);
		return -1;
	}
	fputs(text, f);
	fclose(f);
	free(text);
	return 0;
}

/* "SECONDS[.FRACTION]=FILE", SECONDS since the epoch as pcap timestamps count them. */
static int parse_rules_at(const char *arg, struct rules_at *ra)
{
	const char *eq = strchr(arg, '='), *q;
	uint64_t sec = 0, frac = 0, scale = 1000000000ull;

	if (!eq || eq == arg || !eq[1])
		return -1;
	for (q = arg; q < eq && *q != '.'; q++) {
		if (*q < '0' || *q > '9' || sec > 100000000000ull)
			return -1;
		sec = sec * 10 + (uint64_t)(*q - '0');
	}
	if (q == arg)
		return -1;
	if (q < eq && *q == '.')
		for (q++; q < eq; q++) {
			if (*q < '0' || *q > '9')
				return -1;
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*q - '0') * scale;
			}
		}
	ra->ts = sec * 1000000000ull + frac;
	ra->path = eq + 1;
	ra->done = false;
	return 0;
}

/* Apply every pending rules change due at or before ts; -1 with a message on error. */
static int apply_rules_at(struct upt_engine *eng, struct rules_at *ra, unsigned nra, uint64_t ts)
{
	char err[512];
	unsigned i;

	for (i = 0; i < nra; i++) {
		FILE *f;
		char *text;
		long len;
		int rc;

		if (ra[i].done || ra[i].ts > ts)
			continue;
		ra[i].done = true;
		f = fopen(ra[i].path, "rb");
		if (!f || fseek(f, 0, SEEK_END) < 0 || (len = ftell(f)) < 0 ||
		    fseek(f, 0, SEEK_SET) < 0) {
			fprintf(stderr, "uptables-sim: %s: %s\n", ra[i].path, strerror(errno));
			if (f)
				fclose(f);
			return -1;
		}
		text = malloc((size_t)len + 1);
		if (!text || fread(text, 1, (size_t)len, f) != (size_t)len) {
			fprintf(stderr, "uptables-sim: %s: cannot read\n", ra[i].path);
			free(text);
			fclose(f);
			return -1;
		}
		fclose(f);
		text[len] = '\0';
		rc = upt_engine_restore(eng, text, (size_t)len, UPT_RESTORE_NOFLUSH, err,
					sizeof(err));
		free(text);
		if (rc < 0) {
			fprintf(stderr, "uptables-sim: %s: %s\n", ra[i].path, err);
			return -1;
		}
	}
	return 0;
}

static int replay_main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"rules", required_argument, NULL, 'r'},
	    {"in", required_argument, NULL, 'i'},
	    {"out", required_argument, NULL, 'o'},
	    {"trace", required_argument, NULL, 't'},
	    {"seed", required_argument, NULL, 's'},
	    {"rules-at", required_argument, NULL, 'a'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *config = NULL, *rules = NULL, *outdir = NULL;
	struct input in[MAX_INPUTS];
	struct rules_at ra[MAX_RULES_AT];
	unsigned nin = 0, nra = 0, i;
	enum sim_trace_mode mode = SIM_TRACE_NONE;
	uint64_t seed = 1, last_ts = 0;
	struct sim s;
	struct sim_trace tr;
	struct upt_engine_config cfg;
	struct frame_rec *recs = NULL;
	uint8_t *buf = NULL;
	long nrec, k;
	int c, rc = 1;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'r':
			rules = optarg;
			break;
		case 'o':
			outdir = optarg;
			break;
		case 'i': {
			const char *eq = strchr(optarg, '=');

			if (!eq || eq == optarg || (size_t)(eq - optarg) >= UPT_IFNAMSIZ ||
			    !eq[1]) {
				fprintf(stderr, "uptables-sim: --in wants IFACE=FILE, got \"%s\"\n",
					optarg);
				return 2;
			}
			if (nin == MAX_INPUTS) {
				fprintf(stderr, "uptables-sim: at most %d inputs\n", MAX_INPUTS);
				return 2;
			}
			memcpy(in[nin].ifname, optarg, (size_t)(eq - optarg));
			in[nin].ifname[eq - optarg] = '\0';
			in[nin].path = eq + 1;
			nin++;
			break;
		}
		case 't':
			if (strcmp(optarg, "text") == 0)
				mode = SIM_TRACE_TEXT;
			else if (strcmp(optarg, "json") == 0)
				mode = SIM_TRACE_JSON;
			else {
				fprintf(stderr,
					"uptables-sim: --trace is text or json, not \"%s\"\n",
					optarg);
				return 2;
			}
			break;
		case 's': {
			char *end;

			seed = strtoull(optarg, &end, 0);
			if (*end || !seed) {
				fprintf(stderr, "uptables-sim: --seed wants a nonzero number\n");
				return 2;
			}
			break;
		}
		case 'a':
			if (nra == MAX_RULES_AT) {
				fprintf(stderr, "uptables-sim: at most %d --rules-at\n",
					MAX_RULES_AT);
				return 2;
			}
			if (parse_rules_at(optarg, &ra[nra]) < 0) {
				fprintf(stderr,
					"uptables-sim: --rules-at wants SECONDS=FILE, got \"%s\"\n",
					optarg);
				return 2;
			}
			nra++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || !config || !rules || !outdir || nin == 0) {
		usage(stderr);
		return 2;
	}
	memset(&s, 0, sizeof(s));
	s.tr = &tr;
	sim_trace_init(&tr, mode, stdout);
	tr.colour = mode == SIM_TRACE_TEXT && isatty(STDOUT_FILENO);
	memset(&cfg, 0, sizeof(cfg));
	cfg.seed[0] = seed;
	cfg.seed[1] = seed ^ 0x5bd1e995;
	cfg.emit = on_emit;
	cfg.log = on_log;
	cfg.trace = mode != SIM_TRACE_NONE ? on_trace : NULL;
	cfg.ctx = &s;
	s.eng = sim_load_gateway(config, rules, &cfg);
	if (!s.eng)
		return 1;
	tr.eng = s.eng;
	for (i = 0; i < nin; i++) {
		in[i].ifindex = upt_engine_ifindex(s.eng, in[i].ifname);
		if (!in[i].ifindex || strcmp(in[i].ifname, "lo") == 0) {
			fprintf(stderr, "uptables-sim: --in %s: no such interface in %s\n",
				in[i].ifname, config);
			goto out_engine;
		}
	}
	nrec = load_inputs(in, nin, &recs);
	if (nrec < 0 || open_outputs(&s, outdir) < 0)
		goto out_files;
	buf = malloc(UPT_PKT_HEADROOM + 65536);
	if (!buf)
		goto out_files;
	for (k = 0; k < nrec; k++) {
		struct upt_pkt p = {
		    .buf = buf, .cap = UPT_PKT_HEADROOM + 65536, .off = UPT_PKT_HEADROOM};
		uint32_t len = recs[k].len > 65536 ? 65536 : recs[k].len;

		memcpy(buf + p.off, recs[k].data, len);
		p.len = len;
		p.ifindex = in[recs[k].input].ifindex;
		last_ts = recs[k].ts;
		if (apply_rules_at(s.eng, ra, nra, last_ts) < 0)
			goto out_buf;
		upt_engine_tick(s.eng, last_ts);
		upt_engine_process(s.eng, &p, 1, last_ts);
		if (p.result == UPT_PKT_FORWARDED && p.out_ifindex < UPT_MAX_IFACES_SIM &&
		    s.dump[p.out_ifindex]) {
			write_frame(s.dump[p.out_ifindex], last_ts, p.buf + p.off, p.len);
			s.written[p.out_ifindex]++;
		} else if (p.result == UPT_PKT_LOCAL) {
			write_frame(s.local, last_ts, p.buf + p.off, p.len);
		}
		if (p.result < 8)
			s.results[p.result]++;
		sim_trace_flush(&tr, (unsigned)k + 1, last_ts, in[recs[k].input].ifname);
	}
	free(buf);
	buf = NULL;
	/* A change due after the last frame still shows in the saved rules. */
	if (apply_rules_at(s.eng, ra, nra, UINT64_MAX) < 0)
		goto out_files;
	if (write_conntrack(&s, outdir, last_ts) < 0 || write_rules(&s, outdir) < 0) {
		fprintf(stderr, "uptables-sim: cannot write the results into %s\n", outdir);
		goto out_files;
	}
	fprintf(stderr,
		"uptables-sim: %ld frames: %llu forwarded, %llu local, %llu dropped, "
		"%llu held, %llu consumed; %u conntrack entries\n",
		nrec, (unsigned long long)s.results[UPT_PKT_FORWARDED],
		(unsigned long long)s.results[UPT_PKT_LOCAL],
		(unsigned long long)s.results[UPT_PKT_DROPPED],
		(unsigned long long)s.results[UPT_PKT_HELD],
		(unsigned long long)s.results[UPT_PKT_CONSUMED], upt_engine_ct_count(s.eng));
	for (i = 0; i < UPT_DROP__COUNT; i++)
		if (upt_engine_drop_count(s.eng, i) && i != UPT_DROP_ARP_CONSUMED)
			fprintf(stderr, "  dropped %llu: %s\n",
				(unsigned long long)upt_engine_drop_count(s.eng, i),
				upt_drop_reason_str(i));
	rc = 0;
out_buf:
	free(buf);
out_files:
	close_outputs(&s);
	if (recs)
		for (k = 0; k < nrec; k++)
			free(recs[k].data);
	free(recs);
out_engine:
	sim_trace_free(&tr);
	upt_engine_destroy(s.eng);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "explain") == 0)
		return sim_explain_main(argc - 1, argv + 1);
	return replay_main(argc, argv);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LOG target lines against the kernel's.  Each row is a frame as it
 * entered a namespace's veth "vb" (captured with tcpdump) and the line the
 * kernel (6.x, nf_log_syslog) wrote for it from an INPUT LOG rule with the
 * same options, taken from dmesg without the timestamp.  The UDP row was
 * marked 0x2a in mangle PREROUTING first.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rules/ext.h"

static const struct {
	const char *opts;
	unsigned level;
	uint32_t mark;
	unsigned len;
	const char *frame;
	const char *kernel_line;
} rows[] = {
    {"--log-prefix \"UPTX1: \" --log-tcp-sequence --log-tcp-options --log-ip-options", 4, 0x0, 74,
     "\x02\x00\x00\x00\x00\x0b\x02\x00\x00\x00\x00\x0a\x08\x00\x45\x10"
     "\x00\x3c\xd4\x31\x40\x00\x40\x06\x51\xde\x0a\x4d\x00\x01\x0a\x4d"
     "\x00\x02\x9c\x40\x1f\x90\x00\x01\xe2\x40\x00\x00\x00\x00\xa0\x02"
     "\xfa\xf0\x9a\x5f\x00\x00\x02\x04\x05\xb4\x04\x02\x08\x0a\x00\x00"
     "\x00\x01\x00\x00\x00\x00\x01\x03\x03\x07",
     "UPTX1: IN=vb OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 SRC=10.77.0.1 DST=10.77.0.2 "
     "LEN=60 TOS=0x10 PREC=0x00 TTL=64 ID=54321 DF PROTO=TCP SPT=40000 DPT=8080 SEQ=123456 ACK=0 "
     "WINDOW=64240 RES=0x00 SYN URGP=0 OPT (020405B40402080A000000010000000001030307) "},
    {"--log-prefix \"UPTX1: \" --log-tcp-sequence --log-tcp-options --log-ip-options", 4, 0x0, 58,
     "\x02\x00\x00\x00\x00\x0b\x02\x00\x00\x00\x00\x0a\x08\x00\x46\xb8"
     "\x00\x2c\x00\x07\x00\x00\x40\x06\xd0\x6c\x0a\x4d\x00\x01\x0a\x4d"
     "\x00\x02\x94\x04\x00\x00\x00\x01\x00\x02\x00\x00\x00\x05\x00\x00"
     "\x00\x06\x50\xe9\x00\x00\x9a\x48\x00\x09",
     "UPTX1: IN=vb OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 SRC=10.77.0.1 DST=10.77.0.2 "
     "LEN=44 TOS=0x18 PREC=0xA0 TTL=64 ID=7 OPT (94040000) PROTO=TCP SPT=1 DPT=2 SEQ=5 ACK=6 "
     "WINDOW=0 RES=0x00 CWR ECE URG PSH FIN URGP=9 "},
    {"--log-prefix \"UPTX2: \" --log-level 6 --log-macdecode", 6, 0x2a, 47,
     "\x02\x00\x00\x00\x00\x0b\x02\x00\x00\x00\x00\x0a\x08\x00\x45\x00"
     "\x00\x21\x00\x08\x00\x00\x40\x11\x66\x28\x0a\x4d\x00\x01\x0a\x4d"
     "\x00\x02\x14\xe9\x1e\x61\x00\x0d\x74\x1b\x68\x65\x6c\x6c\x6f",
     "UPTX2: IN=vb OUT= MACSRC=02:00:00:00:00:0a MACDST=02:00:00:00:00:0b MACPROTO=0800 "
     "SRC=10.77.0.1 DST=10.77.0.2 LEN=33 TOS=0x00 PREC=0x00 TTL=64 ID=8 PROTO=UDP SPT=5353 "
     "DPT=7777 LEN=13 MARK=0x2a "},
    {"--log-prefix \"UPTX3: \" --log-ip-options", 4, 0x0, 46,
     "\x02\x00\x00\x00\x00\x0b\x02\x00\x00\x00\x00\x0a\x08\x00\x45\x00"
     "\x00\x20\x00\x09\x00\x00\x40\x01\x66\x38\x0a\x4d\x00\x01\x0a\x4d"
     "\x00\x02\x08\x00\x18\xdf\x00\x4d\x00\x03\x70\x69\x6e\x67",
     "UPTX3: IN=vb OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 SRC=10.77.0.1 DST=10.77.0.2 "
     "LEN=32 TOS=0x00 PREC=0x00 TTL=64 ID=9 PROTO=ICMP TYPE=8 CODE=0 ID=77 SEQ=3 "},
    {"--log-prefix \"UPTX3: \" --log-ip-options", 4, 0x0, 70,
     "\x02\x00\x00\x00\x00\x0b\x02\x00\x00\x00\x00\x0a\x08\x00\x45\x00"
     "\x00\x38\x00\x0a\x00\x00\x40\x01\x66\x1f\x0a\x4d\x00\x01\x0a\x4d"
     "\x00\x02\x03\x03\x11\xbb\x00\x00\x00\x00\x45\x00\x00\x1c\x00\x63"
     "\x00\x00\x03\x11\xa2\xca\x0a\x4d\x00\x02\x0a\x4d\x00\x09\x03\xe8"
     "\x00\x35\x00\x08\xe7\x1c",
     "UPTX3: IN=vb OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 SRC=10.77.0.1 DST=10.77.0.2 "
     "LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=10 PROTO=ICMP TYPE=3 CODE=3 [SRC=10.77.0.2 DST=10.77.0.9 "
     "LEN=28 TOS=0x00 PREC=0x00 TTL=3 ID=99 PROTO=UDP SPT=1000 DPT=53 LEN=8 ] "},
    {"--log-prefix \"UPTX3: \" --log-ip-options", 4, 0x0, 82,
     "\x02\x00\x00\x00\x00\x0b\x02\x00\x00\x00\x00\x0a\x08\x00\x45\x00"
     "\x00\x44\x00\x0b\x00\x00\x40\x01\x66\x12\x0a\x4d\x00\x01\x0a\x4d"
     "\x00\x02\x03\x04\x0c\x43\x00\x00\x05\x78\x45\x00\x00\x28\x00\x62"
     "\x00\x00\x40\x06\x65\xca\x0a\x4d\x00\x02\x0a\x4d\x00\x09\x00\x16"
     "\x0f\xa0\x00\x00\x00\x00\x00\x00\x00\x00\x50\x10\x20\x00\x6b\x7a"
     "\x00\x00",
     "UPTX3: IN=vb OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 SRC=10.77.0.1 DST=10.77.0.2 "
     "LEN=68 TOS=0x00 PREC=0x00 TTL=64 ID=11 PROTO=ICMP TYPE=3 CODE=4 [SRC=10.77.0.2 DST=10.77.0.9 "
     "LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=98 PROTO=TCP SPT=22 DPT=4000 WINDOW=8192 RES=0x00 ACK "
     "URGP=0 ] MTU=1400 "},
    {"--log-prefix \"UPTX3: \" --log-ip-options", 4, 0x0, 70,
     "\x02\x00\x00\x00\x00\x0b\x02\x00\x00\x00\x00\x0a\x08\x00\x45\x00"
     "\x00\x38\x00\x0c\x00\x00\x40\x01\x66\x1d\x0a\x4d\x00\x01\x0a\x4d"
     "\x00\x02\x05\x01\xef\xb3\x0a\x4d\x00\xfe\x45\x00\x00\x1c\x00\x61"
     "\x00\x00\x40\x01\x65\xdc\x0a\x4d\x00\x02\x0a\x4d\x00\x09\x08\x00"
     "\xf7\xfd\x00\x01\x00\x01",
     "UPTX3: IN=vb OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 SRC=10.77.0.1 DST=10.77.0.2 "
     "LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=12 PROTO=ICMP TYPE=5 CODE=1 GATEWAY=10.77.0.254 "
     "[SRC=10.77.0.2 DST=10.77.0.9 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=97 PROTO=ICMP TYPE=8 CODE=0 "
     "ID=1 SEQ=1 ] "},
    {"--log-prefix \"UPTX3: \" --log-ip-options", 4, 0x0, 70,
     "\x02\x00\x00\x00\x00\x0b\x02\x00\x00\x00\x00\x0a\x08\x00\x45\x00"
     "\x00\x38\x00\x0d\x00\x00\x40\x01\x66\x1c\x0a\x4d\x00\x01\x0a\x4d"
     "\x00\x02\x0c\x00\xf4\xbd\x14\x00\x00\x00\x45\x00\x00\x1c\x00\x60"
     "\x00\x00\x40\x11\x65\xcd\x0a\x4d\x00\x02\x0a\x4d\x00\x09\x00\x01"
     "\x00\x02\x00\x08\xeb\x36",
     "UPTX3: IN=vb OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 SRC=10.77.0.1 DST=10.77.0.2 "
     "LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=13 PROTO=ICMP TYPE=12 CODE=0 PARAMETER=20 "},
    {"--log-prefix \"UPTX4: \"", 4, 0x0, 38,
     "\x02\x00\x00\x00\x00\x0b\x02\x00\x00\x00\x00\x0a\x08\x00\x45\x00"
     "\x00\x18\x00\x0e\x00\x00\x40\x2f\x66\x0d\x0a\x4d\x00\x01\x0a\x4d"
     "\x00\x02\x00\x00\x08\x00",
     "UPTX4: IN=vb OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 SRC=10.77.0.1 DST=10.77.0.2 "
     "LEN=24 TOS=0x00 PREC=0x00 TTL=64 ID=14 PROTO=47 "},
    {"--log-prefix \"UPTX3: \" --log-ip-options", 4, 0x0, 44,
     "\x02\x00\x00\x00\x00\x0b\x02\x00\x00\x00\x00\x0a\x08\x00\x45\x00"
     "\x00\x1e\x00\x11\x00\x00\x40\x01\x66\x32\x0a\x4d\x00\x01\x0a\x4d"
     "\x00\x02\x03\x01\xb7\xfe\x00\x00\x00\x00\x45\x00",
     "UPTX3: IN=vb OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 SRC=10.77.0.1 DST=10.77.0.2 "
     "LEN=30 TOS=0x00 PREC=0x00 TTL=64 ID=17 PROTO=ICMP TYPE=3 CODE=1 INCOMPLETE [10 bytes] "},
    {"--log-prefix \"UPTX3: \" --log-ip-options", 4, 0x0, 54,
     "\x02\x00\x00\x00\x00\x0b\x02\x00\x00\x00\x00\x0a\x08\x00\x45\x00"
     "\x00\x28\x00\x12\x00\x00\x40\x01\x66\x27\x0a\x4d\x00\x01\x0a\x4d"
     "\x00\x02\x0d\x00\x7d\x4c\x00\x05\x00\x06\x04\x18\x23\x20\x04\x18"
     "\x23\x20\x04\x18\x23\x20",
     "UPTX3: IN=vb OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 SRC=10.77.0.1 DST=10.77.0.2 "
     "LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=18 PROTO=ICMP TYPE=13 CODE=0 "},
};

static char got_line[1024];
static unsigned got_level, got_calls;

static void log_sink(void *ctx, unsigned level, const char *line)
{
	(void)ctx;
	got_level = level;
	got_calls++;
	snprintf(got_line, sizeof(got_line), "%s", line);
}

/* Split option words, keeping a double-quoted word whole. */
static int split(const char *s, char out[][64], int max)
{
	int n = 0;

	while (*s && n < max) {
		size_t l = 0;

		while (*s == ' ')
			s++;
		if (!*s)
			break;
		if (*s == '"') {
			for (s++; *s && *s != '"'; s++)
				out[n][l++] = *s;
			if (*s)
				s++;
		} else {
			while (*s && *s != ' ')
				out[n][l++] = *s++;
		}
		out[n++][l] = '\0';
	}
	return n;
}

TEST(log_lines_are_the_kernels)
{
	const struct upt_target_ops *t = upt_target_find("LOG");
	struct upt_engine_config cfg;
	struct upt_engine *eng = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.seed[0] = 1;
	cfg.log = log_sink;
	CHECK(t != NULL);
	CHECK_EQ(upt_engine_create(&cfg, &eng), 0);
	if (!t || !eng)
		return;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		static char words[16][64];
		char *argv[16], err[128] = "";
		int argc = split(rows[i].opts, words, 16), k = 0, rc = 0;
		uint8_t buf[2048];
		struct upt_pdesc d;
		struct upt_xt_pkt p;
		struct upt_xt_parse xp;
		void *data = calloc(1, t->size);

		t->init(data);
		for (int j = 0; j < argc; j++)
			argv[j] = words[j];
		memset(&xp, 0, sizeof(xp));
		xp.argc = argc;
		xp.argv = argv;
		xp.optind = &k;
		xp.err = err;
		xp.errlen = sizeof(err);
		while (k < argc && rc == 0) {
			const struct upt_xt_option *o;
			const char *arg = NULL;

			for (o = t->options; o->name && strcmp(argv[k] + 2, o->name); o++)
				;
			k++;
			if (o->flags & UPT_XTOPT_ARG)
				arg = argv[k++];
			rc = t->parse(data, o->id, false, arg, &xp);
		}
		CHECK_MSG(rc == 0, "%s: %s", rows[i].opts, err);
		memcpy(buf, rows[i].frame, rows[i].len);
		CHECK_EQ(upt_pkt_parse_eth(&d, buf, rows[i].len), 0);
		memset(&p, 0, sizeof(p));
		p.d = &d;
		p.hook = UPT_HOOK_LOCAL_IN;
		p.in_name = "vb";
		p.out_name = "";
		p.mark = rows[i].mark;
		p.eng = eng;
		got_calls = 0;
		CHECK_EQ(t->target(data, &p), UPT_V_CONTINUE);
		CHECK_EQ(got_calls, 1);
		CHECK_EQ(got_level, rows[i].level);
		CHECK_STR(got_line, rows[i].kernel_line);
		free(data);
	}
	upt_engine_destroy(eng);
}

int main(void)
{
	RUN(log_lines_are_the_kernels);
	return check_report("test_ext_log");
}

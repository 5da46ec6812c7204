/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m sctp: source/destination port ranges and --chunk-types
 * {all|any|only} CHUNK[:FLAGS],...  (the kernel's xt_sctp.c; option
 * syntax and listing of iptables' libxt_sctp.c).
 *
 * Theory of operation.  The rule keeps a 256-bit map of chunk types and up
 * to four per-type flag tests (mask/value, XT_NUM_SCTP_FLAGS in the
 * kernel).  On the packet the 12-byte common header is read first (a
 * packet too short for it is dropped, hotdrop, as the kernel does), then
 * the chunk list is walked: each chunk header (4 bytes) must be readable
 * and have a nonzero length, else the packet is dropped; the walk goes on
 * while the next chunk starts inside the IP packet.  "any" matches at the
 * first listed chunk whose flags pass, "all" needs every listed type seen
 * with passing flags, "only" needs every chunk to be listed (and pass).
 * A chunk type with no flag test always passes.  The walk is bounded by
 * the packet length (each step moves at least 4 bytes).
 *
 * Flag letters are the chunk's valid_flags column below: position k is bit
 * 7-k; an upper-case letter asks for the bit set, lower-case for it clear.
 * As in iptables, a '-' is accepted and names the highest unnamed bit.
 * One deliberate difference: iptables 1.8.x stores the flag test under
 * the chunk's index in its name table instead of its type number, so
 * flags on I_DATA, RE_CONFIG, PAD, ASCONF, ASCONF_ACK, FORWARD_TSN and
 * I_FORWARD_TSN are silently lost; here they are kept under the real type
 * and enforced, as the option promises.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

#define SCTP_SRC_PORTS	 0x01
#define SCTP_DEST_PORTS	 0x02
#define SCTP_CHUNK_TYPES 0x04

enum { MATCH_ANY = 1, MATCH_ALL = 2, MATCH_ONLY = 4 };
enum { O_SPORT, O_DPORT, O_CHUNKS };

#define SCTP_MAX_FLAG_TESTS 4
#define SCTP_COMMON_HLEN    12
#define SCTP_CHUNK_HLEN	    4

struct sctp_flag_test {
	uint8_t type, value, mask;
};

struct sctp_data {
	uint16_t spts[2], dpts[2];
	uint32_t chunkmap[8];
	uint8_t match_type; /* MATCH_* */
	uint8_t flags;	    /* SCTP_* options given */
	uint8_t invflags;   /* SCTP_* options negated */
	uint8_t flag_count;
	struct sctp_flag_test flag_tests[SCTP_MAX_FLAG_TESTS];
	bool wrong_proto; /* the rule is not -p sctp: the kernel refuses it (kcheck) */
};

static const struct upt_xt_option sctp_opts[] = {
    {"source-port", O_SPORT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"sport", O_SPORT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"destination-port", O_DPORT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"dport", O_DPORT, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"chunk-types", O_CHUNKS, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

static const struct {
	const char *name;
	uint8_t type;
	const char *valid_flags; /* 8 columns, bit 7 first */
} chunk_names[] = {
    {"DATA", 0, "----IUBE"},
    {"INIT", 1, "--------"},
    {"INIT_ACK", 2, "--------"},
    {"SACK", 3, "--------"},
    {"HEARTBEAT", 4, "--------"},
    {"HEARTBEAT_ACK", 5, "--------"},
    {"ABORT", 6, "-------T"},
    {"SHUTDOWN", 7, "--------"},
    {"SHUTDOWN_ACK", 8, "--------"},
    {"ERROR", 9, "--------"},
    {"COOKIE_ECHO", 10, "--------"},
    {"COOKIE_ACK", 11, "--------"},
    {"ECN_ECNE", 12, "--------"},
    {"ECN_CWR", 13, "--------"},
    {"SHUTDOWN_COMPLETE", 14, "-------T"},
    {"I_DATA", 64, "----IUBE"},
    {"RE_CONFIG", 130, "--------"},
    {"PAD", 132, "--------"},
    {"ASCONF", 193, "--------"},
    {"ASCONF_ACK", 128, "--------"},
    {"FORWARD_TSN", 192, "--------"},
    {"I_FORWARD_TSN", 194, "--------"},
};

#define NCHUNK_NAMES (sizeof(chunk_names) / sizeof(chunk_names[0]))

static bool map_isset(const uint32_t *map, unsigned type)
{
	return map[type / 32] & (1u << (type % 32));
}

static void sctp_init(void *data)
{
	struct sctp_data *s = data;

	memset(s, 0, sizeof(*s));
	s->spts[1] = s->dpts[1] = 0xffff;
}

static int add_flag(struct sctp_data *s, uint8_t type, unsigned bit, bool set,
		    struct upt_xt_parse *p)
{
	struct sctp_flag_test *t = NULL;
	unsigned i;

	for (i = 0; i < s->flag_count; i++)
		if (s->flag_tests[i].type == type)
			t = &s->flag_tests[i];
	if (!t) {
		if (s->flag_count == SCTP_MAX_FLAG_TESTS)
			return upt_xt_error(p, "Number of chunk types with flags exceeds currently "
					       "allowed limit.");
		t = &s->flag_tests[s->flag_count++];
		t->type = type;
	}
	t->mask |= (uint8_t)(1u << bit);
	if (set)
		t->value |= (uint8_t)(1u << bit);
	return 0;
}

static int parse_chunks(struct sctp_data *s, const char *list, struct upt_xt_parse *p)
{
	char buf[512];
	char *tok, *save = NULL, *fl;
	const char *pos;
	size_t i, j;
	int err;

	memset(s->chunkmap, 0, sizeof(s->chunkmap));
	if (strcasecmp(list, "ALL") == 0) {
		memset(s->chunkmap, 0xff, sizeof(s->chunkmap));
		return 0;
	}
	if (strcasecmp(list, "NONE") == 0)
		return 0;
	if (strlen(list) >= sizeof(buf))
		return upt_xt_error(p, "Unknown sctp chunk `%s'", list);
	strcpy(buf, list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		fl = strchr(tok, ':');
		if (fl)
			*fl++ = '\0';
		for (i = 0; i < NCHUNK_NAMES; i++)
			if (strcasecmp(chunk_names[i].name, tok) == 0)
				break;
		if (i == NCHUNK_NAMES)
			return upt_xt_error(p, "Unknown sctp chunk `%s'", tok);
		s->chunkmap[chunk_names[i].type / 32] |= 1u << (chunk_names[i].type % 32);
		for (j = 0; fl && fl[j]; j++) {
			pos = strchr(chunk_names[i].valid_flags, toupper((unsigned char)fl[j]));
			if (!pos)
				return upt_xt_error(p, "Invalid flags for chunk type %zu", i);
			err = add_flag(s, chunk_names[i].type,
				       7u - (unsigned)(pos - chunk_names[i].valid_flags),
				       isupper((unsigned char)fl[j]) != 0, p);
			if (err)
				return err;
		}
	}
	return 0;
}

static int sctp_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct sctp_data *s = data;
	const char *list;

	switch (id) {
	case O_SPORT:
	case O_DPORT:
		if (upt_xtu_parse_port_range(arg, "sctp", id == O_SPORT ? &s->spts[0] : &s->dpts[0],
					     id == O_SPORT ? &s->spts[1] : &s->dpts[1]))
			return upt_xt_error(p, "invalid port/service or range `%s' specified", arg);
		s->flags |= id == O_SPORT ? SCTP_SRC_PORTS : SCTP_DEST_PORTS;
		if (invert)
			s->invflags |= id == O_SPORT ? SCTP_SRC_PORTS : SCTP_DEST_PORTS;
		return 0;
	case O_CHUNKS:
		list = upt_xt_next_arg(p);
		if (!list)
			return upt_xt_error(p, "--chunk-types requires two args");
		if (strcasecmp(arg, "ANY") == 0)
			s->match_type = MATCH_ANY;
		else if (strcasecmp(arg, "ALL") == 0)
			s->match_type = MATCH_ALL;
		else if (strcasecmp(arg, "ONLY") == 0)
			s->match_type = MATCH_ONLY;
		else
			return upt_xt_error(
			    p, "Match type has to be one of \"ALL\", \"ANY\" or \"ONLY\"");
		s->flags |= SCTP_CHUNK_TYPES;
		if (invert)
			s->invflags |= SCTP_CHUNK_TYPES;
		return parse_chunks(s, list, p);
	}
	return -EINVAL;
}

static int sctp_check(void *data, struct upt_xt_parse *p)
{
	struct sctp_data *s = data;

	/* The kernel binds the match to protocol 132 (xt_check_match): iptables passes the
	 * rule on and the kernel refuses it, so the refusal is kcheck's. */
	s->wrong_proto = p->proto != 132 || p->proto_invert;
	return 0;
}

static int sctp_kcheck(const void *data, char *why, size_t whylen)
{
	const struct sctp_data *s = data;

	if (s->wrong_proto) {
		snprintf(why, whylen, "sctp match: only valid for protocol 132");
		return -EINVAL;
	}
	return 0;
}

static const char *chunk_name(unsigned type)
{
	size_t i;

	for (i = 0; i < NCHUNK_NAMES; i++)
		if (chunk_names[i].type == type)
			return chunk_names[i].name;
	return "";
}

static const char *valid_flags_of(unsigned type)
{
	size_t i;

	for (i = 0; i < NCHUNK_NAMES; i++)
		if (chunk_names[i].type == type)
			return chunk_names[i].valid_flags;
	return "--------";
}

/* " any|all|only" then " NONE", " ALL" or the list, as libxt_sctp's print_chunks. */
static void put_chunks(const struct sctp_data *s, struct upt_sb *sb, bool numeric)
{
	static const char *const types[] = {"", " any", " all", "", " only"};
	bool all = true, none = true, first = true;
	unsigned t, i, b;

	upt_sb_puts(sb, s->match_type <= MATCH_ONLY ? types[s->match_type] : "");
	for (t = 0; t < 8; t++) {
		if (s->chunkmap[t] != 0xffffffffu)
			all = false;
		if (s->chunkmap[t])
			none = false;
	}
	if (none) {
		upt_sb_puts(sb, " NONE");
		return;
	}
	if (all) {
		upt_sb_puts(sb, " ALL");
		return;
	}
	for (t = 0; t < 256; t++) {
		if (!map_isset(s->chunkmap, t))
			continue;
		upt_sb_putc(sb, first ? ' ' : ',');
		first = false;
		if (numeric)
			upt_sb_printf(sb, "0x%04X", t);
		else
			upt_sb_puts(sb, chunk_name(t));
		for (i = 0; i < s->flag_count; i++) {
			const struct sctp_flag_test *f = &s->flag_tests[i];
			const char *vf = valid_flags_of(t);

			if (f->type != t || !f->mask)
				continue;
			upt_sb_putc(sb, ':');
			for (b = 8; b-- > 0;) {
				if (!(f->mask & (1u << b)))
					continue;
				if (f->value & (1u << b))
					upt_sb_putc(sb, vf[7 - b]);
				else
					upt_sb_putc(sb, (char)tolower((unsigned char)vf[7 - b]));
			}
		}
	}
}

static void sctp_save(const void *data, struct upt_sb *sb)
{
	const struct sctp_data *s = data;

	/* Given ports are listed even when they cover everything (libxt_sctp). */
	if (s->flags & SCTP_SRC_PORTS)
		upt_xtu_save_range(sb, "--sport", s->spts[0], s->spts[1],
				   s->invflags & SCTP_SRC_PORTS);
	if (s->flags & SCTP_DEST_PORTS)
		upt_xtu_save_range(sb, "--dport", s->dpts[0], s->dpts[1],
				   s->invflags & SCTP_DEST_PORTS);
	if (s->flags & SCTP_CHUNK_TYPES) {
		if (s->invflags & SCTP_CHUNK_TYPES)
			upt_sb_puts(sb, " !");
		upt_sb_puts(sb, " --chunk-types");
		put_chunks(s, sb, false);
	}
}

static void sctp_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct sctp_data *s = data;
	bool numeric = flags & UPT_XT_PRINT_NUMERIC;

	upt_sb_puts(sb, " sctp");
	if (s->flags & SCTP_SRC_PORTS)
		upt_xtu_print_ports(sb, "spt", s->spts[0], s->spts[1], s->invflags & SCTP_SRC_PORTS,
				    "sctp", numeric);
	if (s->flags & SCTP_DEST_PORTS)
		upt_xtu_print_ports(sb, "dpt", s->dpts[0], s->dpts[1],
				    s->invflags & SCTP_DEST_PORTS, "sctp", numeric);
	if (s->flags & SCTP_CHUNK_TYPES) {
		if (s->invflags & SCTP_CHUNK_TYPES)
			upt_sb_puts(sb, " !");
		put_chunks(s, sb, numeric);
	}
}

static bool flags_pass(const struct sctp_data *s, uint8_t type, uint8_t cflags)
{
	unsigned i;

	for (i = 0; i < s->flag_count; i++)
		if (s->flag_tests[i].type == type)
			return (cflags & s->flag_tests[i].mask) == s->flag_tests[i].value;
	return true;
}

/* The chunk walk of the kernel's match_packet(); off is relative to the transport header. */
static bool chunks_match(const struct sctp_data *s, struct upt_xt_pkt *p)
{
	const struct upt_pdesc *d = p->d;
	uint32_t seen[8];
	uint32_t off = SCTP_COMMON_HLEN;
	uint8_t type, cflags;
	uint16_t clen;
	unsigned t;

	if (s->match_type == MATCH_ALL)
		memcpy(seen, s->chunkmap, sizeof(seen));
	do {
		if (off + SCTP_CHUNK_HLEN > d->l4_len ||
		    !upt_pkt_load8(d, d->l4_off + off, &type) ||
		    !upt_pkt_load8(d, d->l4_off + off + 1, &cflags) ||
		    !upt_pkt_load16(d, d->l4_off + off + 2, &clen) || clen == 0) {
			p->hotdrop = true;
			return false;
		}
		off += ((uint32_t)clen + 3u) & ~3u;
		if (map_isset(s->chunkmap, type)) {
			switch (s->match_type) {
			case MATCH_ANY:
				if (flags_pass(s, type, cflags))
					return true;
				break;
			case MATCH_ALL:
				if (flags_pass(s, type, cflags))
					seen[type / 32] &= ~(1u << (type % 32));
				break;
			case MATCH_ONLY:
				if (!flags_pass(s, type, cflags))
					return false;
				break;
			}
		} else if (s->match_type == MATCH_ONLY) {
			return false;
		}
	} while (off < d->l4_len);

	switch (s->match_type) {
	case MATCH_ALL:
		for (t = 0; t < 8; t++)
			if (seen[t])
				return false;
		return true;
	case MATCH_ONLY:
		return true;
	}
	return false;
}

/* SCCHECK: an option not given passes; a given one is its test, negated when inverted. */
static bool opt_ok(const struct sctp_data *s, uint8_t opt, bool cond)
{
	return !(s->flags & opt) || (cond != !!(s->invflags & opt));
}

static bool sctp_match(const void *data, struct upt_xt_pkt *p)
{
	const struct sctp_data *s = data;
	const struct upt_pdesc *d = p->d;
	uint16_t sport, dport;

	if (d->proto != 132)
		return false;
	if (d->frag_off & UPT_IP_OFFMASK)
		return false;
	/* l4_len stays inside the validated IP total length, so it bounds every read. */
	if (d->l4_len < SCTP_COMMON_HLEN || !upt_pkt_load16(d, d->l4_off, &sport) ||
	    !upt_pkt_load16(d, d->l4_off + 2, &dport)) {
		p->hotdrop = true;
		return false;
	}
	if (!opt_ok(s, SCTP_SRC_PORTS, sport >= s->spts[0] && sport <= s->spts[1]))
		return false;
	if (!opt_ok(s, SCTP_DEST_PORTS, dport >= s->dpts[0] && dport <= s->dpts[1]))
		return false;
	if (s->flags & SCTP_CHUNK_TYPES) {
		bool r = chunks_match(s, p);

		/* A dropped packet is a non-match even under `!` (the kernel's SCCHECK
		 * would invert it, but the packet is dropped anyway). */
		if (p->hotdrop)
			return false;
		return r != !!(s->invflags & SCTP_CHUNK_TYPES);
	}
	return true;
}

const struct upt_match_ops upt_match_sctp = {
    .name = "sctp",
    .size = sizeof(struct sctp_data),
    .options = sctp_opts,
    .init = sctp_init,
    .parse = sctp_parse,
    .check = sctp_check,
    .kcheck = sctp_kcheck,
    .save = sctp_save,
    .print = sctp_print,
    .match = sctp_match,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * iptables' command-line parser: argv -> command + rule.
 *
 * Theory of operation.  iptables hands argv to getopt_long with an option
 * list that grows as extensions are loaded: its own options first, then
 * the options of the most recently loaded extension, then older ones.  We
 * keep the same shape:
 *   - a word "!" inverts the next option ("multiple consecutive !" is an
 *     error, a trailing one is "nothing appropriate following !");
 *   - "--name" / "--name=value" looks the name up exactly, then as a unique
 *     prefix (getopt_long's abbreviations: --sou, --to), across our base
 *     options and every loaded extension, newest first; an ambiguous prefix
 *     is an unknown option, as iptables reports it;
 *   - "-x" / "-xVALUE" are the short base options;
 *   - an option nobody owns, when -p names a protocol with a match of the
 *     same name (tcp, udp, icmp, ...), loads that match once and is tried
 *     again: that is how `-p tcp --dport 80` becomes `-p tcp -m tcp --dport 80`.
 * The ip part is parsed as libxtables does it: addresses in dotted form
 * with missing trailing parts filled with zeros and each part in C's base-0
 * notation, masks as /N or dotted, address lists with commas (one rule per
 * pair), interface names up to 15 characters with a trailing '+' wildcard.
 * Host names are not resolved: the library does no name lookups.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/parse.h"

#define MAX_ADDRS 256
#define MAX_SLOTS 32

/* ---- protocol names ---- */

/* Names for protocol numbers as netbase's /etc/protocols gives them, which
 * is what iptables 1.8.9's getprotobynumber() lookups print. */
static const struct {
	uint8_t num;
	const char *name;
} proto_names[] = {
    {1, "icmp"},	{2, "igmp"},
    {3, "ggp"},		{4, "ipencap"},
    {5, "st"},		{6, "tcp"},
    {8, "egp"},		{9, "igp"},
    {12, "pup"},	{17, "udp"},
    {20, "hmp"},	{22, "xns-idp"},
    {27, "rdp"},	{29, "iso-tp4"},
    {33, "dccp"},	{36, "xtp"},
    {37, "ddp"},	{38, "idpr-cmtp"},
    {41, "ipv6"},	{43, "ipv6-route"},
    {44, "ipv6-frag"},	{45, "idrp"},
    {46, "rsvp"},	{47, "gre"},
    {50, "esp"},	{51, "ah"},
    {57, "skip"},	{58, "ipv6-icmp"},
    {59, "ipv6-nonxt"}, {60, "ipv6-opts"},
    {73, "rspf"},	{81, "vmtp"},
    {88, "eigrp"},	{89, "ospf"},
    {93, "ax.25"},	{94, "ipip"},
    {97, "etherip"},	{98, "encap"},
    {103, "pim"},	{108, "ipcomp"},
    {112, "vrrp"},	{115, "l2tp"},
    {124, "isis"},	{132, "sctp"},
    {133, "fc"},	{135, "mobility-header"},
    {136, "udplite"},	{137, "mpls-in-ip"},
    {138, "manet"},	{139, "hip"},
    {140, "shim6"},	{141, "wesp"},
    {142, "rohc"},	{143, "ethernet"},
};

/* Extra names iptables accepts for -p (libxtables' xtables_chain_protos). */
static const struct {
	uint8_t num;
	const char *name;
} chain_protos[] = {
    {6, "tcp"},	    {132, "sctp"},     {17, "udp"},	 {136, "udplite"}, {1, "icmp"},
    {58, "icmpv6"}, {50, "esp"},       {51, "ah"},	 {135, "mh"},	   {0, "all"},
    {0, "ip"},	    {58, "ipv6-icmp"}, {135, "ipv6-mh"},
};

const char *upt_proto_name(uint8_t proto)
{
	for (size_t i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++)
		if (proto_names[i].num == proto)
			return proto_names[i].name;
	return NULL;
}

/* xtables_strtoui: base-0 unsigned, the whole string, within [min, max]. */
static bool str_to_uint(const char *s, unsigned long long min, unsigned long long max,
			unsigned long long *out)
{
	const char *p = s;
	char *end;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-' || *s == '\0')
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (end == s || *end != '\0' || errno == ERANGE || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static int parse_protocol(const char *s, uint8_t *out)
{
	unsigned long long v;

	if (str_to_uint(s, 0, 255, &v)) {
		*out = (uint8_t)v;
		return 0;
	}
	for (size_t i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++)
		if (strcmp(proto_names[i].name, s) == 0) {
			*out = proto_names[i].num;
			return 0;
		}
	for (size_t i = 0; i < sizeof(chain_protos) / sizeof(chain_protos[0]); i++)
		if (strcmp(chain_protos[i].name, s) == 0) {
			*out = chain_protos[i].num;
			return 0;
		}
	return -1;
}

/* ---- addresses ---- */

/* libxtables' numeric address: up to four base-0 parts; a mask needs all four. */
static bool parse_dotted(const char *s, bool is_mask, uint32_t *out)
{
	char buf[20], *p = buf;
	uint32_t a = 0;
	unsigned long long v;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	for (int i = 0; i < 4; i++) {
		char *dot = i < 3 ? strchr(p, '.') : NULL;
		if (!dot) {
			if (i < 3 && is_mask)
				return false;
			if (!str_to_uint(p, 0, 255, &v))
				return false;
			a |= (uint32_t)v << (24 - 8 * i);
			*out = a;
			return true;
		}
		*dot = '\0';
		if (!str_to_uint(p, 0, 255, &v))
			return false;
		a |= (uint32_t)v << (24 - 8 * i);
		p = dot + 1;
	}
	return false;
}

struct addr_list {
	uint32_t addr[MAX_ADDRS], mask[MAX_ADDRS];
	unsigned n;
};

static int parse_addr_list(const char *arg, struct addr_list *l, char *err, size_t errlen)
{
	char item[256];
	const char *p = arg;

	l->n = 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		uint32_t addr, mask = 0xffffffffu;

		if (n >= sizeof(item)) {
			snprintf(err, errlen, "host/network `%.*s' not found", (int)n, p);
			return -EINVAL;
		}
		memcpy(item, p, n);
		item[n] = '\0';
		char *slash = strchr(item, '/');
		if (slash) {
			*slash = '\0';
			const char *m = slash + 1;
			unsigned long long bits;
			if (strchr(m, '.')) {
				if (!parse_dotted(m, true, &mask)) {
					snprintf(err, errlen, "invalid mask `%s' specified", m);
					return -EINVAL;
				}
			} else if (str_to_uint(m, 0, 32, &bits)) {
				mask = bits ? 0xffffffffu << (32 - bits) : 0;
			} else {
				snprintf(err, errlen, "invalid mask `%s' specified", m);
				return -EINVAL;
			}
		}
		if (!parse_dotted(item, false, &addr)) {
			snprintf(err, errlen, "host/network `%s' not found", item);
			return -EINVAL;
		}
		if (l->n == MAX_ADDRS) {
			snprintf(err, errlen, "too many addresses in `%s'", arg);
			return -EINVAL;
		}
		l->addr[l->n] = addr & mask;
		l->mask[l->n] = mask;
		l->n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

/* ---- option tables ---- */

enum { ARG_NONE, ARG_REQ, ARG_OPT };

struct base_opt {
	const char *name;
	char c;
	uint8_t arg;
};

static const struct base_opt base_opts[] = {
    {"append", 'A', ARG_REQ},	     {"delete", 'D', ARG_REQ},
    {"check", 'C', ARG_REQ},	     {"insert", 'I', ARG_REQ},
    {"replace", 'R', ARG_REQ},	     {"list", 'L', ARG_OPT},
    {"list-rules", 'S', ARG_OPT},    {"flush", 'F', ARG_OPT},
    {"zero", 'Z', ARG_OPT},	     {"new-chain", 'N', ARG_REQ},
    {"delete-chain", 'X', ARG_OPT},  {"rename-chain", 'E', ARG_REQ},
    {"policy", 'P', ARG_REQ},	     {"source", 's', ARG_REQ},
    {"destination", 'd', ARG_REQ},   {"src", 's', ARG_REQ},
    {"dst", 'd', ARG_REQ},	     {"protocol", 'p', ARG_REQ},
    {"in-interface", 'i', ARG_REQ},  {"jump", 'j', ARG_REQ},
    {"table", 't', ARG_REQ},	     {"match", 'm', ARG_REQ},
    {"numeric", 'n', ARG_NONE},	     {"out-interface", 'o', ARG_REQ},
    {"verbose", 'v', ARG_NONE},	     {"wait", 'w', ARG_OPT},
    {"wait-interval", 'W', ARG_OPT}, {"exact", 'x', ARG_NONE},
    {"fragments", 'f', ARG_NONE},    {"version", 'V', ARG_NONE},
    {"help", 'h', ARG_OPT},	     {"line-numbers", '0', ARG_NONE},
    {"modprobe", 'M', ARG_REQ},	     {"set-counters", 'c', ARG_REQ},
    {"goto", 'g', ARG_REQ},	     {"ipv4", '4', ARG_NONE},
    {"ipv6", '6', ARG_NONE},
};
#define N_BASE (sizeof(base_opts) / sizeof(base_opts[0]))

static const struct base_opt *short_opt(char c)
{
	for (size_t i = 0; i < N_BASE; i++)
		if (base_opts[i].c == c)
			return &base_opts[i];
	return NULL;
}

/* An extension loaded into the rule being parsed. */
struct slot {
	bool is_target;
	unsigned midx; /* index into rule->matches */
	const char *name;
	const struct upt_xt_option *opts;
	uint32_t seen;
};

/* Option bits of the ip part / command (iptables' OPT_*), for "multiple" checks. */
enum {
	O_SOURCE = 1 << 0,
	O_DEST = 1 << 1,
	O_PROTO = 1 << 2,
	O_JUMP = 1 << 3,
	O_IN = 1 << 4,
	O_OUT = 1 << 5,
	O_FRAG = 1 << 6,
	O_COUNTERS = 1 << 7,
	O_NUMERIC = 1 << 8,
	O_VERBOSE = 1 << 9,
	O_EXACT = 1 << 10,
	O_LINENUM = 1 << 11,
};
#define O_RULE (O_SOURCE | O_DEST | O_PROTO | O_JUMP | O_IN | O_OUT | O_FRAG)

struct pstate {
	enum upt_table table;
	const struct upt_table_model *tm;
	unsigned flags;
	int argc;
	char **argv;
	int optind;
	char *err;
	size_t errlen;

	struct upt_cmd *cmd;
	struct upt_rule *rule;
	struct slot slots[MAX_SLOTS];
	unsigned nslots;
	int target_slot; /* -1: none */
	unsigned options;
	bool proto_used;
	char proto_str[32];
	const char *saddrs, *daddrs;
	const char *jumpto;
};

static int perr(struct pstate *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(struct pstate *ps, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ps->err, ps->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* ---- services for extensions (ext.h) ---- */

const char *upt_xt_next_arg(struct upt_xt_parse *p)
{
	int i = *p->optind;

	/* iptables' xs_has_arg(): the next word, unless it starts an option. */
	if (i >= p->argc || p->argv[i][0] == '-' || p->argv[i][0] == '!') {
		upt_xt_error(p, "option requires more arguments");
		return NULL;
	}
	(*p->optind)++;
	return p->argv[i];
}

int upt_xt_error(struct upt_xt_parse *p, const char *fmt, ...)
{
	va_list ap;
	if (p->err && p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* ---- helpers ---- */

static int set_option(struct pstate *ps, unsigned opt, char c, bool invert, uint8_t invbit)
{
	if (ps->options & opt)
		return perr(ps, "multiple -%c flags not allowed", c);
	ps->options |= opt;
	if (invert) {
		if (!invbit)
			return perr(ps, "cannot have ! before -%c", c);
		ps->rule->ip.invflags |= invbit;
	}
	return 0;
}

static int add_command(struct pstate *ps, int kind, char c, bool invert)
{
	if (invert)
		return perr(ps, "unexpected '!' flag");
	if (ps->cmd->kind != UPT_CMD_NONE)
		return perr(ps, "Cannot use -%c with another command", c);
	ps->cmd->kind = kind;
	return 0;
}

static bool has_arg(struct pstate *ps)
{
	return ps->optind < ps->argc && ps->argv[ps->optind][0] != '-' &&
	       ps->argv[ps->optind][0] != '!';
}

static int parse_rulenum(struct pstate *ps, const char *s, unsigned *out)
{
	unsigned long long v;
	if (!str_to_uint(s, 1, 0x7fffffff, &v))
		return perr(ps, "Invalid rule number `%s'", s);
	*out = (unsigned)v;
	return 0;
}

static int parse_iface(struct pstate *ps, const char *arg, char *dst)
{
	if (*arg == '\0')
		return perr(ps, "Empty interface is likely to be undesired");
	if (strlen(arg) >= UPT_IFNAMSIZ)
		return perr(ps, "interface name `%s' must be shorter than IFNAMSIZ (%i)", arg,
			    UPT_IFNAMSIZ - 1);
	strcpy(dst, arg);
	return 0;
}

static int check_target_name(struct pstate *ps, const char *name)
{
	size_t n = strlen(name);
	if (n < 1)
		return perr(ps, "Invalid target name (too short)");
	if (n >= UPT_NAME_MAX)
		return perr(ps, "Invalid target name `%s' (%u chars max)", name, UPT_NAME_MAX - 1);
	for (const char *p = name; *p; p++)
		if (isspace((unsigned char)*p))
			return perr(ps, "Invalid target name `%s'", name);
	return 0;
}

/* A jump/goto destination must be a user chain of the table as it stands. */
static int check_chain_dest(struct pstate *ps, const char *name)
{
	if (!ps->tm)
		return 0;
	const struct upt_chain *c = upt_table_chain(ps->tm, name);
	if (!c && upt_ext_is_iptables_name(name))
		return perr(ps, "extension \"%s\" is not supported", name);
	if (!c)
		return perr(ps, "Chain '%s' does not exist", name);
	if (c->hook >= 0)
		return perr(ps, "cannot jump to built-in chain %s", name);
	return 0;
}

static int load_match(struct pstate *ps, const struct upt_match_ops *m)
{
	if (ps->nslots == MAX_SLOTS)
		return perr(ps, "too many matches in one rule");
	int rc = upt_rule_add_match(ps->rule, m);
	if (rc < 0)
		return perr(ps, "out of memory");
	struct slot *s = &ps->slots[ps->nslots++];
	memset(s, 0, sizeof(*s));
	s->midx = ps->rule->nmatches - 1;
	s->name = m->name;
	s->opts = m->options;
	return 0;
}

static int command_jump(struct pstate *ps, const char *name, bool is_goto)
{
	struct upt_rule *r = ps->rule;
	int rc = check_target_name(ps, name);
	if (rc < 0)
		return rc;
	ps->jumpto = name;
	if (is_goto) {
		rc = check_chain_dest(ps, name);
		if (rc < 0)
			return rc;
		r->tkind = UPT_RT_GOTO;
		strcpy(r->chain, name);
		return 0;
	}
	static const struct {
		const char *n;
		uint8_t k;
	} std[] = {{"ACCEPT", UPT_RT_ACCEPT},
		   {"DROP", UPT_RT_DROP},
		   {"RETURN", UPT_RT_RETURN},
		   {"QUEUE", UPT_RT_QUEUE}};
	for (size_t i = 0; i < sizeof(std) / sizeof(std[0]); i++)
		if (strcmp(name, std[i].n) == 0) {
			r->tkind = std[i].k;
			return 0;
		}
	const struct upt_target_ops *t = upt_target_find(name);
	if (t) {
		if (ps->nslots == MAX_SLOTS)
			return perr(ps, "too many extensions in one rule");
		r->tkind = UPT_RT_EXT;
		r->tops = t;
		r->tdata = calloc(1, t->size ? t->size : 1);
		if (!r->tdata)
			return perr(ps, "out of memory");
		if (t->init)
			t->init(r->tdata);
		struct slot *s = &ps->slots[ps->nslots];
		memset(s, 0, sizeof(*s));
		s->is_target = true;
		s->name = t->name;
		s->opts = t->options;
		ps->target_slot = (int)ps->nslots++;
		return 0;
	}
	rc = check_chain_dest(ps, name);
	if (rc < 0)
		return rc;
	r->tkind = UPT_RT_JUMP;
	strcpy(r->chain, name);
	return 0;
}

static void fill_xt_parse(struct pstate *ps, struct upt_xt_parse *xp, uint32_t seen)
{
	memset(xp, 0, sizeof(*xp));
	xp->table = (uint8_t)ps->table;
	xp->proto = ps->rule->ip.proto;
	xp->proto_invert = (ps->rule->ip.invflags & UPT_INV_PROTO) != 0;
	xp->seen = seen;
	xp->argc = ps->argc;
	xp->argv = ps->argv;
	xp->optind = &ps->optind;
	xp->err = ps->err;
	xp->errlen = ps->errlen;
	if (ps->cmd->chain && ps->tm) {
		const struct upt_chain *c = upt_table_chain(ps->tm, ps->cmd->chain);
		if (c && c->hook >= 0)
			xp->hooks = 1u << c->hook;
	}
}

/*
 * Find a long option: exact name first, then a unique prefix, over the
 * base options and the loaded extensions (newest first).  Returns 1 with
 * *base or (*slot, *opt) set, 0 when unknown or ambiguous.
 */
static int find_long(struct pstate *ps, const char *name, size_t nlen, const struct base_opt **base,
		     int *slot, const struct upt_xt_option **opt)
{
	int found = 0;
	const struct base_opt *pb = NULL;
	int ps_slot = -1;
	const struct upt_xt_option *po = NULL;

	for (int pass = 0; pass < 2; pass++) {
		bool exact = pass == 0;
		for (size_t i = 0; i < N_BASE; i++) {
			const char *n = base_opts[i].name;
			if (strncmp(n, name, nlen) != 0 || (exact && n[nlen] != '\0'))
				continue;
			if (exact) {
				*base = &base_opts[i];
				return 1;
			}
			if (found && !(pb && pb->c == base_opts[i].c))
				return 0;
			pb = &base_opts[i];
			found = 1;
		}
		for (int s = (int)ps->nslots - 1; s >= 0; s--) {
			const struct upt_xt_option *o = ps->slots[s].opts;
			for (; o && o->name; o++) {
				if (strncmp(o->name, name, nlen) != 0 ||
				    (exact && o->name[nlen] != '\0'))
					continue;
				if (exact) {
					*slot = s;
					*opt = o;
					return 1;
				}
				if (found && !(ps_slot == s && po && po->id == o->id))
					return 0;
				ps_slot = s;
				po = o;
				pb = NULL;
				found = 1;
			}
		}
	}
	if (!found)
		return 0;
	if (pb)
		*base = pb;
	else {
		*slot = ps_slot;
		*opt = po;
	}
	return 1;
}

/* The implicit protocol match (iptables' load_proto). */
static const struct upt_match_ops *load_proto(struct pstate *ps)
{
	if (!(ps->options & O_PROTO) || ps->proto_used)
		return NULL;
	ps->proto_used = true;
	unsigned long long v;
	const char *name = ps->proto_str;
	if (str_to_uint(name, 0, 255, &v)) {
		name = upt_proto_name((uint8_t)v);
		if (!name)
			return NULL;
	}
	return upt_match_find(name);
}

static int dispatch_ext(struct pstate *ps, int si, const struct upt_xt_option *o, bool invert,
			const char *arg)
{
	struct slot *s = &ps->slots[si];
	struct upt_xt_parse xp;
	void *data = s->is_target ? ps->rule->tdata : ps->rule->matches[s->midx].data;
	int (*parse)(void *, unsigned, bool, const char *, struct upt_xt_parse *) =
	    s->is_target ? ps->rule->tops->parse : ps->rule->matches[s->midx].ops->parse;

	if (invert && !(o->flags & UPT_XTOPT_INVERT))
		return perr(ps, "%s: option \"--%s\" cannot be inverted.", s->name, o->name);
	if (!(o->flags & UPT_XTOPT_MULTI) && (s->seen & (1u << o->id)))
		return perr(ps, "%s: option \"--%s\" can only be used once.", s->name, o->name);
	if (!parse)
		return perr(ps, "%s: option \"--%s\" not supported", s->name, o->name);
	fill_xt_parse(ps, &xp, s->seen);
	ps->err[0] = '\0';
	int rc = parse(data, o->id, invert, arg, &xp);
	if (rc < 0) {
		if (ps->err[0] == '\0')
			perr(ps, "%s: bad value for option \"--%s\"", s->name, o->name);
		return rc;
	}
	s->seen |= 1u << o->id;
	return 0;
}

/* One base option (short letter c). */
static int base_option(struct pstate *ps, char c, const char *arg, bool invert)
{
	struct upt_cmd *cmd = ps->cmd;
	struct upt_rule *r = ps->rule;
	int rc;

	switch (c) {
	case 'A':
		cmd->chain = arg;
		return add_command(ps, UPT_CMD_APPEND, c, invert);
	case 'C':
		cmd->chain = arg;
		return add_command(ps, UPT_CMD_CHECK, c, invert);
	case 'D':
		cmd->chain = arg;
		if ((rc = add_command(ps, UPT_CMD_DELETE, c, invert)) < 0)
			return rc;
		if (has_arg(ps)) {
			cmd->kind = UPT_CMD_DELETE_NUM;
			return parse_rulenum(ps, ps->argv[ps->optind++], &cmd->rulenum);
		}
		return 0;
	case 'R':
		cmd->chain = arg;
		if ((rc = add_command(ps, UPT_CMD_REPLACE, c, invert)) < 0)
			return rc;
		if (!has_arg(ps))
			return perr(ps, "-R requires a rule number");
		return parse_rulenum(ps, ps->argv[ps->optind++], &cmd->rulenum);
	case 'I':
		cmd->chain = arg;
		if ((rc = add_command(ps, UPT_CMD_INSERT, c, invert)) < 0)
			return rc;
		cmd->rulenum = 1;
		if (has_arg(ps))
			return parse_rulenum(ps, ps->argv[ps->optind++], &cmd->rulenum);
		return 0;
	case 'L':
	case 'S':
	case 'Z':
		if ((rc = add_command(ps,
				      c == 'L'	 ? UPT_CMD_LIST
				      : c == 'S' ? UPT_CMD_LIST_RULES
						 : UPT_CMD_ZERO,
				      c, invert)) < 0)
			return rc;
		cmd->chain = arg;
		if (!cmd->chain && has_arg(ps))
			cmd->chain = ps->argv[ps->optind++];
		if (has_arg(ps)) {
			if (c == 'Z')
				cmd->kind = UPT_CMD_ZERO_NUM;
			return parse_rulenum(ps, ps->argv[ps->optind++], &cmd->rulenum);
		}
		return 0;
	case 'F':
	case 'X':
		if ((rc = add_command(ps, c == 'F' ? UPT_CMD_FLUSH : UPT_CMD_DELETE_CHAIN, c,
				      invert)) < 0)
			return rc;
		cmd->chain = arg;
		if (!cmd->chain && has_arg(ps))
			cmd->chain = ps->argv[ps->optind++];
		return 0;
	case 'N':
	case 'E': {
		const char *name = arg;
		if (c == 'E') {
			if ((rc = add_command(ps, UPT_CMD_RENAME_CHAIN, c, invert)) < 0)
				return rc;
			cmd->chain = arg;
			if (!has_arg(ps))
				return perr(ps, "-E requires old-chain-name and new-chain-name");
			name = cmd->newname = ps->argv[ps->optind++];
		} else {
			if ((rc = add_command(ps, UPT_CMD_NEW_CHAIN, c, invert)) < 0)
				return rc;
			cmd->chain = arg;
		}
		if (strlen(name) >= UPT_NAME_MAX)
			return perr(ps, "chain name `%s' too long (must be under %u chars)", name,
				    UPT_NAME_MAX);
		if (*name == '-' || *name == '!')
			return perr(ps, "chain name not allowed to start with `%c'", *name);
		if (upt_target_find(name) || !strcmp(name, "ACCEPT") || !strcmp(name, "DROP") ||
		    !strcmp(name, "RETURN") || !strcmp(name, "QUEUE"))
			return perr(ps, "chain name may not clash with target name");
		for (const char *p = name; *p; p++)
			if (isspace((unsigned char)*p))
				return perr(ps, "Invalid chain name `%s'", name);
		return 0;
	}
	case 'P':
		if ((rc = add_command(ps, UPT_CMD_POLICY, c, invert)) < 0)
			return rc;
		if (!has_arg(ps))
			return perr(ps, "-P requires a chain and a policy");
		cmd->chain = arg;
		cmd->policy = ps->argv[ps->optind++];
		return 0;
	case 'p': {
		if ((rc = set_option(ps, O_PROTO, c, invert, UPT_INV_PROTO)) < 0)
			return rc;
		size_t n = strlen(arg);
		if (n >= sizeof(ps->proto_str))
			return perr(ps, "unknown protocol \"%s\" specified", arg);
		for (size_t i = 0; i <= n; i++)
			ps->proto_str[i] = (char)tolower((unsigned char)arg[i]);
		if (parse_protocol(ps->proto_str, &r->ip.proto) < 0)
			return perr(ps, "unknown protocol \"%s\" specified", arg);
		if (r->ip.proto == 0 && invert)
			return perr(ps, "rule would never match protocol");
		return 0;
	}
	case 's':
		ps->saddrs = arg;
		return set_option(ps, O_SOURCE, c, invert, UPT_INV_SRCIP);
	case 'd':
		ps->daddrs = arg;
		return set_option(ps, O_DEST, c, invert, UPT_INV_DSTIP);
	case 'i':
	case 'o':
		if (*arg == '\0')
			return perr(ps, "Empty interface is likely to be undesired");
		if ((rc = set_option(ps, c == 'i' ? O_IN : O_OUT, c, invert,
				     c == 'i' ? UPT_INV_VIA_IN : UPT_INV_VIA_OUT)) < 0)
			return rc;
		return parse_iface(ps, arg, c == 'i' ? r->ip.iniface : r->ip.outiface);
	case 'f':
		if ((rc = set_option(ps, O_FRAG, c, invert, UPT_INV_FRAG)) < 0)
			return rc;
		r->ip.flags |= UPT_IPF_FRAG;
		return 0;
	case 'j':
	case 'g':
		if ((rc = set_option(ps, O_JUMP, 'j', invert, 0)) < 0)
			return rc;
		if (c == 'j' && strcmp(arg, "CONTINUE") == 0)
			return 0;
		return command_jump(ps, arg, c == 'g');
	case 'm': {
		if (invert)
			return perr(ps, "unexpected ! flag before --match");
		const struct upt_match_ops *m = upt_match_find(arg);
		if (!m && upt_ext_is_iptables_name(arg))
			return perr(ps, "extension \"%s\" is not supported", arg);
		if (!m)
			return perr(ps, "Couldn't load match `%s':No such file or directory", arg);
		return load_match(ps, m);
	}
	case 'c': {
		if ((rc = set_option(ps, O_COUNTERS, c, invert, 0)) < 0)
			return rc;
		const char *pc = arg, *bc = strchr(arg, ',');
		char pbuf[32];
		if (bc) {
			size_t n = (size_t)(bc - pc);
			if (n >= sizeof(pbuf))
				return perr(ps, "-c packet counter not numeric");
			memcpy(pbuf, pc, n);
			pbuf[n] = '\0';
			pc = pbuf;
			bc++;
		} else if (has_arg(ps)) {
			bc = ps->argv[ps->optind++];
		} else {
			return perr(ps, "-c requires packet and byte counter");
		}
		unsigned long long v;
		if (sscanf(pc, "%llu", &v) != 1)
			return perr(ps, "-c packet counter not numeric");
		cmd->pcnt = v;
		if (sscanf(bc, "%llu", &v) != 1)
			return perr(ps, "-c byte counter not numeric");
		cmd->bcnt = v;
		cmd->counters = true;
		return 0;
	}
	case 't':
		if (invert)
			return perr(ps, "unexpected ! flag before --table");
		if (ps->flags & UPT_PARSE_RESTORE)
			return perr(ps, "The -t option cannot be used in iptables-restore.");
		return perr(ps, "-t is handled by the caller, not inside a rule");
	case 'n':
		cmd->numeric = true;
		return set_option(ps, O_NUMERIC, c, invert, 0);
	case 'v':
		cmd->verbose = true;
		return 0;
	case 'x':
		cmd->exact = true;
		return set_option(ps, O_EXACT, c, invert, 0);
	case '0':
		cmd->linenumbers = true;
		return set_option(ps, O_LINENUM, c, invert, 0);
	case 'w':
	case 'W':
		if (ps->flags & UPT_PARSE_RESTORE)
			return perr(ps, "You cannot use `-%c' from iptables-restore", c);
		if (!arg && has_arg(ps))
			ps->optind++;
		return 0;
	case '4':
		return 0;
	case '6':
		cmd->skip = true;
		return 0;
	case 'M':
		return 0;
	case 'V':
	case 'h':
		return perr(ps, "-%c is not supported here", c);
	}
	return perr(ps, "unknown option \"-%c\"", c);
}

static int post_parse(struct pstate *ps)
{
	struct upt_cmd *cmd = ps->cmd;
	struct upt_rule *r = ps->rule;
	bool rule_cmd = cmd->kind == UPT_CMD_APPEND || cmd->kind == UPT_CMD_INSERT ||
			cmd->kind == UPT_CMD_DELETE || cmd->kind == UPT_CMD_REPLACE ||
			cmd->kind == UPT_CMD_CHECK;
	int rc;

	if (ps->table == UPT_TABLE_NAT &&
	    ((cmd->kind == UPT_CMD_POLICY && cmd->policy && !strcmp(cmd->policy, "DROP")) ||
	     (ps->jumpto && !strcmp(ps->jumpto, "DROP"))))
		return perr(ps, "The \"nat\" table is not intended for filtering, the use of DROP "
				"is therefore inhibited.");

	/* Final checks of the extensions (iptables' x6_fcheck). */
	for (unsigned i = 0; i < ps->nslots; i++) {
		struct slot *s = &ps->slots[i];
		struct upt_xt_parse xp;
		int (*check)(void *, struct upt_xt_parse *) =
		    s->is_target ? r->tops->check : r->matches[s->midx].ops->check;
		if (!check)
			continue;
		fill_xt_parse(ps, &xp, s->seen);
		ps->err[0] = '\0';
		rc = check(s->is_target ? r->tdata : r->matches[s->midx].data, &xp);
		if (rc < 0) {
			if (ps->err[0] == '\0')
				perr(ps, "%s: invalid options", s->name);
			return rc;
		}
	}

	if (cmd->kind == UPT_CMD_NONE)
		return perr(ps, "no command specified");

	/* Options against commands (iptables' generic_opt_check). */
	static const struct {
		unsigned bit;
		const char *name;
	} optnames[] = {
	    {O_SOURCE, "-s"},
	    {O_DEST, "-d"},
	    {O_PROTO, "-p"},
	    {O_JUMP, "-j"},
	    {O_IN, "-i"},
	    {O_OUT, "-o"},
	    {O_FRAG, "-f"},
	    {O_COUNTERS, "-c"},
	    {O_NUMERIC, "-n"},
	    {O_EXACT, "-x"},
	    {O_LINENUM, "--line-numbers"},
	};
	for (size_t i = 0; i < sizeof(optnames) / sizeof(optnames[0]); i++) {
		unsigned b = optnames[i].bit;
		bool ok;
		if (!(ps->options & b))
			continue;
		if (b & O_RULE)
			ok = rule_cmd;
		else if (b == O_COUNTERS)
			ok = cmd->kind == UPT_CMD_APPEND || cmd->kind == UPT_CMD_INSERT ||
			     cmd->kind == UPT_CMD_REPLACE || cmd->kind == UPT_CMD_POLICY;
		else
			ok = cmd->kind == UPT_CMD_LIST;
		if (!ok)
			return perr(ps, "Illegal option `%s' with this command", optnames[i].name);
	}
	if (!rule_cmd && ps->nslots)
		return perr(ps, "Illegal option `-m'/`-j' extension with this command");

	if (cmd->chain && strlen(cmd->chain) >= UPT_NAME_MAX)
		return perr(ps, "chain name `%s' too long (must be under %u chars)", cmd->chain,
			    UPT_NAME_MAX);

	if (rule_cmd) {
		if (!strcmp(cmd->chain, "PREROUTING") || !strcmp(cmd->chain, "INPUT")) {
			if (ps->options & O_OUT)
				return perr(ps, "Can't use -o with %s", cmd->chain);
		}
		if (!strcmp(cmd->chain, "POSTROUTING") || !strcmp(cmd->chain, "OUTPUT")) {
			if (ps->options & O_IN)
				return perr(ps, "Can't use -i with %s", cmd->chain);
		}
	}
	return 0;
}

/* Expand the parsed rule over its source and destination address lists. */
static int expand_rules(struct pstate *ps)
{
	static struct addr_list any = {.addr = {0}, .mask = {0}, .n = 1};
	struct addr_list *s = malloc(sizeof(*s)), *d = malloc(sizeof(*d));
	int rc = 0;

	if (!s || !d) {
		rc = perr(ps, "out of memory");
		goto out;
	}
	*s = any;
	*d = any;
	if (ps->saddrs && (rc = parse_addr_list(ps->saddrs, s, ps->err, ps->errlen)) < 0)
		goto out;
	if (ps->daddrs && (rc = parse_addr_list(ps->daddrs, d, ps->err, ps->errlen)) < 0)
		goto out;
	if ((s->n > 1 || d->n > 1) && (ps->rule->ip.invflags & (UPT_INV_SRCIP | UPT_INV_DSTIP))) {
		rc = perr(ps, "! not allowed with multiple source or destination IP addresses");
		goto out;
	}
	ps->cmd->rules = calloc((size_t)s->n * d->n, sizeof(*ps->cmd->rules));
	if (!ps->cmd->rules) {
		rc = perr(ps, "out of memory");
		goto out;
	}
	for (unsigned i = 0; i < s->n; i++) {
		for (unsigned j = 0; j < d->n; j++) {
			struct upt_rule *r = upt_rule_clone(ps->rule);
			if (!r) {
				rc = perr(ps, "out of memory");
				goto out;
			}
			r->ip.src = s->addr[i];
			r->ip.smsk = s->mask[i];
			r->ip.dst = d->addr[j];
			r->ip.dmsk = d->mask[j];
			if (ps->cmd->counters) {
				r->pkts = ps->cmd->pcnt;
				r->bytes = ps->cmd->bcnt;
			}
			ps->cmd->rules[ps->cmd->nrules++] = r;
		}
	}
out:
	free(s);
	free(d);
	return rc;
}

void upt_cmd_free(struct upt_cmd *cmd)
{
	for (unsigned i = 0; i < cmd->nrules; i++)
		upt_rule_free(cmd->rules[i]);
	free(cmd->rules);
	cmd->rules = NULL;
	cmd->nrules = 0;
}

int upt_cmd_parse(enum upt_table table, const struct upt_table_model *tm, int argc, char **argv,
		  unsigned flags, struct upt_cmd *cmd, char *err, size_t errlen)
{
	char errbuf[8];
	struct pstate *ps = calloc(1, sizeof(*ps));
	bool invert = false;
	int rc = 0;

	memset(cmd, 0, sizeof(*cmd));
	if (!err || !errlen) {
		err = errbuf;
		errlen = sizeof(errbuf);
	}
	if (!ps) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ps->table = table;
	ps->tm = tm;
	ps->flags = flags;
	ps->argc = argc;
	ps->argv = argv;
	ps->err = err;
	ps->errlen = errlen;
	ps->cmd = cmd;
	ps->target_slot = -1;
	ps->rule = upt_rule_new();
	if (!ps->rule) {
		rc = perr(ps, "out of memory");
		goto out;
	}

	while (ps->optind < argc && !cmd->skip) {
		const char *w = argv[ps->optind++];

		if (w[0] == '!' && w[1] == '\0') {
			if (invert) {
				rc = perr(ps, "multiple consecutive ! not allowed");
				goto out;
			}
			invert = true;
			continue;
		}
		if (w[0] != '-' || w[1] == '\0') {
			rc = perr(ps, "Bad argument `%s'", w);
			goto out;
		}

		const struct base_opt *b = NULL;
		const struct upt_xt_option *xo = NULL;
		int si = -1;
		const char *arg = NULL;
		bool attached = false;

		if (w[1] == '-') {
			const char *name = w + 2;
			const char *eq = strchr(name, '=');
			size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
			if (eq) {
				arg = eq + 1;
				attached = true;
			}
			while (nlen == 0 || !find_long(ps, name, nlen, &b, &si, &xo)) {
				const struct upt_match_ops *m = nlen ? load_proto(ps) : NULL;
				if (!m) {
					rc = perr(ps, "unknown option \"%s\"", w);
					goto out;
				}
				if ((rc = load_match(ps, m)) < 0)
					goto out;
			}
		} else {
			b = short_opt(w[1]);
			if (!b) {
				rc = perr(ps, "unknown option \"%s\"", w);
				goto out;
			}
			if (w[2] != '\0') {
				if (b->arg == ARG_NONE) {
					rc = perr(ps, "unknown option \"%s\"", w);
					goto out;
				}
				arg = w + 2;
				attached = true;
			}
		}

		bool wants_arg = b ? b->arg == ARG_REQ : (xo->flags & UPT_XTOPT_ARG) != 0;
		if (b && b->arg == ARG_NONE && attached) {
			rc = perr(ps, "option \"%s\" doesn't allow an argument", w);
			goto out;
		}
		if (!b && !(xo->flags & UPT_XTOPT_ARG) && attached) {
			rc = perr(ps, "option \"%s\" doesn't allow an argument", w);
			goto out;
		}
		if (wants_arg && !attached) {
			if (ps->optind >= argc) {
				rc = perr(ps, "option \"%s\" requires an argument", w);
				goto out;
			}
			arg = argv[ps->optind++];
		}

		if (b)
			rc = base_option(ps, b->c, arg, invert);
		else
			rc = dispatch_ext(ps, si, xo, invert, arg);
		if (rc < 0)
			goto out;
		invert = false;
	}
	if (cmd->skip)
		goto out;
	if (invert) {
		rc = perr(ps, "nothing appropriate following !");
		goto out;
	}
	if ((rc = post_parse(ps)) < 0)
		goto out;
	if (cmd->kind == UPT_CMD_APPEND || cmd->kind == UPT_CMD_INSERT ||
	    cmd->kind == UPT_CMD_DELETE || cmd->kind == UPT_CMD_REPLACE ||
	    cmd->kind == UPT_CMD_CHECK)
		rc = expand_rules(ps);
out:
	if (rc < 0)
		upt_cmd_free(cmd);
	upt_rule_free(ps->rule);
	free(ps);
	return rc;
}

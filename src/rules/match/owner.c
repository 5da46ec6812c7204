/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m owner [!] --uid-owner U[-U] [!] --gid-owner G[-G] [--suppl-groups]
 *          [!] --socket-exists       (OUTPUT and POSTROUTING only)
 *
 * Parsing and listing are iptables' libxt_owner (revision 1): a user or
 * group name is looked up in the host's passwd/group databases when the
 * rule is parsed and kept as a number; -L without -n shows the name again.
 *
 * Semantics (the kernel's xt_owner.c): the match looks at the socket that
 * sent the packet.  For a packet without one (forwarded traffic, replies
 * the stack builds itself) the kernel answers
 *     (match ^ invert) == 0
 * i.e. the rule matches only when every option given was negated
 * (`! --uid-owner 0`, `! --socket-exists`).  This engine has no sockets:
 * the packets it sends for the host (upt_engine_output) carry no owner, so
 * every packet takes that branch.  That is the kernel's answer for a
 * socketless packet, not an approximation of a socket lookup.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum { O_USER, O_GROUP, O_SOCK_EXISTS, O_SUPPL_GROUPS };

/* XT_OWNER_* */
#define OWN_UID	   0x01
#define OWN_GID	   0x02
#define OWN_SOCKET 0x04
#define OWN_SUPPL  0x08

struct owner_data {
	uint32_t uid_min, uid_max, gid_min, gid_max;
	uint8_t match, invert;
};

static const struct upt_xt_option owner_opts[] = {
    {"uid-owner", O_USER, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"gid-owner", O_GROUP, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"socket-exists", O_SOCK_EXISTS, UPT_XTOPT_INVERT},
    {"suppl-groups", O_SUPPL_GROUPS, UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

static void owner_init(void *data)
{
	memset(data, 0, sizeof(struct owner_data));
}

/* "N" or "N-M" (also "N:M"), each 0..2^32-2 ((uid_t)-1 means "no id"). */
static bool parse_range(const char *s, uint32_t *from, uint32_t *to)
{
	const char *end;
	uint64_t a, b;

	if (!upt_xtu_strtoul(s, &end, 0, UINT32_MAX - 1, &a))
		return false;
	b = a;
	if (*end == '-' || *end == ':') {
		if (!upt_xtu_strtoul(end + 1, &end, 0, UINT32_MAX - 1, &b))
			return false;
	}
	if (*end != '\0')
		return false; /* b < a is the kernel's to refuse (owner_kcheck) */
	*from = (uint32_t)a;
	*to = (uint32_t)b;
	return true;
}

static int owner_parse(void *data, unsigned id, bool invert, const char *arg,
		       struct upt_xt_parse *p)
{
	struct owner_data *o = data;
	struct passwd *pw;
	struct group *gr;

	switch (id) {
	case O_USER:
		if ((pw = getpwnam(arg)) != NULL) {
			o->uid_min = o->uid_max = pw->pw_uid;
		} else if (!parse_range(arg, &o->uid_min, &o->uid_max)) {
			return upt_xt_error(
			    p, "owner: Bad value for \"--uid-owner\" option: \"%s\"", arg);
		}
		o->match |= OWN_UID;
		if (invert)
			o->invert |= OWN_UID;
		return 0;
	case O_GROUP:
		if ((gr = getgrnam(arg)) != NULL) {
			o->gid_min = o->gid_max = gr->gr_gid;
		} else if (!parse_range(arg, &o->gid_min, &o->gid_max)) {
			return upt_xt_error(
			    p, "owner: Bad value for \"--gid-owner\" option: \"%s\"", arg);
		}
		o->match |= OWN_GID;
		if (invert)
			o->invert |= OWN_GID;
		return 0;
	case O_SOCK_EXISTS:
		o->match |= OWN_SOCKET;
		if (invert)
			o->invert |= OWN_SOCKET;
		return 0;
	case O_SUPPL_GROUPS:
		if (!(o->match & OWN_GID))
			return upt_xt_error(p,
					    "owner: Bad value for \"--suppl-groups\" option: \"you "
					    "need to use --gid-owner first\"");
		if (invert)
			return upt_xt_error(p, "owner: Bad value for \"--suppl-groups\" option: "
					       "\"cannot be negated\"");
		o->match |= OWN_SUPPL;
		return 0;
	}
	return -EINVAL;
}

static void put_item(const struct owner_data *o, struct upt_sb *sb, const char *label, uint8_t flag,
		     bool numeric)
{
	if (!(o->match & flag))
		return;
	if (o->invert & flag)
		upt_sb_puts(sb, " !");
	upt_sb_printf(sb, " %s", label);
	if (flag == OWN_UID) {
		if (o->uid_min != o->uid_max) {
			upt_sb_printf(sb, " %u-%u", o->uid_min, o->uid_max);
			return;
		}
		if (!numeric) {
			struct passwd *pw = getpwuid(o->uid_min);
			if (pw && pw->pw_name) {
				upt_sb_printf(sb, " %s", pw->pw_name);
				return;
			}
		}
		upt_sb_printf(sb, " %u", o->uid_min);
	} else if (flag == OWN_GID) {
		if (o->gid_min != o->gid_max) {
			upt_sb_printf(sb, " %u-%u", o->gid_min, o->gid_max);
			return;
		}
		if (!numeric) {
			struct group *gr = getgrgid(o->gid_min);
			if (gr && gr->gr_name) {
				upt_sb_printf(sb, " %s", gr->gr_name);
				return;
			}
		}
		upt_sb_printf(sb, " %u", o->gid_min);
	}
}

static void owner_save(const void *data, struct upt_sb *sb)
{
	const struct owner_data *o = data;

	put_item(o, sb, "--socket-exists", OWN_SOCKET, true);
	put_item(o, sb, "--uid-owner", OWN_UID, true);
	put_item(o, sb, "--gid-owner", OWN_GID, true);
	put_item(o, sb, "--suppl-groups", OWN_SUPPL, true);
}

static void owner_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct owner_data *o = data;
	bool numeric = flags & UPT_XT_PRINT_NUMERIC;

	put_item(o, sb, "owner socket exists", OWN_SOCKET, numeric);
	put_item(o, sb, "owner UID match", OWN_UID, numeric);
	put_item(o, sb, "owner GID match", OWN_GID, numeric);
	put_item(o, sb, "incl. suppl. groups", OWN_SUPPL, numeric);
}

static int owner_check(void *data, struct upt_xt_parse *p)
{
	const struct owner_data *o = data;

	if (!o->match)
		return upt_xt_error(p, "owner: At least one of --uid-owner, --gid-owner or "
				       "--socket-exists is required");
	return 0;
}

/* The kernel's checkentry refuses a range that ends before it starts. */
static int owner_kcheck(const void *data, char *why, size_t whylen)
{
	const struct owner_data *o = data;

	if (((o->match & OWN_UID) && o->uid_max < o->uid_min) ||
	    ((o->match & OWN_GID) && o->gid_max < o->gid_min)) {
		snprintf(why, whylen, "owner: a range ends before it starts");
		return -EINVAL;
	}
	return 0;
}

static bool owner_match(const void *data, struct upt_xt_pkt *p)
{
	const struct owner_data *o = data;

	(void)p;
	/* No packet of this engine has a sending socket: the kernel's socketless branch. */
	return (o->match ^ o->invert) == 0;
}

const struct upt_match_ops upt_match_owner = {
    .name = "owner",
    .size = sizeof(struct owner_data),
    .options = owner_opts,
    .hooks = (1u << UPT_HOOK_LOCAL_OUT) | (1u << UPT_HOOK_POST_ROUTING),
    .init = owner_init,
    .parse = owner_parse,
    .check = owner_check,
    .save = owner_save,
    .print = owner_print,
    .match = owner_match,
    .kcheck = owner_kcheck,
};

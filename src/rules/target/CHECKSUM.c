/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -j CHECKSUM --checksum-fill (mangle table): the kernel's xt_CHECKSUM.c
 * computes the transport checksum of a packet whose checksum was left to
 * the network card (CHECKSUM_PARTIAL), for guests and old DHCP clients
 * that do not accept such packets (the fedora27 dump's virbr0 rule).
 *
 * This engine has no checksum offload state.  The only packets whose
 * checksum can have been left unfinished are the ones the host itself
 * sends (upt_engine_output: the kernel's local TCP/UDP output is where
 * CHECKSUM_PARTIAL comes from); received and forwarded packets carry the
 * checksum their sender computed, and the kernel leaves those alone.  So
 * the target fills the TCP or UDP checksum of locally generated packets
 * (OUTPUT, and POSTROUTING without an input interface) and does nothing
 * to others.  Fragments are left alone (their checksum covers bytes that
 * are not here), as are other protocols.
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"

enum { O_CHECKSUM_FILL };

struct checksum_data {
	uint8_t fill;
};

static const struct upt_xt_option checksum_opts[] = {
    {"checksum-fill", O_CHECKSUM_FILL, 0},
    {NULL, 0, 0},
};

static void checksum_init(void *data)
{
	memset(data, 0, sizeof(struct checksum_data));
}

static int checksum_parse(void *data, unsigned id, bool invert, const char *arg,
			  struct upt_xt_parse *p)
{
	struct checksum_data *t = data;

	(void)invert, (void)arg, (void)p;
	if (id != O_CHECKSUM_FILL)
		return -EINVAL;
	t->fill = 1;
	return 0;
}

static int checksum_check(void *data, struct upt_xt_parse *p)
{
	const struct checksum_data *t = data;

	if (!t->fill)
		return upt_xt_error(p, "CHECKSUM: option \"--checksum-fill\" must be specified");
	return 0;
}

static void checksum_save(const void *data, struct upt_sb *sb)
{
	(void)data;
	upt_sb_puts(sb, " --checksum-fill");
}

static void checksum_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	(void)data, (void)flags;
	upt_sb_puts(sb, " CHECKSUM fill");
}

static unsigned checksum_target(const void *data, struct upt_xt_pkt *p)
{
	const struct upt_pdesc *d = p->d;
	bool local = p->hook == UPT_HOOK_LOCAL_OUT ||
		     (p->hook == UPT_HOOK_POST_ROUTING && p->in_ifindex == 0);

	(void)data;
	if (local && (d->proto == UPT_IPPROTO_TCP || d->proto == UPT_IPPROTO_UDP))
		upt_pkt_fill_l4_csum(p->d);
	return UPT_V_CONTINUE;
}

const struct upt_target_ops upt_target_CHECKSUM = {
    .name = "CHECKSUM",
    .size = sizeof(struct checksum_data),
    .options = checksum_opts,
    .tables = 1u << UPT_TABLE_MANGLE,
    .init = checksum_init,
    .parse = checksum_parse,
    .check = checksum_check,
    .save = checksum_save,
    .print = checksum_print,
    .target = checksum_target,
};

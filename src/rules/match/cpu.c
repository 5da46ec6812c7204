/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m cpu [!] --cpu N: the kernel's xt_cpu.c, true when the packet is
 * processed on CPU N (smp_processor_id()).  N is a 32-bit number and
 * required (libxt_cpu); saved as "[!] --cpu N", listed as "cpu [! ]N".
 *
 * The engine processes each packet on the caller's thread and has no CPU
 * number of its own: upt_xt_pkt.cpu is 0 unless the caller sets it, so a
 * single-threaded engine is "CPU 0", as on a one-CPU kernel.
 */
#include <errno.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

struct cpu_data {
	uint32_t cpu;
	uint8_t invert;
};

static const struct upt_xt_option cpu_opts[] = {
    {"cpu", 0, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {NULL, 0, 0},
};

static void cpu_init(void *data)
{
	memset(data, 0, sizeof(struct cpu_data));
}

static int cpu_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct cpu_data *c = data;
	uint64_t v;

	if (id != 0)
		return -EINVAL;
	if (!upt_xtu_strtoul(arg, NULL, 0, UINT32_MAX, &v))
		return upt_xt_error(p, "cpu: bad value for option \"--cpu\", or out of range "
				       "(0-4294967295).");
	c->cpu = (uint32_t)v;
	c->invert = invert;
	return 0;
}

static int cpu_check(void *data, struct upt_xt_parse *p)
{
	(void)data;
	if (!(p->seen & 1u))
		return upt_xt_error(p, "cpu: option \"--cpu\" must be specified");
	return 0;
}

static void cpu_save(const void *data, struct upt_sb *sb)
{
	const struct cpu_data *c = data;

	upt_sb_printf(sb, "%s --cpu %u", c->invert ? " !" : "", c->cpu);
}

static void cpu_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct cpu_data *c = data;

	(void)flags;
	upt_sb_printf(sb, " cpu %s%u", c->invert ? "! " : "", c->cpu);
}

static bool cpu_match(const void *data, struct upt_xt_pkt *p)
{
	const struct cpu_data *c = data;

	return (c->cpu == p->cpu) != (c->invert != 0);
}

const struct upt_match_ops upt_match_cpu = {
    .name = "cpu",
    .size = sizeof(struct cpu_data),
    .options = cpu_opts,
    .init = cpu_init,
    .parse = cpu_parse,
    .check = cpu_check,
    .save = cpu_save,
    .print = cpu_print,
    .match = cpu_match,
};

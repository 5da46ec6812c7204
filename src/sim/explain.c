/* SPDX-License-Identifier: GPL-2.0 */
#include "sim/sim.h"

int sim_explain_main(int argc, char **argv)
{
	(void)argc, (void)argv;
	fprintf(stderr, "uptables-sim: explain is not available yet (issue 4)\n");
	return 2;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitstat: the command line and the three modes (table of everything so
 * far, rates per interval, what a command caused).  Everything the outside
 * world supplies comes through struct exitstat_env, so the unit tests can
 * run the whole program against a fake CPUID, clock and command runner.
 */
#ifndef EXITSTAT_CLI_H
#define EXITSTAT_CLI_H

#include <stdio.h>

#include "cpuid_backend.h"

#define EXITSTAT_VERSION "1.0"

/* Exit codes besides 0 and a command's own status. */
#define EXITSTAT_EXIT_FAILURE	1	/* out of memory, cannot write output */
#define EXITSTAT_EXIT_USAGE	2	/* bad input; no kvm-exitstat here */
#define EXITSTAT_EXIT_OFF	3	/* counting is switched off on the host */
#define EXITSTAT_EXIT_NOEXEC	126	/* the command could not be run */
#define EXITSTAT_EXIT_NOTFOUND	127	/* the command was not found */

struct exitstat_env {
	struct cpuid_backend *cpu;
	FILE *out;		/* reports (table/interval modes) */
	FILE *err;		/* messages; reports of the command mode */
	double (*now)(void *ctx);
	void (*sleep)(void *ctx, double seconds);
	/* as spawn_wait() */
	int (*run)(void *ctx, char *const argv[], int *status, int *err);
	void *ctx;
	const char *proc;	/* --host: where /proc is; NULL: /proc */
};

/* The whole program; returns its exit code. */
int exitstat_main(int argc, char **argv, const struct exitstat_env *env);

#endif

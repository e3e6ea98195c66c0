// SPDX-License-Identifier: GPL-2.0
/* exitstat: the VM exits of this VM, read through kvm-exitstat's CPUID leaves. */
#include <stdio.h>

#include "cli.h"
#include "clock.h"
#include "spawn.h"

static double now(void *ctx)
{
	(void)ctx;
	return clock_now();
}

static void sleep_for(void *ctx, double seconds)
{
	(void)ctx;
	clock_sleep(seconds);
}

static int run(void *ctx, char *const argv[], int *status, int *err)
{
	(void)ctx;
	return spawn_wait(argv, status, err);
}

int main(int argc, char **argv)
{
	struct cpuid_backend cpu = { .query = cpuid_hw_query };
	struct exitstat_env env = {
		.cpu = &cpu, .out = stdout, .err = stderr,
		.now = now, .sleep = sleep_for, .run = run,
	};

	return exitstat_main(argc, argv, &env);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitstat --host: writing one report per VM or vCPU (--by-vm, --by-vcpu),
 * and the host's Prometheus text, which always has a series per VM.
 */
#ifndef EXITSTAT_FORMAT_HOST_H
#define EXITSTAT_FORMAT_HOST_H

#include <stdbool.h>
#include <stdio.h>

#include "format.h"
#include "report.h"

/* As format_report(), for @gs. */
void format_groups(FILE *f, enum format fmt, const struct report_groups *gs,
		   bool first);

#endif

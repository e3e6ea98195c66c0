/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitstat: what cli.c shares with the host mode (host_cli.c) - the parsed
 * command line, messages and the output file.
 */
#ifndef EXITSTAT_OPTIONS_H
#define EXITSTAT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "report.h"

#define MAX_REASONS	64	/* -r given this often at most */

struct options {
	double interval;	/* 0: no -w */
	unsigned long count;	/* 0: forever */
	const char *reason[MAX_REASONS];
	size_t nr_reasons;
	enum sort_key sort;
	bool all;
	int format;		/* -1: not chosen yet */
	const char *output;
	char **command;		/* NULL: no command */
	/* exitstat --host */
	bool host;
	const char *vm;		/* --vm: a pid or QEMU's -name; NULL: all */
	bool by_vm;
	bool by_vcpu;
	const char *debugfs;	/* NULL: HOST_DEBUGFS */
};

/* "exitstat: <message>\n" on env->err */
void exitstat_error(const struct exitstat_env *env, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* -o's file, or @dflt; NULL if it cannot be opened (reported). */
FILE *output_open(const struct exitstat_env *env, const struct options *o,
		  FILE *dflt);
/* Flushes (and closes -o's) @out; returns @rc, or 1 if writing failed. */
int output_close(const struct exitstat_env *env, const struct options *o,
		 FILE *out, int rc);

/* exitstat --host (host_cli.c); returns the exit code. */
int host_main(const struct exitstat_env *env, const struct options *o);

#endif

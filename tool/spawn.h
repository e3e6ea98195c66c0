/* SPDX-License-Identifier: GPL-2.0 */
/* exitstat: running the command of `exitstat -- CMD ARGS...`. */
#ifndef EXITSTAT_SPAWN_H
#define EXITSTAT_SPAWN_H

/*
 * Runs @argv (searched in PATH) and waits for it.  0: it ran, *@status is
 * its exit status (128 + signal number if a signal ended it, as shells
 * report).  -1: it could not be started, *@err is the errno of fork/exec.
 * While it runs, SIGINT and SIGQUIT go to the command only, so a ^C still
 * lets exitstat print what the command caused.
 */
int spawn_wait(char *const argv[], int *status, int *err);

#endif

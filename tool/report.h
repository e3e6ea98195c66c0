/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitstat: what one output shows — the rows chosen from a snapshot (or a
 * difference), in the order asked for, and what they are about.
 */
#ifndef EXITSTAT_REPORT_H
#define EXITSTAT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

enum report_mode {
	REPORT_SNAPSHOT,	/* counts since the VM started */
	REPORT_INTERVAL,	/* one interval of -w */
	REPORT_COMMAND,		/* what `exitstat -- CMD` caused */
};

enum sort_key { SORT_EXITS, SORT_CYCLES, SORT_REASON, SORT_NAME };

/* SORT_* of "exits", "cycles", "reason", "name"; -1 if none. */
int sort_key_parse(const char *s);

struct report {
	enum report_mode mode;
	enum kvm_exitstat_vendor vendor;
	bool global;
	size_t n;
	const struct sample **rows;
	uint64_t total_exits;
	uint64_t total_cycles;
	double seconds;		/* interval / command: its length */
	double time;		/* interval: seconds since the first reading */
	unsigned long index;	/* interval: 1, 2, ... */
	int status;		/* command: its exit status */
	char *const *argv;	/* command: what ran */
};

/*
 * Fills @rep->rows..total_* from @snap: defined reasons with exits (all
 * defined ones if @all), sorted by @key.  -1 if out of memory.
 */
int report_rows(struct report *rep, const struct snapshot *snap, bool all,
		enum sort_key key);
void report_free(struct report *rep);

/* cycles / exits rounded to the nearest cycle; 0 if no exits */
uint64_t per_exit(uint64_t cycles, uint64_t exits);
/* part / whole in percent; 0 if whole is 0 */
double share(uint64_t part, uint64_t whole);
/* count / seconds; 0 if no time passed */
double rate(uint64_t count, double seconds);

#endif

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
	/* exitstat --host (sum of VMs): NULL/0 in the guest */
	const char *title;	/* the table's first line, less the vendor */
	const char *scope;	/* JSON "scope" */
	size_t nr_vms;		/* JSON "vms" */
	long pid;		/* --vm: JSON "pid", "vm"; 0 if none */
	const char *vm;
};

/* exitstat --host --by-vm/--by-vcpu (and its Prometheus): a VM or vCPU. */
struct report_group {
	long pid;
	const char *vm;		/* QEMU's -name; "" if none */
	int fd;			/* its VM's fd if the pid has several; -1 */
	int vcpu;		/* -1: the whole VM */
	struct report rep;	/* its rows and totals */
};

struct report_groups {
	enum report_mode mode;	/* SNAPSHOT or INTERVAL */
	enum kvm_exitstat_vendor vendor;
	const char *title;	/* as report's */
	bool by_vcpu;
	size_t nr_vms;
	size_t n;
	struct report_group *g;
	uint64_t total_exits;	/* of all groups */
	uint64_t total_cycles;
	double seconds, time;	/* as report's */
	unsigned long index;
};

/* Orders @gs->g by @key: exits, cycles, name (of the VM), or pid. */
void report_groups_sort(struct report_groups *gs, enum sort_key key);

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

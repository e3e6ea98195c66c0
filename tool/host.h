/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitstat --host: the counters of the VMs running on this host, as the
 * patched KVM writes them into its debugfs directory (kernel/
 * exitstat_debugfs.c): finding the VMs and their vCPUs, reading and
 * checking their files, and summing them into snapshots.  Nothing here
 * prints: errors come back as a message and an exit code.
 */
#ifndef EXITSTAT_HOST_H
#define EXITSTAT_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <asm/kvm_exitstat.h>

#include "qemu_name.h"
#include "snapshot.h"

#define HOST_DEBUGFS	"/sys/kernel/debug/kvm"
#define HOST_PROC	"/proc"
/* A file has a line per reason with exits: a few KiB at most. */
#define HOST_FILE_MAX	65536

struct host_row {
	uint32_t code;
	uint64_t exits;
	uint64_t cycles;
};

/* One exitstat file; the "other" line counts only in the totals. */
struct host_counts {
	enum kvm_exitstat_vendor vendor;	/* NONE: no line tells */
	size_t n;
	struct host_row *row;
	uint64_t total_exits;
	uint64_t total_cycles;
};

struct host_vcpu {
	unsigned int id;
	struct host_counts c;
};

/* One VM: one <pid>-<fd> directory. */
struct host_vm {
	long pid;
	unsigned int fd;
	char name[QEMU_NAME_MAX];	/* QEMU's -name; "" if none */
	struct host_counts c;
	size_t nr_vcpus;
	struct host_vcpu *vcpu;		/* by id */
};

struct host_state {
	enum kvm_exitstat_vendor vendor;	/* NONE: no VM has exits */
	size_t n;
	struct host_vm *vm;		/* by pid, then fd */
};

/*
 * Checks and parses @len bytes of the file @path into @c.  0, or -1 with
 * a message naming @path and the line in @err.
 */
int host_parse(const char *path, const char *text, size_t len,
	       struct host_counts *c, char *err, size_t size);

/*
 * Reads every VM under @debugfs (and each one's vCPUs if @vcpus), with
 * their QEMU names from @proc.  A VM that goes away while it is read is
 * left out.  0, or an EXITSTAT_EXIT_* code with a message in @err.
 */
int host_read(const char *debugfs, const char *proc, bool vcpus,
	      struct host_state *st, char *err, size_t size);

/*
 * @d = @b - @a, VM by VM (matched by pid and fd) and vCPU by vCPU (by id).
 * A VM or vCPU that is only in @b started in between, so all its counts
 * are new; so are those of one whose counts went down (its pid and fd were
 * reused by a new VM).  One that is only in @a ended in between and is
 * left out: what it did after @a can no longer be read.  -1: no memory.
 */
int host_state_diff(const struct host_state *a, const struct host_state *b,
		    struct host_state *d);

void host_state_free(struct host_state *st);

/*
 * The sum of the @n files @c as a snapshot of the @nr reasons @codes
 * (names @names) of @vendor.  -1: no memory.
 */
int host_snapshot(const struct host_counts *const *c, size_t n,
		  enum kvm_exitstat_vendor vendor, const uint32_t *codes,
		  const char *const *names, size_t nr, struct snapshot *s);

#endif

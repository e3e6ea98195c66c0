/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitstat: one reading of all counters, and the difference of two.
 *
 * A snapshot costs one CPUID per reason (its 64-bit exit count), one more
 * per reason that has exits (its cycles), and two for the totals.
 */
#ifndef EXITSTAT_SNAPSHOT_H
#define EXITSTAT_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpuid_backend.h"
#include "discover.h"

struct sample {
	uint32_t code;
	const char *name;	/* NULL if the uapi header names none */
	bool defined;		/* false: the host answered UNDEFINED */
	uint64_t exits;
	uint64_t cycles;
};

struct snapshot {
	enum kvm_exitstat_vendor vendor;
	bool global;		/* sums of all VMs, not only this one */
	size_t n;
	struct sample *s;
	uint64_t total_exits;
	uint64_t total_cycles;
	/* cpu->calls when the CPUID reason's / the total exits were read */
	unsigned long seq_cpuid;
	unsigned long seq_total;
};

enum snapshot_status {
	SNAPSHOT_OK,
	SNAPSHOT_NOT_COUNTING,	/* counting was switched off meanwhile */
	SNAPSHOT_NO_MEMORY,
};

/* Reads @n reasons @codes (names from @names, may hold NULLs). */
enum snapshot_status snapshot_take(struct cpuid_backend *cpu,
				   const struct exitstat_abi *abi,
				   const uint32_t *codes, const char *const *names,
				   size_t n, struct snapshot *snap);

/*
 * @d = @b - @a (same reasons, @a taken first), modulo 2^64, so a count
 * that crossed any power of two in between still differs correctly.  The
 * CPUID exits that exitstat's own queries caused between the two readings
 * are not counted (their cycles are).
 */
enum snapshot_status snapshot_diff(const struct snapshot *a,
				   const struct snapshot *b,
				   struct snapshot *d);

void snapshot_free(struct snapshot *snap);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitstat: one reading of all counters, and the difference of two.
 *
 * Every query exitstat makes is a CPUID exit of its own, counted when it
 * starts and billed its cycles when KVM has answered it.  A difference takes
 * those exits and their cycles out of the CPUID reason and of the totals,
 * so that it shows what the rest of the guest caused.  Exits are counted
 * one by one, so their number is exact.  Cycles are taken out as follows:
 *
 * - A snapshot starts with a pair "total cycles, then CPUID cycles" (head)
 *   and ends with one more CPUID cycles reading and the same pair (tail).
 *   Between one snapshot's tail and the next one's head the only queries
 *   of exitstat's whose cycles fall into the CPUID reason's difference are
 *   the tail's CPUID reading and the head's total reading: one query of
 *   each kind.  The tail measured the cost of exactly such a couple
 *   (its lone CPUID reading and its total reading), and that cost is taken
 *   out.  The head and tail pairs also give the cycles of all the other
 *   reasons, total minus CPUID, where the total reading's own cost appears
 *   once at each end and cancels.
 * - Where the host's clock counts instructions the couples cost the same
 *   and this is exact; on a host's real clock two couples of identical
 *   queries differ by their jitter.  So a difference in which the rest of
 *   the guest caused no CPUID exit shows 0 CPUID cycles, exactly, and one
 *   without any exit 0 cycles in all.
 *
 * A snapshot costs one CPUID per reason (its 64-bit exit count), one more
 * per reason other than CPUID that has exits (its cycles), one for the
 * CPUID reason's exits unless it is among the reasons, one for the total
 * exits and five for the head and the tail.
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

/* Total cycles, then the CPUID reason's cycles, in two queries in a row. */
struct cycles_pair {
	uint64_t total;
	uint64_t cpuid;
};

struct snapshot {
	enum kvm_exitstat_vendor vendor;
	bool global;		/* sums of all VMs, not only this one */
	size_t n;
	struct sample *s;
	uint64_t total_exits;
	uint64_t total_cycles;
	/* for differences (see above) */
	uint64_t cpuid_exits;
	struct cycles_pair head, tail;
	uint64_t couple_cost;	/* cycles of one CPUID and one total reading */
	/* cpu->calls when the CPUID reason's / the total exits were read */
	unsigned long seq_cpuid;
	unsigned long seq_total;
};

enum snapshot_status {
	SNAPSHOT_OK,
	SNAPSHOT_NOT_COUNTING,	/* counting was switched off meanwhile */
	SNAPSHOT_NO_MEMORY,
};

/*
 * Reads @n reasons @codes (names from @names, may hold NULLs).  The
 * snapshot shows the counters as they are, exitstat's own queries in them.
 */
enum snapshot_status snapshot_take(struct cpuid_backend *cpu,
				   const struct exitstat_abi *abi,
				   const uint32_t *codes, const char *const *names,
				   size_t n, struct snapshot *snap);

/*
 * @d = @b - @a (same reasons, @a taken first, no other query of exitstat
 * in between), modulo 2^64, so a count that crossed any power of two in
 * between still differs correctly, less exitstat's own queries (see above).
 */
enum snapshot_status snapshot_diff(const struct snapshot *a,
				   const struct snapshot *b,
				   struct snapshot *d);

void snapshot_free(struct snapshot *snap);

#endif

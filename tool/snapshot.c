// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "reasons.h"
#include "snapshot.h"

static uint64_t cycles_of(const struct cpuid_regs *r)
{
	return (uint64_t)r->ebx << 32 | r->ecx;
}

static uint64_t exits64_of(const struct cpuid_regs *r)
{
	return (uint64_t)r->ebx << 32 | r->eax;
}

/* One query; false if the host says counting is switched off. */
static bool ask(struct cpuid_backend *cpu, uint32_t leaf, uint32_t sub,
		struct cpuid_regs *r)
{
	cpuid_call(cpu, leaf, sub, r);
	return r->edx != KVM_EXITSTAT_NOT_COUNTING;
}

static bool ask_cpuid_cycles(struct cpuid_backend *cpu,
			     const struct exitstat_abi *abi, uint64_t *cycles)
{
	struct cpuid_regs r;

	if (!ask(cpu, abi->leaf[KVM_EXITSTAT_FN_REASON_CYCLES],
		 reason_cpuid(abi->vendor), &r))
		return false;
	*cycles = cycles_of(&r);
	return true;
}

static bool ask_pair(struct cpuid_backend *cpu, const struct exitstat_abi *abi,
		     struct cycles_pair *p)
{
	struct cpuid_regs r;

	if (!ask(cpu, abi->leaf[KVM_EXITSTAT_FN_TOTAL_CYCLES], 0, &r))
		return false;
	p->total = cycles_of(&r);
	return ask_cpuid_cycles(cpu, abi, &p->cpuid);
}

/* The exits of @code; those of CPUID also as the differences need them. */
static bool ask_exits(struct cpuid_backend *cpu, uint32_t code,
		      uint32_t cpuid_reason, struct snapshot *snap,
		      struct cpuid_regs *r)
{
	if (!ask(cpu, KVM_EXITSTAT_LEAF_REASON_EXITS64, code, r))
		return false;
	if (code == cpuid_reason) {
		snap->cpuid_exits = exits64_of(r);
		snap->seq_cpuid = cpu->calls;
	}
	return true;
}

enum snapshot_status snapshot_take(struct cpuid_backend *cpu,
				   const struct exitstat_abi *abi,
				   const uint32_t *codes, const char *const *names,
				   size_t n, struct snapshot *snap)
{
	uint32_t cpuid_reason = reason_cpuid(abi->vendor);
	uint64_t lone;
	struct cpuid_regs r;
	size_t i;

	memset(snap, 0, sizeof(*snap));
	snap->vendor = abi->vendor;
	snap->global = abi->flags & KVM_EXITSTAT_F_GLOBAL;
	snap->n = n;
	snap->s = calloc(n ? n : 1, sizeof(*snap->s));
	if (!snap->s)
		return SNAPSHOT_NO_MEMORY;
	for (i = 0; i < n; i++) {
		snap->s[i].code = codes[i];
		snap->s[i].name = names[i];
	}
	if (!ask_pair(cpu, abi, &snap->head))
		return SNAPSHOT_NOT_COUNTING;
	for (i = 0; i < n; i++) {
		struct sample *s = &snap->s[i];

		if (!ask_exits(cpu, s->code, cpuid_reason, snap, &r))
			return SNAPSHOT_NOT_COUNTING;
		s->defined = r.edx != KVM_EXITSTAT_UNDEFINED;
		s->exits = exits64_of(&r);
	}
	if (!snap->seq_cpuid &&	/* 0 until CPUID's exits were read */
	    !ask_exits(cpu, cpuid_reason, cpuid_reason, snap, &r))
		return SNAPSHOT_NOT_COUNTING;
	for (i = 0; i < n; i++) {
		struct sample *s = &snap->s[i];

		if (!s->defined || !s->exits || s->code == cpuid_reason)
			continue;
		if (!ask(cpu, abi->leaf[KVM_EXITSTAT_FN_REASON_CYCLES],
			 s->code, &r))
			return SNAPSHOT_NOT_COUNTING;
		s->cycles = cycles_of(&r);
	}
	if (!ask(cpu, KVM_EXITSTAT_LEAF_TOTAL_EXITS64, 0, &r))
		return SNAPSHOT_NOT_COUNTING;
	snap->total_exits = exits64_of(&r);
	snap->seq_total = cpu->calls;

	if (!ask_cpuid_cycles(cpu, abi, &lone) ||
	    !ask_pair(cpu, abi, &snap->tail))
		return SNAPSHOT_NOT_COUNTING;
	snap->couple_cost = snap->tail.cpuid - lone;
	snap->total_cycles = snap->tail.total;
	for (i = 0; i < n; i++)
		if (snap->s[i].code == cpuid_reason)
			snap->s[i].cycles = snap->tail.cpuid;
	return SNAPSHOT_OK;
}

/* @delta less what exitstat caused itself, never below 0. */
static uint64_t less_own(uint64_t delta, uint64_t own)
{
	return delta > own ? delta - own : 0;
}

enum snapshot_status snapshot_diff(const struct snapshot *a,
				   const struct snapshot *b,
				   struct snapshot *d)
{
	uint32_t cpuid_reason = reason_cpuid(b->vendor);
	uint64_t cpuid_cycles, others;
	size_t i;

	*d = *b;
	d->s = calloc(b->n ? b->n : 1, sizeof(*d->s));
	if (!d->s)
		return SNAPSHOT_NO_MEMORY;

	d->cpuid_exits = less_own(b->cpuid_exits - a->cpuid_exits,
				  b->seq_cpuid - a->seq_cpuid);
	/* no CPUID exit of the guest's: all CPUID cycles were exitstat's */
	cpuid_cycles = d->cpuid_exits ?
		       less_own(b->head.cpuid - a->tail.cpuid, a->couple_cost) : 0;
	/*
	 * The other reasons' cycles; below 0 only by the jitter of the two
	 * total readings' own cost (a real difference is never 2^63 cycles).
	 */
	others = (b->head.total - b->head.cpuid) -
		 (a->tail.total - a->tail.cpuid);
	if (others > INT64_MAX)
		others = 0;
	d->total_exits = less_own(b->total_exits - a->total_exits,
				  b->seq_total - a->seq_total);
	d->total_cycles = d->total_exits ? others + cpuid_cycles : 0;

	for (i = 0; i < b->n; i++) {
		d->s[i] = b->s[i];
		if (b->s[i].code == cpuid_reason) {
			d->s[i].exits = d->cpuid_exits;
			d->s[i].cycles = cpuid_cycles;
		} else {
			d->s[i].exits = b->s[i].exits - a->s[i].exits;
			d->s[i].cycles = b->s[i].cycles - a->s[i].cycles;
		}
	}
	return SNAPSHOT_OK;
}

void snapshot_free(struct snapshot *snap)
{
	free(snap->s);
	snap->s = NULL;
	snap->n = 0;
}

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

enum snapshot_status snapshot_take(struct cpuid_backend *cpu,
				   const struct exitstat_abi *abi,
				   const uint32_t *codes, const char *const *names,
				   size_t n, struct snapshot *snap)
{
	uint32_t cpuid_reason = reason_cpuid(abi->vendor);
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
		struct sample *s = &snap->s[i];

		s->code = codes[i];
		s->name = names[i];
		cpuid_call(cpu, KVM_EXITSTAT_LEAF_REASON_EXITS64, s->code, &r);
		if (r.edx == KVM_EXITSTAT_NOT_COUNTING)
			return SNAPSHOT_NOT_COUNTING;
		s->defined = r.edx != KVM_EXITSTAT_UNDEFINED;
		s->exits = exits64_of(&r);
		if (s->code == cpuid_reason)
			snap->seq_cpuid = cpu->calls;
	}
	for (i = 0; i < n; i++) {
		struct sample *s = &snap->s[i];

		if (!s->defined || !s->exits)
			continue;
		cpuid_call(cpu, abi->leaf[KVM_EXITSTAT_FN_REASON_CYCLES],
			   s->code, &r);
		if (r.edx == KVM_EXITSTAT_NOT_COUNTING)
			return SNAPSHOT_NOT_COUNTING;
		s->cycles = cycles_of(&r);
	}

	cpuid_call(cpu, KVM_EXITSTAT_LEAF_TOTAL_EXITS64, 0, &r);
	if (r.edx == KVM_EXITSTAT_NOT_COUNTING)
		return SNAPSHOT_NOT_COUNTING;
	snap->total_exits = exits64_of(&r);
	snap->seq_total = cpu->calls;
	cpuid_call(cpu, abi->leaf[KVM_EXITSTAT_FN_TOTAL_CYCLES], 0, &r);
	if (r.edx == KVM_EXITSTAT_NOT_COUNTING)
		return SNAPSHOT_NOT_COUNTING;
	snap->total_cycles = cycles_of(&r);
	return SNAPSHOT_OK;
}

/* @delta less the exits exitstat caused itself, never below 0. */
static uint64_t less_own(uint64_t delta, unsigned long own)
{
	return delta > own ? delta - own : 0;
}

enum snapshot_status snapshot_diff(const struct snapshot *a,
				   const struct snapshot *b,
				   struct snapshot *d)
{
	uint32_t cpuid_reason = reason_cpuid(b->vendor);
	size_t i;

	*d = *b;
	d->s = calloc(b->n ? b->n : 1, sizeof(*d->s));
	if (!d->s)
		return SNAPSHOT_NO_MEMORY;
	for (i = 0; i < b->n; i++) {
		d->s[i] = b->s[i];
		d->s[i].exits = b->s[i].exits - a->s[i].exits;
		d->s[i].cycles = b->s[i].cycles - a->s[i].cycles;
		if (b->s[i].code == cpuid_reason)
			d->s[i].exits = less_own(d->s[i].exits,
						 b->seq_cpuid - a->seq_cpuid);
	}
	d->total_exits = less_own(b->total_exits - a->total_exits,
				  b->seq_total - a->seq_total);
	d->total_cycles = b->total_cycles - a->total_cycles;
	return SNAPSHOT_OK;
}

void snapshot_free(struct snapshot *snap)
{
	free(snap->s);
	snap->s = NULL;
	snap->n = 0;
}

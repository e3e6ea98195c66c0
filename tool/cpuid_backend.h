/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitstat: where CPUID answers come from.  The program uses the CPU's own
 * instruction; the unit tests plug in a fake with the same signature.
 */
#ifndef EXITSTAT_CPUID_BACKEND_H
#define EXITSTAT_CPUID_BACKEND_H

#include <stdint.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

struct cpuid_backend {
	/* answers CPUID with eax = @leaf, ecx = @sub */
	void (*query)(void *ctx, uint32_t leaf, uint32_t sub,
		      struct cpuid_regs *out);
	void *ctx;
	/* CPUIDs issued so far: each one is a VM exit of its own */
	unsigned long calls;
};

/* One CPUID through @b; counts it. */
void cpuid_call(struct cpuid_backend *b, uint32_t leaf, uint32_t sub,
		struct cpuid_regs *out);

/* The CPU's CPUID instruction. */
void cpuid_hw_query(void *ctx, uint32_t leaf, uint32_t sub,
		    struct cpuid_regs *out);

#endif

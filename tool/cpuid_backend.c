// SPDX-License-Identifier: GPL-2.0
#include <cpuid.h>

#include "cpuid_backend.h"

void cpuid_call(struct cpuid_backend *b, uint32_t leaf, uint32_t sub,
		struct cpuid_regs *out)
{
	b->calls++;
	b->query(b->ctx, leaf, sub, out);
}

void cpuid_hw_query(void *ctx, uint32_t leaf, uint32_t sub,
		    struct cpuid_regs *out)
{
	(void)ctx;
	__cpuid_count(leaf, sub, out->eax, out->ebx, out->ecx, out->edx);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Counter memory per vCPU on each vendor, from the kernel core's own
 * definitions (built like the unit tests: user space, tests/unit/kshim.h).
 * kernel/exitstat.c allocates struct kvm_exitstat_vcpu = a list node (two
 * pointers) + struct kvm_exitstat_counters + nr_slots counters, with
 * kzalloc(), which under SLUB (Debian's kernels) rounds up to a kmalloc
 * size class; the lab's tinyconfig uses SLOB, which does not.
 * Prints "MEM vendor=intel|amd slots=S counters=B alloc=B slab=B" lines,
 * slab being SLUB's object size.
 */
#include <stdio.h>

#include "exitstat_core.h"

/* SLUB's kmalloc caches: 8..256 with 96 and 192, powers of two above. */
static size_t kmalloc_class(size_t n)
{
	size_t c = 8;

	if (n > 64 && n <= 96)
		return 96;
	if (n > 128 && n <= 192)
		return 192;
	while (c < n)
		c *= 2;
	return c;
}

static void show(const char *vendor, enum kvm_exitstat_vendor v)
{
	size_t slots = kvm_exitstat_nr_slots(v);
	size_t counters = sizeof(struct kvm_exitstat_counters) +
			  slots * sizeof(struct kvm_exitstat_counter);
	size_t alloc = 2 * sizeof(void *) + counters;

	printf("MEM vendor=%s slots=%zu counters=%zu alloc=%zu slab=%zu\n",
	       vendor, slots, counters, alloc, kmalloc_class(alloc));
}

int main(void)
{
	show("intel", KVM_EXITSTAT_VENDOR_VMX);
	show("amd", KVM_EXITSTAT_VENDOR_SVM);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Counter memory per vCPU on each vendor, from the kernel's own definitions
 * (built like the unit tests: user space, tests/unit/kshim.h).  The counters
 * are a struct kvm_exitstat_vcpu at the end of struct kvm_vcpu, sized for
 * the vendor with more slots (SVM), so both vendors carry the same bytes.
 * Prints "MEM vendor=intel|amd slots=S bytes=B used=B" lines, used being
 * what the vendor's own slots take of it.
 */
#include <stdio.h>

#include "exitstat_core.h"

static void show(const char *vendor, enum kvm_exitstat_vendor v)
{
	size_t slots = kvm_exitstat_nr_slots(v);
	const struct kvm_exitstat_counters *c = NULL;
	size_t used = slots * (sizeof(c->exits[0]) + sizeof(c->cycles[0]));

	printf("MEM vendor=%s slots=%zu bytes=%zu used=%zu\n", vendor, slots,
	       sizeof(struct kvm_exitstat_vcpu), used);
}

int main(void)
{
	show("intel", KVM_EXITSTAT_VENDOR_VMX);
	show("amd", KVM_EXITSTAT_VENDOR_SVM);
	return 0;
}

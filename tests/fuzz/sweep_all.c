// SPDX-License-Identifier: GPL-2.0
/*
 * Every ecx a guest can pass, 0 to 2^32-1, through both per-reason leaves
 * on both vendors, each answer checked against the documented one.  Too
 * long for every CI run (minutes): `make sweep`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exitstat_core.h"
#include "oracle.h"

static struct kvm_exitstat_counters *vcpu;

static void sum_one(const struct kvm_exitstat_query *q, u32 slot,
		    struct kvm_exitstat_counter *acc)
{
	(void)q;
	kvm_exitstat_accumulate(acc, vcpu, slot);
}

/* Counts: exits = slot + 1, cycles = 2^32 * slot + 7, both recognisable. */
static int sweep(enum kvm_exitstat_vendor v)
{
	u64 handled[KVM_EXITSTAT_HANDLED_WORDS], bad = 0, defined = 0;
	const struct kvm_exitstat_binding b = KVM_EXITSTAT_DEFAULT_BINDING;
	struct kvm_exitstat_query q = { .vendor = v, .binding = &b,
		.handled = handled, .flags = KVM_EXITSTAT_F_COUNTING,
		.sum = sum_one };
	u32 n = kvm_exitstat_nr_slots(v), regs[4], e[4], c[4];
	u64 r;

	memset(handled, 0xff, sizeof(handled));
	vcpu = calloc(1, sizeof(*vcpu));
	kvm_exitstat_counters_init(vcpu, n);
	for (u32 s = 0; s < n; s++) {
		vcpu->exits[s] = s + 1;
		vcpu->cycles[s] = ((u64)s << 32) + 7;
	}
	for (r = 0; r <= 0xffffffffULL; r++) {
		u32 s = kvm_exitstat_slot(v, r);

		if (oracle_defines(v, r)) {
			defined++;
			e[0] = s + 1; e[1] = 0; e[2] = 0; e[3] = 0;
			c[0] = 0; c[1] = s; c[2] = 7; c[3] = 0;
		} else {
			e[0] = e[1] = e[2] = 0; e[3] = KVM_EXITSTAT_UNDEFINED;
			c[0] = c[1] = c[2] = 0; c[3] = KVM_EXITSTAT_UNDEFINED;
		}
		kvm_exitstat_answer(&q, KVM_EXITSTAT_LEAF_REASON_EXITS, r, regs);
		bad += memcmp(regs, e, sizeof(e)) != 0;
		kvm_exitstat_answer(&q, KVM_EXITSTAT_LEAF_REASON_CYCLES, r, regs);
		bad += memcmp(regs, c, sizeof(c)) != 0;
	}
	printf("%s: 4294967296 values of ecx, 2 leaves each, %llu defined, %llu wrong answers\n",
	       v == KVM_EXITSTAT_VENDOR_VMX ? "vmx" : "svm",
	       (unsigned long long)defined, (unsigned long long)bad);
	free(vcpu);
	return bad ? 1 : 0;
}

int main(void)
{
	int status, failed = 0;
	pid_t svm = fork();	/* one vendor per core */

	if (svm == 0)
		return sweep(KVM_EXITSTAT_VENDOR_SVM);
	failed += sweep(KVM_EXITSTAT_VENDOR_VMX);
	waitpid(svm, &status, 0);
	failed += !WIFEXITED(status) || WEXITSTATUS(status);
	printf("%d passed, %d failed\n", 2 - failed, failed);
	return failed ? 1 : 0;
}

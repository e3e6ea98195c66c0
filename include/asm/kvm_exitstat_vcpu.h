/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-exitstat: the counters that struct kvm_vcpu carries.  They sit in the
 * vCPU itself, not behind a pointer, so that the exit path reaches them from
 * the vCPU it already holds: make bench counts every instruction there.
 */
#ifndef _ASM_X86_KVM_EXITSTAT_VCPU_H
#define _ASM_X86_KVM_EXITSTAT_VCPU_H

#include <linux/types.h>

/*
 * Counters are kept per slot, a dense index over the reasons the manual
 * defines, plus one slot for anything else so that the totals miss nothing.
 *
 * VMX: basic exit reasons 0..KVM_EXITSTAT_VMX_LAST are their own slots.
 * SVM: exit codes 0x000..0x0a6, 0x400..0x403 and -2, -1 (VMEXIT_BUSY,
 * VMEXIT_INVALID) are numbered in that order; sizing an array by the largest
 * code would take 2^32 entries.
 */
#define KVM_EXITSTAT_VMX_LAST		85
#define KVM_EXITSTAT_VMX_SLOTS		(KVM_EXITSTAT_VMX_LAST + 2)

#define KVM_EXITSTAT_SVM_LOW_LAST	0x0a6
#define KVM_EXITSTAT_SVM_HIGH_FIRST	0x400
#define KVM_EXITSTAT_SVM_HIGH_LAST	0x403
#define KVM_EXITSTAT_SVM_NEG_FIRST	0xfffffffeU
#define KVM_EXITSTAT_SVM_HIGH_SLOT	(KVM_EXITSTAT_SVM_LOW_LAST + 1)
#define KVM_EXITSTAT_SVM_NEG_SLOT	(KVM_EXITSTAT_SVM_HIGH_SLOT + \
		KVM_EXITSTAT_SVM_HIGH_LAST - KVM_EXITSTAT_SVM_HIGH_FIRST + 1)
#define KVM_EXITSTAT_SVM_OTHER_SLOT	(KVM_EXITSTAT_SVM_NEG_SLOT + 2)
#define KVM_EXITSTAT_SVM_SLOTS		(KVM_EXITSTAT_SVM_OTHER_SLOT + 1)

#define KVM_EXITSTAT_MAX_SLOTS		KVM_EXITSTAT_SVM_SLOTS
/* What a done() with no exit in flight bills: a cycles slot never reported. */
#define KVM_EXITSTAT_SINK		KVM_EXITSTAT_MAX_SLOTS

/*
 * One vCPU's counters.  Only that vCPU's thread writes them, so the exit
 * path needs no atomic operation; readers sum over vCPUs and may see a
 * count one exit old, never a torn one (aligned 64-bit stores).  Exits and
 * cycles are separate arrays of one size for both vendors so that x86.c and
 * the vendor modules index them by slot with no arithmetic.
 */
struct kvm_exitstat_counters {
	u64 cycles[KVM_EXITSTAT_SINK + 1];
	u64 exits[KVM_EXITSTAT_MAX_SLOTS];
	/*
	 * Host TSC when the exit in flight happened, stored as the two halves
	 * rdtsc leaves in edx:eax, which saves joining them on every exit.
	 */
	union {
		u64 tsc;
		struct {
			u32 lo;
			u32 hi;
		};
	} exit_tsc;
	/*
	 * Slot of the exit in flight, or KVM_EXITSTAT_SINK.  As wide as the
	 * index it is stored from: a u32 here made gcc keep the slot in two
	 * registers on SVM's exit path, one instruction more on every exit.
	 */
	unsigned long inflight;
	u32 nr_slots;	/* the vendor's; the slots above it stay zero */
};

struct kvm_exitstat_vcpu {
	struct list_head node;	/* on the list that global scope sums */
	struct kvm_exitstat_counters c;
};

#endif /* _ASM_X86_KVM_EXITSTAT_VCPU_H */

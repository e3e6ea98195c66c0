/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-exitstat core: reason tables, counter slots, the CPUID answer and the
 * leaf binding.  Nothing here touches a vCPU or a lock, so the same file is
 * built into kvm.ko and into the user-space unit tests.
 */
#ifndef ARCH_X86_KVM_EXITSTAT_CORE_H
#define ARCH_X86_KVM_EXITSTAT_CORE_H

#include <linux/types.h>
#include <asm/kvm_exitstat.h>
#include <asm/kvm_exitstat_vcpu.h>

/*
 * Slot of a VMX basic exit reason; called on every VM exit.  The barrier
 * keeps the compiler from turning the branch into a cmov, one instruction
 * more on every exit than a branch that is not taken.
 */
static __always_inline unsigned long kvm_exitstat_vmx_slot(u32 reason)
{
	if (unlikely(reason > KVM_EXITSTAT_VMX_LAST)) {
		barrier();
		return KVM_EXITSTAT_VMX_LAST + 1;
	}
	return reason;
}

/*
 * Slot of an SVM exit code; called on every VM exit.  The slot is worked
 * out in the one variable that holds the code: with the code kept apart for
 * the codes past the low block, gcc copied it to a second register on every
 * exit (and the barrier keeps that copy out of the common path).
 */
static __always_inline unsigned long kvm_exitstat_svm_slot(u32 code)
{
	unsigned long slot = code;

	if (unlikely(slot > KVM_EXITSTAT_SVM_LOW_LAST)) {
		barrier();
		if (slot - KVM_EXITSTAT_SVM_HIGH_FIRST <=
		    KVM_EXITSTAT_SVM_HIGH_LAST - KVM_EXITSTAT_SVM_HIGH_FIRST)
			slot -= KVM_EXITSTAT_SVM_HIGH_FIRST -
				KVM_EXITSTAT_SVM_HIGH_SLOT;
		else if (slot >= KVM_EXITSTAT_SVM_NEG_FIRST)
			slot -= KVM_EXITSTAT_SVM_NEG_FIRST -
				KVM_EXITSTAT_SVM_NEG_SLOT;
		else
			slot = KVM_EXITSTAT_SVM_OTHER_SLOT;
	}
	return slot;
}

struct kvm_exitstat_counter {
	u64 exits;
	u64 cycles;
};

/*
 * No exit in flight: the next done() bills the sink.  Called where a vCPU
 * run returns without a VM exit, so that done() itself need not reset
 * anything: one store less on every exit.
 */
static __always_inline void
kvm_exitstat_forget_inflight(struct kvm_exitstat_counters *c)
{
	c->inflight = KVM_EXITSTAT_SINK;
}

/* Zeroed counters become ready for the exit path of a vendor's @nr_slots. */
static inline void kvm_exitstat_counters_init(struct kvm_exitstat_counters *c,
					      u32 nr_slots)
{
	c->nr_slots = nr_slots;
	kvm_exitstat_forget_inflight(c);
}

/*
 * At VM exit: count it and remember when it happened.  These two run on
 * every exit and make bench counts their instructions: done() has no
 * branch and the slot needs no arithmetic.  Always inlined: 6.12's gcc
 * build of x86.c called done() instead, four instructions more per exit.
 */
static __always_inline void
kvm_exitstat_count_exit(struct kvm_exitstat_counters *c, unsigned long slot,
			u32 tsc_lo, u32 tsc_hi)
{
	c->exits[slot]++;
	c->inflight = slot;
	c->exit_tsc.lo = tsc_lo;
	c->exit_tsc.hi = tsc_hi;
}

/*
 * Once KVM has finished handling that exit: charge its cycles.  Exactly
 * once per exit (or per kvm_exitstat_forget_inflight()): a second call
 * would charge the same exit again.
 */
static __always_inline void
kvm_exitstat_count_done(struct kvm_exitstat_counters *c, u64 tsc)
{
	u64 cycles;

	/*
	 * Hidden from the optimizer, the sum is one subtraction and one
	 * addition to memory; left alone, gcc reassociates it into a load, two
	 * operations and a store.
	 */
	OPTIMIZER_HIDE_VAR(tsc);
	cycles = tsc - c->exit_tsc.tsc;
	OPTIMIZER_HIDE_VAR(cycles);
	c->cycles[c->inflight] += cycles;
}

u32 kvm_exitstat_nr_slots(enum kvm_exitstat_vendor vendor);
u32 kvm_exitstat_slot(enum kvm_exitstat_vendor vendor, u32 reason);
bool kvm_exitstat_slot_reason(enum kvm_exitstat_vendor vendor, u32 slot,
			      u32 *reason);
bool kvm_exitstat_defined(enum kvm_exitstat_vendor vendor, u32 reason);

#define KVM_EXITSTAT_HANDLED_WORDS	((KVM_EXITSTAT_MAX_SLOTS + 63) / 64)
void kvm_exitstat_mark_handled(enum kvm_exitstat_vendor vendor, u64 *handled,
			       u32 reason);

/* Adds slot @slot (or every slot, with KVM_EXITSTAT_ALL) of @c into @acc. */
#define KVM_EXITSTAT_ALL	U32_MAX
void kvm_exitstat_accumulate(struct kvm_exitstat_counter *acc,
			     const struct kvm_exitstat_counters *c, u32 slot);

struct kvm_exitstat_binding {
	u32 leaf[KVM_EXITSTAT_NR_FNS];
};

#define KVM_EXITSTAT_DEFAULT_BINDING { .leaf = {				\
	[KVM_EXITSTAT_FN_TOTAL_EXITS] = KVM_EXITSTAT_LEAF_TOTAL_EXITS,		\
	[KVM_EXITSTAT_FN_TOTAL_CYCLES] = KVM_EXITSTAT_LEAF_TOTAL_CYCLES,	\
	[KVM_EXITSTAT_FN_REASON_EXITS] = KVM_EXITSTAT_LEAF_REASON_EXITS,	\
	[KVM_EXITSTAT_FN_REASON_CYCLES] = KVM_EXITSTAT_LEAF_REASON_CYCLES,	\
} }

const char *kvm_exitstat_check_binding(const struct kvm_exitstat_binding *b);
const char *kvm_exitstat_parse_binding(const char *s,
				       struct kvm_exitstat_binding *b);

/* What answering a query needs from its environment. */
struct kvm_exitstat_query {
	enum kvm_exitstat_vendor vendor;
	const struct kvm_exitstat_binding *binding;
	/* bit n set: slot n is a reason KVM has an exit handler for */
	const u64 *handled;
	u32 flags;		/* KVM_EXITSTAT_F_* */
	/* sum of @slot (or KVM_EXITSTAT_ALL) over the query's scope */
	void (*sum)(const struct kvm_exitstat_query *q, u32 slot,
		    struct kvm_exitstat_counter *acc);
	void *scope;
};

enum { KVM_EXITSTAT_EAX, KVM_EXITSTAT_EBX, KVM_EXITSTAT_ECX,
	KVM_EXITSTAT_EDX, KVM_EXITSTAT_NR_REGS };

bool kvm_exitstat_answer(const struct kvm_exitstat_query *q, u32 leaf,
			 u32 arg, u32 regs[KVM_EXITSTAT_NR_REGS]);

#endif /* ARCH_X86_KVM_EXITSTAT_CORE_H */

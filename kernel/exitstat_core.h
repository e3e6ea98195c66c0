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

/* Slot of a VMX basic exit reason; called on every VM exit. */
static inline u32 kvm_exitstat_vmx_slot(u32 reason)
{
	return reason <= KVM_EXITSTAT_VMX_LAST ? reason :
						 KVM_EXITSTAT_VMX_LAST + 1;
}

/* Slot of an SVM exit code; called on every VM exit. */
static inline u32 kvm_exitstat_svm_slot(u32 code)
{
	if (code <= KVM_EXITSTAT_SVM_LOW_LAST)
		return code;
	if (code - KVM_EXITSTAT_SVM_HIGH_FIRST <=
	    KVM_EXITSTAT_SVM_HIGH_LAST - KVM_EXITSTAT_SVM_HIGH_FIRST)
		return KVM_EXITSTAT_SVM_HIGH_SLOT + code -
		       KVM_EXITSTAT_SVM_HIGH_FIRST;
	if (code >= KVM_EXITSTAT_SVM_NEG_FIRST)
		return KVM_EXITSTAT_SVM_NEG_SLOT + code -
		       KVM_EXITSTAT_SVM_NEG_FIRST;
	return KVM_EXITSTAT_SVM_OTHER_SLOT;
}

struct kvm_exitstat_counter {
	u64 exits;
	u64 cycles;
};

/*
 * One vCPU's counters.  Only that vCPU's thread writes them, so the exit
 * path needs no atomic operation; readers sum over vCPUs and may see a
 * count one exit old, never a torn one (aligned 64-bit stores).
 */
struct kvm_exitstat_counters {
	u64 exit_tsc;	/* host TSC when the exit in flight happened */
	/* the counter of the exit in flight, or &unbilled if none */
	struct kvm_exitstat_counter *inflight;
	/* what a done() with no exit in flight charges; never reported */
	struct kvm_exitstat_counter unbilled;
	u32 nr_slots;
	struct kvm_exitstat_counter slot[];
};

/* No exit in flight: the next done() charges none of the slots. */
static inline void kvm_exitstat_forget_inflight(struct kvm_exitstat_counters *c)
{
	c->inflight = &c->unbilled;
}

/* Zeroed counters of @nr_slots slots become ready for the exit path. */
static inline void kvm_exitstat_counters_init(struct kvm_exitstat_counters *c,
					      u32 nr_slots)
{
	c->nr_slots = nr_slots;
	kvm_exitstat_forget_inflight(c);
}

/*
 * At VM exit: count it and remember when it happened.  These two run on
 * every exit, so they keep a pointer rather than an index, and done() has
 * no branch (a done() without an exit bills 'unbilled'): make bench counts
 * their instructions.
 */
static inline void kvm_exitstat_count_exit(struct kvm_exitstat_counters *c,
					   u32 slot, u64 tsc)
{
	struct kvm_exitstat_counter *e = &c->slot[slot];

	e->exits++;
	c->inflight = e;
	c->exit_tsc = tsc;
}

/* When KVM has finished handling that exit: charge its cycles. */
static inline void kvm_exitstat_count_done(struct kvm_exitstat_counters *c,
					   u64 tsc)
{
	struct kvm_exitstat_counter *e = c->inflight;
	u64 cycles = tsc - c->exit_tsc;

	kvm_exitstat_forget_inflight(c);
	e->cycles += cycles;
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

// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-exitstat core: which exit reasons the vendor manuals define, how they
 * map to counter slots, and how a CPUID query is answered.
 */
#include <linux/kernel.h>
#include "exitstat_core.h"

struct kvm_exitstat_range {
	u32 first;
	u32 last;
};

/*
 * Intel SDM Vol. 3D, Appendix C, Table C-1 "Basic Exit Reasons".  The gaps
 * (35, 38, 42, 71, 82, 83) and everything above 85 are not defined.
 */
static const struct kvm_exitstat_range vmx_defined[] = {
	{ 0, 34 },	/* exception or NMI .. VM-entry failure, MSR loading */
	{ 36, 37 },	/* MWAIT, monitor trap flag */
	{ 39, 41 },	/* MONITOR, PAUSE, VM-entry failure, machine check */
	{ 43, 70 },	/* TPR below threshold .. ENCLV */
	{ 72, 81 },	/* ENQCMD PASID fail .. UWRMSR */
	{ 84, 85 },	/* RDMSR, WRMSRNS with immediate */
};

/*
 * AMD APM Vol. 2, Appendix C, Table C-1 "SVM Intercept Codes":
 * 0x000-0x0a6 (CR/DR reads and writes, exceptions, INTR .. IDLE_HLT),
 * 0x400-0x403 (NPF, AVIC_INCOMPLETE_IPI, AVIC_NOACCEL, VMGEXIT),
 * -2 VMEXIT_BUSY, -1 VMEXIT_INVALID.  Each is also a counter slot.
 */
static const struct kvm_exitstat_range svm_defined[] = {
	{ 0, KVM_EXITSTAT_SVM_LOW_LAST },
	{ KVM_EXITSTAT_SVM_HIGH_FIRST, KVM_EXITSTAT_SVM_HIGH_LAST },
	{ KVM_EXITSTAT_SVM_NEG_FIRST, U32_MAX },
};

static bool in_ranges(const struct kvm_exitstat_range *r, size_t n, u32 v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v >= r[i].first && v <= r[i].last)
			return true;
	return false;
}

bool kvm_exitstat_defined(enum kvm_exitstat_vendor vendor, u32 reason)
{
	switch (vendor) {
	case KVM_EXITSTAT_VENDOR_VMX:
		return in_ranges(vmx_defined, ARRAY_SIZE(vmx_defined), reason);
	case KVM_EXITSTAT_VENDOR_SVM:
		return in_ranges(svm_defined, ARRAY_SIZE(svm_defined), reason);
	default:
		return false;
	}
}

u32 kvm_exitstat_nr_slots(enum kvm_exitstat_vendor vendor)
{
	switch (vendor) {
	case KVM_EXITSTAT_VENDOR_VMX:
		return KVM_EXITSTAT_VMX_SLOTS;
	case KVM_EXITSTAT_VENDOR_SVM:
		return KVM_EXITSTAT_SVM_SLOTS;
	default:
		return 0;
	}
}

u32 kvm_exitstat_slot(enum kvm_exitstat_vendor vendor, u32 reason)
{
	if (vendor == KVM_EXITSTAT_VENDOR_SVM)
		return kvm_exitstat_svm_slot(reason);
	return kvm_exitstat_vmx_slot(reason);
}

/* The reason counted in @slot; false for the slot of unknown reasons. */
bool kvm_exitstat_slot_reason(enum kvm_exitstat_vendor vendor, u32 slot,
			      u32 *reason)
{
	if (vendor == KVM_EXITSTAT_VENDOR_VMX) {
		*reason = slot;
		return slot <= KVM_EXITSTAT_VMX_LAST;
	}
	if (vendor != KVM_EXITSTAT_VENDOR_SVM ||
	    slot >= KVM_EXITSTAT_SVM_OTHER_SLOT)
		return false;
	if (slot < KVM_EXITSTAT_SVM_HIGH_SLOT)
		*reason = slot;
	else if (slot < KVM_EXITSTAT_SVM_NEG_SLOT)
		*reason = KVM_EXITSTAT_SVM_HIGH_FIRST + slot -
			  KVM_EXITSTAT_SVM_HIGH_SLOT;
	else
		*reason = KVM_EXITSTAT_SVM_NEG_FIRST + slot -
			  KVM_EXITSTAT_SVM_NEG_SLOT;
	return true;
}

void kvm_exitstat_accumulate(struct kvm_exitstat_counter *acc,
			     const struct kvm_exitstat_counters *c, u32 slot)
{
	u32 first = slot, last = slot, i;

	if (slot == KVM_EXITSTAT_ALL) {
		first = 0;
		last = c->nr_slots - 1;
	} else if (slot >= c->nr_slots) {
		return;
	}
	for (i = first; i <= last; i++) {
		acc->exits += READ_ONCE(c->exits[i]);
		acc->cycles += READ_ONCE(c->cycles[i]);
	}
}

static bool is_fixed_leaf(u32 leaf)
{
	return leaf == KVM_EXITSTAT_LEAF_DISCOVERY ||
	       leaf == KVM_EXITSTAT_LEAF_REASON_EXITS64 ||
	       leaf == KVM_EXITSTAT_LEAF_TOTAL_EXITS64;
}

/* NULL if @b is usable, else why not. */
const char *kvm_exitstat_check_binding(const struct kvm_exitstat_binding *b)
{
	int i, j;

	for (i = 0; i < KVM_EXITSTAT_NR_FNS; i++) {
		u32 leaf = b->leaf[i];

		if (leaf < KVM_EXITSTAT_LEAF_MIN || leaf > KVM_EXITSTAT_LEAF_MAX)
			return "leaf outside 0x40000000-0x4fffffff";
		if (leaf >= KVM_EXITSTAT_HV_LEAF_FIRST &&
		    leaf <= KVM_EXITSTAT_HV_LEAF_LAST)
			return "leaf in 0x40000000-0x400001ff, which KVM answers itself";
		if (is_fixed_leaf(leaf))
			return "leaf 0x4ffffff0-0x4ffffff2 is a fixed kvm-exitstat leaf";
		for (j = 0; j < i; j++)
			if (b->leaf[j] == leaf)
				return "two functions bound to the same leaf";
	}
	return NULL;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parses "L0,L1,L2,L3" (hexadecimal with 0x, or decimal; one trailing
 * newline allowed, as sysfs writes have) into @b and checks it.  NULL on
 * success, else why the text was refused; @b is only written on success.
 */
const char *kvm_exitstat_parse_binding(const char *s,
				       struct kvm_exitstat_binding *b)
{
	struct kvm_exitstat_binding parsed;
	int i;

	for (i = 0; i < KVM_EXITSTAT_NR_FNS; i++) {
		unsigned int base = 10;
		u64 v = 0;
		int d, n = 0;

		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			base = 16;
			s += 2;
		}
		while ((d = hex_digit(*s)) >= 0 && d < (int)base) {
			v = v * base + d;
			if (v > U32_MAX)
				return "leaf number does not fit in 32 bits";
			s++;
			n++;
		}
		if (!n)
			return "expected four leaf numbers separated by commas";
		parsed.leaf[i] = v;
		if (i < KVM_EXITSTAT_NR_FNS - 1) {
			if (*s != ',')
				return "expected four leaf numbers separated by commas";
			s++;
		}
	}
	if (*s == '\n')
		s++;
	if (*s)
		return "expected four leaf numbers separated by commas";
	if (kvm_exitstat_check_binding(&parsed))
		return kvm_exitstat_check_binding(&parsed);
	*b = parsed;
	return NULL;
}

/* Records in the bitmap @handled that KVM has an exit handler for @reason. */
void kvm_exitstat_mark_handled(enum kvm_exitstat_vendor vendor, u64 *handled,
			       u32 reason)
{
	u32 slot = kvm_exitstat_slot(vendor, reason);

	if (kvm_exitstat_defined(vendor, reason))
		handled[slot / 64] |= 1ULL << (slot % 64);
}

static bool slot_handled(const struct kvm_exitstat_query *q, u32 slot)
{
	return q->handled[slot / 64] & (1ULL << (slot % 64));
}

static void answer_discovery(const struct kvm_exitstat_query *q, u32 sub,
			     u32 *regs)
{
	int i;

	switch (sub) {
	case KVM_EXITSTAT_DISCOVERY_ID:
		regs[KVM_EXITSTAT_EAX] = KVM_EXITSTAT_ABI_VERSION;
		regs[KVM_EXITSTAT_EBX] = KVM_EXITSTAT_SIGNATURE_EBX;
		regs[KVM_EXITSTAT_ECX] = KVM_EXITSTAT_SIGNATURE_ECX;
		regs[KVM_EXITSTAT_EDX] = KVM_EXITSTAT_SIGNATURE_EDX;
		break;
	case KVM_EXITSTAT_DISCOVERY_BINDING:
		for (i = 0; i < KVM_EXITSTAT_NR_FNS; i++)
			regs[i] = q->binding->leaf[i];
		break;
	case KVM_EXITSTAT_DISCOVERY_STATE:
		regs[KVM_EXITSTAT_EAX] = q->vendor;
		regs[KVM_EXITSTAT_EBX] = q->flags;
		break;
	default:
		regs[KVM_EXITSTAT_EDX] = KVM_EXITSTAT_UNDEFINED;
	}
}

/* Slot to sum for a per-reason query, or false with edx set. */
static bool reason_slot(const struct kvm_exitstat_query *q, u32 reason,
			u32 *slot, u32 *regs)
{
	if (!kvm_exitstat_defined(q->vendor, reason)) {
		regs[KVM_EXITSTAT_EDX] = KVM_EXITSTAT_UNDEFINED;
		return false;
	}
	*slot = kvm_exitstat_slot(q->vendor, reason);
	return slot_handled(q, *slot);
}

static int leaf_function(const struct kvm_exitstat_binding *b, u32 leaf)
{
	int i;

	for (i = 0; i < KVM_EXITSTAT_NR_FNS; i++)
		if (b->leaf[i] == leaf)
			return i;
	if (leaf == KVM_EXITSTAT_LEAF_REASON_EXITS64 ||
	    leaf == KVM_EXITSTAT_LEAF_TOTAL_EXITS64)
		return KVM_EXITSTAT_NR_FNS;
	return -1;
}

/*
 * Answers a CPUID of @leaf with ecx = @arg into @regs.  False if @leaf is
 * not a kvm-exitstat leaf (then @regs is untouched and KVM answers).
 */
bool kvm_exitstat_answer(const struct kvm_exitstat_query *q, u32 leaf,
			 u32 arg, u32 regs[KVM_EXITSTAT_NR_REGS])
{
	struct kvm_exitstat_counter sum = { 0, 0 };
	int fn = leaf_function(q->binding, leaf);
	u32 slot = KVM_EXITSTAT_ALL;
	int i;

	if (fn < 0 && leaf != KVM_EXITSTAT_LEAF_DISCOVERY)
		return false;

	for (i = 0; i < KVM_EXITSTAT_NR_REGS; i++)
		regs[i] = 0;

	if (leaf == KVM_EXITSTAT_LEAF_DISCOVERY) {
		answer_discovery(q, arg, regs);
		return true;
	}
	if (!(q->flags & KVM_EXITSTAT_F_COUNTING)) {
		regs[KVM_EXITSTAT_EDX] = KVM_EXITSTAT_NOT_COUNTING;
		return true;
	}

	if ((fn == KVM_EXITSTAT_FN_REASON_EXITS ||
	     fn == KVM_EXITSTAT_FN_REASON_CYCLES ||
	     leaf == KVM_EXITSTAT_LEAF_REASON_EXITS64) &&
	    !reason_slot(q, arg, &slot, regs))
		return true;

	q->sum(q, slot, &sum);

	switch (fn) {
	case KVM_EXITSTAT_FN_TOTAL_EXITS:
	case KVM_EXITSTAT_FN_REASON_EXITS:
		regs[KVM_EXITSTAT_EAX] = (u32)sum.exits;
		break;
	case KVM_EXITSTAT_FN_TOTAL_CYCLES:
	case KVM_EXITSTAT_FN_REASON_CYCLES:
		regs[KVM_EXITSTAT_EBX] = (u32)(sum.cycles >> 32);
		regs[KVM_EXITSTAT_ECX] = (u32)sum.cycles;
		break;
	default:	/* the 64-bit exit count leaves */
		regs[KVM_EXITSTAT_EAX] = (u32)sum.exits;
		regs[KVM_EXITSTAT_EBX] = (u32)(sum.exits >> 32);
	}
	return true;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The fake CPUID of the exitstat tests: a KVM guest whose kvm-exitstat
 * leaves are answered by the kernel's own kvm_exitstat_answer() over
 * counters the test sets.  Built with tests/unit/kshim.h like test_core.
 *
 * It can also be a machine without kvm-exitstat (bare metal or another
 * hypervisor), count the CPUID exits of the queries themselves as KVM does
 * (the exit before the answer is built, its cycles after), and answer any
 * leaf with fixed registers (to model broken hosts).
 */
#include <stdlib.h>
#include <string.h>

#include <asm/svm.h>
#include <asm/vmx.h>

#include "exitstat_core.h"
#include "cpuid_backend.h"

#define MAX_OVERRIDES	8
#define MAX_LEAVES	32

struct fake_kvm {
	struct kvm_exitstat_query q;
	struct kvm_exitstat_binding binding;
	u64 handled[KVM_EXITSTAT_HANDLED_WORDS];
	struct kvm_exitstat_counter slot[KVM_EXITSTAT_MAX_SLOTS];
	bool absent;
	const char *hv_sig;		/* NULL: no hypervisor */
	bool count_self;
	struct {
		u32 leaf, sub;
		struct cpuid_regs regs;
	} override[MAX_OVERRIDES];
	int nr_overrides;
	struct {
		u32 leaf;
		unsigned long calls;
	} seen[MAX_LEAVES];
};

static void sum(const struct kvm_exitstat_query *q, u32 slot,
		struct kvm_exitstat_counter *acc)
{
	struct fake_kvm *f = q->scope;
	u32 i, n = kvm_exitstat_nr_slots(q->vendor);

	for (i = 0; i < n; i++) {
		if (slot != KVM_EXITSTAT_ALL && slot != i)
			continue;
		acc->exits += f->slot[i].exits;
		acc->cycles += f->slot[i].cycles;
	}
}

struct fake_kvm *fake_kvm_new(int vendor)
{
	static const struct kvm_exitstat_binding def = KVM_EXITSTAT_DEFAULT_BINDING;
	struct fake_kvm *f = calloc(1, sizeof(*f));
	u32 r;

	f->binding = def;
	f->q.vendor = vendor;
	f->q.binding = &f->binding;
	f->q.handled = f->handled;
	f->q.flags = KVM_EXITSTAT_F_COUNTING;
	f->q.sum = sum;
	f->q.scope = f;
	f->hv_sig = "KVMKVMKVM\0\0\0";
	/* KVM handles every reason the manual defines */
	for (r = 0; r <= KVM_EXITSTAT_SVM_HIGH_LAST; r++)
		kvm_exitstat_mark_handled(vendor, f->handled, r);
	kvm_exitstat_mark_handled(vendor, f->handled, U32_MAX);
	kvm_exitstat_mark_handled(vendor, f->handled, U32_MAX - 1);
	return f;
}

void fake_kvm_free(struct fake_kvm *f)
{
	free(f);
}

static struct kvm_exitstat_counter *counter(struct fake_kvm *f, u32 reason)
{
	return &f->slot[kvm_exitstat_slot(f->q.vendor, reason)];
}

void fake_kvm_set(struct fake_kvm *f, u32 reason, u64 exits, u64 cycles)
{
	counter(f, reason)->exits = exits;
	counter(f, reason)->cycles = cycles;
}

void fake_kvm_add(struct fake_kvm *f, u32 reason, u64 exits, u64 cycles)
{
	counter(f, reason)->exits += exits;
	counter(f, reason)->cycles += cycles;
}

void fake_kvm_set_binding(struct fake_kvm *f, const u32 leaf[4])
{
	memcpy(f->binding.leaf, leaf, sizeof(f->binding.leaf));
}

void fake_kvm_set_flags(struct fake_kvm *f, u32 flags)
{
	f->q.flags = flags;
}

/* Not a kvm-exitstat guest; @hv_sig: the hypervisor's, NULL for none. */
void fake_kvm_set_absent(struct fake_kvm *f, const char *hv_sig)
{
	f->absent = true;
	f->hv_sig = hv_sig;
}

/*
 * Count each query as the CPUID exit it is, as KVM does: the exit when the
 * query starts, its cycles when the answer is built.  Each leaf costs its
 * own figure, so that a test sees whether the tool pairs its queries by
 * kind when it takes their cost out.
 */
void fake_kvm_count_self(struct fake_kvm *f, bool on)
{
	f->count_self = on;
}

void fake_kvm_override(struct fake_kvm *f, u32 leaf, u32 sub, u32 eax,
		       u32 ebx, u32 ecx, u32 edx)
{
	int i = f->nr_overrides++;

	f->override[i].leaf = leaf;
	f->override[i].sub = sub;
	f->override[i].regs = (struct cpuid_regs){ eax, ebx, ecx, edx };
}

unsigned long fake_kvm_calls(const struct fake_kvm *f, u32 leaf)
{
	int i;

	for (i = 0; i < MAX_LEAVES; i++)
		if (f->seen[i].calls && f->seen[i].leaf == leaf)
			return f->seen[i].calls;
	return 0;
}

static void record(struct fake_kvm *f, u32 leaf)
{
	int i;

	for (i = 0; i < MAX_LEAVES; i++) {
		if (!f->seen[i].calls || f->seen[i].leaf == leaf) {
			f->seen[i].leaf = leaf;
			f->seen[i].calls++;
			return;
		}
	}
	abort();
}

static u64 fake_kvm_query_cycles(u32 leaf)
{
	return 1000 + (leaf & 0xf);
}

static void answer(struct fake_kvm *f, u32 leaf, u32 sub,
		   struct cpuid_regs *out)
{
	u32 regs[KVM_EXITSTAT_NR_REGS];
	int i;

	for (i = 0; i < f->nr_overrides; i++) {
		if (f->override[i].leaf == leaf && f->override[i].sub == sub) {
			*out = f->override[i].regs;
			return;
		}
	}
	memset(out, 0, sizeof(*out));
	if (leaf == 1) {
		out->ecx = f->hv_sig ? 1U << 31 : 0;
		return;
	}
	if (leaf == KVM_EXITSTAT_HV_LEAF_FIRST && f->hv_sig) {
		memcpy(&out->ebx, f->hv_sig, 4);
		memcpy(&out->ecx, f->hv_sig + 4, 4);
		memcpy(&out->edx, f->hv_sig + 8, 4);
		return;
	}
	if (f->absent) {
		/* what a CPU answers for a leaf beyond its maximum */
		*out = (struct cpuid_regs){ 0x00000007, 0x00000340, 0, 0 };
		return;
	}
	if (kvm_exitstat_answer(&f->q, leaf, sub, regs)) {
		out->eax = regs[KVM_EXITSTAT_EAX];
		out->ebx = regs[KVM_EXITSTAT_EBX];
		out->ecx = regs[KVM_EXITSTAT_ECX];
		out->edx = regs[KVM_EXITSTAT_EDX];
	}
}

void fake_kvm_query(void *ctx, u32 leaf, u32 sub, struct cpuid_regs *out)
{
	struct fake_kvm *f = ctx;
	bool counted = f->count_self && !f->absent &&
		       (f->q.flags & KVM_EXITSTAT_F_COUNTING);
	u32 cpuid = f->q.vendor == KVM_EXITSTAT_VENDOR_SVM ? SVM_EXIT_CPUID :
							     EXIT_REASON_CPUID;

	record(f, leaf);
	if (counted)
		fake_kvm_add(f, cpuid, 1, 0);
	answer(f, leaf, sub, out);
	if (counted)
		fake_kvm_add(f, cpuid, 0, fake_kvm_query_cycles(leaf));
}

// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness over what a guest controls: the leaf and ecx of every
 * CPUID, in any order with VM exits between them, and the text of the
 * exitstat_leaves parameter.  It keeps its own model of the counts, keyed
 * by reason rather than by the kernel's slots, and aborts on any answer
 * that differs from the ABI header's promise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitstat_core.h"
#include "oracle.h"

#define MAX_REASONS 64

/* What the counters should say: exits and cycles per reason, in order seen. */
struct model {
	u32 reason[MAX_REASONS];
	struct kvm_exitstat_counter c[MAX_REASONS];
	int n;
	bool full;		/* more reasons than the model keeps */
	struct kvm_exitstat_counter total;
};

static struct kvm_exitstat_counter model_get(const struct model *m, u32 r)
{
	for (int i = 0; i < m->n; i++)
		if (m->reason[i] == r)
			return m->c[i];
	return (struct kvm_exitstat_counter){ 0, 0 };
}

static void model_count(struct model *m, u32 reason, u64 cycles)
{
	int i;

	m->total.exits++;
	m->total.cycles += cycles;
	for (i = 0; i < m->n && m->reason[i] != reason; i++)
		;
	if (i == MAX_REASONS) {
		m->full = true;
		return;
	}
	if (i == m->n)
		m->reason[m->n++] = reason;
	m->c[i].exits++;
	m->c[i].cycles += cycles;
}

static bool ours(const struct kvm_exitstat_binding *b, u32 leaf)
{
	for (int i = 0; i < KVM_EXITSTAT_NR_FNS; i++)
		if (b->leaf[i] == leaf)
			return true;
	return leaf == KVM_EXITSTAT_LEAF_DISCOVERY ||
	       leaf == KVM_EXITSTAT_LEAF_REASON_EXITS64 ||
	       leaf == KVM_EXITSTAT_LEAF_TOTAL_EXITS64;
}

static struct kvm_exitstat_counters *vcpu;

static void sum_one(const struct kvm_exitstat_query *q, u32 slot,
		    struct kvm_exitstat_counter *acc)
{
	(void)q;
	kvm_exitstat_accumulate(acc, vcpu, slot);
}

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond); abort(); } } while (0)

static u32 take32(const uint8_t **d, size_t *n)
{
	u32 v = 0;

	for (int i = 0; i < 4 && *n; i++, (*d)++, (*n)--)
		v |= (u32)**d << (8 * i);
	return v;
}

static void check_parse(const uint8_t *d, size_t n)
{
	char text[64];
	struct kvm_exitstat_binding b = KVM_EXITSTAT_DEFAULT_BINDING, again;

	n = n < sizeof(text) - 1 ? n : sizeof(text) - 1;
	memcpy(text, d, n);
	text[n] = 0;
	if (kvm_exitstat_parse_binding(text, &b))
		return;
	/* accepted: valid by the ABI's rules, and reprinted it parses the same */
	for (int i = 0; i < KVM_EXITSTAT_NR_FNS; i++) {
		CHECK(b.leaf[i] >= 0x40000200 && b.leaf[i] <= 0x4fffffff);
		CHECK(b.leaf[i] < 0x4ffffff0 || b.leaf[i] > 0x4ffffff2);
		for (int j = 0; j < i; j++)
			CHECK(b.leaf[i] != b.leaf[j]);
	}
	snprintf(text, sizeof(text), "%#x,%#x,%#x,%#x", b.leaf[0], b.leaf[1],
		 b.leaf[2], b.leaf[3]);
	CHECK(!kvm_exitstat_parse_binding(text, &again));
	CHECK(!memcmp(&b, &again, sizeof(b)));
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const struct kvm_exitstat_binding bindings[2] = {
		KVM_EXITSTAT_DEFAULT_BINDING,
		{ { 0x4ffffffc, 0x4ffffffd, 0x4ffffffe, 0x4fffffff } },
	};
	u64 handled[KVM_EXITSTAT_HANDLED_WORDS];
	struct model m = { .n = 0 };
	struct kvm_exitstat_query q;
	enum kvm_exitstat_vendor v;
	uint8_t mode;

	if (n < 2)
		return 0;
	mode = *d++;
	n--;
	if (mode == 0xff) {		/* the module parameter text */
		check_parse(d, n);
		return 0;
	}
	v = mode & 1 ? KVM_EXITSTAT_VENDOR_SVM : KVM_EXITSTAT_VENDOR_VMX;
	memset(handled, 0xff, sizeof(handled));
	q = (struct kvm_exitstat_query){
		.vendor = v, .binding = &bindings[(mode >> 1) & 1],
		.handled = handled, .flags = KVM_EXITSTAT_F_COUNTING,
		.sum = sum_one,
	};
	vcpu = calloc(1, sizeof(*vcpu));
	kvm_exitstat_counters_init(vcpu, kvm_exitstat_nr_slots(v));

	while (n) {
		const struct kvm_exitstat_binding *bd = q.binding;
		u32 a, b, regs[4] = { 1, 2, 3, 4 };
		struct kvm_exitstat_counter want;
		uint8_t op = *d++;

		n--;
		a = take32(&d, &n);
		if (op & 1) {		/* a VM exit of reason a, a cycles long */
			kvm_exitstat_count_exit(vcpu, kvm_exitstat_slot(v, a),
						1000, 0);
			kvm_exitstat_count_done(vcpu, 1000ULL + a);
			model_count(&m, a, a);
			continue;
		}
		b = take32(&d, &n);	/* CPUID leaf a, ecx b */
		if (!kvm_exitstat_answer(&q, a, b, regs)) {
			CHECK(!ours(bd, a));
			CHECK(regs[0] == 1 && regs[1] == 2 && regs[2] == 3 && regs[3] == 4);
			continue;
		}
		CHECK(ours(bd, a));
		if (a == KVM_EXITSTAT_LEAF_DISCOVERY)
			continue;	/* exact answers: tests/unit */
		want = a == bd->leaf[KVM_EXITSTAT_FN_TOTAL_EXITS] ||
		       a == bd->leaf[KVM_EXITSTAT_FN_TOTAL_CYCLES] ||
		       a == KVM_EXITSTAT_LEAF_TOTAL_EXITS64 ? m.total : model_get(&m, b);
		if (a == bd->leaf[KVM_EXITSTAT_FN_REASON_EXITS] ||
		    a == bd->leaf[KVM_EXITSTAT_FN_REASON_CYCLES] ||
		    a == KVM_EXITSTAT_LEAF_REASON_EXITS64) {
			if (!oracle_defines(v, b)) {
				CHECK(!regs[0] && !regs[1] && !regs[2] &&
				      regs[3] == KVM_EXITSTAT_UNDEFINED);
				continue;
			}
			if (m.full)
				continue;	/* the model lost count */
		}
		CHECK(!regs[3]);
		if (a == bd->leaf[KVM_EXITSTAT_FN_TOTAL_CYCLES] ||
		    a == bd->leaf[KVM_EXITSTAT_FN_REASON_CYCLES]) {
			CHECK(!regs[0]);
			CHECK(regs[1] == (u32)(want.cycles >> 32));
			CHECK(regs[2] == (u32)want.cycles);
		} else {
			bool wide = a == KVM_EXITSTAT_LEAF_REASON_EXITS64 ||
				    a == KVM_EXITSTAT_LEAF_TOTAL_EXITS64;

			CHECK(regs[0] == (u32)want.exits);
			CHECK(regs[1] == (wide ? (u32)(want.exits >> 32) : 0));
			CHECK(!regs[2]);
		}
	}
	free(vcpu);
	return 0;
}

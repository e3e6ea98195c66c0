// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kernel/exitstat_core.c, built in user space with cmocka.
 *
 * The vendor manuals' sets of defined reasons come from tests/fuzz/oracle.h,
 * written independently of the kernel's range tables, so that a wrong table
 * entry fails a test instead of agreeing with itself.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "exitstat_core.h"
#include "../fuzz/oracle.h"

enum { EAX, EBX, ECX, EDX };

/* ---- a fake environment: VMs made of vCPU counter blocks ---- */

#define MAX_VCPUS 4

struct fake_vm {
	int nr_vcpus;
	struct kvm_exitstat_counters *vcpu[MAX_VCPUS];
};

static struct kvm_exitstat_counters *new_counters(enum kvm_exitstat_vendor v)
{
	u32 n = kvm_exitstat_nr_slots(v);
	struct kvm_exitstat_counters *c =
		calloc(1, sizeof(*c));

	assert_non_null(c);
	kvm_exitstat_counters_init(c, n);
	return c;
}

static void free_vm(struct fake_vm *vm)
{
	for (int i = 0; i < vm->nr_vcpus; i++)
		free(vm->vcpu[i]);
	vm->nr_vcpus = 0;
}

static int sum_calls;

static void sum_vm(const struct kvm_exitstat_query *q, u32 slot,
		   struct kvm_exitstat_counter *acc)
{
	const struct fake_vm *vm = q->scope;

	sum_calls++;
	for (int i = 0; i < vm->nr_vcpus; i++)
		kvm_exitstat_accumulate(acc, vm->vcpu[i], slot);
}

static void sum_must_not_run(const struct kvm_exitstat_query *q, u32 slot,
			     struct kvm_exitstat_counter *acc)
{
	(void)q;
	(void)slot;
	(void)acc;
	fail_msg("a query that needs no counters summed them");
}

static const struct kvm_exitstat_binding default_binding =
	KVM_EXITSTAT_DEFAULT_BINDING;

static u64 all_handled[KVM_EXITSTAT_HANDLED_WORDS];

static struct kvm_exitstat_query make_query(enum kvm_exitstat_vendor v,
					    struct fake_vm *vm)
{
	struct kvm_exitstat_query q = {
		.vendor = v,
		.binding = &default_binding,
		.handled = all_handled,
		.flags = KVM_EXITSTAT_F_COUNTING,
		.sum = sum_vm,
		.scope = vm,
	};

	memset(all_handled, 0xff, sizeof(all_handled));
	return q;
}

static void ask(const struct kvm_exitstat_query *q, u32 leaf, u32 arg,
		u32 regs[4])
{
	memset(regs, 0xaa, 4 * sizeof(u32));
	assert_true(kvm_exitstat_answer(q, leaf, arg, regs));
}

static void assert_regs(const u32 regs[4], u32 eax, u32 ebx, u32 ecx, u32 edx)
{
	assert_int_equal(regs[EAX], eax);
	assert_int_equal(regs[EBX], ebx);
	assert_int_equal(regs[ECX], ecx);
	assert_int_equal(regs[EDX], edx);
}

/* Distinct, recognisable counts per slot, with cycles above 2^32. */
static u64 slot_exits(u32 slot) { return 3ULL * slot + 1; }
static u64 slot_cycles(u32 slot) { return ((u64)slot << 33) + 7 * slot + 5; }

static void fill(struct kvm_exitstat_counters *c)
{
	for (u32 s = 0; s < c->nr_slots; s++) {
		c->exits[s] = slot_exits(s);
		c->cycles[s] = slot_cycles(s);
	}
}

/* ---- reason tables and slots ---- */

static void check_reason(const struct kvm_exitstat_query *q, u32 r)
{
	u32 regs[4];

	if (!oracle_defines(q->vendor, r)) {
		ask(q, KVM_EXITSTAT_LEAF_REASON_EXITS, r, regs);
		assert_regs(regs, 0, 0, 0, KVM_EXITSTAT_UNDEFINED);
		ask(q, KVM_EXITSTAT_LEAF_REASON_CYCLES, r, regs);
		assert_regs(regs, 0, 0, 0, KVM_EXITSTAT_UNDEFINED);
		ask(q, KVM_EXITSTAT_LEAF_REASON_EXITS64, r, regs);
		assert_regs(regs, 0, 0, 0, KVM_EXITSTAT_UNDEFINED);
		return;
	}
	u32 s = kvm_exitstat_slot(q->vendor, r);
	u64 cyc = 2 * slot_cycles(s);	/* two vCPUs */

	ask(q, KVM_EXITSTAT_LEAF_REASON_EXITS, r, regs);
	assert_regs(regs, (u32)(2 * slot_exits(s)), 0, 0, 0);
	ask(q, KVM_EXITSTAT_LEAF_REASON_CYCLES, r, regs);
	assert_regs(regs, 0, (u32)(cyc >> 32), (u32)cyc, 0);
}

static void sweep(enum kvm_exitstat_vendor v)
{
	struct fake_vm vm = { 2, { new_counters(v), new_counters(v) } };
	struct kvm_exitstat_query q = make_query(v, &vm);
	u64 r;

	fill(vm.vcpu[0]);
	fill(vm.vcpu[1]);
	for (r = 0; r <= 0x1ffff; r++)			/* every 16/17-bit value */
		check_reason(&q, r);
	for (r = 0x20000; r <= 0xffffffffULL; r += 9973)	/* sampled */
		check_reason(&q, r);
	for (r = 0xffff0000ULL; r <= 0xffffffffULL; r++)	/* the top */
		check_reason(&q, r);
	free_vm(&vm);
}

static void test_vmx_reason_sweep(void **state)
{
	(void)state;
	sweep(KVM_EXITSTAT_VENDOR_VMX);
}

static void test_svm_reason_sweep(void **state)
{
	(void)state;
	sweep(KVM_EXITSTAT_VENDOR_SVM);
}

static void test_seed_undefined_reasons(void **state)
{
	struct fake_vm vm = { 1, { new_counters(KVM_EXITSTAT_VENDOR_VMX) } };
	struct kvm_exitstat_query q = make_query(KVM_EXITSTAT_VENDOR_VMX, &vm);
	const u32 undefined[] = { 35, 38, 42, 71, 82, 83, 86, 0xffff, 0xffffffff };
	u32 regs[4];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(undefined); i++) {
		ask(&q, 0x4ffffffc, undefined[i], regs);
		assert_regs(regs, 0, 0, 0, 0xffffffff);
		ask(&q, 0x4ffffffd, undefined[i], regs);
		assert_regs(regs, 0, 0, 0, 0xffffffff);
	}
	free_vm(&vm);
}

static void check_slots(enum kvm_exitstat_vendor v, u32 nr_defined)
{
	u32 n = kvm_exitstat_nr_slots(v), seen = 0;
	bool *used = calloc(n, sizeof(*used));
	u64 r;

	assert_non_null(used);
	for (r = 0; r <= 0xffffffffULL; r = r < 0x1000 ? r + 1 :
	     r < 0xfffff000ULL ? r + 0xfff : r + 1) {
		u32 s = kvm_exitstat_slot(v, r);

		assert_true(s < n);
		assert_int_equal(kvm_exitstat_defined(v, r), oracle_defines(v, r));
		if (!oracle_defines(v, r))
			continue;
		assert_true(s < n - 1);		/* never the "other" slot */
		assert_false(used[s]);		/* one slot per reason */
		used[s] = true;
		seen++;
	}
	assert_int_equal(seen, nr_defined);
	/* design.md: at most 4 KiB of counters per vCPU */
	assert_true(sizeof(struct kvm_exitstat_vcpu) <= 4096);
	free(used);
}

static void test_slots_dense_and_distinct(void **state)
{
	(void)state;
	check_slots(KVM_EXITSTAT_VENDOR_VMX, 86 - 6);
	check_slots(KVM_EXITSTAT_VENDOR_SVM, 0xa7 + 4 + 2);
	assert_int_equal(kvm_exitstat_slot(KVM_EXITSTAT_VENDOR_SVM, 0x400), 0xa7);
	assert_int_equal(kvm_exitstat_slot(KVM_EXITSTAT_VENDOR_SVM, 0xffffffff),
			 KVM_EXITSTAT_SVM_SLOTS - 2);
	assert_int_equal(kvm_exitstat_slot(KVM_EXITSTAT_VENDOR_SVM, 0xa7),
			 KVM_EXITSTAT_SVM_SLOTS - 1);
	assert_int_equal(kvm_exitstat_slot(KVM_EXITSTAT_VENDOR_VMX, 86),
			 KVM_EXITSTAT_VMX_SLOTS - 1);
	assert_int_equal(kvm_exitstat_nr_slots(KVM_EXITSTAT_VENDOR_NONE), 0);
}

static void check_slot_reason_inverse(enum kvm_exitstat_vendor v)
{
	u32 n = kvm_exitstat_nr_slots(v), reason, named = 0;

	for (u32 s = 0; s < n; s++) {
		if (!kvm_exitstat_slot_reason(v, s, &reason))
			continue;
		assert_int_equal(kvm_exitstat_slot(v, reason), s);
		named++;
	}
	assert_int_equal(named, n - 1);	/* all but the "other" slot */
	assert_false(kvm_exitstat_slot_reason(v, n - 1, &reason));
}

static void test_slot_reason_is_the_inverse(void **state)
{
	u32 reason = 0;

	(void)state;
	check_slot_reason_inverse(KVM_EXITSTAT_VENDOR_VMX);
	check_slot_reason_inverse(KVM_EXITSTAT_VENDOR_SVM);
	assert_true(kvm_exitstat_slot_reason(KVM_EXITSTAT_VENDOR_SVM, 0xa7, &reason));
	assert_int_equal(reason, 0x400);
	assert_true(kvm_exitstat_slot_reason(KVM_EXITSTAT_VENDOR_SVM,
					     KVM_EXITSTAT_SVM_SLOTS - 2, &reason));
	assert_int_equal(reason, 0xffffffff);
	assert_false(kvm_exitstat_slot_reason(KVM_EXITSTAT_VENDOR_NONE, 0, &reason));
}

/* ---- handled / unhandled ---- */

static void test_unhandled_reason_answers_zero(void **state)
{
	struct fake_vm vm = { 1, { new_counters(KVM_EXITSTAT_VENDOR_VMX) } };
	struct kvm_exitstat_query q = make_query(KVM_EXITSTAT_VENDOR_VMX, &vm);
	u64 handled[KVM_EXITSTAT_HANDLED_WORDS] = { 0 };
	/* A handler table like KVM's: CPUID, HLT, I/O, and an entry at 35. */
	const u32 has_handler[] = { 10, 12, 30, 35 };
	u32 regs[4];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(has_handler); i++)
		kvm_exitstat_mark_handled(q.vendor, handled, has_handler[i]);
	q.handled = handled;
	fill(vm.vcpu[0]);

	ask(&q, KVM_EXITSTAT_LEAF_REASON_EXITS, 12, regs);
	assert_regs(regs, slot_exits(12), 0, 0, 0);
	/* 5 (I/O SMI) is defined, counted, but KVM has no handler */
	ask(&q, KVM_EXITSTAT_LEAF_REASON_EXITS, 5, regs);
	assert_regs(regs, 0, 0, 0, 0);
	ask(&q, KVM_EXITSTAT_LEAF_REASON_CYCLES, 5, regs);
	assert_regs(regs, 0, 0, 0, 0);
	/* undefined stays undefined even where a table has an entry */
	ask(&q, KVM_EXITSTAT_LEAF_REASON_EXITS, 35, regs);
	assert_regs(regs, 0, 0, 0, KVM_EXITSTAT_UNDEFINED);
	assert_int_equal(handled[0], (1ULL << 10) | (1ULL << 12) | (1ULL << 30));
	free_vm(&vm);
}

static void test_svm_handled_high_and_negative_codes(void **state)
{
	u64 handled[KVM_EXITSTAT_HANDLED_WORDS] = { 0 };
	u32 npf = kvm_exitstat_slot(KVM_EXITSTAT_VENDOR_SVM, 0x400);
	u32 err = kvm_exitstat_slot(KVM_EXITSTAT_VENDOR_SVM, 0xffffffff);

	(void)state;
	kvm_exitstat_mark_handled(KVM_EXITSTAT_VENDOR_SVM, handled, 0x400);
	kvm_exitstat_mark_handled(KVM_EXITSTAT_VENDOR_SVM, handled, 0xffffffff);
	kvm_exitstat_mark_handled(KVM_EXITSTAT_VENDOR_SVM, handled, 0x3ff);
	assert_true(handled[npf / 64] & (1ULL << (npf % 64)));
	assert_true(handled[err / 64] & (1ULL << (err % 64)));
	int bits = 0;

	for (u32 w = 0; w < KVM_EXITSTAT_HANDLED_WORDS; w++)
		bits += __builtin_popcountll(handled[w]);
	assert_int_equal(bits, 2);
}

/* ---- totals, 64-bit splits, summing over vCPUs ---- */

static void test_totals_over_vcpus(void **state)
{
	enum kvm_exitstat_vendor v = KVM_EXITSTAT_VENDOR_SVM;
	struct fake_vm vm = { 3, { new_counters(v), new_counters(v),
				   new_counters(v) } };
	struct kvm_exitstat_query q = make_query(v, &vm);
	u32 other = KVM_EXITSTAT_SVM_SLOTS - 1, regs[4];

	(void)state;
	vm.vcpu[0]->exits[0x72] = 0xffffffffULL;	/* CPUID */
	vm.vcpu[1]->exits[0x72] = 2;
	vm.vcpu[2]->exits[other] = 5;		/* an unknown code */
	vm.vcpu[0]->cycles[0x72] = 0x123456789abcdef0ULL;
	vm.vcpu[2]->cycles[other] = 0x10;

	ask(&q, KVM_EXITSTAT_LEAF_TOTAL_EXITS, 0, regs);
	assert_regs(regs, (u32)(0xffffffffULL + 2 + 5), 0, 0, 0);
	ask(&q, KVM_EXITSTAT_LEAF_TOTAL_EXITS64, 0, regs);
	assert_regs(regs, 6, 1, 0, 0);
	ask(&q, KVM_EXITSTAT_LEAF_TOTAL_CYCLES, 0, regs);
	assert_regs(regs, 0, 0x12345678, 0x9abcdf00, 0);
	ask(&q, KVM_EXITSTAT_LEAF_REASON_EXITS, 0x72, regs);
	assert_regs(regs, 1, 0, 0, 0);		/* low 32 bits of 2^32 + 1 */
	ask(&q, KVM_EXITSTAT_LEAF_REASON_EXITS64, 0x72, regs);
	assert_regs(regs, 1, 1, 0, 0);
	ask(&q, KVM_EXITSTAT_LEAF_REASON_CYCLES, 0x72, regs);
	assert_regs(regs, 0, 0x12345678, 0x9abcdef0, 0);
	free_vm(&vm);
}

static void test_accumulate(void **state)
{
	struct kvm_exitstat_counters *c = new_counters(KVM_EXITSTAT_VENDOR_VMX);
	struct kvm_exitstat_counter acc = { 10, 20 };

	(void)state;
	fill(c);
	kvm_exitstat_accumulate(&acc, c, 12);
	assert_int_equal(acc.exits, 10 + slot_exits(12));
	assert_int_equal(acc.cycles, 20 + slot_cycles(12));
	acc = (struct kvm_exitstat_counter){ 0, 0 };
	kvm_exitstat_accumulate(&acc, c, c->nr_slots);	/* out of range */
	assert_int_equal(acc.exits, 0);
	kvm_exitstat_accumulate(&acc, c, KVM_EXITSTAT_ALL);
	u64 e = 0, y = 0;

	for (u32 s = 0; s < c->nr_slots; s++) {
		e += slot_exits(s);
		y += slot_cycles(s);
	}
	assert_int_equal(acc.exits, e);
	assert_int_equal(acc.cycles, y);
	free(c);
}

/* ---- the exit path ---- */

/* An exit at host TSC @tsc, halves as the kernel's rdtsc gives them. */
static void exit_at(struct kvm_exitstat_counters *c, u32 slot, u64 tsc)
{
	kvm_exitstat_count_exit(c, slot, (u32)tsc, (u32)(tsc >> 32));
}

static u64 total_cycles(const struct kvm_exitstat_counters *c)
{
	struct kvm_exitstat_counter acc = { 0, 0 };

	kvm_exitstat_accumulate(&acc, c, KVM_EXITSTAT_ALL);
	return acc.cycles;
}

static void assert_all_slots_zero(const struct kvm_exitstat_counters *c)
{
	for (u32 s = 0; s < c->nr_slots; s++) {
		assert_int_equal(c->exits[s], 0);
		assert_int_equal(c->cycles[s], 0);
	}
}

/* Switching counting back on drops the exit that was in flight when it
 * went off: the next done() must not bill it the time counting was off. */
static void test_forgotten_exit_is_not_billed(void **state)
{
	struct kvm_exitstat_counters *c = new_counters(KVM_EXITSTAT_VENDOR_SVM);

	(void)state;
	exit_at(c, 0x72, 1000);
	kvm_exitstat_forget_inflight(c);
	kvm_exitstat_count_done(c, 900000);
	assert_int_equal(c->exits[0x72], 1);
	assert_int_equal(total_cycles(c), 0);
	free(c);
}

static void test_exit_then_done_charges_cycles(void **state)
{
	struct kvm_exitstat_counters *c = new_counters(KVM_EXITSTAT_VENDOR_VMX);

	(void)state;
	kvm_exitstat_count_done(c, 50);		/* nothing in flight */
	assert_all_slots_zero(c);

	exit_at(c, 10, 1000);
	assert_int_equal(c->exits[10], 1);	/* counted at once */
	kvm_exitstat_count_done(c, 1250);
	assert_int_equal(c->cycles[10], 250);
	kvm_exitstat_forget_inflight(c);	/* a run with no VM exit */
	kvm_exitstat_count_done(c, 9999);
	assert_int_equal(c->cycles[10], 250);
	assert_int_equal(total_cycles(c), 250);

	/* a fastpath exit closed before re-entry, then a slow one */
	exit_at(c, 32, 2000);
	kvm_exitstat_count_done(c, 2100);
	exit_at(c, 10, 3000);
	kvm_exitstat_count_done(c, 3040);
	assert_int_equal(c->exits[32], 1);
	assert_int_equal(c->cycles[32], 100);
	assert_int_equal(c->exits[10], 2);
	assert_int_equal(c->cycles[10], 290);
	free(c);
}

/* The halves stored at the exit make one 64-bit TSC: intervals across a
 * carry into the high half, and longer than 2^32 cycles, are exact. */
static void test_cycles_are_64_bit(void **state)
{
	struct kvm_exitstat_counters *c = new_counters(KVM_EXITSTAT_VENDOR_VMX);

	(void)state;
	exit_at(c, 48, 0x1fffffff0ULL);
	kvm_exitstat_count_done(c, 0x200000010ULL);
	assert_int_equal(c->cycles[48], 0x20);
	exit_at(c, 48, 0x2fffffffbULL);
	kvm_exitstat_count_done(c, 0x700000000ULL);
	assert_int_equal(c->cycles[48], 0x20 + 0x400000005ULL);
	assert_int_equal(c->exits[48], 2);
	assert_int_equal(total_cycles(c), 0x400000025ULL);
	free(c);
}

/* A done() with no exit in flight bills the sink, which no query sees. */
static void test_sink_is_not_reported(void **state)
{
	struct kvm_exitstat_counters *c = new_counters(KVM_EXITSTAT_VENDOR_SVM);
	struct kvm_exitstat_counter acc = { 0, 0 };

	(void)state;
	exit_at(c, kvm_exitstat_svm_slot(0x400), 100);
	kvm_exitstat_count_done(c, 150);
	kvm_exitstat_forget_inflight(c);
	kvm_exitstat_count_done(c, 1000);	/* no exit in flight */
	assert_int_equal(c->cycles[KVM_EXITSTAT_SINK], 1000 - 100);
	kvm_exitstat_accumulate(&acc, c, KVM_EXITSTAT_SINK);
	assert_int_equal(acc.exits + acc.cycles, 0);
	assert_int_equal(total_cycles(c), 50);
	free(c);
}

static void test_asking_cpuid_is_counted_before_answer(void **state)
{
	struct fake_vm vm = { 1, { new_counters(KVM_EXITSTAT_VENDOR_VMX) } };
	struct kvm_exitstat_query q = make_query(KVM_EXITSTAT_VENDOR_VMX, &vm);
	u32 regs[4];

	(void)state;
	for (int i = 1; i <= 3; i++) {
		exit_at(vm.vcpu[0], 10, 100 * i);
		ask(&q, KVM_EXITSTAT_LEAF_REASON_EXITS, 10, regs);
		assert_regs(regs, i, 0, 0, 0);
		ask(&q, KVM_EXITSTAT_LEAF_TOTAL_EXITS, 0, regs);
		assert_regs(regs, i, 0, 0, 0);
		kvm_exitstat_count_done(vm.vcpu[0], 100 * i + 7);
	}
	ask(&q, KVM_EXITSTAT_LEAF_REASON_CYCLES, 10, regs);
	assert_regs(regs, 0, 0, 21, 0);
	free_vm(&vm);
}

/* ---- discovery, switches, foreign leaves ---- */

static void test_discovery(void **state)
{
	struct kvm_exitstat_query q = make_query(KVM_EXITSTAT_VENDOR_SVM, NULL);
	char sig[13] = { 0 };
	u32 regs[4];

	(void)state;
	q.sum = sum_must_not_run;
	q.flags = KVM_EXITSTAT_F_COUNTING | KVM_EXITSTAT_F_GLOBAL;
	ask(&q, KVM_EXITSTAT_LEAF_DISCOVERY, 0, regs);
	assert_int_equal(regs[EAX], KVM_EXITSTAT_ABI_VERSION);
	memcpy(sig, &regs[EBX], 4);
	memcpy(sig + 4, &regs[ECX], 4);
	memcpy(sig + 8, &regs[EDX], 4);
	assert_string_equal(sig, "KVMExitStats");
	ask(&q, KVM_EXITSTAT_LEAF_DISCOVERY, 1, regs);
	assert_regs(regs, 0x4fffffff, 0x4ffffffe, 0x4ffffffd, 0x4ffffffc);
	ask(&q, KVM_EXITSTAT_LEAF_DISCOVERY, 2, regs);
	assert_regs(regs, KVM_EXITSTAT_VENDOR_SVM, 3, 0, 0);
	ask(&q, KVM_EXITSTAT_LEAF_DISCOVERY, 3, regs);
	assert_regs(regs, 0, 0, 0, KVM_EXITSTAT_UNDEFINED);
	ask(&q, KVM_EXITSTAT_LEAF_DISCOVERY, 0xffffffff, regs);
	assert_regs(regs, 0, 0, 0, KVM_EXITSTAT_UNDEFINED);
}

static void test_not_counting(void **state)
{
	struct kvm_exitstat_query q = make_query(KVM_EXITSTAT_VENDOR_VMX, NULL);
	const u32 leaves[] = { 0x4fffffff, 0x4ffffffe, 0x4ffffffd, 0x4ffffffc,
			       0x4ffffff1, 0x4ffffff2 };
	u32 regs[4];

	(void)state;
	q.sum = sum_must_not_run;
	q.flags = 0;
	for (size_t i = 0; i < ARRAY_SIZE(leaves); i++) {
		ask(&q, leaves[i], 10, regs);
		assert_regs(regs, 0, 0, 0, KVM_EXITSTAT_NOT_COUNTING);
	}
	ask(&q, KVM_EXITSTAT_LEAF_DISCOVERY, 2, regs);
	assert_regs(regs, KVM_EXITSTAT_VENDOR_VMX, 0, 0, 0);
}

static void test_foreign_leaves_left_to_kvm(void **state)
{
	struct kvm_exitstat_query q = make_query(KVM_EXITSTAT_VENDOR_VMX, NULL);
	const u32 leaves[] = { 0, 1, 0x40000000, 0x40000001, 0x400001ff,
			       0x4ffffffb, 0x4ffffff3, 0x80000000, 0xffffffff };
	u32 regs[4] = { 1, 2, 3, 4 };

	(void)state;
	q.sum = sum_must_not_run;
	for (size_t i = 0; i < ARRAY_SIZE(leaves); i++) {
		assert_false(kvm_exitstat_answer(&q, leaves[i], 0, regs));
		assert_regs(regs, 1, 2, 3, 4);
	}
}

/* ---- the leaf binding ---- */

static void test_binding_check(void **state)
{
	static const struct {
		struct kvm_exitstat_binding b;
		const char *why;
	} cases[] = {
		{ KVM_EXITSTAT_DEFAULT_BINDING, NULL },
		{ { { 0x4ffffffc, 0x4ffffffd, 0x4ffffffe, 0x4fffffff } }, NULL },
		{ { { 0x40000200, 0x4ffffff3, 0x4ffffffb, 0x4abcdef0 } }, NULL },
		{ { { 0x3fffffff, 0x4ffffffd, 0x4ffffffe, 0x4fffffff } },
		  "leaf outside 0x40000000-0x4fffffff" },
		{ { { 0x4ffffffc, 0x50000000, 0x4ffffffe, 0x4fffffff } },
		  "leaf outside 0x40000000-0x4fffffff" },
		{ { { 0x4ffffffc, 0x4ffffffd, 0x40000000, 0x4fffffff } },
		  "leaf in 0x40000000-0x400001ff, which KVM answers itself" },
		{ { { 0x4ffffffc, 0x4ffffffd, 0x4ffffffe, 0x400001ff } },
		  "leaf in 0x40000000-0x400001ff, which KVM answers itself" },
		{ { { 0x4ffffff0, 0x4ffffffd, 0x4ffffffe, 0x4fffffff } },
		  "leaf 0x4ffffff0-0x4ffffff2 is a fixed kvm-exitstat leaf" },
		{ { { 0x4ffffffc, 0x4ffffff2, 0x4ffffffe, 0x4fffffff } },
		  "leaf 0x4ffffff0-0x4ffffff2 is a fixed kvm-exitstat leaf" },
		{ { { 0x4ffffffc, 0x4ffffffd, 0x4ffffffe, 0x4ffffffc } },
		  "two functions bound to the same leaf" },
		{ { { 0x4ffffffc, 0x4ffffffc, 0x4ffffffe, 0x4fffffff } },
		  "two functions bound to the same leaf" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *why = kvm_exitstat_check_binding(&cases[i].b);

		if (!cases[i].why)
			assert_null(why);
		else
			assert_string_equal(why, cases[i].why);
	}
}

#define FOUR "expected four leaf numbers separated by commas"

static void test_binding_parse(void **state)
{
	static const struct {
		const char *text;
		const char *why;	/* NULL: accepted, leaf[0] = 0x4ffffffc */
	} cases[] = {
		{ "0x4ffffffc,0x4ffffffd,0x4ffffffe,0x4fffffff", NULL },
		{ "0X4FFFFFFC,0x4ffffffd,0x4ffffffe,0x4fffffff\n", NULL },
		{ "1342177276,1342177277,1342177278,1342177279", NULL },
		{ "0x4ffffffc,0x4ffffffd,0x4ffffffe", FOUR },
		{ "0x4ffffffc,0x4ffffffd,0x4ffffffe,0x4fffffff,0x4ffffffb", FOUR },
		{ "0x4ffffffc,,0x4ffffffe,0x4fffffff", FOUR },
		{ "", FOUR },
		{ "0x,0x4ffffffd,0x4ffffffe,0x4fffffff", FOUR },
		{ " 0x4ffffffc,0x4ffffffd,0x4ffffffe,0x4fffffff", FOUR },
		{ "0x4ffffffc,0x4ffffffd,0x4ffffffe,0x4fffffffg", FOUR },
		{ "0x14ffffffc,0x4ffffffd,0x4ffffffe,0x4fffffff",
		  "leaf number does not fit in 32 bits" },
		{ "99999999999,0x4ffffffd,0x4ffffffe,0x4fffffff",
		  "leaf number does not fit in 32 bits" },
		{ "0x4ffffffc,0x4ffffffd,0x4ffffffe,0x4ffffffe",
		  "two functions bound to the same leaf" },
		{ "0x40000001,0x4ffffffd,0x4ffffffe,0x4fffffff",
		  "leaf in 0x40000000-0x400001ff, which KVM answers itself" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kvm_exitstat_binding b = KVM_EXITSTAT_DEFAULT_BINDING;
		const char *why = kvm_exitstat_parse_binding(cases[i].text, &b);

		if (!cases[i].why) {
			assert_null(why);
			assert_int_equal(b.leaf[0], 0x4ffffffc);
			assert_int_equal(b.leaf[3], 0x4fffffff);
		} else {
			assert_string_equal(why, cases[i].why);
			/* a refused value leaves the binding as it was */
			assert_int_equal(b.leaf[0], 0x4fffffff);
		}
	}
}

static void test_rebound_leaves_answer(void **state)
{
	/* another semester: total exits at 0x4ffffffc, cycles at ...fd, ... */
	static const struct kvm_exitstat_binding other = {
		{ 0x4ffffffc, 0x4ffffffd, 0x4ffffffe, 0x4fffffff } };
	struct fake_vm vm = { 1, { new_counters(KVM_EXITSTAT_VENDOR_VMX) } };
	struct kvm_exitstat_query q = make_query(KVM_EXITSTAT_VENDOR_VMX, &vm);
	u32 regs[4];

	(void)state;
	q.binding = &other;
	vm.vcpu[0]->exits[10] = 4;
	vm.vcpu[0]->cycles[10] = 0x500000001ULL;
	vm.vcpu[0]->exits[30] = 1;

	ask(&q, 0x4ffffffc, 0, regs);
	assert_regs(regs, 5, 0, 0, 0);
	ask(&q, 0x4ffffffd, 0, regs);
	assert_regs(regs, 0, 5, 1, 0);
	ask(&q, 0x4ffffffe, 10, regs);
	assert_regs(regs, 4, 0, 0, 0);
	ask(&q, 0x4fffffff, 10, regs);
	assert_regs(regs, 0, 5, 1, 0);
	ask(&q, 0x4ffffffe, 35, regs);
	assert_regs(regs, 0, 0, 0, KVM_EXITSTAT_UNDEFINED);
	ask(&q, KVM_EXITSTAT_LEAF_DISCOVERY, 1, regs);
	assert_regs(regs, 0x4ffffffc, 0x4ffffffd, 0x4ffffffe, 0x4fffffff);
	free_vm(&vm);
}

static void test_scope_is_the_query_callbacks(void **state)
{
	struct fake_vm a = { 1, { new_counters(KVM_EXITSTAT_VENDOR_VMX) } };
	struct fake_vm both = { 2, { a.vcpu[0],
				     new_counters(KVM_EXITSTAT_VENDOR_VMX) } };
	struct kvm_exitstat_query q = make_query(KVM_EXITSTAT_VENDOR_VMX, &a);
	u32 regs[4];

	(void)state;
	a.vcpu[0]->exits[12] = 3;
	both.vcpu[1]->exits[12] = 40;
	sum_calls = 0;
	ask(&q, KVM_EXITSTAT_LEAF_REASON_EXITS, 12, regs);
	assert_int_equal(regs[EAX], 3);
	q.scope = &both;
	q.flags |= KVM_EXITSTAT_F_GLOBAL;
	ask(&q, KVM_EXITSTAT_LEAF_REASON_EXITS, 12, regs);
	assert_int_equal(regs[EAX], 43);
	assert_int_equal(sum_calls, 2);	/* one sum per query */
	free(both.vcpu[1]);
	free_vm(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmx_reason_sweep),
		cmocka_unit_test(test_svm_reason_sweep),
		cmocka_unit_test(test_seed_undefined_reasons),
		cmocka_unit_test(test_slots_dense_and_distinct),
		cmocka_unit_test(test_slot_reason_is_the_inverse),
		cmocka_unit_test(test_unhandled_reason_answers_zero),
		cmocka_unit_test(test_svm_handled_high_and_negative_codes),
		cmocka_unit_test(test_totals_over_vcpus),
		cmocka_unit_test(test_accumulate),
		cmocka_unit_test(test_exit_then_done_charges_cycles),
		cmocka_unit_test(test_cycles_are_64_bit),
		cmocka_unit_test(test_sink_is_not_reported),
		cmocka_unit_test(test_forgotten_exit_is_not_billed),
		cmocka_unit_test(test_asking_cpuid_is_counted_before_answer),
		cmocka_unit_test(test_discovery),
		cmocka_unit_test(test_not_counting),
		cmocka_unit_test(test_foreign_leaves_left_to_kvm),
		cmocka_unit_test(test_binding_check),
		cmocka_unit_test(test_binding_parse),
		cmocka_unit_test(test_rebound_leaves_answer),
		cmocka_unit_test(test_scope_is_the_query_callbacks),
	};

	return cmocka_run_group_tests_name("exitstat core", tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-exitstat end-to-end test, written as a KVM selftest and built from the
 * lab kernel's own tools/testing/selftests/kvm.  It runs in L1 (the patched
 * kernel booted under Bochs or QEMU TCG) and checks, from inside L2 guests,
 * what the kvm-exitstat CPUID leaves answer:
 *
 *   first      the first query of a fresh VM sees exactly its own CPUID
 *   discovery  signature, ABI version, binding and state of leaf 0x4ffffff0
 *   binding    each function answers at the leaf the binding gives it
 *   cpuid      n CPUIDs give exactly n more CPUID exits; totals keep up
 *   io         n OUTs give exactly n more I/O exits; a ucall is one I/O exit
 *   io_user    time user space spends on an I/O exit is not charged
 *   msr        n RDMSR + n WRMSR of an intercepted MSR give exactly n + n
 *   hlt        n HLTs give exactly n more HLT exits (LAPIC in user space)
 *   hlt_irq    n HLTs woken by the in-kernel LAPIC timer: exactly n HLT
 *              exits, and the time blocked in HLT is not charged
 *   cycles     grow with exits, per reason <= total, plausible per exit
 *   undefined  reasons the manual does not define answer 0,0,0,0xffffffff
 *   unhandled  defined reasons KVM has no handler for answer 0,0,0,0
 *   isolation  a second VM's exits are invisible (per-VM scope) or all
 *              counted (kvm.exitstat_global=1)
 *   smp        two vCPUs of one VM running concurrently lose no exit
 *   off        kvm.exitstat_enable=0 answers "not counting"
 *   debugfs    the host's debugfs files show what the guest read
 *   stats      the vCPU's binary stats (KVM_GET_STATS_FD) hold the same,
 *              slot by slot
 *
 * The binding and scope in force are read from /sys/module/kvm/parameters,
 * so the same binary checks every module-parameter scenario; -b and -g say
 * what the scenario configured, -f that kvm.ko was just (re)loaded.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <asm/kvm_exitstat.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "apic.h"

/* The selftests library of Linux 6.12 (VM shapes) differs from 6.1's. */
#ifdef VM_SHAPE_DEFAULT
#define report_guest_assert(uc)	REPORT_GUEST_ASSERT(uc)
#else
#define report_guest_assert(uc)	REPORT_GUEST_ASSERT_2(uc, "values: %#lx, %#lx")
#endif

#define TEST_PORT	0x80		/* no in-kernel device: exits to us */
#define SLOW_PORT	0x81		/* ditto; user space sleeps on it */
#define SLOW_US		20000
#define NR_SLOW		5
#define TEST_MSR	MSR_IA32_POWER_CTL	/* intercepted, emulated by x86.c */
#define PARAM_DIR	"/sys/module/kvm/parameters/"
#define NR_OBS		64
#define TIMER_VECTOR	0xec
#define TIMER_NS	1000000		/* one-shot LAPIC timer: 1 ms */
/* The LAPIC timer's registers: apic.h has them from 6.12 on, not in 6.1 */
#ifndef APIC_TMICT
#define APIC_LVTT	0x320
#define APIC_TMICT	0x380
#define APIC_TDCR	0x3e0
#endif
#define APIC_TDR_DIV_1	0xb

/* Exit reasons of the vendor we run on (host CPUID decides). */
struct reasons {
	u32 vendor;	/* enum kvm_exitstat_vendor */
	u32 cpuid, io, hlt, rdmsr, wrmsr;
	u32 undefined[12], nr_undefined;
	u32 unhandled[4], nr_unhandled;
};

static const struct reasons vmx_reasons = {
	.vendor = KVM_EXITSTAT_VENDOR_VMX,
	/* Intel SDM Vol. 3D, Appendix C */
	.cpuid = 10, .io = 30, .hlt = 12, .rdmsr = 31, .wrmsr = 32,
	.undefined = { 35, 38, 42, 86, 0xffff, 0x10000, 0xffffffff },
	.nr_undefined = 7,
	/* I/O SMI, other SMI, PCONFIG: defined, not in kvm_vmx_exit_handlers */
	.unhandled = { 5, 6, 65 },
	.nr_unhandled = 3,
};

static const struct reasons svm_reasons = {
	.vendor = KVM_EXITSTAT_VENDOR_SVM,
	/* AMD APM Vol. 2, Appendix C; one code for RDMSR and WRMSR */
	.cpuid = 0x72, .io = 0x7b, .hlt = 0x78, .rdmsr = 0x7c, .wrmsr = 0x7c,
	.undefined = { 0xa7, 0x3ff, 0x404, 0x1000, 0x7fffffff, 0xfffffffd },
	.nr_undefined = 6,
	/* READ_CR1, RDTSC: defined, not in svm_exit_handlers */
	.unhandled = { 0x01, 0x6e },
	.nr_unhandled = 2,
};

/* What the guest needs to know; copied into each VM before it runs. */
static struct {
	struct reasons r;
	u32 leaf[KVM_EXITSTAT_NR_FNS];	/* binding in force */
	u32 n;				/* iterations per check */
	u32 sub;				/* sub-case of a guest */
} P;

/* What the guest saw; read back by the host after the guest is done. */
static u64 obs[NR_OBS];

/* Host-side options. */
static bool expect_global, expect_fresh;
static u32 expect_leaf[KVM_EXITSTAT_NR_FNS] = {
	KVM_EXITSTAT_LEAF_TOTAL_EXITS, KVM_EXITSTAT_LEAF_TOTAL_CYCLES,
	KVM_EXITSTAT_LEAF_REASON_EXITS, KVM_EXITSTAT_LEAF_REASON_CYCLES,
};

static bool is_global;

/* ---- guest side --------------------------------------------------------- */

static inline void q(u32 leaf, u32 arg, u32 r[4])
{
	__cpuid(leaf, arg, &r[0], &r[1], &r[2], &r[3]);
}

static inline u32 exits_of(u32 reason)
{
	u32 r[4];

	q(P.leaf[KVM_EXITSTAT_FN_REASON_EXITS], reason, r);
	return r[0];
}

static inline u64 cycles_of(u32 reason)
{
	u32 r[4];

	q(P.leaf[KVM_EXITSTAT_FN_REASON_CYCLES], reason, r);
	return (u64)r[1] << 32 | r[2];
}

static inline u32 total_exits(void)
{
	u32 r[4];

	q(P.leaf[KVM_EXITSTAT_FN_TOTAL_EXITS], 0, r);
	return r[0];
}

static inline u64 total_cycles(void)
{
	u32 r[4];

	q(P.leaf[KVM_EXITSTAT_FN_TOTAL_CYCLES], 0, r);
	return (u64)r[1] << 32 | r[2];
}

/* processor.h of 6.1 has outl but no outb. */
static inline void out8(u16 port, u8 v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void plain_cpuids(u32 n)
{
	u32 a, b, c, d, i;

	for (i = 0; i < n; i++)
		cpuid(0, &a, &b, &c, &d);
}

/* Stores the four registers of a query at obs[i..i+3]. */
static inline void record(int i, u32 leaf, u32 arg)
{
	u32 r[4];

	q(leaf, arg, r);
	obs[i] = r[0];
	obs[i + 1] = r[1];
	obs[i + 2] = r[2];
	obs[i + 3] = r[3];
}

static void guest_first(void)
{
	/* Must be the first CPUID this VM executes. */
	obs[0] = exits_of(P.r.cpuid);
	obs[1] = total_exits();
	GUEST_DONE();
}

/*
 * The k-th kvm-exitstat leaf (k < 7): the four bound ones, then the fixed
 * 0x4ffffff0..2.  No local array: gcc fills one with an aligned SSE store,
 * and the 6.1 library does not enter guest code with an ABI-aligned stack.
 */
static inline u32 flood_leaf(u32 k)
{
	return k < KVM_EXITSTAT_NR_FNS ? P.leaf[k] :
	       KVM_EXITSTAT_LEAF_DISCOVERY + k - KVM_EXITSTAT_NR_FNS;
}

/* n back-to-back queries of every kvm-exitstat leaf with random ecx. */
static void guest_flood(void)
{
	u32 x = 2463534242u, r[4], i;

	obs[0] = exits_of(P.r.cpuid);
	for (i = 0; i < P.n; i++) {
		x ^= x << 13;	/* xorshift32 */
		x ^= x >> 17;
		x ^= x << 5;
		q(flood_leaf(x % (KVM_EXITSTAT_NR_FNS + 3)), x ^ (x >> 7), r);
	}
	obs[1] = exits_of(P.r.cpuid);
	GUEST_DONE();
}

/* n CPUIDs, then what the guest reads; the host compares its debugfs. */
static void guest_debugfs(void)
{
	plain_cpuids(P.n);
	obs[0] = exits_of(P.r.cpuid);
	obs[1] = total_exits();
	GUEST_SYNC(0);
	GUEST_DONE();
}

static void guest_discovery(void)
{
	record(0, KVM_EXITSTAT_LEAF_DISCOVERY, KVM_EXITSTAT_DISCOVERY_ID);
	record(4, KVM_EXITSTAT_LEAF_DISCOVERY, KVM_EXITSTAT_DISCOVERY_BINDING);
	record(8, KVM_EXITSTAT_LEAF_DISCOVERY, KVM_EXITSTAT_DISCOVERY_STATE);
	record(12, KVM_EXITSTAT_LEAF_DISCOVERY, 3);
	record(16, KVM_EXITSTAT_LEAF_DISCOVERY, 0xffffffff);
	GUEST_DONE();
}

static void guest_binding(void)
{
	u32 a, b;

	/* Per-reason exits: the asking CPUID makes each answer one larger. */
	a = exits_of(P.r.cpuid);
	b = exits_of(P.r.cpuid);
	GUEST_ASSERT_EQ(b, a + 1);
	/* Totals ignore ecx, so an undefined reason is no error there. */
	record(0, P.leaf[KVM_EXITSTAT_FN_TOTAL_EXITS], P.r.undefined[0]);
	record(4, P.leaf[KVM_EXITSTAT_FN_TOTAL_CYCLES], P.r.undefined[0]);
	/* Per-reason leaves refuse it. */
	record(8, P.leaf[KVM_EXITSTAT_FN_REASON_EXITS], P.r.undefined[0]);
	record(12, P.leaf[KVM_EXITSTAT_FN_REASON_CYCLES], P.r.undefined[0]);
	record(16, P.leaf[KVM_EXITSTAT_FN_REASON_CYCLES], P.r.cpuid);
	GUEST_DONE();
}

static void guest_cpuid(void)
{
	u32 c1, c2, t1, t2, i, prev;
	u32 r[4];

	c1 = exits_of(P.r.cpuid);
	t1 = total_exits();
	plain_cpuids(P.n);
	t2 = total_exits();
	c2 = exits_of(P.r.cpuid);
	obs[0] = c1;
	obs[1] = c2;
	obs[2] = t1;
	obs[3] = t2;

	/* Back-to-back queries: each sees exactly its own exit more. */
	prev = exits_of(P.r.cpuid);
	for (i = 0; i < 5; i++) {
		u32 now = exits_of(P.r.cpuid);

		GUEST_ASSERT_EQ(now, prev + 1);
		prev = now;
	}

	/* The 64-bit leaves agree with the 32-bit ones. */
	c1 = exits_of(P.r.cpuid);
	q(KVM_EXITSTAT_LEAF_REASON_EXITS64, P.r.cpuid, r);
	obs[4] = c1;
	obs[5] = r[0];
	obs[6] = r[1];
	obs[7] = r[3];
	t1 = total_exits();
	q(KVM_EXITSTAT_LEAF_TOTAL_EXITS64, 0, r);
	obs[8] = t1;
	obs[9] = r[0];
	obs[10] = r[1];
	GUEST_DONE();
}

static void guest_io(void)
{
	u32 i;

	obs[0] = exits_of(P.r.io);
	for (i = 0; i < P.n; i++)
		out8(TEST_PORT, (u8)i);
	obs[1] = exits_of(P.r.io);
	/* One ucall between two queries. */
	obs[2] = exits_of(P.r.io);
	GUEST_SYNC(1);
	obs[3] = exits_of(P.r.io);
	GUEST_DONE();
}

static void guest_io_user(void)
{
	u64 t;
	u32 i;

	obs[0] = cycles_of(P.r.io);
	t = rdtsc();
	for (i = 0; i < NR_SLOW; i++)
		out8(SLOW_PORT, 0);
	obs[2] = rdtsc() - t;
	obs[1] = cycles_of(P.r.io);
	GUEST_DONE();
}

static void guest_msr(void)
{
	u64 v = rdmsr(TEST_MSR);
	u32 i;

	obs[0] = exits_of(P.r.rdmsr);
	obs[1] = exits_of(P.r.wrmsr);
	for (i = 0; i < P.n; i++)
		v = rdmsr(TEST_MSR);
	for (i = 0; i < P.n; i++)
		wrmsr(TEST_MSR, v);
	obs[2] = exits_of(P.r.rdmsr);
	obs[3] = exits_of(P.r.wrmsr);
	GUEST_DONE();
}

static void guest_hlt(void)
{
	u32 i;

	obs[0] = exits_of(P.r.hlt);
	for (i = 0; i < P.n; i++)
		asm volatile("hlt");
	obs[1] = exits_of(P.r.hlt);
	GUEST_DONE();
}

static void guest_timer_handler(struct ex_regs *regs)
{
	x2apic_write_reg(APIC_EOI, 0);
}

static void guest_hlt_irq(void)
{
	u64 blocked = 0, t;
	u32 i;

	x2apic_enable();
	x2apic_write_reg(APIC_TDCR, APIC_TDR_DIV_1);
	x2apic_write_reg(APIC_LVTT, TIMER_VECTOR);	/* one-shot */
	obs[0] = exits_of(P.r.hlt);
	obs[1] = cycles_of(P.r.hlt);
	for (i = 0; i < P.n; i++) {
		/* KVM's LAPIC counts 1 ns per tick at divide-by-1. */
		x2apic_write_reg(APIC_TMICT, TIMER_NS);
		t = rdtsc();
		/* STI's shadow covers HLT: the interrupt can only wake it. */
		asm volatile("sti; hlt; cli" : : : "memory");
		blocked += rdtsc() - t;
	}
	obs[2] = exits_of(P.r.hlt);
	obs[3] = cycles_of(P.r.hlt);
	obs[4] = blocked;
	GUEST_DONE();
}

static void guest_cycles(void)
{
	obs[0] = cycles_of(P.r.cpuid);
	obs[1] = total_cycles();
	plain_cpuids(P.n);
	obs[2] = cycles_of(P.r.cpuid);
	obs[3] = total_cycles();
	obs[4] = exits_of(P.r.cpuid);
	GUEST_DONE();
}

static void guest_reasons(void)
{
	const u32 *list = P.sub ? P.r.unhandled : P.r.undefined;
	u32 nr = P.sub ? P.r.nr_unhandled : P.r.nr_undefined, i;

	for (i = 0; i < nr; i++) {
		record(i * 8, P.leaf[KVM_EXITSTAT_FN_REASON_EXITS], list[i]);
		record(i * 8 + 4, P.leaf[KVM_EXITSTAT_FN_REASON_CYCLES], list[i]);
	}
	GUEST_DONE();
}

/* VM A of the isolation test: one query before, one after VM B ran. */
static void guest_isolation_a(void)
{
	obs[0] = exits_of(P.r.cpuid);
	GUEST_SYNC(1);
	obs[1] = exits_of(P.r.cpuid);
	GUEST_DONE();
}

/* VM B: n CPUIDs and one query of its own. */
static void guest_isolation_b(void)
{
	plain_cpuids(P.n);
	obs[0] = exits_of(P.r.cpuid);
	GUEST_DONE();
}

static void guest_smp(u32 id)
{
	plain_cpuids(P.n);
	if (id == 0) {
		/* Wait here until the host has seen vCPU 1 finish. */
		GUEST_SYNC(1);
		obs[0] = exits_of(P.r.cpuid);
	}
	GUEST_DONE();
}

static void guest_off(void)
{
	record(0, P.leaf[KVM_EXITSTAT_FN_TOTAL_EXITS], 0);
	record(4, P.leaf[KVM_EXITSTAT_FN_REASON_EXITS], P.r.cpuid);
	record(8, KVM_EXITSTAT_LEAF_DISCOVERY, KVM_EXITSTAT_DISCOVERY_STATE);
	GUEST_SYNC(1);		/* the host switches counting back on */
	obs[12] = exits_of(P.r.cpuid);
	obs[13] = exits_of(P.r.cpuid);
	GUEST_DONE();
}

/* ---- host side ---------------------------------------------------------- */

struct exit_tally {
	u64 port_io;	/* OUTs to TEST_PORT seen in user space */
	u64 hlt;		/* KVM_EXIT_HLT (no in-kernel LAPIC) */
};

/*
 * Runs @vcpu to its next ucall.  Exits the guest causes on purpose (OUT to
 * TEST_PORT, HLT without an in-kernel LAPIC) are tallied and resumed; a
 * guest assertion fails the test with the guest's values.
 */
static u64 run_to_ucall(struct kvm_vcpu *vcpu, struct exit_tally *t)
{
	struct kvm_run *run = vcpu->run;
	struct ucall uc;

	for (;;) {
		vcpu_run(vcpu);
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == TEST_PORT) {
			if (t)
				t->port_io++;
			continue;
		}
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == SLOW_PORT) {
			usleep(SLOW_US);
			continue;
		}
		if (run->exit_reason == KVM_EXIT_HLT) {
			if (t)
				t->hlt++;
			continue;
		}
		TEST_ASSERT(run->exit_reason == KVM_EXIT_IO,
			    "Expected a ucall (KVM_EXIT_IO), got exit %u (%s)",
			    run->exit_reason, exit_reason_str(run->exit_reason));
		switch (get_ucall(vcpu, &uc)) {
		case UCALL_SYNC:
		case UCALL_DONE:
			return uc.cmd;
		case UCALL_ABORT:
			report_guest_assert(uc);
		default:
			TEST_FAIL("Unexpected ucall %lu", uc.cmd);
		}
	}
}

static void run_to_done(struct kvm_vcpu *vcpu, struct exit_tally *t)
{
	u64 cmd = run_to_ucall(vcpu, t);

	TEST_ASSERT(cmd == UCALL_DONE, "Expected the guest to finish, got ucall %lu",
		    cmd);
}

static struct kvm_vm *new_vm(struct kvm_vcpu **vcpu, void *guest_code)
{
	struct kvm_vm *vm = vm_create_with_one_vcpu(vcpu, guest_code);

	sync_global_to_guest(vm, P);
	return vm;
}

#ifdef VM_SHAPE_DEFAULT
#define host_is_intel()	host_cpu_is_intel
#define host_is_amd()	host_cpu_is_amd

/* 6.12 sets up the guest's IDT when it creates the VM and the vCPU. */
static void init_descriptor_tables(struct kvm_vm *vm, struct kvm_vcpu *vcpu)
{
}

/*
 * Linux 6.12's library: ____vm_create() only makes the VM, and __vm_create()
 * always adds an irqchip, so do what the latter does, minus the irqchip.
 */
static struct kvm_vm *create_vm_without_irqchip(void)
{
	struct kvm_vm *vm = ____vm_create(VM_SHAPE_DEFAULT);
	struct userspace_mem_region *slot0;
	int i;

	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, 0, 0,
				    vm_adjust_num_guest_pages(VM_MODE_DEFAULT, 1024), 0);
	for (i = 0; i < NR_MEM_REGIONS; i++)
		vm->memslots[i] = 0;
	kvm_vm_elf_load(vm, program_invocation_name);
	slot0 = memslot2region(vm, 0);
	ucall_init(vm, slot0->region.guest_phys_addr + slot0->region.memory_size);
	sync_global_to_guest(vm, host_cpu_is_intel);
	sync_global_to_guest(vm, host_cpu_is_amd);
	return vm;
}
#else
#define host_is_intel()	is_intel_cpu()
#define host_is_amd()	is_amd_cpu()

static void init_descriptor_tables(struct kvm_vm *vm, struct kvm_vcpu *vcpu)
{
	vm_init_descriptor_tables(vm);
	vcpu_init_descriptor_tables(vcpu);
}

/* Linux 6.1's library: ____vm_create() makes the VM and its memory. */
static struct kvm_vm *create_vm_without_irqchip(void)
{
	struct kvm_vm *vm = ____vm_create(VM_MODE_DEFAULT,
			vm_adjust_num_guest_pages(VM_MODE_DEFAULT, 1024));

	kvm_vm_elf_load(vm, program_invocation_name);
	return vm;
}
#endif

/* A VM whose LAPIC is in user space, so that HLT exits to us. */
static struct kvm_vm *new_vm_no_irqchip(struct kvm_vcpu **vcpu, void *guest_code)
{
	struct kvm_vm *vm = create_vm_without_irqchip();

	*vcpu = vm_vcpu_add(vm, 0, guest_code);
	sync_global_to_guest(vm, P);
	return vm;
}

/* Runs @guest_code to completion in a fresh VM and fetches what it saw. */
static void run_guest(void *guest_code, struct exit_tally *t)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = new_vm(&vcpu, guest_code);

	run_to_done(vcpu, t);
	sync_global_from_guest(vm, obs);
	kvm_vm_free(vm);
}

static void assert_regs(int i, u32 a, u32 b, u32 c, u32 d,
			const char *what)
{
	TEST_ASSERT(obs[i] == a && obs[i + 1] == b && obs[i + 2] == c &&
		    obs[i + 3] == d,
		    "%s: expected eax=%#x ebx=%#x ecx=%#x edx=%#x, got eax=%#lx ebx=%#lx ecx=%#lx edx=%#lx",
		    what, a, b, c, d, obs[i], obs[i + 1], obs[i + 2], obs[i + 3]);
}

static void test_first(void)
{
	run_guest(guest_first, NULL);
	if (!is_global || expect_fresh)
		TEST_ASSERT(obs[0] == 1,
			    "Expected the first CPUID-exit query of a fresh VM%s to answer 1 (itself), got %lu",
			    is_global ? " after kvm.ko was loaded" : "", obs[0]);
	else
		TEST_ASSERT(obs[0] >= 1, "Expected >= 1 CPUID exit, got %lu", obs[0]);
	TEST_ASSERT(obs[1] >= obs[0] + 1,
		    "Expected total exits (%lu) > CPUID exits (%lu) after two queries",
		    obs[1], obs[0]);
	pr_info("# first query: %lu CPUID exit(s), total %lu\n", obs[0], obs[1]);
}

static void test_flood(void)
{
	run_guest(guest_flood, NULL);
	TEST_ASSERT(obs[1] - obs[0] == P.n + 1,
		    "Expected exactly %u more CPUID exits after %u random queries + 1, got %lu (%lu -> %lu)",
		    P.n + 1, P.n, obs[1] - obs[0], obs[0], obs[1]);
	pr_info("# %u random queries: CPUID exits %lu -> %lu\n", P.n, obs[0], obs[1]);
}

/* Exits and cycles of @reason ("total" for the total line) in a debugfs file. */
static bool debugfs_row(const char *path, const char *reason, u64 *exits)
{
	char line[256], name[64], key[32];
	u64 e, c;
	bool found = false;
	FILE *f = fopen(path, "r");

	TEST_ASSERT(f, "Expected the host view %s to exist", path);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%31s %63s %lu %lu", key, name, &e, &c) == 4 &&
		    !strcmp(key, reason)) {
			*exits = e;
			found = true;
		}
	fclose(f);
	return found;
}

static void test_debugfs(void)
{
	char dir[64], path[96], reason[16];
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = new_vm(&vcpu, guest_debugfs);
	u64 cpuid, total, v_cpuid, v_total, g_total;

	TEST_ASSERT(run_to_ucall(vcpu, NULL) == UCALL_SYNC, "Expected the guest's GUEST_SYNC");
	sync_global_from_guest(vm, obs);
	snprintf(dir, sizeof(dir), "/sys/kernel/debug/kvm/%d-%d", getpid(), vm->fd);
	snprintf(reason, sizeof(reason), "%u", P.r.cpuid);

	/*
	 * Since the guest read: one more CPUID (its total-exits query), and
	 * its GUEST_SYNC plus whatever interrupts or faults came in between.
	 */
	snprintf(path, sizeof(path), "%s/exitstat", dir);
	TEST_ASSERT(debugfs_row(path, reason, &cpuid) && debugfs_row(path, "total", &total),
		    "Expected CPUID and total rows in %s", path);
	TEST_ASSERT(cpuid == obs[0] + 1 && total >= obs[1] + 1,
		    "Expected %s to show CPUID exits %lu and total >= %lu (the guest read %lu, %lu), got %lu, %lu",
		    path, obs[0] + 1, obs[1] + 1, obs[0], obs[1], cpuid, total);
	snprintf(path, sizeof(path), "%s/vcpu0/exitstat", dir);
	TEST_ASSERT(debugfs_row(path, reason, &v_cpuid) && debugfs_row(path, "total", &v_total) &&
		    v_cpuid == cpuid && v_total == total,
		    "Expected %s (the VM's only vCPU) to equal the VM's file", path);
	TEST_ASSERT(debugfs_row("/sys/kernel/debug/kvm/exitstat", "total", &g_total) &&
		    g_total >= total,
		    "Expected the global file's total >= this VM's %lu", total);
	run_to_done(vcpu, NULL);
	kvm_vm_free(vm);
	pr_info("# debugfs: CPUID %lu, total %lu (guest read %lu, %lu); global total %lu\n",
		cpuid, total, obs[0], obs[1], g_total);
}

/* One of our arrays in the vCPU's binary stats: its descriptor and values. */
static void stats_array(int fd, struct kvm_stats_header *h, struct kvm_stats_desc *descs,
			const char *name, u32 unit, u64 *data, u32 *offset)
{
	struct kvm_stats_desc *d;
	u32 i, flags = KVM_STATS_TYPE_CUMULATIVE | unit | KVM_STATS_BASE_POW10;

	for (i = 0; i < h->num_desc; i++) {
		d = get_stats_descriptor(descs, i, h);
		if (strcmp(d->name, name))
			continue;
		TEST_ASSERT(d->flags == flags && d->exponent == 0 &&
			    d->size == KVM_EXITSTAT_STATS_SLOTS && d->bucket_size == 0,
			    "Expected %s: flags %#x, exponent 0, size %u, bucket_size 0; got %#x, %d, %u, %u",
			    name, flags, KVM_EXITSTAT_STATS_SLOTS, d->flags, d->exponent,
			    d->size, d->bucket_size);
		read_stat_data(fd, h, d, data, KVM_EXITSTAT_STATS_SLOTS);
		*offset = d->offset;
		return;
	}
	TEST_FAIL("Expected a vCPU stats descriptor named %s", name);
}

/*
 * n CPUIDs; then the vCPU's binary stats hold, slot by slot, what the
 * guest read and what the vCPU's debugfs file shows (rows of the slots
 * with exits, in slot order, then the total).
 */
static void test_stats(void)
{
	char path[96], line[256], key[32], name[64];
	u64 exits[KVM_EXITSTAT_STATS_SLOTS], cycles[KVM_EXITSTAT_STATS_SLOTS];
	u64 e, c, sum_e = 0, sum_c = 0;
	u32 off_e, off_c, slot = 0, rows = 0;
	struct kvm_stats_header h;
	struct kvm_stats_desc *descs;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = new_vm(&vcpu, guest_debugfs);
	unsigned char piece[3];
	int fd;
	FILE *f;

	TEST_ASSERT(run_to_ucall(vcpu, NULL) == UCALL_SYNC, "Expected the guest's GUEST_SYNC");
	sync_global_from_guest(vm, obs);
	fd = vcpu_get_stats_fd(vcpu);
	read_stats_header(fd, &h);
	descs = read_stats_descriptors(fd, &h);
	stats_array(fd, &h, descs, KVM_EXITSTAT_STATS_EXITS, KVM_STATS_UNIT_NONE,
		    exits, &off_e);
	stats_array(fd, &h, descs, KVM_EXITSTAT_STATS_CYCLES, KVM_STATS_UNIT_CYCLES,
		    cycles, &off_c);
	/* The guest's query of total exits was one more CPUID exit. */
	TEST_ASSERT(exits[P.r.cpuid] == obs[0] + 1 && cycles[P.r.cpuid] > 0,
		    "Expected %s[%u] = %lu (the guest read %lu, then asked once more) and cycles > 0, got %lu, %lu",
		    KVM_EXITSTAT_STATS_EXITS, P.r.cpuid, obs[0] + 1, obs[0],
		    exits[P.r.cpuid], cycles[P.r.cpuid]);
	/* A read that starts inside one value and ends in the next. */
	TEST_ASSERT(pread(fd, piece, sizeof(piece),
			  h.data_offset + off_e + 8 * P.r.cpuid + 6) == 3 &&
		    piece[0] == (u8)(exits[P.r.cpuid] >> 48) &&
		    piece[2] == (u8)(exits[P.r.cpuid + 1] >> 8),
		    "Expected a 3-byte read across values %u and %u to return their bytes",
		    P.r.cpuid, P.r.cpuid + 1);

	snprintf(path, sizeof(path), "/sys/kernel/debug/kvm/%d-%d/vcpu0/exitstat",
		 getpid(), vm->fd);
	f = fopen(path, "r");
	TEST_ASSERT(f, "Expected the host view %s to exist", path);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %63s %lu %lu", key, name, &e, &c) != 4)
			continue;
		if (!strcmp(key, "total")) {
			for (; slot < KVM_EXITSTAT_STATS_SLOTS; slot++) {
				TEST_ASSERT(!exits[slot], "Expected a row in %s for slot %u",
					    path, slot);
				sum_c += cycles[slot];
			}
			TEST_ASSERT(e == sum_e && c == sum_c,
				    "Expected the stats to sum to %s's total %lu %lu, got %lu %lu",
				    path, e, c, sum_e, sum_c);
			continue;
		}
		while (slot < KVM_EXITSTAT_STATS_SLOTS && !exits[slot]) {
			sum_c += cycles[slot];
			slot++;
		}
		TEST_ASSERT(slot < KVM_EXITSTAT_STATS_SLOTS &&
			    exits[slot] == e && cycles[slot] == c,
			    "Expected slot %u of the stats to be %s's row '%s', got %lu %lu",
			    slot, path, line, exits[slot], cycles[slot]);
		sum_e += e;
		sum_c += c;
		slot++;
		rows++;
	}
	fclose(f);
	TEST_ASSERT(slot == KVM_EXITSTAT_STATS_SLOTS && rows > 0,
		    "Expected %s to end with a total line after its rows", path);
	free(descs);
	close(fd);
	run_to_done(vcpu, NULL);
	kvm_vm_free(vm);
	pr_info("# stats: %u slots with exits, as in debugfs; CPUID exits %lu (guest read %lu)\n",
		rows, exits[P.r.cpuid], obs[0]);
}

static void test_discovery(void)
{
	u32 flags = KVM_EXITSTAT_F_COUNTING |
			 (expect_global ? KVM_EXITSTAT_F_GLOBAL : 0);

	run_guest(guest_discovery, NULL);
	assert_regs(0, KVM_EXITSTAT_ABI_VERSION, KVM_EXITSTAT_SIGNATURE_EBX,
		    KVM_EXITSTAT_SIGNATURE_ECX, KVM_EXITSTAT_SIGNATURE_EDX,
		    "discovery 0x4ffffff0.0 (version, \"KVMExitStats\")");
	assert_regs(4, expect_leaf[0], expect_leaf[1], expect_leaf[2],
		    expect_leaf[3], "discovery 0x4ffffff0.1 (binding)");
	assert_regs(8, P.r.vendor, flags, 0, 0,
		    "discovery 0x4ffffff0.2 (vendor, flags)");
	assert_regs(12, 0, 0, 0, KVM_EXITSTAT_UNDEFINED,
		    "discovery 0x4ffffff0.3 (undefined sub-leaf)");
	assert_regs(16, 0, 0, 0, KVM_EXITSTAT_UNDEFINED,
		    "discovery 0x4ffffff0.0xffffffff (undefined sub-leaf)");
	pr_info("# binding %#x,%#x,%#x,%#x vendor %u flags %#lx\n",
		(u32)obs[4], (u32)obs[5], (u32)obs[6],
		(u32)obs[7], (u32)obs[8], obs[9]);
}

static void test_binding(void)
{
	char what[96];

	run_guest(guest_binding, NULL);
	TEST_ASSERT(obs[0] > 0 && obs[1] == 0 && obs[2] == 0 && obs[3] == 0,
		    "TOTAL_EXITS at %#x: expected eax > 0 and ebx=ecx=edx=0 whatever ecx is, got %#lx %#lx %#lx %#lx",
		    P.leaf[0], obs[0], obs[1], obs[2], obs[3]);
	TEST_ASSERT(obs[4] == 0 && (obs[5] || obs[6]) && obs[7] == 0,
		    "TOTAL_CYCLES at %#x: expected eax=0, ebx:ecx > 0, edx=0, got %#lx %#lx %#lx %#lx",
		    P.leaf[1], obs[4], obs[5], obs[6], obs[7]);
	snprintf(what, sizeof(what), "REASON_EXITS at %#x of undefined reason %#x",
		 P.leaf[2], P.r.undefined[0]);
	assert_regs(8, 0, 0, 0, KVM_EXITSTAT_UNDEFINED, what);
	snprintf(what, sizeof(what), "REASON_CYCLES at %#x of undefined reason %#x",
		 P.leaf[3], P.r.undefined[0]);
	assert_regs(12, 0, 0, 0, KVM_EXITSTAT_UNDEFINED, what);
	TEST_ASSERT(obs[16] == 0 && (obs[17] || obs[18]) && obs[19] == 0,
		    "REASON_CYCLES of CPUID at %#x: expected eax=0, ebx:ecx > 0, edx=0, got %#lx %#lx %#lx %#lx",
		    P.leaf[3], obs[16], obs[17], obs[18], obs[19]);
}

static void test_cpuid(void)
{
	run_guest(guest_cpuid, NULL);
	/* n plain CPUIDs, two total-exits queries and the second query */
	TEST_ASSERT(obs[1] - obs[0] == P.n + 3,
		    "Expected exactly %u more CPUID exits (%u CPUIDs + 3 queries), got %lu (%lu -> %lu)",
		    P.n + 3, P.n, obs[1] - obs[0], obs[0], obs[1]);
	TEST_ASSERT(obs[3] - obs[2] >= P.n + 1,
		    "Expected total exits to grow by >= %u (CPUIDs + 1 query), got %lu (%lu -> %lu)",
		    P.n + 1, obs[3] - obs[2], obs[2], obs[3]);
	TEST_ASSERT(obs[5] == obs[4] + 1 && obs[6] == 0 && obs[7] == 0,
		    "Expected 0x4ffffff1 to answer eax=%lu ebx=0 edx=0 after 32-bit %lu, got eax=%lu ebx=%lu edx=%#lx",
		    obs[4] + 1, obs[4], obs[5], obs[6], obs[7]);
	TEST_ASSERT(obs[9] >= obs[8] + 1 && obs[10] == 0,
		    "Expected 0x4ffffff2 to answer > %lu with ebx=0, got eax=%lu ebx=%lu",
		    obs[8], obs[9], obs[10]);
	pr_info("# %u CPUIDs: CPUID exits %lu -> %lu, total exits %lu -> %lu\n",
		P.n, obs[0], obs[1], obs[2], obs[3]);
}

static void test_io(void)
{
	struct exit_tally t = {};
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = new_vm(&vcpu, guest_io);

	TEST_ASSERT(run_to_ucall(vcpu, &t) == UCALL_SYNC, "Expected the guest's GUEST_SYNC");
	run_to_done(vcpu, &t);
	sync_global_from_guest(vm, obs);
	kvm_vm_free(vm);
	/* n OUTs; the second query is a CPUID, not I/O */
	TEST_ASSERT(obs[1] - obs[0] == P.n,
		    "Expected exactly %u more I/O exits after %u OUTs, got %lu (%lu -> %lu)",
		    P.n, P.n, obs[1] - obs[0], obs[0], obs[1]);
	TEST_ASSERT(t.port_io == P.n,
		    "Expected user space to see %u OUTs to port %#x, saw %lu",
		    P.n, TEST_PORT, t.port_io);
	TEST_ASSERT(obs[3] - obs[2] == 1,
		    "Expected a GUEST_SYNC ucall to be exactly 1 I/O exit, got %lu (%lu -> %lu)",
		    obs[3] - obs[2], obs[2], obs[3]);
	pr_info("# %u OUTs: I/O exits %lu -> %lu; one ucall: %lu -> %lu\n",
		P.n, obs[0], obs[1], obs[2], obs[3]);
}

static void test_io_user(void)
{
	u64 charged;

	run_guest(guest_io_user, NULL);
	/* The first query's exit and the slow OUTs, charged by the second. */
	charged = obs[1] - obs[0];
	TEST_ASSERT(charged > 0 && charged < obs[2] / 2,
		    "Expected I/O cycles (%lu for %u OUTs that user space slept %u us on) > 0 and well below the %lu TSC cycles the guest waited: user-space time charged?",
		    charged, NR_SLOW, SLOW_US, obs[2]);
	pr_info("# %u OUTs handled in user space (%u us each): charged %lu cycles, guest waited %lu\n",
		NR_SLOW, SLOW_US, charged, obs[2]);
}

static void test_msr(void)
{
	u64 want_rd = P.n, want_wr = P.n;

	run_guest(guest_msr, NULL);
	if (P.r.rdmsr == P.r.wrmsr) {	/* AMD: one exit code for both */
		want_rd = 2 * P.n;
		want_wr = want_rd;
	}
	TEST_ASSERT(obs[2] - obs[0] == want_rd,
		    "Expected exactly %lu more RDMSR exits (reason %u) after %u RDMSR + %u WRMSR of %#x, got %lu (%lu -> %lu)",
		    want_rd, P.r.rdmsr, P.n, P.n, TEST_MSR, obs[2] - obs[0], obs[0], obs[2]);
	TEST_ASSERT(obs[3] - obs[1] == want_wr,
		    "Expected exactly %lu more WRMSR exits (reason %u) after %u RDMSR + %u WRMSR of %#x, got %lu (%lu -> %lu)",
		    want_wr, P.r.wrmsr, P.n, P.n, TEST_MSR, obs[3] - obs[1], obs[1], obs[3]);
	pr_info("# %u RDMSR + %u WRMSR: reason %#x %lu -> %lu, reason %#x %lu -> %lu\n",
		P.n, P.n, P.r.rdmsr, obs[0], obs[2], P.r.wrmsr, obs[1], obs[3]);
}

static void test_hlt(void)
{
	struct exit_tally t = {};
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = new_vm_no_irqchip(&vcpu, guest_hlt);

	run_to_done(vcpu, &t);
	sync_global_from_guest(vm, obs);
	kvm_vm_free(vm);
	TEST_ASSERT(obs[1] - obs[0] == P.n,
		    "Expected exactly %u more HLT exits after %u HLTs, got %lu (%lu -> %lu)",
		    P.n, P.n, obs[1] - obs[0], obs[0], obs[1]);
	TEST_ASSERT(t.hlt == P.n, "Expected user space to see %u KVM_EXIT_HLT, saw %lu",
		    P.n, t.hlt);
	pr_info("# %u HLTs: HLT exits %lu -> %lu\n", P.n, obs[0], obs[1]);
}

static void test_hlt_irq(void)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = new_vm(&vcpu, guest_hlt_irq);
	u64 charged;

	init_descriptor_tables(vm, vcpu);
	vm_install_exception_handler(vm, TIMER_VECTOR, guest_timer_handler);
	run_to_done(vcpu, NULL);
	sync_global_from_guest(vm, obs);
	kvm_vm_free(vm);
	TEST_ASSERT(obs[2] - obs[0] == P.n,
		    "Expected exactly %u more HLT exits after %u timer-woken HLTs, got %lu (%lu -> %lu)",
		    P.n, P.n, obs[2] - obs[0], obs[0], obs[2]);
	/*
	 * Each HLT blocks the vCPU for about TIMER_NS.  The cycles charged to
	 * HLT must be KVM's handling only, far below the guest-measured time
	 * spent in HLT.
	 */
	charged = obs[3] - obs[1];
	TEST_ASSERT(charged > 0 && charged < obs[4] / 2,
		    "Expected HLT cycles (%lu over %u HLTs) > 0 and well below the %lu TSC cycles the guest spent halted: blocked time charged?",
		    charged, P.n, obs[4]);
	pr_info("# %u timer-woken HLTs: HLT exits %lu -> %lu, charged %lu cycles, guest halted %lu cycles\n",
		P.n, obs[0], obs[2], charged, obs[4]);
}

static void test_cycles(void)
{
	u64 per_exit;

	run_guest(guest_cycles, NULL);
	/* obs: 0 cpuid cycles, 1 total cycles, 2 cpuid cycles, 3 total, 4 exits */
	TEST_ASSERT(obs[0] <= obs[1] && obs[2] <= obs[3],
		    "Expected CPUID cycles <= total cycles read after them, got %lu > %lu or %lu > %lu",
		    obs[0], obs[1], obs[2], obs[3]);
	TEST_ASSERT(obs[2] > obs[0] && obs[3] > obs[1],
		    "Expected cycles to grow over %u CPUIDs: CPUID %lu -> %lu, total %lu -> %lu",
		    P.n, obs[0], obs[2], obs[1], obs[3]);
	/* The first query's exit and the n CPUIDs, charged by the next query */
	per_exit = (obs[2] - obs[0]) / (P.n + 2);
	TEST_ASSERT(per_exit >= 10 && per_exit <= 100000000,
		    "Expected 10..1e8 host cycles per CPUID exit, got %lu", per_exit);
	TEST_ASSERT(obs[4] >= P.n + 3,
		    "Expected >= %u CPUID exits, got %lu", P.n + 3, obs[4]);
	pr_info("# %u CPUIDs: CPUID cycles %lu -> %lu (~%lu per exit), total %lu -> %lu\n",
		P.n, obs[0], obs[2], per_exit, obs[1], obs[3]);
}

static void test_reason_list(u32 sub)
{
	const u32 *list = sub ? P.r.unhandled : P.r.undefined;
	u32 nr = sub ? P.r.nr_unhandled : P.r.nr_undefined, i;
	u32 edx = sub ? 0 : KVM_EXITSTAT_UNDEFINED;
	char what[96];

	P.sub = sub;
	run_guest(guest_reasons, NULL);
	P.sub = 0;
	for (i = 0; i < nr; i++) {
		snprintf(what, sizeof(what), "%s reason %#x at REASON_EXITS %#x",
			 sub ? "defined, unhandled" : "undefined", list[i],
			 P.leaf[KVM_EXITSTAT_FN_REASON_EXITS]);
		assert_regs(i * 8, 0, 0, 0, edx, what);
		snprintf(what, sizeof(what), "%s reason %#x at REASON_CYCLES %#x",
			 sub ? "defined, unhandled" : "undefined", list[i],
			 P.leaf[KVM_EXITSTAT_FN_REASON_CYCLES]);
		assert_regs(i * 8 + 4, 0, 0, 0, edx, what);
	}
	pr_info("# %u reasons checked on both per-reason leaves\n", nr);
}

static void test_undefined(void)
{
	test_reason_list(0);
}

static void test_unhandled(void)
{
	test_reason_list(1);
}

static void test_isolation(void)
{
	struct kvm_vcpu *vcpu_a, *vcpu_b;
	struct kvm_vm *vm_a, *vm_b;
	u64 a0, a1, b;

	vm_a = new_vm(&vcpu_a, guest_isolation_a);
	TEST_ASSERT(run_to_ucall(vcpu_a, NULL) == UCALL_SYNC, "Expected VM A to sync");

	/* VM B runs while VM A exists, and is gone before A asks again. */
	vm_b = new_vm(&vcpu_b, guest_isolation_b);
	run_to_done(vcpu_b, NULL);
	sync_global_from_guest(vm_b, obs);
	b = obs[0];
	kvm_vm_free(vm_b);

	run_to_done(vcpu_a, NULL);
	sync_global_from_guest(vm_a, obs);
	a0 = obs[0];
	a1 = obs[1];
	kvm_vm_free(vm_a);

	if (is_global) {
		TEST_ASSERT(b >= a0 + P.n + 1,
			    "Global scope: expected VM B to see VM A's %lu and its own %u CPUID exits, got %lu",
			    a0, P.n + 1, b);
		TEST_ASSERT(a1 - a0 == P.n + 2,
			    "Global scope: expected VM A to see VM B's %u CPUID exits + its own 1, got %lu (%lu -> %lu)",
			    P.n + 1, a1 - a0, a0, a1);
	} else {
		TEST_ASSERT(b == P.n + 1,
			    "Per-VM scope: expected VM B to see exactly its own %u CPUID exits, got %lu",
			    P.n + 1, b);
		TEST_ASSERT(a1 - a0 == 1,
			    "Per-VM scope: expected VM A to see only its own query (1 more), got %lu more (%lu -> %lu): VM B leaked in",
			    a1 - a0, a0, a1);
	}
	pr_info("# %s scope: VM A %lu -> %lu, VM B (%u CPUIDs) saw %lu\n",
		is_global ? "global" : "per-VM", a0, a1, P.n, b);
}

static void *smp_vcpu_thread(void *arg)
{
	struct kvm_vcpu *vcpu = arg;
	u64 cmd = run_to_ucall(vcpu, NULL);

	return (void *)cmd;
}

static void test_smp(void)
{
	struct kvm_vcpu *vcpus[2];
	pthread_t th[2];
	struct kvm_vm *vm;
	void *cmd[2];
	u32 n = P.n;
	int i;

	P.n = 10 * n;
	vm = vm_create_with_vcpus(2, guest_smp, vcpus);
	sync_global_to_guest(vm, P);
	for (i = 0; i < 2; i++)
		vcpu_args_set(vcpus[i], 1, i);
	for (i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, smp_vcpu_thread, vcpus[i]);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], &cmd[i]);
	TEST_ASSERT((u64)cmd[0] == UCALL_SYNC && (u64)cmd[1] == UCALL_DONE,
		    "Expected vCPU 0 to sync and vCPU 1 to finish, got ucalls %lu, %lu",
		    (u64)cmd[0], (u64)cmd[1]);
	run_to_done(vcpus[0], NULL);
	sync_global_from_guest(vm, obs);
	kvm_vm_free(vm);
	if (is_global)
		TEST_ASSERT(obs[0] >= 2 * P.n + 1,
			    "Expected >= %u CPUID exits from two vCPUs, got %lu",
			    2 * P.n + 1, obs[0]);
	else
		TEST_ASSERT(obs[0] == 2 * P.n + 1,
			    "Expected exactly %u CPUID exits (2 vCPUs x %u + the query), got %lu",
			    2 * P.n + 1, P.n, obs[0]);
	pr_info("# 2 vCPUs x %u CPUIDs concurrently: VM sees %lu\n", P.n, obs[0]);
	P.n = n;
}

static void write_param(const char *name, const char *val)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	f = fopen(path, "w");
	TEST_ASSERT(f, "Cannot open %s", path);
	TEST_ASSERT(fputs(val, f) >= 0 && fclose(f) == 0,
		    "Cannot write %s to %s%s", val, PARAM_DIR, name);
}

static void test_off(void)
{
	u32 flags = is_global ? KVM_EXITSTAT_F_GLOBAL : 0;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = new_vm(&vcpu, guest_off);

	write_param("exitstat_enable", "0");
	TEST_ASSERT(run_to_ucall(vcpu, NULL) == UCALL_SYNC, "Expected a sync");
	write_param("exitstat_enable", "1");
	run_to_done(vcpu, NULL);
	sync_global_from_guest(vm, obs);
	kvm_vm_free(vm);
	assert_regs(0, 0, 0, 0, KVM_EXITSTAT_NOT_COUNTING,
		    "TOTAL_EXITS while kvm.exitstat_enable=0");
	assert_regs(4, 0, 0, 0, KVM_EXITSTAT_NOT_COUNTING,
		    "REASON_EXITS while kvm.exitstat_enable=0");
	assert_regs(8, P.r.vendor, flags, 0, 0,
		    "discovery state while kvm.exitstat_enable=0");
	TEST_ASSERT(obs[13] == obs[12] + 1,
		    "Expected counting to resume after kvm.exitstat_enable=1: %lu then %lu",
		    obs[12], obs[13]);
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "first", test_first },
	{ "discovery", test_discovery },
	{ "binding", test_binding },
	{ "cpuid", test_cpuid },
	{ "io", test_io },
	{ "io_user", test_io_user },
	{ "msr", test_msr },
	{ "hlt", test_hlt },
	{ "hlt_irq", test_hlt_irq },
	{ "cycles", test_cycles },
	{ "undefined", test_undefined },
	{ "unhandled", test_unhandled },
	{ "isolation", test_isolation },
	{ "smp", test_smp },
	{ "off", test_off },
	{ "flood", test_flood },
	{ "debugfs", test_debugfs },
	{ "stats", test_stats },
};

static bool parse_leaves(const char *s, u32 *leaf)
{
	/* hexadecimal, with or without 0x, as the kernel prints them */
	return sscanf(s, "%x,%x,%x,%x", &leaf[0], &leaf[1], &leaf[2],
		      &leaf[3]) == 4;
}

/* The binding and scope kvm.ko was loaded with. */
static void read_params(void)
{
	char buf[128] = "";
	FILE *f = fopen(PARAM_DIR "exitstat_leaves", "r");

	TEST_REQUIRE(f);	/* not a kvm-exitstat kernel: skip */
	TEST_ASSERT(fgets(buf, sizeof(buf), f) && parse_leaves(buf, P.leaf),
		    "Cannot parse %sexitstat_leaves: '%s'", PARAM_DIR, buf);
	fclose(f);
	f = fopen(PARAM_DIR "exitstat_global", "r");
	TEST_ASSERT(f && fgets(buf, sizeof(buf), f),
		    "Cannot read %sexitstat_global", PARAM_DIR);
	fclose(f);
	is_global = buf[0] == 'Y';
}

static void usage(const char *prog)
{
	printf("Usage: %s [-n N] [-g] [-f] [-b L0,L1,L2,L3] [test...]\n"
	       "  -n N   iterations per check (default 100)\n"
	       "  -g     kvm.exitstat_global=1 is expected\n"
	       "  -f     kvm.ko was just loaded (first VM since)\n"
	       "  -b     the binding kvm.exitstat_leaves is expected to give\n"
	       "tests:", prog);
	for (size_t i = 0; i < ARRAY_SIZE(tests); i++)
		printf(" %s", tests[i].name);
	printf("\n");
	exit(KSFT_FAIL);
}

int main(int argc, char *argv[])
{
	struct timespec t0, t1;
	int opt, nr = 0;
	size_t i;

	setbuf(stdout, NULL);
	P.n = 100;
	while ((opt = getopt(argc, argv, "n:gfb:h")) != -1) {
		switch (opt) {
		case 'n':
			P.n = atoi(optarg);
			break;
		case 'g':
			expect_global = true;
			break;
		case 'f':
			expect_fresh = true;
			break;
		case 'b':
			if (!parse_leaves(optarg, expect_leaf))
				usage(argv[0]);
			break;
		default:
			usage(argv[0]);
		}
	}

	TEST_REQUIRE(host_is_intel() || host_is_amd());
	P.r = host_is_intel() ? vmx_reasons : svm_reasons;
	read_params();
	TEST_ASSERT(is_global == expect_global,
		    "Expected kvm.exitstat_global=%c, kvm.ko has %c",
		    expect_global ? 'Y' : 'N', is_global ? 'Y' : 'N');
	TEST_ASSERT(!memcmp(P.leaf, expect_leaf, sizeof(P.leaf)),
		    "Expected kvm.exitstat_leaves=%#x,%#x,%#x,%#x, kvm.ko has %#x,%#x,%#x,%#x",
		    expect_leaf[0], expect_leaf[1], expect_leaf[2], expect_leaf[3],
		    P.leaf[0], P.leaf[1], P.leaf[2], P.leaf[3]);

	printf("# %s, binding %#x,%#x,%#x,%#x, %s scope, n=%u\n",
	       P.r.vendor == KVM_EXITSTAT_VENDOR_VMX ? "Intel VMX" : "AMD SVM",
	       P.leaf[0], P.leaf[1], P.leaf[2], P.leaf[3],
	       is_global ? "global" : "per-VM", P.n);
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		bool want = optind == argc;

		for (int j = optind; j < argc; j++)
			want |= !strcmp(argv[j], tests[i].name);
		if (!want)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		tests[i].fn();
		clock_gettime(CLOCK_MONOTONIC, &t1);
		/* A failed assertion exits before this line. */
		printf("ok %d - %s (%ld ms)\n", ++nr, tests[i].name,
		       (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
	}
	TEST_ASSERT(nr, "No test matched");
	printf("1..%d\n", nr);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-exitstat benchmark, written as a KVM selftest and built from a lab
 * kernel tree's tools/testing/selftests/kvm (like tests/lab/exitstat_test).
 * It runs in L1 and times, from inside an L2 vCPU, with the guest's TSC:
 *
 *   cpuid   R repetitions of N x CPUID leaf 0, which KVM answers in the
 *           kernel: the cost of one exit round trip (exit, handling, entry)
 *   query   R x N x CPUID of a kvm-exitstat leaf (exits of reason CPUID):
 *           what a query costs, against the leaf-0 round trip       (-q)
 *   snap    exitstat's own discovery + snapshot code (tool/discover.c,
 *           tool/snapshot.c, tool/reasons.c, compiled in here), run in
 *           the guest: ticks and CPUIDs for one full snapshot        (-s)
 *
 * Under Bochs (clock: sync=none) the TSC advances with executed
 * instructions, so ticks are instructions; under QEMU TCG they are host
 * time.  Each repetition's ticks are kept; the host side prints, on one
 * line, median, minimum and maximum of each measurement:
 *   BENCH variant=V vendor=intel|amd n=N reps=R cpuid_med=T cpuid_min=T
 *         cpuid_max=T cpuid_atmin=C [query_...] [snap_... snap_cpuids=C]
 * with T in ticks per CPUID (per snapshot for snap).  A repetition that an
 * L1 interrupt hit costs more: under Bochs, where L1's LAPIC timer also
 * fires in bursts shortly before its deadline, many repetitions can be hit,
 * and the minimum (reached by every repetition no interrupt hit: _atmin
 * says how many) is the exact cost; under QEMU TCG the median is.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"

/* exitstat's own code, built for the guest: it may not call into libc's
 * allocator there, so its calloc() takes from a static arena. */
static char arena[64 * 1024] __attribute__((aligned(64)));
static size_t arena_used;

static void *bench_calloc(size_t n, size_t size)
{
	size_t bytes = (n * size + 63) & ~(size_t)63;
	void *p;

	if (bytes > sizeof(arena) - arena_used)
		return NULL;
	p = arena + arena_used;
	arena_used += bytes;
	memset(p, 0, bytes);
	return p;
}

#define calloc bench_calloc
#include "discover.c"
#include "reasons.c"
#include "snapshot.c"
#undef calloc

#ifdef VM_SHAPE_DEFAULT
#define report_guest_assert(uc)	REPORT_GUEST_ASSERT(uc)
#define host_is_intel()		host_cpu_is_intel
#define host_is_amd()		host_cpu_is_amd
#else
#define report_guest_assert(uc)	REPORT_GUEST_ASSERT_2(uc, "values: %#lx, %#lx")
#define host_is_intel()		is_intel_cpu()
#define host_is_amd()		is_amd_cpu()
#endif

#define MAX_REPS	255
#define MAX_CODES	256

/* Set by the host before the guest runs. */
static struct {
	uint32_t n, reps;
	uint32_t query, qleaf, qarg;
	uint32_t snap, snap_reps;
} P;

/* Filled by the guest, read back by the host. */
static struct {
	uint64_t cpuid[MAX_REPS];
	uint64_t query[MAX_REPS];
	uint64_t snap[MAX_REPS];
	uint64_t snap_cpuids;
	uint64_t snap_status;
} R;

/* ---- guest side --------------------------------------------------------- */

static inline uint64_t tsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline void cpuid_exit(uint32_t leaf, uint32_t sub)
{
	uint32_t a = leaf, b, c = sub, d;

	__asm__ __volatile__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
}

/* N CPUIDs of @leaf between two TSC reads. */
static uint64_t timed_loop(uint32_t leaf, uint32_t sub, uint32_t n)
{
	uint64_t t0 = tsc();
	uint32_t i;

	for (i = 0; i < n; i++)
		cpuid_exit(leaf, sub);
	return tsc() - t0;
}

/* exitstat's CPUID backend is the instruction itself. */
static void guest_cpuid_query(void *ctx, uint32_t leaf, uint32_t sub,
			      struct cpuid_regs *out)
{
	uint32_t a = leaf, b, c = sub, d;

	(void)ctx;
	__asm__ __volatile__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	out->eax = a;
	out->ebx = b;
	out->ecx = c;
	out->edx = d;
}

/* tool/cpuid_backend.c's, which would drag in <cpuid.h>. */
void cpuid_call(struct cpuid_backend *b, uint32_t leaf, uint32_t sub,
		struct cpuid_regs *out)
{
	b->calls++;
	b->query(b->ctx, leaf, sub, out);
}

static uint32_t codes[MAX_CODES];
static const char *names[MAX_CODES];

/* What `exitstat` with no options reads: discovery, then every reason. */
static void guest_snapshot(uint32_t rep)
{
	struct cpuid_backend cpu = { .query = guest_cpuid_query };
	const struct exit_reason *t;
	struct exitstat_abi abi;
	struct snapshot snap;
	uint64_t t0, t1;
	size_t i, n;
	int st;

	arena_used = 0;
	t0 = tsc();
	st = discover(&cpu, &abi);
	if (st == DISCOVER_OK) {
		t = reasons_table(abi.vendor, &n);
		if (n > MAX_CODES)
			n = MAX_CODES;
		for (i = 0; i < n; i++) {
			codes[i] = t[i].code;
			names[i] = t[i].name;
		}
		st = snapshot_take(&cpu, &abi, codes, names, n, &snap);
		st = st == SNAPSHOT_OK ? 0 : 100 + st;
	}
	t1 = tsc();
	R.snap[rep] = t1 - t0;
	R.snap_cpuids = cpu.calls;
	if (st)
		R.snap_status = st;
}

/*
 * 6.1's library starts the guest with a 16-byte aligned stack pointer, where
 * the ABI has a function start at 8 mod 16: exitstat's code (SSE stores to
 * the stack) would fault, and without an IDT that is a triple fault.
 */
__attribute__((force_align_arg_pointer))
static void guest_code(void)
{
	uint32_t r;

	timed_loop(0, 0, 10);	/* warm up: first exits fault pages in */
	for (r = 0; r < P.reps; r++)
		R.cpuid[r] = timed_loop(0, 0, P.n);
	if (P.query) {
		timed_loop(P.qleaf, P.qarg, 10);
		for (r = 0; r < P.reps; r++)
			R.query[r] = timed_loop(P.qleaf, P.qarg, P.n);
	}
	if (P.snap) {
		guest_snapshot(0);
		for (r = 0; r < P.snap_reps; r++)
			guest_snapshot(r);
	}
	GUEST_DONE();
}

/* ---- host side ---------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Median of @n values (sorts them); the mean of the middle two if even. */
static double median(uint64_t *v, uint32_t n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* -V: every repetition, in ticks per CPUID, before the medians sort them. */
static void print_reps(const char *variant, const char *what, const uint64_t *v,
		       uint32_t n, uint32_t per)
{
	uint32_t i;

	printf("REPS variant=%s %s:", variant, what);
	for (i = 0; i < n; i++)
		printf(" %.1f", (double)v[i] / per);
	printf("\n");
}

/*
 * " WHAT_med=T WHAT_min=T WHAT_max=T WHAT_atmin=C": median, minimum and
 * maximum per CPUID (@per CPUIDs a repetition), and how many repetitions
 * came within half a tick per CPUID of the minimum.  Under Bochs those are
 * the repetitions no L1 interrupt hit, and they all cost the same.
 */
static void stats(const char *what, uint64_t *v, uint32_t n, uint32_t per)
{
	double med = median(v, n);	/* sorts @v */
	uint32_t i, at = 0;

	for (i = 0; i < n; i++)
		at += (double)(v[i] - v[0]) / per < 0.5;
	printf(" %s_med=%.2f %s_min=%.2f %s_max=%.2f %s_atmin=%u", what, med / per,
	       what, (double)v[0] / per, what, (double)v[n - 1] / per, what, at);
}

static void usage(const char *prog)
{
	printf("usage: %s [-v VARIANT] [-n N] [-r REPS] [-q] [-s]\n"
	       "  -v   name printed on the result line (default: run)\n"
	       "  -n   CPUIDs per repetition (default 20)\n"
	       "  -r   repetitions, at most %d (default 201)\n"
	       "  -q   also time the kvm-exitstat query leaf (patched kernel, counting on)\n"
	       "  -s   also time exitstat's full snapshot (ditto)\n"
	       "  -V   also print every repetition\n", prog, MAX_REPS);
	exit(KSFT_FAIL);
}

int main(int argc, char *argv[])
{
	const char *variant = "run";
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;
	bool verbose = false;
	int opt;

	setbuf(stdout, NULL);
	P.n = 20;
	P.reps = 201;
	P.snap_reps = 11;
	while ((opt = getopt(argc, argv, "v:n:r:qsVh")) != -1) {
		switch (opt) {
		case 'v':
			variant = optarg;
			break;
		case 'n':
			P.n = atoi(optarg);
			break;
		case 'r':
			P.reps = atoi(optarg);
			break;
		case 'q':
			P.query = 1;
			break;
		case 's':
			P.snap = 1;
			break;
		case 'V':
			verbose = true;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (!P.n || !P.reps || P.reps > MAX_REPS)
		usage(argv[0]);

	TEST_REQUIRE(host_is_intel() || host_is_amd());
	/* Exits of reason CPUID: SDM basic exit reason 10, APM exit code 0x72 */
	P.qleaf = KVM_EXITSTAT_LEAF_REASON_EXITS;
	P.qarg = host_is_intel() ? 10 : 0x72;

	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	sync_global_to_guest(vm, P);
	for (;;) {
		vcpu_run(vcpu);
		TEST_ASSERT(vcpu->run->exit_reason == KVM_EXIT_IO,
			    "Expected a ucall (KVM_EXIT_IO), got exit %u (%s)",
			    vcpu->run->exit_reason,
			    exit_reason_str(vcpu->run->exit_reason));
		switch (get_ucall(vcpu, &uc)) {
		case UCALL_DONE:
			break;
		case UCALL_ABORT:
			report_guest_assert(uc);
		default:
			TEST_FAIL("Unexpected ucall %lu", uc.cmd);
		}
		break;
	}
	sync_global_from_guest(vm, R);
	kvm_vm_free(vm);

	if (verbose) {
		print_reps(variant, "cpuid", R.cpuid, P.reps, P.n);
		if (P.query)
			print_reps(variant, "query", R.query, P.reps, P.n);
		if (P.snap)
			print_reps(variant, "snap", R.snap, P.snap_reps, 1);
	}
	printf("BENCH variant=%s vendor=%s n=%u reps=%u", variant,
	       host_is_intel() ? "intel" : "amd", P.n, P.reps);
	stats("cpuid", R.cpuid, P.reps, P.n);
	if (P.query)
		stats("query", R.query, P.reps, P.n);
	if (P.snap) {
		TEST_ASSERT(!R.snap_status,
			    "exitstat's snapshot failed in the guest (status %lu)",
			    (unsigned long)R.snap_status);
		stats("snap", R.snap, P.snap_reps, 1);
		printf(" snap_cpuids=%lu", (unsigned long)R.snap_cpuids);
	}
	printf("\n");
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat unit tests: the whole program (exitstat_main) against a fake
 * KVM guest whose CPUID leaves the kernel's own answer code serves
 * (test_exitstat_kvm.c), with a fake clock and real commands.
 */
#define _GNU_SOURCE	/* open_memstream */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <asm/kvm_exitstat.h>
#include <asm/svm.h>
#include <asm/vmx.h>

#include "cli.h"
#include "cpuid_backend.h"
#include "reasons.h"
#include "report.h"
#include "snapshot.h"
#include "spawn.h"

/* test_exitstat_kvm.c */
struct fake_kvm;
struct fake_kvm *fake_kvm_new(int vendor);
void fake_kvm_free(struct fake_kvm *f);
void fake_kvm_set(struct fake_kvm *f, uint32_t reason, uint64_t exits,
		  uint64_t cycles);
void fake_kvm_add(struct fake_kvm *f, uint32_t reason, uint64_t exits,
		  uint64_t cycles);
void fake_kvm_set_binding(struct fake_kvm *f, const uint32_t leaf[4]);
void fake_kvm_set_flags(struct fake_kvm *f, uint32_t flags);
void fake_kvm_set_absent(struct fake_kvm *f, const char *hv_sig);
void fake_kvm_count_self(struct fake_kvm *f, bool on);
void fake_kvm_override(struct fake_kvm *f, uint32_t leaf, uint32_t sub,
		       uint32_t eax, uint32_t ebx, uint32_t ecx, uint32_t edx);
unsigned long fake_kvm_calls(const struct fake_kvm *f, uint32_t leaf);
void fake_kvm_query(void *ctx, uint32_t leaf, uint32_t sub,
		    struct cpuid_regs *out);

/* An exit reason the SDM defines but <asm/vmx.h> names not (LOADIWKEY). */
#define VMX_UNNAMED	69

#define MAX_ACTIVITY	4

struct activity {
	uint32_t reason;
	uint64_t exits, cycles;
};

struct harness {
	struct fake_kvm *kvm;
	struct cpuid_backend cpu;
	char *out, *err;
	double clock;
	struct activity per_sleep[MAX_ACTIVITY];	/* each interval */
	struct activity per_run[MAX_ACTIVITY];		/* while the command runs */
	int rc;
};

static void apply(struct harness *h, const struct activity *a)
{
	int i;

	for (i = 0; i < MAX_ACTIVITY && (a[i].exits || a[i].cycles); i++)
		fake_kvm_add(h->kvm, a[i].reason, a[i].exits, a[i].cycles);
}

static double fake_now(void *ctx)
{
	return ((struct harness *)ctx)->clock;
}

static void fake_sleep(void *ctx, double seconds)
{
	struct harness *h = ctx;

	h->clock += seconds;
	apply(h, h->per_sleep);
}

static int fake_run(void *ctx, char *const argv[], int *status, int *err)
{
	struct harness *h = ctx;
	int rc = spawn_wait(argv, status, err);

	h->clock += 0.25;
	apply(h, h->per_run);
	return rc;
}

static struct harness *harness(int vendor)
{
	struct harness *h = calloc(1, sizeof(*h));

	h->kvm = fake_kvm_new(vendor);
	h->cpu.query = fake_kvm_query;
	h->cpu.ctx = h->kvm;
	h->clock = 100.0;
	return h;
}

static void harness_free(struct harness *h)
{
	fake_kvm_free(h->kvm);
	free(h->out);
	free(h->err);
	free(h);
}

/* Runs exitstat with the NULL-terminated arguments; rc, out, err in @h. */
static int run(struct harness *h, ...)
{
	char *argv[32] = { "exitstat" };
	struct exitstat_env env = {
		.cpu = &h->cpu, .now = fake_now, .sleep = fake_sleep,
		.run = fake_run, .ctx = h,
	};
	size_t outlen, errlen;
	int argc = 1;
	va_list ap;

	va_start(ap, h);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	free(h->out);
	free(h->err);
	env.out = open_memstream(&h->out, &outlen);
	env.err = open_memstream(&h->err, &errlen);
	h->rc = exitstat_main(argc, argv, &env);
	fclose(env.out);
	fclose(env.err);
	return h->rc;
}

/*
 * The standard VM: CPUID 52 exits / 104000 cycles, IO 8 / 16000, MSR write
 * 3 / 9001, EPT violation 3 / 10000, and 4 / 999 of a reason without a name:
 * 70 exits, 140000 cycles in all.
 */
static struct harness *vmx_vm(void)
{
	struct harness *h = harness(KVM_EXITSTAT_VENDOR_VMX);

	fake_kvm_set(h->kvm, EXIT_REASON_CPUID, 52, 104000);
	fake_kvm_set(h->kvm, EXIT_REASON_IO_INSTRUCTION, 8, 16000);
	fake_kvm_set(h->kvm, EXIT_REASON_MSR_WRITE, 3, 9001);
	fake_kvm_set(h->kvm, EXIT_REASON_EPT_VIOLATION, 3, 10000);
	fake_kvm_set(h->kvm, VMX_UNNAMED, 4, 999);
	return h;
}

#define assert_prefix(s, prefix) \
	assert_memory_equal((s), (prefix), strlen(prefix))

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* ---------------------------------------------------------------- */
/* snapshot mode: every output format                                 */

static void test_table(void **state)
{
	struct harness *h = vmx_vm();

	(void)state;
	assert_int_equal(run(h, NULL), 0);
	assert_string_equal(h->out,
"VM exits of this VM since it started (vmx)\n"
"reason  name                         exits             cycles  cycles/exit    share\n"
"    10  CPUID                           52             104000         2000   74.29%\n"
"    30  IO_INSTRUCTION                   8              16000         2000   11.43%\n"
"    32  MSR_WRITE                        3               9001         3000    4.29%\n"
"    48  EPT_VIOLATION                    3              10000         3333    4.29%\n"
"        total                           70             140000         2000  100.00%\n");
	assert_string_equal(h->err, "");
	harness_free(h);
}

static void test_json(void **state)
{
	struct harness *h = vmx_vm();

	(void)state;
	assert_int_equal(run(h, "--json", NULL), 0);
	assert_string_equal(h->out,
"{\"mode\":\"snapshot\",\"vendor\":\"vmx\",\"scope\":\"vm\",\"reasons\":["
"{\"reason\":10,\"name\":\"CPUID\",\"exits\":52,\"cycles\":104000,\"cycles_per_exit\":2000,\"share_pct\":74.29},"
"{\"reason\":30,\"name\":\"IO_INSTRUCTION\",\"exits\":8,\"cycles\":16000,\"cycles_per_exit\":2000,\"share_pct\":11.43},"
"{\"reason\":32,\"name\":\"MSR_WRITE\",\"exits\":3,\"cycles\":9001,\"cycles_per_exit\":3000,\"share_pct\":4.29},"
"{\"reason\":48,\"name\":\"EPT_VIOLATION\",\"exits\":3,\"cycles\":10000,\"cycles_per_exit\":3333,\"share_pct\":4.29}],"
"\"total\":{\"exits\":70,\"cycles\":140000,\"cycles_per_exit\":2000}}\n");
	harness_free(h);
}

static void test_csv(void **state)
{
	struct harness *h = vmx_vm();

	(void)state;
	assert_int_equal(run(h, "--csv", NULL), 0);
	assert_string_equal(h->out,
"reason,name,exits,cycles,cycles_per_exit,share_pct\n"
"10,CPUID,52,104000,2000,74.29\n"
"30,IO_INSTRUCTION,8,16000,2000,11.43\n"
"32,MSR_WRITE,3,9001,3000,4.29\n"
"48,EPT_VIOLATION,3,10000,3333,4.29\n"
"total,,70,140000,2000,100.00\n");
	harness_free(h);
}

static void test_prometheus(void **state)
{
	struct harness *h = vmx_vm();

	(void)state;
	assert_int_equal(run(h, "--prometheus", "-s", "reason", NULL), 0);
	assert_string_equal(h->out,
"# HELP kvm_exitstat_exits_total VM exits by exit reason.\n"
"# TYPE kvm_exitstat_exits_total counter\n"
"kvm_exitstat_exits_total{vendor=\"vmx\",scope=\"vm\",reason=\"10\",name=\"CPUID\"} 52\n"
"kvm_exitstat_exits_total{vendor=\"vmx\",scope=\"vm\",reason=\"30\",name=\"IO_INSTRUCTION\"} 8\n"
"kvm_exitstat_exits_total{vendor=\"vmx\",scope=\"vm\",reason=\"32\",name=\"MSR_WRITE\"} 3\n"
"kvm_exitstat_exits_total{vendor=\"vmx\",scope=\"vm\",reason=\"48\",name=\"EPT_VIOLATION\"} 3\n"
"# HELP kvm_exitstat_cycles_total Host TSC cycles KVM spent handling VM exits, by exit reason.\n"
"# TYPE kvm_exitstat_cycles_total counter\n"
"kvm_exitstat_cycles_total{vendor=\"vmx\",scope=\"vm\",reason=\"10\",name=\"CPUID\"} 104000\n"
"kvm_exitstat_cycles_total{vendor=\"vmx\",scope=\"vm\",reason=\"30\",name=\"IO_INSTRUCTION\"} 16000\n"
"kvm_exitstat_cycles_total{vendor=\"vmx\",scope=\"vm\",reason=\"32\",name=\"MSR_WRITE\"} 9001\n"
"kvm_exitstat_cycles_total{vendor=\"vmx\",scope=\"vm\",reason=\"48\",name=\"EPT_VIOLATION\"} 10000\n"
"# HELP kvm_exitstat_all_exits_total VM exits of all exit reasons.\n"
"# TYPE kvm_exitstat_all_exits_total counter\n"
"kvm_exitstat_all_exits_total{vendor=\"vmx\",scope=\"vm\"} 70\n"
"# HELP kvm_exitstat_all_cycles_total Host TSC cycles KVM spent handling VM exits of all exit reasons.\n"
"# TYPE kvm_exitstat_all_cycles_total counter\n"
"kvm_exitstat_all_cycles_total{vendor=\"vmx\",scope=\"vm\"} 140000\n");
	harness_free(h);
}

static void test_sort_keys(void **state)
{
	struct harness *h = vmx_vm();

	(void)state;
	/* cycles: 104000, 16000, 10000, 9001 */
	assert_int_equal(run(h, "--csv", "--sort=cycles", NULL), 0);
	assert_string_equal(h->out,
"reason,name,exits,cycles,cycles_per_exit,share_pct\n"
"10,CPUID,52,104000,2000,74.29\n"
"30,IO_INSTRUCTION,8,16000,2000,11.43\n"
"48,EPT_VIOLATION,3,10000,3333,4.29\n"
"32,MSR_WRITE,3,9001,3000,4.29\n"
"total,,70,140000,2000,100.00\n");
	assert_int_equal(run(h, "--csv", "-s", "name", NULL), 0);
	assert_string_equal(h->out,
"reason,name,exits,cycles,cycles_per_exit,share_pct\n"
"10,CPUID,52,104000,2000,74.29\n"
"48,EPT_VIOLATION,3,10000,3333,4.29\n"
"30,IO_INSTRUCTION,8,16000,2000,11.43\n"
"32,MSR_WRITE,3,9001,3000,4.29\n"
"total,,70,140000,2000,100.00\n");
	fake_kvm_set(h->kvm, EXIT_REASON_HLT, 100, 1000);
	assert_int_equal(run(h, "--csv", "--sort", "reason", NULL), 0);
	assert_string_equal(h->out,
"reason,name,exits,cycles,cycles_per_exit,share_pct\n"
"10,CPUID,52,104000,2000,30.59\n"
"12,HLT,100,1000,10,58.82\n"
"30,IO_INSTRUCTION,8,16000,2000,4.71\n"
"32,MSR_WRITE,3,9001,3000,1.76\n"
"48,EPT_VIOLATION,3,10000,3333,1.76\n"
"total,,170,141000,829,100.00\n");
	harness_free(h);
}

static void test_all_rows(void **state)
{
	struct harness *h = vmx_vm();
	size_t n;

	(void)state;
	reasons_table(KVM_EXITSTAT_VENDOR_VMX, &n);
	assert_int_equal(run(h, "--all", "--csv", NULL), 0);
	/* header, every named reason, total */
	assert_int_equal(count_lines(h->out), n + 2);
	assert_non_null(strstr(h->out, "\n12,HLT,0,0,,0.00\n"));
	assert_non_null(strstr(h->out, "\n0,EXCEPTION_NMI,0,0,,0.00\n"));
	/* sorted by exits, then by reason */
	assert_prefix(h->out,
"reason,name,exits,cycles,cycles_per_exit,share_pct\n"
"10,CPUID,52,104000,2000,74.29\n"
"30,IO_INSTRUCTION,8,16000,2000,11.43\n"
"32,MSR_WRITE,3,9001,3000,4.29\n"
"48,EPT_VIOLATION,3,10000,3333,4.29\n"
"0,EXCEPTION_NMI,0,0,,0.00\n"
"1,EXTERNAL_INTERRUPT,0,0,,0.00\n");
	assert_int_equal(run(h, "-a", NULL), 0);
	assert_non_null(strstr(h->out,
"\n    12  HLT                              0                  0            -    0.00%\n"));
	harness_free(h);
}

static void test_reason_option(void **state)
{
	static const char expected[] =
"reason,name,exits,cycles,cycles_per_exit,share_pct\n"
"10,CPUID,52,104000,2000,74.29\n"
"total,,70,140000,2000,100.00\n";
	struct harness *h = vmx_vm();

	(void)state;
	assert_int_equal(run(h, "--csv", "-r", "cpuid", NULL), 0);
	assert_string_equal(h->out, expected);
	assert_int_equal(run(h, "--csv", "--reason=CPUID", NULL), 0);
	assert_string_equal(h->out, expected);
	assert_int_equal(run(h, "--csv", "-r", "10", NULL), 0);
	assert_string_equal(h->out, expected);
	assert_int_equal(run(h, "--csv", "-r", "0xa", "-r", "Cpuid", NULL), 0);
	assert_string_equal(h->out, expected);
	/* asked for: shown without exits too; a reason without a name */
	assert_int_equal(run(h, "--csv", "-r", "hlt", "-r", "69", NULL), 0);
	assert_string_equal(h->out,
"reason,name,exits,cycles,cycles_per_exit,share_pct\n"
"69,,4,999,250,5.71\n"
"12,HLT,0,0,,0.00\n"
"total,,70,140000,2000,100.00\n");
	assert_int_equal(run(h, "-r", "69", NULL), 0);
	assert_string_equal(h->out,
"VM exits of this VM since it started (vmx)\n"
"reason  name                         exits             cycles  cycles/exit    share\n"
"    69  -                                4                999          250    5.71%\n"
"        total                           70             140000         2000  100.00%\n");
	harness_free(h);
}

static void test_svm(void **state)
{
	struct harness *h = harness(KVM_EXITSTAT_VENDOR_SVM);
	const struct exit_reason *t;
	size_t i, n, defined = 0;

	(void)state;
	fake_kvm_set(h->kvm, SVM_EXIT_CPUID, 40, 80000);
	fake_kvm_set(h->kvm, SVM_EXIT_IOIO, 30, 90000);
	fake_kvm_set(h->kvm, SVM_EXIT_NPF, 20, 100000);
	fake_kvm_set(h->kvm, SVM_EXIT_ERR, 1, 7);
	assert_int_equal(run(h, NULL), 0);
	assert_string_equal(h->out,
"VM exits of this VM since it started (svm)\n"
"reason  name                                exits             cycles  cycles/exit    share\n"
" 0x072  cpuid                                  40              80000         2000   43.96%\n"
" 0x07b  io                                     30              90000         3000   32.97%\n"
" 0x400  npf                                    20             100000         5000   21.98%\n"
"    -1  invalid_guest_state                     1                  7            7    1.10%\n"
"        total                                  91             270007         2967  100.00%\n");
	assert_int_equal(run(h, "--json", "-r", "-1", NULL), 0);
	assert_string_equal(h->out,
"{\"mode\":\"snapshot\",\"vendor\":\"svm\",\"scope\":\"vm\",\"reasons\":["
"{\"reason\":-1,\"name\":\"invalid_guest_state\",\"exits\":1,\"cycles\":7,\"cycles_per_exit\":7,\"share_pct\":1.10}],"
"\"total\":{\"exits\":91,\"cycles\":270007,\"cycles_per_exit\":2967}}\n");
	assert_int_equal(run(h, "--csv", "-r", "IO", "-r", "0x72", NULL), 0);
	assert_string_equal(h->out,
"reason,name,exits,cycles,cycles_per_exit,share_pct\n"
"0x072,cpuid,40,80000,2000,43.96\n"
"0x07b,io,30,90000,3000,32.97\n"
"total,,91,270007,2967,100.00\n");
	/* names with a space, from the header: "DE excp" */
	assert_int_equal(run(h, "--prometheus", "-r", "de EXCP", NULL), 0);
	assert_non_null(strstr(h->out,
"kvm_exitstat_exits_total{vendor=\"svm\",scope=\"vm\",reason=\"0x040\",name=\"DE excp\"} 0\n"));
	/* --all: only what the host defines (the SEV-ES vmgexit codes are not) */
	t = reasons_table(KVM_EXITSTAT_VENDOR_SVM, &n);
	for (i = 0; i < n; i++)
		defined += t[i].code < 0x80000000U || t[i].code == (uint32_t)SVM_EXIT_ERR;
	assert_true(defined < n);
	assert_int_equal(run(h, "--csv", "--all", NULL), 0);
	assert_int_equal(count_lines(h->out), defined + 2);
	assert_null(strstr(h->out, "vmgexit_"));
	harness_free(h);
}

static void test_global_scope(void **state)
{
	struct harness *h = vmx_vm();

	(void)state;
	fake_kvm_set_flags(h->kvm, KVM_EXITSTAT_F_COUNTING | KVM_EXITSTAT_F_GLOBAL);
	assert_int_equal(run(h, "-r", "cpuid", NULL), 0);
	assert_string_equal(h->out,
"VM exits of all VMs since kvm was loaded (vmx)\n"
"reason  name                         exits             cycles  cycles/exit    share\n"
"    10  CPUID                           52             104000         2000   74.29%\n"
"        total                           70             140000         2000  100.00%\n");
	assert_int_equal(run(h, "--json", "-r", "cpuid", NULL), 0);
	assert_non_null(strstr(h->out, "\"scope\":\"global\""));
	harness_free(h);
}

/* ---------------------------------------------------------------- */
/* interval mode                                                      */

/* Activity in each interval; the queries count as CPUID exits, as in KVM. */
static void busy_interval(struct harness *h)
{
	fake_kvm_count_self(h->kvm, true);
	h->per_sleep[0] = (struct activity){ EXIT_REASON_CPUID, 20, 40000 };
	h->per_sleep[1] = (struct activity){ EXIT_REASON_IO_INSTRUCTION, 4, 9000 };
}

static void test_interval_table(void **state)
{
	struct harness *h = vmx_vm();

	(void)state;
	busy_interval(h);
	assert_int_equal(run(h, "-w", "1", "-c", "2", NULL), 0);
	assert_string_equal(h->out,
"VM exits of this VM per interval (vmx)\n"
"     time  reason  name                         exits        exits/s           cycles/s  cycles/exit\n"
"    1.000      10  CPUID                           20           20.0            40000.0         2000\n"
"    1.000      30  IO_INSTRUCTION                   4            4.0             9000.0         2250\n"
"    1.000          total                           24           24.0            49000.0         2042\n"
"    2.000      10  CPUID                           20           20.0            40000.0         2000\n"
"    2.000      30  IO_INSTRUCTION                   4            4.0             9000.0         2250\n"
"    2.000          total                           24           24.0            49000.0         2042\n");
	assert_string_equal(h->err, "");
	assert_true(h->clock == 102.0);
	harness_free(h);
}

static void test_interval_rates(void **state)
{
	struct harness *h = vmx_vm();

	(void)state;
	busy_interval(h);
	/* half a second: twice the rate */
	assert_int_equal(run(h, "--csv", "--interval=0.5", "--count=2", NULL), 0);
	assert_string_equal(h->out,
"time,reason,name,exits,cycles,exits_per_sec,cycles_per_sec,cycles_per_exit\n"
"0.500,10,CPUID,20,40000,40.0,80000.0,2000\n"
"0.500,30,IO_INSTRUCTION,4,9000,8.0,18000.0,2250\n"
"0.500,total,,24,49000,48.0,98000.0,2042\n"
"1.000,10,CPUID,20,40000,40.0,80000.0,2000\n"
"1.000,30,IO_INSTRUCTION,4,9000,8.0,18000.0,2250\n"
"1.000,total,,24,49000,48.0,98000.0,2042\n");
	/* an idle interval: only the total line */
	memset(h->per_sleep, 0, sizeof(h->per_sleep));
	assert_int_equal(run(h, "--csv", "-w", "4", "-c", "1", NULL), 0);
	assert_string_equal(h->out,
"time,reason,name,exits,cycles,exits_per_sec,cycles_per_sec,cycles_per_exit\n"
"4.000,total,,0,0,0.0,0.0,\n");
	harness_free(h);
}

static void test_interval_json(void **state)
{
	struct harness *h = vmx_vm();

	(void)state;
	busy_interval(h);
	assert_int_equal(run(h, "--json", "-w", "2", "-c", "2", "-r", "cpuid", NULL), 0);
	assert_string_equal(h->out,
"{\"mode\":\"interval\",\"vendor\":\"vmx\",\"scope\":\"vm\",\"interval\":1,\"time\":2.000,\"seconds\":2.000,\"reasons\":["
"{\"reason\":10,\"name\":\"CPUID\",\"exits\":20,\"cycles\":40000,\"exits_per_sec\":10.0,\"cycles_per_sec\":20000.0,\"cycles_per_exit\":2000}],"
"\"total\":{\"exits\":24,\"cycles\":49000,\"exits_per_sec\":12.0,\"cycles_per_sec\":24500.0,\"cycles_per_exit\":2042}}\n"
"{\"mode\":\"interval\",\"vendor\":\"vmx\",\"scope\":\"vm\",\"interval\":2,\"time\":4.000,\"seconds\":2.000,\"reasons\":["
"{\"reason\":10,\"name\":\"CPUID\",\"exits\":20,\"cycles\":40000,\"exits_per_sec\":10.0,\"cycles_per_sec\":20000.0,\"cycles_per_exit\":2000}],"
"\"total\":{\"exits\":24,\"cycles\":49000,\"exits_per_sec\":12.0,\"cycles_per_sec\":24500.0,\"cycles_per_exit\":2042}}\n");
	harness_free(h);
}

static void test_interval_prometheus(void **state)
{
	struct harness *h = vmx_vm();

	(void)state;
	busy_interval(h);
	assert_int_equal(run(h, "--prometheus", "-w", "1", "-c", "2", "-r", "io_instruction", NULL), 0);
	assert_string_equal(h->out,
"# HELP kvm_exitstat_exits_per_second VM exits per second in the last interval, by exit reason.\n"
"# TYPE kvm_exitstat_exits_per_second gauge\n"
"kvm_exitstat_exits_per_second{vendor=\"vmx\",scope=\"vm\",reason=\"30\",name=\"IO_INSTRUCTION\"} 4.000\n"
"# HELP kvm_exitstat_cycles_per_second Host TSC cycles per second KVM spent handling VM exits in the last interval, by exit reason.\n"
"# TYPE kvm_exitstat_cycles_per_second gauge\n"
"kvm_exitstat_cycles_per_second{vendor=\"vmx\",scope=\"vm\",reason=\"30\",name=\"IO_INSTRUCTION\"} 9000.000\n"
"# HELP kvm_exitstat_all_exits_per_second VM exits of all exit reasons per second in the last interval.\n"
"# TYPE kvm_exitstat_all_exits_per_second gauge\n"
"kvm_exitstat_all_exits_per_second{vendor=\"vmx\",scope=\"vm\"} 24.000\n"
"# HELP kvm_exitstat_all_cycles_per_second Host TSC cycles per second KVM spent handling VM exits of all exit reasons in the last interval.\n"
"# TYPE kvm_exitstat_all_cycles_per_second gauge\n"
"kvm_exitstat_all_cycles_per_second{vendor=\"vmx\",scope=\"vm\"} 49000.000\n"
"\n"
"# HELP kvm_exitstat_exits_per_second VM exits per second in the last interval, by exit reason.\n"
"# TYPE kvm_exitstat_exits_per_second gauge\n"
"kvm_exitstat_exits_per_second{vendor=\"vmx\",scope=\"vm\",reason=\"30\",name=\"IO_INSTRUCTION\"} 4.000\n"
"# HELP kvm_exitstat_cycles_per_second Host TSC cycles per second KVM spent handling VM exits in the last interval, by exit reason.\n"
"# TYPE kvm_exitstat_cycles_per_second gauge\n"
"kvm_exitstat_cycles_per_second{vendor=\"vmx\",scope=\"vm\",reason=\"30\",name=\"IO_INSTRUCTION\"} 9000.000\n"
"# HELP kvm_exitstat_all_exits_per_second VM exits of all exit reasons per second in the last interval.\n"
"# TYPE kvm_exitstat_all_exits_per_second gauge\n"
"kvm_exitstat_all_exits_per_second{vendor=\"vmx\",scope=\"vm\"} 24.000\n"
"# HELP kvm_exitstat_all_cycles_per_second Host TSC cycles per second KVM spent handling VM exits of all exit reasons in the last interval.\n"
"# TYPE kvm_exitstat_all_cycles_per_second gauge\n"
"kvm_exitstat_all_cycles_per_second{vendor=\"vmx\",scope=\"vm\"} 49000.000\n");
	harness_free(h);
}

/* Like KVM, the fake counts every query as a CPUID exit: not the command's. */
static void test_interval_own_queries_not_counted(void **state)
{
	struct harness *h = vmx_vm();

	(void)state;
	fake_kvm_count_self(h->kvm, true);
	busy_interval(h);
	assert_int_equal(run(h, "--csv", "-w", "1", "-c", "2", NULL), 0);
	assert_string_equal(h->out,
"time,reason,name,exits,cycles,exits_per_sec,cycles_per_sec,cycles_per_exit\n"
"1.000,10,CPUID,20,40000,20.0,40000.0,2000\n"
"1.000,30,IO_INSTRUCTION,4,9000,4.0,9000.0,2250\n"
"1.000,total,,24,49000,24.0,49000.0,2042\n"
"2.000,10,CPUID,20,40000,20.0,40000.0,2000\n"
"2.000,30,IO_INSTRUCTION,4,9000,4.0,9000.0,2250\n"
"2.000,total,,24,49000,24.0,49000.0,2042\n");
	/* ... while the snapshot mode shows the counters as they are */
	assert_int_equal(run(h, "--csv", "-r", "cpuid", NULL), 0);
	assert_non_null(strstr(h->out, "\n10,CPUID,"));
	assert_null(strstr(h->out, "\n10,CPUID,92,"));
	harness_free(h);
}

/*
 * Nothing but exitstat runs CPUID: its own queries are neither exits nor
 * cycles of an interval or of a command, on either vendor.
 */
static void test_own_queries_neither_exits_nor_cycles(void **state)
{
	struct harness *h = vmx_vm();

	(void)state;
	fake_kvm_count_self(h->kvm, true);
	assert_int_equal(run(h, "--csv", "-w", "1", "-c", "2", "-r", "cpuid", NULL), 0);
	assert_string_equal(h->out,
"time,reason,name,exits,cycles,exits_per_sec,cycles_per_sec,cycles_per_exit\n"
"1.000,10,CPUID,0,0,0.0,0.0,\n"
"1.000,total,,0,0,0.0,0.0,\n"
"2.000,10,CPUID,0,0,0.0,0.0,\n"
"2.000,total,,0,0,0.0,0.0,\n");
	assert_int_equal(run(h, "--csv", "-r", "cpuid", "--", "/bin/true", NULL), 0);
	assert_string_equal(h->err,
"reason,name,exits,cycles,cycles_per_exit,share_pct\n"
"10,CPUID,0,0,,0.00\n"
"total,,0,0,,0.00\n");
	/* an HLT while the command runs: it alone, its cycles the total's */
	h->per_run[0] = (struct activity){ EXIT_REASON_HLT, 1, 700 };
	assert_int_equal(run(h, "--csv", "--", "/bin/true", NULL), 0);
	assert_string_equal(h->err,
"reason,name,exits,cycles,cycles_per_exit,share_pct\n"
"12,HLT,1,700,700,100.00\n"
"total,,1,700,700,100.00\n");
	harness_free(h);

	h = harness(KVM_EXITSTAT_VENDOR_SVM);
	fake_kvm_count_self(h->kvm, true);
	h->per_sleep[0] = (struct activity){ SVM_EXIT_MSR, 3, 4500 };
	assert_int_equal(run(h, "--csv", "-w", "1", "-c", "1", "-a", NULL), 0);
	assert_non_null(strstr(h->out, "\n1.000,0x072,cpuid,0,0,0.0,0.0,\n"));
	assert_non_null(strstr(h->out, "\n1.000,0x07c,msr,3,4500,3.0,4500.0,1500\n"));
	assert_non_null(strstr(h->out, "\n1.000,total,,3,4500,3.0,4500.0,1500\n"));
	harness_free(h);
}

/*
 * The exit count crosses 2^32 between two readings: the seed's 32-bit leaf
 * wraps (0xfffffff0 -> 0x10), exitstat's difference is still 0x20.
 */
static void test_interval_32bit_wrap(void **state)
{
	struct harness *h = harness(KVM_EXITSTAT_VENDOR_VMX);
	struct cpuid_regs before, after;

	(void)state;
	fake_kvm_set(h->kvm, EXIT_REASON_CPUID, 0xfffffff0, 0xffffff00);
	fake_kvm_query(h->kvm, KVM_EXITSTAT_LEAF_REASON_EXITS, EXIT_REASON_CPUID, &before);
	fake_kvm_add(h->kvm, EXIT_REASON_CPUID, 0x20, 0x200);
	fake_kvm_query(h->kvm, KVM_EXITSTAT_LEAF_REASON_EXITS, EXIT_REASON_CPUID, &after);
	assert_int_equal(before.eax, 0xfffffff0);
	assert_int_equal(after.eax, 0x10);
	assert_int_equal((uint32_t)(after.eax - before.eax), 0x20);
	fake_kvm_query(h->kvm, KVM_EXITSTAT_LEAF_TOTAL_EXITS, 0, &after);
	assert_int_equal(after.eax, 0x10);

	fake_kvm_set(h->kvm, EXIT_REASON_CPUID, 0xfffffff0, 0xffffff00);
	fake_kvm_count_self(h->kvm, true);
	h->per_sleep[0] = (struct activity){ EXIT_REASON_CPUID, 0x20, 0x200 };
	assert_int_equal(run(h, "--csv", "-w", "1", "-c", "1", NULL), 0);
	assert_string_equal(h->out,
"time,reason,name,exits,cycles,exits_per_sec,cycles_per_sec,cycles_per_exit\n"
"1.000,10,CPUID,32,512,32.0,512.0,16\n"
"1.000,total,,32,512,32.0,512.0,16\n");
	/* more than 2^32 exits in one interval */
	h->per_sleep[0] = (struct activity){ EXIT_REASON_CPUID, 5000000000, 10000000000 };
	assert_int_equal(run(h, "--csv", "-w", "1", "-c", "1", NULL), 0);
	assert_string_equal(h->out,
"time,reason,name,exits,cycles,exits_per_sec,cycles_per_sec,cycles_per_exit\n"
"1.000,10,CPUID,5000000000,10000000000,5000000000.0,10000000000.0,2\n"
"1.000,total,,5000000000,10000000000,5000000000.0,10000000000.0,2\n");

	fake_kvm_count_self(h->kvm, false);
	fake_kvm_set(h->kvm, EXIT_REASON_CPUID, 0x100000010, 0x100000100);
	assert_int_equal(run(h, "--csv", NULL), 0);
	assert_string_equal(h->out,
"reason,name,exits,cycles,cycles_per_exit,share_pct\n"
"10,CPUID,4294967312,4294967552,1,100.00\n"
"total,,4294967312,4294967552,1,100.00\n");
	harness_free(h);
}

static void test_diff_modulo_2_64(void **state)
{
	struct sample sa = { .code = 1, .defined = true,
			     .exits = UINT64_MAX - 5, .cycles = UINT64_MAX };
	struct sample sb = { .code = 1, .defined = true, .exits = 10, .cycles = 99 };
	struct snapshot a = { .vendor = KVM_EXITSTAT_VENDOR_VMX, .n = 1, .s = &sa,
			      .total_exits = UINT64_MAX, .cpuid_exits = UINT64_MAX - 1,
			      .tail = { UINT64_MAX - 99, UINT64_MAX - 9 },
			      .couple_cost = 5 };
	struct snapshot b = { .vendor = KVM_EXITSTAT_VENDOR_VMX, .n = 1, .s = &sb,
			      .total_exits = 3, .cpuid_exits = 5,
			      .head = { 200, 30 } };
	struct snapshot d;

	(void)state;
	assert_int_equal(snapshot_diff(&a, &b, &d), SNAPSHOT_OK);
	assert_int_equal(d.s[0].exits, 16);
	assert_int_equal(d.s[0].cycles, 100);
	assert_int_equal(d.cpuid_exits, 7);
	assert_int_equal(d.total_exits, 4);
	/* others (200 - 30) - (-99 + 9) = 260; CPUID 30 + 9 + 1 - 5 = 35 */
	assert_int_equal(d.total_cycles, 260 + 35);
	snapshot_free(&d);
}

/*
 * On a host's real clock two couples of identical queries do not cost the
 * same.  What a difference shows then: the cycles of exits it has.
 */
static void test_diff_jitter(void **state)
{
	struct sample sa = { .code = EXIT_REASON_CPUID, .defined = true };
	struct sample sb = sa;
	/* exitstat's 40 queries in between, nothing else ran CPUID */
	struct snapshot a = { .vendor = KVM_EXITSTAT_VENDOR_VMX, .n = 1, .s = &sa,
			      .total_exits = 1000, .cpuid_exits = 500,
			      .seq_cpuid = 10, .seq_total = 20,
			      .tail = { 90000, 50000 }, .couple_cost = 2026 };
	struct snapshot b = { .vendor = KVM_EXITSTAT_VENDOR_VMX, .n = 1, .s = &sb,
			      .total_exits = 1044, .cpuid_exits = 540,
			      .seq_cpuid = 50, .seq_total = 60,
			      .head = { 92013 + 8997, 52013 } };
	struct snapshot d;

	(void)state;
	/* the couple measured 2026, the one in between cost 2013 */
	assert_int_equal(snapshot_diff(&a, &b, &d), SNAPSHOT_OK);
	assert_int_equal(d.s[0].exits, 0);
	assert_int_equal(d.s[0].cycles, 0);
	assert_int_equal(d.total_exits, 4);
	assert_int_equal(d.total_cycles, 8997);
	snapshot_free(&d);

	/* no exit of the guest's at all: no cycles, whatever the jitter */
	b.total_exits = 1040;
	assert_int_equal(snapshot_diff(&a, &b, &d), SNAPSHOT_OK);
	assert_int_equal(d.total_exits, 0);
	assert_int_equal(d.total_cycles, 0);
	snapshot_free(&d);

	/* the total readings' own cost jittered below the others' cycles */
	b.total_exits = 1041;
	b.head.total = 92013 - 3;
	assert_int_equal(snapshot_diff(&a, &b, &d), SNAPSHOT_OK);
	assert_int_equal(d.total_exits, 1);
	assert_int_equal(d.total_cycles, 0);
	snapshot_free(&d);

	/* a CPUID of the guest's: its cycles less the couple's cost */
	b.cpuid_exits = 541;
	b.head = (struct cycles_pair){ 92013 + 8997 + 3000, 52013 + 3000 };
	assert_int_equal(snapshot_diff(&a, &b, &d), SNAPSHOT_OK);
	assert_int_equal(d.s[0].exits, 1);
	assert_int_equal(d.s[0].cycles, 3000 - 13);
	assert_int_equal(d.total_cycles, 8997 + 3000 - 13);
	snapshot_free(&d);
}

/* ---------------------------------------------------------------- */
/* command mode                                                       */

/* Activity while the command runs; the queries count as CPUID exits too. */
static void busy_command(struct harness *h)
{
	fake_kvm_count_self(h->kvm, true);
	h->per_run[0] = (struct activity){ EXIT_REASON_CPUID, 30, 60000 };
	h->per_run[1] = (struct activity){ EXIT_REASON_HLT, 2, 500 };
}

static void test_command_true(void **state)
{
	struct harness *h = vmx_vm();

	(void)state;
	fake_kvm_count_self(h->kvm, true);
	busy_command(h);
	assert_int_equal(run(h, "--", "/bin/true", NULL), 0);
	assert_string_equal(h->out, "");
	assert_string_equal(h->err,
"VM exits of this VM while running '/bin/true' (vmx)\n"
"reason  name                         exits             cycles  cycles/exit    share\n"
"    10  CPUID                           30              60000         2000   93.75%\n"
"    12  HLT                              2                500          250    6.25%\n"
"        total                           32              60500         1891  100.00%\n"
"\n"
"0.250000 seconds elapsed, exit status 0\n");
	harness_free(h);
}

static void test_command_status_passed_on(void **state)
{
	struct harness *h = vmx_vm();

	(void)state;
	busy_command(h);
	assert_int_equal(run(h, "--csv", "--", "/bin/false", NULL), 1);
	assert_string_equal(h->err,
"reason,name,exits,cycles,cycles_per_exit,share_pct\n"
"10,CPUID,30,60000,2000,93.75\n"
"12,HLT,2,500,250,6.25\n"
"total,,32,60500,1891,100.00\n");
	/* without "--" too, like perf stat */
	assert_int_equal(run(h, "--csv", "/bin/sh", "-c", "exit 7", NULL), 7);
	/* ended by a signal: 128 + its number, as a shell reports it */
	assert_int_equal(run(h, "--csv", "--", "/bin/sh", "-c", "kill -TERM $$", NULL), 143);
	harness_free(h);
}

static void test_command_json(void **state)
{
	struct harness *h = vmx_vm();

	(void)state;
	busy_command(h);
	assert_int_equal(run(h, "--json", "--", "/bin/sh", "-c", "exit 3", NULL), 3);
	assert_string_equal(h->err,
"{\"mode\":\"command\",\"vendor\":\"vmx\",\"scope\":\"vm\",\"command\":[\"/bin/sh\",\"-c\",\"exit 3\"],"
"\"exit_status\":3,\"seconds\":0.250000,\"reasons\":["
"{\"reason\":10,\"name\":\"CPUID\",\"exits\":30,\"cycles\":60000,\"cycles_per_exit\":2000,\"share_pct\":93.75},"
"{\"reason\":12,\"name\":\"HLT\",\"exits\":2,\"cycles\":500,\"cycles_per_exit\":250,\"share_pct\":6.25}],"
"\"total\":{\"exits\":32,\"cycles\":60500,\"cycles_per_exit\":1891}}\n");
	harness_free(h);
}

static void test_command_prometheus(void **state)
{
	struct harness *h = vmx_vm();

	(void)state;
	busy_command(h);
	assert_int_equal(run(h, "--prometheus", "-r", "hlt", "--", "/bin/true", NULL), 0);
	assert_string_equal(h->err,
"# HELP kvm_exitstat_command_exits VM exits while the command ran, by exit reason.\n"
"# TYPE kvm_exitstat_command_exits gauge\n"
"kvm_exitstat_command_exits{vendor=\"vmx\",scope=\"vm\",reason=\"12\",name=\"HLT\"} 2\n"
"# HELP kvm_exitstat_command_cycles Host TSC cycles KVM spent handling VM exits while the command ran, by exit reason.\n"
"# TYPE kvm_exitstat_command_cycles gauge\n"
"kvm_exitstat_command_cycles{vendor=\"vmx\",scope=\"vm\",reason=\"12\",name=\"HLT\"} 500\n"
"# HELP kvm_exitstat_command_all_exits VM exits of all exit reasons while the command ran.\n"
"# TYPE kvm_exitstat_command_all_exits gauge\n"
"kvm_exitstat_command_all_exits{vendor=\"vmx\",scope=\"vm\"} 32\n"
"# HELP kvm_exitstat_command_all_cycles Host TSC cycles KVM spent handling VM exits of all exit reasons while the command ran.\n"
"# TYPE kvm_exitstat_command_all_cycles gauge\n"
"kvm_exitstat_command_all_cycles{vendor=\"vmx\",scope=\"vm\"} 60500\n"
"# HELP kvm_exitstat_command_seconds Wall-clock seconds the command ran.\n"
"# TYPE kvm_exitstat_command_seconds gauge\n"
"kvm_exitstat_command_seconds 0.250000\n"
"# HELP kvm_exitstat_command_exit_status Exit status of the command.\n"
"# TYPE kvm_exitstat_command_exit_status gauge\n"
"kvm_exitstat_command_exit_status 0\n");
	harness_free(h);
}

static void test_command_cannot_run(void **state)
{
	struct harness *h = vmx_vm();

	(void)state;
	assert_int_equal(run(h, "--", "/nonexistent/command", "x", NULL), 127);
	assert_string_equal(h->out, "");
	assert_string_equal(h->err,
		"exitstat: cannot run '/nonexistent/command': No such file or directory\n");
	assert_int_equal(run(h, "--", "/", NULL), 126);
	assert_string_equal(h->err, "exitstat: cannot run '/': Permission denied\n");
	harness_free(h);
}

static void test_output_file(void **state)
{
	char path[] = "/tmp/test_exitstat.XXXXXX", buf[256] = "";
	struct harness *h = vmx_vm();
	FILE *f;
	int fd;

	(void)state;
	busy_command(h);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(run(h, "--csv", "-o", path, "-r", "hlt", "--", "/bin/true", NULL), 0);
	assert_string_equal(h->out, "");
	assert_string_equal(h->err, "");
	f = fopen(path, "r");
	assert_non_null(f);
	assert_true(fread(buf, 1, sizeof(buf) - 1, f) > 0);
	fclose(f);
	unlink(path);
	assert_string_equal(buf,
"reason,name,exits,cycles,cycles_per_exit,share_pct\n"
"12,HLT,2,500,250,6.25\n"
"total,,32,60500,1891,100.00\n");
	assert_int_equal(run(h, "--output=/nonexistent/dir/x", NULL), 2);
	assert_string_equal(h->err,
		"exitstat: cannot write '/nonexistent/dir/x': No such file or directory\n");
	harness_free(h);
}

/* ---------------------------------------------------------------- */
/* bad input: one line naming the problem, exit 2, nothing on stdout  */

struct bad_input {
	const char *args[6];
	const char *message;
};

static const struct bad_input bad_inputs[] = {
	{ { "--bogus" }, "unknown option '--bogus' (see exitstat --help)" },
	{ { "-x" }, "unknown option '-x' (see exitstat --help)" },
	{ { "--json=1" }, "unknown option '--json=1' (see exitstat --help)" },
	{ { "-w" }, "option '-w' needs an argument" },
	{ { "--interval" }, "option '--interval' needs an argument" },
	{ { "-w", "abc" }, "invalid interval 'abc': expected seconds, more than 0 and at most 86400" },
	{ { "-w", "0" }, "invalid interval '0': expected seconds, more than 0 and at most 86400" },
	{ { "-w", "-1" }, "invalid interval '-1': expected seconds, more than 0 and at most 86400" },
	{ { "-w", "1s" }, "invalid interval '1s': expected seconds, more than 0 and at most 86400" },
	{ { "-w", "nan" }, "invalid interval 'nan': expected seconds, more than 0 and at most 86400" },
	{ { "-w", "1e9" }, "invalid interval '1e9': expected seconds, more than 0 and at most 86400" },
	{ { "-w", "1", "-c", "0" }, "invalid count '0': expected a whole number more than 0" },
	{ { "-w", "1", "-c", "-2" }, "invalid count '-2': expected a whole number more than 0" },
	{ { "-w", "1", "-c", "2x" }, "invalid count '2x': expected a whole number more than 0" },
	{ { "-w", "1", "-c", "99999999999999999999999" }, "invalid count '99999999999999999999999': expected a whole number more than 0" },
	{ { "-c", "3" }, "--count needs --interval" },
	{ { "-w", "1", "--", "/bin/true" }, "--interval cannot be combined with a command" },
	{ { "--sort=size" }, "invalid sort key 'size': expected exits, cycles, reason or name" },
	{ { "--json", "--csv" }, "choose one of --json, --csv and --prometheus" },
	{ { "-r", "cpuidd" }, "unknown exit reason 'cpuidd' for vmx" },
	{ { "-r", "" }, "unknown exit reason '' for vmx" },
	{ { "-r", "10x" }, "unknown exit reason '10x' for vmx" },
	{ { "-r", "0x100000000" }, "unknown exit reason '0x100000000' for vmx" },
	{ { "-r", "35" }, "exit reason 35 is not defined for vmx" },
	{ { "-r", "cpuid", "-r", "4000" }, "exit reason 4000 is not defined for vmx" },
	{ { "-w", "1", "-r", "42" }, "exit reason 42 is not defined for vmx" },
	{ { "-r", "42", "/bin/true" }, "exit reason 42 is not defined for vmx" },
};

static void test_bad_input(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_inputs) / sizeof(bad_inputs[0]); i++) {
		const struct bad_input *b = &bad_inputs[i];
		struct harness *h = vmx_vm();
		char expected[256];

		snprintf(expected, sizeof(expected), "exitstat: %s\n", b->message);
		run(h, b->args[0], b->args[1], b->args[2], b->args[3], b->args[4],
		    b->args[5], NULL);
		if (h->rc != 2 || strcmp(h->err, expected) || *h->out)
			print_error("case %zu (%s): rc %d, err '%s', out '%s'\n",
				    i, b->args[0], h->rc, h->err, h->out);
		assert_int_equal(h->rc, 2);
		assert_string_equal(h->err, expected);
		assert_string_equal(h->out, "");
		harness_free(h);
	}
}

static void test_svm_bad_reason(void **state)
{
	struct harness *h = harness(KVM_EXITSTAT_VENDOR_SVM);

	(void)state;
	assert_int_equal(run(h, "-r", "CPUID_", NULL), 2);
	assert_string_equal(h->err, "exitstat: unknown exit reason 'CPUID_' for svm\n");
	assert_int_equal(run(h, "-r", "0x401", "-r", "0x0a7", NULL), 2);
	assert_string_equal(h->err, "exitstat: exit reason 0x0a7 is not defined for svm\n");
	assert_int_equal(run(h, "-r", "-3", NULL), 2);
	assert_string_equal(h->err, "exitstat: exit reason -3 is not defined for svm\n");
	harness_free(h);
}

static void test_help_version(void **state)
{
	struct harness *h = harness(KVM_EXITSTAT_VENDOR_VMX);
	char version[64];

	(void)state;
	fake_kvm_set_absent(h->kvm, NULL);	/* needs no kvm-exitstat */
	assert_int_equal(run(h, "--help", NULL), 0);
	assert_memory_equal(h->out, "Usage: exitstat [OPTION]...", 27);
	assert_non_null(strstr(h->out, "\n  -w, --interval=SECONDS "));
	assert_non_null(strstr(h->out, "\n      --prometheus "));
	assert_string_equal(h->err, "");
	assert_int_equal(run(h, "-h", NULL), 0);
	assert_int_equal(run(h, "-V", NULL), 0);
	snprintf(version, sizeof(version), "exitstat 1.0 (kvm-exitstat ABI %d)\n",
		 KVM_EXITSTAT_ABI_VERSION);
	assert_string_equal(h->out, version);
	assert_int_equal(run(h, "--version", NULL), 0);
	assert_string_equal(h->out, version);
	harness_free(h);
}

/* ---------------------------------------------------------------- */
/* discovery                                                          */

static void expect_not_exposed(struct harness *h, const char *machine)
{
	char expected[256];

	snprintf(expected, sizeof(expected),
		 "exitstat: this machine does not expose kvm-exitstat counters "
		 "(no \"KVMExitStats\" signature at CPUID leaf %#x; %s)\n",
		 KVM_EXITSTAT_LEAF_DISCOVERY, machine);
	assert_int_equal(h->rc, 2);
	assert_string_equal(h->err, expected);
	assert_string_equal(h->out, "");
	/* never a counter leaf: their answers mean nothing here */
	assert_int_equal(fake_kvm_calls(h->kvm, KVM_EXITSTAT_LEAF_REASON_EXITS64), 0);
	assert_int_equal(fake_kvm_calls(h->kvm, KVM_EXITSTAT_LEAF_REASON_EXITS), 0);
	assert_int_equal(fake_kvm_calls(h->kvm, KVM_EXITSTAT_LEAF_TOTAL_EXITS), 0);
}

static void test_not_exposed(void **state)
{
	struct harness *h = vmx_vm();

	(void)state;
	fake_kvm_set_absent(h->kvm, NULL);
	run(h, NULL);
	expect_not_exposed(h, "no hypervisor");
	run(h, "-r", "nosuchreason", "-w", "1", NULL);
	expect_not_exposed(h, "no hypervisor");
	run(h, "--json", "--", "/bin/true", NULL);
	expect_not_exposed(h, "no hypervisor");
	harness_free(h);

	h = vmx_vm();
	fake_kvm_set_absent(h->kvm, "KVMKVMKVM\0\0\0");	/* an unpatched KVM */
	run(h, "--csv", NULL);
	expect_not_exposed(h, "hypervisor \"KVMKVMKVM\"");
	harness_free(h);

	/* a signature must match in all three registers */
	h = vmx_vm();
	fake_kvm_override(h->kvm, KVM_EXITSTAT_LEAF_DISCOVERY, KVM_EXITSTAT_DISCOVERY_ID,
			  KVM_EXITSTAT_ABI_VERSION, KVM_EXITSTAT_SIGNATURE_EBX,
			  KVM_EXITSTAT_SIGNATURE_ECX, 0);
	run(h, NULL);
	expect_not_exposed(h, "hypervisor \"KVMKVMKVM\"");
	harness_free(h);

	h = vmx_vm();
	fake_kvm_set_absent(h->kvm, "Microsoft Hv");
	run(h, NULL);
	expect_not_exposed(h, "hypervisor \"Microsoft Hv\"");
	harness_free(h);
}

static void test_not_counting(void **state)
{
	static const char off[] =
		"exitstat: kvm-exitstat counting is switched off on the host (kvm.exitstat_enable=0)\n";
	struct harness *h = vmx_vm();

	(void)state;
	fake_kvm_set_flags(h->kvm, 0);
	assert_int_equal(run(h, NULL), 3);
	assert_string_equal(h->err, off);
	assert_string_equal(h->out, "");
	/* known from discovery alone */
	assert_int_equal(h->cpu.calls, 3);
	harness_free(h);

	/* switched off between discovery and the totals */
	h = vmx_vm();
	fake_kvm_override(h->kvm, KVM_EXITSTAT_LEAF_TOTAL_EXITS64, 0, 0, 0, 0,
			  KVM_EXITSTAT_NOT_COUNTING);
	assert_int_equal(run(h, "-w", "1", NULL), 3);
	assert_string_equal(h->err, off);
	assert_string_equal(h->out, "");
	harness_free(h);
}

static void test_broken_discovery(void **state)
{
	struct harness *h = vmx_vm();
	char expected[160];

	(void)state;
	fake_kvm_override(h->kvm, KVM_EXITSTAT_LEAF_DISCOVERY, KVM_EXITSTAT_DISCOVERY_ID, 0,
			  KVM_EXITSTAT_SIGNATURE_EBX, KVM_EXITSTAT_SIGNATURE_ECX,
			  KVM_EXITSTAT_SIGNATURE_EDX);
	assert_int_equal(run(h, NULL), 2);
	assert_string_equal(h->err,
		"exitstat: kvm-exitstat reports ABI version 0, which this exitstat does not know\n");
	harness_free(h);

	h = vmx_vm();
	fake_kvm_override(h->kvm, KVM_EXITSTAT_LEAF_DISCOVERY, KVM_EXITSTAT_DISCOVERY_BINDING,
			  KVM_EXITSTAT_LEAF_TOTAL_EXITS, KVM_EXITSTAT_LEAF_TOTAL_EXITS,
			  KVM_EXITSTAT_LEAF_REASON_EXITS, KVM_EXITSTAT_LEAF_REASON_CYCLES);
	assert_int_equal(run(h, NULL), 2);
	snprintf(expected, sizeof(expected),
		 "exitstat: kvm-exitstat reports an invalid leaf binding %#x,%#x,%#x,%#x\n",
		 KVM_EXITSTAT_LEAF_TOTAL_EXITS, KVM_EXITSTAT_LEAF_TOTAL_EXITS,
		 KVM_EXITSTAT_LEAF_REASON_EXITS, KVM_EXITSTAT_LEAF_REASON_CYCLES);
	assert_string_equal(h->err, expected);
	harness_free(h);

	h = vmx_vm();
	fake_kvm_override(h->kvm, KVM_EXITSTAT_LEAF_DISCOVERY, KVM_EXITSTAT_DISCOVERY_STATE,
			  7, KVM_EXITSTAT_F_COUNTING, 0, 0);
	assert_int_equal(run(h, NULL), 2);
	assert_string_equal(h->err, "exitstat: kvm-exitstat reports an unknown vendor 7\n");
	harness_free(h);
}

/* Another semester's binding, read from discovery: the same table. */
static void test_custom_binding(void **state)
{
	static const uint32_t permuted[4] = {
		KVM_EXITSTAT_LEAF_REASON_CYCLES,	/* total exits */
		KVM_EXITSTAT_LEAF_REASON_EXITS,		/* total cycles */
		KVM_EXITSTAT_LEAF_TOTAL_CYCLES,		/* exits of a reason */
		KVM_EXITSTAT_LEAF_TOTAL_EXITS,		/* cycles of a reason */
	};
	static const uint32_t elsewhere[4] = {
		KVM_EXITSTAT_HV_LEAF_LAST + 1, KVM_EXITSTAT_HV_LEAF_LAST + 2,
		KVM_EXITSTAT_HV_LEAF_LAST + 3, KVM_EXITSTAT_HV_LEAF_LAST + 4,
	};
	struct harness *h = vmx_vm(), *ref = vmx_vm();

	(void)state;
	assert_int_equal(run(ref, NULL), 0);

	fake_kvm_set_binding(h->kvm, permuted);
	assert_int_equal(run(h, NULL), 0);
	assert_string_equal(h->out, ref->out);
	/*
	 * at the leaves bound to them: cycles of the 3 reasons other than
	 * CPUID with exits and CPUID's 3 readings; the 2 total readings
	 */
	assert_int_equal(fake_kvm_calls(h->kvm, KVM_EXITSTAT_LEAF_TOTAL_EXITS), 6);
	assert_int_equal(fake_kvm_calls(h->kvm, KVM_EXITSTAT_LEAF_REASON_EXITS), 2);
	harness_free(h);

	h = vmx_vm();
	fake_kvm_set_binding(h->kvm, elsewhere);
	assert_int_equal(run(h, NULL), 0);
	assert_string_equal(h->out, ref->out);
	assert_int_equal(fake_kvm_calls(h->kvm, KVM_EXITSTAT_HV_LEAF_LAST + 4), 6);
	assert_int_equal(fake_kvm_calls(h->kvm, KVM_EXITSTAT_HV_LEAF_LAST + 2), 2);
	assert_int_equal(fake_kvm_calls(h->kvm, KVM_EXITSTAT_LEAF_REASON_CYCLES), 0);
	assert_int_equal(fake_kvm_calls(h->kvm, KVM_EXITSTAT_LEAF_TOTAL_CYCLES), 0);
	harness_free(h);
	harness_free(ref);
}

/* ---------------------------------------------------------------- */
/* cost and arithmetic                                                */

/*
 * One CPUID per reason (CPUID's among them), one per other reason with
 * exits, one for the total exits, five for the head and the tail.
 */
static void test_snapshot_cost(void **state)
{
	struct harness *h = vmx_vm();
	size_t n;

	(void)state;
	reasons_table(KVM_EXITSTAT_VENDOR_VMX, &n);
	assert_int_equal(run(h, NULL), 0);
	assert_int_equal(fake_kvm_calls(h->kvm, KVM_EXITSTAT_LEAF_DISCOVERY), 3);
	assert_int_equal(fake_kvm_calls(h->kvm, KVM_EXITSTAT_LEAF_REASON_EXITS64), n);
	assert_int_equal(fake_kvm_calls(h->kvm, KVM_EXITSTAT_LEAF_REASON_CYCLES), 3 + 3);
	assert_int_equal(fake_kvm_calls(h->kvm, KVM_EXITSTAT_LEAF_TOTAL_EXITS64), 1);
	assert_int_equal(fake_kvm_calls(h->kvm, KVM_EXITSTAT_LEAF_TOTAL_CYCLES), 2);
	assert_int_equal(fake_kvm_calls(h->kvm, KVM_EXITSTAT_LEAF_REASON_EXITS), 0);
	assert_int_equal(h->cpu.calls, 3 + n + 3 + 1 + 5);

	h->cpu.calls = 0;
	/* CPUID's exits are read without being asked for */
	assert_int_equal(run(h, "-r", "hlt", NULL), 0);
	assert_int_equal(h->cpu.calls, 3 + 2 + 0 + 1 + 5);
	harness_free(h);
}

static void test_math(void **state)
{
	(void)state;
	assert_int_equal(per_exit(0, 0), 0);
	assert_int_equal(per_exit(100, 0), 0);
	assert_int_equal(per_exit(5, 2), 3);	/* 2.5: half up */
	assert_int_equal(per_exit(4, 3), 1);
	assert_int_equal(per_exit(5, 3), 2);
	assert_int_equal(per_exit(10000, 3), 3333);
	assert_int_equal(per_exit(49000, 24), 2042);
	assert_true(per_exit(UINT64_MAX, 1) == UINT64_MAX);
	assert_true(per_exit(UINT64_MAX, UINT64_MAX) == 1);
	assert_true(share(0, 0) == 0.0);
	assert_true(share(1, 4) == 25.0);
	assert_true(share(70, 70) == 100.0);
	assert_true(rate(10, 0) == 0.0);
	assert_true(rate(3, 0.5) == 6.0);
	assert_true(rate(24, 2.0) == 12.0);
}

static void test_reason_names(void **state)
{
	uint32_t code;
	char buf[16];

	(void)state;
	assert_string_equal(reason_name(KVM_EXITSTAT_VENDOR_VMX, EXIT_REASON_CPUID), "CPUID");
	assert_string_equal(reason_name(KVM_EXITSTAT_VENDOR_SVM, SVM_EXIT_CPUID), "cpuid");
	assert_null(reason_name(KVM_EXITSTAT_VENDOR_VMX, VMX_UNNAMED));
	assert_int_equal(reason_parse(KVM_EXITSTAT_VENDOR_VMX, "ept_violation", &code), 0);
	assert_int_equal(code, EXIT_REASON_EPT_VIOLATION);
	assert_int_equal(reason_parse(KVM_EXITSTAT_VENDOR_SVM, "-1", &code), 0);
	assert_int_equal(code, (uint32_t)SVM_EXIT_ERR);
	assert_int_equal(reason_parse(KVM_EXITSTAT_VENDOR_VMX, "cpuid ", &code), -1);
	reason_format(KVM_EXITSTAT_VENDOR_SVM, SVM_EXIT_NPF, buf, sizeof(buf));
	assert_string_equal(buf, "0x400");
	reason_format(KVM_EXITSTAT_VENDOR_SVM, SVM_EXIT_READ_CR0, buf, sizeof(buf));
	assert_string_equal(buf, "0x000");
	reason_format(KVM_EXITSTAT_VENDOR_VMX, EXIT_REASON_NOTIFY, buf, sizeof(buf));
	assert_string_equal(buf, "75");
	assert_int_equal(reason_cpuid(KVM_EXITSTAT_VENDOR_VMX), EXIT_REASON_CPUID);
	assert_int_equal(reason_cpuid(KVM_EXITSTAT_VENDOR_SVM), SVM_EXIT_CPUID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_prometheus),
		cmocka_unit_test(test_sort_keys),
		cmocka_unit_test(test_all_rows),
		cmocka_unit_test(test_reason_option),
		cmocka_unit_test(test_svm),
		cmocka_unit_test(test_global_scope),
		cmocka_unit_test(test_interval_table),
		cmocka_unit_test(test_interval_rates),
		cmocka_unit_test(test_interval_json),
		cmocka_unit_test(test_interval_prometheus),
		cmocka_unit_test(test_interval_own_queries_not_counted),
		cmocka_unit_test(test_own_queries_neither_exits_nor_cycles),
		cmocka_unit_test(test_interval_32bit_wrap),
		cmocka_unit_test(test_diff_modulo_2_64),
		cmocka_unit_test(test_diff_jitter),
		cmocka_unit_test(test_command_true),
		cmocka_unit_test(test_command_status_passed_on),
		cmocka_unit_test(test_command_json),
		cmocka_unit_test(test_command_prometheus),
		cmocka_unit_test(test_command_cannot_run),
		cmocka_unit_test(test_output_file),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_svm_bad_reason),
		cmocka_unit_test(test_help_version),
		cmocka_unit_test(test_not_exposed),
		cmocka_unit_test(test_not_counting),
		cmocka_unit_test(test_broken_discovery),
		cmocka_unit_test(test_custom_binding),
		cmocka_unit_test(test_snapshot_cost),
		cmocka_unit_test(test_math),
		cmocka_unit_test(test_reason_names),
	};

	return cmocka_run_group_tests_name("exitstat", tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat --host unit tests: the whole program (exitstat_main) against
 * fixture trees of KVM's debugfs files and of /proc in a temporary
 * directory, with a fake clock whose sleep rewrites the files as running
 * VMs would.
 */
#define _GNU_SOURCE	/* open_memstream, nftw, mkdtemp */
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli.h"
#include "host.h"
#include "qemu_name.h"
#include "reasons.h"

struct harness {
	char root[64];		/* the temporary directory */
	char debugfs[128];	/* root/kvm */
	char proc[128];		/* root/proc */
	char *out, *err;
	double clock;
	/* each sleep: run the next of these on the tree */
	void (*per_sleep[4])(struct harness *h);
	int sleeps;
	int rc;
};

/* Writes @text to root/@rel, making its directories. */
static void put(struct harness *h, const char *rel, const char *text)
{
	char path[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", h->root, rel);
	for (p = path + strlen(h->root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* A cmdline: arguments separated by '|' here, by NUL bytes there. */
static void put_cmdline(struct harness *h, long pid, const char *args)
{
	char rel[64], buf[256];
	size_t i, n = strlen(args);
	FILE *f;
	char path[512];

	snprintf(rel, sizeof(rel), "proc/%ld/x", pid);
	put(h, rel, "");
	for (i = 0; i <= n; i++)
		buf[i] = args[i] == '|' ? '\0' : args[i];
	snprintf(path, sizeof(path), "%s/proc/%ld/cmdline", h->root, pid);
	f = fopen(path, "w");
	assert_non_null(f);
	fwrite(buf, 1, n + 1, f);
	assert_int_equal(fclose(f), 0);
}

static int rm_one(const char *path, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void rm(struct harness *h, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", h->root, rel);
	rm_tree(path);
}

static struct harness *harness(void)
{
	struct harness *h = calloc(1, sizeof(*h));

	snprintf(h->root, sizeof(h->root), "/tmp/exitstat-host-XXXXXX");
	assert_non_null(mkdtemp(h->root));
	snprintf(h->debugfs, sizeof(h->debugfs), "%s/kvm", h->root);
	snprintf(h->proc, sizeof(h->proc), "%s/proc", h->root);
	put(h, "proc/mounts",
	    "sysfs /sys sysfs rw 0 0\n"
	    "debugfs /sys/kernel/debug debugfs rw,relatime 0 0\n");
	h->clock = 100.0;
	return h;
}

static void harness_free(struct harness *h)
{
	rm_tree(h->root);
	free(h->out);
	free(h->err);
	free(h);
}

static double fake_now(void *ctx)
{
	return ((struct harness *)ctx)->clock;
}

static void fake_sleep(void *ctx, double seconds)
{
	struct harness *h = ctx;

	h->clock += seconds;
	if (h->sleeps < 4 && h->per_sleep[h->sleeps])
		h->per_sleep[h->sleeps](h);
	h->sleeps++;
}

static int no_run(void *ctx, char *const argv[], int *status, int *err)
{
	(void)ctx;
	(void)argv;
	(void)status;
	*err = ENOSYS;
	return -1;
}

/* Runs exitstat --debugfs=<fixture> with the NULL-terminated arguments. */
static int run(struct harness *h, ...)
{
	char debugfs[160];
	char *argv[32] = { "exitstat", debugfs };
	struct exitstat_env env = {
		.now = fake_now, .sleep = fake_sleep, .run = no_run, .ctx = h,
		.proc = h->proc,
	};
	size_t outlen, errlen;
	int argc = 2;
	va_list ap;

	snprintf(debugfs, sizeof(debugfs), "--debugfs=%s", h->debugfs);
	va_start(ap, h);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	free(h->out);
	free(h->err);
	env.out = open_memstream(&h->out, &outlen);
	env.err = open_memstream(&h->err, &errlen);
	h->sleeps = 0;
	h->rc = exitstat_main(argc, argv, &env);
	fclose(env.out);
	fclose(env.err);
	return h->rc;
}

/* h->err, with the fixture's directory written as ROOT */
static const char *err_of(struct harness *h)
{
	static char buf[2048];
	const char *p = h->err;
	size_t n = 0, len = strlen(h->root);

	while (*p && n + 5 < sizeof(buf)) {
		if (!strncmp(p, h->root, len)) {
			memcpy(buf + n, "ROOT", 4);
			n += 4;
			p += len;
		} else {
			buf[n++] = *p++;
		}
	}
	buf[n] = '\0';
	return buf;
}

#define HEAD	"reason name exits cycles\n"

/*
 * Two QEMUs on Intel: "web" (pid 1234, vCPUs 0 and 1) and "db" (pid 5678,
 * one vCPU).  web: CPUID 52/104000, IO 8/16000, the unnamed reason 69
 * 4/999; db: HLT 100/50000, CPUID 1/3000 and 2/10 of a code outside the
 * table.  167 exits, 174009 cycles in all.
 */
static void vmx_vms(struct harness *h)
{
	put(h, "kvm/1234-11/exitstat", HEAD
	    "10 CPUID 52 104000\n30 IO_INSTRUCTION 8 16000\n69 - 4 999\n"
	    "total - 64 120999\n");
	put(h, "kvm/1234-11/vcpu0/exitstat", HEAD
	    "10 CPUID 50 100000\n69 - 4 999\ntotal - 54 100999\n");
	put(h, "kvm/1234-11/vcpu1/exitstat", HEAD
	    "10 CPUID 2 4000\n30 IO_INSTRUCTION 8 16000\ntotal - 10 20000\n");
	put(h, "kvm/5678-12/exitstat", HEAD
	    "10 CPUID 1 3000\n12 HLT 100 50000\nother - 2 10\n"
	    "total - 103 53010\n");
	put(h, "kvm/5678-12/vcpu0/exitstat", HEAD
	    "10 CPUID 1 3000\n12 HLT 100 50000\nother - 2 10\n"
	    "total - 103 53010\n");
	/* the global file and KVM's own files are not a VM's */
	put(h, "kvm/exitstat", HEAD "10 CPUID 53 107000\ntotal - 53 107000\nvcpus 3\n");
	put(h, "kvm/1234-11/pages_4k", "0\n");
	put(h, "kvm/halt_exits", "0\n");
	put_cmdline(h, 1234, "/usr/bin/qemu-system-x86_64|-machine|q35|-name|guest=web,debug-threads=on|-m|512");
	put_cmdline(h, 5678, "qemu-system-x86_64|-name|db|-smp|1");
}

static struct harness *vmx_host(void)
{
	struct harness *h = harness();

	vmx_vms(h);
	return h;
}

/* exit code, standard output and error (the fixture's path as ROOT) */
#define expect(h, rc_, out_, err_) do {					\
	assert_string_equal(err_of(h), (err_));				\
	assert_string_equal((h)->out, (out_));				\
	assert_int_equal((h)->rc, (rc_));				\
} while (0)

/* ---------------------------------------------------------------- */
/* snapshots                                                          */

static void test_table(void **state)
{
	struct harness *h = vmx_host();

	(void)state;
	run(h, "--host", NULL);
	expect(h, 0,
"VM exits of 2 VMs running now, each since it started (vmx)\n"
"reason  name                         exits             cycles  cycles/exit    share\n"
"    12  HLT                            100              50000          500   59.88%\n"
"    10  CPUID                           53             107000         2019   31.74%\n"
"    30  IO_INSTRUCTION                   8              16000         2000    4.79%\n"
"        total                          167             174009         1042  100.00%\n",
	       "");
	harness_free(h);
}

static void test_by_vm(void **state)
{
	struct harness *h = vmx_host();

	(void)state;
	run(h, "--host", "--by-vm", NULL);
	expect(h, 0,
"VM exits of 2 VMs running now, by VM, each since it started (vmx)\n"
"    pid  vm             exits             cycles  cycles/exit    share  top reason\n"
"   5678  db               103              53010          515   61.68%  HLT 97.09%\n"
"   1234  web               64             120999         1891   38.32%  CPUID 81.25%\n"
"         total            167             174009         1042  100.00%\n",
	       "");
	run(h, "--host", "--by-vm", "-s", "reason", NULL);	/* by pid */
	expect(h, 0,
"VM exits of 2 VMs running now, by VM, each since it started (vmx)\n"
"    pid  vm             exits             cycles  cycles/exit    share  top reason\n"
"   1234  web               64             120999         1891   38.32%  CPUID 81.25%\n"
"   5678  db               103              53010          515   61.68%  HLT 97.09%\n"
"         total            167             174009         1042  100.00%\n",
	       "");
	run(h, "--host", "--by-vm", "--csv", NULL);
	expect(h, 0,
"pid,vm,exits,cycles,cycles_per_exit,share_pct,top_reason,top_name,top_share_pct\n"
"5678,db,103,53010,515,61.68,12,HLT,97.09\n"
"1234,web,64,120999,1891,38.32,10,CPUID,81.25\n"
"total,,167,174009,1042,100.00,,,\n",
	       "");
	harness_free(h);
}

static void test_by_vcpu(void **state)
{
	struct harness *h = vmx_host();

	(void)state;
	run(h, "--host", "--by-vcpu", NULL);
	expect(h, 0,
"VM exits of 2 VMs running now, by vCPU, each since it started (vmx)\n"
"    pid  vm      vcpu          exits             cycles  cycles/exit    share  top reason\n"
"   5678  db         0            103              53010          515   61.68%  HLT 97.09%\n"
"   1234  web        0             54             100999         1870   32.34%  CPUID 92.59%\n"
"   1234  web        1             10              20000         2000    5.99%  IO_INSTRUCTION 80.00%\n"
"         total                   167             174009         1042  100.00%\n",
	       "");
	run(h, "--host", "--by-vcpu", "--vm=web", "--csv", NULL);
	expect(h, 0,
"pid,vm,vcpu,exits,cycles,cycles_per_exit,share_pct,top_reason,top_name,top_share_pct\n"
"1234,web,0,54,100999,1870,84.38,10,CPUID,92.59\n"
"1234,web,1,10,20000,2000,15.62,30,IO_INSTRUCTION,80.00\n"
"total,,,64,120999,1891,100.00,,,\n",
	       "");
	run(h, "--host", "--by-vcpu", "--json", "-r", "io_instruction", NULL);
	expect(h, 0,
"{\"mode\":\"snapshot\",\"vendor\":\"vmx\",\"scope\":\"host\",\"vms\":2,\"by\":\"vcpu\",\"groups\":[{\"pid\":5678,\"vm\":\"db\",\"vcpu\":0,\"reasons\":[{\"reason\":30,\"name\":\"IO_INSTRUCTION\",\"exits\":0,\"cycles\":0,\"cycles_per_exit\":null,\"share_pct\":0.00}],\"total\":{\"exits\":103,\"cycles\":53010,\"cycles_per_exit\":515}},{\"pid\":1234,\"vm\":\"web\",\"vcpu\":0,\"reasons\":[{\"reason\":30,\"name\":\"IO_INSTRUCTION\",\"exits\":0,\"cycles\":0,\"cycles_per_exit\":null,\"share_pct\":0.00}],\"total\":{\"exits\":54,\"cycles\":100999,\"cycles_per_exit\":1870}},{\"pid\":1234,\"vm\":\"web\",\"vcpu\":1,\"reasons\":[{\"reason\":30,\"name\":\"IO_INSTRUCTION\",\"exits\":8,\"cycles\":16000,\"cycles_per_exit\":2000,\"share_pct\":80.00}],\"total\":{\"exits\":10,\"cycles\":20000,\"cycles_per_exit\":2000}}],\"total\":{\"exits\":167,\"cycles\":174009,\"cycles_per_exit\":1042}}\n",
	       "");
	harness_free(h);
}

static void test_vm(void **state)
{
	struct harness *h = vmx_host();
	char *out;

	(void)state;
	run(h, "--host", "--vm=1234", NULL);
	expect(h, 0,
"VM exits of VM 1234 (web) since it started (vmx)\n"
"reason  name                         exits             cycles  cycles/exit    share\n"
"    10  CPUID                           52             104000         2000   81.25%\n"
"    30  IO_INSTRUCTION                   8              16000         2000   12.50%\n"
"        total                           64             120999         1891  100.00%\n",
	       "");
	out = strdup(h->out);
	run(h, "--host", "--vm", "web", NULL);
	assert_string_equal(h->out, out);
	free(out);
	run(h, "--host", "--vm=db", "--json", NULL);
	expect(h, 0,
"{\"mode\":\"snapshot\",\"vendor\":\"vmx\",\"scope\":\"host\",\"vms\":1,\"pid\":5678,\"vm\":\"db\",\"reasons\":[{\"reason\":12,\"name\":\"HLT\",\"exits\":100,\"cycles\":50000,\"cycles_per_exit\":500,\"share_pct\":97.09},{\"reason\":10,\"name\":\"CPUID\",\"exits\":1,\"cycles\":3000,\"cycles_per_exit\":3000,\"share_pct\":0.97}],\"total\":{\"exits\":103,\"cycles\":53010,\"cycles_per_exit\":515}}\n",
	       "");
	/* a pid with two VMs: both summed, and said so */
	put(h, "kvm/5678-13/exitstat", HEAD "12 HLT 1 1000\ntotal - 1 1000\n");
	run(h, "--host", "--vm=5678", NULL);
	expect(h, 0,
"VM exits of the 2 VMs of process 5678 (db), each since it started (vmx)\n"
"reason  name                         exits             cycles  cycles/exit    share\n"
"    12  HLT                            101              51000          505   97.12%\n"
"    10  CPUID                            1               3000         3000    0.96%\n"
"        total                          104              54010          519  100.00%\n",
	       "");
	run(h, "--host", "--vm=5678", "--by-vcpu", "--csv", NULL);
	expect(h, 0,
"pid,vm,vcpu,exits,cycles,cycles_per_exit,share_pct,top_reason,top_name,top_share_pct\n"
"5678,db,12/0,103,53010,515,100.00,12,HLT,97.09\n"
"total,,,103,53010,515,100.00,,,\n",
	       "");
	harness_free(h);
}

static void test_reasons(void **state)
{
	struct harness *h = vmx_host();
	size_t n;

	(void)state;
	run(h, "--host", "--csv", "-r", "hlt", "-r", "69", "-r", "0xa", "-r", "CPUID", NULL);
	expect(h, 0,
"reason,name,exits,cycles,cycles_per_exit,share_pct\n"
"12,HLT,100,50000,500,59.88\n"
"10,CPUID,53,107000,2019,31.74\n"
"69,,4,999,250,2.40\n"
"total,,167,174009,1042,100.00\n",
	       "");
	run(h, "--host", "--csv", "-s", "reason", "-r", "EXCEPTION_NMI", NULL);
	expect(h, 0,
"reason,name,exits,cycles,cycles_per_exit,share_pct\n"
"0,EXCEPTION_NMI,0,0,,0.00\n"
"total,,167,174009,1042,100.00\n",
	       "");
	reasons_table(KVM_EXITSTAT_VENDOR_VMX, &n);
	run(h, "--host", "--csv", "-a", NULL);
	assert_int_equal(h->rc, 0);
	/* header, every named reason, total */
	{
		size_t lines = 0;
		const char *p;

		for (p = h->out; *p; p++)
			lines += *p == '\n';
		assert_int_equal(lines, n + 2);
	}
	run(h, "--host", "-r", "cpuid_", NULL);
	expect(h, 2, "", "exitstat: unknown exit reason 'cpuid_' for vmx\n");
	harness_free(h);
}

static void test_json_csv(void **state)
{
	struct harness *h = vmx_host();

	(void)state;
	run(h, "--host", "--json", NULL);
	expect(h, 0,
"{\"mode\":\"snapshot\",\"vendor\":\"vmx\",\"scope\":\"host\",\"vms\":2,\"reasons\":[{\"reason\":12,\"name\":\"HLT\",\"exits\":100,\"cycles\":50000,\"cycles_per_exit\":500,\"share_pct\":59.88},{\"reason\":10,\"name\":\"CPUID\",\"exits\":53,\"cycles\":107000,\"cycles_per_exit\":2019,\"share_pct\":31.74},{\"reason\":30,\"name\":\"IO_INSTRUCTION\",\"exits\":8,\"cycles\":16000,\"cycles_per_exit\":2000,\"share_pct\":4.79}],\"total\":{\"exits\":167,\"cycles\":174009,\"cycles_per_exit\":1042}}\n",
	       "");
	run(h, "--host", "--csv", "-s", "cycles", NULL);
	expect(h, 0,
"reason,name,exits,cycles,cycles_per_exit,share_pct\n"
"10,CPUID,53,107000,2019,31.74\n"
"12,HLT,100,50000,500,59.88\n"
"30,IO_INSTRUCTION,8,16000,2000,4.79\n"
"total,,167,174009,1042,100.00\n",
	       "");
	run(h, "--host", "--by-vm", "--json", NULL);
	expect(h, 0,
"{\"mode\":\"snapshot\",\"vendor\":\"vmx\",\"scope\":\"host\",\"vms\":2,\"by\":\"vm\",\"groups\":[{\"pid\":5678,\"vm\":\"db\",\"reasons\":[{\"reason\":12,\"name\":\"HLT\",\"exits\":100,\"cycles\":50000,\"cycles_per_exit\":500,\"share_pct\":97.09},{\"reason\":10,\"name\":\"CPUID\",\"exits\":1,\"cycles\":3000,\"cycles_per_exit\":3000,\"share_pct\":0.97}],\"total\":{\"exits\":103,\"cycles\":53010,\"cycles_per_exit\":515}},{\"pid\":1234,\"vm\":\"web\",\"reasons\":[{\"reason\":10,\"name\":\"CPUID\",\"exits\":52,\"cycles\":104000,\"cycles_per_exit\":2000,\"share_pct\":81.25},{\"reason\":30,\"name\":\"IO_INSTRUCTION\",\"exits\":8,\"cycles\":16000,\"cycles_per_exit\":2000,\"share_pct\":12.50}],\"total\":{\"exits\":64,\"cycles\":120999,\"cycles_per_exit\":1891}}],\"total\":{\"exits\":167,\"cycles\":174009,\"cycles_per_exit\":1042}}\n",
	       "");
	harness_free(h);
}

static void test_prometheus(void **state)
{
	struct harness *h = vmx_host();

	(void)state;
	run(h, "--host", "--prometheus", "-s", "reason", NULL);
	expect(h, 0,
"# HELP kvm_exitstat_host_exits_total VM exits by VM and exit reason, from KVM's debugfs.\n"
"# TYPE kvm_exitstat_host_exits_total counter\n"
"kvm_exitstat_host_exits_total{vendor=\"vmx\",pid=\"1234\",vm=\"web\",reason=\"10\",name=\"CPUID\"} 52\n"
"kvm_exitstat_host_exits_total{vendor=\"vmx\",pid=\"1234\",vm=\"web\",reason=\"30\",name=\"IO_INSTRUCTION\"} 8\n"
"kvm_exitstat_host_exits_total{vendor=\"vmx\",pid=\"5678\",vm=\"db\",reason=\"10\",name=\"CPUID\"} 1\n"
"kvm_exitstat_host_exits_total{vendor=\"vmx\",pid=\"5678\",vm=\"db\",reason=\"12\",name=\"HLT\"} 100\n"
"# HELP kvm_exitstat_host_cycles_total Host TSC cycles KVM spent handling VM exits, by VM and exit reason.\n"
"# TYPE kvm_exitstat_host_cycles_total counter\n"
"kvm_exitstat_host_cycles_total{vendor=\"vmx\",pid=\"1234\",vm=\"web\",reason=\"10\",name=\"CPUID\"} 104000\n"
"kvm_exitstat_host_cycles_total{vendor=\"vmx\",pid=\"1234\",vm=\"web\",reason=\"30\",name=\"IO_INSTRUCTION\"} 16000\n"
"kvm_exitstat_host_cycles_total{vendor=\"vmx\",pid=\"5678\",vm=\"db\",reason=\"10\",name=\"CPUID\"} 3000\n"
"kvm_exitstat_host_cycles_total{vendor=\"vmx\",pid=\"5678\",vm=\"db\",reason=\"12\",name=\"HLT\"} 50000\n"
"# HELP kvm_exitstat_host_all_exits_total VM exits of all exit reasons, by VM.\n"
"# TYPE kvm_exitstat_host_all_exits_total counter\n"
"kvm_exitstat_host_all_exits_total{vendor=\"vmx\",pid=\"1234\",vm=\"web\"} 64\n"
"kvm_exitstat_host_all_exits_total{vendor=\"vmx\",pid=\"5678\",vm=\"db\"} 103\n"
"# HELP kvm_exitstat_host_all_cycles_total Host TSC cycles KVM spent handling VM exits of all exit reasons, by VM.\n"
"# TYPE kvm_exitstat_host_all_cycles_total counter\n"
"kvm_exitstat_host_all_cycles_total{vendor=\"vmx\",pid=\"1234\",vm=\"web\"} 120999\n"
"kvm_exitstat_host_all_cycles_total{vendor=\"vmx\",pid=\"5678\",vm=\"db\"} 53010\n"
"# HELP kvm_exitstat_host_vms VMs whose counters were read.\n"
"# TYPE kvm_exitstat_host_vms gauge\n"
"kvm_exitstat_host_vms 2\n",
	       "");
	run(h, "--host", "--prometheus", "--by-vcpu", "--vm=web", "-r", "cpuid", NULL);
	expect(h, 0,
"# HELP kvm_exitstat_host_exits_total VM exits by VM and exit reason, from KVM's debugfs.\n"
"# TYPE kvm_exitstat_host_exits_total counter\n"
"kvm_exitstat_host_exits_total{vendor=\"vmx\",pid=\"1234\",vm=\"web\",vcpu=\"0\",reason=\"10\",name=\"CPUID\"} 50\n"
"kvm_exitstat_host_exits_total{vendor=\"vmx\",pid=\"1234\",vm=\"web\",vcpu=\"1\",reason=\"10\",name=\"CPUID\"} 2\n"
"# HELP kvm_exitstat_host_cycles_total Host TSC cycles KVM spent handling VM exits, by VM and exit reason.\n"
"# TYPE kvm_exitstat_host_cycles_total counter\n"
"kvm_exitstat_host_cycles_total{vendor=\"vmx\",pid=\"1234\",vm=\"web\",vcpu=\"0\",reason=\"10\",name=\"CPUID\"} 100000\n"
"kvm_exitstat_host_cycles_total{vendor=\"vmx\",pid=\"1234\",vm=\"web\",vcpu=\"1\",reason=\"10\",name=\"CPUID\"} 4000\n"
"# HELP kvm_exitstat_host_all_exits_total VM exits of all exit reasons, by VM.\n"
"# TYPE kvm_exitstat_host_all_exits_total counter\n"
"kvm_exitstat_host_all_exits_total{vendor=\"vmx\",pid=\"1234\",vm=\"web\",vcpu=\"0\"} 54\n"
"kvm_exitstat_host_all_exits_total{vendor=\"vmx\",pid=\"1234\",vm=\"web\",vcpu=\"1\"} 10\n"
"# HELP kvm_exitstat_host_all_cycles_total Host TSC cycles KVM spent handling VM exits of all exit reasons, by VM.\n"
"# TYPE kvm_exitstat_host_all_cycles_total counter\n"
"kvm_exitstat_host_all_cycles_total{vendor=\"vmx\",pid=\"1234\",vm=\"web\",vcpu=\"0\"} 100999\n"
"kvm_exitstat_host_all_cycles_total{vendor=\"vmx\",pid=\"1234\",vm=\"web\",vcpu=\"1\"} 20000\n"
"# HELP kvm_exitstat_host_vms VMs whose counters were read.\n"
"# TYPE kvm_exitstat_host_vms gauge\n"
"kvm_exitstat_host_vms 1\n",
	       "");
	harness_free(h);
}

/* AMD: lower-case names, one with a space, VMEXIT_INVALID as 2^32 - 1 */
static void test_svm(void **state)
{
	struct harness *h = harness();

	(void)state;
	put(h, "kvm/4242-9/exitstat", HEAD
	    "64 DE excp 5 500\n114 cpuid 40 80000\n123 io 30 90000\n"
	    "1024 npf 20 100000\n4294967295 invalid_guest_state 1 7\n"
	    "total - 96 270507\n");
	put(h, "kvm/4242-9/vcpu0/exitstat", HEAD
	    "64 DE excp 5 500\n114 cpuid 40 80000\n123 io 30 90000\n"
	    "1024 npf 20 100000\n4294967295 invalid_guest_state 1 7\n"
	    "total - 96 270507\n");
	put_cmdline(h, 4242, "qemu|-name|vm,,one,process=q");
	run(h, "--host", NULL);
	expect(h, 0,
"VM exits of 1 VM running now, since it started (svm)\n"
"reason  name                                exits             cycles  cycles/exit    share\n"
" 0x072  cpuid                                  40              80000         2000   41.67%\n"
" 0x07b  io                                     30              90000         3000   31.25%\n"
" 0x400  npf                                    20             100000         5000   20.83%\n"
" 0x040  DE excp                                 5                500          100    5.21%\n"
"    -1  invalid_guest_state                     1                  7            7    1.04%\n"
"        total                                  96             270507         2818  100.00%\n",
	       "");
	run(h, "--host", "--by-vcpu", "--prometheus", "-r", "de excp", "-r", "-1", NULL);
	expect(h, 0,
"# HELP kvm_exitstat_host_exits_total VM exits by VM and exit reason, from KVM's debugfs.\n"
"# TYPE kvm_exitstat_host_exits_total counter\n"
"kvm_exitstat_host_exits_total{vendor=\"svm\",pid=\"4242\",vm=\"vm,one\",vcpu=\"0\",reason=\"0x040\",name=\"DE excp\"} 5\n"
"kvm_exitstat_host_exits_total{vendor=\"svm\",pid=\"4242\",vm=\"vm,one\",vcpu=\"0\",reason=\"-1\",name=\"invalid_guest_state\"} 1\n"
"# HELP kvm_exitstat_host_cycles_total Host TSC cycles KVM spent handling VM exits, by VM and exit reason.\n"
"# TYPE kvm_exitstat_host_cycles_total counter\n"
"kvm_exitstat_host_cycles_total{vendor=\"svm\",pid=\"4242\",vm=\"vm,one\",vcpu=\"0\",reason=\"0x040\",name=\"DE excp\"} 500\n"
"kvm_exitstat_host_cycles_total{vendor=\"svm\",pid=\"4242\",vm=\"vm,one\",vcpu=\"0\",reason=\"-1\",name=\"invalid_guest_state\"} 7\n"
"# HELP kvm_exitstat_host_all_exits_total VM exits of all exit reasons, by VM.\n"
"# TYPE kvm_exitstat_host_all_exits_total counter\n"
"kvm_exitstat_host_all_exits_total{vendor=\"svm\",pid=\"4242\",vm=\"vm,one\",vcpu=\"0\"} 96\n"
"# HELP kvm_exitstat_host_all_cycles_total Host TSC cycles KVM spent handling VM exits of all exit reasons, by VM.\n"
"# TYPE kvm_exitstat_host_all_cycles_total counter\n"
"kvm_exitstat_host_all_cycles_total{vendor=\"svm\",pid=\"4242\",vm=\"vm,one\",vcpu=\"0\"} 270507\n"
"# HELP kvm_exitstat_host_vms VMs whose counters were read.\n"
"# TYPE kvm_exitstat_host_vms gauge\n"
"kvm_exitstat_host_vms 1\n",
	       "");
	run(h, "--host", "--vm=vm,one", "--csv", "-r", "0x72", NULL);
	expect(h, 0,
"reason,name,exits,cycles,cycles_per_exit,share_pct\n"
"0x072,cpuid,40,80000,2000,41.67\n"
"total,,96,270507,2818,100.00\n",
	       "");
	harness_free(h);
}

static void test_no_vm(void **state)
{
	struct harness *h = harness();

	(void)state;
	put(h, "kvm/halt_exits", "0\n");	/* KVM loaded, no VM */
	run(h, "--host", NULL);
	expect(h, 0,
"VM exits of 0 VMs running now (none)\n"
"reason  name           exits             cycles  cycles/exit    share\n"
"        total              0                  0            -    0.00%\n",
	       "");
	run(h, "--host", "--by-vm", "--csv", NULL);
	expect(h, 0,
"pid,vm,exits,cycles,cycles_per_exit,share_pct,top_reason,top_name,top_share_pct\n"
"total,,0,0,,0.00,,,\n",
	       "");
	run(h, "--host", "--prometheus", NULL);
	expect(h, 0,
"# HELP kvm_exitstat_host_exits_total VM exits by VM and exit reason, from KVM's debugfs.\n"
"# TYPE kvm_exitstat_host_exits_total counter\n"
"# HELP kvm_exitstat_host_cycles_total Host TSC cycles KVM spent handling VM exits, by VM and exit reason.\n"
"# TYPE kvm_exitstat_host_cycles_total counter\n"
"# HELP kvm_exitstat_host_all_exits_total VM exits of all exit reasons, by VM.\n"
"# TYPE kvm_exitstat_host_all_exits_total counter\n"
"# HELP kvm_exitstat_host_all_cycles_total Host TSC cycles KVM spent handling VM exits of all exit reasons, by VM.\n"
"# TYPE kvm_exitstat_host_all_cycles_total counter\n"
"# HELP kvm_exitstat_host_vms VMs whose counters were read.\n"
"# TYPE kvm_exitstat_host_vms gauge\n"
"kvm_exitstat_host_vms 0\n",
	       "");
	run(h, "--host", "-r", "hlt", "--json", NULL);
	expect(h, 0,
"{\"mode\":\"snapshot\",\"vendor\":\"none\",\"scope\":\"host\",\"vms\":0,\"reasons\":[],\"total\":{\"exits\":0,\"cycles\":0,\"cycles_per_exit\":null}}\n",
	       "");
	run(h, "--host", "-r", "nosuch", NULL);
	expect(h, 2, "", "exitstat: unknown exit reason 'nosuch'\n");
	harness_free(h);
}

/* ---------------------------------------------------------------- */
/* intervals                                                          */

/* web runs 10 more CPUID and 2 more IO exits, on vCPU 1 */
static void web_busy(struct harness *h)
{
	put(h, "kvm/1234-11/exitstat", HEAD
	    "10 CPUID 62 124000\n30 IO_INSTRUCTION 10 20000\n69 - 4 999\n"
	    "total - 76 144999\n");
	put(h, "kvm/1234-11/vcpu1/exitstat", HEAD
	    "10 CPUID 12 24000\n30 IO_INSTRUCTION 10 20000\ntotal - 22 44000\n");
}

/* db ends; a new VM starts, 8 HLT exits so far */
static void db_ends_new_starts(struct harness *h)
{
	rm(h, "kvm/5678-12");
	rm(h, "proc/5678");
	put(h, "kvm/777-10/exitstat", HEAD "12 HLT 8 800\ntotal - 8 800\n");
	put(h, "kvm/777-10/vcpu0/exitstat", HEAD "12 HLT 8 800\ntotal - 8 800\n");
	put_cmdline(h, 777, "qemu|-name|new");
}

/* web's pid and fd are taken by a new VM: its counters start again */
static void web_restarts(struct harness *h)
{
	put(h, "kvm/1234-11/exitstat", HEAD "10 CPUID 3 6000\ntotal - 3 6000\n");
	rm(h, "kvm/1234-11/vcpu1");
	put(h, "kvm/1234-11/vcpu0/exitstat", HEAD "10 CPUID 3 6000\ntotal - 3 6000\n");
}

static void test_interval(void **state)
{
	struct harness *h = vmx_host();

	(void)state;
	h->per_sleep[0] = web_busy;
	run(h, "--host", "-w", "2", "-c", "2", NULL);
	expect(h, 0,
"VM exits of the VMs running on this host per interval (vmx)\n"
"     time  reason  name                         exits        exits/s           cycles/s  cycles/exit\n"
"    2.000      10  CPUID                           10            5.0            10000.0         2000\n"
"    2.000      30  IO_INSTRUCTION                   2            1.0             2000.0         2000\n"
"    2.000          total                           12            6.0            12000.0         2000\n"
"    4.000          total                            0            0.0                0.0            -\n",
	       "");
	assert_true(h->clock == 104.0);
	harness_free(h);

	h = vmx_host();
	h->per_sleep[0] = web_busy;
	run(h, "--host", "-w", "0.5", "-c", "1", "--by-vcpu", "--csv", NULL);
	expect(h, 0,
"time,pid,vm,vcpu,exits,cycles,exits_per_sec,cycles_per_sec,cycles_per_exit,top_reason,top_name,top_share_pct\n"
"0.500,1234,web,1,12,24000,24.0,48000.0,2000,10,CPUID,83.33\n"
"0.500,1234,web,0,0,0,0.0,0.0,,,,\n"
"0.500,5678,db,0,0,0,0.0,0.0,,,,\n"
"0.500,total,,,12,24000,24.0,48000.0,2000,,,\n",
	       "");
	harness_free(h);
}

static void test_interval_vms_come_and_go(void **state)
{
	struct harness *h = vmx_host();

	(void)state;
	h->per_sleep[0] = db_ends_new_starts;
	h->per_sleep[1] = web_restarts;
	run(h, "--host", "-w", "1", "-c", "2", "--by-vm", NULL);
	expect(h, 0,
"VM exits of the VMs running on this host, by VM, per interval (vmx)\n"
"     time      pid  vm             exits        exits/s           cycles/s  cycles/exit  top reason\n"
"    1.000      777  new                8            8.0              800.0          100  HLT 100.00%\n"
"    1.000     1234  web                0            0.0                0.0            -  -\n"
"    1.000           total              8            8.0              800.0          100\n"
"    2.000     1234  web                3            3.0             6000.0         2000  CPUID 100.00%\n"
"    2.000      777  new                0            0.0                0.0            -  -\n"
"    2.000           total              3            3.0             6000.0         2000\n",
	       "");
	harness_free(h);

	h = vmx_host();
	h->per_sleep[0] = db_ends_new_starts;
	h->per_sleep[1] = web_restarts;
	run(h, "--host", "-w", "1", "-c", "2", "--by-vcpu", "--json", NULL);
	expect(h, 0,
"{\"mode\":\"interval\",\"vendor\":\"vmx\",\"scope\":\"host\",\"interval\":1,\"time\":1.000,\"seconds\":1.000,\"vms\":2,\"by\":\"vcpu\",\"groups\":[{\"pid\":777,\"vm\":\"new\",\"vcpu\":0,\"reasons\":[{\"reason\":12,\"name\":\"HLT\",\"exits\":8,\"cycles\":800,\"cycles_per_exit\":100,\"share_pct\":100.00}],\"total\":{\"exits\":8,\"cycles\":800,\"cycles_per_exit\":100}},{\"pid\":1234,\"vm\":\"web\",\"vcpu\":0,\"reasons\":[],\"total\":{\"exits\":0,\"cycles\":0,\"cycles_per_exit\":null}},{\"pid\":1234,\"vm\":\"web\",\"vcpu\":1,\"reasons\":[],\"total\":{\"exits\":0,\"cycles\":0,\"cycles_per_exit\":null}}],\"total\":{\"exits\":8,\"cycles\":800,\"exits_per_sec\":8.0,\"cycles_per_sec\":800.0,\"cycles_per_exit\":100}}\n"
"{\"mode\":\"interval\",\"vendor\":\"vmx\",\"scope\":\"host\",\"interval\":2,\"time\":2.000,\"seconds\":1.000,\"vms\":2,\"by\":\"vcpu\",\"groups\":[{\"pid\":1234,\"vm\":\"web\",\"vcpu\":0,\"reasons\":[{\"reason\":10,\"name\":\"CPUID\",\"exits\":3,\"cycles\":6000,\"cycles_per_exit\":2000,\"share_pct\":100.00}],\"total\":{\"exits\":3,\"cycles\":6000,\"cycles_per_exit\":2000}},{\"pid\":777,\"vm\":\"new\",\"vcpu\":0,\"reasons\":[],\"total\":{\"exits\":0,\"cycles\":0,\"cycles_per_exit\":null}}],\"total\":{\"exits\":3,\"cycles\":6000,\"exits_per_sec\":3.0,\"cycles_per_sec\":6000.0,\"cycles_per_exit\":2000}}\n",
	       "");
	harness_free(h);

	h = vmx_host();
	h->per_sleep[0] = db_ends_new_starts;
	run(h, "--host", "-w", "1", "-c", "2", "--prometheus", NULL);
	expect(h, 0,
"# HELP kvm_exitstat_host_exits_per_second VM exits per second in the last interval, by VM and exit reason, from KVM's debugfs.\n"
"# TYPE kvm_exitstat_host_exits_per_second gauge\n"
"kvm_exitstat_host_exits_per_second{vendor=\"vmx\",pid=\"777\",vm=\"new\",reason=\"12\",name=\"HLT\"} 8.000\n"
"# HELP kvm_exitstat_host_cycles_per_second Host TSC cycles per second KVM spent handling VM exits in the last interval, by VM and exit reason.\n"
"# TYPE kvm_exitstat_host_cycles_per_second gauge\n"
"kvm_exitstat_host_cycles_per_second{vendor=\"vmx\",pid=\"777\",vm=\"new\",reason=\"12\",name=\"HLT\"} 800.000\n"
"# HELP kvm_exitstat_host_all_exits_per_second VM exits of all exit reasons per second in the last interval, by VM.\n"
"# TYPE kvm_exitstat_host_all_exits_per_second gauge\n"
"kvm_exitstat_host_all_exits_per_second{vendor=\"vmx\",pid=\"777\",vm=\"new\"} 8.000\n"
"kvm_exitstat_host_all_exits_per_second{vendor=\"vmx\",pid=\"1234\",vm=\"web\"} 0.000\n"
"# HELP kvm_exitstat_host_all_cycles_per_second Host TSC cycles per second KVM spent handling VM exits of all exit reasons in the last interval, by VM.\n"
"# TYPE kvm_exitstat_host_all_cycles_per_second gauge\n"
"kvm_exitstat_host_all_cycles_per_second{vendor=\"vmx\",pid=\"777\",vm=\"new\"} 800.000\n"
"kvm_exitstat_host_all_cycles_per_second{vendor=\"vmx\",pid=\"1234\",vm=\"web\"} 0.000\n"
"# HELP kvm_exitstat_host_vms VMs whose counters were read.\n"
"# TYPE kvm_exitstat_host_vms gauge\n"
"kvm_exitstat_host_vms 2\n"
"\n"
"# HELP kvm_exitstat_host_exits_per_second VM exits per second in the last interval, by VM and exit reason, from KVM's debugfs.\n"
"# TYPE kvm_exitstat_host_exits_per_second gauge\n"
"# HELP kvm_exitstat_host_cycles_per_second Host TSC cycles per second KVM spent handling VM exits in the last interval, by VM and exit reason.\n"
"# TYPE kvm_exitstat_host_cycles_per_second gauge\n"
"# HELP kvm_exitstat_host_all_exits_per_second VM exits of all exit reasons per second in the last interval, by VM.\n"
"# TYPE kvm_exitstat_host_all_exits_per_second gauge\n"
"kvm_exitstat_host_all_exits_per_second{vendor=\"vmx\",pid=\"777\",vm=\"new\"} 0.000\n"
"kvm_exitstat_host_all_exits_per_second{vendor=\"vmx\",pid=\"1234\",vm=\"web\"} 0.000\n"
"# HELP kvm_exitstat_host_all_cycles_per_second Host TSC cycles per second KVM spent handling VM exits of all exit reasons in the last interval, by VM.\n"
"# TYPE kvm_exitstat_host_all_cycles_per_second gauge\n"
"kvm_exitstat_host_all_cycles_per_second{vendor=\"vmx\",pid=\"777\",vm=\"new\"} 0.000\n"
"kvm_exitstat_host_all_cycles_per_second{vendor=\"vmx\",pid=\"1234\",vm=\"web\"} 0.000\n"
"# HELP kvm_exitstat_host_vms VMs whose counters were read.\n"
"# TYPE kvm_exitstat_host_vms gauge\n"
"kvm_exitstat_host_vms 2\n",
	       "");
	harness_free(h);
}

static void test_interval_vm_ends(void **state)
{
	struct harness *h = vmx_host();

	(void)state;
	h->per_sleep[0] = web_busy;
	h->per_sleep[1] = db_ends_new_starts;
	run(h, "--host", "--vm=db", "-w", "1", "--csv", NULL);
	expect(h, 0,
"time,reason,name,exits,cycles,exits_per_sec,cycles_per_sec,cycles_per_exit\n"
"1.000,total,,0,0,0.0,0.0,\n",
	       "exitstat: VM 5678 (db) has ended\n");
	harness_free(h);
}

/* ---------------------------------------------------------------- */
/* errors                                                             */

static void test_no_debugfs(void **state)
{
	struct harness *h = harness();

	(void)state;
	/* debugfs mounted, but KVM not loaded */
	run(h, "--host", NULL);
	expect(h, 2, "", "exitstat: ROOT/kvm does not exist: KVM is not loaded; load it with: modprobe kvm_intel (or kvm_amd)\n");
	/* debugfs not mounted */
	put(h, "proc/mounts", "sysfs /sys sysfs rw 0 0\n");
	run(h, "--host", "--json", NULL);
	expect(h, 2, "", "exitstat: ROOT/kvm does not exist: debugfs is not mounted (not in ROOT/proc/mounts); mount it with: mount -t debugfs none ROOT\n");
	harness_free(h);
}

static void test_not_ours(void **state)
{
	struct harness *h = harness();

	(void)state;
	put(h, "kvm/1234-11/pages_4k", "0\n");
	put(h, "kvm/1234-11/vcpu0/tsc-offset", "0\n");
	put(h, "kvm/99-3/pages_4k", "0\n");
	run(h, "--host", NULL);
	expect(h, 2, "", "exitstat: this KVM has no kvm-exitstat counters: ROOT/kvm has 2 VM directories but no exitstat file; install kvm-exitstat's modules (make modules-install) or boot its kernel\n");
	harness_free(h);
}

/*
 * Root reads anything, whatever chmod says: as root, a child that gives up
 * root for nobody's uid meets the permission error a user would.
 */
static void test_permission_denied(void **state)
{
	struct harness *h = vmx_host();
	char buf[4096];
	FILE *out, *err;
	int status;
	size_t n;
	pid_t pid;

	(void)state;
	if (geteuid()) {
		assert_int_equal(chmod(h->root, 0), 0);
		run(h, "--host", NULL);
		chmod(h->root, 0700);
		expect(h, 2, "", "");
		harness_free(h);
		return;
	}
	out = tmpfile();
	err = tmpfile();
	assert_non_null(out);
	assert_non_null(err);
	chmod(h->root, 0700);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		char debugfs[160];
		char *argv[] = { "exitstat", "--host", debugfs, NULL };
		struct exitstat_env env = {
			.now = fake_now, .sleep = fake_sleep, .run = no_run,
			.ctx = h, .proc = h->proc, .out = out, .err = err,
		};
		int rc;

		snprintf(debugfs, sizeof(debugfs), "--debugfs=%s", h->debugfs);
		if (setresuid(65534, 65534, 65534))
			_exit(99);
		rc = exitstat_main(3, argv, &env);
		fflush(out);
		fflush(err);
		_exit(rc);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 99) {
		fclose(out);
		fclose(err);
		harness_free(h);
		skip();
	}
	h->rc = WEXITSTATUS(status);
	rewind(err);
	n = fread(buf, 1, sizeof(buf) - 1, err);
	buf[n] = '\0';
	free(h->err);
	h->err = strdup(buf);
	rewind(out);
	n = fread(buf, 1, sizeof(buf) - 1, out);
	buf[n] = '\0';
	free(h->out);
	h->out = strdup(buf);
	fclose(out);
	fclose(err);
	expect(h, 2, "", "exitstat: cannot read ROOT/kvm: permission denied; KVM's debugfs files are root's: run exitstat --host as root (e.g. sudo exitstat --host)\n");
	harness_free(h);
}

struct bad_file {
	const char *text;
	const char *message;	/* after "exitstat: ROOT/kvm/1-2/exitstat" */
	size_t len;		/* 0: strlen(text) */
};

static const struct bad_file bad_files[] = {
	{ "",
	  ": no total line (the file ends after line 0)", 0 },
	{ "reason name exits\n",
	  " line 1: 'reason name exits' is not the header 'reason name exits cycles'", 0 },
	{ HEAD "10 CPUID 52 104000\n",
	  ": no total line (the file ends after line 2)", 0 },
	{ HEAD "10 CPUID 52\ntotal - 52 0\n",
	  " line 2: '10 CPUID 52' is not a line of reason, name, exits and cycles (numbers below 2^64)", 0 },
	{ HEAD "10 CPUID 18446744073709551616 1\ntotal - 0 0\n",
	  " line 2: '10 CPUID 18446744073709551616 1' is not a line of reason, name, exits and cycles (numbers below 2^64)", 0 },
	{ HEAD "10 CPUID -1 1\ntotal - 0 0\n",
	  " line 2: '10 CPUID -1 1' is not a line of reason, name, exits and cycles (numbers below 2^64)", 0 },
	{ HEAD "10 CPUID +1 1\ntotal - 1 1\n",
	  " line 2: '10 CPUID +1 1' is not a line of reason, name, exits and cycles (numbers below 2^64)", 0 },
	{ HEAD "10 CPUID  1 1\ntotal - 1 1\n",
	  " line 2: '10 CPUID  1 1' is not a line of reason, name, exits and cycles (numbers below 2^64)", 0 },
	{ HEAD "4294967296 CPUID 1 1\ntotal - 1 1\n",
	  " line 2: reason '4294967296' is not a number below 2^32", 0 },
	{ HEAD "0xa CPUID 1 1\ntotal - 1 1\n",
	  " line 2: reason '0xa' is not a number below 2^32", 0 },
	{ HEAD "10 CPUID 1 1\n10 CPUID 1 1\ntotal - 2 2\n",
	  " line 3: reason 10 is there twice", 0 },
	{ HEAD "10 CPUID 1 1\n114 cpuid 1 1\ntotal - 2 2\n",
	  ": names exit reasons as VMX does and as SVM does", 0 },
	{ HEAD "10 CPUID 1 1\ntotal - 2 1\n",
	  " line 3: the lines above add up to 1 exits and 1 cycles, not 2 and 1", 0 },
	{ HEAD "10 CPUID 1 1\ntotal - 1 1\nvcpus 1\nmore\n",
	  " line 5: 'more' after the total line", 0 },
	{ HEAD "10 CPUID 1 1\ntotal - 1 1\ntotal - 1 1\n",
	  " line 4: 'total - 1 1' after the total line", 0 },
	{ HEAD "10 CPUID 1 1\n\ntotal - 1 1\n",
	  " line 3: '' is not a line of reason, name, exits and cycles (numbers below 2^64)", 0 },
	{ HEAD "10 CPUID 1 1\0\ntotal - 1 1\n",
	  ": not a text file (it holds a NUL byte)",
	  sizeof(HEAD "10 CPUID 1 1\0\ntotal - 1 1\n") - 1 },
	{ HEAD "18446744073709551615 CPUID 1 1\ntotal - 1 1\n",
	  " line 2: reason '18446744073709551615' is not a number below 2^32", 0 },
};

static void test_bad_files(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		struct harness *h = harness();
		char expected[512], path[512];
		FILE *f;

		put(h, "kvm/1-2/exitstat", "");
		snprintf(path, sizeof(path), "%s/kvm/1-2/exitstat", h->root);
		f = fopen(path, "w");
		assert_non_null(f);
		fwrite(bad_files[i].text, 1, bad_files[i].len ? bad_files[i].len :
		       strlen(bad_files[i].text), f);
		fclose(f);
		run(h, "--host", NULL);
		snprintf(expected, sizeof(expected),
			 "exitstat: ROOT/kvm/1-2/exitstat%s\n",
			 bad_files[i].message);
		expect(h, 2, "", expected);
		harness_free(h);
	}
}

static void test_too_big(void **state)
{
	struct harness *h = harness();
	char *big = malloc(HOST_FILE_MAX + 2);

	(void)state;
	memset(big, '1', HOST_FILE_MAX + 1);
	big[HOST_FILE_MAX + 1] = '\0';
	put(h, "kvm/1-2/exitstat", big);
	free(big);
	run(h, "--host", NULL);
	expect(h, 2, "", "exitstat: ROOT/kvm/1-2/exitstat: longer than 65536 bytes, so not kvm-exitstat's\n");
	harness_free(h);
}

static void test_unknown_vm(void **state)
{
	struct harness *h = vmx_host();

	(void)state;
	run(h, "--host", "--vm=mail", NULL);
	expect(h, 2, "", "exitstat: no VM 'mail' is running; the VMs are (pid and name): 1234 (web), 5678 (db)\n");
	run(h, "--host", "--vm=999", "--by-vcpu", NULL);
	expect(h, 2, "", "exitstat: no VM '999' is running; the VMs are (pid and name): 1234 (web), 5678 (db)\n");
	put_cmdline(h, 5678, "qemu|-name|web");
	run(h, "--host", "--vm=web", NULL);
	expect(h, 2, "", "exitstat: more than one VM is named 'web' (processes 1234 and 5678): choose one with --vm=PID\n");
	harness_free(h);

	h = harness();
	put(h, "kvm/halt_exits", "0\n");
	run(h, "--host", "--vm=web", NULL);
	expect(h, 2, "", "exitstat: no VM 'web' is running: no VM is running at all\n");
	harness_free(h);
}

struct bad_option {
	const char *args[6];
	const char *message;
};

static const struct bad_option bad_options[] = {
	{ { "--vm=web" },
	  "--vm needs --host" },
	{ { "--by-vm" },
	  "--by-vm needs --host" },
	{ { "--by-vcpu", "--csv" },
	  "--by-vcpu needs --host" },
	{ { "--debugfs=/tmp" },
	  "--debugfs needs --host" },
	{ { "--host", "--by-vm", "--by-vcpu" },
	  "choose one of --by-vm and --by-vcpu" },
	{ { "--host", "--", "/bin/true" },
	  "--host cannot be combined with a command: it reads the VMs of the host, not what a command of the host causes" },
	{ { "--host", "-w", "1", "--", "/bin/true" },
	  "--host cannot be combined with a command: it reads the VMs of the host, not what a command of the host causes" },
	{ { "--host", "-c", "2" },
	  "--count needs --interval" },
	{ { "--host", "--vm" },
	  "option '--vm' needs an argument" },
	{ { "--host", "--json", "--csv" },
	  "choose one of --json, --csv and --prometheus" },
};

static void test_bad_options(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_options) / sizeof(bad_options[0]); i++) {
		struct harness *h = vmx_host();
		const char *const *a = bad_options[i].args;
		char expected[256];

		snprintf(expected, sizeof(expected), "exitstat: %s\n",
			 bad_options[i].message);
		run(h, a[0], a[1], a[2], a[3], a[4], NULL);
		expect(h, 2, "", expected);
		harness_free(h);
	}
}

static void test_help(void **state)
{
	struct harness *h = harness();

	(void)state;
	run(h, "--help", NULL);
	assert_int_equal(h->rc, 0);
	assert_non_null(strstr(h->out, "\n      --host "));
	assert_non_null(strstr(h->out, "\n      --vm=PID|NAME "));
	assert_non_null(strstr(h->out, "\n      --by-vm "));
	assert_non_null(strstr(h->out, "\n      --by-vcpu "));
	assert_non_null(strstr(h->out, "\n      --debugfs=DIR "));
	harness_free(h);
}

static void test_output_file(void **state)
{
	struct harness *h = vmx_host();
	char path[256], buf[4096];
	char *table;
	size_t n;
	FILE *f;

	(void)state;
	run(h, "--host", "--by-vm", NULL);
	table = strdup(h->out);
	snprintf(path, sizeof(path), "-o%s/report.txt", h->root);
	run(h, "--host", "--by-vm", path, NULL);
	expect(h, 0, "", "");
	f = fopen(path + 2, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(buf, table);
	free(table);
	harness_free(h);
}

static void test_qemu_name(void **state)
{
	static const struct {
		const char *args;
		const char *name;
	} cases[] = {
		{ "qemu|-name|db", "db" },
		{ "qemu|-name|guest=web,debug-threads=on", "web" },
		{ "qemu|-name|web,debug-threads=on", "web" },
		{ "qemu|-name|debug-threads=on,guest=web", "web" },
		{ "qemu|--name|a,,b", "a,b" },
		{ "qemu|-name|one|-name|two", "two" },
		{ "qemu|-m|512", "" },
		{ "qemu|-name", "" },
		{ "qemu|-name|process=x", "" },
		{ "", "" },
	};
	char buf[1024], name[QEMU_NAME_MAX];
	size_t i, j, len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = strlen(cases[i].args);
		for (j = 0; j < len; j++)
			buf[j] = cases[i].args[j] == '|' ? '\0' : cases[i].args[j];
		buf[len] = '\0';
		qemu_name_parse(buf, len ? len + 1 : 0, name, sizeof(name));
		assert_string_equal(name, cases[i].name);
	}
	/* cut off by a size cap: the unended argument is not read */
	memcpy(buf, "qemu\0-name\0webserver", 20);
	qemu_name_parse(buf, 20, name, sizeof(name));
	assert_string_equal(name, "");
	/* a long name is cut to the buffer */
	qemu_name_parse("q\0-name\0abcdef", 15, name, 4);
	assert_string_equal(name, "abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_by_vm),
		cmocka_unit_test(test_by_vcpu),
		cmocka_unit_test(test_vm),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_json_csv),
		cmocka_unit_test(test_prometheus),
		cmocka_unit_test(test_svm),
		cmocka_unit_test(test_no_vm),
		cmocka_unit_test(test_interval),
		cmocka_unit_test(test_interval_vms_come_and_go),
		cmocka_unit_test(test_interval_vm_ends),
		cmocka_unit_test(test_no_debugfs),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_permission_denied),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_unknown_vm),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_output_file),
		cmocka_unit_test(test_qemu_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

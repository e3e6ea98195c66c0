// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE	/* getopt_long */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "discover.h"
#include "host.h"
#include "format.h"
#include "options.h"
#include "reasons.h"
#include "report.h"
#include "snapshot.h"

#define MAX_INTERVAL	86400.0	/* a day */
static const char usage[] =
"Usage: exitstat [OPTION]...                 VM exits of this VM so far\n"
"       exitstat -w SECONDS [-c COUNT] [OPTION]...   exits per interval\n"
"       exitstat [OPTION]... -- COMMAND [ARG]...     exits while COMMAND runs\n"
"       exitstat --host [--vm=PID|NAME] [--by-vm|--by-vcpu] [OPTION]...\n"
"                                     on the host: the VMs running there\n"
"\n"
"Reads the VM exit counters of kvm-exitstat through CPUID, from inside a\n"
"KVM guest: how many exits of each reason, and how many host TSC cycles\n"
"KVM spent handling them.\n"
"\n"
"  -w, --interval=SECONDS  print the exits of every SECONDS (e.g. 1, 0.5)\n"
"  -c, --count=COUNT       stop after COUNT intervals\n"
"  -r, --reason=REASON     only this exit reason: a number (10, 0x72) or a\n"
"                          name (cpuid, HLT; any case); may be repeated\n"
"  -s, --sort=KEY          order rows by exits (default), cycles, reason\n"
"                          or name\n"
"  -a, --all               also show reasons without exits\n"
"      --json              one JSON object per report\n"
"      --csv               comma-separated values with a header line\n"
"      --prometheus        Prometheus text exposition format\n"
"  -o, --output=FILE       write the report to FILE (the command mode\n"
"                          writes it to standard error otherwise)\n"
"\n"
"On the host, as root, from KVM's debugfs files (kvm-exitstat's KVM):\n"
"      --host              the exits of the VMs running on this host, summed\n"
"      --vm=PID|NAME       only this VM: QEMU's pid, or its -name\n"
"      --by-vm             one row per VM, with its top exit reason\n"
"      --by-vcpu           one row per vCPU (of the VM of --vm, or of all)\n"
"      --debugfs=DIR       KVM's debugfs directory (" HOST_DEBUGFS ")\n"
"\n"
"  -h, --help              show this help and exit\n"
"  -V, --version           show the version and exit\n"
"\n"
"Exit status: 0 success; 1 failure (cannot write output, no memory);\n"
"2 bad usage, or this machine does not expose kvm-exitstat counters;\n"
"3 counting is switched off on the host; with COMMAND, its exit status\n"
"(126: it cannot be run, 127: not found).\n";

enum {
	OPT_HOST = 256,	/* long options without a letter */
	OPT_VM,
	OPT_BY_VM,
	OPT_BY_VCPU,
	OPT_DEBUGFS,
};

static const struct option long_options[] = {
	{ "interval",   required_argument, NULL, 'w' },
	{ "count",      required_argument, NULL, 'c' },
	{ "reason",     required_argument, NULL, 'r' },
	{ "sort",       required_argument, NULL, 's' },
	{ "all",        no_argument,       NULL, 'a' },
	{ "json",       no_argument,       NULL, 'J' },
	{ "csv",        no_argument,       NULL, 'C' },
	{ "prometheus", no_argument,       NULL, 'P' },
	{ "output",     required_argument, NULL, 'o' },
	{ "host",       no_argument,       NULL, OPT_HOST },
	{ "vm",         required_argument, NULL, OPT_VM },
	{ "by-vm",      no_argument,       NULL, OPT_BY_VM },
	{ "by-vcpu",    no_argument,       NULL, OPT_BY_VCPU },
	{ "debugfs",    required_argument, NULL, OPT_DEBUGFS },
	{ "help",       no_argument,       NULL, 'h' },
	{ "version",    no_argument,       NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void exitstat_error(const struct exitstat_env *env, const char *fmt, ...)
{
	va_list ap;

	fputs("exitstat: ", env->err);
	va_start(ap, fmt);
	vfprintf(env->err, fmt, ap);
	va_end(ap);
	fputc('\n', env->err);
}

static int parse_interval(const char *s, double *v)
{
	char *end;

	if (!((*s >= '0' && *s <= '9') || *s == '.'))
		return -1;
	errno = 0;
	*v = strtod(s, &end);
	if (errno || *end || !isfinite(*v) || *v <= 0 || *v > MAX_INTERVAL)
		return -1;
	return 0;
}

static int parse_count(const char *s, unsigned long *v)
{
	char *end;

	if (!(*s >= '0' && *s <= '9'))
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno || *end || *v == 0)
		return -1;
	return 0;
}

static int set_format(const struct exitstat_env *env, struct options *o,
		      int fmt)
{
	if (o->format >= 0 && o->format != fmt) {
		exitstat_error(env, "choose one of --json, --csv and --prometheus");
		return -1;
	}
	o->format = fmt;
	return 0;
}

/* 0: go on; 1: done (help, version); -1: bad usage (reported). */
static int parse_options(int argc, char **argv,
			 const struct exitstat_env *env, struct options *o)
{
	int c, key;

	memset(o, 0, sizeof(*o));
	o->format = -1;
	opterr = 0;
	optind = 0;	/* glibc: start afresh (tests call this repeatedly) */
	while ((c = getopt_long(argc, argv, "+:w:c:r:s:ao:hV", long_options,
				NULL)) != -1) {
		switch (c) {
		case 'w':
			if (parse_interval(optarg, &o->interval) < 0) {
				exitstat_error(env, "invalid interval '%s': expected seconds, more than 0 and at most %.0f",
					       optarg, MAX_INTERVAL);
				return -1;
			}
			break;
		case 'c':
			if (parse_count(optarg, &o->count) < 0) {
				exitstat_error(env, "invalid count '%s': expected a whole number more than 0",
					       optarg);
				return -1;
			}
			break;
		case 'r':
			if (o->nr_reasons == MAX_REASONS) {
				exitstat_error(env, "too many -r options (at most %d)",
					       MAX_REASONS);
				return -1;
			}
			o->reason[o->nr_reasons++] = optarg;
			break;
		case 's':
			key = sort_key_parse(optarg);
			if (key < 0) {
				exitstat_error(env, "invalid sort key '%s': expected exits, cycles, reason or name",
					       optarg);
				return -1;
			}
			o->sort = key;
			break;
		case 'a':
			o->all = true;
			break;
		case 'J':
		case 'C':
		case 'P':
			if (set_format(env, o, c == 'J' ? FORMAT_JSON :
					       c == 'C' ? FORMAT_CSV :
							  FORMAT_PROMETHEUS) < 0)
				return -1;
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_HOST:
			o->host = true;
			break;
		case OPT_VM:
			o->vm = optarg;
			break;
		case OPT_BY_VM:
			o->by_vm = true;
			break;
		case OPT_BY_VCPU:
			o->by_vcpu = true;
			break;
		case OPT_DEBUGFS:
			o->debugfs = optarg;
			break;
		case 'h':
			fputs(usage, env->out);
			return 1;
		case 'V':
			fprintf(env->out, "exitstat %s (kvm-exitstat ABI %d)\n",
				EXITSTAT_VERSION, KVM_EXITSTAT_ABI_VERSION);
			return 1;
		case ':':
			exitstat_error(env, "option '%s' needs an argument",
				       argv[optind - 1]);
			return -1;
		default:
			if (optopt && !(optind > 0 && argv[optind - 1][0] == '-' &&
					argv[optind - 1][1] == '-'))
				exitstat_error(env, "unknown option '-%c' (see exitstat --help)",
					       optopt);
			else
				exitstat_error(env, "unknown option '%s' (see exitstat --help)",
					       argv[optind - 1]);
			return -1;
		}
	}
	if (o->format < 0)
		o->format = FORMAT_TABLE;
	if (optind < argc)
		o->command = &argv[optind];
	if (o->count && !o->interval) {
		exitstat_error(env, "--count needs --interval");
		return -1;
	}
	if (!o->host && (o->vm || o->by_vm || o->by_vcpu || o->debugfs)) {
		exitstat_error(env, "%s needs --host", o->vm ? "--vm" :
				    o->by_vm ? "--by-vm" : o->by_vcpu ? "--by-vcpu" :
				    "--debugfs");
		return -1;
	}
	if (o->by_vm && o->by_vcpu) {
		exitstat_error(env, "choose one of --by-vm and --by-vcpu");
		return -1;
	}
	if (o->host && o->command) {
		exitstat_error(env, "--host cannot be combined with a command: it reads the VMs of the host, not what a command of the host causes");
		return -1;
	}
	if (o->interval && o->command) {
		exitstat_error(env, "--interval cannot be combined with a command");
		return -1;
	}
	return 0;
}

static int not_counting(const struct exitstat_env *env)
{
	exitstat_error(env, "kvm-exitstat counting is switched off on the host (kvm.exitstat_enable=0)");
	return EXITSTAT_EXIT_OFF;
}

static int check_abi(const struct exitstat_env *env, struct exitstat_abi *abi)
{
	char what[64];

	switch (discover(env->cpu, abi)) {
	case DISCOVER_OK:
		return 0;
	case DISCOVER_ABSENT:
		describe_machine(env->cpu, what, sizeof(what));
		exitstat_error(env, "this machine does not expose kvm-exitstat counters (no \"KVMExitStats\" signature at CPUID leaf %#x; %s)",
			       KVM_EXITSTAT_LEAF_DISCOVERY, what);
		return EXITSTAT_EXIT_USAGE;
	case DISCOVER_BAD_VERSION:
		exitstat_error(env, "kvm-exitstat reports ABI version %" PRIu32 ", which this exitstat does not know",
			       abi->version);
		return EXITSTAT_EXIT_USAGE;
	case DISCOVER_BAD_BINDING:
		exitstat_error(env, "kvm-exitstat reports an invalid leaf binding %#" PRIx32 ",%#" PRIx32 ",%#" PRIx32 ",%#" PRIx32,
			       abi->leaf[0], abi->leaf[1], abi->leaf[2], abi->leaf[3]);
		return EXITSTAT_EXIT_USAGE;
	case DISCOVER_BAD_VENDOR:
		exitstat_error(env, "kvm-exitstat reports an unknown vendor %u",
			       (unsigned int)abi->vendor);
		return EXITSTAT_EXIT_USAGE;
	case DISCOVER_NOT_COUNTING:
		return not_counting(env);
	}
	return EXITSTAT_EXIT_USAGE;
}

/* The reasons to read: those of -r, or every named one. */
struct selection {
	size_t n;
	uint32_t *codes;
	const char **names;
};

static int select_reasons(const struct exitstat_env *env,
			  const struct options *o, enum kvm_exitstat_vendor v,
			  struct selection *sel)
{
	const struct exit_reason *t;
	size_t i, n;
	uint32_t code;

	t = reasons_table(v, &n);
	if (o->nr_reasons)
		n = o->nr_reasons;
	sel->n = 0;
	sel->codes = calloc(n, sizeof(*sel->codes));
	sel->names = calloc(n, sizeof(*sel->names));
	if (!sel->codes || !sel->names) {
		exitstat_error(env, "out of memory");
		return EXITSTAT_EXIT_FAILURE;
	}
	for (i = 0; i < n; i++) {
		if (!o->nr_reasons) {
			code = t[i].code;
		} else if (reason_parse(v, o->reason[i], &code) < 0) {
			exitstat_error(env, "unknown exit reason '%s' for %s",
				       o->reason[i], vendor_name(v));
			return EXITSTAT_EXIT_USAGE;
		}
		sel->n = reasons_add(v, code, sel->codes, sel->names, sel->n);
	}
	return 0;
}

struct run {
	const struct exitstat_env *env;
	const struct options *o;
	struct exitstat_abi abi;
	struct selection sel;
	FILE *out;
};

/* 0, or the exit code for a failed snapshot (reported). */
static int take(struct run *r, struct snapshot *s)
{
	switch (snapshot_take(r->env->cpu, &r->abi, r->sel.codes,
			      (const char *const *)r->sel.names, r->sel.n, s)) {
	case SNAPSHOT_OK:
		return 0;
	case SNAPSHOT_NOT_COUNTING:
		return not_counting(r->env);
	case SNAPSHOT_NO_MEMORY:
		break;
	}
	exitstat_error(r->env, "out of memory");
	return EXITSTAT_EXIT_FAILURE;
}

/* -r of a reason the host's manual does not define: bad input. */
static int check_defined(struct run *r, const struct snapshot *s)
{
	char reason[16];
	size_t i;

	if (!r->o->nr_reasons)
		return 0;
	for (i = 0; i < s->n; i++) {
		if (s->s[i].defined)
			continue;
		reason_format(r->abi.vendor, s->s[i].code, reason,
			      sizeof(reason));
		exitstat_error(r->env, "exit reason %s is not defined for %s", reason,
			       vendor_name(r->abi.vendor));
		return EXITSTAT_EXIT_USAGE;
	}
	return 0;
}

static int print(struct run *r, struct report *rep, const struct snapshot *s,
		 bool first)
{
	/* with -r, the reasons asked for are shown even without exits */
	if (report_rows(rep, s, r->o->all || r->o->nr_reasons, r->o->sort) < 0) {
		exitstat_error(r->env, "out of memory");
		return EXITSTAT_EXIT_FAILURE;
	}
	format_report(r->out, r->o->format, rep, first);
	report_free(rep);
	return 0;
}

static int mode_snapshot(struct run *r)
{
	struct report rep = { .mode = REPORT_SNAPSHOT };
	struct snapshot s;
	int rc;

	rc = take(r, &s);
	if (!rc)
		rc = check_defined(r, &s);
	if (!rc)
		rc = print(r, &rep, &s, true);
	snapshot_free(&s);
	return rc;
}

static int mode_interval(struct run *r)
{
	const struct exitstat_env *env = r->env;
	struct snapshot a, b, d;
	double t0, prev, t;
	unsigned long i;
	int rc;

	rc = take(r, &a);
	if (!rc)
		rc = check_defined(r, &a);
	if (rc) {
		snapshot_free(&a);
		return rc;
	}
	t0 = prev = env->now(env->ctx);
	for (i = 1; !r->o->count || i <= r->o->count; i++) {
		struct report rep = { .mode = REPORT_INTERVAL, .index = i };

		/* on a fixed schedule, so that the intervals do not drift */
		env->sleep(env->ctx, t0 + (double)i * r->o->interval -
				     env->now(env->ctx));
		rc = take(r, &b);
		t = env->now(env->ctx);
		if (!rc)
			rc = snapshot_diff(&a, &b, &d) ? EXITSTAT_EXIT_FAILURE : 0;
		if (rc) {
			snapshot_free(&b);
			break;
		}
		rep.seconds = t - prev;
		rep.time = t - t0;
		rc = print(r, &rep, &d, i == 1);
		snapshot_free(&d);
		snapshot_free(&a);
		a = b;
		prev = t;
		if (rc || fflush(r->out) == EOF || ferror(r->out))
			break;
	}
	snapshot_free(&a);
	return rc;
}

static int mode_command(struct run *r)
{
	const struct exitstat_env *env = r->env;
	struct report rep = { .mode = REPORT_COMMAND, .argv = r->o->command };
	struct snapshot a, b, d;
	int rc, status, err;
	double t0, t1;

	rc = take(r, &a);
	if (!rc)
		rc = check_defined(r, &a);
	if (rc) {
		snapshot_free(&a);
		return rc;
	}
	t0 = env->now(env->ctx);
	if (env->run(env->ctx, r->o->command, &status, &err) < 0) {
		exitstat_error(env, "cannot run '%s': %s", r->o->command[0],
			       strerror(err));
		snapshot_free(&a);
		return err == ENOENT ? EXITSTAT_EXIT_NOTFOUND :
				       EXITSTAT_EXIT_NOEXEC;
	}
	t1 = env->now(env->ctx);
	rc = take(r, &b);
	if (!rc && snapshot_diff(&a, &b, &d)) {
		exitstat_error(env, "out of memory");
		rc = EXITSTAT_EXIT_FAILURE;
	} else if (!rc) {
		rep.seconds = t1 - t0;
		rep.status = status;
		rc = print(r, &rep, &d, true);
		snapshot_free(&d);
	}
	snapshot_free(&a);
	snapshot_free(&b);
	return rc ? rc : status;
}

FILE *output_open(const struct exitstat_env *env, const struct options *o,
		  FILE *dflt)
{
	FILE *f;

	if (!o->output)
		return dflt;
	f = fopen(o->output, "w");
	if (!f)
		exitstat_error(env, "cannot write '%s': %s", o->output, strerror(errno));
	return f;
}

int output_close(const struct exitstat_env *env, const struct options *o,
		 FILE *out, int rc)
{
	if ((fflush(out) == EOF || ferror(out)) && rc != EXITSTAT_EXIT_USAGE) {
		exitstat_error(env, "cannot write the report: %s", strerror(errno));
		rc = EXITSTAT_EXIT_FAILURE;
	}
	if (o->output && fclose(out) == EOF && !rc) {
		exitstat_error(env, "cannot write '%s': %s", o->output, strerror(errno));
		rc = EXITSTAT_EXIT_FAILURE;
	}
	return rc;
}

int exitstat_main(int argc, char **argv, const struct exitstat_env *env)
{
	struct options o;
	struct run r = { .env = env, .o = &o };
	int rc;

	rc = parse_options(argc, argv, env, &o);
	if (rc)
		return rc > 0 ? 0 : EXITSTAT_EXIT_USAGE;
	if (o.host)
		return host_main(env, &o);
	rc = check_abi(env, &r.abi);
	if (rc)
		return rc;
	rc = select_reasons(env, &o, r.abi.vendor, &r.sel);
	if (rc)
		goto out;

	r.out = output_open(env, &o, o.command ? env->err : env->out);
	if (!r.out) {
		rc = EXITSTAT_EXIT_USAGE;
		goto out;
	}

	if (o.command)
		rc = mode_command(&r);
	else if (o.interval)
		rc = mode_interval(&r);
	else
		rc = mode_snapshot(&r);
	rc = output_close(env, &o, r.out, rc);
out:
	free(r.sel.codes);
	free(r.sel.names);
	return rc;
}

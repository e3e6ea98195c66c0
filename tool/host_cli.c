// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat --host: the guest's reports, made from the VMs' debugfs files
 * instead of CPUID - summed over the VMs (or of one, --vm), or one row per
 * VM or vCPU (--by-vm, --by-vcpu).  The Prometheus text always has a
 * series per VM (or vCPU): a scraper sums them itself, and a sum without
 * them would lose what the labels are for.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "format_host.h"
#include "host.h"
#include "options.h"
#include "reasons.h"
#include "report.h"
#include "snapshot.h"

struct host_run {
	const struct exitstat_env *env;
	const struct options *o;
	const char *debugfs;
	const char *proc;
	long pid;			/* --vm: its pid; 0: every VM */
	char name[QEMU_NAME_MAX];	/* and its name */
	/* the reasons shown, of sel_vendor (as cli.c's selection) */
	enum kvm_exitstat_vendor sel_vendor;
	size_t nr;
	uint32_t codes[1024];
	const char *names[1024];
	FILE *out;
};

/* ---- which reasons ---- */

static int select_reasons(struct host_run *r, enum kvm_exitstat_vendor v)
{
	const struct exit_reason *t;
	uint32_t code;
	size_t i, n;

	r->sel_vendor = v;
	r->nr = 0;
	t = reasons_table(v, &n);
	if (r->o->nr_reasons)
		n = r->o->nr_reasons;
	for (i = 0; i < n && r->nr < sizeof(r->codes) / sizeof(r->codes[0]);
	     i++) {
		const char *s = r->o->nr_reasons ? r->o->reason[i] : NULL;

		if (!r->o->nr_reasons) {
			code = t[i].code;
		} else if (v == KVM_EXITSTAT_VENDOR_NONE) {
			/* no VM says its vendor: a reason of either will do */
			if (reason_parse(KVM_EXITSTAT_VENDOR_VMX, s, &code) &&
			    reason_parse(KVM_EXITSTAT_VENDOR_SVM, s, &code)) {
				exitstat_error(r->env, "unknown exit reason '%s'", s);
				return EXITSTAT_EXIT_USAGE;
			}
			continue;	/* nothing to show of it */
		} else if (reason_parse(v, s, &code) < 0) {
			exitstat_error(r->env, "unknown exit reason '%s' for %s",
				       s, vendor_name(v));
			return EXITSTAT_EXIT_USAGE;
		}
		r->nr = reasons_add(v, code, r->codes, r->names, r->nr);
	}
	return 0;
}

/* ---- which VM ---- */

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* "1234 (web), 5678" - the VMs (by pid) of @st */
static void list_vms(const struct host_state *st, char *buf, size_t size)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < st->n && n < size; i++) {
		const struct host_vm *vm = &st->vm[i];

		if (i && vm->pid == st->vm[i - 1].pid)
			continue;
		n += snprintf(buf + n, size - n, "%s%ld%s%s%s", n ? ", " : "",
			      vm->pid, *vm->name ? " (" : "", vm->name,
			      *vm->name ? ")" : "");
	}
}

/* --vm: a pid that has VM directories, or the one pid of a QEMU -name. */
static int choose_vm(struct host_run *r, const struct host_state *st)
{
	const char *want = r->o->vm;
	char list[1024];
	long pid = 0;
	size_t i;

	for (i = 0; i < st->n; i++) {
		const struct host_vm *vm = &st->vm[i];
		bool match = all_digits(want) ?
			     strtol(want, NULL, 10) == vm->pid &&
			     strlen(want) < 12 :
			     !strcmp(want, vm->name);

		if (!match || vm->pid == pid)
			continue;
		if (pid) {
			exitstat_error(r->env, "more than one VM is named '%s' (processes %ld and %ld): choose one with --vm=PID",
				       want, pid, vm->pid);
			return EXITSTAT_EXIT_USAGE;
		}
		pid = vm->pid;
		snprintf(r->name, sizeof(r->name), "%s", vm->name);
	}
	if (pid) {
		r->pid = pid;
		return 0;
	}
	list_vms(st, list, sizeof(list));
	if (st->n)
		exitstat_error(r->env, "no VM '%s' is running; the VMs are (pid and name): %s",
			       want, list);
	else
		exitstat_error(r->env, "no VM '%s' is running: no VM is running at all",
			       want);
	return EXITSTAT_EXIT_USAGE;
}

static bool chosen(const struct host_run *r, const struct host_vm *vm)
{
	return !r->pid || vm->pid == r->pid;
}

static size_t nr_chosen(const struct host_run *r, const struct host_state *st)
{
	size_t i, n = 0;

	for (i = 0; i < st->n; i++)
		n += chosen(r, &st->vm[i]);
	return n;
}

/* ---- what the report says it is about ---- */

static void title(const struct host_run *r, size_t n, bool interval,
		  char *buf, size_t size)
{
	const char *by = r->o->by_vcpu ? ", by vCPU," :
			 r->o->by_vm ? ", by VM," : "";
	char who[QEMU_NAME_MAX + 64], named[QEMU_NAME_MAX + 8] = "";
	const char *since;

	if (*r->name)
		snprintf(named, sizeof(named), " (%s)", r->name);
	if (r->pid && n > 1)
		snprintf(who, sizeof(who), "the %zu VMs of process %ld%s", n,
			 r->pid, named);
	else if (r->pid)
		snprintf(who, sizeof(who), "VM %ld%s", r->pid, named);
	else if (interval)
		snprintf(who, sizeof(who), "the VMs running on this host");
	else
		snprintf(who, sizeof(who), "%zu VM%s running now", n,
			 n == 1 ? "" : "s");
	if (interval)
		since = " per interval";
	else if (!n)
		since = by = "";
	else
		since = n > 1 ? " each since it started" : " since it started";
	/* "2 VMs running now, each since ...", "VM 1234 (web) since ..." */
	if (!*by && *since == ' ' && !interval && !(r->pid && n == 1))
		by = ",";
	snprintf(buf, size, "VM exits of %s%s%s", who, by, since);
}

/* ---- reports ---- */

struct when {
	enum report_mode mode;
	double seconds, time;
	unsigned long index;
	bool first;
};

static int no_memory(const struct host_run *r)
{
	exitstat_error(r->env, "out of memory");
	return EXITSTAT_EXIT_FAILURE;
}

/* The sum of the chosen VMs, in the guest's report. */
static int print_sum(struct host_run *r, const struct host_state *st,
		     const struct when *w)
{
	const struct host_counts **c;
	struct report rep = {
		.mode = w->mode, .seconds = w->seconds, .time = w->time,
		.index = w->index, .scope = "host", .pid = r->pid,
		.vm = r->name,
	};
	char head[QEMU_NAME_MAX + 128];
	struct snapshot s;
	size_t i, n = 0;
	int rc = 0;

	c = calloc(st->n ? st->n : 1, sizeof(*c));
	if (!c)
		return no_memory(r);
	for (i = 0; i < st->n; i++)
		if (chosen(r, &st->vm[i]))
			c[n++] = &st->vm[i].c;
	rep.nr_vms = n;
	title(r, n, w->mode == REPORT_INTERVAL, head, sizeof(head));
	rep.title = head;
	if (host_snapshot(c, n, r->sel_vendor, r->codes, r->names, r->nr, &s) ||
	    report_rows(&rep, &s, r->o->all || r->o->nr_reasons, r->o->sort)) {
		rc = no_memory(r);
	} else {
		format_report(r->out, r->o->format, &rep, w->first);
		report_free(&rep);
	}
	snapshot_free(&s);
	free(c);
	return rc;
}

/* The groups' files: a vCPU's, or those of all VM directories of a pid. */
struct group_files {
	size_t n;
	const struct host_counts **c;
};

static int print_groups(struct host_run *r, const struct host_state *st,
			const struct when *w)
{
	struct report_groups gs = {
		.mode = w->mode, .vendor = r->sel_vendor,
		.by_vcpu = r->o->by_vcpu, .seconds = w->seconds,
		.time = w->time, .index = w->index,
	};
	const struct host_counts **files;
	struct snapshot *snaps;
	char head[QEMU_NAME_MAX + 128];
	size_t i, j, nf = 0, max = 0;
	int rc = 0;

	for (i = 0; i < st->n; i++)
		max += 1 + st->vm[i].nr_vcpus;
	gs.g = calloc(max ? max : 1, sizeof(*gs.g));
	snaps = calloc(max ? max : 1, sizeof(*snaps));
	files = calloc(max ? max : 1, sizeof(*files));
	if (!gs.g || !snaps || !files) {
		rc = no_memory(r);
		goto out;
	}
	gs.nr_vms = nr_chosen(r, st);
	title(r, gs.nr_vms, w->mode == REPORT_INTERVAL, head, sizeof(head));
	gs.title = head;
	for (i = 0; i < st->n; i = j) {
		const struct host_vm *vm = &st->vm[i];
		bool several;

		for (j = i + 1; j < st->n && st->vm[j].pid == vm->pid; j++)
			;
		if (!chosen(r, vm))
			continue;
		several = j - i > 1;
		if (r->o->by_vcpu) {
			size_t k, v;

			for (k = i; k < j; k++) {
				for (v = 0; v < st->vm[k].nr_vcpus; v++) {
					struct report_group *g = &gs.g[gs.n++];

					g->pid = vm->pid;
					g->vm = vm->name;
					g->fd = several ? (int)st->vm[k].fd : -1;
					g->vcpu = st->vm[k].vcpu[v].id;
					files[nf] = &st->vm[k].vcpu[v].c;
					if (host_snapshot(&files[nf], 1,
							  r->sel_vendor, r->codes,
							  r->names, r->nr,
							  &snaps[gs.n - 1]))
						goto nomem;
					nf++;
				}
			}
		} else {
			struct report_group *g = &gs.g[gs.n++];
			size_t first = nf, k;

			g->pid = vm->pid;
			g->vm = vm->name;
			g->fd = -1;
			g->vcpu = -1;
			for (k = i; k < j; k++)
				files[nf++] = &st->vm[k].c;
			if (host_snapshot(&files[first], nf - first,
					  r->sel_vendor, r->codes, r->names,
					  r->nr, &snaps[gs.n - 1]))
				goto nomem;
		}
	}
	for (i = 0; i < gs.n; i++) {
		if (report_rows(&gs.g[i].rep, &snaps[i],
				r->o->all || r->o->nr_reasons, r->o->sort))
			goto nomem;
		gs.total_exits += gs.g[i].rep.total_exits;
		gs.total_cycles += gs.g[i].rep.total_cycles;
	}
	report_groups_sort(&gs, r->o->sort);
	format_groups(r->out, r->o->format, &gs, w->first);
	goto out;
nomem:
	rc = no_memory(r);
out:
	for (i = 0; gs.g && i < gs.n; i++) {
		report_free(&gs.g[i].rep);
		snapshot_free(&snaps[i]);
	}
	free(gs.g);
	free(snaps);
	free(files);
	return rc;
}

static int print(struct host_run *r, const struct host_state *st,
		 const struct when *w)
{
	int rc = 0;

	if (st->vendor != r->sel_vendor && st->vendor)
		rc = select_reasons(r, st->vendor);
	if (rc)
		return rc;
	if (r->o->by_vm || r->o->by_vcpu || r->o->format == FORMAT_PROMETHEUS)
		return print_groups(r, st, w);
	return print_sum(r, st, w);
}

/* ---- the modes ---- */

static int read_host(struct host_run *r, struct host_state *st)
{
	char err[8192];
	int rc;

	rc = host_read(r->debugfs, r->proc, r->o->by_vcpu, st, err,
		       sizeof(err));
	if (rc)
		exitstat_error(r->env, "%s", err);
	return rc;
}

static int mode_interval(struct host_run *r, struct host_state *a)
{
	const struct exitstat_env *env = r->env;
	struct host_state b, d;
	double t0, prev, t;
	unsigned long i;
	int rc = 0;

	t0 = prev = env->now(env->ctx);
	for (i = 1; !r->o->count || i <= r->o->count; i++) {
		struct when w = { .mode = REPORT_INTERVAL, .index = i,
				  .first = i == 1 };

		env->sleep(env->ctx, t0 + (double)i * r->o->interval -
				     env->now(env->ctx));
		rc = read_host(r, &b);
		t = env->now(env->ctx);
		if (rc)
			break;
		if (r->pid && !nr_chosen(r, &b)) {
			exitstat_error(env, "VM %ld%s%s%s has ended", r->pid,
				       *r->name ? " (" : "", r->name,
				       *r->name ? ")" : "");
			host_state_free(&b);
			break;
		}
		if (host_state_diff(a, &b, &d)) {
			host_state_free(&b);
			rc = no_memory(r);
			break;
		}
		w.seconds = t - prev;
		w.time = t - t0;
		rc = print(r, &d, &w);
		host_state_free(&d);
		host_state_free(a);
		*a = b;
		prev = t;
		if (rc || fflush(r->out) == EOF || ferror(r->out))
			break;
	}
	return rc;
}

int host_main(const struct exitstat_env *env, const struct options *o)
{
	struct host_run r = {
		.env = env, .o = o,
		.debugfs = o->debugfs ? o->debugfs : HOST_DEBUGFS,
		.proc = env->proc ? env->proc : HOST_PROC,
	};
	struct host_state st;
	int rc;

	rc = read_host(&r, &st);
	if (rc)
		return rc;
	if (o->vm)
		rc = choose_vm(&r, &st);
	if (!rc)
		rc = select_reasons(&r, st.vendor);
	if (!rc) {
		r.out = output_open(env, o, env->out);
		if (!r.out)
			rc = EXITSTAT_EXIT_USAGE;
	}
	if (!rc) {
		struct when w = { .mode = REPORT_SNAPSHOT, .first = true };

		rc = o->interval ? mode_interval(&r, &st) : print(&r, &st, &w);
		rc = output_close(env, o, r.out, rc);
	}
	host_state_free(&st);
	return rc;
}

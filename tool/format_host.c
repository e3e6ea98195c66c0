// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <string.h>

#include "format_host.h"
#include "reasons.h"

/* The row of @rep with the most exits (the lowest reason of a tie). */
static const struct sample *top(const struct report *rep)
{
	const struct sample *t = NULL;
	size_t i;

	for (i = 0; i < rep->n; i++) {
		const struct sample *s = rep->rows[i];

		if (s->exits && (!t || s->exits > t->exits ||
				 (s->exits == t->exits && s->code < t->code)))
			t = s;
	}
	return t;
}

/* A row's reason as the table shows it: its name, else its number. */
static const char *reason_text(const struct report_groups *gs,
			       const struct sample *s, char *buf, size_t size)
{
	if (s->name)
		return s->name;
	reason_format(gs->vendor, s->code, buf, size);
	return buf;
}

/* "0", or "12/0" (fd/vCPU) where a pid has several VMs */
static const char *vcpu_label(const struct report_group *g, char *buf,
			      size_t size)
{
	if (g->fd >= 0)
		snprintf(buf, size, "%d/%d", g->fd, g->vcpu);
	else
		snprintf(buf, size, "%d", g->vcpu);
	return buf;
}

/* ---- table ---- */

static int vm_width(const struct report_groups *gs)
{
	size_t i;
	int w = 5;	/* "total" */

	for (i = 0; i < gs->n; i++)
		if ((int)strlen(gs->g[i].vm) > w)
			w = strlen(gs->g[i].vm);
	return w;
}

/* The columns that say which VM or vCPU a row is */
static void table_who(FILE *f, const struct report_groups *gs, int vw,
		      const struct report_group *g)
{
	char pid[24], vcpu[32];

	if (g)
		snprintf(pid, sizeof(pid), "%ld", g->pid);
	fprintf(f, "%7s  %-*s", g ? pid : "", vw, g ? g->vm : "total");
	if (gs->by_vcpu)
		fprintf(f, " %6s", g ? vcpu_label(g, vcpu, sizeof(vcpu)) : "");
}

static void table_per_exit(FILE *f, uint64_t cycles, uint64_t exits)
{
	if (exits)
		fprintf(f, " %12" PRIu64, per_exit(cycles, exits));
	else
		fprintf(f, " %12s", "-");
}

static void table_top(FILE *f, const struct report_groups *gs,
		      const struct report *rep)
{
	const struct sample *t = top(rep);
	char buf[16];

	if (!t) {
		fputs("  -\n", f);
		return;
	}
	fprintf(f, "  %s %.2f%%\n", reason_text(gs, t, buf, sizeof(buf)),
		share(t->exits, rep->total_exits));
}

static void table(FILE *f, const struct report_groups *gs, bool first)
{
	bool iv = gs->mode == REPORT_INTERVAL;
	int vw = vm_width(gs);
	size_t i;

	if (first) {
		fprintf(f, "%s (%s)\n", gs->title, vendor_name(gs->vendor));
		if (iv)
			fprintf(f, "%9s  ", "time");
		fprintf(f, "%7s  %-*s", "pid", vw, "vm");
		if (gs->by_vcpu)
			fprintf(f, " %6s", "vcpu");
		if (iv)
			fprintf(f, " %14s %14s %18s %12s  %s\n", "exits",
				"exits/s", "cycles/s", "cycles/exit",
				"top reason");
		else
			fprintf(f, " %14s %18s %12s %8s  %s\n", "exits",
				"cycles", "cycles/exit", "share", "top reason");
	}
	for (i = 0; i <= gs->n; i++) {
		const struct report_group *g = i < gs->n ? &gs->g[i] : NULL;
		uint64_t exits = g ? g->rep.total_exits : gs->total_exits;
		uint64_t cycles = g ? g->rep.total_cycles : gs->total_cycles;

		if (iv)
			fprintf(f, "%9.3f  ", gs->time);
		table_who(f, gs, vw, g);
		if (iv)
			fprintf(f, " %14" PRIu64 " %14.1f %18.1f", exits,
				rate(exits, gs->seconds),
				rate(cycles, gs->seconds));
		else
			fprintf(f, " %14" PRIu64 " %18" PRIu64, exits, cycles);
		table_per_exit(f, cycles, exits);
		if (!iv)
			fprintf(f, " %7.2f%%", g ? share(exits, gs->total_exits) :
						   gs->total_exits ? 100.0 : 0.0);
		if (g)
			table_top(f, gs, &g->rep);
		else
			fputc('\n', f);
	}
}

/* ---- JSON ---- */

static void json(FILE *f, const struct report_groups *gs)
{
	bool iv = gs->mode == REPORT_INTERVAL;
	size_t i;

	fprintf(f, "{\"mode\":\"%s\",\"vendor\":\"%s\",\"scope\":\"host\"",
		iv ? "interval" : "snapshot", vendor_name(gs->vendor));
	if (iv)
		fprintf(f, ",\"interval\":%lu,\"time\":%.3f,\"seconds\":%.3f",
			gs->index, gs->time, gs->seconds);
	fprintf(f, ",\"vms\":%zu,\"by\":\"%s\",\"groups\":[", gs->nr_vms,
		gs->by_vcpu ? "vcpu" : "vm");
	for (i = 0; i < gs->n; i++) {
		const struct report_group *g = &gs->g[i];

		fprintf(f, "%s{\"pid\":%ld,\"vm\":", i ? "," : "", g->pid);
		format_json_string(f, g->vm);
		if (g->fd >= 0)
			fprintf(f, ",\"fd\":%d", g->fd);
		if (gs->by_vcpu)
			fprintf(f, ",\"vcpu\":%d", g->vcpu);
		fputc(',', f);
		format_json_body(f, &g->rep);
		fputc('}', f);
	}
	fprintf(f, "],\"total\":{\"exits\":%" PRIu64 ",\"cycles\":%" PRIu64,
		gs->total_exits, gs->total_cycles);
	if (iv)
		fprintf(f, ",\"exits_per_sec\":%.1f,\"cycles_per_sec\":%.1f",
			rate(gs->total_exits, gs->seconds),
			rate(gs->total_cycles, gs->seconds));
	if (gs->total_exits)
		fprintf(f, ",\"cycles_per_exit\":%" PRIu64 "}}\n",
			per_exit(gs->total_cycles, gs->total_exits));
	else
		fputs(",\"cycles_per_exit\":null}}\n", f);
}

/* ---- CSV: one line per VM or vCPU, as the table ---- */

static void csv(FILE *f, const struct report_groups *gs, bool first)
{
	bool iv = gs->mode == REPORT_INTERVAL;
	char buf[32];
	size_t i;

	if (first)
		fprintf(f, "%spid,vm,%sexits,cycles,%scycles_per_exit,%stop_reason,top_name,top_share_pct\n",
			iv ? "time," : "", gs->by_vcpu ? "vcpu," : "",
			iv ? "exits_per_sec,cycles_per_sec," : "",
			iv ? "" : "share_pct,");
	for (i = 0; i <= gs->n; i++) {
		const struct report_group *g = i < gs->n ? &gs->g[i] : NULL;
		uint64_t exits = g ? g->rep.total_exits : gs->total_exits;
		uint64_t cycles = g ? g->rep.total_cycles : gs->total_cycles;
		const struct sample *t = g ? top(&g->rep) : NULL;

		if (iv)
			fprintf(f, "%.3f,", gs->time);
		if (g) {
			fprintf(f, "%ld,", g->pid);
			format_csv_field(f, g->vm);
			if (gs->by_vcpu)
				fprintf(f, ",%s",
					vcpu_label(g, buf, sizeof(buf)));
		} else {
			fprintf(f, "total,%s", gs->by_vcpu ? "," : "");
		}
		fprintf(f, ",%" PRIu64 ",%" PRIu64 ",", exits, cycles);
		if (iv)
			fprintf(f, "%.1f,%.1f,", rate(exits, gs->seconds),
				rate(cycles, gs->seconds));
		if (exits)
			fprintf(f, "%" PRIu64, per_exit(cycles, exits));
		if (!iv)
			fprintf(f, ",%.2f", g ? share(exits, gs->total_exits) :
					       gs->total_exits ? 100.0 : 0.0);
		if (t) {
			reason_format(gs->vendor, t->code, buf, sizeof(buf));
			fprintf(f, ",%s,", buf);
			format_csv_field(f, t->name);
			fprintf(f, ",%.2f\n", share(t->exits, exits));
		} else {
			fputs(",,,\n", f);
		}
	}
}

/* ---- Prometheus ---- */

static void prom_labels(FILE *f, const struct report_groups *gs,
			const struct report_group *g, const struct sample *s)
{
	char buf[32];

	fprintf(f, "{vendor=\"%s\",pid=\"%ld\",vm=", vendor_name(gs->vendor),
		g->pid);
	format_prom_label(f, g->vm);
	if (gs->by_vcpu)
		fprintf(f, ",vcpu=\"%s\"", vcpu_label(g, buf, sizeof(buf)));
	if (s) {
		reason_format(gs->vendor, s->code, buf, sizeof(buf));
		fprintf(f, ",reason=\"%s\",name=", buf);
		format_prom_label(f, s->name ? s->name : "");
	}
	fputc('}', f);
}

enum prom_value { PROM_EXITS, PROM_CYCLES };

static void prom_value(FILE *f, const struct report_groups *gs, uint64_t v)
{
	if (gs->mode == REPORT_INTERVAL)
		fprintf(f, " %.3f\n", rate(v, gs->seconds));
	else
		fprintf(f, " %" PRIu64 "\n", v);
}

/* All samples of one family together, as the format wants them. */
static void prom_family(FILE *f, const struct report_groups *gs,
			const char *metric, const char *help,
			enum prom_value what, bool per_reason)
{
	bool iv = gs->mode == REPORT_INTERVAL;
	char name[80];
	size_t i, j;

	snprintf(name, sizeof(name), "kvm_exitstat_host_%s%s", metric,
		 iv ? "_per_second" : "_total");
	format_prom_head(f, name, iv ? "gauge" : "counter", help);
	for (i = 0; i < gs->n; i++) {
		const struct report *rep = &gs->g[i].rep;

		for (j = 0; j < (per_reason ? rep->n : 1); j++) {
			const struct sample *s = per_reason ? rep->rows[j] : NULL;

			fputs(name, f);
			prom_labels(f, gs, &gs->g[i], s);
			if (what == PROM_EXITS)
				prom_value(f, gs, s ? s->exits : rep->total_exits);
			else
				prom_value(f, gs, s ? s->cycles : rep->total_cycles);
		}
	}
}

static void prometheus(FILE *f, const struct report_groups *gs, bool first)
{
	bool iv = gs->mode == REPORT_INTERVAL;

	if (iv && !first)
		fputc('\n', f);
	prom_family(f, gs, "exits", iv ?
		    "VM exits per second in the last interval, by VM and exit reason, from KVM's debugfs." :
		    "VM exits by VM and exit reason, from KVM's debugfs.",
		    PROM_EXITS, true);
	prom_family(f, gs, "cycles", iv ?
		    "Host TSC cycles per second KVM spent handling VM exits in the last interval, by VM and exit reason." :
		    "Host TSC cycles KVM spent handling VM exits, by VM and exit reason.",
		    PROM_CYCLES, true);
	prom_family(f, gs, "all_exits", iv ?
		    "VM exits of all exit reasons per second in the last interval, by VM." :
		    "VM exits of all exit reasons, by VM.",
		    PROM_EXITS, false);
	prom_family(f, gs, "all_cycles", iv ?
		    "Host TSC cycles per second KVM spent handling VM exits of all exit reasons in the last interval, by VM." :
		    "Host TSC cycles KVM spent handling VM exits of all exit reasons, by VM.",
		    PROM_CYCLES, false);
	format_prom_head(f, "kvm_exitstat_host_vms", "gauge",
			 "VMs whose counters were read.");
	fprintf(f, "kvm_exitstat_host_vms %zu\n", gs->nr_vms);
}

void format_groups(FILE *f, enum format fmt, const struct report_groups *gs,
		   bool first)
{
	switch (fmt) {
	case FORMAT_TABLE:
		table(f, gs, first);
		break;
	case FORMAT_JSON:
		json(f, gs);
		break;
	case FORMAT_CSV:
		csv(f, gs, first);
		break;
	case FORMAT_PROMETHEUS:
		prometheus(f, gs, first);
		break;
	}
}

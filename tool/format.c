// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <string.h>

#include "format.h"
#include "reasons.h"

static const char *scope_of(const struct report *rep)
{
	if (rep->scope)
		return rep->scope;
	return rep->global ? "global" : "vm";
}

static const char *whose(const struct report *rep)
{
	return rep->global ? "all VMs" : "this VM";
}

/* ---- table ---- */

static int name_width(const struct report *rep)
{
	const struct exit_reason *t;
	size_t i, n;
	int w = 5;	/* "total" */

	t = reasons_table(rep->vendor, &n);
	for (i = 0; i < n; i++)
		if ((int)strlen(t[i].name) > w)
			w = strlen(t[i].name);
	return w;
}

static void table_command(FILE *f, char *const *argv)
{
	int i;

	fputc('\'', f);
	for (i = 0; argv[i]; i++)
		fprintf(f, "%s%s", i ? " " : "", argv[i]);
	fputc('\'', f);
}

static void table_counts(FILE *f, const struct report *rep)
{
	int nw = name_width(rep);
	char reason[16];
	size_t i;

	fprintf(f, "%6s  %-*s %14s %18s %12s %8s\n", "reason", nw, "name",
		"exits", "cycles", "cycles/exit", "share");
	for (i = 0; i < rep->n; i++) {
		const struct sample *s = rep->rows[i];

		reason_format(rep->vendor, s->code, reason, sizeof(reason));
		fprintf(f, "%6s  %-*s %14" PRIu64 " %18" PRIu64, reason, nw,
			s->name ? s->name : "-", s->exits, s->cycles);
		if (s->exits)
			fprintf(f, " %12" PRIu64, per_exit(s->cycles, s->exits));
		else
			fprintf(f, " %12s", "-");
		fprintf(f, " %7.2f%%\n", share(s->exits, rep->total_exits));
	}
	fprintf(f, "%6s  %-*s %14" PRIu64 " %18" PRIu64, "", nw, "total",
		rep->total_exits, rep->total_cycles);
	if (rep->total_exits)
		fprintf(f, " %12" PRIu64 " %7.2f%%\n",
			per_exit(rep->total_cycles, rep->total_exits), 100.0);
	else
		fprintf(f, " %12s %7.2f%%\n", "-", 0.0);
}

static void table_interval(FILE *f, const struct report *rep, bool first)
{
	int nw = name_width(rep);
	char reason[16];
	size_t i;

	if (first && rep->title)
		fprintf(f, "%s (%s)\n", rep->title, vendor_name(rep->vendor));
	else if (first)
		fprintf(f, "VM exits of %s per interval (%s)\n", whose(rep),
			vendor_name(rep->vendor));
	if (first) {
		fprintf(f, "%9s  %6s  %-*s %14s %14s %18s %12s\n", "time",
			"reason", nw, "name", "exits", "exits/s", "cycles/s",
			"cycles/exit");
	}
	for (i = 0; i < rep->n; i++) {
		const struct sample *s = rep->rows[i];

		reason_format(rep->vendor, s->code, reason, sizeof(reason));
		fprintf(f, "%9.3f  %6s  %-*s %14" PRIu64 " %14.1f %18.1f",
			rep->time, reason, nw, s->name ? s->name : "-",
			s->exits, rate(s->exits, rep->seconds),
			rate(s->cycles, rep->seconds));
		if (s->exits)
			fprintf(f, " %12" PRIu64 "\n",
				per_exit(s->cycles, s->exits));
		else
			fprintf(f, " %12s\n", "-");
	}
	fprintf(f, "%9.3f  %6s  %-*s %14" PRIu64 " %14.1f %18.1f", rep->time,
		"", nw, "total", rep->total_exits,
		rate(rep->total_exits, rep->seconds),
		rate(rep->total_cycles, rep->seconds));
	if (rep->total_exits)
		fprintf(f, " %12" PRIu64 "\n",
			per_exit(rep->total_cycles, rep->total_exits));
	else
		fprintf(f, " %12s\n", "-");
}

static void table(FILE *f, const struct report *rep, bool first)
{
	switch (rep->mode) {
	case REPORT_SNAPSHOT:
		if (rep->title)
			fprintf(f, "%s (%s)\n", rep->title,
				vendor_name(rep->vendor));
		else
			fprintf(f, "VM exits of %s (%s)\n",
				rep->global ? "all VMs since kvm was loaded" :
					      "this VM since it started",
				vendor_name(rep->vendor));
		table_counts(f, rep);
		break;
	case REPORT_COMMAND:
		fprintf(f, "VM exits of %s while running ", whose(rep));
		table_command(f, rep->argv);
		fprintf(f, " (%s)\n", vendor_name(rep->vendor));
		table_counts(f, rep);
		fprintf(f, "\n%.6f seconds elapsed, exit status %d\n",
			rep->seconds, rep->status);
		break;
	case REPORT_INTERVAL:
		table_interval(f, rep, first);
		break;
	}
}

/* ---- JSON ---- */

void format_json_string(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_per_exit(FILE *f, uint64_t cycles, uint64_t exits)
{
	if (exits)
		fprintf(f, ",\"cycles_per_exit\":%" PRIu64,
			per_exit(cycles, exits));
	else
		fputs(",\"cycles_per_exit\":null", f);
}

static void json_counts(FILE *f, const struct report *rep, uint64_t exits,
			uint64_t cycles)
{
	fprintf(f, "\"exits\":%" PRIu64 ",\"cycles\":%" PRIu64, exits, cycles);
	if (rep->mode == REPORT_INTERVAL)
		fprintf(f, ",\"exits_per_sec\":%.1f,\"cycles_per_sec\":%.1f",
			rate(exits, rep->seconds), rate(cycles, rep->seconds));
	json_per_exit(f, cycles, exits);
}

static void json(FILE *f, const struct report *rep)
{
	static const char *const mode[] = {
		[REPORT_SNAPSHOT] = "snapshot", [REPORT_INTERVAL] = "interval",
		[REPORT_COMMAND] = "command",
	};
	size_t i;

	fprintf(f, "{\"mode\":\"%s\",\"vendor\":\"%s\",\"scope\":\"%s\"",
		mode[rep->mode], vendor_name(rep->vendor), scope_of(rep));
	if (rep->mode == REPORT_INTERVAL)
		fprintf(f, ",\"interval\":%lu,\"time\":%.3f,\"seconds\":%.3f",
			rep->index, rep->time, rep->seconds);
	if (rep->mode == REPORT_COMMAND) {
		fputs(",\"command\":[", f);
		for (i = 0; rep->argv[i]; i++) {
			if (i)
				fputc(',', f);
			format_json_string(f, rep->argv[i]);
		}
		fprintf(f, "],\"exit_status\":%d,\"seconds\":%.6f",
			rep->status, rep->seconds);
	}
	if (rep->scope) {
		fprintf(f, ",\"vms\":%zu", rep->nr_vms);
		if (rep->pid) {
			fprintf(f, ",\"pid\":%ld,\"vm\":", rep->pid);
			format_json_string(f, rep->vm);
		}
	}
	fputc(',', f);
	format_json_body(f, rep);
	fputs("}\n", f);
}

void format_json_body(FILE *f, const struct report *rep)
{
	size_t i;

	fputs("\"reasons\":[", f);
	for (i = 0; i < rep->n; i++) {
		const struct sample *s = rep->rows[i];

		fprintf(f, "%s{\"reason\":%" PRId64 ",\"name\":", i ? "," : "",
			reason_number(rep->vendor, s->code));
		format_json_string(f, s->name);
		fputc(',', f);
		json_counts(f, rep, s->exits, s->cycles);
		if (rep->mode != REPORT_INTERVAL)
			fprintf(f, ",\"share_pct\":%.2f",
				share(s->exits, rep->total_exits));
		fputc('}', f);
	}
	fputs("],\"total\":{", f);
	json_counts(f, rep, rep->total_exits, rep->total_cycles);
	fputc('}', f);
}

/* ---- CSV ---- */

void format_csv_field(FILE *f, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_per_exit(FILE *f, uint64_t cycles, uint64_t exits)
{
	fputc(',', f);
	if (exits)
		fprintf(f, "%" PRIu64, per_exit(cycles, exits));
}

static void csv(FILE *f, const struct report *rep, bool first)
{
	bool iv = rep->mode == REPORT_INTERVAL;
	char reason[16];
	size_t i;

	if (first)
		fputs(iv ? "time,reason,name,exits,cycles,exits_per_sec,cycles_per_sec,cycles_per_exit\n" :
			   "reason,name,exits,cycles,cycles_per_exit,share_pct\n", f);
	for (i = 0; i <= rep->n; i++) {
		const struct sample *s = i < rep->n ? rep->rows[i] : NULL;
		uint64_t exits = s ? s->exits : rep->total_exits;
		uint64_t cycles = s ? s->cycles : rep->total_cycles;

		if (iv)
			fprintf(f, "%.3f,", rep->time);
		if (s) {
			reason_format(rep->vendor, s->code, reason,
				      sizeof(reason));
			fprintf(f, "%s,", reason);
			format_csv_field(f, s->name);
		} else {
			fputs("total,", f);
		}
		fprintf(f, ",%" PRIu64 ",%" PRIu64, exits, cycles);
		if (iv) {
			fprintf(f, ",%.1f,%.1f", rate(exits, rep->seconds),
				rate(cycles, rep->seconds));
			csv_per_exit(f, cycles, exits);
		} else {
			csv_per_exit(f, cycles, exits);
			fprintf(f, ",%.2f", share(exits, rep->total_exits));
		}
		fputc('\n', f);
	}
}

/* ---- Prometheus text exposition format ---- */

void format_prom_label(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

void format_prom_head(FILE *f, const char *metric, const char *type,
		      const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", metric, help, metric, type);
}

static void prom_labels(FILE *f, const struct report *rep,
			const struct sample *s)
{
	char reason[16];

	fprintf(f, "{vendor=\"%s\",scope=\"%s\"", vendor_name(rep->vendor),
		scope_of(rep));
	if (s) {
		reason_format(rep->vendor, s->code, reason, sizeof(reason));
		fprintf(f, ",reason=\"%s\",name=", reason);
		format_prom_label(f, s->name ? s->name : "");
	}
	fputc('}', f);
}

enum prom_value { PROM_EXITS, PROM_CYCLES };

static void prom_family(FILE *f, const struct report *rep, const char *metric,
			const char *type, const char *help,
			enum prom_value what, bool per_reason)
{
	size_t i;

	format_prom_head(f, metric, type, help);
	for (i = 0; i < (per_reason ? rep->n : 1); i++) {
		const struct sample *s = per_reason ? rep->rows[i] : NULL;
		uint64_t v;

		if (what == PROM_EXITS)
			v = s ? s->exits : rep->total_exits;
		else
			v = s ? s->cycles : rep->total_cycles;
		fputs(metric, f);
		prom_labels(f, rep, s);
		if (rep->mode == REPORT_INTERVAL)
			fprintf(f, " %.3f\n", rate(v, rep->seconds));
		else
			fprintf(f, " %" PRIu64 "\n", v);
	}
}

static void prometheus(FILE *f, const struct report *rep, bool first)
{
	switch (rep->mode) {
	case REPORT_SNAPSHOT:
		prom_family(f, rep, "kvm_exitstat_exits_total", "counter",
			    "VM exits by exit reason.", PROM_EXITS, true);
		prom_family(f, rep, "kvm_exitstat_cycles_total", "counter",
			    "Host TSC cycles KVM spent handling VM exits, by exit reason.",
			    PROM_CYCLES, true);
		prom_family(f, rep, "kvm_exitstat_all_exits_total", "counter",
			    "VM exits of all exit reasons.", PROM_EXITS, false);
		prom_family(f, rep, "kvm_exitstat_all_cycles_total", "counter",
			    "Host TSC cycles KVM spent handling VM exits of all exit reasons.",
			    PROM_CYCLES, false);
		break;
	case REPORT_INTERVAL:
		if (!first)
			fputc('\n', f);
		prom_family(f, rep, "kvm_exitstat_exits_per_second", "gauge",
			    "VM exits per second in the last interval, by exit reason.",
			    PROM_EXITS, true);
		prom_family(f, rep, "kvm_exitstat_cycles_per_second", "gauge",
			    "Host TSC cycles per second KVM spent handling VM exits in the last interval, by exit reason.",
			    PROM_CYCLES, true);
		prom_family(f, rep, "kvm_exitstat_all_exits_per_second", "gauge",
			    "VM exits of all exit reasons per second in the last interval.",
			    PROM_EXITS, false);
		prom_family(f, rep, "kvm_exitstat_all_cycles_per_second", "gauge",
			    "Host TSC cycles per second KVM spent handling VM exits of all exit reasons in the last interval.",
			    PROM_CYCLES, false);
		break;
	case REPORT_COMMAND:
		prom_family(f, rep, "kvm_exitstat_command_exits", "gauge",
			    "VM exits while the command ran, by exit reason.",
			    PROM_EXITS, true);
		prom_family(f, rep, "kvm_exitstat_command_cycles", "gauge",
			    "Host TSC cycles KVM spent handling VM exits while the command ran, by exit reason.",
			    PROM_CYCLES, true);
		prom_family(f, rep, "kvm_exitstat_command_all_exits", "gauge",
			    "VM exits of all exit reasons while the command ran.",
			    PROM_EXITS, false);
		prom_family(f, rep, "kvm_exitstat_command_all_cycles", "gauge",
			    "Host TSC cycles KVM spent handling VM exits of all exit reasons while the command ran.",
			    PROM_CYCLES, false);
		format_prom_head(f, "kvm_exitstat_command_seconds", "gauge",
			  "Wall-clock seconds the command ran.");
		fprintf(f, "kvm_exitstat_command_seconds %.6f\n", rep->seconds);
		format_prom_head(f, "kvm_exitstat_command_exit_status", "gauge",
			  "Exit status of the command.");
		fprintf(f, "kvm_exitstat_command_exit_status %d\n", rep->status);
		break;
	}
}

void format_report(FILE *f, enum format fmt, const struct report *rep,
		   bool first)
{
	switch (fmt) {
	case FORMAT_TABLE:
		table(f, rep, first);
		break;
	case FORMAT_JSON:
		json(f, rep);
		break;
	case FORMAT_CSV:
		csv(f, rep, first);
		break;
	case FORMAT_PROMETHEUS:
		prometheus(f, rep, first);
		break;
	}
}

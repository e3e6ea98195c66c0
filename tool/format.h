/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitstat: writing a report as a table (for people), JSON (one object per
 * line), CSV, or the Prometheus text exposition format.
 */
#ifndef EXITSTAT_FORMAT_H
#define EXITSTAT_FORMAT_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

enum format { FORMAT_TABLE, FORMAT_JSON, FORMAT_CSV, FORMAT_PROMETHEUS };

/*
 * Writes @rep to @f.  @first: the first report of this run (intervals: the
 * table and CSV headers are written once).
 */
void format_report(FILE *f, enum format fmt, const struct report *rep,
		   bool first);

/* Shared with format_host.c. */
void format_json_string(FILE *f, const char *s);
/* "reasons":[...],"total":{...} of @rep */
void format_json_body(FILE *f, const struct report *rep);
void format_csv_field(FILE *f, const char *s);
void format_prom_label(FILE *f, const char *s);
void format_prom_head(FILE *f, const char *metric, const char *type,
		      const char *help);

#endif

// SPDX-License-Identifier: GPL-2.0
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report.h"

int sort_key_parse(const char *s)
{
	static const char *const keys[] = {
		[SORT_EXITS] = "exits", [SORT_CYCLES] = "cycles",
		[SORT_REASON] = "reason", [SORT_NAME] = "name",
	};
	int i;

	for (i = 0; i < (int)(sizeof(keys) / sizeof(keys[0])); i++)
		if (!strcmp(s, keys[i]))
			return i;
	return -1;
}

static enum sort_key sort_by;

static int by_code(const struct sample *a, const struct sample *b)
{
	return a->code < b->code ? -1 : a->code > b->code;
}

static int cmp_desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b;
}

static int compare(const void *pa, const void *pb)
{
	const struct sample *a = *(const struct sample *const *)pa;
	const struct sample *b = *(const struct sample *const *)pb;
	int c = 0;

	switch (sort_by) {
	case SORT_EXITS:
		c = cmp_desc(a->exits, b->exits);
		break;
	case SORT_CYCLES:
		c = cmp_desc(a->cycles, b->cycles);
		break;
	case SORT_NAME:
		c = strcasecmp(a->name ? a->name : "", b->name ? b->name : "");
		break;
	case SORT_REASON:
		break;
	}
	return c ? c : by_code(a, b);
}

int report_rows(struct report *rep, const struct snapshot *snap, bool all,
		enum sort_key key)
{
	size_t i;

	rep->vendor = snap->vendor;
	rep->global = snap->global;
	rep->total_exits = snap->total_exits;
	rep->total_cycles = snap->total_cycles;
	rep->n = 0;
	rep->rows = calloc(snap->n ? snap->n : 1, sizeof(*rep->rows));
	if (!rep->rows)
		return -1;
	for (i = 0; i < snap->n; i++)
		if (snap->s[i].defined && (all || snap->s[i].exits))
			rep->rows[rep->n++] = &snap->s[i];
	sort_by = key;
	if (rep->n)
		qsort(rep->rows, rep->n, sizeof(*rep->rows), compare);
	return 0;
}

void report_free(struct report *rep)
{
	free(rep->rows);
	rep->rows = NULL;
	rep->n = 0;
}

uint64_t per_exit(uint64_t cycles, uint64_t exits)
{
	if (!exits)
		return 0;
	return cycles / exits + (cycles % exits >= exits - exits / 2);
}

double share(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

double rate(uint64_t count, double seconds)
{
	return seconds > 0 ? (double)count / seconds : 0.0;
}

static enum sort_key group_sort_by;

static int by_vm(const struct report_group *a, const struct report_group *b)
{
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	if (a->fd != b->fd)
		return a->fd < b->fd ? -1 : 1;
	return a->vcpu < b->vcpu ? -1 : a->vcpu > b->vcpu;
}

static int compare_groups(const void *pa, const void *pb)
{
	const struct report_group *a = pa, *b = pb;
	int c = 0;

	switch (group_sort_by) {
	case SORT_EXITS:
		c = cmp_desc(a->rep.total_exits, b->rep.total_exits);
		break;
	case SORT_CYCLES:
		c = cmp_desc(a->rep.total_cycles, b->rep.total_cycles);
		break;
	case SORT_NAME:
		c = strcmp(a->vm, b->vm);
		break;
	case SORT_REASON:	/* no reason to order VMs by: as listed */
		break;
	}
	return c ? c : by_vm(a, b);
}

void report_groups_sort(struct report_groups *gs, enum sort_key key)
{
	group_sort_by = key;
	if (gs->n)
		qsort(gs->g, gs->n, sizeof(*gs->g), compare_groups);
}

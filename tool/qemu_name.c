// SPDX-License-Identifier: GPL-2.0
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qemu_name.h"

/* QEMU's command lines can be long; -name comes early in libvirt's. */
#define CMDLINE_MAX	(256 * 1024)

/*
 * One comma-separated part of @opt starting at @p into @buf (",," is a
 * comma); returns where the next part starts, or NULL after the last.
 */
static const char *next_part(const char *p, char *buf, size_t size)
{
	size_t n = 0;

	for (;;) {
		if (*p == ',' && p[1] == ',')
			p++;
		else if (*p == ',' || !*p)
			break;
		if (n + 1 < size)
			buf[n++] = *p;
		p++;
	}
	buf[n] = '\0';
	return *p ? p + 1 : NULL;
}

/* @opt is the argument of -name: "[guest=]NAME[,key=value]..." */
static void name_of_option(const char *opt, char *name, size_t size)
{
	char part[QEMU_NAME_MAX + 16];
	const char *p = opt;
	bool first = true;

	name[0] = '\0';
	while (p) {
		p = next_part(p, part, sizeof(part));
		if (!strncmp(part, "guest=", 6)) {
			snprintf(name, size, "%s", part + 6);
			return;
		}
		/* the first part may leave out its key, which is guest= */
		if (first && !strchr(part, '='))
			snprintf(name, size, "%s", part);
		first = false;
	}
}

void qemu_name_parse(const char *cmdline, size_t len, char *name,
		     size_t size)
{
	const char *p = cmdline, *end = cmdline + len, *arg;

	name[0] = '\0';
	while (p < end) {
		arg = p;
		p = memchr(p, '\0', end - p);
		if (!p)
			return;	/* an argument cut off by the size cap */
		p++;
		if (strcmp(arg, "-name") && strcmp(arg, "--name"))
			continue;
		if (p < end && memchr(p, '\0', end - p))
			name_of_option(p, name, size);
	}
}

void qemu_name(const char *proc, long pid, char *name, size_t size)
{
	static char buf[CMDLINE_MAX];
	char path[4096];
	size_t len = 0;
	ssize_t r;
	int fd;

	name[0] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/%ld/cmdline", proc, pid) >=
	    sizeof(path))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;		/* gone, or not ours to read: no name */
	while (len < sizeof(buf)) {
		r = read(fd, buf + len, sizeof(buf) - len);
		if (r <= 0)
			break;
		len += r;
	}
	close(fd);
	qemu_name_parse(buf, len, name, size);
}

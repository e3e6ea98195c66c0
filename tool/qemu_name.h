/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitstat --host: the name a QEMU process was given with -name, read from
 * /proc/<pid>/cmdline, so that a VM can be chosen and shown by it as
 * kvm_stat -g does.
 */
#ifndef EXITSTAT_QEMU_NAME_H
#define EXITSTAT_QEMU_NAME_H

#include <stddef.h>

#define QEMU_NAME_MAX	256	/* longer names are cut */

/*
 * The -name of @cmdline (@len bytes of NUL-separated arguments) into @name:
 * "-name foo", "-name guest=foo,debug-threads=on" and "-name foo,process=x"
 * all give "foo" (",," is QEMU's escaped comma).  The last -name counts, as
 * in QEMU.  "" if there is none.
 */
void qemu_name_parse(const char *cmdline, size_t len, char *name,
		     size_t size);

/* The same for process @pid under @proc (e.g. "/proc"); "" if unreadable. */
void qemu_name(const char *proc, long pid, char *name, size_t size);

#endif

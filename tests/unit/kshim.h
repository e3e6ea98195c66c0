/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel definitions kernel/exitstat_core.c uses, so that the very
 * same file builds into the user-space unit tests (forced in with -include).
 */
#ifndef EXITSTAT_TESTS_KSHIM_H
#define EXITSTAT_TESTS_KSHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t u32;
typedef uint64_t u64;

#define U32_MAX		UINT32_MAX
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define unlikely(x)	__builtin_expect(!!(x), 0)
#ifndef __always_inline		/* glibc's <sys/cdefs.h> has it too */
#define __always_inline	inline __attribute__((__always_inline__))
#endif
#define barrier()	__asm__ __volatile__("" : : : "memory")
#define OPTIMIZER_HIDE_VAR(var)	__asm__ ("" : "=r" (var) : "0" (var))

struct list_head {
	struct list_head *next, *prev;
};

#endif

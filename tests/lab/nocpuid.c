// SPDX-License-Identifier: GPL-2.0
/*
 * A command that executes no CPUID instruction: no C library (whose
 * start-up asks CPUID for the CPU's features), only the exit system call.
 * The L2 cross-check runs `exitstat -- nocpuid`: with nothing else asking
 * CPUID, the CPUID reason must show 0 exits and 0 cycles.
 */
void _start(void)
{
	__asm__ volatile("syscall" : : "a"(60), "D"(0));	/* exit(0) */
	__builtin_unreachable();
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The manuals' sets of defined exit reasons, stated independently of the
 * kernel's range tables (the same statement as in tests/unit/test_core.c).
 */
#ifndef EXITSTAT_TESTS_ORACLE_H
#define EXITSTAT_TESTS_ORACLE_H

#include <stdbool.h>
#include <stdint.h>
#include <asm/kvm_exitstat.h>

/* Intel SDM Vol. 3D Table C-1: 0..85 except 35, 38, 42, 71, 82, 83. */
static inline bool oracle_sdm_defines(uint32_t r)
{
	return r <= 85 && r != 35 && r != 38 && r != 42 && r != 71 &&
	       r != 82 && r != 83;
}

/* AMD APM Vol. 2 Table C-1: 0x0-0xa6, 0x400-0x403, -2, -1. */
static inline bool oracle_apm_defines(uint32_t r)
{
	return r <= 0xa6 || (r >= 0x400 && r <= 0x403) || r >= 0xfffffffeU;
}

static inline bool oracle_defines(enum kvm_exitstat_vendor v, uint32_t r)
{
	return v == KVM_EXITSTAT_VENDOR_VMX ? oracle_sdm_defines(r) :
					      oracle_apm_defines(r);
}

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitstat: is this a kvm-exitstat guest, and with which binding, vendor and
 * state?  Decided by the discovery leaf's signature only, never by guessing
 * from counter values.
 */
#ifndef EXITSTAT_DISCOVER_H
#define EXITSTAT_DISCOVER_H

#include <stddef.h>
#include <stdint.h>

#include <asm/kvm_exitstat.h>

#include "cpuid_backend.h"

struct exitstat_abi {
	uint32_t version;
	uint32_t leaf[KVM_EXITSTAT_NR_FNS];	/* the binding in force */
	enum kvm_exitstat_vendor vendor;
	uint32_t flags;				/* KVM_EXITSTAT_F_* */
};

enum discover_status {
	DISCOVER_OK,
	DISCOVER_ABSENT,	/* no signature: not a kvm-exitstat guest */
	DISCOVER_BAD_VERSION,
	DISCOVER_BAD_BINDING,
	DISCOVER_BAD_VENDOR,
	DISCOVER_NOT_COUNTING,	/* present, counting switched off */
};

enum discover_status discover(struct cpuid_backend *cpu,
			      struct exitstat_abi *abi);

/*
 * What else this machine is, for the "not exposed" message: the hypervisor
 * signature of leaf 0x40000000 if CPUID.1:ECX.31 says there is one, else
 * "no hypervisor".
 */
void describe_machine(struct cpuid_backend *cpu, char *buf, size_t size);

#endif

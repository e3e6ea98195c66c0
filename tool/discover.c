// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "discover.h"

static int binding_valid(const uint32_t *leaf)
{
	int i, j;

	for (i = 0; i < KVM_EXITSTAT_NR_FNS; i++) {
		if (leaf[i] < KVM_EXITSTAT_LEAF_MIN ||
		    leaf[i] > KVM_EXITSTAT_LEAF_MAX ||
		    (leaf[i] >= KVM_EXITSTAT_HV_LEAF_FIRST &&
		     leaf[i] <= KVM_EXITSTAT_HV_LEAF_LAST) ||
		    leaf[i] == KVM_EXITSTAT_LEAF_DISCOVERY ||
		    leaf[i] == KVM_EXITSTAT_LEAF_REASON_EXITS64 ||
		    leaf[i] == KVM_EXITSTAT_LEAF_TOTAL_EXITS64)
			return 0;
		for (j = 0; j < i; j++)
			if (leaf[j] == leaf[i])
				return 0;
	}
	return 1;
}

enum discover_status discover(struct cpuid_backend *cpu,
			      struct exitstat_abi *abi)
{
	struct cpuid_regs r;

	memset(abi, 0, sizeof(*abi));
	cpuid_call(cpu, KVM_EXITSTAT_LEAF_DISCOVERY, KVM_EXITSTAT_DISCOVERY_ID,
		   &r);
	if (r.ebx != KVM_EXITSTAT_SIGNATURE_EBX ||
	    r.ecx != KVM_EXITSTAT_SIGNATURE_ECX ||
	    r.edx != KVM_EXITSTAT_SIGNATURE_EDX)
		return DISCOVER_ABSENT;
	abi->version = r.eax;
	if (abi->version < 1)
		return DISCOVER_BAD_VERSION;

	cpuid_call(cpu, KVM_EXITSTAT_LEAF_DISCOVERY,
		   KVM_EXITSTAT_DISCOVERY_BINDING, &r);
	abi->leaf[KVM_EXITSTAT_FN_TOTAL_EXITS] = r.eax;
	abi->leaf[KVM_EXITSTAT_FN_TOTAL_CYCLES] = r.ebx;
	abi->leaf[KVM_EXITSTAT_FN_REASON_EXITS] = r.ecx;
	abi->leaf[KVM_EXITSTAT_FN_REASON_CYCLES] = r.edx;
	if (!binding_valid(abi->leaf))
		return DISCOVER_BAD_BINDING;

	cpuid_call(cpu, KVM_EXITSTAT_LEAF_DISCOVERY,
		   KVM_EXITSTAT_DISCOVERY_STATE, &r);
	abi->vendor = r.eax;
	abi->flags = r.ebx;
	if (abi->vendor != KVM_EXITSTAT_VENDOR_VMX &&
	    abi->vendor != KVM_EXITSTAT_VENDOR_SVM)
		return DISCOVER_BAD_VENDOR;
	if (!(abi->flags & KVM_EXITSTAT_F_COUNTING))
		return DISCOVER_NOT_COUNTING;
	return DISCOVER_OK;
}

void describe_machine(struct cpuid_backend *cpu, char *buf, size_t size)
{
	struct cpuid_regs r;
	char sig[13];
	uint32_t w[3];
	int i;

	cpuid_call(cpu, 1, 0, &r);
	if (!(r.ecx & (1U << 31))) {
		snprintf(buf, size, "no hypervisor");
		return;
	}
	cpuid_call(cpu, KVM_EXITSTAT_HV_LEAF_FIRST, 0, &r);
	w[0] = r.ebx;
	w[1] = r.ecx;
	w[2] = r.edx;
	memcpy(sig, w, 12);
	sig[12] = '\0';
	for (i = 0; i < 12 && sig[i]; i++)
		if (sig[i] < 0x20 || sig[i] > 0x7e || sig[i] == '"')
			sig[i] = '?';
	snprintf(buf, size, "hypervisor \"%s\"", sig);
}

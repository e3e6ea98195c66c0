/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvm-exitstat: the CPUID leaves through which a KVM guest reads how many
 * VM exits its VM caused and how many host TSC cycles KVM spent on them.
 *
 * This header is the one definition of the ABI: the kernel, the guest tool
 * and the tests all include it as <asm/kvm_exitstat.h>.
 *
 * Input: eax = leaf, ecx = argument.  Output registers not mentioned are 0.
 *
 *  function        default leaf  ecx     output
 *  TOTAL_EXITS     0x4fffffff    -       eax = exits of all reasons, bits 31:0
 *  TOTAL_CYCLES    0x4ffffffe    -       ebx:ecx = cycles of all exits (high:low)
 *  REASON_EXITS    0x4ffffffd    reason  eax = exits of that reason, bits 31:0
 *  REASON_CYCLES   0x4ffffffc    reason  ebx:ecx = cycles of that reason
 *
 * Per-reason leaves: a reason that the vendor's manual (Intel SDM Vol. 3D
 * Appendix C; AMD APM Vol. 2 Appendix C) does not define answers
 * eax = ebx = ecx = 0, edx = KVM_EXITSTAT_UNDEFINED.  A defined reason that
 * this KVM has no exit handler for answers all four registers 0.
 *
 * The four functions can be bound to other leaves when kvm.ko is loaded
 * (parameter kvm.exitstat_leaves); the fixed DISCOVERY leaf reports the
 * binding in force, so a tool never needs to guess it.
 *
 * Extensions at fixed leaves:
 *  DISCOVERY       0x4ffffff0    0       eax = KVM_EXITSTAT_ABI_VERSION,
 *                                        ebx, ecx, edx = "KVMExitStats"
 *                                1       eax, ebx, ecx, edx = the leaves bound
 *                                        to TOTAL_EXITS, TOTAL_CYCLES,
 *                                        REASON_EXITS, REASON_CYCLES
 *                                2       eax = enum kvm_exitstat_vendor,
 *                                        ebx = KVM_EXITSTAT_F_* flags
 *                                other   edx = KVM_EXITSTAT_UNDEFINED
 *  REASON_EXITS64  0x4ffffff1    reason  eax = exits bits 31:0, ebx = 63:32;
 *                                        edx as for the per-reason leaves
 *  TOTAL_EXITS64   0x4ffffff2    -       eax = exits bits 31:0, ebx = 63:32
 *
 * While counting is switched off (kvm.exitstat_enable=0) every leaf but
 * DISCOVERY answers edx = KVM_EXITSTAT_NOT_COUNTING and 0 elsewhere.
 */
#ifndef _UAPI_ASM_X86_KVM_EXITSTAT_H
#define _UAPI_ASM_X86_KVM_EXITSTAT_H

#include <linux/types.h>

#define KVM_EXITSTAT_ABI_VERSION	1

/* The four functions, in the order the binding lists them. */
enum kvm_exitstat_fn {
	KVM_EXITSTAT_FN_TOTAL_EXITS,
	KVM_EXITSTAT_FN_TOTAL_CYCLES,
	KVM_EXITSTAT_FN_REASON_EXITS,
	KVM_EXITSTAT_FN_REASON_CYCLES,
	KVM_EXITSTAT_NR_FNS,
};

/* Default binding (the seed assignment's leaf numbers). */
#define KVM_EXITSTAT_LEAF_TOTAL_EXITS		0x4fffffffU
#define KVM_EXITSTAT_LEAF_TOTAL_CYCLES		0x4ffffffeU
#define KVM_EXITSTAT_LEAF_REASON_EXITS		0x4ffffffdU
#define KVM_EXITSTAT_LEAF_REASON_CYCLES		0x4ffffffcU

/* Fixed extension leaves; a binding may not use them. */
#define KVM_EXITSTAT_LEAF_DISCOVERY		0x4ffffff0U
#define KVM_EXITSTAT_LEAF_REASON_EXITS64	0x4ffffff1U
#define KVM_EXITSTAT_LEAF_TOTAL_EXITS64		0x4ffffff2U

/* A binding must lie in this range ... */
#define KVM_EXITSTAT_LEAF_MIN			0x40000000U
#define KVM_EXITSTAT_LEAF_MAX			0x4fffffffU
/* ... outside the hypervisor leaves that KVM and its Hyper-V emulation answer. */
#define KVM_EXITSTAT_HV_LEAF_FIRST		0x40000000U
#define KVM_EXITSTAT_HV_LEAF_LAST		0x400001ffU

/* DISCOVERY sub-leaves (ecx). */
#define KVM_EXITSTAT_DISCOVERY_ID		0
#define KVM_EXITSTAT_DISCOVERY_BINDING		1
#define KVM_EXITSTAT_DISCOVERY_STATE		2

/* "KVMExitStats" in ebx, ecx, edx, as CPUID returns vendor strings. */
#define KVM_EXITSTAT_SIGNATURE_EBX		0x454d564bU	/* "KVME" */
#define KVM_EXITSTAT_SIGNATURE_ECX		0x53746978U	/* "xitS" */
#define KVM_EXITSTAT_SIGNATURE_EDX		0x73746174U	/* "tats" */

/* edx markers. */
#define KVM_EXITSTAT_UNDEFINED			0xffffffffU
#define KVM_EXITSTAT_NOT_COUNTING		0xfffffffeU

enum kvm_exitstat_vendor {
	KVM_EXITSTAT_VENDOR_NONE = 0,
	KVM_EXITSTAT_VENDOR_VMX = 1,	/* Intel VT-x: basic exit reasons */
	KVM_EXITSTAT_VENDOR_SVM = 2,	/* AMD-V: exit codes */
};

/* DISCOVERY sub-leaf 2, ebx. */
#define KVM_EXITSTAT_F_COUNTING			0x1U	/* counting is on */
#define KVM_EXITSTAT_F_GLOBAL			0x2U	/* answers sum all VMs */

/*
 * Host side: each vCPU's binary stats (KVM_GET_STATS_FD; see the kernel's
 * Documentation/virt/kvm/api.rst) end with two cumulative arrays of
 * KVM_EXITSTAT_STATS_SLOTS u64 values, base 10, exponent 0:
 *   KVM_EXITSTAT_STATS_EXITS   exits of each slot, unit none
 *   KVM_EXITSTAT_STATS_CYCLES  host TSC cycles spent on them, unit cycles
 * Element n is slot n.  The slots of each vendor:
 *   VMX: slot r is basic exit reason r, for r <= KVM_EXITSTAT_VMX_LAST (85);
 *        slot 86 counts any other reason; slots above 86 stay 0.
 *   SVM: slot c is exit code c, for c <= 0xa6; slots 0xa7..0xaa are exit
 *        codes 0x400..0x403; 0xab is -2 (VMEXIT_BUSY), 0xac is -1
 *        (VMEXIT_INVALID); 0xad counts any other code.
 * Same names, same layout, same meaning in every later version: a change
 * gets new names.
 */
#define KVM_EXITSTAT_STATS_EXITS		"exitstat_exits_by_slot"
#define KVM_EXITSTAT_STATS_CYCLES		"exitstat_cycles_by_slot"
#define KVM_EXITSTAT_STATS_SLOTS		174

#endif /* _UAPI_ASM_X86_KVM_EXITSTAT_H */

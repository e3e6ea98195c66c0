// SPDX-License-Identifier: GPL-2.0
/*
 * The reason tables are the kernel's own, expanded here the way tools/perf
 * (arch/x86/util/kvm-stat.c) expands them, so that no name is typed twice.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include <asm/kvm.h>	/* DE_VECTOR ..., used by SVM_EXIT_REASONS */
#include <asm/svm.h>
#include <asm/vmx.h>

#include "reasons.h"

struct exit_reasons_table {
	unsigned long exit_code;
	const char *reason;
};

static const struct exit_reasons_table vmx_exit_reasons[] = {
	VMX_EXIT_REASONS
};

static const struct exit_reasons_table svm_exit_reasons[] = {
	SVM_EXIT_REASONS
};

#define NR_VMX (sizeof(vmx_exit_reasons) / sizeof(vmx_exit_reasons[0]))
#define NR_SVM (sizeof(svm_exit_reasons) / sizeof(svm_exit_reasons[0]))

static struct exit_reason vmx_reasons[NR_VMX];
static struct exit_reason svm_reasons[NR_SVM];

static void fill(struct exit_reason *dst, const struct exit_reasons_table *src,
		 size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		/* SVM_EXIT_ERR is -1: the 32-bit code is 0xffffffff */
		dst[i].code = (uint32_t)src[i].exit_code;
		dst[i].name = src[i].reason;
	}
}

const struct exit_reason *reasons_table(enum kvm_exitstat_vendor vendor,
					size_t *n)
{
	switch (vendor) {
	case KVM_EXITSTAT_VENDOR_VMX:
		if (!vmx_reasons[NR_VMX - 1].name)
			fill(vmx_reasons, vmx_exit_reasons, NR_VMX);
		*n = NR_VMX;
		return vmx_reasons;
	case KVM_EXITSTAT_VENDOR_SVM:
		if (!svm_reasons[NR_SVM - 1].name)
			fill(svm_reasons, svm_exit_reasons, NR_SVM);
		*n = NR_SVM;
		return svm_reasons;
	default:
		*n = 0;
		return NULL;
	}
}

const char *reason_name(enum kvm_exitstat_vendor vendor, uint32_t code)
{
	const struct exit_reason *t;
	size_t i, n;

	t = reasons_table(vendor, &n);
	for (i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return NULL;
}

uint32_t reason_cpuid(enum kvm_exitstat_vendor vendor)
{
	return vendor == KVM_EXITSTAT_VENDOR_SVM ? SVM_EXIT_CPUID :
						   EXIT_REASON_CPUID;
}

const char *vendor_name(enum kvm_exitstat_vendor vendor)
{
	switch (vendor) {
	case KVM_EXITSTAT_VENDOR_VMX:
		return "vmx";
	case KVM_EXITSTAT_VENDOR_SVM:
		return "svm";
	default:
		return "none";
	}
}

int64_t reason_number(enum kvm_exitstat_vendor vendor, uint32_t code)
{
	if (vendor == KVM_EXITSTAT_VENDOR_SVM && code >= 0x80000000U)
		return (int64_t)(int32_t)code;
	return code;
}

void reason_format(enum kvm_exitstat_vendor vendor, uint32_t code,
		   char *buf, size_t size)
{
	int64_t v = reason_number(vendor, code);

	if (vendor == KVM_EXITSTAT_VENDOR_SVM && v >= 0)
		snprintf(buf, size, "0x%03" PRIx32, code);
	else
		snprintf(buf, size, "%" PRId64, v);
}

int reason_parse(enum kvm_exitstat_vendor vendor, const char *s,
		 uint32_t *code)
{
	const struct exit_reason *t;
	long long v;
	size_t i, n;
	char *end;

	if ((s[0] >= '0' && s[0] <= '9') || s[0] == '-') {
		errno = 0;
		v = strtoll(s, &end, 0);
		if (errno || *end || end == s || v < INT32_MIN || v > UINT32_MAX)
			return -1;
		*code = (uint32_t)v;
		return 0;
	}
	t = reasons_table(vendor, &n);
	for (i = 0; i < n; i++) {
		if (!strcasecmp(t[i].name, s)) {
			*code = t[i].code;
			return 0;
		}
	}
	return -1;
}

size_t reasons_add(enum kvm_exitstat_vendor vendor, uint32_t code,
		   uint32_t *codes, const char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (codes[i] == code)
			return n;
	codes[n] = code;
	names[n] = reason_name(vendor, code);
	return n + 1;
}

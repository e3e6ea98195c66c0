/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitstat: exit reason numbers and names of each vendor, as the kernel's
 * uapi headers list them (<asm/vmx.h> VMX_EXIT_REASONS, <asm/svm.h>
 * SVM_EXIT_REASONS), and how a reason is written and parsed.
 */
#ifndef EXITSTAT_REASONS_H
#define EXITSTAT_REASONS_H

#include <stddef.h>
#include <stdint.h>

#include <asm/kvm_exitstat.h>

struct exit_reason {
	uint32_t code;		/* as CPUID's ecx carries it */
	const char *name;
};

/* The named reasons of @vendor, in header order; NULL for no vendor. */
const struct exit_reason *reasons_table(enum kvm_exitstat_vendor vendor,
					size_t *n);

/* Name of @code, or NULL if the header names none. */
const char *reason_name(enum kvm_exitstat_vendor vendor, uint32_t code);

/* The reason a guest's CPUID instruction exits with. */
uint32_t reason_cpuid(enum kvm_exitstat_vendor vendor);

/* "vmx", "svm" or "none". */
const char *vendor_name(enum kvm_exitstat_vendor vendor);

/*
 * @code as the vendor's manual writes it: decimal on VMX (SDM), 0x%03x on
 * SVM (APM), negative for the APM's negative codes (VMEXIT_INVALID = -1).
 */
void reason_format(enum kvm_exitstat_vendor vendor, uint32_t code,
		   char *buf, size_t size);
/* The same as a signed number (for JSON). */
int64_t reason_number(enum kvm_exitstat_vendor vendor, uint32_t code);

/*
 * @s as a reason: a number (decimal, 0x hex, negative) or a name of the
 * vendor's table, case-insensitive.  0 on success; -1 if @s is neither a
 * number nor a name of the table.
 */
int reason_parse(enum kvm_exitstat_vendor vendor, const char *s,
		 uint32_t *code);

/*
 * Appends @code, with its name of @vendor's table, to the @n reasons
 * @codes and @names unless it is there already (asked for twice).  Returns
 * the new number of reasons.
 */
size_t reasons_add(enum kvm_exitstat_vendor vendor, uint32_t code,
		   uint32_t *codes, const char **names, size_t n);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-exitstat: the kvm.ko side of the counters - module parameters, vCPU
 * counter blocks, and the CPUID query that sums them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm_host.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include "exitstat.h"

/* Spelled out: checkpatch does not see the export after DEFINE_STATIC_KEY_TRUE. */
struct static_key_true kvm_exitstat_counting = STATIC_KEY_TRUE_INIT;
EXPORT_SYMBOL_FOR_KVM_INTERNAL(kvm_exitstat_counting);

static void forget_exits_in_flight(void);

static int enable_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int r = kstrtobool(val, &on);

	if (r)
		return r;
	if (on && !static_key_enabled(&kvm_exitstat_counting)) {
		forget_exits_in_flight();
		static_branch_enable(&kvm_exitstat_counting);
	} else if (!on) {
		static_branch_disable(&kvm_exitstat_counting);
	}
	return 0;
}

static int enable_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%c\n",
			  static_key_enabled(&kvm_exitstat_counting) ? 'Y' : 'N');
}

static const struct kernel_param_ops enable_ops = {
	.set = enable_set,
	.get = enable_get,
};

module_param_cb(exitstat_enable, &enable_ops, NULL, 0644);
MODULE_PARM_DESC(exitstat_enable, "Count VM exits per reason (runtime switch)");

static bool exitstat_global;
module_param(exitstat_global, bool, 0444);
MODULE_PARM_DESC(exitstat_global,
		 "CPUID answers count the exits of all VMs since load, not only the asking VM's");

static bool exitstat_log;
module_param(exitstat_log, bool, 0644);
MODULE_PARM_DESC(exitstat_log, "Log each query to the kernel log, rate-limited");

static struct kvm_exitstat_binding binding = KVM_EXITSTAT_DEFAULT_BINDING;

static int leaves_set(const char *val, const struct kernel_param *kp)
{
	const char *why = kvm_exitstat_parse_binding(val, &binding);

	if (why) {
		pr_err("exitstat_leaves=%s refused: %s\n", val, why);
		return -EINVAL;
	}
	return 0;
}

static int leaves_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%#x,%#x,%#x,%#x\n", binding.leaf[0],
			  binding.leaf[1], binding.leaf[2], binding.leaf[3]);
}

static const struct kernel_param_ops leaves_ops = {
	.set = leaves_set,
	.get = leaves_get,
};

/* Load-time only: the exit path reads the binding without a lock. */
module_param_cb(exitstat_leaves, &leaves_ops, NULL, 0444);
MODULE_PARM_DESC(exitstat_leaves,
		 "Leaves of total exits,total cycles,exits of reason,cycles of reason");

/* Registered by the vendor module; stays valid after it is unloaded. */
static enum kvm_exitstat_vendor vendor;
static u64 handled[KVM_EXITSTAT_HANDLED_WORDS];

/*
 * Global scope: counters of live vCPUs, plus those of vCPUs already freed.
 * The mutex is taken on vCPU create/free and by global queries only.
 */
static DEFINE_MUTEX(vcpus_lock);
static LIST_HEAD(vcpus);
static unsigned int nr_vcpus;
static struct kvm_exitstat_counter retired[KVM_EXITSTAT_MAX_SLOTS];

/*
 * "Handled by KVM" is read off the vendor's own exit handler table, the one
 * its handle_exit indexes; the fastpath only ever resolves reasons that also
 * have an entry there (WRMSR, preemption timer; in 7.3 also HLT, INVD).
 */
void __kvm_exitstat_vendor_init(enum kvm_exitstat_vendor v,
				const struct kvm_exitstat_handlers *h)
{
	u32 reason;

	memset(handled, 0, sizeof(handled));
	for (reason = 0; reason < h->nr; reason++)
		if (h->handler[reason])
			kvm_exitstat_mark_handled(v, handled, reason);
	vendor = v;
}
EXPORT_SYMBOL_FOR_KVM_INTERNAL(__kvm_exitstat_vendor_init);

/*
 * An exit that was in flight when counting was switched off never got its
 * cycles; charging it at the next done() would bill it the whole time off.
 * With counting off no vCPU writes these fields, so clearing them is safe.
 */
static void forget_exits_in_flight(void)
{
	struct kvm_exitstat_vcpu *s;

	mutex_lock(&vcpus_lock);
	list_for_each_entry(s, &vcpus, node)
		kvm_exitstat_forget_inflight(&s->c);
	mutex_unlock(&vcpus_lock);
}

/* Called last in vCPU creation, so that every vCPU on the list is whole. */
void kvm_exitstat_vcpu_create(struct kvm_vcpu *vcpu)
{
	struct kvm_exitstat_vcpu *s = &vcpu->exitstat;

	kvm_exitstat_counters_init(&s->c, kvm_exitstat_nr_slots(vendor));
	mutex_lock(&vcpus_lock);
	list_add(&s->node, &vcpus);
	nr_vcpus++;
	mutex_unlock(&vcpus_lock);
}

/* Its counts go on in the global scope's sum of vCPUs already freed. */
void kvm_exitstat_vcpu_free(struct kvm_vcpu *vcpu)
{
	struct kvm_exitstat_vcpu *s = &vcpu->exitstat;
	u32 i;

	mutex_lock(&vcpus_lock);
	list_del(&s->node);
	nr_vcpus--;
	for (i = 0; i < s->c.nr_slots; i++)
		kvm_exitstat_accumulate(&retired[i], &s->c, i);
	mutex_unlock(&vcpus_lock);
}

/*
 * The part of a read of @vcpu's binary stats file that falls past struct
 * kvm_vcpu_stat: the counters, as KVM_EXITSTAT_VCPU_STATS_DESC places
 * them.  One u64 at a time through a copy on the stack: each value is read
 * whole, and hardened usercopy lets copy_to_user() take from struct
 * kvm_vcpu only its whitelisted fields, which the counters are not.
 */
ssize_t kvm_exitstat_stats_read(struct kvm_vcpu *vcpu, char __user *buf,
				size_t size, loff_t *offset)
{
	const u64 *data = (const u64 *)&vcpu->exitstat.c;
	loff_t start = kvm_vcpu_stats_header.data_offset + sizeof(vcpu->stat);
	loff_t end = start + offsetofend(struct kvm_exitstat_counters, exits);
	loff_t pos = *offset;
	size_t done = 0;

	BUILD_BUG_ON(offsetof(struct kvm_exitstat_counters, cycles) != 0 ||
		     offsetof(struct kvm_exitstat_counters, exits) !=
		     sizeof(vcpu->exitstat.c.cycles) ||
		     KVM_EXITSTAT_STATS_SLOTS != KVM_EXITSTAT_MAX_SLOTS);
	while (done < size && pos >= start && pos < end) {
		u64 v = READ_ONCE(data[(pos - start) / sizeof(u64)]);
		size_t skip = (pos - start) % sizeof(u64);
		size_t n = min_t(size_t, size - done, sizeof(u64) - skip);

		if (copy_to_user(buf + done, (char *)&v + skip, n))
			return -EFAULT;
		done += n;
		pos += n;
	}
	*offset = pos;
	return done;
}

static void sum_vcpu(const struct kvm_exitstat_query *q, u32 slot,
		     struct kvm_exitstat_counter *acc)
{
	struct kvm_vcpu *vcpu = q->scope;

	kvm_exitstat_accumulate(acc, &vcpu->exitstat.c, slot);
}

static void sum_vm(const struct kvm_exitstat_query *q, u32 slot,
		   struct kvm_exitstat_counter *acc)
{
	struct kvm *kvm = q->scope;
	struct kvm_vcpu *vcpu;
	unsigned long i;

	kvm_for_each_vcpu(i, vcpu, kvm)
		kvm_exitstat_accumulate(acc, &vcpu->exitstat.c, slot);
}

static void sum_global(const struct kvm_exitstat_query *q, u32 slot,
		       struct kvm_exitstat_counter *acc)
{
	struct kvm_exitstat_vcpu *s;
	u32 i;

	mutex_lock(&vcpus_lock);
	list_for_each_entry(s, &vcpus, node)
		kvm_exitstat_accumulate(acc, &s->c, slot);
	for (i = 0; i < ARRAY_SIZE(retired); i++) {
		if (slot == KVM_EXITSTAT_ALL || slot == i) {
			acc->exits += retired[i].exits;
			acc->cycles += retired[i].cycles;
		}
	}
	mutex_unlock(&vcpus_lock);
}

/* vCPUs with counters now: what a leak check on the host reads. */
unsigned int kvm_exitstat_nr_vcpus(void)
{
	return READ_ONCE(nr_vcpus);
}

void kvm_exitstat_query_init(struct kvm_exitstat_query *q,
			     enum kvm_exitstat_scope s, void *scope)
{
	static void (*const sum[])(const struct kvm_exitstat_query *q, u32 slot,
				   struct kvm_exitstat_counter *acc) = {
		[KVM_EXITSTAT_SCOPE_VCPU] = sum_vcpu,
		[KVM_EXITSTAT_SCOPE_VM] = sum_vm,
		[KVM_EXITSTAT_SCOPE_GLOBAL] = sum_global,
	};

	q->vendor = vendor;
	q->binding = &binding;
	q->handled = handled;
	q->flags = (static_key_enabled(&kvm_exitstat_counting) ?
		    KVM_EXITSTAT_F_COUNTING : 0) |
		   (exitstat_global ? KVM_EXITSTAT_F_GLOBAL : 0);
	q->sum = sum[s];
	q->scope = scope;
}

/* A CPUID exit of a hypervisor-range leaf; true if ours and answered. */
bool __kvm_exitstat_cpuid(struct kvm_vcpu *vcpu, u32 *eax, u32 *ebx,
			  u32 *ecx, u32 *edx)
{
	struct kvm_exitstat_query q;
	u32 regs[KVM_EXITSTAT_NR_REGS];

	if (exitstat_global)
		kvm_exitstat_query_init(&q, KVM_EXITSTAT_SCOPE_GLOBAL, NULL);
	else
		kvm_exitstat_query_init(&q, KVM_EXITSTAT_SCOPE_VM, vcpu->kvm);
	if (!kvm_exitstat_answer(&q, *eax, *ecx, regs))
		return false;
	if (exitstat_log)
		pr_info_ratelimited("vm %d vcpu %d cpuid %#x ecx %#x: eax=%#x ebx=%#x ecx=%#x edx=%#x\n",
				    vcpu->kvm->userspace_pid, vcpu->vcpu_id, *eax,
				    *ecx, regs[0], regs[1], regs[2], regs[3]);
	*eax = regs[KVM_EXITSTAT_EAX];
	*ebx = regs[KVM_EXITSTAT_EBX];
	*ecx = regs[KVM_EXITSTAT_ECX];
	*edx = regs[KVM_EXITSTAT_EDX];
	return true;
}

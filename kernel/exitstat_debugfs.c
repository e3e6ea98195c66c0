// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-exitstat host view: the counters as text in KVM's debugfs directory,
 * for host tools and operators - per VM (kvm/<pid>-<fd>/exitstat), per vCPU
 * (kvm/<pid>-<fd>/vcpuN/exitstat) and for all VMs since load (kvm/exitstat).
 * Each ends with a "total" line; the global one then says how many vCPUs
 * have counters now, so a leak shows after the VMs are gone.
 */
#include <linux/debugfs.h>
#include <linux/kvm_host.h>
#include <linux/seq_file.h>
#include <asm/svm.h>
#include <asm/vmx.h>
#include "exitstat.h"

/*
 * u64: 7.3's SVM codes are 64-bit constants (SVM_EXIT_ERR is -1ull); the
 * hardware's exit codes, and ours, are their low 32 bits.
 */
struct reason_name {
	u64 reason;
	const char *name;
};

/* The names perf kvm stat and the kvm_exit tracepoint print. */
static const struct reason_name vmx_names[] = { VMX_EXIT_REASONS };
static const struct reason_name svm_names[] = { SVM_EXIT_REASONS };

static const char *reason_name(enum kvm_exitstat_vendor vendor, u32 reason)
{
	bool svm = vendor == KVM_EXITSTAT_VENDOR_SVM;
	const struct reason_name *t = svm ? svm_names : vmx_names;
	size_t i, n = svm ? ARRAY_SIZE(svm_names) : ARRAY_SIZE(vmx_names);

	for (i = 0; i < n; i++)
		if ((u32)t[i].reason == reason)
			return t[i].name;
	return "-";
}

static void show(struct seq_file *m, enum kvm_exitstat_scope s, void *scope)
{
	struct kvm_exitstat_counter total = { 0, 0 };
	struct kvm_exitstat_query q;
	u32 slot, reason, n;

	kvm_exitstat_query_init(&q, s, scope);
	n = kvm_exitstat_nr_slots(q.vendor);
	seq_puts(m, "reason name exits cycles\n");
	for (slot = 0; slot < n; slot++) {
		struct kvm_exitstat_counter c = { 0, 0 };

		q.sum(&q, slot, &c);
		total.exits += c.exits;
		total.cycles += c.cycles;
		if (!c.exits)
			continue;
		if (kvm_exitstat_slot_reason(q.vendor, slot, &reason))
			seq_printf(m, "%u %s %llu %llu\n", reason,
				   reason_name(q.vendor, reason), c.exits,
				   c.cycles);
		else
			seq_printf(m, "other - %llu %llu\n", c.exits, c.cycles);
	}
	seq_printf(m, "total - %llu %llu\n", total.exits, total.cycles);
}

static int vm_show(struct seq_file *m, void *unused)
{
	show(m, KVM_EXITSTAT_SCOPE_VM, m->private);
	return 0;
}

/* Pins the VM while the file is open, as KVM's own per-VM files do. */
static int vm_open(struct inode *inode, struct file *file)
{
	struct kvm *kvm = inode->i_private;
	int r;

	if (!kvm_get_kvm_safe(kvm))
		return -ENOENT;
	r = single_open(file, vm_show, kvm);
	if (r)
		kvm_put_kvm(kvm);
	return r;
}

static int vm_release(struct inode *inode, struct file *file)
{
	kvm_put_kvm(inode->i_private);
	return single_release(inode, file);
}

static const struct file_operations vm_fops = {
	.open = vm_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = vm_release,
};

static int vcpu_show(struct seq_file *m, void *unused)
{
	show(m, KVM_EXITSTAT_SCOPE_VCPU, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vcpu);

static int global_show(struct seq_file *m, void *unused)
{
	show(m, KVM_EXITSTAT_SCOPE_GLOBAL, NULL);
	seq_printf(m, "vcpus %u\n", kvm_exitstat_nr_vcpus());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(global);

static DEFINE_MUTEX(global_file_lock);

void kvm_exitstat_create_vm_debugfs(struct kvm *kvm)
{
	struct dentry *kvm_dir, *d;

	if (IS_ERR_OR_NULL(kvm->debugfs_dentry))
		return;
	debugfs_create_file("exitstat", 0444, kvm->debugfs_dentry, kvm,
			    &vm_fops);

	/*
	 * kvm/ is made by kvm_init() after the vendor setup and goes with
	 * kvm.ko, and is not exported on every kernel: create the global file
	 * beside the first VM's directory.
	 */
	kvm_dir = kvm->debugfs_dentry->d_parent;
	mutex_lock(&global_file_lock);
	d = debugfs_lookup("exitstat", kvm_dir);
	if (d)
		dput(d);
	else
		debugfs_create_file("exitstat", 0444, kvm_dir, NULL,
				    &global_fops);
	mutex_unlock(&global_file_lock);
}

void kvm_exitstat_create_vcpu_debugfs(struct kvm_vcpu *vcpu, struct dentry *dir)
{
	debugfs_create_file("exitstat", 0444, dir, vcpu, &vcpu_fops);
}

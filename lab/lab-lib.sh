# Shell helpers for scenarios running in L1 (sourced; busybox sh).
# Modules are installed under /lib/modules/$(uname -r) with a modules.dep,
# so the seed's own flow - modprobe kvm, modprobe kvm_intel - works as is.

# kvm_amd or kvm_intel, from the CPU the emulator gives us.
vendor_module() {
	if grep -q '^vendor_id.*AuthenticAMD' /proc/cpuinfo; then
		echo kvm_amd
	else
		echo kvm_intel
	fi
}

cpu_vendor() {
	grep -m1 '^vendor_id' /proc/cpuinfo | sed 's/.*: //'
}

# kvm_load [kvm.ko parameters...]: irqbypass, kvm, then the vendor module.
kvm_load() {
	modprobe kvm "$@" || return 1
	modprobe "$(vendor_module)" || return 1
	[ -c /dev/kvm ] || { echo "lab: no /dev/kvm after loading"; return 1; }
}

# The seed's rmmod sequence.
kvm_unload() {
	rmmod "$(vendor_module)" && rmmod kvm && rmmod irqbypass
}

# kvm-exitstat: VM exit counts per reason, read from inside the guest.
# `make demo` and `make check` are the two commands a newcomer needs.

# The default kernel is the one this machine's Debian release runs: 6.1 on
# Debian 12, 6.12 on Debian 13 (lab/env.sh).
ifndef KVER
KVER := $(shell bash -c 'unset KVER; . lab/env.sh && echo $$KVER')
endif
export KVER
# make check: the kernels to check, side by side (CI: KVERS="6.1 6.12 7.3").
KVERS ?= $(KVER)
export KVERS

# Debian packages: building the kernel and the tests, then running the lab.
# The kernel sources come from lab/kernel-source.sh: Debian's
# linux-source-X.Y in its newest point release, from this release's suites
# where it has the series (Debian 12: 6.1, and 6.12 in bookworm-security),
# else from the suite that has it (7.3: trixie-backports; 7.2: sid).
# pahole: Kconfig records its version in .config; Debian's 6.12 headers pull
# it in, so without it here the lab's and the stock tree's configs could be
# made on either side of that install and differ.
# libclang-rt-dev: the sanitizers' runtime of the release's own clang (14 in
# Debian 12, 19 in Debian 13).
DEPS_BUILD := gcc make bc bison flex libelf-dev libssl-dev cpio pahole \
	libcmocka-dev python3-ply python3-git clang libclang-rt-dev groff-base
DEPS_LAB := busybox-static qemu-system-x86 bochs bochsbios vgabios bochs-term \
	isolinux syslinux-common xorriso cpuid kmod openssl procps
# make deb, make deb-check and the cloud guest (in make check too).
DEPS_DEB := build-essential debhelper dh-dkms dpkg-dev mmdebstrap cloud-image-utils e2fsprogs

BUILD := build
TEST_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all
CORE_SRC := kernel/exitstat_core.c kernel/exitstat_core.h \
	include/uapi/asm/kvm_exitstat.h include/asm/kvm_exitstat_vcpu.h \
	tests/unit/kshim.h

.PHONY: help demo check deps kernel unit checkpatch lab series selftests bench install clean \
	modules modules-install modules-uninstall deb deb-check cloud

help:
	@echo "make demo        build the patched kernel, boot the lab, show the exit table"
	@echo "make check       all tests: unit, kernel build, checkpatch, lab scenarios (KVERS=\"6.1 6.12\": both kernels)"
	@echo "make kernel      only build the patched lab kernel (KVER=$(KVER))"
	@echo "make unit        only the unit tests (ASan/UBSan)"
	@echo "make checkpatch  only checkpatch --strict on the kernel side"
	@echo "make lab         only the lab scenarios on both emulated vendors (L1_KERNEL=debian: on Debian's own kernel)"
	@echo "make bench       cost of counting per exit vs stock KVM and its tracepoints"
	@echo "make selftests   KVM's own selftests, stock KVM vs ours, same outcome (VENDOR=amd|intel, SET=all|quick|x86|generic,"
	@echo "                 CLOCK=insn|host: L1 on an instruction clock, or on the host's (amd))"
	@echo "make report      boot profile + Q3/Q4 answers, plotted: docs/report/ (both vendors)"
	@echo "make series      the kernel side as a git format-patch series against Debian's tree (KVER)"
	@echo "make fuzz        libFuzzer over the leaf handler, 10 million inputs"
	@echo "make sweep       every ecx value (2^32) through both per-reason leaves, both vendors"
	@echo "make install     install exitstat and its man page (PREFIX=$(PREFIX), DESTDIR)"
	@echo "make modules     real hardware: build kvm modules with kvm-exitstat for the running kernel (KDIR, KSRC)"
	@echo "make modules-install    ... install them in /lib/modules/\$$(uname -r)/updates and reload KVM"
	@echo "make modules-uninstall  ... remove them again and reload the kernel's own KVM"
	@echo "make deb         the DKMS package: build/kvm-exitstat-dkms_<version>_all.deb"
	@echo "make deb-check   ... installed and built by DKMS in a Debian bookworm root of KVER, which then boots as L1 (DEB_BOOT)"
	@echo "                 and launches the cloud-init guest with its own QEMU: the seed's whole flow (DEB_CLOUD=0: not)"
	@echo "make cloud       the seed's flow on Debian's parts: Debian's kernel as L1, a cloud-init guest as L2 (VENDOR)"

deps:
	@lab/deps.sh $(DEPS_BUILD) $(DEPS_LAB)
	@for s in $(sort $(KVER) $(KVERS)); do lab/kernel-source.sh $$s >/dev/null || exit; done

demo: deps
	@lab/demo.sh

check: deps
	@lab/deps.sh $(DEPS_DEB)
	@tests/run.sh

kernel: deps
	@lab/build-kernel.sh

$(BUILD)/test_core: tests/unit/test_core.c $(CORE_SRC)
	@mkdir -p $(BUILD)
	$(CC) $(TEST_CFLAGS) -include tests/unit/kshim.h -Iinclude/uapi -Iinclude -Ikernel \
		tests/unit/test_core.c kernel/exitstat_core.c -lcmocka -o $@

include tool/tool.mk
include tests/fuzz/fuzz.mk

unit: $(BUILD)/test_core $(BUILD)/test_exitstat $(BUILD)/test_host
	$(BUILD)/test_core
	$(BUILD)/test_exitstat
	$(BUILD)/test_host

checkpatch: kernel
	@lab/checkpatch.sh

lab: kernel
	@lab/run-scenarios.sh amd
	@lab/run-scenarios.sh intel

bench: deps
	@lab/bench.sh

report: kernel
	@lab/report.sh

series: kernel
	@lab/series.sh

VENDOR ?= amd
SET ?= all
CLOCK ?= insn
selftests: kernel
	@lab/selftests.sh build
	@lab/selftests.sh $(VENDOR) $(SET) $(CLOCK)

install: install-exitstat

# Real hardware (docs/hardware.md): the kvm modules of the running kernel,
# rebuilt out of tree with our hooks.
modules:
	@hardware/build-modules.sh

modules-install: modules
	@hardware/install-modules.sh

modules-uninstall:
	@hardware/install-modules.sh --remove

# The same modules as a DKMS package (debian/), rebuilt for each kernel.
deb:
	@hardware/build-deb.sh

deb-check: deb kernel
	@tests/deb/check.sh

cloud: kernel
	@lab/run-cloud.sh $(VENDOR)

clean:
	rm -rf $(BUILD)

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included after the kernel's own kconfig.h by hardware/Kbuild when
 * the modules are built with CONFIG_KVM_EXITSTAT=n against a kernel that
 * was configured with it on (the lab's): its autoconf.h says y, and this
 * takes it back, so that the C code agrees with the objects make builds.
 */
#undef CONFIG_KVM_EXITSTAT

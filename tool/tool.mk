# exitstat, the guest-side command: build, static build, unit tests, install.
# Included by the top-level Makefile, which sets BUILD, CC and TEST_CFLAGS.

PREFIX ?= /usr/local
DESTDIR ?=
TOOL_CFLAGS ?= -std=c11 -Wall -Wextra -Werror -O2 -g
# No build directory in the binaries (debug info): the same sources give the
# same file wherever they are built (tests/tool/reproducible.sh).
TOOL_CPPFLAGS := -Iinclude/uapi -Itool -ffile-prefix-map=$(CURDIR)=.

# Everything but main.c is also linked into the unit tests.
EXITSTAT_LIB := tool/cli.c tool/clock.c tool/cpuid_backend.c tool/discover.c \
	tool/format.c tool/format_host.c tool/host.c tool/host_cli.c \
	tool/qemu_name.c tool/reasons.c tool/report.c tool/snapshot.c \
	tool/spawn.c
EXITSTAT_SRC := tool/main.c $(EXITSTAT_LIB)
EXITSTAT_DEPS := $(EXITSTAT_SRC) $(wildcard tool/*.h) \
	include/uapi/asm/kvm_exitstat.h tool/tool.mk
EXITSTAT_TESTS := tests/unit/test_exitstat.c

.PHONY: exitstat install-exitstat

exitstat: $(BUILD)/exitstat $(BUILD)/exitstat-static

$(BUILD)/exitstat: $(EXITSTAT_DEPS)
	@mkdir -p $(BUILD)
	$(CC) $(TOOL_CFLAGS) $(TOOL_CPPFLAGS) $(EXITSTAT_SRC) $(LDFLAGS) -o $@

# For dropping into a guest's initramfs: needs no libraries there.
$(BUILD)/exitstat-static: $(EXITSTAT_DEPS)
	@mkdir -p $(BUILD)
	$(CC) $(TOOL_CFLAGS) $(TOOL_CPPFLAGS) -static $(EXITSTAT_SRC) \
		$(LDFLAGS) -o $@

# The fake CPUID answers with the kernel's own answer code (kernel/
# exitstat_core.c, built as test_core builds it), so the tests hold the tool
# to the ABI as the kernel implements it.
$(BUILD)/test_exitstat_kvm.o: tests/unit/test_exitstat_kvm.c $(CORE_SRC) \
		tool/cpuid_backend.h
	@mkdir -p $(BUILD)
	$(CC) $(TEST_CFLAGS) -include tests/unit/kshim.h -Iinclude/uapi -Iinclude -Ikernel \
		-Itool -c $< -o $@

$(BUILD)/exitstat_core_test.o: kernel/exitstat_core.c $(CORE_SRC)
	@mkdir -p $(BUILD)
	$(CC) $(TEST_CFLAGS) -include tests/unit/kshim.h -Iinclude/uapi -Iinclude -Ikernel \
		-c $< -o $@

$(BUILD)/test_exitstat: $(EXITSTAT_TESTS) $(EXITSTAT_DEPS) \
		$(BUILD)/test_exitstat_kvm.o $(BUILD)/exitstat_core_test.o
	@mkdir -p $(BUILD)
	$(CC) $(TEST_CFLAGS) $(TOOL_CPPFLAGS) $(EXITSTAT_TESTS) $(EXITSTAT_LIB) \
		$(BUILD)/test_exitstat_kvm.o $(BUILD)/exitstat_core_test.o \
		-lcmocka -o $@

# --host against fixture trees of KVM's debugfs and /proc.
$(BUILD)/test_host: tests/unit/test_host.c $(EXITSTAT_DEPS)
	@mkdir -p $(BUILD)
	$(CC) $(TEST_CFLAGS) $(TOOL_CPPFLAGS) tests/unit/test_host.c \
		$(EXITSTAT_LIB) -lcmocka -o $@

install-exitstat: $(BUILD)/exitstat
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/exitstat $(DESTDIR)$(PREFIX)/bin/exitstat
	install -m 644 tool/exitstat.1 $(DESTDIR)$(PREFIX)/share/man/man1/exitstat.1

# Fuzzing and the exhaustive sweep of the leaf handler (user space).
# Included by the top-level Makefile.

FUZZ_CC := clang
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-include tests/unit/kshim.h -Iinclude/uapi -Iinclude -Ikernel -Itests/fuzz
FUZZ_RUNS ?= 10000000
CORPUS := $(BUILD)/fuzz-corpus

.PHONY: fuzz fuzz-smoke sweep

$(BUILD)/fuzz_answer: tests/fuzz/fuzz_answer.c tests/fuzz/oracle.h $(CORE_SRC)
	@mkdir -p $(BUILD)
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_answer.c kernel/exitstat_core.c -o $@

SEEDS := tests/fuzz/seeds

# The long run: 10 million inputs (FUZZ_RUNS); what it finds is kept in
# $(CORPUS) (libFuzzer adds to the first directory only).
fuzz: $(BUILD)/fuzz_answer
	@mkdir -p $(CORPUS)
	$(BUILD)/fuzz_answer -runs=$(FUZZ_RUNS) -max_len=256 -print_final_stats=1 \
		$(CORPUS) $(SEEDS)

# What make check runs: fixed seed and a fresh corpus, so a failure reproduces.
fuzz-smoke: $(BUILD)/fuzz_answer
	@rm -rf $(CORPUS)-smoke && mkdir -p $(CORPUS)-smoke
	$(BUILD)/fuzz_answer -runs=300000 -seed=1 -max_len=256 -print_final_stats=1 \
		$(CORPUS)-smoke $(SEEDS)

$(BUILD)/sweep_all: tests/fuzz/sweep_all.c tests/fuzz/oracle.h $(CORE_SRC)
	@mkdir -p $(BUILD)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -include tests/unit/kshim.h \
		-Iinclude/uapi -Iinclude -Ikernel -Itests/fuzz tests/fuzz/sweep_all.c \
		kernel/exitstat_core.c -o $@

# Every ecx on both vendors: a few minutes.
sweep: $(BUILD)/sweep_all
	$(BUILD)/sweep_all

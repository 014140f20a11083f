# SPDX-License-Identifier: MIT
# libFuzzer harnesses (clang-14, Debian's libclang-rt-14-dev) of the host's reply parser
# (fuzz_link.c) and the model-file reader (fuzz_model.c), with ASan and UBSan; the corpora are
# in tests/fuzz/corpus/. `make fuzz FUZZ_SECONDS=N` fuzzes each for N seconds (new inputs go to
# build/fuzz/corpus-*, the seeds are not changed); `make fuzz-replay` (in make test) runs every
# corpus file once.
FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_FLAGS   := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=all -Isw -I$(BUILD)/gen $(PKG_CFLAGS)
FUZZ_TARGETS := link model

$(FUZZ_DIR)/fuzz_link: tests/fuzz/fuzz_link.c sw/link.c sw/link.h tests/fuzz/fuzz.mk
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_link.c sw/link.c -lz

$(FUZZ_DIR)/fuzz_model: tests/fuzz/fuzz_model.c $(SW_SRC) $(wildcard sw/*.h) $(CORE_MAP_H) tests/fuzz/fuzz.mk
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -Wno-unknown-pragmas -o $@ tests/fuzz/fuzz_model.c $(SW_SRC) \
	  $(PKG_LIBS) -lm

.PHONY: fuzz fuzz-replay
fuzz: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%) ## libFuzzer on the reply parser and the model reader (FUZZ_SECONDS=N each)
	@set -e; for t in $(FUZZ_TARGETS); do mkdir -p $(FUZZ_DIR)/corpus-$$t; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  $(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_DIR)/crash-$$t- $(FUZZ_DIR)/corpus-$$t tests/fuzz/corpus/$$t \
	    2>$(FUZZ_DIR)/$$t.log || { tail -40 $(FUZZ_DIR)/$$t.log; exit 1; }; \
	  grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' $(FUZZ_DIR)/$$t.log; done
	@echo "fuzz: PASS"

fuzz-replay: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%) ## run every fuzz corpus file once (in make test)
	@set -e; for t in $(FUZZ_TARGETS); do \
	  $(FUZZ_DIR)/fuzz_$$t -runs=0 tests/fuzz/corpus/$$t >$(FUZZ_DIR)/replay-$$t.log 2>&1 \
	    || { tail -40 $(FUZZ_DIR)/replay-$$t.log; exit 1; }; \
	  echo "fuzz-replay: $$t: $$(ls tests/fuzz/corpus/$$t | wc -l) corpus files, no failure"; done

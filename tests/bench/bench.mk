# SPDX-License-Identifier: MIT
# make bench (included from the Makefile): training throughput of the C trainer against
# PyTorch (its fast formulation the baseline, the plain one beside it) on the same network and
# batches, peak memory, the integer twin's forward time, the full accuracy floors and the
# float-vs-twin gaps after quantization-aware training, the on-chip training rate of the
# simulated ULX3S-85F's training engine.
# See docs/bench.md. Also usable alone: make -f Makefile -f tests/bench/bench.mk bench
ifndef SGLIF_BENCH_MK
SGLIF_BENCH_MK := $(lastword $(MAKEFILE_LIST))

BENCH_DIR    ?= $(BUILD)/bench
# Debian's python3 (python3-torch is a Debian package; a pyenv python3 on PATH cannot see it)
BENCH_PYTHON ?= /usr/bin/python3
BENCH_ARGS   ?=
# Options of the floor runs, after `sglif train --data SPEC --out MODEL`.
RANDMAN_ARGS ?=
FMNIST_ARGS  ?= --hidden 256 --epochs 10
# Float-vs-twin gap checks after quantization-aware training (`sglif train --qat` + these)
RANDMAN_QAT_ARGS ?= $(RANDMAN_ARGS)
# The integer rule (`sglif train --backend fixed` + these; its defaults: 60 epochs, lr
# min(0.01, 2.5 / batches of an epoch)): floors a little below its seed-0 figures of
# docs/numerics.md ("Parity with float"); fmnist gets twice the float run's 10 epochs
FIXED_RANDMAN_ARGS  ?=
FIXED_FMNIST_ARGS   ?= --hidden 256 --epochs 20
FIXED_RANDMAN_FLOOR ?= 0.93
FIXED_FMNIST_FLOOR  ?= 0.84
FMNIST_QAT_ARGS  ?= $(FMNIST_ARGS)
# The on-chip training rate (tests/bench/onchip_rate.sh): the first ONCHIP_SAMPLES training
# samples of randman's standard set, one epoch on the simulated ULX3S-85F (its engine)
ONCHIP_SAMPLES   ?= 256
BENCH        := $(BIN)/sglif-bench
BENCH_OBJ    := $(OBJ)/tests/bench/bench_train.o

$(BENCH): $(BENCH_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: bench
bench: ## throughput vs PyTorch, peak memory, twin forward, accuracy floors, QAT gaps, on-chip training rate (long; docs/bench.md)
	@bash .ci/setup base bench
	@$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) -f $(SGLIF_BENCH_MK) \
	  -j$(JOBS) $(SGLIF) $(BENCH) $(DEMO_ENGINE_BOARD)
	@mkdir -p $(BENCH_DIR)
	@fail=0; \
	$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) -f $(SGLIF_BENCH_MK) \
	  bench-selftest || fail=1; \
	$(BENCH) --dir $(BENCH_DIR) --python $(BENCH_PYTHON) --script tests/bench/torch_lif.py \
	  $(BENCH_ARGS) || fail=1; \
	echo; echo "== accuracy floors (fixed seeds) =="; \
	bash tests/bench/floor.sh $(SGLIF) $(BENCH_DIR) randman 0.90 randman $(RANDMAN_ARGS) \
	  || fail=1; \
	bash tests/bench/floor.sh $(SGLIF) $(BENCH_DIR) fmnist 0.85 fmnist $(FMNIST_ARGS) \
	  || fail=1; \
	echo; echo "== the integer learning rule (docs/numerics.md), seed 0 =="; \
	bash tests/bench/fixed_speed.sh $(SGLIF) $(BENCH_DIR) 2 || fail=1; \
	FLOOR_EVAL_ARGS="--backend fixed" bash tests/bench/floor.sh $(SGLIF) $(BENCH_DIR) \
	  randman-fixed $(FIXED_RANDMAN_FLOOR) randman --backend fixed $(FIXED_RANDMAN_ARGS) \
	  || fail=1; \
	FLOOR_EVAL_ARGS="--backend fixed" bash tests/bench/floor.sh $(SGLIF) $(BENCH_DIR) \
	  fmnist-fixed $(FIXED_FMNIST_FLOOR) fmnist --backend fixed $(FIXED_FMNIST_ARGS) \
	  || fail=1; \
	echo; echo "== float vs twin after QAT (docs/numerics.md) =="; \
	GAP_BASE=$(BENCH_DIR)/randman.sgl bash tests/bench/gap.sh $(SGLIF) $(BENCH_DIR) \
	  randman-qat 0.02 randman $(RANDMAN_QAT_ARGS) || fail=1; \
	GAP_BASE=$(BENCH_DIR)/fmnist.sgl bash tests/bench/gap.sh $(SGLIF) $(BENCH_DIR) \
	  fmnist-qat 0.01 fmnist $(FMNIST_QAT_ARGS) || fail=1; \
	echo; echo "== on-chip training: the simulated ULX3S-85F's engine, the host float trainer, the link =="; \
	bash tests/bench/onchip_rate.sh $(SGLIF) $(BENCH) $(BENCH_DIR) $(abspath $(DEMO_ENGINE_BOARD)) \
	  $(ONCHIP_SAMPLES) 2 || fail=1; \
	echo; echo "== RTL speed under Verilator (docs/rtl-bench.md) =="; \
	$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) -f sim/rtl_bench.mk \
	  rtl-bench || fail=1; \
	if [ $$fail = 0 ]; then echo "bench: PASS"; else echo "bench: FAIL"; fi; \
	exit $$fail

# The same-equations check must catch a PyTorch formulation whose loss is right and whose
# gradient is not (its backward drops the leak): sglif-bench must say DISAGREE and exit 1.
.PHONY: bench-selftest
bench-selftest: $(BENCH) ## prove make bench's check fails on a PyTorch backward that drops the leak
	@mkdir -p $(BENCH_DIR)/selftest
	@out=$$($(BENCH) --dir $(BENCH_DIR)/selftest --python $(BENCH_PYTHON) \
	  --script tests/bench/torch_lif.py --only randman --quick --no-plain --threads 1 --fault \
	  2>&1); rc=$$?; \
	if [ $$rc = 1 ] && echo "$$out" | grep -q 'same equations (fast).*DISAGREE'; then \
	  echo "bench-selftest: PASS (a backward without the leak is caught: exit 1, DISAGREE)"; \
	else echo "$$out"; echo "bench-selftest: FAIL (exit $$rc)"; exit 1; fi

.PHONY: bench-qat
bench-qat: ## the two float-vs-twin gap checks of make bench alone (about 6 min)
	@$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) -f $(SGLIF_BENCH_MK) $(SGLIF)
	@fail=0; \
	GAP_BASE=$(BENCH_DIR)/randman.sgl bash tests/bench/gap.sh $(SGLIF) $(BENCH_DIR) \
	  randman-qat 0.02 randman $(RANDMAN_QAT_ARGS) || fail=1; \
	GAP_BASE=$(BENCH_DIR)/fmnist.sgl bash tests/bench/gap.sh $(SGLIF) $(BENCH_DIR) \
	  fmnist-qat 0.01 fmnist $(FMNIST_QAT_ARGS) || fail=1; \
	exit $$fail

.PHONY: bench-onchip
bench-onchip: ## the on-chip training rate of make bench alone (ONCHIP_SAMPLES on the simulated ULX3S-85F)
	@$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) -f $(SGLIF_BENCH_MK) \
	  -j$(JOBS) $(SGLIF) $(BENCH) $(DEMO_ENGINE_BOARD)
	@mkdir -p $(BENCH_DIR)
	@bash tests/bench/onchip_rate.sh $(SGLIF) $(BENCH) $(BENCH_DIR) $(abspath $(DEMO_ENGINE_BOARD)) \
	  $(ONCHIP_SAMPLES) 2

-include $(BENCH_OBJ:.o=.d)
endif

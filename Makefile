# sglif: every entry point. `make help` lists them.
# Tool names are variables; generated files go to build/. See README.md and docs/.

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

CC       ?= cc
PYTHON   ?= python3
GNUPLOT  ?= gnuplot
BUILD    ?= build
JOBS     ?= $(shell nproc)
# Verilator compiles its models' C++ through ccache when it is installed (.ci/packages): make
# test's Verilator models share the Verilator runtime and their harnesses, and a model and its
# fault builds most generated files, so most compiles are cache hits. The cache is build/ccache
# (a fresh clone starts it empty); OBJCACHE= turns it off.
ifeq ($(origin OBJCACHE),undefined)
OBJCACHE := $(if $(shell command -v ccache 2>/dev/null),ccache)
endif
CCACHE_DIR ?= $(abspath $(BUILD))/ccache
export OBJCACHE CCACHE_DIR

# --- flags ---------------------------------------------------------------------------------
WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wold-style-definition -Wformat=2 -Wcast-qual -Wpointer-arith -Wundef -Wvla \
        -Wwrite-strings -Wimplicit-fallthrough -Wnull-dereference -Wdouble-promotion=0
WARN := $(filter-out -Wdouble-promotion=0,$(WARN))
ifneq ($(CI)$(WERROR),)
WARN += -Werror
endif
PKGS     := zlib hdf5 libcjson libftdi1
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
OPT      ?= -O3 -march=native
ifeq ($(SAN),1)
OPT      := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
OBJ      := $(BUILD)/san
else
OBJ      := $(BUILD)/obj
endif
CFLAGS   ?=
CFLAGS   += -std=c11 -D_GNU_SOURCE -fopenmp $(OPT) $(WARN) -Isw -Ihost -I$(BUILD)/gen $(PKG_CFLAGS) -MMD -MP
LDLIBS   += $(PKG_LIBS) -lm -fopenmp
LDFLAGS  += $(filter -fsanitize%,$(OPT))
BIN      := $(OBJ)/bin
ifneq ($(SAN),1)
BIN      := $(BUILD)/bin
endif

SW_SRC   := $(sort $(wildcard sw/*.c))
HOST_SRC := $(sort $(wildcard host/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
TESTD_SRC:= $(sort $(wildcard tests/double_*.c))

LIB      := $(OBJ)/libsglif.a
HOST_LIB := $(OBJ)/libsglif-host.a
LIBD     := $(OBJ)/libsglif-double.a
SW_OBJ   := $(SW_SRC:%.c=$(OBJ)/%.o)
SWD_OBJ  := $(SW_SRC:%.c=$(OBJ)/double/%.o)
HOST_OBJ := $(HOST_SRC:%.c=$(OBJ)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(OBJ)/%.o)
TESTD_OBJ:= $(TESTD_SRC:%.c=$(OBJ)/double/%.o)

SGLIF    := $(BIN)/sglif
TESTS    := $(BIN)/sglif-tests
TESTSD   := $(BIN)/sglif-tests-double

.PHONY: help all deps test demo bench results clean
help: ## list the entry points
	@echo "sglif make targets:"
	@grep -hE '^[a-z][a-zA-Z0-9_-]*:.*## ' $(MAKEFILE_LIST) | \
	  sed -E 's/^([^:]*):.*## (.*)/\1\t\2/' | awk -F'\t' '!seen[$$1]++ { printf "  %-16s %s\n", $$1, $$2 }'
	@echo "variables: SAN=1 (ASan+UBSan build), CI=1/WERROR=1 (warnings are errors), JOBS=N"

all: $(SGLIF) ## build build/bin/sglif

deps: ## install missing Debian packages (.ci/packages, group base)
	@bash .ci/setup base

# the host and the tests include the generated protocol header (host/protocol.mk)
$(HOST_OBJ) $(TEST_OBJ): | $(BUILD)/gen/sglif_protocol.h
# the twin's core map, the host and the harnesses include the generated core map (rtl/core_map.mk)
$(SW_OBJ) $(SWD_OBJ) $(HOST_OBJ) $(TEST_OBJ) $(TESTD_OBJ) $(OBJ)/sim/cosim_vectors.o $(OBJ)/sim/bwd_ref.o $(OBJ)/sim/walk_twin.o $(OBJ)/sim/walk_vectors.o $(OBJ)/sim/softmax_ref.o $(OBJ)/sim/acc_vectors.o: | $(BUILD)/gen/sglif_core_map.h

$(OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(OBJ)/double/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DSGLIF_DOUBLE -c $< -o $@

$(LIB): $(SW_OBJ)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(LIBD): $(SWD_OBJ)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

# the host program's modules without its main(), for the tests (transports, CLI helpers)
$(HOST_LIB): $(filter-out $(OBJ)/host/sglif.o,$(HOST_OBJ))
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(SGLIF): $(HOST_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(TESTS): $(TEST_OBJ) $(HOST_LIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcriterion

$(TESTSD): $(TESTD_OBJ) $(LIBD)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcriterion

# make test's clock: each section's header starts with the seconds since make test began
TEST_T0 := $(shell date +%s)
TEST_AT  = [$$(( $$(date +%s) - $(TEST_T0) )) s]
# make test's RTL checks and the synthesis per board, all in one make: their builds and their
# runs (each seed's and each fault's run a target of its own) side by side on JOBS cores (-j),
# each target's output printed whole as it ends (-Otarget); the first failure stops the section
RTL_TESTS := lint cosim-seeds cosim-boards cosim-selftest cosim-icarus cosim-icarus-selftest \
             bwd-test bwd-selftest upd-test upd-selftest trn-test trn-selftest trn-icarus
test: ## install what is missing, build, run every test (SAN=1 for sanitizers)
	@bash .ci/setup base
	@$(MAKE) --no-print-directory -j$(JOBS) $(SGLIF) $(TESTS) $(TESTSD)
ifneq ($(SAN),1)
	@echo "== $(TEST_AT) RTL: lint, lock-step co-simulation against the twin (Verilator, 20 seeds; every configs.csv row at full size; Icarus), the training engine's units, checker self-tests, synthesis per board =="
	@$(MAKE) --no-print-directory -j$(JOBS) -Otarget $(RTL_TESTS) synth $(BIN)/sglif-rtl
	@echo "== $(TEST_AT) link RTL: UART and frame codec against sw/link.c through the UART bit timing; the command executor against a memory mirror; self-tests =="
	@$(MAKE) --no-print-directory protocol-check core-map-check link-lint link-test link-selftest cmd-test cmd-selftest
	@echo "== $(TEST_AT) fuzz corpora replayed (libFuzzer harnesses of the reply parser and the model reader) =="
	@$(MAKE) --no-print-directory -j$(JOBS) fuzz-replay
	@echo "== $(TEST_AT) post-synthesis: the Yosys netlist of each iCE40 configuration against the twin (Icarus, cell models); self-test =="
	@$(MAKE) --no-print-directory -j$(JOBS) -Otarget netlist-cosim
	@$(MAKE) --no-print-directory -j$(JOBS) -Otarget netlist-cosim-selftest
	@echo "== $(TEST_AT) boards: the table against the pin files; every bitstream, iCE40 and ECP5 (a missed clock target is reported, not fatal: BIT_STRICT=0); the SG table swapped in each =="
	@bash .ci/setup fpga
	@$(MAKE) --no-print-directory boards-check congestion-test timing-test floorplan-test
	@$(MAKE) --no-print-directory bitstreams BIT_STRICT=0 BIT_TRAIN=0
	@$(MAKE) --no-print-directory lut-swap-test BIT_STRICT=0 BIT_TRAIN=0
	@$(MAKE) --no-print-directory report-csv
	@echo "== $(TEST_AT) interop: NIR with snnTorch (PyPI, pinned), spike for spike; on the simulated board =="
	@$(MAKE) --no-print-directory interop
	@echo "== $(TEST_AT) sweeps: a small grid locally, under GNU parallel and on a single-node Slurm cluster (Debian's slurm-wlm, munge) =="
	@$(MAKE) --no-print-directory cluster-test
endif
	@echo "== $(TEST_AT) simulated boards: byte level (sglif-board-CONFIG; plain sim is ecp5-85f) and the board tops as flashed (sglif-board-top-BOARD, UART pins bit by bit) =="
	@$(MAKE) --no-print-directory -j$(JOBS) $(BOARD_MEM) $(SGLIF_BOARD) $(DEMO_BOARD) $(DEMO_ENGINE_BOARD) $(BIN)/sglif-board-up5k-dev \
	  $(BIN)/sglif-board-hx8k-dev $(BIN)/sglif-board-up5k-2l boards-sim
	@$(MAKE) --no-print-directory boards-sim-selftest
	@echo "== $(TEST_AT) double-precision tests (gradient checks) =="
	$(TESTSD) --jobs 1
	@echo "== $(TEST_AT) tests =="
	SGLIF=$(abspath $(SGLIF)) SGLIF_BOARD_MEM=$(abspath $(BOARD_MEM)) SGLIF_BOARD=$(abspath $(SGLIF_BOARD)) \
	  SGLIF_ENGINE_BOARD=$(abspath $(DEMO_ENGINE_BOARD)) $(TESTS) --jobs $(JOBS)
	@echo "== $(TEST_AT) make test: every section passed =="

DEMO_DATA  ?= randman
DEMO_ARGS  ?=
# the data of the demo's training on chip: the samples of classes 0 and 1 of randman's standard
# set (the rule learns them within the demo's 1024 samples; README, "make demo")
DEMO_ONCHIP_DATA ?= randman:keep=2
# the board of the demo: PORT (ftdi, tty:..., tcp:...) or the simulated ULX3S-85F board, whose
# 256 neurons and 20 classes take the demo's model (the up5k board has 7 classes)
DEMO_BOARD := $(BIN)/sglif-board-ecp5-85f
# the ULX3S-85F's training image (constraints/boards.csv's ulx3s-85f-trn: rtl/configs.csv row
# DEMO_ENGINE_CONFIG = ecp5-85f-trn, a core of N 128, N_IN 20, N_OUT 10, P 32 and the training
# engine 20 -> 128 at 32 lanes), the one simulated board that trains on chip: the demo's
# training on chip, make test's device_train engine test (SGLIF_ENGINE_BOARD) and make bench's
# on-chip rate
DEMO_ENGINE_CONFIG ?= ecp5-85f-trn
DEMO_ENGINE_BOARD := $(BIN)/sglif-board-$(DEMO_ENGINE_CONFIG)
# (PORT from the command line only: an environment PORT, as web tools set, is not a board)
DEMO_PORT  := $(if $(filter command line,$(origin PORT)),$(PORT),sim:$(abspath $(DEMO_BOARD)))
DEMO_ENGINE_PORT := $(if $(filter command line,$(origin PORT)),$(PORT),sim:$(abspath $(DEMO_ENGINE_BOARD)))
demo: ## the main job: train on randman (the paper's method), quantize, run on the (simulated) board; train on chip from scratch; a table
	@bash .ci/setup base
	@$(MAKE) --no-print-directory -j$(JOBS) $(SGLIF) $(DEMO_BOARD) $(DEMO_ENGINE_BOARD)
	@$(MAKE) --no-print-directory demo-selftest
	ONCHIP_PORT=$(DEMO_ENGINE_PORT) ONCHIP_DATA=$(DEMO_ONCHIP_DATA) bash host/demo.sh $(SGLIF) $(BUILD)/demo $(DEMO_DATA) $(DEMO_PORT) $(DEMO_ARGS)

# the demo's check that the board-trained model is the twin's (host/model_same.sh) must see one
# flipped parameter byte and must not see a changed META line
.PHONY: demo-selftest
demo-selftest: $(SGLIF) ## prove host/model_same.sh (make demo's on-chip = twin check) catches one changed parameter byte
	@set -e; d=$(BUILD)/demo-selftest; mkdir -p $$d; \
	  $(SGLIF) train --data randman:samples=10 --hidden 4 --epochs 1 --quiet --out $$d/a.sgl >/dev/null; \
	  n=$$(stat -c %s $$d/a.sgl); \
	  cp $$d/a.sgl $$d/meta.sgl; printf 'X' | dd of=$$d/meta.sgl bs=1 seek=$$((n - 6)) conv=notrunc 2>/dev/null; \
	  cp $$d/a.sgl $$d/parm.sgl; printf '\001' | dd of=$$d/parm.sgl bs=1 seek=141 conv=notrunc 2>/dev/null; \
	  [ "$$(dd if=$$d/a.sgl bs=1 skip=128 count=4 2>/dev/null)" = PARM ] || { echo "demo-selftest: FAIL (no PARM at 128)"; exit 1; }; \
	  bash host/model_same.sh $$d/a.sgl $$d/meta.sgl >/dev/null || { echo "demo-selftest: FAIL (a META change counted)"; exit 1; }; \
	  rc=0; bash host/model_same.sh $$d/a.sgl $$d/parm.sgl >/dev/null || rc=$$?; \
	  [ $$rc = 1 ] || { echo "demo-selftest: FAIL (a changed PARM byte not seen: exit $$rc)"; exit 1; }; \
	  echo "demo-selftest: PASS (a changed parameter byte is caught, a changed META line is not counted)"

clean: ## remove build/ except the PyPI venv
	@[ ! -d $(BUILD) ] || find $(BUILD) -mindepth 1 -maxdepth 1 ! -name venv -exec rm -rf {} +

include rtl/core_map.mk tests/bench/bench.mk docs/results.mk sim/cosim.mk sim/icarus.mk sim/synth.mk sim/rtl_bench.mk sim/rtl_eval.mk \
        host/protocol.mk sim/link.mk sim/board.mk sim/bwd.mk sim/upd.mk sim/trn.mk tests/fuzz/fuzz.mk tests/interop/interop.mk
# per-board bitstreams and reports (constraints/), post-synthesis netlist co-simulation (sim/)
-include constraints/boards.mk sim/netlist.mk

-include $(SW_OBJ:.o=.d) $(SWD_OBJ:.o=.d) $(HOST_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(TESTD_OBJ:.o=.d)

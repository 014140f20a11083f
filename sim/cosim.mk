# SPDX-License-Identifier: MIT
# RTL targets (issue 3), included from the Makefile: `make cosim`, `make cosim-selftest`,
# `make lint`. The Verilator model of rtl/sglif_lif_core.v is linked with the twin
# (libsglif.a, compiled by gcc through the Makefile's own rules; whole archive, because the
# link line puts LDFLAGS before the harness objects). See docs/rtl.md.

VERILATOR ?= verilator
IVERILOG  ?= iverilog
YOSYS     ?= yosys
SEED      ?= 1
STEPS     ?= 2500

RTL_FILES := $(shell cat rtl/files.f)
RTL_TOP   := sglif_lif_core
# the co-simulated core: sizes are maxima, each random configuration picks its own below them
COSIM_N      ?= 64
COSIM_N_IN   ?= 32
COSIM_EV_AW  ?= 7
COSIM_SG_AW  ?= 8
COSIM_N_OUT  ?= 10
COSIM_HIST   ?= 40
COSIM_P      ?= 4
COSIM_L      ?= 2
COSIM_SG_INIT := rtl/sglif_sg_default.hex
COSIM_DIR    := $(BUILD)/cosim
# the lane counts also co-simulated (a few seeds each, by cosim-seeds): their own builds, with
# N = max(COSIM_N, 2P) (the core needs N >= 2P: 128 neurons at P = 64)
COSIM_LANES  ?= 1 8 16 32 64
cosim_n       = $(shell echo $$(( $(COSIM_N) > 2 * $(1) ? $(COSIM_N) : 2 * $(1) )))
COSIM_GEN     = -GN=$(call cosim_n,$(1)) -GN_IN=$(COSIM_N_IN) -GEV_AW=$(COSIM_EV_AW) -GSG_AW=$(COSIM_SG_AW) \
                -GN_OUT=$(COSIM_N_OUT) -GHIST_STEPS=$(COSIM_HIST) -GP=$(1) -GL=$(COSIM_L) -GSG_INIT='"$(COSIM_SG_INIT)"'
COSIM_DEFS    = -DCOSIM_N=$(call cosim_n,$(1)) -DCOSIM_N_IN=$(COSIM_N_IN) -DCOSIM_EV_AW=$(COSIM_EV_AW) \
                -DCOSIM_SG_AW=$(COSIM_SG_AW) -DCOSIM_N_OUT=$(COSIM_N_OUT) \
                -DCOSIM_HIST=$(COSIM_HIST) -DCOSIM_P=$(1) -DCOSIM_L=$(COSIM_L) -DCOSIM_SG_INIT='\"$(COSIM_SG_INIT)\"'
# $(1): build directory, $(2): extra verilator options, $(3): lanes, $(4): C++ flags first
define cosim_build
	$(VERILATOR) --cc --exe --build -j 2 --top-module $(RTL_TOP) +define+SGLIF_TRACE $(2) $(CORE_MAP_INC) \
	  $(call COSIM_GEN,$(3)) --Mdir $(1) -o Vsglif_lif_core -MAKEFLAGS OPT_FAST=-O2 \
	  -CFLAGS "-O2 $(4) -I$(abspath sw) $(CORE_MAP_CINC) $(call COSIM_DEFS,$(3))" \
	  -LDFLAGS "$(LDFLAGS) -Wl,--whole-archive $(abspath $(LIB)) -Wl,--no-whole-archive $(LDLIBS)" \
	  -f rtl/files.f $(abspath sim/cosim.cpp) >$(1).log 2>&1 \
	  || { tail -30 $(1).log; exit 1; }
endef

$(COSIM_DIR)/Vsglif_lif_core: sim/cosim.cpp sim/cosim.mk sim/core_port.h sim/cosim_gen.h rtl/files.f $(RTL_FILES) $(CORE_MAP_VH) $(CORE_MAP_H) $(COSIM_SG_INIT) $(LIB)
	@mkdir -p $(@D)
	$(call cosim_build,$(COSIM_DIR),,$(COSIM_P))

$(COSIM_DIR)-p%/Vsglif_lif_core: sim/cosim.cpp sim/cosim.mk sim/core_port.h sim/cosim_gen.h rtl/files.f $(RTL_FILES) $(CORE_MAP_VH) $(CORE_MAP_H) $(COSIM_SG_INIT) $(LIB)
	@mkdir -p $(@D)
	$(call cosim_build,$(COSIM_DIR)-p$*,,$*)

# the UltraPlus' RTL (SGLIF_UP5K: every weight bank an SB_SPRAM256KA) at P = COSIM_UP5K_P
COSIM_UP5K_P ?= 8
$(COSIM_DIR)-up5k/Vsglif_lif_core: sim/cosim.cpp sim/cosim.mk sim/core_port.h sim/cosim_gen.h rtl/files.f $(RTL_FILES) $(CORE_MAP_VH) $(CORE_MAP_H) $(COSIM_SG_INIT) $(LIB)
	@mkdir -p $(@D)
	$(call cosim_build,$(COSIM_DIR)-up5k,+define+SGLIF_UP5K,$(COSIM_UP5K_P))

$(COSIM_DIR)-fault-hold/Vsglif_lif_core: sim/cosim.cpp sim/cosim.mk sim/core_port.h sim/cosim_gen.h rtl/files.f $(RTL_FILES) $(CORE_MAP_VH) $(CORE_MAP_H) $(COSIM_SG_INIT) $(LIB)
	@mkdir -p $(@D)
	$(call cosim_build,$(COSIM_DIR)-fault-hold,+define+SGLIF_FAULT_HOLD,$(COSIM_P))

$(COSIM_DIR)-fault-argmax/Vsglif_lif_core: sim/cosim.cpp sim/cosim.mk sim/core_port.h sim/cosim_gen.h rtl/files.f $(RTL_FILES) $(CORE_MAP_VH) $(CORE_MAP_H) $(COSIM_SG_INIT) $(LIB)
	@mkdir -p $(@D)
	$(call cosim_build,$(COSIM_DIR)-fault-argmax,+define+SGLIF_FAULT_ARGMAX,$(COSIM_P))

$(COSIM_DIR)-fault-shift/Vsglif_lif_core: sim/cosim.cpp sim/cosim.mk sim/core_port.h sim/cosim_gen.h rtl/files.f $(RTL_FILES) $(CORE_MAP_VH) $(CORE_MAP_H) $(COSIM_SG_INIT) $(LIB)
	@mkdir -p $(@D)
	$(call cosim_build,$(COSIM_DIR)-fault-shift,+define+SGLIF_FAULT_SHIFT,$(COSIM_P))

$(COSIM_DIR)-fault-rb/Vsglif_lif_core: sim/cosim.cpp sim/cosim.mk sim/core_port.h sim/cosim_gen.h rtl/files.f $(RTL_FILES) $(CORE_MAP_VH) $(CORE_MAP_H) $(COSIM_SG_INIT) $(LIB)
	@mkdir -p $(@D)
	$(call cosim_build,$(COSIM_DIR)-fault-rb,+define+SGLIF_FAULT_RB,$(COSIM_P))

# the harness with a core map that disagrees with the RTL (RB_LAT one less in a copy of
# rtl/core_map.csv): its read-back must fail, so the harness does read the map
COSIM_MAP_FAULT := $(BUILD)/gen-fault
$(COSIM_MAP_FAULT)/sglif_core_map.h: $(CORE_MAP_SRC) host/gen_core_map.py
	@mkdir -p $(@D)
	awk -F, -v OFS=, '$$2 == "RB_LAT" { $$3 = $$3 - 1 } { print }' $(CORE_MAP_SRC) >$(@D)/core_map.csv
	$(PYTHON) host/gen_core_map.py $(@D)/core_map.csv --c $@

$(COSIM_DIR)-fault-map/Vsglif_lif_core: sim/cosim.cpp sim/cosim.mk sim/core_port.h sim/cosim_gen.h rtl/files.f $(RTL_FILES) $(CORE_MAP_VH) $(CORE_MAP_H) $(COSIM_MAP_FAULT)/sglif_core_map.h $(COSIM_SG_INIT) $(LIB)
	@mkdir -p $(@D)
	$(call cosim_build,$(COSIM_DIR)-fault-map,,$(COSIM_P),-I$(abspath $(COSIM_MAP_FAULT)))

$(COSIM_DIR)-fault/Vsglif_lif_core: sim/cosim.cpp sim/cosim.mk sim/core_port.h sim/cosim_gen.h rtl/files.f $(RTL_FILES) $(CORE_MAP_VH) $(CORE_MAP_H) $(COSIM_SG_INIT) $(LIB)
	@mkdir -p $(@D)
	$(call cosim_build,$(COSIM_DIR)-fault,+define+SGLIF_FAULT_DECAY,$(COSIM_P))

.PHONY: cosim cosim-selftest cosim-seeds lint
SIM ?= verilator
ifeq ($(SIM),icarus)
cosim: cosim-icarus ## RTL vs twin in lock step (SIM=verilator|icarus, SEED=S STEPS=N)
else
cosim: $(COSIM_DIR)/Vsglif_lif_core ## RTL vs twin in lock step (SIM=verilator|icarus, SEED=S STEPS=N)
	$< +seed=$(SEED) +steps=$(STEPS)
endif

# each altered RTL must fail with mismatches: the decay one shift off (SGLIF_FAULT_DECAY) and
# the drain's hold one cycle short (SGLIF_FAULT_HOLD: a group's sums overwrite the shadow
# before its last neuron is drained) and the bias read back one address off (SGLIF_FAULT_RB:
# caught by the configuration read-back) and a core map whose RB_LAT disagrees with the RTL
# and the argmax_i input read as the step ends instead of with start_i (SGLIF_FAULT_ARGMAX: the
# harness inverts it while the step runs) and the drain's REC sum shifted by the IN shift
# (SGLIF_FAULT_SHIFT: the lanes keep the phases' sums apart, the drain shifts each by its own);
# and the unaltered RTL with +fault=sat (the saturation flag seen one update late, the counts
# per sample unchanged) must fail on the per-update compare of the flag
COSIM_FAULTS := fault fault-hold fault-rb fault-map fault-argmax fault-shift
COSIM_SELFTEST_RUNS := $(addprefix cosim-selftest-,$(COSIM_FAULTS) fault-sat)
.PHONY: $(COSIM_SELFTEST_RUNS)
$(addprefix cosim-selftest-,$(COSIM_FAULTS)): cosim-selftest-%: $(COSIM_DIR)-%/Vsglif_lif_core
cosim-selftest-fault-sat: $(COSIM_DIR)/Vsglif_lif_core
# (one target a fault, side by side under make -j)
$(COSIM_SELFTEST_RUNS):
	@f=$(@:cosim-selftest-%=%); d=$(COSIM_DIR)-$$f; rc=0; \
	  case $$f in fault-sat) mkdir -p $$d; p="$(COSIM_DIR)/Vsglif_lif_core +fault=sat";; *) p=$$d/Vsglif_lif_core;; esac; \
	  $$p +seed=$(SEED) +steps=200 >$$d/run.log 2>&1 || rc=$$?; \
	  grep -E 'MISMATCH|cosim: .* mismatches|saturation flag differs' $$d/run.log; \
	  if [ $$f = fault-sat ] && ! grep -q 'the saturation flag differs' $$d/run.log; then \
	    echo "cosim-selftest: $$f: FAIL (no per-update saturation-flag mismatch, exit $$rc)"; exit 1; fi; \
	  if [ $$rc -ne 0 ] && grep -qE 'cosim: [0-9]+ neuron-updates compared, [1-9][0-9]* mismatches' $$d/run.log; then \
	    echo "cosim-selftest: $$f: PASS (the altered RTL was caught, exit $$rc)"; \
	  else echo "cosim-selftest: $$f: FAIL (the altered RTL was not caught, exit $$rc)"; exit 1; fi
cosim-selftest: $(COSIM_SELFTEST_RUNS) ## prove cosim fails: RTL decay one shift off, drain hold one cycle short, bias read back one address off, a core map's RB_LAT off, the argmax scan's request read late, the drain's REC sum shifted by the IN shift, the saturation flag one update late
	@echo "cosim-selftest: PASS: each of the $(words $(COSIM_SELFTEST_RUNS)) alterations was caught"

# parameter sets linted: N N_IN EV_AW SG_AW ACC_W N_OUT HIST_STEPS P L
LINT_SETS := 64:32:8:8:32:10:40:4:1 64:32:8:8:32:10:40:4:2 2:2:1:1:32:2:1:1:1 4:3:1:1:32:2:1:2:2 \
             256:700:10:10:24:35:100:8:1 256:128:7:8:32:4:16:8:2 1000:3:4:16:32:20:3:8:2 \
             512:64:6:8:32:10:20:16:1 96:17:5:6:28:3:5:16:2 40:9:3:4:32:2:2:1:2 \
             256:700:10:8:32:20:100:64:1 128:700:10:8:32:20:100:64:2 64:5:3:4:30:3:7:32:1 \
             192:40:6:8:32:16:9:64:2
lint: $(CORE_MAP_VH) ## verilator --lint-only -Wall over parameter sets (waivers: rtl/lint.vlt), iverilog, yosys
	@set -e; for p in $(LINT_SETS); do set -- $$(echo $$p | tr : ' '); \
	  for d in "" +define+SGLIF_TRACE "+define+SGLIF_TRACE +define+SGLIF_UP5K"; do \
	    echo "lint: verilator N=$$1 N_IN=$$2 EV_AW=$$3 SG_AW=$$4 ACC_W=$$5 N_OUT=$$6 HIST_STEPS=$$7 P=$$8 L=$$9 $$d"; \
	    $(VERILATOR) --lint-only -Wall $$d $(CORE_MAP_INC) --top-module $(RTL_TOP) -GN=$$1 -GN_IN=$$2 -GEV_AW=$$3 \
	      -GSG_AW=$$4 -GACC_W=$$5 -GN_OUT=$$6 -GHIST_STEPS=$$7 -GP=$$8 -GL=$$9 rtl/lint.vlt -f rtl/files.f; \
	  done; done
	@mkdir -p $(BUILD)/lint
	$(IVERILOG) -g2005 -Wall -DSGLIF_TRACE $(CORE_MAP_INC) -s $(RTL_TOP) -o $(BUILD)/lint/core.vvp -c rtl/files.f
	@if command -v $(YOSYS) >/dev/null; then \
	  echo "lint: $(YOSYS) read_verilog + hierarchy + proc"; \
	  $(YOSYS) -q -p 'read_verilog -DSGLIF_TRACE $(CORE_MAP_INC) $(RTL_FILES); hierarchy -check -top $(RTL_TOP); proc; check -assert' \
	    >$(BUILD)/lint/yosys.log 2>&1 || { cat $(BUILD)/lint/yosys.log; exit 1; }; \
	else echo "lint: $(YOSYS) not installed (Debian package yosys): skipped"; fi
	@echo "lint: PASS"

COSIM_SEEDS ?= $(shell seq 1 20)
LANE_SEEDS  ?= $(shell seq 1 4)
LANE_STEPS  ?= 1500
# each seed's run is a target of its own (cosim-seeds-run-S, cosim-seeds-run-pP-S), so that
# make -j runs them side by side; cosim-seeds reads their logs in order, prints and sums them
cosim_lane_dir   = $(if $(filter up5k,$(1)),$(COSIM_DIR)-up5k,$(COSIM_DIR)-p$(1))
COSIM_SEED_RUNS := $(addprefix cosim-seeds-run-,$(COSIM_SEEDS))
COSIM_LANE_RUNS := $(foreach p,$(COSIM_LANES) up5k,$(foreach s,$(LANE_SEEDS),cosim-seeds-run-p$(p)-$(s)))
$(foreach p,$(COSIM_LANES) up5k,$(foreach s,$(LANE_SEEDS),$(eval cosim-seeds-run-p$(p)-$(s): $(call cosim_lane_dir,$(p))/Vsglif_lif_core)))
.PHONY: $(COSIM_SEED_RUNS) $(COSIM_LANE_RUNS)
$(COSIM_SEED_RUNS): cosim-seeds-run-%: $(COSIM_DIR)/Vsglif_lif_core
	@$< +seed=$* +steps=$(STEPS) >$(COSIM_DIR)/seed-$*.log 2>&1 || \
	  { cat $(COSIM_DIR)/seed-$*.log; echo "cosim-seeds: seed $*: FAIL (log $(COSIM_DIR)/seed-$*.log)"; exit 1; }
$(COSIM_LANE_RUNS): cosim-seeds-run-p%:
	@d=$(call cosim_lane_dir,$(word 1,$(subst -, ,$*))); s=$(word 2,$(subst -, ,$*)); \
	  $$d/Vsglif_lif_core +seed=$$s +steps=$(LANE_STEPS) >$$d/seed-$$s.log 2>&1 || \
	  { cat $$d/seed-$$s.log; echo "cosim-seeds: P=$(word 1,$(subst -, ,$*)) seed $$s: FAIL (log $$d/seed-$$s.log)"; exit 1; }
cosim-seeds: $(COSIM_SEED_RUNS) $(COSIM_LANE_RUNS) ## cosim over 20 seeds x STEPS at P=COSIM_P (make test: >= 10^6 updates; each seed must compare saturated updates), then 4 seeds at each P of COSIM_LANES and of the UltraPlus RTL
	@set -e; u=0; for s in $(COSIM_SEEDS); do \
	  line=$$(grep 'neuron-updates compared' $(COSIM_DIR)/seed-$$s.log); echo "seed $$s: $$line"; \
	  case "$$line" in *", 0 saturations") echo "cosim-seeds: seed $$s: no saturated update compared (the vectors must exercise the saturation flag)"; exit 1;; esac; \
	  u=$$((u + $$(echo "$$line" | sed -E 's/cosim: ([0-9]+) .*/\1/'))); done; \
	  echo "cosim-seeds: $$u neuron-updates compared over $(words $(COSIM_SEEDS)) seeds at P=$(COSIM_P), 0 mismatches"; \
	  for p in $(COSIM_LANES) up5k; do u=0; d=$(COSIM_DIR)-p$$p; [ $$p = up5k ] && d=$(COSIM_DIR)-up5k; \
	    for s in $(LANE_SEEDS); do \
	    line=$$(grep 'neuron-updates compared' $$d/seed-$$s.log); \
	    u=$$((u + $$(echo "$$line" | sed -E 's/cosim: ([0-9]+) .*/\1/'))); done; \
	    w="P=$$p"; [ $$p = up5k ] && w="P=$(COSIM_UP5K_P) with SGLIF_UP5K (SPRAM banks)"; \
	    echo "cosim-seeds: $$u neuron-updates compared over $(words $(LANE_SEEDS)) seeds at $$w, 0 mismatches"; done

# Board sizes: the lock-step co-simulation built at each row of rtl/configs.csv (its N, N_IN,
# EV_AW, SG_AW, N_OUT, HIST_STEPS, P, L; the UP5K rows with SGLIF_UP5K) and run with +full:
# every configuration at the row's full size, samples of HIST_STEPS + COSIM_BOARD_EXTRA steps
# (longer than the history, which keeps the first HIST_STEPS), one sample in two with full
# event lists (1024 events a step on the ECP5-85F rows); every update, readout and history
# word compared (docs/rtl.md, "Verification").
COSIM_BOARD_EXTRA ?= 6
COSIM_BOARD_SEED  ?= 1
COSIM_ROWS        := $(shell awk -F, 'NR > 1 { print $$1 }' rtl/configs.csv)
cosim_row          = $(shell awk -F, -v n=$(1) 'NR == 1 { for (i = 1; i <= NF; i++) h[$$i] = i; next } \
                       $$1 == n { print $$h["N"], $$h["N_IN"], $$h["EV_AW"], $$h["SG_AW"], $$h["N_OUT"], \
                       $$h["HIST_STEPS"], $$h["P"], $$h["L"], $$h["spram_max"] }' rtl/configs.csv)
# $(1): the row's values (cosim_row), $(2): build directory
define cosim_row_build
	$(VERILATOR) --cc --exe --build -j 2 --top-module $(RTL_TOP) +define+SGLIF_TRACE $(CORE_MAP_INC) \
	  $(if $(filter-out 0,$(word 9,$(1))),+define+SGLIF_UP5K) \
	  -GN=$(word 1,$(1)) -GN_IN=$(word 2,$(1)) -GEV_AW=$(word 3,$(1)) -GSG_AW=$(word 4,$(1)) \
	  -GN_OUT=$(word 5,$(1)) -GHIST_STEPS=$(word 6,$(1)) -GP=$(word 7,$(1)) -GL=$(word 8,$(1)) \
	  -GSG_INIT='"$(COSIM_SG_INIT)"' --Mdir $(2) -o Vsglif_lif_core -MAKEFLAGS OPT_FAST=-O2 \
	  -CFLAGS "-O2 -I$(abspath sw) $(CORE_MAP_CINC) -DCOSIM_N=$(word 1,$(1)) -DCOSIM_N_IN=$(word 2,$(1)) \
	    -DCOSIM_EV_AW=$(word 3,$(1)) -DCOSIM_SG_AW=$(word 4,$(1)) -DCOSIM_N_OUT=$(word 5,$(1)) \
	    -DCOSIM_HIST=$(word 6,$(1)) -DCOSIM_P=$(word 7,$(1)) -DCOSIM_L=$(word 8,$(1)) \
	    -DCOSIM_T_MAX=$$(( $(word 6,$(1)) + $(COSIM_BOARD_EXTRA) )) -DCOSIM_SG_INIT='\"$(COSIM_SG_INIT)\"'" \
	  -LDFLAGS "$(LDFLAGS) -Wl,--whole-archive $(abspath $(LIB)) -Wl,--no-whole-archive $(LDLIBS)" \
	  -f rtl/files.f $(abspath sim/cosim.cpp) >$(2).log 2>&1 || { tail -30 $(2).log; exit 1; }
endef
$(COSIM_DIR)-row-%/Vsglif_lif_core: sim/cosim.cpp sim/cosim.mk sim/core_port.h sim/cosim_gen.h rtl/files.f rtl/configs.csv $(RTL_FILES) $(CORE_MAP_VH) $(CORE_MAP_H) $(COSIM_SG_INIT) $(LIB)
	@mkdir -p $(@D)
	$(call cosim_row_build,$(call cosim_row,$*),$(COSIM_DIR)-row-$*)

# (one target a row, side by side under make -j; cosim-boards prints their logs in order)
COSIM_BOARD_RUNS := $(addprefix cosim-boards-run-,$(COSIM_ROWS))
.PHONY: cosim-boards $(COSIM_BOARD_RUNS)
$(COSIM_BOARD_RUNS): cosim-boards-run-%: $(COSIM_DIR)-row-%/Vsglif_lif_core
	@d=$(COSIM_DIR)-row-$*; \
	  set -- $$(awk -F, -v n=$* 'NR == 1 { for (i = 1; i <= NF; i++) h[$$i] = i; next } $$1 == n { print $$h["HIST_STEPS"] }' rtl/configs.csv); \
	  st=$$(( 2 * ($$1 + $(COSIM_BOARD_EXTRA)) )); \
	  $$d/Vsglif_lif_core +full +seed=$(COSIM_BOARD_SEED) +steps=$$st >$$d/run.log 2>&1 || \
	  { cat $$d/run.log; echo "cosim-boards: $*: FAIL (log $$d/run.log)"; exit 1; }
cosim-boards: $(COSIM_BOARD_RUNS) ## cosim at every rtl/configs.csv row's full sizes, samples longer than the history, full event lists (+full)
	@set -e; for r in $(COSIM_ROWS); do d=$(COSIM_DIR)-row-$$r; \
	  echo "cosim-boards: $$r: $$(grep -m1 '^cosim: seed' $$d/run.log | sed 's/^cosim: //')"; \
	  echo "cosim-boards: $$r: $$(grep 'neuron-updates compared' $$d/run.log | sed 's/^cosim: //'); $$(grep 'readout:' $$d/run.log | sed 's/^cosim: //')"; done; \
	  echo "cosim-boards: PASS: $(words $(COSIM_ROWS)) rows at full size"

# SPDX-License-Identifier: MIT
# The co-simulation under Icarus (issue 3, `make cosim SIM=icarus`), included from the Makefile
# after sim/cosim.mk (whose COSIM_* sizes it reuses): sim/cosim_vectors.c (gcc, linked with
# libsglif.a) writes the commands and the twin's trace for a seed, sim/tb_cosim.v replays them
# on rtl/sglif_lif_core.v and compares every update. Same random configurations as the
# Verilator run of the same seed, fewer steps (Icarus runs about 10^4 - 10^5 cycles/s).
#   make cosim-icarus SEED=S ICARUS_STEPS=N     make cosim-icarus-selftest

IVERILOG      ?= iverilog
VVP           ?= vvp
SEED          ?= 1
ICARUS_STEPS  ?= 200
COSIM_N       ?= 64
COSIM_N_IN    ?= 32
COSIM_EV_AW   ?= 7
COSIM_SG_AW   ?= 8
COSIM_N_OUT   ?= 10
COSIM_HIST    ?= 40
COSIM_P       ?= 4
COSIM_L       ?= 2
COSIM_SG_INIT ?= rtl/sglif_sg_default.hex
ICARUS_DIR    := $(BUILD)/cosim-icarus
ICARUS_VEC    := $(BIN)/cosim_vectors
ICARUS_PARAMS := -Ptb_cosim.N=$(COSIM_N) -Ptb_cosim.N_IN=$(COSIM_N_IN) \
                 -Ptb_cosim.EV_AW=$(COSIM_EV_AW) -Ptb_cosim.SG_AW=$(COSIM_SG_AW) \
                 -Ptb_cosim.N_OUT=$(COSIM_N_OUT) -Ptb_cosim.HIST_STEPS=$(COSIM_HIST) \
                 -Ptb_cosim.P=$(COSIM_P) -Ptb_cosim.L=$(COSIM_L) \
                 -Ptb_cosim.SG_INIT='"$(COSIM_SG_INIT)"'
ICARUS_RTL    := $(shell cat rtl/files.f)

$(ICARUS_VEC): $(OBJ)/sim/cosim_vectors.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# $(1): output, $(2): extra iverilog options. SGLIF_RW_X: a RAM read of the address being
# written gives x (the device's block RAMs leave it undefined: rtl/sglif_ram.v), which the bench
# reports as a mismatch wherever it is used
define icarus_build
	@mkdir -p $(@D)
	$(IVERILOG) -g2005 -Wall -DSGLIF_TRACE -DSGLIF_RW_X $(CORE_MAP_INC) $(2) -s tb_cosim $(ICARUS_PARAMS) -o $(1) \
	  -c rtl/files.f sim/tb_cosim.v
endef

$(ICARUS_DIR)/tb_cosim.vvp: sim/tb_cosim.v sim/icarus.mk sim/cosim.mk rtl/files.f $(ICARUS_RTL) $(CORE_MAP_VH)
	$(call icarus_build,$@,)

$(ICARUS_DIR)/tb_cosim-fault.vvp: sim/tb_cosim.v sim/icarus.mk sim/cosim.mk rtl/files.f $(ICARUS_RTL) $(CORE_MAP_VH)
	$(call icarus_build,$@,-DSGLIF_FAULT_DECAY)

# $(1): the .vvp, $(2): log name, $(3): steps, $(4): more plus-args. A shell command: writes the vectors, runs vvp,
# keeps the log in $(ICARUS_DIR); true only if vvp exited 0 and the log says `cosim: U
# neuron-updates compared, 0 mismatches` (U > 0) and PASS.
define icarus_run
( set -e; d=$(ICARUS_DIR); \
  $(ICARUS_VEC) $(SEED) $(3) $(COSIM_SG_INIT) $$d/$(2).cmd $$d/$(2).exp \
    $(COSIM_N) $(COSIM_N_IN) $(COSIM_EV_AW) $(COSIM_SG_AW) $(COSIM_N_OUT) $(COSIM_HIST) \
    $(COSIM_P) $(COSIM_L); \
  s0=$$(date +%s%N); rc=0; \
  $(VVP) -n $(1) +cmd=$$d/$(2).cmd +exp=$$d/$(2).exp $(4) >$$d/$(2).log 2>&1 || rc=$$?; \
  s1=$$(date +%s%N); \
  grep -E '^(MISMATCH|  |cosim: |tb_cosim: |FATAL|PASS|FAIL)' $$d/$(2).log || true; \
  echo "cosim-icarus: vvp exit $$rc after $$(( (s1 - s0) / 1000000 )) ms, log $$d/$(2).log"; \
  [ $$rc -eq 0 ] && grep -qE '^cosim: [1-9][0-9]* neuron-updates compared, 0 mismatches' \
    $$d/$(2).log && grep -qx PASS $$d/$(2).log )
endef

.PHONY: cosim-icarus cosim-icarus-selftest
cosim-icarus: $(ICARUS_DIR)/tb_cosim.vvp $(ICARUS_VEC) ## RTL vs twin under Icarus (SEED=S ICARUS_STEPS=N)
	@$(call icarus_run,$<,seed-$(SEED),$(ICARUS_STEPS))
	@grep -qE '^cosim: [0-9]+ neuron-updates compared, 0 mismatches, [1-9][0-9]* saturations' $(ICARUS_DIR)/seed-$(SEED).log || \
	  { echo "cosim-icarus: no saturated update compared (the vectors must exercise the saturation flag)"; exit 1; }

# passes only if the run with the decay one shift off fails with mismatches (not a crash), and
# so does every run with a stuck bit in the SG-code, readout or history path (+fault), with the
# saturation flag one update late (+fault=sat: the per-sample counts unchanged, so it must be
# the per-update compare that fails, saying so) and with an x forced into an RTL value
# (+fault_x: the traced membrane, a readout sum, the saturation flag): the bench's comparisons
# are !==
# (one target a run, side by side under make -j: cosim-icarus-selftest-decay and one a plus-arg,
# named as its log, fault-sg for +fault=sg)
ICARUS_FAULT_ARGS := fault-sg fault-readout fault-history fault-sat fault_x-v fault_x-sum fault_x-sat
ICARUS_SELFTEST_RUNS := $(addprefix cosim-icarus-selftest-,decay $(ICARUS_FAULT_ARGS))
.PHONY: $(ICARUS_SELFTEST_RUNS)
cosim-icarus-selftest-decay: $(ICARUS_DIR)/tb_cosim-fault.vvp $(ICARUS_VEC)
	@if $(call icarus_run,$<,fault-seed-$(SEED),50); then \
	  echo "cosim-icarus-selftest: FAIL (the altered RTL was not caught)"; exit 1; \
	elif grep -qE '^cosim: [0-9]+ neuron-updates compared, [1-9][0-9]* mismatches' \
	       $(ICARUS_DIR)/fault-seed-$(SEED).log; then \
	  echo "cosim-icarus-selftest: PASS (the altered RTL was caught)"; \
	else echo "cosim-icarus-selftest: FAIL (the run failed without a mismatch report)"; exit 1; fi
$(addprefix cosim-icarus-selftest-,$(ICARUS_FAULT_ARGS)): cosim-icarus-selftest-%: $(ICARUS_DIR)/tb_cosim.vvp $(ICARUS_VEC)
	@x=$(subst -,=,$*); \
	if $(call icarus_run,$(ICARUS_DIR)/tb_cosim.vvp,$*-seed-$(SEED),50,+$$x); then \
	    echo "cosim-icarus-selftest: FAIL (+$$x was not caught)"; exit 1; \
	  elif [ $$x = fault=sat ] && ! grep -q 'the saturation flag differs' $(ICARUS_DIR)/fault-sat-seed-$(SEED).log; then \
	    echo "cosim-icarus-selftest: FAIL (+$$x: no per-update saturation-flag mismatch)"; exit 1; \
	  elif grep -qE '^cosim: [0-9]+ neuron-updates compared, [1-9][0-9]* mismatches' \
	         $(ICARUS_DIR)/$*-seed-$(SEED).log; then \
	    echo "cosim-icarus-selftest: PASS (+$$x was caught)"; \
	  else echo "cosim-icarus-selftest: FAIL (the run with +$$x failed without a mismatch report)"; exit 1; fi
cosim-icarus-selftest: $(ICARUS_SELFTEST_RUNS) ## prove the Icarus cosim fails on an altered RTL, on a stuck bit in the SG-code, readout and history paths, on the saturation flag one update late, and on an x in the membrane, a readout sum or the saturation flag
	@echo "cosim-icarus-selftest: PASS: each of the $(words $(ICARUS_SELFTEST_RUNS)) faults was caught"

-include $(OBJ)/sim/cosim_vectors.d

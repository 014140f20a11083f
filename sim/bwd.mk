# SPDX-License-Identifier: MIT
# The training engine's pieces against their C references (issue 13, docs/rtl.md "Training
# engine (design)"): `make bwd-test` runs rtl/sglif_bwd_neuron.v against sgl_bwd_neuron_ref
# (sim/bwd_ref.c) over BWD_SEEDS x BWD_N random neurons, every output compared, beside a lint
# of the module (verilator -Wall through the build, iverilog, yosys), and
# rtl/sglif_bwd_gather.v (the gradient through a recurrent row: the dot of a weight row with a
# gv row, rounded) against sgl_bwd_gather_ref at each P:G_W of GATHER_CONFIGS, BWD_SEEDS x GATHER_N
# rows; `make bwd-selftest` proves the comparisons fail on each altered RTL (the decay one
# shift off, the SG product's rounding dropped, the multiplicative reset's cut ignored, the
# clamps at int32 instead of the rule's int24, the gather's rounding dropped, the walk reading the wrong gv row, the generator's rotation off, the
# rounding's compare off), rtl/sglif_bwd_walk.v (one layer's backward walk: both gathers and the
# neuron over every step and neuron, the RAMs modelled by sim/walk_test.cpp) against
# sgl_bwd_walk_ref at each P of WALK_LANES, BWD_SEEDS x WALK_N configurations, and the
# update's rounding path rtl/sglif_pcg32.v + rtl/sglif_sround.v (sim/tb_sround.v) draw for draw
# against the twin's sgl_rng_u32 and sgl_fixed_sround, BWD_SEEDS x SROUND_N draws, and the
# readout error rtl/sglif_err_unit.v against sgl_softmax_error_ref (sim/softmax_ref.c, the
# twin's sgl_fixed_softmax_error) at each class count of ERR_CLASSES, BWD_SEEDS x ERR_N steps,
# and whole samples (sim/acc_test.cpp on rtl/sglif_engine.v: readout sums, the error unit, the
# walk and its gradient accumulation rtl/sglif_bwd_accum.v against the twin's
# sgl_fixed_grad_sample, every error, gv and gradient word; ACC_SEEDS at P = ACC_MAIN_P, BWD_SEEDS at the other ACC_LANES; and under
# Icarus, sim/acc_vectors.c + sim/tb_acc_replay.v), and the gradient bank's forwarding alone
# (sim/tb_acc_fwd.v under Icarus: the same word one and two beats back, which the walk never
# makes), with their self-tests (the SG code's bit 0, the backward decay, the diagonal, a missed
# event, the EXP2 table, each forwarding, the port's group mux at 16 lanes; the error's rounding,
# its clamp's bound and its read's address a cycle ahead, ERR_FAULTS). Both are in make test.
BWD_DIR    := $(BUILD)/bwd
BWD_N      ?= 1000000
BWD_SEEDS  ?= 1 2
BWD_RTL    := rtl/sglif_bwd_neuron.v
BWD_FAULTS := DECAY ROUND RESET CLAMP
GATHER_N     ?= 200000
# the gather's tests, P:G_W each: lanes and operand bits (32 at 1, 4 and 64 lanes; the 85F
# image's recurrent gather, 32 lanes of GV_W bits, and its W_out gather, 16 of E_W)
GV_W         := $(shell awk -F, '$$2 == "GV_W" { print $$3 }' rtl/core_map.csv)
E_W          := $(shell awk -F, '$$2 == "E_W" { print $$3 }' rtl/core_map.csv)
GATHER_CONFIGS ?= 1:32 4:32 64:32 32:$(GV_W) 16:$(E_W)
GATHER_RTL   := rtl/sglif_bwd_gather.v
GATHER_DEPS  := $(CORE_MAP_H) sim/unit_harness.h sim/gather_test.cpp sim/bwd_ref.h sim/bwd.mk rtl/lint.vlt $(GATHER_RTL) $(OBJ)/sim/bwd_ref.o $(LIB)
WALK_N       ?= 400
WALK_LANES   ?= 1 4 16 64
# N = max(32, 2P) neurons (the walk needs N >= 2P: 128 at the 85F's 64 lanes), 10 classes, 24 steps
walk_n        = $(shell echo $$(( 32 > 2 * $(1) ? 32 : 2 * $(1) )))
WALK_SIZES    = -GN=$(call walk_n,$(1)) -GC=10 -GT_MAX=24
WALK_DEFS     = -DWALK_N=$(call walk_n,$(1)) -DWALK_C=10 -DWALK_T=24
WALK_RTL     := rtl/sglif_bwd_walk.v rtl/sglif_bwd_accum.v rtl/sglif_lanes_sext.v $(GATHER_RTL) $(BWD_RTL)
WALK_DEPS    := $(CORE_MAP_H) $(CORE_MAP_DEFS) sim/unit_harness.h sim/walk_test.cpp sim/walk_cycles.h sim/bwd_ref.h sim/bwd.mk rtl/lint.vlt $(WALK_RTL) $(OBJ)/sim/bwd_ref.o $(LIB)
# the whole samples (sim/acc_test.cpp on rtl/sglif_engine.v: readout sums, error unit, walk and
# accumulation against the twin's sgl_fixed_grad_sample), at each P of ACC_LANES, ACC_N
# configurations a seed
ACC_N        ?= 60
ACC_LANES    ?= 1 4 16 64
ACC_SEEDS    ?= $(shell seq 1 20)
ACC_MAIN_P   ?= 4
# (ACC_SEEDS at P = ACC_MAIN_P, BWD_SEEDS at the other lane counts)
GRAD_W       := $(shell awk -F, '$$2 == "GRAD_W" { print $$3 }' rtl/core_map.csv)
ACC_SIZES     = -GN=$(call walk_n,$(1)) -GP=$(1) -GC=10 -GT_MAX=24 -GN_IN=16 -GES_AW=10 -GGRAD_W=$(GRAD_W)
ACC_DEFS      = -DACC_N=$(call walk_n,$(1)) -DACC_P=$(1) -DACC_C=10 -DACC_T=24 -DACC_N_IN=16 -DACC_ES_AW=10 -DACC_GRAD_W=$(GRAD_W)
ACC_RTL      := rtl/sglif_engine.v rtl/sglif_err_unit.v $(WALK_RTL)
ACC_DEPS     := $(CORE_MAP_H) $(CORE_MAP_DEFS) sim/unit_harness.h sim/acc_test.cpp sim/acc_gen.h sim/walk_cycles.h sim/cosim_gen.h sim/bwd.mk rtl/lint.vlt rtl/core_map.csv $(ACC_RTL) rtl/sglif_exp2.hex $(LIB)
ACC_FAULTS   := WALK_CODE BWD_DECAY ACC_DIAG ACC_EVENT ERR_TABLE ENG_SUM ACC_LOCK ACC_PGRP
# a fault's lanes: 4, or 16 for the port's group mux (sglif_bwd_accum: one group below 8 lanes)
acc_fault_p   = $(if $(filter ACC_PGRP,$(1)),16,4)
ERR_N        ?= 100000
ERR_CLASSES  ?= 2 10 64
ERR_FAULTS   := ERR_ROUND ERR_CLIP ERR_NX
ERR_RTL      := rtl/sglif_err_unit.v
ERR_DEPS     := $(CORE_MAP_H) sim/unit_harness.h sim/err_test.cpp sim/bwd_ref.h sim/bwd.mk rtl/lint.vlt $(ERR_RTL) rtl/sglif_exp2.hex $(OBJ)/sim/softmax_ref.o $(LIB)
SROUND_N     ?= 1000000
SROUND_RTL   := rtl/sglif_pcg32.v rtl/sglif_sround.v
SROUND_DEPS  := $(CORE_MAP_H) sim/unit_harness.h sim/sround_test.cpp sim/tb_sround.v sim/bwd.mk rtl/lint.vlt $(SROUND_RTL) $(LIB)
SROUND_FAULTS := PCG PCG_FWD SROUND SROUND_CLAMP
BWD_DEPS   := $(CORE_MAP_H) $(CORE_MAP_DEFS) sim/unit_harness.h sim/bwd_test.cpp sim/bwd_ref.h sim/bwd.mk rtl/lint.vlt $(BWD_RTL) $(OBJ)/sim/bwd_ref.o $(LIB)

$(BWD_DIR)/ok/Vsglif_bwd_neuron: $(BWD_DEPS)
	$(call verilate,$(@D),sglif_bwd_neuron,Vsglif_bwd_neuron,$(BWD_RTL),sim/bwd_test.cpp $(OBJ)/sim/bwd_ref.o,,)

$(BWD_DIR)/fault-%/Vsglif_bwd_neuron: $(BWD_DEPS)
	$(call verilate,$(@D),sglif_bwd_neuron,Vsglif_bwd_neuron,$(BWD_RTL),sim/bwd_test.cpp $(OBJ)/sim/bwd_ref.o,+define+SGLIF_FAULT_BWD_$*,)

# gather-p<P>w<G_W>
$(BWD_DIR)/gather-p%/Vsglif_bwd_gather: $(GATHER_DEPS)
	$(call verilate,$(@D),sglif_bwd_gather,Vsglif_bwd_gather,$(GATHER_RTL),sim/gather_test.cpp $(OBJ)/sim/bwd_ref.o,-GP=$(word 1,$(subst w, ,$*)) -GG_W=$(word 2,$(subst w, ,$*)),-DGATHER_P=$(word 1,$(subst w, ,$*)) -DGATHER_G_W=$(word 2,$(subst w, ,$*)))

$(BWD_DIR)/gather-fault/Vsglif_bwd_gather: $(GATHER_DEPS)
	$(call verilate,$(@D),sglif_bwd_gather,Vsglif_bwd_gather,$(GATHER_RTL),sim/gather_test.cpp $(OBJ)/sim/bwd_ref.o,-GP=4 +define+SGLIF_FAULT_GATHER_ROUND,-DGATHER_P=4)

# (the tree's nodes a bit too narrow, at the 85F's recurrent gather: 32 lanes of GV_W bits)
$(BWD_DIR)/gather-fault-width/Vsglif_bwd_gather: $(GATHER_DEPS)
	$(call verilate,$(@D),sglif_bwd_gather,Vsglif_bwd_gather,$(GATHER_RTL),sim/gather_test.cpp $(OBJ)/sim/bwd_ref.o,-GP=32 -GG_W=$(GV_W) +define+SGLIF_FAULT_GATHER_WIDTH,-DGATHER_P=32 -DGATHER_G_W=$(GV_W))

$(BWD_DIR)/sround/Vtb_sround: $(SROUND_DEPS)
	$(call verilate,$(@D),tb_sround,Vtb_sround,sim/tb_sround.v $(SROUND_RTL),sim/sround_test.cpp,,)

$(BWD_DIR)/sround-fault-%/Vtb_sround: $(SROUND_DEPS)
	$(call verilate,$(@D),tb_sround,Vtb_sround,sim/tb_sround.v $(SROUND_RTL),sim/sround_test.cpp,+define+SGLIF_FAULT_$*,)

$(BWD_DIR)/walk-p%/Vsglif_bwd_walk: $(WALK_DEPS)
	$(call verilate,$(@D),sglif_bwd_walk,Vsglif_bwd_walk,$(WALK_RTL),sim/walk_test.cpp $(OBJ)/sim/bwd_ref.o,$(call WALK_SIZES,$*) -GP=$*,$(call WALK_DEFS,$*) -DWALK_P=$*)

$(BWD_DIR)/walk-fault/Vsglif_bwd_walk: $(WALK_DEPS)
	$(call verilate,$(@D),sglif_bwd_walk,Vsglif_bwd_walk,$(WALK_RTL),sim/walk_test.cpp $(OBJ)/sim/bwd_ref.o,$(call WALK_SIZES,4) -GP=4 +define+SGLIF_FAULT_WALK_ROW,$(call WALK_DEFS,4) -DWALK_P=4)

$(BIN)/walk_twin: $(OBJ)/sim/walk_twin.o $(OBJ)/sim/bwd_ref.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# the Icarus replay bench of the walk (sim/tb_acc_replay.v, N = 32, P = 4): $(1) iverilog
# options, $(2) the vectors, $(3) the name on its last line
REPLAY_SET := $(foreach p,N=32 P=4 C=10 T_MAX=24 N_IN=16 ES_AW=10 GRAD_W=$(GRAD_W),-Ptb_acc_replay.$(p))
REPLAY_ARGS := 32 4 10 24 16 10 $(GRAD_W)
define replay_vvp
	@mkdir -p $(@D)
	$(IVERILOG) -g2005 -Wall -DSGLIF_RW_X $(CORE_MAP_INC) $(1) -s tb_acc_replay $(REPLAY_SET) -Ptb_acc_replay.VEC='"$(2)"' -Ptb_acc_replay.NAME='"$(3)"' -o $@ sim/tb_acc_replay.v $(WALK_RTL)
endef

# the walk under Icarus (shorter): sim/walk_vectors.c writes random walks, the bench replays
WALK_ICARUS_N   ?= 40
$(BIN)/walk_vectors: $(OBJ)/sim/walk_vectors.o $(OBJ)/sim/bwd_ref.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BWD_DIR)/tb_walk.vvp: sim/tb_acc_replay.v $(WALK_RTL) $(CORE_MAP_DEFS) sim/bwd.mk
	$(call replay_vvp,,$(BWD_DIR)/walk-icarus.txt,walk-icarus)

$(BWD_DIR)/tb_walk-fault.vvp: sim/tb_acc_replay.v $(WALK_RTL) $(CORE_MAP_DEFS) sim/bwd.mk
	$(call replay_vvp,-DSGLIF_FAULT_WALK_ROW,$(BWD_DIR)/walk-icarus-fault.txt,walk-icarus)

$(BWD_DIR)/acc-p%/Vsglif_engine: $(ACC_DEPS)
	$(call verilate,$(@D),sglif_engine,Vsglif_engine,$(ACC_RTL),sim/acc_test.cpp,$(call ACC_SIZES,$*),$(call ACC_DEFS,$*))

$(BWD_DIR)/acc-fault-%/Vsglif_engine: $(ACC_DEPS)
	$(call verilate,$(@D),sglif_engine,Vsglif_engine,$(ACC_RTL),sim/acc_test.cpp,$(call ACC_SIZES,$(call acc_fault_p,$*)) +define+SGLIF_FAULT_$*,$(call ACC_DEFS,$(call acc_fault_p,$*)))

# the walk with its accumulation under Icarus (shorter): sim/acc_vectors.c writes the twin's
# samples, sim/tb_acc_replay.v replays them
ACC_ICARUS_N   ?= 8
$(BIN)/acc_vectors: $(OBJ)/sim/acc_vectors.o $(OBJ)/sim/bwd_ref.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BWD_DIR)/tb_acc.vvp: sim/tb_acc_replay.v $(WALK_RTL) $(CORE_MAP_DEFS) sim/bwd.mk
	$(call replay_vvp,,$(BWD_DIR)/acc-icarus.txt,acc-icarus)

$(BWD_DIR)/tb_acc-fault.vvp: sim/tb_acc_replay.v $(WALK_RTL) $(CORE_MAP_DEFS) sim/bwd.mk
	$(call replay_vvp,-DSGLIF_FAULT_ACC_DIAG,$(BWD_DIR)/acc-icarus-fault.txt,acc-icarus)

# the gradient bank's forwarding under Icarus (sim/tb_acc_fwd.v: random beats on a few words,
# the same word one and two beats back, which the walk never makes), ACC_FWD_N cycles a seed
ACC_FWD_N      ?= 20000
ACC_FWD_FAULTS := ACC_FWD1 ACC_FWD2
$(BWD_DIR)/tb_acc_fwd.vvp: sim/tb_acc_fwd.v rtl/sglif_bwd_accum.v $(CORE_MAP_DEFS) sim/bwd.mk
	@mkdir -p $(@D)
	$(IVERILOG) -g2005 -Wall -DSGLIF_RW_X $(CORE_MAP_INC) -s tb_acc_fwd -o $@ sim/tb_acc_fwd.v rtl/sglif_bwd_accum.v

$(BWD_DIR)/tb_acc_fwd-%.vvp: sim/tb_acc_fwd.v rtl/sglif_bwd_accum.v $(CORE_MAP_DEFS) sim/bwd.mk
	@mkdir -p $(@D)
	$(IVERILOG) -g2005 -Wall -DSGLIF_RW_X -DSGLIF_FAULT_$* $(CORE_MAP_INC) -s tb_acc_fwd -o $@ sim/tb_acc_fwd.v rtl/sglif_bwd_accum.v

$(BWD_DIR)/err-c%/Vsglif_err_unit: $(ERR_DEPS)
	$(call verilate,$(@D),sglif_err_unit,Vsglif_err_unit,$(ERR_RTL),sim/err_test.cpp $(OBJ)/sim/softmax_ref.o,-GC=$*,-DERR_C=$*)

$(BWD_DIR)/err-fault-%/Vsglif_err_unit: $(ERR_DEPS)
	$(call verilate,$(@D),sglif_err_unit,Vsglif_err_unit,$(ERR_RTL),sim/err_test.cpp $(OBJ)/sim/softmax_ref.o,-GC=10 +define+SGLIF_FAULT_$*,-DERR_C=10)

.PHONY: bwd-test bwd-selftest
# bwd-test's pieces, each a target of its own so that make -j runs them side by side: the lints
# (bwd-test-lint, bwd-test-yosys), each seed's run of each unit (bwd-test-<unit>-[<build>-]<seed>,
# its log in $(BWD_DIR)), the walk's C twin and the Icarus runs; bwd-test then prints their
# lines in order from the logs and sums the whole samples' counts over the seeds.
# $(1): command, $(2): its log; fails with the log's tail and the log's name
bwd_run = $(1) >$(2) 2>&1 || { tail -5 $(2); echo "bwd-test: FAIL (log $(2))"; exit 1; }
# the stem's words: $(call bwd_w,N,stem) of build-seed
bwd_w   = $(word $(1),$(subst -, ,$(2)))
acc_seeds = $(if $(filter $(ACC_MAIN_P),$(1)),$(ACC_SEEDS),$(BWD_SEEDS))
BWD_NEURON_RUNS := $(addprefix bwd-test-neuron-,$(BWD_SEEDS))
BWD_GATHER_RUNS := $(foreach c,$(GATHER_CONFIGS),$(foreach s,$(BWD_SEEDS),bwd-test-gather-p$(subst :,w,$(c))-$(s)))
BWD_WALK_RUNS   := $(foreach p,$(WALK_LANES),$(foreach s,$(BWD_SEEDS),bwd-test-walk-p$(p)-$(s)))
BWD_ACC_RUNS    := $(foreach p,$(ACC_LANES),$(foreach s,$(call acc_seeds,$(p)),bwd-test-acc-p$(p)-$(s)))
BWD_FWD_RUNS    := $(addprefix bwd-test-fwd-,$(BWD_SEEDS))
BWD_ERR_RUNS    := $(foreach c,$(ERR_CLASSES),$(foreach s,$(BWD_SEEDS),bwd-test-err-c$(c)-$(s)))
BWD_SROUND_RUNS := $(addprefix bwd-test-sround-,$(BWD_SEEDS))
BWD_TEST_RUNS   := bwd-test-lint bwd-test-yosys $(BWD_NEURON_RUNS) $(BWD_GATHER_RUNS) $(BWD_WALK_RUNS) bwd-test-walk-twin \
                   $(BWD_ACC_RUNS) bwd-test-acc-icarus $(BWD_FWD_RUNS) bwd-test-walk-icarus $(BWD_ERR_RUNS) $(BWD_SROUND_RUNS)
.PHONY: $(BWD_TEST_RUNS)
$(foreach r,$(BWD_GATHER_RUNS),$(eval $(r): $(BWD_DIR)/gather-$(call bwd_w,1,$(r:bwd-test-gather-%=%))/Vsglif_bwd_gather))
$(foreach r,$(BWD_WALK_RUNS),$(eval $(r): $(BWD_DIR)/walk-$(call bwd_w,1,$(r:bwd-test-walk-%=%))/Vsglif_bwd_walk))
$(foreach r,$(BWD_ACC_RUNS),$(eval $(r): $(BWD_DIR)/acc-$(call bwd_w,1,$(r:bwd-test-acc-%=%))/Vsglif_engine))
$(foreach r,$(BWD_ERR_RUNS),$(eval $(r): $(BWD_DIR)/err-$(call bwd_w,1,$(r:bwd-test-err-%=%))/Vsglif_err_unit))
bwd-test-lint: $(CORE_MAP_VH) $(CORE_MAP_DEFS)
	@mkdir -p $(BWD_DIR)
	$(IVERILOG) -g2005 -Wall $(CORE_MAP_INC) -s sglif_bwd_neuron -o $(BWD_DIR)/lint.vvp $(BWD_RTL)
	$(IVERILOG) -g2005 -Wall -s sglif_bwd_gather -o $(BWD_DIR)/lint-gather.vvp $(GATHER_RTL)
	$(IVERILOG) -g2005 -Wall -s tb_sround -o $(BWD_DIR)/lint-sround.vvp sim/tb_sround.v $(SROUND_RTL)
	@set -e; for p in 1 2 8 16 32; do $(VERILATOR) --lint-only -Wall -GP=$$p rtl/lint.vlt $(GATHER_RTL); done
	@set -e; for g in "-GN=2 -GP=1 -GC=2 -GT_MAX=1" "-GN=64 -GP=8 -GC=20 -GT_MAX=100" "-GN=256 -GP=64 -GC=10 -GT_MAX=100"; do \
	  $(VERILATOR) --lint-only -Wall $(CORE_MAP_INC) $$g --top-module sglif_bwd_walk rtl/lint.vlt $(WALK_RTL); done
	$(IVERILOG) -g2005 -Wall $(CORE_MAP_INC) -s sglif_bwd_walk -o $(BWD_DIR)/lint-walk.vvp $(WALK_RTL)
	@set -e; for g in "-GN=2 -GP=1 -GC=2 -GN_IN=1" "-GN=48 -GP=8 -GC=20 -GN_IN=20" "-GN=128 -GP=64 -GC=10 -GN_IN=20 -GGRAD_W=64"; do \
	  $(VERILATOR) --lint-only -Wall $(CORE_MAP_INC) $$g --top-module sglif_bwd_accum rtl/lint.vlt rtl/sglif_bwd_accum.v; done
	$(IVERILOG) -g2005 -Wall $(CORE_MAP_INC) -s sglif_bwd_accum -o $(BWD_DIR)/lint-accum.vvp rtl/sglif_bwd_accum.v
	@set -e; for g in "-GN=2 -GP=1 -GC=2 -GT_MAX=1 -GN_IN=1" "-GN=128 -GP=64 -GC=10 -GT_MAX=100 -GN_IN=20"; do \
	  $(VERILATOR) --lint-only -Wall $(CORE_MAP_INC) $$g --top-module sglif_engine rtl/lint.vlt $(ACC_RTL); done
	$(IVERILOG) -g2005 -Wall $(CORE_MAP_INC) -s sglif_engine -o $(BWD_DIR)/lint-engine.vvp $(ACC_RTL)
	@set -e; for c in 2 20 1024; do $(VERILATOR) --lint-only -Wall -GC=$$c rtl/lint.vlt $(ERR_RTL); done
	$(IVERILOG) -g2005 -Wall -s sglif_err_unit -o $(BWD_DIR)/lint-err.vvp $(ERR_RTL)
bwd-test-yosys: $(CORE_MAP_VH) $(CORE_MAP_DEFS)
	@mkdir -p $(BWD_DIR)
	@set -e; for t in "sglif_bwd_neuron:1" "sglif_bwd_gather:1" "sglif_bwd_gather:8" "sglif_pcg32:1" "sglif_sround:1" "sglif_bwd_walk:4" "sglif_err_unit:1" "sglif_engine:4"; do m=$${t%:*}; p=$${t#*:}; \
	  $(YOSYS) -q -p "read_verilog $(CORE_MAP_INC) $(WALK_RTL) $(SROUND_RTL) $(ERR_RTL) rtl/sglif_engine.v; chparam -set P $$p sglif_bwd_gather; hierarchy -check -top $$m; proc; check -assert" \
	    >$(BWD_DIR)/yosys.log 2>&1 || { cat $(BWD_DIR)/yosys.log; exit 1; }; done
$(BWD_NEURON_RUNS): bwd-test-neuron-%: $(BWD_DIR)/ok/Vsglif_bwd_neuron
	@$(call bwd_run,$< +seed=$* +n=$(BWD_N),$(BWD_DIR)/seed-$*.log)
$(BWD_GATHER_RUNS): bwd-test-gather-%:
	@$(call bwd_run,$(BWD_DIR)/gather-$(call bwd_w,1,$*)/Vsglif_bwd_gather +seed=$(call bwd_w,2,$*) +n=$(GATHER_N),$(BWD_DIR)/gather-$(call bwd_w,1,$*)-seed-$(call bwd_w,2,$*).log)
$(BWD_WALK_RUNS): bwd-test-walk-%:
	@$(call bwd_run,$(BWD_DIR)/walk-$(call bwd_w,1,$*)/Vsglif_bwd_walk +seed=$(call bwd_w,2,$*) +n=$(WALK_N),$(BWD_DIR)/walk-$(call bwd_w,1,$*)-seed-$(call bwd_w,2,$*).log)
bwd-test-walk-twin: $(BIN)/walk_twin
	$(BIN)/walk_twin
$(BWD_ACC_RUNS): bwd-test-acc-%:
	@$(call bwd_run,$(BWD_DIR)/acc-$(call bwd_w,1,$*)/Vsglif_engine +seed=$(call bwd_w,2,$*) +n=$(ACC_N),$(BWD_DIR)/acc-$(call bwd_w,1,$*)-seed-$(call bwd_w,2,$*).log)
bwd-test-acc-icarus: $(BIN)/acc_vectors $(BWD_DIR)/tb_acc.vvp
	$(BIN)/acc_vectors 1 $(ACC_ICARUS_N) $(BWD_DIR)/acc-icarus.txt $(REPLAY_ARGS)
	@$(call bwd_run,vvp -n $(BWD_DIR)/tb_acc.vvp,$(BWD_DIR)/acc-icarus.log)
$(BWD_FWD_RUNS): bwd-test-fwd-%: $(BWD_DIR)/tb_acc_fwd.vvp
	@$(call bwd_run,vvp -n $< +seed=$* +n=$(ACC_FWD_N),$(BWD_DIR)/acc-fwd-seed-$*.log)
bwd-test-walk-icarus: $(BIN)/walk_vectors $(BWD_DIR)/tb_walk.vvp
	$(BIN)/walk_vectors 1 $(WALK_ICARUS_N) $(BWD_DIR)/walk-icarus.txt 32 4 10 24
	@$(call bwd_run,vvp -n $(BWD_DIR)/tb_walk.vvp,$(BWD_DIR)/walk-icarus.log)
$(BWD_ERR_RUNS): bwd-test-err-%:
	@$(call bwd_run,$(BWD_DIR)/err-$(call bwd_w,1,$*)/Vsglif_err_unit +seed=$(call bwd_w,2,$*) +n=$(ERR_N),$(BWD_DIR)/err-$(call bwd_w,1,$*)-seed-$(call bwd_w,2,$*).log)
$(BWD_SROUND_RUNS): bwd-test-sround-%: $(BWD_DIR)/sround/Vtb_sround
	@$(call bwd_run,$< +seed=$* +n=$(SROUND_N),$(BWD_DIR)/sround-seed-$*.log)

bwd-test: $(BWD_TEST_RUNS) ## the engine's units vs the twin: backward neuron, gather, one layer's walk (also Icarus), readout error, PCG32 + stochastic rounding, whole samples (error, walk, gradient accumulation; also Icarus), the gradient bank's forwarding (Icarus)
	@set -e; for s in $(BWD_SEEDS); do echo "seed $$s: $$(grep 'neurons compared' $(BWD_DIR)/seed-$$s.log)"; done
	@set -e; for c in $(GATHER_CONFIGS); do p=p$${c%:*}w$${c#*:}; for s in $(BWD_SEEDS); do l=$(BWD_DIR)/gather-$$p-seed-$$s.log; \
	  echo "seed $$s: $$(grep 'rows compared' $$l)"; done; done
	@set -e; for p in $(WALK_LANES); do for s in $(BWD_SEEDS); do l=$(BWD_DIR)/walk-p$$p-seed-$$s.log; \
	  echo "seed $$s: P $$p: $$(grep 'configurations,' $$l)"; done; done
	@set -e; for p in $(ACC_LANES); do if [ $$p = $(ACC_MAIN_P) ]; then seeds="$(ACC_SEEDS)"; else seeds="$(BWD_SEEDS)"; fi; \
	  for s in $$seeds; do grep -h 'configurations,' $(BWD_DIR)/acc-p$$p-seed-$$s.log; done | \
	    awk -v p=$$p -v n="$$(echo $$seeds | wc -w)" '{ c += $$2; sm += $$4; w += $$6; g += $$10; e += $$13; m += $$15 } \
	      END { printf "acc: P %d, %d seeds: %d configurations, %d samples, %d gradient words, %d gv values, %d errors compared (%d values), %d mismatches\n", p, n, c, sm, w, g, e, w + g + e, m }'; done
	@grep 'acc-icarus: N' $(BWD_DIR)/acc-icarus.log
	@set -e; for s in $(BWD_SEEDS); do echo "seed $$s: $$(grep 'acc-fwd: [0-9]' $(BWD_DIR)/acc-fwd-seed-$$s.log)"; done
	@grep 'walk-icarus: N' $(BWD_DIR)/walk-icarus.log
	@set -e; for c in $(ERR_CLASSES); do for s in $(BWD_SEEDS); do l=$(BWD_DIR)/err-c$$c-seed-$$s.log; \
	  echo "seed $$s: $$c classes: $$(grep 'errors compared' $$l)"; done; done
	@set -e; for s in $(BWD_SEEDS); do echo "seed $$s: $$(grep 'draws compared' $(BWD_DIR)/sround-seed-$$s.log)"; done

# each fault's run is a target of its own (bwd-selftest-<unit>-<fault>), side by side under make -j
BWD_SELFTEST_NEURON := $(addprefix bwd-selftest-neuron-,$(BWD_FAULTS))
BWD_SELFTEST_ERR    := $(addprefix bwd-selftest-err-,$(ERR_FAULTS))
BWD_SELFTEST_ACC    := $(addprefix bwd-selftest-acc-,$(ACC_FAULTS))
BWD_SELFTEST_FWD    := $(addprefix bwd-selftest-fwd-,$(ACC_FWD_FAULTS))
BWD_SELFTEST_SROUND := $(addprefix bwd-selftest-sround-,$(SROUND_FAULTS))
BWD_SELFTEST_RUNS   := $(BWD_SELFTEST_NEURON) bwd-selftest-gather-round bwd-selftest-gather-width bwd-selftest-walk-row \
                       bwd-selftest-walk-icarus $(BWD_SELFTEST_ERR) $(BWD_SELFTEST_ACC) bwd-selftest-acc-icarus \
                       $(BWD_SELFTEST_FWD) $(BWD_SELFTEST_SROUND)
.PHONY: $(BWD_SELFTEST_RUNS)
$(BWD_SELFTEST_NEURON): bwd-selftest-neuron-%: $(BWD_DIR)/fault-%/Vsglif_bwd_neuron
	@d=$(BWD_DIR)/fault-$*; rc=0; \
	  $$d/Vsglif_bwd_neuron +seed=1 +n=100000 >$$d/run.log 2>&1 || rc=$$?; \
	  if [ $$rc -ne 0 ] && grep -qE 'bwd: [0-9]+ neurons compared .* [1-9][0-9]* mismatches' $$d/run.log; then \
	    echo "bwd-selftest: SGLIF_FAULT_BWD_$*: PASS (the altered RTL was caught: $$(grep -m1 -o 'neuron [0-9]*' $$d/run.log))"; \
	  else echo "bwd-selftest: SGLIF_FAULT_BWD_$*: FAIL (the altered RTL was not caught, exit $$rc)"; exit 1; fi
bwd-selftest-gather-round: $(BWD_DIR)/gather-fault/Vsglif_bwd_gather
	@d=$(BWD_DIR)/gather-fault; rc=0; $$d/Vsglif_bwd_gather +seed=1 +n=20000 >$$d/run.log 2>&1 || rc=$$?; \
	  if [ $$rc -ne 0 ] && grep -qE 'gather: P 4 lanes, G_W 32, [0-9]+ rows compared .* [1-9][0-9]* mismatches' $$d/run.log; then \
	    echo "bwd-selftest: SGLIF_FAULT_GATHER_ROUND: PASS (the altered RTL was caught: $$(grep -m1 -o 'row [0-9]*' $$d/run.log))"; \
	  else echo "bwd-selftest: SGLIF_FAULT_GATHER_ROUND: FAIL (the altered RTL was not caught, exit $$rc)"; exit 1; fi
bwd-selftest-gather-width: $(BWD_DIR)/gather-fault-width/Vsglif_bwd_gather
	@d=$(BWD_DIR)/gather-fault-width; rc=0; $$d/Vsglif_bwd_gather +seed=1 +n=20000 >$$d/run.log 2>&1 || rc=$$?; \
	  if [ $$rc -ne 0 ] && grep -qE 'gather: P 32 lanes, G_W $(GV_W), [0-9]+ rows compared .* [1-9][0-9]* mismatches' $$d/run.log; then \
	    echo "bwd-selftest: SGLIF_FAULT_GATHER_WIDTH: PASS (the altered RTL was caught: $$(grep -m1 -o 'row [0-9]*' $$d/run.log))"; \
	  else echo "bwd-selftest: SGLIF_FAULT_GATHER_WIDTH: FAIL (the altered RTL was not caught, exit $$rc)"; exit 1; fi
bwd-selftest-walk-row: $(BWD_DIR)/walk-fault/Vsglif_bwd_walk
	@d=$(BWD_DIR)/walk-fault; rc=0; $$d/Vsglif_bwd_walk +seed=1 +n=50 >$$d/run.log 2>&1 || rc=$$?; \
	  if [ $$rc -ne 0 ] && grep -qE 'walk: [0-9]+ configurations, .* [1-9][0-9]* mismatches' $$d/run.log; then \
	    echo "bwd-selftest: SGLIF_FAULT_WALK_ROW: PASS (the altered RTL was caught: $$(grep -m1 -o 'config [0-9]*' $$d/run.log))"; \
	  else echo "bwd-selftest: SGLIF_FAULT_WALK_ROW: FAIL (the altered RTL was not caught, exit $$rc)"; exit 1; fi
bwd-selftest-walk-icarus: $(BIN)/walk_vectors $(BWD_DIR)/tb_walk-fault.vvp
	@$(BIN)/walk_vectors 1 5 $(BWD_DIR)/walk-icarus-fault.txt 32 4 10 24; rc=0; \
	  vvp -n $(BWD_DIR)/tb_walk-fault.vvp >$(BWD_DIR)/walk-icarus-fault.log 2>&1 || rc=$$?; \
	  if grep -qE 'walk-icarus: .* [1-9][0-9]* mismatches' $(BWD_DIR)/walk-icarus-fault.log; then \
	    echo "bwd-selftest: SGLIF_FAULT_WALK_ROW under Icarus: PASS (the altered RTL was caught, exit $$rc)"; \
	  else echo "bwd-selftest: SGLIF_FAULT_WALK_ROW under Icarus: FAIL (not caught, exit $$rc)"; exit 1; fi
$(BWD_SELFTEST_ERR): bwd-selftest-err-%: $(BWD_DIR)/err-fault-%/Vsglif_err_unit
	@d=$(BWD_DIR)/err-fault-$*; rc=0; \
	  $$d/Vsglif_err_unit +seed=1 +n=1000 >$$d/run.log 2>&1 || rc=$$?; \
	  if [ $$rc -ne 0 ] && grep -qE 'err: [0-9]+ steps, .* [1-9][0-9]* mismatches' $$d/run.log; then \
	    echo "bwd-selftest: SGLIF_FAULT_$*: PASS (the altered RTL was caught: $$(grep -m1 -o 'step [0-9]*' $$d/run.log))"; \
	  else echo "bwd-selftest: SGLIF_FAULT_$*: FAIL (the altered RTL was not caught, exit $$rc)"; exit 1; fi
$(BWD_SELFTEST_ACC): bwd-selftest-acc-%: $(BWD_DIR)/acc-fault-%/Vsglif_engine
	@d=$(BWD_DIR)/acc-fault-$*; rc=0; \
	  $$d/Vsglif_engine +seed=1 +n=$(ACC_N) >$$d/run.log 2>&1 || rc=$$?; \
	  if [ $$rc -ne 0 ] && grep -qE 'acc: [0-9]+ configurations, .* [1-9][0-9]* mismatches' $$d/run.log; then \
	    echo "bwd-selftest: SGLIF_FAULT_$* (whole samples): PASS (the altered RTL was caught: $$(grep -m1 -oE 'config [0-9]+ .*sample [0-9]+ of [0-9]+: [^:]*' $$d/run.log))"; \
	  else echo "bwd-selftest: SGLIF_FAULT_$* (whole samples): FAIL (the altered RTL was not caught, exit $$rc)"; exit 1; fi
bwd-selftest-acc-icarus: $(BIN)/acc_vectors $(BWD_DIR)/tb_acc-fault.vvp
	@$(BIN)/acc_vectors 1 3 $(BWD_DIR)/acc-icarus-fault.txt $(REPLAY_ARGS); rc=0; \
	  vvp -n $(BWD_DIR)/tb_acc-fault.vvp >$(BWD_DIR)/acc-icarus-fault.log 2>&1 || rc=$$?; \
	  if grep -qE 'acc-icarus: .* [1-9][0-9]* mismatches' $(BWD_DIR)/acc-icarus-fault.log; then \
	    echo "bwd-selftest: SGLIF_FAULT_ACC_DIAG under Icarus: PASS (the altered RTL was caught, exit $$rc)"; \
	  else echo "bwd-selftest: SGLIF_FAULT_ACC_DIAG under Icarus: FAIL (not caught, exit $$rc)"; exit 1; fi
$(BWD_SELFTEST_FWD): bwd-selftest-fwd-%: $(BWD_DIR)/tb_acc_fwd-%.vvp
	@l=$(BWD_DIR)/acc-fwd-fault-$*.log; rc=0; \
	  vvp -n $(BWD_DIR)/tb_acc_fwd-$*.vvp +seed=1 +n=2000 >$$l 2>&1 || rc=$$?; \
	  if [ $$rc -ne 0 ] && grep -qE 'acc-fwd: [0-9]+ words compared, .* [1-9][0-9]* mismatches' $$l; then \
	    echo "bwd-selftest: SGLIF_FAULT_$* under Icarus: PASS (the altered RTL was caught: $$(grep -m1 -o 'MISMATCH word [0-9]*' $$l))"; \
	  else echo "bwd-selftest: SGLIF_FAULT_$* under Icarus: FAIL (the altered RTL was not caught, exit $$rc)"; exit 1; fi
$(BWD_SELFTEST_SROUND): bwd-selftest-sround-%: $(BWD_DIR)/sround-fault-%/Vtb_sround
	@d=$(BWD_DIR)/sround-fault-$*; rc=0; \
	  $$d/Vtb_sround +seed=1 +n=100000 >$$d/run.log 2>&1 || rc=$$?; \
	  if [ $$rc -ne 0 ] && grep -qE 'sround: [0-9]+ draws compared .* [1-9][0-9]* mismatches' $$d/run.log; then \
	    echo "bwd-selftest: SGLIF_FAULT_$*: PASS (the altered RTL was caught: $$(grep -m1 -o 'draw [0-9]*' $$d/run.log))"; \
	  else echo "bwd-selftest: SGLIF_FAULT_$*: FAIL (the altered RTL was not caught, exit $$rc)"; exit 1; fi
bwd-selftest: $(BWD_SELFTEST_RUNS) ## prove bwd-test fails: decay one shift off, SG product's, gather's or error's rounding dropped, the gather's tree a bit too narrow, reset cut ignored, clamps at int32 instead of int24, walk reads the wrong gv row, PCG32 rotation off or a draw's operand not forwarded, sround compare off; whole samples: SG code's bit 0 dropped, backward decay off, diagonal added, an event missed, EXP2 table off, the engine's readout sums, a lock-step spike row taken twice; the gradient bank's sum not forwarded one or two beats on, the port's group mux a group off; the error's clamp bound off, its read's next address not ahead
	@echo "bwd-selftest: PASS: each of the $(words $(BWD_SELFTEST_RUNS)) faults was caught"

-include $(OBJ)/sim/bwd_ref.d $(OBJ)/sim/walk_twin.d $(OBJ)/sim/walk_vectors.d $(OBJ)/sim/softmax_ref.d $(OBJ)/sim/acc_vectors.d

# SPDX-License-Identifier: MIT
# The training engine in the device (rtl/sglif_trainer.v in rtl/sglif_device.v, ENGINE = 1)
# against the twin's integer rule, over the link's frames (sim/trn_test.cpp):
#   make trn-test       TRN_LANES builds (core and engine sizes below), TRN_SEEDS seeds over
#                       them, every gradient word, error, master, momentum, core word, PCG32
#                       state and statistic compared after each TRAIN and UPDATE
#   make trn-selftest   the same with a fault in each new path (SGLIF_FAULT_TRN_*): each must fail
#   make trn-icarus     under Icarus: a recorded run's requests replayed, every reply byte compared
# Builds: name:core N:N_IN:N_OUT:HIST_STEPS:P:EV_AW:engine E_N:E_IN:E_P:E_ES_AW:E_EMEM_LUT. p1:
# one lane (the core's P = 1: a bank word a weight); p4: the engine the core's size, the history
# in one RAM (read latency 1); p8: a smaller engine than the core, the history in banks (latency
# 2). E_EMEM_LUT: the error memory a word a step (1; 0 is the same in simulation) or one class a
# word (2, as the 85F's image builds it; the self-tests' p4 too).
TRN_DIR    := $(BUILD)/trn
TRN_BUILDS ?= p1:16:8:4:16:1:8:16:8:1:9:1 p4:32:16:6:24:4:8:32:16:4:10:2 p8:64:32:10:24:8:8:32:16:8:10:2
TRN_SEEDS  ?= 20
TRN_N_CFG  ?= 16
TRN_RTL    := rtl/sglif_device.v rtl/sglif_trainer.v rtl/sglif_engine.v rtl/sglif_err_unit.v \
              rtl/sglif_bwd_walk.v rtl/sglif_bwd_accum.v rtl/sglif_bwd_gather.v rtl/sglif_bwd_neuron.v \
              rtl/sglif_lanes_sext.v \
              rtl/sglif_update.v rtl/sglif_udiv.v rtl/sglif_isqrt.v rtl/sglif_pcg32.v rtl/sglif_sround.v \
              $(filter-out rtl/sglif_ram.v,$(shell cat rtl/files.f)) $(CMD_RTL)
TRN_DEPS   := $(CORE_MAP_H) $(CORE_MAP_DEFS) $(CORE_MAP_VH) $(PROTOCOL_H) $(PROTOCOL_VH) sim/trn_test.cpp \
              sim/unit_harness.h sim/acc_gen.h sim/walk_cycles.h sim/cosim_gen.h sim/upd_gen.h sim/trn.mk rtl/lint.vlt $(TRN_RTL) \
              rtl/sglif_exp2.hex $(LIB)
trn_f = $(word $(2),$(subst :, ,$(filter $(1):%,$(TRN_BUILDS))))
TRN_G = -GBYTE_IO=1 -GENGINE=1 -GN=$(call trn_f,$(1),2) -GN_IN=$(call trn_f,$(1),3) -GN_OUT=$(call trn_f,$(1),4) \
        -GHIST_STEPS=$(call trn_f,$(1),5) -GP=$(call trn_f,$(1),6) -GEV_AW=$(call trn_f,$(1),7) \
        -GE_N=$(call trn_f,$(1),8) -GE_IN=$(call trn_f,$(1),9) -GE_P=$(call trn_f,$(1),10) -GE_ES_AW=$(call trn_f,$(1),11) \
        -GE_EMEM_LUT=$(call trn_f,$(1),12)
TRN_D = -DTRN_N=$(call trn_f,$(1),2) -DTRN_N_IN=$(call trn_f,$(1),3) -DTRN_NOUT=$(call trn_f,$(1),4) \
        -DTRN_T=$(call trn_f,$(1),5) -DTRN_P=$(call trn_f,$(1),6) -DTRN_EV_AW=$(call trn_f,$(1),7) \
        -DTRN_EN=$(call trn_f,$(1),8) -DTRN_EIN=$(call trn_f,$(1),9) -DTRN_EP=$(call trn_f,$(1),10) \
        -DTRN_ES_AW=$(call trn_f,$(1),11)
TRN_NAMES  := $(foreach b,$(TRN_BUILDS),$(firstword $(subst :, ,$(b))))
TRN_FAULTS := EVSTORE PAIR ORDER STATS SUMS AHEAD LAST CYC EMEM LANE ERDA EZERO

$(TRN_DIR)/%/Vsglif_device: $(TRN_DEPS)
	$(call verilate,$(@D),sglif_device,Vsglif_device,$(TRN_RTL),sim/trn_test.cpp,$(call TRN_G,$*),$(call TRN_D,$*))
$(TRN_DIR)/fault-%/Vsglif_device: $(TRN_DEPS)
	$(call verilate,$(@D),sglif_device,Vsglif_device,$(TRN_RTL),sim/trn_test.cpp,$(call TRN_G,p4) +define+SGLIF_FAULT_TRN_$*,$(call TRN_D,p4))

# each seed's run and each fault's is a target of its own (trn-test-seed-S on build
# TRN_NAMES[(S - 1) mod 3], trn-selftest-F), so that make -j runs them side by side; trn-test
# reads the seeds' logs in order, prints and sums them
TRN_SEED_LIST := $(shell seq 1 $(TRN_SEEDS))
trn_seed_build = $(word $(shell echo $$(( ($(1) - 1) % $(words $(TRN_NAMES)) + 1 ))),$(TRN_NAMES))
TRN_SEED_RUNS := $(addprefix trn-test-seed-,$(TRN_SEED_LIST))
TRN_SELFTEST_RUNS := $(addprefix trn-selftest-,$(TRN_FAULTS))
.PHONY: trn-test trn-selftest $(TRN_SEED_RUNS) $(TRN_SELFTEST_RUNS)
$(foreach s,$(TRN_SEED_LIST),$(eval trn-test-seed-$(s): $(TRN_DIR)/$(call trn_seed_build,$(s))/Vsglif_device))
$(TRN_SEED_RUNS): trn-test-seed-%:
	@l=$(TRN_DIR)/$(call trn_seed_build,$*)/seed$*.log; \
	  $(TRN_DIR)/$(call trn_seed_build,$*)/Vsglif_device +seed=$* +n=$(TRN_N_CFG) >$$l 2>&1 || \
	  { tail -5 $$l; echo "trn: seed $*: FAIL (log $$l)"; exit 1; }
trn-test: $(TRN_SEED_RUNS) ## the training engine in the device vs the twin's rule: TRAIN's gradients, errors and statistics, UPDATE's masters, momenta, core weights, PCG32 state (TRN_SEEDS seeds over the TRN_BUILDS lane counts)
	@set -e; tot=0; for s in $(TRN_SEED_LIST); do \
	  b=$$(echo $(TRN_NAMES) | tr ' ' '\n' | sed -n "$$(( (s - 1) % $(words $(TRN_NAMES)) + 1 ))p"); \
	  v=$$(sed -n 's/.* batches, \([0-9]*\) values compared.*/\1/p' $(TRN_DIR)/$$b/seed$$s.log); tot=$$((tot + v)); \
	  echo "seed $$s ($$b): $$(grep -E 'configurations' $(TRN_DIR)/$$b/seed$$s.log)"; done; \
	  echo "trn: $(TRN_SEEDS) seeds, $$tot values compared, 0 mismatches"; \
	  [ $$tot -ge 1000000 ] || { echo "trn: FAIL (fewer than 10^6 values compared)"; exit 1; }; echo "trn: PASS"
$(TRN_SELFTEST_RUNS): trn-selftest-%: $(TRN_DIR)/fault-%/Vsglif_device
	@$< +seed=1 +n=3 >$(TRN_DIR)/fault-$*/run.log 2>&1 && rc=0 || rc=$$?; \
	  if [ $$rc -ne 0 ] && grep -q 'trn: FAIL' $(TRN_DIR)/fault-$*/run.log; then \
	    echo "trn-selftest: PASS (SGLIF_FAULT_TRN_$* was caught: $$(grep -m1 MISMATCH $(TRN_DIR)/fault-$*/run.log | cut -c1-120))"; \
	  else echo "trn-selftest: FAIL (SGLIF_FAULT_TRN_$* was not caught, exit $$rc)"; exit 1; fi
trn-selftest: $(TRN_SELFTEST_RUNS) ## prove trn-test fails: an event store a step late, a bank word's weights swapped, W_rec updated before W_in, correct counted the other way, the step sums cumulative, the walk given a step's errors as the error unit starts on them, every step of a RUN started as its last (the argmax scan in each), RUN's cycles without its check walk, the error memory of one class a word writing a step's sums one class on, the first level of the update's lane mux a read late, the error unit's reads of that memory not a cycle ahead, its classes beyond those in use not zeroed
	@echo "trn-selftest: PASS: each of the $(words $(TRN_FAULTS)) faults was caught"

# Under Icarus (shorter): the p4 build's requests of a run that matched the twin (TRN_ICARUS_N
# nets of seed 1, recorded by sim/trn_test.cpp +record=FILE) replayed into the device, every
# reply byte compared; its self-test replays them into a device with SGLIF_FAULT_TRN_PAIR.
TRN_ICARUS_N ?= 3
TRN_IV_P = -Ptb_trn.N=$(call trn_f,p4,2) -Ptb_trn.N_IN=$(call trn_f,p4,3) -Ptb_trn.N_OUT=$(call trn_f,p4,4) \
           -Ptb_trn.HIST_STEPS=$(call trn_f,p4,5) -Ptb_trn.P=$(call trn_f,p4,6) -Ptb_trn.EV_AW=$(call trn_f,p4,7) \
           -Ptb_trn.E_N=$(call trn_f,p4,8) -Ptb_trn.E_IN=$(call trn_f,p4,9) -Ptb_trn.E_P=$(call trn_f,p4,10) \
           -Ptb_trn.E_ES_AW=$(call trn_f,p4,11) -Ptb_trn.E_EMEM_LUT=$(call trn_f,p4,12)
$(TRN_DIR)/icarus/vec.txt: $(TRN_DIR)/p4/Vsglif_device
	@mkdir -p $(@D)
	$(TRN_DIR)/p4/Vsglif_device +seed=1 +n=$(TRN_ICARUS_N) +record=$@.tmp >$(@D)/record.log 2>&1 || { cat $(@D)/record.log; exit 1; }
	@grep -q 'trn: PASS' $(@D)/record.log && mv -f $@.tmp $@
$(TRN_DIR)/icarus/tb_trn.vvp: sim/tb_trn.v $(TRN_RTL) $(CORE_MAP_VH) $(CORE_MAP_DEFS) $(PROTOCOL_VH) sim/trn.mk
	@mkdir -p $(@D)
	$(IVERILOG) -g2005 -Wall -DSGLIF_RW_X -I$(GEN_DIR) -s tb_trn $(TRN_IV_P) -o $@ sim/tb_trn.v $(sort $(TRN_RTL))
$(TRN_DIR)/icarus/tb_trn-fault.vvp: sim/tb_trn.v $(TRN_RTL) $(CORE_MAP_VH) $(CORE_MAP_DEFS) $(PROTOCOL_VH) sim/trn.mk
	@mkdir -p $(@D)
	$(IVERILOG) -g2005 -Wall -DSGLIF_RW_X -DSGLIF_FAULT_TRN_PAIR -I$(GEN_DIR) -s tb_trn $(TRN_IV_P) -o $@ sim/tb_trn.v $(sort $(TRN_RTL))
$(TRN_DIR)/icarus/tb_trn-rwx.vvp: sim/tb_trn.v $(TRN_RTL) $(CORE_MAP_VH) $(CORE_MAP_DEFS) $(PROTOCOL_VH) sim/trn.mk
	@mkdir -p $(@D)
	$(IVERILOG) -g2005 -Wall -DSGLIF_RW_X -DSGLIF_FAULT_RW_X -I$(GEN_DIR) -s tb_trn $(TRN_IV_P) -o $@ sim/tb_trn.v $(sort $(TRN_RTL))
.PHONY: trn-icarus
trn-icarus: $(TRN_DIR)/icarus/vec.txt $(TRN_DIR)/icarus/tb_trn.vvp $(TRN_DIR)/icarus/tb_trn-fault.vvp $(TRN_DIR)/icarus/tb_trn-rwx.vvp ## the training engine in the device under Icarus: a recorded trn-test run's requests replayed, every reply byte compared, a block RAM's read of the word being written unknown (SGLIF_RW_X); the same into a device with a fault, and with every gradient bank read beside a write unknown: both must fail
	@vvp -n $(TRN_DIR)/icarus/tb_trn.vvp +vec=$(TRN_DIR)/icarus/vec.txt | grep -v '^VCD' | tee $(TRN_DIR)/icarus/run.log
	@grep -q 'trn-icarus: PASS' $(TRN_DIR)/icarus/run.log
	@vvp -n $(TRN_DIR)/icarus/tb_trn-fault.vvp +vec=$(TRN_DIR)/icarus/vec.txt >$(TRN_DIR)/icarus/fault.log 2>&1 || true
	@if grep -q 'trn-icarus: FAIL' $(TRN_DIR)/icarus/fault.log; then \
	  echo "trn-icarus: self-test PASS (SGLIF_FAULT_TRN_PAIR was caught: $$(grep -m1 MISMATCH $(TRN_DIR)/icarus/fault.log))"; \
	else echo "trn-icarus: self-test FAIL (SGLIF_FAULT_TRN_PAIR was not caught)"; exit 1; fi
	@vvp -n $(TRN_DIR)/icarus/tb_trn-rwx.vvp +vec=$(TRN_DIR)/icarus/vec.txt >$(TRN_DIR)/icarus/rwx.log 2>&1 || true
	@if grep -q 'trn-icarus: FAIL' $(TRN_DIR)/icarus/rwx.log; then \
	  echo "trn-icarus: self-test PASS (SGLIF_FAULT_RW_X, an unknown read used, was caught: $$(grep -m1 MISMATCH $(TRN_DIR)/icarus/rwx.log))"; \
	else echo "trn-icarus: self-test FAIL (SGLIF_FAULT_RW_X was not caught)"; exit 1; fi

# Timing of the training engine on the ECP5-85F (Yosys synth_ecp5, nextpnr-ecp5 --85k of
# `bash .ci/setup fpga` at TRN_PNR_FREQ MHz, the boards' CABGA381, seed 1), small enough to take
# minutes: each unit of TRN_PNR alone in a measurement top of sim/sglif_trn_fmax_top.v (every
# input from a shift register, every output registered), with the real word widths (GV_W,
# GRAD_W of rtl/core_map.csv):
#   gather   sglif_bwd_gather at TRN_PNR_P lanes (32: the 85F image's; the tree grows with P) of GV_W bits
#   neuron   sglif_bwd_neuron
#   err      sglif_err_unit at TRN_PNR_C classes
#   upd      sglif_update (sim/sglif_upd_fmax_top.v, as make upd-pnr)
#   trn      the trainer (rtl/sglif_trainer.v: engine, update, masters, event store) at TRN_PNR_TRN:
#            E_N:E_IN:E_P:C:T_MAX:ES_AW:EMEM_LUT (the error memory's form: 2, one class a word in
#            block RAM, as the 85F's training image builds it), without the core and the link
#   dev      the device with its engine (rtl/sglif_device.v, ENGINE = 1) at TRN_PNR_DEV: core
#            N:N_IN:N_OUT:HIST_STEPS:P:EV_AW, engine E_N:E_IN:E_P:E_ES_AW (the UART at 75 MHz;
#            not in the default list: its place and route takes tens of minutes here)
# and prints each one's cells, Fmax and its critical path (the cells' RTL lines, from the
# source flip-flop to the sink). Fails if one misses TRN_PNR_FREQ. Not in make test (minutes
# each).
TRN_PNR_FREQ ?= 75
TRN_PNR      ?= gather neuron err upd trn
TRN_PNR_P    ?= 32
TRN_PNR_C    ?= 20
TRN_PNR_TRN  ?= 32:8:8:10:16:8:2
TRN_PNR_DEV  ?= 32:8:10:16:4:8:32:8:8:8
TRN_PNR_DIR  := $(BUILD)/trn/pnr
trn_pnr_dev   = $(word $(1),$(subst :, ,$(TRN_PNR_DEV)))
trn_pnr_trn   = $(word $(1),$(subst :, ,$(TRN_PNR_TRN)))
TRN_PNR_TOP_gather := sglif_gather_fmax_top
TRN_PNR_SET_gather  = chparam -set P $(TRN_PNR_P) sglif_gather_fmax_top
TRN_PNR_TOP_neuron := sglif_neuron_fmax_top
TRN_PNR_SET_neuron  =
TRN_PNR_TOP_err    := sglif_err_fmax_top
TRN_PNR_SET_err     = chparam -set C $(TRN_PNR_C) sglif_err_fmax_top
TRN_PNR_TOP_upd    := sglif_upd_fmax_top
TRN_PNR_SET_upd     =
TRN_PNR_TOP_trn    := sglif_trainer_fmax_top
TRN_PNR_SET_trn     = chparam -set EN $(call trn_pnr_trn,1) -set EIN $(call trn_pnr_trn,2) -set EP $(call trn_pnr_trn,3) \
                      -set C $(call trn_pnr_trn,4) -set T_MAX $(call trn_pnr_trn,5) -set ES_AW $(call trn_pnr_trn,6) \
                      -set EMEM_LUT $(or $(call trn_pnr_trn,7),2) sglif_trainer_fmax_top
TRN_PNR_TOP_dev    := sglif_device
TRN_PNR_SET_dev     = chparam -set ENGINE 1 -set N $(call trn_pnr_dev,1) -set N_IN $(call trn_pnr_dev,2) \
                      -set N_OUT $(call trn_pnr_dev,3) -set HIST_STEPS $(call trn_pnr_dev,4) -set P $(call trn_pnr_dev,5) \
                      -set EV_AW $(call trn_pnr_dev,6) -set E_N $(call trn_pnr_dev,7) -set E_IN $(call trn_pnr_dev,8) \
                      -set E_P $(call trn_pnr_dev,9) -set E_ES_AW $(call trn_pnr_dev,10) \
                      -set CLK_HZ 75000000 -set CLKS_PER_BIT 25 sglif_device
TRN_PNR_RTL  := $(sort $(TRN_RTL)) sim/sglif_trn_fmax_top.v sim/sglif_upd_fmax_top.v
.PHONY: trn-pnr
trn-pnr: $(TRN_PNR_RTL) $(CORE_MAP_DEFS) $(CORE_MAP_VH) $(PROTOCOL_VH) | fpga-deps ## the training engine's timing on the ECP5-85F, unit by unit (TRN_PNR=gather neuron err upd trn dev): Yosys cells, nextpnr's Fmax at 75 MHz and the critical path
	@mkdir -p $(TRN_PNR_DIR)
	@fail=""; for u in $(TRN_PNR); do d=$(TRN_PNR_DIR)/$$u; t0=$$(date +%s); \
	  case $$u in \
	    gather) top=$(TRN_PNR_TOP_gather); set="$(TRN_PNR_SET_gather)";; \
	    neuron) top=$(TRN_PNR_TOP_neuron); set="$(TRN_PNR_SET_neuron)";; \
	    err)    top=$(TRN_PNR_TOP_err);    set="$(TRN_PNR_SET_err)";; \
	    upd)    top=$(TRN_PNR_TOP_upd);    set="$(TRN_PNR_SET_upd)";; \
	    trn)    top=$(TRN_PNR_TOP_trn);    set="$(TRN_PNR_SET_trn)";; \
	    dev)    top=$(TRN_PNR_TOP_dev);    set="$(TRN_PNR_SET_dev)";; \
	    *) echo "trn-pnr: no unit '$$u' (gather neuron err upd trn dev)"; exit 2;; \
	  esac; \
	  $(YOSYS) -q -l $$d.ylog -p "read_verilog -I$(GEN_DIR) $(TRN_PNR_RTL); $$set; \
	    synth_ecp5 -top $$top -json $$d.json; tee -o $$d.stat stat" >/dev/null 2>&1 \
	    || { tail -20 $$d.ylog; exit 1; }; \
	  grep -E '^ +(LUT4|TRELLIS_FF|DP16KD|MULT18X18D|CCU2C|TRELLIS_DPR16X4) ' $$d.stat | tr -s ' ' | \
	    sed 's/^ //' | paste -sd, - | sed "s/^/trn-pnr: $$u: yosys: /"; \
	  t1=$$(date +%s); rc=0; \
	  $(NEXTPNR_ECP5) --85k --package CABGA381 --json $$d.json --lpf-allow-unconstrained \
	    --freq $(TRN_PNR_FREQ) --seed 1 >$$d.log 2>&1 || rc=$$?; t2=$$(date +%s); \
	  grep -E 'Max frequency for clock' $$d.log | tail -1 | sed -E "s/^(Info|ERROR|Warning): /trn-pnr: $$u: /"; \
	  awk '/Critical path report for clock/ { cp = 1; n = 0; first = ""; split("", src); next } \
	       /Critical path report for cross-domain|Max frequency for clock/ { cp = 0 } \
	       cp && /Source / { if (first == "") first = $$NF } \
	       cp && /Sink / { last = $$NF } \
	       cp && /rtl\/[a-z_0-9]*\.v:/ { f = $$NF; sub(/\.[0-9]+-.*$$/, "", f); if (!(f in src)) { src[f] = 1; ord[n++] = f } } \
	       END { s = ""; for (i = 0; i < n; i++) s = s " " ord[i]; print substr(first, 1, 50) " -> " substr(last, 1, 50) ":" s }' $$d.log | \
	    tail -1 | sed "s/^/trn-pnr: $$u: critical path: /"; \
	  echo "trn-pnr: $$u: synthesis $$((t1 - t0)) s, place and route $$((t2 - t1)) s; log $$d.log, nextpnr exit $$rc"; \
	  [ $$rc -eq 0 ] || fail="$$fail $$u"; done; \
	  [ -z "$$fail" ] || { echo "trn-pnr: FAIL (below $(TRN_PNR_FREQ) MHz or not placed:$$fail)"; exit 1; }; \
	  echo "trn-pnr: PASS ($(TRN_PNR) at $(TRN_PNR_FREQ) MHz)"

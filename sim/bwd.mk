# SPDX-License-Identifier: MIT
# The training engine's pieces against their C references (issue 13, docs/rtl.md "Training
# engine (design)"): `make bwd-test` runs rtl/sglif_bwd_neuron.v against sgl_bwd_neuron_ref
# (sim/bwd_ref.c) over BWD_SEEDS x BWD_N random neurons, every output compared, after a lint
# of the module (verilator -Wall through the build, iverilog, yosys); `make bwd-selftest`
# proves the comparison fails on each altered RTL (the decay one shift off, the SG product's
# rounding dropped, the multiplicative reset's cut ignored). Both are in make test.
BWD_DIR    := $(BUILD)/bwd
BWD_N      ?= 1000000
BWD_SEEDS  ?= 1 2
BWD_RTL    := rtl/sglif_bwd_neuron.v
BWD_FAULTS := DECAY ROUND RESET
BWD_DEPS   := sim/bwd_test.cpp sim/bwd_ref.h sim/bwd.mk rtl/lint.vlt $(BWD_RTL) $(OBJ)/sim/bwd_ref.o $(LIB)

$(BWD_DIR)/ok/Vsglif_bwd_neuron: $(BWD_DEPS)
	$(call verilate,$(@D),sglif_bwd_neuron,Vsglif_bwd_neuron,$(BWD_RTL),sim/bwd_test.cpp $(OBJ)/sim/bwd_ref.o,,)

$(BWD_DIR)/fault-%/Vsglif_bwd_neuron: $(BWD_DEPS)
	$(call verilate,$(@D),sglif_bwd_neuron,Vsglif_bwd_neuron,$(BWD_RTL),sim/bwd_test.cpp $(OBJ)/sim/bwd_ref.o,+define+SGLIF_FAULT_BWD_$*,)

.PHONY: bwd-test bwd-selftest
bwd-test: $(BWD_DIR)/ok/Vsglif_bwd_neuron ## the backward walk's neuron (SG code x dampening, backward decay) vs its C reference (BWD_SEEDS x BWD_N neurons)
	@mkdir -p $(BWD_DIR)
	$(IVERILOG) -g2005 -Wall -s sglif_bwd_neuron -o $(BWD_DIR)/lint.vvp $(BWD_RTL)
	$(YOSYS) -q -p 'read_verilog $(BWD_RTL); hierarchy -check -top sglif_bwd_neuron; proc; check -assert' >$(BWD_DIR)/yosys.log 2>&1 \
	  || { cat $(BWD_DIR)/yosys.log; exit 1; }
	@set -e; for s in $(BWD_SEEDS); do \
	  $< +seed=$$s +n=$(BWD_N) >$(BWD_DIR)/seed-$$s.log 2>&1 || { tail -5 $(BWD_DIR)/seed-$$s.log; exit 1; }; \
	  echo "seed $$s: $$(grep 'neurons compared' $(BWD_DIR)/seed-$$s.log)"; done

bwd-selftest: $(foreach f,$(BWD_FAULTS),$(BWD_DIR)/fault-$(f)/Vsglif_bwd_neuron) ## prove bwd-test fails: backward decay one shift off, SG product's rounding dropped, reset cut ignored
	@set -e; for f in $(BWD_FAULTS); do d=$(BWD_DIR)/fault-$$f; rc=0; \
	  $$d/Vsglif_bwd_neuron +seed=1 +n=100000 >$$d/run.log 2>&1 || rc=$$?; \
	  if [ $$rc -ne 0 ] && grep -qE 'bwd: [0-9]+ neurons compared .* [1-9][0-9]* mismatches' $$d/run.log; then \
	    echo "bwd-selftest: SGLIF_FAULT_BWD_$$f: PASS (the altered RTL was caught: $$(grep -m1 -o 'neuron [0-9]*' $$d/run.log))"; \
	  else echo "bwd-selftest: SGLIF_FAULT_BWD_$$f: FAIL (the altered RTL was not caught, exit $$rc)"; exit 1; fi; done

-include $(OBJ)/sim/bwd_ref.d

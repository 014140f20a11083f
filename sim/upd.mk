# SPDX-License-Identifier: MIT
# The training engine's batch-end update (issue 13, docs/rtl.md "The batch-end update and the
# rounding stream"): `make upd-test` runs rtl/sglif_update.v (with rtl/sglif_udiv.v,
# rtl/sglif_isqrt.v, rtl/sglif_pcg32.v, rtl/sglif_sround.v) against the twin's step_tensor
# (sgl_fixed_update_tensor) and sgl_fixed_update (sim/upd_test.cpp: random tensors of every
# kind and real batches of a small net, every master, momentum, weight, gradient word, clamp
# count, PCG32 state and the cycles compared) over UPD_SEEDS at the gradient word of UPD_GW
# and UPD_SEEDS_WIDE at 64 bits, beside a lint (verilator -Wall at three sizes, iverilog,
# yosys), and the same comparison shorter under Icarus (sim/tb_upd.v replays vectors of
# sim/upd_vectors.cpp); `make upd-selftest` proves both fail on each altered RTL (the stochastic
# rounding's compare, the momentum's rounding, the decay's term, the division, the square root,
# the clamp, the order of the draws, the product's nu operand). Both are in make test. UPD_GW is
# GRAD_W of rtl/core_map.csv (the accumulation's word, the unit's default GW).
UPD_DIR     := $(BUILD)/upd
UPD_N       ?= 200000
UPD_SEEDS   ?= 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20
UPD_SEEDS_WIDE ?= 1 2
UPD_GW      ?= $(shell awk -F, '$$2 == "GRAD_W" { print $$3 }' $(CORE_MAP_SRC))
UPD_KW      := 10
UPD_PW      := 8
UPD_RTL     := rtl/sglif_update.v rtl/sglif_udiv.v rtl/sglif_isqrt.v rtl/sglif_pcg32.v rtl/sglif_sround.v
UPD_FAULTS  := SROUND UPD_MOM UPD_DECAY UPD_DIV UPD_ISQRT UPD_CLAMP UPD_ORDER UPD_MOP
UPD_DEPS    := $(CORE_MAP_H) $(CORE_MAP_VH) $(CORE_MAP_DEFS) sim/unit_harness.h sim/upd_gen.h sim/upd_test.cpp sim/upd.mk rtl/lint.vlt $(UPD_RTL) $(LIB)
upd_set      = -GGW=$(1) -GKW=$(UPD_KW) -GPW=$(UPD_PW)
upd_def      = -DUPD_GW=$(1) -DUPD_KW=$(UPD_KW) -DUPD_PW=$(UPD_PW) $(CORE_MAP_CINC)

$(UPD_DIR)/gw%/Vsglif_update: $(UPD_DEPS)
	$(call verilate,$(@D),sglif_update,Vsglif_update,$(UPD_RTL),sim/upd_test.cpp,$(call upd_set,$*),$(call upd_def,$*))

$(UPD_DIR)/fault-%/Vsglif_update: $(UPD_DEPS)
	$(call verilate,$(@D),sglif_update,Vsglif_update,$(UPD_RTL),sim/upd_test.cpp,$(call upd_set,$(UPD_GW)) +define+SGLIF_FAULT_$*,$(call upd_def,$(UPD_GW)))

# the Icarus run (shorter): sim/upd_vectors.cpp writes the vectors (the twin's results),
# sim/tb_upd.v replays them at 2^6 x 2^6 entries at most
UPD_ICARUS_N   ?= 40
UPD_ICARUS_SET := -Ptb_upd.GW=$(UPD_GW) -Ptb_upd.KW=6 -Ptb_upd.PW=6
UPD_CXXFLAGS   := -std=c++17 -O2 -Wall -Wextra -Wshadow $(if $(CI)$(WERROR),-Werror) -Isw -I$(BUILD)/gen
$(BIN)/upd_vectors: sim/upd_vectors.cpp sim/upd_gen.h $(CORE_MAP_H) $(LIB)
	@mkdir -p $(@D)
	$(CXX) $(UPD_CXXFLAGS) $(LDFLAGS) -o $@ sim/upd_vectors.cpp $(LIB) $(LDLIBS)

$(UPD_DIR)/tb_upd.vvp: sim/tb_upd.v $(UPD_RTL) $(CORE_MAP_DEFS) sim/upd.mk
	@mkdir -p $(@D)
	$(IVERILOG) -g2005 -Wall -DSGLIF_RW_X $(CORE_MAP_INC) -s tb_upd $(UPD_ICARUS_SET) -Ptb_upd.VEC='"$(UPD_DIR)/upd-icarus.txt"' -o $@ sim/tb_upd.v $(UPD_RTL)

$(UPD_DIR)/tb_upd-fault.vvp: sim/tb_upd.v $(UPD_RTL) $(CORE_MAP_DEFS) sim/upd.mk
	@mkdir -p $(@D)
	$(IVERILOG) -g2005 -Wall -DSGLIF_RW_X $(CORE_MAP_INC) -DSGLIF_FAULT_UPD_ORDER -s tb_upd $(UPD_ICARUS_SET) -Ptb_upd.VEC='"$(UPD_DIR)/upd-icarus-fault.txt"' -o $@ sim/tb_upd.v $(UPD_RTL)

# each seed's run, the lint, the Icarus run and each fault's run is a target of its own
# (upd-test-run-gwG-S, upd-test-lint, upd-test-icarus, upd-selftest-F), so that make -j runs
# them side by side; upd-test prints the seeds' lines and the Icarus result in order from their logs
UPD_SEED_RUNS := $(foreach s,$(UPD_SEEDS),upd-test-run-gw$(UPD_GW)-$(s)) $(foreach s,$(UPD_SEEDS_WIDE),upd-test-run-gw64-$(s))
UPD_SELFTEST_RUNS := $(addprefix upd-selftest-,$(UPD_FAULTS) icarus)
.PHONY: upd-test upd-selftest upd-test-lint upd-test-icarus $(UPD_SEED_RUNS) $(UPD_SELFTEST_RUNS)
$(foreach r,$(sort $(UPD_SEED_RUNS)),$(eval $(r): $(UPD_DIR)/$(word 1,$(subst -, ,$(r:upd-test-run-%=%)))/Vsglif_update))
$(sort $(UPD_SEED_RUNS)): upd-test-run-%:
	@g=$(word 1,$(subst -, ,$*)); s=$(word 2,$(subst -, ,$*)); l=$(UPD_DIR)/$$g-seed-$$s.log; \
	  $(UPD_DIR)/$$g/Vsglif_update +seed=$$s +n=$(UPD_N) >$$l 2>&1 || { tail -5 $$l; echo "upd-test: $$g seed $$s: FAIL (log $$l)"; exit 1; }
upd-test-lint: $(CORE_MAP_VH) $(CORE_MAP_DEFS)
	@mkdir -p $(UPD_DIR)
	@set -e; for g in "" "-GGW=64 -GKW=10 -GPW=9" "-GGW=18 -GKW=1 -GPW=1"; do \
	  $(VERILATOR) --lint-only -Wall $(CORE_MAP_INC) $$g --top-module sglif_update rtl/lint.vlt $(UPD_RTL); done
	$(IVERILOG) -g2005 -Wall $(CORE_MAP_INC) -s sglif_update -o $(UPD_DIR)/lint.vvp $(UPD_RTL)
	@$(YOSYS) -q -p "read_verilog $(CORE_MAP_INC) $(UPD_RTL); hierarchy -check -top sglif_update; proc; check -assert" \
	  >$(UPD_DIR)/yosys.log 2>&1 || { cat $(UPD_DIR)/yosys.log; exit 1; }
upd-test-icarus: $(BIN)/upd_vectors $(UPD_DIR)/tb_upd.vvp
	$(BIN)/upd_vectors 1 $(UPD_ICARUS_N) $(UPD_DIR)/upd-icarus.txt 6 6
	@vvp -n $(UPD_DIR)/tb_upd.vvp >$(UPD_DIR)/upd-icarus.log 2>&1 || { tail -5 $(UPD_DIR)/upd-icarus.log; exit 1; }
upd-test: upd-test-lint $(UPD_SEED_RUNS) upd-test-icarus ## the training engine's batch-end update vs the twin (Verilator, 20 seeds; Icarus)
	@set -e; for s in $(UPD_SEEDS); do l=$(UPD_DIR)/gw$(UPD_GW)-seed-$$s.log; \
	  echo "seed $$s: GW $(UPD_GW): $$(grep 'values compared' $$l)"; done
	@set -e; for s in $(UPD_SEEDS_WIDE); do l=$(UPD_DIR)/gw64-seed-$$s.log; \
	  echo "seed $$s: GW 64: $$(grep 'values compared' $$l)"; done
	@grep 'upd-icarus: ' $(UPD_DIR)/upd-icarus.log

$(addprefix upd-selftest-,$(UPD_FAULTS)): upd-selftest-%: $(UPD_DIR)/fault-%/Vsglif_update
	@d=$(UPD_DIR)/fault-$*; rc=0; \
	  $$d/Vsglif_update +seed=1 +n=20000 >$$d/run.log 2>&1 || rc=$$?; \
	  if [ $$rc -ne 0 ] && grep -qE 'MISMATCH' $$d/run.log && grep -q 'upd: FAIL' $$d/run.log; then \
	    echo "upd-selftest: SGLIF_FAULT_$*: PASS (the altered RTL was caught: $$(grep -m1 -o 'MISMATCH [^:]*: [^:]*' $$d/run.log))"; \
	  else echo "upd-selftest: SGLIF_FAULT_$*: FAIL (the altered RTL was not caught, exit $$rc)"; exit 1; fi
upd-selftest-icarus: $(BIN)/upd_vectors $(UPD_DIR)/tb_upd-fault.vvp
	@$(BIN)/upd_vectors 1 5 $(UPD_DIR)/upd-icarus-fault.txt 6 6; rc=0; \
	  vvp -n $(UPD_DIR)/tb_upd-fault.vvp >$(UPD_DIR)/upd-icarus-fault.log 2>&1 || rc=$$?; \
	  if grep -qE 'upd-icarus: .* [1-9][0-9]* mismatches' $(UPD_DIR)/upd-icarus-fault.log; then \
	    echo "upd-selftest: SGLIF_FAULT_UPD_ORDER under Icarus: PASS (the altered RTL was caught, exit $$rc)"; \
	  else echo "upd-selftest: SGLIF_FAULT_UPD_ORDER under Icarus: FAIL (not caught, exit $$rc)"; exit 1; fi
upd-selftest: $(UPD_SELFTEST_RUNS) ## prove upd-test fails: sround's compare, the momentum's rounding, the decay's term, the division, the square root, the clamp, the draw order, the product's nu operand
	@echo "upd-selftest: PASS: each of the $(words $(UPD_SELFTEST_RUNS)) faults was caught"

# The unit alone on the ECP5-85F: Yosys synth_ecp5 of sim/sglif_upd_fmax_top.v (GW GRAD_W, KW 10,
# PW 8: K up to 1024, P up to 256), its cell counts, and nextpnr-ecp5 at UPD_PNR_FREQ MHz (the
# yowasp build of `bash .ci/setup fpga`); fails if the frequency is not met. Not in make test
# (minutes).
UPD_PNR_FREQ ?= 75
UPD_PNR_DIR  := $(BUILD)/upd/pnr
.PHONY: upd-pnr
upd-pnr: $(UPD_RTL) $(CORE_MAP_DEFS) sim/sglif_upd_fmax_top.v ## the update unit alone on the ECP5-85F: Yosys cells (LUTs, DSPs, block RAM) and nextpnr-ecp5 at 75 MHz
	@mkdir -p $(UPD_PNR_DIR)
	@d=$(UPD_PNR_DIR)/upd; t0=$$(date +%s); \
	  $(YOSYS) -q -l $$d.ylog -p "read_verilog $(CORE_MAP_INC) $(UPD_RTL) sim/sglif_upd_fmax_top.v; \
	    synth_ecp5 -top sglif_upd_fmax_top -json $$d.json; tee -o $$d.stat stat" >/dev/null 2>&1 \
	    || { tail -20 $$d.ylog; exit 1; }; \
	  grep -E '^ +(LUT4|TRELLIS_FF|DP16KD|MULT18X18D|CCU2C|PFUMX|L6MUX21|TRELLIS_DPR16X4) ' $$d.stat | sed 's/^ */upd-pnr: yosys: /'; \
	  t1=$$(date +%s); rc=0; \
	  $(NEXTPNR_ECP5) --85k --package CABGA381 --json $$d.json --lpf-allow-unconstrained \
	    --freq $(UPD_PNR_FREQ) --seed 1 --textcfg $$d.config >$$d.log 2>&1 || rc=$$?; t2=$$(date +%s); \
	  grep -E '(TRELLIS_COMB|TRELLIS_FF|DP16KD|MULT18X18D):' $$d.log | tail -4 | sed 's/^Info: */upd-pnr: nextpnr: /'; \
	  grep -E 'Max frequency for clock' $$d.log | tail -1 | sed -E 's/^(Info|ERROR|Warning): /upd-pnr: /'; \
	  echo "upd-pnr: synthesis $$((t1 - t0)) s, place and route $$((t2 - t1)) s; log $$d.log, nextpnr exit $$rc"; exit $$rc

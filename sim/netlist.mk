# SPDX-License-Identifier: MIT
# Post-synthesis simulation (issue 5), included from the Makefile: `make netlist-cosim`,
# `make netlist-cosim-selftest`. For every ice40 row of rtl/configs.csv, Yosys synthesizes the
# core as sim/synth.mk does (same chparam, SG_INIT, -spram when spram_max > 0) but with
# -DSGLIF_TRACE (the trace ports are top-level ports, kept) and writes a Verilog netlist
# (write_verilog -noattr, top renamed sglif_netlist_core) to $(BUILD)/netlist/<row>/; the
# wrapper sim/netlist_wrap.awk gives it the core's name and parameters, and the unchanged
# Icarus bench sim/tb_cosim.v replays the vectors of sim/cosim_vectors.c (the row's sizes) on
# it with Yosys's iCE40 cell models (cells_sim.v), comparing every neuron update with the
# twin. Zero-delay functional simulation: no timing. See docs/netlist.md.
#   make netlist-cosim [NETLIST_SEED=S NETLIST_STEPS=N]     make netlist-cosim-selftest

NETLIST_DIR    := $(BUILD)/netlist
NETLIST_CSV    ?= rtl/configs.csv
# the seed of a row: NETLIST_SEEDS (row=seed; seeds whose first net is small enough for gate-level
# Icarus, and two layers for up5k-2l), else NETLIST_SEED
NETLIST_SEED   ?= 5
NETLIST_SEEDS  ?= up5k=5 up5k-2l=3 hx8k=5
NETLIST_STEPS  ?= 1
NETLIST_SG     := rtl/sglif_sg_default.hex
NETLIST_RTL    := $(shell cat rtl/files.f)
NETLIST_DATDIR := $(shell yosys-config --datdir 2>/dev/null || echo $(dir $(shell command -v $(YOSYS) 2>/dev/null))../share/yosys)
NETLIST_CELLS  ?= $(NETLIST_DATDIR)/ice40/cells_sim.v
# the ice40 rows, by the family column
NETLIST_NAMES   = $(shell awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$$i] = i; next } \
                    NF > 1 && $$h["family"] == "ice40" { print $$1 }' $(NETLIST_CSV))
NETLIST_FAULT_ROW ?= $(lastword $(NETLIST_NAMES))
NETLIST_ROW    := awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$$i] = i; next } \
                   $$1 == n { m = split(c, cols, " "); s = ""; \
                              for (k = 1; k <= m; k++) s = s " " $$h[cols[k]]; print s }'
NETLIST_COLS   := device N N_IN N_OUT HIST_STEPS EV_AW SG_AW ACC_W spram_max P L

# $(1): row, $(2): output directory, $(3): extra read_verilog defines. Synthesis, wrapper and
# the Icarus build of tb_cosim.v on the netlist.
define netlist_build
	@mkdir -p $(2)
	@set -e; set -- $$($(NETLIST_ROW) n='$(1)' c='$(NETLIST_COLS)' $(NETLIST_CSV)); \
	  [ $$# -eq 11 ] || { echo "netlist: $(1): no complete row in $(NETLIST_CSV)"; exit 1; }; \
	  cmd="synth_ice40 -device $$1 -top sglif_lif_core"; def=""; \
	  [ $$9 -gt 0 ] && cmd="$$cmd $(UP5K_SYNTH)" && def="$(UP5K_DEFINE)"; \
	  echo "netlist: $(1) N=$$2 N_IN=$$3 N_OUT=$$4 HIST_STEPS=$$5 EV_AW=$$6 SG_AW=$$7 ACC_W=$$8 P=$${10} L=$${11}: $$cmd $$def $(3)"; \
	  { echo "read_verilog -DSGLIF_TRACE $$def $(3) $(CORE_MAP_INC) $(NETLIST_RTL)"; \
	    echo "chparam -set N $$2 -set N_IN $$3 -set N_OUT $$4 -set HIST_STEPS $$5 -set EV_AW $$6 -set SG_AW $$7 -set ACC_W $$8 -set P $${10} -set L $${11} -set SG_INIT \"$(NETLIST_SG)\" sglif_lif_core"; \
	    echo "$$cmd"; \
	    echo "tee -q -o $(2)/netlist.stat stat"; \
	    echo "rename sglif_lif_core sglif_netlist_core"; \
	    echo "write_verilog -noattr $(2)/netlist.v"; } >$(2)/netlist.ys; \
	  s0=$$(date +%s); \
	  $(YOSYS) -q -l $(2)/yosys.log -s $(2)/netlist.ys >/dev/null 2>&1 || { tail -20 $(2)/yosys.log; exit 1; }; \
	  echo "netlist: $(1): synthesized in $$(( $$(date +%s) - s0 )) s, $$(awk '$$1 == "Number" && $$3 == "cells:" { print $$4 }' $(2)/netlist.stat) cells"; \
	  params="N=$$2 N_IN=$$3 EV_AW=$$6 SG_AW=$$7 N_OUT=$$4 HIST_STEPS=$$5 P=$${10} L=$${11}"; \
	  awk -v params="$$params" -v sg='$(NETLIST_SG)' -f sim/netlist_wrap.awk $(2)/netlist.v >$(2)/wrap.v; \
	  echo "$$2 $$3 $$6 $$7 $$4 $$5 $${10} $${11}" >$(2)/sizes; \
	  $(IVERILOG) -g2005 -DNO_ICE40_DEFAULT_ASSIGNMENTS $(CORE_MAP_INC) -s tb_cosim \
	    -Ptb_cosim.N=$$2 -Ptb_cosim.N_IN=$$3 -Ptb_cosim.EV_AW=$$6 -Ptb_cosim.SG_AW=$$7 \
	    -Ptb_cosim.N_OUT=$$4 -Ptb_cosim.HIST_STEPS=$$5 -Ptb_cosim.P=$${10} -Ptb_cosim.L=$${11} \
	    -Ptb_cosim.SG_INIT='"$(NETLIST_SG)"' -o $(2)/tb.vvp \
	    $(NETLIST_CELLS) $(2)/netlist.v $(2)/wrap.v sim/tb_cosim.v
endef

# $(1): directory (holds tb.vvp and sizes), $(2): name in the messages, $(3): row (its seed). A shell command: writes
# the vectors of NETLIST_SEED for the row's sizes, runs vvp, prints `netlist-cosim NAME: U
# neuron-updates compared, M mismatches`; true only if vvp exited 0, U > 0 and M = 0.
define netlist_run
( set -e; d=$(1); set -- $$(cat $$d/sizes); seed=$(NETLIST_SEED); \
  for x in $(NETLIST_SEEDS); do [ "$${x%%=*}" = "$(3)" ] && seed=$${x#*=}; done; \
  $(ICARUS_VEC) $$seed $(NETLIST_STEPS) $(NETLIST_SG) $$d/run.cmd $$d/run.exp $$@ \
    | sed "s/^/netlist-cosim $(2): /"; \
  s0=$$(date +%s); rc=0; \
  $(VVP) -n $$d/tb.vvp +cmd=$$d/run.cmd +exp=$$d/run.exp >$$d/run.log 2>&1 || rc=$$?; \
  s1=$$(date +%s); \
  grep -E '^(MISMATCH|  |cosim: [0-9])' $$d/run.log | head -20 | sed "s/^/netlist-cosim $(2): /" || true; \
  u=$$(sed -n 's/^cosim: \([0-9]*\) neuron-updates compared, \([0-9]*\) mismatches.*/\1/p' $$d/run.log); \
  m=$$(sed -n 's/^cosim: \([0-9]*\) neuron-updates compared, \([0-9]*\) mismatches.*/\2/p' $$d/run.log); \
  cyc=$$(sed -n 's/^cosim: .* steps, \([0-9]*\) cycles$$/\1/p' $$d/run.log); \
  echo "netlist-cosim $(2): seed $$seed, vvp exit $$rc after $$((s1 - s0)) s ($${cyc:-?} cycles), log $$d/run.log"; \
  echo "netlist-cosim $(2): $${u:-0} neuron-updates compared, $${m:-?} mismatches"; \
  [ $$rc -eq 0 ] && [ "$${u:-0}" -gt 0 ] && [ "$$m" = 0 ] && grep -qx PASS $$d/run.log )
endef

$(NETLIST_DIR)/%/tb.vvp: $(NETLIST_CSV) $(NETLIST_RTL) $(CORE_MAP_VH) $(NETLIST_SG) sim/netlist.mk sim/netlist_wrap.awk sim/tb_cosim.v
	$(call netlist_build,$*,$(@D),)

$(NETLIST_DIR)/fault-%/tb.vvp: $(NETLIST_CSV) $(NETLIST_RTL) $(CORE_MAP_VH) $(NETLIST_SG) sim/netlist.mk sim/netlist_wrap.awk sim/tb_cosim.v
	$(call netlist_build,$*,$(@D),-DSGLIF_FAULT_DECAY)

.PHONY: netlist-cosim netlist-cosim-selftest
netlist-cosim: $(foreach n,$(NETLIST_NAMES),$(NETLIST_DIR)/$(n)/tb.vvp) $(ICARUS_VEC) ## Yosys netlist of every iCE40 row vs the twin under Icarus (NETLIST_SEED=S NETLIST_STEPS=N)
	@set -e; bad=0; for n in $(NETLIST_NAMES); do \
	  $(call netlist_run,$(NETLIST_DIR)/$$n,$$n,$$n) || bad=1; done; \
	  if [ $$bad -ne 0 ]; then echo "netlist-cosim: FAIL"; exit 1; fi; \
	  echo "netlist-cosim: PASS ($(words $(NETLIST_NAMES)) iCE40 netlists: $(NETLIST_NAMES))"

# passes only if the netlist synthesized with the decay one shift off fails with mismatches
netlist-cosim-selftest: $(NETLIST_DIR)/fault-$(NETLIST_FAULT_ROW)/tb.vvp $(ICARUS_VEC) ## prove netlist-cosim fails on a netlist of an altered core (NETLIST_FAULT_ROW)
	@d=$(NETLIST_DIR)/fault-$(NETLIST_FAULT_ROW); \
	if $(call netlist_run,$$d,fault-$(NETLIST_FAULT_ROW),$(NETLIST_FAULT_ROW)); then \
	  echo "netlist-cosim-selftest: FAIL (the altered netlist was not caught)"; exit 1; \
	elif grep -qE '^cosim: [0-9]+ neuron-updates compared, [1-9][0-9]* mismatches' $$d/run.log; then \
	  echo "netlist-cosim-selftest: PASS (the altered netlist was caught)"; \
	else echo "netlist-cosim-selftest: FAIL (the run failed without a mismatch report)"; exit 1; fi

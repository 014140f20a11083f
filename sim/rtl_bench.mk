# SPDX-License-Identifier: MIT
# make rtl-bench (issue 3, speed): the RTL LIF core under Verilator without the twin and
# without the trace port (OPT_FAST=-O2, single thread), random weights and inputs from a
# printed seed; prints a table per size and input density (dense input included), then
#   rtl-bench: <C> M cycles/s (target >= 5), <R> synaptic ops/cycle (lanes P)
# and checks every step's cycle count against docs/rtl.md. RTLB_CONFIG names a row of
# rtl/configs.csv (default up5k), RTLB_SEED, RTLB_CYCLES (per row); after the row's own lane
# count the same sizes are run with each lane count of RTLB_LANES (default 1 4 64), so that the
# ops per cycle can be compared. See docs/rtl-bench.md.
# Also usable alone: make -f Makefile -f sim/rtl_bench.mk rtl-bench
ifndef SGLIF_RTL_BENCH_MK
SGLIF_RTL_BENCH_MK := $(lastword $(MAKEFILE_LIST))

VERILATOR ?= verilator
RTLB_SEED   ?= 1
RTLB_CYCLES ?= 3000000
RTLB_LANES  ?= 1 4 64
# the configuration: a row of rtl/configs.csv (the sizes that fit each board), by name; the
# columns are found by their header names. Without the table: the up5k row as of this file.
RTLB_CONFIG ?= up5k
RTLB_CSV    := $(wildcard rtl/configs.csv)
ifneq ($(RTLB_CSV),)
RTLB_ROW    := $(shell awk -F, -v n=$(RTLB_CONFIG) 'NR == 1 { for (i = 1; i <= NF; i++) h[$$i] = i; \
                 next } $$1 == n { print $$h["N"], $$h["N_IN"], $$h["EV_AW"], $$h["SG_AW"], \
                 $$h["N_OUT"], $$h["HIST_STEPS"], $$h["P"], $$h["L"] }' $(RTLB_CSV))
else ifeq ($(RTLB_CONFIG),up5k)
RTLB_ROW    := 256 256 8 8 7 16 8 1
endif
RTLB_P      := $(word 7,$(RTLB_ROW))
RTLB_DIR     = $(BUILD)/rtl-bench/$(RTLB_CONFIG)-p$(1)
RTLB_FILES  := $(shell cat rtl/files.f)
RTLB_GEN     = -GN=$(word 1,$(RTLB_ROW)) -GN_IN=$(word 2,$(RTLB_ROW)) \
               -GEV_AW=$(word 3,$(RTLB_ROW)) -GSG_AW=$(word 4,$(RTLB_ROW)) \
               -GN_OUT=$(word 5,$(RTLB_ROW)) -GHIST_STEPS=$(word 6,$(RTLB_ROW)) \
               -GP=$(1) -GL=$(word 8,$(RTLB_ROW))
RTLB_DEFS    = -DBENCH_N=$(word 1,$(RTLB_ROW)) -DBENCH_N_IN=$(word 2,$(RTLB_ROW)) \
               -DBENCH_EV_AW=$(word 3,$(RTLB_ROW)) -DBENCH_N_OUT=$(word 5,$(RTLB_ROW)) \
               -DBENCH_P=$(1) -DBENCH_L=$(word 8,$(RTLB_ROW)) -DBENCH_CONFIG='\"$(RTLB_CONFIG)\"'
RTLB_ALL    := $(RTLB_P) $(filter-out $(RTLB_P),$(RTLB_LANES))

# links libsglif.a only for the seeded generator (sw/rng.c); $(1): lanes
define rtlb_rule
$(call RTLB_DIR,$(1))/Vsglif_lif_core: sim/rtl_bench.cpp $(SGLIF_RTL_BENCH_MK) sim/core_port.h rtl/files.f \
                             $(RTLB_FILES) $(CORE_MAP_VH) $(CORE_MAP_H) $(RTLB_CSV) $(LIB)
	@if [ "$(words $(RTLB_ROW))" != 8 ]; then \
	  echo "rtl-bench: no configuration '$(RTLB_CONFIG)' in rtl/configs.csv"; exit 1; fi
	@mkdir -p $$(@D)
	$(VERILATOR) --cc --exe --build -j 2 --top-module sglif_lif_core $(CORE_MAP_INC) $(call RTLB_GEN,$(1)) \
	  --Mdir $(call RTLB_DIR,$(1)) -o Vsglif_lif_core -MAKEFLAGS OPT_FAST=-O2 \
	  -CFLAGS "-O2 -I$(abspath sw) $(CORE_MAP_CINC) $(call RTLB_DEFS,$(1))" \
	  -LDFLAGS "$(abspath $(LIB))" \
	  -f rtl/files.f $(abspath sim/rtl_bench.cpp) >$(call RTLB_DIR,$(1)).log 2>&1 \
	  || { tail -30 $(call RTLB_DIR,$(1)).log; exit 1; }
endef
$(foreach p,$(RTLB_ALL),$(eval $(call rtlb_rule,$(p))))

.PHONY: rtl-bench
rtl-bench: $(foreach p,$(RTLB_ALL),$(call RTLB_DIR,$(p))/Vsglif_lif_core) ## RTL speed under Verilator: cycles/s, synaptic ops/cycle (RTLB_CONFIG=up5k)
	@set -e; for p in $(RTLB_ALL); do \
	  $(BUILD)/rtl-bench/$(RTLB_CONFIG)-p$$p/Vsglif_lif_core +seed=$(RTLB_SEED) +cycles=$(RTLB_CYCLES); done
endif

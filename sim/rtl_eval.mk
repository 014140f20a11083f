# SPDX-License-Identifier: MIT
# build/bin/sglif-rtl (issue 3): the program behind `sglif eval --backend rtl`, a Verilator
# model of rtl/sglif_lif_core.v driven by sim/rtl_eval.cpp and linked with libsglif.a (whole
# archive, as sim/cosim.mk). A separate program, so that build/bin/sglif does not depend on
# Verilator. The core's sizes are fixed here, large enough for the data sets of docs/data.md
# (700 SHD/SSC channels, 35 classes, hidden layers up to 512); sglif-rtl refuses a model that
# exceeds them. `make rtl-eval` builds it. See docs/rtl.md.
ifndef SGLIF_RTL_EVAL_MK
SGLIF_RTL_EVAL_MK := $(lastword $(MAKEFILE_LIST))

VERILATOR ?= verilator
RTL_EVAL_N     ?= 512
RTL_EVAL_N_IN  ?= 1024
RTL_EVAL_EV_AW ?= 10
RTL_EVAL_SG_AW ?= 12
RTL_EVAL_N_OUT ?= 35
RTL_EVAL_P     ?= 8
RTL_EVAL_L     ?= 2
RTL_EVAL_DIR   := $(OBJ)/rtl-eval
RTL_EVAL_FILES := $(shell cat rtl/files.f)
# HIST_STEPS=1: the history (for training) is not read by inference
RTL_EVAL_GEN   := -GN=$(RTL_EVAL_N) -GN_IN=$(RTL_EVAL_N_IN) -GEV_AW=$(RTL_EVAL_EV_AW) \
                  -GSG_AW=$(RTL_EVAL_SG_AW) -GN_OUT=$(RTL_EVAL_N_OUT) -GHIST_STEPS=1 \
                  -GP=$(RTL_EVAL_P) -GL=$(RTL_EVAL_L)
RTL_EVAL_DEFS  := -DRTL_EVAL_N=$(RTL_EVAL_N) -DRTL_EVAL_N_IN=$(RTL_EVAL_N_IN) \
                  -DRTL_EVAL_EV_AW=$(RTL_EVAL_EV_AW) -DRTL_EVAL_SG_AW=$(RTL_EVAL_SG_AW) \
                  -DRTL_EVAL_N_OUT=$(RTL_EVAL_N_OUT) -DRTL_EVAL_P=$(RTL_EVAL_P) -DRTL_EVAL_L=$(RTL_EVAL_L)

$(BIN)/sglif-rtl: sim/rtl_eval.cpp $(SGLIF_RTL_EVAL_MK) sim/core_port.h rtl/files.f $(RTL_EVAL_FILES) $(CORE_MAP_VH) $(CORE_MAP_H) $(LIB)
	@mkdir -p $(RTL_EVAL_DIR) $(@D)
	$(VERILATOR) --cc --exe --build -j 2 --top-module sglif_lif_core $(CORE_MAP_INC) $(RTL_EVAL_GEN) \
	  --Mdir $(RTL_EVAL_DIR) -o sglif-rtl -MAKEFLAGS OPT_FAST=-O2 \
	  -CFLAGS "-O2 -I$(abspath sw) $(CORE_MAP_CINC) $(RTL_EVAL_DEFS)" \
	  -LDFLAGS "$(LDFLAGS) -Wl,--whole-archive $(abspath $(LIB)) -Wl,--no-whole-archive $(LDLIBS)" \
	  -f rtl/files.f $(abspath sim/rtl_eval.cpp) >$(RTL_EVAL_DIR).log 2>&1 \
	  || { tail -30 $(RTL_EVAL_DIR).log; exit 1; }
	cp $(RTL_EVAL_DIR)/sglif-rtl $@

.PHONY: rtl-eval
rtl-eval: $(BIN)/sglif-rtl ## build build/bin/sglif-rtl (sglif eval --backend rtl; RTL_EVAL_N=...)
endif

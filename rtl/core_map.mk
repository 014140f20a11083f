# SPDX-License-Identifier: MIT
# The core's register map, word widths and latencies from one source (rtl/core_map.csv,
# docs/rtl.md "Memory map"): the C header and the Verilog include in build/gen/, the tables in
# docs/rtl.md; the word widths also as macros (CORE_MAP_DEFS, for parameter defaults: the update
# unit's GW is GRAD_W). Every flow that reads rtl/files.f passes CORE_MAP_INC (the include directory)
# and depends on CORE_MAP_VH; every C/C++ program that includes sw/core_map.h, on CORE_MAP_H.
CORE_MAP_SRC := rtl/core_map.csv
CORE_MAP_GEN := $(PYTHON) host/gen_core_map.py $(CORE_MAP_SRC)
CORE_MAP_H   := $(BUILD)/gen/sglif_core_map.h
CORE_MAP_VH  := $(BUILD)/gen/sglif_core_map.vh
CORE_MAP_DEFS := $(BUILD)/gen/sglif_core_map_defs.vh
CORE_MAP_INC := -I$(BUILD)/gen
CORE_MAP_CINC := -I$(abspath $(BUILD)/gen)

$(CORE_MAP_H) $(CORE_MAP_VH) $(CORE_MAP_DEFS) &: $(CORE_MAP_SRC) host/gen_core_map.py host/gen_protocol.py
	@mkdir -p $(@D)
	$(CORE_MAP_GEN) --c $(CORE_MAP_H) --verilog $(CORE_MAP_VH) --defines $(CORE_MAP_DEFS)

.PHONY: core-map-docs core-map-check
core-map-docs: ## regenerate the memory map tables of docs/rtl.md from rtl/core_map.csv
	$(CORE_MAP_GEN) --markdown docs/rtl.md

# its self-tests: a copy of docs/rtl.md with RB_LAT's row altered, and one with the 85F's
# 20 -> 128 -> 10 budget row altered (host/engine_budget.py --check), must be refused
core-map-check: $(CORE_MAP_H) $(CORE_MAP_VH) ## fail if docs/rtl.md's memory map tables or its engine budget tables (host/engine_budget.py) differ from rtl/core_map.csv (and prove a stale one is caught)
	@$(CORE_MAP_GEN) --markdown docs/rtl.md --check
	@echo "core-map-check: docs/rtl.md matches $(CORE_MAP_SRC)"
	@sed 's/^| `RB_LAT` | \([0-9]*\) |/| `RB_LAT` | 9\1 |/' docs/rtl.md >$(BUILD)/gen/rtl-stale.md
	@if cmp -s docs/rtl.md $(BUILD)/gen/rtl-stale.md || \
	    $(CORE_MAP_GEN) --markdown $(BUILD)/gen/rtl-stale.md --check 2>/dev/null; then \
	  echo "core-map-check: FAIL (a table with RB_LAT altered was not caught)"; exit 1; fi
	@echo "core-map-check: self-test PASS (a table with RB_LAT altered was caught)"
	@$(PYTHON) host/engine_budget.py $(CORE_MAP_SRC) --check docs/rtl.md
	@echo "core-map-check: docs/rtl.md's engine budget tables match host/engine_budget.py on $(CORE_MAP_SRC)"
	@sed 's/^\(| 85F | 20 -> 128 -> 10 | 100 | 64 | yes | [0-9]* bit | \)\([0-9]*\)/\19\2/' docs/rtl.md >$(BUILD)/gen/rtl-stale-budget.md
	@if cmp -s docs/rtl.md $(BUILD)/gen/rtl-stale-budget.md || \
	    $(PYTHON) host/engine_budget.py $(CORE_MAP_SRC) --check $(BUILD)/gen/rtl-stale-budget.md 2>/dev/null; then \
	  echo "core-map-check: FAIL (an engine budget table with a block RAM figure altered was not caught)"; exit 1; fi
	@echo "core-map-check: self-test PASS (an engine budget table with a block RAM figure altered was caught)"

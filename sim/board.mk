# SPDX-License-Identifier: MIT
# The pin-level simulated boards (issue 14, docs/boards.md "Simulated boards"): the board's top
# module as it goes into the bitstream (rtl/sglif_top_*.v over rtl/sglif_board.v), its PLL
# primitive replaced by sim/pll_models.v, its parameters those of the bitstream flow
# (sim/board_args.sh from constraints/boards.csv and rtl/configs.csv), served by sim/board.cpp
# with the UART pins driven and sampled bit by bit at the table's divider:
#   make build/bin/sglif-board-top-BOARD    (BOARD a row of constraints/boards.csv)
#   build/bin/sglif-board-top-BOARD --listen pty | tcp:127.0.0.1:0  (or sglif-board --board BOARD)
# make boards-sim builds those of BOARDS_SIM (the tests' boards).
BOARDS_SIM      ?= icebreaker hx8k ulx3s-85f
BOARD_TOP_DEPS  := sim/board.cpp sim/board.mk sim/board.vlt sim/board_args.sh sim/pll_models.v \
                   rtl/sglif_board.v $(wildcard rtl/sglif_top_*.v) constraints/boards.csv \
                   rtl/lint.vlt rtl/files.f rtl/configs.csv $(BOARD_RTL) rtl/sglif_sg_default.hex \
                   $(LIB) $(PROTOCOL_VH) $(CORE_MAP_VH) $(CORE_MAP_H)
# $(1): board, $(2): program, $(3): more Verilator options (a fault)
define board_top_build
	@set -e; a=$$(sh sim/board_args.sh $(1)); top=$${a%%|*}; r=$${a#*|}; g=$${r%%|*}; c=$${r#*|}; \
	  d=$(BUILD)/board-top/$(1)$(if $(3),-fault); mkdir -p $$d; \
	  echo "sglif-board-top-$(1): $$top $$g"; \
	  $(VERILATOR) --cc --exe --build -j 2 -Wall --top-module $$top -I$(GEN_DIR) rtl/lint.vlt sim/board.vlt \
	    $$g -GSG_INIT='"$(SYNTH_SG)"' $(3) --Mdir $$d -o sglif-board -MAKEFLAGS OPT_FAST=-O2 \
	    -CFLAGS "-O2 -I$(abspath sw) -I$(abspath $(GEN_DIR)) $$c -DBOARD_HEADER='\"V'$$top'.h\"' \
	             -DBOARD_ROOT_HEADER='\"V'$$top'___024root.h\"' -DBOARD_CLASS=V$$top" \
	    -LDFLAGS "$(LDFLAGS) -Wl,--whole-archive $(abspath $(LIB)) -Wl,--no-whole-archive $(LDLIBS)" \
	    sim/pll_models.v rtl/sglif_board.v rtl/$$top.v $(sort $(BOARD_RTL)) $(abspath sim/board.cpp) \
	    >$$d.log 2>&1 || { tail -30 $$d.log; exit 1; }; \
	  mkdir -p $(dir $(2)); cp $$d/sglif-board $(2).tmp && mv -f $(2).tmp $(2)
endef
$(BIN)/sglif-board-top-%: $(BOARD_TOP_DEPS)
	$(call board_top_build,$*,$@,)

.PHONY: boards-sim
boards-sim: $(foreach b,$(BOARDS_SIM),$(BIN)/sglif-board-top-$(b)) ## the pin-level simulated boards of BOARDS_SIM (sglif-board --board B)

# The netlist of a board as it goes to nextpnr (the bitstream flow's build/bitstream/B/B.json,
# written out as Verilog) under Verilator with Yosys's iCE40 cell models (their PLL stubs
# replaced by sim/pll_models.v), served by sim/board.cpp as above; with no internal names to
# look at, it sleeps only after BOARD_NETLIST_IDLE cycles with both lines idle. iCE40 boards:
#   make build/bin/sglif-board-netlist-hx8k   (make test-slow: tests/test_board.c, board_netlist)
BOARD_NETLIST_IDLE ?= 2000000
ICE40_CELLS        ?= /usr/share/yosys/ice40/cells_sim.v
$(BIN)/sglif-board-netlist-%: sim/board.cpp sim/board.mk sim/pll_models.v sim/board_args.sh $(LIB)
	@set -e; b=$*; j=$(BUILD)/bitstream/$$b/$$b.json; \
	  [ -f $$j ] || { echo "sglif-board-netlist-$$b: no $$j (make bitstream BOARD=$$b first)"; exit 1; }; \
	  a=$$(sh sim/board_args.sh $$b); top=$${a%%|*}; r=$${a#*|}; g=$${r%%|*}; c=$${r#*|}; \
	  d=$(BUILD)/board-netlist/$$b; mkdir -p $$d; \
	  def=$$(for x in $$g; do case $$x in +define+*) printf '%s ' $$x;; esac; done); \
	  dev=$$($(SYNTH_ROW) n=$$b c=device $(BOARDS_CSV)); \
	  case $$dev in *up5k*) cdef=+define+ICE40_U;; *) cdef=+define+ICE40_HX;; esac; \
	  $(YOSYS) -q -p "read_json $$j; write_verilog -noattr $$d/netlist.v" >$$d/yosys.log 2>&1 || { cat $$d/yosys.log; exit 1; }; \
	  awk '/^module SB_PLL40_/ { skip = 1 } !skip { print } skip && /^endmodule/ { skip = 0 }' $(ICE40_CELLS) >$$d/cells.v; \
	  echo "sglif-board-netlist-$$b: $$j ($$(grep -c '^ *SB_' $$d/netlist.v) cells) $$def $$cdef"; \
	  $(VERILATOR) --cc --exe --build -j 2 -Wno-fatal -Wno-lint -Wno-style --top-module $$top \
	    +define+NO_ICE40_DEFAULT_ASSIGNMENTS $$cdef $$def --Mdir $$d -o sglif-board -MAKEFLAGS OPT_FAST=-O1 \
	    -CFLAGS "-O1 -I$(abspath sw) -I$(abspath $(GEN_DIR)) $$c -DBOARD_NETLIST -DBOARD_NETLIST_IDLE=$(BOARD_NETLIST_IDLE) \
	             -DBOARD_HEADER='\"V'$$top'.h\"' -DBOARD_CLASS=V$$top" \
	    -LDFLAGS "$(LDFLAGS) -Wl,--whole-archive $(abspath $(LIB)) -Wl,--no-whole-archive $(LDLIBS)" \
	    sim/pll_models.v $$d/cells.v $$d/netlist.v $(abspath sim/board.cpp) >$$d.log 2>&1 || { grep -m5 -i error $$d.log; tail -5 $$d.log; exit 1; }; \
	  mkdir -p $(dir $@); cp $$d/sglif-board $@.tmp && mv -f $@.tmp $@

# the PLL model's check: the HX8K top built with DIVF 70 (12 MHz x 71 / 16 = 53.25 MHz, not the
# table's 60) must stop at start with the model's message
$(BUILD)/board-top/pll-fault/sglif-board: $(BOARD_TOP_DEPS)
	$(call board_top_build,hx8k,$@,-GDIVF=70)
.PHONY: boards-sim-selftest
boards-sim-selftest: $(BUILD)/board-top/pll-fault/sglif-board ## prove the PLL model refuses dividers that do not give the table's clock
	@rc=0; $< --listen tcp:127.0.0.1:0 >$(BUILD)/board-top/pll-fault.run 2>&1 || rc=$$?; \
	  if [ $$rc -ne 0 ] && grep -q 'pll: DIVR 0 DIVF 70 DIVQ 4 give 53250000' $(BUILD)/board-top/pll-fault.run; then \
	    echo "boards-sim-selftest: PASS (the PLL model refused DIVF 70: $$(grep -m1 -o 'pll: .*' $(BUILD)/board-top/pll-fault.run))"; \
	  else cat $(BUILD)/board-top/pll-fault.run; echo "boards-sim-selftest: FAIL (exit $$rc)"; exit 1; fi

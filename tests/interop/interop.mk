# make interop: sglif against snnTorch and NIR from PyPI (tests/interop/snntorch_nir.py), in
# build/venv (.ci/setup interop: Debian's torch, snnTorch/NIR/nirtorch pinned, --no-deps)
INTEROP_DIR   := $(BUILD)/interop
INTEROP_BOARD := $(BIN)/sglif-board-ecp5-85f
INTEROP_PY    := $(BUILD)/venv/bin/python

.PHONY: interop interop-selftest
interop: ## NIR with snnTorch: its export into sglif, sglif's export into snnTorch, spike for spike; on the simulated board (then the self-test)
	@bash .ci/setup interop
	@$(MAKE) --no-print-directory $(SGLIF) $(INTEROP_BOARD)
	$(INTEROP_PY) tests/interop/snntorch_nir.py $(SGLIF) $(INTEROP_DIR) $(INTEROP_BOARD)
	@$(MAKE) --no-print-directory interop-selftest

interop-selftest: ## prove make interop fails: the snnTorch model imported with a dt 1 % off
	@if SGLIF_INTEROP_FAULT=1 $(INTEROP_PY) tests/interop/snntorch_nir.py $(SGLIF) $(INTEROP_DIR)/fault >$(INTEROP_DIR)-fault.log 2>&1; then \
	  cat $(INTEROP_DIR)-fault.log; echo "interop-selftest: FAIL: a dt 1 % off was not caught"; exit 1; \
	else grep FAIL $(INTEROP_DIR)-fault.log; echo "interop-selftest: ok (the altered import was caught)"; fi

# make cluster-test: the sweep on a single-node Slurm and under GNU parallel (tests/interop/cluster.sh)
CLUSTER_DIR := $(BUILD)/cluster
.PHONY: cluster-test cluster-selftest
cluster-test: ## a small sweep grid locally, under GNU parallel and as a Slurm job array (a single-node cluster started and stopped here, as root): equal results.csv; then the self-test
	@bash .ci/setup interop
	@$(MAKE) --no-print-directory $(SGLIF)
	bash tests/interop/cluster.sh $(SGLIF) $(CLUSTER_DIR)
	@$(MAKE) --no-print-directory cluster-selftest

cluster-selftest: ## prove cluster-test fails: one accuracy of the Slurm run's results.csv altered
	@if SGLIF_CLUSTER_FAULT=1 bash tests/interop/cluster.sh $(SGLIF) $(CLUSTER_DIR)-fault >$(CLUSTER_DIR)-fault.log 2>&1; then \
	  cat $(CLUSTER_DIR)-fault.log; echo "cluster-selftest: FAIL: an altered accuracy was not caught"; exit 1; \
	else grep FAIL $(CLUSTER_DIR)-fault.log; echo "cluster-selftest: ok (the altered results.csv was caught)"; fi

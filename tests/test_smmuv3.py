"""pytest runners for the SMMUv3 block (hdl/smmu_v3.v): one build per HDL parameter set,
cocotb tests in tests/cocotb_smmuv3.py.

    SEED=1234 pytest tests/test_smmuv3.py            # replay a seed
    SMMUV3_RANDOM_TXNS=500 pytest tests/test_smmuv3.py -k random
"""

import pytest

from tb.runner import run_cocotb

SMMUV3_SOURCES = ["smmu_v3.v", "smmu_v3_regs.v", "smmu_v3_cfg.v", "smmu_v3_cmdq.v",
                  "smmu_v3_evtq.v", "smmu_v3_chan.v", "smmu_xlate_core.v",
                  "smmu_tlb_array.v", "smmu_walk_cache.v", "smmu_ptw.v", "smmu_wr_resp.v",
                  "smmu_rd_resp.v"]

PARAM_SETS = {
    "default": {},
    "axil64_cfg2_tlb4": dict(AXIL_DATA_WIDTH=64, CFG_ENTRIES=2, TLB_ENTRIES=4,
                             WALK_CACHE_ENTRIES=2),
}


@pytest.mark.sim
@pytest.mark.parametrize("params", list(PARAM_SETS.values()), ids=list(PARAM_SETS))
def test_smmuv3(params):
    """Every cocotb test of the block on this parameter set."""
    run_cocotb(toplevel="smmu_v3", sources=SMMUV3_SOURCES, test_module="cocotb_smmuv3",
               parameters=params)


# the smallest caches (every lookup after a different StreamID misses) and a StreamID
# width Linux 6.1 puts in a linear table (SIDSIZE <= STRTAB_SPLIT)
SMALL_SETS = {
    "cfg1_tlb1_wc1": dict(CFG_ENTRIES=1, TLB_ENTRIES=1, WALK_CACHE_ENTRIES=1),
    "sid8_linear": dict(SID_WIDTH=8, CFG_ENTRIES=4),
}
SMALL_TESTS = ["translation_faults_exact", "cfgi_and_tlbi_vs_caching",
               "random_multi_stream/pressure=False", "random_multi_stream/pressure=True",
               "sync_ordering_under_traffic"]


@pytest.mark.sim
@pytest.mark.parametrize("params", list(SMALL_SETS.values()), ids=list(SMALL_SETS))
def test_smmuv3_small(params):
    """Caches of one entry, and an 8-bit StreamID space (linear Stream table)."""
    run_cocotb(toplevel="smmu_v3", sources=SMMUV3_SOURCES, test_module="cocotb_smmuv3",
               parameters=params, testcase=SMALL_TESTS)


@pytest.mark.synth
def test_smmuv3_synth():
    """The block synthesizes with yosys' generic flow and infers no latch."""
    import subprocess
    from tb.runner import ROOT
    out = subprocess.run([str(ROOT / "scripts" / "synth_report.sh"), "smmu_v3"],
                         capture_output=True, text=True, timeout=900)
    print(out.stdout, out.stderr)
    assert out.returncode == 0, f"yosys synth of smmu_v3 failed:\n{out.stderr[-3000:]}"

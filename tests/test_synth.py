"""Each block synthesizes with yosys' generic flow and infers no latch.

scripts/synth_report.sh fails when yosys errors out or `select -assert-none`
finds a $dlatch / $_DLATCH_* cell; the cell count it prints is the README's figure.
The whole msi_system_top is left to `make synth` (about as slow as smmu_tlb again).
"""

import subprocess

import pytest

from tb.runner import ROOT

# top -> parameter overrides (the glue blocks at the sizes msi_system_top uses)
TOPS = {
    "smmu_tlb": [],
    "its_doorbell": [],
    "gicv2m_frame": [],
    "axi_arbiter": ["NUM_PORTS=4"],
    "axi_addr_decoder": ["NUM_M=3", "M_BASE=144'h000040000000000008020000000008090000",
                         "M_SIZE=144'h000040000000000000001000000000010000"],
    "axil_decoder": ["NUM_M=3"],
    "axil_to_axi": [],
    "msi_interconnect": [],          # the system glue, as msi_system_top instantiates it
}


@pytest.mark.synth
@pytest.mark.parametrize("top", list(TOPS))
def test_synthesizes_without_latches(top):
    out = subprocess.run([str(ROOT / "scripts" / "synth_report.sh"), top, *TOPS[top]],
                         capture_output=True, text=True, timeout=900)
    print(out.stdout, out.stderr)
    assert out.returncode == 0, f"yosys synth of {top} failed:\n{out.stderr[-3000:]}"
    assert "no latches" in out.stdout and " cells" in out.stdout, out.stdout

"""The system glue blocks synthesize with yosys' generic flow and infer no latch
(the whole msi_system_top is too slow for make test; docs/system.md gives its
figure from scripts/synth_report.sh msi_system_top)."""

import subprocess

import pytest

from tb.runner import ROOT

GLUE = {
    "axi_arbiter": ["NUM_PORTS=4"],
    "axi_addr_decoder": ["NUM_M=3", "M_BASE=144'h000040000000000008020000000008090000",
                         "M_SIZE=144'h000040000000000000001000000000010000"],
    "axil_decoder": ["NUM_M=3"],
    "axil_to_axi": [],
}


@pytest.mark.synth
@pytest.mark.parametrize("top", sorted(GLUE))
def test_glue_synthesizes_without_latches(top):
    out = subprocess.run([str(ROOT / "scripts" / "synth_report.sh"), top, *GLUE[top]],
                         capture_output=True, text=True, timeout=600)
    print(out.stdout, out.stderr)
    assert out.returncode == 0, f"yosys synth of {top} failed:\n{out.stderr[-3000:]}"
    assert "no latches" in out.stdout and " cells" in out.stdout, out.stdout

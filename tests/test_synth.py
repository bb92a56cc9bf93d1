"""Each block synthesizes with yosys' generic flow and infers no latch.

scripts/synth_report.sh fails when yosys errors out or `select -assert-none`
finds a $dlatch / $_DLATCH_* cell; the cell count it prints is the README's figure.
"""

import subprocess

import pytest

from tb.runner import ROOT


@pytest.mark.synth
@pytest.mark.parametrize("top", ["smmu_tlb", "its_doorbell", "gicv2m_frame"])
def test_synthesizes_without_latches(top):
    out = subprocess.run([str(ROOT / "scripts" / "synth_report.sh"), top],
                         capture_output=True, text=True, timeout=900)
    print(out.stdout, out.stderr)
    assert out.returncode == 0, f"yosys synth of {top} failed:\n{out.stderr[-3000:]}"
    assert "no latches" in out.stdout and " cells" in out.stdout, out.stdout

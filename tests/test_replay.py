"""Real Linux programs the RTL: captured boots (tb/replay, docs/replay.md) replayed
against the ITS. The given Linux 6.1 boot (../shared/linux61-qemu/gicv3-its) and the
capture this project made with its own tool (captures/) both run in `make test`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tb.replay.capture import shared_linux61_capture
from tb.runner import run_cocotb

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_ALL = sorted(p for p in (ROOT / "captures").glob("*") if (p / "memory").is_dir())
SHIPPED = [p for p in SHIPPED_ALL if p.name.endswith("-gic3")]
ITS_SOURCES = ["its_doorbell.v", "its_cmd.v", "its_xlate.v"]
SMMUV3_SOURCES = sorted(p.name for p in (ROOT / "hdl").glob("smmu_v3*.v")) + [
    "smmu_xlate_core.v", "smmu_ptw.v", "smmu_tlb_array.v", "smmu_walk_cache.v",
    "smmu_rd_resp.v", "smmu_wr_resp.v"]


def _replay_its(capture: Path, name: str) -> None:
    out = ROOT / "results" / "replay" / name
    run_cocotb(toplevel="its_doorbell", sources=ITS_SOURCES, test_module="cocotb_replay_its",
               parameters={}, extra_env={"REPLAY_CAPTURE": str(capture), "REPLAY_OUT": str(out)})


def _replay_smmu(capture: Path, name: str) -> None:
    out = ROOT / "results" / "replay" / name
    run_cocotb(toplevel="smmu_v3", sources=SMMUV3_SOURCES, test_module="cocotb_replay_smmu",
               parameters={"AXIL_DATA_WIDTH": 64},
               extra_env={"REPLAY_CAPTURE": str(capture), "REPLAY_OUT": str(out)})


@pytest.mark.sim
def test_replay_its_shared_linux61():
    _replay_its(shared_linux61_capture(), "shared-linux61")


@pytest.mark.sim
@pytest.mark.parametrize("capture", SHIPPED, ids=[p.name for p in SHIPPED])
def test_replay_its_shipped(capture):
    _replay_its(capture, capture.name)


def test_a_capture_is_shipped():
    assert SHIPPED, "no capture made by scripts/capture/ is shipped in captures/"


@pytest.mark.sim
def test_replay_its_catches_a_wrong_lpi(tmp_path):
    """The replay can fail: a copy of the shipped capture in which QEMU's record of one
    MSI names another INTID must be reported as a mismatch."""
    import gzip
    import json
    import shutil

    src = SHIPPED[0]
    bad = tmp_path / src.name
    shutil.copytree(src, bad)
    path = bad / "its_events.jsonl.gz"
    rows = [json.loads(x) for x in gzip.decompress(path.read_bytes()).decode().splitlines()]
    rows[-1]["intid"] = hex(int(rows[-1]["intid"], 16) + 1)
    path.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode()))
    with pytest.raises(Exception) as err:
        _replay_its(bad, "tampered")
    assert "replay_its" in str(err.value) or "fail" in str(err.value).lower()
    report = json.loads((ROOT / "results/replay/tampered/replay_its.json").read_text())
    assert report["counts"]["msis"]["mismatched"] == 1, report["counts"]
    assert "INTID/target differ" in report["mismatches"][0]

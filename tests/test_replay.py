"""Real Linux programs the RTL: captured boots (tb/replay, docs/replay.md) replayed
against the SMMUv3 (every translation still valid at the end, every command) and the ITS
(every command, every MSI). The given Linux 6.1 boot (../shared/linux61-qemu/gicv3-its)
and the captures this project made with its own tool (captures/) run in `make test`;
a tampered copy of each kind must fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from tb import rtl_files
from tb.replay.capture import shared_linux61_capture
from tb.runner import run_cocotb

# The sources of each replayed block (one build per block and parameter set).
ROOT = Path(__file__).resolve().parent.parent
SHIPPED_ALL = sorted(p for p in (ROOT / "captures").glob("*") if (p / "memory").is_dir())
SHIPPED = [p for p in SHIPPED_ALL if p.name.endswith("-gic3")]
SHIPPED_V2M = [p for p in SHIPPED_ALL if p.name.endswith("-gic2")]
ITS_SOURCES = ["its_doorbell.v", "its_cmd.v", "its_xlate.v"]
# the SMMUv3 front-end on the shared core: every file of both blocks (hdl/README.md)
SMMUV3_SOURCES = [p.name for p in rtl_files.sources(blocks=("smmu_v3", "smmu_core"))]


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
def test_replay_smmu_shared_linux61():
    _replay_smmu(shared_linux61_capture(), "shared-linux61")


@pytest.mark.sim
@pytest.mark.parametrize("capture", SHIPPED_ALL, ids=[p.name for p in SHIPPED_ALL])
def test_replay_smmu_shipped(capture):
    _replay_smmu(capture, capture.name)


@pytest.mark.sim
def test_replay_its_shared_linux61():
    _replay_its(shared_linux61_capture(), "shared-linux61")


@pytest.mark.sim
@pytest.mark.parametrize("capture", SHIPPED, ids=[p.name for p in SHIPPED])
def test_replay_its_shipped(capture):
    _replay_its(capture, capture.name)


def _replay_v2m(capture: Path, name: str) -> None:
    out = ROOT / "results" / "replay" / name
    run_cocotb(toplevel="gicv2m_frame", sources=["gicv2m_frame.v"], test_module="cocotb_replay_v2m",
               parameters={}, extra_env={"REPLAY_CAPTURE": str(capture), "REPLAY_OUT": str(out)})


@pytest.mark.sim
@pytest.mark.parametrize("capture", SHIPPED_V2M, ids=[p.name for p in SHIPPED_V2M])
def test_replay_v2m_shipped(capture):
    _replay_v2m(capture, capture.name)


def test_a_capture_is_shipped():
    assert SHIPPED and SHIPPED_V2M, "captures/ must hold a GICv3 and a GICv2m capture made by " \
        "scripts/capture/"


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


@pytest.mark.sim
def test_replay_smmu_catches_a_wrong_pa(tmp_path):
    """The SMMU replay can fail: in a copy of the shipped capture, cut after its first
    replayable translations, QEMU's PA of the last one is moved by a page; the replay
    must report exactly that translation as mismatched."""
    import gzip
    import json
    import shutil

    from tb.replay.capture import load_capture
    from tb.replay.smmu_replay import replayable_translations

    src = SHIPPED[0]
    bad = tmp_path / src.name
    shutil.copytree(src, bad)
    ok, _ = replayable_translations(load_capture(bad))
    victim = ok[8]

    def rewrite(name, keep, edit=lambda r: r):
        path = bad / f"{name}.jsonl.gz"
        rows = [json.loads(x) for x in gzip.decompress(path.read_bytes()).decode().splitlines()]
        rows = [edit(r) for r in rows if keep(r)]
        path.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode()))

    def move(r):
        if r["seq"] == victim["seq"]:
            r["pa"] = hex(int(r["pa"], 16) ^ 0x1000)
        return r
    rewrite("translations", lambda r: r["seq"] <= victim["seq"], move)
    rewrite("mmio_smmu", lambda r: r["seq"] <= victim["seq"])
    with pytest.raises(Exception):
        _replay_smmu(bad, "tampered-smmu")
    report = json.loads((ROOT / "results/replay/tampered-smmu/replay_smmu.json").read_text())
    assert report["counts"]["translations"]["mismatched"] == 1, report["counts"]
    assert report["counts"]["translations"]["reproduced"] == 8, report["counts"]
    assert f"translation seq {victim['seq']} " in report["mismatches"][0]

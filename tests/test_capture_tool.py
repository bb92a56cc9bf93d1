"""The capture tool's trace and memory decoding (scripts/capture/build_capture.py) checked
against a capture nobody in this project made: QEMU's trace of the shared Linux 6.1 boot
(../shared/linux61-qemu/gicv3-its/trace.log.gz) decoded by our builder must give the
rows that the fixture's own tool wrote (register accesses, translations with their
walks, MSIs, both command queues read back from the dumped memory)."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from pymodel.memory import MemoryImage
from tb.replay.capture import load_capture, shared_linux61_capture

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts" / "capture"))
import build_capture as B  # noqa: E402


class _ImageRam:
    """build_capture's RAM interface over the fixture's dumped regions."""

    def __init__(self, image: MemoryImage):
        self.image = image

    def read(self, addr: int, size: int) -> bytes:
        return self.image.read(addr, size)

    def q(self, addr: int) -> int:
        return self.image.read_u64(addr)


@pytest.fixture(scope="module")
def decoded(tmp_path_factory):
    ref = shared_linux61_capture()
    trace = tmp_path_factory.mktemp("trace") / "trace.log"
    trace.write_bytes(gzip.decompress((ref / "trace.log.gz").read_bytes()))
    marker = json.loads((ref / "summary.json").read_text())["marker_seq"]
    regs: dict[str, list[int]] = {}
    for r in json.loads((ref / "raw_monitor_regs.json").read_text()):
        off = int(r["offset"], 16)
        if r["frame"] in ("smmu", "its", "gicr") and off < 0x200:
            words = regs.setdefault(r["frame"], [0] * 0x80)
            words[off // 4] = int(r["value"], 16)
    image = MemoryImage()
    cap = load_capture(ref)
    cap.load_memory(image)
    built = B.Capture(B.read_trace(trace, marker - 1), _ImageRam(image), regs, 3)
    built.mmio()
    built.smmu_cmdq()
    built.translations()
    built.its_cmdq()
    built.msis()
    return cap, built


def _keyed(rows, keys):
    return [tuple(r.get(k) for k in keys) for r in rows]


@pytest.mark.parametrize("name, keys", [
    ("mmio_smmu", ("seq", "rw", "offset", "size", "value", "reg")),
    ("mmio_its", ("seq", "rw", "offset", "size", "value")),
    ("mmio_gicr", ("seq", "rw", "offset", "size", "value", "redist")),
    ("translations", ("seq", "sid", "iova", "pa", "perm", "iotlb", "walk", "rw")),
    ("its_events", ("seq", "devid", "eventid", "intid", "itt_addr", "icid", "msi_iova", "msi_pa",
                    "translation_seq", "acked_by_iar1_seq")),
    ("cmdq_smmu", ("index", "addr", "raw", "opcode", "name", "fields",
                   "published_by_prod_write_seq", "consumed_seq", "qemu_name")),
    ("cmdq_its", ("index", "addr", "raw", "opcode", "name", "fields", "processed_seq")),
])
def test_builder_matches_the_fixture(decoded, name, keys):
    cap, built = decoded
    want, got = _keyed(cap.rows(name), keys), _keyed(built.rows[name], keys)
    assert len(got) == len(want), f"{name}: {len(got)} rows decoded, fixture has {len(want)}"
    bad = [(w, g) for w, g in zip(want, got) if w != g]
    assert not bad, f"{name}: {len(bad)} rows differ; first: fixture {bad[0][0]} decoded {bad[0][1]}"


def test_smmu_command_names_match_qemus(decoded):
    cap, built = decoded
    assert [r["name"] for r in built.rows["cmdq_smmu"]] == [r["name"] for r in cap.rows("cmdq_smmu")]
    assert all(r["name_matches_trace"] for r in built.rows["cmdq_smmu"])

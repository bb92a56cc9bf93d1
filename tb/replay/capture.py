"""Reads a capture directory in the project's replay format (docs/replay.md; the format of
../shared/linux61-qemu/gicv3-its/README.md, written by scripts/capture/).

`load_capture(path)` gives a `Capture`: the rows of every jsonl file (plain or .gz), the
memory regions of memory/index.json and their bytes. `Capture.load_memory(image)` puts the
regions at their guest-physical addresses in a pymodel.memory.MemoryImage.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from pymodel.memory import MemoryImage

ROOT = Path(__file__).resolve().parents[2]
SHARED_LINUX61 = ROOT.parent / "shared" / "linux61-qemu" / "gicv3-its"


class CaptureError(ValueError):
    """A capture directory that is missing or does not follow the replay format."""


def shared_linux61_capture() -> Path:
    """The reference boot the project was given: $LINUX61_CAPTURE, else
    ../shared/linux61-qemu/gicv3-its beside the repository. Raises CaptureError if absent."""
    path = Path(os.environ.get("LINUX61_CAPTURE", SHARED_LINUX61))
    if not (path / "memory" / "index.json").is_file():
        raise CaptureError(f"the Linux 6.1 reference capture is not at {path} "
                           "(set LINUX61_CAPTURE to its gicv3-its directory)")
    return path


def hexint(v) -> int | None:
    """A capture number: hex string ("0x8") or int; None stays None."""
    return None if v is None else (int(v, 16) if isinstance(v, str) else int(v))


@dataclass(frozen=True)
class Region:
    addr: int
    size: int
    kind: str
    file: str
    info: dict


@dataclass
class Capture:
    path: Path
    regions: list[Region]
    roots: dict
    _rows: dict[str, list[dict]] = field(default_factory=dict)

    def rows(self, name: str) -> list[dict]:
        """Rows of <name>.jsonl (or .jsonl.gz); [] if the capture has no such file
        (a GICv2m capture has no ITS files)."""
        if name not in self._rows:
            plain, packed = self.path / f"{name}.jsonl", self.path / f"{name}.jsonl.gz"
            if plain.is_file():
                text = plain.read_text()
            elif packed.is_file():
                text = gzip.decompress(packed.read_bytes()).decode()
            else:
                text = ""
            try:
                self._rows[name] = [json.loads(line) for line in text.splitlines() if line.strip()]
            except json.JSONDecodeError as e:
                raise CaptureError(f"{self.path / name}.jsonl: {e}") from None
        return self._rows[name]

    @property
    def gic(self) -> int:
        return 3 if self.rows("cmdq_its") or self.rows("mmio_its") else 2

    def region_bytes(self, region: Region) -> bytes:
        data = gzip.decompress((self.path / "memory" / region.file).read_bytes())
        if len(data) != region.size:
            raise CaptureError(f"memory/{region.file}: {len(data)} bytes, index says {region.size}")
        return data

    def load_memory(self, image: MemoryImage, kinds: set[str] | None = None) -> int:
        """Write every region (or those of `kinds`) into `image`; returns bytes loaded."""
        n = 0
        for r in self.regions:
            if kinds is None or r.kind in kinds:
                image.write(r.addr, self.region_bytes(r))
                n += r.size
        return n

    def translations(self) -> list[dict]:
        return self.rows("translations")

    def msis(self) -> list[dict]:
        return self.rows("its_events") if self.gic == 3 else self.rows("v2m_events")


def load_capture(path: str | os.PathLike) -> Capture:
    path = Path(path)
    index = path / "memory" / "index.json"
    if not index.is_file():
        raise CaptureError(f"{path}: no memory/index.json, not a capture directory")
    try:
        idx = json.loads(index.read_text())
        regions = [Region(hexint(r["addr"]), int(r["size"]), r["kind"], r["file"],
                          {k: v for k, v in r.items() if k not in ("addr", "size", "kind", "file")})
                   for r in idx["regions"]]
    except (KeyError, ValueError, TypeError) as e:
        raise CaptureError(f"{index}: malformed ({e!r})") from None
    return Capture(path, regions, idx.get("roots", {}))


__all__ = ["Capture", "CaptureError", "Region", "hexint", "load_capture", "shared_linux61_capture"]

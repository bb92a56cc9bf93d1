"""The replay's tally: reproduced / mismatched / not replayable (with the reason) for
commands, translations and MSIs, the feature checks, and a transaction log."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


class ReplayMismatch(AssertionError):
    """The RTL did not reproduce what QEMU's models did with Linux's programming."""


@dataclass
class ReplayReport:
    capture: str
    counts: dict[str, Counter] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)
    features: list[tuple[str, str, bool]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    log_lines: list[str] = field(default_factory=list)

    def _count(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += n

    def command(self, index: int, name: str, ok: bool, how: str) -> None:
        self._count("commands", "reproduced" if ok else "mismatched")
        if not ok:
            self.mismatches.append(f"command {index} {name}: {how}")

    def msi(self, what: str, qemu, rtl, why: str) -> None:
        ok = not why
        self._count("msis", "reproduced" if ok else "mismatched")
        if not ok:
            self.mismatches.append(f"{what}: QEMU {_fmt(qemu)}, RTL {_fmt(rtl)} ({why})")

    def translation(self, what: str, qemu, rtl, why: str) -> None:
        ok = not why
        self._count("translations", "reproduced" if ok else "mismatched")
        if not ok:
            self.mismatches.append(f"{what}: QEMU {_fmt(qemu)}, RTL {_fmt(rtl)} ({why})")

    def not_replayable(self, kind: str, n: int, reason: str) -> None:
        self._count(kind, f"not replayable: {reason}", n)

    def feature(self, name: str, what: str, ok: bool) -> None:
        self.features.append((name, what, ok))
        if not ok:
            self.mismatches.append(f"feature {name}: {what}")

    def note(self, text: str) -> None:
        self.notes.append(text)

    def txlog(self, line: str) -> None:
        self.log_lines.append(line)

    def summary(self) -> str:
        out = [f"replay of {self.capture}"]
        for name, what, ok in self.features:
            out.append(f"  feature {'ok ' if ok else 'BAD'} {name}: {what}")
        for kind in ("commands", "translations", "msis"):
            c = self.counts.get(kind, Counter())
            total = sum(c.values())
            if not total:
                continue
            out.append(f"  {kind:<13} {total:5d}: reproduced {c['reproduced']}, "
                       f"mismatched {c['mismatched']}")
            for outcome, n in sorted(c.items()):
                if outcome.startswith("not replayable"):
                    out.append(f"      {n:5d} {outcome}")
        out += [f"  note: {n}" for n in self.notes]
        out += [f"  MISMATCH {m}" for m in self.mismatches[:20]]
        if len(self.mismatches) > 20:
            out.append(f"  ... {len(self.mismatches) - 20} more mismatches")
        return "\n".join(out)

    def write(self, directory: Path, name: str) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{name}.txlog").write_text(
            "# replay txlog: time = the rising edge of the handshake, one line per checked "
            "transaction\n" + "\n".join(self.log_lines) + "\n")
        path = directory / f"{name}.json"
        path.write_text(json.dumps({"capture": self.capture, "counts": self.counts,
                                    "mismatches": self.mismatches,
                                    "features": self.features, "notes": self.notes},
                                   indent=1) + "\n")
        return path

    def check(self) -> None:
        """Raise ReplayMismatch naming the first mismatches; a replay that checked
        nothing fails too."""
        checked = sum(c["reproduced"] + c["mismatched"] for c in self.counts.values())
        if not checked:
            raise ReplayMismatch(f"replay of {self.capture} checked nothing")
        if self.mismatches:
            raise ReplayMismatch(f"{len(self.mismatches)} mismatches; first: "
                                 + "; ".join(self.mismatches[:3]))


def _fmt(v) -> str:
    if v is None:
        return "nothing"
    if isinstance(v, tuple):
        return "(" + ", ".join(_fmt(x) for x in v) + ")"
    return hex(v) if isinstance(v, int) else str(v)

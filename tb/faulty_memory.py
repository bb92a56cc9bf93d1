"""FaultyMemory: a MemoryImage view whose accesses to chosen addresses fail.

cocotbext-axi's RAM models (AxiRam, AxiRamRead, AxiRamWrite) reach memory through
``mem[start:stop]`` slices, one bus-width word per beat, and turn any exception into
an error response (cocotbext/axi/axi_slave.py):

* read:  the failing beat gets RRESP = SLVERR and all-zero RDATA; the other beats
  of the burst are answered normally;
* write: the failing beat is not written and the burst's BRESP is SLVERR (the other
  beats of the burst are still written).

So handing ``AxiRam(..., mem=FaultyMemory(image))`` to a DUT port injects bus errors
on exactly the beats that touch an address in ``read_error_addrs`` /
``write_error_addrs`` (byte addresses; a beat fails if any of its bytes is listed),
while the shared ``image`` stays what the golden model reads and writes.
``hits`` records every injected error, so a test can check its fault was reached.
"""

from __future__ import annotations

from typing import Iterable

from pymodel.memory import MemoryAccessError, MemoryImage


class InjectedBusError(MemoryAccessError):
    """An access the testbench chose to fail (answered with SLVERR by the RAM model)."""


class FaultyMemory:
    """MemoryImage wrapper (SparseMemory slice protocol) injecting bus errors."""

    def __init__(self, image: MemoryImage, read_errors: Iterable[int] = (),
                 write_errors: Iterable[int] = ()):
        self.image = image
        self.read_error_addrs: set[int] = set(read_errors)
        self.write_error_addrs: set[int] = set(write_errors)
        self.hits: list[tuple[str, int, int]] = []   # (read|write, start, stop)

    # the SMMU walker's historical names
    @property
    def error_addrs(self) -> set[int]:
        return self.read_error_addrs

    def read_error(self, addr: int) -> bool:
        """Whether a read of the byte at `addr` fails (for a model's read_error hook)."""
        return addr in self.read_error_addrs

    def write_error(self, addr: int) -> bool:
        return addr in self.write_error_addrs

    def clear(self) -> None:
        """Remove every injected error (the record of hits is kept)."""
        self.read_error_addrs.clear()
        self.write_error_addrs.clear()

    @staticmethod
    def _span(key, size: int) -> tuple[int, int]:
        if isinstance(key, slice):
            start, stop, _ = key.indices(size)
            return start, stop
        return key, key + 1

    def _check(self, kind: str, errors: set[int], key) -> None:
        if errors:
            start, stop = self._span(key, len(self.image))
            if any(start <= a < stop for a in errors):
                self.hits.append((kind, start, stop))
                raise InjectedBusError(f"injected {kind} bus error in [{start:#x}, {stop:#x})")

    def __len__(self) -> int:
        return len(self.image)

    def __getitem__(self, key):
        self._check("read", self.read_error_addrs, key)
        return self.image[key]

    def __setitem__(self, key, value) -> None:
        self._check("write", self.write_error_addrs, key)
        self.image[key] = value


__all__ = ["FaultyMemory", "InjectedBusError"]

"""Passive monitors and small helpers shared by the system testbenches.

Monitors sample after RisingEdge and ReadOnly and publish plain dataclasses
(pattern of cocotb's matrix_multiplier example). They never drive anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import cocotb
from cocotb.triggers import ReadOnly, RisingEdge
from cocotb.utils import get_sim_time

from tb.timeouts import WaitTimeout
from tb.timeouts import wait_named as _wait_named


# The project's one timeout helper is tb.timeouts; this keeps the system benches'
# argument order (awaitable, time, what).
NamedTimeout = WaitTimeout


async def wait_named(awaitable, time_us: float, what: str):
    """Await with a timeout that raises tb.timeouts.WaitTimeout naming `what`."""
    return await _wait_named(awaitable, what, timeout_us=time_us)


def _int(sig) -> int:
    """Value of a handle as int; X/Z read as 0 (only sampled on a handshake)."""
    try:
        return int(sig.value)
    except ValueError:
        return 0


@dataclass
class AddrBeat:
    """One handshake on an AW or AR channel."""

    time_ns: float
    channel: str          # "aw" or "ar"
    id: int
    addr: int
    len: int
    size: int
    burst: int
    prot: int
    cache: int
    user: int | None


class AxiAddrMonitor:
    """Records every AW/AR handshake of one AXI4 interface.

    `prefix` is the signal prefix under `handle` (e.g. "m_axi_t0_" on the top,
    or "smmu_m_axi_" for wires inside the top). Subscribers get each beat.
    """

    def __init__(self, handle, clk, prefix: str, channels=("aw", "ar"), name: str | None = None):
        self.handle, self.clk, self.prefix = handle, clk, prefix
        self.name = name or prefix.rstrip("_")
        self.channels = channels
        self.beats: list[AddrBeat] = []
        self.callbacks: list[Callable[[AddrBeat], None]] = []
        self._task = None

    def _sig(self, ch: str, field: str):
        return getattr(self.handle, f"{self.prefix}{ch}{field}", None)

    def start(self) -> "AxiAddrMonitor":
        if self._task is None:
            self._task = cocotb.start_soon(self._run())
        return self

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self) -> None:
        sigs = {ch: {f: self._sig(ch, f) for f in ("valid", "ready", "id", "addr", "len", "size",
                                                      "burst", "prot", "cache", "user")}
                for ch in self.channels}
        while True:
            await RisingEdge(self.clk)
            await ReadOnly()
            for ch, s in sigs.items():
                if _int(s["valid"]) and _int(s["ready"]):
                    beat = AddrBeat(
                        time_ns=get_sim_time("ns"), channel=ch,
                        id=_int(s["id"]) if s["id"] is not None else 0,
                        addr=_int(s["addr"]), len=_int(s["len"]) if s["len"] is not None else 0,
                        size=_int(s["size"]) if s["size"] is not None else 0,
                        burst=_int(s["burst"]) if s["burst"] is not None else 1,
                        prot=_int(s["prot"]) if s["prot"] is not None else 0,
                        cache=_int(s["cache"]) if s["cache"] is not None else 0,
                        user=_int(s["user"]) if s["user"] is not None else None)
                    self.beats.append(beat)
                    for cb in self.callbacks:
                        cb(beat)


@dataclass
class StreamBeat:
    """One valid/ready handshake of an interrupt output (LPI or SPI)."""

    time_ns: float
    fields: dict[str, int]


class ValidReadyMonitor:
    """Records handshakes of a valid/ready stream such as lpi_* or spi_*."""

    def __init__(self, handle, clk, prefix: str, fields: tuple[str, ...]):
        self.handle, self.clk, self.prefix, self.fields = handle, clk, prefix, fields
        self.beats: list[StreamBeat] = []
        self.callbacks: list[Callable[[StreamBeat], None]] = []
        self._task = None

    def start(self) -> "ValidReadyMonitor":
        if self._task is None:
            self._task = cocotb.start_soon(self._run())
        return self

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self) -> None:
        valid = getattr(self.handle, f"{self.prefix}valid")
        ready = getattr(self.handle, f"{self.prefix}ready")
        sigs = {f: getattr(self.handle, f"{self.prefix}{f}") for f in self.fields}
        while True:
            await RisingEdge(self.clk)
            await ReadOnly()
            if _int(valid) and _int(ready):
                beat = StreamBeat(get_sim_time("ns"), {f: _int(s) for f, s in sigs.items()})
                self.beats.append(beat)
                for cb in self.callbacks:
                    cb(beat)

"""Monitors shared by the testbenches (SMMU, ITS, GICv2m and the system).

Passive monitors sample after RisingEdge and ReadOnly and publish plain dataclasses
(pattern of cocotb's matrix_multiplier example); ReadySink is the one component
here that drives a signal: the ready of the stream it terminates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable

import cocotb
from cocotb.triggers import Event, FallingEdge, ReadOnly, RisingEdge
from cocotb.utils import get_sim_time

from tb.timeouts import wait_named


def _int(sig) -> int:
    """Value of a valid/ready handle as int; X/Z read as 0 (no handshake)."""
    try:
        return int(sig.value)
    except ValueError:
        return 0


class UnknownPayload(AssertionError):
    """A handshake carried X or Z on a payload signal."""


def _payload(sig, default):
    """Payload value sampled on a handshake: absent signal -> default; X/Z -> error."""
    if sig is None:
        return default
    try:
        return int(sig.value)
    except ValueError:
        raise UnknownPayload(f"{sig._path} = {sig.value} during a handshake") from None


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

    def __init__(self, handle, clk, prefix: str, channels=("aw", "ar"), name: str | None = None,
                 callback: Callable[[AddrBeat], None] | None = None):
        self.handle, self.clk, self.prefix = handle, clk, prefix
        self.name = name or prefix.rstrip("_")
        self.channels = channels
        self.beats: list[AddrBeat] = []
        self.callbacks: list[Callable[[AddrBeat], None]] = [callback] if callback else []
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
                        id=_payload(s["id"], 0), addr=_payload(s["addr"], None),
                        len=_payload(s["len"], 0), size=_payload(s["size"], 0),
                        burst=_payload(s["burst"], 1), prot=_payload(s["prot"], 0),
                        cache=_payload(s["cache"], 0), user=_payload(s["user"], None))
                    self.beats.append(beat)
                    for cb in self.callbacks:
                        cb(beat)


def _tap_int(fields: dict, name: str, default):
    bits = fields.get(name)
    if bits is None:
        return default
    if not bits or any(c not in "01" for c in bits):
        raise UnknownPayload(f"{name} = {bits} during a handshake")
    return int(bits, 2)


class AxiAddrTap:
    """AxiAddrMonitor's beats and callbacks without a coroutine: the protocol checker
    (ProtocolChecker.tap), which samples the port every clock anyway, hands over each
    AW / AR transfer of one of its ports. Sampled at the edge the handshake completes,
    so time_ns is one clock earlier: what AxiAddrMonitor's ReadOnly sample says."""

    def __init__(self, checker, port: str, clock_period_ns: float, name: str | None = None,
                 channels=("aw", "ar")):
        self.name = name or port
        self.period = clock_period_ns
        self.beats: list[AddrBeat] = []
        self.callbacks: list[Callable[[AddrBeat], None]] = []
        for ch in channels:
            checker.tap(port, ch, lambda f, ch=ch: self._beat(ch, f))

    def _beat(self, ch: str, f: dict) -> None:
        g = lambda n, d: _tap_int(f, n, d)  # noqa: E731
        beat = AddrBeat(time_ns=get_sim_time("ns") - self.period, channel=ch, id=g("id", 0),
                        addr=g("addr", None), len=g("len", 0), size=g("size", 0),
                        burst=g("burst", 1), prot=g("prot", 0), cache=g("cache", 0),
                        user=g("user", None))
        self.beats.append(beat)
        for cb in self.callbacks:
            cb(beat)


class StreamTap:
    """ValidReadyMonitor's beats and callbacks from the protocol checker (see AxiAddrTap)."""

    def __init__(self, checker, port: str, fields: tuple[str, ...], clock_period_ns: float):
        self.fields, self.period = fields, clock_period_ns
        self.beats: list[StreamBeat] = []
        self.callbacks: list[Callable[[StreamBeat], None]] = []
        checker.tap(port, "", self._beat)

    def _beat(self, f: dict) -> None:
        beat = StreamBeat(get_sim_time("ns") - self.period,
                          {n: _tap_int(f, n, 0) for n in self.fields})
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
                beat = StreamBeat(get_sim_time("ns"), {f: _payload(s, 0) for f, s in sigs.items()})
                self.beats.append(beat)
                for cb in self.callbacks:
                    cb(beat)


@dataclass(frozen=True)
class SinkBeat:
    """One handshake taken by a ReadySink."""

    fields: dict[str, int]
    cycle: int            # index of the rising edge on which the handshake completed


class ReadySink:
    """The receiving end of a valid/ready stream (an interrupt output standing in for
    a redistributor or CPU interface): drives <prefix>ready, 1 with probability
    p_ready, changed on falling edges, and records each handshake's payload.

    `valid_rise` lists the rising-edge indexes at which a new item was first
    presented (valid going high, or staying high after a handshake): latency benches
    measure from the stimulus to these.
    """

    def __init__(self, handle, clk, prefix: str, fields: tuple[str, ...],
                 p_ready: float = 1.0, rng: random.Random | None = None):
        self.handle, self.clk, self.prefix, self.fields = handle, clk, prefix, fields
        self.p_ready = p_ready
        self.rng = rng or random.Random(0)
        self.beats: list[SinkBeat] = []
        self.cycle = 0
        self.valid_rise: list[int] = []
        self._event = Event()
        self._task = None

    def start(self) -> "ReadySink":
        getattr(self.handle, f"{self.prefix}ready").value = 0
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
        prev_valid, prev_fire = 0, False
        while True:
            await FallingEdge(self.clk)
            self.cycle += 1                       # index of the rising edge just passed
            v = _int(valid)
            if v and (not prev_valid or prev_fire):
                self.valid_rise.append(self.cycle)
            r = int(self.rng.random() < self.p_ready)
            ready.value = r
            prev_valid, prev_fire = v, bool(v and r)
            if v and r:                           # completes on the next rising edge
                self.beats.append(SinkBeat({f: _payload(s, 0) for f, s in sigs.items()},
                                           self.cycle + 1))
                self._event.set()

    async def wait_count(self, n: int, timeout_us: float = 200) -> None:
        """Wait until n handshakes have been taken."""
        async def _w():
            while len(self.beats) < n:
                self._event.clear()
                await self._event.wait()
        await wait_named(_w(), f"{n} handshakes on {self.prefix}* (have {len(self.beats)})",
                         timeout_us)

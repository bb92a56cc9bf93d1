"""cocotbext-axi stream monitors woken in a fixed order, not in the simulator's.

Why: an idle StreamMonitor / StreamSink (the B and R sinks of the masters, the AW, W
and AR sinks of the RAMs) sleeps on its `wake_event` until a helper coroutine sees
RisingEdge(valid) or RisingEdge(ready). When several such signals rise in one time
step, the order of their value-change callbacks is the simulator's: Icarus fires them
in its event order (a VALID behind a tb_bp_gate's continuous assign after an ungated
one), Verilator after `eval` in the order of its callback list. The sinks resume in
that order and re-join the clock's RisingEdge in that order, and a trigger resumes its
waiters first come, first served: from then on, on every clock, the models' coroutines
run in an order that depends on the simulator. Where two coroutines act on one edge
(a kernel task whose CPU read ends, another whose CPU write ends, each queueing its
next AXI-Lite access) they queue in the other order, and the two simulators run
different cycles: SEED=7 random_system on msi_system_tb, 11 930 cycles on Icarus,
12 025 on Verilator, every VALID/READY equal up to the first such swap (73 360 ns).

install() replaces the two helper coroutines of every StreamMonitor made after it:
an edge only notes the monitor, and one task wakes the noted monitors at the time
step's ReadWrite, in the order the monitors were made (the same in both simulators).
A woken sink does nothing before its next clock edge, so waking later in the same
time step changes nothing else. Written against cocotbext-axi 0.1.28 (stream.py).
"""

from __future__ import annotations

import itertools

import cocotb
from cocotb.triggers import Event, ReadWrite, RisingEdge
from cocotbext.axi import stream

_pending: dict[int, Event] = {}    # rank -> what to set (a wake_event, in_order's), this step
_armed = Event()
_ranks = itertools.count()
_flusher = None


async def _flush() -> None:
    """Once per time step with a noted monitor: wake them at ReadWrite, by rank."""
    while True:
        await _armed.wait()
        await ReadWrite()
        _armed.clear()
        woken = [_pending[r] for r in sorted(_pending)]
        _pending.clear()
        for event in woken:
            event.set()


def _note(event: Event, rank: int) -> None:
    _pending[rank] = event
    _armed.set()


async def in_order(owner) -> None:
    """Resume at this time step's ReadWrite, in owner's rank among everything noted in
    this step: after a value-change trigger, which resumes in the simulator's order
    (tb/source_stall.py's stalled sources)."""
    event = Event()
    _note(event, rank(owner))
    await event.wait()


def rank(mon) -> int:
    """The monitor's (or source's) place in the wake order: when its first helper (a
    source: its task) started, that is the order the models were made in (the same on
    every simulator). Never first taken after a value-change trigger, which resumes in
    the simulator's order."""
    if not hasattr(mon, "_wake_rank"):
        mon._wake_rank = next(_ranks)
    return mon._wake_rank


async def _watch(mon: stream.StreamMonitor, signal) -> None:
    """What cocotbext-axi's helper does on RisingEdge(signal), but noted, not woken."""
    place = rank(mon)
    edge = RisingEdge(signal)
    while True:
        await edge
        _note(mon.wake_event, place)


def _run_valid_monitor(self):
    return _watch(self, self.valid)


def _run_ready_monitor(self):
    return _watch(self, self.ready)


def install() -> None:
    """Wake every StreamMonitor made from now on in a fixed order (call before the
    bus models are built; again in a later cocotb test of the process is harmless)."""
    global _flusher
    stream.StreamMonitor._run_valid_monitor = _run_valid_monitor
    stream.StreamMonitor._run_ready_monitor = _run_ready_monitor
    _pending.clear()            # a previous test's monitors (its tasks are cancelled)
    _armed.clear()
    if _flusher is None or _flusher.done():
        _flusher = cocotb.start_soon(_flush())

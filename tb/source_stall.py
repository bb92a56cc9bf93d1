"""cocotbext-axi stream sources that sleep through a stalled transfer.

Why: a StreamSource (the AW, W and AR channels of an AxiMaster, the B and R channels
of an AxiRam) wakes on every rising clock edge while it has something to send. When
its VALID is up and READY is low, that wake does nothing but sample READY again. In
the system random test (SEED=7, 100 ops per device) 27 000 of its 49 000 source
wake-ups were such stalls, mostly the devices' AW and W channels while the SMMU
walks the page tables: 4% of the simulator's instructions (callgrind).

install() replaces StreamSource._run by run_sleeping_while_stalled: the library's loop
line for line, and on a stalled edge, before the next one, it waits for READY's
rising edge. The library's loop does nothing on a stalled edge, and the first edge
it acts on again is the first one that samples READY high; READY must rise before
that edge, so no edge the library acts on is skipped. READY may also rise and fall
again between two edges: the edge then samples it low and the source waits again.
A reset kills the task while it waits, as it kills the library's.

The rise resumes sources in the simulator's callback order, so each then waits for
the time step's ReadWrite and resumes in a fixed order (tb/ordered_wake.py in_order)
before it rejoins the clock edge: otherwise the sources would run in a
simulator-dependent order on the next edges. That wait misses an edge in the same
time step after the rise; READY rises after the edge in every bench here (registered
outputs, Python writes at edges), and a rise before it is a ReadyBeforeEdge error.

It also drives a transfer's payload like cocotb_bus's Bus.drive, but writes only the
signals whose value differs from the one the task last wrote (the first transfer
after a task start writes all): an AW's cache, prot, size and burst, a W's strobes,
an R's ID and response are the same beat after beat, and each write costs a
scheduled write and the simulator a put_value. Only the source writes its payload
signals; its reset handler writes only VALID.

tests/cocotb_source_stall.py runs the library's loop, this one and a mutant side by
side on one READY pattern (held, mid-cycle rises, pulses that fall before the edge,
resets) and requires the same handshakes from this one, and different ones from the
mutant; tests/test_simulators_agree.py and the system tests run with it installed.
Written against cocotbext-axi 0.1.28 (stream.py): install() refuses another loop.
"""

from __future__ import annotations

import hashlib
import inspect

from cocotb.triggers import RisingEdge
from cocotb.utils import get_sim_time
from cocotb_bus.bus import Bus
from cocotbext.axi import stream

from tb import ordered_wake

# sha256 of the source text of cocotbext-axi 0.1.28's StreamSource._run and of
# cocotb_bus 0.3.0's Bus.drive
LIBRARY_RUN_SHA256 = "ae512d5f869857dfafe263c07e1389b43c469e34c9e12371f6be3f337e11ab90"
LIBRARY_DRIVE_SHA256 = "fa80b0d65a5d658e64df1140bcb80842b6eb3f2ff54786af2ce5d26253bb7c39"

library_run = stream.StreamSource._run       # kept for the side-by-side test
_UNSET = object()


class LibraryChanged(RuntimeError):
    """cocotbext-axi's StreamSource._run is not the loop this module mirrors."""


class ReadyBeforeEdge(RuntimeError):
    """READY rose in a clock edge's time step before the edge: the stalled source,
    woken in order at the step's ReadWrite, would miss that edge's handshake."""


async def run_sleeping_while_stalled(self) -> None:
    """StreamSource._run of cocotbext-axi 0.1.28, asleep while VALID waits for READY."""
    has_valid = self.valid is not None
    has_ready = self.ready is not None

    clock_edge_event = RisingEdge(self.clock)
    ready_rise = RisingEdge(self.ready) if has_ready else None
    ordered_wake.rank(self)     # its place in in_order, taken in task-start order
    driven: dict = {}           # payload signal -> the value this task last wrote

    while True:
        await clock_edge_event

        # read handshake signals
        ready_sample = not has_ready or self.ready.value
        valid_sample = not has_valid or self.valid.value

        if (ready_sample and valid_sample) or (not valid_sample):
            if not self.queue.empty() and not self.pause:
                drive_changed(self.bus, self.queue.get_nowait(), driven)
                self.dequeue_event.set()
                if has_valid:
                    self.valid.value = 1
                self.active = True
            else:
                if has_valid:
                    self.valid.value = 0
                self.active = not self.queue.empty()
                if self.queue.empty():
                    self.idle_event.set()
                    self.active_event.clear()

                    await self.active_event.wait()
        else:
            # stalled: VALID up, READY sampled low. Every edge until READY rises would
            # sample it low again and do nothing; wake for the first one after it rises
            await ready_rise
            clock_at_rise = self.clock.value
            await ordered_wake.in_order(self)
            if not clock_at_rise and self.clock.value:
                raise ReadyBeforeEdge(
                    f"{self.ready._path} rose at {get_sim_time('ns')} ns before the rising "
                    f"edge of {self.clock._path} in the same time step: tb/source_stall.py "
                    "would take the edge after it (ordered_wake wakes it at ReadWrite)")


def drive_changed(bus, obj, driven: dict) -> None:
    """cocotb_bus Bus.drive(obj), except that a signal is written only when its value
    differs from the one in `driven` (what this task last wrote), which it updates."""
    for name, hdl in bus._signals.items():
        if not hasattr(obj, name):
            continue
        val = getattr(obj, name)
        if driven.get(name, _UNSET) != val:
            hdl.value = val
            driven[name] = val


def library_run_digest() -> str:
    return hashlib.sha256(inspect.getsource(library_run).encode()).hexdigest()


def library_drive_digest() -> str:
    return hashlib.sha256(inspect.getsource(Bus.drive).encode()).hexdigest()


def install() -> None:
    """Every StreamSource task started from now on sleeps while stalled (a source
    starts its task at the end of its reset; call before the bus models are built)."""
    digest = library_run_digest()
    if digest != LIBRARY_RUN_SHA256:
        raise LibraryChanged(
            f"cocotbext-axi {getattr(stream, '__version__', '?')}: StreamSource._run "
            f"(sha256 {digest}) is not the 0.1.28 loop tb/source_stall.py mirrors; "
            "compare the two and update LIBRARY_RUN_SHA256, or pin cocotbext-axi==0.1.28")
    digest = library_drive_digest()
    if digest != LIBRARY_DRIVE_SHA256:
        raise LibraryChanged(
            f"cocotb_bus: Bus.drive (sha256 {digest}) is not the 0.3.0 one "
            "tb/source_stall.py's drive_changed mirrors; compare the two and update "
            "LIBRARY_DRIVE_SHA256, or pin cocotb-bus==0.3.0")
    stream.StreamSource._run = run_sleeping_while_stalled

"""cocotbext-axi stream sinks that write READY only when its value changes.

Why: a StreamSink (the B and R channels of an AxiMaster, the AW, W and AR channels of
an AxiRam) writes its READY on every rising clock edge while it is awake, and it is
awake on every clock a VALID is up. With the system bench's back-pressure in HDL
(tb/hdl/tb_bp_gate.v) the sink is never paused, so that write is the same 1 clock
after clock. Each write costs cocotb a scheduled write, applied at the time step's
ReadWrite, and the simulator a put_value that propagates nothing: in the system
random test (SEED=7) 18 700 sink wake-ups, 15-25% of the sinks' time (README
"System random regression speed").

install() replaces StreamSink._run by run_writing_ready_on_change: the library's
loop line for line, except that READY is written when the value to drive differs
from the one this task last wrote (and always the first time). Nothing else writes
a sink's READY while its task runs: the library's reset handler writes READY 0 after
it has killed the task, and the next task starts without a last value, so it writes.

tests/cocotb_sink_ready.py runs the library's loop, this one and a mutant side by
side on one VALID pattern with pauses, a full queue and resets, and requires this
one's READY and accepted beats, edge for edge, to be the library's, and the mutant's
not to be. Written against cocotbext-axi 0.1.28 (stream.py): install() refuses
another loop.
"""

from __future__ import annotations

import hashlib
import inspect

from cocotb.triggers import RisingEdge
from cocotbext.axi import stream

# sha256 of the source text of cocotbext-axi 0.1.28's StreamSink._run
LIBRARY_RUN_SHA256 = "16a7329320be161d0f1a7e6be3af8fbbbd8d052ecfdda4538d840240d38ee70c"

library_run = stream.StreamSink._run         # kept for the side-by-side test


class LibraryChanged(RuntimeError):
    """cocotbext-axi's StreamSink._run is not the loop this module mirrors."""


async def run_writing_ready_on_change(self) -> None:
    """StreamSink._run of cocotbext-axi 0.1.28, READY written only when it changes."""
    has_valid = self.valid is not None
    has_ready = self.ready is not None

    clock_edge_event = RisingEdge(self.clock)

    wake_event = self.wake_event.wait()
    driven = None                   # the READY this task last wrote (None: not yet)

    while True:
        pause_sample = bool(self.pause)

        await clock_edge_event

        # read handshake signals
        ready_sample = not has_ready or self.ready.value
        valid_sample = not has_valid or self.valid.value

        if ready_sample and valid_sample:
            obj = self._transaction_obj()
            self.bus.sample(obj)
            self.queue.put_nowait(obj)
            self.active_event.set()

        if has_ready:
            paused = self.full() or pause_sample

            if driven != (not paused):      # None the first time: always written
                self.ready.value = not paused
                driven = not paused

            if (not valid_sample or paused) and (pause_sample == bool(self.pause)):
                self.wake_event.clear()
                await wake_event
        else:
            if not valid_sample:
                self.wake_event.clear()
                await wake_event


def library_run_digest() -> str:
    return hashlib.sha256(inspect.getsource(library_run).encode()).hexdigest()


def install() -> None:
    """Every StreamSink task started from now on writes READY only when it changes
    (a sink starts its task at the end of its reset; call before the bus models are
    built)."""
    digest = library_run_digest()
    if digest != LIBRARY_RUN_SHA256:
        raise LibraryChanged(
            f"cocotbext-axi {getattr(stream, '__version__', '?')}: StreamSink._run "
            f"(sha256 {digest}) is not the 0.1.28 loop tb/sink_ready.py mirrors; "
            "compare the two and update LIBRARY_RUN_SHA256, or pin cocotbext-axi==0.1.28")
    stream.StreamSink._run = run_writing_ready_on_change

"""The benches' one pause generator (random_pauses, and pause_factory for TB classes
that want a fresh one per channel), and one coroutine that drives the back-pressure pauses of many cocotbext-axi channels.

cocotbext-axi gives each channel with a pause generator its own coroutine
(StreamPause._run_pause: `pause = next(gen)`, then await the clock edge); the system
bench has 32 of them, half of the coroutine wake-ups per simulated clock (issue 13).
SharedPause does the same per clock for every channel from one coroutine: each
channel keeps its own generator, so every channel sees the same pause sequence as
with its own coroutine.

    pauses = SharedPause(dut.clk)
    pauses.set(channel, generator)   # or pauses.clear(channel)
"""

from __future__ import annotations

import random
from typing import Callable, Iterator

import cocotb
from cocotb.triggers import RisingEdge


def random_pauses(p: float, rng: random.Random) -> Iterator[bool]:
    """The one pause generator of every bench: True (pause this cycle) with
    probability p, drawn from rng."""
    while True:
        yield rng.random() < p


def pause_factory(p: float, rng: random.Random) -> Callable[[], Iterator[bool]]:
    """A factory of random_pauses sharing one rng, for TB classes that put a fresh
    generator on each channel (set_idle_generator / set_backpressure_generator)."""
    return lambda: random_pauses(p, rng)


class SharedPause:
    """Per clock edge, `channel.pause = next(generator)` for every registered channel."""

    def __init__(self, clock) -> None:
        self.clock = clock
        self.gens: dict[object, Iterator[bool]] = {}
        self._task = None

    def set(self, channel, generator: Iterator[bool]) -> None:
        channel.clear_pause_generator()     # no cocotbext-axi coroutine of its own
        self.gens[channel] = generator
        channel.pause = next(generator)     # as _run_pause: the first value at once
        if self._task is None:
            self._task = cocotb.start_soon(self._run())

    def clear(self, channel) -> None:
        channel.clear_pause_generator()
        if self.gens.pop(channel, None) is not None:
            channel.pause = False
        if not self.gens and self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self) -> None:
        edge = RisingEdge(self.clock)
        while True:
            await edge
            for ch, gen in self.gens.items():
                ch.pause = next(gen)

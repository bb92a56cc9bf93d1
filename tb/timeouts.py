"""Named timeouts for testbench waits (shared by the SMMU, ITS and GICv2m benches).

Every wait in a test is bounded, and when it runs out the error says what was
awaited, e.g. ``WaitTimeout: timed out after 200.0 us waiting for 3 LPIs on lpi_*``:

    from tb.timeouts import WaitTimeout, wait_named
    await wait_named(ev.wait(), "read response for sid=0x12", timeout_us=50)
"""

from __future__ import annotations

from cocotb.triggers import SimTimeoutError, with_timeout

DEFAULT_TIMEOUT_US = 200.0


class WaitTimeout(TimeoutError):
    """A testbench wait ran out of simulated time; the message names what was awaited."""


async def wait_named(awaitable, what: str, timeout_us: float = DEFAULT_TIMEOUT_US):
    """Await `awaitable` (coroutine, Task or trigger) for at most `timeout_us` of
    simulated time and return its result; raise WaitTimeout naming `what` otherwise.
    Exceptions raised by the awaitable itself pass through unchanged."""
    try:
        return await with_timeout(awaitable, timeout_us, "us")
    except SimTimeoutError:
        raise WaitTimeout(f"timed out after {timeout_us} us waiting for {what}") from None


__all__ = ["DEFAULT_TIMEOUT_US", "WaitTimeout", "wait_named"]

"""Proves the simulator tool chain on this machine (Icarus via cocotb_tools.runner)."""

import pytest

from tb.runner import run_cocotb


@pytest.mark.sim
@pytest.mark.parametrize("width", [4, 8])
def test_smoke_counter(width):
    run_cocotb(toplevel="smoke_counter", sources=["smoke_counter.v"],
               test_module="cocotb_smoke", parameters={"WIDTH": width})

"""Proves the simulator tool chain on this machine (Icarus via cocotb_tools.runner) on a
testbench-only counter (tb/hdl/smoke_counter.v: not part of the product RTL)."""

import pytest

from tb.runner import run_cocotb


@pytest.mark.sim
@pytest.mark.parametrize("width", [4, 8])
def test_smoke_counter(width):
    run_cocotb(toplevel="smoke_counter", sources=["../tb/hdl/smoke_counter.v"],
               test_module="cocotb_smoke", parameters={"WIDTH": width})

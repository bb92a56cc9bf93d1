"""Runs the cocotb ITS and GICv2m benches (tests/cocotb_its.py, cocotb_gicv2m.py)."""

import pytest

from tb.runner import run_cocotb

ITS_SOURCES = ["its_doorbell.v", "its_cmd.v", "its_xlate.v"]


@pytest.mark.sim
@pytest.mark.parametrize("devid_width,cache_entries,cache_bits", [(16, 8, 3), (8, 2, 1)])
def test_its_doorbell(devid_width, cache_entries, cache_bits):
    run_cocotb(toplevel="its_doorbell", sources=ITS_SOURCES, test_module="cocotb_its",
               parameters={"DEVID_WIDTH": devid_width, "CACHE_ENTRIES": cache_entries,
                           "CACHE_BITS": cache_bits})

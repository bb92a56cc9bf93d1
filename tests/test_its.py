"""Runs the cocotb ITS bench (tests/cocotb_its.py) on three HDL parameter sets."""

import pytest

from tb.runner import run_cocotb

ITS_SOURCES = ["its_doorbell.v", "its_cmd.v", "its_xlate.v"]

# DeviceID bits, translation-cache size, collections held in hardware (GITS_TYPER.HCC)
# and redistributors. The last set has few collections (ICIDs 4..7 alias 0..3 in the
# 2-bit index) and a redistributor count that is not a power of two.
PARAM_SETS = [
    dict(DEVID_WIDTH=16, CACHE_ENTRIES=8, CACHE_BITS=3),
    dict(DEVID_WIDTH=8, CACHE_ENTRIES=2, CACHE_BITS=1),
    dict(DEVID_WIDTH=12, CACHE_ENTRIES=4, CACHE_BITS=2, NUM_COLL=4, COLL_BITS=2, NUM_RD=6),
]


@pytest.mark.sim
@pytest.mark.parametrize("params", PARAM_SETS,
                         ids=["dev16-c8", "dev8-c2", "dev12-c4-hcc4-rd6"])
def test_its_doorbell(params):
    run_cocotb(toplevel="its_doorbell", sources=ITS_SOURCES, test_module="cocotb_its",
               parameters=params)

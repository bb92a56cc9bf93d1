"""tb/source_stall.py: cocotbext-axi stream sources asleep while stalled hand over on
exactly the library loop's edges (tests/cocotb_source_stall.py, side by side with the
library and a mutant). The digest guard of the library code it mirrors:
tests/test_library_guards.py."""

from __future__ import annotations

import pytest


@pytest.mark.sim
def test_sleeping_source_matches_the_library_loop():
    from tb.runner import run_cocotb
    run_cocotb(toplevel="tb_protocol_bus",
               sources=["../tb/hdl/tb_chk_look.v", "../tb/hdl/tb_protocol_bus.v"],
               test_module="cocotb_source_stall")

"""tb/sink_ready.py: cocotbext-axi stream sinks writing READY only when it changes drive
the library loop's READY on every edge and take its beats (tests/cocotb_sink_ready.py,
side by side with the library and a mutant). The digest guard of the library code it
mirrors: tests/test_library_guards.py."""

from __future__ import annotations

import pytest


@pytest.mark.sim
def test_change_only_sink_matches_the_library_loop():
    from tb.runner import run_cocotb
    run_cocotb(toplevel="tb_protocol_bus",
               sources=["../tb/hdl/tb_chk_look.v", "../tb/hdl/tb_protocol_bus.v"],
               test_module="cocotb_sink_ready")

"""tb/sink_ready.py: cocotbext-axi stream sinks writing READY only when it changes drive
the library loop's READY on every edge and take its beats (tests/cocotb_sink_ready.py,
side by side with the library and a mutant), and install() refuses a library loop it
does not mirror."""

from __future__ import annotations

import pytest


@pytest.mark.sim
def test_change_only_sink_matches_the_library_loop():
    from tb.runner import run_cocotb
    run_cocotb(toplevel="tb_protocol_bus",
               sources=["../tb/hdl/tb_chk_look.v", "../tb/hdl/tb_protocol_bus.v"],
               test_module="cocotb_sink_ready")


def test_install_refuses_another_library_loop(monkeypatch):
    from tb import sink_ready
    monkeypatch.setattr(sink_ready, "LIBRARY_RUN_SHA256", "0" * 64)
    with pytest.raises(sink_ready.LibraryChanged, match="is not the 0.1.28 loop"):
        sink_ready.install()


def test_the_digest_is_the_installed_library_loop():
    """The pinned cocotbext-axi's StreamSink._run is the loop tb/sink_ready.py mirrors."""
    from tb import sink_ready
    assert sink_ready.library_run_digest() == sink_ready.LIBRARY_RUN_SHA256

"""tb/source_stall.py: cocotbext-axi stream sources asleep while stalled hand over on
exactly the library loop's edges (tests/cocotb_source_stall.py, side by side with the
library and a mutant), and install() refuses a library loop it does not mirror."""

from __future__ import annotations

import pytest


@pytest.mark.sim
def test_sleeping_source_matches_the_library_loop():
    from tb.runner import run_cocotb
    run_cocotb(toplevel="tb_protocol_bus",
               sources=["../tb/hdl/tb_chk_look.v", "../tb/hdl/tb_protocol_bus.v"],
               test_module="cocotb_source_stall")


def test_install_refuses_another_library_loop(monkeypatch):
    from tb import source_stall
    monkeypatch.setattr(source_stall, "LIBRARY_RUN_SHA256", "0" * 64)
    with pytest.raises(source_stall.LibraryChanged, match="is not the 0.1.28 loop"):
        source_stall.install()


def test_the_digest_is_the_installed_library_loop():
    """The pinned cocotbext-axi's StreamSource._run is the loop tb/source_stall.py mirrors."""
    from tb import source_stall
    assert source_stall.library_run_digest() == source_stall.LIBRARY_RUN_SHA256


def test_install_refuses_another_bus_drive(monkeypatch):
    from tb import source_stall
    monkeypatch.setattr(source_stall, "LIBRARY_DRIVE_SHA256", "0" * 64)
    with pytest.raises(source_stall.LibraryChanged, match="Bus.drive"):
        source_stall.install()


def test_the_drive_digest_is_the_installed_bus_drive():
    """The pinned cocotb_bus's Bus.drive is the one drive_changed mirrors."""
    from tb import source_stall
    assert source_stall.library_drive_digest() == source_stall.LIBRARY_DRIVE_SHA256

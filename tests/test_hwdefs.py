"""The generated Verilog headers match their Python source of truth, and each sits in
the include/ of the block its hwdefs module names (VH_BLOCK), the only copy under hdl/."""

import pytest

from pymodel.hwdefs import header_modules
from pymodel.hwdefs.gen_vh import HeaderPlaceError, header_path, render
from tb import rtl_files


def test_generated_headers_are_fresh():
    for name in header_modules():
        fname, text = render(name)
        path = header_path(name)
        assert path.is_file(), f"{path} missing: run `make gen`"
        assert path.read_text() == text, f"{path} is stale: run `make gen`"
        # the resolver (what the simulators' include path finds) names the same file
        assert rtl_files.path(fname) == path


def test_every_header_comes_from_a_hwdefs_module():
    made = {header_path(name) for name in header_modules()}
    assert set(rtl_files.headers()) == made


def test_a_header_without_a_known_block_is_refused(monkeypatch):
    import pymodel.hwdefs.axi as axi
    monkeypatch.setattr(axi, "VH_BLOCK", "nowhere")
    with pytest.raises(HeaderPlaceError, match="nowhere"):
        header_path("axi")

"""The generated Verilog headers match their Python source of truth."""

from pymodel.hwdefs import header_modules
from pymodel.hwdefs.gen_vh import HDL, render


def test_generated_headers_are_fresh():
    for name in header_modules():
        fname, text = render(name)
        assert (HDL / fname).read_text() == text, f"hdl/{fname} is stale: run `make gen`"

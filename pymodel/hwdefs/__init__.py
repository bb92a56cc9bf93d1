"""One source of truth for register maps, field positions, command encodings and
the system memory map. RTL includes the `define headers that gen_vh writes from
these modules (hdl/<block>/include/*_defs.vh); the model and the tests import the modules.

Each module that sets VH_PREFIX, VH_FILE and VH_BLOCK becomes the header
hdl/<VH_BLOCK>/include/<VH_FILE>: every UPPER_CASE int it defines becomes
`define <VH_PREFIX><NAME>, in definition order.
"""

import importlib
import pkgutil


def header_modules() -> list[str]:
    """Names of the hwdefs modules that generate a Verilog header."""
    names = []
    for info in pkgutil.iter_modules(__path__):
        if info.name != "gen_vh" and hasattr(
                importlib.import_module(f"{__name__}.{info.name}"), "VH_FILE"):
            names.append(info.name)
    return sorted(names)

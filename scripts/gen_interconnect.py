#!/usr/bin/env python3
"""Writes the per-device parts of msi_interconnect.v and msi_system_top.v (hdl/system/rtl/)
from one description: the device ports are the DEV<n>_SID constants of
pymodel/hwdefs/system.py (n = 0, 1, ...), one AXI4 slave port s_axi_dev<n>_* each.

    python scripts/gen_interconnect.py           # rewrite the generated regions
    python scripts/gen_interconnect.py --check   # exit 1 if a region is stale

Adding a device port is one line in pymodel/hwdefs/system.py (DEV4_SID = ...) and
`make gen`. Only the text between `// <generated NAME ...>` and `// </generated NAME>`
is rewritten; the rest of both files is written by hand (the verilog-axi pattern:
the flattened-vector logic is hand-written once, the named per-port wrapper text is
generated).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pymodel.hwdefs import system as SYS  # noqa: E402
from tb import rtl_files  # noqa: E402

INTERCONNECT = rtl_files.path("msi_interconnect.v")
TOP = rtl_files.path("msi_system_top.v")
SOURCE = "scripts/gen_interconnect.py from pymodel/hwdefs/system.py DEV<n>_SID; edit there"

# One AXI4 slave port as a device sees it: (field, direction at the slave, width).
# The width is a Verilog expression over the module's parameters ("" = 1 bit).
DEV_PORT = [
    ("awid", "input", "DEV_ID_WIDTH"), ("awaddr", "input", "ADDR_WIDTH"),
    ("awlen", "input", "8"), ("awsize", "input", "3"), ("awburst", "input", "2"),
    ("awlock", "input", ""), ("awcache", "input", "4"), ("awprot", "input", "3"),
    ("awvalid", "input", ""), ("awready", "output", ""),
    ("wdata", "input", "64"), ("wstrb", "input", "8"), ("wlast", "input", ""),
    ("wvalid", "input", ""), ("wready", "output", ""),
    ("bid", "output", "DEV_ID_WIDTH"), ("bresp", "output", "2"), ("bvalid", "output", ""),
    ("bready", "input", ""),
    ("arid", "input", "DEV_ID_WIDTH"), ("araddr", "input", "ADDR_WIDTH"),
    ("arlen", "input", "8"), ("arsize", "input", "3"), ("arburst", "input", "2"),
    ("arlock", "input", ""), ("arcache", "input", "4"), ("arprot", "input", "3"),
    ("arvalid", "input", ""), ("arready", "output", ""),
    ("rid", "output", "DEV_ID_WIDTH"), ("rdata", "output", "64"), ("rresp", "output", "2"),
    ("rlast", "output", ""), ("rvalid", "output", ""), ("rready", "input", ""),
]


def devices() -> list[int]:
    """Device port numbers: every DEV<n>_SID of hwdefs/system.py, which must be 0..N-1."""
    nums = sorted(int(m.group(1)) for name in vars(SYS)
                  if (m := re.fullmatch(r"DEV(\d+)_SID", name)))
    if nums != list(range(len(nums))) or len(nums) < 2:
        raise ValueError(f"hwdefs/system.py DEV<n>_SID must number 0..N-1 (N >= 2), got {nums}")
    return nums


def _rng(width: str) -> str:
    return f"[{width}-1:0] " if width else ""


def _cat(field: str, devs: list[int]) -> str:
    return "{" + ", ".join(f"s_axi_dev{d}_{field}" for d in reversed(devs)) + "}"


def dev_params(devs: list[int]) -> list[str]:
    lines = [f"    parameter NUM_DEV = {len(devs)},   // device ports (derived; do not override)"]
    for d in devs:
        lines.append(f"    parameter [SID_WIDTH-1:0] DEV{d}_SID = `SYS_DEV{d}_SID,")
    return lines


def dev_ports(devs: list[int]) -> list[str]:
    lines = []
    for d in devs:
        lines.append(f"    // device {d}: AXI4 slave, StreamID DEV{d}_SID")
        for field, direction, width in DEV_PORT:
            pad = "input " if direction == "input" else "output"
            lines.append(f"    {pad} wire {_rng(width)}s_axi_dev{d}_{field},")
    return lines


def dev_flatten(devs: list[int]) -> list[str]:
    """Named device ports <-> the flattened vectors of the arbiter (port p at [p*W +: W])."""
    lines = ["    localparam [NUM_DEV*SID_WIDTH-1:0] DEV_SIDS = "
             + "{" + ", ".join(f"DEV{d}_SID" for d in reversed(devs)) + "};"]
    for field, direction, width in DEV_PORT:
        w = f"NUM_DEV*{width}" if width else "NUM_DEV"
        if direction == "input":
            lines.append(f"    wire [{w}-1:0] dev_axi_{field} = {_cat(field, devs)};")
        else:
            lines.append(f"    wire [{w}-1:0] dev_axi_{field};")
            lines.append(f"    assign {_cat(field, devs)} = dev_axi_{field};")
    return lines


def dev_param_connect(devs: list[int]) -> list[str]:
    return ["        " + ", ".join(f".DEV{d}_SID(DEV{d}_SID)" for d in devs) + ","]


def dev_connect(devs: list[int]) -> list[str]:
    lines = []
    for d in devs:
        names = [f"s_axi_dev{d}_{field}" for field, _, _ in DEV_PORT]
        for i in range(0, len(names), 3):
            lines.append("        " + " ".join(f".{n}({n})," for n in names[i:i + 3]))
    return lines


REGIONS = {
    INTERCONNECT: {"dev_params": dev_params, "dev_ports": dev_ports, "dev_flatten": dev_flatten},
    TOP: {"dev_params": dev_params, "dev_ports": dev_ports,
          "dev_param_connect": dev_param_connect, "dev_connect": dev_connect},
}


def render(path: Path, text: str) -> str:
    devs = devices()
    for name, fn in REGIONS[path].items():
        pat = re.compile(rf"(^[ \t]*// <generated {name}\b[^\n]*\n)(.*?)(^[ \t]*// </generated {name}>)",
                         re.M | re.S)
        if not pat.search(text):
            raise ValueError(f"{path.name}: no '// <generated {name} ...>' region")
        body = "\n".join(fn(devs)) + "\n"
        open_tag = f"    // <generated {name}: {SOURCE}>\n"
        text = pat.sub(lambda m, b=body, o=open_tag: o + b + m.group(3), text, count=1)
    return text


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for path in REGIONS:
        old = path.read_text()
        new = render(path, old)
        if new != old:
            if check:
                stale.append(str(path.relative_to(ROOT)))
            else:
                path.write_text(new)
                print(f"wrote generated regions of {path.relative_to(ROOT)}")
    if stale:
        print("stale generated regions (run `make gen`): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

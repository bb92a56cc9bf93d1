#!/usr/bin/env python3
"""Write waves/system.gtkw, the GTKWave layout of msi_system_top, from the design:
the interrupts first, then the internal state people debug with (TLB hit/miss,
walker state and level, walk-cache hit, ITS command state and CREADR, ITS
translation-cache hit), then one collapsed group per interface (devices, SMMU
upstream/downstream, walker, DMA memory, ITS memory, CPU port).

    python scripts/gen_gtkw.py            # rewrite waves/system.gtkw
    gtkwave sim_build/msi_system_top/<test>/<test>.gtkw      # a test's own copy

Every signal is looked up in the Verilog: ports and wires of the top, and for the
internal state the declaration inside the instance path (g_smmu.u_smmu.u_core.u_ptw
-> smmu_v3 -> smmu_xlate_core -> smmu_ptw; g_smmu is the generate block choosing the
SMMU, and both alternatives have the same translation core u_core, so one layout
fits SMMU_VERSION 2 and 3); a name the design no longer has is an
error here, not a blank trace in the viewer. Widths are evaluated with default
parameters (the layout names signals with their bit ranges, as Icarus dumps them),
state encodings are taken from the module's localparams.

A system test run with WAVES=1 writes <test>.gtkw next to its FST: this layout
(`retarget`) pointed at that dump and opened on the action (the failure time, or the
first MSI), its path printed in the summary.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tb import rtl_files  # noqa: E402

TOP = "msi_system_top"
DEFAULTS = {"DEV_ID_WIDTH": 4, "ADDR_WIDTH": 48, "SID_WIDTH": 16, "XID_WIDTH": 6, "NUM_CB": 8}
TIMESCALE_PS = 1000          # dumps are in ps (timescale 1ns/1ps), the layout speaks ns
WAVE_PIXELS = 980            # width of the wave pane at [size] 1600 minus the side panes
DEFAULT_WINDOW_NS = (0.0, 20_000.0)  # without a run: reset, probe and the first MSIs

# (group title, signal prefixes of the top); order is the order in the viewer
INTERFACES = [
    ("Device 0 (StreamID DEV0_SID)", "s_axi_dev0_"),
    ("Device 1 (StreamID DEV1_SID)", "s_axi_dev1_"),
    ("Device 2 (StreamID DEV2_SID)", "s_axi_dev2_"),
    ("Device 3 (StreamID DEV3_SID)", "s_axi_dev3_"),
    ("SMMU upstream (merged devices, AxUSER=StreamID)", "up_axi_"),
    ("SMMU downstream (physical address)", "dn_axi_"),
    ("SMMU walker memory", "m_axi_ptw_"),
    ("SMMUv3 structures and queues memory (STE/CD fetches, CMDQ reads, EVTQ writes)",
     "m_axi_smmuq_"),
    ("DMA memory", "m_axi_mem_"),
    ("ITS table memory", "m_axi_its_"),
    ("CPU register port", "s_axil_cpu_"),
]
INTERRUPTS = ("Interrupts (LPI, SPI, SMMU fault)", ("lpi_", "spi_", "smmu_irq_", "smmu_sev"))
# (group title, instance path under the top, signals in display order)
DEBUG = [
    ("SMMU TLB: hit per lookup port (a = write, b = read), walk request = miss",
     "g_smmu.u_smmu.u_core", ["t_a_hit", "a_wreq_valid", "a_fwd", "t_b_hit", "b_wreq_valid", "b_fwd"]),
    ("SMMU walker: state, level, walk-cache hit, result",
     "g_smmu.u_smmu.u_core.u_ptw", ["state", "start_lvl", "w_level", "wc_hit", "use_wc", "done",
                             "done_fault", "done_level"]),
    ("SMMU invalidation", "g_smmu.u_smmu.u_core", ["inv_valid", "inv_op", "busy_poisoned"]),
    ("ITS command queue: state, CREADR (commands), stall and error",
     "u_its.u_cmd", ["state", "creadr", "stalled", "err_code", "done_count"]),
    ("ITS translation: state, translation-cache hit",
     "u_its.u_xlate", ["xstate", "hit", "cnt_cache_hits", "cnt_translated"]),
]
# the interesting fields of each channel, in display order
FIELDS = ["awvalid", "awready", "awid", "awaddr", "awlen", "awsize", "awprot", "awcache",
          "awuser", "wvalid", "wready", "wdata", "wstrb", "wlast", "bvalid", "bready", "bid",
          "bresp", "arvalid", "arready", "arid", "araddr", "arlen", "arsize", "arprot",
          "arcache", "aruser", "rvalid", "rready", "rid", "rdata", "rresp", "rlast",
          "valid", "ready", "intid", "target", "context", "global", "eventq", "gerror",
          "cmd_sync"]

DECL = re.compile(r"^\s*(?:input|output|wire|reg)\s+(?:wire|reg)?\s*(?:signed\s+)?"
                  r"(\[[^\]]+\])?\s*([^;=()\n]*)", re.M)
PARAM = re.compile(r"\bparameter\s+(?:\[[^\]]+\]\s*)?(\w+)\s*=\s*(\d+)\b")
LOCALPARAM = re.compile(r"\blocalparam\s+\[[^\]]+\]\s*([^;]+);")
MODULE = re.compile(r"^\s*module\s+(\w+)", re.M)

# GTKWave trace flags: gtkwave's TR_* bits (analyzer.h enum TraceEntFlagBits). A closed
# group is what CloseTrace() leaves: CLOSED on the begin marker, CLOSED|COLLAPSED on
# the end marker (tests/test_regress_tools.py checks this against those positions).
HEX, BIN, BLANK, CLOSED, GRP_BEGIN, GRP_END, COLLAPSED = (0x22, 0x28, 0x200, 0x400000,
                                                          0x800000, 0x1000000, 0x1000)


class LayoutError(ValueError):
    """The layout names a signal or instance that the design does not have."""


def _source(module: str) -> str:
    """<module>.v (in its hdl/ block) without comments."""
    try:
        path = rtl_files.module_file(module)
    except rtl_files.RtlFileError:
        raise LayoutError(f"no {module}.v in any hdl/ block for module {module}") from None
    return re.sub(r"//[^\n]*|/\*.*?\*/", "", path.read_text(), flags=re.S)


def width_of(rng: str | None, params: dict) -> tuple[int, int] | None:
    if not rng:
        return None
    hi, lo = rng.strip("[]").split(":")
    try:
        return eval(hi, {}, dict(params)), eval(lo, {}, dict(params))  # noqa: S307 (own files)
    except NameError as exc:
        raise LayoutError(f"cannot size {rng}: {exc}") from None


def declarations(module: str, params: dict | None = None) -> dict[str, tuple[int, int] | None]:
    text = _source(module)
    if params is None:
        params = {m.group(1): int(m.group(2)) for m in PARAM.finditer(text)}
    out: dict[str, tuple[int, int] | None] = {}
    for m in DECL.finditer(text):
        for item in m.group(2).split(","):
            name = re.match(r"\s*(\w+)", item)
            if name and name.group(1) not in out:
                out[name.group(1)] = width_of(m.group(1), params)
    return out


def instance_module(parent: str, inst: str) -> str:
    """The module type of instance `inst` in module `parent`: the last name of an
    hdl/ module written before `inst (`."""
    text = _source(parent)
    m = re.search(rf"\b{inst}\s*\(", text)
    if not m and re.search(rf"\bbegin\s*:\s*{inst}\b", text):
        return parent            # a named generate block: a scope inside the same module
    if not m:
        raise LayoutError(f"{parent} has no instance {inst}")
    known = {p.stem for p in rtl_files.sources()}
    types = [t.group(1) for t in re.finditer(r"\b(\w+)\s*(?=#|\w+\s*\()", text[:m.start()])
             if t.group(1) in known]
    if not types:
        raise LayoutError(f"cannot tell the module of {parent}.{inst}")
    return types[-1]


def resolve(path: str) -> str:
    """The module that instance path `path` (dotted, under the top) instantiates."""
    module = TOP
    for inst in path.split("."):
        module = instance_module(module, inst)
    return module


def encodings(module: str, signal: str) -> str:
    """'0=IDLE 1=AR 2=R' for a state register, from its module's localparams
    (S_* for `state`, X_* for `xstate`); '' if the module names none."""
    prefix = {"state": "S_", "xstate": "X_"}.get(signal)
    if prefix is None:
        return ""
    pairs = []
    for m in LOCALPARAM.finditer(_source(module)):
        for item in m.group(1).split(","):
            name, _, val = item.partition("=")
            name, val = name.strip(), val.strip()
            if name.startswith(prefix):
                pairs.append((int(val.split("'d")[-1], 0), name[len(prefix):]))
    return " ".join(f"{v}={n}" for v, n in sorted(pairs))


def field_rank(name: str, prefix: str) -> int:
    rest = name[len(prefix):]
    return FIELDS.index(rest) if rest in FIELDS else len(FIELDS)


def _trace(name: str, w) -> list[str]:
    if w is None or w == (0, 0):
        return [f"@{BIN:x}", name]
    return [f"@{HEX:x}", f"{name}[{w[0]}:{w[1]}]"]


def _group(title: str, body: list[str], closed: bool) -> list[str]:
    begin = GRP_BEGIN | BLANK | (CLOSED if closed else 0)
    end = GRP_END | BLANK | ((CLOSED | COLLAPSED) if closed else 0)
    return [f"@{begin:x}", f"-{title}", *body, f"@{end:x}", f"-{title}"]


def _comment(text: str) -> list[str]:
    return [f"@{BLANK:x}", f"-  {text}"]


def window_lines(start_ns: float, end_ns: float, marker_ns: float) -> list[str]:
    """[timestart] and the zoom/marker line for a window, in the dump's ps."""
    ps_per_pixel = max(1.0, (end_ns - start_ns) * TIMESCALE_PS / WAVE_PIXELS)
    zoom = -math.log2(ps_per_pixel)
    marker = int(marker_ns * TIMESCALE_PS) if marker_ns >= 0 else -1
    return [f"[timestart] {int(start_ns * TIMESCALE_PS)}",
            f"*{zoom:.6f} {marker} " + " ".join(["-1"] * 26)]


def render() -> str:
    top = declarations(TOP, DEFAULTS)
    lines = ["[*] GTKWave save file for msi_system_top (generated by scripts/gen_gtkw.py)",
             *window_lines(*DEFAULT_WINDOW_NS, -1.0),
             "[size] 1600 1000", "[sst_width] 260", "[signals_width] 420",
             "[sst_expanded] 1", f"[treeopen] {TOP}.",
             *_trace(f"{TOP}.clk", None), *_trace(f"{TOP}.rst", None)]

    def by_prefix(prefixes) -> list[str]:
        body = []
        for p in (prefixes,) if isinstance(prefixes, str) else prefixes:
            for n in sorted((n for n in top if n.startswith(p)), key=lambda n, p=p: field_rank(n, p)):
                body += _trace(f"{TOP}.{n}", top[n])
        if not body:
            raise LayoutError(f"{TOP} has no signal starting with {prefixes}")
        return body

    # what happened (interrupts) open; where it happened (state, interfaces) collapsed
    lines += _group(INTERRUPTS[0], by_prefix(INTERRUPTS[1]), closed=False)
    for title, path, names in DEBUG:
        module = resolve(path)
        decls = declarations(module)
        body = []
        for n in names:
            if n not in decls:
                raise LayoutError(f"{module} ({TOP}.{path}) declares no {n}")
            body += _trace(f"{TOP}.{path}.{n}", decls[n])
            enc = encodings(module, n)
            if enc:
                body += _comment(f"{n}: {enc}")
        lines += _group(f"{title} [{path}: {module}]", body, closed=True)
    for title, prefixes in INTERFACES:
        lines += _group(title, by_prefix(prefixes), closed=True)
    return "\n".join(lines) + "\n"


def retarget(layout: str, dumpfile: Path, start_ns: float, end_ns: float,
             marker_ns: float = -1.0) -> str:
    """`layout` (a render() output) for one dump, opened on [start_ns, end_ns] with
    the marker at marker_ns (-1: none)."""
    body = [ln for ln in layout.splitlines()
            if not ln.startswith(("[dumpfile]", "[timestart]", "*"))]
    head, rest = body[0], body[1:]
    return "\n".join([head, f'[dumpfile] "{dumpfile}"',
                      *window_lines(start_ns, end_ns, marker_ns), *rest]) + "\n"


def main() -> int:
    out = ROOT / "waves" / "system.gtkw"
    out.parent.mkdir(exist_ok=True)
    out.write_text(render())
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

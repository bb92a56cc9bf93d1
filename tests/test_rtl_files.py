"""tb/rtl_files.py, the one place that knows the hdl/ layout (hdl/README.md): every file
resolves to its block, bad names and bad trees are refused by name, and no block reaches
into a block it may not use (rtl_files.USES: the core knows no front-end)."""

from __future__ import annotations

import re
import shutil

import pytest

from tb import rtl_files

# the layout hdl/README.md documents, written out here so a move shows up as a failure
EXPECTED = {
    "common": {"axi_defs.vh", "lpae_defs.vh"},
    "smmu_core": {"smmu_xlate_core.v", "smmu_ptw.v", "smmu_tlb_array.v", "smmu_walk_cache.v",
                  "smmu_rd_resp.v", "smmu_wr_resp.v", "smmu_defs.vh"},
    "smmu_v2": {"smmu_tlb.v", "smmu_v2_regs.v", "smmu_xlate_chan.v", "smmu_stream_match.v"},
    "smmu_v3": {"smmu_v3.v", "smmu_v3_regs.v", "smmu_v3_cfg.v", "smmu_v3_chan.v",
                "smmu_v3_cmdq.v", "smmu_v3_evtq.v", "smmuv3_defs.vh"},
    "gic": {"its_doorbell.v", "its_cmd.v", "its_xlate.v", "gicv2m_frame.v", "its_defs.vh",
            "gicv2m_defs.vh"},
    "system": {"msi_system_top.v", "msi_interconnect.v", "axi_addr_decoder.v", "axi_arbiter.v",
               "axil_decoder.v", "axil_to_axi.v", "system_defs.vh"},
}


def test_layout_is_the_documented_one():
    got: dict[str, set[str]] = {}
    for p in rtl_files.sources() + rtl_files.headers():
        got.setdefault(rtl_files.block_of(p.name), set()).add(p.name)
        sub = rtl_files.RTL if p.suffix == ".v" else rtl_files.INCLUDE
        assert p == rtl_files.HDL / rtl_files.block_of(p.name) / sub / p.name
    assert got == EXPECTED


def test_names_resolve_and_unknown_names_are_refused():
    assert rtl_files.path("smmu_ptw.v") == rtl_files.HDL / "smmu_core" / "rtl" / "smmu_ptw.v"
    assert rtl_files.relpath("its_defs.vh") == "hdl/gic/include/its_defs.vh"
    # a name with a slash stays a path relative to hdl/ (the tests' testbench HDL)
    assert rtl_files.path("../tb/hdl/tb_bp_gate.v") == rtl_files.HDL / "../tb/hdl/tb_bp_gate.v"
    with pytest.raises(rtl_files.RtlFileError, match="no_such.v"):
        rtl_files.path("no_such.v")
    with pytest.raises(rtl_files.RtlFileError, match="no_such.v"):
        rtl_files.paths(["smmu_ptw.v", "no_such.v"])
    with pytest.raises(rtl_files.RtlFileError, match="nowhere"):
        rtl_files.sources(blocks=("nowhere",))


def test_a_tree_that_breaks_the_layout_is_refused(tmp_path):
    hdl = tmp_path / "hdl"
    shutil.copytree(rtl_files.HDL, hdl)
    assert rtl_files.path("its_cmd.v", hdl) == hdl / "gic" / "rtl" / "its_cmd.v"
    (hdl / "smmu_v3" / "rtl" / "its_cmd.v").write_text("// a second copy\n")
    with pytest.raises(rtl_files.RtlFileError, match="its_cmd.v is in two blocks"):
        rtl_files.path("its_cmd.v", hdl)
    (hdl / "smmu_v3" / "rtl" / "its_cmd.v").unlink()
    (hdl / "stray.v").write_text("// the old flat layout\n")
    with pytest.raises(rtl_files.RtlFileError, match="stray.v: RTL belongs in"):
        rtl_files.sources(hdl)
    (hdl / "stray.v").unlink()
    (hdl / "dma").mkdir()
    with pytest.raises(rtl_files.RtlFileError, match="dma: not a block"):
        rtl_files.sources(hdl)


def _uses(text: str, modules: set[str]) -> tuple[set[str], set[str]]:
    """(headers `included, modules instantiated) of one RTL file."""
    text = re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.S)
    incs = set(re.findall(r'`include\s+"([^"]+)"', text))
    insts = {m for m in re.findall(r"^\s*(\w+)\s*(?:#|\w+\s*\()", text, re.M) if m in modules}
    return incs, insts


def test_no_block_reaches_into_a_block_it_may_not_use():
    modules = {p.stem for p in rtl_files.sources()}
    seen_insts = 0
    for src in rtl_files.sources():
        block = rtl_files.block_of(src.name)
        incs, insts = _uses(src.read_text(), modules - {src.stem})
        seen_insts += len(insts)
        for name in incs | {f"{m}.v" for m in insts}:
            assert rtl_files.block_of(name) in rtl_files.visible(block), \
                f"{rtl_files.relpath(src.name)} uses {rtl_files.relpath(name)}"
    assert seen_insts >= 20     # the scan sees the hierarchy (26 files, ~25 instances)


def test_the_dependency_check_sees_a_core_that_knows_a_front_end():
    modules = {p.stem for p in rtl_files.sources()}
    text = rtl_files.path("smmu_xlate_core.v").read_text().replace(
        "endmodule", "smmu_v2_regs u_bad (.clk(clk));\nendmodule", 1)
    _, insts = _uses(text, modules - {"smmu_xlate_core"})
    assert "smmu_v2_regs" in insts
    assert rtl_files.block_of("smmu_v2_regs.v") not in rtl_files.visible("smmu_core")


def test_lint_flags_name_only_the_visible_blocks():
    flags = " ".join(rtl_files.search_flags("smmu_ptw.v"))
    assert "smmu_core/rtl" in flags and "common/include" in flags
    assert "smmu_v2" not in flags and "smmu_v3" not in flags and "system" not in flags

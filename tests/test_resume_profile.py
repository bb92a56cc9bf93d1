"""tb/resume_profile.py: the groups a coroutine's source file falls in, and a simulation's
step counts written at exit (tests/cocotb_resume_profile.py)."""

from __future__ import annotations

import json

import pytest

from tb.resume_profile import group_of


@pytest.mark.parametrize("path,group", [
    ("/v/lib/python3.11/site-packages/cocotbext/axi/stream.py", "bus models"),
    ("/p/tb/source_stall.py", "bus models"),
    ("/p/tb/protocol_checker.py", "protocol checker, monitors, scoreboard"),
    ("/p/tests/cocotb_system.py", "test, kernel model, devices"),
    ("/p/pymodel/dma_iommu.py", "test, kernel model, devices"),
    ("/v/lib/python3.11/site-packages/cocotb/task.py", "other"),
])
def test_group_of(path, group):
    assert group_of(path) == group


@pytest.mark.sim
def test_steps_reach_the_file_at_exit(tmp_path):
    from tb.runner import run_cocotb
    out = tmp_path / "profile.json"
    run_cocotb(toplevel="tb_protocol_bus",
               sources=["../tb/hdl/tb_chk_look.v", "../tb/hdl/tb_protocol_bus.v"],
               test_module="cocotb_resume_profile",
               extra_env={"SYSTEM_RESUME_PROFILE": str(out)})
    rep = json.loads(out.read_text())
    rows = {r["coroutine"]: r for r in rep["coroutines"]}
    assert rows["ticker"]["steps"] == 26
    assert rep["groups"]["test, kernel model, devices"]["steps"] >= 26
    assert 0 < rep["in_steps_s"] < rep["cpu_at_exit_s"]
    assert rep["cpu_at_install_s"] > 0

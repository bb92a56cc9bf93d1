"""msi_interconnect (the system glue as msi_system_top instantiates it) under cocotb.

Each pytest test runs one cocotb test (one build directory each, so xdist can
spread them); `make regress SEEDS=N` parametrizes them over seeds. The default
memory map is the top's; the other map of tests/test_system.py is given to the
interconnect as the same HDL parameters.
"""

import subprocess
import sys

import pytest

from tb.runner import ROOT
from tb.system_regress import run_system, seed_id, system_seeds

GLUE_SOURCES = ["msi_interconnect.v", "axi_arbiter.v", "axi_addr_decoder.v", "axil_decoder.v",
                "axil_to_axi.v"]


def _run(testcase, seed, alt_map=False):
    kw = {}
    if alt_map:
        from test_system import ALT_MAP
        from tb.system_env import SystemMap
        smap = SystemMap(**ALT_MAP)
        # the interconnect decodes addresses only: SMMU_VERSION is msi_system_top's
        # (Icarus ignores an unknown parameter, Verilator stops on it)
        params = {k: v for k, v in smap.hdl_parameters().items() if k != "SMMU_VERSION"}
        kw = dict(parameters=params, extra_env={"SYSTEM_MAP": smap.to_json()})
    run_system(toplevel="msi_interconnect", sources=GLUE_SOURCES, test_module="cocotb_system_glue",
               testcase=testcase, seed=seed, **kw)


@pytest.mark.sim
@pytest.mark.parametrize("seed", system_seeds(), ids=seed_id)
@pytest.mark.parametrize("backpressure", [False, True], ids=["nobp", "bp"])
def test_glue_device_arbiter_routing(backpressure, seed):
    _run(f"device_arbiter_routing/backpressure={backpressure}", seed)


@pytest.mark.sim
@pytest.mark.parametrize("seed", system_seeds(), ids=seed_id)
@pytest.mark.parametrize("channel", ["aw", "ar"])
def test_glue_round_robin_fairness(channel, seed):
    _run(f"round_robin_fairness/channel={channel}", seed)


@pytest.mark.sim
@pytest.mark.parametrize("seed", system_seeds(), ids=seed_id)
@pytest.mark.parametrize("channel", ["aw", "ar"])
def test_glue_grant_held_while_stalled(channel, seed):
    _run(f"grant_held_while_stalled/channel={channel}", seed)


@pytest.mark.sim
@pytest.mark.parametrize("seed", system_seeds(), ids=seed_id)
def test_glue_w_fifo_full(seed):
    _run("w_fifo_full", seed)


@pytest.mark.sim
@pytest.mark.parametrize("seed", system_seeds(), ids=seed_id)
@pytest.mark.parametrize("backpressure", [False, True], ids=["nobp", "bp"])
def test_glue_pa_decode_routing(backpressure, seed):
    _run(f"pa_decode_routing/backpressure={backpressure}", seed)


@pytest.mark.sim
@pytest.mark.parametrize("seed", system_seeds(), ids=seed_id)
def test_glue_pa_decode_aw_meets_b(seed):
    _run("pa_decode_aw_meets_b", seed)


@pytest.mark.sim
@pytest.mark.parametrize("seed", system_seeds(), ids=seed_id)
@pytest.mark.parametrize("backpressure", [False, True], ids=["nobp", "bp"])
def test_glue_concurrent_id_routing(backpressure, seed):
    _run(f"concurrent_id_routing/backpressure={backpressure}", seed)


@pytest.mark.sim
@pytest.mark.parametrize("seed", system_seeds(), ids=seed_id)
def test_glue_cpu_routing(seed):
    _run("cpu_routing", seed)


@pytest.mark.sim
@pytest.mark.parametrize("seed", system_seeds(), ids=seed_id)
@pytest.mark.parametrize("testcase", ["pa_decode_routing/backpressure=False", "cpu_routing"])
def test_glue_alt_map(testcase, seed):
    _run(testcase, seed, alt_map=True)


def test_glue_generated_regions_fresh():
    """The per-device text of msi_interconnect.v / msi_system_top.v matches
    scripts/gen_interconnect.py and hwdefs' DEV<n>_SID list (else: make gen)."""
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_interconnect.py"), "--check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_system_tb_wrapper_fresh():
    """tb/hdl/msi_system_tb.v (the back-pressure wrapper of the system tests) matches
    scripts/gen_system_tb.py run on msi_system_top's current header (else: make gen)."""
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_system_tb.py"), "--check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr

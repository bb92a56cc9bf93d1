"""System glue RTL (AXI arbiter, address decoders, AXI4-Lite bridge) under cocotb.

Each pytest test runs one cocotb test (one build directory each, so xdist can
spread them); `make regress SEEDS=N` parametrizes them over seeds.
"""

import pytest

from tb.system_regress import run_system, seed_id, system_seeds

GLUE_SOURCES = ["axi_arbiter.v", "axi_addr_decoder.v", "axil_decoder.v", "axil_to_axi.v",
                "../tb/hdl/tb_glue_top.v"]


def _run(testcase, seed):
    run_system(toplevel="tb_glue_top", sources=GLUE_SOURCES, test_module="cocotb_system_glue",
               testcase=testcase, seed=seed)


@pytest.mark.sim
@pytest.mark.parametrize("seed", system_seeds(), ids=seed_id)
@pytest.mark.parametrize("backpressure", [False, True], ids=["nobp", "bp"])
def test_glue_routing_and_decerr(backpressure, seed):
    _run(f"routing_and_decerr/backpressure={backpressure}", seed)


@pytest.mark.sim
@pytest.mark.parametrize("seed", system_seeds(), ids=seed_id)
@pytest.mark.parametrize("backpressure", [False, True], ids=["nobp", "bp"])
def test_glue_concurrent_id_routing(backpressure, seed):
    _run(f"concurrent_id_routing/backpressure={backpressure}", seed)


@pytest.mark.sim
@pytest.mark.parametrize("seed", system_seeds(), ids=seed_id)
@pytest.mark.parametrize("channel", ["aw", "ar"])
def test_glue_round_robin_fairness(channel, seed):
    _run(f"round_robin_fairness/channel={channel}", seed)


@pytest.mark.sim
@pytest.mark.parametrize("seed", system_seeds(), ids=seed_id)
def test_glue_axil_cpu_routing(seed):
    _run("axil_cpu_routing", seed)

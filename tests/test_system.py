"""System co-simulation scenarios on msi_system_top (cocotb module tests/cocotb_system.py).

One pytest test per cocotb scenario (own build directory, so xdist spreads them);
`make regress SEEDS=N` parametrizes them over seeds.
"""

import os
from pathlib import Path

import pytest

from tb.system_regress import run_system as _run_system
from tb.system_regress import seed_id, system_seeds

# SYSTEM_MUTANT=1 builds the RTL with a StreamID on port 1 that the kernel layer
# does not know about (DEV1_SID = 0x0011 instead of 0x0010): a deliberate
# RTL/model disagreement, to see what a failing regression and its reproduce
# command look like (docs/system.md).
MUTANT = os.environ.get("SYSTEM_MUTANT", "0") not in ("", "0")


def run_system(**kw):
    if MUTANT:
        kw["parameters"] = {**kw.get("parameters", {}), "DEV1_SID": 0x0011}
        kw["repro_env"] = {"SYSTEM_MUTANT": "1"}
    return _run_system(**kw)


# every synthesizable source in hdl/ (Icarus elaborates only what msi_system_top uses),
# so new submodules of the blocks need no edit here
SYSTEM_SOURCES = sorted(p.name for p in (Path(__file__).resolve().parent.parent / "hdl").glob("*.v")
                        if p.name != "smoke_counter.v")

SCENARIOS = [
    "its_single_msi",
    "doorbells_many_devices/chip=its/backpressure=0.0",
    "doorbells_many_devices/chip=its/backpressure=0.3",
    "doorbells_many_devices/chip=v2m/backpressure=0.0",
    "doorbells_many_devices/chip=v2m/backpressure=0.3",
    "iova_exhausted_msi_fails/kernel=v4_9",
    "iova_exhausted_msi_fails/kernel=v5_2",
    "teardown_put_cookie_tlb_invalidate",
    "isolation_its",
    "isolation_v2m_missing",
    "lookup_v5_vs_merged",
    "vfio_msi_cookie",
    "its_set_affinity_under_traffic",
    "msi_64bit_iova",
    "bus_errors",
]
# the constrained-random regression runs RANDOM_RUNS seeds by default (more with
# make regress SEEDS=N, longer with SYSTEM_RANDOM_OPS)


@pytest.mark.sim
@pytest.mark.parametrize("seed", system_seeds(), ids=seed_id)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.replace("/", "-"))
def test_system(scenario, seed):
    run_system(toplevel="msi_system_top", sources=SYSTEM_SOURCES, test_module="cocotb_system",
               testcase=scenario, seed=seed)


RANDOM_RUNS = 4
# HDL parameter sets for the random regression: the default system, and one with
# a small TLB and walk cache so translations thrash and walk all the time.
RANDOM_PARAMS = {"default": {}, "smalltlb": {"TLB_ENTRIES": 8, "WALK_CACHE_ENTRIES": 2}}


@pytest.mark.sim
@pytest.mark.parametrize("seed", system_seeds(), ids=seed_id)
@pytest.mark.parametrize("run", range(RANDOM_RUNS))
@pytest.mark.parametrize("config", sorted(RANDOM_PARAMS))
def test_system_random(config, run, seed):
    # run_index folds `run` into the simulation seed: under one SEED the runs differ
    run_system(toplevel="msi_system_top", sources=SYSTEM_SOURCES, test_module="cocotb_system",
               testcase="random_system", seed=seed, run_index=run,
               parameters=RANDOM_PARAMS[config])


# Another memory map, given to the RTL as parameters and to the kernel layer as the
# "firmware" description ($SYSTEM_MAP): nothing in the flow assumes QEMU's addresses.
ALT_MAP = dict(its_base=0x3000_0000, gicv2m_base=0x3100_0000, smmu_base=0x3200_0000,
               ram_base=0x8000_0000, ram_size=0x4000_0000)
ALT_MAP_SCENARIOS = ["doorbells_many_devices/chip=its/backpressure=0.0",
                     "doorbells_many_devices/chip=v2m/backpressure=0.0", "isolation_its"]


@pytest.mark.sim
@pytest.mark.parametrize("seed", system_seeds(), ids=seed_id)
@pytest.mark.parametrize("scenario", ALT_MAP_SCENARIOS, ids=lambda s: s.replace("/", "-"))
def test_system_alt_map(scenario, seed):
    from tb.system_env import SystemMap
    smap = SystemMap(**ALT_MAP)
    run_system(toplevel="msi_system_top", sources=SYSTEM_SOURCES, test_module="cocotb_system",
               testcase=scenario, seed=seed, parameters=smap.hdl_parameters(),
               extra_env={"SYSTEM_MAP": smap.to_json()})

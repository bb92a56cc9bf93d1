"""System co-simulation scenarios on msi_system_top (cocotb module tests/cocotb_system.py).

One pytest test per cocotb scenario (own build directory, so xdist spreads them);
`make regress SEEDS=N` parametrizes them over seeds. Every test runs on both SMMUs:
smmu=v3 (msi_system_top SMMU_VERSION=3, smmu_v3 driven as Linux 6.1's arm-smmu-v3)
and smmu=v2 (smmu_tlb, arm-smmu); one build directory per version. SYSTEM_SMMU=3
(what `make sim` sets by default) or =2 keeps one of them; unset or "2,3" runs both
(`make test`, `make regress`).
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


def smmu_versions() -> list[int]:
    """The SMMU versions to run: $SYSTEM_SMMU ("3", "2" or "2,3"), both by default."""
    text = os.environ.get("SYSTEM_SMMU", "").strip()
    versions = [int(v) for v in text.split(",") if v.strip()] if text else [3, 2]
    bad = [v for v in versions if v not in (2, 3)]
    if bad:
        raise ValueError(f"SYSTEM_SMMU={text!r}: SMMU version {bad[0]} (want 2, 3 or 2,3)")
    return versions


SMMU_VERSIONS = smmu_versions()


def smmu_id(version: int) -> str:
    return f"smmu{version}"


def run_system(*, smmu: int, smap=None, **kw):
    """run_system with the SMMU version given to the RTL (SMMU_VERSION) and, as the
    firmware description, to the kernel layer ($SYSTEM_MAP)."""
    from dataclasses import replace

    from tb.system_env import SystemMap
    smap = replace(smap or SystemMap(), smmu_version=smmu)
    kw["parameters"] = {**kw.get("parameters", {}), "SMMU_VERSION": smmu}
    kw["extra_env"] = {**kw.get("extra_env", {}), "SYSTEM_MAP": smap.to_json()}
    if MUTANT:
        kw["parameters"] = {**kw.get("parameters", {}), "DEV1_SID": 0x0011}
        kw["repro_env"] = {"SYSTEM_MUTANT": "1"}
    return _run_system(**kw)


# every synthesizable source in hdl/ (Icarus elaborates only what msi_system_top uses),
# so new submodules of the blocks need no edit here
SYSTEM_SOURCES = sorted(p.name for p in (Path(__file__).resolve().parent.parent / "hdl").glob("*.v"))

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
@pytest.mark.parametrize("smmu", SMMU_VERSIONS, ids=smmu_id)
def test_system(smmu, scenario, seed):
    run_system(smmu=smmu, toplevel="msi_system_top", sources=SYSTEM_SOURCES,
               test_module="cocotb_system", testcase=scenario, seed=seed)


RANDOM_RUNS = 4
# HDL parameter sets for the random regression: the default system, and one with
# a small TLB and walk cache (and, for SMMUv3, a 2-entry STE/CD cache: four streams and
# their CDs do not fit) so translations thrash and walk all the time.
RANDOM_PARAMS = {"default": {},
                 "smalltlb": {"TLB_ENTRIES": 8, "WALK_CACHE_ENTRIES": 2, "CFG_ENTRIES": 2}}


@pytest.mark.sim
@pytest.mark.parametrize("seed", system_seeds(), ids=seed_id)
@pytest.mark.parametrize("run", range(RANDOM_RUNS))
@pytest.mark.parametrize("config", sorted(RANDOM_PARAMS))
@pytest.mark.parametrize("smmu", SMMU_VERSIONS, ids=smmu_id)
def test_system_random(smmu, config, run, seed):
    # run_index folds `run` into the simulation seed: under one SEED the runs differ
    run_system(smmu=smmu, toplevel="msi_system_top", sources=SYSTEM_SOURCES,
               test_module="cocotb_system", testcase="random_system", seed=seed,
               run_index=run, parameters=RANDOM_PARAMS[config])


# Another memory map, given to the RTL as parameters and to the kernel layer as the
# "firmware" description ($SYSTEM_MAP): nothing in the flow assumes QEMU's addresses.
ALT_MAP = dict(its_base=0x3000_0000, gicv2m_base=0x3100_0000, smmu_base=0x3200_0000,
               ram_base=0x8000_0000, ram_size=0x4000_0000)
ALT_MAP_SCENARIOS = ["doorbells_many_devices/chip=its/backpressure=0.0",
                     "doorbells_many_devices/chip=v2m/backpressure=0.0", "isolation_its"]


@pytest.mark.sim
@pytest.mark.parametrize("seed", system_seeds(), ids=seed_id)
@pytest.mark.parametrize("scenario", ALT_MAP_SCENARIOS, ids=lambda s: s.replace("/", "-"))
@pytest.mark.parametrize("smmu", SMMU_VERSIONS, ids=smmu_id)
def test_system_alt_map(smmu, scenario, seed):
    from tb.system_env import SystemMap
    smap = SystemMap(**ALT_MAP, smmu_version=smmu)
    run_system(smmu=smmu, smap=smap, toplevel="msi_system_top", sources=SYSTEM_SOURCES,
               test_module="cocotb_system", testcase=scenario, seed=seed,
               parameters=smap.hdl_parameters())

"""Icarus and Verilator simulate the same cycles of a random system run.

The system random test's simulation on msi_system_tb (LFSR back-pressure gates, smmu3,
default parameters) is run once on each simulator with the same seed, each in a child
process (tb/runner.py picks its simulator at import), and the two runs must agree on the simulated time, every counter and every
line of the transaction log: each simulator is the other's oracle. They once differed
(README "System random regression speed": 11 930 cycles on Icarus, 12 025 on
Verilator at SEED=7) because the bus models' idle sinks woke in the simulator's
value-change callback order (tb/ordered_wake.py).

Cheap: a short run (AGREE_OPS operations per device), and the Verilator child reuses
the shared build of make test-verilator's random test (same toplevel and parameters).
SEED=n picks the seed; the default is one whose run differed before the fix.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tb import runner

ROOT = Path(__file__).resolve().parent.parent
AGREE_OPS = 50
# before tb/ordered_wake.py this seed's run took another cycle sequence on each
# simulator (see the module docstring); any seed must agree
AGREE_SEED = 1
SIMULATORS = ("icarus", "verilator")
THIS = "tests/test_simulators_agree.py::test_random_system_same_on_icarus_and_verilator"
# settings of the parent run that must not reach the children: each child is given
# its seed, SMMU, length and stats directory, and builds for its simulator, no coverage
_DROP = ("SIM", "SEED", "COCOTB_RANDOM_SEED", "REGRESS_SEEDS", "SYSTEM_SMMU",
         "SYSTEM_RANDOM_OPS", "SYSTEM_STATS_DIR", "SYSTEM_PAUSE", "CODE_COVERAGE", "WAVES")


class ChildRunFailed(AssertionError):
    """A simulator's run of the random system test failed or wrote no stats."""


def child(sim: str, seed: int) -> None:
    """In the child process: test_system_random[smmu3-default-0]'s simulation, under a
    node name of its own (so its test directory and txlog are this test's, never those
    of a random test another pytest worker is running)."""
    os.environ["PYTEST_CURRENT_TEST"] = f"{THIS}[{sim}] (call)"
    from test_system import RANDOM_PARAMS, TB_SOURCES, TB_TOP, run_system
    run_system(smmu=3, toplevel=TB_TOP, sources=TB_SOURCES, test_module="cocotb_system",
               testcase="random_system", seed=seed, parameters=RANDOM_PARAMS["default"])


def run_on(sim: str, seed: int, stats_dir: Path, extra_env: dict | None = None) -> dict:
    """The stats record (tb/system_regress.py) and transaction log of the run on `sim`
    (with extra_env in the child's environment)."""
    env = {k: v for k, v in os.environ.items() if k not in _DROP}
    env.update(extra_env or {})
    env.update(SIM=sim, SYSTEM_SMMU="3", SYSTEM_RANDOM_OPS=str(AGREE_OPS),
               SYSTEM_STATS_DIR=str(stats_dir),
               PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests"), env.get("PYTHONPATH", "")]))
    cmd = [sys.executable, __file__, sim, str(seed)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    recs = sorted(stats_dir.glob("*.json"))
    if proc.returncode != 0 or len(recs) != 1:
        raise ChildRunFailed(f"SIM={sim} SEED={seed}: exit {proc.returncode}, {len(recs)} "
                             f"stats files\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    rec = json.loads(recs[0].read_text())
    rec["txlog_lines"] = [ln for ln in Path(rec["txlog"]).read_text().splitlines()
                          if not ln.startswith("#")]
    return rec


def first_difference(a: list[str], b: list[str], names=SIMULATORS) -> str:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"line {i + 1}:\n  {names[0]}: {x}\n  {names[1]}: {y}"
    return f"{len(a)} lines on {names[0]}, {len(b)} on {names[1]}"


@pytest.mark.sim
def test_random_system_same_on_icarus_and_verilator(tmp_path):
    if runner.filter_deselects("cocotb_system", ["random_system"]):
        pytest.skip(f"{runner.SKIP_TAG} COCOTB_TEST_FILTER={runner.test_filter()!r} deselects random_system")
    given = os.environ.get("SEED") or os.environ.get("COCOTB_RANDOM_SEED")
    seed = runner.test_seed() if given else AGREE_SEED
    print(f"[simulators agree] random_system on msi_system_tb (smmu3, default) SEED={seed} "
          f"SYSTEM_RANDOM_OPS={AGREE_OPS}; reproduce: SEED={seed} .venv/bin/python -m pytest "
          f"-p no:cacheprovider '{THIS}'")
    runs = {sim: run_on(sim, seed, tmp_path / sim) for sim in SIMULATORS}
    ic, vl = runs["icarus"], runs["verilator"]
    cycles = {sim: r["sim_time_ns"] for sim, r in runs.items()}
    print(f"[simulators agree] sim_time_ns {cycles}; counters {ic['counters']}")
    assert ic["sim_time_ns"] == vl["sim_time_ns"], \
        f"SEED={seed}: simulated time differs: {cycles}"
    assert ic["counters"] == vl["counters"], \
        f"SEED={seed}: counters differ: icarus {ic['counters']}, verilator {vl['counters']}"
    assert ic["txlog_lines"] == vl["txlog_lines"], \
        f"SEED={seed}: transaction logs differ at " + first_difference(ic["txlog_lines"], vl["txlog_lines"])


if __name__ == "__main__":      # the child of run_on: python tests/test_simulators_agree.py SIM SEED
    child(sys.argv[1], int(sys.argv[2]))

"""pytest-side launcher for cocotb simulations (cocotb_tools.runner + Icarus).

Every simulation test in tests/ calls run_cocotb(). It builds one directory per
(test, HDL parameter set), because Icarus binds parameters at compile time, and
runs the cocotb module with a seed that is printed and can be replayed:

    SEED=1234 make test          # replay every random test with seed 1234
    WAVES=1 pytest tests/test_x.py -k name   # dump an FST next to the build
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import random
import re
from pathlib import Path
from typing import Iterable, Mapping

from cocotb_tools.runner import get_runner

ROOT = Path(__file__).resolve().parent.parent
HDL = ROOT / "hdl"
TESTS = ROOT / "tests"
SIM_BUILD = ROOT / "sim_build"
SIMULATOR = os.environ.get("SIM", "icarus")


def test_seed() -> int:
    """The seed for this run: $SEED if set, else a fresh one (always printed)."""
    env = os.environ.get("SEED")
    return int(env, 0) if env else random.SystemRandom().randrange(1, 2**31)


def _build_tag(parameters: Mapping[str, object]) -> str:
    node = os.environ.get("PYTEST_CURRENT_TEST", "manual").split(" ")[0]
    node = re.sub(r"[^A-Za-z0-9_.-]+", "_", node.split("::", 1)[-1])[:80]
    text = ",".join(f"{k}={parameters[k]}" for k in sorted(parameters))
    return f"{node}-{hashlib.sha1(text.encode()).hexdigest()[:8]}"


def run_cocotb(
    *,
    toplevel: str,
    sources: Iterable[str],
    test_module: str,
    parameters: Mapping[str, object] | None = None,
    testcase: str | None = None,
    seed: int | None = None,
    extra_env: Mapping[str, str] | None = None,
    waves: bool | None = None,
) -> Path:
    """Build `sources` (names relative to hdl/) and run cocotb module `test_module`.

    Raises (through cocotb's runner) when any cocotb test fails. Returns the
    results XML path.
    """
    parameters = dict(parameters or {})
    seed = test_seed() if seed is None else seed
    if waves is None:
        waves = os.environ.get("WAVES", "0") not in ("", "0")
    build_dir = SIM_BUILD / toplevel / _build_tag(parameters)
    print(f"[run_cocotb] {test_module} on {toplevel} params={parameters} SEED={seed}"
          f" build_dir={build_dir}")
    build_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive(build_dir):
        return _build_and_test(build_dir, toplevel, sources, test_module, parameters,
                               testcase, seed, extra_env, waves)


@contextlib.contextmanager
def _exclusive(build_dir: Path):
    """Hold a lock on build_dir: two runs of one test (two `make test` in one tree)
    would otherwise overwrite each other's sim.vvp and results.xml."""
    with open(build_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _build_and_test(build_dir, toplevel, sources, test_module, parameters,
                    testcase, seed, extra_env, waves) -> Path:
    runner = get_runner(SIMULATOR)
    runner.build(
        sources=[HDL / s for s in sources],
        includes=[HDL],
        hdl_toplevel=toplevel,
        parameters=parameters,
        build_dir=build_dir,
        always=True,
        waves=waves,
        timescale=("1ns", "1ps"),
    )
    env = {"PYTHONPATH": os.pathsep.join([str(ROOT), str(TESTS),
                                          os.environ.get("PYTHONPATH", "")])}
    env.update(extra_env or {})
    return runner.test(
        test_module=test_module,
        hdl_toplevel=toplevel,
        testcase=testcase,
        seed=seed,
        build_dir=build_dir,
        test_dir=build_dir,
        extra_env=env,
        waves=waves,
        results_xml=str(build_dir / "results.xml"),
    )

"""Regression plumbing shared by the system tests (pytest side and cocotb side).

Conventions
-----------
* Every system cocotb test is wrapped with :func:`system_test`. It counts what the
  test checked in a :class:`Stats` object and, pass or fail, writes one JSON file
  ``<SYSTEM_STATS_DIR>/<node>__<cocotb test>.json``::

      {"node": ..., "test": ..., "seed": ..., "result": "pass"|"fail",
       "error": ..., "sim_time_ns": ..., "counters": {...},
       "repro": "SEED=... .venv/bin/python -m pytest 'tests/x.py::test_y'",
       "txlog": ".../<test>.txlog", "waves": ".../<top>.fst" or null}

  ``scripts/sim_summary.py`` aggregates those files and the JUnit XML.
* Counter names are free-form; the summary has columns for the usual ones:
  ``transactions``, ``msis``, ``interrupts``, ``faults``, ``dma_bytes``.
* On the pytest side, :func:`run_system` wraps ``tb.runner.run_cocotb``: it fixes
  the seed, passes the stats directory and the reproduce command to the
  simulation, and on failure raises an AssertionError whose message is the one
  command that reproduces it.
* ``REGRESS_SEEDS=1,2,3`` (set by ``make regress``) parametrizes the system tests
  over those seeds; otherwise each test runs once with $SEED or a fresh seed.
"""

from __future__ import annotations

import functools
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results"
DEFAULT_STATS_DIR = RESULTS / "stats"
SUMMARY_COUNTERS = ("transactions", "msis", "interrupts", "faults", "dma_bytes")


# ----------------------------------------------------------------------------- pytest side
def system_seeds() -> list[int | None]:
    """Seeds to parametrize a system test over: $REGRESS_SEEDS, else [None]."""
    env = os.environ.get("REGRESS_SEEDS", "").strip()
    if not env:
        return [None]
    return [int(s, 0) for s in env.split(",") if s.strip()]


def seed_id(seed: int | None) -> str:
    return "seed" if seed is None else f"seed{seed}"


def _current_node() -> tuple[str, str]:
    """(file, test id) of the running pytest test, from PYTEST_CURRENT_TEST, with
    a regression seed parameter (seedN) turned back into the default id "seed",
    so the id names the test as a plain run (SEED=N ...) collects it."""
    cur = os.environ.get("PYTEST_CURRENT_TEST", "manual::manual (call)").split(" ")[0]
    file, _, rest = cur.partition("::")
    rest = re.sub(r"(?<=[\[-])seed\d+(?=[\]-])", "seed", rest)
    return file, rest


def repro_command(seed: int, file: str, func: str, extra_env: Mapping[str, str] | None = None
                  ) -> str:
    env = " ".join(f"{k}={v}" for k, v in (extra_env or {}).items())
    env = (env + " ") if env else ""
    return f"SEED={seed} {env}.venv/bin/python -m pytest -p no:cacheprovider '{file}::{func}'"


def run_system(*, toplevel: str, sources, test_module: str, testcase: str,
               parameters: Mapping[str, object] | None = None, seed: int | None = None,
               extra_env: Mapping[str, str] | None = None, repro_env: Mapping[str, str] | None = None,
               waves: bool | None = None) -> Path:
    """run_cocotb for one cocotb testcase, with stats, seed and a reproduce command."""
    from tb.runner import run_cocotb, test_seed   # imports cocotb_tools: keep lazy

    seed = test_seed() if seed is None else seed
    file, func = _current_node()
    repro = repro_command(seed, file, func, repro_env)
    stats_dir = Path(os.environ.get("SYSTEM_STATS_DIR", DEFAULT_STATS_DIR))
    stats_dir.mkdir(parents=True, exist_ok=True)
    raw_node = os.environ.get("PYTEST_CURRENT_TEST", f"{file}::{func} (call)").split(" ")[0]
    env = {
        "SYSTEM_STATS_DIR": str(stats_dir),
        "SYSTEM_REPRO": repro,
        "SYSTEM_NODE": raw_node,
        "SYSTEM_TOPLEVEL": toplevel,
    }
    env.update(extra_env or {})
    print(f"[system] {file}::{func} cocotb={testcase} SEED={seed}\n[system] reproduce: {repro}")
    try:
        results = run_cocotb(toplevel=toplevel, sources=sources, test_module=test_module,
                             parameters=parameters, testcase=testcase, seed=seed,
                             extra_env=env, waves=waves)
        ran = _count_testcases(Path(results))
        if ran == 0:   # a filter that matches nothing must not pass silently
            raise AssertionError(f"no cocotb test named {testcase!r} ran in {test_module}")
        return results
    except BaseException as exc:  # cocotb's runner ends a failed run with SystemExit
        if isinstance(exc, KeyboardInterrupt):
            raise
        msg = f"{testcase} failed (SEED={seed}); reproduce with:\n    {repro}"
        if isinstance(exc, AssertionError) and "no cocotb test named" in str(exc):
            msg = f"{exc}\n{msg}"
        import pytest
        # the simulation log above has the cocotb traceback; keep pytest's report short
        pytest.fail(msg, pytrace=False)


def _count_testcases(results_xml: Path) -> int:
    import xml.etree.ElementTree as ET
    return sum(1 for _ in ET.parse(results_xml).getroot().iter("testcase"))


# ----------------------------------------------------------------------------- cocotb side
@dataclass
class Stats:
    """Counters of what a test checked; written as JSON at the end of the test."""

    counters: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int = 1) -> None:
        self.counters[name] = self.counters.get(name, 0) + n

    def __getitem__(self, name: str) -> int:
        return self.counters.get(name, 0)


CURRENT_TEST: str | None = None   # name of the running with_stats test (txlog file name)


def txlog_path(fallback: str) -> Path:
    """<cwd>/<test>.txlog: the transaction log of the running test, the name the
    stats record points at."""
    return Path.cwd() / f"{_safe(CURRENT_TEST or fallback)}.txlog"


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:120]


def regression_seed() -> int:
    """The run's seed (SEED / COCOTB_RANDOM_SEED). cocotb derives each test's
    cocotb.RANDOM_SEED from it and the test's name, so one SEED replays all."""
    import cocotb
    env = os.environ.get("COCOTB_RANDOM_SEED")
    return int(env) if env else cocotb.RANDOM_SEED


def write_stats(test: str, stats: Stats, *, result: str, error: str | None,
                sim_time_ns: float, extra: Mapping[str, object] | None = None,
                started: float = 0.0) -> Path:
    import cocotb

    stats_dir = Path(os.environ.get("SYSTEM_STATS_DIR", DEFAULT_STATS_DIR))
    stats_dir.mkdir(parents=True, exist_ok=True)
    node = os.environ.get("SYSTEM_NODE", "manual")
    toplevel = os.environ.get("SYSTEM_TOPLEVEL", "")
    fst = Path.cwd() / f"{toplevel}.fst"
    record = {
        "node": node,
        "test": test,
        "seed": regression_seed(),
        "test_seed": cocotb.RANDOM_SEED,
        "result": result,
        "error": error,
        "sim_time_ns": sim_time_ns,
        "wall_s": None,
        "counters": dict(stats.counters),
        "repro": os.environ.get("SYSTEM_REPRO", f"SEED={regression_seed()}"),
        "txlog": str(Path.cwd() / f"{_safe(test)}.txlog"),
        # only a dump this run wrote (a stale one from an earlier WAVES=1 run is not)
        "waves": str(fst) if fst.exists() and fst.stat().st_mtime >= started - 1 else None,
        "written": time.time(),
    }
    record.update(extra or {})
    path = stats_dir / f"{_safe(node)}__{_safe(test)}.json"
    path.write_text(json.dumps(record, indent=1, sort_keys=True))
    return path


def with_stats(func):
    """Decorator for a cocotb test coroutine, placed under @cocotb.test() (and
    @cocotb.parametrize): passes a Stats object as the `stats` keyword and writes
    the stats JSON whether the test passes or fails.

        @cocotb.test()
        @cocotb.parametrize(backpressure=[False, True])
        @with_stats
        async def my_test(dut, backpressure, stats): ...
    """
    import cocotb
    from cocotb.utils import get_sim_time

    @functools.wraps(func)
    async def wrapper(dut, **kwargs):
        global CURRENT_TEST
        stats = Stats()
        name = func.__name__ + "".join(f"/{k}={v!r}" for k, v in kwargs.items())
        CURRENT_TEST = name
        t0 = time.time()
        cocotb.log.info("%s SEED=%d (test seed %d)  reproduce: %s", name, regression_seed(),
                        cocotb.RANDOM_SEED,
                        os.environ.get("SYSTEM_REPRO", "(not under run_system)"))
        try:
            await func(dut, stats=stats, **kwargs)
        except BaseException as exc:
            write_stats(name, stats, result="fail", error=f"{type(exc).__name__}: {exc}",
                        sim_time_ns=get_sim_time("ns"), extra={"wall_s": time.time() - t0},
                        started=t0)
            raise
        write_stats(name, stats, result="pass", error=None,
                    sim_time_ns=get_sim_time("ns"), extra={"wall_s": time.time() - t0},
                    started=t0)
    return wrapper

"""Regression plumbing shared by the system tests (pytest side and cocotb side).

Conventions
-----------
* Every system cocotb test is wrapped with :func:`with_stats`. It counts what the
  test checked in a :class:`Stats` object (the counter names and what each one
  counts are in :data:`COUNTERS`) and, pass or fail, writes one JSON file
  ``<SYSTEM_STATS_DIR>/<node>__<cocotb test>.json``::

      {"node": ..., "test": ..., "seed": ..., "sim_seed": ..., "result": "pass"|"fail",
       "error": "ScoreboardError: ...", "where": ["tests/x.py:12 in f", ...],
       "fail_ns": ..., "sim_time_ns": ..., "counters": {...},
       "repro": "SEED=... .venv/bin/python -m pytest 'tests/x.py::test_y'",
       "txlog": ".../<test>.txlog", "last_tx": [...], "waves": ".../<top>.fst" or null,
       "gtkw": ".../<test>.gtkw" or null}

  ``error`` is the first real exception of the test, whichever task raised it: when
  a ``cocotb.start_soon`` task fails, cocotb cancels the test coroutine, and the
  ``CancelledError`` that the wrapper then sees is not the cause.
  ``scripts/sim_summary.py`` aggregates those files and the JUnit XML.
* On the pytest side, :func:`run_system` wraps ``tb.runner.run_cocotb``: it fixes
  the seed, passes the stats directory and the reproduce command to the
  simulation, and on failure fails the pytest test with a short digest
  (:func:`failure_digest`): the cause, where it was raised, the reproduce
  command, the txlog and waveform paths and the last transactions.
* ``REGRESS_SEEDS=1,2,3`` (set by ``make regress``) parametrizes the system tests
  over those seeds; otherwise each test runs once with $SEED / $COCOTB_RANDOM_SEED
  or a fresh seed. A test repeated under one seed (``run_index``) folds the index
  into the seed (tb.runner.fold_seed), so the repeats differ and each replays.
* Bus models (cocotbext-axi) log at WARNING unless VERBOSE=1.
"""

from __future__ import annotations

import functools
import json
import os
import re
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results"
DEFAULT_STATS_DIR = RESULTS / "stats"
SYSTEM_GTKW = ROOT / "waves" / "system.gtkw"
# toplevels with a waveform layout: where msi_system_top is in each one's dump
SYSTEM_TOPS = {"msi_system_top": "msi_system_top", "msi_system_tb": "msi_system_tb.u_dut"}

# What each counter counts (the summary's columns are the first six, in this order).
COUNTERS = {
    "transactions": "device transactions issued and checked against a prediction",
    "msis": "MSI writes checked (response, routing, interrupt)",
    "interrupts": "LPIs / SPIs seen that matched a predicted interrupt",
    "fault_records": "SMMU fault records read back and compared with the prediction",
    "decerr_responses": "DECERR responses checked (an address no decoder window holds)",
    "dma_bytes": "DMA bytes written or read and checked",
    "its_movi": "ITS vectors moved between CPUs (MOVI) under traffic",
    "remaps": "buffers unmapped and remapped (TLB invalidation) under traffic",
}
SUMMARY_COUNTERS = ("transactions", "msis", "interrupts", "fault_records", "decerr_responses", "dma_bytes")
LAST_TX = 8          # transactions shown with a failure


class UnknownCounter(KeyError):
    """Stats.add with a name that COUNTERS does not describe."""


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


def repro_command(seed: int, file: str, func: str, extra_env: Mapping[str, str] | None = None,
                  sim_seed: int | None = None) -> str:
    """The command that replays one test; a folded seed is named in a shell comment."""
    extra_env = dict(extra_env or {})
    if os.environ.get("SIM", "icarus") != "icarus":     # a Verilator failure replays there
        extra_env.setdefault("SIM", os.environ["SIM"])
    env = " ".join(f"{k}={v}" for k, v in extra_env.items())
    env = (env + " ") if env else ""
    note = (f"  # effective seed {sim_seed} (SEED with the run index folded in)"
            if sim_seed not in (None, seed) else "")
    return f"SEED={seed} {env}.venv/bin/python -m pytest -p no:cacheprovider '{file}::{func}'{note}"


def run_system(*, toplevel: str, sources, test_module: str, testcase: str,
               parameters: Mapping[str, object] | None = None, seed: int | None = None,
               run_index: int | None = None,
               extra_env: Mapping[str, str] | None = None, repro_env: Mapping[str, str] | None = None,
               waves: bool | None = None) -> Path:
    """run_cocotb for one cocotb testcase, with stats, seed and a reproduce command.
    `run_index` (a test repeated under one seed) is folded into the simulation seed."""
    from tb.runner import (CocotbTestFailed, NoCocotbTestRan, fold_seed,
                           run_cocotb, test_seed)

    seed = test_seed() if seed is None else seed
    sim_seed = fold_seed(seed, run_index) if run_index else seed
    file, func = _current_node()
    repro = repro_command(seed, file, func, repro_env, sim_seed)
    stats_dir = Path(os.environ.get("SYSTEM_STATS_DIR", DEFAULT_STATS_DIR))
    stats_dir.mkdir(parents=True, exist_ok=True)
    raw_node = os.environ.get("PYTEST_CURRENT_TEST", f"{file}::{func} (call)").split(" ")[0]
    env = {
        "SYSTEM_STATS_DIR": str(stats_dir),
        "SYSTEM_REPRO": repro,
        "SYSTEM_NODE": raw_node,
        "SYSTEM_TOPLEVEL": toplevel,
        "SYSTEM_SEED": str(seed),
    }
    env.update(extra_env or {})
    print(f"[system] {file}::{func} cocotb={testcase} SEED={seed}"
          + (f" (run {run_index}: simulation seed {sim_seed})" if sim_seed != seed else "")
          + f"\n[system] reproduce: {repro}")
    started = time.time()
    try:
        return run_cocotb(toplevel=toplevel, sources=sources, test_module=test_module,
                          parameters=parameters, testcase=testcase, seed=sim_seed,
                          extra_env=env, waves=waves)
    except (CocotbTestFailed, NoCocotbTestRan) as exc:
        failure = exc
    recs = [r for r in _stats_records(stats_dir, raw_node, started) if r["result"] == "fail"]
    if recs:
        msg = "\n".join(failure_digest(r) for r in recs)
    else:   # no stats written (the failure came before with_stats ran, or no test ran)
        msg = f"{failure}\n  reproduce: {repro}"
    import pytest
    pytest.fail(msg, pytrace=False)   # outside the except: no "During handling of ..."


def _stats_records(stats_dir: Path, raw_node: str, since: float) -> list[dict]:
    recs = []
    for p in sorted(stats_dir.glob(f"{_safe(raw_node)}__*.json")):
        rec = json.loads(p.read_text())
        if rec.get("written", 0) >= since:
            recs.append(rec)
    return recs


def failure_digest(rec: dict, indent: str = "") -> str:
    """What to print about one failed cocotb test: the cause and where it was raised,
    the failure time, the reproduce command, the txlog and waveform paths and the
    last transactions before the failure."""
    i = indent
    lines = [f"{i}{rec['test']} FAILED at {rec.get('fail_ns', 0):.1f} ns: {rec.get('error')}"]
    for w in rec.get("where") or []:
        lines.append(f"{i}    at {w}")
    if rec.get("in_task"):
        lines.append(f"{i}    (in a cocotb.start_soon task; cocotb then cancelled the test)")
    lines.append(f"{i}  reproduce: {rec['repro']}")
    lines.append(f"{i}  txlog:     {_rel(rec.get('txlog'))}")
    if rec.get("gtkw"):
        lines.append(f"{i}  waves:     gtkwave {_rel(rec['gtkw'])}   (opens at the failure)")
    elif rec.get("waves"):
        lines.append(f"{i}  waves:     {_rel(rec['waves'])}")
    else:
        lines.append(f"{i}  waves:     none (prefix the reproduce command with WAVES=1)")
    last = rec.get("last_tx") or []
    if last:
        lines.append(f"{i}  last {len(last)} transactions ({rec.get('tx_lines')} txlog lines):")
        lines += [f"{i}    {ln}" for ln in last]
    return "\n".join(lines)


def _rel(path: str | None) -> str:
    if not path:
        return "-"
    p = Path(path)
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)


# ----------------------------------------------------------------------------- cocotb side
@dataclass
class Stats:
    """Counters of what a test checked (names from COUNTERS); written as JSON at the
    end of the test."""

    counters: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int = 1) -> None:
        if name not in COUNTERS:
            raise UnknownCounter(f"counter {name!r} is not in tb.system_regress.COUNTERS")
        self.counters[name] = self.counters.get(name, 0) + n

    def __getitem__(self, name: str) -> int:
        return self.counters.get(name, 0)


CURRENT_TEST: str | None = None   # name of the running with_stats test (txlog file name)
CURRENT_TXLOG = None              # the TxLog of the running test (tb.system_env registers it)


def txlog_path(fallback: str) -> Path:
    """<cwd>/<test>.txlog: the transaction log of the running test, the name the
    stats record points at."""
    return Path.cwd() / f"{_safe(CURRENT_TEST or fallback)}.txlog"


def register_txlog(txlog) -> None:
    """Called by TxLog: the wrapper reads its last lines and first MSI time."""
    global CURRENT_TXLOG
    CURRENT_TXLOG = txlog


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:120]


def regression_seed() -> int:
    """The seed the reproduce command gives (SEED): $SYSTEM_SEED under run_system,
    else the simulation's own (COCOTB_RANDOM_SEED / cocotb.RANDOM_SEED)."""
    env = os.environ.get("SYSTEM_SEED")
    return int(env) if env else simulation_seed()


def simulation_seed() -> int:
    """The seed this simulation runs with; cocotb derives each test's
    cocotb.RANDOM_SEED from it and the test's name, so one seed replays all."""
    import cocotb
    env = os.environ.get("COCOTB_RANDOM_SEED")
    return int(env) if env else cocotb.RANDOM_SEED


def root_cause(exc: BaseException) -> BaseException:
    """The exception that ended the test. When a start_soon task raises, cocotb 2.1
    records it in the test manager (_excs, private: cocotb is pinned) and cancels
    the test coroutine, which then sees only a CancelledError."""
    from asyncio import CancelledError

    from cocotb import _test_manager
    if isinstance(exc, CancelledError) and _test_manager._current_test is not None:
        for e in _test_manager._current_test._excs:
            if not isinstance(e, CancelledError):
                return e
    return exc


def raised_where(exc: BaseException, frames: int = 2) -> list[str]:
    """The innermost project frames of exc's traceback, 'file:line in function'."""
    tb = [f for f in traceback.extract_tb(exc.__traceback__)
          if Path(f.filename).is_relative_to(ROOT) and not f.filename.endswith("system_regress.py")]
    return [f"{Path(f.filename).relative_to(ROOT)}:{f.lineno} in {f.name}" for f in tb[-frames:]]


def quiet_bus_logs(dut) -> None:
    """cocotbext-axi logs every burst at INFO under cocotb.<toplevel>.<bus>; keep
    those at WARNING unless VERBOSE=1 (a failing regression printed 25 000 lines of
    them), and its deprecation warnings quiet."""
    import logging
    import warnings

    from tb.runner import verbose
    if not verbose():
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.WARNING)
        # cocotbext-axi 0.1.28 on cocotb 2.1: 40 lines of its own deprecations per test
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"cocotbext\.")


def write_stats(test: str, stats: Stats, *, result: str, error: str | None,
                sim_time_ns: float, extra: Mapping[str, object] | None = None,
                started: float = 0.0) -> Path:
    import cocotb

    stats_dir = Path(os.environ.get("SYSTEM_STATS_DIR", DEFAULT_STATS_DIR))
    stats_dir.mkdir(parents=True, exist_ok=True)
    node = os.environ.get("SYSTEM_NODE", "manual")
    toplevel = os.environ.get("SYSTEM_TOPLEVEL", "")
    # the dump the simulator writes (tb.runner.waves_file): Verilator's is dump.vcd
    fst = Path.cwd() / ("dump.vcd" if os.environ.get("SIM") == "verilator" else f"{toplevel}.fst")
    # only a dump this run wrote (a stale one from an earlier WAVES=1 run is not)
    fresh_fst = fst.exists() and fst.stat().st_mtime >= started - 1
    txlog = CURRENT_TXLOG if CURRENT_TXLOG is not None and CURRENT_TXLOG.test == test else None
    record = {
        "node": node,
        "test": test,
        "seed": regression_seed(),
        "sim_seed": simulation_seed(),
        "test_seed": cocotb.RANDOM_SEED,
        "result": result,
        "error": error,
        "sim_time_ns": sim_time_ns,
        "wall_s": None,
        "cpu_s": time.process_time(),    # the simulator process so far (bench/system_speed.py)
        "counters": dict(stats.counters),
        "repro": os.environ.get("SYSTEM_REPRO", f"SEED={regression_seed()}"),
        "txlog": str(Path.cwd() / f"{_safe(test)}.txlog"),
        "tx_lines": txlog.lines if txlog else 0,
        "last_tx": list(txlog.last) if txlog and result == "fail" else [],
        "first_msi_ns": txlog.first_ns.get("MSI") if txlog else None,
        "waves": str(fst) if fresh_fst else None,
        "gtkw": None,
        "written": time.time(),
    }
    record.update(extra or {})
    if fresh_fst and toplevel in SYSTEM_TOPS:
        record["gtkw"] = str(write_test_gtkw(test, fst, record, SYSTEM_TOPS[toplevel]))
    path = stats_dir / f"{_safe(node)}__{_safe(test)}.json"
    path.write_text(json.dumps(record, indent=1, sort_keys=True))
    return path


def action_window(record: Mapping[str, object]) -> tuple[float, float, float]:
    """(start, end, marker) in ns for the waveform: 1.5 us before and 0.5 us after
    the failure, else from just before the first MSI on, else the first 20 us."""
    if record.get("result") == "fail":
        t = float(record.get("fail_ns") or record["sim_time_ns"])
        return max(0.0, t - 1500.0), t + 500.0, t
    if record.get("first_msi_ns") is not None:
        t = float(record["first_msi_ns"])
        return max(0.0, t - 300.0), t + 1700.0, t
    return 0.0, 20_000.0, -1.0


def write_test_gtkw(test: str, fst: Path, record: Mapping[str, object],
                    scope: str = "msi_system_top") -> Path:
    """<test>.gtkw next to the FST: waves/system.gtkw (scripts/gen_gtkw.py, from the
    design) pointed at this dump and opened on the action_window; `scope` is where
    msi_system_top sits in the dump (msi_system_tb.u_dut under the wrapper)."""
    import sys
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import gen_gtkw
    finally:
        sys.path.pop(0)
    start, end, marker = action_window(record)
    out = fst.with_name(f"{_safe(test)}.gtkw")
    layout = SYSTEM_GTKW.read_text()
    if scope != "msi_system_top":
        layout = layout.replace("msi_system_top.", scope + ".")
    out.write_text(gen_gtkw.retarget(layout, fst, start, end, marker))
    return out


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
        quiet_bus_logs(dut)
        t0 = time.time()
        sim_seed = simulation_seed()
        cocotb.log.info("%s SEED=%d%s (test seed %d)  reproduce: %s", name, regression_seed(),
                        f" simulation seed {sim_seed}" if sim_seed != regression_seed() else "",
                        cocotb.RANDOM_SEED,
                        os.environ.get("SYSTEM_REPRO", "(not under run_system)"))
        try:
            await func(dut, stats=stats, **kwargs)
        except BaseException as exc:
            cause = root_cause(exc)
            now = get_sim_time("ns")
            write_stats(name, stats, result="fail", error=f"{type(cause).__name__}: {cause}",
                        sim_time_ns=now, started=t0,
                        extra={"wall_s": time.time() - t0, "fail_ns": now,
                               "where": raised_where(cause),
                               "in_task": cause is not exc})
            raise
        write_stats(name, stats, result="pass", error=None,
                    sim_time_ns=get_sim_time("ns"), extra={"wall_s": time.time() - t0},
                    started=t0)
    return wrapper


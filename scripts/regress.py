#!/usr/bin/env python3
"""Run the system regression over N seeds in parallel on this machine's cores.

    python scripts/regress.py --seeds 20 [--jobs 8] [--base-seed 1234] [tests ...]
    make regress SEEDS=20                      # the same through make

Every system test (tests/test_system*.py by default) is parametrized over the
seeds (REGRESS_SEEDS, see tb/system_regress.py) and pytest-xdist spreads the
(test, seed) pairs over --jobs workers, each in its own build directory. The
seeds come from --base-seed (or $SEED / $COCOTB_RANDOM_SEED, else a fresh one,
printed) so a whole regression replays with the same --base-seed.

While it runs it prints progress (done/total, failures so far, time left) and each
failure's cause as it happens; at the end the summary (scripts/sim_summary.py)
gives, for every failure, the cause, the one command that reproduces it
(SEED=... pytest '<test>'), the txlog and waveform paths and the last
transactions. pytest's own failure report is left out: it would repeat that.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Progress:
    """pytest plugin: a progress line every tenth of the run (and at the end), and
    one line per failure when it happens. Works on the xdist controller, which sees
    every worker's reports."""

    def __init__(self, tr_write=None):
        self.total = 0
        self.done = 0
        self.failed = 0
        self.start = time.monotonic()
        self.next_report = 1
        self._write = tr_write

    def _line(self, text: str) -> None:
        if self._write is not None:
            self._write(text)
        else:
            print(text, flush=True)

    def pytest_configure(self, config):
        tr = config.pluginmanager.get_plugin("terminalreporter")
        if tr is not None:
            self._write = lambda text: tr.write_line(text)

    def pytest_xdist_node_collection_finished(self, node, ids):
        self.total = max(self.total, len(ids))
        self.next_report = max(1, self.total // 10)

    def pytest_collection_finish(self, session):
        if session.items:
            self.total = len(session.items)
            self.next_report = max(1, self.total // 10)

    def pytest_runtest_logreport(self, report):
        if report.failed:
            self.failed += 1
            # (under xdist the text starts with the worker's "[gw0] linux -- Python ..." line)
            first = [ln for ln in (report.longreprtext or "").strip().splitlines()
                     if ln.strip() and not re.match(r"\[gw\d+\] ", ln)]
            self._line(f"[regress] FAIL {report.nodeid}: {first[0][:220] if first else ''}")
        finished = report.when == "call" or (report.when == "setup" and not report.passed)
        if not finished:
            return
        self.done += 1
        if self.done >= self.next_report or self.done == self.total:
            step = max(1, self.total // 10)
            while self.next_report <= self.done:
                self.next_report += step
            self._line(self.status())

    def status(self) -> str:
        elapsed = time.monotonic() - self.start
        left = elapsed / self.done * (self.total - self.done) if self.done else 0.0
        return (f"[regress] {self.done}/{self.total or '?'} done, {self.failed} failed, "
                f"{elapsed:.0f} s elapsed, about {left:.0f} s left")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=int(os.environ.get("SEEDS", "8")))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--base-seed", type=lambda s: int(s, 0), default=None)
    ap.add_argument("--out", default="results/regress")
    ap.add_argument("-k", dest="keyword", default=None, help="pytest -k filter")
    ap.add_argument("tests", nargs="*", default=None)
    args = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from tb.runner import test_seed
    if args.seeds < 1:
        ap.error(f"--seeds must be at least 1, got {args.seeds}")
    base = args.base_seed if args.base_seed is not None else test_seed()
    rng = random.Random(base)
    seeds = [rng.randrange(1, 2**31) for _ in range(args.seeds)]
    tests = args.tests or sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_system*.py"))
    if not tests:
        print("regress: no tests/test_system*.py found", file=sys.stderr)
        return 1
    out = ROOT / args.out
    shutil.rmtree(out / "stats", ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    print(f"regress: {len(seeds)} seeds from base seed {base} (replay: SEED={base} make regress "
          f"SEEDS={args.seeds}) on {args.jobs} jobs: {', '.join(map(str, seeds))}")
    # the per-test seeds come from REGRESS_SEEDS; a SEED left in the environment would
    # be ignored by them and only confuse the printed commands
    for name in ("SEED", "COCOTB_RANDOM_SEED"):
        os.environ.pop(name, None)
    os.environ["REGRESS_SEEDS"] = ",".join(map(str, seeds))
    os.environ["SYSTEM_STATS_DIR"] = str(out / "stats")
    os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + os.environ["PYTHONPATH"]
                                            if os.environ.get("PYTHONPATH") else "")
    cmd = ["-q", "-p", "no:cacheprovider", "-m", "sim", "-n", str(args.jobs),
           "--tb=no", "--show-capture=no", "-rN", f"--junitxml={out / 'junit.xml'}", *tests]
    if args.keyword:
        cmd += ["-k", args.keyword]
    import pytest
    os.chdir(ROOT)
    rc = int(pytest.main(cmd, plugins=[Progress()]))
    srep = subprocess.call([sys.executable, str(ROOT / "scripts" / "sim_summary.py"),
                            "--junit", str(out / "junit.xml"), "--stats", str(out / "stats"),
                            "--title", f"regression over {len(seeds)} seeds (base {base})"],
                           cwd=ROOT)
    # functional coverage merged over every test and seed (results/regress/coverage.yml)
    subprocess.call([sys.executable, str(ROOT / "scripts" / "coverage_report.py"),
                     "--stats", str(out / "stats"), "--out", str(out / "coverage.yml")], cwd=ROOT)
    return rc or srep


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Mutation testing: small textual RTL edits, each applied alone to a private copy of
the tree, and the block's tests run against it. A mutant is KILLED when some test
fails, SURVIVED when every test passes; a mutant whose `old` text does not occur
exactly once is STALE (an error: the list no longer describes the RTL).

The working tree is never written (other people simulate it): the runner copies the
tree once into a temporary directory and edits files there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv" / "bin" / "python"

# Directories of the working tree that a private copy leaves out (big, or outputs).
_NOT_COPIED = (".git", ".venv", "sim_build", "results", "waves", ".hypothesis",
               ".pytest_cache", "__pycache__", "*.fst", "*.vcd")


@dataclass(frozen=True)
class Mutant:
    """One hand-made bug: replace `old` (which must occur exactly once in `path`,
    relative to the repository root) with `new`."""
    name: str
    bug_class: str
    path: str
    old: str
    new: str


class MutantError(Exception):
    """A mutant list that cannot be applied as written (stale text, duplicate name,
    unknown file)."""


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    status: str                 # KILLED, SURVIVED, STALE, ERROR
    detail: str = ""            # the killing test(s), or why it is an error
    seconds: float = 0.0

    def line(self) -> str:
        m = self.mutant
        text = f"{m.name:6} {self.status:8} [{m.bug_class}] {m.path}"
        return f"{text}: {self.detail}" if self.detail else text


def apply(mutant: Mutant, text: str) -> str:
    """`text` with the mutant applied; MutantError unless `old` occurs exactly once
    and the edit changes something."""
    count = text.count(mutant.old)
    if count != 1:
        what = "not found" if count == 0 else f"found {count} times"
        raise MutantError(f"STALE: {mutant.name}: old text {what} in {mutant.path}: "
                          f"{mutant.old!r}")
    if mutant.old == mutant.new:
        raise MutantError(f"{mutant.name}: old and new text are identical")
    return text.replace(mutant.old, mutant.new, 1)


def check(mutants: Sequence[Mutant], root: Path = ROOT) -> list[str]:
    """Every problem of a mutant list against the tree at `root` (empty: all apply)."""
    problems = []
    seen: set[str] = set()
    for m in mutants:
        if m.name in seen:
            problems.append(f"{m.name}: duplicate mutant name")
        seen.add(m.name)
        path = root / m.path
        if not path.is_file():
            problems.append(f"STALE: {m.name}: no file {m.path}")
            continue
        try:
            apply(m, path.read_text())
        except MutantError as err:
            problems.append(str(err))
    return problems


def private_copy(dest: Path, root: Path = ROOT, from_head: bool = False) -> Path:
    """Copy the working tree (sources only) to `dest`, or with from_head the last
    commit (git archive HEAD: what a fresh clone tests, without anyone's unfinished
    edits); returns the copy's root."""
    if not from_head:
        shutil.copytree(root, dest, ignore=shutil.ignore_patterns(*_NOT_COPIED), symlinks=True)
        return dest
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(root), "archive", "--format=tar", "HEAD"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


_FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.M)
_TEST_FAILED = re.compile(r"^FAILED \S+", re.M)
# tb.runner's CocotbTestFailed lists each failed cocotb test as
# "E     <test>: <ExceptionType>: <message>"
_COCOTB_FAIL = re.compile(r"^E\s+([\w/=.\-\[\]]+): ([A-Za-z_]\w*): (.{0,160})", re.M)


def _killers(stdout: str) -> str:
    """The pytest nodes that failed, and the first cocotb test with its exception
    (e.g. a ProtocolViolation naming port, cycle and rule)."""
    failed = list(dict.fromkeys(_FAILED.findall(stdout)))
    text = ", ".join(failed[:2]) or "pytest failed"
    first = _COCOTB_FAIL.search(stdout)
    if first:
        text += f" | {first.group(1)}: {first.group(2)}: {first.group(3).strip()}"
    return text


class Runner:
    """Runs mutants of one tree copy against pytest targets.

    jobs: pytest-xdist workers (-n); timeout: seconds per mutant, after which the run
    counts as KILLED (a hang is a detected bug; every test here has its own timeout,
    so this only guards against a simulator that never returns)."""

    def __init__(self, work: Path, *, jobs: int = 1, timeout: float = 1800.0,
                 seed: str | None = None, log=print):
        self.work = work
        self.jobs = jobs
        self.timeout = timeout
        self.seed = seed or os.environ.get("SEED", "4242")
        self.log = log

    def _pytest(self, tests: Sequence[str]) -> subprocess.CompletedProcess:
        cmd = [str(PY), "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
               "-n", str(self.jobs if self.jobs > 1 else 0), *tests]
        # COCOTB_MAX_FAILURES=1: cocotb ends a module's regression at its first failed
        # test (the rest are scored as failed unrun), so a kill costs one failing test,
        # not the whole module; -x does the same across pytest nodes.
        env = {**os.environ, "SEED": self.seed, "PYTHONPATH": str(self.work),
               "COCOTB_MAX_FAILURES": "1",
               "SYSTEM_STATS_DIR": str(self.work / "results" / "stats")}
        return subprocess.run(cmd, cwd=self.work, capture_output=True, text=True, env=env,
                              timeout=self.timeout)

    def baseline(self, tests: Sequence[str]) -> None:
        """The unmutated tree must pass, or every mutant would look killed."""
        r = self._pytest(tests)
        if r.returncode != 0:
            tail = "\n".join(r.stdout.splitlines()[-15:])
            raise MutantError(f"baseline (no mutant) fails: {_killers(r.stdout)}\n{tail}")

    def run_one(self, mutant: Mutant, tests: Sequence[str]) -> Outcome:
        path = self.work / mutant.path
        start = time.monotonic()
        try:
            orig = path.read_text()
            mutated = apply(mutant, orig)
        except (MutantError, OSError) as err:
            return Outcome(mutant, "STALE", str(err))
        path.write_text(mutated)
        try:
            r = self._pytest(tests)
        except subprocess.TimeoutExpired:
            return Outcome(mutant, "KILLED", f"timeout after {self.timeout:.0f} s",
                           time.monotonic() - start)
        finally:
            path.write_text(orig)
        secs = time.monotonic() - start
        if r.returncode == 0:
            return Outcome(mutant, "SURVIVED", "", secs)
        # 1: tests failed; 2 with failures: pytest-xdist's -x stops the session as
        # "interrupted" after the first failure
        if r.returncode == 1 or (r.returncode == 2 and _TEST_FAILED.search(r.stdout)):
            return Outcome(mutant, "KILLED", _killers(r.stdout), secs)
        # 2 interrupted, 3 internal error, 4 usage error, 5 no tests collected
        tail = " | ".join((r.stdout + r.stderr).strip().splitlines()[-3:])
        return Outcome(mutant, "ERROR", f"pytest exit {r.returncode}: {tail}", secs)

    def run(self, mutants: Sequence[Mutant], tests: Sequence[str]) -> list[Outcome]:
        outcomes = []
        for m in mutants:
            o = self.run_one(m, tests)
            self.log(f"{o.line()}  ({o.seconds:.0f} s)", flush=True)
            outcomes.append(o)
        return outcomes


def score_line(block: str, outcomes: Iterable[Outcome]) -> str:
    outcomes = list(outcomes)
    by = {s: sum(o.status == s for o in outcomes) for s in ("KILLED", "SURVIVED", "STALE",
                                                              "ERROR")}
    n = len(outcomes)
    pct = 100.0 * by["KILLED"] / n if n else 0.0
    return (f"{block}: {by['KILLED']}/{n} mutants killed ({pct:.1f}%), "
            f"{by['SURVIVED']} survived, {by['STALE']} stale, {by['ERROR']} errors")


def run_block(block: str, mutants: Sequence[Mutant], tests: Sequence[str], *,
              names: Sequence[str] = (), jobs: int = 1, timeout: float = 1800.0,
              baseline: bool = True, work: Path | None = None, log=print) -> list[Outcome]:
    """Run `mutants` (or those named) of one block; returns their outcomes."""
    chosen = [m for m in mutants if not names or m.name in names]
    unknown = set(names) - {m.name for m in mutants}
    if unknown:
        raise MutantError(f"{block}: no mutant named {', '.join(sorted(unknown))}")
    dupes = [p for p in check(mutants, ROOT) if "duplicate" in p]
    if dupes:
        raise MutantError(f"{block}: {'; '.join(dupes)}")
    if not tests:
        raise MutantError(f"{block}: TESTS is empty")

    def go(w: Path) -> list[Outcome]:
        runner = Runner(w, jobs=jobs, timeout=timeout, log=log)
        if baseline:
            log(f"{block}: baseline run of {len(tests)} target(s) on the unmutated tree",
                flush=True)
            runner.baseline(tests)
        return runner.run(chosen, tests)

    if work is not None:
        return go(work)
    with tempfile.TemporaryDirectory(prefix=f"mutants_{block}_") as tmp:
        return go(private_copy(Path(tmp) / "tree"))


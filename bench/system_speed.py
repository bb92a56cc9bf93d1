"""Speed of the system random regression (issue 13), variants side by side in one run.

Runs `make sim`'s random system test (tests/test_system.py::test_system_random,
smmu3, default parameters, run 0; back-pressure on every model channel at the
probability the seed picks) under one SEED in each variant and reads the stats
record the test writes (tb/system_regress.write_stats): simulated cycles, the
simulator process's CPU seconds (time.process_time() in it: Python start-up,
elaboration and the run, never the build) and the counters of what was checked.

"Before" runs from a copy of an earlier commit (--base, default the commit before
issue 13's work: `git archive` into a temporary directory, same .venv), so before
and after are measured by the same run, interleaved, on the same machine:
    before per-channel  cocotbext-axi's own pause coroutine per channel
    before shared       tb/pause.SharedPause, one coroutine for every channel
    after shared        this tree, pauses from Python (the back-pressure gates of
                        msi_system_tb open), the pause generator of before: no longer
                        the same simulation (the wrapper's look filters and the C++
                        clock move the simulator's wake-up order, and the models' order
                        with it), so its counters are printed beside the others
    after hdl bundle    back-pressure from the LFSR gates (a different pause
                        sequence, so other cycles and, where timing decides, other
                        counts), the protocol checker sampling every clock
                        (SYSTEM_CHECKER=bundle)
    after hdl no memo   the gates, the checker in look mode (only the clocks the HDL
                        filters pass), plain vvp (ICARUS_CAST_CACHE=0): the same
                        simulation as `after hdl bundle`, so the same counters
    after hdl           this tree's default: as `after hdl no memo`, vvp with the
                        dynamic_cast memo preloaded (tb/icarus_cast_cache.py)
--verilator adds both hdl variants on Verilator (its build made once, untimed).
An untimed warm-up run per tree, simulator and checker mode makes the builds and the
compiled Python modules, so no timed or traced run compiles anything
(PYTHONDONTWRITEBYTECODE is dropped for all). Each variant runs --repeat times in turn; the table takes each
variant's median.

    .venv/bin/python bench/system_speed.py [--seed N] [--ops N] [--repeat N] [--verilator]

--profile runs this tree's variants once each with tb/resume_profile.py and prints
where the simulator process's CPU time goes: the bus models' coroutine steps, the
checker's, the test's and kernel model's, start-up, and the rest (the simulator itself).

--callgrind counts instead of timing: each variant runs once under valgrind's callgrind
(every process of the pytest run traced, the simulator's count taken: vvp, or the
Verilator model), and the table gives instructions per simulated cycle. The count does
not depend on the machine's load, which moves CPU seconds by up to +-30% here; a run
takes about a minute per simulated 1 000 cycles. --only picks variants by name.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOCK_PERIOD_NS = 10
NODE = "tests/test_system.py::test_system_random[smmu3-default-0-seed]"
BASE = "ebd314e"     # main without issue 13's HDL back-pressure and checker vectors


def base_tree(commit: str) -> Path:
    """A copy of `commit` (git archive) with this tree's .venv."""
    tree = Path(tempfile.mkdtemp(prefix=f"speed-base-{commit}-"))
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    (tree / ".venv").symlink_to((ROOT / ".venv").resolve())
    return tree


# the simulator processes of a traced run: Icarus's vvp, or the Verilator model (named
# after its toplevel); the pytest process and the Icarus compiler are not counted
SIMULATOR_PROGRAMS = ("vvp", "msi_system_tb")


def simulator_instructions(out_dir: Path) -> int:
    """Instructions the simulator process ran: the callgrind output of the one traced
    process whose program is a simulator."""
    counts = []
    for f in glob.glob(str(out_dir / "cg.*")):
        head = {}
        with open(f, errors="replace") as fh:
            for line in fh:
                key, _, val = line.partition(":")
                if key in ("cmd", "summary"):
                    head[key] = val.strip()
                if "summary" in head:
                    break
        prog = head.get("cmd", "").split(" ")[0]
        if Path(prog).name in SIMULATOR_PROGRAMS and "summary" in head:
            counts.append(int(head["summary"]))
    if len(counts) != 1:
        raise SystemExit(f"{out_dir}: {len(counts)} simulator processes traced, expected 1")
    return counts[0]


def run_variant(name: str, tree: Path, seed: int, ops: int, sim: str, pause: str,
                checker: str | None = None, extra: dict | None = None,
                callgrind: bool = False, profile: bool = False) -> dict:
    stats = Path(tempfile.mkdtemp(prefix="speed-stats-"))
    env = dict(os.environ, SEED=str(seed), SYSTEM_RANDOM_OPS=str(ops), SIM=sim,
               SYSTEM_PAUSE=pause, SYSTEM_STATS_DIR=str(stats), SYSTEM_SMMU="3",
               PYTHONPATH=str(tree))
    # every tree keeps its compiled modules (the warm-up run writes them), so no
    # variant's start-up pays for compiling the Python source: this tree's runner
    # caches them under sim_build/pycache, the base tree's in __pycache__
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if checker:
        env["SYSTEM_CHECKER"] = checker
    env.update(extra or {})
    if profile:                     # tb/resume_profile.py, which SystemEnv installs
        env["SYSTEM_RESUME_PROFILE"] = str(stats / "profile.json.out")
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", NODE]
    traced = Path(tempfile.mkdtemp(prefix="speed-callgrind-")) if callgrind else None
    if traced is not None:
        cmd = ["valgrind", "--tool=callgrind", "--trace-children=yes",
               "--trace-children-skip=*iverilog*,*ivl*,*ivlpp*,*/git",
               f"--callgrind-out-file={traced}/cg.%p", *cmd]
    proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    recs = [json.loads(p.read_text()) for p in stats.glob("*.json")]
    prof = stats / "profile.json.out"
    steps = json.loads(prof.read_text()) if profile and prof.exists() else None
    shutil.rmtree(stats, ignore_errors=True)
    instructions = None
    if traced is not None:
        instructions = simulator_instructions(traced) if proc.returncode == 0 else None
        shutil.rmtree(traced, ignore_errors=True)
    if proc.returncode != 0 or len(recs) != 1:
        raise SystemExit(f"{name}: test failed or wrote {len(recs)} stats records\n"
                         + proc.stdout[-3000:])
    rec = recs[0]
    cycles = rec["sim_time_ns"] / CLOCK_PERIOD_NS
    return {"name": name, "cycles": cycles, "cpu_s": rec["cpu_s"],
            "cycles_per_cpu_s": cycles / rec["cpu_s"], "counters": rec["counters"],
            "instructions": instructions, "profile": steps}


# the parts of the bench a faster design of it could still shrink; the rest is
# cocotbext-axi's bus models, Python's and cocotb's start-up and the simulator
ZEROABLE = ("protocol checker, monitors, scoreboard", "test, kernel model, devices", "other")


def print_profiles(rows: list[dict]) -> None:
    """Each variant's CPU time by part of the bench (tb/resume_profile.py groups)."""
    for r in rows:
        p = r["profile"]
        if p is None:
            raise SystemExit(f"{r['name']}: the simulation wrote no resume profile")
        total = p["cpu_at_exit_s"]
        print(f"{r['name']}: {total:.2f} CPU s, of it in coroutine steps {p['in_steps_s']:.2f} s")
        lines = [(g, v["seconds"], v["steps"]) for g, v in p["groups"].items()]
        lines.append(("start-up (CPU before the environment)", p["cpu_at_install_s"], 0))
        lines.append(("the rest: the simulator, trigger dispatch, exit",
                      total - p["in_steps_s"] - p["cpu_at_install_s"], 0))
        for g, sec, n in sorted(lines, key=lambda x: -x[1]):
            print(f"  {g:<48} {sec:6.2f} s {sec / total:6.1%}" + (f" {n:7d} steps" if n else ""))
        r["floor_s"] = sum(sec for g, sec, _ in lines if g not in ZEROABLE)
        print(f"  with {', '.join(ZEROABLE)} at no cost: {r['floor_s']:.2f} s, "
              f"{r['floor_s'] / total:.0%} of this run (the bus models, start-up, the simulator)")
    by = {r["name"]: r for r in rows}
    if "after hdl" in by and "verilator hdl" in by:
        ic, ve = by["after hdl"], by["verilator hdl"]
        print(f"Verilator against Icarus: {ic['cpu_s'] / ve['cpu_s']:.2f}x now; at most "
              f"{ic['floor_s'] / ve['floor_s']:.2f}x with those parts at no cost in both")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--ops", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3, help="runs per variant (median)")
    ap.add_argument("--base", default=BASE, help="the commit `before` runs from")
    ap.add_argument("--verilator", action="store_true", help="add SIM=verilator")
    ap.add_argument("--callgrind", action="store_true",
                    help="count the simulator's instructions (valgrind), one run per variant")
    ap.add_argument("--only", default="", help="comma-separated variant names to run")
    ap.add_argument("--profile", action="store_true",
                    help="where this tree's Python time goes (tb/resume_profile.py), one run "
                         "per variant")
    args = ap.parse_args()
    if args.profile and args.callgrind:
        raise SystemExit("--profile times the steps: not under --callgrind")
    if args.callgrind and shutil.which("valgrind") is None:
        raise SystemExit("--callgrind needs valgrind: apt-get install valgrind")
    base = base_tree(args.base)
    try:
        no_memo = {"ICARUS_CAST_CACHE": "0"}
        variants = [("before per-channel", base, "icarus", "per-channel", None, None),
                    ("before shared", base, "icarus", "shared", None, None),
                    ("after shared", ROOT, "icarus", "shared", None, None),
                    ("after hdl bundle", ROOT, "icarus", "hdl", "bundle", None),
                    ("after hdl no memo", ROOT, "icarus", "hdl", None, no_memo),
                    ("after hdl", ROOT, "icarus", "hdl", None, None)]
        if args.verilator:
            variants += [("verilator hdl bundle", ROOT, "verilator", "hdl", "bundle", None),
                         ("verilator hdl", ROOT, "verilator", "hdl", None, None)]
        if args.only:
            keep = {n.strip() for n in args.only.split(",")}
            unknown = keep - {v[0] for v in variants}
            if unknown:
                raise SystemExit(f"--only: no variant {sorted(unknown)}; "
                                 f"variants: {[v[0] for v in variants]}")
            variants = [v for v in variants if v[0] in keep]
        if args.profile:            # the base tree has no resume_profile
            variants = [v for v in variants if v[1] == ROOT]
        if args.callgrind or args.profile:
            args.repeat = 1
        # untimed warm-up: the builds (Verilator's is shared by its runs; the bundle
        # checker is another parameter set, TB_CHK_BUNDLE) and the compiled Python
        # modules of each tree, so no traced or timed run compiles anything
        for tree, sim, checker in sorted({(v[1], v[2], v[4] or "") for v in variants}):
            run_variant("warm-up", tree, args.seed, 1, sim, "hdl" if tree == ROOT else "shared",
                        checker or None)
        runs: dict[str, list[dict]] = {v[0]: [] for v in variants}
        for _ in range(args.repeat):              # interleaved: load drifts hit all alike
            for name, tree, sim, pause, checker, extra in variants:
                runs[name].append(run_variant(name, tree, args.seed, args.ops, sim, pause,
                                              checker, extra, args.callgrind, args.profile))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    rows = []
    for name, rs in runs.items():
        rate = statistics.median(r["cycles_per_cpu_s"] for r in rs)
        rows.append({**rs[0], "cpu_s": statistics.median(r["cpu_s"] for r in rs),
                     "cycles_per_cpu_s": rate, "all": [r["cycles_per_cpu_s"] for r in rs]})
    ref = {r["name"]: r for r in rows}
    # ratios against the earliest variant run (before per-channel unless --only drops it)
    base_row, shared_row = rows[0], ref.get("before shared", rows[0])
    print(f"system random test, SEED={args.seed}, {args.ops} ops/device, "
          + ("callgrind, one run each" if args.callgrind else f"median of {args.repeat}")
          + f" ({NODE}); before = {args.base}, load {os.getloadavg()[0]:.1f}")
    if args.callgrind:
        print(f"{'variant':<20} {'cycles':>7} {'G instr':>8} {'M/cycle':>8} "
              f"{'vs ' + base_row['name'][:12]:>16} {'vs ' + shared_row['name'][:12]:>16}")
        per = {r["name"]: r["instructions"] / r["cycles"] for r in rows}
        for r in rows:
            print(f"{r['name']:<20} {r['cycles']:>7.0f} {r['instructions'] / 1e9:>8.2f} "
                  f"{per[r['name']] / 1e6:>8.3f} {per[base_row['name']] / per[r['name']]:>15.2f}x "
                  f"{per[shared_row['name']] / per[r['name']]:>15.2f}x")
    else:
        print(f"{'variant':<20} {'cycles':>7} {'CPU s':>6} {'cycles/CPU-s':>12} "
              f"{'vs ' + base_row['name'][:12]:>16} {'vs ' + shared_row['name'][:12]:>16}  runs")
        for r in rows:
            print(f"{r['name']:<20} {r['cycles']:>7.0f} {r['cpu_s']:>6.2f} "
                  f"{r['cycles_per_cpu_s']:>12.0f} "
                  f"{r['cycles_per_cpu_s'] / base_row['cycles_per_cpu_s']:>15.2f}x "
                  f"{r['cycles_per_cpu_s'] / shared_row['cycles_per_cpu_s']:>15.2f}x  "
                  + " ".join(f"{x:.0f}" for x in r["all"]))
    if args.profile:
        print_profiles(rows)
    print("checked (counters):")
    for r in rows:
        print(f"  {r['name']:<20} " + ", ".join(f"{k}={v}" for k, v in sorted(r["counters"].items())))
    # the same pause sequence must give the same simulation and the same checks
    groups = [("before per-channel", "before shared"),
              ("after hdl bundle", "after hdl no memo", "after hdl")]
    if args.verilator:
        groups.append(("verilator hdl bundle", "verilator hdl"))
    for group in groups:
        group = tuple(n for n in group if n in ref)
        if len(group) < 2:
            continue
        same = [ref[n]["counters"] for n in group]
        if any(c != same[0] for c in same):
            print(f"COUNTERS DIFFER between {', '.join(group)}: not the same checks")
            return 1
        print(f"{', '.join(group)}: identical counters (the same transactions checked)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Speed of the system random regression (issue 13), variants side by side in one run.

Runs `make sim`'s random system test (tests/test_system.py::test_system_random,
smmu3, default parameters, run 0) under one SEED in each variant and reads the
stats record the test writes (tb/system_regress.write_stats): simulated cycles,
the simulator process's CPU seconds (time.process_time() in it: elaboration and
the run, never the build) and the counters of what was checked. A variant is
    per-channel  cocotbext-axi's own pause coroutine per channel (before)
    shared       tb/pause.SharedPause, one coroutine for every channel (now)
and SIM=verilator runs `shared` on Verilator (its build is shared and made before
the timed run). The counters must be identical across variants: the same
transactions and interrupts are checked (the bench says so, or stops).

    .venv/bin/python bench/system_speed.py [--seed N] [--ops N] [--verilator]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOCK_PERIOD_NS = 10
NODE = "tests/test_system.py::test_system_random[smmu3-default-0-seed]"


def run_variant(name: str, seed: int, ops: int, sim: str, pause: str) -> dict:
    stats = Path(tempfile.mkdtemp(prefix=f"speed-{name}-"))
    env = dict(os.environ, SEED=str(seed), SYSTEM_RANDOM_OPS=str(ops), SIM=sim,
               SYSTEM_PAUSE=pause, SYSTEM_STATS_DIR=str(stats), SYSTEM_SMMU="3")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           NODE], cwd=ROOT, env=env, capture_output=True, text=True)
    recs = [json.loads(p.read_text()) for p in stats.glob("*.json")]
    shutil.rmtree(stats, ignore_errors=True)
    if proc.returncode != 0 or len(recs) != 1:
        raise SystemExit(f"{name}: test failed or wrote {len(recs)} stats records\n"
                         + proc.stdout[-3000:])
    rec = recs[0]
    cycles = rec["sim_time_ns"] / CLOCK_PERIOD_NS
    return {"name": name, "cycles": cycles, "cpu_s": rec["cpu_s"],
            "cycles_per_cpu_s": cycles / rec["cpu_s"], "counters": rec["counters"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--ops", type=int, default=100)
    ap.add_argument("--verilator", action="store_true", help="add SIM=verilator")
    args = ap.parse_args()
    variants = [("icarus per-channel", "icarus", "per-channel"), ("icarus shared", "icarus", "shared")]
    if args.verilator:
        # build once (untimed), then the timed run reuses the shared build
        run_variant("verilator build", args.seed, 1, "verilator", "shared")
        variants.append(("verilator shared", "verilator", "shared"))
    rows = [run_variant(n, args.seed, args.ops, sim, pause) for n, sim, pause in variants]
    base = rows[0]
    print(f"system random test, SEED={args.seed}, {args.ops} ops/device ({NODE})")
    print(f"{'variant':<20} {'cycles':>9} {'CPU s':>8} {'cycles/CPU-s':>13} {'ratio':>6}")
    for r in rows:
        print(f"{r['name']:<20} {r['cycles']:>9.0f} {r['cpu_s']:>8.2f} "
              f"{r['cycles_per_cpu_s']:>13.0f} {r['cycles_per_cpu_s'] / base['cycles_per_cpu_s']:>5.2f}x")
    checked = {k: v for k, v in base["counters"].items()}
    print("checked (every variant): " + ", ".join(f"{k}={v}" for k, v in sorted(checked.items())))
    differ = [r["name"] for r in rows if r["counters"] != base["counters"]]
    if differ:
        for r in rows:
            print(f"  {r['name']}: {r['counters']}")
        print(f"COUNTERS DIFFER in {differ}: not the same checks")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Run the system regression over N seeds in parallel on this machine's cores.

    python scripts/regress.py --seeds 20 [--jobs 8] [--base-seed 1234] [tests ...]
    make regress SEEDS=20                      # the same through make

Every system test (tests/test_system*.py by default) is parametrized over the
seeds (REGRESS_SEEDS, see tb/system_regress.py) and pytest-xdist spreads the
(test, seed) pairs over --jobs workers, each in its own build directory. The
seeds come from --base-seed (or $SEED, else a fresh one, printed) so a whole
regression replays with the same --base-seed. At the end the summary lists, for
every failure, the one command that reproduces it (SEED=... pytest '<test>').
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=int(os.environ.get("SEEDS", "8")))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--base-seed", type=lambda s: int(s, 0),
                    default=int(os.environ["SEED"], 0) if os.environ.get("SEED") else None)
    ap.add_argument("--out", default="results/regress")
    ap.add_argument("-k", dest="keyword", default=None, help="pytest -k filter")
    ap.add_argument("tests", nargs="*", default=None)
    args = ap.parse_args(argv)

    if args.seeds < 1:
        ap.error(f"--seeds must be at least 1, got {args.seeds}")
    base = args.base_seed if args.base_seed is not None else random.SystemRandom().randrange(1, 2**31)
    rng = random.Random(base)
    seeds = [rng.randrange(1, 2**31) for _ in range(args.seeds)]
    tests = args.tests or sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_system*.py"))
    if not tests:
        print("regress: no tests/test_system*.py found", file=sys.stderr)
        return 1
    out = ROOT / args.out
    shutil.rmtree(out / "stats", ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    print(f"regress: {len(seeds)} seeds from base seed {base} (replay: --base-seed {base}) "
          f"on {args.jobs} jobs: {', '.join(map(str, seeds))}")
    env = dict(os.environ)
    env["REGRESS_SEEDS"] = ",".join(map(str, seeds))
    env["SYSTEM_STATS_DIR"] = str(out / "stats")
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "sim",
           "-n", str(args.jobs), f"--junitxml={out / 'junit.xml'}", *tests]
    if args.keyword:
        cmd += ["-k", args.keyword]
    rc = subprocess.call(cmd, cwd=ROOT, env=env)
    srep = subprocess.call([sys.executable, str(ROOT / "scripts" / "sim_summary.py"),
                            "--junit", str(out / "junit.xml"), "--stats", str(out / "stats"),
                            "--title", f"regression over {len(seeds)} seeds (base {base})"],
                           cwd=ROOT)
    return rc or srep


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""CLI: run a block's mutants against its tests on a private copy of the tree.

    .venv/bin/python -m mutation glue            # every glue mutant
    .venv/bin/python -m mutation smmu M4 M9      # a selection
    .venv/bin/python -m mutation all -n 2        # every block, 2 pytest workers
    .venv/bin/python -m mutation all --check     # only check that every mutant applies
    .venv/bin/python -m mutation glue --from-head # on the last commit, not the working tree

Exit status 0 only when every mutant run was KILLED (none survived, none stale).
SEED (default 4242) is passed to the tests, so a run reproduces.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
from pathlib import Path

from mutation import BLOCKS
from mutation.framework import ROOT, MutantError, check, private_copy, run_block, score_line


def load(block: str):
    """(MUTANTS, TESTS) of mutation/<block>.py; MutantError if it is missing or malformed."""
    try:
        mod = importlib.import_module(f"mutation.{block}")
    except ModuleNotFoundError as err:
        raise MutantError(f"{block}: no mutant list mutation/{block}.py ({err})") from err
    for attr in ("MUTANTS", "TESTS"):
        if not hasattr(mod, attr):
            raise MutantError(f"mutation/{block}.py does not export {attr}")
    return list(mod.MUTANTS), list(mod.TESTS)


def _tree_name(from_head: bool) -> str:
    """Which tree the score is for: the commit, and whether uncommitted edits count."""
    import subprocess
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip() or "unknown"
    if from_head:
        return f"commit {head} (git archive HEAD)"
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "hdl"],
                           capture_output=True, text=True).stdout.strip()
    return f"working tree on {head}" + (" with uncommitted hdl/ edits" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m mutation", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("block", choices=[*BLOCKS, "all"])
    ap.add_argument("names", nargs="*", help="mutant names (default: all of the block)")
    ap.add_argument("-n", "--jobs", type=int, default=1, help="pytest-xdist workers (max 2)")
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds per mutant")
    ap.add_argument("--no-baseline", action="store_true",
                    help="skip the run of the unmutated tree")
    ap.add_argument("--from-head", action="store_true",
                    help="mutate a copy of the last commit, not of the working tree")
    ap.add_argument("--check", action="store_true",
                    help="only check that every mutant applies exactly once")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = ap.parse_args(argv)

    blocks = list(BLOCKS) if args.block == "all" else [args.block]
    if args.names and len(blocks) > 1:
        ap.error("mutant names need a single block")
    bad = 0
    scores = []
    with tempfile.TemporaryDirectory(prefix="mutants_") as tmp:
        work = None
        for block in blocks:
            try:
                mutants, tests = load(block)
                if args.list:
                    for m in mutants:
                        print(f"{block:6} {m.name:6} [{m.bug_class}] {m.path}")
                    continue
                problems = check(mutants, ROOT)
                if args.check:
                    for p in problems:
                        print(f"{block}: {p}")
                    print(f"{block}: {len(mutants)} mutants, {len(problems)} problem(s)")
                    bad += bool(problems)
                    continue
                if work is None:
                    work = private_copy(Path(tmp) / "tree", from_head=args.from_head)
                    print(f"tree: {_tree_name(args.from_head)}", flush=True)
                outcomes = run_block(block, mutants, tests, names=args.names,
                                     jobs=args.jobs, timeout=args.timeout,
                                     baseline=not args.no_baseline, work=work)
            except MutantError as err:
                print(f"ERROR {err}", flush=True)
                bad += 1
                continue
            scores.append(score_line(block, outcomes))
            print(scores[-1], flush=True)
            bad += any(o.status != "KILLED" for o in outcomes)
    if len(scores) > 1:
        print("\n".join(["== mutation score", *scores]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

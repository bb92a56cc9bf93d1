#!/usr/bin/env python3
"""Readable summary of a simulation regression.

    python scripts/sim_summary.py [--junit results/junit.xml] [--stats results/stats]

Reads the JUnit XML pytest wrote (--junitxml) and the per-test stats JSON files
the system cocotb tests wrote (tb/system_regress.py), prints one line per test
with its seed and what it checked (the columns, and what each counts, come from
tb.system_regress.COUNTERS; a legend follows the table), totals, and for every
failure a short digest: the first real exception and where it was raised, the
command that reproduces it, the txlog and waveform paths and the last
transactions. Exits 1 if any test failed or errored, or if nothing ran.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tb.system_regress import COUNTERS as MEANING  # noqa: E402
from tb.system_regress import SUMMARY_COUNTERS as COUNTERS  # noqa: E402
from tb.system_regress import failure_digest  # noqa: E402

# column heads, in the order of COUNTERS
HEAD = {"transactions": "trans", "msis": "msis", "interrupts": "irqs",
        "fault_records": "smmu_flt", "decerr_responses": "decerr", "dma_bytes": "dma_B"}


def load_junit(path: Path) -> list[dict]:
    if not path.exists():
        return []
    cases = []
    for tc in ET.parse(path).getroot().iter("testcase"):
        outcome = "pass"
        msg = ""
        for tag in ("failure", "error"):
            el = tc.find(tag)
            if el is not None:
                outcome = "FAIL" if tag == "failure" else "ERROR"
                msg = (el.get("message") or "").strip()
        if tc.find("skipped") is not None:
            outcome = "skip"
        cls = tc.get("classname", "")
        file = cls.replace(".", "/") + ".py" if cls else ""
        cases.append({"node": f"{file}::{tc.get('name')}", "outcome": outcome,
                      "time": float(tc.get("time", 0) or 0), "message": msg})
    return cases


def load_stats(stats_dir: Path) -> list[dict]:
    recs = []
    for p in sorted(stats_dir.glob("*.json")) if stats_dir.exists() else []:
        try:
            recs.append(json.loads(p.read_text()))
        except json.JSONDecodeError as exc:
            print(f"warning: unreadable stats file {p}: {exc}", file=sys.stderr)
    return recs


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--junit", default="results/junit.xml")
    ap.add_argument("--stats", default="results/stats")
    ap.add_argument("--title", default="simulation regression")
    ap.add_argument("--only-stats", action="store_true",
                    help="list only tests that wrote stats (system tests); count all")
    args = ap.parse_args(argv)

    cases = load_junit(Path(args.junit))
    stats = load_stats(Path(args.stats))
    by_node: dict[str, list[dict]] = {}
    for rec in stats:
        by_node.setdefault(rec["node"], []).append(rec)

    width = max([len(c["node"]) for c in cases] + [40])
    width = min(width, 78)
    print()
    print(f"=== {args.title}: {len(cases)} pytest tests, {len(stats)} cocotb system tests ===")
    print(f"{'test':<{width}} {'result':>6} {'seed':>11} "
          + " ".join(f"{HEAD[k]:>8}" for k in COUNTERS) + f" {'sim_us':>8} {'wall_s':>6}")
    totals = dict.fromkeys(COUNTERS, 0)
    failures = []
    seen_nodes = set()
    for c in cases:
        node = c["node"]
        # stats nodes drop the seedN parameter; match on the plain id as well
        plain = re.sub(r"(?<=[\[-])seed\d+(?=[\]-])", "seed", node)
        recs = by_node.get(node) or by_node.get(plain) or []
        seen_nodes.add(plain)
        counters = dict.fromkeys(COUNTERS, 0)
        seed = "-"
        sim_ns = 0.0
        for r in recs:
            for k in COUNTERS:
                counters[k] += int(r["counters"].get(k, 0))
            seed = str(r.get("seed", "-"))
            sim_ns += float(r.get("sim_time_ns", 0))
        for k in COUNTERS:
            totals[k] += counters[k]
        name = node if len(node) <= width else "..." + node[-(width - 3):]
        if args.only_stats and not recs and c["outcome"] not in ("FAIL", "ERROR"):
            continue
        cols = " ".join(f"{counters[k]:>8}" if recs else f"{'-':>8}" for k in COUNTERS)
        print(f"{name:<{width}} {c['outcome']:>6} {seed:>11} {cols} "
              f"{sim_ns / 1000:>8.1f} {c['time']:>6.1f}")
        if c["outcome"] in ("FAIL", "ERROR"):
            repro = next((r["repro"] for r in recs if r.get("repro")), None)
            m = re.search(r"reproduce with:\s*(.+)", c["message"])
            if m:
                repro = m.group(1).strip()
            failures.append((node, repro or f".venv/bin/python -m pytest '{node}'",
                             [r for r in recs if r.get("result") == "fail"], c["message"]))
    # stats written by runs that JUnit did not see (e.g. a crash) are failures too
    for rec in stats:
        if rec["result"] == "fail" and rec["node"] not in seen_nodes and not cases:
            failures.append((rec["node"], rec["repro"], [rec], rec.get("error") or ""))
    print("-" * (width + 88))
    n_pass = sum(c["outcome"] == "pass" for c in cases)
    print(f"{'TOTAL':<{width}} {n_pass:>3}/{len(cases):<3}{'':>11} "
          + " ".join(f"{totals[k]:>8}" for k in COUNTERS))
    print("columns: " + "\n         ".join(f"{HEAD[k]:<8} {MEANING[k]}" for k in COUNTERS))
    layouts = sorted({r["gtkw"] for r in stats if r.get("gtkw")})
    waves = sorted({r["waves"] for r in stats if r.get("waves") and not r.get("gtkw")})
    if layouts or waves:
        print(f"\nwaveforms ({len(layouts) + len(waves)}; a test's .gtkw opens its FST on the "
              "failure or the first MSI):")
        for w in layouts[:6]:
            print(f"  gtkwave {w}")
        for w in waves[:max(0, 6 - len(layouts))]:
            print(f"  gtkwave {w}")
        if len(layouts) + len(waves) > 6:
            print(f"  ... and {len(layouts) + len(waves) - 6} more")
    logs = sorted({r["txlog"] for r in stats if r.get("txlog") and Path(r["txlog"]).exists()})
    if logs:
        print(f"transaction logs ({len(logs)}, next to each build): e.g. {logs[0]}")
    if failures:
        print(f"\n{len(failures)} FAILED:")
        for node, repro, recs, msg in failures:
            print(f"  {node}")
            for r in recs:
                print(failure_digest(r, indent="    "))
            if not recs:
                for line in (msg.splitlines()[:4] if msg else ["no message"]):
                    print(f"    {line[:200]}")
                print(f"    reproduce: {repro}")
        return 1
    if not cases:
        print("nothing ran (no JUnit results)")
        return 1
    print(f"\nALL PASSED ({len(cases)} tests)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

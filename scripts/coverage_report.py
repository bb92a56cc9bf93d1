#!/usr/bin/env python3
"""Merge the functional-coverage databases of every simulation (tests and seeds) and
print a short table: each coverpoint and cross, bins hit/total, and the holes by name.

    python scripts/coverage_report.py --stats results/stats --out results/coverage.yml

Each simulation writes <stats>/<node>__<test>.cov.yml (cocotb-coverage's YAML export,
tb/coverage.py). Bins are merged by name, hits summed; a bin is covered when its
summed hits reach the item's at_least. The merged file keeps cocotb-coverage's layout
(type, size, coverage, cover_percentage, weight, at_least, bins:_hits) per item, plus
a "files" count. Exit status 0 (coverage is a figure, not a pass/fail).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

HOLES_SHOWN = 6


def merge(files: list[Path]) -> dict:
    merged: dict[str, dict] = {}
    for f in files:
        db = yaml.safe_load(f.read_text()) or {}
        for name, item in db.items():
            bins = item.get("bins:_hits")
            m = merged.setdefault(name, {k: v for k, v in item.items() if k != "bins:_hits"})
            if bins is None:
                continue
            mb = m.setdefault("bins:_hits", {})
            for b, hits in bins.items():
                mb[b] = mb.get(b, 0) + int(hits)
    for name, m in merged.items():
        if "bins:_hits" in m:
            at_least = int(m.get("at_least", 1))
            weight = int(m.get("weight", 1))
            covered = sum(1 for h in m["bins:_hits"].values() if h >= at_least)
            m["size"] = weight * len(m["bins:_hits"])
            m["coverage"] = weight * covered
            m["cover_percentage"] = round(100.0 * covered / max(1, len(m["bins:_hits"])), 2)
    return merged


def table(merged: dict, nfiles: int) -> str:
    leaves = {n: m for n, m in merged.items() if "bins:_hits" in m}
    rows = [f"functional coverage: {len(leaves)} coverpoints/crosses merged from {nfiles} simulations",
            f"{'coverpoint':<52} {'hit/total':>10} {'%':>6}  holes"]
    tot_hit = tot = 0
    for name in sorted(leaves):
        m = leaves[name]
        bins = m["bins:_hits"]
        at_least = int(m.get("at_least", 1))
        holes = [b for b, h in bins.items() if h < at_least]
        hit = len(bins) - len(holes)
        tot_hit += hit
        tot += len(bins)
        shown = ", ".join(str(h) for h in holes[:HOLES_SHOWN])
        if len(holes) > HOLES_SHOWN:
            shown += f", ... (+{len(holes) - HOLES_SHOWN})"
        short = name[4:] if name.startswith("top.") else name
        rows.append(f"{short:<52} {f'{hit}/{len(bins)}':>10} {100.0 * hit / max(1, len(bins)):>5.1f}%  {shown}")
    rows.append(f"{'total (bins of every item)':<52} {f'{tot_hit}/{tot}':>10} "
                f"{100.0 * tot_hit / max(1, tot):>5.1f}%")
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stats", default="results/stats", help="directory of *.cov.yml files")
    ap.add_argument("--out", default="results/coverage.yml", help="merged YAML to write")
    args = ap.parse_args(argv)
    files = sorted(Path(args.stats).glob("*.cov.yml"))
    if not files:
        print(f"functional coverage: no *.cov.yml in {args.stats}")
        return 0
    merged = merge(files)
    merged_out = dict(merged)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w") as fh:
        yaml.safe_dump({"files": len(files), "items": merged_out}, fh, default_flow_style=False)
    print(table(merged, len(files)))
    print(f"merged coverage database: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Measure the ITS doorbell-write-to-LPI latency on a translation-cache hit and miss.

    .venv/bin/python bench/its_latency.py

Prints one line per case: total clocks from the W handshake of the GITS_TRANSLATER
write to lpi_valid, the number of table reads, the memory latency of those reads
(AR to R handshake, cocotbext-axi AxiRam) and the ITS's own overhead.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tb.runner import run_cocotb  # noqa: E402


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "its_latency.json")
        run_cocotb(toplevel="its_doorbell",
                   sources=["its_doorbell.v", "its_cmd.v", "its_xlate.v"],
                   test_module="cocotb_its_latency", seed=1,
                   extra_env={"ITS_BENCH_OUT": out,
                              "PYTHONPATH": os.pathsep.join(
                                  [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")])})
        results = json.load(open(out))
    for kind in ("hit", "miss"):
        rows = results[kind]
        worst = max(rows, key=lambda r: r["total"])
        print(f"{kind:4s}: total {worst['total']} clocks, {worst['reads']} table reads, "
              f"memory {worst['memory']} clocks, ITS overhead {worst['overhead']} clocks "
              f"(worst of {len(rows)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

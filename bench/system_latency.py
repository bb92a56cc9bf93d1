#!/usr/bin/env python3
"""MSI end-to-end latency on msi_system_top: cycles from the first cycle the
device's AWVALID is high to the LPI / SPI output handshake.

    .venv/bin/python bench/system_latency.py

Prints a table; the figures are reported in docs/system.md (not asserted).
"""

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]
os.environ.setdefault("PYTEST_CURRENT_TEST", "bench/system_latency.py::msi_latency (call)")

from tb.runner import run_cocotb  # noqa: E402
from test_system import SYSTEM_SOURCES  # noqa: E402


def main() -> int:
    out = Path(tempfile.mkdtemp()) / "latency.json"
    run_cocotb(toplevel="msi_system_top", sources=SYSTEM_SOURCES,
               test_module="cocotb_system_latency", seed=1, extra_env={"BENCH_OUT": str(out)})
    res = json.loads(out.read_text())
    print(f"\n{'case':<62} {'cycles':>6} {'walker reads':>12} {'ITS table reads':>15}")
    for k, v in res.items():
        print(f"{k:<62} {v['cycles']:>6} {v['walker_reads']:>12} {v['its_table_reads']:>15}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

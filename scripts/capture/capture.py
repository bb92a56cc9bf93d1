"""`make capture`: boot a Debian arm64 kernel under QEMU virt (SMMUv3 + GICv3 ITS or
GICv2m, N NVMe controllers), trace what its drivers did, and write a capture directory
in the replay format (see docs/replay.md).

    .venv/bin/python scripts/capture/capture.py --out captures/mine [--kernel 6.1.0-50]
        [--gic 3|2] [--nvme 2] [--data-pages] [--keep-trace] [--pack]

Needs Debian packages only: qemu-system-arm, and (downloaded, never installed)
linux-image-<kernel>-cloud-arm64:arm64 and busybox-static:arm64; scripts/capture/setup.sh
fetches them (as root, or with passwordless sudo) or says what is missing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import boot  # noqa: E402
import build_capture  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="capture a Linux boot's SMMU and GIC traffic")
    ap.add_argument("--out", type=Path, required=True, help="capture directory to write")
    ap.add_argument("--kernel", default="6.1.0-50", help="Debian kernel ABI (default 6.1.0-50)")
    ap.add_argument("--gic", type=int, choices=(2, 3), default=3)
    ap.add_argument("--nvme", type=int, default=2, help="NVMe controllers (StreamIDs 0x8, 0x10, ...)")
    ap.add_argument("--cache", type=Path,
                    default=Path(os.environ.get("CAPTURE_CACHE", Path.home() / ".cache/msi-capture")))
    ap.add_argument("--data-pages", action="store_true")
    ap.add_argument("--keep-trace", action="store_true")
    ap.add_argument("--pack", action="store_true", help="gzip the jsonl files (for captures/)")
    ap.add_argument("--keep-run", type=Path, help="keep the raw run folder (ram.bin, trace) here")
    a = ap.parse_args(argv)
    if not 1 <= a.nvme <= 8:
        sys.exit(f"capture: --nvme {a.nvme}: choose 1 to 8 controllers")
    t0 = time.time()
    setup = subprocess.run([str(HERE / "setup.sh"), str(a.cache), a.kernel],
                           stdout=subprocess.PIPE, text=True)
    if setup.returncode:
        return setup.returncode
    kernel, busybox = (Path(p) for p in setup.stdout.split()[-2:])
    run = a.keep_run or Path(tempfile.mkdtemp(prefix="capture-run-"))
    try:
        boot.boot(boot.BootConfig(kernel, busybox, run, gic=a.gic, nvme=a.nvme))
        if a.out.exists():
            shutil.rmtree(a.out)
        summary = build_capture.build(run, a.out, data_pages=a.data_pages, keep_trace=a.keep_trace,
                                        pack=a.pack)
    except boot.CaptureError as e:
        sys.exit(f"capture: {e}")
    finally:
        if not a.keep_run:
            shutil.rmtree(run, ignore_errors=True)
    print(f"capture: {a.out} ({time.time() - t0:.0f} s): " +
          ", ".join(f"{k} {v}" for k, v in summary.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

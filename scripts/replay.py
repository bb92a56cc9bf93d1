"""`make replay CAPTURE=dir`: replay a capture (docs/replay.md) against the RTL and print
what was reproduced, mismatched or not replayable. Exit status 1 on any mismatch."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tb.replay.capture import CaptureError, load_capture  # noqa: E402
from tb.runner import run_cocotb  # noqa: E402

ITS_SOURCES = ["its_doorbell.v", "its_cmd.v", "its_xlate.v"]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: scripts/replay.py <capture-dir>", file=sys.stderr)
        return 2
    try:
        cap = load_capture(argv[0])
    except CaptureError as e:
        print(f"replay: {e}", file=sys.stderr)
        return 2
    out = ROOT / "results" / "replay" / cap.path.resolve().name
    shutil.rmtree(out, ignore_errors=True)        # never print an earlier run's report
    # the cocotb modules live in tests/: pytest puts it on sys.path, which cocotb's
    # runner hands to the simulator; outside pytest we do
    sys.path.insert(0, str(ROOT / "tests"))
    rc = 0
    if cap.gic == 3:
        try:
            run_cocotb(toplevel="its_doorbell", sources=ITS_SOURCES,
                       test_module="cocotb_replay_its", parameters={},
                       extra_env={"REPLAY_CAPTURE": str(cap.path.resolve()), "REPLAY_OUT": str(out)})
        except Exception as e:  # the report below names the mismatches
            print(f"replay: ITS replay failed: {e}", file=sys.stderr)
            rc = 1
        report = out / "replay_its.json"
        if report.is_file():
            r = json.loads(report.read_text())
            print(f"ITS replay of {cap.path}:")
            for kind, counts in r["counts"].items():
                print(f"  {kind:<10} " + ", ".join(f"{k} {v}" for k, v in counts.items()))
            for name, what, ok in r["features"]:
                print(f"  feature {'ok ' if ok else 'BAD'} {name}: {what}")
            for m in r["mismatches"][:20]:
                print(f"  MISMATCH {m}")
            print(f"  txlog: {out / 'replay_its.txlog'}")
    else:
        print(f"replay: {cap.path} is a GICv2m capture; its MSIs need the SMMUv3 replay "
              "(not built yet), nothing to check", file=sys.stderr)
        rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

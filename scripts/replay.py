"""`make replay CAPTURE=dir`: replay a capture (docs/replay.md) against the RTL and print
what was reproduced, mismatched or not replayable. Exit status 1 on any mismatch."""

from __future__ import annotations

import json
import shutil
import sys
from xml.sax.saxutils import quoteattr
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tb.replay.capture import CaptureError, load_capture  # noqa: E402
from tb.runner import run_cocotb  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))   # the cocotb modules (pytest adds it; here we do)
from test_replay import ITS_SOURCES, SMMUV3_SOURCES  # noqa: E402

V2M_SOURCES = ["gicv2m_frame.v"]


def write_junit(out: Path, cases: list[tuple[str, dict | None, str]]) -> Path:
    """results/replay/<capture>/junit.xml: one testcase per replayed block, failed with
    its first mismatches (or the simulator's error) when it did not reproduce."""
    lines = []
    for name, report, error in cases:
        counts = report["counts"] if report else {}
        summary = "; ".join(f"{k}: " + ", ".join(f"{o} {n}" for o, n in c.items())
                            for k, c in counts.items())
        why = error or ("; ".join(report["mismatches"][:5]) if report and report["mismatches"] else "")
        body = f'<failure message={quoteattr(why)}/>' if why else ""
        lines.append(f'  <testcase classname="replay" name={quoteattr(name)}>'
                     f'<system-out>{summary}</system-out>{body}</testcase>')
    fails = sum(1 for _, r, e in cases if e or (r and r["mismatches"]))
    path = out / "junit.xml"
    out.mkdir(parents=True, exist_ok=True)
    path.write_text(f'<?xml version="1.0"?>\n<testsuite name="replay" tests="{len(cases)}" '
                    f'failures="{fails}">\n' + "\n".join(lines) + "\n</testsuite>\n")
    return path


CASES: list[tuple[str, dict | None, str]] = []


def _run(kind: str, cap, out: Path, **kw) -> int:
    try:
        run_cocotb(extra_env={"REPLAY_CAPTURE": str(cap.path.resolve()), "REPLAY_OUT": str(out)},
                   **kw)
        rc = 0
        error = ""
    except Exception as e:  # the report below names the mismatches
        print(f"replay: {kind} replay failed: {e}", file=sys.stderr)
        rc, error = 1, str(e).splitlines()[0]
    report = out / f"replay_{kind.lower()}.json"
    r = json.loads(report.read_text()) if report.is_file() else None
    CASES.append((f"{kind} {cap.path.name}", r, "" if r and not error else error or "no report"))
    if r is not None:
        print(f"{kind} replay of {cap.path}:")
        for what, counts in r["counts"].items():
            print(f"  {what:<12} " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        for name, what, ok in r["features"]:
            print(f"  feature {'ok ' if ok else 'BAD'} {name}: {what}")
        for m in r["mismatches"][:20]:
            print(f"  MISMATCH {m}")
        print(f"  txlog: {out / f'replay_{kind.lower()}.txlog'}")
    return rc



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
    rc = _run("SMMU", cap, out, toplevel="smmu_v3", sources=SMMUV3_SOURCES,
              test_module="cocotb_replay_smmu", parameters={"AXIL_DATA_WIDTH": 64})
    if cap.gic == 3:
        rc |= _run("ITS", cap, out, toplevel="its_doorbell", sources=ITS_SOURCES,
                   test_module="cocotb_replay_its", parameters={})
    else:
        rc |= _run("V2M", cap, out, toplevel="gicv2m_frame", sources=V2M_SOURCES,
                   test_module="cocotb_replay_v2m", parameters={})
    print(f"JUnit: {write_junit(out, CASES)}")
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

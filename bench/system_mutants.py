"""Fault injection for the system glue and the system tests: applies hand-made RTL
mutants of the glue blocks and of msi_system_top's wiring, one at a time, to a
private copy of the tree and runs the glue tests plus a subset of the system
scenarios on each. Every mutant should be KILLED (some test fails).

    .venv/bin/python bench/system_mutants.py           # all mutants (about 6 minutes)
    .venv/bin/python bench/system_mutants.py S4 S9     # a selection

The working tree is never modified (other sessions may be simulating it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv" / "bin" / "python"

# (id, what, file, original text, mutated text)
MUTANTS = [
    ("S1", "W routing FIFO popped on every beat, not on WLAST", "hdl/axi_arbiter.v",
     "            if (w_done)\n                wq_rd <=", "            if (w_fire)\n                wq_rd <="),
    ("S2", "B routed by the low ID bits instead of the port index", "hdl/axi_arbiter.v",
     "wire [PORT_BITS-1:0] b_port = m_axi_bid[M_ID_WIDTH-1 -: PORT_BITS];",
     "wire [PORT_BITS-1:0] b_port = m_axi_bid[PORT_BITS-1:0];"),
    ("S3", "every write carries port 0's StreamID", "hdl/axi_arbiter.v",
     "assign m_axi_awuser  = s_axi_awuser[aw_port*USER_WIDTH +: USER_WIDTH];",
     "assign m_axi_awuser  = s_axi_awuser[0 +: USER_WIDTH];"),
    ("S4", "every read carries port 0's StreamID", "hdl/axi_arbiter.v",
     "assign m_axi_aruser  = s_axi_aruser[ar_port*USER_WIDTH +: USER_WIDTH];",
     "assign m_axi_aruser  = s_axi_aruser[0 +: USER_WIDTH];"),
    ("S5", "fixed-priority AW arbitration", "hdl/axi_arbiter.v",
     "aw_ptr    <= next_ptr(aw_port);", "aw_ptr    <= {PORT_BITS{1'b0}};"),
    ("S6", "decode miss answers OKAY instead of DECERR", "hdl/axi_addr_decoder.v",
     "localparam [1:0] RESP_DECERR = 2'b11;", "localparam [1:0] RESP_DECERR = 2'b00;"),
    ("S7", "DECERR read returns one beat whatever ARLEN", "hdl/axi_addr_decoder.v",
     "dr_left <= arq_len;", "dr_left <= 8'd0;"),
    ("S8", "ITS translation frame decoded at the control frame's base", "hdl/msi_system_top.v",
     ".M_BASE({RAM_BASE, GICV2M_BASE, ITS_BASE + ITS_FRAME_SIZE}),",
     ".M_BASE({RAM_BASE, GICV2M_BASE, ITS_BASE}),"),
    ("S9", "ITS DeviceID tied to device 0's StreamID", "hdl/msi_system_top.v",
     ".s_axi_awuser(dec_axi_awuser[0*SID_WIDTH +: SID_WIDTH]),",
     ".s_axi_awuser(DEV0_SID),"),
    ("S10", "CPU decoder passes whole addresses (no base subtraction)", "hdl/axil_decoder.v",
     "aw_addr <= s_axil_awaddr - base_of(decode(s_axil_awaddr));",
     "aw_addr <= s_axil_awaddr;"),
    ("S11", "AXI-Lite bridge reads the wrong 32-bit lane", "hdl/axil_to_axi.v",
     "s_axil_rdata <= lane ? m_axi_rdata[63:32] : m_axi_rdata[31:0];",
     "s_axil_rdata <= lane ? m_axi_rdata[31:0] : m_axi_rdata[63:32];"),
    ("S12", "device 2 and device 3 swap StreamIDs", "hdl/msi_system_top.v",
     ".s_axi_awuser({DEV3_SID, DEV2_SID, DEV1_SID, DEV0_SID}),",
     ".s_axi_awuser({DEV2_SID, DEV3_SID, DEV1_SID, DEV0_SID}),"),
]

TESTS = [
    "tests/test_system_glue.py",
    "tests/test_system.py::test_system[its_single_msi-seed]",
    "tests/test_system.py::test_system[doorbells_many_devices-chip=its-backpressure=0.3-seed]",
    "tests/test_system.py::test_system[doorbells_many_devices-chip=v2m-backpressure=0.0-seed]",
    "tests/test_system.py::test_system[isolation_its-seed]",
    "tests/test_system.py::test_system[teardown_put_cookie_tlb_invalidate-seed]",
    "tests/test_system.py::test_system_random[default-0-seed]",
]


def main(argv: list[str]) -> int:
    chosen = [m for m in MUTANTS if not argv or m[0] in argv]
    survivors = 0
    with tempfile.TemporaryDirectory(prefix="system_mutants_") as tmp:
        work = Path(tmp)
        for d in ("hdl", "tb", "tests", "pymodel", "scripts"):
            shutil.copytree(ROOT / d, work / d, ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy(ROOT / "pytest.ini", work / "pytest.ini")
        for mid, what, rel, old, new in chosen:
            path = work / rel
            orig = path.read_text()
            if old not in orig:
                print(f"{mid} {what}: STALE (text not found in {rel})")
                survivors += 1
                continue
            path.write_text(orig.replace(old, new))
            try:
                r = subprocess.run([str(PY), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                    "-n", str(os.cpu_count() or 2), *TESTS],
                                   cwd=work, capture_output=True, text=True,
                                   env={**os.environ, "SEED": os.environ.get("SEED", "4242"),
                                        "PYTHONPATH": str(work),
                                        "SYSTEM_STATS_DIR": str(work / "results" / "stats")})
            finally:
                path.write_text(orig)
            failed = sorted(set(re.findall(r"FAILED (\S+)", r.stdout)))
            killed = r.returncode != 0
            survivors += not killed
            short = [f.split("::")[-1] for f in failed[:3]]
            print(f"{mid} {what}: "
                  f"{'KILLED by ' + ', '.join(short) if killed else 'SURVIVED'}", flush=True)
    print(f"{len(chosen) - survivors}/{len(chosen)} mutants killed")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""pytest runners for the SMMUv3 block (hdl/smmu_v3/rtl/smmu_v3.v): one build per HDL parameter set,
cocotb tests in tests/cocotb_smmuv3.py.

    SEED=1234 pytest tests/test_smmuv3.py            # replay a seed
    SMMUV3_RANDOM_TXNS=500 pytest tests/test_smmuv3.py -k random
"""

import pytest

from tb.runner import run_cocotb

SMMUV3_SOURCES = ["smmu_v3.v", "smmu_v3_regs.v", "smmu_v3_cfg.v", "smmu_v3_cmdq.v",
                  "smmu_v3_evtq.v", "smmu_v3_chan.v", "smmu_xlate_core.v",
                  "smmu_tlb_array.v", "smmu_walk_cache.v", "smmu_ptw.v", "smmu_wr_resp.v",
                  "smmu_rd_resp.v"]

PARAM_SETS = {
    "default": {},
    "axil64_cfg2_tlb4": dict(AXIL_DATA_WIDTH=64, CFG_ENTRIES=2, TLB_ENTRIES=4,
                             WALK_CACHE_ENTRIES=2),
}


@pytest.mark.sim
@pytest.mark.parametrize("params", list(PARAM_SETS.values()), ids=list(PARAM_SETS))
def test_smmuv3(params):
    """Every cocotb test of the block on this parameter set."""
    run_cocotb(toplevel="smmu_v3", sources=SMMUV3_SOURCES, test_module="cocotb_smmuv3",
               parameters=params)


# the smallest caches (every lookup after a different StreamID misses) and a StreamID
# width Linux 6.1 puts in a linear table (SIDSIZE <= STRTAB_SPLIT)
SMALL_SETS = {
    "cfg1_tlb1_wc1": dict(CFG_ENTRIES=1, TLB_ENTRIES=1, WALK_CACHE_ENTRIES=1),
    "sid8_linear": dict(SID_WIDTH=8, CFG_ENTRIES=4),
}
SMALL_TESTS = ["translation_faults_exact", "cfgi_and_tlbi_vs_caching",
               "random_multi_stream/pressure=False", "random_multi_stream/pressure=True",
               "sync_ordering_under_traffic", "concurrent_random_workers/pressure=False",
               "concurrent_random_workers/pressure=True"]


@pytest.mark.sim
@pytest.mark.parametrize("params", list(SMALL_SETS.values()), ids=list(SMALL_SETS))
def test_smmuv3_small(params):
    """Caches of one entry, and an 8-bit StreamID space (linear Stream table)."""
    run_cocotb(toplevel="smmu_v3", sources=SMMUV3_SOURCES, test_module="cocotb_smmuv3",
               parameters=params, testcase=SMALL_TESTS)


@pytest.mark.synth
def test_smmuv3_synth():
    """The block synthesizes with yosys' generic flow and infers no latch."""
    import subprocess
    from tb.runner import ROOT
    out = subprocess.run([str(ROOT / "scripts" / "synth_report.sh"), "smmu_v3"],
                         capture_output=True, text=True, timeout=900)
    print(out.stdout, out.stderr)
    assert out.returncode == 0, f"yosys synth of smmu_v3 failed:\n{out.stderr[-3000:]}"


def test_reference_on_linux61_capture():
    """The reference (pymodel.smmuv3) against real Linux 6.1 under QEMU (the capture
    shipped in captures/, made by `make capture`): from the dumped Stream table, STEs,
    CDs and page tables it must give QEMU's PA for every recorded walk whose
    descriptors are all still in memory unchanged at the end (QEMU's own walk record
    says which), and decode Linux's STE/CD values as final_state.json lists them."""
    from tb.runner import ROOT

    for name in ("linux-6.1.0-50-gic3", "linux-6.1.0-50-gic2"):
        checked = _reference_on_capture(ROOT / "captures" / name)
        print(f"{name}: {checked} recorded walks reproduced by the reference")
        assert checked >= 10, (name, checked)


def _reference_on_capture(cap) -> int:
    import gzip
    import json

    from pymodel.hwdefs import smmuv3 as V
    from pymodel.memory import MemoryImage
    from pymodel.smmuv3 import Cd, Forward, Smmuv3Config, Smmuv3Reference, Ste

    image = MemoryImage()
    for f in sorted((cap / "memory").glob("*.bin.gz")):
        addr = int(f.name.split("-")[0], 16)
        image.write(addr, gzip.decompress(f.read_bytes()))
    smmu = json.loads((cap / "final_state.json").read_text())["smmu"]
    regs = Smmuv3Config(smmuen=True, strtab_base=int(smmu["STRTAB_BASE"], 16),
                        strtab_base_cfg=int(smmu["STRTAB_BASE_CFG"], 16), sid_bits=16)
    assert regs.strtab_base_cfg == 0x10210
    ref = Smmuv3Reference(image, regs)
    for s in smmu["translating_stes"]:
        sid = int(s["sid"], 16)
        what, ste_addr = ref.locate_ste(sid)
        assert what == "ok"
        ste = Ste.from_bytes(image.read(ste_addr, 64))
        assert ste.qwords() == [int(q, 16) for q in s["ste"]]
        assert ste.config == V.STE_CONFIG_S1_TRANS and ste.s1dss == V.STE_S1DSS_SSID0
        cd = Cd.from_bytes(image.read(ste.s1contextptr, 64))
        assert (cd.asid, cd.ttb0, cd.t0sz, cd.mair) == (s["asid"], int(s["ttb0"], 16),
                                                        s["t0sz"], int(s["mair"], 16))
        assert cd.mair == 0xFFFF_FFFF_F404_FF44 and not ref.cd_illegal(cd)
    checked = 0
    with gzip.open(cap / "translations.jsonl.gz", "rt") as fh:
        for line in fh:
            t = json.loads(line)
            walk = t.get("walk") or []
            if not walk or any(image.read_u64(int(w["pte_addr"], 16)) != int(w["pte"], 16)
                               for w in walk):
                continue            # a TLB hit (no walk recorded) or changed since
            out = ref.predict(int(t["sid"], 16), int(t["iova"], 16), t.get("rw") == "w")
            assert isinstance(out, Forward) and out.pa == int(t["pa"], 16), (t, out)
            checked += 1
    return checked

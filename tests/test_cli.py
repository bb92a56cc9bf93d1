"""`python -m pymodel`: the scenario CLI. Most cases call main() in-process (fast);
one runs the real module entry point in a subprocess."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pymodel.__main__ import main

ROOT = Path(__file__).resolve().parents[1]


def run_json(capsys, *argv):
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_default_scenario_its_first_page(capsys):
    rep = run_json(capsys)
    assert rep["kernel"] == "v4.9" and rep["irqchip"] == "its"
    (v,) = rep["vectors"]
    # ITS doorbell 0x08090040 -> first MSI page 0xfffff000 (see test_dma_iommu)
    assert (v["address_hi"], v["address_lo"], v["data"]) == (0, 0xFFFF_F040, 0)
    assert v["lands_at"] == 0x0809_0040
    (d,) = rep["domains"]
    (p,) = d["msi_pages"]
    assert (p["iova"], p["phys"], p["level"], p["pte"]) == \
        (0xFFFF_F000, 0x0809_0000, 3, 0x0060_0000_0809_0F4B)


def test_devices_domains_and_vectors(capsys):
    rep = run_json(capsys, "--device", "eth0:1", "--device", "nvme:2",
                   "--device", "gpu:3:d1", "--vector", "eth0:0", "--vector", "nvme:3",
                   "--vector", "gpu:1")
    assert [(v["device"], v["domain"], v["address_lo"], v["data"]) for v in rep["vectors"]] == [
        ("eth0", "d0", 0xFFFF_F040, 0), ("nvme", "d0", 0xFFFF_F040, 3),
        ("gpu", "d1", 0xFFFF_F040, 1)]
    assert [len(d["msi_pages"]) for d in rep["domains"]] == [1, 1]


def test_gicv2m(capsys):
    rep = run_json(capsys, "--irqchip", "gicv2m", "--vector", "dev0:80")
    (v,) = rep["vectors"]
    assert (v["address_lo"], v["data"], v["lands_at"]) == (0xFFFF_F040, 80, 0x0802_0040)


def test_seed_v5_lookup_quirks_visible(capsys):
    rep = run_json(capsys, "--lookup", "seed-v5", "--doorbell", "0x08090040",
                   "--vector", "dev0:0", "--vector", "dev0:1@0x08090044",
                   "--vector", "dev0:2@0x0808fff0")
    got = [(v["address_lo"], v["lands_at"]) for v in rep["vectors"]]
    # 0x..44 misses -> second page 0xffffe000; 0x0808fff0 hits the newest page
    # (0x08090044 - 0x0808fff0 = 0x54 < 0x1000) -> 0xffffeff0 -> lands at 0x08090ff0
    assert got == [(0xFFFF_F040, 0x0809_0040), (0xFFFF_E044, 0x0809_0044),
                   (0xFFFF_EFF0, 0x0809_0FF0)]


def test_exhaustion_reports_failure(capsys):
    assert main(["--dma-mask", "0x1fff"]) == 0
    out = capsys.readouterr().out
    assert "address_hi=0xffffffff address_lo=0xffffffff data=0xffffffff" in out
    assert "FAILED" in out


def test_msi_cookie_defaults_to_v411(capsys):
    rep = run_json(capsys, "--msi-cookie", "0x08000000", "--irqchip", "gicv2m",
                   "--vector", "dev0:80", "--vector", "dev0:81")
    assert rep["kernel"] == "v4.11"
    assert [v["address_lo"] for v in rep["vectors"]] == [0x0800_0040, 0x0800_0040]
    assert rep["domains"][0]["cookie"] == "msi"


def test_scenario_file(tmp_path, capsys):
    f = tmp_path / "s.json"
    f.write_text(json.dumps({
        "kernel": "v4.9", "irqchip": "its", "dma_mask": "0x0fffffff",
        "devices": [{"name": "a", "sid": 1}, "b:2:d1:0xffffffff"],
        "vectors": [{"device": "a", "vector": 4}, "b:5"]}))
    rep = run_json(capsys, "--scenario", str(f))
    # a: mask 0x0fffffff -> limit pfn 0xffff -> iova 0x0ffff000; b: own domain, 32-bit
    assert [(v["address_lo"], v["data"]) for v in rep["vectors"]] == \
        [(0x0FFF_F040, 4), (0xFFFF_F040, 5)]


def test_text_report_mentions_pages_and_descriptor(capsys):
    assert main(["--device", "eth0:1"]) == 0
    out = capsys.readouterr().out
    assert "iova 0xfffff000 -> phys 0x8090000" in out
    assert "L3 pte 0x0060000008090f4b" in out
    assert "address_lo=0xfffff040" in out


@pytest.mark.parametrize("argv, needle", [
    (["--vector", "ghost:0"], "unknown device 'ghost'"),
    (["--dma-mask", "banana"], "'banana' is not a number"),
    (["--irqchip", "gicv2m", "--vector", "dev0:3"], "SPI 3 outside"),
    (["--kernel", "v4.9", "--msi-cookie", "0x1000"], "does not exist in v4.9"),
    (["--device", "a", "--device", "a"], "given twice"),
    (["--aperture", "0x10"], "want START:END"),
    (["--kernel", "seed-v5", "--lookup", "v4.9"], "contradicts kernel seed-v5"),
    (["--kernel", "v4.11", "--lookup", "seed-v5"], "contradicts kernel v4.11"),
    (["--kernel", "v4.10", "--msi-cookie", "0x1000"], "does not exist in v4.10"),
    (["--ias", "banana"], "--ias: 'banana' is not a number"),
    (["--vector", "dev0"], "want DEVICE:N"),
    (["--scenario", "/nonexistent/s.json"], "cannot read scenario file"),
    (["--dma-base", "0x1000000000000"], "setting up domain"),
])
def test_bad_input_is_a_clear_error(argv, needle, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err and "error" in err


def test_bad_scenario_keys(tmp_path, capsys):
    f = tmp_path / "s.json"
    f.write_text(json.dumps({"kernal": "v4.9"}))
    assert main(["--scenario", str(f)]) == 2
    assert "unknown scenario keys ['kernal']" in capsys.readouterr().err


def test_argparse_rejects_unknown_kernel(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--kernel", "v9.9"])
    assert e.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_module_entry_point_subprocess():
    r = subprocess.run([sys.executable, "-m", "pymodel", "--device", "eth0:1"],
                       capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "address_lo=0xfffff040" in r.stdout
    r = subprocess.run([sys.executable, "-m", "pymodel", "--vector", "nobody:1"],
                       capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert r.returncode == 2 and "unknown device 'nobody'" in r.stderr


def test_v52_flow_and_allocation_failure(capsys):
    rep = run_json(capsys, "--kernel", "v5.2", "--vector", "dev0:3")
    (v,) = rep["vectors"]
    assert (v["address_lo"], v["data"], v["alloc_error"]) == (0xFFFF_F040, 3, 0)
    assert main(["--kernel", "v5.2", "--irqchip", "gicv2m", "--dma-mask", "0xfff",
                 "--vector", "dev0:80"]) == 0
    out = capsys.readouterr().out
    assert "IRQ allocation failed: iommu_dma_prepare_msi returned -12" in out


def test_v61_pci_nvme_like_the_linux_capture(capsys):
    rep = run_json(capsys, "--kernel", "v6.1", "--pci", "--dma-mask", "0xffffffffffffffff",
                   "--device", "nvme0:8", "--vector", "nvme0:0", "--vector", "nvme0:1")
    assert [(v["address_hi"], v["address_lo"], v["data"]) for v in rep["vectors"]] == \
        [(0, 0xFFFF_F040, 0), (0, 0xFFFF_F040, 1)]          # SAC: below 4 GiB
    (d,) = rep["domains"]
    assert d["allocator"] == "v6.1" and d["pci_devices"] == ["nvme0"]
    assert d["mair"] == 0xFFFF_FFFF_F404_FF44
    assert d["msi_pages"][0]["pte"] == 0x0060_0000_0809_0E4B
    # without --pci the same mask gives the top of the 48-bit aperture
    rep = run_json(capsys, "--kernel", "v6.1", "--dma-mask", "0xffffffffffffffff")
    assert rep["vectors"][0]["address_hi"] == 0xFFFF


def test_pci_per_device_in_a_scenario_file(tmp_path, capsys):
    f = tmp_path / "s.json"
    f.write_text(json.dumps({"kernel": "v4.11", "dma_mask": "0xffffffffffffffff", "devices": [
        {"name": "nvme", "sid": 8, "pci": True}, {"name": "plat", "sid": 9, "domain": "d1"}],
        "vectors": [{"device": "nvme", "vector": 0}, {"device": "plat", "vector": 0}]}))
    rep = run_json(capsys, "--scenario", str(f))
    assert [v["address_hi"] for v in rep["vectors"]] == [0, 0xFFFF]


@pytest.mark.parametrize("doc, needle", [
    ({"devices": [{"name": "eth0", "sdi": 5, "dma_maks": "0x1fff"}]},
     "unknown device 'eth0' keys ['dma_maks', 'sdi']"),
    ({"vectors": [{"device": "dev0", "vector": 0, "bell": 1}]}, "unknown vector"),
    ({"devices": "eth0:1"}, "devices: 'eth0:1' is not a list"),
    ({"vectors": {"device": "dev0"}}, "is not a list"),
    ({"devices": [{"name": 7}]}, "device name: 7 is not a non-empty string"),
    ({"devices": [{"name": "a", "pci": "yes"}]}, "device a pci: 'yes' is not true or false"),
    ({"kernel": 4.9}, "kernel: 4.9 is not a non-empty string"),
    ({"ias": [48]}, "ias: [48] is not a number"),
    ({"pci": 1}, "pci: 1 is not true or false"),
])
def test_scenario_typos_and_wrong_types_exit_2(tmp_path, capsys, doc, needle):
    f = tmp_path / "s.json"
    f.write_text(json.dumps(doc))
    assert main(["--scenario", str(f)]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.startswith("python -m pymodel: error:"), err


def test_ias_accepts_hex_as_the_help_says(capsys):
    rep = run_json(capsys, "--ias", "0x30")
    assert rep["domains"][0]["tcr"] & 0x3F == 16            # T0SZ = 64 - 48
    rep = run_json(capsys, "--ias", "40")
    assert rep["domains"][0]["tcr"] & 0x3F == 24
    assert main(["--ias", "0x40"]) == 2
    assert "ias 64: the model covers 32..48 bits" in capsys.readouterr().err


def test_dma_mask_zero_says_it_means_32_bits(capsys):
    assert main(["--dma-mask", "0"]) == 0
    out = capsys.readouterr().out
    assert "note: a dma mask of 0 means DMA_BIT_MASK(32)" in out
    assert "address_lo=0xfffff040" in out
    rep = run_json(capsys, "--dma-mask", "0")
    assert rep["notes"] and rep["vectors"][0]["address_lo"] == 0xFFFF_F040
    rep = run_json(capsys)
    assert rep["notes"] == []


def test_broken_pipe_is_quiet():
    # many vectors so the report is longer than the pipe read by `head -1`
    argv = [sys.executable, "-m", "pymodel"] + [a for i in range(200)
                                                for a in ("--device", f"d{i}:{i}")]
    r = subprocess.run(" ".join(argv) + " | head -1", shell=True, capture_output=True,
                       text=True, timeout=60, cwd=ROOT)
    assert r.stdout.startswith("kernel v4.9")
    assert "Traceback" not in r.stderr and "BrokenPipe" not in r.stderr, r.stderr


def test_v49_pci_underflow_is_a_clear_error(capsys):
    # 4.9.0 reserves QEMU virt's I/O window at pfns 0..0xf; exhausting a 17-bit
    # mask walks past it and underflows limit_pfn (fixed in 4.12)
    argv = ["--kernel", "v4.9", "--pci", "--dma-mask", "0x1ffff", "--doorbell", "0x08090040"]
    argv += [a for i in range(17) for a in ("--vector", f"dev0:0@{0x0809_0040 + 0x1000 * i:#x}")]
    assert main(argv) == 2
    assert "fixed in 4.12" in capsys.readouterr().err

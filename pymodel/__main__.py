"""`python -m pymodel`: what the kernel would do with a device's MSIs behind an
SMMU, without running a simulation.

For a scenario (doorbell or irqchip, dma mask, aperture, kernel behaviour,
devices and vectors) it builds the domains the way arm64's DMA setup does
(iommu_get_dma_cookie + iommu_dma_init_domain, or VFIO's iommu_get_msi_cookie),
composes every vector's message through the GICv2m / ITS compose callbacks (or
a raw doorbell) and prints the swizzled messages, the MSI IOVA pages and the
page-table descriptors that map them.

Examples:
  python -m pymodel --irqchip its --device eth0:1 --device nvme:2 --vector eth0:0 --vector nvme:3
  python -m pymodel --kernel v6.1 --pci --dma-mask 0xffffffffffffffff --device nvme0:8
  python -m pymodel --kernel seed-v5 --doorbell 0x08090040 --vector dev0:0@0x08090044
  python -m pymodel --scenario scenario.json --json
See docs/model.md for the scenario file format.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Optional

from pymodel import dma_iommu as D
from pymodel import kversion
from pymodel import msi as M
from pymodel.io_pgtable_arm import PgtableConfigError
from pymodel.iova import IovaError
from pymodel.memory import MemoryImage, TablePageAllocator

IRQCHIPS = ("its", "gicv2m", "raw")


class ScenarioError(ValueError):
    """A scenario the model cannot run (bad number, unknown device, ...)."""


def _num(value: Any, what: str) -> int:
    """A non-negative number: a JSON int or a string in Python syntax (0x..., 1_000)."""
    if isinstance(value, bool):
        raise ScenarioError(f"{what}: {value!r} is not a number")
    if isinstance(value, int):
        n = value
    elif isinstance(value, str):
        try:
            n = int(value.replace("_", ""), 0)
        except ValueError:
            raise ScenarioError(f"{what}: {value!r} is not a number") from None
    else:
        raise ScenarioError(f"{what}: {value!r} is not a number")
    if n < 0:
        raise ScenarioError(f"{what}: {value!r} is negative")
    return n


def _str(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ScenarioError(f"{what}: {value!r} is not a non-empty string")
    return value


def _bool(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise ScenarioError(f"{what}: {value!r} is not true or false")
    return value


def _check_keys(obj: dict, known: set, what: str) -> None:
    unknown = set(obj) - known
    if unknown:
        raise ScenarioError(f"unknown {what} keys {sorted(unknown)}; known: {sorted(known)}")


@dataclass
class DeviceSpec:
    name: str
    sid: int = 0
    domain: str = "d0"
    dma_mask: Optional[int] = None
    pci: Optional[bool] = None          # None: the scenario's default (--pci)


@dataclass
class VectorSpec:
    device: str
    vector: int
    doorbell: Optional[int] = None


@dataclass
class Scenario:
    kernel: Optional[str] = None      # None: v4.9, or v4.11 when an MSI cookie is asked for
    irqchip: str = "its"
    doorbell: Optional[int] = None
    dma_mask: int = D.DMA_BIT_MASK(32)
    dma_base: int = 0
    dma_size: int = 1 << 32
    ias: int = 48
    aperture: Optional[tuple[int, int]] = None
    msi_cookie: Optional[int] = None
    pci: bool = False                 # devices are PCI functions behind QEMU virt's host bridge
    devices: list[DeviceSpec] = field(default_factory=list)
    vectors: list[VectorSpec] = field(default_factory=list)


def _parse_device(text: str) -> DeviceSpec:
    """NAME[:SID[:DOMAIN[:DMA_MASK]]]"""
    parts = text.split(":")
    if not parts[0] or len(parts) > 4:
        raise ScenarioError(f"--device {text!r}: want NAME[:SID[:DOMAIN[:DMA_MASK]]]")
    spec = DeviceSpec(parts[0])
    if len(parts) > 1 and parts[1]:
        spec.sid = _num(parts[1], f"device {parts[0]} stream id")
    if len(parts) > 2 and parts[2]:
        spec.domain = parts[2]
    if len(parts) > 3 and parts[3]:
        spec.dma_mask = _num(parts[3], f"device {parts[0]} dma mask")
    return spec


def _parse_vector(text: str) -> VectorSpec:
    """DEVICE:N[@DOORBELL]"""
    body, _, bell = text.partition("@")
    dev, sep, n = body.partition(":")
    if not dev or not sep or not n:
        raise ScenarioError(f"--vector {text!r}: want DEVICE:N[@DOORBELL]")
    return VectorSpec(dev, _num(n, f"vector {text}"),
                      _num(bell, f"vector {text} doorbell") if bell else None)


def _parse_aperture(text: str) -> tuple[int, int]:
    lo, sep, hi = text.partition(":")
    if not sep:
        raise ScenarioError(f"aperture {text!r}: want START:END")
    return _num(lo, "aperture start"), _num(hi, "aperture end")


def load_scenario_file(path: str) -> dict:
    try:
        with open(path) as f:
            data = json.load(f)
    except OSError as e:
        raise ScenarioError(f"cannot read scenario file {path!r}: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise ScenarioError(f"scenario file {path!r} is not JSON: {e}") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"scenario file {path!r} must hold a JSON object")
    return data


DEVICE_KEYS = {"name", "sid", "domain", "dma_mask", "pci"}
VECTOR_KEYS = {"device", "vector", "doorbell"}
SCENARIO_KEYS = {"kernel", "irqchip", "doorbell", "dma_mask", "dma_base", "dma_size", "ias",
                 "aperture", "msi_cookie", "pci", "devices", "vectors"}


def _device_from(d: Any) -> DeviceSpec:
    if isinstance(d, str):
        return _parse_device(d)
    if not isinstance(d, dict) or "name" not in d:
        raise ScenarioError(f"device {d!r}: want \"NAME:SID:DOMAIN\" or an object with name")
    _check_keys(d, DEVICE_KEYS, f"device {d.get('name')!r}")
    name = _str(d["name"], "device name")
    return DeviceSpec(
        name, _num(d.get("sid", 0), f"device {name} sid"),
        _str(d.get("domain", "d0"), f"device {name} domain"),
        _num(d["dma_mask"], f"device {name} dma_mask") if d.get("dma_mask") is not None else None,
        _bool(d["pci"], f"device {name} pci") if d.get("pci") is not None else None)


def _vector_from(v: Any) -> VectorSpec:
    if isinstance(v, str):
        return _parse_vector(v)
    if not isinstance(v, dict) or "device" not in v or "vector" not in v:
        raise ScenarioError(f"vector {v!r}: want \"DEV:N[@DOORBELL]\" or "
                            "an object with device and vector")
    _check_keys(v, VECTOR_KEYS, f"vector {v.get('device')!r}:{v.get('vector')!r}")
    return VectorSpec(
        _str(v["device"], "vector device"), _num(v["vector"], "vector"),
        _num(v["doorbell"], "doorbell") if v.get("doorbell") is not None else None)


def scenario_from_dict(data: dict) -> Scenario:
    _check_keys(data, SCENARIO_KEYS, "scenario")
    sc = Scenario()
    if data.get("kernel") is not None:
        sc.kernel = _str(data["kernel"], "kernel")
    if data.get("irqchip") is not None:
        sc.irqchip = _str(data["irqchip"], "irqchip")
    for key in ("doorbell", "dma_mask", "dma_base", "dma_size", "ias", "msi_cookie"):
        if data.get(key) is not None:
            setattr(sc, key, _num(data[key], key))
    if data.get("pci") is not None:
        sc.pci = _bool(data["pci"], "pci")
    if data.get("aperture") is not None:
        ap = data["aperture"]
        if isinstance(ap, str):
            sc.aperture = _parse_aperture(ap)
        elif isinstance(ap, list) and len(ap) == 2:
            sc.aperture = (_num(ap[0], "aperture start"), _num(ap[1], "aperture end"))
        else:
            raise ScenarioError(f"aperture {ap!r}: want [START, END] or \"START:END\"")
    for key, parse, out in (("devices", _device_from, sc.devices),
                            ("vectors", _vector_from, sc.vectors)):
        items = data.get(key, [])
        if not isinstance(items, list):
            raise ScenarioError(f"{key}: {items!r} is not a list")
        out.extend(parse(item) for item in items)
    return sc


def run(sc: Scenario) -> dict:
    """Run a scenario; returns a JSON-able report."""
    if sc.kernel is None:
        sc.kernel = (kversion.V4_11 if sc.msi_cookie is not None else kversion.DEFAULT).name
    behaviour = kversion.behaviour(sc.kernel)
    if sc.irqchip not in IRQCHIPS:
        raise ScenarioError(f"irqchip {sc.irqchip!r}: choose one of {IRQCHIPS}")
    if sc.irqchip == "raw" and sc.doorbell is None:
        raise ScenarioError("irqchip 'raw' needs a doorbell address")
    if not 32 <= sc.ias <= 48:
        raise ScenarioError(f"ias {sc.ias}: the model covers 32..48 bits")
    if not sc.devices:
        sc.devices = [DeviceSpec("dev0")]
    if not sc.vectors:
        sc.vectors = [VectorSpec(sc.devices[0].name, 0)]

    memory = MemoryImage()
    tables = TablePageAllocator(memory, D.DEFAULT_TABLE_POOL_BASE, D.DEFAULT_TABLE_POOL_SIZE)
    domains: dict[str, D.IommuDomain] = {}
    devices: dict[str, D.Device] = {}
    report: dict[str, Any] = {"kernel": behaviour.name, "msi_lookup": behaviour.msi_lookup,
                              "irqchip": sc.irqchip, "domains": [], "vectors": [],
                              "notes": []}
    if sc.dma_mask == 0 or any(d.dma_mask == 0 for d in sc.devices):
        report["notes"].append("a dma mask of 0 means DMA_BIT_MASK(32): dma_get_mask() "
                               "falls back to 32 bits when *dev->dma_mask is 0")

    for spec in sc.devices:
        if spec.name in devices:
            raise ScenarioError(f"device {spec.name!r} given twice")
        pci = sc.pci if spec.pci is None else spec.pci
        dev = D.Device(spec.name, spec.sid,
                       spec.dma_mask if spec.dma_mask is not None else sc.dma_mask,
                       pci=pci, bridge=D.QEMU_VIRT_HOST_BRIDGE if pci else None)
        domain = domains.get(spec.domain)
        if domain is None:
            dtype = D.IOMMU_DOMAIN_UNMANAGED if sc.msi_cookie is not None else D.IOMMU_DOMAIN_DMA
            domain = D.IommuDomain(memory, tables, ias=sc.ias, type=dtype, name=spec.domain,
                                   behaviour=behaviour)
            if sc.aperture is not None:
                lo, hi = sc.aperture
                if lo > hi:
                    raise ScenarioError(f"aperture start {lo:#x} is above its end {hi:#x}")
                domain.geometry.aperture_start, domain.geometry.aperture_end = lo, hi
            if sc.msi_cookie is not None:
                ret = D.iommu_get_msi_cookie(domain, sc.msi_cookie, behaviour)
            else:
                ret = D.iommu_get_dma_cookie(domain, behaviour)
                if not ret:
                    ret = D.iommu_dma_init_domain(domain, sc.dma_base, sc.dma_size, dev)
            if ret:
                raise ScenarioError(f"setting up domain {spec.domain!r} failed with {ret} "
                                    f"(dma base {sc.dma_base:#x} size {sc.dma_size:#x})")
            domains[spec.domain] = domain
        D.iommu_attach_device(domain, dev)
        devices[spec.name] = dev

    v2m = M.V2mData()
    its = M.ItsNode()
    for vec in sc.vectors:
        dev = devices.get(vec.device)
        if dev is None:
            raise ScenarioError(f"vector for unknown device {vec.device!r}; "
                                f"devices: {sorted(devices)}")
        bell = vec.doorbell if vec.doorbell is not None else sc.doorbell
        if bell is not None or sc.irqchip == "raw":
            # a raw doorbell: the message an irqchip at `bell` would compose
            msg = M.MsiMsg(D.lower_32_bits(bell), D.upper_32_bits(bell), vec.vector & 0xFFFF_FFFF)
            original = msg.address
            if behaviour.split_compose:
                desc = D.MsiDesc(dev)
                err = D.iommu_dma_prepare_msi(desc, bell)
                if err:
                    report["vectors"].append(_alloc_failure(dev, vec, original, err))
                    continue
                D.iommu_dma_compose_msi_msg(desc, msg)
            else:
                D.iommu_dma_map_msi_msg(dev, msg)
        elif behaviour.split_compose:
            # v5.2: the irqchip's irq_domain_alloc prepares, compose swizzles
            if sc.irqchip == "gicv2m":
                err, desc = M.gicv2m_irq_domain_alloc(v2m, dev)
                original = v2m.doorbell
            else:
                its_dev = M.ItsDevice(its, dev, dev.stream_id, nr_ites=vec.vector + 1)
                err, desc = M.its_irq_domain_alloc(its_dev)
                original = its.doorbell
            if err:
                report["vectors"].append(_alloc_failure(dev, vec, original, err))
                continue
            if sc.irqchip == "gicv2m":
                msg = M.gicv2m_compose_msi_msg(v2m, dev, vec.vector, desc=desc)
            else:
                msg = M.its_irq_compose_msi_msg(its_dev, its_dev.lpi_base + vec.vector,
                                                desc=desc)
        elif sc.irqchip == "gicv2m":
            msg = M.gicv2m_compose_msi_msg(v2m, dev, vec.vector)
            original = v2m.doorbell
        else:
            msg = M.its_compose_msi_msg(its, dev, vec.vector)
            original = its.doorbell
        domain = dev.domain
        lands = None if msg.is_failed() else domain.iova_to_phys(msg.address)
        report["vectors"].append({
            "device": dev.name, "sid": dev.stream_id, "domain": domain.name,
            "vector": vec.vector, "doorbell": original, "alloc_error": 0,
            "address_hi": msg.address_hi, "address_lo": msg.address_lo, "data": msg.data,
            "failed": msg.is_failed(), "lands_at": lands})

    for name, domain in domains.items():
        cookie = domain.iova_cookie
        iovad = D.cookie_iovad(domain)
        pages = []
        for page in cookie.msi_page_list:
            leaf = domain.pgtbl.leaf_pte(page.iova)
            pages.append({"iova": page.iova, "phys": page.phys,
                          "raw_hi": page.phys_hi, "raw_lo": page.phys_lo,
                          "level": leaf[0] if leaf else None,
                          "pte": leaf[1] if leaf else None,
                          "pte_addr": domain.pgtbl.leaf_pte_addr(page.iova)
                          if hasattr(domain.pgtbl, "leaf_pte_addr") else None})
        report["domains"].append({
            "name": name, "ttbr": domain.pgtbl.ttbr, "tcr": domain.pgtbl.tcr,
            "mair": domain.pgtbl.mair, "allocator": iovad.rules if iovad else None,
            "aperture": [domain.geometry.aperture_start, domain.geometry.aperture_end],
            "cookie": "msi" if cookie.type == D.IOMMU_DMA_MSI_COOKIE else "iova",
            "start_pfn": iovad.start_pfn if iovad else None,
            "dma_32bit_pfn": iovad.dma_32bit_pfn if iovad else None,
            "devices": [d.name for d in devices.values() if d.domain is domain],
            "pci_devices": [d.name for d in devices.values() if d.domain is domain and d.pci],
            "msi_pages": pages})
    return report


def _alloc_failure(dev: D.Device, vec: VectorSpec, original: int, err: int) -> dict:
    """The report row of a vector whose IRQ allocation failed (5.2+ prepare)."""
    return {"device": dev.name, "sid": dev.stream_id, "domain": dev.domain.name,
            "vector": vec.vector, "doorbell": original, "alloc_error": err,
            "address_hi": None, "address_lo": None, "data": None,
            "failed": True, "lands_at": None}


def format_report(rep: dict) -> str:
    out = [f"kernel {rep['kernel']} (MSI page lookup: {rep['msi_lookup']}), "
           f"irqchip {rep['irqchip']}"]
    out += [f"note: {n}" for n in rep.get("notes", [])]
    out += ["", "Swizzled MSI messages:"]
    for v in rep["vectors"]:
        if v.get("alloc_error"):
            out.append(f"  {v['device']} (sid {v['sid']:#x}, {v['domain']}) vector {v['vector']}: "
                       f"doorbell {v['doorbell']:#x} -> IRQ allocation failed: "
                       f"iommu_dma_prepare_msi returned {v['alloc_error']}")
            continue
        line = (f"  {v['device']} (sid {v['sid']:#x}, {v['domain']}) vector {v['vector']}: "
                f"doorbell {v['doorbell']:#x} -> address_hi={v['address_hi']:#010x} "
                f"address_lo={v['address_lo']:#010x} data={v['data']:#x}")
        if v["failed"]:
            line += "  [FAILED: no IOVA/mapping, message filled with ~0]"
        else:
            lands = v["lands_at"]
            line += f"  (device write lands at {lands:#x}"
            line += ")" if lands == v["doorbell"] else ", NOT the doorbell!)"
        out.append(line)
    for d in rep["domains"]:
        pci = f"; PCI: {', '.join(d['pci_devices'])}" if d.get("pci_devices") else ""
        out += ["", f"Domain {d['name']} ({d['cookie']} cookie; devices "
                    f"{', '.join(d['devices'])}{pci}):",
                f"  TTBR0 {d['ttbr']:#x}  TCR {d['tcr']:#x}  MAIR {d['mair']:#x}",
                f"  aperture [{d['aperture'][0]:#x}, {d['aperture'][1]:#x}]"]
        if d["start_pfn"] is not None:
            out.append(f"  IOVA domain ({d['allocator']} iova.c) start_pfn {d['start_pfn']:#x} "
                       f"dma_32bit_pfn {d['dma_32bit_pfn']:#x}")
        out.append("  MSI IOVA pages (msi_page_list order, newest first):")
        if not d["msi_pages"]:
            out.append("    (none)")
        for p in d["msi_pages"]:
            pte = "unmapped" if p["pte"] is None else f"L{p['level']} pte {p['pte']:#018x}"
            where = f" @ {p['pte_addr']:#x}" if p.get("pte_addr") is not None else ""
            raw = ""
            if rep["msi_lookup"] == kversion.MSI_LOOKUP_SEED_V5:
                raw = f"  (seed-v5 key hi={p['raw_hi']:#x} lo={p['raw_lo']:#x})"
            out.append(f"    iova {p['iova']:#x} -> phys {p['phys']:#x}  {pte}{where}{raw}")
    return "\n".join(out)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m pymodel",
        description="Show what Linux's dma-iommu MSI remapping does for a scenario.",
        epilog="Numbers accept 0x prefixes. See docs/model.md for the JSON scenario format.")
    p.add_argument("--scenario", metavar="FILE", help="JSON scenario; options below override it")
    p.add_argument("--kernel", choices=sorted(kversion.PRESETS),
                   help=f"kernel behaviour (default {kversion.DEFAULT.name})")
    p.add_argument("--lookup", choices=["v4.9", "seed-v5"],
                   help="shorthand: MSI page lookup variant (seed-v5 = --kernel seed-v5)")
    p.add_argument("--irqchip", choices=IRQCHIPS,
                   help="compose through the GICv3 ITS (default), GICv2m, or a raw --doorbell")
    p.add_argument("--doorbell", metavar="ADDR",
                   help="raw doorbell physical address (data = the vector number)")
    p.add_argument("--dma-mask", metavar="MASK",
                   help="default device dma mask (0xffffffff; 0 means 32 bits, as dma_get_mask)")
    p.add_argument("--dma-base", metavar="ADDR", help="iommu_dma_init_domain base (0)")
    p.add_argument("--dma-size", metavar="BYTES", help="iommu_dma_init_domain size (4 GiB)")
    p.add_argument("--ias", metavar="BITS", help="SMMU input address size in bits (48)")
    p.add_argument("--aperture", metavar="START:END", help="domain geometry aperture")
    p.add_argument("--msi-cookie", metavar="BASE",
                   help="VFIO flavour: iommu_get_msi_cookie(domain, BASE) (v4.11+)")
    p.add_argument("--pci", action="store_true",
                   help="devices are PCI functions (dev_is_pci) behind QEMU virt's host "
                        "bridge: its windows are reserved, v4.11+ tries 32-bit IOVAs first")
    p.add_argument("--device", action="append", default=[], metavar="NAME[:SID[:DOMAIN[:MASK]]]")
    p.add_argument("--vector", action="append", default=[], metavar="DEV:N[@DOORBELL]",
                   help="ITS: event id; GICv2m: SPI; raw: message data")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    return p


def main(argv: Optional[list[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        data = load_scenario_file(args.scenario) if args.scenario else {}
        sc = scenario_from_dict(data)
        if args.kernel:
            sc.kernel = args.kernel
        if args.lookup:
            wanted = (kversion.MSI_LOOKUP_SEED_V5 if args.lookup == "seed-v5"
                      else kversion.MSI_LOOKUP_PHYS)
            if sc.kernel is not None and kversion.behaviour(sc.kernel).msi_lookup != wanted:
                raise ScenarioError(f"--lookup {args.lookup} contradicts kernel {sc.kernel}")
            if args.lookup == "seed-v5":
                sc.kernel = kversion.SEED_V5.name
        if args.irqchip:
            sc.irqchip = args.irqchip
        if args.doorbell is not None:
            sc.doorbell = _num(args.doorbell, "--doorbell")
            if not args.irqchip:
                sc.irqchip = "raw"
        for name in ("dma_mask", "dma_base", "dma_size", "msi_cookie"):
            value = getattr(args, name)
            if value is not None:
                setattr(sc, name, _num(value, "--" + name.replace("_", "-")))
        if args.ias is not None:
            sc.ias = _num(args.ias, "--ias")
        if args.pci:
            sc.pci = True
        if args.aperture is not None:
            sc.aperture = _parse_aperture(args.aperture)
        if args.device:
            sc.devices = [_parse_device(d) for d in args.device]
        if args.vector:
            sc.vectors = [_parse_vector(v) for v in args.vector]
        rep = run(sc)
    except (ScenarioError, kversion.UnknownKernelBehaviour, kversion.KernelFeatureMissing,
            M.MsiComposeError, D.DmaIommuError, IovaError, PgtableConfigError) as e:
        print(f"python -m pymodel: error: {e}", file=sys.stderr)
        return 2
    text = json.dumps(rep, indent=2) if args.json else format_report(rep)
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader (e.g. `| head`) went away: stop quietly, as cat does
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as e:
        if e.errno != errno.EPIPE:
            raise
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())

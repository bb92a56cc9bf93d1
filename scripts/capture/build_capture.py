"""Turn a capture run (scripts/capture/boot.py's folder: trace.log, ram.bin,
monitor_regs.json, console.log) into a capture directory in the project's replay format,
the one ../shared/linux61-qemu/gicv3-its/README.md documents:

  mmio_smmu.jsonl mmio_its.jsonl mmio_gicr.jsonl   CPU register accesses, in order
  cmdq_smmu.jsonl cmdq_its.jsonl                   commands read back from queue memory
  translations.jsonl                               every smmuv3_translate_success (+ walk)
  its_events.jsonl / v2m_events.jsonl              every MSI that reached the interrupt side
  memory/<addr>-<size>.bin.gz + memory/index.json  the guest tables at the end (VM stopped)
  summary.json, console.log, cmdline.txt, qemu-version.txt, raw_monitor_regs.json

Only what the replay needs is cut out of RAM: stream table, CDs, page tables, queues,
ITS tables and ITTs (data pages are left out unless --data-pages).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pymodel.hwdefs import its as ITS    # noqa: E402
from pymodel.hwdefs import smmuv3 as V3  # noqa: E402

RAM_BASE = 0x4000_0000
LINE = re.compile(r"^(\d+)@([0-9.]+):(\w+) (.*)$")

SMMU_REGS = ["IDR0", "IDR1", "IDR2", "IDR3", "IDR4", "IDR5", "IIDR", "AIDR", "CR0", "CR0ACK",
             "CR1", "CR2", "STATUSR", "GBPA", "AGBPA", "IRQ_CTRL", "IRQ_CTRLACK", "GERROR",
             "GERRORN", "GERROR_IRQ_CFG0", "GERROR_IRQ_CFG1", "GERROR_IRQ_CFG2", "STRTAB_BASE",
             "STRTAB_BASE_CFG", "CMDQ_BASE", "CMDQ_PROD", "CMDQ_CONS", "EVENTQ_BASE",
             "EVENTQ_IRQ_CFG0", "EVENTQ_IRQ_CFG1", "EVENTQ_IRQ_CFG2"]
SMMU_NAME = {getattr(V3, n): n for n in SMMU_REGS}
SMMU_NAME.update({V3.EVENTQ_PROD: "EVENTQ_PROD", V3.EVENTQ_CONS: "EVENTQ_CONS"})
# 64-bit registers reached as two 32-bit halves are named <REG>_HI at +4.
SMMU_NAME.update({getattr(V3, n) + 4: n + "_HI" for n in
                  ("GERROR_IRQ_CFG0", "STRTAB_BASE", "CMDQ_BASE", "EVENTQ_BASE", "EVENTQ_IRQ_CFG0")})
# Linux 6.1 reaches these through page 1 (arm_smmu_page1_fixup); QEMU's trace folds the page.
SMMU_PAGE1 = {V3.EVENTQ_PROD - V3.PAGE1, V3.EVENTQ_CONS - V3.PAGE1}

ITS_NAME = {ITS.GITS_CTLR: "GITS_CTLR", ITS.GITS_IIDR: "GITS_IIDR", ITS.GITS_TYPER: "GITS_TYPER",
            ITS.GITS_TYPER + 4: "GITS_TYPER_HI", ITS.GITS_CBASER: "GITS_CBASER",
            ITS.GITS_CBASER + 4: "GITS_CBASER_HI", ITS.GITS_CWRITER: "GITS_CWRITER",
            ITS.GITS_CREADR: "GITS_CREADR", 0xFFE8: "GITS_PIDR2"}
ITS_NAME.update({ITS.GITS_BASER0 + ITS.GITS_BASER_STRIDE * n: f"GITS_BASER{n}"
                 for n in range(ITS.GITS_BASER_COUNT)})

GICR_NAME = {0x0: "GICR_CTLR", 0x4: "GICR_IIDR", 0x8: "GICR_TYPER", 0x14: "GICR_WAKER",
             0x70: "GICR_PROPBASER", 0x78: "GICR_PENDBASER", 0xFFE8: "GICR_PIDR2"}

SMMU_OPS = {getattr(V3, n): n[3:].removeprefix("CMD_") for n in dir(V3)
            if n.startswith("OP_") and n != "OP_CFGI_ALL"}
ITS_OPS = {getattr(ITS, n): n[4:] for n in dir(ITS) if n.startswith("CMD_") and
           isinstance(getattr(ITS, n), int) and not any(
               n.endswith(s) for s in ("_LSB", "_W", "_BIT", "_SIZE")) and n != "CMD_SIZE"}


def bits(v: int, lsb: int, width: int) -> int:
    return (v >> lsb) & ((1 << width) - 1)


def smmu_cmd_fields(name: str, q0: int, q1: int) -> dict:
    """The named fields of an SMMUv3 command (IHI 0070 4.1-4.7 layouts, hwdefs.smmuv3)."""
    sid = {"SID": hex(q0 >> V3.CMD0_SID_SHIFT)}
    ssid = {"SSID": hex(bits(q0, V3.CMD0_SSID_SHIFT, 20)), "SSV": bits(q0, V3.CMD0_SSV_BIT, 1)}
    if name == "CFGI_STE_RANGE":
        return {**sid, "RANGE": bits(q1, V3.CMD1_RANGE_SHIFT, 5)}
    if name in ("CFGI_STE", "CFGI_CD"):
        return {**sid, **ssid, "LEAF": bits(q1, V3.CMD1_LEAF_BIT, 1)}
    if name in ("PREFETCH_CONFIG", "CFGI_CD_ALL"):
        return {**sid, **ssid} if name == "PREFETCH_CONFIG" else sid
    if name == "SYNC":
        cs = bits(q0, V3.CMD0_SYNC_CS_SHIFT, 2)
        return {"CS": cs, "CS_name": {0: "SIG_NONE", 1: "SIG_IRQ", 2: "SIG_SEV"}.get(cs, "RESERVED"),
                "MSH": bits(q0, V3.CMD0_SYNC_MSH_SHIFT, 2),
                "MSIATTR": bits(q0, V3.CMD0_SYNC_MSIATTR_SHIFT, 4),
                "MSIDATA": hex(q0 >> V3.CMD0_SYNC_MSIDATA_SHIFT),
                "MSIADDR": hex(bits(q1, V3.CMD1_SYNC_MSIADDR_SHIFT, 50) << 2)}
    if name in ("TLBI_NH_ASID", "TLBI_NH_VA", "TLBI_NH_VAA"):
        f = {"VMID": bits(q0, V3.CMD0_TLBI_VMID_SHIFT, 16), "ASID": q0 >> V3.CMD0_TLBI_ASID_SHIFT}
        if name == "TLBI_NH_ASID":
            return f
        num, scale = bits(q0, V3.CMD0_TLBI_NUM_SHIFT, 5), bits(q0, V3.CMD0_TLBI_SCALE_SHIFT, 5)
        tg = bits(q1, V3.CMD1_TLBI_TG_SHIFT, 2)
        return {**f, "NUM": num, "SCALE": scale, "LEAF": bits(q1, V3.CMD1_LEAF_BIT, 1),
                "TTL": bits(q1, V3.CMD1_TLBI_TTL_SHIFT, 2), "TG": tg,
                "ADDR": hex(q1 & ~0xFFF), "pages": (num + 1) << scale if tg else 1}
    return {}


def its_cmd_fields(name: str, dw: list[int]) -> dict:
    """The named fields of a GICv3 ITS command (IHI 0069 5.3, hwdefs.its)."""
    dev = {"DeviceID": hex(dw[0] >> ITS.CMD_DEVID_LSB)}
    ev = {"EventID": hex(bits(dw[1], ITS.CMD_EVENTID_LSB, ITS.CMD_EVENTID_W))}
    icid = {"ICID": bits(dw[2], ITS.CMD_ICID_LSB, ITS.CMD_ICID_W)}
    rd = hex(bits(dw[2], ITS.CMD_RDBASE_LSB, ITS.CMD_RDBASE_W))
    return {
        "MAPD": lambda: {**dev, "Size": bits(dw[1], ITS.CMD_SIZE_LSB, ITS.CMD_SIZE_W),
                         "ITT_addr": hex(bits(dw[2], ITS.CMD_ITT_LSB, ITS.CMD_ITT_W) << 8),
                         "V": dw[2] >> ITS.CMD_VALID_BIT},
        "MAPC": lambda: {**icid, "RDbase": rd, "V": dw[2] >> ITS.CMD_VALID_BIT},
        "MAPTI": lambda: {**dev, **ev, "pINTID": hex(bits(dw[1], ITS.CMD_PINTID_LSB,
                                                         ITS.CMD_PINTID_W)), **icid},
        "MAPI": lambda: {**dev, **ev, **icid},
        "MOVI": lambda: {**dev, **ev, **icid},
        "SYNC": lambda: {"RDbase": rd},
        "INVALL": lambda: icid,
        "INV": lambda: {**dev, **ev}, "INT": lambda: {**dev, **ev},
        "CLEAR": lambda: {**dev, **ev}, "DISCARD": lambda: {**dev, **ev},
    }.get(name, dict)()


@dataclass
class Event:
    seq: int
    t: float
    tid: int
    name: str
    text: str


def read_trace(path: Path, marker_line: int) -> list[Event]:
    """The guest phase of the trace (lines before the monitor's first access)."""
    out, t0 = [], None
    with open(path, errors="replace") as f:
        for n, line in enumerate(f, 1):
            if n > marker_line:
                break
            m = LINE.match(line.rstrip("\n"))
            if not m:
                continue
            t = float(m.group(2))
            t0 = t if t0 is None else t0
            out.append(Event(n, round(t - t0, 6), int(m.group(1)), m.group(3), m.group(4)))
    return out


def kv(text: str) -> dict[str, str]:
    return dict(re.findall(r"(\w+)=(0x[0-9a-fA-F]+|\d+)", text))


class Ram:
    def __init__(self, path: Path):
        self.data = path.read_bytes()

    def read(self, addr: int, size: int) -> bytes:
        off = addr - RAM_BASE
        if off < 0 or off + size > len(self.data):
            raise ValueError(f"guest address {addr:#x}+{size:#x} is outside RAM")
        return self.data[off:off + size]

    def q(self, addr: int) -> int:
        return int.from_bytes(self.read(addr, 8), "little")


@dataclass
class Capture:
    events: list[Event]
    ram: Ram
    regs: dict[str, list[int]]
    gic: int
    rows: dict[str, list[dict]] = field(default_factory=dict)
    regions: dict[int, dict] = field(default_factory=dict)

    # ------------------------------------------------------------------ registers
    def reg(self, window: str, offset: int, size: int = 4) -> int:
        words = self.regs[window]
        v = words[offset // 4]
        if size == 8:
            v |= words[offset // 4 + 1] << 32
        return v

    # ------------------------------------------------------------------ MMIO
    def mmio(self) -> None:
        smmu, its, gicr = [], [], []
        for e in self.events:
            if e.name in ("smmuv3_read_mmio", "smmuv3_write_mmio"):
                m = re.match(r"addr: (0x[0-9a-f]+) val:(0x[0-9a-f]+) size: (0x[0-9a-f]+)", e.text)
                off, val, size = (int(g, 16) for g in m.groups())
                row = self._row(e, "r" if "read" in e.name else "w", off, size, val)
                if off in SMMU_PAGE1:
                    row["trace_offset"], off = row["offset"], off + V3.PAGE1
                    row["offset"] = hex(off)
                row["reg"] = SMMU_NAME.get(off, f"IMPDEF_{off:#x}")
                smmu.append(row)
            elif e.name in ("gicv3_its_read", "gicv3_its_write", "gicv3_its_badread"):
                m = re.search(r"offset (0x[0-9a-f]+)(?: data (0x[0-9a-f]+))? size (\d+)", e.text)
                off, size = int(m.group(1), 16), int(m.group(3))
                val = int(m.group(2), 16) if m.group(2) else 0
                row = self._row(e, "w" if "write" in e.name else "r", off, size, val)
                row["reg"] = ITS_NAME.get(off, f"{off:#x}")
                if e.name == "gicv3_its_badread":
                    row["bad"] = True
                its.append(row)
            elif e.name in ("gicv3_redist_read", "gicv3_redist_write"):
                m = re.search(r"redistributor (0x[0-9a-f]+) \w+: offset (0x[0-9a-f]+) data "
                              r"(0x[0-9a-f]+) size (\d+) secure (\d)", e.text)
                rd, off, val, size, sec = m.groups()
                row = {"seq": e.seq, "t": e.t, "tid": e.tid, "redist": int(rd, 16),
                       "rw": "r" if "read" in e.name else "w", "offset": hex(int(off, 16)),
                       "size": int(size), "value": hex(int(val, 16)), "secure": int(sec),
                       "reg": GICR_NAME.get(int(off, 16), off)}
                gicr.append(row)
        self.rows.update(mmio_smmu=smmu, mmio_its=its, mmio_gicr=gicr)

    @staticmethod
    def _row(e: Event, rw: str, off: int, size: int, val: int) -> dict:
        return {"seq": e.seq, "t": e.t, "tid": e.tid, "rw": rw, "offset": hex(off),
                "size": size, "value": hex(val)}

    # ------------------------------------------------------------------ command queues
    def smmu_cmdq(self) -> None:
        base_reg = self.reg("smmu", V3.CMDQ_BASE, 8)
        log2 = base_reg & 0x1F
        base = base_reg & (((1 << 52) - 1) & ~0x1F)
        prod = self.reg("smmu", V3.CMDQ_PROD)
        entries = 1 << log2
        wrapped = (prod >> log2) & 1
        n = (prod & (entries - 1)) + (entries if wrapped else 0)
        if n > entries:
            raise ValueError("SMMU command queue wrapped more than once; entries are lost")
        consumed = [e for e in self.events if e.name == "smmuv3_cmdq_opcode"]
        prod_writes = [r for r in self.rows["mmio_smmu"] if r["rw"] == "w" and r["reg"] == "CMDQ_PROD"]
        self.region(base, entries * V3.CMD_BYTES, "smmu_cmdq", entries=entries)
        rows = []
        for i in range(min(n, entries)):
            addr = base + (i % entries) * V3.CMD_BYTES
            q0, q1 = self.ram.q(addr), self.ram.q(addr + 8)
            op = q0 & 0xFF
            name = SMMU_OPS.get(op, f"UNKNOWN_{op:#x}")
            row = {"index": i, "addr": hex(addr), "raw": [hex(q0), hex(q1)], "opcode": hex(op),
                   "name": name, "fields": smmu_cmd_fields(name, q0, q1)}
            if op == V3.OP_CFGI_STE_RANGE and (q1 & 0x1F) == 31:
                row["linux_name"] = "CFGI_ALL"       # arm-smmu-v3.c's name for Range 31
            pub = next((w["seq"] for w in prod_writes
                        if (int(w["value"], 16) & (2 * entries - 1)) > i), None)
            row["published_by_prod_write_seq"] = pub
            if i < len(consumed):
                qn = consumed[i].text.split("SMMU_CMD_", 1)[-1].strip()
                row.update(consumed_seq=consumed[i].seq, qemu_name="SMMU_CMD_" + qn,
                           name_matches_trace=qn == name)
            rows.append(row)
        self.rows["cmdq_smmu"] = rows

    def its_cmdq(self) -> None:
        cbaser = self.reg("its", ITS.GITS_CBASER, 8)
        base = bits(cbaser, ITS.CBASER_PA_LSB, ITS.CBASER_PA_W) << ITS.CBASER_PA_LSB
        size = (bits(cbaser, ITS.CBASER_SIZE_LSB, ITS.CBASER_SIZE_W) + 1) * 4096
        cwriter = self.reg("its", ITS.GITS_CWRITER, 8)
        n = bits(cwriter, ITS.CQ_OFFSET_LSB, ITS.CQ_OFFSET_W)
        processed = [e for e in self.events if e.name == "gicv3_its_process_command"]
        self.region(base, size, "its_cmdq", entries=size // ITS.CMD_SIZE)
        rows = []
        for i in range(n):
            addr = base + i * ITS.CMD_SIZE
            dw = [self.ram.q(addr + 8 * k) for k in range(4)]
            op = dw[0] & 0xFF
            name = ITS_OPS.get(op, f"UNKNOWN_{op:#x}")
            row = {"index": i, "addr": hex(addr), "raw": [hex(d) for d in dw], "opcode": hex(op),
                   "name": name, "fields": its_cmd_fields(name, dw)}
            if i < len(processed):
                m = re.search(r"offset (0x[0-9a-f]+): (0x[0-9a-f]+)", processed[i].text)
                row.update(processed_seq=processed[i].seq,
                           opcode_matches_trace=int(m.group(2), 16) == op)
            rows.append(row)
        self.rows["cmdq_its"] = rows

    # ------------------------------------------------------------------ translations, MSIs
    def translations(self) -> None:
        rows, walk, iotlb = [], {}, {}
        for e in self.events:
            if e.name == "smmu_iotlb_lookup_miss":
                iotlb[e.tid], walk[e.tid] = "miss", []
            elif e.name == "smmu_iotlb_lookup_hit":
                iotlb[e.tid], walk[e.tid] = "hit", []
            elif e.name == "smmu_ptw_level":
                f = kv(e.text)
                pte = int(e.text.rsplit("pte=", 1)[1], 16)
                walk.setdefault(e.tid, []).append(
                    {"level": int(f["level"]), "table": f["baseaddr"], "index": int(f["offset"]),
                     "pte_addr": hex(int(f["baseaddr"], 16) + 8 * int(f["offset"])), "pte": hex(pte)})
            elif e.name == "smmuv3_translate_success":
                f = kv(e.text)
                perm = int(f["perm"], 16)
                row = {"seq": e.seq, "t": e.t, "tid": e.tid, "sid": hex(int(f["sid"], 16)),
                       "iova": hex(int(f["iova"], 16)), "pa": hex(int(f["translated"], 16)),
                       "perm": perm, "perm_name": {1: "RO", 2: "WO", 3: "RW"}.get(perm, str(perm)),
                       "iotlb": iotlb.pop(e.tid, None)}
                w = walk.pop(e.tid, [])
                if w:
                    row["walk"] = w
                row["rw"], row["rw_basis"] = (("r", "leaf is read-only") if perm == 1 else
                                              (None, "unknown (QEMU 7.2 traces the leaf "
                                                     "permission, not the access type)"))
                rows.append(row)
        self.rows["translations"] = rows

    def msis(self) -> None:
        last_tr = {}
        by_seq = {r["seq"]: r for r in self.rows["translations"]}
        rows, pending = [], {}
        acks = [e for e in self.events if e.name == "gicv3_icc_iar1_read"]
        for e in self.events:
            if e.name == "smmuv3_translate_success":
                last_tr[e.tid] = by_seq[e.seq]
            elif e.name == "gicv3_its_translation_write":
                m = re.search(r"offset (0x[0-9a-f]+) data (0x[0-9a-f]+) size (\d+) requester_id "
                              r"(0x[0-9a-f]+)", e.text)
                off, data, size, rid = m.groups()
                tr = last_tr.get(e.tid)
                row = {"seq": e.seq, "t": e.t, "tid": e.tid, "devid": hex(int(rid, 16)),
                       "eventid": hex(int(data, 16)), "translater_offset": off, "size": int(size)}
                if tr is not None:
                    tr["rw"], tr["rw_basis"] = "w", "MSI doorbell write"
                    row.update(msi_iova=tr["iova"], msi_pa=tr["pa"], smmu_sid=tr["sid"],
                               translation_seq=tr["seq"])
                pending[e.tid] = row
                rows.append(row)
            elif e.name == "gicv3_its_dte_read" and e.tid in pending:
                f = re.search(r"valid (\d) size (0x[0-9a-f]+) ITTaddr (0x[0-9a-f]+)", e.text)
                pending[e.tid].update(dte_valid=int(f.group(1)), dte_size=int(f.group(2), 16),
                                      itt_addr=f.group(3))
            elif e.name == "gicv3_its_ite_read" and e.tid in pending:
                f = re.search(r"valid (\d) inttype \d intid (0x[0-9a-f]+) ICID (0x[0-9a-f]+)", e.text)
                pending[e.tid].update(ite_valid=int(f.group(1)), intid=hex(int(f.group(2), 16)),
                                      icid=int(f.group(3), 16))
            elif e.name == "gicv3_its_cte_read" and e.tid in pending:
                f = re.search(r"valid (\d) RDBase (0x[0-9a-f]+)", e.text)
                row = pending.pop(e.tid)
                row.update(cte_valid=int(f.group(1)), rdbase=f.group(2))
                intid = int(row.get("intid", "-1"), 16)
                row["acked_by_iar1_seq"] = next(
                    (a.seq for a in acks if a.seq > row["seq"] and int(a.text.rsplit(" ", 1)[1], 16)
                     == intid), None)
        self.rows["its_events"] = rows

    def v2m_msis(self) -> None:
        """GICv2m: QEMU traces no frame access, so an MSI is a translation whose PA is the
        frame's MSI_SETSPI_NS followed, on the same thread, by the SPI it raised."""
        doorbell = 0x0802_0040
        rows, pending = [], {}
        for e in self.events:
            if e.name == "smmuv3_translate_success":
                f = kv(e.text)
                if int(f["translated"], 16) == doorbell:
                    tr = next(r for r in reversed(self.rows["translations"]) if r["seq"] == e.seq)
                    tr["rw"], tr["rw_basis"] = "w", "MSI doorbell write"
                    pending[e.tid] = {"seq": e.seq, "t": e.t, "tid": e.tid, "smmu_sid": tr["sid"],
                                      "msi_iova": tr["iova"], "msi_pa": tr["pa"],
                                      "translation_seq": e.seq}
            elif e.name == "gic_set_irq" and e.tid in pending:
                m = re.search(r"irq (\d+) level (\d)", e.text)
                if m and m.group(2) == "1":
                    row = pending.pop(e.tid)
                    row["spi"] = int(m.group(1))
                    rows.append(row)
        self.rows["v2m_events"] = rows

    # ------------------------------------------------------------------ memory regions
    def region(self, addr: int, size: int, kind: str, **info) -> None:
        if addr in self.regions:
            self.regions[addr].setdefault("also", []).append({"kind": kind, **info})
            return
        self.regions[addr] = {"addr": hex(addr), "size": size, "kind": kind, **info}

    def smmu_tables(self, data_pages: bool) -> dict:
        strtab = self.reg("smmu", V3.STRTAB_BASE, 8)
        cfg = self.reg("smmu", V3.STRTAB_BASE_CFG)
        base = strtab & ((1 << 52) - 1) & ~0x3F
        log2size, split, fmt = cfg & 0x3F, (cfg >> 6) & 0x1F, (cfg >> 16) & 0x3
        stes = []                                      # (sid, address)
        if fmt == 1:                                   # 2-level
            n_l1 = 1 << max(log2size - split, 0)
            self.region(base, n_l1 * 8, "smmu_strtab_l1", entries=n_l1, split=split)
            for i in range(n_l1):
                d = self.ram.q(base + 8 * i)
                span = d & 0x1F
                if span:
                    l2 = d & ((1 << 52) - 1) & ~0x3F
                    n = 1 << (span - 1)
                    self.region(l2, n * 64, "smmu_strtab_l2", l1_index=i,
                                first_sid=hex(i << split), entries=n)
                    stes += [((i << split) + k, l2 + 64 * k) for k in range(n)]
        else:
            n = 1 << log2size
            self.region(base, n * 64, "smmu_strtab_linear", entries=n)
            stes = [(k, base + 64 * k) for k in range(n)]
        translating = []
        for sid, addr in stes:
            q0 = self.ram.q(addr)
            if q0 & 1 and bits(q0, V3.STE0_CONFIG_SHIFT, 3) == 0b101:
                cd = q0 & ((1 << 52) - 1) & ~0x3F
                self.region(cd, 64, "smmu_cd_table", sid=hex(sid), entries=1)
                c = [self.ram.q(cd + 8 * k) for k in range(8)]
                asid = c[0] >> 48
                ttb0 = c[1] & ((1 << 52) - 1) & ~0xF
                t0sz = c[0] & 0x3F
                self._pgtable(ttb0, 0 if t0sz <= 24 else 1, 0, hex(sid), asid, data_pages,
                              start_level=max(0, (t0sz - 16) // 9))
                translating.append({"sid": hex(sid), "ste": [hex(self.ram.q(addr + 8 * k))
                                                             for k in range(8)],
                                    "cd": [hex(x) for x in c], "asid": asid, "ttb0": hex(ttb0),
                                    "t0sz": t0sz, "mair": hex(c[3])})
        cmdq = self.reg("smmu", V3.CMDQ_BASE, 8)
        evtq = self.reg("smmu", V3.EVENTQ_BASE, 8)
        eb = evtq & ((1 << 52) - 1) & ~0x1F
        self.region(eb, (1 << (evtq & 0x1F)) * 32, "smmu_evtq", entries=1 << (evtq & 0x1F))
        return {"STRTAB_BASE": hex(strtab), "STRTAB_BASE_CFG": hex(cfg), "CMDQ_BASE": hex(cmdq),
                "EVENTQ_BASE": hex(evtq), "translating_stes": translating}

    def _pgtable(self, table: int, level: int, iova_base: int, sid: str, asid: int,
                 data_pages: bool, start_level: int) -> None:
        level = max(level, start_level)
        self.region(table, 4096, "smmu_pgtable", sid=sid, asid=asid, level=level,
                    iova_base=hex(iova_base))
        shift = 39 - 9 * level
        for i in range(512):
            d = self.ram.q(table + 8 * i)
            if not d & 1:
                continue
            out = d & ((1 << 48) - 1) & ~0xFFF
            va = iova_base + (i << shift)
            if level < 3 and d & 2:
                self._pgtable(out, level + 1, va, sid, asid, data_pages, start_level)
            elif level == 3 and data_pages and out >= RAM_BASE and out < RAM_BASE + len(self.ram.data):
                self.region(out, 4096, "smmu_leaf_target_page", sid=sid, asid=asid, iova=hex(va))

    def its_tables(self) -> dict:
        basers = [self.reg("its", ITS.GITS_BASER0 + 8 * n, 8) for n in range(8)]
        for n, b in enumerate(basers):
            if not b >> ITS.BASER_VALID_BIT & 1:
                continue
            kind = {1: "its_device_table", 4: "its_collection_table"}.get(
                bits(b, ITS.BASER_TYPE_LSB, ITS.BASER_TYPE_W), f"its_table{n}")
            psz = {0: 4096, 1: 16384, 2: 65536}[bits(b, 8, 2)]
            size = (bits(b, 0, 8) + 1) * psz
            addr = bits(b, 12, 36) << 12
            esz = bits(b, ITS.BASER_ENTRY_SIZE_LSB, 5) + 1
            indirect = b >> ITS.BASER_INDIRECT_BIT & 1
            self.region(addr, size, kind + ("_l1" if indirect else ""), entries=size // (8 if indirect else esz))
            if indirect:
                for i in range(size // 8):
                    d = self.ram.q(addr + 8 * i)
                    if d >> 63:
                        self.region(bits(d, 12, 36) << 12, psz, kind + "_l2", l1_index=i,
                                    first_id=hex(i * psz // esz), entries=psz // esz)
        for row in self.rows.get("cmdq_its", []):
            if row["name"] == "MAPD" and row["fields"]["V"]:
                size = max(256, (1 << (row["fields"]["Size"] + 1)) * 8)
                self.region(int(row["fields"]["ITT_addr"], 16), size, "its_itt_from_mapd",
                            devid=row["fields"]["DeviceID"],
                            note="ITT address named by a MAPD command; may be stale at the end")
        propbaser, pendbaser = self.reg("gicr", 0x70, 8), self.reg("gicr", 0x78, 8)
        idbits = (propbaser & 0x1F) + 1
        if propbaser:
            self.region(bits(propbaser, 12, 40) << 12, (1 << idbits) - 8192,
                        "gicr_lpi_config_table", first_intid=8192)
        if pendbaser:
            self.region(bits(pendbaser, 16, 36) << 16, 8192, "gicr_lpi_pending_table")
        return {"GITS_BASER": [hex(b) for b in basers],
                "GITS_CBASER": hex(self.reg("its", ITS.GITS_CBASER, 8)),
                "GITS_TYPER": hex(self.reg("its", ITS.GITS_TYPER, 8))}

    def write_memory(self, out: Path) -> None:
        mem = out / "memory"
        mem.mkdir(parents=True, exist_ok=True)
        regions = []
        for addr in sorted(self.regions):
            r = self.regions[addr]
            r["file"] = f"{addr:x}-{r['size']:x}.bin.gz"
            (mem / r["file"]).write_bytes(gzip.compress(self.ram.read(addr, r["size"]), 9, mtime=0))
            regions.append({"file": r.pop("file"), **r})
        self.index["regions"] = regions
        (mem / "index.json").write_text(json.dumps(self.index, indent=1) + "\n")


def write_jsonl(path: Path, rows: list[dict], pack: bool = False) -> None:
    text = "".join(json.dumps(r) + "\n" for r in rows)
    if pack:
        path.with_suffix(".jsonl.gz").write_bytes(gzip.compress(text.encode(), 9, mtime=0))
    else:
        path.write_text(text)


def build(run: Path, out: Path, *, data_pages: bool = False, keep_trace: bool = False,
          pack: bool = False) -> dict:
    """pack: gzip the jsonl files (tb/replay/capture.py reads both), for captures kept in
    the repository."""
    mon = json.loads((run / "monitor_regs.json").read_text())
    regs = {k: [int(x, 16) for x in v if not x.startswith("base=")] for k, v in mon["regs"].items()}
    gic = 3 if "its" in regs else 2
    cap = Capture(read_trace(run / "trace.log", mon["marker_line"]), Ram(run / "ram.bin"), regs, gic)
    cap.mmio()
    cap.smmu_cmdq()
    cap.translations()
    if gic == 3:
        cap.its_cmdq()
        cap.msis()
    else:
        cap.v2m_msis()
    smmu = cap.smmu_tables(data_pages)          # records the regions once
    roots = {"SMMU_" + k: v for k, v in smmu.items() if k in ("STRTAB_BASE", "STRTAB_BASE_CFG")}
    state = {"smmu": smmu}
    if gic == 3:
        roots.update(cap.its_tables())
    cap.index = {"note": "guest-physical regions cut from one pmemsave of all RAM taken with the "
                         "VM stopped; file = <hexaddr>-<hexsize>.bin.gz", "roots": roots}
    out.mkdir(parents=True, exist_ok=True)
    cap.write_memory(out)
    for name, rows in cap.rows.items():
        write_jsonl(out / f"{name}.jsonl", rows, pack)
    for src, dst in (("console.log", "console.log"), ("cmdline.txt", "raw_cmdline.txt"),
                     ("qemu-version.txt", "raw_qemu-version.txt"),
                     ("monitor_regs.json", "raw_monitor_regs.json")):
        shutil.copy(run / src, out / dst)
    if keep_trace:
        with open(run / "trace.log", "rb") as f:
            (out / "trace.log.gz").write_bytes(gzip.compress(f.read(), 6, mtime=0))
    state["smmu"]["regs"] = {n: hex(cap.reg("smmu", getattr(V3, n))) for n in SMMU_REGS
                             if getattr(V3, n) < 0x100}
    state["pci"] = mon.get("pci", {})
    state["smmu"]["IDR"] = [hex(cap.reg("smmu", getattr(V3, f"IDR{n}"))) for n in range(6)]
    # the kernel log as the serial console printed it (console=ttyAMA0)
    console = (run / "console.log").read_text(errors="replace")
    (out / "dmesg.txt").write_text("".join(line + "\n" for line in console.splitlines()
                                           if line.startswith("[")))
    (out / "final_state.json").write_text(json.dumps(state, indent=1) + "\n")
    summary = {"gic": gic, "boot_to_idle_s": mon.get("boot_to_idle_s"),
               "marker_seq": mon["marker_line"], "memory_regions": len(cap.regions),
               **{k: len(v) for k, v in cap.rows.items()}}
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", type=Path, help="boot.py's run folder")
    ap.add_argument("out", type=Path, help="capture directory to write")
    ap.add_argument("--data-pages", action="store_true", help="also dump the mapped data pages")
    ap.add_argument("--keep-trace", action="store_true", help="also keep trace.log.gz")
    ap.add_argument("--pack", action="store_true", help="gzip the jsonl files")
    a = ap.parse_args(argv)
    print(json.dumps(build(a.run, a.out, data_pages=a.data_pages, keep_trace=a.keep_trace,
                           pack=a.pack)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

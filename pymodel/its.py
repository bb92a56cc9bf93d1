"""GICv3 ITS golden model, in the vocabulary of drivers/irqchip/irq-gic-v3-its.c (v4.9).

Two halves:

* ``its_node`` -- the driver. It allocates the command queue and the device table
  (``its_alloc_cmd_queue`` / ``its_alloc_tables``), creates devices and their ITTs
  (``its_create_device``), hands out LPIs (``its_lpi_alloc_chunks``,
  ``its_alloc_device_irq``), builds the 32-byte commands into the command queue held
  in a :class:`~pymodel.memory.MemoryImage` (``its_build_*_cmd``,
  ``its_send_*``) and advances its copy of GITS_CWRITER as ``its_post_commands``
  does. It never touches MMIO itself: the testbench writes ``its.cwriter_value()``
  to GITS_CWRITER and waits on GITS_CREADR (``its_wait_for_range_completion``).
* ``ItsReference`` -- an architectural reference translator. It decodes every
  command the driver queues (from the bytes, so it also checks the encoding), keeps
  its own device/ITT/collection state (it never reads the tables the RTL writes) and
  predicts, for each doorbell write (DeviceID, EventID), the LPI (INTID, target) or
  the drop and which counter it bumps; for a malformed command it predicts the
  command error that stalls the queue.

Field positions, opcodes and table formats come from pymodel.hwdefs.its.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional

from pymodel.hwdefs import its as H
from pymodel.memory import MemoryImage, TablePageAllocator

SZ_4K = 4096
SZ_64K = 1 << 16
ITS_CMD_QUEUE_SZ = SZ_64K           # v4.9: 64 KiB command queue
ITS_ITT_ALIGN = 256
IRQS_PER_CHUNK = 32                 # v4.9 its_lpi_alloc_chunks granule
U64 = (1 << 64) - 1


class ItsError(ValueError):
    """A driver-model request the kernel would refuse (bad argument, no room)."""


def _field(value: int, lsb: int, width: int) -> int:
    if value < 0 or value >= (1 << width):
        raise ItsError(f"value {value:#x} does not fit a {width}-bit field at bit {lsb}")
    return value << lsb


def _get(dw: int, lsb: int, width: int) -> int:
    return (dw >> lsb) & ((1 << width) - 1)


def roundup_pow_of_two(n: int) -> int:
    return 1 << (n - 1).bit_length() if n > 1 else 1


def ilog2(n: int) -> int:
    return n.bit_length() - 1


# --- command building (its_encode_* / its_build_*_cmd) --------------------------------
@dataclass
class its_cmd_block:
    """One 32-byte command: raw_cmd[0..3] little-endian doublewords."""

    raw_cmd: list[int] = field(default_factory=lambda: [0, 0, 0, 0])

    def to_bytes(self) -> bytes:
        return b"".join((dw & U64).to_bytes(8, "little") for dw in self.raw_cmd)

    @classmethod
    def from_bytes(cls, data: bytes) -> "its_cmd_block":
        if len(data) != H.CMD_SIZE:
            raise ItsError(f"a command is {H.CMD_SIZE} bytes, got {len(data)}")
        return cls([int.from_bytes(data[i:i + 8], "little") for i in range(0, 32, 8)])

    # its_encode_* in the driver
    def encode_cmd(self, nr: int) -> None:
        self.raw_cmd[0] |= _field(nr, H.CMD_OPCODE_LSB, H.CMD_OPCODE_W)

    def encode_devid(self, devid: int) -> None:
        self.raw_cmd[0] |= _field(devid, H.CMD_DEVID_LSB, H.CMD_DEVID_W)

    def encode_event_id(self, event: int) -> None:
        self.raw_cmd[1] |= _field(event, H.CMD_EVENTID_LSB, H.CMD_EVENTID_W)

    def encode_phys_id(self, phys: int) -> None:
        self.raw_cmd[1] |= _field(phys, H.CMD_PINTID_LSB, H.CMD_PINTID_W)

    def encode_size(self, size: int) -> None:
        self.raw_cmd[1] |= _field(size, H.CMD_SIZE_LSB, H.CMD_SIZE_W)

    def encode_itt(self, itt_addr: int) -> None:
        self.raw_cmd[2] |= _field(itt_addr >> 8, H.CMD_ITT_LSB, H.CMD_ITT_W)

    def encode_valid(self, valid: bool) -> None:
        self.raw_cmd[2] |= int(bool(valid)) << H.CMD_VALID_BIT

    def encode_target(self, target_addr: int) -> None:
        self.raw_cmd[2] |= _field(target_addr >> 16, H.CMD_RDBASE_LSB, H.CMD_RDBASE_W)

    def encode_collection(self, col: int) -> None:
        self.raw_cmd[2] |= _field(col, H.CMD_ICID_LSB, H.CMD_ICID_W)


def its_build_mapd_cmd(devid: int, size: int, itt_addr: int, valid: bool) -> its_cmd_block:
    """its_build_mapd_cmd: size is the EventID bits minus one."""
    c = its_cmd_block()
    c.encode_cmd(H.CMD_MAPD)
    c.encode_devid(devid)
    c.encode_size(size)
    c.encode_itt(itt_addr)
    c.encode_valid(valid)
    return c


def its_build_mapc_cmd(col_id: int, target_address: int, valid: bool) -> its_cmd_block:
    """its_build_mapc_cmd: target_address is RDbase << 16 (processor number, PTA=0)."""
    c = its_cmd_block()
    c.encode_cmd(H.CMD_MAPC)
    c.encode_collection(col_id)
    c.encode_target(target_address)
    c.encode_valid(valid)
    return c


def its_build_mapti_cmd(devid: int, event: int, phys_id: int, col_id: int) -> its_cmd_block:
    """its_build_mapvi_cmd (MAPVI is MAPTI's older name)."""
    c = its_cmd_block()
    c.encode_cmd(H.CMD_MAPTI)
    c.encode_devid(devid)
    c.encode_event_id(event)
    c.encode_phys_id(phys_id)
    c.encode_collection(col_id)
    return c


def its_build_mapi_cmd(devid: int, event: int, col_id: int) -> its_cmd_block:
    c = its_cmd_block()
    c.encode_cmd(H.CMD_MAPI)
    c.encode_devid(devid)
    c.encode_event_id(event)
    c.encode_collection(col_id)
    return c


def its_build_movi_cmd(devid: int, event: int, col_id: int) -> its_cmd_block:
    c = its_cmd_block()
    c.encode_cmd(H.CMD_MOVI)
    c.encode_devid(devid)
    c.encode_event_id(event)
    c.encode_collection(col_id)
    return c


def _build_dev_event(opcode: int, devid: int, event: int) -> its_cmd_block:
    c = its_cmd_block()
    c.encode_cmd(opcode)
    c.encode_devid(devid)
    c.encode_event_id(event)
    return c


def its_build_discard_cmd(devid: int, event: int) -> its_cmd_block:
    return _build_dev_event(H.CMD_DISCARD, devid, event)


def its_build_int_cmd(devid: int, event: int) -> its_cmd_block:
    return _build_dev_event(H.CMD_INT, devid, event)


def its_build_clear_cmd(devid: int, event: int) -> its_cmd_block:
    return _build_dev_event(H.CMD_CLEAR, devid, event)


def its_build_inv_cmd(devid: int, event: int) -> its_cmd_block:
    return _build_dev_event(H.CMD_INV, devid, event)


def its_build_invall_cmd(col_id: int) -> its_cmd_block:
    c = its_cmd_block()
    c.encode_cmd(H.CMD_INVALL)
    c.encode_collection(col_id)
    return c


def its_build_sync_cmd(target_address: int) -> its_cmd_block:
    c = its_cmd_block()
    c.encode_cmd(H.CMD_SYNC)
    c.encode_target(target_address)
    return c


# --- the reference translator ----------------------------------------------------------
@dataclass(frozen=True)
class Lpi:
    """An interrupt leaving the ITS: physical INTID and target (processor number).
    It has left when the redistributor has taken it (lpi_valid && lpi_ready): INT
    completes, and SYNC completes, only after that (docs/its.md)."""

    intid: int
    target: int


@dataclass(frozen=True)
class Drop:
    """A doorbell write the ITS drops; kind names the counter it bumps."""

    kind: str   # one of DROP_COUNTERS


DROP_COUNTERS = {
    "unmapped_device": H.GITS_IMPDEF_DROP_UNMAPPED_DEVICE,
    "event_oor": H.GITS_IMPDEF_DROP_EVENT_OOR,
    "unmapped_event": H.GITS_IMPDEF_DROP_UNMAPPED_EVENT,
    "unmapped_collection": H.GITS_IMPDEF_DROP_UNMAPPED_COLL,
    "disabled": H.GITS_IMPDEF_DROP_DISABLED,
    "bus_error": H.GITS_IMPDEF_DROP_BUS_ERROR,
}


@dataclass(frozen=True)
class ItsConfig:
    """What GITS_TYPER and the tables give the reference to check ranges against."""

    devbits: int = 16            # DeviceID bits (GITS_TYPER.Devbits + 1)
    event_bits: int = 16         # EventID bits (GITS_TYPER.ID_bits + 1)
    lpi_bits: int = 16           # physical INTID bits
    num_collections: int = 16    # GITS_TYPER.HCC
    num_redistributors: int = 16  # processors: RDbase (PTA = 0) must be below this
    dt_entries: int = 1 << 16    # device table entries (BASER0 pages * 512)
    dt_base: int = 0             # device table address (GITS_BASER0 PA)


@dataclass
class ItsReference:
    """Architectural state after every command so far; predicts translations."""

    config: ItsConfig = field(default_factory=ItsConfig)
    enabled: bool = True
    devices: dict[int, tuple[int, int]] = field(default_factory=dict)  # devid -> (size, ITT)
    # ITT contents live in memory, keyed by (ITT address, EventID) -> (pINTID, ICID):
    # a device unmapped and mapped again on the same ITT finds its old entries.
    itt: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    collections: dict[int, int] = field(default_factory=dict)      # icid -> target
    stalled_error: Optional[int] = None
    drops: dict[str, int] = field(default_factory=lambda: {k: 0 for k in DROP_COUNTERS})
    translated: int = 0
    commands_done: int = 0
    int_lpis: list[Lpi] = field(default_factory=list)               # raised by INT
    # Bus errors the memory system will return: byte addresses whose reads / writes
    # fail (a command fetch, table read or table write touching one gets an error).
    # The testbench shares these sets with its FaultyMemory; set them before queueing
    # the commands or sending the doorbells they should affect.
    read_errors: set[int] = field(default_factory=set)
    write_errors: set[int] = field(default_factory=set)
    # (DeviceID, EventID) pairs whose translation the ITS may hold in its translation
    # cache (translated since the last invalidation that covers them): such a doorbell
    # may not read the tables at all, so with a failing table address the reference
    # cannot predict it and says so (ItsError).
    maybe_cached: set[tuple[int, int]] = field(default_factory=set)

    @staticmethod
    def _hits(errors: set[int], addr: int, nbytes: int = H.ENTRY_BYTES) -> bool:
        return any(addr <= a < addr + nbytes for a in errors)

    def dte_addr(self, devid: int) -> int:
        return self.config.dt_base + devid * H.ENTRY_BYTES

    @staticmethod
    def itte_addr(itt_addr: int, event: int) -> int:
        return itt_addr + event * H.ENTRY_BYTES

    # ---- commands -------------------------------------------------------------------
    def apply(self, cmd: its_cmd_block | bytes, fetch_addr: Optional[int] = None) -> Optional[int]:
        """Execute one command. Returns None, or the command error code
        ((opcode << 8) | CMDERR_*) with which the ITS stalls (state unchanged).
        `fetch_addr` is where the command sits in the queue: if its fetch touches
        read_errors the command is never decoded and the code is BUS_ERROR with
        opcode 0."""
        if isinstance(cmd, (bytes, bytearray)):
            cmd = its_cmd_block.from_bytes(bytes(cmd))
        if self.stalled_error is not None:
            raise ItsError("reference is stalled: resolve with retry() first")
        if fetch_addr is not None and self._hits(self.read_errors, fetch_addr, H.CMD_SIZE):
            self.stalled_error = H.CMDERR_BUS_ERROR
            return self.stalled_error
        err = self._execute(cmd)
        if err is None:
            self.commands_done += 1
            self._invalidate(cmd)
            return None
        code = (_get(cmd.raw_cmd[0], H.CMD_OPCODE_LSB, H.CMD_OPCODE_W) << 8) | err
        self.stalled_error = code
        return code

    def retry(self) -> None:
        """GITS_CWRITER.Retry: the stalled command is fetched again (apply it again)."""
        self.stalled_error = None

    def _invalidate(self, c: its_cmd_block) -> None:
        """What a completed command drops from the translation cache."""
        op = _get(c.raw_cmd[0], H.CMD_OPCODE_LSB, H.CMD_OPCODE_W)
        devid = _get(c.raw_cmd[0], H.CMD_DEVID_LSB, H.CMD_DEVID_W)
        event = _get(c.raw_cmd[1], H.CMD_EVENTID_LSB, H.CMD_EVENTID_W)
        if op == H.CMD_MAPD:
            self.maybe_cached = {k for k in self.maybe_cached if k[0] != devid}
        elif op in (H.CMD_MAPTI, H.CMD_MAPI, H.CMD_MOVI, H.CMD_DISCARD, H.CMD_INV):
            self.maybe_cached.discard((devid, event))
        elif op == H.CMD_INVALL:
            self.maybe_cached.clear()

    def _execute(self, c: its_cmd_block) -> Optional[int]:
        cfg = self.config
        dw0, dw1, dw2 = c.raw_cmd[0], c.raw_cmd[1], c.raw_cmd[2]
        op = _get(dw0, H.CMD_OPCODE_LSB, H.CMD_OPCODE_W)
        devid = _get(dw0, H.CMD_DEVID_LSB, H.CMD_DEVID_W)
        event = _get(dw1, H.CMD_EVENTID_LSB, H.CMD_EVENTID_W)
        icid = _get(dw2, H.CMD_ICID_LSB, H.CMD_ICID_W)
        rdbase = _get(dw2, H.CMD_RDBASE_LSB, H.CMD_RDBASE_W)
        valid = bool(_get(dw2, H.CMD_VALID_BIT, 1))
        dev_oor = devid >= (1 << cfg.devbits) or devid >= cfg.dt_entries

        if op == H.CMD_MAPD:
            size = _get(dw1, H.CMD_SIZE_LSB, H.CMD_SIZE_W)
            if dev_oor:
                return H.CMDERR_DEVICE_OOR
            if valid and size >= cfg.event_bits:
                return H.CMDERR_ITTSIZE_OOR
            if self._hits(self.write_errors, self.dte_addr(devid)):
                return H.CMDERR_BUS_ERROR
            if valid:
                itt_addr = _get(dw2, H.CMD_ITT_LSB, H.CMD_ITT_W) << 8
                self.devices[devid] = (size, itt_addr)
            else:
                self.devices.pop(devid, None)
            return None
        if op == H.CMD_MAPC:
            if icid >= cfg.num_collections:
                return H.CMDERR_COLLECTION_OOR
            if valid and rdbase >= cfg.num_redistributors:
                return H.CMDERR_RDBASE_OOR
            if valid:
                self.collections[icid] = rdbase
            else:
                self.collections.pop(icid, None)
            return None
        if op == H.CMD_INVALL:
            if icid >= cfg.num_collections:
                return H.CMDERR_COLLECTION_OOR
            if icid not in self.collections:
                return H.CMDERR_UNMAPPED_COLLECTION
            return None
        if op == H.CMD_SYNC:
            return H.CMDERR_RDBASE_OOR if rdbase >= cfg.num_redistributors else None
        if op == H.CMD_MOVALL:                       # RDbase1 in DW2, RDbase2 in DW3
            rdbase2 = _get(c.raw_cmd[3], H.CMD_RDBASE_LSB, H.CMD_RDBASE_W)
            if rdbase >= cfg.num_redistributors or rdbase2 >= cfg.num_redistributors:
                return H.CMDERR_RDBASE_OOR
            return None
        if op not in (H.CMD_MAPTI, H.CMD_MAPI, H.CMD_MOVI, H.CMD_DISCARD, H.CMD_INT,
                      H.CMD_CLEAR, H.CMD_INV):
            return H.CMDERR_UNKNOWN_COMMAND
        # commands on one (DeviceID, EventID)
        # memory accesses in order: DTE read, [ITTE read], [ITTE write]
        if dev_oor:
            return H.CMDERR_DEVICE_OOR
        if self._hits(self.read_errors, self.dte_addr(devid)):
            return H.CMDERR_BUS_ERROR
        if devid not in self.devices:
            return H.CMDERR_UNMAPPED_DEVICE
        size, itt_addr = self.devices[devid]
        if event >= (1 << (size + 1)):
            return H.CMDERR_ID_OOR
        key = (itt_addr, event)
        itte = self.itte_addr(itt_addr, event)
        if op in (H.CMD_MAPTI, H.CMD_MAPI):
            pintid = event if op == H.CMD_MAPI else _get(dw1, H.CMD_PINTID_LSB, H.CMD_PINTID_W)
            if pintid < H.LPI_MIN_INTID or pintid >= (1 << cfg.lpi_bits):
                return H.CMDERR_PHYSICALID_OOR
            if icid >= cfg.num_collections:
                return H.CMDERR_COLLECTION_OOR
            if self._hits(self.write_errors, itte):
                return H.CMDERR_BUS_ERROR
            self.itt[key] = (pintid, icid)
            return None
        if op == H.CMD_MOVI and icid >= cfg.num_collections:
            return H.CMDERR_COLLECTION_OOR
        if self._hits(self.read_errors, itte):
            return H.CMDERR_BUS_ERROR
        entry = self.itt.get(key)
        if entry is None:
            return H.CMDERR_UNMAPPED_INTERRUPT
        if op == H.CMD_MOVI:
            if icid not in self.collections:
                return H.CMDERR_UNMAPPED_COLLECTION
            if self._hits(self.write_errors, itte):
                return H.CMDERR_BUS_ERROR
            self.itt[key] = (entry[0], icid)
            return None
        if op == H.CMD_DISCARD:
            if self._hits(self.write_errors, itte):
                return H.CMDERR_BUS_ERROR
            del self.itt[key]
            return None
        if entry[1] not in self.collections:            # INT, CLEAR, INV
            return H.CMDERR_UNMAPPED_COLLECTION
        if op == H.CMD_INT:
            self.int_lpis.append(Lpi(entry[0], self.collections[entry[1]]))
        return None

    # ---- register writes that change what the ITS may translate -----------------------
    def its_disable(self) -> None:
        """GITS_CTLR.Enabled written 0: doorbells are dropped, and the ITS keeps no
        cached translation (it may be re-based before it is enabled again)."""
        self.enabled = False
        self.maybe_cached.clear()

    def its_enable(self) -> None:
        self.enabled = True

    def its_baser_device(self, dt_base: int, dt_entries: int, valid: bool) -> None:
        """GITS_BASER0 written (ITS disabled) with a device table software has just
        allocated zeroed (its_alloc_tables), or with Valid = 0: no device is mapped."""
        if self.enabled:
            raise ItsError("GITS_BASER0 written while GITS_CTLR.Enabled = 1 (ignored by the ITS)")
        self.config = replace(self.config, dt_base=dt_base,
                              dt_entries=dt_entries if valid else 0)
        self.devices.clear()

    def itt_zeroed(self, itt_addr: int, nbytes: int) -> None:
        """Memory [itt_addr, +nbytes) was (re)allocated zeroed: forget its entries."""
        lo, hi = itt_addr, itt_addr + nbytes
        self.itt = {k: v for k, v in self.itt.items()
                    if not lo <= k[0] + k[1] * H.ENTRY_BYTES < hi}

    # ---- translation ----------------------------------------------------------------
    def translate(self, devid: int, event: int) -> Lpi | Drop:
        """Predict a write of `event` to GITS_TRANSLATER by DeviceID `devid`."""
        result = self._translate(devid, event)
        if isinstance(result, Drop):
            self.drops[result.kind] += 1
        else:
            self.translated += 1
        return result

    def _translate(self, devid: int, event: int) -> Lpi | Drop:
        if not self.enabled:
            return Drop("disabled")
        if devid >= self.config.dt_entries:
            return Drop("unmapped_device")
        # the table walk: DTE read, checks, ITTE read (skipped on a cache hit, which
        # gives the same answer unless one of those reads would fail)
        dev = self.devices.get(devid)
        reads = [self.dte_addr(devid)]
        if dev is not None and event < (1 << (dev[0] + 1)):
            reads.append(self.itte_addr(dev[1], event))
        if (devid, event) in self.maybe_cached and any(
                self._hits(self.read_errors, a) for a in reads):
            raise ItsError(f"doorbell ({devid:#x}, {event}) may hit the translation cache, "
                           "so whether its failing table read happens is unknown")
        if self._hits(self.read_errors, reads[0]):
            return Drop("bus_error")
        if dev is None:
            return Drop("unmapped_device")
        size, itt_addr = dev
        if event >= (1 << (size + 1)):
            return Drop("event_oor")
        if self._hits(self.read_errors, reads[1]):
            return Drop("bus_error")
        entry = self.itt.get((itt_addr, event))
        if entry is None:
            return Drop("unmapped_event")
        self.maybe_cached.add((devid, event))       # a valid ITTE fills the cache
        pintid, icid = entry
        if icid not in self.collections:
            return Drop("unmapped_collection")
        return Lpi(pintid, self.collections[icid])


# --- the driver -------------------------------------------------------------------------
@dataclass
class its_collection:
    target_address: int     # RDbase << 16 (GITS_TYPER.PTA == 0: processor number)
    col_id: int


@dataclass
class event_lpi_map:
    lpi_map: list[bool]
    col_map: list[int]
    lpi_base: int
    nr_lpis: int


@dataclass
class its_device:
    device_id: int
    nr_ites: int
    itt: int                # physical address of the ITT (ITS_ITT_ALIGN aligned)
    event_map: event_lpi_map


def its_wait_for_range_completion(from_off: int, to_off: int, rd_off: int,
                                  queue_size: int) -> bool:
    """True once GITS_CREADR (rd_off) has consumed [from_off, to_off) of a ring of
    queue_size bytes (the driver's polling condition, written wrap-safe)."""
    span = (to_off - from_off) % queue_size
    done = (rd_off - from_off) % queue_size
    return done >= span or rd_off == to_off


@dataclass
class its_node:
    """One ITS as the driver sees it, with the commands it queues and a reference."""

    memory: MemoryImage
    allocator: TablePageAllocator
    nr_cpus: int = 4
    devbits: int = 16
    event_bits: int = 16
    lpi_bits: int = 16
    num_collections: int = 16       # GITS_TYPER.HCC (no collection table: BASER1..7 None)
    num_redistributors: int = 16    # processors the ITS can target
    cmd_queue_size: int = ITS_CMD_QUEUE_SZ
    auto_sync: bool = True          # append SYNC as its_send_single_command does
    cmd_base: int = field(init=False)
    cmd_write: int = field(init=False, default=0)   # byte offset of the next command
    device_table: int = field(init=False)
    device_table_pages: int = field(init=False)
    collections: list[its_collection] = field(init=False)
    its_device_list: dict[int, its_device] = field(init=False, default_factory=dict)
    reference: ItsReference = field(init=False)
    history: list[its_cmd_block] = field(init=False, default_factory=list)
    _lpi_next: int = field(init=False, default=H.LPI_MIN_INTID)

    def __post_init__(self) -> None:
        if self.cmd_queue_size % SZ_4K or not SZ_4K <= self.cmd_queue_size <= 256 * SZ_4K:
            raise ItsError(f"command queue size {self.cmd_queue_size:#x} not 4 KiB pages (1..256)")
        self.cmd_base = self.its_alloc_cmd_queue()
        self.device_table, self.device_table_pages = self.its_alloc_tables()
        self.collections = [its_collection(cpu << 16, cpu) for cpu in range(self.nr_cpus)]
        self.reference = ItsReference(ItsConfig(
            devbits=self.devbits, event_bits=self.event_bits, lpi_bits=self.lpi_bits,
            num_collections=self.num_collections,
            num_redistributors=self.num_redistributors,
            dt_entries=self.device_table_pages * SZ_4K // H.ENTRY_BYTES,
            dt_base=self.device_table))

    # ---- probe: memory and the register values the driver writes ---------------------
    def its_alloc_cmd_queue(self) -> int:
        """its_probe: the command queue (ITS_CMD_QUEUE_SZ, zeroed)."""
        return self.allocator.alloc(self.cmd_queue_size)

    def its_alloc_tables(self) -> tuple[int, int]:
        """its_alloc_tables for the device table: (1 << Devbits) 8-byte entries, 4 KiB
        pages (the ITS's Page_Size is fixed), capped at the 256 pages BASER.Size holds."""
        nbytes = min((1 << self.devbits) * H.ENTRY_BYTES, 256 * SZ_4K)
        pages = -(-nbytes // SZ_4K)
        return self.allocator.alloc(pages * SZ_4K), pages

    def gits_cbaser(self) -> int:
        """Value its_probe writes to GITS_CBASER (Valid, base, size in pages - 1)."""
        return ((1 << H.CBASER_VALID_BIT) | self.cmd_base
                | ((self.cmd_queue_size // SZ_4K - 1) << H.CBASER_SIZE_LSB))

    def gits_baser_device(self) -> int:
        """Value its_setup_baser writes to GITS_BASER0 (the device table)."""
        return ((1 << H.BASER_VALID_BIT) | (H.BASER_TYPE_DEVICE << H.BASER_TYPE_LSB)
                | ((H.ENTRY_BYTES - 1) << H.BASER_ENTRY_SIZE_LSB) | self.device_table
                | ((self.device_table_pages - 1) << H.BASER_SIZE_LSB))

    def its_probe_writes(self) -> list[tuple[int, int]]:
        """(64-bit register offset, value) in the order its_probe writes them;
        the testbench then enables the ITS with GITS_CTLR.Enabled."""
        return [(H.GITS_BASER0, self.gits_baser_device()),
                (H.GITS_CBASER, self.gits_cbaser()),
                (H.GITS_CWRITER, 0)]

    # ---- queue ----------------------------------------------------------------------
    def cwriter_value(self) -> int:
        """What its_post_commands writes to GITS_CWRITER."""
        return self.cmd_write

    def its_allocate_entry(self) -> int:
        """Byte offset of the next free slot (the driver waits if the queue is full;
        here the testbench keeps up, so a full queue is a test bug)."""
        addr = self.cmd_write
        self.cmd_write = (self.cmd_write + H.CMD_SIZE) % self.cmd_queue_size
        return addr

    def its_queue_raw(self, cmd: its_cmd_block) -> Optional[int]:
        """Write one command into the queue and into the reference's history.
        Returns the command error the reference predicts (None when well formed)."""
        off = self.its_allocate_entry()
        self.memory.write(self.cmd_base + off, cmd.to_bytes())
        self.history.append(cmd)
        if self.reference.stalled_error is not None:
            # queued behind a stalled command: the ITS does not get to it (the driver
            # does not know and goes on queueing, as its_cpu_init_collection's INVALL)
            return self.reference.stalled_error
        return self.reference.apply(cmd, fetch_addr=self.cmd_base + off)

    def _send(self, cmd: its_cmd_block, sync_col: Optional[its_collection]) -> Optional[int]:
        """its_send_single_command: the command, then SYNC on sync_col if any."""
        err = self.its_queue_raw(cmd)
        if err is None and sync_col is not None and self.auto_sync:
            err = self.its_queue_raw(its_build_sync_cmd(sync_col.target_address))
        return err

    # ---- commands in the driver's words --------------------------------------------
    def its_send_mapd(self, dev: its_device, valid: bool) -> Optional[int]:
        size = ilog2(dev.nr_ites)
        return self._send(its_build_mapd_cmd(dev.device_id, size - 1, dev.itt, valid), None)

    def its_send_mapc(self, col: its_collection, valid: bool) -> Optional[int]:
        return self._send(its_build_mapc_cmd(col.col_id, col.target_address, valid), col)

    def its_send_mapti(self, dev: its_device, irq_id: int, event: int) -> Optional[int]:
        col = self.dev_event_to_col(dev, event)
        return self._send(its_build_mapti_cmd(dev.device_id, event, irq_id, col.col_id), col)

    its_send_mapvi = its_send_mapti   # v4.9 name

    def its_send_mapi(self, dev: its_device, event: int) -> Optional[int]:
        col = self.dev_event_to_col(dev, event)
        return self._send(its_build_mapi_cmd(dev.device_id, event, col.col_id), col)

    def its_send_movi(self, dev: its_device, col: its_collection, event: int) -> Optional[int]:
        err = self._send(its_build_movi_cmd(dev.device_id, event, col.col_id), col)
        if err is None:
            dev.event_map.col_map[event] = col.col_id
        return err

    def its_send_discard(self, dev: its_device, event: int) -> Optional[int]:
        col = self.dev_event_to_col(dev, event)
        return self._send(its_build_discard_cmd(dev.device_id, event), col)

    def its_send_int(self, dev: its_device, event: int) -> Optional[int]:
        col = self.dev_event_to_col(dev, event)
        return self._send(its_build_int_cmd(dev.device_id, event), col)

    def its_send_clear(self, dev: its_device, event: int) -> Optional[int]:
        col = self.dev_event_to_col(dev, event)
        return self._send(its_build_clear_cmd(dev.device_id, event), col)

    def its_send_inv(self, dev: its_device, event: int) -> Optional[int]:
        col = self.dev_event_to_col(dev, event)
        return self._send(its_build_inv_cmd(dev.device_id, event), col)

    def its_send_invall(self, col: its_collection) -> Optional[int]:
        return self._send(its_build_invall_cmd(col.col_id), None)

    def its_send_sync(self, col: its_collection) -> Optional[int]:
        return self._send(its_build_sync_cmd(col.target_address), None)

    # ---- set-up in the driver's words ------------------------------------------------
    def its_cpu_init_collection(self, cpu: int) -> None:
        """Map collection `cpu` to processor `cpu` and invalidate it (MAPC, SYNC, INVALL).
        As in v6.1 (its_cpu_init_collection: col_id = cpu, no check against
        GITS_TYPER.HCC): with no collection table (GITS_BASER1..7 Type None) a CPU
        number >= HCC gives a MAPC whose ICID is out of range, and the queue stalls."""
        col = self.collections[cpu]
        self.its_send_mapc(col, True)
        self.its_send_invall(col)

    def its_lpi_alloc_chunks(self, nr_irqs: int) -> tuple[int, int]:
        """LPIs in chunks of IRQS_PER_CHUNK from 8192 up: (lpi_base, nr_lpis)."""
        nr = -(-nr_irqs // IRQS_PER_CHUNK) * IRQS_PER_CHUNK
        if self._lpi_next + nr > (1 << self.lpi_bits):
            raise ItsError(f"no room for {nr} LPIs above {self._lpi_next}")
        base = self._lpi_next
        self._lpi_next += nr
        return base, nr

    def its_create_device(self, dev_id: int, nvecs: int) -> its_device:
        """Allocate the ITT and LPIs for a device and MAPD it (its_create_device)."""
        if dev_id in self.its_device_list:
            raise ItsError(f"device {dev_id:#x} already exists")
        if nvecs < 1:
            raise ItsError(f"device {dev_id:#x}: nvecs {nvecs} < 1")
        nr_ites = max(2, roundup_pow_of_two(nvecs))
        sz = max(nr_ites * H.ENTRY_BYTES, ITS_ITT_ALIGN) + ITS_ITT_ALIGN - 1
        itt = self.allocator.alloc(sz)       # page aligned, so ITS_ITT_ALIGN aligned
        self.reference.itt_zeroed(itt, -(-sz // SZ_4K) * SZ_4K)
        lpi_base, nr_lpis = self.its_lpi_alloc_chunks(nvecs)
        dev = its_device(dev_id, nr_ites, itt, event_lpi_map(
            [False] * nr_lpis, [i % self.nr_cpus for i in range(nr_lpis)], lpi_base, nr_lpis))
        self.its_device_list[dev_id] = dev
        self.its_send_mapd(dev, True)
        return dev

    def its_free_device(self, dev: its_device) -> None:
        """MAPD V=0 and forget the device (its_free_device after its_irq_domain_free)."""
        self.its_send_mapd(dev, False)
        del self.its_device_list[dev.device_id]

    def its_alloc_device_irq(self, dev: its_device) -> tuple[int, int]:
        """Take the first free event: (event, hwirq = lpi_base + event)."""
        for event, used in enumerate(dev.event_map.lpi_map):
            if not used and event < dev.nr_ites:
                dev.event_map.lpi_map[event] = True
                return event, dev.event_map.lpi_base + event
        raise ItsError(f"device {dev.device_id:#x}: no free event")

    def its_irq_domain_activate(self, dev: its_device, event: int) -> Optional[int]:
        """Map the event to its LPI (MAPTI/MAPVI + SYNC)."""
        return self.its_send_mapti(dev, dev.event_map.lpi_base + event, event)

    def dev_event_to_col(self, dev: its_device, event: int) -> its_collection:
        return self.collections[dev.event_map.col_map[event]]

    # ---- what a device writes --------------------------------------------------------
    @staticmethod
    def its_msi_address(its_base: int) -> int:
        """its_irq_compose_msi_msg: the doorbell is GITS_TRANSLATER."""
        return its_base + H.GITS_TRANSLATER

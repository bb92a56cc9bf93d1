"""Physical memory as the golden model and the cocotb RAM models share it.

MemoryImage speaks the slice protocol of cocotbext-axi's SparseMemory, so one
image can be passed as `mem=` to several AxiRam instances (walker port, ITS table
port, DMA port) while the model writes page tables and ITS tables into it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PAGE = 4096


class MemoryAccessError(ValueError):
    """An access outside the image's address range."""


class MemoryImage:
    """Sparse little-endian byte-addressed memory (4 KiB pages, zero when unwritten)."""

    def __init__(self, size: int = 1 << 48):
        self.size = size
        self.pages: dict[int, bytearray] = {}

    def _check(self, address: int, length: int) -> None:
        if address < 0 or length < 0 or address + length > self.size:
            raise MemoryAccessError(
                f"access [{address:#x}, +{length:#x}) outside memory of size {self.size:#x}")

    def read(self, address: int, length: int) -> bytes:
        self._check(address, length)
        out = bytearray()
        while length:
            off = address % PAGE
            n = min(PAGE - off, length)
            page = self.pages.get(address - off)
            out += page[off:off + n] if page is not None else bytes(n)
            address += n
            length -= n
        return bytes(out)

    def write(self, address: int, data: bytes) -> None:
        self._check(address, len(data))
        pos = 0
        while pos < len(data):
            off = address % PAGE
            n = min(PAGE - off, len(data) - pos)
            page = self.pages.setdefault(address - off, bytearray(PAGE))
            page[off:off + n] = data[pos:pos + n]
            address += n
            pos += n

    def read_u32(self, address: int) -> int:
        return int.from_bytes(self.read(address, 4), "little")

    def write_u32(self, address: int, value: int) -> None:
        self.write(address, (value & 0xFFFF_FFFF).to_bytes(4, "little"))

    def read_u64(self, address: int) -> int:
        return int.from_bytes(self.read(address, 8), "little")

    def write_u64(self, address: int, value: int) -> None:
        self.write(address, (value & (2**64 - 1)).to_bytes(8, "little"))

    # --- the SparseMemory slice protocol cocotbext-axi's Memory uses -------------
    def __len__(self) -> int:
        return self.size

    def __getitem__(self, key):
        if isinstance(key, int):
            return self.read(key, 1)[0]
        start, stop, step = key.indices(self.size)
        if step != 1:
            raise IndexError(f"slice step {step} not supported")
        return self.read(start, stop - start)

    def __setitem__(self, key, value) -> None:
        if isinstance(key, int):
            self.write(key, bytes([value]))
            return
        start, stop, step = key.indices(self.size)
        value = bytes(value)
        if step != 1 or stop - start != len(value):
            raise IndexError(f"slice {key} does not match {len(value)} bytes")
        self.write(start, value)


class OutOfTablePages(MemoryError):
    """The table-page pool is exhausted."""


@dataclass
class TablePageAllocator:
    """Hands out zeroed, naturally aligned pages from [base, base + size) for
    page tables, ITS tables and command queues (the kernel's page allocator)."""

    memory: MemoryImage
    base: int
    size: int
    page_size: int = PAGE
    _next: int = field(init=False)
    _free: list[int] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        if self.base % self.page_size:
            raise ValueError(f"table pool base {self.base:#x} not page aligned")
        self._next = self.base

    def alloc(self, nbytes: int | None = None) -> int:
        """Allocate zeroed memory of nbytes (rounded up to pages), aligned to its size
        rounded up to a power of two (as the architecture wants for tables)."""
        nbytes = nbytes or self.page_size
        npages = -(-nbytes // self.page_size)
        if npages == 1 and self._free:
            addr = self._free.pop()
        else:
            align = self.page_size << max(0, (npages - 1).bit_length())
            addr = -(-self._next // align) * align
            if addr + npages * self.page_size > self.base + self.size:
                raise OutOfTablePages(
                    f"no room for {nbytes:#x} bytes in table pool "
                    f"[{self.base:#x}, {self.base + self.size:#x})")
            self._next = addr + npages * self.page_size
        self.memory.write(addr, bytes(npages * self.page_size))
        return addr

    def free(self, addr: int) -> None:
        """Return a single page to the pool."""
        self._free.append(addr)

"""Boot a Debian arm64 kernel under QEMU virt with an SMMUv3, trace its SMMU and GIC
traffic, and stop it once the guest idles (the run half of `make capture`).

The guest is an initramfs of busybox-static plus scripts/capture/guest_init.sh; N NVMe
controllers sit behind the SMMU (PCI slot k+1 -> StreamID (k+1)*8). When the guest prints
"=== CAP: idle", the VM is stopped over QMP, all RAM is saved with pmemsave and the
SMMU/ITS registers are read with the monitor's `xp`. The run directory then holds
trace.log, console.log, ram.bin, monitor_regs.json and cmdline.txt, which
scripts/capture/build_capture.py turns into a capture directory.
"""

from __future__ import annotations

import gzip
import json
import os
import shlex
import socket
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
RAM_BASE = 0x4000_0000          # QEMU virt
IDLE_MARK = "=== CAP: idle"

# Every trace event the capture format draws on (QEMU 7.2 names).
TRACE_EVENTS = ["smmuv3_*", "smmu_*", "gicv3_its_*", "gicv3_redist_*", "gicv3_icc_iar1_read",
                "gicv3_icc_eoir_write", "gic_set_irq", "gic_acknowledge_irq",
                "pci_nvme_admin_cmd", "pci_nvme_io_cmd", "pci_nvme_irq_msix"]

# Register windows read after the stop, as 32-bit words (QEMU's SMMUv3 answers 64-bit
# reads only for its 64-bit registers): (name, base, number of words).
MONITOR_READS = {
    3: [("smmu", 0x0905_0000, 0x100 // 4), ("smmu_id", 0x0905_0fd0, 12),
        ("smmu_page1", 0x0906_00a0, 8),
        ("its", 0x0808_0000, 0x140 // 4), ("its_id", 0x0808_ffd0, 12),
        ("gicr", 0x080a_0000, 0x80 // 4)],
    2: [("smmu", 0x0905_0000, 0x100 // 4), ("smmu_id", 0x0905_0fd0, 12),
        ("smmu_page1", 0x0906_00a0, 8), ("v2m", 0x0802_0000, 0x10 // 4),
        ("v2m_id", 0x0802_0fc8, 2)],
}


class CaptureError(RuntimeError):
    """The boot could not be captured (named step and cause)."""


@dataclass
class BootConfig:
    kernel: Path
    busybox: Path
    out: Path
    gic: int = 3
    nvme: int = 2
    mem_mib: int = 1024
    timeout_s: float = 240.0
    settle_s: float = 3.0


def _cpio_entry(name: str, mode: int, data: bytes = b"", rdev: tuple[int, int] = (0, 0),
                ino: int = 1) -> bytes:
    """One 'newc' cpio header + name + data (the format the kernel's initramfs takes)."""
    nb = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(nb), 0]
    hdr = b"070701" + b"".join(b"%08X" % f for f in fields)
    out = hdr + nb
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out


def make_initramfs(busybox: Path, init_script: Path, dest: Path) -> None:
    """busybox-static as /bin/busybox, the capture /init and a /dev/console node
    (written here so that no root rights or cpio tool are needed)."""
    parts = []
    ino = 100
    for d in ("bin", "dev", "proc", "sys", "tmp"):
        parts.append(_cpio_entry(d, stat.S_IFDIR | 0o755, ino=ino)); ino += 1
    parts.append(_cpio_entry("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1), ino=ino)); ino += 1
    parts.append(_cpio_entry("bin/busybox", stat.S_IFREG | 0o755, busybox.read_bytes(), ino=ino))
    ino += 1
    parts.append(_cpio_entry("init", stat.S_IFREG | 0o755, init_script.read_bytes(), ino=ino))
    parts.append(_cpio_entry("TRAILER!!!", 0, ino=0))
    dest.write_bytes(gzip.compress(b"".join(parts), compresslevel=6))


class Qmp:
    """Minimal QMP client: one JSON command, one JSON answer (events skipped)."""

    def __init__(self, path: Path, timeout_s: float = 30.0):
        deadline = time.time() + timeout_s
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(str(path))
                break
            except OSError:
                if time.time() > deadline:
                    raise CaptureError(f"QMP socket {path} did not come up in {timeout_s} s")
                time.sleep(0.1)
        self.file = self.sock.makefile("rw")
        self._read()                                   # greeting
        self.cmd("qmp_capabilities")

    def _read(self) -> dict:
        while True:
            line = self.file.readline()
            if not line:
                raise CaptureError("QMP connection closed")
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def cmd(self, name: str, **args) -> object:
        self.file.write(json.dumps({"execute": name, "arguments": args}) + "\n")
        self.file.flush()
        msg = self._read()
        if "error" in msg:
            raise CaptureError(f"QMP {name} {args}: {msg['error']}")
        return msg.get("return")

    def hmp(self, line: str) -> str:
        return str(self.cmd("human-monitor-command", **{"command-line": line}))


def qemu_command(cfg: BootConfig, initrd: Path) -> list[str]:
    out = cfg.out
    cmd = ["qemu-system-aarch64", "-M", f"virt,gic-version={cfg.gic},iommu=smmuv3",
           "-cpu", "cortex-a57", "-smp", "1", "-m", f"{cfg.mem_mib}M", "-display", "none",
           "-monitor", "none", "-serial", f"file:{out / 'console.log'}", "-nic", "none",
           "-no-reboot", "-qmp", f"unix:{out / 'qmp.sock'},server=on,wait=off",
           "-kernel", str(cfg.kernel), "-initrd", str(initrd),
           "-append", "console=ttyAMA0 panic=-1 rdinit=/init",
           "-D", str(out / "trace.log"), "-d", "guest_errors", "-msg", "timestamp=on"]
    for k in range(cfg.nvme):
        disk = out / f"disk{k}.img"
        with open(disk, "wb") as f:
            f.truncate(64 << 20)
        cmd += ["-device", f"nvme,serial=cafe{k + 1:04x},drive=d{k},bus=pcie.0,addr={k + 1}",
                "-drive", f"if=none,id=d{k},file={disk},format=raw"]
    for ev in TRACE_EVENTS:
        cmd += ["-trace", ev]
    return cmd


def read_words(qmp: Qmp, base: int, count: int) -> list[int]:
    """32-bit words of MMIO, one `xp /1wx` each: a longer xp is split into 64-bit
    accesses, which QEMU's SMMU and ITS answer with 0 for their 32-bit registers."""
    words = []
    for k in range(count):
        text = qmp.hmp(f"xp /1wx {base + 4 * k:#x}")
        try:
            words.append(int(text.split(":", 1)[1].split()[0], 16))
        except (IndexError, ValueError):
            raise CaptureError(f"xp {base + 4 * k:#x} answered {text!r}") from None
    return words


PCIE_ECAM = 0x40_1000_0000       # QEMU virt's high ECAM (bus 0)
PCI_CAP_MSIX = 0x11


def read_msix(qmp: Qmp, slot: int, entries: int = 8) -> dict:
    """Config space facts and the first MSI-X table entries of the device in PCI slot
    `slot` (bus 0, function 0), read through ECAM and its BAR with `xp`."""
    cfg = PCIE_ECAM + (slot << 15)
    word = lambda off: read_words(qmp, cfg + off, 1)[0]  # noqa: E731
    out = {"sid_requester_id": hex(slot << 3), "vendor_device": hex(word(0))}
    cap = word(0x34) & 0xFC
    while cap:
        head = word(cap)
        if head & 0xFF == PCI_CAP_MSIX:
            table = word(cap + 4)
            bir, offset = table & 7, table & ~7
            lo = word(0x10 + 4 * bir)
            bar = (lo & ~0xF) | (word(0x14 + 4 * bir) << 32 if lo & 4 else 0)
            out["BAR0" if bir == 0 else f"BAR{bir}"] = hex(bar)
            rows = []
            for e in range(entries):
                w = read_words(qmp, bar + offset + 16 * e, 4)
                rows.append({"entry": e, "addr": hex(w[0] | w[1] << 32), "data": hex(w[2]),
                             "vector_ctrl": hex(w[3])})
            out["msix_table_first8"] = rows
            break
        cap = (head >> 8) & 0xFC
    return out


def boot(cfg: BootConfig) -> None:
    cfg.out.mkdir(parents=True, exist_ok=True)
    for stale in ("trace.log", "console.log", "ram.bin", "qmp.sock"):
        (cfg.out / stale).unlink(missing_ok=True)
    initrd = cfg.out / "initramfs.cpio.gz"
    make_initramfs(cfg.busybox, HERE / "guest_init.sh", initrd)
    cmd = qemu_command(cfg, initrd)
    (cfg.out / "cmdline.txt").write_text(shlex.join(cmd) + "\n")
    version = subprocess.run(["qemu-system-aarch64", "--version"], capture_output=True,
                             text=True).stdout.splitlines()[0]
    (cfg.out / "qemu-version.txt").write_text(version + "\n")
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        qmp = Qmp(cfg.out / "qmp.sock")
        console = cfg.out / "console.log"
        t0 = time.time()
        while True:
            if proc.poll() is not None:
                raise CaptureError(f"QEMU exited ({proc.returncode}) before the guest idled: "
                                   f"{proc.stdout.read().decode(errors='replace')[-2000:]}")
            text = console.read_text(errors="replace") if console.exists() else ""
            if IDLE_MARK in text:
                break
            if "Kernel panic" in text:
                raise CaptureError("guest kernel panicked; see " + str(console))
            if time.time() - t0 > cfg.timeout_s:
                raise CaptureError(f"guest did not print {IDLE_MARK!r} within {cfg.timeout_s} s; "
                                   f"see {console}")
            time.sleep(0.5)
        boot_s = time.time() - t0
        time.sleep(cfg.settle_s)               # let the last interrupts and unmaps settle
        qmp.cmd("stop")
        # Marks where the guest phase ends: everything the monitor does after this is ours.
        marker = sum(1 for _ in open(cfg.out / "trace.log", errors="replace"))
        qmp.cmd("pmemsave", val=RAM_BASE, size=cfg.mem_mib << 20,
                filename=str(cfg.out / "ram.bin"))
        regs = {name: [f"{w:#x}" for w in read_words(qmp, base, n)] + [f"base={base:#x}"]
                for name, base, n in MONITOR_READS[cfg.gic]}
        pci = {f"00:{k + 1:02x}.0": read_msix(qmp, k + 1) for k in range(cfg.nvme)}
        (cfg.out / "monitor_regs.json").write_text(json.dumps(
            {"marker_line": marker, "boot_to_idle_s": round(boot_s, 1), "regs": regs, "pci": pci},
            indent=1) + "\n")
        qmp.cmd("quit")
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    for k in range(cfg.nvme):
        (cfg.out / f"disk{k}.img").unlink(missing_ok=True)


if __name__ == "__main__":  # pragma: no cover - exercised through scripts/capture/capture.py
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", type=Path, required=True)
    ap.add_argument("--busybox", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--gic", type=int, choices=(2, 3), default=3)
    ap.add_argument("--nvme", type=int, default=2)
    a = ap.parse_args()
    try:
        boot(BootConfig(a.kernel, a.busybox, a.out, gic=a.gic, nvme=a.nvme))
    except CaptureError as e:
        sys.exit(f"capture: {e}")

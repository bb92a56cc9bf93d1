"""The dynamic_cast memo preloaded into Icarus's vvp (tb/native/icarus_cast_cache.c).

vvp spends about a fifth of a system test's instructions in libstdc++'s
__dynamic_cast (every procedural read of a signal cross-casts its filter object);
the memo answers a repeated cast from a table. It changes no simulation result:
tests/test_icarus_cast_cache.py checks a C++ oracle of casts and a system run with
and without it. On by default under SIM=icarus; ICARUS_CAST_CACHE=0 turns it off
(the bench's "no cast memo" variant, or to rule it out while debugging vvp).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

SOURCE = Path(__file__).resolve().parent / "native" / "icarus_cast_cache.c"
ENV = "ICARUS_CAST_CACHE"


class CastCacheBuildError(RuntimeError):
    """The memo library could not be compiled (no C compiler, or it failed)."""


def enabled() -> bool:
    """False when $ICARUS_CAST_CACHE is 0 or empty."""
    return os.environ.get(ENV, "1") not in ("", "0")


def _compile_command(cc: str, out: Path) -> list[str]:
    return [cc, "-O2", "-shared", "-fPIC", "-o", str(out), str(SOURCE), "-ldl"]


def library(build_root: Path) -> Path:
    """The compiled memo under build_root/native/, built on first use; its name
    carries a digest of the source and compiler, so an edit rebuilds it (and the
    build removes the other digests' files)."""
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        raise CastCacheBuildError(f"no C compiler (cc or gcc, or $CC) to build {SOURCE.name}: "
                                  f"apt-get install gcc, or run with {ENV}=0")
    digest = hashlib.sha256(SOURCE.read_bytes() + " ".join(
        _compile_command(cc, Path("x"))).encode()).hexdigest()[:12]
    out = build_root / "native" / f"icarus_cast_cache-{digest}.so"
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f"{out.name}.{os.getpid()}.tmp")    # parallel workers: rename wins
    try:
        done = subprocess.run(_compile_command(cc, tmp), capture_output=True, text=True)
    except OSError as exc:
        raise CastCacheBuildError(f"cannot run the C compiler {cc!r} ({exc}): apt-get "
                                  f"install gcc, set $CC, or run with {ENV}=0") from exc
    if done.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise CastCacheBuildError(f"{' '.join(_compile_command(cc, tmp))} failed "
                                  f"(exit {done.returncode}): {done.stderr.strip()}; "
                                  f"or run with {ENV}=0")
    os.replace(tmp, out)
    # builds of older sources or other compilers would pile up in native/ until make
    # clean; a vvp still running one keeps its mapping of the removed file
    for stale in out.parent.glob("icarus_cast_cache-*.so"):
        if stale != out:
            stale.unlink(missing_ok=True)
    return out


def preload_env(build_root: Path) -> dict[str, str]:
    """LD_PRELOAD for vvp: the memo first, then whatever the caller already preloads."""
    keep = os.environ.get("LD_PRELOAD", "")
    return {"LD_PRELOAD": " ".join(p for p in (str(library(build_root)), keep) if p)}

"""Where the product RTL lives: the one resolver of hdl/'s block folders (hdl/README.md).

    hdl/<block>/rtl/<module>.v        a block's modules, one per file, named after it
    hdl/<block>/include/<x>_defs.vh   a block's generated headers (pymodel/hwdefs, gen_vh)

Everything that needs an RTL path asks here instead of spelling one: tb/runner.py (and
so every test's `sources=[...]`, which stay bare file names), `make lint`,
scripts/synth_report.sh, formal/, mutation/, scripts/ and pymodel/hwdefs/gen_vh.py.
A file name is unique across the blocks, so a bare name ("smmu_ptw.v") is enough; a
name with a slash ("../tb/hdl/tb_bp_gate.v", testbench HDL) stays a path relative to
hdl/, as the tests always wrote it. Every function takes `hdl=` for a private copy of
the tree (formal and test mutants edit a copy, never hdl/ itself).

    python -m tb.rtl_files sources        # every product .v, repository-relative
    python -m tb.rtl_files includes       # the include directories
    python -m tb.rtl_files rtl-dirs       # the rtl/ directories (module search path)
    python -m tb.rtl_files path NAME...   # where each NAME lives
    python -m tb.rtl_files lint-flags NAME  # -I/-y of the blocks NAME's block may use

Stdlib only: scripts/synth_report.sh and pymodel/hwdefs/gen_vh.py import it without
cocotb.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable

ROOT = Path(__file__).resolve().parent.parent
HDL = ROOT / "hdl"
BLOCKS = ("common", "smmu_core", "smmu_v2", "smmu_v3", "gic", "system")
# Which other blocks' headers and modules each block may use: the core knows no
# front-end, a front-end not the other one, and only the system glue sees every block
# (STYLE.md "Growing the RTL"). `make lint` lints each file with only these on its
# search path, and tests/test_rtl_files.py checks every `include and instance.
USES = {
    "common": (),
    "smmu_core": ("common",),
    "smmu_v2": ("common", "smmu_core"),
    "smmu_v3": ("common", "smmu_core"),
    "gic": ("common",),
    "system": ("common", "smmu_core", "smmu_v2", "smmu_v3", "gic"),
}
RTL = "rtl"
INCLUDE = "include"
_SUFFIX = {RTL: ".v", INCLUDE: ".vh"}


class RtlFileError(LookupError):
    """An RTL file name that no block holds, or a tree that breaks the layout
    (a name in two blocks, a file outside hdl/<block>/{rtl,include}, an unknown block)."""


def _layout(hdl: Path) -> dict[str, Path]:
    """File name -> path of every product RTL file and header under `hdl`."""
    if not hdl.is_dir():
        raise RtlFileError(f"no RTL tree at {hdl}")
    out: dict[str, Path] = {}
    for entry in sorted(hdl.iterdir()):
        if entry.is_file():
            if entry.suffix in (".v", ".vh", ".sv", ".svh"):
                raise RtlFileError(f"{entry}: RTL belongs in hdl/<block>/{RTL}/ or "
                                   f"hdl/<block>/{INCLUDE}/ (hdl/README.md)")
            continue
        if entry.name.startswith((".", "__")):
            continue
        if entry.name not in BLOCKS:
            raise RtlFileError(f"{entry}: not a block of tb/rtl_files.BLOCKS {BLOCKS}")
        for kind, suffix in _SUFFIX.items():
            d = entry / kind
            for f in sorted(d.glob("*")) if d.is_dir() else ():
                if f.suffix != suffix:
                    raise RtlFileError(f"{f}: only *{suffix} files go in hdl/<block>/{kind}/")
                if f.name in out:
                    raise RtlFileError(f"{f.name} is in two blocks: {out[f.name]} and {f}")
                out[f.name] = f
    return out


def path(name: str, hdl: Path = HDL) -> Path:
    """Where RTL file `name` ("smmu_ptw.v", "its_defs.vh") lives; a name with a slash
    is a path relative to hdl/ (testbench HDL: "../tb/hdl/tb_bp_gate.v")."""
    return paths([name], hdl)[0]


def paths(names: Iterable[str], hdl: Path = HDL) -> list[Path]:
    """path() of each name, the tree read once."""
    layout = None
    out = []
    for n in names:
        if "/" in n:
            out.append(hdl / n)
            continue
        layout = _layout(hdl) if layout is None else layout
        if n not in layout:
            raise RtlFileError(f"no RTL file {n!r} in any hdl/<block>/{RTL} or {INCLUDE} "
                               f"under {hdl}")
        out.append(layout[n])
    return out


def module_file(module: str, hdl: Path = HDL) -> Path:
    """The file of Verilog module `module` (files are named after their module)."""
    return path(f"{module}.v", hdl)


def sources(hdl: Path = HDL, blocks: Iterable[str] | None = None) -> list[Path]:
    """Every product .v (of `blocks`, default all), sorted by file name."""
    want = set(BLOCKS if blocks is None else blocks)
    unknown = want - set(BLOCKS)
    if unknown:
        raise RtlFileError(f"unknown block(s) {sorted(unknown)}; blocks: {BLOCKS}")
    return [p for n, p in sorted(_layout(hdl).items())
            if p.suffix == ".v" and p.parent.parent.name in want]


def headers(hdl: Path = HDL) -> list[Path]:
    return [p for n, p in sorted(_layout(hdl).items()) if p.suffix == ".vh"]


def include_dirs(hdl: Path = HDL) -> list[Path]:
    """Every block's include/ (the generated headers), in BLOCKS order."""
    return [hdl / b / INCLUDE for b in BLOCKS if (hdl / b / INCLUDE).is_dir()]


def rtl_dirs(hdl: Path = HDL) -> list[Path]:
    """Every block's rtl/: the module search path of a tool given one file (verilator
    --lint-only on a top finds its sub-modules there)."""
    return [hdl / b / RTL for b in BLOCKS if (hdl / b / RTL).is_dir()]


def visible(block: str) -> tuple[str, ...]:
    """The blocks whose files `block`'s RTL may include or instantiate (itself too)."""
    if block not in USES:
        raise RtlFileError(f"unknown block {block!r}; blocks: {BLOCKS}")
    return tuple(b for b in BLOCKS if b == block or b in USES[block])


def search_flags(name: str, hdl: Path = HDL) -> list[str]:
    """verilator flags to lint RTL file `name` alone: -I for the include/ and -y for the
    rtl/ of the blocks it may use, so a file reaching into any other block fails."""
    seen = visible(block_of(name, hdl))
    return ([f"-I{hdl / b / INCLUDE}" for b in seen if (hdl / b / INCLUDE).is_dir()]
            + [a for b in seen if (hdl / b / RTL).is_dir() for a in ("-y", str(hdl / b / RTL))])


def block_of(name: str, hdl: Path = HDL) -> str:
    """The block folder that holds RTL file `name`."""
    return path(name, hdl).parent.parent.name


def header_path(block: str, fname: str, hdl: Path = HDL) -> Path:
    """Where a generated header of `block` goes (it may not exist yet)."""
    if block not in BLOCKS:
        raise RtlFileError(f"{fname}: unknown block {block!r}; blocks: {BLOCKS}")
    return hdl / block / INCLUDE / fname


def relpath(name: str) -> str:
    """RTL file `name` as a path relative to the repository root ("hdl/gic/rtl/its_cmd.v"),
    how mutation/ names the file a mutant edits in its copy of the tree."""
    return path(name).relative_to(ROOT).as_posix()


def is_rtl(file: str | Path) -> bool:
    """Whether `file` (any absolute or relative spelling) is a product RTL file:
    it ends in hdl/<block>/rtl/<name>.v or hdl/<block>/include/<name>.vh."""
    parts = Path(file).parts
    return (len(parts) >= 4 and parts[-4] == "hdl" and parts[-3] in BLOCKS
            and parts[-2] in _SUFFIX and Path(file).suffix == _SUFFIX[parts[-2]])


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("sources", "includes", "rtl-dirs", "path", "lint-flags"):
        print(__doc__, file=sys.stderr)
        return 2
    cmd, rest = argv[0], argv[1:]
    try:
        if cmd == "sources":
            out = [p.relative_to(ROOT) for p in sources()]
        elif cmd == "includes":
            out = [p.relative_to(ROOT) for p in include_dirs()]
        elif cmd == "lint-flags":
            if len(rest) != 1:
                raise RtlFileError("lint-flags takes one file name")
            # repository-relative, as make prints the commands it runs
            print(" ".join(search_flags(Path(rest[0]).name, hdl=HDL.relative_to(ROOT))))
            return 0
        elif cmd == "rtl-dirs":
            out = [p.relative_to(ROOT) for p in rtl_dirs()]
        else:
            out = [p.relative_to(ROOT) for p in paths(rest)]
    except RtlFileError as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return 1
    print("\n".join(str(p) for p in out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

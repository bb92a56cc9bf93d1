"""The dynamic_cast memo preloaded into vvp (tb/icarus_cast_cache.py) changes nothing.

- A C++ oracle (tests/native/cast_oracle.cpp) prints the answers of casts that a memo
  keyed wrongly would get wrong; with the memo preloaded it must print what libstdc++'s
  own __dynamic_cast prints without it, and the memo must have answered (hits > 0).
- The same oracle under a memo that leaves the vtable pointer out of its key prints
  something else: the comparison can fail.
- A random system run simulates the same cycles, counters and transaction log with the
  memo as without it (tests/test_simulators_agree.run_on, Icarus both times).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tb import icarus_cast_cache, runner

ROOT = Path(__file__).resolve().parent.parent
ORACLE = ROOT / "tests" / "native" / "cast_oracle.cpp"
# where the memo reads the vtable pointer, its key; a memo that reads none keys on the
# static types only, and every dynamic type shares the first one's answer
KEY_VTABLE = "const void *vtable = *(const void *const *)obj;"


def _cxx() -> str:
    cxx = os.environ.get("CXX") or shutil.which("c++") or shutil.which("g++")
    if not cxx:
        raise FileNotFoundError("no C++ compiler (c++ or g++, or $CXX): apt-get install g++")
    return cxx


@pytest.fixture(scope="module")
def oracle(tmp_path_factory) -> Path:
    exe = tmp_path_factory.mktemp("cast") / "cast_oracle"
    # -O0: the compiler must not answer the casts itself
    subprocess.run([_cxx(), "-O0", "-o", str(exe), str(ORACLE), "-ldl"], check=True)
    return exe


def run_oracle(exe: Path, preload: Path | None) -> tuple[str, int]:
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    if preload is not None:
        env["LD_PRELOAD"] = str(preload)
    done = subprocess.run([str(exe), "2000"], env=env, capture_output=True, text=True, check=True)
    hits = int(done.stderr.split("memo hits")[1])
    return done.stdout, hits


def test_memo_answers_as_libstdcxx(oracle, tmp_path):
    plain, no_memo = run_oracle(oracle, None)
    memo_out, hits = run_oracle(oracle, icarus_cast_cache.library(tmp_path))
    print(plain)
    assert no_memo == -1, "the oracle found a memo without LD_PRELOAD"
    assert hits > 10_000, f"the memo answered only {hits} casts: is it preloaded?"
    assert memo_out == plain


def test_memo_without_vtable_in_its_key_is_caught(oracle, tmp_path, monkeypatch):
    source = icarus_cast_cache.SOURCE.read_text()
    assert source.count(KEY_VTABLE) == 1, "the memo's key moved: update KEY_VTABLE"
    broken = tmp_path / "broken.c"
    broken.write_text(source.replace(KEY_VTABLE, "const void *vtable = NULL;"))
    monkeypatch.setattr(icarus_cast_cache, "SOURCE", broken)
    plain, _ = run_oracle(oracle, None)
    wrong, hits = run_oracle(oracle, icarus_cast_cache.library(tmp_path))
    assert hits > 0
    assert wrong != plain, "a memo that ignores the dynamic type answered every cast right"


@pytest.mark.parametrize("cc", ["no-such-cc", "false"])
def test_library_build_error_names_the_compiler(tmp_path, monkeypatch, cc):
    """A compiler that is not there, or that fails: a named error with its command."""
    path = str(tmp_path / cc) if cc == "no-such-cc" else shutil.which(cc)
    monkeypatch.setenv("CC", path)
    with pytest.raises(icarus_cast_cache.CastCacheBuildError, match=re.escape(path)):
        icarus_cast_cache.library(tmp_path)
    assert not list((tmp_path / "native").glob("*.so")), "a failed build left a library"


def test_a_build_removes_the_other_digests_builds(tmp_path):
    """native/ keeps one memo: a build (new source or compiler) removes older ones."""
    stale = tmp_path / "native" / "icarus_cast_cache-000000000000.so"
    stale.parent.mkdir()
    stale.write_bytes(b"an older build")
    other = tmp_path / "native" / "unrelated.so"
    other.write_bytes(b"not a memo")
    built = icarus_cast_cache.library(tmp_path)
    assert sorted(p.name for p in (tmp_path / "native").iterdir()) == sorted(
        [built.name, other.name])
    assert icarus_cast_cache.library(tmp_path) == built     # the current one is reused


@pytest.mark.sim
def test_random_system_same_with_and_without_memo(tmp_path):
    # both children run Icarus (run_on sets SIM), also under SIM=verilator
    from test_simulators_agree import AGREE_SEED, first_difference, run_on
    given = os.environ.get("SEED") or os.environ.get("COCOTB_RANDOM_SEED")
    seed = runner.test_seed() if given else AGREE_SEED
    print(f"[cast memo] random_system SEED={seed}, Icarus with and without "
          f"{icarus_cast_cache.ENV}")
    memo = run_on("icarus", seed, tmp_path / "memo", {icarus_cast_cache.ENV: "1"})
    plain = run_on("icarus", seed, tmp_path / "plain", {icarus_cast_cache.ENV: "0"})
    assert memo["sim_time_ns"] == plain["sim_time_ns"]
    assert memo["counters"] == plain["counters"]
    assert memo["txlog_lines"] == plain["txlog_lines"], \
        "transaction logs differ at " + first_difference(memo["txlog_lines"], plain["txlog_lines"],
                                                     ("with the memo", "plain vvp"))

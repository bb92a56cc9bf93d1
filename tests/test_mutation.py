"""The mutation framework itself, and every block's mutant list against today's RTL:
a mutant whose text no longer occurs exactly once is STALE and fails here, long before
anyone runs `make mutants`."""

from __future__ import annotations

import importlib

import pytest

from mutation import BLOCKS
from mutation.framework import ROOT, Mutant, MutantError, Runner, apply, check, private_copy
from tb import rtl_files


def test_apply_replaces_the_one_occurrence():
    m = Mutant("T1", "test", "x.v", "a = b;", "a = c;")
    assert apply(m, "x;\na = b;\ny;\n") == "x;\na = c;\ny;\n"


@pytest.mark.parametrize("text, what", [("nothing here", "not found"),
                                        ("a = b;\na = b;\n", "found 2 times")])
def test_apply_rejects_stale_or_ambiguous_text(text, what):
    m = Mutant("T2", "test", "x.v", "a = b;", "a = c;")
    with pytest.raises(MutantError, match=f"STALE: T2: old text {what}"):
        apply(m, text)


def test_check_names_duplicates_and_missing_files(tmp_path):
    (tmp_path / "x.v").write_text("a = b;\n")
    ms = [Mutant("T3", "t", "x.v", "a = b;", "a = c;"),
          Mutant("T3", "t", "x.v", "a = b;", "a = d;"),
          Mutant("T4", "t", "nofile.v", "a", "b")]
    problems = check(ms, tmp_path)
    assert any("duplicate" in p for p in problems)
    assert any("no file nofile.v" in p for p in problems)


def test_runner_reports_stale_without_running(tmp_path):
    (tmp_path / "x.v").write_text("a = b;\n")
    out = Runner(tmp_path).run_one(Mutant("T5", "t", "x.v", "zzz", "y"), ["never_run.py"])
    assert out.status == "STALE"
    assert (tmp_path / "x.v").read_text() == "a = b;\n"


def test_private_copy_leaves_out_outputs(tmp_path):
    work = private_copy(tmp_path / "tree")
    assert (work / rtl_files.relpath("axi_arbiter.v")).is_file()
    assert not (work / ".git").exists() and not (work / ".venv").exists()


@pytest.mark.parametrize("block", [b for b in BLOCKS
                                   if (ROOT / "mutation" / f"{b}.py").is_file()])
def test_block_mutants_apply_to_todays_rtl(block):
    mod = importlib.import_module(f"mutation.{block}")
    assert mod.MUTANTS and mod.TESTS
    assert all(isinstance(m, Mutant) for m in mod.MUTANTS)
    assert check(mod.MUTANTS) == []


def test_private_copy_from_head_has_the_committed_tree(tmp_path):
    work = private_copy(tmp_path / "head", from_head=True)
    assert (work / "mutation" / "framework.py").is_file()
    assert not (work / ".git").exists()


def test_killer_names_the_cocotb_test_and_its_exception():
    from mutation.framework import _killers
    out = ("E   tb.runner.CocotbTestFailed: 1 of 6 cocotb tests failed in m (SEED=5):\n"
           "E     reads/pressure=1: ProtocolViolation: protocol violation on spi: VALID_DROPPED\n"
           "FAILED tests/test_x.py::test_x[a] - tb.runner.CocotbTestFailed\n")
    text = _killers(out)
    assert text.startswith("tests/test_x.py::test_x[a]")
    assert "reads/pressure=1: ProtocolViolation: protocol violation on spi" in text

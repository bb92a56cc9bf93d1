"""The regression tooling itself: seeds, the cocotb test filter, counters, the
failure digest, the summary, the progress line and the GTKWave layout
(tb/runner.py, tb/system_regress.py, scripts/sim_summary.py, scripts/regress.py,
scripts/gen_gtkw.py)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from tb import rtl_files, runner
from tb import system_regress as R

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import gen_gtkw  # noqa: E402
import regress  # noqa: E402
import sim_summary  # noqa: E402


# ----------------------------------------------------------------------------- seeds
def test_fold_seed_keeps_run_0_and_separates_the_others():
    runs = [runner.fold_seed(1234, i) for i in range(8)]
    assert runs[0] == 1234
    assert len(set(runs)) == 8
    assert runs == [runner.fold_seed(1234, i) for i in range(8)]       # replays
    assert all(1 <= s < 2**31 for s in runs)


def test_seed_from_seed_or_cocotb_random_seed(monkeypatch):
    monkeypatch.delenv("SEED", raising=False)
    monkeypatch.setenv("COCOTB_RANDOM_SEED", "77")
    assert runner.test_seed() == 77
    monkeypatch.setenv("SEED", "0x4d")
    assert runner.test_seed() == 77                                   # the same seed: fine
    monkeypatch.setenv("SEED", "78")
    with pytest.raises(runner.SeedConflict, match="SEED=78 and COCOTB_RANDOM_SEED=77"):
        runner.test_seed()


def test_repro_names_the_effective_seed(monkeypatch):
    monkeypatch.delenv("SIM", raising=False)       # the Icarus form, whatever SIM this run has
    cmd = R.repro_command(5, "tests/t.py", "f[x]", {"SYSTEM_MUTANT": "1"}, sim_seed=99)
    assert cmd.startswith("SEED=5 SYSTEM_MUTANT=1 .venv/bin/python -m pytest")
    assert cmd.endswith("# effective seed 99 (SEED with the run index folded in)")
    assert "#" not in R.repro_command(5, "tests/t.py", "f", sim_seed=5)
    # a failure under Verilator replays under Verilator
    monkeypatch.setenv("SIM", "verilator")
    cmd = R.repro_command(5, "tests/t.py", "f[x]", {"SYSTEM_MUTANT": "1"})
    assert cmd.startswith("SEED=5 SYSTEM_MUTANT=1 SIM=verilator .venv/bin/python -m pytest")


# ----------------------------------------------------------------------------- filter
NAMES = ["cocotb_system.its_single_msi", "cocotb_system.isolation_its",
         "cocotb_system.doorbells_many_devices/chip=its/backpressure=0.0"]


def _selected(flt):
    return [n for n in NAMES if flt is None or re.search(flt, n)]


def test_filter_regex_is_the_tests_own_selection_and_the_users():
    own = runner._filter_regex("cocotb_system", "isolation_its", None)
    assert _selected(own) == ["cocotb_system.isolation_its"]
    both = runner._filter_regex("cocotb_system", ["isolation_its", "its_single_msi"], "single")
    assert _selected(both) == ["cocotb_system.its_single_msi"]
    assert _selected(runner._filter_regex("cocotb_system", "isolation_its", "nomatch")) == []
    assert _selected(runner._filter_regex("cocotb_system", None, "chip=its")) == [NAMES[2]]


def test_filter_deselects(monkeypatch):
    monkeypatch.setenv("COCOTB_TEST_FILTER", "isolation")
    assert runner.filter_deselects("cocotb_system", ["its_single_msi"])
    assert not runner.filter_deselects("cocotb_system", ["isolation_its"])
    monkeypatch.delenv("COCOTB_TEST_FILTER")
    assert not runner.filter_deselects("cocotb_system", ["its_single_msi"])


def test_read_results_no_testcase_and_failure(tmp_path):
    empty = tmp_path / "empty.xml"
    empty.write_text("<testsuites><testsuite name='m' tests='0'/></testsuites>")
    assert runner.read_results(empty) == []
    bad = tmp_path / "bad.xml"
    bad.write_text("<testsuites><testsuite><testcase name='t1'/><testcase name='t2'>"
                   "<failure type='ScoreboardError' message='dev1 SLVERR'>Traceback\n"
                   '  File "/x/a.py", line 3, in f\n    g()\n'
                   '  File "/x/b.py", line 9, in g\n    raise E\nE: dev1 SLVERR</failure>'
                   "</testcase></testsuite></testsuites>")
    ok, failed = runner.read_results(bad)
    assert not ok.failed and failed.failed
    assert failed.cause() == "ScoreboardError: dev1 SLVERR"
    assert runner._last_frames(failed.traceback, 1) == ['File "/x/b.py", line 9, in g',
                                                        "  raise E"]


# ----------------------------------------------------------------------------- counters
def test_stats_refuses_an_undescribed_counter():
    s = R.Stats()
    s.add("fault_records")
    assert s["fault_records"] == 1
    with pytest.raises(R.UnknownCounter, match="'faults'"):
        s.add("faults")
    assert set(R.SUMMARY_COUNTERS) <= set(R.COUNTERS)
    assert set(sim_summary.HEAD) == set(R.SUMMARY_COUNTERS)


# ----------------------------------------------------------------------------- digest
FAILED = {"node": "tests/test_system.py::test_system[x-seed]", "test": "x", "result": "fail",
          "error": "ScoreboardError: dev1 MSI to 0xfffff040: response SLVERR, predicted OKAY",
          "where": ["tests/cocotb_system.py:137 in device_worker"], "in_task": True,
          "fail_ns": 7120.0, "sim_time_ns": 7120.0, "seed": 5, "sim_seed": 5,
          "repro": "SEED=5 .venv/bin/python -m pytest 'tests/test_system.py::test_system[x-seed]'",
          "txlog": str(ROOT / "sim_build" / "x.txlog"), "tx_lines": 28,
          "last_tx": ["    7120.0  MSI     dev1 ... resp=SLVERR"], "waves": None, "gtkw": None,
          "counters": {"transactions": 2, "msis": 2}, "written": 1.0}


def test_failure_digest_says_what_where_how_to_replay():
    text = R.failure_digest(FAILED)
    assert text.splitlines()[0] == ("x FAILED at 7120.0 ns: ScoreboardError: dev1 MSI to "
                                    "0xfffff040: response SLVERR, predicted OKAY")
    for part in ("at tests/cocotb_system.py:137 in device_worker", "start_soon task",
                 "reproduce: SEED=5", "txlog:     sim_build/x.txlog",
                 "prefix the reproduce command with WAVES=1", "last 1 transactions (28 txlog",
                 "resp=SLVERR"):
        assert part in text, part
    assert len(text.splitlines()) < 12


def test_action_window():
    assert R.action_window(FAILED) == (5620.0, 7620.0, 7120.0)
    passed = dict(FAILED, result="pass", first_msi_ns=6160.0)
    assert R.action_window(passed) == (5860.0, 7860.0, 6160.0)
    assert R.action_window(dict(passed, first_msi_ns=None)) == (0.0, 20_000.0, -1.0)


# ----------------------------------------------------------------------------- summary
def test_summary_names_columns_and_prints_the_digest(tmp_path, capsys):
    junit = tmp_path / "junit.xml"
    junit.write_text(
        "<testsuites><testsuite>"
        "<testcase classname='tests.test_system' name='test_system[x-seed]' time='2.0'>"
        "<failure message='Failed: x FAILED'/></testcase>"
        "<testcase classname='tests.test_system' name='test_system[y-seed]' time='1.0'/>"
        "</testsuite></testsuites>")
    stats = tmp_path / "stats"
    stats.mkdir()
    (stats / "x.json").write_text(json.dumps(FAILED))
    passed = dict(FAILED, node="tests/test_system.py::test_system[y-seed]", test="y",
                  result="pass", error=None, counters={"fault_records": 3})
    (stats / "y.json").write_text(json.dumps(passed))
    assert sim_summary.main(["--junit", str(junit), "--stats", str(stats)]) == 1
    out = capsys.readouterr().out
    assert "smmu_flt" in out and "decerr" in out and "faults" not in out
    assert "smmu_flt SMMU fault records read back" in out
    assert "1 FAILED:" in out and "x FAILED at 7120.0 ns: ScoreboardError" in out
    assert "reproduce: SEED=5" in out


# ----------------------------------------------------------------------------- progress
def test_progress_counts_done_failed_and_time_left():
    lines = []
    p = regress.Progress(lines.append)
    p.pytest_xdist_node_collection_finished(None, [f"t{i}" for i in range(20)])

    def rep(nodeid, when, outcome, text=""):
        return SimpleNamespace(nodeid=nodeid, when=when, failed=outcome == "failed",
                               passed=outcome == "passed", longreprtext=text)
    for i in range(4):
        p.pytest_runtest_logreport(rep(f"t{i}", "setup", "passed"))
        p.pytest_runtest_logreport(rep(f"t{i}", "call", "passed"))
    p.pytest_runtest_logreport(rep("t4", "call", "failed",
                                   "[gw0] linux -- Python 3.11\nx FAILED at 1.0 ns: Boom"))
    assert lines[-1] == "[regress] FAIL t4: x FAILED at 1.0 ns: Boom"
    assert re.fullmatch(r"\[regress\] 4/20 done, 0 failed, \d+ s elapsed, about \d+ s left",
                        lines[-2])
    assert p.status().startswith("[regress] 5/20 done, 1 failed,")


# ----------------------------------------------------------------------------- waves
# GTKWave's own definitions, typed here from its source rather than imported from the
# generator: gtkwave analyzer.h `enum TraceEntFlagBits` gives each flag's bit position
# (HEX 1, BIN 3, RJUSTIFY 5, BLANK 9, COLLAPSED 12, CLOSED 22, GRP_BEGIN 23, GRP_END 24),
# and its CloseTrace() sets CLOSED on a group's begin marker and CLOSED|COLLAPSED on its
# end marker: a closed group on screen is saved with exactly these flags.
_GTKWAVE_BIT = {"HEX": 1, "BIN": 3, "RJUSTIFY": 5, "BLANK": 9, "COLLAPSED": 12,
                "CLOSED": 22, "GRP_BEGIN": 23, "GRP_END": 24}


def _gtkwave_flags(*names: str) -> int:
    return sum(1 << _GTKWAVE_BIT[n] for n in names)


def test_closed_groups_carry_the_flags_gtkwave_closetrace_sets():
    text = gen_gtkw.render()
    markers = re.findall(r"^@([0-9a-f]+)\n-(\S.*)$", text, re.M)
    closed_begin = _gtkwave_flags("GRP_BEGIN", "BLANK", "CLOSED")
    closed_end = _gtkwave_flags("GRP_END", "BLANK", "CLOSED", "COLLAPSED")
    open_begin = _gtkwave_flags("GRP_BEGIN", "BLANK")
    open_end = _gtkwave_flags("GRP_END", "BLANK")
    begins = [(int(f, 16), t) for f, t in markers if int(f, 16) & (1 << 23)]
    ends = [(int(f, 16), t) for f, t in markers if int(f, 16) & (1 << 24)]
    assert len(begins) == len(ends) > 3
    assert [t for _, t in begins] == [t for _, t in ends]      # properly paired, in order
    for (fb, title), (fe, _) in zip(begins, ends):
        assert (fb, fe) in ((closed_begin, closed_end), (open_begin, open_end)), \
            f"group {title!r}: flags @{fb:x} / @{fe:x} are not what GTKWave saves"
    assert [t for f, t in begins if f == open_begin] == [begins[0][1]]   # interrupts only
    # value traces: right-justified hex for buses, binary for single bits
    assert _gtkwave_flags("RJUSTIFY", "HEX") == gen_gtkw.HEX
    assert _gtkwave_flags("RJUSTIFY", "BIN") == gen_gtkw.BIN


def test_layout_is_generated_from_the_design_and_up_to_date():
    text = gen_gtkw.render()
    assert (ROOT / "waves" / "system.gtkw").read_text() == text, \
        "waves/system.gtkw is stale: run python scripts/gen_gtkw.py"
    groups = [ln[1:] for ln in text.splitlines()[1:] if ln.startswith("-") and
              not ln.startswith("-  ")]
    first = groups[0]
    assert first.startswith("Interrupts")
    # group begin flags: interrupts open, everything else closed
    begins = re.findall(r"^@([0-9a-f]+)\n-(.*)$", text, re.M)
    opened = [t for f, t in begins if int(f, 16) == gen_gtkw.GRP_BEGIN | gen_gtkw.BLANK]
    assert opened == [first]
    for sig in ("g_smmu.u_smmu.u_core.t_a_hit", "g_smmu.u_smmu.u_core.u_ptw.state[1:0]",
                "g_smmu.u_smmu.u_core.u_ptw.w_level[1:0]", "g_smmu.u_smmu.u_core.u_ptw.wc_hit",
                "u_its.u_cmd.state[3:0]", "u_its.u_cmd.creadr[14:0]", "u_its.u_xlate.hit"):
        assert f"msi_system_top.{sig}\n" in text, sig


def test_layout_refuses_a_name_the_design_lacks(monkeypatch):
    monkeypatch.setattr(gen_gtkw, "DEBUG", [("x", "u_smmu.u_core", ["no_such_signal"])])
    with pytest.raises(gen_gtkw.LayoutError, match="no_such_signal"):
        gen_gtkw.render()
    monkeypatch.setattr(gen_gtkw, "DEBUG", [("x", "u_smmu.u_nope", ["state"])])
    with pytest.raises(gen_gtkw.LayoutError, match="no instance u_nope"):
        gen_gtkw.render()


def test_retarget_opens_the_window():
    text = gen_gtkw.retarget(gen_gtkw.render(), Path("/d/x.fst"), 5620.0, 7620.0, 7120.0)
    lines = text.splitlines()
    assert lines[1] == '[dumpfile] "/d/x.fst"'
    assert lines[2] == "[timestart] 5620000"                        # ps
    zoom, marker = lines[3][1:].split()[:2]
    assert marker == "7120000"
    # 2 us over the wave pane: 2^-zoom ps per pixel
    assert abs(2 ** -float(zoom) * gen_gtkw.WAVE_PIXELS - 2_000_000) < 1
    assert sum(ln.startswith("[timestart]") for ln in lines) == 1


@pytest.mark.sim
def test_layout_names_are_in_an_icarus_dump(tmp_path):
    """Every trace of waves/system.gtkw, with its bit range, is a variable of an
    Icarus dump of msi_system_top (VCD header written at time 0)."""
    from test_system import SYSTEM_SOURCES
    if shutil.which("iverilog") is None:
        pytest.fail("iverilog not found (make tools)")
    dump = tmp_path / "dump.v"
    vcd = tmp_path / "top.vcd"
    dump.write_text(f'module dump_top; initial begin $dumpfile("{vcd}"); '
                    "$dumpvars(0, msi_system_top); end endmodule\n")
    vvp = tmp_path / "top.vvp"
    incs = [a for d in rtl_files.include_dirs() for a in ("-I", str(d))]
    subprocess.run(["iverilog", "-g2012", *incs, "-o", str(vvp),
                    "-s", "msi_system_top", "-s", "dump_top",
                    *map(str, rtl_files.paths(SYSTEM_SOURCES)), str(dump)], check=True)
    subprocess.run(["vvp", "-n", str(vvp)], check=True, capture_output=True, timeout=120)
    scope, names = [], set()
    for line in vcd.read_text().splitlines():
        f = line.split()
        if line.startswith("$scope"):
            scope.append(f[2])
        elif line.startswith("$upscope"):
            scope.pop()
        elif line.startswith("$var"):
            names.add(".".join(scope + [f[4]]) + (f[5] if f[5] != "$end" else ""))
        elif line.startswith("$enddefinitions"):
            break
    layout = [ln for ln in (ROOT / "waves" / "system.gtkw").read_text().splitlines()
              if ln.startswith("msi_system_top.")]
    assert len(layout) > 300
    missing = [n for n in layout if n not in names]
    assert not missing, f"not in the Icarus dump: {missing[:10]}"


# ----------------------------------------------------------------------------- make help
def test_make_help_lists_every_target_with_a_description():
    targets = sorted(set(re.findall(r"^([a-z][a-zA-Z0-9_-]*):(?!=)",
                                    (ROOT / "Makefile").read_text(), re.M)))
    out = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    listed = dict(re.findall(r"^  make (\S+) +(.*)$", out, re.M))
    assert sorted(listed) == targets
    assert all(listed[t].strip() for t in targets), \
        [t for t in targets if not listed[t].strip()]

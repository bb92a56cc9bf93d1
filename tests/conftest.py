"""pytest hooks for the simulation tests (tb/runner.py is the launcher):

* every FST a test wrote (WAVES=1) is listed at the end of the run (with the .gtkw
  a system test writes beside it), also for a passing test whose output pytest hides;
* COCOTB_TEST_FILTER: a pytest test whose cocotb tests the filter deselects is
  skipped; if the filter deselects every simulation of the run, the run fails
  (a filter that matches nothing must not pass).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tb import runner


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        for fst in runner.WAVES_WRITTEN:
            report.user_properties.append(("waves", str(fst)))
        runner.WAVES_WRITTEN.clear()


def _reports(terminalreporter):
    for reports in terminalreporter.stats.values():
        for r in reports:
            if isinstance(r, pytest.TestReport):
                yield r


def pytest_terminal_summary(terminalreporter):
    waves = [(r.nodeid, v) for r in _reports(terminalreporter)
             for k, v in r.user_properties if k == "waves"]
    if waves:
        terminalreporter.section("waveforms (WAVES=1)")
        for node, fst in waves:
            terminalreporter.write_line(f"{node}: {fst}")
            # a system test's layout opened on the action (tb/system_regress.py)
            for gtkw in sorted(Path(fst).parent.glob("*.gtkw")):
                if Path(fst).exists() and gtkw.stat().st_mtime >= Path(fst).stat().st_mtime - 1:
                    terminalreporter.write_line(f"    gtkwave {gtkw}")
    flt = runner.test_filter()
    if flt and _filter_matched_nothing(terminalreporter):
        terminalreporter.write_line(
            f"COCOTB_TEST_FILTER={flt!r} deselects every cocotb test of this run: FAILED",
            red=True)


def _filter_matched_nothing(terminalreporter) -> bool:
    reports = list(_reports(terminalreporter))
    filtered = [r for r in reports if r.skipped and runner.SKIP_TAG in str(r.longrepr)]
    ran = [r for r in reports if r.when == "call" and not r.skipped]
    return bool(filtered) and not ran


def pytest_sessionfinish(session, exitstatus):
    tr = session.config.pluginmanager.get_plugin("terminalreporter")
    if tr is not None and runner.test_filter() and _filter_matched_nothing(tr) \
            and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED

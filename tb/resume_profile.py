"""Where a cocotb simulation's Python time goes: the time of every coroutine step, by
coroutine and by the part of the bench it belongs to.

Every cocotb task runs in steps: the scheduler resumes it (Task._resume) when its
trigger fires, and it runs until its next await. install() wraps that call and adds
each step's elapsed time (time.perf_counter_ns) to the task's coroutine; at the
simulator's exit the totals are written as JSON, with the process's CPU time at
install and at exit. What a step calls is in its time: signal reads and writes (the
simulator's work for them), the models, the callbacks it fires. What is not in any
step: start-up, the simulator's own evaluation, cocotb's trigger dispatch.

    SYSTEM_RESUME_PROFILE=/tmp/profile.json make sim    # SystemEnv installs it
    bench/system_speed.py --profile                     # the table, from this file

Groups (GROUPS, by the coroutine's source file): the cocotbext-axi bus models with
this project's loops for them, the protocol checker with the monitors and scoreboard
its taps call, the test with the kernel model and the devices, and the rest. The
timer costs about 0.1 us a step (about 100 000 steps in the system random test), so
the figures are for shares, not for the speed table.
"""

from __future__ import annotations

import atexit
import json
import os
import time
from collections import Counter
from pathlib import Path

from cocotb import task as _task

ENV = "SYSTEM_RESUME_PROFILE"

# (group, what the source path contains), first match wins
GROUPS = (
    ("bus models", ("cocotbext/axi/", "cocotb_bus/", "tb/source_stall.py", "tb/sink_ready.py",
                    "tb/ordered_wake.py")),
    ("protocol checker, monitors, scoreboard", ("tb/protocol_checker.py", "tb/monitors.py",
                                                "tb/system_scoreboard.py")),
    ("test, kernel model, devices", ("tests/", "tb/kernel.py", "tb/system_env.py",
                                     "tb/system_regress.py", "pymodel/")),
)

# keyed by (qualified name, source file): two coroutines of one name in different files
# (different bench parts) stay apart
_seconds: Counter = Counter()
_steps: Counter = Counter()
_state: dict = {}


def group_of(path: str) -> str:
    """The GROUPS name of a coroutine defined in `path`, "other" if none matches."""
    path = path.replace(os.sep, "/")
    for name, marks in GROUPS:
        if any(m in path for m in marks):
            return name
    return "other"


def _key(coro) -> tuple[str, str]:
    code = getattr(coro, "cr_code", None)
    return (getattr(coro, "__qualname__", type(coro).__name__),
            code.co_filename if code is not None else "?")


def install(path: str | os.PathLike) -> None:
    """Time every task step from now on; write the totals to `path` at exit."""
    if _state:
        _state["path"] = Path(path)     # a later cocotb test of the same process
        return
    resume = _task.Task._resume
    clock = time.perf_counter_ns

    def timed_resume(self, *args, **kwargs):
        t0 = clock()
        try:
            return resume(self, *args, **kwargs)
        finally:
            key = _key(self._coro)
            _seconds[key] += clock() - t0
            _steps[key] += 1

    _task.Task._resume = timed_resume
    _state.update(path=Path(path), cpu_at_install=time.process_time())
    atexit.register(write)


def report() -> dict:
    """The totals so far: per coroutine and per group, seconds and steps."""
    per = [{"coroutine": name, "file": file, "group": group_of(file),
            "steps": _steps[name, file], "seconds": v / 1e9}
           for (name, file), v in _seconds.most_common()]
    groups: dict[str, dict] = {}
    for row in per:
        g = groups.setdefault(row["group"], {"steps": 0, "seconds": 0.0})
        g["steps"] += row["steps"]
        g["seconds"] += row["seconds"]
    return {"cpu_at_install_s": _state.get("cpu_at_install"), "cpu_at_exit_s": time.process_time(),
            "in_steps_s": sum(_seconds.values()) / 1e9, "groups": groups, "coroutines": per}


def write() -> None:
    path = _state.get("path")
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report(), indent=1))

"""The project's replacements of library loops (tb/source_stall.py, tb/sink_ready.py)
mirror one version of the library's code each, checked by digest: install() refuses
other code, and each digest is the installed library's."""

from __future__ import annotations

import importlib

import pytest

# (module, digest constant, the function computing the installed code's digest, the
# refusal's words)
GUARDS = [
    ("tb.source_stall", "LIBRARY_RUN_SHA256", "library_run_digest", "StreamSource._run"),
    ("tb.source_stall", "LIBRARY_DRIVE_SHA256", "library_drive_digest", "Bus.drive"),
    ("tb.sink_ready", "LIBRARY_RUN_SHA256", "library_run_digest", "StreamSink._run"),
]


@pytest.mark.parametrize("module,constant,digest,words", GUARDS)
def test_install_refuses_other_library_code(monkeypatch, module, constant, digest, words):
    mod = importlib.import_module(module)
    monkeypatch.setattr(mod, constant, "0" * 64)
    with pytest.raises(mod.LibraryChanged, match=words):
        mod.install()


@pytest.mark.parametrize("module,constant,digest,words", GUARDS)
def test_the_digest_is_the_installed_library_code(module, constant, digest, words):
    mod = importlib.import_module(module)
    assert getattr(mod, digest)() == getattr(mod, constant)

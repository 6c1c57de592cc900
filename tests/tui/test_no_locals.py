"""A crash inside either app prints one line and a crash file, never locals."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App

from ips_field.crash import CRASH_DIR_ENV
from ips_field.tui.lockable import LockableApp
from ips_field.tui.no_locals import NoLocalsOnCrash


class Crashing(NoLocalsOnCrash, App[None]):
    def on_mount(self) -> None:
        note_text = "Mum said the head teacher shouted at Zebedee"  # a decrypted local
        raise RuntimeError(note_text[:0] + "boom")


async def test_crash_shows_one_line_without_locals(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv(CRASH_DIR_ENV, str(tmp_path))
    app = Crashing()
    with pytest.raises(RuntimeError):
        async with app.run_test():
            pass
    printed = capsys.readouterr()
    text = " ".join((printed.err + printed.out).split())
    assert "the app failed unexpectedly (RuntimeError)" in text
    assert "Zebedee" not in text and "note_text" not in text and "Traceback" not in text
    [crash] = list(tmp_path.iterdir())
    assert "Zebedee" not in crash.read_text() and "on_mount" in crash.read_text()


def test_both_apps_use_it() -> None:
    assert issubclass(LockableApp, NoLocalsOnCrash)

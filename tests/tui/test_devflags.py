"""The shipped app ignores Textual's developer variables unless IPS_FIELD_DEBUG=1."""

from __future__ import annotations

import os
import subprocess
import sys

from ips_field.tui.devflags import scrub

PROBE = """
import os, textual.app, textual.constants as c
from ips_field.tui.lockable import LockableApp
def fake_run(self, *a, **k):
    print(c.LOG_FILE, c.SCREENSHOT_DELAY, sorted(self.features), os.environ.get('TEXTUAL'))
textual.app.App.run = fake_run
LockableApp().run()
"""


def _run(env_extra: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    env.pop("IPS_FIELD_DEBUG", None)
    env.update(env_extra)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def test_log_screenshot_and_devtools_are_dropped(tmp_path) -> None:
    log = str(tmp_path / "textual.log")
    env = {"TEXTUAL_LOG": log, "TEXTUAL_SCREENSHOT": "1", "TEXTUAL": "devtools,debug"}
    assert _run(env) == "None -1 [] None"


def test_the_projects_own_debug_flag_keeps_them(tmp_path) -> None:
    log = str(tmp_path / "textual.log")
    env = {"TEXTUAL_LOG": log, "TEXTUAL_SCREENSHOT": "1", "IPS_FIELD_DEBUG": "1"}
    assert _run(env).startswith(f"{log} 1")


def test_scrub_keeps_terminal_compatibility_switches() -> None:
    env = {"TEXTUAL_COLOR_SYSTEM": "standard", "TEXTUAL_PRESS": "q", "HOME": "/h"}
    assert scrub(env) == ["TEXTUAL_PRESS"]
    assert env == {"TEXTUAL_COLOR_SYSTEM": "standard", "HOME": "/h"}

"""The toolkit's developer switches are off in the shipped app (DESIGN.md §3).

Textual reads ``TEXTUAL_LOG`` (a log file that would hold what is typed, the passphrase
included), ``TEXTUAL_SCREENSHOT`` (an SVG of the screen: families' names), devtools,
``TEXTUAL_PRESS`` and others from the environment. ``scrub``, called when an app is run
for real (``LockableApp.run``; tests use ``run_test`` and keep their own variables),
removes them and resets what Textual read already, unless the project's own flag
``IPS_FIELD_DEBUG=1`` is set. No Textual import here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping

DEBUG_ENV = "IPS_FIELD_DEBUG"
# Harmless terminal-compatibility switches a user may need; everything else is dropped.
KEPT = frozenset({"TEXTUAL_COLOR_SYSTEM", "TEXTUAL_ANIMATIONS", "TEXTUAL_DISABLE_KITTY_KEY"})
# What Textual already read, if it was imported first: name -> the safe value.
SAFE_CONSTANTS = {
    "LOG_FILE": None,
    "SCREENSHOT_DELAY": -1,
    "SCREENSHOT_LOCATION": None,
    "SCREENSHOT_FILENAME": None,
    "PRESS": "",
    "DEBUG": False,
    "SHOW_RETURN": False,
}


def debug_enabled(environ: MutableMapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get(DEBUG_ENV, "") == "1"


def scrub(environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Drop the toolkit's developer variables; return the names dropped (no values)."""
    env = os.environ if environ is None else environ
    if debug_enabled(env):
        return []
    dropped = [k for k in list(env) if k.startswith("TEXTUAL") and k not in KEPT]
    for key in dropped:
        del env[key]
    constants = sys.modules.get("textual.constants")
    if constants is not None and environ is None:
        for name, value in SAFE_CONSTANTS.items():
            if hasattr(constants, name):
                setattr(constants, name, value)
    return dropped

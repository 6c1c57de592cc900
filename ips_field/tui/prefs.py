"""Preferences that are not secret, in a plain file the lock screen can read before unlock.

``settings.toml`` in the platform's config folder (platformdirs; ``IPS_FIELD_CONFIG_DIR``
overrides it, for tests and portable installs)::

    theme = "ips-high-contrast"
    idle_minutes = 5
    [keymap]            # binding id = key(s), as Textual's App.set_keymap takes them
    lock = "ctrl+l,f12"

Nothing about a family or the volunteer goes here. A broken or hostile file never stops
the app: each bad value is dropped with one plain line and the default is used. No Textual.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from ips_field.store import osdeps

CONFIG_ENV = "IPS_FIELD_CONFIG_DIR"
FILE_NAME = "settings.toml"
MAX_BYTES = 16_384
IDLE_RANGE = (1.0, 120.0)
_KEY = re.compile(r"^[a-z0-9_+,\-]{1,60}$")
_ID = re.compile(r"^[a-z0-9_.\-]{1,60}$")
_THEME = re.compile(r"^[a-z0-9_\-]{1,40}$")


@dataclass
class Prefs:
    theme: str = ""
    idle_minutes: float = 5.0
    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def config_dir() -> Path:
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(osdeps.APP_NAME, appauthor=False))


def prefs_path() -> Path:
    return config_dir() / FILE_NAME


def load(path: Path | None = None) -> Prefs:
    path = path or prefs_path()
    prefs = Prefs()
    try:
        if not path.is_file():
            return prefs
        raw = path.read_bytes()
        if len(raw) > MAX_BYTES:
            prefs.problems.append("Settings file ignored: it is too large")
            return prefs
        data = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        prefs.problems.append("Settings file ignored: it is not a valid settings file")
        return prefs
    theme = data.get("theme", "")
    if isinstance(theme, str) and (not theme or _THEME.match(theme)):
        prefs.theme = theme
    else:
        prefs.problems.append("Setting 'theme' ignored: not a theme name")
    idle = data.get("idle_minutes", prefs.idle_minutes)
    if (
        isinstance(idle, int | float)
        and not isinstance(idle, bool)
        and IDLE_RANGE[0] <= idle <= IDLE_RANGE[1]
    ):
        prefs.idle_minutes = float(idle)
    else:
        prefs.problems.append("Setting 'idle_minutes' ignored: give a number from 1 to 120")
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict):
        prefs.problems.append("Setting 'keymap' ignored: it must be a table")
        keymap = {}
    for binding_id, keys in keymap.items():
        if isinstance(keys, str) and _ID.match(binding_id) and _KEY.match(keys):
            prefs.keymap[binding_id] = keys
        else:
            prefs.problems.append('A keymap entry was ignored: use  id = "key"')
    return prefs


def save(prefs: Prefs, path: Path | None = None) -> None:
    """Write the file (owner-only folder); values were validated on the way in."""
    path = path or prefs_path()
    osdeps.make_private_dir(path.parent)
    lines = [
        "# ips-field settings (no family data here). Edit, then restart the app.",
        f'theme = "{prefs.theme}"' if _THEME.match(prefs.theme or "-") else 'theme = ""',
        f"idle_minutes = {prefs.idle_minutes:g}",
        "",
        "[keymap]",
        *(
            f'{k} = "{v}"'
            for k, v in sorted(prefs.keymap.items())
            if _ID.match(k) and _KEY.match(v)
        ),
    ]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)

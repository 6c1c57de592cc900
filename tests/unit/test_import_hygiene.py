"""Nothing below the UI imports Textual or Rich (DESIGN.md §2)."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import importlib, pkgutil, sys
import ips_field.domain, ips_field.store, ips_field.templates, sync
for pkg in (ips_field.domain, ips_field.store, ips_field.templates, sync):
    for mod in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        importlib.import_module(mod.name)
import ips_field.errors
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
print(",".join(bad))
"""


def test_core_packages_do_not_import_textual_or_rich() -> None:
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""

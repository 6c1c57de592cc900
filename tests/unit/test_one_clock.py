"""One clock: nothing in the product reads the machine's clock except ``SystemClock``.

The far-date passes in ``.ci/run`` catch a stray read at run time; this catches it in code
that no test happens to run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {Path("ips_field/domain/clock.py")}
READS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "monotonic"),
    ("time", "monotonic_ns"),
    ("time", "localtime"),
    ("time", "gmtime"),
}


def wall_clock_reads(source: str) -> list[int]:
    """Line numbers of calls such as ``dt.datetime.now()`` or ``time.monotonic()``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if (name, node.func.attr) in READS:
                lines.append(node.lineno)
    return lines


def test_the_checker_sees_each_way_of_reading_the_clock() -> None:
    code = "import time, datetime as dt\ndt.datetime.now()\ndt.date.today()\ntime.monotonic()\n"
    assert wall_clock_reads(code) == [2, 3, 4]
    assert wall_clock_reads("clock.now()\nself.repo.time.today()\n") == []


@pytest.mark.parametrize("package", ["ips_field", "sync"])
def test_no_module_reads_the_wall_clock_behind_the_clock(package: str) -> None:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative in ALLOWED:
            continue
        found += [f"{relative}:{n}" for n in wall_clock_reads(path.read_text(encoding="utf-8"))]
    assert found == [], "read the injected clock instead: " + ", ".join(found)

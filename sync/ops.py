"""Operation validation: the schema every shipped op must have before it is applied."""

from __future__ import annotations

import functools
from typing import Any

from ips_field.domain.records import KINDS
from sync.errors import InvalidOperation

ACTIONS = ("put", "delete", "erase")
MAX_TEXT = 100_000
MAX_INT = 2**53  # JSON's exact integers: a larger number is not a value any record holds


def _stamp_ok(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 3
        and type(value[0]) is int
        and type(value[1]) is int
        and isinstance(value[2], str)
        and 0 <= value[0] < 2**53
        and 0 <= value[1] < 2**31
        and 0 < len(value[2]) <= 64
    )


def _numbers_ok(value: Any) -> bool:
    """Every integer inside ``value`` is within JSON's exact range (nesting is already
    bounded by the bundle parser)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is int and not -MAX_INT <= item <= MAX_INT:
            return False
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


@functools.cache
def _allowed(cls: type) -> frozenset[str]:
    return frozenset(cls.data_fields()) | {"deleted", "created_at", "origin"}  # type: ignore[attr-defined]


def validate_op(op: Any) -> dict[str, Any]:
    """Return ``op`` if well formed, else raise :class:`InvalidOperation` (one line)."""
    bad = InvalidOperation("bundle holds a malformed operation")
    if not isinstance(op, dict):
        raise bad
    for key, kind in (("id", str), ("origin", str), ("record_id", str), ("action", str)):
        if not isinstance(op.get(key), kind) or not 0 < len(op[key]) <= 64:
            raise bad
    if op["action"] not in ACTIONS or type(op.get("seq")) is not int or op["seq"] < 1:
        raise bad
    if op.get("case_id") is not None and not isinstance(op["case_id"], str):
        raise bad
    if op["action"] == "erase":
        if not op.get("case_id"):
            raise bad
        return op
    cls = KINDS.get(op.get("kind"))  # type: ignore[arg-type]
    fields, clocks = op.get("fields"), op.get("clocks")
    if cls is None or not isinstance(fields, dict) or not isinstance(clocks, dict):
        raise bad
    allowed = _allowed(cls)
    for name, value in fields.items():
        if name not in allowed or name in ("id", "kind", "clocks"):
            raise bad
        if type(value) is str:
            if len(value) > MAX_TEXT:
                raise bad
        elif not _numbers_ok(value):
            raise bad
    for name, stamp in clocks.items():
        if name not in fields or not _stamp_ok(stamp):
            raise bad
    if set(fields) - set(clocks) - {"created_at", "origin"}:
        raise bad
    prev = op.get("prev", {})
    if not isinstance(prev, dict) or any(
        name not in clocks or not _stamp_ok(stamp) for name, stamp in prev.items()
    ):
        raise bad
    if (
        cls.CASE_FIELD == "case_id"
        and "case_id" in fields
        and fields["case_id"] != op.get("case_id")
    ):
        raise bad
    return op

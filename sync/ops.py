"""Operation validation: the shape every shipped op must have before it is authorised.

Every value an op carries goes through the domain's own value rules
(:mod:`ips_field.domain.values`): the declared type of its field, dates, lengths at every
depth, UTF-8, finite numbers, integers in range. The bounds on the op itself (documented in
docs/sync.md): ``seq`` and stream positions ``1 ..`` :data:`MAX_SEQ`; clock stamps
``[wall_ms, counter, node]`` with ``0 <= wall_ms <`` :data:`MAX_WALL_MS`, ``0 <= counter <``
:data:`MAX_COUNTER` and a node id of 1 to 64 characters; at most :data:`MAX_OPS` ops per bundle
on the receiving side. A failure raises :class:`InvalidOperation` with one line naming the
field at most, never its value.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from ips_field.domain.records import KINDS
from ips_field.domain.values import ValueProblem, check_value
from sync.errors import InvalidOperation

ACTIONS = ("put", "delete", "erase")
MAX_INT = 2**53  # JSON's exact integers: a larger number is not a value any record holds
MAX_SEQ = 2**53 - 1
MAX_WALL_MS = 2**53
MAX_COUNTER = 2**31  # what every node accepts; see merge.MAX_COUNTER_KEPT for what is kept
MAX_OPS = 5000
META_OP_FIELDS = ("created_at", "origin")


def _stamp_ok(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 3
        and type(value[0]) is int
        and type(value[1]) is int
        and type(value[2]) is str
        and 0 <= value[0] < MAX_WALL_MS
        and 0 <= value[1] < MAX_COUNTER
        and 0 < len(value[2]) <= 64
    )


def stamp_ok(value: Any) -> bool:
    """Whether ``value`` is a well-formed clock stamp within both bounds."""
    return _stamp_ok(value)


def position_ok(value: Any) -> bool:
    """Whether ``value`` is a sequence number or stream position within bounds."""
    return type(value) is int and 1 <= value <= MAX_SEQ


def check_header(payload: dict[str, Any]) -> list[Any]:
    """The bundle's op list after checking the header numbers this layer relies on."""
    bad = InvalidOperation("bundle header holds a number out of range")
    if not position_ok(payload.get("seq")):
        raise bad
    ack = payload.get("ack", 0)
    if type(ack) is not int or not 0 <= ack <= MAX_SEQ:
        raise bad
    hlc = payload.get("hlc")
    if hlc is not None and not _stamp_ok(hlc) and hlc != [0, 0, ""]:
        raise InvalidOperation("bundle header holds a malformed clock")
    ops = payload.get("ops", [])
    if not isinstance(ops, list):
        raise InvalidOperation("bundle operations are malformed")
    if len(ops) > MAX_OPS:
        raise InvalidOperation(f"bundle holds more than {MAX_OPS:,} operations")
    return ops


@functools.cache
def _allowed(kind: str) -> frozenset[str]:
    return frozenset(KINDS[kind].data_fields()) | {"deleted", *META_OP_FIELDS}


def validate_op(op: Any) -> dict[str, Any]:
    """Return ``op`` if well formed, else raise :class:`InvalidOperation` (one line)."""
    bad = InvalidOperation("bundle holds a malformed operation")
    if not isinstance(op, dict):
        raise bad
    for key in ("id", "origin", "record_id", "action"):
        value = op.get(key)
        if type(value) is not str or not 0 < len(value) <= 64 or not _utf8(value):
            raise bad
    if op["action"] not in ACTIONS or not position_ok(op.get("seq")):
        raise bad
    case_id = op.get("case_id")
    if case_id is not None and (type(case_id) is not str or not 0 < len(case_id) <= 64):
        raise bad
    if not _utf8(case_id or ""):
        raise bad
    at = op.get("at", "")
    if type(at) is not str or len(at) > 64 or not _utf8(at) or (at and not _datetime_ok(at)):
        raise bad  # it becomes the record's updated_at
    if op["action"] == "erase":
        if not case_id or op["record_id"] != case_id:
            raise bad
        return op
    cls = KINDS.get(op.get("kind"))  # type: ignore[arg-type]
    fields, clocks = op.get("fields"), op.get("clocks")
    if cls is None or type(fields) is not dict or type(clocks) is not dict:
        raise bad
    allowed = _allowed(op["kind"])
    for name, value in fields.items():
        if name not in allowed:
            raise bad
        try:
            check_value(op["kind"], name, value)
        except ValueProblem as err:
            raise InvalidOperation(f"bundle holds an invalid value: {err}") from None
    for name, stamp in clocks.items():
        if name not in fields or not _stamp_ok(stamp):
            raise bad
    if set(fields) - set(clocks) - set(META_OP_FIELDS):
        raise bad
    prev = op.get("prev", {})
    if type(prev) is not dict or any(
        name not in clocks or not _stamp_ok(stamp) for name, stamp in prev.items()
    ):
        raise bad
    if cls.CASE_FIELD == "id" and case_id not in (None, op["record_id"]):
        raise bad  # a case's case is its own id
    if cls.CASE_FIELD == "case_id" and "case_id" in fields and fields["case_id"] != case_id:
        raise bad
    return op


def _datetime_ok(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

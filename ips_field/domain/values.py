"""What a stored value may be: the types and bounds of every record field, at every depth.

A record's own ``check`` (in :mod:`ips_field.domain.records`) says whether a form is
complete and sensible; this module says whether a value is of the right *shape* at all, so
that nothing received from another computer can make an everyday function raise: the type
each field is declared with, dates and times that parse, strings of bounded length that are
valid UTF-8 (no lone surrogates), no NaN or infinity, integers within JSON's exact range,
bounded lists and dictionaries. :func:`check_value` raises :class:`ValueProblem` naming the
field (never the value); :func:`check_record` runs both checks on a whole document.

Bounds (documented in docs/sync.md):

- any string, at any depth: at most ``MAX_STRING`` characters (a note's text is further
  limited by the note's own check); an id, date or time at most ``MAX_SHORT``;
- a list or dictionary: at most ``MAX_ITEMS`` entries, nested at most ``MAX_DEPTH`` deep;
  dictionary keys are strings of at most ``MAX_SHORT`` characters;
- integers: ``|n| <= MAX_INT`` (2^53); floats finite.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import types
import typing
from typing import Any

from ips_field.domain.records import KINDS, Record
from ips_field.errors import ValidationError

MAX_STRING = 20_000
MAX_SHORT = 64
MAX_ITEMS = 200
MAX_DEPTH = 4
MAX_INT = 2**53
#: Metadata every record carries, with its shape.
META_TYPES: dict[str, Any] = {"created_at": "datetime", "updated_at": "datetime", "origin": "id"}
DATE_FIELDS = {"date_of_birth"}
ID_FIELDS = {"case_id", "meeting_id", "supersedes", "source_id", "volunteer_id", "assigned_to"}


class ValueProblem(ValueError):
    """A value of the wrong shape; the message names the field, never the value."""


def _is_date_name(name: str) -> bool:
    return name == "on" or name.endswith("_on") or name in DATE_FIELDS


def _is_time_name(name: str) -> bool:
    return name.endswith("_at")


@functools.cache
def field_types(kind: str) -> dict[str, Any]:
    """Each data field of ``kind`` with its declared type (from the dataclass)."""
    cls = KINDS[kind]
    hints = typing.get_type_hints(cls)
    meta = set(Record.__dataclass_fields__)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls) if f.name not in meta}


def _text(value: Any, where: str, most: int) -> None:
    if type(value) is not str:
        raise ValueProblem(f"{where} must be text")
    if len(value) > most:
        raise ValueProblem(f"{where} is longer than {most} characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueProblem(f"{where} is not valid text (UTF-8)") from None


def _date(value: Any, where: str) -> None:
    _text(value, where, MAX_SHORT)
    if value:
        try:
            if len(value) != 10:
                raise ValueError
            dt.date.fromisoformat(value)
        except ValueError:
            raise ValueProblem(f"{where} must be a date like 2026-03-31") from None


def _datetime(value: Any, where: str) -> None:
    _text(value, where, MAX_SHORT)
    if value:
        try:
            dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueProblem(f"{where} must be a date and time") from None


def _number(value: Any, where: str, *, whole: bool) -> None:
    if type(value) is int:
        if not -MAX_INT <= value <= MAX_INT:
            raise ValueProblem(f"{where} is out of range")
        return
    if not whole and type(value) is float:
        if not math.isfinite(value):
            raise ValueProblem(f"{where} must be a finite number")
        return
    raise ValueProblem(f"{where} must be a {'whole ' if whole else ''}number")


def _json(value: Any, where: str, depth: int = 0) -> None:
    """Any JSON value, bounded (for free-form dictionaries such as settings)."""
    if depth > MAX_DEPTH:
        raise ValueProblem(f"{where} is nested too deeply")
    if value is None or type(value) is bool:
        return
    if type(value) in (int, float):
        _number(value, where, whole=False)
    elif type(value) is str:
        _text(value, where, MAX_STRING)
    elif type(value) is list:
        if len(value) > MAX_ITEMS:
            raise ValueProblem(f"{where} has more than {MAX_ITEMS} entries")
        for item in value:
            _json(item, where, depth + 1)
    elif type(value) is dict:
        if len(value) > MAX_ITEMS:
            raise ValueProblem(f"{where} has more than {MAX_ITEMS} entries")
        for key, item in value.items():
            _text(key, where, MAX_SHORT)
            _json(item, where, depth + 1)
    else:
        raise ValueProblem(f"{where} holds a value of an unknown type")


def _typed(value: Any, hint: Any, where: str, name: str) -> None:
    """Check ``value`` against the declared type ``hint`` of field ``name``."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return
        hint = next(o for o in options if o is not type(None))
        origin = typing.get_origin(hint)
    if hint is str:
        if _is_date_name(name):
            _date(value, where)
        elif _is_time_name(name):
            _datetime(value, where)
        else:
            _text(value, where, MAX_SHORT if name in ID_FIELDS else MAX_STRING)
    elif hint is bool:
        if type(value) is not bool:
            raise ValueProblem(f"{where} must be true or false")
    elif hint is int:
        _number(value, where, whole=True)
    elif hint is float:
        _number(value, where, whole=False)
    elif origin is list:
        if type(value) is not list:
            raise ValueProblem(f"{where} must be a list")
        if len(value) > MAX_ITEMS:
            raise ValueProblem(f"{where} has more than {MAX_ITEMS} entries")
        (item_hint,) = typing.get_args(hint)
        item_name = "case_id" if name == "case_ids" else "item"
        for item in value:
            _typed(item, item_hint, where, item_name)
    elif origin is dict:
        if type(value) is not dict:
            raise ValueProblem(f"{where} must be a set of named values")
        if len(value) > MAX_ITEMS:
            raise ValueProblem(f"{where} has more than {MAX_ITEMS} entries")
        _key_hint, item_hint = typing.get_args(hint)
        for key, item in value.items():
            _text(key, where, MAX_SHORT)
            if item_hint is Any:
                _json(item, where, 1)
            else:
                _typed(item, item_hint, where, "item")
    elif hint is Any:
        _json(value, where)
    else:  # pragma: no cover - a record field of a type this module does not know
        raise ValueProblem(f"{where} has a type that cannot be checked")


def check_value(kind: str, name: str, value: Any) -> None:
    """Raise :class:`ValueProblem` unless ``value`` has the shape field ``name`` of ``kind``
    is declared with (``created_at``, ``updated_at``, ``origin`` and ``deleted`` included)."""
    where = f"{kind}.{name}"
    if name == "deleted":
        if type(value) is not bool:
            raise ValueProblem(f"{where} must be true or false")
        return
    shape = META_TYPES.get(name)
    if shape == "datetime":
        _datetime(value, where)
        return
    if shape == "id":
        _text(value, where, MAX_SHORT)
        return
    types_ = field_types(kind)
    if name not in types_:
        raise ValueProblem(f"{where} is not a field of this record")
    _typed(value, types_[name], where, name)


def check_record(doc: dict[str, Any]) -> Record:
    """The record of a stored document, if every field has its shape and the record passes
    its own check; else :class:`ValueProblem` naming the first bad field."""
    kind = doc.get("kind")
    if kind not in KINDS:
        raise ValueProblem("record of an unknown kind")
    for name in (*field_types(kind), "created_at", "origin", "deleted"):
        if name in doc:
            check_value(kind, name, doc[name])
    record = KINDS[kind].from_dict(doc)
    try:
        record.validate()
    except ValidationError as err:
        first = next(iter(err.errors), "record") if hasattr(err, "errors") else "record"
        raise ValueProblem(f"{kind}.{first} does not pass the record's own check") from None
    return record

"""Operation validation: what a shipped operation may hold before it reaches the merge."""

from __future__ import annotations

import pytest

from sync.errors import InvalidOperation
from sync.ops import validate_op

STAMP = [1_763_900_000_000, 0, "node-a"]


def op(**fields: object) -> dict:
    return {
        "id": "op-1",
        "seq": 1,
        "origin": "node-a",
        "kind": "cpd",
        "record_id": "r-1",
        "action": "put",
        "fields": fields,
        "clocks": dict.fromkeys(fields, STAMP),
    }


def test_a_well_formed_op_is_returned_unchanged() -> None:
    good = op(title="Impartiality refresher", hours=2.5, topics=["impartiality"])
    assert validate_op(good) is good


@pytest.mark.parametrize(
    "value",
    [2**70, -(2**70), [1, 2**64], {"nested": [2**63]}],
    ids=["huge", "huge-negative", "in-a-list", "nested"],
)
def test_integers_beyond_json_range_are_malformed(value: object) -> None:
    with pytest.raises(InvalidOperation, match=r"invalid value: cpd\.hours"):
        validate_op(op(title="x", hours=value))


def test_unknown_field_and_text_too_long_are_malformed() -> None:
    with pytest.raises(InvalidOperation):
        validate_op(op(title="x", spaceship=1))
    with pytest.raises(InvalidOperation):
        validate_op(op(title="x" * 100_001))


def test_the_time_of_an_op_must_be_a_time() -> None:
    """It becomes the record's ``updated_at``: a word there would sort after every date."""
    good = op(title="x")
    assert validate_op({**good, "at": "2026-11-22T10:30:00+00:00"})
    with pytest.raises(InvalidOperation):
        validate_op({**good, "at": "zzzz"})
    with pytest.raises(InvalidOperation):
        validate_op({**good, "at": 20261122})

"""The shape every record field may have (ips_field/domain/values.py): what the sync layer
checks every incoming value against before anything is merged."""

from __future__ import annotations

import pytest

from ips_field.domain.records import Case, CpdEntry, Note
from ips_field.domain.values import (
    MAX_ITEMS,
    MAX_STRING,
    ValueProblem,
    check_record,
    check_value,
)


@pytest.mark.parametrize(
    ("kind", "name", "value"),
    [
        ("cpd", "on", "2026-11-01"),
        ("cpd", "hours", 2),
        ("cpd", "hours", 2.5),
        ("cpd", "topics", ["impartiality"]),
        ("case", "closed_on", None),
        ("case", "la_contacts", [{"name": "Jo", "role": "caseworker"}]),
        ("evaluation", "scores", {"impartiality": 5}),
        ("evaluation", "impartial", None),
        ("volunteer", "settings", {"theme": "dark", "sizes": [1, 2.5, None, True]}),
        ("meeting", "starts_at", "2026-11-20T10:00"),
        ("note", "created_at", "2026-11-22T10:30:00+00:00"),
        ("note", "text", "é ✓ 漢字 emoji 🙂"),
    ],
)
def test_values_of_the_declared_shape_pass(kind: str, name: str, value: object) -> None:
    check_value(kind, name, value)


@pytest.mark.parametrize(
    ("kind", "name", "value", "says"),
    [
        ("cpd", "on", 2026, "must be text"),
        ("cpd", "on", "2026", "date like"),
        ("cpd", "on", "20261101", "date like"),
        ("case", "closed_on", 20261120, "must be text"),
        ("cpd", "hours", float("nan"), "finite"),
        ("cpd", "hours", float("inf"), "finite"),
        ("cpd", "hours", True, "number"),
        ("cpd", "hours", 2**64, "out of range"),
        ("contact", "minutes", 1.5, "whole number"),
        ("note", "text", "lone \ud800", "UTF-8"),
        ("note", "text", "x" * (MAX_STRING + 1), "longer than"),
        ("cpd", "topics", ["x" * (MAX_STRING + 1)], "longer than"),
        ("cpd", "topics", ["y"] * (MAX_ITEMS + 1), "more than"),
        ("case", "la_contacts", [{"name": 7}], "must be text"),
        ("case", "la_contacts", ["Jo"], "named values"),
        ("evaluation", "scores", {"impartiality": "5"}, "whole number"),
        ("meeting", "checklist", {"stated": "yes"}, "true or false"),
        ("volunteer", "settings", {"a": [[[[[[1]]]]]]}, "nested too deeply"),
        ("volunteer", "settings", {"a": float("nan")}, "finite"),
        ("note", "deleted", 1, "true or false"),
        ("note", "created_at", "yesterday", "date and time"),
        ("note", "origin", "o" * 65, "longer than"),
        ("case", "spaceship", 1, "not a field"),
        ("case", "assigned_to", "v" * 65, "longer than"),
    ],
)
def test_values_of_another_shape_are_refused(kind: str, name: str, value, says: str) -> None:
    with pytest.raises(ValueProblem, match=says) as err:
        check_value(kind, name, value)
    assert f"{kind}.{name}" in str(err.value)
    if isinstance(value, str) and len(value) > 10:
        assert value not in str(err.value)  # the field is named, never the value


def test_a_whole_record_passes_its_own_check_too() -> None:
    good = Case(reference="R", school="S", opened_on="2026-11-01").to_dict()
    assert check_record(good).reference == "R"
    with pytest.raises(ValueProblem, match="closed_on"):
        check_record({**good, "status": "closed"})  # closed with no date
    with pytest.raises(ValueProblem, match=r"cpd\.on"):
        check_record({**CpdEntry(on="2026-11-01", title="t", hours=1.0).to_dict(), "on": 2026})
    with pytest.raises(ValueProblem, match=r"note\.text"):
        check_record({**Note(case_id="c", text="t").to_dict(), "text": ""})
    with pytest.raises(ValueProblem, match="unknown kind"):
        check_record({"kind": "spaceship"})

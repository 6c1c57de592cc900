"""The office's case search: every word must match, in any field, in any case."""

from __future__ import annotations

import pytest

from ips_field.actions.office.search import CaseIndex
from ips_field.domain.records import Case, Child, Consent, Family, Note
from ips_field.store.repository import Repository
from ips_field.store.table import MemoryStore

NAMES = {"v1": "Vera Stone", "v2": "Wes Hale"}


@pytest.fixture
def index() -> CaseIndex:
    repo = Repository(MemoryStore(), node_id="office")
    rows = [
        ("K-1", "Ashdown", "Leo", "Kestrel Academy", "v1", "open"),
        ("K-2", "Barraclough", "Maisie", "Kestrel Academy", "v2", "open"),
        ("W-3", "Ashworth", "Ivy", "Willow Primary", "v2", "closed"),
    ]
    for ref, family, child, school, vid, status in rows:
        extra = {"closed_on": "2026-10-01", "outcome": "done"} if status == "closed" else {}
        case = repo.save(
            Case(reference=ref, school=school, opened_on="2026-01-01", assigned_to=vid,
                 status=status, **extra)
        )  # fmt: skip
        repo.save(Family(case_id=case.id, family_name=family, parents=[{"name": "P"}]))
        repo.save(Child(case_id=case.id, name=child, year_group="Year 3"))
        repo.save(Consent(case_id=case.id, purpose="record", given_on="2026-01-01"))
        if ref == "K-2":
            flagged = repo.add_note(Note(case_id=case.id, text="You should", flags=[{"p": 1}]))
            repo.add_note(Note(case_id=case.id, text="Also you should", flags=[{"p": 1}]))
            repo.correct_note(flagged.id, "One option is", "neutral")
        if ref == "K-1":
            gone = repo.add_note(Note(case_id=case.id, text="You must", flags=[{"p": 1}]))
            repo.delete(Note, gone.id)  # a tombstone is not counted
    erased = repo.save(Case(reference="K-9", school="Kestrel Academy", opened_on="2026-01-01"))
    repo.delete(Case, erased.id)  # a deleted case is not listed
    return CaseIndex.build(repo, NAMES)


def refs(rows) -> list[str]:
    return [r.reference for r in rows]


def test_words_match_in_any_field_and_any_order(index: CaseIndex) -> None:
    assert refs(index.search("ash")) == ["K-1", "W-3"]
    assert refs(index.search("KESTREL ash")) == ["K-1"]
    assert refs(index.search("hale willow")) == ["W-3"]  # volunteer's name and school
    assert refs(index.search("nobody")) == []
    assert refs(index.search("  leo   kestrel ")) == ["K-1"]  # spaces do not matter
    assert refs(index.search("")) == ["K-1", "K-2", "W-3"]


def test_status_and_volunteer_filters(index: CaseIndex) -> None:
    assert refs(index.search(status="open")) == ["K-1", "K-2"]
    assert refs(index.search(status="closed")) == ["W-3"]
    assert refs(index.search(volunteer="v2")) == ["K-2", "W-3"]
    assert refs(index.search("ash", status="open", volunteer="v2")) == []
    assert refs(index.search("kestrel", volunteer="v1")) == ["K-1"]
    assert refs(index.search(volunteer="v9")) == []


def test_flagged_notes_count_only_current_ones(index: CaseIndex) -> None:
    flagged = {r.reference: r.flagged_notes for r in index.rows}  # K-9 was deleted
    assert flagged == {"K-1": 0, "K-2": 1, "W-3": 0}  # the corrected one no longer counts


def test_rows_carry_what_the_list_shows(index: CaseIndex) -> None:
    [row] = index.search("maisie")
    assert (row.reference, row.family, row.child, row.school) == (
        "K-2",
        "Barraclough",
        "Maisie",
        "Kestrel Academy",
    )
    assert (row.status, row.volunteer_id, row.volunteer, row.opened_on) == (
        "open",
        "v2",
        "Wes Hale",
        "2026-01-01",
    )

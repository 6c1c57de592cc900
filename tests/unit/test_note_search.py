"""Search across the volunteer's own notes: current wording only, case blind, every word."""

from __future__ import annotations

import datetime as dt

from ips_field.actions.volunteer.notes import search_notes
from ips_field.domain.records import Case, Consent, Note
from ips_field.store.repository import Repository
from ips_field.store.table import MemoryStore


def _repo(clock) -> Repository:  # type: ignore[no-untyped-def]
    repo = Repository(MemoryStore(), node_id="volunteer-node", clock=clock)
    for ref in ("C-1", "C-2"):
        case = repo.save(Case(reference=ref, school="Oak School", opened_on="2026-11-01"))
        repo.save(Consent(case_id=case.id, purpose="record", given_on="2026-11-01"))
    return repo


def _cases(repo: Repository) -> dict[str, Case]:
    return {c.reference: c for c in repo.all(Case)}


def test_finds_case_blind_on_every_case_newest_first(clock) -> None:
    repo = _repo(clock)
    one, two = _cases(repo)["C-1"], _cases(repo)["C-2"]
    repo.add_note(
        Note(
            case_id=one.id, text="Rang the school about TRANSPORT", written_at="2026-11-02T10:00:00"
        )
    )
    repo.add_note(
        Note(case_id=two.id, text="Transport form sent to the LA", written_at="2026-11-03T10:00:00")
    )
    repo.add_note(
        Note(case_id=two.id, text="Nothing to do with buses", written_at="2026-11-04T10:00:00")
    )
    hits = search_notes(repo, "transport")
    assert [h.note.text for h in hits] == [
        "Transport form sent to the LA",
        "Rang the school about TRANSPORT",
    ]
    assert [h.case.reference for h in hits] == ["C-2", "C-1"]
    assert [h.note.text for h in search_notes(repo, "  school   transport ")] == [
        "Rang the school about TRANSPORT"
    ]  # every word, in any order


def test_a_correction_replaces_the_note_it_corrects(clock) -> None:
    repo = _repo(clock)
    case = _cases(repo)["C-1"]
    old = repo.add_note(Note(case_id=case.id, text="Meeting on Tuesdya"))
    new = repo.correct_note(old.id, "Meeting on Tuesday", "typo")
    assert search_notes(repo, "tuesdya") == []
    assert [h.note.id for h in search_notes(repo, "TUESDAY")] == [new.id]


def test_empty_or_blank_query_finds_nothing_and_the_limit_holds(clock) -> None:
    repo = _repo(clock)
    case = _cases(repo)["C-1"]
    for i in range(5):
        repo.add_note(Note(case_id=case.id, text=f"call {i}"))
    assert search_notes(repo, "") == [] and search_notes(repo, "   ") == []
    assert len(search_notes(repo, "call", limit=3)) == 3
    assert search_notes(repo, "call", limit=-1) == []


def test_speaker_and_owner_are_searched_too(clock) -> None:
    repo = _repo(clock)
    case = _cases(repo)["C-1"]
    repo.add_note(
        Note(
            case_id=case.id,
            voice="agreed_action",
            text="Send the report",
            owner="Ms Senco",
            due_on=(dt.date(2026, 12, 1)).isoformat(),
        )
    )
    assert [h.note.owner for h in search_notes(repo, "senco")] == ["Ms Senco"]

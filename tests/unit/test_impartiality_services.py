"""Impartiality services and retention purge over a real repository."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ips_field.actions.note_flags import flagged_notes, note_flags
from ips_field.actions.volunteer.conflict_checks import (
    WARN_PENDING,
    checks_for,
    recheck_open_cases,
    run_conflict_check,
)
from ips_field.actions.volunteer.cpd import cpd_totals
from ips_field.actions.volunteer.evaluations import (
    may_contact_for_evaluation,
    record_evaluation_sent,
)
from ips_field.actions.volunteer.outreach import consultation_list
from ips_field.actions.volunteer.retention import purge_cases, purge_due
from ips_field.domain.records import (
    Case,
    Child,
    ConflictCheck,
    Consent,
    CpdEntry,
    Evaluation,
    Family,
    Interest,
    Note,
)
from ips_field.store.repository import Repository
from ips_field.store.store import KdfParams, Store
from ips_field.store.table import MemoryStore

TODAY = dt.date(2026, 11, 22)
MARKER = "QUOKKAFAMILY"


def new_case(
    repo: Repository, school: str, area: str = "Eastlea", parent: str = "Pat Parent"
) -> Case:
    case = repo.save(
        Case(reference=f"R{len(repo.all(Case))}", school=school, opened_on="2026-11-01")
    )
    repo.save(Family(case_id=case.id, family_name="F", area=area, parents=[{"name": parent}]))
    repo.save(Child(case_id=case.id, name="Kit Child", year_group="Year 3"))
    repo.save(Consent(case_id=case.id, purpose="record", given_on="2026-11-01"))
    return case


@pytest.fixture
def repo() -> Repository:
    return Repository(MemoryStore())


def test_governor_blocks_and_result_is_stored(repo: Repository) -> None:
    repo.save(
        Interest(
            interest_type="governor",
            organisation="St Mary's C of E Primary School",
            declared_on="2026-01-01",
        )
    )
    case = new_case(repo, "Saint Marys CE Primary")
    outcome = run_conflict_check(repo, case.id, trigger="case created")
    assert outcome.result.outcome == "block"
    stored = repo.for_case(ConflictCheck, case.id)
    assert [c.outcome for c in stored] == ["block"] and stored[0].trigger == "case created"
    blocked = repo.get(Case, case.id).blocked_reason
    assert "Governor" in blocked and "reassign" in blocked
    assert "Pat Parent" not in blocked


def test_neighbourhood_warning_needs_a_reason(repo: Repository) -> None:
    repo.save(Interest(interest_type="home_area", area="Fenwick", declared_on="2026-01-01"))
    case = new_case(repo, "Willowbrook Primary", area="fenwick")
    outcome = run_conflict_check(repo, case.id, trigger="case created")
    assert outcome.result.outcome == "warn" and outcome.check is None
    assert repo.for_case(ConflictCheck, case.id) == []
    assert repo.get(Case, case.id).blocked_reason == WARN_PENDING
    outcome = run_conflict_check(
        repo, case.id, trigger="case created", override_reason="Other side of a large estate"
    )
    [check] = repo.for_case(ConflictCheck, case.id)
    assert check.outcome == "warn" and check.override_reason == "Other side of a large estate"
    assert repo.get(Case, case.id).blocked_reason == ""


def test_declaring_an_interest_rechecks_open_cases(repo: Repository) -> None:
    case = new_case(repo, "Oakfield Primary School", parent="Sam Friend")
    assert run_conflict_check(repo, case.id, trigger="case created").result.outcome == "clear"
    repo.save(Interest(interest_type="friend", person="Sam Friend", declared_on="2026-11-20"))
    [outcome] = recheck_open_cases(repo, trigger="interest declared")
    assert outcome.result.outcome == "block"
    assert [c.outcome for c in checks_for(repo, case.id)] == ["clear", "block"]
    interest = repo.all(Interest)[0]
    repo.save(interest.replace(ended_on="2026-11-21"))
    recheck_open_cases(repo, trigger="interest ended")
    assert repo.get(Case, case.id).blocked_reason == ""


def test_cpd_totals_and_flagged_notes(repo: Repository) -> None:
    repo.save(CpdEntry(on="2026-02-01", title="A", hours=2, topics=["impartiality", "sen_law"]))
    repo.save(CpdEntry(on="2026-05-01", title="B", hours=1.5, topics=["sen_law"]))
    repo.save(CpdEntry(on="2025-05-01", title="C", hours=3, topics=[]))
    totals = cpd_totals(repo)
    assert totals[2026] == {"all": 3.5, "impartiality": 2, "sen_law": 3.5}
    assert totals[2025] == {"all": 3, "other": 3}
    case = new_case(repo, "S")
    rules = (
        __import__("ips_field.templates", fromlist=["load_templates"]).load_templates()[0].language
    )
    flags = note_flags("I think you should ask for a review", rules)
    assert flags and flags[0]["alternative"]
    flagged = repo.add_note(Note(case_id=case.id, text="you should ask", flags=flags))
    repo.add_note(Note(case_id=case.id, text="neutral wording"))
    assert [n.id for n in flagged_notes(repo)] == [flagged.id]
    repo.correct_note(flagged.id, "one option is to ask", "neutral wording")
    assert flagged_notes(repo) == []


def test_evaluation_and_consultation(repo: Repository) -> None:
    case = new_case(repo, "S")
    assert not may_contact_for_evaluation(repo, case.id, TODAY)
    repo.save(Consent(case_id=case.id, purpose="contact_evaluation", given_on="2026-11-01"))
    repo.save(Consent(case_id=case.id, purpose="willing_consulted", given_on="2026-11-01"))
    assert may_contact_for_evaluation(repo, case.id, TODAY)
    record_evaluation_sent(repo, case.id, stage="closing", how="email", on=TODAY)
    [ev] = repo.for_case(Evaluation, case.id)
    assert ev.sent_on == "2026-11-22" and ev.sent_how == "email"
    assert consultation_list(repo, TODAY) == [(case.reference, "Pat Parent")]


def test_purge_due_rule() -> None:
    repo = Repository(MemoryStore())
    old = repo.save(
        Case(
            reference="A",
            school="S",
            opened_on="2026-01-01",
            status="closed",
            closed_on="2026-02-01",
            outcome="done",
            office_confirmed_on="2026-10-01",
        )
    )
    repo.save(
        Case(
            reference="B",
            school="S",
            opened_on="2026-01-01",
            status="closed",
            closed_on="2026-02-01",
            outcome="done",
            office_confirmed_on="2026-11-20",
        )
    )
    repo.save(
        Case(
            reference="C",
            school="S",
            opened_on="2026-01-01",
            status="closed",
            closed_on="2026-02-01",
            outcome="done",
        )
    )
    assert purge_due(repo, TODAY, 30) == [old.id]
    assert purge_due(repo, dt.date(2026, 10, 30), 30) == []
    assert purge_due(repo, dt.date(2026, 10, 31), 30) == [old.id]


def test_purge_leaves_no_trace_in_store_or_previous_generation(tmp_path: Path) -> None:
    path = tmp_path / "v.ipsf"
    with Store.create(path, "purge test passphrase", kdf=KdfParams.FOR_TESTS) as store:
        repo = Repository(store)
        gone = new_case(repo, f"{MARKER} School", parent=f"{MARKER} Parent")
        repo.add_note(Note(case_id=gone.id, text=f"{MARKER} said something"))
        kept = new_case(repo, "Kept School")
        store.compact()  # the marker is now in the base and, after the next compaction, in .prev
        repo.save(
            repo.get(Case, gone.id).replace(
                status="closed",
                closed_on="2026-10-01",
                outcome="done",
                office_confirmed_on="2026-10-02",
            )
        )
        store.compact()
        report = purge_cases(repo, store, purge_due(repo, TODAY, 30))
        assert report.case_ids == [gone.id] and report.records >= 4 and report.operations >= 4
        assert repo.get(Case, kept.id) is not None
    for name in (path, path.with_name(path.name + ".prev")):
        copy = tmp_path / "copy.ipsf"
        copy.write_bytes(name.read_bytes())
        with Store.open(copy, "purge test passphrase") as s:
            text = json.dumps(s._read())
            assert MARKER not in text and gone.id not in text
            assert "Kept School" in text
        copy.unlink()

"""Domain validation and the repository's operation log and clocks."""

from __future__ import annotations

import datetime as dt

import pytest

from ips_field.domain.clock import HybridClock
from ips_field.domain.records import (
    KINDS,
    Case,
    Child,
    ConflictCheck,
    Consent,
    CpdEntry,
    Evaluation,
    Family,
    Interest,
    Meeting,
    Note,
    SupervisionEntry,
)
from ips_field.errors import ValidationError
from ips_field.store.repository import Repository, Unchecked
from ips_field.store.table import MemoryStore
from tests.conftest import FuncClock

NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)

BAD = [
    (Case(reference="", school="", opened_on="31/03/2026"), {"reference", "school", "opened_on"}),
    (
        Case(reference="R", school="S", opened_on="2026-01-01", status="closed"),
        {"closed_on", "outcome"},
    ),
    (Family(case_id="c", family_name="F", parents=[]), {"parents"}),
    (
        Family(case_id="c", family_name="F", parents=[{"name": "", "email": "x"}]),
        {"parents.0.name", "parents.0.email"},
    ),
    (Child(case_id="c", name="K"), {"date_of_birth"}),
    (
        Consent(
            case_id="c", purpose="share_named_party", given_on="2026-01-02", expires_on="2026-01-01"
        ),
        {"named_party", "expires_on"},
    ),
    (
        Meeting(case_id="c", meeting_type="x", starts_at="tomorrow", volunteer_role="boss"),
        {"starts_at", "volunteer_role"},
    ),
    (Note(case_id="c", voice="professional_view", text="t"), {"speaker"}),
    (Note(case_id="c", voice="agreed_action", text="t", due_on="soon"), {"owner", "due_on"}),
    (Note(case_id="c", text="t", supersedes="n1"), {"reason"}),
    (Interest(interest_type="friend", declared_on="2026-01-01"), {"person"}),
    (CpdEntry(on="2026-01-01", title="T", hours=0, topics=["astrology"]), {"hours", "topics"}),
    (
        SupervisionEntry(on="2026-01-01", supervisor="S", impartiality_concern=True),
        {"coaching", "follow_up_on"},
    ),
    (Evaluation(case_id="c", scores={"impartiality": 9}), {"scores.impartiality"}),
    (ConflictCheck(case_id="c", outcome="warn"), {"override_reason"}),
]


@pytest.mark.parametrize(("record", "fields"), BAD, ids=[type(r).__name__ for r, _ in BAD])
def test_validation_names_each_bad_field(record, fields) -> None:
    with pytest.raises(ValidationError) as err:
        record.validate()
    assert fields <= set(err.value.errors), err.value.errors
    assert "\n" not in str(err.value)


def test_every_kind_has_a_valid_example() -> None:
    good = {
        "volunteer": dict(name="V"),
        "interest": dict(interest_type="governor", organisation="S", declared_on="2026-01-01"),
        "case": dict(reference="R", school="S", opened_on="2026-01-01"),
        "family": dict(case_id="c", family_name="F", parents=[{"name": "P"}]),
        "child": dict(case_id="c", name="K", year_group="Year 1"),
        "consent": dict(case_id="c", given_on="2026-01-01"),
        "meeting": dict(case_id="c", meeting_type="exclusion", starts_at="2026-01-01T10:00"),
        "note": dict(case_id="c", text="t"),
        "contact": dict(case_id="c", on="2026-01-01"),
        "signposting": dict(case_id="c", source_id="ipsea", on="2026-01-01"),
        "cpd": dict(on="2026-01-01", title="T", hours=1),
        "supervision": dict(on="2026-01-01", supervisor="S"),
        "evaluation": dict(case_id="c", scores={"impartiality": 5}),
        "outreach": dict(on="2026-01-01", organisation="O"),
        "conflict_check": dict(case_id="c"),
        "key_date": dict(case_id="c", which="decision_letter", on="2026-01-01"),
    }
    assert set(good) == set(KINDS)
    for kind, values in good.items():
        KINDS[kind](**values).validate()


def repo() -> Repository:
    ticks = iter(range(10**6))
    return Repository(
        MemoryStore(),
        node_id="n1",
        clock=FuncClock(lambda: NOW + dt.timedelta(seconds=next(ticks))),
    )


def test_one_op_per_change_with_only_changed_fields_and_rising_clocks() -> None:
    r = repo()
    case = r.save(Case(reference="R", school="S", opened_on="2026-01-01"))
    [create] = r.outbox()
    assert (
        create["action"] == "put"
        and create["record_id"] == case.id
        and create["case_id"] == case.id
    )
    assert set(create["fields"]) >= {"reference", "school", "created_at", "origin"}
    r.save(case)  # nothing changed: no op
    assert len(r.outbox()) == 1
    edited = r.save(case.replace(school="T"))
    ops = r.outbox()
    assert [op["seq"] for op in ops] == [1, 2]
    assert ops[1]["fields"] == {"school": "T"} and set(ops[1]["clocks"]) == {"school"}
    assert ops[1]["prev"] == {"school": create["clocks"]["school"]}
    assert tuple(edited.clocks["school"]) > tuple(edited.clocks["reference"])
    assert r.outbox(after_seq=1) == [ops[1]]


def test_tombstone_hides_but_keeps_the_record() -> None:
    r = repo()
    case = r.save(Case(reference="R", school="S", opened_on="2026-01-01"))
    r.delete(Case, case.id)
    assert r.all(Case) == [] and r.get(Case, case.id).deleted
    assert r.outbox()[-1]["action"] == "delete"


def test_notes_are_append_only_with_history() -> None:
    r = repo()
    r.save(Consent(case_id="c", purpose="record", given_on="2026-01-01"))
    note = r.add_note(Note(case_id="c", text="first"))
    with pytest.raises(ValidationError):
        r.save(note.replace(text="changed in place"))
    fixed = r.correct_note(note.id, "second", "typo")
    assert [n.text for n in r.current_notes("c")] == ["second"]
    assert [n.text for n in r.note_history(fixed.id)] == ["first", "second"]
    with pytest.raises(ValidationError):
        r.correct_note(note.id, "third", "")


def test_consent_boundaries() -> None:
    r = repo()
    r.save(
        Consent(
            case_id="c", purpose="represent_views", given_on="2026-01-10", expires_on="2026-02-10"
        )
    )
    day = dt.date.fromisoformat
    assert not r.has_consent("c", "represent_views", day("2026-01-09"))
    assert r.has_consent("c", "represent_views", day("2026-01-10"))
    assert r.has_consent("c", "represent_views", day("2026-02-10"))
    assert not r.has_consent("c", "represent_views", day("2026-02-11"))
    [c] = r.all(Consent)
    r.save(c.replace(withdrawn_on="2026-01-20", withdrawal_reason="asked"))
    assert not r.has_consent("c", "represent_views", day("2026-01-20"))
    assert r.has_consent("c", "represent_views", day("2026-01-19"))


def test_rolled_back_transaction_leaves_no_op_and_no_record() -> None:
    r = repo()
    with pytest.raises(RuntimeError), r.transaction():
        r.save(Case(reference="R", school="S", opened_on="2026-01-01"))
        raise RuntimeError("boom")
    assert r.all(Case) == [] and r.outbox() == [] and r.last_seq == 0
    r.save(Case(reference="R2", school="S", opened_on="2026-01-01"))
    assert [op["seq"] for op in r.outbox()] == [1]


def test_hybrid_clock_never_goes_backwards() -> None:
    walls = iter([1000, 900, 900, 2000])
    clock = HybridClock("n", wall=lambda: next(walls))
    stamps = [clock.tick() for _ in range(4)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 4
    clock.observe((5000, 3, "other"))
    assert clock.last[:2] == (5000, 3)


# -- rules where records are written (domain/rules.py) -----------------------------------


@pytest.fixture
def ruled() -> Repository:
    return Repository(MemoryStore(), node_id="v", clock=FuncClock(lambda: NOW), rules=True)


def _open_case(repo: Repository, *, record: bool = True, represent: bool = False) -> Case:
    case = repo.save(Case(reference="R1", school="Oak School", opened_on="2026-01-01"))
    if record:
        repo.save(Consent(case_id=case.id, purpose="record", given_on="2026-01-01"))
    if represent:
        repo.save(Consent(case_id=case.id, purpose="represent_views", given_on="2026-01-01"))
    return case


def _stored_notes(repo: Repository) -> int:
    return len(repo.table("note").all())


@pytest.mark.parametrize(
    "reason",
    [
        "You are a governor at this school. Ask the office to reassign this case.",
        "Conflict warning not answered yet: give a reason to continue, or ask the office.",
    ],
)
def test_blocked_or_unanswered_warning_refuses_meeting_preparation_and_note(ruled, reason):
    case = _open_case(ruled)
    meeting = ruled.save(
        Meeting(case_id=case.id, meeting_type="ehc_annual_review", starts_at="2026-12-01T10:00")
    )
    ruled.save(case.replace(blocked_reason=reason))
    before = len(ruled.outbox())
    with pytest.raises(ValidationError, match="blocked"):
        ruled.save(
            Meeting(case_id=case.id, meeting_type="ehc_annual_review", starts_at="2026-12-02T10:00")
        )
    with pytest.raises(ValidationError, match="blocked"):
        ruled.save(meeting.replace(parent_views="She wants a reading assessment"))
    with pytest.raises(ValidationError, match="blocked"):
        ruled.add_note(Note(case_id=case.id, text="A phone call"))
    assert len(ruled.outbox()) == before and _stored_notes(ruled) == 0
    ruled.save(meeting.replace(status="cancelled"))  # cancelling is still allowed
    ruled.save(case.replace(blocked_reason=""))  # once resolved (office, or a reason given)
    ruled.add_note(Note(case_id=case.id, text="A phone call"))
    assert _stored_notes(ruled) == 1


def test_no_note_without_current_record_consent_except_consent_asked(ruled):
    case = _open_case(ruled, record=False)
    with pytest.raises(ValidationError, match="consent to keep a record"):
        ruled.add_note(Note(case_id=case.id, text="Talked about the school"))
    ruled.add_note(Note(case_id=case.id, voice="consent_asked", text="Asked for consent"))
    consent = ruled.save(Consent(case_id=case.id, purpose="record", given_on="2026-11-01"))
    ruled.add_note(Note(case_id=case.id, text="Talked about the school"))
    ruled.save(consent.replace(withdrawn_on="2026-11-20", withdrawal_reason="changed mind"))
    with pytest.raises(ValidationError, match="consent to keep a record"):
        ruled.add_note(Note(case_id=case.id, text="One more"))
    old = ruled.save(Consent(case_id=case.id, purpose="record", given_on="2025-01-01"))
    ruled.save(old.replace(expires_on="2026-06-01"))  # an expired one does not count either
    with pytest.raises(ValidationError):
        ruled.add_note(Note(case_id=case.id, text="One more"))
    assert _stored_notes(ruled) == 2


def test_represent_role_and_its_notes_need_current_consent(ruled):
    case = _open_case(ruled)
    plan = Meeting(
        case_id=case.id,
        meeting_type="ehc_annual_review",
        starts_at="2026-12-01T10:00",
        volunteer_role="represent",
        role_statement="Ms A has given me permission to represent their views.",
    )
    with pytest.raises(ValidationError, match="Represent needs a current consent"):
        ruled.save(plan)
    consent = ruled.save(Consent(case_id=case.id, purpose="represent_views", given_on="2026-11-01"))
    meeting = ruled.save(plan)
    ruled.add_note(Note(case_id=case.id, meeting_id=meeting.id, text="Ms A's view, relayed"))
    ruled.save(consent.replace(withdrawn_on="2026-11-21", withdrawal_reason="wants to speak"))
    with pytest.raises(ValidationError, match="no longer current"):
        ruled.add_note(Note(case_id=case.id, meeting_id=meeting.id, text="Another relayed"))
    # Support with the old statement would claim a permission that is gone: refused.
    with pytest.raises(ValidationError, match="role statement says you represent"):
        ruled.save(meeting.replace(volunteer_role="support"))
    ruled.save(meeting.replace(volunteer_role="support", role_statement="I support Ms A."))
    ruled.add_note(Note(case_id=case.id, meeting_id=meeting.id, text="Ms A said it herself"))


def test_rules_are_on_by_default_for_every_writer():
    plain = Repository(MemoryStore(), node_id="v", clock=FuncClock(lambda: NOW))
    case = plain.save(Case(reference="R1", school="S", opened_on="2026-01-01"))
    with pytest.raises(ValidationError, match="consent to keep a record"):
        plain.add_note(Note(case_id=case.id, text="A phone call"))
    plain.save(case.replace(blocked_reason="You are a governor at this school."))
    with pytest.raises(ValidationError, match="blocked"):
        plain.save(Meeting(case_id=case.id, meeting_type="other", starts_at="2026-12-01T10:00"))
    assert _stored_notes(plain) == 0 and plain.all(Meeting) == []


def test_the_rules_are_bypassed_only_by_name():
    with pytest.raises(TypeError, match="by name"):
        Repository(MemoryStore(), node_id="o", rules=False)
    office = Repository(
        MemoryStore(), node_id="o", clock=FuncClock(lambda: NOW), unchecked=Unchecked.OFFICE_MASTER
    )
    case = office.save(Case(reference="R1", school="S", opened_on="2026-01-01"))
    office.add_note(Note(case_id=case.id, text="a supervisor's resolution"))
    assert _stored_notes(office) == 1


def test_a_meeting_is_held_on_its_day_not_before(ruled):
    """Found in review: F7 the evening before recorded tomorrow's meeting as held, its role
    statement as read out. The store refuses both, and the role-statement note, until the
    meeting's day; a meeting happening now has its date corrected first."""
    case = _open_case(ruled)  # the clock says 22 November 2026
    tomorrow = ruled.save(
        Meeting(case_id=case.id, meeting_type="other", starts_at="2026-11-23T09:30")
    )
    stated = "2026-11-22T18:00:00+00:00"
    for change in ({"status": "held"}, {"role_stated_at": stated}):
        with pytest.raises(ValidationError, match="dated 23 November 2026"):
            ruled.save(tomorrow.replace(**change))
    with pytest.raises(ValidationError, match="before that day"):
        ruled.add_note(
            Note(case_id=case.id, meeting_id=tomorrow.id, voice="ips_role_statement", text="I")
        )
    assert _stored_notes(ruled) == 0
    assert ruled.get(Meeting, tomorrow.id).status == "planned"
    ruled.save(ruled.get(Meeting, tomorrow.id).replace(status="cancelled"))  # that still can
    now = ruled.save(tomorrow.replace(starts_at="2026-11-22T09:30"))  # date corrected
    ruled.add_note(Note(case_id=case.id, meeting_id=now.id, voice="ips_role_statement", text="I"))
    ruled.save(now.replace(status="held", role_stated_at=stated))
    assert ruled.get(Meeting, now.id).status == "held" and _stored_notes(ruled) == 1
    # One recorded held early by an older version stays editable (only becoming held is checked).
    older = Repository(ruled.store, clock=ruled.time, unchecked=Unchecked.OFFICE_MASTER)
    early = older.save(tomorrow.replace(id="early", status="held", role_stated_at=stated))
    ruled.save(early.replace(parent_views="Wants a quiet space"))
    assert ruled.get(Meeting, "early").parent_views == "Wants a quiet space"


def test_reschedule_moves_a_meeting_not_yet_held_and_a_held_one_keeps_its_date(ruled):
    from ips_field.actions.volunteer.preparation import reschedule

    case = _open_case(ruled)
    m = ruled.save(
        Meeting(
            case_id=case.id,
            meeting_type="other",
            starts_at="2026-11-23T09:30",
            parent_views="Wants a quiet space",
        )
    )
    for typed in ("31/02/2026 10:00", "22/11/2026", "tomorrow 10:00"):
        with pytest.raises(ValidationError, match="like 24/11/2026 10:00"):
            reschedule(ruled, m.id, typed)
    assert ruled.get(Meeting, m.id).starts_at == "2026-11-23T09:30"
    moved = reschedule(ruled, m.id, " 22/11/2026 09:45 ")
    assert moved.starts_at == "2026-11-22T09:45" and moved.parent_views == "Wants a quiet space"
    ruled.save(moved.replace(status="held"))
    with pytest.raises(ValidationError, match="keeps its date"):
        reschedule(ruled, m.id, "01/12/2026 10:00")


def test_a_role_statement_note_never_claims_a_permission_not_current(ruled):
    case = _open_case(ruled)
    meeting = ruled.save(
        Meeting(case_id=case.id, meeting_type="other", starts_at="2026-11-22T10:00")
    )
    claim = "Ms A has given me permission to represent their views."
    with pytest.raises(ValidationError, match="represent"):
        ruled.add_note(
            Note(case_id=case.id, meeting_id=meeting.id, voice="ips_role_statement", text=claim)
        )
    with pytest.raises(ValidationError, match="represent"):
        ruled.add_note(Note(case_id=case.id, voice="ips_role_statement", text=claim))
    ruled.add_note(
        Note(case_id=case.id, meeting_id=meeting.id, voice="ips_role_statement", text="I support")
    )
    assert _stored_notes(ruled) == 1

"""Case review at the office: each note's author from its origin, flags marked reviewed,
coaching follow-ups for the author (policy 8.2); evaluations returned, edited, deleted."""

from __future__ import annotations

import datetime as dt

import pytest

from ips_field.actions import office as ov
from ips_field.actions.office import protection, review
from ips_field.actions.office.assignment import assign
from ips_field.actions.office.documents import monitoring_for
from ips_field.domain.records import Case, Consent, Evaluation, Note, SupervisionEntry
from ips_field.errors import ValidationError
from sync import audit
from sync.exchange import export_bundle, import_bundle
from sync.reviews import COACHING, FLAG_REVIEWS
from tests.office_world import World


def flagged(world: World) -> Note:
    return next(n for n in world.office.repo.for_case(Note, world.case_id) if n.flags)


def dale_case(world: World) -> str:
    case = world.anna.repo.save(
        Case(reference="A-002", school="Dale School", opened_on="2026-11-03", assigned_to=world.a)
    )
    world.anna.repo.save(
        Consent(case_id=case.id, purpose="record", given_by="Dee", given_on="2026-11-03")
    )
    world.anna.repo.add_note(
        Note(
            case_id=case.id,
            voice="option",
            text="You must appeal",
            flags=[{"phrase": "you must", "alternative": "one option is"}],
        )
    )
    import_bundle(
        world.office, export_bundle(world.anna, world.office.node_id, world.tmp / "d"), world.tmp
    )
    return case.id


def test_author_is_the_writer_not_the_new_assignee(world: World) -> None:
    dale = dale_case(world)
    assign(world.office, dale, world.b)  # handed to Ben after Anna wrote the note
    note = next(n for n in world.office.repo.for_case(Note, dale) if n.flags)
    assert world.office.repo.get(Case, dale).assigned_to == world.b
    assert review.author_of(world.office, note) == review.Author(world.a, "Anna")


def test_mark_a_flag_reviewed_with_a_note_audited(world: World) -> None:
    note = flagged(world)
    entry = review.review_flag(world.office, note.id, "  Talked it through with Anna  ")
    assert entry["note"] == "Talked it through with Anna"
    assert review.reviews_for_case(world.office, world.case_id)[note.id]["note"] == entry["note"]
    last = audit.entries(world.office)[-1]
    assert last["action"] == "flag_review" and "Talked" not in last["detail"]
    assert world.office.repo.get(Note, note.id).flags == note.flags  # the note is unchanged
    assert audit.verify(world.office).ok


def test_review_refuses_bad_input_and_changes_nothing(world: World) -> None:
    plain = next(n for n in world.office.repo.for_case(Note, world.case_id) if not n.flags)
    before = len(audit.entries(world.office))
    for note_id, text in [(flagged(world).id, "   "), (plain.id, "ok"), ("nope", "ok")]:
        with pytest.raises(ValidationError):
            review.review_flag(world.office, note_id, text)
    with pytest.raises(ValidationError):
        review.review_flag(world.office, flagged(world).id, "x" * 2001)
    assert world.office.store.table(FLAG_REVIEWS).all() == []
    assert len(audit.entries(world.office)) == before


def test_coaching_follow_up_for_the_author_linked_to_supervision(world: World) -> None:
    today = world.office.repo.time.today()
    note = flagged(world)
    [session] = [s for s in world.office.repo.all(SupervisionEntry) if s.origin == world.a]
    entry = review.record_coaching(
        world.office, note.id, "Reflective practice on neutral wording", today.isoformat()
    )
    assert (entry["volunteer_id"], entry["supervision_id"]) == (world.a, session.id)
    assert audit.entries(world.office)[-1]["action"] == "coaching"
    people = {
        p.volunteer_id: p
        for p in ov.oversight(world.office, today, supervision_interval_days=90, refreshers={})
    }
    assert people[world.a].open_follow_ups == 1 and people[world.b].open_follow_ups == 0
    review.coaching_done(world.office, entry["id"])
    people = {
        p.volunteer_id: p
        for p in ov.oversight(world.office, today, supervision_interval_days=90, refreshers={})
    }
    assert people[world.a].open_follow_ups == 0


def test_coaching_refuses_a_bad_date_and_is_erased_with_the_family(world: World) -> None:
    note = flagged(world)
    yesterday = world.office.repo.time.today() - dt.timedelta(days=1)
    for when in ("soon", yesterday.isoformat()):
        with pytest.raises(ValidationError):
            review.record_coaching(world.office, note.id, "Coaching", when)
    review.record_coaching(world.office, note.id, "Coaching", "2099-01-01")
    review.review_flag(world.office, note.id, "Reviewed")
    ref = world.office.repo.get(Case, world.case_id).reference
    protection.erase(
        world.office,
        ref,
        requested_on=world.office.repo.time.today(),
        reason="Parent asked for erasure",
        accept_warnings=True,
    )
    assert world.office.store.table(COACHING).all() == []
    assert world.office.store.table(FLAG_REVIEWS).all() == []


# -- evaluations ---------------------------------------------------------------------------


def returned(world: World, **changes) -> Evaluation:
    answers = {
        "respondent": "parent",
        "stage": "closing",
        "returned_on": world.office.repo.time.today().isoformat(),
        "scores": {"impartiality": 2},
        "impartial": False,
        "comments": "Felt pushed towards a special school",
    } | changes
    return ov.record_returned_evaluation(world.office, world.case_id, **answers)


def test_a_returned_evaluation_needs_its_return_date(world: World) -> None:
    tomorrow = world.office.repo.time.today() + dt.timedelta(days=1)
    for bad in (None, "", "soon", tomorrow.isoformat()):
        with pytest.raises(ValidationError) as err:
            returned(world, returned_on=bad)
        assert list(err.value.errors) == ["returned_on"]
    assert world.office.repo.all(Evaluation) == []


def test_impartiality_no_appears_in_the_year_report(world: World) -> None:
    returned(world)
    today = world.office.repo.time.today()
    mon = monitoring_for(world.office, dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
    section = mon.current.section("Did the volunteer stay impartial? (parents)")
    assert dict(section.rows)["not impartial"] == 1


def test_edit_and_delete_are_audited_by_field_never_value(world: World) -> None:
    e = returned(world)
    edited = ov.edit_evaluation(world.office, e.id, impartial=True, comments="Fair")
    assert (edited.impartial, edited.comments) == (True, "Fair")
    last = audit.entries(world.office)[-1]
    assert last["action"] == "evaluation_edit" and last["detail"].endswith("comments, impartial")
    assert "Fair" not in last["detail"]
    with pytest.raises(ValidationError):
        ov.edit_evaluation(world.office, e.id, returned_on=None)  # returned keeps its date
    with pytest.raises(ValidationError):
        ov.edit_evaluation(world.office, e.id, origin="someone")
    ov.delete_evaluation(world.office, e.id)
    assert world.office.repo.all(Evaluation) == []
    assert audit.entries(world.office)[-1]["action"] == "evaluation_delete"
    with pytest.raises(ValidationError):
        ov.delete_evaluation(world.office, e.id)
    assert audit.verify(world.office).ok


def test_chasing_list_holds_unreturned_forms_with_their_age(world: World) -> None:
    repo = world.anna.repo
    repo.save(Evaluation(case_id=world.case_id, respondent="parent", sent_on="2026-11-01"))
    repo.save(Evaluation(case_id=world.case_id, respondent="professional", sent_on="2026-10-01"))
    import_bundle(
        world.office, export_bundle(world.anna, world.office.node_id, world.tmp / "e"), world.tmp
    )
    today = dt.date(2026, 12, 1)
    chase = ov.unreturned(world.office, today)
    assert [(u.respondent, u.sent_on, u.days_ago) for u in chase] == [
        ("professional", "2026-10-01", 61),
        ("parent", "2026-11-01", 30),
    ]
    assert {u.reference for u in chase} == {"A-001"}
    returned(world, returned_on="2026-11-20")  # the parent's form comes back
    assert [u.respondent for u in ov.unreturned(world.office, today)] == ["professional"]


def test_edited_and_deleted_evaluation_reaches_the_volunteer(world: World) -> None:
    """The office's evaluation edits are allowed by the volunteer's authorisation rules."""
    from ips_field.actions import office as off

    e = returned(world)
    ov.edit_evaluation(world.office, e.id, comments="Fair in the end")
    first = import_bundle(
        world.anna, off.export_for(world.office, world.a, world.tmp / "o1"), world.tmp
    )
    assert first.status == "imported", first.summary
    assert world.anna.repo.get(Evaluation, e.id).comments == "Fair in the end"
    ov.delete_evaluation(world.office, e.id)
    second = import_bundle(
        world.anna, off.export_for(world.office, world.a, world.tmp / "o2"), world.tmp
    )
    assert second.status == "imported", second.summary
    assert world.anna.repo.all(Evaluation) == []

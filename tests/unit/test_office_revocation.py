"""Revocation completes: open cases reassigned through the conflict check, or left
"needs a decision" (lasting, until decided); revoked volunteers counted nowhere as active."""

from __future__ import annotations

import pytest

from ips_field.actions import office as off
from ips_field.actions import office as ov
from ips_field.actions.office.revocation import decide, needs_decision, revoke_volunteer
from ips_field.domain.records import Case
from ips_field.errors import ValidationError
from sync import audit
from sync.exchange import export_bundle, import_bundle
from tests.office_world import World


def second_case(world: World) -> str:
    """Anna also holds a case at a school Ben has no interest in."""
    case = world.anna.repo.save(
        Case(reference="A-002", school="Dale School", opened_on="2026-11-03", assigned_to=world.a)
    )
    import_bundle(
        world.office, export_bundle(world.anna, world.office.node_id, world.tmp / "s"), world.tmp
    )
    return case.id


def test_revoke_with_reassignment_moves_what_the_check_allows(world: World) -> None:
    dale = second_case(world)
    revoked = revoke_volunteer(world.office, world.a, reassign_to=world.b)
    repo = world.office.repo
    assert repo.get(Case, dale).assigned_to == world.b
    assert repo.get(Case, world.case_id).assigned_to == world.a  # Ben governs Hill School
    assert [m.reference for m in revoked.moved] == ["A-002"]
    [waiting] = revoked.waiting
    assert waiting.reference == "A-001" and waiting.why.startswith("Blocked: ")
    lines = revoked.lines({world.b: "Ben"})
    assert "A-002 reassigned to Ben." in lines
    assert any(line.startswith("A-001 needs a decision: Blocked") for line in lines)
    entries = audit.entries(world.office)
    actions = [e["action"] for e in entries]
    # the revocation, the blocked check kept as a conflict check made at the office (its
    # own audit entry), the decision left for A-001, the move of A-002: by reference
    assert actions[-4:] == ["revoke", "assign", "case_decision", "assign"]
    assert "blocked" in entries[-3]["detail"]
    assert audit.verify(world.office).ok


def test_without_a_choice_every_case_waits_and_stays_waiting(world: World) -> None:
    second_case(world)
    revoked = revoke_volunteer(world.office, world.a)
    assert not revoked.moved
    assert [w.reference for w in revoked.waiting] == ["A-001", "A-002"]
    # Persisted: a fresh look at the master record still lists them, with the reason.
    listed = needs_decision(world.office)
    assert [(w.reference, w.why) for w in listed] == [
        ("A-001", "no volunteer was chosen to take it"),
        ("A-002", "no volunteer was chosen to take it"),
    ]


def test_a_decision_reassigns_through_the_check_and_clears_the_entry(world: World) -> None:
    dale = second_case(world)
    revoke_volunteer(world.office, world.a)
    with pytest.raises(ValidationError, match="Blocked"):
        decide(world.office, world.case_id, world.b)
    assert len(needs_decision(world.office)) == 2  # a blocked decision changes nothing
    decide(world.office, dale, world.b)
    assert [w.reference for w in needs_decision(world.office)] == ["A-001"]
    assert world.office.repo.get(Case, dale).assigned_to == world.b


def test_reassigning_to_the_revoked_or_an_unknown_volunteer_is_refused(world: World) -> None:
    for target in (world.a, "nobody"):
        with pytest.raises(ValidationError):
            revoke_volunteer(world.office, world.a, reassign_to=target)
    assert world.office.roster.volunteers[world.a].active  # nothing changed


def test_revoked_volunteers_are_not_counted_as_active(world: World) -> None:
    revoke_volunteer(world.office, world.a)
    today = world.office.repo.time.today()
    people = ov.oversight(world.office, today, supervision_interval_days=1, refreshers={})
    assert [p.volunteer_id for p in people] == [world.b]
    # Export: the revoked volunteer only gets the wipe instruction, once owed.
    assert set(off.export_targets(world.office)) == {world.a, world.b}
    world.office.save_state(wipe=[])
    assert off.export_targets(world.office) == [world.b]


def test_revoking_twice_or_an_unknown_volunteer_changes_nothing(world: World) -> None:
    revoke_volunteer(world.office, world.a)
    version = world.office.roster.version
    entries = len(audit.entries(world.office))
    for who in (world.a, "no-such-id"):
        with pytest.raises(ValidationError):
            revoke_volunteer(world.office, who)
    assert world.office.roster.version == version
    assert len(audit.entries(world.office)) == entries
    assert world.office.state["wipe"].count(world.a) == 1


def test_a_warning_needs_the_reason_given_at_revocation(world: World) -> None:
    """Ben lives in the family's area: a warning. Without --reason the case waits with the
    warning; with one it moves, and the reason is in the audit entry."""
    from ips_field.domain.records import Family, Interest

    family = world.anna.repo.for_case(Family, world.case_id)[0]
    world.anna.repo.save(family.replace(area="Bletchley"))
    world.anna.repo.save(
        Case(reference="A-003", school="Oak School", opened_on="2026-11-04", assigned_to=world.a)
    )
    world.ben.repo.save(
        Interest(interest_type="home_area", area="Bletchley", declared_on="2026-01-05")
    )
    for node in (world.anna, world.ben):
        import_bundle(
            world.office, export_bundle(node, world.office.node_id, world.tmp / "w"), world.tmp
        )
    office = world.office
    # Hill School blocks Ben anyway; A-003 (no family) is clear.
    revoked = revoke_volunteer(office, world.a, reassign_to=world.b)
    assert [m.reference for m in revoked.moved] == ["A-003"]
    assert revoked.waiting[0].why.startswith("Blocked")
    # A case with a warning only: the Hill School interest ended, the area warning remains.
    [gov] = [i for i in office.repo.all(Interest) if i.interest_type == "governor"]
    office.repo.table("interest").put(
        {**office.repo.raw("interest", gov.id), "ended_on": "2026-02-01"}
    )
    with pytest.raises(ValidationError, match="Warning"):
        decide(office, world.case_id, world.b)
    decide(office, world.case_id, world.b, reason="Nearest volunteer; family agreed")
    assert office.repo.get(Case, world.case_id).assigned_to == world.b
    assert "Nearest volunteer" in audit.entries(office)[-1]["detail"]
    assert needs_decision(office) == []

"""Referral intake at the office, references unique across the service, and volunteers
named by name or short code: the UI-free actions, on the office test world (Anna holds
A-001; Ben governs Hill School)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ips_field.actions import office as off
from ips_field.actions.office.intake import Referral, open_referral
from ips_field.actions.office.volunteers import find_volunteer, volunteer_rows
from ips_field.domain.records import Case, Child, Family, Interest
from ips_field.domain.references import is_provisional, provisional_reference, short_code
from ips_field.errors import ValidationError
from sync import audit
from sync.exchange import export_bundle, import_bundle
from sync.references import SERVICE_REFS
from tests.office_world import World

REFERRAL = Referral(
    parent_name="Morwenna Tregarthen",
    relationship="mother",
    phone="07700 900123",
    child_name="Piran Tregarthen",
    year_group="Year 4",
    school="Oak Lane Primary",
    area="Westfield",
    source="school",
    reason="Wants help preparing for an EHC needs assessment meeting",
    received_on="2026-11-20",
)


def _state(world: World) -> tuple[int, int, int, int]:
    o = world.office
    return (
        len(o.repo.all(Case)),
        len(o.repo.all(Family)),
        len(audit.entries(o)),
        int(o.state.get("ref_seq", 0)),
    )


def to_laptop(world: World, node, vid: str) -> None:  # type: ignore[no-untyped-def]
    bundle = off.export_for(world.office, vid, world.tmp / "stick")
    assert import_bundle(node, bundle, world.tmp / "q").status == "imported"


def to_office(world: World, node):  # type: ignore[no-untyped-def]
    bundle = export_bundle(node, world.office.node_id, world.tmp / "up")
    return import_bundle(world.office, bundle, world.tmp / "q")


def test_intake_opens_a_case_with_a_service_reference_and_audits_it(world: World) -> None:
    opened = open_referral(world.office, REFERRAL)
    o = world.office
    case = o.repo.get(Case, opened.case.id)
    assert case.reference == "IPS-00001" and case.assigned_to == ""
    assert case.opened_on == "2026-11-20" and case.referral_source == "school"
    assert case.summary == REFERRAL.reason and case.school == "Oak Lane Primary"
    [family] = o.repo.for_case(Family, case.id)
    assert family.family_name == "Tregarthen" and family.area == "Westfield"
    assert family.parents == [
        {"name": "Morwenna Tregarthen", "relationship": "mother", "phone": "07700 900123"}
    ]
    [child] = o.repo.for_case(Child, case.id)
    assert (child.name, child.year_group) == ("Piran Tregarthen", "Year 4")
    last = audit.entries(o)[-1]
    assert (last["action"], last["case_id"]) == ("intake", case.id)
    assert last["detail"] == "IPS-00001 opened (referral: school)"
    assert "Tregarthen" not in str(audit.entries(o)) and audit.verify(o).ok
    assert open_referral(o, REFERRAL).case.reference == "IPS-00002"


def test_intake_with_a_volunteer_reaches_their_laptop_and_they_keep_it_up_to_date(
    world: World,
) -> None:
    opened = open_referral(world.office, REFERRAL, volunteer_id=world.a)
    assert opened.case.assigned_to == world.a and opened.check.outcome == "clear"
    actions = [e["action"] for e in audit.entries(world.office)[-2:]]
    assert actions == ["intake", "assign"]
    to_laptop(world, world.anna, world.a)
    laptop = world.anna.repo
    assert laptop.get(Case, opened.case.id).reference == "IPS-00001"
    [family] = laptop.for_case(Family, opened.case.id)
    # the office made the family record at intake: the holder may still correct it
    laptop.save(family.replace(parents=[{**family.parents[0], "phone": "07700 900999"}]))
    assert to_office(world, world.anna).status == "imported"
    [there] = world.office.repo.for_case(Family, opened.case.id)
    assert there.parents[0]["phone"] == "07700 900999"


def test_a_blocked_assignment_writes_nothing_and_says_why(world: World) -> None:
    before = _state(world)
    blocked = Referral(**{**REFERRAL.__dict__, "school": "Hill School"})
    with pytest.raises(ValidationError, match="Blocked: Governor at Hill School"):
        open_referral(world.office, blocked, volunteer_id=world.b)
    assert _state(world) == before


def test_a_warning_needs_a_reason_which_is_audited(world: World) -> None:
    world.ben.repo.save(
        Interest(interest_type="home_area", area="Westfield", declared_on="2026-01-05")
    )
    assert to_office(world, world.ben).status == "imported"
    before = _state(world)
    with pytest.raises(ValidationError, match="give a reason"):
        open_referral(world.office, REFERRAL, volunteer_id=world.b)
    assert _state(world) == before
    opened = open_referral(
        world.office, REFERRAL, volunteer_id=world.b, reason="no one else  covers Westfield"
    )
    assert opened.case.assigned_to == world.b and opened.check.outcome == "warn"
    last = audit.entries(world.office)[-1]
    assert last["action"] == "assign"
    assert last["detail"] == "IPS-00001 to Ben (reason: no one else covers Westfield)"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"parent_name": ""}, "parent_name"),
        ({"child_name": ""}, "child_name"),
        ({"school": ""}, "school"),
        ({"source": "newspaper"}, "source"),
        ({"reason": ""}, "reason"),
        ({"received_on": "31/02/2026"}, "received_on"),
        ({"received_on": "2027-01-01"}, "received_on"),
        ({"email": "not-an-address"}, "email"),
        ({"year_group": "", "date_of_birth": ""}, "date_of_birth"),
        ({"needs": "x" * 2001}, "needs"),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_written(
    world: World, change: dict[str, str], field: str
) -> None:
    before = _state(world)
    with pytest.raises(ValidationError) as err:
        open_referral(world.office, Referral(**{**REFERRAL.__dict__, **change}))
    assert field in err.value.errors
    assert "Tregarthen" not in str(err.value)
    assert _state(world) == before


def test_referral_from_a_file_refuses_unknown_fields_and_odd_values() -> None:
    with pytest.raises(ValidationError, match="Unknown referral fields: nickname"):
        Referral.from_mapping({"nickname": "x"})
    with pytest.raises(ValidationError, match="plain text"):
        Referral.from_mapping({"parent_name": ["a", "b"]})
    with pytest.raises(ValidationError):
        Referral.from_mapping(["not", "a", "mapping"])
    assert Referral.from_mapping({"year_group": 4, "phone": None}).year_group == "4"


# -- references ---------------------------------------------------------------------------------


def test_provisional_references_carry_the_volunteer_code_and_never_repeat() -> None:
    vid = "3f2a9c10-0000-4000-8000-000000000000"
    assert short_code(vid) == "3F2A9C"
    first = provisional_reference(vid, [])
    assert first == "P-3F2A9C-0001" and is_provisional(first)
    assert provisional_reference(vid, [first, "P-3F2A9C-0003"]) == "P-3F2A9C-0004"
    assert provisional_reference("77777777-0", [first]) == "P-777777-0001"


def test_two_laptops_that_both_made_c0001_get_distinct_references(world: World) -> None:
    a_case = world.anna.repo.save(
        Case(reference="C0001", school="Elm School", opened_on="2026-11-02", assigned_to=world.a)
    )
    b_case = world.ben.repo.save(
        Case(reference="C0001", school="Elm School", opened_on="2026-11-02", assigned_to=world.b)
    )
    p_case = world.ben.repo.save(
        Case(
            reference=provisional_reference(world.b, ["C0001"]),
            school="Ash School",
            opened_on="2026-11-03",
            assigned_to=world.b,
        )
    )
    assert to_office(world, world.anna).status == "imported"
    result = to_office(world, world.ben)
    assert result.status == "imported"
    assert "2 case references set by the office" in result.summary
    refs = {c.id: c.reference for c in world.office.repo.all(Case)}
    assert refs[a_case.id] == "C0001"  # unique when it arrived: confirmed as it is
    assert refs[b_case.id] == "IPS-00001" and refs[p_case.id] == "IPS-00002"
    assert len(set(refs.values())) == len(refs)
    # the office's references reach the laptop with the next bundle
    to_laptop(world, world.ben, world.b)
    assert world.ben.repo.get(Case, b_case.id).reference == "IPS-00001"
    assert world.ben.repo.get(Case, p_case.id).reference == "IPS-00002"


def test_an_issued_reference_stands_against_a_laptop_edit(world: World) -> None:
    opened = open_referral(world.office, REFERRAL, volunteer_id=world.a)
    to_laptop(world, world.anna, world.a)
    case = world.anna.repo.get(Case, opened.case.id)
    world.anna.repo.save(case.replace(reference="A-001"))  # someone else's reference
    assert to_office(world, world.anna).status == "imported"
    assert world.office.repo.get(Case, opened.case.id).reference == "IPS-00001"
    to_laptop(world, world.anna, world.a)
    assert world.anna.repo.get(Case, opened.case.id).reference == "IPS-00001"


def test_an_erased_familys_reference_is_not_given_again(world: World) -> None:
    first = open_referral(world.office, REFERRAL)
    off.erase_family(world.office, first.case.id)
    world.office.store.table(SERVICE_REFS).delete_ids([first.case.id])
    world.office.save_state(ref_seq=0)
    assert open_referral(world.office, REFERRAL).case.reference == "IPS-00002"


# -- volunteers by name ---------------------------------------------------------------------------


def test_volunteers_by_name_or_code(world: World) -> None:
    o = world.office
    assert find_volunteer(o, "anna") == world.a
    assert find_volunteer(o, "  ANNA ") == world.a
    assert find_volunteer(o, short_code(world.b)) == world.b
    assert find_volunteer(o, short_code(world.b).lower()) == world.b
    assert find_volunteer(o, world.b) == world.b
    with pytest.raises(ValidationError, match="No volunteer has that name or code") as err:
        find_volunteer(o, "Zebedee")
    assert "Zebedee" not in str(err.value) and "Anna" not in str(err.value)
    with pytest.raises(ValidationError, match="No volunteer"):
        find_volunteer(o, "ab")  # too short to be a code


def test_an_ambiguous_name_lists_nobody(world: World) -> None:
    off.enrol(world.office, "Anna")  # invited, not yet enrolled: a second Anna
    assert find_volunteer(world.office, "Anna") == world.a  # invitations do not count...
    with pytest.raises(ValidationError, match="2 volunteers match") as err:
        find_volunteer(world.office, "anna", pending=True)  # ...unless asked for
    assert "Anna" not in str(err.value)


def test_volunteer_rows(world: World, tmp_path: Path) -> None:
    _, _, invited = off.enrol(world.office, "Cara")
    rows = {r.name: r for r in volunteer_rows(world.office)}
    assert [r.name for r in volunteer_rows(world.office)] == ["Anna", "Ben", "Cara"]
    assert (rows["Anna"].status, rows["Anna"].cases_held) == ("active", 1)
    assert rows["Anna"].code == short_code(world.a) and rows["Anna"].last_bundle
    assert (rows["Cara"].status, rows["Cara"].last_bundle, rows["Cara"].id) == (
        "pending",
        "",
        invited,
    )
    off.revoke(world.office, world.b)
    assert {r.name: r.status for r in volunteer_rows(world.office)}["Ben"] == "revoked"


def test_a_laptop_cannot_take_a_reference_the_office_issued(world: World) -> None:
    issued = open_referral(world.office, REFERRAL)  # IPS-00001, unassigned
    grab = world.anna.repo.save(
        Case(reference="IPS-00001", school="S", opened_on="2026-11-02", assigned_to=world.a)
    )
    assert to_office(world, world.anna).status == "imported"
    assert world.office.repo.get(Case, issued.case.id).reference == "IPS-00001"
    assert world.office.repo.get(Case, grab.id).reference == "IPS-00002"


def test_a_hostile_reference_is_replaced_and_shown_escaped(world: World) -> None:
    from ips_field.domain.shown import shown

    odd = "\x1b[31mP-\u202eX"
    case = world.anna.repo.save(
        Case(reference=odd, school="S", opened_on="2026-11-02", assigned_to=world.a)
    )
    result = to_office(world, world.anna)
    assert result.status == "imported" and "\x1b" not in shown(result.summary)
    assert world.office.repo.get(Case, case.id).reference == "IPS-00001"

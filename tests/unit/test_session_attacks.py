"""Security review of this session's additions: a hostile enrolled volunteer with validly
signed bundles (genuine exports of a laptop whose records she edited past the rules), and
forged anchors. Each test is one attack; each asserts what must still hold."""

from __future__ import annotations

import pytest

from ips_field.actions import office as off
from ips_field.actions.office.intake import Referral, open_referral
from ips_field.domain.records import Case, Child, Family, Note
from ips_field.store.store import Store
from sync import audit
from sync.exchange import export_bundle, import_bundle
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


def to_laptop(world: World, node, vid: str) -> None:  # type: ignore[no-untyped-def]
    bundle = off.export_for(world.office, vid, world.tmp / "stick")
    assert import_bundle(node, bundle, world.tmp / "q").status == "imported"


def to_office(world: World, node):  # type: ignore[no-untyped-def]
    bundle = export_bundle(node, world.office.node_id, world.tmp / "up")
    return import_bundle(world.office, bundle, world.tmp / "q")


def _intake_for_anna(world: World) -> str:
    opened = open_referral(world.office, REFERRAL, volunteer_id=world.a)
    to_laptop(world, world.anna, world.a)
    return opened.case.id


@pytest.mark.parametrize(
    "change",
    [
        {"assigned_to": "someone-else"},
        {"assigned_to": ""},
        {"office_confirmed_on": "2026-11-21"},
    ],
)
def test_holder_cannot_change_office_fields_of_an_office_made_case(
    world: World, change: dict[str, str]
) -> None:
    """HOLDER_KEEPS lets the holder keep the office's case record up to date: not its
    office-only fields. The whole bundle is refused and the master record is unchanged."""
    case_id = _intake_for_anna(world)
    before = world.office.repo.raw("case", case_id)
    case = world.anna.repo.get(Case, case_id)
    world.anna.repo.save(case.replace(**change))
    # refused whole (quarantined), or never sent: the laptop sends only cases it holds
    assert to_office(world, world.anna).status in ("quarantined", "imported")
    assert world.office.repo.raw("case", case_id) == before


@pytest.mark.parametrize("poison", ["IPS-00002", "A-001", "IPS-\x1b[2J00001", "P-ZZZZ-0001"])
def test_holder_cannot_take_or_poison_a_service_reference(world: World, poison: str) -> None:
    """The holder edits the office's reference: to another case's, to a provisional one,
    to terminal escapes. The office puts its own back, and the other case keeps
    its reference."""
    case_id = _intake_for_anna(world)
    other = open_referral(world.office, REFERRAL).case
    assert other.reference == "IPS-00002"
    case = world.anna.repo.get(Case, case_id)
    world.anna.repo.save(case.replace(reference=poison))
    assert to_office(world, world.anna).status == "imported"
    assert world.office.repo.get(Case, case_id).reference == "IPS-00001"
    assert world.office.repo.get(Case, other.id).reference == "IPS-00002"
    assert "A-001" in {c.reference for c in world.office.repo.all(Case)}


def test_holder_cannot_change_the_office_family_of_a_case_she_does_not_hold(
    world: World,
) -> None:
    """The office's family record on Ben's case: Anna's forged change is refused."""
    bens = open_referral(world.office, REFERRAL, volunteer_id=world.b).case.id
    [family] = world.office.repo.for_case(Family, bens)
    before = world.office.repo.raw("family", family.id)
    # Anna's laptop is given the family record (as if leaked) and she edits it
    world.anna.repo.store.table("family").put(dict(before))
    world.anna.repo.save(family.replace(parents=[{"name": "Someone Else"}]))
    assert to_office(world, world.anna).status == "quarantined"
    assert world.office.repo.raw("family", family.id) == before


def test_an_anchor_of_entry_zero_must_be_the_empty_log(world: World) -> None:
    """``0:HASH`` names the empty log; any other hash with 0 is not an anchor of this log."""
    assert audit.check_anchor(world.office, "0:" + audit.GENESIS).ok
    forged = "0:" + "f" * 64
    assert not audit.check_anchor(world.office, forged).ok
    assert not audit.check_anchor(world.office, "0:" + "f" * 16).ok


def test_a_volunteers_interest_cannot_write_terminal_escapes_into_the_intake_warning(
    world: World,
) -> None:
    """Ben declares a governorship whose organisation carries an OSC title escape; the
    office's ``ips-office intake`` quotes it in the conflict warning: escaped, not raw."""
    from click.testing import CliRunner

    from ips_field.cli.office import main
    from ips_field.domain.records import Interest
    from tests.office_world import OFFICE_PASS

    world.ben.repo.save(
        Interest(
            interest_type="governor",
            organisation="Oak Lane\x1b]0;owned\x07 Primary",
            declared_on="2026-01-05",
        )
    )
    assert to_office(world, world.ben).status == "imported"
    world.office.store.close()
    text = "".join(
        f"{k}: {v}\n"
        for k, v in (
            ("parent_name", "Morwenna Tregarthen"),
            ("child_name", "Piran Tregarthen"),
            ("year_group", "Year 4"),
            ("school", "Oak Lane Primary"),
            ("area", "Westfield"),
            ("source", "school"),
            ("reason", "Wants help"),
        )
    )
    path = world.tmp / "referral.yaml"
    path.write_text(text)
    env = {"IPS_OFFICE_PASSPHRASE": OFFICE_PASS, "IPS_OFFICE_STORE": ""}
    args = ["intake", "--from-file", str(path), "--volunteer", "ben"]
    result = CliRunner().invoke(
        main, [*args, "--store", str(world.tmp / "office.ipsf")], input="\n", env=env
    )
    assert result.exit_code == 1, result.output
    assert "The conflict check warns: Governor at Oak Lane" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    # and ``ips-office assign`` of an open case to Ben quotes the same warning
    node = off.office_node(Store.open(world.tmp / "office.ipsf", OFFICE_PASS))
    try:
        ref = open_referral(node, REFERRAL).case.reference
    finally:
        node.store.close()
    result = CliRunner().invoke(
        main, ["assign", ref, "ben", "--store", str(world.tmp / "office.ipsf")], input="\n", env=env
    )
    assert result.exit_code == 1, result.output
    assert "Governor at Oak Lane" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output


@pytest.mark.parametrize("lookalike", ["IPS-00001 ", "ips-00001", "IPS-00001.", "IPS-00001  x"])
def test_a_laptop_reference_that_looks_like_an_issued_one_is_replaced(
    world: World, lookalike: str
) -> None:
    """Anna opens a case on her laptop with a reference that reads as the office's
    IPS-00001 in every list (a trailing space or dot, another case of letters): the office
    replaces it, so no two cases a supervisor sees carry the same-looking reference."""
    issued = open_referral(world.office, REFERRAL).case
    assert issued.reference == "IPS-00001"
    mine = world.anna.repo.save(
        Case(reference=lookalike, school="Elm School", opened_on="2026-11-21", assigned_to=world.a)
    )
    assert to_office(world, world.anna).status == "imported"
    got = world.office.repo.get(Case, mine.id).reference
    assert got.strip().rstrip(".").casefold() != "ips-00001", got
    assert world.office.repo.get(Case, issued.id).reference == "IPS-00001"


def _forged(world: World, ops: list[dict]) -> str:  # type: ignore[type-arg]
    """Anna's validly signed bundle carrying exactly ``ops``, imported at the office."""
    from sync.bundle import seal_bundle
    from tests.hostile_kit import number, payload_for

    payload = payload_for(world.anna, world.office, number(world.office, world.a, ops))
    path = world.tmp / "forged.ipsb"
    path.write_bytes(seal_bundle(payload, world.anna.identity, world.office.identity.public))
    return import_bundle(world.office, path, world.tmp / "q").status


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("case", {"assigned_to": "B"}),
        ("case", {"office_confirmed_on": "2026-11-21"}),
        ("case", {"origin": "A"}),
        ("case", {"created_at": "2020-01-01T00:00:00+00:00"}),
        ("family", {"case_id": "OTHER"}),
        ("child", {"case_id": "OTHER"}),
    ],
)
def test_a_forged_op_on_an_office_made_intake_record_is_refused(
    world: World, kind: str, fields: dict[str, str]
) -> None:
    """HOLDER_KEEPS opens the office's case, family and child records to their holder's
    edits: never their office-only fields or fixed details, never a move to another case."""
    from tests.hostile_kit import op

    case_id = _intake_for_anna(world)
    other = open_referral(world.office, REFERRAL, volunteer_id=world.a).case.id
    record_id = {
        "case": case_id,
        "family": world.office.repo.for_case(Family, case_id)[0].id,
        "child": world.office.repo.for_case(Child, case_id)[0].id,
    }[kind]
    value = {"B": world.b, "A": world.a, "OTHER": other}
    fields = {k: value.get(v, v) for k, v in fields.items()}
    before = {k: world.office.repo.raw(k, record_id) for k in ("case", "family", "child")}
    forged = op(world.a, kind, record_id, fields, case_id=case_id if kind != "case" else "same")
    assert _forged(world, [forged]) == "quarantined"
    assert {k: world.office.repo.raw(k, record_id) for k in before} == before


def test_a_forged_op_on_the_office_family_of_bens_case_is_refused(world: World) -> None:
    from tests.hostile_kit import op

    bens = open_referral(world.office, REFERRAL, volunteer_id=world.b).case.id
    [family] = world.office.repo.for_case(Family, bens)
    before = world.office.repo.raw("family", family.id)
    forged = op(world.a, "family", family.id, {"area": "Elsewhere"}, case_id=bens)
    assert _forged(world, [forged]) == "quarantined"
    assert world.office.repo.raw("family", family.id) == before
    # nor a new child on it
    new = op(
        world.a,
        "child",
        "0b7f3c1e-0000-4000-8000-000000000001",
        {"case_id": bens, "name": "X", "created_at": "2026-11-22T10:30:00+00:00"}
        | {"origin": world.a},
    )
    assert _forged(world, [new]) == "quarantined"
    assert world.office.repo.raw("child", "0b7f3c1e-0000-4000-8000-000000000001") is None


def test_the_forging_path_itself_delivers_what_the_holder_may_change(world: World) -> None:
    """The control for the forged-op tests: the same path carries an edit the holder may
    make (the area of the office's family record on her case), and it is applied."""
    from tests.hostile_kit import op

    case_id = _intake_for_anna(world)
    [family] = world.office.repo.for_case(Family, case_id)
    assert _forged(world, [op(world.a, "family", family.id, {"area": "Eastfield"})]) == "imported"
    assert world.office.repo.get(Family, family.id).area == "Eastfield"


def test_an_erasure_reaching_the_laptop_removes_the_drafts_about_that_family(
    world: World,
) -> None:
    """Anna was typing about the family (a note draft on its meeting, a closing question,
    the case form) when the office erased it: the erasure removes those drafts too, and
    keeps her drafts about other cases. (Drafts were left behind: family text that
    outlived the erasure in the laptop's store.)"""
    from ips_field.store.drafts import Drafts

    drafts = Drafts(world.anna.store)
    keep = world.anna.repo.save(
        Case(reference="KEEP-1", school="Elm School", opened_on="2026-11-21", assigned_to=world.a)
    )
    [note] = [n for n in world.anna.repo.for_case(Note, world.case_id)][:1]
    for key in (
        f"MeetingModeScreen:{note.id}",
        f"AskDialog:close:{world.case_id}",
        f"FormDialog:Case details:{world.case_id}",
        f"AskDialog:close:{keep.id}",
    ):
        drafts.save(key, {"text": "Rowan Quillfeather said the school"})
    assert to_office(world, world.anna).status == "imported"
    off.erase_family(world.office, world.case_id)
    to_laptop(world, world.anna, world.a)
    assert world.anna.repo.raw("case", world.case_id) is None
    assert [d["id"] for d in drafts.all()] == [f"AskDialog:close:{keep.id}"]


@pytest.mark.long
@pytest.mark.parametrize("n", [int(__import__("os").environ.get("IPS_ATTACK_CASES", "2000"))])
def test_a_crowd_of_cases_all_claiming_one_reference_each_get_their_own(
    world: World, n: int
) -> None:
    """Anna's one bundle opens ``n`` cases, every one claiming IPS-00001 (issued to the
    office's case) or a terminal escape: each gets a service reference of its own, the
    office's case keeps its one; past the bundle's 5,000 operations it is refused whole
    (IPS_ATTACK_CASES=5000 and 10000 for the long run)."""
    import time as wall

    from tests.hostile_kit import new_record

    issued = open_referral(world.office, REFERRAL).case
    ops = [
        new_record(
            world.a,
            Case(
                reference="IPS-00001" if i % 2 else "X\x1b[2J",
                school="Elm School",
                opened_on="2026-11-21",
                assigned_to=world.a,
            ),
        )
        for i in range(n)
    ]
    started = wall.perf_counter()  # a measurement, not the app's time
    status = _forged(world, ops)
    took = wall.perf_counter() - started
    print(f"{n} cases claiming one reference: {status} in {took:.2f} s")
    refs = [c.reference for c in world.office.repo.all(Case)]
    assert world.office.repo.get(Case, issued.id).reference == "IPS-00001"
    assert len(refs) == len(set(refs))  # no two cases share a reference
    assert all(r.isprintable() for r in refs)
    from sync.exchange import MAX_OPS_PER_BUNDLE

    assert status == ("imported" if n <= MAX_OPS_PER_BUNDLE else "quarantined")
    if status == "imported":
        assert len(refs) >= n + 2


@pytest.mark.parametrize(
    "where", ["sync.audit.append", "ips_field.actions.office.assignment.assign"]
)
def test_a_crash_in_the_middle_of_an_intake_leaves_nothing_behind(
    world: World, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """The disk fills (or the program dies) after the case, family, child and reference
    were written but before the audit entry or the assignment: none of it is kept, the
    reference sequence has not moved, and the next intake takes IPS-00001."""
    from sync.references import SERVICE_REFS

    o = world.office
    before = (len(o.repo.all(Case)), len(o.repo.all(Family)), len(audit.entries(o)))
    seq, refs = o.state.get("ref_seq", 0), o.store.table(SERVICE_REFS).all()

    def full(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    module, _, name = where.rpartition(".")
    monkeypatch.setattr(__import__(module, fromlist=[name]), name, full)
    with pytest.raises(OSError):
        open_referral(o, REFERRAL, volunteer_id=world.a)
    monkeypatch.undo()
    assert (len(o.repo.all(Case)), len(o.repo.all(Family)), len(audit.entries(o))) == before
    assert o.state.get("ref_seq", 0) == seq and o.store.table(SERVICE_REFS).all() == refs
    assert open_referral(o, REFERRAL).case.reference == "IPS-00001"

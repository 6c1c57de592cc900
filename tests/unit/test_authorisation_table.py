"""The authorisation table (DESIGN.md §5, docs/sync.md): every record kind x field group x
who made the record x who holds its case x who sends, each decided by a real import of a
validly signed bundle. The expected answer comes from the rules as written in docs/sync.md
(:func:`expected_from_volunteer`, :func:`expected_from_office`), not from the code."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from ips_field.domain.records import (
    KINDS,
    Case,
    Child,
    ConflictCheck,
    Consent,
    Contact,
    CpdEntry,
    Evaluation,
    Family,
    Interest,
    KeyDate,
    Meeting,
    Note,
    Outreach,
    Signposting,
    SupervisionEntry,
    VolunteerProfile,
)
from tests import hostile_kit as hk

OLD = [1_700_000_000_000, 0]  # stored clocks: older than any op below
PLAIN = {
    "case": ("summary", "new summary"),
    "family": ("area", "North"),
    "child": ("needs", "new needs"),
    "consent": ("withdrawal_reason", "asked"),
    "meeting": ("place", "Library"),
    "note": ("reason", "changed"),
    "contact": ("summary", "rang"),
    "signposting": ("note", "gave leaflet"),
    "evaluation": ("sent_how", "post"),
    "conflict_check": ("trigger", "edited"),
    "volunteer": ("phone", "0123"),
    "interest": ("notes", "more"),
    "cpd": ("provider", "Other provider"),
    "supervision": ("concerns", "none"),
    "outreach": ("notes", "went well"),
    "key_date": ("on", "2026-11-02"),
}
OFFICE_ONLY = {
    "case": ("office_confirmed_on", "2026-11-21"),
    "evaluation": ("scores", {"impartiality": 5}),
}


def sample(kind: str, case_id: str, maker: str) -> Any:
    on = "2026-11-01"
    return {
        "case": lambda: Case(reference="T", school="S", opened_on=on),
        "family": lambda: Family(case_id=case_id, family_name="F", parents=[{"name": "P"}]),
        "child": lambda: Child(case_id=case_id, name="C", year_group="Y1"),
        "consent": lambda: Consent(case_id=case_id, purpose="record", given_on=on),
        "meeting": lambda: Meeting(case_id=case_id, meeting_type="review", starts_at=on + "T10:00"),
        "note": lambda: Note(case_id=case_id, text="t", written_at=on + "T10:00:00"),
        "contact": lambda: Contact(case_id=case_id, on=on),
        "signposting": lambda: Signposting(case_id=case_id, source_id="s1", on=on),
        "evaluation": lambda: Evaluation(case_id=case_id, sent_on=on),
        "conflict_check": lambda: ConflictCheck(case_id=case_id, volunteer_id=maker),
        "volunteer": lambda: VolunteerProfile(name="N"),
        "interest": lambda: Interest(organisation="O", declared_on=on),
        "cpd": lambda: CpdEntry(on=on, title="T", hours=1.0),
        "supervision": lambda: SupervisionEntry(on=on, supervisor="S"),
        "outreach": lambda: Outreach(on=on, organisation="O"),
        "key_date": lambda: KeyDate(case_id=case_id, which="assessment_requested", on=on),
    }[kind]()


def caseless(kind: str) -> bool:
    return KINDS[kind].CASE_FIELD is None


def groups(kind: str) -> list[str]:
    out = ["plain", "delete", "origin", "created_at"]
    if kind in OFFICE_ONLY:
        out.append("office")
    if not caseless(kind) and kind != "case":
        out.append("case_id")
    return out


# -- the rules, restated from docs/sync.md ------------------------------------------------------


def expected_from_volunteer(kind: str, group: str, maker: str, holder: str) -> bool:
    """Volunteer A sends. ``maker``/``holder`` are "A", "B" or "office"."""
    if group == "create":
        return caseless(kind) or holder == "A"
    if group in ("create_as_other", "origin", "created_at", "case_id"):
        return False
    if caseless(kind):
        return maker == "A"
    if holder != "A" or kind == "note" or group == "office":
        return False
    # the case, family and child records are the holder's to keep up to date even when
    # the office made them (it does at referral intake)
    return maker != "office" or kind in ("case", "family", "child")


def expected_from_office(kind: str, group: str, maker: str) -> bool:
    """The office sends to volunteer A's laptop (cases there are A's)."""
    if caseless(kind):
        return False
    if group in ("origin", "created_at", "case_id"):
        return False
    return not (kind == "note" and group not in ("create", "create_as_other"))


# -- one import per row ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> hk.World:
    w = hk.make_world(tmp_path_factory.mktemp("table"))
    laptop = w.vols["a"].repo
    second = laptop.save(Case(reference="A2", school="S", opened_on="2026-11-01",
                              assigned_to=w.vid("a")))  # fmt: skip
    w.ids["a.case2"] = second.id
    assert hk.carry_up(w, "a").status == "imported"
    return w


def _who(world: hk.World, who: str) -> str:
    return {"A": world.vid("a"), "B": world.vid("b"), "office": world.office.node_id}[who]


def _plant(node: Any, record: Any, maker: str) -> dict[str, Any]:
    doc = record.to_dict()
    doc.update(origin=maker, created_at="2026-11-01T09:00:00+00:00")
    doc["clocks"] = {name: [*OLD, maker] for name in type(record).data_fields()}
    node.repo.put_raw(doc)
    return doc


def _op_for(world: hk.World, origin: str, group: str, doc: dict, other_case: str) -> dict:
    kind, rid = doc["kind"], doc["id"]
    case_id = rid if kind == "case" else doc.get("case_id")
    if group == "plain":
        fields = {PLAIN[kind][0]: PLAIN[kind][1]}
    elif group == "office":
        fields = {OFFICE_ONLY[kind][0]: OFFICE_ONLY[kind][1]}
    elif group == "delete":
        fields = {"deleted": True}
    elif group == "origin":
        fields = {"origin": world.vid("c")}
    elif group == "created_at":
        fields = {"created_at": "2020-01-01T00:00:00+00:00"}
    else:  # case_id
        fields, case_id = {"case_id": other_case}, other_case
    return hk.op(origin, kind, rid, fields, case_id=case_id)


def _check(result: Any, allowed: bool, before: str, after: str, row: tuple) -> None:
    if allowed:
        assert result.status == "imported", (row, result.summary)
    else:
        assert result.status == "quarantined", (row, result.summary)
        assert after == before, row


UP_ROWS = [
    (kind, group, maker, holder)
    for kind in KINDS
    for maker in ("A", "B", "office")
    for holder in (("-",) if caseless(kind) else ("A", "B"))
    for group in groups(kind)
] + [
    (kind, group, "A", holder)
    for kind in KINDS
    for holder in (("-",) if caseless(kind) else ("A", "B"))
    for group in ("create", "create_as_other")
]


def _up_row(base: hk.World, tmp: Path, row: tuple) -> None:
    """One row, volunteer A sending: a real import into a fresh copy of the world."""
    world = hk.fork(base, tmp)
    a, office = world.vid("a"), world.office
    kind, group, maker, holder = row
    case_id = world.ids["a.case"] if holder == "A" else world.ids["b.case"]
    other = world.ids["a.case2"] if holder == "A" else world.ids["a.case"]
    record = sample(kind, case_id, _who(world, maker))
    if kind == "case":
        record = record.replace(assigned_to=_who(world, holder))
    if group in ("create", "create_as_other"):
        if kind == "conflict_check":
            record = record.replace(volunteer_id=a)
        made = hk.new_record(a, record)
        if group == "create_as_other":
            made["fields"]["origin"] = world.vid("b")
        ops = [made]
    else:
        doc = _plant(office, record, _who(world, maker))
        ops = [_op_for(world, a, group, doc, other)]
    before = hk.state(office)
    result = hk.send(world, "a", hk.number(office, a, ops))
    allowed = expected_from_volunteer(kind, group, maker, holder)
    _check(result, allowed, before, hk.state(office), row)
    if allowed and group == "plain":
        name, value = PLAIN[kind]
        assert office.repo.raw(kind, record.id)[name] == value, row


def covering(rows: list[tuple], expected: Any) -> list[tuple]:
    """The default run's rows: in table order, each row that adds something not yet seen of
    (kind, field group, allowed or refused) or (kind, who made it, who holds its case). So
    every kind x group is imported at least once with each answer the table gives it, and
    every kind with each maker and holder; ``-m long`` imports every row."""
    seen: set[tuple] = set()
    out = []
    for row in rows:
        kind, group, *who = row
        keys = {("answer", kind, group, expected(*row)), ("who", kind, *who)}
        if not keys <= seen:
            seen |= keys
            out.append(row)
    return out


UP_DEFAULT = covering(UP_ROWS, expected_from_volunteer)


def test_every_row_from_a_volunteer(world: hk.World, tmp_path: Path) -> None:
    for n, row in enumerate(UP_DEFAULT):
        _up_row(world, tmp_path / f"row{n}", row)
    assert len(UP_ROWS) > 400


@pytest.mark.long
def test_every_row_from_a_volunteer_long(world: hk.World, tmp_path: Path) -> None:
    for n, row in enumerate(UP_ROWS):
        _up_row(world, tmp_path / f"row{n}", row)


DOWN_ROWS = [
    (kind, group, maker)
    for kind in KINDS
    for maker in ("A", "B", "office")
    for group in [*groups(kind), "create", "create_as_other"]
    if not (group in ("create", "create_as_other") and maker != "A")
]


def _down_row(base: hk.World, tmp: Path, row: tuple) -> None:
    """One row, the office sending to A's laptop: a real import into a fresh copy."""
    world = hk.fork(base, tmp)
    laptop, o = world.vols["a"], world.office.node_id
    kind, group, maker = row
    case_id = world.ids["a.case"]
    record = sample(kind, case_id, _who(world, maker))
    if kind == "case":
        record = record.replace(assigned_to=world.vid("a"))
    if group in ("create", "create_as_other"):
        made = hk.new_record(o, record)
        if group == "create_as_other":
            made["fields"]["origin"] = world.vid("b")  # a handed-over case's records
        ops = [made]
    else:
        doc = _plant(laptop, record, _who(world, maker))
        ops = [_op_for(world, o, group, doc, world.ids["a.case2"])]
    before = hk.state(laptop)
    result = hk.send_to_volunteer(world, "a", hk.number(laptop, o, ops))
    allowed = expected_from_office(kind, group, maker)
    _check(result, allowed, before, hk.state(laptop), row)
    if allowed and group == "plain":
        name, value = PLAIN[kind]
        assert laptop.repo.raw(kind, record.id)[name] == value, row


DOWN_DEFAULT = covering(DOWN_ROWS, expected_from_office)


def test_every_row_from_the_office(world: hk.World, tmp_path: Path) -> None:
    for n, row in enumerate(DOWN_DEFAULT):
        _down_row(world, tmp_path / f"row{n}", row)
    assert len(DOWN_ROWS) > 200


@pytest.mark.long
def test_every_row_from_the_office_long(world: hk.World, tmp_path: Path) -> None:
    for n, row in enumerate(DOWN_ROWS):
        _down_row(world, tmp_path / f"row{n}", row)


def test_the_default_rows_cover_every_kind_group_and_answer() -> None:
    for rows, default, expected in (
        (UP_ROWS, UP_DEFAULT, expected_from_volunteer),
        (DOWN_ROWS, DOWN_DEFAULT, expected_from_office),
    ):
        assert set(default) <= set(rows) and len(default) < len(rows)
        full = {(r[0], r[1], expected(*r)) for r in rows}
        assert {(r[0], r[1], expected(*r)) for r in default} == full
        assert {(r[0], *r[2:]) for r in default} == {(r[0], *r[2:]) for r in rows}


def test_the_table_has_every_dimension() -> None:
    kinds = {r[0] for r in UP_ROWS}
    assert kinds == set(KINDS)
    assert {r[2] for r in UP_ROWS} == {"A", "B", "office"}
    assert {r[3] for r in UP_ROWS} >= {"A", "B"}
    assert set(itertools.chain.from_iterable(groups(k) for k in KINDS)) == {
        "plain", "delete", "origin", "created_at", "office", "case_id"
    }  # fmt: skip
    assert Path(__file__).name.startswith("test_")

"""The hostile generators of the kit (tests/hostile_kit.py): each returns the ops of one
hostile bundle, signed later with the sender's genuine keys.

:data:`ATTACKS` are Anna's against the office (others' cases, office records, fixed fields,
another's name, wrong values, odd numbers and clocks); :func:`flood` is 5,001 ops;
:func:`office_attack` is the office's against Anna's laptop. Every one must be refused whole,
or, where a generated value happens to be valid, change only what the sender may change.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from ips_field.domain.records import KINDS, Consent, CpdEntry, Evaluation, Interest, Note
from tests.hostile_kit import World, new_record, number, op, stored

# -- Anna against the office ------------------------------------------------

Attack = Callable[[World, random.Random], list[dict[str, Any]]]

WRONG_VALUES: list[Any] = [
    2026,
    2**64,
    -(2**64),
    1.5,
    True,
    None,
    [],
    {},
    [1, 2],
    {"x": 1},
    "\ud800",
    "x" * 20_001,
    ["y" * 20_001],
    [{"name": "z" * 20_001}],
    "2026-13-45",
    "not a date",
    [None] * 201,
]


def _genuine_prefix(world: World, rng: random.Random) -> list[dict[str, Any]]:
    """Sometimes a harmless own change first: the refusal must still be whole."""
    a = world.vid("a")
    if rng.random() < 0.5:
        return []
    cid = world.ids["a.case"]
    return [op(a, "case", cid, {"summary": f"own edit {rng.random()}"})]


def on_others_case(world: World, rng: random.Random) -> list[dict[str, Any]]:
    a, cid = world.vid("a"), world.ids["b.case"]
    choice = rng.randrange(6)
    if choice == 0:  # the case op with no case_id
        return [op(a, "case", cid, {"assigned_to": a, "school": "Mine"}, case_id=None)]
    if choice == 1:
        return [op(a, "case", cid, {"school": "Changed"}, case_id=world.ids["a.case"])]
    if choice == 2:
        return [new_record(a, Note(case_id=cid, text="planted"))]
    if choice == 3:
        fam = stored(world.office, "family", world.ids["b.family"])
        parents = [{**fam["parents"][0], "phone": "999"}]
        return [op(a, "family", fam["id"], {"parents": parents}, case_id=cid)]
    if choice == 4:  # the family op claims Anna's case
        fam = world.ids["b.family"]
        return [op(a, "family", fam, {"area": "X"}, case_id=world.ids["a.case"])]
    return [new_record(a, Consent(case_id=cid, purpose="share_named_party", named_party="F"))]


def on_office_records(world: World, rng: random.Random) -> list[dict[str, Any]]:
    a, cid = world.vid("a"), world.ids["a.case"]
    choice = rng.randrange(5)
    if choice == 0:
        ev = world.ids["a.evaluation"]
        return [op(a, "evaluation", ev, {"scores": {"impartiality": 5}, "impartial": True})]
    if choice == 1:
        ev = world.ids["a.office_evaluation"]
        return [op(a, "evaluation", ev, {"sent_how": "post"}, case_id=cid)]
    if choice == 2:
        return [op(a, "case", cid, {"assigned_to": world.vid("b")})]
    if choice == 3:
        return [op(a, "case", cid, {"office_confirmed_on": "2026-11-20"})]
    ev = Evaluation(case_id=cid, returned_on="2026-11-20", scores={"impartiality": 5})
    return [new_record(a, ev)]


def on_fixed_fields(world: World, rng: random.Random) -> list[dict[str, Any]]:
    a = world.vid("a")
    choice = rng.randrange(7)
    note = world.ids["a.note"]
    cid = world.ids["a.case"]
    if choice == 0:
        return [op(a, "note", note, {"flags": []}, case_id=cid)]
    if choice == 1:
        return [op(a, "note", note, {"deleted": True}, case_id=cid)]
    if choice == 2:
        return [op(a, "note", note, {"created_at": "2020-01-01T00:00:00+00:00"}, case_id=cid)]
    if choice == 3:
        return [op(a, "note", note, {"origin": world.office.node_id}, case_id=cid)]
    if choice == 4:
        return [op(a, "family", world.ids["a.family"], {"case_id": world.ids["b.case"]})]
    if choice == 5:
        return [op(a, "cpd", world.ids["a.cpd"], {"origin": world.vid("b")}, case_id=None)]
    return [op(a, "note", note, {"text": "rewritten"}, case_id=cid)]


def in_others_name(world: World, rng: random.Random) -> list[dict[str, Any]]:
    a, b = world.vid("a"), world.vid("b")
    choice = rng.randrange(5)
    if choice == 0:
        rec = Interest(
            interest_type="governor", organisation="Hill School", declared_on="2026-01-01"
        )
        made = new_record(a, rec)
        made["fields"]["origin"] = b
        return [made]
    if choice == 1:
        made = new_record(a, CpdEntry(on="2026-10-01", title="x", hours=99.0))
        made["fields"]["origin"] = b
        return [made]
    if choice == 2:
        return [op(a, "cpd", world.ids["b.cpd"], {"hours": 99.0}, case_id=None)]
    if choice == 3:
        sup = world.ids["b.supervision"]
        return [
            op(a, "supervision", sup, {"impartiality_concern": True, "coaching": "c"}, case_id=None)
        ]
    made = new_record(b, CpdEntry(on="2026-10-01", title="x", hours=1.0))  # B's op, A's bundle
    return [made]


def wrong_values(world: World, rng: random.Random) -> list[dict[str, Any]]:
    a = world.vid("a")
    kind = rng.choice(["case", "family", "note", "consent", "cpd", "evaluation"])
    label = {"note": "a.note"}.get(kind, f"a.{kind}")
    cls = KINDS[kind]
    name = rng.choice(cls.data_fields())
    value = rng.choice(WRONG_VALUES)
    if kind == "note" or name == "case_id":  # a new note carries the poison
        rec = Note(case_id=world.ids["a.case"], text="fine")
        made = new_record(a, rec)
        made["fields"][rng.choice(Note.data_fields())] = value
        return [made]
    if kind == "case" and name in ("assigned_to",):
        name = "closed_on"
    rid = world.ids[label]
    case_id = None if cls.CASE_FIELD is None else world.ids["a.case"]
    return [op(a, kind, rid, {name: value}, case_id=case_id)]


def odd_ops(world: World, rng: random.Random) -> list[dict[str, Any]]:
    a, cid = world.vid("a"), world.ids["a.case"]
    good = op(a, "case", cid, {"summary": "s"})
    choice = rng.randrange(9)
    if choice == 0:
        return [{**good, "seq": 2**64}]
    if choice == 1:
        return [{**good, "n": 2**64}]
    if choice == 2:
        return [op(a, "case", cid, {"summary": "s"}, counter=2**31 - 1 + rng.randrange(2))]
    if choice == 3:
        return [op(a, "case", cid, {"summary": "s"}, wall=2**53 + rng.randrange(5))]
    if choice == 4:
        return [{**good, "kind": "spaceship"}]
    if choice == 5:
        return [{**good, "action": "erase"}]
    if choice == 6:
        return [{**good, "prev": {"summary": [1, 2**40, a]}}]
    if choice == 7:
        return [op(a, "case", cid, {"status": "closed"})]  # closed with no date
    return [op(a, "case", cid, {"summary": "s"}, wall=-1)]


def flood(world: World, rng: random.Random) -> list[dict[str, Any]]:
    a, cid = world.vid("a"), world.ids["a.case"]
    return [op(a, "case", cid, {"summary": str(i)}, seq=i + 1) for i in range(5001)]


ATTACKS: dict[str, Attack] = {
    "others_case": on_others_case,
    "office_records": on_office_records,
    "fixed_fields": on_fixed_fields,
    "others_name": in_others_name,
    "wrong_values": wrong_values,
    "odd_ops": odd_ops,
}


def hostile_bundle(world: World, rng: random.Random) -> tuple[str, list[dict[str, Any]]]:
    name = rng.choice(sorted(ATTACKS))
    ops = _genuine_prefix(world, rng) + ATTACKS[name](world, rng)
    return name, number(world.office, world.vid("a"), ops)


# -- hostile generators: the office against Anna's laptop -----------------------------------------


def office_attack(world: World, rng: random.Random) -> tuple[str, list[dict[str, Any]]]:
    name, ops = _office_attack(world, rng)
    return name, number(world.vols["a"], world.office.node_id, ops)


def _office_attack(world: World, rng: random.Random) -> tuple[str, list[dict[str, Any]]]:
    o, a = world.office.node_id, world.vid("a")
    cid = world.ids["a.case"]
    choice = rng.randrange(8) if rng.random() < 0.99 else 6  # floods are slow: 1 in 100
    if choice == 6 and rng.random() < 0.9:
        choice = 0
    if choice == 0:
        return "own_records", [op(o, "cpd", world.ids["a.cpd"], {"hours": 50.0}, case_id=None)]
    if choice == 1:
        return "note", [op(o, "note", world.ids["a.note"], {"text": "changed"}, case_id=cid)]
    if choice == 2:
        fixed = rng.choice(["created_at", "origin"])
        value = "2020-01-01T00:00:00+00:00" if fixed == "created_at" else o
        return "fixed", [op(o, "family", world.ids["a.family"], {fixed: value}, case_id=cid)]
    if choice == 3:
        value = rng.choice(WRONG_VALUES)
        kind = rng.choice(["case", "family", "consent"])
        name = rng.choice([n for n in KINDS[kind].data_fields() if n != "case_id"])
        return "values", [op(o, kind, world.ids[f"a.{kind}"], {name: value}, case_id=cid)]
    if choice == 4:
        good = op(o, "case", cid, {"summary": "s"})
        return "numbers", [{**good, "seq": 2**64}]
    if choice == 5:
        return "clock", [op(o, "case", cid, {"summary": "s"}, counter=2**31)]
    if choice == 6:
        return "flood", [op(o, "case", cid, {"summary": str(i)}, seq=i + 1) for i in range(5001)]
    made = new_record(a, CpdEntry(on="2026-10-01", title="x", hours=1.0))
    return "in_volunteer_name", [made]

"""A hostile enrolled volunteer (and a hostile office), signing with their own genuine keys.

:func:`make_world` builds an office and three enrolled volunteers through the real enrolment
flow, on in-memory stores so hundreds of imports stay fast. Anna (``a``) and Ben (``b``) each
hold a case with a family, a note, consents and an evaluation the office completed; Ben also
has CPD, an interest and a supervision record; the office has made an evaluation of its own
on each case. :func:`send` seals a **validly signed** bundle from a volunteer to the office
(or, with :func:`send_to_volunteer`, from the office to a volunteer) and imports it through
:func:`sync.exchange.import_bundle` from a real file. :func:`state` is everything a store
holds, for "nothing changed" comparisons.

The generators (:data:`ATTACKS`) each return the ops of one hostile bundle from Anna; every
one of them must be refused whole. :data:`OFFICE_ATTACKS` do the same from the office to Anna.
"""

from __future__ import annotations

import copy
import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ips_field.domain.clock import default_clock
from ips_field.domain.records import (
    KINDS,
    Case,
    Consent,
    CpdEntry,
    Evaluation,
    Family,
    Interest,
    Note,
    SupervisionEntry,
)
from ips_field.store.table import MemoryStore
from sync import office as off
from sync.bundle import BUNDLE_DOMAIN, FORMAT_VERSION, encrypt_frame, make_frame, seal_bundle
from sync.exchange import ImportResult, export_bundle, import_bundle
from sync.node import SyncNode, b64
from sync.oversight import record_returned_evaluation
from sync.roster import Roster, sign_roster

FLAG = {"phrase": "you should", "alternative": "one option is", "why": "directive", "at": "0"}


def wall_now() -> int:
    """A minute after the pinned now: an op stamped so wins over what is stored."""
    return default_clock().wall_ms() + 60_000


@dataclass
class World:
    office: SyncNode
    vols: dict[str, SyncNode]
    tmp: Path
    ids: dict[str, str] = field(default_factory=dict)  # names of records -> ids
    serial: int = 0

    def vid(self, name: str) -> str:
        return self.vols[name].node_id

    def path(self) -> Path:
        self.serial += 1
        folder = self.tmp / "stick"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{self.serial:06d}.ipsb"


def _office() -> SyncNode:
    node = SyncNode(MemoryStore(), "office")
    roster = Roster.initial(node.identity.public, clock=node.repo.time)
    with node.store.transaction():
        node.save_state(roster=b64(sign_roster(roster, node.identity)), roster_version=1)
    return node


def cheap_enrolment() -> Any:
    """Enrolment's code KDF at its cheapest, for building test worlds quickly (both sides
    of an enrolment use the same parameters, so the flow is otherwise the real one)."""
    from unittest import mock

    return mock.patch.multiple("sync.enrol", KDF_ITERATIONS=1, KDF_MEMORY_KIB=64)


def _volunteer(office: SyncNode, name: str) -> SyncNode:
    store = MemoryStore()
    invite, code, _vid = off.enrol(office, name)
    reply, vol_fp, _office_fp = off.volunteer_enrol(store, invite, code)  # type: ignore[arg-type]
    off.confirm_enrolment(office, off.read_enrolment_reply(office, reply), vol_fp)
    return SyncNode(store, "volunteer")


def catch_up(world: World, name: str) -> None:
    """After hostile bundles in ``name``'s name, let ``name``'s real client number its next
    bundle and ops past what the office has seen (a real client would, having sent them)."""
    vnode, office = world.vols[name], world.office
    seen = office.peer(vnode.node_id)
    peer = vnode.peer(office.node_id)
    peer["sent_seq"] = max(peer["sent_seq"], seen["seen_seq"])
    vnode.save_peer(peer)
    vnode.repo._seq = max(vnode.repo._seq, seen["received_n"])
    down = vnode.peer(office.node_id)["seen_seq"]
    feed = office.peer(vnode.node_id)
    feed["sent_seq"] = max(feed["sent_seq"], down)
    office.save_peer(feed)
    counters = office.state.get("feed_n", {})
    got = vnode.peer(office.node_id)["received_n"]
    if counters.get(vnode.node_id, 0) < got:
        office.save_state(feed_n={**counters, vnode.node_id: got})


def carry_up(world: World, name: str) -> ImportResult:
    """A genuine bundle from volunteer ``name`` to the office."""
    catch_up(world, name)
    path = export_bundle(world.vols[name], world.office.node_id, world.path().parent)
    return import_bundle(world.office, path, world.tmp / "quarantine")


def carry_down(world: World, name: str) -> ImportResult:
    """A genuine bundle from the office to volunteer ``name``."""
    catch_up(world, name)
    path = off.export_for(world.office, world.vid(name), world.path().parent)
    return import_bundle(world.vols[name], path, world.tmp / "quarantine")


def _case_for(world: World, name: str) -> None:
    repo = world.vols[name].repo
    me = world.vid(name)
    case = repo.save(
        Case(
            reference=f"REF-{name}", school=f"School {name}", opened_on="2026-11-01", assigned_to=me
        )
    )
    fam = repo.save(
        Family(case_id=case.id, family_name=f"Family {name}", parents=[{"name": "P", "phone": "1"}])
    )
    note = repo.add_note(
        Note(case_id=case.id, voice="parent_view", text=f"you should, {name}", flags=[FLAG])
    )
    consent = repo.save(Consent(case_id=case.id, purpose="record", given_on="2026-11-01"))
    sent = repo.save(Evaluation(case_id=case.id, stage="closing", sent_on="2026-11-02"))
    cpd = repo.save(CpdEntry(on="2026-10-01", title="Impartiality", hours=2.0))
    interest = repo.save(
        Interest(interest_type="governor", organisation="Elsewhere", declared_on="2026-01-01")
    )
    sup = repo.save(SupervisionEntry(on="2026-10-02", supervisor="Sue"))
    for label, rid in (
        ("case", case.id),
        ("family", fam.id),
        ("note", note.id),
        ("consent", consent.id),
        ("evaluation", sent.id),
        ("cpd", cpd.id),
        ("interest", interest.id),
        ("supervision", sup.id),
    ):
        world.ids[f"{name}.{label}"] = rid


def make_world(tmp: Path) -> World:
    office = _office()
    with cheap_enrolment():
        vols = {n: _volunteer(office, n) for n in ("a", "b", "c")}
    world = World(office, vols, tmp)
    for name in vols:
        assert carry_down(world, name).status == "imported"
    for name in ("a", "b"):
        _case_for(world, name)
        assert carry_up(world, name).status == "imported"
    for name in ("a", "b"):
        cid = world.ids[f"{name}.case"]
        record_returned_evaluation(
            office,
            cid,
            respondent="parent",
            stage="closing",
            returned_on="2026-11-10",
            scores={"impartiality": 1},
            impartial=False,
            comments="did not feel listened to",
        )
        made = record_returned_evaluation(
            office,
            cid,
            respondent="professional",
            stage="midway",
            returned_on="2026-11-11",
            scores={"preparation": 2},
            impartial=False,
        )
        world.ids[f"{name}.office_evaluation"] = made.id
        assert carry_down(world, name).status == "imported"
    return world


def state(node: SyncNode) -> str:
    """Everything the node's store holds, as one comparable string."""
    memory = node.store.db.storage.memory or {}
    return json.dumps(memory, sort_keys=True, default=str)


def payload_for(sender: SyncNode, receiver: SyncNode, ops: list[dict], **header: Any) -> dict:
    peer = receiver.peer(sender.node_id)
    roster = receiver.roster
    assert roster is not None
    return {
        "seq": peer["seen_seq"] + 1,
        "ack": 0,
        "roster_version": roster.version,
        "hlc": [wall_now(), 0, sender.node_id],
        "ops": ops,
        **header,
    }


def seal_ascii(payload: dict, sender: SyncNode, receiver: SyncNode) -> bytes:
    """Like :func:`sync.bundle.seal_bundle` but with JSON escapes (``\\ud800`` survives)."""
    full = {
        "v": FORMAT_VERSION,
        "bundle_id": str(uuid.uuid4()),
        "sender": sender.node_id,
        "recipient": receiver.node_id,
        "ack": 0,
        "hlc": None,
        **payload,
    }
    data = json.dumps(full, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()
    body = data + sender.identity.sign_key.sign(BUNDLE_DOMAIN + data)
    return encrypt_frame(make_frame(body), receiver.identity.public)


def deliver(
    world: World, sender: SyncNode, receiver: SyncNode, ops: list[dict], **header: Any
) -> ImportResult:
    payload = payload_for(sender, receiver, ops, **header)
    try:
        data = seal_bundle(payload, sender.identity, receiver.identity.public)
    except (ValueError, TypeError, UnicodeEncodeError):
        data = seal_ascii(payload, sender, receiver)
    path = world.path()
    path.write_bytes(data)
    return import_bundle(receiver, path, world.tmp / "quarantine")


def send(world: World, name: str, ops: list[dict], **header: Any) -> ImportResult:
    """A validly signed bundle from volunteer ``name`` to the office, imported."""
    return deliver(world, world.vols[name], world.office, ops, **header)


def send_to_volunteer(world: World, name: str, ops: list[dict], **header: Any) -> ImportResult:
    """A validly signed bundle from the office to volunteer ``name``, imported."""
    return deliver(world, world.office, world.vols[name], ops, **header)


# -- building operations ---------------------------------------------------------------------


def op(
    origin: str,
    kind: str,
    record_id: str,
    fields: dict[str, Any],
    *,
    case_id: Any = "same",
    seq: int = 1,
    wall: int | None = None,
    counter: int = 0,
    **extra: Any,
) -> dict[str, Any]:
    """One op as the repository writes it; ``case_id="same"`` takes the record's own."""
    cls = KINDS.get(kind)
    if case_id == "same":
        own = cls is not None and cls.CASE_FIELD == "id"
        case_id = record_id if own else fields.get("case_id")
    stamp = [wall_now() if wall is None else wall, counter, origin]
    return {
        "id": str(uuid.uuid4()),
        "seq": seq,
        "origin": origin,
        "kind": kind,
        "record_id": record_id,
        "case_id": case_id,
        "action": "put",
        "fields": fields,
        "clocks": {k: stamp for k in fields if k not in ("created_at", "origin")},
        "at": "2026-11-22T10:30:00+00:00",
        **extra,
    }


def new_record(origin: str, record: Any) -> dict[str, Any]:
    """The creating op of ``record`` as ``origin`` would send it."""
    doc = record.to_dict()
    fields = {k: doc[k] for k in type(record).data_fields()}
    fields.update(created_at="2026-11-22T10:30:00+00:00", origin=origin)
    return op(origin, record.KIND, record.id, fields)


def stored(node: SyncNode, kind: str, record_id: str) -> dict[str, Any]:
    doc = node.repo.raw(kind, record_id)
    assert doc is not None
    return copy.deepcopy(doc)


# -- hostile generators: Anna against the office ------------------------------------------------

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


def number(receiver: SyncNode, sender: str, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give ops the next stream positions the receiver has not seen (a position already
    received would be skipped, not judged). An op whose seq is deliberately out of range
    keeps it."""
    top = receiver.peer(sender)["received_n"]
    for i, item in enumerate(ops):
        if item.get("seq", 1) <= 2**53:
            item["seq"] = top + i + 1
    return ops


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


# -- what must hold after every bundle -----------------------------------------------------------


def protected(world: World) -> dict[tuple[str, str], dict[str, Any]]:
    """What Anna's bundles must never change at the office: every record that is not hers
    whole, and of hers the fixed details and the office-only fields."""
    from sync.authorise import OFFICE_FIELDS

    a, acase, office_id = world.vid("a"), world.ids["a.case"], world.office.node_id
    out = {}
    for kind, cls in KINDS.items():
        for d in world.office.repo.table(kind).all():
            if cls.CASE_FIELD is None:
                mine = d.get("origin") == a
            else:
                case = d["id"] if cls.CASE_FIELD == "id" else d.get("case_id")
                mine = case == acase and d.get("origin") != office_id and kind != "note"
            if mine:
                names = ("id", "origin", "created_at", "case_id", *OFFICE_FIELDS.get(kind, ()))
                out[(kind, d["id"])] = {k: d.get(k) for k in names}
            else:
                out[(kind, d["id"])] = {k: v for k, v in d.items() if k != "updated_at"}
    return out


def check_protected(world: World, baseline: dict[tuple[str, str], dict[str, Any]]) -> None:
    now = protected(world)
    a, acase = world.vid("a"), world.ids["a.case"]
    for key, before in baseline.items():
        assert now.get(key) == before, key
    for kind, rid in set(now) - set(baseline):
        doc = world.office.repo.raw(kind, rid)
        assert doc is not None and doc["origin"] == a, (kind, "made in another's name")
        cls = KINDS[kind]
        if cls.CASE_FIELD is not None:
            case = doc["id"] if cls.CASE_FIELD == "id" else doc.get("case_id")
            assert case == acase, (kind, "made on a case Anna does not hold")


def everyday(node: SyncNode) -> None:
    """The office functions a poisoned value broke before: they must all still run."""
    import datetime as dt

    from ips_field.domain.values import check_record
    from ips_field.services.office_search import CaseIndex
    from ips_field.services.reports import build_report, to_csv, to_markdown
    from sync.oversight import conflicts_for_review, oversight

    for kind in KINDS:
        for doc in node.repo.table(kind).all():
            check_record(doc)
    today = node.repo.now().date()
    report = build_report(node.repo, today - dt.timedelta(days=365), today)
    to_markdown(report)
    to_csv(report)
    oversight(node, today, supervision_interval_days=90, refreshers={})
    conflicts_for_review(node)
    CaseIndex.build(node.repo, {}).search("a")

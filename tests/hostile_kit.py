"""A hostile enrolled volunteer (and a hostile office), signing with their own genuine keys.

:func:`make_world` builds an office and three enrolled volunteers through the real enrolment
flow, on in-memory stores so hundreds of imports stay fast. Anna (``a``) and Ben (``b``) each
hold a case with a family, a flagged note, a consent and an evaluation the office completed,
and CPD, an interest and a supervision record of their own; the office has made an
evaluation of its own on each case. :func:`send` seals a **validly signed** bundle from a
volunteer to the office (or, with :func:`send_to_volunteer`, from the office to a
volunteer) and imports it through :func:`sync.exchange.import_bundle` from a real file.
:func:`state` is everything a store holds, for "nothing changed" comparisons.

The generators are in tests/hostile_attacks.py; what must hold after each bundle is here
(:func:`protected`, :func:`check_protected`, :func:`everyday`).
"""

from __future__ import annotations

import copy
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ips_field.actions import office as off
from ips_field.actions.office import record_returned_evaluation
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
from ips_field.store.values import json_copy
from sync.bundle import FORMAT_VERSION, encrypt_frame, make_frame, seal_bundle
from sync.exchange import ImportResult, export_bundle, import_bundle
from sync.node import SyncNode, b64
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
    node = SyncNode.create(MemoryStore(), "office")
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
    consent = repo.save(Consent(case_id=case.id, purpose="record", given_on="2026-11-01"))
    note = repo.add_note(
        Note(case_id=case.id, voice="parent_view", text=f"you should, {name}", flags=[FLAG])
    )
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


def _fork_node(node: SyncNode) -> SyncNode:
    """The same node on a copy of its store: what it holds, its hybrid clock and op count."""
    store = MemoryStore()
    store.db.storage.memory = json_copy(node.store.db.storage.memory)
    store.db.clear_cache()
    twin = SyncNode(store, node.role)
    twin.repo.clock.last = node.repo.clock.last
    twin.repo._seq = node.repo._seq
    return twin


def fork(world: World, tmp: Path) -> World:
    """A copy of ``world`` (every store copied, files under ``tmp``) that a test may change
    without touching the original: one world built once, a fresh copy per row or test."""
    return World(
        _fork_node(world.office),
        {name: _fork_node(node) for name, node in world.vols.items()},
        tmp,
        dict(world.ids),
    )


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
    recipient = receiver.identity.public
    return encrypt_frame(make_frame(data, sender.identity, recipient), recipient)


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


def number(receiver: SyncNode, sender: str, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give ops the next stream positions the receiver has not seen (a position already
    received would be skipped, not judged). An op whose seq is deliberately out of range
    keeps it."""
    top = receiver.peer(sender)["received_n"]
    for i, item in enumerate(ops):
        if item.get("seq", 1) <= 2**53:
            item["seq"] = top + i + 1
    return ops


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

    from ips_field.actions.office import conflicts_for_review, oversight
    from ips_field.actions.office.report_figures import build_report, to_csv, to_markdown
    from ips_field.actions.office.search import CaseIndex
    from ips_field.domain.values import check_record

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

"""Typed access to records. Every change stamps clocks and writes an operation to the outbox.

Tables: one per record kind (``case``, ``note``...), plus ``outbox`` (operations this node
made, in ``seq`` order) and ``meta`` (node id, clock). A change and its operation are
written in one store transaction, so they reach the disk together or not at all.

Operation format (shipped by ``sync``)::

    {"id": op_id, "seq": n, "origin": node, "kind": kind, "record_id": id,
     "case_id": case or None, "action": "put" | "delete",
     "fields": {name: value}, "clocks": {name: [wall_ms, counter, node]}, "at": iso}
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
from collections.abc import Iterator
from typing import Any, Protocol, TypeVar

from ips_field.domain import notes as notes_rules
from ips_field.domain import rules
from ips_field.domain.clock import Clock, HybridClock, Stamp, as_stamp, default_clock
from ips_field.domain.records import (
    KINDS,
    META_FIELDS,
    Case,
    Consent,
    Meeting,
    Note,
    Record,
    VolunteerProfile,
    new_id,
    record_from_dict,
)
from ips_field.errors import ValidationError
from ips_field.store.table import IdTable

R = TypeVar("R", bound=Record)

OUTBOX = "outbox"
META = "meta"


class Unchecked(enum.Enum):
    """The only writers allowed past the consent and conflict rules, each by name.

    Every other repository (the volunteer app, the ``ips-field`` commands, the demos and
    test builders) checks every meeting and note it writes (``domain/rules.py``)."""

    #: The office's master record: it holds what volunteers already wrote under the rules
    #: (merged from their bundles) and a supervisor's resolution of a merge conflict.
    OFFICE_MASTER = "office master record"


class StoreLike(Protocol):
    def table(self, name: str) -> IdTable: ...

    def transaction(self) -> contextlib.AbstractContextManager[None]: ...


class Repository:
    """Typed, clocked, op-logged access to one store."""

    def __init__(
        self,
        store: StoreLike,
        *,
        node_id: str | None = None,
        clock: Clock | None = None,
        rules: bool = True,
        unchecked: Unchecked | None = None,
    ) -> None:
        """``rules`` is on for every writer; the one way past it is a named ``unchecked``
        reason (sync merge writes raw documents and never reaches the rules at all)."""
        if not rules and unchecked is None:
            raise TypeError("the rules can only be bypassed by name: unchecked=Unchecked.…")
        self.store = store
        # Consent and conflict rules on meetings and notes (domain/rules.py).
        self.unchecked = unchecked
        self.enforce_rules = unchecked is None
        self.time: Clock = clock or default_clock()
        meta = store.table(META).get_id("node")
        if meta is None:
            meta = {"id": "node", "node_id": node_id or new_id(), "clock": [0, 0, ""], "seq": 0}
            store.table(META).put(meta)
        self.node_id: str = meta["node_id"]
        self.clock = HybridClock(
            self.node_id,
            wall=self.time.wall_ms,
            last=as_stamp(meta["clock"]),
        )
        self._seq: int = int(meta.get("seq", 0))

    def now(self) -> dt.datetime:
        """Now, from the injected clock (aware; shown to the volunteer as wall-clock time)."""
        return self.time.now()

    # -- transactions -------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several changes into one atomic store write."""
        saved = (self.clock.last, self._seq)
        try:
            with self.store.transaction():
                yield
        except BaseException:
            self.clock.last, self._seq = saved
            raise

    def table(self, kind: str) -> IdTable:
        return self.store.table(kind)

    # -- reading ------------------------------------------------------------------------

    def get(self, cls: type[R], record_id: str) -> R | None:
        doc = self.table(cls.KIND).get_id(record_id)
        return cls.from_dict(doc) if doc is not None else None

    def all(self, cls: type[R], *, include_deleted: bool = False) -> list[R]:
        docs = self.table(cls.KIND).all()
        return [cls.from_dict(d) for d in docs if include_deleted or not d.get("deleted")]

    def find(self, cls: type[R], **equal: Any) -> list[R]:
        """Records of ``cls`` whose fields equal the given values (tombstones left out)."""
        out = []
        for doc in self.table(cls.KIND).all():
            if doc.get("deleted"):
                continue
            if all(doc.get(k) == v for k, v in equal.items()):
                out.append(cls.from_dict(doc))
        return out

    def for_case(self, cls: type[R], case_id: str) -> list[R]:
        return self.find(cls, case_id=case_id)

    def counts(self) -> dict[str, int]:
        """Live records per kind (tombstones left out)."""
        return {
            kind: sum(1 for d in self.table(kind).all() if not d.get("deleted")) for kind in KINDS
        }

    def profile(self) -> VolunteerProfile | None:
        found = self.all(VolunteerProfile)
        return found[0] if found else None

    # -- writing ------------------------------------------------------------------------

    def save(self, record: R) -> R:
        """Validate and store ``record``; only changed fields get new clocks and an op.

        Meetings and new notes are checked against the case's consent and conflict state
        first (``domain/rules.py``): what a dialog refuses, the repository refuses too."""
        record.validate()
        table = self.table(record.KIND)
        old = table.get_id(record.id)
        self._enforce(record, old)
        now_iso = self.now().isoformat(timespec="seconds")
        new = record.to_dict()
        if old is None:
            changed = record.data_fields()
            new["created_at"] = new["created_at"] or now_iso
            new["origin"] = new["origin"] or self.node_id
        else:
            if record.KIND == Note.KIND:
                fixed = sorted(f for f in notes_rules.FIXED if old.get(f) != new.get(f))
                if fixed:
                    raise ValidationError(
                        {fixed[0]: "Notes cannot be changed; add a correction that supersedes it"}
                    )
            changed = [f for f in record.data_fields() if old.get(f) != new.get(f)]
            if old.get("deleted") != new.get("deleted"):
                changed.append("deleted")
            new["created_at"] = old["created_at"]
            new["origin"] = old["origin"]
            if not changed:
                return record.from_dict(old)
        new["updated_at"] = now_iso
        clocks = dict(old["clocks"]) if old else {}
        # Each edited field remembers the clock of the value it replaced, so a merge can
        # tell an overwrite of a seen value from a concurrent edit (a conflict).
        prev = dict(old.get("prev", {})) if old else {}
        with self.transaction():
            stamp = self.clock.tick()
            replaced = {name: clocks.get(name) for name in changed}
            for name in changed:
                prev[name] = clocks.get(name)
                clocks[name] = list(stamp)
            new["clocks"] = clocks
            new["prev"] = prev
            table.put(new)
            fields = {name: new[name] for name in changed}
            if old is None:
                fields["created_at"] = new["created_at"]
                fields["origin"] = new["origin"]
            action = "put" if not new.get("deleted") else "delete"
            self._emit(record, action, fields, stamp, replaced)
        return record.from_dict(new)

    def create(self, record: R) -> R:
        """Store a new record (an error if the id exists)."""
        if self.table(record.KIND).get_id(record.id) is not None:
            raise ValidationError({"id": "A record with this id already exists"})
        return self.save(record)

    def delete(self, cls: type[R], record_id: str) -> None:
        """Tombstone a record: it stays (for sync) but is hidden everywhere."""
        current = self.get(cls, record_id)
        if current is not None and not current.deleted:
            self.save(current.replace(deleted=True))

    def add_note(self, note: Note) -> Note:
        note = note.replace(written_at=note.written_at or self.now().isoformat(timespec="seconds"))
        return self.create(note)

    def correct_note(self, old_id: str, text: str, reason: str, **changes: Any) -> Note:
        """A new note that supersedes ``old_id``, with the reason; the old one stays."""
        old = self.get(Note, old_id)
        if old is None:
            raise ValidationError({"supersedes": "That note no longer exists"})
        changes.setdefault("flags", [])  # the new wording is checked afresh by the caller
        new = old.replace(
            id=new_id(),
            text=text,
            reason=reason,
            supersedes=old_id,
            written_at="",
            created_at="",
            updated_at="",
            origin="",
            clocks={},
            **changes,
        )
        return self.add_note(new)

    def current_notes(self, case_id: str, meeting_id: str | None = None) -> list[Note]:
        """Notes not superseded by a later correction, oldest first."""
        notes = self.for_case(Note, case_id)
        if meeting_id is not None:
            notes = [n for n in notes if n.meeting_id == meeting_id]
        return notes_rules.in_order(notes_rules.current(notes))

    def note_history(self, note_id: str) -> list[Note]:
        """The chain of corrections ending at ``note_id``, oldest first."""
        chain: list[Note] = []
        current = self.get(Note, note_id)
        while current is not None:
            chain.append(current)
            current = self.get(Note, current.supersedes) if current.supersedes else None
        return list(reversed(chain))

    def _enforce(self, record: Record, old: dict[str, Any] | None) -> None:
        if not self.enforce_rules:
            return
        if isinstance(record, Meeting):
            new = record.to_dict()
            if old is not None and all(old.get(f) == new.get(f) for f in record.data_fields()):
                return  # nothing changed: nothing to check
            rules.check_meeting(
                record,
                case=self.get(Case, record.case_id),
                consents=self.for_case(Consent, record.case_id),
                day=self.now().date(),
                before=Meeting.from_dict(old) if old is not None else None,
            )
        elif isinstance(record, Note) and old is None:
            rules.check_note(
                record,
                case=self.get(Case, record.case_id),
                consents=self.for_case(Consent, record.case_id),
                meeting=self.get(Meeting, record.meeting_id) if record.meeting_id else None,
                day=self.now().date(),
            )

    # -- consent ------------------------------------------------------------------------

    def has_consent(self, case_id: str, purpose: str, day: dt.date | None = None) -> bool:
        day = day or self.now().date()
        return any(
            c.purpose == purpose and c.current_on(day) for c in self.for_case(Consent, case_id)
        )

    def open_cases(self) -> list[Case]:
        return [c for c in self.all(Case) if c.status == "open"]

    # -- operations ---------------------------------------------------------------------

    def _emit(
        self,
        record: Record,
        action: str,
        fields: dict[str, Any],
        stamp: Stamp,
        replaced: dict[str, Any],
    ) -> None:
        self._seq += 1
        op = {
            "id": new_id(),
            "seq": self._seq,
            "origin": self.node_id,
            "kind": record.KIND,
            "record_id": record.id,
            "case_id": record.case_ref(),
            "action": action,
            "fields": fields,
            "clocks": {name: list(stamp) for name in fields if name in replaced},
            "prev": {name: clock for name, clock in replaced.items() if clock is not None},
            "at": self.now().isoformat(timespec="seconds"),
        }
        self.store.table(OUTBOX).put(op)
        self.store.table(META).put(
            {
                "id": "node",
                "node_id": self.node_id,
                "clock": list(self.clock.last),
                "seq": self._seq,
            }
        )

    def outbox(self, after_seq: int = 0) -> list[dict[str, Any]]:
        """Operations this node made with ``seq`` above ``after_seq``, in order."""
        ops = [op for op in self.store.table(OUTBOX).all() if op["seq"] > after_seq]
        return sorted(ops, key=lambda op: op["seq"])

    @property
    def last_seq(self) -> int:
        return self._seq

    def raw(self, kind: str, record_id: str) -> dict[str, Any] | None:
        """The stored document (for sync merge)."""
        return self.table(kind).get_id(record_id)

    def put_raw(self, doc: dict[str, Any]) -> None:
        """Write a document as-is (for sync merge, inside a transaction)."""
        if doc.get("kind") not in KINDS:
            raise ValidationError({"kind": "Unknown record kind"})
        self.table(doc["kind"]).put(doc)

    def observe(self, stamp: Stamp) -> None:
        self.clock.observe(stamp)

    def record(self, kind: str, record_id: str) -> Record | None:
        doc = self.raw(kind, record_id)
        return record_from_dict(doc) if doc else None

    @staticmethod
    def meta_fields() -> tuple[str, ...]:
        return META_FIELDS

"""Who may change what (DESIGN.md §5): decided by the stored record, never by the op's claims.

Checked for every op of a bundle before anything is applied; the first refusal refuses the
whole bundle with one line (:class:`Unauthorised`). The rules, as a table in docs/sync.md:

- A bundle carries only its sender's own operations (``op.origin`` is the sender).
- A case op's case is its own record id. Any other record's case is its **stored**
  ``case_id`` when it exists (an op naming another case is refused), else the case the op
  names. Its maker is its **stored** ``origin``; the holder is the **stored** case's
  ``assigned_to``. ``id``, ``kind``, ``origin``, ``created_at`` and ``case_id`` never change
  over sync: an op carrying a different value for a stored record is refused.
- Volunteer → office. A volunteer may open a new case (assigned to themselves), create
  records on cases assigned to them (or opened in the same bundle), and change the records
  on those cases that a volunteer made (theirs, or a previous holder's handed over with the
  case). Records the office made (except the case, family and child records, which the
  office makes at referral intake) are the office's alone;
  office-only fields (a case's assignee and the office's confirmation; an evaluation's
  returned answers) may be neither set nor changed. Profile, interest, CPD,
  supervision and outreach records belong to their sender and cannot be made in anyone
  else's name, nor can a conflict check. Notes never change once made; a correction
  supersedes a note of the same case. Only the office erases.
- Office → volunteer. The office may create and change records on cases (an assignment,
  a reassignment, a snapshot of a handed-over case, an erasure) but not a volunteer's own
  case-less records, and it too cannot change a note or a record's fixed metadata.
- Operations on erased cases are not refused here: the merge drops and reports them.
"""

from __future__ import annotations

from typing import Any

from ips_field.domain.records import KINDS
from ips_field.store.repository import Repository
from sync.erasure import erased_ids
from sync.errors import Unauthorised

#: Fields only the office sets, by kind. (A case's ``blocked_reason`` is set by the
#: volunteer's own conflict check on the laptop, so it is not among them.)
OFFICE_FIELDS: dict[str, frozenset[str]] = {
    "case": frozenset({"assigned_to", "office_confirmed_on"}),
    "evaluation": frozenset({"returned_on", "scores", "impartial", "comments"}),
}
#: Records of a case its holder keeps up to date whoever made them: the case itself, and the
#: family and child the office records at referral intake (a phone number that changes is
#: corrected by the volunteer who holds the case).
HOLDER_KEEPS = frozenset({"case", "family", "child"})
#: Fields that never change once a record exists.
FIXED_META = ("created_at", "origin", "case_id")


def record_case(op: dict[str, Any], stored: dict[str, Any] | None) -> str | None:
    """The case ``op`` acts on, by the stored record where there is one."""
    cls = KINDS[op["kind"]]
    if cls.CASE_FIELD is None:
        return None
    if cls.CASE_FIELD == "id":
        record_id: str = op["record_id"]
        return record_id
    if stored is not None:
        return stored.get("case_id") or None
    return op["fields"].get("case_id") or op.get("case_id") or None


def _check_fixed(op: dict[str, Any], stored: dict[str, Any]) -> None:
    """An op on a stored record may not change what never changes."""
    fields = op["fields"]
    for name in FIXED_META:
        if name in fields and stored.get(name) not in (None, "", fields[name]):
            raise Unauthorised("operation changes a record's fixed details")
    cls = KINDS[op["kind"]]
    if cls.CASE_FIELD == "case_id" and op.get("case_id") not in (None, stored.get("case_id")):
        raise Unauthorised("operation moves a record to another case")
    if op["kind"] == "note" and any(
        stored.get(name) != value for name, value in fields.items() if name not in FIXED_META
    ):
        raise Unauthorised("operation changes a note (notes never change once made)")


def _defaults(kind: str) -> dict[str, Any]:
    blank = KINDS[kind]()
    return {name: getattr(blank, name) for name in KINDS[kind].data_fields()}


def authorise_volunteer_ops(
    repo: Repository, sender: str, ops: list[dict[str, Any]], *, office_id: str | None = None
) -> None:
    """Raise :class:`Unauthorised` if any op is not the sender's to make (office side)."""
    office_id = office_id or repo.node_id
    erased = erased_ids(repo.store)
    made: dict[tuple[str, str], dict[str, Any]] = {}  # records made earlier in this bundle

    def lookup(kind: str, record_id: str) -> dict[str, Any] | None:
        return made.get((kind, record_id)) or repo.raw(kind, record_id)

    for op in ops:
        if op["origin"] != sender:
            raise Unauthorised("bundle carries another node's operations")
        if op["action"] == "erase":
            raise Unauthorised("only the office can erase a family's records")
        kind, fields = op["kind"], op["fields"]
        cls = KINDS[kind]
        stored = lookup(kind, op["record_id"])
        if stored is not None:
            _check_fixed(op, stored)
        elif "created_at" not in fields:
            if record_case(op, None) in erased:
                continue
            raise Unauthorised("operation on a record that does not exist")
        elif fields.get("origin", sender) != sender:
            raise Unauthorised("a new record must be made in its sender's name")
        if cls.CASE_FIELD is None:
            owner = stored.get("origin") if stored is not None else sender
            if owner != sender:
                raise Unauthorised("operation on another volunteer's own records")
        else:
            case_id = record_case(op, stored)
            if case_id is None:
                raise Unauthorised("operation on a record that belongs to no case")
            if case_id in erased:
                continue  # dropped and reported by the merge
            _check_on_case(op, stored, lookup("case", case_id), sender, office_id)
            if kind == "note" and stored is None and fields.get("supersedes"):
                target = lookup("note", fields["supersedes"])
                if target is None or target.get("case_id") != case_id:
                    raise Unauthorised("a correction must supersede a note of the same case")
        # later ops of this bundle are judged by the record as this op leaves it (a copy:
        # the stored document itself is never touched here)
        changed = {k: v for k, v in fields.items() if stored is None or k not in FIXED_META}
        made[(kind, op["record_id"])] = {**(stored or {"origin": sender}), **changed}


def _check_on_case(
    op: dict[str, Any],
    stored: dict[str, Any] | None,
    case: dict[str, Any] | None,
    sender: str,
    office_id: str,
) -> None:
    kind, fields = op["kind"], op["fields"]
    if kind == "conflict_check" and fields.get("volunteer_id", sender) != sender:
        raise Unauthorised("a conflict check names another volunteer")
    office_only = OFFICE_FIELDS.get(kind, frozenset()) & set(fields)
    if kind == "case" and stored is None:
        if fields.get("assigned_to") != sender:
            raise Unauthorised("a new case must be assigned to the volunteer who opens it")
        blank = _defaults("case")
        if any(fields[n] != blank[n] for n in office_only - {"assigned_to"}):
            raise Unauthorised("only the office sets a case's office details")
        return
    if case is None:
        raise Unauthorised("operation on a case this volunteer does not hold")
    if case.get("assigned_to") != sender:
        raise Unauthorised("operation on a case assigned to another volunteer")
    if stored is None:
        blank = _defaults(kind)
        if any(fields[n] != blank[n] for n in office_only):
            raise Unauthorised("only the office records those details")
        return
    if any(fields[n] != stored.get(n) for n in office_only):
        raise Unauthorised("only the office changes those details")
    if kind not in HOLDER_KEEPS and stored.get("origin") == office_id:
        raise Unauthorised("operation on a record the office made")


def authorise_office_ops(repo: Repository, sender: str, ops: list[dict[str, Any]]) -> None:
    """Raise :class:`Unauthorised` if an office op may not be applied here (volunteer side)."""
    for op in ops:
        if op["origin"] != sender:
            raise Unauthorised("bundle carries another node's operations")
        if op["action"] == "erase":
            continue
        cls = KINDS[op["kind"]]
        if cls.CASE_FIELD is None:
            raise Unauthorised("the office does not change a volunteer's own records")
        stored = repo.raw(op["kind"], op["record_id"])
        if stored is not None:
            _check_fixed(op, stored)
        if record_case(op, stored) is None:
            raise Unauthorised("operation on a record that belongs to no case")

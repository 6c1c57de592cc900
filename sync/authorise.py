"""Who may change what (DESIGN.md §5): checked for every op before anything is applied.

A volunteer may open a new case (theirs until the office reassigns it) and change the cases
assigned to them, and their own case-less records (CPD, supervision, interests, outreach,
profile). Only the office reassigns, erases, revokes and wipes. A volunteer's bundle may
carry only that volunteer's own operations.
"""

from __future__ import annotations

from typing import Any

from ips_field.domain.records import KINDS
from ips_field.store.repository import Repository
from sync.errors import Unauthorised


def authorise_volunteer_ops(repo: Repository, sender: str, ops: list[dict[str, Any]]) -> None:
    """Raise :class:`Unauthorised` if any op is not the sender's to make (office side)."""
    new_cases: set[str] = set()
    for op in ops:
        if op["origin"] != sender:
            raise Unauthorised("bundle carries another node's operations")
        if op["action"] == "erase":
            raise Unauthorised("only the office can erase a family's records")
        cls = KINDS[op["kind"]]
        existing = repo.raw(op["kind"], op["record_id"])
        if cls.CASE_FIELD is None:
            if existing is not None and existing.get("origin") not in (sender, ""):
                raise Unauthorised("operation on another volunteer's own records")
            continue
        case_id = op.get("case_id")
        case = repo.raw("case", case_id) if case_id else None
        if op["kind"] == "case":
            fields = op["fields"]
            if case is None:
                if fields.get("assigned_to", sender) != sender:
                    raise Unauthorised("a new case must be assigned to the volunteer who opens it")
                new_cases.add(op["record_id"])
                continue
            if "assigned_to" in fields and fields["assigned_to"] != case.get("assigned_to"):
                raise Unauthorised("only the office reassigns cases")
        if case is None:
            if case_id in new_cases:
                continue
            raise Unauthorised("operation on a case this volunteer does not hold")
        if case.get("assigned_to") != sender:
            raise Unauthorised("operation on a case assigned to another volunteer")
        if existing is not None and existing.get(cls.CASE_FIELD) not in (None, case_id):
            raise Unauthorised("operation moves a record to another case")

"""Referral intake: a supervisor opens a new case at the office.

One function, :func:`open_referral`, used by ``ips-office intake`` and the office app's
intake screen alike. In **one** transaction it writes the case (with the next service
reference), the family with its parent or carer, the child, and the audit entry; when a
volunteer is named, the assignment goes through the conflict check in the same write
(blocked: nothing is written and the reason is given; warned: nothing is written unless a
reason is given, and the reason is audited). Every record is validated by the domain's own
rules first: a bad field is one line naming the field and nothing is written.

The referral's reason is kept as the case's summary; the referral source is one of the
fixed :data:`~ips_field.domain.records.REFERRAL_SOURCES` (counted in reports, never named).
Audit entries name the case by reference and the source by its key, never a family's name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from ips_field.actions import office as off
from ips_field.domain.calendar import parse_user_date
from ips_field.domain.conflicts import ConflictResult, check_conflicts
from ips_field.domain.records import Case, Child, Family
from ips_field.domain.vocabulary import REFERRAL_SOURCES
from ips_field.errors import ValidationError
from sync import audit, references
from sync.node import SyncNode

MAX_TEXT = 2000
#: (field, label) in the order a referral form is read out; the command's prompts and the
#: screen's form both use these.
FIELDS: list[tuple[str, str]] = [
    ("received_on", "Referral received on (YYYY-MM-DD or DD/MM/YYYY; blank: today)"),
    ("source", "Referred by"),
    ("reason", "Reason for the referral"),
    ("parent_name", "Parent or carer: name"),
    ("relationship", "Relationship to the child"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("family_name", "Family name (blank: the parent's last name)"),
    ("area", "Family's area (neighbourhood or postcode district)"),
    ("child_name", "Child's name"),
    ("date_of_birth", "Child's date of birth (blank if not known)"),
    ("year_group", "Year group"),
    ("needs", "Needs"),
    ("school", "School or setting"),
    ("local_authority", "Local authority"),
]


def _date_or_none(text: str) -> dt.date | None:
    try:
        return parse_user_date(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class Referral:
    """What a referral gives the office; every field is plain text as typed."""

    parent_name: str = ""
    relationship: str = ""
    phone: str = ""
    email: str = ""
    family_name: str = ""  # blank: the parent's last name
    area: str = ""  # neighbourhood or postcode district (checked against home areas)
    child_name: str = ""
    date_of_birth: str = ""  # YYYY-MM-DD or DD/MM/YYYY; or a year group
    year_group: str = ""
    needs: str = ""
    school: str = ""  # school or setting
    setting_type: str = "school"
    local_authority: str = ""
    source: str = ""  # one of REFERRAL_SOURCES
    reason: str = ""  # why the family was referred: the case's summary
    received_on: str = ""  # the date the referral came in (blank: today)

    @classmethod
    def from_mapping(cls, data: Any) -> Referral:
        """From a parsed file or form; unknown keys and non-text values are refused."""
        if not isinstance(data, dict):
            raise ValidationError({"referral": "The referral must be a list of field: value"})
        names = {f.name for f in fields(cls)}
        unknown = [k for k in data if k not in names]
        if unknown:
            shown = ", ".join(sorted(str(k)[:40] for k in unknown)[:5])
            raise ValidationError({"referral": f"Unknown referral fields: {shown}"})
        values: dict[str, str] = {}
        for key, value in data.items():
            if value is None:
                continue
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise ValidationError({key: "Give plain text"})
            values[key] = str(value).strip()
        return cls(**values)


@dataclass(frozen=True)
class Opened:
    case: Case
    family: Family
    child: Child
    assigned_to: str  # volunteer id, or "" when left unassigned
    check: ConflictResult | None  # the conflict check made, when a volunteer was named


def records_for(node: SyncNode, referral: Referral) -> tuple[Case, Family, Child]:
    """The three records a referral makes (not yet saved), each checked by its own rules;
    every problem at once in one ``ValidationError`` keyed by referral field."""
    problems: dict[str, str] = {}
    for name in fields(Referral):
        value = getattr(referral, name.name)
        if len(value) > MAX_TEXT:
            problems[name.name] = f"Longer than {MAX_TEXT} characters"
    if referral.source not in REFERRAL_SOURCES:
        problems["source"] = "Referral source must be one of: " + ", ".join(REFERRAL_SOURCES)
    if not referral.reason:
        problems["reason"] = "Give the reason for the referral"
    today = node.repo.time.today().isoformat()
    received = today
    if referral.received_on:
        parsed = _date_or_none(referral.received_on)
        if parsed is None:
            problems["received_on"] = "Received on must be a date like 2026-03-31"
        elif parsed.isoformat() > today:
            problems["received_on"] = "Received on is in the future"
        else:
            received = parsed.isoformat()
    dob: str | None = None
    if referral.date_of_birth:
        parsed = _date_or_none(referral.date_of_birth)
        if parsed is None:
            problems["date_of_birth"] = "Date of birth must be a date like 2016-03-31"
        else:
            dob = parsed.isoformat()
    family_name = referral.family_name or (referral.parent_name.split() or [""])[-1]
    case = Case(
        reference="pending",  # the service reference is issued inside the transaction
        school=referral.school,
        setting_type=referral.setting_type or "school",
        local_authority=referral.local_authority,
        opened_on=received,
        summary=referral.reason,
        referral_source=referral.source,
    )
    parent = {"name": referral.parent_name, "relationship": referral.relationship}
    parent.update({k: v for k, v in (("phone", referral.phone), ("email", referral.email)) if v})
    family = Family(case_id=case.id, family_name=family_name, area=referral.area, parents=[parent])
    child = Child(
        case_id=case.id,
        name=referral.child_name,
        date_of_birth=dob,
        year_group=referral.year_group,
        school=referral.school,
        needs=referral.needs,
    )
    where = {
        ("case", "school"): "school",
        ("family", "family_name"): "family_name",
        ("family", "parents"): "parent_name",
        ("family", "parents.0.name"): "parent_name",
        ("family", "parents.0.email"): "email",
        ("child", "name"): "child_name",
        ("child", "date_of_birth"): "date_of_birth",
    }
    for label, record in (("case", case), ("family", family), ("child", child)):
        try:
            record.validate()
        except ValidationError as err:
            for field_name, message in err.errors.items():
                problems.setdefault(where.get((label, field_name), field_name), message)
    if problems:
        raise ValidationError(problems)
    return case, family, child


def check_for(node: SyncNode, volunteer_id: str, referral: Referral) -> ConflictResult:
    """The conflict check for a volunteer against this referral, before anything is written
    (the screen shows it; :func:`open_referral` makes it again inside its transaction)."""
    return check_conflicts(
        off.volunteer_interests(node, volunteer_id),
        school=referral.school,
        people=[referral.parent_name, referral.child_name],
        area=referral.area,
    )


def open_referral(
    node: SyncNode, referral: Referral, *, volunteer_id: str = "", reason: str = ""
) -> Opened:
    """Open the case (and assign it when ``volunteer_id`` is given); all or nothing."""
    case, family, child = records_for(node, referral)
    reason = " ".join(reason.split())
    with node.store.transaction():
        case = case.replace(reference=references.next_reference(node))
        case = node.repo.save(case)
        family = node.repo.save(family)
        child = node.repo.save(child)
        references.record(node, case.id, case.reference)
        audit.append(
            node, "intake", f"{case.reference} opened (referral: {case.referral_source})",
            case_id=case.id,
        )  # fmt: skip
        result = None
        if volunteer_id:
            result = check_for(node, volunteer_id, referral)
            from ips_field.actions.office.assignment import assign

            try:
                case = assign(node, case.id, volunteer_id, reason=reason)
            except ValidationError as err:  # about the choice of volunteer, not the referral
                raise ValidationError({"volunteer": "; ".join(err.errors.values())}) from None
    return Opened(case, family, child, volunteer_id, result)

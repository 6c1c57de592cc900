"""The records a volunteer keeps, as dataclasses with field-level validation.

Every record has an ``id`` (uuid4), ``kind``, ``created_at``, ``updated_at``, ``origin``
(the node that created it), ``deleted`` (a tombstone) and ``clocks`` (one hybrid logical
clock per edited field). Dates are ISO strings (``YYYY-MM-DD``), times ISO datetimes, so a
record is plain JSON. Nothing here does I/O.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import uuid
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self, TypeGuard

from ips_field.domain.vocabulary import (
    APPROVAL_HOW,
    CASE_STATUSES,
    CONSENT_HOW,
    CONSENT_PURPOSES,
    CPD_TOPICS,
    EHCP_STATUSES,
    INTEREST_TYPES,
    KEY_DATES,
    REFERRAL_SOURCES,
    VOICES,
    VOLUNTEER_ROLES,
)
from ips_field.errors import ValidationError

META_FIELDS = ("id", "kind", "created_at", "updated_at", "origin", "deleted", "clocks")


def new_id() -> str:
    """A fresh record id (uuid4)."""
    return str(uuid.uuid4())


def parse_date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _date_ok(value: Any) -> TypeGuard[str]:
    if not isinstance(value, str):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _datetime_ok(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


class Checker:
    """Collects field-level messages; raises :class:`ValidationError` if any."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def required(self, name: str, value: Any, label: str) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.fail(name, f"{label} is required")

    def date(self, name: str, value: Any, label: str, *, required: bool = False) -> None:
        if value in (None, ""):
            if required:
                self.fail(name, f"{label} is required")
        elif not _date_ok(value):
            self.fail(name, f"{label} must be a date like 31/03/2026")

    def datetime(self, name: str, value: Any, label: str, *, required: bool = False) -> None:
        if value in (None, ""):
            if required:
                self.fail(name, f"{label} is required")
        elif not _datetime_ok(value):
            self.fail(name, f"{label} must be a date and time like 2026-03-31T10:00")

    def choice(self, name: str, value: Any, choices: Any, label: str) -> None:
        if value not in choices:
            self.fail(name, f"{label} must be one of: {', '.join(choices)}")

    def length(self, name: str, value: Any, label: str, most: int) -> None:
        if isinstance(value, str) and len(value) > most:
            self.fail(name, f"{label} is longer than {most} characters")

    def done(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


@functools.cache
def _data_fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.name not in META_FIELDS)


@dataclass(kw_only=True)
class Record:
    """Base of every stored record."""

    KIND: ClassVar[str] = "record"
    CASE_FIELD: ClassVar[str | None] = "case_id"

    id: str = field(default_factory=new_id)
    created_at: str = ""
    updated_at: str = ""
    origin: str = ""
    deleted: bool = False
    clocks: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.KIND

    def case_ref(self) -> str | None:
        """The case this record belongs to, for sync authorisation."""
        if self.CASE_FIELD is None:
            return None
        return getattr(self, self.CASE_FIELD, None)

    @classmethod
    def data_fields(cls) -> list[str]:
        """The editable fields (everything but the metadata)."""
        klass: type = cls  # mypy finds the class unhashable, a plain type not
        return list(_data_fields(klass))

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["kind"] = self.KIND
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        klass: type = cls  # mypy finds the class unhashable, a plain type not
        names = _field_names(klass)
        return cls(**{k: v for k, v in data.items() if k in names})

    def check(self, c: Checker) -> None:
        """Subclasses add their field rules."""

    def validate(self) -> None:
        """Raise :class:`ValidationError` with a message per bad field."""
        c = Checker()
        self.check(c)
        c.done()

    def replace(self, **changes: Any) -> Self:
        return dataclasses.replace(self, **changes)


@dataclass(kw_only=True)
class VolunteerProfile(Record):
    KIND: ClassVar[str] = "volunteer"
    CASE_FIELD: ClassVar[str | None] = None

    name: str = ""
    service: str = "generic"
    home_area: str = ""
    email: str = ""
    phone: str = ""
    settings: dict[str, Any] = field(default_factory=dict)

    def check(self, c: Checker) -> None:
        c.required("name", self.name, "Your name")
        c.required("service", self.service, "Service")
        c.length("name", self.name, "Your name", 120)


@dataclass(kw_only=True)
class Interest(Record):
    """A declared interest: a school where I govern, a family I know, my home area."""

    KIND: ClassVar[str] = "interest"
    CASE_FIELD: ClassVar[str | None] = None

    interest_type: str = "governor"
    organisation: str = ""
    person: str = ""
    area: str = ""
    declared_on: str = ""
    ended_on: str | None = None
    notes: str = ""

    def check(self, c: Checker) -> None:
        c.choice("interest_type", self.interest_type, INTEREST_TYPES, "Type of interest")
        if self.interest_type in ("relative", "friend"):
            c.required("person", self.person, "Person")
        elif self.interest_type == "home_area":
            c.required("area", self.area, "Area")
        else:
            c.required("organisation", self.organisation, "School or setting")
        c.date("declared_on", self.declared_on, "Declared on", required=True)
        c.date("ended_on", self.ended_on, "Ended on")

    @property
    def active(self) -> bool:
        return not self.deleted and not self.ended_on


@dataclass(kw_only=True)
class Case(Record):
    KIND: ClassVar[str] = "case"
    CASE_FIELD: ClassVar[str | None] = "id"

    reference: str = ""
    status: str = "open"
    school: str = ""
    setting_type: str = "school"
    local_authority: str = ""
    la_contacts: list[dict[str, str]] = field(default_factory=list)
    assigned_to: str = ""
    opened_on: str = ""
    closed_on: str | None = None
    outcome: str = ""
    summary: str = ""
    safeguarding: str = ""
    blocked_reason: str = ""
    office_confirmed_on: str | None = None
    referral_source: str = ""

    def check(self, c: Checker) -> None:
        c.required("reference", self.reference, "Case reference")
        c.choice("status", self.status, CASE_STATUSES, "Status")
        c.required("school", self.school, "School or setting")
        c.date("opened_on", self.opened_on, "Opened on", required=True)
        c.date("closed_on", self.closed_on, "Closed on")
        if self.referral_source:
            c.choice("referral_source", self.referral_source, REFERRAL_SOURCES, "Referred by")
        if self.status == "closed":
            c.required("closed_on", self.closed_on, "Closed on")
            c.required("outcome", self.outcome, "Outcome")
        for i, contact in enumerate(self.la_contacts):
            if not str(contact.get("name", "")).strip():
                c.fail(f"la_contacts.{i}.name", "Each local authority contact needs a name")


@dataclass(kw_only=True)
class Family(Record):
    KIND: ClassVar[str] = "family"

    case_id: str = ""
    family_name: str = ""
    area: str = ""
    parents: list[dict[str, str]] = field(default_factory=list)

    def check(self, c: Checker) -> None:
        c.required("case_id", self.case_id, "Case")
        c.required("family_name", self.family_name, "Family name")
        if not self.parents:
            c.fail("parents", "At least one parent or carer is required")
        for i, parent in enumerate(self.parents):
            if not str(parent.get("name", "")).strip():
                c.fail(f"parents.{i}.name", "Each parent or carer needs a name")
            email = str(parent.get("email", "")).strip()
            if email and "@" not in email:
                c.fail(f"parents.{i}.email", "Email address looks wrong")


@dataclass(kw_only=True)
class Child(Record):
    KIND: ClassVar[str] = "child"

    case_id: str = ""
    name: str = ""
    date_of_birth: str | None = None
    year_group: str = ""
    school: str = ""
    needs: str = ""
    ehcp_status: str = "none"

    def check(self, c: Checker) -> None:
        c.required("case_id", self.case_id, "Case")
        c.required("name", self.name, "Child's name")
        c.date("date_of_birth", self.date_of_birth, "Date of birth")
        if not self.date_of_birth and not self.year_group.strip():
            c.fail("date_of_birth", "Give a date of birth or a year group")
        c.choice("ehcp_status", self.ehcp_status, EHCP_STATUSES, "EHC plan status")


@dataclass(kw_only=True)
class Consent(Record):
    KIND: ClassVar[str] = "consent"

    case_id: str = ""
    purpose: str = "record"
    named_party: str = ""
    given_by: str = ""
    given_on: str = ""
    how_given: str = "verbal"
    expires_on: str | None = None
    withdrawn_on: str | None = None
    withdrawal_reason: str = ""

    def check(self, c: Checker) -> None:
        c.required("case_id", self.case_id, "Case")
        c.choice("purpose", self.purpose, CONSENT_PURPOSES, "Purpose")
        if self.purpose == "share_named_party":
            c.required("named_party", self.named_party, "Named party")
        c.date("given_on", self.given_on, "Given on", required=True)
        c.choice("how_given", self.how_given, CONSENT_HOW, "How given")
        c.date("expires_on", self.expires_on, "Expires on")
        c.date("withdrawn_on", self.withdrawn_on, "Withdrawn on")
        if (
            self.expires_on
            and self.given_on
            and _date_ok(self.expires_on)
            and _date_ok(self.given_on)
            and self.expires_on < self.given_on
        ):
            c.fail("expires_on", "Expiry is before the date consent was given")

    def current_on(self, day: dt.date) -> bool:
        """Whether this consent holds on ``day``."""
        if self.deleted or not self.given_on or parse_date(self.given_on) > day:
            return False
        if self.withdrawn_on and parse_date(self.withdrawn_on) <= day:
            return False
        return not (self.expires_on and parse_date(self.expires_on) < day)

    def state_on(self, day: dt.date) -> str:
        """``current``, ``expired``, ``withdrawn`` or ``pending``."""
        if self.withdrawn_on and parse_date(self.withdrawn_on) <= day:
            return "withdrawn"
        if self.expires_on and parse_date(self.expires_on) < day:
            return "expired"
        if self.given_on and parse_date(self.given_on) > day:
            return "pending"
        return "current"


@dataclass(kw_only=True)
class Meeting(Record):
    KIND: ClassVar[str] = "meeting"

    case_id: str = ""
    meeting_type: str = ""
    title: str = ""
    starts_at: str = ""
    place: str = ""
    attendees: list[dict[str, str]] = field(default_factory=list)
    volunteer_role: str = "support"
    role_statement: str = ""
    checklist: dict[str, bool] = field(default_factory=dict)
    parent_views: str = ""
    parent_wishes: str = ""
    parent_approved: bool = False
    parent_approved_on: str | None = None
    parent_approved_how: str = ""
    questions: list[str] = field(default_factory=list)
    status: str = "planned"
    role_stated_at: str | None = None

    def check(self, c: Checker) -> None:
        c.required("case_id", self.case_id, "Case")
        c.required("meeting_type", self.meeting_type, "Meeting type")
        c.datetime("starts_at", self.starts_at, "Date and time", required=True)
        c.choice("volunteer_role", self.volunteer_role, VOLUNTEER_ROLES, "Your role")
        c.choice("status", self.status, ("planned", "held", "cancelled"), "Status")
        for i, person in enumerate(self.attendees):
            if not str(person.get("name", "")).strip():
                c.fail(f"attendees.{i}.name", "Each attendee needs a name")
        if self.parent_approved_on or self.parent_approved_how:  # when and how go together
            c.date("parent_approved_on", self.parent_approved_on, "Approved on", required=True)
            c.choice("parent_approved_how", self.parent_approved_how, APPROVAL_HOW, "How approved")
            if not self.parent_approved:
                c.fail("parent_approved", "An approval date needs the approval itself")


@dataclass(kw_only=True)
class Note(Record):
    """An append-only note. A correction is a new note that ``supersedes`` the old one."""

    KIND: ClassVar[str] = "note"

    case_id: str = ""
    meeting_id: str | None = None
    voice: str = "general"
    text: str = ""
    speaker: str = ""
    speaker_role: str = ""
    owner: str = ""
    due_on: str | None = None
    written_at: str = ""
    supersedes: str | None = None
    reason: str = ""
    flags: list[dict[str, str]] = field(default_factory=list)

    def check(self, c: Checker) -> None:
        c.required("case_id", self.case_id, "Case")
        c.choice("voice", self.voice, VOICES, "Voice")
        c.required("text", self.text, "Note")
        c.length("text", self.text, "Note", 20_000)
        if self.voice == "professional_view":
            c.required("speaker", self.speaker, "Who said it")
        if self.voice == "agreed_action":
            c.required("owner", self.owner, "Who will do it")
        c.date("due_on", self.due_on, "Due on")
        if self.supersedes:
            c.required("reason", self.reason, "Reason for the correction")


@dataclass(kw_only=True)
class Contact(Record):
    KIND: ClassVar[str] = "contact"

    case_id: str = ""
    on: str = ""
    method: str = "phone"
    with_whom: str = ""
    summary: str = ""
    minutes: int = 0

    def check(self, c: Checker) -> None:
        c.required("case_id", self.case_id, "Case")
        c.date("on", self.on, "Date", required=True)
        c.choice("method", self.method, ("phone", "email", "visit", "letter", "video"), "Method")
        if not isinstance(self.minutes, int) or self.minutes < 0:
            c.fail("minutes", "Minutes must be a whole number, 0 or more")


@dataclass(kw_only=True)
class Signposting(Record):
    KIND: ClassVar[str] = "signposting"

    case_id: str = ""
    source_id: str = ""
    source_name: str = ""
    on: str = ""
    note: str = ""

    def check(self, c: Checker) -> None:
        c.required("case_id", self.case_id, "Case")
        c.required("source_id", self.source_id, "Source")
        c.date("on", self.on, "Date", required=True)


@dataclass(kw_only=True)
class CpdEntry(Record):
    KIND: ClassVar[str] = "cpd"
    CASE_FIELD: ClassVar[str | None] = None

    on: str = ""
    title: str = ""
    provider: str = ""
    independent: bool = False
    hours: float = 0.0
    topics: list[str] = field(default_factory=list)
    certificate_ref: str = ""

    def check(self, c: Checker) -> None:
        c.date("on", self.on, "Date", required=True)
        c.required("title", self.title, "Title")
        if not isinstance(self.hours, int | float) or not 0 < float(self.hours) <= 100:
            c.fail("hours", "Hours must be more than 0 and at most 100")
        for topic in self.topics:
            if topic not in CPD_TOPICS:
                c.fail("topics", f"Unknown topic {topic!r}")


@dataclass(kw_only=True)
class SupervisionEntry(Record):
    KIND: ClassVar[str] = "supervision"
    CASE_FIELD: ClassVar[str | None] = None

    on: str = ""
    supervisor: str = ""
    case_ids: list[str] = field(default_factory=list)
    concerns: str = ""
    impartiality_concern: bool = False
    coaching: str = ""
    follow_up_on: str | None = None
    followed_up_on: str | None = None

    def check(self, c: Checker) -> None:
        c.date("on", self.on, "Date", required=True)
        c.required("supervisor", self.supervisor, "Supervisor")
        c.date("follow_up_on", self.follow_up_on, "Follow-up on")
        c.date("followed_up_on", self.followed_up_on, "Followed up on")
        if self.impartiality_concern:
            c.required("coaching", self.coaching, "Agreed coaching")
            c.required("follow_up_on", self.follow_up_on, "Follow-up date")


@dataclass(kw_only=True)
class Evaluation(Record):
    KIND: ClassVar[str] = "evaluation"

    case_id: str = ""
    stage: str = "closing"
    sent_on: str | None = None
    sent_how: str = ""
    respondent: str = "parent"
    returned_on: str | None = None
    scores: dict[str, int] = field(default_factory=dict)
    impartial: bool | None = None
    comments: str = ""

    SCORE_NAMES: ClassVar[tuple[str, ...]] = (
        "demeanour",
        "sen_knowledge",
        "information_quality",
        "preparation",
        "impartiality",
    )

    def check(self, c: Checker) -> None:
        c.required("case_id", self.case_id, "Case")
        c.choice("stage", self.stage, ("midway", "closing"), "Stage")
        c.choice("respondent", self.respondent, ("parent", "professional"), "Respondent")
        c.date("sent_on", self.sent_on, "Sent on")
        c.date("returned_on", self.returned_on, "Returned on")
        for name, score in self.scores.items():
            if name not in self.SCORE_NAMES:
                c.fail("scores", f"Unknown score {name!r}")
            elif not isinstance(score, int) or not 1 <= score <= 5:
                c.fail(f"scores.{name}", "Scores run from 1 to 5")


@dataclass(kw_only=True)
class Outreach(Record):
    KIND: ClassVar[str] = "outreach"
    CASE_FIELD: ClassVar[str | None] = None

    on: str = ""
    organisation: str = ""
    audience: str = "school"
    hours: float = 0.0
    notes: str = ""

    def check(self, c: Checker) -> None:
        c.date("on", self.on, "Date", required=True)
        c.required("organisation", self.organisation, "Organisation")
        c.choice("audience", self.audience, ("school", "setting", "parent_group", "other"), "Type")
        hours = self.hours
        if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 <= hours <= 100:
            c.fail("hours", "Hours must be a number from 0 to 100")  # NaN fails every comparison


@dataclass(kw_only=True)
class ConflictCheck(Record):
    """The result of a conflict-of-interest check, kept on the case for the office."""

    KIND: ClassVar[str] = "conflict_check"

    case_id: str = ""
    volunteer_id: str = ""
    checked_at: str = ""
    trigger: str = ""
    outcome: str = "clear"
    reasons: list[str] = field(default_factory=list)
    override_reason: str = ""

    def check(self, c: Checker) -> None:
        c.required("case_id", self.case_id, "Case")
        c.choice("outcome", self.outcome, ("clear", "warn", "block"), "Outcome")
        if self.outcome == "warn":
            c.required("override_reason", self.override_reason, "Reason to continue")


@dataclass(kw_only=True)
class KeyDate(Record):
    """A date on a case that a statutory time limit counts from or that shows one met."""

    KIND: ClassVar[str] = "key_date"

    case_id: str = ""
    which: str = ""
    on: str | None = None
    year: int | None = None  # phase_transfer_year only
    post_16: bool = False  # phase_transfer_year only: moving from school to post-16

    def check(self, c: Checker) -> None:
        c.required("case_id", self.case_id, "Case")
        if not isinstance(self.which, str):
            c.fail("which", "Which date must be one of the key dates")
        else:
            c.choice("which", self.which, KEY_DATES, "Which date")
        if self.which == "phase_transfer_year":
            if (
                not isinstance(self.year, int)
                or isinstance(self.year, bool)
                or not 2000 <= self.year <= 2100
            ):
                c.fail("year", "Year of transfer must be a year like 2027")
        else:
            c.date("on", self.on, "Date", required=True)
            if _date_ok(self.on) and not "2000-01-01" <= self.on <= "2099-12-31":
                c.fail("on", "Date must be from 2000 to 2099")
        if not isinstance(self.post_16, bool):
            c.fail("post_16", "Post-16 must be yes or no")

    def as_date(self) -> dt.date | None:
        """The date counted from (1 January of the year for a phase transfer year)."""
        if self.which == "phase_transfer_year":
            return dt.date(self.year, 1, 1) if isinstance(self.year, int) else None
        return parse_date(self.on) if _date_ok(self.on) else None


KINDS: dict[str, type[Record]] = {
    cls.KIND: cls
    for cls in (
        VolunteerProfile,
        Interest,
        Case,
        Family,
        Child,
        Consent,
        Meeting,
        Note,
        Contact,
        Signposting,
        CpdEntry,
        SupervisionEntry,
        Evaluation,
        Outreach,
        ConflictCheck,
        KeyDate,
    )
}


def record_from_dict(data: dict[str, Any]) -> Record:
    """Build the right record class from a stored document."""
    return KINDS[data["kind"]].from_dict(data)

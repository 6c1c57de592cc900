"""Data-protection requests (subject access, erasure, rectification) and their time limits.

UK GDPR Art. 12(3) and the ICO's guidance: answer within one calendar month of receipt —
the corresponding date in the next month, or that month's last day if it has none (31
January is due 28 or 29 February), moved to the next working day when it falls on a
weekend or bank holiday (the same rule as the ``sar`` timeline in
``templates/timelines.yaml``). The time may be extended by up to two further months when a
request is complex or one of many, if the person is told why within the first month.

No I/O here: the office's request log (``actions/office/protection.py``) stores these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ips_field.domain.calendar import add_months, in_range, next_working_day
from ips_field.errors import ValidationError

KINDS = {
    "subject_access": "Subject access",
    "erasure": "Erasure",
    "rectification": "Rectification",
}
MAX_EXTENSION_MONTHS = 2
SOON_DAYS = 7  # "due" on the home screen this many days ahead
MAX_REASON = 500


def due_on(received: dt.date, extra_months: int = 0) -> dt.date:
    """The day an answer is due: one calendar month after receipt (plus any extension)."""
    return next_working_day(add_months(received, 1 + extra_months))


@dataclass(frozen=True)
class DpRequest:
    """One request as the log keeps it (dates as ISO strings, like every record)."""

    id: str  # DP-0001, the office's own number
    kind: str
    case_id: str
    reference: str
    received_on: str
    due_on: str
    extended_months: int = 0
    extended_to: str = ""
    extension_reason: str = ""
    notice_on: str = ""  # when the person was told of the extension
    closed_on: str = ""
    outcome: str = ""
    logged_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> DpRequest:
        return cls(**{k: doc[k] for k in cls.__dataclass_fields__ if k in doc})

    @property
    def deadline(self) -> dt.date:
        return dt.date.fromisoformat(self.extended_to or self.due_on)

    def status(self, today: dt.date) -> str:
        """``answered``, ``OVERDUE``, ``due`` (within a week) or ``open``."""
        if self.closed_on:
            return "answered"
        if today > self.deadline:
            return "OVERDUE"
        if (self.deadline - today).days <= SOON_DAYS:
            return "due"
        return "open"

    def needs_attention(self, today: dt.date) -> bool:
        return self.status(today) in ("due", "OVERDUE")


def new_request(
    number: int, kind: str, case_id: str, reference: str, received: dt.date, today: dt.date
) -> DpRequest:
    if kind not in KINDS:
        raise ValidationError({"kind": "The request is subject access, erasure or rectification"})
    check_received(received, today)
    return DpRequest(
        id=f"DP-{number:04d}",
        kind=kind,
        case_id=case_id,
        reference=reference,
        received_on=received.isoformat(),
        due_on=due_on(received).isoformat(),
    )


def check_received(received: dt.date, today: dt.date) -> None:
    if not in_range(received):
        raise ValidationError({"received": "The date received is from 2000 to 2099"})
    if received > today:
        raise ValidationError({"received": "The date received cannot be in the future"})


def extended(
    request: DpRequest, months: int, reason: str, notice: dt.date, today: dt.date
) -> DpRequest:
    """The request with its time extended to ``months`` further months in all (1 or 2),
    told to the person on ``notice`` (within the first month, never in the future)."""
    if request.closed_on:
        raise ValidationError({"request": "That request is already answered"})
    if type(months) is not int or not 1 <= months <= MAX_EXTENSION_MONTHS:
        raise ValidationError({"months": "An extension is by one or two further months"})
    if months < request.extended_months:
        raise ValidationError({"months": "An extension cannot shorten the time already given"})
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Give the reason for the extension (it is recorded)"})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"The reason is at most {MAX_REASON} characters"})
    received = dt.date.fromisoformat(request.received_on)
    if notice > today:
        raise ValidationError({"notice": "The notice date cannot be in the future"})
    if notice < received or notice > dt.date.fromisoformat(request.due_on):
        raise ValidationError(
            {"notice": "The person must be told of an extension within the first month"}
        )
    return DpRequest(
        **{
            **request.to_dict(),
            "extended_months": months,
            "extended_to": due_on(received, months).isoformat(),
            "extension_reason": reason,
            "notice_on": notice.isoformat(),
        }
    )


def closed(request: DpRequest, on: dt.date, outcome: str, today: dt.date) -> DpRequest:
    if request.closed_on:
        raise ValidationError({"request": "That request is already answered"})
    if on > today or on < dt.date.fromisoformat(request.received_on):
        raise ValidationError({"on": "The answer date is between receipt and today"})
    outcome = " ".join(outcome.split())[:MAX_REASON]
    return DpRequest(**{**request.to_dict(), "closed_on": on.isoformat(), "outcome": outcome})

"""The parent's approval of their views and questions: when, and how they saw them.

An approval is of a wording: when the views, wishes or questions change afterwards, the
approval lapses and the parent is asked again. No I/O here; ``services.approval`` writes
through the repository.
"""

from __future__ import annotations

import datetime as dt

from ips_field.domain.dates import uk_date
from ips_field.domain.records import Meeting
from ips_field.domain.vocabulary import APPROVAL_HOW
from ips_field.errors import ValidationError

WORDING = ("parent_views", "parent_wishes", "questions")


def approve(meeting: Meeting, how: str, on: dt.date) -> Meeting:
    """The meeting with the parent's approval recorded (``how`` one of ``APPROVAL_HOW``)."""
    if how not in APPROVAL_HOW:
        raise ValidationError(
            {"parent_approved_how": f"How approved must be one of: {', '.join(APPROVAL_HOW)}"}
        )
    if not (meeting.parent_views.strip() or meeting.parent_wishes.strip() or meeting.questions):
        raise ValidationError({"parent_views": "There are no views or questions to approve yet"})
    return meeting.replace(
        parent_approved=True, parent_approved_on=on.isoformat(), parent_approved_how=how
    )


def withdraw(meeting: Meeting) -> Meeting:
    return meeting.replace(parent_approved=False, parent_approved_on=None, parent_approved_how="")


def revised(before: Meeting, after: Meeting) -> Meeting:
    """``after``, with the approval lapsed if the wording changed since ``before``."""
    if any(getattr(before, f) != getattr(after, f) for f in WORDING):
        return withdraw(after)
    return after


def approval_text(meeting: Meeting) -> str:
    """'Approved by the parent by phone on 3 December 2026', or why not."""
    if meeting.parent_approved and meeting.parent_approved_how:
        how = APPROVAL_HOW.get(meeting.parent_approved_how, meeting.parent_approved_how)
        return f"Approved by the parent {how} on {uk_date(meeting.parent_approved_on)}"
    if meeting.parent_approved:
        return "Marked approved (when and how not recorded)"
    return "Not yet approved by the parent"

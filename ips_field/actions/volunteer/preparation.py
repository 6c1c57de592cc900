"""Saving a meeting's preparation with the parent's approval rules (one function that the
preparation screen calls, so the rule is not only in a dialog).

- Ticking "approved" needs how the parent approved (in person, phone, email, letter); the
  date is today, from the repository's clock.
- When the views, wishes or questions change after an approval, the approval lapses and
  the volunteer is told; it is not silently carried over to the new wording.
- Unticking withdraws the approval.

``reschedule`` moves a meeting that has not been held to another date and time (the school
moved it, or it is happening now and was dated another day: the role statement can only be
recorded on the meeting's day, ``domain/rules.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ips_field.domain.approval import approve, revised, withdraw
from ips_field.domain.records import Meeting
from ips_field.domain.ukdates import to_iso_datetime
from ips_field.errors import ValidationError
from ips_field.store.repository import Repository


@dataclass
class Saved:
    meeting: Meeting
    lapsed: bool  # the wording changed, so the parent must approve it again


def save_preparation(repo: Repository, edited: Meeting, *, ticked: bool, how: str) -> Saved:
    """Save ``edited`` (the form's values) over the stored meeting with the approval rules."""
    before = repo.get(Meeting, edited.id)
    if before is None:
        raise ValidationError({"meeting": "No such meeting"})
    meeting = revised(
        before,
        edited.replace(
            parent_approved=before.parent_approved,
            parent_approved_on=before.parent_approved_on,
            parent_approved_how=before.parent_approved_how,
        ),
    )
    lapsed = before.parent_approved and not meeting.parent_approved
    if not ticked:
        meeting = withdraw(meeting)
    elif not lapsed and (not before.parent_approved or (how and how != before.parent_approved_how)):
        if not how:
            raise ValidationError({"parent_approved_how": "Say how the parent approved the views"})
        meeting = approve(meeting, how, repo.time.today())
    return Saved(repo.save(meeting), lapsed and ticked)


WHEN_FORMAT = "Give the date and time like 24/11/2026 10:00"


def reschedule(repo: Repository, meeting_id: str, typed: str) -> Meeting:
    """Move the meeting to ``typed`` (``DD/MM/YYYY HH:MM``, or ISO); a held meeting keeps
    its date. Everything else about it, the preparation and any approval, stays."""
    meeting = repo.get(Meeting, meeting_id)
    if meeting is None:
        raise ValidationError({"starts_at": "This meeting is no longer on this laptop"})
    if meeting.status == "held" or meeting.role_stated_at:
        raise ValidationError({"starts_at": "This meeting has been held: it keeps its date"})
    moved = meeting.replace(starts_at=to_iso_datetime(typed))
    try:
        moved.validate()
    except ValidationError as err:
        if "starts_at" in err.errors:
            raise ValidationError({"starts_at": WHEN_FORMAT}) from None
        raise
    return repo.save(moved)

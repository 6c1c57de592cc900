"""Rules that follow from consent and from conflicts of interest, checked where records are
written (``Repository.save``), not only in dialogs (DESIGN.md §4, §7). No I/O.

- No meeting, preparation or note on a blocked case, nor on a case whose conflict warning
  has no recorded reason yet (both set ``Case.blocked_reason``), nor on a case without a
  current "keep a record" consent (a preparation holds the parent's views). Cancelling a
  meeting is still allowed. ``meeting_refusal`` says why, for the screens that ask first.
- No note without a current "keep a record" consent, except a first-contact note that
  consent was asked (voice ``consent_asked``).
- No "represent" role, and no note in a meeting where the volunteer represents the parent,
  without a current consent to represent the parent's views.
- A meeting is held on its day, not before: no meeting dated after today (the service's
  local date) is recorded as held or as having had its role statement read out, and no
  role-statement note is added to one (a volunteer preparing the evening before cannot
  mark it held; a meeting that is happening now has its date corrected first).
- A role statement never claims a permission that is not current: a statement with the
  permission to represent is refused for a meeting whose role is not "represent", and a
  role-statement note claiming it needs a Represent meeting with a current consent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ips_field.domain.dates import uk_date
from ips_field.domain.records import Case, Consent, Meeting, Note
from ips_field.errors import ValidationError

CONSENT_ASKED = "consent_asked"
ROLE_STATEMENT = "ips_role_statement"
NO_RECORD_CONSENT = (
    "No current consent to keep a record of this case: record the parent's consent first "
    "(or a note that consent was asked)"
)
REPRESENT_CLAIMS = ("permission to represent", "represent their views", "represent the views")


def current(consents: Iterable[Consent], purpose: str, day: dt.date) -> bool:
    return any(c.purpose == purpose and c.current_on(day) for c in consents)


def blocked_message(case: Case) -> str:
    return (
        "This case is blocked: "
        + (case.blocked_reason or "a conflict of interest")
        + " Nothing can be prepared or noted on it until that is resolved."
    )


def meeting_refusal(case: Case | None, consents: Iterable[Consent], day: dt.date) -> str:
    """Why no meeting can be prepared, held or noted on ``case`` now ("" when it can): a
    block, an unanswered conflict warning, or no current consent to keep a record."""
    if case is not None and case.blocked_reason:
        return blocked_message(case)
    if not current(consents, "record", day):
        return NO_RECORD_CONSENT
    return ""


def refusal_in_brief(case: Case | None, consents: Iterable[Consent], day: dt.date) -> str:
    """``meeting_refusal`` in a few words, for a dashboard line ("" when it can go ahead)."""
    if case is not None and case.blocked_reason:
        if case.blocked_reason.startswith("Conflict warning not answered"):
            return "conflict warning not answered"
        return "case blocked by a conflict of interest"
    if not current(consents, "record", day):
        return "no consent to keep a record"
    return ""


def meeting_day(meeting: Meeting) -> dt.date | None:
    """The local date a meeting is on (``None`` when its date cannot be read)."""
    try:
        return dt.datetime.fromisoformat(meeting.starts_at).date()
    except ValueError:
        return None


def not_yet_held(meeting: Meeting, today: dt.date) -> str:
    """Why ``meeting`` cannot be held or have its role statement recorded on ``today`` ("" when
    it can): it is dated after today."""
    on = meeting_day(meeting)
    if on is None or on <= today:
        return ""
    return (
        f"This meeting is dated {uk_date(on)}: it cannot be recorded as held, nor its role "
        "statement as read out, before that day. If it is happening now, change its date first "
        "(ctrl+t in the preparation)"
    )


def check_meeting(
    meeting: Meeting,
    *,
    case: Case | None,
    consents: Iterable[Consent],
    day: dt.date,
    before: Meeting | None = None,
) -> None:
    """Raise ValidationError when ``meeting`` may not be written on ``day`` (the service's
    local date); ``before`` is the meeting as stored, if it was."""
    consents = list(consents)
    becomes_held = meeting.status == "held" and (before is None or before.status != "held")
    becomes_stated = bool(meeting.role_stated_at) and not (before and before.role_stated_at)
    if becomes_held or becomes_stated:  # one already held (in an older version) stays editable
        early = not_yet_held(meeting, day)
        if early:
            raise ValidationError({"starts_at": early})
    if meeting.status != "cancelled":
        refusal = meeting_refusal(case, consents, day)
        if refusal:
            raise ValidationError({"case_id": refusal})
    if meeting.volunteer_role == "represent" and not current(consents, "represent_views", day):
        raise ValidationError(
            {
                "volunteer_role": "Represent needs a current consent to represent the "
                "parent's views; record it on the case first, or choose Support"
            }
        )
    if meeting.volunteer_role != "represent" and claims_represent(meeting.role_statement):
        raise ValidationError(
            {
                "role_statement": "The role statement says you represent the parent, but "
                "your role is not Represent: regenerate it from the role (ctrl+r)"
            }
        )


def check_note(
    note: Note,
    *,
    case: Case | None,
    consents: Iterable[Consent],
    meeting: Meeting | None,
    day: dt.date,
) -> None:
    """Raise ValidationError when ``note`` may not be added on ``day``."""
    if case is not None and case.blocked_reason:
        raise ValidationError({"case_id": blocked_message(case)})
    if note.voice == ROLE_STATEMENT and meeting is not None:
        early = not_yet_held(meeting, day)
        if early:
            raise ValidationError({"voice": early})
    consents = list(consents)
    if note.voice != CONSENT_ASKED and not current(consents, "record", day):
        raise ValidationError({"case_id": NO_RECORD_CONSENT})
    represents = meeting is not None and meeting.volunteer_role == "represent"
    if (
        note.voice == ROLE_STATEMENT
        and claims_represent(note.text)
        and not (represents and current(consents, "represent_views", day))
    ):
        raise ValidationError(
            {
                "text": "This role statement says you represent the parent, but there is no "
                "current consent and Represent role for this meeting: regenerate it from the role"
            }
        )
    if represents and not current(consents, "represent_views", day):
        raise ValidationError(
            {
                "voice": "The consent to represent the parent's views is no longer current: "
                "change your role in the preparation before taking more notes"
            }
        )


def claims_represent(statement: str) -> bool:
    text = " ".join(statement.lower().split())
    return any(phrase in text for phrase in REPRESENT_CLAIMS)

"""The office records a subject access request on a family's case (received, extension
notified, answered), so the one-month limit is worked out and shown with the others."""

from __future__ import annotations

from typing import Any

from ips_field.domain.records import KeyDate
from ips_field.domain.vocabulary import KEY_DATES
from ips_field.tui.widgets.key_date_dialog import KeyDateDialog

OFFICE_KEY_DATES = ("sar_received", "sar_extended", "sar_responded")


def record_office_key_date(screen: Any, case_id: str) -> None:
    """Ask for the date on ``screen`` (an office screen) and save it, with an audit entry."""
    session = screen.session

    def done(record: KeyDate | None) -> None:
        if record is None:
            return
        session.repo.save(record)
        session.audit("subject_access", f"key date: {KEY_DATES[record.which]}", case_id=case_id)
        screen.notify(f"Recorded: {KEY_DATES[record.which]}")

    dialog = KeyDateDialog(case_id, session.today(), only=OFFICE_KEY_DATES)
    screen.app.push_screen(dialog, done)

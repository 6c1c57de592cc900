"""The office app's subject access and erasure of one family, step by step.

Each flow only asks and shows: the work is ``ips_field.actions.office.protection``, the
same functions ``ips-office subject-access`` and ``ips-office erase`` call.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ips_field.actions.office import protection as dp
from ips_field.domain.calendar import parse_user_date
from ips_field.domain.records import Case
from ips_field.errors import IpsError, ValidationError
from ips_field.tui.widgets.dialogs import AskDialog, ConfirmDialog


def _problem(err: IpsError) -> str:
    if isinstance(err, ValidationError):
        return "; ".join(err.errors.values())
    return str(err)


async def subject_access_flow(screen: Any, case_id: str) -> None:
    """Ask for the file (and, when no request is logged yet, the day it was received)."""
    s = screen.session
    case = s.repo.get(Case, case_id)
    if case is None:
        return
    default = str(Path.home() / f"subject-access-{case.reference}.docx")
    value = await screen.app.push_screen_wait(
        AskDialog(
            "Subject access export: everything held about this family, written OUTSIDE "
            "the encrypted record in plain text. File (.docx or .pdf for the readable pack, "
            ".json for the raw records):",
            value=default,
        )
    )
    if not value:
        return
    out = Path(value).expanduser()
    suffix = out.suffix.lower().lstrip(".")
    fmt = suffix if suffix in ("docx", "pdf") else "json"
    received = None
    if dp.open_request(s.node, case_id, "subject_access") is None:
        typed = await screen.app.push_screen_wait(
            AskDialog(
                "Date the request was received (it is logged, due one month later, and "
                "marked answered by this export):",
                value=s.today().isoformat(),
            )
        )
        if typed is None:
            return
        try:
            received = parse_user_date(typed)
        except ValueError as err:
            screen.notify(str(err), severity="error")
            return
    try:
        _, request = dp.subject_access(s.node, case_id, fmt, out, received=received)
    except IpsError as err:
        screen.notify(_problem(err), severity="error")
        return
    logged = f" Request {request.id} answered." if request else ""
    screen.notify(
        f"Written to {out} in PLAIN TEXT: give it to the family securely, then delete it." + logged,
        timeout=12,
    )


async def erase_flow(screen: Any, case_id: str) -> bool:
    """Request date, reason, the warnings, the reference typed: then erase. True if erased."""
    s = screen.session
    case = s.repo.get(Case, case_id)
    if case is None:
        return False
    typed = await screen.app.push_screen_wait(
        AskDialog(
            "Erase this family: the date the erasure was requested (YYYY-MM-DD or DD/MM/YYYY):",
            value=s.today().isoformat(),
        )
    )
    if typed is None:
        return False
    try:
        requested = parse_user_date(typed)
    except ValueError as err:
        screen.notify(str(err), severity="error")
        return False
    reason = await screen.app.push_screen_wait(
        AskDialog("Reason for the erasure (recorded in the request log and the audit log):")
    )
    if reason is None:
        return False
    try:
        dp.check_erasure_request(s.node, requested, reason)
    except IpsError as err:
        screen.notify(_problem(err), severity="error")
        return False
    warnings = dp.erasure_warnings(s.node, case_id)
    if warnings:
        go_on = await screen.app.push_screen_wait(
            ConfirmDialog(
                "Before erasing:\n\n"
                + "\n".join(f"- {w}" for w in warnings)
                + "\n\nGo on to erase?",
                yes="Go on",
                warning=True,
            )
        )
        if not go_on:
            screen.notify("Nothing was erased")
            return False
    confirm = await screen.app.push_screen_wait(
        AskDialog(
            "Erase every trace of this family here and on the volunteer's laptop? This "
            f"cannot be undone. Type the case reference {case.reference} to confirm."
        )
    )
    if confirm is None or confirm.strip() != case.reference:
        screen.notify("The reference did not match: nothing was erased", severity="warning")
        return False
    try:
        done = dp.erase(
            s.node, case_id, requested_on=requested, reason=reason, accept_warnings=bool(warnings)
        )
    except IpsError as err:
        screen.notify(_problem(err), severity="error")
        return False
    screen.notify(
        f"Erased {done.stub['records']} records ({done.request.id}); the volunteer's copy "
        "goes with the next bundle. A stub (reference, dates, reason, record count) remains."
    )
    return True

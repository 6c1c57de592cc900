"""Data protection at the office, one function per action for the command line and the app:
the request log (subject access, erasure, rectification: received, due, extended, answered),
erasure of a family with its request date, reason and warnings, and the retention period.

Each writes its change and its audit entry in one store write. The log lives in the master
record's ``dp_request`` table (office only, never in a bundle) and names cases by reference:
an erased family's request stays in the log, with nothing of theirs but the reference.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ips_field.actions import office as off
from ips_field.actions import office as ov
from ips_field.domain import dp_requests as dp
from ips_field.domain.dates import uk_date
from ips_field.domain.dp_requests import DpRequest
from ips_field.errors import ValidationError
from sync import audit
from sync.erasure import finish_scrub
from sync.node import SyncNode

REQUESTS = "dp_request"
RETENTION_MIN, RETENTION_MAX = 30, 36_500
MAX_REASON = 500


# -- the request log -------------------------------------------------------------------------


def requests(node: SyncNode) -> list[DpRequest]:
    """Every logged request, oldest first."""
    docs = node.store.table(REQUESTS).all()
    return [DpRequest.from_dict(d) for d in sorted(docs, key=lambda d: d["id"])]


def attention(node: SyncNode, today: dt.date) -> list[DpRequest]:
    """Requests due within a week or overdue (home screen, protection screen)."""
    return [r for r in requests(node) if r.needs_attention(today)]


def get_request(node: SyncNode, request_id: str) -> DpRequest:
    doc = node.store.table(REQUESTS).get_id(request_id.strip().upper())
    if doc is None:
        raise ValidationError({"request": "No request with that number (see ips-office requests)"})
    return DpRequest.from_dict(doc)


def _case(node: SyncNode, ref: str) -> dict[str, Any]:
    from ips_field.actions.office.documents import find_case

    case = node.repo.raw("case", find_case(node, ref))
    assert case is not None
    return case


def _put(node: SyncNode, request: DpRequest) -> None:
    node.store.table(REQUESTS).put(request.to_dict())


def log_request(node: SyncNode, kind: str, ref: str, received: dt.date) -> DpRequest:
    """Log a request received on ``received`` about the family of case ``ref``; audited.

    ``kind`` as a person types it: "subject access", "Subject-Access" and "subject_access"
    are the same request (the screen asks in words, and "subject access" was refused)."""
    kind = "_".join(kind.strip().lower().replace("-", " ").split())
    case = _case(node, ref)
    today = node.repo.time.today()
    with node.store.transaction():
        number = len(node.store.table(REQUESTS).all()) + 1
        request = dp.new_request(
            number, kind, case["id"], case.get("reference", ""), received, today
        )
        _put(node, request.__class__(**{**request.to_dict(), "logged_at": node.now()}))
        audit.append(
            node,
            "dp_request",
            f"{request.id} {kind} for {request.reference} received {request.received_on},"
            f" due {request.due_on}",
            case_id=case["id"],
        )
    return get_request(node, request.id)


def extend_request(
    node: SyncNode, request_id: str, months: int, reason: str, notice: dt.date | None = None
) -> DpRequest:
    """Extend by one or two further months, with the reason and the day the person was told
    (today if not given); audited."""
    today = node.repo.time.today()
    request = get_request(node, request_id)
    new = dp.extended(request, months, reason, notice or today, today)
    with node.store.transaction():
        _put(node, new)
        audit.append(
            node,
            "dp_request",
            f"{new.id} extended by {months} months to {new.extended_to}, told {new.notice_on}: "
            f"{new.extension_reason}",
            case_id=new.case_id,
        )
    return new


def close_request(
    node: SyncNode, request_id: str, on: dt.date | None = None, outcome: str = "answered"
) -> DpRequest:
    """Mark a request answered (on ``on``, today if not given); audited."""
    today = node.repo.time.today()
    new = dp.closed(get_request(node, request_id), on or today, outcome, today)
    with node.store.transaction():
        _put(node, new)
        audit.append(
            node,
            "dp_request",
            f"{new.id} answered {new.closed_on}: {new.outcome}",
            case_id=new.case_id,
        )
    return new


def open_request(node: SyncNode, case_id: str, kind: str) -> DpRequest | None:
    """The open request of that kind about that case, if one is logged."""
    for request in requests(node):
        if request.case_id == case_id and request.kind == kind and not request.closed_on:
            return request
    return None


# -- subject access --------------------------------------------------------------------------


def subject_access(
    node: SyncNode,
    ref: str,
    fmt: str,
    out: Any,
    *,
    received: dt.date | None = None,
    annex: bool = False,
) -> tuple[Any, DpRequest | None]:
    """Write the subject access pack (``documents.write_subject_access``) and, when the
    request's date of receipt is given, log the request (or take the open one) and mark it
    answered today. The one function the command and the case screen call."""
    from ips_field.actions.office.documents import find_case, write_subject_access

    case_id = find_case(node, ref)
    request = open_request(node, case_id, "subject_access")
    if received is not None and request is None:
        dp.check_received(received, node.repo.time.today())
    with node.store.transaction():  # the pack's audit entry and the log's, one write
        path = write_subject_access(node, case_id, fmt, out, annex=annex)
        if received is not None and request is None:
            request = log_request(node, "subject_access", case_id, received)
        if request is not None:
            request = close_request(node, request.id, outcome=f"pack written ({fmt})")
    return path, request


# -- erasure ---------------------------------------------------------------------------------


def erasure_warnings(node: SyncNode, ref: str) -> list[str]:
    """What a supervisor must know before erasing the family of case ``ref``: an open case,
    a safeguarding note, and notes the volunteer's laptop may still hold. One line each."""
    case = _case(node, ref)
    warnings = []
    if case.get("status", "open") != "closed":
        warnings.append(
            f"Case {case.get('reference', '')} is still open: erasing it ends the service's "
            "work with this family."
        )
    if str(case.get("safeguarding", "")).strip():
        warnings.append(
            "The case has a safeguarding note: check that no safeguarding duty needs it "
            "kept before erasing."
        )
    holder = case.get("assigned_to", "")
    if holder and holder != node.node_id:
        name = off.volunteer_name(node, holder)
        peer = node.peer(holder)
        last = uk_date(str(peer.get("last_received_at") or ""))
        since = f"since their last bundle ({last})" if last else "(no bundle received yet)"
        roster = node.roster
        entry = roster.volunteers.get(holder) if roster else None
        if entry is not None and not entry.active:
            warnings.append(
                f"{name}'s laptop holds this case and any notes written {since}; they are "
                "revoked, so the erasure reaches it only with the wipe instruction."
            )
        else:
            warnings.append(
                f"{name}'s laptop still holds this case and any notes written {since}, which "
                "the office has never seen: they go only when it imports the next bundle."
            )
    return warnings


def check_erasure_request(node: SyncNode, requested_on: dt.date, reason: str) -> str:
    """The reason, tidied, if it and the request date can be recorded; else one line."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Give the reason for the erasure (it is recorded)"})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"The reason is at most {MAX_REASON} characters"})
    try:
        dp.check_received(requested_on, node.repo.time.today())
    except ValidationError as err:
        message = err.errors["received"].replace("date received", "date requested")
        raise ValidationError({"requested": message}) from None
    return reason


@dataclass(frozen=True)
class Erased:
    stub: dict[str, Any]
    request: DpRequest
    warnings: list[str]


def erase(
    node: SyncNode,
    ref: str,
    *,
    requested_on: dt.date,
    reason: str,
    accept_warnings: bool = False,
) -> Erased:
    """Erase the family of case ``ref`` here, and on the laptop with the next bundle.

    The request date and the reason are required and recorded (in the erasure stub, the
    request log, answered today, and the audit entry), all in one store write with the
    erasure; the scrub of older copies follows. Refused while there are warnings
    (:func:`erasure_warnings`) the caller has not shown and had accepted."""
    case = _case(node, ref)
    reason = check_erasure_request(node, requested_on, reason)
    warnings = erasure_warnings(node, case["id"])
    if warnings and not accept_warnings:
        raise ValidationError({"warnings": " ".join(warnings)})
    reference = case.get("reference", "")
    with node.store.transaction():
        request = open_request(node, case["id"], "erasure")
        if request is None:
            request = log_request(node, "erasure", case["id"], requested_on)
        holder = case.get("assigned_to", "")
        stub = off.erase_family(node, case["id"], scrub=False)
        stub = {**stub, "requested_on": requested_on.isoformat(), "reason": reason}
        if holder and holder != node.node_id:  # where the erase operation waits in the feed
            stub.update(laptop=holder, feed_n=node.state.get("feed_n", {}).get(holder, 0))
        node.store.table("erasure_stub").put(stub)
        audit.append(
            node,
            "erase",
            f"{reference}: {stub['records']} records; requested {requested_on}; "
            f"reason: {reason}" + ("; warnings accepted" if warnings else ""),
            case_id=case["id"],
        )
        request = close_request(node, request.id, outcome="erased")
    finish_scrub(node.store)  # owed in the same write as the erasure: redone on next open
    return Erased(stub, request, warnings)


def erasure_reached(node: SyncNode, stub: dict[str, Any]) -> str:
    """Whether the holder's laptop has acknowledged the erasure: ``erased``, ``waiting``
    (its next bundle to the office will say), or ``-`` (no laptop held the case)."""
    holder, n = stub.get("laptop"), stub.get("feed_n")
    if not holder or not isinstance(n, int):
        return "-"
    return "erased" if node.peer(holder)["their_ack"] >= n else "waiting"


# -- retention -------------------------------------------------------------------------------


def retention_days(node: SyncNode) -> int:
    return int(node.state.get("retention_days", ov.DEFAULT_RETENTION_DAYS))


def set_retention(node: SyncNode, value: str | int) -> int:
    """Change the office's retention period (whole days, 30 to 36,500); audited with the
    old and new values."""
    text = str(value).strip()
    if not text.isdigit() or len(text) > 6 or not RETENTION_MIN <= int(text) <= RETENTION_MAX:
        raise ValidationError(
            {"retention": f"Give a whole number of days, from {RETENTION_MIN} to {RETENTION_MAX}"}
        )
    days, old = int(text), retention_days(node)
    if days == old:
        return days
    with node.store.transaction():
        node.save_state(retention_days=days)
        audit.append(node, "retention", f"retention period {old} -> {days} days")
    return days
